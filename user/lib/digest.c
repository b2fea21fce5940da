// SPDX-License-Identifier: GPL-2.0
/*
 * medgate_sha256() in user space: OpenSSL's libcrypto (EVP) rather than a hand-written SHA-256.
 * The module uses the kernel's sha256() under the same name (kmod/compat.h), so the shared blob
 * validator computes the same digest on both sides; the audit log's hash chain uses it too.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "compat.h"

void medgate_sha256(const void *data, size_t len, u8 out[32])
{
	unsigned int n = 0;

	/*
	 * EVP_Digest fails only when libcrypto cannot allocate its context or finds no SHA-256.
	 * The prototype (shared with the module) has no error return, and a wrong digest would
	 * reject a good policy or accept a forged log line, so stop instead.
	 */
	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) || n != 32) {
		fputs("medgate: libcrypto cannot compute SHA-256 (out of memory?)\n", stderr);
		abort();
	}
}

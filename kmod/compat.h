/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy blob validator and the matcher are plain C so that the very same code is compiled
 * into medgate.ko, into libmedgate (the compiler checks its own output with it) and into the host
 * unit tests and fuzzers. This header gives them the few kernel names they use.
 */
#ifndef MEDGATE_COMPAT_H
#define MEDGATE_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <crypto/sha2.h>

static inline void medgate_sha256(const void *data, size_t len, u8 out[32])
{
	sha256(data, len, out);
}
#else
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* user/lib/digest.c (libcrypto) */
void medgate_sha256(const void *data, size_t len, u8 out[32]);
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the medgate policy blob is little-endian; big-endian targets are not supported"
#endif

#endif /* MEDGATE_COMPAT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The audit log's device key: Ed25519 through libcrypto's EVP (EVP_PKEY_ED25519,
 * EVP_DigestSign), PEM files. The private key is created on medgated's first start, readable by
 * root only; the public key beside it is all `medgatectl audit verify` needs, on the device or
 * on a reviewer's machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auditlog.h"
#include "compat.h"

static int fail(char *msg, size_t len, int err, const char *fmt, const char *path)
{
	snprintf(msg, len, fmt, path, strerror(-err));
	return err;
}

void mg_alog_hash_hex(const void *data, size_t len, char hex[MG_ALOG_HASH_HEX + 1])
{
	u8 d[32];
	int i;

	medgate_sha256(data, len, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

int mg_alog_key_id(EVP_PKEY *key, char id[17])
{
	unsigned char raw[32];
	char hex[MG_ALOG_HASH_HEX + 1];
	size_t len = sizeof(raw);

	if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1)
		return -EIO;
	mg_alog_hash_hex(raw, len, hex);
	memcpy(id, hex, 16);
	id[16] = '\0';
	return 0;
}

/* Writes @key as PEM to @path, created with @mode, through a temporary name and a rename. */
static int write_pem(const char *path, EVP_PKEY *key, bool private, mode_t mode)
{
	char tmp[4096];
	FILE *f;
	int fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -ENOMEM;
	}
	ok = private ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)
		     : PEM_write_PUBKEY(f, key);
	ok = ok && !fflush(f) && !fsync(fd);
	if (fclose(f) || !ok || rename(tmp, path)) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

int mg_alog_key_load_or_create(const char *key_path, const char *pub_path, EVP_PKEY **out,
			       bool *created, char *msg, size_t msglen)
{
	EVP_PKEY *key = NULL;
	FILE *f;
	int err;

	*out = NULL;
	*created = false;
	f = fopen(key_path, "re");
	if (f) {
		key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
			EVP_PKEY_free(key);
			snprintf(msg, msglen,
				 "%s is not an Ed25519 private key in PEM: move it aside and a new key is made",
				 key_path);
			return -EINVAL;
		}
	} else if (errno != ENOENT) {
		return fail(msg, msglen, -errno, "cannot read the audit key %s: %s", key_path);
	} else {
		err = mg_alog_make_parent(key_path);
		if (err)
			return fail(msg, msglen, err, "cannot create the directory of %s: %s", key_path);
		key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		if (!key) {
			snprintf(msg, msglen, "libcrypto cannot generate the audit key %s", key_path);
			return -EIO;
		}
		err = write_pem(key_path, key, true, 0400);
		if (err) {
			EVP_PKEY_free(key);
			return fail(msg, msglen, err, "cannot write the audit key %s: %s", key_path);
		}
		*created = true;
	}
	if (*created || access(pub_path, F_OK)) {
		err = mg_alog_make_parent(pub_path);
		if (!err)
			err = write_pem(pub_path, key, false, 0444);
		if (err) {
			EVP_PKEY_free(key);
			return fail(msg, msglen, err, "cannot write the public audit key %s: %s",
				    pub_path);
		}
	}
	*out = key;
	return 0;
}

int mg_alog_pubkey_load(const char *path, EVP_PKEY **out, char *msg, size_t msglen)
{
	EVP_PKEY *key;
	FILE *f;

	*out = NULL;
	f = fopen(path, "re");
	if (!f)
		return fail(msg, msglen, -errno, "cannot read the public key %s: %s", path);
	key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(key);
		snprintf(msg, msglen, "%s is not an Ed25519 public key in PEM", path);
		return -EINVAL;
	}
	*out = key;
	return 0;
}

int mg_alog_sign_hex(EVP_PKEY *key, const void *data, size_t len, char hex[129])
{
	unsigned char sig[64];
	size_t siglen = sizeof(sig), i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	/* Ed25519 signs the message itself: no digest is named. */
	ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestSign(ctx, sig, &siglen, data, len) == 1 && siglen == sizeof(sig);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -EIO;
	for (i = 0; i < siglen; i++)
		sprintf(hex + 2 * i, "%02x", sig[i]);
	return 0;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool mg_alog_sig_ok(EVP_PKEY *pub, const void *data, size_t len, const char *hex)
{
	unsigned char sig[64];
	EVP_MD_CTX *ctx;
	size_t i;
	bool ok;

	if (strlen(hex) != 2 * sizeof(sig))
		return false;
	for (i = 0; i < sizeof(sig); i++) {
		int hi = unhex(hex[2 * i]), lo = unhex(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		sig[i] = (unsigned char)(hi << 4 | lo);
	}
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) == 1 &&
	     EVP_DigestVerify(ctx, sig, sizeof(sig), data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

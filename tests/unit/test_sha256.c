// SPDX-License-Identifier: GPL-2.0
/*
 * medgate_sha256() (user/lib/digest.c, libcrypto's EVP) against known answers: the FIPS 180-4 /
 * NIST CAVP example messages, and messages at every padding boundary (55/56/63/64/119/120/127/128 bytes), whose
 * digests were computed with an independent implementation (Python's hashlib).
 * One fixture variant per message, so that each digest is its own result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "kselftest_harness.h"

/* Hex digest of @len bytes at @msg. */
static void digest_hex(const void *msg, size_t len, char hex[65])
{
	u8 d[32];
	int i;

	medgate_sha256(msg, len, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

/* The generated messages: byte i is i % 251, so no block repeats the one before it. */
static void gen(u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(i % 251);
}

FIXTURE(sha256) {
	u8 buf[1000];
};

FIXTURE_VARIANT(sha256) {
	const char *msg;	/* NULL: generated, see gen() */
	size_t len;
	const char *hex;
};

FIXTURE_VARIANT_ADD(sha256, empty_message) {
	.msg = "",
	.len = 0,
	.hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
};

FIXTURE_VARIANT_ADD(sha256, abc) {
	.msg = "abc",
	.len = 3,
	.hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
};

FIXTURE_VARIANT_ADD(sha256, m448_bit_message) {
	.msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	.len = 56,
	.hex = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
};

FIXTURE_VARIANT_ADD(sha256, m896_bit_message) {
	.msg = 
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	.len = 112,
	.hex = "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
};

FIXTURE_VARIANT_ADD(sha256, boundary_55) {
	.msg = NULL,
	.len = 55,
	.hex = "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59",
};

FIXTURE_VARIANT_ADD(sha256, boundary_56) {
	.msg = NULL,
	.len = 56,
	.hex = "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562",
};

FIXTURE_VARIANT_ADD(sha256, boundary_57) {
	.msg = NULL,
	.len = 57,
	.hex = "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f",
};

FIXTURE_VARIANT_ADD(sha256, boundary_63) {
	.msg = NULL,
	.len = 63,
	.hex = "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488",
};

FIXTURE_VARIANT_ADD(sha256, boundary_64) {
	.msg = NULL,
	.len = 64,
	.hex = "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108",
};

FIXTURE_VARIANT_ADD(sha256, boundary_65) {
	.msg = NULL,
	.len = 65,
	.hex = "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781",
};

FIXTURE_VARIANT_ADD(sha256, boundary_119) {
	.msg = NULL,
	.len = 119,
	.hex = "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6",
};

FIXTURE_VARIANT_ADD(sha256, boundary_120) {
	.msg = NULL,
	.len = 120,
	.hex = "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c",
};

FIXTURE_VARIANT_ADD(sha256, boundary_127) {
	.msg = NULL,
	.len = 127,
	.hex = "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976",
};

FIXTURE_VARIANT_ADD(sha256, boundary_128) {
	.msg = NULL,
	.len = 128,
	.hex = "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5",
};

FIXTURE_VARIANT_ADD(sha256, boundary_129) {
	.msg = NULL,
	.len = 129,
	.hex = "5099c6a56203f9687f7d33f4bfdf576d31dc91f6b695ecea38b2770c87631135",
};

FIXTURE_VARIANT_ADD(sha256, m1000_bytes) {
	.msg = NULL,
	.len = 1000,
	.hex = "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d",
};

FIXTURE_SETUP(sha256)
{
	ASSERT_GE(sizeof(self->buf), variant->len);
	gen(self->buf, variant->len);
}

FIXTURE_TEARDOWN(sha256)
{
}

TEST_F(sha256, digest)
{
	const void *msg = variant->msg ? (const void *)variant->msg : self->buf;
	char got[65];

	digest_hex(msg, variant->len, got);
	EXPECT_STREQ(variant->hex, got);
}

TEST(one_million_a)
{
	char got[65];
	u8 *buf;

	buf = malloc(1000000);
	ASSERT_NE(NULL, buf);
	memset(buf, 'a', 1000000);
	digest_hex(buf, 1000000, got);
	free(buf);
	EXPECT_STREQ("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", got);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * medgate_sha256() (user/lib/sha256.c) against known answers: the FIPS 180-4 / NIST CAVP example
 * messages, and messages at every padding boundary (55/56/63/64/119/120/127/128 bytes), whose
 * digests were computed with an independent implementation (Python's hashlib).
 * Output: kselftest-style TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

struct vec {
	const char *name;
	const char *msg;	/* NULL: generated, see gen() */
	size_t len;
	const char *hex;
};

static const struct vec vecs[] = {
	{ "empty message", "", 0,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "abc", 3,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "448-bit message", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "896-bit message",
	  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "boundary 55", NULL, 55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59" },
	{ "boundary 56", NULL, 56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562" },
	{ "boundary 57", NULL, 57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f" },
	{ "boundary 63", NULL, 63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488" },
	{ "boundary 64", NULL, 64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108" },
	{ "boundary 65", NULL, 65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781" },
	{ "boundary 119", NULL, 119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6" },
	{ "boundary 120", NULL, 120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c" },
	{ "boundary 127", NULL, 127, "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976" },
	{ "boundary 128", NULL, 128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5" },
	{ "boundary 129", NULL, 129, "5099c6a56203f9687f7d33f4bfdf576d31dc91f6b695ecea38b2770c87631135" },
	{ "1000 bytes", NULL, 1000, "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d" },
};

static void gen(u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(i % 251);
}

static int check(const char *name, const void *msg, size_t len, const char *hex, int n)
{
	char got[65];
	u8 d[32];
	int i;

	medgate_sha256(msg, len, d);
	for (i = 0; i < 32; i++)
		sprintf(got + 2 * i, "%02x", d[i]);
	if (strcmp(got, hex)) {
		printf("# %s: got %s\n#   want %s\n", name, got, hex);
		printf("not ok %d %s\n", n, name);
		return 1;
	}
	printf("ok %d %s\n", n, name);
	return 0;
}

int main(void)
{
	size_t i, n = sizeof(vecs) / sizeof(vecs[0]);
	int fails = 0, t = 0;
	u8 *buf;

	printf("TAP version 13\n1..%zu\n", n + 1);
	buf = malloc(1000000);
	if (!buf)
		return 1;
	for (i = 0; i < n; i++) {
		const void *msg = vecs[i].msg;

		if (!msg) {
			gen(buf, vecs[i].len);
			msg = buf;
		}
		fails += check(vecs[i].name, msg, vecs[i].len, vecs[i].hex, ++t);
	}
	memset(buf, 'a', 1000000);
	fails += check("one million 'a'", buf, 1000000,
		       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", ++t);
	free(buf);
	printf("# %d passed, %d failed\n", t - fails, fails);
	return fails ? 1 : 0;
}

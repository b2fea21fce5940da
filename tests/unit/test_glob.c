// SPDX-License-Identifier: GPL-2.0
/*
 * Globs (docs/globs.md) end to end: a table of patterns and paths checked against both the
 * reference matcher (mg_glob_match) and the DFA the compiler makes of a one-rule policy, walked by
 * the module's matcher; a randomized cross-check of many-pattern DFAs against the reference
 * (deterministic seed); syntax errors and their offsets; canonical form of the tables; the
 * attachment conflict rule; and the state budget, which turns a blow-up into a diagnostic naming
 * the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_builder.h"
#include "glob.h"
#include "match.h"
#include "kselftest_harness.h"

/*
 * The table: one fixture variant of "glob" per (pattern, path, match?) row, named after both
 * (S for *, SS for **, Q for ?, C for a class, N for a negated one, U for a non-ASCII byte).
 */
FIXTURE(glob) {
};

FIXTURE_VARIANT(glob) {
	const char *pattern, *path;
	int match;
};

/* literal */
FIXTURE_VARIANT_ADD(glob, etc_passwd_vs_etc_passwd) {
	.pattern = "/etc/passwd", .path = "/etc/passwd", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, etc_passwd_vs_etc_passwd2) {
	.pattern = "/etc/passwd", .path = "/etc/passwd2", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, etc_passwd_vs_etc_passw) {
	.pattern = "/etc/passwd", .path = "/etc/passw", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, etc_passwd_vs_etc_passwd_2) {
	.pattern = "/etc/passwd", .path = "/etc/passwd/", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, empty_vs_empty) {
	.pattern = "/", .path = "/", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, empty_vs_a) {
	.pattern = "/", .path = "/a", .match = 0,
};

/* * */
FIXTURE_VARIANT_ADD(glob, etc_S_conf_vs_etc_a_conf) {
	.pattern = "/etc/*.conf", .path = "/etc/a.conf", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, etc_S_conf_vs_etc_conf) {
	.pattern = "/etc/*.conf", .path = "/etc/.conf", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, etc_S_conf_vs_etc_a_b_conf) {
	.pattern = "/etc/*.conf", .path = "/etc/a/b.conf", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, etc_S_conf_vs_etc_a_conf_bak) {
	.pattern = "/etc/*.conf", .path = "/etc/a.conf.bak", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, etc_S_vs_etc) {
	.pattern = "/etc/*", .path = "/etc/", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, etc_S_vs_etc_2) {
	.pattern = "/etc/*", .path = "/etc", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, etc_S_vs_etc_x_y) {
	.pattern = "/etc/*", .path = "/etc/x/y", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, S_vs_empty) {
	.pattern = "/*", .path = "/", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, S_vs_abc) {
	.pattern = "/*", .path = "/abc", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, S_vs_a_b) {
	.pattern = "/*", .path = "/a/b", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, aSbSc_vs_abc) {
	.pattern = "/a*b*c", .path = "/abc", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, aSbSc_vs_aXbYc) {
	.pattern = "/a*b*c", .path = "/aXbYc", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, aSbSc_vs_aXbY_c) {
	.pattern = "/a*b*c", .path = "/aXbY/c", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, aSbSc_vs_abcbc) {
	.pattern = "/a*b*c", .path = "/abcbc", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, aSbSc_vs_acb) {
	.pattern = "/a*b*c", .path = "/acb", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, aSa_vs_a) {
	.pattern = "/a*a", .path = "/a", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, aSa_vs_aa) {
	.pattern = "/a*a", .path = "/aa", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, aSa_vs_aaa) {
	.pattern = "/a*a", .path = "/aaa", .match = 1,
};

/* ** */
FIXTURE_VARIANT_ADD(glob, var_log_hl7_SS_vs_var_log_hl7_a) {
	.pattern = "/var/log/hl7/**", .path = "/var/log/hl7/a", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, var_log_hl7_SS_vs_var_log_hl7_a_b) {
	.pattern = "/var/log/hl7/**", .path = "/var/log/hl7/a/b", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, var_log_hl7_SS_vs_var_log_hl7) {
	.pattern = "/var/log/hl7/**", .path = "/var/log/hl7/", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, var_log_hl7_SS_vs_var_log_hl7_2) {
	.pattern = "/var/log/hl7/**", .path = "/var/log/hl7", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, var_log_hl7_SS_vs_var_log_hl7x_a) {
	.pattern = "/var/log/hl7/**", .path = "/var/log/hl7x/a", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, SS_vs_empty) {
	.pattern = "/**", .path = "/", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, SS_vs_a_b_c) {
	.pattern = "/**", .path = "/a/b/c", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, SS_core_vs_core) {
	.pattern = "/**/core", .path = "/core", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, SS_core_vs_a_core) {
	.pattern = "/**/core", .path = "/a/core", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, SS_core_vs_a_b_core) {
	.pattern = "/**/core", .path = "/a/b/core", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, SS_core_vs_a_b_xcore) {
	.pattern = "/**/core", .path = "/a/b/xcore", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, a_SSb_vs_a_b) {
	.pattern = "/a/**b", .path = "/a/b", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_SSb_vs_a_x_yb) {
	.pattern = "/a/**b", .path = "/a/x/yb", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_SSb_vs_a_x_y) {
	.pattern = "/a/**b", .path = "/a/x/y", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, a_SS_b_SS_vs_a_x_b_y) {
	.pattern = "/a/**/b/**", .path = "/a/x/b/y", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_SS_b_SS_vs_a_b_y) {
	.pattern = "/a/**/b/**", .path = "/a/b/y", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, a_SS_b_SS_vs_a_x_y_b) {
	.pattern = "/a/**/b/**", .path = "/a/x/y/b/", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_SSS_vs_a_b_c) {
	.pattern = "/a/***", .path = "/a/b/c", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_SSx_vs_a_x) {
	.pattern = "/a/**x", .path = "/a/x", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_S_SS_vs_a_b) {
	.pattern = "/a/*/**", .path = "/a/b/", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_S_SS_vs_a_b_2) {
	.pattern = "/a/*/**", .path = "/a/b", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, a_S_SS_vs_a) {
	.pattern = "/a/*/**", .path = "/a//", .match = 1,
};

/* ? */
FIXTURE_VARIANT_ADD(glob, tmp_Q_vs_tmp_a) {
	.pattern = "/tmp/?", .path = "/tmp/a", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, tmp_Q_vs_tmp) {
	.pattern = "/tmp/?", .path = "/tmp/", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, tmp_Q_vs_tmp_ab) {
	.pattern = "/tmp/?", .path = "/tmp/ab", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, tmp_Q_vs_tmp_2) {
	.pattern = "/tmp/?", .path = "/tmp//", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, tmp_QQx_vs_tmp_abx) {
	.pattern = "/tmp/??x", .path = "/tmp/abx", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, tmp_aQc_vs_tmp_a_c) {
	.pattern = "/tmp/a?c", .path = "/tmp/a/c", .match = 0,
};

/* classes */
FIXTURE_VARIANT_ADD(glob, dev_ttyC0_9_vs_dev_tty5) {
	.pattern = "/dev/tty[0-9]", .path = "/dev/tty5", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, dev_ttyC0_9_vs_dev_ttyS) {
	.pattern = "/dev/tty[0-9]", .path = "/dev/ttyS", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, dev_ttyC0_9_vs_dev_tty10) {
	.pattern = "/dev/tty[0-9]", .path = "/dev/tty10", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, dev_ttyN0_9_vs_dev_ttyS) {
	.pattern = "/dev/tty[!0-9]", .path = "/dev/ttyS", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, dev_ttyN0_9_vs_dev_tty1) {
	.pattern = "/dev/tty[!0-9]", .path = "/dev/tty1", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, dev_ttyC_0_9_vs_dev_ttyS) {
	.pattern = "/dev/tty[^0-9]", .path = "/dev/ttyS", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, dev_ttyN0_9_vs_dev_tty) {
	.pattern = "/dev/tty[!0-9]", .path = "/dev/tty/", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, x_Cabc_vs_x_b) {
	.pattern = "/x/[abc]", .path = "/x/b", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, x_Cabc_vs_x_d) {
	.pattern = "/x/[abc]", .path = "/x/d", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, x_Ca_cx_z_vs_x_y) {
	.pattern = "/x/[a-cx-z]", .path = "/x/y", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, x_Ca_cx_z_vs_x_m) {
	.pattern = "/x/[a-cx-z]", .path = "/x/m", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, x_C_a_vs_x) {
	.pattern = "/x/[-a]", .path = "/x/-", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, x_Ca_vs_x) {
	.pattern = "/x/[a-]", .path = "/x/-", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, x_CE_vs_x) {
	.pattern = "/x/[\\]]", .path = "/x/]", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, x_CE_vs_x_2) {
	.pattern = "/x/[\\-]", .path = "/x/-", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, x_C_0_vs_x) {
	.pattern = "/x/[+-0]", .path = "/x/.", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, x_C_0_vs_x_2) {
	.pattern = "/x/[+-0]", .path = "/x//", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, x_CC_vs_x_C) {
	.pattern = "/x/[[]", .path = "/x/[", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, x_Na_vs_x) {
	.pattern = "/x/[!a]", .path = "/x/", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, x_Ca_cC0_9S_vs_x_b7rest) {
	.pattern = "/x/[a-c][0-9]*", .path = "/x/b7rest", .match = 1,
};

/* escapes */
FIXTURE_VARIANT_ADD(glob, aESb_vs_aSb) {
	.pattern = "/a\\*b", .path = "/a*b", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, aESb_vs_axb) {
	.pattern = "/a\\*b", .path = "/axb", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, aEQ_vs_aQ) {
	.pattern = "/a\\?", .path = "/a?", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, aEQ_vs_ab) {
	.pattern = "/a\\?", .path = "/ab", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, aECbE_vs_aCb) {
	.pattern = "/a\\[b\\]", .path = "/a[b]", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, aEEb_vs_aEb) {
	.pattern = "/a\\\\b", .path = "/a\\b", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, aE_bE_vs_a_b) {
	.pattern = "/a\\{b\\}", .path = "/a{b}", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_Ex_vs_a_x) {
	.pattern = "/a/\\x", .path = "/a/x", .match = 1,
};

/* mixed */
FIXTURE_VARIANT_ADD(glob, srv_app12_cacheS_S_tmp_vs_srv_app12_cache3_x_tmp) {
	.pattern = "/srv/app12/cache*/*.tmp", .path = "/srv/app12/cache3/x.tmp", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, srv_app12_cacheS_S_tmp_vs_srv_app12_cache_x_tmp) {
	.pattern = "/srv/app12/cache*/*.tmp", .path = "/srv/app12/cache/x.tmp", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, srv_app12_cacheS_S_tmp_vs_srv_app12_cache3_d_x_tmp) {
	.pattern = "/srv/app12/cache*/*.tmp", .path = "/srv/app12/cache3/d/x.tmp", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, srv_app12_cacheS_S_tmp_vs_srv_app12_cache3_x_tmpx) {
	.pattern = "/srv/app12/cache*/*.tmp", .path = "/srv/app12/cache3/x.tmpx", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, home_S_ssh_SS_vs_home_bob_ssh_id_rsa) {
	.pattern = "/home/*/.ssh/**", .path = "/home/bob/.ssh/id_rsa", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, home_S_ssh_SS_vs_home_ssh_x) {
	.pattern = "/home/*/.ssh/**", .path = "/home/.ssh/x", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, usr_lib_SS_so_vs_usr_lib_x86_64_libc_so) {
	.pattern = "/usr/lib/**.so", .path = "/usr/lib/x86_64/libc.so", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, usr_lib_SS_so_vs_usr_lib_libc_so_6) {
	.pattern = "/usr/lib/**.so", .path = "/usr/lib/libc.so.6", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, p_SxS_vs_p_x) {
	.pattern = "/p/*x*", .path = "/p/x", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, p_SxS_vs_p_abc) {
	.pattern = "/p/*x*", .path = "/p/abc", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, data_UUS_vs_data_UUtUU) {
	.pattern = "/data/\xc3\xa9*", .path = "/data/\xc3\xa9t\xc3\xa9", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, data_Q_vs_data_UU) {
	.pattern = "/data/?", .path = "/data/\xc3\xa9", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, data_QQ_vs_data_UU) {
	.pattern = "/data/??", .path = "/data/\xc3\xa9", .match = 1,
};

FIXTURE_VARIANT_ADD(glob, a_bQc_SS_dS_vs_a_bxc_d) {
	.pattern = "/a/b?c/**/d*", .path = "/a/bxc/d", .match = 0,
};

FIXTURE_VARIANT_ADD(glob, a_bQc_SS_dS_vs_a_bxc_e_dd) {
	.pattern = "/a/b?c/**/d*", .path = "/a/bxc/e/dd", .match = 1,
};


/* A one-rule policy of @pattern, compiled and validated; the compiler's or validator's error. */
static int compile_one(struct __test_metadata *_metadata, const char *pattern, u8 **blob,
		       size_t *len, struct medgate_blob_view *v)
{
	char text[512], msg[512];
	const char *why = "";
	int err;

	snprintf(text, sizeof(text), "profile g {\n    file %s r\n}\n", pattern);
	err = bb_compile2(text, NULL, 0, blob, len, msg, sizeof(msg));
	if (err) {
		TH_LOG("%s: %s", pattern, msg);
		return err;
	}
	err = medgate_blob_validate(*blob, *len, v, &why);
	if (err) {
		TH_LOG("%s: blob rejected: %s", pattern, why);
		free(*blob);
	}
	return err;
}

FIXTURE_SETUP(glob)
{
}

FIXTURE_TEARDOWN(glob)
{
}

TEST_F(glob, reference_and_dfa_agree)
{
	const struct medgate_blob_profile *p;
	struct medgate_blob_view v;
	struct medgate_match m;
	int ref, dfa = -1;
	size_t len;
	u8 *blob;

	ref = mg_glob_match(variant->pattern, variant->path);
	if (!compile_one(_metadata, variant->pattern, &blob, &len, &v)) {
		p = medgate_blob_find_profile(&v, medgate_profile_id("g"));
		medgate_match_file(&v, p, variant->path, MEDGATE_ACCESS_READ, &m);
		dfa = m.allowed && m.rule == 0;
		free(blob);
	}
	EXPECT_EQ(variant->match, ref);
	EXPECT_EQ(variant->match, dfa);
	if (!_metadata->passed)
		TH_LOG("'%s' %s '%s' (reference %d, DFA %d)", variant->pattern,
		       variant->match ? "matches" : "does not match", variant->path, ref, dfa);
}

/* ---- syntax ---- */

/* One fixture variant per syntax error: the pattern, the offset and part of the reason. */
FIXTURE(syntax) {
};

FIXTURE_VARIANT(syntax) {
	const char *pattern;
	size_t off;
	const char *why;
};

FIXTURE_VARIANT_ADD(syntax, unclosed) {
	.pattern = "/a/[abc", .off = 3, .why = "unclosed '['",
};

FIXTURE_VARIANT_ADD(syntax, empty_class) {
	.pattern = "/a/[]", .off = 3, .why = "empty class",
};

FIXTURE_VARIANT_ADD(syntax, empty_class_a) {
	.pattern = "/a/[!]", .off = 3, .why = "empty class",
};

FIXTURE_VARIANT_ADD(syntax, reversed_range) {
	.pattern = "/a/[z-a]", .off = 4, .why = "reversed range",
};

FIXTURE_VARIANT_ADD(syntax, trailing) {
	.pattern = "/a\\", .off = 2, .why = "trailing '\\'",
};

FIXTURE_VARIANT_ADD(syntax, trailing_a_a) {
	.pattern = "/a/[a-\\", .off = 6, .why = "trailing '\\'",
};

FIXTURE_VARIANT_ADD(syntax, inside_a_class) {
	.pattern = "/a/[a/b]", .off = 5, .why = "'/' inside a class",
};

FIXTURE_VARIANT_ADD(syntax, inside_a_class_a) {
	.pattern = "/a/[!/]", .off = 5, .why = "'/' inside a class",
};

FIXTURE_VARIANT_ADD(syntax, alternation_is_not_supported) {
	.pattern = "/a/{b,c}", .off = 3, .why = "alternation {..} is not supported",
};

FIXTURE_VARIANT_ADD(syntax, reserved_for_alternation) {
	.pattern = "/a/b}", .off = 4, .why = "reserved for alternation",
};

FIXTURE_VARIANT_ADD(syntax, without) {
	.pattern = "/a/b]", .off = 4, .why = "without '['",
};

FIXTURE_VARIANT_ADD(syntax, absolute) {
	.pattern = "a/b", .off = 0, .why = "absolute",
};

FIXTURE_VARIANT_ADD(syntax, absolute_) {
	.pattern = "", .off = 0, .why = "absolute",
};

FIXTURE_VARIANT_ADD(syntax, named_classes) {
	.pattern = "/a/[[:alpha:]]", .off = 4, .why = "named classes",
};

FIXTURE_SETUP(syntax)
{
}

FIXTURE_TEARDOWN(syntax)
{
}

TEST_F(syntax, mg_glob_check_rejects_at_the_offset)
{
	const char *why = "";
	size_t off = 9999;

	EXPECT_EQ(-EINVAL, mg_glob_check(variant->pattern, &off, &why));
	EXPECT_EQ(variant->off, off) TH_LOG("'%s': %s", variant->pattern, why);
	ASSERT_NE(NULL, why);
	EXPECT_NE(NULL, strstr(why, variant->why)) TH_LOG("'%s': %s", variant->pattern, why);
}

TEST(mg_glob_check_rejects_a_pattern_of_medgate_path_max_bytes)
{
	char long_pattern[MEDGATE_PATH_MAX + 1];
	const char *why = "";
	size_t off;

	memset(long_pattern, 'a', sizeof(long_pattern) - 1);
	long_pattern[0] = '/';
	long_pattern[MEDGATE_PATH_MAX] = '\0';
	EXPECT_EQ(-EINVAL, mg_glob_check(long_pattern, &off, &why));
	EXPECT_NE(NULL, strstr(why, "too long")) TH_LOG("%s", why);
}

TEST(mg_glob_check_accepts_one_byte_less)
{
	char long_pattern[MEDGATE_PATH_MAX];

	memset(long_pattern, 'a', sizeof(long_pattern) - 1);
	long_pattern[0] = '/';
	long_pattern[MEDGATE_PATH_MAX - 1] = '\0';
	EXPECT_EQ(0, mg_glob_check(long_pattern, NULL, NULL));
}

TEST(empty_brackets_are_empty_not_a_bracket_member)
{
	EXPECT_EQ(-EINVAL, mg_glob_check("/a/[]]x]", NULL, NULL));
}

TEST(escapes_inside_and_outside_classes_are_valid)
{
	EXPECT_EQ(0, mg_glob_check("/a/[\\]a-z\\-]*/**/\\{x\\}?", NULL, NULL));
}

TEST(mg_glob_has_magic_finds_every_wildcard)
{
	EXPECT_FALSE(mg_glob_has_magic("/usr/bin/x"));
	EXPECT_TRUE(mg_glob_has_magic("/usr/bin/*"));
	EXPECT_TRUE(mg_glob_has_magic("/a?"));
	EXPECT_TRUE(mg_glob_has_magic("/a/[b]"));
	EXPECT_TRUE(mg_glob_has_magic("/a\\*"));
}

TEST(an_invalid_pattern_matches_nothing)
{
	EXPECT_FALSE(mg_glob_match("/a/[", "/a/["));
}

/* ---- randomized cross-check ---- */

static unsigned long long rng_state = 0x6d6564676174652aULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *const tokens[] = {
	"a", "b", "ab", "ba", "*", "*", "**", "?", "[ab]", "[!a]", "\\*", "*a", "b*",
};

static void gen_pattern(char *out, size_t cap)
{
	unsigned comps = 1 + rnd(3), c, t;

	out[0] = '\0';
	for (c = 0; c < comps; c++) {
		unsigned ntok = 1 + rnd(3);

		strncat(out, "/", cap - strlen(out) - 1);
		for (t = 0; t < ntok; t++)
			strncat(out, tokens[rnd(sizeof(tokens) / sizeof(tokens[0]))],
				cap - strlen(out) - 1);
	}
}

/* A path that often matches @pattern: its wildcards instantiated at random. */
static void gen_path_from(const char *pattern, char *out, size_t cap)
{
	static const char fill[] = "ab*/";
	size_t n = 0;
	const char *p;

	for (p = pattern; *p && n + 8 < cap; p++) {
		unsigned k;

		switch (*p) {
		case '*':
			if (p[1] == '*') {
				for (k = rnd(4); k > 0; k--)
					out[n++] = fill[rnd(4)];
				while (p[1] == '*')
					p++;
			} else {
				for (k = rnd(3); k > 0; k--)
					out[n++] = fill[rnd(3)];
			}
			break;
		case '?':
			out[n++] = fill[rnd(3)];
			break;
		case '[':
			out[n++] = fill[rnd(3)];
			while (*p && *p != ']')
				p++;
			break;
		case '\\':
			p++;
			out[n++] = *p;
			break;
		default:
			out[n++] = *p;
		}
		if (rnd(20) == 0)
			out[n++] = fill[rnd(4)];
	}
	out[n] = '\0';
}

static void gen_path(char *out, size_t cap)
{
	static const char alpha[] = "ab/*";
	unsigned n = 1 + rnd(9), i;

	out[0] = '/';
	for (i = 1; i < n && i + 1 < cap; i++)
		out[i] = alpha[rnd(4)];
	out[i] = '\0';
}

/* Every DFA of the blob is in canonical form: BFS order, sorted maximal byte ranges. */
static bool canonical(const struct medgate_blob_view *v, u32 first, u32 n)
{
	u32 *order = malloc(n * sizeof(u32)), head = 0, tail = 0, s, k;
	bool *seen = calloc(n, 1), ok = true;

	order[tail++] = first;
	seen[0] = true;
	while (head < tail) {
		const struct medgate_blob_state *st = &v->states[order[head]];

		if (order[head] != first + head)
			ok = false;
		head++;
		for (k = 0; k < st->n_trans; k++) {
			const struct medgate_blob_trans *t = &v->trans[st->first_trans + k];

			if (k > 0 && t[-1].next == t->next && t[-1].hi + 1 == t->lo)
				ok = false;	/* two ranges that should have been one */
			s = t->next - first;
			if (!seen[s]) {
				seen[s] = true;
				order[tail++] = t->next;
			}
		}
	}
	if (tail != n)
		ok = false;		/* an unreachable state */
	free(order);
	free(seen);
	return ok;
}

#define NPAT 6

/*
 * The cross-check runs once per test (each test is its own process, with the same seed); each
 * test reports one of its counts of failures.
 */
FIXTURE(random) {
	unsigned rounds, paths, matches, bad_single, bad_multi, bad_canon, bad_build, bad_same;
};

FIXTURE_SETUP(random)
{
	unsigned rounds = 400, r, i, k, paths = 0, matches = 0, bad_single = 0, bad_multi = 0;
	unsigned bad_canon = 0, bad_build = 0, bad_same = 0;

	for (r = 0; r < rounds; r++) {
		char pats[NPAT][64], text[1024], path[96];
		const struct medgate_blob_profile *p;
		struct medgate_blob_view v;
		const char *why;
		size_t len, len2;
		u8 *blob, *again;

		strcpy(text, "profile r {\n");
		for (i = 0; i < NPAT; i++) {
			gen_pattern(pats[i], sizeof(pats[i]));
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "    file %s r\n",
				 pats[i]);
		}
		strcat(text, "}\n");
		if (bb_compile2(text, NULL, 0, &blob, &len, NULL, 0) ||
		    medgate_blob_validate(blob, len, &v, &why)) {
			bad_build++;
			continue;
		}
		if (bb_compile2(text, NULL, 0, &again, &len2, NULL, 0) || len != len2 ||
		    memcmp(blob, again, len))
			bad_same++;
		free(again);
		p = medgate_blob_find_profile(&v, medgate_profile_id("r"));
		if (!canonical(&v, p->dfa, p->n_states))
			bad_canon++;

		for (k = 0; k < 60; k++) {
			u32 want[NPAT], n_want = 0, s, n_got = 0;
			struct medgate_match m;
			const u32 *got = NULL;

			if (k % 2)
				gen_path(path, sizeof(path));
			else
				gen_path_from(pats[rnd(NPAT)], path, sizeof(path));
			paths++;
			for (i = 0; i < NPAT; i++)
				if (mg_glob_match(pats[i], path))
					want[n_want++] = p->first_rule + i;
			matches += n_want > 0;
			s = bb_walk(&v, p->dfa, path);
			if (s != BB_NONE) {
				got = v.accept + v.states[s].first_accept;
				n_got = v.states[s].n_accept;
			}
			if (n_got != n_want || (n_got && memcmp(got, want, n_got * sizeof(u32)))) {
				if (bad_multi++ < 5)
					TH_LOG("mismatch: path '%s' matches %u patterns, DFA says %u",
					       path, n_want, n_got);
			}
			medgate_match_file(&v, p, path, MEDGATE_ACCESS_READ, &m);
			if (m.allowed != (n_want > 0) ||
			    (n_want && m.rule != want[0]))
				bad_single++;
		}
		free(blob);
	}
	self->rounds = rounds;
	self->paths = paths;
	self->matches = matches;
	self->bad_single = bad_single;
	self->bad_multi = bad_multi;
	self->bad_canon = bad_canon;
	self->bad_build = bad_build;
	self->bad_same = bad_same;
}

FIXTURE_TEARDOWN(random)
{
}

TEST_F(random, policies_compile_and_validate)
{
	EXPECT_EQ(0, self->bad_build) TH_LOG("%u of %u failed", self->bad_build, self->rounds);
}

TEST_F(random, policies_compile_to_the_same_bytes_twice)
{
	EXPECT_EQ(0, self->bad_same) TH_LOG("%u differ", self->bad_same);
}

TEST_F(random, dfas_are_canonical_bfs_order_maximal_ranges)
{
	EXPECT_EQ(0, self->bad_canon) TH_LOG("%u not", self->bad_canon);
}

TEST_F(random, accept_lists_equal_the_reference_matches)
{
	EXPECT_EQ(0, self->bad_multi) TH_LOG("%u paths, %u matching, %u wrong", self->paths,
					     self->matches, self->bad_multi);
}

TEST_F(random, medgate_match_file_agrees_with_the_reference)
{
	EXPECT_EQ(0, self->bad_single) TH_LOG("%u wrong", self->bad_single);
}

/* ---- attachments ---- */

/* Compiles @text (and @second as second.policy); the error, with its diagnostic in @msg. */
static int compile_msg(const char *text, const char *second, u32 budget, char *msg)
{
	size_t len;
	u8 *blob;
	int err;

	msg[0] = '\0';
	err = bb_compile2(text, second, budget, &blob, &len, msg, 512);
	if (!err)
		free(blob);
	return err;
}

TEST(two_globs_of_two_profiles_matching_one_path_error_naming_both)
{
	char msg[512];

	EXPECT_EQ(-EINVAL, compile_msg("profile a {\n    attach /opt/*/tool\n}\n"
				       "profile b {\n    attach /opt/x/*\n}\n", NULL, 0, msg));
	EXPECT_NE(NULL, strstr(msg, "/opt/*/tool")) TH_LOG("%s", msg);
	EXPECT_NE(NULL, strstr(msg, "/opt/x/*")) TH_LOG("%s", msg);
	EXPECT_NE(NULL, strstr(msg, "both match \"/opt/x/tool\"")) TH_LOG("%s", msg);
}

/* A glob and an exact attachment of two profiles. */
FIXTURE(attach) {
	char msg[512];
	int err, valid;
	u8 *blob;
	size_t len;
	struct medgate_blob_view v;
};

FIXTURE_SETUP(attach)
{
	const char *why = "";

	self->blob = NULL;
	self->err = bb_compile2("profile a {\n    attach /usr/bin/svc-*\n}\n"
				"profile b {\n    attach /usr/bin/svc-helper\n}\n", NULL, 0,
				&self->blob, &self->len, self->msg, sizeof(self->msg));
	self->valid = self->err ? -1 : medgate_blob_validate(self->blob, self->len, &self->v, &why);
}

FIXTURE_TEARDOWN(attach)
{
	free(self->blob);
}

TEST_F(attach, a_glob_and_an_exact_attachment_of_two_profiles_allowed)
{
	EXPECT_EQ(0, self->err) TH_LOG("%s", self->msg);
	EXPECT_EQ(0, self->valid);
}

TEST_F(attach, the_exact_attachment_wins)
{
	const struct medgate_blob_profile *p;

	ASSERT_EQ(0, self->valid);
	p = medgate_match_attach(&self->v, "/usr/bin/svc-helper");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(medgate_profile_id("b"), p->id);
}

TEST_F(attach, the_glob_takes_the_rest)
{
	const struct medgate_blob_profile *p;

	ASSERT_EQ(0, self->valid);
	p = medgate_match_attach(&self->v, "/usr/bin/svc-x");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(medgate_profile_id("a"), p->id);
}

TEST_F(attach, and_nothing_else)
{
	ASSERT_EQ(0, self->valid);
	EXPECT_EQ(NULL, medgate_match_attach(&self->v, "/usr/bin/svc"));
}

TEST(overlapping_globs_of_one_profile_are_fine)
{
	char msg[512];

	EXPECT_EQ(0, compile_msg("profile a {\n    attach /usr/bin/*\n    attach /usr/bin/a*\n}\n",
				 NULL, 0, msg)) TH_LOG("%s", msg);
}

TEST(conflicts_across_files_name_both_files)
{
	char msg[512];

	EXPECT_EQ(-EINVAL, compile_msg("profile a {\n    attach /usr/bin/a*\n}\n",
				       "profile b {\n    attach /usr/*/ab\n}\n", 0, msg));
	EXPECT_NE(NULL, strstr(msg, "test.policy:2")) TH_LOG("%s", msg);
	EXPECT_NE(NULL, strstr(msg, "second.policy:2")) TH_LOG("%s", msg);
}

/* ---- state budget ---- */

/* Each rule can start matching anywhere, and all of them at once: exponential. */
FIXTURE(budget) {
	char text[4096], msg[512];
	int err;
};

FIXTURE_VARIANT(budget) {
	u32 states;	/* the budget, 0 for the default */
};

FIXTURE_VARIANT_ADD(budget, of_5000_states) {
	.states = 5000,
};

FIXTURE_VARIANT_ADD(budget, by_default) {
	.states = 0,
};

FIXTURE_SETUP(budget)
{
	char *text = self->text;
	size_t len;
	unsigned i;
	u8 *blob;

	strcpy(text, "profile boom {\n    file /etc/fine r\n");
	for (i = 0; i < 16; i++)
		snprintf(text + strlen(text), sizeof(self->text) - strlen(text),
			 "    file /**/*%c*%c*%c* r\n", 'a' + i, 'a' + (i + 3) % 16, 'a' + (i + 7) % 16);
	strcat(text, "}\n");
	self->err = bb_compile2(text, NULL, variant->states, &blob, &len, self->msg,
				sizeof(self->msg));
	if (!self->err)
		free(blob);
}

FIXTURE_TEARDOWN(budget)
{
}

TEST_F(budget, a_blow_up_stops_at_the_state_budget_with_a_diagnostic)
{
	EXPECT_EQ(-EINVAL, self->err);
	if (variant->states) {
		EXPECT_NE(NULL, strstr(self->msg, "more than 5000 DFA states")) TH_LOG("%s", self->msg);
		EXPECT_NE(NULL, strstr(self->msg, "profile \"boom\"")) TH_LOG("%s", self->msg);
		EXPECT_NE(NULL, strstr(self->msg, "test.policy:")) TH_LOG("%s", self->msg);
	} else {
		EXPECT_NE(NULL, strstr(self->msg, "more than 250000 DFA states")) TH_LOG("%s", self->msg);
	}
}

/*
 * No timing check: a compiler that never gives up is caught by the harness's per-test timeout, and
 * speed belongs to `make bench`.
 */
TEST_F(budget, the_diagnostic_names_glob_rules_not_the_exact_one)
{
	EXPECT_EQ(NULL, strstr(self->msg, "test.policy:2,")) TH_LOG("%s", self->msg);
	EXPECT_EQ(NULL, strstr(self->msg, "test.policy:2 ")) TH_LOG("%s", self->msg);
}

/* Large without a blow-up: the message says so instead of blaming three rules. */
static char *big_policy(void)
{
	char *big = malloc(400 * 48 + 64);
	unsigned i;

	if (!big)
		return NULL;
	strcpy(big, "profile big {\n");
	for (i = 0; i < 400; i++)
		sprintf(big + strlen(big), "    file /srv/app%03u/data/file%04u.dat r\n", i, i * 7);
	strcat(big, "}\n");
	return big;
}

TEST(a_profile_too_large_for_the_budget_is_reported_as_such)
{
	char *big = big_policy(), msg[512];

	ASSERT_NE(NULL, big);
	EXPECT_EQ(-EINVAL, compile_msg(big, NULL, 1000, msg));
	EXPECT_NE(NULL, strstr(msg, "test.policy:1:")) TH_LOG("%s", msg);
	EXPECT_NE(NULL, strstr(msg, "its 400 rules")) TH_LOG("%s", msg);
	EXPECT_NE(NULL, strstr(msg, "too many for one automaton")) TH_LOG("%s", msg);
	free(big);
}

TEST(and_fits_the_default_budget)
{
	char *big = big_policy(), msg[512];

	ASSERT_NE(NULL, big);
	EXPECT_EQ(0, compile_msg(big, NULL, 0, msg)) TH_LOG("%s", msg);
	free(big);
}

TEST(a_few_such_rules_fit)
{
	char msg[512];

	EXPECT_EQ(0, compile_msg("profile ok {\n    file /**/*a*b* r\n    file /**/*c*d* r\n}\n",
				 NULL, 5000, msg)) TH_LOG("%s", msg);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the policy language front end (user/lib: lexer, parser, decompiler, diff):
 * valid policies compile into blobs that the module's own validator accepts and that hold the
 * expected profiles, attachments and rules (variables expanded, includes followed, globs flagged,
 * implied access bits set); the output is canonical; `policy show` text compiles back to the same
 * rules; `policy diff` finds what changed; and each invalid policy of a corpus is refused with the
 * expected file:line:col and reason, with every error reported at once (one fixture variant of
 * "invalid" per policy of the corpus).
 *
 * MG_TEST_POLICIES is the absolute path of tests/unit/policies, MG_TEST_DATADIR the default
 * directory of "include <NAME>" the library was built with (both set by unit.mk).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medgate.h"
#include "blob.h"
#include "scratch.h"
#include "kselftest_harness.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef MG_TEST_DATADIR
#define MG_TEST_DATADIR "/usr/share/medgate"
#endif

#ifndef MG_TEST_POLICIES
#define MG_TEST_POLICIES "tests/unit/policies"
#endif

/* MG_VAR_VALUES_MAX of user/lib/internal.h: values one variable may have. */
#define MG_VAR_VALUES_MAX_TEST 1024

/*
 * A scratch directory for the whole run: made before the harness starts (a constructor), removed
 * when it exits (a destructor, which runs in the harness process only: each test is a child that
 * leaves with _exit()). Tests use distinct names in it.
 */
static char tmpdir[64];

static void __attribute__((constructor)) tmpdir_make(void)
{
	if (scratch_new(tmpdir, sizeof(tmpdir), "unit")) {
		fprintf(stderr, "Bail out! cannot create a temporary directory\n");
		exit(1);
	}
}

static void __attribute__((destructor)) tmpdir_remove(void)
{
	scratch_remove(tmpdir);
}

/*
 * The failing test's details as "#" lines of the TAP stream, one per line of the message, so
 * that nothing quoted (a decompiled policy, say) can read as a TAP result.
 */
__attribute__((format(printf, 1, 2)))
static void diag(const char *fmt, ...)
{
	char *msg, *line, *save = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	for (line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "# %s\n", line);
	free(msg);
}

static void dump_diags(const struct mg_diags *d)
{
	char line[600];
	size_t i;

	for (i = 0; i < d->n; i++) {
		mg_diag_format(&d->v[i], line, sizeof(line));
		diag("  %s", line);
	}
}

/* Compiles @text and decodes the blob (which runs the module's validator). NULL on failure. */
static struct mg_decoded *compile_dec(const char *text, void **blob_out, size_t *len_out)
{
	struct mg_diags d = { 0 };
	struct mg_decoded *dec = NULL;
	const char *why = NULL;
	void *blob = NULL;
	size_t len = 0;
	int err;

	err = mg_policy_compile(text, "test.policy", &blob, &len, &d);
	if (err) {
		diag("compile failed: %d", err);
		dump_diags(&d);
		mg_diags_free(&d);
		return NULL;
	}
	mg_diags_free(&d);
	err = mg_blob_decode(blob, len, &dec, &why);
	if (err)
		diag("blob rejected: %s", why ? why : "?");
	if (blob_out && !err) {
		*blob_out = blob;
		*len_out = len;
	} else {
		free(blob);
	}
	return dec;
}

static struct mg_decoded *compile_files_dec(const char *const *files, size_t n)
{
	struct mg_diags d = { 0 };
	struct mg_decoded *dec = NULL;
	const char *why = NULL;
	void *blob = NULL;
	size_t len = 0;
	int err;

	err = mg_policy_compile_files(files, n, &blob, &len, &d);
	if (err) {
		diag("compile failed: %d", err);
		dump_diags(&d);
		mg_diags_free(&d);
		return NULL;
	}
	mg_diags_free(&d);
	if (mg_blob_decode(blob, len, &dec, &why))
		diag("blob rejected: %s", why ? why : "?");
	free(blob);
	return dec;
}

static const struct mg_dec_profile *find(const struct mg_decoded *d, const char *name)
{
	return d ? mg_decoded_find(d, medgate_profile_id(name)) : NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* The profile's rules as "PATTERN:ACCESS-LETTERS:LINE" joined by spaces, for compact checks. */
static const char *rules_str(const struct mg_dec_profile *p)
{
	static char buf[8192];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; p && i < p->n_rules; i++) {
		char acc[32];

		mg_access_format(p->rules[i].access, acc, sizeof(acc));
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s%s:%s:%u", i ? " " : "",
				      p->rules[i].flags & MEDGATE_RULE_F_DENY ? "!" : "",
				      p->rules[i].pattern, acc, p->rules[i].line);
		if (n >= sizeof(buf))
			break;
	}
	return buf;
}

static const char *attach_str(const struct mg_dec_profile *p)
{
	static char buf[4096];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; p && i < p->n_attach; i++) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
				      p->attach[i].pattern);
		if (n >= sizeof(buf))
			break;
	}
	return buf;
}

static bool check_str(const char *got, const char *want, const char *what)
{
	if (!strcmp(got, want))
		return true;
	diag("%s: got  \"%s\"", what, got);
	diag("%s: want \"%s\"", what, want);
	return false;
}

#define RD	MEDGATE_ACCESS_READ
#define WR	MEDGATE_ACCESS_WRITE
#define AP	MEDGATE_ACCESS_APPEND
#define EX	MEDGATE_ACCESS_EXEC
#define CR	MEDGATE_ACCESS_CREATE
#define MX	MEDGATE_ACCESS_MMAP_EXEC

/* ---- valid policies ---- */

static const char *example =
	"# comment to end of line\n"
	"profile hl7-forwarder {\n"
	"    attach /opt/gateway/bin/hl7-forwarder      # exact executable path; may repeat\n"
	"    mode enforce\n"
	"    file /etc/hl7/forwarder.conf r\n"
	"    file /var/log/hl7/** rwac\n"
	"    deny file /etc/shadow rw\n"
	"    exec /bin/busybox\n"
	"    exec /opt/gateway/bin/helper -> other-profile\n"
	"}\n"
	"\n"
	"profile other-profile {\n"
	"    attach /opt/gateway/bin/other\n"
	"    mode complain\n"
	"    file /etc/hl7/forwarder.conf rx\n"
	"}\n";

static bool same_blob(const char *a, const char *b, const char *what)
{
	void *ba = NULL, *bb = NULL;
	size_t la = 0, lb = 0;
	struct mg_decoded *da, *db;
	bool same;

	da = compile_dec(a, &ba, &la);
	db = compile_dec(b, &bb, &lb);
	if (!da || !db) {
		diag("%s: compile failed", what);
		same = false;
	} else {
		same = la == lb && !memcmp(ba, bb, la);
	}
	mg_decoded_free(da);
	mg_decoded_free(db);
	free(ba);
	free(bb);
	return same;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/*
 * The example policy, compiled and decoded: each test checks one part of it. A test whose
 * fixture cannot compile the example fails in its setup, with the compiler's diagnostics.
 */
FIXTURE(example) {
	struct mg_decoded *d;
	const struct mg_dec_profile *p, *o;
	void *blob;
	size_t len;
};

FIXTURE_SETUP(example)
{
	self->blob = NULL;
	self->d = compile_dec(example, &self->blob, &self->len);
	ASSERT_NE(NULL, self->d) TH_LOG("example policy does not compile and validate");
	self->p = find(self->d, "hl7-forwarder");
	self->o = find(self->d, "other-profile");
	ASSERT_TRUE(self->p && self->o && self->p->n_rules == 5);
}

FIXTURE_TEARDOWN(example)
{
	free(self->blob);
	mg_decoded_free(self->d);
}

TEST_F(example, compiles_and_validates)
{
	EXPECT_NE(NULL, self->d);
}

TEST_F(example, counts_and_profiles_sorted_by_id)
{
	const struct mg_decoded *d = self->d;

	EXPECT_TRUE(self->p && self->o && d->n_profiles == 2 && d->n_attach == 2 &&
		    d->n_rules == 6 && d->profiles[0].id < d->profiles[1].id);
}

TEST_F(example, profile_names_modes_and_attachments_with_source_file_and_line)
{
	const struct mg_dec_profile *p = self->p, *o = self->o;

	EXPECT_TRUE(p->n_rules == 5 && p->mode == MEDGATE_MODE_ENFORCE &&
		    o->mode == MEDGATE_MODE_COMPLAIN && !strcmp(p->name, "hl7-forwarder") &&
		    !strcmp(p->attach[0].pattern, "/opt/gateway/bin/hl7-forwarder") &&
		    p->attach[0].flags == 0 && p->attach[0].line == 3 &&
		    !strcmp(p->attach[0].file, "test.policy"));
}

TEST_F(example, exact_file_rule_path_access_r_line_5_file)
{
	const struct mg_dec_rule *r = self->p->rules;

	EXPECT_TRUE(!strcmp(r[0].pattern, "/etc/hl7/forwarder.conf") && r[0].flags == 0 &&
		    r[0].access == RD && r[0].line == 5 && r[0].target == 0 &&
		    !strcmp(r[0].file, "test.policy"));
}

TEST_F(example, dir_starstar_stays_a_glob_pattern_flagged_glob)
{
	const struct mg_dec_rule *r = self->p->rules;

	EXPECT_TRUE(!strcmp(r[1].pattern, "/var/log/hl7/**") && r[1].flags == MEDGATE_RULE_F_GLOB &&
		    r[1].access == (RD | WR | AP | CR) && r[1].line == 6);
}

TEST_F(example, deny_rule_w_implies_a)
{
	const struct mg_dec_rule *r = self->p->rules;

	EXPECT_TRUE(r[2].flags == MEDGATE_RULE_F_DENY && r[2].access == (RD | WR | AP) &&
		    r[2].line == 7);
}

TEST_F(example, exec_path_is_access_x_implying_m_exec_mode_stay)
{
	const struct mg_dec_rule *r = self->p->rules;

	EXPECT_TRUE(!strcmp(r[3].pattern, "/bin/busybox") && r[3].access == (EX | MX) &&
		    r[3].exec_mode == MEDGATE_EXEC_STAY && r[3].target == 0 && r[3].line == 8);
}

TEST_F(example, exec_path_to_profile_moves_to_the_target_id)
{
	const struct mg_dec_rule *r = self->p->rules;

	EXPECT_TRUE(r[4].access == (EX | MX) && r[4].exec_mode == MEDGATE_EXEC_MOVE &&
		    r[4].target == self->o->id && r[4].target_name &&
		    !strcmp(r[4].target_name, "other-profile") && r[4].line == 9);
}

TEST_F(example, file_path_rx_stays_with_m_implied)
{
	const struct mg_dec_profile *o = self->o;

	EXPECT_TRUE(o->rules[0].access == (RD | EX | MX) &&
		    o->rules[0].exec_mode == MEDGATE_EXEC_STAY);
}

TEST_F(example, mg_blob_version_matches_the_validator_version)
{
	uint64_t ver = 0;

	EXPECT_EQ(0, mg_blob_version(self->blob, self->len, &ver));
	EXPECT_EQ(self->d->version, ver);
	EXPECT_NE(0, ver);
}

/* One line each, so that reordering the profiles moves no statement to another line. */
static const char canon_a[] =
	"profile zeta { attach /usr/bin/zeta; mode complain } "
	"profile alpha { attach /usr/bin/alpha; attach /usr/bin/alpha2; file /x r } "
	"profile mid { }\n";
static const char canon_b[] =
	"profile mid { } "
	"profile zeta { attach /usr/bin/zeta; mode complain } "
	"profile alpha { attach /usr/bin/alpha; attach /usr/bin/alpha2; file /x r }\n";
static const char canon_c[] =
	"profile alpha { attach /usr/bin/alpha2; attach /usr/bin/alpha; file /x r } "
	"profile zeta { attach /usr/bin/zeta; mode complain } "
	"profile mid { }\n";

TEST(canonical_same_text_gives_the_same_bytes)
{
	EXPECT_TRUE(same_blob(example, example, "same text"));
}

TEST(canonical_reordering_profiles_gives_the_same_bytes)
{
	EXPECT_TRUE(same_blob(canon_a, canon_b, "reordered"));
}

TEST(canonical_attachment_order_inside_a_profile_is_significant)
{
	EXPECT_FALSE(same_blob(canon_a, canon_c, "attach order"));
}

TEST(canonical_rule_source_lines_are_part_of_the_blob)
{
	EXPECT_FALSE(same_blob("profile a {\n file /x r\n}\n", "profile a {\n\n file /x r\n}\n",
			       "lines"));
}

TEST(canonical_spacing_and_comments_do_not_matter)
{
	EXPECT_TRUE(same_blob("profile a {\n file /x r   # c\n}\n", "profile a {\n file   /x  r\n}\n",
			      "spacing"));
}

TEST(canonical_a_variable_expands_to_the_same_bytes_as_the_rules_written_out)
{
	EXPECT_TRUE(same_blob("@{A} = /a /b\nprofile p {\n file @{A} r\n}\n",
			      "\nprofile p {\n file /a r; file /b r\n}\n", "variables"));
}

TEST(canonical_implied_letters_make_no_difference)
{
	EXPECT_TRUE(same_blob("profile p {\n file /x wa\n exec /y\n}\n",
			      "profile p {\n file /x w\n file /y xm\n}\n", "implied"));
}

TEST(canonical_a_quoted_path_is_the_same_path)
{
	EXPECT_TRUE(same_blob("profile p {\n file /x r\n}\n", "profile p {\n file \"/x\" r\n}\n",
			      "quoted"));
}

/* Two policy files, a.policy with an exec rule into b.policy's profile, each with its @{A}. */
FIXTURE(files) {
	char f1[96], f2[96], f3[96];
	struct mg_diags d;
	void *b1, *b2;
	size_t l1, l2;
};

FIXTURE_SETUP(files)
{
	snprintf(self->f1, sizeof(self->f1), "%s/a.policy", tmpdir);
	snprintf(self->f2, sizeof(self->f2), "%s/b.policy", tmpdir);
	snprintf(self->f3, sizeof(self->f3), "%s/missing.policy", tmpdir);
	ASSERT_EQ(0, write_file(self->f1, "@{A} = /etc/a\nprofile a {\n attach /bin/a\n"
				" exec /bin/b -> b\n file @{A} r\n}\n"));
	ASSERT_EQ(0, write_file(self->f2, "@{A} = /etc/b\nprofile b {\n attach /bin/b\n"
				" file @{A} rw\n}\n"));
	memset(&self->d, 0, sizeof(self->d));
	self->b1 = self->b2 = NULL;
}

FIXTURE_TEARDOWN(files)
{
	free(self->b1);
	free(self->b2);
	mg_diags_free(&self->d);
	unlink(self->f1);
	unlink(self->f2);
}

/* Compiles f1 and f2 in both orders into b1 and b2; true when both compiled without a word. */
static bool compile_both_orders(FIXTURE_DATA(files) *self)
{
	const char *one[2] = { self->f1, self->f2 }, *two[2] = { self->f2, self->f1 };
	int e1, e2;

	e1 = mg_policy_compile_files(one, 2, &self->b1, &self->l1, &self->d);
	e2 = mg_policy_compile_files(two, 2, &self->b2, &self->l2, &self->d);
	if (self->d.n)
		dump_diags(&self->d);
	return !e1 && !e2 && self->d.n == 0;
}

TEST_F(files, two_files_share_one_profile_namespace_each_has_its_own_variables)
{
	EXPECT_TRUE(compile_both_orders(self));
}

TEST_F(files, file_order_does_not_change_the_blob)
{
	ASSERT_TRUE(compile_both_orders(self));
	ASSERT_EQ(self->l1, self->l2);
	EXPECT_EQ(0, memcmp(self->b1, self->b2, self->l1));
}

TEST_F(files, a_missing_exec_target_is_reported_with_the_file_name)
{
	const struct mg_diags *d = &self->d;

	EXPECT_EQ(-EINVAL, mg_policy_compile_file(self->f1, &self->b1, &self->l1, &self->d));
	ASSERT_EQ(1, d->n) dump_diags(d);
	EXPECT_TRUE(d->v[0].line == 4 && d->v[0].col == 17 && !strcmp(d->v[0].file, self->f1) &&
		    strstr(d->v[0].msg, "names no profile")) dump_diags(d);
}

TEST_F(files, an_unreadable_file_is_enoent_with_a_diagnostic)
{
	const struct mg_diags *d = &self->d;

	EXPECT_EQ(-ENOENT, mg_policy_compile_file(self->f3, &self->b1, &self->l1, &self->d));
	ASSERT_EQ(1, d->n);
	EXPECT_TRUE(d->v[0].line == 0 && strstr(d->v[0].msg, "cannot open")) dump_diags(d);
}

TEST_F(files, a_profile_defined_in_two_files_is_a_duplicate)
{
	const char *one[2] = { self->f1, self->f2 };
	const struct mg_diags *d = &self->d;

	ASSERT_EQ(0, write_file(self->f2, "profile a {\n}\n"));
	EXPECT_EQ(-EINVAL, mg_policy_compile_files(one, 2, &self->b1, &self->l1, &self->d));
	ASSERT_EQ(2, d->n) dump_diags(d);
	EXPECT_TRUE(strstr(d->v[1].msg, "duplicate profile \"a\"") &&
		    strstr(d->v[1].msg, "a.policy:2") && !strcmp(d->v[1].file, self->f2))
		dump_diags(d);
}

/* Compiles @text, which must compile, and keeps the decoded policy for the test's checks. */
FIXTURE(valid) {
	struct mg_decoded *d;
};

FIXTURE_SETUP(valid)
{
	self->d = NULL;
}

FIXTURE_TEARDOWN(valid)
{
	mg_decoded_free(self->d);
}

TEST_F(valid, an_empty_policy_compiles)
{
	self->d = compile_dec("", NULL, NULL);
	EXPECT_TRUE(self->d && self->d->n_profiles == 0);
}

TEST_F(valid, comments_and_blank_lines_only)
{
	self->d = compile_dec("# only a comment\n\n\n", NULL, NULL);
	EXPECT_TRUE(self->d && self->d->n_profiles == 0);
}

TEST_F(valid, one_line_profile_with_semicolon_separators)
{
	self->d = compile_dec("profile a { attach /bin/a; file /etc/a r; exec /bin/sh }\n", NULL,
			      NULL);
	EXPECT_TRUE(self->d && self->d->n_rules == 2 && self->d->n_attach == 1);
}

TEST_F(valid, brace_on_the_next_line_crlf_line_ends)
{
	self->d = compile_dec("profile a\n{\r\n  file /etc/a r\r\n}\r\n", NULL, NULL);
	EXPECT_TRUE(self->d && self->d->n_rules == 1 && self->d->profiles[0].rules[0].line == 3);
}

TEST_F(valid, quoted_path_with_spaces_hash_inside_a_word_is_not_a_comment)
{
	const struct mg_decoded *d;

	d = self->d = compile_dec("profile a {\n file \"/srv/my data/x y\" rw\n file /tmp/a#b r\n}\n",
				  NULL, NULL);
	EXPECT_TRUE(d && d->n_rules == 2 &&
		    !strcmp(d->profiles[0].rules[0].pattern, "/srv/my data/x y") &&
		    !strcmp(d->profiles[0].rules[1].pattern, "/tmp/a#b"));
}

TEST_F(valid, the_escaped_quote_in_quoted_strings)
{
	self->d = compile_dec("profile a {\n file \"/q/\\\"x\\\"\" r\n}\n", NULL, NULL);
	EXPECT_TRUE(self->d && !strcmp(self->d->profiles[0].rules[0].pattern, "/q/\"x\""));
}

TEST_F(valid, starstar_is_kept_as_written_all_nine_access_letters_the_root_itself)
{
	const struct mg_decoded *d;

	d = self->d = compile_dec("profile a {\n file /** r\n file /opt/** rwaxcdlsmn\n file / r\n}\n",
				  NULL, NULL);
	EXPECT_TRUE(d && !strcmp(d->profiles[0].rules[0].pattern, "/**") &&
		    d->profiles[0].rules[0].flags == MEDGATE_RULE_F_GLOB &&
		    d->profiles[0].rules[1].access == MEDGATE_ACCESS_ALL &&
		    !strcmp(d->profiles[0].rules[2].pattern, "/") &&
		    d->profiles[0].rules[2].flags == 0);
}

TEST_F(valid, file_path_rx_to_profile_moves_deny_exec_denies_x_and_m)
{
	const struct mg_decoded *d;

	d = self->d = compile_dec("profile a {\n file /usr/bin/x rx -> b\n deny exec /bin/su\n}\n"
				  "profile b {\n}\n", NULL, NULL);
	EXPECT_TRUE(d && find(d, "a") && find(d, "a")->rules[0].exec_mode == MEDGATE_EXEC_MOVE &&
		    find(d, "a")->rules[0].target == medgate_profile_id("b") &&
		    find(d, "a")->rules[1].flags == MEDGATE_RULE_F_DENY &&
		    find(d, "a")->rules[1].access == (EX | MX));
}

TEST_F(valid, a_63_character_profile_name_all_allowed_name_characters)
{
	char name[64], text[200];

	memset(name, 'n', 63);
	name[63] = '\0';
	snprintf(text, sizeof(text), "profile %s {\n}\nprofile A.b_c-9 {\n}\n", name);
	self->d = compile_dec(text, NULL, NULL);
	EXPECT_TRUE(self->d && self->d->n_profiles == 2);
}

TEST_F(valid, a_path_of_the_longest_length)
{
	char *big = malloc(MEDGATE_PATH_MAX + 64);
	size_t n;

	ASSERT_NE(NULL, big);
	n = (size_t)snprintf(big, 64, "profile a {\n file /");
	memset(big + n, 'p', MEDGATE_PATH_MAX - 2);
	strcpy(big + n + MEDGATE_PATH_MAX - 2, " r\n}\n");
	self->d = compile_dec(big, NULL, NULL);
	free(big);
	ASSERT_NE(NULL, self->d);
	EXPECT_EQ(MEDGATE_PATH_MAX - 1, strlen(self->d->profiles[0].rules[0].pattern));
}

TEST(valid_different_policies_have_different_bytes)
{
	EXPECT_FALSE(same_blob("profile a {\n file /x r\n}\n", "profile a {\n file /x w\n}\n",
			       "diff"));
}

static const char globs_text[] =
	"profile g {\n"
	" attach /opt/gw/bin/svc-*\n"
	" attach /opt/gw/bin/plain\n"
	" file /dev/tty[SU]* rw\n"
	" file /etc/gw/?.conf r\n"
	" file /var/log/gw/** a\n"
	" file /srv/\\*literal r\n"
	" file /srv/plain r\n"
	" file /dev/ttyS[!0] r\n"
	"}\n";

TEST_F(valid, globs_attachments_may_be_globs_flagged_glob)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec(globs_text, NULL, NULL);
	p = find(self->d, "g");
	EXPECT_TRUE(p && p->n_attach == 2 && p->attach[0].flags == MEDGATE_PATTERN_F_GLOB &&
		    p->attach[1].flags == 0);
}

TEST_F(valid, globs_classes_question_starstar_escapes_flagged_a_plain_path_is_not)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec(globs_text, NULL, NULL);
	p = find(self->d, "g");
	EXPECT_TRUE(p && p->n_rules == 6 && p->rules[0].flags == MEDGATE_RULE_F_GLOB &&
		    p->rules[1].flags == MEDGATE_RULE_F_GLOB &&
		    p->rules[2].flags == MEDGATE_RULE_F_GLOB &&
		    p->rules[3].flags == MEDGATE_RULE_F_GLOB && p->rules[4].flags == 0 &&
		    p->rules[5].flags == MEDGATE_RULE_F_GLOB);
}

TEST_F(valid, globs_patterns_are_stored_as_written)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec(globs_text, NULL, NULL);
	p = find(self->d, "g");
	EXPECT_TRUE(p && !strcmp(p->rules[3].pattern, "/srv/\\*literal") &&
		    !strcmp(p->rules[0].pattern, "/dev/tty[SU]*"));
}

TEST_F(valid, globs_deny_rules_on_globs_carry_both_flags)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec("profile g {\n deny file /etc/** w\n deny exec /tmp/**\n}\n", NULL,
			      NULL);
	p = find(self->d, "g");
	EXPECT_TRUE(p && p->rules[0].flags == (MEDGATE_RULE_F_DENY | MEDGATE_RULE_F_GLOB) &&
		    p->rules[1].flags == (MEDGATE_RULE_F_DENY | MEDGATE_RULE_F_GLOB) &&
		    p->rules[1].access == (EX | MX));
}

static const char vars_text[] =
	"@{GW} = /opt/gateway\n"
	"@{SVC} = hl7 fhir\n"
	"@{LOGS}=/var/log/@{SVC} /var/log/gw\n"
	"@{LOGS} += /var/log/extra\n"
	"profile v {\n"
	"    attach @{GW}/bin/@{SVC}-fwd\n"
	"    file @{LOGS}/** rwc\n"
	"    file @{GW}/@{SVC}/@{SVC}.conf r\n"
	"    file \"@{GW}/my data/x\" r\n"
	"}\n";

TEST_F(valid, variables_an_attachment_expands_to_one_attachment_per_value)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec(vars_text, NULL, NULL);
	p = find(self->d, "v");
	EXPECT_TRUE(p && check_str(attach_str(p),
				   "/opt/gateway/bin/hl7-fwd /opt/gateway/bin/fhir-fwd", "attach"));
}

TEST_F(valid, variables_one_rule_per_combination_of_values_in_order_with_the_line)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec(vars_text, NULL, NULL);
	p = find(self->d, "v");
	EXPECT_TRUE(p && check_str(rules_str(p),
				   "/var/log/hl7/**:rwac:7 /var/log/fhir/**:rwac:7 "
				   "/var/log/gw/**:rwac:7 /var/log/extra/**:rwac:7 "
				   "/opt/gateway/hl7/hl7.conf:r:8 /opt/gateway/hl7/fhir.conf:r:8 "
				   "/opt/gateway/fhir/hl7.conf:r:8 /opt/gateway/fhir/fhir.conf:r:8 "
				   "/opt/gateway/my data/x:r:9", "rules"));
}

TEST_F(valid, variables_expanded_attachments_keep_the_statement_line)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec(vars_text, NULL, NULL);
	p = find(self->d, "v");
	EXPECT_TRUE(p && p->n_attach == 2 && p->attach[0].line == 6 && p->attach[1].line == 6);
}

TEST_F(valid, variables_an_empty_value_and_a_quoted_value_with_a_space)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec("@{E} = \"\" .bak\n@{Q} = \"/srv/a b\"\n"
			      "profile v {\n file /etc/x.conf@{E} r\n file @{Q}/x@{E} r\n}\n",
			      NULL, NULL);
	p = find(self->d, "v");
	EXPECT_TRUE(p && check_str(rules_str(p),
				   "/etc/x.conf:r:4 /etc/x.conf.bak:r:4 /srv/a b/x:r:5 "
				   "/srv/a b/x.bak:r:5", "rules"));
}

TEST_F(valid, variables_values_use_earlier_variables_expanded_when_defined_plus_equal_appends)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec("@{A} = /a\n@{B} = @{A}/b @{A}/c\n@{A} += /z\n"
			      "profile v {\n file @{B} r\n file @{A} w\n}\n", NULL, NULL);
	p = find(self->d, "v");
	EXPECT_TRUE(p && check_str(rules_str(p), "/a/b:r:5 /a/c:r:5 /a:wa:6 /z:wa:6", "rules"));
}

TEST_F(valid, variables_escaped_brace_is_not_a_reference_a_lone_at_is_a_byte)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec("@{X} = /x\nprofile v {\n file /lit/@\\{X\\} r\n file /mail/a@b r\n}\n",
			      NULL, NULL);
	p = find(self->d, "v");
	EXPECT_TRUE(p && check_str(rules_str(p), "/lit/@\\{X\\}:r:3 /mail/a@b:r:4", "rules"));
}

TEST_F(valid, variables_exec_to_and_deny_rules_expand_too)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec("@{T} = /a /b\nprofile v {\n exec @{T}/run -> w\n"
			      " deny file @{T}/secret r\n}\nprofile w {\n}\n", NULL, NULL);
	p = find(self->d, "v");
	EXPECT_TRUE(p && p->n_rules == 4 && p->rules[0].exec_mode == MEDGATE_EXEC_MOVE &&
		    p->rules[1].exec_mode == MEDGATE_EXEC_MOVE &&
		    p->rules[1].target == medgate_profile_id("w") &&
		    p->rules[2].flags == MEDGATE_RULE_F_DENY &&
		    p->rules[3].flags == MEDGATE_RULE_F_DENY);
}

#define INC_MAIN MG_TEST_POLICIES "/inc/services/main.policy"

TEST_F(valid, includes_relative_include_of_variables_and_of_rules_inside_a_profile)
{
	const char *files[1] = { INC_MAIN };
	const struct mg_dec_profile *p;

	self->d = compile_files_dec(files, 1);
	p = find(self->d, "svc");
	EXPECT_TRUE(p && p->n_attach == 1 && !strcmp(p->attach[0].pattern, "/opt/gateway/bin/svc") &&
		    p->n_rules == 6);
}

TEST_F(valid, includes_each_rule_names_the_file_and_line_it_was_written_at)
{
	const char *files[1] = { INC_MAIN };
	const struct mg_dec_profile *p;

	self->d = compile_files_dec(files, 1);
	p = find(self->d, "svc");
	ASSERT_TRUE(p && p->n_rules == 6);
	EXPECT_TRUE(ends_with(p->rules[0].file, "inc/services/../abstractions/base.policy") &&
		    p->rules[0].line == 2 && !strcmp(p->rules[0].pattern, "/etc/ld.so.cache") &&
		    !strcmp(p->rules[4].file, INC_MAIN) && p->rules[4].line == 7 &&
		    !strcmp(p->rules[4].pattern, "/dev/ttyS[0-9]") &&
		    !strcmp(p->rules[5].pattern, "/dev/ttyUSB[0-9]"));
}

/* A top-level include sees the includer's variables and defines profiles. */
TEST_F(valid, includes_an_included_file_uses_the_includer_variables_includes_define_profiles)
{
	const struct mg_dec_profile *p;
	char text[512];

	snprintf(text, sizeof(text),
		 "@{OUTER} = /srv/outer\ninclude \"%s/inc/uses_outer.policy\"\n"
		 "include %s/inc/with_profile.policy\n", MG_TEST_POLICIES, MG_TEST_POLICIES);
	self->d = compile_dec(text, NULL, NULL);
	p = find(self->d, "uses-outer");
	EXPECT_TRUE(p && p->n_rules == 1 && !strcmp(p->rules[0].pattern, "/srv/outer/**") &&
		    find(self->d, "inc-p") && find(self->d, "inc-p")->attach[0].line == 4);
}

/* The same file included twice inside two profiles (no cycle). */
TEST_F(valid, includes_one_file_included_in_two_profiles_is_not_a_cycle)
{
	const struct mg_decoded *d;
	char text[512];

	snprintf(text, sizeof(text),
		 "profile a {\n include \"%s/inc/abstractions/base.policy\"\n}\n"
		 "profile b {\n include \"%s/inc/abstractions/base.policy\"\n file /b r\n}\n",
		 MG_TEST_POLICIES, MG_TEST_POLICIES);
	d = self->d = compile_dec(text, NULL, NULL);
	EXPECT_TRUE(d && find(d, "a") && find(d, "a")->n_rules == 4 && find(d, "b")->n_rules == 5);
}

/* Variables an included file defines are visible after the include line. */
TEST_F(valid, includes_variables_defined_in_an_included_file_are_visible_after_it)
{
	const struct mg_dec_profile *p;
	char text[512], f[128];

	snprintf(f, sizeof(f), "%s/defs.policy", tmpdir);
	ASSERT_EQ(0, write_file(f, "@{D} = /d1 /d2\n"));
	snprintf(text, sizeof(text), "include \"%s\"\nprofile a {\n file @{D} r\n}\n", f);
	self->d = compile_dec(text, NULL, NULL);
	unlink(f);
	p = find(self->d, "a");
	EXPECT_TRUE(p && check_str(rules_str(p), "/d1:r:3 /d2:r:3", "rules"));
}

/* Compiles @text and returns its first error as "LINE:COL: MSG" in @buf ("" if it compiled). */
static void first_error(const char *text, char *buf, size_t len)
{
	struct mg_diags d = { 0 };
	void *blob = NULL;
	size_t blen;

	buf[0] = '\0';
	if (mg_policy_compile(text, "test.policy", &blob, &blen, &d) && d.n)
		snprintf(buf, len, "%u:%u: %s", d.v[0].line, d.v[0].col, d.v[0].msg);
	free(blob);
	mg_diags_free(&d);
}

/*
 * include <NAME>: the include path (-I directories, then the default one) and its errors. The
 * fixture makes site/, sys/ (the default directory), other/ (empty) and main/ under the scratch
 * directory and puts other and site on the include path, in that order.
 */
static const char *const search_dirs[] = {
	"site", "site/abstractions", "sys", "sys/abstractions", "other", "main",
	"main/abstractions",
};
static const char *const search_files[][2] = {
	{ "site/abstractions/base.policy", "file /from/site r\n" },
	{ "sys/abstractions/base.policy", "file /from/sys r\n" },
	{ "sys/abstractions/only-sys.policy", "file /only/sys r\n" },
	{ "sys/abstractions/nested.policy", "include \"sibling.policy\"\n" },
	{ "sys/abstractions/sibling.policy", "file /sibling r\n" },
	{ "main/abstractions/base.policy", "file /from/main r\n" },
	{ "main/main.policy",
	  "profile m {\n include \"abstractions/base.policy\"\n include <abstractions/base.policy>\n}\n" },
};

FIXTURE(search) {
	char dir[64], site[128], sys[128], other[128];
	struct mg_decoded *d;
};

FIXTURE_SETUP(search)
{
	const char *path_dirs[2];
	char path[192];
	size_t i;

	self->d = NULL;
	ASSERT_EQ(0, scratch_new(self->dir, sizeof(self->dir), "search"));
	snprintf(self->site, sizeof(self->site), "%s/site", self->dir);
	snprintf(self->sys, sizeof(self->sys), "%s/sys", self->dir);
	snprintf(self->other, sizeof(self->other), "%s/other", self->dir);
	for (i = 0; i < ARRAY_SIZE(search_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, search_dirs[i]);
		ASSERT_EQ(0, mkdir(path, 0755));
	}
	for (i = 0; i < ARRAY_SIZE(search_files); i++)
		ASSERT_EQ(0, scratch_put(self->dir, search_files[i][0], search_files[i][1]));
	mg_include_default_dir_set(self->sys);
	/* A -I directory comes before the default one; the default one is searched last. */
	path_dirs[0] = self->other;
	path_dirs[1] = self->site;
	mg_include_path_set(path_dirs, 2);
}

FIXTURE_TEARDOWN(search)
{
	mg_decoded_free(self->d);
	mg_include_path_set(NULL, 0);
	mg_include_default_dir_set(NULL);
	scratch_remove(self->dir);
}

static const char search_two[] = "profile a {\n include <abstractions/base.policy>\n"
				 " include <abstractions/only-sys.policy>\n}\n";

TEST_F(search, found_in_a_dash_i_directory_in_order_before_the_default_directory)
{
	const struct mg_dec_profile *p;
	char path[192];

	self->d = compile_dec(search_two, NULL, NULL);
	p = find(self->d, "a");
	snprintf(path, sizeof(path), "%s/abstractions/base.policy", self->site);
	EXPECT_TRUE(p && check_str(rules_str(p), "/from/site:r:1 /only/sys:r:1", "rules") &&
		    !strcmp(p->rules[0].file, path));
}

TEST_F(search, found_in_the_default_directory_the_rule_names_the_file_found)
{
	const struct mg_dec_profile *p;
	char path[192];

	self->d = compile_dec(search_two, NULL, NULL);
	p = find(self->d, "a");
	snprintf(path, sizeof(path), "%s/abstractions/only-sys.policy", self->sys);
	EXPECT_TRUE(p && p->n_rules == 2 && !strcmp(p->rules[1].file, path));
}

/* A "..." include inside a file found on the path is relative to that file. */
TEST_F(search, a_quoted_include_in_the_file_found_is_relative_to_it)
{
	const struct mg_dec_profile *p;

	self->d = compile_dec("profile a {\n include <abstractions/nested.policy>\n}\n", NULL, NULL);
	p = find(self->d, "a");
	EXPECT_TRUE(p && check_str(rules_str(p), "/sibling:r:1", "rules"));
}

/* "..." stays relative to the including file, whatever the include path holds. */
TEST_F(search, quoted_include_is_still_relative_to_the_including_file)
{
	const struct mg_dec_profile *p;
	const char *one[1];
	char path[192];

	snprintf(path, sizeof(path), "%s/main/main.policy", self->dir);
	one[0] = path;
	self->d = compile_files_dec(one, 1);
	p = find(self->d, "m");
	EXPECT_TRUE(p && check_str(rules_str(p), "/from/main:r:1 /from/site:r:1", "rules") &&
		    ends_with(p->rules[0].file, "main/abstractions/base.policy"));
}

/* Not found: the error names every directory searched, in order. */
TEST_F(search, not_found_names_the_directories_searched)
{
	char err[512], want[512];

	first_error("profile a {\n include <abstractions/nope.policy>\n}\n", err, sizeof(err));
	snprintf(want, sizeof(want),
		 "2:10: cannot include <abstractions/nope.policy>: not found in %s, %s, %s "
		 "(add directories with -I DIR or MEDGATE_INCLUDE_PATH)", self->other, self->site,
		 self->sys);
	EXPECT_TRUE(check_str(err, want, "error"));
}

/* Without -I directories and with the compiled-in default. */
TEST_F(search, the_compiled_in_default_directory_is_prefix_share_medgate)
{
	char err[512], want[512];

	mg_include_path_set(NULL, 0);
	mg_include_default_dir_set(NULL);
	first_error("include <abstractions/nope.policy>\n", err, sizeof(err));
	snprintf(want, sizeof(want),
		 "1:9: cannot include <abstractions/nope.policy>: not found in %s "
		 "(add directories with -I DIR or MEDGATE_INCLUDE_PATH)", MG_TEST_DATADIR);
	EXPECT_TRUE(check_str(mg_include_default_dir(), MG_TEST_DATADIR, "default directory"));
	EXPECT_TRUE(check_str(err, want, "error"));
}

/* Names that cannot be on the include path. */
TEST_F(search, empty_unterminated_absolute_and_non_normalized_names_are_errors)
{
	static const char *const bad_names[][2] = {
		{ "include <>\n", "1:9: empty file name in 'include <>'" },
		{ "include <abstractions/base.policy\n",
		  "1:9: missing '>' after 'include <abstractions/base.policy'" },
		{ "include </etc/x.policy>\n",
		  "1:9: 'include <NAME>' searches the include path: write an absolute name without '<' and '>'" },
		{ "include <../x.policy>\n",
		  "1:9: 'include <NAME>' needs a normalized relative name (no \"//\", \".\" or \"..\" components)" },
		{ "include <a//x.policy>\n",
		  "1:9: 'include <NAME>' needs a normalized relative name (no \"//\", \".\" or \"..\" components)" },
		{ "include <abstractions/>\n", "1:9: 'include <NAME>' names a file, not a directory" },
	};
	char err[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_names); i++) {
		first_error(bad_names[i][0], err, sizeof(err));
		EXPECT_TRUE(check_str(err, bad_names[i][1], bad_names[i][0]));
	}
}

TEST(access_letters_parse_and_canonical_format)
{
	char buf[32];
	uint32_t acc = 0;
	size_t bad;

	EXPECT_EQ(0, mg_access_parse("rwaxcdlsmn", &acc, &bad));
	EXPECT_EQ(MEDGATE_ACCESS_ALL, acc);
	EXPECT_EQ(0, mg_access_format(acc, buf, sizeof(buf)));
	EXPECT_STREQ("rwaxcdlsmn", buf);
	EXPECT_EQ(0, mg_access_parse("mr", &acc, &bad));
	EXPECT_EQ(0, mg_access_format(acc, buf, sizeof(buf)));
	EXPECT_STREQ("rm", buf);
	EXPECT_EQ(0, mg_access_format(0, buf, sizeof(buf)));
	EXPECT_STREQ("-", buf);
	EXPECT_EQ(-ENOSPC, mg_access_format(MEDGATE_ACCESS_ALL, buf, 4));
	EXPECT_EQ(-EINVAL, mg_access_parse("rz", &acc, &bad));
	EXPECT_EQ(1, bad);
}

TEST(access_letters_short_form_leaves_out_implied_letters_only)
{
	char buf[32];

	EXPECT_EQ(0, mg_access_format_short(RD | WR | AP | EX | MX, buf, sizeof(buf)));
	EXPECT_STREQ("rwx", buf);
	EXPECT_EQ(0, mg_access_format_short(AP | MX, buf, sizeof(buf)));
	EXPECT_STREQ("am", buf);
}

TEST(names_of_ops_verdicts_and_modes)
{
	EXPECT_STREQ("file_open", mg_op_name(MEDGATE_OP_FILE_OPEN));
	EXPECT_STREQ("fcntl", mg_op_name(MEDGATE_OP_FCNTL));
	EXPECT_STREQ("would_deny", mg_verdict_name(MEDGATE_VERDICT_WOULD_DENY));
	EXPECT_STREQ("complain", mg_mode_name(MEDGATE_MODE_COMPLAIN));
	EXPECT_STREQ("unknown", mg_op_name(12345));
}

/* A denial of a path with a newline, a quote and a byte that is not UTF-8. */
FIXTURE(event) {
	struct mg_event ev;
	char *buf;
};

FIXTURE_SETUP(event)
{
	struct mg_event ev = {
		.seq = 7, .time_real_ns = 1700000000123456789ULL, .profile = "p",
		.verdict = MEDGATE_VERDICT_DENY, .pid = 42, .comm = "sh", .op = MEDGATE_OP_FILE_OPEN,
		.access = MEDGATE_ACCESS_READ, .path = "/tmp/a\nb\"\xff", .rule = MEDGATE_RULE_NONE,
	};

	self->ev = ev;
	self->buf = malloc(MG_EVENT_LINE_MAX);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(event)
{
	free(self->buf);
}

TEST_F(event, json_one_line_hostile_path_escaped)
{
	const char *buf = self->buf;

	ASSERT_EQ(0, mg_event_format_json(&self->ev, self->buf, MG_EVENT_LINE_MAX));
	EXPECT_TRUE(!strchr(buf, '\n') && strstr(buf, "\"path\":\"/tmp/a\\nb\\\"\\u00ff\"") &&
		    strstr(buf, "\"rule\":null") &&
		    strstr(buf, "\"time\":\"2023-11-14T22:13:20.123456789Z\"")) TH_LOG("%s", buf);
}

TEST_F(event, text_one_line_hostile_path_escaped)
{
	const char *buf = self->buf;

	ASSERT_EQ(0, mg_event_format_text(&self->ev, self->buf, MG_EVENT_LINE_MAX));
	EXPECT_TRUE(!strchr(buf, '\n') && strstr(buf, "\"/tmp/a\\nb\\\"\\xff\"") &&
		    strstr(buf, "rule default")) TH_LOG("%s", buf);
}

TEST_F(event, the_deciding_rule_index_file_and_line)
{
	self->ev.rule = 12;
	self->ev.rule_line = 40;
	snprintf(self->ev.rule_file, sizeof(self->ev.rule_file), "gateway.policy");
	ASSERT_EQ(0, mg_event_format_text(&self->ev, self->buf, MG_EVENT_LINE_MAX));
	EXPECT_NE(NULL, strstr(self->buf, "rule 12 (gateway.policy:40)")) TH_LOG("%s", self->buf);
	ASSERT_EQ(0, mg_event_format_json(&self->ev, self->buf, MG_EVENT_LINE_MAX));
	EXPECT_NE(NULL, strstr(self->buf, "\"rule\":12,\"rule_line\":40,"
				"\"rule_file\":\"gateway.policy\"")) TH_LOG("%s", self->buf);
}

TEST_F(event, json_worst_case_path_fits_mg_event_line_max)
{
	self->ev.rule = 12;
	self->ev.rule_line = 40;
	memset(self->ev.path, 0xff, sizeof(self->ev.path));	/* unterminated: must stay in bounds */
	memset(self->ev.rule_file, 0xff, sizeof(self->ev.rule_file));
	EXPECT_EQ(0, mg_event_format_json(&self->ev, self->buf, MG_EVENT_LINE_MAX));
}

/* ---- show and diff ---- */

/*
 * Every class statement, written as `policy show` prints it, decompiles to the same text and
 * recompiles into the same blob (so `policy show` and `diff` round-trip class rules).
 */
TEST(class_rules_decompile_to_their_source_and_recompile_to_the_same_blob)
{
	static const char *const stmts[] = {
		"capability setuid net_bind_service",
		"deny capability sys_admin",
		"capability all",
		"ptrace read b",
		"ptrace trace unconfined",
		"signal any",
		"signal b hup term",
		"deny signal unconfined kill",
		"ioctl terminal-injection",
		"xattr user security",
		"deny xattr all",
		"key read search",
		"deny key write unlink",
		"key all",
		"namespace mnt net",
		"deny namespace user",
		"namespace all",
		"kernel module kexec",
		"deny kernel firmware",
		"bpf",
		"userns",
		"mount new type vfat,exfat /dev/sd* -> /media/usb",
		"mount new /run/x",
		"deny mount bind /etc/** -> /**",
		"mount bind \"/srv/a b\" -> /mnt",
		"mount bind /mnt/any",
		"mount move /a -> /b",
		"mount remount /media/usb",
		"mount umount /media/**",
		"mount propagation /",
		"mount pivot_root /newroot",
		"chroot /srv/jail",
		"deny chroot /",
		"audit capability chown",
		"audit deny signal any kill",
		"audit mount umount /media/**",
		"timestamps",
		"deny timestamps",
	};
	char text[4096], again[4096], line[256];
	const struct mg_dec_profile *p;
	struct mg_decoded *d;
	size_t i, n, classes = 0;

	n = (size_t)snprintf(text, sizeof(text), "profile a {\n");
	for (i = 0; i < ARRAY_SIZE(stmts); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "    %s\n", stmts[i]);
	snprintf(text + n, sizeof(text) - n, "}\nprofile b {\n}\n");
	d = compile_dec(text, NULL, NULL);
	ASSERT_NE(NULL, d);
	p = find(d, "a");
	ASSERT_NE(NULL, p);
	n = (size_t)snprintf(again, sizeof(again), "profile a {\n");
	for (i = 0; i < p->n_rules; i++) {
		if (!p->rules[i].op)
			continue;
		ASSERT_EQ(0, mg_dec_rule_format(&p->rules[i], line, sizeof(line)));
		ASSERT_GT(ARRAY_SIZE(stmts), classes);
		EXPECT_STREQ(stmts[classes], line);
		EXPECT_EQ(classes + 2, p->rules[i].line);
		classes++;
		n += (size_t)snprintf(again + n, sizeof(again) - n, "    %s\n", line);
	}
	EXPECT_EQ(ARRAY_SIZE(stmts), classes);
	snprintf(again + n, sizeof(again) - n, "}\nprofile b {\n}\n");
	EXPECT_TRUE(same_blob(text, again, "class rules"));
	mg_decoded_free(d);
}

TEST(show_patterns_are_bare_words_unless_they_need_quotes)
{
	static const char *const cases[][2] = {
		{ "/etc/x", "/etc/x" },
		{ "/srv/a b", "\"/srv/a b\"" },
		{ "/q/\"x\\", "\"/q/\\\"x\\\\\"" },
		{ "/a;b", "\"/a;b\"" },
		{ "/x\ty", "\"/x\\x09y\"" },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(0, mg_pattern_format(cases[i][0], buf, sizeof(buf)));
		EXPECT_STREQ(cases[i][1], buf);
	}
	EXPECT_EQ(-ENOSPC, mg_pattern_format("/abcdef", buf, 4));
}

/*
 * Everything `policy show` prints for the rules and attachments, compiled again, must give the
 * same rules: the decompiled text is a faithful policy.
 */
FIXTURE(show) {
	struct mg_decoded *d, *d2;
	char *out;
};

FIXTURE_SETUP(show)
{
	const char *text =
		"@{D} = /dev/ttyS[0-9] \"/srv/a b\"\n"
		"profile r1 {\n attach /opt/x/bin/*\n mode complain\n file @{D} rw\n"
		" deny file /etc/shadow rwa\n exec /bin/busybox\n exec /usr/bin/helper -> r2\n"
		" file /usr/lib/** rm\n file \"/q/\\\"x\" r\n file /srv/x rx -> r2\n deny exec /bin/su\n"
		" file \"/srv/semi;colon\" c\n exec /opt/k -> r2 keep-env\n file /opt/s rx scrub-env\n"
		" capability net_bind_service sys_admin\n deny capability all\n"
		" ptrace trace r2 unconfined\n signal any term usr1\n signal r2\n"
		" ioctl terminal-injection\n xattr user acl\n deny xattr all\n bpf maps obj_get\n bpf\n"
		" userns\n key read link\n deny key write\n key all\n timestamps\n}\n"
		"profile r2 {\n file /x/** rwacdls\n ptrace read r1\n deny timestamps\n}\n";
	size_t n = 0, cap = 1 << 16, i, j;
	struct mg_decoded *d;
	char *out;

	self->d2 = NULL;
	d = self->d = compile_dec(text, NULL, NULL);
	out = self->out = malloc(cap);
	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, out);
	for (i = 0; i < d->n_profiles; i++) {
		const struct mg_dec_profile *p = &d->profiles[i];
		char pat[512];

		n += (size_t)snprintf(out + n, cap - n, "profile %s {\n mode %s\n", p->name,
				      mg_mode_name(p->mode));
		for (j = 0; j < p->n_attach; j++) {
			mg_pattern_format(p->attach[j].pattern, pat, sizeof(pat));
			n += (size_t)snprintf(out + n, cap - n, " attach %s\n", pat);
		}
		for (j = 0; j < p->n_rules; j++) {
			char stmt[600];

			if (mg_dec_rule_format(&p->rules[j], stmt, sizeof(stmt)))
				strcpy(stmt, "?");
			n += (size_t)snprintf(out + n, cap - n, " %s\n", stmt);
		}
		n += (size_t)snprintf(out + n, cap - n, "}\n");
	}
	self->d2 = compile_dec(out, NULL, NULL);
}

FIXTURE_TEARDOWN(show)
{
	mg_decoded_free(self->d);
	mg_decoded_free(self->d2);
	free(self->out);
}

TEST_F(show, decompiled_text_compiles_to_the_same_rules)
{
	struct mg_diff df = { 0 };

	ASSERT_NE(NULL, self->d2) diag("decompiled:\n%s", self->out);
	EXPECT_EQ(0, mg_policy_diff(self->d, self->d2, &df));
	EXPECT_EQ(0, df.n) diag("decompiled:\n%s", self->out);
	mg_diff_free(&df);
}

TEST_F(show, rules_are_written_in_their_short_form_exec_deny_arrow_quotes_env)
{
	static const char *const stmts[] = {
		" deny file /etc/shadow rw\n", " exec /bin/busybox\n",
		" exec /usr/bin/helper -> r2\n", " deny exec /bin/su\n", " file /srv/x rx -> r2\n",
		" file \"/srv/a b\" rw\n", " file \"/srv/semi;colon\" c\n",
		" exec /opt/k -> r2 keep-env\n", " file /opt/s rx scrub-env\n",
		" capability net_bind_service sys_admin\n", " deny capability all\n",
		" ptrace trace r2\n", " ptrace trace unconfined\n", " signal any usr1 term\n",
		" signal r2\n", " ioctl terminal-injection\n", " xattr user acl\n",
		" deny xattr all\n", " bpf\n", " userns\n", " ptrace read r1\n",
		" key read link\n", " deny key write\n", " key all\n",
		" timestamps\n", " deny timestamps\n",
	};
	size_t i;

	ASSERT_NE(NULL, self->d2);
	for (i = 0; i < ARRAY_SIZE(stmts); i++) {
		bool found = strstr(self->out, stmts[i]) != NULL;

		EXPECT_TRUE(found);
		if (!found)
			diag("\"%s\" not in:\n%s", stmts[i], self->out);
	}
}

static bool has_change(const struct mg_diff *df, enum mg_change_kind k, const char *profile,
		       const char *pattern)
{
	size_t i;

	for (i = 0; i < df->n; i++) {
		const struct mg_change *c = &df->v[i];
		const char *name = c->new_profile ? c->new_profile->name : c->old_profile->name;

		if (c->kind != k || strcmp(name, profile))
			continue;
		if (!pattern || (c->rule && !strcmp(c->rule->pattern, pattern)) ||
		    (c->attach && !strcmp(c->attach->pattern, pattern)))
			return true;
	}
	return false;
}

/* An old and a new policy, decoded, and the diff between them. */
FIXTURE(diff) {
	struct mg_decoded *a, *b, *c;
	struct mg_diff df;
	int err;
};

FIXTURE_SETUP(diff)
{
	const char *old =
		"profile keep {\n attach /bin/keep\n file /a r\n file /b r\n file /b r\n}\n"
		"profile gone {\n attach /bin/gone\n file /g r\n}\n"
		"profile mode {\n mode complain\n}\n";
	const char *new =
		"profile mode {\n mode enforce\n}\n"
		"profile keep {\n attach /bin/keep2\n\n file /b r\n file /a rw\n file /c r\n}\n"
		"profile fresh {\n file /f r\n}\n";

	memset(&self->df, 0, sizeof(self->df));
	self->c = NULL;
	self->a = compile_dec(old, NULL, NULL);
	self->b = compile_dec(new, NULL, NULL);
	ASSERT_NE(NULL, self->a);
	ASSERT_NE(NULL, self->b);
}

FIXTURE_TEARDOWN(diff)
{
	mg_diff_free(&self->df);
	mg_decoded_free(self->a);
	mg_decoded_free(self->b);
	mg_decoded_free(self->c);
}

TEST_F(diff, profiles_added_and_removed_with_their_contents_mode_changes)
{
	const struct mg_diff *df = &self->df;

	ASSERT_EQ(0, mg_policy_diff(self->a, self->b, &self->df));
	EXPECT_TRUE(has_change(df, MG_CHANGE_PROFILE_REMOVED, "gone", NULL) &&
		    has_change(df, MG_CHANGE_ATTACH_REMOVED, "gone", "/bin/gone") &&
		    has_change(df, MG_CHANGE_RULE_REMOVED, "gone", "/g") &&
		    has_change(df, MG_CHANGE_PROFILE_ADDED, "fresh", NULL) &&
		    has_change(df, MG_CHANGE_RULE_ADDED, "fresh", "/f") &&
		    has_change(df, MG_CHANGE_MODE, "mode", NULL));
}

TEST_F(diff, rules_by_content_access_counts_lines_and_indices_do_not_duplicates_do)
{
	const struct mg_diff *df = &self->df;

	ASSERT_EQ(0, mg_policy_diff(self->a, self->b, &self->df));
	EXPECT_TRUE(has_change(df, MG_CHANGE_ATTACH_REMOVED, "keep", "/bin/keep") &&
		    has_change(df, MG_CHANGE_ATTACH_ADDED, "keep", "/bin/keep2") &&
		    has_change(df, MG_CHANGE_RULE_REMOVED, "keep", "/a") &&
		    has_change(df, MG_CHANGE_RULE_ADDED, "keep", "/a") &&
		    has_change(df, MG_CHANGE_RULE_ADDED, "keep", "/c") &&
		    has_change(df, MG_CHANGE_RULE_REMOVED, "keep", "/b"));
	EXPECT_EQ(12, df->n);
}

TEST_F(diff, moved_lines_and_reordered_rules_are_no_change_in_content)
{
	self->c = compile_dec("profile keep {\n\n\n file /b r\n attach /bin/keep2\n file /c r\n"
			      " file /a rw\n}\nprofile fresh {\n file /f r\n}\nprofile mode {\n}\n",
			      NULL, NULL);
	ASSERT_NE(NULL, self->c);
	ASSERT_EQ(0, mg_policy_diff(self->b, self->c, &self->df));
	EXPECT_EQ(0, self->df.n);
	EXPECT_TRUE(self->df.positions_only);
	EXPECT_FALSE(self->df.same_version);
}

TEST_F(diff, against_no_policy_everything_is_added_profiles_in_name_order)
{
	ASSERT_EQ(0, mg_policy_diff(NULL, self->b, &self->df));
	EXPECT_EQ(2 + 5 + 1, self->df.n);
	ASSERT_LT(0, self->df.n);
	EXPECT_EQ(MG_CHANGE_PROFILE_ADDED, self->df.v[0].kind);
	EXPECT_STREQ("fresh", self->df.v[0].new_profile->name);
}

/* ---- invalid policies: every one must fail with the expected position and reason ---- */

FIXTURE(invalid) {
};

FIXTURE_VARIANT(invalid) {
	const char *text;	/* "$DIR" is MG_TEST_POLICIES, "$TMP" the test's directory */
	unsigned line, col;
	const char *msg;
	unsigned n;		/* expected number of errors */
	const char *file;	/* where the error is: NULL for the text, else a file name suffix */
	char *(*gen)(void);	/* generates the text instead of @text */
};

#define P(body) "profile a {\n" body "}\n"

static char *gen_long_path(void)
{
	/* A path of MEDGATE_PATH_MAX bytes: one too many. */
	char *t = malloc(MEDGATE_PATH_MAX + 64);
	size_t n;

	if (!t)
		return NULL;
	n = (size_t)snprintf(t, 64, "profile a {\n file /");
	memset(t + n, 'p', MEDGATE_PATH_MAX - 1);
	strcpy(t + n + MEDGATE_PATH_MAX - 1, " r\n}\n");
	return t;
}

static char *gen_long_expansion(void)
{
	/* Two 3001-byte values in one path: 6002 bytes after expansion. */
	char *t = malloc(8000);
	size_t n;

	if (!t)
		return NULL;
	n = (size_t)sprintf(t, "@{L} = /");
	memset(t + n, 'l', 3000);
	strcpy(t + n + 3000, "\nprofile a {\n file @{L}@{L} r\n}\n");
	return t;
}

static char *gen_many_values(void)
{
	char *t = malloc(16 + MG_VAR_VALUES_MAX_TEST * 8);
	size_t n, i;

	if (!t)
		return NULL;
	n = (size_t)sprintf(t, "@{M} =");
	for (i = 0; i <= MG_VAR_VALUES_MAX_TEST; i++)
		n += (size_t)sprintf(t + n, " /%zu", i);
	strcpy(t + n, "\n");
	return t;
}

static char *gen_deep_include(void)
{
	char path[128], text[256];
	int i;

	/* d00 includes d01 ... includes d20: deeper than the limit of 16. */
	for (i = 0; i <= 20; i++) {
		snprintf(path, sizeof(path), "%s/d%02d.policy", tmpdir, i);
		if (i < 20)
			snprintf(text, sizeof(text), "# level %d\ninclude \"d%02d.policy\"\n", i,
				 i + 1);
		else
			snprintf(text, sizeof(text), "profile deep {\n}\n");
		write_file(path, text);
	}
	snprintf(text, sizeof(text), "include \"%s/d00.policy\"\n", tmpdir);
	return strdup(text);
}

/* structure and keywords */

FIXTURE_VARIANT_ADD(invalid, unknown_top_level_keyword) {
	.text = "bogus x\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "unknown keyword \"bogus\"",
};

FIXTURE_VARIANT_ADD(invalid, misspelt_profile) {
	.text = "profle a {\n file /x r\n}\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "did you mean \"profile\"",
};

FIXTURE_VARIANT_ADD(invalid, misspelt_include) {
	.text = "incldue x\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "did you mean \"include\"",
};

FIXTURE_VARIANT_ADD(invalid, missing_closing_brace) {
	.text = "profile a {\n attach /x\n",
	.line = 3, .col = 1, .n = 1,
	.msg = "missing '}' at end of file",
};

FIXTURE_VARIANT_ADD(invalid, missing_closing_brace_before_next_profile) {
	.text = "profile a {\n file /x r\nprofile b {\n}\n",
	.line = 3, .col = 1, .n = 1,
	.msg = "missing '}' before 'profile'",
};

FIXTURE_VARIANT_ADD(invalid, duplicate_profile) {
	.text = "profile a {\n}\nprofile a {\n}\n",
	.line = 3, .col = 9, .n = 1,
	.msg = "duplicate profile \"a\" (first defined at test.policy:1)",
};

FIXTURE_VARIANT_ADD(invalid, unknown_keyword_in_profile) {
	.text = P(" fiel /x r\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "unknown keyword \"fiel\" in a profile (did you mean \"file\"?)",
};

FIXTURE_VARIANT_ADD(invalid, misspelt_include_in_profile) {
	.text = P(" inclde /x\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "did you mean \"include\"",
};

FIXTURE_VARIANT_ADD(invalid, unknown_keyword_without_suggestion) {
	.text = P(" frobnicate /x\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "(expected attach, mode, file, exec, deny or include)",
};

FIXTURE_VARIANT_ADD(invalid, unknown_mode) {
	.text = P(" mode learn\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "unknown mode \"learn\"",
};

FIXTURE_VARIANT_ADD(invalid, mode_twice) {
	.text = P(" mode enforce\n mode complain\n"),
	.line = 3, .col = 2, .n = 1,
	.msg = "mode given twice in profile \"a\" (first at line 2)",
};

FIXTURE_VARIANT_ADD(invalid, missing_mode) {
	.text = P(" mode\n"),
	.line = 2, .col = 6, .n = 1,
	.msg = "missing mode",
};

FIXTURE_VARIANT_ADD(invalid, word_after_the_mode) {
	.text = P(" mode enforce now\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "unexpected \"now\" after the mode",
};

FIXTURE_VARIANT_ADD(invalid, bad_profile_name_character) {
	.text = "profile a/b {\n}\n",
	.line = 1, .col = 10, .n = 1,
	.msg = "invalid character '/'",
};

FIXTURE_VARIANT_ADD(invalid, profile_name_too_long) {
	.text = "profile nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn {\n}\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "profile name too long (64 characters; the limit is 63)",
};

FIXTURE_VARIANT_ADD(invalid, missing_profile_name) {
	.text = "profile {\n}\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "missing profile name",
};

FIXTURE_VARIANT_ADD(invalid, empty_quoted_profile_name) {
	.text = "profile \"\" {\n}\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "empty profile name",
};

FIXTURE_VARIANT_ADD(invalid, space_in_a_quoted_profile_name) {
	.text = "profile \"a b\" {\n}\n",
	.line = 1, .col = 11, .n = 1,
	.msg = "invalid byte 0x20",
};

FIXTURE_VARIANT_ADD(invalid, missing_opening_brace) {
	.text = "profile a\n file /x r\n}\n",
	.line = 1, .col = 10, .n = 1,
	.msg = "expected '{' after the profile name",
};

FIXTURE_VARIANT_ADD(invalid, missing_opening_brace_at_end_of_file) {
	.text = "profile a",
	.line = 1, .col = 10, .n = 1,
	.msg = "expected '{' after the profile name",
};

FIXTURE_VARIANT_ADD(invalid, stray_closing_brace) {
	.text = "}\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "unexpected '}' (no profile is open)",
};

FIXTURE_VARIANT_ADD(invalid, one_closing_brace_too_many) {
	.text = "profile a {\n}\n}\n",
	.line = 3, .col = 1, .n = 1,
	.msg = "no profile is open",
};

FIXTURE_VARIANT_ADD(invalid, stray_opening_brace) {
	.text = "{\n}\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "unexpected '{' (expected 'profile NAME {')",
};

FIXTURE_VARIANT_ADD(invalid, extra_word_after_profile_name) {
	.text = "profile a b {\n}\n",
	.line = 1, .col = 11, .n = 1,
	.msg = "unexpected \"b\" after the profile name",
};

FIXTURE_VARIANT_ADD(invalid, brace_inside_profile) {
	.text = P(" {\n }\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "unexpected '{' inside profile \"a\"",
};

FIXTURE_VARIANT_ADD(invalid, statement_starting_with_a_path) {
	.text = P(" /etc/x r\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "starts with a keyword",
};

FIXTURE_VARIANT_ADD(invalid, statement_starting_with_an_arrow) {
	.text = P(" -> x\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "unexpected '->' at the start of a statement",
};

FIXTURE_VARIANT_ADD(invalid, quoted_keyword) {
	.text = P(" \"file\" /x r\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "a keyword cannot be quoted",
};

FIXTURE_VARIANT_ADD(invalid, file_outside_a_profile) {
	.text = "file /etc/x r\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "\"file\" outside a profile",
};

FIXTURE_VARIANT_ADD(invalid, exec_outside_a_profile) {
	.text = "exec /bin/x\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "\"exec\" outside a profile",
};

FIXTURE_VARIANT_ADD(invalid, deny_outside_a_profile) {
	.text = "deny file /x r\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "\"deny\" outside a profile",
};

FIXTURE_VARIANT_ADD(invalid, attach_outside_a_profile) {
	.text = "attach /bin/x\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "\"attach\" outside a profile",
};

FIXTURE_VARIANT_ADD(invalid, mode_outside_a_profile) {
	.text = "mode enforce\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "\"mode\" outside a profile",
};

FIXTURE_VARIANT_ADD(invalid, network_rules_later) {
	.text = P(" network inet tcp connect 10.0.0.1 443\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "network rules are not supported yet",
};

FIXTURE_VARIANT_ADD(invalid, unknown_capability) {
	.text = P(" capability net_admin cap_sys_admin\n"),
	.line = 2, .col = 23, .n = 1,
	.msg = "unknown capability \"cap_sys_admin\"",
};

FIXTURE_VARIANT_ADD(invalid, capability_without_names) {
	.text = P(" deny capability\n"),
	.line = 2, .col = 17, .n = 1,
	.msg = "missing capability names after 'capability'",
};

FIXTURE_VARIANT_ADD(invalid, signal_name_in_upper_case) {
	.text = P(" signal any term TERM\n"),
	.line = 2, .col = 18, .n = 1,
	.msg = "unknown signal \"TERM\"",
};

FIXTURE_VARIANT_ADD(invalid, signal_number_out_of_range) {
	.text = P(" signal any 65\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "unknown signal \"65\"",
};

FIXTURE_VARIANT_ADD(invalid, signal_peer_naming_no_profile) {
	.text = P(" signal nobody term\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "peer \"nobody\" names no profile",
};

FIXTURE_VARIANT_ADD(invalid, ptrace_without_mode) {
	.text = P(" ptrace write b\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "expected read or trace after 'ptrace'",
};

FIXTURE_VARIANT_ADD(invalid, ptrace_without_peer) {
	.text = P(" ptrace read\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "missing peer after 'ptrace read'",
};

FIXTURE_VARIANT_ADD(invalid, unknown_xattr_class) {
	.text = P(" xattr user system\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "unknown extended attribute class \"system\"",
};

FIXTURE_VARIANT_ADD(invalid, unknown_key_permission) {
	.text = P(" key read create\n"),
	.line = 2, .col = 11, .n = 1,
	.msg = "unknown key permission \"create\"",
};

FIXTURE_VARIANT_ADD(invalid, key_without_permissions) {
	.text = P(" key\n"),
	.line = 2, .col = 5, .n = 1,
	.msg = "missing key permissions after 'key'",
};

FIXTURE_VARIANT_ADD(invalid, key_with_a_peer) {
	.text = P(" key read unconfined\n"),
	.line = 2, .col = 11, .n = 1,
	.msg = "unknown key permission \"unconfined\"",
};

FIXTURE_VARIANT_ADD(invalid, unknown_ioctl_class) {
	.text = P(" ioctl tiocsti\n"),
	.line = 2, .col = 8, .n = 1,
	.msg = "unknown ioctl class \"tiocsti\"",
};

FIXTURE_VARIANT_ADD(invalid, unknown_namespace_type) {
	.text = P(" namespace mnt network\n"),
	.line = 2, .col = 16, .n = 1,
	.msg = "unknown namespace type \"network\"",
};

FIXTURE_VARIANT_ADD(invalid, namespace_without_types) {
	.text = P(" deny namespace\n"),
	.line = 2, .col = 16, .n = 1,
	.msg = "missing namespace types after 'namespace'",
};

FIXTURE_VARIANT_ADD(invalid, namespace_type_in_quotes_is_a_word_not_a_string) {
	.text = P(" namespace \"mnt\"\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "unexpected",
};

FIXTURE_VARIANT_ADD(invalid, unknown_kernel_load) {
	.text = P(" kernel modules\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "unknown kernel load \"modules\"",
};

FIXTURE_VARIANT_ADD(invalid, kernel_without_what) {
	.text = P(" kernel\n"),
	.line = 2, .col = 8, .n = 1,
	.msg = "missing module, firmware or kexec after 'kernel'",
};

FIXTURE_VARIANT_ADD(invalid, unknown_bpf_command) {
	.text = P(" bpf map_create BPF_PROG_LOAD\n"),
	.line = 2, .col = 17, .n = 1,
	.msg = "unknown bpf command \"BPF_PROG_LOAD\"",
};

FIXTURE_VARIANT_ADD(invalid, userns_takes_no_argument) {
	.text = P(" userns all\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "unexpected \"all\"",
};

FIXTURE_VARIANT_ADD(invalid, audit_of_a_mode) {
	.text = P(" audit mode complain\n"),
	.line = 2, .col = 8, .n = 1,
	.msg = "'audit' applies to file, exec, deny and class rules, not to \"mode\"",
};

FIXTURE_VARIANT_ADD(invalid, audit_alone) {
	.text = P(" audit\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "missing rule after 'audit'",
};

FIXTURE_VARIANT_ADD(invalid, timestamps_take_no_argument) {
	.text = P(" timestamps /data/**\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "unexpected \"/data/**\"",
};

FIXTURE_VARIANT_ADD(invalid, mount_without_kind) {
	.text = P(" mount /data\n"),
	.line = 2, .col = 8, .n = 1,
	.msg = "expected the kind of mount after 'mount': new, bind, move",
};

FIXTURE_VARIANT_ADD(invalid, mount_without_mount_point) {
	.text = P(" mount bind\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "missing the mount point",
};

FIXTURE_VARIANT_ADD(invalid, remount_with_a_source) {
	.text = P(" mount remount /a -> /b\n"),
	.line = 2, .col = 19, .n = 1,
	.msg = "'->' names a source, which only new, bind and move mounts have",
};

FIXTURE_VARIANT_ADD(invalid, mount_type_in_upper_case) {
	.text = P(" mount new type VFAT /media/usb\n"),
	.line = 2, .col = 17, .n = 1,
	.msg = "invalid file system type list \"VFAT\"",
};

FIXTURE_VARIANT_ADD(invalid, mount_type_list_with_an_empty_name) {
	.text = P(" mount new type tmpfs,,ramfs /run/x\n"),
	.line = 2, .col = 17, .n = 1,
	.msg = "empty file system type in \"tmpfs,,ramfs\"",
};

FIXTURE_VARIANT_ADD(invalid, bind_mount_to_a_relative_path) {
	.text = P(" mount bind /srv -> srv\n"),
	.line = 2, .col = 21, .n = 1,
	.msg = "relative path \"srv\"",
};

FIXTURE_VARIANT_ADD(invalid, type_on_a_bind_mount) {
	.text = P(" mount bind type tmpfs /x\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "'type' names file system types, which only new mounts have",
};

FIXTURE_VARIANT_ADD(invalid, chroot_with_two_directories) {
	.text = P(" chroot /a /b\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "unexpected \"/b\" after the path (it takes one)",
};

FIXTURE_VARIANT_ADD(invalid, syscall_allowlists_later) {
	.text = P(" syscalls read write\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "syscall allowlists are not supported yet",
};

/* lexical */

FIXTURE_VARIANT_ADD(invalid, unterminated_string) {
	.text = P(" file \"/x r\n"),
	.line = 2, .col = 7, .n = 2,
	.msg = "unterminated string",
};

FIXTURE_VARIANT_ADD(invalid, unknown_escape) {
	.text = P(" file \"/x\\q\" r\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "unknown escape",
};

FIXTURE_VARIANT_ADD(invalid, no_space_after_quote) {
	.text = P(" file \"/x\"r\n"),
	.line = 2, .col = 11, .n = 1,
	.msg = "missing space after closing quote",
};

FIXTURE_VARIANT_ADD(invalid, quote_inside_a_word) {
	.text = P(" file /a\"b r\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "inside a word",
};

FIXTURE_VARIANT_ADD(invalid, control_character) {
	.text = P(" file /x\x01y r\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "unexpected control character 0x01",
};

FIXTURE_VARIANT_ADD(invalid, control_character_in_a_string) {
	.text = P(" file \"/x\x02\" r\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "unexpected control character 0x02 in string",
};

FIXTURE_VARIANT_ADD(invalid, brace_glued_to_a_path) {
	.text = P(" attach /bin/x}\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "put a space before",
};

FIXTURE_VARIANT_ADD(invalid, brace_glued_to_an_exec_path) {
	.text = P(" exec /bin/x}\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "put a space before",
};

/* access letters */

FIXTURE_VARIANT_ADD(invalid, unknown_access_letter) {
	.text = P(" file /x q\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "unknown access letter 'q'",
};

FIXTURE_VARIANT_ADD(invalid, unknown_access_letter_inside) {
	.text = P(" file /x rwz\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "unknown access letter 'z'",
};

FIXTURE_VARIANT_ADD(invalid, uppercase_access_letter) {
	.text = P(" file /x R\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "unknown access letter 'R'",
};

FIXTURE_VARIANT_ADD(invalid, digit_in_access_letters) {
	.text = P(" file /x r1\n"),
	.line = 2, .col = 11, .n = 1,
	.msg = "unknown access letter '1'",
};

FIXTURE_VARIANT_ADD(invalid, dash_in_access_letters) {
	.text = P(" file /x r-w\n"),
	.line = 2, .col = 11, .n = 1,
	.msg = "unknown access letter '-'",
};

FIXTURE_VARIANT_ADD(invalid, arrow_glued_to_access_letters) {
	.text = P(" file /x rx->a\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "unknown access letter '-'",
};

FIXTURE_VARIANT_ADD(invalid, non_ascii_access_letter) {
	.text = P(" file /x r\xc3\xa9\n"),
	.line = 2, .col = 11, .n = 1,
	.msg = "unknown access letter 0xc3",
};

FIXTURE_VARIANT_ADD(invalid, repeated_access_letter) {
	.text = P(" file /x rwr\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "access letter 'r' given twice",
};

FIXTURE_VARIANT_ADD(invalid, repeated_m) {
	.text = P(" file /x rmm\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "access letter 'm' given twice",
};

FIXTURE_VARIANT_ADD(invalid, repeated_x) {
	.text = P(" file /x xrx\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "access letter 'x' given twice",
};

FIXTURE_VARIANT_ADD(invalid, quoted_access) {
	.text = P(" file /x \"r\"\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "access letters cannot be quoted",
};

FIXTURE_VARIANT_ADD(invalid, missing_access_letters) {
	.text = P(" file /x\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "missing access letters",
};

FIXTURE_VARIANT_ADD(invalid, missing_access_letters_on_deny) {
	.text = P(" deny file /x\n"),
	.line = 2, .col = 14, .n = 1,
	.msg = "missing access letters",
};

FIXTURE_VARIANT_ADD(invalid, access_letters_on_exec) {
	.text = P(" exec /bin/x rx\n"),
	.line = 2, .col = 14, .n = 1,
	.msg = "exec takes no access letters",
};

FIXTURE_VARIANT_ADD(invalid, bad_access_and_bad_path_both_reported) {
	.text = P(" file etc/x q\n"),
	.line = 2, .col = 7, .n = 2,
	.msg = "relative path \"etc/x\"",
};

/* deny and exec forms */

FIXTURE_VARIANT_ADD(invalid, missing_path) {
	.text = P(" file\n"),
	.line = 2, .col = 6, .n = 1,
	.msg = "missing path after 'file'",
};

FIXTURE_VARIANT_ADD(invalid, missing_exec_path) {
	.text = P(" exec\n"),
	.line = 2, .col = 6, .n = 1,
	.msg = "missing executable path after 'exec'",
};

FIXTURE_VARIANT_ADD(invalid, missing_deny_exec_path) {
	.text = P(" deny exec\n"),
	.line = 2, .col = 11, .n = 1,
	.msg = "missing executable path after 'exec'",
};

FIXTURE_VARIANT_ADD(invalid, exec_with_an_arrow_as_path) {
	.text = P(" exec -> a\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "expected a path, found '->'",
};

FIXTURE_VARIANT_ADD(invalid, deny_with_a_profile_change) {
	.text = P(" deny exec /x -> a\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "a deny rule cannot change the profile",
};

FIXTURE_VARIANT_ADD(invalid, deny_file_with_a_profile_change) {
	.text = P(" deny file /x rx -> a\n"),
	.line = 2, .col = 18, .n = 1,
	.msg = "a deny rule cannot change the profile",
};

FIXTURE_VARIANT_ADD(invalid, profile_change_without_x) {
	.text = P(" file /x r -> a\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "'->' needs the x access letter",
};

FIXTURE_VARIANT_ADD(invalid, keep_env_on_a_deny_rule) {
	.text = P(" deny exec /x keep-env\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "a deny rule runs nothing: \"keep-env\" does not apply",
};

FIXTURE_VARIANT_ADD(invalid, scrub_env_without_x) {
	.text = P(" file /x r scrub-env\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "\"scrub-env\" needs the x access letter",
};

FIXTURE_VARIANT_ADD(invalid, two_environment_choices) {
	.text = P(" exec /x scrub-env keep-env\n"),
	.line = 2, .col = 20, .n = 1,
	.msg = "unexpected",
};

FIXTURE_VARIANT_ADD(invalid, arrow_without_target) {
	.text = P(" exec /x ->\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "missing profile name after '->'",
};

FIXTURE_VARIANT_ADD(invalid, file_arrow_without_target) {
	.text = P(" file /x rx ->\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "missing profile name after '->'",
};

FIXTURE_VARIANT_ADD(invalid, bad_target_name) {
	.text = P(" exec /x -> a/b\n"),
	.line = 2, .col = 14, .n = 1,
	.msg = "invalid character '/'",
};

FIXTURE_VARIANT_ADD(invalid, quoted_target_with_a_space) {
	.text = P(" exec /x -> \"a b\"\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "invalid byte 0x20",
};

FIXTURE_VARIANT_ADD(invalid, word_after_the_exec_target) {
	.text = P(" exec /x -> a extra\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "unexpected \"extra\" after the path",
};

FIXTURE_VARIANT_ADD(invalid, exec_target_names_no_profile) {
	.text = P(" exec /bin/x -> nothere\n"),
	.line = 2, .col = 17, .n = 1,
	.msg = "exec target \"nothere\" names no profile",
};

FIXTURE_VARIANT_ADD(invalid, file_exec_target_names_no_profile) {
	.text = P(" file /x rx -> ghost\n"),
	.line = 2, .col = 16, .n = 1,
	.msg = "exec target \"ghost\" names no profile",
};

FIXTURE_VARIANT_ADD(invalid, extra_word_after_access) {
	.text = P(" file /x r extra\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "unexpected \"extra\"",
};

FIXTURE_VARIANT_ADD(invalid, deny_on_a_non_rule) {
	.text = P(" deny mode enforce\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "'deny' applies to file, exec and class rules",
};

FIXTURE_VARIANT_ADD(invalid, deny_deny) {
	.text = P(" deny deny file /x r\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "not to \"deny\"",
};

FIXTURE_VARIANT_ADD(invalid, deny_alone) {
	.text = P(" deny\n"),
	.line = 2, .col = 6, .n = 1,
	.msg = "missing rule after 'deny'",
};

FIXTURE_VARIANT_ADD(invalid, empty_exec_path) {
	.text = P(" exec \"\"\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "empty path",
};

/* attachments */

FIXTURE_VARIANT_ADD(invalid, relative_attach) {
	.text = P(" attach bin/sh\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "paths must be absolute",
};

FIXTURE_VARIANT_ADD(invalid, empty_attach) {
	.text = P(" attach \"\"\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "empty path",
};

FIXTURE_VARIANT_ADD(invalid, two_attach_paths) {
	.text = P(" attach /a /b\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "one path per 'attach'",
};

FIXTURE_VARIANT_ADD(invalid, attachment_in_two_profiles) {
	.text = "profile a {\n attach /bin/x\n}\nprofile b {\n attach /bin/x\n}\n",
	.line = 5, .col = 9, .n = 1,
	.msg = "\"/bin/x\" is already attached to profile \"a\" (test.policy:2)",
};

FIXTURE_VARIANT_ADD(invalid, glob_attachment_in_two_profiles) {
	.text = "profile a {\n attach /bin/*\n}\nprofile b {\n attach /bin/*\n}\n",
	.line = 5, .col = 9, .n = 1,
	.msg = "\"/bin/*\" is already attached to profile \"a\"",
};

FIXTURE_VARIANT_ADD(invalid, duplicate_attachment_in_one_profile) {
	.text = P(" attach /bin/x\n attach /bin/x\n"),
	.line = 3, .col = 9, .n = 1,
	.msg = "duplicate attachment \"/bin/x\" (already at line 2)",
};

/* paths */

FIXTURE_VARIANT_ADD(invalid, relative_path) {
	.text = P(" file etc/passwd r\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "relative path \"etc/passwd\"",
};

FIXTURE_VARIANT_ADD(invalid, relative_glob) {
	.text = P(" file *.conf r\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "relative path \"*.conf\"",
};

FIXTURE_VARIANT_ADD(invalid, empty_path) {
	.text = P(" file \"\" r\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "empty path",
};

FIXTURE_VARIANT_ADD(invalid, dot_dot_component) {
	.text = P(" file /etc/../shadow r\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "\".\" or \"..\"",
};

FIXTURE_VARIANT_ADD(invalid, dot_component) {
	.text = P(" file /etc/./shadow r\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "\".\" or \"..\"",
};

FIXTURE_VARIANT_ADD(invalid, dot_dot_at_the_end) {
	.text = P(" file /etc/.. r\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "\".\" or \"..\"",
};

FIXTURE_VARIANT_ADD(invalid, dot_alone) {
	.text = P(" file /. r\n"),
	.line = 2, .col = 8, .n = 1,
	.msg = "\".\" or \"..\"",
};

FIXTURE_VARIANT_ADD(invalid, double_slash) {
	.text = P(" file /etc//shadow r\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "empty path component",
};

FIXTURE_VARIANT_ADD(invalid, double_slash_before_a_glob) {
	.text = P(" file /a//* r\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "empty path component",
};

FIXTURE_VARIANT_ADD(invalid, trailing_slash) {
	.text = P(" file /etc/ r\n"),
	.line = 2, .col = 11, .n = 1,
	.msg = "a trailing '/' matches nothing",
};

FIXTURE_VARIANT_ADD(invalid, path_too_long) {
	.line = 2, .col = 7, .n = 1,
	.msg = "path too long (4096 bytes; the limit is 4095)",
	.gen = gen_long_path,
};

/* globs (docs/globs.md) */

FIXTURE_VARIANT_ADD(invalid, glob_reversed_range) {
	.text = P(" file /dev/tty[9-0] r\n"),
	.line = 2, .col = 16, .n = 1,
	.msg = "reversed range",
};

FIXTURE_VARIANT_ADD(invalid, glob_unclosed_class) {
	.text = P(" file /dev/tty[0-9 r\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "unclosed '['",
};

FIXTURE_VARIANT_ADD(invalid, glob_empty_class) {
	.text = P(" file /dev/tty[] r\n"),
	.line = 2, .col = 15, .n = 1,
	.msg = "empty class",
};

FIXTURE_VARIANT_ADD(invalid, glob_alternation) {
	.text = P(" file /etc/{a,b} r\n"),
	.line = 2, .col = 12, .n = 1,
	.msg = "alternation {..} is not supported",
};

FIXTURE_VARIANT_ADD(invalid, glob_stray_bracket) {
	.text = P(" file /etc/a]b r\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "']' without '['",
};

FIXTURE_VARIANT_ADD(invalid, glob_trailing_backslash) {
	.text = P(" file /etc/a\\ r\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "trailing '\\'",
};

FIXTURE_VARIANT_ADD(invalid, glob_slash_in_a_class) {
	.text = P(" file /a[/]b r\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "'/' inside a class",
};

FIXTURE_VARIANT_ADD(invalid, glob_named_class) {
	.text = P(" file /a[[:alpha:]] r\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "named classes",
};

FIXTURE_VARIANT_ADD(invalid, glob_error_in_a_quoted_path) {
	.text = P(" file \"/a b/[\" r\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "unclosed '['",
};

FIXTURE_VARIANT_ADD(invalid, glob_trailing_backslash_in_a_quoted_path) {
	.text = P(" file \"/a\\\\\" r\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "trailing '\\'",
};

FIXTURE_VARIANT_ADD(invalid, glob_error_in_an_attachment) {
	.text = P(" attach /opt/{x}\n"),
	.line = 2, .col = 14, .n = 1,
	.msg = "alternation {..} is not supported",
};

FIXTURE_VARIANT_ADD(invalid, glob_error_in_an_exec_path) {
	.text = P(" exec /bin/[z-a]\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "reversed range",
};

/* variables */

FIXTURE_VARIANT_ADD(invalid, undefined_variable) {
	.text = P(" file @{NOPE}/x r\n"),
	.line = 2, .col = 7, .n = 1,
	.msg = "undefined variable @{NOPE}",
};

FIXTURE_VARIANT_ADD(invalid, undefined_variable_in_an_attachment) {
	.text = P(" attach @{GW}/bin/x\n"),
	.line = 2, .col = 9, .n = 1,
	.msg = "undefined variable @{GW}",
};

FIXTURE_VARIANT_ADD(invalid, variable_defined_after_use) {
	.text = "profile a {\n file @{L}/x r\n}\n@{L} = /l\n",
	.line = 2, .col = 7, .n = 1,
	.msg = "it is defined later, at line 4",
};

FIXTURE_VARIANT_ADD(invalid, variable_redefined) {
	.text = "@{A} = /a\n@{A} = /b\n",
	.line = 2, .col = 1, .n = 1,
	.msg = "variable @{A} is already defined (at line 1); use += to add values",
};

FIXTURE_VARIANT_ADD(invalid, append_to_an_undefined_variable) {
	.text = "@{A} += /a\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "@{A} is not defined",
};

FIXTURE_VARIANT_ADD(invalid, recursive_definition) {
	.text = "@{A} = @{A}/x\n",
	.line = 1, .col = 8, .n = 1,
	.msg = "recursive definition",
};

FIXTURE_VARIANT_ADD(invalid, recursive_append) {
	.text = "@{A} = /a\n@{A} += @{A}/b\n",
	.line = 2, .col = 9, .n = 1,
	.msg = "recursive definition",
};

FIXTURE_VARIANT_ADD(invalid, undefined_variable_in_a_value) {
	.text = "@{A} = @{nope}/x\n",
	.line = 1, .col = 8, .n = 1,
	.msg = "undefined variable @{nope}",
};

FIXTURE_VARIANT_ADD(invalid, definition_without_operator) {
	.text = "@{A} /a\n",
	.line = 1, .col = 6, .n = 1,
	.msg = "expected '=' or '+=' after @{A}",
};

FIXTURE_VARIANT_ADD(invalid, definition_without_value) {
	.text = "@{A} =\n",
	.line = 1, .col = 7, .n = 1,
	.msg = "missing value after '='",
};

FIXTURE_VARIANT_ADD(invalid, empty_variable_name) {
	.text = "@{} = /a\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "empty variable name",
};

FIXTURE_VARIANT_ADD(invalid, bad_character_in_a_variable_name) {
	.text = "@{a-b} = /x\n",
	.line = 1, .col = 4, .n = 1,
	.msg = "invalid character '-' in a variable name",
};

FIXTURE_VARIANT_ADD(invalid, variable_name_starting_with_a_digit) {
	.text = "@{1a} = /x\n",
	.line = 1, .col = 3, .n = 1,
	.msg = "a variable name starts with a letter or '_'",
};

FIXTURE_VARIANT_ADD(invalid, unterminated_variable_name) {
	.text = "@{abc = /x\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "unterminated variable name",
};

FIXTURE_VARIANT_ADD(invalid, variable_name_too_long) {
	.text = "@{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa} = /x\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "variable name too long",
};

FIXTURE_VARIANT_ADD(invalid, unterminated_reference) {
	.text = P(" file /x/@{abc r\n"),
	.line = 2, .col = 10, .n = 1,
	.msg = "unterminated variable reference",
};

FIXTURE_VARIANT_ADD(invalid, bad_character_in_a_reference) {
	.text = P(" file /x/@{a.b}/y r\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "invalid character '.' in a variable name",
};

FIXTURE_VARIANT_ADD(invalid, definition_inside_a_profile) {
	.text = P(" @{A} = /x\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "variables are defined at the top level",
};

FIXTURE_VARIANT_ADD(invalid, variable_in_a_profile_name) {
	.text = "profile @{A} {\n}\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "variables are expanded in paths only, not in a profile name",
};

FIXTURE_VARIANT_ADD(invalid, variable_in_an_exec_target) {
	.text = P(" exec /x -> @{T}\n"),
	.line = 2, .col = 13, .n = 1,
	.msg = "variables are expanded in paths only",
};

FIXTURE_VARIANT_ADD(invalid, arrow_in_a_value) {
	.text = "@{A} = /x -> y\n",
	.line = 1, .col = 11, .n = 1,
	.msg = "unexpected '->' in the value of @{A}",
};

FIXTURE_VARIANT_ADD(invalid, bad_escape_in_a_quoted_value) {
	.text = "@{A} = \"/x\\q\"\n",
	.line = 1, .col = 11, .n = 1,
	.msg = "unknown escape",
};

FIXTURE_VARIANT_ADD(invalid, relative_path_from_a_variable) {
	.text = "@{R} = etc\nprofile a {\n file @{R}/x r\n}\n",
	.line = 3, .col = 7, .n = 1,
	.msg = "relative path \"etc/x\": paths must be absolute (start with '/') (from the value of @{R}, line 1)",
};

FIXTURE_VARIANT_ADD(invalid, double_slash_after_a_variable) {
	.text = "@{D} = /a/\nprofile a {\n file @{D}/x r\n}\n",
	.line = 3, .col = 11, .n = 1,
	.msg = "empty path component",
};

FIXTURE_VARIANT_ADD(invalid, trailing_slash_from_a_variable) {
	.text = "@{D} = /a/\nprofile a {\n file @{D} r\n}\n",
	.line = 3, .col = 7, .n = 1,
	.msg = "a trailing '/' matches nothing",
};

FIXTURE_VARIANT_ADD(invalid, dot_dot_from_a_variable) {
	.text = "@{H} = x/../y\nprofile a {\n file /x/@{H} r\n}\n",
	.line = 3, .col = 10, .n = 1,
	.msg = "(from the value of @{H}, line 1)",
};

FIXTURE_VARIANT_ADD(invalid, glob_error_from_a_variable) {
	.text = "@{V} = [z-a]\nprofile a {\n file /x/@{V} r\n}\n",
	.line = 3, .col = 10, .n = 1,
	.msg = "reversed range in a class (write [a-z], not [z-a]) (from the value of @{V}",
};

FIXTURE_VARIANT_ADD(invalid, duplicate_attachment_by_expansion) {
	.text = "@{A} = /x /x\nprofile a {\n attach @{A}\n}\n",
	.line = 3, .col = 9, .n = 1,
	.msg = "duplicate attachment \"/x\" (already at line 3)",
};

FIXTURE_VARIANT_ADD(invalid, too_many_expansions) {
	.text = "@{A} = a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G\n"
	  "profile a {\n file /@{A}/@{A} r\n}\n",
	.line = 3, .col = 7, .n = 1,
	.msg = "expands to more than 1024 paths",
};

FIXTURE_VARIANT_ADD(invalid, path_too_long_after_expansion) {
	.line = 3, .col = 7, .n = 1,
	.msg = "path too long (6002 bytes",
	.gen = gen_long_expansion,
};

FIXTURE_VARIANT_ADD(invalid, too_many_values) {
	.line = 1, .col = 5042, .n = 1,
	.msg = "@{M} has too many values (the limit is 1024)",
	.gen = gen_many_values,
};

FIXTURE_VARIANT_ADD(invalid, dollar_is_reserved_at_the_top_level) {
	.text = "$X = /y\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "'$' is reserved",
};

FIXTURE_VARIANT_ADD(invalid, dollar_is_reserved_in_a_profile) {
	.text = P(" $HOME = /root\n"),
	.line = 2, .col = 2, .n = 1,
	.msg = "'$' is reserved",
};

FIXTURE_VARIANT_ADD(invalid, at_sign_without_braces) {
	.text = "@X = /y\n",
	.line = 1, .col = 1, .n = 1,
	.msg = "a variable definition starts with @{NAME}",
};

/* includes (files under tests/unit/policies/inc) */

FIXTURE_VARIANT_ADD(invalid, include_a_missing_file) {
	.text = "include \"$DIR/inc/nope.policy\"\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "No such file or directory",
};

FIXTURE_VARIANT_ADD(invalid, include_a_missing_file_bare_word) {
	.text = "include /etc/medgate/none.policy\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "cannot include \"/etc/medgate/none.policy\"",
};

FIXTURE_VARIANT_ADD(invalid, include_a_directory) {
	.text = "include \"$DIR/inc\"\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "Is a directory",
};

FIXTURE_VARIANT_ADD(invalid, include_a_device) {
	.text = "include /dev/null\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "not a regular file",
};

FIXTURE_VARIANT_ADD(invalid, include_without_a_file_name) {
	.text = "include\n",
	.line = 1, .col = 8, .n = 1,
	.msg = "missing file name after 'include'",
};

FIXTURE_VARIANT_ADD(invalid, include_with_two_file_names) {
	.text = "include a b\n",
	.line = 1, .col = 11, .n = 1,
	.msg = "one file per 'include'",
};

FIXTURE_VARIANT_ADD(invalid, include_with_an_empty_name) {
	.text = "include \"\"\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "empty file name",
};

FIXTURE_VARIANT_ADD(invalid, include_with_a_variable) {
	.text = "include \"@{X}/a.policy\"\n",
	.line = 1, .col = 9, .n = 1,
	.msg = "variables are not expanded in include file names",
};

FIXTURE_VARIANT_ADD(invalid, include_cycle) {
	.text = "include \"$DIR/inc/cycle_a.policy\"\n",
	.line = 2, .col = 9, .n = 1,
	.msg = "include cycle: \"$DIR/inc/cycle_a.policy\" is already being read",
	.file = "inc/cycle_b.policy",
};

FIXTURE_VARIANT_ADD(invalid, a_file_that_includes_itself) {
	.text = "include \"$DIR/inc/self.policy\"\n",
	.line = 3, .col = 9, .n = 1,
	.msg = "include cycle",
	.file = "inc/self.policy",
};

FIXTURE_VARIANT_ADD(invalid, includes_nested_too_deeply) {
	.line = 2, .col = 1, .n = 1,
	.msg = "includes nested too deeply (the limit is 16 levels)",
	.file = "d15.policy",
	.gen = gen_deep_include,
};

FIXTURE_VARIANT_ADD(invalid, error_inside_an_included_file) {
	.text = "include \"$DIR/inc/bad_rule.policy\"\n",
	.line = 3, .col = 18, .n = 1,
	.msg = "unknown access letter 'q'",
	.file = "inc/bad_rule.policy",
};

FIXTURE_VARIANT_ADD(invalid, errors_in_the_including_file_are_reported_too) {
	.text = "include \"$DIR/inc/bad_rule.policy\"\nbogus\n",
	.line = 2, .col = 1, .n = 2,
	.msg = "unknown keyword \"bogus\"",
};

FIXTURE_VARIANT_ADD(invalid, error_inside_a_file_included_in_a_profile) {
	.text = P(" include \"$DIR/inc/body_bad.policy\"\n"),
	.line = 1, .col = 9, .n = 1,
	.msg = "unknown access letter 'q'",
	.file = "inc/body_bad.policy",
};

FIXTURE_VARIANT_ADD(invalid, profile_inside_a_file_included_in_a_profile) {
	.text = P(" include \"$DIR/inc/body_profile.policy\"\n"),
	.line = 3, .col = 1, .n = 1,
	.msg = "a profile cannot be defined in a file included inside a profile",
	.file = "inc/body_profile.policy",
};

FIXTURE_VARIANT_ADD(invalid, closing_brace_inside_a_file_included_in_a_profile) {
	.text = P(" include \"$DIR/inc/body_close.policy\"\n"),
	.line = 2, .col = 1, .n = 1,
	.msg = "(it closes no profile)",
	.file = "inc/body_close.policy",
};

FIXTURE_VARIANT_ADD(invalid, variable_definition_inside_a_file_included_in_a_profile) {
	.text = P(" include \"$DIR/inc/body_var.policy\"\n"),
	.line = 2, .col = 1, .n = 1,
	.msg = "variables are defined at the top level",
	.file = "inc/body_var.policy",
};

FIXTURE_VARIANT_ADD(invalid, duplicate_profile_across_an_include) {
	.text = "include \"$DIR/inc/with_profile.policy\"\nprofile inc-p {\n}\n",
	.line = 2, .col = 9, .n = 1,
	.msg = "first defined at $DIR/inc/with_profile.policy:3",
};

FIXTURE_VARIANT_ADD(invalid, attachment_conflict_across_an_include) {
	.text = "include \"$DIR/inc/with_profile.policy\"\nprofile b {\n attach /opt/inc/bin/p\n}\n",
	.line = 3, .col = 9, .n = 1,
	.msg = "is already attached to profile \"inc-p\" ($DIR/inc/with_profile.policy:4)",
};

FIXTURE_VARIANT_ADD(invalid, variable_of_an_include_used_before_the_include) {
	.text = "profile a {\n file @{GW}/x r\n}\ninclude \"$DIR/inc/vars.policy\"\n",
	.line = 2, .col = 7, .n = 1,
	.msg = "(it is defined later, at $DIR/inc/vars.policy:2",
};

/* several at once */

FIXTURE_VARIANT_ADD(invalid, several_errors_all_reported) {
	.text = "profile a {\n file /x q\n mode learn\n exec /y -> none\n}\nprofile a {\n}\n",
	.line = 2, .col = 10, .n = 4,
	.msg = "unknown access letter 'q'",
};

/* Replaces $DIR and $TMP; returns a malloc'd string. */
static char *subst(const char *s)
{
	size_t cap = strlen(s) * 4 + 256, n = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (*s && n + 200 < cap) {
		if (!strncmp(s, "$DIR", 4)) {
			n += (size_t)snprintf(out + n, cap - n, "%s", MG_TEST_POLICIES);
			s += 4;
		} else if (!strncmp(s, "$TMP", 4)) {
			n += (size_t)snprintf(out + n, cap - n, "%s", tmpdir);
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	return out;
}

FIXTURE_SETUP(invalid)
{
}

FIXTURE_TEARDOWN(invalid)
{
}

TEST_F(invalid, refused_at_its_place_with_its_reason)
{
	char *text = variant->gen ? variant->gen() : subst(variant->text);
	char *msg = subst(variant->msg);
	struct mg_diags d = { 0 };
	void *blob = (void *)1;
	size_t len = 1, i;
	bool found = false;
	int err;

	ASSERT_NE(NULL, text) TH_LOG("no memory for the text");
	ASSERT_NE(NULL, msg);
	err = mg_policy_compile(text, "test.policy", &blob, &len, &d);
	for (i = 0; i < d.n; i++) {
		bool file_ok = variant->file ? ends_with(d.v[i].file, variant->file)
					     : !strcmp(d.v[i].file, "test.policy");

		if (d.v[i].line == variant->line && d.v[i].col == variant->col &&
		    strstr(d.v[i].msg, msg) && file_ok)
			found = true;
	}
	EXPECT_EQ(-EINVAL, err);
	EXPECT_EQ(NULL, blob);
	EXPECT_EQ(0, len);
	EXPECT_TRUE(found);
	EXPECT_EQ(variant->n, d.n);
	if (!_metadata->passed) {
		diag("want %s%s%u:%u \"%s\" (%u error%s), got %d and:",
		     variant->file ? variant->file : "", variant->file ? ":" : "", variant->line,
		     variant->col, msg, variant->n, variant->n == 1 ? "" : "s", err);
		dump_diags(&d);
	}
	free(msg);
	free(text);
	mg_diags_free(&d);
}

TEST(errors_come_sorted_by_position_cross_reference_errors_included)
{
	const char *text = "profile a {\n file /x q\n mode learn\n exec /y -> none\n}\n"
			   "profile a {\n}\n";
	struct mg_diags d = { 0 };
	void *blob;
	size_t len;

	mg_policy_compile(text, "t", &blob, &len, &d);
	ASSERT_EQ(4, d.n) dump_diags(&d);
	EXPECT_EQ(2, d.v[0].line);
	EXPECT_EQ(3, d.v[1].line);
	EXPECT_EQ(4, d.v[2].line);
	EXPECT_EQ(6, d.v[3].line);
	EXPECT_NE(NULL, strstr(d.v[2].msg, "names no profile"));
	mg_diags_free(&d);
}

TEST(invalid_nul_byte_in_the_text)
{
	static const char text[] = "profile a {\n file /x\0 r\n}\n";
	struct mg_policy *p;
	struct mg_diags d = { 0 };
	void *blob;
	size_t len;

	ASSERT_EQ(0, mg_policy_new(&p));
	EXPECT_EQ(-EINVAL, mg_policy_add_text(p, text, sizeof(text) - 1, "nul.policy"));
	EXPECT_EQ(-EINVAL, mg_policy_build(p, &blob, &len, &d));
	ASSERT_EQ(1, d.n) dump_diags(&d);
	EXPECT_EQ(2, d.v[0].line);
	EXPECT_EQ(9, d.v[0].col);
	EXPECT_NE(NULL, strstr(d.v[0].msg, "NUL byte")) dump_diags(&d);
	mg_diags_free(&d);
	mg_policy_free(p);
}

TEST_HARNESS_MAIN

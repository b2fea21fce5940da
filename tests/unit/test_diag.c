// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics of the policy compiler: complete however long the paths they quote, and the
 * lexical errors that hide in comments (docs/policy-language.md, "Lexical structure").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medgate.h"
#include "kselftest_harness.h"

/* Compiles @text (of @len bytes) as file @name; returns the compiler's result. */
static int compile(const char *text, size_t len, const char *name, struct mg_diags *d)
{
	struct mg_policy *p;
	void *blob = NULL;
	size_t blen = 0;
	int err;

	if (mg_policy_new(&p))
		return -ENOMEM;
	mg_policy_add_text(p, text, len, name);
	err = mg_policy_build(p, &blob, &blen, d);
	free(blob);
	mg_policy_free(p);
	return err;
}

/* Logs every diagnostic of @d (the first 300 bytes of each) into the failing test's output. */
static void show(struct __test_metadata *_metadata, const struct mg_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *s = mg_diag_string(&d->v[i]);

		TH_LOG("  %.300s%s", s ? s : "?", s && strlen(s) > 300 ? "..." : "");
		free(s);
	}
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/* A ~4000-byte relative path from a variable: the reason and the variable both survive. */
FIXTURE(long_path) {
	char *val, *text;
	struct mg_diags d;
	int err;
};

FIXTURE_SETUP(long_path)
{
	const size_t plen = 4000;
	size_t i;

	self->val = malloc(plen + 1);
	self->text = malloc(plen + 128);
	ASSERT_NE(NULL, self->val);
	ASSERT_NE(NULL, self->text);
	for (i = 0; i < plen; i++)
		self->val[i] = i % 50 == 49 ? '/' : 'a' + (char)(i % 26);
	self->val[plen - 1] = 'z';
	self->val[plen] = '\0';
	snprintf(self->text, plen + 128, "@{X} = %s\nprofile a {\n    file @{X} r\n}\n", self->val);
	memset(&self->d, 0, sizeof(self->d));
	self->err = compile(self->text, strlen(self->text), "long.policy", &self->d);
}

FIXTURE_TEARDOWN(long_path)
{
	mg_diags_free(&self->d);
	free(self->text);
	free(self->val);
}

TEST_F(long_path, keeps_the_reason_and_the_variable)
{
	const struct mg_diags *d = &self->d;

	EXPECT_EQ(-EINVAL, self->err);
	ASSERT_EQ(1, d->n) show(_metadata, d);
	EXPECT_EQ(3, d->v[0].line);
	EXPECT_NE(NULL, strstr(d->v[0].msg, self->val)) show(_metadata, d);
	EXPECT_NE(NULL, strstr(d->v[0].msg, "paths must be absolute")) show(_metadata, d);
	EXPECT_TRUE(ends_with(d->v[0].msg, "(from the value of @{X}, line 1)")) show(_metadata, d);
}

TEST_F(long_path, mg_diag_string_gives_the_whole_line)
{
	char *line;

	ASSERT_LE(1, self->d.n);
	line = mg_diag_string(&self->d.v[0]);
	ASSERT_NE(NULL, line);
	EXPECT_EQ(0, strncmp(line, "long.policy:3:", 14)) TH_LOG("%.80s", line);
	EXPECT_NE(NULL, strstr(line, self->val));
	EXPECT_TRUE(ends_with(line, "(from the value of @{X}, line 1)")) TH_LOG("%.80s", line);
	free(line);
}

/* A file name longer than the old 256-byte field comes back whole. */
TEST(a_long_file_name_is_kept_whole)
{
	char name[1200];
	struct mg_diags d = { 0 };
	int err;

	memset(name, 'f', sizeof(name) - 8);
	strcpy(name + sizeof(name) - 8, ".policy");
	err = compile("profile a {\n    file rel r\n}\n", 28, name, &d);
	EXPECT_EQ(-EINVAL, err);
	ASSERT_EQ(1, d.n) show(_metadata, &d);
	EXPECT_STREQ(name, d.v[0].file);
	EXPECT_NE(NULL, strstr(d.v[0].msg, "relative path")) show(_metadata, &d);
	mg_diags_free(&d);
}

/* A message that points at an earlier place in another file names that file whole. */
TEST(an_earlier_place_in_a_long_named_file_is_named_whole)
{
#define A "profile a {\n    attach /bin/x\n}\n"
#define B "profile a {\n    attach /bin/y\n}\n"
	char name[1200], want[1300];
	struct mg_diags d = { 0 };
	struct mg_policy *p;
	void *blob = NULL;
	size_t len = 0;

	memset(name, 'g', sizeof(name) - 8);
	strcpy(name + sizeof(name) - 8, ".policy");
	ASSERT_EQ(0, mg_policy_new(&p));
	mg_policy_add_text(p, A, strlen(A), name);
	mg_policy_add_text(p, B, strlen(B), "b.policy");
	mg_policy_build(p, &blob, &len, &d);
	snprintf(want, sizeof(want), "(first defined at %s:1)", name);
	EXPECT_EQ(1, d.n) show(_metadata, &d);
	if (d.n == 1) {
		EXPECT_STREQ("b.policy", d.v[0].file);
		EXPECT_NE(NULL, strstr(d.v[0].msg, want)) show(_metadata, &d);
	}
	free(blob);
	mg_diags_free(&d);
	mg_policy_free(p);
#undef A
#undef B
}

FIXTURE(lexer) {
};

FIXTURE_VARIANT(lexer) {
	const char *text;
	size_t len;
	unsigned line, col;	/* 0: must compile */
	const char *msg;
};

#define T(s) .text = s, .len = sizeof(s) - 1

FIXTURE_VARIANT_ADD(lexer, nul_in_a_comment) {
	T("# a\0b\nprofile a {\n    file /x r\n}\n"),
	.line = 1, .col = 4, .msg = "NUL byte in comment",
};

FIXTURE_VARIANT_ADD(lexer, control_character_in_a_comment) {
	T("profile a {   # \x01\n    file /x r\n}\n"),
	.line = 1, .col = 17, .msg = "control character 0x01 in comment",
};

FIXTURE_VARIANT_ADD(lexer, del_in_a_comment) {
	T("profile a {\n    file /x r # x\x7f\n}\n"),
	.line = 2, .col = 18, .msg = "control character 0x7f in comment",
};

FIXTURE_VARIANT_ADD(lexer, escape_sequence_in_a_comment) {
	T("# \x1b[31mred\nprofile a {\n    file /x r\n}\n"),
	.line = 1, .col = 3, .msg = "control character 0x1b in comment",
};

FIXTURE_VARIANT_ADD(lexer, form_feed_in_a_comment) {
	T("#\f\nprofile a {\n    file /x r\n}\n"),
	.line = 1, .col = 2, .msg = "control character 0x0c in comment",
};

FIXTURE_VARIANT_ADD(lexer, vertical_tab_after_a_word) {
	T("profile a {\n    file /x r\v\n}\n"),
	.line = 2, .col = 14, .msg = "control character 0x0b",
};

FIXTURE_VARIANT_ADD(lexer, tab_and_cr_in_a_comment_are_fine) {
	T("#\ta\tb\r\nprofile a {\n    file /x r\n}\n"),
	.line = 0, .col = 0, .msg = NULL,
};

FIXTURE_SETUP(lexer)
{
}

FIXTURE_TEARDOWN(lexer)
{
}

TEST_F(lexer, diagnosed_at_its_place)
{
	struct mg_diags d = { 0 };
	int err = compile(variant->text, variant->len, "c.policy", &d);

	if (!variant->line) {
		EXPECT_EQ(0, err);
		EXPECT_EQ(0, d.n) show(_metadata, &d);
	} else {
		EXPECT_EQ(-EINVAL, err);
		EXPECT_EQ(1, d.n) show(_metadata, &d);
		if (d.n == 1) {
			EXPECT_EQ(variant->line, d.v[0].line);
			EXPECT_EQ(variant->col, d.v[0].col);
			EXPECT_NE(NULL, strstr(d.v[0].msg, variant->msg)) show(_metadata, &d);
		}
	}
	mg_diags_free(&d);
}

TEST_HARNESS_MAIN

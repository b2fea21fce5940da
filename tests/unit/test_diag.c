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
#include "tap.h"

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

static void show(const struct mg_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *s = mg_diag_string(&d->v[i]);

		printf("#   %.300s%s\n", s ? s : "?", s && strlen(s) > 300 ? "..." : "");
		free(s);
	}
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/* A ~4000-byte relative path from a variable: the reason and the variable both survive. */
static void test_long_path_from_variable(void)
{
	const size_t plen = 4000;
	char *val = malloc(plen + 1), *text = malloc(plen + 128), *line;
	struct mg_diags d = { 0 };
	size_t i;
	int err;
	bool ok;

	for (i = 0; i < plen; i++)
		val[i] = i % 50 == 49 ? '/' : 'a' + (char)(i % 26);
	val[plen - 1] = 'z';
	val[plen] = '\0';
	snprintf(text, plen + 128, "@{X} = %s\nprofile a {\n    file @{X} r\n}\n", val);
	err = compile(text, strlen(text), "long.policy", &d);
	ok = err == -EINVAL && d.n == 1 && d.v[0].line == 3;
	ok = ok && strstr(d.v[0].msg, val) && strstr(d.v[0].msg, "paths must be absolute") &&
	     ends_with(d.v[0].msg, "(from the value of @{X}, line 1)");
	tap_ok(ok, "a 4000-byte path from a variable keeps the reason and the variable");
	if (!ok)
		show(&d);
	line = d.n ? mg_diag_string(&d.v[0]) : NULL;
	tap_ok(line && !strncmp(line, "long.policy:3:", 14) && strstr(line, val) &&
	       ends_with(line, "(from the value of @{X}, line 1)"),
	       "mg_diag_string() gives the whole line");
	free(line);
	mg_diags_free(&d);
	free(text);
	free(val);
}

/* A file name longer than the old 256-byte field comes back whole. */
static void test_long_file_name(void)
{
	char name[1200];
	struct mg_diags d = { 0 };
	int err;

	memset(name, 'f', sizeof(name) - 8);
	strcpy(name + sizeof(name) - 8, ".policy");
	err = compile("profile a {\n    file rel r\n}\n", 28, name, &d);
	tap_ok(err == -EINVAL && d.n == 1 && !strcmp(d.v[0].file, name) &&
	       strstr(d.v[0].msg, "relative path"), "a long file name is kept whole");
	mg_diags_free(&d);
}

/* A message that points at an earlier place in another file names that file whole. */
static void test_long_file_elsewhere(void)
{
#define A "profile a {\n    attach /bin/x\n}\n"
#define B "profile a {\n    attach /bin/y\n}\n"
	char name[1200], want[1300];
	struct mg_diags d = { 0 };
	struct mg_policy *p;
	void *blob = NULL;
	size_t len = 0;
	bool ok;

	memset(name, 'g', sizeof(name) - 8);
	strcpy(name + sizeof(name) - 8, ".policy");
	if (mg_policy_new(&p)) {
		tap_ok(false, "an earlier place in a long-named file is named whole");
		return;
	}
	mg_policy_add_text(p, A, strlen(A), name);
	mg_policy_add_text(p, B, strlen(B), "b.policy");
	mg_policy_build(p, &blob, &len, &d);
	snprintf(want, sizeof(want), "(first defined at %s:1)", name);
	ok = d.n == 1 && !strcmp(d.v[0].file, "b.policy") && strstr(d.v[0].msg, want);
	tap_ok(ok, "an earlier place in a long-named file is named whole");
	if (!ok)
		show(&d);
	free(blob);
	mg_diags_free(&d);
	mg_policy_free(p);
#undef A
#undef B
}

struct lex_case {
	const char *name;
	const char *text;
	size_t len;
	unsigned line, col;	/* 0: must compile */
	const char *msg;
};

#define T(s) s, sizeof(s) - 1

static const struct lex_case lex_cases[] = {
	{ "NUL in a comment", T("# a\0b\nprofile a {\n    file /x r\n}\n"), 1, 4,
	  "NUL byte in comment" },
	{ "control character in a comment", T("profile a {   # \x01\n    file /x r\n}\n"), 1, 17,
	  "control character 0x01 in comment" },
	{ "DEL in a comment", T("profile a {\n    file /x r # x\x7f\n}\n"), 2, 18,
	  "control character 0x7f in comment" },
	{ "escape sequence in a comment", T("# \x1b[31mred\nprofile a {\n    file /x r\n}\n"),
	  1, 3, "control character 0x1b in comment" },
	{ "form feed in a comment", T("#\f\nprofile a {\n    file /x r\n}\n"), 1, 2,
	  "control character 0x0c in comment" },
	{ "vertical tab after a word", T("profile a {\n    file /x r\v\n}\n"), 2, 14,
	  "control character 0x0b" },
	{ "tab and CR in a comment are fine", T("#\ta\tb\r\nprofile a {\n    file /x r\n}\n"),
	  0, 0, NULL },
};

static void test_comments(void)
{
	size_t i;

	for (i = 0; i < sizeof(lex_cases) / sizeof(lex_cases[0]); i++) {
		const struct lex_case *c = &lex_cases[i];
		struct mg_diags d = { 0 };
		int err = compile(c->text, c->len, "c.policy", &d);
		bool ok;

		if (!c->line)
			ok = err == 0 && d.n == 0;
		else
			ok = err == -EINVAL && d.n == 1 && d.v[0].line == c->line &&
			     d.v[0].col == c->col && strstr(d.v[0].msg, c->msg);
		tap_ok(ok, "lexer: %s", c->name);
		if (!ok) {
			printf("# got %d:\n", err);
			show(&d);
		}
		mg_diags_free(&d);
	}
}

int main(void)
{
	tap_start();
	test_long_path_from_variable();
	test_long_file_name();
	test_long_file_elsewhere();
	test_comments();
	return tap_end();
}

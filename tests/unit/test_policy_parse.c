// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the policy language front end (user/lib: lexer, parser, decompiler, diff):
 * valid policies compile into blobs that the module's own validator accepts and that hold the
 * expected profiles, attachments and rules (variables expanded, includes followed, globs flagged,
 * implied access bits set); the output is canonical; `policy show` text compiles back to the same
 * rules; `policy diff` finds what changed; and each invalid policy of a corpus is refused with the
 * expected file:line:col and reason, with every error reported at once.
 * Output: kselftest-style TAP.
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

static int test_no, fails;
static char tmpdir[64];

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		fails++;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
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

static void test_example(void)
{
	const struct mg_dec_profile *p, *o;
	const struct mg_dec_rule *r;
	struct mg_decoded *d;
	void *blob = NULL;
	size_t len = 0;
	bool ok;

	d = compile_dec(example, &blob, &len);
	result(d != NULL, "example policy compiles and validates");
	if (!d)
		return;
	p = find(d, "hl7-forwarder");
	o = find(d, "other-profile");
	ok = p && o && d->n_profiles == 2 && d->n_attach == 2 && d->n_rules == 6 &&
	     d->profiles[0].id < d->profiles[1].id;
	result(ok, "example: profile, attachment and rule counts; profiles sorted by id");
	if (!ok)
		goto out;

	r = p->rules;
	ok = p->n_rules == 5 && p->mode == MEDGATE_MODE_ENFORCE && o->mode == MEDGATE_MODE_COMPLAIN &&
	     !strcmp(p->name, "hl7-forwarder") &&
	     !strcmp(p->attach[0].pattern, "/opt/gateway/bin/hl7-forwarder") &&
	     p->attach[0].flags == 0 && p->attach[0].line == 3 &&
	     !strcmp(p->attach[0].file, "test.policy");
	result(ok, "example: profile names, modes and attachments (with source file and line)");

	ok = !strcmp(r[0].pattern, "/etc/hl7/forwarder.conf") && r[0].flags == 0 &&
	     r[0].access == RD && r[0].line == 5 && r[0].target == 0 &&
	     !strcmp(r[0].file, "test.policy");
	result(ok, "example: exact file rule (path, access r, line 5, file)");

	ok = !strcmp(r[1].pattern, "/var/log/hl7/**") && r[1].flags == MEDGATE_RULE_F_GLOB &&
	     r[1].access == (RD | WR | AP | CR) && r[1].line == 6;
	result(ok, "example: /dir/** stays a glob pattern, flagged MEDGATE_RULE_F_GLOB");

	ok = r[2].flags == MEDGATE_RULE_F_DENY && r[2].access == (RD | WR | AP) && r[2].line == 7;
	result(ok, "example: deny rule; w implies a");

	ok = !strcmp(r[3].pattern, "/bin/busybox") && r[3].access == (EX | MX) &&
	     r[3].exec_mode == MEDGATE_EXEC_STAY && r[3].target == 0 && r[3].line == 8;
	result(ok, "example: exec PATH is access x (implying m), exec_mode STAY");

	ok = r[4].access == (EX | MX) && r[4].exec_mode == MEDGATE_EXEC_MOVE &&
	     r[4].target == o->id && r[4].target_name && !strcmp(r[4].target_name, "other-profile") &&
	     r[4].line == 9;
	result(ok, "example: exec PATH -> PROFILE moves to the target's id");

	ok = o->rules[0].access == (RD | EX | MX) && o->rules[0].exec_mode == MEDGATE_EXEC_STAY;
	result(ok, "example: file PATH rx stays, with m implied");
	{
		uint64_t ver = 0;

		ok = !mg_blob_version(blob, len, &ver) && ver == d->version && ver != 0;
		result(ok, "example: mg_blob_version() matches the validator's version");
	}
out:
	free(blob);
	mg_decoded_free(d);
}

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

static void test_canonical(void)
{
	/* One line each, so that reordering the profiles moves no statement to another line. */
	const char *a =
		"profile zeta { attach /usr/bin/zeta; mode complain } "
		"profile alpha { attach /usr/bin/alpha; attach /usr/bin/alpha2; file /x r } "
		"profile mid { }\n";
	const char *b =
		"profile mid { } "
		"profile zeta { attach /usr/bin/zeta; mode complain } "
		"profile alpha { attach /usr/bin/alpha; attach /usr/bin/alpha2; file /x r }\n";
	const char *c =
		"profile alpha { attach /usr/bin/alpha2; attach /usr/bin/alpha; file /x r } "
		"profile zeta { attach /usr/bin/zeta; mode complain } "
		"profile mid { }\n";

	result(same_blob(example, example, "same text"), "canonical: same text gives the same bytes");
	result(same_blob(a, b, "reordered"), "canonical: reordering profiles gives the same bytes");
	result(!same_blob(a, c, "attach order"),
	       "canonical: attachment order inside a profile is significant");
	result(!same_blob("profile a {\n file /x r\n}\n", "profile a {\n\n file /x r\n}\n",
			  "lines"), "canonical: rule source lines are part of the blob");
	result(same_blob("profile a {\n file /x r   # c\n}\n", "profile a {\n file   /x  r\n}\n",
			 "spacing"), "canonical: spacing and comments do not matter");
	result(same_blob("@{A} = /a /b\nprofile p {\n file @{A} r\n}\n",
			 "\nprofile p {\n file /a r; file /b r\n}\n", "variables"),
	       "canonical: a variable expands to the same bytes as the rules written out");
	result(same_blob("profile p {\n file /x wa\n exec /y\n}\n",
			 "profile p {\n file /x w\n file /y xm\n}\n", "implied"),
	       "canonical: implied letters (w gives a, x gives m) make no difference");
	result(same_blob("profile p {\n file /x r\n}\n", "profile p {\n file \"/x\" r\n}\n",
			 "quoted"), "canonical: a quoted path is the same path");
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_files(void)
{
	char f1[96], f2[96], f3[96];
	const char *one[2], *two[2];
	void *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	struct mg_diags d = { 0 };
	int e1, e2;

	snprintf(f1, sizeof(f1), "%s/a.policy", tmpdir);
	snprintf(f2, sizeof(f2), "%s/b.policy", tmpdir);
	snprintf(f3, sizeof(f3), "%s/missing.policy", tmpdir);
	write_file(f1, "@{A} = /etc/a\nprofile a {\n attach /bin/a\n exec /bin/b -> b\n file @{A} r\n}\n");
	write_file(f2, "@{A} = /etc/b\nprofile b {\n attach /bin/b\n file @{A} rw\n}\n");

	one[0] = f1; one[1] = f2;
	two[0] = f2; two[1] = f1;
	e1 = mg_policy_compile_files(one, 2, &b1, &l1, &d);
	e2 = mg_policy_compile_files(two, 2, &b2, &l2, &d);
	result(!e1 && !e2 && d.n == 0,
	       "files: two files share one profile namespace; each has its own variables");
	if (d.n)
		dump_diags(&d);
	result(!e1 && !e2 && l1 == l2 && !memcmp(b1, b2, l1),
	       "files: file order does not change the blob");
	free(b1);
	free(b2);
	mg_diags_free(&d);

	e1 = mg_policy_compile_file(f1, &b1, &l1, &d);
	result(e1 == -EINVAL && d.n == 1 && d.v[0].line == 4 && d.v[0].col == 17 &&
	       !strcmp(d.v[0].file, f1) && strstr(d.v[0].msg, "names no profile"),
	       "files: a missing exec target is reported with the file name");
	mg_diags_free(&d);

	e1 = mg_policy_compile_file(f3, &b1, &l1, &d);
	result(e1 == -ENOENT && d.n == 1 && d.v[0].line == 0 && strstr(d.v[0].msg, "cannot open"),
	       "files: an unreadable file is -ENOENT with a diagnostic");
	mg_diags_free(&d);

	write_file(f2, "profile a {\n}\n");
	one[0] = f1; one[1] = f2;
	e1 = mg_policy_compile_files(one, 2, &b1, &l1, &d);
	result(e1 == -EINVAL && d.n == 2 && strstr(d.v[1].msg, "duplicate profile \"a\"") &&
	       strstr(d.v[1].msg, "a.policy:2") && !strcmp(d.v[1].file, f2),
	       "files: a profile defined in two files is a duplicate");
	mg_diags_free(&d);
	unlink(f1);
	unlink(f2);
}

static void test_misc_valid(void)
{
	struct mg_decoded *d;
	char name[80], *big;
	bool ok;

	d = compile_dec("", NULL, NULL);
	ok = d && d->n_profiles == 0;
	result(ok, "valid: an empty policy compiles");
	mg_decoded_free(d);

	d = compile_dec("# only a comment\n\n\n", NULL, NULL);
	result(d && d->n_profiles == 0, "valid: comments and blank lines only");
	mg_decoded_free(d);

	d = compile_dec("profile a { attach /bin/a; file /etc/a r; exec /bin/sh }\n", NULL, NULL);
	result(d && d->n_rules == 2 && d->n_attach == 1,
	       "valid: one-line profile with ';' separators");
	mg_decoded_free(d);

	d = compile_dec("profile a\n{\r\n  file /etc/a r\r\n}\r\n", NULL, NULL);
	result(d && d->n_rules == 1 && d->profiles[0].rules[0].line == 3,
	       "valid: brace on the next line, CRLF line ends");
	mg_decoded_free(d);

	d = compile_dec("profile a {\n file \"/srv/my data/x y\" rw\n file /tmp/a#b r\n}\n", NULL,
			NULL);
	ok = d && d->n_rules == 2 &&
	     !strcmp(d->profiles[0].rules[0].pattern, "/srv/my data/x y") &&
	     !strcmp(d->profiles[0].rules[1].pattern, "/tmp/a#b");
	result(ok, "valid: quoted path with spaces; '#' inside a word is not a comment");
	mg_decoded_free(d);

	d = compile_dec("profile a {\n file \"/q/\\\"x\\\"\" r\n}\n", NULL, NULL);
	result(d && !strcmp(d->profiles[0].rules[0].pattern, "/q/\"x\""),
	       "valid: the escape \\\" in quoted strings");
	mg_decoded_free(d);

	d = compile_dec("profile a {\n file /** r\n file /opt/** rwaxcdlsm\n file / r\n}\n", NULL,
			NULL);
	ok = d && !strcmp(d->profiles[0].rules[0].pattern, "/**") &&
	     d->profiles[0].rules[0].flags == MEDGATE_RULE_F_GLOB &&
	     d->profiles[0].rules[1].access == MEDGATE_ACCESS_ALL &&
	     !strcmp(d->profiles[0].rules[2].pattern, "/") && d->profiles[0].rules[2].flags == 0;
	result(ok, "valid: /** is kept as written; all nine access letters; the root itself");
	mg_decoded_free(d);

	d = compile_dec("profile a {\n file /usr/bin/x rx -> b\n deny exec /bin/su\n}\n"
			"profile b {\n}\n", NULL, NULL);
	ok = d && find(d, "a") && find(d, "a")->rules[0].exec_mode == MEDGATE_EXEC_MOVE &&
	     find(d, "a")->rules[0].target == medgate_profile_id("b") &&
	     find(d, "a")->rules[1].flags == MEDGATE_RULE_F_DENY &&
	     find(d, "a")->rules[1].access == (EX | MX);
	result(ok, "valid: 'file PATH rx -> PROFILE' moves; 'deny exec' denies x and m");
	mg_decoded_free(d);

	memset(name, 'n', 63);
	name[63] = '\0';
	{
		char text[200];

		snprintf(text, sizeof(text), "profile %s {\n}\nprofile A.b_c-9 {\n}\n", name);
		d = compile_dec(text, NULL, NULL);
	}
	result(d && d->n_profiles == 2,
	       "valid: a 63-character profile name; all allowed name characters");
	mg_decoded_free(d);

	big = malloc(MEDGATE_PATH_MAX + 64);
	if (big) {
		size_t n = (size_t)snprintf(big, 64, "profile a {\n file /");

		memset(big + n, 'p', MEDGATE_PATH_MAX - 2);
		strcpy(big + n + MEDGATE_PATH_MAX - 2, " r\n}\n");
		d = compile_dec(big, NULL, NULL);
		ok = d && strlen(d->profiles[0].rules[0].pattern) == MEDGATE_PATH_MAX - 1;
		result(ok, "valid: a path of %u bytes (the longest)", MEDGATE_PATH_MAX - 1);
		mg_decoded_free(d);
		free(big);
	}

	ok = !same_blob("profile a {\n file /x r\n}\n", "profile a {\n file /x w\n}\n", "diff");
	result(ok, "valid: different policies have different bytes");
}

static void test_globs(void)
{
	struct mg_decoded *d;
	const struct mg_dec_profile *p;
	bool ok;

	d = compile_dec("profile g {\n"
			" attach /opt/gw/bin/svc-*\n"
			" attach /opt/gw/bin/plain\n"
			" file /dev/tty[SU]* rw\n"
			" file /etc/gw/?.conf r\n"
			" file /var/log/gw/** a\n"
			" file /srv/\\*literal r\n"
			" file /srv/plain r\n"
			" file /dev/ttyS[!0] r\n"
			"}\n", NULL, NULL);
	p = find(d, "g");
	ok = p && p->n_attach == 2 && p->attach[0].flags == MEDGATE_PATTERN_F_GLOB &&
	     p->attach[1].flags == 0;
	result(ok, "globs: attachments may be globs, flagged MEDGATE_PATTERN_F_GLOB");
	ok = p && p->n_rules == 6 && p->rules[0].flags == MEDGATE_RULE_F_GLOB &&
	     p->rules[1].flags == MEDGATE_RULE_F_GLOB && p->rules[2].flags == MEDGATE_RULE_F_GLOB &&
	     p->rules[3].flags == MEDGATE_RULE_F_GLOB && p->rules[4].flags == 0 &&
	     p->rules[5].flags == MEDGATE_RULE_F_GLOB;
	result(ok, "globs: classes, ?, **, escapes flagged; a plain path is not");
	ok = p && !strcmp(p->rules[3].pattern, "/srv/\\*literal") &&
	     !strcmp(p->rules[0].pattern, "/dev/tty[SU]*");
	result(ok, "globs: patterns are stored as written");
	mg_decoded_free(d);

	d = compile_dec("profile g {\n deny file /etc/** w\n deny exec /tmp/**\n}\n", NULL, NULL);
	p = find(d, "g");
	ok = p && p->rules[0].flags == (MEDGATE_RULE_F_DENY | MEDGATE_RULE_F_GLOB) &&
	     p->rules[1].flags == (MEDGATE_RULE_F_DENY | MEDGATE_RULE_F_GLOB) &&
	     p->rules[1].access == (EX | MX);
	result(ok, "globs: deny rules on globs carry both flags");
	mg_decoded_free(d);
}

static void test_variables(void)
{
	struct mg_decoded *d;
	const struct mg_dec_profile *p;
	bool ok;

	d = compile_dec("@{GW} = /opt/gateway\n"
			"@{SVC} = hl7 fhir\n"
			"@{LOGS}=/var/log/@{SVC} /var/log/gw\n"
			"@{LOGS} += /var/log/extra\n"
			"profile v {\n"
			"    attach @{GW}/bin/@{SVC}-fwd\n"
			"    file @{LOGS}/** rwc\n"
			"    file @{GW}/@{SVC}/@{SVC}.conf r\n"
			"    file \"@{GW}/my data/x\" r\n"
			"}\n", NULL, NULL);
	p = find(d, "v");
	ok = p && check_str(attach_str(p), "/opt/gateway/bin/hl7-fwd /opt/gateway/bin/fhir-fwd",
			    "attach");
	result(ok, "variables: an attachment expands to one attachment per value");
	ok = p && check_str(rules_str(p),
			    "/var/log/hl7/**:rwac:7 /var/log/fhir/**:rwac:7 /var/log/gw/**:rwac:7 "
			    "/var/log/extra/**:rwac:7 "
			    "/opt/gateway/hl7/hl7.conf:r:8 /opt/gateway/hl7/fhir.conf:r:8 "
			    "/opt/gateway/fhir/hl7.conf:r:8 /opt/gateway/fhir/fhir.conf:r:8 "
			    "/opt/gateway/my data/x:r:9", "rules");
	result(ok, "variables: one rule per combination of values, in order, each with the statement's line");
	ok = p && p->n_attach == 2 && p->attach[0].line == 6 && p->attach[1].line == 6;
	result(ok, "variables: expanded attachments keep the statement's line");
	mg_decoded_free(d);

	d = compile_dec("@{E} = \"\" .bak\n@{Q} = \"/srv/a b\"\n"
			"profile v {\n file /etc/x.conf@{E} r\n file @{Q}/x@{E} r\n}\n", NULL, NULL);
	p = find(d, "v");
	ok = p && check_str(rules_str(p),
			    "/etc/x.conf:r:4 /etc/x.conf.bak:r:4 /srv/a b/x:r:5 /srv/a b/x.bak:r:5",
			    "rules");
	result(ok, "variables: an empty value and a quoted value with a space");
	mg_decoded_free(d);

	d = compile_dec("@{A} = /a\n@{B} = @{A}/b @{A}/c\n@{A} += /z\n"
			"profile v {\n file @{B} r\n file @{A} w\n}\n", NULL, NULL);
	p = find(d, "v");
	ok = p && check_str(rules_str(p), "/a/b:r:5 /a/c:r:5 /a:wa:6 /z:wa:6", "rules");
	result(ok, "variables: values use earlier variables, expanded when defined; += appends");
	mg_decoded_free(d);

	d = compile_dec("@{X} = /x\nprofile v {\n file /lit/@\\{X\\} r\n file /mail/a@b r\n}\n",
			NULL, NULL);
	p = find(d, "v");
	ok = p && check_str(rules_str(p), "/lit/@\\{X\\}:r:3 /mail/a@b:r:4", "rules");
	result(ok, "variables: @\\{ is not a reference; a lone @ is a byte");
	mg_decoded_free(d);

	d = compile_dec("@{T} = /a /b\nprofile v {\n exec @{T}/run -> w\n deny file @{T}/secret r\n}\n"
			"profile w {\n}\n", NULL, NULL);
	p = find(d, "v");
	ok = p && p->n_rules == 4 && p->rules[0].exec_mode == MEDGATE_EXEC_MOVE &&
	     p->rules[1].exec_mode == MEDGATE_EXEC_MOVE &&
	     p->rules[1].target == medgate_profile_id("w") &&
	     p->rules[2].flags == MEDGATE_RULE_F_DENY && p->rules[3].flags == MEDGATE_RULE_F_DENY;
	result(ok, "variables: exec -> and deny rules expand too");
	mg_decoded_free(d);
}

static void test_includes(void)
{
	const char *main_file = MG_TEST_POLICIES "/inc/services/main.policy";
	const struct mg_dec_profile *p;
	struct mg_decoded *d;
	char text[512], f[128];
	const char *files[1];
	bool ok;

	files[0] = main_file;
	d = compile_files_dec(files, 1);
	p = find(d, "svc");
	ok = p && p->n_attach == 1 && !strcmp(p->attach[0].pattern, "/opt/gateway/bin/svc") &&
	     p->n_rules == 6;
	result(ok, "includes: relative include of variables, and of rules inside a profile");
	ok = ok && ends_with(p->rules[0].file, "inc/services/../abstractions/base.policy") &&
	     p->rules[0].line == 2 && !strcmp(p->rules[0].pattern, "/etc/ld.so.cache") &&
	     !strcmp(p->rules[4].file, main_file) && p->rules[4].line == 7 &&
	     !strcmp(p->rules[4].pattern, "/dev/ttyS[0-9]") &&
	     !strcmp(p->rules[5].pattern, "/dev/ttyUSB[0-9]");
	result(ok, "includes: each rule names the file and line it was written at");
	mg_decoded_free(d);

	/* A top-level include sees the includer's variables and defines profiles. */
	snprintf(text, sizeof(text),
		 "@{OUTER} = /srv/outer\ninclude \"%s/inc/uses_outer.policy\"\n"
		 "include %s/inc/with_profile.policy\n", MG_TEST_POLICIES, MG_TEST_POLICIES);
	d = compile_dec(text, NULL, NULL);
	p = find(d, "uses-outer");
	ok = p && p->n_rules == 1 && !strcmp(p->rules[0].pattern, "/srv/outer/**") &&
	     find(d, "inc-p") && find(d, "inc-p")->attach[0].line == 4;
	result(ok, "includes: an included file uses the includer's variables; includes define profiles");
	mg_decoded_free(d);

	/* The same file included twice inside two profiles (no cycle). */
	snprintf(text, sizeof(text),
		 "profile a {\n include \"%s/inc/abstractions/base.policy\"\n}\n"
		 "profile b {\n include \"%s/inc/abstractions/base.policy\"\n file /b r\n}\n",
		 MG_TEST_POLICIES, MG_TEST_POLICIES);
	d = compile_dec(text, NULL, NULL);
	ok = d && find(d, "a") && find(d, "a")->n_rules == 4 && find(d, "b")->n_rules == 5;
	result(ok, "includes: one file included in two profiles is not a cycle");
	mg_decoded_free(d);

	/* Variables an included file defines are visible after the include line. */
	snprintf(f, sizeof(f), "%s/defs.policy", tmpdir);
	write_file(f, "@{D} = /d1 /d2\n");
	snprintf(text, sizeof(text), "include \"%s\"\nprofile a {\n file @{D} r\n}\n", f);
	d = compile_dec(text, NULL, NULL);
	p = find(d, "a");
	ok = p && check_str(rules_str(p), "/d1:r:3 /d2:r:3", "rules");
	result(ok, "includes: variables defined in an included file are visible after it");
	mg_decoded_free(d);
	unlink(f);
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

/* include <NAME>: the include path (-I directories, then the default one) and its errors. */
static void test_include_search(void)
{
	static const char *const dirs[] = {
		"site", "site/abstractions", "sys", "sys/abstractions", "other", "main",
		"main/abstractions",
	};
	static const char *const files[] = {
		"site/abstractions/base.policy", "sys/abstractions/base.policy",
		"sys/abstractions/only-sys.policy", "sys/abstractions/nested.policy",
		"sys/abstractions/sibling.policy", "main/abstractions/base.policy",
		"main/main.policy",
	};
	static const char *const texts[] = {
		"file /from/site r\n", "file /from/sys r\n", "file /only/sys r\n",
		"include \"sibling.policy\"\n", "file /sibling r\n", "file /from/main r\n",
		"profile m {\n include \"abstractions/base.policy\"\n include <abstractions/base.policy>\n}\n",
	};
	char site[128], sys[128], other[128], path[192], err[512], want[512];
	const struct mg_dec_profile *p;
	const char *path_dirs[2];
	struct mg_decoded *d;
	const char *one[1];
	size_t i;
	bool ok;

	snprintf(site, sizeof(site), "%s/site", tmpdir);
	snprintf(sys, sizeof(sys), "%s/sys", tmpdir);
	snprintf(other, sizeof(other), "%s/other", tmpdir);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, dirs[i]);
		mkdir(path, 0755);
	}
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		write_file(path, texts[i]);
	}
	mg_include_default_dir_set(sys);

	/* A -I directory comes before the default one; the default one is searched last. */
	path_dirs[0] = other;
	path_dirs[1] = site;
	mg_include_path_set(path_dirs, 2);
	d = compile_dec("profile a {\n include <abstractions/base.policy>\n"
			" include <abstractions/only-sys.policy>\n}\n", NULL, NULL);
	p = find(d, "a");
	snprintf(path, sizeof(path), "%s/abstractions/base.policy", site);
	ok = p && check_str(rules_str(p), "/from/site:r:1 /only/sys:r:1", "rules") &&
	     !strcmp(p->rules[0].file, path);
	result(ok, "include <NAME>: found in a -I directory, in order, before the default directory");
	snprintf(path, sizeof(path), "%s/abstractions/only-sys.policy", sys);
	ok = p && !strcmp(p->rules[1].file, path);
	result(ok, "include <NAME>: found in the default directory; the rule names the file found");
	mg_decoded_free(d);

	/* A "..." include inside a file found on the path is relative to that file. */
	d = compile_dec("profile a {\n include <abstractions/nested.policy>\n}\n", NULL, NULL);
	p = find(d, "a");
	ok = p && check_str(rules_str(p), "/sibling:r:1", "rules");
	result(ok, "include <NAME>: a quoted include in the file found is relative to it");
	mg_decoded_free(d);

	/* "..." stays relative to the including file, whatever the include path holds. */
	snprintf(path, sizeof(path), "%s/main/main.policy", tmpdir);
	one[0] = path;
	d = compile_files_dec(one, 1);
	p = find(d, "m");
	ok = p && check_str(rules_str(p), "/from/main:r:1 /from/site:r:1", "rules") &&
	     ends_with(p->rules[0].file, "main/abstractions/base.policy");
	result(ok, "include \"NAME\" is still relative to the including file");
	mg_decoded_free(d);

	/* Not found: the error names every directory searched, in order. */
	first_error("profile a {\n include <abstractions/nope.policy>\n}\n", err, sizeof(err));
	snprintf(want, sizeof(want),
		 "2:10: cannot include <abstractions/nope.policy>: not found in %s, %s, %s "
		 "(add directories with -I DIR or MEDGATE_INCLUDE_PATH)", other, site, sys);
	result(check_str(err, want, "error"), "include <NAME>: not found names the directories searched");

	/* Without -I directories and with the compiled-in default. */
	mg_include_path_set(NULL, 0);
	mg_include_default_dir_set(NULL);
	first_error("include <abstractions/nope.policy>\n", err, sizeof(err));
	snprintf(want, sizeof(want),
		 "1:9: cannot include <abstractions/nope.policy>: not found in %s "
		 "(add directories with -I DIR or MEDGATE_INCLUDE_PATH)", MG_TEST_DATADIR);
	ok = check_str(mg_include_default_dir(), MG_TEST_DATADIR, "default directory") &&
	     check_str(err, want, "error");
	result(ok, "include <NAME>: the compiled-in default directory is $(PREFIX)/share/medgate");

	/* Names that cannot be on the include path. */
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

		ok = true;
		for (i = 0; i < ARRAY_SIZE(bad_names); i++) {
			first_error(bad_names[i][0], err, sizeof(err));
			ok = check_str(err, bad_names[i][1], bad_names[i][0]) && ok;
		}
		result(ok, "include <NAME>: empty, unterminated, absolute and non-normalized names are errors");
	}

	for (i = ARRAY_SIZE(files); i--;) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	for (i = ARRAY_SIZE(dirs); i--;) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, dirs[i]);
		rmdir(path);
	}
}

static void test_access_format(void)
{
	char buf[32];
	uint32_t acc = 0;
	size_t bad;
	bool ok;

	ok = !mg_access_parse("rwaxcdlsm", &acc, &bad) && acc == MEDGATE_ACCESS_ALL &&
	     !mg_access_format(acc, buf, sizeof(buf)) && !strcmp(buf, "rwaxcdlsm");
	ok = ok && !mg_access_parse("mr", &acc, &bad) && !mg_access_format(acc, buf, sizeof(buf)) &&
	     !strcmp(buf, "rm");
	ok = ok && !mg_access_format(0, buf, sizeof(buf)) && !strcmp(buf, "-");
	ok = ok && mg_access_format(MEDGATE_ACCESS_ALL, buf, 4) == -ENOSPC;
	ok = ok && mg_access_parse("rz", &acc, &bad) == -EINVAL && bad == 1;
	result(ok, "access letters: parse and canonical format");

	ok = !mg_access_format_short(RD | WR | AP | EX | MX, buf, sizeof(buf)) &&
	     !strcmp(buf, "rwx") && !mg_access_format_short(AP | MX, buf, sizeof(buf)) &&
	     !strcmp(buf, "am");
	result(ok, "access letters: short form leaves out implied letters only");

	ok = !strcmp(mg_op_name(MEDGATE_OP_FILE_OPEN), "file_open") &&
	     !strcmp(mg_op_name(MEDGATE_OP_FCNTL), "fcntl") &&
	     !strcmp(mg_verdict_name(MEDGATE_VERDICT_WOULD_DENY), "would_deny") &&
	     !strcmp(mg_mode_name(MEDGATE_MODE_COMPLAIN), "complain") &&
	     !strcmp(mg_op_name(12345), "unknown");
	result(ok, "names of ops, verdicts and modes");
}

static void test_event_format(void)
{
	struct mg_event ev = {
		.seq = 7, .time_real_ns = 1700000000123456789ULL, .profile = "p",
		.verdict = MEDGATE_VERDICT_DENY, .pid = 42, .comm = "sh", .op = MEDGATE_OP_FILE_OPEN,
		.access = MEDGATE_ACCESS_READ, .path = "/tmp/a\nb\"\xff", .rule = MEDGATE_RULE_NONE,
	};
	char *buf = malloc(MG_EVENT_LINE_MAX);
	bool ok;

	if (!buf)
		return;
	ok = !mg_event_format_json(&ev, buf, MG_EVENT_LINE_MAX) && !strchr(buf, '\n') &&
	     strstr(buf, "\"path\":\"/tmp/a\\nb\\\"\\u00ff\"") && strstr(buf, "\"rule\":null") &&
	     strstr(buf, "\"time\":\"2023-11-14T22:13:20.123456789Z\"");
	result(ok, "event JSON: one line, hostile path escaped");
	if (!ok)
		diag("%s", buf);
	ok = !mg_event_format_text(&ev, buf, MG_EVENT_LINE_MAX) && !strchr(buf, '\n') &&
	     strstr(buf, "\"/tmp/a\\nb\\\"\\xff\"") && strstr(buf, "rule default");
	result(ok, "event text: one line, hostile path escaped");
	if (!ok)
		diag("%s", buf);
	ev.rule = 12;
	ev.rule_line = 40;
	snprintf(ev.rule_file, sizeof(ev.rule_file), "gateway.policy");
	ok = !mg_event_format_text(&ev, buf, MG_EVENT_LINE_MAX) &&
	     strstr(buf, "rule 12 (gateway.policy:40)") &&
	     !mg_event_format_json(&ev, buf, MG_EVENT_LINE_MAX) &&
	     strstr(buf, "\"rule\":12,\"rule_line\":40,\"rule_file\":\"gateway.policy\"");
	result(ok, "event: the deciding rule's index, file and line");
	if (!ok)
		diag("%s", buf);
	memset(ev.path, 0xff, sizeof(ev.path));	/* unterminated: must stay in bounds */
	memset(ev.rule_file, 0xff, sizeof(ev.rule_file));
	ok = !mg_event_format_json(&ev, buf, MG_EVENT_LINE_MAX);
	result(ok, "event JSON: worst-case path fits MG_EVENT_LINE_MAX");
	free(buf);
}

/* ---- show and diff ---- */

static void test_show_format(void)
{
	char buf[256];
	bool ok;

	ok = !mg_pattern_format("/etc/x", buf, sizeof(buf)) && !strcmp(buf, "/etc/x") &&
	     !mg_pattern_format("/srv/a b", buf, sizeof(buf)) && !strcmp(buf, "\"/srv/a b\"") &&
	     !mg_pattern_format("/q/\"x\\", buf, sizeof(buf)) && !strcmp(buf, "\"/q/\\\"x\\\\\"") &&
	     !mg_pattern_format("/a;b", buf, sizeof(buf)) && !strcmp(buf, "\"/a;b\"") &&
	     !mg_pattern_format("/x\ty", buf, sizeof(buf)) && !strcmp(buf, "\"/x\\x09y\"") &&
	     mg_pattern_format("/abcdef", buf, 4) == -ENOSPC;
	result(ok, "show: patterns are bare words unless they need quotes");
}

/*
 * Everything `policy show` prints for the rules and attachments, compiled again, must give the
 * same rules: the decompiled text is a faithful policy.
 */
static void test_show_roundtrip(void)
{
	const char *text =
		"@{D} = /dev/ttyS[0-9] \"/srv/a b\"\n"
		"profile r1 {\n attach /opt/x/bin/*\n mode complain\n file @{D} rw\n"
		" deny file /etc/shadow rwa\n exec /bin/busybox\n exec /usr/bin/helper -> r2\n"
		" file /usr/lib/** rm\n file \"/q/\\\"x\" r\n file /srv/x rx -> r2\n deny exec /bin/su\n"
		" file \"/srv/semi;colon\" c\n exec /opt/k -> r2 keep-env\n file /opt/s rx scrub-env\n}\n"
		"profile r2 {\n file /x/** rwacdls\n}\n";
	struct mg_decoded *d, *d2 = NULL;
	struct mg_diff df = { 0 };
	char *out;
	size_t n = 0, cap = 1 << 16, i, j;
	bool ok;

	d = compile_dec(text, NULL, NULL);
	out = malloc(cap);
	if (!d || !out) {
		result(false, "show: decompiled text compiles to the same rules");
		result(false, "show: rules are written in their short form (exec, deny, ->, quotes, env)");
		free(out);
		mg_decoded_free(d);
		return;
	}
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
	d2 = compile_dec(out, NULL, NULL);
	ok = d2 && !mg_policy_diff(d, d2, &df) && df.n == 0;
	result(ok, "show: decompiled text compiles to the same rules");
	if (!ok)
		diag("decompiled:\n%s", out);
	ok = d2 && strstr(out, " deny file /etc/shadow rw\n") && strstr(out, " exec /bin/busybox\n") &&
	     strstr(out, " exec /usr/bin/helper -> r2\n") && strstr(out, " deny exec /bin/su\n") &&
	     strstr(out, " file /srv/x rx -> r2\n") && strstr(out, " file \"/srv/a b\" rw\n") &&
	     strstr(out, " file \"/srv/semi;colon\" c\n") &&
	     strstr(out, " exec /opt/k -> r2 keep-env\n") && strstr(out, " file /opt/s rx scrub-env\n");
	result(ok, "show: rules are written in their short form (exec, deny, ->, quotes, env)");
	mg_diff_free(&df);
	mg_decoded_free(d);
	mg_decoded_free(d2);
	free(out);
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

static void test_diff(void)
{
	const char *old =
		"profile keep {\n attach /bin/keep\n file /a r\n file /b r\n file /b r\n}\n"
		"profile gone {\n attach /bin/gone\n file /g r\n}\n"
		"profile mode {\n mode complain\n}\n";
	const char *new =
		"profile mode {\n mode enforce\n}\n"
		"profile keep {\n attach /bin/keep2\n\n file /b r\n file /a rw\n file /c r\n}\n"
		"profile fresh {\n file /f r\n}\n";
	struct mg_decoded *a, *b, *c;
	struct mg_diff df = { 0 };
	bool ok;

	a = compile_dec(old, NULL, NULL);
	b = compile_dec(new, NULL, NULL);
	ok = a && b && !mg_policy_diff(a, b, &df);
	ok = ok && has_change(&df, MG_CHANGE_PROFILE_REMOVED, "gone", NULL) &&
	     has_change(&df, MG_CHANGE_ATTACH_REMOVED, "gone", "/bin/gone") &&
	     has_change(&df, MG_CHANGE_RULE_REMOVED, "gone", "/g") &&
	     has_change(&df, MG_CHANGE_PROFILE_ADDED, "fresh", NULL) &&
	     has_change(&df, MG_CHANGE_RULE_ADDED, "fresh", "/f") &&
	     has_change(&df, MG_CHANGE_MODE, "mode", NULL);
	result(ok, "diff: profiles added and removed (with their contents); mode changes");
	ok = ok && has_change(&df, MG_CHANGE_ATTACH_REMOVED, "keep", "/bin/keep") &&
	     has_change(&df, MG_CHANGE_ATTACH_ADDED, "keep", "/bin/keep2") &&
	     has_change(&df, MG_CHANGE_RULE_REMOVED, "keep", "/a") &&
	     has_change(&df, MG_CHANGE_RULE_ADDED, "keep", "/a") &&
	     has_change(&df, MG_CHANGE_RULE_ADDED, "keep", "/c") &&
	     has_change(&df, MG_CHANGE_RULE_REMOVED, "keep", "/b") &&
	     df.n == 12;
	result(ok, "diff: rules by content (access counts, lines and indices do not; duplicates do)");
	if (!ok)
		diag("%zu changes", df.n);
	mg_diff_free(&df);

	c = compile_dec("profile keep {\n\n\n file /b r\n attach /bin/keep2\n file /c r\n"
			" file /a rw\n}\nprofile fresh {\n file /f r\n}\nprofile mode {\n}\n",
			NULL, NULL);
	ok = b && c && !mg_policy_diff(b, c, &df) && df.n == 0 && df.positions_only &&
	     !df.same_version;
	result(ok, "diff: moved lines and reordered rules are no change in content");
	mg_diff_free(&df);

	ok = b && !mg_policy_diff(NULL, b, &df) && df.n == 2 + 5 + 1 &&
	     df.v[0].kind == MG_CHANGE_PROFILE_ADDED && !strcmp(df.v[0].new_profile->name, "fresh");
	result(ok, "diff: against no policy, everything is added, profiles in name order");
	if (!ok)
		diag("%zu changes", df.n);
	mg_diff_free(&df);
	mg_decoded_free(a);
	mg_decoded_free(b);
	mg_decoded_free(c);
}

/* ---- invalid policies: every one must fail with the expected position and reason ---- */

struct bad {
	const char *name;
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

static const struct bad bad[] = {
	/* structure and keywords */
	{ "unknown top-level keyword", "bogus x\n", 1, 1, "unknown keyword \"bogus\"", 1, NULL, NULL },
	{ "misspelt profile", "profle a {\n file /x r\n}\n", 1, 1, "did you mean \"profile\"", 1, NULL, NULL },
	{ "misspelt include", "incldue x\n", 1, 1, "did you mean \"include\"", 1, NULL, NULL },
	{ "missing closing brace", "profile a {\n attach /x\n", 3, 1, "missing '}' at end of file", 1, NULL, NULL },
	{ "missing closing brace before next profile", "profile a {\n file /x r\nprofile b {\n}\n",
	  3, 1, "missing '}' before 'profile'", 1, NULL, NULL },
	{ "duplicate profile", "profile a {\n}\nprofile a {\n}\n", 3, 9,
	  "duplicate profile \"a\" (first defined at test.policy:1)", 1, NULL, NULL },
	{ "unknown keyword in profile", P(" fiel /x r\n"), 2, 2,
	  "unknown keyword \"fiel\" in a profile (did you mean \"file\"?)", 1, NULL, NULL },
	{ "misspelt include in profile", P(" inclde /x\n"), 2, 2, "did you mean \"include\"", 1, NULL, NULL },
	{ "unknown keyword without suggestion", P(" frobnicate /x\n"), 2, 2,
	  "(expected attach, mode, file, exec, deny or include)", 1, NULL, NULL },
	{ "unknown mode", P(" mode learn\n"), 2, 7, "unknown mode \"learn\"", 1, NULL, NULL },
	{ "mode twice", P(" mode enforce\n mode complain\n"), 3, 2,
	  "mode given twice in profile \"a\" (first at line 2)", 1, NULL, NULL },
	{ "missing mode", P(" mode\n"), 2, 6, "missing mode", 1, NULL, NULL },
	{ "word after the mode", P(" mode enforce now\n"), 2, 15, "unexpected \"now\" after the mode", 1, NULL, NULL },
	{ "bad profile name character", "profile a/b {\n}\n", 1, 10, "invalid character '/'", 1, NULL, NULL },
	{ "profile name too long",
	  "profile nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn {\n}\n", 1, 9,
	  "profile name too long (64 characters; the limit is 63)", 1, NULL, NULL },
	{ "missing profile name", "profile {\n}\n", 1, 9, "missing profile name", 1, NULL, NULL },
	{ "empty quoted profile name", "profile \"\" {\n}\n", 1, 9, "empty profile name", 1, NULL, NULL },
	{ "space in a quoted profile name", "profile \"a b\" {\n}\n", 1, 11, "invalid byte 0x20", 1, NULL, NULL },
	{ "missing opening brace", "profile a\n file /x r\n}\n", 1, 10,
	  "expected '{' after the profile name", 1, NULL, NULL },
	{ "missing opening brace at end of file", "profile a", 1, 10,
	  "expected '{' after the profile name", 1, NULL, NULL },
	{ "stray closing brace", "}\n", 1, 1, "unexpected '}' (no profile is open)", 1, NULL, NULL },
	{ "one closing brace too many", "profile a {\n}\n}\n", 3, 1, "no profile is open", 1, NULL, NULL },
	{ "stray opening brace", "{\n}\n", 1, 1, "unexpected '{' (expected 'profile NAME {')", 1, NULL, NULL },
	{ "extra word after profile name", "profile a b {\n}\n", 1, 11,
	  "unexpected \"b\" after the profile name", 1, NULL, NULL },
	{ "brace inside profile", P(" {\n }\n"), 2, 2, "unexpected '{' inside profile \"a\"", 1, NULL, NULL },
	{ "statement starting with a path", P(" /etc/x r\n"), 2, 2, "starts with a keyword", 1, NULL, NULL },
	{ "statement starting with an arrow", P(" -> x\n"), 2, 2,
	  "unexpected '->' at the start of a statement", 1, NULL, NULL },
	{ "quoted keyword", P(" \"file\" /x r\n"), 2, 2, "a keyword cannot be quoted", 1, NULL, NULL },
	{ "file outside a profile", "file /etc/x r\n", 1, 1, "\"file\" outside a profile", 1, NULL, NULL },
	{ "exec outside a profile", "exec /bin/x\n", 1, 1, "\"exec\" outside a profile", 1, NULL, NULL },
	{ "deny outside a profile", "deny file /x r\n", 1, 1, "\"deny\" outside a profile", 1, NULL, NULL },
	{ "attach outside a profile", "attach /bin/x\n", 1, 1, "\"attach\" outside a profile", 1, NULL, NULL },
	{ "mode outside a profile", "mode enforce\n", 1, 1, "\"mode\" outside a profile", 1, NULL, NULL },
	{ "network rules later", P(" network inet tcp connect 10.0.0.1 443\n"), 2, 2,
	  "network rules are not supported yet", 1, NULL, NULL },
	{ "capability rules later", P(" capability net_admin\n"), 2, 2,
	  "capability rules are not supported yet", 1, NULL, NULL },
	{ "signal rules later", P(" signal send\n"), 2, 2, "signal rules are not supported yet", 1, NULL, NULL },
	{ "ptrace rules later", P(" ptrace read\n"), 2, 2, "ptrace rules are not supported yet", 1, NULL, NULL },
	{ "mount rules later", P(" mount /data\n"), 2, 2, "mount rules are not supported yet", 1, NULL, NULL },
	{ "syscall allowlists later", P(" syscalls read write\n"), 2, 2,
	  "syscall allowlists are not supported yet", 1, NULL, NULL },

	/* lexical */
	{ "unterminated string", P(" file \"/x r\n"), 2, 7, "unterminated string", 2, NULL, NULL },
	{ "unknown escape", P(" file \"/x\\q\" r\n"), 2, 10, "unknown escape", 1, NULL, NULL },
	{ "no space after quote", P(" file \"/x\"r\n"), 2, 11, "missing space after closing quote", 1, NULL, NULL },
	{ "quote inside a word", P(" file /a\"b r\n"), 2, 9, "inside a word", 1, NULL, NULL },
	{ "control character", P(" file /x\x01y r\n"), 2, 9, "unexpected control character 0x01", 1, NULL, NULL },
	{ "control character in a string", P(" file \"/x\x02\" r\n"), 2, 10,
	  "unexpected control character 0x02 in string", 1, NULL, NULL },
	{ "brace glued to a path", P(" attach /bin/x}\n"), 2, 15, "put a space before", 1, NULL, NULL },
	{ "brace glued to an exec path", P(" exec /bin/x}\n"), 2, 13, "put a space before", 1, NULL, NULL },

	/* access letters */
	{ "unknown access letter", P(" file /x q\n"), 2, 10, "unknown access letter 'q'", 1, NULL, NULL },
	{ "unknown access letter inside", P(" file /x rwz\n"), 2, 12, "unknown access letter 'z'", 1, NULL, NULL },
	{ "uppercase access letter", P(" file /x R\n"), 2, 10, "unknown access letter 'R'", 1, NULL, NULL },
	{ "digit in access letters", P(" file /x r1\n"), 2, 11, "unknown access letter '1'", 1, NULL, NULL },
	{ "dash in access letters", P(" file /x r-w\n"), 2, 11, "unknown access letter '-'", 1, NULL, NULL },
	{ "arrow glued to access letters", P(" file /x rx->a\n"), 2, 12,
	  "unknown access letter '-'", 1, NULL, NULL },
	{ "non-ASCII access letter", P(" file /x r\xc3\xa9\n"), 2, 11,
	  "unknown access letter 0xc3", 1, NULL, NULL },
	{ "repeated access letter", P(" file /x rwr\n"), 2, 12, "access letter 'r' given twice", 1, NULL, NULL },
	{ "repeated m", P(" file /x rmm\n"), 2, 12, "access letter 'm' given twice", 1, NULL, NULL },
	{ "repeated x", P(" file /x xrx\n"), 2, 12, "access letter 'x' given twice", 1, NULL, NULL },
	{ "quoted access", P(" file /x \"r\"\n"), 2, 10, "access letters cannot be quoted", 1, NULL, NULL },
	{ "missing access letters", P(" file /x\n"), 2, 9, "missing access letters", 1, NULL, NULL },
	{ "missing access letters on deny", P(" deny file /x\n"), 2, 14, "missing access letters", 1, NULL, NULL },
	{ "access letters on exec", P(" exec /bin/x rx\n"), 2, 14, "exec takes no access letters", 1, NULL, NULL },
	{ "bad access and bad path, both reported", P(" file etc/x q\n"), 2, 7,
	  "relative path \"etc/x\"", 2, NULL, NULL },

	/* deny and exec forms */
	{ "missing path", P(" file\n"), 2, 6, "missing path after 'file'", 1, NULL, NULL },
	{ "missing exec path", P(" exec\n"), 2, 6, "missing executable path after 'exec'", 1, NULL, NULL },
	{ "missing deny exec path", P(" deny exec\n"), 2, 11, "missing executable path after 'exec'", 1, NULL, NULL },
	{ "exec with an arrow as path", P(" exec -> a\n"), 2, 7, "expected a path, found '->'", 1, NULL, NULL },
	{ "deny with a profile change", P(" deny exec /x -> a\n"), 2, 15,
	  "a deny rule cannot change the profile", 1, NULL, NULL },
	{ "deny file with a profile change", P(" deny file /x rx -> a\n"), 2, 18,
	  "a deny rule cannot change the profile", 1, NULL, NULL },
	{ "profile change without x", P(" file /x r -> a\n"), 2, 12, "'->' needs the x access letter", 1, NULL, NULL },
	{ "keep-env on a deny rule", P(" deny exec /x keep-env\n"), 2, 15,
	  "a deny rule runs nothing: \"keep-env\" does not apply", 1, NULL, NULL },
	{ "scrub-env without x", P(" file /x r scrub-env\n"), 2, 12,
	  "\"scrub-env\" needs the x access letter", 1, NULL, NULL },
	{ "two environment choices", P(" exec /x scrub-env keep-env\n"), 2, 20,
	  "unexpected", 1, NULL, NULL },
	{ "arrow without target", P(" exec /x ->\n"), 2, 12, "missing profile name after '->'", 1, NULL, NULL },
	{ "file arrow without target", P(" file /x rx ->\n"), 2, 15, "missing profile name after '->'", 1, NULL, NULL },
	{ "bad target name", P(" exec /x -> a/b\n"), 2, 14, "invalid character '/'", 1, NULL, NULL },
	{ "quoted target with a space", P(" exec /x -> \"a b\"\n"), 2, 15, "invalid byte 0x20", 1, NULL, NULL },
	{ "word after the exec target", P(" exec /x -> a extra\n"), 2, 15,
	  "unexpected \"extra\" after the path", 1, NULL, NULL },
	{ "exec target names no profile", P(" exec /bin/x -> nothere\n"), 2, 17,
	  "exec target \"nothere\" names no profile", 1, NULL, NULL },
	{ "file exec target names no profile", P(" file /x rx -> ghost\n"), 2, 16,
	  "exec target \"ghost\" names no profile", 1, NULL, NULL },
	{ "extra word after access", P(" file /x r extra\n"), 2, 12, "unexpected \"extra\"", 1, NULL, NULL },
	{ "deny on a non-rule", P(" deny mode enforce\n"), 2, 7,
	  "'deny' applies to file and exec rules", 1, NULL, NULL },
	{ "deny deny", P(" deny deny file /x r\n"), 2, 7, "not to \"deny\"", 1, NULL, NULL },
	{ "deny alone", P(" deny\n"), 2, 6, "missing rule after 'deny'", 1, NULL, NULL },
	{ "empty exec path", P(" exec \"\"\n"), 2, 7, "empty path", 1, NULL, NULL },

	/* attachments */
	{ "relative attach", P(" attach bin/sh\n"), 2, 9, "paths must be absolute", 1, NULL, NULL },
	{ "empty attach", P(" attach \"\"\n"), 2, 9, "empty path", 1, NULL, NULL },
	{ "two attach paths", P(" attach /a /b\n"), 2, 12, "one path per 'attach'", 1, NULL, NULL },
	{ "attachment in two profiles",
	  "profile a {\n attach /bin/x\n}\nprofile b {\n attach /bin/x\n}\n", 5, 9,
	  "\"/bin/x\" is already attached to profile \"a\" (test.policy:2)", 1, NULL, NULL },
	{ "glob attachment in two profiles",
	  "profile a {\n attach /bin/*\n}\nprofile b {\n attach /bin/*\n}\n", 5, 9,
	  "\"/bin/*\" is already attached to profile \"a\"", 1, NULL, NULL },
	{ "duplicate attachment in one profile", P(" attach /bin/x\n attach /bin/x\n"), 3, 9,
	  "duplicate attachment \"/bin/x\" (already at line 2)", 1, NULL, NULL },

	/* paths */
	{ "relative path", P(" file etc/passwd r\n"), 2, 7, "relative path \"etc/passwd\"", 1, NULL, NULL },
	{ "relative glob", P(" file *.conf r\n"), 2, 7, "relative path \"*.conf\"", 1, NULL, NULL },
	{ "empty path", P(" file \"\" r\n"), 2, 7, "empty path", 1, NULL, NULL },
	{ "dot-dot component", P(" file /etc/../shadow r\n"), 2, 12, "\".\" or \"..\"", 1, NULL, NULL },
	{ "dot component", P(" file /etc/./shadow r\n"), 2, 12, "\".\" or \"..\"", 1, NULL, NULL },
	{ "dot-dot at the end", P(" file /etc/.. r\n"), 2, 12, "\".\" or \"..\"", 1, NULL, NULL },
	{ "dot alone", P(" file /. r\n"), 2, 8, "\".\" or \"..\"", 1, NULL, NULL },
	{ "double slash", P(" file /etc//shadow r\n"), 2, 12, "empty path component", 1, NULL, NULL },
	{ "double slash before a glob", P(" file /a//* r\n"), 2, 10, "empty path component", 1, NULL, NULL },
	{ "trailing slash", P(" file /etc/ r\n"), 2, 11, "a trailing '/' matches nothing", 1, NULL, NULL },
	{ "path too long", NULL, 2, 7, "path too long (4096 bytes; the limit is 4095)", 1, NULL,
	  gen_long_path},

	/* globs (docs/globs.md) */
	{ "glob reversed range", P(" file /dev/tty[9-0] r\n"), 2, 16, "reversed range", 1, NULL, NULL },
	{ "glob unclosed class", P(" file /dev/tty[0-9 r\n"), 2, 15, "unclosed '['", 1, NULL, NULL },
	{ "glob empty class", P(" file /dev/tty[] r\n"), 2, 15, "empty class", 1, NULL, NULL },
	{ "glob alternation", P(" file /etc/{a,b} r\n"), 2, 12, "alternation {..} is not supported", 1, NULL, NULL },
	{ "glob stray bracket", P(" file /etc/a]b r\n"), 2, 13, "']' without '['", 1, NULL, NULL },
	{ "glob trailing backslash", P(" file /etc/a\\ r\n"), 2, 13, "trailing '\\'", 1, NULL, NULL },
	{ "glob slash in a class", P(" file /a[/]b r\n"), 2, 10, "'/' inside a class", 1, NULL, NULL },
	{ "glob named class", P(" file /a[[:alpha:]] r\n"), 2, 10, "named classes", 1, NULL, NULL },
	{ "glob error in a quoted path", P(" file \"/a b/[\" r\n"), 2, 13, "unclosed '['", 1, NULL, NULL },
	{ "glob trailing backslash in a quoted path", P(" file \"/a\\\\\" r\n"), 2, 10,
	  "trailing '\\'", 1, NULL, NULL },
	{ "glob error in an attachment", P(" attach /opt/{x}\n"), 2, 14,
	  "alternation {..} is not supported", 1, NULL, NULL },
	{ "glob error in an exec path", P(" exec /bin/[z-a]\n"), 2, 13, "reversed range", 1, NULL, NULL },

	/* variables */
	{ "undefined variable", P(" file @{NOPE}/x r\n"), 2, 7, "undefined variable @{NOPE}", 1, NULL, NULL },
	{ "undefined variable in an attachment", P(" attach @{GW}/bin/x\n"), 2, 9,
	  "undefined variable @{GW}", 1, NULL, NULL },
	{ "variable defined after use", "profile a {\n file @{L}/x r\n}\n@{L} = /l\n", 2, 7,
	  "it is defined later, at line 4", 1, NULL, NULL },
	{ "variable redefined", "@{A} = /a\n@{A} = /b\n", 2, 1,
	  "variable @{A} is already defined (at line 1); use += to add values", 1, NULL, NULL },
	{ "append to an undefined variable", "@{A} += /a\n", 1, 1, "@{A} is not defined", 1, NULL, NULL },
	{ "recursive definition", "@{A} = @{A}/x\n", 1, 8, "recursive definition", 1, NULL, NULL },
	{ "recursive append", "@{A} = /a\n@{A} += @{A}/b\n", 2, 9, "recursive definition", 1, NULL, NULL },
	{ "undefined variable in a value", "@{A} = @{nope}/x\n", 1, 8, "undefined variable @{nope}", 1, NULL, NULL },
	{ "definition without operator", "@{A} /a\n", 1, 6, "expected '=' or '+=' after @{A}", 1, NULL, NULL },
	{ "definition without value", "@{A} =\n", 1, 7, "missing value after '='", 1, NULL, NULL },
	{ "empty variable name", "@{} = /a\n", 1, 1, "empty variable name", 1, NULL, NULL },
	{ "bad character in a variable name", "@{a-b} = /x\n", 1, 4,
	  "invalid character '-' in a variable name", 1, NULL, NULL },
	{ "variable name starting with a digit", "@{1a} = /x\n", 1, 3,
	  "a variable name starts with a letter or '_'", 1, NULL, NULL },
	{ "unterminated variable name", "@{abc = /x\n", 1, 1, "unterminated variable name", 1, NULL, NULL },
	{ "variable name too long",
	  "@{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa} = /x\n", 1, 1,
	  "variable name too long", 1, NULL, NULL },
	{ "unterminated reference", P(" file /x/@{abc r\n"), 2, 10, "unterminated variable reference", 1, NULL, NULL },
	{ "bad character in a reference", P(" file /x/@{a.b}/y r\n"), 2, 13,
	  "invalid character '.' in a variable name", 1, NULL, NULL },
	{ "definition inside a profile", P(" @{A} = /x\n"), 2, 2,
	  "variables are defined at the top level", 1, NULL, NULL },
	{ "variable in a profile name", "profile @{A} {\n}\n", 1, 9,
	  "variables are expanded in paths only, not in a profile name", 1, NULL, NULL },
	{ "variable in an exec target", P(" exec /x -> @{T}\n"), 2, 13,
	  "variables are expanded in paths only", 1, NULL, NULL },
	{ "arrow in a value", "@{A} = /x -> y\n", 1, 11, "unexpected '->' in the value of @{A}", 1, NULL, NULL },
	{ "bad escape in a quoted value", "@{A} = \"/x\\q\"\n", 1, 11, "unknown escape", 1, NULL, NULL },
	{ "relative path from a variable", "@{R} = etc\nprofile a {\n file @{R}/x r\n}\n", 3, 7,
	  "relative path \"etc/x\": paths must be absolute (start with '/') (from the value of @{R}, line 1)",
	  1, NULL, NULL },
	{ "double slash after a variable", "@{D} = /a/\nprofile a {\n file @{D}/x r\n}\n", 3, 11,
	  "empty path component", 1, NULL, NULL },
	{ "trailing slash from a variable", "@{D} = /a/\nprofile a {\n file @{D} r\n}\n", 3, 7,
	  "a trailing '/' matches nothing", 1, NULL, NULL },
	{ "dot-dot from a variable", "@{H} = x/../y\nprofile a {\n file /x/@{H} r\n}\n", 3, 10,
	  "(from the value of @{H}, line 1)", 1, NULL, NULL },
	{ "glob error from a variable", "@{V} = [z-a]\nprofile a {\n file /x/@{V} r\n}\n", 3, 10,
	  "reversed range in a class (write [a-z], not [z-a]) (from the value of @{V}", 1, NULL, NULL },
	{ "duplicate attachment by expansion", "@{A} = /x /x\nprofile a {\n attach @{A}\n}\n", 3, 9,
	  "duplicate attachment \"/x\" (already at line 3)", 1, NULL, NULL },
	{ "too many expansions",
	  "@{A} = a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G\n"
	  "profile a {\n file /@{A}/@{A} r\n}\n", 3, 7, "expands to more than 1024 paths", 1, NULL, NULL },
	{ "path too long after expansion", NULL, 3, 7, "path too long (6002 bytes", 1, NULL,
	  gen_long_expansion},
	{ "too many values", NULL, 1, 5042, "@{M} has too many values (the limit is 1024)", 1, NULL,
	  gen_many_values},
	{ "dollar is reserved at the top level", "$X = /y\n", 1, 1, "'$' is reserved", 1, NULL, NULL },
	{ "dollar is reserved in a profile", P(" $HOME = /root\n"), 2, 2, "'$' is reserved", 1, NULL, NULL },
	{ "at sign without braces", "@X = /y\n", 1, 1,
	  "a variable definition starts with @{NAME}", 1, NULL, NULL },

	/* includes (files under tests/unit/policies/inc) */
	{ "include a missing file", "include \"$DIR/inc/nope.policy\"\n", 1, 9,
	  "No such file or directory", 1, NULL, NULL },
	{ "include a missing file, bare word", "include /etc/medgate/none.policy\n", 1, 9,
	  "cannot include \"/etc/medgate/none.policy\"", 1, NULL, NULL },
	{ "include a directory", "include \"$DIR/inc\"\n", 1, 9, "Is a directory", 1, NULL, NULL },
	{ "include a device", "include /dev/null\n", 1, 9, "not a regular file", 1, NULL, NULL },
	{ "include without a file name", "include\n", 1, 8, "missing file name after 'include'", 1, NULL, NULL },
	{ "include with two file names", "include a b\n", 1, 11, "one file per 'include'", 1, NULL, NULL },
	{ "include with an empty name", "include \"\"\n", 1, 9, "empty file name", 1, NULL, NULL },
	{ "include with a variable", "include \"@{X}/a.policy\"\n", 1, 9,
	  "variables are not expanded in include file names", 1, NULL, NULL },
	{ "include cycle", "include \"$DIR/inc/cycle_a.policy\"\n", 2, 9,
	  "include cycle: \"$DIR/inc/cycle_a.policy\" is already being read", 1,
	  "inc/cycle_b.policy", NULL },
	{ "a file that includes itself", "include \"$DIR/inc/self.policy\"\n", 3, 9,
	  "include cycle", 1, "inc/self.policy", NULL },
	{ "includes nested too deeply", NULL, 2, 1, "includes nested too deeply (the limit is 16 levels)",
	  1, "d15.policy", gen_deep_include},
	{ "error inside an included file", "include \"$DIR/inc/bad_rule.policy\"\n", 3, 18,
	  "unknown access letter 'q'", 1, "inc/bad_rule.policy", NULL },
	{ "errors in the including file are reported too",
	  "include \"$DIR/inc/bad_rule.policy\"\nbogus\n", 2, 1, "unknown keyword \"bogus\"", 2, NULL, NULL },
	{ "error inside a file included in a profile", P(" include \"$DIR/inc/body_bad.policy\"\n"),
	  1, 9, "unknown access letter 'q'", 1, "inc/body_bad.policy", NULL },
	{ "profile inside a file included in a profile",
	  P(" include \"$DIR/inc/body_profile.policy\"\n"), 3, 1,
	  "a profile cannot be defined in a file included inside a profile", 1,
	  "inc/body_profile.policy", NULL },
	{ "closing brace inside a file included in a profile",
	  P(" include \"$DIR/inc/body_close.policy\"\n"), 2, 1, "(it closes no profile)", 1,
	  "inc/body_close.policy", NULL },
	{ "variable definition inside a file included in a profile",
	  P(" include \"$DIR/inc/body_var.policy\"\n"), 2, 1,
	  "variables are defined at the top level", 1, "inc/body_var.policy", NULL },
	{ "duplicate profile across an include",
	  "include \"$DIR/inc/with_profile.policy\"\nprofile inc-p {\n}\n", 2, 9,
	  "first defined at $DIR/inc/with_profile.policy:3", 1, NULL, NULL },
	{ "attachment conflict across an include",
	  "include \"$DIR/inc/with_profile.policy\"\nprofile b {\n attach /opt/inc/bin/p\n}\n", 3, 9,
	  "is already attached to profile \"inc-p\" ($DIR/inc/with_profile.policy:4)", 1, NULL, NULL },
	{ "variable of an include used before the include",
	  "profile a {\n file @{GW}/x r\n}\ninclude \"$DIR/inc/vars.policy\"\n", 2, 7,
	  "(it is defined later, at $DIR/inc/vars.policy:2", 1, NULL, NULL },

	/* several at once */
	{ "several errors, all reported",
	  "profile a {\n file /x q\n mode learn\n exec /y -> none\n}\nprofile a {\n}\n", 2, 10,
	  "unknown access letter 'q'", 4, NULL, NULL },
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

static void check_bad(const struct bad *b, const char *text)
{
	struct mg_diags d = { 0 };
	void *blob = (void *)1;
	size_t len = 1, i;
	char *msg = subst(b->msg);
	bool found = false;
	int err;

	err = mg_policy_compile(text, "test.policy", &blob, &len, &d);
	for (i = 0; i < d.n && msg; i++) {
		bool file_ok = b->file ? ends_with(d.v[i].file, b->file)
				       : !strcmp(d.v[i].file, "test.policy");

		if (d.v[i].line == b->line && d.v[i].col == b->col && strstr(d.v[i].msg, msg) &&
		    file_ok)
			found = true;
	}
	result(err == -EINVAL && !blob && !len && found && d.n == b->n, "invalid: %s", b->name);
	if (!(err == -EINVAL && found && d.n == b->n)) {
		diag("want %s%s%u:%u \"%s\" (%u error%s), got %d and:", b->file ? b->file : "",
		     b->file ? ":" : "", b->line, b->col, msg ? msg : "?", b->n,
		     b->n == 1 ? "" : "s", err);
		dump_diags(&d);
	}
	free(msg);
	mg_diags_free(&d);
}

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *t = bad[i].gen ? bad[i].gen() : subst(bad[i].text);

		if (!t) {
			result(false, "invalid: %s (no memory for the text)", bad[i].name);
			continue;
		}
		check_bad(&bad[i], t);
		free(t);
	}
}

static void test_bad_order(void)
{
	const char *text = "profile a {\n file /x q\n mode learn\n exec /y -> none\n}\n"
			   "profile a {\n}\n";
	struct mg_diags d = { 0 };
	void *blob;
	size_t len;
	bool ok;

	mg_policy_compile(text, "t", &blob, &len, &d);
	ok = d.n == 4 && d.v[0].line == 2 && d.v[1].line == 3 && d.v[2].line == 4 &&
	     d.v[3].line == 6 && strstr(d.v[2].msg, "names no profile");
	result(ok, "errors come sorted by position, cross-reference errors included");
	mg_diags_free(&d);
}

static void test_nul_byte(void)
{
	static const char text[] = "profile a {\n file /x\0 r\n}\n";
	struct mg_policy *p;
	struct mg_diags d = { 0 };
	void *blob;
	size_t len;
	bool ok;
	int err;

	if (mg_policy_new(&p)) {
		result(false, "invalid: NUL byte in the text");
		return;
	}
	err = mg_policy_add_text(p, text, sizeof(text) - 1, "nul.policy");
	ok = err == -EINVAL;
	err = mg_policy_build(p, &blob, &len, &d);
	ok = ok && err == -EINVAL && d.n == 1 && d.v[0].line == 2 && d.v[0].col == 9 &&
	     strstr(d.v[0].msg, "NUL byte");
	result(ok, "invalid: NUL byte in the text");
	if (!ok)
		dump_diags(&d);
	mg_diags_free(&d);
	mg_policy_free(p);
}

static void cleanup_tmp(void)
{
	char path[128];
	int i;

	for (i = 0; i <= 20; i++) {
		snprintf(path, sizeof(path), "%s/d%02d.policy", tmpdir, i);
		unlink(path);
	}
	rmdir(tmpdir);
}

#define PLAN_FIXED (10 + 8 + 5 + 11 + 4 + 7 + 5 + 7 + 3 + 4 + 1 + 2 + 4 + 1 + 1)

int main(void)
{
	size_t n_bad = sizeof(bad) / sizeof(bad[0]);

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mg-unit-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot create a temporary directory\n");
		return 1;
	}
	printf("TAP version 13\n");
	printf("1..%zu\n", PLAN_FIXED + n_bad);
	test_example();		/* 10 */
	test_canonical();	/* 8 */
	test_files();		/* 5 */
	test_misc_valid();	/* 11 */
	test_globs();		/* 4 */
	test_variables();	/* 7 */
	test_includes();	/* 5 */
	test_include_search();	/* 7 */
	test_access_format();	/* 3 */
	test_event_format();	/* 4 */
	test_show_format();	/* 1 */
	test_show_roundtrip();	/* 2 */
	test_diff();		/* 4 */
	test_bad();		/* n_bad */
	test_bad_order();	/* 1 */
	test_nul_byte();	/* 1 */
	cleanup_tmp();
	if ((size_t)test_no != PLAN_FIXED + n_bad)
		result(false, "the plan counts %zu tests, %d ran", PLAN_FIXED + n_bad, test_no);
	printf("# %zu invalid policies in the corpus\n", n_bad);
	printf("# %d passed, %d failed\n", test_no - fails, fails);
	return fails ? 1 : 0;
}

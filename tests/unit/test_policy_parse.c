// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the policy compiler (user/lib): valid policies compile into blobs that the
 * module's own validator (kmod/blob.c) accepts, the output is canonical, and each invalid policy
 * is refused with the expected file:line:col and reason, with every error reported at once.
 * Output: kselftest-style TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "medgate.h"
#include "blob.h"

static int test_no, fails;

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

/* Compiles @text; on success validates the blob with the module's validator. */
static int compile_ok(const char *text, void **blob, size_t *len, struct medgate_blob_view *view)
{
	struct mg_diags d = { 0 };
	const char *why = NULL;
	int err;

	err = mg_policy_compile(text, "test.policy", blob, len, &d);
	if (err) {
		diag("compile failed: %d", err);
		dump_diags(&d);
		mg_diags_free(&d);
		return err;
	}
	mg_diags_free(&d);
	err = medgate_blob_validate(*blob, *len, view, &why);
	if (err) {
		diag("blob rejected by medgate_blob_validate: %s", why);
		free(*blob);
		*blob = NULL;
	}
	return err;
}

static const char *str(const struct medgate_blob_view *v, u32 off)
{
	return v->strtab + off;
}

static const struct medgate_blob_profile *find(const struct medgate_blob_view *v, const char *name)
{
	return medgate_blob_find_profile(v, medgate_profile_id(name));
}

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
	const struct medgate_blob_profile *p, *o;
	const struct medgate_blob_rule *r;
	struct medgate_blob_view v;
	void *blob;
	size_t len;
	bool ok;

	if (compile_ok(example, &blob, &len, &v)) {
		result(false, "example policy compiles and validates");
		return;
	}
	result(true, "example policy compiles and validates");

	p = find(&v, "hl7-forwarder");
	o = find(&v, "other-profile");
	ok = p && o && v.hdr->n_profiles == 2 && v.hdr->n_attach == 2 && v.hdr->n_rules == 6;
	ok = ok && v.profiles[0].id < v.profiles[1].id;
	result(ok, "example: profile, attachment and rule counts; profiles sorted by id");
	if (!ok)
		goto out;

	r = &v.rules[p->first_rule];
	ok = p->n_rules == 5 && p->mode == MEDGATE_MODE_ENFORCE && o->mode == MEDGATE_MODE_COMPLAIN &&
	     !strcmp(str(&v, p->name_off), "hl7-forwarder") &&
	     !strcmp(str(&v, v.attach[p->first_attach].path_off), "/opt/gateway/bin/hl7-forwarder");
	result(ok, "example: profile names, modes and attachments");

	ok = !strcmp(str(&v, r[0].path_off), "/etc/hl7/forwarder.conf") && r[0].flags == 0 &&
	     r[0].access == MEDGATE_ACCESS_READ && r[0].line == 5 && r[0].target == 0;
	result(ok, "example: exact file rule (path, access r, line 5)");

	ok = !strcmp(str(&v, r[1].path_off), "/var/log/hl7/") &&
	     r[1].flags == MEDGATE_RULE_F_PREFIX &&
	     r[1].access == (MEDGATE_ACCESS_READ | MEDGATE_ACCESS_WRITE | MEDGATE_ACCESS_APPEND |
			     MEDGATE_ACCESS_CREATE) && r[1].line == 6;
	result(ok, "example: /dir/** becomes a prefix rule \"/dir/\"");

	ok = r[2].flags == MEDGATE_RULE_F_DENY &&
	     r[2].access == (MEDGATE_ACCESS_READ | MEDGATE_ACCESS_WRITE) && r[2].line == 7;
	result(ok, "example: deny rule");

	ok = !strcmp(str(&v, r[3].path_off), "/bin/busybox") && r[3].access == MEDGATE_ACCESS_EXEC &&
	     r[3].exec_mode == MEDGATE_EXEC_STAY && r[3].target == 0 && r[3].line == 8;
	result(ok, "example: exec PATH is access x, exec_mode STAY");

	ok = r[4].access == MEDGATE_ACCESS_EXEC && r[4].exec_mode == MEDGATE_EXEC_MOVE &&
	     r[4].target == o->id && r[4].line == 9;
	result(ok, "example: exec PATH -> PROFILE moves to the target's id");

	/* "/etc/hl7/forwarder.conf" is used by both profiles: stored once. */
	ok = v.rules[o->first_rule].path_off == r[0].path_off &&
	     v.rules[o->first_rule].exec_mode == MEDGATE_EXEC_STAY;
	result(ok, "example: strings are deduplicated");
	{
		uint64_t ver = 0;

		ok = !mg_blob_version(blob, len, &ver) && ver == v.version && ver != 0;
		result(ok, "example: mg_blob_version() matches the validator's version");
	}
out:
	free(blob);
}

static bool same_blob(const char *a, const char *b, const char *what)
{
	void *ba = NULL, *bb = NULL;
	size_t la = 0, lb = 0;
	struct medgate_blob_view v;
	bool same;

	if (compile_ok(a, &ba, &la, &v) || compile_ok(b, &bb, &lb, &v)) {
		free(ba);
		diag("%s: compile failed", what);
		return false;
	}
	same = la == lb && !memcmp(ba, bb, la);
	free(ba);
	free(bb);
	return same;
}

static void test_canonical(void)
{
	const char *a =
		"profile zeta {\n attach /usr/bin/zeta\n mode complain\n}\n"
		"profile alpha {\n attach /usr/bin/alpha\n attach /usr/bin/alpha2\n}\n"
		"profile mid {\n}\n";
	const char *b =
		"profile mid {\n}\n"
		"profile zeta {\n attach /usr/bin/zeta\n mode complain\n}\n"
		"profile alpha {\n attach /usr/bin/alpha\n attach /usr/bin/alpha2\n}\n";
	const char *c =
		"profile alpha {\n attach /usr/bin/alpha2\n attach /usr/bin/alpha\n}\n"
		"profile zeta {\n attach /usr/bin/zeta\n mode complain\n}\n"
		"profile mid {\n}\n";

	result(same_blob(example, example, "same text"), "canonical: same text gives the same bytes");
	result(same_blob(a, b, "reordered"), "canonical: reordering profiles gives the same bytes");
	result(!same_blob(a, c, "attach order"),
	       "canonical: attachment order inside a profile is significant");
	result(!same_blob("profile a {\n file /x r\n}\n", "profile a {\n\n file /x r\n}\n",
			  "lines"), "canonical: rule source lines are part of the blob");
	result(same_blob("profile a {\n file /x r   # c\n}\n", "profile a {\n file   /x  r\n}\n",
			 "spacing"), "canonical: spacing and comments do not matter");
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
	char dir[] = "/tmp/mg-unit-XXXXXX", f1[64], f2[64], f3[64];
	const char *one[2], *two[2];
	void *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	struct mg_diags d = { 0 };
	int e1, e2;

	if (!mkdtemp(dir)) {
		result(false, "files: temporary directory");
		return;
	}
	snprintf(f1, sizeof(f1), "%s/a.policy", dir);
	snprintf(f2, sizeof(f2), "%s/b.policy", dir);
	snprintf(f3, sizeof(f3), "%s/missing.policy", dir);
	write_file(f1, "profile a {\n attach /bin/a\n exec /bin/b -> b\n file /etc/a r\n}\n");
	write_file(f2, "profile b {\n attach /bin/b\n file /etc/b rw\n}\n");

	one[0] = f1; one[1] = f2;
	two[0] = f2; two[1] = f1;
	e1 = mg_policy_compile_files(one, 2, &b1, &l1, &d);
	e2 = mg_policy_compile_files(two, 2, &b2, &l2, &d);
	result(!e1 && !e2 && d.n == 0,
	       "files: two files share one namespace (exec target in the other file)");
	result(!e1 && !e2 && l1 == l2 && !memcmp(b1, b2, l1),
	       "files: file order does not change the blob");
	free(b1);
	free(b2);
	mg_diags_free(&d);

	e1 = mg_policy_compile_file(f1, &b1, &l1, &d);
	result(e1 == -EINVAL && d.n == 1 && d.v[0].line == 3 && d.v[0].col == 17 &&
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
	       strstr(d.v[1].msg, "a.policy:1") && !strcmp(d.v[1].file, f2),
	       "files: a profile defined in two files is a duplicate");
	mg_diags_free(&d);

	unlink(f1);
	unlink(f2);
	rmdir(dir);
}

static void test_misc_valid(void)
{
	struct medgate_blob_view v;
	void *blob;
	size_t len;
	char name[80], *big;
	bool ok;

	ok = !compile_ok("", &blob, &len, &v) && v.hdr->n_profiles == 0 && v.hdr->strtab_len == 1;
	result(ok, "valid: an empty policy compiles (one-byte string table)");
	if (!ok)
		return;
	free(blob);

	ok = !compile_ok("# only a comment\n\n\n", &blob, &len, &v) && v.hdr->n_profiles == 0;
	result(ok, "valid: comments and blank lines only");
	free(blob);

	ok = !compile_ok("profile a { attach /bin/a; file /etc/a r; exec /bin/sh }\n", &blob, &len,
			 &v) && v.hdr->n_rules == 2 && v.hdr->n_attach == 1;
	result(ok, "valid: one-line profile with ';' separators");
	free(blob);

	ok = !compile_ok("profile a\n{\r\n  file /etc/a r\r\n}\r\n", &blob, &len, &v) &&
	     v.hdr->n_rules == 1 && v.rules[0].line == 3;
	result(ok, "valid: brace on the next line, CRLF line ends");
	free(blob);

	ok = !compile_ok("profile a {\n file \"/srv/my data/x y\" rw\n file /tmp/a#b r\n}\n", &blob,
			 &len, &v) && v.hdr->n_rules == 2 &&
	     !strcmp(str(&v, v.rules[0].path_off), "/srv/my data/x y") &&
	     !strcmp(str(&v, v.rules[1].path_off), "/tmp/a#b");
	result(ok, "valid: quoted path with spaces; '#' inside a word is not a comment");
	free(blob);

	ok = !compile_ok("profile a {\n file \"/q/\\\"x\\\"\" r\n}\n", &blob, &len, &v) &&
	     !strcmp(str(&v, v.rules[0].path_off), "/q/\"x\"");
	result(ok, "valid: the escape \\\" in quoted strings");
	free(blob);

	ok = !compile_ok("profile a {\n file /** r\n file /opt/** rwaxcdlsm\n}\n", &blob, &len, &v) &&
	     !strcmp(str(&v, v.rules[0].path_off), "/") &&
	     v.rules[0].flags == MEDGATE_RULE_F_PREFIX && v.rules[1].access == MEDGATE_ACCESS_ALL;
	result(ok, "valid: /** is the root prefix; all nine access letters");
	free(blob);

	ok = !compile_ok("profile a {\n file /usr/bin/x rx -> b\n deny exec /bin/su\n}\n"
			 "profile b {\n}\n", &blob, &len, &v) &&
	     v.rules[0].exec_mode == MEDGATE_EXEC_MOVE &&
	     v.rules[0].target == medgate_profile_id("b") &&
	     v.rules[1].flags == MEDGATE_RULE_F_DENY && v.rules[1].access == MEDGATE_ACCESS_EXEC;
	result(ok, "valid: 'file PATH rx -> PROFILE' moves; 'deny exec'");
	free(blob);

	memset(name, 'n', 63);
	name[63] = '\0';
	{
		char text[200];

		snprintf(text, sizeof(text), "profile %s {\n}\nprofile A.b_c-9 {\n}\n", name);
		ok = !compile_ok(text, &blob, &len, &v) && v.hdr->n_profiles == 2;
	}
	result(ok, "valid: a 63-character profile name; all allowed name characters");
	free(blob);

	big = malloc(MEDGATE_PATH_MAX + 64);
	if (big) {
		size_t n = (size_t)snprintf(big, 64, "profile a {\n file /");

		memset(big + n, 'p', MEDGATE_PATH_MAX - 2);
		strcpy(big + n + MEDGATE_PATH_MAX - 2, " r\n}\n");
		ok = !compile_ok(big, &blob, &len, &v) &&
		     strlen(str(&v, v.rules[0].path_off)) == MEDGATE_PATH_MAX - 1;
		result(ok, "valid: a path of %u bytes (the longest)", MEDGATE_PATH_MAX - 1);
		if (!ok)
			blob = NULL;
		free(blob);
		free(big);
	}

	ok = !same_blob("profile a {\n file /x r\n}\n", "profile a {\n file /x w\n}\n", "diff");
	result(ok, "valid: different policies have different bytes");
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

	ok = !strcmp(mg_op_name(MEDGATE_OP_FILE_OPEN), "file_open") &&
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
	memset(ev.path, 0xff, sizeof(ev.path));	/* unterminated: must stay in bounds */
	ok = !mg_event_format_json(&ev, buf, MG_EVENT_LINE_MAX);
	result(ok, "event JSON: worst-case path fits MG_EVENT_LINE_MAX");
	free(buf);
}

/* ---- invalid policies: every one must fail with the expected position and reason ---- */

struct bad {
	const char *name;
	const char *text;
	unsigned line, col;
	const char *msg;
	unsigned n;		/* expected number of errors */
};

#define P(body) "profile a {\n" body "}\n"

static const struct bad bad[] = {
	{ "unknown top-level keyword", "bogus x\n", 1, 1, "unknown keyword \"bogus\"", 1 },
	{ "misspelt profile", "profle a {\n file /x r\n}\n", 1, 1, "did you mean \"profile\"", 1 },
	{ "missing closing brace", "profile a {\n attach /x\n", 3, 1, "missing '}' at end of file", 1 },
	{ "missing closing brace before next profile", "profile a {\n file /x r\nprofile b {\n}\n",
	  3, 1, "missing '}' before 'profile'", 1 },
	{ "duplicate profile", "profile a {\n}\nprofile a {\n}\n", 3, 9,
	  "duplicate profile \"a\" (first defined at test.policy:1)", 1 },
	{ "unknown access letter", P(" file /x q\n"), 2, 10, "unknown access letter 'q'", 1 },
	{ "unknown access letter inside", P(" file /x rwz\n"), 2, 12, "unknown access letter 'z'", 1 },
	{ "repeated access letter", P(" file /x rwr\n"), 2, 12, "access letter 'r' given twice", 1 },
	{ "relative path", P(" file etc/passwd r\n"), 2, 7, "relative path \"etc/passwd\"", 1 },
	{ "relative attach", P(" attach bin/sh\n"), 2, 9, "paths must be absolute", 1 },
	{ "exec target names no profile", P(" exec /bin/x -> nothere\n"), 2, 17,
	  "exec target \"nothere\" names no profile", 1 },
	{ "attachment in two profiles",
	  "profile a {\n attach /bin/x\n}\nprofile b {\n attach /bin/x\n}\n", 5, 9,
	  "\"/bin/x\" is already attached to profile \"a\" (test.policy:2)", 1 },
	{ "duplicate attachment in one profile", P(" attach /bin/x\n attach /bin/x\n"), 3, 9,
	  "duplicate attachment \"/bin/x\" (already at line 2)", 1 },
	{ "glob star", P(" file /etc/*.conf r\n"), 2, 12,
	  "globs other than a trailing /** are not supported yet", 1 },
	{ "glob in the middle", P(" file /etc/**/x r\n"), 2, 12, "globs other than a trailing /**", 1 },
	{ "glob question mark", P(" file /etc/a?c r\n"), 2, 13, "globs other than a trailing /**", 1 },
	{ "glob class", P(" file /dev/tty[0-9] r\n"), 2, 15, "globs other than a trailing /**", 1 },
	{ "glob on attach", P(" attach /opt/**\n"), 2, 14, "an attachment must be an exact", 1 },
	{ "unknown keyword in profile", P(" fiel /x r\n"), 2, 2,
	  "unknown keyword \"fiel\" in a profile (did you mean \"file\"?)", 1 },
	{ "missing access letters", P(" file /x\n"), 2, 9, "missing access letters", 1 },
	{ "missing path", P(" file\n"), 2, 6, "missing path after 'file'", 1 },
	{ "missing exec path", P(" exec\n"), 2, 6, "missing executable path after 'exec'", 1 },
	{ "missing attach path", P(" attach\n"), 2, 8, "missing executable path after 'attach'", 1 },
	{ "unknown mode", P(" mode learn\n"), 2, 7, "unknown mode \"learn\"", 1 },
	{ "mode twice", P(" mode enforce\n mode complain\n"), 3, 2, "mode given twice", 1 },
	{ "missing mode", P(" mode\n"), 2, 6, "missing mode", 1 },
	{ "bad profile name character", "profile a/b {\n}\n", 1, 10, "invalid character '/'", 1 },
	{ "profile name too long",
	  "profile nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn {\n}\n", 1, 9,
	  "profile name too long (64 characters; the limit is 63)", 1 },
	{ "missing profile name", "profile {\n}\n", 1, 9, "missing profile name", 1 },
	{ "missing opening brace", "profile a\n file /x r\n}\n", 1, 10,
	  "expected '{' after the profile name", 1 },
	{ "stray closing brace", "}\n", 1, 1, "unexpected '}' (no profile is open)", 1 },
	{ "deny with a profile change", P(" deny exec /x -> a\n"), 2, 15,
	  "a deny rule cannot change the profile", 1 },
	{ "profile change without x", P(" file /x r -> a\n"), 2, 12, "'->' needs the x access letter", 1 },
	{ "arrow without target", P(" exec /x ->\n"), 2, 12, "missing profile name after '->'", 1 },
	{ "bad target name", P(" exec /x -> a/b\n"), 2, 14, "invalid character '/'", 1 },
	{ "extra word after access", P(" file /x r extra\n"), 2, 12, "unexpected \"extra\"", 1 },
	{ "access letters on exec", P(" exec /bin/x rx\n"), 2, 14, "exec takes no access letters", 1 },
	{ "two attach paths", P(" attach /a /b\n"), 2, 12, "one path per 'attach'", 1 },
	{ "extra word after profile name", "profile a b {\n}\n", 1, 11,
	  "unexpected \"b\" after the profile name", 1 },
	{ "unterminated string", P(" file \"/x r\n"), 2, 7, "unterminated string", 2 },
	{ "unknown escape", P(" file \"/x\\q\" r\n"), 2, 10, "unknown escape", 1 },
	{ "empty path", P(" file \"\" r\n"), 2, 7, "empty path", 1 },
	{ "quoted access", P(" file /x \"r\"\n"), 2, 10, "access letters cannot be quoted", 1 },
	{ "no space after quote", P(" file \"/x\"r\n"), 2, 11, "missing space after closing quote", 1 },
	{ "dot-dot component", P(" file /etc/../shadow r\n"), 2, 12, "\".\" or \"..\"", 1 },
	{ "dot component", P(" file /etc/./shadow r\n"), 2, 12, "\".\" or \"..\"", 1 },
	{ "double slash", P(" file /etc//shadow r\n"), 2, 12, "empty path component", 1 },
	{ "trailing slash", P(" file /etc/ r\n"), 2, 11, "a trailing '/' matches nothing", 1 },
	{ "backslash", P(" file /etc/a\\b r\n"), 2, 13, "reserved for glob escapes", 1 },
	{ "escaped backslash in a quoted path", P(" file \"/a\\\\b\" r\n"), 2, 10,
	  "reserved for glob escapes", 1 },
	{ "brace glued to a path", P(" attach /bin/x}\n"), 2, 15, "put a space before", 1 },
	{ "path too long", NULL, 2, 7, "path too long (4096 bytes; the limit is 4095)", 1 },
	{ "network rules later", P(" network inet tcp connect 10.0.0.1 443\n"), 2, 2,
	  "network rules are not supported yet", 1 },
	{ "include later", "include /etc/medgate/x\n", 1, 1, "include is not supported yet", 1 },
	{ "variables later", P(" $HOME = /root\n"), 2, 2, "variables are not supported yet", 1 },
	{ "control character", P(" file /x\x01y r\n"), 2, 9, "unexpected control character 0x01", 1 },
	{ "rule outside a profile", "file /etc/x r\n", 1, 1, "\"file\" outside a profile", 1 },
	{ "deny on a non-rule", P(" deny mode enforce\n"), 2, 7,
	  "'deny' applies to file and exec rules", 1 },
	{ "deny alone", P(" deny\n"), 2, 6, "missing rule after 'deny'", 1 },
	{ "quoted keyword", P(" \"file\" /x r\n"), 2, 2, "a keyword cannot be quoted", 1 },
	{ "brace inside profile", P(" {\n }\n"), 2, 2, "unexpected '{' inside profile \"a\"", 1 },
	{ "statement starting with a path", P(" /etc/x r\n"), 2, 2, "starts with a keyword", 1 },
	{ "quote inside a word", P(" file /a\"b r\n"), 2, 9, "inside a word", 1 },
	{ "several errors, all reported",
	  "profile a {\n file /x q\n mode learn\n exec /y -> none\n}\nprofile a {\n}\n", 2, 10,
	  "unknown access letter 'q'", 4 },
};

static void check_bad(const struct bad *b, const char *text)
{
	struct mg_diags d = { 0 };
	void *blob = (void *)1;
	size_t len = 1, i;
	unsigned want_n = b->n;
	bool found = false;
	int err;

	err = mg_policy_compile(text, "test.policy", &blob, &len, &d);
	for (i = 0; i < d.n; i++)
		if (d.v[i].line == b->line && d.v[i].col == b->col && strstr(d.v[i].msg, b->msg) &&
		    !strcmp(d.v[i].file, "test.policy"))
			found = true;
	result(err == -EINVAL && !blob && !len && found && d.n == want_n, "invalid: %s", b->name);
	if (!(err == -EINVAL && found && d.n == want_n)) {
		diag("want %u:%u \"%s\" (%u error%s), got %d and:", b->line, b->col, b->msg, want_n,
		     want_n == 1 ? "" : "s", err);
		dump_diags(&d);
	}
	mg_diags_free(&d);
}

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].text) {
			check_bad(&bad[i], bad[i].text);
		} else {
			/* A path of MEDGATE_PATH_MAX bytes: one too many. */
			char *t = malloc(MEDGATE_PATH_MAX + 64);
			size_t n;

			if (!t)
				continue;
			n = (size_t)snprintf(t, 64, "profile a {\n file /");
			memset(t + n, 'p', MEDGATE_PATH_MAX - 1);
			strcpy(t + n + MEDGATE_PATH_MAX - 1, " r\n}\n");
			check_bad(&bad[i], t);
			free(t);
		}
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

int main(void)
{
	size_t n_bad = sizeof(bad) / sizeof(bad[0]);

	printf("TAP version 13\n");
	printf("1..%zu\n", 10 + 5 + 5 + 11 + 2 + 3 + n_bad + 2);
	test_example();		/* 10 */
	test_canonical();	/* 5 */
	test_files();		/* 5 */
	test_misc_valid();	/* 11 */
	test_access_format();	/* 2 */
	test_event_format();	/* 3 */
	test_bad();		/* n_bad */
	test_bad_order();	/* 1 */
	test_nul_byte();	/* 1 */
	printf("# %d passed, %d failed\n", test_no - fails, fails);
	return fails ? 1 : 0;
}

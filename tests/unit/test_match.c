// SPDX-License-Identifier: GPL-2.0
/*
 * The DFA matcher as a table of (path, access) -> (allowed, deciding rule), with globs, plus the
 * exec disposition and the attachment lookup (exact beats glob).
 */
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"
#include "match.h"
#include "tap.h"

enum { RD = MEDGATE_ACCESS_READ, WR = MEDGATE_ACCESS_WRITE, AP = MEDGATE_ACCESS_APPEND,
       EX = MEDGATE_ACCESS_EXEC, MM = MEDGATE_ACCESS_MMAP_EXEC, CR = MEDGATE_ACCESS_CREATE };

/* Line numbers matter: the table below names deciding rules by line. */
static const char policy[] =
	"profile svc {\n"				/* 1 */
	"    attach /usr/bin/svc\n"			/* 2 */
	"    attach /usr/bin/svc-*\n"			/* 3 */
	"    file /etc/svc.conf r\n"			/* 4 */
	"    file /var/log/svc/** ra\n"			/* 5 */
	"    deny file /var/log/svc/secret/** r\n"	/* 6 */
	"    file /data/** rw\n"			/* 7 */
	"    exec /bin/busybox\n"			/* 8 */
	"    exec /usr/bin/helper -> helper\n"		/* 9 */
	"    file /etc/svc.conf w\n"			/* 10 */
	"    file /etc/*.d/*.conf r\n"			/* 11 */
	"    deny file /etc/*.d/private.conf r\n"	/* 12 */
	"    file /srv/[a-c]?/data* r\n"		/* 13 */
	"    file /lib/**.so x\n"			/* 14 */
	"    file /lib/ld-*.so m\n"			/* 15 */
	"    file /spool/**/in/* c\n"			/* 16 */
	"}\n"
	"profile helper {\n"
	"    attach /usr/bin/helper-direct\n"
	"    attach /usr/bin/svc-helper\n"
	"    file /tmp/** r\n"
	"}\n"
	"profile empty {\n"
	"    attach /usr/bin/empty\n"
	"}\n";

struct row {
	const char *path;
	u32 access;
	int allowed;
	u32 line;	/* line of the deciding rule, 0 for the default deny */
	int explicit_deny;
};

static const struct row rows[] = {
	{ "/etc/svc.conf", RD, 1, 4, 0 },
	{ "/etc/svc.conf", WR, 1, 10, 0 },		/* a later rule adds the missing bit */
	{ "/etc/svc.conf", RD | WR, 1, 4, 0 },		/* union of two rules */
	{ "/etc/svc.conf", EX, 0, 0, 0 },
	{ "/etc/svc.conf", RD | EX, 0, 0, 0 },		/* a partial grant is the default deny */
	{ "/etc/svc.conf.bak", RD, 0, 0, 0 },		/* exact means exact */
	{ "/etc/svc", RD, 0, 0, 0 },
	{ "/var/log/svc/a.log", AP, 1, 5, 0 },
	{ "/var/log/svc/a.log", WR, 0, 0, 0 },		/* append does not grant write */
	{ "/var/log/svc/deep/er/b.log", RD, 1, 5, 0 },
	{ "/var/log/svc", RD, 0, 0, 0 },		/* DIR/ ** is what is below DIR */
	{ "/var/log/svc/", RD, 1, 5, 0 },		/* ** may be empty */
	{ "/var/log/svcx/a.log", RD, 0, 0, 0 },
	{ "/var/log/svc/secret/k", RD, 0, 6, 1 },	/* deny beats the broader allow */
	{ "/var/log/svc/secret/k", AP, 1, 5, 0 },	/* the deny covers read only */
	{ "/var/log/svc/secret/k", RD | AP, 0, 6, 1 },
	{ "/data/x", AP, 1, 7, 0 },			/* write grants append */
	{ "/data/x", RD | WR, 1, 7, 0 },
	{ "/data/x/y/z", WR, 1, 7, 0 },
	{ "/data/x", CR, 0, 0, 0 },
	{ "/bin/busybox", EX, 1, 8, 0 },
	{ "/bin/busybox", MM, 1, 8, 0 },		/* exec grants executable mappings */
	{ "/bin/busybox", RD, 0, 0, 0 },
	{ "/usr/bin/helper", EX, 1, 9, 0 },
	{ "/etc/a.d/x.conf", RD, 1, 11, 0 },
	{ "/etc/.d/x.conf", RD, 1, 11, 0 },		/* * may be empty */
	{ "/etc/a.d/b/x.conf", RD, 0, 0, 0 },		/* * stays in one component */
	{ "/etc/a.d/private.conf", RD, 0, 12, 1 },	/* a glob deny beats a glob allow */
	{ "/etc/a.d/private.conf", WR, 0, 0, 0 },
	{ "/srv/b7/database", RD, 1, 13, 0 },
	{ "/srv/d7/data", RD, 0, 0, 0 },
	{ "/srv/b/data", RD, 0, 0, 0 },			/* ? is one byte, never '/' */
	{ "/lib/x86/libc.so", EX, 1, 14, 0 },
	{ "/lib/x86/libc.so", MM, 1, 14, 0 },
	{ "/lib/ld-linux.so", MM, 1, 14, 0 },		/* first matching rule that grants m */
	{ "/lib/ld-linux.so", EX | MM, 1, 14, 0 },
	{ "/lib/ld-linux.so", RD, 0, 0, 0 },
	{ "/spool/in/f", CR, 0, 0, 0 },			/* the '/' around ** is literal */
	{ "/spool/a/in/f", CR, 1, 16, 0 },
	{ "/spool/a/b/in/f", CR, 1, 16, 0 },
	{ "", RD, 0, 0, 0 },
	{ "/", RD, 0, 0, 0 },
	{ "etc/svc.conf", RD, 0, 0, 0 },
};

/*
 * A state with many transitions (one per rule below /w/), so the walk's binary search over wide
 * states is exercised, not only the scan of narrow ones: every byte is tried at that state.
 */
static void test_wide_state(void)
{
	static const char names[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxy";
	char text[8192], path[16];
	const struct medgate_blob_profile *p;
	struct medgate_blob_view v;
	size_t used, len, i, wrong = 0;
	const char *why = "";
	struct medgate_match m;
	unsigned int ch;
	u8 *blob;

	used = snprintf(text, sizeof(text), "profile wide {\n");
	/* Every other character, so that the bytes between them must miss. */
	for (i = 0; names[i]; i += 2)
		used += snprintf(text + used, sizeof(text) - used, "  file /w/%c r\n", names[i]);
	snprintf(text + used, sizeof(text) - used, "}\n");
	blob = bb_compile(text, &len);
	if (!tap_ok(blob && medgate_blob_validate(blob, len, &v, &why) == 0, "wide fixture (%s)", why))
		return;
	p = medgate_blob_find_profile(&v, medgate_profile_id("wide"));
	for (ch = 1; ch < 256; ch++) {
		bool expect = ch != '/' && strchr(names, (int)ch) &&
			      (strchr(names, (int)ch) - names) % 2 == 0;

		snprintf(path, sizeof(path), "/w/%c", (char)ch);
		medgate_match_file(&v, p, path, RD, &m);
		if (m.allowed != expect)
			wrong++;
	}
	tap_ok(wrong == 0, "a state with %zu transitions: every byte decided right (%zu wrong)",
	       (sizeof(names) - 1 + 1) / 2, wrong);
	free(blob);
}

int main(void)
{
	const struct medgate_blob_profile *svc, *p;
	struct medgate_blob_view v;
	const char *why = "";
	struct medgate_match m;
	size_t len, i;
	u8 *blob;

	tap_start();
	blob = bb_compile(policy, &len);
	if (!tap_ok(medgate_blob_validate(blob, len, &v, &why) == 0, "fixture valid (%s)", why))
		return tap_end();
	svc = medgate_blob_find_profile(&v, medgate_profile_id("svc"));
	tap_ok(svc != NULL && svc->n_rules == 13, "profile svc present");

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		bool ident;

		medgate_match_file(&v, svc, r->path, r->access, &m);
		/* One rule per line from line 4: rule index and line agree. */
		ident = r->line ? m.rule == svc->first_rule + (r->line - 4) && m.file &&
				  !strcmp(m.file, "test.policy")
				: m.rule == MEDGATE_RULE_NONE && !m.file;
		tap_ok(m.allowed == r->allowed && m.line == r->line &&
		       m.explicit_deny == r->explicit_deny && ident,
		       "'%s' access %#x -> %s by line %u%s", r->path, r->access,
		       m.allowed ? "allow" : "deny", m.line, m.explicit_deny ? " (explicit)" : "");
	}

	medgate_match_file(&v, svc, "/usr/bin/helper", EX, &m);
	tap_ok(m.exec_mode == MEDGATE_EXEC_MOVE && m.target == medgate_profile_id("helper"),
	       "exec rule moves to the helper profile");
	medgate_match_file(&v, svc, "/bin/busybox", EX, &m);
	tap_ok(m.exec_mode == MEDGATE_EXEC_STAY && m.target == 0, "exec rule stays");
	medgate_match_file(&v, svc, "/usr/bin/helper", RD, &m);
	tap_ok(!m.allowed && m.exec_mode == MEDGATE_EXEC_STAY && m.target == 0,
	       "no disposition without a grant");

	p = medgate_blob_find_profile(&v, medgate_profile_id("empty"));
	medgate_match_file(&v, p, "/tmp/x", RD, &m);
	tap_ok(p && p->dfa == MEDGATE_DFA_NONE && !m.allowed && m.rule == MEDGATE_RULE_NONE,
	       "a profile without rules denies everything");

	p = medgate_match_attach(&v, "/usr/bin/svc");
	tap_ok(p && p->id == medgate_profile_id("svc"), "exact attachment of svc");
	p = medgate_match_attach(&v, "/usr/bin/svc-worker");
	tap_ok(p && p->id == medgate_profile_id("svc"), "glob attachment of svc");
	p = medgate_match_attach(&v, "/usr/bin/svc-helper");
	tap_ok(p && p->id == medgate_profile_id("helper"), "an exact attachment beats a glob");
	p = medgate_match_attach(&v, "/usr/bin/helper-direct");
	tap_ok(p && p->id == medgate_profile_id("helper"), "attachment of helper");
	p = medgate_match_attach(&v, "/usr/bin/empty");
	tap_ok(p && p->id == medgate_profile_id("empty"), "attachment of a profile without rules");
	tap_ok(medgate_match_attach(&v, "/usr/bin/svc3") == NULL, "no attachment, unconfined");
	tap_ok(medgate_match_attach(&v, "/usr/bin/sv") == NULL, "a prefix is not a match");
	tap_ok(medgate_match_attach(&v, "/usr/bin/svc-x/y") == NULL, "* stays in one component");

	free(blob);
	test_wide_state();
	return tap_end();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The format-1 matcher as a table of (profile, path, access) -> (allowed, deciding rule), plus
 * attachment lookup.
 */
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"
#include "match.h"
#include "tap.h"

enum { RD = MEDGATE_ACCESS_READ, WR = MEDGATE_ACCESS_WRITE, AP = MEDGATE_ACCESS_APPEND,
       EX = MEDGATE_ACCESS_EXEC };

static const struct bb_profile profiles[] = {
	{ .name = "svc", .attach = { "/usr/bin/svc", "/usr/bin/svc2" },
	  .rules = {
		{ .path = "/etc/svc.conf", .access = RD, .line = 10 },
		{ .path = "/var/log/svc/", .flags = MEDGATE_RULE_F_PREFIX, .access = RD | AP, .line = 11 },
		{ .path = "/var/log/svc/secret/", .flags = MEDGATE_RULE_F_PREFIX | MEDGATE_RULE_F_DENY,
		  .access = RD, .line = 12 },
		{ .path = "/data/", .flags = MEDGATE_RULE_F_PREFIX, .access = RD | WR, .line = 13 },
		{ .path = "/bin/busybox", .access = EX, .line = 14 },
		{ .path = "/usr/bin/helper", .access = EX, .exec_mode = MEDGATE_EXEC_MOVE,
		  .target = "helper", .line = 15 },
		{ .path = "/etc/svc.conf", .access = WR, .line = 16 },
	  } },
	{ .name = "helper", .attach = { "/usr/bin/helper-direct" },
	  .rules = { { .path = "/tmp/", .flags = MEDGATE_RULE_F_PREFIX, .access = RD, .line = 20 } } },
};

struct row {
	const char *path;
	u32 access;
	int allowed;
	u32 line;	/* line of the deciding rule, 0 for the default deny */
	int explicit_deny;
};

static const struct row rows[] = {
	{ "/etc/svc.conf", RD, 1, 10, 0 },
	{ "/etc/svc.conf", WR, 1, 16, 0 },		/* a later rule adds the missing bit */
	{ "/etc/svc.conf", RD | WR, 1, 10, 0 },	/* union of two rules */
	{ "/etc/svc.conf", EX, 0, 0, 0 },
	{ "/etc/svc.conf.bak", RD, 0, 0, 0 },		/* exact means exact */
	{ "/etc/svc", RD, 0, 0, 0 },
	{ "/var/log/svc/a.log", AP, 1, 11, 0 },
	{ "/var/log/svc/a.log", WR, 0, 0, 0 },		/* append does not grant write */
	{ "/var/log/svc/deep/er/b.log", RD, 1, 11, 0 },
	{ "/var/log/svc", RD, 0, 0, 0 },		/* the prefix is the directory's content */
	{ "/var/log/svcx/a.log", RD, 0, 0, 0 },
	{ "/var/log/svc/secret/k", RD, 0, 12, 1 },	/* deny beats the broader allow */
	{ "/var/log/svc/secret/k", AP, 1, 11, 0 },	/* the deny covers read only */
	{ "/data/x", AP, 1, 13, 0 },			/* write grants append */
	{ "/data/x", RD | WR, 1, 13, 0 },
	{ "/bin/busybox", EX, 1, 14, 0 },
	{ "/bin/busybox", RD, 0, 0, 0 },
	{ "/usr/bin/helper", EX, 1, 15, 0 },
	{ "", RD, 0, 0, 0 },
	{ "/", RD, 0, 0, 0 },
};

int main(void)
{
	const struct medgate_blob_profile *svc, *p;
	struct medgate_blob_view v;
	const char *why = "";
	struct medgate_match m;
	size_t len, i;
	u8 *blob;

	tap_start();
	blob = bb_build(profiles, 2, &len);
	if (!tap_ok(medgate_blob_validate(blob, len, &v, &why) == 0, "fixture valid (%s)", why))
		return tap_end();
	svc = medgate_blob_find_profile(&v, medgate_profile_id("svc"));
	tap_ok(svc != NULL, "profile svc present");

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		medgate_match_file(&v, svc, r->path, r->access, &m);
		tap_ok(m.allowed == r->allowed && m.line == r->line &&
		       m.explicit_deny == r->explicit_deny &&
		       (r->line || m.rule == MEDGATE_RULE_NONE),
		       "'%s' access %#x -> %s by line %u%s", r->path, r->access,
		       m.allowed ? "allow" : "deny", m.line, m.explicit_deny ? " (explicit)" : "");
	}

	medgate_match_file(&v, svc, "/usr/bin/helper", EX, &m);
	tap_ok(m.exec_mode == MEDGATE_EXEC_MOVE && m.target == medgate_profile_id("helper"),
	       "exec rule moves to the helper profile");
	medgate_match_file(&v, svc, "/bin/busybox", EX, &m);
	tap_ok(m.exec_mode == MEDGATE_EXEC_STAY && m.target == 0, "exec rule stays");

	p = medgate_match_attach(&v, "/usr/bin/svc2");
	tap_ok(p && p->id == medgate_profile_id("svc"), "second attachment of svc");
	p = medgate_match_attach(&v, "/usr/bin/helper-direct");
	tap_ok(p && p->id == medgate_profile_id("helper"), "attachment of helper");
	tap_ok(medgate_match_attach(&v, "/usr/bin/svc3") == NULL, "no attachment, unconfined");
	tap_ok(medgate_match_attach(&v, "/usr/bin/sv") == NULL, "attachments are exact");

	free(blob);
	return tap_end();
}

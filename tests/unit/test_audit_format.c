// SPDX-License-Identifier: GPL-2.0
/*
 * The audit record as `medgatectl audit show` and medgated print it: capability names, the policy
 * version in the text form, the same field names in text and JSON, and docs/cli.md naming every
 * operation the tools can print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medgate.h"
#include "tap.h"

#define CLI_DOC MG_TEST_POLICIES "/../../../docs/cli.md"

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len;

	return mg_read_stream(path, 1 << 20, &buf, &len) ? NULL : buf;
}

static void test_cap_names(void)
{
	unsigned i, n = 0;

	for (i = 0; i < 64; i++)
		n += mg_cap_name(i) != NULL;
	tap_ok(n == 41 && mg_cap_name(40) && !mg_cap_name(41),
	       "capabilities: the 41 names of Linux 6.1, 0..40");
	tap_ok(!strcmp(mg_cap_name(0), "cap_chown") && !strcmp(mg_cap_name(16), "cap_sys_module") &&
	       !strcmp(mg_cap_name(21), "cap_sys_admin") && !strcmp(mg_cap_name(33), "cap_mac_admin") &&
	       !strcmp(mg_cap_name(39), "cap_bpf") &&
	       !strcmp(mg_cap_name(40), "cap_checkpoint_restore"),
	       "capabilities: numbers map to the kernel's names");
}

static void test_event(void)
{
	struct mg_event ev = {
		.seq = 9, .time_real_ns = 1700000000000000000ULL, .policy_version = 0x6b15d2b55c62dbb7ULL,
		.profile = "svc", .verdict = MEDGATE_VERDICT_DENY, .pid = 42, .tgid = 41, .uid = 1000,
		.comm = "insmod", .op = MEDGATE_OP_CAPABILITY, .access = 16,
		.rule = MEDGATE_RULE_NONE,
	};
	static const char *const keys[] = { "profile", "pid", "uid", "comm", "rule",
					    "policy_version" };
	char *text = malloc(MG_EVENT_LINE_MAX), *json = malloc(MG_EVENT_LINE_MAX);
	bool ok = text && json;
	size_t i;

	ok = ok && !mg_event_format_text(&ev, text, MG_EVENT_LINE_MAX) &&
	     !mg_event_format_json(&ev, json, MG_EVENT_LINE_MAX);
	tap_ok(ok && strstr(text, " capability cap_sys_module ") &&
	       strstr(json, "\"op\":\"capability\",\"access\":\"cap_sys_module\""),
	       "event: a capability is printed by name, in text and JSON");
	tap_ok(ok && strstr(text, " policy_version 6b15d2b55c62dbb7") &&
	       strstr(json, "\"policy_version\":\"6b15d2b55c62dbb7\""),
	       "event: the text form carries the policy version");
	for (i = 0; ok && i < sizeof(keys) / sizeof(keys[0]); i++) {
		char t[64], j[64];

		snprintf(t, sizeof(t), " %s ", keys[i]);
		snprintf(j, sizeof(j), "\"%s\":", keys[i]);
		ok = strstr(text, t) && strstr(json, j);
	}
	tap_ok(ok, "event: every label of the text form is a JSON key");
	if (!ok)
		printf("# %s\n# %s\n", text ? text : "", json ? json : "");
	ev.access = 63;
	tap_ok(text && !mg_event_format_text(&ev, text, MG_EVENT_LINE_MAX) &&
	       strstr(text, " capability cap63 "), "event: an unknown capability keeps its number");

	/* A file deleted while open: named by its directory, device and inode. */
	ev.op = MEDGATE_OP_MMAP;
	ev.access = MEDGATE_ACCESS_MMAP_EXEC;
	strcpy(ev.path, "/var/lib/svc");
	ev.dev = (8 << 8) | 3;		/* st_dev encoding of 8:3 */
	ev.ino = 4242;
	ev.unnamed = true;
	ok = text && json && !mg_event_format_text(&ev, text, MG_EVENT_LINE_MAX) &&
	     !mg_event_format_json(&ev, json, MG_EVENT_LINE_MAX);
	tap_ok(ok && strstr(text, " \"/var/lib/svc\" dev 8:3 ino 4242 unnamed rule ") &&
	       strstr(json, "\"dev\":\"8:3\",\"ino\":4242,\"unnamed\":true"),
	       "event: an unnamed object is named by directory, device and inode in text and JSON");
	if (!ok || !strstr(text, " ino 4242 "))
		printf("# %s\n# %s\n", text ? text : "", json ? json : "");
	free(text);
	free(json);
}

/* A summary record of the flood limiter: its counts, labelled as their JSON keys. */
static void test_summary(void)
{
	struct mg_event ev = {
		.seq = 4121, .time_real_ns = 1700000000000000000ULL,
		.policy_version = 0x6b15d2b55c62dbb7ULL, .profile = "flooding",
		.verdict = MEDGATE_VERDICT_DENY, .op = MEDGATE_OP_SUPPRESSED,
		.rule = MEDGATE_RULE_NONE, .suppressed = 59990, .rate_limited = 3,
	};
	char *text = malloc(MG_EVENT_LINE_MAX), *json = malloc(MG_EVENT_LINE_MAX);
	bool ok = text && json && !mg_event_format_text(&ev, text, MG_EVENT_LINE_MAX) &&
		  !mg_event_format_json(&ev, json, MG_EVENT_LINE_MAX);

	tap_ok(ok && strstr(text, " suppressed - \"\" rule default ") &&
	       strstr(text, " suppressed 59990 rate_limited 3") &&
	       strstr(json, "\"op\":\"suppressed\"") && strstr(json, "\"suppressed\":59990") &&
	       strstr(json, "\"rate_limited\":3"),
	       "summary record: op suppressed with its counts, in text and JSON");
	if (ok)
		printf("# %s\n", text);
	ev.op = MEDGATE_OP_FILE_OPEN;
	ok = text && json && !mg_event_format_text(&ev, text, MG_EVENT_LINE_MAX);
	tap_ok(ok && !strstr(text, "rate_limited"),
	       "other records carry no counts in the text form");
	free(text);
	free(json);
}

/* Every operation name the tools can print is explained in docs/cli.md. */
static void test_ops_documented(void)
{
	char *doc = slurp(CLI_DOC), want[64];
	unsigned op, n = 0, missing = 0;

	for (op = 1; doc && op < 256; op++) {
		const char *name = mg_op_name(op);

		if (!strcmp(name, "unknown"))
			continue;
		n++;
		snprintf(want, sizeof(want), "| `%s` ", name);
		if (!strstr(doc, want)) {
			printf("# docs/cli.md does not explain op %s\n", name);
			missing++;
		}
	}
	tap_ok(doc && n >= 20 && !missing, "docs/cli.md: all %u operation names are explained", n);
	free(doc);
}

int main(void)
{
	tap_start();
	test_cap_names();
	test_event();
	test_summary();
	test_ops_documented();
	return tap_end();
}

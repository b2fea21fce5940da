// SPDX-License-Identifier: GPL-2.0
/*
 * The audit record as `medgatectl audit show` and medgated print it: capability names, the policy
 * version in the text form, the same field names in text and JSON, and docs/cli.md naming every
 * operation the tools can print.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medgate.h"
#include "kselftest_harness.h"

#define CLI_DOC MG_TEST_POLICIES "/../../../docs/cli.md"

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len;

	return mg_read_stream(path, 1 << 20, &buf, &len) ? NULL : buf;
}

TEST(capabilities_the_41_names_of_linux_6_1)
{
	unsigned i, n = 0;

	for (i = 0; i < 64; i++)
		n += mg_cap_name(i) != NULL;
	EXPECT_EQ(41, n);
	EXPECT_NE(NULL, mg_cap_name(40));
	EXPECT_EQ(NULL, mg_cap_name(41));
}

TEST(capabilities_numbers_map_to_the_kernel_names)
{
	static const struct { unsigned nr; const char *name; } caps[] = {
		{ 0, "cap_chown" }, { 16, "cap_sys_module" }, { 21, "cap_sys_admin" },
		{ 33, "cap_mac_admin" }, { 39, "cap_bpf" }, { 40, "cap_checkpoint_restore" },
	};
	unsigned i;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		ASSERT_NE(NULL, mg_cap_name(caps[i].nr)) TH_LOG("capability %u", caps[i].nr);
		EXPECT_STREQ(caps[i].name, mg_cap_name(caps[i].nr));
	}
}

/* One record, formatted as text and as JSON: a denied capability of a confined insmod. */
FIXTURE(event) {
	struct mg_event ev;
	char *text, *json;
};

FIXTURE_SETUP(event)
{
	struct mg_event ev = {
		.seq = 9, .time_real_ns = 1700000000000000000ULL, .policy_version = 0x6b15d2b55c62dbb7ULL,
		.profile = "svc", .verdict = MEDGATE_VERDICT_DENY, .pid = 42, .tgid = 41, .uid = 1000,
		.comm = "insmod", .op = MEDGATE_OP_CAPABILITY, .access = 16,
		.rule = MEDGATE_RULE_NONE,
	};

	self->ev = ev;
	self->text = malloc(MG_EVENT_LINE_MAX);
	self->json = malloc(MG_EVENT_LINE_MAX);
	ASSERT_NE(NULL, self->text);
	ASSERT_NE(NULL, self->json);
}

FIXTURE_TEARDOWN(event)
{
	free(self->text);
	free(self->json);
}

/* Formats self->ev both ways; the test fails (and says so) when either fails. */
static void format_both(struct __test_metadata *_metadata, FIXTURE_DATA(event) *self)
{
	ASSERT_EQ(0, mg_event_format_text(&self->ev, self->text, MG_EVENT_LINE_MAX));
	ASSERT_EQ(0, mg_event_format_json(&self->ev, self->json, MG_EVENT_LINE_MAX));
}

TEST_F(event, a_capability_is_printed_by_name_in_text_and_json)
{
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " capability cap_sys_module ")) TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->json, "\"op\":\"capability\",\"access\":\"cap_sys_module\""))
		TH_LOG("%s", self->json);
}

TEST_F(event, the_text_form_carries_the_policy_version)
{
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " policy_version 6b15d2b55c62dbb7")) TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->json, "\"policy_version\":\"6b15d2b55c62dbb7\""))
		TH_LOG("%s", self->json);
}

TEST_F(event, every_label_of_the_text_form_is_a_json_key)
{
	static const char *const keys[] = { "profile", "pid", "uid", "comm", "rule",
					    "policy_version" };
	size_t i;

	format_both(_metadata, self);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char t[64], j[64];

		snprintf(t, sizeof(t), " %s ", keys[i]);
		snprintf(j, sizeof(j), "\"%s\":", keys[i]);
		EXPECT_NE(NULL, strstr(self->text, t)) TH_LOG("%s not in %s", t, self->text);
		EXPECT_NE(NULL, strstr(self->json, j)) TH_LOG("%s not in %s", j, self->json);
	}
}

TEST_F(event, an_unknown_capability_keeps_its_number)
{
	self->ev.access = 63;
	ASSERT_EQ(0, mg_event_format_text(&self->ev, self->text, MG_EVENT_LINE_MAX));
	EXPECT_NE(NULL, strstr(self->text, " capability cap63 ")) TH_LOG("%s", self->text);
}

/* Namespace, kernel-load and extended-attribute classes print as policies write them. */
TEST_F(event, namespace_kernel_load_and_xattr_classes_are_printed_by_name)
{
	self->ev.op = MEDGATE_OP_NAMESPACE;
	self->ev.access = MEDGATE_NS_NET;
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " namespace net ")) TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->json, "\"op\":\"namespace\",\"access\":\"net\""))
		TH_LOG("%s", self->json);
	self->ev.op = MEDGATE_OP_KERNEL_LOAD;
	self->ev.access = MEDGATE_KLOAD_MODULE;
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " kernel_load module ")) TH_LOG("%s", self->text);
	self->ev.op = MEDGATE_OP_XATTR;
	self->ev.access = MEDGATE_XATTR_TRUSTED;
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " xattr trusted ")) TH_LOG("%s", self->text);
}

/* A key record: the permission by its policy word, the key by its serial number. */
TEST_F(event, a_key_record_names_the_permission_and_the_key_serial)
{
	self->ev.op = MEDGATE_OP_KEY;
	self->ev.access = MEDGATE_KEY_READ;
	self->ev.key_serial = 912345678;
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " key read \"\" key_serial 912345678 rule "))
		TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->json, "\"op\":\"key\",\"access\":\"read\""))
		TH_LOG("%s", self->json);
	EXPECT_NE(NULL, strstr(self->json, "\"key_serial\":912345678")) TH_LOG("%s", self->json);
	self->ev.access = MEDGATE_KEY_CREATE;
	self->ev.key_serial = 0;
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " key create \"\" key_serial 0 rule "))
		TH_LOG("%s", self->text);
}

/* A file deleted while open: named by its directory, device and inode. */
TEST_F(event, an_unnamed_object_is_named_by_directory_device_and_inode)
{
	self->ev.op = MEDGATE_OP_MMAP;
	self->ev.access = MEDGATE_ACCESS_MMAP_EXEC;
	strcpy(self->ev.path, "/var/lib/svc");
	self->ev.dev = (8 << 8) | 3;		/* st_dev encoding of 8:3 */
	self->ev.ino = 4242;
	self->ev.unnamed = true;
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " \"/var/lib/svc\" dev 8:3 ino 4242 unnamed rule "))
		TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->json, "\"dev\":\"8:3\",\"ino\":4242,\"unnamed\":true"))
		TH_LOG("%s", self->json);
}

/* Explicit file times: no detail, and the file named by device and inode (no path). */
TEST_F(event, explicit_times_name_the_file_by_device_and_inode)
{
	self->ev.op = MEDGATE_OP_TIMES;
	self->ev.access = 0;
	self->ev.path[0] = '\0';
	self->ev.dev = (8 << 8) | 3;
	self->ev.ino = 4242;
	format_both(_metadata, self);
	EXPECT_NE(NULL, strstr(self->text, " times - \"\" dev 8:3 ino 4242 rule "))
		TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->json, "\"op\":\"times\",\"access\":\"-\""))
		TH_LOG("%s", self->json);
	EXPECT_NE(NULL, strstr(self->json, "\"dev\":\"8:3\",\"ino\":4242")) TH_LOG("%s", self->json);
}

/* A summary record of the flood limiter: its counts, labelled as their JSON keys. */
TEST(summary_record_carries_its_counts_in_text_and_json)
{
	struct mg_event ev = {
		.seq = 4121, .time_real_ns = 1700000000000000000ULL,
		.policy_version = 0x6b15d2b55c62dbb7ULL, .profile = "flooding",
		.verdict = MEDGATE_VERDICT_DENY, .op = MEDGATE_OP_SUPPRESSED,
		.rule = MEDGATE_RULE_NONE, .suppressed = 59990, .rate_limited = 3,
	};
	char text[MG_EVENT_LINE_MAX], json[MG_EVENT_LINE_MAX];

	ASSERT_EQ(0, mg_event_format_text(&ev, text, sizeof(text)));
	ASSERT_EQ(0, mg_event_format_json(&ev, json, sizeof(json)));
	EXPECT_NE(NULL, strstr(text, " suppressed - \"\" rule default ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, " suppressed 59990 rate_limited 3")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(json, "\"op\":\"suppressed\"")) TH_LOG("%s", json);
	EXPECT_NE(NULL, strstr(json, "\"suppressed\":59990")) TH_LOG("%s", json);
	EXPECT_NE(NULL, strstr(json, "\"rate_limited\":3")) TH_LOG("%s", json);
}

TEST(other_records_carry_no_counts_in_the_text_form)
{
	struct mg_event ev = {
		.seq = 4122, .profile = "flooding", .verdict = MEDGATE_VERDICT_DENY,
		.op = MEDGATE_OP_FILE_OPEN, .rule = MEDGATE_RULE_NONE, .path = "/etc/shadow",
		.access = MEDGATE_ACCESS_READ,
	};
	char text[MG_EVENT_LINE_MAX];

	ASSERT_EQ(0, mg_event_format_text(&ev, text, sizeof(text)));
	EXPECT_EQ(NULL, strstr(text, "rate_limited")) TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "suppressed")) TH_LOG("%s", text);
}

/* A refusal of a protected file names the protection, not a rule index, in both forms. */
TEST(a_protected_file_is_named_as_the_rule)
{
	struct mg_event ev = {
		.seq = 7, .profile = "reader", .verdict = MEDGATE_VERDICT_DENY,
		.op = MEDGATE_OP_FILE_OPEN, .rule = MEDGATE_RULE_PROTECTED,
		.path = "/etc/medgate/audit.key", .access = MEDGATE_ACCESS_READ,
	};
	char text[MG_EVENT_LINE_MAX], json[MG_EVENT_LINE_MAX];

	ASSERT_EQ(0, mg_event_format_text(&ev, text, sizeof(text)));
	ASSERT_EQ(0, mg_event_format_json(&ev, json, sizeof(json)));
	EXPECT_NE(NULL, strstr(text, "\"/etc/medgate/audit.key\" rule protected ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(json, "\"rule\":\"protected\"")) TH_LOG("%s", json);
}

/* Every operation name the tools can print is explained in docs/cli.md. */
TEST(docs_cli_md_explains_every_operation_name)
{
	char *doc = slurp(CLI_DOC), want[64];
	unsigned op, n = 0;

	ASSERT_NE(NULL, doc) TH_LOG("cannot read %s", CLI_DOC);
	for (op = 1; op < 256; op++) {
		const char *name = mg_op_name(op);

		if (!strcmp(name, "unknown"))
			continue;
		n++;
		snprintf(want, sizeof(want), "| `%s` ", name);
		EXPECT_NE(NULL, strstr(doc, want)) TH_LOG("docs/cli.md does not explain op %s", name);
	}
	EXPECT_LE(20, n) TH_LOG("only %u operation names", n);
	free(doc);
}

/* ---- filters of medgatectl audit ---- */

TEST(times_parse_as_utc_epoch_or_ago)
{
	uint64_t t, now = 1764752400ULL * 1000000000ULL;	/* 2025-12-03T09:00:00Z */

	ASSERT_EQ(0, mg_time_parse("2025-12-03T09:00:00Z", now, &t));
	EXPECT_EQ(now, t);
	ASSERT_EQ(0, mg_time_parse("2025-12-03T09:00:00", now, &t));
	EXPECT_EQ(now, t);
	ASSERT_EQ(0, mg_time_parse("@1764752400", now, &t));
	EXPECT_EQ(now, t);
	ASSERT_EQ(0, mg_time_parse("-10m", now, &t));
	EXPECT_EQ(now - 600ULL * 1000000000ULL, t);
	ASSERT_EQ(0, mg_time_parse("-2d", now, &t));
	EXPECT_EQ(now - 2 * 86400ULL * 1000000000ULL, t);
	EXPECT_EQ(-EINVAL, mg_time_parse("yesterday", now, &t));
	EXPECT_EQ(-EINVAL, mg_time_parse("-10", now, &t));
	EXPECT_EQ(-EINVAL, mg_time_parse("-m", now, &t));
	EXPECT_EQ(-EINVAL, mg_time_parse("2025-12-03T09:00:00+01:00", now, &t));
	EXPECT_EQ(-EINVAL, mg_time_parse("@12x", now, &t));
}

TEST(filters_select_by_every_field)
{
	struct mg_event ev = { .time_real_ns = 2000, .pid = 41, .tgid = 40,
			       .verdict = MEDGATE_VERDICT_DENY, .op = MEDGATE_OP_MOUNT };
	struct mg_event_filter f = { 0 };
	const char *why = NULL;

	strcpy(ev.profile, "svc");
	strcpy(ev.path, "/media/usb");
	strcpy(ev.exe, "/usr/bin/svc");
	EXPECT_TRUE(mg_event_filter_match(&f, &ev));
	EXPECT_EQ(1, mg_event_filter_option(&f, "--op", "mount", 0, &why));
	EXPECT_EQ(1, mg_event_filter_option(&f, "--op", "exec", 0, &why));
	EXPECT_EQ(1, mg_event_filter_option(&f, "--verdict", "deny", 0, &why));
	EXPECT_EQ(1, mg_event_filter_option(&f, "--profile", "svc", 0, &why));
	EXPECT_EQ(1, mg_event_filter_option(&f, "--pid", "40", 0, &why));
	EXPECT_EQ(1, mg_event_filter_option(&f, "--path", "/media/**", 0, &why));
	EXPECT_EQ(1, mg_event_filter_option(&f, "--exe", "/usr/bin/*", 0, &why));
	EXPECT_EQ(1, mg_event_filter_option(&f, "--since", "@0", 0, &why));
	EXPECT_TRUE(mg_event_filter_match(&f, &ev));
	ev.op = MEDGATE_OP_FILE_OPEN;
	EXPECT_FALSE(mg_event_filter_match(&f, &ev));
	ev.op = MEDGATE_OP_EXEC;
	EXPECT_TRUE(mg_event_filter_match(&f, &ev));
	ev.verdict = MEDGATE_VERDICT_ALLOW;
	EXPECT_FALSE(mg_event_filter_match(&f, &ev));
	ev.verdict = MEDGATE_VERDICT_DENY;
	strcpy(ev.path, "/mediax");
	EXPECT_FALSE(mg_event_filter_match(&f, &ev));
	strcpy(ev.path, "/media/usb/x");
	ev.pid = ev.tgid = 7;
	EXPECT_FALSE(mg_event_filter_match(&f, &ev));
	/* Not a filter option; errors with their reason. */
	EXPECT_EQ(0, mg_event_filter_option(&f, "--from", "1", 0, &why));
	EXPECT_EQ(-EINVAL, mg_event_filter_option(&f, "--op", "open", 0, &why));
	EXPECT_EQ(-EINVAL, mg_event_filter_option(&f, "--verdict", "denied", 0, &why));
	EXPECT_EQ(-EINVAL, mg_event_filter_option(&f, "--pid", "0", 0, &why));
	EXPECT_EQ(-EINVAL, mg_event_filter_option(&f, "--path", "relative", 0, &why));
	EXPECT_EQ(-EINVAL, mg_event_filter_option(&f, "--until", NULL, 0, &why));
	EXPECT_STREQ("needs a value", why);
}

TEST_HARNESS_MAIN

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

TEST_HARNESS_MAIN

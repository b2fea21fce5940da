// SPDX-License-Identifier: GPL-2.0
/*
 * An audit record as the RFC 5424 message medgated sends to the local syslog socket: the header
 * fields, the priority per verdict, the escaping of PARAM-VALUEs (RFC 5424 section 6.3.3) and of
 * control characters, and the cut of a long MSG that never cuts the structured data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medgate.h"
#include "syslog5424.h"
#include "kselftest_harness.h"

FIXTURE(rec) {
	struct mg_event ev;
	char *buf;
	int len;
};

FIXTURE_SETUP(rec)
{
	/* 2023-11-14T22:13:20.123456789Z: a cat denied reading /etc/shadow by profile "svc". */
	struct mg_event ev = {
		.seq = 77, .time_real_ns = 1700000000123456789ULL, .policy_version = 0x6b15d2b55c62dbb7ULL,
		.profile = "svc", .verdict = MEDGATE_VERDICT_DENY, .mode = MEDGATE_MODE_ENFORCE,
		.pid = 42, .tgid = 42, .uid = 1000, .gid = 100, .comm = "cat", .exe = "/usr/bin/cat",
		.op = MEDGATE_OP_FILE_OPEN, .access = MEDGATE_ACCESS_READ, .path = "/etc/shadow",
		.rule = MEDGATE_RULE_NONE,
	};

	self->ev = ev;
	self->buf = malloc(MG_SYSLOG_LINE_MAX);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(rec)
{
	free(self->buf);
}

static void fmt(struct __test_metadata *_metadata, FIXTURE_DATA(rec) *self)
{
	self->len = mg_event_format_syslog(&self->ev, "gw-07", 321, self->buf, MG_SYSLOG_LINE_MAX);
	ASSERT_LT(0, self->len);
	ASSERT_EQ(strlen(self->buf), (size_t)self->len);
}

TEST_F(rec, the_header_fields_and_the_summary)
{
	fmt(_metadata, self);
	EXPECT_EQ(0, strncmp(self->buf, "<84>1 2023-11-14T22:13:20.123456Z gw-07 medgated 321 file_open [medgate@32473 seq=\"77\" verdict=\"deny\" profile=\"svc\" mode=\"enforce\" pid=\"42\" uid=\"1000\" gid=\"100\" comm=\"cat\" exe=\"/usr/bin/cat\" op=\"file_open\" access=\"r\" path=\"/etc/shadow\" rule=\"default\" policy_version=\"6b15d2b55c62dbb7\"] ",
			     strlen("<84>1 2023-11-14T22:13:20.123456Z gw-07 medgated 321 file_open [medgate@32473 seq=\"77\" verdict=\"deny\" profile=\"svc\" mode=\"enforce\" pid=\"42\" uid=\"1000\" gid=\"100\" comm=\"cat\" exe=\"/usr/bin/cat\" op=\"file_open\" access=\"r\" path=\"/etc/shadow\" rule=\"default\" policy_version=\"6b15d2b55c62dbb7\"] ")))
		TH_LOG("%s", self->buf);
	EXPECT_NE(NULL, strstr(self->buf, "] deny file_open r /etc/shadow by cat (profile svc)"))
		TH_LOG("%s", self->buf);
}

TEST_F(rec, no_hostname_is_the_nilvalue_and_odd_bytes_in_it_become_dashes)
{
	ASSERT_LT(0, mg_event_format_syslog(&self->ev, NULL, 1, self->buf, MG_SYSLOG_LINE_MAX));
	EXPECT_NE(NULL, strstr(self->buf, "Z - medgated 1 file_open [")) TH_LOG("%s", self->buf);
	ASSERT_LT(0, mg_event_format_syslog(&self->ev, "a b\n", 1, self->buf, MG_SYSLOG_LINE_MAX));
	EXPECT_NE(NULL, strstr(self->buf, "Z a-b- medgated 1 ")) TH_LOG("%s", self->buf);
}

TEST_F(rec, the_priority_is_authpriv_with_the_severity_of_the_verdict)
{
	fmt(_metadata, self);
	EXPECT_EQ(0, strncmp(self->buf, "<84>", 4));	/* 10 * 8 + 4 warning */
	self->ev.verdict = MEDGATE_VERDICT_WOULD_DENY;
	self->ev.mode = MEDGATE_MODE_COMPLAIN;
	fmt(_metadata, self);
	EXPECT_EQ(0, strncmp(self->buf, "<85>", 4));	/* notice */
	EXPECT_NE(NULL, strstr(self->buf, " verdict=\"would_deny\" ")) TH_LOG("%s", self->buf);
	EXPECT_NE(NULL, strstr(self->buf, " mode=\"complain\" ")) TH_LOG("%s", self->buf);
	self->ev.verdict = MEDGATE_VERDICT_ALLOW;
	fmt(_metadata, self);
	EXPECT_EQ(0, strncmp(self->buf, "<86>", 4));	/* info */
}

TEST_F(rec, quote_backslash_and_bracket_in_values_take_a_backslash)
{
	strcpy(self->ev.path, "/tmp/a\"b\\c]d");
	strcpy(self->ev.profile, "p]\"");
	fmt(_metadata, self);
	EXPECT_NE(NULL, strstr(self->buf, " path=\"/tmp/a\\\"b\\\\c\\]d\" ")) TH_LOG("%s", self->buf);
	EXPECT_NE(NULL, strstr(self->buf, " profile=\"p\\]\\\"\" ")) TH_LOG("%s", self->buf);
	/* The structured data ends at the one unescaped ']'. */
	EXPECT_NE(NULL, strstr(self->buf, "\"] deny ")) TH_LOG("%s", self->buf);
}

TEST_F(rec, control_characters_are_hex_escapes_in_values_and_msg)
{
	strcpy(self->ev.path, "/tmp/x\nFAKE\x1b[0m\xff");
	fmt(_metadata, self);
	EXPECT_EQ(NULL, strchr(self->buf, '\n'));
	EXPECT_EQ(NULL, strchr(self->buf, '\x1b'));
	EXPECT_NE(NULL, strstr(self->buf, " path=\"/tmp/x\\x0aFAKE\\x1b[0m\\xff\" "))
		TH_LOG("%s", self->buf);
	EXPECT_NE(NULL, strstr(self->buf, " r /tmp/x\\x0aFAKE\\x1b[0m\\xff by cat"))
		TH_LOG("%s", self->buf);
}

TEST_F(rec, a_rule_names_its_index_file_and_line)
{
	self->ev.rule = 3;
	strcpy(self->ev.rule_file, "/etc/medgate/svc.policy");
	self->ev.rule_line = 12;
	fmt(_metadata, self);
	EXPECT_NE(NULL, strstr(self->buf, " rule=\"3\" rule_file=\"/etc/medgate/svc.policy\" rule_line=\"12\" "))
		TH_LOG("%s", self->buf);
}

TEST_F(rec, a_long_msg_is_cut_at_8_kib_and_the_structured_data_is_whole)
{
	memset(self->ev.path, 'a', 3000);
	self->ev.path[3000] = '\0';
	memset(self->ev.exe, 'e', 2000);
	self->ev.exe[2000] = '\0';
	fmt(_metadata, self);
	EXPECT_EQ(MG_SYSLOG_MSG_MAX, self->len);
	EXPECT_NE(NULL, strstr(self->buf, "\" policy_version=\"6b15d2b55c62dbb7\"] deny file_open r aaa"));
	/* The summary ends cut, inside the path. */
	EXPECT_EQ('a', self->buf[self->len - 1]);
}

TEST_F(rec, an_escape_is_never_cut_in_half)
{
	unsigned int n;

	/* Values of escapes: the SD grows by 4 bytes per byte, and the MSG is cut at a boundary. */
	memset(self->ev.path, '\x01', 1500);
	self->ev.path[1500] = '\0';
	for (n = 0; n < 4; n++) {
		self->ev.exe[n] = 'x';
		self->ev.exe[n + 1] = '\0';
		fmt(_metadata, self);
		EXPECT_GE(MG_SYSLOG_MSG_MAX, self->len);
		/* Ends on a whole "\x01". */
		EXPECT_EQ(0, strcmp(self->buf + self->len - 4, "\\x01")) TH_LOG("n %u", n);
	}
}

TEST_F(rec, structured_data_longer_than_the_limit_is_sent_whole_without_a_msg)
{
	memset(self->ev.path, '\x01', 4095);
	self->ev.path[4095] = '\0';
	fmt(_metadata, self);
	EXPECT_LT(MG_SYSLOG_MSG_MAX, self->len);
	EXPECT_EQ(0, strcmp(self->buf + self->len - 2, "\"]")) TH_LOG("%s", self->buf + self->len - 40);
}

TEST_F(rec, a_small_buffer_is_enospc)
{
	EXPECT_EQ(-ENOSPC, mg_event_format_syslog(&self->ev, "h", 1, self->buf, 40));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The copy of medgate's records in the kernel audit subsystem (module parameter kernel_audit):
 * read as auditd's read-only listeners read it, from the NETLINK_AUDIT multicast group. Off, a
 * denial is not copied; on, it is, as type 1490 with the ring's sequence number and the record's
 * fields; a path that could forge a field (a space, a quote) is written in hexadecimal; a
 * confined task, even in complain mode, cannot switch the copy off.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D	MG_WORKDIR "/kaudit"
#define PROBE	D "/probe"		/* mg-probe in profile "kaudit" (enforce, no rules) */
#define LURKER	D "/lurker"		/* mg-probe in profile "kaudit-lurker" (complain) */
#define PLAIN	D "/secret"
#define SPACED	D "/se cret\"x"
#define PARAM	"/sys/module/medgate/parameters/kernel_audit"

FIXTURE(kaudit) {
	int nl;
};

static int set_param(const char *value)
{
	return mg_write_file(PARAM, value, 0644);
}

FIXTURE_SETUP(kaudit)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = 1U << (AUDIT_NLGRP_READLOG - 1) };

	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " D));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, LURKER, 0755));
	ASSERT_EQ(0, mg_write_file(PLAIN, "s\n", 0600));
	ASSERT_EQ(0, mg_write_file(SPACED, "s\n", 0600));
	ASSERT_EQ(0, mg_load_textf("profile kaudit {\n    attach " PROBE "\n}\n"
				   "profile kaudit-lurker {\n    attach " LURKER "\n"
				   "    mode complain\n}\n"));
	ASSERT_EQ(0, set_param("N"));
	self->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	ASSERT_LE(0, self->nl);
	ASSERT_EQ(0, bind(self->nl, (struct sockaddr *)&sa, sizeof(sa)));
}

FIXTURE_TEARDOWN(kaudit)
{
	set_param("N");
	close(self->nl);
}

/*
 * Reads audit records until one of type 1490 mentions @needle, copying it into @out; the records
 * read before it are searched for @absent (not NULL) too. A bounded poll (30 s), not a timing
 * check: 0 found, -1 not found, -2 @absent seen first.
 */
static int next_record(int nl, const char *needle, const char *absent, char *out, size_t len)
{
	static char buf[65536];
	int rounds;

	for (rounds = 0; rounds < 300; rounds++) {
		struct pollfd p = { .fd = nl, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(nl, buf, sizeof(buf), 0);
		if (n <= 0)
			continue;
		for (h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const char *text = NLMSG_DATA(h);
			size_t tlen = h->nlmsg_len - NLMSG_HDRLEN;

			if (h->nlmsg_type != MEDGATE_KERNEL_AUDIT_TYPE)
				continue;
			snprintf(out, len, "%.*s", (int)tlen, text);
			if (absent && strstr(out, absent))
				return -2;
			if (strstr(out, needle))
				return 0;
		}
	}
	return -1;
}

TEST_F(kaudit, a_denial_is_copied_only_while_the_copy_is_on)
{
	char rec[8192], want[64];
	struct mg_event ev;
	uint64_t from = mg_audit_next();

	/* Off: this denial must never reach the audit subsystem. */
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SPACED, "r"));
	ASSERT_EQ(0, set_param("Y"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", PLAIN, "r"));
	ASSERT_EQ(0, mg_find_event(from, PLAIN, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	snprintf(want, sizeof(want), "medgate_seq=%llu ", (unsigned long long)ev.seq);
	/* The spaced path's record would carry its hex form: "se cret" is 736520637265 74. */
	ASSERT_EQ(0, next_record(self->nl, want, "2F736520637265", rec, sizeof(rec)))
		TH_LOG("last record read: %s", rec);
	EXPECT_NE(NULL, strstr(rec, " verdict=deny op=1 access=1 profile=\"kaudit\" mode=enforce "))
		TH_LOG("%s", rec);
	EXPECT_NE(NULL, strstr(rec, " path=\"" PLAIN "\" rule=default ")) TH_LOG("%s", rec);
	EXPECT_NE(NULL, strstr(rec, " exe=\"" PROBE "\"")) TH_LOG("%s", rec);
}

TEST_F(kaudit, a_path_that_could_forge_a_field_is_written_in_hex)
{
	char rec[8192], hex[2 * sizeof(SPACED) + 1];
	size_t i;

	for (i = 0; i < sizeof(SPACED) - 1; i++)
		sprintf(hex + 2 * i, "%02X", (unsigned char)SPACED[i]);
	ASSERT_EQ(0, set_param("Y"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SPACED, "r"));
	ASSERT_EQ(0, next_record(self->nl, " path=", NULL, rec, sizeof(rec)))
		TH_LOG("last record read: %s", rec);
	EXPECT_NE(NULL, strstr(rec, hex)) TH_LOG("%s, wanted %s", rec, hex);
	EXPECT_EQ(NULL, strstr(rec, "cret\"x")) TH_LOG("%s", rec);
}

TEST_F(kaudit, a_confined_task_cannot_switch_it_off)
{
	char value[8] = "";
	int fd;

	ASSERT_EQ(0, set_param("Y"));
	EXPECT_EQ(EACCES, mg_run_probe(LURKER, "open", PARAM, "w"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", PARAM, "w"));
	fd = open(PARAM, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(2, read(fd, value, sizeof(value) - 1));
	close(fd);
	EXPECT_STREQ("Y\n", value);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * A file's times set to chosen values (issue 9, escape 9: utimensat). A confined service that
 * may write a record could otherwise date it as it likes after changing it. Explicit times
 * (utimensat, futimens on a descriptor, busybox touch -d) are refused in a profile without the
 * timestamps rule and recorded by device and inode; the current time (UTIME_NOW, plain touch)
 * stays a write; the rule grants them; complain mode reports and allows, and an explicit deny
 * refuses there too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/times"
#define PROG_A		D "/a"		/* mg-escape, attached to times_a: no timestamps rule */
#define PROG_S		D "/s"		/* mg-escape, attached to times_s: timestamps */
#define PROG_C		D "/c"		/* mg-escape, attached to times_c: complain mode */
#define PROG_D		D "/d"		/* mg-escape, attached to times_d: complain, deny timestamps */
#define BB_A		D "/bb-a/busybox"	/* busybox, attached to times_a */
#define BB_S		D "/bb-s/busybox"	/* busybox, attached to times_s */
#define FILE_W		D "/data/record"
#define MG_ESCAPE	"/medgate/helpers/mg-escape"
#define BUSYBOX		"/bin/busybox"
#define FORGED_TIME	1000000000	/* what mg-escape sets: 2001-09-09 01:46:40 UTC */
#define FORGED_TEXT	"2001-09-09 01:46:40"
#define OLD_TIME	1200000000	/* the file's times before each test: 2008 */

FIXTURE(times) {
};

FIXTURE_SETUP(times)
{
	struct timespec old[2] = { { OLD_TIME, 0 }, { OLD_TIME, 0 } };

	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " D "/data " D "/bb-a " D "/bb-s"));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG_A, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG_S, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG_C, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG_D, 0755));
	ASSERT_EQ(0, mg_copy_file(BUSYBOX, BB_A, 0755));
	ASSERT_EQ(0, mg_copy_file(BUSYBOX, BB_S, 0755));
	ASSERT_EQ(0, mg_write_file(FILE_W, "reading 1\n", 0644));
	ASSERT_EQ(0, utimensat(AT_FDCWD, FILE_W, old, 0));
	ASSERT_EQ(0, mg_load_textf("profile times_a {\n"
				   "    attach " PROG_A "\n"
				   "    attach " BB_A "\n"
				   "    file " D "/** rw\n"
				   "}\n"
				   "profile times_s {\n"
				   "    attach " PROG_S "\n"
				   "    attach " BB_S "\n"
				   "    file " D "/** rw\n"
				   "    timestamps\n"
				   "}\n"
				   "profile times_c {\n"
				   "    attach " PROG_C "\n"
				   "    mode complain\n"
				   "    file " D "/** rw\n"
				   "}\n"
				   "profile times_d {\n"
				   "    attach " PROG_D "\n"
				   "    mode complain\n"
				   "    file " D "/** rw\n"
				   "    deny timestamps\n"
				   "}\n"));
}

FIXTURE_TEARDOWN(times)
{
}

static int act(const char *exe, const char *action, const char *arg1, const char *arg2)
{
	char *argv[] = { (char *)exe, (char *)action, (char *)arg1, (char *)arg2, NULL };

	return mg_run(argv);
}

/* The modification time of @path in seconds, or -1. */
static long long mtime_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long long)st.st_mtim.tv_sec;
}

static unsigned long long ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (unsigned long long)st.st_ino;
}

TEST_F(times, explicit_times_are_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	/* The baseline, unconfined: the same program forges the time (so the check can fail). */
	EXPECT_EQ(0, act(MG_ESCAPE, "utimens", FILE_W, "explicit"));
	EXPECT_EQ(FORGED_TIME, mtime_of(FILE_W));
	EXPECT_EQ(0, act(MG_ESCAPE, "utimens", FILE_W, "now"));
	EXPECT_EQ(EPERM, act(PROG_A, "utimens", FILE_W, "explicit"));
	EXPECT_NE(FORGED_TIME, mtime_of(FILE_W)) TH_LOG("the confined task set the time");
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_TIMES, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("times_a", ev.profile);
	EXPECT_EQ(0, ev.access);
	EXPECT_EQ(ino_of(FILE_W), ev.ino);
	EXPECT_EQ(MEDGATE_RULE_NONE, ev.rule);
	EXPECT_EQ(EPERM, ev.err);
}

/* The current time is what any write sets: plain touch stays allowed. */
TEST_F(times, the_current_time_is_allowed)
{
	char *touch[] = { BB_A, "touch", FILE_W, NULL };

	EXPECT_EQ(0, act(PROG_A, "utimens", FILE_W, "now"));
	EXPECT_LT(OLD_TIME, mtime_of(FILE_W));
	EXPECT_EQ(0, act(PROG_A, "utimens", FILE_W, "now-omit"));
	EXPECT_EQ(0, mg_run(touch));
}

TEST_F(times, futimens_on_a_descriptor_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, act(PROG_A, "futimens", FILE_W, NULL));
	EXPECT_EQ(OLD_TIME, mtime_of(FILE_W));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_TIMES, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(ino_of(FILE_W), ev.ino);
}

TEST_F(times, busybox_touch_with_a_date_is_refused)
{
	char *touch[] = { BB_A, "touch", "-d", FORGED_TEXT, FILE_W, NULL };
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_NE(0, mg_run(touch));
	EXPECT_EQ(OLD_TIME, mtime_of(FILE_W));
	EXPECT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_TIMES, MEDGATE_VERDICT_DENY, &ev));
}

TEST_F(times, the_timestamps_rule_allows_them)
{
	char *touch[] = { BB_S, "touch", "-d", FORGED_TEXT, FILE_W, NULL };

	EXPECT_EQ(0, act(PROG_S, "utimens", FILE_W, "explicit"));
	EXPECT_EQ(FORGED_TIME, mtime_of(FILE_W));
	EXPECT_EQ(0, act(PROG_S, "utimens", FILE_W, "now"));
	EXPECT_EQ(0, act(PROG_S, "futimens", FILE_W, NULL));
	EXPECT_EQ(FORGED_TIME, mtime_of(FILE_W));
	EXPECT_EQ(0, act(PROG_S, "utimens", FILE_W, "now"));
	/* busybox reads the date as local time; the VM's is UTC, but any date in 2001 will do. */
	EXPECT_EQ(0, mg_run(touch));
	EXPECT_GT(OLD_TIME, mtime_of(FILE_W));
}

TEST_F(times, complain_mode_reports_and_allows)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(0, act(PROG_C, "utimens", FILE_W, "explicit"));
	EXPECT_EQ(FORGED_TIME, mtime_of(FILE_W));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_TIMES, MEDGATE_VERDICT_WOULD_DENY, &ev));
	EXPECT_STREQ("times_c", ev.profile);
}

TEST_F(times, an_explicit_deny_refuses_in_complain_mode_and_names_its_rule)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, act(PROG_D, "utimens", FILE_W, "explicit"));
	EXPECT_EQ(OLD_TIME, mtime_of(FILE_W));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_TIMES, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("times_d", ev.profile);
	EXPECT_NE(MEDGATE_RULE_NONE, ev.rule);
	EXPECT_NE(0, ev.rule_line);
}

TEST_HARNESS_MAIN

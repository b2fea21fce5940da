// SPDX-License-Identifier: GPL-2.0
/*
 * Names that lie (issue 9, escapes 1 and 2). d_path() names the objects of a detached mount
 * relative to that mount: in a clone of a directory made with open_tree(OPEN_TREE_CLONE), its
 * file "secret" is "/secret", a one-file clone is "/", and a program in the clone at
 * opt/gw/bin/gwctl is "/opt/gw/bin/gwctl". A confined task given such a descriptor read files its
 * policy denies and ran programs under exec rules meant for others. Now an object that the task
 * cannot reach from its root is refused, whatever its name, and recorded by device and inode.
 *
 * Hard links and renames (escape 12): a new name may not give a profile more access to an object
 * than its old name did, and a directory's new name must not change what the rules say about
 * anything below it.
 *
 * The clones are made here, unconfined, and passed to the confined program as inherited
 * descriptors (a confined task cannot make them itself: the new mount API needs CAP_SYS_ADMIN and
 * a new superblock passes sb_kern_mount).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/paths"
#define PROG		D "/prog"		/* mg-escape, attached to paths_a */
#define TREE		D "/tree"
#define SECRET		TREE "/secret"
#define GWCTL		TREE "/opt/gw/bin/gwctl"
#define ALLOWED		D "/allowed"
#define MG_ESCAPE	"/medgate/helpers/mg-escape"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE	1
#endif

FIXTURE(paths) {
	int clone;
};

FIXTURE_SETUP(paths)
{
	self->clone = -1;
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " TREE "/opt/gw/bin"));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, GWCTL, 0755));
	ASSERT_EQ(0, mg_write_file(SECRET, "secret\n", 0600));
	ASSERT_EQ(0, mg_write_file(ALLOWED, "allowed\n", 0644));
	/*
	 * The rules a careless or malicious author could have: the names a clone's objects get
	 * are allowed, the real ones denied.
	 */
	ASSERT_EQ(0, mg_load_textf("profile paths_a {\n"
				   "    attach " PROG "\n"
				   "    file / r\n"
				   "    file /secret r\n"
				   "    file " ALLOWED " r\n"
				   "    exec /opt/gw/bin/gwctl -> paths_admin\n"
				   "    deny file " TREE "/** r\n"
				   "}\n"
				   "profile paths_admin {\n"
				   "    file /** r\n"
				   "}\n"));
}

FIXTURE_TEARDOWN(paths)
{
	if (self->clone >= 0)
		close(self->clone);
}

/* A detached clone of @path, inherited by the programs this process runs. */
static int clone_tree(const char *path)
{
	int fd = syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE);

	if (fd < 0)
		return -errno;
	return fcntl(fd, F_SETFD, 0) ? -errno : fd;
}

static int run(const char *action, const char *arg1, const char *arg2)
{
	char *argv[] = { PROG, (char *)action, (char *)arg1, (char *)arg2, NULL };

	return mg_run(argv);
}

TEST_F(paths, file_in_cloned_tree_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	char fd[16];

	self->clone = clone_tree(TREE);
	ASSERT_LE(0, self->clone) TH_LOG("open_tree: %s", strerror(-self->clone));
	snprintf(fd, sizeof(fd), "%d", self->clone);
	EXPECT_EQ(EACCES, run("openat-read", fd, "secret"));
	ASSERT_EQ(0, mg_find_event(from, "", MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("paths_a", ev.profile);
	EXPECT_NE(0, ev.ino) TH_LOG("the record must name the object by device and inode");
}

/* A clone of one file is a mount whose root is the file: d_path() calls it "/". */
TEST_F(paths, one_file_clone_is_refused)
{
	char link[64];

	self->clone = clone_tree(SECRET);
	ASSERT_LE(0, self->clone) TH_LOG("open_tree: %s", strerror(-self->clone));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", self->clone);
	EXPECT_EQ(EACCES, run("openat-read", "-100", link));
}

/* The exec rule for /opt/gw/bin/gwctl must not apply to a program a clone calls that. */
TEST_F(paths, exec_from_cloned_tree_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	char fd[16];

	self->clone = clone_tree(TREE);
	ASSERT_LE(0, self->clone) TH_LOG("open_tree: %s", strerror(-self->clone));
	snprintf(fd, sizeof(fd), "%d", self->clone);
	EXPECT_EQ(EACCES, run("execveat", fd, "opt/gw/bin/gwctl"));
	ASSERT_EQ(0, mg_find_event(from, "", MEDGATE_OP_EXEC, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("paths_a", ev.profile);
}

/* The allowed forms: files and programs reached from the root keep their names and rules. */
TEST_F(paths, reachable_objects_keep_their_names)
{
	EXPECT_EQ(0, run("openat-read", "-100", ALLOWED));
	EXPECT_EQ(EACCES, run("openat-read", "-100", SECRET));
}

#define DATA		D "/data"
#define DATA_PROG	D "/data-prog"		/* mg-probe, attached to paths_data */
#define MG_PROBE_BIN	"/medgate/helpers/mg-probe"

FIXTURE(moves) {
};

FIXTURE_SETUP(moves)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " DATA "/secret " DATA "/dir1"));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE_BIN, DATA_PROG, 0755));
	ASSERT_EQ(0, mg_write_file(DATA "/secret/key", "key\n", 0644));
	ASSERT_EQ(0, mg_write_file(DATA "/a", "a\n", 0644));
	ASSERT_EQ(0, mg_load_textf("profile paths_data {\n"
				   "    attach " DATA_PROG "\n"
				   "    file " DATA "/** rwcdl\n"
				   "    deny file " DATA "/secret/** r\n"
				   "}\n"));
}

FIXTURE_TEARDOWN(moves)
{
}

static int probe(const char *action, const char *a, const char *b)
{
	return mg_run_probe(DATA_PROG, action, a, b);
}

TEST_F(moves, hard_link_out_of_denied_tree_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	struct stat st;

	EXPECT_EQ(EACCES, probe("link", DATA "/secret/key", DATA "/key-link"));
	EXPECT_NE(0, lstat(DATA "/key-link", &st));
	ASSERT_EQ(0, mg_find_event(from, DATA "/key-link", MEDGATE_OP_LINK, MEDGATE_VERDICT_DENY,
				   &ev));
	EXPECT_EQ(MEDGATE_ACCESS_READ, ev.access);
	EXPECT_EQ(MEDGATE_RULE_NONE, ev.rule);
}

TEST_F(moves, directory_rename_out_of_denied_tree_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	struct stat st;

	EXPECT_EQ(EACCES, probe("rename", DATA "/secret", DATA "/pub"));
	EXPECT_EQ(0, lstat(DATA "/secret/key", &st));
	ASSERT_EQ(0, mg_find_event(from, DATA "/pub", MEDGATE_OP_RENAME, MEDGATE_VERDICT_DENY,
				   &ev));
	EXPECT_EQ(EACCES, probe("open", DATA "/secret/key", "r"));
}

/* The allowed forms: links and renames within the same access still work. */
TEST_F(moves, moves_within_the_same_access_still_work)
{
	EXPECT_EQ(0, probe("link", DATA "/a", DATA "/b"));
	EXPECT_EQ(0, probe("rename", DATA "/b", DATA "/c"));
	EXPECT_EQ(0, probe("rename", DATA "/dir1", DATA "/dir2"));
	/* Into the denied tree: the new name gives less, never more. */
	EXPECT_EQ(0, probe("rename", DATA "/c", DATA "/secret/c"));
}

TEST_HARNESS_MAIN

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
#include <sys/wait.h>
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
#define PROG_SA		D "/prog-sa"		/* mg-escape, attached to paths_sa */
#define PROBE		D "/probe"		/* mg-probe, attached to paths_a too */
#define FS		D "/fs"			/* a tmpfs of the test's own (file handles) */
#define BOUND		D "/bound"		/* a bind mount of FS/sub */
#define JAIL		D "/jail"		/* a chroot made by the launcher */
#define JAIL_PROG	"/paths-jail-prog"	/* mg-escape in JAIL, attached to paths_jail */
#define MG_ESCAPE	"/medgate/helpers/mg-escape"
#define MG_PROBE	"/medgate/helpers/mg-probe"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE	1
#endif

FIXTURE(paths) {
	int clone;
};

static void unmount_fs(void)
{
	if (system("umount " BOUND " 2>/dev/null; umount " FS " 2>/dev/null"))
		return;	/* nothing was mounted */
}

FIXTURE_SETUP(paths)
{
	self->clone = -1;
	mkdir(MG_WORKDIR, 0755);
	unmount_fs();
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " TREE "/opt/gw/bin"));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG_SA, 0755));
	ASSERT_EQ(0, mkdir(JAIL, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, JAIL JAIL_PROG, 0755));
	ASSERT_EQ(0, mg_write_file(JAIL "/allowed", "jail\n", 0644));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, GWCTL, 0755));
	ASSERT_EQ(0, mg_write_file(SECRET, "secret\n", 0600));
	ASSERT_EQ(0, mg_write_file(ALLOWED, "allowed\n", 0644));
	/*
	 * The rules a careless or malicious author could have: the names a clone's objects get
	 * are allowed, the real ones denied. /version is what a fresh procfs calls the file
	 * that is /proc/version in the task's view. The capability lets the profile open files
	 * by handle, as a root service may be allowed to.
	 */
	ASSERT_EQ(0, mg_load_textf("profile paths_a {\n"
				   "    attach " PROG "\n"
				   "    attach " PROBE "\n"
				   "    capability dac_read_search\n"
				   "    file / r\n"
				   "    file /secret r\n"
				   "    file /version r\n"
				   "    file " ALLOWED " r\n"
				   "    file " BOUND " r\n"
				   "    file " BOUND "/** r\n"
				   "    exec /opt/gw/bin/gwctl -> paths_admin\n"
				   "    deny file " TREE "/** r\n"
				   "}\n"
				   /*
				    * A root service granted CAP_SYS_ADMIN can make detached mounts
				    * and mount namespaces itself (6.1 has no hook for open_tree).
				    */
				   "profile paths_sa {\n"
				   "    attach " PROG_SA "\n"
				   "    capability sys_admin\n"
				   "    namespace mnt\n"
				   "    file /secret r\n"
				   "    file " ALLOWED " r\n"
				   "    deny file " TREE "/** r\n"
				   "}\n"
				   /*
				    * A service its launcher chrooted into JAIL: its names are the
				    * jail's, so ALLOWED names the jail's file of that name.
				    */
				   "profile paths_jail {\n"
				   "    attach " JAIL_PROG "\n"
				   "    file /allowed r\n"
				   "    file " ALLOWED " r\n"
				   "}\n"
				   "profile paths_admin {\n"
				   "    file /** r\n"
				   "}\n"));
}

FIXTURE_TEARDOWN(paths)
{
	if (self->clone >= 0)
		close(self->clone);
	unmount_fs();
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

/*
 * A fresh procfs (fsopen + fsmount) is a detached mount too: its "version" is named "/version",
 * which the profile allows, while the same file in the task's view is /proc/version.
 */
TEST_F(paths, fresh_procfs_is_refused)
{
	char fd[16];
	int fs;

	fs = syscall(SYS_fsopen, "proc", 0);
	ASSERT_LE(0, fs) TH_LOG("fsopen: %s", strerror(errno));
	ASSERT_EQ(0, syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0));
	self->clone = syscall(SYS_fsmount, fs, 0, 0);
	close(fs);
	ASSERT_LE(0, self->clone) TH_LOG("fsmount: %s", strerror(errno));
	snprintf(fd, sizeof(fd), "%d", self->clone);
	EXPECT_EQ(EACCES, run("openat-read", fd, "version"));
}

/*
 * open_by_handle_at() on a bind mount returns the file's dentry with the bind mount, even when
 * the file lies outside the subtree the bind mount shows: d_path() climbs past the mount's root
 * to its file system's root and names FS/secret "/secret". The bind mount is made here,
 * unconfined, as the system would before the service starts.
 */
TEST_F(paths, handle_outside_bind_mount_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	ASSERT_EQ(0, system("mkdir -p " FS " " BOUND " && mount -t tmpfs none " FS
			    " && mkdir " FS "/sub && echo s > " FS "/secret && echo v > " FS
			    "/sub/visible && mount -o bind " FS "/sub " BOUND));
	EXPECT_EQ(EACCES, run("open-by-handle", FS "/secret", BOUND));
	ASSERT_EQ(0, mg_find_event(from, "", MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("paths_a", ev.profile);
	EXPECT_NE(0, ev.ino);
	/* The allowed forms: the bind mount's own files, by name and by handle. */
	EXPECT_EQ(0, run("openat-read", "-100", BOUND "/visible"));
	EXPECT_EQ(0, run("open-by-handle", BOUND "/visible", BOUND));
}

/*
 * A descriptor of a file in a detached mount, opened by an unconfined task and handed over,
 * inherited or received over SCM_RIGHTS: each use is decided again, on a name that must be
 * reachable.
 */
TEST_F(paths, descriptor_into_clone_is_refused)
{
	char fd[16];
	int file;

	self->clone = clone_tree(TREE);
	ASSERT_LE(0, self->clone) TH_LOG("open_tree: %s", strerror(-self->clone));
	file = openat(self->clone, "secret", O_RDONLY);
	ASSERT_LE(0, file) TH_LOG("openat: %s", strerror(errno));
	EXPECT_EQ(EACCES, mg_run_recv_fd(PROBE, file));
	snprintf(fd, sizeof(fd), "%d", file);
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "read-fd", fd, NULL));
	close(file);
	/* The allowed form: a descriptor of a file the profile may read, by its real name. */
	file = open(ALLOWED, O_RDONLY);
	ASSERT_LE(0, file);
	EXPECT_EQ(0, mg_run_recv_fd(PROBE, file));
	snprintf(fd, sizeof(fd), "%d", file);
	EXPECT_EQ(0, mg_run_probe(PROBE, "read-fd", fd, NULL));
	close(file);
}

/*
 * The same, made by the confined task itself: a profile granted CAP_SYS_ADMIN may clone a tree
 * (nothing on 6.1 decides open_tree), and the clone's names are refused all the same.
 */
TEST_F(paths, own_clone_is_refused)
{
	char *argv[] = { PROG_SA, "clone-read", TREE, "secret", NULL };

	EXPECT_EQ(EACCES, mg_run(argv));
}

/*
 * A mount namespace of its own (unshare(CLONE_NEWNS), granted by namespace mnt) moves the
 * task's root to the copy of its old root: the names, and the rules on them, stay the same.
 */
TEST_F(paths, own_mount_namespace_keeps_names)
{
	char *allowed[] = { PROG_SA, "unshare-read", "131072" /* CLONE_NEWNS */, ALLOWED, NULL };
	char *secret[] = { PROG_SA, "unshare-read", "131072", SECRET, NULL };

	EXPECT_EQ(0, mg_run(allowed));
	EXPECT_EQ(EACCES, mg_run(secret));
}

/*
 * Runs JAIL_PROG ACTION ARG NAME as a launcher would start a chrooted service: chroot(JAIL),
 * then exec. With @outside, ARG is a descriptor of D opened before the chroot and inherited,
 * the classic way out of a chroot.
 */
static int run_in_jail(const char *action, const char *name, int outside)
{
	char arg[16] = "-100";
	char *argv[] = { JAIL_PROG, (char *)action, arg, (char *)name, NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int dir = outside ? open(D, O_RDONLY | O_DIRECTORY) : -1;

		if (outside && dir < 0)
			_exit(250);
		if (outside)
			snprintf(arg, sizeof(arg), "%d", dir);
		if (chroot(JAIL) || chdir("/"))
			_exit(251);
		execv(argv[0], argv);
		_exit(252);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/*
 * A chrooted service's names are its own view's, as before; a directory outside its root,
 * reached through a descriptor opened before the chroot, has no name in that view (d_path()
 * would give the name from the global root, which the jail's rules could mean for another file).
 */
TEST_F(paths, chroot_keeps_names_and_refuses_the_outside)
{
	EXPECT_EQ(0, run_in_jail("openat-read", "/allowed", 0));
	EXPECT_EQ(EACCES, run_in_jail("openat-read", "allowed", 1));
}

/* The allowed forms: files and programs reached from the root keep their names and rules. */
TEST_F(paths, reachable_objects_keep_their_names)
{
	EXPECT_EQ(0, run("openat-read", "-100", ALLOWED));
	EXPECT_EQ(EACCES, run("openat-read", "-100", SECRET));
	/* /proc/self/root is the task's own root: the same names, the same rules. */
	EXPECT_EQ(0, run("openat-read", "-100", "/proc/self/root" ALLOWED));
	EXPECT_EQ(EACCES, run("openat-read", "-100", "/proc/self/root" SECRET));
}

#define DATA		D "/data"
#define DATA_PROG	D "/data-prog"		/* mg-probe, attached to paths_data */
#define MG_PROBE_BIN	"/medgate/helpers/mg-probe"

FIXTURE(moves) {
};

FIXTURE_SETUP(moves)
{
	mkdir(MG_WORKDIR, 0755);
	unmount_fs();
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " DATA "/secret " DATA "/dir1 " DATA
			    "/dir3 " DATA "/bin " DATA "/jobs"));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE_BIN, DATA_PROG, 0755));
	ASSERT_EQ(0, mg_write_file(DATA "/secret/key", "key\n", 0644));
	ASSERT_EQ(0, mg_write_file(DATA "/a", "a\n", 0644));
	ASSERT_EQ(0, mg_write_file(DATA "/bin/tool", "#!/bin/sh\n", 0755));
	/*
	 * Programs in bin run in the profile; programs in jobs run in paths_runner: x on both,
	 * but not the same x.
	 */
	ASSERT_EQ(0, mg_load_textf("profile paths_data {\n"
				   "    attach " DATA_PROG "\n"
				   "    file " DATA "/** rwcdl\n"
				   "    deny file " DATA "/secret/** r\n"
				   "    exec " DATA "/bin/*\n"
				   "    exec " DATA "/jobs/* -> paths_runner\n"
				   "}\n"
				   "profile paths_runner {\n"
				   "    file " DATA "/jobs/* r\n"
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

/* An exchange moves both names: the key would be named DATA/key, which the deny does not cover. */
TEST_F(moves, exchange_with_denied_tree_is_refused)
{
	struct stat st;

	EXPECT_EQ(EACCES, probe("exchange", DATA "/secret", DATA "/dir1"));
	EXPECT_EQ(0, lstat(DATA "/secret/key", &st));
	EXPECT_EQ(EACCES, probe("exchange", DATA "/a", DATA "/secret/key"));
	EXPECT_EQ(EACCES, probe("exchange", DATA "/secret/key", DATA "/a"));
	EXPECT_EQ(EACCES, probe("open", DATA "/secret/key", "r"));
	/* The allowed form: two directories under the same rules. */
	EXPECT_EQ(0, probe("exchange", DATA "/dir1", DATA "/dir3"));
}

/*
 * A program may not get a name whose exec rule runs it in another profile: the letters are the
 * same (x), what x does is not.
 */
TEST_F(moves, link_into_another_exec_transition_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	struct stat st;

	EXPECT_EQ(EACCES, probe("link", DATA "/bin/tool", DATA "/jobs/tool"));
	ASSERT_EQ(0, mg_find_event(from, DATA "/jobs/tool", MEDGATE_OP_LINK,
				   MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_ACCESS_EXEC, ev.access);
	EXPECT_EQ(EACCES, probe("rename", DATA "/bin/tool", DATA "/jobs/tool"));
	EXPECT_NE(0, lstat(DATA "/jobs/tool", &st));
	/* The allowed form: a new name under the same exec rule. */
	EXPECT_EQ(0, probe("link", DATA "/bin/tool", DATA "/bin/tool2"));
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

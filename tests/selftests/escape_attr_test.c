// SPDX-License-Identifier: GPL-2.0
/*
 * What a confined task changes without opening anything for writing (issue 9, escapes 4, 6, 7,
 * 9 and 11): terminal input (TIOCSTI), file attributes through a read-only descriptor
 * (FS_IOC_SETFLAGS), device nodes under a path the profile may create in, extended attributes,
 * remounts and new superblocks (fspick, fsopen), and an exec into a profile while another process
 * shares the caller's root and cwd (CLONE_FS). Each is refused with a record; each allowed form
 * still works.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <termios.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/attr"
#define PROG_A		D "/a"		/* mg-escape, attached to attr_a */
#define PROG_S		D "/s"		/* mg-escape, attached to attr_s: the allowed forms */
#define PROG_B		D "/b"		/* mg-escape, attached to attr_b */
#define FILE_RO		D "/file"
#define LOCKS		D "/lock"
#define MNT		D "/mnt"
#define MG_ESCAPE	"/medgate/helpers/mg-escape"

FIXTURE(attr) {
};

FIXTURE_SETUP(attr)
{
	mkdir(MG_WORKDIR, 0755);
	umount2(MNT, MNT_DETACH);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " D " " LOCKS " " MNT));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG_A, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG_S, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PROG_B, 0755));
	ASSERT_EQ(0, mg_write_file(FILE_RO, "data\n", 0644));
	ASSERT_EQ(0, mount("none", MNT, "tmpfs", 0, "size=64k"));
	ASSERT_EQ(0, mg_load_textf("profile attr_a {\n"
				   "    attach " PROG_A "\n"
				   "    file " FILE_RO " r\n"
				   "    file " LOCKS "/** rwc\n"
				   "    file /dev/pts/* rw\n"
				   /* trusted.* needs it before the xattr hook is asked */
				   "    capability sys_admin\n"
				   "}\n"
				   "profile attr_s {\n"
				   "    attach " PROG_S "\n"
				   "    file " FILE_RO " rs\n"
				   "    file " LOCKS "/** rwcn\n"
				   "    capability mknod\n"
				   "}\n"
				   "profile attr_b {\n"
				   "    attach " PROG_B "\n"
				   "}\n"));
}

FIXTURE_TEARDOWN(attr)
{
	umount2(MNT, MNT_DETACH);
}

static int act(const char *exe, const char *action, const char *arg1, const char *arg2)
{
	char *argv[] = { (char *)exe, (char *)action, (char *)arg1, (char *)arg2, NULL };

	return mg_run(argv);
}

/* A new terminal: the slave on descriptor 3 (what the confined program inherits). */
static int open_terminal(int *master, char *name, size_t len)
{
	struct termios tio;
	int slave;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master) ||
	    ptsname_r(*master, name, len))
		return -1;
	slave = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (slave < 0)
		return -1;
	/* Raw: an injected character is readable at once, without waiting for a newline. */
	if (tcgetattr(slave, &tio))
		return -1;
	cfmakeraw(&tio);
	if (tcsetattr(slave, TCSANOW, &tio))
		return -1;
	if (slave != 3 && (dup2(slave, 3) != 3 || close(slave)))
		return -1;
	return 3;
}

/*
 * TIOCSTI needs the terminal to be the caller's controlling terminal or CAP_SYS_ADMIN; these
 * tests run as root, so the unconfined baseline works where the kernel still has TIOCSTI.
 */
TEST_F(attr, terminal_injection_is_refused)
{
	uint64_t from;
	struct mg_event ev;
	char name[64], c;
	int master, base;

	ASSERT_EQ(3, open_terminal(&master, name, sizeof(name)));
	/* The baseline, unconfined: the character arrives (which shows the check below can fail). */
	base = act(MG_ESCAPE, "tiocsti", "3", NULL);
	if (base)
		TH_LOG("unconfined TIOCSTI fails here (%s): only the refusal is checked",
		       strerror(base));
	else
		EXPECT_EQ(1, read(3, &c, 1));
	from = mg_audit_next();
	EXPECT_EQ(EPERM, act(PROG_A, "tiocsti", "3", NULL));
	EXPECT_EQ(-1, read(3, &c, 1)) TH_LOG("a character reached the terminal's input");
	ASSERT_EQ(0, mg_find_event(from, name, MEDGATE_OP_IOCTL, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_IOCTL_TERMINAL_INJECTION, ev.access);
	EXPECT_STREQ("attr_a", ev.profile);
	close(3);
	close(master);
}

TEST_F(attr, file_flags_through_read_only_descriptor_need_s)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	int ret;

	EXPECT_EQ(EACCES, act(PROG_A, "setflags", FILE_RO, NULL));
	ASSERT_EQ(0, mg_find_event(from, FILE_RO, MEDGATE_OP_SETATTR, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_ACCESS_SETATTR, ev.access);
	/* With s the request reaches the file system, which may not support the flag. */
	ret = act(PROG_S, "setflags", FILE_RO, NULL);
	EXPECT_TRUE(ret == 0 || ret == ENOTTY || ret == EOPNOTSUPP || ret == EINVAL)
		TH_LOG("with s: %s", strerror(ret));
}

TEST_F(attr, device_node_needs_n)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	struct stat st;

	EXPECT_EQ(EACCES, act(PROG_A, "mknod-chr", LOCKS "/LCK..ttyS0", NULL));
	EXPECT_NE(0, lstat(LOCKS "/LCK..ttyS0", &st));
	ASSERT_EQ(0, mg_find_event(from, LOCKS "/LCK..ttyS0", MEDGATE_OP_DEVICE_NODE,
				   MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_ACCESS_CREATE | MEDGATE_ACCESS_DEVICE_NODE, ev.access);
	/* With cn the device node is made. */
	EXPECT_EQ(0, act(PROG_S, "mknod-chr", LOCKS "/LCK..ttyS1", NULL));
}

TEST_F(attr, extended_attributes_are_refused)
{
	static const char *const names[] = { "trusted.medgate", "security.medgate",
					     "user.medgate" };
	static const uint32_t classes[] = { MEDGATE_XATTR_TRUSTED, MEDGATE_XATTR_SECURITY,
					    MEDGATE_XATTR_USER };
	struct mg_event ev;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t from = mg_audit_next();

		EXPECT_EQ(EPERM, act(PROG_A, "setxattr", FILE_RO, names[i])) TH_LOG("%s", names[i]);
		ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_XATTR, MEDGATE_VERDICT_DENY, &ev));
		EXPECT_EQ(classes[i], ev.access);
		EXPECT_NE(0, ev.ino);
	}
}

/*
 * fspick + fsconfig(FSCONFIG_CMD_RECONFIGURE) turns a mount read-only (or back to read-write);
 * fsopen + FSCONFIG_CMD_CREATE makes a superblock that fsmount would attach anywhere.
 */
TEST_F(attr, remount_and_new_superblock_are_refused)
{
	uint64_t from = mg_audit_next();
	struct statvfs sv;
	struct mg_event ev;

	EXPECT_EQ(EPERM, act(PROG_A, "fspick-ro", MNT, NULL));
	ASSERT_EQ(0, statvfs(MNT, &sv));
	EXPECT_EQ(0, sv.f_flag & ST_RDONLY) TH_LOG("the mount was made read-only");
	EXPECT_EQ(EPERM, act(PROG_A, "fsopen-tmpfs", NULL, NULL));
	/* Refused either by the capability the new mount API needs, or by the mount hooks. */
	if (mg_find_event(from, NULL, MEDGATE_OP_MOUNT, MEDGATE_VERDICT_DENY, &ev))
		ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_CAPABILITY,
					   MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("attr_a", ev.profile);
	/* The allowed form, unconfined: the same program reconfigures the mount. */
	EXPECT_EQ(0, act(MG_ESCAPE, "fspick-ro", MNT, NULL));
}

/*
 * Entering a profile while another process shares the caller's root and cwd (clone(CLONE_FS))
 * would let that process move the new profile's root. The allowed form: the same exec without a
 * profile change (the program is not attached) goes ahead.
 */
TEST_F(attr, exec_into_profile_with_shared_fs_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, act(MG_ESCAPE, "clone-fs-exec", PROG_B, NULL));
	ASSERT_EQ(0, mg_find_event(from, PROG_B, MEDGATE_OP_EXEC, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(EPERM, ev.err);
	/* mg-escape without an action exits 2: it ran. */
	EXPECT_EQ(2, act(MG_ESCAPE, "clone-fs-exec", MG_ESCAPE, NULL));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Mount and chroot rules (issue 9, "Policy classes": mount with mount point and source matched as
 * paths, remount, bind, move, the new mount API, umount, chroot). A confined root granted
 * CAP_SYS_ADMIN changes the mount tree only where its rules say, with the sources they name:
 * each allowed form works, each other form is refused and recorded with its mount point, source
 * and type. What the review found (a bind mount through a symbolic link to a denied source, a
 * detached clone attached where a named source was required, fspick reconfiguring a mount no
 * rule names) is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/mountrules"
#define MOUNTER		D "/mounter"		/* mg-mount in mnt_rules */
#define ESCAPE		D "/escape"		/* mg-escape in mnt_rules */
#define SRC		D "/src"
#define MNT		D "/mnt"
#define JAIL		D "/jail"
#define OPEN		D "/open"		/* no deny rule reaches it */
#define MG_MOUNT	"/medgate/helpers/mg-mount"
#define MG_ESCAPE	"/medgate/helpers/mg-escape"

static const char policy[] =
	"profile mnt_rules {\n"
	"    attach " MOUNTER "\n"
	"    attach " ESCAPE "\n"
	"    file /** r\n"
	"    capability sys_admin sys_chroot\n"
	"    mount new type tmpfs " MNT "/new\n"
	"    mount new type tmpfs,ramfs " MNT "/fresh\n"
	"    mount bind " SRC "/pub -> " MNT "/bind\n"
	"    deny mount bind " SRC "/secret -> " MNT "/**\n"
	"    mount bind " MNT "/anysource\n"
	"    mount bind " OPEN "\n"
	"    mount move " MNT "/bind -> " MNT "/moved\n"
	"    mount remount " MNT "/new\n"
	"    mount propagation " MNT "/new\n"
	"    mount umount " MNT "/**\n"
	"    chroot " JAIL "\n"
	"}\n";

FIXTURE(mounts) {
	int unused;
};

FIXTURE_SETUP(mounts)
{
	mkdir(MG_WORKDIR, 0755);
	mg_unmount_below(D);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " SRC "/pub " SRC "/secret " JAIL " "
			    MNT "/new " MNT "/fresh " MNT "/bind " MNT "/moved " MNT "/other "
			    MNT "/anysource " OPEN " && echo s3cret > " SRC "/secret/key && "
			    "ln -s secret " SRC "/publink"));
	ASSERT_EQ(0, mg_copy_file(MG_MOUNT, MOUNTER, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, ESCAPE, 0755));
	ASSERT_EQ(0, mg_load_textf("%s", policy));
}

FIXTURE_TEARDOWN(mounts)
{
	mg_unmount_below(D);
}

static int run(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = { (char *)MOUNTER, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };

	return mg_run(argv);
}

/* The refusal recorded for mount point @path since @from, with its kind and source. */
static void expect_refusal(struct __test_metadata *_metadata, uint64_t from, uint32_t op,
			   const char *path, uint32_t kind, const char *source, const char *fstype)
{
	struct mg_event ev;

	ASSERT_EQ(0, mg_find_event(from, path, op, MEDGATE_VERDICT_DENY, &ev))
		TH_LOG("no refusal recorded for %s", path);
	EXPECT_EQ(kind, ev.access);
	EXPECT_STREQ("mnt_rules", ev.profile);
	EXPECT_STREQ(source, ev.source);
	EXPECT_STREQ(fstype, ev.fstype);
}

TEST_F(mounts, new_file_system_where_and_of_the_type_the_rule_names)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(0, run("new", "tmpfs", "none", MNT "/new"));
	EXPECT_EQ(0, run("new", "ramfs", "none", MNT "/fresh"));
	/* Another place, another type. */
	EXPECT_EQ(EPERM, run("new", "tmpfs", "none", MNT "/other"));
	expect_refusal(_metadata, from, MEDGATE_OP_MOUNT, MNT "/other", MEDGATE_MOUNT_NEW, "none",
		       "tmpfs");
	EXPECT_EQ(EPERM, run("new", "ramfs", "none", MNT "/new"));
}

/* The source of a bind mount is the directory the kernel will mount, links followed. */
TEST_F(mounts, bind_mount_of_the_named_source_only)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(0, run("bind", SRC "/pub", MNT "/bind", NULL));
	EXPECT_EQ(EPERM, run("bind", SRC "/pub", MNT "/other", NULL));
	/* The explicit deny: the secret directory may not be shown anywhere under MNT. */
	EXPECT_EQ(EPERM, run("bind", SRC "/secret", MNT "/anysource", NULL));
	ASSERT_EQ(0, mg_find_event(from, MNT "/anysource", MEDGATE_OP_MOUNT, MEDGATE_VERDICT_DENY,
				   &ev));
	EXPECT_STREQ(SRC "/secret", ev.source);
	EXPECT_NE(MEDGATE_RULE_NONE, ev.rule);
	/* A symbolic link named like an allowed source leads to the secret. */
	from = mg_audit_next();
	EXPECT_EQ(EPERM, run("bind", SRC "/publink", MNT "/anysource", NULL));
	expect_refusal(_metadata, from, MEDGATE_OP_MOUNT, MNT "/anysource", MEDGATE_MOUNT_BIND,
		       SRC "/secret", "");
	/* A rule without a source allows any other. */
	EXPECT_EQ(0, run("bind", SRC "/pub", MNT "/anysource", NULL));
}

/*
 * open_tree + move_mount: a detached clone has no name, so only a rule without a source fits,
 * and only where no deny rule naming a source reaches (the clone could be of that source).
 */
TEST_F(mounts, detached_clone_needs_a_rule_without_source)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(EPERM, run("clone-attach", SRC "/pub", MNT "/bind", NULL));
	expect_refusal(_metadata, from, MEDGATE_OP_MOUNT, MNT "/bind", MEDGATE_MOUNT_BIND, "", "");
	EXPECT_EQ(EPERM, run("clone-attach", SRC "/pub", MNT "/anysource", NULL));
	EXPECT_EQ(0, run("clone-attach", SRC "/pub", OPEN, NULL));
}

/* fsopen + fsmount + move_mount: decided by type when made, by place when attached. */
TEST_F(mounts, new_mount_api_decided_by_type_and_place)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(0, run("fsmount-tmpfs", MNT "/new", NULL, NULL));
	EXPECT_EQ(EPERM, run("fsmount-tmpfs", MNT "/other", NULL, NULL));
	expect_refusal(_metadata, from, MEDGATE_OP_MOUNT, MNT "/other", MEDGATE_MOUNT_NEW, "",
		       "tmpfs");
}

TEST_F(mounts, move_only_between_the_named_places)
{
	ASSERT_EQ(0, run("bind", SRC "/pub", MNT "/bind", NULL));
	EXPECT_EQ(EPERM, run("move", MNT "/bind", MNT "/other", NULL));
	EXPECT_EQ(0, run("move", MNT "/bind", MNT "/moved", NULL));
}

/* A remount needs a rule naming the mount point; fspick names none (escape 7's other form). */
TEST_F(mounts, remount_and_propagation_of_the_named_mount_only)
{
	char *fspick[] = { (char *)ESCAPE, (char *)"fspick-ro", (char *)MNT "/new", NULL };
	uint64_t from;

	ASSERT_EQ(0, run("new", "tmpfs", "none", MNT "/new"));
	ASSERT_EQ(0, run("new", "ramfs", "none", MNT "/fresh"));
	EXPECT_EQ(0, run("remount-ro", MNT "/new", NULL, NULL));
	EXPECT_EQ(0, run("private", MNT "/new", NULL, NULL));
	from = mg_audit_next();
	EXPECT_EQ(EPERM, run("remount-ro", MNT "/fresh", NULL, NULL));
	expect_refusal(_metadata, from, MEDGATE_OP_MOUNT, MNT "/fresh", MEDGATE_MOUNT_REMOUNT, "",
		       "");
	EXPECT_EQ(EPERM, run("private", MNT "/fresh", NULL, NULL));
	EXPECT_EQ(EPERM, mg_run(fspick));
}

TEST_F(mounts, umount_under_the_named_tree_only)
{
	uint64_t from;

	ASSERT_EQ(0, run("new", "tmpfs", "none", MNT "/new"));
	EXPECT_EQ(0, run("umount", MNT "/new", NULL, NULL));
	/* A mount the system made elsewhere. */
	ASSERT_EQ(0, system("mkdir -p " D "/sys && mount -t tmpfs none " D "/sys"));
	from = mg_audit_next();
	EXPECT_EQ(EPERM, run("umount", D "/sys", NULL, NULL));
	expect_refusal(_metadata, from, MEDGATE_OP_MOUNT, D "/sys", MEDGATE_MOUNT_UMOUNT, "", "");
	EXPECT_EQ(0, system("umount " D "/sys"));
}

TEST_F(mounts, chroot_into_the_named_directory_only)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(0, run("chroot", JAIL, NULL, NULL));
	EXPECT_EQ(EPERM, run("chroot", SRC, NULL, NULL));
	expect_refusal(_metadata, from, MEDGATE_OP_CHROOT, SRC, 0, "", "");
}

TEST_HARNESS_MAIN

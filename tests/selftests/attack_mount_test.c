// SPDX-License-Identifier: GPL-2.0
/*
 * Attacks on the mount and chroot rules by a confined root service that holds CAP_SYS_ADMIN and
 * a few mount rules (the mount_rules_test profile, with file rules that hide two directories).
 * What escaped before the fixes, each refused now:
 *
 *   - a detached clone (open_tree(OPEN_TREE_CLONE)) of a source an explicit deny names, attached
 *     where a rule without a source allows: the clone has no name, and a deny rule naming a
 *     source never matched "no name";
 *   - the same with a bind mount whose source is spelled in more than 256 bytes (the hook does
 *     not copy it, so it had no name either);
 *   - a bind mount of the parent of a denied source, or of "/", which shows it inside;
 *   - the device of a new mount spelled relative to the working directory, past a deny naming it;
 *   - a clone of the root of a tmpfs the system mounted, attached where "mount new type tmpfs"
 *     allows: it was taken for a new file system of that type, and showed files the file rules
 *     hide under a name they allow;
 *   - a system mount opened with open_tree() (no clone) before a chroot, moved into the jail
 *     where "mount new type tmpfs" allows: with no name inside the chroot it was taken for a
 *     detached new file system;
 *   - mount_setattr(), which has no LSM hook: per-mount flags and propagation changed on any
 *     mount, whatever the remount and propagation rules said;
 *   - a bind mount of "." or /proc/self/fd/N: the module looked the source up, decided, and the
 *     kernel looked it up again, while another thread changed the working directory or the
 *     descriptor in between (a race, tried a few hundred times here).
 *
 * The other attempts are guarded: per-mount remount flags, lazy unmounts of a mount no rule
 * names, the ways out of a chroot, pivot_root without a rule, fsmount of a type the mount point
 * does not take, moving an attached mount and joining a peer group without a move rule.
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

#define D		MG_WORKDIR "/mountattack"
#define ATTACKER	D "/attacker"		/* mg-mount-attack in mnt_attack */
#define MOUNTER		D "/mounter"		/* mg-mount in mnt_attack */
#define SRC		D "/src"
#define MNT		D "/mnt"
#define JAIL		D "/jail"
#define SYSFS		D "/systmp"		/* a tmpfs the system mounted, hidden by file rules */
#define DEVDIR		D "/dev"		/* "disk" there: a device no rule lets it mount */
#define MG_ATTACK	"/medgate/helpers/mg-mount-attack"
#define MG_MOUNT	"/medgate/helpers/mg-mount"
#define RACE_TRIES	"300"

static const char policy[] =
	"profile mnt_attack {\n"
	"    attach " ATTACKER "\n"
	"    attach " MOUNTER "\n"
	"    file /** r\n"
	"    deny file " SRC "/secret/** r\n"
	"    deny file " SYSFS "/** r\n"
	"    capability sys_admin sys_chroot\n"
	"    mount new type tmpfs " MNT "/new\n"
	"    mount new type tmpfs,ramfs " MNT "/fresh\n"
	"    mount bind " SRC "/pub -> " MNT "/bind\n"
	"    deny mount bind " SRC "/secret -> " MNT "/**\n"
	"    mount bind " MNT "/anysource\n"
	"    mount move " MNT "/bind -> " MNT "/moved\n"
	"    mount remount " MNT "/new\n"
	"    mount propagation " MNT "/new\n"
	"    mount umount " MNT "/**\n"
	"    chroot " JAIL "\n"
	"    mount new type ext4 " MNT "/usb\n"
	"    deny mount new " DEVDIR "/disk -> " MNT "/usb\n"
	"}\n";

FIXTURE(attack) {
	int unused;
};

FIXTURE_SETUP(attack)
{
	mkdir(MG_WORKDIR, 0755);
	mg_unmount_below(D);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " SRC "/pub " SRC "/secret " JAIL " "
			    SYSFS " " MNT "/new " MNT "/fresh " MNT "/bind " MNT "/moved "
			    MNT "/other " MNT "/anysource " MNT "/usb " DEVDIR " && touch " DEVDIR "/disk && echo s3cret > " SRC "/secret/key && "
			    "mount -t tmpfs none " SYSFS " && echo s3cret > " SYSFS "/key"));
	ASSERT_EQ(0, mg_copy_file(MG_ATTACK, ATTACKER, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_MOUNT, MOUNTER, 0755));
	ASSERT_EQ(0, mg_load_textf("%s", policy));
}

FIXTURE_TEARDOWN(attack)
{
	mg_unmount_below(D);
}

static int attack(const char *a1, const char *a2, const char *a3, const char *a4,
		  const char *a5)
{
	char *argv[] = { (char *)ATTACKER, (char *)a1, (char *)a2, (char *)a3, (char *)a4,
			 (char *)a5, NULL };

	return mg_run(argv);
}

static int mounter(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = { (char *)MOUNTER, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };

	return mg_run(argv);
}

/* The refusal recorded for mount point @path since @from: its kind and source. */
static void expect_refusal(struct __test_metadata *_metadata, uint64_t from, const char *path,
			   uint32_t kind, const char *source)
{
	struct mg_event ev;

	ASSERT_EQ(0, mg_find_event(from, path, MEDGATE_OP_MOUNT, MEDGATE_VERDICT_DENY, &ev))
		TH_LOG("no refusal recorded for %s", path);
	EXPECT_EQ(kind, ev.access);
	EXPECT_STREQ("mnt_attack", ev.profile);
	EXPECT_STREQ(source, ev.source);
}

/* Whether anything is mounted at @path (a line of /proc/self/mounts names it). */
static bool mounted_at(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "grep -q ' %s ' /proc/self/mounts", path);
	return system(cmd) == 0;
}

/*
 * A clone has no name: a deny rule naming a source may be about it, so it applies. A rule
 * without a source still allows a clone where no such deny rule reaches (mount_rules_test).
 */
TEST_F(attack, detached_clone_of_a_denied_source)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(EPERM, attack("clone-attach-read", SRC "/secret", MNT "/anysource",
				MNT "/anysource/key", NULL));
	expect_refusal(_metadata, from, MNT "/anysource", MEDGATE_MOUNT_BIND, "");
	EXPECT_FALSE(mounted_at(MNT "/anysource"));
}

/* A source the hook cannot copy whole has no name either. */
TEST_F(attack, denied_source_spelled_longer_than_the_hook_copies)
{
	char source[600] = SRC;
	uint64_t from = mg_audit_next();

	while (strlen(source) < 400)
		strcat(source, "/.");
	strcat(source, "/secret");
	EXPECT_EQ(EPERM, mounter("bind", source, MNT "/anysource", NULL));
	expect_refusal(_metadata, from, MNT "/anysource", MEDGATE_MOUNT_BIND, "");
	EXPECT_FALSE(mounted_at(MNT "/anysource"));
}

/*
 * A deny naming a source is about what a mount shows: a bind mount of a directory above the
 * denied one shows it too, inside the new mount, under a name the file rules allow (found open:
 * only the named directory itself was refused).
 */
TEST_F(attack, bind_mount_of_an_ancestor_of_a_denied_source)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, attack("clone-attach-read", SRC, MNT "/anysource",
				MNT "/anysource/secret/key", NULL));
	EXPECT_EQ(EPERM, mounter("bind", SRC, MNT "/anysource", NULL));
	ASSERT_EQ(0, mg_find_event(from, MNT "/anysource", MEDGATE_OP_MOUNT, MEDGATE_VERDICT_DENY,
				   &ev));
	EXPECT_NE(MEDGATE_RULE_NONE, ev.rule);
	EXPECT_EQ(EPERM, mounter("bind", "/", MNT "/anysource", NULL));
	/* Below it: part of what the deny names. */
	ASSERT_EQ(0, system("mkdir " SRC "/secret/sub"));
	EXPECT_EQ(EPERM, mounter("bind", SRC "/secret/sub", MNT "/anysource", NULL));
	EXPECT_FALSE(mounted_at(MNT "/anysource"));
	/* A sibling of the denied directory shows nothing of it. */
	EXPECT_EQ(0, mounter("bind", SRC "/pub", MNT "/anysource", NULL));
}

/*
 * A relative source of a new mount is looked up from the working directory by the file system
 * (lookup_bdev()): it may be the device a deny names. Refused by medgate (EPERM, recorded), not
 * left to fail in the kernel (no ext4 here, and the "device" is a plain file).
 */
TEST_F(attack, relative_device_of_a_new_mount)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(EPERM, attack("new-in", D, "ext4", "dev/disk", MNT "/usb"));
	expect_refusal(_metadata, from, MNT "/usb", MEDGATE_MOUNT_NEW, "dev/disk");
	/* Spelled absolute it is a name, and the deny names it. */
	EXPECT_EQ(EPERM, mounter("new", "ext4", DEVDIR "/disk", MNT "/usb"));
	/* Another device passes medgate; the kernel refuses the plain file (not EPERM). */
	EXPECT_NE(EPERM, mounter("new", "ext4", D "/src/pub", MNT "/usb"));
}

/*
 * "mount new type tmpfs" is a new, empty file system, not the root of one that is mounted
 * already: a clone of that is a bind mount of unknown source.
 */
TEST_F(attack, clone_of_a_mounted_file_system_is_not_a_new_one)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(EPERM, attack("clone-attach-read", SYSFS, MNT "/new", MNT "/new/key", NULL));
	expect_refusal(_metadata, from, MNT "/new", MEDGATE_MOUNT_BIND, "");
	EXPECT_FALSE(mounted_at(MNT "/new"));
	/* A file system the task makes itself is new: tmpfs where the rule takes it. */
	EXPECT_EQ(0, attack("fsmount", "tmpfs", MNT "/new", NULL, NULL));
	/* Not ramfs there: the rule names tmpfs only. */
	EXPECT_EQ(EPERM, attack("fsmount", "ramfs", MNT "/new", NULL, NULL));
}

/* mount_setattr() has no hook: refused to a confined task, recorded as a remount of nothing. */
TEST_F(attack, mount_setattr_is_refused)
{
	struct mg_event ev;
	uint64_t from;

	ASSERT_EQ(0, system("mount -t ramfs none " MNT "/fresh"));
	ASSERT_EQ(0, system("mount -t tmpfs none " MNT "/new"));
	from = mg_audit_next();
	EXPECT_EQ(EPERM, attack("setattr-ro", MNT "/fresh", NULL, NULL, NULL));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_MOUNT, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_MOUNT_REMOUNT, ev.access);
	EXPECT_STREQ("mnt_attack", ev.profile);
	EXPECT_EQ(EPERM, attack("setattr-private", MNT "/fresh", NULL, NULL, NULL));
	/* Even where remount and propagation rules allow: the call does not say where. */
	EXPECT_EQ(EPERM, attack("setattr-ro", MNT "/new", NULL, NULL, NULL));
	/* mount(2) does the same, decided by those rules. */
	EXPECT_EQ(EPERM, attack("remount-bind-ro", MNT "/fresh", NULL, NULL, NULL));
	EXPECT_EQ(0, attack("remount-bind-ro", MNT "/new", NULL, NULL, NULL));
}

/*
 * The kernel looks the source of a bind mount up again after the hook: a source named through
 * the working directory or a descriptor is named by what the task can change in between, so it
 * is an unknown source (only rules without a source allow it).
 */
TEST_F(attack, source_through_cwd_or_descriptor_is_not_a_name)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(EPERM, attack("bind-fd", SRC "/pub", MNT "/bind", NULL, NULL));
	/* The record names what the source led to when it was decided. */
	expect_refusal(_metadata, from, MNT "/bind", MEDGATE_MOUNT_BIND, SRC "/pub");
	EXPECT_EQ(EPERM, attack("bind-cwd", SRC "/pub", MNT "/bind", NULL, NULL));
	EXPECT_FALSE(mounted_at(MNT "/bind"));
	/* Spelled as the canonical path it is a name. */
	EXPECT_EQ(0, mounter("bind", SRC "/pub", MNT "/bind", NULL));
}

/*
 * Exit 100 + n: the secret was mounted n times (the helper's count, capped). Before the fix the
 * descriptor race won 12 of 300 tries in one VM run (the working-directory one none).
 */
TEST_F_TIMEOUT(attack, source_swapped_by_another_thread, 240)
{
	int ret;

	ret = attack("race-fd", SRC "/pub", SRC "/secret", MNT "/bind", RACE_TRIES);
	EXPECT_EQ(0, ret) TH_LOG("descriptor race: the secret mounted %d times in " RACE_TRIES,
				 ret - 100);
	ret = attack("race-cwd", SRC "/pub", SRC "/secret", MNT "/bind", RACE_TRIES);
	EXPECT_EQ(0, ret) TH_LOG("working directory race: the secret mounted %d times in "
				 RACE_TRIES, ret - 100);
}

/*
 * A mount of the system, opened before a chroot, has no name inside it; it is attached, so
 * move_mount moves it: a move of unknown source, not a new file system of its type (the jail
 * holds a directory named like the mount point of "mount new type tmpfs").
 */
TEST_F(attack, system_mount_moved_into_a_chroot)
{
	uint64_t from = mg_audit_next();

	ASSERT_EQ(0, system("mkdir -p " JAIL MNT "/new"));
	EXPECT_EQ(EPERM, attack("chroot-move", SYSFS, JAIL, MNT "/new", NULL));
	EXPECT_TRUE(mounted_at(SYSFS));
	EXPECT_FALSE(mounted_at(JAIL MNT "/new"));
	/* Named as the task saw it, from its root. */
	expect_refusal(_metadata, from, MNT "/new", MEDGATE_MOUNT_MOVE, "");
}

/* ---- refused as they should be ---- */

TEST_F(attack, lazy_umount_of_a_mount_no_rule_names)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(EPERM, attack("umount-detach", SYSFS, NULL, NULL, NULL));
	expect_refusal(_metadata, from, SYSFS, MEDGATE_MOUNT_UMOUNT, "");
	EXPECT_TRUE(mounted_at(SYSFS));
}

TEST_F(attack, no_way_out_of_the_chroot)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, attack("chroot-out", JAIL, NULL, NULL, NULL));
	/* The old root lies outside the task's root: it has no name there. */
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_CHROOT, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("mnt_attack", ev.profile);
	EXPECT_EQ(EPERM, attack("fchdir-chroot", SRC, NULL, NULL, NULL));
	EXPECT_EQ(0, attack("fchdir-chroot", JAIL, NULL, NULL, NULL));
}

TEST_F(attack, pivot_root_without_a_rule)
{
	uint64_t from = mg_audit_next();

	ASSERT_EQ(0, system("mount -t tmpfs none " MNT "/new"));
	EXPECT_EQ(EPERM, attack("pivot", MNT "/new", MNT "/new", NULL, NULL));
	expect_refusal(_metadata, from, MNT "/new", MEDGATE_MOUNT_PIVOT_ROOT, "");
}

/* What another service reads or medgate stands on: no rule names it, so nothing changes there. */
TEST_F(attack, system_places_without_a_rule)
{
	uint64_t from = mg_audit_next();

	EXPECT_EQ(EPERM, mounter("new", "tmpfs", "none", "/sys/fs/bpf"));
	expect_refusal(_metadata, from, "/sys/fs/bpf", MEDGATE_MOUNT_NEW, "none");
	EXPECT_EQ(EPERM, mounter("new", "tmpfs", "none", "/etc"));
	EXPECT_EQ(EPERM, mounter("new", "tmpfs", "none", "/proc/sys"));
	EXPECT_EQ(EPERM, attack("umount-detach", "/sys/fs/bpf", NULL, NULL, NULL));
	EXPECT_EQ(EPERM, attack("clone-attach-read", MNT, "/etc", "/etc/passwd", NULL));
}

/* An attached mount handed to move_mount is moved: it needs a move rule. */
TEST_F(attack, attached_tree_moved_or_grouped_without_a_move_rule)
{
	uint64_t from;

	ASSERT_EQ(0, mounter("bind", SRC "/pub", MNT "/anysource", NULL));
	ASSERT_EQ(0, system("mount -t tmpfs none " MNT "/new"));
	from = mg_audit_next();
	EXPECT_EQ(EPERM, attack("tree-move", MNT "/anysource", MNT "/other", NULL, NULL));
	expect_refusal(_metadata, from, MNT "/other", MEDGATE_MOUNT_MOVE, MNT "/anysource");
	EXPECT_EQ(EPERM, attack("set-group", MNT "/new", MNT "/anysource", NULL, NULL));
	EXPECT_FALSE(mounted_at(MNT "/other"));
}

TEST_HARNESS_MAIN

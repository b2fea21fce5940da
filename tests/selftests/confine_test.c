// SPDX-License-Identifier: GPL-2.0
/*
 * A confined task cannot change the view of the file system that every path decision depends on
 * (chroot, mount, user namespaces) nor use bpf() or the capabilities that reach medgate; the
 * same program unconfined can. Each refusal is audited with its operation.
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

#define D	MG_WORKDIR "/confine"
#define PROBE	D "/probe"
#define MNT	D "/mnt"

static const char policy[] =
	"profile confine {\n"
	"    attach " PROBE "\n"
	"    exec " PROBE "\n"
	"    file " D "/** r\n"
	/* The capabilities chroot and bpf() check first: the hooks themselves must refuse. */
	"    capability sys_chroot bpf\n"
	"}\n";

FIXTURE(confine) {
};

FIXTURE_VARIANT(confine) {
	const char *action;
	const char *arg;
	uint32_t op;
	const char *recorded;	/* the path the audit record names, if any */
};

FIXTURE_VARIANT_ADD(confine, chroot) {
	.action = "chroot", .arg = D, .op = MEDGATE_OP_CHROOT, .recorded = D,
};
FIXTURE_VARIANT_ADD(confine, user_namespace) { .action = "unshare-user", .op = MEDGATE_OP_USERNS };
FIXTURE_VARIANT_ADD(confine, mount) {
	.action = "mount-tmpfs", .arg = MNT, .op = MEDGATE_OP_MOUNT, .recorded = MNT,
};
FIXTURE_VARIANT_ADD(confine, bpf) { .action = "bpf-map", .op = MEDGATE_OP_BPF };

FIXTURE_SETUP(confine)
{
	char err[512];

	mkdir(MG_WORKDIR, 0755);
	mkdir(D, 0755);
	mkdir(MNT, 0755);
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_load_text(policy, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
}

FIXTURE_TEARDOWN(confine)
{
	umount2(MNT, MNT_DETACH);
}

static int probe(const char *exe, const FIXTURE_VARIANT(confine) *v)
{
	char *argv[] = { (char *)exe, (char *)v->action, (char *)v->arg, NULL };

	return mg_run(argv);
}

TEST_F(confine, refused_when_confined_and_audited)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, probe(PROBE, variant));
	ASSERT_EQ(0, mg_find_event(from, NULL, variant->op, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("confine", ev.profile);
	EXPECT_EQ(EPERM, ev.err);
	/* A refused mount or chroot names what it acted on. */
	if (variant->recorded)
		EXPECT_STREQ(variant->recorded, ev.path);
}

TEST_F(confine, allowed_when_unconfined)
{
	EXPECT_EQ(0, probe(MG_PROBE, variant));
}

TEST_HARNESS_MAIN

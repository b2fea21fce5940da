// SPDX-License-Identifier: GPL-2.0
/*
 * Class rules (issue 9, "Policy classes", escapes 5 and 14): what a profile may do beyond files.
 * A confined root keeps only the capabilities its profile names; an explicit deny beats an allow;
 * complain mode reports and allows an ordinary capability but never the control plane (policy
 * loads, detaching the BPF programs, kexec); ptrace and signal rules open exactly the peers they
 * name. Every refusal is recorded with the capability by name and the deciding rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/classes"
#define PLAIN		D "/plain"	/* mg-escape in cls_plain: no class rule at all */
#define BIND		D "/bind"	/* mg-escape in cls_bind: capability net_bind_service */
#define DENIED		D "/denied"	/* mg-escape in cls_denied: all but net_bind_service */
#define PEERS		D "/peers"	/* mg-escape in cls_peers: ptrace and signal rules */
#define NS		D "/ns"		/* mg-escape in cls_ns: namespace mnt uts */
#define KLOAD		D "/kload"	/* mg-escape in cls_kload: the capabilities, no kernel rule */
#define KLOAD_OK	D "/kload-ok"	/* mg-escape in cls_kload_ok: kernel module kexec */
#define LAX		D "/lax"	/* mg-escape in cls_lax, complain mode */
#define BPF_MAPS	D "/bpf-maps"	/* mg-probe in cls_bpf_maps: bpf maps */
#define BPF_LOAD	D "/bpf-load"	/* mg-probe in cls_bpf_load: bpf load */
#define LAX_CTL		D "/lax-ctl"	/* medgatectl in cls_lax */
#define LAX_DAEMON	D "/lax-daemon"	/* medgated in cls_lax */
#define POLICY_FILE	D "/empty.policy"
#define MG_ESCAPE	"/medgate/helpers/mg-escape"
#define CAP_NET_BIND_SERVICE	10
#define CAP_SYS_BOOT		22
#define CAP_SYS_RAWIO		17
#define CAP_DAC_READ_SEARCH	2

static const char policy[] =
	"profile cls_plain {\n    attach " PLAIN "\n    file /** r\n}\n"
	"profile cls_bind {\n    attach " BIND "\n    capability net_bind_service\n}\n"
	"profile cls_denied {\n    attach " DENIED "\n    capability all\n"
	"    deny capability net_bind_service\n}\n"
	"profile cls_peers {\n    attach " PEERS "\n    ptrace trace unconfined\n"
	"    signal unconfined term\n}\n"
	"profile cls_lax {\n    attach " LAX "\n    attach " LAX_CTL "\n    attach " LAX_DAEMON "\n"
	"    mode complain\n}\n"
	"profile cls_bpf_maps {\n    attach " BPF_MAPS "\n    capability bpf\n    bpf maps\n}\n"
	"profile cls_bpf_load {\n    attach " BPF_LOAD "\n    capability bpf\n    bpf load\n}\n"
	"profile cls_ns {\n    attach " NS "\n    namespace mnt uts\n}\n"
	"profile cls_kload {\n    attach " KLOAD "\n    file /** r\n"
	"    capability sys_module sys_boot\n}\n"
	"profile cls_kload_ok {\n    attach " KLOAD_OK "\n    file /** r\n"
	"    capability sys_module sys_boot\n    kernel module kexec\n}\n";

FIXTURE(classes) {
	pid_t victim;
};

FIXTURE_SETUP(classes)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " D));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PLAIN, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, BIND, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, DENIED, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, PEERS, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, NS, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, KLOAD, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, KLOAD_OK, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_ESCAPE, LAX, 0755));
	ASSERT_EQ(0, mg_copy_file("/usr/sbin/medgatectl", LAX_CTL, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, BPF_MAPS, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, BPF_LOAD, 0755));
	ASSERT_EQ(0, mg_copy_file("/usr/sbin/medgated", LAX_DAEMON, 0755));
	ASSERT_EQ(0, mg_write_file(POLICY_FILE, "profile nothing {\n}\n", 0644));
	ASSERT_EQ(0, mg_load_textf("%s", policy));
	self->victim = fork();
	ASSERT_LE(0, self->victim);
	if (self->victim == 0) {
		pause();
		_exit(0);
	}
}

FIXTURE_TEARDOWN(classes)
{
	kill(self->victim, SIGKILL);
	waitpid(self->victim, NULL, 0);
}

static int run(const char *exe, const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { (char *)exe, (char *)a1, (char *)a2, (char *)a3, NULL };

	return mg_run(argv);
}

/* The first capability record for @cap since @from. */
static int cap_event(uint64_t from, uint32_t cap, uint32_t verdict, struct mg_event *ev)
{
	uint64_t seq = from;

	while (!mg_find_event(seq, NULL, MEDGATE_OP_CAPABILITY, verdict, ev)) {
		if (ev->access == cap)
			return 0;
		seq = ev->seq + 1;
	}
	return -1;
}

/* A confined root keeps no capability its profile does not name. */
TEST_F(classes, capability_without_rule_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EACCES, run(PLAIN, "bind-tcp", "80", NULL));
	ASSERT_EQ(0, cap_event(from, CAP_NET_BIND_SERVICE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("cls_plain", ev.profile);
	EXPECT_EQ(MEDGATE_RULE_NONE, ev.rule);
	/* The allowed form: the profile that names it binds. */
	EXPECT_EQ(0, run(BIND, "bind-tcp", "80", NULL));
}

/* The capabilities the review found usable from a confined root (escape 14). */
TEST_F(classes, dangerous_capabilities_are_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	int ret;

	EXPECT_EQ(EPERM, run(PLAIN, "kexec", NULL, NULL));
	EXPECT_EQ(0, cap_event(from, CAP_SYS_BOOT, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(EPERM, run(PLAIN, "open-by-handle", POLICY_FILE, NULL));
	EXPECT_EQ(0, cap_event(from, CAP_DAC_READ_SEARCH, MEDGATE_VERDICT_DENY, &ev));
	ret = run(PLAIN, "iopl", NULL, NULL);
	if (ret == ENOSYS)
		SKIP(return, "iopl() exists on x86 only");
	EXPECT_EQ(EPERM, ret);
	EXPECT_EQ(0, cap_event(from, CAP_SYS_RAWIO, MEDGATE_VERDICT_DENY, &ev));
}

TEST_F(classes, explicit_deny_beats_allow_and_names_its_rule)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EACCES, run(DENIED, "bind-tcp", "81", NULL));
	ASSERT_EQ(0, cap_event(from, CAP_NET_BIND_SERVICE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_NE(MEDGATE_RULE_NONE, ev.rule);
	EXPECT_EQ(12, ev.rule_line);	/* "deny capability net_bind_service" */
	EXPECT_STREQ("cls_denied", ev.profile);
}

/* Complain mode allows an ordinary capability and reports it. */
TEST_F(classes, complain_mode_reports_ordinary_capability)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(0, run(LAX, "bind-tcp", "82", NULL));
	EXPECT_EQ(0, cap_event(from, CAP_NET_BIND_SERVICE, MEDGATE_VERDICT_WOULD_DENY, &ev));
}

/*
 * Escape 5: a complain-mode profile cannot load a policy, detach the BPF programs or replace the
 * kernel; each is refused and recorded as a denial.
 */
TEST_F(classes, complain_mode_never_grants_the_control_plane)
{
	uint64_t version = mg_policy_version(), from = mg_audit_next();
	struct mg_event ev;
	struct stat st;

	EXPECT_NE(0, run(LAX_CTL, "policy", "load", POLICY_FILE));
	EXPECT_EQ(version, mg_policy_version()) TH_LOG("the complain-mode profile loaded a policy");
	EXPECT_EQ(0, cap_event(from, 33 /* CAP_MAC_ADMIN */, MEDGATE_VERDICT_DENY, &ev));

	EXPECT_NE(0, run(LAX_DAEMON, "--detach", NULL, NULL));
	EXPECT_EQ(0, stat("/sys/fs/bpf/medgate/hook_file_open", &st))
		TH_LOG("the complain-mode profile detached the BPF programs");
	/* Still enforcing: a profile without the capability is refused. */
	EXPECT_EQ(EACCES, run(PLAIN, "bind-tcp", "83", NULL));

	EXPECT_EQ(EPERM, run(LAX, "kexec", NULL, NULL));
	EXPECT_EQ(0, cap_event(from, CAP_SYS_BOOT, MEDGATE_VERDICT_DENY, &ev));
}

/* The first namespace record of @type since @from. */
static int ns_event(uint64_t from, uint32_t type, struct mg_event *ev)
{
	uint64_t seq = from;

	while (!mg_find_event(seq, NULL, MEDGATE_OP_NAMESPACE, MEDGATE_VERDICT_DENY, ev)) {
		if (ev->access == type)
			return 0;
		seq = ev->seq + 1;
	}
	return -1;
}

/* setns(FD, 0) in @exe, FD this process's namespace file @ns, inherited across the exec. */
static int setns_fd(const char *exe, const char *ns)
{
	char fd_word[16];
	int fd = open(ns, O_RDONLY), ret;

	if (fd < 0)
		return -errno;
	snprintf(fd_word, sizeof(fd_word), "%d", fd);
	ret = run(exe, "setns-fd", fd_word, NULL);
	close(fd);
	return ret;
}

/*
 * Escape 8: namespaces. 6.1 has no setns or unshare hook; the CAP_SYS_ADMIN (and, for setns of a
 * mount namespace, CAP_SYS_CHROOT) check on their path is decided by the namespace rules, type by
 * type. Without a rule a chrooted service cannot setns back to the host's root, and no namespace
 * can be made, even with every capability; a new user namespace has a hook of its own
 * (userns_create).
 */
TEST_F(classes, namespaces_without_rule_are_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, run(PLAIN, "unshare", "0x20000", NULL));	/* CLONE_NEWNS */
	ASSERT_EQ(0, ns_event(from, MEDGATE_NS_MNT, &ev));
	EXPECT_STREQ("cls_plain", ev.profile);
	EXPECT_EQ(MEDGATE_RULE_NONE, ev.rule);
	EXPECT_EQ(EPERM, run(PLAIN, "unshare", "0x4000000", NULL));	/* CLONE_NEWUTS */
	EXPECT_EQ(0, ns_event(from, MEDGATE_NS_UTS, &ev));
	EXPECT_EQ(EPERM, run(PLAIN, "setns-self", NULL, NULL));
	from = mg_audit_next();
	EXPECT_EQ(EPERM, setns_fd(PLAIN, "/proc/self/ns/net"));
	EXPECT_EQ(0, ns_event(from, MEDGATE_NS_NET, &ev));
	EXPECT_EQ(EPERM, run(PLAIN, "unshare", "0x10000000", NULL));	/* CLONE_NEWUSER */
	EXPECT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_USERNS, MEDGATE_VERDICT_DENY, &ev));
	/* capability all (cls_denied) grants sys_admin, not namespaces. */
	from = mg_audit_next();
	EXPECT_EQ(EPERM, run(DENIED, "unshare", "0x40000000", NULL));	/* CLONE_NEWNET */
	ASSERT_EQ(0, ns_event(from, MEDGATE_NS_NET, &ev));
	EXPECT_STREQ("cls_denied", ev.profile);
	/* Unconfined, the same program unshares. */
	EXPECT_EQ(0, run(MG_ESCAPE, "unshare", "0x20000", NULL));
}

/* bpf() by command: a profile that may use maps cannot make one; one that may load can. */
TEST_F(classes, bpf_commands_are_decided_one_by_one)
{
	uint64_t from = mg_audit_next();
	char *maps[] = { BPF_MAPS, "bpf-map", NULL }, *load[] = { BPF_LOAD, "bpf-map", NULL };
	struct mg_event ev;

	EXPECT_EQ(EPERM, mg_run(maps));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_BPF, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(0, ev.access);	/* BPF_MAP_CREATE */
	EXPECT_STREQ("cls_bpf_maps", ev.profile);
	EXPECT_EQ(0, mg_run(load));
}

/* namespace mnt uts: those two types, by unshare and by setns, and no other. */
TEST_F(classes, namespace_rules_allow_the_types_they_name)
{
	uint64_t from;
	struct mg_event ev;

	EXPECT_EQ(0, run(NS, "unshare", "0x20000", NULL));		/* CLONE_NEWNS */
	EXPECT_EQ(0, run(NS, "unshare", "0x4020000", NULL));		/* NEWNS | NEWUTS */
	EXPECT_EQ(0, run(NS, "setns-self", NULL, NULL));
	EXPECT_EQ(0, setns_fd(NS, "/proc/self/ns/uts"));
	from = mg_audit_next();
	EXPECT_EQ(EPERM, run(NS, "unshare", "0x40020000", NULL));	/* NEWNS | NEWNET */
	ASSERT_EQ(0, ns_event(from, MEDGATE_NS_NET, &ev));
	EXPECT_STREQ("cls_ns", ev.profile);
	EXPECT_EQ(EPERM, setns_fd(NS, "/proc/self/ns/ipc"));
	EXPECT_EQ(0, ns_event(from, MEDGATE_NS_IPC, &ev));
}

/* The first kernel-load record of @what since @from. */
static int kload_event(uint64_t from, uint32_t what, uint32_t verdict, struct mg_event *ev)
{
	uint64_t seq = from;

	while (!mg_find_event(seq, NULL, MEDGATE_OP_KERNEL_LOAD, verdict, ev)) {
		if (ev->access == what)
			return 0;
		seq = ev->seq + 1;
	}
	return -1;
}

/*
 * Loading a module or a kexec image needs the kernel rule besides the capability: with
 * sys_module and sys_boot but no rule, finit_module() of a real module and kexec_load() are
 * refused and recorded; with the rule, the module is read (and found loaded already: EEXIST,
 * the VM loaded veth before the tests) and kexec_load() unloads no image.
 */
TEST_F(classes, kernel_loads_need_their_rule)
{
	uint64_t from = mg_audit_next();
	char module[256];
	struct utsname u;
	struct mg_event ev;
	struct stat st;

	ASSERT_EQ(0, uname(&u));
	snprintf(module, sizeof(module), "/lib/modules/%s/kernel/drivers/net/veth.ko", u.release);
	EXPECT_EQ(EPERM, run(KLOAD, "kexec", NULL, NULL));
	ASSERT_EQ(0, kload_event(from, MEDGATE_KLOAD_KEXEC, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("cls_kload", ev.profile);
	EXPECT_EQ(MEDGATE_RULE_NONE, ev.rule);
	EXPECT_EQ(0, run(KLOAD_OK, "kexec", NULL, NULL));
	if (stat(module, &st))
		SKIP(return, "no %s in this VM (the module tests need veth.ko)", module);
	EXPECT_EQ(EPERM, run(KLOAD, "finit-module", module, NULL));
	EXPECT_EQ(0, kload_event(from, MEDGATE_KLOAD_MODULE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(EEXIST, run(KLOAD_OK, "finit-module", module, NULL));
}

/* ptrace and signal rules open the peers and signals they name, nothing else. */
TEST_F(classes, peer_rules_allow_what_they_name)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", self->victim);
	EXPECT_EQ(0, run(PEERS, "ptrace-attach", pid, NULL));
	EXPECT_EQ(EPERM, run(PLAIN, "ptrace-attach", pid, NULL));
	EXPECT_EQ(EPERM, run(PEERS, "kill", pid, "1"));	/* SIGHUP: not named */
	EXPECT_EQ(0, waitpid(self->victim, NULL, WNOHANG));
	EXPECT_EQ(0, run(PEERS, "kill", pid, "15"));
	EXPECT_EQ(self->victim, waitpid(self->victim, NULL, 0));
	self->victim = fork();
	ASSERT_LE(0, self->victim);
	if (self->victim == 0) {
		pause();
		_exit(0);
	}
}

TEST_HARNESS_MAIN

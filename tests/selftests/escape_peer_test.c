// SPDX-License-Identifier: GPL-2.0
/*
 * One task acting on another (issue 9, escape 3): ptrace, /proc/PID/mem, process_vm_readv,
 * pidfd_getfd and signals.
 *
 * The escape: a profile with no rules attached to an unconfined process of the same uid (or to a
 * task of another profile) and read what that one could read, or signalled it. Now a confined
 * task may act on the tasks of its own profile only; everything else is refused with a record
 * naming the other task and its profile (op ptrace or signal), and complain mode reports and
 * allows.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/peer"
#define PROG_A		D "/a"		/* mg-escape, attached to peer_a */
#define PROG_B		D "/b"		/* mg-escape, attached to peer_b */
#define PROG_C		D "/c"		/* mg-escape, attached to peer_c (complain mode) */
#define MG_ESCAPE	"/medgate/helpers/mg-escape"

/* What the attacker reads in the victim, a fork of this process: the same address there. */
static volatile char victim_secret[16] = "victim's secret";

static int setup_policy(void)
{
	mkdir(MG_WORKDIR, 0755);
	if (system("rm -rf " D " && mkdir -p " D) || mg_copy_file(MG_ESCAPE, PROG_A, 0755) ||
	    mg_copy_file(MG_ESCAPE, PROG_B, 0755) || mg_copy_file(MG_ESCAPE, PROG_C, 0755)) {
		fprintf(stderr, "# could not make the programs under " D "\n");
		return -1;
	}
	/* /proc is readable, so that /proc/PID/mem reaches the ptrace check. */
	return mg_load_textf("profile peer_a {\n    attach " PROG_A "\n    file /proc/** r\n}\n"
			     "profile peer_b {\n    attach " PROG_B "\n}\n"
			     "profile peer_c {\n    attach " PROG_C "\n    mode complain\n}\n");
}

/* Whether @pid runs @exe now (its exec, and so its profile, has been committed). */
static int runs(pid_t pid, const char *exe)
{
	char link[64], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return !strcmp(target, exe);
}

/* Starts "@exe sleep 60" and waits until it runs in its profile; the pid or -1. */
static pid_t start_sleeper(const char *exe)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	pid_t pid = fork();
	int i;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl(exe, exe, "sleep", "60", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1000 && !runs(pid, exe); i++)
		nanosleep(&tick, NULL);
	return pid;
}

static void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* "@exe @action @pid [@arg]", run as a confined attacker; its exit status (an errno). */
static int attack(const char *exe, const char *action, pid_t pid, const char *arg)
{
	char p[16];
	char *argv[] = { (char *)exe, (char *)action, p, (char *)arg, NULL };

	snprintf(p, sizeof(p), "%d", pid);
	return mg_run(argv);
}

/* The ptrace or signal record about @pid since @from, with its checks. */
static int peer_event(uint64_t from, uint32_t op, uint32_t verdict, pid_t pid,
		      struct mg_event *ev)
{
	uint64_t seq = from;

	while (!mg_find_event(seq, NULL, op, verdict, ev)) {
		if (ev->peer_pid == (uint32_t)pid)
			return 0;
		seq = ev->seq + 1;
	}
	return -1;
}

FIXTURE(peer) {
	pid_t victim;		/* unconfined, same uid */
	char addr[32];		/* of victim_secret, in the victim too */
};

FIXTURE_SETUP(peer)
{
	ASSERT_EQ(0, setup_policy());
	self->victim = fork();
	ASSERT_LE(0, self->victim);
	if (self->victim == 0) {
		pause();
		_exit(0);
	}
	snprintf(self->addr, sizeof(self->addr), "%p", (void *)victim_secret);
}

FIXTURE_TEARDOWN(peer)
{
	stop(self->victim);
}

TEST_F(peer, attach_to_unconfined_process_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, attack(PROG_A, "ptrace-attach", self->victim, NULL));
	ASSERT_EQ(0, peer_event(from, MEDGATE_OP_PTRACE, MEDGATE_VERDICT_DENY, self->victim,
				&ev));
	EXPECT_STREQ("peer_a", ev.profile);
	EXPECT_EQ(MEDGATE_PTRACE_TRACE, ev.access);
	EXPECT_EQ(0, ev.peer_profile_id);
	EXPECT_EQ(EPERM, ev.err);
}

TEST_F(peer, proc_mem_of_unconfined_process_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EACCES, attack(PROG_A, "proc-mem", self->victim, self->addr));
	EXPECT_EQ(0, peer_event(from, MEDGATE_OP_PTRACE, MEDGATE_VERDICT_DENY, self->victim,
				&ev));
}

TEST_F(peer, process_vm_readv_of_unconfined_process_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, attack(PROG_A, "vm-read", self->victim, self->addr));
	EXPECT_EQ(0, peer_event(from, MEDGATE_OP_PTRACE, MEDGATE_VERDICT_DENY, self->victim,
				&ev));
}

TEST_F(peer, pidfd_getfd_of_unconfined_process_is_refused)
{
	EXPECT_EQ(EPERM, attack(PROG_A, "getfd", self->victim, "0"));
}

/* The case: the other task runs in another profile (here entered by attachment). */
TEST_F(peer, attach_to_other_profile_is_refused)
{
	pid_t b = start_sleeper(PROG_B);
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	ASSERT_LT(0, b);
	ASSERT_TRUE(runs(b, PROG_B));
	EXPECT_EQ(EPERM, attack(PROG_A, "ptrace-attach", b, NULL));
	EXPECT_EQ(EPERM, attack(PROG_A, "vm-read", b, "0x1000"));
	ASSERT_EQ(0, peer_event(from, MEDGATE_OP_PTRACE, MEDGATE_VERDICT_DENY, b, &ev));
	EXPECT_STREQ("peer_b", ev.peer_profile);
	EXPECT_NE(0, ev.peer_profile_id);
	stop(b);
}

/* The allowed form: tasks of one profile have the same rights and may trace each other. */
TEST_F(peer, attach_within_own_profile_is_allowed)
{
	pid_t a = start_sleeper(PROG_A);

	ASSERT_LT(0, a);
	EXPECT_EQ(0, attack(PROG_A, "ptrace-attach", a, NULL));
	stop(a);
}

TEST_F(peer, signal_to_unconfined_process_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, attack(PROG_A, "kill", self->victim, "15"));
	EXPECT_EQ(0, waitpid(self->victim, NULL, WNOHANG)) TH_LOG("the victim was killed");
	ASSERT_EQ(0, peer_event(from, MEDGATE_OP_SIGNAL, MEDGATE_VERDICT_DENY, self->victim,
				&ev));
	EXPECT_EQ(SIGTERM, ev.access);
	EXPECT_STREQ("peer_a", ev.profile);
}

TEST_F(peer, signal_to_other_profile_is_refused)
{
	pid_t b = start_sleeper(PROG_B);

	ASSERT_LT(0, b);
	EXPECT_EQ(EPERM, attack(PROG_A, "kill", b, "9"));
	EXPECT_EQ(0, waitpid(b, NULL, WNOHANG));
	stop(b);
}

/* The allowed forms: a profile signals its own tasks; signal 0 only asks whether one exists. */
TEST_F(peer, signal_within_own_profile_and_signal_zero_are_allowed)
{
	pid_t a = start_sleeper(PROG_A);
	int status;

	ASSERT_LT(0, a);
	EXPECT_EQ(0, attack(PROG_A, "kill", self->victim, "0"));
	EXPECT_EQ(0, attack(PROG_A, "kill", a, "15"));
	ASSERT_EQ(a, waitpid(a, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

TEST_F(peer, complain_mode_reports_and_allows)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(0, attack(PROG_C, "kill", self->victim, "18"));	/* SIGCONT: harmless */
	ASSERT_EQ(0, peer_event(from, MEDGATE_OP_SIGNAL, MEDGATE_VERDICT_WOULD_DENY,
				self->victim, &ev));
	EXPECT_STREQ("peer_c", ev.profile);
}

TEST_HARNESS_MAIN

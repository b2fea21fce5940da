// SPDX-License-Identifier: GPL-2.0
/*
 * Profile changes at exec, complain mode, and what happens to tasks whose profile a later policy
 * removes.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D	MG_WORKDIR "/exec"
#define PROBE_A	D "/probe-a"
#define PROBE_C	D "/probe-c"
#define MOVE	D "/tool-move"
#define STAY	D "/tool-stay"
#define REFUSE	D "/tool-refuse"
#define X	D "/x.txt"
#define Y	D "/y.txt"

static const char policy[] =
	"profile a {\n"
	"    attach " PROBE_A "\n"
	"    exec " PROBE_A "\n"
	"    exec " MOVE " -> b\n"
	"    exec " STAY "\n"
	"    deny exec " REFUSE "\n"
	"    file " D "/tool-* x\n"		/* a glob that the deny above beats */
	"}\n"
	"profile b {\n"
	"    exec " MOVE "\n"
	"    file " X " r\n"
	"}\n"
	"profile c {\n"
	"    attach " PROBE_C "\n"
	"    mode complain\n"
	"    exec " PROBE_C "\n"
	"    deny file " Y " r\n"
	"}\n";

FIXTURE(exec) {
	uint64_t version;
};

FIXTURE_SETUP(exec)
{
	char err[512];

	mkdir(MG_WORKDIR, 0755);
	mkdir(D, 0755);
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE_A, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE_C, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, MOVE, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, STAY, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, REFUSE, 0755));
	ASSERT_EQ(0, mg_write_file(X, "x\n", 0644));
	ASSERT_EQ(0, mg_write_file(Y, "y\n", 0644));
	ASSERT_EQ(0, mg_load_text(policy, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	self->version = mg_policy_version();
}

FIXTURE_TEARDOWN(exec)
{
}

TEST_F(exec, move_to_named_profile)
{
	char *move[] = { PROBE_A, "exec", MOVE, "open", X, "r", NULL };

	/* a may not read X; after exec of MOVE the program runs in b, which may. */
	EXPECT_EQ(EACCES, mg_run_probe(PROBE_A, "open", X, "r"));
	EXPECT_EQ(0, mg_run(move));
}

TEST_F(exec, stay_in_profile)
{
	char *stay[] = { PROBE_A, "exec", STAY, "open", X, "r", NULL };

	EXPECT_EQ(EACCES, mg_run(stay));
}

TEST_F(exec, refused_by_deny_rule)
{
	char *refuse[] = { PROBE_A, "exec", REFUSE, "spin", "0", NULL };
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EACCES, mg_run(refuse));
	/* The kernel opens the binary (for exec) before the exec hook runs: either may refuse. */
	ASSERT_EQ(0, mg_find_event(from, REFUSE, MEDGATE_OP_NONE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_ACCESS_EXEC, ev.access);
	EXPECT_NE(MEDGATE_RULE_NONE, ev.rule);
	EXPECT_NE(0, ev.rule_line);
}

TEST_F(exec, unattached_program_stays_unconfined)
{
	/* The same binary under a path no profile attaches. */
	EXPECT_EQ(0, mg_run_probe(MOVE, "open", Y, "r"));
	EXPECT_EQ(0, mg_run_probe(MG_PROBE, "open", X, "w"));
}

TEST_F(exec, profile_change_sets_secure_exec)
{
	char *move[] = { PROBE_A, "exec", MOVE, "at-secure", NULL };
	char *stay[] = { PROBE_A, "exec", STAY, "at-secure", NULL };

	EXPECT_EQ(1, mg_run(move));
	EXPECT_EQ(0, mg_run(stay));
}

TEST_F(exec, complain_mode_allows_and_reports)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(0, mg_run_probe(PROBE_C, "open", X, "r"));
	ASSERT_EQ(0, mg_find_event(from, X, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_WOULD_DENY, &ev));
	EXPECT_STREQ("c", ev.profile);
	EXPECT_EQ(MEDGATE_MODE_COMPLAIN, ev.mode);
	EXPECT_EQ(0, ev.err);
}

TEST_F(exec, complain_mode_enforces_explicit_deny)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EACCES, mg_run_probe(PROBE_C, "open", Y, "r"));
	ASSERT_EQ(0, mg_find_event(from, Y, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_NE(MEDGATE_RULE_NONE, ev.rule);
}

/*
 * Runs argv as a child and stays its tracer (the child or the program it runs asks with
 * PTRACE_TRACEME); returns its exit status.
 */
static int run_traced(char *const argv[], bool traceme_first)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (traceme_first && ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(254);
		execv(argv[0], argv);
		_exit(errno);
	}
	/* A successful exec stops the tracee with SIGTRAP: let it go on. */
	while (waitpid(pid, &status, 0) == pid && WIFSTOPPED(status))
		ptrace(PTRACE_CONT, pid, NULL, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * A traced task cannot change profile (a debugger would carry its control into it): entering a
 * profile by attachment and moving by an exec rule are both refused, and each refusal is
 * recorded under the task's own profile (none, then "a"), not the target's. Staying is allowed.
 */
TEST_F(exec, profile_change_refused_under_ptrace)
{
	char *enter[] = { PROBE_A, "at-secure", NULL };
	char *move[] = { PROBE_A, "traceme-exec", MOVE, "at-secure", NULL };
	char *stay[] = { PROBE_A, "traceme-exec", STAY, "at-secure", NULL };
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, run_traced(enter, true));
	ASSERT_EQ(0, mg_find_event(from, PROBE_A, MEDGATE_OP_EXEC, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(0, ev.profile_id);
	EXPECT_EQ(EPERM, ev.err);

	from = mg_audit_next();
	EXPECT_EQ(EPERM, run_traced(move, false));
	ASSERT_EQ(0, mg_find_event(from, MOVE, MEDGATE_OP_EXEC, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("a", ev.profile);
	EXPECT_EQ(EPERM, ev.err);

	EXPECT_EQ(0, run_traced(stay, false));
}

/* A task whose profile disappears from the policy is denied, not released. */
TEST_F(exec, removed_profile_denies_everything)
{
	static const char without_b[] =
		"profile a {\n"
		"    attach " PROBE_A "\n"
		"    exec " PROBE_A "\n"
		"    exec " MOVE "\n"
		"}\n";
	char *move[] = { PROBE_A, "exec", MOVE, "sleep-open", "3", X, "r", NULL };
	uint64_t from;
	struct mg_event ev;
	char err[512];
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(mg_run(move));
	/* The child runs in b by now and sleeps; take b away before it opens X. */
	sleep(1);
	from = mg_audit_next();
	ASSERT_EQ(0, mg_load_text(without_b, err, sizeof(err)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(EACCES, WEXITSTATUS(status));
	ASSERT_EQ(0, mg_find_event(from, X, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("", ev.profile);
}

TEST_HARNESS_MAIN

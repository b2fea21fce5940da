// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl against the real module: what an operator types (policy load, show, diff, status,
 * audit show) says what the kernel holds.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define DAEMON	"/usr/sbin/medgated"
#define D	MG_WORKDIR "/cli"
#define PROBE	D "/probe"
#define POLICY	D "/cli.policy"
#define CHANGED	D "/changed.policy"
#define SECRET	D "/secret"
#define LOG	D "/audit.log"
#define OUT1	D "/medgated1.out"
#define OUT2	D "/medgated2.out"

static const char policy[] =
	"# the operator's policy\n"
	"@{HERE} = " D "\n"
	"profile cli {\n"
	"    attach @{HERE}/probe\n"
	"    exec @{HERE}/probe\n"
	"    file @{HERE}/*.txt r\n"
	"}\n";

FIXTURE(cli) {
	char out[65536];
};

FIXTURE_SETUP(cli)
{
	mkdir(MG_WORKDIR, 0755);
	mkdir(D, 0755);
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_write_file(SECRET, "secret\n", 0644));
	ASSERT_EQ(0, mg_write_file(POLICY, policy, 0644));
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "policy load " POLICY)) {
		TH_LOG("%s", self->out);
	}
}

FIXTURE_TEARDOWN(cli)
{
}

TEST_F(cli, show_prints_what_the_kernel_holds)
{
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "policy show"));
	EXPECT_NE(NULL, strstr(self->out, "profile cli {")) {
		TH_LOG("%s", self->out);
	}
	/* Variables expanded, the glob kept, the source position named. */
	EXPECT_NE(NULL, strstr(self->out, "file " D "/*.txt r"));
	EXPECT_NE(NULL, strstr(self->out, POLICY ":6"));
	EXPECT_NE(NULL, strstr(self->out, "attach " PROBE));
}

TEST_F(cli, diff_says_what_a_load_would_change)
{
	char changed[sizeof(policy) + 64];

	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "policy diff " POLICY));
	EXPECT_NE(NULL, strstr(self->out, "no changes")) {
		TH_LOG("%s", self->out);
	}
	snprintf(changed, sizeof(changed), "%s", policy);
	strcpy(strstr(changed, "}\n"), "    file @{HERE}/secret r\n}\n");
	ASSERT_EQ(0, mg_write_file(CHANGED, changed, 0644));
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "policy diff " CHANGED));
	EXPECT_NE(NULL, strstr(self->out, "+     file " SECRET " r")) {
		TH_LOG("%s", self->out);
	}
	/* diff loads nothing. */
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
}

TEST_F(cli, check_reports_every_error_with_its_position)
{
	static const char broken[] =
		"profile bad {\n"
		"    file relative/path r\n"
		"    file /ok q\n"
		"}\n";

	ASSERT_EQ(0, mg_write_file(CHANGED, broken, 0644));
	EXPECT_EQ(1, mg_ctl(self->out, sizeof(self->out), "policy check " CHANGED));
	EXPECT_NE(NULL, strstr(self->out, CHANGED ":2:")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, CHANGED ":3:"));
	/* And a load of it is refused before the kernel sees it; the running policy stays. */
	EXPECT_EQ(1, mg_ctl(self->out, sizeof(self->out), "policy load " CHANGED));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
}

TEST_F(cli, status_and_audit_show_tell_the_operator)
{
	uint64_t from = mg_audit_next();
	char args[64];

	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "status"));
	EXPECT_NE(NULL, strstr(self->out, "cli")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "enforcement:   ready"));
	/* From the denial on: earlier tests may have filled the module's ring. */
	snprintf(args, sizeof(args), "-j audit show --from %" PRIu64, from);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), args));
	EXPECT_NE(NULL, strstr(self->out, "\"" SECRET "\"")) {
		TH_LOG("%s", self->out);
	}
}

/*
 * The reviewer's views: filters select records, summary counts them by profile, op and object,
 * export writes them whole (CSV with a header and quoted fields).
 */
TEST_F(cli, audit_filters_summary_and_export)
{
	uint64_t from = mg_audit_next();
	char args[256];
	int i;

	ASSERT_EQ(0, mg_write_file(D "/other", "o\n", 0644));
	for (i = 0; i < 3; i++)	/* distinct pids: not folded as repeats */
		ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", D "/other", "r"));
	snprintf(args, sizeof(args), "audit show --from %" PRIu64 " --profile cli --op file_open"
		 " --path '" D "/sec*' --verdict deny", from);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), args));
	EXPECT_NE(NULL, strstr(self->out, SECRET)) TH_LOG("%s", self->out);
	EXPECT_EQ(NULL, strstr(self->out, D "/other")) TH_LOG("%s", self->out);
	snprintf(args, sizeof(args), "audit show --from %" PRIu64 " --profile nobody", from);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), args));
	EXPECT_NE(NULL, strstr(self->out, "that the filters select")) TH_LOG("%s", self->out);
	snprintf(args, sizeof(args), "-j audit summary --from %" PRIu64 " --profile cli", from);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), args));
	/* The secret first: three refusals, against one of the other file. */
	EXPECT_NE(NULL, strstr(self->out, "\"rows\":[{\"profile\":\"cli\",\"op\":\"file_open\","
				       "\"object\":\"" SECRET "\",\"records\":3,\"deny\":3"))
		TH_LOG("%s", self->out);
	snprintf(args, sizeof(args), "audit export --format csv --from %" PRIu64
		 " --path " D "/other", from);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), args));
	EXPECT_EQ(0, strncmp(self->out, "type,seq,time,profile,", 22)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\"file_open\",\"r\",\"" D "/other\"")) TH_LOG("%s", self->out);
	EXPECT_EQ(2, mg_ctl(self->out, sizeof(self->out), "audit export"));
	EXPECT_EQ(2, mg_ctl(self->out, sizeof(self->out), "audit show --since yesterday"));
}

/*
 * Runs @argv with stdout and stderr into @out (a file, or NULL to keep them), as @uid when it is
 * not 0 (all of real, effective and saved ids, so nothing can be regained). Returns the pid.
 */
static pid_t spawn(char *const argv[], const char *out, uid_t uid)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (out) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(125);
	}
	if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
		_exit(126);
	execv(argv[0], argv);
	_exit(127);
}

static void slurp(const char *path, char *buf, size_t len)
{
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/* The pid holding a write lock on @path, 0 if none. */
static pid_t lock_holder(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return 0;
	r = fcntl(fd, F_GETLK, &fl);
	close(fd);
	return !r && fl.l_type != F_UNLCK ? fl.l_pid : 0;
}

/* Starts a medgated logger on LOG and waits (a bounded poll, not a timing check) for its lock. */
static pid_t start_logger(void)
{
	char *argv[] = { DAEMON, "--log", LOG, NULL };
	pid_t pid = spawn(argv, OUT1, 0);
	int i;

	for (i = 0; i < 1200 && lock_holder(LOG) != pid; i++)
		usleep(50000);
	return lock_holder(LOG) == pid ? pid : -1;
}

TEST_F(cli, status_as_a_user_is_unknown_not_impossible)
{
	char *argv[] = { MG_CTL, "status", NULL };
	char out[] = D "/status-nobody.out";

	ASSERT_EQ(0, mg_wait_exit(spawn(argv, out, 65534)));
	slurp(out, self->out, sizeof(self->out));
	EXPECT_NE(NULL, strstr(self->out, "need root to inspect")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "enforcement:   unknown"));
	EXPECT_EQ(NULL, strstr(self->out, "NOT possible"));
	EXPECT_EQ(NULL, strstr(self->out, "problem:"));
	/* And as root, with the same module and programs, everything is known. */
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "status"));
	EXPECT_NE(NULL, strstr(self->out, "enforcement:   ready\n"));
}

TEST_F(cli, empty_policy_warns_and_status_says_so)
{
	ASSERT_EQ(0, mg_write_file(CHANGED, "# only a comment\n", 0644));
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "policy load " CHANGED));
	EXPECT_NE(NULL, strstr(self->out, "warning: this policy has no profiles")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "denied everything"));
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "status"));
	EXPECT_NE(NULL, strstr(self->out, "the loaded policy has no profiles")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(NULL, strstr(self->out, "enforcement:   ready\n"));
	/* A policy with a profile loads without the warning. */
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "policy load " POLICY));
	EXPECT_EQ(NULL, strstr(self->out, "warning"));
}

TEST_F(cli, second_logger_on_one_file_refuses)
{
	char *argv[] = { DAEMON, "--log", LOG, NULL };
	char want[128];
	pid_t first;
	int st;

	unlink(LOG);
	first = start_logger();
	ASSERT_LT(0, first) {
		slurp(OUT1, self->out, sizeof(self->out));
		TH_LOG("the first logger never locked " LOG ": %s", self->out);
	}
	st = mg_wait_exit(spawn(argv, OUT2, 0));
	slurp(OUT2, self->out, sizeof(self->out));
	snprintf(want, sizeof(want), "another medgated is writing " LOG " (pid %d)", first);
	EXPECT_NE(0, st);
	EXPECT_NE(NULL, strstr(self->out, want)) {
		TH_LOG("%s", self->out);
	}
	/* Being a logger next to attached programs is not an error, and is not worded as one. */
	slurp(OUT1, self->out, sizeof(self->out));
	EXPECT_NE(NULL, strstr(self->out, "only logs audit events")) {
		TH_LOG("%s", self->out);
	}
	kill(first, SIGTERM);
	EXPECT_EQ(0, mg_wait_exit(first));
}

TEST_F(cli, logger_drains_the_ring_on_sigterm)
{
	char want[sizeof(SECRET) + 16], *log;
	uint64_t from;
	size_t len;
	pid_t pid;

	unlink(LOG);
	pid = start_logger();
	ASSERT_LT(0, pid);
	from = mg_audit_next();
	/* The denial comes right before SIGTERM: only a last pull can bring it into the log. */
	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	ASSERT_EQ(0, mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY,
				   &(struct mg_event){ 0 }));
	kill(pid, SIGTERM);
	EXPECT_EQ(0, mg_wait_exit(pid));
	/* The whole log: a new one starts with everything the module's ring still holds. */
	ASSERT_EQ(0, mg_read_file(LOG, 1 << 24, &log, &len, NULL));
	snprintf(want, sizeof(want), "\"path\":\"%s\"", SECRET);
	EXPECT_NE(NULL, strstr(log, want)) {
		TH_LOG("%.4000s", log);
	}
	free(log);
}

/* Polls @path (bounded, not a timing check) until it holds @what; whether it does. */
static bool wait_for_text(const char *path, const char *what, char *buf, size_t len)
{
	int i;

	for (i = 0; i < 1200; i++) {
		slurp(path, buf, len);
		if (strstr(buf, what))
			return true;
		usleep(50000);
	}
	return false;
}

/* follow prints what the ring holds and then each new record, filtered, until SIGTERM. */
TEST_F(cli, audit_follow_prints_records_as_they_come)
{
	char from[32], *argv[] = { MG_CTL, "audit", "follow", "--from", from, "--path", SECRET, NULL };
	pid_t pid;

	snprintf(from, sizeof(from), "%" PRIu64, mg_audit_next());
	ASSERT_EQ(0, mg_write_file(D "/other", "o\n", 0644));
	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", D "/other", "r"));
	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	pid = spawn(argv, OUT2, 0);
	ASSERT_LT(0, pid);
	EXPECT_TRUE(wait_for_text(OUT2, SECRET, self->out, sizeof(self->out)));
	/* A record made after follow started reaches it too: a second line for the secret. */
	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "w"));
	EXPECT_TRUE(wait_for_text(OUT2, "file_open w", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_EQ(NULL, strstr(self->out, D "/other"));
	kill(pid, SIGTERM);
	EXPECT_EQ(0, mg_wait_exit(pid));
}

TEST_HARNESS_MAIN

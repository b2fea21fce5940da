// SPDX-License-Identifier: GPL-2.0
/*
 * The policy is replaced 1,000 times while confined threads open files in a loop: every verdict
 * must be the one both policies agree on, and nothing may oops (the VM harness fails the run on
 * any BUG/WARNING/Oops in the kernel log).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D	MG_WORKDIR "/replace"
#define PROBE	D "/probe"
#define OK	D "/allowed"
#define NO	D "/denied"
#define STOP	D "/stop"
#define LOADS	1000
#define PROBES	2

/* Two policies with different versions and the same verdicts on OK and NO. */
static const char policy_a[] =
	"profile r {\n  attach " PROBE "\n  exec " PROBE "\n  file " OK " r\n}\n";
static const char policy_b[] =
	"profile r {\n  attach " PROBE "\n  exec " PROBE "\n  file " D "/*ed r\n"
	"  deny file " NO " r\n  file /etc/hostname r\n}\n";

FIXTURE(replace) {
};

FIXTURE_SETUP(replace)
{
}

FIXTURE_TEARDOWN(replace)
{
}

/* Far beyond the harness's 30 s default: 1,000 loads under TCG take a while. */
TEST_F_TIMEOUT(replace, replace_1000_times_under_load, 600)
{
	struct mg_diags diags = { 0 };
	void *blob[2];
	size_t len[2];
	pid_t pid[PROBES];
	char err[512];
	int i, status;

	mkdir(MG_WORKDIR, 0755);
	mkdir(D, 0755);
	unlink(STOP);
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_write_file(OK, "ok\n", 0644));
	ASSERT_EQ(0, mg_write_file(NO, "no\n", 0644));
	ASSERT_EQ(0, mg_policy_compile(policy_a, "a", &blob[0], &len[0], &diags));
	ASSERT_EQ(0, mg_policy_compile(policy_b, "b", &blob[1], &len[1], &diags));
	mg_diags_free(&diags);
	ASSERT_EQ(0, mg_load_blob(blob[0], len[0], err, sizeof(err)));

	for (i = 0; i < PROBES; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			execl(PROBE, PROBE, "loop", STOP, OK, NO, "2", (char *)NULL);
			_exit(251);
		}
	}
	for (i = 0; i < LOADS; i++) {
		int ret = mg_load_blob(blob[i % 2], len[i % 2], err, sizeof(err));

		if (ret) {
			TH_LOG("load %d failed: %d %s", i, ret, err);
			break;
		}
	}
	EXPECT_EQ(LOADS, i);
	ASSERT_EQ(0, mg_write_file(STOP, "", 0644));
	for (i = 0; i < PROBES; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("probe %d: status %#x (wrong verdicts or no progress)", i, status);
		}
	}
	free(blob[0]);
	free(blob[1]);
}

TEST_HARNESS_MAIN

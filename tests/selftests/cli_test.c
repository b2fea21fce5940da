// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl against the real module: what an operator types (policy load, show, diff, status,
 * audit show) says what the kernel holds.
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

#define CTL	"/usr/sbin/medgatectl"
#define D	MG_WORKDIR "/cli"
#define PROBE	D "/probe"
#define POLICY	D "/cli.policy"
#define CHANGED	D "/changed.policy"
#define SECRET	D "/secret"

static const char policy[] =
	"# the operator's policy\n"
	"@{HERE} = " D "\n"
	"profile cli {\n"
	"    attach @{HERE}/probe\n"
	"    exec @{HERE}/probe\n"
	"    file @{HERE}/*.txt r\n"
	"}\n";

/* Runs medgatectl with @args (a shell word list) and returns its exit status and its output. */
static int ctl(char *out, size_t outlen, const char *args)
{
	char cmd[1024];
	size_t n = 0;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), CTL " %s 2>&1", args);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	while (n + 1 < outlen && !feof(p)) {
		size_t r = fread(out + n, 1, outlen - 1 - n, p);

		if (!r)
			break;
		n += r;
	}
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

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
	ASSERT_EQ(0, ctl(self->out, sizeof(self->out), "policy load " POLICY)) {
		TH_LOG("%s", self->out);
	}
}

FIXTURE_TEARDOWN(cli)
{
}

TEST_F(cli, show_prints_what_the_kernel_holds)
{
	ASSERT_EQ(0, ctl(self->out, sizeof(self->out), "policy show"));
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

	ASSERT_EQ(0, ctl(self->out, sizeof(self->out), "policy diff " POLICY));
	EXPECT_NE(NULL, strstr(self->out, "no changes")) {
		TH_LOG("%s", self->out);
	}
	snprintf(changed, sizeof(changed), "%s", policy);
	strcpy(strstr(changed, "}\n"), "    file @{HERE}/secret r\n}\n");
	ASSERT_EQ(0, mg_write_file(CHANGED, changed, 0644));
	ASSERT_EQ(0, ctl(self->out, sizeof(self->out), "policy diff " CHANGED));
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
	EXPECT_EQ(1, ctl(self->out, sizeof(self->out), "policy check " CHANGED));
	EXPECT_NE(NULL, strstr(self->out, CHANGED ":2:")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, CHANGED ":3:"));
	/* And a load of it is refused before the kernel sees it; the running policy stays. */
	EXPECT_EQ(1, ctl(self->out, sizeof(self->out), "policy load " CHANGED));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
}

TEST_F(cli, status_and_audit_show_tell_the_operator)
{
	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	ASSERT_EQ(0, ctl(self->out, sizeof(self->out), "status"));
	EXPECT_NE(NULL, strstr(self->out, "cli")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "enforcement:   ready"));
	ASSERT_EQ(0, ctl(self->out, sizeof(self->out), "-j audit show"));
	EXPECT_NE(NULL, strstr(self->out, "\"" SECRET "\"")) {
		TH_LOG("%s", self->out);
	}
}

TEST_HARNESS_MAIN

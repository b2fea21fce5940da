// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl on the host, for what needs no module: help anywhere on the command line, policy
 * directories with odd entries, --base from a pipe, the warning before loading an empty policy
 * (printed before the tool even looks for the module). tests/selftests/cli_test.c covers the
 * rest against the real module.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratch.h"
#include "kselftest_harness.h"

/* The scratch directory of the running test and the output of its last command. */
static char tmp[64];
static char out[1 << 16];

/* Runs a shell command line (MG_CTL stands for medgatectl) with stderr in stdout; exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096], *line;
	size_t n = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (asprintf(&line, "cd %s && { %s; } 2>&1", tmp, cmd) < 0)
		return -1;
	p = popen(line, "r");
	free(line);
	if (!p)
		return -1;
	while (n + 1 < sizeof(out)) {
		size_t r = fread(out + n, 1, sizeof(out) - 1 - n, p);

		if (!r)
			break;
		n += r;
	}
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define CTL MG_CTL

/*
 * What a failed check shows: the command's output (its first 2000 bytes), each line a "#" line
 * so that nothing the command printed can read as a TAP result.
 */
static void show_output(void)
{
	const char *line = out, *end = out + strnlen(out, 2000);

	fprintf(stderr, "# output:\n");
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		int len = (int)((nl ? nl : end) - line);

		fprintf(stderr, "#   %.*s\n", len, line);
		line += len + 1;
	}
}

#define explain() show_output()

/* Every test runs in a scratch directory of its own, which sh() enters. */
FIXTURE(cli) {
};

FIXTURE_SETUP(cli)
{
	ASSERT_EQ(0, scratch_new(tmp, sizeof(tmp), "cli"));
}

FIXTURE_TEARDOWN(cli)
{
	scratch_remove(tmp);
}

/* --help or -h anywhere on a command line prints the usage of what comes before it. */
FIXTURE(help) {
};

FIXTURE_VARIANT(help) {
	const char *args, *usage;
};

FIXTURE_VARIANT_ADD(help, policy_load_help) {
	.args = "policy load --help", .usage = "Usage: medgatectl policy ",
};

FIXTURE_VARIANT_ADD(help, policy_check_x_policy_h) {
	.args = "policy check x.policy -h", .usage = "Usage: medgatectl policy ",
};

FIXTURE_VARIANT_ADD(help, policy_diff_a_policy_base_b_help) {
	.args = "policy diff a.policy --base b --help", .usage = "Usage: medgatectl policy ",
};

FIXTURE_VARIANT_ADD(help, policy_help) {
	.args = "policy --help", .usage = "Usage: medgatectl policy ",
};

FIXTURE_VARIANT_ADD(help, status_help) {
	.args = "status --help", .usage = "Usage: medgatectl status ",
};

FIXTURE_VARIANT_ADD(help, j_status_h) {
	.args = "-j status -h", .usage = "Usage: medgatectl status ",
};

FIXTURE_VARIANT_ADD(help, audit_show_help) {
	.args = "audit show --help", .usage = "Usage: medgatectl audit ",
};

FIXTURE_VARIANT_ADD(help, audit_show_from_3_h) {
	.args = "audit show --from 3 -h", .usage = "Usage: medgatectl audit ",
};

FIXTURE_VARIANT_ADD(help, top_level) {
	.args = "--help", .usage = "Usage: medgatectl [OPTIONS]",
};

FIXTURE_SETUP(help)
{
	ASSERT_EQ(0, scratch_new(tmp, sizeof(tmp), "cli"));
}

FIXTURE_TEARDOWN(help)
{
	scratch_remove(tmp);
}

TEST_F(help, prints_the_usage)
{
	/* stdout only: help is an answer, not an error. */
	EXPECT_EQ(0, sh(CTL " %s 2>/dev/null", variant->args)) explain();
	EXPECT_EQ(0, strncmp(out, variant->usage, strlen(variant->usage))) explain();
}

TEST_F(cli, help_after_dashdash_is_a_file_name)
{
	EXPECT_EQ(1, sh(CTL " policy check -- --help")) explain();
	EXPECT_NE(NULL, strstr(out, "--help: error: cannot open")) explain();
}

TEST_F(cli, an_unknown_command_is_still_a_usage_error)
{
	EXPECT_EQ(2, sh(CTL " policy frobnicate")) explain();
	EXPECT_NE(NULL, strstr(out, "unknown command \"frobnicate\"")) explain();
}

TEST_F(cli, directory_a_clean_one_checks)
{
	ASSERT_EQ(0, sh("mkdir dir"));
	ASSERT_EQ(0, scratch_put(tmp, "dir/a.policy", "profile a {\n    file /etc/a r\n}\n"));
	EXPECT_EQ(0, sh(CTL " policy check dir")) explain();
	EXPECT_NE(NULL, strstr(out, "ok: 1 profile")) explain();
}

TEST_F(cli, directory_a_dangling_symlink_and_a_subdirectory_named_policy_are_errors)
{
	ASSERT_EQ(0, sh("mkdir dir"));
	ASSERT_EQ(0, scratch_put(tmp, "dir/a.policy", "profile a {\n    file /etc/a r\n}\n"));
	ASSERT_EQ(0, sh("ln -s missing.policy dir/b.policy && mkdir dir/c.policy")) explain();
	EXPECT_EQ(1, sh(CTL " policy check dir")) explain();
	EXPECT_NE(NULL, strstr(out, "dir/b.policy: error: dangling symbolic link")) explain();
	EXPECT_NE(NULL, strstr(out, "dir/c.policy: error: is a directory")) explain();
}

/* An old and a new policy, the old one compiled to old.blob. */
FIXTURE(pipe) {
};

FIXTURE_SETUP(pipe)
{
	ASSERT_EQ(0, scratch_new(tmp, sizeof(tmp), "cli"));
	ASSERT_EQ(0, scratch_put(tmp, "old.policy", "profile a {\n    file /etc/a r\n}\n"));
	ASSERT_EQ(0, scratch_put(tmp, "new.policy",
				 "profile a {\n    file /etc/a r\n    file /etc/b r\n}\n"));
	ASSERT_EQ(0, sh(CTL " policy compile old.policy -o old.blob")) explain();
}

FIXTURE_TEARDOWN(pipe)
{
	scratch_remove(tmp);
}

TEST_F(pipe, diff_base_stdin_a_blob_through_a_pipe)
{
	EXPECT_EQ(0, sh("cat old.blob | " CTL " policy diff new.policy --base /dev/stdin")) explain();
	EXPECT_NE(NULL, strstr(out, "file /etc/b r")) explain();
	EXPECT_NE(NULL, strstr(out, "1 change")) explain();
}

TEST_F(pipe, diff_base_stdin_text_through_the_pipe_is_named_and_explained)
{
	EXPECT_EQ(1, sh("echo garbage | " CTL " policy diff new.policy --base /dev/stdin")) explain();
	EXPECT_NE(NULL, strstr(out, "/dev/stdin: not a compiled policy blob")) explain();
}

TEST_F(pipe, check_stdin_a_blob_through_a_pipe_is_validated_as_a_blob)
{
	EXPECT_EQ(0, sh("cat old.blob | " CTL " policy check /dev/stdin")) explain();
	EXPECT_NE(NULL, strstr(out, "/dev/stdin: ok: compiled policy")) explain();
}

TEST_F(pipe, check_stdin_policy_text_through_a_pipe_is_compiled)
{
	EXPECT_EQ(0, sh("cat new.policy | " CTL " policy check /dev/stdin")) explain();
	EXPECT_NE(NULL, strstr(out, "ok: 1 profile, 0 attachments, 2 rules")) explain();
}

TEST_F(pipe, load_stdin_a_blob_through_a_pipe_goes_to_the_module_as_it_is)
{
	EXPECT_EQ(1, sh("cat old.blob | " CTL " policy load /dev/stdin")) explain();
	EXPECT_EQ(NULL, strstr(out, "error")) explain();
	EXPECT_NE(NULL, strstr(out, "medgate.ko is not loaded")) explain();
}

TEST_F(pipe, diff_base_stdin_the_size_cap_holds)
{
	EXPECT_EQ(1, sh("head -c 70000000 /dev/zero | " CTL " policy diff new.policy --base /dev/stdin"))
		explain();
	EXPECT_NE(NULL, strstr(out, "/dev/stdin: more than")) explain();
}

/* Loading a policy without profiles warns first (no module on the host: the load then fails). */
FIXTURE(empty_load) {
};

FIXTURE_VARIANT(empty_load) {
	const char *file;
};

FIXTURE_VARIANT_ADD(empty_load, dev_null) {
	.file = "/dev/null",
};

FIXTURE_VARIANT_ADD(empty_load, comments_only) {
	.file = "comments.policy",
};

FIXTURE_VARIANT_ADD(empty_load, empty_file) {
	.file = "empty.policy",
};

FIXTURE_SETUP(empty_load)
{
	ASSERT_EQ(0, scratch_new(tmp, sizeof(tmp), "cli"));
	ASSERT_EQ(0, scratch_put(tmp, "comments.policy", "# nothing yet\n\n# still nothing\n"));
	ASSERT_EQ(0, scratch_put(tmp, "empty.policy", ""));
}

FIXTURE_TEARDOWN(empty_load)
{
	scratch_remove(tmp);
}

TEST_F(empty_load, warned_before_loading)
{
	char *w, *m;

	sh(CTL " policy load %s", variant->file);
	w = strstr(out, "warning: this policy has no profiles");
	m = strstr(out, "medgate.ko is not loaded");
	ASSERT_NE(NULL, w) explain();
	EXPECT_NE(NULL, strstr(w, "denied everything")) explain();
	EXPECT_TRUE(!m || w < m) explain();
}

TEST_F(cli, load_of_a_policy_with_a_profile_no_warning)
{
	ASSERT_EQ(0, scratch_put(tmp, "old.policy", "profile a {\n    file /etc/a r\n}\n"));
	sh(CTL " policy load old.policy");
	EXPECT_EQ(NULL, strstr(out, "warning")) explain();
}

TEST_HARNESS_MAIN

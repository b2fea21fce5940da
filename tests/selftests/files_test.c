// SPDX-License-Identifier: GPL-2.0
/*
 * One variant per access bit and hook: the confined probe does one operation, once under a
 * profile that grants the bit under test (allowed) and once under the same profile without it
 * (denied). The object files are recreated for every test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define DIR_	MG_WORKDIR "/acc"
#define PROBE	DIR_ "/probe"
#define TOOL	DIR_ "/tool"
#define F	DIR_ "/d/f"
#define A	DIR_ "/d/a"
#define SUB	DIR_ "/d/sub"
#define NEW	DIR_ "/d/new"

enum pass { PASS_NONE, PASS_FD_READ, PASS_FD_APPEND, PASS_SOCKET };

FIXTURE(access) {
	char policy_allow[2048];
	char policy_deny[2048];
};

/*
 * @argv: the probe's action; @path/@other/@bit: the rule under test is "file PATH OTHER+BIT" in
 * the allowed policy and "file PATH OTHER" (or nothing) in the denied one; @path2/@rule2: a rule
 * both policies have (the other end of a rename or link).
 */
FIXTURE_VARIANT(access) {
	const char *argv[5];
	const char *path;
	const char *other;
	const char *bit;
	const char *path2;
	const char *rule2;
	enum pass pass;
};

#define V(name, ...) FIXTURE_VARIANT_ADD(access, name) { __VA_ARGS__ }

V(open_read,	.argv = { "open", F, "r" }, .path = F, .other = "", .bit = "r");
V(open_write,	.argv = { "open", F, "w" }, .path = F, .other = "", .bit = "w");
V(open_append,	.argv = { "open", F, "a" }, .path = F, .other = "", .bit = "a");
V(exec,		.argv = { "exec", TOOL, "spin", "0" }, .path = TOOL, .other = "", .bit = "x");
V(create_file,	.argv = { "create", NEW }, .path = NEW, .other = "w", .bit = "c");
V(create_dir,	.argv = { "mkdir", NEW }, .path = NEW, .other = "", .bit = "c");
V(create_symlink, .argv = { "symlink", F, NEW }, .path = NEW, .other = "", .bit = "c");
V(delete_file,	.argv = { "unlink", F }, .path = F, .other = "", .bit = "d");
V(delete_dir,	.argv = { "rmdir", SUB }, .path = SUB, .other = "", .bit = "d");
V(rename_source, .argv = { "rename", A, NEW }, .path = A, .other = "", .bit = "l",
  .path2 = NEW, .rule2 = "c");
V(rename_destination, .argv = { "rename", A, NEW }, .path = NEW, .other = "", .bit = "c",
  .path2 = A, .rule2 = "l");
V(link_source,	.argv = { "link", A, NEW }, .path = A, .other = "", .bit = "l",
  .path2 = NEW, .rule2 = "c");
V(link_destination, .argv = { "link", A, NEW }, .path = NEW, .other = "", .bit = "c",
  .path2 = A, .rule2 = "l");
V(setattr_chmod, .argv = { "chmod", F }, .path = F, .other = "", .bit = "s");
V(setattr_chown, .argv = { "chown", F }, .path = F, .other = "", .bit = "s");
V(setattr_truncate, .argv = { "truncate", F }, .path = F, .other = "", .bit = "s");
V(truncate_by_write, .argv = { "truncate", F }, .path = F, .other = "", .bit = "w");
V(mmap_exec,	.argv = { "mmap-exec", F }, .path = F, .other = "r", .bit = "m");
V(mprotect_exec, .argv = { "mprotect-exec", F }, .path = F, .other = "r", .bit = "m");
V(receive_fd,	.argv = { "recv-fd", "3" }, .path = F, .other = "", .bit = "r", .pass = PASS_SOCKET);
V(inherited_fd_read, .argv = { "read-fd", "3" }, .path = F, .other = "", .bit = "r",
  .pass = PASS_FD_READ);
V(inherited_fd_mmap, .argv = { "mmap-fd", "3" }, .path = F, .other = "", .bit = "r",
  .pass = PASS_FD_READ);
V(append_shared_writable_mapping, .argv = { "mmap-append-write", F }, .path = F, .other = "ra",
  .bit = "w");
V(rename_over_existing, .argv = { "rename", A, F }, .path = F, .other = "c", .bit = "d",
  .path2 = A, .rule2 = "l");
V(fcntl_clear_append, .argv = { "setfl-noappend", "3" }, .path = F, .other = "a", .bit = "w",
  .pass = PASS_FD_APPEND);

static void build_policy(char *buf, size_t len, const FIXTURE_VARIANT(access) *v, int allow)
{
	char rule[512] = "", rule2[512] = "";
	const char *bits = allow ? v->bit : "";

	if (*v->other || *bits)
		snprintf(rule, sizeof(rule), "    file %s %s%s\n", v->path, v->other, bits);
	if (v->path2)
		snprintf(rule2, sizeof(rule2), "    file %s %s\n", v->path2, v->rule2);
	snprintf(buf, len,
		 "profile acc {\n"
		 "    attach " PROBE "\n"
		 "    exec " PROBE "\n"
		 "%s%s"
		 "}\n", rule, rule2);
}

FIXTURE_SETUP(access)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " DIR_ " && mkdir -p " DIR_ "/d/sub"));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, TOOL, 0755));
	ASSERT_EQ(0, mg_write_file(F, "data\n", 0644));
	ASSERT_EQ(0, mg_write_file(A, "a\n", 0644));
	build_policy(self->policy_allow, sizeof(self->policy_allow), variant, 1);
	build_policy(self->policy_deny, sizeof(self->policy_deny), variant, 0);
}

FIXTURE_TEARDOWN(access)
{
}

/* Runs the probe with the variant's action, handing it a descriptor when the variant says so. */
static int run_probe(const FIXTURE_VARIANT(access) *v)
{
	char *argv[7] = { PROBE };
	int sv[2] = { -1, -1 }, fd = -1, status, i;
	pid_t pid;

	for (i = 0; i < 5 && v->argv[i]; i++)
		argv[i + 1] = (char *)v->argv[i];
	if (v->pass == PASS_FD_APPEND)
		fd = open(F, O_WRONLY | O_APPEND);
	if (v->pass == PASS_FD_READ)
		fd = open(F, O_RDONLY);
	if (v->pass == PASS_SOCKET && socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int give = v->pass == PASS_SOCKET ? sv[1] : fd;

		if (give >= 0 && dup2(give, 3) < 0)
			_exit(250);
		execv(PROBE, argv);
		_exit(251);
	}
	if (v->pass == PASS_SOCKET) {
		/* The test is unconfined: it opens the file and sends the descriptor over. */
		int file = open(F, O_RDONLY);

		if (mg_send_fd(sv[0], file))
			kill(pid, SIGKILL);
		close(file);
		close(sv[0]);
		close(sv[1]);
	}
	if (fd >= 0)
		close(fd);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST_F(access, allowed)
{
	char err[512];

	ASSERT_EQ(0, mg_load_text(self->policy_allow, err, sizeof(err))) {
		TH_LOG("%s\n%s", err, self->policy_allow);
	}
	EXPECT_EQ(0, run_probe(variant)) {
		TH_LOG("policy:\n%s", self->policy_allow);
	}
}

TEST_F(access, denied)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	char err[512];

	ASSERT_EQ(0, mg_load_text(self->policy_deny, err, sizeof(err))) {
		TH_LOG("%s\n%s", err, self->policy_deny);
	}
	EXPECT_EQ(EACCES, run_probe(variant)) {
		TH_LOG("policy:\n%s", self->policy_deny);
	}
	/* The denial names the object of the rule under test. */
	EXPECT_EQ(0, mg_find_event(from, variant->path, MEDGATE_OP_NONE, MEDGATE_VERDICT_DENY,
				   &ev)) {
		TH_LOG("no audit event for %s", variant->path);
	}
}

TEST_HARNESS_MAIN

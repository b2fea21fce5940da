// SPDX-License-Identifier: GPL-2.0
/*
 * Objects without an ordinary name:
 *  - open(O_TMPFILE) is decided as a create in its directory (named DIR/#INODE), and linking it
 *    into place is a link from that name;
 *  - a pipe received over SCM_RIGHTS is not a file object of the policy;
 *  - an object whose path cannot be resolved (a deleted file) is denied, and its record names
 *    it by device and inode number.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D	MG_WORKDIR "/objects"
#define PROBE	D "/probe"
#define SPOOL	D "/spool"
#define NAMED	SPOOL "/named.dat"
#define GONE	D "/gone.bin"

FIXTURE(objects) {
};

FIXTURE_SETUP(objects)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " SPOOL));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
}

FIXTURE_TEARDOWN(objects)
{
}

static int load(const char *rules)
{
	char text[2048], err[512];
	int ret;

	snprintf(text, sizeof(text),
		 "profile objects {\n"
		 "    attach " PROBE "\n"
		 "%s"
		 "}\n", rules);
	ret = mg_load_text(text, err, sizeof(err));
	if (ret)
		fprintf(stderr, "# load failed: %s\n%s", err, text);
	return ret;
}

TEST_F(objects, tmpfile_is_a_create_in_its_directory)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	ASSERT_EQ(0, load("    file " SPOOL "/* rwc\n"));
	EXPECT_EQ(0, mg_run_probe(PROBE, "tmpfile", SPOOL, NULL));
	ASSERT_EQ(0, load("    file " SPOOL "/* rw\n"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "tmpfile", SPOOL, NULL));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_CREATE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(0, strncmp(ev.path, SPOOL "/#", strlen(SPOOL "/#"))) {
		TH_LOG("recorded path: \"%s\"", ev.path);
	}
	EXPECT_NE(0, ev.ino);
	EXPECT_EQ(MEDGATE_ACCESS_READ | MEDGATE_ACCESS_WRITE | MEDGATE_ACCESS_CREATE, ev.access);
}

TEST_F(objects, tmpfile_linked_into_place)
{
	struct stat st;

	ASSERT_EQ(0, load("    file " SPOOL "/* rwcl\n"
			  "    file /proc/** r\n"));
	EXPECT_EQ(0, mg_run_probe(PROBE, "tmpfile", SPOOL, NAMED));
	EXPECT_EQ(0, stat(NAMED, &st));
	unlink(NAMED);
	/* Without l on the nameless source the link is refused. */
	ASSERT_EQ(0, load("    file " SPOOL "/* rwc\n"
			  "    file /proc/** r\n"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "tmpfile", SPOOL, NAMED));
	EXPECT_NE(0, stat(NAMED, &st));
}

/* A pipe passed over a unix socket is accepted whatever the file rules say. */
TEST_F(objects, received_pipe_is_not_a_file_object)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int sv[2], pipefd[2], status;
	pid_t pid;

	ASSERT_EQ(0, load(""));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = { PROBE, "recv-fd", "3", NULL };

		if (dup2(sv[1], 3) < 0)
			_exit(250);
		execv(PROBE, argv);
		_exit(251);
	}
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &pipefd[0], sizeof(int));
	if (sendmsg(sv[0], &msg, 0) < 0)
		kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
	close(sv[1]);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* A deleted file has no path: the mapping is refused and the record names device and inode. */
TEST_F(objects, unnamed_object_is_recorded_by_device_and_inode)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	struct stat st;

	ASSERT_EQ(0, mg_copy_file(MG_PROBE, GONE, 0755));
	ASSERT_EQ(0, stat(GONE, &st));
	ASSERT_EQ(0, load("    file " D "/** rmd\n"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "mmap-deleted", GONE, NULL));
	ASSERT_EQ(0, mg_find_event(from, "", MEDGATE_OP_MMAP, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(st.st_ino, ev.ino);
	EXPECT_EQ(major(st.st_dev), major(ev.dev));
	EXPECT_EQ(minor(st.st_dev), minor(ev.dev));
}

TEST_HARNESS_MAIN

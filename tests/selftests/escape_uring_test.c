// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring and confinement (issue 9, escape 10, and "helpers act for the task").
 *
 * The escape: an unconfined launcher makes an io_uring instance with an SQPOLL thread, leaves its
 * descriptor open across the exec of a program that enters a profile, and the confined program
 * submits through it. The SQPOLL thread was created by the launcher and carries its (empty)
 * label, so the program read a file its profile denies, into the launcher's memory. Now the exec
 * into the profile is refused while such a descriptor survives it, a received io_uring
 * descriptor is refused, and the refusals are audited (op uring).
 *
 * The helpers: a confined task's own ring runs its work in its SQPOLL thread or in io-wq workers
 * (IOSQE_ASYNC); they carry the task's label, so a denied file stays denied (and audited, from
 * the io thread) and an allowed one is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/uring"
#define PROBE		D "/probe"		/* mg-uring, attached to the profile */
#define SECRET		D "/secret"
#define ALLOWED		D "/allowed"
#define MG_URING	"/medgate/helpers/mg-uring"
#define SECRET_TEXT	"the launcher's secret\n"

/* Exit status of the launcher's child when execv() itself failed: 100 + errno. */
#define EXEC_FAILED(err)	(100 + (err))

/* The files, the two attached programs and the profile: 0, or -1 with a TAP comment. */
static int setup_profile(void)
{
	mkdir(MG_WORKDIR, 0755);
	if (system("rm -rf " D " && mkdir -p " D) || mg_copy_file(MG_URING, PROBE, 0755) ||
	    mg_write_file(SECRET, SECRET_TEXT, 0600) ||
	    mg_write_file(ALLOWED, "allowed\n", 0644)) {
		fprintf(stderr, "# could not make the files under " D "\n");
		return -1;
	}
	return mg_load_textf("profile uring {\n"
			     "    attach " PROBE "\n"
			     "    file " ALLOWED " r\n"
			     /* pidfd_getfd() of the launcher: its own check must pass first. */
			     "    ptrace trace unconfined\n"
			     "}\n");
}

FIXTURE(uring) {
	int ring;
};

FIXTURE_SETUP(uring)
{
	self->ring = -1;
	ASSERT_EQ(0, setup_profile());
}

FIXTURE_TEARDOWN(uring)
{
	if (self->ring >= 0)
		close(self->ring);
}

/* The launcher's ring: 4 entries (what mg-uring ring-read expects), with an SQPOLL thread. */
static int launcher_ring(void)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 2000;
	return syscall(__NR_io_uring_setup, 4, &p);
}

/* What the SQPOLL thread of the launcher's ring reads and writes: the launcher's memory. */
static char launcher_path[64] = SECRET;
static char launcher_buf[64];

/*
 * The launcher forks a child that execs the probe (entering the profile) with the ring's
 * descriptor, close-on-exec cleared when @keep; the probe reads SECRET through the ring into
 * launcher_buf. Returns the child's exit status, or EXEC_FAILED(errno), or -signal.
 */
static int launch_with_ring(int ring, bool keep)
{
	char fd[16], path[32], buf[32];
	int status;
	pid_t pid;

	snprintf(fd, sizeof(fd), "%d", ring);
	snprintf(path, sizeof(path), "%p", (void *)launcher_path);
	snprintf(buf, sizeof(buf), "%p", (void *)launcher_buf);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *argv[] = { PROBE, "ring-read", fd, path, buf, NULL };

		if (keep && fcntl(ring, F_SETFD, 0))
			_exit(250);
		execv(PROBE, argv);
		_exit(EXEC_FAILED(errno));
	}
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST_F(uring, sqpoll_ring_kept_across_exec_into_profile_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	self->ring = launcher_ring();
	ASSERT_LE(0, self->ring) TH_LOG("io_uring_setup: %s", strerror(errno));
	memset(launcher_buf, 0, sizeof(launcher_buf));
	EXPECT_EQ(EXEC_FAILED(EPERM), launch_with_ring(self->ring, true));
	EXPECT_EQ(NULL, strstr(launcher_buf, "secret"))
		TH_LOG("the confined program read the secret through the launcher's ring");
	ASSERT_EQ(0, mg_find_event(from, PROBE, MEDGATE_OP_URING, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("uring", ev.profile);
	EXPECT_EQ(EPERM, ev.err);
}

/* The allowed form: rings are close-on-exec by default, and then the exec goes ahead. */
TEST_F(uring, launcher_ring_closed_on_exec_does_not_block_exec)
{
	self->ring = launcher_ring();
	ASSERT_LE(0, self->ring) TH_LOG("io_uring_setup: %s", strerror(errno));
	ASSERT_NE(0, fcntl(self->ring, F_GETFD) & FD_CLOEXEC);
	memset(launcher_buf, 0, sizeof(launcher_buf));
	/* The probe runs in its profile and finds no ring on the descriptor. */
	EXPECT_EQ(EBADF, launch_with_ring(self->ring, false));
	EXPECT_EQ(NULL, strstr(launcher_buf, "secret"));
}

/*
 * The same ring taken by the confined program from its launcher with pidfd_getfd(), which passes
 * the file_receive hook. (SCM_RIGHTS cannot carry an io_uring descriptor at all: the kernel
 * refuses to send one, checked here so that a kernel that stops doing so is noticed.)
 */
TEST_F(uring, received_ring_is_refused)
{
	uint64_t from = mg_audit_next();
	char pid[16], fd[16];
	char *argv[] = { PROBE, "getfd", pid, fd, NULL };
	struct mg_event ev;
	int sv[2];

	self->ring = launcher_ring();
	ASSERT_LE(0, self->ring) TH_LOG("io_uring_setup: %s", strerror(errno));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	EXPECT_EQ(-EINVAL, mg_send_fd(sv[0], self->ring));
	close(sv[0]);
	close(sv[1]);

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(fd, sizeof(fd), "%d", self->ring);
	EXPECT_EQ(EPERM, mg_run(argv));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_URING, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("uring", ev.profile);
	EXPECT_STREQ("", ev.path);
}

/* The allowed form: pidfd_getfd() of an ordinary descriptor the profile may read still works. */
TEST_F(uring, received_allowed_file_still_works)
{
	char pid[16], fd[16];
	char *argv[] = { PROBE, "getfd", pid, fd, NULL };
	int file = open(ALLOWED, O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, file);
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(fd, sizeof(fd), "%d", file);
	EXPECT_EQ(0, mg_run(argv));
	close(file);
}

/* A confined task's own ring: where the work runs (the task, an io-wq worker, SQPOLL). */
FIXTURE(own_ring) {
};

FIXTURE_VARIANT(own_ring) {
	const char *mode;
	bool io_thread;		/* the decision is made in an io_uring kernel thread */
};

FIXTURE_VARIANT_ADD(own_ring, inline) { .mode = "inline", .io_thread = false };
FIXTURE_VARIANT_ADD(own_ring, async) { .mode = "async", .io_thread = true };
FIXTURE_VARIANT_ADD(own_ring, sqpoll) { .mode = "sqpoll", .io_thread = true };

FIXTURE_SETUP(own_ring)
{
	ASSERT_EQ(0, setup_profile());
}

FIXTURE_TEARDOWN(own_ring)
{
}

TEST_F(own_ring, read_of_denied_file_is_denied_under_the_profile)
{
	uint64_t from = mg_audit_next();
	char *argv[] = { PROBE, "own-read", (char *)variant->mode, SECRET, NULL };
	struct mg_event ev;

	EXPECT_EQ(EACCES, mg_run(argv));
	ASSERT_EQ(0, mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY,
				   &ev));
	EXPECT_STREQ("uring", ev.profile);
	/* io_uring names its threads iou-wrk-PID (io-wq) and iou-sqp-PID (SQPOLL). */
	if (variant->io_thread) {
		EXPECT_EQ(0, strncmp(ev.comm, "iou-", 4)) TH_LOG("decided in %s", ev.comm);
	} else {
		EXPECT_STREQ("probe", ev.comm);
	}
}

TEST_F(own_ring, read_of_allowed_file_works)
{
	char *argv[] = { PROBE, "own-read", (char *)variant->mode, ALLOWED, NULL };

	EXPECT_EQ(0, mg_run(argv));
}

TEST_HARNESS_MAIN

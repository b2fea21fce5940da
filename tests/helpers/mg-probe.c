// SPDX-License-Identifier: GPL-2.0
/*
 * mg-probe: the process the selftests confine. It performs one action and reports the outcome
 * as its exit status: 0 on success, the errno otherwise, so a test can tell EACCES from ENOENT.
 *
 *   mg-probe open PATH r|w|a|rw     open(2) with that mode, then close
 *   mg-probe fork-open PATH MODE    the same from a forked child; exits with the child's status
 *   mg-probe exec PATH [ARG...]     execv(2); exits with the errno if exec fails
 *   mg-probe spin SECONDS           stays alive (for tests that look at a running task)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_flags(const char *mode)
{
	if (!strcmp(mode, "r"))
		return O_RDONLY;
	if (!strcmp(mode, "w"))
		return O_WRONLY;
	if (!strcmp(mode, "a"))
		return O_WRONLY | O_APPEND;
	if (!strcmp(mode, "rw"))
		return O_RDWR;
	return -1;
}

static int do_open(const char *path, const char *mode)
{
	int flags = open_flags(mode);
	int fd;

	if (flags < 0)
		return EINVAL;
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int do_fork_open(const char *path, const char *mode)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(do_open(path, mode));
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "open"))
		return do_open(argv[2], argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "fork-open"))
		return do_fork_open(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "exec")) {
		execv(argv[2], &argv[2]);
		return errno;
	}
	if (argc >= 3 && !strcmp(argv[1], "spin")) {
		sleep(atoi(argv[2]));
		return 0;
	}
	fprintf(stderr, "usage: mg-probe open|fork-open PATH MODE | exec PATH [ARG...] | spin SECONDS\n");
	return 254;
}

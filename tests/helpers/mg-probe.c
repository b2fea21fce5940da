// SPDX-License-Identifier: GPL-2.0
/*
 * mg-probe: the process the selftests confine. It performs one action and reports the outcome
 * as its exit status: 0 on success, the errno otherwise, so a test can tell EACCES from ENOENT.
 *
 *   open PATH r|w|a|rw           open(2) with that mode, then close
 *   open-times N PATH MODE       the same N times; exits with the errno of the last one
 *   fork-open PATH MODE          the same from a forked child; exits with the child's status
 *   exec PATH [ARG...]           execv(2); exits with the errno if exec fails
 *   exec-opath PATH [ARG...]     opens PATH with O_PATH, then execveat(fd, "", AT_EMPTY_PATH)
 *   exec-memfd PATH [ARG...]     copies PATH into a memfd, then execveat(memfd, "", AT_EMPTY_PATH)
 *   spin SECONDS                 stays alive
 *   sleep-open SECONDS PATH MODE sleeps, then opens (for policy changes under a running task)
 *   create PATH                  open(O_CREAT|O_EXCL|O_WRONLY)
 *   mkdir PATH | rmdir PATH | unlink PATH | symlink TARGET PATH
 *   rename FROM TO | link FROM TO
 *   exchange A B                 renameat2(A, B, RENAME_EXCHANGE)
 *   chmod PATH | chown PATH | truncate PATH
 *   mmap-exec PATH               maps the file PROT_READ|PROT_EXEC
 *   mprotect-exec PATH           maps it PROT_READ, then mprotect(PROT_READ|PROT_EXEC)
 *   tmpfile DIR [NAME]           open(O_TMPFILE|O_RDWR) in DIR, then, with NAME, links it there
 *                                (linkat through /proc/self/fd, as without CAP_DAC_READ_SEARCH)
 *   mmap-deleted PATH            opens PATH, unlinks it, then maps it PROT_READ|PROT_EXEC
 *   recv-fd SOCKFD               receives one descriptor over a unix socket (SCM_RIGHTS)
 *   setfl-noappend FD            clears O_APPEND on an inherited descriptor
 *   read-fd FD                   reads one byte from an inherited descriptor
 *   mmap-fd FD                   maps an inherited descriptor PROT_READ, MAP_SHARED
 *   mmap-append-write PATH       opens O_RDWR|O_APPEND, maps it PROT_WRITE, MAP_SHARED
 *   chroot DIR | unshare-user | mount-tmpfs DIR | bpf-map
 *                                operations that change the view of the file system, or use bpf()
 *   at-secure                    exits 1 if the kernel set AT_SECURE for this exec, else 0
 *   traceme-exec PATH [ARG...]   asks its parent to trace it (PTRACE_TRACEME), then execv(2)
 *   loop STOPFILE ALLOWED DENIED THREADS
 *                                threads open ALLOWED (must succeed) and DENIED (must fail with
 *                                EACCES) until STOPFILE exists; exits 0 if every verdict was
 *                                right and each thread made progress, 1 otherwise
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>

extern char **environ;

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

static int result(int ret)
{
	return ret < 0 ? errno : 0;
}

static int do_map(const char *path, int mprotect_after)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;
	int ret = 0;

	if (fd < 0)
		return errno;
	p = mmap(NULL, 4096, PROT_READ | (mprotect_after ? 0 : PROT_EXEC), MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		ret = errno;
	} else {
		if (mprotect_after && mprotect(p, 4096, PROT_READ | PROT_EXEC))
			ret = errno;
		munmap(p, 4096);
	}
	close(fd);
	return ret;
}

static int do_tmpfile(const char *dir, const char *name)
{
	char proc[64];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	int ret = 0;

	if (fd < 0)
		return errno;
	if (name) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW))
			ret = errno;
	}
	close(fd);
	return ret;
}

static int do_map_deleted(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;
	int ret = 0;

	if (fd < 0)
		return errno;
	if (unlink(path)) {
		ret = errno;
	} else {
		p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			ret = errno;
		else
			munmap(p, 4096);
	}
	close(fd);
	return ret;
}

static int do_recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	if (recvmsg(sock, &msg, 0) < 0)
		return errno;
	c = CMSG_FIRSTHDR(&msg);
	/* A descriptor the LSM refused is dropped and the control data truncated. */
	if ((msg.msg_flags & MSG_CTRUNC) || !c || c->cmsg_type != SCM_RIGHTS)
		return EACCES;
	close(*(int *)CMSG_DATA(c));
	return 0;
}

struct loop_args {
	const char *stop, *allowed, *denied;
	long rounds, wrong;
};

static void *loop_thread(void *arg)
{
	struct loop_args *a = arg;

	while (access(a->stop, F_OK)) {
		if (do_open(a->allowed, "r") != 0)
			a->wrong++;
		if (do_open(a->denied, "r") != EACCES)
			a->wrong++;
		a->rounds++;
	}
	return NULL;
}

static int do_loop(const char *stop, const char *allowed, const char *denied, int threads)
{
	struct loop_args args[16];
	pthread_t tid[16];
	int i, bad = 0;

	if (threads < 1 || threads > 16)
		return EINVAL;
	for (i = 0; i < threads; i++) {
		args[i] = (struct loop_args){ stop, allowed, denied, 0, 0 };
		if (pthread_create(&tid[i], NULL, loop_thread, &args[i]))
			return EAGAIN;
	}
	for (i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		printf("thread %d: %ld rounds, %ld wrong verdicts\n", i, args[i].rounds, args[i].wrong);
		if (args[i].wrong || !args[i].rounds)
			bad = 1;
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (argc >= 4 && !strcmp(cmd, "open"))
		return do_open(argv[2], argv[3]);
	if (argc >= 4 && !strcmp(cmd, "fork-open"))
		return do_fork_open(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(cmd, "exec")) {
		execv(argv[2], &argv[2]);
		return errno;
	}
	if (argc >= 3 && !strcmp(cmd, "exec-opath")) {
		int fd = open(argv[2], O_PATH | O_CLOEXEC);

		if (fd < 0)
			return errno;
		syscall(SYS_execveat, fd, "", &argv[2], environ, AT_EMPTY_PATH);
		return errno;
	}
	if (argc >= 3 && !strcmp(cmd, "exec-memfd")) {
		char buf[65536];
		ssize_t n;
		int in = open(argv[2], O_RDONLY | O_CLOEXEC);
		int fd = syscall(SYS_memfd_create, "mg-exec", 0);

		if (in < 0 || fd < 0)
			return errno;
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(fd, buf, n) != n)
				return EIO;
		if (n < 0)
			return errno;
		close(in);
		syscall(SYS_execveat, fd, "", &argv[2], environ, AT_EMPTY_PATH);
		return errno;
	}
	if (argc >= 3 && !strcmp(cmd, "spin")) {
		sleep(atoi(argv[2]));
		return 0;
	}
	if (argc >= 5 && !strcmp(cmd, "sleep-open")) {
		sleep(atoi(argv[2]));
		return do_open(argv[3], argv[4]);
	}
	if (argc >= 3 && !strcmp(cmd, "create")) {
		int fd = open(argv[2], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);

		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	if (argc >= 3 && !strcmp(cmd, "mkdir"))
		return result(mkdir(argv[2], 0755));
	if (argc >= 3 && !strcmp(cmd, "rmdir"))
		return result(rmdir(argv[2]));
	if (argc >= 3 && !strcmp(cmd, "unlink"))
		return result(unlink(argv[2]));
	if (argc >= 4 && !strcmp(cmd, "symlink"))
		return result(symlink(argv[2], argv[3]));
	if (argc >= 4 && !strcmp(cmd, "rename"))
		return result(rename(argv[2], argv[3]));
	if (argc >= 4 && !strcmp(cmd, "exchange"))
		return result(syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3],
				      (1 << 1) /* RENAME_EXCHANGE */));
	if (argc >= 4 && !strcmp(cmd, "link"))
		return result(link(argv[2], argv[3]));
	if (argc >= 3 && !strcmp(cmd, "chmod"))
		return result(chmod(argv[2], 0600));
	if (argc >= 3 && !strcmp(cmd, "chown"))
		return result(chown(argv[2], getuid(), getgid()));
	if (argc >= 3 && !strcmp(cmd, "truncate"))
		return result(truncate(argv[2], 0));
	if (argc >= 3 && !strcmp(cmd, "mmap-exec"))
		return do_map(argv[2], 0);
	if (argc >= 3 && !strcmp(cmd, "mprotect-exec"))
		return do_map(argv[2], 1);
	if (argc >= 5 && !strcmp(cmd, "open-times")) {
		int n = atoi(argv[2]), ret = 0;

		while (n-- > 0)
			ret = do_open(argv[3], argv[4]);
		return ret;
	}
	if (argc >= 3 && !strcmp(cmd, "tmpfile"))
		return do_tmpfile(argv[2], argc >= 4 ? argv[3] : NULL);
	if (argc >= 3 && !strcmp(cmd, "mmap-deleted"))
		return do_map_deleted(argv[2]);
	if (argc >= 3 && !strcmp(cmd, "recv-fd"))
		return do_recv_fd(atoi(argv[2]));
	if (argc >= 3 && !strcmp(cmd, "read-fd")) {
		char byte;

		return result(read(atoi(argv[2]), &byte, 1));
	}
	if (argc >= 3 && !strcmp(cmd, "mmap-fd")) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, atoi(argv[2]), 0);

		if (p == MAP_FAILED)
			return errno;
		munmap(p, 4096);
		return 0;
	}
	if (argc >= 3 && !strcmp(cmd, "mmap-append-write")) {
		int fd = open(argv[2], O_RDWR | O_APPEND | O_CLOEXEC);
		void *p;

		if (fd < 0)
			return errno;
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			return errno;
		munmap(p, 4096);
		return 0;
	}
	if (argc >= 3 && !strcmp(cmd, "chroot"))
		return result(chroot(argv[2]));
	if (!strcmp(cmd, "unshare-user"))
		return result(unshare(CLONE_NEWUSER));
	if (argc >= 3 && !strcmp(cmd, "mount-tmpfs"))
		return result(mount("none", argv[2], "tmpfs", 0, NULL));
	if (!strcmp(cmd, "bpf-map")) {
		union bpf_attr attr;
		long fd;

		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 4;
		attr.max_entries = 1;
		fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	if (argc >= 3 && !strcmp(cmd, "setfl-noappend"))
		return result(fcntl(atoi(argv[2]), F_SETFL, 0));
	if (argc >= 3 && !strcmp(cmd, "traceme-exec")) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			return errno;
		execv(argv[2], argv + 2);
		return errno;
	}
	if (!strcmp(cmd, "at-secure"))
		return getauxval(AT_SECURE) ? 1 : 0;
	if (argc >= 6 && !strcmp(cmd, "loop"))
		return do_loop(argv[2], argv[3], argv[4], atoi(argv[5]));
	fprintf(stderr, "mg-probe: unknown action; see the comment at the top of mg-probe.c\n");
	return 254;
}

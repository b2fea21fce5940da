// SPDX-License-Identifier: GPL-2.0
/*
 * mg-escape: what an attacker in a profile does to other tasks and to files' metadata, for the
 * selftests (escape_peer_test, escape_attr_test). Like mg-probe, it reports the outcome as its
 * exit status: 0 on success, the errno of the first operation that failed otherwise.
 *
 *   ptrace-attach PID       PTRACE_ATTACH (then detaches)
 *   ptrace-seize-read PID ADDR
 *                           PTRACE_SEIZE, then reads a word at ADDR with PTRACE_PEEKDATA
 *   proc-mem PID ADDR       reads 8 bytes at ADDR through /proc/PID/mem
 *   vm-read PID ADDR        reads 8 bytes at ADDR with process_vm_readv()
 *   getfd PID FD            takes descriptor FD of PID with pidfd_getfd()
 *   kill PID SIG            sends signal SIG to PID
 *   traceme                 forks a child that asks for PTRACE_TRACEME; its errno is ours
 *   tiocsti FD              pushes one character into the terminal on descriptor FD
 *   setflags PATH           opens PATH read-only and sets FS_NOATIME_FL with FS_IOC_SETFLAGS
 *   mknod-chr PATH          makes PATH a character device node 1:3 (/dev/null's numbers)
 *   setxattr PATH NAME      sets the extended attribute NAME of PATH to "v"
 *   fspick-ro PATH          fspick() the mount at PATH, then reconfigures it read-only
 *   fsopen-tmpfs            fsopen("tmpfs") and FSCONFIG_CMD_CREATE: a new superblock
 *   clone-fs-exec PROG      a child made with clone(CLONE_FS) executes PROG; its errno is ours
 *   sleep SECONDS           sleeps (a target for the others)
 *   openat-read FD NAME     opens NAME relative to the inherited directory descriptor FD (a
 *                           detached mount made by the caller) and reads from it
 *   execveat FD NAME        executes NAME relative to the inherited descriptor FD
 *   bind-tcp PORT           binds a TCP socket to 127.0.0.1:PORT (below 1024: a capability)
 *   kexec                   kexec_load() with no segments (CAP_SYS_BOOT)
 *   finit-module PATH       finit_module() of the module file PATH (CAP_SYS_MODULE)
 *   iopl                    iopl(3) (CAP_SYS_RAWIO; x86 only: ENOSYS elsewhere)
 *   open-by-handle PATH     name_to_handle_at(PATH), then open_by_handle_at() (needs
 *                           CAP_DAC_READ_SEARCH)
 *   unshare FLAGS           unshare(FLAGS), FLAGS a number (CLONE_NEW*)
 *   setns-self              setns(pidfd_open(self), CLONE_NEWNS): back to the mount namespace's
 *                           root, out of a chroot
 *   setns-fd FD             setns(FD, 0), FD an inherited namespace file (/proc/PID/ns/TYPE,
 *                           which a profile cannot open: nsfs names are not paths): the type
 *                           comes from the file
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/fs.h>
#include <linux/mount.h>

#define FAIL()	(errno ? errno : EIO)

static unsigned long num(const char *s)
{
	return strtoul(s, NULL, 0);
}

static int ptrace_attach(pid_t pid)
{
	int status;

	if (ptrace(PTRACE_ATTACH, pid, 0, 0))
		return FAIL();
	waitpid(pid, &status, __WALL);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}

static int ptrace_seize_read(pid_t pid, unsigned long addr)
{
	long word;
	int status;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0))
		return FAIL();
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0))
		return FAIL();
	waitpid(pid, &status, __WALL);
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, addr, 0);
	if (word == -1 && errno)
		return FAIL();
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}

static int proc_mem(pid_t pid, unsigned long addr)
{
	char path[64], buf[8];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return FAIL();
	if (pread(fd, buf, sizeof(buf), (off_t)addr) != sizeof(buf))
		return FAIL();
	close(fd);
	return 0;
}

static int vm_read(pid_t pid, unsigned long addr)
{
	char buf[8];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)addr, sizeof(buf) };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == sizeof(buf) ? 0 : FAIL();
}

static int getfd(pid_t pid, int fd)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0), got;

	if (pidfd < 0)
		return FAIL();
	got = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	return got < 0 ? FAIL() : 0;
}

static int traceme(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return FAIL();
	if (pid == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, 0, 0) ? FAIL() : 0);
	if (waitpid(pid, &status, 0) != pid)
		return FAIL();
	return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

static int setflags(const char *path)
{
	int fd = open(path, O_RDONLY), flags = 0;

	if (fd < 0)
		return FAIL();
	ioctl(fd, FS_IOC_GETFLAGS, &flags);
	flags |= FS_NOATIME_FL;
	return ioctl(fd, FS_IOC_SETFLAGS, &flags) ? FAIL() : 0;
}

static int fspick_ro(const char *path)
{
	int fd = syscall(SYS_fspick, AT_FDCWD, path, 0);

	if (fd < 0)
		return FAIL();
	if (syscall(SYS_fsconfig, fd, FSCONFIG_SET_FLAG, "ro", NULL, 0))
		return FAIL();
	return syscall(SYS_fsconfig, fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) ? FAIL() : 0;
}

static int fsopen_tmpfs(void)
{
	int fd = syscall(SYS_fsopen, "tmpfs", 0);

	if (fd < 0)
		return FAIL();
	return syscall(SYS_fsconfig, fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) ? FAIL() : 0;
}

static int openat_read(int dir, const char *name)
{
	char buf[64];
	int fd = openat(dir, name, O_RDONLY);

	if (fd < 0)
		return FAIL();
	return read(fd, buf, sizeof(buf)) < 0 ? FAIL() : 0;
}

static int bind_tcp(unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (s < 0)
		return FAIL();
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return bind(s, (struct sockaddr *)&a, sizeof(a)) ? FAIL() : 0;
}

static int open_by_handle(const char *path)
{
	struct { struct file_handle h; unsigned char data[MAX_HANDLE_SZ]; } fh;
	int mount_id, mnt, fd;

	fh.h.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, &fh.h, &mount_id, 0))
		return FAIL();
	mnt = open("/", O_RDONLY | O_DIRECTORY);
	if (mnt < 0)
		return FAIL();
	fd = open_by_handle_at(mnt, &fh.h, O_RDONLY);
	return fd < 0 ? FAIL() : 0;
}

static int iopl_3(void)
{
#ifdef SYS_iopl
	return syscall(SYS_iopl, 3) ? FAIL() : 0;
#else
	return ENOSYS;
#endif
}

static char clone_stack[64 * 1024] __attribute__((aligned(16)));

static int exec_child(void *prog)
{
	char *argv[] = { prog, NULL };

	execv(prog, argv);
	return FAIL();
}

/* The child shares this process's root and cwd (CLONE_FS) while it execs PROG. */
static int clone_fs_exec(char *prog)
{
	int status;
	pid_t pid = clone(exec_child, clone_stack + sizeof(clone_stack), CLONE_FS | SIGCHLD, prog);

	if (pid < 0)
		return FAIL();
	if (waitpid(pid, &status, 0) != pid)
		return FAIL();
	return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	errno = 0;
	if (argc >= 3 && !strcmp(cmd, "ptrace-attach"))
		return ptrace_attach(num(argv[2]));
	if (argc >= 4 && !strcmp(cmd, "ptrace-seize-read"))
		return ptrace_seize_read(num(argv[2]), num(argv[3]));
	if (argc >= 4 && !strcmp(cmd, "proc-mem"))
		return proc_mem(num(argv[2]), num(argv[3]));
	if (argc >= 4 && !strcmp(cmd, "vm-read"))
		return vm_read(num(argv[2]), num(argv[3]));
	if (argc >= 4 && !strcmp(cmd, "getfd"))
		return getfd(num(argv[2]), num(argv[3]));
	if (argc >= 4 && !strcmp(cmd, "kill"))
		return kill(num(argv[2]), num(argv[3])) ? FAIL() : 0;
	if (!strcmp(cmd, "traceme"))
		return traceme();
	if (argc >= 3 && !strcmp(cmd, "tiocsti"))
		return ioctl(num(argv[2]), TIOCSTI, "x") ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "setflags"))
		return setflags(argv[2]);
	if (argc >= 3 && !strcmp(cmd, "mknod-chr"))
		return mknod(argv[2], S_IFCHR | 0600, makedev(1, 3)) ? FAIL() : 0;
	if (argc >= 4 && !strcmp(cmd, "setxattr"))
		return setxattr(argv[2], argv[3], "v", 1, 0) ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "fspick-ro"))
		return fspick_ro(argv[2]);
	if (!strcmp(cmd, "fsopen-tmpfs"))
		return fsopen_tmpfs();
	if (argc >= 3 && !strcmp(cmd, "clone-fs-exec"))
		return clone_fs_exec(argv[2]);
	if (argc >= 4 && !strcmp(cmd, "openat-read"))
		return openat_read(num(argv[2]), argv[3]);
	if (argc >= 4 && !strcmp(cmd, "execveat")) {
		char *args[] = { argv[3], NULL }, *env[] = { NULL };

		syscall(SYS_execveat, (int)num(argv[2]), argv[3], args, env, 0);
		return FAIL();
	}
	if (argc >= 3 && !strcmp(cmd, "bind-tcp"))
		return bind_tcp(num(argv[2]));
	if (!strcmp(cmd, "kexec"))
		return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL) ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "finit-module")) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return FAIL();
		return syscall(SYS_finit_module, fd, "", 0) ? FAIL() : 0;
	}
	if (!strcmp(cmd, "iopl"))
		return iopl_3();
	if (argc >= 3 && !strcmp(cmd, "open-by-handle"))
		return open_by_handle(argv[2]);
	if (argc >= 3 && !strcmp(cmd, "unshare"))
		return unshare((int)num(argv[2])) ? FAIL() : 0;
	if (!strcmp(cmd, "setns-self")) {
		int pidfd = syscall(SYS_pidfd_open, getpid(), 0);

		if (pidfd < 0)
			return FAIL();
		return setns(pidfd, CLONE_NEWNS) ? FAIL() : 0;
	}
	if (argc >= 3 && !strcmp(cmd, "setns-fd"))
		return setns((int)num(argv[2]), 0) ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "sleep"))
		return sleep(num(argv[2])) ? EINTR : 0;
	fprintf(stderr, "mg-escape: unknown action\n");
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * mg-escape: what an attacker in a profile does to other tasks and to files' metadata, for the
 * selftests (escape_peer_test, escape_attr_test, attack_confine_test, times_test). Like
 * mg-probe, it reports the outcome as its exit status: 0 on success, the errno of the first
 * operation that failed otherwise.
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
 *   clone-read PATH NAME    clones PATH with open_tree(OPEN_TREE_CLONE) itself (CAP_SYS_ADMIN),
 *                           then opens NAME in the clone and reads from it
 *   unshare-read FLAGS PATH unshare(FLAGS), then opens PATH and reads from it
 *   bind-tcp PORT           binds a TCP socket to 127.0.0.1:PORT (below 1024: a capability)
 *   kexec                   kexec_load() with no segments (CAP_SYS_BOOT)
 *   finit-module PATH       finit_module() of the module file PATH (CAP_SYS_MODULE)
 *   iopl                    iopl(3) (CAP_SYS_RAWIO; x86 only: ENOSYS elsewhere)
 *   open-by-handle PATH [MOUNTDIR]
 *                           name_to_handle_at(PATH), then open_by_handle_at() on the mount of
 *                           MOUNTDIR ("/" by default) and a read (needs CAP_DAC_READ_SEARCH)
 *   unshare FLAGS           unshare(FLAGS), FLAGS a number (CLONE_NEW*)
 *   setns-self              setns(pidfd_open(self), CLONE_NEWNS): back to the mount namespace's
 *                           root, out of a chroot
 *   vm-write PID ADDR       writes 8 bytes at ADDR with process_vm_writev()
 *   proc-mem-write PID ADDR writes 8 bytes at ADDR through /proc/PID/mem
 *   kcmp PID                kcmp(self, PID, KCMP_FILES): compares descriptor tables
 *   pidfd-signal PID SIG    pidfd_send_signal()
 *   sigqueue PID SIG        sigqueue() (rt_sigqueueinfo with SI_QUEUE)
 *   sigio PID SIG setown|setown-ex|fiosetown
 *                           makes PID the owner of a pipe's read end (fcntl F_SETOWN,
 *                           F_SETOWN_EX) or of a unix socket (ioctl FIOSETOWN), sets the
 *                           signal to SIG with
 *                           F_SETSIG, turns on O_ASYNC and writes to the pipe: the kernel then
 *                           sends SIG to PID for the caller (PID "self": the caller)
 *   fcntl-setsig FD SIG     F_SETSIG on the inherited descriptor FD
 *   fcntl-async FD          turns O_ASYNC on for the inherited descriptor FD
 *   fcntl-notify FD         F_NOTIFY (DN_CREATE) on the inherited directory descriptor FD
 *   prlimit-nofile PID      lowers PID's RLIMIT_NOFILE to 3 with prlimit()
 *   renice PID              setpriority(PRIO_PROCESS, PID, 19)
 *   sched-idle PID          sched_setscheduler(PID, SCHED_IDLE)
 *   recv-openat SOCK NAME   receives a descriptor over the unix socket SOCK (SCM_RIGHTS), then
 *                           opens NAME relative to it and reads from it
 *   keyctl-read DESC        finds the "user" key DESC in the user keyring (KEYCTL_SEARCH) and
 *                           reads it (KEYCTL_READ)
 *   open-read PATH          opens PATH read-only and reads from it (/proc/PID/root/..., ...)
 *   rename-exchange A B     renameat2(A, B, RENAME_EXCHANGE)
 *   setns-fd FD             setns(FD, 0), FD an inherited namespace file (/proc/PID/ns/TYPE,
 *                           which a profile cannot open: nsfs names are not paths): the type
 *                           comes from the file
 *   utimens PATH explicit|now|now-omit
 *                           utimensat() on PATH: both times set to 2001-09-09 (explicit), both
 *                           UTIME_NOW (now), or the access time UTIME_NOW and the modification
 *                           time UTIME_OMIT (now-omit)
 *   futimens PATH           opens PATH read-only and sets both times to 2001-09-09 with
 *                           futimens() on the descriptor
 *   tiocsig FD SIG          TIOCSIG on the inherited pseudo-terminal master FD: SIG to the
 *                           foreground process group of the other side
 *   vt-activate TTY         opens the virtual console TTY and activates the console that is
 *                           active already (VT_GETSTATE, VT_ACTIVATE): a switch that changes
 *                           nothing
 *   kbsent-same TTY         opens TTY, reads the string of function key F1 (KDGKBSENT) and
 *                           writes it back unchanged (KDSKBSENT)
 *   clone3 FLAGS            clone3() with FLAGS (a number, CLONE_NEW*); the child exits at once
 *   clone3-race TRIES       up to TRIES times clone3(CLONE_NEWNS) while another thread keeps
 *                           switching the flags in memory between CLONE_NEWNS and 0: succeeds
 *                           (0) as soon as a child finds itself in a new mount namespace,
 *                           EPERM when none did
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
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
#include <linux/kcmp.h>
#include <linux/kd.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <linux/vt.h>

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

static int open_by_handle(const char *path, const char *mountdir)
{
	struct { struct file_handle h; unsigned char data[MAX_HANDLE_SZ]; } fh;
	int mount_id, mnt, fd;
	char byte;

	fh.h.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, &fh.h, &mount_id, 0))
		return FAIL();
	mnt = open(mountdir, O_RDONLY | O_DIRECTORY);
	if (mnt < 0)
		return FAIL();
	fd = open_by_handle_at(mnt, &fh.h, O_RDONLY);
	if (fd < 0)
		return FAIL();
	return read(fd, &byte, 1) < 0 ? FAIL() : 0;
}

static int clone_read(const char *path, const char *name)
{
	int clone = syscall(SYS_open_tree, AT_FDCWD, path, 1 /* OPEN_TREE_CLONE */);

	return clone < 0 ? FAIL() : openat_read(clone, name);
}

static int vm_write(pid_t pid, unsigned long addr)
{
	char buf[8] = "injected";
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)addr, sizeof(buf) };

	return process_vm_writev(pid, &local, 1, &remote, 1, 0) == sizeof(buf) ? 0 : FAIL();
}

static int proc_mem_write(pid_t pid, unsigned long addr)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return FAIL();
	if (pwrite(fd, "injected", 8, (off_t)addr) != 8)
		return FAIL();
	close(fd);
	return 0;
}

static int pidfd_signal(pid_t pid, int sig)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);

	if (pidfd < 0)
		return FAIL();
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) ? FAIL() : 0;
}

/*
 * The kernel sends SIGIO (or the F_SETSIG signal) to a descriptor's owner when I/O becomes
 * possible; the caller only arranges it. sigio_perm() lets root's descriptors signal anyone.
 */
static int sigio(pid_t pid, int sig, const char *how)
{
	struct f_owner_ex owner = { .type = F_OWNER_PID, .pid = pid };
	int p[2], ret;

	/* FIOSETOWN is a socket ioctl; the fcntl forms work on a pipe. */
	if (!strcmp(how, "fiosetown") ? socketpair(AF_UNIX, SOCK_STREAM, 0, p) : pipe(p))
		return FAIL();
	if (!strcmp(how, "setown"))
		ret = fcntl(p[0], F_SETOWN, pid);
	else if (!strcmp(how, "setown-ex"))
		ret = fcntl(p[0], F_SETOWN_EX, &owner);
	else if (!strcmp(how, "fiosetown"))
		ret = ioctl(p[0], FIOSETOWN, &pid);
	else
		return EINVAL;
	if (ret)
		return FAIL();
	if (fcntl(p[0], F_SETSIG, sig) || fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return FAIL();
	if (write(p[1], "x", 1) != 1)
		return FAIL();
	return 0;
}

static int open_read(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return FAIL();
	return read(fd, buf, sizeof(buf)) < 0 ? FAIL() : 0;
}

static int recv_openat(int sock, const char *name)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) < 0)
		return FAIL();
	c = CMSG_FIRSTHDR(&msg);
	/* A descriptor the LSM refused is dropped and the control data truncated. */
	if ((msg.msg_flags & MSG_CTRUNC) || !c || c->cmsg_type != SCM_RIGHTS)
		return EACCES;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return openat_read(fd, name);
}

/* The keyctl(2) numbers, without libkeyutils. */
#define MG_KEYCTL_SEARCH	10
#define MG_KEYCTL_READ		11
#define MG_KEY_SPEC_USER	-4

static int keyctl_read(const char *desc)
{
	char buf[64];
	long key = syscall(SYS_keyctl, MG_KEYCTL_SEARCH, MG_KEY_SPEC_USER, "user", desc, 0);

	if (key < 0)
		return FAIL();
	return syscall(SYS_keyctl, MG_KEYCTL_READ, key, buf, sizeof(buf)) < 0 ? FAIL() : 0;
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

/* 2001-09-09 01:46:40 UTC, a time nobody would set by accident. */
#define FORGED_TIME	1000000000

static int utimens(const char *path, const char *how)
{
	struct timespec ts[2] = { { FORGED_TIME, 0 }, { FORGED_TIME, 0 } };

	if (!strcmp(how, "now")) {
		ts[0].tv_nsec = UTIME_NOW;
		ts[1].tv_nsec = UTIME_NOW;
	} else if (!strcmp(how, "now-omit")) {
		ts[0].tv_nsec = UTIME_NOW;
		ts[1].tv_nsec = UTIME_OMIT;
	} else if (strcmp(how, "explicit")) {
		return EINVAL;
	}
	return utimensat(AT_FDCWD, path, ts, 0) ? FAIL() : 0;
}

static int futimens_forged(const char *path)
{
	struct timespec ts[2] = { { FORGED_TIME, 0 }, { FORGED_TIME, 0 } };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return FAIL();
	return futimens(fd, ts) ? FAIL() : 0;
}

static int vt_activate_same(const char *tty)
{
	struct vt_stat st;
	int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, VT_GETSTATE, &st))
		return FAIL();
	return ioctl(fd, VT_ACTIVATE, (unsigned long)st.v_active) ? FAIL() : 0;
}

static int kbsent_same(const char *tty)
{
	struct kbsentry kb = { .kb_func = 0 };
	int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, KDGKBSENT, &kb))
		return FAIL();
	return ioctl(fd, KDSKBSENT, &kb) ? FAIL() : 0;
}

static int clone3_flags(unsigned long long flags)
{
	struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };
	int status;
	pid_t pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0)
		return FAIL();
	if (!pid)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid)
		return FAIL();
	return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

static struct clone_args race_args;
static volatile int racing = 1;

static void *flip_flags(void *arg)
{
	(void)arg;
	while (racing) {
		__atomic_store_n(&race_args.flags, CLONE_NEWNS, __ATOMIC_RELAXED);
		__atomic_store_n(&race_args.flags, 0, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * The kernel copies clone3()'s arguments, then checks CAP_SYS_ADMIN for CLONE_NEWNS; whoever
 * reads the flags from user memory again at that point may see other ones.
 */
static int clone3_race(long tries)
{
	struct stat own;
	int escaped = 0, refused = 0, plain = 0, status;
	pthread_t flipper;
	long i;

	if (stat("/proc/self/ns/mnt", &own) || pthread_create(&flipper, NULL, flip_flags, NULL))
		return FAIL();
	for (i = 0; i < tries && !escaped; i++) {
		pid_t pid;

		race_args.exit_signal = SIGCHLD;
		pid = syscall(SYS_clone3, &race_args, sizeof(race_args));
		if (pid < 0) {
			refused++;
			continue;
		}
		if (!pid) {
			struct stat now;

			_exit(stat("/proc/self/ns/mnt", &now) ? 2 : now.st_ino != own.st_ino);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return EIO;
		if (WEXITSTATUS(status) == 1)
			escaped++;
		else
			plain++;
	}
	racing = 0;
	pthread_join(flipper, NULL);
	fprintf(stderr, "clone3-race: %ld tries, %d refused, %d without a new namespace, %d with\n",
		i, refused, plain, escaped);
	return escaped ? 0 : EPERM;
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
		return open_by_handle(argv[2], argc >= 4 ? argv[3] : "/");
	if (argc >= 4 && !strcmp(cmd, "clone-read"))
		return clone_read(argv[2], argv[3]);
	if (argc >= 4 && !strcmp(cmd, "unshare-read"))
		return unshare((int)num(argv[2])) ? FAIL() : openat_read(AT_FDCWD, argv[3]);
	if (argc >= 3 && !strcmp(cmd, "unshare"))
		return unshare((int)num(argv[2])) ? FAIL() : 0;
	if (!strcmp(cmd, "setns-self")) {
		int pidfd = syscall(SYS_pidfd_open, getpid(), 0);

		if (pidfd < 0)
			return FAIL();
		return setns(pidfd, CLONE_NEWNS) ? FAIL() : 0;
	}
	if (argc >= 4 && !strcmp(cmd, "vm-write"))
		return vm_write(num(argv[2]), num(argv[3]));
	if (argc >= 4 && !strcmp(cmd, "proc-mem-write"))
		return proc_mem_write(num(argv[2]), num(argv[3]));
	if (argc >= 3 && !strcmp(cmd, "kcmp"))
		return syscall(SYS_kcmp, getpid(), (pid_t)num(argv[2]), KCMP_FILES, 0, 0) < 0 ?
		       FAIL() : 0;
	if (argc >= 4 && !strcmp(cmd, "pidfd-signal"))
		return pidfd_signal(num(argv[2]), num(argv[3]));
	if (argc >= 4 && !strcmp(cmd, "sigqueue")) {
		union sigval v = { .sival_int = 1 };

		return sigqueue(num(argv[2]), num(argv[3]), v) ? FAIL() : 0;
	}
	if (argc >= 5 && !strcmp(cmd, "sigio"))
		return sigio(strcmp(argv[2], "self") ? (pid_t)num(argv[2]) : getpid(),
			     num(argv[3]), argv[4]);
	if (argc >= 4 && !strcmp(cmd, "fcntl-setsig"))
		return fcntl(num(argv[2]), F_SETSIG, (int)num(argv[3])) ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "fcntl-async")) {
		int fl = fcntl(num(argv[2]), F_GETFL);

		return fl < 0 || fcntl(num(argv[2]), F_SETFL, fl | O_ASYNC) ? FAIL() : 0;
	}
	if (argc >= 3 && !strcmp(cmd, "fcntl-notify"))
		return fcntl(num(argv[2]), F_NOTIFY, DN_CREATE) ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "prlimit-nofile")) {
		struct rlimit lim = { 3, 3 };

		return prlimit(num(argv[2]), RLIMIT_NOFILE, &lim, NULL) ? FAIL() : 0;
	}
	if (argc >= 3 && !strcmp(cmd, "renice"))
		return setpriority(PRIO_PROCESS, num(argv[2]), 19) ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "sched-idle")) {
		struct sched_param sp = { 0 };

		return sched_setscheduler(num(argv[2]), SCHED_IDLE, &sp) ? FAIL() : 0;
	}
	if (argc >= 4 && !strcmp(cmd, "recv-openat"))
		return recv_openat(num(argv[2]), argv[3]);
	if (argc >= 3 && !strcmp(cmd, "keyctl-read"))
		return keyctl_read(argv[2]);
	if (argc >= 3 && !strcmp(cmd, "open-read"))
		return open_read(argv[2]);
	if (argc >= 4 && !strcmp(cmd, "rename-exchange"))
		return syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3],
			       RENAME_EXCHANGE) ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "setns-fd"))
		return setns((int)num(argv[2]), 0) ? FAIL() : 0;
	if (argc >= 4 && !strcmp(cmd, "utimens"))
		return utimens(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(cmd, "futimens"))
		return futimens_forged(argv[2]);
	if (argc >= 4 && !strcmp(cmd, "tiocsig"))
		return ioctl(num(argv[2]), TIOCSIG, (int)num(argv[3])) ? FAIL() : 0;
	if (argc >= 3 && !strcmp(cmd, "vt-activate"))
		return vt_activate_same(argv[2]);
	if (argc >= 3 && !strcmp(cmd, "kbsent-same"))
		return kbsent_same(argv[2]);
	if (argc >= 3 && !strcmp(cmd, "clone3"))
		return clone3_flags(strtoull(argv[2], NULL, 0));
	if (argc >= 3 && !strcmp(cmd, "clone3-race"))
		return clone3_race(num(argv[2]));
	if (argc >= 3 && !strcmp(cmd, "sleep"))
		return sleep(num(argv[2])) ? EINTR : 0;
	fprintf(stderr, "mg-escape: unknown action\n");
	return 2;
}

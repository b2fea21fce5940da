// SPDX-License-Identifier: GPL-2.0
/*
 * A red-team pass over the confinement of issue 9: what root inside a confined service tries
 * once ptrace, signals, extended attributes, links and renames are mediated.
 *
 * Each case does what an attacker would, as a real process in a real profile, against an
 * unconfined victim (a fork of this test, same uid) or the profile's own denied files:
 *  - the other ways into another task: PTRACE_SEIZE, process_vm_writev, writing /proc/PID/mem,
 *    kcmp, /proc/PID/root, /proc/PID/cwd and /proc/PID/fd of an unconfined process; its
 *    resource limits (prlimit), nice value and scheduling policy (found open: root changes them
 *    for every root task without a capability, and RLIMIT_CPU has the kernel kill it);
 *  - the other ways to signal it: pidfd_send_signal, sigqueue, and a signal the kernel sends
 *    for the attacker (a descriptor's owner set with F_SETOWN, F_SETOWN_EX or FIOSETOWN, any
 *    signal chosen with F_SETSIG, then I/O on the descriptor; found open, closed in
 *    kmod/sigio.c), also for an owner the unconfined parent chose (F_SETSIG, O_ASYNC,
 *    F_NOTIFY);
 *  - io_uring doing what the hooks refuse on the system call: IORING_OP_SETXATTR, also under
 *    credentials the ring overrides (a registered personality, an io-wq worker older than the
 *    task's credentials: both found open, the xattr hook took overridden credentials for the
 *    kernel's own work), IORING_OP_LINKAT and IORING_OP_RENAMEAT out from under a deny rule;
 *  - renameat2(RENAME_EXCHANGE) of a denied directory with an allowed one;
 *  - a detached mount passed in over SCM_RIGHTS by an unconfined helper;
 *  - TIOCSTI from a 32-bit program (the compat ioctl entry);
 *  - kernel keys: a secret in root's user keyring, which every root process possesses (found
 *    open: read), and KEYCTL_INVALIDATE of it, which asks only for search (found open); the
 *    other attempts on keys (link, request_key, the persistent keyring, /proc/keys, describe)
 *    are in keys_test.
 * Every case first shows, where it can, that the same action unconfined succeeds, so that a
 * refusal proves the confinement and not a kernel that refuses anyway.
 *
 * Signals are observed without timing: the victim blocks SIGUSR1 and SIGUSR2, so a signal that
 * was sent stays pending, and /proc/PID/status shows it as soon as the sender returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/attack"
#define PROG_A		D "/a"		/* mg-escape, attached to atk */
#define PROG_U		D "/u"		/* mg-uring, attached to atk */
#define PROG_T		D "/t"		/* mg-tiocsti32 (x86 only), attached to atk */
#define PROG_K		D "/k"		/* mg-keyctl, attached to atk */
#define DATA		D "/data"
#define PUB		DATA "/pub"
#define SECRET		DATA "/secret"
#define PUB_FILE	PUB "/file"
#define SECRET_KEY	SECRET "/key"
#define XFILE		DATA "/xfile"
#define XNAME		"security.mg_attack"
#define MG_ESCAPE	"/medgate/helpers/mg-escape"
#define MG_URING	"/medgate/helpers/mg-uring"
#define MG_TIOCSTI32	"/medgate/helpers/mg-tiocsti32"
#define VICTIM_FD	7		/* the victim's descriptor of PUB_FILE */

/* Where the attacker writes in the victim, a fork of this process: the same address there. */
static volatile char victim_word[16] = "victim's word";

static int setup_files(void)
{
	mkdir(MG_WORKDIR, 0755);
	if (system("rm -rf " D " && mkdir -p " PUB " " SECRET) ||
	    mg_copy_file(MG_ESCAPE, PROG_A, 0755) || mg_copy_file(MG_URING, PROG_U, 0755) ||
	    mg_copy_file("/medgate/helpers/mg-keyctl", PROG_K, 0755) ||
	    mg_write_file(PUB_FILE, "public\n", 0644) ||
	    mg_write_file(SECRET_KEY, "the secret key\n", 0600) ||
	    mg_write_file(XFILE, "x\n", 0644) ||
	    (!access(MG_TIOCSTI32, X_OK) && mg_copy_file(MG_TIOCSTI32, PROG_T, 0755)))
		return -1;
	/*
	 * The profile may do everything under DATA except read below SECRET; /proc is readable
	 * so that /proc/PID/... reaches the ptrace check rather than a file rule.
	 */
	return mg_load_textf("profile atk {\n"
			     "    attach " PROG_A "\n"
			     "    attach " PROG_U "\n"
			     "    attach " PROG_T "\n"
			     "    attach " PROG_K "\n"
			     "    file /proc/** r\n"
			     "    file /dev/pts/* rw\n"
			     "    file " DATA " rwcdls\n"
			     "    file " DATA "/** rwcdls\n"
			     "    deny file " SECRET "/** r\n"
			     "}\n");
}

static int act(const char *exe, const char *action, const char *a1, const char *a2,
	       const char *a3)
{
	char *argv[] = { (char *)exe, (char *)action, (char *)a1, (char *)a2, (char *)a3, NULL };

	return mg_run(argv);
}

/* Whether signal @sig is pending for @pid (its own or its process's pending set). */
static int pending(pid_t pid, int sig)
{
	char path[64], line[256];
	unsigned long long mask, bit = 1ULL << (sig - 1);
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if ((sscanf(line, "SigPnd: %llx", &mask) == 1 ||
		     sscanf(line, "ShdPnd: %llx", &mask) == 1) && (mask & bit))
			found = 1;
	fclose(f);
	return found;
}

static int has_xattr(const char *path)
{
	char v[8];

	return getxattr(path, XNAME, v, sizeof(v)) >= 0;
}

struct victim {
	pid_t pid;		/* unconfined, same uid, SIGUSR1 and SIGUSR2 blocked */
	char pid_s[16];
	char addr[32];		/* of victim_word, in the victim too */
};

/* Starts the victim and waits until it is ready; 0 or -1. */
static int start_victim(struct victim *v)
{
	sigset_t set;
	int ready[2];
	char c;

	if (pipe(ready))
		return -1;
	v->pid = fork();
	if (v->pid < 0)
		return -1;
	if (v->pid == 0) {
		int fd = open(PUB_FILE, O_RDONLY);

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGUSR2);
		if (fd < 0 || dup2(fd, VICTIM_FD) != VICTIM_FD || chdir(PUB) ||
		    sigprocmask(SIG_BLOCK, &set, NULL) || write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		return -1;
	close(ready[0]);
	snprintf(v->pid_s, sizeof(v->pid_s), "%d", v->pid);
	snprintf(v->addr, sizeof(v->addr), "%p", (void *)victim_word);
	return 0;
}

static void stop_victim(struct victim *v)
{
	if (v->pid > 0) {
		kill(v->pid, SIGKILL);
		waitpid(v->pid, NULL, 0);
	}
}

FIXTURE(attack) {
	struct victim v;
};

FIXTURE_SETUP(attack)
{
	ASSERT_EQ(0, setup_files());
	ASSERT_EQ(0, start_victim(&self->v));
}

FIXTURE_TEARDOWN(attack)
{
	stop_victim(&self->v);
}

/* ---- other ways into another task's memory, descriptors and file-system view ---- */

TEST_F(attack, ptrace_seize_is_refused)
{
	EXPECT_EQ(0, act(MG_ESCAPE, "ptrace-seize-read", self->v.pid_s, self->v.addr, NULL));
	EXPECT_EQ(EPERM, act(PROG_A, "ptrace-seize-read", self->v.pid_s, self->v.addr, NULL));
}

TEST_F(attack, process_vm_writev_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, act(PROG_A, "vm-write", self->v.pid_s, self->v.addr, NULL));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_PTRACE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ((uint32_t)self->v.pid, ev.peer_pid);
	EXPECT_EQ(MEDGATE_PTRACE_TRACE, ev.access);
	/* The baseline last: the victim's word is overwritten only now. */
	EXPECT_EQ(0, act(MG_ESCAPE, "vm-write", self->v.pid_s, self->v.addr, NULL));
}

TEST_F(attack, proc_mem_write_is_refused)
{
	EXPECT_EQ(EACCES, act(PROG_A, "proc-mem-write", self->v.pid_s, self->v.addr, NULL));
	EXPECT_EQ(0, act(MG_ESCAPE, "proc-mem-write", self->v.pid_s, self->v.addr, NULL));
}

TEST_F(attack, kcmp_is_refused)
{
	EXPECT_EQ(0, act(MG_ESCAPE, "kcmp", self->v.pid_s, NULL, NULL));
	EXPECT_EQ(EPERM, act(PROG_A, "kcmp", self->v.pid_s, NULL, NULL));
}

/*
 * The victim's root, cwd and descriptors lead to a file the profile may read: through the
 * task's own /proc/self they work, through the victim's they are refused (the magic links are
 * followed only after a ptrace check), so no other task's view of the file system is borrowed.
 */
TEST_F(attack, proc_pid_root_cwd_and_fd_of_another_task_are_refused)
{
	char path[128];

	EXPECT_EQ(0, act(PROG_A, "open-read", "/proc/self/root" PUB_FILE, NULL, NULL));
	snprintf(path, sizeof(path), "/proc/%d/root" PUB_FILE, self->v.pid);
	EXPECT_EQ(0, act(MG_ESCAPE, "open-read", path, NULL, NULL));
	EXPECT_EQ(EACCES, act(PROG_A, "open-read", path, NULL, NULL));
	snprintf(path, sizeof(path), "/proc/%d/cwd/file", self->v.pid);
	EXPECT_EQ(0, act(MG_ESCAPE, "open-read", path, NULL, NULL));
	EXPECT_EQ(EACCES, act(PROG_A, "open-read", path, NULL, NULL));
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", self->v.pid, VICTIM_FD);
	EXPECT_EQ(0, act(MG_ESCAPE, "open-read", path, NULL, NULL));
	EXPECT_EQ(EACCES, act(PROG_A, "open-read", path, NULL, NULL));
}

/*
 * Limits and scheduling of another task: the kernel lets root change them for every root task
 * without a capability, and RLIMIT_CPU has the kernel kill the task (found open, now decided as
 * tracing the other task). The allowed form: the task's own.
 */
TEST_F(attack, limits_and_scheduling_of_another_task_are_refused)
{
	struct rlimit before, after;
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	ASSERT_EQ(0, prlimit(self->v.pid, RLIMIT_NOFILE, NULL, &before));
	EXPECT_EQ(EPERM, act(PROG_A, "prlimit-nofile", self->v.pid_s, NULL, NULL));
	ASSERT_EQ(0, prlimit(self->v.pid, RLIMIT_NOFILE, NULL, &after));
	EXPECT_EQ(before.rlim_cur, after.rlim_cur);
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_PTRACE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ((uint32_t)self->v.pid, ev.peer_pid);
	EXPECT_EQ(EPERM, act(PROG_A, "renice", self->v.pid_s, NULL, NULL));
	EXPECT_EQ(EPERM, act(PROG_A, "sched-idle", self->v.pid_s, NULL, NULL));
	EXPECT_EQ(0, act(PROG_A, "renice", "0", NULL, NULL));
	EXPECT_EQ(0, act(PROG_A, "sched-idle", "0", NULL, NULL));
	/* The baselines last: they change the victim. */
	EXPECT_EQ(0, act(MG_ESCAPE, "renice", self->v.pid_s, NULL, NULL));
	EXPECT_EQ(0, act(MG_ESCAPE, "sched-idle", self->v.pid_s, NULL, NULL));
	EXPECT_EQ(0, act(MG_ESCAPE, "prlimit-nofile", self->v.pid_s, NULL, NULL));
	ASSERT_EQ(0, prlimit(self->v.pid, RLIMIT_NOFILE, NULL, &after));
	EXPECT_EQ(3, after.rlim_cur);
}

/* ---- descriptors passed in ---- */

/*
 * "@exe recv-openat 3 @name" with one end of a unix socket pair on descriptor 3, sent @fd over
 * SCM_RIGHTS; its exit status.
 */
static int recv_openat(const char *exe, int fd, const char *name)
{
	char *argv[] = { (char *)exe, "recv-openat", "3", (char *)name, NULL };

	return mg_run_sending_fd(argv, fd);
}

/*
 * An unconfined helper passes a detached clone of DATA over SCM_RIGHTS: in it, the secret is
 * named "/secret/key", which no deny rule matches. Whatever the receipt, nothing in the clone
 * may be opened by name from the profile (the names do not lead from the task's root).
 */
TEST_F(attack, received_detached_mount_is_refused)
{
	int clone = syscall(SYS_open_tree, AT_FDCWD, DATA, 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC);

	ASSERT_LE(0, clone) TH_LOG("open_tree: %s", strerror(errno));
	EXPECT_EQ(0, recv_openat(MG_ESCAPE, clone, "secret/key"));
	EXPECT_EQ(EACCES, recv_openat(PROG_A, clone, "secret/key"));
	EXPECT_EQ(EACCES, recv_openat(PROG_A, clone, "pub/file"));
	close(clone);
}

/* ---- other ways to signal it ---- */

TEST_F(attack, pidfd_send_signal_is_refused)
{
	EXPECT_EQ(EPERM, act(PROG_A, "pidfd-signal", self->v.pid_s, "10", NULL));
	EXPECT_EQ(0, pending(self->v.pid, SIGUSR1));
	EXPECT_EQ(0, act(MG_ESCAPE, "pidfd-signal", self->v.pid_s, "10", NULL));
	EXPECT_EQ(1, pending(self->v.pid, SIGUSR1));
}

TEST_F(attack, sigqueue_is_refused)
{
	EXPECT_EQ(EPERM, act(PROG_A, "sigqueue", self->v.pid_s, "10", NULL));
	EXPECT_EQ(0, pending(self->v.pid, SIGUSR1));
	EXPECT_EQ(0, act(MG_ESCAPE, "sigqueue", self->v.pid_s, "10", NULL));
	EXPECT_EQ(1, pending(self->v.pid, SIGUSR1));
}

/*
 * An owner someone else chose: the unconfined parent made itself the owner of a pipe the
 * program inherits. Choosing the signal, or turning O_ASYNC on (SIGIO's default action ends the
 * parent), would signal the parent for the program: both refused.
 */
TEST_F(attack, signal_choice_for_an_inherited_owner_is_refused)
{
	char fd[16];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, fcntl(p[0], F_SETOWN, getpid()));
	snprintf(fd, sizeof(fd), "%d", p[0]);
	EXPECT_EQ(EPERM, act(PROG_A, "fcntl-setsig", fd, "10", NULL));
	EXPECT_EQ(EPERM, act(PROG_A, "fcntl-async", fd, NULL, NULL));
	/* Not a signal (73 is SIGKILL + 64): refused as fcntl() refuses it, never decided as 9. */
	EXPECT_EQ(EINVAL, act(PROG_A, "fcntl-setsig", fd, "73", NULL));
	EXPECT_EQ(0, fcntl(p[0], F_GETSIG));
	EXPECT_FALSE(fcntl(p[0], F_GETFL) & O_ASYNC);
	/* The same program unconfined may. */
	EXPECT_EQ(0, act(MG_ESCAPE, "fcntl-setsig", fd, "10", NULL));
	EXPECT_EQ(10, fcntl(p[0], F_GETSIG));
	close(p[0]);
	close(p[1]);
}

/*
 * A directory notification makes the caller the owner only where the descriptor has none, and
 * signals the existing owner otherwise: the unconfined parent here.
 */
TEST_F(attack, directory_notification_for_an_inherited_owner_is_refused)
{
	char fd[16];
	int dir = open(DATA, O_RDONLY | O_DIRECTORY);

	ASSERT_LE(0, dir);
	ASSERT_EQ(0, fcntl(dir, F_SETOWN, getpid()));
	snprintf(fd, sizeof(fd), "%d", dir);
	EXPECT_EQ(EPERM, act(PROG_A, "fcntl-notify", fd, NULL, NULL));
	EXPECT_EQ(0, act(MG_ESCAPE, "fcntl-notify", fd, NULL, NULL));
	close(dir);
}

/*
 * The kernel sends a descriptor's owner its F_SETSIG signal when I/O becomes possible; the
 * owner is whoever the caller named, and no task_kill hook runs. Unconfined, SIGUSR2 reaches
 * the victim that way (the baseline); from the profile, naming the victim is refused and SIGUSR1
 * never arrives. The allowed form: the task names itself (and gets SIGCHLD, which it ignores).
 */
FIXTURE(sigio) {
	struct victim v;
};

FIXTURE_VARIANT(sigio) {
	const char *how;
};

FIXTURE_VARIANT_ADD(sigio, setown) { .how = "setown" };
FIXTURE_VARIANT_ADD(sigio, setown_ex) { .how = "setown-ex" };
FIXTURE_VARIANT_ADD(sigio, fiosetown) { .how = "fiosetown" };

FIXTURE_SETUP(sigio)
{
	ASSERT_EQ(0, setup_files());
	ASSERT_EQ(0, start_victim(&self->v));
}

FIXTURE_TEARDOWN(sigio)
{
	stop_victim(&self->v);
}

TEST_F(sigio, signal_through_a_descriptor_owner_is_refused)
{
	uint64_t from;
	struct mg_event ev;

	EXPECT_EQ(0, act(MG_ESCAPE, "sigio", self->v.pid_s, "12", variant->how));
	ASSERT_EQ(1, pending(self->v.pid, SIGUSR2)) TH_LOG("the baseline sent nothing");
	from = mg_audit_next();
	EXPECT_EQ(EPERM, act(PROG_A, "sigio", self->v.pid_s, "10", variant->how));
	EXPECT_EQ(0, pending(self->v.pid, SIGUSR1)) TH_LOG("the signal reached the victim");
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_SIGNAL, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("atk", ev.profile);
	if (strcmp(variant->how, "setown")) {
		/* The owner is in user memory: refused whatever it names, the task itself too. */
		EXPECT_EQ(EPERM, act(PROG_A, "sigio", "self", "17", variant->how));
	} else {
		EXPECT_EQ(0, act(PROG_A, "sigio", "self", "17", variant->how));
	}
}

/* ---- terminal injection from a 32-bit program ---- */

/* A new terminal, raw, its slave on descriptor 3 (what the confined program inherits). */
static int open_terminal(void)
{
	struct termios tio;
	char name[64];
	int master, slave;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) ||
	    ptsname_r(master, name, sizeof(name)))
		return -1;
	slave = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (slave < 0 || tcgetattr(slave, &tio))
		return -1;
	cfmakeraw(&tio);
	if (tcsetattr(slave, TCSANOW, &tio))
		return -1;
	if (slave != 3 && (dup2(slave, 3) != 3 || close(slave)))
		return -1;
	return 3;
}

/*
 * A 32-bit task's ioctl enters through compat_sys_ioctl(), which passes file_ioctl_compat, not
 * file_ioctl: TIOCSTI must be refused there too.
 */
TEST_F(attack, compat_terminal_injection_is_refused)
{
	char *base_argv[] = { MG_TIOCSTI32, NULL }, *argv[] = { PROG_T, NULL };
	uint64_t from;
	struct mg_event ev;
	int base;
	char c;

	MG_SKIP_WITHOUT_PROGRAM(MG_TIOCSTI32);
	ASSERT_EQ(3, open_terminal());
	base = mg_run(base_argv);
	if (base == ENOEXEC)
		SKIP(return, "this kernel does not run 32-bit programs");
	if (base)
		TH_LOG("unconfined TIOCSTI fails here (%s): only the refusal is checked",
		       strerror(base));
	else
		EXPECT_EQ(1, read(3, &c, 1));
	from = mg_audit_next();
	EXPECT_EQ(EPERM, mg_run(argv));
	EXPECT_EQ(-1, read(3, &c, 1)) TH_LOG("a character was injected");
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_IOCTL, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("atk", ev.profile);
}

/* ---- io_uring ---- */

TEST_F(attack, uring_setxattr_is_refused)
{
	EXPECT_EQ(EPERM, act(PROG_U, "setxattr", "plain", XFILE, XNAME));
	EXPECT_FALSE(has_xattr(XFILE));
	EXPECT_EQ(0, act(MG_URING, "setxattr", "plain", XFILE, XNAME));
	EXPECT_TRUE(has_xattr(XFILE));
}

/*
 * The xattr hook lets through changes made under overridden credentials (overlayfs copying up
 * under its mounter's). io_uring overrides them too: with a personality the task registered,
 * and in an io-wq worker made before the task's credentials changed.
 */
TEST_F(attack, uring_setxattr_under_a_personality_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EPERM, act(PROG_U, "setxattr", "personality", XFILE, XNAME));
	EXPECT_FALSE(has_xattr(XFILE));
	EXPECT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_URING, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(0, act(MG_URING, "setxattr", "personality", XFILE, XNAME));
	EXPECT_TRUE(has_xattr(XFILE));
}

TEST_F(attack, uring_setxattr_in_a_worker_with_older_credentials_is_refused)
{
	EXPECT_EQ(EPERM, act(PROG_U, "setxattr", "newcred", XFILE, XNAME));
	EXPECT_FALSE(has_xattr(XFILE));
	EXPECT_EQ(0, act(MG_URING, "setxattr", "newcred", XFILE, XNAME));
	EXPECT_TRUE(has_xattr(XFILE));
}

TEST_F(attack, uring_link_out_of_a_denied_directory_is_refused)
{
	struct stat st;

	EXPECT_EQ(EACCES, act(PROG_U, "linkat", SECRET_KEY, PUB "/key", NULL));
	EXPECT_EQ(-1, stat(PUB "/key", &st));
	/* The allowed form: a link that widens nothing. */
	EXPECT_EQ(0, act(PROG_U, "linkat", PUB_FILE, PUB "/file2", NULL));
}

TEST_F(attack, uring_rename_of_a_denied_directory_is_refused)
{
	struct stat st;

	EXPECT_EQ(EACCES, act(PROG_U, "renameat", SECRET, DATA "/pub2", "0"));
	EXPECT_EQ(0, stat(SECRET_KEY, &st));
	EXPECT_EQ(0, act(PROG_U, "renameat", PUB_FILE, PUB "/moved", "0"));
}

TEST_F(attack, rename_exchange_of_directories_is_refused)
{
	struct stat st;

	EXPECT_EQ(EACCES, act(PROG_A, "rename-exchange", SECRET, PUB, NULL));
	EXPECT_EQ(0, stat(SECRET_KEY, &st));
	/* Unconfined the exchange works, which shows what was refused. */
	EXPECT_EQ(0, act(MG_ESCAPE, "rename-exchange", SECRET, PUB, NULL));
	EXPECT_EQ(0, stat(PUB "/key", &st));
}

/* ---- kernel keys ---- */

#define MG_KEY_DESC	"mg_attack_secret"
#define MG_KEYCTL	"/medgate/helpers/mg-keyctl"

/*
 * The kernel keyring: an unconfined root process keeps a secret in root's user keyring, which
 * every root process possesses through the user session keyring. Found open (no file rule names
 * a key); closed by the key_permission program (kmod/key.c): the read is refused with EPERM.
 */
TEST_F(attack, keyring_secret_of_an_unconfined_process_is_refused)
{
	long key;

	key = syscall(SYS_add_key, "user", MG_KEY_DESC, "s3cret", 6, -4 /* user keyring */);
	ASSERT_LT(0, key) TH_LOG("add_key: %s", strerror(errno));
	EXPECT_EQ(0, act(MG_ESCAPE, "keyctl-read", MG_KEY_DESC, NULL, NULL));
	EXPECT_EQ(EPERM, act(PROG_A, "keyctl-read", MG_KEY_DESC, NULL, NULL))
		TH_LOG("the confined task read the key");
}

/*
 * KEYCTL_INVALIDATE asks the key only for search permission, which passes for every key (the
 * kernel's own keyrings need it): the confined service destroyed the unconfined process's key
 * (found open, a denial of service; now the search asked of the key that command acts on is
 * decided as write). The refusal comes first in the kernel's walk of the task's keyrings, which
 * then finds the key not possessed, and the kernel's own permission bits answer EACCES.
 */
TEST_F(attack, keyring_invalidate_of_an_unconfined_key_is_refused)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	long key;

	key = syscall(SYS_add_key, "user", MG_KEY_DESC "_inval", "s3cret", 6, -4);
	ASSERT_LT(0, key) TH_LOG("add_key: %s", strerror(errno));
	EXPECT_EQ(EACCES, act(PROG_K, "invalidate", MG_KEY_DESC "_inval", NULL, NULL));
	EXPECT_EQ(0, act(MG_KEYCTL, "read", MG_KEY_DESC "_inval", "s3cret", NULL))
		TH_LOG("the confined task destroyed the key");
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_KEY, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_KEY_WRITE, ev.access);
	EXPECT_EQ((uint32_t)key, ev.key_serial);
	/* Unconfined, the same invalidation works. */
	EXPECT_EQ(0, act(MG_KEYCTL, "invalidate", MG_KEY_DESC "_inval", NULL, NULL));
}

TEST_HARNESS_MAIN

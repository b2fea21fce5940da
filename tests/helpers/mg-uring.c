// SPDX-License-Identifier: GPL-2.0
/*
 * mg-uring: io_uring actions for the selftests (escape_uring_test), with raw system calls (no
 * liburing needed). Like mg-probe, it reports the outcome as its exit status: 0 on success, the
 * errno of the first operation that failed otherwise (a completion's negative result counts as
 * that errno).
 *
 *   own-read inline|async|sqpoll PATH
 *       makes its own ring (with IORING_SETUP_SQPOLL for sqpoll), then opens PATH and reads
 *       from it through the ring; async sets IOSQE_ASYNC, so that both run in an io-wq worker
 *   ring-read RINGFD PATHADDR BUFADDR
 *       uses the ring it inherited on descriptor RINGFD (made by another process with 4 entries
 *       and an SQPOLL thread): opens the path at PATHADDR and reads up to 64 bytes to BUFADDR.
 *       Both addresses are in the memory of the ring's creator, where its SQPOLL thread runs.
 *       This is what an attacker does with a ring an unconfined launcher left open across the
 *       exec into a profile.
 *   getfd PID FD
 *       takes descriptor FD of process PID with pidfd_getfd() (a received descriptor, as far as
 *       the LSM hooks are concerned)
 *   setxattr plain|personality|newcred PATH NAME
 *       sets the extended attribute NAME of PATH to "v" with IORING_OP_SETXATTR (which always
 *       runs in an io-wq worker). personality: registers the task's credentials as a ring
 *       personality, gets new ones (prctl(PR_SET_KEEPCAPS), which needs no privilege) and
 *       submits with the old ones; newcred: starts a worker first (a NOP with IOSQE_ASYNC),
 *       then gets new credentials, so that the worker runs the request under credentials
 *       overridden to the submitter's. Either way the operation runs with current->cred
 *       different from current->real_cred.
 *   linkat OLD NEW
 *   renameat OLD NEW FLAGS
 *       IORING_OP_LINKAT and IORING_OP_RENAMEAT (FLAGS as renameat2(), a number)
 *   msg-ring-recv READY GO
 *       makes a ring with a file table of one empty slot on descriptor 10, writes a byte to the
 *       inherited descriptor READY, waits for a byte on the inherited descriptor GO, then reads
 *       through the file in the slot (IORING_OP_READ with IOSQE_FIXED_FILE); ENODATA when the
 *       read returned nothing
 *   msg-ring-send PID PATH
 *       takes descriptor 10 of process PID (a ring made by msg-ring-recv) with pidfd_getfd(),
 *       opens PATH, registers it in a ring of its own and passes it into the other ring's slot
 *       with IORING_OP_MSG_RING (IORING_MSG_SEND_FD): no descriptor crosses a socket
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/io_uring.h>

struct ring {
	int fd;
	unsigned int flags;
	unsigned int *sq_tail, *sq_mask, *sq_array, *sq_flags;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

/* Maps the rings of @fd, made with @p (as io_uring_setup() returned it). 0 or an errno. */
static int ring_map(struct ring *r, int fd, const struct io_uring_params *p)
{
	size_t sq_len = p->sq_off.array + p->sq_entries * sizeof(unsigned int);
	size_t cq_len = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
	char *sq, *cq;

	if (!(p->features & IORING_FEAT_SINGLE_MMAP))
		return ENOTSUP;
	if (cq_len > sq_len)
		sq_len = cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return errno;
	cq = sq;
	r->sqes = mmap(NULL, p->sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return errno;
	r->fd = fd;
	r->flags = p->flags;
	r->sq_tail = (unsigned int *)(sq + p->sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + p->sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + p->sq_off.array);
	r->sq_flags = (unsigned int *)(sq + p->sq_off.flags);
	r->cq_head = (unsigned int *)(cq + p->cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p->cq_off.tail);
	r->cq_mask = (unsigned int *)(cq + p->cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p->cq_off.cqes);
	return 0;
}

/*
 * Queues @sqe, submits it and waits for its completion; returns the completion's result (a
 * negative errno for a failed operation) in *@res. 0 or an errno of the system call.
 */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe, int *res)
{
	unsigned int tail = *r->sq_tail, head, enter = IORING_ENTER_GETEVENTS;
	unsigned int idx = tail & *r->sq_mask;
	int submit = 1;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (r->flags & IORING_SETUP_SQPOLL) {
		/* The SQPOLL thread submits; it only has to be woken when it went to sleep. */
		submit = 0;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) & IORING_SQ_NEED_WAKEUP)
			enter |= IORING_ENTER_SQ_WAKEUP;
	}
	for (;;) {
		head = *r->cq_head;
		if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
			break;
		if (syscall(__NR_io_uring_enter, r->fd, submit, 1, enter, NULL, 0) < 0 &&
		    errno != EINTR && errno != EBUSY)
			return errno;
		submit = 0;
		if ((r->flags & IORING_SETUP_SQPOLL) &&
		    (__atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) & IORING_SQ_NEED_WAKEUP))
			enter |= IORING_ENTER_SQ_WAKEUP;
	}
	*res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return 0;
}

/* Opens @path and reads up to @len bytes into @buf through @r. 0 or an errno. */
static int open_and_read(struct ring *r, uint64_t path, uint64_t buf, unsigned int len,
			 unsigned char sqe_flags)
{
	struct io_uring_sqe sqe;
	int res, err;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.flags = sqe_flags;
	sqe.fd = AT_FDCWD;
	sqe.addr = path;
	sqe.open_flags = O_RDONLY;
	err = ring_run(r, &sqe, &res);
	if (err)
		return err;
	if (res < 0)
		return -res;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_READ;
	sqe.flags = sqe_flags;
	sqe.fd = res;
	sqe.addr = buf;
	sqe.len = len;
	err = ring_run(r, &sqe, &res);
	if (err)
		return err;
	if (res < 0)
		return -res;
	return res > 0 ? 0 : ENODATA;
}

static int own_read(const char *mode, const char *path)
{
	struct io_uring_params p;
	unsigned char sqe_flags = 0;
	struct ring r;
	char buf[64];
	int fd, err;

	memset(&p, 0, sizeof(p));
	if (!strcmp(mode, "sqpoll")) {
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 1000;
	} else if (!strcmp(mode, "async")) {
		sqe_flags = IOSQE_ASYNC;
	} else if (strcmp(mode, "inline")) {
		return EINVAL;
	}
	fd = syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0)
		return errno;
	err = ring_map(&r, fd, &p);
	if (!err)
		err = open_and_read(&r, (uintptr_t)path, (uintptr_t)buf, sizeof(buf), sqe_flags);
	close(fd);
	return err;
}

/*
 * The ring on @fd was made elsewhere, and io_uring_setup() told its creator the offsets of its
 * rings. They are the same for every ring of this kernel with as many entries, so a throwaway
 * ring of 4 entries tells them here.
 */
static int inherited_read(int fd, uint64_t path, uint64_t buf)
{
	struct io_uring_params p;
	struct ring r;
	int probe, err;

	memset(&p, 0, sizeof(p));
	probe = syscall(__NR_io_uring_setup, 4, &p);
	if (probe < 0)
		return errno;
	close(probe);
	p.flags = IORING_SETUP_SQPOLL;
	err = ring_map(&r, fd, &p);
	return err ? err : open_and_read(&r, path, buf, 64, 0);
}

static int getfd(int pid, int fd)
{
	int pidfd = syscall(__NR_pidfd_open, pid, 0), got;

	if (pidfd < 0)
		return errno;
	got = syscall(__NR_pidfd_getfd, pidfd, fd, 0);
	if (got < 0)
		return errno;
	close(got);
	close(pidfd);
	return 0;
}

/* Runs one request on @r; 0 or an errno (of the system call, or the request's result). */
static int run_one(struct ring *r, struct io_uring_sqe *sqe)
{
	int err, res;

	err = ring_run(r, sqe, &res);
	if (err)
		return err;
	return res < 0 ? -res : 0;
}

/* A new ring of 4 entries, mapped. 0 or an errno. */
static int ring_new(struct ring *r)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0)
		return errno;
	return ring_map(r, fd, &p);
}

/* New credentials for the task, equal to the old ones: the kernel makes a new struct cred. */
static int new_creds(void)
{
	return prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ? errno : 0;
}

static int uring_setxattr(const char *mode, const char *path, const char *name)
{
	struct io_uring_sqe sqe;
	struct ring r;
	int err, id = 0;

	err = ring_new(&r);
	if (err)
		return err;
	if (!strcmp(mode, "personality")) {
		id = syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_PERSONALITY, NULL, 0);
		if (id < 0)
			return errno;
		err = new_creds();
	} else if (!strcmp(mode, "newcred")) {
		memset(&sqe, 0, sizeof(sqe));
		sqe.opcode = IORING_OP_NOP;
		sqe.flags = IOSQE_ASYNC;
		err = run_one(&r, &sqe);
		if (!err)
			err = new_creds();
	} else if (strcmp(mode, "plain")) {
		return EINVAL;
	}
	if (err)
		return err;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_SETXATTR;
	sqe.addr = (uintptr_t)name;
	sqe.addr2 = (uintptr_t)"v";
	sqe.addr3 = (uintptr_t)path;
	sqe.len = 1;
	sqe.personality = id;
	return run_one(&r, &sqe);
}

static int uring_link_or_rename(unsigned char op, const char *from, const char *to,
				unsigned int flags)
{
	struct io_uring_sqe sqe;
	struct ring r;
	int err = ring_new(&r);

	if (err)
		return err;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = op;
	sqe.fd = AT_FDCWD;
	sqe.addr = (uintptr_t)from;
	sqe.len = AT_FDCWD;
	sqe.addr2 = (uintptr_t)to;
	sqe.rename_flags = flags;	/* the same field as hardlink_flags */
	return run_one(&r, &sqe);
}

#define MSG_RING_FD	10

static int msg_ring_recv(int ready, int go)
{
	struct io_uring_sqe sqe;
	int empty = -1, err, res;
	struct ring r;
	char buf[64];

	err = ring_new(&r);
	if (err)
		return err;
	if (dup2(r.fd, MSG_RING_FD) != MSG_RING_FD)
		return errno;
	if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_FILES, &empty, 1) < 0)
		return errno;
	if (write(ready, "r", 1) != 1 || read(go, buf, 1) != 1)
		return EIO;
	/* The sender's message left a completion of its own here: not the read's. */
	__atomic_store_n(r.cq_head, __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_READ;
	sqe.flags = IOSQE_FIXED_FILE;
	sqe.fd = 0;
	sqe.addr = (uintptr_t)buf;
	sqe.len = sizeof(buf);
	err = ring_run(&r, &sqe, &res);
	if (err)
		return err;
	return res < 0 ? -res : res > 0 ? 0 : ENODATA;
}

static int msg_ring_send(int pid, const char *path)
{
	int pidfd, target, fd, err;
	struct io_uring_sqe sqe;
	struct ring r;

	pidfd = syscall(__NR_pidfd_open, pid, 0);
	if (pidfd < 0)
		return errno;
	target = syscall(__NR_pidfd_getfd, pidfd, MSG_RING_FD, 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0 || fd < 0)
		return errno;
	err = ring_new(&r);
	if (err)
		return err;
	if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_FILES, &fd, 1) < 0)
		return errno;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_MSG_RING;
	sqe.fd = target;
	sqe.addr = IORING_MSG_SEND_FD;
	sqe.addr3 = 0;			/* this ring's slot 0 */
	sqe.file_index = 1;		/* the other ring's slot 0, counted from 1 */
	return run_one(&r, &sqe);
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "setxattr"))
		return uring_setxattr(argv[2], argv[3], argv[4]);
	if (argc >= 4 && !strcmp(argv[1], "linkat"))
		return uring_link_or_rename(IORING_OP_LINKAT, argv[2], argv[3], 0);
	if (argc >= 5 && !strcmp(argv[1], "renameat"))
		return uring_link_or_rename(IORING_OP_RENAMEAT, argv[2], argv[3],
					    strtoul(argv[4], NULL, 0));
	if (argc >= 4 && !strcmp(argv[1], "getfd"))
		return getfd(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "own-read"))
		return own_read(argv[2], argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "ring-read"))
		return inherited_read(atoi(argv[2]), strtoull(argv[3], NULL, 0),
				      strtoull(argv[4], NULL, 0));
	if (argc >= 4 && !strcmp(argv[1], "msg-ring-recv"))
		return msg_ring_recv(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "msg-ring-send"))
		return msg_ring_send(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: mg-uring own-read inline|async|sqpoll PATH | "
		"ring-read RINGFD PATHADDR BUFADDR | getfd PID FD | "
		"setxattr plain|personality|newcred PATH NAME | linkat OLD NEW | "
		"renameat OLD NEW FLAGS | msg-ring-recv READY GO | msg-ring-send PID PATH\n");
	return 2;
}

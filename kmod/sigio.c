// SPDX-License-Identifier: GPL-2.0
/*
 * Signals the kernel sends on a task's behalf: a descriptor's owner gets SIGIO, or the signal
 * chosen with F_SETSIG, when I/O on the descriptor becomes possible (O_ASYNC), and SIGURG for
 * urgent socket data. The task only names the owner; the signal is sent later by whoever causes
 * the I/O (the task itself writing into a pipe, a peer, a softirq), through send_sigio(), which
 * passes no task_kill hook. sigio_perm() lets a root task's descriptors signal anyone, so a
 * confined root service could send any signal, SIGKILL included, to any process: another
 * profile's or an unconfined one.
 *
 * The kernel's file_send_sigiotask hook runs when the signal is sent, in the context of whoever
 * caused the I/O, and nothing there says which task named the owner; file_set_fowner, which runs
 * in the namer's context, cannot refuse (void on 6.1) and runs before the owner is stored. So
 * the decision is made where the owner or the signal is chosen, on the request itself:
 *  - F_SETOWN with a process id: allowed for the task's own process or thread (or 0, no owner);
 *    any other process, and any process group (a negative id: a shell's job holds unconfined
 *    processes), is decided as a signal to another task;
 *  - F_SETOWN_EX, FIOSETOWN and SIOCSPGRP carry the owner in user memory, which the kernel reads
 *    after the hook: a copy checked here could be changed by another thread in between, so these
 *    are decided as a signal to another task whatever they name;
 *  - F_SETSIG, F_SETFL turning O_ASYNC on and FIOASYNC make an owner someone else chose receive
 *    a signal the task picks, or a SIGIO it never asked for (SIGIO's default action ends a
 *    process), and so do a lease (F_SETLEASE) and a directory notification (F_NOTIFY): they make
 *    the task the owner only where the descriptor has none, and signal the existing owner
 *    otherwise. Allowed while the descriptor has no owner or the task's own process is the
 *    owner, decided as a signal otherwise.
 * TIOCSIG on a pseudo-terminal's master sends SIGINT, SIGQUIT or SIGTSTP to the foreground
 * process group of the other side, with the kernel's privilege (kill_pgrp(..., 1)), which
 * passes no task_kill hook either; a master descriptor a confined service holds or receives
 * (a terminal multiplexer's, a remote shell server's) reaches unconfined jobs. The group is
 * read under the terminal's locks after the hook, so it is decided as a signal to another task
 * whatever it holds.
 *
 * A signal to another task is decided by the profile's signal rules with the peer unknown: only
 * a rule for any peer grants it; complain mode reports and allows.
 */
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/sockios.h>
#include <linux/version.h>
#include <asm/ioctls.h>
#include "decide.h"

/*
 * The process @file signals, or NULL. The owner is part of struct file up to 6.11; from 6.12 it
 * is allocated when first set (NULL until then) and freed with the file, which the caller holds.
 */
static struct pid *owner_pid(struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	struct fown_struct *fown = file_f_owner(file);

	return fown ? READ_ONCE(fown->pid) : NULL;
#else
	return READ_ONCE(file->f_owner.pid);
#endif
}

/* Whether @file has no owner, or the current task's process or thread is its owner. */
static bool owner_is_self_or_none(struct file *file)
{
	struct pid *owner = owner_pid(file);

	return !owner || owner == task_tgid(current) || owner == task_pid(current);
}

/* Whether F_SETOWN's @arg names the current task's own process or thread, or no owner. */
static bool names_self_or_none(long arg)
{
	int who = (int)arg;

	return !who || who == task_tgid_vnr(current) || who == task_pid_vnr(current);
}

static bool request_is_safe(struct file *file, u32 cmd, u64 arg)
{
	switch (cmd) {
	case F_SETOWN:
		return names_self_or_none(arg);
	case F_SETOWN_EX:
	case FIOSETOWN:
	case SIOCSPGRP:
	case TIOCSIG:
		return false;
	case F_SETSIG:
	case FIOASYNC:
		return owner_is_self_or_none(file);
	case F_SETLEASE:
		return arg == F_UNLCK || owner_is_self_or_none(file);
	case F_NOTIFY:
		return !arg || owner_is_self_or_none(file);
	case F_SETFL:
		return !(arg & FASYNC) || (file->f_flags & FASYNC) ||
		       owner_is_self_or_none(file);
	}
	return true;
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/**
 * medgate_file_sigio() - may the current task set who gets the signals of @file, or which?
 * @file: the descriptor's file.
 * @cmd: the fcntl command (F_SETOWN, F_SETOWN_EX, F_SETSIG, F_SETFL, F_SETLEASE, F_NOTIFY)
 *       or ioctl request (FIOSETOWN, SIOCSPGRP, FIOASYNC, TIOCSIG); anything else is allowed.
 * @arg: the fcntl argument, or TIOCSIG's signal (the other ioctls' arguments are in user memory
 *       and not read).
 * @profile: the task's profile.
 *
 * Return: 0 to allow (or complain mode), -EPERM to deny (recorded as op signal, the signal
 * being SIGIO, the one F_SETSIG chooses or TIOCSIG's, the peer unknown), -EINVAL for a TIOCSIG
 * signal out of range (the terminal refuses it the same way) or an F_SETSIG signal that is not
 * one (as fcntl() does).
 */
noinline int medgate_file_sigio(struct file *file, u32 cmd, u64 arg, u64 profile)
{
	struct medgate_request req = { .op = MEDGATE_OP_SIGNAL, .has_peer = true };

	if (!medgate_kfunc_callable(profile, file))
		return -EPERM;
	if (request_is_safe(file, cmd, arg))
		return 0;
	if (cmd == TIOCSIG && (arg < 1 || arg > _NSIG))
		return -EINVAL;
	/* fcntl() refuses it the same way after this hook; a record must not name another signal. */
	if (cmd == F_SETSIG && !valid_signal(arg))
		return -EINVAL;
	req.access = (cmd == F_SETSIG && arg) || cmd == TIOCSIG ? (u32)arg : SIGIO;
	return medgate_decide_class_once(profile, &req, false);
}

__diag_pop();

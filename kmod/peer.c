// SPDX-License-Identifier: GPL-2.0
/*
 * One task acting on another: ptrace (attach, /proc/PID/mem, process_vm_readv/writev,
 * pidfd_getfd, kcmp and the /proc files that show another task's memory or descriptors) and
 * signals. Exported as the kfunc of the ptrace_access_check, ptrace_traceme and task_kill hooks.
 *
 * A task in one profile that could trace or signal a task of another profile (or an unconfined
 * one) would act with the other's rights: read its files through its memory, or make it run
 * what the first could not. The BPF side lets a task act on tasks of its own profile at once
 * (same rights, nothing to gain), and unconfined tasks are never asked about; everything else
 * comes here, with the other task's profile as the peer, and is decided by the profile's ptrace
 * and signal rules (kmod/decide.c, medgate_decide_class()).
 *
 * PTRACE_TRACEME is asked from the tracee's side: the request is the tracee's, and the relation
 * (tracer and tracee in different profiles) is the one a tracer's attach would make.
 */
#include <linux/err.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include "decide.h"

/*
 * @other is the other task, @peer its profile id (0: unconfined), read by the BPF side from its
 * label; @quiet: the kernel only probes, the decision is not recorded.
 */
static int decide_peer(struct task_struct *other, u32 op, u32 detail, u64 peer, bool quiet,
		       u64 profile)
{
	struct medgate_request req = {
		.op = op, .access = detail, .peer = peer, .has_peer = true,
		.peer_pid = task_pid_nr(other),
	};

	return medgate_decide_class_once(profile, &req, quiet);
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/*
 * Each returns 0 to allow, -EPERM to deny. @peer: the other task's profile id (0 unconfined);
 * @profile: the current task's.
 *
 * ptrace_access_check: @mode is the kernel's PTRACE_MODE_*. PTRACE_MODE_NOAUDIT marks a probe
 * (which fields of /proc/PID/stat to show, for example): decided without a record.
 */
noinline int medgate_ptrace_access_check(struct task_struct *child, u32 mode, u64 peer,
					 u64 profile)
{
	if (!medgate_kfunc_callable(profile, child))
		return -EPERM;
	return decide_peer(child, MEDGATE_OP_PTRACE,
			   mode & PTRACE_MODE_ATTACH ? MEDGATE_PTRACE_TRACE : MEDGATE_PTRACE_READ,
			   peer, mode & PTRACE_MODE_NOAUDIT, profile);
}

/* PTRACE_TRACEME: the current task asks to be traced by @parent. */
noinline int medgate_ptrace_traceme(struct task_struct *parent, u64 peer, u64 profile)
{
	if (!medgate_kfunc_callable(profile, parent))
		return -EPERM;
	return decide_peer(parent, MEDGATE_OP_PTRACE, MEDGATE_PTRACE_TRACE, peer, false, profile);
}

/*
 * Signal @sig (never 0: the BPF side lets existence tests through) sent to @p. @cred is set when
 * the signal is sent for other credentials (USB asynchronous I/O completing): not the current
 * task's request, let through. (Tested here because 6.12's verifier assumes it is never NULL.)
 */
noinline int medgate_task_kill(struct task_struct *p, u32 sig, const struct cred *cred,
			       u64 peer, u64 profile)
{
	if (cred)
		return 0;
	if (!medgate_kfunc_callable(profile, p))
		return -EPERM;
	return decide_peer(p, MEDGATE_OP_SIGNAL, sig, peer, false, profile);
}

__diag_pop();

// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring instances that would carry another label's authority into a profile.
 *
 * An io_uring instance acts through kernel threads of the task that made it: its SQPOLL thread
 * (and that thread's io-wq workers) is created by io_uring_setup() in the creator's context, so
 * task_alloc gives it the creator's label, and every operation the thread runs is decided under
 * that label, whoever writes the submission queue. A ring made by an unconfined launcher and kept
 * across the exec into a profile therefore runs every operation of the confined program
 * unconfined. The submitter cannot be told apart from inside the SQPOLL thread (it only reads
 * shared memory), so the rule is on holding the ring instead: a confined task may only hold
 * io_uring instances it created under its current label. Its own rings, their SQPOLL thread and
 * their io-wq workers carry its label (task_alloc copies it to every thread the task creates,
 * io threads included), so everything they run is decided under its profile.
 *
 * The two ways to come to hold a ring made under another label, and the kfunc for each:
 *  - an exec that changes the task's label while it holds an io_uring descriptor that survives the
 *    exec: medgate_exec_keeps_uring(), from bprm_creds_for_exec (refused with -EPERM) and again
 *    from bprm_committing_creds, where the descriptor table is private and close-on-exec has run
 *    (no thread sharing the table can add one in between; the BPF side kills the task then);
 *  - receiving one: SCM_RIGHTS and pidfd_getfd() both pass file_receive, medgate_uring_receive().
 * A ring personality is a third way to act under another authority: requests submitted with it
 * run under the credentials registered, which the task may have given up since (and overridden
 * credentials are what the extended-attribute hook takes for the kernel's own work). The BPF side
 * lets a personality through when it equals the task's current credentials, and asks
 * medgate_uring_override_creds() otherwise.
 * Both are refused in every mode (complain mode too): the ring's operations would not even be
 * reported, since they run under the creator's label.
 *
 * An io_uring file is recognised by what io_uring_setup() makes and nothing else can: a file of
 * the anonymous-inode file system whose dentry is named "[io_uring]" (6.1 and 6.12 alike;
 * io_is_uring_fops() is not exported to modules).
 */
#include <linux/binfmts.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include "decide.h"

static bool is_io_uring(const struct file *file)
{
	const struct dentry *dentry = file->f_path.dentry;

	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       !strcmp(dentry->d_name.name, "[io_uring]");
}

/*
 * Whether a descriptor of the current task that is not close-on-exec holds an io_uring
 * instance. Walks only open descriptors (the open_fds bitmap).
 */
static bool holds_uring(void)
{
	struct files_struct *files = current->files;
	struct fdtable *fdt;
	bool found = false;
	unsigned int fd;

	if (!files)
		return false;
	rcu_read_lock();
	fdt = files_fdtable(files);
	for (fd = find_first_bit(fdt->open_fds, fdt->max_fds); fd < fdt->max_fds;
	     fd = find_next_bit(fdt->open_fds, fdt->max_fds, fd + 1)) {
		struct file *file = rcu_dereference_raw(fdt->fd[fd]);

		if (!file || test_bit(fd, fdt->close_on_exec) || !is_io_uring(file))
			continue;
		found = true;
		break;
	}
	rcu_read_unlock();
	return found;
}

/* A refusal in every mode, recorded as op uring on @object (the program run), if any. */
static int refuse(u64 profile, const struct path *object)
{
	struct medgate_request req = { .op = MEDGATE_OP_URING };
	struct medgate_match m = { .rule = MEDGATE_RULE_NONE };
	struct medgate_decision d;

	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	if (object) {
		req.path = medgate_path_resolve(object, d.bufs->src);
		if (IS_ERR(req.path))
			req.path = NULL;
		req.inode = d_inode(object->dentry);
	}
	medgate_report(&d, &req, &m, MEDGATE_VERDICT_DENY, -EPERM);
	medgate_decision_exit(&d);
	return -EPERM;
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/**
 * medgate_exec_keeps_uring() - may the current task enter @profile by the exec @bprm with the
 * descriptors it holds?
 * @bprm: the exec in progress (its program is named in the audit record).
 * @profile: the profile the exec moves the task into (not its current one).
 *
 * Return: 0, or -EPERM (audited) when a descriptor that survives the exec holds an io_uring
 * instance; -EPERM also for bad arguments.
 */
noinline int medgate_exec_keeps_uring(struct linux_binprm *bprm, u64 profile)
{
	if (!medgate_kfunc_callable(profile, bprm && bprm->file))
		return -EPERM;
	return holds_uring() ? refuse(profile, &bprm->file->f_path) : 0;
}

/**
 * medgate_uring_receive() - may a task in @profile receive @file (SCM_RIGHTS, pidfd_getfd())?
 * @file: the descriptor's file.
 * @profile: the receiver's profile.
 *
 * Return: 0 for anything but an io_uring instance, -EPERM (audited) for one.
 */
noinline int medgate_uring_receive(struct file *file, u64 profile)
{
	if (!medgate_kfunc_callable(profile, file))
		return -EPERM;
	return is_io_uring(file) ? refuse(profile, NULL) : 0;
}

/**
 * medgate_uring_override_creds() - a task in @profile submits an io_uring request with a
 * personality whose credentials are not its current ones.
 * @profile: the submitter's profile.
 *
 * Return: -EPERM (audited, op uring, in every mode).
 */
noinline int medgate_uring_override_creds(u64 profile)
{
	if (!medgate_kfunc_callable(profile, true))
		return -EPERM;
	return refuse(profile, NULL);
}

__diag_pop();

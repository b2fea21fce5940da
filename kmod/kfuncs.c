// SPDX-License-Identifier: GPL-2.0
/*
 * The decisions exported to the BPF-LSM hook programs as kfuncs.
 *
 * Any tracing program may call a kfunc registered for BPF_PROG_TYPE_LSM (on 6.1 LSM and tracing
 * share one kfunc hook), from any context including NMI (DESIGN trap 4). So: nothing here changes
 * kernel state (labels live in the BPF programs' own storage, the policy changes only through
 * netlink); each kfunc refuses to run outside task context; each checks every pointer; each
 * returns 0 or -errno, never a positive value (trap 3).
 *
 * They are not KF_TRUSTED_ARGS: on 6.1 that makes the verifier reject plain hook arguments.
 */
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mm_types.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/preempt.h>
#include "blob.h"
#include "decide.h"
#include "files.h"
#include "kfuncs.h"
#include "path.h"

__diag_push();
__diag_ignore_all("-Wmissing-prototypes",
		  "kfuncs are global for BTF but have no callers in C");

/*
 * Each kfunc serves the LSM hook of the same name: @profile is the calling task's profile id
 * from its label (never 0: the BPF programs return at once for unconfined tasks). Return: 0 to
 * allow, -EACCES to deny, -EPERM when called outside task context or with missing pointers.
 */
static inline bool callable(u64 profile, bool pointers_present)
{
	return in_task() && profile && pointers_present;
}

noinline int medgate_file_open(struct file *file, u64 profile)
{
	if (!callable(profile, file))
		return -EPERM;
	return medgate_decide_file_open(file, profile);
}

noinline int medgate_file_receive(struct file *file, u64 profile)
{
	if (!callable(profile, file))
		return -EPERM;
	return medgate_decide_file_receive(file, profile);
}

noinline int medgate_file_fcntl(struct file *file, u32 cmd, u64 arg, u64 profile)
{
	if (!callable(profile, file))
		return -EPERM;
	return medgate_decide_file_fcntl(file, cmd, arg, profile);
}

noinline int medgate_file_permission(struct file *file, int mask, u64 profile)
{
	if (!callable(profile, file))
		return -EPERM;
	return medgate_decide_file_permission(file, mask, profile);
}

/* @file is NULL for anonymous mappings. */
noinline int medgate_mmap_file(struct file *file, u64 prot, u64 flags, u64 profile)
{
	if (!callable(profile, true))
		return -EPERM;
	return medgate_decide_mmap(file, prot, flags, profile);
}

noinline int medgate_file_mprotect(struct vm_area_struct *vma, u64 prot, u64 profile)
{
	if (!callable(profile, vma))
		return -EPERM;
	return medgate_decide_mprotect(vma, prot, profile);
}

/*
 * Operations no rule can grant yet (enum medgate_op 33..37, see medgate_decide_task_op()):
 * refused for a confined task, and audited.
 */
noinline int medgate_task_op(u32 op, u32 detail, u64 profile)
{
	int ret;

	if (!callable(profile, op >= MEDGATE_OP_CAPABILITY && op <= MEDGATE_OP_BPF))
		return -EPERM;
	/* Taken for its guard against a decision nested in another on this CPU. */
	if (!medgate_path_buffers_get())
		return -EPERM;
	rcu_read_lock();
	ret = medgate_decide_task_op(medgate_policy_current(), profile, op, detail, NULL);
	rcu_read_unlock();
	medgate_path_buffers_put();
	return ret;
}

/* The same for operations on a mount or directory, whose path goes into the audit record. */
static int decide_path_task_op(const struct path *path, u32 op, u64 profile)
{
	struct medgate_path_bufs *b;
	const char *name;
	int ret;

	b = medgate_path_buffers_get();
	if (!b)
		return -EPERM;
	name = medgate_path_resolve(path, b->src);
	rcu_read_lock();
	ret = medgate_decide_task_op(medgate_policy_current(), profile, op, 0,
				     IS_ERR(name) ? NULL : name);
	rcu_read_unlock();
	medgate_path_buffers_put();
	return ret;
}

/* mount and move_mount (the mount point), pivot_root (the new root), chroot (the directory). */
noinline int medgate_path_task_op(const struct path *path, u32 op, u64 profile)
{
	if (!callable(profile, path && (op == MEDGATE_OP_MOUNT || op == MEDGATE_OP_CHROOT)))
		return -EPERM;
	return decide_path_task_op(path, op, profile);
}

/* umount: the mount point of @mnt. */
noinline int medgate_sb_umount(struct vfsmount *mnt, u64 profile)
{
	struct path path;

	if (!callable(profile, mnt))
		return -EPERM;
	path.mnt = mnt;
	path.dentry = mnt->mnt_root;
	return decide_path_task_op(&path, MEDGATE_OP_MOUNT, profile);
}

/* mknod (including open with O_CREAT), mkdir and symlink. */
noinline int medgate_path_create(const struct path *dir, struct dentry *dentry, u64 profile)
{
	if (!callable(profile, dir && dentry))
		return -EPERM;
	return medgate_decide_entry(dir, dentry, MEDGATE_OP_CREATE, profile);
}

/* unlink and rmdir. */
noinline int medgate_path_delete(const struct path *dir, struct dentry *dentry, u64 profile)
{
	if (!callable(profile, dir && dentry))
		return -EPERM;
	return medgate_decide_entry(dir, dentry, MEDGATE_OP_DELETE, profile);
}

noinline int medgate_path_rename(const struct path *old_dir, struct dentry *old_dentry,
				 const struct path *new_dir, struct dentry *new_dentry,
				 u64 profile)
{
	if (!callable(profile, old_dir && old_dentry && new_dir && new_dentry))
		return -EPERM;
	return medgate_decide_rename(old_dir, old_dentry, new_dir, new_dentry, profile);
}

noinline int medgate_path_link(struct dentry *old_dentry, const struct path *new_dir,
			       struct dentry *new_dentry, u64 profile)
{
	if (!callable(profile, old_dentry && new_dir && new_dentry))
		return -EPERM;
	return medgate_decide_link(old_dentry, new_dir, new_dentry, profile);
}

/* chmod and chown. */
noinline int medgate_path_setattr(const struct path *path, u64 profile)
{
	if (!callable(profile, path))
		return -EPERM;
	return medgate_decide_setattr(path, false, profile);
}

noinline int medgate_path_truncate(const struct path *path, u64 profile)
{
	if (!callable(profile, path))
		return -EPERM;
	return medgate_decide_setattr(path, true, profile);
}

/**
 * medgate_bprm_creds_for_exec() - may the current task run @bprm, and in which profile?
 * @bprm: the exec in progress.
 * @label: in: @label->profile is the task's profile (0 unconfined); out: @label->pending.
 * Return: 0 to allow, -EACCES or -EPERM to deny.
 */
noinline int medgate_bprm_creds_for_exec(struct linux_binprm *bprm,
					 struct medgate_task_label *label)
{
	if (!in_task() || !bprm || !label)
		return -EPERM;
	return medgate_decide_exec(bprm, label);
}

__diag_pop();

BTF_SET8_START(medgate_kfunc_ids)
BTF_ID_FLAGS(func, medgate_file_open)
BTF_ID_FLAGS(func, medgate_file_receive)
BTF_ID_FLAGS(func, medgate_file_fcntl)
BTF_ID_FLAGS(func, medgate_file_permission)
BTF_ID_FLAGS(func, medgate_mmap_file)
BTF_ID_FLAGS(func, medgate_file_mprotect)
BTF_ID_FLAGS(func, medgate_path_create)
BTF_ID_FLAGS(func, medgate_path_delete)
BTF_ID_FLAGS(func, medgate_path_rename)
BTF_ID_FLAGS(func, medgate_path_link)
BTF_ID_FLAGS(func, medgate_path_setattr)
BTF_ID_FLAGS(func, medgate_path_truncate)
BTF_ID_FLAGS(func, medgate_bprm_creds_for_exec)
BTF_ID_FLAGS(func, medgate_task_op)
BTF_ID_FLAGS(func, medgate_path_task_op)
BTF_ID_FLAGS(func, medgate_sb_umount)
BTF_SET8_END(medgate_kfunc_ids)

static const struct btf_kfunc_id_set medgate_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &medgate_kfunc_ids,
};

int medgate_kfuncs_init(void)
{
	/*
	 * Without module BTF the registration below still returns 0 and only logs a line, and
	 * the BPF programs could never be loaded: refuse to load instead (see README).
	 */
#ifdef CONFIG_DEBUG_INFO_BTF_MODULES
	if (!THIS_MODULE->btf_data || !THIS_MODULE->btf_data_size) {
		pr_err("built without module BTF: kfuncs cannot be registered; rebuild with module BTF\n");
		return -ENOEXEC;
	}
#else
	pr_err("the kernel lacks CONFIG_DEBUG_INFO_BTF_MODULES: kfuncs cannot be registered\n");
	return -EOPNOTSUPP;
#endif
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_LSM, &medgate_kfunc_set);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Changes of the mount tree and of the task's root, exported as the kfuncs of their hooks and
 * decided by the profile's mount and chroot rules (kmod/match.c, medgate_match_mount()): every
 * path decision depends on this view of the file system, so inside a profile each change needs a
 * rule naming where it happens (and, for new, bind and move mounts, what is mounted).
 *
 *   mount(2)         sb_mount: the kind from the flags, as path_mount() dispatches them; the
 *                    mount point; for bind and move the source path, looked up here as the
 *                    kernel will look it up; for a new file system its source and type.
 *   move_mount(2)    move_mount: an attached source is a move; a detached one (open_tree clone,
 *                    fsmount) has no name the task can see: a file system mounted nowhere
 *                    else is decided as a new mount of its type, anything else as a bind
 *                    mount, both of unknown source.
 *   umount(2)        sb_umount; pivot_root(2) sb_pivotroot (the new root); chroot(2)
 *                    path_chroot.
 *   sb_remount, sb_kern_mount: no path. Inside mount(2) they follow an sb_mount decision and
 *                    pass. Otherwise they come from fsconfig(): a reconfiguration (fspick)
 *                    names no mount point, so no rule can allow it; a new file system
 *                    (FSCONFIG_CMD_CREATE) is decided by its type now and by where it goes
 *                    when move_mount attaches it.
 *
 * Each kfunc returns 0 (allowed, or complain mode) or -EPERM.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/sched/task_stack.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <uapi/linux/mount.h>
#include <medgate/mount.h>
#include "decide.h"
#include "mount.h"

/* The kind of a mount(2) call, in path_mount()'s order of dispatch. */
static u32 mount_kind(u64 flags)
{
	if (flags & MS_REMOUNT)
		return MEDGATE_MOUNT_REMOUNT;
	if (flags & MS_BIND)
		return MEDGATE_MOUNT_BIND;
	if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE))
		return MEDGATE_MOUNT_PROPAGATION;
	if (flags & MS_MOVE)
		return MEDGATE_MOUNT_MOVE;
	return MEDGATE_MOUNT_NEW;
}

/* A string the program copied whole (not cut short, NUL-terminated), or NULL. */
static const char *copied(const char *s, s32 len, size_t size)
{
	if (len <= 0 || (size_t)len >= size || strnlen(s, size) != (size_t)len - 1)
		return NULL;
	return s;
}

/* Whether the current system call is mount(2), which decided the change at sb_mount. */
static bool in_mount_syscall(void)
{
	if (current->flags & (PF_KTHREAD | PF_IO_WORKER) || in_compat_syscall())
		return false;
	return syscall_get_nr(current, task_pt_regs(current)) == __NR_mount;
}

/**
 * medgate_mount_setattr_request() - whether a capability check of the current task is the one
 * mount_setattr(2) makes.
 * @cap: the capability being checked.
 *
 * mount_setattr() changes a mount's flags (read-only, nosuid, noexec...) and propagation, the
 * very changes remount and propagation rules decide, and reaches no LSM hook on 6.1 or 6.12.
 * Its one check is CAP_SYS_ADMIN (may_mount()), made before it looks its path up, so that check
 * is decided as a remount that names no mount point, which no rule allows (the task.c caller).
 * The system call has one number in the 64-bit and 32-bit tables (those added since 5.1 share
 * it); an x32 call carries a flag bit.
 *
 * Return: true when @cap is CAP_SYS_ADMIN checked by mount_setattr().
 */
bool medgate_mount_setattr_request(int cap)
{
	long nr;

	if (cap != CAP_SYS_ADMIN || current->flags & (PF_KTHREAD | PF_IO_WORKER))
		return false;
	nr = syscall_get_nr(current, task_pt_regs(current));
#ifdef __X32_SYSCALL_BIT
	nr &= ~(long)__X32_SYSCALL_BIT;
#endif
	return nr == __NR_mount_setattr;
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/*
 * sb_mount (sleepable: the source of a bind or move mount, and an absolute source of a new
 * mount, are looked up with kern_path() before the decision). @args is struct
 * medgate_mount_args, @args__sz its size.
 *
 * The kernel looks the source up again after this hook, so a task that can rename directories on
 * the way to it could swap what is mounted in between; what it can swap in is limited by its
 * rename rules, which may not widen its access (kmod/files.c).
 */
noinline int medgate_sb_mount(const struct path *path, void *args, u32 args__sz, u64 profile)
{
	const struct medgate_mount_args *a = args;
	struct medgate_request req = { .op = MEDGATE_OP_MOUNT };
	struct medgate_decision d;
	const char *source, *fstype;
	struct path src;
	bool looked_up = false;
	int ret;

	if (!medgate_kfunc_callable(profile, path && a && args__sz == sizeof(*a)))
		return -EPERM;
	req.access = mount_kind(a->flags);
	source = copied(a->source, a->source_len, sizeof(a->source));
	fstype = copied(a->fstype, a->fstype_len, sizeof(a->fstype));
	if (source && (req.access == MEDGATE_MOUNT_BIND || req.access == MEDGATE_MOUNT_MOVE ||
		       (req.access == MEDGATE_MOUNT_NEW && source[0] == '/'))) {
		looked_up = !kern_path(source, LOOKUP_FOLLOW, &src);
		/* A source that does not resolve now has no name to match. */
		if (!looked_up)
			source = NULL;
	}
	if (!medgate_decision_enter(&d, profile)) {
		ret = -EPERM;
		goto out;
	}
	req.path = medgate_path_resolve(path, d.bufs->src);
	req.source = source;
	/*
	 * A new file system's source that is not absolute is a name ("none", "server:/export")
	 * or a path from the working directory ("dev/sda1", which lookup_bdev() resolves): no
	 * pattern names it, and a deny rule naming a source may be about it.
	 */
	req.source_unsure = source && source[0] != '/';
	if (looked_up) {
		req.source = medgate_path_resolve(&src, d.bufs->dst);
		/*
		 * The kernel looks the source up again after this hook. Its canonical name leads
		 * to the same place then unless the task may rename, mount or chroot on the way;
		 * any other spelling ("." or a relative name, /proc/self/fd/N, a symbolic link,
		 * "..") leads wherever another thread points the working directory, descriptor or
		 * link in between. Such a source is decided as unknown, and recorded as found.
		 */
		req.source_unsure = IS_ERR(req.source) || strcmp(req.source, source);
	}
	if (req.access == MEDGATE_MOUNT_NEW)
		req.fstype = fstype;
	ret = medgate_decide_class(&d, &req, false);
	medgate_decision_exit(&d);
out:
	if (looked_up)
		path_put(&src);
	return ret;
}

/*
 * move_mount: @from is the root of the mount moved or attached, @to the mount point; @attached
 * whether @from's mount has a parent (the program reads struct mount, private to fs/), which is
 * how do_move_mount() tells a move from an attach.
 */
noinline int medgate_move_mount(const struct path *from, const struct path *to, u32 attached,
				u64 profile)
{
	struct medgate_request req = { .op = MEDGATE_OP_MOUNT, .access = MEDGATE_MOUNT_MOVE };
	struct medgate_decision d;
	int ret;

	if (!medgate_kfunc_callable(profile, from && from->mnt && from->dentry && to))
		return -EPERM;
	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	req.path = medgate_path_resolve(to, d.bufs->src);
	req.source = medgate_path_resolve(from, d.bufs->dst);
	if (IS_ERR(req.source)) {
		struct super_block *sb = from->mnt->mnt_sb;

		/*
		 * No name the task can see. Attached (outside its chroot, opened before it): a
		 * move of unknown source. Detached: a new file system (fsmount) is its
		 * superblock's only mount; the root of one mounted elsewhere too (an open_tree
		 * clone) shows what is there, as any other clone does: a bind mount.
		 */
		req.source = NULL;
		req.inode = d_inode(from->dentry);
		if (attached) {
			/* req.access stays MEDGATE_MOUNT_MOVE. */
		} else if (from->dentry == sb->s_root && list_is_singular(&sb->s_mounts)) {
			req.access = MEDGATE_MOUNT_NEW;
			req.fstype = sb->s_type->name;
		} else {
			req.access = MEDGATE_MOUNT_BIND;
		}
	}
	ret = medgate_decide_class(&d, &req, false);
	medgate_decision_exit(&d);
	return ret;
}

static int decide_path(const struct path *path, u32 op, u32 kind, u64 profile)
{
	struct medgate_request req = { .op = op, .access = kind };
	struct medgate_decision d;
	int ret;

	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	req.path = medgate_path_resolve(path, d.bufs->src);
	ret = medgate_decide_class(&d, &req, false);
	medgate_decision_exit(&d);
	return ret;
}

/*
 * pivot_root (@op MEDGATE_OP_MOUNT, @kind MEDGATE_MOUNT_PIVOT_ROOT, @path the new root) and
 * chroot (@op MEDGATE_OP_CHROOT, @kind 0, @path the directory).
 */
noinline int medgate_mount_path_op(const struct path *path, u32 op, u32 kind, u64 profile)
{
	if (!medgate_kfunc_callable(profile, path && ((op == MEDGATE_OP_MOUNT &&
							kind == MEDGATE_MOUNT_PIVOT_ROOT) ||
						       (op == MEDGATE_OP_CHROOT && !kind))))
		return -EPERM;
	return decide_path(path, op, kind, profile);
}

/* umount: the mount point of @mnt. */
noinline int medgate_sb_umount(struct vfsmount *mnt, u64 profile)
{
	struct path path;

	if (!medgate_kfunc_callable(profile, mnt))
		return -EPERM;
	path.mnt = mnt;
	path.dentry = mnt->mnt_root;
	return decide_path(&path, MEDGATE_OP_MOUNT, MEDGATE_MOUNT_UMOUNT, profile);
}

/*
 * sb_remount (@kind MEDGATE_MOUNT_REMOUNT) and sb_kern_mount (@kind MEDGATE_MOUNT_NEW): a
 * superblock reconfigured or made. The record names it by its root's device and inode.
 */
noinline int medgate_sb_reconfigure(struct super_block *sb, u32 kind, u64 profile)
{
	struct medgate_request req = { .op = MEDGATE_OP_MOUNT, .access = kind };

	if (!medgate_kfunc_callable(profile, sb && sb->s_root && sb->s_type &&
					     (kind == MEDGATE_MOUNT_REMOUNT ||
					      kind == MEDGATE_MOUNT_NEW)))
		return -EPERM;
	if (in_mount_syscall())
		return 0;
	req.inode = d_inode(sb->s_root);
	req.fstype = sb->s_type->name;
	/* fsconfig(FSCONFIG_CMD_CREATE): move_mount decides where the file system goes. */
	req.object_later = kind == MEDGATE_MOUNT_NEW;
	return medgate_decide_class_once(profile, &req, false);
}

__diag_pop();

// SPDX-License-Identifier: GPL-2.0
/*
 * The one path resolver every hook uses. Paths are as seen from the task's root:
 * d_path() is relative to current->fs->root, so a chrooted or mount-namespaced task sees its own
 * view. Any resolution problem is an error that the caller turns into a denial, never an allow.
 *
 * Objects that do not exist yet or are going away (create, delete, rename, link) are named as
 * their parent directory's path + "/" + their name: the dentry of a file being created is not
 * hashed yet, so d_path() on it would add " (deleted)".
 *
 * Hooks run in BPF-LSM context, which cannot sleep and has too little stack for PATH_MAX, so each
 * CPU owns two buffers; they are used with preemption disabled (get_cpu_ptr), and decision kfuncs
 * refuse to run outside task context, so nothing else on the CPU can reach them meanwhile.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/file.h>
#include <linux/rcupdate.h>
#include <linux/version.h>
#include <linux/mount.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/err.h>
#include "path.h"

static struct medgate_path_bufs __percpu *buffers;

/* Returns this CPU's buffers with preemption disabled, or NULL when a decision is running here. */
struct medgate_path_bufs *medgate_path_buffers_get(void)
{
	struct medgate_path_bufs *b = get_cpu_ptr(buffers);

	if (b->busy) {
		put_cpu_ptr(buffers);
		return NULL;
	}
	b->busy = true;
	return b;
}

void medgate_path_buffers_put(void)
{
	this_cpu_ptr(buffers)->busy = false;
	put_cpu_ptr(buffers);
}

/*
 * Whether a walk from @root reaches @path: its dentry lies under its mount's root, and its mount
 * under @root. On the root's own mount (most files) one ancestry walk answers both, without
 * path_is_under(), which takes the global mount_lock; and none is needed when that mount shows
 * its whole file system and the task is not chrooted: every connected dentry of it is under the
 * root (disconnected ones were refused before).
 */
static bool reachable(const struct path *path, const struct path *root)
{
	if (path->mnt == root->mnt) {
		if (root->dentry == root->mnt->mnt_root &&
		    root->mnt->mnt_root == root->mnt->mnt_sb->s_root)
			return true;
		return is_subdir(path->dentry, root->dentry);
	}
	return is_subdir(path->dentry, path->mnt->mnt_root) && path_is_under(path, root);
}

/**
 * medgate_path_resolve() - absolute path of @path as the current task sees it.
 * @path: mount and dentry to resolve.
 * @buf: MEDGATE_PATH_MAX bytes from medgate_path_buffers_get().
 *
 * A name is only trusted for an object the task could reach by walking from its root: d_path()
 * names anything, including objects no walk from the root reaches, and those names lie. The
 * root of a detached mount (open_tree(OPEN_TREE_CLONE), fsmount()) is named "/", so a clone of
 * /etc has "/shadow" and a fresh procfs escapes rules on /proc; a mount outside a chrooted
 * task's root is named from the global root; a dentry reached through a file handle on a bind
 * mount may lie outside that mount's subtree and is named by a climb past the mount's root. Each
 * of these is refused as unreachable; the caller denies and records the object by device and
 * inode.
 *
 * Return: a pointer into @buf, or an ERR_PTR: -ENOENT when the task has no fs context any more
 * (after exit_fs()), the dentry is unlinked or disconnected, -ENAMETOOLONG, -EINVAL when the result is not an
 * absolute path (pseudo files), -EXDEV when the object is not reachable from the task's root.
 */
const char *medgate_path_resolve(const struct path *path, char *buf)
{
	struct path root;
	char *p;

	if (!path || !path->dentry || !path->mnt)
		return ERR_PTR(-EINVAL);
	/*
	 * A disconnected dentry (open_by_handle_at) is its own root without being its mount's:
	 * d_path() would call it "/".
	 */
	if (IS_ROOT(path->dentry) && path->dentry != path->mnt->mnt_root)
		return ERR_PTR(-ENOENT);
	/* d_path() dereferences current->fs unconditionally. */
	if (!current->fs)
		return ERR_PTR(-ENOENT);
	if (d_unlinked(path->dentry))
		return ERR_PTR(-ENOENT);
	p = d_path(path, buf, MEDGATE_PATH_MAX);
	if (IS_ERR(p))
		return p;
	if (p[0] != '/')
		return ERR_PTR(-EINVAL);
	/*
	 * The root is copied without a reference: dentries and mounts are freed after an RCU grace
	 * period, and every decision runs under rcu_read_lock() (medgate_decision_enter()), as
	 * d_path() itself reads it.
	 */
	spin_lock(&current->fs->lock);
	root = current->fs->root;
	spin_unlock(&current->fs->lock);
	if (!reachable(path, &root))
		return ERR_PTR(-EXDEV);
	return p;
}

/**
 * medgate_path_exe() - the current task's executable, as seen from its root, for an audit record.
 * @buf: MEDGATE_PATH_MAX bytes.
 *
 * Return: the path, or NULL when the task has no executable (a kernel thread) or it has no name
 * the task can see.
 */
const char *medgate_path_exe(char *buf)
{
	struct mm_struct *mm = current->mm;
	struct file *exe = NULL;
	const char *p;

	if (!mm)
		return NULL;
	/*
	 * get_task_exe_file() is not exported; a reference taken under RCU is what it does.
	 * 6.7 made get_file_rcu() take the RCU pointer itself.
	 */
	rcu_read_lock();
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	exe = get_file_rcu(&mm->exe_file);
#else
	exe = rcu_dereference(mm->exe_file);
	if (exe && !get_file_rcu(exe))
		exe = NULL;
#endif
	rcu_read_unlock();
	if (!exe)
		return NULL;
	p = medgate_path_resolve(&exe->f_path, buf);
	fput(exe);
	return IS_ERR(p) ? NULL : p;
}

/**
 * medgate_path_resolve_entry() - path of the entry @dentry in directory @dir.
 * @dir: the parent directory (mount and dentry).
 * @dentry: the entry; it may be negative (about to be created). The caller's hook runs with the
 *          parent's inode locked, so the name is stable.
 * @buf: MEDGATE_PATH_MAX bytes.
 *
 * Return: a pointer to the start of @buf, or an ERR_PTR as medgate_path_resolve().
 */
const char *medgate_path_resolve_entry(const struct path *dir, const struct dentry *dentry,
				       char *buf)
{
	const char *parent;
	size_t plen, nlen, sep;

	if (!dentry)
		return ERR_PTR(-EINVAL);
	parent = medgate_path_resolve(dir, buf);
	if (IS_ERR(parent))
		return parent;
	plen = strlen(parent);
	nlen = dentry->d_name.len;
	if (!nlen || memchr(dentry->d_name.name, '/', nlen))
		return ERR_PTR(-EINVAL);
	sep = parent[plen - 1] == '/' ? 0 : 1;	/* the root is "/" */
	if (plen + sep + nlen >= MEDGATE_PATH_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	/* d_path() left the parent at the end of @buf; move it to the front and append. */
	memmove(buf, parent, plen);
	if (sep)
		buf[plen] = '/';
	memcpy(buf + plen + sep, dentry->d_name.name, nlen);
	buf[plen + sep + nlen] = '\0';
	return buf;
}

int medgate_path_init(void)
{
	buffers = alloc_percpu(struct medgate_path_bufs);
	return buffers ? 0 : -ENOMEM;
}

void medgate_path_uninit(void)
{
	free_percpu(buffers);
}

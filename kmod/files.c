// SPDX-License-Identifier: GPL-2.0
/*
 * The file hooks' decisions, exported to the BPF-LSM programs as kfuncs named after the hook
 * each serves (hook_file_open calls medgate_file_open). Every one resolves its object through
 * kmod/path.c and decides through medgate_decide() inside one decision (kmod/decide.c).
 *
 * | access | hooks                                                                          |
 * |--------|--------------------------------------------------------------------------------|
 * | r w a  | file_open; file_receive, file_fcntl and file_permission revalidate descriptors |
 * | x      | bprm_creds_for_exec (kmod/exec.c), as the exec of the program run              |
 * | c      | path_mknod (also open with O_CREAT), path_mkdir, path_symlink, the destination |
 * |        | of path_rename and path_link; file_open with O_TMPFILE                         |
 * | d      | path_unlink, path_rmdir                                                        |
 * | l      | the source of path_rename and path_link                                        |
 * | s      | path_chmod, path_chown; path_truncate accepts s or w                           |
 * | m      | mmap_file and file_mprotect with PROT_EXEC (x implies m)                       |
 *
 * Each kfunc returns 0 to allow, -EACCES to deny, -EPERM when called outside task context, for
 * an unconfined task, without the pointers it needs, or nested in another decision on this CPU.
 */
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm_types.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/version.h>
#include <medgate/label.h>
#include "decide.h"

/* One request about an object resolved into @path (or an ERR_PTR, which is denied). */
static int decide_object(const struct medgate_decision *d, u32 op, u32 access, const char *path,
			 const struct inode *inode)
{
	struct medgate_request req = {
		.op = op, .access = access, .path = path, .inode = inode,
	};
	struct medgate_match m;

	return medgate_decide(d, &req, &m);
}

/*
 * A file that has no path any more (deleted while open) is denied; its audit record names the
 * directory it was in, with its device and inode, so that a reviewer can still tell which file
 * it was. NULL when that directory cannot be named either.
 */
static const char *unnamed_object_dir(const struct file *file, char *buf)
{
	/* The file holds its dentry, and a dentry holds its parent. */
	struct path dir = {
		.mnt = file->f_path.mnt, .dentry = READ_ONCE(file->f_path.dentry->d_parent),
	};
	const char *name;

	if (dir.dentry == file->f_path.dentry)
		return NULL;
	name = medgate_path_resolve(&dir, buf);
	return IS_ERR(name) ? NULL : name;
}

static int decide_file(const struct file *file, u64 profile, u32 op, u32 access)
{
	struct medgate_request req = {
		.op = op, .access = access, .inode = file_inode(file),
	};
	struct medgate_decision d;
	struct medgate_match m;
	int ret;

	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	req.path = medgate_path_resolve(&file->f_path, d.bufs->src);
	if (IS_ERR(req.path))
		req.dir = unnamed_object_dir(file, d.bufs->dst);
	ret = medgate_decide(&d, &req, &m);
	medgate_decision_exit(&d);
	return ret;
}

/* What an open asks for. Opening for exec (uselib) is asked as exec, not as read. */
static u32 open_access(const struct file *file)
{
	u32 access = 0;

	if (file->f_flags & __FMODE_EXEC)
		return MEDGATE_ACCESS_EXEC;
	if (file->f_mode & FMODE_READ)
		access |= MEDGATE_ACCESS_READ;
	if (file->f_mode & FMODE_WRITE)
		access |= (file->f_flags & O_APPEND) && !(file->f_flags & O_TRUNC) ?
			  MEDGATE_ACCESS_APPEND : MEDGATE_ACCESS_WRITE;
	/* Opens that read and write nothing still need some right on the object. */
	return access ? access : MEDGATE_ACCESS_READ;
}

/*
 * Since 6.9 a pidfd is a regular file of pidfs, and pidfd_open() opens it through file_open: it
 * names a process, not a file, and has no path a rule could name (6.1's pidfds are anonymous
 * inodes that never pass file_open). What a pidfd is used for (signals, pidfd_getfd) is decided
 * by the hooks of those uses.
 */
static bool is_pidfd(const struct file *file)
{
#ifdef PID_FS_MAGIC
	return file_inode(file)->i_sb->s_magic == PID_FS_MAGIC;
#else
	return false;
#endif
}

/*
 * Files a policy names; pipes, sockets and anonymous inodes are not among them. A named FIFO is:
 * it has a path, opening it is decided on that path, and a descriptor of it received or inherited
 * must not reach a task that could not open it (only pipe(2)'s pipes live on pipefs).
 */
static bool policy_object(const struct file *file)
{
	const struct inode *inode = file_inode(file);
	umode_t mode = inode->i_mode;

	if (S_ISFIFO(mode))
		return inode->i_sb->s_magic != PIPEFS_MAGIC;
	if (is_pidfd(file))
		return false;
	return S_ISREG(mode) || S_ISDIR(mode) || S_ISCHR(mode) || S_ISBLK(mode);
}

/*
 * A file the kernel opened for the exec this task is in: the program, its ELF loader or its
 * "#!" interpreter. open_exec() is the only opener that sets __FMODE_EXEC (open(2) cannot), and
 * in_execve covers the whole execve, so nothing the new program does later qualifies.
 *
 * Such files belong to the exec's own decision, made once in bprm_creds_for_exec on the program
 * run (kmod/exec.c): opening them is not a separate decision under the caller's profile (which
 * would need x on the loader, a rule that lets the caller run any file through the loader), and
 * the kernel reading them and mapping them as code after the task has entered its new profile
 * needs no rule there (the program would die at its first instruction otherwise). A direct
 * "ld.so ./prog" stays an exec of the loader: the loader then opens and maps ./prog itself,
 * which its profile decides as r and m.
 */
static bool opened_for_this_exec(const struct file *file)
{
	return current->in_execve && (file->f_flags & __FMODE_EXEC);
}

/*
 * The same question asked by file_open, while the file is being opened. Since 6.8 ("execve: open
 * the executable file before doing anything else") execve opens the program before it sets
 * in_execve, so the test above misses the program itself; in the same release uselib() stopped
 * opening with __FMODE_EXEC. From then on __FMODE_EXEC at open time means do_open_execat(), an
 * exec in progress, by itself. The later hooks (mmap, permission) keep the test above: a file
 * opened for exec keeps the flag for its whole life.
 */
static bool opening_for_this_exec(const struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return file->f_flags & __FMODE_EXEC;
#else
	return opened_for_this_exec(file);
#endif
}

/* Opened under other credentials than the task's current ones (descriptors passed in). */
static bool foreign(const struct file *file)
{
	return file->f_cred != current_cred() && !opened_for_this_exec(file);
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/*
 * open(O_TMPFILE) makes a file that has no name yet in a directory: it is decided as creating a
 * file there (c, with the access the open asks for). The kernel names the new entry "#INODE"
 * (d_tmpfile()), so a rule for the files of the directory (a glob ending in a star) covers it,
 * and the audit record says where it was made.
 */
static int decide_tmpfile(struct file *file, u64 profile)
{
	struct dentry *dentry = file->f_path.dentry;
	/* The file holds its dentry, and a dentry holds its parent. */
	struct path dir = { .mnt = file->f_path.mnt, .dentry = READ_ONCE(dentry->d_parent) };
	struct medgate_decision d;
	int ret;

	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	ret = decide_object(&d, MEDGATE_OP_CREATE, open_access(file) | MEDGATE_ACCESS_CREATE,
			    medgate_path_resolve_entry(&dir, dentry, d.bufs->src),
			    file_inode(file));
	medgate_decision_exit(&d);
	return ret;
}

/*
 * @label_flags: the task's MEDGATE_LABEL_F_*. The exec's own files need no rule only when the
 * caller could not have chosen them. When the caller's profile may write or create the program
 * it runs (MEDGATE_LABEL_F_CHECK_INTERP, kmod/exec.c), the program's "#!" line or PT_INTERP
 * names any executable on the system (one that exec rules refuse, a set-uid one, one the profile
 * may not read): each file opened for the rest of that exec is then an exec of that file under
 * the caller's profile.
 */
noinline int medgate_file_open(struct file *file, u64 profile, u32 label_flags)
{
	if (!medgate_kfunc_callable(profile, file))
		return -EPERM;
	if (opening_for_this_exec(file))
		return (label_flags & MEDGATE_LABEL_F_CHECK_INTERP) ?
		       decide_file(file, profile, MEDGATE_OP_EXEC, MEDGATE_ACCESS_EXEC) : 0;
	if (file->f_flags & __O_TMPFILE)
		return decide_tmpfile(file, profile);
	if (is_pidfd(file))
		return 0;
	return decide_file(file, profile, MEDGATE_OP_FILE_OPEN, open_access(file));
}

/*
 * A descriptor passed over a unix socket was opened by someone else, under other rules: the
 * receiver must hold the same rights it would need to open the file itself. Pipes, sockets and
 * anonymous inodes have no path a rule could name; they are not file objects of the policy
 * (sockets are a matter for network rules).
 */
noinline int medgate_file_receive(struct file *file, u64 profile)
{
	u32 access;

	if (!medgate_kfunc_callable(profile, file))
		return -EPERM;
	if (!policy_object(file))
		return 0;
	access = open_access(file);
	/* The receiver cannot exec through the descriptor; what it can do is read and write. */
	if (access == MEDGATE_ACCESS_EXEC)
		access = MEDGATE_ACCESS_READ;
	return decide_file(file, profile, MEDGATE_OP_FILE_RECEIVE, access);
}

/*
 * Clearing O_APPEND turns an append-only descriptor into a writable one: that needs w, as an
 * open for writing would have.
 */
noinline int medgate_file_fcntl(struct file *file, u32 cmd, u64 arg, u64 profile)
{
	if (!medgate_kfunc_callable(profile, file))
		return -EPERM;
	if (cmd != F_SETFL || !(file->f_mode & FMODE_WRITE) ||
	    !(file->f_flags & O_APPEND) || (arg & O_APPEND))
		return 0;
	return decide_file(file, profile, MEDGATE_OP_FCNTL, MEDGATE_ACCESS_WRITE);
}

/*
 * A read or write through a descriptor the task did not open under its current credentials
 * (the BPF side lets the task's own descriptors through at once): typically one inherited across
 * the exec that put the task into its profile. Only objects that file rules name are checked.
 */
noinline int medgate_file_permission(struct file *file, int mask, u64 profile)
{
	u32 access = 0;

	if (!medgate_kfunc_callable(profile, file))
		return -EPERM;
	if (!policy_object(file) || opened_for_this_exec(file))
		return 0;
	if (mask & MAY_READ)
		access |= MEDGATE_ACCESS_READ;
	if (mask & MAY_WRITE)
		access |= (file->f_flags & O_APPEND) ? MEDGATE_ACCESS_APPEND : MEDGATE_ACCESS_WRITE;
	if (!access)
		return 0;
	return decide_file(file, profile, MEDGATE_OP_FILE_INHERITED, access);
}

/*
 * What a mapping asks for: m for executable file mappings (anonymous executable memory is not a
 * file matter); r and w for a foreign descriptor, which mmap() reaches without file_permission;
 * w for a shared writable mapping of an O_APPEND descriptor, which would write anywhere.
 */
static u32 map_access(const struct file *file, unsigned long prot, bool shared)
{
	u32 access = 0;

	if (prot & PROT_EXEC)
		access |= MEDGATE_ACCESS_MMAP_EXEC;
	if (!policy_object(file))
		return access;
	if (foreign(file) && (prot & (PROT_READ | PROT_EXEC)))
		access |= MEDGATE_ACCESS_READ;
	if (shared && (prot & PROT_WRITE) && (foreign(file) || (file->f_flags & O_APPEND)))
		access |= MEDGATE_ACCESS_WRITE;
	return access;
}

/* @file is NULL for anonymous mappings. */
noinline int medgate_mmap_file(struct file *file, u64 prot, u64 flags, u64 profile)
{
	u32 access;

	if (!medgate_kfunc_callable(profile, true))
		return -EPERM;
	if (!file || opened_for_this_exec(file))
		return 0;
	access = map_access(file, prot, (flags & MAP_TYPE) != MAP_PRIVATE);
	return access ? decide_file(file, profile, MEDGATE_OP_MMAP, access) : 0;
}

noinline int medgate_file_mprotect(struct vm_area_struct *vma, u64 prot, u64 profile)
{
	u32 access;

	if (!medgate_kfunc_callable(profile, vma))
		return -EPERM;
	if (!vma->vm_file)
		return 0;
	access = map_access(vma->vm_file, prot, vma->vm_flags & VM_SHARED);
	/* The mapping's read access was decided when it was made. */
	access &= ~MEDGATE_ACCESS_READ;
	return access ? decide_file(vma->vm_file, profile, MEDGATE_OP_MMAP, access) : 0;
}

/* An entry being created or deleted, named parent path + "/" + name. */
static int decide_entry(const struct path *dir, struct dentry *dentry, u32 op, u32 access,
			u64 profile)
{
	struct medgate_decision d;
	int ret;

	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	ret = decide_object(&d, op, access, medgate_path_resolve_entry(dir, dentry, d.bufs->src),
			    d_inode(dentry));
	medgate_decision_exit(&d);
	return ret;
}

/* mknod (including open with O_CREAT), mkdir and symlink. */
noinline int medgate_path_create(const struct path *dir, struct dentry *dentry, u64 profile)
{
	if (!medgate_kfunc_callable(profile, dir && dentry))
		return -EPERM;
	return decide_entry(dir, dentry, MEDGATE_OP_CREATE, MEDGATE_ACCESS_CREATE, profile);
}

/*
 * mknod: a character or block device node is a new name for a device, whatever the path says
 * (a lock file made into major 1, minor 1 reads physical memory), so it needs n as well as c.
 */
noinline int medgate_path_mknod(const struct path *dir, struct dentry *dentry, u32 mode,
				u64 profile)
{
	if (!medgate_kfunc_callable(profile, dir && dentry))
		return -EPERM;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return decide_entry(dir, dentry, MEDGATE_OP_DEVICE_NODE,
				    MEDGATE_ACCESS_CREATE | MEDGATE_ACCESS_DEVICE_NODE, profile);
	return decide_entry(dir, dentry, MEDGATE_OP_CREATE, MEDGATE_ACCESS_CREATE, profile);
}

/* unlink and rmdir. */
noinline int medgate_path_delete(const struct path *dir, struct dentry *dentry, u64 profile)
{
	if (!medgate_kfunc_callable(profile, dir && dentry))
		return -EPERM;
	return decide_entry(dir, dentry, MEDGATE_OP_DELETE, MEDGATE_ACCESS_DELETE, profile);
}

/*
 * A new name may not give the profile more access to an object than its old name did: with a
 * rule that denies r under /data/secret, a hard link /data/key-link to /data/secret/key, or
 * renaming /data/secret to /data/pub, would make the key readable. The access to the object
 * itself (r w a x m s: what its content and attributes are open to) through @to must be a
 * subset of that through @from; the bits about names (c d l n) are decided on each name as they
 * are. A program's x must also run it the same way through both names (same_exec()). A directory
 * carries every name under it, so the rules must also treat everything below its two names
 * alike (medgate_match_same_below(), which covers exec rules too). Refused as the default denies
 * (complain mode reports and allows), recorded on the new name with the bits it would add (x when
 * only the exec rule differs, l when only the names below the directory differ).
 */
#define OBJECT_ACCESS	(MEDGATE_ACCESS_READ | MEDGATE_ACCESS_WRITE | MEDGATE_ACCESS_APPEND | \
			 MEDGATE_ACCESS_EXEC | MEDGATE_ACCESS_MMAP_EXEC | MEDGATE_ACCESS_SETATTR)

#define EXEC_ENV_FLAGS	(MEDGATE_RULE_F_SCRUB_ENV | MEDGATE_RULE_F_KEEP_ENV)

/*
 * Whether running the program through @to does what running it through @from does: x is the same
 * letter for "stays in the profile" and "moves to profile admin", so a program linked or renamed
 * from a name with the first to a name with the second would run in another profile (AppArmor's
 * link check compares the exec transitions of the two names for the same reason). The profile it
 * moves to and the environment handling must agree; a new name without x is always fine.
 */
static bool same_exec(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
		      const char *from, const char *to)
{
	struct medgate_match a, b;
	u32 fa = 0, fb = 0;

	medgate_match_file(v, p, to, MEDGATE_ACCESS_EXEC, &b);
	if (!b.allowed)
		return true;
	medgate_match_file(v, p, from, MEDGATE_ACCESS_EXEC, &a);
	if (!a.allowed)
		return false;
	if (a.rule < v->hdr->n_rules)
		fa = v->rules[a.rule].flags & EXEC_ENV_FLAGS;
	if (b.rule < v->hdr->n_rules)
		fb = v->rules[b.rule].flags & EXEC_ENV_FLAGS;
	return a.exec_mode == b.exec_mode && a.target == b.target && fa == fb;
}

static int decide_no_widening(const struct medgate_decision *d, u32 op, const char *from,
			      const char *to, const struct dentry *src)
{
	struct medgate_request req = { .op = op, .path = to, .inode = d_inode(src) };
	const struct medgate_blob_view *v = &d->pol->view;
	struct medgate_match m = { .rule = MEDGATE_RULE_NONE };

	req.access = medgate_match_effective(v, d->prof, to) &
		     ~medgate_match_effective(v, d->prof, from) & OBJECT_ACCESS;
	if (!req.access && !d_is_dir(src) && !same_exec(v, d->prof, from, to))
		req.access = MEDGATE_ACCESS_EXEC;
	if (!req.access && d_is_dir(src) && !medgate_match_same_below(v, d->prof, from, to))
		req.access = MEDGATE_ACCESS_LINK;
	if (!req.access)
		return 0;
	if (d->prof->mode == MEDGATE_MODE_COMPLAIN) {
		medgate_report(d, &req, &m, MEDGATE_VERDICT_WOULD_DENY, 0);
		return 0;
	}
	medgate_report(d, &req, &m, MEDGATE_VERDICT_DENY, -EACCES);
	return -EACCES;
}

/*
 * Rename and link: l on the source, c on the destination (and d when it exists: replacing an
 * entry deletes it), and no access gained through the new name. Each is decided and audited. The
 * source is either an entry of @src_dir or, for a link, the existing file @src_path. @own: the
 * source is a nameless O_TMPFILE file the task made; its content is its own and giving it a name
 * exposes nothing, so the new name is not compared with the made-up old one.
 */
static int decide_move(const struct path *src_dir, struct dentry *src, const struct path *src_path,
		       const struct path *dst_dir, struct dentry *dst, u32 op, bool own,
		       u64 profile)
{
	struct dentry *object = src_path ? src_path->dentry : src;
	struct medgate_decision d;
	const char *from, *to;
	int ret;

	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	from = src_path ? medgate_path_resolve(src_path, d.bufs->src) :
			  medgate_path_resolve_entry(src_dir, src, d.bufs->src);
	ret = decide_object(&d, op, MEDGATE_ACCESS_LINK, from, d_inode(object));
	if (!ret) {
		to = medgate_path_resolve_entry(dst_dir, dst, d.bufs->dst);
		ret = decide_object(&d, op, MEDGATE_ACCESS_CREATE |
				    (d_is_positive(dst) ? MEDGATE_ACCESS_DELETE : 0),
				    to, d_inode(dst));
		/* Both names resolved and the profile exists: medgate_decide() allowed them. */
		if (!ret && !own)
			ret = decide_no_widening(&d, op, from, to, object);
	}
	medgate_decision_exit(&d);
	return ret;
}

/* An exchange (RENAME_EXCHANGE) is decided by the BPF side as two renames, one each way. */
noinline int medgate_path_rename(const struct path *old_dir, struct dentry *old_dentry,
				 const struct path *new_dir, struct dentry *new_dentry,
				 u64 profile)
{
	if (!medgate_kfunc_callable(profile, old_dir && old_dentry && new_dir && new_dentry))
		return -EPERM;
	return decide_move(old_dir, old_dentry, NULL, new_dir, new_dentry, MEDGATE_OP_RENAME,
			   false, profile);
}

/*
 * The source dentry of a hard link has no mount of its own; links cannot cross mounts, so it
 * lives on the destination directory's mount. Giving an O_TMPFILE file its name: the source is
 * the nameless entry, named as at its creation (DIR/#INODE). Any other unlinked source still
 * fails to resolve and is denied.
 */
noinline int medgate_path_link(struct dentry *old_dentry, const struct path *new_dir,
			       struct dentry *new_dentry, u64 profile)
{
	struct path src;

	if (!medgate_kfunc_callable(profile, old_dentry && new_dir && new_dentry))
		return -EPERM;
	src.mnt = new_dir->mnt;
	src.dentry = old_dentry;
	if (d_unlinked(old_dentry) && (d_inode(old_dentry)->i_state & I_LINKABLE)) {
		struct path dir = { .mnt = new_dir->mnt, .dentry = READ_ONCE(old_dentry->d_parent) };

		return decide_move(&dir, old_dentry, NULL, new_dir, new_dentry, MEDGATE_OP_LINK,
				   true, profile);
	}
	return decide_move(NULL, NULL, &src, new_dir, new_dentry, MEDGATE_OP_LINK, false,
			   profile);
}

/* chmod, chown (s), and truncate, which w allows as well as s. */
static int decide_setattr(const struct path *path, bool truncate, u64 profile)
{
	struct medgate_request req = {
		.op = MEDGATE_OP_SETATTR,
		.access = MEDGATE_ACCESS_SETATTR | (truncate ? MEDGATE_ACCESS_WRITE : 0),
		.any = truncate,
		.inode = path->dentry ? d_inode(path->dentry) : NULL,
	};
	struct medgate_decision d;
	struct medgate_match m;
	int ret;

	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	req.path = medgate_path_resolve(path, d.bufs->src);
	ret = medgate_decide(&d, &req, &m);
	medgate_decision_exit(&d);
	return ret;
}

noinline int medgate_path_setattr(const struct path *path, u64 profile)
{
	if (!medgate_kfunc_callable(profile, path))
		return -EPERM;
	return decide_setattr(path, false, profile);
}

noinline int medgate_path_truncate(const struct path *path, u64 profile)
{
	if (!medgate_kfunc_callable(profile, path))
		return -EPERM;
	return decide_setattr(path, true, profile);
}

__diag_pop();

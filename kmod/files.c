// SPDX-License-Identifier: GPL-2.0
/*
 * Decisions for the file hooks. Every one resolves its object through kmod/path.c and decides
 * through medgate_decide() against one policy snapshot.
 *
 * | access | hooks                                                                          |
 * |--------|--------------------------------------------------------------------------------|
 * | r w a  | file_open; file_receive, file_fcntl and file_permission revalidate descriptors |
 * | x      | bprm_creds_for_exec (kmod/exec.c), as the exec of the program run              |
 * | c      | path_mknod (also open with O_CREAT), path_mkdir, path_symlink, the destination |
 * |        | of path_rename and path_link                                                   |
 * | d      | path_unlink, path_rmdir                                                        |
 * | l      | the source of path_rename and path_link                                        |
 * | s      | path_chmod, path_chown; path_truncate accepts s or w                           |
 * | m      | mmap_file and file_mprotect with PROT_EXEC (x implies m)                       |
 */
#include <linux/fs.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/mm_types.h>
#include <linux/mman.h>
#include <linux/cred.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include "decide.h"
#include "files.h"
#include "path.h"

static int decide_req(const struct medgate_request *req)
{
	struct medgate_match m;
	int ret;

	rcu_read_lock();
	ret = medgate_decide(medgate_policy_current(), req, &m);
	rcu_read_unlock();
	return ret;
}

/* @inode: the object, when it exists, for the audit record (device and inode number). */
static int decide_path(u64 profile, u32 op, u32 access, const char *path,
		       const struct inode *inode)
{
	struct medgate_request req = {
		.profile_id = profile, .op = op, .access = access, .path = path, .inode = inode,
	};

	return decide_req(&req);
}

static int decide_file(const struct file *file, u64 profile, u32 op, u32 access)
{
	struct medgate_path_bufs *b;
	int ret;

	if (WARN_ON_ONCE(!file))
		return -EACCES;
	b = medgate_path_buffers_get();
	if (!b)
		return -EPERM;
	ret = decide_path(profile, op, access, medgate_path_resolve(&file->f_path, b->src),
			  file_inode(file));
	medgate_path_buffers_put();
	return ret;
}

/* What an open asks for. Opening for exec is asked as exec, not as read. */
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

/* Files a policy names; pipes, sockets and anonymous inodes are not among them. */
static bool policy_object(const struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

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

/* Opened under other credentials than the task's current ones (DESIGN trap 8). */
static bool foreign(const struct file *file)
{
	return file->f_cred != current_cred() && !opened_for_this_exec(file);
}

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
	struct medgate_request req = {
		.profile_id = profile, .op = MEDGATE_OP_CREATE,
		.access = open_access(file) | MEDGATE_ACCESS_CREATE,
		.inode = file_inode(file),
	};
	struct medgate_path_bufs *b;
	int ret;

	b = medgate_path_buffers_get();
	if (!b)
		return -EPERM;
	req.path = medgate_path_resolve_entry(&dir, dentry, b->src);
	ret = decide_req(&req);
	medgate_path_buffers_put();
	return ret;
}

int medgate_decide_file_open(struct file *file, u64 profile)
{
	if (WARN_ON_ONCE(!file))
		return -EACCES;
	if (opened_for_this_exec(file))
		return 0;
	if (file->f_flags & __O_TMPFILE)
		return decide_tmpfile(file, profile);
	return decide_file(file, profile, MEDGATE_OP_FILE_OPEN, open_access(file));
}

/*
 * A descriptor passed over a unix socket was opened by someone else, under other rules: the
 * receiver must hold the same rights it would need to open the file itself. Pipes, sockets and
 * anonymous inodes have no path a rule could name; they are not file objects of the policy
 * (sockets are a matter for network rules).
 */
int medgate_decide_file_receive(struct file *file, u64 profile)
{
	u32 access;

	if (WARN_ON_ONCE(!file))
		return -EACCES;
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
int medgate_decide_file_fcntl(struct file *file, unsigned int cmd, unsigned long arg,
			      u64 profile)
{
	if (WARN_ON_ONCE(!file))
		return -EACCES;
	if (cmd != F_SETFL || !(file->f_mode & FMODE_WRITE) ||
	    !(file->f_flags & O_APPEND) || (arg & O_APPEND))
		return 0;
	return decide_file(file, profile, MEDGATE_OP_FCNTL, MEDGATE_ACCESS_WRITE);
}

/*
 * A read or write through a descriptor the task did not open under its current credentials
 * (the BPF side lets the task's own descriptors through at once): typically one inherited across
 * the exec that put the task into its profile. Only objects that file rules name are checked;
 * pipes, sockets and anonymous inodes are not files of the policy.
 */
int medgate_decide_file_permission(struct file *file, int mask, u64 profile)
{
	u32 access = 0;

	if (WARN_ON_ONCE(!file))
		return -EACCES;
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

int medgate_decide_mmap(struct file *file, unsigned long prot, unsigned long flags, u64 profile)
{
	u32 access;

	if (!file || opened_for_this_exec(file))
		return 0;
	access = map_access(file, prot, (flags & MAP_TYPE) != MAP_PRIVATE);
	return access ? decide_file(file, profile, MEDGATE_OP_MMAP, access) : 0;
}

int medgate_decide_mprotect(struct vm_area_struct *vma, unsigned long prot, u64 profile)
{
	u32 access;

	if (!vma->vm_file)
		return 0;
	access = map_access(vma->vm_file, prot, vma->vm_flags & VM_SHARED);
	/* The mapping's read access was decided when it was made. */
	access &= ~MEDGATE_ACCESS_READ;
	return access ? decide_file(vma->vm_file, profile, MEDGATE_OP_MMAP, access) : 0;
}

int medgate_decide_entry(const struct path *dir, struct dentry *dentry, u32 op, u64 profile)
{
	struct medgate_path_bufs *b;
	u32 access;
	int ret;

	switch (op) {
	case MEDGATE_OP_CREATE:
		access = MEDGATE_ACCESS_CREATE;
		break;
	case MEDGATE_OP_DELETE:
		access = MEDGATE_ACCESS_DELETE;
		break;
	default:
		return -EINVAL;
	}
	b = medgate_path_buffers_get();
	if (!b)
		return -EPERM;
	ret = decide_path(profile, op, access, medgate_path_resolve_entry(dir, dentry, b->src),
			  d_inode(dentry));
	medgate_path_buffers_put();
	return ret;
}

/* Rename and link: l on the source, c on the destination. Both are decided and audited. */
static int decide_move(const struct path *src_dir, struct dentry *src, const struct path *src_path,
		       const struct path *dst_dir, struct dentry *dst, u32 op, u64 profile)
{
	struct medgate_path_bufs *b;
	const char *from;
	int ret;

	b = medgate_path_buffers_get();
	if (!b)
		return -EPERM;
	from = src_path ? medgate_path_resolve(src_path, b->src) :
			  medgate_path_resolve_entry(src_dir, src, b->src);
	ret = decide_path(profile, op, MEDGATE_ACCESS_LINK, from,
			  d_inode(src_path ? src_path->dentry : src));
	/* Replacing an existing entry deletes it: that needs d as well. */
	if (!ret)
		ret = decide_path(profile, op, MEDGATE_ACCESS_CREATE |
				  (d_is_positive(dst) ? MEDGATE_ACCESS_DELETE : 0),
				  medgate_path_resolve_entry(dst_dir, dst, b->dst), d_inode(dst));
	medgate_path_buffers_put();
	return ret;
}

int medgate_decide_rename(const struct path *old_dir, struct dentry *old_dentry,
			  const struct path *new_dir, struct dentry *new_dentry, u64 profile)
{
	return decide_move(old_dir, old_dentry, NULL, new_dir, new_dentry, MEDGATE_OP_RENAME,
			   profile);
}

/*
 * The source dentry of a hard link has no mount of its own (DESIGN trap 5); links cannot cross
 * mounts, so it lives on the destination directory's mount.
 */
int medgate_decide_link(struct dentry *old_dentry, const struct path *new_dir,
			struct dentry *new_dentry, u64 profile)
{
	struct path src;

	if (WARN_ON_ONCE(!old_dentry || !new_dir))
		return -EACCES;
	src.mnt = new_dir->mnt;
	src.dentry = old_dentry;
	/*
	 * Giving an O_TMPFILE file its name: the source is the nameless entry, named as at its
	 * creation (DIR/#INODE). Any other unlinked source still fails to resolve and is denied.
	 */
	if (d_unlinked(old_dentry) && (d_inode(old_dentry)->i_state & I_LINKABLE)) {
		struct path dir = { .mnt = new_dir->mnt, .dentry = READ_ONCE(old_dentry->d_parent) };

		return decide_move(&dir, old_dentry, NULL, new_dir, new_dentry, MEDGATE_OP_LINK,
				   profile);
	}
	return decide_move(NULL, NULL, &src, new_dir, new_dentry, MEDGATE_OP_LINK, profile);
}

int medgate_decide_setattr(const struct path *path, bool truncate, u64 profile)
{
	struct medgate_path_bufs *b;
	const char *name;
	int ret;

	b = medgate_path_buffers_get();
	if (!b)
		return -EPERM;
	name = medgate_path_resolve(path, b->src);
	if (truncate) {
		/* Truncation is a write: w allows it as well as s. */
		struct medgate_request req = {
			.profile_id = profile, .op = MEDGATE_OP_SETATTR,
			.access = MEDGATE_ACCESS_SETATTR | MEDGATE_ACCESS_WRITE,
			.any = true, .path = name, .inode = d_inode(path->dentry),
		};

		ret = decide_req(&req);
	} else {
		ret = decide_path(profile, MEDGATE_OP_SETATTR, MEDGATE_ACCESS_SETATTR, name,
				  d_inode(path->dentry));
	}
	medgate_path_buffers_put();
	return ret;
}

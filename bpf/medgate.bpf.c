// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * medgate hook layer: one BPF-LSM program per hook. The programs keep each task's profile in
 * task-local storage and ask medgate.ko (through its kfuncs) for every decision about a confined
 * task; the module owns the policy and the audit stream. Unconfined tasks cost one storage lookup.
 *
 * Rules every program here follows:
 *  - non-sleepable, so storage creation is GFP_ATOMIC and may fail: a fork whose label cannot be
 *    copied fails with -ENOMEM, an exec into a profile whose label cannot be created fails too;
 *  - a NULL storage lookup means "unconfined" only when the task has no BPF storage at all;
 *    otherwise the lookup may have failed because the per-CPU busy counter was held, and the
 *    request is denied;
 *  - 6.1 does not check BPF-LSM return values: everything returned is 0 or -errno (clamp()).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <linux/medgate.h>
#include <medgate/label.h>
#include <medgate/mount.h>

#define EPERM		1
#define MAX_ERRNO	4095
#define ENOMEM		12
#define SIGKILL		9
#define RENAME_EXCHANGE	(1 << 1)
#define CAP_OPT_NOAUDIT	(1 << 1)
#define PF_IO_WORKER	0x00000010	/* an io_uring SQPOLL thread or io-wq worker */
#define PF_DUMPCORE	0x00000200	/* the task is dumping core (6.1 and 6.12) */
/* ioctl requests decided by the module (kmod/ioctl.c); the same numbers on x86_64 and arm64. */
#define TIOCSTI			0x5412
#define TIOCLINUX		0x541c
#define VT_ACTIVATE		0x5606
#define VT_SETACTIVATE		0x560f
#define KDSKBENT		0x4b47
#define KDSKBSENT		0x4b49
#define KDSETKEYCODE		0x4b4d
#define KDSKBDIACR		0x4b4b
#define KDSKBDIACRUC		0x4bfb
#define FS_IOC_SETFLAGS		0x40086602
#define FS_IOC32_SETFLAGS	0x40046602
#define FS_IOC_SETVERSION	0x40087602
#define FS_IOC32_SETVERSION	0x40047602
#define FS_IOC_FSSETXATTR	0x401c5820
/* Who gets a descriptor's I/O signals, or a signal (kmod/sigio.c); the same for 32-bit tasks. */
#define TIOCSIG			0x40045436
#define FIOSETOWN		0x8901
#define SIOCSPGRP		0x8902
#define FIOASYNC		0x5452
#define F_SETFL			4
#define F_SETOWN		8
#define F_SETSIG		10
#define F_SETOWN_EX		15
#define F_SETLEASE		1024
#define F_NOTIFY		1026
#define PTRACE_MODE_ATTACH	0x02
#define KEY_ALLOC_UID_KEYRING	0x0010	/* a user's user or user-session keyring */
/* CLONE_NEW* but CLONE_NEWUSER (decided at userns_create): namespaces a clone makes. */
#define CLONE_NEW_NOT_USER	(0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | \
				 0x08000000 | 0x20000000 | 0x40000000)

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct medgate_task_label);
} task_labels SEC(".maps");

/*
 * Which profile made each key a confined task made, by the key's address (kmod/key.c). Set at
 * key_alloc, removed when the key is freed; a key absent is "not the profile's": made by an
 * unconfined task or the kernel, or before medgated started. Preallocated, so that recording
 * never allocates in the hook; bounded (MEDGATE_KEY_OWNERS_MAX) and, when full, the confined
 * task's new key is refused rather than left without its owner.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MEDGATE_KEY_OWNERS_MAX);
	__type(key, __u64);
	__type(value, __u64);
} key_owners SEC(".maps");

/* Keys a confined task could not have recorded (the map was full); bpftool map dump shows it. */
__u64 key_owners_full = 0;

/*
 * Decisions, exported by medgate.ko (kmod/files.c, kmod/exec.c, kmod/task.c), each named after
 * the hook it serves. They return 0 or -errno.
 */
extern int medgate_file_open(struct file *file, __u64 profile, __u32 label_flags) __ksym;
extern int medgate_file_receive(struct file *file, __u64 profile) __ksym;
extern int medgate_file_fcntl(struct file *file, __u32 cmd, __u64 arg, __u64 profile) __ksym;
extern int medgate_file_sigio(struct file *file, __u32 cmd, __u64 arg, __u64 profile) __ksym;
extern int medgate_file_permission(struct file *file, int mask, __u64 profile) __ksym;
extern int medgate_mmap_file(struct file *file, __u64 prot, __u64 flags, __u64 profile) __ksym;
extern int medgate_file_mprotect(struct vm_area_struct *vma, __u64 prot, __u64 profile) __ksym;
extern int medgate_path_create(const struct path *dir, struct dentry *dentry,
			       __u64 profile) __ksym;
extern int medgate_path_delete(const struct path *dir, struct dentry *dentry,
			       __u64 profile) __ksym;
extern int medgate_path_rename(const struct path *old_dir, struct dentry *old_dentry,
			       const struct path *new_dir, struct dentry *new_dentry,
			       __u64 profile) __ksym;
extern int medgate_path_link(struct dentry *old_dentry, const struct path *new_dir,
			     struct dentry *new_dentry, __u64 profile) __ksym;
extern int medgate_path_setattr(const struct path *path, __u64 profile) __ksym;
extern int medgate_path_truncate(const struct path *path, __u64 profile) __ksym;
extern int medgate_bprm_creds_for_exec(struct linux_binprm *bprm,
				       struct medgate_task_label *label) __ksym;
extern int medgate_task_op(__u32 op, __u32 detail, __u32 quiet, __u64 profile) __ksym;
extern int medgate_task_alloc(__u64 clone_flags, __u64 profile) __ksym;
extern int medgate_kernel_load(__u32 id, __u32 data, __u64 profile) __ksym;
extern int medgate_sb_mount(const struct path *path, void *args, __u32 args__sz,
			    __u64 profile) __ksym;
extern int medgate_move_mount(const struct path *from, const struct path *to, __u32 attached,
			      __u64 profile) __ksym;
extern int medgate_mount_path_op(const struct path *path, __u32 op, __u32 kind,
				 __u64 profile) __ksym;
extern int medgate_sb_umount(struct vfsmount *mnt, __u64 profile) __ksym;
extern int medgate_exec_keeps_uring(struct linux_binprm *bprm, __u64 profile) __ksym;
extern int medgate_uring_receive(struct file *file, __u64 profile) __ksym;
extern int medgate_uring_override_creds(__u64 profile) __ksym;
extern int medgate_path_mknod(const struct path *dir, struct dentry *dentry, __u32 mode,
			      __u64 profile) __ksym;
extern int medgate_file_ioctl(struct file *file, __u32 cmd, __u64 profile) __ksym;
extern int medgate_ptrace_access_check(struct task_struct *child, __u32 mode, __u64 peer,
				       __u64 profile) __ksym;
extern int medgate_ptrace_traceme(struct task_struct *parent, __u64 peer, __u64 profile) __ksym;
extern int medgate_task_kill(struct task_struct *p, __u32 sig, const struct cred *cred,
			     __u64 peer, __u64 profile) __ksym;
extern int medgate_inode_xattr(struct dentry *dentry, __u32 class, __u64 profile) __ksym;
extern int medgate_sb_reconfigure(struct super_block *sb, __u32 kind, __u64 profile) __ksym;
extern int medgate_key_permission(const struct cred *cred, __u32 serial, __u32 need_perm,
				  __u32 flags, __u64 profile) __ksym;
extern int medgate_key_alloc(__u64 profile) __ksym;
extern int medgate_inode_times(struct dentry *dentry, struct iattr *attr, __u64 profile) __ksym;

/*
 * What a program returns becomes the hook's result. 6.1 does not check it (a positive value from
 * file_open oopses), 6.12's verifier refuses to load a program whose result it cannot prove to be
 * 0 or -errno ([-MAX_ERRNO, 0], compared on the 32-bit value). The kfuncs return 0 or -errno;
 * anything else becomes -EPERM here, in 32-bit compares (the Makefile builds with -mcpu=v3, which
 * has them) on the very register returned, so that the verifier knows its bounds.
 */
static __always_inline int clamp(int ret)
{
	/*
	 * In C the compiler tests a copy and returns the original register, whose bounds the
	 * verifier then does not know; here the tests and the result are one 32-bit register.
	 */
	asm volatile("if %[r] s<= 0 goto +1;"
		     "%[r] = %[deny];"
		     "if %[r] s>= %[min] goto +1;"
		     "%[r] = %[deny];"
		     : [r] "+w"(ret)
		     : [deny] "i"(-EPERM), [min] "i"(-MAX_ERRNO));
	return ret;
}

/*
 * Looks up the current task's label. Returns 0 and sets *label (NULL for an unconfined task), or
 * -EPERM when the lookup failed for a task that may be confined.
 *
 * A task with no BPF storage at all has no label: that is the unconfined fast path, one load and
 * no helper call. A task with storage must have a label in this map; a NULL lookup then means the
 * per-CPU busy counter was held (or another tool's storage is all it has), and the request is
 * denied rather than treated as unconfined.
 */
static __always_inline int current_label(struct task_struct *task,
					 struct medgate_task_label **label)
{
	*label = NULL;
	if (!task->bpf_storage)
		return 0;
	*label = bpf_task_storage_get(&task_labels, task, 0, 0);
	return *label ? 0 : -EPERM;
}

/*
 * The profile id of @task (the current task) in *profile (0: unconfined). Returns -EPERM when
 * the label could not be read for a task that may be confined; the hook then denies.
 */
static __always_inline int task_profile(struct task_struct *task, __u64 *profile)
{
	struct medgate_task_label *label;
	int ret;

	ret = current_label(task, &label);
	*profile = !ret && label ? label->profile : 0;
	return ret;
}

/* Every file hook has this shape: unconfined returns at once, confined asks the module. */
#define CONFINED_CALL(call)						\
	({								\
		__u64 profile;						\
		int __ret = task_profile(bpf_get_current_task_btf(), &profile); \
		if (!__ret && profile)					\
			__ret = clamp(call);				\
		__ret;							\
	})

/*
 * Whether the current task runs with credentials the kernel put in place for an operation of its
 * own: overlayfs copying a file up under the mounter's credentials (its work and upper mounts
 * are private clones no walk from the task's root reaches), the firmware loader, the NFS id
 * mapper. Those checks are the kernel's, not the task's, and the file, capability, attribute and
 * key hooks let them pass; what the task asked for was decided before, under its own
 * credentials (its open of the overlay file, its load request).
 * Not in an io_uring thread: an io-wq worker overrides its credentials with the submitter's
 * whenever they differ from its own (the submitter got new ones after the worker was made), and
 * the SQPOLL thread with the ring creator's; what such a thread runs is a request of the task
 * whose label it carries. A ring personality overrides them in the submitter itself, and is
 * refused in a profile (hook_uring_override_creds). Not while dumping core: the dump overrides
 * credentials too, and writes where the task's working directory is.
 */
static __always_inline bool kernel_credentials(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return task->cred != task->real_cred && !(task->flags & (PF_IO_WORKER | PF_DUMPCORE));
}

/* The file hooks: the kernel's own operations pass (kernel_credentials()), then CONFINED_CALL. */
#define FILE_CALL(call) (kernel_credentials() ? 0 : CONFINED_CALL(call))

/* The label's flags go along: MEDGATE_LABEL_F_CHECK_INTERP decides the opens of an exec. */
SEC("lsm/file_open")
int BPF_PROG(hook_file_open, struct file *file)
{
	struct medgate_task_label *label;
	int ret = current_label(bpf_get_current_task_btf(), &label);

	if (ret || !label || !label->profile || kernel_credentials())
		return ret;
	return clamp(medgate_file_open(file, label->profile, label->flags));
}

/* An io_uring instance received would run its operations under its creator's label. */
SEC("lsm/file_receive")
int BPF_PROG(hook_file_receive, struct file *file)
{
	int ret = CONFINED_CALL(medgate_uring_receive(file, profile));

	return ret ? ret : CONFINED_CALL(medgate_file_receive(file, profile));
}

/* The fcntl commands that choose who gets a descriptor's I/O signals, and which (kmod/sigio.c). */
static __always_inline bool fcntl_sets_sigio(unsigned int cmd)
{
	switch (cmd) {
	case F_SETFL:
	case F_SETOWN:
	case F_SETOWN_EX:
	case F_SETSIG:
	case F_SETLEASE:
	case F_NOTIFY:
		return true;
	}
	return false;
}

/* F_SETFL may also clear O_APPEND (kmod/files.c). */
SEC("lsm/file_fcntl")
int BPF_PROG(hook_file_fcntl, struct file *file, unsigned int cmd, unsigned long arg)
{
	__u64 profile;
	int ret;

	/* Most fcntl commands concern neither decision: one label lookup, no call at all. */
	if (!fcntl_sets_sigio(cmd))
		return 0;
	ret = task_profile(bpf_get_current_task_btf(), &profile);
	if (ret || !profile)
		return ret;
	/* Clearing O_APPEND (medgate_file_fcntl() decides F_SETFL only). */
	if (cmd == F_SETFL) {
		ret = clamp(medgate_file_fcntl(file, cmd, arg, profile));
		if (ret)
			return ret;
	}
	return clamp(medgate_file_sigio(file, cmd, arg, profile));
}

/*
 * Descriptors bypass the open-time check when they were opened by someone else: inherited
 * across the exec into the profile, or opened by the parent before a fork. A descriptor opened
 * under the task's current credentials was checked at open; everything else is revalidated on
 * each read and write.
 */
SEC("lsm/file_permission")
int BPF_PROG(hook_file_permission, struct file *file, int mask)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 profile;
	int ret = task_profile(task, &profile);

	if (ret || !profile)
		return ret;
	if (file->f_cred == task->cred)
		return 0;
	return clamp(medgate_file_permission(file, mask, profile));
}

SEC("lsm/mmap_file")
int BPF_PROG(hook_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags)
{
	return CONFINED_CALL(medgate_mmap_file(file, prot, flags, profile));
}

SEC("lsm/file_mprotect")
int BPF_PROG(hook_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot)
{
	return CONFINED_CALL(medgate_file_mprotect(vma, prot, profile));
}

SEC("lsm/path_mknod")
int BPF_PROG(hook_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev)
{
	/*
	 * libbpf 1.1 compares kfunc prototypes kind by kind, and a struct this object only passes
	 * by pointer is emitted as a forward declaration, which does not match the kernel's
	 * struct. This CO-RE check (constant true after relocation) makes clang emit struct dentry
	 * in full.
	 */
	if (!bpf_core_type_exists(struct dentry))
		return -EPERM;
	return FILE_CALL(medgate_path_mknod(dir, dentry, mode, profile));
}

SEC("lsm/path_mkdir")
int BPF_PROG(hook_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode)
{
	return FILE_CALL(medgate_path_create(dir, dentry, profile));
}

SEC("lsm/path_symlink")
int BPF_PROG(hook_path_symlink, const struct path *dir, struct dentry *dentry,
	     const char *old_name)
{
	return FILE_CALL(medgate_path_create(dir, dentry, profile));
}

SEC("lsm/path_unlink")
int BPF_PROG(hook_path_unlink, const struct path *dir, struct dentry *dentry)
{
	return FILE_CALL(medgate_path_delete(dir, dentry, profile));
}

SEC("lsm/path_rmdir")
int BPF_PROG(hook_path_rmdir, const struct path *dir, struct dentry *dentry)
{
	return FILE_CALL(medgate_path_delete(dir, dentry, profile));
}

/* An exchange moves both entries: each direction needs the rename rights. */
SEC("lsm/path_rename")
int BPF_PROG(hook_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags)
{
	__u64 profile;
	int ret = task_profile(bpf_get_current_task_btf(), &profile);

	if (ret || !profile || kernel_credentials())
		return ret;
	ret = clamp(medgate_path_rename(old_dir, old_dentry, new_dir, new_dentry, profile));
	if (!ret && (flags & RENAME_EXCHANGE))
		ret = clamp(medgate_path_rename(new_dir, new_dentry, old_dir, old_dentry, profile));
	return ret;
}

SEC("lsm/path_link")
int BPF_PROG(hook_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry)
{
	return FILE_CALL(medgate_path_link(old_dentry, new_dir, new_dentry, profile));
}

SEC("lsm/path_chmod")
int BPF_PROG(hook_path_chmod, const struct path *path, umode_t mode)
{
	return FILE_CALL(medgate_path_setattr(path, profile));
}

/* The uid and gid (kuid_t/kgid_t, structs passed by value) are not needed: not declared here. */
SEC("lsm/path_chown")
int BPF_PROG(hook_path_chown, const struct path *path)
{
	return FILE_CALL(medgate_path_setattr(path, profile));
}

SEC("lsm/path_truncate")
int BPF_PROG(hook_path_truncate, const struct path *path)
{
	return FILE_CALL(medgate_path_truncate(path, profile));
}

/*
 * Fork and clone: the child inherits the parent's label. Runs in the parent's context with the
 * child not yet visible; failing here fails the fork, which is the only safe answer when a
 * confined parent's label cannot be copied. The namespaces the clone makes are decided here too,
 * from the kernel's copy of the flags (kmod/task.c), before they are made.
 */
SEC("lsm/task_alloc")
int BPF_PROG(hook_task_alloc, struct task_struct *child, unsigned long clone_flags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct medgate_task_label *parent, *copy;
	int ret;

	ret = current_label(task, &parent);
	if (ret)
		return -ENOMEM;
	if (!parent || !parent->profile)
		return 0;
	if (clone_flags & CLONE_NEW_NOT_USER) {
		ret = clamp(medgate_task_alloc(clone_flags, parent->profile));
		if (ret)
			return ret;
	}
	copy = bpf_task_storage_get(&task_labels, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!copy)
		return -ENOMEM;
	copy->profile = parent->profile;
	copy->pending = 0;
	copy->flags = 0;
	return 0;
}

/*
 * Exec, once per execve, before the point of no return: the module decides whether the program
 * may run under the current profile and which profile it runs in afterwards. The result is kept
 * as pending and committed only in bprm_committing_creds, so a failed exec changes nothing.
 */
SEC("lsm/bprm_creds_for_exec")
int BPF_PROG(hook_bprm_creds_for_exec, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct medgate_task_label *label, decision = {};
	int ret;

	ret = current_label(task, &label);
	if (ret)
		return ret;
	decision.profile = label ? label->profile : 0;
	ret = medgate_bprm_creds_for_exec(bprm, &decision);
	if (ret)
		return clamp(ret);
	if (!label) {
		if (!decision.pending)
			return 0;	/* unconfined and stays so: no storage needed */
		label = bpf_task_storage_get(&task_labels, task, 0,
					     BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!label)
			return -ENOMEM;
		label->profile = 0;
	}
	label->pending = decision.pending;
	label->flags |= MEDGATE_LABEL_F_PENDING;
	/* Decided anew for each exec: whether this exec's interpreters need x (kmod/exec.c). */
	label->flags &= ~MEDGATE_LABEL_F_CHECK_INTERP;
	label->flags |= decision.flags & MEDGATE_LABEL_F_CHECK_INTERP;
	/* The module decides when LD_PRELOAD and friends must not reach the new program. */
	if (decision.flags & MEDGATE_LABEL_F_SECURE_EXEC)
		bpf_bprm_opts_set(bprm, BPF_F_BPRM_SECUREEXEC);
	/*
	 * Entering another profile with an io_uring instance made under the old label would run
	 * the ring's operations under that label (kmod/uring.c). A refused exec never reaches
	 * bprm_committing_creds, so the pending profile set above is not committed; the next exec
	 * decides it anew. Checked again at bprm_committing_creds, where no other thread can add a
	 * descriptor any more.
	 */
	if (decision.pending && decision.pending != decision.profile)
		return clamp(medgate_exec_keeps_uring(bprm, decision.pending));
	return 0;
}

SEC("lsm/bprm_committing_creds")
int BPF_PROG(hook_bprm_committing_creds, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct medgate_task_label *label;

	label = bpf_task_storage_get(&task_labels, task, 0, 0);
	if (!label) {
		/*
		 * Past the point of no return this hook cannot fail the exec. If the lookup failed
		 * for a task that has storage, a pending profile change may be lost and the new
		 * program would run with the wrong label: kill it rather than fail open.
		 */
		if (BPF_CORE_READ(task, bpf_storage))
			bpf_send_signal(SIGKILL);
		return 0;
	}
	if (!(label->flags & MEDGATE_LABEL_F_PENDING))
		return 0;
	/*
	 * The descriptor table is private now and close-on-exec has run: an io_uring instance
	 * still held was added after bprm_creds_for_exec looked (by a thread sharing the table).
	 * The exec cannot fail any more; the task is killed, in its new profile.
	 */
	if (label->pending && label->pending != label->profile &&
	    medgate_exec_keeps_uring(bprm, label->pending))
		bpf_send_signal(SIGKILL);
	label->profile = label->pending;
	label->pending = 0;
	label->flags &= ~(MEDGATE_LABEL_F_PENDING | MEDGATE_LABEL_F_CHECK_INTERP);
	return 0;
}

/*
 * Changes of the mount tree and of the task's root (kmod/mount.c), decided by the profile's mount
 * and chroot rules; the task-level operations (kmod/task.c) by its class rules: user namespaces
 * (userns), the bpf() system call by command (bpf), and every capability (capability). Each
 * refusal is decided and audited by the module; complain mode reports and allows, except what
 * reaches medgate itself (kmod/decide.c, control_plane()).
 *
 * sb_mount is sleepable: the module looks up the source of a bind or move mount. Its char
 * pointers are plain numbers to the verifier, so the program copies the strings for the module.
 */
SEC("lsm.s/sb_mount")
int BPF_PROG(hook_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags)
{
	struct medgate_mount_args args = { .flags = flags };

	args.source_len = bpf_probe_read_kernel_str(args.source, sizeof(args.source), dev_name);
	args.fstype_len = bpf_probe_read_kernel_str(args.fstype, sizeof(args.fstype), type);
	return CONFINED_CALL(medgate_sb_mount(path, &args, sizeof(args), profile));
}

SEC("lsm/sb_umount")
int BPF_PROG(hook_sb_umount, struct vfsmount *mnt, int flags)
{
	/* As in hook_path_mknod: have clang emit struct vfsmount in full for libbpf 1.1. */
	if (!bpf_core_type_exists(struct vfsmount))
		return -EPERM;
	return CONFINED_CALL(medgate_sb_umount(mnt, profile));
}

/*
 * Whether the mount at @path has a parent, as do_move_mount() tells a move (attached) from an
 * attach (a detached mount). struct mount is private to fs/: the module cannot read it, CO-RE can.
 */
static __always_inline __u32 mount_attached(const struct path *path)
{
	unsigned long mnt = (unsigned long)path->mnt;
	struct mount *m = (struct mount *)(mnt - bpf_core_field_offset(struct mount, mnt));

	return BPF_CORE_READ(m, mnt_parent) != m;
}

SEC("lsm/move_mount")
int BPF_PROG(hook_move_mount, const struct path *from_path, const struct path *to_path)
{
	return CONFINED_CALL(medgate_move_mount(from_path, to_path, mount_attached(from_path),
						profile));
}

SEC("lsm/sb_pivotroot")
int BPF_PROG(hook_sb_pivotroot, const struct path *old_path, const struct path *new_path)
{
	return CONFINED_CALL(medgate_mount_path_op(new_path, MEDGATE_OP_MOUNT,
						   MEDGATE_MOUNT_PIVOT_ROOT, profile));
}

SEC("lsm/path_chroot")
int BPF_PROG(hook_path_chroot, const struct path *path)
{
	return CONFINED_CALL(medgate_mount_path_op(path, MEDGATE_OP_CHROOT, 0, profile));
}

SEC("lsm/userns_create")
int BPF_PROG(hook_userns_create, const struct cred *cred)
{
	return CONFINED_CALL(medgate_task_op(MEDGATE_OP_USERNS, 0, 0, profile));
}

SEC("lsm/bpf")
int BPF_PROG(hook_bpf, int cmd, union bpf_attr *attr, unsigned int size)
{
	return CONFINED_CALL(medgate_task_op(MEDGATE_OP_BPF, cmd, 0, profile));
}

/*
 * Kernel modules, firmware and kexec images, read from a file or passed in a buffer: decided by
 * the profile's kernel rules (the module maps the kernel's id to the class).
 */
SEC("lsm/kernel_read_file")
int BPF_PROG(hook_kernel_read_file, struct file *file, enum kernel_read_file_id id,
	     bool contents)
{
	return CONFINED_CALL(medgate_kernel_load(id, 0, profile));
}

SEC("lsm/kernel_load_data")
int BPF_PROG(hook_kernel_load_data, enum kernel_load_data_id id, bool contents)
{
	return CONFINED_CALL(medgate_kernel_load(id, 1, profile));
}

/*
 * Every capability a confined task uses is decided by its profile's capability rules. Called
 * very often, for every task: unconfined tasks cost the storage test; only checks of the current
 * task's own credentials are confinement matters. CAP_OPT_NOAUDIT marks a probe (the kernel
 * choosing a path by whether the task has the capability): decided without a record.
 */
SEC("lsm/capable")
int BPF_PROG(hook_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts)
{
	struct task_struct *task;
	__u64 profile;
	int ret;

	task = bpf_get_current_task_btf();
	ret = task_profile(task, &profile);
	if (ret || !profile)
		return ret;
	if (cred != task->cred || kernel_credentials())
		return 0;
	return clamp(medgate_task_op(MEDGATE_OP_CAPABILITY, cap, opts & CAP_OPT_NOAUDIT,
				     profile));
}

/*
 * Another task's profile in *profile (0: unconfined). Returns -EPERM when the label of a task
 * that has BPF storage could not be read; the hook then denies.
 */
static __always_inline int other_profile(struct task_struct *task, __u64 *profile)
{
	struct medgate_task_label *label;

	*profile = 0;
	if (!task->bpf_storage)
		return 0;
	label = bpf_task_storage_get(&task_labels, task, 0, 0);
	if (!label)
		return -EPERM;
	*profile = label->profile;
	return 0;
}

/*
 * An io_uring request submitted with a registered personality runs under the credentials that
 * were registered, not the task's current ones. A confined task may use a personality only while
 * it still has those very credentials (nothing is overridden then); anything else would run
 * requests under credentials it gave up, and with overridden credentials, which the hooks treat
 * as the kernel's own (xattr_call()). Refused in every mode (kmod/uring.c).
 */
SEC("lsm/uring_override_creds")
int BPF_PROG(hook_uring_override_creds, const struct cred *new)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (new == task->cred)
		return 0;
	return CONFINED_CALL(medgate_uring_override_creds(profile));
}

/*
 * One task acting on another (kmod/peer.c): a confined task may act on the tasks of its own
 * profile at once; anything else, unconfined targets included, is asked of the module. Sets
 * *profile and *peer; returns 1 when the module must decide, else 0 or -EPERM.
 */
static __always_inline int peer_needs_decision(struct task_struct *other, __u64 *profile,
					       __u64 *peer)
{
	int ret;

	ret = task_profile(bpf_get_current_task_btf(), profile);
	if (ret || !*profile)
		return ret;
	ret = other_profile(other, peer);
	if (ret)
		return ret;
	return *peer != *profile;
}

/* @other examined or changed with PTRACE_MODE_* @mode (kmod/peer.c). */
static __always_inline int decide_ptrace(struct task_struct *other, unsigned int mode)
{
	__u64 profile, peer;
	int ret = peer_needs_decision(other, &profile, &peer);

	if (ret != 1)
		return ret;
	return clamp(medgate_ptrace_access_check(other, mode, peer, profile));
}

/* Attach, /proc/PID/mem, process_vm_readv/writev, pidfd_getfd, kcmp, /proc/PID/{environ,fd,…} */
SEC("lsm/ptrace_access_check")
int BPF_PROG(hook_ptrace_access_check, struct task_struct *child, unsigned int mode)
{
	return decide_ptrace(child, mode);
}

/*
 * PTRACE_TRACEME: asked by the tracee, about its parent, the tracer to be. An unconfined parent
 * could attach anyway (unconfined tasks are never asked about), so it is let through.
 */
SEC("lsm/ptrace_traceme")
int BPF_PROG(hook_ptrace_traceme, struct task_struct *parent)
{
	__u64 profile, peer;
	int ret = peer_needs_decision(parent, &profile, &peer);

	if (ret != 1)
		return ret;
	if (!peer)
		return 0;
	return clamp(medgate_ptrace_traceme(parent, peer, profile));
}

/*
 * Changing another task's resource limits (prlimit: RLIMIT_CPU has the kernel kill it,
 * RLIMIT_NOFILE starves it), its nice value, I/O priority, scheduling policy or CPU affinity.
 * The kernel lets a root task do it to every other root task without a capability (same uid),
 * and no ptrace or signal check runs: decided as tracing the other task (kmod/peer.c), which is
 * what it amounts to. The task's own threads and its profile's tasks pass at once.
 */
static __always_inline int act_on_task(struct task_struct *p)
{
	return decide_ptrace(p, PTRACE_MODE_ATTACH);
}

SEC("lsm/task_setrlimit")
int BPF_PROG(hook_task_setrlimit, struct task_struct *p)
{
	return act_on_task(p);
}

SEC("lsm/task_setnice")
int BPF_PROG(hook_task_setnice, struct task_struct *p)
{
	return act_on_task(p);
}

SEC("lsm/task_setioprio")
int BPF_PROG(hook_task_setioprio, struct task_struct *p)
{
	return act_on_task(p);
}

SEC("lsm/task_setscheduler")
int BPF_PROG(hook_task_setscheduler, struct task_struct *p)
{
	return act_on_task(p);
}

/*
 * Signals a task sends (kill, tkill, pidfd_send_signal, sigqueue). Signal 0 only tests that the
 * target exists and is let through. @cred, set when the signal is sent for other credentials, is
 * tested by the module, not here: 6.12's verifier takes an LSM hook's pointer arguments for
 * non-NULL and drops a branch on "cred != NULL" as always taken, which let every signal through.
 */
SEC("lsm/task_kill")
int BPF_PROG(hook_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred)
{
	__u64 profile, peer;
	int ret;

	/* As in hook_path_mknod: have clang emit struct cred in full for libbpf 1.1. */
	if (!bpf_core_type_exists(struct cred))
		return -EPERM;
	if (!sig)
		return 0;
	ret = peer_needs_decision(p, &profile, &peer);
	if (ret != 1)
		return ret;
	return clamp(medgate_task_kill(p, sig, cred, peer, profile));
}

/* The requests kmod/ioctl.c decides; every other ioctl is allowed here at once. */
static __always_inline bool ioctl_decided(unsigned int cmd)
{
	switch (cmd) {
	case TIOCSTI:
	case TIOCLINUX:
	case VT_ACTIVATE:
	case VT_SETACTIVATE:
	case KDSKBENT:
	case KDSKBSENT:
	case KDSETKEYCODE:
	case KDSKBDIACR:
	case KDSKBDIACRUC:
	case FS_IOC_SETFLAGS:
	case FS_IOC32_SETFLAGS:
	case FS_IOC_SETVERSION:
	case FS_IOC32_SETVERSION:
	case FS_IOC_FSSETXATTR:
		return true;
	}
	return false;
}

/*
 * The ioctl forms of F_SETOWN and O_ASYNC, and TIOCSIG, a signal to the foreground process group
 * of a pseudo-terminal's other side (kmod/sigio.c).
 */
static __always_inline bool ioctl_sets_sigio(unsigned int cmd)
{
	return cmd == FIOSETOWN || cmd == SIOCSPGRP || cmd == FIOASYNC || cmd == TIOCSIG;
}

/* Only TIOCSIG's argument is a value (the signal); the others point to user memory. */
SEC("lsm/file_ioctl")
int BPF_PROG(hook_file_ioctl, struct file *file, unsigned int cmd, unsigned long arg)
{
	if (ioctl_sets_sigio(cmd))
		return CONFINED_CALL(medgate_file_sigio(file, cmd, cmd == TIOCSIG ? arg : 0,
							profile));
	if (!ioctl_decided(cmd))
		return 0;
	return CONFINED_CALL(medgate_file_ioctl(file, cmd, profile));
}

/* A 32-bit task's ioctl (6.1 stable and later kernels; the loader skips it where missing). */
SEC("lsm/file_ioctl_compat")
int BPF_PROG(hook_file_ioctl_compat, struct file *file, unsigned int cmd, unsigned long arg)
{
	if (ioctl_sets_sigio(cmd))
		return CONFINED_CALL(medgate_file_sigio(file, cmd, cmd == TIOCSIG ? arg : 0,
							profile));
	if (!ioctl_decided(cmd))
		return 0;
	return CONFINED_CALL(medgate_file_ioctl(file, cmd, profile));
}

/* Whether the NUL-terminated @s starts with @prefix (a literal). */
#define HAS_PREFIX(s, prefix) has_prefix(s, prefix, sizeof(prefix) - 1)
static __always_inline bool has_prefix(const char *s, const char *prefix, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i] != prefix[i])
			return false;
	return true;
}

static __always_inline __u32 xattr_class(const char *name)
{
	char buf[24] = {};

	if (bpf_probe_read_kernel_str(buf, sizeof(buf), name) < 0)
		return MEDGATE_XATTR_OTHER;
	if (HAS_PREFIX(buf, "user."))
		return MEDGATE_XATTR_USER;
	if (HAS_PREFIX(buf, "trusted."))
		return MEDGATE_XATTR_TRUSTED;
	if (HAS_PREFIX(buf, "security."))
		return MEDGATE_XATTR_SECURITY;
	if (HAS_PREFIX(buf, "system.posix_acl_"))
		return MEDGATE_XATTR_ACL;
	return MEDGATE_XATTR_OTHER;
}

/* Extended attributes (kmod/xattr.c); what the kernel changes for itself passes. */
static __always_inline int xattr_call(struct dentry *dentry, __u32 class)
{
	if (kernel_credentials())
		return 0;
	return CONFINED_CALL(medgate_inode_xattr(dentry, class, profile));
}

/* The first argument is a user namespace on 6.1 and an idmap on 6.12: not used. */
SEC("lsm/inode_setxattr")
int BPF_PROG(hook_inode_setxattr, void *idmap, struct dentry *dentry, const char *name)
{
	return xattr_call(dentry, xattr_class(name));
}

SEC("lsm/inode_removexattr")
int BPF_PROG(hook_inode_removexattr, void *idmap, struct dentry *dentry, const char *name)
{
	return xattr_call(dentry, xattr_class(name));
}

/* POSIX ACLs have hooks of their own from 6.2 (the loader skips these where missing). */
SEC("lsm/inode_set_acl")
int BPF_PROG(hook_inode_set_acl, void *idmap, struct dentry *dentry)
{
	return xattr_call(dentry, MEDGATE_XATTR_ACL);
}

SEC("lsm/inode_remove_acl")
int BPF_PROG(hook_inode_remove_acl, void *idmap, struct dentry *dentry)
{
	return xattr_call(dentry, MEDGATE_XATTR_ACL);
}

/*
 * A file's times set to chosen values (kmod/times.c); the module lets every other change
 * through. Changes made under overridden credentials pass as for extended attributes.
 */
static __always_inline int times_call(struct dentry *dentry, struct iattr *attr)
{
	if (kernel_credentials())
		return 0;
	return CONFINED_CALL(medgate_inode_times(dentry, attr, profile));
}

/*
 * The hook's arguments changed after 6.1 (6.12 has an idmap first): one program for each form, and
 * the loader keeps the one whose argument count matches the kernel's (user/medgated/hooks.c).
 */
SEC("lsm/inode_setattr")
int BPF_PROG(hook_inode_setattr, struct dentry *dentry, struct iattr *attr)
{
	return times_call(dentry, attr);
}

SEC("lsm/inode_setattr")
int BPF_PROG(hook_inode_setattr_idmap, void *idmap, struct dentry *dentry, struct iattr *attr)
{
	return times_call(dentry, attr);
}

/* Remounts (mount -o remount, fspick + fsconfig reconfigure) and new superblocks (fsmount). */
SEC("lsm/sb_remount")
int BPF_PROG(hook_sb_remount, struct super_block *sb, void *mnt_opts)
{
	/* As in hook_path_mknod: have clang emit struct super_block in full for libbpf 1.1. */
	if (!bpf_core_type_exists(struct super_block))
		return -EPERM;
	return CONFINED_CALL(medgate_sb_reconfigure(sb, MEDGATE_MOUNT_REMOUNT, profile));
}

SEC("lsm/sb_kern_mount")
int BPF_PROG(hook_sb_kern_mount, struct super_block *sb)
{
	return CONFINED_CALL(medgate_sb_reconfigure(sb, MEDGATE_MOUNT_NEW, profile));
}

/*
 * Kernel keys (kmod/key.c). The map key is the key's address, read from the program's context
 * as a number: the verifier refuses arithmetic on pointers (a key_ref_t carries the
 * "possessed" flag in its low bit) and refuses to load key_ref_t at all, which points to a
 * structure the kernel never defines.
 */
static __always_inline __u64 key_address(void *ctx)
{
	__u64 addr = 0;

	if (bpf_probe_read_kernel(&addr, sizeof(addr), ctx))
		return 0;
	return addr & ~1ULL;
}

/*
 * A key or keyring being made: recorded as the making task's profile's. Keys an unconfined task
 * makes, and a user's user and user-session keyrings (shared by every process of that user,
 * whichever made them first), belong to no profile; their address is cleared, so that an entry
 * whose free was missed (a tracing program may be skipped when it would recurse) never hands
 * a later key at the same address to a profile. Keyrings the kernel makes lazily for the task
 * (its process, thread and new session keyrings) are made in its context and are its own.
 */
SEC("lsm/key_alloc")
int BPF_PROG(hook_key_alloc, struct key *key, const struct cred *cred, unsigned long flags)
{
	__u64 addr = key_address(ctx), profile;
	int ret;

	ret = task_profile(bpf_get_current_task_btf(), &profile);
	if (ret)
		return ret;
	if (!addr)
		return profile ? -EPERM : 0;
	if (!profile || (flags & KEY_ALLOC_UID_KEYRING)) {
		bpf_map_delete_elem(&key_owners, &addr);
		return 0;
	}
	if (!bpf_map_update_elem(&key_owners, &addr, &profile, BPF_ANY))
		return 0;
	bpf_map_delete_elem(&key_owners, &addr);
	__sync_fetch_and_add(&key_owners_full, 1);
	return clamp(medgate_key_alloc(profile));
}

/*
 * A key is freed. 6.1 has a key_free hook, 6.12 does not (the LSM key blob is freed by the
 * framework), but both free every key through security_key_free(): one tracing program serves
 * both. Only the map's room depends on it; hook_key_alloc clears stale addresses itself.
 */
SEC("fentry/security_key_free")
int BPF_PROG(trace_security_key_free, struct key *key)
{
	__u64 addr = key_address(ctx);

	if (addr)
		bpf_map_delete_elem(&key_owners, &addr);
	return 0;
}

/* Whether @key (read with probes) is a keyring: its type's name. */
static __always_inline bool is_keyring(struct key *key)
{
	char name[9] = {};

	if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(key, type, name)) < 0)
		return false;
	return HAS_PREFIX(name, "keyring") && !name[7];
}

/*
 * A key used: a confined task's own profile's keys pass at once (links excepted); anything else
 * is asked of the module. Checks made while the task's credentials are overridden are the
 * kernel's own (the NFS id mapper searching and filling its keyring under a credential of its
 * own), as in xattr_call().
 */
SEC("lsm/key_permission")
int BPF_PROG(hook_key_permission, key_ref_t key_ref, const struct cred *cred,
	     enum key_need_perm need_perm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 addr, profile, *owner;
	__u32 flags = 0;
	struct key *key;
	int ret;

	ret = task_profile(task, &profile);
	if (ret || !profile)
		return ret;
	if (task->cred != task->real_cred && !(task->flags & PF_IO_WORKER))
		return 0;
	addr = key_address(ctx);
	owner = addr ? bpf_map_lookup_elem(&key_owners, &addr) : NULL;
	/* A link of its own key may hand its session keyring to its parent (kmod/key.c). */
	if (owner && *owner == profile) {
		if (need_perm != KEY_NEED_LINK)
			return 0;
		flags |= MEDGATE_KEY_F_OWN;
	}
	key = (struct key *)addr;
	if (is_keyring(key))
		flags |= MEDGATE_KEY_F_KEYRING;
	return clamp(medgate_key_permission(cred, BPF_CORE_READ(key, serial), need_perm, flags,
					    profile));
}

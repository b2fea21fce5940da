// SPDX-License-Identifier: GPL-2.0
/*
 * Which namespaces the current system call enters or makes, for the namespace class.
 *
 * Neither 6.1 nor 6.12 has an LSM hook for setns() or unshare(). What runs on their path is the
 * capability check: every namespace type except a new user namespace needs CAP_SYS_ADMIN
 * (setns() of a mount namespace also CAP_SYS_CHROOT), checked through security_capable() while
 * the task is inside the system call. When the capable hook sees one of those two capabilities,
 * this file reads the system call the task is making (number and arguments from its saved user
 * registers, the architecture's own helpers) and names the namespace types it asks for; the
 * check is then decided by the profile's namespace rules instead of its capability rules.
 *
 * A 32-bit task's system calls have numbers of their own (the compat entry): they are mapped to
 * the native ones first, on x86_64 (ia32 and x32) and arm64. Anything this cannot name (another
 * system call, a compat task on another architecture, clone3() arguments that cannot be read
 * without sleeping) returns 0, and the check stays a capability decision: CAP_SYS_ADMIN, which a
 * profile rarely grants. That is the fail-closed direction.
 *
 * clone3() passes its flags in user memory, which the kernel copied before this check; another
 * thread may have changed them since, so what is read here may not be what the kernel makes.
 * The namespaces of clone() and clone3() are therefore also decided at task_alloc, from the
 * kernel's own copy of the flags (medgate_namespace_types()), before the child's namespaces are
 * made: whatever this file reads for the capability check, a namespace no rule allows is not
 * made.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <uapi/linux/sched.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <uapi/linux/medgate.h>
#include "namespace.h"

/**
 * medgate_namespace_types() - the namespace types CLONE_NEW* flags ask for.
 * @clone_flags: the flags.
 *
 * Return: a set of (1 << enum medgate_namespace_type), the class rule's detail bits.
 */
u32 medgate_namespace_types(u64 clone_flags)
{
	static const struct {
		unsigned long clone;
		u32 type;
	} map[] = {
		{ CLONE_NEWNS, MEDGATE_NS_MNT }, { CLONE_NEWUTS, MEDGATE_NS_UTS },
		{ CLONE_NEWIPC, MEDGATE_NS_IPC }, { CLONE_NEWNET, MEDGATE_NS_NET },
		{ CLONE_NEWPID, MEDGATE_NS_PID }, { CLONE_NEWCGROUP, MEDGATE_NS_CGROUP },
		{ CLONE_NEWTIME, MEDGATE_NS_TIME }, { CLONE_NEWUSER, MEDGATE_NS_USER },
	};
	u32 bits = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (clone_flags & map[i].clone)
			bits |= 1U << map[i].type;
	return bits;
}

/*
 * setns(fd, 0) takes the type from the namespace file @fd refers to. The system call holds a
 * reference to that file for its whole duration, so looking it up again under RCU is safe.
 */
static unsigned long setns_file_type(int fd)
{
	struct files_struct *files = current->files;
	unsigned long type = 0;
	struct file *file;

	if (!files || fd < 0)
		return 0;
	rcu_read_lock();
	file = files_lookup_fd_raw(files, fd);
	if (file && file_inode(file)->i_sb->s_magic == NSFS_MAGIC)
		type = get_proc_ns(file_inode(file))->ops->type;
	rcu_read_unlock();
	return type;
}

/*
 * The 32-bit numbers of the system calls read here. arm64's headers spell the 32-bit ARM ones
 * as native names (asm/unistd32.h), so they are written out; they are fixed by the ABI.
 */
#if defined(CONFIG_X86_64)
#define COMPAT_NR_UNSHARE	__NR_ia32_unshare
#define COMPAT_NR_CLONE		__NR_ia32_clone
#define COMPAT_NR_CLONE3	__NR_ia32_clone3
#define COMPAT_NR_SETNS		__NR_ia32_setns
#elif defined(CONFIG_ARM64)
#define COMPAT_NR_UNSHARE	337
#define COMPAT_NR_CLONE		120
#define COMPAT_NR_CLONE3	435
#define COMPAT_NR_SETNS		375
#endif

/* The native number of the current system call, or -1 for a compat one this file cannot name. */
static long native_nr(struct pt_regs *regs)
{
	long nr = syscall_get_nr(current, regs);

	if (!in_compat_syscall())
		return nr;
#if defined(CONFIG_X86_64)
	/* x32 uses the native numbers with a bit of its own. */
	if (!in_ia32_syscall())
		return nr & ~__X32_SYSCALL_BIT;
#endif
#ifdef COMPAT_NR_UNSHARE
	switch (nr) {
	case COMPAT_NR_UNSHARE:	return __NR_unshare;
	case COMPAT_NR_CLONE:	return __NR_clone;
	case COMPAT_NR_CLONE3:	return __NR_clone3;
	case COMPAT_NR_SETNS:	return __NR_setns;
	}
#endif
	return -1;
}

/**
 * medgate_namespace_request() - the namespaces a capability check of the current task is for.
 * @cap: the capability being checked.
 *
 * Creating a user namespace (unshare or clone with CLONE_NEWUSER) has a hook of its own
 * (userns_create, the userns rule) and is left out; joining one with setns() is named.
 *
 * Return: a set of (1 << enum medgate_namespace_type), or 0 when @cap is not checked for
 * entering or making a namespace (the caller decides the capability itself).
 */
u32 medgate_namespace_request(int cap)
{
	struct pt_regs *regs;
	unsigned long args[6];
	u64 clone3_flags;
	u32 user = 1U << MEDGATE_NS_USER;

	if (cap != CAP_SYS_ADMIN && cap != CAP_SYS_CHROOT)
		return 0;
	if (current->flags & (PF_KTHREAD | PF_IO_WORKER))
		return 0;
	regs = task_pt_regs(current);
	syscall_get_arguments(current, regs, args);
	switch (native_nr(regs)) {
	case __NR_unshare:
	case __NR_clone:
		return medgate_namespace_types(args[0]) & ~user;
	case __NR_clone3:
		/* struct clone_args starts with the u64 flags. */
		if (copy_from_user_nofault(&clone3_flags, (const void __user *)args[0],
					   sizeof(clone3_flags)))
			return 0;
		return medgate_namespace_types(clone3_flags) & ~user;
	case __NR_setns:
		return medgate_namespace_types(args[1] ? args[1] : setns_file_type((int)args[0]));
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Task-level operations, exported as the kfuncs of their hooks: user namespaces (which would
 * allow mounts without privilege), the bpf() system call (labels are BPF storage), kernel code
 * loading, and every capability. Each is decided by the profile's class rules (kmod/decide.c,
 * medgate_decide_class()): capabilities by name, namespaces by type, bpf() and user namespaces
 * by a rule of their own. Mounts and chroot are kmod/mount.c.
 *
 * Each kfunc returns 0 (allowed, or complain mode) or -EPERM.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/security.h>
#include "decide.h"
#include "mount.h"
#include "namespace.h"

static int decide_task_op(u64 profile, u32 op, u32 detail, bool quiet)
{
	struct medgate_request req = { .op = op, .access = detail };

	return medgate_decide_class_once(profile, &req, quiet);
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/*
 * userns_create (MEDGATE_OP_USERNS), bpf (MEDGATE_OP_BPF) and capable (MEDGATE_OP_CAPABILITY,
 * @detail the capability number). @quiet: a capability the kernel only probes (CAP_OPT_NOAUDIT),
 * decided without a record.
 *
 * A capability checked because the task enters or makes namespaces (kmod/namespace.c) is
 * decided by the namespace rules instead, every type it asks for; the first refused type is
 * recorded and refuses the check. The one mount_setattr() makes is decided as a mount
 * (kmod/mount.c).
 */
noinline int medgate_task_op(u32 op, u32 detail, u32 quiet, u64 profile)
{
	u32 types, type;
	int ret;

	if (!medgate_kfunc_callable(profile, op == MEDGATE_OP_CAPABILITY ||
					     op == MEDGATE_OP_USERNS || op == MEDGATE_OP_BPF))
		return -EPERM;
	if (op == MEDGATE_OP_CAPABILITY && medgate_mount_setattr_request(detail))
		return decide_task_op(profile, MEDGATE_OP_MOUNT, MEDGATE_MOUNT_REMOUNT, quiet);
	types = op == MEDGATE_OP_CAPABILITY ? medgate_namespace_request(detail) : 0;
	if (!types)
		return decide_task_op(profile, op, detail, quiet);
	for (type = 0; type <= MEDGATE_NS_LAST; type++) {
		if (!(types & (1U << type)))
			continue;
		ret = decide_task_op(profile, MEDGATE_OP_NAMESPACE, type, quiet);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * task_alloc: the namespaces a clone() or clone3() of the current task makes, from the kernel's
 * copy of its flags (clone3()'s in user memory could have been changed since: kmod/namespace.c).
 * Runs before the child's namespaces are made; a type no namespace rule allows fails the clone.
 * A new user namespace is the userns rule's, decided by userns_create.
 */
noinline int medgate_task_alloc(u64 clone_flags, u64 profile)
{
	u32 types, type;
	int ret;

	if (!medgate_kfunc_callable(profile, true))
		return -EPERM;
	types = medgate_namespace_types(clone_flags) & ~(1U << MEDGATE_NS_USER);
	for (type = 0; type <= MEDGATE_NS_LAST; type++) {
		if (!(types & (1U << type)))
			continue;
		ret = decide_task_op(profile, MEDGATE_OP_NAMESPACE, type, false);
		if (ret)
			return ret;
	}
	return 0;
}

/* enum kernel_read_file_id or enum kernel_load_data_id (kept in step) to enum medgate_kernel_load. */
static int kernel_load_class(u32 id, bool data)
{
	if (data) {
		switch (id) {
		case LOADING_MODULE:		return MEDGATE_KLOAD_MODULE;
		case LOADING_FIRMWARE:		return MEDGATE_KLOAD_FIRMWARE;
		case LOADING_KEXEC_IMAGE:
		case LOADING_KEXEC_INITRAMFS:	return MEDGATE_KLOAD_KEXEC;
		}
		return -1;
	}
	switch (id) {
	case READING_MODULE:		return MEDGATE_KLOAD_MODULE;
	case READING_FIRMWARE:		return MEDGATE_KLOAD_FIRMWARE;
	case READING_KEXEC_IMAGE:
	case READING_KEXEC_INITRAMFS:	return MEDGATE_KLOAD_KEXEC;
	}
	return -1;
}

/*
 * kernel_read_file (@data 0: a module, firmware or kexec image read from a file) and
 * kernel_load_data (@data 1: from a buffer), @id the kernel's enum. These run after the
 * capability check (CAP_SYS_MODULE, CAP_SYS_BOOT), so a profile needs both the capability and
 * the kernel rule. Other ids (an IMA policy, a certificate) are not loaded code; they are left to
 * the file rules and capabilities that guard them.
 */
noinline int medgate_kernel_load(u32 id, u32 data, u64 profile)
{
	int class = kernel_load_class(id, data);

	if (!medgate_kfunc_callable(profile, true))
		return -EPERM;
	if (class < 0)
		return 0;
	return decide_task_op(profile, MEDGATE_OP_KERNEL_LOAD, class, false);
}

__diag_pop();

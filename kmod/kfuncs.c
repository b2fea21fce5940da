// SPDX-License-Identifier: GPL-2.0
/*
 * Registration of the decisions exported to the BPF-LSM hook programs as kfuncs. Each kfunc is
 * defined with its hook family (kmod/files.c, kmod/exec.c, kmod/task.c, kmod/mount.c,
 * kmod/uring.c, kmod/peer.c, kmod/ioctl.c, kmod/xattr.c, kmod/key.c, kmod/times.c) and named
 * after the hook it serves.
 *
 * Any tracing program may call a kfunc registered for BPF_PROG_TYPE_LSM (on 6.1 LSM and tracing
 * programs share one kfunc hook), from any context including NMI. So: nothing exported changes
 * kernel state (labels live in the BPF programs' own storage, the policy changes only through
 * netlink); each kfunc refuses to run outside task context and checks every pointer; each returns
 * 0 or -errno, never a positive value, because 6.1 does not check what an LSM program returns.
 *
 * They are not KF_TRUSTED_ARGS: on 6.1 that makes the verifier reject plain hook arguments.
 * 6.12 would accept them (it trusts the arguments of most LSM hooks), and untagged kfuncs are
 * accepted there too, so one set of flags serves both.
 *
 * Newer kernels (6.12 among them) refuse to register (-EINVAL) a set that is not tagged as
 * kfuncs, which is what BTF_KFUNCS_START does; where the macro does not exist (6.1) the plain
 * BTF_SET8 is what the kernel expects.
 */
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/module.h>
#include "kfuncs.h"

#ifdef BTF_KFUNCS_START
BTF_KFUNCS_START(medgate_kfunc_ids)
#else
BTF_SET8_START(medgate_kfunc_ids)
#endif
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
BTF_ID_FLAGS(func, medgate_task_alloc)
BTF_ID_FLAGS(func, medgate_kernel_load)
BTF_ID_FLAGS(func, medgate_sb_mount, KF_SLEEPABLE)
BTF_ID_FLAGS(func, medgate_move_mount)
BTF_ID_FLAGS(func, medgate_mount_path_op)
BTF_ID_FLAGS(func, medgate_sb_umount)
BTF_ID_FLAGS(func, medgate_exec_keeps_uring)
BTF_ID_FLAGS(func, medgate_uring_receive)
BTF_ID_FLAGS(func, medgate_uring_override_creds)
BTF_ID_FLAGS(func, medgate_file_sigio)
BTF_ID_FLAGS(func, medgate_path_mknod)
BTF_ID_FLAGS(func, medgate_file_ioctl)
BTF_ID_FLAGS(func, medgate_ptrace_access_check)
BTF_ID_FLAGS(func, medgate_ptrace_traceme)
BTF_ID_FLAGS(func, medgate_task_kill)
BTF_ID_FLAGS(func, medgate_inode_xattr)
BTF_ID_FLAGS(func, medgate_inode_times)
BTF_ID_FLAGS(func, medgate_sb_reconfigure)
BTF_ID_FLAGS(func, medgate_key_permission)
BTF_ID_FLAGS(func, medgate_key_alloc)
#ifdef BTF_KFUNCS_END
BTF_KFUNCS_END(medgate_kfunc_ids)
#else
BTF_SET8_END(medgate_kfunc_ids)
#endif

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

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
#include <linux/module.h>
#include <linux/preempt.h>
#include "blob.h"
#include "files.h"
#include "kfuncs.h"

__diag_push();
__diag_ignore_all("-Wmissing-prototypes",
		  "kfuncs are global for BTF but have no callers in C");

/**
 * medgate_file_open() - may the current task, confined in @profile, open @file?
 * @file: the file being opened (the file_open hook's argument).
 * @profile: the task's profile id, from its label.
 * Return: 0 to allow, -EACCES to deny, -EPERM when called from a context it does not serve.
 */
noinline int medgate_file_open(struct file *file, u64 profile)
{
	if (!in_task() || !file || !profile)
		return -EPERM;
	return medgate_decide_file_open(file, profile);
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
BTF_ID_FLAGS(func, medgate_bprm_creds_for_exec)
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

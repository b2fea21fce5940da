// SPDX-License-Identifier: GPL-2.0
/*
 * The exec decision, exported as the kfunc of the bprm_creds_for_exec hook: called once per
 * execve, before the point of no return. It decides two things from one policy snapshot:
 *  - whether the program may run: a confined task needs an allow rule with x on the file actually
 *    executed (bprm->file, reached after following symlinks); the loader and interpreter the
 *    kernel opens for it belong to this decision (kmod/files.c, opened_for_this_exec());
 *  - the profile the program runs in: a confined task stays or moves as the allowing rule says;
 *    an unconfined task enters the profile whose attachment names the file, if any.
 * The BPF side keeps the answer as pending and commits it at bprm_committing_creds.
 * A profile change is refused while the task is being traced, so a debugger cannot carry its
 * control into another profile, and while a task outside the thread group shares its file
 * system information (CLONE_FS).
 *
 * Secure-exec (AT_SECURE: the loader ignores LD_PRELOAD, LD_LIBRARY_PATH and friends) is asked
 * for when a confined task moves to another profile: the caller's environment must not inject
 * code into a profile with other rights. An unconfined task entering a profile had more rights
 * than the profile gives and gains nothing by injecting code, so its environment is kept (a
 * vendor service started with its own library path keeps working). An exec rule may choose
 * otherwise: scrub-env asks for it on any exec it allows, keep-env never (docs/decisions.md).
 */
#include <linux/binfmts.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <medgate/label.h>
#include "decide.h"

/* Whether the exec @rule allows (NULL: an attachment or complain mode) runs as secure-exec. */
static bool secure_exec(const struct medgate_blob_rule *rule, u64 from, u64 to)
{
	if (rule && (rule->flags & MEDGATE_RULE_F_KEEP_ENV))
		return false;
	if (rule && (rule->flags & MEDGATE_RULE_F_SCRUB_ENV))
		return true;
	return from && to != from;
}

/*
 * May the task's profile change the content at @path (write it, or create it after removing or
 * renaming the file there), by its rules? Asked without a record: it only decides whether the
 * exec's interpreters need their own x (MEDGATE_LABEL_F_CHECK_INTERP). A path that cannot be
 * resolved was denied already.
 */
static bool profile_may_author(const struct medgate_decision *d, const char *path)
{
	struct medgate_match m;

	if (!d->prof || IS_ERR_OR_NULL(path))
		return true;
	medgate_match_file(&d->pol->view, d->prof, path, MEDGATE_ACCESS_WRITE, &m);
	if (m.allowed)
		return true;
	medgate_match_file(&d->pol->view, d->prof, path, MEDGATE_ACCESS_CREATE, &m);
	return m.allowed;
}

/* Decides the exec of @bprm for a task in profile @from (0: unconfined); sets @label's output. */
static int decide_exec(const struct medgate_decision *d, struct linux_binprm *bprm,
		       struct medgate_task_label *label)
{
	struct medgate_request req = {
		.op = MEDGATE_OP_EXEC, .access = MEDGATE_ACCESS_EXEC,
		.inode = file_inode(bprm->file),
	};
	const struct medgate_blob_rule *rule = NULL;
	u64 from = label->profile, to = 0;
	struct medgate_match m;
	int ret;

	req.path = medgate_path_resolve(&bprm->file->f_path, d->bufs->src);
	if (from) {
		ret = medgate_decide(d, &req, &m);
		if (ret)
			return ret;
		to = m.exec_mode == MEDGATE_EXEC_MOVE ? m.target : from;
		if (m.rule < d->pol->view.hdr->n_rules)
			rule = &d->pol->view.rules[m.rule];
	} else if (d->pol && !IS_ERR(req.path)) {
		const struct medgate_blob_profile *p = medgate_match_attach(&d->pol->view, req.path);

		to = p ? p->id : 0;
	}

	/*
	 * A profile change is refused while another task could act inside the new profile with
	 * the old one's rights: a tracer (ptrace), or a task outside this thread group sharing
	 * the file system information (clone(CLONE_FS): it could move the new profile's cwd and
	 * root, which every path decision is relative to). The kernel reports both in
	 * bprm->unsafe before this hook runs; AppArmor and SELinux refuse the same transitions.
	 */
	if (to != from &&
	    (current->ptrace || (bprm->unsafe & (LSM_UNSAFE_SHARE | LSM_UNSAFE_PTRACE)))) {
		memset(&m, 0, sizeof(m));
		m.rule = MEDGATE_RULE_NONE;
		medgate_report(d, &req, &m, MEDGATE_VERDICT_DENY, -EPERM);
		return -EPERM;
	}
	label->pending = to;
	/*
	 * A program the caller's profile may write names its own #! interpreter and ELF loader:
	 * without this, any executable on the system would run under an exec rule for a file the
	 * profile can write (kmod/files.c, medgate_file_open()).
	 */
	if (from && profile_may_author(d, req.path))
		label->flags |= MEDGATE_LABEL_F_CHECK_INTERP;
	if (secure_exec(rule, from, to))
		label->flags |= MEDGATE_LABEL_F_SECURE_EXEC;
	return 0;
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/**
 * medgate_bprm_creds_for_exec() - may the current task run @bprm, and in which profile?
 * @bprm: the exec in progress.
 * @label: in: @label->profile is the task's profile (0 unconfined: unconfined tasks call this
 *         too, for their attachments); out: @label->pending, and MEDGATE_LABEL_F_SECURE_EXEC in
 *         @label->flags when the program must run as secure-exec.
 *
 * Return: 0 to allow, -EACCES (no rule) or -EPERM (traced, nested, or bad arguments) to deny.
 */
noinline int medgate_bprm_creds_for_exec(struct linux_binprm *bprm,
					 struct medgate_task_label *label)
{
	struct medgate_decision d;
	int ret;

	if (!in_task() || !bprm || !bprm->file || !label)
		return -EPERM;
	if (!medgate_decision_enter(&d, label->profile))
		return -EPERM;
	ret = decide_exec(&d, bprm, label);
	medgate_decision_exit(&d);
	return ret;
}

__diag_pop();

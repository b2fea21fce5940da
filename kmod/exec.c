// SPDX-License-Identifier: GPL-2.0
/*
 * Decision for exec (DESIGN trap 6). Called from bprm_creds_for_exec, once per execve, before
 * the point of no return. It decides two things from one policy snapshot:
 *  - whether the program may run: a confined task needs an allow rule with x on the file actually
 *    executed (bprm->file, reached after following symlinks);
 *  - the profile the program runs in: a confined task stays or moves as the allowing rule says;
 *    an unconfined task enters the profile whose attachment names the file, if any.
 * The BPF side keeps the answer as pending and commits it at bprm_committing_creds.
 * A profile change is refused while the task is being traced, so a debugger cannot carry its
 * control into another profile.
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
#include <linux/rcupdate.h>
#include "decide.h"
#include "files.h"
#include "path.h"

int medgate_decide_exec(struct linux_binprm *bprm, struct medgate_task_label *label)
{
	struct medgate_request req = { .op = MEDGATE_OP_EXEC, .access = MEDGATE_ACCESS_EXEC };
	const struct medgate_policy *pol;
	struct medgate_path_bufs *b;
	struct medgate_match m;
	const struct medgate_blob_rule *rule = NULL;
	u64 pending = 0;
	bool scrub;
	int ret = 0;

	if (WARN_ON_ONCE(!bprm || !bprm->file || !label))
		return -EACCES;
	req.profile_id = label->profile;
	b = medgate_path_buffers_get();
	if (!b)
		return -EPERM;
	req.path = medgate_path_resolve(&bprm->file->f_path, b->src);
	rcu_read_lock();
	pol = medgate_policy_current();

	if (label->profile) {
		ret = medgate_decide(pol, &req, &m);
		if (ret)
			goto out;
		pending = m.exec_mode == MEDGATE_EXEC_MOVE ? m.target : label->profile;
		if (m.rule < pol->view.hdr->n_rules)
			rule = &pol->view.rules[m.rule];
	} else if (pol && !IS_ERR(req.path)) {
		const struct medgate_blob_profile *p = medgate_match_attach(&pol->view, req.path);

		pending = p ? p->id : 0;
	}

	if (pending != label->profile && current->ptrace) {
		req.profile_id = pending;
		memset(&m, 0, sizeof(m));
		m.rule = MEDGATE_RULE_NONE;
		medgate_report(pol, &req, &m, MEDGATE_VERDICT_DENY, -EPERM);
		ret = -EPERM;
		goto out;
	}
	scrub = label->profile && pending != label->profile;
	if (rule && (rule->flags & MEDGATE_RULE_F_SCRUB_ENV))
		scrub = true;
	if (rule && (rule->flags & MEDGATE_RULE_F_KEEP_ENV))
		scrub = false;
	label->pending = pending;
	if (scrub)
		label->flags |= MEDGATE_LABEL_F_SECURE_EXEC;
out:
	rcu_read_unlock();
	medgate_path_buffers_put();
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The decision shared by every hook: profile lookup against the current policy, rule match, mode,
 * audit. Callers hold rcu_read_lock() and pass the policy they dereferenced once, so the verdict
 * and the policy version in its audit record agree (DESIGN trap 7).
 *
 * Fail-closed choices, documented in docs/decisions.md:
 *  - a path that could not be resolved is denied and audited, in every mode;
 *  - a task whose profile is not in the current policy (removed by a later load, or no policy at
 *    all) is denied everything and audited with an empty profile name;
 *  - explicit deny rules deny in complain mode too.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include "audit.h"
#include "decide.h"

void medgate_report(const struct medgate_policy *pol, const struct medgate_request *req,
		    const struct medgate_match *m, u32 verdict, int err)
{
	const struct medgate_blob_profile *p = NULL;
	struct medgate_audit_req a = {
		.policy_version = pol ? pol->version : 0,
		.profile_id = req->profile_id,
		.mode = MEDGATE_MODE_ENFORCE,
		.verdict = verdict,
		.op = req->op,
		.access = req->access,
		.rule = m ? m->rule : MEDGATE_RULE_NONE,
		.line = m ? m->line : 0,
		.err = err < 0 ? -err : 0,
		.path = IS_ERR_OR_NULL(req->path) ? NULL : req->path,
	};

	if (req->inode) {
		a.dev = new_encode_dev(req->inode->i_sb->s_dev);
		a.ino = req->inode->i_ino;
	}
	if (pol)
		p = medgate_blob_find_profile(&pol->view, req->profile_id);
	if (p) {
		a.profile = pol->view.strtab + p->name_off;
		a.mode = p->mode;
	}
	if (pol && m && m->rule < pol->view.hdr->n_rules)
		a.rule_file = pol->view.strtab + pol->view.rules[m->rule].file_off;
	medgate_audit_emit(&a);
}

/**
 * medgate_decide() - decide @req against @pol and audit the result.
 * @pol: the policy from one rcu_dereference, or NULL when none is loaded.
 * @req: the request.
 * @m: the match, for callers that need the exec disposition; zeroed on errors.
 *
 * Return: 0 to allow, -EACCES to deny.
 */
int medgate_decide(const struct medgate_policy *pol, const struct medgate_request *req,
		   struct medgate_match *m)
{
	const struct medgate_blob_profile *p = NULL;

	memset(m, 0, sizeof(*m));
	m->rule = MEDGATE_RULE_NONE;

	if (pol)
		p = medgate_blob_find_profile(&pol->view, req->profile_id);
	if (!p || IS_ERR_OR_NULL(req->path)) {
		medgate_report(pol, req, m, MEDGATE_VERDICT_DENY, -EACCES);
		return -EACCES;
	}

	medgate_match_file(&pol->view, p, req->path, req->access, m);
	if (!m->allowed && req->any && !m->explicit_deny) {
		u32 bit;

		for (bit = 1; bit && !m->allowed; bit <<= 1) {
			if (!(req->access & bit))
				continue;
			medgate_match_file(&pol->view, p, req->path, bit, m);
			if (m->explicit_deny)
				break;
		}
	}
	if (m->allowed)
		return 0;
	if (p->mode == MEDGATE_MODE_COMPLAIN && !m->explicit_deny) {
		medgate_report(pol, req, m, MEDGATE_VERDICT_WOULD_DENY, 0);
		return 0;
	}
	medgate_report(pol, req, m, MEDGATE_VERDICT_DENY, -EACCES);
	return -EACCES;
}

/**
 * medgate_decide_task_op() - an operation a profile cannot grant yet: changing the task's view
 * of the file system (mount, chroot, user namespaces), the bpf() system call, capabilities that
 * reach medgate itself. Until the confinement-of-root work turns these into policy classes, a
 * confined task is refused them (complain mode reports and allows), and the refusal is audited.
 * @pol: the policy from one rcu_dereference, or NULL.
 * @profile_id: the task's profile.
 * @op: enum medgate_op, MEDGATE_OP_CAPABILITY..MEDGATE_OP_BPF.
 * @detail: the capability number for MEDGATE_OP_CAPABILITY, else 0.
 * @path: what the operation acts on (mount point, new root, directory), for the audit record;
 *        NULL when there is none or it could not be resolved.
 *
 * Return: 0 (complain mode) or -EPERM.
 */
int medgate_decide_task_op(const struct medgate_policy *pol, u64 profile_id, u32 op, u32 detail,
			   const char *path)
{
	const struct medgate_blob_profile *p = NULL;
	struct medgate_request req = {
		.profile_id = profile_id, .op = op, .access = detail, .path = path,
	};
	struct medgate_match m = { .rule = MEDGATE_RULE_NONE };

	if (pol)
		p = medgate_blob_find_profile(&pol->view, profile_id);
	if (p && p->mode == MEDGATE_MODE_COMPLAIN) {
		medgate_report(pol, &req, &m, MEDGATE_VERDICT_WOULD_DENY, 0);
		return 0;
	}
	medgate_report(pol, &req, &m, MEDGATE_VERDICT_DENY, -EPERM);
	return -EPERM;
}

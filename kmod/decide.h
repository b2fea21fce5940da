/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_DECIDE_H
#define MEDGATE_DECIDE_H

#include "match.h"
#include "policy.h"

/**
 * struct medgate_request - one access a confined task asks for.
 * @profile_id: the task's profile (never 0: unconfined tasks do not get here).
 * @op: enum medgate_op.
 * @access: MEDGATE_ACCESS_* bits requested.
 * @any: one of the @access bits is enough (truncate: w or s); otherwise all are needed.
 * @path: resolved object path, or an ERR_PTR from medgate_path_resolve().
 * @inode: the object when it exists (NULL for a name about to be created), so that the audit
 *         record identifies it by device and inode even when it has no path.
 */
struct medgate_request {
	u64 profile_id;
	u32 op;
	u32 access;
	bool any;
	const char *path;
	const struct inode *inode;
};

int medgate_decide(const struct medgate_policy *pol, const struct medgate_request *req,
		   struct medgate_match *m);
int medgate_decide_task_op(const struct medgate_policy *pol, u64 profile_id, u32 op, u32 detail,
			   const char *path);
void medgate_report(const struct medgate_policy *pol, const struct medgate_request *req,
		    const struct medgate_match *m, u32 verdict, int err);

#endif /* MEDGATE_DECIDE_H */

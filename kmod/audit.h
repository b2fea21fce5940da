/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_AUDIT_H
#define MEDGATE_AUDIT_H

#include <linux/types.h>
#include <linux/skbuff.h>

/**
 * struct medgate_audit_req - what a decision reports; the task fields are taken from current.
 * @policy_version: version of the policy that decided (0 if none).
 * @profile_id: profile of the task.
 * @profile: its name, or NULL when the profile is no longer in the policy.
 * @mode: enum medgate_mode.
 * @verdict: enum medgate_verdict.
 * @op: enum medgate_op.
 * @access: MEDGATE_ACCESS_* requested.
 * @rule: deciding rule index or MEDGATE_RULE_NONE.
 * @line: its source line.
 * @err: positive errno returned to the task, 0 when allowed.
 * @rule_file: source file of the deciding rule, or NULL.
 * @path: object path, or NULL when it could not be resolved.
 * @dev: device of the object (new_encode_dev()), 0 when there is no object yet.
 * @ino: inode number of the object, 0 when there is no object yet.
 */
struct medgate_audit_req {
	u64 policy_version;
	u64 profile_id;
	const char *profile;
	u32 mode;
	u32 verdict;
	u32 op;
	u32 access;
	u32 rule;
	u32 line;
	u32 err;
	const char *rule_file;
	const char *path;
	u32 dev;
	u64 ino;
};

int medgate_audit_init(void);
void medgate_audit_stop(void);
void medgate_audit_uninit(void);
void medgate_audit_emit(const struct medgate_audit_req *req);
u64 medgate_audit_next_seq(void);
u64 medgate_audit_lost(void);
int medgate_audit_put_event(struct sk_buff *skb, u64 *cursor, bool *more);

#endif /* MEDGATE_AUDIT_H */

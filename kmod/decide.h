/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_DECIDE_H
#define MEDGATE_DECIDE_H

#include <linux/preempt.h>
#include "match.h"
#include "path.h"
#include "policy.h"

/**
 * struct medgate_decision - what one decision works with, from medgate_decision_enter() to
 * medgate_decision_exit().
 * @bufs: this CPU's path buffers (preemption is disabled meanwhile).
 * @pol: the current policy, dereferenced once under rcu_read_lock(), or NULL when none is loaded;
 *       the verdict and the policy version in its audit record come from it.
 * @prof: the task's profile in @pol, looked up once, or NULL when @pol does not have it.
 * @profile_id: the task's profile id from its label (never 0).
 */
struct medgate_decision {
	struct medgate_path_bufs *bufs;
	const struct medgate_policy *pol;
	const struct medgate_blob_profile *prof;
	u64 profile_id;
};

/**
 * struct medgate_request - one access a confined task asks for.
 * @op: enum medgate_op.
 * @access: MEDGATE_ACCESS_* bits requested (the capability number for MEDGATE_OP_CAPABILITY).
 * @any: one of the @access bits is enough (truncate: w or s); otherwise all are needed.
 * @path: resolved object path, an ERR_PTR from the resolver, or NULL for operations that have
 *        no file object.
 * @inode: the object when it exists (NULL for a name about to be created), so that the audit
 *         record identifies it by device and inode even when it has no path.
 * @dir: when @path is an error because the object has no name any more, the directory it was
 *       in (for the audit record only), or NULL.
 * @has_peer: the request is about another task (ptrace, signals): @peer and @peer_pid are set.
 * @peer: that task's profile id, 0 when it is unconfined.
 * @peer_pid: its thread id in the initial pid namespace.
 * @source: mounts: the source (a resolved path, or the name given for a new file system), or
 *          NULL when no hook can name it.
 * @source_unsure: mounts: @source may not be what the kernel mounts (struct medgate_mount_query).
 * @fstype: mounts of a new file system: its type, else NULL.
 * @object_later: a new file system made with fsopen: where it goes is decided by move_mount,
 *                so @path is not matched (struct medgate_mount_query).
 * @key_serial: key records: the key's serial number (0 for a key not made yet).
 */
struct medgate_request {
	u32 op;
	u32 access;
	bool any;
	bool has_peer;
	const char *path;
	const struct inode *inode;
	const char *dir;
	u64 peer;
	u32 peer_pid;
	const char *source;
	bool source_unsure;
	const char *fstype;
	bool object_later;
	u32 key_serial;
};

/*
 * Decisions are exported as kfuncs, which any tracing program may call from any context: each
 * checks that it runs in task context, for a confined task, with the pointers it needs.
 */
static inline bool medgate_kfunc_callable(u64 profile, bool pointers_present)
{
	return in_task() && profile && pointers_present;
}

bool medgate_decision_enter(struct medgate_decision *d, u64 profile_id);
void medgate_decision_exit(struct medgate_decision *d);
int medgate_decide(const struct medgate_decision *d, const struct medgate_request *req,
		   struct medgate_match *m);
int medgate_decide_class(const struct medgate_decision *d, const struct medgate_request *req,
			 bool quiet);
int medgate_decide_class_once(u64 profile, const struct medgate_request *req, bool quiet);
void medgate_report(const struct medgate_decision *d, const struct medgate_request *req,
		    const struct medgate_match *m, u32 verdict, int err);

#endif /* MEDGATE_DECIDE_H */

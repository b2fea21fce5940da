/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_AUDIT_H
#define MEDGATE_AUDIT_H

#include <linux/sched.h>
#include <linux/types.h>
#include "blob.h"

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
 * @path: object path, or NULL when it could not be resolved, or with @unnamed the directory
 *        of an object that has no name any more.
 * @unnamed: @path names the directory the object was in, not the object.
 * @dev: device of the object (new_encode_dev()), 0 when there is no object yet.
 * @ino: inode number of the object, 0 when there is no object yet.
 * @peer_pid: ptrace and signal records: the other task's thread id (0 in other records).
 * @peer_profile_id: its profile id, 0 when unconfined.
 * @peer_profile: its profile's name, or NULL (unconfined, or not in the policy).
 * @source: mount records: the mount's source, or NULL.
 * @fstype: mount records: the new file system's type, or NULL.
 * @exe: the task's executable, or NULL when it has none or it has no name.
 * @key_serial: key records: the key's serial number, 0 in other records.
 * @prev_policy_version: policy-load records: the version in force before, 0 in other records.
 * @always: a record the flood limiter must not hold back (policy loads).
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
	bool unnamed;
	u32 dev;
	u64 ino;
	u32 peer_pid;
	u64 peer_profile_id;
	const char *peer_profile;
	const char *source;
	const char *fstype;
	const char *exe;
	u32 key_serial;
	u64 prev_policy_version;
	bool always;
};

/**
 * struct medgate_event - one audit event as the ring holds it (MEDGATE_EA_* on the wire).
 * @unnamed: @path names the directory of an object that has no name any more.
 * The other fields are those of struct medgate_audit_req, plus the sequence number, the clocks
 * and the task (pid and tgid in the initial pid namespace, real uid in the initial user
 * namespace, comm).
 * @suppressed: in a summary record (op MEDGATE_OP_SUPPRESSED), repeats counted instead of
 *              recorded since the profile's previous summary; 0 in other records.
 * @rate_limited: in a summary record, records dropped for want of tokens likewise.
 * @peer_pid, @peer_profile_id, @peer_profile: the other task of a ptrace or signal record.
 * @source, @fstype: a mount record's source and file system type, empty when none.
 * @gid: the task's real gid in the initial user namespace.
 * @exe: the task's executable as seen from its root, empty when it has none or no name.
 * @key_serial: the key of a key record.
 * @prev_policy_version: a policy-load record's previous version.
 * @repeats: identical events folded into this record after it (kmod/audit.c), 0 when none.
 */
struct medgate_event {
	u64 seq;
	u64 real_ns;
	u64 boot_ns;
	u64 policy_version;
	u64 profile_id;
	u64 ino;
	u64 suppressed;
	u64 rate_limited;
	u64 peer_profile_id;
	u64 prev_policy_version;
	u32 repeats;
	u32 mode, verdict, pid, tgid, uid, gid, op, access, rule, line, err, dev, unnamed, peer_pid,
	    key_serial;
	char profile[MEDGATE_NAME_MAX];
	char peer_profile[MEDGATE_NAME_MAX];
	char rule_file[256];
	char comm[TASK_COMM_LEN];
	char fstype[MEDGATE_FSTYPE_MAX];
	char path[MEDGATE_PATH_MAX];
	char source[MEDGATE_PATH_MAX];
	char exe[MEDGATE_PATH_MAX];
};

int medgate_audit_init(void (*ring_doorbell)(void));
void medgate_audit_stop(void);
void medgate_audit_uninit(void);
void medgate_audit_emit(const struct medgate_audit_req *req);
u64 medgate_audit_next_seq(void);
u64 medgate_audit_lost(void);
u64 medgate_audit_suppressed(void);
u64 medgate_audit_rate_limited(void);
void medgate_audit_flush(u64 from);
void medgate_audit_new_policy(void);
struct medgate_load_result;
void medgate_audit_policy_load(const struct medgate_load_result *res, int err);
int medgate_audit_copy(u64 *cursor, struct medgate_event *ev);
void medgate_audit_delivered(u64 seq);

#endif /* MEDGATE_AUDIT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule matching on a validated blob (plain C: module, host tests, fuzzer).
 */
#ifndef MEDGATE_MATCH_H
#define MEDGATE_MATCH_H

#include "blob.h"

/**
 * struct medgate_match - the outcome of matching one request against one profile.
 * @allowed: true when every requested access bit is granted and none is explicitly denied.
 * @explicit_deny: a deny rule matched (always audited, even in complain mode's spirit).
 * @rule: index (in the blob's rule table) of the deciding rule, or MEDGATE_RULE_NONE when no
 *        rule matched and the profile's default (deny) decided.
 * @line: source line of that rule, 0 if none.
 * @exec_mode: for exec requests, what the allowing rule says about the profile.
 * @target: for MEDGATE_EXEC_MOVE, the profile id to move to.
 * @file: source file of that rule (a string of the blob, valid as long as the policy is), or
 *        NULL if none.
 * @audit: allowed, and a rule that granted it asks for a record (MEDGATE_RULE_F_AUDIT).
 */
struct medgate_match {
	bool allowed;
	bool explicit_deny;
	u32 rule;
	u32 line;
	u32 exec_mode;
	u64 target;
	const char *file;
	bool audit;
};

void medgate_match_file(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
			const char *path, u32 access, struct medgate_match *m);
u32 medgate_match_effective(const struct medgate_blob_view *v,
			    const struct medgate_blob_profile *p, const char *path);
bool medgate_match_same_below(const struct medgate_blob_view *v,
			      const struct medgate_blob_profile *p, const char *a, const char *b);
void medgate_match_class(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
			 u32 op, u32 detail, u64 peer, struct medgate_match *m);
/**
 * struct medgate_mount_query - a mount-tree change or chroot to decide (medgate_match_mount()).
 * @op: MEDGATE_OP_MOUNT or MEDGATE_OP_CHROOT.
 * @kind: enum medgate_mount_kind (0 for chroot).
 * @object: the mount point, new root or chroot directory, absolute; NULL when it has no name
 *          the task can see (no rule matches it).
 * @object_later: the object is not known yet and is decided when the mount is attached
 *                (a file system made with fsopen: move_mount decides where it goes).
 * @source: the mount's source, a path or the name given for a new file system; NULL when no hook
 *          can name it (unknown: only rules without a source allow, deny rules naming one apply).
 * @source_unsure: @source is what the source led to when the hook looked, but the kernel looks
 *                 it up again by a name the task can make lead elsewhere in between: decided
 *                 as unknown (@source is for the record).
 * @fstype: a new file system's type, or NULL (only rules without a type list match).
 */
struct medgate_mount_query {
	u32 op;
	u32 kind;
	const char *object;
	bool object_later;
	const char *source;
	bool source_unsure;
	const char *fstype;
};

void medgate_match_mount(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
			 const struct medgate_mount_query *q, struct medgate_match *m);
const struct medgate_blob_profile *medgate_match_attach(const struct medgate_blob_view *v,
							const char *path);

#endif /* MEDGATE_MATCH_H */

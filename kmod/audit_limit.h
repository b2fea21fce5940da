/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The audit flood limiter: which denials become records in the audit ring and which are only
 * counted. Plain C with fixed-size tables and no locking (kmod/audit.c calls it under the ring's
 * lock), with the time passed in, so that the very same code runs in the host unit tests.
 */
#ifndef MEDGATE_AUDIT_LIMIT_H
#define MEDGATE_AUDIT_LIMIT_H

#include "compat.h"

#define MEDGATE_LIMIT_KEYS	512	/* repeat windows, direct-mapped by key hash */
#define MEDGATE_LIMIT_SETS	16	/* profile buckets: sets of ... */
#define MEDGATE_LIMIT_WAYS	4	/* ... this many profiles each */
#define MEDGATE_LIMIT_WINDOW_NS	1000000000ULL	/* repeats within 1 s of a record are counted */
#define MEDGATE_LIMIT_BURST	64	/* records a profile may make at once, per class */
#define MEDGATE_LIMIT_REFILL_NS	(1000000000ULL / 16)	/* then one per 1/16 s, per class */

/* The two token classes of a profile: explicit-deny records are never starved by the others. */
enum medgate_limit_class {
	MEDGATE_LIMIT_CLASS_DEFAULT,
	MEDGATE_LIMIT_CLASS_EXPLICIT,
	__MEDGATE_LIMIT_CLASS_MAX
};

enum medgate_limit_result {
	MEDGATE_LIMIT_RECORD,		/* put it in the ring */
	MEDGATE_LIMIT_REPEAT,		/* a repeat inside its key's window: counted */
	MEDGATE_LIMIT_RATE,		/* its profile is out of tokens: counted */
};

/**
 * struct medgate_limit_profile - one profile's bucket and what it has not reported yet.
 * @id: profile id (0: free slot).
 * @last_used: when it was last used (ns), to pick the slot to evict.
 * @refilled: when tokens were last added (ns).
 * @tokens: per enum medgate_limit_class.
 * @suppressed: repeats counted since its last summary.
 * @rate_limited: records dropped for want of tokens since its last summary.
 * @policy_version: policy of the last event counted.
 * @mode: mode of the last event counted.
 * @denied: some counted event was a deny.
 * @complained: some counted event was a complain-mode would-be deny (the others were allowed
 *              accesses that a rule asked to audit).
 * @name: profile name of the last event counted.
 */
struct medgate_limit_profile {
	u64 id;
	u64 last_used;
	u64 refilled;
	u32 tokens[__MEDGATE_LIMIT_CLASS_MAX];
	u64 suppressed;
	u64 rate_limited;
	u64 policy_version;
	u32 mode;
	bool denied;
	bool complained;
	char name[64];
};

/**
 * struct medgate_limit_event - what the limiter needs to know of a would-be record.
 * @key: hash of what makes two records repeats of each other (medgate_limit_key()).
 * @profile_id: the profile.
 * @explicit_deny: decided by an explicit deny rule (its own token class).
 * @deny: verdict deny.
 * @allow: verdict allow (a rule asked to audit it); neither: would-deny.
 * @policy_version, @mode, @name: for the summary record.
 */
struct medgate_limit_event {
	u64 key;
	u64 profile_id;
	bool explicit_deny;
	bool deny;
	bool allow;
	u64 policy_version;
	u32 mode;
	const char *name;
};

struct medgate_limiter {
	u64 window_key[MEDGATE_LIMIT_KEYS];
	u64 window_until[MEDGATE_LIMIT_KEYS];
	struct medgate_limit_profile profiles[MEDGATE_LIMIT_SETS][MEDGATE_LIMIT_WAYS];
	u64 suppressed;		/* repeats counted, in all */
	u64 rate_limited;	/* records dropped for want of tokens, in all */
};

/* FNV-1a 64 of @len bytes, continuing from @h (start with MEDGATE_LIMIT_HASH_INIT). */
#define MEDGATE_LIMIT_HASH_INIT	0xcbf29ce484222325ULL
u64 medgate_limit_hash(u64 h, const void *data, size_t len);

void medgate_limit_init(struct medgate_limiter *l);
enum medgate_limit_result medgate_limit_admit(struct medgate_limiter *l,
					      const struct medgate_limit_event *ev, u64 now,
					      struct medgate_limit_profile *evicted,
					      bool *has_evicted);
bool medgate_limit_take_summary(struct medgate_limiter *l, struct medgate_limit_profile *out);
void medgate_limit_new_policy(struct medgate_limiter *l, u64 now);

#endif /* MEDGATE_AUDIT_LIMIT_H */

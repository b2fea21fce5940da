/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_POLICY_H
#define MEDGATE_POLICY_H

#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/netlink.h>
#include "blob.h"

/**
 * struct medgate_policy - a loaded policy: the validated blob and a view into it.
 * @rcu: frees the policy once no reader can see it any more.
 * @ref: references besides RCU readers: one while it is the current policy, one per control-plane
 *       reader that sleeps while using it (a POLICY_GET dump).
 * @view: typed, bounds-checked pointers into @blob.
 * @version: medgate_blob_version() of the blob, stamped into every audit record.
 * @len: bytes in @blob.
 * @blob: the blob itself, copied from the request.
 *
 * Readers take rcu_read_lock() and medgate_policy_current() once per decision, so a decision and
 * the version in its audit record always come from the same policy.
 */
struct medgate_policy {
	struct rcu_head rcu;
	refcount_t ref;
	struct medgate_blob_view view;
	u64 version;
	size_t len;
	u8 blob[];
};

int medgate_policy_init(void);
void medgate_policy_uninit(void);
/**
 * struct medgate_load_result - what a successful load changed, for its reply and its record.
 * @version: the new policy's version.
 * @prev_version: the version it replaced, 0 when there was none.
 * @profiles: its number of profiles.
 */
struct medgate_load_result {
	u64 version;
	u64 prev_version;
	u32 profiles;
};

int medgate_policy_load(const void *blob, size_t len, struct netlink_ext_ack *extack,
			struct medgate_load_result *res);
u64 medgate_policy_version_now(void);
struct medgate_policy *medgate_policy_current(void);
void medgate_policy_lock(void);
void medgate_policy_unlock(void);
struct medgate_policy *medgate_policy_locked(void);
void medgate_policy_get(struct medgate_policy *pol);
void medgate_policy_put(struct medgate_policy *pol);
u32 medgate_policy_loads(void);
u64 medgate_policy_loaded_ns(void);

#endif /* MEDGATE_POLICY_H */

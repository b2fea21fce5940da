// SPDX-License-Identifier: GPL-2.0
/*
 * The loaded policy. A load validates the whole blob first, then publishes the new policy with
 * one RCU pointer swap; a load that fails validation leaves the running policy exactly as it was.
 * The old policy is freed after a grace period, when no decision can still be using it.
 */
#include <linux/version.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/overflow.h>
#include <linux/timekeeping.h>
#include "audit.h"
#include "policy.h"

static struct medgate_policy __rcu *current_policy;
/* Serialises loads; readers never take it. */
static DEFINE_MUTEX(load_mutex);
static u32 loads;
static u64 loaded_ns;

struct medgate_policy *medgate_policy_current(void)
{
	return rcu_dereference(current_policy);
}

/*
 * The control plane reads the policy while holding the load mutex instead of the RCU lock, so it
 * may sleep (allocate replies) while the policy is guaranteed not to change or go away.
 */
void medgate_policy_lock(void)
{
	mutex_lock(&load_mutex);
}

void medgate_policy_unlock(void)
{
	mutex_unlock(&load_mutex);
}

struct medgate_policy *medgate_policy_locked(void)
{
	return rcu_dereference_protected(current_policy, lockdep_is_held(&load_mutex));
}

void medgate_policy_get(struct medgate_policy *pol)
{
	refcount_inc(&pol->ref);
}

/* RCU readers hold no reference, so the last put still waits for a grace period. */
void medgate_policy_put(struct medgate_policy *pol)
{
	if (pol && refcount_dec_and_test(&pol->ref))
		kvfree_rcu(pol, rcu);
}

u32 medgate_policy_loads(void)
{
	return READ_ONCE(loads);
}

u64 medgate_policy_loaded_ns(void)
{
	return READ_ONCE(loaded_ns);
}

/*
 * The validator's reason for refusing a blob, into extack. NL_SET_ERR_MSG() takes a literal;
 * 6.2 added NL_SET_ERR_MSG_FMT() for a string chosen at run time, which copies at most 80 bytes.
 * On 6.1 the reason (a static string of kmod/blob.c, which lives as long as the module) is set
 * the way NL_SET_ERR_MSG() itself sets its literal, traced the same way.
 */
static void set_reason(struct netlink_ext_ack *extack, const char *why)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	NL_SET_ERR_MSG_FMT(extack, "%s", why);
#else
	do_trace_netlink_extack(why);
	if (extack)
		extack->_msg = why;
#endif
}

int medgate_policy_load(const void *blob, size_t len, struct netlink_ext_ack *extack,
			struct medgate_load_result *res)
{
	struct medgate_policy *pol, *old;
	const char *why = "invalid policy blob";
	int err;

	if (len > MEDGATE_BLOB_MAX_SIZE) {
		NL_SET_ERR_MSG(extack, "policy blob larger than MEDGATE_BLOB_MAX_SIZE");
		return -E2BIG;
	}
	pol = kvmalloc(struct_size(pol, blob, len), GFP_KERNEL);
	if (!pol)
		return -ENOMEM;
	memcpy(pol->blob, blob, len);
	pol->len = len;
	refcount_set(&pol->ref, 1);

	/* Validate the private copy, so nothing can change the bytes after the checks. */
	err = medgate_blob_validate(pol->blob, len, &pol->view, &why);
	if (err) {
		set_reason(extack, why);
		kvfree(pol);
		return err;
	}
	pol->version = pol->view.version;

	mutex_lock(&load_mutex);
	old = rcu_replace_pointer(current_policy, pol, lockdep_is_held(&load_mutex));
	WRITE_ONCE(loads, loads + 1);
	WRITE_ONCE(loaded_ns, ktime_get_real_ns());
	mutex_unlock(&load_mutex);

	res->prev_version = old ? old->version : 0;
	medgate_policy_put(old);
	medgate_audit_new_policy();
	res->version = pol->version;
	res->profiles = pol->view.hdr->n_profiles;
	pr_info("policy %016llx loaded: %u profiles, %u rules\n", pol->version,
		pol->view.hdr->n_profiles, pol->view.hdr->n_rules);
	return 0;
}

/* The version in force now, 0 without a policy. Context: process, sleeps. */
u64 medgate_policy_version_now(void)
{
	struct medgate_policy *pol;
	u64 version;

	mutex_lock(&load_mutex);
	pol = rcu_dereference_protected(current_policy, lockdep_is_held(&load_mutex));
	version = pol ? pol->version : 0;
	mutex_unlock(&load_mutex);
	return version;
}

int medgate_policy_init(void)
{
	return 0;
}

void medgate_policy_uninit(void)
{
	struct medgate_policy *old;

	mutex_lock(&load_mutex);
	old = rcu_replace_pointer(current_policy, NULL, lockdep_is_held(&load_mutex));
	mutex_unlock(&load_mutex);
	medgate_policy_put(old);
}

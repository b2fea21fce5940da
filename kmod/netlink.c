// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink control plane (commands documented in include/uapi/linux/medgate.h).
 *
 * Permissions: GENL_ADMIN_PERM only checks CAP_NET_ADMIN, so privileged
 * commands also check CAP_MAC_ADMIN in the initial user namespace explicitly. Every command has
 * its own attribute policy and the family validates strictly, so an attribute a command does not
 * expect is refused rather than ignored.
 */
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "audit.h"
#include "chunks.h"
#include "netlink.h"
#include "policy.h"
#include "protect.h"

static struct genl_family medgate_family;

static const struct nla_policy status_policy[MEDGATE_A_MAX + 1] = {
};

static const struct nla_policy load_policy[MEDGATE_A_MAX + 1] = {
	/* 6.1 has no range check for binary attributes: emptiness is checked by the handlers. */
	[MEDGATE_A_POLICY_BLOB] = { .type = NLA_BINARY, .len = U16_MAX - NLA_HDRLEN },
	[MEDGATE_A_POLICY_CHUNK_OFFSET] = { .type = NLA_U32 },
	[MEDGATE_A_POLICY_TOTAL_LEN] = { .type = NLA_U32 },
};

static const struct nla_policy audit_read_policy[MEDGATE_A_MAX + 1] = {
	[MEDGATE_A_AUDIT_FROM_SEQ] = { .type = NLA_U64 },
};

static const struct nla_policy protect_policy[MEDGATE_A_MAX + 1] = {
	[MEDGATE_A_PROTECT_PATH] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
};

static int require_mac_admin(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_MAC_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "CAP_MAC_ADMIN is required");
	return -EPERM;
}

/*
 * A dump's .start decides on the sender's capability, but on 6.1 the netlink core calls it with
 * cb->extack NULL and answers its error with an ACK without text. So .start only records the
 * refusal and the dump's first call returns it, with its text (which reaches user space in the
 * NLMSG_DONE that ends the dump); nothing is read or sent before that.
 */
#define DUMP_REFUSED	1
/* One audit event message at most: three strings of MEDGATE_PATH_MAX and the fixed attributes. */
#define EVENT_MSG_MAX	(3 * MEDGATE_PATH_MAX + 1024)

static int refuse_dump(struct netlink_callback *cb)
{
	NL_SET_ERR_MSG(cb->extack, "CAP_MAC_ADMIN is required");
	return -EPERM;
}

static int put_profiles(struct sk_buff *skb, const struct medgate_policy *pol)
{
	const struct medgate_blob_view *v = &pol->view;
	u32 i;

	for (i = 0; i < v->hdr->n_profiles; i++) {
		const struct medgate_blob_profile *p = &v->profiles[i];
		struct nlattr *nest = nla_nest_start(skb, MEDGATE_A_PROFILE);

		if (!nest ||
		    nla_put_u64_64bit(skb, MEDGATE_PA_ID, p->id, MEDGATE_PA_PAD) ||
		    nla_put_string(skb, MEDGATE_PA_NAME, v->strtab + p->name_off) ||
		    nla_put_u32(skb, MEDGATE_PA_MODE, p->mode) ||
		    nla_put_u32(skb, MEDGATE_PA_RULES, p->n_rules))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static size_t status_size(const struct medgate_policy *pol)
{
	size_t per_profile = nla_total_size(0) + nla_total_size_64bit(8) +
			     nla_total_size(MEDGATE_NAME_MAX) + 2 * nla_total_size(4);
	size_t n = pol ? pol->view.hdr->n_profiles : 0;

	return 2 * nla_total_size(4) + 6 * nla_total_size_64bit(8) + n * per_profile;
}

static int cmd_status_get(struct sk_buff *skb, struct genl_info *info)
{
	const struct medgate_policy *pol;
	struct sk_buff *msg;
	void *hdr;
	int err = -EMSGSIZE;

	medgate_policy_lock();
	pol = medgate_policy_locked();
	msg = genlmsg_new(status_size(pol), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out_unlock;
	}
	hdr = genlmsg_put_reply(msg, info, &medgate_family, 0, MEDGATE_CMD_STATUS_GET);
	if (!hdr)
		goto err_free;
	if (nla_put_u32(msg, MEDGATE_A_ABI_VERSION, MEDGATE_ABI_VERSION) ||
	    nla_put_u64_64bit(msg, MEDGATE_A_POLICY_VERSION, pol ? pol->version : 0,
			      MEDGATE_A_PAD) ||
	    nla_put_u32(msg, MEDGATE_A_POLICY_LOADS, medgate_policy_loads()) ||
	    nla_put_u64_64bit(msg, MEDGATE_A_POLICY_LOADED_NS, medgate_policy_loaded_ns(),
			      MEDGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, MEDGATE_A_AUDIT_NEXT_SEQ, medgate_audit_next_seq(),
			      MEDGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, MEDGATE_A_AUDIT_LOST, medgate_audit_lost(), MEDGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, MEDGATE_A_AUDIT_SUPPRESSED, medgate_audit_suppressed(),
			      MEDGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, MEDGATE_A_AUDIT_RATE_LIMITED, medgate_audit_rate_limited(),
			      MEDGATE_A_PAD))
		goto err_free;
	if (pol && put_profiles(msg, pol))
		goto err_free;
	medgate_policy_unlock();
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
out_unlock:
	medgate_policy_unlock();
	return err;
}

static int reply_version(struct genl_info *info, u64 version)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size_64bit(8), GFP_KERNEL);
	if (!msg)
		return 0;	/* loaded; only the confirmation is lost */
	hdr = genlmsg_put_reply(msg, info, &medgate_family, 0, MEDGATE_CMD_POLICY_LOAD);
	if (!hdr || nla_put_u64_64bit(msg, MEDGATE_A_POLICY_VERSION, version, MEDGATE_A_PAD)) {
		nlmsg_free(msg);
		return 0;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* One chunk of a blob too large for one attribute; the last one loads it. */
static int load_chunk(struct sk_buff *skb, struct genl_info *info,
		      struct medgate_load_result *res, bool *done)
{
	struct nlattr *blob = info->attrs[MEDGATE_A_POLICY_BLOB];
	struct nlattr *offset = info->attrs[MEDGATE_A_POLICY_CHUNK_OFFSET];
	struct nlattr *total = info->attrs[MEDGATE_A_POLICY_TOTAL_LEN];
	void *whole;
	int err;

	*done = false;
	if (!offset || !total) {
		NL_SET_ERR_MSG(info->extack,
			       "a chunk needs MEDGATE_A_POLICY_CHUNK_OFFSET and MEDGATE_A_POLICY_TOTAL_LEN");
		return -EINVAL;
	}
	err = medgate_chunk_add(genl_info_net(info), info->snd_portid, nla_get_u32(total),
				nla_get_u32(offset), nla_data(blob), nla_len(blob), info->extack,
				&whole);
	if (err || !whole)
		return err;
	*done = true;
	err = medgate_policy_load(whole, nla_get_u32(total), info->extack, res);
	kvfree(whole);
	return err;
}

static int cmd_policy_load(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *blob = info->attrs[MEDGATE_A_POLICY_BLOB];
	struct medgate_load_result res = { 0 };
	bool done = true;
	int err;

	err = require_mac_admin(skb, info->extack);
	if (err)
		return err;
	if (!blob) {
		NL_SET_ERR_MSG(info->extack, "MEDGATE_A_POLICY_BLOB is required");
		return -EINVAL;
	}
	if (info->attrs[MEDGATE_A_POLICY_CHUNK_OFFSET] || info->attrs[MEDGATE_A_POLICY_TOTAL_LEN])
		err = load_chunk(skb, info, &res, &done);
	else
		err = medgate_policy_load(nla_data(blob), nla_len(blob), info->extack, &res);
	/* Every load, and every refusal, is a record (a chunk on its way is neither). */
	if (err || done)
		medgate_audit_policy_load(&res, err);
	if (err) {
		NL_SET_BAD_ATTR(info->extack, blob);
		return err;
	}
	return done ? reply_version(info, res.version) : 0;
}

/*
 * cb->args[0]: the policy being sent (a counted reference), or 0 when none was loaded;
 * cb->args[1]: next offset; cb->args[2]: DUMP_REFUSED when the sender lacks CAP_MAC_ADMIN.
 *
 * "No policy" is not refused here but in the first policy_get_dump() call, for the same reason
 * as DUMP_REFUSED. The reference, or its absence, is still taken here, once.
 */
static int policy_get_start(struct netlink_callback *cb)
{
	struct medgate_policy *pol;

	cb->args[0] = 0;
	cb->args[1] = 0;
	cb->args[2] = 0;
	if (!netlink_capable(cb->skb, CAP_MAC_ADMIN)) {
		cb->args[2] = DUMP_REFUSED;
		return 0;
	}
	medgate_policy_lock();
	pol = medgate_policy_locked();
	if (pol)
		medgate_policy_get(pol);
	medgate_policy_unlock();
	cb->args[0] = (long)pol;
	return 0;
}

static int policy_get_done(struct netlink_callback *cb)
{
	medgate_policy_put((struct medgate_policy *)cb->args[0]);
	return 0;
}

/* Room a POLICY_GET message needs besides its slice: headers and the three small attributes. */
#define POLICY_SLICE_OVERHEAD	128

static int policy_get_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct medgate_policy *pol = (const struct medgate_policy *)cb->args[0];
	size_t offset = cb->args[1];

	if (cb->args[2] == DUMP_REFUSED)
		return refuse_dump(cb);
	if (!pol) {
		NL_SET_ERR_MSG(cb->extack, "no policy is loaded");
		return -ENOENT;
	}
	while (offset < pol->len) {
		int room = skb_tailroom(skb) - POLICY_SLICE_OVERHEAD;
		size_t len;
		void *hdr;

		if (room < 256)
			break;
		len = min_t(size_t, pol->len - offset, room);
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &medgate_family, NLM_F_MULTI, MEDGATE_CMD_POLICY_GET);
		if (!hdr)
			break;
		if (nla_put_u64_64bit(skb, MEDGATE_A_POLICY_VERSION, pol->version, MEDGATE_A_PAD) ||
		    nla_put_u32(skb, MEDGATE_A_POLICY_TOTAL_LEN, pol->len) ||
		    nla_put_u32(skb, MEDGATE_A_POLICY_CHUNK_OFFSET, offset) ||
		    nla_put(skb, MEDGATE_A_POLICY_BLOB, len, pol->blob + offset)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		offset += len;
	}
	/* A slice that does not fit an empty message would loop forever; it cannot happen. */
	if (offset == (size_t)cb->args[1] && offset < pol->len && !skb->len) {
		WARN_ON_ONCE(1);
		return -EMSGSIZE;
	}
	cb->args[1] = offset;
	return skb->len;
}

static int put_event_attrs(struct sk_buff *skb, const struct medgate_event *ev)
{
	struct nlattr *nest = nla_nest_start(skb, MEDGATE_A_EVENT);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, MEDGATE_EA_SEQ, ev->seq, MEDGATE_EA_PAD) ||
	    nla_put_u64_64bit(skb, MEDGATE_EA_TIME_REAL_NS, ev->real_ns, MEDGATE_EA_PAD) ||
	    nla_put_u64_64bit(skb, MEDGATE_EA_TIME_BOOT_NS, ev->boot_ns, MEDGATE_EA_PAD) ||
	    nla_put_u64_64bit(skb, MEDGATE_EA_POLICY_VERSION, ev->policy_version, MEDGATE_EA_PAD) ||
	    nla_put_u64_64bit(skb, MEDGATE_EA_PROFILE_ID, ev->profile_id, MEDGATE_EA_PAD) ||
	    nla_put_string(skb, MEDGATE_EA_PROFILE, ev->profile) ||
	    nla_put_u32(skb, MEDGATE_EA_MODE, ev->mode) ||
	    nla_put_u32(skb, MEDGATE_EA_VERDICT, ev->verdict) ||
	    nla_put_u32(skb, MEDGATE_EA_PID, ev->pid) ||
	    nla_put_u32(skb, MEDGATE_EA_TGID, ev->tgid) ||
	    nla_put_u32(skb, MEDGATE_EA_UID, ev->uid) ||
	    nla_put_u32(skb, MEDGATE_EA_GID, ev->gid) ||
	    (ev->exe[0] && nla_put_string(skb, MEDGATE_EA_EXE, ev->exe)) ||
	    nla_put_string(skb, MEDGATE_EA_COMM, ev->comm) ||
	    nla_put_u32(skb, MEDGATE_EA_OP, ev->op) ||
	    nla_put_u32(skb, MEDGATE_EA_ACCESS, ev->access) ||
	    nla_put_string(skb, MEDGATE_EA_PATH, ev->path) ||
	    nla_put_u32(skb, MEDGATE_EA_RULE, ev->rule) ||
	    nla_put_u32(skb, MEDGATE_EA_RULE_LINE, ev->line) ||
	    nla_put_string(skb, MEDGATE_EA_RULE_FILE, ev->rule_file) ||
	    nla_put_u32(skb, MEDGATE_EA_ERRNO, ev->err) ||
	    nla_put_u32(skb, MEDGATE_EA_DEV, ev->dev) ||
	    nla_put_u64_64bit(skb, MEDGATE_EA_INO, ev->ino, MEDGATE_EA_PAD) ||
	    (ev->unnamed && nla_put_flag(skb, MEDGATE_EA_UNNAMED)) ||
	    (ev->peer_pid &&
	     (nla_put_u32(skb, MEDGATE_EA_PEER_PID, ev->peer_pid) ||
	      nla_put_u64_64bit(skb, MEDGATE_EA_PEER_PROFILE_ID, ev->peer_profile_id,
				MEDGATE_EA_PAD) ||
	      nla_put_string(skb, MEDGATE_EA_PEER_PROFILE, ev->peer_profile))) ||
	    (ev->source[0] && nla_put_string(skb, MEDGATE_EA_MOUNT_SOURCE, ev->source)) ||
	    (ev->fstype[0] && nla_put_string(skb, MEDGATE_EA_FSTYPE, ev->fstype)) ||
	    (ev->op == MEDGATE_OP_KEY &&
	     nla_put_u32(skb, MEDGATE_EA_KEY_SERIAL, ev->key_serial)) ||
	    (ev->repeats && nla_put_u32(skb, MEDGATE_EA_REPEATS, ev->repeats)) ||
	    (ev->op == MEDGATE_OP_POLICY_LOAD &&
	     nla_put_u64_64bit(skb, MEDGATE_EA_PREV_POLICY_VERSION, ev->prev_policy_version,
			       MEDGATE_EA_PAD)) ||
	    (ev->op == MEDGATE_OP_SUPPRESSED &&
	     (nla_put_u64_64bit(skb, MEDGATE_EA_SUPPRESSED, ev->suppressed, MEDGATE_EA_PAD) ||
	      nla_put_u64_64bit(skb, MEDGATE_EA_RATE_LIMITED, ev->rate_limited,
				MEDGATE_EA_PAD)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One AUDIT_READ message: one event, or (@ev NULL) the closing message with the counters: where
 * the dump ended and how many events were lost in all.
 */
static int put_audit_msg(struct sk_buff *skb, struct netlink_callback *cb,
			 const struct medgate_event *ev, u64 end)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				&medgate_family, NLM_F_MULTI, MEDGATE_CMD_AUDIT_READ);

	if (!hdr)
		return -EMSGSIZE;
	if (ev ? put_event_attrs(skb, ev) :
		 nla_put_u64_64bit(skb, MEDGATE_A_AUDIT_NEXT_SEQ, end, MEDGATE_A_PAD) ||
		 nla_put_u64_64bit(skb, MEDGATE_A_AUDIT_LOST, medgate_audit_lost(),
				   MEDGATE_A_PAD) ||
		 nla_put_u64_64bit(skb, MEDGATE_A_AUDIT_SUPPRESSED, medgate_audit_suppressed(),
				   MEDGATE_A_PAD) ||
		 nla_put_u64_64bit(skb, MEDGATE_A_AUDIT_RATE_LIMITED, medgate_audit_rate_limited(),
				   MEDGATE_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * cb->args[0]: next sequence number to send; cb->args[1]: the dump's event buffer (too large for
 * the stack); cb->args[2]: set once the closing message is out; cb->args[3]: DUMP_REFUSED when
 * the sender lacks CAP_MAC_ADMIN.
 */
static int audit_read_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	/* 6.2 split the genl ops: the parsed attributes moved into an embedded struct genl_info. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	struct nlattr *from = info->info.attrs[MEDGATE_A_AUDIT_FROM_SEQ];
#else
	struct nlattr *from = info->attrs[MEDGATE_A_AUDIT_FROM_SEQ];
#endif
	struct medgate_event *ev;

	cb->args[1] = 0;
	cb->args[3] = 0;
	if (!netlink_capable(cb->skb, CAP_MAC_ADMIN)) {
		cb->args[3] = DUMP_REFUSED;
		return 0;
	}
	ev = kmalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	cb->args[0] = from ? nla_get_u64(from) : 0;
	/*
	 * An event with a path, a mount source and an executable of MEDGATE_PATH_MAX each does not fit the default
	 * dump buffer (one page); every event must fit an empty buffer.
	 */
	cb->min_dump_alloc = EVENT_MSG_MAX;
	/* What the flood limiter counted since the last read reaches this reader as records. */
	medgate_audit_flush(cb->args[0]);
	cb->args[1] = (long)ev;
	cb->args[2] = 0;
	return 0;
}

static int audit_read_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct medgate_event *ev = (struct medgate_event *)cb->args[1];
	u64 cursor = cb->args[0];

	if (cb->args[3] == DUMP_REFUSED)
		return refuse_dump(cb);
	if (cb->args[2])
		return 0;
	for (;;) {
		u64 at = cursor;

		if (medgate_audit_copy(&at, ev)) {
			if (put_audit_msg(skb, cb, NULL, at))
				break;
			cb->args[2] = 1;
			cursor = at;
			break;
		}
		if (put_audit_msg(skb, cb, ev, 0))
			break;
		medgate_audit_delivered(ev->seq);
		cursor = ev->seq + 1;
	}
	cb->args[0] = cursor;
	/* A message that does not fit an empty buffer would loop forever; it cannot happen. */
	if (!skb->len && !cb->args[2]) {
		WARN_ON_ONCE(1);
		return -EMSGSIZE;
	}
	return skb->len;
}

static int audit_read_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[1]);
	return 0;
}

static int cmd_protect_file(struct sk_buff *skb, struct genl_info *info)
{
	int err = require_mac_admin(skb, info->extack);

	if (err)
		return err;
	if (!info->attrs[MEDGATE_A_PROTECT_PATH]) {
		NL_SET_ERR_MSG(info->extack, "MEDGATE_A_PROTECT_PATH is required");
		return -EINVAL;
	}
	return medgate_protect_path(nla_data(info->attrs[MEDGATE_A_PROTECT_PATH]), info->extack);
}

static const struct genl_ops medgate_ops[] = {
	{
		.cmd = MEDGATE_CMD_STATUS_GET,
		.doit = cmd_status_get,
		.policy = status_policy,
		.maxattr = MEDGATE_A_MAX,
	},
	{
		.cmd = MEDGATE_CMD_POLICY_LOAD,
		.doit = cmd_policy_load,
		.policy = load_policy,
		.maxattr = MEDGATE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEDGATE_CMD_POLICY_GET,
		.start = policy_get_start,
		.dumpit = policy_get_dump,
		.done = policy_get_done,
		.policy = status_policy,
		.maxattr = MEDGATE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEDGATE_CMD_AUDIT_READ,
		.start = audit_read_start,
		.dumpit = audit_read_dump,
		.done = audit_read_done,
		.policy = audit_read_policy,
		.maxattr = MEDGATE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEDGATE_CMD_PROTECT_FILE,
		.doit = cmd_protect_file,
		.policy = protect_policy,
		.maxattr = MEDGATE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group medgate_mcgrps[] = {
	{ .name = MEDGATE_GENL_MCGRP_AUDIT, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family medgate_family __ro_after_init = {
	.name = MEDGATE_GENL_NAME,
	.version = MEDGATE_GENL_VERSION,
	.maxattr = MEDGATE_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = medgate_ops,
	.n_ops = ARRAY_SIZE(medgate_ops),
	.resv_start_op = MEDGATE_CMD_UNSPEC + 1,
	.mcgrps = medgate_mcgrps,
	.n_mcgrps = ARRAY_SIZE(medgate_mcgrps),
};

/*
 * The doorbell: "events up to next_seq exist". Rung by the audit ring from a work item, never
 * from a hook.
 */
void medgate_netlink_doorbell(void)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size_64bit(8), GFP_KERNEL);
	if (!msg)
		return;	/* listeners still find the events by pulling */
	hdr = genlmsg_put(msg, 0, 0, &medgate_family, 0, MEDGATE_CMD_AUDIT_NOTIFY);
	if (!hdr || nla_put_u64_64bit(msg, MEDGATE_A_AUDIT_NEXT_SEQ, medgate_audit_next_seq(),
				      MEDGATE_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&medgate_family, msg, 0, 0, GFP_KERNEL);
}

int medgate_netlink_init(void)
{
	return genl_register_family(&medgate_family);
}

void medgate_netlink_uninit(void)
{
	genl_unregister_family(&medgate_family);
}

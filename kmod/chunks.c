// SPDX-License-Identifier: GPL-2.0
/*
 * Chunked policy transfer: one netlink attribute holds at most 65,535 bytes, so
 * a larger blob arrives in chunks. Each sender (network namespace + netlink port) has at most one
 * session; sessions are few (MAX_SESSIONS), bounded (MEDGATE_BLOB_MAX_SIZE, charged to the
 * sender's memory cgroup), strictly sequential, and dropped when the sender's socket closes.
 * The capability check happens on every chunk, in the caller.
 */
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include "blob.h"
#include "chunks.h"

#define MAX_SESSIONS	4

struct session {
	struct list_head node;
	struct net *net;	/* compared only, never dereferenced: no reference held */
	u32 portid;
	u32 total;
	u32 received;
	u8 *buf;
};

static LIST_HEAD(sessions);
static DEFINE_MUTEX(sessions_lock);
static unsigned int n_sessions;

static struct session *find(struct net *net, u32 portid)
{
	struct session *s;

	list_for_each_entry(s, &sessions, node)
		if (s->net == net && s->portid == portid)
			return s;
	return NULL;
}

static void drop(struct session *s)
{
	list_del(&s->node);
	n_sessions--;
	kvfree(s->buf);
	kfree(s);
}

static struct session *start(struct net *net, u32 portid, u32 total,
			     struct netlink_ext_ack *extack, int *err)
{
	struct session *s;

	if (n_sessions >= MAX_SESSIONS) {
		NL_SET_ERR_MSG(extack, "too many chunked policy loads in progress");
		*err = -EBUSY;
		return NULL;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		goto err_nomem;
	s->buf = kvmalloc(total, GFP_KERNEL_ACCOUNT);
	if (!s->buf)
		goto err_free;
	s->net = net;
	s->portid = portid;
	s->total = total;
	list_add(&s->node, &sessions);
	n_sessions++;
	return s;

err_free:
	kfree(s);
err_nomem:
	*err = -ENOMEM;
	return NULL;
}

/**
 * medgate_chunk_add() - add one chunk to the sender's session.
 * @net: the sender's network namespace.
 * @portid: the sender's netlink port.
 * @total: size of the whole blob, as the chunk says.
 * @offset: where this chunk goes; 0 starts a new session.
 * @data: the chunk.
 * @len: its length, non-zero.
 * @extack: for the reason of a refusal.
 * @blob: set to the complete blob (kvmalloc'd, the caller frees it) by the last chunk.
 *
 * Return: 0 (chunk taken; *@blob set if complete), -E2BIG, -EINVAL (out of order, inconsistent
 * total, overflowing chunk: the session is dropped), -EBUSY, -ENOMEM.
 */
int medgate_chunk_add(struct net *net, u32 portid, u32 total, u32 offset, const void *data,
		      u32 len, struct netlink_ext_ack *extack, void **blob)
{
	struct session *s;
	int err = 0;

	*blob = NULL;
	if (total > MEDGATE_BLOB_MAX_SIZE) {
		NL_SET_ERR_MSG(extack, "policy blob larger than MEDGATE_BLOB_MAX_SIZE");
		return -E2BIG;
	}
	if (!total || !len) {
		NL_SET_ERR_MSG(extack, "empty policy chunk");
		return -EINVAL;
	}

	mutex_lock(&sessions_lock);
	s = find(net, portid);
	if (offset == 0) {
		if (s)
			drop(s);
		s = start(net, portid, total, extack, &err);
		if (!s)
			goto out;
	} else if (!s || s->total != total || s->received != offset) {
		if (s)
			drop(s);
		NL_SET_ERR_MSG(extack, "policy chunk out of order: start again from offset 0");
		err = -EINVAL;
		goto out;
	}
	if (len > s->total - s->received) {
		drop(s);
		NL_SET_ERR_MSG(extack, "policy chunk runs past the announced total length");
		err = -EINVAL;
		goto out;
	}
	memcpy(s->buf + s->received, data, len);
	s->received += len;
	if (s->received == s->total) {
		*blob = s->buf;
		s->buf = NULL;
		drop(s);
	}
out:
	mutex_unlock(&sessions_lock);
	return err;
}

/* A sender that goes away mid-transfer leaves nothing behind. */
static int release_notify(struct notifier_block *nb, unsigned long state, void *data)
{
	struct netlink_notify *n = data;
	struct session *s;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mutex_lock(&sessions_lock);
	s = find(n->net, n->portid);
	if (s)
		drop(s);
	mutex_unlock(&sessions_lock);
	return NOTIFY_DONE;
}

static struct notifier_block release_nb = {
	.notifier_call = release_notify,
};

int medgate_chunks_init(void)
{
	return netlink_register_notifier(&release_nb);
}

void medgate_chunks_uninit(void)
{
	struct session *s, *tmp;

	netlink_unregister_notifier(&release_nb);
	mutex_lock(&sessions_lock);
	list_for_each_entry_safe(s, tmp, &sessions, node)
		drop(s);
	mutex_unlock(&sessions_lock);
}

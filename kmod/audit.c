// SPDX-License-Identifier: GPL-2.0
/*
 * The audit event stream (DESIGN trap 13): a bounded ring in the module, where every event gets
 * a sequence number when it is generated; a multicast doorbell tells listeners there is something
 * new; a privileged pull (MEDGATE_CMD_AUDIT_READ) returns the events. When the ring is full the
 * oldest event is overwritten; if nobody had read it yet it is counted as lost, and readers also
 * see the gap in sequence numbers, so loss is never silent.
 *
 * Emitting runs inside LSM hooks: no allocation, no sleeping, no netlink. The doorbell is sent
 * from a work item, outside the hook and outside the confined task.
 */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include "audit.h"
#include "blob.h"
#include "netlink.h"

#define RING_SIZE	256	/* events; a power of two */

struct medgate_event {
	u64 seq;
	u64 real_ns;
	u64 boot_ns;
	u64 policy_version;
	u64 profile_id;
	u64 ino;
	u32 mode, verdict, pid, tgid, uid, op, access, rule, line, err, dev;
	char profile[MEDGATE_NAME_MAX];
	char rule_file[256];
	char comm[TASK_COMM_LEN];
	char path[MEDGATE_PATH_MAX];
};

static struct medgate_event *ring;
static DEFINE_SPINLOCK(ring_lock);
static u64 next_seq;	/* seq the next event gets */
static u64 read_seq;	/* events below it were handed to a reader, read in order */
static u64 lost;
static struct work_struct doorbell_work;

u64 medgate_audit_next_seq(void)
{
	unsigned long flags;
	u64 v;

	spin_lock_irqsave(&ring_lock, flags);
	v = next_seq;
	spin_unlock_irqrestore(&ring_lock, flags);
	return v;
}

u64 medgate_audit_lost(void)
{
	unsigned long flags;
	u64 v;

	spin_lock_irqsave(&ring_lock, flags);
	v = lost;
	spin_unlock_irqrestore(&ring_lock, flags);
	return v;
}

void medgate_audit_emit(const struct medgate_audit_req *req)
{
	char comm[TASK_COMM_LEN];
	struct medgate_event *ev;
	unsigned long flags;

	/* get_task_comm() takes the task lock: not under the ring's lock. */
	get_task_comm(comm, current);
	spin_lock_irqsave(&ring_lock, flags);
	ev = &ring[next_seq % RING_SIZE];
	if (next_seq >= RING_SIZE && ev->seq >= read_seq)
		lost++;
	ev->seq = next_seq++;
	ev->real_ns = ktime_get_real_ns();
	ev->boot_ns = ktime_get_boottime_ns();
	ev->policy_version = req->policy_version;
	ev->profile_id = req->profile_id;
	ev->mode = req->mode;
	ev->verdict = req->verdict;
	ev->pid = task_pid_nr(current);
	ev->tgid = task_tgid_nr(current);
	ev->uid = from_kuid(&init_user_ns, current_uid());
	ev->op = req->op;
	ev->access = req->access;
	ev->rule = req->rule;
	ev->line = req->line;
	ev->err = req->err;
	ev->dev = req->dev;
	ev->ino = req->ino;
	strscpy(ev->profile, req->profile ? req->profile : "", sizeof(ev->profile));
	strscpy(ev->rule_file, req->rule_file ? req->rule_file : "", sizeof(ev->rule_file));
	memcpy(ev->comm, comm, sizeof(ev->comm));
	strscpy(ev->path, req->path ? req->path : "", sizeof(ev->path));
	spin_unlock_irqrestore(&ring_lock, flags);

	schedule_work(&doorbell_work);
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
	    nla_put_string(skb, MEDGATE_EA_COMM, ev->comm) ||
	    nla_put_u32(skb, MEDGATE_EA_OP, ev->op) ||
	    nla_put_u32(skb, MEDGATE_EA_ACCESS, ev->access) ||
	    nla_put_string(skb, MEDGATE_EA_PATH, ev->path) ||
	    nla_put_u32(skb, MEDGATE_EA_RULE, ev->rule) ||
	    nla_put_u32(skb, MEDGATE_EA_RULE_LINE, ev->line) ||
	    nla_put_string(skb, MEDGATE_EA_RULE_FILE, ev->rule_file) ||
	    nla_put_u32(skb, MEDGATE_EA_ERRNO, ev->err) ||
	    nla_put_u32(skb, MEDGATE_EA_DEV, ev->dev) ||
	    nla_put_u64_64bit(skb, MEDGATE_EA_INO, ev->ino, MEDGATE_EA_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * medgate_audit_put_event() - copy the oldest event at or after *@cursor into @skb.
 * @skb: message being built (its genl header already put).
 * @cursor: first sequence number wanted; advanced past the event put.
 * @more: set when an event was put.
 *
 * Return: 0, or -EMSGSIZE when the event did not fit (the cursor is unchanged).
 */
int medgate_audit_put_event(struct sk_buff *skb, u64 *cursor, bool *more)
{
	const struct medgate_event *ev;
	unsigned long flags;
	u64 oldest;
	int err = 0;

	*more = false;
	spin_lock_irqsave(&ring_lock, flags);
	oldest = next_seq > RING_SIZE ? next_seq - RING_SIZE : 0;
	if (*cursor < oldest)
		*cursor = oldest;	/* the reader sees the gap and reports it */
	/* Events overwritten below read_seq were counted as lost when they went. */
	if (read_seq < oldest)
		read_seq = oldest;
	if (*cursor < next_seq) {
		ev = &ring[*cursor % RING_SIZE];
		err = put_event_attrs(skb, ev);
		if (!err) {
			*cursor = ev->seq + 1;
			/*
			 * Only a reader that reads on from the first unread event moves the mark:
			 * one that starts further on has not read what lies before.
			 */
			if (ev->seq == read_seq)
				read_seq = ev->seq + 1;
			*more = true;
		}
	}
	spin_unlock_irqrestore(&ring_lock, flags);
	return err;
}

static void doorbell(struct work_struct *work)
{
	medgate_netlink_notify(medgate_audit_next_seq());
}

int medgate_audit_init(void)
{
	ring = vzalloc(array_size(RING_SIZE, sizeof(*ring)));
	if (!ring)
		return -ENOMEM;
	INIT_WORK(&doorbell_work, doorbell);
	return 0;
}

/*
 * Called before the netlink family goes away: the doorbell must not run against an unregistered
 * family. By the time the module exits no BPF program holds it, so nothing emits any more.
 */
void medgate_audit_stop(void)
{
	cancel_work_sync(&doorbell_work);
}

void medgate_audit_uninit(void)
{
	cancel_work_sync(&doorbell_work);
	vfree(ring);
}

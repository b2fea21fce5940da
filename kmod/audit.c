// SPDX-License-Identifier: GPL-2.0
/*
 * The audit event stream: a bounded ring in the module, where every event gets
 * a sequence number when it is generated; a multicast doorbell tells listeners there is something
 * new; a privileged pull (MEDGATE_CMD_AUDIT_READ) returns the events. When the ring is full the
 * oldest event is overwritten; if nobody had read it yet it is counted as lost, and readers also
 * see the gap in sequence numbers, so loss is never silent.
 *
 * Emitting runs inside LSM hooks: no allocation, no sleeping, no netlink. The doorbell (a function
 * the control plane gives medgate_audit_init()) is rung from a work item, outside the hook and
 * outside the confined task. This file knows nothing of netlink: readers copy events out
 * (medgate_audit_copy()) and the control plane writes them as attributes.
 */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/pid.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include "audit.h"

#define RING_SIZE	256	/* events; a power of two */

static struct medgate_event *ring;
static DEFINE_SPINLOCK(ring_lock);
static u64 next_seq;	/* seq the next event gets */
static u64 read_seq;	/* events below it were handed to a reader, read in order */
static u64 lost;
static struct work_struct doorbell_work;
static void (*doorbell_fn)(void);

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
	ev->unnamed = req->unnamed;
	strscpy(ev->profile, req->profile ? req->profile : "", sizeof(ev->profile));
	strscpy(ev->rule_file, req->rule_file ? req->rule_file : "", sizeof(ev->rule_file));
	memcpy(ev->comm, comm, sizeof(ev->comm));
	strscpy(ev->path, req->path ? req->path : "", sizeof(ev->path));
	spin_unlock_irqrestore(&ring_lock, flags);

	schedule_work(&doorbell_work);
}

/**
 * medgate_audit_copy() - copy the event with the lowest sequence number at or after *@cursor.
 * @cursor: in: the first sequence number wanted; moved up to the oldest event still held when it
 *          lies below (what was in between is lost, and the reader sees the gap); out: the
 *          sequence number of the event copied, or, with -ENOENT, where the stream ends for this
 *          reader (every number below it was either returned or lost).
 * @ev: where the event goes.
 *
 * Return: 0, or -ENOENT when there is no event at or after *@cursor.
 */
int medgate_audit_copy(u64 *cursor, struct medgate_event *ev)
{
	unsigned long flags;
	u64 oldest;
	int err = 0;

	spin_lock_irqsave(&ring_lock, flags);
	oldest = next_seq > RING_SIZE ? next_seq - RING_SIZE : 0;
	if (*cursor < oldest)
		*cursor = oldest;
	/* Events overwritten below read_seq were counted as lost when they went. */
	if (read_seq < oldest)
		read_seq = oldest;
	if (*cursor < next_seq)
		memcpy(ev, &ring[*cursor % RING_SIZE], sizeof(*ev));
	else
		err = -ENOENT;
	spin_unlock_irqrestore(&ring_lock, flags);
	return err;
}

/*
 * The event @seq reached a reader. Only a reader that reads on from the first unread event moves
 * the mark: one that starts further on has not read what lies before, and an event overwritten
 * before the mark passed it counts as lost.
 */
void medgate_audit_delivered(u64 seq)
{
	unsigned long flags;

	spin_lock_irqsave(&ring_lock, flags);
	if (seq == read_seq)
		read_seq = seq + 1;
	spin_unlock_irqrestore(&ring_lock, flags);
}

static void doorbell(struct work_struct *work)
{
	doorbell_fn();
}

/* @ring_doorbell: tells listeners that events exist; called from a work item, may sleep. */
int medgate_audit_init(void (*ring_doorbell)(void))
{
	ring = vzalloc(array_size(RING_SIZE, sizeof(*ring)));
	if (!ring)
		return -ENOMEM;
	doorbell_fn = ring_doorbell;
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

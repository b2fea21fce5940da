// SPDX-License-Identifier: GPL-2.0
/*
 * The audit event stream: a bounded ring in the module, where every event gets
 * a sequence number when it is generated; a multicast doorbell tells listeners there is something
 * new; a privileged pull (MEDGATE_CMD_AUDIT_READ) returns the events. When the ring is full the
 * oldest event is overwritten; if nobody had read it yet it is counted as lost, and readers also
 * see the gap in sequence numbers, so loss is never silent.
 *
 * Before a denial takes a slot it passes the flood limiter (kmod/audit_limit.c): repeats inside
 * a one-second window and records beyond a profile's token bucket are counted instead, and the
 * counts reach the stream as summary records (op MEDGATE_OP_SUPPRESSED), written when a reader
 * pulls (medgate_audit_flush()) or when a profile's slot in the limiter is given to another.
 *
 * Emitting runs inside LSM hooks: no allocation, no sleeping, no netlink. The doorbell (a function
 * the control plane gives medgate_audit_init()) is rung from a work item, outside the hook and
 * outside the confined task. This file knows nothing of netlink: readers copy events out
 * (medgate_audit_copy()) and the control plane writes them as attributes.
 */
#include <linux/cred.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include "audit.h"
#include "audit_mirror.h"
#include "audit_limit.h"
#include "path.h"
#include "policy.h"

/*
 * Events the ring holds: a power of two from 64 to 4096, fixed at load time. Each takes
 * sizeof(struct medgate_event) (about 12.5 KiB: the path, the mount source and the executable
 * at PATH_MAX each), so the default 256 takes about 3.2 MiB of vmalloc memory and the largest
 * about 50 MiB.
 */
static unsigned int ring_size = 256;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "audit ring entries: a power of two from 64 to 4096 (default 256, each about 12.5 KiB)");
#define RING_SIZE	ring_size

static struct medgate_event *ring;
static DEFINE_SPINLOCK(ring_lock);
static u64 next_seq;	/* seq the next event gets */
static u64 read_seq;	/* events below it were handed to a reader, read in order */
static u64 lost;
static struct medgate_limiter limiter;	/* under ring_lock */

/*
 * Folding (docs/decisions.md, "Audit stream"): a repeat of a record that no reader has copied
 * yet, inside the record's window, adds one to that record's repeat count instead of being
 * counted apart, so "the same open, ten times" is one record saying 10. A record some reader has
 * copied can no longer change (the reader has its copy): repeats then go to the flood limiter,
 * which counts them in the profile's summary. Direct-mapped by key, like the limiter's windows;
 * all under ring_lock.
 */
#define FOLD_SLOTS	MEDGATE_LIMIT_KEYS
static u64 fold_key[FOLD_SLOTS], fold_seq[FOLD_SLOTS], fold_until[FOLD_SLOTS];
static u64 copied_end;	/* no reader has copied a record at or after this seq */
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

u64 medgate_audit_suppressed(void)
{
	unsigned long flags;
	u64 v;

	spin_lock_irqsave(&ring_lock, flags);
	v = limiter.suppressed;
	spin_unlock_irqrestore(&ring_lock, flags);
	return v;
}

u64 medgate_audit_rate_limited(void)
{
	unsigned long flags;
	u64 v;

	spin_lock_irqsave(&ring_lock, flags);
	v = limiter.rate_limited;
	spin_unlock_irqrestore(&ring_lock, flags);
	return v;
}

/* The next slot of the ring, with its sequence number; called under ring_lock. */
static struct medgate_event *take_slot(void)
{
	struct medgate_event *ev = &ring[next_seq % RING_SIZE];

	if (next_seq >= RING_SIZE && ev->seq >= read_seq)
		lost++;
	ev->seq = next_seq++;
	ev->real_ns = ktime_get_real_ns();
	ev->boot_ns = ktime_get_boottime_ns();
	return ev;
}

/*
 * A summary record: what the limiter counted for one profile since its previous summary. It has
 * no task and no object; called under ring_lock.
 */
static void put_summary(const struct medgate_limit_profile *p)
{
	struct medgate_event *ev = take_slot();
	u64 seq = ev->seq, real_ns = ev->real_ns, boot_ns = ev->boot_ns;

	memset(ev, 0, sizeof(*ev));
	ev->seq = seq;
	ev->real_ns = real_ns;
	ev->boot_ns = boot_ns;
	ev->policy_version = p->policy_version;
	ev->profile_id = p->id;
	ev->mode = p->mode;
	ev->verdict = p->denied ? MEDGATE_VERDICT_DENY :
		      p->complained ? MEDGATE_VERDICT_WOULD_DENY : MEDGATE_VERDICT_ALLOW;
	ev->op = MEDGATE_OP_SUPPRESSED;
	ev->rule = MEDGATE_RULE_NONE;
	ev->suppressed = p->suppressed;
	ev->rate_limited = p->rate_limited;
	strscpy(ev->profile, p->name, sizeof(ev->profile));
}

/*
 * What makes two records repeats of each other: everything in them but the time and the thread
 * (threads of one process are one actor; another process is another).
 */
static u64 limit_key(const struct medgate_audit_req *req, u32 tgid)
{
	u32 fields[] = { tgid, req->op, req->access, req->verdict, req->rule, req->dev,
			 req->unnamed, req->peer_pid, req->key_serial };
	u64 h = MEDGATE_LIMIT_HASH_INIT;

	h = medgate_limit_hash(h, &req->profile_id, sizeof(req->profile_id));
	h = medgate_limit_hash(h, &req->ino, sizeof(req->ino));
	h = medgate_limit_hash(h, fields, sizeof(fields));
	if (req->path)
		h = medgate_limit_hash(h, req->path, strnlen(req->path, MEDGATE_PATH_MAX));
	if (req->source)
		h = medgate_limit_hash(h, req->source, strnlen(req->source, MEDGATE_PATH_MAX));
	return h;
}

/*
 * Is @req the event @ev records? The key is a hash, which a task choosing its paths could make
 * collide; a repeat is only folded into a record it really repeats. Under ring_lock.
 */
static bool same_event(const struct medgate_event *ev, const struct medgate_audit_req *req)
{
	return ev->tgid == task_tgid_nr(current) && ev->profile_id == req->profile_id &&
	       ev->op == req->op && ev->access == req->access && ev->verdict == req->verdict &&
	       ev->rule == req->rule && ev->dev == req->dev && ev->ino == req->ino &&
	       ev->policy_version == req->policy_version &&
	       !strcmp(ev->path, req->path ? req->path : "") &&
	       !strcmp(ev->source, req->source ? req->source : "");
}

void medgate_audit_emit(const struct medgate_audit_req *req)
{
	struct medgate_limit_event lev = {
		.key = limit_key(req, task_tgid_nr(current)),
		.profile_id = req->profile_id,
		.explicit_deny = req->verdict == MEDGATE_VERDICT_DENY &&
				 req->rule != MEDGATE_RULE_NONE,
		.deny = req->verdict == MEDGATE_VERDICT_DENY,
		.allow = req->verdict == MEDGATE_VERDICT_ALLOW,
		.policy_version = req->policy_version,
		.mode = req->mode,
		.name = req->profile,
	};
	struct medgate_limit_profile evicted;
	enum medgate_limit_result admitted;
	char comm[TASK_COMM_LEN];
	struct medgate_event *ev;
	unsigned long flags;
	bool has_evicted;
	u64 seq, now;
	u32 slot;

	/* get_task_comm() takes the task lock: not under the ring's lock. */
	get_task_comm(comm, current);
	now = ktime_get_boottime_ns();
	slot = lev.key % FOLD_SLOTS;
	spin_lock_irqsave(&ring_lock, flags);
	if (!req->always && fold_key[slot] == lev.key && now < fold_until[slot] &&
	    fold_seq[slot] >= copied_end && ring[fold_seq[slot] % RING_SIZE].seq == fold_seq[slot] &&
	    ring[fold_seq[slot] % RING_SIZE].repeats < U32_MAX &&
	    same_event(&ring[fold_seq[slot] % RING_SIZE], req)) {
		ring[fold_seq[slot] % RING_SIZE].repeats++;
		spin_unlock_irqrestore(&ring_lock, flags);
		return;
	}
	if (req->always) {
		admitted = MEDGATE_LIMIT_RECORD;
		has_evicted = false;
	} else {
		admitted = medgate_limit_admit(&limiter, &lev, now, &evicted, &has_evicted);
	}
	if (has_evicted)
		put_summary(&evicted);
	if (admitted != MEDGATE_LIMIT_RECORD) {
		spin_unlock_irqrestore(&ring_lock, flags);
		if (has_evicted)
			schedule_work(&doorbell_work);
		return;
	}
	ev = take_slot();
	seq = ev->seq;
	fold_key[slot] = lev.key;
	fold_seq[slot] = seq;
	fold_until[slot] = now + MEDGATE_LIMIT_WINDOW_NS;
	ev->repeats = 0;
	ev->policy_version = req->policy_version;
	ev->profile_id = req->profile_id;
	ev->mode = req->mode;
	ev->verdict = req->verdict;
	ev->pid = task_pid_nr(current);
	ev->tgid = task_tgid_nr(current);
	ev->uid = from_kuid(&init_user_ns, current_uid());
	ev->gid = from_kgid(&init_user_ns, current_gid());
	ev->op = req->op;
	ev->access = req->access;
	ev->rule = req->rule;
	ev->line = req->line;
	ev->err = req->err;
	ev->dev = req->dev;
	ev->ino = req->ino;
	ev->unnamed = req->unnamed;
	ev->peer_pid = req->peer_pid;
	ev->key_serial = req->key_serial;
	ev->prev_policy_version = req->prev_policy_version;
	ev->peer_profile_id = req->peer_profile_id;
	strscpy(ev->peer_profile, req->peer_profile ? req->peer_profile : "",
		sizeof(ev->peer_profile));
	ev->suppressed = 0;
	ev->rate_limited = 0;
	strscpy(ev->profile, req->profile ? req->profile : "", sizeof(ev->profile));
	strscpy(ev->rule_file, req->rule_file ? req->rule_file : "", sizeof(ev->rule_file));
	memcpy(ev->comm, comm, sizeof(ev->comm));
	strscpy(ev->path, req->path ? req->path : "", sizeof(ev->path));
	strscpy(ev->source, req->source ? req->source : "", sizeof(ev->source));
	strscpy(ev->fstype, req->fstype ? req->fstype : "", sizeof(ev->fstype));
	strscpy(ev->exe, req->exe ? req->exe : "", sizeof(ev->exe));
	spin_unlock_irqrestore(&ring_lock, flags);

	medgate_audit_mirror(req, seq, comm);
	schedule_work(&doorbell_work);
}

/**
 * medgate_audit_flush() - write the limiter's unreported counts as summary records.
 * @from: the sequence number the reader asking for it reads from: summaries are written only
 *        while they overwrite nothing at or after it (the rest waits for the next read).
 *
 * Called by readers before they copy: what was counted since the last read reaches them now.
 */
void medgate_audit_flush(u64 from)
{
	struct medgate_limit_profile p;
	unsigned long flags;
	bool wrote = false;

	spin_lock_irqsave(&ring_lock, flags);
	for (;;) {
		u64 oldest = next_seq > RING_SIZE ? next_seq - RING_SIZE : 0;

		if (next_seq - max(from, oldest) >= RING_SIZE)
			break;
		if (!medgate_limit_take_summary(&limiter, &p))
			break;
		put_summary(&p);
		wrote = true;
	}
	spin_unlock_irqrestore(&ring_lock, flags);
	if (wrote)
		schedule_work(&doorbell_work);
}

/**
 * medgate_audit_policy_load() - record a policy load, or its refusal, with the loader.
 * @res: what the load changed (ignored when @err is set).
 * @err: 0, or the load's negative errno.
 *
 * The record is never held back by the flood limiter: who changed the policy, and when, is what
 * a review starts from. Its profile is empty: the loader's own label is the BPF side's; a
 * confined loader needed a rule for mac_admin, recorded as such.
 * Context: process (the control plane), sleeps.
 */
void medgate_audit_policy_load(const struct medgate_load_result *res, int err)
{
	char *exe = kmalloc(MEDGATE_PATH_MAX, GFP_KERNEL);
	struct medgate_audit_req a = {
		.verdict = err ? MEDGATE_VERDICT_DENY : MEDGATE_VERDICT_ALLOW,
		.op = MEDGATE_OP_POLICY_LOAD,
		.rule = MEDGATE_RULE_NONE,
		.err = err < 0 ? -err : 0,
		.always = true,
	};

	if (err) {
		a.policy_version = medgate_policy_version_now();
		a.prev_policy_version = a.policy_version;
	} else {
		a.policy_version = res->version;
		a.prev_policy_version = res->prev_version;
		a.access = res->profiles;
	}
	/* Without the buffer the record still names the loader by pid, uid and comm. */
	a.exe = exe ? medgate_path_exe(exe) : NULL;
	medgate_audit_emit(&a);
	kfree(exe);
}

/* A new policy: the limiter records the first denial of each kind again. */
void medgate_audit_new_policy(void)
{
	unsigned long flags;

	spin_lock_irqsave(&ring_lock, flags);
	medgate_limit_new_policy(&limiter, ktime_get_boottime_ns());
	/* What an event means may have changed: the next one is a record of its own. */
	memset(fold_until, 0, sizeof(fold_until));
	spin_unlock_irqrestore(&ring_lock, flags);
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
	if (*cursor < next_seq) {
		memcpy(ev, &ring[*cursor % RING_SIZE], sizeof(*ev));
		/* The copy is final: no repeat may be folded into this record any more. */
		if (*cursor + 1 > copied_end)
			copied_end = *cursor + 1;
	} else
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
	if (ring_size < 64 || ring_size > 4096 || !is_power_of_2(ring_size)) {
		pr_err("ring_size=%u: must be a power of two from 64 to 4096\n", ring_size);
		return -EINVAL;
	}
	ring = vzalloc(array_size(RING_SIZE, sizeof(*ring)));
	if (!ring)
		return -ENOMEM;
	medgate_limit_init(&limiter);
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

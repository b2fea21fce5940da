// SPDX-License-Identifier: GPL-2.0
/*
 * The audit flood limiter (docs/decisions.md, "Audit stream"). Two rules decide whether a denial
 * becomes a record in the 256-entry ring or is only counted:
 *
 *  - Repeats. A record opens a one-second window for its key (profile, process, operation,
 *    access, verdict, rule and object: medgate_limit_key() in kmod/audit.c); the same key inside
 *    the window is a repeat and is counted, not recorded. So three processes that loop on one
 *    denial make three records a second, however fast they loop, and the attempt that differs
 *    is recorded.
 *  - A token bucket per profile, one per class (explicit-deny records have their own), for the
 *    records that remain: 64 at once, then 16 a second. A profile whose processes vary the object
 *    to defeat the first rule cannot take the ring from the other profiles, nor starve its own
 *    explicit-deny records. What is dropped for want of tokens is counted.
 *
 * Nothing is lost silently: every repeat and every dropped record is counted in the profile's
 * slot (reported in the stream by a summary record, medgate_limit_take_summary()) and in the
 * totals (STATUS_GET). A slot evicted while it holds counts is handed back to the caller to be
 * reported first. All tables have a fixed size; nothing here allocates or sleeps.
 */
#include "audit_limit.h"

u64 medgate_limit_hash(u64 h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void medgate_limit_init(struct medgate_limiter *l)
{
	memset(l, 0, sizeof(*l));
}

static void copy_name(char *dst, const char *src, size_t size)
{
	size_t i = 0;

	if (src)
		for (; i + 1 < size && src[i]; i++)
			dst[i] = src[i];
	dst[i] = '\0';
}

static bool pending(const struct medgate_limit_profile *p)
{
	return p->suppressed || p->rate_limited;
}

static void fill(struct medgate_limit_profile *p, u64 now)
{
	unsigned int c;

	for (c = 0; c < __MEDGATE_LIMIT_CLASS_MAX; c++)
		p->tokens[c] = MEDGATE_LIMIT_BURST;
	p->refilled = now;
}

/*
 * The slot of @ev's profile, claimed when it has none: a free way of its set, or the least
 * recently used one, whose unreported counts then go to *@evicted.
 */
static struct medgate_limit_profile *profile_slot(struct medgate_limiter *l,
						  const struct medgate_limit_event *ev, u64 now,
						  struct medgate_limit_profile *evicted,
						  bool *has_evicted)
{
	struct medgate_limit_profile *set = l->profiles[ev->profile_id % MEDGATE_LIMIT_SETS];
	struct medgate_limit_profile *p = NULL;
	unsigned int w;

	for (w = 0; w < MEDGATE_LIMIT_WAYS; w++) {
		if (set[w].id == ev->profile_id) {
			p = &set[w];
			goto found;
		}
	}
	for (w = 0; w < MEDGATE_LIMIT_WAYS; w++) {
		if (!set[w].id) {
			p = &set[w];
			break;
		}
		if (!p || set[w].last_used < p->last_used)
			p = &set[w];
	}
	if (p->id && pending(p)) {
		*evicted = *p;
		*has_evicted = true;
	}
	memset(p, 0, sizeof(*p));
	p->id = ev->profile_id;
	fill(p, now);
found:
	p->last_used = now;
	return p;
}

/* Adds the tokens earned since the last refill: at most a burst, so at most 64 steps. */
static void refill(struct medgate_limit_profile *p, u64 now)
{
	unsigned int earned = 0, c;

	while (earned < MEDGATE_LIMIT_BURST && now - p->refilled >= MEDGATE_LIMIT_REFILL_NS) {
		earned++;
		p->refilled += MEDGATE_LIMIT_REFILL_NS;
	}
	if (earned == MEDGATE_LIMIT_BURST)
		p->refilled = now;
	for (c = 0; c < __MEDGATE_LIMIT_CLASS_MAX; c++) {
		p->tokens[c] += earned;
		if (p->tokens[c] > MEDGATE_LIMIT_BURST)
			p->tokens[c] = MEDGATE_LIMIT_BURST;
	}
}

/* What the profile's summary record will say about the events it counted. */
static void note(struct medgate_limit_profile *p, const struct medgate_limit_event *ev)
{
	p->policy_version = ev->policy_version;
	p->mode = ev->mode;
	p->denied |= ev->deny;
	p->complained |= !ev->deny && !ev->allow;
	copy_name(p->name, ev->name, sizeof(p->name));
}

/**
 * medgate_limit_admit() - does @ev become a record?
 * @l: the limiter.
 * @ev: the would-be record.
 * @now: a monotonic clock, in ns.
 * @evicted: gets a profile slot that had to make room and still held unreported counts.
 * @has_evicted: set when @evicted was filled: the caller reports it before anything else.
 *
 * Return: MEDGATE_LIMIT_RECORD, or what it was counted as.
 */
enum medgate_limit_result medgate_limit_admit(struct medgate_limiter *l,
					      const struct medgate_limit_event *ev, u64 now,
					      struct medgate_limit_profile *evicted,
					      bool *has_evicted)
{
	unsigned int idx = ev->key % MEDGATE_LIMIT_KEYS;
	enum medgate_limit_class cls = ev->explicit_deny ? MEDGATE_LIMIT_CLASS_EXPLICIT :
							   MEDGATE_LIMIT_CLASS_DEFAULT;
	struct medgate_limit_profile *p;

	*has_evicted = false;
	p = profile_slot(l, ev, now, evicted, has_evicted);
	if (l->window_key[idx] == ev->key && now < l->window_until[idx]) {
		note(p, ev);
		p->suppressed++;
		l->suppressed++;
		return MEDGATE_LIMIT_REPEAT;
	}
	refill(p, now);
	if (!p->tokens[cls]) {
		note(p, ev);
		p->rate_limited++;
		l->rate_limited++;
		return MEDGATE_LIMIT_RATE;
	}
	p->tokens[cls]--;
	l->window_key[idx] = ev->key;
	l->window_until[idx] = now + MEDGATE_LIMIT_WINDOW_NS;
	return MEDGATE_LIMIT_RECORD;
}

/**
 * medgate_limit_take_summary() - the next profile with unreported counts.
 * @l: the limiter.
 * @out: gets a copy of its slot; the slot's counts are then zero (they are the caller's to
 *       report).
 *
 * Return: false when no profile has anything to report.
 */
bool medgate_limit_take_summary(struct medgate_limiter *l, struct medgate_limit_profile *out)
{
	unsigned int s, w;

	for (s = 0; s < MEDGATE_LIMIT_SETS; s++) {
		for (w = 0; w < MEDGATE_LIMIT_WAYS; w++) {
			struct medgate_limit_profile *p = &l->profiles[s][w];

			if (!p->id || !pending(p))
				continue;
			*out = *p;
			p->suppressed = 0;
			p->rate_limited = 0;
			p->denied = false;
			p->complained = false;
			return true;
		}
	}
	return false;
}

/*
 * A policy load starts afresh: what a denial means may have changed, so the first one after it
 * is recorded again, and every profile gets a full bucket. Unreported counts are kept.
 */
void medgate_limit_new_policy(struct medgate_limiter *l, u64 now)
{
	unsigned int s, w;

	memset(l->window_key, 0, sizeof(l->window_key));
	memset(l->window_until, 0, sizeof(l->window_until));
	for (s = 0; s < MEDGATE_LIMIT_SETS; s++)
		for (w = 0; w < MEDGATE_LIMIT_WAYS; w++)
			if (l->profiles[s][w].id)
				fill(&l->profiles[s][w], now);
}

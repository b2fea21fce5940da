// SPDX-License-Identifier: GPL-2.0
/*
 * The audit flood limiter (kmod/audit_limit.c, the very code the module runs) with a simulated
 * clock: repeats inside a key's window are counted, a key's next record comes after its window,
 * a profile's bucket bounds its distinct records without touching another profile's, explicit
 * denies have their own bucket, every count reaches exactly one summary, an evicted profile hands
 * its counts back, and a policy load opens the windows again.
 * kselftest harness: one test per behaviour, each checking its steps in order.
 */
#include <stdio.h>
#include <string.h>

#include "audit_limit.h"
#include "kselftest_harness.h"

#define SEC	1000000000ULL

static struct medgate_limiter l;

static struct medgate_limit_event event(u64 profile, u64 key, bool explicit_deny)
{
	struct medgate_limit_event ev = {
		.key = key, .profile_id = profile, .explicit_deny = explicit_deny, .deny = true,
		.policy_version = 7, .mode = 0, .name = "p",
	};

	return ev;
}

static enum medgate_limit_result admit(u64 profile, u64 key, bool explicit_deny, u64 now)
{
	struct medgate_limit_event ev = event(profile, key, explicit_deny);
	struct medgate_limit_profile evicted;
	bool has;

	return medgate_limit_admit(&l, &ev, now, &evicted, &has);
}

/* Sum of the counts every pending summary reports, taking them. */
static void drain(u64 *suppressed, u64 *rate_limited)
{
	struct medgate_limit_profile p;

	*suppressed = *rate_limited = 0;
	while (medgate_limit_take_summary(&l, &p)) {
		*suppressed += p.suppressed;
		*rate_limited += p.rate_limited;
	}
}

TEST(repeats_in_a_window_are_counted_not_recorded)
{
	u64 s, r, now = 10 * SEC;
	int i, recorded = 0;

	medgate_limit_init(&l);
	for (i = 0; i < 100000; i++)
		recorded += admit(1, 42, false, now + i * 1000) == MEDGATE_LIMIT_RECORD;
	EXPECT_TRUE(recorded == 1)
		TH_LOG("100,000 repeats within a window make one record (%d)", recorded);
	EXPECT_TRUE(admit(1, 43, false, now + 100) == MEDGATE_LIMIT_RECORD)
		TH_LOG("a different object in the middle of the flood is recorded");
	/* Keys include the profile (kmod/audit.c), so another profile's denial has another key. */
	EXPECT_TRUE(admit(2, 44, false, now + 100) == MEDGATE_LIMIT_RECORD)
		TH_LOG("a denial of another profile in the middle of the flood is recorded");
	EXPECT_TRUE(admit(1, 42, false, now + SEC) == MEDGATE_LIMIT_RECORD)
		TH_LOG("the key is recorded again once its window is over");
	drain(&s, &r);
	EXPECT_TRUE(s == 99999 && r == 0 && l.suppressed == 99999)
		TH_LOG("every repeat is counted once, in the summary and the total (%llu)",
		       (unsigned long long)s);
	drain(&s, &r);
	EXPECT_TRUE(s == 0 && r == 0)
		TH_LOG("a summary is taken once");
}

TEST(a_profile_bucket_bounds_its_distinct_records)
{
	u64 s, r, now = 100 * SEC;
	int i, recorded = 0;

	medgate_limit_init(&l);
	for (i = 0; i < 1000; i++)
		recorded += admit(1, 1000 + i, false, now) == MEDGATE_LIMIT_RECORD;
	EXPECT_TRUE(recorded == MEDGATE_LIMIT_BURST)
		TH_LOG("distinct denials at once: a burst is recorded (%d)", recorded);
	EXPECT_TRUE(admit(2, 5, false, now) == MEDGATE_LIMIT_RECORD)
		TH_LOG("another profile is not affected by the flood");
	EXPECT_TRUE(admit(1, 5000, true, now) == MEDGATE_LIMIT_RECORD)
		TH_LOG("an explicit deny of the flooding profile has its own bucket");
	EXPECT_TRUE(admit(1, 5001, false, now + MEDGATE_LIMIT_REFILL_NS) == MEDGATE_LIMIT_RECORD)
		TH_LOG("a token comes back after the refill interval");
	EXPECT_TRUE(admit(1, 5002, false, now + MEDGATE_LIMIT_REFILL_NS) == MEDGATE_LIMIT_RATE)
		TH_LOG("and only one");
	drain(&s, &r);
	EXPECT_TRUE(s == 0 && r == 1000 - MEDGATE_LIMIT_BURST + 1 && l.rate_limited == r)
		TH_LOG("every dropped record is counted (%llu)", (unsigned long long)r);
	for (i = 0; i < 10; i++)
		admit(1, 9000 + i, false, now + 1000 * SEC);
	EXPECT_TRUE(admit(1, 9999, false, now + 1000 * SEC) == MEDGATE_LIMIT_RECORD)
		TH_LOG("a long pause refills the bucket up to a burst, no more");
}

TEST(an_evicted_profile_hands_its_counts_back)
{
	struct medgate_limit_profile evicted;
	struct medgate_limit_event ev;
	u64 s, r, total = 0, now = SEC;
	unsigned int i;
	bool has;

	medgate_limit_init(&l);
	/* Profiles 16 apart share a set: the fifth one evicts the least recently used. */
	for (i = 0; i < MEDGATE_LIMIT_WAYS; i++) {
		admit(1 + 16 * i, 7 + i, false, now + i);
		admit(1 + 16 * i, 7 + i, false, now + i);	/* one repeat each */
	}
	ev = event(1 + 16 * MEDGATE_LIMIT_WAYS, 99, false);
	EXPECT_TRUE(medgate_limit_admit(&l, &ev, now + 10, &evicted, &has) == MEDGATE_LIMIT_RECORD &&
		    has && evicted.id == 1 && evicted.suppressed == 1)
		TH_LOG("a profile evicted from the limiter hands its unreported count back");
	total += has ? evicted.suppressed : 0;
	drain(&s, &r);
	total += s;
	EXPECT_TRUE(total == l.suppressed)
		TH_LOG("evicted and summarised counts add up to the total");
}

TEST(a_policy_load_opens_the_windows_again)
{
	u64 now = SEC;
	int i;

	medgate_limit_init(&l);
	admit(1, 42, false, now);
	for (i = 0; i < MEDGATE_LIMIT_BURST; i++)
		admit(3, 100 + i, false, now);
	medgate_limit_new_policy(&l, now + 1);
	EXPECT_TRUE(admit(1, 42, false, now + 2) == MEDGATE_LIMIT_RECORD)
		TH_LOG("after a policy load the first denial is recorded again");
	EXPECT_TRUE(admit(3, 500, false, now + 2) == MEDGATE_LIMIT_RECORD)
		TH_LOG("and buckets are full again");
}

TEST_HARNESS_MAIN

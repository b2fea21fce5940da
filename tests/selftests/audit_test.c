// SPDX-License-Identifier: GPL-2.0
/*
 * The audit stream as its readers see it: the module rings the doorbell after a denial; every
 * AUDIT_READ dump ends with the counters, an empty one too; events overwritten before anyone
 * read them are reported as one loss, and events plus loss account for every sequence number.
 *
 * The flood limiter (kmod/audit_limit.c) records a repeated denial once per window and at most a
 * burst of distinct ones per profile at a time, so overflowing the ring takes distinct denials
 * from several profiles: 8 profiles of 50 distinct objects each (audit_flood_test tests the
 * limiter itself).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D	MG_WORKDIR "/audit"
#define PROBE	D "/probe"
#define SECRET	D "/secret"
#define RING	256	/* events the module keeps (kmod/audit.c) */
#define FLOOD	"/medgate/helpers/mg-flood"
#define PROFILES 8	/* overflowing the ring: 8 profiles ... */
#define OBJECTS	50	/* ... of 50 distinct denials each, fewer than a profile's burst */

FIXTURE(audit) {
	struct mg_client *c;
};

FIXTURE_SETUP(audit)
{
	mkdir(MG_WORKDIR, 0755);
	mkdir(D, 0755);
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_write_file(SECRET, "s\n", 0600));
	ASSERT_EQ(0, mg_load_textf("profile audited {\n    attach " PROBE "\n}\n"));
	ASSERT_EQ(0, mg_client_open(&self->c));
}

FIXTURE_TEARDOWN(audit)
{
	mg_client_close(self->c);
}

TEST_F(audit, doorbell_rings_after_a_denial)
{
	struct mg_doorbell *db;

	ASSERT_EQ(0, mg_doorbell_open(&db));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	/* Generous: the ring comes from a work item right after the event. */
	EXPECT_EQ(1, mg_doorbell_wait(db, 20000));
	mg_doorbell_close(db);
}

/* An 'audit' rule records what it allows (verdict allow, the rule named); other allows do not. */
TEST_F(audit, audit_rule_records_what_it_allows)
{
	uint64_t from;
	struct mg_event ev;

	ASSERT_EQ(0, mg_write_file(D "/plain", "p\n", 0600));
	ASSERT_EQ(0, mg_load_textf("profile audited {\n    attach " PROBE "\n"
				   "    audit file " SECRET " r\n    file " D "/plain r\n}\n"));
	from = mg_audit_next();
	ASSERT_EQ(0, mg_run_probe(PROBE, "open", SECRET, "r"));
	ASSERT_EQ(0, mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_ALLOW, &ev));
	EXPECT_EQ(0, ev.err);
	EXPECT_EQ(3, ev.rule_line);
	EXPECT_STREQ(PROBE, ev.exe);
	from = mg_audit_next();
	ASSERT_EQ(0, mg_run_probe(PROBE, "open", D "/plain", "r"));
	EXPECT_EQ(-ENOENT, mg_find_event(from, D "/plain", MEDGATE_OP_FILE_OPEN,
					 MEDGATE_VERDICT_ALLOW, &ev));
}

TEST_F(audit, empty_dump_ends_with_the_counters)
{
	uint64_t next = mg_audit_next(), end = 0, lost = ~0ULL;

	ASSERT_NE(0, next);
	EXPECT_EQ(0, mg_audit_read(self->c, next + 1000, NULL, NULL, &end, &lost));
	EXPECT_EQ(next + 1000, end);
	EXPECT_NE(~0ULL, lost);
}

struct tally {
	uint64_t events, lost, first_loss_before;
};

static int count_event(const struct mg_event *ev, void *arg)
{
	((struct tally *)arg)->events++;
	return 0;
}

static void count_loss(uint64_t count, uint64_t before, void *arg)
{
	struct tally *t = arg;

	if (!t->lost)
		t->first_loss_before = before;
	t->lost += count;
}

TEST_F(audit, overwritten_events_are_one_loss)
{
	struct tally t = { 0 };
	struct mg_audit_reader r = { .event = count_event, .loss = count_loss, .arg = &t };
	uint64_t from, cursor, total;
	char policy[4096] = "", path[256], exe[256], prefix[256], count[16];
	size_t used = 0;
	int i, j;

	ASSERT_EQ(0, system("mkdir -p " D "/obj"));
	for (i = 0; i < PROFILES; i++) {
		snprintf(exe, sizeof(exe), D "/flood%d", i);
		ASSERT_EQ(0, mg_copy_file(FLOOD, exe, 0755));
		used += snprintf(policy + used, sizeof(policy) - used,
				 "profile p%d {\n    attach %s\n}\n", i, exe);
		ASSERT_LT(used, sizeof(policy));
		for (j = 0; j < OBJECTS; j++) {
			snprintf(path, sizeof(path), D "/obj/%d-%d", i, j);
			ASSERT_EQ(0, mg_write_file(path, "o\n", 0644));
		}
	}
	ASSERT_EQ(0, mg_load_textf("%s", policy));
	from = mg_audit_next();
	snprintf(count, sizeof(count), "%d", OBJECTS);
	for (i = 0; i < PROFILES; i++) {
		char *argv[] = { exe, "open-each", prefix, count, NULL };

		snprintf(exe, sizeof(exe), D "/flood%d", i);
		snprintf(prefix, sizeof(prefix), D "/obj/%d-", i);
		EXPECT_EQ(0, mg_run(argv));
	}
	cursor = from;
	ASSERT_EQ(0, mg_audit_follow(self->c, &cursor, &r, NULL));
	total = cursor - from;
	EXPECT_LE(PROFILES * OBJECTS, total);
	/* Every sequence number is accounted for: returned, or reported lost. */
	EXPECT_EQ(total, t.events + t.lost);
	EXPECT_LE(total - RING, t.lost);
	EXPECT_EQ(from + t.lost, t.first_loss_before);
}

/*
 * A service retrying the same denied open ten times is one record saying so: the first open is
 * the record, the nine after it are folded into it (no reader has copied it yet). Another
 * process doing the same is a record of its own.
 */
TEST_F(audit, ten_identical_denials_are_one_record_with_nine_repeats)
{
	uint64_t from = mg_audit_next();
	char *argv[] = { PROBE, "open-times", "10", SECRET, "r", NULL };
	struct mg_event ev;

	EXPECT_EQ(EACCES, mg_run(argv));
	ASSERT_EQ(0, mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(9, ev.repeats);
	from = mg_audit_next();
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	ASSERT_EQ(0, mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(0, ev.repeats);
}

/*
 * Who changed the policy, and when: a load is a record naming the loader (this test program),
 * the version it put in force, the one it replaced and the number of profiles; a refused load is
 * a denial with its errno, and the version in force stays. Neither is held back by the flood
 * limiter.
 */
TEST_F(audit, policy_loads_and_refusals_are_records)
{
	uint64_t before = mg_policy_version(), from = mg_audit_next(), after;
	static const unsigned char junk[128] = { 'n', 'o', 't', ' ', 'a', ' ', 'b', 'l', 'o', 'b' };
	struct mg_event ev;
	char exe[4096], err[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ASSERT_LT(0, n);
	exe[n] = '\0';
	ASSERT_EQ(0, mg_load_textf("profile audited {\n    attach " PROBE "\n}\n"
				   "profile other {\n    attach " D "/other\n}\n"));
	after = mg_policy_version();
	ASSERT_NE(before, after);
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_POLICY_LOAD, MEDGATE_VERDICT_ALLOW, &ev));
	EXPECT_EQ(after, ev.policy_version);
	EXPECT_EQ(before, ev.prev_policy_version);
	EXPECT_EQ(2, ev.access) TH_LOG("the new policy's profiles");
	EXPECT_EQ((uint32_t)getpid(), ev.pid);
	EXPECT_EQ(0, ev.uid);
	EXPECT_STREQ(exe, ev.exe);
	EXPECT_EQ(0, ev.err);

	from = mg_audit_next();
	EXPECT_EQ(-EINVAL, mg_load_blob(junk, sizeof(junk), err, sizeof(err)));
	EXPECT_EQ(after, mg_policy_version());
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_POLICY_LOAD, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(after, ev.policy_version);
	EXPECT_EQ(after, ev.prev_policy_version);
	EXPECT_EQ(EINVAL, ev.err);
	EXPECT_EQ((uint32_t)getpid(), ev.pid);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The audit flood (issue 9, escape 13): three confined loops repeat one denial as fast as they
 * can, while one distinct denial is made from another profile and one from the flooding profile
 * itself. Before the flood limiter, the 256-entry ring was overwritten many times over and both
 * distinct records were gone before anyone read them. Now both are readable afterwards, and
 * every repeat is accounted for: the flood's records, the repeats folded into them and the
 * suppressed and rate-limited counts of the profile's summary records add up to exactly the
 * denials the loops made, and the
 * summaries add up to what STATUS_GET counted. Assertions are on content and counts only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/flood"
#define LOOPER		D "/looper"	/* mg-probe in profile "flooding" */
#define OTHER		D "/other"	/* mg-probe in profile "bystander" */
#define SECRET		D "/secret"	/* what the loops are denied */
#define DISTINCT	D "/distinct"	/* the flooding profile's one other denial */
#define OTHER_SECRET	D "/other-secret"	/* the bystander's denial */
#define LOOPS		3
#define PER_LOOP	"33334"
#define DENIALS		(LOOPS * 33334)	/* 100,002: the audit trail's flood of 100,000 */

struct tally {
	uint64_t flood_records, suppressed, rate_limited;	/* profile "flooding" */
	uint64_t flood_repeats;		/* folded into its records */
	uint64_t all_suppressed, all_rate_limited;		/* every summary record */
	uint64_t events, lost;
	bool distinct, other;
};

static int count(const struct mg_event *ev, void *arg)
{
	struct tally *t = arg;

	t->events++;
	if (ev->op == MEDGATE_OP_SUPPRESSED) {
		t->all_suppressed += ev->suppressed;
		t->all_rate_limited += ev->rate_limited;
		if (!strcmp(ev->profile, "flooding")) {
			t->suppressed += ev->suppressed;
			t->rate_limited += ev->rate_limited;
		}
		return 0;
	}
	if (!strcmp(ev->profile, "flooding") && !strcmp(ev->path, SECRET)) {
		t->flood_records++;
		t->flood_repeats += ev->repeats;
	}
	if (!strcmp(ev->profile, "flooding") && !strcmp(ev->path, DISTINCT) &&
	    ev->verdict == MEDGATE_VERDICT_DENY)
		t->distinct = true;
	if (!strcmp(ev->profile, "bystander") && !strcmp(ev->path, OTHER_SECRET) &&
	    ev->verdict == MEDGATE_VERDICT_DENY)
		t->other = true;
	return 0;
}

static void count_loss(uint64_t n, uint64_t before, void *arg)
{
	((struct tally *)arg)->lost += n;
}

FIXTURE(flood) {
	struct mg_client *c;
};

FIXTURE_SETUP(flood)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " D));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, LOOPER, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, OTHER, 0755));
	ASSERT_EQ(0, mg_write_file(SECRET, "s\n", 0600));
	ASSERT_EQ(0, mg_write_file(DISTINCT, "d\n", 0600));
	ASSERT_EQ(0, mg_write_file(OTHER_SECRET, "o\n", 0600));
	ASSERT_EQ(0, mg_load_textf("profile flooding {\n    attach " LOOPER "\n}\n"
				   "profile bystander {\n    attach " OTHER "\n}\n"));
	ASSERT_EQ(0, mg_client_open(&self->c));
}

FIXTURE_TEARDOWN(flood)
{
	mg_client_close(self->c);
}

static pid_t start_loop(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { LOOPER, "open-times", PER_LOOP, SECRET, "r", NULL };

		execv(LOOPER, argv);
		_exit(250);
	}
	return pid;
}

TEST_F_TIMEOUT(flood, distinct_denials_survive_and_repeats_are_counted, 600)
{
	struct tally t = { 0 };
	struct mg_audit_reader r = { .event = count, .loss = count_loss, .arg = &t };
	struct mg_status *before = calloc(1, sizeof(*before)), *after = calloc(1, sizeof(*after));
	uint64_t from, cursor;
	pid_t loops[LOOPS];
	int i, status;

	ASSERT_TRUE(before && after);
	/* A read first: what earlier tests left counted is reported now, not in this test's range. */
	cursor = mg_audit_next();
	ASSERT_EQ(0, mg_audit_follow(self->c, &cursor, &(struct mg_audit_reader){ 0 }, NULL));
	ASSERT_EQ(0, mg_status_get(self->c, before));
	from = before->audit_next_seq;

	for (i = 0; i < LOOPS; i++)
		ASSERT_LT(0, loops[i] = start_loop());
	/* In the middle of the flood: one denial of another profile, one of the same profile. */
	EXPECT_EQ(EACCES, mg_run_probe(OTHER, "open", OTHER_SECRET, "r"));
	EXPECT_EQ(EACCES, mg_run_probe(LOOPER, "open", DISTINCT, "r"));
	for (i = 0; i < LOOPS; i++) {
		ASSERT_EQ(loops[i], waitpid(loops[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == EACCES);
	}

	cursor = from;
	ASSERT_EQ(0, mg_audit_follow(self->c, &cursor, &r, NULL));
	ASSERT_EQ(0, mg_status_get(self->c, after));
	TH_LOG("%llu records, %llu flood records with %llu repeats folded, %llu suppressed, "
	       "%llu rate-limited", (unsigned long long)t.events,
	       (unsigned long long)t.flood_records, (unsigned long long)t.flood_repeats,
	       (unsigned long long)t.suppressed, (unsigned long long)t.rate_limited);

	EXPECT_TRUE(t.other) TH_LOG("the other profile's denial was pushed out");
	EXPECT_TRUE(t.distinct) TH_LOG("the flooding profile's distinct denial was pushed out");
	EXPECT_EQ(0, t.lost) TH_LOG("records were overwritten during the flood");
	/* The flood's first records are there, and not one record per denial. */
	EXPECT_LE(LOOPS, t.flood_records);
	EXPECT_GT(DENIALS / 10, t.flood_records);
	/* Every denial of the loops is a record, a counted repeat or a counted drop. */
	EXPECT_EQ(DENIALS, t.flood_records + t.flood_repeats + t.suppressed + t.rate_limited);
	/* The stream reports what the counters count: nothing counted is left unreported. */
	EXPECT_EQ(after->audit_suppressed - before->audit_suppressed, t.all_suppressed);
	EXPECT_EQ(after->audit_rate_limited - before->audit_rate_limited, t.all_rate_limited);
	free(before);
	free(after);
}

/*
 * An explicit deny rule's records have their own bucket: a flood of distinct default denials in
 * the same profile cannot starve them.
 */
TEST_F(flood, explicit_deny_survives_a_flood_of_distinct_denials)
{
	uint64_t from;
	char path[256];
	struct mg_event ev;
	int i;

	ASSERT_EQ(0, system("mkdir -p " D "/many"));
	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), D "/many/%d", i);
		ASSERT_EQ(0, mg_write_file(path, "m\n", 0644));
	}
	ASSERT_EQ(0, mg_copy_file("/medgate/helpers/mg-flood", D "/flood", 0755));
	ASSERT_EQ(0, mg_load_textf("profile flooding {\n    attach " D "/flood\n"
				   "    attach " LOOPER "\n"
				   "    deny file " SECRET " r\n}\n"));
	from = mg_audit_next();
	{
		char *argv[] = { D "/flood", "open-each", D "/many/", "200", NULL };

		EXPECT_EQ(0, mg_run(argv));
	}
	EXPECT_EQ(EACCES, mg_run_probe(LOOPER, "open", SECRET, "r"));
	ASSERT_EQ(0, mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_NE(MEDGATE_RULE_NONE, ev.rule);
}

TEST_HARNESS_MAIN

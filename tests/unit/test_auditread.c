// SPDX-License-Identifier: GPL-2.0
/*
 * Reading medgated's log back (mg_alog_read, mg_alog_follow, `medgatectl audit show --log`):
 * every kind of record comes back as the record it was written from, across rotated files,
 * oldest first; a loss record is a gap and nothing the log holds is one; a follower sees each
 * record once, across a rotation; a line that is not a record is named by file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "auditlog.h"
#include "medgate.h"
#include "scratch.h"
#include "kselftest_harness.h"

FIXTURE(aread) {
	char dir[128], log[256], key[256], pub[256], msg[512];
	EVP_PKEY *k;
	struct mg_alog *l;
};

FIXTURE_SETUP(aread)
{
	bool created;

	ASSERT_EQ(0, scratch_new(self->dir, sizeof(self->dir), "aread"));
	snprintf(self->log, sizeof(self->log), "%s/audit.log", self->dir);
	snprintf(self->key, sizeof(self->key), "%s/audit.key", self->dir);
	snprintf(self->pub, sizeof(self->pub), "%s/audit.pub", self->dir);
	ASSERT_EQ(0, mg_alog_key_load_or_create(self->key, self->pub, &self->k, &created,
						self->msg, sizeof(self->msg)));
}

FIXTURE_TEARDOWN(aread)
{
	mg_alog_close(self->l);
	EVP_PKEY_free(self->k);
	scratch_remove(self->dir);
}

/* A record of each kind the module makes, numbered from @seq. */
static void sample(struct mg_event *ev, unsigned int kind, uint64_t seq)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = seq;
	ev->time_real_ns = 1796319413000000000ULL + seq;
	ev->time_boot_ns = 5000 + seq;
	ev->policy_version = 0x3c0806b94f69d59bULL;
	ev->profile_id = 0x4dfe87a00bb8669bULL;
	snprintf(ev->profile, sizeof(ev->profile), "svc-%u", kind);
	ev->verdict = MEDGATE_VERDICT_DENY;
	ev->pid = ev->tgid = 100 + kind;
	snprintf(ev->comm, sizeof(ev->comm), "cat");
	snprintf(ev->exe, sizeof(ev->exe), "/usr/bin/cat \"quoted\"\n");
	ev->rule = MEDGATE_RULE_NONE;
	switch (kind % 7) {
	case 0:
		ev->op = MEDGATE_OP_FILE_OPEN;
		ev->access = MEDGATE_ACCESS_READ | MEDGATE_ACCESS_WRITE;
		snprintf(ev->path, sizeof(ev->path), "/etc/shadow-%llu", (unsigned long long)seq);
		ev->dev = (uint32_t)makedev(8, 1);
		ev->ino = 1234;
		ev->rule = 7;
		ev->rule_line = 14;
		snprintf(ev->rule_file, sizeof(ev->rule_file), "/etc/medgate/gw.policy");
		ev->err = 13;
		ev->repeats = 9;
		break;
	case 1:
		ev->op = MEDGATE_OP_CAPABILITY;
		ev->access = 16;	/* sys_module */
		ev->mode = MEDGATE_MODE_COMPLAIN;
		ev->verdict = MEDGATE_VERDICT_WOULD_DENY;
		break;
	case 2:
		ev->op = MEDGATE_OP_SIGNAL;
		ev->access = 9;
		ev->peer_pid = 1;
		ev->peer_profile_id = 0;
		break;
	case 3:
		ev->op = MEDGATE_OP_MOUNT;
		ev->access = MEDGATE_MOUNT_BIND;
		snprintf(ev->path, sizeof(ev->path), "/mnt/x");
		snprintf(ev->source, sizeof(ev->source), "/etc");
		break;
	case 4:
		ev->op = MEDGATE_OP_KEY;
		ev->access = MEDGATE_KEY_READ;
		ev->key_serial = 987654;
		ev->rule = MEDGATE_RULE_PROTECTED;
		break;
	case 5:
		ev->op = MEDGATE_OP_POLICY_LOAD;
		ev->verdict = MEDGATE_VERDICT_ALLOW;
		ev->access = 3;
		ev->prev_policy_version = 0x1122334455667788ULL;
		break;
	case 6:
		ev->op = MEDGATE_OP_SUPPRESSED;
		ev->suppressed = 59990;
		ev->rate_limited = 3;
		break;
	}
}

static int append(FIXTURE_DATA(aread) *self, const struct mg_event *ev)
{
	char line[MG_EVENT_LINE_MAX];
	int err = mg_event_format_json(ev, line, sizeof(line));

	return err ? err : mg_alog_append(self->l, line, ev->seq + 1);
}

static int open_log(FIXTURE_DATA(aread) *self, uint64_t rotate)
{
	struct mg_alog_opts o = { .path = self->log, .key = self->k, .rotate_size = rotate,
				  .keep = 8 };

	return mg_alog_open(&self->l, &o, self->msg, sizeof(self->msg));
}

struct seen {
	struct mg_event ev[64];
	unsigned int n;
	uint64_t loss_count[8], loss_before[8];
	unsigned int losses;
};

static int take(const struct mg_event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n < 64)
		s->ev[s->n++] = *ev;
	return 0;
}

static void take_loss(uint64_t count, uint64_t before, void *arg)
{
	struct seen *s = arg;

	if (s->losses < 8) {
		s->loss_count[s->losses] = count;
		s->loss_before[s->losses++] = before;
	}
}

TEST_F(aread, every_kind_of_record_comes_back_as_written_across_rotated_files)
{
	static struct seen s;
	struct mg_audit_reader r = { take, take_loss, &s };
	struct mg_alog_totals t;
	char bad[512];
	unsigned int i;

	/* Small files: every few records start a new one. */
	ASSERT_EQ(0, open_log(self, 2048));
	for (i = 0; i < 14; i++) {
		struct mg_event ev;

		sample(&ev, i, i);
		ASSERT_EQ(0, append(self, &ev));
	}
	ASSERT_EQ(0, mg_alog_checkpoint(self->l, "stop"));
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(0, mg_alog_read(self->log, 0, &r, &t, bad, sizeof(bad))) TH_LOG("%s", bad);
	EXPECT_LT(1, t.files);
	ASSERT_EQ(14, s.n);
	EXPECT_EQ(14, t.next);
	EXPECT_EQ(0, s.losses);
	EXPECT_EQ(2 * 59990, t.suppressed);
	for (i = 0; i < 14; i++) {
		struct mg_event want;

		sample(&want, i, i);
		EXPECT_EQ(0, memcmp(&want, &s.ev[i], sizeof(want))) {
			char a[MG_EVENT_LINE_MAX], b[MG_EVENT_LINE_MAX];

			mg_event_format_json(&want, a, sizeof(a));
			mg_event_format_json(&s.ev[i], b, sizeof(b));
			TH_LOG("record %u\nwritten %s\nread    %s", i, a, b);
		}
	}
}

TEST_F(aread, a_loss_record_is_a_gap_and_from_selects)
{
	static struct seen s;
	struct mg_audit_reader r = { take, take_loss, &s };
	struct mg_alog_totals t;
	struct mg_event ev;
	char bad[512];

	ASSERT_EQ(0, open_log(self, 0));
	sample(&ev, 0, 0);
	ASSERT_EQ(0, append(self, &ev));
	/* The module overwrote 1..4 before medgated read them. */
	ASSERT_EQ(0, mg_alog_append(self->l, "{\"type\":\"loss\",\"source\":\"module\",\"lost\":4,"
				    "\"first_seq\":1,\"last_seq\":4,\"before_seq\":5,\"next_seq\":5}", 5));
	sample(&ev, 0, 5);
	ASSERT_EQ(0, append(self, &ev));
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(0, mg_alog_read(self->log, 0, &r, &t, bad, sizeof(bad)));
	ASSERT_EQ(2, s.n);
	ASSERT_EQ(1, s.losses);
	EXPECT_EQ(4, s.loss_count[0]);
	EXPECT_EQ(5, s.loss_before[0]);
	EXPECT_EQ(4, t.lost);
	EXPECT_EQ(6, t.next);
	/* From 3: the part of the gap at and after 3, then the event after it. */
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(0, mg_alog_read(self->log, 3, &r, &t, bad, sizeof(bad)));
	ASSERT_EQ(1, s.n);
	EXPECT_EQ(5, s.ev[0].seq);
	ASSERT_EQ(1, s.losses);
	EXPECT_EQ(2, s.loss_count[0]);
}

TEST_F(aread, a_follower_sees_each_record_once_across_a_rotation)
{
	static struct seen s;
	struct mg_audit_reader r = { take, take_loss, &s };
	struct mg_alog_cursor c = { 0 };
	struct mg_alog_totals t;
	struct mg_event ev;
	char bad[512];
	unsigned int i;

	ASSERT_EQ(0, open_log(self, 1500));
	sample(&ev, 0, 0);
	ASSERT_EQ(0, append(self, &ev));
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(0, mg_alog_follow(&c, self->log, 0, &r, &t, bad, sizeof(bad)));
	ASSERT_EQ(1, s.n);
	/* Enough to rotate at least once between two calls. */
	for (i = 1; i < 6; i++) {
		sample(&ev, 0, i);
		ASSERT_EQ(0, append(self, &ev));
	}
	ASSERT_EQ(0, mg_alog_follow(&c, self->log, 1, &r, &t, bad, sizeof(bad)));
	ASSERT_EQ(0, mg_alog_follow(&c, self->log, 6, &r, &t, bad, sizeof(bad)));
	ASSERT_EQ(6, s.n);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(i, s.ev[i].seq);
}

TEST_F(aread, a_line_that_is_not_a_record_is_named)
{
	static struct seen s;
	struct mg_audit_reader r = { take, take_loss, &s };
	struct mg_alog_totals t;
	char bad[512], want[300];

	ASSERT_EQ(0, scratch_put(self->dir, "audit.log", "{\"type\":\"event\",\"seq\":1}\n"));
	memset(&s, 0, sizeof(s));
	EXPECT_EQ(-EBADMSG, mg_alog_read(self->log, 0, &r, &t, bad, sizeof(bad)));
	snprintf(want, sizeof(want), "%s:1", self->log);
	EXPECT_STREQ(want, bad);
}

TEST_HARNESS_MAIN

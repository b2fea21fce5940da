// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl audit verify: medgated's chained log checked with the public key alone (the engine
 * is user/lib/auditverify.c).
 *
 * medgatectl audit show: the events medgate.ko still holds in its ring, one per line. A gap in
 * the sequence numbers is printed as a loss record ("N events lost before seq X"), never skipped
 * silently: an auditor must be able to tell "nothing happened" from "we lost it". The options
 * and the reading shared with summary and export (audit_report.c) are here too.
 */
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json.h>

#include "auditlog.h"
#include "common.h"

void audit_help(FILE *f)
{
	fprintf(f,
		"Usage: medgatectl audit show [--from SEQ] [--log FILE] [FILTER...] [-j]\n"
		"       medgatectl audit summary [--from SEQ] [--log FILE] [FILTER...] [--top N] [-j]\n"
		"       medgatectl audit export --format json|csv [--from SEQ] [--log FILE] [FILTER...]\n"
		"       medgatectl audit follow [--from SEQ] [--log FILE] [FILTER...] [-j]\n"
		"\n"
		"show prints the audit events still held by medgate.ko, from sequence number SEQ\n"
		"(default 0), one per line: seq, time, profile (mode), verdict, pid, uid, gid, comm,\n"
		"exe, op, access (letters, or a capability's name), path, the deciding rule with its\n"
		"source line, and the policy version. docs/cli.md explains every field and op. Missing\n"
		"sequence numbers are reported as \"N events lost before seq X\". Repeated denials the\n"
		"module counted instead of recording appear as \"suppressed\" records (per profile,\n"
		"with the counts), and the totals end the output. With -j: JSON lines (the medgated\n"
		"log format).\n"
		"summary counts the records by profile, operation and object, most first (--top N\n"
		"rows, default 20), with the losses: what a reviewer reads first.\n"
		"export writes every record for another tool: JSON lines, or CSV with a header row.\n"
		"follow prints records as the module makes them (from its next one, or SEQ) until\n"
		"interrupted; it also needs CAP_SYS_ADMIN (the audit doorbell).\n"
		"\n"
		"--log FILE: read medgated's log FILE (and its rotated files) instead of the module:\n"
		"a copy off the device, or events the module no longer holds; the losses are those\n"
		"the log records, never an event it saved. No privilege needed beyond reading FILE.\n"
		"\n"
		"FILTER (losses are always shown; each option once, --verdict and --op may repeat):\n"
		"  --since T, --until T   T: 2026-12-03T09:00:00Z (UTC), @SECONDS, or -N[smhd] (ago)\n"
		"  --profile NAME  --pid PID  --exe GLOB  --path GLOB  (globs as in policies)\n"
		"  --verdict allow|deny|would_deny  --op OP (file_open, exec, mount, ...)\n"
		"Needs CAP_MAC_ADMIN.\n"
		"\n"
		"Usage: medgatectl audit verify [--pubkey FILE] [--live] [LOG]\n"
		"\n"
		"Checks medgated's audit log LOG (default " MG_ALOG_DEFAULT_PATH ") and its rotated\n"
		"files LOG.N, oldest first: every line's hash link to the line before it, every\n"
		"checkpoint's signature with the public key FILE (default " MG_ALOG_DEFAULT_PUB "),\n"
		"and that the log ends with a checkpoint. Needs only the public key: works on a copy\n"
		"of the log anywhere. Names the first broken link (file, line, reason). --live: the\n"
		"log is being written, lines after the last checkpoint are counted, not failed.\n"
		"Exit status: 0 intact, 1 not intact (or unreadable), 2 usage error.\n");
}

struct show {
	uint64_t events;
	char *line;
};

static void print_loss(uint64_t count, uint64_t before, void *arg)
{
	struct show *s = arg;

	if (json_output)
		mg_loss_format_json(count, before, s->line, MG_EVENT_LINE_MAX);
	else
		mg_loss_format_text(count, before, s->line, MG_EVENT_LINE_MAX);
	printf("%s\n", s->line);
}

static int print_event(const struct mg_event *ev, void *arg)
{
	struct show *s = arg;
	int err;

	err = json_output ? mg_event_format_json(ev, s->line, MG_EVENT_LINE_MAX)
			  : mg_event_format_text(ev, s->line, MG_EVENT_LINE_MAX);
	if (err && json_output)
		mg_unprintable_format_json(ev->seq, s->line, MG_EVENT_LINE_MAX);
	else if (err)
		snprintf(s->line, MG_EVENT_LINE_MAX, "%" PRIu64 " (unprintable event)", ev->seq);
	printf("%s\n", s->line);
	s->events++;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/*
 * The options every audit command takes: --from, the filters, -j; @extra, when set, takes the
 * command's own (returns the words it used, 0 when the word is not its, -1 on an error it said).
 * Returns 0 or EXIT_USAGE (said).
 */
int audit_options(int argc, char **argv, struct audit_query *q,
		  int (*extra)(int argc, char **argv, int i, void *arg), void *arg)
{
	struct timespec now;
	int i, n;

	clock_gettime(CLOCK_REALTIME, &now);
	for (i = 0; i < argc; i++) {
		const char *why = NULL;

		if (is_json_opt(argv[i])) {
			json_output = true;
		} else if (!strcmp(argv[i], "--from")) {
			if (i + 1 >= argc || parse_u64(argv[i + 1], &q->from))
				return usage_error(audit_help, "--from needs a sequence number");
			i++;
		} else if (!strcmp(argv[i], "--log")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return usage_error(audit_help, "--log needs the log's path (%s)",
						   MG_ALOG_DEFAULT_PATH);
			q->log = argv[++i];
		} else if ((n = mg_event_filter_option(&q->filter, argv[i],
							i + 1 < argc ? argv[i + 1] : NULL,
							(uint64_t)now.tv_sec * 1000000000ULL +
							(uint64_t)now.tv_nsec, &why)) != 0) {
			if (n < 0)
				return usage_error(audit_help, "%s %s", argv[i], why);
			i++;
		} else if (extra && (n = extra(argc, argv, i, arg)) != 0) {
			if (n < 0)
				return EXIT_USAGE;
			i += n - 1;
		} else {
			return usage_error(audit_help, "unexpected argument \"%s\"", argv[i]);
		}
	}
	return 0;
}

struct filtered {
	const struct audit_query *q;
	const struct mg_audit_reader *to;
};

static int filtered_event(const struct mg_event *ev, void *arg)
{
	struct filtered *fl = arg;

	if (!mg_event_filter_match(&fl->q->filter, ev))
		return 0;
	return fl->to->event(ev, fl->to->arg);
}

static void filtered_loss(uint64_t count, uint64_t before, void *arg)
{
	struct filtered *fl = arg;

	fl->to->loss(count, before, fl->to->arg);
}

/* audit_read() from medgated's log: what it saved, and the losses it recorded. */
static int log_read(const struct audit_query *q, const struct mg_audit_reader *r,
		    struct audit_totals *t)
{
	struct mg_alog_totals at;
	char bad[4300];
	int err;

	err = mg_alog_read(q->log, q->from, r, &at, bad, sizeof(bad));
	if (err == -EBADMSG) {
		errmsg("%s: not a record of medgated's log (audit verify says more)", bad);
		return err;
	}
	if (err) {
		errmsg("cannot read the audit log %s: %s", q->log, strerror(-err));
		return err;
	}
	t->next = at.next > q->from ? at.next : q->from;
	t->lost = at.lost;
	t->suppressed = at.suppressed;
	t->rate_limited = at.rate_limited;
	return 0;
}

/*
 * Reads the records the module holds from q->from, those the filter selects to @r (losses all),
 * and the totals. Returns 0 or -errno (said).
 */
int audit_read(const struct audit_query *q, const struct mg_audit_reader *r,
	       struct audit_totals *t)
{
	struct filtered fl = { q, r };
	struct mg_audit_reader reader = { filtered_event, filtered_loss, &fl };
	struct mg_status *st = NULL;
	struct mg_client *c = NULL;
	int err;

	if (q->log)
		return log_read(q, &reader, t);
	t->next = q->from;
	err = open_client(&c);
	if (err)
		return err;
	err = mg_audit_follow(c, &t->next, &reader, &t->lost);
	if (err) {
		errmsg("audit read failed: %s%s", strerror(-err),
		       err == -EPERM ? " (reading the audit stream needs CAP_MAC_ADMIN)" : "");
		goto out;
	}
	/* The flood limiter's totals: what the summary records report, counted since load. */
	st = calloc(1, sizeof(*st));
	err = st ? mg_status_get(c, st) : -ENOMEM;
	if (err) {
		errmsg("status read failed: %s", strerror(-err));
		goto out;
	}
	t->suppressed = st->audit_suppressed;
	t->rate_limited = st->audit_rate_limited;
out:
	mg_client_close(c);
	free(st);
	return err;
}

static int cmd_show(int argc, char **argv)
{
	struct show s = { 0 };
	struct mg_audit_reader reader = { .event = print_event, .loss = print_loss, .arg = &s };
	struct audit_query q = { 0 };
	struct audit_totals t = { 0 };
	int ret;

	ret = audit_options(argc, argv, &q, NULL, NULL);
	if (ret)
		return ret;
	s.line = malloc(MG_EVENT_LINE_MAX);
	if (!s.line) {
		errmsg("out of memory");
		return EXIT_FAIL;
	}
	ret = exit_status(audit_read(&q, &reader, &t));
	if (ret)
		goto out;
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string("end"));
		json_object_object_add(o, "next_seq", json_object_new_uint64(t.next));
		json_object_object_add(o, "lost", json_object_new_uint64(t.lost));
		json_object_object_add(o, "suppressed", json_object_new_uint64(t.suppressed));
		json_object_object_add(o, "rate_limited", json_object_new_uint64(t.rate_limited));
		mg_json_print(stdout, o);
	} else {
		if (!s.events)
			printf("no audit events from seq %" PRIu64 "%s\n", q.from,
			       audit_filtered(&q) ? " that the filters select" : "");
		audit_totals_text(&t);
	}
out:
	free(s.line);
	return ret;
}

/* The totals, after a show or summary in text. */
void audit_totals_text(const struct audit_totals *t)
{
	if (t->lost)
		printf("the module overwrote %" PRIu64 " event%s in total before anyone read them\n",
		       t->lost, t->lost == 1 ? "" : "s");
	if (t->suppressed || t->rate_limited)
		printf("the module counted %" PRIu64 " repeated denial%s instead of recording them"
		       " and dropped %" PRIu64 " record%s over a profile's rate, in total"
		       " (the suppressed records say which profile)\n",
		       t->suppressed, t->suppressed == 1 ? "" : "s",
		       t->rate_limited, t->rate_limited == 1 ? "" : "s");
}

bool audit_filtered(const struct audit_query *q)
{
	static const struct mg_event_filter none;

	return memcmp(&q->filter, &none, sizeof(none)) != 0;
}

static volatile sig_atomic_t stop_following;

static void on_stop(int sig)
{
	(void)sig;
	stop_following = 1;
}

/*
 * follow --log: the records as medgated writes them to its log (tail -F: across rotations),
 * polled twice a second; from the log's end, or --from.
 */
static int follow_log(struct audit_query *q, const struct mg_audit_reader *r)
{
	struct sigaction sa = { .sa_handler = on_stop };
	struct mg_alog_cursor cur = { 0 };
	struct mg_alog_totals t;
	bool from_end = q->from == UINT64_MAX;
	char bad[4300];
	int err;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop_following) {
		struct timespec half = { .tv_nsec = 500000000L };

		err = mg_alog_follow(&cur, q->log, q->from, r, &t, bad, sizeof(bad));
		if (err == -EBADMSG) {
			errmsg("%s: not a record of medgated's log (audit verify says more)", bad);
			return EXIT_FAIL;
		}
		if (err && err != -ENOENT) {
			errmsg("cannot read the audit log %s: %s", q->log, strerror(-err));
			return EXIT_FAIL;
		}
		if (from_end && cur.started) {
			q->from = t.next;
			from_end = false;
		} else if (t.next > q->from) {
			q->from = t.next;
		}
		nanosleep(&half, NULL);
	}
	return 0;
}

/*
 * follow: the records as the module makes them, until SIGINT or SIGTERM. It starts at the
 * module's next sequence number (or --from), prints what the ring holds, then waits for the
 * doorbell (or 5 seconds: a missed doorbell only delays) and reads again from where it stopped,
 * so a gap still shows as a loss record.
 */
static int cmd_follow(int argc, char **argv)
{
	struct show s = { 0 };
	struct mg_audit_reader reader = { .event = print_event, .loss = print_loss, .arg = &s };
	struct filtered fl = { NULL, &reader };
	struct mg_audit_reader filtered = { filtered_event, filtered_loss, &fl };
	struct sigaction sa = { .sa_handler = on_stop };
	struct audit_query q = { .from = UINT64_MAX };
	struct mg_doorbell *db = NULL;
	struct mg_status *st = NULL;
	struct mg_client *c = NULL;
	uint64_t lost = 0;
	int ret, err;

	ret = audit_options(argc, argv, &q, NULL, NULL);
	if (ret)
		return ret;
	fl.q = &q;
	s.line = malloc(MG_EVENT_LINE_MAX);
	st = calloc(1, sizeof(*st));
	if (!s.line || !st) {
		errmsg("out of memory");
		ret = EXIT_FAIL;
		goto out;
	}
	if (q.log) {
		ret = follow_log(&q, &filtered);
		goto out;
	}
	err = open_client(&c);
	if (!err && q.from == UINT64_MAX) {
		err = mg_status_get(c, st);
		if (err)
			errmsg("status read failed: %s", strerror(-err));
		q.from = st->audit_next_seq;
	}
	if (!err) {
		err = mg_doorbell_open(&db);
		if (err)
			errmsg("cannot join the audit doorbell: %s%s", strerror(-err),
			       err == -EPERM ? " (it needs CAP_SYS_ADMIN)" : "");
	}
	if (err) {
		ret = EXIT_FAIL;
		goto out;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop_following) {
		err = mg_audit_follow(c, &q.from, &filtered, &lost);
		if (err) {
			errmsg("audit read failed: %s", strerror(-err));
			ret = EXIT_FAIL;
			break;
		}
		err = mg_doorbell_wait(db, 5000);
		if (err < 0 && err != -EINTR) {
			errmsg("audit doorbell failed: %s", strerror(-err));
			ret = EXIT_FAIL;
			break;
		}
	}
out:
	mg_doorbell_close(db);
	mg_client_close(c);
	free(st);
	free(s.line);
	return ret;
}

static int cmd_verify(int argc, char **argv)
{
	const char *pub_path = MG_ALOG_DEFAULT_PUB, *log = NULL;
	struct mg_alog_report *r;
	EVP_PKEY *pub = NULL;
	bool live = false;
	char msg[512];
	int i, err, ret = EXIT_FAIL;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--pubkey")) {
			if (i + 1 >= argc)
				return usage_error(audit_help, "--pubkey needs a file");
			pub_path = argv[++i];
		} else if (!strcmp(argv[i], "--live")) {
			live = true;
		} else if (argv[i][0] == '-' || log) {
			return usage_error(audit_help, "unexpected argument \"%s\"", argv[i]);
		} else {
			log = argv[i];
		}
	}
	if (!log)
		log = MG_ALOG_DEFAULT_PATH;
	err = mg_alog_pubkey_load(pub_path, &pub, msg, sizeof(msg));
	if (err) {
		errmsg("%s", msg);
		return EXIT_FAIL;
	}
	r = malloc(sizeof(*r));
	err = r ? mg_alog_verify(log, pub, live, r) : -ENOMEM;
	if (err) {
		errmsg("cannot read %s: %s", log, strerror(-err));
	} else if (!r->intact) {
		printf("%s:%" PRIu64 ": NOT INTACT: %s\n", r->file, r->line, r->reason);
	} else {
		printf("%s: intact: %u file%s, %" PRIu64 " lines, %" PRIu64 " events, %" PRIu64
		       " loss records, %" PRIu64 " checkpoints; the last one seals up to module seq %" PRIu64 "\n",
		       log, r->files, r->files == 1 ? "" : "s", r->lines, r->events, r->losses,
		       r->checkpoints, r->next_seq);
		if (r->open_tail)
			printf("%s: %" PRIu64 " line%s after the last checkpoint (not yet sealed)\n", log,
			       r->open_tail, r->open_tail == 1 ? "" : "s");
		ret = EXIT_OK;
	}
	free(r);
	EVP_PKEY_free(pub);
	return ret;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	audit_help(stdout);
	return EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "show", cmd_show },
	{ "summary", cmd_summary },
	{ "export", cmd_export },
	{ "follow", cmd_follow },
	{ "verify", cmd_verify },
	{ "help", cmd_help },
	{ NULL, NULL },
};

int do_audit(int argc, char **argv)
{
	return dispatch(cmds, NULL, argc, argv, audit_help);
}

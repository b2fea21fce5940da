// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl audit verify: medgated's chained log checked with the public key alone (the engine
 * is user/lib/auditverify.c).
 *
 * medgatectl audit show: the events medgate.ko still holds in its ring, one per line. A gap in
 * the sequence numbers is printed as a loss record ("N events lost before seq X"), never skipped
 * silently: an auditor must be able to tell "nothing happened" from "we lost it".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "auditlog.h"
#include "common.h"

void audit_help(FILE *f)
{
	fprintf(f,
		"Usage: medgatectl audit show [--from SEQ] [-j]\n"
		"\n"
		"Prints the audit events still held by medgate.ko, from sequence number SEQ (default\n"
		"0), one per line: seq, time, profile (mode), verdict, pid, uid, comm, op, access\n"
		"(letters, or a capability's name), path, the deciding rule with its source line, and\n"
		"the policy version. docs/cli.md explains every field and op. Missing sequence numbers\n"
		"are reported as\n"
		"\"N events lost before seq X\". Repeated denials the module counted instead of\n"
		"recording appear as \"suppressed\" records (per profile, with the counts), and the\n"
		"totals end the output. With -j: JSON lines (the records of medgated's log).\n"
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

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static int cmd_show(int argc, char **argv)
{
	struct show s = { 0 };
	struct mg_audit_reader reader = { .event = print_event, .loss = print_loss, .arg = &s };
	struct mg_client *c = NULL;
	uint64_t from = 0, next = 0, lost = 0;
	struct mg_status *st = NULL;
	int i, ret = EXIT_OK, err;

	for (i = 0; i < argc; i++) {
		if (is_json_opt(argv[i])) {
			json_output = true;
		} else if (!strcmp(argv[i], "--from")) {
			if (i + 1 >= argc || parse_u64(argv[i + 1], &from))
				return usage_error(audit_help, "--from needs a sequence number");
			i++;
		} else {
			return usage_error(audit_help, "unexpected argument \"%s\"", argv[i]);
		}
	}
	s.line = malloc(MG_EVENT_LINE_MAX);
	if (!s.line) {
		errmsg("out of memory");
		return EXIT_FAIL;
	}
	next = from;
	err = open_client(&c);
	if (err) {
		ret = exit_status(err);
		goto out;
	}
	err = mg_audit_follow(c, &next, &reader, &lost);
	if (err) {
		errmsg("audit read failed: %s%s", strerror(-err),
		       err == -EPERM ? " (reading the audit stream needs CAP_MAC_ADMIN)" : "");
		ret = EXIT_FAIL;
		goto out;
	}
	/* The flood limiter's totals: what the summary records report, counted since load. */
	st = calloc(1, sizeof(*st));
	err = st ? mg_status_get(c, st) : -ENOMEM;
	if (err) {
		errmsg("status read failed: %s", strerror(-err));
		ret = EXIT_FAIL;
		goto out;
	}
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string("end"));
		json_object_object_add(o, "next_seq", json_object_new_uint64(next));
		json_object_object_add(o, "lost", json_object_new_uint64(lost));
		json_object_object_add(o, "suppressed", json_object_new_uint64(st->audit_suppressed));
		json_object_object_add(o, "rate_limited",
				       json_object_new_uint64(st->audit_rate_limited));
		mg_json_print(stdout, o);
	} else {
		if (!s.events)
			printf("no audit events from seq %" PRIu64 "\n", from);
		if (lost)
			printf("the module overwrote %" PRIu64 " event%s in total before anyone read them\n",
			       lost, lost == 1 ? "" : "s");
		if (st->audit_suppressed || st->audit_rate_limited)
			printf("the module counted %" PRIu64 " repeated denial%s instead of recording them"
			       " and dropped %" PRIu64 " record%s over a profile's rate, in total"
			       " (the suppressed records say which profile)\n",
			       st->audit_suppressed, st->audit_suppressed == 1 ? "" : "s",
			       st->audit_rate_limited, st->audit_rate_limited == 1 ? "" : "s");
	}
out:
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
	{ "verify", cmd_verify },
	{ "help", cmd_help },
	{ NULL, NULL },
};

int do_audit(int argc, char **argv)
{
	return dispatch(cmds, NULL, argc, argv, audit_help);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * medgated's logger: pulls the module's audit events when its doorbell rings and appends them to
 * the chained, signed log (user/lib/auditlog.c, docs/audit-log.md), with records of its own
 * start and stop, of a torn line found at start, and of every loss: events the module could not
 * deliver, and events the log could not take (a full disk), each with its sequence range.
 * Enforcement never waits on any of this: the programs are pinned and decide without medgated.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <sys/statvfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "auditlog.h"
#include "forward.h"
#include "logger.h"
#include "medgate.h"

#define MEDGATED_VERSION "0.1"

static volatile sig_atomic_t stop_requested, reopen_requested;

struct logger {
	const struct logger_opts *o;
	struct mg_alog *log;
	EVP_PKEY *key;
	struct forwarder *fwd;	/* NULL without --syslog */
	uint64_t expect;	/* the next module sequence number to log */
	char *line;
	/* Events the log could not take: [fail_first, fail_next), reported once it can again. */
	bool failing;
	uint64_t fail_first, fail_next;
	int fail_err;
	struct timespec last_cp;
	/* The capacity warning: given once when the file system passes the threshold. */
	bool capacity_warned;
	struct timespec last_capacity;
};

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

static void now_string(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (mg_time_format((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec, buf, len))
		snprintf(buf, len, "unknown");
}

/* A loss record: @count sequence numbers before @before never reached the log, because of @why. */
static int loss_record(char *buf, uint64_t count, uint64_t before, const char *source,
		       const char *why)
{
	struct json_object *o = json_object_new_object();
	int err;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "type", json_object_new_string("loss"));
	json_object_object_add(o, "source", json_object_new_string(source));
	json_object_object_add(o, "lost", json_object_new_uint64(count));
	json_object_object_add(o, "first_seq", json_object_new_uint64(before - count));
	json_object_object_add(o, "last_seq", json_object_new_uint64(before - 1));
	json_object_object_add(o, "before_seq", json_object_new_uint64(before));
	if (why)
		json_object_object_add(o, "reason", json_object_new_string(why));
	json_object_object_add(o, "next_seq", json_object_new_uint64(before));
	err = mg_json_format(o, buf, MG_EVENT_LINE_MAX);
	json_object_put(o);
	return err;
}

/* Writes the loss record of what the log could not take; 0 once it could, -errno while not. */
static int recover(struct logger *lg)
{
	char *loss = malloc(MG_EVENT_LINE_MAX);
	int err;

	err = loss ? loss_record(loss, lg->fail_next - lg->fail_first, lg->fail_next, "log",
				 strerror(lg->fail_err)) : -ENOMEM;
	if (!err)
		err = mg_alog_append(lg->log, loss, lg->fail_next);
	free(loss);
	if (err)
		return err;
	say("the audit log can be written again: recorded the %" PRIu64 " events it could not take",
	    lg->fail_next - lg->fail_first);
	lg->failing = false;
	return 0;
}

/*
 * Appends @record, which covers module sequence numbers [@first, @next). When the log cannot
 * take it (a full disk), the range joins the failed one, and the next record that can be
 * written is preceded by one loss record for all of it.
 */
static void emit(struct logger *lg, const char *record, uint64_t first, uint64_t next)
{
	int err;

	if (lg->failing && recover(lg)) {
		if (next > lg->fail_next)
			lg->fail_next = next;
		return;
	}
	err = mg_alog_append(lg->log, record, next);
	if (!err)
		return;
	say("cannot write the audit log: %s; counting what it misses until it can be written again (enforcement goes on)",
	    strerror(-err));
	lg->failing = true;
	lg->fail_err = -err;
	lg->fail_first = first;
	lg->fail_next = next;
}

static void log_loss(uint64_t count, uint64_t before, void *arg)
{
	struct logger *lg = arg;

	if (!loss_record(lg->line, count, before, "module", NULL))
		emit(lg, lg->line, before - count, before);
}

static int log_event(const struct mg_event *ev, void *arg)
{
	struct logger *lg = arg;

	if (mg_event_format_json(ev, lg->line, MG_EVENT_LINE_MAX))
		mg_unprintable_format_json(ev->seq, lg->line, MG_EVENT_LINE_MAX);
	emit(lg, lg->line, ev->seq, ev->seq + 1);
	/* After the signed log, whatever became of that write: the copy never holds it back. */
	if (lg->fwd)
		fwd_event(lg->fwd, ev);
	return 0;
}

/* start, stop and torn records: medgated's own, no module sequence numbers. */
static void log_daemon(struct logger *lg, const char *type, size_t torn)
{
	struct json_object *o = json_object_new_object();
	char when[64], tornpath[4200];

	if (!o)
		return;
	now_string(when, sizeof(when));
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	if (!strcmp(type, "start"))
		json_object_object_add(o, "version", json_object_new_string(MEDGATED_VERSION));
	if (torn) {
		snprintf(tornpath, sizeof(tornpath), "%s.torn", lg->o->path);
		json_object_object_add(o, "bytes", json_object_new_uint64(torn));
		json_object_object_add(o, "moved_to", mg_json_string(tornpath));
	}
	/* With --syslog, the stop record says how many records syslog did not get. */
	if (lg->fwd && !strcmp(type, "stop"))
		json_object_object_add(o, "syslog_unforwarded",
				       json_object_new_uint64(fwd_failed(lg->fwd)));
	json_object_object_add(o, "next_seq", json_object_new_uint64(lg->expect));
	if (!mg_json_format(o, lg->line, MG_EVENT_LINE_MAX))
		emit(lg, lg->line, lg->expect, lg->expect);
	json_object_put(o);
}

/*
 * A `warning` record, once, when the file system of the log is fuller than o->warn_percent (of
 * the blocks an unprivileged writer may use), so that someone makes room before records are
 * lost; once it is 5 points below again, the next crossing warns again. Checked at most once a
 * second.
 */
static void check_capacity(struct logger *lg)
{
	unsigned int warn = lg->o->warn_percent, used;
	char dir[4096], *slash;
	struct json_object *o;
	struct statvfs sv;
	char when[64];

	if (!warn || (lg->last_capacity.tv_sec && since(&lg->last_capacity) < 1.0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &lg->last_capacity);
	snprintf(dir, sizeof(dir), "%s", lg->o->path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (statvfs(dir, &sv) || !sv.f_blocks)
		return;
	used = (unsigned int)(100 - sv.f_bavail * 100 / sv.f_blocks);
	if (lg->capacity_warned) {
		if (used + 5 < warn) {
			lg->capacity_warned = false;
			say("the audit log's file system is %u%% full again, below the warning at %u%%",
			    used, warn);
		}
		return;
	}
	if (used < warn)
		return;
	lg->capacity_warned = true;
	say("the audit log's file system %s is %u%% full (warning at %u%%): make room before records are lost",
	    dir, used, warn);
	o = json_object_new_object();
	if (!o)
		return;
	now_string(when, sizeof(when));
	json_object_object_add(o, "type", json_object_new_string("warning"));
	json_object_object_add(o, "reason", json_object_new_string("capacity"));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "used_percent", json_object_new_int((int)used));
	json_object_object_add(o, "warn_percent", json_object_new_int((int)warn));
	json_object_object_add(o, "free_bytes",
			       json_object_new_uint64((uint64_t)sv.f_bavail * sv.f_frsize));
	json_object_object_add(o, "next_seq", json_object_new_uint64(lg->expect));
	if (!mg_json_format(o, lg->line, MG_EVENT_LINE_MAX))
		emit(lg, lg->line, lg->expect, lg->expect);
	json_object_put(o);
}

static void checkpoint(struct logger *lg, const char *reason)
{
	int err;

	clock_gettime(CLOCK_MONOTONIC, &lg->last_cp);
	if (lg->failing)
		return;		/* the loss record comes first, once the log takes lines again */
	err = mg_alog_checkpoint(lg->log, reason);
	if (err)
		say("cannot write a checkpoint to the audit log: %s", strerror(-err));
}

static int log_open(struct logger *lg)
{
	struct mg_alog_opts ao = {
		.path = lg->o->path, .key = lg->key,
		.rotate_size = lg->o->rotate_size, .keep = lg->o->keep,
	};
	char msg[512];
	int err;

	err = mg_alog_open(&lg->log, &ao, msg, sizeof(msg));
	if (err) {
		say("%s", msg);
		return -1;
	}
	return 0;
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reopen_requested = 1;
	else
		stop_requested = 1;
}

/*
 * Pulls what the module holds after lg->expect into the log, makes it durable and checkpoints
 * when due. Returns -1 only when the audit stream cannot be read at all (no permission).
 */
static int pull(struct mg_client *c, struct logger *lg)
{
	struct mg_audit_reader reader = { .event = log_event, .loss = log_loss, .arg = lg };
	int err;

	if (lg->failing)
		recover(lg);
	err = mg_audit_follow(c, &lg->expect, &reader, NULL);
	if (err == -EPERM || err == -EACCES) {
		say("cannot read the audit stream: %s (needs CAP_MAC_ADMIN)", strerror(-err));
		return -1;
	}
	if (err)
		say("audit read failed: %s (retrying)", strerror(-err));
	if (lg->failing)
		return 0;
	err = mg_alog_sync(lg->log);
	if (err)
		say("cannot sync the audit log: %s", strerror(-err));
	if (mg_alog_unsealed(lg->log) >= lg->o->cp_records)
		checkpoint(lg, "records");
	else if (mg_alog_unsealed(lg->log) && since(&lg->last_cp) >= lg->o->cp_seconds)
		checkpoint(lg, "interval");
	return 0;
}

/* A safety pull while waiting on the doorbell, and the period without one. */
#define PULL_INTERVAL_MS	5000
#define POLL_FALLBACK_MS	500

/*
 * Asks the module to refuse the signing key to every confined task, whatever its rules: a
 * profile that may read /etc could otherwise take the key and sign a forged log. Done at every
 * start (the module forgets at unload); a failure is said, and logging goes on.
 */
static void protect_key(struct mg_client *c, const char *key_path)
{
	char abs[PATH_MAX], msg[256];
	int err;

	if (!realpath(key_path, abs)) {
		say("cannot protect the signing key %s from confined tasks: %s", key_path,
		    strerror(errno));
		return;
	}
	err = mg_protect_file(c, abs, msg, sizeof(msg));
	if (err)
		say("cannot protect the signing key %s from confined tasks: %s%s%s", abs,
		    strerror(-err), msg[0] ? ": " : "", msg);
}

int run_logger(const struct logger_opts *o)
{
	struct logger lg = { .o = o };
	struct mg_doorbell *db = NULL;
	struct mg_client *c = NULL;
	struct sigaction sa;
	bool created;
	char msg[512];
	int err, ret = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	lg.line = malloc(MG_EVENT_LINE_MAX);
	if (!lg.line) {
		say("out of memory");
		return 1;
	}
	err = mg_alog_key_load_or_create(o->key_path, o->pub_path, &lg.key, &created, msg,
					 sizeof(msg));
	if (err) {
		say("%s", msg);
		goto out;
	}
	if (created)
		say("created the audit log's signing key %s (root only) and its public key %s: copy the public key off the device to verify logs elsewhere",
		    o->key_path, o->pub_path);
	if (log_open(&lg))
		goto out;
	if (o->syslog_path) {
		lg.fwd = fwd_open(o->syslog_path);
		if (!lg.fwd)
			goto out;
	}
	lg.expect = mg_alog_next_seq(lg.log);
	err = mg_client_open(&c);
	if (err == -ENOENT) {
		say("medgate.ko is not loaded: modprobe medgate (or insmod medgate.ko)");
		goto out;
	} else if (err) {
		say("cannot open a generic netlink socket: %s", strerror(-err));
		goto out;
	}
	protect_key(c, o->key_path);
	if (mg_alog_torn_bytes(lg.log)) {
		say("moved a torn last line (%zu bytes, an interrupted write) to %s.torn",
		    mg_alog_torn_bytes(lg.log), o->path);
		log_daemon(&lg, "torn", mg_alog_torn_bytes(lg.log));
	}
	log_daemon(&lg, "start", 0);
	checkpoint(&lg, "start");
	say("logging audit events from seq %" PRIu64 " to %s", lg.expect, o->path);
	/*
	 * The module rings a doorbell after new events; between rings nothing is pulled. A pull
	 * every PULL_INTERVAL_MS anyway covers a ring the module could not send (out of memory).
	 */
	err = mg_doorbell_open(&db);
	if (err)
		say("cannot join the audit doorbell: %s; pulling every %d ms instead", strerror(-err),
		    POLL_FALLBACK_MS);

	while (!stop_requested) {
		if (reopen_requested) {
			reopen_requested = 0;
			mg_alog_close(lg.log);
			lg.log = NULL;
			if (log_open(&lg))
				goto out;
		}
		if (pull(c, &lg))
			goto out;
		check_capacity(&lg);
		if (db) {
			err = mg_doorbell_wait(db, PULL_INTERVAL_MS);
			if (err < 0 && err != -EINTR)
				say("audit doorbell: %s", strerror(-err));
		} else {
			struct timespec ts = { .tv_nsec = POLL_FALLBACK_MS * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	/* What happened since the last pull would otherwise wait for the next medgated. */
	if (pull(c, &lg))
		goto out;
	log_daemon(&lg, "stop", 0);
	checkpoint(&lg, "stop");
	say("stopping after logging up to seq %" PRIu64 "; enforcement stays active", lg.expect);
	ret = lg.failing ? 1 : 0;
out:
	mg_doorbell_close(db);
	mg_client_close(c);
	mg_alog_close(lg.log);
	fwd_close(lg.fwd);
	EVP_PKEY_free(lg.key);
	free(lg.line);
	return ret;
}

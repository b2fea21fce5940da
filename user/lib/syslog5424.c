// SPDX-License-Identifier: GPL-2.0
/*
 * An audit record as an RFC 5424 syslog message with structured data, for medgated's copy of
 * each record to the local syslog socket (docs/audit-log.md, "Forwarding").
 *
 * Escaping: RFC 5424 section 6.3.3 makes '"', '\' and ']' in a PARAM-VALUE take a backslash.
 * Bytes outside printable ASCII (control characters, and bytes of names that need not be UTF-8)
 * are written \xHH, in the values and in the MSG: because every real backslash is doubled, \xHH
 * can only mean that byte, and a crafted path can neither end the structured data nor forge a
 * line in a text log.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "syslog5424.h"

struct out {
	char *buf;
	size_t len, pos;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (o->full)
		return;
	va_start(ap, fmt);
	r = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= o->len - o->pos) {
		o->full = true;
		return;
	}
	o->pos += r;
}

/* @s (at most @max bytes) escaped; @sd: also '"' and ']' (a PARAM-VALUE). */
static void put_escaped(struct out *o, const char *s, size_t max, bool sd)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '\\' || (sd && (c == '"' || c == ']')))
			put(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			put(o, "\\x%02x", c);
		else
			put(o, "%c", c);
	}
}

static void param_str(struct out *o, const char *name, const char *v, size_t max)
{
	if (!v[0])
		return;
	put(o, " %s=\"", name);
	put_escaped(o, v, max, true);
	put(o, "\"");
}

static void param_u64(struct out *o, const char *name, uint64_t v)
{
	put(o, " %s=\"%" PRIu64 "\"", name, v);
}

#define FIELD(ev, f) (ev)->f, sizeof((ev)->f)

static int severity(uint32_t verdict)
{
	if (verdict == MEDGATE_VERDICT_DENY)
		return 4;	/* warning */
	if (verdict == MEDGATE_VERDICT_WOULD_DENY)
		return 5;	/* notice */
	return 6;		/* info */
}

static void header(struct out *o, const struct mg_event *ev, const char *hostname, int procid)
{
	time_t secs = (time_t)(ev->time_real_ns / 1000000000ULL);
	struct tm tm;
	size_t i;

	put(o, "<%d>1 ", MG_SYSLOG_FACILITY * 8 + severity(ev->verdict));
	if (gmtime_r(&secs, &tm))
		put(o, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ ", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    (unsigned int)(ev->time_real_ns % 1000000000ULL / 1000));
	else
		put(o, "- ");
	/* HOSTNAME is 1*255 PRINTUSASCII (33..126). */
	if (!hostname || !hostname[0])
		put(o, "-");
	for (i = 0; hostname && hostname[i] && i < 255; i++)
		put(o, "%c", hostname[i] > 32 && hostname[i] < 127 ? hostname[i] : '-');
	put(o, " medgated %d %s ", procid, mg_op_name(ev->op));
}

static void structured_data(struct out *o, const struct mg_event *ev)
{
	char acc[64], ver[32];

	put(o, "[" MG_SYSLOG_SD_ID);
	param_u64(o, "seq", ev->seq);
	param_str(o, "verdict", mg_verdict_name(ev->verdict), 64);
	param_str(o, "profile", FIELD(ev, profile));
	param_str(o, "mode", mg_mode_name(ev->mode), 64);
	param_u64(o, "pid", ev->pid);
	param_u64(o, "uid", ev->uid);
	param_u64(o, "gid", ev->gid);
	param_str(o, "comm", FIELD(ev, comm));
	param_str(o, "exe", FIELD(ev, exe));
	param_str(o, "op", mg_op_name(ev->op), 64);
	if (!mg_event_access(ev, acc, sizeof(acc)))
		param_str(o, "access", acc, sizeof(acc));
	param_str(o, "path", FIELD(ev, path));
	/* As the other outputs name it: the rule's index, or why there was none. */
	if (ev->rule == MEDGATE_RULE_NONE)
		param_str(o, "rule", "default", 8);
	else if (ev->rule == MEDGATE_RULE_PROTECTED)
		param_str(o, "rule", "protected", 10);
	else {
		param_u64(o, "rule", ev->rule);
		param_str(o, "rule_file", FIELD(ev, rule_file));
		if (ev->rule_line)
			param_u64(o, "rule_line", ev->rule_line);
	}
	snprintf(ver, sizeof(ver), "%016" PRIx64, ev->policy_version);
	param_str(o, "policy_version", ver, sizeof(ver));
	put(o, "]");
}

/* "deny file_open r /etc/shadow by cat (profile x)", cut at @room bytes. */
static void summary(struct out *o, const struct mg_event *ev, size_t room)
{
	char acc[64] = "-";
	struct out m;
	size_t end;

	mg_event_access(ev, acc, sizeof(acc));
	m = (struct out){ .buf = o->buf + o->pos, .len = room + 1 };
	put(&m, " %s %s %s ", mg_verdict_name(ev->verdict), mg_op_name(ev->op), acc);
	put_escaped(&m, ev->path[0] ? ev->path : "-", sizeof(ev->path), false);
	put(&m, " by ");
	put_escaped(&m, ev->comm, sizeof(ev->comm), false);
	put(&m, " (profile ");
	put_escaped(&m, ev->profile[0] ? ev->profile : "-", sizeof(ev->profile), false);
	put(&m, ")");
	/* When cut, m.pos is where the last whole character or escape ended: never inside one. */
	end = m.pos;
	o->pos += end;
	o->buf[o->pos] = '\0';
}

int mg_event_format_syslog(const struct mg_event *ev, const char *hostname, int procid,
			   char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	size_t room;

	if (!len)
		return -ENOSPC;
	header(&o, ev, hostname, procid);
	structured_data(&o, ev);
	if (o.full)
		return -ENOSPC;
	room = o.pos + 1 < MG_SYSLOG_MSG_MAX ? MG_SYSLOG_MSG_MAX - o.pos : 0;
	if (room > len - o.pos - 1)
		room = len - o.pos - 1;
	if (room)
		summary(&o, ev, room);
	return (int)o.pos;
}

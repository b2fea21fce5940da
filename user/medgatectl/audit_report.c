// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl audit summary and export: the records of `audit show` (same source, same filters,
 * audit.c) counted for a reviewer, or written whole for another tool.
 *
 * summary groups the records by profile, operation and object (the path, or for operations
 * without one what was asked: a capability, a signal), counts each group's verdicts, and prints
 * the groups with the most refusals first, then the losses and the module's totals.
 * export writes JSON lines (as show -j) or CSV (RFC 4180, one header row).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf() */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <json.h>

#include "common.h"

/* ---- summary ---- */

struct group_key {
	char *key;		/* profile \x1f op \x1f object: sorts and compares as one string */
	uint32_t verdict;
	uint64_t events;	/* the record and the repeats folded into it */
};

struct summary {
	struct group_key *keys;
	size_t n, cap;
	uint64_t losses, lost;
	int err;
};

static int collect(const struct mg_event *ev, void *arg)
{
	struct summary *s = arg;
	char acc[64];
	char *key;

	if (ev->op == MEDGATE_OP_SUPPRESSED)
		return 0;	/* the totals count what the summary records say */
	if (mg_event_access(ev, acc, sizeof(acc)))
		snprintf(acc, sizeof(acc), "%" PRIu32, ev->access);
	if (asprintf(&key, "%s\x1f%s\x1f%s", ev->profile, mg_op_name(ev->op),
		     ev->path[0] ? ev->path : acc) < 0)
		return s->err = -ENOMEM;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct group_key *k = realloc(s->keys, cap * sizeof(*k));

		if (!k) {
			free(key);
			return s->err = -ENOMEM;
		}
		s->keys = k;
		s->cap = cap;
	}
	s->keys[s->n].key = key;
	s->keys[s->n].events = 1 + (uint64_t)ev->repeats;
	s->keys[s->n++].verdict = ev->verdict;
	return 0;
}

static void count_loss(uint64_t count, uint64_t before, void *arg)
{
	struct summary *s = arg;

	(void)before;
	s->losses++;
	s->lost += count;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct group_key *)a)->key, ((const struct group_key *)b)->key);
}

struct group {
	const char *key;
	uint64_t count[__MEDGATE_VERDICT_MAX], total;
};

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->count[MEDGATE_VERDICT_DENY] != y->count[MEDGATE_VERDICT_DENY])
		return x->count[MEDGATE_VERDICT_DENY] > y->count[MEDGATE_VERDICT_DENY] ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The groups of @s, most refused first; their number in *@n. */
static struct group *make_groups(struct summary *s, size_t *n)
{
	struct group *g = calloc(s->n ? s->n : 1, sizeof(*g));
	size_t i;

	*n = 0;
	if (!g)
		return NULL;
	qsort(s->keys, s->n, sizeof(*s->keys), cmp_key);
	for (i = 0; i < s->n; i++) {
		if (!*n || strcmp(g[*n - 1].key, s->keys[i].key))
			g[(*n)++].key = s->keys[i].key;
		if (s->keys[i].verdict < __MEDGATE_VERDICT_MAX)
			g[*n - 1].count[s->keys[i].verdict] += s->keys[i].events;
		g[*n - 1].total += s->keys[i].events;
	}
	qsort(g, *n, sizeof(*g), cmp_group);
	return g;
}

/* Splits a group key into its three fields (in place). */
static void split_key(char *key, char **profile, char **op, char **object)
{
	*profile = key;
	*op = strchr(key, '\x1f');
	**op = '\0';
	(*op)++;
	*object = strchr(*op, '\x1f');
	**object = '\0';
	(*object)++;
}

static void print_groups(struct group *g, size_t n, size_t top, const struct summary *s,
			 const struct audit_totals *t)
{
	struct json_object *o = NULL, *rows = NULL;
	size_t i;

	if (json_output) {
		o = json_object_new_object();
		rows = json_object_new_array();
	} else {
		printf("%8s %8s %10s %8s  %-20s %-14s %s\n", "records", "deny", "would_deny",
		       "allow", "profile", "op", "object");
	}
	for (i = 0; i < n && i < top; i++) {
		char *profile, *op, *object, esc[4096 * 4];

		split_key((char *)g[i].key, &profile, &op, &object);
		if (json_output) {
			struct json_object *r = json_object_new_object();

			json_object_object_add(r, "profile", mg_json_string(profile));
			json_object_object_add(r, "op", json_object_new_string(op));
			json_object_object_add(r, "object", mg_json_string(object));
			json_object_object_add(r, "records", json_object_new_uint64(g[i].total));
			json_object_object_add(r, "deny", json_object_new_uint64(
					       g[i].count[MEDGATE_VERDICT_DENY]));
			json_object_object_add(r, "would_deny", json_object_new_uint64(
					       g[i].count[MEDGATE_VERDICT_WOULD_DENY]));
			json_object_object_add(r, "allow", json_object_new_uint64(
					       g[i].count[MEDGATE_VERDICT_ALLOW]));
			json_object_array_add(rows, r);
			continue;
		}
		if (mg_text_escape(object, esc, sizeof(esc)))
			snprintf(esc, sizeof(esc), "(unprintable)");
		printf("%8" PRIu64 " %8" PRIu64 " %10" PRIu64 " %8" PRIu64 "  %-20s %-14s %s\n",
		       g[i].total, g[i].count[MEDGATE_VERDICT_DENY],
		       g[i].count[MEDGATE_VERDICT_WOULD_DENY], g[i].count[MEDGATE_VERDICT_ALLOW],
		       profile[0] ? profile : "-", op, esc);
	}
	if (json_output) {
		json_object_object_add(o, "type", json_object_new_string("summary"));
		json_object_object_add(o, "groups", json_object_new_uint64(n));
		json_object_object_add(o, "rows", rows);
		json_object_object_add(o, "records", json_object_new_uint64(s->n));
		json_object_object_add(o, "loss_records", json_object_new_uint64(s->losses));
		json_object_object_add(o, "lost", json_object_new_uint64(s->lost));
		json_object_object_add(o, "next_seq", json_object_new_uint64(t->next));
		json_object_object_add(o, "suppressed", json_object_new_uint64(t->suppressed));
		json_object_object_add(o, "rate_limited", json_object_new_uint64(t->rate_limited));
		mg_json_print(stdout, o);
		return;
	}
	if (n > top)
		printf("(%zu more groups; --top N shows more)\n", n - top);
	printf("%zu record%s in %zu group%s\n", s->n, s->n == 1 ? "" : "s", n, n == 1 ? "" : "s");
	if (s->losses)
		printf("%" PRIu64 " event%s lost in %" PRIu64 " gap%s of the sequence\n", s->lost,
		       s->lost == 1 ? "" : "s", s->losses, s->losses == 1 ? "" : "s");
	audit_totals_text(t);
}

static int top_option(int argc, char **argv, int i, void *arg)
{
	uint64_t v;

	if (strcmp(argv[i], "--top"))
		return 0;
	if (i + 1 >= argc || parse_u64(argv[i + 1], &v) || !v) {
		usage_error(audit_help, "--top needs a positive number");
		return -1;
	}
	*(size_t *)arg = (size_t)v;
	return 2;
}

int cmd_summary(int argc, char **argv)
{
	struct summary s = { 0 };
	struct mg_audit_reader reader = { collect, count_loss, &s };
	struct audit_query q = { 0 };
	struct audit_totals t = { 0 };
	struct group *g = NULL;
	size_t top = 20, n, i;
	int ret;

	ret = audit_options(argc, argv, &q, top_option, &top);
	if (ret)
		return ret;
	ret = exit_status(audit_read(&q, &reader, &t));
	if (!ret && s.err) {
		errmsg("out of memory");
		ret = EXIT_FAIL;
	}
	if (!ret) {
		g = make_groups(&s, &n);
		if (g)
			print_groups(g, n, top, &s, &t);
		else
			ret = EXIT_FAIL;
	}
	for (i = 0; i < s.n; i++)
		free(s.keys[i].key);
	free(s.keys);
	free(g);
	return ret;
}

/* ---- export ---- */

static const char *const csv_columns[] = {
	"type", "seq", "time", "profile", "mode", "verdict", "pid", "tgid", "uid", "gid", "comm",
	"exe", "op", "access", "path", "source", "fstype", "dev", "ino", "peer_pid",
	"peer_profile", "rule", "rule_file", "rule_line", "errno", "policy_version",
	"prev_policy_version", "repeats", "lost",
};

/*
 * One CSV field: always quoted, quotes doubled; control bytes escaped as in text records. A
 * leading =, +, - or @ would be a formula to a spreadsheet: such a field gets a leading '.
 */
static void csv_field(const char *s, bool last)
{
	char esc[4096 * 4];
	const char *p;

	if (mg_text_escape(s, esc, sizeof(esc)))
		snprintf(esc, sizeof(esc), "(unprintable)");
	putchar('"');
	if (esc[0] && strchr("=+-@", esc[0]))
		putchar('\'');
	for (p = esc; *p; p++) {
		/* mg_text_escape() writes a quote as \"; CSV doubles it. */
		if (p[0] == '\\' && p[1] == '"') {
			fputs("\"\"", stdout);
			p++;
			continue;
		}
		putchar(*p);
	}
	putchar('"');
	putchar(last ? '\n' : ',');
}

static void csv_number(uint64_t v, bool last)
{
	printf("%" PRIu64 "%c", v, last ? '\n' : ',');
}

struct export {
	bool csv;
	char *line;
};

static int export_event(const struct mg_event *ev, void *arg)
{
	struct export *x = arg;
	char when[64], acc[64], dev[32], ver[24];

	if (!x->csv) {
		if (mg_event_format_json(ev, x->line, MG_EVENT_LINE_MAX))
			mg_unprintable_format_json(ev->seq, x->line, MG_EVENT_LINE_MAX);
		printf("%s\n", x->line);
		return 0;
	}
	if (mg_time_format(ev->time_real_ns, when, sizeof(when)))
		when[0] = '\0';
	if (mg_event_access(ev, acc, sizeof(acc)))
		acc[0] = '\0';
	snprintf(dev, sizeof(dev), "%u:%u", major(ev->dev), minor(ev->dev));
	snprintf(ver, sizeof(ver), "%016" PRIx64, ev->policy_version);
	csv_field(ev->op == MEDGATE_OP_SUPPRESSED ? "summary" : "event", false);
	csv_number(ev->seq, false);
	csv_field(when, false);
	csv_field(ev->profile, false);
	csv_field(mg_mode_name(ev->mode), false);
	csv_field(mg_verdict_name(ev->verdict), false);
	csv_number(ev->pid, false);
	csv_number(ev->tgid, false);
	csv_number(ev->uid, false);
	csv_number(ev->gid, false);
	csv_field(ev->comm, false);
	csv_field(ev->exe, false);
	csv_field(mg_op_name(ev->op), false);
	csv_field(acc, false);
	csv_field(ev->path, false);
	csv_field(ev->source, false);
	csv_field(ev->fstype, false);
	csv_field(dev, false);
	csv_number(ev->ino, false);
	csv_number(ev->peer_pid, false);
	csv_field(ev->peer_profile, false);
	if (ev->rule == MEDGATE_RULE_NONE)
		csv_field("default", false);
	else if (ev->rule == MEDGATE_RULE_PROTECTED)
		csv_field("protected", false);
	else
		csv_number(ev->rule, false);
	csv_field(ev->rule_file, false);
	csv_number(ev->rule_line, false);
	csv_number(ev->err, false);
	csv_field(ver, false);
	if (ev->op == MEDGATE_OP_POLICY_LOAD) {
		snprintf(ver, sizeof(ver), "%016" PRIx64, ev->prev_policy_version);
		csv_field(ver, false);
	} else {
		csv_field("", false);
	}
	csv_number(ev->repeats, false);
	csv_number(ev->suppressed + ev->rate_limited, true);
	return 0;
}

static void export_loss(uint64_t count, uint64_t before, void *arg)
{
	struct export *x = arg;
	size_t i;

	if (!x->csv) {
		mg_loss_format_json(count, before, x->line, MG_EVENT_LINE_MAX);
		printf("%s\n", x->line);
		return;
	}
	/* type, seq (the first after the gap), the empty columns, lost. */
	csv_field("loss", false);
	csv_number(before, false);
	for (i = 2; i + 1 < sizeof(csv_columns) / sizeof(csv_columns[0]); i++)
		csv_field("", false);
	csv_number(count, true);
}

static int format_option(int argc, char **argv, int i, void *arg)
{
	int *format = arg;

	if (strcmp(argv[i], "--format"))
		return 0;
	if (i + 1 < argc && !strcmp(argv[i + 1], "json"))
		*format = 'j';
	else if (i + 1 < argc && !strcmp(argv[i + 1], "csv"))
		*format = 'c';
	else {
		usage_error(audit_help, "--format needs json or csv");
		return -1;
	}
	return 2;
}

int cmd_export(int argc, char **argv)
{
	struct export x = { 0 };
	struct mg_audit_reader reader = { export_event, export_loss, &x };
	struct audit_query q = { 0 };
	struct audit_totals t = { 0 };
	int format = 0, ret;
	size_t i;

	ret = audit_options(argc, argv, &q, format_option, &format);
	if (ret)
		return ret;
	if (!format)
		return usage_error(audit_help, "export needs --format json or --format csv");
	x.csv = format == 'c';
	x.line = malloc(MG_EVENT_LINE_MAX);
	if (!x.line) {
		errmsg("out of memory");
		return EXIT_FAIL;
	}
	if (x.csv)
		for (i = 0; i < sizeof(csv_columns) / sizeof(csv_columns[0]); i++)
			printf("%s%c", csv_columns[i],
			       i + 1 < sizeof(csv_columns) / sizeof(csv_columns[0]) ? ',' : '\n');
	ret = exit_status(audit_read(&q, &reader, &t));
	free(x.line);
	return ret;
}

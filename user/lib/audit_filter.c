// SPDX-License-Identifier: GPL-2.0
/*
 * Which audit records a reviewer asked for: `medgatectl audit show|summary|export` with --since,
 * --until, --profile, --pid, --exe, --verdict, --op and --path. One parser and one matcher, so
 * that every command reads the options the same way (docs/cli.md, "audit").
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strptime(), timegm() */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "glob.h"
#include "internal.h"
#include "medgate.h"

/* "2026-12-03T09:00:00Z" (UTC, as records print), "@SECONDS", or "-N" with s, m, h or d: ago. */
int mg_time_parse(const char *s, uint64_t now_ns, uint64_t *out)
{
	unsigned long long n;
	struct tm tm;
	char *end;
	time_t t;

	if (s[0] == '@' || s[0] == '-') {
		static const struct { char unit; unsigned long long sec; } units[] = {
			{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		};
		size_t i;

		if (s[1] < '0' || s[1] > '9')
			return -EINVAL;
		errno = 0;
		n = strtoull(s + 1, &end, 10);
		if (errno || n > 1000000000000ULL)
			return -EINVAL;
		if (s[0] == '@') {
			if (*end)
				return -EINVAL;
			*out = n * 1000000000ULL;
			return 0;
		}
		for (i = 0; i < ARRAY_SIZE(units); i++) {
			if (end[0] == units[i].unit && !end[1]) {
				n *= units[i].sec * 1000000000ULL;
				*out = n > now_ns ? 0 : now_ns - n;
				return 0;
			}
		}
		return -EINVAL;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || (*end && strcmp(end, "Z")))
		return -EINVAL;
	t = timegm(&tm);
	if (t < 0)
		return -EINVAL;
	*out = (uint64_t)t * 1000000000ULL;
	return 0;
}

static int name_index(const char *(*name)(uint32_t), uint32_t max, const char *s)
{
	uint32_t i;

	for (i = 0; i < max; i++)
		if (!strcmp(name(i), s))
			return (int)i;
	return -1;
}

int mg_event_filter_option(struct mg_event_filter *f, const char *opt, const char *val,
			   uint64_t now_ns, const char **why)
{
	char *end;
	int i;

	if (strcmp(opt, "--since") && strcmp(opt, "--until") && strcmp(opt, "--profile") &&
	    strcmp(opt, "--pid") && strcmp(opt, "--exe") && strcmp(opt, "--verdict") &&
	    strcmp(opt, "--op") && strcmp(opt, "--path"))
		return 0;
	if (!val) {
		*why = "needs a value";
		return -EINVAL;
	}
	if (!strcmp(opt, "--since") || !strcmp(opt, "--until")) {
		uint64_t *t = opt[2] == 's' ? &f->since_ns : &f->until_ns;

		if (mg_time_parse(val, now_ns, t)) {
			*why = "needs a time: 2026-12-03T09:00:00Z (UTC), @SECONDS, or -N[smhd] (ago)";
			return -EINVAL;
		}
		if (opt[2] == 's')
			f->has_since = true;
		else
			f->has_until = true;
	} else if (!strcmp(opt, "--profile")) {
		f->profile = val;
	} else if (!strcmp(opt, "--pid")) {
		unsigned long pid = strtoul(val, &end, 10);

		if (!*val || *end || !pid || pid > 0xffffffffUL) {
			*why = "needs a process id";
			return -EINVAL;
		}
		f->pid = (uint32_t)pid;
	} else if (!strcmp(opt, "--verdict")) {
		i = name_index(mg_verdict_name, __MEDGATE_VERDICT_MAX, val);
		if (i < 0) {
			*why = "needs allow, deny or would_deny";
			return -EINVAL;
		}
		f->verdicts |= 1U << i;
	} else if (!strcmp(opt, "--op")) {
		i = name_index(mg_op_name, __MEDGATE_OP_MAX, val);
		if (i <= 0) {
			*why = "needs an operation as records name it (file_open, exec, mount, ...)";
			return -EINVAL;
		}
		f->ops[i / 64] |= 1ULL << (i % 64);
		f->has_ops = true;
	} else if (mg_glob_check(val, NULL, why)) {
		return -EINVAL;
	} else if (!strcmp(opt, "--exe")) {
		f->exe = val;
	} else {
		f->path = val;
	}
	return 1;
}

bool mg_event_filter_match(const struct mg_event_filter *f, const struct mg_event *ev)
{
	if (f->has_since && ev->time_real_ns < f->since_ns)
		return false;
	if (f->has_until && ev->time_real_ns >= f->until_ns)
		return false;
	if (f->profile && strcmp(f->profile, ev->profile))
		return false;
	if (f->pid && ev->pid != f->pid && ev->tgid != f->pid)
		return false;
	if (f->verdicts && (ev->verdict >= 32 || !(f->verdicts & (1U << ev->verdict))))
		return false;
	if (f->has_ops && (ev->op >= 128 || !(f->ops[ev->op / 64] & (1ULL << (ev->op % 64)))))
		return false;
	if (f->exe && !mg_glob_match(f->exe, ev->exe))
		return false;
	if (f->path && !mg_glob_match(f->path, ev->path))
		return false;
	return true;
}

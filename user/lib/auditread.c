// SPDX-License-Identifier: GPL-2.0
/*
 * Reading medgated's audit log back as a stream of records, for `medgatectl audit show --log`:
 * the review of a copy taken off the device, and of events the module's ring no longer holds.
 * Each "event" line is turned back into the struct mg_event it was written from (the inverse of
 * mg_event_format_json(): names back to numbers by the same tables), each "loss" line into the
 * gap it records. A gap is only what the log says is missing: an event the daemon saved is never
 * a loss here, however long ago the module overwrote it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <json.h>

#include "auditlog.h"
#include "internal.h"

static bool get(struct json_object *o, const char *key, struct json_object **v)
{
	return json_object_object_get_ex(o, key, v) && *v;
}

static bool get_u64(struct json_object *o, const char *key, uint64_t *out)
{
	struct json_object *v;

	if (!get(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_uint64(v);
	return true;
}

static bool get_u32(struct json_object *o, const char *key, uint32_t *out)
{
	uint64_t v;

	if (!get_u64(o, key, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A hexadecimal string as mg_json_hex64() writes it. */
static bool get_hex(struct json_object *o, const char *key, uint64_t *out)
{
	struct json_object *v;
	char *end;

	if (!get(o, key, &v) || !json_object_is_type(v, json_type_string))
		return false;
	*out = strtoull(json_object_get_string(v), &end, 16);
	return !*end;
}

static bool get_str(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v;

	if (!get(o, key, &v) || !json_object_is_type(v, json_type_string))
		return false;
	return (size_t)snprintf(buf, len, "%s", json_object_get_string(v)) < len;
}

static bool name_to_number(const char *name, const char *(*fn)(uint32_t), uint32_t max,
			   uint32_t *out)
{
	uint32_t i;

	for (i = 0; i <= max; i++)
		if (!strcmp(fn(i), name)) {
			*out = i;
			return true;
		}
	return false;
}

/* The access field as mg_event_access() wrote it for @ev->op. */
static bool parse_access(struct mg_event *ev, const char *s)
{
	char word[64];
	size_t bad;
	uint32_t i;

	if (!strcmp(s, "-")) {
		ev->access = 0;
		return true;
	}
	for (i = 0; i < 64; i++) {
		const char *name = ev->op == MEDGATE_OP_CAPABILITY ? mg_cap_name(i) :
				   mg_class_detail_name(ev->op, i, word, sizeof(word));

		if (name && !strcmp(name, s) && strcmp(name, "unknown")) {
			ev->access = i;
			return true;
		}
	}
	if (ev->op == MEDGATE_OP_CAPABILITY && !strncmp(s, "cap", 3))
		return sscanf(s + 3, "%" SCNu32, &ev->access) == 1;
	if (ev->op == MEDGATE_OP_POLICY_LOAD)
		return sscanf(s, "%" SCNu32, &ev->access) == 1;
	return !mg_access_parse(s, &ev->access, &bad);
}

int mg_event_from_json(struct json_object *o, struct mg_event *ev)
{
	struct json_object *rule, *unnamed;
	char word[64], dev[32];
	unsigned int maj, min;

	memset(ev, 0, sizeof(*ev));
	if (!get_u64(o, "seq", &ev->seq) || !get_u64(o, "time_real_ns", &ev->time_real_ns) ||
	    !get_u64(o, "time_boot_ns", &ev->time_boot_ns) ||
	    !get_hex(o, "policy_version", &ev->policy_version) ||
	    !get_hex(o, "profile_id", &ev->profile_id) ||
	    !get_str(o, "profile", ev->profile, sizeof(ev->profile)) ||
	    !get_str(o, "mode", word, sizeof(word)) ||
	    !name_to_number(word, mg_mode_name, 1, &ev->mode) ||
	    !get_str(o, "verdict", word, sizeof(word)) ||
	    !name_to_number(word, mg_verdict_name, 2, &ev->verdict) ||
	    !get_u32(o, "pid", &ev->pid) || !get_u32(o, "tgid", &ev->tgid) ||
	    !get_u32(o, "uid", &ev->uid) || !get_u32(o, "gid", &ev->gid) ||
	    !get_str(o, "comm", ev->comm, sizeof(ev->comm)) ||
	    !get_str(o, "exe", ev->exe, sizeof(ev->exe)) ||
	    !get_str(o, "op", word, sizeof(word)) ||
	    !name_to_number(word, mg_op_name, 255, &ev->op) ||
	    !get_str(o, "access", word, sizeof(word)) || !parse_access(ev, word) ||
	    !get_str(o, "path", ev->path, sizeof(ev->path)) ||
	    !get_str(o, "dev", dev, sizeof(dev)) || sscanf(dev, "%u:%u", &maj, &min) != 2 ||
	    !get_u64(o, "ino", &ev->ino) || !get_u32(o, "peer_pid", &ev->peer_pid) ||
	    !get_hex(o, "peer_profile_id", &ev->peer_profile_id) ||
	    !get_str(o, "peer_profile", ev->peer_profile, sizeof(ev->peer_profile)) ||
	    !get_str(o, "source", ev->source, sizeof(ev->source)) ||
	    !get_str(o, "fstype", ev->fstype, sizeof(ev->fstype)) ||
	    !get_u32(o, "key_serial", &ev->key_serial) ||
	    !get_u32(o, "rule_line", &ev->rule_line) ||
	    !get_str(o, "rule_file", ev->rule_file, sizeof(ev->rule_file)) ||
	    !get_u32(o, "errno", &ev->err) || !get_u64(o, "suppressed", &ev->suppressed) ||
	    !get_u64(o, "rate_limited", &ev->rate_limited) ||
	    !json_object_object_get_ex(o, "rule", &rule) || !get(o, "unnamed", &unnamed))
		return -EINVAL;
	ev->dev = (uint32_t)makedev(maj, min);	/* as the module sent it (new_encode_dev()) */
	ev->unnamed = json_object_get_boolean(unnamed);
	if (!rule)
		ev->rule = MEDGATE_RULE_NONE;
	else if (json_object_is_type(rule, json_type_string) &&
		 !strcmp(json_object_get_string(rule), "protected"))
		ev->rule = MEDGATE_RULE_PROTECTED;
	else if (!get_u32(o, "rule", &ev->rule))
		return -EINVAL;
	if (ev->op == MEDGATE_OP_POLICY_LOAD &&
	    !get_hex(o, "prev_policy_version", &ev->prev_policy_version))
		return -EINVAL;
	/* Logs written before folding existed have no "repeats": none were folded. */
	if (json_object_object_get_ex(o, "repeats", NULL) && !get_u32(o, "repeats", &ev->repeats))
		return -EINVAL;
	return 0;
}

struct reading {
	uint64_t from;
	const struct mg_audit_reader *r;
	struct mg_alog_totals *t;
	struct mg_event *ev;
	bool stopped;
};

/* One line: 0, or -EINVAL when it is not a record of this format. */
static int read_line(struct reading *rd, const char *line)
{
	struct json_object *o = json_tokener_parse(line), *type;
	const char *what;
	uint64_t lost, before;
	int err = 0;

	if (!o || !json_object_is_type(o, json_type_object) || !get(o, "type", &type)) {
		json_object_put(o);
		return -EINVAL;
	}
	what = json_object_get_string(type);
	if (!strcmp(what, "event")) {
		err = mg_event_from_json(o, rd->ev);
		if (!err) {
			if (rd->ev->op == MEDGATE_OP_SUPPRESSED) {
				rd->t->suppressed += rd->ev->suppressed;
				rd->t->rate_limited += rd->ev->rate_limited;
			}
			if (rd->ev->seq + 1 > rd->t->next)
				rd->t->next = rd->ev->seq + 1;
			if (rd->ev->seq >= rd->from && !rd->stopped &&
			    rd->r->event(rd->ev, rd->r->arg))
				rd->stopped = true;
		}
	} else if (!strcmp(what, "loss")) {
		if (!get_u64(o, "lost", &lost) || !get_u64(o, "before_seq", &before) ||
		    lost > before) {
			err = -EINVAL;
		} else {
			rd->t->lost += lost;
			if (before > rd->t->next)
				rd->t->next = before;
			if (before > rd->from && !rd->stopped)
				rd->r->loss(before - rd->from < lost ? before - rd->from : lost,
					    before, rd->r->arg);
		}
	}
	json_object_put(o);
	return err;
}

/*
 * The whole lines of @file from byte @start on; *@end (may be NULL) gets the offset after the
 * last whole line and *@ino the file's inode. A torn last line is left for later.
 */
static int read_file(struct reading *rd, const char *file, off_t start, off_t *end, ino_t *ino,
		     char *bad, size_t badlen)
{
	char *line = NULL;
	size_t cap = 0;
	uint64_t lineno = 0;
	off_t pos = start;
	struct stat st;
	ssize_t n;
	FILE *f = fopen(file, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) || (start && fseeko(f, start, SEEK_SET))) {
		err = -errno;
		fclose(f);
		return err;
	}
	if (ino)
		*ino = st.st_ino;
	if (!start)
		rd->t->files++;
	while (!err && (n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] != '\n')
			break;	/* a torn last line, or one being written */
		pos += n;
		line[n - 1] = '\0';
		rd->t->lines++;
		err = read_line(rd, line);
		if (err)
			snprintf(bad, badlen, "%s:%" PRIu64 "%s", file, lineno,
				 start ? " (counted from where the last read stopped)" : "");
	}
	free(line);
	fclose(f);
	if (end)
		*end = pos;
	return err ? -EBADMSG : 0;
}

/* PATH's rotated files, oldest first, then PATH, to its last whole line (*@off, *@ino). */
static int read_all(struct reading *rd, const char *path, off_t *off, ino_t *ino, char *bad,
		    size_t badlen)
{
	unsigned long *rot = NULL;
	size_t nrot = 0, i;
	char file[4200];
	int err;

	err = mg_alog_rotated(path, &rot, &nrot);
	for (i = 0; !err && i < nrot; i++) {
		snprintf(file, sizeof(file), "%s.%lu", path, rot[i]);
		err = read_file(rd, file, 0, NULL, NULL, bad, badlen);
	}
	if (!err)
		err = read_file(rd, path, 0, off, ino, bad, badlen);
	free(rot);
	return err;
}

int mg_alog_read(const char *path, uint64_t from, const struct mg_audit_reader *r,
		 struct mg_alog_totals *t, char *bad, size_t badlen)
{
	struct reading rd = { .from = from, .r = r, .t = t };
	int err;

	memset(t, 0, sizeof(*t));
	if (badlen)
		bad[0] = '\0';
	rd.ev = malloc(sizeof(*rd.ev));
	if (!rd.ev)
		return -ENOMEM;
	err = read_all(&rd, path, NULL, NULL, bad, badlen);
	free(rd.ev);
	return err;
}

int mg_alog_follow(struct mg_alog_cursor *c, const char *path, uint64_t from,
		   const struct mg_audit_reader *r, struct mg_alog_totals *t, char *bad,
		   size_t badlen)
{
	struct reading rd = { .from = from, .r = r, .t = t };
	struct stat st;
	int err = 0;

	if (badlen)
		bad[0] = '\0';
	memset(t, 0, sizeof(*t));
	rd.ev = malloc(sizeof(*rd.ev));
	if (!rd.ev)
		return -ENOMEM;
	if (!c->started) {
		/* Everything so far; the next call goes on from the last whole line. */
		err = read_all(&rd, path, &c->off, &c->ino, bad, badlen);
		c->started = !err;
		goto out;
	}
	if (stat(path, &st)) {
		err = errno == ENOENT ? 0 : -errno;	/* between a rotation's two renames */
		goto out;
	}
	if (st.st_ino != c->ino) {
		/*
		 * Rotated, once or several times: the rest of the file we were reading is one of
		 * the rotated files now. Everything is read again; @from drops what was seen.
		 */
		err = read_all(&rd, path, &c->off, &c->ino, bad, badlen);
		goto out;
	}
	err = read_file(&rd, path, c->off, &c->off, NULL, bad, badlen);
out:
	free(rd.ev);
	return err;
}

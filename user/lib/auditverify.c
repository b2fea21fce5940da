// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl audit verify's engine: reads the log and its rotated files back with json-c and
 * checks, with the public key alone, that nothing was edited, removed, reordered or cut off
 * (docs/audit-log.md). The first break is named by file, line and reason; the walk stops there,
 * since everything after a break chains to something the reader cannot trust.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "auditlog.h"

struct walk {
	EVP_PKEY *pub;
	struct mg_alog_report *r;
	bool started;		/* a line was checked: head and n are known */
	char head[MG_ALOG_HASH_HEX + 1];
	uint64_t n;
	uint64_t file_no, first_file_no, keep;
	uint64_t max_seq_next;	/* one past the highest event sequence seen */
	char last_file[4096];
	uint64_t last_cp_line, file_lines;
};

static int broken(struct walk *w, const char *file, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int broken(struct walk *w, const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	w->r->intact = false;
	snprintf(w->r->file, sizeof(w->r->file), "%s", file);
	w->r->line = line;
	va_start(ap, fmt);
	vsnprintf(w->r->reason, sizeof(w->r->reason), fmt, ap);
	va_end(ap);
	return 1;
}

static uint64_t get_u64(struct json_object *o, const char *key, bool *ok)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int)) {
		*ok = false;
		return 0;
	}
	return json_object_get_uint64(v);
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A checkpoint's signature covers its line without the "sig" member, which the writer puts last. */
static bool checkpoint_ok(struct walk *w, char *line, size_t len)
{
	static const char tag[] = ",\"sig\":\"";
	char *at = NULL, *p = line, save0, save1;
	bool ok;

	while ((p = memmem(p, line + len - p, tag, sizeof(tag) - 1)))
		at = p++;
	if (!at || line[len - 1] != '}' || line[len - 2] != '"')
		return false;
	line[len - 2] = '\0';
	save0 = at[0];
	save1 = at[1];
	at[0] = '}';
	at[1] = '\0';
	ok = mg_alog_sig_ok(w->pub, line, at + 1 - line, at + sizeof(tag) - 1);
	at[0] = save0;
	at[1] = save1;
	line[len - 2] = '"';
	return ok;
}

static int check_line(struct walk *w, const char *file, uint64_t lineno, char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = tok ? json_tokener_parse_ex(tok, line, (int)len) : NULL;
	const char *prev, *type;
	bool ok = true, whole = tok && json_tokener_get_parse_end(tok) == len;
	uint64_t n;
	int ret = 0;

	json_tokener_free(tok);
	if (!o || !whole || !json_object_is_type(o, json_type_object)) {
		ret = broken(w, file, lineno, "not a JSON object");
		goto out;
	}
	prev = get_str(o, "prev");
	type = get_str(o, "type");
	n = get_u64(o, "n", &ok);
	if (!prev || !type || !ok) {
		ret = broken(w, file, lineno, "no \"type\", \"n\" or \"prev\": not a line of the chained log");
		goto out;
	}
	if (lineno == 1) {
		uint64_t no = get_u64(o, "file", &ok), keep = get_u64(o, "keep", &ok);

		if (strcmp(type, "file") || !ok) {
			ret = broken(w, file, lineno, "the file does not start with its \"file\" line");
			goto out;
		}
		if (w->started && no != w->file_no + 1) {
			ret = broken(w, file, lineno, "file number %" PRIu64 " follows file %" PRIu64
				     ": a rotated file is missing", no, w->file_no);
			goto out;
		}
		if (!w->started)
			w->first_file_no = no;
		w->file_no = no;
		w->keep = keep;
	}
	if (!w->started) {
		/* The very first line of the log chains to zeros; a later file's to a removed file. */
		if (w->file_no == 0 && strspn(prev, "0") != MG_ALOG_HASH_HEX) {
			ret = broken(w, file, lineno, "the first line of the log does not start the chain");
			goto out;
		}
	} else if (strcmp(prev, w->head)) {
		ret = broken(w, file, lineno, "\"prev\" is not the hash of the line before it: a line before it was edited, removed or moved");
		goto out;
	} else if (n != w->n) {
		ret = broken(w, file, lineno, "line number %" PRIu64 " where %" PRIu64 " was due", n, w->n);
		goto out;
	}
	if (!strcmp(type, "checkpoint")) {
		uint64_t next = get_u64(o, "next_seq", &ok);

		if (!ok || !checkpoint_ok(w, line, len)) {
			ret = broken(w, file, lineno, "the checkpoint's signature does not verify with this public key (another device's key, or the line was altered)");
			goto out;
		}
		if (next < w->max_seq_next) {
			ret = broken(w, file, lineno, "the checkpoint's next_seq %" PRIu64 " is below an event before it (seq %" PRIu64 ")",
				     next, w->max_seq_next - 1);
			goto out;
		}
		w->r->checkpoints++;
		w->r->next_seq = next;
		w->r->open_tail = 0;
		w->last_cp_line = lineno;
	} else {
		w->r->open_tail++;
		if (!strcmp(type, "event")) {
			uint64_t seq = get_u64(o, "seq", &ok);

			w->r->events++;
			if (ok && seq + 1 > w->max_seq_next)
				w->max_seq_next = seq + 1;
		} else if (!strcmp(type, "loss")) {
			w->r->losses++;
		}
	}
	mg_alog_hash_hex(line, len, w->head);
	w->n = n + 1;
	w->started = true;
	w->r->lines++;
out:
	json_object_put(o);
	return ret;
}

static int check_file(struct walk *w, const char *file)
{
	char *data = NULL, *line, *nl;
	size_t size = 0, cap = 0, got;
	uint64_t lineno = 0;
	FILE *f = fopen(file, "re");
	int ret = 0;

	if (!f)
		return broken(w, file, 0, "cannot read: %s", strerror(errno));
	do {
		if (cap - size < 65536) {
			char *nd = realloc(data, cap = cap ? cap * 2 : 1 << 20);

			if (!nd) {
				fclose(f);
				free(data);
				return -ENOMEM;
			}
			data = nd;
		}
		got = fread(data + size, 1, cap - size - 1, f);
		size += got;
	} while (got);
	fclose(f);
	w->r->files++;
	snprintf(w->last_file, sizeof(w->last_file), "%s", file);
	w->last_cp_line = 0;
	for (line = data; line < data + size && !ret; line = nl + 1) {
		lineno++;
		nl = memchr(line, '\n', data + size - line);
		if (!nl) {
			ret = broken(w, file, lineno, "torn last line (an incomplete write: medgated moves it to %s.torn at its next start)",
				     file);
			break;
		}
		ret = check_line(w, file, lineno, line, nl - line);
	}
	if (!ret && !lineno)
		ret = broken(w, file, 0, "empty file");
	w->file_lines = lineno;
	free(data);
	return ret;
}

static int cmp_desc(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

int mg_alog_rotated(const char *path, unsigned long **out, size_t *count)
{
	char dir[4096], *slash;
	const char *base;
	size_t blen, n = 0, cap = 0;
	unsigned long *v = NULL;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		base = path + (slash - dir) + 1;
		if (!*dir)
			snprintf(dir, sizeof(dir), "/");
	} else {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	}
	blen = strlen(base);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		const char *s = de->d_name + blen + 1;
		char *end;
		unsigned long k;

		if (strncmp(de->d_name, base, blen) || de->d_name[blen] != '.' ||
		    *s < '1' || *s > '9')
			continue;
		k = strtoul(s, &end, 10);
		if (*end)
			continue;
		if (n == cap) {
			unsigned long *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n++] = k;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_desc);
	*out = v;
	*count = n;
	return 0;
}

int mg_alog_verify(const char *path, EVP_PKEY *pub, bool live, struct mg_alog_report *r)
{
	struct walk w = { .pub = pub, .r = r };
	unsigned long *rot = NULL;
	size_t nrot = 0, i;
	char file[4200];
	uint64_t oldest;
	int ret, err;

	memset(r, 0, sizeof(*r));
	r->intact = true;
	err = mg_alog_rotated(path, &rot, &nrot);
	if (err)
		return err;
	for (i = 0, ret = 0; i < nrot && !ret; i++) {
		snprintf(file, sizeof(file), "%s.%lu", path, rot[i]);
		ret = check_file(&w, file);
	}
	free(rot);
	if (!ret)
		ret = check_file(&w, path);
	if (ret < 0)
		return ret;
	if (ret)
		return 0;
	/* The writer deletes only files more than "keep" rotations old. */
	oldest = w.file_no > w.keep ? w.file_no - w.keep : 0;
	if (w.first_file_no > oldest)
		broken(&w, path, 1, "the oldest file present is number %" PRIu64 " but files back to %" PRIu64
		       " are kept: a rotated file was removed", w.first_file_no, oldest);
	else if (r->open_tail && !live)
		broken(&w, w.last_file, w.last_cp_line + 1,
		       "%" PRIu64 " line%s after the last checkpoint %s not sealed by a signature: the log was cut off, or medgated stopped without its final checkpoint (or is still writing: --live)",
		       r->open_tail, r->open_tail == 1 ? "" : "s", r->open_tail == 1 ? "is" : "are");
	return 0;
}

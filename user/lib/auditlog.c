// SPDX-License-Identifier: GPL-2.0
/*
 * The audit log's writer (docs/audit-log.md). Each line is one JSON object that the caller made
 * with json-c, with two members added at its end: "n", the line's number in the whole log (across
 * rotated files), and "prev", the SHA-256 of the previous line's bytes. Checkpoint lines add
 * "sig", an Ed25519 signature of the line as it is without "sig", so a checkpoint seals every
 * line before it. Lines are written with write(2) on an O_APPEND descriptor: a line that cannot
 * be written whole is cut off again, so the file never keeps half a line that the chain skipped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "auditlog.h"
#include "medgate.h"

struct mg_alog {
	char *path;
	EVP_PKEY *key;
	uint64_t rotate_size;
	unsigned int keep;
	int fd;
	off_t size;
	uint64_t n;		/* the number of the next line */
	char head[MG_ALOG_HASH_HEX + 1];	/* hash of the last line; zeros before the first */
	uint64_t next_seq;
	uint64_t file_no;	/* this file's number: 0 for the first, +1 at each rotation */
	uint64_t unsealed;
	uint64_t file_lines;	/* lines in this file */
	size_t torn;
	char key_id[17];
	char *buf;
};

static char *msgf(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static char *msgf(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return msg;
}

static void now_string(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (mg_time_format((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec, buf, len))
		snprintf(buf, len, "unknown");
}

int mg_alog_make_parent(const char *path)
{
	char dir[4096], *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int fsync_dir(const char *path)
{
	char dir[4096], *slash;
	int fd, err = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

/*
 * One writer per log: two would both append every event and fork the chain. A POSIX record lock
 * rather than flock(), because F_GETLK names the holder's pid. POSIX locks drop when the process
 * closes any descriptor of the file, so the file is only read through this descriptor.
 */
static int lock_log(const char *path, int fd, char *msg, size_t len)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (!fcntl(fd, F_SETLK, &fl))
		return 0;
	if (errno != EACCES && errno != EAGAIN) {
		msgf(msg, len, "cannot lock %s: %s", path, strerror(errno));
		return -errno;
	}
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (!fcntl(fd, F_GETLK, &fl) && fl.l_type != F_UNLCK)
		msgf(msg, len, "another medgated is writing %s (pid %d): stop it, or give this one another --log FILE",
		     path, (int)fl.l_pid);
	else
		msgf(msg, len, "another medgated is writing %s: stop it, or give this one another --log FILE",
		     path);
	return -EBUSY;
}

static int open_locked(const char *path, int flags, char *msg, size_t len)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | flags, 0600);
	int err;

	if (fd < 0) {
		err = -errno;
		msgf(msg, len, "cannot open %s: %s", path, strerror(errno));
		return err;
	}
	err = lock_log(path, fd, msg, len);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * The last whole line of @fd (@size bytes) into @buf, its length into *@len; *@end is where
 * whole lines end (@size, or less when a torn line follows). -ENODATA: no whole line.
 */
static int last_line(int fd, off_t size, char *buf, size_t cap, size_t *len, off_t *end)
{
	off_t from = size > (off_t)cap - 1 ? size - (off_t)cap + 1 : 0;
	ssize_t got = size - from ? pread(fd, buf, size - from, from) : 0;
	char *nl, *start;

	*end = 0;
	if (got < 0)
		return -errno;
	if (got != size - from)
		return -EIO;
	buf[got] = '\0';
	nl = memrchr(buf, '\n', got);
	if (!nl)
		return from ? -EINVAL : -ENODATA;
	*end = from + (nl - buf) + 1;
	*nl = '\0';
	start = memrchr(buf, '\n', nl - buf);
	start = start ? start + 1 : buf;
	if (start == buf && from)
		return -EINVAL;		/* longer than any line the writer makes */
	*len = nl - start;
	memmove(buf, start, *len + 1);
	return 0;
}

/* The first line's "file" member: the number of the file. */
static int file_number(int fd, char *buf, size_t cap, uint64_t *out)
{
	ssize_t got = pread(fd, buf, cap - 1, 0);
	struct json_object *o, *v;
	char *nl;
	int err = -EINVAL;

	if (got <= 0)
		return got ? -errno : -ENODATA;
	buf[got] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	o = json_tokener_parse(buf);
	if (o && json_object_object_get_ex(o, "file", &v)) {
		*out = json_object_get_uint64(v);
		err = 0;
	}
	json_object_put(o);
	return err;
}

/* Continues the chain after @line: its hash, number and the module sequence it reached. */
static int resume_after(struct mg_alog *l, const char *line, size_t len)
{
	struct json_object *o = json_tokener_parse(line), *v, *type;
	int err = -EINVAL;

	if (!o || !json_object_object_get_ex(o, "prev", NULL) ||
	    !json_object_object_get_ex(o, "n", &v))
		goto out;
	l->n = json_object_get_uint64(v) + 1;
	if (json_object_object_get_ex(o, "next_seq", &v))
		l->next_seq = json_object_get_uint64(v);
	else if (json_object_object_get_ex(o, "seq", &v) &&
		 json_object_object_get_ex(o, "type", &type))
		l->next_seq = json_object_get_uint64(v) + 1;
	else
		goto out;
	mg_alog_hash_hex(line, len, l->head);
	err = 0;
out:
	json_object_put(o);
	return err;
}

/* Moves the bytes after the last whole line to PATH.torn and cuts them off the log. */
static int move_torn(struct mg_alog *l, off_t end, char *msg, size_t msglen)
{
	size_t n = l->size - end;
	char torn[4200];
	char *bytes = malloc(n);
	int fd, err = 0;

	snprintf(torn, sizeof(torn), "%s.torn", l->path);
	if (!bytes)
		return -ENOMEM;
	if (pread(l->fd, bytes, n, end) != (ssize_t)n) {
		err = -EIO;
		goto out;
	}
	fd = open(torn, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, bytes, n) != (ssize_t)n || write(fd, "\n", 1) != 1 || fsync(fd)) {
		err = -errno ? -errno : -EIO;
		if (fd >= 0)
			close(fd);
		msgf(msg, msglen, "cannot move the torn last line of %s to %s: %s", l->path, torn,
		     strerror(-err));
		goto out;
	}
	close(fd);
	if (ftruncate(l->fd, end) || fsync(l->fd)) {
		err = -errno;
		msgf(msg, msglen, "cannot cut the torn last line off %s: %s", l->path, strerror(errno));
		goto out;
	}
	l->torn = n;
	l->size = end;
out:
	free(bytes);
	return err;
}

static int put_line(struct mg_alog *l, char *line, size_t len, uint64_t next_seq)
{
	size_t done = 0;
	ssize_t w;
	int err;

	line[len] = '\n';
	while (done < len + 1) {
		w = write(l->fd, line + done, len + 1 - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			/* Leave no half line: the next line's "prev" is this chain head. */
			if (done && ftruncate(l->fd, l->size))
				err = -errno;
			line[len] = '\0';
			return err;
		}
		done += w;
	}
	line[len] = '\0';
	l->size += len + 1;
	mg_alog_hash_hex(line, len, l->head);
	l->n++;
	l->next_seq = next_seq;
	l->unsealed++;
	l->file_lines++;
	return 0;
}

/* @record with "n" and "prev" added, into l->buf; its length, or -errno. */
static int chain(struct mg_alog *l, const char *record)
{
	size_t len = strlen(record);
	int n;

	if (len < 2 || record[0] != '{' || record[len - 1] != '}')
		return -EINVAL;
	n = snprintf(l->buf, MG_ALOG_LINE_MAX, "%.*s%s\"n\":%" PRIu64 ",\"prev\":\"%s\"}",
		     (int)(len - 1), record, len > 2 ? "," : "", l->n, l->head);
	return n < 0 || n >= MG_ALOG_LINE_MAX - 160 ? -ENOSPC : n;
}

static int append_record(struct mg_alog *l, const char *record, uint64_t next_seq)
{
	int n = chain(l, record);

	return n < 0 ? n : put_line(l, l->buf, n, next_seq);
}

/* A record made of json-c object @o (consumed). */
static int append_object(struct mg_alog *l, struct json_object *o, char *tmp, uint64_t next_seq)
{
	int err = o ? mg_json_format(o, tmp, MG_ALOG_LINE_MAX) : -ENOMEM;

	json_object_put(o);
	return err ? err : append_record(l, tmp, next_seq);
}

static int write_header(struct mg_alog *l)
{
	struct json_object *o = json_object_new_object();
	char when[64], tmp[512];

	now_string(when, sizeof(when));
	json_object_object_add(o, "type", json_object_new_string("file"));
	json_object_object_add(o, "file", json_object_new_uint64(l->file_no));
	json_object_object_add(o, "keep", json_object_new_uint64(l->keep));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "next_seq", json_object_new_uint64(l->next_seq));
	return append_object(l, o, tmp, l->next_seq);
}

int mg_alog_checkpoint(struct mg_alog *l, const char *reason)
{
	struct json_object *o = json_object_new_object();
	char when[64], tmp[512], sig[129];
	int n, err;

	now_string(when, sizeof(when));
	json_object_object_add(o, "type", json_object_new_string("checkpoint"));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "next_seq", json_object_new_uint64(l->next_seq));
	json_object_object_add(o, "key", json_object_new_string(l->key_id));
	err = mg_json_format(o, tmp, sizeof(tmp));
	json_object_put(o);
	if (err)
		return err;
	n = chain(l, tmp);
	if (n < 0)
		return n;
	/* The signature covers the line as it is without "sig"; verify rebuilds exactly that. */
	err = mg_alog_sign_hex(l->key, l->buf, n, sig);
	if (err)
		return err;
	n += sprintf(l->buf + n - 1, ",\"sig\":\"%s\"}", sig) - 1;
	err = put_line(l, l->buf, n, l->next_seq);
	if (err)
		return err;
	if (fsync(l->fd))
		return -errno;
	l->unsealed = 0;
	return 0;
}

/*
 * PATH becomes PATH.1, PATH.1 PATH.2 and so on; PATH.keep goes. The old file ends with a
 * checkpoint and the new one starts with a "file" line that chains to it.
 */
static int rotate(struct mg_alog *l)
{
	char from[4200], to[4200], msg[256];
	unsigned int k;
	int err, fd;

	err = mg_alog_checkpoint(l, "rotate");
	if (err)
		return err;
	snprintf(to, sizeof(to), "%s.%u", l->path, l->keep);
	if (unlink(to) && errno != ENOENT)
		return -errno;
	for (k = l->keep; k > 1; k--) {
		snprintf(from, sizeof(from), "%s.%u", l->path, k - 1);
		snprintf(to, sizeof(to), "%s.%u", l->path, k);
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	snprintf(to, sizeof(to), "%s.1", l->path);
	if (rename(l->path, to))
		return -errno;
	fd = open_locked(l->path, O_CREAT | O_EXCL, msg, sizeof(msg));
	if (fd < 0) {
		/*
		 * Go on writing the renamed file rather than lose records, and rotate no more:
		 * another attempt would rename it again. The next start begins a new file.
		 */
		l->rotate_size = 0;
		return fd;
	}
	close(l->fd);
	l->fd = fd;
	l->size = 0;
	l->file_lines = 0;
	l->file_no++;
	err = write_header(l);
	if (!err)
		err = fsync_dir(l->path);
	return err;
}

int mg_alog_append(struct mg_alog *l, const char *record, uint64_t next_seq)
{
	int err;

	if (l->rotate_size && l->size + (off_t)strlen(record) + 160 > (off_t)l->rotate_size &&
	    l->file_lines > 1) {
		err = rotate(l);
		if (err)
			return err;
	}
	return append_record(l, record, next_seq);
}

/* Takes the chain over from the newest rotated file when PATH has no whole line. */
static int resume_rotated(struct mg_alog *l, char *msg, size_t msglen)
{
	char prev[4200];
	size_t len;
	off_t size, end;
	int fd, err;

	snprintf(prev, sizeof(prev), "%s.1", l->path);
	fd = open(prev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	size = lseek(fd, 0, SEEK_END);
	err = size < 0 ? -errno : last_line(fd, size, l->buf, MG_ALOG_LINE_MAX * 2, &len, &end);
	if (!err)
		err = resume_after(l, l->buf, len);
	if (!err)
		err = file_number(fd, l->buf, MG_ALOG_LINE_MAX, &l->file_no);
	close(fd);
	if (err)
		msgf(msg, msglen, "cannot continue the chain of %s: %s", prev, strerror(-err));
	else
		l->file_no++;
	return err;
}

int mg_alog_open(struct mg_alog **out, const struct mg_alog_opts *o, char *msg, size_t msglen)
{
	struct mg_alog *l = calloc(1, sizeof(*l));
	off_t end;
	size_t len;
	int err;

	*out = NULL;
	*msg = '\0';
	if (!l || !(l->path = strdup(o->path)) || !(l->buf = malloc(MG_ALOG_LINE_MAX * 2))) {
		err = -ENOMEM;
		msgf(msg, msglen, "out of memory");
		goto fail;
	}
	l->fd = -1;
	l->key = o->key;
	l->rotate_size = o->rotate_size;
	l->keep = o->rotate_size && o->keep < 1 ? 1 : o->keep;
	memset(l->head, '0', MG_ALOG_HASH_HEX);
	err = mg_alog_key_id(l->key, l->key_id);
	if (err) {
		msgf(msg, msglen, "cannot read the audit key's public half");
		goto fail;
	}
	err = mg_alog_make_parent(l->path);
	if (err) {
		msgf(msg, msglen, "cannot create the directory of %s: %s", l->path, strerror(-err));
		goto fail;
	}
	l->fd = open_locked(l->path, O_CREAT, msg, msglen);
	if (l->fd < 0) {
		err = l->fd;
		goto fail;
	}
	l->size = lseek(l->fd, 0, SEEK_END);
	err = l->size > 0 ? last_line(l->fd, l->size, l->buf, MG_ALOG_LINE_MAX * 2, &len, &end)
			  : -ENODATA;
	if (err == -ENODATA)
		end = 0;
	else if (err) {
		msgf(msg, msglen, "the end of %s is not a line of the audit log: move it aside", l->path);
		goto fail;
	}
	if (end < l->size) {
		err = move_torn(l, end, msg, msglen);
		if (err)
			goto fail;
	}
	if (l->size == 0) {
		err = resume_rotated(l, msg, msglen);
		if (!err)
			err = write_header(l);
		if (!err && fsync(l->fd))
			err = -errno;
		if (!err)
			err = fsync_dir(l->path);
		if (err) {
			if (!*msg)
				msgf(msg, msglen, "cannot start %s: %s", l->path, strerror(-err));
			goto fail;
		}
	} else {
		l->file_lines = 2;	/* at least a header and a line: a full file may rotate */
		err = resume_after(l, l->buf, len);
		if (!err)
			err = file_number(l->fd, l->buf, MG_ALOG_LINE_MAX, &l->file_no);
		if (err) {
			msgf(msg, msglen, "%s is not a chained audit log (an older medgated's plain log?): move it aside and medgated starts a new one",
			     l->path);
			goto fail;
		}
	}
	*out = l;
	return 0;
fail:
	if (l && l->fd >= 0)
		close(l->fd);
	if (l) {
		free(l->buf);
		free(l->path);
	}
	free(l);
	return err;
}

uint64_t mg_alog_next_seq(const struct mg_alog *l)
{
	return l->next_seq;
}

size_t mg_alog_torn_bytes(const struct mg_alog *l)
{
	return l->torn;
}

uint64_t mg_alog_unsealed(const struct mg_alog *l)
{
	return l->unsealed;
}

int mg_alog_sync(struct mg_alog *l)
{
	return fdatasync(l->fd) ? -errno : 0;
}

void mg_alog_close(struct mg_alog *l)
{
	if (!l)
		return;
	close(l->fd);
	free(l->buf);
	free(l->path);
	free(l);
}

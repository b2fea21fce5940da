// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers of libmedgate: growing arrays, diagnostics, a string hash index.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* vasprintf */
#endif
#include <stdio.h>
#include <stdlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int mg_grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -ENOMEM;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

char *mg_vstrdupf(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void mg_error(struct mg_policy *p, struct mg_loc loc, const char *fmt, ...)
{
	struct mg_pdiag *d;
	va_list ap;

	if (p->n_diags >= MG_DIAGS_MAX) {
		p->diags_overflow = true;
		return;
	}
	if (mg_grow((void **)&p->diags, &p->cap_diags, p->n_diags + 1, sizeof(*p->diags))) {
		p->oom = true;
		return;
	}
	d = &p->diags[p->n_diags];
	d->loc = loc;
	d->order = p->diag_order;
	va_start(ap, fmt);
	if (vasprintf(&d->msg, fmt, ap) < 0) {
		d->msg = NULL;
		p->oom = true;
	}
	va_end(ap);
	if (!d->msg)
		return;
	p->n_diags++;
	p->diag_order++;
}

void mg_error_append(struct mg_policy *p, size_t i, const char *fmt, ...)
{
	char *tail, *msg;
	va_list ap;
	int r;

	if (i >= p->n_diags)
		return;
	va_start(ap, fmt);
	r = vasprintf(&tail, fmt, ap);
	va_end(ap);
	if (r < 0) {
		p->oom = true;
		return;
	}
	if (asprintf(&msg, "%s%s", p->diags[i].msg, tail) < 0) {
		p->oom = true;
	} else {
		free(p->diags[i].msg);
		p->diags[i].msg = msg;
	}
	free(tail);
}

void mg_diags_free(struct mg_diags *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
	d->cap = 0;
}

int mg_diags_add(struct mg_diags *d, const char *file, unsigned line, unsigned col,
		 const char *msg)
{
	struct mg_diag *o;

	if (mg_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v)))
		return -ENOMEM;
	o = &d->v[d->n];
	memset(o, 0, sizeof(*o));
	o->file = strdup(file);
	o->msg = strdup(msg);
	if (!o->file || !o->msg) {
		free(o->file);
		free(o->msg);
		return -ENOMEM;
	}
	o->line = line;
	o->col = col;
	d->n++;
	return 0;
}

int mg_diag_format(const struct mg_diag *d, char *buf, size_t len)
{
	int n;

	if (d->line)
		n = snprintf(buf, len, "%s:%u:%u: error: %s", d->file, d->line, d->col, d->msg);
	else
		n = snprintf(buf, len, "%s: error: %s", d->file, d->msg);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

char *mg_diag_string(const struct mg_diag *d)
{
	size_t len = strlen(d->file) + strlen(d->msg) + 64;
	char *s = malloc(len);

	if (s && mg_diag_format(d, s, len)) {
		free(s);
		s = NULL;
	}
	return s;
}

/* FNV-1a, the same function as profile ids; any decent spread will do for an index. */
static size_t hash_str(const char *s)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (u8)*s++;
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static int index_resize(struct mg_index *ix, size_t ncap)
{
	struct mg_index_slot *slots = calloc(ncap, sizeof(*slots));
	size_t i;

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < ix->cap; i++) {
		size_t j;

		if (!ix->slots[i].key)
			continue;
		for (j = hash_str(ix->slots[i].key) & (ncap - 1); slots[j].key; j = (j + 1) & (ncap - 1))
			;
		slots[j] = ix->slots[i];
	}
	free(ix->slots);
	ix->slots = slots;
	ix->cap = ncap;
	return 0;
}

/* @key must outlive the index (it is not copied). Replaces the value of an existing key. */
int mg_index_put(struct mg_index *ix, const char *key, size_t val)
{
	size_t j;

	if ((ix->n + 1) * 2 > ix->cap) {
		if (ix->cap > SIZE_MAX / 4)
			return -ENOMEM;
		if (index_resize(ix, ix->cap ? ix->cap * 2 : 64))
			return -ENOMEM;
	}
	for (j = hash_str(key) & (ix->cap - 1); ix->slots[j].key; j = (j + 1) & (ix->cap - 1)) {
		if (!strcmp(ix->slots[j].key, key)) {
			ix->slots[j].val = val;
			return 0;
		}
	}
	ix->slots[j].key = key;
	ix->slots[j].val = val;
	ix->n++;
	return 0;
}

bool mg_index_get(const struct mg_index *ix, const char *key, size_t *val)
{
	size_t j;

	if (!ix->cap)
		return false;
	for (j = hash_str(key) & (ix->cap - 1); ix->slots[j].key; j = (j + 1) & (ix->cap - 1)) {
		if (!strcmp(ix->slots[j].key, key)) {
			if (val)
				*val = ix->slots[j].val;
			return true;
		}
	}
	return false;
}

void mg_index_free(struct mg_index *ix)
{
	free(ix->slots);
	memset(ix, 0, sizeof(*ix));
}

/*
 * Reads @fd to its end, at most @max bytes, into a malloc'd buffer with a NUL after the last byte,
 * and closes it. Returns 0 or -errno (-EFBIG when there is more than @max).
 */
int mg_read_fd(int fd, size_t max, char **text, size_t *len)
{
	size_t n = 0, cap = 0;
	char *b = NULL;
	int err = 0;

	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			/* One byte more than @max tells "exactly max" from "too large". */
			if (cap > max) {
				err = -EFBIG;
				goto out;
			}
			cap = cap ? cap * 2 : 16384;
			if (cap > max + 1)
				cap = max + 1;
			nb = realloc(b, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				goto out;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max)
		err = -EFBIG;
out:
	close(fd);
	if (err) {
		free(b);
		return err;
	}
	if (!b && !(b = malloc(1)))
		return -ENOMEM;
	b[n] = '\0';
	*text = b;
	*len = n;
	return 0;
}

/*
 * Reads a regular file of at most @max bytes into a malloc'd buffer with a NUL after the last
 * byte; @stb (may be NULL) gets its fstat(). Returns 0 or -errno (-EFBIG, -EISDIR, -EINVAL: not
 * a regular file).
 */
int mg_read_file(const char *path, size_t max, char **text, size_t *len, struct stat *stb)
{
	struct stat own;
	int fd, err;

	if (!stb)
		stb = &own;
	/* O_NONBLOCK: opening a FIFO must not hang the compiler. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, stb))
		err = -errno;
	else if (S_ISDIR(stb->st_mode))
		err = -EISDIR;
	else if (!S_ISREG(stb->st_mode))
		err = -EINVAL;
	else
		return mg_read_fd(fd, max, text, len);
	close(fd);
	return err;
}

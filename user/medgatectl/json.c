// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming JSON writer for medgatectl. Strings go through mg_json_escape(), the same escaping as
 * the audit log, so no byte from a path or a policy file can break the document.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "medgate.h"

void jw_init(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->first[0] = true;
}

static void put_escaped(struct jw *w, const char *s)
{
	size_t cap = strlen(s) * 6 + 1;
	char *buf = malloc(cap);

	fputc('"', w->f);
	if (buf && !mg_json_escape(s, buf, cap))
		fputs(buf, w->f);
	free(buf);
	fputc('"', w->f);
}

static void key(struct jw *w, const char *k)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	if (k) {
		put_escaped(w, k);
		fputc(':', w->f);
	}
}

static void begin(struct jw *w, const char *k, char c)
{
	key(w, k);
	fputc(c, w->f);
	if (w->depth + 1 < JW_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void end(struct jw *w, char c)
{
	fputc(c, w->f);
	if (w->depth > 0)
		w->depth--;
	if (w->depth == 0) {
		fputc('\n', w->f);
		w->first[0] = true;
	}
}

void jw_obj_open(struct jw *w, const char *k)
{
	begin(w, k, '{');
}

void jw_obj_close(struct jw *w)
{
	end(w, '}');
}

void jw_arr_open(struct jw *w, const char *k)
{
	begin(w, k, '[');
}

void jw_arr_close(struct jw *w)
{
	end(w, ']');
}

void jw_str(struct jw *w, const char *k, const char *val)
{
	key(w, k);
	if (val)
		put_escaped(w, val);
	else
		fputs("null", w->f);
}

void jw_u64(struct jw *w, const char *k, uint64_t val)
{
	key(w, k);
	fprintf(w->f, "%" PRIu64, val);
}

void jw_hex64(struct jw *w, const char *k, uint64_t val)
{
	key(w, k);
	fprintf(w->f, "\"%016" PRIx64 "\"", val);
}

void jw_bool(struct jw *w, const char *k, bool val)
{
	key(w, k);
	fputs(val ? "true" : "false", w->f);
}

void jw_null(struct jw *w, const char *k)
{
	key(w, k);
	fputs("null", w->f);
}

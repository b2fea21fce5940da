/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer (compact, one document per line) for medgatectl's -j output.
 */
#ifndef MEDGATECTL_JSON_H
#define MEDGATECTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_DEPTH 16

struct jw {
	FILE *f;
	int depth;
	bool first[JW_DEPTH];
};

void jw_init(struct jw *w, FILE *f);
/* @key is NULL inside arrays and for the top-level value. */
void jw_obj_open(struct jw *w, const char *key);
void jw_obj_close(struct jw *w);	/* ends the line when the document is complete */
void jw_arr_open(struct jw *w, const char *key);
void jw_arr_close(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *val);	/* NULL val: null */
void jw_u64(struct jw *w, const char *key, uint64_t val);
void jw_hex64(struct jw *w, const char *key, uint64_t val);	/* "%016x" as a string */
void jw_bool(struct jw *w, const char *key, bool val);
void jw_null(struct jw *w, const char *key);

#endif /* MEDGATECTL_JSON_H */

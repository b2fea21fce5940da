// SPDX-License-Identifier: GPL-2.0
/*
 * The one way medgate writes JSON: json-c objects, printed compact on one line. Strings are
 * serialised with mg_json_escape() rather than json-c's own escaping, for two reasons: paths need
 * not be valid UTF-8, so every byte outside printable ASCII becomes \u00XX (json-c would pass it
 * through raw and produce an invalid document), and the audit log's escaping stays what readers of
 * existing logs already parse.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "internal.h"

#define MG_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static int string_to_json(struct json_object *o, struct printbuf *pb, int level, int flags)
{
	const char *s = json_object_get_string(o);
	size_t cap = strlen(s) * 6 + 1;
	char *buf = malloc(cap);

	(void)level;
	(void)flags;
	if (!buf || mg_json_escape(s, buf, cap)) {
		free(buf);
		return -1;
	}
	printbuf_memappend(pb, "\"", 1);
	printbuf_memappend(pb, buf, (int)strlen(buf));
	printbuf_memappend(pb, "\"", 1);
	free(buf);
	return 0;
}

struct json_object *mg_json_string(const char *s)
{
	struct json_object *o;

	if (!s)
		return NULL;	/* json-c prints a NULL member as null */
	o = json_object_new_string(s);
	if (o)
		json_object_set_serializer(o, string_to_json, NULL, NULL);
	return o;
}

struct json_object *mg_json_hex64(uint64_t v)
{
	char buf[17];

	snprintf(buf, sizeof(buf), "%016" PRIx64, v);
	return json_object_new_string(buf);
}

int mg_json_format(struct json_object *o, char *buf, size_t len)
{
	const char *s = json_object_to_json_string_ext(o, MG_JSON_FLAGS);
	size_t n;

	if (!s)
		return -ENOMEM;
	n = strlen(s);
	if (n >= len)
		return -ENOSPC;
	memcpy(buf, s, n + 1);
	return 0;
}

int mg_json_print(FILE *f, struct json_object *o)
{
	const char *s = o ? json_object_to_json_string_ext(o, MG_JSON_FLAGS) : NULL;
	int err = 0;

	if (!s)
		err = -ENOMEM;
	else if (fprintf(f, "%s\n", s) < 0)
		err = -EIO;
	json_object_put(o);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Includes of the policy language: "include PATH" (relative to the including file) and
 * "include <NAME>" (searched along the include path), parsed by a nested parser that shares the
 * variable scope of the file given to mg_parse(), at the top level or inside a profile. A stack
 * of (device, inode) pairs detects cycles; the bytes one file pulls in are bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "parse.h"

/* ---- includes ---- */

/* The include path relative to the directory of the including file (absolute: as it is). */
static char *include_path(const char *includer, const char *path)
{
	const char *slash = strrchr(includer, '/');
	size_t dlen = slash ? (size_t)(slash - includer) + 1 : 0;
	char *out;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/' || !dlen)
		return strdup(path);
	out = malloc(dlen + strlen(path) + 1);
	if (!out)
		return NULL;
	memcpy(out, includer, dlen);
	strcpy(out + dlen, path);
	return out;
}

/*
 * The include path of "include <NAME>": the directories set with mg_include_path_set() (medgatectl
 * -I and MEDGATE_INCLUDE_PATH), then the default directory. Process-wide, like a compiler's -I:
 * every policy compiled afterwards uses it.
 */
#ifndef MEDGATE_DATADIR
#define MEDGATE_DATADIR "/usr/share/medgate"	/* the Makefile sets it from $(PREFIX) */
#endif

static char **inc_dirs;
static size_t n_inc_dirs;
static char *inc_default;	/* NULL: MEDGATE_DATADIR */

int mg_include_path_set(const char *const *dirs, size_t n)
{
	char **v = NULL;
	size_t i;

	if (n) {
		v = calloc(n, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		v[i] = strdup(dirs[i]);
		if (!v[i]) {
			while (i--)
				free(v[i]);
			free(v);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n_inc_dirs; i++)
		free(inc_dirs[i]);
	free(inc_dirs);
	inc_dirs = v;
	n_inc_dirs = n;
	return 0;
}

int mg_include_default_dir_set(const char *dir)
{
	char *copy = NULL;

	if (dir) {
		copy = strdup(dir);
		if (!copy)
			return -ENOMEM;
	}
	free(inc_default);
	inc_default = copy;
	return 0;
}

const char *mg_include_default_dir(void)
{
	return inc_default ? inc_default : MEDGATE_DATADIR;
}

/* Checks NAME of "include <NAME>" (the word without its angle brackets); NULL when it is fine. */
static const char *search_name_error(const char *name, size_t len)
{
	size_t i = 0;

	if (!len)
		return "empty file name in 'include <>'";
	if (name[0] == '/')
		return "'include <NAME>' searches the include path: write an absolute name without '<' and '>'";
	while (i < len) {
		size_t clen = strcspn(name + i, "/");

		if (!clen || (clen == 1 && name[i] == '.') ||
		    (clen == 2 && name[i] == '.' && name[i + 1] == '.'))
			return "'include <NAME>' needs a normalized relative name (no \"//\", \".\" or \"..\" components)";
		i += clen + 1;
	}
	if (name[len - 1] == '/')
		return "'include <NAME>' names a file, not a directory";
	return NULL;
}

/*
 * "include <NAME>": the first directory of the include path holding NAME. NULL with *notfound
 * set when no directory has it (the message then names every directory searched), NULL without
 * it when out of memory.
 */
static char *search_include(struct mg_policy *p, struct mg_loc loc, const char *word,
			    bool *notfound)
{
	size_t nlen = strlen(word) - 2, i, n = n_inc_dirs + 1, slen = 0;
	char *name, *path = NULL, *searched = NULL;
	struct stat stb;
	FILE *list;

	*notfound = false;
	name = strndup(word + 1, nlen);
	list = open_memstream(&searched, &slen);
	if (!name || !list)
		goto out;
	for (i = 0; i < n; i++) {
		const char *dir = i < n_inc_dirs ? inc_dirs[i] : mg_include_default_dir();
		size_t dlen = strlen(dir);

		while (dlen > 1 && dir[dlen - 1] == '/')
			dlen--;
		path = malloc(dlen + 1 + nlen + 1);
		if (!path)
			goto out;
		snprintf(path, dlen + 1 + nlen + 1, "%.*s/%s", (int)dlen, dir, name);
		if (!stat(path, &stb))
			goto out;
		free(path);
		path = NULL;
		fprintf(list, "%s%.*s", i ? ", " : "", (int)dlen, dir);
	}
	if (fclose(list))
		goto out_closed;
	list = NULL;
	*notfound = true;
	mg_error(p, loc, "cannot include <%s>: not found in %s (add directories with -I DIR or MEDGATE_INCLUDE_PATH)",
		 name, searched);
out:
	if (list)
		fclose(list);
out_closed:
	free(searched);
	free(name);
	return path;
}

/* Parses @text of file @file in the context of @bc (NULL: the top level). */
static void parse_nested(struct parser *outer, unsigned file, const char *text, size_t len,
			 struct body_ctx *bc)
{
	struct parser ps = { .c = outer->c, .p = outer->p, .file = file };

	mg_lex_init(&ps.lx, ps.p, file, text, len);
	if (bc) {
		struct body_ctx ibc = *bc;
		struct mg_loc none = { .file = file };

		ibc.ps = &ps;
		ibc.included = true;
		advance(&ps);
		mg_parse_body(&ibc, false, none);
	} else {
		mg_parse_top(&ps);
	}
	mg_lex_free(&ps.lx);
}

/* include PATH (a word or a quoted string), at the top level (@bc NULL) or in a profile. */
void mg_parse_include(struct parser *ps, const struct stmt *st, struct body_ctx *bc)
{
	struct pctx *c = ps->c;
	struct mg_policy *p = ps->p;
	const struct word *w = st->w;
	struct stat stb;
	char *path = NULL, *text = NULL;
	size_t len = 0, i;
	unsigned file;
	int err;

	if (st->n < 2) {
		mg_error(p, st->end, "missing file name after 'include'");
		return;
	}
	if (w[1].type != T_WORD && w[1].type != T_STRING) {
		mg_error(p, w[1].loc, "expected a file name after 'include', found %s",
			 mg_tok_name(w[1].type));
		return;
	}
	if (st->n > 2) {
		mg_extra_words(ps, &w[2], "after the file name (one file per 'include')");
		return;
	}
	if (!w[1].len) {
		mg_error(p, w[1].loc, "empty file name after 'include'");
		return;
	}
	if (strstr(w[1].text, "@{")) {
		mg_error(p, w[1].loc, "variables are not expanded in include file names");
		return;
	}
	if (c->depth >= MG_INCLUDE_DEPTH) {
		mg_error(p, w[0].loc, "includes nested too deeply (the limit is %u levels)",
			 MG_INCLUDE_DEPTH);
		return;
	}
	if (p->n_files >= MG_FILES_MAX) {
		mg_error(p, w[0].loc, "too many policy files (the limit is %u, includes counted)",
			 MG_FILES_MAX);
		return;
	}
	if (w[1].type == T_WORD && w[1].text[0] == '<') {
		const char *why;
		bool notfound;

		if (w[1].len < 2 || w[1].text[w[1].len - 1] != '>') {
			mg_error(p, w[1].loc, "missing '>' after 'include <%s'", w[1].text + 1);
			return;
		}
		why = search_name_error(w[1].text + 1, w[1].len - 2);
		if (why) {
			mg_error(p, w[1].loc, "%s", why);
			return;
		}
		path = search_include(p, w[1].loc, w[1].text, &notfound);
		if (!path) {
			if (!notfound)
				nomem(ps);
			return;
		}
	} else {
		path = include_path(p->files[ps->file], w[1].text);
		if (!path) {
			nomem(ps);
			return;
		}
	}
	if (c->text_bytes > MG_INCLUDE_TEXT_MAX) {
		err = -EFBIG;
	} else {
		size_t max = MG_INCLUDE_TEXT_MAX - c->text_bytes;

		err = mg_read_file(path, max < MG_TEXT_MAX ? max : MG_TEXT_MAX, &text, &len, &stb);
	}
	if (err == -ENOMEM) {
		nomem(ps);
		goto out;
	}
	if (err) {
		const char *why = err == -EINVAL ? "not a regular file" :
				  err == -EFBIG ? "policy text too large" : strerror(-err);

		mg_error(p, w[1].loc, "cannot include \"%s\": %s", path, why);
		goto out;
	}
	for (i = 0; i <= c->depth; i++) {
		const struct inc_frame *f = &c->stack[i];

		if (f->known && f->dev == stb.st_dev && f->ino == stb.st_ino) {
			mg_error(p, w[1].loc,
				 "include cycle: \"%s\" is already being read (%s includes it again)",
				 path, p->files[ps->file]);
			goto out;
		}
	}
	c->text_bytes += len;
	if (mg_policy_add_file_name(p, path, &file)) {
		nomem(ps);
		goto out;
	}
	c->depth++;
	c->stack[c->depth] = (struct inc_frame){
		.dev = stb.st_dev, .ino = stb.st_ino, .known = true, .file = file,
	};
	parse_nested(ps, file, text, len, bc);
	c->depth--;
out:
	free(text);
	free(path);
}


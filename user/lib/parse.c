// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the policy language (docs/policy-language.md).
 *
 * The grammar is line-oriented: a file is a sequence of top-level statements (profile blocks,
 * variable definitions, includes) and a profile block is a sequence of statements, one per line
 * (or separated by ';'). A statement is collected as a list of words first and then handed to the
 * handler of its keyword, so a bad statement never derails the next one and every error of a file
 * is reported in one pass.
 *
 * Variables (@{NAME}) are expanded here: a path word with references becomes one path per
 * combination of values, and each path becomes one rule (or attachment) with the statement's
 * source position. Every byte of an expanded path remembers the column it came from, so an error
 * in a path points at the byte, or at the variable reference whose value brought the byte in.
 *
 * Includes are parsed by a nested parser sharing the variable scope of the file given to
 * mg_parse(), either at the top level (profiles, variables, includes) or inside a profile
 * (statements of that profile). An include stack of (device, inode) pairs detects cycles.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lexer.h"
#include "blob.h"
#include "glob.h"

struct word {
	enum mg_tok_type type;
	char *text;		/* NULL for punctuation */
	unsigned *cols;		/* column of each byte of @text */
	size_t len;
	struct mg_loc loc;
};

struct stmt {
	struct word *w;
	size_t n, cap;
	struct mg_loc end;	/* where the statement ended (for "missing ..." errors) */
};

/* ---- variables ---- */

struct var {
	char name[MG_VAR_NAME_MAX];
	struct mg_loc loc;	/* the definition */
	char **values;
	size_t n_values, cap_values;
};

/* A reference to an undefined variable, kept to say so if the variable is defined later. */
struct undef_ref {
	size_t diag;		/* index in p->diags */
	char name[MG_VAR_NAME_MAX];
	unsigned file;
};

struct inc_frame {
	dev_t dev;
	ino_t ino;
	bool known;		/* the file has an identity (it was read from the file system) */
	unsigned file;
};

/* What a file given to mg_parse() shares with everything it includes. */
struct pctx {
	struct mg_policy *p;
	struct var **vars;
	size_t n_vars, cap_vars;
	struct mg_index var_ix;		/* name -> index in vars */
	struct undef_ref *undef;
	size_t n_undef, cap_undef;
	struct inc_frame stack[MG_INCLUDE_DEPTH + 1];
	size_t depth;
	size_t text_bytes;		/* read by includes so far */
	/* Scratch space for one expanded path (see struct xpath). */
	char *x_text;
	unsigned *x_cols;
	int *x_var;
	int err;			/* sticky -ENOMEM */
};

struct parser {
	struct pctx *c;
	struct mg_policy *p;
	struct mg_lexer lx;
	struct mg_token tok;
	unsigned file;
};

struct body_ctx {
	struct parser *ps;
	struct mg_profile *prof;
	bool registered;	/* prof is part of the policy (valid, unique name) */
	size_t index;		/* its index in p->profiles when registered */
	bool included;		/* the statements come from a file included inside the profile */
};

static void parse_include(struct parser *ps, const struct stmt *st, struct body_ctx *bc);

static void nomem(struct parser *ps)
{
	ps->c->err = -ENOMEM;
}

static void advance(struct parser *ps)
{
	int err;

	if (ps->c->err) {
		ps->tok.type = T_EOF;
		return;
	}
	err = mg_lex_next(&ps->lx, &ps->tok);
	if (err) {
		ps->c->err = err;
		ps->tok.type = T_EOF;
	}
}

static bool tok_is(const struct mg_token *t, const char *kw)
{
	return t->type == T_WORD && t->len == strlen(kw) && !memcmp(t->text, kw, t->len);
}

static bool word_is(const struct word *w, const char *kw)
{
	return w->type == T_WORD && !strcmp(w->text, kw);
}

/* The location of byte @i of word @w. */
static struct mg_loc byte_loc(const struct word *w, size_t i)
{
	struct mg_loc l = w->loc;

	if (w->cols && w->len) {
		if (i >= w->len)
			l.col = w->cols[w->len - 1] + 1;
		else
			l.col = w->cols[i];
	}
	return l;
}

static struct mg_loc word_end(const struct word *w)
{
	struct mg_loc l = w->loc;

	if (w->type == T_STRING)
		l.col = (w->len ? w->cols[w->len - 1] + 1 : w->loc.col + 1) + 1;
	else if (w->len)
		l.col = w->cols[w->len - 1] + 1;
	return l;
}

/* Room for where(): a file name of up to PATH_MAX bytes and its line, never cut. */
#define WHERE_MAX	(MEDGATE_PATH_MAX + 32)

/* "line 12" when @l is in file @cur, else "FILE:12". */
static const char *where(const struct mg_policy *p, struct mg_loc l, unsigned cur, char *buf,
			 size_t len)
{
	if (l.file == cur)
		snprintf(buf, len, "line %u", l.line);
	else
		snprintf(buf, len, "%s:%u", l.file < p->n_files ? p->files[l.file] : "?", l.line);
	return buf;
}

/* ---- keyword suggestions ("did you mean") ---- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[32];

	if (la >= ARRAY_SIZE(row) || lb >= ARRAY_SIZE(row))
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3, i;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);

		if (d < best_d && d < strlen(cands[i])) {
			best = cands[i];
			best_d = d;
		}
	}
	return best;
}

static void unknown_keyword(struct parser *ps, const struct word *w, const char *where_,
			    const char *expected, const char *const *cands, size_t n)
{
	const char *s = w->type == T_WORD ? suggest(w->text, cands, n) : NULL;

	if (s)
		mg_error(ps->p, w->loc, "unknown keyword \"%s\"%s (did you mean \"%s\"?)", w->text,
			 where_, s);
	else
		mg_error(ps->p, w->loc, "unknown keyword \"%s\"%s%s", w->text, where_, expected);
}

/* ---- names ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static bool check_name(struct parser *ps, const struct word *w, const char *what)
{
	size_t i;

	if (w->type != T_WORD && w->type != T_STRING) {
		mg_error(ps->p, w->loc, "expected a %s, found %s", what, mg_tok_name(w->type));
		return false;
	}
	if (!w->len) {
		mg_error(ps->p, w->loc, "empty %s", what);
		return false;
	}
	if (strstr(w->text, "@{")) {
		mg_error(ps->p, byte_loc(w, (size_t)(strstr(w->text, "@{") - w->text)),
			 "variables are expanded in paths only, not in a %s", what);
		return false;
	}
	for (i = 0; i < w->len; i++) {
		unsigned char c = (unsigned char)w->text[i];

		if (name_char((char)c))
			continue;
		if (c > 0x20 && c < 0x7f)
			mg_error(ps->p, byte_loc(w, i),
				 "invalid character '%c' in %s \"%s\" (allowed: A-Z a-z 0-9 . _ -)",
				 c, what, w->text);
		else
			mg_error(ps->p, byte_loc(w, i),
				 "invalid byte 0x%02x in %s (allowed: A-Z a-z 0-9 . _ -)", c, what);
		return false;
	}
	if (w->len >= MEDGATE_NAME_MAX) {
		mg_error(ps->p, w->loc, "%s too long (%zu characters; the limit is %u)", what, w->len,
			 MEDGATE_NAME_MAX - 1);
		return false;
	}
	return true;
}

static bool var_first(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool var_char(char c)
{
	return var_first(c) || (c >= '0' && c <= '9');
}

/* ---- variable references and expansion ---- */

struct ref {
	size_t start, end;	/* "@{NAME}" is text[start, end) */
	size_t var;		/* index in pctx.vars */
};

/*
 * Finds the references of word @w. Reports the first bad or undefined reference and returns
 * false. @self (may be NULL) is the variable being defined, which its own value cannot use.
 */
static bool scan_refs(struct parser *ps, const struct word *w, struct ref **refs, size_t *n,
		      size_t *cap, const char *self)
{
	struct pctx *c = ps->c;
	size_t i;

	*n = 0;
	for (i = 0; i < w->len; i++) {
		char name[MG_VAR_NAME_MAX];
		size_t j, vi;

		if (w->text[i] == '\\' && i + 1 < w->len) {
			i++;	/* an escaped character is never the start of a reference */
			continue;
		}
		if (w->text[i] != '@' || i + 1 >= w->len || w->text[i + 1] != '{')
			continue;
		for (j = i + 2; j < w->len && w->text[j] != '}'; j++)
			if (!var_char(w->text[j]))
				break;
		if (j >= w->len) {
			mg_error(ps->p, byte_loc(w, i),
				 "unterminated variable reference (expected @{NAME})");
			return false;
		}
		if (w->text[j] != '}') {
			mg_error(ps->p, byte_loc(w, j),
				 "invalid character '%c' in a variable name (allowed: A-Z a-z 0-9 _)",
				 w->text[j]);
			return false;
		}
		if (j == i + 2) {
			mg_error(ps->p, byte_loc(w, i), "empty variable name in \"@{}\"");
			return false;
		}
		if (!var_first(w->text[i + 2])) {
			mg_error(ps->p, byte_loc(w, i + 2),
				 "a variable name starts with a letter or '_'");
			return false;
		}
		if (j - i - 2 >= MG_VAR_NAME_MAX) {
			mg_error(ps->p, byte_loc(w, i), "variable name too long (the limit is %u)",
				 MG_VAR_NAME_MAX - 1);
			return false;
		}
		memcpy(name, w->text + i + 2, j - i - 2);
		name[j - i - 2] = '\0';
		if (self && !strcmp(name, self)) {
			mg_error(ps->p, byte_loc(w, i),
				 "recursive definition: the value of @{%s} refers to @{%s}", name,
				 name);
			return false;
		}
		if (!mg_index_get(&c->var_ix, name, &vi)) {
			size_t before = ps->p->n_diags;

			mg_error(ps->p, byte_loc(w, i), "undefined variable @{%s}", name);
			/* Remembered (when the error was kept) to say later if it is defined later. */
			if (ps->p->n_diags > before &&
			    !mg_grow((void **)&c->undef, &c->cap_undef, c->n_undef + 1,
				     sizeof(*c->undef))) {
				struct undef_ref *u = &c->undef[c->n_undef++];

				u->diag = ps->p->n_diags - 1;
				u->file = ps->file;
				snprintf(u->name, sizeof(u->name), "%s", name);
			}
			return false;
		}
		if (mg_grow((void **)refs, cap, *n + 1, sizeof(**refs))) {
			nomem(ps);
			return false;
		}
		(*refs)[*n].start = i;
		(*refs)[*n].end = j + 1;
		(*refs)[*n].var = vi;
		(*n)++;
		i = j;
	}
	return true;
}

/* One expansion of a word: bytes, and for each the column and the variable it came from. */
struct xpath {
	const char *text;
	const unsigned *cols;
	const int *var;		/* index in pctx.vars, -1 for a byte written in the statement */
	size_t len;		/* may exceed the bytes stored (XPATH_CAP) when too long */
	bool truncated;
};

#define XPATH_CAP	(MEDGATE_PATH_MAX + 1)

typedef bool (*expand_fn)(struct parser *ps, const struct word *w, const struct xpath *x,
			  void *arg);

static void xput(struct pctx *c, struct xpath *x, const char *s, size_t n, const unsigned *cols,
		 unsigned col, int var)
{
	size_t i;

	for (i = 0; i < n; i++, x->len++) {
		if (x->len >= XPATH_CAP - 1) {
			x->truncated = true;
			continue;
		}
		c->x_text[x->len] = s[i];
		c->x_cols[x->len] = cols ? cols[i] : col;
		c->x_var[x->len] = var;
	}
}

/*
 * Calls @fn for each expansion of @w (one when it has no reference), until @fn returns false.
 * Returns false when a reference is bad (reported) or the expansion count exceeds
 * MG_EXPAND_MAX (reported); true otherwise, even when @fn stopped early.
 */
static bool expand_word(struct parser *ps, const struct word *w, const char *self, expand_fn fn,
			void *arg)
{
	struct pctx *c = ps->c;
	struct ref *refs = NULL;
	size_t n = 0, cap = 0, *idx = NULL, count = 1, i;
	bool ok = false;

	if (!c->x_text) {
		c->x_text = malloc(XPATH_CAP);
		c->x_cols = malloc(XPATH_CAP * sizeof(*c->x_cols));
		c->x_var = malloc(XPATH_CAP * sizeof(*c->x_var));
		if (!c->x_text || !c->x_cols || !c->x_var) {
			nomem(ps);
			return false;
		}
	}
	if (!scan_refs(ps, w, &refs, &n, &cap, self))
		goto out;
	for (i = 0; i < n; i++) {
		size_t nv = c->vars[refs[i].var]->n_values;

		if (nv && count > MG_EXPAND_MAX / nv) {
			count = MG_EXPAND_MAX + 1;
			break;
		}
		count *= nv;
	}
	if (count > MG_EXPAND_MAX) {
		mg_error(ps->p, w->loc,
			 "\"%s\" expands to more than %u paths (multiply the values of its variables)",
			 w->text, MG_EXPAND_MAX);
		goto out;
	}
	idx = calloc(n ? n : 1, sizeof(*idx));
	if (!idx) {
		nomem(ps);
		goto out;
	}
	ok = true;
	for (;;) {
		struct xpath x = { .text = c->x_text, .cols = c->x_cols, .var = c->x_var };
		size_t pos = 0;

		for (i = 0; i < n; i++) {
			const struct var *v = c->vars[refs[i].var];
			const char *val = v->values[idx[i]];

			xput(c, &x, w->text + pos, refs[i].start - pos, w->cols + pos, 0, -1);
			xput(c, &x, val, strlen(val), NULL, w->cols[refs[i].start],
			     (int)refs[i].var);
			pos = refs[i].end;
		}
		xput(c, &x, w->text + pos, w->len - pos, w->cols + pos, 0, -1);
		c->x_text[x.len < XPATH_CAP ? x.len : XPATH_CAP - 1] = '\0';
		if (!fn(ps, w, &x, arg) || c->err)
			break;
		/* Next combination: the last reference varies fastest (source order). */
		for (i = n; i > 0; i--) {
			if (++idx[i - 1] < c->vars[refs[i - 1].var]->n_values)
				break;
			idx[i - 1] = 0;
		}
		if (i == 0)
			break;
	}
out:
	free(idx);
	free(refs);
	return ok;
}

/* An error about byte @i of an expanded path: at its column, naming the variable it came from. */
__attribute__((format(printf, 5, 6)))
static void xerror(struct parser *ps, const struct word *w, const struct xpath *x, size_t i,
		   const char *fmt, ...)
{
	struct mg_loc l = w->loc;
	char *msg;
	va_list ap;

	/* Allocated: the message may quote a path of up to PATH_MAX bytes, and the variable
	 * named after it is the part that tells the author where to look. */
	va_start(ap, fmt);
	msg = mg_vstrdupf(fmt, ap);
	va_end(ap);
	if (!msg) {
		nomem(ps);
		return;
	}
	if (x->len && i < x->len && i < XPATH_CAP - 1) {
		l.col = x->cols[i];
		if (x->var[i] >= 0) {
			const struct var *v = ps->c->vars[x->var[i]];
			char wb[WHERE_MAX];

			mg_error(ps->p, l, "%s (from the value of @{%s}, %s)", msg, v->name,
				 where(ps->p, v->loc, ps->file, wb, sizeof(wb)));
			free(msg);
			return;
		}
	}
	mg_error(ps->p, l, "%s", msg);
	free(msg);
}

/* ---- paths ---- */

/*
 * Checks one expanded path: absolute, normalized, not too long, valid glob. Reports the first
 * problem and returns false; on success sets *flags to MEDGATE_PATTERN_F_GLOB if it is a glob.
 */
static bool check_path(struct parser *ps, const struct word *w, const struct xpath *x, u32 *flags)
{
	const char *t = x->text;
	size_t len = x->len, i, comp, off = 0;
	const char *why = NULL;

	*flags = 0;
	if (!len) {
		xerror(ps, w, x, 0, "empty path");
		return false;
	}
	if (x->truncated || len >= MEDGATE_PATH_MAX) {
		mg_error(ps->p, w->loc, "path too long (%zu bytes; the limit is %u)", len,
			 MEDGATE_PATH_MAX - 1);
		return false;
	}
	if (t[0] != '/') {
		xerror(ps, w, x, 0, "relative path \"%s\": paths must be absolute (start with '/')",
		       t);
		return false;
	}
	/* Normalized form only: the kernel matches against resolved paths. */
	for (i = 1, comp = 1; i <= len; i++) {
		if (i < len && t[i] != '/')
			continue;
		/* component t[comp .. i) */
		if (i == comp && i < len) {
			xerror(ps, w, x, i,
			       "empty path component (\"//\"): write paths in normalized form");
			return false;
		}
		if ((i - comp == 1 && t[comp] == '.') ||
		    (i - comp == 2 && t[comp] == '.' && t[comp + 1] == '.')) {
			xerror(ps, w, x, comp,
			       "\".\" or \"..\" in a path: write paths in normalized form");
			return false;
		}
		comp = i + 1;
	}
	if (len > 1 && t[len - 1] == '/') {
		xerror(ps, w, x, len - 1,
		       "a trailing '/' matches nothing: use /dir/** for everything below a directory, or /dir for the directory itself");
		return false;
	}
	if (t[len - 1] == '}' && !memchr(t, '{', len)) {
		xerror(ps, w, x, len - 1,
		       "'}' at the end of a path (put a space before a closing '}')");
		return false;
	}
	if (mg_glob_check(t, &off, &why)) {
		if (off >= len)
			off = len - 1;
		xerror(ps, w, x, off, "invalid glob: %s", why ? why : "syntax error");
		return false;
	}
	if (mg_glob_has_magic(t))
		*flags = MEDGATE_PATTERN_F_GLOB;
	return true;
}

/* ---- statements inside a profile ---- */

static void extra_words(struct parser *ps, const struct word *w, const char *after)
{
	if (w->type == T_WORD || w->type == T_STRING)
		mg_error(ps->p, w->loc, "unexpected \"%s\" %s", w->text, after);
	else
		mg_error(ps->p, w->loc, "unexpected %s %s", mg_tok_name(w->type), after);
}

static bool is_path_word(struct parser *ps, const struct word *w)
{
	if (w->type != T_WORD && w->type != T_STRING) {
		mg_error(ps->p, w->loc, "expected a path, found %s", mg_tok_name(w->type));
		return false;
	}
	return true;
}

struct attach_arg {
	struct body_ctx *bc;
	bool failed;
};

static bool add_attach(struct parser *ps, const struct word *w, const struct xpath *x, void *arg)
{
	struct attach_arg *aa = arg;
	struct body_ctx *bc = aa->bc;
	struct mg_profile *prof = bc->prof;
	struct mg_policy *p = ps->p;
	struct mg_attach *a;
	size_t owner;
	u32 flags;
	char *path;

	if (!check_path(ps, w, x, &flags)) {
		aa->failed = true;
		return false;
	}
	if (bc->registered && mg_index_get(&p->by_attach, x->text, &owner)) {
		const struct mg_profile *o = p->profiles[owner];
		struct mg_loc first = o->loc;
		char wb[WHERE_MAX];
		size_t i;

		for (i = 0; i < o->n_attach; i++)
			if (!strcmp(o->attach[i].path, x->text))
				first = o->attach[i].loc;
		if (o == prof)
			mg_error(p, w->loc, "duplicate attachment \"%s\" (already at %s)", x->text,
				 where(p, first, ps->file, wb, sizeof(wb)));
		else
			mg_error(p, w->loc,
				 "\"%s\" is already attached to profile \"%s\" (%s:%u): an executable enters one profile",
				 x->text, o->name, p->files[first.file], first.line);
		aa->failed = true;
		return false;
	}
	if (p->n_ir_attach >= MEDGATE_MAX_ATTACH + 1)
		return false;	/* the compiler reports "too many attachments" */
	path = strdup(x->text);
	if (!path || mg_grow((void **)&prof->attach, &prof->cap_attach, prof->n_attach + 1,
			     sizeof(*prof->attach))) {
		free(path);
		nomem(ps);
		return false;
	}
	a = &prof->attach[prof->n_attach++];
	a->path = path;
	a->flags = flags;
	a->loc = w->loc;
	p->n_ir_attach++;
	if (bc->registered && mg_index_put(&p->by_attach, a->path, bc->index))
		nomem(ps);
	return true;
}

static void st_attach(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	struct parser *ps = bc->ps;
	const struct word *w = &st->w[first];
	size_t n = st->n - first;
	struct attach_arg aa = { .bc = bc };

	if (n == 0) {
		mg_error(ps->p, st->end, "missing executable path after 'attach'");
		return;
	}
	if (!is_path_word(ps, &w[0]))
		return;
	if (n > 1) {
		extra_words(ps, &w[1], "after the attachment path (one path per 'attach')");
		return;
	}
	expand_word(ps, &w[0], NULL, add_attach, &aa);
}

static void st_mode(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	struct parser *ps = bc->ps;
	const struct word *w = &st->w[first];
	size_t n = st->n - first;
	char wb[WHERE_MAX];
	u32 mode;

	if (n == 0) {
		mg_error(ps->p, st->end, "missing mode after 'mode' (enforce or complain)");
		return;
	}
	if (word_is(&w[0], "enforce")) {
		mode = MEDGATE_MODE_ENFORCE;
	} else if (word_is(&w[0], "complain")) {
		mode = MEDGATE_MODE_COMPLAIN;
	} else {
		if (w[0].text)
			mg_error(ps->p, w[0].loc,
				 "unknown mode \"%s\" (expected enforce or complain)", w[0].text);
		else
			mg_error(ps->p, w[0].loc, "expected enforce or complain, found %s",
				 mg_tok_name(w[0].type));
		return;
	}
	if (n > 1)
		extra_words(ps, &w[1], "after the mode");
	if (bc->prof->mode_set) {
		mg_error(ps->p, st->w[0].loc, "mode given twice in profile \"%s\" (first at %s)",
			 bc->prof->name ? bc->prof->name : "",
			 where(ps->p, bc->prof->mode_loc, ps->file, wb, sizeof(wb)));
		return;
	}
	bc->prof->mode = mode;
	bc->prof->mode_set = true;
	bc->prof->mode_loc = st->w[0].loc;
}

/* "-> TARGET": checks the target name; returns it malloc'd or NULL. */
static char *exec_target(struct parser *ps, const struct stmt *st, size_t i, size_t *next,
			 struct mg_loc *loc)
{
	const struct word *w = st->w;
	char *t;

	*next = i + 1;
	if (i + 1 >= st->n) {
		mg_error(ps->p, st->end, "missing profile name after '->'");
		return NULL;
	}
	*next = i + 2;
	if (!check_name(ps, &w[i + 1], "profile name"))
		return NULL;
	t = strdup(w[i + 1].text);
	if (!t)
		nomem(ps);
	*loc = w[i + 1].loc;
	return t;
}

/*
 * An exec rule's environment choice, the word after its path or target: "scrub-env" (the new
 * program runs as secure-exec, its loader ignoring LD_PRELOAD and friends) or "keep-env" (never,
 * even on a profile change). Returns true and sets *flag when w is one of them.
 */
static bool env_option(const struct word *w, u32 *flag)
{
	if (w->type != T_WORD)
		return false;
	if (!strcmp(w->text, "scrub-env"))
		*flag = MEDGATE_RULE_F_SCRUB_ENV;
	else if (!strcmp(w->text, "keep-env"))
		*flag = MEDGATE_RULE_F_KEEP_ENV;
	else
		return false;
	return true;
}

/* Parses an optional environment choice at w[*i] for a rule that may run programs. */
static bool env_choice(struct parser *ps, const struct stmt *st, size_t *i, bool deny, bool exec,
		       struct mg_rule *r)
{
	u32 flag;

	if (*i >= st->n || !env_option(&st->w[*i], &flag))
		return true;
	if (deny) {
		mg_error(ps->p, st->w[*i].loc, "a deny rule runs nothing: \"%s\" does not apply",
			 st->w[*i].text);
		return false;
	}
	if (!exec) {
		mg_error(ps->p, st->w[*i].loc, "\"%s\" needs the x access letter", st->w[*i].text);
		return false;
	}
	r->flags |= flag;
	(*i)++;
	return true;
}

/* Bits that another bit implies: writing includes appending, executing includes mapping. */
static u32 access_closure(u32 access)
{
	if (access & MEDGATE_ACCESS_WRITE)
		access |= MEDGATE_ACCESS_APPEND;
	if (access & MEDGATE_ACCESS_EXEC)
		access |= MEDGATE_ACCESS_MMAP_EXEC;
	return access;
}

struct rule_arg {
	struct body_ctx *bc;
	const struct mg_rule *tmpl;
};

static bool add_rule(struct parser *ps, const struct word *w, const struct xpath *x, void *arg)
{
	struct rule_arg *ra = arg;
	struct mg_profile *prof = ra->bc->prof;
	struct mg_policy *p = ps->p;
	struct mg_rule r = *ra->tmpl;
	u32 flags;

	if (!check_path(ps, w, x, &flags))
		return false;
	if (p->n_ir_rules >= MG_IR_RULES_MAX)
		return false;	/* the compiler reports "too many rules" */
	r.flags |= flags;
	r.path = strdup(x->text);
	r.target = ra->tmpl->target ? strdup(ra->tmpl->target) : NULL;
	if (!r.path || (ra->tmpl->target && !r.target) ||
	    mg_grow((void **)&prof->rules, &prof->cap_rules, prof->n_rules + 1,
		    sizeof(*prof->rules))) {
		free(r.path);
		free(r.target);
		nomem(ps);
		return false;
	}
	prof->rules[prof->n_rules++] = r;
	p->n_ir_rules++;
	return true;
}

static void add_rules(struct body_ctx *bc, const struct word *path, struct mg_rule *tmpl)
{
	struct rule_arg ra = { .bc = bc, .tmpl = tmpl };

	expand_word(bc->ps, path, NULL, add_rule, &ra);
}

static bool only_check(struct parser *ps, const struct word *w, const struct xpath *x, void *arg)
{
	u32 flags;

	(void)arg;
	return check_path(ps, w, x, &flags);
}

/* A statement with another error still has its path checked: every error at once. */
static void check_rule_path(struct body_ctx *bc, const struct word *path)
{
	expand_word(bc->ps, path, NULL, only_check, NULL);
}

static void access_error(struct parser *ps, const struct word *w, size_t bad)
{
	char c = w->text[bad];

	if (!w->len)
		mg_error(ps->p, w->loc, "empty access letters (some of " MG_ACCESS_LETTERS ")");
	else if (strchr(MG_ACCESS_LETTERS, c))
		mg_error(ps->p, byte_loc(w, bad), "access letter '%c' given twice", c);
	else if (c > 0x20 && c < 0x7f)
		mg_error(ps->p, byte_loc(w, bad),
			 "unknown access letter '%c' (expected some of " MG_ACCESS_LETTERS ")", c);
	else
		mg_error(ps->p, byte_loc(w, bad),
			 "unknown access letter 0x%02x (expected some of " MG_ACCESS_LETTERS ")",
			 (unsigned char)c);
}

/*
 * The end of a file or exec statement: a complete rule is added (once per expansion of its path),
 * an incomplete one still has its path checked so that every error is reported at once.
 */
static void finish_rule(struct body_ctx *bc, const struct word *path, struct mg_rule *r, bool deny,
			bool ok)
{
	if (ok) {
		r->access = access_closure(r->access);
		if (deny)
			r->flags |= MEDGATE_RULE_F_DENY;
		r->exec_mode = r->target ? MEDGATE_EXEC_MOVE : MEDGATE_EXEC_STAY;
		add_rules(bc, path, r);
	} else {
		check_rule_path(bc, path);
	}
	free(r->target);
}

/* [deny] file PATH ACCESS [-> PROFILE] */
static void st_file(struct body_ctx *bc, const struct stmt *st, size_t first, bool deny)
{
	struct parser *ps = bc->ps;
	const struct word *w = st->w;
	struct mg_rule r = { .kind = MG_RULE_FILE, .loc = w[0].loc };
	size_t i = first, bad = 0, next;
	bool ok = true;
	int err;

	if (i >= st->n) {
		mg_error(ps->p, st->end, "missing path after 'file'");
		return;
	}
	if (!is_path_word(ps, &w[i]))
		return;
	i++;
	if (i >= st->n || (w[i].type != T_WORD && w[i].type != T_STRING)) {
		mg_error(ps->p, i < st->n ? w[i].loc : word_end(&w[i - 1]),
			 "missing access letters after the path (some of " MG_ACCESS_LETTERS ")");
		return;
	}
	err = w[i].type == T_WORD ? mg_access_parse(w[i].text, &r.access, &bad) : -EINVAL;
	if (w[i].type == T_STRING) {
		mg_error(ps->p, w[i].loc, "access letters cannot be quoted");
		ok = false;
	} else if (err) {
		access_error(ps, &w[i], bad);
		ok = false;
	}
	i++;
	if (i < st->n && w[i].type == T_ARROW) {
		if (deny) {
			mg_error(ps->p, w[i].loc, "a deny rule cannot change the profile ('->')");
			ok = false;
		} else if (!err && !(r.access & MEDGATE_ACCESS_EXEC)) {
			mg_error(ps->p, w[i].loc, "'->' needs the x access letter");
			ok = false;
		}
		if (ok) {
			r.target = exec_target(ps, st, i, &next, &r.target_loc);
			if (!r.target)
				ok = false;
			i = next;
		}
	}
	if (ok && !env_choice(ps, st, &i, deny, !err && (r.access & MEDGATE_ACCESS_EXEC), &r))
		ok = false;
	if (ok && i < st->n) {
		extra_words(ps, &w[i], "after the access letters");
		ok = false;
	}
	finish_rule(bc, &w[first], &r, deny, ok);
}

/* [deny] exec PATH [-> PROFILE] */
static void st_exec(struct body_ctx *bc, const struct stmt *st, size_t first, bool deny)
{
	struct parser *ps = bc->ps;
	const struct word *w = st->w;
	struct mg_rule r = {
		.kind = MG_RULE_FILE,
		.loc = w[0].loc,
		.access = MEDGATE_ACCESS_EXEC,
	};
	size_t i = first, next;
	u32 letters;
	bool ok = true;

	if (i >= st->n) {
		mg_error(ps->p, st->end, "missing executable path after 'exec'");
		return;
	}
	if (!is_path_word(ps, &w[i]))
		return;
	i++;
	if (i < st->n && w[i].type == T_ARROW) {
		if (deny) {
			mg_error(ps->p, w[i].loc,
				 "a deny rule cannot change the profile ('->'): 'deny exec PATH' refuses the program");
			ok = false;
		} else {
			r.target = exec_target(ps, st, i, &next, &r.target_loc);
			if (!r.target)
				ok = false;
			i = next;
		}
	}
	if (ok && !env_choice(ps, st, &i, deny, true, &r))
		ok = false;
	if (ok && i < st->n) {
		if (w[i].type == T_WORD && !mg_access_parse(w[i].text, &letters, &next))
			mg_error(ps->p, w[i].loc,
				 "unexpected \"%s\" after the path: exec takes no access letters (use 'file PATH %s')",
				 w[i].text, w[i].text);
		else
			extra_words(ps, &w[i],
				    "after the path (expected '-> PROFILE', scrub-env, keep-env or end of line)");
		ok = false;
	}
	finish_rule(bc, &w[first], &r, deny, ok);
}

static void st_deny(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	struct parser *ps = bc->ps;
	const struct word *w = st->w;

	if (first >= st->n) {
		mg_error(ps->p, st->end, "missing rule after 'deny' (file or exec)");
		return;
	}
	if (word_is(&w[first], "file"))
		st_file(bc, st, first + 1, true);
	else if (word_is(&w[first], "exec"))
		st_exec(bc, st, first + 1, true);
	else if (w[first].text)
		mg_error(ps->p, w[first].loc,
			 "'deny' applies to file and exec rules, not to \"%s\"", w[first].text);
	else
		mg_error(ps->p, w[first].loc, "expected file or exec after 'deny', found %s",
			 mg_tok_name(w[first].type));
}

static void st_file_allow(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	st_file(bc, st, first, false);
}

static void st_exec_allow(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	st_exec(bc, st, first, false);
}

static void st_include_body(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	(void)first;
	parse_include(bc->ps, st, bc);
}

struct body_keyword {
	const char *kw;
	void (*fn)(struct body_ctx *bc, const struct stmt *st, size_t first);
	const char *later;	/* reserved: the "not supported yet" reason */
};

static const struct body_keyword body_keywords[] = {
	{ "attach",	st_attach,	NULL },
	{ "mode",	st_mode,	NULL },
	{ "file",	st_file_allow,	NULL },
	{ "exec",	st_exec_allow,	NULL },
	{ "deny",	st_deny,	NULL },
	{ "include",	st_include_body, NULL },
	{ "network",	NULL,	"network rules are not supported yet" },
	{ "capability",	NULL,	"capability rules are not supported yet" },
	{ "signal",	NULL,	"signal rules are not supported yet" },
	{ "ptrace",	NULL,	"ptrace rules are not supported yet" },
	{ "mount",	NULL,	"mount rules are not supported yet" },
	{ "syscalls",	NULL,	"syscall allowlists are not supported yet" },
};

static void statement(struct body_ctx *bc, const struct stmt *st)
{
	struct parser *ps = bc->ps;
	const struct word *w = &st->w[0];
	const char *cands[ARRAY_SIZE(body_keywords)];
	size_t i;

	if (w->type == T_WORD && !strncmp(w->text, "@{", 2)) {
		mg_error(ps->p, w->loc,
			 "variables are defined at the top level, outside profiles (before the profiles that use them)");
		return;
	}
	if (w->type == T_WORD && (w->text[0] == '/' || w->text[0] == '@')) {
		mg_error(ps->p, w->loc,
			 "a statement starts with a keyword (attach, mode, file, exec, deny, include), not a path");
		return;
	}
	if (w->type == T_WORD && w->text[0] == '$') {
		mg_error(ps->p, w->loc, "'$' is reserved: variables are written @{NAME}");
		return;
	}
	if (w->type != T_WORD) {
		if (w->type == T_STRING)
			mg_error(ps->p, w->loc, "a keyword cannot be quoted: \"%s\"", w->text);
		else
			mg_error(ps->p, w->loc, "unexpected %s at the start of a statement",
				 mg_tok_name(w->type));
		return;
	}
	for (i = 0; i < ARRAY_SIZE(body_keywords); i++) {
		const struct body_keyword *k = &body_keywords[i];

		if (strcmp(k->kw, w->text))
			continue;
		if (k->fn)
			k->fn(bc, st, 1);
		else
			mg_error(ps->p, w->loc, "%s", k->later);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(body_keywords); i++)
		cands[i] = body_keywords[i].kw;
	unknown_keyword(ps, w, " in a profile",
			" (expected attach, mode, file, exec, deny or include)", cands,
			ARRAY_SIZE(cands));
}

/* ---- blocks ---- */

static void stmt_clear(struct stmt *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->w[i].text);
		free(st->w[i].cols);
	}
	st->n = 0;
}

static void stmt_free(struct stmt *st)
{
	stmt_clear(st);
	free(st->w);
	st->w = NULL;
	st->cap = 0;
}

/* Collects the words of one statement; stops before a newline, ';', '}', '{' or the end. */
static void collect(struct parser *ps, struct stmt *st)
{
	stmt_clear(st);
	while (!ps->c->err) {
		struct word *w;

		switch (ps->tok.type) {
		case T_EOF:
		case T_NEWLINE:
		case T_SEMI:
		case T_RBRACE:
		case T_LBRACE:
			st->end = ps->tok.loc;
			return;
		default:
			break;
		}
		if (mg_grow((void **)&st->w, &st->cap, st->n + 1, sizeof(*st->w))) {
			nomem(ps);
			return;
		}
		w = &st->w[st->n];
		w->type = ps->tok.type;
		w->loc = ps->tok.loc;
		w->len = ps->tok.len;
		w->text = NULL;
		w->cols = NULL;
		if (ps->tok.text) {
			w->text = malloc(ps->tok.len + 1);
			w->cols = malloc((ps->tok.len + 1) * sizeof(*w->cols));
			if (!w->text || !w->cols) {
				free(w->text);
				free(w->cols);
				nomem(ps);
				return;
			}
			memcpy(w->text, ps->tok.text, ps->tok.len);
			w->text[ps->tok.len] = '\0';
			memcpy(w->cols, ps->tok.cols, ps->tok.len * sizeof(*w->cols));
		}
		st->n++;
		advance(ps);
	}
}

/* Skips a "{ ... }" block (nested ones included) starting at the current '{'. */
static void skip_block(struct parser *ps)
{
	unsigned depth = 0;

	while (!ps->c->err && ps->tok.type != T_EOF) {
		if (ps->tok.type == T_LBRACE)
			depth++;
		else if (ps->tok.type == T_RBRACE && --depth == 0) {
			advance(ps);
			return;
		}
		advance(ps);
	}
}

static void free_profile(struct mg_profile *prof)
{
	size_t i;

	if (!prof)
		return;
	for (i = 0; i < prof->n_attach; i++)
		free(prof->attach[i].path);
	for (i = 0; i < prof->n_rules; i++) {
		free(prof->rules[i].path);
		free(prof->rules[i].target);
	}
	free(prof->attach);
	free(prof->rules);
	free(prof->name);
	free(prof);
}

void mg_profile_free(struct mg_profile *prof)
{
	free_profile(prof);
}

/*
 * The statements of a profile: up to its '}' (@opened), or to the end of an included file
 * (bc->included).
 */
static void body(struct body_ctx *bc, bool opened, struct mg_loc open_loc)
{
	struct parser *ps = bc->ps;
	const char *name = bc->prof->name ? bc->prof->name : "";
	struct stmt st = { 0 };
	char wb[WHERE_MAX];

	while (!ps->c->err) {
		switch (ps->tok.type) {
		case T_NEWLINE:
		case T_SEMI:
			advance(ps);
			continue;
		case T_RBRACE:
			if (bc->included) {
				mg_error(ps->p, ps->tok.loc,
					 "unexpected '}' in a file included inside profile \"%s\" (it closes no profile)",
					 name);
				advance(ps);
				continue;
			}
			advance(ps);
			goto out;
		case T_EOF:
			if (opened)
				mg_error(ps->p, ps->tok.loc,
					 "missing '}' at end of file (profile \"%s\" opened at %s)",
					 name, where(ps->p, open_loc, ps->file, wb, sizeof(wb)));
			goto out;
		case T_LBRACE:
			mg_error(ps->p, ps->tok.loc, "unexpected '{' inside profile \"%s\"", name);
			skip_block(ps);
			continue;
		default:
			break;
		}
		if (tok_is(&ps->tok, "profile") && bc->included) {
			mg_error(ps->p, ps->tok.loc,
				 "a profile cannot be defined in a file included inside a profile");
			while (!ps->c->err && ps->tok.type != T_NEWLINE && ps->tok.type != T_SEMI &&
			       ps->tok.type != T_EOF && ps->tok.type != T_LBRACE &&
			       ps->tok.type != T_RBRACE)
				advance(ps);
			if (ps->tok.type == T_LBRACE)
				skip_block(ps);
			continue;
		}
		if (tok_is(&ps->tok, "profile")) {
			mg_error(ps->p, ps->tok.loc,
				 "missing '}' before 'profile' (profile \"%s\" opened at %s)", name,
				 where(ps->p, open_loc, ps->file, wb, sizeof(wb)));
			goto out;
		}
		collect(ps, &st);
		if (ps->c->err)
			goto out;
		if (ps->tok.type == T_LBRACE) {
			mg_error(ps->p, ps->tok.loc, "unexpected '{' after a statement");
			skip_block(ps);
		}
		if (st.n)
			statement(bc, &st);
	}
out:
	stmt_free(&st);
}

static void profile(struct parser *ps)
{
	struct mg_policy *p = ps->p;
	struct mg_profile *prof;
	struct body_ctx bc = { .ps = ps };
	struct mg_loc kw_loc = ps->tok.loc, open_loc;
	struct word name = { .type = T_EOF };
	bool opened = false, name_ok = false;

	advance(ps);
	prof = calloc(1, sizeof(*prof));
	if (!prof) {
		nomem(ps);
		return;
	}
	if (ps->tok.type == T_WORD || ps->tok.type == T_STRING) {
		name.type = ps->tok.type;
		name.loc = ps->tok.loc;
		name.len = ps->tok.len;
		name.text = strndup(ps->tok.text, ps->tok.len);
		name.cols = malloc((ps->tok.len + 1) * sizeof(*name.cols));
		if (!name.text || !name.cols) {
			free(name.text);
			free(name.cols);
			nomem(ps);
			free(prof);
			return;
		}
		memcpy(name.cols, ps->tok.cols, ps->tok.len * sizeof(*name.cols));
		name_ok = check_name(ps, &name, "profile name");
		free(name.cols);
		prof->loc = name.loc;
		advance(ps);
	} else {
		mg_error(p, ps->tok.type == T_LBRACE || ps->tok.type == T_NEWLINE ||
			    ps->tok.type == T_EOF ? ps->tok.loc : kw_loc,
			 "missing profile name after 'profile'");
		prof->loc = kw_loc;
	}
	prof->name = name.text;	/* may be NULL */
	open_loc = ps->tok.loc;

	/* Anything between the name and '{' on this line is an error, reported once. */
	if (ps->tok.type == T_WORD || ps->tok.type == T_STRING || ps->tok.type == T_ARROW) {
		if (ps->tok.text)
			mg_error(p, ps->tok.loc, "unexpected \"%s\" after the profile name (expected '{')",
				 ps->tok.text);
		else
			mg_error(p, ps->tok.loc, "unexpected %s after the profile name (expected '{')",
				 mg_tok_name(ps->tok.type));
		while (ps->tok.type == T_WORD || ps->tok.type == T_STRING ||
		       ps->tok.type == T_ARROW)
			advance(ps);
	}
	/* The brace may open on the next line. */
	{
		struct mg_loc eol = ps->tok.loc;

		while (ps->tok.type == T_NEWLINE)
			advance(ps);
		if (ps->tok.type == T_LBRACE) {
			open_loc = ps->tok.loc;
			opened = true;
			advance(ps);
		} else {
			mg_error(p, eol, "expected '{' after the profile name");
			open_loc = eol;
		}
	}

	if (name_ok) {
		size_t other;

		if (mg_index_get(&p->by_name, prof->name, &other)) {
			struct mg_loc l = p->profiles[other]->loc;

			mg_error(p, prof->loc, "duplicate profile \"%s\" (first defined at %s:%u)",
				 prof->name, p->files[l.file], l.line);
		} else {
			prof->id = medgate_profile_id(prof->name);
			bc.registered = true;
		}
	}
	if (bc.registered) {
		if (mg_grow((void **)&p->profiles, &p->cap_profiles, p->n_profiles + 1,
			    sizeof(*p->profiles)) ||
		    mg_index_put(&p->by_name, prof->name, p->n_profiles)) {
			nomem(ps);
			free_profile(prof);
			return;
		}
		bc.index = p->n_profiles;
		p->profiles[p->n_profiles++] = prof;
	}
	bc.prof = prof;
	body(&bc, opened, open_loc);
	if (!bc.registered) {
		/* Its attachments were not indexed, its rules not counted against the policy. */
		p->n_ir_rules -= prof->n_rules;
		p->n_ir_attach -= prof->n_attach;
		free_profile(prof);
	}
}

/* ---- variable definitions ---- */

struct value_arg {
	struct var *v;
	bool failed;
};

static bool add_value(struct parser *ps, const struct word *w, const struct xpath *x, void *arg)
{
	struct value_arg *va = arg;
	struct var *v = va->v;
	char *s;

	if (x->truncated || x->len >= MEDGATE_PATH_MAX) {
		mg_error(ps->p, w->loc, "variable value too long (%zu bytes; the limit is %u)",
			 x->len, MEDGATE_PATH_MAX - 1);
		va->failed = true;
		return false;
	}
	if (v->n_values >= MG_VAR_VALUES_MAX) {
		mg_error(ps->p, w->loc, "@{%s} has too many values (the limit is %u)", v->name,
			 MG_VAR_VALUES_MAX);
		va->failed = true;
		return false;
	}
	s = strdup(x->text);
	if (!s || mg_grow((void **)&v->values, &v->cap_values, v->n_values + 1,
			  sizeof(*v->values))) {
		free(s);
		nomem(ps);
		return false;
	}
	v->values[v->n_values++] = s;
	return true;
}

/* Value @i of a definition whose values start with @first (when set) then st->w[from...]. */
static bool var_value(struct parser *ps, const struct stmt *st, const struct word *first,
		      size_t from, size_t i, const char *name, struct value_arg *va)
{
	const struct word *vw = first->text ? (i == 0 ? first : &st->w[from + i - 1])
					    : &st->w[from + i];

	if (vw->type == T_ARROW) {
		mg_error(ps->p, vw->loc, "unexpected '->' in the value of @{%s}", name);
		return false;
	}
	return expand_word(ps, vw, name, add_value, va) && !va->failed;
}

static void var_free(struct var *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n_values; i++)
		free(v->values[i]);
	free(v->values);
	free(v);
}

/*
 * @{NAME} = VALUE...   or   @{NAME} += VALUE...
 * The operator may touch the name or the first value ("@{A}=/x"). Values are words or quoted
 * strings and may use variables defined before.
 */
static void var_definition(struct parser *ps, struct stmt *st)
{
	struct pctx *c = ps->c;
	struct word *w = st->w, first = { 0 };
	struct value_arg va = { 0 };
	char name[MG_VAR_NAME_MAX], wb[WHERE_MAX];
	const char *rest;
	bool append = false;
	size_t i, j, n, vi, values_from;
	struct var *v, *old = NULL;

	/* The name. */
	for (j = 2; j < w[0].len && w[0].text[j] != '}'; j++)
		if (!var_char(w[0].text[j]))
			break;
	if (j >= w[0].len) {
		mg_error(ps->p, w[0].loc, "unterminated variable name (expected @{NAME} = VALUE...)");
		return;
	}
	if (w[0].text[j] != '}') {
		mg_error(ps->p, byte_loc(&w[0], j),
			 "invalid character '%c' in a variable name (allowed: A-Z a-z 0-9 _)",
			 w[0].text[j]);
		return;
	}
	if (j == 2) {
		mg_error(ps->p, w[0].loc, "empty variable name in \"@{}\"");
		return;
	}
	if (!var_first(w[0].text[2])) {
		mg_error(ps->p, byte_loc(&w[0], 2), "a variable name starts with a letter or '_'");
		return;
	}
	if (j - 2 >= MG_VAR_NAME_MAX) {
		mg_error(ps->p, w[0].loc, "variable name too long (the limit is %u)",
			 MG_VAR_NAME_MAX - 1);
		return;
	}
	memcpy(name, w[0].text + 2, j - 2);
	name[j - 2] = '\0';

	/* The operator, in this word or the next. */
	rest = w[0].text + j + 1;
	i = 0;
	if (!*rest) {
		if (st->n < 2 || w[1].type != T_WORD ||
		    (w[1].text[0] != '=' && strncmp(w[1].text, "+=", 2))) {
			mg_error(ps->p, st->n < 2 ? word_end(&w[0]) : w[1].loc,
				 "expected '=' or '+=' after @{%s}", name);
			return;
		}
		i = 1;
		rest = w[1].text;
	}
	if (!strncmp(rest, "+=", 2)) {
		append = true;
		rest += 2;
	} else if (rest[0] == '=') {
		rest += 1;
	} else {
		mg_error(ps->p, byte_loc(&w[0], j + 1), "expected '=' or '+=' after @{%s}", name);
		return;
	}
	/* A value glued to the operator becomes a word of its own. */
	values_from = i + 1;
	if (*rest) {
		size_t off = (size_t)(rest - w[i].text);

		first.type = T_WORD;
		first.text = (char *)rest;
		first.len = w[i].len - off;
		first.cols = w[i].cols + off;
		first.loc = byte_loc(&w[i], off);
	}
	n = (first.text ? 1 : 0) + (st->n - values_from);
	if (!n) {
		mg_error(ps->p, st->end, "missing value after '%s' (a variable has at least one value)",
			 append ? "+=" : "=");
		return;
	}

	if (mg_index_get(&c->var_ix, name, &vi))
		old = c->vars[vi];
	if (old && !append) {
		mg_error(ps->p, w[0].loc,
			 "variable @{%s} is already defined (at %s); use += to add values", name,
			 where(ps->p, old->loc, ps->file, wb, sizeof(wb)));
		return;
	}
	if (!old && append) {
		mg_error(ps->p, w[0].loc, "@{%s} is not defined: use '=' to define it", name);
		return;
	}
	if (!old && c->n_vars >= MG_VARS_MAX) {
		mg_error(ps->p, w[0].loc, "too many variables (the limit is %u)", MG_VARS_MAX);
		return;
	}

	/* The values: appended in place (undone on error), or into a new variable. */
	if (old) {
		size_t n0 = old->n_values;

		va.v = old;
		for (i = 0; i < n && !va.failed && !c->err; i++)
			if (!var_value(ps, st, &first, values_from, i, name, &va))
				va.failed = true;
		if (va.failed || c->err) {
			while (old->n_values > n0)
				free(old->values[--old->n_values]);
		}
		return;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		nomem(ps);
		return;
	}
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->loc = w[0].loc;
	va.v = v;
	for (i = 0; i < n && !va.failed && !c->err; i++)
		if (!var_value(ps, st, &first, values_from, i, name, &va))
			va.failed = true;
	if (va.failed || c->err) {
		var_free(v);
		return;
	}
	if (mg_grow((void **)&c->vars, &c->cap_vars, c->n_vars + 1, sizeof(*c->vars)) ||
	    mg_index_put(&c->var_ix, v->name, c->n_vars)) {
		var_free(v);
		nomem(ps);
		return;
	}
	c->vars[c->n_vars++] = v;
}

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

static void top(struct parser *ps);

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
		body(&ibc, false, none);
	} else {
		top(&ps);
	}
	mg_lex_free(&ps.lx);
}

/* include PATH (a word or a quoted string), at the top level (@bc NULL) or in a profile. */
static void parse_include(struct parser *ps, const struct stmt *st, struct body_ctx *bc)
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
		extra_words(ps, &w[2], "after the file name (one file per 'include')");
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

/* ---- the top level ---- */

static const char *const top_keywords[] = { "profile", "include" };

static void top(struct parser *ps)
{
	struct stmt st = { 0 };

	advance(ps);
	while (!ps->c->err) {
		struct word w;

		switch (ps->tok.type) {
		case T_EOF:
			goto out;
		case T_NEWLINE:
		case T_SEMI:
			advance(ps);
			continue;
		case T_RBRACE:
			mg_error(ps->p, ps->tok.loc, "unexpected '}' (no profile is open)");
			advance(ps);
			continue;
		case T_LBRACE:
			mg_error(ps->p, ps->tok.loc, "unexpected '{' (expected 'profile NAME {')");
			skip_block(ps);
			continue;
		default:
			break;
		}
		if (tok_is(&ps->tok, "profile")) {
			profile(ps);
			continue;
		}
		if (ps->tok.type == T_WORD && !strncmp(ps->tok.text, "@{", 2)) {
			/* The values may hold braces ("{a,b}"): they are not blocks here. */
			ps->lx.raw_braces = true;
			collect(ps, &st);
			ps->lx.raw_braces = false;
			if (st.n)
				var_definition(ps, &st);
			continue;
		}
		if (tok_is(&ps->tok, "include")) {
			collect(ps, &st);
			if (ps->tok.type == T_LBRACE) {
				mg_error(ps->p, ps->tok.loc, "unexpected '{' after a statement");
				skip_block(ps);
			}
			if (st.n)
				parse_include(ps, &st, NULL);
			continue;
		}
		w.type = ps->tok.type;
		w.loc = ps->tok.loc;
		w.text = (char *)(ps->tok.text ? ps->tok.text : "");
		w.len = ps->tok.len;
		w.cols = NULL;
		if (w.type == T_WORD && w.text[0] == '$')
			mg_error(ps->p, w.loc, "'$' is reserved: variables are written @{NAME}");
		else if (w.type == T_WORD && w.text[0] == '@')
			mg_error(ps->p, w.loc,
				 "a variable definition starts with @{NAME} (for example @{LOGS} = /var/log/gateway)");
		else if (w.type == T_WORD && (tok_is(&ps->tok, "attach") || tok_is(&ps->tok, "file") ||
					       tok_is(&ps->tok, "exec") || tok_is(&ps->tok, "mode") ||
					       tok_is(&ps->tok, "deny")))
			mg_error(ps->p, w.loc, "\"%s\" outside a profile (rules go inside 'profile NAME { ... }')",
				 w.text);
		else if (w.type == T_WORD)
			unknown_keyword(ps, &w, "", " (expected 'profile', 'include' or @{VARIABLE} = ...)",
					top_keywords, ARRAY_SIZE(top_keywords));
		else if (w.type == T_STRING)
			mg_error(ps->p, w.loc, "a keyword cannot be quoted: \"%s\"", w.text);
		else
			mg_error(ps->p, w.loc, "unexpected %s (expected 'profile')",
				 mg_tok_name(w.type));
		/* Skip the rest of the statement, and a block if it opens one (a misspelt profile). */
		while (!ps->c->err && ps->tok.type != T_NEWLINE && ps->tok.type != T_SEMI &&
		       ps->tok.type != T_EOF && ps->tok.type != T_LBRACE && ps->tok.type != T_RBRACE)
			advance(ps);
		if (ps->tok.type == T_LBRACE)
			skip_block(ps);
	}
out:
	stmt_free(&st);
}

/* Adds to undefined-variable errors that the variable is defined later in the same scope. */
static void note_late_definitions(struct pctx *c)
{
	struct mg_policy *p = c->p;
	size_t i, vi;

	for (i = 0; i < c->n_undef; i++) {
		const struct undef_ref *u = &c->undef[i];

		if (u->diag >= p->n_diags || !mg_index_get(&c->var_ix, u->name, &vi))
			continue;
		if (c->vars[vi]->loc.file == u->file)
			mg_error_append(p, u->diag,
					" (it is defined later, at line %u: define variables before use)",
					c->vars[vi]->loc.line);
		else
			mg_error_append(p, u->diag,
					" (it is defined later, at %s:%u: define variables before use)",
					p->files[c->vars[vi]->loc.file], c->vars[vi]->loc.line);
	}
}

int mg_parse(struct mg_policy *p, unsigned file, const char *text, size_t len)
{
	struct pctx c = { .p = p };
	struct parser ps = { .c = &c, .p = p, .file = file };
	struct stat stb;
	size_t i;

	/* The file itself is the bottom of the include stack, so that including it is a cycle. */
	c.stack[0].file = file;
	if (file < p->n_files && !stat(p->files[file], &stb)) {
		c.stack[0].dev = stb.st_dev;
		c.stack[0].ino = stb.st_ino;
		c.stack[0].known = true;
	}
	mg_lex_init(&ps.lx, p, file, text, len);
	top(&ps);
	mg_lex_free(&ps.lx);
	note_late_definitions(&c);
	for (i = 0; i < c.n_vars; i++)
		var_free(c.vars[i]);
	free(c.vars);
	mg_index_free(&c.var_ix);
	free(c.undef);
	free(c.x_text);
	free(c.x_cols);
	free(c.x_var);
	return c.err;
}

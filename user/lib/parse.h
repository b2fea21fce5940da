/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the policy-language parser, shared by its three files: parse.c (statements,
 * profiles and the top level), parse_var.c (variables: names, references, expansion, definitions)
 * and parse_include.c (includes and the include path). Nothing here leaves libmedgate.
 */
#ifndef MEDGATE_LIB_PARSE_H
#define MEDGATE_LIB_PARSE_H

#include <stdio.h>
#include <sys/types.h>

#include "lexer.h"

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
	bool audit;		/* the statement being parsed started with 'audit' */
};

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

static inline void nomem(struct parser *ps)
{
	ps->c->err = -ENOMEM;
}

static inline void advance(struct parser *ps)
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

static inline bool tok_is(const struct mg_token *t, const char *kw)
{
	return t->type == T_WORD && t->len == strlen(kw) && !memcmp(t->text, kw, t->len);
}

static inline bool word_is(const struct word *w, const char *kw)
{
	return w->type == T_WORD && !strcmp(w->text, kw);
}

/* The location of byte @i of word @w. */
static inline struct mg_loc byte_loc(const struct word *w, size_t i)
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

static inline struct mg_loc word_end(const struct word *w)
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
static inline const char *where(const struct mg_policy *p, struct mg_loc l, unsigned cur,
				char *buf, size_t len)
{
	if (l.file == cur)
		snprintf(buf, len, "line %u", l.line);
	else
		snprintf(buf, len, "%s:%u", l.file < p->n_files ? p->files[l.file] : "?", l.line);
	return buf;
}

/* ---- across the parser's files ---- */

/* parse.c: the top level of a file, and the statements of a profile body. */
void mg_parse_top(struct parser *ps);
void mg_parse_body(struct body_ctx *bc, bool opened, struct mg_loc open_loc);
/* Reports the words from @w on as unexpected, @after saying where they are. */
void mg_extra_words(struct parser *ps, const struct word *w, const char *after);
/* Whether @w is a valid profile name (or other name: @what names it in the error). */
bool mg_check_name(struct parser *ps, const struct word *w, const char *what);
/* Class rules (parse_class.c): @st->w[@kw] is the keyword, after "deny" when @deny. */
bool mg_is_class_keyword(const struct word *w);
void mg_parse_class(struct body_ctx *bc, const struct stmt *st, size_t kw, bool deny);
void mg_add_class(struct body_ctx *bc, const struct mg_rule *tmpl, const struct word *peer);
bool mg_add_patterns(struct body_ctx *bc, const struct word *w, size_t *first);
/* parse_mount.c: [deny] mount KIND ..., [deny] chroot DIR; @r has the keyword's op and flags. */
void mg_parse_mount(struct body_ctx *bc, const struct stmt *st, size_t kw, struct mg_rule *r);

/* parse_var.c */
bool mg_expand_word(struct parser *ps, const struct word *w, const char *self, expand_fn fn,
		    void *arg);
void mg_xerror(struct parser *ps, const struct word *w, const struct xpath *x, size_t i,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void mg_var_definition(struct parser *ps, struct stmt *st);
void mg_var_free(struct var *v);
void mg_note_late_definitions(struct pctx *c);

/* parse_include.c: include PATH, at the top level (@bc NULL) or in a profile. */
void mg_parse_include(struct parser *ps, const struct stmt *st, struct body_ctx *bc);

#endif /* MEDGATE_LIB_PARSE_H */

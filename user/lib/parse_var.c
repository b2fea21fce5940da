// SPDX-License-Identifier: GPL-2.0
/*
 * Variables of the policy language: @{NAME} references in paths, their expansion into one path
 * per combination of values (each byte remembering the column it came from, so that an error
 * points at it or at the reference that brought it in), and the definitions @{NAME} = VALUE...
 * and @{NAME} += VALUE..., scoped to a file and what it includes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "parse.h"

static bool var_first(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool var_char(char c)
{
	return var_first(c) || (c >= '0' && c <= '9');
}

/*
 * The one reader of a variable name: NAME of the "@{NAME}" that starts at byte @at of @w, into
 * @name. Returns the index of the closing '}', or 0 after reporting why there is no valid name
 * there (@unterminated: the message when the '}' is missing).
 */
static size_t var_name(struct parser *ps, const struct word *w, size_t at,
		       char name[MG_VAR_NAME_MAX], const char *unterminated)
{
	size_t j;

	for (j = at + 2; j < w->len && w->text[j] != '}'; j++)
		if (!var_char(w->text[j]))
			break;
	if (j >= w->len) {
		mg_error(ps->p, byte_loc(w, at), "%s", unterminated);
		return 0;
	}
	if (w->text[j] != '}') {
		mg_error(ps->p, byte_loc(w, j),
			 "invalid character '%c' in a variable name (allowed: A-Z a-z 0-9 _)",
			 w->text[j]);
		return 0;
	}
	if (j == at + 2) {
		mg_error(ps->p, byte_loc(w, at), "empty variable name in \"@{}\"");
		return 0;
	}
	if (!var_first(w->text[at + 2])) {
		mg_error(ps->p, byte_loc(w, at + 2), "a variable name starts with a letter or '_'");
		return 0;
	}
	if (j - at - 2 >= MG_VAR_NAME_MAX) {
		mg_error(ps->p, byte_loc(w, at), "variable name too long (the limit is %u)",
			 MG_VAR_NAME_MAX - 1);
		return 0;
	}
	memcpy(name, w->text + at + 2, j - at - 2);
	name[j - at - 2] = '\0';
	return j;
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
		j = var_name(ps, w, i, name, "unterminated variable reference (expected @{NAME})");
		if (!j)
			return false;
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
bool mg_expand_word(struct parser *ps, const struct word *w, const char *self, expand_fn fn,
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
void mg_xerror(struct parser *ps, const struct word *w, const struct xpath *x, size_t i,
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
	return mg_expand_word(ps, vw, name, add_value, va) && !va->failed;
}

void mg_var_free(struct var *v)
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
void mg_var_definition(struct parser *ps, struct stmt *st)
{
	struct pctx *c = ps->c;
	struct word *w = st->w, first = { 0 };
	struct value_arg va = { 0 };
	char name[MG_VAR_NAME_MAX], wb[WHERE_MAX];
	const char *rest;
	bool append = false;
	size_t i, j, n, vi, values_from;
	struct var *v, *old = NULL;

	j = var_name(ps, &w[0], 0, name, "unterminated variable name (expected @{NAME} = VALUE...)");
	if (!j)
		return;

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
		mg_var_free(v);
		return;
	}
	if (mg_grow((void **)&c->vars, &c->cap_vars, c->n_vars + 1, sizeof(*c->vars)) ||
	    mg_index_put(&c->var_ix, v->name, c->n_vars)) {
		mg_var_free(v);
		nomem(ps);
		return;
	}
	c->vars[c->n_vars++] = v;
}

/* Adds to undefined-variable errors that the variable is defined later in the same scope. */
void mg_note_late_definitions(struct pctx *c)
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


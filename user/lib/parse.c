// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the policy language, version 0 (docs/policy-language.md).
 *
 * The grammar is line-oriented: a file is a sequence of blocks ("profile NAME { ... }") and a
 * block is a sequence of statements, one per line (or separated by ';'). A statement is collected
 * as a list of words first and then handed to the handler of its keyword, so a bad statement never
 * derails the next one and every error of a file is reported in one pass. New statements (network
 * rules, capabilities) are new entries of body_keywords[]; new top-level constructs (include,
 * variables) are new entries of top_keywords[].
 */
#include <stdio.h>
#include <stdlib.h>

#include "lexer.h"
#include "blob.h"

struct word {
	enum mg_tok_type type;
	char *text;		/* NULL for punctuation */
	size_t len;
	struct mg_loc loc;
};

struct stmt {
	struct word *w;
	size_t n, cap;
	struct mg_loc end;	/* where the statement ended (for "missing ..." errors) */
};

struct parser {
	struct mg_policy *p;
	struct mg_lexer lx;
	struct mg_token tok;
	int err;		/* sticky -ENOMEM */
};

struct body_ctx {
	struct parser *ps;
	struct mg_profile *prof;
	bool registered;	/* prof is part of the policy (valid, unique name) */
	size_t index;		/* its index in p->profiles when registered */
};

static void advance(struct parser *ps)
{
	int err;

	if (ps->err) {
		ps->tok.type = T_EOF;
		return;
	}
	err = mg_lex_next(&ps->lx, &ps->tok);
	if (err) {
		ps->err = err;
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

static struct mg_loc loc_at(struct mg_loc l, size_t off)
{
	l.col += (unsigned)off;
	return l;
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

static void unknown_keyword(struct parser *ps, const struct word *w, const char *where,
			    const char *expected, const char *const *cands, size_t n)
{
	const char *s = w->type == T_WORD ? suggest(w->text, cands, n) : NULL;

	if (s)
		mg_error(ps->p, w->loc, "unknown keyword \"%s\"%s (did you mean \"%s\"?)", w->text,
			 where, s);
	else
		mg_error(ps->p, w->loc, "unknown keyword \"%s\"%s%s", w->text, where, expected);
}

/* ---- names and paths ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static bool check_name(struct parser *ps, const struct word *w, const char *what)
{
	size_t i, off = w->type == T_STRING ? 1 : 0;

	if (w->type != T_WORD && w->type != T_STRING) {
		mg_error(ps->p, w->loc, "expected a %s, found %s", what, mg_tok_name(w->type));
		return false;
	}
	if (!w->len) {
		mg_error(ps->p, w->loc, "empty %s", what);
		return false;
	}
	for (i = 0; i < w->len; i++) {
		unsigned char c = (unsigned char)w->text[i];

		if (name_char((char)c))
			continue;
		if (c > 0x20 && c < 0x7f)
			mg_error(ps->p, loc_at(w->loc, off + i),
				 "invalid character '%c' in %s \"%s\" (allowed: A-Z a-z 0-9 . _ -)",
				 c, what, w->text);
		else
			mg_error(ps->p, loc_at(w->loc, off + i),
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

enum path_use {
	PATH_ATTACH,		/* exact executable path */
	PATH_RULE,		/* exact path, or a directory prefix (trailing slash and two stars) */
};

static bool glob_char(char c)
{
	return c == '*' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}';
}

/*
 * Checks a path word and returns the path as stored in the blob (a "/dir" + "**" prefix becomes
 * "/dir/" with MEDGATE_RULE_F_PREFIX in *flags), malloc'd; NULL after an error (or ENOMEM).
 */
static char *check_path(struct parser *ps, const struct word *w, enum path_use use, u32 *flags)
{
	size_t off = w->type == T_STRING ? 1 : 0;
	size_t len, i, comp;
	bool prefix = false;
	char *out;

	*flags = 0;
	if (w->type != T_WORD && w->type != T_STRING) {
		mg_error(ps->p, w->loc, "expected a path, found %s", mg_tok_name(w->type));
		return NULL;
	}
	len = w->len;
	if (!len) {
		mg_error(ps->p, w->loc, "empty path");
		return NULL;
	}
	if (w->text[0] != '/') {
		mg_error(ps->p, w->loc, "relative path \"%s\": paths must be absolute (start with '/')",
			 w->text);
		return NULL;
	}
	if (len >= 3 && !strcmp(w->text + len - 3, "/**")) {
		if (use == PATH_ATTACH) {
			mg_error(ps->p, loc_at(w->loc, off + len - 2),
				 "an attachment must be an exact executable path (globs are not supported yet)");
			return NULL;
		}
		prefix = true;
		len -= 2;	/* keep the '/' */
	}
	for (i = 0; i < len; i++) {
		char c = w->text[i];

		if (c == '\\') {
			mg_error(ps->p, loc_at(w->loc, off + i),
				 "'\\' in a path is reserved for glob escapes");
			return NULL;
		}
		if (!glob_char(c))
			continue;
		if (c == '}' && i == len - 1 && !memchr(w->text, '{', len))
			mg_error(ps->p, loc_at(w->loc, off + i),
				 "'}' at the end of a path (put a space before a closing '}')");
		else if (use == PATH_ATTACH)
			mg_error(ps->p, loc_at(w->loc, off + i),
				 "an attachment must be an exact executable path (globs are not supported yet)");
		else
			mg_error(ps->p, loc_at(w->loc, off + i),
				 "globs other than a trailing /** are not supported yet");
		return NULL;
	}
	/* Normalized form only: the kernel matches against resolved paths. */
	for (i = 1, comp = 1; i <= len; i++) {
		if (i < len && w->text[i] != '/')
			continue;
		/* component w->text[comp .. i) */
		if (i == comp && i < len) {
			mg_error(ps->p, loc_at(w->loc, off + i),
				 "empty path component (\"//\"): write paths in normalized form");
			return NULL;
		}
		if ((i - comp == 1 && w->text[comp] == '.') ||
		    (i - comp == 2 && w->text[comp] == '.' && w->text[comp + 1] == '.')) {
			mg_error(ps->p, loc_at(w->loc, off + comp),
				 "\".\" or \"..\" in a path: write paths in normalized form");
			return NULL;
		}
		comp = i + 1;
	}
	if (!prefix && len > 1 && w->text[len - 1] == '/') {
		mg_error(ps->p, loc_at(w->loc, off + len - 1),
			 "a trailing '/' matches nothing: use /dir/** for everything below a directory, or /dir for the directory itself");
		return NULL;
	}
	if (len >= MEDGATE_PATH_MAX) {
		mg_error(ps->p, w->loc, "path too long (%zu bytes; the limit is %u)", len,
			 MEDGATE_PATH_MAX - 1);
		return NULL;
	}
	out = strndup(w->text, len);
	if (!out) {
		ps->err = -ENOMEM;
		return NULL;
	}
	if (prefix)
		*flags |= MEDGATE_RULE_F_PREFIX;
	return out;
}

/* ---- statements inside a profile ---- */

static struct mg_loc word_end(const struct word *w)
{
	return loc_at(w->loc, w->len + (w->type == T_STRING ? 2 : 0));
}

static void extra_words(struct parser *ps, const struct word *w, const char *after)
{
	if (w->type == T_WORD || w->type == T_STRING)
		mg_error(ps->p, w->loc, "unexpected \"%s\" %s", w->text, after);
	else
		mg_error(ps->p, w->loc, "unexpected %s %s", mg_tok_name(w->type), after);
}

static void st_attach(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	struct parser *ps = bc->ps;
	struct mg_profile *prof = bc->prof;
	const struct word *w = &st->w[first];
	size_t n = st->n - first, owner;
	struct mg_attach *a;
	u32 flags;
	char *path;

	if (n == 0) {
		mg_error(ps->p, st->end, "missing executable path after 'attach'");
		return;
	}
	path = check_path(ps, &w[0], PATH_ATTACH, &flags);
	if (n > 1)
		extra_words(ps, &w[1], "after the attachment path (one path per 'attach')");
	if (!path)
		return;
	if (bc->registered && mg_index_get(&ps->p->by_attach, path, &owner)) {
		const struct mg_profile *o = ps->p->profiles[owner];
		struct mg_loc first_loc = o->loc;
		size_t i;

		for (i = 0; i < o->n_attach; i++)
			if (!strcmp(o->attach[i].path, path))
				first_loc = o->attach[i].loc;
		if (o == prof)
			mg_error(ps->p, w[0].loc, "duplicate attachment \"%s\" (already at line %u)",
				 path, first_loc.line);
		else
			mg_error(ps->p, w[0].loc,
				 "\"%s\" is already attached to profile \"%s\" (%s:%u): an executable enters one profile",
				 path, o->name, ps->p->files[first_loc.file], first_loc.line);
		free(path);
		return;
	}
	if (mg_grow((void **)&prof->attach, &prof->cap_attach, prof->n_attach + 1,
		    sizeof(*prof->attach))) {
		free(path);
		ps->err = -ENOMEM;
		return;
	}
	a = &prof->attach[prof->n_attach++];
	a->path = path;
	a->loc = w[0].loc;
	if (bc->registered && mg_index_put(&ps->p->by_attach, a->path, bc->index))
		ps->err = -ENOMEM;
}

static void st_mode(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	struct parser *ps = bc->ps;
	const struct word *w = &st->w[first];
	size_t n = st->n - first;
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
		mg_error(ps->p, st->w[0].loc, "mode given twice in profile \"%s\" (first at line %u)",
			 bc->prof->name ? bc->prof->name : "", bc->prof->mode_loc.line);
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
		ps->err = -ENOMEM;
	*loc = w[i + 1].loc;
	return t;
}

static void add_rule(struct body_ctx *bc, struct mg_rule *r)
{
	struct mg_profile *prof = bc->prof;

	if (mg_grow((void **)&prof->rules, &prof->cap_rules, prof->n_rules + 1,
		    sizeof(*prof->rules))) {
		free(r->path);
		free(r->target);
		bc->ps->err = -ENOMEM;
		return;
	}
	prof->rules[prof->n_rules++] = *r;
}

/* [deny] file PATH ACCESS [-> PROFILE] */
static void st_file(struct body_ctx *bc, const struct stmt *st, size_t first, bool deny)
{
	struct parser *ps = bc->ps;
	const struct word *w = st->w;
	struct mg_rule r = { .kind = MG_RULE_FILE, .loc = w[0].loc };
	size_t i = first, bad, next;
	bool ok = true;
	int err;

	if (i >= st->n) {
		mg_error(ps->p, st->end, "missing path after 'file'");
		return;
	}
	r.path = check_path(ps, &w[i], PATH_RULE, &r.flags);
	ok = r.path != NULL;
	i++;
	if (i >= st->n || (w[i].type != T_WORD && w[i].type != T_STRING)) {
		mg_error(ps->p, i < st->n ? w[i].loc : word_end(&w[i - 1]),
			 "missing access letters after the path (some of " MG_ACCESS_LETTERS ")");
		free(r.path);
		return;
	}
	err = w[i].type == T_WORD ? mg_access_parse(w[i].text, &r.access, &bad) : -EINVAL;
	if (w[i].type == T_STRING) {
		mg_error(ps->p, w[i].loc, "access letters cannot be quoted");
		ok = false;
	} else if (err) {
		char c = w[i].text[bad];

		if (strchr(MG_ACCESS_LETTERS, c))
			mg_error(ps->p, loc_at(w[i].loc, bad), "access letter '%c' given twice", c);
		else if (c > 0x20 && c < 0x7f)
			mg_error(ps->p, loc_at(w[i].loc, bad),
				 "unknown access letter '%c' (expected some of " MG_ACCESS_LETTERS ")",
				 c);
		else
			mg_error(ps->p, loc_at(w[i].loc, bad),
				 "unknown access letter 0x%02x (expected some of " MG_ACCESS_LETTERS ")",
				 (unsigned char)c);
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
		r.target = exec_target(ps, st, i, &next, &r.target_loc);
		if (!r.target)
			ok = false;
		i = next;
	}
	if (i < st->n) {
		extra_words(ps, &w[i], "after the access letters");
		ok = false;
	}
	if (!ok) {
		free(r.path);
		free(r.target);
		return;
	}
	if (deny)
		r.flags |= MEDGATE_RULE_F_DENY;
	r.exec_mode = r.target ? MEDGATE_EXEC_MOVE : MEDGATE_EXEC_STAY;
	add_rule(bc, &r);
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
	bool ok;

	if (i >= st->n) {
		mg_error(ps->p, st->end, "missing executable path after 'exec'");
		return;
	}
	r.path = check_path(ps, &w[i], PATH_RULE, &r.flags);
	ok = r.path != NULL;
	i++;
	if (i < st->n && w[i].type == T_ARROW) {
		if (deny) {
			mg_error(ps->p, w[i].loc, "a deny rule cannot change the profile ('->')");
			ok = false;
		}
		r.target = exec_target(ps, st, i, &next, &r.target_loc);
		if (!r.target)
			ok = false;
		i = next;
	}
	if (i < st->n) {
		if (w[i].type == T_WORD && !mg_access_parse(w[i].text, &letters, &next))
			mg_error(ps->p, w[i].loc,
				 "unexpected \"%s\" after the path: exec takes no access letters (use 'file PATH %s')",
				 w[i].text, w[i].text);
		else
			extra_words(ps, &w[i], "after the path (expected '-> PROFILE' or end of line)");
		ok = false;
	}
	if (!ok) {
		free(r.path);
		free(r.target);
		return;
	}
	if (deny)
		r.flags |= MEDGATE_RULE_F_DENY;
	r.exec_mode = r.target ? MEDGATE_EXEC_MOVE : MEDGATE_EXEC_STAY;
	add_rule(bc, &r);
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

struct body_keyword {
	const char *kw;
	void (*fn)(struct body_ctx *bc, const struct stmt *st, size_t first);
	const char *later;	/* reserved: the "not supported yet" reason */
};

static void st_file_allow(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	st_file(bc, st, first, false);
}

static void st_exec_allow(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	st_exec(bc, st, first, false);
}

static const struct body_keyword body_keywords[] = {
	{ "attach",	st_attach,	NULL },
	{ "mode",	st_mode,	NULL },
	{ "file",	st_file_allow,	NULL },
	{ "exec",	st_exec_allow,	NULL },
	{ "deny",	st_deny,	NULL },
	{ "network",	NULL,	"network rules are not supported yet" },
	{ "capability",	NULL,	"capability rules are not supported yet" },
	{ "signal",	NULL,	"signal rules are not supported yet" },
	{ "ptrace",	NULL,	"ptrace rules are not supported yet" },
	{ "mount",	NULL,	"mount rules are not supported yet" },
	{ "syscalls",	NULL,	"syscall allowlists are not supported yet" },
	{ "include",	NULL,	"include is not supported yet" },
};

static void statement(struct body_ctx *bc, const struct stmt *st)
{
	struct parser *ps = bc->ps;
	const struct word *w = &st->w[0];
	const char *cands[ARRAY_SIZE(body_keywords)];
	size_t i;

	if (w->type == T_WORD && w->text[0] == '/') {
		mg_error(ps->p, w->loc,
			 "a statement starts with a keyword (attach, mode, file, exec, deny), not a path");
		return;
	}
	if (w->type == T_WORD && (w->text[0] == '$' || w->text[0] == '@')) {
		mg_error(ps->p, w->loc, "variables are not supported yet");
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
	unknown_keyword(ps, w, " in a profile", " (expected attach, mode, file, exec or deny)",
			cands, ARRAY_SIZE(cands));
}

/* ---- blocks ---- */

static void stmt_clear(struct stmt *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->w[i].text);
	st->n = 0;
}

/* Collects the words of one statement; stops before a newline, ';', '}', '{' or the end. */
static void collect(struct parser *ps, struct stmt *st)
{
	stmt_clear(st);
	while (!ps->err) {
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
			ps->err = -ENOMEM;
			return;
		}
		w = &st->w[st->n];
		w->type = ps->tok.type;
		w->loc = ps->tok.loc;
		w->len = ps->tok.len;
		w->text = NULL;
		if (ps->tok.text) {
			w->text = strndup(ps->tok.text, ps->tok.len);
			if (!w->text) {
				ps->err = -ENOMEM;
				return;
			}
		}
		st->n++;
		advance(ps);
	}
}

/* Skips a "{ ... }" block (nested ones included) starting at the current '{'. */
static void skip_block(struct parser *ps)
{
	unsigned depth = 0;

	while (!ps->err && ps->tok.type != T_EOF) {
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

static void body(struct body_ctx *bc, bool opened, struct mg_loc open_loc, struct stmt *st)
{
	struct parser *ps = bc->ps;
	const char *name = bc->prof->name ? bc->prof->name : "";

	while (!ps->err) {
		switch (ps->tok.type) {
		case T_NEWLINE:
		case T_SEMI:
			advance(ps);
			continue;
		case T_RBRACE:
			advance(ps);
			return;
		case T_EOF:
			if (opened)
				mg_error(ps->p, ps->tok.loc,
					 "missing '}' at end of file (profile \"%s\" opened at line %u)",
					 name, open_loc.line);
			return;
		case T_LBRACE:
			mg_error(ps->p, ps->tok.loc, "unexpected '{' inside profile \"%s\"", name);
			skip_block(ps);
			continue;
		default:
			break;
		}
		if (tok_is(&ps->tok, "profile")) {
			mg_error(ps->p, ps->tok.loc,
				 "missing '}' before 'profile' (profile \"%s\" opened at line %u)", name,
				 open_loc.line);
			return;
		}
		collect(ps, st);
		if (ps->err)
			return;
		if (ps->tok.type == T_LBRACE) {
			mg_error(ps->p, ps->tok.loc, "unexpected '{' after a statement");
			skip_block(ps);
		}
		if (st->n)
			statement(bc, st);
	}
}

static void profile(struct parser *ps, struct stmt *st)
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
		ps->err = -ENOMEM;
		return;
	}
	if (ps->tok.type == T_WORD || ps->tok.type == T_STRING) {
		name.type = ps->tok.type;
		name.loc = ps->tok.loc;
		name.len = ps->tok.len;
		name.text = strndup(ps->tok.text, ps->tok.len);
		if (!name.text) {
			ps->err = -ENOMEM;
			free(prof);
			return;
		}
		name_ok = check_name(ps, &name, "profile name");
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
			ps->err = -ENOMEM;
			free_profile(prof);
			return;
		}
		bc.index = p->n_profiles;
		p->profiles[p->n_profiles++] = prof;
	}
	bc.prof = prof;
	body(&bc, opened, open_loc, st);
	if (!bc.registered)
		free_profile(prof);
}

static const char *const top_keywords[] = { "profile" };

static void top(struct parser *ps)
{
	struct stmt st = { 0 };

	advance(ps);
	while (!ps->err) {
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
			profile(ps, &st);
			continue;
		}
		w.type = ps->tok.type;
		w.loc = ps->tok.loc;
		w.text = (char *)(ps->tok.text ? ps->tok.text : "");
		w.len = ps->tok.len;
		if (tok_is(&ps->tok, "include"))
			mg_error(ps->p, w.loc, "include is not supported yet");
		else if (w.type == T_WORD && (w.text[0] == '$' || w.text[0] == '@'))
			mg_error(ps->p, w.loc, "variables are not supported yet");
		else if (w.type == T_WORD && (tok_is(&ps->tok, "attach") || tok_is(&ps->tok, "file") ||
					       tok_is(&ps->tok, "exec") || tok_is(&ps->tok, "mode") ||
					       tok_is(&ps->tok, "deny")))
			mg_error(ps->p, w.loc, "\"%s\" outside a profile (rules go inside 'profile NAME { ... }')",
				 w.text);
		else if (w.type == T_WORD)
			unknown_keyword(ps, &w, "", " (expected 'profile')", top_keywords,
					ARRAY_SIZE(top_keywords));
		else if (w.type == T_STRING)
			mg_error(ps->p, w.loc, "a keyword cannot be quoted: \"%s\"", w.text);
		else
			mg_error(ps->p, w.loc, "unexpected %s (expected 'profile')",
				 mg_tok_name(w.type));
		/* Skip the rest of the statement, and a block if it opens one (a misspelt profile). */
		while (!ps->err && ps->tok.type != T_NEWLINE && ps->tok.type != T_SEMI &&
		       ps->tok.type != T_EOF && ps->tok.type != T_LBRACE && ps->tok.type != T_RBRACE)
			advance(ps);
		if (ps->tok.type == T_LBRACE)
			skip_block(ps);
	}
out:
	stmt_clear(&st);
	free(st.w);
}

int mg_parse(struct mg_policy *p, unsigned file, const char *text, size_t len)
{
	struct parser ps = { .p = p };

	mg_lex_init(&ps.lx, p, file, text, len);
	top(&ps);
	mg_lex_free(&ps.lx);
	return ps.err;
}

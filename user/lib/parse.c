// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the policy language (docs/policy-language.md): statements, profiles and the top
 * level. Variables are parse_var.c's, includes parse_include.c's.
 *
 * The grammar is line-oriented: a file is a sequence of top-level statements (profile blocks,
 * variable definitions, includes) and a profile block is a sequence of statements, one per line
 * (or separated by ';'). A statement is collected as a list of words first and then handed to the
 * handler of its keyword, so a bad statement never derails the next one and every error of a file
 * is reported in one pass.
 *
 * A path word with variable references becomes one path per combination of values
 * (parse_var.c), and each path becomes one rule (or attachment) with the statement's source
 * position. Included files are parsed by a nested parser (parse_include.c) that comes back here
 * for their top level or profile statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "blob.h"
#include "glob.h"
#include "parse.h"

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

bool mg_check_name(struct parser *ps, const struct word *w, const char *what)
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
		mg_xerror(ps, w, x, 0, "empty path");
		return false;
	}
	if (x->truncated || len >= MEDGATE_PATH_MAX) {
		mg_error(ps->p, w->loc, "path too long (%zu bytes; the limit is %u)", len,
			 MEDGATE_PATH_MAX - 1);
		return false;
	}
	if (t[0] != '/') {
		mg_xerror(ps, w, x, 0, "relative path \"%s\": paths must be absolute (start with '/')",
		       t);
		return false;
	}
	/* Normalized form only: the kernel matches against resolved paths. */
	for (i = 1, comp = 1; i <= len; i++) {
		if (i < len && t[i] != '/')
			continue;
		/* component t[comp .. i) */
		if (i == comp && i < len) {
			mg_xerror(ps, w, x, i,
			       "empty path component (\"//\"): write paths in normalized form");
			return false;
		}
		if ((i - comp == 1 && t[comp] == '.') ||
		    (i - comp == 2 && t[comp] == '.' && t[comp + 1] == '.')) {
			mg_xerror(ps, w, x, comp,
			       "\".\" or \"..\" in a path: write paths in normalized form");
			return false;
		}
		comp = i + 1;
	}
	if (len > 1 && t[len - 1] == '/') {
		mg_xerror(ps, w, x, len - 1,
		       "a trailing '/' matches nothing: use /dir/** for everything below a directory, or /dir for the directory itself");
		return false;
	}
	if (t[len - 1] == '}' && !memchr(t, '{', len)) {
		mg_xerror(ps, w, x, len - 1,
		       "'}' at the end of a path (put a space before a closing '}')");
		return false;
	}
	if (mg_glob_check(t, &off, &why)) {
		if (off >= len)
			off = len - 1;
		mg_xerror(ps, w, x, off, "invalid glob: %s", why ? why : "syntax error");
		return false;
	}
	if (mg_glob_has_magic(t))
		*flags = MEDGATE_PATTERN_F_GLOB;
	return true;
}

/* ---- statements inside a profile ---- */

void mg_extra_words(struct parser *ps, const struct word *w, const char *after)
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
		mg_extra_words(ps, &w[1], "after the attachment path (one path per 'attach')");
		return;
	}
	mg_expand_word(ps, &w[0], NULL, add_attach, &aa);
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
		mg_extra_words(ps, &w[1], "after the mode");
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
	if (!mg_check_name(ps, &w[i + 1], "profile name"))
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

	mg_expand_word(bc->ps, path, NULL, add_rule, &ra);
}

/*
 * The paths of a mount or chroot rule: @w expanded, each path appended to the profile's rules as
 * a pattern that grants nothing by itself (MEDGATE_ACCESS_PATTERN). The new rules are
 * [*@first, bc->prof->n_rules). False when a path is invalid (reported).
 */
bool mg_add_patterns(struct body_ctx *bc, const struct word *w, size_t *first)
{
	struct mg_rule tmpl = { .kind = MG_RULE_FILE, .loc = w->loc,
				.access = MEDGATE_ACCESS_PATTERN };
	struct rule_arg ra = { .bc = bc, .tmpl = &tmpl };

	*first = bc->prof->n_rules;
	if (!is_path_word(bc->ps, w))
		return false;
	return mg_expand_word(bc->ps, w, NULL, add_rule, &ra) && bc->prof->n_rules > *first;
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
	mg_expand_word(bc->ps, path, NULL, only_check, NULL);
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
		r->access |= medgate_access_implied(r->access);
		if (deny)
			r->flags |= MEDGATE_RULE_F_DENY;
		if (bc->audit)
			r->flags |= MEDGATE_RULE_F_AUDIT;
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
		mg_extra_words(ps, &w[i], "after the access letters");
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
			mg_extra_words(ps, &w[i],
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
	else if (mg_is_class_keyword(&w[first]))
		mg_parse_class(bc, st, first, true);
	else if (w[first].text)
		mg_error(ps->p, w[first].loc,
			 "'deny' applies to file, exec and class rules (capability, ptrace, signal, ioctl, xattr, key, namespace, kernel, bpf, userns, timestamps, mount, chroot), not to \"%s\"",
			 w[first].text);
	else
		mg_error(ps->p, w[first].loc, "expected file or exec after 'deny', found %s",
			 mg_tok_name(w[first].type));
}

/* audit RULE: what the rule allows is recorded too (a deny rule's refusals always are). */
static void st_audit(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	struct parser *ps = bc->ps;
	const struct word *w = st->w;

	if (first >= st->n) {
		mg_error(ps->p, st->end, "missing rule after 'audit' (file, exec, deny or a class rule)");
		return;
	}
	bc->audit = true;
	if (word_is(&w[first], "deny"))
		st_deny(bc, st, first + 1);
	else if (word_is(&w[first], "file"))
		st_file(bc, st, first + 1, false);
	else if (word_is(&w[first], "exec"))
		st_exec(bc, st, first + 1, false);
	else if (mg_is_class_keyword(&w[first]))
		mg_parse_class(bc, st, first, false);
	else
		mg_error(ps->p, w[first].loc,
			 "'audit' applies to file, exec, deny and class rules, not to %s%s%s",
			 w[first].text ? "\"" : "", w[first].text ? w[first].text :
			 mg_tok_name(w[first].type), w[first].text ? "\"" : "");
	bc->audit = false;
}

static void st_class_allow(struct body_ctx *bc, const struct stmt *st, size_t first)
{
	mg_parse_class(bc, st, first - 1, false);
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
	mg_parse_include(bc->ps, st, bc);
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
	{ "audit",	st_audit,	NULL },
	{ "include",	st_include_body, NULL },
	{ "network",	NULL,	"network rules are not supported yet" },
	{ "capability",	st_class_allow,	NULL },
	{ "signal",	st_class_allow,	NULL },
	{ "ptrace",	st_class_allow,	NULL },
	{ "ioctl",	st_class_allow,	NULL },
	{ "xattr",	st_class_allow,	NULL },
	{ "key",	st_class_allow,	NULL },
	{ "namespace",	st_class_allow,	NULL },
	{ "kernel",	st_class_allow,	NULL },
	{ "bpf",	st_class_allow,	NULL },
	{ "userns",	st_class_allow,	NULL },
	{ "mount",	st_class_allow,	NULL },
	{ "chroot",	st_class_allow,	NULL },
	{ "timestamps",	st_class_allow,	NULL },
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
	for (i = 0; i < prof->n_classes; i++) {
		free(prof->classes[i].target);
		free(prof->classes[i].fstypes);
	}
	free(prof->attach);
	free(prof->rules);
	free(prof->classes);
	free(prof->net);
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
void mg_parse_body(struct body_ctx *bc, bool opened, struct mg_loc open_loc)
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
		name_ok = mg_check_name(ps, &name, "profile name");
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
	mg_parse_body(&bc, opened, open_loc);
	if (!bc.registered) {
		/* Its attachments were not indexed, its rules not counted against the policy. */
		p->n_ir_rules -= prof->n_rules;
		p->n_ir_attach -= prof->n_attach;
		free_profile(prof);
	}
}

/* ---- the top level ---- */

static const char *const top_keywords[] = { "profile", "include" };

void mg_parse_top(struct parser *ps)
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
				mg_var_definition(ps, &st);
			continue;
		}
		if (tok_is(&ps->tok, "include")) {
			collect(ps, &st);
			if (ps->tok.type == T_LBRACE) {
				mg_error(ps->p, ps->tok.loc, "unexpected '{' after a statement");
				skip_block(ps);
			}
			if (st.n)
				mg_parse_include(ps, &st, NULL);
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
	mg_parse_top(&ps);
	mg_lex_free(&ps.lx);
	mg_note_late_definitions(&c);
	for (i = 0; i < c.n_vars; i++)
		mg_var_free(c.vars[i]);
	free(c.vars);
	mg_index_free(&c.var_ix);
	free(c.undef);
	free(c.x_text);
	free(c.x_cols);
	free(c.x_var);
	return c.err;
}

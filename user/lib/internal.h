/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmedgate internals shared between the lexer, the parser and the blob emitter. Nothing here is
 * part of the public API (medgate.h).
 */
#ifndef MEDGATE_LIB_INTERNAL_H
#define MEDGATE_LIB_INTERNAL_H

#include <stdarg.h>

#include "medgate.h"
#include "compat.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Upper bounds on the input, so that a hostile policy file cannot exhaust memory. */
#define MG_TEXT_MAX		(16U << 20)	/* bytes of policy text per file */
#define MG_DIAGS_MAX		1000U		/* errors kept per build; then one "too many" */

/* Grows *v (element size @size) to hold at least @need elements. */
int mg_grow(void **v, size_t *cap, size_t need, size_t size);

/* ---- Source locations and diagnostics ---- */

/** struct mg_loc - a place in the policy text; @file indexes mg_policy.files. */
struct mg_loc {
	unsigned file, line, col;
};

/** struct mg_pdiag - a diagnostic before it is handed out, sortable by its location. */
struct mg_pdiag {
	struct mg_loc loc;
	size_t order;		/* discovery order, the tie-breaker of the sort */
	char msg[256];
};

/* ---- The parsed policy (grows with the language: globs, variables, network rules) ---- */

enum mg_rule_kind {
	MG_RULE_FILE,		/* file and exec statements */
};

struct mg_attach {
	char *path;
	struct mg_loc loc;
};

struct mg_rule {
	enum mg_rule_kind kind;
	char *path;		/* as emitted: a prefix rule (DIR, slash, two stars) is stored as "DIR/" */
	u32 flags;		/* MEDGATE_RULE_F_* */
	u32 access;		/* MEDGATE_ACCESS_* */
	u32 exec_mode;		/* enum medgate_exec_mode */
	char *target;		/* profile name for MEDGATE_EXEC_MOVE, else NULL */
	struct mg_loc loc;	/* the statement */
	struct mg_loc target_loc;
};

struct mg_profile {
	char *name;
	u64 id;
	struct mg_loc loc;	/* the name */
	u32 mode;
	bool mode_set;
	struct mg_loc mode_loc;
	struct mg_attach *attach;
	size_t n_attach, cap_attach;
	struct mg_rule *rules;
	size_t n_rules, cap_rules;
};

/* A string-keyed hash index into an array, for duplicate checks in O(1). */
struct mg_index {
	struct mg_index_slot { const char *key; size_t val; } *slots;
	size_t n, cap;
};

struct mg_policy {
	char **files;
	size_t n_files, cap_files;
	struct mg_profile **profiles;	/* in source order */
	size_t n_profiles, cap_profiles;
	struct mg_index by_name;	/* profile name -> index in profiles */
	struct mg_index by_attach;	/* attachment path -> profile index */
	struct mg_pdiag *diags;
	size_t n_diags, cap_diags;
	size_t diag_order;
	bool diags_overflow;
	bool oom;
};

void mg_error(struct mg_policy *p, struct mg_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int mg_index_put(struct mg_index *ix, const char *key, size_t val);
bool mg_index_get(const struct mg_index *ix, const char *key, size_t *val);
void mg_index_free(struct mg_index *ix);

void mg_profile_free(struct mg_profile *prof);

/* parse.c: adds the profiles of one text to @p; errors are recorded in @p. */
int mg_parse(struct mg_policy *p, unsigned file, const char *text, size_t len);

#endif /* MEDGATE_LIB_INTERNAL_H */

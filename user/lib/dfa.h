/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Glob patterns to one DFA in the blob's layout (docs/policy-blob.md, "DFA tables"): the
 * compiler's engine. Each pattern becomes a chain of NFA positions; the subset construction runs
 * over byte equivalence classes, numbers states in BFS order from the start state (successors in
 * byte order), and gives every state the sorted list of the tags of the patterns that match a
 * path ending there.
 */
#ifndef MEDGATE_LIB_DFA_H
#define MEDGATE_LIB_DFA_H

#include <stdbool.h>
#include <stddef.h>

#include "compat.h"
#include "../../include/uapi/linux/medgate.h"

/** struct mg_dfa_limits - what one build may use. */
struct mg_dfa_limits {
	u32 max_states;
	u32 max_trans;
	u32 max_accept;
};

enum mg_dfa_limit {
	MG_DFA_OK,
	MG_DFA_STATES,		/* more states than max_states */
	MG_DFA_TRANS,		/* more transitions than max_trans */
	MG_DFA_ACCEPT,		/* more accept entries than max_accept */
	MG_DFA_WORK,		/* the subset construction needs too much memory or time */
};

#define MG_DFA_BLAME 3

/**
 * struct mg_dfa_fail - why a build stopped with -E2BIG.
 * @limit: the limit reached.
 * @n_blame: entries in @blame.
 * @blame: indices of the patterns that are most present in the states created last (glob patterns
 *         first): the ones that make the automaton grow.
 * @positions: NFA positions of all the patterns (about their total length). A DFA that fails with
 *             far more states than that has blown up; one with about as many is just large.
 */
struct mg_dfa_fail {
	enum mg_dfa_limit limit;
	size_t n_blame;
	size_t blame[MG_DFA_BLAME];
	size_t positions;
};

/**
 * struct mg_dfa - a DFA in blob layout; indices are relative to the DFA (state 0 is the start
 * state, first_trans and first_accept index @trans and @accept, next is a state of this DFA).
 * @parent/@via: the BFS tree, for example paths in diagnostics (mg_dfa_example()).
 */
struct mg_dfa {
	u32 n_states, n_trans, n_accept;
	struct medgate_blob_state *states;
	struct medgate_blob_trans *trans;
	u32 *accept;
	u32 *parent;
	u8 *via;
};

/*
 * Builds the DFA of @n valid patterns; a path ending in a state accepting pattern i puts @tags[i]
 * in that state's accept list. @tags must be strictly ascending. Returns 0, -EINVAL (an invalid
 * pattern), -E2BIG (a limit, explained in @fail) or -ENOMEM.
 */
int mg_dfa_build(const char *const *patterns, const u32 *tags, size_t n,
		 const struct mg_dfa_limits *lim, struct mg_dfa *out, struct mg_dfa_fail *fail);
void mg_dfa_free(struct mg_dfa *d);

/* A shortest path that reaches @state (NUL-terminated, truncated to @len). */
void mg_dfa_example(const struct mg_dfa *d, u32 state, char *buf, size_t len);

#endif /* MEDGATE_LIB_DFA_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path globs of the policy language (docs/globs.md): one implementation of their syntax, used by
 * the parser to report errors, by the compiler to build DFAs, and by the tests as a reference.
 *
 *   *      any run of bytes except '/', possibly empty
 *   **     any run of bytes including '/', possibly empty
 *   ?      one byte except '/'
 *   [...]  one byte in the class ([a-z0-9_], negated with [!...] or [^...]); never '/'
 *   \x     the byte x, literally
 *   {a,b}  reserved (alternation), an error for now
 */
#ifndef MEDGATE_LIB_GLOB_H
#define MEDGATE_LIB_GLOB_H

#include <stdbool.h>
#include <stddef.h>

#include "compat.h"

/*
 * Checks the syntax of @pattern (an absolute pattern, shorter than MEDGATE_PATH_MAX). Returns 0
 * when it is valid, else -EINVAL with *err_offset set to the byte offset of the problem and *why
 * to a static reason without trailing period (either pointer may be NULL).
 */
int mg_glob_check(const char *pattern, size_t *err_offset, const char **why);

/* Whether @pattern uses any glob syntax (wildcards, classes or escapes): MEDGATE_PATTERN_F_GLOB. */
bool mg_glob_has_magic(const char *pattern);

/*
 * Reference matcher: whether @path matches all of @pattern. Backtracking, written for clarity
 * rather than speed (exponential in the number of stars at worst); the tests use it to cross-check
 * the compiled DFAs. An invalid pattern matches nothing.
 */
bool mg_glob_match(const char *pattern, const char *path);

/**
 * struct mg_glob_elem - one element of a parsed pattern, for the compiler.
 * @repeat: true for * and **: any run, possibly empty, of bytes in @set; false: exactly one byte.
 * @set: bitmap of the accepted bytes (bit b of set[b / 8]); NUL is never in it, and '/' only for a
 *       literal '/' or for **.
 */
struct mg_glob_elem {
	bool repeat;
	u8 set[32];
};

/*
 * Parses a valid pattern into elements (*n of them, at most strlen(pattern)); runs of wildcards
 * are merged ("***" is "**"). Returns 0 or -EINVAL (invalid pattern).
 */
int mg_glob_parse(const char *pattern, struct mg_glob_elem *out, size_t *n);

static inline bool mg_glob_set_has(const u8 set[32], unsigned b)
{
	return set[b >> 3] & (1U << (b & 7));
}

#endif /* MEDGATE_LIB_GLOB_H */

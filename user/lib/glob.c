// SPDX-License-Identifier: GPL-2.0
/*
 * Globs (docs/globs.md). scan() is the one definition of the syntax: mg_glob_check() runs it for
 * the error and its offset, mg_glob_parse() for the elements the compiler turns into NFA states.
 * mg_glob_match() is a deliberately separate, naive interpretation of the same rules, so that the
 * tests compare two independent readings of docs/globs.md.
 */
#include <string.h>

#include "glob.h"
#include "../../include/uapi/linux/medgate.h"

struct scan_err {
	size_t off;
	const char *why;
};

static int scan_fail(struct scan_err *e, size_t off, const char *why)
{
	e->off = off;
	e->why = why;
	return -EINVAL;
}

static void set_add(u8 set[32], unsigned b)
{
	set[b >> 3] |= (u8)(1U << (b & 7));
}

static void set_del(u8 set[32], unsigned b)
{
	set[b >> 3] &= (u8)~(1U << (b & 7));
}

/* Every byte a wildcard may consume: all but NUL (never in a path) and, unless @slash, '/'. */
static void set_any(u8 set[32], bool slash)
{
	memset(set, 0xff, 32);
	set_del(set, 0);
	if (!slash)
		set_del(set, '/');
}

static bool set_subset(const u8 a[32], const u8 b[32])
{
	unsigned i;

	for (i = 0; i < 32; i++)
		if (a[i] & ~b[i])
			return false;
	return true;
}

/* One (possibly escaped) byte of a class at p[*j]; advances *j. */
static int class_byte(const char *p, size_t *j, unsigned *c, size_t *at, struct scan_err *e)
{
	*at = *j;
	if (p[*j] == '\\') {
		if (!p[*j + 1])
			return scan_fail(e, *j, "trailing '\\' (nothing to escape)");
		*c = (unsigned char)p[*j + 1];
		*j += 2;
	} else {
		*c = (unsigned char)p[*j];
		*j += 1;
	}
	if (*c == '/')
		return scan_fail(e, *at, "'/' inside a class: a class never matches '/'");
	return 0;
}

/* The class starting with '[' at p[i]; on success *end is the offset just past its ']'. */
static int scan_class(const char *p, size_t i, u8 set[32], size_t *end, struct scan_err *e)
{
	size_t j = i + 1, at, at2;
	unsigned lo, hi, b;
	bool neg = false;
	int err;

	memset(set, 0, 32);
	if (p[j] == '!' || p[j] == '^') {
		neg = true;
		j++;
	}
	if (p[j] == ']')
		return scan_fail(e, i, "empty class (write '\\]' for a literal bracket)");
	while (p[j] != ']') {
		if (!p[j])
			return scan_fail(e, i, "unclosed '[' (a class ends with ']')");
		if (p[j] == '[' && p[j + 1] == ':')
			return scan_fail(e, j, "named classes like [:alpha:] are not supported");
		err = class_byte(p, &j, &lo, &at, e);
		if (err)
			return err;
		hi = lo;
		if (p[j] == '-' && p[j + 1] && p[j + 1] != ']') {
			j++;
			err = class_byte(p, &j, &hi, &at2, e);
			if (err)
				return err;
			if (hi < lo)
				return scan_fail(e, at, "reversed range in a class (write [a-z], not [z-a])");
		}
		for (b = lo; b <= hi; b++)
			set_add(set, b);
	}
	if (neg) {
		for (b = 0; b < 32; b++)
			set[b] = (u8)~set[b];
	}
	/* A range may span '/' ("[+-0]"): the class still never matches it, nor NUL. */
	set_del(set, '/');
	set_del(set, 0);
	for (b = 0; b < 32 && !set[b]; b++)
		;
	if (b == 32)
		return scan_fail(e, i, "class matches no byte");
	*end = j + 1;
	return 0;
}

/* Appends one element, merging adjacent wildcards: "*" next to "**" is just "**". */
static void push(struct mg_glob_elem *out, size_t *n, bool repeat, const u8 set[32])
{
	if (!out)
		return;
	if (repeat && *n && out[*n - 1].repeat) {
		struct mg_glob_elem *prev = &out[*n - 1];

		if (set_subset(set, prev->set))
			return;
		if (set_subset(prev->set, set)) {
			memcpy(prev->set, set, 32);
			return;
		}
	}
	out[*n].repeat = repeat;
	memcpy(out[*n].set, set, 32);
	(*n)++;
}

static int scan(const char *p, struct mg_glob_elem *out, size_t *n, struct scan_err *e)
{
	size_t i = 0, len = strlen(p);
	u8 set[32];
	int err;

	if (n)
		*n = 0;
	if (len >= MEDGATE_PATH_MAX)
		return scan_fail(e, MEDGATE_PATH_MAX - 1, "pattern too long");
	if (p[0] != '/')
		return scan_fail(e, 0, "a pattern must be absolute (start with '/')");
	while (p[i]) {
		switch (p[i]) {
		case '*':
			if (p[i + 1] == '*') {
				while (p[i] == '*')
					i++;
				set_any(set, true);
			} else {
				i++;
				set_any(set, false);
			}
			push(out, n, true, set);
			continue;
		case '?':
			set_any(set, false);
			i++;
			break;
		case '[':
			err = scan_class(p, i, set, &i, e);
			if (err)
				return err;
			break;
		case '\\':
			if (!p[i + 1])
				return scan_fail(e, i, "trailing '\\' (nothing to escape)");
			memset(set, 0, sizeof(set));
			set_add(set, (unsigned char)p[i + 1]);
			i += 2;
			break;
		case '{':
			return scan_fail(e, i, "alternation {..} is not supported");
		case '}':
			return scan_fail(e, i, "'}' is reserved for alternation (write '\\}' for a literal brace)");
		case ']':
			return scan_fail(e, i, "']' without '[' (write '\\]' for a literal bracket)");
		default:
			memset(set, 0, sizeof(set));
			set_add(set, (unsigned char)p[i]);
			i++;
			break;
		}
		push(out, n, false, set);
	}
	return 0;
}

int mg_glob_check(const char *pattern, size_t *err_offset, const char **why)
{
	struct scan_err e = { 0, NULL };
	int err = scan(pattern, NULL, NULL, &e);

	if (err) {
		if (err_offset)
			*err_offset = e.off;
		if (why)
			*why = e.why;
	}
	return err;
}

int mg_glob_parse(const char *pattern, struct mg_glob_elem *out, size_t *n)
{
	struct scan_err e;

	return scan(pattern, out, n, &e);
}

bool mg_glob_has_magic(const char *pattern)
{
	return strpbrk(pattern, "*?[]{}\\") != NULL;
}

/* ---- reference matcher ---- */

/*
 * Whether byte c is in the (valid) class whose text starts just after '[' at *pp; moves *pp past
 * the closing ']'.
 */
static bool ref_class(const char **pp, unsigned char c)
{
	const char *p = *pp;
	bool neg = false, in = false;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	while (*p != ']') {
		unsigned char lo, hi;

		if (*p == '\\')
			p++;
		lo = (unsigned char)*p++;
		hi = lo;
		if (p[0] == '-' && p[1] != ']') {
			p++;
			if (*p == '\\')
				p++;
			hi = (unsigned char)*p++;
		}
		if (c >= lo && c <= hi)
			in = true;
	}
	*pp = p + 1;
	return c != '/' && (in != neg);
}

static bool ref_match(const char *p, const char *s)
{
	for (;;) {
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			if (p[1] == '*') {
				while (*p == '*')
					p++;
				for (;; s++) {
					if (ref_match(p, s))
						return true;
					if (!*s)
						return false;
				}
			}
			p++;
			for (;; s++) {
				if (ref_match(p, s))
					return true;
				if (!*s || *s == '/')
					return false;
			}
		case '?':
			if (!*s || *s == '/')
				return false;
			p++;
			s++;
			break;
		case '[':
			p++;
			if (!*s || !ref_class(&p, (unsigned char)*s))
				return false;
			s++;
			break;
		case '\\':
			p++;
			/* fall through */
		default:
			if (*p != *s)
				return false;
			p++;
			s++;
			break;
		}
	}
}

bool mg_glob_match(const char *pattern, const char *path)
{
	if (mg_glob_check(pattern, NULL, NULL))
		return false;
	return ref_match(pattern, path);
}

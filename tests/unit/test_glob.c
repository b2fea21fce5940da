// SPDX-License-Identifier: GPL-2.0
/*
 * Globs (docs/globs.md) end to end: a table of patterns and paths checked against both the
 * reference matcher (mg_glob_match) and the DFA the compiler makes of a one-rule policy, walked by
 * the module's matcher; a randomized cross-check of many-pattern DFAs against the reference
 * (deterministic seed); syntax errors and their offsets; canonical form of the tables; the
 * attachment conflict rule; and the state budget, which turns a blow-up into a diagnostic naming
 * the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blob_builder.h"
#include "glob.h"
#include "match.h"
#include "tap.h"

struct gcase {
	const char *pattern, *path;
	int match;
};

static const struct gcase cases[] = {
	/* literal */
	{ "/etc/passwd", "/etc/passwd", 1 },
	{ "/etc/passwd", "/etc/passwd2", 0 },
	{ "/etc/passwd", "/etc/passw", 0 },
	{ "/etc/passwd", "/etc/passwd/", 0 },
	{ "/", "/", 1 },
	{ "/", "/a", 0 },
	/* * */
	{ "/etc/*.conf", "/etc/a.conf", 1 },
	{ "/etc/*.conf", "/etc/.conf", 1 },
	{ "/etc/*.conf", "/etc/a/b.conf", 0 },
	{ "/etc/*.conf", "/etc/a.conf.bak", 0 },
	{ "/etc/*", "/etc/", 1 },
	{ "/etc/*", "/etc", 0 },
	{ "/etc/*", "/etc/x/y", 0 },
	{ "/*", "/", 1 },
	{ "/*", "/abc", 1 },
	{ "/*", "/a/b", 0 },
	{ "/a*b*c", "/abc", 1 },
	{ "/a*b*c", "/aXbYc", 1 },
	{ "/a*b*c", "/aXbY/c", 0 },
	{ "/a*b*c", "/abcbc", 1 },
	{ "/a*b*c", "/acb", 0 },
	{ "/a*a", "/a", 0 },
	{ "/a*a", "/aa", 1 },
	{ "/a*a", "/aaa", 1 },
	/* ** */
	{ "/var/log/hl7/**", "/var/log/hl7/a", 1 },
	{ "/var/log/hl7/**", "/var/log/hl7/a/b", 1 },
	{ "/var/log/hl7/**", "/var/log/hl7/", 1 },
	{ "/var/log/hl7/**", "/var/log/hl7", 0 },
	{ "/var/log/hl7/**", "/var/log/hl7x/a", 0 },
	{ "/**", "/", 1 },
	{ "/**", "/a/b/c", 1 },
	{ "/**/core", "/core", 0 },
	{ "/**/core", "/a/core", 1 },
	{ "/**/core", "/a/b/core", 1 },
	{ "/**/core", "/a/b/xcore", 0 },
	{ "/a/**b", "/a/b", 1 },
	{ "/a/**b", "/a/x/yb", 1 },
	{ "/a/**b", "/a/x/y", 0 },
	{ "/a/**/b/**", "/a/x/b/y", 1 },
	{ "/a/**/b/**", "/a/b/y", 0 },
	{ "/a/**/b/**", "/a/x/y/b/", 1 },
	{ "/a/***", "/a/b/c", 1 },
	{ "/a/**x", "/a/x", 1 },
	{ "/a/*/**", "/a/b/", 1 },
	{ "/a/*/**", "/a/b", 0 },
	{ "/a/*/**", "/a//", 1 },
	/* ? */
	{ "/tmp/?", "/tmp/a", 1 },
	{ "/tmp/?", "/tmp/", 0 },
	{ "/tmp/?", "/tmp/ab", 0 },
	{ "/tmp/?", "/tmp//", 0 },
	{ "/tmp/??x", "/tmp/abx", 1 },
	{ "/tmp/a?c", "/tmp/a/c", 0 },
	/* classes */
	{ "/dev/tty[0-9]", "/dev/tty5", 1 },
	{ "/dev/tty[0-9]", "/dev/ttyS", 0 },
	{ "/dev/tty[0-9]", "/dev/tty10", 0 },
	{ "/dev/tty[!0-9]", "/dev/ttyS", 1 },
	{ "/dev/tty[!0-9]", "/dev/tty1", 0 },
	{ "/dev/tty[^0-9]", "/dev/ttyS", 1 },
	{ "/dev/tty[!0-9]", "/dev/tty/", 0 },
	{ "/x/[abc]", "/x/b", 1 },
	{ "/x/[abc]", "/x/d", 0 },
	{ "/x/[a-cx-z]", "/x/y", 1 },
	{ "/x/[a-cx-z]", "/x/m", 0 },
	{ "/x/[-a]", "/x/-", 1 },
	{ "/x/[a-]", "/x/-", 1 },
	{ "/x/[\\]]", "/x/]", 1 },
	{ "/x/[\\-]", "/x/-", 1 },
	{ "/x/[+-0]", "/x/.", 1 },
	{ "/x/[+-0]", "/x//", 0 },
	{ "/x/[[]", "/x/[", 1 },
	{ "/x/[!a]", "/x/", 0 },
	{ "/x/[a-c][0-9]*", "/x/b7rest", 1 },
	/* escapes */
	{ "/a\\*b", "/a*b", 1 },
	{ "/a\\*b", "/axb", 0 },
	{ "/a\\?", "/a?", 1 },
	{ "/a\\?", "/ab", 0 },
	{ "/a\\[b\\]", "/a[b]", 1 },
	{ "/a\\\\b", "/a\\b", 1 },
	{ "/a\\{b\\}", "/a{b}", 1 },
	{ "/a/\\x", "/a/x", 1 },
	/* mixed */
	{ "/srv/app12/cache*/*.tmp", "/srv/app12/cache3/x.tmp", 1 },
	{ "/srv/app12/cache*/*.tmp", "/srv/app12/cache/x.tmp", 1 },
	{ "/srv/app12/cache*/*.tmp", "/srv/app12/cache3/d/x.tmp", 0 },
	{ "/srv/app12/cache*/*.tmp", "/srv/app12/cache3/x.tmpx", 0 },
	{ "/home/*/.ssh/**", "/home/bob/.ssh/id_rsa", 1 },
	{ "/home/*/.ssh/**", "/home/.ssh/x", 0 },
	{ "/usr/lib/**.so", "/usr/lib/x86_64/libc.so", 1 },
	{ "/usr/lib/**.so", "/usr/lib/libc.so.6", 0 },
	{ "/p/*x*", "/p/x", 1 },
	{ "/p/*x*", "/p/abc", 0 },
	{ "/data/\xc3\xa9*", "/data/\xc3\xa9t\xc3\xa9", 1 },
	{ "/data/?", "/data/\xc3\xa9", 0 },
	{ "/data/??", "/data/\xc3\xa9", 1 },
	{ "/a/b?c/**/d*", "/a/bxc/d", 0 },
	{ "/a/b?c/**/d*", "/a/bxc/e/dd", 1 },
};

static int compile_one(const char *pattern, u8 **blob, size_t *len, struct medgate_blob_view *v)
{
	char text[512], msg[512];
	const char *why = "";
	int err;

	snprintf(text, sizeof(text), "profile g {\n    file %s r\n}\n", pattern);
	err = bb_compile2(text, NULL, 0, blob, len, msg, sizeof(msg));
	if (err) {
		printf("# %s: %s\n", pattern, msg);
		return err;
	}
	err = medgate_blob_validate(*blob, *len, v, &why);
	if (err)
		printf("# %s: blob rejected: %s\n", pattern, why);
	return err;
}

static void test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gcase *c = &cases[i];
		const struct medgate_blob_profile *p;
		struct medgate_blob_view v;
		struct medgate_match m;
		int ref, dfa = -1;
		size_t len;
		u8 *blob;

		ref = mg_glob_match(c->pattern, c->path);
		if (!compile_one(c->pattern, &blob, &len, &v)) {
			p = medgate_blob_find_profile(&v, medgate_profile_id("g"));
			medgate_match_file(&v, p, c->path, MEDGATE_ACCESS_READ, &m);
			dfa = m.allowed && m.rule == 0;
			free(blob);
		}
		tap_ok(ref == c->match && dfa == c->match, "'%s' %s '%s' (reference %d, DFA %d)",
		       c->pattern, c->match ? "matches" : "does not match", c->path, ref, dfa);
	}
}

/* ---- syntax ---- */

struct bad {
	const char *pattern;
	size_t off;
	const char *why;
};

static const struct bad bads[] = {
	{ "/a/[abc", 3, "unclosed '['" },
	{ "/a/[]", 3, "empty class" },
	{ "/a/[!]", 3, "empty class" },
	{ "/a/[z-a]", 4, "reversed range" },
	{ "/a\\", 2, "trailing '\\'" },
	{ "/a/[a-\\", 6, "trailing '\\'" },
	{ "/a/[a/b]", 5, "'/' inside a class" },
	{ "/a/[!/]", 5, "'/' inside a class" },
	{ "/a/{b,c}", 3, "alternation {..} is not supported" },
	{ "/a/b}", 4, "reserved for alternation" },
	{ "/a/b]", 4, "without '['" },
	{ "a/b", 0, "absolute" },
	{ "", 0, "absolute" },
	{ "/a/[[:alpha:]]", 4, "named classes" },
};

static void test_syntax(void)
{
	char long_pattern[MEDGATE_PATH_MAX + 1];
	size_t i, off;
	const char *why;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		int err;

		off = 9999;
		why = "";
		err = mg_glob_check(b->pattern, &off, &why);
		tap_ok(err == -EINVAL && off == b->off && why && strstr(why, b->why),
		       "mg_glob_check rejects '%s' at %zu: %s", b->pattern, off, why);
	}
	memset(long_pattern, 'a', sizeof(long_pattern) - 1);
	long_pattern[0] = '/';
	long_pattern[MEDGATE_PATH_MAX] = '\0';
	tap_ok(mg_glob_check(long_pattern, &off, &why) == -EINVAL && strstr(why, "too long"),
	       "mg_glob_check rejects a pattern of MEDGATE_PATH_MAX bytes");
	long_pattern[MEDGATE_PATH_MAX - 1] = '\0';
	tap_ok(mg_glob_check(long_pattern, NULL, NULL) == 0, "and accepts one byte less");
	tap_ok(mg_glob_check("/a/[]]x]", NULL, NULL) == -EINVAL, "'[]' is empty, not a ']' member");
	tap_ok(mg_glob_check("/a/[\\]a-z\\-]*/**/\\{x\\}?", NULL, NULL) == 0,
	       "escapes inside and outside classes are valid");
	tap_ok(!mg_glob_has_magic("/usr/bin/x") && mg_glob_has_magic("/usr/bin/*") &&
	       mg_glob_has_magic("/a?") && mg_glob_has_magic("/a/[b]") &&
	       mg_glob_has_magic("/a\\*"), "mg_glob_has_magic");
	tap_ok(!mg_glob_match("/a/[", "/a/["), "an invalid pattern matches nothing");
}

/* ---- randomized cross-check ---- */

static unsigned long long rng_state = 0x6d6564676174652aULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *const tokens[] = {
	"a", "b", "ab", "ba", "*", "*", "**", "?", "[ab]", "[!a]", "\\*", "*a", "b*",
};

static void gen_pattern(char *out, size_t cap)
{
	unsigned comps = 1 + rnd(3), c, t;

	out[0] = '\0';
	for (c = 0; c < comps; c++) {
		unsigned ntok = 1 + rnd(3);

		strncat(out, "/", cap - strlen(out) - 1);
		for (t = 0; t < ntok; t++)
			strncat(out, tokens[rnd(sizeof(tokens) / sizeof(tokens[0]))],
				cap - strlen(out) - 1);
	}
}

/* A path that often matches @pattern: its wildcards instantiated at random. */
static void gen_path_from(const char *pattern, char *out, size_t cap)
{
	static const char fill[] = "ab*/";
	size_t n = 0;
	const char *p;

	for (p = pattern; *p && n + 8 < cap; p++) {
		unsigned k;

		switch (*p) {
		case '*':
			if (p[1] == '*') {
				for (k = rnd(4); k > 0; k--)
					out[n++] = fill[rnd(4)];
				while (p[1] == '*')
					p++;
			} else {
				for (k = rnd(3); k > 0; k--)
					out[n++] = fill[rnd(3)];
			}
			break;
		case '?':
			out[n++] = fill[rnd(3)];
			break;
		case '[':
			out[n++] = fill[rnd(3)];
			while (*p && *p != ']')
				p++;
			break;
		case '\\':
			p++;
			out[n++] = *p;
			break;
		default:
			out[n++] = *p;
		}
		if (rnd(20) == 0)
			out[n++] = fill[rnd(4)];
	}
	out[n] = '\0';
}

static void gen_path(char *out, size_t cap)
{
	static const char alpha[] = "ab/*";
	unsigned n = 1 + rnd(9), i;

	out[0] = '/';
	for (i = 1; i < n && i + 1 < cap; i++)
		out[i] = alpha[rnd(4)];
	out[i] = '\0';
}

/* Every DFA of the blob is in canonical form: BFS order, sorted maximal byte ranges. */
static bool canonical(const struct medgate_blob_view *v, u32 first, u32 n)
{
	u32 *order = malloc(n * sizeof(u32)), head = 0, tail = 0, s, k;
	bool *seen = calloc(n, 1), ok = true;

	order[tail++] = first;
	seen[0] = true;
	while (head < tail) {
		const struct medgate_blob_state *st = &v->states[order[head]];

		if (order[head] != first + head)
			ok = false;
		head++;
		for (k = 0; k < st->n_trans; k++) {
			const struct medgate_blob_trans *t = &v->trans[st->first_trans + k];

			if (k > 0 && t[-1].next == t->next && t[-1].hi + 1 == t->lo)
				ok = false;	/* two ranges that should have been one */
			s = t->next - first;
			if (!seen[s]) {
				seen[s] = true;
				order[tail++] = t->next;
			}
		}
	}
	if (tail != n)
		ok = false;		/* an unreachable state */
	free(order);
	free(seen);
	return ok;
}

#define NPAT 6

static void test_random(void)
{
	unsigned rounds = 400, r, i, k, paths = 0, matches = 0, bad_single = 0, bad_multi = 0;
	unsigned bad_canon = 0, bad_build = 0, bad_same = 0;

	for (r = 0; r < rounds; r++) {
		char pats[NPAT][64], text[1024], path[96];
		const struct medgate_blob_profile *p;
		struct medgate_blob_view v;
		const char *why;
		size_t len, len2;
		u8 *blob, *again;

		strcpy(text, "profile r {\n");
		for (i = 0; i < NPAT; i++) {
			gen_pattern(pats[i], sizeof(pats[i]));
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "    file %s r\n",
				 pats[i]);
		}
		strcat(text, "}\n");
		if (bb_compile2(text, NULL, 0, &blob, &len, NULL, 0) ||
		    medgate_blob_validate(blob, len, &v, &why)) {
			bad_build++;
			continue;
		}
		if (bb_compile2(text, NULL, 0, &again, &len2, NULL, 0) || len != len2 ||
		    memcmp(blob, again, len))
			bad_same++;
		free(again);
		p = medgate_blob_find_profile(&v, medgate_profile_id("r"));
		if (!canonical(&v, p->dfa, p->n_states))
			bad_canon++;

		for (k = 0; k < 60; k++) {
			u32 want[NPAT], n_want = 0, s, n_got = 0;
			struct medgate_match m;
			const u32 *got = NULL;

			if (k % 2)
				gen_path(path, sizeof(path));
			else
				gen_path_from(pats[rnd(NPAT)], path, sizeof(path));
			paths++;
			for (i = 0; i < NPAT; i++)
				if (mg_glob_match(pats[i], path))
					want[n_want++] = p->first_rule + i;
			matches += n_want > 0;
			s = bb_walk(&v, p->dfa, path);
			if (s != BB_NONE) {
				got = v.accept + v.states[s].first_accept;
				n_got = v.states[s].n_accept;
			}
			if (n_got != n_want || (n_got && memcmp(got, want, n_got * sizeof(u32)))) {
				if (bad_multi++ < 5)
					printf("# mismatch: path '%s' matches %u patterns, DFA says %u\n",
					       path, n_want, n_got);
			}
			medgate_match_file(&v, p, path, MEDGATE_ACCESS_READ, &m);
			if (m.allowed != (n_want > 0) ||
			    (n_want && m.rule != want[0]))
				bad_single++;
		}
		free(blob);
	}
	tap_ok(!bad_build, "random policies compile and validate (%u of %u failed)", bad_build,
	       rounds);
	tap_ok(!bad_same, "random policies compile to the same bytes twice (%u differ)", bad_same);
	tap_ok(!bad_canon, "random DFAs are canonical: BFS order, maximal ranges (%u not)",
	       bad_canon);
	tap_ok(!bad_multi, "accept lists equal the reference matches: %u paths, %u matching, %u wrong",
	       paths, matches, bad_multi);
	tap_ok(!bad_single, "medgate_match_file agrees with the reference (%u wrong)", bad_single);
}

/* ---- attachments ---- */

static void test_attach(void)
{
	char msg[512];
	const struct medgate_blob_profile *p;
	struct medgate_blob_view v;
	const char *why;
	size_t len;
	u8 *blob;
	int err;

	err = bb_compile2("profile a {\n    attach /opt/*/tool\n}\n"
			  "profile b {\n    attach /opt/x/*\n}\n", NULL, 0, &blob, &len, msg,
			  sizeof(msg));
	tap_ok(err == -EINVAL && strstr(msg, "/opt/*/tool") && strstr(msg, "/opt/x/*") &&
	       strstr(msg, "both match \"/opt/x/tool\""),
	       "two globs of two profiles matching one path: error naming both (%s)", msg);
	free(blob);

	err = bb_compile2("profile a {\n    attach /usr/bin/svc-*\n}\n"
			  "profile b {\n    attach /usr/bin/svc-helper\n}\n", NULL, 0, &blob, &len,
			  msg, sizeof(msg));
	tap_ok(!err && !medgate_blob_validate(blob, len, &v, &why),
	       "a glob and an exact attachment of two profiles: allowed (%s)", msg);
	if (!err) {
		p = medgate_match_attach(&v, "/usr/bin/svc-helper");
		tap_ok(p && p->id == medgate_profile_id("b"), "the exact attachment wins");
		p = medgate_match_attach(&v, "/usr/bin/svc-x");
		tap_ok(p && p->id == medgate_profile_id("a"), "the glob takes the rest");
		tap_ok(!medgate_match_attach(&v, "/usr/bin/svc"), "and nothing else");
	}
	free(blob);

	err = bb_compile2("profile a {\n    attach /usr/bin/*\n    attach /usr/bin/a*\n}\n", NULL, 0,
			  &blob, &len, msg, sizeof(msg));
	tap_ok(!err, "overlapping globs of one profile are fine (%s)", msg);
	free(blob);

	err = bb_compile2("profile a {\n    attach /usr/bin/a*\n}\n", "profile b {\n    attach /usr/*/ab\n}\n",
			  0, &blob, &len, msg, sizeof(msg));
	tap_ok(err == -EINVAL && strstr(msg, "test.policy:2") && strstr(msg, "second.policy:2"),
	       "conflicts across files name both files (%s)", msg);
	free(blob);
}

/* ---- state budget ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_budget(void)
{
	char text[4096], msg[512];
	unsigned i;
	double t0, dt;
	size_t len;
	u8 *blob;
	int err;

	/* Each rule can start matching anywhere, and all of them at once: exponential. */
	strcpy(text, "profile boom {\n    file /etc/fine r\n");
	for (i = 0; i < 16; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "    file /**/*%c*%c*%c* r\n", 'a' + i, 'a' + (i + 3) % 16, 'a' + (i + 7) % 16);
	strcat(text, "}\n");

	t0 = now();
	err = bb_compile2(text, NULL, 5000, &blob, &len, msg, sizeof(msg));
	dt = now() - t0;
	tap_ok(err == -EINVAL && strstr(msg, "more than 5000 DFA states") &&
	       strstr(msg, "profile \"boom\"") && strstr(msg, "test.policy:"),
	       "a blow-up stops at the state budget with a diagnostic (%s)", msg);
	tap_ok(!strstr(msg, "test.policy:2,") && !strstr(msg, "test.policy:2 "),
	       "the diagnostic names glob rules, not the exact one");
	tap_ok(dt < 2.0, "and quickly (%.3f s)", dt);
	free(blob);

	t0 = now();
	err = bb_compile2(text, NULL, 0, &blob, &len, msg, sizeof(msg));
	dt = now() - t0;
	tap_ok(err == -EINVAL && strstr(msg, "more than 250000 DFA states"),
	       "the default budget (250000 states) stops it too (%s)", msg);
	tap_ok(dt < 10.0, "in %.3f s", dt);
	free(blob);

	/* Large without a blow-up: the message says so instead of blaming three rules. */
	{
		char *big = malloc(400 * 48 + 64);

		strcpy(big, "profile big {\n");
		for (i = 0; i < 400; i++)
			sprintf(big + strlen(big), "    file /srv/app%03u/data/file%04u.dat r\n", i,
				i * 7);
		strcat(big, "}\n");
		err = bb_compile2(big, NULL, 1000, &blob, &len, msg, sizeof(msg));
		tap_ok(err == -EINVAL && strstr(msg, "test.policy:1:") &&
		       strstr(msg, "its 400 rules") && strstr(msg, "too many for one automaton"),
		       "a profile too large for the budget is reported as such (%s)", msg);
		free(blob);
		err = bb_compile2(big, NULL, 0, &blob, &len, msg, sizeof(msg));
		tap_ok(!err, "and fits the default budget (%s)", msg);
		free(blob);
		free(big);
	}

	err = bb_compile2("profile ok {\n    file /**/*a*b* r\n    file /**/*c*d* r\n}\n", NULL, 5000,
			  &blob, &len, msg, sizeof(msg));
	tap_ok(!err, "a few such rules fit (%s)", msg);
	free(blob);
}

int main(void)
{
	tap_start();
	test_table();
	test_syntax();
	test_random();
	test_attach();
	test_budget();
	return tap_end();
}

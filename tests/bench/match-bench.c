// SPDX-License-Identifier: GPL-2.0
/*
 * match-bench: the host half of `make bench`. It drives the shared plain-C engine (kmod/blob.c,
 * kmod/match.c: the very code medgate.ko runs) and libmedgate's compiler natively.
 *
 *   match-bench [-o OUT] [-k FILE] [-r ROUNDS] POLICY...
 *       for each policy text (one profile "bench", as tests/bench/gen-policy.sh writes it):
 *       compile time (mg_policy_compile, wall clock, median), validation time
 *       (medgate_blob_validate), and ns per decision (medgate_match_file) for each class of path
 *       below, median of ROUNDS rounds of many decisions each.
 *   match-bench --callgrind CLASS DECISIONS POLICY BLOB
 *       validates BLOB (POLICY compiled by medgatectl), then makes exactly DECISIONS decisions for
 *       the CLASS path through bench_decide(), for valgrind --tool=callgrind
 *       --toggle-collect=bench_decide (tests/bench/callgrind.sh); no compilation, so that
 *       valgrind counts nothing but the decisions.
 *
 * Classes of path, each taken from the policy itself (a class the policy has no rule for is
 * left out): bench (the benchmark's file, allowed by the last rule), exact (a path that an exact
 * rule in the middle of the profile names), star (a path matched by a middle '*' rule), dstar
 * (a path matched by a middle '**' rule), miss (a path no rule matches, same depth).
 * Every decision asks for read access.
 *
 * Output lines, for tests/bench/report.sh:
 *   HOST compile rules=N ns=NS bytes=B runs=K
 *   HOST validate rules=N ns=NS
 *   HOST match rules=N class=C ns=MEDIAN min=MIN decisions=D rounds=R verdict=allow|deny path=P
 * (ns per decision, wall clock; the minimum is the figure least disturbed by other load)
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blob.h"
#include "match.h"
#include "medgate.h"

#define MAX_RULES	(1 << 17)
#define N_CLASSES	5

static const char *const class_names[N_CLASSES] = { "bench", "exact", "star", "dstar", "miss" };

struct policy {
	char *text;
	size_t text_len;
	char **rules;		/* the path of every allow rule ("file PATH ACCESS"), in order */
	size_t n_rules, n_deny;
	char paths[N_CLASSES][4096];	/* empty: class not present */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static char *read_file(const char *path, size_t *len)
{
	size_t cap = 1 << 16, got;
	char *buf = malloc(cap + 1);
	FILE *f = fopen(path, "rb");

	if (!f || !buf) {
		fprintf(stderr, "match-bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	*len = 0;
	while ((got = fread(buf + *len, 1, cap - *len, f)) > 0) {
		*len += got;
		if (*len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				exit(1);
		}
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Replaces the first occurrence of @what in @s (in place, @s has room) by @with. */
static void replace(char *s, size_t size, const char *what, const char *with)
{
	char *p = strstr(s, what);
	char tail[4096];

	if (!p)
		return;
	snprintf(tail, sizeof(tail), "%s", p + strlen(what));
	snprintf(p, size - (p - s), "%s%s", with, tail);
}

/* Reads the rules of the policy text and picks one path per class. */
static void policy_paths(struct policy *pol, const char *bench_file)
{
	char *copy = strdup(pol->text), *line, *save = NULL;
	size_t i, n_exact = 0, n_star = 0, n_dstar = 0, k_exact, k_star, k_dstar;

	pol->rules = calloc(MAX_RULES, sizeof(*pol->rules));
	if (!copy || !pol->rules)
		exit(1);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char path[4096], access[64];

		/*
		 * Deny rules, exec rules and rules without read access count as rules but give no
		 * path to decide on: every decision here asks for read, and should be allowed unless
		 * it is the miss class.
		 */
		if (sscanf(line, " deny file %4095s", path) == 1 ||
		    sscanf(line, " exec %4095s", path) == 1) {
			pol->n_deny++;
		} else if (sscanf(line, " file %4095s %63s", path, access) == 2 &&
			   pol->n_rules < MAX_RULES) {
			pol->rules[pol->n_rules++] = strchr(access, 'r') ? strdup(path) : NULL;
		}
	}
	free(copy);
	for (i = 0; i + 1 < pol->n_rules; i++) {
		if (!pol->rules[i])
			continue;
		if (strstr(pol->rules[i], "**"))
			n_dstar++;
		else if (strchr(pol->rules[i], '*'))
			n_star++;
		else
			n_exact++;
	}
	/* The middle rule of each class: neither the first nor the last a linear scan meets. */
	k_exact = n_exact / 2;
	k_star = n_star / 2;
	k_dstar = n_dstar / 2;
	for (i = 0; i + 1 < pol->n_rules; i++) {
		char *r = pol->rules[i];
		char *dst;

		if (!r)
			continue;
		if (strstr(r, "**")) {
			if (k_dstar-- != 0)
				continue;
			dst = pol->paths[3];
			snprintf(dst, 4096, "%s", r);
			replace(dst, 4096, "**", "lib/x86_64");
			while (strchr(dst, '*'))
				replace(dst, 4096, "*", "x7");
		} else if (strchr(r, '*')) {
			if (k_star-- != 0)
				continue;
			dst = pol->paths[2];
			snprintf(dst, 4096, "%s", r);
			while (strchr(dst, '*'))
				replace(dst, 4096, "*", "x7");
		} else {
			if (k_exact-- != 0)
				continue;
			snprintf(pol->paths[1], 4096, "%s", r);
		}
	}
	snprintf(pol->paths[0], 4096, "%s", bench_file);
	snprintf(pol->paths[4], 4096, "/var/lib/gw/svc999/dev00/none.json");
}

static const struct medgate_blob_profile *bench_profile(const void *blob, size_t len,
							struct medgate_blob_view *v)
{
	const struct medgate_blob_profile *p;
	const char *why = NULL;
	int err = medgate_blob_validate(blob, len, v, &why);

	if (err) {
		fprintf(stderr, "match-bench: the compiled policy does not validate: %s (%s)\n",
			strerror(-err), why ? why : "?");
		exit(1);
	}
	p = medgate_blob_find_profile(v, medgate_profile_id("bench"));
	if (!p) {
		fprintf(stderr, "match-bench: no profile \"bench\" in the policy\n");
		exit(1);
	}
	return p;
}

/* One decision: the unit that callgrind counts (--toggle-collect=bench_decide). */
__attribute__((noinline)) bool bench_decide(const struct medgate_blob_view *v,
					    const struct medgate_blob_profile *p, const char *path)
{
	struct medgate_match m;

	medgate_match_file(v, p, path, MEDGATE_ACCESS_READ, &m);
	return m.allowed;
}

static double time_decisions(const struct medgate_blob_view *v,
			     const struct medgate_blob_profile *p, const char *path, long n)
{
	uint64_t t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		bench_decide(v, p, path);
	return (double)(now_ns() - t0);
}

static int bench_policy(const char *file, const char *bench_file, int rounds, FILE *out)
{
	struct policy pol = { 0 };
	struct medgate_blob_view v;
	const struct medgate_blob_profile *p;
	double t[64], per, total;
	void *blob = NULL;
	size_t len = 0;
	int i, c, runs;
	long n;

	pol.text = read_file(file, &pol.text_len);
	policy_paths(&pol, bench_file);

	/* Compile: at least 3 runs, more while they add up to less than a second (at most 64). */
	total = 0;
	for (runs = 0; runs < 64 && (runs < 3 || total < 1e9); runs++) {
		struct mg_diags diags = { 0 };
		uint64_t t0;
		int err;

		free(blob);
		blob = NULL;
		t0 = now_ns();
		err = mg_policy_compile(pol.text, file, &blob, &len, &diags);
		t[runs] = (double)(now_ns() - t0);
		total += t[runs];
		if (err) {
			char msg[512];

			if (diags.n)
				mg_diag_format(&diags.v[0], msg, sizeof(msg));
			else
				snprintf(msg, sizeof(msg), "%s", strerror(-err));
			fprintf(stderr, "match-bench: %s does not compile: %s\n", file, msg);
			return 1;
		}
		mg_diags_free(&diags);
	}
	fprintf(out, "HOST compile rules=%zu ns=%.0f bytes=%zu runs=%d\n", pol.n_rules + pol.n_deny,
		median(t, runs), len, runs);

	for (i = 0; i < 15; i++) {
		uint64_t t0 = now_ns();

		p = bench_profile(blob, len, &v);
		t[i] = (double)(now_ns() - t0);
	}
	fprintf(out, "HOST validate rules=%zu ns=%.0f\n", pol.n_rules + pol.n_deny, median(t, 15));

	for (c = 0; c < N_CLASSES; c++) {
		const char *path = pol.paths[c];

		if (!path[0])
			continue;
		/* Warm up for about 20 ms, then enough decisions for about 20 ms a round. */
		for (n = 100, per = 0; n < (1L << 30); n *= 2) {
			per = time_decisions(&v, p, path, n);
			if (per > 2e7)
				break;
		}
		per /= n;
		n = per > 0 ? (long)(2e7 / per) : 1000000;
		if (n < 100)
			n = 100;
		for (i = 0; i < rounds; i++)
			t[i] = time_decisions(&v, p, path, n) / n;
		per = median(t, rounds);	/* sorts t */
		fprintf(out, "HOST match rules=%zu class=%s ns=%.1f min=%.1f decisions=%ld rounds=%d",
			pol.n_rules + pol.n_deny, class_names[c], per, t[0], n, rounds);
		fprintf(out, " verdict=%s path=%s\n", bench_decide(&v, p, path) ? "allow" : "deny",
			path);
	}
	free(blob);
	return 0;
}

static int callgrind_run(const char *cls, long n, const char *policy_file, const char *blob_file,
			 const char *bench_file)
{
	struct policy pol = { 0 };
	struct medgate_blob_view v;
	const struct medgate_blob_profile *p;
	size_t len;
	void *blob;
	int c;
	long i;

	pol.text = read_file(policy_file, &pol.text_len);
	policy_paths(&pol, bench_file);
	for (c = 0; c < N_CLASSES; c++)
		if (!strcmp(cls, class_names[c]))
			break;
	if (c == N_CLASSES || !pol.paths[c][0]) {
		fprintf(stderr, "match-bench: no path of class %s in %s\n", cls, policy_file);
		return 3;
	}
	blob = read_file(blob_file, &len);
	p = bench_profile(blob, len, &v);
	for (i = 0; i < n; i++)
		bench_decide(&v, p, pol.paths[c]);
	printf("rules=%zu class=%s decisions=%ld path=%s\n", pol.n_rules + pol.n_deny, cls, n,
	       pol.paths[c]);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: match-bench [-o OUT] [-k FILE] [-r ROUNDS] POLICY...\n"
			"       match-bench [-k FILE] --callgrind CLASS DECISIONS POLICY BLOB\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *bench_file = "/srv/d1/d2/d3/d4/file";
	FILE *out = stdout;
	int rounds = 7, i = 1, rc = 0;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = fopen(argv[i + 1], "w");
			if (!out) {
				fprintf(stderr, "match-bench: %s: %s\n", argv[i + 1], strerror(errno));
				return 1;
			}
			i += 2;
		} else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
			bench_file = argv[i + 1];
			i += 2;
		} else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
			rounds = atoi(argv[i + 1]);
			if (rounds < 1 || rounds > 64)
				return usage();
			i += 2;
		} else if (!strcmp(argv[i], "--callgrind") && argc - i == 5) {
			return callgrind_run(argv[i + 1], atol(argv[i + 2]), argv[i + 3], argv[i + 4],
					     bench_file);
		} else {
			return usage();
		}
	}
	if (i == argc)
		return usage();
	for (; i < argc; i++)
		rc |= bench_policy(argv[i], bench_file, rounds, out);
	if (out != stdout)
		fclose(out);
	return rc;
}

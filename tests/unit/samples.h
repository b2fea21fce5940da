/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sample policies of the engine tests, in one place: the unit tests check the blobs the
 * compiler makes of them (test_blob), and fuzz_seed writes the same blobs as the fuzzer's seed
 * corpus, so that the fuzzer starts from what the tests know to be valid.
 */
#ifndef SAMPLES_H
#define SAMPLES_H

#include <stddef.h>

/* Two files, three profiles (one without rules), globs in attachments and rules. */
extern const char sample_gateway[];	/* compiled as test.policy */
extern const char sample_helper[];	/* compiled with it as second.policy */
/* No attachments at all. */
extern const char sample_solo[];

struct sample {
	const char *name;
	const char *text;
	const char *second;	/* a second file compiled with @text, or NULL */
};

/* Every sample, the ones above included; each compiles. */
extern const struct sample samples[];
extern const size_t n_samples;

#endif

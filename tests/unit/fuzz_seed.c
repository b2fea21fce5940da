// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_blob (make fuzz): blobs the compiler makes of the sample
 * policies the unit tests use (samples.c: exact paths, globs, deny and exec rules, several
 * profiles and attachments, two files), and of one larger generated policy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_builder.h"
#include "samples.h"

static int write_blob(const char *dir, unsigned n, const u8 *blob, size_t len)
{
	char name[4096];
	FILE *f;

	snprintf(name, sizeof(name), "%s/seed-%02u.blob", dir, n);
	f = fopen(name, "wb");
	if (!f || fwrite(blob, 1, len, f) != len || fclose(f)) {
		perror(name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char text[16384];
	unsigned i, n = 0;
	size_t len;
	u8 *blob;

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seed DIR\n");
		return 2;
	}
	for (i = 0; i < n_samples; i++) {
		char msg[512];

		if (bb_compile2(samples[i].text, samples[i].second, 0, &blob, &len, msg,
				sizeof(msg))) {
			fprintf(stderr, "fuzz_seed: sample \"%s\" does not compile: %s\n",
				samples[i].name, msg);
			return 1;
		}
		if (write_blob(argv[1], n++, blob, len))
			return 1;
		free(blob);
	}
	/* A larger one, in the style of tests/bench/gen-policy.sh. */
	strcpy(text, "profile bench {\n    attach /medgate/helpers/mg-bench\n");
	for (i = 0; i < 60; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 i % 3 == 0 ? "    file /srv/app%03u/data/file%04u.dat r\n" :
			 i % 3 == 1 ? "    file /srv/app%u/cache*/*.tmp rw\n" :
				      "    file /var/lib/svc%04u/** rwc\n", i * 7, i * 13);
	strcat(text, "}\n");
	blob = bb_compile(text, &len);
	if (write_blob(argv[1], n++, blob, len))
		return 1;
	free(blob);
	printf("fuzz_seed: %u seed blobs in %s\n", n, argv[1]);
	return 0;
}

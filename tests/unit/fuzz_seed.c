// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_blob (make fuzz): blobs the compiler makes of the sample
 * policies the unit tests use (samples.c: exact paths, globs, deny and exec rules, several
 * profiles and attachments, two files), of one larger generated policy, and of policies with
 * network rules (nested IPv4 and IPv6 prefixes, ports and ranges, deny rules, rules without an
 * address) so that the fuzzer starts from valid address tries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_builder.h"
#include "internal.h"
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
	/* Network rules: a gateway's peers, then a larger generated set. */
	{
		static struct mg_net_rule r[200];
		static const u8 v6[16] = { 0xfd, 0, 0x12, 0x34 };
		const char *gw = "profile gw {\n    file /etc/hosts r\n}\nprofile other {\n}\n";

		for (i = 0; i < 200; i++) {
			struct mg_net_rule *x = &r[i];

			memset(x, 0, sizeof(*x));
			x->flags = i % 7 == 3 ? MEDGATE_RULE_F_DENY : 0;
			x->ops = i % 5 ? 1U << (i % 6) : MEDGATE_NET_OPS_ALL;
			x->families = MEDGATE_NET_FAMILIES_ALL;
			x->types = i % 2 ? 1U << MEDGATE_NET_TYPE_STREAM : MEDGATE_NET_TYPES_ALL;
			x->protos = i % 3 ? 1U << (i % 3) : MEDGATE_NET_PROTOS_ALL;
			x->trie = i % 4 == 3 ? MEDGATE_NET_TRIE_NOADDR : i % 4 == 2 ?
				  MEDGATE_NET_TRIE_INET6 : MEDGATE_NET_TRIE_INET;
			if (x->trie == MEDGATE_NET_TRIE_INET) {
				x->addr[0] = 10;
				x->addr[1] = (u8)(i % 4);
				x->addr[2] = (u8)i;
				x->prefix_len = i % 3 ? 24 : 16;
				if (x->prefix_len == 16)
					x->addr[2] = 0;
			} else if (x->trie == MEDGATE_NET_TRIE_INET6) {
				memcpy(x->addr, v6, 16);
				x->addr[5] = (u8)i;
				x->prefix_len = 48;
			}
			x->port_lo = (u16)(i % 3 ? 1000 + i : 0);
			x->port_hi = (u16)(i % 3 ? x->port_lo + (i % 2) * 50 : 0xffff);
			x->loc.line = 10 + i;
		}
		for (i = 0; i < 2; i++) {
			size_t n_rules = i ? 200 : 8;

			if (bb_compile_net(gw, "gw", r, n_rules, &blob, &len)) {
				fprintf(stderr, "fuzz_seed: the network seed does not compile\n");
				return 1;
			}
			if (write_blob(argv[1], n++, blob, len))
				return 1;
			free(blob);
		}
	}
	printf("fuzz_seed: %u seed blobs in %s\n", n, argv[1]);
	return 0;
}

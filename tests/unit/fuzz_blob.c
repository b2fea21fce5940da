// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the module's blob validator and matcher (make fuzz). Each input is
 * validated twice: as it is, and with its checksum recomputed, so that mutations get past the
 * SHA-256 and reach the structural checks. Whenever a blob is accepted, paths are walked through
 * every profile's DFA and the attachment DFA, and socket requests (addresses and ports of the
 * blob's own network rules, and of the input) down every profile's address tries: the validator's
 * promise is that nothing reachable
 * from an accepted blob is out of bounds, which ASan checks, and that results are well formed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "match.h"
#include "netmatch.h"

#define MAX_PROFILES	16
#define MAX_PATHS	24

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void add_path(char paths[][256], size_t *n, const char *src, size_t len, bool deglob)
{
	size_t i;

	if (*n >= MAX_PATHS)
		return;
	if (len > 255)
		len = 255;
	for (i = 0; i < len; i++) {
		char c = src[i];

		if (!c)
			c = 'a';
		if (deglob && (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\'))
			c = 'x';
		paths[*n][i] = c;
	}
	paths[*n][len] = '\0';
	(*n)++;
}

static void exercise(const struct medgate_blob_view *v, const uint8_t *data, size_t size)
{
	static const char *const fixed[] = { "", "/", "/etc/passwd", "/var/log/hl7/a.log",
					      "/opt/gw/bin/hl7", "/tmp/xyz/..", "/usr/lib/x.so" };
	static const u32 accesses[] = { MEDGATE_ACCESS_READ,
					MEDGATE_ACCESS_WRITE | MEDGATE_ACCESS_APPEND,
					MEDGATE_ACCESS_APPEND, MEDGATE_ACCESS_EXEC,
					MEDGATE_ACCESS_MMAP_EXEC, MEDGATE_ACCESS_ALL };
	char paths[MAX_PATHS][256];
	size_t n = 0, i, k, a;
	u32 p;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		add_path(paths, &n, fixed[i], strlen(fixed[i]), false);
	/* The blob's own patterns, as written and with wildcards replaced: deep walks. */
	for (i = 0; i < v->hdr->n_rules && i < 6; i++) {
		const char *s = v->strtab + v->rules[i].pattern_off;

		add_path(paths, &n, s, strlen(s), false);
		add_path(paths, &n, s, strlen(s), true);
	}
	for (i = 0; i < v->hdr->n_attach && i < 2; i++) {
		const char *s = v->strtab + v->attach[i].pattern_off;

		add_path(paths, &n, s, strlen(s), true);
	}
	/* And some bytes of the input itself. */
	for (i = 0; i + 1 < size && n < MAX_PATHS; i += 97)
		add_path(paths, &n, (const char *)data + i, size - i < 40 ? size - i : 40, false);

	for (k = 0; k < n; k++) {
		const struct medgate_blob_profile *att = medgate_match_attach(v, paths[k]);

		check(!att || (att >= v->profiles && att < v->profiles + v->hdr->n_profiles &&
			       att->n_attach > 0));
		for (p = 0; p < v->hdr->n_profiles && p < MAX_PROFILES; p++) {
			const struct medgate_blob_profile *prof = &v->profiles[p];

			for (a = 0; a < sizeof(accesses) / sizeof(accesses[0]); a++) {
				struct medgate_match m;

				medgate_match_file(v, prof, paths[k], accesses[a], &m);
				if (m.rule == MEDGATE_RULE_NONE) {
					check(!m.explicit_deny && !m.file && !m.line);
					continue;
				}
				check(m.rule >= prof->first_rule &&
				      m.rule - prof->first_rule < prof->n_rules);
				check(m.allowed != m.explicit_deny);
				check(m.file != NULL && m.line == v->rules[m.rule].line);
			}
		}
	}
}

/* Network requests: each rule's own address and port ends, and some bytes of the input. */
static void exercise_net(const struct medgate_blob_view *v, const uint8_t *data, size_t size)
{
	struct medgate_net_request q[MAX_PATHS];
	size_t n = 0, i, k;
	u32 p;

	memset(q, 0, sizeof(q));
	for (i = 0; i < v->n_net && n + 2 <= MAX_PATHS; i++) {
		const struct medgate_blob_net *r = &v->net[i];

		q[n].trie = r->trie;
		memcpy(q[n].addr, r->addr, sizeof(q[n].addr));
		q[n].port = r->port_lo;
		q[n + 1] = q[n];
		q[n + 1].addr[15] ^= 0xff;
		q[n + 1].port = r->port_hi;
		n += 2;
	}
	for (i = 0; i + 24 <= size && n < MAX_PATHS; i += 61, n++) {
		q[n].trie = data[i] % (__MEDGATE_NET_TRIE_MAX + 1);
		memcpy(q[n].addr, data + i + 1, 16);
		q[n].port = (u16)(data[i + 17] | data[i + 18] << 8);
		q[n].family = data[i + 19] % (__MEDGATE_NET_FAMILY_MAX + 1);
		q[n].type = data[i + 20] % (__MEDGATE_NET_TYPE_MAX + 1);
		q[n].proto = data[i + 21] % (__MEDGATE_NET_PROTO_MAX + 1);
	}
	for (k = 0; k < n; k++) {
		for (p = 0; p < v->hdr->n_profiles && p < MAX_PROFILES; p++) {
			const struct medgate_blob_profile *prof = &v->profiles[p];
			u32 op;

			for (op = MEDGATE_OP_NET_CONNECT; op <= MEDGATE_OP_NET_CREATE + 1; op++) {
				struct medgate_match m;
				u32 idx;

				q[k].op = op;
				medgate_match_net(v, prof, &q[k], &m);
				if (m.rule == MEDGATE_RULE_NONE) {
					check(!m.allowed && !m.explicit_deny && !m.file && !m.line);
					continue;
				}
				idx = m.rule - v->hdr->n_rules - v->hdr->n_classes;
				check(idx >= prof->first_net && idx - prof->first_net < prof->n_net);
				check(m.allowed != m.explicit_deny);
				check(m.file != NULL && m.line == v->net[idx].line);
				check(m.explicit_deny == !!(v->net[idx].flags & MEDGATE_RULE_F_DENY));
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t hdr = sizeof(struct medgate_blob_header);
	struct medgate_blob_view v;
	const char *why = NULL;
	u8 *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!medgate_blob_validate(copy, size, &v, &why)) {
		exercise(&v, data, size);
		exercise_net(&v, data, size);
	} else
		check(why != NULL);
	if (size >= hdr) {
		medgate_sha256(copy + hdr, size - hdr, ((struct medgate_blob_header *)copy)->sha256);
		why = NULL;
		if (!medgate_blob_validate(copy, size, &v, &why)) {
			exercise(&v, data, size);
			exercise_net(&v, data, size);
		} else
			check(why != NULL);
	}
	free(copy);
	return 0;
}

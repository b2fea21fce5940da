// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"

struct strtab {
	char buf[65536];
	u32 len;
};

static u32 intern(struct strtab *t, const char *s)
{
	u32 off = 0;

	while (off < t->len) {
		if (!strcmp(t->buf + off, s))
			return off;
		off += strlen(t->buf + off) + 1;
	}
	off = t->len;
	memcpy(t->buf + off, s, strlen(s) + 1);
	t->len += strlen(s) + 1;
	return off;
}

static int by_id(const void *a, const void *b)
{
	u64 x = medgate_profile_id((*(const struct bb_profile *const *)a)->name);
	u64 y = medgate_profile_id((*(const struct bb_profile *const *)b)->name);

	return x < y ? -1 : x > y;
}

static size_t count_attach(const struct bb_profile *p)
{
	size_t n = 0;

	while (n < BB_MAX && p->attach[n])
		n++;
	return n;
}

static size_t count_rules(const struct bb_profile *p)
{
	size_t n = 0;

	while (n < BB_MAX && p->rules[n].path)
		n++;
	return n;
}

u8 *bb_build(const struct bb_profile *profiles, size_t n, size_t *len)
{
	const struct bb_profile *sorted[BB_MAX];
	struct medgate_blob_header h = { 0 };
	struct medgate_blob_profile *bp;
	struct medgate_blob_attach *ba;
	struct medgate_blob_rule *br;
	static struct strtab t;
	size_t i, j, na = 0, nr = 0;
	u8 *blob;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		sorted[i] = &profiles[i];
		na += count_attach(&profiles[i]);
		nr += count_rules(&profiles[i]);
	}
	qsort(sorted, n, sizeof(sorted[0]), by_id);

	bp = calloc(n + 1, sizeof(*bp));
	ba = calloc(na + 1, sizeof(*ba));
	br = calloc(nr + 1, sizeof(*br));
	na = nr = 0;
	for (i = 0; i < n; i++) {
		const struct bb_profile *p = sorted[i];

		bp[i].id = medgate_profile_id(p->name);
		bp[i].name_off = intern(&t, p->name);
		bp[i].mode = p->mode;
		bp[i].first_attach = na;
		bp[i].n_attach = count_attach(p);
		bp[i].first_rule = nr;
		bp[i].n_rules = count_rules(p);
		for (j = 0; j < bp[i].n_attach; j++)
			ba[na++].path_off = intern(&t, p->attach[j]);
		for (j = 0; j < bp[i].n_rules; j++) {
			const struct bb_rule *r = &p->rules[j];

			br[nr].path_off = intern(&t, r->path);
			br[nr].flags = r->flags;
			br[nr].access = r->access;
			br[nr].exec_mode = r->exec_mode;
			br[nr].target = r->target ? medgate_profile_id(r->target) : 0;
			br[nr].line = r->line;
			nr++;
		}
	}
	if (t.len == 0)
		t.len = 1;	/* the string table is never empty */

	h.magic = MEDGATE_BLOB_MAGIC;
	h.format = MEDGATE_BLOB_FORMAT;
	h.n_profiles = n;
	h.n_attach = na;
	h.n_rules = nr;
	h.strtab_len = t.len;
	*len = sizeof(h) + n * sizeof(*bp) + na * sizeof(*ba) + nr * sizeof(*br) + t.len;
	h.total_len = *len;

	blob = calloc(1, *len);
	memcpy(blob, &h, sizeof(h));
	i = sizeof(h);
	memcpy(blob + i, bp, n * sizeof(*bp));
	i += n * sizeof(*bp);
	memcpy(blob + i, ba, na * sizeof(*ba));
	i += na * sizeof(*ba);
	memcpy(blob + i, br, nr * sizeof(*br));
	i += nr * sizeof(*br);
	memcpy(blob + i, t.buf, t.len);
	free(bp);
	free(ba);
	free(br);
	bb_reseal(blob, *len);
	return blob;
}

void bb_reseal(u8 *blob, size_t len)
{
	struct medgate_blob_header *h = (void *)blob;

	medgate_sha256(blob + sizeof(*h), len - sizeof(*h), h->sha256);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Subset construction for glob patterns (see dfa.h).
 *
 * NFA. Pattern i with elements e_0..e_{k-1} (glob.h) owns the positions base_i .. base_i + k.
 * Position base_i + j means "e_0..e_{j-1} matched"; the last one is the accepting end. A one-byte
 * element at p moves to p + 1 on a byte of its set; a repeat element (* or **) stays at p, and
 * may also be skipped without consuming anything. Skipping only ever goes forward over repeat
 * elements, so the epsilon closure of p is the interval [p, pos_close[p]] and every DFA state is
 * kept as a sorted, closed set of positions.
 *
 * Byte classes. Bytes that every element set treats alike form a class; transitions are
 * computed per class and only turned into byte ranges at the end. Classes are numbered by their
 * smallest byte, so handling them in class order discovers successors in byte order, and the BFS
 * numbering of the states is the canonical one of docs/policy-blob.md.
 *
 * Successors of a state. Its positions are grouped by element set; a class's signature is the set
 * of groups whose elements accept it. Classes with the same signature lead to the same state, so
 * each distinct signature is computed once: a state holding a thousand '**' positions costs one
 * union, not one per class.
 *
 * Budgets. The number of states, transitions and accept entries is capped by the caller, the total
 * size of the position sets and the work of the construction by this file; hitting any of them
 * stops the build with -E2BIG and the patterns most present in the newest states.
 */
#include <stdlib.h>
#include <string.h>

#include "dfa.h"
#include "glob.h"

#define NONE		0xffffffffU
#define ARENA_MAX	(1U << 25)	/* positions in all state sets together: 128 MiB */
#define WORK_MAX	(1ULL << 30)	/* positions handled by the whole construction */
#define BLAME_WINDOW	256U		/* newest states looked at to name the culprits */

struct vec {
	u32 *v;
	size_t n, cap;
};

static int vreserve(struct vec *x, size_t need)
{
	size_t cap;
	u32 *nv;

	if (need <= x->cap)
		return 0;
	cap = x->cap ? x->cap : 64;
	while (cap < need)
		cap *= 2;
	nv = realloc(x->v, cap * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	x->v = nv;
	x->cap = cap;
	return 0;
}

static int vpush(struct vec *x, u32 val)
{
	if (x->n == x->cap && vreserve(x, x->n + 1))
		return -ENOMEM;
	x->v[x->n++] = val;
	return 0;
}

struct build {
	const char *const *pats;
	const u32 *tags;
	size_t n_pats;
	const struct mg_dfa_limits *lim;
	struct mg_dfa_fail *fail;

	/* NFA positions */
	size_t n_pos;
	u32 *pos_set;		/* set id of the element at p; NONE at a pattern's accepting end */
	u32 *pos_close;		/* closure of p: [p, pos_close[p]] */
	u32 *pos_pat;		/* owning pattern */
	u8 *pos_rep;		/* the element repeats (* or **) */

	/* distinct element sets */
	u8 (*sets)[32];
	size_t n_sets, cap_sets;
	u32 single[256];	/* set id of the one-byte set {b} */
	u32 *set_ix;		/* open-addressing index of the other sets */
	size_t set_ix_cap;

	/* byte classes */
	u8 cls_of[256];
	unsigned n_cls;
	u8 cls_min[256];	/* smallest byte of the class */
	u8 cls_show[256];	/* most readable byte of the class, for example paths */
	u32 *set_cls_first;	/* classes of set s: set_cls[set_cls_first[s] .. set_cls_first[s + 1]) */
	u8 *set_cls;

	/* DFA under construction */
	struct vec arena;	/* position sets of all states, back to back */
	struct vec st_off, st_len, st_hash, st_tr, st_acc, parent;
	struct vec tr_cls, tr_next, acc;
	u8 *via;
	size_t via_cap;
	u32 *ix;		/* open-addressing index of the states by position set */
	size_t ix_cap;
	u64 work;

	/* scratch of one expansion */
	u32 *d_of_set;		/* set id -> its group in the current state, or NONE */
	struct vec groups, g_first, g_n, tgt, ubuf, cbuf;
	u64 *sig;
	size_t sig_cap;
	u32 gstamp[512], gclass[512], gstate[512];
};

static int fail_with(struct build *b, enum mg_dfa_limit limit)
{
	if (b->fail && b->fail->limit == MG_DFA_OK)
		b->fail->limit = limit;
	return -E2BIG;
}

static u32 hash_words(const u32 *v, size_t n)
{
	u64 h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= v[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return (u32)h;
}

static u32 hash_bytes(const u8 *v, size_t n)
{
	u32 h = 2166136261U;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= v[i];
		h *= 16777619U;
	}
	return h;
}

/* ---- NFA ---- */

static unsigned set_bits(const u8 set[32], unsigned *first)
{
	unsigned i, bits = 0;

	*first = 0;
	for (i = 0; i < 32; i++) {
		if (set[i] && !bits)
			*first = i * 8 + (unsigned)__builtin_ctz(set[i]);
		bits += (unsigned)__builtin_popcount(set[i]);
	}
	return bits;
}

/* One-byte sets are found through single[]; the index holds the others. */
static int set_grow_index(struct build *b)
{
	size_t cap = b->set_ix_cap ? b->set_ix_cap * 2 : 64, i;
	u32 *ix = malloc(cap * sizeof(*ix));

	if (!ix)
		return -ENOMEM;
	memset(ix, 0xff, cap * sizeof(*ix));
	for (i = 0; i < b->n_sets; i++) {
		unsigned first;
		u32 slot;

		if (set_bits(b->sets[i], &first) == 1)
			continue;
		slot = hash_bytes(b->sets[i], 32) & (cap - 1);
		while (ix[slot] != NONE)
			slot = (slot + 1) & (cap - 1);
		ix[slot] = (u32)i;
	}
	free(b->set_ix);
	b->set_ix = ix;
	b->set_ix_cap = cap;
	return 0;
}

static int intern_set(struct build *b, const u8 set[32], u32 *id)
{
	unsigned first, bits = set_bits(set, &first);
	u32 slot;

	if (bits == 1 && b->single[first] != NONE) {
		*id = b->single[first];
		return 0;
	}
	if (bits != 1) {
		if ((b->n_sets + 1) * 2 > b->set_ix_cap && set_grow_index(b))
			return -ENOMEM;
		slot = hash_bytes(set, 32) & (b->set_ix_cap - 1);
		while (b->set_ix[slot] != NONE) {
			if (!memcmp(b->sets[b->set_ix[slot]], set, 32)) {
				*id = b->set_ix[slot];
				return 0;
			}
			slot = (slot + 1) & (b->set_ix_cap - 1);
		}
	}
	if (b->n_sets == b->cap_sets) {
		size_t cap = b->cap_sets ? b->cap_sets * 2 : 64;
		void *ns = realloc(b->sets, cap * sizeof(*b->sets));

		if (!ns)
			return -ENOMEM;
		b->sets = ns;
		b->cap_sets = cap;
	}
	memcpy(b->sets[b->n_sets], set, 32);
	*id = (u32)b->n_sets++;
	if (bits == 1) {
		b->single[first] = *id;
	} else {
		/* Re-probe: the index may have grown above. */
		slot = hash_bytes(set, 32) & (b->set_ix_cap - 1);
		while (b->set_ix[slot] != NONE)
			slot = (slot + 1) & (b->set_ix_cap - 1);
		b->set_ix[slot] = *id;
	}
	return 0;
}

static int build_nfa(struct build *b)
{
	struct mg_glob_elem *el = NULL;
	size_t i, total = 0, maxlen = 0;
	int err = -ENOMEM;

	for (i = 0; i < b->n_pats; i++) {
		size_t len = strlen(b->pats[i]);

		total += len + 1;
		if (len > maxlen)
			maxlen = len;
	}
	if (total >= NONE)
		return fail_with(b, MG_DFA_WORK);
	b->pos_set = malloc(total * sizeof(u32));
	b->pos_close = malloc(total * sizeof(u32));
	b->pos_pat = malloc(total * sizeof(u32));
	b->pos_rep = malloc(total);
	el = malloc((maxlen + 1) * sizeof(*el));
	if (!b->pos_set || !b->pos_close || !b->pos_pat || !b->pos_rep || !el)
		goto out;

	for (i = 0; i < b->n_pats; i++) {
		size_t n, j, base = b->n_pos;

		if (mg_glob_parse(b->pats[i], el, &n)) {
			err = -EINVAL;
			goto out;
		}
		for (j = 0; j < n; j++) {
			err = intern_set(b, el[j].set, &b->pos_set[base + j]);
			if (err)
				goto out;
			b->pos_rep[base + j] = el[j].repeat;
			b->pos_pat[base + j] = (u32)i;
		}
		b->pos_set[base + n] = NONE;
		b->pos_rep[base + n] = 0;
		b->pos_pat[base + n] = (u32)i;
		b->pos_close[base + n] = (u32)(base + n);
		for (j = n; j-- > 0;)
			b->pos_close[base + j] = el[j].repeat ? b->pos_close[base + j + 1]
							       : (u32)(base + j);
		b->n_pos = base + n + 1;
	}
	err = 0;
out:
	free(el);
	return err;
}

static int readable(unsigned x)
{
	if (x >= 'a' && x <= 'z')
		return 3;
	if (x >= '0' && x <= '9')
		return 2;
	return x > ' ' && x < 0x7f;
}

/* Refines "all bytes alike" by every element set; numbers the classes by their smallest byte. */
static int build_classes(struct build *b)
{
	u8 cls[256], next[256];
	short remap[512];
	size_t s, n = 0;
	unsigned c, x, k;

	memset(cls, 0, sizeof(cls));
	b->n_cls = 1;
	for (s = 0; s < b->n_sets; s++) {
		unsigned ncls = 0;

		for (k = 0; k < 512; k++)
			remap[k] = -1;
		for (x = 0; x < 256; x++) {
			unsigned key = cls[x] * 2U + (mg_glob_set_has(b->sets[s], x) ? 1U : 0U);

			if (remap[key] < 0)
				remap[key] = (short)ncls++;
			next[x] = (u8)remap[key];
		}
		memcpy(cls, next, sizeof(cls));
		b->n_cls = ncls;
	}
	memcpy(b->cls_of, cls, sizeof(cls));
	for (x = 256; x-- > 0;)
		b->cls_min[cls[x]] = (u8)x;
	for (c = 0; c < b->n_cls; c++)
		b->cls_show[c] = b->cls_min[c];
	/* Example paths read better with letters, then digits, then any printable byte. */
	for (x = 0; x < 256; x++)
		if (readable(x) > readable(b->cls_show[cls[x]]))
			b->cls_show[cls[x]] = (u8)x;

	b->set_cls_first = malloc((b->n_sets + 1) * sizeof(u32));
	if (!b->set_cls_first)
		return -ENOMEM;
	for (s = 0; s < b->n_sets; s++)
		for (c = 0; c < b->n_cls; c++)
			n += mg_glob_set_has(b->sets[s], b->cls_min[c]);
	b->set_cls = malloc(n ? n : 1);
	if (!b->set_cls)
		return -ENOMEM;
	for (s = 0, n = 0; s < b->n_sets; s++) {
		b->set_cls_first[s] = (u32)n;
		for (c = 0; c < b->n_cls; c++)
			if (mg_glob_set_has(b->sets[s], b->cls_min[c]))
				b->set_cls[n++] = (u8)c;
	}
	b->set_cls_first[b->n_sets] = (u32)n;
	return 0;
}

/* ---- states ---- */

static int ix_grow(struct build *b)
{
	size_t cap = b->ix_cap ? b->ix_cap * 2 : 1024, i;
	u32 *ix = malloc(cap * sizeof(*ix));

	if (!ix)
		return -ENOMEM;
	memset(ix, 0xff, cap * sizeof(*ix));
	for (i = 0; i < b->st_off.n; i++) {
		u32 slot = b->st_hash.v[i] & (cap - 1);

		while (ix[slot] != NONE)
			slot = (slot + 1) & (cap - 1);
		ix[slot] = (u32)i;
	}
	free(b->ix);
	b->ix = ix;
	b->ix_cap = cap;
	return 0;
}

/* The state whose position set is b->cbuf, created (as a child of @parent via byte @via) if new. */
static int state_get(struct build *b, u32 parent, u8 via, u32 *out)
{
	const u32 *set = b->cbuf.v;
	size_t n = b->cbuf.n, i;
	u32 h = hash_words(set, n), slot, id;

	if ((b->st_off.n + 1) * 2 > b->ix_cap && ix_grow(b))
		return -ENOMEM;
	slot = h & (b->ix_cap - 1);
	while ((id = b->ix[slot]) != NONE) {
		if (b->st_hash.v[id] == h && b->st_len.v[id] == n &&
		    !memcmp(b->arena.v + b->st_off.v[id], set, n * sizeof(*set))) {
			*out = id;
			return 0;
		}
		slot = (slot + 1) & (b->ix_cap - 1);
	}

	id = (u32)b->st_off.n;
	if (id >= b->lim->max_states)
		return fail_with(b, MG_DFA_STATES);
	if (b->arena.n + n > ARENA_MAX)
		return fail_with(b, MG_DFA_WORK);
	if (vreserve(&b->arena, b->arena.n + n) || vpush(&b->st_off, (u32)b->arena.n) ||
	    vpush(&b->st_len, (u32)n) || vpush(&b->st_hash, h) || vpush(&b->parent, parent) ||
	    vpush(&b->st_acc, (u32)b->acc.n))
		return -ENOMEM;
	if (b->via_cap <= id) {
		size_t cap = b->via_cap ? b->via_cap * 2 : 1024;
		u8 *nv = realloc(b->via, cap);

		if (!nv)
			return -ENOMEM;
		b->via = nv;
		b->via_cap = cap;
	}
	b->via[id] = via;
	memcpy(b->arena.v + b->arena.n, set, n * sizeof(*set));
	b->arena.n += n;
	/* Positions ascend with the pattern index, so the tags come out ascending too. */
	for (i = 0; i < n; i++)
		if (b->pos_set[set[i]] == NONE && vpush(&b->acc, b->tags[b->pos_pat[set[i]]]))
			return -ENOMEM;
	if (b->acc.n > b->lim->max_accept)
		return fail_with(b, MG_DFA_ACCEPT);
	b->ix[slot] = id;
	*out = id;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* b->ubuf (targets, sorted if @sorted) -> b->cbuf: sorted, unique, closed under the skips. */
static int close_targets(struct build *b, bool sorted)
{
	size_t i;
	u32 last = 0;
	bool have = false;

	if (!sorted)
		qsort(b->ubuf.v, b->ubuf.n, sizeof(u32), cmp_u32);
	b->cbuf.n = 0;
	for (i = 0; i < b->ubuf.n; i++) {
		u32 t = b->ubuf.v[i], lo = t, hi = b->pos_close[t], q;

		if (have && lo <= last)
			lo = last + 1;
		if (lo <= hi) {
			if (vreserve(&b->cbuf, b->cbuf.n + (hi - lo + 1)))
				return -ENOMEM;
			for (q = lo; q <= hi; q++)
				b->cbuf.v[b->cbuf.n++] = q;
		}
		if (!have || hi > last)
			last = hi;
		have = true;
	}
	b->work += b->ubuf.n + b->cbuf.n;
	if (b->work > WORK_MAX)
		return fail_with(b, MG_DFA_WORK);
	return 0;
}

static int expand(struct build *b, u32 st)
{
	size_t off = b->st_off.v[st], n = b->st_len.v[st], i, d, nd, words, total = 0;
	unsigned c;
	int err;

	if (vpush(&b->st_tr, (u32)b->tr_cls.n))
		return -ENOMEM;

	/* Group the positions by element set; each group's targets come out sorted. */
	b->groups.n = 0;
	for (i = 0; i < n; i++) {
		u32 s = b->pos_set[b->arena.v[off + i]];

		if (s == NONE)
			continue;
		if (b->d_of_set[s] == NONE) {
			b->d_of_set[s] = (u32)b->groups.n;
			if (vpush(&b->groups, s) || vreserve(&b->g_n, b->groups.n) ||
			    vreserve(&b->g_first, b->groups.n))
				return -ENOMEM;
			b->g_n.v[b->groups.n - 1] = 0;
		}
		b->g_n.v[b->d_of_set[s]]++;
		total++;
	}
	nd = b->groups.n;
	if (!nd)
		return 0;
	for (d = 0, i = 0; d < nd; d++) {
		b->g_first.v[d] = (u32)i;
		i += b->g_n.v[d];
		b->g_n.v[d] = 0;
	}
	if (vreserve(&b->tgt, total))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		u32 p = b->arena.v[off + i], s = b->pos_set[p];

		if (s == NONE)
			continue;
		d = b->d_of_set[s];
		b->tgt.v[b->g_first.v[d] + b->g_n.v[d]++] = b->pos_rep[p] ? p : p + 1;
	}
	for (d = 0; d < nd; d++)
		b->d_of_set[b->groups.v[d]] = NONE;

	/* Signature of each class: the groups that accept it. */
	words = (nd + 63) / 64;
	if (b->sig_cap < words * b->n_cls) {
		free(b->sig);
		b->sig_cap = words * b->n_cls;
		b->sig = malloc(b->sig_cap * sizeof(u64));
		if (!b->sig)
			return -ENOMEM;
	}
	memset(b->sig, 0, words * b->n_cls * sizeof(u64));
	for (d = 0; d < nd; d++) {
		u32 s = b->groups.v[d], k;

		for (k = b->set_cls_first[s]; k < b->set_cls_first[s + 1]; k++)
			b->sig[b->set_cls[k] * words + d / 64] |= 1ULL << (d % 64);
	}

	/* One successor per distinct signature, found at its smallest class (byte order). */
	for (c = 0; c < b->n_cls; c++) {
		const u64 *row = b->sig + c * words;
		u32 h = 2166136261U, slot, next;
		size_t w, parts = 0;
		bool any = false;

		for (w = 0; w < words; w++) {
			any |= row[w] != 0;
			h = (h ^ (u32)row[w] ^ (u32)(row[w] >> 32)) * 16777619U;
		}
		if (!any)
			continue;
		slot = h & 511;
		while (b->gstamp[slot] == st + 1 &&
		       memcmp(b->sig + b->gclass[slot] * words, row, words * sizeof(u64)))
			slot = (slot + 1) & 511;
		if (b->gstamp[slot] == st + 1) {
			next = b->gstate[slot];
		} else {
			b->ubuf.n = 0;
			for (w = 0; w < words; w++) {
				u64 bits = row[w];

				while (bits) {
					size_t dd = w * 64 + (size_t)__builtin_ctzll(bits);
					u32 cnt = b->g_n.v[dd];

					bits &= bits - 1;
					if (vreserve(&b->ubuf, b->ubuf.n + cnt))
						return -ENOMEM;
					memcpy(b->ubuf.v + b->ubuf.n, b->tgt.v + b->g_first.v[dd],
					       cnt * sizeof(u32));
					b->ubuf.n += cnt;
					parts++;
				}
			}
			err = close_targets(b, parts == 1);
			if (!err)
				err = state_get(b, st, b->cls_show[c], &next);
			if (err)
				return err;
			b->gstamp[slot] = st + 1;
			b->gclass[slot] = c;
			b->gstate[slot] = next;
		}
		if (vpush(&b->tr_cls, c) || vpush(&b->tr_next, next))
			return -ENOMEM;
	}
	return 0;
}

/* ---- output ---- */

static int emit(struct build *b, struct mg_dfa *out)
{
	size_t ns = b->st_off.n, i, cap = ns * 2 + 16;
	u32 map[256];
	unsigned x;

	out->states = calloc(ns, sizeof(*out->states));
	out->trans = malloc(cap * sizeof(*out->trans));
	if (!out->states || !out->trans)
		return -ENOMEM;
	for (x = 0; x < 256; x++)
		map[x] = NONE;
	for (i = 0; i < ns; i++) {
		struct medgate_blob_state *s = &out->states[i];
		size_t k, end = i + 1 < ns ? b->st_tr.v[i + 1] : b->tr_cls.n;

		s->first_trans = out->n_trans;
		for (k = b->st_tr.v[i]; k < end; k++)
			map[b->tr_cls.v[k]] = b->tr_next.v[k];
		for (x = 0; x < 256; x++) {
			u32 t = map[b->cls_of[x]];
			unsigned lo = x;

			if (t == NONE)
				continue;
			while (x + 1 < 256 && map[b->cls_of[x + 1]] == t)
				x++;
			if (out->n_trans >= b->lim->max_trans)
				return fail_with(b, MG_DFA_TRANS);
			if (out->n_trans == cap) {
				void *nt = realloc(out->trans, cap * 2 * sizeof(*out->trans));

				if (!nt)
					return -ENOMEM;
				out->trans = nt;
				cap *= 2;
			}
			out->trans[out->n_trans++] = (struct medgate_blob_trans){
				.lo = (u8)lo, .hi = (u8)x, .next = t };
		}
		for (k = b->st_tr.v[i]; k < end; k++)
			map[b->tr_cls.v[k]] = NONE;
		s->n_trans = out->n_trans - s->first_trans;
		s->first_accept = b->st_acc.v[i];
		s->n_accept = (u32)((i + 1 < ns ? b->st_acc.v[i + 1] : b->acc.n) - s->first_accept);
	}
	out->n_states = (u32)ns;
	out->n_accept = (u32)b->acc.n;
	out->accept = b->acc.v;
	b->acc.v = NULL;
	out->parent = b->parent.v;
	b->parent.v = NULL;
	out->via = b->via;
	b->via = NULL;
	return 0;
}

/* The patterns most present in the newest states, glob patterns first. */
static void blame(struct build *b)
{
	size_t ns = b->st_off.n, from = ns > BLAME_WINDOW ? ns - BLAME_WINDOW : 0, i, k;
	u32 *count = calloc(b->n_pats, sizeof(u32)), *seen = calloc(b->n_pats, sizeof(u32));
	struct mg_dfa_fail *f = b->fail;

	f->positions = b->n_pos;
	if (!count || !seen)
		goto out;
	for (i = from; i < ns; i++) {
		const u32 *set = b->arena.v + b->st_off.v[i];

		for (k = 0; k < b->st_len.v[i]; k++) {
			u32 pat = b->pos_pat[set[k]];

			if (seen[pat] != i + 1) {
				seen[pat] = (u32)(i + 1);
				count[pat]++;
			}
		}
	}
	f->n_blame = 0;
	while (f->n_blame < MG_DFA_BLAME) {
		size_t best = NONE;

		for (k = 0; k < b->n_pats; k++) {
			bool g, bg;

			if (!count[k])
				continue;
			if (best == NONE) {
				best = k;
				continue;
			}
			g = mg_glob_has_magic(b->pats[k]);
			bg = mg_glob_has_magic(b->pats[best]);
			if ((g && !bg) || (g == bg && count[k] > count[best]))
				best = k;
		}
		if (best == NONE)
			break;
		f->blame[f->n_blame++] = best;
		count[best] = 0;
	}
out:
	free(count);
	free(seen);
}

static void build_free(struct build *b)
{
	free(b->pos_set);
	free(b->pos_close);
	free(b->pos_pat);
	free(b->pos_rep);
	free(b->sets);
	free(b->set_ix);
	free(b->set_cls_first);
	free(b->set_cls);
	free(b->arena.v);
	free(b->st_off.v);
	free(b->st_len.v);
	free(b->st_hash.v);
	free(b->st_tr.v);
	free(b->st_acc.v);
	free(b->parent.v);
	free(b->tr_cls.v);
	free(b->tr_next.v);
	free(b->acc.v);
	free(b->via);
	free(b->ix);
	free(b->d_of_set);
	free(b->groups.v);
	free(b->g_first.v);
	free(b->g_n.v);
	free(b->tgt.v);
	free(b->ubuf.v);
	free(b->cbuf.v);
	free(b->sig);
}

int mg_dfa_build(const char *const *patterns, const u32 *tags, size_t n,
		 const struct mg_dfa_limits *lim, struct mg_dfa *out, struct mg_dfa_fail *fail)
{
	struct mg_dfa_fail dummy;
	struct build b;
	size_t i;
	u32 start;
	int err;

	memset(out, 0, sizeof(*out));
	if (!fail)
		fail = &dummy;
	memset(fail, 0, sizeof(*fail));
	memset(&b, 0, sizeof(b));
	b.pats = patterns;
	b.tags = tags;
	b.n_pats = n;
	b.lim = lim;
	b.fail = fail;
	memset(b.single, 0xff, sizeof(b.single));

	err = build_nfa(&b);
	if (!err)
		err = build_classes(&b);
	if (err)
		goto out;
	err = -ENOMEM;
	b.d_of_set = malloc((b.n_sets ? b.n_sets : 1) * sizeof(u32));
	if (!b.d_of_set)
		goto out;
	memset(b.d_of_set, 0xff, (b.n_sets ? b.n_sets : 1) * sizeof(u32));

	/* Start state: every pattern at its beginning. */
	b.ubuf.n = 0;
	for (i = 0; i < b.n_pos; i++)
		if (i == 0 || b.pos_set[i - 1] == NONE)
			if ((err = vpush(&b.ubuf, (u32)i)))
				goto out;
	err = close_targets(&b, true);
	if (!err)
		err = state_get(&b, 0, 0, &start);
	for (i = 0; !err && i < b.st_off.n; i++)
		err = expand(&b, (u32)i);
	if (!err)
		err = emit(&b, out);
out:
	if (err == -E2BIG)
		blame(&b);
	if (err)
		mg_dfa_free(out);
	build_free(&b);
	return err;
}

void mg_dfa_free(struct mg_dfa *d)
{
	free(d->states);
	free(d->trans);
	free(d->accept);
	free(d->parent);
	free(d->via);
	memset(d, 0, sizeof(*d));
}

void mg_dfa_example(const struct mg_dfa *d, u32 state, char *buf, size_t len)
{
	size_t depth = 0, i;
	u32 s;

	if (!len)
		return;
	for (s = state; s != 0; s = d->parent[s])
		depth++;
	/* Keep the beginning of a path too long for @buf: skip its last bytes. */
	for (s = state, i = depth; s != 0; s = d->parent[s]) {
		i--;
		if (i < len - 1)
			buf[i] = (char)d->via[s];
	}
	buf[depth < len - 1 ? depth : len - 1] = '\0';
}

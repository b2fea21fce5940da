// SPDX-License-Identifier: GPL-2.0
/*
 * A profile's network rules to the blob's tries (docs/policy-blob.md, "Network rules").
 *
 * Each rule is put on the node of its prefix in the trie of its address family; a rule without
 * an address goes on the IPv4 and IPv6 roots and, when it names no port either, on the node that
 * decides requests without an address. Nodes are made as the insertions reach them, so a child
 * always comes after its parent, as the validator demands. Then each node's rules are cut into
 * port segments by a sweep over the interval ends: between two consecutive ends the set of rules
 * covering the ports does not change, and that set (its deny rules, then its allow rules, each
 * ascending) is the segment's accept list. Neighbouring segments with the same lists are merged.
 */
#include <stdlib.h>

#include "internal.h"

/* The rules sitting on one node while the tries are built. */
struct node_rules {
	u32 *idx;
	size_t n, cap;
};

struct builder {
	struct mg_net_tables *t;
	struct node_rules *at;		/* per node */
	size_t cap_at;
};

static int new_node(struct builder *b, u16 depth, u32 *out)
{
	struct mg_net_tables *t = b->t;
	struct medgate_blob_net_node *nd;

	if (t->n_nodes >= MEDGATE_MAX_NET_NODES)
		return -E2BIG;
	if (mg_grow((void **)&t->nodes, &t->cap_nodes, t->n_nodes + 1, sizeof(*t->nodes)) ||
	    mg_grow((void **)&b->at, &b->cap_at, t->n_nodes + 1, sizeof(*b->at)))
		return -ENOMEM;
	nd = &t->nodes[t->n_nodes];
	memset(nd, 0, sizeof(*nd));
	nd->child[0] = nd->child[1] = MEDGATE_NET_NONE;
	nd->depth = depth;
	memset(&b->at[t->n_nodes], 0, sizeof(b->at[0]));
	*out = (u32)t->n_nodes++;
	return 0;
}

static int put(struct builder *b, u32 node, u32 rule)
{
	struct node_rules *nr = &b->at[node];

	if (mg_grow((void **)&nr->idx, &nr->cap, nr->n + 1, sizeof(*nr->idx)))
		return -ENOMEM;
	nr->idx[nr->n++] = rule;
	return 0;
}

/* Puts @rule on the node of its prefix in trie @trie, making the nodes on the way. */
static int insert(struct builder *b, u32 trie, const struct mg_net_rule *r, u32 rule)
{
	struct mg_net_tables *t = b->t;
	u32 n, i;
	int err;

	if (t->root[trie] == MEDGATE_NET_NONE && (err = new_node(b, 0, &t->root[trie])))
		return err;
	n = t->root[trie];
	for (i = 0; i < r->prefix_len; i++) {
		unsigned bit = !!(r->addr[i / 8] & (0x80 >> (i % 8)));
		u32 c = t->nodes[n].child[bit];

		if (c == MEDGATE_NET_NONE) {
			if ((err = new_node(b, (u16)(i + 1), &c)))
				return err;
			t->nodes[n].child[bit] = c;
		}
		n = c;
	}
	return put(b, n, rule);
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

struct by_lo {
	u32 lo, idx;
};

static int cmp_by_lo(const void *a, const void *b)
{
	const struct by_lo *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Inserts @idx into the ascending @run of *@n entries. */
static void run_insert(u32 *run, size_t *n, u32 idx)
{
	size_t lo = 0, hi = *n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (run[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(run + lo + 1, run + lo, (*n - lo) * sizeof(*run));
	run[lo] = idx;
	(*n)++;
}

/* Drops the rules of @run whose ports end before @port. */
static void run_expire(const struct mg_net_rule *rules, u32 *run, size_t *n, u32 port)
{
	size_t i, k;

	for (i = 0, k = 0; i < *n; i++)
		if (rules[run[i]].port_hi >= port)
			run[k++] = run[i];
	*n = k;
}

static int put_seg(struct mg_net_tables *t, struct medgate_blob_net_node *nd, u32 lo, u32 hi,
		   const u32 *deny, size_t n_deny, const u32 *allow, size_t n_allow)
{
	struct medgate_blob_net_seg *prev = nd->n_seg ? &t->segs[t->n_segs - 1] : NULL;
	size_t n = n_deny + n_allow;

	if (prev && prev->hi + 1U == lo && prev->n_deny == n_deny && prev->n_allow == n_allow &&
	    !memcmp(&t->accept[prev->first_accept], deny, n_deny * sizeof(*deny)) &&
	    !memcmp(&t->accept[prev->first_accept + n_deny], allow, n_allow * sizeof(*allow))) {
		prev->hi = (u16)hi;
		return 0;
	}
	if (t->n_segs >= MEDGATE_MAX_NET_SEGS || t->n_accept + n > MEDGATE_MAX_ACCEPT)
		return -E2BIG;
	if (mg_grow((void **)&t->segs, &t->cap_segs, t->n_segs + 1, sizeof(*t->segs)) ||
	    mg_grow((void **)&t->accept, &t->cap_accept, t->n_accept + n, sizeof(*t->accept)))
		return -ENOMEM;
	t->segs[t->n_segs].lo = (u16)lo;
	t->segs[t->n_segs].hi = (u16)hi;
	t->segs[t->n_segs].first_accept = (u32)t->n_accept;
	t->segs[t->n_segs].n_deny = (u32)n_deny;
	t->segs[t->n_segs].n_allow = (u32)n_allow;
	memcpy(&t->accept[t->n_accept], deny, n_deny * sizeof(*deny));
	memcpy(&t->accept[t->n_accept + n_deny], allow, n_allow * sizeof(*allow));
	t->n_accept += n;
	t->n_segs++;
	nd->n_seg++;
	return 0;
}

/*
 * The port segments of one node, from the rules on it: a sweep over the interval ends in port
 * order that keeps the covering deny and allow rules in two ascending runs. Its cost is that of
 * the sort plus the entries it writes.
 */
static int cut(struct mg_net_tables *t, const struct mg_net_rule *rules, const struct node_rules *nr,
	       struct medgate_blob_net_node *nd)
{
	struct by_lo *byl = NULL;
	u32 *ends = NULL, *deny = NULL, *allow = NULL;
	size_t n_ends = 0, n_deny = 0, n_allow = 0, next = 0, i, k, e;
	int err = -ENOMEM;

	nd->first_seg = (u32)t->n_segs;
	nd->n_seg = 0;
	if (!nr->n)
		return 0;
	/* Where the covering set may change: every lo and every hi + 1 (up to 65536). */
	ends = calloc(2 * nr->n, sizeof(*ends));
	byl = calloc(nr->n, sizeof(*byl));
	deny = calloc(nr->n, sizeof(*deny));
	allow = calloc(nr->n, sizeof(*allow));
	if (!ends || !byl || !deny || !allow)
		goto out;
	for (i = 0; i < nr->n; i++) {
		const struct mg_net_rule *r = &rules[nr->idx[i]];

		ends[n_ends++] = r->port_lo;
		ends[n_ends++] = (u32)r->port_hi + 1;
		byl[i].lo = r->port_lo;
		byl[i].idx = nr->idx[i];
	}
	qsort(ends, n_ends, sizeof(*ends), cmp_u32);
	qsort(byl, nr->n, sizeof(*byl), cmp_by_lo);
	for (i = 1, k = 1; i < n_ends; i++)
		if (ends[i] != ends[k - 1])
			ends[k++] = ends[i];
	n_ends = k;

	for (e = 0; e + 1 < n_ends; e++) {
		u32 lo = ends[e], hi = ends[e + 1] - 1;

		run_expire(rules, deny, &n_deny, lo);
		run_expire(rules, allow, &n_allow, lo);
		for (; next < nr->n && byl[next].lo == lo; next++) {
			if (rules[byl[next].idx].flags & MEDGATE_RULE_F_DENY)
				run_insert(deny, &n_deny, byl[next].idx);
			else
				run_insert(allow, &n_allow, byl[next].idx);
		}
		if (!n_deny && !n_allow)
			continue;
		err = put_seg(t, nd, lo, hi, deny, n_deny, allow, n_allow);
		if (err)
			goto out;
	}
	err = 0;
out:
	free(ends);
	free(byl);
	free(deny);
	free(allow);
	return err;
}

/**
 * mg_net_build() - the tries of one profile's network rules.
 * @rules: the rules, in source order (their index is their number inside the profile).
 * @n: their number.
 * @t: filled; free with mg_net_tables_free() whatever the result.
 *
 * Return: 0, -E2BIG (a table limit), -ENOMEM.
 */
int mg_net_build(const struct mg_net_rule *rules, size_t n, struct mg_net_tables *t)
{
	struct builder b = { t, NULL, 0 };
	size_t i, k;
	int err = 0;

	memset(t, 0, sizeof(*t));
	for (k = 0; k < __MEDGATE_NET_TRIE_MAX; k++)
		t->root[k] = MEDGATE_NET_NONE;
	for (i = 0; i < n && !err; i++) {
		const struct mg_net_rule *r = &rules[i];

		if (r->trie != MEDGATE_NET_TRIE_NOADDR) {
			err = insert(&b, r->trie, r, (u32)i);
			continue;
		}
		err = insert(&b, MEDGATE_NET_TRIE_INET, r, (u32)i);
		if (!err)
			err = insert(&b, MEDGATE_NET_TRIE_INET6, r, (u32)i);
		if (!err && r->port_lo == 0 && r->port_hi == 0xffff)
			err = insert(&b, MEDGATE_NET_TRIE_NOADDR, r, (u32)i);
	}
	for (i = 0; i < t->n_nodes && !err; i++)
		err = cut(t, rules, &b.at[i], &t->nodes[i]);
	for (i = 0; i < t->n_nodes; i++)
		free(b.at[i].idx);
	free(b.at);
	return err;
}

void mg_net_tables_free(struct mg_net_tables *t)
{
	free(t->nodes);
	free(t->segs);
	free(t->accept);
	memset(t, 0, sizeof(*t));
}

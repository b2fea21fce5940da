// SPDX-License-Identifier: GPL-2.0
/*
 * Deciding a socket operation by a profile's network rules (docs/policy-blob.md, "Network
 * rules").
 *
 * The walk goes down the profile's trie for the request's address, one address bit per level,
 * and at every node on the way finds the port segment holding the request's port by binary
 * search; the rules listed there are those whose prefix covers the address and whose port
 * interval covers the port, deny rules and allow rules in two ascending runs. Of those, the ones
 * that also cover the operation, family, type and protocol decide: the lowest-numbered deny
 * refuses, else the lowest-numbered allow allows, so each run is read only up to its first such
 * rule. Cost: at most 33 (IPv4) or 129 (IPv6) nodes, log(segments) each, plus the entries skipped
 * because they name another operation, family, type or protocol, whatever the number of rules. No recursion, no allocation: it runs in an RCU read section.
 */
#include "netmatch.h"

static bool covers(const struct medgate_blob_net *r, const struct medgate_net_request *req)
{
	return (r->ops & (1U << (req->op - MEDGATE_OP_NET_CONNECT))) &&
	       (r->families & (1U << req->family)) && (r->types & (1U << req->type)) &&
	       (r->protos & (1U << req->proto));
}

/* The segment of node @n holding @port, or NULL. */
static const struct medgate_blob_net_seg *find_seg(const struct medgate_blob_view *v,
						   const struct medgate_blob_net_node *n, u16 port)
{
	const struct medgate_blob_net_seg *s = &v->segs[n->first_seg];
	u32 lo = 0, hi = n->n_seg;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (port < s[mid].lo)
			hi = mid;
		else if (port > s[mid].hi)
			lo = mid + 1;
		else
			return &s[mid];
	}
	return NULL;
}

static bool addr_bit(const u8 *addr, u32 i)
{
	return addr[i / 8] & (0x80 >> (i % 8));
}

/**
 * medgate_match_net() - decide @req for profile @p.
 * @v: the validated blob.
 * @p: a profile of @v.
 * @req: the request; values outside the enums match no rule.
 * @m: the outcome; @m->rule numbers network rules after file and class rules.
 */
void medgate_match_net(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
		       const struct medgate_net_request *req, struct medgate_match *m)
{
	u32 deny = MEDGATE_NET_NONE, allow = MEDGATE_NET_NONE, best, n, depth, bits;

	memset(m, 0, sizeof(*m));
	m->rule = MEDGATE_RULE_NONE;
	if (req->op < MEDGATE_OP_NET_CONNECT || req->op > MEDGATE_OP_NET_CREATE ||
	    req->family >= __MEDGATE_NET_FAMILY_MAX || req->type >= __MEDGATE_NET_TYPE_MAX ||
	    req->proto >= __MEDGATE_NET_PROTO_MAX || req->trie >= __MEDGATE_NET_TRIE_MAX)
		return;
	bits = req->trie == MEDGATE_NET_TRIE_INET ? 32 : req->trie == MEDGATE_NET_TRIE_INET6 ? 128 : 0;
	n = p->net_root[req->trie];
	for (depth = 0; n != MEDGATE_NET_NONE; depth++) {
		const struct medgate_blob_net_node *nd = &v->nodes[n];
		const struct medgate_blob_net_seg *s = find_seg(v, nd, req->port);
		u32 k;

		/* Each run ascends: its first covering rule is its lowest. */
		for (k = 0; s && k < s->n_deny; k++) {
			u32 idx = v->accept[s->first_accept + k];

			if (covers(&v->net[idx], req)) {
				if (idx < deny)
					deny = idx;
				break;
			}
		}
		for (k = 0; s && k < s->n_allow; k++) {
			u32 idx = v->accept[s->first_accept + s->n_deny + k];

			if (covers(&v->net[idx], req)) {
				if (idx < allow)
					allow = idx;
				break;
			}
		}
		if (depth >= bits)
			break;
		n = nd->child[addr_bit(req->addr, depth)];
	}
	best = deny != MEDGATE_NET_NONE ? deny : allow;
	if (best == MEDGATE_NET_NONE)
		return;
	m->explicit_deny = deny != MEDGATE_NET_NONE;
	m->allowed = !m->explicit_deny;
	m->rule = v->hdr->n_rules + v->hdr->n_classes + best;
	m->line = v->net[best].line;
	m->file = v->strtab + v->net[best].file_off;
}

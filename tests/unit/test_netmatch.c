// SPDX-License-Identifier: GPL-2.0
/*
 * The network rule lookup (kmod/netmatch.c) and its tables (user/lib/netcompile.c, the
 * validator in kmod/blob.c): hand-made cases, a randomized cross-check against a linear
 * reference matcher, and one malformed blob per validator reason of the network tables.
 *
 * The policy language has no network statement yet, so the rules are put into a parsed profile
 * through the compiler's internal structure and the real compiler emits the blob.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"
#include "internal.h"
#include "netmatch.h"
#include "kselftest_harness.h"

#define OPS_ALL		MEDGATE_NET_OPS_ALL
#define OP_BIT(op)	(1U << ((op) - MEDGATE_OP_NET_CONNECT))

/* Profile "a" (one file rule, so network rules are numbered from 1 + n_net of "b") and "b". */
static const char base_text[] = "profile a {\n    file /etc/hosts r\n}\nprofile b {\n}\n";

static struct mg_profile *find(struct mg_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n_profiles; i++)
		if (!strcmp(p->profiles[i]->name, name))
			return p->profiles[i];
	return NULL;
}

static int put_rules(struct mg_profile *prof, const struct mg_net_rule *r, size_t n)
{
	if (!n)
		return 0;
	prof->net = calloc(n, sizeof(*r));
	if (!prof->net)
		return -ENOMEM;
	memcpy(prof->net, r, n * sizeof(*r));
	prof->n_net = prof->cap_net = n;
	return 0;
}

/* The blob of base_text with @ra as profile a's network rules and @rb as b's. */
static int build(const struct mg_net_rule *ra, size_t na, const struct mg_net_rule *rb, size_t nb,
		 u8 **blob, size_t *len)
{
	struct mg_diags d = { 0 };
	struct mg_policy *p;
	void *out = NULL;
	int err;

	if (mg_policy_new(&p))
		return -ENOMEM;
	err = mg_policy_add_text(p, base_text, strlen(base_text), "test.policy");
	if (!err)
		err = put_rules(find(p, "a"), ra, na);
	if (!err)
		err = put_rules(find(p, "b"), rb, nb);
	if (!err)
		err = mg_policy_build(p, &out, len, &d);
	if (err && d.n) {
		char msg[512];

		mg_diag_format(&d.v[0], msg, sizeof(msg));
		printf("# %s\n", msg);
	}
	mg_diags_free(&d);
	mg_policy_free(p);
	*blob = out;
	return err;
}

static const struct medgate_blob_profile *profile(const struct medgate_blob_view *v,
						  const char *name)
{
	return medgate_blob_find_profile(v, medgate_profile_id(name));
}

static struct mg_net_rule rule4(u32 flags, u32 ops, const char *a, u8 len, u16 lo, u16 hi,
				unsigned line)
{
	struct mg_net_rule r = { .flags = flags, .ops = ops,
				 .families = MEDGATE_NET_FAMILIES_ALL, .types = MEDGATE_NET_TYPES_ALL,
				 .protos = MEDGATE_NET_PROTOS_ALL, .trie = MEDGATE_NET_TRIE_INET,
				 .prefix_len = len, .port_lo = lo, .port_hi = hi };
	unsigned b[4];

	sscanf(a, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]);
	r.addr[0] = b[0];
	r.addr[1] = b[1];
	r.addr[2] = b[2];
	r.addr[3] = b[3];
	r.loc.line = line;
	return r;
}

static struct medgate_net_request req4(u32 op, const char *a, u16 port)
{
	struct medgate_net_request q = { .op = op, .family = MEDGATE_NET_FAMILY_INET,
					 .type = MEDGATE_NET_TYPE_STREAM,
					 .proto = MEDGATE_NET_PROTO_TCP, .trie = MEDGATE_NET_TRIE_INET,
					 .port = port };
	unsigned b[4];

	sscanf(a, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]);
	q.addr[0] = b[0];
	q.addr[1] = b[1];
	q.addr[2] = b[2];
	q.addr[3] = b[3];
	return q;
}

/* Allow 10.0.0.0/8 port 443, deny 10.1.0.0/16 any port, allow 192.168.1.0/24 ports 1000-2000. */
static const struct mg_net_rule *gateway(size_t *n)
{
	static struct mg_net_rule r[3];

	r[0] = rule4(0, OP_BIT(MEDGATE_OP_NET_CONNECT), "10.0.0.0", 8, 443, 443, 3);
	r[1] = rule4(MEDGATE_RULE_F_DENY, OPS_ALL, "10.1.0.0", 16, 0, 0xffff, 4);
	r[2] = rule4(0, OP_BIT(MEDGATE_OP_NET_CONNECT) | OP_BIT(MEDGATE_OP_NET_SEND),
		     "192.168.1.0", 24, 1000, 2000, 5);
	*n = 3;
	return r;
}

TEST(cidr_port_and_deny_decide_with_the_rule_named)
{
	struct medgate_blob_view v;
	const struct medgate_blob_profile *a, *b;
	struct medgate_net_request q;
	struct medgate_match m;
	const char *why = NULL;
	size_t n, len;
	u8 *blob;
	u32 base;

	const struct mg_net_rule *r = gateway(&n);

	ASSERT_EQ(0, build(r, n, NULL, 0, &blob, &len));
	ASSERT_EQ(0, medgate_blob_validate(blob, len, &v, &why)) TH_LOG("%s", why);
	a = profile(&v, "a");
	b = profile(&v, "b");
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	base = v.hdr->n_rules + v.hdr->n_classes + a->first_net;

	q = req4(MEDGATE_OP_NET_CONNECT, "10.2.3.4", 443);
	medgate_match_net(&v, a, &q, &m);
	EXPECT_TRUE(m.allowed);
	EXPECT_EQ(base + 0, m.rule);
	EXPECT_EQ(3, m.line);
	EXPECT_STREQ("test.policy", m.file);

	/* Inside the allowed /8 but in the denied /16: the deny, written later, still wins. */
	q = req4(MEDGATE_OP_NET_CONNECT, "10.1.0.9", 443);
	medgate_match_net(&v, a, &q, &m);
	EXPECT_FALSE(m.allowed);
	EXPECT_TRUE(m.explicit_deny);
	EXPECT_EQ(base + 1, m.rule);
	EXPECT_EQ(4, m.line);

	q = req4(MEDGATE_OP_NET_CONNECT, "10.2.3.4", 80);	/* wrong port */
	medgate_match_net(&v, a, &q, &m);
	EXPECT_FALSE(m.allowed);
	EXPECT_FALSE(m.explicit_deny);
	EXPECT_EQ(MEDGATE_RULE_NONE, m.rule);

	q = req4(MEDGATE_OP_NET_BIND, "10.2.3.4", 443);	/* wrong operation */
	medgate_match_net(&v, a, &q, &m);
	EXPECT_EQ(MEDGATE_RULE_NONE, m.rule);

	q = req4(MEDGATE_OP_NET_SEND, "192.168.1.77", 2000);	/* range end */
	medgate_match_net(&v, a, &q, &m);
	EXPECT_TRUE(m.allowed);
	EXPECT_EQ(base + 2, m.rule);
	q.port = 2001;
	medgate_match_net(&v, a, &q, &m);
	EXPECT_FALSE(m.allowed);
	q = req4(MEDGATE_OP_NET_SEND, "192.168.2.77", 1500);	/* outside the /24 */
	medgate_match_net(&v, a, &q, &m);
	EXPECT_FALSE(m.allowed);

	/* The same address over IPv6, and the other profile: no rule. */
	q = req4(MEDGATE_OP_NET_CONNECT, "10.2.3.4", 443);
	q.trie = MEDGATE_NET_TRIE_INET6;
	medgate_match_net(&v, a, &q, &m);
	EXPECT_EQ(MEDGATE_RULE_NONE, m.rule);
	q.trie = MEDGATE_NET_TRIE_INET;
	medgate_match_net(&v, b, &q, &m);
	EXPECT_EQ(MEDGATE_RULE_NONE, m.rule);

	/* Values outside the enums match nothing rather than reading past a mask. */
	q.family = 40;
	medgate_match_net(&v, a, &q, &m);
	EXPECT_EQ(MEDGATE_RULE_NONE, m.rule);
	free(blob);
}

TEST(a_rule_without_address_decides_create_only_without_ports)
{
	struct mg_net_rule r[2];
	struct medgate_blob_view v;
	struct medgate_net_request q = { .op = MEDGATE_OP_NET_CREATE,
					 .family = MEDGATE_NET_FAMILY_PACKET,
					 .type = MEDGATE_NET_TYPE_RAW,
					 .proto = MEDGATE_NET_PROTO_OTHER,
					 .trie = MEDGATE_NET_TRIE_NOADDR };
	struct medgate_match m;
	const char *why = NULL;
	size_t len;
	u8 *blob;

	r[0] = rule4(0, OPS_ALL, "0.0.0.0", 0, 53, 53, 7);	/* any address, port 53 */
	r[0].trie = MEDGATE_NET_TRIE_NOADDR;
	r[1] = r[0];
	r[1].port_lo = 0;
	r[1].port_hi = 0xffff;
	r[1].families = 1U << MEDGATE_NET_FAMILY_UNIX;
	r[1].loc.line = 8;
	ASSERT_EQ(0, build(r, 2, NULL, 0, &blob, &len));
	ASSERT_EQ(0, medgate_blob_validate(blob, len, &v, &why)) TH_LOG("%s", why);
	medgate_match_net(&v, profile(&v, "a"), &q, &m);
	EXPECT_EQ(MEDGATE_RULE_NONE, m.rule);	/* the port-53 rule needs an address */
	q.family = MEDGATE_NET_FAMILY_UNIX;
	medgate_match_net(&v, profile(&v, "a"), &q, &m);
	EXPECT_TRUE(m.allowed);
	EXPECT_EQ(8, m.line);
	q = req4(MEDGATE_OP_NET_SEND, "8.8.8.8", 53);
	q.trie = MEDGATE_NET_TRIE_INET6;
	medgate_match_net(&v, profile(&v, "a"), &q, &m);
	EXPECT_TRUE(m.allowed);
	EXPECT_EQ(7, m.line);
	free(blob);
}

/* ---- randomized cross-check ---- */

static u64 rng_state;

static u64 rnd(void)
{
	u64 x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static u32 below(u32 n)
{
	return (u32)(rnd() % n);
}

static u32 mask(u32 all)
{
	u32 m;

	if (below(3) == 0)
		return all;
	do
		m = (u32)rnd() & all;
	while (!m);
	return m;
}

/* A few bases, so that prefixes nest and overlap and queries fall inside them. */
static const u8 bases[4][16] = {
	{ 10, 0, 0, 0 }, { 10, 1, 2, 0 }, { 192, 168, 1, 0 },
	{ 0xfd, 0x00, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
};

static void rand_addr(u8 addr[16], u32 bits)
{
	u32 i, keep = below(bits + 1);

	memcpy(addr, bases[below(4)], 16);
	for (i = keep; i < bits; i++)
		if (rnd() & 1)
			addr[i / 8] ^= 0x80 >> (i % 8);
}

static const u16 port_pool[] = { 0, 1, 22, 53, 80, 443, 1000, 1024, 2000, 8080, 65535 };

static u16 rand_port(void)
{
	return below(4) ? port_pool[below(11)] : (u16)rnd();
}

static void rand_rule(struct mg_net_rule *r, unsigned line)
{
	u32 bits, i;

	memset(r, 0, sizeof(*r));
	r->flags = below(4) == 0 ? MEDGATE_RULE_F_DENY : 0;
	r->ops = mask(MEDGATE_NET_OPS_ALL);
	r->families = (u16)mask(MEDGATE_NET_FAMILIES_ALL);
	r->types = (u8)mask(MEDGATE_NET_TYPES_ALL);
	r->protos = (u8)mask(MEDGATE_NET_PROTOS_ALL);
	r->trie = (u8)below(3);
	bits = r->trie == MEDGATE_NET_TRIE_INET ? 32 : r->trie == MEDGATE_NET_TRIE_INET6 ? 128 : 0;
	if (bits) {
		rand_addr(r->addr, bits);
		r->prefix_len = (u8)below(bits + 1);
		for (i = r->prefix_len; i < 128; i++)
			r->addr[i / 8] &= ~(0x80 >> (i % 8));
	}
	switch (below(3)) {
	case 0:
		r->port_lo = 0;
		r->port_hi = 0xffff;
		break;
	case 1:
		r->port_lo = r->port_hi = rand_port();
		break;
	default:
		r->port_lo = rand_port();
		r->port_hi = rand_port();
		if (r->port_lo > r->port_hi) {
			u16 t = r->port_lo;

			r->port_lo = r->port_hi;
			r->port_hi = t;
		}
	}
	r->loc.line = line;
}

static bool ref_covers(const struct mg_net_rule *r, const struct medgate_net_request *q)
{
	u32 i;

	if (!(r->ops & OP_BIT(q->op)) || !(r->families & (1U << q->family)) ||
	    !(r->types & (1U << q->type)) || !(r->protos & (1U << q->proto)))
		return false;
	if (q->trie == MEDGATE_NET_TRIE_NOADDR)
		return r->trie == MEDGATE_NET_TRIE_NOADDR && r->port_lo == 0 && r->port_hi == 0xffff;
	if (q->port < r->port_lo || q->port > r->port_hi)
		return false;
	if (r->trie == MEDGATE_NET_TRIE_NOADDR)
		return true;
	if (r->trie != q->trie)
		return false;
	for (i = 0; i < r->prefix_len; i++)
		if ((r->addr[i / 8] ^ q->addr[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* The linear reference: first deny of the rules, else first allow, else none (-1). */
static long ref_match(const struct mg_net_rule *r, size_t n, const struct medgate_net_request *q,
		      bool *deny)
{
	long allow = -1;
	size_t i;

	*deny = false;
	for (i = 0; i < n; i++) {
		if (!ref_covers(&r[i], q))
			continue;
		if (r[i].flags & MEDGATE_RULE_F_DENY) {
			*deny = true;
			return (long)i;
		}
		if (allow < 0)
			allow = (long)i;
	}
	return allow;
}

static void rand_request(struct medgate_net_request *q, const struct mg_net_rule *r, size_t n)
{
	u32 bits;

	memset(q, 0, sizeof(*q));
	q->op = MEDGATE_OP_NET_CONNECT + below(6);
	q->family = below(__MEDGATE_NET_FAMILY_MAX);
	q->type = below(__MEDGATE_NET_TYPE_MAX);
	q->proto = below(__MEDGATE_NET_PROTO_MAX);
	q->trie = below(3);
	bits = q->trie == MEDGATE_NET_TRIE_INET ? 32 : q->trie == MEDGATE_NET_TRIE_INET6 ? 128 : 0;
	if (!bits)
		return;
	/* Half the time near a rule's own address and ports, to land inside prefixes. */
	if (n && (rnd() & 1)) {
		const struct mg_net_rule *x = &r[below((u32)n)];
		u32 i;

		memcpy(q->addr, x->addr, 16);
		for (i = x->prefix_len + below(bits - (x->prefix_len < bits ? x->prefix_len : 0) + 1);
		     i < bits; i++)
			if (rnd() & 1)
				q->addr[i / 8] ^= 0x80 >> (i % 8);
		q->port = (u16)(x->port_lo + below((u32)x->port_hi - x->port_lo + 2));
	} else {
		rand_addr(q->addr, bits);
		q->port = rand_port();
	}
}

#define SETS		2000
#define QUERIES		300
#define MAX_RULES	48

TEST(trie_agrees_with_a_linear_scan_on_random_rule_sets)
{
	static struct mg_net_rule ra[MAX_RULES], rb[MAX_RULES];
	const char *env = getenv("MG_NET_SEED");
	u64 seed = env ? strtoull(env, NULL, 0) : 0x6d656467617465ULL;
	unsigned set, k, checked = 0, allowed = 0, denied = 0;

	printf("# seed 0x%llx (MG_NET_SEED=... to repeat another)\n", (unsigned long long)seed);
	fflush(stdout);
	rng_state = seed ? seed : 1;
	for (set = 0; set < SETS; set++) {
		size_t na = below(MAX_RULES + 1), nb = below(4), i, len;
		const struct medgate_blob_profile *pa, *pb;
		struct medgate_blob_view v;
		const char *why = NULL;
		u8 *blob;

		for (i = 0; i < na; i++)
			rand_rule(&ra[i], 10 + (unsigned)i);
		for (i = 0; i < nb; i++)
			rand_rule(&rb[i], 100 + (unsigned)i);
		ASSERT_EQ(0, build(ra, na, rb, nb, &blob, &len)) TH_LOG("set %u", set);
		ASSERT_EQ(0, medgate_blob_validate(blob, len, &v, &why))
			TH_LOG("set %u: %s", set, why);
		pa = profile(&v, "a");
		pb = profile(&v, "b");
		for (k = 0; k < QUERIES; k++) {
			struct medgate_net_request q;
			struct medgate_match m;
			bool deny;
			long want;

			rand_request(&q, ra, na);
			want = ref_match(ra, na, &q, &deny);
			medgate_match_net(&v, pa, &q, &m);
			if (want < 0) {
				ASSERT_EQ(MEDGATE_RULE_NONE, m.rule) TH_LOG("set %u query %u", set, k);
				ASSERT_FALSE(m.allowed);
			} else {
				ASSERT_EQ(v.hdr->n_rules + v.hdr->n_classes + pa->first_net + want,
					  m.rule) TH_LOG("set %u query %u", set, k);
				ASSERT_EQ(!deny, m.allowed);
				ASSERT_EQ(deny, m.explicit_deny);
				ASSERT_EQ(ra[want].loc.line, m.line);
				allowed += !deny;
				denied += deny;
			}
			want = ref_match(rb, nb, &q, &deny);
			medgate_match_net(&v, pb, &q, &m);
			ASSERT_EQ(want < 0 ? MEDGATE_RULE_NONE :
				  v.hdr->n_rules + v.hdr->n_classes + pb->first_net + (u32)want, m.rule)
				TH_LOG("set %u query %u (profile b)", set, k);
			checked += 2;
		}
		free(blob);
	}
	printf("# %u decisions checked: %u by an allow rule, %u by a deny rule\n", checked,
	       allowed, denied);
	fflush(stdout);
	/* The generator must reach both outcomes often, or the comparison proves little. */
	EXPECT_GT(allowed, checked / 20);
	EXPECT_GT(denied, checked / 100);
}

/* ---- malformed network tables: each rejected with its own reason ---- */

struct net_defect {
	const char *name;
	void (*apply)(struct bb_tables *t);
	int err;
	const char *why;
};

static struct medgate_blob_profile *pa(struct bb_tables *t)
{
	u32 i;

	for (i = 0; i < t->hdr->n_profiles; i++)
		if (t->prof[i].id == medgate_profile_id("a"))
			return &t->prof[i];
	return NULL;
}

/* The first node of profile a with a child, and that child's index. */
static struct medgate_blob_net_node *parent(struct bb_tables *t, u32 *child)
{
	u32 n;

	for (n = 0; n < t->hdr->reserved[MEDGATE_HDR_NET_NODES]; n++)
		if (t->node[n].child[0] != MEDGATE_NET_NONE ||
		    t->node[n].child[1] != MEDGATE_NET_NONE) {
			*child = t->node[n].child[0] != MEDGATE_NET_NONE ? 0 : 1;
			return &t->node[n];
		}
	return NULL;
}

/* The first node with two or more segments. */
static struct medgate_blob_net_seg *two_segs(struct bb_tables *t)
{
	u32 n;

	for (n = 0; n < t->hdr->reserved[MEDGATE_HDR_NET_NODES]; n++)
		if (t->node[n].n_seg >= 2)
			return &t->seg[t->node[n].first_seg];
	return NULL;
}

#define ND(name) static void name(struct bb_tables *t)
ND(n_count_max) { t->hdr->reserved[MEDGATE_HDR_NET_RULES] = MEDGATE_MAX_NET_RULES + 1; }
ND(n_sizes) { t->hdr->reserved[MEDGATE_HDR_NET_SEGS] += 1; }
ND(n_flags) { t->net[0].flags = 4; }
ND(n_ops) { t->net[0].ops = 0; }
ND(n_family) { t->net[0].families = 1U << __MEDGATE_NET_FAMILY_MAX; }
ND(n_prefix) { t->net[0].prefix_len = 33; }
ND(n_host_bits) { t->net[0].addr[3] = 1; }
ND(n_ports) { t->net[0].port_lo = 444; }
ND(n_file) { t->net[0].file_off = t->hdr->strtab_len; }
ND(n_range) { pa(t)->n_net += 1; }
ND(n_stray_nodes) { pa(t)->n_nodes -= 1; }
ND(n_root_out) { pa(t)->net_root[0] = pa(t)->first_node + pa(t)->n_nodes; }
ND(n_root_deep) { pa(t)->net_root[0] = pa(t)->net_root[0] + 1; }
ND(n_cycle)
{
	u32 c = 0;
	struct medgate_blob_net_node *p = parent(t, &c);

	p->child[c] = (u32)(p - t->node);	/* itself: a loop */
}
ND(n_depth)
{
	u32 c = 0;
	struct medgate_blob_net_node *p = parent(t, &c);

	t->node[p->child[c]].depth += 1;
}
ND(n_noaddr_children) { t->node[pa(t)->net_root[2]].child[0] = pa(t)->net_root[2] + 1; }
ND(n_seg_order)
{
	struct medgate_blob_net_seg *s = two_segs(t);

	s[1].lo = s[0].hi;
}
ND(n_seg_reversed)
{
	struct medgate_blob_net_seg *s = two_segs(t);

	s[0].lo = s[0].hi + 1;
}
ND(n_seg_empty)
{
	t->seg[0].n_deny = 0;
	t->seg[0].n_allow = 0;
}
ND(n_wrong_run)
{
	u32 i;

	/* An allow rule counted as a deny. */
	for (i = 0; i < t->hdr->reserved[MEDGATE_HDR_NET_SEGS]; i++)
		if (!t->seg[i].n_deny && t->seg[i].n_allow) {
			t->seg[i].n_deny = 1;
			t->seg[i].n_allow -= 1;
			return;
		}
}
ND(n_acc_other)
{
	t->acc[t->seg[0].first_accept] = pa(t)->first_net + pa(t)->n_net;
}
ND(n_acc_order)
{
	struct medgate_blob_net_seg *s = two_segs(t);
	u32 i;

	/* A segment with two entries, swapped. */
	for (i = 0; i < t->hdr->reserved[MEDGATE_HDR_NET_SEGS]; i++)
		if (t->seg[i].n_allow >= 2) {
			u32 *a = &t->acc[t->seg[i].first_accept + t->seg[i].n_deny], x = a[0];

			a[0] = a[1];
			a[1] = x;
			return;
		}
	(void)s;
}

static const struct net_defect defects[] = {
	{ "too_many_network_rules", n_count_max, -E2BIG, "too many network rules" },
	{ "segment_count_does_not_add_up", n_sizes, -EINVAL, "add up" },
	{ "unknown_rule_flags", n_flags, -EINVAL, "unknown network rule flags" },
	{ "no_operation", n_ops, -EINVAL, "empty or unknown" },
	{ "unknown_family", n_family, -EINVAL, "empty or unknown" },
	{ "ipv4_prefix_over_32", n_prefix, -EINVAL, "prefix length" },
	{ "address_bits_past_prefix", n_host_bits, -EINVAL, "bits past its prefix" },
	{ "reversed_ports", n_ports, -EINVAL, "port range reversed" },
	{ "rule_file_out_of_range", n_file, -EINVAL, "network rule source file" },
	{ "rule_range_past_the_table", n_range, -EINVAL, "network-rule range" },
	{ "nodes_owned_by_no_profile", n_stray_nodes, -EINVAL, "trie-node range" },
	{ "root_outside_its_profile", n_root_out, -EINVAL, "root outside" },
	{ "root_not_at_depth_0", n_root_deep, -EINVAL, "root outside its profile or not at depth 0" },
	{ "child_pointing_back_a_cycle", n_cycle, -EINVAL, "not after its parent" },
	{ "child_depth_skips_a_level", n_depth, -EINVAL, "one level below" },
	{ "addressless_node_with_children", n_noaddr_children, -EINVAL, "has children" },
	{ "overlapping_segments", n_seg_order, -EINVAL, "unsorted or overlapping" },
	{ "reversed_segment", n_seg_reversed, -EINVAL, "reversed" },
	{ "segment_without_rules", n_seg_empty, -EINVAL, "accept range empty" },
	{ "allow_rule_in_the_deny_run", n_wrong_run, -EINVAL, "wrong run" },
	{ "segment_naming_another_profiles_rule", n_acc_other, -EINVAL, "another profile" },
	{ "segment_entries_out_of_order", n_acc_order, -EINVAL, "not strictly ascending" },
};

/* Rules that give every defect something to break: nested prefixes, several segments. */
static void defect_rules(struct mg_net_rule *r, size_t *n)
{
	r[0] = rule4(0, OPS_ALL, "10.0.0.0", 24, 443, 443, 2);
	r[1] = rule4(0, OPS_ALL, "10.0.0.0", 24, 400, 500, 3);
	r[2] = rule4(MEDGATE_RULE_F_DENY, OPS_ALL, "10.0.0.128", 25, 0, 0xffff, 4);
	r[3] = rule4(0, 1U << 5, "0.0.0.0", 0, 0, 0xffff, 5);
	r[3].trie = MEDGATE_NET_TRIE_NOADDR;
	*n = 4;
}

TEST(malformed_network_tables_are_rejected_with_their_reason)
{
	struct mg_net_rule ra[4], rb[1];
	size_t n, len, i;

	defect_rules(ra, &n);
	rb[0] = rule4(0, OPS_ALL, "172.16.0.0", 12, 0, 0xffff, 9);
	for (i = 0; i < sizeof(defects) / sizeof(defects[0]); i++) {
		struct medgate_blob_view v;
		const char *why = NULL;
		struct bb_tables t;
		u8 *blob;
		int err;

		ASSERT_EQ(0, build(ra, n, rb, 1, &blob, &len));
		ASSERT_EQ(0, medgate_blob_validate(blob, len, &v, &why)) TH_LOG("%s", why);
		t = bb_tables(blob);
		defects[i].apply(&t);
		bb_reseal(blob, len);
		why = NULL;
		err = medgate_blob_validate(blob, len, &v, &why);
		EXPECT_EQ(defects[i].err, err) TH_LOG("%s: %s", defects[i].name, why ? why : "accepted");
		EXPECT_TRUE(why && strstr(why, defects[i].why))
			TH_LOG("%s: reason \"%s\", expected \"%s\"", defects[i].name, why,
			       defects[i].why);
		free(blob);
	}
}

TEST(ten_thousand_rules_build_a_trie_of_bounded_depth)
{
	static struct mg_net_rule r[10000];
	struct medgate_blob_view v;
	struct medgate_net_request q;
	struct medgate_match m;
	const char *why = NULL;
	size_t len, i;
	u8 *blob;
	u32 max_depth = 0;

	/* A documented mix: /32 hosts, /24 subnets, single ports and ranges. */
	for (i = 0; i < 10000; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.%u.%u.%u", (unsigned)(i / 256) % 256, (unsigned)(i % 256),
			 i % 3 ? 0U : 7U);
		r[i] = rule4(0, OP_BIT(MEDGATE_OP_NET_CONNECT), a, i % 3 ? 24 : 32,
			     (u16)(1000 + i % 50), (u16)(1000 + i % 50 + (i % 4 ? 0 : 100)),
			     (unsigned)i + 1);
	}
	ASSERT_EQ(0, build(r, 10000, NULL, 0, &blob, &len));
	ASSERT_EQ(0, medgate_blob_validate(blob, len, &v, &why)) TH_LOG("%s", why);
	for (i = 0; i < v.n_nodes; i++)
		if (v.nodes[i].depth > max_depth)
			max_depth = v.nodes[i].depth;
	printf("# 10000 rules: %u trie nodes, %u port segments, deepest node %u, blob %zu bytes\n",
	       v.n_nodes, v.n_segs, max_depth, len);
	fflush(stdout);
	EXPECT_LE(max_depth, 32);
	q = req4(MEDGATE_OP_NET_CONNECT, "10.39.15.7", 1049);	/* rule 9999: this /32, port 1049 */
	medgate_match_net(&v, profile(&v, "a"), &q, &m);
	EXPECT_TRUE(m.allowed);
	free(blob);
}

TEST_HARNESS_MAIN

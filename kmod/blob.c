// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of a compiled policy blob (format 4). Nothing is built from a blob until every
 * offset, length, count and index in it has been checked here; the checks are the ones listed in
 * docs/policy-blob.md, each with its own reason string so that a rejected load says why.
 *
 * The cost is linear in the size of the blob: every table entry is looked at once, exec targets
 * cost a binary search, and a string check reads at most MEDGATE_PATH_MAX bytes for a reference
 * that takes at least 16 bytes of table (runs of rules from one file share one check), so a hostile
 * blob cannot make a load slow. Nothing here allocates or recurses.
 *
 * Plain C: compiled into medgate.ko, libmedgate and the host tests (see compat.h).
 */
#include "blob.h"

#define FNV64_OFFSET	0xcbf29ce484222325ULL
#define FNV64_PRIME	0x100000001b3ULL

#define ATTACH_F_ALL	MEDGATE_PATTERN_F_GLOB

u64 medgate_profile_id(const char *name)
{
	u64 h = FNV64_OFFSET;

	while (*name) {
		h ^= (u8)*name++;
		h *= FNV64_PRIME;
	}
	return h;
}

u64 medgate_blob_version(const u8 sha256[32])
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | sha256[i];
	return v;
}

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

/* Returns the string at @off or NULL; the string table is known to end in NUL. */
static const char *str_at(const struct medgate_blob_view *v, u32 off, size_t max)
{
	const char *s;
	size_t n;

	if (off >= v->hdr->strtab_len)
		return NULL;
	s = v->strtab + off;
	n = strnlen(s, max);
	if (n >= max)
		return NULL;
	return s;
}

static bool valid_pattern(const struct medgate_blob_view *v, u32 off)
{
	const char *s = str_at(v, off, MEDGATE_PATH_MAX);

	return s && s[0] == '/';
}

/*
 * A source file name: any string shorter than MEDGATE_PATH_MAX. Rules of one file share one
 * offset, so remembering the last good one keeps the check linear in the blob size.
 */
struct file_cache {
	bool have;
	u32 off;
};

static bool valid_file(const struct medgate_blob_view *v, u32 off, struct file_cache *c)
{
	if (c->have && off == c->off)
		return true;
	if (!str_at(v, off, MEDGATE_PATH_MAX))
		return false;
	c->have = true;
	c->off = off;
	return true;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int check_header(const void *blob, size_t len, struct medgate_blob_view *v,
			const char **why)
{
	const struct medgate_blob_header *h = blob;
	u64 need;

	if (len < sizeof(*h))
		return fail(why, "blob shorter than its header", -EINVAL);
	if (h->magic != MEDGATE_BLOB_MAGIC)
		return fail(why, "bad magic: not a medgate policy blob", -EINVAL);
	if (h->format != MEDGATE_BLOB_FORMAT)
		return fail(why, "unsupported blob format version", -EPROTO);
	if (h->flags)
		return fail(why, "reserved header fields are not zero", -EINVAL);
	if (len > MEDGATE_BLOB_MAX_SIZE)
		return fail(why, "blob larger than MEDGATE_BLOB_MAX_SIZE", -E2BIG);
	if (h->total_len != len)
		return fail(why, "header length does not match the blob length", -EINVAL);
	if (h->n_profiles > MEDGATE_MAX_PROFILES)
		return fail(why, "too many profiles", -E2BIG);
	if (h->n_attach > MEDGATE_MAX_ATTACH)
		return fail(why, "too many attachments", -E2BIG);
	if (h->n_rules > MEDGATE_MAX_RULES)
		return fail(why, "too many rules", -E2BIG);
	if (h->n_states > MEDGATE_MAX_STATES)
		return fail(why, "too many DFA states", -E2BIG);
	if (h->n_trans > MEDGATE_MAX_TRANS)
		return fail(why, "too many DFA transitions", -E2BIG);
	if (h->n_accept > MEDGATE_MAX_ACCEPT)
		return fail(why, "too many DFA accept entries", -E2BIG);
	if (h->n_classes > MEDGATE_MAX_CLASSES)
		return fail(why, "too many class rules", -E2BIG);
	if (h->reserved[MEDGATE_HDR_NET_RULES] > MEDGATE_MAX_NET_RULES)
		return fail(why, "too many network rules", -E2BIG);
	if (h->reserved[MEDGATE_HDR_NET_NODES] > MEDGATE_MAX_NET_NODES)
		return fail(why, "too many network trie nodes", -E2BIG);
	if (h->reserved[MEDGATE_HDR_NET_SEGS] > MEDGATE_MAX_NET_SEGS)
		return fail(why, "too many network port segments", -E2BIG);

	/* 64-bit arithmetic: each term is bounded above, so the sum cannot wrap. */
	need = (u64)sizeof(*h) +
	       (u64)h->n_profiles * sizeof(struct medgate_blob_profile) +
	       (u64)h->n_attach * sizeof(struct medgate_blob_attach) +
	       (u64)h->n_rules * sizeof(struct medgate_blob_rule) +
	       (u64)h->n_states * sizeof(struct medgate_blob_state) +
	       (u64)h->n_trans * sizeof(struct medgate_blob_trans) +
	       (u64)MEDGATE_BLOB_ACCEPT_SLOTS(h->n_accept) * sizeof(u32) +
	       (u64)h->n_classes * sizeof(struct medgate_blob_class) +
	       (u64)h->reserved[MEDGATE_HDR_NET_RULES] * sizeof(struct medgate_blob_net) +
	       (u64)h->reserved[MEDGATE_HDR_NET_NODES] * sizeof(struct medgate_blob_net_node) +
	       (u64)h->reserved[MEDGATE_HDR_NET_SEGS] * sizeof(struct medgate_blob_net_seg) +
	       (u64)h->strtab_len;
	if (need != len)
		return fail(why, "table sizes do not add up to the blob length", -EINVAL);
	if (h->strtab_len == 0 || ((const char *)blob)[len - 1] != '\0')
		return fail(why, "string table is empty or not NUL-terminated", -EINVAL);

	v->hdr = h;
	v->profiles = (const void *)((const u8 *)blob + sizeof(*h));
	v->attach = (const void *)(v->profiles + h->n_profiles);
	v->rules = (const void *)(v->attach + h->n_attach);
	v->states = (const void *)(v->rules + h->n_rules);
	v->trans = (const void *)(v->states + h->n_states);
	v->accept = (const void *)(v->trans + h->n_trans);
	if (h->n_accept & 1U && v->accept[h->n_accept] != 0)
		return fail(why, "accept table padding is not zero", -EINVAL);
	v->classes = (const void *)(v->accept + MEDGATE_BLOB_ACCEPT_SLOTS(h->n_accept));
	v->n_net = h->reserved[MEDGATE_HDR_NET_RULES];
	v->n_nodes = h->reserved[MEDGATE_HDR_NET_NODES];
	v->n_segs = h->reserved[MEDGATE_HDR_NET_SEGS];
	v->net = (const void *)(v->classes + h->n_classes);
	v->nodes = (const void *)(v->net + v->n_net);
	v->segs = (const void *)(v->nodes + v->n_nodes);
	v->strtab = (const char *)(v->segs + v->n_segs);
	return 0;
}

static int check_checksum(const void *blob, size_t len, struct medgate_blob_view *v,
			  const char **why)
{
	u8 digest[32];

	medgate_sha256((const u8 *)blob + sizeof(*v->hdr), len - sizeof(*v->hdr), digest);
	if (memcmp(digest, v->hdr->sha256, sizeof(digest)))
		return fail(why, "checksum mismatch: blob corrupted", -EBADMSG);
	v->version = medgate_blob_version(digest);
	return 0;
}

/*
 * Profiles, and how their tables partition the attachment, rule and state tables: in order,
 * without gaps, overlaps or strays. The attachment DFA comes first in the state table.
 */
static int check_profiles(const struct medgate_blob_view *v, const char **why)
{
	const struct medgate_blob_header *h = v->hdr;
	u32 next_attach = 0, next_rule = 0, next_state = 0, next_class = 0, i;
	u32 next_net = 0, next_node = 0;

	if (h->n_attach) {
		if (h->attach_dfa != 0 || h->attach_states == 0 || h->attach_states > h->n_states)
			return fail(why, "attachment DFA missing or out of bounds", -EINVAL);
		next_state = h->attach_states;
	} else if (h->attach_dfa != MEDGATE_DFA_NONE || h->attach_states) {
		return fail(why, "attachment DFA without attachments", -EINVAL);
	}

	for (i = 0; i < h->n_profiles; i++) {
		const struct medgate_blob_profile *p = &v->profiles[i];
		const char *name = str_at(v, p->name_off, MEDGATE_NAME_MAX);

		if (!name || !valid_name(name))
			return fail(why, "profile name missing, too long or with invalid characters",
				    -EINVAL);
		if (p->id == 0 || p->id != medgate_profile_id(name))
			return fail(why, "profile id does not match its name", -EINVAL);
		if (i > 0 && p->id <= v->profiles[i - 1].id)
			return fail(why, "profiles not sorted by id, or duplicated", -EINVAL);
		if (p->mode >= __MEDGATE_MODE_MAX)
			return fail(why, "unknown profile mode", -EINVAL);
		if (p->first_class != next_class || p->n_classes > h->n_classes - next_class)
			return fail(why, "profile class-rule range out of bounds or out of order",
				    -EINVAL);
		if (p->first_net != next_net || p->n_net > v->n_net - next_net)
			return fail(why, "profile network-rule range out of bounds or out of order",
				    -EINVAL);
		if (p->first_node != next_node || p->n_nodes > v->n_nodes - next_node ||
		    (!p->n_net && p->n_nodes))
			return fail(why, "profile trie-node range out of bounds or out of order",
				    -EINVAL);
		if (p->net_reserved)
			return fail(why, "reserved profile fields are not zero", -EINVAL);
		if (p->first_attach != next_attach || p->n_attach > h->n_attach - next_attach)
			return fail(why, "profile attachment range out of bounds or out of order",
				    -EINVAL);
		if (p->first_rule != next_rule || p->n_rules > h->n_rules - next_rule)
			return fail(why, "profile rule range out of bounds or out of order", -EINVAL);
		if (!p->n_rules) {
			if (p->dfa != MEDGATE_DFA_NONE || p->n_states)
				return fail(why, "profile without rules has a DFA", -EINVAL);
		} else if (p->dfa == MEDGATE_DFA_NONE || !p->n_states) {
			return fail(why, "profile with rules has no DFA", -EINVAL);
		} else if (p->dfa != next_state || p->n_states > h->n_states - next_state) {
			return fail(why, "profile DFA range out of bounds or out of order", -EINVAL);
		}
		next_attach += p->n_attach;
		next_rule += p->n_rules;
		next_state += p->n_states;
		next_class += p->n_classes;
		next_net += p->n_net;
		next_node += p->n_nodes;
	}
	if (next_net != v->n_net)
		return fail(why, "network rules not owned by any profile", -EINVAL);
	if (next_node != v->n_nodes)
		return fail(why, "trie nodes not owned by any profile", -EINVAL);
	if (next_class != h->n_classes)
		return fail(why, "class rules not owned by any profile", -EINVAL);
	if (next_attach != h->n_attach)
		return fail(why, "attachments not owned by any profile", -EINVAL);
	if (next_rule != h->n_rules)
		return fail(why, "rules not owned by any profile", -EINVAL);
	if (next_state != h->n_states)
		return fail(why, "DFA states not owned by any DFA", -EINVAL);
	return 0;
}

static int check_attach(const struct medgate_blob_view *v, const char **why)
{
	struct file_cache files = { false, 0 };
	u32 i;

	for (i = 0; i < v->hdr->n_attach; i++) {
		const struct medgate_blob_attach *a = &v->attach[i];

		if (!valid_pattern(v, a->pattern_off))
			return fail(why, "attachment pattern missing, too long or not absolute",
				    -EINVAL);
		if (a->flags & ~ATTACH_F_ALL)
			return fail(why, "unknown attachment flags", -EINVAL);
		if (!valid_file(v, a->file_off, &files))
			return fail(why, "attachment source file name missing or too long", -EINVAL);
	}
	return 0;
}

static int check_rules(const struct medgate_blob_view *v, const char **why)
{
	struct file_cache files = { false, 0 };
	u32 i;

	for (i = 0; i < v->hdr->n_rules; i++) {
		const struct medgate_blob_rule *r = &v->rules[i];

		if (!valid_pattern(v, r->pattern_off))
			return fail(why, "rule pattern missing, too long or not absolute", -EINVAL);
		if (!valid_file(v, r->file_off, &files))
			return fail(why, "rule source file name missing or too long", -EINVAL);
		if (r->flags & ~MEDGATE_RULE_F_ALL)
			return fail(why, "unknown rule flags", -EINVAL);
		if (r->access == MEDGATE_ACCESS_PATTERN) {
			if (r->flags & ~MEDGATE_RULE_F_GLOB || r->exec_mode || r->target)
				return fail(why, "class-rule pattern with rule flags or an exec mode",
					    -EINVAL);
			continue;
		}
		if (!r->access || (r->access & ~MEDGATE_ACCESS_ALL))
			return fail(why, "rule access empty or with unknown bits", -EINVAL);
		if (r->exec_mode >= __MEDGATE_EXEC_MAX)
			return fail(why, "unknown exec mode", -EINVAL);
		if (r->exec_mode == MEDGATE_EXEC_MOVE) {
			if (!(r->access & MEDGATE_ACCESS_EXEC) || (r->flags & MEDGATE_RULE_F_DENY))
				return fail(why, "profile change on a rule that does not allow exec",
					    -EINVAL);
			if (!medgate_blob_find_profile(v, r->target))
				return fail(why, "exec target names no profile of this policy", -EINVAL);
		} else if (r->target) {
			return fail(why, "exec target set on a rule that does not move", -EINVAL);
		}
		if (r->flags & (MEDGATE_RULE_F_SCRUB_ENV | MEDGATE_RULE_F_KEEP_ENV)) {
			if (!(r->access & MEDGATE_ACCESS_EXEC) || (r->flags & MEDGATE_RULE_F_DENY))
				return fail(why, "environment choice on a rule that does not allow exec",
					    -EINVAL);
			if ((r->flags & MEDGATE_RULE_F_SCRUB_ENV) && (r->flags & MEDGATE_RULE_F_KEEP_ENV))
				return fail(why, "both scrub-env and keep-env on one rule", -EINVAL);
		}
	}
	return 0;
}

/* The operations class rules decide. */
bool medgate_class_op(u32 op)
{
	switch (op) {
	case MEDGATE_OP_CAPABILITY:
	case MEDGATE_OP_PTRACE:
	case MEDGATE_OP_SIGNAL:
	case MEDGATE_OP_IOCTL:
	case MEDGATE_OP_XATTR:
	case MEDGATE_OP_KEY:
	case MEDGATE_OP_NAMESPACE:
	case MEDGATE_OP_KERNEL_LOAD:
	case MEDGATE_OP_BPF:
	case MEDGATE_OP_USERNS:
	case MEDGATE_OP_MOUNT:
	case MEDGATE_OP_CHROOT:
	case MEDGATE_OP_TIMES:
		return true;
	}
	return false;
}

/* The detail bits a class rule of @op may cover (0 for an operation that is not a class). */
u64 medgate_class_details(u32 op)
{
	switch (op) {
	case MEDGATE_OP_CAPABILITY:
		return (1ULL << (MEDGATE_CAP_LAST + 1)) - 1;
	case MEDGATE_OP_PTRACE:
		return (1ULL << MEDGATE_PTRACE_READ) | (1ULL << MEDGATE_PTRACE_TRACE);
	case MEDGATE_OP_SIGNAL:
	case MEDGATE_OP_BPF:
		return ~0ULL;
	case MEDGATE_OP_IOCTL:
		return 1ULL << MEDGATE_IOCTL_TERMINAL_INJECTION;
	case MEDGATE_OP_XATTR:
		return (1ULL << (MEDGATE_XATTR_OTHER + 1)) - 1;
	case MEDGATE_OP_KEY:
		return (1ULL << (MEDGATE_KEY_LAST + 1)) - 1;
	case MEDGATE_OP_NAMESPACE:
		return (1ULL << (MEDGATE_NS_LAST + 1)) - 1;
	case MEDGATE_OP_KERNEL_LOAD:
		return (1ULL << (MEDGATE_KLOAD_LAST + 1)) - 1;
	case MEDGATE_OP_MOUNT:
		return (1ULL << (MEDGATE_MOUNT_LAST + 1)) - 1;
	case MEDGATE_OP_USERNS:
	case MEDGATE_OP_CHROOT:
	case MEDGATE_OP_TIMES:
		return 1;
	}
	return 0;
}

/* @idx is MEDGATE_RULE_NONE or a class-rule pattern of profile @p. */
static bool valid_pattern_ref(const struct medgate_blob_view *v,
			      const struct medgate_blob_profile *p, u32 idx, bool optional)
{
	if (idx == MEDGATE_RULE_NONE)
		return optional;
	return idx >= p->first_rule && idx - p->first_rule < p->n_rules &&
	       v->rules[idx].access == MEDGATE_ACCESS_PATTERN;
}

/* A comma-separated list of file system type names, each non-empty and short. */
static bool valid_fstypes(const struct medgate_blob_view *v, u32 off)
{
	const char *s = str_at(v, off, MEDGATE_PATH_MAX);
	size_t len = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s == ',') {
			if (!len)
				return false;
			len = 0;
		} else if (*s <= ' ' || *s > '~' || ++len >= MEDGATE_FSTYPE_MAX) {
			return false;
		}
	}
	return len;
}

static int check_class(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
		       const struct medgate_blob_class *c, struct file_cache *files,
		       const char **why)
{
	bool peered = c->op == MEDGATE_OP_PTRACE || c->op == MEDGATE_OP_SIGNAL;
	bool pathed = c->op == MEDGATE_OP_MOUNT || c->op == MEDGATE_OP_CHROOT;

	if (!medgate_class_op(c->op))
		return fail(why, "class rule for an operation that has no class", -EINVAL);
	if (c->flags & ~(MEDGATE_RULE_F_DENY | MEDGATE_RULE_F_AUDIT))
		return fail(why, "unknown class rule flags", -EINVAL);
	if (!c->detail || (c->detail & ~medgate_class_details(c->op)))
		return fail(why, "class rule details empty or unknown for its operation", -EINVAL);
	if (!peered && c->peer)
		return fail(why, "peer set on a class rule that has none", -EINVAL);
	if (peered && c->peer != MEDGATE_PEER_UNCONFINED && c->peer != MEDGATE_PEER_ANY &&
	    !medgate_blob_find_profile(v, c->peer))
		return fail(why, "class rule peer names no profile of this policy", -EINVAL);
	if (!valid_file(v, c->file_off, files))
		return fail(why, "class rule source file name missing or too long", -EINVAL);
	if (c->reserved)
		return fail(why, "class rule reserved field set", -EINVAL);
	if (!pathed) {
		if (c->object != MEDGATE_RULE_NONE || c->source != MEDGATE_RULE_NONE ||
		    c->fstype_off)
			return fail(why, "paths or file system types on a class rule that has none",
				    -EINVAL);
		return 0;
	}
	if (!valid_pattern_ref(v, p, c->object, false) ||
	    !valid_pattern_ref(v, p, c->source, true) ||
	    (c->op == MEDGATE_OP_CHROOT && c->source != MEDGATE_RULE_NONE))
		return fail(why, "mount or chroot rule pattern missing or not of its profile",
			    -EINVAL);
	if (c->fstype_off && (c->op != MEDGATE_OP_MOUNT || !valid_fstypes(v, c->fstype_off)))
		return fail(why, "mount rule file system types invalid", -EINVAL);
	return 0;
}

/* Runs after check_profiles(), so each profile's class range is inside the table. */
static int check_classes(const struct medgate_blob_view *v, const char **why)
{
	struct file_cache files = { false, 0 };
	u32 i, j;
	int err;

	for (i = 0; i < v->hdr->n_profiles; i++) {
		const struct medgate_blob_profile *p = &v->profiles[i];

		for (j = p->first_class; j < p->first_class + p->n_classes; j++) {
			err = check_class(v, p, &v->classes[j], &files, why);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Cursor over the transition and accept tables, which the states partition in order. */
struct dfa_cursor {
	u32 next_trans, next_accept;
};

/*
 * The states [@first, @first + @n) of one DFA: their transitions stay inside it, their accept
 * entries are strictly ascending and inside [@acc_lo, @acc_hi).
 */
static int check_dfa(const struct medgate_blob_view *v, u32 first, u32 n, u32 acc_lo, u32 acc_hi,
		     struct dfa_cursor *cur, const char **why)
{
	const struct medgate_blob_header *h = v->hdr;
	u32 s, k;

	for (s = first; s < first + n; s++) {
		const struct medgate_blob_state *st = &v->states[s];

		if (st->first_trans != cur->next_trans || st->n_trans > h->n_trans - cur->next_trans)
			return fail(why, "state transition range out of bounds or out of order",
				    -EINVAL);
		if (st->first_accept != cur->next_accept ||
		    st->n_accept > h->n_accept - cur->next_accept)
			return fail(why, "state accept range out of bounds or out of order", -EINVAL);
		for (k = st->first_trans; k < st->first_trans + st->n_trans; k++) {
			const struct medgate_blob_trans *t = &v->trans[k];

			if (t->lo > t->hi)
				return fail(why, "transition byte range reversed (lo > hi)", -EINVAL);
			if (k > st->first_trans && t->lo <= v->trans[k - 1].hi)
				return fail(why, "transitions of a state not sorted or overlapping",
					    -EINVAL);
			if (t->reserved)
				return fail(why, "reserved transition fields are not zero", -EINVAL);
			if (t->next < first || t->next - first >= n)
				return fail(why, "transition leads outside its DFA", -EINVAL);
		}
		for (k = st->first_accept; k < st->first_accept + st->n_accept; k++) {
			u32 a = v->accept[k];

			if (a < acc_lo || a >= acc_hi)
				return fail(why, "accept entry outside its DFA's rules or attachments",
					    -EINVAL);
			if (k > st->first_accept && a <= v->accept[k - 1])
				return fail(why, "accept entries of a state not strictly ascending",
					    -EINVAL);
		}
		cur->next_trans += st->n_trans;
		cur->next_accept += st->n_accept;
	}
	return 0;
}

/* The DFAs, in table order; check_profiles() has checked that their ranges partition the states. */
static int check_dfas(const struct medgate_blob_view *v, struct dfa_cursor *out, const char **why)
{
	const struct medgate_blob_header *h = v->hdr;
	struct dfa_cursor cur = { 0, 0 };
	u32 i;
	int err;

	if (h->n_attach) {
		err = check_dfa(v, 0, h->attach_states, 0, h->n_attach, &cur, why);
		if (err)
			return err;
	}
	for (i = 0; i < h->n_profiles; i++) {
		const struct medgate_blob_profile *p = &v->profiles[i];

		if (!p->n_rules)
			continue;
		err = check_dfa(v, p->dfa, p->n_states, p->first_rule, p->first_rule + p->n_rules,
				&cur, why);
		if (err)
			return err;
	}
	if (cur.next_trans != h->n_trans)
		return fail(why, "transitions not owned by any state", -EINVAL);
	*out = cur;
	return 0;
}

static int check_net_rules(const struct medgate_blob_view *v, const char **why)
{
	struct file_cache files = { false, 0 };
	u32 i, k;

	for (i = 0; i < v->n_net; i++) {
		const struct medgate_blob_net *r = &v->net[i];
		u32 bits = r->trie == MEDGATE_NET_TRIE_INET ? 32 :
			   r->trie == MEDGATE_NET_TRIE_INET6 ? 128 : 0;

		if (r->flags & ~MEDGATE_RULE_F_DENY)
			return fail(why, "unknown network rule flags", -EINVAL);
		if (!r->ops || (r->ops & ~MEDGATE_NET_OPS_ALL) ||
		    !r->families || (r->families & ~MEDGATE_NET_FAMILIES_ALL) ||
		    !r->types || (r->types & ~MEDGATE_NET_TYPES_ALL) ||
		    !r->protos || (r->protos & ~MEDGATE_NET_PROTOS_ALL))
			return fail(why, "network rule operations, families, types or protocols empty or unknown",
				    -EINVAL);
		if (r->trie >= __MEDGATE_NET_TRIE_MAX || r->prefix_len > bits || r->reserved)
			return fail(why, "network rule address kind or prefix length invalid", -EINVAL);
		for (k = 0; k < 128; k++)
			if (k >= r->prefix_len && (r->addr[k / 8] & (0x80 >> (k % 8))))
				return fail(why, "network rule address has bits past its prefix",
					    -EINVAL);
		if (r->port_lo > r->port_hi)
			return fail(why, "network rule port range reversed", -EINVAL);
		if (!valid_file(v, r->file_off, &files))
			return fail(why, "network rule source file name missing or too long", -EINVAL);
	}
	return 0;
}

/*
 * The tries of one profile: every child lies after its parent inside the profile's nodes and one
 * level deeper (so there is no cycle and a walk is as deep as the address is long), segments are
 * owned in order and sorted, and their accept entries name the profile's rules in ascending order.
 */
static int check_tries(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
		       u32 *next_seg, struct dfa_cursor *cur, const char **why)
{
	const u32 end = p->first_node + p->n_nodes;
	u32 t, n, s, k;
	u64 n_acc;

	for (t = 0; t < __MEDGATE_NET_TRIE_MAX; t++) {
		u32 r = p->net_root[t];

		if (r == MEDGATE_NET_NONE)
			continue;
		if (r < p->first_node || r >= end || v->nodes[r].depth != 0)
			return fail(why, "network trie root outside its profile or not at depth 0",
				    -EINVAL);
		if (t == MEDGATE_NET_TRIE_NOADDR && (v->nodes[r].child[0] != MEDGATE_NET_NONE ||
						     v->nodes[r].child[1] != MEDGATE_NET_NONE))
			return fail(why, "network node for requests without address has children",
				    -EINVAL);
	}
	for (n = p->first_node; n < end; n++) {
		const struct medgate_blob_net_node *nd = &v->nodes[n];

		if (nd->reserved)
			return fail(why, "reserved trie node fields are not zero", -EINVAL);
		if (nd->depth > 128)
			return fail(why, "network trie deeper than an address is long", -EINVAL);
		for (k = 0; k < 2; k++) {
			u32 c = nd->child[k];

			if (c == MEDGATE_NET_NONE)
				continue;
			if (c <= n || c >= end)
				return fail(why, "trie child not after its parent inside its profile",
					    -EINVAL);
			if (v->nodes[c].depth != nd->depth + 1)
				return fail(why, "trie child not one level below its parent", -EINVAL);
		}
		if (nd->first_seg != *next_seg || nd->n_seg > v->n_segs - *next_seg)
			return fail(why, "trie node segment range out of bounds or out of order",
				    -EINVAL);
		for (s = nd->first_seg; s < nd->first_seg + nd->n_seg; s++) {
			const struct medgate_blob_net_seg *sg = &v->segs[s];

			if (sg->lo > sg->hi || (s > nd->first_seg && sg->lo <= v->segs[s - 1].hi))
				return fail(why, "port segments of a node reversed, unsorted or overlapping",
					    -EINVAL);
			n_acc = (u64)sg->n_deny + sg->n_allow;
			if (!n_acc || sg->first_accept != cur->next_accept ||
			    n_acc > v->hdr->n_accept - cur->next_accept)
				return fail(why, "port segment accept range empty, out of bounds or out of order",
					    -EINVAL);
			for (k = sg->first_accept; k < sg->first_accept + n_acc; k++) {
				u32 a = v->accept[k];
				bool deny_run = k - sg->first_accept < sg->n_deny;

				if (a < p->first_net || a - p->first_net >= p->n_net)
					return fail(why, "port segment names a network rule of another profile",
						    -EINVAL);
				if (k > sg->first_accept && k != sg->first_accept + sg->n_deny &&
				    a <= v->accept[k - 1])
					return fail(why, "port segment accept entries not strictly ascending",
						    -EINVAL);
				if (deny_run != !!(v->net[a].flags & MEDGATE_RULE_F_DENY))
					return fail(why, "port segment lists a rule in the wrong run (deny or allow)",
						    -EINVAL);
			}
			cur->next_accept += (u32)n_acc;
		}
		*next_seg += nd->n_seg;
	}
	return 0;
}

static int check_net(const struct medgate_blob_view *v, struct dfa_cursor *cur, const char **why)
{
	u32 i, next_seg = 0;
	int err;

	err = check_net_rules(v, why);
	if (err)
		return err;
	for (i = 0; i < v->hdr->n_profiles; i++) {
		const struct medgate_blob_profile *p = &v->profiles[i];
		u32 t;

		if (!p->n_net) {
			for (t = 0; t < __MEDGATE_NET_TRIE_MAX; t++)
				if (p->net_root[t] != MEDGATE_NET_NONE)
					return fail(why, "network trie root without network rules",
						    -EINVAL);
			continue;
		}
		err = check_tries(v, p, &next_seg, cur, why);
		if (err)
			return err;
	}
	if (next_seg != v->n_segs)
		return fail(why, "port segments not owned by any trie node", -EINVAL);
	if (cur->next_accept != v->hdr->n_accept)
		return fail(why, "accept entries not owned by any state or port segment", -EINVAL);
	return 0;
}

/**
 * medgate_blob_validate() - check a compiled policy completely.
 * @blob: the bytes, as received.
 * @len: their number.
 * @view: filled with typed pointers into @blob on success.
 * @why: on failure, a static string saying what is wrong.
 *
 * Return: 0, or -EINVAL (malformed), -EPROTO (unknown format), -EBADMSG (checksum), -E2BIG.
 */
int medgate_blob_validate(const void *blob, size_t len, struct medgate_blob_view *view,
			  const char **why)
{
	struct medgate_blob_view v;
	struct dfa_cursor cur;
	int err;

	memset(&v, 0, sizeof(v));
	err = check_header(blob, len, &v, why);
	if (!err)
		err = check_checksum(blob, len, &v, why);
	if (!err)
		err = check_profiles(&v, why);
	if (!err)
		err = check_attach(&v, why);
	if (!err)
		err = check_rules(&v, why);
	if (!err)
		err = check_dfas(&v, &cur, why);
	if (!err)
		err = check_classes(&v, why);
	if (!err)
		err = check_net(&v, &cur, why);
	if (err)
		return err;
	*view = v;
	return 0;
}

/* Profiles are sorted by id (checked above), so lookup is a binary search. */
const struct medgate_blob_profile *medgate_blob_find_profile(const struct medgate_blob_view *v,
							     u64 id)
{
	u32 lo = 0, hi = v->hdr->n_profiles;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		u64 cur = v->profiles[mid].id;

		if (cur == id)
			return &v->profiles[mid];
		if (cur < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

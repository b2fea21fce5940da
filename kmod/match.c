// SPDX-License-Identifier: GPL-2.0
/*
 * Matching paths against a validated blob's DFAs (docs/policy-blob.md, "DFA walk").
 *
 * A decision walks the profile's DFA once over the path, one binary search among the current
 * state's transitions per byte, and reads the rules that match from the final state's accept
 * list (rule indices, ascending, so in source order). Its cost is
 * O(strlen(path) * log(transitions of a state) + accept list length), whatever the number of
 * rules. No recursion, no allocation, a few words of stack: it runs inside an RCU read section.
 * Rule identity (index, file, line) is kept in every result so audit records can name the rule.
 */
#include "match.h"

/* The state reached from @start over all of @path, or MEDGATE_DFA_NONE when the walk stops. */
static u32 walk(const struct medgate_blob_view *v, u32 start, const char *path)
{
	const unsigned char *c;
	u32 s = start;

	for (c = (const unsigned char *)path; *c; c++) {
		const struct medgate_blob_trans *t = &v->trans[v->states[s].first_trans];
		u32 lo = 0, hi = v->states[s].n_trans;
		bool found = false;

		/* Most states lie on a prefix that rules share and have one way on. */
		if (hi == 1) {
			if (*c < t->lo || *c > t->hi)
				return MEDGATE_DFA_NONE;
			s = t->next;
			continue;
		}
		while (lo < hi) {
			u32 mid = lo + (hi - lo) / 2;

			if (*c < t[mid].lo) {
				hi = mid;
			} else if (*c > t[mid].hi) {
				lo = mid + 1;
			} else {
				s = t[mid].next;
				found = true;
				break;
			}
		}
		if (!found)
			return MEDGATE_DFA_NONE;
	}
	return s;
}

/* The rules of @p whose patterns match @path, in source order: their number, the list in *@acc. */
static u32 matching_rules(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
			  const char *path, const u32 **acc)
{
	u32 s;

	*acc = NULL;
	if (p->dfa == MEDGATE_DFA_NONE)
		return 0;
	s = walk(v, p->dfa, path);
	if (s == MEDGATE_DFA_NONE)
		return 0;
	*acc = &v->accept[v->states[s].first_accept];
	return v->states[s].n_accept;
}

static void set_rule(const struct medgate_blob_view *v, struct medgate_match *m, u32 idx)
{
	m->rule = idx;
	m->line = v->rules[idx].line;
	m->file = v->strtab + v->rules[idx].file_off;
}

/**
 * medgate_match_file() - decide @access on @path for profile @p.
 * @v: the validated blob.
 * @p: a profile of @v.
 * @path: absolute path, NUL-terminated.
 * @access: MEDGATE_ACCESS_* requested.
 * @m: the outcome.
 *
 * Among the rules whose pattern matches @path: the first deny rule that covers a requested bit
 * decides (explicit deny); otherwise the request is allowed when the allow rules together grant
 * every requested bit, and the first of them that grants one is named. The exec disposition comes
 * from the first matching rule that grants x. A partial grant is the default deny.
 */
void medgate_match_file(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
			const char *path, u32 access, struct medgate_match *m)
{
	const u32 *acc;
	u32 granted = 0, n, i;
	bool decided = false;

	memset(m, 0, sizeof(*m));
	m->rule = MEDGATE_RULE_NONE;

	n = matching_rules(v, p, path, &acc);

	for (i = 0; i < n; i++) {
		const struct medgate_blob_rule *r = &v->rules[acc[i]];

		if ((r->flags & MEDGATE_RULE_F_DENY) && (r->access & access)) {
			m->explicit_deny = true;
			set_rule(v, m, acc[i]);
			return;
		}
	}

	for (i = 0; i < n && (granted & access) != access; i++) {
		const struct medgate_blob_rule *r = &v->rules[acc[i]];
		u32 bits = r->access | medgate_access_implied(r->access);

		if ((r->flags & MEDGATE_RULE_F_DENY) || !(bits & access & ~granted))
			continue;
		if (!decided) {
			set_rule(v, m, acc[i]);
			decided = true;
		}
		if (r->flags & MEDGATE_RULE_F_AUDIT)
			m->audit = true;
		if ((access & MEDGATE_ACCESS_EXEC) && (bits & MEDGATE_ACCESS_EXEC) &&
		    !(granted & MEDGATE_ACCESS_EXEC)) {
			m->exec_mode = r->exec_mode;
			m->target = r->target;
		}
		granted |= bits;
	}
	m->allowed = (granted & access) == access;
	if (!m->allowed) {
		/* A partial grant does not decide: the default deny does. */
		m->audit = false;
		m->rule = MEDGATE_RULE_NONE;
		m->line = 0;
		m->file = NULL;
		m->exec_mode = MEDGATE_EXEC_STAY;
		m->target = 0;
	}
}

/**
 * medgate_match_effective() - every access bit @p grants on @path: the bits of the allow rules
 * that match (with their implied bits), less every bit a matching deny rule covers.
 * @v: the validated blob.
 * @p: a profile of @v.
 * @path: absolute path, NUL-terminated.
 *
 * Return: MEDGATE_ACCESS_* bits.
 */
u32 medgate_match_effective(const struct medgate_blob_view *v,
			    const struct medgate_blob_profile *p, const char *path)
{
	u32 granted = 0, denied = 0, n, i;
	const u32 *acc;

	n = matching_rules(v, p, path, &acc);
	for (i = 0; i < n; i++) {
		const struct medgate_blob_rule *r = &v->rules[acc[i]];
		u32 bits = r->access | medgate_access_implied(r->access);

		if (r->access == MEDGATE_ACCESS_PATTERN)
			continue;
		if (r->flags & MEDGATE_RULE_F_DENY)
			denied |= bits;
		else
			granted |= bits;
	}
	return granted & ~denied;
}

/**
 * medgate_match_same_below() - whether @p's rules treat every name under the directory @a as
 * they treat the same name under @b.
 * @v: the validated blob.
 * @p: a profile of @v.
 * @a: absolute path.
 * @b: absolute path.
 *
 * The profile's DFA is deterministic: when the walks over "@a/" and "@b/" end in the same state
 * (or both stop), every continuation of the two ends in the same state too, and so matches the
 * same rules. Different states may still behave alike (the answer is then "no", which refuses
 * more than needed, never less).
 */
bool medgate_match_same_below(const struct medgate_blob_view *v,
			      const struct medgate_blob_profile *p, const char *a, const char *b)
{
	u32 sa, sb;

	if (p->dfa == MEDGATE_DFA_NONE)
		return true;
	sa = walk(v, p->dfa, a);
	sb = walk(v, p->dfa, b);
	if (sa != MEDGATE_DFA_NONE)
		sa = walk(v, sa, "/");
	if (sb != MEDGATE_DFA_NONE)
		sb = walk(v, sb, "/");
	return sa == sb;
}

/* Class rule @idx decided: an allow unless m->explicit_deny is set. */
static void set_class_rule(const struct medgate_blob_view *v, struct medgate_match *m, u32 idx)
{
	m->allowed = !m->explicit_deny;
	m->audit = m->allowed && (v->classes[idx].flags & MEDGATE_RULE_F_AUDIT);
	m->rule = v->hdr->n_rules + idx;
	m->line = v->classes[idx].line;
	m->file = v->strtab + v->classes[idx].file_off;
}

/**
 * medgate_match_class() - decide a request of a class (capability, ptrace, signal, ...) for
 * profile @p by its class rules.
 * @v: the validated blob.
 * @p: a profile of @v.
 * @op: the request's enum medgate_op.
 * @detail: its detail (capability number, MEDGATE_PTRACE_*, signal number, class).
 * @peer: ptrace and signals: the other task's profile id (0 unconfined); ignored otherwise.
 * @m: the outcome: the first deny rule that covers the request decides (explicit deny),
 *     otherwise the first allow rule that covers it; no rule: the default deny.
 */
void medgate_match_class(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
			 u32 op, u32 detail, u64 peer, struct medgate_match *m)
{
	bool peered = op == MEDGATE_OP_PTRACE || op == MEDGATE_OP_SIGNAL;
	u32 i, allow = MEDGATE_DFA_NONE;
	u64 bit;

	memset(m, 0, sizeof(*m));
	m->rule = MEDGATE_RULE_NONE;
	if (op == MEDGATE_OP_SIGNAL)
		detail &= 63;
	if (detail > 63)
		return;
	bit = 1ULL << detail;
	for (i = p->first_class; i < p->first_class + p->n_classes; i++) {
		const struct medgate_blob_class *c = &v->classes[i];

		if (c->op != op || !(c->detail & bit))
			continue;
		if (peered && c->peer != MEDGATE_PEER_ANY && c->peer != peer)
			continue;
		if (c->flags & MEDGATE_RULE_F_DENY) {
			allow = i;
			m->explicit_deny = true;
			break;
		}
		if (allow == MEDGATE_DFA_NONE)
			allow = i;
	}
	if (allow != MEDGATE_DFA_NONE)
		set_class_rule(v, m, allow);
}

/* Whether rule @idx is among the @n ascending rule indices of @acc. */
static bool accepted(const u32 *acc, u32 n, u32 idx)
{
	u32 lo = 0, hi = n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (acc[mid] == idx)
			return true;
		if (acc[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Whether @fstype is one of the comma-separated names of @list. */
static bool fstype_listed(const char *list, const char *fstype)
{
	size_t len = strlen(fstype);

	while (*list) {
		size_t n = strcspn(list, ",");

		if (n == len && !strncmp(list, fstype, len))
			return true;
		list += n;
		if (*list)
			list++;
	}
	return false;
}

/*
 * Whether a bind or move mount of @source may show what @pattern matches. Every match lies in one
 * directory, the pattern's text up to its first glob character cut back to a whole component (the
 * match itself when it has none): a source above it shows it, a source below it may lie inside a
 * match. Conservative for globs: for "/data/?/key" that is every source under /data. @source and
 * @pattern are absolute (resolved path, validated pattern).
 */
static bool source_shows(const char *source, const char *pattern)
{
	size_t lit = strcspn(pattern, "*?[]{}\\"), n = strlen(source);

	if (pattern[lit]) {
		while (lit && pattern[lit - 1] != '/')
			lit--;
		if (lit > 1)
			lit--;
	}
	if (!n || !lit || strncmp(source, pattern, n < lit ? n : lit))
		return false;
	if (n == lit)
		return true;
	if (n < lit)
		return source[n - 1] == '/' || pattern[n] == '/';
	return pattern[lit - 1] == '/' || source[lit] == '/';
}

/*
 * Whether class rule @c covers the source of @q. A rule without a source covers any. An unknown
 * source (NULL, or @q->source_unsure) may be anything: only a deny rule covers it, once the
 * object is known. A known one is covered when the pattern matches it or, for a deny rule, when
 * a bind or move mount of it shows what the pattern matches.
 */
static bool source_covered(const struct medgate_blob_view *v, const struct medgate_blob_class *c,
			   const struct medgate_mount_query *q, const u32 *src_acc, u32 n_src)
{
	bool deny = c->flags & MEDGATE_RULE_F_DENY;

	if (c->source == MEDGATE_RULE_NONE)
		return true;
	if (!q->source || q->source_unsure)
		return deny && !q->object_later;
	if (accepted(src_acc, n_src, c->source))
		return true;
	return deny && (q->kind == MEDGATE_MOUNT_BIND || q->kind == MEDGATE_MOUNT_MOVE) &&
	       source_shows(q->source, v->strtab + v->rules[c->source].pattern_off);
}

/**
 * medgate_match_mount() - decide a change of the mount tree or of the task's root for @p.
 * @v: the validated blob.
 * @p: a profile of @v.
 * @q: the request: MEDGATE_OP_MOUNT with its enum medgate_mount_kind, or MEDGATE_OP_CHROOT
 *     (kind 0); the paths and type it names.
 * @m: the outcome, as for medgate_match_class().
 *
 * A rule covers the request when its kind matches, its object pattern matches @q->object (not
 * checked when @q->object_later), its source pattern (if it has one) matches @q->source, and its
 * type list (if it has one) holds @q->fstype. A name the caller could not resolve (NULL) matches
 * no pattern. A source that is unknown (NULL, or @q->source_unsure) may be anything: an allow
 * rule naming a source does not cover it, and a deny rule naming a source does (a detached clone
 * of the very directory the deny names has no name), once the object is known. A deny rule naming
 * a source also covers a bind or move mount of a directory above the one its pattern starts in,
 * which shows it, or below it (source_shows()). Two DFA walks at most, whatever the number of
 * rules.
 */
void medgate_match_mount(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
			 const struct medgate_mount_query *q, struct medgate_match *m)
{
	const u32 *obj_acc = NULL, *src_acc = NULL;
	u32 i, n_obj = 0, n_src = 0, allow = MEDGATE_RULE_NONE;
	bool source_known = q->source && !q->source_unsure;
	u64 bit;

	memset(m, 0, sizeof(*m));
	m->rule = MEDGATE_RULE_NONE;
	if (q->kind > 63)
		return;
	bit = 1ULL << q->kind;
	if (q->object && !q->object_later)
		n_obj = matching_rules(v, p, q->object, &obj_acc);
	if (source_known)
		n_src = matching_rules(v, p, q->source, &src_acc);
	for (i = p->first_class; i < p->first_class + p->n_classes; i++) {
		const struct medgate_blob_class *c = &v->classes[i];

		if (c->op != q->op || !(c->detail & bit))
			continue;
		if (!q->object_later && !accepted(obj_acc, n_obj, c->object))
			continue;
		if (!source_covered(v, c, q, src_acc, n_src))
			continue;
		if (c->fstype_off && (!q->fstype || !fstype_listed(v->strtab + c->fstype_off,
								   q->fstype)))
			continue;
		if (c->flags & MEDGATE_RULE_F_DENY) {
			allow = i;
			m->explicit_deny = true;
			break;
		}
		if (allow == MEDGATE_RULE_NONE)
			allow = i;
	}
	if (allow != MEDGATE_RULE_NONE)
		set_class_rule(v, m, allow);
}

/**
 * medgate_match_attach() - the profile an unconfined task enters by executing @path.
 * @v: the validated blob.
 * @path: the executable actually run, absolute.
 *
 * Among the attachments whose pattern matches @path, an exact (non-glob) one wins; otherwise the
 * first in table order. The compiler refuses policies where this choice would pick between two
 * profiles, so it only settles matches within one profile.
 *
 * Return: the profile, or NULL (the task stays unconfined).
 */
const struct medgate_blob_profile *medgate_match_attach(const struct medgate_blob_view *v,
							const char *path)
{
	const struct medgate_blob_state *st;
	u32 s, idx, i, lo, hi;

	if (v->hdr->attach_dfa == MEDGATE_DFA_NONE)
		return NULL;
	s = walk(v, v->hdr->attach_dfa, path);
	if (s == MEDGATE_DFA_NONE)
		return NULL;
	st = &v->states[s];
	if (!st->n_accept)
		return NULL;
	idx = v->accept[st->first_accept];
	for (i = 0; i < st->n_accept; i++) {
		u32 a = v->accept[st->first_accept + i];

		if (!(v->attach[a].flags & MEDGATE_PATTERN_F_GLOB)) {
			idx = a;
			break;
		}
	}

	/* The owner is the last profile whose attachments start at or before idx. */
	lo = 0;
	hi = v->hdr->n_profiles;
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (v->profiles[mid].first_attach <= idx)
			lo = mid;
		else
			hi = mid;
	}
	return &v->profiles[lo];
}

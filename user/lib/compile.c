// SPDX-License-Identifier: GPL-2.0
/*
 * From parsed profiles to the canonical policy blob (docs/policy-blob.md):
 *   - profiles sorted by id (medgate_profile_id() of the name), strictly ascending;
 *   - attachments, then rules, grouped per profile in that order, rules in source order;
 *   - strings deduplicated, in order of first use while walking the profile table, then the
 *     attachment table, then the rule table (pattern, then source file name); a policy without
 *     any string gets a one-byte table;
 *   - the attachment DFA, then one DFA per profile with rules, in profile order (dfa.c numbers
 *     each canonically); a path matching attachments of two profiles is an error unless exactly
 *     one of them is exact;
 *   - every reserved field zero; SHA-256 of everything after the header.
 * The same text therefore always gives the same bytes, whatever the order of its profiles or
 * files, and the compiler checks its own output with the module's validator (kmod/blob.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "blob.h"
#include "dfa.h"
#include "glob.h"

/* ---- policy object ---- */

int mg_policy_new(struct mg_policy **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void mg_policy_free(struct mg_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_profiles; i++)
		mg_profile_free(p->profiles[i]);
	free(p->profiles);
	for (i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	mg_index_free(&p->by_name);
	mg_index_free(&p->by_attach);
	for (i = 0; i < p->n_diags; i++)
		free(p->diags[i].msg);
	free(p->diags);
	free(p);
}

int mg_policy_add_file_name(struct mg_policy *p, const char *name, unsigned *idx)
{
	char *copy;

	if (mg_grow((void **)&p->files, &p->cap_files, p->n_files + 1, sizeof(*p->files)))
		return -ENOMEM;
	copy = strdup(name ? name : "<input>");
	if (!copy)
		return -ENOMEM;
	*idx = (unsigned)p->n_files;
	p->files[p->n_files++] = copy;
	return 0;
}

static int parse_text(struct mg_policy *p, unsigned file, const char *text, size_t len)
{
	size_t before = p->n_diags;
	struct mg_loc whole = { .file = file };
	int err;

	if (len > MG_TEXT_MAX) {
		mg_error(p, whole, "policy text too large (%zu bytes; the limit is %u)", len,
			 MG_TEXT_MAX);
		return -EINVAL;
	}
	err = mg_parse(p, file, text, len);
	if (err || p->oom)
		return -ENOMEM;
	return p->n_diags != before || p->diags_overflow ? -EINVAL : 0;
}

int mg_policy_add_text(struct mg_policy *p, const char *text, size_t len, const char *filename)
{
	unsigned file;

	if (mg_policy_add_file_name(p, filename, &file))
		return -ENOMEM;
	return parse_text(p, file, text, len);
}

int mg_policy_add_file(struct mg_policy *p, const char *path)
{
	struct mg_loc whole;
	size_t len = 0;
	char *text = NULL;
	unsigned file;
	int err;

	if (mg_policy_add_file_name(p, path, &file))
		return -ENOMEM;
	whole = (struct mg_loc){ .file = file };
	err = mg_read_file(path, MG_TEXT_MAX, &text, &len, NULL);
	switch (err) {
	case 0:
		break;
	case -ENOMEM:
		return err;
	case -EISDIR:
		mg_error(p, whole, "is a directory");
		return err;
	case -EINVAL:
		mg_error(p, whole, "not a regular file");
		return err;
	case -EFBIG:
		mg_error(p, whole, "policy text too large (the limit is %u bytes)", MG_TEXT_MAX);
		return err;
	case -EIO:
		mg_error(p, whole, "cannot read: %s", strerror(-err));
		return err;
	default:
		mg_error(p, whole, "cannot open: %s", strerror(-err));
		return err;
	}
	err = parse_text(p, file, text, len);
	free(text);
	return err;
}

/* ---- checks that need the whole policy ---- */

static int cmp_profile_id(const void *a, const void *b)
{
	const struct mg_profile *x = *(const struct mg_profile *const *)a;
	const struct mg_profile *y = *(const struct mg_profile *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void resolve(struct mg_policy *p, struct mg_profile **sorted)
{
	size_t i, j, n_attach = 0, n_rules = 0;

	for (i = 0; i < p->n_profiles; i++) {
		struct mg_profile *prof = p->profiles[i];

		if (i == MEDGATE_MAX_PROFILES)
			mg_error(p, prof->loc, "too many profiles (the limit is %u)",
				 MEDGATE_MAX_PROFILES);
		if (!prof->id)
			mg_error(p, prof->loc,
				 "profile name \"%s\" hashes to the reserved id 0: rename the profile",
				 prof->name);
		for (j = 0; j < prof->n_attach; j++, n_attach++)
			if (n_attach == MEDGATE_MAX_ATTACH)
				mg_error(p, prof->attach[j].loc,
					 "too many attachments (the limit is %u)", MEDGATE_MAX_ATTACH);
		for (j = 0; j < prof->n_rules; j++, n_rules++) {
			struct mg_rule *r = &prof->rules[j];
			size_t t;

			if (n_rules == MEDGATE_MAX_RULES)
				mg_error(p, r->loc, "too many rules (the limit is %u)",
					 MEDGATE_MAX_RULES);
			if (!r->target)
				continue;
			if (!mg_index_get(&p->by_name, r->target, &t))
				mg_error(p, r->target_loc, "exec target \"%s\" names no profile",
					 r->target);
		}
		for (j = 0; j < prof->n_classes; j++) {
			const struct mg_rule *r = &prof->classes[j];
			size_t t;

			if (r->peer_kind == MG_PEER_PROFILE && !mg_index_get(&p->by_name, r->target, &t))
				mg_error(p, r->target_loc, "peer \"%s\" names no profile", r->target);
		}
	}

	/* Distinct names with the same 64-bit id would be indistinguishable in task labels. */
	for (i = 0; i < p->n_profiles; i++)
		sorted[i] = p->profiles[i];
	qsort(sorted, p->n_profiles, sizeof(*sorted), cmp_profile_id);
	for (i = 1; i < p->n_profiles; i++)
		if (sorted[i]->id == sorted[i - 1]->id)
			mg_error(p, sorted[i]->loc,
				 "profile \"%s\" has the same id as profile \"%s\": rename one of them",
				 sorted[i]->name, sorted[i - 1]->name);
}

/* ---- emission ---- */

struct strtab {
	char *buf;
	size_t len, cap;
	struct mg_index ix;	/* keys point into the parsed policy, which outlives this */
};

static int str_add(struct strtab *t, const char *s, u32 *off)
{
	size_t n = strlen(s) + 1, val;

	if (mg_index_get(&t->ix, s, &val)) {
		*off = (u32)val;
		return 0;
	}
	if (t->len + n > MEDGATE_BLOB_MAX_SIZE)
		return -E2BIG;
	if (mg_grow((void **)&t->buf, &t->cap, t->len + n, 1))
		return -ENOMEM;
	memcpy(t->buf + t->len, s, n);
	*off = (u32)t->len;
	if (mg_index_put(&t->ix, s, t->len))
		return -ENOMEM;
	t->len += n;
	return 0;
}

static const char *file_name(const struct mg_policy *p, struct mg_loc loc)
{
	return loc.file < p->n_files ? p->files[loc.file] : "<input>";
}

/* Everything emit() builds, in blob order. */
struct out {
	struct mg_profile **sorted;
	size_t np, na, nr, nc;
	struct medgate_blob_profile *bp;
	struct medgate_blob_attach *ba;
	struct medgate_blob_rule *br;
	struct medgate_blob_class *bc;
	const struct mg_attach **attach;	/* blob order */
	const struct mg_rule **rules;		/* blob order */
	u32 *attach_owner;			/* index in sorted */
	struct mg_dfa attach_dfa;
	struct mg_dfa *dfa;			/* per profile (empty without rules) */
	u32 n_states, n_trans, n_accept;	/* all DFAs together */
	struct mg_net_tables *net;		/* per profile */
	size_t nn, n_nodes, n_segs, n_net_accept;	/* all profiles together */
	struct medgate_blob_net *bn;
	struct strtab st;
};

static u32 states_budget(const struct mg_policy *p, const struct out *o)
{
	u32 per_dfa = p->max_states ? p->max_states : MG_DFA_STATES_DEFAULT;
	u32 left = MEDGATE_MAX_STATES - o->n_states;

	return per_dfa < left ? per_dfa : left;
}

/* Explains a DFA that hit a limit, at the place of the pattern most to blame. */
static void report_blowup(struct mg_policy *p, struct out *o, const struct mg_profile *prof,
			  const struct mg_dfa_fail *f, u32 budget)
{
	/* Room for the first blamed rule however long its file name; later ones stop at a full list. */
	char who[MEDGATE_PATH_MAX + 160] = "", limit[96];
	struct mg_loc loc = prof ? prof->loc : (struct mg_loc){ 0 };
	size_t i, used = 0;

	for (i = 0; i < f->n_blame; i++) {
		struct mg_loc l = prof ? prof->rules[f->blame[i]].loc : o->attach[f->blame[i]]->loc;
		int n;

		if (i == 0)
			loc = l;
		n = snprintf(who + used, sizeof(who) - used, "%s%s:%u", i ? ", " : "",
			     file_name(p, l), l.line);
		if (n < 0 || (size_t)n >= sizeof(who) - used)
			break;
		used += (size_t)n;
	}
	switch (f->limit) {
	case MG_DFA_STATES:
		if (budget < (p->max_states ? p->max_states : MG_DFA_STATES_DEFAULT))
			snprintf(limit, sizeof(limit), "more DFA states than the policy may have (%u)",
				 MEDGATE_MAX_STATES);
		else
			snprintf(limit, sizeof(limit), "more than %u DFA states", budget);
		break;
	case MG_DFA_TRANS:
		snprintf(limit, sizeof(limit), "more DFA transitions than the policy may have (%u)",
			 MEDGATE_MAX_TRANS);
		break;
	case MG_DFA_ACCEPT:
		snprintf(limit, sizeof(limit), "more DFA accept entries than the policy may have (%u)",
			 MEDGATE_MAX_ACCEPT);
		break;
	default:
		snprintf(limit, sizeof(limit), "more memory than the compiler allows");
		break;
	}
	/* Without a blow-up, a subset construction has about as many states as pattern bytes. */
	if (f->limit == MG_DFA_STATES && (u64)f->positions * 4 >= budget && prof)
		mg_error(p, prof->loc,
			 "the file rules of profile \"%s\" need %s: its %zu rules (%zu pattern bytes) are too many for one automaton (use fewer, broader patterns)",
			 prof->name, limit, prof->n_rules, f->positions);
	else if (f->limit == MG_DFA_STATES && (u64)f->positions * 4 >= budget)
		mg_error(p, loc,
			 "the attachments need %s: their %zu patterns (%zu bytes) are too many for one automaton (use fewer, broader patterns)",
			 limit, o->na, f->positions);
	else if (prof)
		mg_error(p, loc,
			 "the file rules of profile \"%s\" need %s, mostly because of %s (patterns like /**/*x* that can start matching anywhere multiply states)",
			 prof->name, limit, who[0] ? who : "?");
	else
		mg_error(p, loc,
			 "the attachments need %s, mostly because of %s (patterns like /**/*x* that can start matching anywhere multiply states)",
			 limit, who[0] ? who : "?");
}

/*
 * An executable enters one profile: no path may match attachments of two profiles, unless exactly
 * one of the attachments it matches is exact, which then wins (as in medgate_match_attach()).
 */
static void check_attach_conflicts(struct mg_policy *p, struct out *o)
{
	const struct mg_dfa *d = &o->attach_dfa;
	u32 reported[16][2];
	size_t n_reported = 0;
	u32 s;

	for (s = 0; s < d->n_states && n_reported < ARRAY_SIZE(reported); s++) {
		const u32 *acc = d->accept + d->states[s].first_accept;
		u32 n = d->states[s].n_accept, i, x, y = 0, exact = 0;
		const struct mg_attach *ax, *ay;
		const struct mg_profile *px, *py;
		char example[128];
		bool two = false;
		size_t k;

		if (n < 2)
			continue;
		x = acc[0];
		for (i = 0; i < n; i++) {
			if (!(o->ba[acc[i]].flags & MEDGATE_PATTERN_F_GLOB))
				exact++;
			if (!two && o->attach_owner[acc[i]] != o->attach_owner[x]) {
				y = acc[i];
				two = true;
			}
		}
		if (!two || exact == 1)
			continue;
		for (k = 0; k < n_reported; k++)
			if (reported[k][0] == x && reported[k][1] == y)
				break;
		if (k < n_reported)
			continue;
		reported[n_reported][0] = x;
		reported[n_reported][1] = y;
		n_reported++;
		ax = o->attach[x];
		ay = o->attach[y];
		px = o->sorted[o->attach_owner[x]];
		py = o->sorted[o->attach_owner[y]];
		mg_dfa_example(d, s, example, sizeof(example));
		mg_error(p, ay->loc,
			 "attachment \"%s\" of profile \"%s\" and \"%s\" of profile \"%s\" (%s:%u) both match \"%s\": an executable enters one profile",
			 ay->path, py->name, ax->path, px->name, file_name(p, ax->loc), ax->loc.line,
			 example);
	}
}

/* Checks the patterns again (the parser reports them first, with columns). */
static bool check_patterns(struct mg_policy *p, struct out *o)
{
	size_t before = p->n_diags, i;
	const char *why;
	size_t off;

	for (i = 0; i < o->na; i++)
		if (mg_glob_check(o->attach[i]->path, &off, &why))
			mg_error(p, o->attach[i]->loc, "invalid pattern \"%s\" at byte %zu: %s",
				 o->attach[i]->path, off, why);
	for (i = 0; i < o->nr; i++)
		if (mg_glob_check(o->rules[i]->path, &off, &why))
			mg_error(p, o->rules[i]->loc, "invalid pattern \"%s\" at byte %zu: %s",
				 o->rules[i]->path, off, why);
	return p->n_diags == before && !p->diags_overflow;
}

/*
 * One DFA over @n patterns with tags first..first+n-1; adds its size to the totals. Returns 0,
 * -EINVAL after a diagnostic, or -ENOMEM.
 */
static int make_dfa(struct mg_policy *p, struct out *o, const struct mg_profile *prof,
		    const char **pats, u32 *tags, size_t n, u32 first, struct mg_dfa *d)
{
	struct mg_dfa_limits lim = {
		.max_states = states_budget(p, o),
		.max_trans = MEDGATE_MAX_TRANS - o->n_trans,
		.max_accept = MEDGATE_MAX_ACCEPT - o->n_accept,
	};
	struct mg_dfa_fail f;
	size_t i;
	int err;

	for (i = 0; i < n; i++)
		tags[i] = first + (u32)i;
	err = mg_dfa_build(pats, tags, n, &lim, d, &f);
	if (err == -E2BIG) {
		report_blowup(p, o, prof, &f, lim.max_states);
		return -EINVAL;
	}
	if (err == -EINVAL) {
		mg_error(p, prof ? prof->loc : (struct mg_loc){ 0 },
			 "internal error: a pattern the checks accepted cannot be compiled");
		return -EINVAL;
	}
	if (err)
		return err;
	o->n_states += d->n_states;
	o->n_trans += d->n_trans;
	o->n_accept += d->n_accept;
	return 0;
}

/* The network rules and each profile's tries; accept entries follow the DFAs' ones. */
static int build_net(struct mg_policy *p, struct out *o)
{
	size_t i, j, nn = 0;
	int err;

	for (i = 0; i < o->np; i++) {
		const struct mg_profile *prof = o->sorted[i];
		struct medgate_blob_profile *bp = &o->bp[i];
		struct mg_net_tables *t = &o->net[i];
		u32 k;

		bp->first_net = (u32)nn;
		bp->n_net = (u32)prof->n_net;
		bp->first_node = (u32)o->n_nodes;
		for (j = 0; j < prof->n_net; j++, nn++) {
			const struct mg_net_rule *r = &prof->net[j];
			struct medgate_blob_net *b = &o->bn[nn];

			if ((err = str_add(&o->st, file_name(p, r->loc), &b->file_off)))
				return err;
			b->flags = r->flags & MEDGATE_RULE_F_DENY;
			b->ops = r->ops;
			b->families = r->families;
			b->types = r->types;
			b->protos = r->protos;
			b->trie = r->trie;
			b->prefix_len = r->prefix_len;
			memcpy(b->addr, r->addr, sizeof(b->addr));
			b->port_lo = r->port_lo;
			b->port_hi = r->port_hi;
			b->line = r->loc.line;
		}
		err = mg_net_build(prof->net, prof->n_net, t);
		if (err == -E2BIG) {
			mg_error(p, prof->loc, "profile \"%s\": its network rules need more trie nodes, "
				 "port segments or accept entries than a policy may have", prof->name);
			return -EINVAL;
		}
		if (err)
			return err;
		if ((u64)o->n_accept + o->n_net_accept + t->n_accept > MEDGATE_MAX_ACCEPT) {
			mg_error(p, prof->loc, "profile \"%s\": more accept entries than a policy may "
				 "have (%u)", prof->name, MEDGATE_MAX_ACCEPT);
			return -EINVAL;
		}
		bp->n_nodes = (u32)t->n_nodes;
		for (k = 0; k < __MEDGATE_NET_TRIE_MAX; k++)
			bp->net_root[k] = t->root[k] == MEDGATE_NET_NONE ? MEDGATE_NET_NONE :
					  t->root[k] + bp->first_node;
		o->n_nodes += t->n_nodes;
		o->n_segs += t->n_segs;
		o->n_net_accept += t->n_accept;
	}
	if (o->n_nodes > MEDGATE_MAX_NET_NODES || o->n_segs > MEDGATE_MAX_NET_SEGS) {
		mg_error(p, o->sorted[0]->loc, "network rules need more trie nodes or port segments "
			 "than a policy may have");
		return -EINVAL;
	}
	return 0;
}

/* Copies one profile's tries into the blob's tables, indices made absolute. */
static void put_net(const struct mg_net_tables *t, u32 first_net,
		    struct medgate_blob_net_node *nodes, struct medgate_blob_net_seg *segs, u32 *acc,
		    u32 *nn, u32 *ns, u32 *na)
{
	size_t i;

	for (i = 0; i < t->n_nodes; i++) {
		nodes[*nn + i] = t->nodes[i];
		nodes[*nn + i].first_seg += *ns;
		if (t->nodes[i].child[0] != MEDGATE_NET_NONE)
			nodes[*nn + i].child[0] += *nn;
		if (t->nodes[i].child[1] != MEDGATE_NET_NONE)
			nodes[*nn + i].child[1] += *nn;
	}
	for (i = 0; i < t->n_segs; i++) {
		segs[*ns + i] = t->segs[i];
		segs[*ns + i].first_accept += *na;
	}
	for (i = 0; i < t->n_accept; i++)
		acc[*na + i] = t->accept[i] + first_net;
	*nn += (u32)t->n_nodes;
	*ns += (u32)t->n_segs;
	*na += (u32)t->n_accept;
}

static int build_tables(struct mg_policy *p, struct out *o)
{
	size_t i, j, na = 0, nr = 0, rb, maxn;
	const char **pats = NULL;
	u32 none;
	u32 *tags = NULL;
	int err;

	for (i = 0; i < o->np; i++) {
		const struct mg_profile *prof = o->sorted[i];

		for (j = 0; j < prof->n_attach; j++, na++) {
			o->attach[na] = &prof->attach[j];
			o->attach_owner[na] = (u32)i;
		}
		for (j = 0; j < prof->n_rules; j++, nr++)
			o->rules[nr] = &prof->rules[j];
	}
	if (!check_patterns(p, o))
		return -EINVAL;

	/* Offset 0 holds "": an offset of 0 means "none" where a string is optional (fstype_off). */
	if ((err = str_add(&o->st, "", &none)))
		return err;
	/* Walk the tables in blob order so that strings land in order of first use. */
	for (i = 0; i < o->np; i++) {
		o->bp[i].id = o->sorted[i]->id;
		o->bp[i].mode = o->sorted[i]->mode;
		if ((err = str_add(&o->st, o->sorted[i]->name, &o->bp[i].name_off)))
			return err;
	}
	for (i = 0; i < o->na; i++) {
		const struct mg_attach *a = o->attach[i];

		if ((err = str_add(&o->st, a->path, &o->ba[i].pattern_off)) ||
		    (err = str_add(&o->st, file_name(p, a->loc), &o->ba[i].file_off)))
			return err;
		o->ba[i].flags = mg_glob_has_magic(a->path) ? MEDGATE_PATTERN_F_GLOB : 0;
		o->ba[i].line = a->loc.line;
	}
	for (i = 0; i < o->nr; i++) {
		const struct mg_rule *r = o->rules[i];
		size_t t;

		if ((err = str_add(&o->st, r->path, &o->br[i].pattern_off)) ||
		    (err = str_add(&o->st, file_name(p, r->loc), &o->br[i].file_off)))
			return err;
		o->br[i].flags = (r->flags & (MEDGATE_RULE_F_DENY | MEDGATE_RULE_F_SCRUB_ENV |
					      MEDGATE_RULE_F_KEEP_ENV | MEDGATE_RULE_F_AUDIT)) |
				 (mg_glob_has_magic(r->path) ? MEDGATE_RULE_F_GLOB : 0);
		o->br[i].access = r->access;
		o->br[i].exec_mode = r->exec_mode;
		o->br[i].line = r->loc.line;
		if (r->target && mg_index_get(&p->by_name, r->target, &t))
			o->br[i].target = p->profiles[t]->id;
	}
	for (i = 0, nr = 0, rb = 0; i < o->np; i++) {
		const struct mg_profile *prof = o->sorted[i];

		o->bp[i].first_class = (u32)nr;
		o->bp[i].n_classes = (u32)prof->n_classes;
		for (j = 0; j < prof->n_classes; j++, nr++) {
			const struct mg_rule *r = &prof->classes[j];
			struct medgate_blob_class *c = &o->bc[nr];
			size_t t;

			if ((err = str_add(&o->st, file_name(p, r->loc), &c->file_off)) ||
			    (r->fstypes && (err = str_add(&o->st, r->fstypes, &c->fstype_off))))
				return err;
			/* Mount and chroot rules name pattern rules of the same profile. */
			c->object = r->object_rule == MG_NO_PATTERN ? MEDGATE_RULE_NONE :
				    (u32)(rb + r->object_rule);
			c->source = r->source_rule == MG_NO_PATTERN ? MEDGATE_RULE_NONE :
				    (u32)(rb + r->source_rule);
			c->op = r->class_op;
			c->flags = r->flags & (MEDGATE_RULE_F_DENY | MEDGATE_RULE_F_AUDIT);
			c->detail = r->detail;
			c->line = r->loc.line;
			if (r->peer_kind == MG_PEER_ANY)
				c->peer = MEDGATE_PEER_ANY;
			else if (r->peer_kind == MG_PEER_PROFILE &&
				 mg_index_get(&p->by_name, r->target, &t))
				c->peer = p->profiles[t]->id;
		}
		rb += prof->n_rules;
	}
	if (!o->st.len) {
		if (mg_grow((void **)&o->st.buf, &o->st.cap, 1, 1))
			return -ENOMEM;
		o->st.buf[0] = '\0';
		o->st.len = 1;
	}

	maxn = o->na;
	for (i = 0; i < o->np; i++)
		if (o->sorted[i]->n_rules > maxn)
			maxn = o->sorted[i]->n_rules;
	pats = calloc(maxn ? maxn : 1, sizeof(*pats));
	tags = calloc(maxn ? maxn : 1, sizeof(*tags));
	err = -ENOMEM;
	if (!pats || !tags)
		goto out;

	/* The attachment DFA first, then one per profile with rules, in profile order. */
	if (o->na) {
		for (i = 0; i < o->na; i++)
			pats[i] = o->attach[i]->path;
		err = make_dfa(p, o, NULL, pats, tags, o->na, 0, &o->attach_dfa);
		if (err)
			goto out;
		check_attach_conflicts(p, o);
	}
	for (i = 0, nr = 0, na = 0; i < o->np; i++) {
		const struct mg_profile *prof = o->sorted[i];
		struct medgate_blob_profile *bp = &o->bp[i];

		bp->first_attach = (u32)na;
		bp->n_attach = (u32)prof->n_attach;
		bp->first_rule = (u32)nr;
		bp->n_rules = (u32)prof->n_rules;
		bp->dfa = MEDGATE_DFA_NONE;
		na += prof->n_attach;
		if (prof->n_rules) {
			bp->dfa = o->n_states;
			for (j = 0; j < prof->n_rules; j++)
				pats[j] = prof->rules[j].path;
			err = make_dfa(p, o, prof, pats, tags, prof->n_rules, (u32)nr, &o->dfa[i]);
			if (err)
				goto out;
			bp->n_states = o->dfa[i].n_states;
		}
		nr += prof->n_rules;
	}
	err = build_net(p, o);
out:
	free(pats);
	free(tags);
	return err;
}

/* Copies one DFA into the blob's tables, its indices made absolute. */
static void put_dfa(const struct mg_dfa *d, struct medgate_blob_state *st,
		    struct medgate_blob_trans *tr, u32 *acc, u32 *ns, u32 *nt, u32 *na)
{
	u32 i;

	for (i = 0; i < d->n_states; i++) {
		st[*ns + i] = d->states[i];
		st[*ns + i].first_trans += *nt;
		st[*ns + i].first_accept += *na;
	}
	for (i = 0; i < d->n_trans; i++) {
		tr[*nt + i] = d->trans[i];
		tr[*nt + i].next += *ns;
	}
	memcpy(acc + *na, d->accept, d->n_accept * sizeof(*acc));
	*ns += d->n_states;
	*nt += d->n_trans;
	*na += d->n_accept;
}

/*
 * Returns 0 with the blob, -EINVAL after diagnostics, -E2BIG when the blob would be larger than
 * the module takes, or -ENOMEM.
 */
static int emit(struct mg_policy *p, struct mg_profile **sorted, void **blob, size_t *len)
{
	struct medgate_blob_header hdr;
	struct out o;
	size_t i, total;
	u32 ns = 0, nt = 0, nacc = 0, nnode = 0, nseg = 0;
	u8 *out = NULL, *q;
	int err = -ENOMEM;

	memset(&o, 0, sizeof(o));
	o.sorted = sorted;
	o.np = p->n_profiles;
	for (i = 0; i < o.np; i++) {
		o.na += sorted[i]->n_attach;
		o.nr += sorted[i]->n_rules;
		o.nc += sorted[i]->n_classes;
		o.nn += sorted[i]->n_net;
	}
	o.bp = calloc(o.np ? o.np : 1, sizeof(*o.bp));
	o.ba = calloc(o.na ? o.na : 1, sizeof(*o.ba));
	o.br = calloc(o.nr ? o.nr : 1, sizeof(*o.br));
	o.bc = calloc(o.nc ? o.nc : 1, sizeof(*o.bc));
	o.attach = calloc(o.na ? o.na : 1, sizeof(*o.attach));
	o.attach_owner = calloc(o.na ? o.na : 1, sizeof(*o.attach_owner));
	o.rules = calloc(o.nr ? o.nr : 1, sizeof(*o.rules));
	o.dfa = calloc(o.np ? o.np : 1, sizeof(*o.dfa));
	o.net = calloc(o.np ? o.np : 1, sizeof(*o.net));
	o.bn = calloc(o.nn ? o.nn : 1, sizeof(*o.bn));
	if (!o.bp || !o.ba || !o.br || !o.bc || !o.attach || !o.attach_owner || !o.rules ||
	    !o.dfa || !o.net || !o.bn)
		goto out;
	if (o.nn > MEDGATE_MAX_NET_RULES) {
		err = -E2BIG;
		goto out;
	}
	err = build_tables(p, &o);
	if (!err && p->n_diags)
		err = -EINVAL;
	if (err)
		goto out;

	total = sizeof(hdr) + o.np * sizeof(*o.bp) + o.na * sizeof(*o.ba) +
		o.nr * sizeof(*o.br) + (size_t)o.n_states * sizeof(struct medgate_blob_state) +
		(size_t)o.n_trans * sizeof(struct medgate_blob_trans) +
		(size_t)MEDGATE_BLOB_ACCEPT_SLOTS(o.n_accept + (u32)o.n_net_accept) * sizeof(u32) +
		o.nc * sizeof(*o.bc) +
		o.nn * sizeof(*o.bn) + o.n_nodes * sizeof(struct medgate_blob_net_node) +
		o.n_segs * sizeof(struct medgate_blob_net_seg) + o.st.len;
	if (total > MEDGATE_BLOB_MAX_SIZE) {
		err = -E2BIG;
		goto out;
	}
	out = calloc(1, total);
	if (!out) {
		err = -ENOMEM;
		goto out;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = MEDGATE_BLOB_MAGIC;
	hdr.format = MEDGATE_BLOB_FORMAT;
	hdr.total_len = (u32)total;
	hdr.n_profiles = (u32)o.np;
	hdr.n_attach = (u32)o.na;
	hdr.n_rules = (u32)o.nr;
	hdr.n_states = o.n_states;
	hdr.n_trans = o.n_trans;
	hdr.n_accept = o.n_accept + (u32)o.n_net_accept;
	hdr.strtab_len = (u32)o.st.len;
	hdr.attach_dfa = o.na ? 0 : MEDGATE_DFA_NONE;
	hdr.attach_states = o.attach_dfa.n_states;
	hdr.n_classes = (u32)o.nc;
	hdr.reserved[MEDGATE_HDR_NET_RULES] = (u32)o.nn;
	hdr.reserved[MEDGATE_HDR_NET_NODES] = (u32)o.n_nodes;
	hdr.reserved[MEDGATE_HDR_NET_SEGS] = (u32)o.n_segs;

	q = out + sizeof(hdr);
	memcpy(q, o.bp, o.np * sizeof(*o.bp));
	q += o.np * sizeof(*o.bp);
	memcpy(q, o.ba, o.na * sizeof(*o.ba));
	q += o.na * sizeof(*o.ba);
	memcpy(q, o.br, o.nr * sizeof(*o.br));
	q += o.nr * sizeof(*o.br);
	{
		struct medgate_blob_state *st = (void *)q;
		struct medgate_blob_trans *tr = (void *)(st + o.n_states);
		u32 *acc = (u32 *)(tr + o.n_trans);

		if (o.na)
			put_dfa(&o.attach_dfa, st, tr, acc, &ns, &nt, &nacc);
		for (i = 0; i < o.np; i++)
			if (sorted[i]->n_rules)
				put_dfa(&o.dfa[i], st, tr, acc, &ns, &nt, &nacc);
		q = (u8 *)(acc + MEDGATE_BLOB_ACCEPT_SLOTS(o.n_accept + (u32)o.n_net_accept));
		memcpy(q, o.bc, o.nc * sizeof(*o.bc));
		q += o.nc * sizeof(*o.bc);
		memcpy(q, o.bn, o.nn * sizeof(*o.bn));
		q += o.nn * sizeof(*o.bn);
		{
			struct medgate_blob_net_node *nodes = (void *)q;
			struct medgate_blob_net_seg *segs = (void *)(nodes + o.n_nodes);

			for (i = 0; i < o.np; i++)
				put_net(&o.net[i], o.bp[i].first_net, nodes, segs, acc, &nnode,
					&nseg, &nacc);
			q = (u8 *)(segs + o.n_segs);
		}
	}
	memcpy(q, o.st.buf, o.st.len);
	medgate_sha256(out + sizeof(hdr), total - sizeof(hdr), hdr.sha256);
	memcpy(out, &hdr, sizeof(hdr));
	*blob = out;
	*len = total;
	err = 0;
out:
	free(o.bp);
	free(o.ba);
	free(o.br);
	free(o.bc);
	free(o.attach);
	free(o.attach_owner);
	free(o.rules);
	mg_dfa_free(&o.attach_dfa);
	if (o.dfa)
		for (i = 0; i < o.np; i++)
			mg_dfa_free(&o.dfa[i]);
	free(o.dfa);
	if (o.net)
		for (i = 0; i < o.np; i++)
			mg_net_tables_free(&o.net[i]);
	free(o.net);
	free(o.bn);
	free(o.st.buf);
	mg_index_free(&o.st.ix);
	return err;
}

void mg_policy_set_max_states(struct mg_policy *p, uint32_t max_states)
{
	p->max_states = max_states;
}

/* ---- diagnostics out ---- */

static int cmp_diag(const void *a, const void *b)
{
	const struct mg_pdiag *x = a, *y = b;

	if (x->loc.file != y->loc.file)
		return x->loc.file < y->loc.file ? -1 : 1;
	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	if (x->loc.col != y->loc.col)
		return x->loc.col < y->loc.col ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int export_diags(struct mg_policy *p, struct mg_diags *d)
{
	struct mg_pdiag *sorted;
	size_t i;

	if (!d)
		return 0;
	sorted = malloc((p->n_diags ? p->n_diags : 1) * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, p->diags, p->n_diags * sizeof(*sorted));
	qsort(sorted, p->n_diags, sizeof(*sorted), cmp_diag);
	for (i = 0; i < p->n_diags; i++) {
		const struct mg_pdiag *x = &sorted[i];
		const char *file = x->loc.file < p->n_files ? p->files[x->loc.file] : "<input>";

		if (mg_diags_add(d, file, x->loc.line, x->loc.col, x->msg)) {
			free(sorted);
			return -ENOMEM;
		}
	}
	free(sorted);
	if (p->diags_overflow && p->n_files) {
		char msg[128];

		snprintf(msg, sizeof(msg), "too many errors: only the first %u are shown",
			 MG_DIAGS_MAX);
		if (mg_diags_add(d, p->files[p->n_files - 1], 0, 0, msg))
			return -ENOMEM;
	}
	return 0;
}

int mg_policy_build(struct mg_policy *p, void **blob, size_t *len, struct mg_diags *diags)
{
	struct medgate_blob_view view;
	struct mg_profile **sorted;
	const char *why = NULL;
	size_t parse_diags = p->n_diags;
	int err;

	*blob = NULL;
	*len = 0;
	if (p->oom)
		return -ENOMEM;
	sorted = calloc(p->n_profiles ? p->n_profiles : 1, sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	resolve(p, sorted);
	if (p->oom) {
		err = -ENOMEM;
		goto out;
	}
	if (p->n_diags || p->diags_overflow) {
		err = export_diags(p, diags) ?: -EINVAL;
		goto out;
	}
	err = emit(p, sorted, blob, len);
	if (err == -E2BIG) {
		struct mg_loc l = { 0 };

		if (p->n_profiles)
			l = p->profiles[p->n_profiles - 1]->loc;
		mg_error(p, l, "the compiled policy would exceed %u bytes", MEDGATE_BLOB_MAX_SIZE);
		err = export_diags(p, diags) ?: -EINVAL;
		goto out;
	}
	if (err == -EINVAL) {
		err = export_diags(p, diags) ?: -EINVAL;
		goto out;
	}
	if (err)
		goto out;
	err = medgate_blob_validate(*blob, *len, &view, &why);
	if (err) {
		struct mg_loc l = { 0 };

		mg_error(p, l, "internal error: the compiler produced an invalid blob (%s)",
			 why ? why : "no reason given");
		free(*blob);
		*blob = NULL;
		*len = 0;
		err = export_diags(p, diags) ?: -EINVAL;
	}
out:
	/* Errors of the text stay; the checks above run again if build is called again. */
	while (p->n_diags > parse_diags)
		free(p->diags[--p->n_diags].msg);
	free(sorted);
	return err;
}

/* ---- one-call forms ---- */

int mg_policy_compile(const char *text, const char *filename, void **blob, size_t *len,
		      struct mg_diags *diags)
{
	struct mg_policy *p;
	int err;

	*blob = NULL;
	*len = 0;
	if (mg_policy_new(&p))
		return -ENOMEM;
	err = mg_policy_add_text(p, text, strlen(text), filename);
	if (err != -ENOMEM)
		err = mg_policy_build(p, blob, len, diags);
	mg_policy_free(p);
	return err;
}

int mg_policy_compile_files(const char *const *paths, size_t n, void **blob, size_t *len,
			    struct mg_diags *diags)
{
	struct mg_policy *p;
	int err, io_err = 0;
	size_t i;

	*blob = NULL;
	*len = 0;
	if (mg_policy_new(&p))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = mg_policy_add_file(p, paths[i]);
		if (err == -ENOMEM)
			goto out;
		if (err && err != -EINVAL && !io_err)
			io_err = err;
	}
	err = mg_policy_build(p, blob, len, diags);
	/* An unreadable file is reported as what it is, with its diagnostic. */
	if (err == -EINVAL && io_err)
		err = io_err;
out:
	mg_policy_free(p);
	return err;
}

int mg_policy_compile_file(const char *path, void **blob, size_t *len, struct mg_diags *diags)
{
	return mg_policy_compile_files(&path, 1, blob, len, diags);
}

bool mg_is_blob(const void *buf, size_t len)
{
	u32 magic;

	if (len < sizeof(magic))
		return false;
	memcpy(&magic, buf, sizeof(magic));
	return magic == MEDGATE_BLOB_MAGIC;
}

int mg_blob_version(const void *blob, size_t len, uint64_t *version)
{
	struct medgate_blob_header hdr;

	if (len < sizeof(hdr))
		return -EINVAL;
	memcpy(&hdr, blob, sizeof(hdr));
	*version = medgate_blob_version(hdr.sha256);
	return 0;
}

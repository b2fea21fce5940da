// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a compiled policy back: `medgatectl policy show` (what the kernel holds, as policy text)
 * and `medgatectl policy diff` (what a load would change).
 *
 * A blob is first accepted by the module's own validator (kmod/blob.c), run on a private copy;
 * the tables are then read through the validator's view of that copy (struct medgate_blob_view),
 * whose every index and string offset it has checked, so the layout is computed in one place for
 * the module, the compiler and this decoder. Nothing here interprets the DFAs: the rule and
 * attachment tables say everything a person reviews.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "blob.h"

struct mg_decoded_priv {
	struct mg_decoded pub;
	void *blob;			/* private copy; strings point into it */
	struct mg_dec_attach *attach;
	struct mg_dec_rule *rules;
};

static int cmp_id(const void *key, const void *elem)
{
	u64 id = *(const u64 *)key;
	const struct mg_dec_profile *p = elem;

	return id < p->id ? -1 : id > p->id;
}

const struct mg_dec_profile *mg_decoded_find(const struct mg_decoded *d, uint64_t id)
{
	return bsearch(&id, d->profiles, d->n_profiles, sizeof(*d->profiles), cmp_id);
}

void mg_decoded_free(struct mg_decoded *d)
{
	struct mg_decoded_priv *pd = (struct mg_decoded_priv *)d;

	if (!d)
		return;
	free(pd->blob);
	free(pd->attach);
	free(pd->rules);
	free(pd->pub.profiles);
	free(pd);
}

int mg_blob_decode(const void *blob, size_t len, struct mg_decoded **out, const char **why)
{
	const struct medgate_blob_header *hdr;
	const struct medgate_blob_profile *bp;
	const struct medgate_blob_attach *ba;
	const struct medgate_blob_rule *br;
	struct medgate_blob_view view;
	struct mg_decoded_priv *pd;
	const char *dummy;
	size_t i, j;
	int err;

	*out = NULL;
	if (!why)
		why = &dummy;
	*why = NULL;
	pd = calloc(1, sizeof(*pd));
	if (!pd)
		return -ENOMEM;
	/* Validated in place, so that the view (and the strings) point into the private copy. */
	pd->blob = malloc(len ? len : 1);
	if (!pd->blob) {
		free(pd);
		return -ENOMEM;
	}
	memcpy(pd->blob, blob, len);
	err = medgate_blob_validate(pd->blob, len, &view, why);
	if (err)
		goto fail;
	hdr = view.hdr;
	bp = view.profiles;
	ba = view.attach;
	br = view.rules;

	pd->pub.version = view.version;
	pd->pub.size = len;
	pd->pub.n_states = hdr->n_states;
	pd->pub.n_trans = hdr->n_trans;
	pd->pub.n_accept = hdr->n_accept;
	pd->pub.n_attach = hdr->n_attach;
	/* File and class rules: one numbering. The patterns of mount and chroot rules are part of
	 * those rules (below), not rules of their own. */
	pd->pub.n_rules = hdr->n_rules + hdr->n_classes;
	for (i = 0; i < hdr->n_rules; i++)
		if (br[i].access == MEDGATE_ACCESS_PATTERN)
			pd->pub.n_rules--;
	pd->pub.profiles = calloc(hdr->n_profiles ? hdr->n_profiles : 1,
				  sizeof(*pd->pub.profiles));
	pd->attach = calloc(hdr->n_attach ? hdr->n_attach : 1, sizeof(*pd->attach));
	/* Each profile's file rules, then its class rules, in one list per profile. */
	pd->rules = calloc(hdr->n_rules + hdr->n_classes + 1, sizeof(*pd->rules));
	if (!pd->pub.profiles || !pd->attach || !pd->rules) {
		err = -ENOMEM;
		goto fail;
	}
	pd->pub.n_profiles = hdr->n_profiles;

	for (i = 0; i < hdr->n_profiles; i++) {
		struct mg_dec_profile *p = &pd->pub.profiles[i];

		p->id = bp[i].id;
		p->mode = bp[i].mode;
		p->name = view.strtab + bp[i].name_off;
		p->attach = pd->attach + bp[i].first_attach;
		p->n_attach = bp[i].n_attach;
		p->rules = pd->rules + bp[i].first_rule + bp[i].first_class;
		p->n_rules = bp[i].n_rules + bp[i].n_classes;
	}
	for (i = 0; i < hdr->n_attach; i++) {
		struct mg_dec_attach *a = &pd->attach[i];

		a->index = (u32)i;
		a->flags = ba[i].flags;
		a->line = ba[i].line;
		a->pattern = view.strtab + ba[i].pattern_off;
		a->file = view.strtab + ba[i].file_off;
	}
	for (i = 0; i < hdr->n_profiles; i++) {
		struct mg_dec_rule *r = (struct mg_dec_rule *)pd->pub.profiles[i].rules +
					bp[i].n_rules;

		for (j = 0; j < bp[i].n_classes; j++, r++) {
			const struct medgate_blob_class *c = &view.classes[bp[i].first_class + j];
			const struct mg_dec_profile *t;

			r->index = hdr->n_rules + bp[i].first_class + (u32)j;
			r->op = c->op;
			r->flags = c->flags;
			r->detail = c->detail;
			r->peer = c->peer;
			r->line = c->line;
			r->pattern = c->object == MEDGATE_RULE_NONE ? "" :
				     view.strtab + br[c->object].pattern_off;
			r->source = c->source == MEDGATE_RULE_NONE ? NULL :
				    view.strtab + br[c->source].pattern_off;
			r->fstypes = c->fstype_off ? view.strtab + c->fstype_off : NULL;
			r->file = view.strtab + c->file_off;
			if (c->peer && c->peer != MEDGATE_PEER_ANY) {
				t = mg_decoded_find(&pd->pub, c->peer);
				r->peer_name = t ? t->name : NULL;
			}
		}
	}
	for (i = 0; i < hdr->n_rules; i++) {
		struct mg_dec_rule *r;
		const struct mg_dec_profile *t;
		size_t owner = 0;

		/* File rule i sits after the class rules of the profiles before its own. */
		while (owner + 1 < hdr->n_profiles && i >= bp[owner + 1].first_rule)
			owner++;
		r = &pd->rules[i + (hdr->n_profiles ? bp[owner].first_class : 0)];
		r->index = (u32)i;
		r->flags = br[i].flags;
		r->access = br[i].access;
		r->exec_mode = br[i].exec_mode;
		r->target = br[i].target;
		r->line = br[i].line;
		r->pattern = view.strtab + br[i].pattern_off;
		r->file = view.strtab + br[i].file_off;
		if (r->target) {
			t = mg_decoded_find(&pd->pub, r->target);
			r->target_name = t ? t->name : NULL;
		}
	}
	/* Each attachment and rule knows its profile, for messages about one of them alone. */
	for (i = 0; i < pd->pub.n_profiles; i++) {
		struct mg_dec_profile *p = &pd->pub.profiles[i];
		struct mg_dec_rule *list = (struct mg_dec_rule *)p->rules;
		size_t kept = 0;

		/* Class-rule patterns leave the profile's list (in place, order kept). */
		for (j = 0; j < p->n_rules; j++)
			if (list[j].op || list[j].access != MEDGATE_ACCESS_PATTERN)
				list[kept++] = list[j];
		p->n_rules = kept;

		for (j = 0; j < p->n_attach; j++)
			pd->attach[bp[i].first_attach + j].profile = p;
		for (j = 0; j < p->n_rules; j++)
			((struct mg_dec_rule *)p->rules)[j].profile = p;
	}
	*out = &pd->pub;
	return 0;
fail:
	mg_decoded_free(&pd->pub);
	return err;
}

/* ---- policy text ---- */

/* A word the lexer gives back unchanged: no blank, quote, ';', control byte, leading '#'. */
static bool bare_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!*p || *p == '#' || *p == '"' || (p[0] == '-' && p[1] == '>'))
		return false;
	for (; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == ';')
			return false;
	return true;
}

int mg_pattern_format(const char *pattern, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)pattern;
	size_t n = 0;
	int r;

	if (bare_ok(pattern)) {
		r = snprintf(buf, len, "%s", pattern);
		return r < 0 || (size_t)r >= len ? -ENOSPC : 0;
	}
	/* Quoted, with the two escapes of the language; a control byte (never from the compiler)
	 * is shown as \xHH, which the parser refuses: such a blob cannot be written as text. */
	if (len < 3)
		return -ENOSPC;
	buf[n++] = '"';
	for (; *p; p++) {
		char tmp[5];
		size_t k;

		if (*p == '"' || *p == '\\')
			k = (size_t)snprintf(tmp, sizeof(tmp), "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			k = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
		else
			k = (size_t)snprintf(tmp, sizeof(tmp), "%c", *p);
		if (n + k + 2 > len) {
			buf[n] = '\0';
			return -ENOSPC;
		}
		memcpy(buf + n, tmp, k);
		n += k;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return 0;
}

int mg_access_format_short(uint32_t access, char *buf, size_t len)
{
	return mg_access_format(access & ~medgate_access_implied(access), buf, len);
}

bool mg_dec_rule_is_exec(const struct mg_dec_rule *r)
{
	return (r->access & ~MEDGATE_ACCESS_MMAP_EXEC) == MEDGATE_ACCESS_EXEC &&
	       (r->access & MEDGATE_ACCESS_MMAP_EXEC);
}

/* Appends " PATTERN" and @after (the pattern quoted where the language needs it) at @buf + *@n. */
static int put_pattern(char *buf, size_t len, size_t *n, const char *pattern, const char *after)
{
	size_t plen = strlen(pattern) * 4 + 3;
	char *pat = malloc(plen);
	int k, err;

	if (!pat)
		return -ENOMEM;
	err = mg_pattern_format(pattern, pat, plen);
	if (!err) {
		k = snprintf(buf + *n, len - *n, " %s%s", pat, after);
		if (k < 0 || (size_t)k >= len - *n)
			err = -ENOSPC;
		else
			*n += (size_t)k;
	}
	free(pat);
	return err;
}

/* A class rule as its statement: "capability net_bind_service sys_chroot", "signal b term". */
static int class_rule_format(const struct mg_dec_rule *r, char *buf, size_t len)
{
	const char *kw = mg_class_keyword(r->op);
	size_t n = 0;
	unsigned int bit;
	char word[64];
	int k;

#define PUT(...) do {							\
		k = snprintf(buf + n, len - n, __VA_ARGS__);		\
		if (k < 0 || (size_t)k >= len - n)			\
			return -ENOSPC;					\
		n += (size_t)k;						\
	} while (0)
	PUT("%s%s%s", r->flags & MEDGATE_RULE_F_AUDIT ? "audit " : "",
	    r->flags & MEDGATE_RULE_F_DENY ? "deny " : "", kw ? kw : "class");
	if (r->op == MEDGATE_OP_MOUNT || r->op == MEDGATE_OP_CHROOT) {
		if (r->op == MEDGATE_OP_MOUNT) {
			for (bit = 0; bit < 64; bit++)
				if (r->detail & (1ULL << bit))
					PUT(" %s", mg_class_detail_name(r->op, bit, word,
									sizeof(word)));
		}
		if (r->fstypes)
			PUT(" type %s", r->fstypes);
		if (r->source && put_pattern(buf, len, &n, r->source, " ->"))
			return -ENOSPC;
		return put_pattern(buf, len, &n, r->pattern, "");
	}
	if (r->op == MEDGATE_OP_PTRACE)
		PUT(" %s", r->detail & (1ULL << MEDGATE_PTRACE_TRACE) ? "trace" : "read");
	if (r->op == MEDGATE_OP_PTRACE || r->op == MEDGATE_OP_SIGNAL) {
		if (r->peer == MEDGATE_PEER_ANY)
			PUT(" any");
		else if (r->peer == MEDGATE_PEER_UNCONFINED)
			PUT(" unconfined");
		else if (r->peer_name)
			PUT(" %s", r->peer_name);
		else
			PUT(" %016" PRIx64, r->peer);
	}
	if (r->op == MEDGATE_OP_PTRACE || r->op == MEDGATE_OP_USERNS || r->op == MEDGATE_OP_TIMES ||
	    ((r->op == MEDGATE_OP_SIGNAL || r->op == MEDGATE_OP_BPF) && r->detail == ~0ULL))
		return 0;
	if (r->op != MEDGATE_OP_IOCTL && r->detail == medgate_class_details(r->op)) {
		PUT(" all");
		return 0;
	}
	for (bit = 0; bit < 64; bit++)
		if (r->detail & (1ULL << bit))
			PUT(" %s", mg_class_detail_name(r->op, bit, word, sizeof(word)));
#undef PUT
	return 0;
}

int mg_dec_rule_format(const struct mg_dec_rule *r, char *buf, size_t len)
{
	char *pat, acc[48], target[MEDGATE_NAME_MAX + 32] = "";
	size_t plen = strlen(r->pattern) * 4 + 3;
	int n, err;

	if (r->op)
		return class_rule_format(r, buf, len);
	pat = malloc(plen);
	if (!pat)
		return -ENOMEM;
	err = mg_pattern_format(r->pattern, pat, plen);
	if (!err)
		err = mg_access_format_short(r->access, acc, sizeof(acc));
	if (err) {
		free(pat);
		return err;
	}
	if (r->exec_mode == MEDGATE_EXEC_MOVE) {
		if (r->target_name)
			snprintf(target, sizeof(target), " -> %s", r->target_name);
		else
			snprintf(target, sizeof(target), " -> %016" PRIx64, r->target);
	}
	if (r->flags & MEDGATE_RULE_F_SCRUB_ENV)
		strcat(target, " scrub-env");
	else if (r->flags & MEDGATE_RULE_F_KEEP_ENV)
		strcat(target, " keep-env");
	if (mg_dec_rule_is_exec(r))
		n = snprintf(buf, len, "%s%sexec %s%s",
			     r->flags & MEDGATE_RULE_F_AUDIT ? "audit " : "",
			     r->flags & MEDGATE_RULE_F_DENY ? "deny " : "", pat, target);
	else
		n = snprintf(buf, len, "%s%sfile %s %s%s",
			     r->flags & MEDGATE_RULE_F_AUDIT ? "audit " : "",
			     r->flags & MEDGATE_RULE_F_DENY ? "deny " : "", pat, acc, target);
	free(pat);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* ---- diff ---- */

/* Rules are the same when they decide the same: source positions and indices do not count. */
static int cmp_rule_content(const struct mg_dec_rule *a, const struct mg_dec_rule *b)
{
	int c;

	if ((a->flags & MEDGATE_RULE_F_DENY) != (b->flags & MEDGATE_RULE_F_DENY))
		return (a->flags & MEDGATE_RULE_F_DENY) ? 1 : -1;
	if (a->op != b->op)
		return a->op < b->op ? -1 : 1;
	if (a->detail != b->detail)
		return a->detail < b->detail ? -1 : 1;
	if (a->peer != b->peer)
		return a->peer < b->peer ? -1 : 1;
	c = strcmp(a->pattern, b->pattern);
	if (c)
		return c;
	c = strcmp(a->source ? a->source : "", b->source ? b->source : "");
	if (c)
		return c;
	c = strcmp(a->fstypes ? a->fstypes : "", b->fstypes ? b->fstypes : "");
	if (c)
		return c;
	if (a->access != b->access)
		return a->access < b->access ? -1 : 1;
	if (a->exec_mode != b->exec_mode)
		return a->exec_mode < b->exec_mode ? -1 : 1;
	if ((a->flags & ~MEDGATE_RULE_F_GLOB) != (b->flags & ~MEDGATE_RULE_F_GLOB))
		return (a->flags & ~MEDGATE_RULE_F_GLOB) < (b->flags & ~MEDGATE_RULE_F_GLOB) ? -1 : 1;
	/* Targets by name: a profile's id is a function of its name. */
	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	return 0;
}

static int cmp_rule_ptr(const void *x, const void *y)
{
	const struct mg_dec_rule *a = *(const struct mg_dec_rule *const *)x;
	const struct mg_dec_rule *b = *(const struct mg_dec_rule *const *)y;
	int c = cmp_rule_content(a, b);

	return c ? c : (a->index < b->index ? -1 : a->index > b->index);
}

static int cmp_attach_ptr(const void *x, const void *y)
{
	const struct mg_dec_attach *a = *(const struct mg_dec_attach *const *)x;
	const struct mg_dec_attach *b = *(const struct mg_dec_attach *const *)y;
	int c = strcmp(a->pattern, b->pattern);

	return c ? c : (a->index < b->index ? -1 : a->index > b->index);
}

static int put_change(struct mg_diff *df, const struct mg_change *ch)
{
	if (mg_grow((void **)&df->v, &df->cap, df->n + 1, sizeof(*df->v)))
		return -ENOMEM;
	df->v[df->n++] = *ch;
	return 0;
}

/*
 * Multiset difference of two lists, matched by content: what is only in @a is removed, what is
 * only in @b is added; each side's changes are emitted in table order.
 */
static int diff_lists(struct mg_diff *df, const struct mg_dec_profile *pa,
		      const struct mg_dec_profile *pb, bool rules)
{
	size_t na = pa ? (rules ? pa->n_rules : pa->n_attach) : 0;
	size_t nb = pb ? (rules ? pb->n_rules : pb->n_attach) : 0;
	const void **sa, **sb;
	bool *gone_a, *gone_b;
	size_t i, j;
	int err = -ENOMEM;

	sa = calloc(na + 1, sizeof(*sa));
	sb = calloc(nb + 1, sizeof(*sb));
	gone_a = calloc(na + 1, sizeof(*gone_a));
	gone_b = calloc(nb + 1, sizeof(*gone_b));
	if (!sa || !sb || !gone_a || !gone_b)
		goto out;
	for (i = 0; i < na; i++)
		sa[i] = rules ? (const void *)&pa->rules[i] : (const void *)&pa->attach[i];
	for (i = 0; i < nb; i++)
		sb[i] = rules ? (const void *)&pb->rules[i] : (const void *)&pb->attach[i];
	qsort(sa, na, sizeof(*sa), rules ? cmp_rule_ptr : cmp_attach_ptr);
	qsort(sb, nb, sizeof(*sb), rules ? cmp_rule_ptr : cmp_attach_ptr);
	/* Merge; the flags are indexed by position in the profile's own table. */
	for (i = 0, j = 0; i < na || j < nb;) {
		int c;

		if (i >= na)
			c = 1;
		else if (j >= nb)
			c = -1;
		else if (rules)
			c = cmp_rule_content(sa[i], sb[j]);
		else
			c = strcmp(((const struct mg_dec_attach *)sa[i])->pattern,
				   ((const struct mg_dec_attach *)sb[j])->pattern);
		if (c < 0) {
			gone_a[rules ? (size_t)((const struct mg_dec_rule *)sa[i] - pa->rules)
				     : (size_t)((const struct mg_dec_attach *)sa[i] - pa->attach)] = true;
			i++;
		} else if (c > 0) {
			gone_b[rules ? (size_t)((const struct mg_dec_rule *)sb[j] - pb->rules)
				     : (size_t)((const struct mg_dec_attach *)sb[j] - pb->attach)] = true;
			j++;
		} else {
			i++;
			j++;
		}
	}
	err = 0;
	for (i = 0; i < na && !err; i++) {
		struct mg_change ch = { .old_profile = pa, .new_profile = pb };

		if (!gone_a[i])
			continue;
		ch.kind = rules ? MG_CHANGE_RULE_REMOVED : MG_CHANGE_ATTACH_REMOVED;
		if (rules)
			ch.rule = &pa->rules[i];
		else
			ch.attach = &pa->attach[i];
		err = put_change(df, &ch);
	}
	for (i = 0; i < nb && !err; i++) {
		struct mg_change ch = { .old_profile = pa, .new_profile = pb };

		if (!gone_b[i])
			continue;
		ch.kind = rules ? MG_CHANGE_RULE_ADDED : MG_CHANGE_ATTACH_ADDED;
		if (rules)
			ch.rule = &pb->rules[i];
		else
			ch.attach = &pb->attach[i];
		err = put_change(df, &ch);
	}
out:
	free(sa);
	free(sb);
	free(gone_a);
	free(gone_b);
	return err;
}

static int cmp_profile_name(const void *x, const void *y)
{
	const struct mg_dec_profile *a = *(const struct mg_dec_profile *const *)x;
	const struct mg_dec_profile *b = *(const struct mg_dec_profile *const *)y;

	return strcmp(a->name, b->name);
}

int mg_policy_diff(const struct mg_decoded *old, const struct mg_decoded *new,
		   struct mg_diff *df)
{
	const struct mg_dec_profile **so, **sn;
	size_t no = old ? old->n_profiles : 0, nn = new ? new->n_profiles : 0, i, j;
	int err = -ENOMEM;

	memset(df, 0, sizeof(*df));
	so = calloc(no + 1, sizeof(*so));
	sn = calloc(nn + 1, sizeof(*sn));
	if (!so || !sn)
		goto out;
	for (i = 0; i < no; i++)
		so[i] = &old->profiles[i];
	for (i = 0; i < nn; i++)
		sn[i] = &new->profiles[i];
	/* Profiles in name order: the order a reader looks for them in. */
	qsort(so, no, sizeof(*so), cmp_profile_name);
	qsort(sn, nn, sizeof(*sn), cmp_profile_name);
	err = 0;
	for (i = 0, j = 0; (i < no || j < nn) && !err;) {
		struct mg_change ch = { 0 };
		int c;

		if (i >= no)
			c = 1;
		else if (j >= nn)
			c = -1;
		else
			c = strcmp(so[i]->name, sn[j]->name);
		if (c < 0) {
			ch.kind = MG_CHANGE_PROFILE_REMOVED;
			ch.old_profile = so[i];
			err = put_change(df, &ch);
			if (!err)
				err = diff_lists(df, so[i], NULL, false);
			if (!err)
				err = diff_lists(df, so[i], NULL, true);
			i++;
		} else if (c > 0) {
			ch.kind = MG_CHANGE_PROFILE_ADDED;
			ch.new_profile = sn[j];
			err = put_change(df, &ch);
			if (!err)
				err = diff_lists(df, NULL, sn[j], false);
			if (!err)
				err = diff_lists(df, NULL, sn[j], true);
			j++;
		} else {
			if (so[i]->mode != sn[j]->mode) {
				ch.kind = MG_CHANGE_MODE;
				ch.old_profile = so[i];
				ch.new_profile = sn[j];
				err = put_change(df, &ch);
			}
			if (!err)
				err = diff_lists(df, so[i], sn[j], false);
			if (!err)
				err = diff_lists(df, so[i], sn[j], true);
			i++;
			j++;
		}
	}
	if (!err) {
		uint64_t vo = old ? old->version : 0, vn = new ? new->version : 0;

		df->same_version = old && new && vo == vn;
		df->positions_only = !df->n && !df->same_version && old && new;
	}
out:
	free(so);
	free(sn);
	if (err)
		mg_diff_free(df);
	return err;
}

void mg_diff_free(struct mg_diff *df)
{
	if (!df)
		return;
	free(df->v);
	memset(df, 0, sizeof(*df));
}

const char *mg_change_name(enum mg_change_kind k)
{
	switch (k) {
	case MG_CHANGE_PROFILE_ADDED:	return "profile_added";
	case MG_CHANGE_PROFILE_REMOVED:	return "profile_removed";
	case MG_CHANGE_MODE:		return "mode_changed";
	case MG_CHANGE_ATTACH_ADDED:	return "attach_added";
	case MG_CHANGE_ATTACH_REMOVED:	return "attach_removed";
	case MG_CHANGE_RULE_ADDED:	return "rule_added";
	case MG_CHANGE_RULE_REMOVED:	return "rule_removed";
	}
	return "unknown";
}

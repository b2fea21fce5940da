// SPDX-License-Identifier: GPL-2.0
/*
 * Format-1 matcher: exact paths and directory prefixes, deny rules first. The cost is linear in
 * the profile's rule count; the glob language replaces this with a DFA whose cost depends on the
 * path length only. Rule identity is kept in every result so audit records can name the rule.
 */
#include "match.h"

static bool rule_matches(const struct medgate_blob_view *v, const struct medgate_blob_rule *r,
			 const char *path)
{
	const char *rp = v->strtab + r->path_off;

	if (r->flags & MEDGATE_RULE_F_PREFIX)
		return strncmp(path, rp, strlen(rp)) == 0;
	return strcmp(path, rp) == 0;
}

/* Writing anywhere includes appending: a grant of w also grants a. */
static u32 granted_bits(u32 access)
{
	if (access & MEDGATE_ACCESS_WRITE)
		access |= MEDGATE_ACCESS_APPEND;
	return access;
}

static void set_rule(const struct medgate_blob_view *v, struct medgate_match *m, u32 idx)
{
	m->rule = idx;
	m->line = v->rules[idx].line;
}

void medgate_match_file(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
			const char *path, u32 access, struct medgate_match *m)
{
	u32 end = p->first_rule + p->n_rules;
	u32 granted = 0, i;
	bool decided = false;

	memset(m, 0, sizeof(*m));
	m->rule = MEDGATE_RULE_NONE;

	for (i = p->first_rule; i < end; i++) {
		const struct medgate_blob_rule *r = &v->rules[i];

		if (!(r->flags & MEDGATE_RULE_F_DENY) || !(r->access & access))
			continue;
		if (rule_matches(v, r, path)) {
			m->explicit_deny = true;
			set_rule(v, m, i);
			return;
		}
	}

	/*
	 * The first allow rule that grants any requested bit is the one named; the exec
	 * disposition comes from the first rule that grants exec.
	 */
	for (i = p->first_rule; i < end && (granted & access) != access; i++) {
		const struct medgate_blob_rule *r = &v->rules[i];
		u32 bits = granted_bits(r->access);

		if ((r->flags & MEDGATE_RULE_F_DENY) || !(bits & access & ~granted))
			continue;
		if (!rule_matches(v, r, path))
			continue;
		if (!decided) {
			set_rule(v, m, i);
			decided = true;
		}
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
		m->rule = MEDGATE_RULE_NONE;
		m->line = 0;
		m->exec_mode = MEDGATE_EXEC_STAY;
		m->target = 0;
	}
}

const struct medgate_blob_profile *medgate_match_attach(const struct medgate_blob_view *v,
							const char *path)
{
	u32 p, i;

	for (p = 0; p < v->hdr->n_profiles; p++) {
		const struct medgate_blob_profile *prof = &v->profiles[p];

		for (i = prof->first_attach; i < prof->first_attach + prof->n_attach; i++)
			if (strcmp(path, v->strtab + v->attach[i].path_off) == 0)
				return prof;
	}
	return NULL;
}

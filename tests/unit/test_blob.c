// SPDX-License-Identifier: GPL-2.0
/*
 * The blob validator (format 2): a valid blob passes; every truncation and every single-bit flip
 * of a valid multi-profile glob policy is rejected; each structural rule of docs/policy-blob.md
 * is rejected with its own reason even when the checksum is made to match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"
#include "tap.h"

/* Two files, three profiles (one without rules), globs in attachments and rules. */
static const char sample_text[] =
	"profile hl7-forwarder {\n"
	"    attach /opt/gw/bin/hl7\n"
	"    attach /opt/gw/bin/hl7-*\n"
	"    file /etc/hl7/fwd.conf r\n"
	"    file /var/log/hl7/** ra\n"
	"    file /var/log/hl7/*.log rw\n"
	"    deny file /etc/shadow r\n"
	"    exec /opt/gw/bin/helper -> helper\n"
	"    file /dev/tty[0-9] rw\n"
	"}\n"
	"profile idle {\n"
	"    attach /opt/gw/bin/idle\n"
	"}\n";
static const char sample_second[] =
	"profile helper {\n"
	"    mode complain\n"
	"    attach /opt/gw/bin/h2\n"
	"    file /tmp/* w\n"
	"    file /tmp/x?? r\n"
	"}\n";
/* No attachments at all. */
static const char solo_text[] = "profile solo {\n    file /x/* r\n}\n";

static u8 *sample(const char *which, size_t *len)
{
	char msg[512];
	u8 *blob;

	if (which == solo_text)
		return bb_compile(solo_text, len);
	if (bb_compile2(sample_text, sample_second, 0, &blob, len, msg, sizeof(msg))) {
		printf("Bail out! sample does not compile: %s\n", msg);
		exit(1);
	}
	return blob;
}

static int validate(const u8 *blob, size_t len, const char **why)
{
	struct medgate_blob_view v;

	*why = "";
	return medgate_blob_validate(blob, len, &v, why);
}

static void test_valid(void)
{
	const struct medgate_blob_profile *p;
	struct medgate_blob_view v;
	const char *why = "";
	size_t len, len2;
	u8 *blob = sample(sample_text, &len);
	u8 *again = sample(sample_text, &len2);
	u32 i;

	tap_ok(medgate_blob_validate(blob, len, &v, &why) == 0, "valid blob accepted (%s)", why);
	tap_ok(v.hdr->n_profiles == 3 && v.hdr->n_rules == 8 && v.hdr->n_attach == 4,
	       "view counts");
	tap_ok(v.hdr->attach_dfa == 0 && v.hdr->attach_states > 0 && v.states && v.trans &&
	       v.accept, "attachment DFA first, table pointers set");
	p = medgate_blob_find_profile(&v, medgate_profile_id("helper"));
	tap_ok(p != NULL && p->n_rules == 2 && p->dfa != MEDGATE_DFA_NONE && p->n_states > 0,
	       "profile found by id, with its DFA");
	tap_ok(p && !strcmp(v.strtab + v.rules[p->first_rule].file_off, "second.policy") &&
	       v.rules[p->first_rule].line == 4 &&
	       !strcmp(v.strtab + v.rules[p->first_rule].pattern_off, "/tmp/*") &&
	       v.rules[p->first_rule].flags == MEDGATE_RULE_F_GLOB,
	       "rule identity: pattern as written, file, line, glob flag");
	p = medgate_blob_find_profile(&v, medgate_profile_id("idle"));
	tap_ok(p && p->n_rules == 0 && p->dfa == MEDGATE_DFA_NONE && p->n_states == 0,
	       "a profile without rules has no DFA");
	tap_ok(medgate_blob_find_profile(&v, 12345) == NULL, "unknown id not found");
	for (i = 0; i < v.hdr->n_attach; i++)
		if (!strcmp(v.strtab + v.attach[i].pattern_off, "/opt/gw/bin/hl7-*"))
			break;
	tap_ok(i < v.hdr->n_attach && v.attach[i].flags == MEDGATE_PATTERN_F_GLOB &&
	       v.attach[i].line == 3 && !strcmp(v.strtab + v.attach[i].file_off, "test.policy"),
	       "attachment identity: pattern, glob flag, file, line");
	tap_ok(len == len2 && !memcmp(blob, again, len), "same input, same bytes");
	tap_ok(v.version == medgate_blob_version(v.hdr->sha256) && v.version != 0,
	       "version derived from the digest");
	free(blob);
	free(again);
}

static void test_truncations(void)
{
	size_t len, cut, accepted = 0;
	u8 *blob = sample(sample_text, &len);
	const char *why = "";

	for (cut = 0; cut < len; cut++) {
		u8 *copy = malloc(cut ? cut : 1);

		memcpy(copy, blob, cut);
		if (validate(copy, cut, &why) == 0)
			accepted++;
		free(copy);
	}
	tap_ok(accepted == 0, "all %zu truncations rejected (%zu accepted)", len, accepted);
	free(blob);
}

static void test_bit_flips(void)
{
	size_t len, bit, accepted = 0;
	u8 *blob = sample(sample_text, &len);
	const char *why = "";

	for (bit = 0; bit < len * 8; bit++) {
		blob[bit / 8] ^= 1u << (bit % 8);
		if (validate(blob, len, &why) == 0)
			accepted++;
		blob[bit / 8] ^= 1u << (bit % 8);
	}
	tap_ok(accepted == 0, "all %zu single-bit flips rejected (%zu accepted)", len * 8,
	       accepted);
	free(blob);
}

/* ---- structural defects, made on purpose and resealed so that only the structure is wrong ---- */

typedef struct bb_tables T;

static struct medgate_blob_profile *prof(T *t, const char *name)
{
	u32 i;

	for (i = 0; i < t->hdr->n_profiles; i++)
		if (t->prof[i].id == medgate_profile_id(name))
			return &t->prof[i];
	return NULL;
}

/* The last profile (in table order) that has rules, and so the last DFA. */
static u32 last_with_rules(T *t)
{
	u32 i = t->hdr->n_profiles;

	while (i-- > 0)
		if (t->prof[i].n_rules)
			return i;
	return 0;
}

/* A state of profile @p's DFA with at least @nt transitions and @na accept entries. */
static struct medgate_blob_state *state_with(T *t, const char *p, u32 nt, u32 na)
{
	struct medgate_blob_profile *pr = prof(t, p);
	u32 s;

	for (s = pr->dfa; s < pr->dfa + pr->n_states; s++)
		if (t->st[s].n_trans >= nt && t->st[s].n_accept >= na)
			return &t->st[s];
	printf("Bail out! no state with %u transitions and %u accepts in %s\n", nt, na, p);
	exit(1);
}

/* A transition of profile @p whose range spans more than one byte. */
static struct medgate_blob_trans *range_trans(T *t, const char *p)
{
	struct medgate_blob_profile *pr = prof(t, p);
	u32 s, k;

	for (s = pr->dfa; s < pr->dfa + pr->n_states; s++)
		for (k = 0; k < t->st[s].n_trans; k++)
			if (t->tr[t->st[s].first_trans + k].lo < t->tr[t->st[s].first_trans + k].hi)
				return &t->tr[t->st[s].first_trans + k];
	printf("Bail out! no range transition in %s\n", p);
	exit(1);
}

#define D(name) static void name(T *t)

D(d_magic) { t->hdr->magic = 0x12345678; }
D(d_format) { t->hdr->format = 1; }
D(d_flags) { t->hdr->flags = 1; }
D(d_hreserved) { t->hdr->reserved[2] = 1; }
D(d_total) { t->hdr->total_len += 8; }
D(d_profiles) { t->hdr->n_profiles = MEDGATE_MAX_PROFILES + 1; }
D(d_attach_max) { t->hdr->n_attach = MEDGATE_MAX_ATTACH + 1; }
D(d_rules_big) { t->hdr->n_rules = 0xffffffff; }
D(d_states_max) { t->hdr->n_states = MEDGATE_MAX_STATES + 1; }
D(d_trans_max) { t->hdr->n_trans = 0xffffffff; }
D(d_accept_max) { t->hdr->n_accept = MEDGATE_MAX_ACCEPT + 1; }
D(d_sizes) { t->hdr->n_attach += 1; }
D(d_sizes_states) { t->hdr->n_states -= 1; }
D(d_strnul) { t->str[t->hdr->strtab_len - 1] = 'x'; }
D(d_name_off) { t->prof[0].name_off = t->hdr->strtab_len; }
D(d_id) { t->prof[0].id ^= 1; }
D(d_order)
{
	struct medgate_blob_profile a = t->prof[0], c = t->prof[1];

	/* Swap identities only, keeping the table ranges in order. */
	t->prof[0].id = c.id;
	t->prof[0].name_off = c.name_off;
	t->prof[1].id = a.id;
	t->prof[1].name_off = a.name_off;
}
D(d_mode) { t->prof[0].mode = 7; }
D(d_preserved) { t->prof[1].reserved[1] = 1; }
D(d_rule_range) { prof(t, "helper")->n_rules += 1; }
D(d_rule_gap)
{
	struct medgate_blob_profile *p = prof(t, "hl7-forwarder");

	p->first_rule += 1;
	p->n_rules -= 1;
}
D(d_att_range) { prof(t, "helper")->first_attach += 1; }
D(d_stray_rules)
{
	u32 l = last_with_rules(t), i;

	t->prof[l].n_rules -= 1;
	for (i = l + 1; i < t->hdr->n_profiles; i++)
		t->prof[i].first_rule -= 1;
}
D(d_stray_attach)
{
	u32 i, l = t->hdr->n_profiles - 1;

	t->prof[l].n_attach -= 1;
	for (i = l + 1; i < t->hdr->n_profiles; i++)
		t->prof[i].first_attach -= 1;
}
D(d_attach_dfa_none) { t->hdr->attach_dfa = MEDGATE_DFA_NONE; }
D(d_attach_states_0) { t->hdr->attach_states = 0; }
D(d_attach_states_big) { t->hdr->attach_states = t->hdr->n_states + 1; }
D(d_attach_dfa_extra) { t->hdr->attach_dfa = 0; t->hdr->attach_states = 1; }
D(d_idle_dfa) { prof(t, "idle")->dfa = 0; }
D(d_no_dfa) { prof(t, "helper")->dfa = MEDGATE_DFA_NONE; }
D(d_no_states) { prof(t, "helper")->n_states = 0; }
D(d_dfa_order) { prof(t, "hl7-forwarder")->dfa += 1; }
D(d_stray_states) { t->prof[last_with_rules(t)].n_states -= 1; }
D(d_tr_range)
{
	struct medgate_blob_state *s = state_with(t, "hl7-forwarder", 1, 0);

	s->first_trans += 1;
}
D(d_acc_range)
{
	struct medgate_blob_state *s = state_with(t, "hl7-forwarder", 0, 1);

	s->first_accept += 1;
}
D(d_stray_trans)
{
	u32 s = t->hdr->n_states;

	while (s-- > 0 && !t->st[s].n_trans)
		t->st[s].first_trans -= 1;
	t->st[s].n_trans -= 1;
}
D(d_stray_accept)
{
	u32 s = t->hdr->n_states;

	while (s-- > 0 && !t->st[s].n_accept)
		t->st[s].first_accept -= 1;
	t->st[s].n_accept -= 1;
}
D(d_tr_reversed)
{
	struct medgate_blob_trans *tr = range_trans(t, "hl7-forwarder");
	u8 lo = tr->lo;

	tr->lo = tr->hi;
	tr->hi = lo;
}
D(d_tr_overlap)
{
	struct medgate_blob_state *s = state_with(t, "hl7-forwarder", 2, 0);

	t->tr[s->first_trans + 1].lo = t->tr[s->first_trans].hi;
}
D(d_tr_unsorted)
{
	struct medgate_blob_state *s = state_with(t, "hl7-forwarder", 2, 0);
	struct medgate_blob_trans x = t->tr[s->first_trans];

	t->tr[s->first_trans] = t->tr[s->first_trans + 1];
	t->tr[s->first_trans + 1] = x;
}
D(d_tr_reserved) { t->tr[t->hdr->n_trans - 1].reserved = 1; }
D(d_tr_into_attach) { t->tr[t->st[prof(t, "helper")->dfa].first_trans].next = 0; }
D(d_tr_past_end) { t->tr[t->hdr->n_trans - 1].next = t->hdr->n_states; }
D(d_tr_attach_out) { t->tr[0].next = t->hdr->attach_states; }
D(d_acc_other)
{
	struct medgate_blob_state *s = state_with(t, "hl7-forwarder", 0, 1);

	t->acc[s->first_accept] = prof(t, "helper")->first_rule;
}
D(d_acc_attach)
{
	u32 s;

	for (s = 0; !t->st[s].n_accept; s++)
		;
	t->acc[t->st[s].first_accept] = t->hdr->n_attach;
}
D(d_acc_order)
{
	struct medgate_blob_state *s = state_with(t, "hl7-forwarder", 0, 2);
	u32 x = t->acc[s->first_accept];

	t->acc[s->first_accept] = t->acc[s->first_accept + 1];
	t->acc[s->first_accept + 1] = x;
}
D(d_acc_dup)
{
	struct medgate_blob_state *s = state_with(t, "hl7-forwarder", 0, 2);

	t->acc[s->first_accept + 1] = t->acc[s->first_accept];
}
D(d_att_rel) { t->att[0].pattern_off = t->prof[0].name_off; }
D(d_att_off) { t->att[1].pattern_off = t->hdr->strtab_len + 7; }
D(d_att_flags) { t->att[0].flags |= 0x80; }
D(d_att_flag0) { t->att[2].flags |= 1; }
D(d_att_file) { t->att[3].file_off = 0xfffffff0; }
D(d_rule_off) { t->rule[0].pattern_off = 0xfffffff0; }
D(d_rule_rel) { t->rule[1].pattern_off = t->prof[1].name_off; }
D(d_rule_file) { t->rule[2].file_off = t->hdr->strtab_len; }
D(d_rule_flags) { t->rule[0].flags |= 0x80; }
D(d_rule_access) { t->rule[0].access = 0; }
D(d_rule_bits) { t->rule[0].access |= 1u << 30; }
D(d_exec_mode) { t->rule[0].exec_mode = 9; }

static struct medgate_blob_rule *move_rule(T *t)
{
	struct medgate_blob_profile *p = prof(t, "hl7-forwarder");

	return &t->rule[p->first_rule + 4];
}

D(d_target) { move_rule(t)->target = 42; }
D(d_move_noexec) { move_rule(t)->access = MEDGATE_ACCESS_READ; }
D(d_move_deny) { move_rule(t)->flags |= MEDGATE_RULE_F_DENY; }
D(d_stay_target) { move_rule(t)->exec_mode = MEDGATE_EXEC_STAY; }
D(d_env_both) { move_rule(t)->flags |= MEDGATE_RULE_F_SCRUB_ENV | MEDGATE_RULE_F_KEEP_ENV; }

static void d_env_noexec(T *t)
{
	t->rule[0].access = MEDGATE_ACCESS_READ;
	t->rule[0].exec_mode = MEDGATE_EXEC_STAY;
	t->rule[0].target = 0;
	t->rule[0].flags |= MEDGATE_RULE_F_KEEP_ENV;
}

struct defect {
	const char *name;
	void (*apply)(T *t);
	int err;
	const char *why;
	const char *base;	/* sample_text (default) or solo_text */
};

static const struct defect defects[] = {
	{ "bad magic", d_magic, -EINVAL, "bad magic", NULL },
	{ "unknown format", d_format, -EPROTO, "format version", NULL },
	{ "header flags", d_flags, -EINVAL, "reserved header", NULL },
	{ "header reserved", d_hreserved, -EINVAL, "reserved header", NULL },
	{ "total_len mismatch", d_total, -EINVAL, "header length", NULL },
	{ "too many profiles", d_profiles, -E2BIG, "too many profiles", NULL },
	{ "too many attachments", d_attach_max, -E2BIG, "too many attachments", NULL },
	{ "rule count overflow", d_rules_big, -E2BIG, "too many rules", NULL },
	{ "too many states", d_states_max, -E2BIG, "too many DFA states", NULL },
	{ "transition count overflow", d_trans_max, -E2BIG, "too many DFA transitions", NULL },
	{ "too many accept entries", d_accept_max, -E2BIG, "too many DFA accept entries", NULL },
	{ "sizes do not add up", d_sizes, -EINVAL, "add up", NULL },
	{ "state count does not add up", d_sizes_states, -EINVAL, "add up", NULL },
	{ "string table unterminated", d_strnul, -EINVAL, "not NUL-terminated", NULL },
	{ "profile name offset out of range", d_name_off, -EINVAL, "profile name", NULL },
	{ "profile id mismatch", d_id, -EINVAL, "id does not match", NULL },
	{ "profiles out of order", d_order, -EINVAL, "not sorted", NULL },
	{ "unknown mode", d_mode, -EINVAL, "unknown profile mode", NULL },
	{ "profile reserved", d_preserved, -EINVAL, "reserved profile", NULL },
	{ "rule range past the table", d_rule_range, -EINVAL, "profile rule range", NULL },
	{ "rule range with a gap", d_rule_gap, -EINVAL, "profile rule range", NULL },
	{ "attachment range out of order", d_att_range, -EINVAL, "profile attachment range", NULL },
	{ "rules owned by no profile", d_stray_rules, -EINVAL, "rules not owned", NULL },
	{ "attachments owned by no profile", d_stray_attach, -EINVAL, "attachments not owned", NULL },
	{ "attachments without their DFA", d_attach_dfa_none, -EINVAL, "attachment DFA missing", NULL },
	{ "attachment DFA without states", d_attach_states_0, -EINVAL, "attachment DFA missing", NULL },
	{ "attachment DFA past the states", d_attach_states_big, -EINVAL, "attachment DFA missing", NULL },
	{ "attachment DFA without attachments", d_attach_dfa_extra, -EINVAL,
	  "attachment DFA without attachments", solo_text },
	{ "profile without rules with a DFA", d_idle_dfa, -EINVAL, "without rules has a DFA", NULL },
	{ "profile with rules without a DFA", d_no_dfa, -EINVAL, "with rules has no DFA", NULL },
	{ "profile DFA without states", d_no_states, -EINVAL, "with rules has no DFA", NULL },
	{ "profile DFA out of order", d_dfa_order, -EINVAL, "profile DFA range", NULL },
	{ "states owned by no DFA", d_stray_states, -EINVAL, "states not owned", NULL },
	{ "state transitions out of order", d_tr_range, -EINVAL, "state transition range", NULL },
	{ "state accept entries out of order", d_acc_range, -EINVAL, "state accept range", NULL },
	{ "transitions owned by no state", d_stray_trans, -EINVAL, "transitions not owned", NULL },
	{ "accept entries owned by no state", d_stray_accept, -EINVAL, "accept entries not owned", NULL },
	{ "reversed transition range", d_tr_reversed, -EINVAL, "reversed", NULL },
	{ "overlapping transitions", d_tr_overlap, -EINVAL, "not sorted or overlapping", NULL },
	{ "unsorted transitions", d_tr_unsorted, -EINVAL, "not sorted or overlapping", NULL },
	{ "transition reserved", d_tr_reserved, -EINVAL, "reserved transition", NULL },
	{ "transition into the attachment DFA", d_tr_into_attach, -EINVAL, "outside its DFA", NULL },
	{ "transition past the last state", d_tr_past_end, -EINVAL, "outside its DFA", NULL },
	{ "attachment DFA transition out of it", d_tr_attach_out, -EINVAL, "outside its DFA", NULL },
	{ "accept entry of another profile", d_acc_other, -EINVAL, "accept entry outside", NULL },
	{ "attachment accept past the table", d_acc_attach, -EINVAL, "accept entry outside", NULL },
	{ "accept entries out of order", d_acc_order, -EINVAL, "not strictly ascending", NULL },
	{ "accept entry repeated", d_acc_dup, -EINVAL, "not strictly ascending", NULL },
	{ "relative attachment pattern", d_att_rel, -EINVAL, "attachment pattern", NULL },
	{ "attachment pattern out of range", d_att_off, -EINVAL, "attachment pattern", NULL },
	{ "unknown attachment flags", d_att_flags, -EINVAL, "unknown attachment flags", NULL },
	{ "attachment flag bit 0", d_att_flag0, -EINVAL, "unknown attachment flags", NULL },
	{ "attachment file out of range", d_att_file, -EINVAL, "attachment source file", NULL },
	{ "rule pattern offset out of range", d_rule_off, -EINVAL, "rule pattern", NULL },
	{ "relative rule pattern", d_rule_rel, -EINVAL, "rule pattern", NULL },
	{ "rule file out of range", d_rule_file, -EINVAL, "rule source file", NULL },
	{ "unknown rule flags", d_rule_flags, -EINVAL, "unknown rule flags", NULL },
	{ "empty access", d_rule_access, -EINVAL, "access empty", NULL },
	{ "unknown access bits", d_rule_bits, -EINVAL, "access empty or with unknown", NULL },
	{ "unknown exec mode", d_exec_mode, -EINVAL, "unknown exec mode", NULL },
	{ "exec target not in policy", d_target, -EINVAL, "target names no profile", NULL },
	{ "move without exec", d_move_noexec, -EINVAL, "does not allow exec", NULL },
	{ "move on a deny rule", d_move_deny, -EINVAL, "does not allow exec", NULL },
	{ "target on a stay rule", d_stay_target, -EINVAL, "does not move", NULL },
	{ "scrub-env and keep-env together", d_env_both, -EINVAL, "both scrub-env and keep-env",
	  NULL },
	{ "keep-env on a rule without exec", d_env_noexec, -EINVAL, "environment choice", NULL },
};

static void test_defects(void)
{
	size_t i;

	for (i = 0; i < sizeof(defects) / sizeof(defects[0]); i++) {
		const struct defect *d = &defects[i];
		size_t len;
		u8 *blob = sample(d->base ? d->base : sample_text, &len);
		const char *why = "";
		T t = bb_tables(blob);
		int err;

		d->apply(&t);
		if (t.hdr->total_len == len && t.hdr->magic == MEDGATE_BLOB_MAGIC)
			bb_reseal(blob, len);
		err = validate(blob, len, &why);
		tap_ok(err == d->err && strstr(why, d->why), "rejects %s (%d, %s)", d->name, err,
		       why);
		free(blob);
	}
}

/* Every rule of the validator has its own reason: count the distinct ones the defects produce. */
static void test_reasons_distinct(void)
{
	const char *seen[sizeof(defects) / sizeof(defects[0])];
	size_t i, j, n = 0;

	for (i = 0; i < sizeof(defects) / sizeof(defects[0]); i++) {
		const struct defect *d = &defects[i];
		size_t len;
		u8 *blob = sample(d->base ? d->base : sample_text, &len);
		const char *why = "";
		T t = bb_tables(blob);

		d->apply(&t);
		if (t.hdr->total_len == len && t.hdr->magic == MEDGATE_BLOB_MAGIC)
			bb_reseal(blob, len);
		validate(blob, len, &why);
		for (j = 0; j < n && strcmp(seen[j], why); j++)
			;
		if (j == n)
			seen[n++] = why;
		free(blob);
	}
	/* 51 reasons in all; truncation, size and checksum failures are tested above. */
	tap_ok(n == 50, "%zu distinct reasons from %zu defects", n,
	       sizeof(defects) / sizeof(defects[0]));
}

static void test_empty_policy(void)
{
	struct medgate_blob_view v;
	const char *why = "";
	size_t len;
	u8 *blob = bb_compile("", &len);

	tap_ok(medgate_blob_validate(blob, len, &v, &why) == 0 && v.hdr->n_states == 0 &&
	       v.hdr->attach_dfa == MEDGATE_DFA_NONE && v.hdr->strtab_len == 1,
	       "a policy without profiles is valid, without DFAs (%s)", why);
	free(blob);
}

int main(void)
{
	tap_start();
	test_valid();
	test_empty_policy();
	test_truncations();
	test_bit_flips();
	test_defects();
	test_reasons_distinct();
	return tap_end();
}

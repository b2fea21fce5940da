// SPDX-License-Identifier: GPL-2.0
/*
 * The blob validator (format 4): a valid blob passes; every truncation and every single-bit flip
 * of a valid multi-profile glob policy is rejected; each structural rule of docs/policy-blob.md
 * is rejected with its own reason even when the checksum is made to match.
 *
 * The truncations and bit flips are one test each that tries every case and logs each one that
 * is accepted; the structural defects are one fixture variant each (DEFECTS below).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"
#include "samples.h"
#include "kselftest_harness.h"

/* The samples of samples.c, under the names the tests below use. */
#define sample_text sample_gateway
#define sample_second sample_helper
#define solo_text sample_solo

static u8 *sample(const char *which, size_t *len)
{
	char msg[512];
	u8 *blob;

	if (which == solo_text)
		return bb_compile(solo_text, len);
	if (bb_compile2(sample_text, sample_second, 0, &blob, len, msg, sizeof(msg))) {
		fprintf(stderr, "# sample does not compile: %s\n", msg);
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

/* The sample policy, compiled twice and validated once. */
FIXTURE(valid) {
	u8 *blob, *again;
	size_t len, len2;
	int err;
	const char *why;
	struct medgate_blob_view v;
};

FIXTURE_SETUP(valid)
{
	self->blob = sample(sample_text, &self->len);
	self->again = sample(sample_text, &self->len2);
	self->why = "";
	self->err = medgate_blob_validate(self->blob, self->len, &self->v, &self->why);
	/* blob_accepted reports the result; every other test needs the view it fills in. */
	if (!strcmp(_metadata->name, "blob_accepted"))
		return;
	ASSERT_EQ(0, self->err) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(valid)
{
	free(self->blob);
	free(self->again);
}

TEST_F(valid, blob_accepted)
{
	EXPECT_EQ(0, self->err) TH_LOG("%s", self->why);
}

TEST_F(valid, view_counts)
{
	EXPECT_EQ(3, self->v.hdr->n_profiles);
	EXPECT_EQ(11, self->v.hdr->n_rules);	/* 3 of them the patterns of mount and chroot rules */
	EXPECT_EQ(4, self->v.hdr->n_attach);
}

TEST_F(valid, attachment_dfa_first_table_pointers_set)
{
	const struct medgate_blob_view *v = &self->v;

	EXPECT_EQ(0, v->hdr->attach_dfa);
	EXPECT_LT(0, v->hdr->attach_states);
	EXPECT_NE(NULL, v->states);
	EXPECT_NE(NULL, v->trans);
	EXPECT_NE(NULL, v->accept);
}

TEST_F(valid, profile_found_by_id_with_its_dfa)
{
	const struct medgate_blob_profile *p;

	p = medgate_blob_find_profile(&self->v, medgate_profile_id("helper"));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(5, p->n_rules);	/* 2 file rules, 3 mount and chroot patterns */
	EXPECT_NE(MEDGATE_DFA_NONE, p->dfa);
	EXPECT_LT(0, p->n_states);
}

TEST_F(valid, rule_identity_pattern_as_written_file_line_glob_flag)
{
	const struct medgate_blob_view *v = &self->v;
	const struct medgate_blob_profile *p;
	const struct medgate_blob_rule *r;

	p = medgate_blob_find_profile(v, medgate_profile_id("helper"));
	ASSERT_NE(NULL, p);
	r = &v->rules[p->first_rule];
	EXPECT_STREQ("second.policy", v->strtab + r->file_off);
	EXPECT_EQ(4, r->line);
	EXPECT_STREQ("/tmp/*", v->strtab + r->pattern_off);
	EXPECT_EQ(MEDGATE_RULE_F_GLOB, r->flags);
}

TEST_F(valid, a_profile_without_rules_has_no_dfa)
{
	const struct medgate_blob_profile *p;

	p = medgate_blob_find_profile(&self->v, medgate_profile_id("idle"));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, p->n_rules);
	EXPECT_EQ(MEDGATE_DFA_NONE, p->dfa);
	EXPECT_EQ(0, p->n_states);
}

TEST_F(valid, unknown_id_not_found)
{
	EXPECT_EQ(NULL, medgate_blob_find_profile(&self->v, 12345));
}

TEST_F(valid, attachment_identity_pattern_glob_flag_file_line)
{
	const struct medgate_blob_view *v = &self->v;
	u32 i;

	for (i = 0; i < v->hdr->n_attach; i++)
		if (!strcmp(v->strtab + v->attach[i].pattern_off, "/opt/gw/bin/hl7-*"))
			break;
	ASSERT_LT(i, v->hdr->n_attach);
	EXPECT_EQ(MEDGATE_PATTERN_F_GLOB, v->attach[i].flags);
	EXPECT_EQ(3, v->attach[i].line);
	EXPECT_STREQ("test.policy", v->strtab + v->attach[i].file_off);
}

TEST_F(valid, same_input_same_bytes)
{
	ASSERT_EQ(self->len, self->len2);
	EXPECT_EQ(0, memcmp(self->blob, self->again, self->len));
}

TEST_F(valid, version_derived_from_the_digest)
{
	EXPECT_EQ(medgate_blob_version(self->v.hdr->sha256), self->v.version);
	EXPECT_NE(0, self->v.version);
}

TEST(all_truncations_rejected)
{
	size_t len, cut, accepted = 0;
	u8 *blob = sample(sample_text, &len);
	const char *why = "";

	for (cut = 0; cut < len; cut++) {
		u8 *copy = malloc(cut ? cut : 1);

		ASSERT_NE(NULL, copy);
		memcpy(copy, blob, cut);
		if (validate(copy, cut, &why) == 0) {
			TH_LOG("the first %zu of %zu bytes are accepted", cut, len);
			accepted++;
		}
		free(copy);
	}
	EXPECT_EQ(0, accepted) TH_LOG("%zu of %zu truncations accepted", accepted, len);
	free(blob);
}

TEST(all_single_bit_flips_rejected)
{
	size_t len, bit, accepted = 0;
	u8 *blob = sample(sample_text, &len);
	const char *why = "";

	for (bit = 0; bit < len * 8; bit++) {
		blob[bit / 8] ^= 1u << (bit % 8);
		if (validate(blob, len, &why) == 0) {
			TH_LOG("flipping bit %zu of byte %zu is accepted", bit % 8, bit / 8);
			accepted++;
		}
		blob[bit / 8] ^= 1u << (bit % 8);
	}
	EXPECT_EQ(0, accepted) TH_LOG("%zu of %zu single-bit flips accepted", accepted, len * 8);
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
D(d_hreserved) { t->prof[0].net_reserved = 1; }
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
D(d_class_range) { prof(t, "helper")->n_classes += 1; }
D(d_class_gap)
{
	struct medgate_blob_profile *p = prof(t, "hl7-forwarder");

	p->first_class += 1;
	p->n_classes -= 1;
}
D(d_stray_classes)
{
	u32 i = t->hdr->n_profiles;

	/* The last class rule is left to no profile: the profiles after its owner start earlier. */
	while (i-- > 0 && !t->prof[i].n_classes)
		t->prof[i].first_class -= 1;
	t->prof[i].n_classes -= 1;
}
D(d_classes_max) { t->hdr->n_classes = MEDGATE_MAX_CLASSES + 1; }
D(d_class_op) { t->cls[0].op = MEDGATE_OP_FILE_OPEN; }
D(d_class_flags) { t->cls[0].flags = MEDGATE_RULE_F_GLOB; }
D(d_class_detail_0) { t->cls[0].detail = 0; }
D(d_class_detail) { t->cls[0].detail = 1ULL << (MEDGATE_CAP_LAST + 1); }
D(d_namespace_detail)
{
	u32 i;

	for (i = 0; i < t->hdr->n_classes; i++)
		if (t->cls[i].op == MEDGATE_OP_NAMESPACE)
			t->cls[i].detail |= 1ULL << (MEDGATE_NS_LAST + 1);
}
D(d_class_peer_where_none) { t->cls[0].peer = MEDGATE_PEER_ANY; }
D(d_class_peer) { t->cls[t->hdr->n_classes - 1].peer = 12345; }
D(d_class_file) { t->cls[0].file_off = t->hdr->strtab_len; }

/* The first class rule of @op (the helper sample has a mount and a chroot rule). */
static struct medgate_blob_class *class_of(T *t, u32 op)
{
	u32 i;

	for (i = 0; i < t->hdr->n_classes; i++)
		if (t->cls[i].op == op)
			return &t->cls[i];
	printf("Bail out! no class rule of op %u\n", op);
	exit(1);
}

D(d_mount_object_file_rule) { class_of(t, MEDGATE_OP_MOUNT)->object = prof(t, "helper")->first_rule; }
D(d_mount_object_elsewhere) { class_of(t, MEDGATE_OP_MOUNT)->object = 0; }
D(d_mount_without_object) { class_of(t, MEDGATE_OP_MOUNT)->object = MEDGATE_RULE_NONE; }
D(d_chroot_source)
{
	struct medgate_blob_class *c = class_of(t, MEDGATE_OP_CHROOT);

	c->source = c->object;
}
D(d_mount_fstype_empty) { class_of(t, MEDGATE_OP_MOUNT)->fstype_off = t->hdr->strtab_len - 1; }
D(d_pattern_deny)
{
	t->rule[class_of(t, MEDGATE_OP_MOUNT)->object].flags |= MEDGATE_RULE_F_DENY;
}
D(d_object_on_capability) { class_of(t, MEDGATE_OP_CAPABILITY)->object = 0; }
D(d_fstype_on_chroot) { class_of(t, MEDGATE_OP_CHROOT)->fstype_off = 1; }
D(d_class_reserved) { t->cls[0].reserved = 1; }
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

/*
 * One row per defect: a name (the fixture variant's), the change, the errno and a part of the
 * reason the validator must give, and the policy it is made in (NULL: sample_text). The table is
 * expanded twice: into fixture variants, one result each, and into defects[] for the test that
 * counts distinct reasons.
 */
#define DEFECTS(X) \
	X(bad_magic, d_magic, -EINVAL, "bad magic", NULL) \
	X(unknown_format, d_format, -EPROTO, "format version", NULL) \
	X(header_flags, d_flags, -EINVAL, "reserved header", NULL) \
	X(profile_reserved, d_hreserved, -EINVAL, "reserved profile fields", NULL) \
	X(total_len_mismatch, d_total, -EINVAL, "header length", NULL) \
	X(too_many_profiles, d_profiles, -E2BIG, "too many profiles", NULL) \
	X(too_many_attachments, d_attach_max, -E2BIG, "too many attachments", NULL) \
	X(rule_count_overflow, d_rules_big, -E2BIG, "too many rules", NULL) \
	X(too_many_states, d_states_max, -E2BIG, "too many DFA states", NULL) \
	X(transition_count_overflow, d_trans_max, -E2BIG, "too many DFA transitions", NULL) \
	X(too_many_accept_entries, d_accept_max, -E2BIG, "too many DFA accept entries", NULL) \
	X(sizes_do_not_add_up, d_sizes, -EINVAL, "add up", NULL) \
	X(state_count_does_not_add_up, d_sizes_states, -EINVAL, "add up", NULL) \
	X(string_table_unterminated, d_strnul, -EINVAL, "not NUL-terminated", NULL) \
	X(profile_name_offset_out_of_range, d_name_off, -EINVAL, "profile name", NULL) \
	X(profile_id_mismatch, d_id, -EINVAL, "id does not match", NULL) \
	X(profiles_out_of_order, d_order, -EINVAL, "not sorted", NULL) \
	X(unknown_mode, d_mode, -EINVAL, "unknown profile mode", NULL) \
	X(class_range_past_the_table, d_class_range, -EINVAL, "profile class-rule range", NULL) \
	X(class_range_with_a_gap, d_class_gap, -EINVAL, "profile class-rule range", NULL) \
	X(classes_owned_by_no_profile, d_stray_classes, -EINVAL, "class rules not owned", NULL) \
	X(too_many_class_rules, d_classes_max, -E2BIG, "too many class rules", NULL) \
	X(class_rule_for_a_file_operation, d_class_op, -EINVAL, "operation that has no class", NULL) \
	X(unknown_class_rule_flags, d_class_flags, -EINVAL, "unknown class rule flags", NULL) \
	X(class_rule_without_details, d_class_detail_0, -EINVAL, "details empty or unknown", NULL) \
	X(unknown_capability_in_class_rule, d_class_detail, -EINVAL, "details empty or unknown", NULL) \
	X(unknown_namespace_type_in_class_rule, d_namespace_detail, -EINVAL, "details empty or unknown", NULL) \
	X(peer_on_a_capability_rule, d_class_peer_where_none, -EINVAL, "peer set on a class rule", NULL) \
	X(peer_naming_no_profile, d_class_peer, -EINVAL, "peer names no profile", NULL) \
	X(class_rule_file_out_of_range, d_class_file, -EINVAL, "class rule source file", NULL) \
	X(mount_rule_naming_a_file_rule, d_mount_object_file_rule, -EINVAL, "mount or chroot rule pattern", NULL) \
	X(mount_rule_naming_another_profiles_pattern, d_mount_object_elsewhere, -EINVAL, "mount or chroot rule pattern", NULL) \
	X(mount_rule_without_mount_point, d_mount_without_object, -EINVAL, "mount or chroot rule pattern", NULL) \
	X(chroot_rule_with_a_source, d_chroot_source, -EINVAL, "mount or chroot rule pattern", NULL) \
	X(mount_rule_with_empty_type_list, d_mount_fstype_empty, -EINVAL, "file system types invalid", NULL) \
	X(pattern_rule_with_deny_flag, d_pattern_deny, -EINVAL, "class-rule pattern with rule flags", NULL) \
	X(paths_on_a_capability_rule, d_object_on_capability, -EINVAL, "paths or file system types on a class rule", NULL) \
	X(types_on_a_chroot_rule, d_fstype_on_chroot, -EINVAL, "mount rule file system types invalid", NULL) \
	X(class_rule_reserved_set, d_class_reserved, -EINVAL, "class rule reserved field", NULL) \
	X(rule_range_past_the_table, d_rule_range, -EINVAL, "profile rule range", NULL) \
	X(rule_range_with_a_gap, d_rule_gap, -EINVAL, "profile rule range", NULL) \
	X(attachment_range_out_of_order, d_att_range, -EINVAL, "profile attachment range", NULL) \
	X(rules_owned_by_no_profile, d_stray_rules, -EINVAL, "rules not owned", NULL) \
	X(attachments_owned_by_no_profile, d_stray_attach, -EINVAL, "attachments not owned", NULL) \
	X(attachments_without_their_dfa, d_attach_dfa_none, -EINVAL, "attachment DFA missing", NULL) \
	X(attachment_dfa_without_states, d_attach_states_0, -EINVAL, "attachment DFA missing", NULL) \
	X(attachment_dfa_past_the_states, d_attach_states_big, -EINVAL, "attachment DFA missing", NULL) \
	X(attachment_dfa_without_attachments, d_attach_dfa_extra, -EINVAL, "attachment DFA without attachments", solo_text) \
	X(profile_without_rules_with_a_dfa, d_idle_dfa, -EINVAL, "without rules has a DFA", NULL) \
	X(profile_with_rules_without_a_dfa, d_no_dfa, -EINVAL, "with rules has no DFA", NULL) \
	X(profile_dfa_without_states, d_no_states, -EINVAL, "with rules has no DFA", NULL) \
	X(profile_dfa_out_of_order, d_dfa_order, -EINVAL, "profile DFA range", NULL) \
	X(states_owned_by_no_dfa, d_stray_states, -EINVAL, "states not owned", NULL) \
	X(state_transitions_out_of_order, d_tr_range, -EINVAL, "state transition range", NULL) \
	X(state_accept_entries_out_of_order, d_acc_range, -EINVAL, "state accept range", NULL) \
	X(transitions_owned_by_no_state, d_stray_trans, -EINVAL, "transitions not owned", NULL) \
	X(accept_entries_owned_by_no_state, d_stray_accept, -EINVAL, "accept entries not owned", NULL) \
	X(reversed_transition_range, d_tr_reversed, -EINVAL, "reversed", NULL) \
	X(overlapping_transitions, d_tr_overlap, -EINVAL, "not sorted or overlapping", NULL) \
	X(unsorted_transitions, d_tr_unsorted, -EINVAL, "not sorted or overlapping", NULL) \
	X(transition_reserved, d_tr_reserved, -EINVAL, "reserved transition", NULL) \
	X(transition_into_the_attachment_dfa, d_tr_into_attach, -EINVAL, "outside its DFA", NULL) \
	X(transition_past_the_last_state, d_tr_past_end, -EINVAL, "outside its DFA", NULL) \
	X(attachment_dfa_transition_out_of_it, d_tr_attach_out, -EINVAL, "outside its DFA", NULL) \
	X(accept_entry_of_another_profile, d_acc_other, -EINVAL, "accept entry outside", NULL) \
	X(attachment_accept_past_the_table, d_acc_attach, -EINVAL, "accept entry outside", NULL) \
	X(accept_entries_out_of_order, d_acc_order, -EINVAL, "not strictly ascending", NULL) \
	X(accept_entry_repeated, d_acc_dup, -EINVAL, "not strictly ascending", NULL) \
	X(relative_attachment_pattern, d_att_rel, -EINVAL, "attachment pattern", NULL) \
	X(attachment_pattern_out_of_range, d_att_off, -EINVAL, "attachment pattern", NULL) \
	X(unknown_attachment_flags, d_att_flags, -EINVAL, "unknown attachment flags", NULL) \
	X(attachment_flag_bit_0, d_att_flag0, -EINVAL, "unknown attachment flags", NULL) \
	X(attachment_file_out_of_range, d_att_file, -EINVAL, "attachment source file", NULL) \
	X(rule_pattern_offset_out_of_range, d_rule_off, -EINVAL, "rule pattern", NULL) \
	X(relative_rule_pattern, d_rule_rel, -EINVAL, "rule pattern", NULL) \
	X(rule_file_out_of_range, d_rule_file, -EINVAL, "rule source file", NULL) \
	X(unknown_rule_flags, d_rule_flags, -EINVAL, "unknown rule flags", NULL) \
	X(empty_access, d_rule_access, -EINVAL, "access empty", NULL) \
	X(unknown_access_bits, d_rule_bits, -EINVAL, "access empty or with unknown", NULL) \
	X(unknown_exec_mode, d_exec_mode, -EINVAL, "unknown exec mode", NULL) \
	X(exec_target_not_in_policy, d_target, -EINVAL, "target names no profile", NULL) \
	X(move_without_exec, d_move_noexec, -EINVAL, "does not allow exec", NULL) \
	X(move_on_a_deny_rule, d_move_deny, -EINVAL, "does not allow exec", NULL) \
	X(target_on_a_stay_rule, d_stay_target, -EINVAL, "does not move", NULL) \
	X(scrub_env_and_keep_env_together, d_env_both, -EINVAL, "both scrub-env and keep-env", NULL) \
	X(keep_env_on_a_rule_without_exec, d_env_noexec, -EINVAL, "environment choice", NULL)

#define DEFECT_ROW(id, fn, e, w, b) { #id, fn, e, w, b },
static const struct defect defects[] = { DEFECTS(DEFECT_ROW) };

/* The defect made in its policy and resealed; returns the validator's result and reason. */
static int apply_defect(const struct defect *d, const char **why)
{
	size_t len;
	u8 *blob = sample(d->base ? d->base : sample_text, &len);
	T t = bb_tables(blob);
	int err;

	d->apply(&t);
	if (t.hdr->total_len == len && t.hdr->magic == MEDGATE_BLOB_MAGIC)
		bb_reseal(blob, len);
	err = validate(blob, len, why);
	free(blob);
	return err;
}

FIXTURE(defect) {
};

FIXTURE_VARIANT(defect) {
	struct defect d;
};

#define DEFECT_VARIANT(id, fn, e, w, b) \
	FIXTURE_VARIANT_ADD(defect, id) { .d = { #id, fn, e, w, b } };
DEFECTS(DEFECT_VARIANT)

FIXTURE_SETUP(defect)
{
}

FIXTURE_TEARDOWN(defect)
{
}

TEST_F(defect, rejected_with_its_reason)
{
	const char *why = "";
	int err = apply_defect(&variant->d, &why);

	EXPECT_EQ(variant->d.err, err) TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, variant->d.why)) TH_LOG("reason \"%s\", want \"%s\"", why,
							  variant->d.why);
}

/* Every rule of the validator has its own reason: count the distinct ones the defects produce. */
TEST(every_defect_has_its_own_reason)
{
	const char *seen[sizeof(defects) / sizeof(defects[0])];
	size_t i, j, n = 0;

	for (i = 0; i < sizeof(defects) / sizeof(defects[0]); i++) {
		const char *why = "";

		apply_defect(&defects[i], &why);
		for (j = 0; j < n && strcmp(seen[j], why); j++)
			;
		if (j == n)
			seen[n++] = why;
	}
	/*
	 * The file, class and header reasons (the network tables' are test_netmatch's); truncation,
	 * size and checksum failures are tested above.
	 */
	EXPECT_EQ(64, n) TH_LOG("%zu distinct reasons from %zu defects", n,
				sizeof(defects) / sizeof(defects[0]));
}

/* The samples are also the fuzzer's seeds (fuzz_seed.c): each compiles into a valid blob. */
TEST(every_sample_compiles_into_a_valid_blob)
{
	size_t i;

	for (i = 0; i < n_samples; i++) {
		struct medgate_blob_view v;
		const char *why = "";
		char msg[512];
		size_t len;
		u8 *blob;
		int err;

		err = bb_compile2(samples[i].text, samples[i].second, 0, &blob, &len, msg, sizeof(msg));
		EXPECT_EQ(0, err) TH_LOG("sample \"%s\": %s", samples[i].name, msg);
		if (err)
			continue;
		EXPECT_EQ(0, medgate_blob_validate(blob, len, &v, &why))
			TH_LOG("sample \"%s\": %s", samples[i].name, why);
		free(blob);
	}
}

TEST(a_policy_without_profiles_is_valid_without_dfas)
{
	struct medgate_blob_view v;
	const char *why = "";
	size_t len;
	u8 *blob = bb_compile("", &len);

	ASSERT_EQ(0, medgate_blob_validate(blob, len, &v, &why)) TH_LOG("%s", why);
	EXPECT_EQ(0, v.hdr->n_states);
	EXPECT_EQ(MEDGATE_DFA_NONE, v.hdr->attach_dfa);
	EXPECT_EQ(1, v.hdr->strtab_len);
	free(blob);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The blob validator: a valid blob passes; every truncation and every single-bit flip of a valid
 * blob is rejected; each structural rule of docs/policy-blob.md is rejected with its own reason
 * even when the checksum is made to match.
 */
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"
#include "tap.h"

#define R(p, a)		{ .path = p, .access = a, .line = __LINE__ }

static const struct bb_profile sample[] = {
	{ .name = "hl7-forwarder", .attach = { "/opt/gw/bin/hl7" },
	  .rules = { R("/etc/hl7/fwd.conf", MEDGATE_ACCESS_READ),
		     { .path = "/var/log/hl7/", .flags = MEDGATE_RULE_F_PREFIX,
		       .access = MEDGATE_ACCESS_READ | MEDGATE_ACCESS_APPEND },
		     { .path = "/etc/shadow", .flags = MEDGATE_RULE_F_DENY,
		       .access = MEDGATE_ACCESS_READ },
		     { .path = "/opt/gw/bin/helper", .access = MEDGATE_ACCESS_EXEC,
		       .exec_mode = MEDGATE_EXEC_MOVE, .target = "helper" } } },
	{ .name = "helper", .mode = MEDGATE_MODE_COMPLAIN, .attach = { "/opt/gw/bin/h2" },
	  .rules = { R("/tmp/x", MEDGATE_ACCESS_WRITE) } },
};

static int validate(const u8 *blob, size_t len, const char **why)
{
	struct medgate_blob_view v;

	*why = "";
	return medgate_blob_validate(blob, len, &v, why);
}

static void test_valid(void)
{
	struct medgate_blob_view v;
	const char *why = "";
	size_t len, len2;
	u8 *blob = bb_build(sample, 2, &len);
	u8 *again = bb_build(sample, 2, &len2);

	tap_ok(medgate_blob_validate(blob, len, &v, &why) == 0, "valid blob accepted (%s)", why);
	tap_ok(v.hdr->n_profiles == 2 && v.hdr->n_rules == 5, "view counts");
	tap_ok(medgate_blob_find_profile(&v, medgate_profile_id("helper")) != NULL,
	       "profile found by id");
	tap_ok(medgate_blob_find_profile(&v, 12345) == NULL, "unknown id not found");
	tap_ok(len == len2 && !memcmp(blob, again, len), "same input, same bytes");
	tap_ok(v.version == medgate_blob_version(v.hdr->sha256) && v.version != 0,
	       "version derived from the digest");
	free(blob);
	free(again);
}

static void test_truncations(void)
{
	size_t len, cut, accepted = 0;
	u8 *blob = bb_build(sample, 2, &len);
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
	u8 *blob = bb_build(sample, 2, &len);
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

/* A structural defect, made on purpose and resealed so that only the structure is wrong. */
struct defect {
	const char *name;
	void (*apply)(u8 *blob, size_t *len);
	int err;
	const char *why;
};

#define HDR(b)		((struct medgate_blob_header *)(b))
#define PROF(b, i)	(&((struct medgate_blob_profile *)((b) + sizeof(struct medgate_blob_header)))[i])
#define ATT(b, i)	(&((struct medgate_blob_attach *)PROF(b, HDR(b)->n_profiles))[i])
#define RULE(b, i)	(&((struct medgate_blob_rule *)ATT(b, HDR(b)->n_attach))[i])
#define STR(b)		((char *)RULE(b, HDR(b)->n_rules))

static u32 helper_idx(u8 *b)
{
	return PROF(b, 0)->id == medgate_profile_id("helper") ? 0 : 1;
}

static u32 fwd_idx(u8 *b)
{
	return 1 - helper_idx(b);
}

static void d_magic(u8 *b, size_t *l) { (void)l; HDR(b)->magic = 0x12345678; }
static void d_format(u8 *b, size_t *l) { (void)l; HDR(b)->format = 2; }
static void d_flags(u8 *b, size_t *l) { (void)l; HDR(b)->flags = 1; }
static void d_total(u8 *b, size_t *l) { (void)l; HDR(b)->total_len += 8; }
static void d_profiles(u8 *b, size_t *l) { (void)l; HDR(b)->n_profiles = MEDGATE_MAX_PROFILES + 1; }
static void d_rules_big(u8 *b, size_t *l) { (void)l; HDR(b)->n_rules = 0xffffffff; }
static void d_sizes(u8 *b, size_t *l) { (void)l; HDR(b)->n_attach += 1; }
static void d_strnul(u8 *b, size_t *l) { b[*l - 1] = 'x'; }
static void d_name_off(u8 *b, size_t *l) { (void)l; PROF(b, 0)->name_off = HDR(b)->strtab_len; }
static void d_id(u8 *b, size_t *l) { (void)l; PROF(b, 0)->id ^= 1; }
static void d_order(u8 *b, size_t *l)
{
	struct medgate_blob_profile a = *PROF(b, 0), c = *PROF(b, 1);

	/* Swap identities only, keeping the table ranges in order. */
	(void)l;
	PROF(b, 0)->id = c.id;
	PROF(b, 0)->name_off = c.name_off;
	PROF(b, 1)->id = a.id;
	PROF(b, 1)->name_off = a.name_off;
}
static void d_mode(u8 *b, size_t *l) { (void)l; PROF(b, 0)->mode = 7; }
static void d_preserved(u8 *b, size_t *l) { (void)l; PROF(b, 1)->reserved[1] = 1; }
static void d_rule_range(u8 *b, size_t *l) { (void)l; PROF(b, 1)->n_rules += 1; }
static void d_rule_gap(u8 *b, size_t *l) { (void)l; PROF(b, 1)->first_rule += 1; PROF(b, 1)->n_rules -= 1; }
static void d_att_range(u8 *b, size_t *l) { (void)l; PROF(b, 0)->first_attach = 1; }
static void d_stray_rules(u8 *b, size_t *l) { (void)l; PROF(b, 1)->n_rules -= 1; }
static void d_att_rel(u8 *b, size_t *l) { (void)l; STR(b)[ATT(b, 0)->path_off] = 'x'; }
static void d_att_dup(u8 *b, size_t *l) { (void)l; ATT(b, 1)->path_off = ATT(b, 0)->path_off; }
static void d_rule_off(u8 *b, size_t *l) { (void)l; RULE(b, 0)->path_off = 0xfffffff0; }
static void d_rule_flags(u8 *b, size_t *l) { (void)l; RULE(b, 0)->flags |= 0x80; }
static void d_rule_access(u8 *b, size_t *l) { (void)l; RULE(b, 0)->access = 0; }
static void d_rule_bits(u8 *b, size_t *l) { (void)l; RULE(b, 0)->access |= 1u << 30; }
static void d_prefix(u8 *b, size_t *l) { (void)l; RULE(b, 0)->flags |= MEDGATE_RULE_F_PREFIX; }
static void d_exec_mode(u8 *b, size_t *l) { (void)l; RULE(b, 0)->exec_mode = 9; }
static void d_rreserved(u8 *b, size_t *l) { (void)l; RULE(b, 0)->reserved = 1; }

static struct medgate_blob_rule *move_rule(u8 *b)
{
	struct medgate_blob_profile *p = PROF(b, fwd_idx(b));

	return RULE(b, p->first_rule + 3);
}

static void d_target(u8 *b, size_t *l) { (void)l; move_rule(b)->target = 42; }
static void d_move_noexec(u8 *b, size_t *l) { (void)l; move_rule(b)->access = MEDGATE_ACCESS_READ; }
static void d_move_deny(u8 *b, size_t *l) { (void)l; move_rule(b)->flags |= MEDGATE_RULE_F_DENY; }
static void d_stay_target(u8 *b, size_t *l) { (void)l; move_rule(b)->exec_mode = MEDGATE_EXEC_STAY; }

static const struct defect defects[] = {
	{ "bad magic", d_magic, -EINVAL, "magic" },
	{ "unknown format", d_format, -EPROTO, "format" },
	{ "header flags", d_flags, -EINVAL, "reserved header" },
	{ "total_len mismatch", d_total, -EINVAL, "length" },
	{ "too many profiles", d_profiles, -E2BIG, "too many profiles" },
	{ "rule count overflow", d_rules_big, -E2BIG, "too many rules" },
	{ "sizes do not add up", d_sizes, -EINVAL, "add up" },
	{ "string table unterminated", d_strnul, -EINVAL, "NUL" },
	{ "profile name offset out of range", d_name_off, -EINVAL, "profile name" },
	{ "profile id mismatch", d_id, -EINVAL, "id does not match" },
	{ "profiles out of order", d_order, -EINVAL, "not sorted" },
	{ "unknown mode", d_mode, -EINVAL, "mode" },
	{ "profile reserved", d_preserved, -EINVAL, "reserved profile" },
	{ "rule range past the table", d_rule_range, -EINVAL, "rule range" },
	{ "rule range with a gap", d_rule_gap, -EINVAL, "rule range" },
	{ "attachment range out of order", d_att_range, -EINVAL, "attachment range" },
	{ "rules owned by no profile", d_stray_rules, -EINVAL, "not owned" },
	{ "relative attachment", d_att_rel, -EINVAL, "attachment path" },
	{ "attachment in two profiles", d_att_dup, -EINVAL, "two profiles" },
	{ "rule path offset out of range", d_rule_off, -EINVAL, "rule path" },
	{ "unknown rule flags", d_rule_flags, -EINVAL, "rule flags" },
	{ "empty access", d_rule_access, -EINVAL, "access" },
	{ "unknown access bits", d_rule_bits, -EINVAL, "access" },
	{ "prefix without slash", d_prefix, -EINVAL, "prefix" },
	{ "unknown exec mode", d_exec_mode, -EINVAL, "exec mode" },
	{ "rule reserved", d_rreserved, -EINVAL, "reserved rule" },
	{ "exec target not in policy", d_target, -EINVAL, "target names no profile" },
	{ "move without exec", d_move_noexec, -EINVAL, "does not allow exec" },
	{ "move on a deny rule", d_move_deny, -EINVAL, "does not allow exec" },
	{ "target on a stay rule", d_stay_target, -EINVAL, "does not move" },
};

static void test_defects(void)
{
	size_t i;

	for (i = 0; i < sizeof(defects) / sizeof(defects[0]); i++) {
		const struct defect *d = &defects[i];
		size_t len;
		u8 *blob = bb_build(sample, 2, &len);
		const char *why = "";
		int err;

		d->apply(blob, &len);
		if (len >= sizeof(struct medgate_blob_header) && HDR(blob)->total_len == len &&
		    HDR(blob)->magic == MEDGATE_BLOB_MAGIC)
			bb_reseal(blob, len);
		err = validate(blob, len, &why);
		tap_ok(err == d->err && strstr(why, d->why), "rejects %s (%d, %s)", d->name, err,
		       why);
		free(blob);
	}
}

static void test_empty_policy(void)
{
	size_t len;
	u8 *blob = bb_build(NULL, 0, &len);
	const char *why = "";

	tap_ok(validate(blob, len, &why) == 0, "a policy without profiles is valid (%s)", why);
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
	return tap_end();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of a compiled policy blob. Nothing is built from a blob until every offset, length,
 * count and index in it has been checked here; the checks are the ones listed in
 * docs/policy-blob.md, each with its own reason string so that a rejected load says why.
 *
 * Plain C: compiled into medgate.ko, libmedgate and the host tests (see compat.h).
 */
#include "blob.h"

#define FNV64_OFFSET	0xcbf29ce484222325ULL
#define FNV64_PRIME	0x100000001b3ULL

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
	if (h->flags || h->reserved)
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

	/* 64-bit arithmetic: each term is bounded above, so the sum cannot wrap. */
	need = (u64)sizeof(*h) +
	       (u64)h->n_profiles * sizeof(struct medgate_blob_profile) +
	       (u64)h->n_attach * sizeof(struct medgate_blob_attach) +
	       (u64)h->n_rules * sizeof(struct medgate_blob_rule) +
	       (u64)h->strtab_len;
	if (need != len)
		return fail(why, "table sizes do not add up to the blob length", -EINVAL);
	if (h->strtab_len == 0 || ((const char *)blob)[len - 1] != '\0')
		return fail(why, "string table is empty or not NUL-terminated", -EINVAL);

	v->hdr = h;
	v->profiles = (const void *)((const u8 *)blob + sizeof(*h));
	v->attach = (const void *)(v->profiles + h->n_profiles);
	v->rules = (const void *)(v->attach + h->n_attach);
	v->strtab = (const char *)(v->rules + h->n_rules);
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

static int check_profiles(const struct medgate_blob_view *v, const char **why)
{
	const struct medgate_blob_header *h = v->hdr;
	u32 next_attach = 0, next_rule = 0, i;

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
		if (p->reserved[0] || p->reserved[1])
			return fail(why, "reserved profile fields are not zero", -EINVAL);
		/* Ranges must partition the tables in order: no gaps, overlaps or strays. */
		if (p->first_attach != next_attach || p->n_attach > h->n_attach - next_attach)
			return fail(why, "profile attachment range out of bounds or out of order",
				    -EINVAL);
		if (p->first_rule != next_rule || p->n_rules > h->n_rules - next_rule)
			return fail(why, "profile rule range out of bounds or out of order", -EINVAL);
		next_attach += p->n_attach;
		next_rule += p->n_rules;
	}
	if (next_attach != h->n_attach)
		return fail(why, "attachments not owned by any profile", -EINVAL);
	if (next_rule != h->n_rules)
		return fail(why, "rules not owned by any profile", -EINVAL);
	return 0;
}

static int check_attach(const struct medgate_blob_view *v, const char **why)
{
	u32 i, j;

	for (i = 0; i < v->hdr->n_attach; i++) {
		const struct medgate_blob_attach *a = &v->attach[i];
		const char *path = str_at(v, a->path_off, MEDGATE_PATH_MAX);

		if (!path || path[0] != '/')
			return fail(why, "attachment path missing, too long or not absolute", -EINVAL);
		if (a->reserved)
			return fail(why, "reserved attachment fields are not zero", -EINVAL);
		/*
		 * Strings are deduplicated by the compiler, so equal paths share an offset. The
		 * table is at most MEDGATE_MAX_ATTACH long, which bounds this quadratic check.
		 */
		for (j = 0; j < i; j++)
			if (v->attach[j].path_off == a->path_off)
				return fail(why, "an executable is attached to two profiles", -EINVAL);
	}
	return 0;
}

static int check_rules(const struct medgate_blob_view *v, const char **why)
{
	u32 i;

	for (i = 0; i < v->hdr->n_rules; i++) {
		const struct medgate_blob_rule *r = &v->rules[i];
		const char *path = str_at(v, r->path_off, MEDGATE_PATH_MAX);
		size_t n;

		if (!path || path[0] != '/')
			return fail(why, "rule path missing, too long or not absolute", -EINVAL);
		if (r->flags & ~MEDGATE_RULE_F_ALL)
			return fail(why, "unknown rule flags", -EINVAL);
		if (!r->access || (r->access & ~MEDGATE_ACCESS_ALL))
			return fail(why, "rule access empty or with unknown bits", -EINVAL);
		n = strlen(path);
		if ((r->flags & MEDGATE_RULE_F_PREFIX) && path[n - 1] != '/')
			return fail(why, "prefix rule path does not end in '/'", -EINVAL);
		if (r->exec_mode >= __MEDGATE_EXEC_MAX)
			return fail(why, "unknown exec mode", -EINVAL);
		if (r->reserved)
			return fail(why, "reserved rule fields are not zero", -EINVAL);
		if (r->exec_mode == MEDGATE_EXEC_MOVE) {
			if (!(r->access & MEDGATE_ACCESS_EXEC) || (r->flags & MEDGATE_RULE_F_DENY))
				return fail(why, "profile change on a rule that does not allow exec",
					    -EINVAL);
			if (!medgate_blob_find_profile(v, r->target))
				return fail(why, "exec target names no profile of this policy", -EINVAL);
		} else if (r->target) {
			return fail(why, "exec target set on a rule that does not move", -EINVAL);
		}
	}
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

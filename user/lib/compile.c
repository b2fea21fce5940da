// SPDX-License-Identifier: GPL-2.0
/*
 * From parsed profiles to the canonical policy blob (docs/policy-blob.md):
 *   - profiles sorted by id (medgate_profile_id() of the name), strictly ascending;
 *   - attachments, then rules, grouped per profile in that order, rules in source order;
 *   - strings deduplicated, in order of first use while walking the profile table, then the
 *     attachment table, then the rule table; a policy without any string gets a one-byte table;
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
	free(p->diags);
	free(p);
}

static int add_file_name(struct mg_policy *p, const char *name, unsigned *idx)
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

	if (add_file_name(p, filename, &file))
		return -ENOMEM;
	return parse_text(p, file, text, len);
}

int mg_policy_add_file(struct mg_policy *p, const char *path)
{
	struct mg_loc whole;
	struct stat stb;
	size_t len = 0;
	char *text = NULL;
	unsigned file;
	int fd, err;

	if (add_file_name(p, path, &file))
		return -ENOMEM;
	whole = (struct mg_loc){ .file = file };
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		mg_error(p, whole, "cannot open: %s", strerror(-err));
		return err;
	}
	if (fstat(fd, &stb)) {
		err = -errno;
		mg_error(p, whole, "cannot read: %s", strerror(-err));
		goto out;
	}
	if (S_ISDIR(stb.st_mode)) {
		err = -EISDIR;
		mg_error(p, whole, "is a directory");
		goto out;
	}
	for (;;) {
		size_t cap = len + 65536;
		char *nt;
		ssize_t r;

		if (len > MG_TEXT_MAX) {
			err = -EFBIG;
			mg_error(p, whole, "policy text too large (the limit is %u bytes)",
				 MG_TEXT_MAX);
			goto out;
		}
		nt = realloc(text, cap);
		if (!nt) {
			err = -ENOMEM;
			goto out;
		}
		text = nt;
		r = read(fd, text + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			mg_error(p, whole, "cannot read: %s", strerror(-err));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	err = parse_text(p, file, text, len);
out:
	free(text);
	close(fd);
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

static int emit(struct mg_policy *p, struct mg_profile **sorted, void **blob, size_t *len)
{
	size_t np = p->n_profiles, na = 0, nr = 0, i, j, total;
	struct medgate_blob_profile *bp = NULL;
	struct medgate_blob_attach *ba = NULL;
	struct medgate_blob_rule *br = NULL;
	struct medgate_blob_header hdr;
	struct strtab st = { 0 };
	u8 *out;
	int err = -ENOMEM;

	for (i = 0; i < np; i++) {
		na += sorted[i]->n_attach;
		nr += sorted[i]->n_rules;
	}
	bp = calloc(np ? np : 1, sizeof(*bp));
	ba = calloc(na ? na : 1, sizeof(*ba));
	br = calloc(nr ? nr : 1, sizeof(*br));
	if (!bp || !ba || !br)
		goto out;

	/* Walk the tables in blob order so that strings land in order of first use. */
	for (i = 0; i < np; i++)
		if ((err = str_add(&st, sorted[i]->name, &bp[i].name_off)))
			goto out;
	for (i = 0, na = 0; i < np; i++)
		for (j = 0; j < sorted[i]->n_attach; j++, na++)
			if ((err = str_add(&st, sorted[i]->attach[j].path, &ba[na].path_off)))
				goto out;
	for (i = 0, nr = 0; i < np; i++) {
		for (j = 0; j < sorted[i]->n_rules; j++, nr++) {
			const struct mg_rule *r = &sorted[i]->rules[j];
			size_t t;

			if ((err = str_add(&st, r->path, &br[nr].path_off)))
				goto out;
			br[nr].flags = r->flags;
			br[nr].access = r->access;
			br[nr].exec_mode = r->exec_mode;
			br[nr].line = r->loc.line;
			if (r->target && mg_index_get(&p->by_name, r->target, &t))
				br[nr].target = p->profiles[t]->id;
		}
	}
	if (!st.len) {
		err = -ENOMEM;
		if (mg_grow((void **)&st.buf, &st.cap, 1, 1))
			goto out;
		st.buf[0] = '\0';
		st.len = 1;
	}
	for (i = 0, na = 0, nr = 0; i < np; i++) {
		bp[i].id = sorted[i]->id;
		bp[i].mode = sorted[i]->mode;
		bp[i].first_attach = (u32)na;
		bp[i].n_attach = (u32)sorted[i]->n_attach;
		bp[i].first_rule = (u32)nr;
		bp[i].n_rules = (u32)sorted[i]->n_rules;
		na += sorted[i]->n_attach;
		nr += sorted[i]->n_rules;
	}

	total = sizeof(hdr) + np * sizeof(*bp) + na * sizeof(*ba) + nr * sizeof(*br) + st.len;
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
	hdr.n_profiles = (u32)np;
	hdr.n_attach = (u32)na;
	hdr.n_rules = (u32)nr;
	hdr.strtab_len = (u32)st.len;
	{
		u8 *q = out + sizeof(hdr);

		memcpy(q, bp, np * sizeof(*bp));
		q += np * sizeof(*bp);
		memcpy(q, ba, na * sizeof(*ba));
		q += na * sizeof(*ba);
		memcpy(q, br, nr * sizeof(*br));
		q += nr * sizeof(*br);
		memcpy(q, st.buf, st.len);
	}
	medgate_sha256(out + sizeof(hdr), total - sizeof(hdr), hdr.sha256);
	memcpy(out, &hdr, sizeof(hdr));
	*blob = out;
	*len = total;
	err = 0;
out:
	free(bp);
	free(ba);
	free(br);
	free(st.buf);
	mg_index_free(&st.ix);
	return err;
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

static int put_diag(struct mg_diags *d, const char *file, unsigned line, unsigned col,
		    const char *msg)
{
	struct mg_diag *o;

	if (mg_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v)))
		return -ENOMEM;
	o = &d->v[d->n++];
	memset(o, 0, sizeof(*o));
	snprintf(o->file, sizeof(o->file), "%s", file);
	o->line = line;
	o->col = col;
	snprintf(o->msg, sizeof(o->msg), "%s", msg);
	return 0;
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

		if (put_diag(d, file, x->loc.line, x->loc.col, x->msg)) {
			free(sorted);
			return -ENOMEM;
		}
	}
	free(sorted);
	if (p->diags_overflow && p->n_files) {
		char msg[128];

		snprintf(msg, sizeof(msg), "too many errors: only the first %u are shown",
			 MG_DIAGS_MAX);
		if (put_diag(d, p->files[p->n_files - 1], 0, 0, msg))
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
	if (p->n_diags > parse_diags)
		p->n_diags = parse_diags;
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

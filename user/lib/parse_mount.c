// SPDX-License-Identifier: GPL-2.0
/*
 * Mount and chroot rules (docs/policy-language.md, "Mounts and chroot").
 *
 *   [deny] mount new [type TYPE[,TYPE...]] [SOURCE ->] MOUNTPOINT
 *   [deny] mount bind [SOURCE ->] MOUNTPOINT
 *   [deny] mount move [SOURCE ->] MOUNTPOINT
 *   [deny] mount remount MOUNTPOINT
 *   [deny] mount umount MOUNTPOINT
 *   [deny] mount propagation MOUNTPOINT
 *   [deny] mount pivot_root NEWROOT
 *   [deny] chroot DIRECTORY
 *
 * Paths are patterns as in file rules. Each becomes a pattern rule of the profile (it grants no
 * file access) that the class rule names, so one DFA walk over a path finds file rules and mount
 * patterns alike. A word that expands to several paths gives one class rule per combination.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "parse.h"

static const char *const mount_kinds[] = {
	[MEDGATE_MOUNT_NEW] = "new", [MEDGATE_MOUNT_BIND] = "bind", [MEDGATE_MOUNT_MOVE] = "move",
	[MEDGATE_MOUNT_REMOUNT] = "remount", [MEDGATE_MOUNT_UMOUNT] = "umount",
	[MEDGATE_MOUNT_PROPAGATION] = "propagation", [MEDGATE_MOUNT_PIVOT_ROOT] = "pivot_root",
};

const char *mg_mount_kind_name(unsigned int kind)
{
	return kind < ARRAY_SIZE(mount_kinds) ? mount_kinds[kind] : NULL;
}

static int mount_kind(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mount_kinds); i++)
		if (!strcmp(mount_kinds[i], s))
			return (int)i;
	return -1;
}

/* "vfat,ext4": names of [a-z0-9_.-], each shorter than MEDGATE_FSTYPE_MAX, no empty ones. */
static bool valid_fstypes(struct parser *ps, const struct word *w)
{
	const char *s = w->text;
	size_t len = 0, i;

	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (c == ',') {
			if (!len)
				break;
			len = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-') || ++len >= MEDGATE_FSTYPE_MAX) {
			mg_error(ps->p, w->loc,
				 "invalid file system type list \"%s\" (names as /proc/filesystems lists them, separated by commas, each shorter than %u bytes)",
				 s, MEDGATE_FSTYPE_MAX);
			return false;
		}
	}
	if (!len) {
		mg_error(ps->p, w->loc, "empty file system type in \"%s\"", s);
		return false;
	}
	return true;
}

/* One class rule per combination of the expanded object and source patterns. */
static void add_mount_rules(struct body_ctx *bc, const struct mg_rule *r, size_t obj,
			    size_t obj_end, size_t src, size_t src_end)
{
	size_t n_src = src == MG_NO_PATTERN ? 1 : src_end - src, o, k;

	for (o = obj; o < obj_end; o++) {
		for (k = 0; k < n_src; k++) {
			struct mg_rule c = *r;

			c.object_rule = o;
			c.source_rule = src == MG_NO_PATTERN ? MG_NO_PATTERN : src + k;
			c.fstypes = r->fstypes ? strdup(r->fstypes) : NULL;
			if (r->fstypes && !c.fstypes) {
				nomem(bc->ps);
				return;
			}
			mg_add_class(bc, &c, NULL);
		}
	}
}

void mg_parse_mount(struct body_ctx *bc, const struct stmt *st, size_t kw, struct mg_rule *r)
{
	struct parser *ps = bc->ps;
	const struct word *w = st->w;
	size_t i = kw + 1, obj, obj_end, src = MG_NO_PATTERN, src_end = MG_NO_PATTERN;
	const struct word *source = NULL, *object;
	bool takes_source = false;
	int kind = 0;

	if (r->class_op == MEDGATE_OP_MOUNT) {
		if (i >= st->n || w[i].type != T_WORD || (kind = mount_kind(w[i].text)) < 0) {
			mg_error(ps->p, i < st->n ? w[i].loc : st->end,
				 "expected the kind of mount after 'mount': new, bind, move, remount, umount, propagation or pivot_root");
			return;
		}
		takes_source = kind == MEDGATE_MOUNT_NEW || kind == MEDGATE_MOUNT_BIND ||
			       kind == MEDGATE_MOUNT_MOVE;
		i++;
		if (kind == MEDGATE_MOUNT_NEW && i < st->n && word_is(&w[i], "type")) {
			if (++i >= st->n || w[i].type != T_WORD) {
				mg_error(ps->p, i < st->n ? w[i].loc : st->end,
					 "missing file system types after 'type' (vfat, ext4, tmpfs, ...)");
				return;
			}
			if (!valid_fstypes(ps, &w[i]))
				return;
			r->fstypes = strdup(w[i].text);
			if (!r->fstypes) {
				nomem(ps);
				return;
			}
			i++;
		}
	}
	if (i < st->n && word_is(&w[i], "type") && kind != MEDGATE_MOUNT_NEW) {
		mg_error(ps->p, w[i].loc, "'type' names file system types, which only new mounts have");
		return;
	}
	r->detail = 1ULL << kind;
	if (i >= st->n) {
		mg_error(ps->p, st->end, "missing %s", r->class_op == MEDGATE_OP_CHROOT ?
			 "the directory after 'chroot'" : kind == MEDGATE_MOUNT_PIVOT_ROOT ?
			 "the new root" : "the mount point");
		goto out;
	}
	if (i + 1 < st->n && w[i + 1].type == T_ARROW) {
		if (!takes_source) {
			mg_error(ps->p, w[i + 1].loc,
				 "'->' names a source, which only new, bind and move mounts have");
			goto out;
		}
		source = &w[i];
		i += 2;
		if (i >= st->n) {
			mg_error(ps->p, st->end, "missing the mount point after '->'");
			goto out;
		}
	}
	object = &w[i++];
	if (i < st->n) {
		mg_extra_words(ps, &w[i], takes_source ?
			       "after the mount point (expected [SOURCE ->] MOUNTPOINT)" :
			       "after the path (it takes one)");
		goto out;
	}
	if (source) {
		if (!mg_add_patterns(bc, source, &src))
			goto out;
		src_end = bc->prof->n_rules;
	}
	if (!mg_add_patterns(bc, object, &obj))
		goto out;
	obj_end = bc->prof->n_rules;
	add_mount_rules(bc, r, obj, obj_end, src, src_end);
out:
	free(r->fstypes);
	r->fstypes = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Class rules: what a profile may do beyond files (docs/policy-language.md, "Class rules").
 *
 *   [deny] capability NAME...            NAME as in capabilities(7) without CAP_, or all
 *   [deny] ptrace read|trace PEER...     PEER: a profile name, unconfined or any
 *   [deny] signal PEER [SIGNAL...]       SIGNAL: term, hup, usr1, ... or a number; none: all
 *   [deny] ioctl terminal-injection
 *   [deny] xattr CLASS...                user, trusted, security, acl, other, or all
 *   [deny] key PERM...                   view, read, write, search, link, setattr, unlink, or all
 *   [deny] namespace TYPE...             mnt, uts, ipc, net, pid, cgroup, time, user, or all
 *   [deny] kernel WHAT...                module, firmware, kexec, or all
 *   [deny] bpf [COMMAND...]              bpf() commands or groups of them; none: all
 *   [deny] userns
 *   [deny] mount KIND ... / chroot DIR   parse_mount.c
 *   [deny] timestamps                    setting a file's times to chosen values
 *
 * Each statement becomes one class rule per peer (struct medgate_blob_class), kept in the
 * profile's class table in source order; the compiler resolves peer profile names.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sigabbrev_np() */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blob.h"
#include "internal.h"
#include "parse.h"

static const char *const xattr_classes[] = {
	[MEDGATE_XATTR_USER] = "user", [MEDGATE_XATTR_TRUSTED] = "trusted",
	[MEDGATE_XATTR_SECURITY] = "security", [MEDGATE_XATTR_ACL] = "acl",
	[MEDGATE_XATTR_OTHER] = "other",
};

/* Kernel keys another profile, an unconfined task or the kernel made (enum medgate_key_perm). */
static const char *const key_perms[] = {
	[MEDGATE_KEY_VIEW] = "view", [MEDGATE_KEY_READ] = "read", [MEDGATE_KEY_WRITE] = "write",
	[MEDGATE_KEY_SEARCH] = "search", [MEDGATE_KEY_LINK] = "link",
	[MEDGATE_KEY_SETATTR] = "setattr", [MEDGATE_KEY_UNLINK] = "unlink",
};

static const char *const namespace_types[] = {
	[MEDGATE_NS_MNT] = "mnt", [MEDGATE_NS_UTS] = "uts", [MEDGATE_NS_IPC] = "ipc",
	[MEDGATE_NS_NET] = "net", [MEDGATE_NS_PID] = "pid", [MEDGATE_NS_CGROUP] = "cgroup",
	[MEDGATE_NS_TIME] = "time", [MEDGATE_NS_USER] = "user",
};

static const char *const kernel_loads[] = {
	[MEDGATE_KLOAD_MODULE] = "module", [MEDGATE_KLOAD_FIRMWARE] = "firmware",
	[MEDGATE_KLOAD_KEXEC] = "kexec",
};

static const char *const ioctl_classes[] = {
	[MEDGATE_IOCTL_TERMINAL_INJECTION] = "terminal-injection",
};

/* bpf() commands by number (enum bpf_cmd), as policy words. */
static const char *const bpf_cmds[] = {
	"map_create", "map_lookup_elem", "map_update_elem", "map_delete_elem", "map_get_next_key",
	"prog_load", "obj_pin", "obj_get", "prog_attach", "prog_detach", "prog_test_run",
	"prog_get_next_id", "map_get_next_id", "prog_get_fd_by_id", "map_get_fd_by_id",
	"obj_get_info_by_fd", "prog_query", "raw_tracepoint_open", "btf_load", "btf_get_fd_by_id",
	"task_fd_query", "map_lookup_and_delete_elem", "map_freeze", "btf_get_next_id",
	"map_lookup_batch", "map_lookup_and_delete_batch", "map_update_batch", "map_delete_batch",
	"link_create", "link_update", "link_get_fd_by_id", "link_get_next_id", "enable_stats",
	"iter_create", "link_detach", "prog_bind_map", "token_create",
};

/* Groups of bpf() commands: what a service that reads its own maps needs is one word. */
struct bpf_group {
	const char *name;
	u64 cmds;
};

#define C(n) (1ULL << (n))
static const struct bpf_group bpf_groups[] = {
	/* reading and writing maps it holds: lookup, update, delete, iterate, batches, freeze */
	{ "maps", C(1) | C(2) | C(3) | C(4) | C(21) | C(22) | C(24) | C(25) | C(26) | C(27) },
	/* making maps, programs and BTF */
	{ "load", C(0) | C(5) | C(18) },
	/* attaching and detaching programs */
	{ "attach", C(8) | C(9) | C(17) | C(28) | C(29) | C(34) | C(35) },
	/* pinning and opening pinned objects */
	{ "pins", C(6) | C(7) },
	/* looking up what is loaded: ids, descriptors by id, information, queries */
	{ "query", C(11) | C(12) | C(13) | C(14) | C(15) | C(16) | C(19) | C(20) | C(23) | C(30) |
		   C(31) },
};
#undef C

static u64 bpf_group(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bpf_groups); i++)
		if (!strcmp(s, bpf_groups[i].name))
			return bpf_groups[i].cmds;
	return 0;
}

struct class_kw {
	const char *kw;
	u32 op;
};

static const struct class_kw class_kws[] = {
	{ "capability", MEDGATE_OP_CAPABILITY }, { "ptrace", MEDGATE_OP_PTRACE },
	{ "signal", MEDGATE_OP_SIGNAL }, { "ioctl", MEDGATE_OP_IOCTL },
	{ "xattr", MEDGATE_OP_XATTR }, { "key", MEDGATE_OP_KEY },
	{ "namespace", MEDGATE_OP_NAMESPACE },
	{ "kernel", MEDGATE_OP_KERNEL_LOAD },
	{ "bpf", MEDGATE_OP_BPF }, { "userns", MEDGATE_OP_USERNS },
	{ "mount", MEDGATE_OP_MOUNT }, { "chroot", MEDGATE_OP_CHROOT },
	{ "timestamps", MEDGATE_OP_TIMES },
};

bool mg_is_class_keyword(const struct word *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(class_kws); i++)
		if (word_is(w, class_kws[i].kw))
			return true;
	return false;
}

/* A name of @names (an array of @n, NULL holes allowed); -1 when none. */
static int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

/* A capability name without "cap_" ("sys_admin"), as mg_cap_name() spells them with it. */
static int capability_number(const char *s)
{
	u32 cap;

	for (cap = 0; cap <= MEDGATE_CAP_LAST; cap++) {
		const char *name = mg_cap_name(cap);

		if (name && !strcmp(name + 4, s))
			return (int)cap;
	}
	return -1;
}

/* A signal by its abbreviation in lower case ("term") or its number (1..64). */
static int signal_number(const char *s)
{
	char *end;
	long n;
	int sig;

	for (sig = 1; sig < 65; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		size_t k;

		if (!abbrev || strlen(abbrev) != strlen(s))
			continue;
		for (k = 0; s[k]; k++) {
			char c = s[k];
			char upper = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') :
				     c >= '0' && c <= '9' ? c : 0;

			if (!upper || upper != abbrev[k])
				break;
		}
		if (!s[k])
			return sig;
	}
	n = strtol(s, &end, 10);
	if (*s >= '1' && *s <= '9' && !*end && n >= 1 && n <= 64)
		return (int)n;
	return -1;
}

/* The details named by the words [@i, @st->n), for the ops that take a list; 0 on an error. */
static u64 detail_words(struct parser *ps, const struct stmt *st, size_t i, u32 op)
{
	const struct word *w = st->w;
	u64 detail = 0;
	bool ok = true;

	for (; i < st->n; i++) {
		int bit = -1;

		if (w[i].type != T_WORD) {
			mg_extra_words(ps, &w[i], "in the list");
			return 0;
		}
		if (!strcmp(w[i].text, "all") && op != MEDGATE_OP_IOCTL) {
			detail |= medgate_class_details(op);
			continue;
		}
		switch (op) {
		case MEDGATE_OP_BPF:
			if (bpf_group(w[i].text)) {
				detail |= bpf_group(w[i].text);
				continue;
			}
			bit = lookup(bpf_cmds, ARRAY_SIZE(bpf_cmds), w[i].text);
			if (bit < 0)
				mg_error(ps->p, w[i].loc,
					 "unknown bpf command \"%s\" (a command in lower case without BPF_: map_create, prog_load, ...; a group: maps, load, attach, pins, query; or all)",
					 w[i].text);
			break;
		case MEDGATE_OP_CAPABILITY:
			bit = capability_number(w[i].text);
			if (bit < 0)
				mg_error(ps->p, w[i].loc,
					 "unknown capability \"%s\" (names as in capabilities(7) without CAP_, in lower case: net_bind_service, sys_admin, ...; or all)",
					 w[i].text);
			break;
		case MEDGATE_OP_SIGNAL:
			bit = signal_number(w[i].text);
			if (bit < 0)
				mg_error(ps->p, w[i].loc,
					 "unknown signal \"%s\" (names in lower case without SIG: term, hup, usr1, ...; a number from 1 to 64; or all)",
					 w[i].text);
			else
				bit &= 63;
			break;
		case MEDGATE_OP_IOCTL:
			bit = lookup(ioctl_classes, ARRAY_SIZE(ioctl_classes), w[i].text);
			if (bit < 0)
				mg_error(ps->p, w[i].loc,
					 "unknown ioctl class \"%s\" (expected terminal-injection)",
					 w[i].text);
			break;
		case MEDGATE_OP_XATTR:
			bit = lookup(xattr_classes, ARRAY_SIZE(xattr_classes), w[i].text);
			if (bit < 0)
				mg_error(ps->p, w[i].loc,
					 "unknown extended attribute class \"%s\" (expected user, trusted, security, acl, other or all)",
					 w[i].text);
			break;
		case MEDGATE_OP_KEY:
			bit = lookup(key_perms, ARRAY_SIZE(key_perms), w[i].text);
			if (bit < 0)
				mg_error(ps->p, w[i].loc,
					 "unknown key permission \"%s\" (expected view, read, write, search, link, setattr, unlink or all)",
					 w[i].text);
			break;
		case MEDGATE_OP_NAMESPACE:
			bit = lookup(namespace_types, ARRAY_SIZE(namespace_types), w[i].text);
			if (bit < 0)
				mg_error(ps->p, w[i].loc,
					 "unknown namespace type \"%s\" (expected mnt, uts, ipc, net, pid, cgroup, time, user or all)",
					 w[i].text);
			break;
		case MEDGATE_OP_KERNEL_LOAD:
			bit = lookup(kernel_loads, ARRAY_SIZE(kernel_loads), w[i].text);
			if (bit < 0)
				mg_error(ps->p, w[i].loc,
					 "unknown kernel load \"%s\" (expected module, firmware, kexec or all)",
					 w[i].text);
			break;
		}
		if (bit < 0)
			ok = false;
		else
			detail |= 1ULL << bit;
	}
	return ok ? detail : 0;
}

void mg_add_class(struct body_ctx *bc, const struct mg_rule *tmpl, const struct word *peer)
{
	struct parser *ps = bc->ps;
	struct mg_profile *prof = bc->prof;
	struct mg_rule r = *tmpl;

	if (peer) {
		if (!strcmp(peer->text, "unconfined")) {
			r.peer_kind = MG_PEER_UNCONFINED;
		} else if (!strcmp(peer->text, "any")) {
			r.peer_kind = MG_PEER_ANY;
		} else {
			if (!mg_check_name(ps, peer, "profile name"))
				return;
			r.peer_kind = MG_PEER_PROFILE;
			r.target = strdup(peer->text);
			r.target_loc = peer->loc;
			if (!r.target) {
				nomem(ps);
				return;
			}
		}
	}
	if (prof->n_classes >= MEDGATE_MAX_CLASSES) {
		mg_error(ps->p, r.loc, "too many class rules in one profile (the limit is %u)",
			 MEDGATE_MAX_CLASSES);
		free(r.target);
		free(r.fstypes);
		return;
	}
	if (mg_grow((void **)&prof->classes, &prof->cap_classes, prof->n_classes + 1,
		    sizeof(*prof->classes))) {
		free(r.target);
		free(r.fstypes);
		nomem(ps);
		return;
	}
	prof->classes[prof->n_classes++] = r;
}

void mg_parse_class(struct body_ctx *bc, const struct stmt *st, size_t kw, bool deny)
{
	struct parser *ps = bc->ps;
	const struct word *w = st->w;
	struct mg_rule r = {
		.kind = MG_RULE_CLASS, .loc = w[0].loc,
		.flags = (deny ? MEDGATE_RULE_F_DENY : 0) | (bc->audit ? MEDGATE_RULE_F_AUDIT : 0),
		.object_rule = MG_NO_PATTERN, .source_rule = MG_NO_PATTERN,
	};
	size_t i = kw + 1, k;

	for (k = 0; k < ARRAY_SIZE(class_kws); k++)
		if (word_is(&w[kw], class_kws[k].kw))
			r.class_op = class_kws[k].op;

	switch (r.class_op) {
	case MEDGATE_OP_MOUNT:
	case MEDGATE_OP_CHROOT:
		mg_parse_mount(bc, st, kw, &r);
		return;
	case MEDGATE_OP_BPF:
		r.detail = i < st->n ? detail_words(ps, st, i, r.class_op) : ~0ULL;
		if (r.detail)
			mg_add_class(bc, &r, NULL);
		return;
	case MEDGATE_OP_USERNS:
	case MEDGATE_OP_TIMES:
		if (i < st->n) {
			mg_extra_words(ps, &w[i], "after the keyword (it takes no arguments)");
			return;
		}
		r.detail = 1;
		mg_add_class(bc, &r, NULL);
		return;
	case MEDGATE_OP_PTRACE:
		if (i >= st->n || (!word_is(&w[i], "read") && !word_is(&w[i], "trace"))) {
			mg_error(ps->p, i < st->n ? w[i].loc : st->end,
				 "expected read or trace after 'ptrace'");
			return;
		}
		r.detail = 1ULL << MEDGATE_PTRACE_READ;
		if (word_is(&w[i], "trace"))
			r.detail |= 1ULL << MEDGATE_PTRACE_TRACE;
		if (++i >= st->n) {
			mg_error(ps->p, st->end,
				 "missing peer after 'ptrace %s' (a profile name, unconfined or any)",
				 w[i - 1].text);
			return;
		}
		for (; i < st->n; i++)
			mg_add_class(bc, &r, &w[i]);
		return;
	case MEDGATE_OP_SIGNAL:
		if (i >= st->n) {
			mg_error(ps->p, st->end,
				 "missing peer after 'signal' (a profile name, unconfined or any)");
			return;
		}
		r.detail = i + 1 < st->n ? detail_words(ps, st, i + 1, r.class_op) : ~0ULL;
		if (r.detail)
			mg_add_class(bc, &r, &w[i]);
		return;
	default:
		if (i >= st->n) {
			mg_error(ps->p, st->end, "missing %s after '%s'",
				 r.class_op == MEDGATE_OP_CAPABILITY ? "capability names" :
				 r.class_op == MEDGATE_OP_IOCTL ? "an ioctl class" :
				 r.class_op == MEDGATE_OP_NAMESPACE ? "namespace types" :
				 r.class_op == MEDGATE_OP_KERNEL_LOAD ? "module, firmware or kexec" :
				 r.class_op == MEDGATE_OP_KEY ? "key permissions" :
				 "extended attribute classes", w[kw].text);
			return;
		}
		r.detail = detail_words(ps, st, i, r.class_op);
		if (r.detail)
			mg_add_class(bc, &r, NULL);
	}
}

/* The name of detail @bit of class @op as a policy word ("sys_admin", "term", "user"). */
const char *mg_class_detail_name(uint32_t op, unsigned int bit, char *buf, size_t len)
{
	const char *name = NULL;
	size_t k;

	switch (op) {
	case MEDGATE_OP_CAPABILITY:
		name = mg_cap_name(bit);
		if (name)
			name += 4;
		break;
	case MEDGATE_OP_PTRACE:
		name = bit == MEDGATE_PTRACE_READ ? "read" : bit == MEDGATE_PTRACE_TRACE ? "trace" : NULL;
		break;
	case MEDGATE_OP_SIGNAL:
		name = sigabbrev_np(bit ? (int)bit : 64);
		if (name) {
			for (k = 0; name[k] && k + 1 < len; k++)
				buf[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] - 'A' + 'a' :
						name[k]);
			buf[k] = '\0';
			return buf;
		}
		snprintf(buf, len, "%u", bit ? bit : 64);
		return buf;
	case MEDGATE_OP_IOCTL:
		if (bit < ARRAY_SIZE(ioctl_classes))
			name = ioctl_classes[bit];
		break;
	case MEDGATE_OP_BPF:
		if (bit < ARRAY_SIZE(bpf_cmds))
			name = bpf_cmds[bit];
		break;
	case MEDGATE_OP_XATTR:
		if (bit < ARRAY_SIZE(xattr_classes))
			name = xattr_classes[bit];
		break;
	case MEDGATE_OP_KEY:
		if (bit < ARRAY_SIZE(key_perms))
			name = key_perms[bit];
		else if (bit == MEDGATE_KEY_CREATE)
			name = "create";
		else if (bit == MEDGATE_KEY_OTHER)
			name = "other";
		else if (bit == MEDGATE_KEY_SESSION_TO_PARENT)
			name = "session_to_parent";
		break;
	case MEDGATE_OP_NAMESPACE:
		if (bit < ARRAY_SIZE(namespace_types))
			name = namespace_types[bit];
		break;
	case MEDGATE_OP_KERNEL_LOAD:
		if (bit < ARRAY_SIZE(kernel_loads))
			name = kernel_loads[bit];
		break;
	case MEDGATE_OP_MOUNT:
		name = mg_mount_kind_name(bit);
		break;
	}
	if (!name) {
		snprintf(buf, len, "%u", bit);
		return buf;
	}
	snprintf(buf, len, "%s", name);
	return buf;
}

const char *mg_class_keyword(uint32_t op)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(class_kws); i++)
		if (class_kws[i].op == op)
			return class_kws[i].kw;
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmedgate internals shared between the lexer, the parser and the blob emitter. Nothing here is
 * part of the public API (medgate.h).
 */
#ifndef MEDGATE_LIB_INTERNAL_H
#define MEDGATE_LIB_INTERNAL_H

#include <stdarg.h>

#include "medgate.h"
#include "compat.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Upper bounds on the input, so that a hostile policy file cannot exhaust memory. */
#define MG_TEXT_MAX		(16U << 20)	/* bytes of policy text per file */
#define MG_DIAGS_MAX		1000U		/* errors kept per build; then one "too many" */
#define MG_FILES_MAX		1024U		/* files of one policy, includes counted */
#define MG_INCLUDE_DEPTH	16U		/* nested includes */
#define MG_INCLUDE_TEXT_MAX	(64U << 20)	/* bytes of text one file pulls in by includes */
#define MG_VARS_MAX		1024U		/* variables of one file (with its includes) */
#define MG_VAR_NAME_MAX		64U		/* bytes of a variable name, NUL included */
#define MG_VAR_VALUES_MAX	1024U		/* values of one variable */
#define MG_EXPAND_MAX		1024U		/* rules (or attachments) one statement expands to */
#define MG_IR_RULES_MAX		(MEDGATE_MAX_RULES + 1U)	/* rules kept; one more is an error */

/* Grows *v (element size @size) to hold at least @need elements. */
int mg_grow(void **v, size_t *cap, size_t need, size_t size);

/* ---- Source locations and diagnostics ---- */

/** struct mg_loc - a place in the policy text; @file indexes mg_policy.files. */
struct mg_loc {
	unsigned file, line, col;
};

/** struct mg_pdiag - a diagnostic before it is handed out, sortable by its location. */
struct mg_pdiag {
	struct mg_loc loc;
	size_t order;		/* discovery order, the tie-breaker of the sort */
	char *msg;		/* malloc'd: a message quotes paths of up to PATH_MAX bytes */
};

/* ---- The parsed policy (grows with the language: globs, variables, network rules) ---- */

enum mg_rule_kind {
	MG_RULE_FILE,		/* file and exec statements */
	MG_RULE_CLASS,		/* capability, ptrace, signal, ioctl, xattr, key, namespace, kernel, bpf, userns,
				 * timestamps, mount, chroot */
};

/* Whom a ptrace or signal rule names. */
enum mg_peer_kind {
	MG_PEER_NONE,		/* the class has no peer */
	MG_PEER_PROFILE,	/* the profile named by target */
	MG_PEER_UNCONFINED,
	MG_PEER_ANY,
};

/*
 * Patterns (attachments and rule paths) are stored as written, after variable expansion: a glob
 * stays a glob (a trailing slash and two stars are not rewritten any more), and mg_glob_check()
 * has accepted it. The flags say whether it has glob syntax (mg_glob_has_magic()).
 */
struct mg_attach {
	char *path;		/* pattern as written, after variable expansion */
	u32 flags;		/* MEDGATE_PATTERN_F_* */
	struct mg_loc loc;	/* the path word of the attach statement */
};

struct mg_rule {
	enum mg_rule_kind kind;
	char *path;		/* pattern as written, after variable expansion */
	u32 flags;		/* MEDGATE_RULE_F_DENY, _GLOB, _SCRUB_ENV, _KEEP_ENV */
	u32 access;		/* MEDGATE_ACCESS_*, implied bits included (w gives a, x gives m) */
	u32 exec_mode;		/* enum medgate_exec_mode */
	char *target;		/* profile name for MEDGATE_EXEC_MOVE or MG_PEER_PROFILE, else NULL */
	struct mg_loc loc;	/* the statement */
	struct mg_loc target_loc;
	/* Class rules (MG_RULE_CLASS) only: */
	u32 class_op;		/* enum medgate_op */
	u64 detail;		/* struct medgate_blob_class's detail bits */
	enum mg_peer_kind peer_kind;
	/* Mount and chroot rules: the profile's pattern rules (indices into its rules, access
	 * MEDGATE_ACCESS_PATTERN) for the mount point and the source (MG_NO_PATTERN: any), and
	 * the file system types (comma-separated, NULL: any). */
	size_t object_rule, source_rule;
	char *fstypes;
};
#define MG_NO_PATTERN	((size_t)-1)

/* parse_mount.c: the policy word of an enum medgate_mount_kind, NULL if unknown. */
const char *mg_mount_kind_name(unsigned int kind);

/*
 * A network rule (netcompile.c builds the profile's tries from these). Fields as in
 * struct medgate_blob_net; a rule without ports has 0..65535.
 */
struct mg_net_rule {
	u32 flags;		/* MEDGATE_RULE_F_DENY */
	u32 ops;
	u16 families;
	u8 types, protos;
	u8 trie, prefix_len;	/* enum medgate_net_trie, bits of @addr that count */
	u8 addr[16];
	u16 port_lo, port_hi;
	struct mg_loc loc;
};

/* One profile's tries, indices relative to its own tables (emit() makes them absolute). */
struct mg_net_tables {
	struct medgate_blob_net_node *nodes;
	size_t n_nodes, cap_nodes;
	struct medgate_blob_net_seg *segs;
	size_t n_segs, cap_segs;
	u32 *accept;		/* network rule indices, relative to the profile's first */
	size_t n_accept, cap_accept;
	u32 root[__MEDGATE_NET_TRIE_MAX];
};

int mg_net_build(const struct mg_net_rule *rules, size_t n, struct mg_net_tables *t);
void mg_net_tables_free(struct mg_net_tables *t);

struct mg_profile {
	char *name;
	u64 id;
	struct mg_loc loc;	/* the name */
	u32 mode;
	bool mode_set;
	struct mg_loc mode_loc;
	struct mg_attach *attach;
	size_t n_attach, cap_attach;
	struct mg_rule *rules;
	size_t n_rules, cap_rules;
	struct mg_rule *classes;	/* class rules, in source order */
	size_t n_classes, cap_classes;
	struct mg_net_rule *net;	/* network rules, in source order */
	size_t n_net, cap_net;
};

/* A string-keyed hash index into an array, for duplicate checks in O(1). */
struct mg_index {
	struct mg_index_slot { const char *key; size_t val; } *slots;
	size_t n, cap;
};

struct mg_policy {
	char **files;
	size_t n_files, cap_files;
	struct mg_profile **profiles;	/* in source order */
	size_t n_profiles, cap_profiles;
	struct mg_index by_name;	/* profile name -> index in profiles */
	struct mg_index by_attach;	/* attachment path -> profile index */
	size_t n_ir_rules, n_ir_attach;	/* parsed so far, all profiles (parse.c caps them) */
	u32 max_states;			/* DFA states per DFA (compile.c); 0: MG_DFA_STATES_DEFAULT */
	struct mg_pdiag *diags;
	size_t n_diags, cap_diags;
	size_t diag_order;
	bool diags_overflow;
	bool oom;
};

void mg_error(struct mg_policy *p, struct mg_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends a copy of one diagnostic to @d; -ENOMEM. */
int mg_diags_add(struct mg_diags *d, const char *file, unsigned line, unsigned col,
		 const char *msg);
/* vasprintf() that returns the string, or NULL when out of memory. */
char *mg_vstrdupf(const char *fmt, va_list ap);
/* Appends to the message of diagnostic @i (it keeps it on allocation failure). */
void mg_error_append(struct mg_policy *p, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int mg_index_put(struct mg_index *ix, const char *key, size_t val);
bool mg_index_get(const struct mg_index *ix, const char *key, size_t *val);
void mg_index_free(struct mg_index *ix);

void mg_profile_free(struct mg_profile *prof);

/* Appends a copy of @name (NULL: "<input>") to p->files; *idx is its index. 0 or -ENOMEM. */
int mg_policy_add_file_name(struct mg_policy *p, const char *name, unsigned *idx);

/*
 * parse.c: adds the profiles of one text (file @file of p->files, whose name anchors relative
 * includes) to @p, following its includes (each added to p->files) and expanding its variables
 * (scoped to this text and what it includes). Errors are recorded in @p; returns 0 or -ENOMEM.
 */
int mg_parse(struct mg_policy *p, unsigned file, const char *text, size_t len);

/* client.c: a socket connected to generic netlink, and libnl's error codes as -errno. */
struct nl_sock;
int mg_genl_socket(struct nl_sock **out);
int mg_nlerr_to_errno(int nlerr);

#endif /* MEDGATE_LIB_INTERNAL_H */

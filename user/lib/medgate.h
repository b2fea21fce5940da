/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmedgate — the user-space half of medgate: the policy language compiler and the
 * generic-netlink client of medgate.ko. medgatectl, medgated and the selftests use only this API.
 *
 * Every function that can fail returns 0 or a negative errno.
 */
#ifndef MEDGATE_LIB_H
#define MEDGATE_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#include "../../include/uapi/linux/medgate.h"

/* Where medgated pins the BPF links and maps so that enforcement outlives it. */
#define MEDGATE_BPFFS_DIR	"/sys/fs/bpf/medgate"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Diagnostics ---- */

/**
 * struct mg_diag - one error found in policy text.
 * @file: file name as given to the compiler, complete (malloc'd, freed by mg_diags_free()).
 * @line: 1-based line, 0 when the error is about the file as a whole (unreadable, too large).
 * @col: 1-based column in bytes, 0 when not about one place.
 * @msg: the reason, one line, no trailing period, complete however long the paths in it are
 *       (malloc'd, freed by mg_diags_free()).
 */
struct mg_diag {
	char *file;
	unsigned line, col;
	char *msg;
};

/** struct mg_diags - every error of one check, in file order, then line and column order. */
struct mg_diags {
	struct mg_diag *v;
	size_t n, cap;
};

void mg_diags_free(struct mg_diags *d);
/* "file:line:col: error: msg" (or "file: error: msg" without a position). Returns -ENOSPC when
 * truncated. */
int mg_diag_format(const struct mg_diag *d, char *buf, size_t len);
/* The same line, malloc'd and never truncated (free() it); NULL when out of memory. */
char *mg_diag_string(const struct mg_diag *d);

/* ---- Policy compiler ---- */

/*
 * Parse and compile policy text into a canonical blob (malloc'd into *blob, *len; free() it).
 * On errors returns -EINVAL and fills @diags with every error found, not only the first; other
 * negative errnos (-ENOMEM, -EIO) are failures of the compiler itself. @diags may be NULL.
 */
int mg_policy_compile(const char *text, const char *filename, void **blob, size_t *len,
		      struct mg_diags *diags);
int mg_policy_compile_file(const char *path, void **blob, size_t *len, struct mg_diags *diags);
/* Several files make one policy: their profiles share one namespace. */
int mg_policy_compile_files(const char *const *paths, size_t n, void **blob, size_t *len,
			    struct mg_diags *diags);

/*
 * The incremental form behind the functions above: add any number of texts or files, then build.
 * The add functions record errors inside @p and return -EINVAL when that text had errors (and
 * -ENOMEM on allocation failure); mg_policy_build() reports all recorded errors plus the ones only
 * visible across files (exec targets, limits) and produces nothing if there is any.
 */
struct mg_policy;
int mg_policy_new(struct mg_policy **out);
void mg_policy_free(struct mg_policy *p);
int mg_policy_add_text(struct mg_policy *p, const char *text, size_t len, const char *filename);
int mg_policy_add_file(struct mg_policy *p, const char *path);
int mg_policy_build(struct mg_policy *p, void **blob, size_t *len, struct mg_diags *diags);
/*
 * Caps the states of each DFA that mg_policy_build() makes (one per profile with rules, one for
 * all attachments); 0 restores the default, MG_DFA_STATES_DEFAULT. A policy whose globs need more
 * is refused with a diagnostic naming the rules that make the automaton grow.
 */
#define MG_DFA_STATES_DEFAULT	250000U
void mg_policy_set_max_states(struct mg_policy *p, uint32_t max_states);

/*
 * The include path: "include <NAME>" reads the first DIR/NAME that exists, trying the directories
 * given here in order (medgatectl -I DIR, then MEDGATE_INCLUDE_PATH), then the default directory,
 * $(PREFIX)/share/medgate unless changed (it holds abstractions/). Process-wide: every policy
 * compiled afterwards uses it. Both copy their arguments; mg_include_default_dir_set(NULL)
 * restores the compiled-in default.
 */
int mg_include_path_set(const char *const *dirs, size_t n);
int mg_include_default_dir_set(const char *dir);
const char *mg_include_default_dir(void);

/* Whether @buf starts with the blob magic (a compiled policy rather than policy text). */
bool mg_is_blob(const void *buf, size_t len);
/* The version a blob claims (first 8 bytes of its SHA-256, little-endian); -EINVAL if too short.
 * Does not validate the blob. */
int mg_blob_version(const void *blob, size_t len, uint64_t *version);

/* Access letters "rwaxcdlsmn" <-> MEDGATE_ACCESS_* bits. */
#define MG_ACCESS_LETTERS "rwaxcdlsmn"
/* Parses letters; on an unknown or repeated letter returns -EINVAL with *bad at its index. */
int mg_access_parse(const char *s, uint32_t *access, size_t *bad);
/* Letters in canonical order, "-" for no access, unknown bits as "+0x..."; -ENOSPC if too small. */
int mg_access_format(uint32_t access, char *buf, size_t len);

/* ---- Generic-netlink client ---- */

struct mg_client;

/* -ENOENT if the "medgate" family is absent (module not loaded). */
int mg_client_open(struct mg_client **out);
void mg_client_close(struct mg_client *c);

/*
 * Sends MEDGATE_CMD_POLICY_LOAD. On failure returns -errno and copies the kernel's extack message
 * (NLMSGERR_ATTR_MSG) into @errmsg (empty string if none; @errmsg may be NULL). On success
 * *version (may be NULL) gets MEDGATE_A_POLICY_VERSION from the reply (0 if the reply had none).
 * A blob of up to MG_LOAD_ONE_MESSAGE_MAX bytes travels in one message; a larger one in chunks
 * of that size (MEDGATE_A_POLICY_TOTAL_LEN, _CHUNK_OFFSET, _BLOB), each acknowledged before the
 * next; the first refusal stops the transfer and is returned.
 */
#define MG_LOAD_ONE_MESSAGE_MAX	65531U
/*
 * MEDGATE_CMD_PROTECT_FILE: no confined task may open, change, link or rename the regular file
 * at the absolute @path from now on, whatever its rules (medgated's signing key). Errors as for
 * mg_policy_load(); -ENOSPC when the module's table of protected files is full.
 */
int mg_protect_file(struct mg_client *c, const char *path, char *errmsg, size_t errlen);
int mg_policy_load(struct mg_client *c, const void *blob, size_t len, uint64_t *version,
		   char *errmsg, size_t errlen);

/*
 * MEDGATE_CMD_POLICY_GET: the loaded blob, reassembled from the dump (malloc'd into *blob, *len;
 * free() it) and its version as the module reports it. The slices must come in order, without
 * gap or overlap, all with the same TOTAL_LEN (at most MEDGATE_BLOB_MAX_SIZE) and version, else
 * -EPROTO. The blob is not validated here (see mg_blob_decode()). Kernel errors: -ENOENT (no
 * policy loaded), -EPERM, -EOPNOTSUPP (a module older than POLICY_GET).
 */
int mg_policy_get(struct mg_client *c, void **blob, size_t *len, uint64_t *version,
		  char *errmsg, size_t errlen);

struct mg_profile_info {
	uint64_t id;
	char name[64];
	uint32_t mode, rules;
};

struct mg_status {
	uint32_t abi_version, policy_loads;
	uint64_t policy_version, loaded_ns, audit_next_seq, audit_lost;
	/* The flood limiter's totals: repeats counted instead of recorded, records dropped. */
	uint64_t audit_suppressed, audit_rate_limited;
	size_t n_profiles;
	struct mg_profile_info profiles[1024];
};

/* MEDGATE_CMD_STATUS_GET. -EPROTO when the reply is malformed. */
int mg_status_get(struct mg_client *c, struct mg_status *st);

struct mg_event {
	uint64_t seq, time_real_ns, time_boot_ns, policy_version, profile_id;
	char profile[64];
	uint32_t mode, verdict, pid, tgid, uid, gid, op, access, rule, rule_line, err;
	char comm[16];
	char exe[4096];		/* the task's executable; empty when it has none or no name */
	char path[4096];
	char rule_file[256];	/* source file of the deciding rule; empty if unknown */
	uint32_t dev;		/* the object's device (st_dev encoding), 0 if it does not exist */
	uint64_t ino;		/* its inode number, 0 likewise */
	bool unnamed;		/* the object has no name any more: path is its directory */
	/* ptrace and signal records: the other task (0 in other records), its profile id (0:
	 * unconfined) and name (empty when unconfined or no longer in the policy). */
	uint32_t peer_pid;
	uint64_t peer_profile_id;
	char peer_profile[64];
	/* Mount records: the source (a path, or the name given for a new file system) and the
	 * new file system's type; empty when the record has none. */
	char source[4096];
	char fstype[32];
	/* Key records (op MEDGATE_OP_KEY): the key's serial number, 0 in other records. */
	uint32_t key_serial;
	/* Summary records (op MEDGATE_OP_SUPPRESSED) only: what the flood limiter counted for the
	 * profile since its previous summary. */
	uint64_t suppressed, rate_limited;
	/* Policy-load records (op MEDGATE_OP_POLICY_LOAD) only: the version before the load. */
	uint64_t prev_policy_version;
	/* Identical events folded into this record after it, 0 when none. */
	uint32_t repeats;
};

/*
 * MEDGATE_CMD_AUDIT_READ dump from @from_seq; calls @cb for each event in order; stops calling it
 * early if it returns non-zero (the rest of the dump is drained, so the connection stays usable).
 * *next_seq / *lost (may be NULL) get the dump's closing counters: where the dump ended (every
 * sequence number below it was returned or lost) and the module's lost-event count. Returns 0,
 * the kernel's -errno, or -EPROTO for a malformed reply (one without the closing counters too).
 */
int mg_audit_read(struct mg_client *c, uint64_t from_seq,
		  int (*cb)(const struct mg_event *ev, void *arg), void *arg,
		  uint64_t *next_seq, uint64_t *lost);

/*
 * What a reader of the audit stream is told, in sequence order: each event, and each run of
 * sequence numbers the module no longer holds (overwritten before anyone read them), so that a
 * loss is never silent. Returning non-zero from @event stops the calls.
 */
struct mg_audit_reader {
	int (*event)(const struct mg_event *ev, void *arg);
	void (*loss)(uint64_t count, uint64_t before_seq, void *arg);
	void *arg;
};

/*
 * Reads every event at or after *@cursor and moves *@cursor past them; a gap in the sequence
 * numbers (before, between or after the events) goes to @r->loss. *@lost (may be NULL) gets the
 * module's count of lost events. Returns 0 or -errno as mg_audit_read().
 */
int mg_audit_follow(struct mg_client *c, uint64_t *cursor, const struct mg_audit_reader *r,
		    uint64_t *lost);

/*
 * The audit doorbell (doorbell.c): a socket joined to the module's audit multicast group
 * (CAP_SYS_ADMIN). mg_doorbell_wait() returns 1 when the module announced new events, 0 after
 * @timeout_ms without, -errno on failure (-EINTR when a signal came).
 */
struct mg_doorbell;
int mg_doorbell_open(struct mg_doorbell **out);
int mg_doorbell_wait(struct mg_doorbell *db, int timeout_ms);
void mg_doorbell_close(struct mg_doorbell *db);

/* ---- Names and formatting ---- */

const char *mg_op_name(uint32_t op);		/* "file_open", ...; "unknown" */
const char *mg_verdict_name(uint32_t v);	/* "allow", "deny", "would_deny"; "unknown" */
const char *mg_mode_name(uint32_t m);		/* "enforce", "complain"; "unknown" */
const char *mg_cap_name(uint32_t cap);
/* Class rules: the statement keyword of @op ("capability"), NULL if @op has no class. */
const char *mg_class_keyword(uint32_t op);
/* The policy word of detail @bit of class @op ("sys_admin", "term", "user", "read"). */
const char *mg_class_detail_name(uint32_t op, unsigned int bit, char *buf, size_t len);		/* "cap_sys_module", ...; NULL if unknown */

/* "2024-05-01T10:00:00.123456789Z"; -ENOSPC if too small. */
int mg_time_format(uint64_t real_ns, char *buf, size_t len);
/*
 * Writes @s as the inside of a JSON string (quotes not included) into @buf; bytes that are not
 * printable ASCII become \u00XX escapes so that a crafted path cannot break a line of the log.
 * Returns -ENOSPC if truncated.
 */
int mg_json_escape(const char *s, char *buf, size_t len);
/* Same idea for text output: \n, \\, \", and \xHH for other non-printable bytes. */
int mg_text_escape(const char *s, char *buf, size_t len);
/* An event's access field as records print it: letters, a capability's or a class's name. */
int mg_event_access(const struct mg_event *ev, char *buf, size_t len);

/*
 * One event as one line (no trailing newline), shared by `medgatectl audit show` and medgated so
 * that the log and the CLI agree. JSON: {"type":"event","seq":...}. Returns -ENOSPC if @len is
 * too small (MG_EVENT_LINE_MAX always suffices).
 */
#define MG_EVENT_LINE_MAX 32768
int mg_event_format_text(const struct mg_event *ev, char *buf, size_t len);
int mg_event_format_json(const struct mg_event *ev, char *buf, size_t len);
/* A loss record: @count events with sequence numbers just below @before_seq never arrived. */
/*
 * Which records a reviewer asked for (audit_filter.c): the --since, --until, --profile, --pid,
 * --exe, --verdict, --op and --path options of `medgatectl audit`. Zeroed: everything.
 */
struct mg_event_filter {
	bool has_since, has_until;
	uint64_t since_ns, until_ns;	/* CLOCK_REALTIME; until is exclusive */
	const char *profile;		/* exact name */
	uint32_t pid;			/* thread or process id; 0: any */
	uint32_t verdicts;		/* bit per enum medgate_verdict; 0: any */
	bool has_ops;
	uint64_t ops[2];		/* bit per enum medgate_op */
	const char *exe, *path;		/* globs of the policy language */
};
/* A time: "2026-12-03T09:00:00Z", "@SECONDS" or "-N[smhd]" before @now_ns. 0 or -EINVAL. */
int mg_time_parse(const char *s, uint64_t now_ns, uint64_t *out);
/* 1 when @opt is a filter option (then @val is its value, consumed), 0 when it is not, -EINVAL
 * with *@why when @val is missing or wrong. */
int mg_event_filter_option(struct mg_event_filter *f, const char *opt, const char *val,
			   uint64_t now_ns, const char **why);
bool mg_event_filter_match(const struct mg_event_filter *f, const struct mg_event *ev);

int mg_loss_format_text(uint64_t count, uint64_t before_seq, char *buf, size_t len);
int mg_loss_format_json(uint64_t count, uint64_t before_seq, char *buf, size_t len);

/*
 * JSON output, produced one way: json-c objects (<json.h>) built by the caller, with these helpers
 * for the values medgate formats specially. Every -j document and log line goes through them.
 */
struct json_object;
/* A string member: escaped by mg_json_escape(); @s NULL gives NULL, which prints as null. */
struct json_object *mg_json_string(const char *s);
/* A 64-bit identifier (policy version, profile id) as 16 hex digits in a string. */
struct json_object *mg_json_hex64(uint64_t v);
/* @o compact on one line into @buf (no newline); -ENOSPC if it does not fit. */
int mg_json_format(struct json_object *o, char *buf, size_t len);
/* @o compact on one line with a newline to @f, then drops the caller's reference to @o. */
int mg_json_print(FILE *f, struct json_object *o);
/* {"type":"error","seq":SEQ,"error":"unprintable event"}: an event no formatter could print. */
int mg_unprintable_format_json(uint64_t seq, char *buf, size_t len);

/* ---- Reading a compiled policy back (policy show, policy diff) ---- */

struct mg_dec_profile;

/**
 * struct mg_dec_attach - one attachment of a decoded blob.
 * @pattern: as written, after variable expansion.
 * @flags: MEDGATE_PATTERN_F_*.
 * @file: source file; @line: source line.
 * @index: index in the blob's attachment table.
 * @profile: the profile it belongs to.
 */
struct mg_dec_attach {
	const char *pattern;
	uint32_t flags;
	const char *file;
	uint32_t line;
	uint32_t index;
	const struct mg_dec_profile *profile;
};

/**
 * struct mg_dec_rule - one rule of a decoded blob.
 * @index: index in the blob's rule table: the "rule" number of audit records.
 * @target_name: name of the profile @target names, NULL if none of the blob has that id.
 * Other fields are those of struct medgate_blob_rule, strings resolved.
 */
struct mg_dec_rule {
	uint32_t op;		/* MEDGATE_OP_NONE for file rules; a class rule's operation */
	uint64_t detail, peer;	/* class rules: struct medgate_blob_class's */
	const char *peer_name;	/* class rules: the peer profile's name, NULL if none */
	const char *pattern;	/* "" for class rules, but mount and chroot rules: the mount
				 * point, new root or directory */
	const char *source;	/* mount rules: the source pattern, NULL for any source */
	const char *fstypes;	/* mount rules: the file system types, comma-separated, or NULL */
	uint32_t flags, access, exec_mode;
	uint64_t target;
	const char *target_name;
	const char *file;
	uint32_t line;
	uint32_t index;
	const struct mg_dec_profile *profile;
};

struct mg_dec_profile {
	const char *name;
	uint64_t id;
	uint32_t mode;
	const struct mg_dec_attach *attach;
	size_t n_attach;
	const struct mg_dec_rule *rules;
	size_t n_rules;
};

/** struct mg_decoded - a validated blob as tables of profiles, attachments and rules. */
struct mg_decoded {
	uint64_t version;
	size_t size;
	struct mg_dec_profile *profiles;	/* in blob order: sorted by id */
	size_t n_profiles;
	uint32_t n_attach;
	uint32_t n_rules;	/* file rules and class rules together (audit records number them so) */
	uint32_t n_states, n_trans, n_accept;
};

/*
 * Validates @blob with the module's validator, then decodes it (a private copy: @blob may be
 * freed afterwards). On a refusal returns the validator's -errno and its reason in *why.
 */
int mg_blob_decode(const void *blob, size_t len, struct mg_decoded **out, const char **why);
void mg_decoded_free(struct mg_decoded *d);
const struct mg_dec_profile *mg_decoded_find(const struct mg_decoded *d, uint64_t id);

/* A pattern as a policy word: bare when the lexer would read it back unchanged, else quoted. */
int mg_pattern_format(const char *pattern, char *buf, size_t len);
/* Access letters without the implied ones (no 'a' with 'w', no 'm' with 'x'); "-" for none. */
int mg_access_format_short(uint32_t access, char *buf, size_t len);
/* Whether a rule is written as an exec statement (its access is x and the implied m). */
bool mg_dec_rule_is_exec(const struct mg_dec_rule *r);
/* The rule as one statement: "deny file PATH rw", "exec PATH -> other"; -ENOSPC if too small. */
int mg_dec_rule_format(const struct mg_dec_rule *r, char *buf, size_t len);

enum mg_change_kind {
	MG_CHANGE_PROFILE_ADDED,	/* new_profile; its attachments and rules follow as added */
	MG_CHANGE_PROFILE_REMOVED,	/* old_profile; its attachments and rules follow as removed */
	MG_CHANGE_MODE,			/* old_profile->mode -> new_profile->mode */
	MG_CHANGE_ATTACH_ADDED,		/* attach (of new_profile) */
	MG_CHANGE_ATTACH_REMOVED,	/* attach (of old_profile) */
	MG_CHANGE_RULE_ADDED,		/* rule (of new_profile) */
	MG_CHANGE_RULE_REMOVED,		/* rule (of old_profile) */
};

struct mg_change {
	enum mg_change_kind kind;
	const struct mg_dec_profile *old_profile, *new_profile;	/* NULL where absent */
	const struct mg_dec_attach *attach;
	const struct mg_dec_rule *rule;
};

/**
 * struct mg_diff - what replacing one policy by another changes, compared by content: profiles
 * by name, attachments by pattern, rules by (deny, pattern, access, exec mode, target), as
 * multisets; indices, source files and lines do not count. Profiles come in name order; inside
 * a profile, removals in the old table's order, then additions in the new one's.
 * @positions_only: no change in content, but the versions differ (source positions or order).
 */
struct mg_diff {
	struct mg_change *v;
	size_t n, cap;
	bool same_version;
	bool positions_only;
};

/* @old or @new may be NULL (no policy). */
int mg_policy_diff(const struct mg_decoded *old, const struct mg_decoded *new, struct mg_diff *df);
void mg_diff_free(struct mg_diff *df);
const char *mg_change_name(enum mg_change_kind k);	/* "rule_added", ... */

/* Reads a regular file of at most @max bytes (NUL-terminated copy); @stb may be NULL. */
struct stat;
int mg_read_file(const char *path, size_t max, char **buf, size_t *len, struct stat *stb);
/* Reads @fd to its end, at most @max bytes (NUL-terminated copy), and closes it. */
int mg_read_fd(int fd, size_t max, char **buf, size_t *len);

/* ---- Where policy input comes from (input.c) ---- */

/*
 * Reads all of @path up to @max bytes (NUL-terminated copy): a regular file, or a pipe, FIFO or
 * character device (/dev/stdin), read until end of file. -EFBIG when it holds more than @max
 * bytes, -EISDIR for a directory, other -errno from open() and read().
 */
int mg_read_stream(const char *path, size_t max, char **buf, size_t *len);

/*
 * The policy files of directory @dir: every entry named *.policy (hidden ones skipped), sorted
 * by name, as malloc'd paths in *paths (mg_policy_dir_free()). An entry with that name that is
 * not a policy file (a dangling symbolic link, a symlink loop, a subdirectory, a device) is an
 * error in @diags naming it and why, never skipped: a profile must not go missing silently.
 * Returns 0; -EINVAL after diagnostics (also: no *.policy in @dir, more than @max files);
 * -errno when @dir cannot be read (also in @diags); -ENOMEM.
 */
int mg_policy_dir(const char *dir, size_t max, char ***paths, size_t *n, struct mg_diags *diags);
void mg_policy_dir_free(char **paths, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MEDGATE_LIB_H */

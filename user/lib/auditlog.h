/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tamper-evident audit log (docs/audit-log.md): JSON lines, each carrying "prev", the SHA-256
 * of the previous line's bytes, with checkpoint lines signed by an Ed25519 device key. Written by
 * medgated (auditlog.c), checked by medgatectl audit verify (auditverify.c) with the public key
 * alone; the key files are handled by auditkey.c. Every hash and signature is libcrypto's.
 */
#ifndef MEDGATE_AUDITLOG_H
#define MEDGATE_AUDITLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include "medgate.h"

struct json_object;

#define MG_ALOG_DEFAULT_PATH	"/var/log/medgate/audit.log"
#define MG_ALOG_DEFAULT_KEY	"/etc/medgate/audit.key"
#define MG_ALOG_DEFAULT_PUB	"/etc/medgate/audit.pub"
#define MG_ALOG_HASH_HEX	64
/* The longest line the writer produces: a record plus what the chain adds to it. */
#define MG_ALOG_LINE_MAX	(32768 + 512)

/* ---- keys (auditkey.c) ---- */

/*
 * Loads the Ed25519 private key at @key_path, or creates it (mode 0400, its directory 0700 if
 * missing) when there is none; (re)writes the public key at @pub_path (0444) when missing.
 * *@created tells which. 0 or -errno, with a sentence in @msg.
 */
int mg_alog_key_load_or_create(const char *key_path, const char *pub_path, EVP_PKEY **out,
			       bool *created, char *msg, size_t msglen);
/* Reads a PEM public key (an Ed25519 one); 0 or -errno, with a sentence in @msg. */
int mg_alog_pubkey_load(const char *path, EVP_PKEY **out, char *msg, size_t msglen);
/* The signature of @len bytes at @data as 128 hex digits (+ NUL) into @hex; 0 or -EIO. */
int mg_alog_sign_hex(EVP_PKEY *key, const void *data, size_t len, char hex[129]);
/* True when @hex is a valid signature of @data by @pub. */
bool mg_alog_sig_ok(EVP_PKEY *pub, const void *data, size_t len, const char *hex);
/* The first 16 hex digits of the SHA-256 of the raw public key: names the key in checkpoints. */
int mg_alog_key_id(EVP_PKEY *key, char id[17]);
void mg_alog_hash_hex(const void *data, size_t len, char hex[MG_ALOG_HASH_HEX + 1]);

/* ---- the writer (auditlog.c) ---- */

struct mg_alog_opts {
	const char *path;	/* the log; rotated files are PATH.1 (newest) .. PATH.keep */
	EVP_PKEY *key;		/* the signing key (not owned) */
	uint64_t rotate_size;	/* rotate once a file would grow past this many bytes; 0: never */
	unsigned int keep;	/* rotated files kept (at least 1 when rotating) */
};

struct mg_alog;

/*
 * Opens the log for appending (creating it and its directory, 0700, when missing), takes the
 * one-writer lock, moves a torn last line aside to PATH.torn and continues the chain from the
 * last whole line. 0 or -errno, with a sentence in @msg.
 */
int mg_alog_open(struct mg_alog **out, const struct mg_alog_opts *o, char *msg, size_t msglen);
/* The module sequence number the log continues from (0 for a new log). */
uint64_t mg_alog_next_seq(const struct mg_alog *l);
/* Bytes of a torn last line moved aside by mg_alog_open() (0: none); the caller records it. */
size_t mg_alog_torn_bytes(const struct mg_alog *l);
/*
 * Appends @record (one compact JSON object, no newline) with "n" and "prev" added, rotating
 * first when the file is full. @next_seq: the module's next sequence number once this record is
 * in the log. On failure (a full disk) nothing of the line stays in the file and the chain head
 * is unchanged. 0 or -errno.
 */
int mg_alog_append(struct mg_alog *l, const char *record, uint64_t next_seq);
/* Lines appended since the last checkpoint. */
uint64_t mg_alog_unsealed(const struct mg_alog *l);
/* Appends a signed checkpoint (@reason: "records", "interval", "rotate", "stop") and fsyncs. */
int mg_alog_checkpoint(struct mg_alog *l, const char *reason);
/* fdatasync of what was appended. */
int mg_alog_sync(struct mg_alog *l);
void mg_alog_close(struct mg_alog *l);

/* ---- verify (auditverify.c) ---- */

struct mg_alog_report {
	bool intact;
	char file[4096];	/* where the first break is (when not intact) */
	uint64_t line;		/* 1-based line in that file */
	char reason[512];
	unsigned int files;
	uint64_t lines, checkpoints, events, losses;
	uint64_t next_seq;	/* the last checkpoint's */
	uint64_t open_tail;	/* lines after the last checkpoint (accepted with @live) */
};

/*
 * Walks PATH's rotated files (oldest first) and PATH, checking every link and every checkpoint
 * signature with @pub. @live: lines after the last checkpoint are the running writer's, not a
 * truncation. 0 with @r filled in (r->intact says the verdict), or -errno when PATH cannot be
 * read at all.
 */
int mg_alog_verify(const char *path, EVP_PKEY *pub, bool live, struct mg_alog_report *r);

/*
 * Creates the directory @path is in, root only (0700), when it is missing (its own parent must
 * exist): for the log and the key files. 0 or -errno.
 */
int mg_alog_make_parent(const char *path);

/*
 * The numbers N of PATH's rotated files PATH.N, largest (oldest) first, malloc'd into *@out
 * (free() it). 0 or -errno.
 */
int mg_alog_rotated(const char *path, unsigned long **out, size_t *count);

/* What mg_alog_read() found besides the records it passed on. */
struct mg_alog_totals {
	uint64_t next;		/* the module sequence number after the last record read */
	uint64_t lost;		/* sequence numbers the log's loss records account for */
	uint64_t suppressed, rate_limited;	/* the flood limiter's summary records, summed */
	uint64_t files, lines;
};

/*
 * Reads the records of medgated's log PATH and its rotated files, oldest first, as the module's
 * stream reads: each event at or after @from to @r->event, each loss record (the module's or the
 * log's) ending after @from to @r->loss; medgated's own records (start, stop, checkpoints, torn,
 * warnings) are skipped. It checks nothing: `audit verify` does. 0, or -errno (a file cannot be
 * read), or -EBADMSG with @bad (file:line) when a line is not a record of this format.
 */
int mg_alog_read(const char *path, uint64_t from, const struct mg_audit_reader *r,
		 struct mg_alog_totals *t, char *bad, size_t badlen);

/* Where mg_alog_follow() goes on from; zero it before the first call. */
struct mg_alog_cursor {
	bool started;
	ino_t ino;	/* the file being read, as PATH named it */
	off_t off;	/* after its last whole line read */
};

/*
 * mg_alog_read() for a log medgated is writing: the first call reads all of it, each later call
 * only the whole lines written since; after a rotation, all of it again, so pass as @from the
 * sequence number after the last record seen (t->next of the call before). @t counts what this
 * call read. Returns as mg_alog_read().
 */
int mg_alog_follow(struct mg_alog_cursor *c, const char *path, uint64_t from,
		   const struct mg_audit_reader *r, struct mg_alog_totals *t, char *bad,
		   size_t badlen);

/* One "event" line of the log back into the record it was written from. 0 or -EINVAL. */
int mg_event_from_json(struct json_object *o, struct mg_event *ev);

#endif

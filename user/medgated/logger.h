/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATED_LOGGER_H
#define MEDGATED_LOGGER_H

#include <stdint.h>

/* medgated's messages on stderr, "medgated: " first. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct logger_opts {
	const char *path;		/* the audit log */
	const char *key_path;		/* the device's private key, made on first start */
	const char *pub_path;		/* its public half, written beside it */
	uint64_t cp_records;		/* a checkpoint after this many lines ... */
	unsigned int cp_seconds;	/* ... or this many seconds, whichever comes first */
	uint64_t rotate_size;		/* bytes per file; 0: no rotation */
	unsigned int keep;		/* rotated files kept */
	unsigned int warn_percent;	/* a warning record when the log's file system is this
					 * full (percent of its blocks); 0: never */
	const char *syslog_path;	/* NULL, or the socket each record is also sent to */
};

/* Writes the module's audit stream to the chained log until SIGTERM/SIGINT; the exit status. */
int run_logger(const struct logger_opts *o);

#endif /* MEDGATED_LOGGER_H */

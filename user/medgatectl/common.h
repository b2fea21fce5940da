/* SPDX-License-Identifier: GPL-2.0 */
/*
 * medgatectl: shared declarations. Grammar: medgatectl [OPTIONS] OBJECT COMMAND [ARGS].
 * One source file per object, each with a cmds[] table handed to dispatch().
 */
#ifndef MEDGATECTL_COMMON_H
#define MEDGATECTL_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "medgate.h"

/* Exit codes (documented in --help and docs/cli.md). */
#define EXIT_OK		0	/* success; for status: able to enforce */
#define EXIT_FAIL	1	/* the operation failed, the policy has errors, or status found problems */
#define EXIT_USAGE	2	/* bad command line */

/*
 * Helpers return 0 or -errno, having said what went wrong; only the cmd_* functions (and main)
 * turn a result into an exit status, through this. Usage errors are theirs too: usage_error()
 * prints the message and the help and gives EXIT_USAGE.
 */
static inline int exit_status(int err)
{
	return err ? EXIT_FAIL : EXIT_OK;
}

#define MEDGATECTL_VERSION "0.1"

extern bool json_output;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);	/* argv[0] is the first argument after the command */
};

/*
 * Runs the command named by argv[0] from @cmds (exact match). With no word, runs @dflt if it is
 * set, else prints @help and fails with EXIT_USAGE; an unknown word gets
 * `medgatectl: unknown command "x"` and @help on stderr, EXIT_USAGE. -h or --help anywhere
 * before "--" prints @help on stdout and returns EXIT_OK without running anything.
 */
int dispatch(const struct cmd *cmds, const char *dflt, int argc, char **argv,
	     void (*help)(FILE *f));

void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(void (*help)(FILE *f), const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* -j / --json inside a command's arguments. */
bool is_json_opt(const char *arg);
/* -h / --help: dispatch() answers it anywhere on the command line with the object's help. */
bool is_help_opt(const char *arg);

/* Opens the netlink client; on failure says why in words and returns -errno. */
int open_client(struct mg_client **c);

/* audit.c: what every audit command reads, with which filter; audit_report.c: summary, export. */
struct audit_query {
	uint64_t from;
	struct mg_event_filter filter;
	const char *log;	/* --log: read medgated's log, not the module */
};
struct audit_totals {
	uint64_t next, lost, suppressed, rate_limited;
};
int parse_u64(const char *s, uint64_t *out);
int audit_options(int argc, char **argv, struct audit_query *q,
		  int (*extra)(int argc, char **argv, int i, void *arg), void *arg);
int audit_read(const struct audit_query *q, const struct mg_audit_reader *r,
	       struct audit_totals *t);
bool audit_filtered(const struct audit_query *q);
void audit_totals_text(const struct audit_totals *t);
int cmd_summary(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* Objects. */
int do_policy(int argc, char **argv);
int do_status(int argc, char **argv);
int do_audit(int argc, char **argv);
void policy_help(FILE *f);
void status_help(FILE *f);
void audit_help(FILE *f);
void main_help(FILE *f);

#endif /* MEDGATECTL_COMMON_H */

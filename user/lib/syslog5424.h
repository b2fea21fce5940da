/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_SYSLOG5424_H
#define MEDGATE_SYSLOG5424_H

#include <stddef.h>
#include "medgate.h"

/*
 * The SD-ID of medgate's structured data. 32473 is the IANA example enterprise number, reserved
 * for documentation (RFC 5612): a vendor that ships medgate replaces it with its own private
 * enterprise number here.
 */
#define MG_SYSLOG_SD_ID		"medgate@32473"
/* Facility authpriv (10): access-control records, readable by root only on most systems. */
#define MG_SYSLOG_FACILITY	10
/*
 * A message is cut to this many bytes by shortening the MSG, never the structured data: only
 * when the structured data alone is longer (paths near PATH_MAX full of escaped bytes) does the
 * message exceed it, with an empty MSG.
 */
#define MG_SYSLOG_MSG_MAX	8192
/* A buffer this big holds any record's message. */
#define MG_SYSLOG_LINE_MAX	65536

/*
 * One audit record as an RFC 5424 message (no trailing newline):
 * <PRI>1 TIMESTAMP HOSTNAME medgated PROCID MSGID [medgate@32473 ...] MSG.
 * Severity: warning (4) for deny, notice (5) for would_deny, info (6) otherwise. @hostname may be
 * NULL or empty (the NILVALUE "-"); bytes outside printable ASCII in it become '-'. Returns the
 * length, or -ENOSPC if @len is too small (MG_SYSLOG_LINE_MAX always suffices).
 */
int mg_event_format_syslog(const struct mg_event *ev, const char *hostname, int procid,
			   char *buf, size_t len);

#endif /* MEDGATE_SYSLOG5424_H */

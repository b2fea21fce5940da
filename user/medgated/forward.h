/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATED_FORWARD_H
#define MEDGATED_FORWARD_H

#include <stdint.h>
#include "medgate.h"

/*
 * The copy of each audit record to the local syslog socket (docs/audit-log.md, "Forwarding"):
 * one RFC 5424 datagram per record, never blocking, and never a reason to stop logging.
 */
struct forwarder;

/* NULL when out of memory (said on stderr). The socket is connected at the first record. */
struct forwarder *fwd_open(const char *socket_path);
/* Sends @ev; a failure is counted, said once, and its recovery said once. */
void fwd_event(struct forwarder *f, const struct mg_event *ev);
/* Records that could not be forwarded since fwd_open(). */
uint64_t fwd_failed(const struct forwarder *f);
void fwd_close(struct forwarder *f);

#endif /* MEDGATED_FORWARD_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * medgated's copy of each audit record to the local syslog socket (/dev/log by default), as one
 * RFC 5424 datagram (user/lib/syslog5424.c), after the record is in the signed log. rsyslog or
 * journald on the device carries it further; this code never waits for them: the socket is
 * non-blocking, a full receive queue or an absent listener makes the record count as not
 * forwarded, and the signed log and enforcement never depend on it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "forward.h"
#include "logger.h"
#include "syslog5424.h"

struct forwarder {
	const char *path;
	int fd;			/* -1: connect at the next record */
	bool failing;		/* said once; said again when a record gets through */
	uint64_t failed;
	char host[256];
	char buf[MG_SYSLOG_LINE_MAX];
};

struct forwarder *fwd_open(const char *socket_path)
{
	struct forwarder *f = calloc(1, sizeof(*f));

	if (!f) {
		say("out of memory");
		return NULL;
	}
	f->path = socket_path;
	f->fd = -1;
	if (gethostname(f->host, sizeof(f->host) - 1))
		f->host[0] = '\0';	/* the NILVALUE */
	return f;
}

static int fwd_connect(struct forwarder *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(f->path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, f->path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int err = -errno;

		close(fd);
		return err;
	}
	f->fd = fd;
	return 0;
}

static int fwd_send(struct forwarder *f, const char *msg, size_t len)
{
	int err;

	if (f->fd < 0) {
		err = fwd_connect(f);
		if (err)
			return err;
	}
	if (send(f->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return 0;
	err = -errno;
	/* The listener went away or was restarted on a new socket: connect afresh next time. */
	if (err == -ECONNREFUSED || err == -ENOENT || err == -ENOTCONN) {
		close(f->fd);
		f->fd = -1;
	}
	return err;
}

void fwd_event(struct forwarder *f, const struct mg_event *ev)
{
	int len, err;

	len = mg_event_format_syslog(ev, f->host, getpid(), f->buf, sizeof(f->buf));
	err = len < 0 ? len : fwd_send(f, f->buf, (size_t)len);
	if (err) {
		f->failed++;
		if (!f->failing)
			say("cannot forward audit records to %s: %s; counting them (the signed log and enforcement go on)",
			    f->path, strerror(-err));
		f->failing = true;
		return;
	}
	if (f->failing)
		say("forwarding audit records to %s again (%" PRIu64 " could not be forwarded so far)",
		    f->path, f->failed);
	f->failing = false;
}

uint64_t fwd_failed(const struct forwarder *f)
{
	return f ? f->failed : 0;
}

void fwd_close(struct forwarder *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

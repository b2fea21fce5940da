// SPDX-License-Identifier: GPL-2.0
/*
 * The audit doorbell: medgate.ko multicasts MEDGATE_CMD_AUDIT_NOTIFY on the group
 * MEDGATE_GENL_MCGRP_AUDIT after new events. A reader waits on it instead of polling, then pulls
 * the events with MEDGATE_CMD_AUDIT_READ. The doorbell has a socket of its own, so that
 * notifications never arrive in the middle of a request's replies; what they carry is not needed
 * (the pull finds the events), so they are only drained.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

struct mg_doorbell {
	struct nl_sock *sk;
};

int mg_doorbell_open(struct mg_doorbell **out)
{
	struct mg_doorbell *db;
	int grp, err;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (!db)
		return -ENOMEM;
	err = mg_genl_socket(&db->sk);
	if (err) {
		free(db);
		return err;
	}
	grp = genl_ctrl_resolve_grp(db->sk, MEDGATE_GENL_NAME, MEDGATE_GENL_MCGRP_AUDIT);
	if (grp < 0) {
		err = mg_nlerr_to_errno(grp);	/* -ENOENT: the module is not loaded */
		goto fail;
	}
	/* Joining needs CAP_SYS_ADMIN: anyone else is refused here, not silently left unnotified. */
	if (setsockopt(nl_socket_get_fd(db->sk), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp))) {
		err = -errno;
		goto fail;
	}
	*out = db;
	return 0;
fail:
	nl_socket_free(db->sk);
	free(db);
	return err;
}

int mg_doorbell_wait(struct mg_doorbell *db, int timeout_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(db->sk), .events = POLLIN };
	char buf[512];
	int n;

	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	/* Drain: several rings are one reason to pull. An overrun (ENOBUFS) is a ring too. */
	while (recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 || errno == ENOBUFS)
		;
	return 1;
}

void mg_doorbell_close(struct mg_doorbell *db)
{
	if (!db)
		return;
	nl_socket_free(db->sk);
	free(db);
}

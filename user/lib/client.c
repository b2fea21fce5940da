// SPDX-License-Identifier: GPL-2.0
/*
 * Generic-netlink client of medgate.ko (libnl-genl-3).
 *
 * Every request goes through transact(): one message out, then the replies, the ACK or the error
 * in. The kernel's errno and its extack message are taken from the raw NLMSG_ERROR (or the
 * NLMSG_DONE of a dump) before libnl interprets it, so callers get the exact errno and the
 * module's own words. Every attribute the kernel sends is checked against a policy with exact
 * lengths before it is read; strings are copied with bounds. Nothing from the kernel is trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* How long one receive may wait for the module before the request fails with -ETIMEDOUT. */
#define MG_RECV_TIMEOUT_S	10

/* One netlink attribute carries at most 65,535 bytes including its 4-byte header. */
#define MG_ATTR_PAYLOAD_MAX	(65535 - NLA_HDRLEN)

/*
 * Socket buffers: a request carrying a full attribute is about 64 KiB, more than libnl's default
 * buffer (32 KiB, doubled by the kernel) lets through. The kernel caps the request at
 * net.core.wmem_max / rmem_max, which is still enough.
 */
#define MG_SOCK_BUF		(1 << 20)

struct mg_client {
	struct nl_sock *sk;
	int family;
};

/* libnl's NLE_* codes back to errno, for failures that did not come from the kernel. */
int mg_nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:			return 0;
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_MSG_TRUNC:	return -EMSGSIZE;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_BUSY:		return -EBUSY;
	case NLE_EXIST:		return -EEXIST;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_NODEV:		return -ENODEV;
	case NLE_BAD_SOCK:	return -EBADF;
	case NLE_INTR:		return -EINTR;
	case NLE_DUMP_INTR:	return -EINTR;
	case NLE_MSG_OVERFLOW:	return -ENOBUFS;
	case NLE_SEQ_MISMATCH:	return -EPROTO;
	case NLE_PARSE_ERR:	return -EPROTO;
	case NLE_MSGTYPE_NOSUPPORT: return -EPROTO;
	case NLE_NOADDR:	return -EADDRNOTAVAIL;
	}
	return -EIO;
}

int mg_genl_socket(struct nl_sock **out)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	*out = NULL;
	if (!sk)
		return -ENOMEM;
	err = genl_connect(sk);
	if (err < 0) {
		nl_socket_free(sk);
		return mg_nlerr_to_errno(err);
	}
	*out = sk;
	return 0;
}

int mg_client_open(struct mg_client **out)
{
	struct timeval tv = { .tv_sec = MG_RECV_TIMEOUT_S };
	struct mg_client *c;
	int one = 1, err;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	err = mg_genl_socket(&c->sk);
	if (err) {
		free(c);
		return err;
	}
	nl_socket_enable_msg_peek(c->sk);
	(void)nl_socket_set_buffer_size(c->sk, MG_SOCK_BUF, MG_SOCK_BUF);
	/*
	 * Extended ACKs carry the module's reason for a refused request; capped ACKs keep a 64 KiB
	 * policy blob from being echoed back in the error. Both are best effort on old kernels.
	 */
	(void)setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)setsockopt(nl_socket_get_fd(c->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	c->family = genl_ctrl_resolve(c->sk, MEDGATE_GENL_NAME);
	if (c->family < 0) {
		err = mg_nlerr_to_errno(c->family);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	nl_socket_free(c->sk);
	free(c);
	return err;
}

void mg_client_close(struct mg_client *c)
{
	if (!c)
		return;
	nl_socket_free(c->sk);
	free(c);
}

/* ---- one request ---- */

struct transact {
	int (*parse)(struct nlmsghdr *nlh, void *arg);	/* each reply; returns 0 or -errno */
	void *arg;
	int err;		/* first error: the kernel's, or a malformed reply */
	bool done;
	unsigned long seen;	/* messages received, to tell a timeout from progress */
	char ext[256];		/* extack message */
};

static void set_err(struct transact *t, int err)
{
	if (!t->err)
		t->err = err;
}

/* Extended-ACK TLVs start after the (possibly capped) echo of our request. */
static void parse_ack_tlvs(struct transact *t, struct nlmsghdr *nlh, size_t off)
{
	static struct nla_policy pol[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING, .minlen = 1 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	const char *s;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > plen)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlmsg_data(nlh) + off),
		      (int)(plen - off), pol) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	s = nla_data(tb[NLMSGERR_ATTR_MSG]);
	snprintf(t->ext, sizeof(t->ext), "%.*s", (int)strnlen(s, nla_len(tb[NLMSGERR_ATTR_MSG])),
		 s);
}

/* Sees every message first, before libnl's own processing. */
static int cb_msg_in(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	size_t plen;

	t->seen++;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return NL_OK;
	plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = nlmsg_data(nlh);
		size_t off;

		if (plen < sizeof(*e))
			return NL_OK;	/* libnl reports the truncation */
		if (e->error < 0)
			set_err(t, e->error);
		off = NLMSG_ALIGN(sizeof(*e));
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < NLMSG_HDRLEN)
				return NL_OK;
			off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
		}
		if (e->error < 0)
			parse_ack_tlvs(t, nlh, off);
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		int derr;

		/* A dump that failed midway says so in the DONE message. */
		if (plen >= sizeof(derr)) {
			memcpy(&derr, nlmsg_data(nlh), sizeof(derr));
			if (derr < 0) {
				set_err(t, derr);
				parse_ack_tlvs(t, nlh, NLMSG_ALIGN(sizeof(derr)));
			}
		}
	}
	return NL_OK;
}

static int cb_valid(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;
	int err;

	if (t->err || !t->parse)
		return NL_SKIP;	/* keep draining a dump after an error */
	err = t->parse(nlmsg_hdr(msg), t->arg);
	if (err)
		set_err(t, err);
	return NL_OK;
}

static int cb_done(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;

	(void)msg;
	t->done = true;
	return NL_STOP;
}

static int cb_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct transact *t = arg;

	(void)nla;
	set_err(t, e->error < 0 ? e->error : -EPROTO);
	t->done = true;
	return NL_STOP;
}

static int transact(struct mg_client *c, struct nl_msg *msg,
		    int (*parse)(struct nlmsghdr *nlh, void *arg), void *arg,
		    char *errmsg, size_t errlen)
{
	struct transact t = { .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int err;

	if (errmsg && errlen)
		errmsg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, cb_msg_in, &t);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cb_done, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_done, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, cb_error, &t);

	err = nl_send_auto(c->sk, msg);
	if (err < 0) {
		err = mg_nlerr_to_errno(err);
		goto out;
	}
	while (!t.done) {
		unsigned long before = t.seen;

		err = nl_recvmsgs(c->sk, cb);
		if (t.done || t.err)
			break;
		if (err < 0) {
			err = mg_nlerr_to_errno(err);
			goto out;
		}
		if (t.seen == before) {	/* nl_recv() gave up: SO_RCVTIMEO expired */
			err = -ETIMEDOUT;
			goto out;
		}
	}
	err = t.err;
	if (errmsg && errlen)
		snprintf(errmsg, errlen, "%s", t.ext);
out:
	nl_cb_put(cb);
	return err;
}

static struct nl_msg *new_request(struct mg_client *c, uint8_t cmd, int flags, size_t payload)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + payload + 256);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, flags, cmd,
			 MEDGATE_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ---- reply parsing helpers ---- */

/* Checks the genl header and returns its attributes; -EPROTO if malformed. */
static int genl_attrs(struct nlmsghdr *nlh, struct nlattr **attrs, int *len)
{
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EPROTO;
	*attrs = genlmsg_attrdata(nlmsg_data(nlh), 0);
	*len = genlmsg_attrlen(nlmsg_data(nlh), 0);
	return 0;
}

/*
 * libnl checks minimum lengths only; exact sizes and string termination are checked here so a
 * malformed attribute can never be read past its end.
 */
static bool attr_ok(const struct nlattr *a, int type, size_t max)
{
	int len = nla_len(a);

	switch (type) {
	case NLA_U32:
		return len == 4;
	case NLA_U64:
		return len == 8;
	case NLA_STRING:
		return len >= 1 && (size_t)len <= max && ((const char *)nla_data(a))[len - 1] == '\0';
	case NLA_NESTED:
		return len >= 0;
	case NLA_FLAG:
		return len == 0;
	}
	return false;
}

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	const char *s = nla_data(a);
	size_t n = strnlen(s, (size_t)nla_len(a));

	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

struct attr_spec {
	int type;		/* NLA_U32, NLA_U64, NLA_STRING, NLA_NESTED, NLA_FLAG; 0: ignored */
	size_t max;		/* strings: bytes including the NUL */
};

/* nla_parse plus attr_ok() for every attribute present. */
static int parse_attrs(struct nlattr **tb, int maxtype, struct nlattr *head, int len,
		       const struct attr_spec *spec)
{
	struct nla_policy pol[64];
	int i;

	if (maxtype >= (int)ARRAY_SIZE(pol))
		return -EINVAL;
	memset(pol, 0, sizeof(pol));
	for (i = 0; i <= maxtype; i++)
		pol[i].type = spec[i].type ? (uint16_t)spec[i].type : NLA_UNSPEC;
	if (nla_parse(tb, maxtype, head, len, pol) < 0)
		return -EPROTO;
	for (i = 0; i <= maxtype; i++)
		if (tb[i] && spec[i].type && !attr_ok(tb[i], spec[i].type, spec[i].max))
			return -EPROTO;
	return 0;
}

/* ---- MEDGATE_CMD_POLICY_LOAD ---- */

struct load_reply {
	uint64_t version;
};

static int parse_load(struct nlmsghdr *nlh, void *arg)
{
	static const struct attr_spec spec[MEDGATE_A_MAX + 1] = {
		[MEDGATE_A_POLICY_VERSION] = { NLA_U64, 0 },
	};
	struct nlattr *tb[MEDGATE_A_MAX + 1], *head;
	struct load_reply *r = arg;
	int len, err;

	if ((err = genl_attrs(nlh, &head, &len)) ||
	    (err = parse_attrs(tb, MEDGATE_A_MAX, head, len, spec)))
		return err;
	if (tb[MEDGATE_A_POLICY_VERSION])
		r->version = nla_get_u64(tb[MEDGATE_A_POLICY_VERSION]);
	return 0;
}

/* One POLICY_LOAD message: the whole blob (@total 0), or the chunk at @off of a @total blob. */
static int load_message(struct mg_client *c, const void *data, size_t len, uint32_t total,
			uint32_t off, struct load_reply *r, char *errmsg, size_t errlen)
{
	struct nl_msg *msg;
	int err;

	msg = new_request(c, MEDGATE_CMD_POLICY_LOAD, 0, 2 * NLA_HDRLEN + 8 + NLA_ALIGN(len));
	if (!msg)
		return -ENOMEM;
	if ((total && (nla_put_u32(msg, MEDGATE_A_POLICY_TOTAL_LEN, total) < 0 ||
		       nla_put_u32(msg, MEDGATE_A_POLICY_CHUNK_OFFSET, off) < 0)) ||
	    nla_put(msg, MEDGATE_A_POLICY_BLOB, (int)len, data) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = transact(c, msg, parse_load, r, errmsg, errlen);
	nlmsg_free(msg);
	return err;
}

int mg_policy_load(struct mg_client *c, const void *blob, size_t len, uint64_t *version,
		   char *errmsg, size_t errlen)
{
	struct load_reply r = { 0 };
	size_t off;
	int err = 0;

	if (errmsg && errlen)
		errmsg[0] = '\0';
	if (len <= MG_ATTR_PAYLOAD_MAX) {
		err = load_message(c, blob, len, 0, 0, &r, errmsg, errlen);
	} else if (len > UINT32_MAX) {
		if (errmsg && errlen)
			snprintf(errmsg, errlen, "the blob is %zu bytes, more than a chunked load can describe",
				 len);
		return -E2BIG;
	} else {
		/*
		 * Chunks in order from offset 0, each acknowledged before the next is sent; the
		 * module loads the policy when the last one arrives and answers it with the version.
		 * The first refusal ends the transfer (the module drops the session).
		 */
		for (off = 0; off < len && !err; off += MG_ATTR_PAYLOAD_MAX) {
			size_t n = len - off < MG_ATTR_PAYLOAD_MAX ? len - off : MG_ATTR_PAYLOAD_MAX;

			err = load_message(c, (const char *)blob + off, n, (uint32_t)len,
					   (uint32_t)off, &r, errmsg, errlen);
		}
	}
	if (!err && version)
		*version = r.version;
	return err;
}

/* ---- MEDGATE_CMD_PROTECT_FILE ---- */

int mg_protect_file(struct mg_client *c, const char *path, char *errmsg, size_t errlen)
{
	struct nl_msg *msg;
	int err;

	msg = new_request(c, MEDGATE_CMD_PROTECT_FILE, 0, NLA_HDRLEN + strlen(path) + 1);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, MEDGATE_A_PROTECT_PATH, path) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = transact(c, msg, NULL, NULL, errmsg, errlen);
	nlmsg_free(msg);
	return err;
}

/* ---- MEDGATE_CMD_POLICY_GET ---- */

struct get_state {
	uint8_t *buf;
	uint32_t total, got;
	uint64_t version;
	bool started;
};

static int parse_get(struct nlmsghdr *nlh, void *arg)
{
	static const struct attr_spec spec[MEDGATE_A_MAX + 1] = {
		[MEDGATE_A_POLICY_VERSION] = { NLA_U64, 0 },
		[MEDGATE_A_POLICY_TOTAL_LEN] = { NLA_U32, 0 },
		[MEDGATE_A_POLICY_CHUNK_OFFSET] = { NLA_U32, 0 },
	};
	struct nlattr *tb[MEDGATE_A_MAX + 1], *head;
	struct get_state *g = arg;
	uint32_t total, off, n;
	uint64_t version;
	int len, err;

	if ((err = genl_attrs(nlh, &head, &len)) ||
	    (err = parse_attrs(tb, MEDGATE_A_MAX, head, len, spec)))
		return err;
	if (!tb[MEDGATE_A_POLICY_VERSION] || !tb[MEDGATE_A_POLICY_TOTAL_LEN] ||
	    !tb[MEDGATE_A_POLICY_CHUNK_OFFSET] || !tb[MEDGATE_A_POLICY_BLOB])
		return -EPROTO;
	version = nla_get_u64(tb[MEDGATE_A_POLICY_VERSION]);
	total = nla_get_u32(tb[MEDGATE_A_POLICY_TOTAL_LEN]);
	off = nla_get_u32(tb[MEDGATE_A_POLICY_CHUNK_OFFSET]);
	n = (uint32_t)nla_len(tb[MEDGATE_A_POLICY_BLOB]);
	if (!g->started) {
		/* Bounded by the module's own limit before anything is allocated. */
		if (!total || total > MEDGATE_BLOB_MAX_SIZE)
			return -EPROTO;
		g->buf = malloc(total);
		if (!g->buf)
			return -ENOMEM;
		g->total = total;
		g->version = version;
		g->started = true;
	}
	/* One policy, sent in order, without gaps or overlaps. */
	if (total != g->total || version != g->version || off != g->got || !n ||
	    n > g->total - g->got)
		return -EPROTO;
	memcpy(g->buf + off, nla_data(tb[MEDGATE_A_POLICY_BLOB]), n);
	g->got += n;
	return 0;
}

int mg_policy_get(struct mg_client *c, void **blob, size_t *len, uint64_t *version,
		  char *errmsg, size_t errlen)
{
	struct get_state g = { 0 };
	struct nl_msg *msg;
	int err;

	*blob = NULL;
	*len = 0;
	if (errmsg && errlen)
		errmsg[0] = '\0';
	msg = new_request(c, MEDGATE_CMD_POLICY_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	err = transact(c, msg, parse_get, &g, errmsg, errlen);
	nlmsg_free(msg);
	if (!err && (!g.started || g.got != g.total))
		err = -EPROTO;	/* an empty or incomplete dump */
	if (err) {
		free(g.buf);
		return err;
	}
	*blob = g.buf;
	*len = g.total;
	if (version)
		*version = g.version;
	return 0;
}

/* ---- MEDGATE_CMD_STATUS_GET ---- */

static int parse_profile(struct nlattr *nest, struct mg_profile_info *pi)
{
	static const struct attr_spec spec[MEDGATE_PA_MAX + 1] = {
		[MEDGATE_PA_ID] = { NLA_U64, 0 },
		[MEDGATE_PA_NAME] = { NLA_STRING, MEDGATE_NAME_MAX },
		[MEDGATE_PA_MODE] = { NLA_U32, 0 },
		[MEDGATE_PA_RULES] = { NLA_U32, 0 },
	};
	struct nlattr *tb[MEDGATE_PA_MAX + 1];
	int err;

	err = parse_attrs(tb, MEDGATE_PA_MAX, nla_data(nest), nla_len(nest), spec);
	if (err)
		return err;
	if (!tb[MEDGATE_PA_ID] || !tb[MEDGATE_PA_NAME])
		return -EPROTO;
	memset(pi, 0, sizeof(*pi));
	pi->id = nla_get_u64(tb[MEDGATE_PA_ID]);
	copy_str(pi->name, sizeof(pi->name), tb[MEDGATE_PA_NAME]);
	if (tb[MEDGATE_PA_MODE])
		pi->mode = nla_get_u32(tb[MEDGATE_PA_MODE]);
	if (tb[MEDGATE_PA_RULES])
		pi->rules = nla_get_u32(tb[MEDGATE_PA_RULES]);
	return 0;
}

static int parse_status(struct nlmsghdr *nlh, void *arg)
{
	static const struct attr_spec spec[MEDGATE_A_MAX + 1] = {
		[MEDGATE_A_ABI_VERSION] = { NLA_U32, 0 },
		[MEDGATE_A_POLICY_VERSION] = { NLA_U64, 0 },
		[MEDGATE_A_POLICY_LOADS] = { NLA_U32, 0 },
		[MEDGATE_A_POLICY_LOADED_NS] = { NLA_U64, 0 },
		[MEDGATE_A_AUDIT_NEXT_SEQ] = { NLA_U64, 0 },
		[MEDGATE_A_AUDIT_LOST] = { NLA_U64, 0 },
		[MEDGATE_A_AUDIT_SUPPRESSED] = { NLA_U64, 0 },
		[MEDGATE_A_AUDIT_RATE_LIMITED] = { NLA_U64, 0 },
		[MEDGATE_A_PROFILE] = { NLA_NESTED, 0 },
	};
	struct nlattr *tb[MEDGATE_A_MAX + 1], *head, *a;
	struct mg_status *st = arg;
	int len, rem, err;

	if ((err = genl_attrs(nlh, &head, &len)) ||
	    (err = parse_attrs(tb, MEDGATE_A_MAX, head, len, spec)))
		return err;
	if (!tb[MEDGATE_A_ABI_VERSION])
		return -EPROTO;
	st->abi_version = nla_get_u32(tb[MEDGATE_A_ABI_VERSION]);
	if (tb[MEDGATE_A_POLICY_VERSION])
		st->policy_version = nla_get_u64(tb[MEDGATE_A_POLICY_VERSION]);
	if (tb[MEDGATE_A_POLICY_LOADS])
		st->policy_loads = nla_get_u32(tb[MEDGATE_A_POLICY_LOADS]);
	if (tb[MEDGATE_A_POLICY_LOADED_NS])
		st->loaded_ns = nla_get_u64(tb[MEDGATE_A_POLICY_LOADED_NS]);
	if (tb[MEDGATE_A_AUDIT_NEXT_SEQ])
		st->audit_next_seq = nla_get_u64(tb[MEDGATE_A_AUDIT_NEXT_SEQ]);
	if (tb[MEDGATE_A_AUDIT_LOST])
		st->audit_lost = nla_get_u64(tb[MEDGATE_A_AUDIT_LOST]);
	if (tb[MEDGATE_A_AUDIT_SUPPRESSED])
		st->audit_suppressed = nla_get_u64(tb[MEDGATE_A_AUDIT_SUPPRESSED]);
	if (tb[MEDGATE_A_AUDIT_RATE_LIMITED])
		st->audit_rate_limited = nla_get_u64(tb[MEDGATE_A_AUDIT_RATE_LIMITED]);

	/* MEDGATE_A_PROFILE repeats; nla_parse() kept only the last one. */
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != MEDGATE_A_PROFILE)
			continue;
		if (st->n_profiles >= ARRAY_SIZE(st->profiles))
			return -EPROTO;
		err = parse_profile(a, &st->profiles[st->n_profiles]);
		if (err)
			return err;
		st->n_profiles++;
	}
	return 0;
}

int mg_status_get(struct mg_client *c, struct mg_status *st)
{
	struct nl_msg *msg;
	int err;

	memset(st, 0, sizeof(*st));
	msg = new_request(c, MEDGATE_CMD_STATUS_GET, 0, 0);
	if (!msg)
		return -ENOMEM;
	err = transact(c, msg, parse_status, st, NULL, 0);
	nlmsg_free(msg);
	return err;
}

/* ---- MEDGATE_CMD_AUDIT_READ ---- */

struct audit_read {
	int (*cb)(const struct mg_event *ev, void *arg);
	void *arg;
	bool stopped;
	bool have_counters;	/* a reply carried NEXT_SEQ and LOST */
	uint64_t next_seq, lost;
	struct mg_event ev;
};

static int parse_event(struct nlattr *nest, struct mg_event *ev)
{
	static const struct attr_spec spec[MEDGATE_EA_MAX + 1] = {
		[MEDGATE_EA_SEQ] = { NLA_U64, 0 },
		[MEDGATE_EA_TIME_REAL_NS] = { NLA_U64, 0 },
		[MEDGATE_EA_TIME_BOOT_NS] = { NLA_U64, 0 },
		[MEDGATE_EA_POLICY_VERSION] = { NLA_U64, 0 },
		[MEDGATE_EA_PROFILE_ID] = { NLA_U64, 0 },
		[MEDGATE_EA_PROFILE] = { NLA_STRING, MEDGATE_NAME_MAX },
		[MEDGATE_EA_MODE] = { NLA_U32, 0 },
		[MEDGATE_EA_VERDICT] = { NLA_U32, 0 },
		[MEDGATE_EA_PID] = { NLA_U32, 0 },
		[MEDGATE_EA_TGID] = { NLA_U32, 0 },
		[MEDGATE_EA_UID] = { NLA_U32, 0 },
		[MEDGATE_EA_GID] = { NLA_U32, 0 },
		[MEDGATE_EA_COMM] = { NLA_STRING, 16 },
		[MEDGATE_EA_EXE] = { NLA_STRING, MEDGATE_PATH_MAX },
		[MEDGATE_EA_OP] = { NLA_U32, 0 },
		[MEDGATE_EA_ACCESS] = { NLA_U32, 0 },
		[MEDGATE_EA_PATH] = { NLA_STRING, MEDGATE_PATH_MAX },
		[MEDGATE_EA_RULE] = { NLA_U32, 0 },
		[MEDGATE_EA_RULE_LINE] = { NLA_U32, 0 },
		[MEDGATE_EA_ERRNO] = { NLA_U32, 0 },
		[MEDGATE_EA_RULE_FILE] = { NLA_STRING, MEDGATE_PATH_MAX },
		[MEDGATE_EA_DEV] = { NLA_U32, 0 },
		[MEDGATE_EA_INO] = { NLA_U64, 0 },
		[MEDGATE_EA_UNNAMED] = { NLA_FLAG, 0 },
		[MEDGATE_EA_PEER_PID] = { NLA_U32, 0 },
		[MEDGATE_EA_PEER_PROFILE_ID] = { NLA_U64, 0 },
		[MEDGATE_EA_PEER_PROFILE] = { NLA_STRING, MEDGATE_NAME_MAX },
		[MEDGATE_EA_MOUNT_SOURCE] = { NLA_STRING, MEDGATE_PATH_MAX },
		[MEDGATE_EA_FSTYPE] = { NLA_STRING, MEDGATE_FSTYPE_MAX },
		[MEDGATE_EA_KEY_SERIAL] = { NLA_U32, 0 },
		[MEDGATE_EA_SUPPRESSED] = { NLA_U64, 0 },
		[MEDGATE_EA_RATE_LIMITED] = { NLA_U64, 0 },
		[MEDGATE_EA_PREV_POLICY_VERSION] = { NLA_U64, 0 },
		[MEDGATE_EA_REPEATS] = { NLA_U32, 0 },
	};
	struct nlattr *tb[MEDGATE_EA_MAX + 1];
	int err;

	err = parse_attrs(tb, MEDGATE_EA_MAX, nla_data(nest), nla_len(nest), spec);
	if (err)
		return err;
	if (!tb[MEDGATE_EA_SEQ])
		return -EPROTO;
	memset(ev, 0, sizeof(*ev));
	ev->rule = MEDGATE_RULE_NONE;
#define U64(f, a) do { if (tb[a]) ev->f = nla_get_u64(tb[a]); } while (0)
#define U32(f, a) do { if (tb[a]) ev->f = nla_get_u32(tb[a]); } while (0)
#define STR(f, a) do { if (tb[a]) copy_str(ev->f, sizeof(ev->f), tb[a]); } while (0)
	U64(seq, MEDGATE_EA_SEQ);
	U64(time_real_ns, MEDGATE_EA_TIME_REAL_NS);
	U64(time_boot_ns, MEDGATE_EA_TIME_BOOT_NS);
	U64(policy_version, MEDGATE_EA_POLICY_VERSION);
	U64(profile_id, MEDGATE_EA_PROFILE_ID);
	STR(profile, MEDGATE_EA_PROFILE);
	U32(mode, MEDGATE_EA_MODE);
	U32(verdict, MEDGATE_EA_VERDICT);
	U32(pid, MEDGATE_EA_PID);
	U32(tgid, MEDGATE_EA_TGID);
	U32(uid, MEDGATE_EA_UID);
	U32(gid, MEDGATE_EA_GID);
	STR(exe, MEDGATE_EA_EXE);
	STR(comm, MEDGATE_EA_COMM);
	U32(op, MEDGATE_EA_OP);
	U32(access, MEDGATE_EA_ACCESS);
	STR(path, MEDGATE_EA_PATH);
	U32(rule, MEDGATE_EA_RULE);
	U32(rule_line, MEDGATE_EA_RULE_LINE);
	U32(err, MEDGATE_EA_ERRNO);
	STR(rule_file, MEDGATE_EA_RULE_FILE);
	U32(dev, MEDGATE_EA_DEV);
	U64(ino, MEDGATE_EA_INO);
	ev->unnamed = tb[MEDGATE_EA_UNNAMED] != NULL;
	U32(peer_pid, MEDGATE_EA_PEER_PID);
	U64(peer_profile_id, MEDGATE_EA_PEER_PROFILE_ID);
	STR(peer_profile, MEDGATE_EA_PEER_PROFILE);
	STR(source, MEDGATE_EA_MOUNT_SOURCE);
	STR(fstype, MEDGATE_EA_FSTYPE);
	U32(key_serial, MEDGATE_EA_KEY_SERIAL);
	U64(suppressed, MEDGATE_EA_SUPPRESSED);
	U64(rate_limited, MEDGATE_EA_RATE_LIMITED);
	U64(prev_policy_version, MEDGATE_EA_PREV_POLICY_VERSION);
	U32(repeats, MEDGATE_EA_REPEATS);
#undef U64
#undef U32
#undef STR
	return 0;
}

static int parse_audit(struct nlmsghdr *nlh, void *arg)
{
	static const struct attr_spec spec[MEDGATE_A_MAX + 1] = {
		[MEDGATE_A_AUDIT_NEXT_SEQ] = { NLA_U64, 0 },
		[MEDGATE_A_AUDIT_LOST] = { NLA_U64, 0 },
		[MEDGATE_A_EVENT] = { NLA_NESTED, 0 },
	};
	struct nlattr *tb[MEDGATE_A_MAX + 1], *head, *a;
	struct audit_read *ar = arg;
	int len, rem, err;

	if ((err = genl_attrs(nlh, &head, &len)) ||
	    (err = parse_attrs(tb, MEDGATE_A_MAX, head, len, spec)))
		return err;
	if (tb[MEDGATE_A_AUDIT_NEXT_SEQ] && tb[MEDGATE_A_AUDIT_LOST]) {
		ar->next_seq = nla_get_u64(tb[MEDGATE_A_AUDIT_NEXT_SEQ]);
		ar->lost = nla_get_u64(tb[MEDGATE_A_AUDIT_LOST]);
		ar->have_counters = true;
	}
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != MEDGATE_A_EVENT)
			continue;
		err = parse_event(a, &ar->ev);
		if (err)
			return err;
		if (!ar->stopped && ar->cb && ar->cb(&ar->ev, ar->arg))
			ar->stopped = true;
	}
	return 0;
}

int mg_audit_read(struct mg_client *c, uint64_t from_seq,
		  int (*cb)(const struct mg_event *ev, void *arg), void *arg,
		  uint64_t *next_seq, uint64_t *lost)
{
	struct audit_read *ar;
	struct nl_msg *msg;
	int err;

	ar = calloc(1, sizeof(*ar));
	if (!ar)
		return -ENOMEM;
	ar->cb = cb;
	ar->arg = arg;
	msg = new_request(c, MEDGATE_CMD_AUDIT_READ, NLM_F_DUMP, 16);
	if (!msg) {
		free(ar);
		return -ENOMEM;
	}
	if (nla_put_u64(msg, MEDGATE_A_AUDIT_FROM_SEQ, from_seq) < 0) {
		nlmsg_free(msg);
		free(ar);
		return -ENOMEM;
	}
	err = transact(c, msg, parse_audit, ar, NULL, 0);
	nlmsg_free(msg);
	/* Every dump ends with a message carrying the counters. */
	if (!err && !ar->have_counters)
		err = -EPROTO;
	if (!err) {
		if (next_seq)
			*next_seq = ar->next_seq;
		if (lost)
			*lost = ar->lost;
	}
	free(ar);
	return err;
}

/* ---- following the audit stream ---- */

struct follow {
	const struct mg_audit_reader *r;
	uint64_t *cursor;
	bool stopped;
};

static int follow_event(const struct mg_event *ev, void *arg)
{
	struct follow *f = arg;

	if (f->stopped || ev->seq < *f->cursor)
		return 0;	/* already seen */
	if (ev->seq > *f->cursor && f->r->loss)
		f->r->loss(ev->seq - *f->cursor, ev->seq, f->r->arg);
	*f->cursor = ev->seq + 1;
	if (f->r->event && f->r->event(ev, f->r->arg))
		f->stopped = true;
	return f->stopped;
}

int mg_audit_follow(struct mg_client *c, uint64_t *cursor, const struct mg_audit_reader *r,
		    uint64_t *lost)
{
	struct follow f = { .r = r, .cursor = cursor };
	uint64_t end = 0;
	int err;

	err = mg_audit_read(c, *cursor, follow_event, &f, &end, lost);
	if (err || f.stopped)
		return err;
	/* The dump ended past the last event returned: what lies in between is gone. */
	if (end > *cursor) {
		if (r->loss)
			r->loss(end - *cursor, end, r->arg);
		*cursor = end;
	}
	return 0;
}

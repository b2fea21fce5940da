// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink control plane, spoken raw (no libnl) so that every message is exactly what
 * the test says: permissions, attribute validation, and every documented errno in order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "kselftest_harness.h"
#include "mg_util.h"
#include "blob.h"

struct nlreq {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char buf[65536 + 256];
};

static void put_attr(struct nlreq *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void start(struct nlreq *r, uint16_t family, uint8_t cmd, uint16_t flags)
{
	memset(r, 0, offsetof(struct nlreq, buf));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = family;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh.nlmsg_seq = 1;
	r->gh.cmd = cmd;
	r->gh.version = MEDGATE_GENL_VERSION;
}

/*
 * Sends @r and returns the errno of the first error message (0 for an ACK), copying the extack
 * text, if any, into @msg.
 */
static int transact(int fd, struct nlreq *r, char *msg, size_t msglen)
{
	static char rx[1 << 17];
	ssize_t n;

	msg[0] = '\0';
	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(fd, rx, sizeof(rx), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rx; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct nlmsgerr *e;
			struct nlattr *a;
			int left;

			int error;

			if (h->nlmsg_type == NLMSG_DONE) {
				/* A dump that failed says so here: the errno, then the extack TLVs. */
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(error)))
					return 0;
				memcpy(&error, NLMSG_DATA(h), sizeof(error));
				if (error >= 0)
					return 0;
				a = (struct nlattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(error)));
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				e = NLMSG_DATA(h);
				error = e->error;
				/* TLVs follow the echoed request header (capped: header only). */
				a = (struct nlattr *)((char *)e + sizeof(*e) +
						      ((h->nlmsg_flags & NLM_F_CAPPED) ? 0 :
						       e->msg.nlmsg_len - sizeof(e->msg)));
			} else {
				continue;
			}
			if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
				return error;
			left = (char *)h + h->nlmsg_len - (char *)a;
			while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left) {
				if (a->nla_type == NLMSGERR_ATTR_MSG)
					snprintf(msg, msglen, "%s", (char *)a + NLA_HDRLEN);
				left -= NLA_ALIGN(a->nla_len);
				a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
			}
			return error;
		}
	}
}

static int open_genl(uint16_t *family)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	static char rx[8192];
	int one = 1;
	struct nlreq r;
	ssize_t n;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	start(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	r.gh.version = 2;
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, MEDGATE_GENL_NAME, sizeof(MEDGATE_GENL_NAME));
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0)
		goto err;
	n = recv(fd, rx, sizeof(rx), 0);
	if (n > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)rx;
		struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		int left = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		if (h->nlmsg_type == NLMSG_ERROR)
			goto err;
		while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left) {
			if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
				*family = *(uint16_t *)((char *)a + NLA_HDRLEN);
				return fd;
			}
			left -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
err:
	close(fd);
	return -ENOENT;
}

/* A valid blob of a small policy, to be damaged by the tests. */
static uint8_t *valid_blob(size_t *len)
{
	static const char text[] = "profile ctl {\n  attach /tmp/ctl\n  file /tmp/ctl.txt r\n}\n";
	struct mg_diags diags = { 0 };
	void *blob = NULL;

	if (mg_policy_compile(text, "ctl", &blob, len, &diags))
		blob = NULL;
	mg_diags_free(&diags);
	return blob;
}

static void reseal(uint8_t *blob, size_t len)
{
	struct medgate_blob_header *h = (void *)blob;

	medgate_sha256(blob + sizeof(*h), len - sizeof(*h), h->sha256);
}

static int load(int fd, uint16_t fam, const void *blob, size_t len, char *msg)
{
	struct nlreq r;

	start(&r, fam, MEDGATE_CMD_POLICY_LOAD, 0);
	put_attr(&r, MEDGATE_A_POLICY_BLOB, blob, len);
	return transact(fd, &r, msg, 256);
}

FIXTURE(control) {
	int fd;
	uint16_t family;
};

FIXTURE_SETUP(control)
{
	self->fd = open_genl(&self->family);
	ASSERT_LE(0, self->fd) {
		TH_LOG("the medgate genl family is not registered");
	}
}

FIXTURE_TEARDOWN(control)
{
	close(self->fd);
}

/*
 * -ENOENT from POLICY_GET needs a module that has never had a policy: the module keeps its policy
 * until it is unloaded, and it cannot be unloaded while the BPF programs hold it. The VM's init runs
 * this binary before the other selftests, and this test comes first in it, for that reason.
 */
TEST_F(control, policy_get_without_a_policy_is_enoent)
{
	char msg[256];
	struct nlreq r;

	if (mg_policy_version())
		SKIP(return, "a policy is loaded already and cannot be unloaded: this check needs "
		     "control_test to run before any other selftest loads one");
	start(&r, self->family, MEDGATE_CMD_POLICY_GET, NLM_F_DUMP);
	EXPECT_EQ(-ENOENT, transact(self->fd, &r, msg, sizeof(msg)));
	/* The reason travels with the errno, on 6.1 as on later kernels (docs/decisions.md). */
	EXPECT_STREQ("no policy is loaded", msg);
}

/*
 * Starts a chunked load on a new socket (the first 16 bytes of a @total-byte blob), so that the
 * module opens a session for it; on success the socket stays open in *@fdp. Returns the errno.
 */
static int open_session(const uint8_t *blob, uint32_t total, char *msg, int *fdp)
{
	uint32_t offset = 0;
	struct nlreq r;
	uint16_t fam;
	int fd, err;

	fd = open_genl(&fam);
	if (fd < 0)
		return fd;
	start(&r, fam, MEDGATE_CMD_POLICY_LOAD, 0);
	put_attr(&r, MEDGATE_A_POLICY_TOTAL_LEN, &total, sizeof(total));
	put_attr(&r, MEDGATE_A_POLICY_CHUNK_OFFSET, &offset, sizeof(offset));
	put_attr(&r, MEDGATE_A_POLICY_BLOB, blob, 16);
	err = transact(fd, &r, msg, 256);
	if (err)
		close(fd);
	else
		*fdp = fd;
	return err;
}

/* Every documented errno of MEDGATE_CMD_POLICY_LOAD and the other commands, in order. */
TEST_F(control, documented_errnos_in_order)
{
	struct medgate_blob_header *h;
	uint64_t before = mg_policy_version();
	int fds[64], n = 0, i, err;
	char msg[256];
	struct nlreq r;
	uint8_t *blob;
	size_t len;
	uint32_t u32 = 0;

	blob = valid_blob(&len);
	ASSERT_NE(NULL, blob);
	h = (void *)blob;

	/* STATUS_GET succeeds for anyone. */
	start(&r, self->family, MEDGATE_CMD_STATUS_GET, 0);
	EXPECT_EQ(0, transact(self->fd, &r, msg, sizeof(msg)));

	/* -EINVAL: an attribute the command does not take (strict validation). */
	start(&r, self->family, MEDGATE_CMD_STATUS_GET, 0);
	put_attr(&r, MEDGATE_A_POLICY_LOADS, &u32, sizeof(u32));
	EXPECT_EQ(-EINVAL, transact(self->fd, &r, msg, sizeof(msg)));

	/* -EINVAL: load without a blob, with the reason. */
	start(&r, self->family, MEDGATE_CMD_POLICY_LOAD, 0);
	EXPECT_EQ(-EINVAL, transact(self->fd, &r, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "MEDGATE_A_POLICY_BLOB"));

	/* -EINVAL: a chunk without its total length. */
	start(&r, self->family, MEDGATE_CMD_POLICY_LOAD, 0);
	put_attr(&r, MEDGATE_A_POLICY_CHUNK_OFFSET, &u32, sizeof(u32));
	put_attr(&r, MEDGATE_A_POLICY_BLOB, blob, 16);
	EXPECT_EQ(-EINVAL, transact(self->fd, &r, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "TOTAL_LEN"));

	/* -E2BIG: a chunked blob announced larger than the limit. */
	u32 = MEDGATE_BLOB_MAX_SIZE + 1;
	start(&r, self->family, MEDGATE_CMD_POLICY_LOAD, 0);
	put_attr(&r, MEDGATE_A_POLICY_TOTAL_LEN, &u32, sizeof(u32));
	u32 = 0;
	put_attr(&r, MEDGATE_A_POLICY_CHUNK_OFFSET, &u32, sizeof(u32));
	put_attr(&r, MEDGATE_A_POLICY_BLOB, blob, 16);
	EXPECT_EQ(-E2BIG, transact(self->fd, &r, msg, sizeof(msg)));

	/* -EINVAL: a chunk that does not continue where the previous one ended. */
	u32 = len;
	start(&r, self->family, MEDGATE_CMD_POLICY_LOAD, 0);
	put_attr(&r, MEDGATE_A_POLICY_TOTAL_LEN, &u32, sizeof(u32));
	u32 = 0;
	put_attr(&r, MEDGATE_A_POLICY_CHUNK_OFFSET, &u32, sizeof(u32));
	put_attr(&r, MEDGATE_A_POLICY_BLOB, blob, 16);
	EXPECT_EQ(0, transact(self->fd, &r, msg, sizeof(msg)));
	u32 = len;
	start(&r, self->family, MEDGATE_CMD_POLICY_LOAD, 0);
	put_attr(&r, MEDGATE_A_POLICY_TOTAL_LEN, &u32, sizeof(u32));
	u32 = 32;
	put_attr(&r, MEDGATE_A_POLICY_CHUNK_OFFSET, &u32, sizeof(u32));
	put_attr(&r, MEDGATE_A_POLICY_BLOB, blob + 32, 16);
	EXPECT_EQ(-EINVAL, transact(self->fd, &r, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "out of order"));
	u32 = 0;

	/* -EINVAL: an attribute POLICY_LOAD does not take is refused, not ignored. */
	u32 = 1;
	start(&r, self->family, MEDGATE_CMD_POLICY_LOAD, 0);
	put_attr(&r, MEDGATE_A_POLICY_BLOB, blob, len);
	put_attr(&r, MEDGATE_A_ABI_VERSION, &u32, sizeof(u32));
	EXPECT_EQ(-EINVAL, transact(self->fd, &r, msg, sizeof(msg)));

	/* -EINVAL: bad magic. */
	h->magic ^= 1;
	EXPECT_EQ(-EINVAL, load(self->fd, self->family, blob, len, msg));
	EXPECT_NE(NULL, strstr(msg, "magic"));
	h->magic ^= 1;

	/* -EPROTO: unknown format version. */
	h->format = MEDGATE_BLOB_FORMAT + 1;
	EXPECT_EQ(-EPROTO, load(self->fd, self->family, blob, len, msg));
	h->format = MEDGATE_BLOB_FORMAT;

	/* -E2BIG: a count over its limit. */
	h->n_rules = MEDGATE_MAX_RULES + 1;
	EXPECT_EQ(-E2BIG, load(self->fd, self->family, blob, len, msg));
	EXPECT_NE(0, strlen(msg));
	h->n_rules = 1;

	/* -EBADMSG: checksum. */
	blob[len - 2] ^= 0x20;
	EXPECT_EQ(-EBADMSG, load(self->fd, self->family, blob, len, msg));
	EXPECT_NE(NULL, strstr(msg, "checksum"));

	/* -EINVAL past the checksum: a resealed blob with a string offset out of range. */
	((struct medgate_blob_profile *)(h + 1))->name_off = 0x7fffffff;
	reseal(blob, len);
	EXPECT_EQ(-EINVAL, load(self->fd, self->family, blob, len, msg));
	EXPECT_NE(NULL, strstr(msg, "profile name"));

	/*
	 * -EBUSY: more chunked loads in progress at once than the module keeps (each on its own
	 * socket); closing one of them makes room for a new one.
	 */
	while (n < 64 && !(err = open_session(blob, len, msg, &fds[n])))
		n++;
	EXPECT_EQ(-EBUSY, err) {
		TH_LOG("after %d sessions: '%s'", n, msg);
	}
	EXPECT_LT(0, n);
	EXPECT_NE(NULL, strstr(msg, "too many"));
	if (n > 0) {
		close(fds[--n]);
		err = open_session(blob, len, msg, &fds[n]);
		EXPECT_EQ(0, err) {
			TH_LOG("closing a session's socket did not free it: '%s'", msg);
		}
		if (!err)
			n++;
	}
	for (i = 0; i < n; i++)
		close(fds[i]);

	/* POLICY_GET is a dump: a plain request is refused. */
	start(&r, self->family, MEDGATE_CMD_POLICY_GET, 0);
	EXPECT_EQ(-EOPNOTSUPP, transact(self->fd, &r, msg, sizeof(msg)));

	/* -EOPNOTSUPP: unknown command. */
	start(&r, self->family, MEDGATE_CMD_MAX + 1, 0);
	EXPECT_EQ(-EOPNOTSUPP, transact(self->fd, &r, msg, sizeof(msg)));

	/* None of that changed the running policy. */
	EXPECT_EQ(before, mg_policy_version());
	free(blob);
}

/* A policy whose blob needs several messages: @n exact rules in one profile. */
static uint8_t *large_blob(unsigned int n, size_t *len)
{
	struct mg_diags diags = { 0 };
	size_t cap = 64 + (size_t)n * 64, used;
	char *text = malloc(cap);
	void *blob = NULL;
	unsigned int i;

	if (!text)
		return NULL;
	used = snprintf(text, cap, "profile big {\n  attach /tmp/big\n");
	for (i = 0; i < n; i++)
		used += snprintf(text + used, cap - used, "  file /srv/big/dir%04u/file%04u.dat r\n",
				 i / 16, i);
	snprintf(text + used, cap - used, "}\n");
	if (mg_policy_compile(text, "big", &blob, len, &diags))
		blob = NULL;
	mg_diags_free(&diags);
	free(text);
	return blob;
}

/* A blob larger than one attribute loads in chunks, and POLICY_GET returns it byte for byte. */
TEST_F(control, large_policy_loads_in_chunks_and_reads_back)
{
	uint64_t version = 0, got_version = 0, expect;
	struct mg_client *c;
	void *back = NULL;
	size_t len, back_len = 0;
	uint8_t *blob;
	char msg[256];

	blob = large_blob(3000, &len);
	ASSERT_NE(NULL, blob);
	ASSERT_LT(3 * MG_LOAD_ONE_MESSAGE_MAX, len);
	ASSERT_EQ(0, mg_blob_version(blob, len, &expect));
	ASSERT_EQ(0, mg_client_open(&c));
	EXPECT_EQ(0, mg_policy_load(c, blob, len, &version, msg, sizeof(msg))) {
		TH_LOG("extack: '%s'", msg);
	}
	EXPECT_EQ(expect, version);
	EXPECT_EQ(expect, mg_policy_version());
	ASSERT_EQ(0, mg_policy_get(c, &back, &back_len, &got_version, msg, sizeof(msg)));
	EXPECT_EQ(len, back_len);
	EXPECT_EQ(expect, got_version);
	EXPECT_EQ(0, memcmp(blob, back, len < back_len ? len : back_len));
	mg_client_close(c);
	free(back);
	free(blob);
}

/* A sender that goes away mid-transfer changes nothing and leaves no session behind. */
TEST_F(control, abandoned_chunked_load_changes_nothing)
{
	uint64_t before = mg_policy_version();
	uint32_t total, offset = 0;
	struct nlreq *r = malloc(sizeof(*r));
	uint16_t fam;
	char msg[256];
	size_t len;
	uint8_t *blob = large_blob(3000, &len);
	int i, fd;

	ASSERT_NE(NULL, blob);
	ASSERT_NE(NULL, r);
	total = len;
	/* More abandoned sessions than the module keeps at once: each close must free its own. */
	for (i = 0; i < 8; i++) {
		fd = open_genl(&fam);
		ASSERT_LE(0, fd);
		start(r, fam, MEDGATE_CMD_POLICY_LOAD, 0);
		put_attr(r, MEDGATE_A_POLICY_TOTAL_LEN, &total, sizeof(total));
		put_attr(r, MEDGATE_A_POLICY_CHUNK_OFFSET, &offset, sizeof(offset));
		put_attr(r, MEDGATE_A_POLICY_BLOB, blob, 60000);
		EXPECT_EQ(0, transact(fd, r, msg, sizeof(msg))) {
			TH_LOG("session %d: %s", i, msg);
		}
		close(fd);
	}
	EXPECT_EQ(before, mg_policy_version());
	free(r);
	free(blob);
}

static int drop_caps(int keep_net_admin)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d))
		return -errno;
	d[CAP_TO_INDEX(CAP_MAC_ADMIN)].effective &= ~CAP_TO_MASK(CAP_MAC_ADMIN);
	d[CAP_TO_INDEX(CAP_MAC_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_MAC_ADMIN);
	if (!keep_net_admin) {
		d[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &= ~CAP_TO_MASK(CAP_NET_ADMIN);
		d[CAP_TO_INDEX(CAP_NET_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	}
	if (syscall(SYS_capset, &hdr, d))
		return -errno;
	return 0;
}

struct refused {
	int load, audit, get;
	char msg[256], audit_msg[256], get_msg[256];
};

/*
 * Runs a load, an audit read and a policy read in a child with reduced capabilities; returns 0
 * when all three were refused with -EPERM, and their extack texts in @out.
 */
static int try_as(int keep_net_admin, uint16_t fam, struct refused *out)
{
	int pipefd[2], status, fd, err;
	pid_t pid;
	struct refused res = { 0 };

	if (pipe(pipefd))
		return -errno;
	pid = fork();
	if (pid == 0) {
		struct nlreq r;
		size_t len;
		uint8_t *blob = valid_blob(&len);

		close(pipefd[0]);
		err = drop_caps(keep_net_admin);
		fd = open_genl(&fam);
		if (err || fd < 0 || !blob)
			_exit(1);
		res.load = load(fd, fam, blob, len, res.msg);
		start(&r, fam, MEDGATE_CMD_AUDIT_READ, NLM_F_DUMP);
		res.audit = transact(fd, &r, res.audit_msg, sizeof(res.audit_msg));
		start(&r, fam, MEDGATE_CMD_POLICY_GET, NLM_F_DUMP);
		res.get = transact(fd, &r, res.get_msg, sizeof(res.get_msg));
		if (write(pipefd[1], &res, sizeof(res)) != sizeof(res))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &res, sizeof(res)) != sizeof(res))
		res.load = 1;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	*out = res;
	if (res.load == -EPERM && res.audit == -EPERM && res.get == -EPERM)
		return 0;
	return res.load ? res.load : -1;
}

TEST_F(control, cap_net_admin_without_cap_mac_admin_cannot_load)
{
	uint64_t before = mg_policy_version();
	struct refused res;

	EXPECT_EQ(0, try_as(1, self->family, &res)) {
		TH_LOG("load %d, audit read %d, policy read %d", res.load, res.audit, res.get);
	}
	/* The reason reaches the caller for the doit and for both dumps. */
	EXPECT_NE(NULL, strstr(res.msg, "CAP_MAC_ADMIN")) {
		TH_LOG("load extack: '%s'", res.msg);
	}
	EXPECT_NE(NULL, strstr(res.audit_msg, "CAP_MAC_ADMIN")) {
		TH_LOG("audit read extack: '%s'", res.audit_msg);
	}
	EXPECT_NE(NULL, strstr(res.get_msg, "CAP_MAC_ADMIN")) {
		TH_LOG("policy read extack: '%s'", res.get_msg);
	}
	EXPECT_EQ(0, try_as(0, self->family, &res));
	EXPECT_EQ(before, mg_policy_version());
}

TEST_HARNESS_MAIN

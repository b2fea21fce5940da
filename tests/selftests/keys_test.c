// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel keys (kmod/key.c): a confined root service against a secret an unconfined root process
 * keeps in root's user keyring, which every root process possesses through the user session
 * keyring. The service's own keys and keyrings work; every other key is searched and viewed but
 * not read, written, linked, changed or unlinked unless a key rule says so; complain mode
 * reports and allows; the service cannot hand its session keyring to its parent; a full table
 * of keys refuses the service's new key rather than leave it without its owner.
 *
 * Each use is a real keyctl(2) by tests/helpers/mg-keyctl under a profile, and each refusal is
 * shown against the same use unconfined (the baseline) where the use does not destroy the key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/keys"
#define PROG_E		D "/e"		/* mg-keyctl, profile kenf (enforce, no key rule) */
#define PROG_R		D "/r"		/* mg-keyctl, profile kread (key read) */
#define PROG_C		D "/c"		/* mg-keyctl, profile kcomp (complain) */
#define PROG_S		D "/s"		/* mg-keyctl, profile kblind (deny key search view) */
#define MG_KEYCTL	"/medgate/helpers/mg-keyctl"
#define PAYLOAD		"s3cret-payload"
#define FIRST_STEP(e)	(100 + (e))

static int setup(void)
{
	mkdir(MG_WORKDIR, 0755);
	if (system("rm -rf " D " && mkdir -p " D) || mg_copy_file(MG_KEYCTL, PROG_E, 0755) ||
	    mg_copy_file(MG_KEYCTL, PROG_R, 0755) || mg_copy_file(MG_KEYCTL, PROG_C, 0755) ||
	    mg_copy_file(MG_KEYCTL, PROG_S, 0755))
		return -1;
	return mg_load_textf("profile kenf {\n    attach " PROG_E "\n    file /proc/keys r\n}\n"
			     "profile kread {\n    attach " PROG_R "\n    key read\n}\n"
			     "profile kcomp {\n    attach " PROG_C "\n    mode complain\n}\n"
			     "profile kblind {\n    attach " PROG_S "\n    file /proc/keys r\n"
			     "    key all\n    deny key search view\n}\n");
}

static int run(const char *exe, const char *cmd, const char *desc, const char *arg)
{
	char *argv[] = { (char *)exe, (char *)cmd, (char *)desc, (char *)arg, NULL };

	return mg_run(argv);
}

FIXTURE(keys) {
	char desc[64];		/* the unconfined process's secret in root's user keyring */
	long key;
};

FIXTURE_SETUP(keys)
{
	ASSERT_EQ(0, setup());
	snprintf(self->desc, sizeof(self->desc), "mg_keys_secret_%d", getpid());
	self->key = syscall(SYS_add_key, "user", self->desc, PAYLOAD, strlen(PAYLOAD),
			    KEY_SPEC_USER_KEYRING);
	ASSERT_LT(0, self->key) TH_LOG("add_key: %s", strerror(errno));
}

FIXTURE_TEARDOWN(keys)
{
	if (self->key > 0) {
		syscall(SYS_keyctl, KEYCTL_UNLINK, self->key, KEY_SPEC_USER_KEYRING);
		syscall(SYS_keyctl, KEYCTL_REVOKE, self->key);
	}
}

TEST_F(keys, the_secret_of_an_unconfined_process_is_refused_and_recorded)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(0, run(MG_KEYCTL, "read", self->desc, PAYLOAD));
	EXPECT_EQ(EPERM, run(PROG_E, "read", self->desc, NULL));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_KEY, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_KEY_READ, ev.access);
	EXPECT_EQ((uint32_t)self->key, ev.key_serial);
	EXPECT_STREQ("kenf", ev.profile);
	EXPECT_EQ(EPERM, ev.err);
}

TEST_F(keys, update_revoke_setperm_unlink_and_link_are_refused)
{
	EXPECT_EQ(EPERM, run(PROG_E, "update", self->desc, NULL));
	EXPECT_EQ(EPERM, run(PROG_E, "revoke", self->desc, NULL));
	EXPECT_EQ(EPERM, run(PROG_E, "setperm", self->desc, NULL));
	EXPECT_EQ(EPERM, run(PROG_E, "unlink", self->desc, NULL));
	EXPECT_EQ(EPERM, run(PROG_E, "link", self->desc, NULL));
	/* The key is still there, unchanged, for its owner. */
	EXPECT_EQ(0, run(MG_KEYCTL, "read", self->desc, PAYLOAD));
	/* Unconfined, the same link works: what was refused is medgate's. */
	EXPECT_EQ(0, run(MG_KEYCTL, "link", self->desc, NULL));
}

TEST_F(keys, its_own_keys_and_session_keyring_work)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev = { 0 };

	EXPECT_EQ(0, run(PROG_E, "own", NULL, NULL));
	EXPECT_NE(0, mg_find_event(from, NULL, MEDGATE_OP_KEY, MEDGATE_VERDICT_DENY, &ev))
		TH_LOG("refused: %s of key %u", ev.access == MEDGATE_KEY_READ ? "read" : "a use",
		       ev.key_serial);
}

TEST_F(keys, a_key_read_rule_grants_reading_and_nothing_else)
{
	EXPECT_EQ(0, run(PROG_R, "read", self->desc, PAYLOAD));
	EXPECT_EQ(EPERM, run(PROG_R, "update", self->desc, NULL));
	EXPECT_EQ(EPERM, run(PROG_R, "link", self->desc, NULL));
}

TEST_F(keys, complain_mode_allows_and_reports)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(0, run(PROG_C, "read", self->desc, PAYLOAD));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_KEY, MEDGATE_VERDICT_WOULD_DENY, &ev));
	EXPECT_EQ(MEDGATE_KEY_READ, ev.access);
	EXPECT_EQ((uint32_t)self->key, ev.key_serial);
	EXPECT_EQ(0, ev.err);
}

/* Search and view pass by default: the key is found, described and listed, never read. */
TEST_F(keys, search_describe_and_proc_keys_pass_without_the_payload)
{
	EXPECT_EQ(0, run(PROG_E, "describe", self->desc, NULL));
	EXPECT_EQ(0, run(PROG_E, "proc-keys", self->desc, PAYLOAD));
}

/*
 * A deny rule takes search and view away too: the key is not found. (The kernel finds the user
 * keyring itself by searching its register, a keyring the kernel made, which the rule also
 * hides.)
 */
TEST_F(keys, deny_key_search_view_hides_the_key)
{
	EXPECT_EQ(0, run(MG_KEYCTL, "describe", self->desc, NULL));
	EXPECT_EQ(ENOKEY, run(PROG_S, "describe", self->desc, NULL));
	EXPECT_EQ(ENOKEY, run(PROG_S, "proc-keys", self->desc, PAYLOAD));
}

/*
 * request_key() finds the key (search passes) and returns it; reading it is still decided, and
 * refused. Into a destination keyring it also needs link permission on the key, refused.
 */
TEST_F(keys, request_key_finds_the_key_but_cannot_read_or_link_it)
{
	EXPECT_EQ(0, run(MG_KEYCTL, "request-read", self->desc, PAYLOAD));
	EXPECT_EQ(EPERM, run(PROG_E, "request-read", self->desc, NULL));
	EXPECT_EQ(0, run(MG_KEYCTL, "request-link", self->desc, NULL));
	EXPECT_EQ(EPERM, run(PROG_E, "request-link", self->desc, NULL));
}

/*
 * The user's persistent keyring, shared by every process of the uid and made here by the
 * unconfined test: getting it links it into the caller's keyring, which needs link permission
 * on it, refused.
 */
TEST_F(keys, a_key_in_the_persistent_keyring_is_refused)
{
	long ring = syscall(SYS_keyctl, KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_PROCESS_KEYRING);
	long key;

	if (ring < 0 && (errno == EOPNOTSUPP || errno == ENOSYS))
		SKIP(return, "the kernel has no persistent keyrings");
	ASSERT_LT(0, ring) TH_LOG("KEYCTL_GET_PERSISTENT: %s", strerror(errno));
	key = syscall(SYS_add_key, "user", "mg_keys_persistent", PAYLOAD, strlen(PAYLOAD), ring);
	ASSERT_LT(0, key) TH_LOG("add_key: %s", strerror(errno));
	EXPECT_EQ(0, run(MG_KEYCTL, "persistent-read", "mg_keys_persistent", PAYLOAD));
	EXPECT_EQ(FIRST_STEP(EPERM), run(PROG_E, "persistent-read", "mg_keys_persistent", NULL));
	syscall(SYS_keyctl, KEYCTL_REVOKE, key);
}

/*
 * Root's user keyring is shared by every root process, whichever made it first: it is never a
 * profile's own, so a confined service cannot plant keys there for unconfined ones.
 */
TEST_F(keys, adding_to_the_shared_user_keyring_is_refused)
{
	EXPECT_EQ(EPERM, run(PROG_E, "add-user", "mg_keys_planted", NULL));
	EXPECT_EQ(0, run(MG_KEYCTL, "add-user", "mg_keys_planted", NULL));
}

/* The serial of the caller's session keyring. */
static long session_keyring(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}

/*
 * KEYCTL_SESSION_TO_PARENT (found open): the service gives its own session keyring to its
 * unconfined parent (this test), which would then find the service's keys there and keep its
 * own where the service can clear them. The kernel asks only for link permission on the
 * service's own keyring.
 */
TEST_F(keys, giving_its_session_keyring_to_the_parent_is_refused)
{
	uint64_t from = mg_audit_next();
	long before = session_keyring();
	struct mg_event ev;

	ASSERT_LT(0, before);
	EXPECT_EQ(EPERM, run(PROG_E, "to-parent", NULL, NULL));
	EXPECT_EQ(before, session_keyring());
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_KEY, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_KEY_SESSION_TO_PARENT, ev.access);
	/* Unconfined it works: the session keyring of this process changes. */
	EXPECT_EQ(0, run(MG_KEYCTL, "to-parent", NULL, NULL));
	EXPECT_NE(before, session_keyring());
}

/*
 * The table of keys confined tasks made is bounded: when it is full, the new key is refused
 * (EDQUOT) and recorded, never made without its owner (it would then not be the profile's).
 * Last in this file: the keys are freed when the helper's session keyring goes, a little later.
 */
TEST_F(keys, a_full_table_of_keys_refuses_the_new_key_and_records_it)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	EXPECT_EQ(EDQUOT, run(PROG_E, "fill", NULL, NULL));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_KEY, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_KEY_CREATE, ev.access);
	EXPECT_EQ(0, ev.key_serial);
	EXPECT_EQ(EDQUOT, ev.err);
}

TEST_HARNESS_MAIN

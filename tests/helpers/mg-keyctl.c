// SPDX-License-Identifier: GPL-2.0
/*
 * mg-keyctl: one use of the kernel key service, for keys_test and attack_confine_test. Exits
 * with 0 when everything it did worked, else with the errno of the first step that failed (so a
 * refused key operation shows as EPERM, a key not found as ENOKEY), or EBADMSG when what it read
 * is not what it expected. keyctl(2) is called directly: no libkeyutils in the VM.
 *
 * DESC names a "user" key found by searching the user keyring (@u), which every root process
 * possesses through the user session keyring. "Its own session keyring" is a new anonymous one
 * it joins first (KEYCTL_JOIN_SESSION_KEYRING with no name), which the kernel makes for it; after
 * that the user keyring is no longer possessed, so the commands that need the key possessed use
 * the process keyring instead, which the kernel makes on first use (and which is its own too).
 *
 *   read DESC [PAYLOAD]  reads the key (KEYCTL_READ), and compares it with PAYLOAD
 *   update DESC          KEYCTL_UPDATE with a new payload
 *   revoke DESC          KEYCTL_REVOKE
 *   setperm DESC         KEYCTL_SETPERM: everything for everyone
 *   invalidate DESC      KEYCTL_INVALIDATE
 *   unlink DESC          KEYCTL_UNLINK of the key from the user keyring
 *   describe DESC        KEYCTL_DESCRIBE: the description must contain DESC
 *   link DESC            KEYCTL_LINK of the key into its own process keyring
 *   request-read DESC    request_key("user", DESC) with no destination keyring (exit 100 + errno
 *                        when that fails), then reads the key it got
 *   request-link DESC    request_key("user", DESC) into its own process keyring
 *   persistent-read DESC KEYCTL_GET_PERSISTENT of its user's persistent keyring (exit 100 +
 *                        errno when that fails), then searches it for DESC and reads the key
 *   proc-keys DESC PAYLOAD  /proc/keys must list DESC (ENOKEY if not) and never show PAYLOAD
 *   own                  its own session keyring, a key added to it, read back, updated, keys
 *                        added to its process and thread keyrings, a keyring made in it, the
 *                        key linked there, described, its permissions set, unlinked and
 *                        revoked, another invalidated: the uses a service makes of its own keys
 *   to-parent            joins a session keyring of its own and gives it to its parent process
 *                        (KEYCTL_SESSION_TO_PARENT)
 *   add-user DESC        add_key of a new key into the user keyring
 *   fill                 adds keys to its own session keyring until one is refused; prints how
 *                        many were added and exits with the errno of the refusal
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

#define FAIL()		(errno ? errno : EIO)
#define FIRST_STEP(e)	(100 + (e))

static long keyctl(long cmd, long a2, long a3, long a4, long a5)
{
	return syscall(SYS_keyctl, cmd, a2, a3, a4, a5);
}

static long add_key(const char *type, const char *desc, const void *payload, size_t len,
		    long ring)
{
	return syscall(SYS_add_key, type, desc, payload, len, ring);
}

static long find(const char *desc)
{
	return keyctl(KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, (long)"user", (long)desc, 0);
}

static long new_session(void)
{
	return keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
}

/* Reads @key and compares it with @want unless NULL. */
static int read_key(long key, const char *want)
{
	char buf[256];
	long n = keyctl(KEYCTL_READ, key, (long)buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return FAIL();
	if (n >= (long)sizeof(buf))
		return EBADMSG;
	buf[n] = '\0';
	return want && strcmp(buf, want) ? EBADMSG : 0;
}

static int own(void)
{
	const char *v1 = "mine", *v2 = "mine, updated";
	char desc[256];
	long key, ring;
	int err;

	if (new_session() < 0)
		return FAIL();
	key = add_key("user", "mg_own", v1, strlen(v1), KEY_SPEC_SESSION_KEYRING);
	if (key < 0)
		return FAIL();
	err = read_key(key, v1);
	if (err)
		return err;
	if (keyctl(KEYCTL_UPDATE, key, (long)v2, strlen(v2), 0) < 0)
		return FAIL();
	err = read_key(key, v2);
	if (err)
		return err;
	/* The process and thread keyrings, which the kernel makes on first use. */
	if (add_key("user", "mg_own_p", v1, strlen(v1), KEY_SPEC_PROCESS_KEYRING) < 0 ||
	    add_key("user", "mg_own_t", v1, strlen(v1), KEY_SPEC_THREAD_KEYRING) < 0)
		return FAIL();
	ring = add_key("keyring", "mg_own_ring", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	if (ring < 0 || keyctl(KEYCTL_LINK, key, ring, 0, 0) < 0)
		return FAIL();
	if (keyctl(KEYCTL_SEARCH, ring, (long)"user", (long)"mg_own", 0) != key)
		return errno ? errno : ENOKEY;
	if (keyctl(KEYCTL_DESCRIBE, key, (long)desc, sizeof(desc), 0) < 0 ||
	    keyctl(KEYCTL_SETPERM, key, 0x3f3f0000, 0, 0) < 0 ||
	    keyctl(KEYCTL_UNLINK, key, ring, 0, 0) < 0 ||
	    keyctl(KEYCTL_REVOKE, key, 0, 0, 0) < 0)
		return FAIL();
	/* Invalidation, which asks for search only and is decided as write for others' keys. */
	key = add_key("user", "mg_own_inval", v1, strlen(v1), KEY_SPEC_SESSION_KEYRING);
	if (key < 0 || keyctl(KEYCTL_INVALIDATE, key, 0, 0, 0) < 0)
		return FAIL();
	return 0;
}

static int fill(void)
{
	char desc[32];
	long n;

	if (new_session() < 0)
		return FAIL();
	for (n = 0; n < 1000000; n++) {
		snprintf(desc, sizeof(desc), "mg_fill_%ld", n);
		if (add_key("user", desc, "x", 1, KEY_SPEC_SESSION_KEYRING) < 0) {
			int err = FAIL();

			printf("%ld\n", n);
			return err;
		}
	}
	printf("%ld\n", n);
	return 0;
}

/* /proc/keys lists what the task may view: DESC must be there, PAYLOAD nowhere. */
static int proc_keys(const char *desc, const char *payload)
{
	char line[512];
	bool listed = false;
	FILE *f = fopen("/proc/keys", "r");

	if (!f)
		return FAIL();
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, payload)) {
			fclose(f);
			return EBADMSG;
		}
		if (strstr(line, desc))
			listed = true;
	}
	fclose(f);
	return listed ? 0 : ENOKEY;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "", *desc = argc > 2 ? argv[2] : "";
	char buf[256];
	long key, ring;

	if (!strcmp(cmd, "own"))
		return own();
	if (!strcmp(cmd, "fill"))
		return fill();
	if (!strcmp(cmd, "to-parent"))
		return new_session() < 0 || keyctl(KEYCTL_SESSION_TO_PARENT, 0, 0, 0, 0) < 0 ?
		       FAIL() : 0;
	if (argc < 3) {
		fprintf(stderr, "usage: mg-keyctl COMMAND [DESC [PAYLOAD]] (see the source)\n");
		return 2;
	}
	if (!strcmp(cmd, "proc-keys") && argc > 3)
		return proc_keys(desc, argv[3]);
	if (!strcmp(cmd, "add-user"))
		return add_key("user", desc, "x", 1, KEY_SPEC_USER_KEYRING) < 0 ? FAIL() : 0;
	if (!strcmp(cmd, "request-read")) {
		key = syscall(SYS_request_key, "user", desc, NULL, 0);
		if (key < 0)
			return FIRST_STEP(FAIL());
		return read_key(key, argc > 3 ? argv[3] : NULL);
	}
	if (!strcmp(cmd, "request-link"))
		return syscall(SYS_request_key, "user", desc, NULL, KEY_SPEC_PROCESS_KEYRING) < 0 ?
		       FAIL() : 0;
	if (!strcmp(cmd, "persistent-read")) {
		if (new_session() < 0)
			return FAIL();
		ring = keyctl(KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_SESSION_KEYRING, 0, 0);
		if (ring < 0)
			return FIRST_STEP(FAIL());
		key = keyctl(KEYCTL_SEARCH, ring, (long)"user", (long)desc, 0);
		if (key < 0)
			return FAIL();
		return read_key(key, argc > 3 ? argv[3] : NULL);
	}
	key = find(desc);
	if (key < 0)
		return FAIL();
	if (!strcmp(cmd, "read"))
		return read_key(key, argc > 3 ? argv[3] : NULL);
	if (!strcmp(cmd, "update"))
		return keyctl(KEYCTL_UPDATE, key, (long)"changed", 7, 0) < 0 ? FAIL() : 0;
	if (!strcmp(cmd, "revoke"))
		return keyctl(KEYCTL_REVOKE, key, 0, 0, 0) < 0 ? FAIL() : 0;
	if (!strcmp(cmd, "setperm"))
		return keyctl(KEYCTL_SETPERM, key, 0x3f3f3f3f, 0, 0) < 0 ? FAIL() : 0;
	if (!strcmp(cmd, "invalidate"))
		return keyctl(KEYCTL_INVALIDATE, key, 0, 0, 0) < 0 ? FAIL() : 0;
	if (!strcmp(cmd, "unlink"))
		return keyctl(KEYCTL_UNLINK, key, KEY_SPEC_USER_KEYRING, 0, 0) < 0 ? FAIL() : 0;
	if (!strcmp(cmd, "link"))
		return keyctl(KEYCTL_LINK, key, KEY_SPEC_PROCESS_KEYRING, 0, 0) < 0 ? FAIL() : 0;
	if (!strcmp(cmd, "describe")) {
		if (keyctl(KEYCTL_DESCRIBE, key, (long)buf, sizeof(buf) - 1, 0) < 0)
			return FAIL();
		buf[sizeof(buf) - 1] = '\0';
		return strstr(buf, desc) ? 0 : EBADMSG;
	}
	fprintf(stderr, "mg-keyctl: unknown command \"%s\"\n", cmd);
	return 2;
}

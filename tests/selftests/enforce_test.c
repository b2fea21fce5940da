// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end enforcement: a real process started from an attached executable is confined by the
 * real module and BPF programs; everything else is untouched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <fcntl.h>
#include "kselftest_harness.h"
#include "mg_util.h"
#include "blob.h"

#define PROBE		MG_WORKDIR "/probe"
#define ALLOWED		MG_WORKDIR "/allowed.txt"
#define SECRET		MG_WORKDIR "/secret.txt"
#define DATA_DIR	MG_WORKDIR "/data"
#define DATA_FILE	DATA_DIR "/log.txt"

static const char policy[] =
	"# selftest policy: the probe may read one file and use one directory\n"
	"profile probe {\n"
	"    attach " PROBE "\n"
	"    file " ALLOWED " r\n"
	"    file " DATA_DIR "/** rwa\n"
	"    exec " PROBE "\n"
	"}\n";

FIXTURE(enforce) {
	uint64_t version;
};

FIXTURE_SETUP(enforce)
{
	char err[512];

	mkdir(MG_WORKDIR, 0755);
	mkdir(DATA_DIR, 0755);
	ASSERT_EQ(0, mg_write_file(ALLOWED, "allowed\n", 0644));
	ASSERT_EQ(0, mg_write_file(SECRET, "secret\n", 0644));
	ASSERT_EQ(0, mg_write_file(DATA_FILE, "log\n", 0644));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_load_text(policy, err, sizeof(err))) {
		TH_LOG("policy load failed: %s", err);
	}
	self->version = mg_policy_version();
	ASSERT_NE(0, self->version);
}

FIXTURE_TEARDOWN(enforce)
{
}

TEST_F(enforce, confined_denied_outside_profile)
{
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
}

TEST_F(enforce, confined_allowed_inside_profile)
{
	EXPECT_EQ(0, mg_run_probe(PROBE, "open", ALLOWED, "r"));
	EXPECT_EQ(0, mg_run_probe(PROBE, "open", DATA_FILE, "rw"));
	EXPECT_EQ(0, mg_run_probe(PROBE, "open", DATA_FILE, "a"));
}

TEST_F(enforce, confined_access_bits_checked)
{
	/* Allowed to read, not to write or append. */
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", ALLOWED, "w"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", ALLOWED, "a"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", ALLOWED, "rw"));
}

TEST_F(enforce, unconfined_process_unaffected)
{
	/* Same binary, not attached: nothing is denied. */
	EXPECT_EQ(0, mg_run_probe(MG_PROBE, "open", SECRET, "r"));
	EXPECT_EQ(0, mg_run_probe(MG_PROBE, "open", ALLOWED, "w"));
	EXPECT_EQ(0, mg_run_probe(MG_PROBE, "fork-open", SECRET, "r"));
}

TEST_F(enforce, child_inherits_profile_across_fork)
{
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "fork-open", SECRET, "r"));
	EXPECT_EQ(0, mg_run_probe(PROBE, "fork-open", ALLOWED, "r"));
}

TEST_F(enforce, exec_needs_exec_rule)
{
	char *not_allowed[] = { PROBE, "exec", MG_PROBE, "open", SECRET, "r", NULL };
	char *stay[] = { PROBE, "exec", PROBE, "open", SECRET, "r", NULL };

	/* The unattached copy is not in the profile's exec rules. */
	EXPECT_EQ(EACCES, mg_run(not_allowed));
	/* Exec of itself is allowed and stays confined: the new image is still denied. */
	EXPECT_EQ(EACCES, mg_run(stay));
}

TEST_F(enforce, malformed_policy_rejected_previous_keeps_enforcing)
{
	struct mg_diags diags = { 0 };
	char err[512], junk[256];
	uint8_t *blob;
	size_t len;

	ASSERT_EQ(0, mg_policy_compile(policy, "p", (void **)&blob, &len, &diags));
	mg_diags_free(&diags);

	/* One flipped bit after the header: the checksum catches it. */
	blob[len - 2] ^= 0x01;
	EXPECT_EQ(-EBADMSG, mg_load_blob(blob, len, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "checksum")) {
		TH_LOG("extack: '%s'", err);
	}
	blob[len - 2] ^= 0x01;

	/* Truncated. */
	EXPECT_EQ(-EINVAL, mg_load_blob(blob, len - 1, err, sizeof(err)));
	EXPECT_NE(0, strlen(err));

	/* Not a blob at all. */
	memset(junk, 'x', sizeof(junk));
	EXPECT_EQ(-EINVAL, mg_load_blob(junk, sizeof(junk), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "magic")) {
		TH_LOG("extack: '%s'", err);
	}
	free(blob);

	/* Text that does not compile never reaches the kernel. */
	EXPECT_NE(0, mg_load_text("profile broken {\n  file relative/path r\n}\n", err,
				  sizeof(err)));

	EXPECT_EQ(self->version, mg_policy_version());
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	EXPECT_EQ(0, mg_run_probe(PROBE, "open", ALLOWED, "r"));
}

TEST_F(enforce, plain_rmmod_refused_while_enforcing)
{
	EXPECT_EQ(-1, syscall(SYS_delete_module, "medgate", O_NONBLOCK));
	EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK || errno == EBUSY) {
		TH_LOG("delete_module errno %d", errno);
	}
	EXPECT_EQ(0, access("/sys/module/medgate", F_OK));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
}

/* The ring's size is a read-only module parameter; the VM loads the module with the default. */
TEST_F(enforce, audit_ring_size_is_a_module_parameter)
{
	char buf[16] = "";
	int fd = open("/sys/module/medgate/parameters/ring_size", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	EXPECT_STREQ("256\n", buf);
	EXPECT_EQ(-1, open("/sys/module/medgate/parameters/ring_size", O_WRONLY));
}

TEST_F(enforce, denial_produces_event)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	ASSERT_EQ(0, mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_GE(ev.seq, from);
	EXPECT_STREQ("probe", ev.profile);
	EXPECT_EQ(medgate_profile_id("probe"), ev.profile_id);
	EXPECT_EQ(self->version, ev.policy_version);
	EXPECT_EQ(MEDGATE_ACCESS_READ, ev.access);
	EXPECT_EQ(EACCES, ev.err);
	EXPECT_EQ(MEDGATE_RULE_NONE, ev.rule);
	EXPECT_NE(0, ev.pid);
	EXPECT_STREQ("probe", ev.comm);
	/* Who: the program that ran (not its self-chosen comm) and its ids. */
	EXPECT_STREQ(PROBE, ev.exe);
	EXPECT_EQ(getuid(), ev.uid);
	EXPECT_EQ(getgid(), ev.gid);

	/* An allowed access leaves no record. */
	from = mg_audit_next();
	ASSERT_EQ(0, mg_run_probe(PROBE, "open", ALLOWED, "r"));
	EXPECT_EQ(-ENOENT, mg_find_event(from, ALLOWED, MEDGATE_OP_FILE_OPEN,
					 MEDGATE_VERDICT_DENY, &ev));
}

TEST_HARNESS_MAIN

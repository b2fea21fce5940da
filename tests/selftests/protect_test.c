// SPDX-License-Identifier: GPL-2.0
/*
 * medgated's signing key is refused to every confined task, whatever its rules: a profile that
 * may read, write, link and delete everything, and a complain-mode profile with no rules, cannot
 * read the key, reach it by another name (a hard link made by root), link, rename, change or
 * delete it; each refusal is recorded with rule "protected". The same profile still reads the
 * public key next to it, and root unconfined reads the key (the baseline). The protection is the
 * module's: it holds after medgated has stopped.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define DAEMON	"/usr/sbin/medgated"
#define D	MG_WORKDIR "/protect"
#define KEY	D "/etc/audit.key"
#define PUB	D "/etc/audit.pub"
#define LOG	D "/log/audit.log"
#define READER	D "/reader"	/* mg-probe in profile "reader": every file access */
#define LURKER	D "/lurker"	/* mg-probe in profile "lurker": complain mode, no rules */
#define LINKED	D "/key-link"

static const char policy[] =
	"profile reader {\n"
	"    attach " READER "\n"
	"    file /** rwacdlsm\n"
	"}\n"
	"profile lurker {\n"
	"    attach " LURKER "\n"
	"    mode complain\n"
	"}\n";

FIXTURE(protect) {
	uint64_t from;
};

/* Starts medgated with the key under D and stops it once its log has started (it protected the
 * key before that). Returns 0 or -1. */
static int run_medgated_once(void)
{
	char *argv[] = { DAEMON, "--log", LOG, "--key", KEY, "--pubkey", PUB, NULL };
	pid_t pid = fork();
	int i, st;

	if (pid < 0)
		return -1;
	if (!pid) {
		int fd = open(D "/medgated.out", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(125);
		execv(argv[0], argv);
		_exit(127);
	}
	/* A bounded poll for its start checkpoint, not a timing check. */
	for (i = 0; i < 1200; i++) {
		char *log = NULL;
		size_t len;
		bool started = !mg_read_file(LOG, 1 << 20, &log, &len, NULL) &&
			       strstr(log, "\"reason\":\"start\"");

		free(log);
		if (started)
			break;
		usleep(50000);
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return i < 1200 ? 0 : -1;
}

FIXTURE_SETUP(protect)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " D "/etc " D "/log"));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, READER, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, LURKER, 0755));
	ASSERT_EQ(0, run_medgated_once()) TH_LOG("medgated did not start and stop cleanly (see "
						 D "/medgated.out)");
	ASSERT_EQ(0, access(KEY, F_OK));
	ASSERT_EQ(0, mg_load_textf("%s", policy));
	self->from = mg_audit_next();
}

FIXTURE_TEARDOWN(protect)
{
}

/* The newest record of a refusal of @op on @path must name the protection as its rule. */
static int refused_as_protected(uint64_t from, const char *path, uint32_t op)
{
	struct mg_event ev;

	if (mg_find_event(from, path, op, MEDGATE_VERDICT_DENY, &ev))
		return -1;
	return ev.rule == MEDGATE_RULE_PROTECTED ? 0 : -2;
}

TEST_F(protect, a_profile_that_may_read_everything_cannot_read_the_key)
{
	int fd = open(KEY, O_RDONLY);

	ASSERT_LE(0, fd) TH_LOG("root unconfined reads the key (the baseline)");
	close(fd);
	EXPECT_EQ(0, mg_run_probe(READER, "open", PUB, "r")) TH_LOG("the rules still work");
	EXPECT_EQ(EACCES, mg_run_probe(READER, "open", KEY, "r"));
	EXPECT_EQ(0, refused_as_protected(self->from, KEY, MEDGATE_OP_FILE_OPEN));
	EXPECT_EQ(EACCES, mg_run_probe(READER, "open", KEY, "w"));
}

TEST_F(protect, complain_mode_does_not_open_it_either)
{
	EXPECT_EQ(EACCES, mg_run_probe(LURKER, "open", KEY, "r"));
	EXPECT_EQ(0, refused_as_protected(self->from, KEY, MEDGATE_OP_FILE_OPEN));
}

TEST_F(protect, another_name_for_the_key_is_the_key)
{
	ASSERT_EQ(0, link(KEY, LINKED)) TH_LOG("root unconfined links it (the baseline)");
	EXPECT_EQ(EACCES, mg_run_probe(READER, "open", LINKED, "r"));
	EXPECT_EQ(0, refused_as_protected(self->from, LINKED, MEDGATE_OP_FILE_OPEN));
}

TEST_F(protect, it_cannot_be_linked_renamed_changed_or_deleted)
{
	char *link_argv[] = { READER, "link", KEY, D "/mine", NULL };
	char *rename_argv[] = { READER, "rename", KEY, D "/moved", NULL };
	struct stat st;

	EXPECT_EQ(EACCES, mg_run(link_argv));
	EXPECT_EQ(EACCES, mg_run(rename_argv));
	EXPECT_EQ(EACCES, mg_run_probe(READER, "chmod", KEY, NULL));
	EXPECT_EQ(EACCES, mg_run_probe(READER, "truncate", KEY, NULL));
	EXPECT_EQ(EACCES, mg_run_probe(READER, "unlink", KEY, NULL));
	ASSERT_EQ(0, stat(KEY, &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	EXPECT_NE(0, st.st_size);
	EXPECT_NE(0, access(D "/mine", F_OK));
}

/* Bad requests get an errno and a reason, and protect nothing. */
TEST(bad_requests_are_refused_with_a_reason)
{
	struct mg_client *c;
	char msg[256];

	ASSERT_EQ(0, mg_client_open(&c));
	EXPECT_EQ(-EINVAL, mg_protect_file(c, "etc/audit.key", msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "absolute path")) TH_LOG("%s", msg);
	EXPECT_EQ(-EINVAL, mg_protect_file(c, "/tmp", msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "regular file")) TH_LOG("%s", msg);
	EXPECT_EQ(-ENOENT, mg_protect_file(c, "/tmp/mgtest/protect/no-such-key", msg,
					   sizeof(msg)));
	mg_client_close(c);
}

TEST_HARNESS_MAIN

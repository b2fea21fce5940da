// SPDX-License-Identifier: GPL-2.0
/*
 * Objects without an ordinary name:
 *  - open(O_TMPFILE) is decided as a create in its directory (named DIR/#INODE), and linking it
 *    into place is a link from that name;
 *  - a pipe received over SCM_RIGHTS is not a file object of the policy;
 *  - an object whose path cannot be resolved (a deleted file) is denied, and its record names
 *    it by the directory it was in, its device and its inode number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D	MG_WORKDIR "/objects"
#define PROBE	D "/probe"
#define SPOOL	D "/spool"
#define NAMED	SPOOL "/named.dat"
#define GONE	D "/gone.bin"

FIXTURE(objects) {
};

FIXTURE_SETUP(objects)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " SPOOL));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
}

FIXTURE_TEARDOWN(objects)
{
}

/* The profile "objects" with @rules. */
static int load(const char *rules)
{
	return mg_load_textf("profile objects {\n"
			     "    attach " PROBE "\n"
			     "%s"
			     "}\n", rules);
}

TEST_F(objects, tmpfile_is_a_create_in_its_directory)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	ASSERT_EQ(0, load("    file " SPOOL "/* rwc\n"));
	EXPECT_EQ(0, mg_run_probe(PROBE, "tmpfile", SPOOL, NULL));
	ASSERT_EQ(0, load("    file " SPOOL "/* rw\n"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "tmpfile", SPOOL, NULL));
	ASSERT_EQ(0, mg_find_event(from, NULL, MEDGATE_OP_CREATE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(0, strncmp(ev.path, SPOOL "/#", strlen(SPOOL "/#"))) {
		TH_LOG("recorded path: \"%s\"", ev.path);
	}
	EXPECT_NE(0, ev.ino);
	EXPECT_EQ(MEDGATE_ACCESS_READ | MEDGATE_ACCESS_WRITE | MEDGATE_ACCESS_CREATE, ev.access);
}

TEST_F(objects, tmpfile_linked_into_place)
{
	struct stat st;

	ASSERT_EQ(0, load("    file " SPOOL "/* rwcl\n"
			  "    file /proc/** r\n"));
	EXPECT_EQ(0, mg_run_probe(PROBE, "tmpfile", SPOOL, NAMED));
	EXPECT_EQ(0, stat(NAMED, &st));
	unlink(NAMED);
	/* Without l on the nameless source the link is refused. */
	ASSERT_EQ(0, load("    file " SPOOL "/* rwc\n"
			  "    file /proc/** r\n"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "tmpfile", SPOOL, NAMED));
	EXPECT_NE(0, stat(NAMED, &st));
}

/* A pipe passed over a unix socket is accepted whatever the file rules say. */
TEST_F(objects, received_pipe_is_not_a_file_object)
{
	int pipefd[2];

	ASSERT_EQ(0, load(""));
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(0, mg_run_recv_fd(PROBE, pipefd[0]));
	close(pipefd[0]);
	close(pipefd[1]);
}

/* A deleted file has no path: the mapping is refused; the record names directory, device, inode. */
TEST_F(objects, unnamed_object_is_recorded_by_device_and_inode)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	struct stat st;

	ASSERT_EQ(0, mg_copy_file(MG_PROBE, GONE, 0755));
	ASSERT_EQ(0, stat(GONE, &st));
	ASSERT_EQ(0, load("    file " D "/** rmd\n"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "mmap-deleted", GONE, NULL));
	ASSERT_EQ(0, mg_find_event(from, D, MEDGATE_OP_MMAP, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_TRUE(ev.unnamed);
	EXPECT_EQ(st.st_ino, ev.ino);
	EXPECT_EQ(major(st.st_dev), major(ev.dev));
	EXPECT_EQ(minor(st.st_dev), minor(ev.dev));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Files on overlayfs, the read-only root with a writable upper layer that many embedded images
 * use. Writing a file of the lower layer makes overlayfs copy it up: it creates the copy in its
 * work directory, sets its attributes and renames it into the upper layer, under the mounter's
 * credentials and through private mounts no walk from the task's root reaches. Those steps are
 * the kernel's, not the task's, and a confined service whose rules allow the write gets it; what
 * its rules refuse stays refused, and nothing is copied up for a refused open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D	MG_WORKDIR "/overlay"
#define MERGED	D "/merged"
#define UPPER	D "/upper"
#define PROBE	D "/probe"

static const char policy[] =
	"profile ovl {\n"
	"    attach " PROBE "\n"
	"    file " MERGED "/conf rw\n"
	"    file " MERGED "/sub/** rw\n"
	"    file " MERGED "/new rwc\n"
	"}\n";

FIXTURE(overlay) {
	int unused;
};

FIXTURE_SETUP(overlay)
{
	mkdir(MG_WORKDIR, 0755);
	if (system("umount " MERGED " 2>/dev/null"))
		TH_LOG("nothing mounted on " MERGED " yet");
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " D "/lower/sub " UPPER " " D "/work " MERGED
			    " && echo c > " D "/lower/conf && echo s > " D "/lower/secret"
			    " && echo f > " D "/lower/sub/f && setfattr -n user.tag -v x "
			    D "/lower/conf 2>/dev/null; mount -t overlay overlay -o lowerdir=" D
			    "/lower,upperdir=" UPPER ",workdir=" D "/work " MERGED));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_load_textf("%s", policy));
}

FIXTURE_TEARDOWN(overlay)
{
	if (system("umount " MERGED))
		TH_LOG("umount " MERGED " failed");
}

TEST_F(overlay, allowed_write_copies_the_file_up)
{
	struct stat st;

	ASSERT_NE(0, stat(UPPER "/conf", &st));
	EXPECT_EQ(0, mg_run_probe(PROBE, "open", MERGED "/conf", "w"));
	EXPECT_EQ(0, stat(UPPER "/conf", &st));
	/* A directory copied up on the way to a file below it. */
	EXPECT_EQ(0, mg_run_probe(PROBE, "open", MERGED "/sub/f", "w"));
	EXPECT_EQ(0, stat(UPPER "/sub/f", &st));
	EXPECT_EQ(0, mg_run_probe(PROBE, "create", MERGED "/new", NULL));
}

TEST_F(overlay, refused_write_copies_nothing_up)
{
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	struct stat st;

	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", MERGED "/secret", "w"));
	EXPECT_EQ(EACCES, mg_run_probe(PROBE, "open", MERGED "/secret", "r"));
	EXPECT_NE(0, stat(UPPER "/secret", &st));
	/* Recorded by the name the task used, not by the layer's. */
	EXPECT_EQ(0, mg_find_event(from, MERGED "/secret", MEDGATE_OP_FILE_OPEN,
				   MEDGATE_VERDICT_DENY, &ev));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Entering a profile never kills the program it entered with, and an exec rule is enough to run
 * a dynamically linked program or a script:
 *  - the program whose exec put the task into a profile, its ELF loader and its "#!" interpreter
 *    are read and mapped by the kernel during that exec without a rule, even under a profile that
 *    denies m everywhere; afterwards the same files are ordinary objects of the profile;
 *  - the kernel's opens of the loader and interpreter during an allowed exec are part of that
 *    exec's decision, not an x request of the caller's profile; a direct "ld.so ./prog" is an
 *    exec of the loader;
 *  - an exec refused by the profile is recorded as an exec of the target;
 *  - secure-exec is asked for on moves between profiles, not on entry from an unconfined task,
 *    and an exec rule can choose (scrub-env, keep-env).
 *
 * Real binaries: the static probe, a dynamically linked build of the same probe (its libraries
 * found through the loader named in its PT_INTERP, wherever the VM keeps them), and busybox sh.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D		MG_WORKDIR "/entry"
#define STATIC		D "/static-svc"
#define DYN		D "/dyn-svc"
#define SCRIPT		D "/script-svc"
#define CALLER		D "/caller"
#define MOVER		D "/mover"
#define T_KEEP		D "/t-keep"
#define T_SCRUB		D "/t-scrub"
#define T_MOVE		D "/t-move"
#define X		D "/x.txt"
#define Y		D "/y.txt"
#define DYN_PROBE	MG_PROBE_DYN

FIXTURE(entry) {
	char loader[PATH_MAX];	/* the loader as the kernel names it, after symbolic links */
	char libdir[PATH_MAX];	/* the directory of the C library, after symbolic links */
};

FIXTURE_SETUP(entry)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " D));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, STATIC, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, CALLER, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, MOVER, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, T_KEEP, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, T_SCRUB, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, T_MOVE, 0755));
	ASSERT_EQ(0, mg_write_file(X, "x\n", 0644));
	ASSERT_EQ(0, mg_write_file(Y, "y\n", 0644));
	/* busybox sh reads x.txt (allowed) and y.txt (denied) and says which failed. */
	ASSERT_EQ(0, mg_write_file(SCRIPT, "#!/bin/sh\n"
				   "read l < " X " || exit 10\n"
				   "read l < " Y " && exit 11\n"
				   "exit 0\n", 0755));
	/* The tests of dynamic programs skip themselves when there is no dynamic libc. */
	if (!mg_no_dynamic_libc()) {
		ASSERT_EQ(0, mg_copy_file(DYN_PROBE, DYN, 0755));
		ASSERT_EQ(0, mg_elf_interp(DYN, self->loader, sizeof(self->loader)));
		ASSERT_EQ(0, mg_libc_dir(self->libdir));
	}
}

FIXTURE_TEARDOWN(entry)
{
}

/*
 * A static program attached to a profile that denies m everywhere runs; afterwards it cannot map
 * its own file as code: the grant belonged to the exec.
 */
TEST_F(entry, static_program_runs_under_deny_m_everywhere)
{
	ASSERT_EQ(0, mg_load_textf("profile s {\n"
			  "    attach " STATIC "\n"
			  "    file " D "/* r\n"
			  "    deny file /** m\n"
			  "}\n"));
	EXPECT_EQ(0, mg_run_probe(STATIC, "open", X, "r"));
	EXPECT_EQ(EACCES, mg_run_probe(STATIC, "mmap-exec", STATIC, NULL));
}

/*
 * A dynamic program: the kernel maps the program and its loader (here explicitly denied m), the
 * loader maps libc by the profile's own rule.
 */
TEST_F(entry, dynamic_program_runs_with_loader_denied)
{
	MG_SKIP_WITHOUT_DYNAMIC_LIBC();

	ASSERT_EQ(0, mg_load_textf("profile d {\n"
			  "    attach " DYN "\n"
			  "    file /etc/ld.so.cache r\n"
			  "    file %s/libc.so.6 rm\n"
			  "    file %s r\n"
			  "    deny file %s m\n"
			  "    file " X " r\n"
			  "}\n", self->libdir, self->loader, self->loader));
	EXPECT_EQ(0, mg_run_probe(DYN, "open", X, "r"));
	EXPECT_EQ(EACCES, mg_run_probe(DYN, "open", Y, "r"));
	EXPECT_EQ(EACCES, mg_run_probe(DYN, "mmap-exec", self->loader, NULL));
}

/* Without a rule for libc the loader cannot map it: the implicit grant is the exec's files only. */
TEST_F(entry, dynamic_program_needs_its_libraries)
{
	uint64_t from = mg_audit_next();
	char libc[PATH_MAX + 16];
	struct mg_event ev;

	MG_SKIP_WITHOUT_DYNAMIC_LIBC();
	ASSERT_EQ(0, mg_load_textf("profile d {\n"
			  "    attach " DYN "\n"
			  "    file %s/libc.so.6 r\n"
			  "}\n", self->libdir));
	EXPECT_NE(0, mg_run_probe(DYN, "open", X, "r"));
	snprintf(libc, sizeof(libc), "%s/libc.so.6", self->libdir);
	EXPECT_EQ(0, mg_find_event(from, libc, MEDGATE_OP_MMAP, MEDGATE_VERDICT_DENY, &ev));
}

/* A script attached to a profile: busybox sh is mapped without a rule, and reads the script. */
TEST_F(entry, script_runs_under_deny_m_everywhere)
{
	ASSERT_EQ(0, mg_load_textf("profile sc {\n"
			  "    attach " SCRIPT "\n"
			  "    file " SCRIPT " r\n"
			  "    file " X " r\n"
			  "    deny file /** m\n"
			  "}\n"));
	char *argv[] = { SCRIPT, NULL };

	EXPECT_EQ(0, mg_run(argv));
}

/*
 * A confined caller with nothing but exec rules runs a dynamic program (moving to its profile)
 * and a script (staying): no x on the loader or the shell is needed.
 */
TEST_F(entry, exec_rule_is_enough_for_dynamic_program_and_script)
{
	char *dyn[] = { CALLER, "exec", DYN, "open", X, "r", NULL };
	char *script[] = { CALLER, "exec", SCRIPT, NULL };

	MG_SKIP_WITHOUT_DYNAMIC_LIBC();
	ASSERT_EQ(0, mg_load_textf("profile caller {\n"
			  "    attach " CALLER "\n"
			  "    exec " DYN " -> d\n"
			  "    exec " SCRIPT "\n"
			  "    file " SCRIPT " r\n"
			  "    file " X " r\n"
			  "}\n"
			  "profile d {\n"
			  "    file /etc/ld.so.cache r\n"
			  "    file %s/libc.so.6 rm\n"
			  "    file " X " r\n"
			  "}\n", self->libdir));
	EXPECT_EQ(0, mg_run(dyn));
	EXPECT_EQ(0, mg_run(script));
}

/*
 * Running the loader directly is an exec of the loader: refused without a rule for it, and the
 * refusal is recorded as op exec on the loader, not as a file_open.
 */
TEST_F(entry, direct_loader_invocation_is_an_exec_of_the_loader)
{
	char *direct[] = { CALLER, "exec", self->loader, DYN, "open", X, "r", NULL };
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	MG_SKIP_WITHOUT_DYNAMIC_LIBC();
	ASSERT_EQ(0, mg_load_textf("profile caller {\n"
			  "    attach " CALLER "\n"
			  "    exec " DYN "\n"
			  "    file /etc/ld.so.cache r\n"
			  "    file %s/libc.so.6 rm\n"
			  "    file " X " r\n"
			  "}\n", self->libdir));
	EXPECT_EQ(EACCES, mg_run(direct));
	ASSERT_EQ(0, mg_find_event(from, self->loader, MEDGATE_OP_NONE, MEDGATE_VERDICT_DENY,
				   &ev));
	EXPECT_EQ(MEDGATE_OP_EXEC, ev.op);
	EXPECT_EQ(MEDGATE_ACCESS_EXEC, ev.access);
	EXPECT_STREQ("caller", ev.profile);
}

/* A refused exec is reported once, as an exec of the target. */
TEST_F(entry, refused_exec_is_reported_as_exec)
{
	char *refused[] = { CALLER, "exec", STATIC, "open", X, "r", NULL };
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	ASSERT_EQ(0, mg_load_textf("profile caller {\n"
			  "    attach " CALLER "\n"
			  "}\n"));
	EXPECT_EQ(EACCES, mg_run(refused));
	ASSERT_EQ(0, mg_find_event(from, STATIC, MEDGATE_OP_NONE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_OP_EXEC, ev.op);
	EXPECT_EQ(-ENOENT, mg_find_event(from, STATIC, MEDGATE_OP_FILE_OPEN,
					  MEDGATE_VERDICT_DENY, &ev));
}

/*
 * Secure-exec: not on entry from an unconfined task (it had more rights than the profile), yes
 * on a move between profiles, and as an exec rule chooses with scrub-env or keep-env.
 */
TEST_F(entry, secure_exec_on_moves_and_as_rules_choose)
{
	char *move[] = { MOVER, "exec", T_MOVE, "at-secure", NULL };
	char *keep[] = { MOVER, "exec", T_KEEP, "at-secure", NULL };
	char *scrub[] = { MOVER, "exec", T_SCRUB, "at-secure", NULL };
	char *stay[] = { MOVER, "exec", MOVER, "at-secure", NULL };

	ASSERT_EQ(0, mg_load_textf("profile mover {\n"
			  "    attach " MOVER "\n"
			  "    exec " MOVER "\n"
			  "    exec " T_MOVE " -> other\n"
			  "    exec " T_KEEP " -> other keep-env\n"
			  "    file " T_SCRUB " rx scrub-env\n"
			  "}\n"
			  "profile other {\n"
			  "}\n"));
	EXPECT_EQ(0, mg_run_probe(MOVER, "at-secure", NULL, NULL));
	EXPECT_EQ(1, mg_run(move));
	EXPECT_EQ(0, mg_run(keep));
	EXPECT_EQ(1, mg_run(scrub));
	EXPECT_EQ(0, mg_run(stay));
}

TEST_HARNESS_MAIN

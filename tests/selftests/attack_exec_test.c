// SPDX-License-Identifier: GPL-2.0
/*
 * Attacks on the exec grant, O_TMPFILE and SCM_RIGHTS, as a confined process would try them.
 * Each test does what the attacker does and asserts the safe outcome.
 *
 * Findings (fixed):
 *  - a profile that may write a program it may run chose that program's "#!" interpreter and
 *    ELF loader; since the exec's own files need no rule, any executable on the system ran
 *    under an exec rule for the writable file (exec rules, deny x, set-uid bits all bypassed).
 *    Such an exec's interpreters are now decided as x under the caller's profile;
 *  - a named FIFO received over SCM_RIGHTS passed as a "pipe" although opening it by its path
 *    is decided on that path.
 * Attempts that did not work, kept as regression guards: execveat of an O_PATH descriptor or a
 * memfd, a received memfd, LD_PRELOAD from an unconfined starter, a tmpfile linked where the
 * profile may not create, an exec rule targeting "unconfined", a read-only script's interpreter.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

/* Short: the crafted ELF below names TINY in a PT_INTERP. */
#define D		MG_WORKDIR "/ax"
#define W		D "/w"			/* the profile may write and run files here */
#define RO		D "/ro"			/* ... only run and read them here */
#define CALLER		D "/caller"
#define TARGET		D "/forbidden"		/* a program no exec rule allows */
#define TINY		D "/tiny"		/* a minimal ELF that exits 42, also not allowed */
#define X		D "/x.txt"
#define DYN_PROBE	MG_PROBE_DYN
#define DYN		D "/dyn"
#define PRE		D "/pre.so"
#define FIFO		D "/ctl.fifo"

/*
 * A static ELF of the build's architecture (x86-64 or arm64) of one PT_LOAD at @base whose code
 * is exit(@code), with a PT_INTERP naming @interp when not NULL: the kernel then opens and maps
 * @interp and starts there.
 */
static int write_tiny_elf(const char *path, unsigned long base, int code, const char *interp)
{
	unsigned char buf[512] = { 0 };
#if defined(__x86_64__)
	unsigned char text[] = { 0xbf, (unsigned char)code, 0, 0, 0,	/* mov $code, %edi */
				 0xb8, 60, 0, 0, 0,			/* mov $60, %eax */
				 0x0f, 0x05 };				/* syscall */
	const int machine = EM_X86_64;
#elif defined(__aarch64__)
	/* A64 instructions, little-endian words; the code must start 4-byte aligned. */
	uint32_t insn[] = { 0xd2800000u | ((uint32_t)code & 0xffff) << 5,	/* movz x0, #code */
			    0xd2800000u | 93u << 5 | 8u,			/* movz x8, #93 (exit) */
			    0xd4000001u };					/* svc #0 */
	unsigned char text[sizeof(insn)];
	const int machine = EM_AARCH64;

	memcpy(text, insn, sizeof(insn));
#else
	/* No code for this architecture: the tests that need the ELF skip before writing it. */
	unsigned char text[1] = { 0 };
	const int machine = EM_NONE;
#endif
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	int nph = interp ? 2 : 1, i = 0, fd;
	size_t off = sizeof(*eh) + nph * sizeof(*ph), ioff = 0, ilen = 0, coff;

	if (interp) {
		ilen = strlen(interp) + 1;
		ioff = off;
		memcpy(buf + off, interp, ilen);
		off += ilen;
	}
	off = (off + 3) & ~(size_t)3;
	coff = off;
	memcpy(buf + off, text, sizeof(text));
	off += sizeof(text);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_version = EV_CURRENT;
	eh->e_entry = base + coff;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = nph;
	if (interp) {
		ph[0].p_type = PT_INTERP;
		ph[0].p_offset = ioff;
		ph[0].p_vaddr = ph[0].p_paddr = base + ioff;
		ph[0].p_filesz = ph[0].p_memsz = ilen;
		ph[0].p_flags = PF_R;
		ph[0].p_align = 1;
		i = 1;
	}
	ph[i].p_type = PT_LOAD;
	ph[i].p_offset = 0;
	ph[i].p_vaddr = ph[i].p_paddr = base;
	ph[i].p_filesz = ph[i].p_memsz = off;
	/* Writable too: 6.1 zeroes the rest of an interpreter's last page and faults otherwise. */
	ph[i].p_flags = PF_R | PF_W | PF_X;
	ph[i].p_align = 0x1000;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, off) != (ssize_t)off) {
		close(fd);
		return -EIO;
	}
	return close(fd) ? -errno : 0;
}

FIXTURE(attack) {
};

FIXTURE_SETUP(attack)
{
	mkdir(MG_WORKDIR, 0755);
	ASSERT_EQ(0, system("rm -rf " D " && mkdir -p " W " " RO));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, CALLER, 0755));
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, TARGET, 0755));
	ASSERT_EQ(0, mg_write_file(X, "x\n", 0644));
}

FIXTURE_TEARDOWN(attack)
{
}

/*
 * FINDING. The profile may write and run files in W. A script there names a program no exec rule
 * allows as its "#!" interpreter: the kernel opened and ran it under the exec rule for the
 * script. Safe: the interpreter of a program the profile may write is an exec of the
 * interpreter under the caller's profile, refused and recorded.
 */
TEST_F(attack, writable_script_cannot_choose_its_interpreter)
{
	char *argv[] = { CALLER, "exec", W "/s.sh", "r", NULL };
	uint64_t from = mg_audit_next();
	struct mg_event ev;

	ASSERT_EQ(0, mg_write_file(W "/s.sh", "#!" TARGET " open\n", 0755));
	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    file " W "/* rwcx\n"
			  "}\n"));
	/* Escape: TARGET runs "open W/s.sh r" and exits 0. */
	EXPECT_EQ(EACCES, mg_run(argv));
	ASSERT_EQ(0, mg_find_event(from, TARGET, MEDGATE_OP_NONE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_OP_EXEC, ev.op);
	EXPECT_EQ(MEDGATE_ACCESS_EXEC, ev.access);
	EXPECT_STREQ("atk", ev.profile);
}

/* The same with an exec rule for the interpreter: allowed. */
TEST_F(attack, writable_script_with_allowed_interpreter_runs)
{
	char *argv[] = { CALLER, "exec", W "/s.sh", "r", NULL };

	ASSERT_EQ(0, mg_write_file(W "/s.sh", "#!" TARGET " open\n", 0755));
	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    file " W "/* rwcx\n"
			  "    exec " TARGET "\n"
			  "}\n"));
	EXPECT_EQ(0, mg_run(argv));
}

/*
 * Not a finding: a script the profile may only run and read keeps its interpreter without a
 * rule (the product's choice: its author, not the profile, named the interpreter).
 */
TEST_F(attack, read_only_script_keeps_its_interpreter)
{
	char *argv[] = { CALLER, "exec", RO "/s.sh", "r", NULL };

	ASSERT_EQ(0, mg_write_file(RO "/s.sh", "#!" TARGET " open\n", 0755));
	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    exec " RO "/s.sh\n"
			  "    file " RO "/s.sh r\n"
			  "}\n"));
	EXPECT_EQ(0, mg_run(argv));
}

/*
 * FINDING. An ELF the profile may write and run names an arbitrary executable in PT_INTERP:
 * the kernel mapped it as code and started there. Safe: refused as an exec of that file.
 */
TEST_F(attack, writable_elf_cannot_choose_its_loader)
{
	char *argv[] = { CALLER, "exec", W "/elf", NULL };
	char *direct[] = { W "/elf", NULL };
	uint64_t from = mg_audit_next();
	struct mg_event ev;

#if !defined(__x86_64__) && !defined(__aarch64__)
	SKIP(return, "the crafted ELF is x86-64 or arm64 only");
#endif
	ASSERT_EQ(0, write_tiny_elf(TINY, 0x800000, 42, NULL));
	ASSERT_EQ(0, write_tiny_elf(W "/elf", 0x400000, 7, TINY));
	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    file " W "/* rwcx\n"
			  "}\n"));
	/* Unconfined, the crafted ELF starts in its "loader": the attack is real. */
	ASSERT_EQ(42, mg_run(direct));
	EXPECT_EQ(EACCES, mg_run(argv));
	ASSERT_EQ(0, mg_find_event(from, TINY, MEDGATE_OP_NONE, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(MEDGATE_OP_EXEC, ev.op);
	EXPECT_STREQ("atk", ev.profile);
}

/* Not a finding: execveat() of an O_PATH descriptor is decided on the file it names. */
TEST_F(attack, execveat_o_path_is_an_exec_of_the_file)
{
	char *argv[] = { CALLER, "exec-opath", TARGET, "open", X, "r", NULL };

	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    file " X " r\n"
			  "}\n"));
	EXPECT_EQ(EACCES, mg_run(argv));
	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    exec " TARGET "\n"
			  "    file " X " r\n"
			  "}\n"));
	EXPECT_EQ(0, mg_run(argv));
}

/* Not a finding: a program copied into a memfd has no path; its exec is refused. */
TEST_F(attack, exec_of_memfd_is_refused)
{
	char *argv[] = { CALLER, "exec-memfd", TARGET, "open", X, "r", NULL };

	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    file " TARGET " r\n"
			  "    file " X " r\n"
			  "    file /** x\n"
			  "}\n"));
	EXPECT_EQ(EACCES, mg_run(argv));
}

/* Not a finding: a memfd is a regular file; received, it has no path and is refused. */
TEST_F(attack, received_memfd_is_refused)
{
	int fd = syscall(SYS_memfd_create, "mg-recv", 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    file /** rw\n"
			  "}\n"));
	EXPECT_EQ(EACCES, mg_run_recv_fd(CALLER, fd));
	close(fd);
}

/* FINDING. A named FIFO has a path: received, it needs the rights an open by that path needs. */
TEST_F(attack, received_named_fifo_needs_a_rule)
{
	int fd;

	ASSERT_EQ(0, mkfifo(FIFO, 0600));
	fd = open(FIFO, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "}\n"));
	EXPECT_EQ(EACCES, mg_run_recv_fd(CALLER, fd));
	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    file " FIFO " rw\n"
			  "}\n"));
	EXPECT_EQ(0, mg_run_recv_fd(CALLER, fd));
	close(fd);
}

/*
 * Not a finding: a tmpfile made where the profile may create (and link) cannot be linked to a
 * name where it may not create.
 */
TEST_F(attack, tmpfile_cannot_be_linked_where_create_is_refused)
{
	struct stat st;

	ASSERT_EQ(0, mg_load_textf("profile atk {\n"
			  "    attach " CALLER "\n"
			  "    file " W "/* rwcl\n"
			  "    file " RO "/* r\n"
			  "    file /proc/** r\n"
			  "}\n"));
	EXPECT_EQ(EACCES, mg_run_probe(CALLER, "tmpfile", W, RO "/planted"));
	EXPECT_NE(0, stat(RO "/planted", &st));
	EXPECT_EQ(0, mg_run_probe(CALLER, "tmpfile", W, W "/named"));
}

/*
 * Not a finding: an unconfined starter's LD_PRELOAD reaches the program it starts in a profile
 * (entry keeps the environment), but the loader then runs under the profile: a library the
 * profile may read but not map as code is refused and ignored.
 */
TEST_F(attack, ld_preload_from_starter_is_mapped_under_the_profile)
{
	char libc[PATH_MAX], libdir[PATH_MAX];
	uint64_t from = mg_audit_next();
	struct mg_event ev;
	int ret;

	MG_SKIP_WITHOUT_DYNAMIC_LIBC();
	ASSERT_EQ(0, mg_libc_dir(libdir));
	snprintf(libc, sizeof(libc), "%.*s/libc.so.6", (int)(sizeof(libc) - 12), libdir);
	ASSERT_EQ(0, mg_copy_file(DYN_PROBE, DYN, 0755));
	ASSERT_EQ(0, mg_copy_file(libc, PRE, 0755));
	ASSERT_EQ(0, mg_load_textf("profile d {\n"
			  "    attach " DYN "\n"
			  "    file /etc/ld.so.cache r\n"
			  "    file %s/** rm\n"
			  "    file " PRE " r\n"
			  "    file " X " r\n"
			  "}\n", libdir));
	setenv("LD_PRELOAD", PRE, 1);
	ret = mg_run_probe(DYN, "open", X, "r");
	unsetenv("LD_PRELOAD");
	EXPECT_EQ(0, ret);
	ASSERT_EQ(0, mg_find_event(from, PRE, MEDGATE_OP_MMAP, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("d", ev.profile);
}

/* Not a finding: an exec rule cannot move a task out of confinement. */
TEST_F(attack, exec_rule_cannot_target_unconfined)
{
	char err[512];

	EXPECT_NE(0, mg_load_text("profile atk {\n"
				  "    attach " CALLER "\n"
				  "    exec " TARGET " -> unconfined\n"
				  "}\n", err, sizeof(err)));
}

TEST_HARNESS_MAIN

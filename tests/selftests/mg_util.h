/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the medgate selftests: they run inside the test VM, as root, with medgate.ko
 * loaded and the BPF programs attached by the VM's init.
 */
#ifndef MG_UTIL_H
#define MG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include "medgate.h"

#define MG_PROBE	"/medgate/helpers/mg-probe"
#define MG_PROBE_DYN	"/medgate/helpers/mg-probe-dyn"
#define MG_WORKDIR	"/tmp/mgtest"

/* Runs argv (argv[0] is the program path) and returns its exit status, or -errno/-signal. */
int mg_run(char *const argv[]);
int mg_run_probe(const char *exe, const char *action, const char *path, const char *mode);
int mg_write_file(const char *path, const char *text, int mode);
int mg_copy_file(const char *from, const char *to, int mode);
/* Compiles @text and loads it; returns 0 or -errno, with the kernel's reason in @err. */
int mg_load_text(const char *text, char *err, size_t errlen);
int mg_load_blob(const void *blob, size_t len, char *err, size_t errlen);
uint64_t mg_policy_version(void);
uint64_t mg_audit_next(void);
/*
 * Finds the first event at or after @from with this verdict, and this path unless NULL, and this
 * op unless MEDGATE_OP_NONE; 0 if found.
 */
int mg_find_event(uint64_t from, const char *path, uint32_t op, uint32_t verdict,
		  struct mg_event *out);
/* Compiles and loads the policy printf'd from @fmt; on failure prints why and the text as TAP
 * comments. Returns 0 or -errno. */
int mg_load_textf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Sends @fd over the unix socket @sock (SCM_RIGHTS, one byte of data); 0 or -errno. */
int mg_send_fd(int sock, int fd);
/* Runs "@exe recv-fd 3" with one end of a unix socket pair on descriptor 3, sends it @fd over
 * SCM_RIGHTS, and returns its exit status (the errno of the receipt), or -errno/-signal. */
int mg_run_recv_fd(const char *exe, int fd);
/* Runs argv with one end of a unix socket pair on descriptor 3, sends it @fd over SCM_RIGHTS,
 * and returns its exit status, or -errno/-signal. */
int mg_run_sending_fd(char *const argv[], int fd);
/* The ELF loader a dynamic 64-bit executable names in PT_INTERP, after symbolic links. */
int mg_elf_interp(const char *exe, char *out, size_t len);
/* The directory where the loader finds libc.so.6 (merged /usr or not), after symbolic links. */
int mg_libc_dir(char out[4096]);
/*
 * Why a dynamically linked program cannot run here (no dynamic probe, no ELF loader, no libc), or
 * NULL when it can.
 */
const char *mg_no_dynamic_libc(void);
/* Why @path cannot be run (it is not in the VM's initramfs), or NULL when it can. */
const char *mg_no_program(const char *path);
#define MG_CTL	"/usr/sbin/medgatectl"
/*
 * Runs medgatectl with @args (shell words, standard error joined to standard output); returns its
 * exit status (-1 when it did not exit), its output in @out.
 */
int mg_ctl(char *out, size_t outlen, const char *args);
/* Waits for the child @pid: its exit status, or 1000 + the signal that ended it, or -1. */
int mg_wait_exit(int pid);
/* Unmounts, lazily and innermost first, every mount at or below @dir (no quotes or spaces). */
void mg_unmount_below(const char *dir);

/* In a test body: skip it, with the reason, when dynamically linked programs cannot run. */
#define MG_SKIP_WITHOUT_DYNAMIC_LIBC() do { \
	const char *why_ = mg_no_dynamic_libc(); \
	if (why_) \
		SKIP(return, "%s", why_); \
} while (0)

/* In a test body: skip it, with the reason, when the program at @path is missing. */
#define MG_SKIP_WITHOUT_PROGRAM(path) do { \
	const char *why_ = mg_no_program(path); \
	if (why_) \
		SKIP(return, "%s", why_); \
} while (0)

#endif /* MG_UTIL_H */

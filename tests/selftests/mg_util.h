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

#endif /* MG_UTIL_H */

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATED_HOOKS_H
#define MEDGATED_HOOKS_H

#include <stdbool.h>
#include <bpf/libbpf.h>

/*
 * Turns off the loading of the programs for optional hooks that this kernel does not have.
 * Returns 0, or -errno when the kernel's BTF cannot be read.
 */
int hooks_skip_missing(struct bpf_object *obj, void (*say)(const char *fmt, ...));
/* Whether @prog is loaded and attached (it is not when its hook is optional and missing). */
bool hooks_used(const struct bpf_program *prog);

#endif /* MEDGATED_HOOKS_H */

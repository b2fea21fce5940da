// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks that not every supported kernel has. Every other program must load and attach, or
 * medgated fails (all programs or none): a missing hook that matters would otherwise leave a
 * hole without anyone noticing. These are the exceptions, each covered another way where the
 * kernel lacks it (docs/decisions.md, "Differences between kernels"):
 *  - file_ioctl_compat: added to 6.1 in a stable update; before it, a 32-bit task's ioctl went
 *    through file_ioctl, which is hooked;
 *  - inode_set_acl, inode_remove_acl (6.2): before them, POSIX ACLs were set as extended
 *    attributes through inode_setxattr and inode_removexattr, which are hooked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "hooks.h"

static const char *const optional_hooks[] = {
	"file_ioctl_compat", "inode_set_acl", "inode_remove_acl",
};

/* The hook a program is attached to: its section name after "lsm/". */
static const char *hook_of(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);

	return strncmp(sec, "lsm/", 4) ? NULL : sec + 4;
}

static bool optional(const char *hook)
{
	size_t i;

	for (i = 0; i < sizeof(optional_hooks) / sizeof(optional_hooks[0]); i++)
		if (!strcmp(hook, optional_hooks[i]))
			return true;
	return false;
}

int hooks_skip_missing(struct bpf_object *obj, void (*say)(const char *fmt, ...))
{
	struct bpf_program *prog;
	struct btf *vmlinux;
	int err = 0;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -errno;
	bpf_object__for_each_program(prog, obj) {
		const char *hook = hook_of(prog);
		char fn[128];

		if (!hook || !optional(hook))
			continue;
		/* BPF-LSM attaches to the kernel's bpf_lsm_<hook>, which exists for each hook. */
		snprintf(fn, sizeof(fn), "bpf_lsm_%s", hook);
		if (btf__find_by_name_kind(vmlinux, fn, BTF_KIND_FUNC) >= 0)
			continue;
		err = bpf_program__set_autoload(prog, false);
		if (err)
			break;
		if (say)
			say("this kernel has no %s hook: %s not loaded", hook,
			    bpf_program__name(prog));
	}
	btf__free(vmlinux);
	return err;
}

bool hooks_used(const struct bpf_program *prog)
{
	return bpf_program__autoload(prog);
}

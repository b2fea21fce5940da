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
 * And hooks whose arguments changed between supported kernels have one program per form, of
 * which the one matching this kernel's argument count is loaded (exactly one, or medgated
 * fails):
 *  - inode_setattr: (dentry, attr) on 6.1, (idmap, dentry, attr) on 6.12.
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

/* A program written for one argument list of a hook. */
struct hook_form {
	const char *prog;
	const char *hook;
	unsigned int args;
};

static const struct hook_form hook_forms[] = {
	{ "hook_inode_setattr", "inode_setattr", 2 },
	{ "hook_inode_setattr_idmap", "inode_setattr", 3 },
};

static bool optional(const char *hook)
{
	size_t i;

	for (i = 0; i < sizeof(optional_hooks) / sizeof(optional_hooks[0]); i++)
		if (!strcmp(hook, optional_hooks[i]))
			return true;
	return false;
}

/* The number of arguments of the kernel's bpf_lsm_@hook, or -1 when it has no such hook. */
static int hook_args(const struct btf *vmlinux, const char *hook)
{
	const struct btf_type *fn, *proto;
	char name[128];
	int id;

	/* BPF-LSM attaches to the kernel's bpf_lsm_<hook>, which exists for each hook. */
	snprintf(name, sizeof(name), "bpf_lsm_%s", hook);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC);
	if (id < 0)
		return -1;
	fn = btf__type_by_id(vmlinux, id);
	proto = fn ? btf__type_by_id(vmlinux, fn->type) : NULL;
	return proto && btf_is_func_proto(proto) ? btf_vlen(proto) : -1;
}

/* Whether @prog is written for another argument list of its hook than this kernel's. */
static bool other_form(const struct btf *vmlinux, const struct bpf_program *prog)
{
	size_t i;

	for (i = 0; i < sizeof(hook_forms) / sizeof(hook_forms[0]); i++)
		if (!strcmp(bpf_program__name(prog), hook_forms[i].prog))
			return hook_args(vmlinux, hook_forms[i].hook) != (int)hook_forms[i].args;
	return false;
}

/* -ENOTSUP (and why, through @say) when no form of a hook fits this kernel's. */
static int check_forms(const struct btf *vmlinux, void (*say)(const char *fmt, ...))
{
	size_t i, k;

	for (i = 0; i < sizeof(hook_forms) / sizeof(hook_forms[0]); i++) {
		int args = hook_args(vmlinux, hook_forms[i].hook);
		bool fits = false;

		for (k = 0; k < sizeof(hook_forms) / sizeof(hook_forms[0]); k++)
			if (!strcmp(hook_forms[k].hook, hook_forms[i].hook) &&
			    (int)hook_forms[k].args == args)
				fits = true;
		if (!fits) {
			if (say)
				say("this kernel's %s hook takes %d arguments; these programs are written for another kernel",
				    hook_forms[i].hook, args);
			return -ENOTSUP;
		}
	}
	return 0;
}

int hooks_skip_missing(struct bpf_object *obj, void (*say)(const char *fmt, ...))
{
	struct bpf_program *prog;
	struct btf *vmlinux;
	int err = 0;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -errno;
	err = check_forms(vmlinux, say);
	if (err)
		goto out;
	bpf_object__for_each_program(prog, obj) {
		const char *hook = hook_of(prog);

		if (hook && other_form(vmlinux, prog)) {
			/* The form for this kernel's argument list is loaded instead. */
			err = bpf_program__set_autoload(prog, false);
			if (err)
				break;
			continue;
		}
		if (!hook || !optional(hook))
			continue;
		if (hook_args(vmlinux, hook) >= 0)
			continue;
		err = bpf_program__set_autoload(prog, false);
		if (err)
			break;
		if (say)
			say("this kernel has no %s hook: %s not loaded", hook,
			    bpf_program__name(prog));
	}
out:
	btf__free(vmlinux);
	return err;
}

bool hooks_used(const struct bpf_program *prog)
{
	return bpf_program__autoload(prog);
}

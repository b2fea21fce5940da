// SPDX-License-Identifier: GPL-2.0
/*
 * Extended attributes, exported as the kfunc of the inode_setxattr, inode_removexattr and (where
 * the kernel has them, 6.2 and later) inode_set_acl and inode_remove_acl hooks.
 *
 * An extended attribute can change what a file is for everyone: a POSIX ACL opens a mode 600
 * file to all, security.capability gives a program capabilities, trusted.* and security.* hold
 * what other security modules and overlayfs trust. These hooks get a dentry and no mount, so no
 * path rule can name the file: a confined task is refused every change of an extended attribute,
 * recorded as op xattr with the attribute's namespace class in the access field and the file's
 * device and inode; complain mode reports and allows.
 *
 * The BPF side reads the attribute's name, passes its class, and lets through changes the kernel
 * makes with credentials of its own (overlayfs copying a file up under the mounter's
 * credentials): those are not the task's request.
 */
#include <linux/dcache.h>
#include <linux/err.h>
#include "decide.h"

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/**
 * medgate_inode_xattr() - may the current task set or remove an extended attribute of @dentry?
 * @dentry: the file.
 * @class: the attribute's namespace (enum medgate_xattr_class).
 * @profile: the task's profile.
 *
 * Return: 0 (complain mode) or -EPERM.
 */
noinline int medgate_inode_xattr(struct dentry *dentry, u32 class, u64 profile)
{
	struct medgate_request req = { .op = MEDGATE_OP_XATTR, .access = class };

	if (!medgate_kfunc_callable(profile, dentry) || class > MEDGATE_XATTR_OTHER)
		return -EPERM;
	req.inode = d_inode(dentry);
	return medgate_decide_class_once(profile, &req, false);
}

__diag_pop();

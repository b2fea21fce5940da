// SPDX-License-Identifier: GPL-2.0
/*
 * A file's times set to chosen values, exported as the kfunc of the inode_setattr hook.
 *
 * utimensat(), futimens(), utimes() and `touch -d` give a file any access and modification time
 * its owner likes: a confined service could make a record it changed look untouched, or date a
 * file it planted before the incident. The kernel asks only for ownership (or CAP_FOWNER) and
 * no path hook runs (6.1 and 6.12 have path hooks for chmod, chown and truncate, not for times);
 * inode_setattr gets a dentry and no mount, so no path rule can name the file. Explicit times
 * (ATTR_ATIME_SET, ATTR_MTIME_SET) are therefore a class of their own, timestamps, denied in a
 * profile unless a rule grants them, recorded as op times with the file's device and inode;
 * complain mode reports and allows. Setting the current time (touch, UTIME_NOW) needs only write
 * permission, says nothing false, and is not asked about.
 *
 * As for extended attributes, the BPF side lets through changes the kernel makes with
 * credentials of its own (overlayfs copying a file up, times included, under the mounter's
 * credentials), and decides those of io_uring threads, which act for the task.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include "decide.h"

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/**
 * medgate_inode_times() - may the current task make the changes @attr describes to @dentry?
 * @dentry: the file.
 * @attr: the changes; only explicit times are decided here, everything else is allowed
 *        (chmod, chown and truncate are decided by the path hooks).
 * @profile: the task's profile.
 *
 * Return: 0 (allowed, or complain mode) or -EPERM.
 */
noinline int medgate_inode_times(struct dentry *dentry, struct iattr *attr, u64 profile)
{
	struct medgate_request req = { .op = MEDGATE_OP_TIMES };

	if (!medgate_kfunc_callable(profile, dentry && attr))
		return -EPERM;
	if (!(attr->ia_valid & (ATTR_ATIME_SET | ATTR_MTIME_SET)))
		return 0;
	req.inode = d_inode(dentry);
	return medgate_decide_class_once(profile, &req, false);
}

__diag_pop();

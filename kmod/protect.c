// SPDX-License-Identifier: GPL-2.0
/*
 * Files no confined task may touch, whatever its rules say: the private key medgated signs the
 * audit log with. A profile that may read every file under /etc would otherwise read the key and
 * forge a log that verifies. medgated names the file after it made or opened it
 * (MEDGATE_CMD_PROTECT_FILE); the module holds the inode, so another name for the same file (a
 * hard link, a bind mount, a handle) is refused as well, and a rename does not lift the
 * protection.
 *
 * The table is small and fixed (MEDGATE_MAX_PROTECTED): a slot is taken per file, never per
 * request. Decisions compare inode pointers without a lock; a slot is only emptied for a file
 * that has no name left, after an RCU grace period (every decision runs in a BPF program, under
 * RCU), so that a pointer being compared cannot be freed and reused meanwhile.
 */
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <uapi/linux/medgate.h>
#include "protect.h"

static struct inode *protected_inodes[MEDGATE_MAX_PROTECTED];
static DEFINE_MUTEX(protect_lock);

bool medgate_inode_protected(const struct inode *inode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protected_inodes); i++)
		if (READ_ONCE(protected_inodes[i]) == inode)
			return true;
	return false;
}

/* Empties the slots of protected files that were deleted (a key made again). Under the lock. */
static void drop_unnamed(void)
{
	struct inode *gone[MEDGATE_MAX_PROTECTED];
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(protected_inodes); i++) {
		struct inode *inode = protected_inodes[i];

		if (inode && !READ_ONCE(inode->i_nlink)) {
			WRITE_ONCE(protected_inodes[i], NULL);
			gone[n++] = inode;
		}
	}
	if (!n)
		return;
	synchronize_rcu();
	while (n)
		iput(gone[--n]);
}

/**
 * medgate_protect_path() - protect the regular file at @name from every confined task.
 * @name: an absolute path, resolved in the caller's mount namespace and root.
 * @extack: for the reason of a refusal.
 *
 * Protecting a file twice is not an error. Context: process, sleeps.
 *
 * Return: 0, or -EINVAL (not absolute, not a regular file), -ENOSPC (the table is full) or the
 * lookup's error.
 */
int medgate_protect_path(const char *name, struct netlink_ext_ack *extack)
{
	struct path path;
	struct inode *inode;
	int err, i, free_slot = -1;

	if (name[0] != '/') {
		NL_SET_ERR_MSG(extack, "the file to protect must be named by an absolute path");
		return -EINVAL;
	}
	err = kern_path(name, LOOKUP_FOLLOW, &path);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot look up the file to protect");
		return err;
	}
	inode = d_inode(path.dentry);
	if (!S_ISREG(inode->i_mode)) {
		NL_SET_ERR_MSG(extack, "only a regular file can be protected");
		err = -EINVAL;
		goto out;
	}

	mutex_lock(&protect_lock);
	drop_unnamed();
	for (i = 0; i < (int)ARRAY_SIZE(protected_inodes); i++) {
		if (protected_inodes[i] == inode)
			goto unlock;	/* already protected: err is 0 */
		if (!protected_inodes[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0) {
		NL_SET_ERR_MSG(extack, "the table of protected files is full");
		err = -ENOSPC;
		goto unlock;
	}
	ihold(inode);
	WRITE_ONCE(protected_inodes[free_slot], inode);
unlock:
	mutex_unlock(&protect_lock);
out:
	path_put(&path);
	return err;
}

/* At module exit, once no program can call a decision any more. */
void medgate_protect_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protected_inodes); i++) {
		if (protected_inodes[i])
			iput(protected_inodes[i]);
		protected_inodes[i] = NULL;
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Decisions for the file hooks.
 */
#include <linux/fs.h>
#include <linux/err.h>
#include <linux/rcupdate.h>
#include <linux/preempt.h>
#include "decide.h"
#include "files.h"
#include "path.h"

/* What an open asks for. Opening for exec is asked as exec, not as read. */
static u32 open_access(const struct file *file)
{
	u32 access = 0;

	if (file->f_flags & __FMODE_EXEC)
		return MEDGATE_ACCESS_EXEC;
	if (file->f_mode & FMODE_READ)
		access |= MEDGATE_ACCESS_READ;
	if (file->f_mode & FMODE_WRITE)
		access |= (file->f_flags & O_APPEND) && !(file->f_flags & O_TRUNC) ?
			  MEDGATE_ACCESS_APPEND : MEDGATE_ACCESS_WRITE;
	/* O_PATH and similar opens that read nothing still need some right on the object. */
	return access ? access : MEDGATE_ACCESS_READ;
}

int medgate_decide_file_open(struct file *file, u64 profile)
{
	struct medgate_request req = { .profile_id = profile, .op = MEDGATE_OP_FILE_OPEN };
	struct medgate_match m;
	char *buf;
	int ret;

	if (WARN_ON_ONCE(!file))
		return -EACCES;
	req.access = open_access(file);
	buf = medgate_path_buffer_get();
	req.path = medgate_path_resolve(&file->f_path, buf);
	rcu_read_lock();
	ret = medgate_decide(medgate_policy_current(), &req, &m);
	rcu_read_unlock();
	medgate_path_buffer_put();
	return ret;
}

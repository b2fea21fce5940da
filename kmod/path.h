/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_PATH_H
#define MEDGATE_PATH_H

#include <linux/path.h>
#include "blob.h"

/*
 * Two paths per decision at most (rename, link): the source and the destination. @busy marks a
 * decision in progress on this CPU, so that a kfunc called from inside another one (a tracing
 * program on a function a decision calls) is refused instead of clobbering the buffers or
 * taking the audit ring's lock twice (kfuncs can be called by any tracing program).
 */
struct medgate_path_bufs {
	char src[MEDGATE_PATH_MAX];
	char dst[MEDGATE_PATH_MAX];
	char exe[MEDGATE_PATH_MAX];	/* the task's executable, for audit records */
	bool busy;
};

struct medgate_path_bufs *medgate_path_buffers_get(void);
void medgate_path_buffers_put(void);
const char *medgate_path_resolve(const struct path *path, char *buf);
const char *medgate_path_resolve_entry(const struct path *dir, const struct dentry *dentry,
				       char *buf);
const char *medgate_path_exe(char *buf);
int medgate_path_init(void);
void medgate_path_uninit(void);

#endif /* MEDGATE_PATH_H */

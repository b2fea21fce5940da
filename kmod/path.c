// SPDX-License-Identifier: GPL-2.0
/*
 * The one path resolver every hook uses (DESIGN trap 5). Paths are as seen from the task's root:
 * d_path() is relative to current->fs->root, so a chrooted or mount-namespaced task sees its own
 * view. Any resolution problem is an error that the caller turns into a denial, never an allow.
 *
 * Hooks run in BPF-LSM context, which cannot sleep and has too little stack for PATH_MAX, so each
 * CPU owns one buffer; it is used with preemption disabled (get_cpu_ptr), and decision kfuncs
 * refuse to run outside task context, so nothing else on the CPU can reach it meanwhile.
 */
#include <linux/dcache.h>
#include <linux/fs_struct.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/err.h>
#include "path.h"
#include "blob.h"

struct path_buffer {
	char buf[MEDGATE_PATH_MAX];
};

static struct path_buffer __percpu *buffers;

char *medgate_path_buffer_get(void)
{
	return get_cpu_ptr(buffers)->buf;
}

void medgate_path_buffer_put(void)
{
	put_cpu_ptr(buffers);
}

/**
 * medgate_path_resolve() - absolute path of @path as the current task sees it.
 * @path: mount and dentry to resolve.
 * @buf: MEDGATE_PATH_MAX bytes from medgate_path_buffer_get().
 *
 * Return: a pointer into @buf, or an ERR_PTR: -ENOENT when the task has no fs context any more
 * (after exit_fs()) or the dentry is unlinked, -ENAMETOOLONG, -EINVAL when the result is not an
 * absolute path (pseudo files, detached mounts).
 */
const char *medgate_path_resolve(const struct path *path, char *buf)
{
	char *p;

	if (!path || !path->dentry || !path->mnt)
		return ERR_PTR(-EINVAL);
	/* d_path() dereferences current->fs unconditionally. */
	if (!current->fs)
		return ERR_PTR(-ENOENT);
	if (d_unlinked(path->dentry))
		return ERR_PTR(-ENOENT);
	p = d_path(path, buf, MEDGATE_PATH_MAX);
	if (IS_ERR(p))
		return p;
	if (p[0] != '/')
		return ERR_PTR(-EINVAL);
	return p;
}

int medgate_path_init(void)
{
	buffers = alloc_percpu(struct path_buffer);
	return buffers ? 0 : -ENOMEM;
}

void medgate_path_uninit(void)
{
	free_percpu(buffers);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Where policy input comes from, besides one regular file: a directory of *.policy files, and a
 * stream (a pipe, /dev/stdin) of bounded size. Both are the CLI's way in; errors name the entry
 * and say why, because a profile that silently goes missing is an unconfined service.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf */
#endif
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int mg_read_stream(const char *path, size_t max, char **text, size_t *len)
{
	struct stat st;
	int fd, err;

	/* Blocking on purpose: the user named this pipe or FIFO and wants what comes through it. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (S_ISDIR(st.st_mode))
		err = -EISDIR;
	else
		return mg_read_fd(fd, max, text, len);
	close(fd);
	return err;
}

static bool policy_name(const char *name)
{
	size_t n = strlen(name);

	/* Hidden files are editor leftovers more often than policy. */
	return name[0] != '.' && n > 7 && !strcmp(name + n - 7, ".policy");
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Why @path, a directory entry named *.policy, is not a policy file; NULL when it is one. */
static char *not_policy(const char *path)
{
	char target[PATH_MAX], *why = NULL;
	struct stat st, lst;
	ssize_t tl;
	int r;

	if (!stat(path, &st)) {
		if (S_ISREG(st.st_mode))
			return NULL;
		r = asprintf(&why, S_ISDIR(st.st_mode) ?
			     "is a directory, not a policy file: rename it (a directory's *.policy entries must be files)" :
			     "not a regular file (only regular files and symbolic links to them are policy files)");
		return r < 0 ? NULL : why;
	}
	if (errno == ENOENT && !lstat(path, &lst) && S_ISLNK(lst.st_mode)) {
		tl = readlink(path, target, sizeof(target) - 1);
		target[tl > 0 ? tl : 0] = '\0';
		r = asprintf(&why, "dangling symbolic link: its target \"%s\" does not exist (fix the link or remove it)",
			     target);
	} else if (errno == ELOOP) {
		r = asprintf(&why, "symbolic link loop: fix the link or remove it");
	} else {
		r = asprintf(&why, "cannot read: %s", strerror(errno));
	}
	return r < 0 ? NULL : why;
}

void mg_policy_dir_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* A diagnostic about the whole of @file (no line); -ENOMEM or @err. */
static int whole(struct mg_diags *d, const char *file, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int whole(struct mg_diags *d, const char *file, int err, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = mg_vstrdupf(fmt, ap);
	va_end(ap);
	if (!msg || (d && mg_diags_add(d, file, 0, 0, msg)))
		err = -ENOMEM;
	free(msg);
	return err;
}

int mg_policy_dir(const char *dir, size_t max, char ***paths, size_t *n_out,
		  struct mg_diags *diags)
{
	const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int err = 0;
	DIR *d;

	*paths = NULL;
	*n_out = 0;
	d = opendir(dir);
	if (!d) {
		err = -errno;
		return whole(diags, dir, err, "cannot read the directory: %s", strerror(-err));
	}
	while ((de = readdir(d))) {
		char *path, *why;

		if (!policy_name(de->d_name))
			continue;
		if (asprintf(&path, "%s%s%s", dir, sep, de->d_name) < 0) {
			err = -ENOMEM;
			break;
		}
		why = not_policy(path);
		if (why) {
			err = whole(diags, path, -EINVAL, "%s", why);
			free(why);
			free(path);
			if (err == -ENOMEM)
				break;
			continue;
		}
		if (n >= max) {
			free(path);
			err = whole(diags, dir, -EINVAL,
				    "too many policy files in this directory (the limit is %zu)", max);
			break;
		}
		if (mg_grow((void **)&names, &cap, n + 1, sizeof(*names))) {
			free(path);
			err = -ENOMEM;
			break;
		}
		names[n++] = path;
	}
	closedir(d);
	if (!err && !n)
		err = whole(diags, dir, -EINVAL, "no *.policy file in this directory");
	if (err) {
		mg_policy_dir_free(names, n);
		return err;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	*paths = names;
	*n_out = n;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Scratch directories of the host unit tests (scratch.h). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "scratch.h"

int scratch_new(char *dir, size_t size, const char *tag)
{
	if (snprintf(dir, size, "/tmp/mg-%s-XXXXXX", tag) >= (int)size)
		return -ENAMETOOLONG;
	return mkdtemp(dir) ? 0 : -errno;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) ? -errno : 0;
}

int scratch_remove(const char *dir)
{
	/* Depth first, symlinks as themselves: a dangling link or a loop is just removed. */
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int scratch_put(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(text, f) == EOF) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

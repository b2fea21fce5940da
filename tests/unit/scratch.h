/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scratch directories of the host unit tests: each fixture makes its own under /tmp and removes
 * it whole in its teardown, so that tests share no files and leave none behind.
 */
#ifndef SCRATCH_H
#define SCRATCH_H

#include <stddef.h>

/* Creates /tmp/mg-@tag-XXXXXX into @dir (at least 64 bytes); 0 or -errno. */
int scratch_new(char *dir, size_t size, const char *tag);
/* Removes @dir and everything below it without following symlinks; 0 or -errno. */
int scratch_remove(const char *dir);
/* Writes @text to @dir/@name; 0 or -errno. */
int scratch_put(const char *dir, const char *name, const char *text);

#endif

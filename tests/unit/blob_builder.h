/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builds policy blobs directly (without the text compiler), so the validator and the matcher are
 * tested on exactly the bytes a test intends, including malformed ones.
 */
#ifndef BLOB_BUILDER_H
#define BLOB_BUILDER_H

#include "blob.h"

#define BB_MAX 64

struct bb_rule {
	const char *path;
	u32 flags, access, exec_mode;
	const char *target;	/* profile name for MEDGATE_EXEC_MOVE */
	u32 line;
};

struct bb_profile {
	const char *name;
	u32 mode;
	const char *attach[BB_MAX];
	struct bb_rule rules[BB_MAX];
};

/* Lays out @n profiles (sorted by id as the format requires); returns a malloc'd blob. */
u8 *bb_build(const struct bb_profile *profiles, size_t n, size_t *len);
/* Recomputes the checksum after a test changed bytes on purpose. */
void bb_reseal(u8 *blob, size_t len);

#endif

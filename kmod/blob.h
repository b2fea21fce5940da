/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy blob validation and lookup (plain C: module, libmedgate, host tests, fuzzer).
 */
#ifndef MEDGATE_BLOB_H
#define MEDGATE_BLOB_H

#include "compat.h"
#include "../include/uapi/linux/medgate.h"

/**
 * struct medgate_blob_view - typed pointers into a blob that medgate_blob_validate() accepted.
 * Every index and offset reachable from it has been bounds-checked; users may follow them without
 * further checks.
 */
struct medgate_blob_view {
	const struct medgate_blob_header *hdr;
	const struct medgate_blob_profile *profiles;
	const struct medgate_blob_attach *attach;
	const struct medgate_blob_rule *rules;
	const char *strtab;
	u64 version;
};

u64 medgate_profile_id(const char *name);
u64 medgate_blob_version(const u8 sha256[32]);
int medgate_blob_validate(const void *blob, size_t len, struct medgate_blob_view *view,
			  const char **why);
const struct medgate_blob_profile *medgate_blob_find_profile(const struct medgate_blob_view *v,
							     u64 id);

#endif /* MEDGATE_BLOB_H */

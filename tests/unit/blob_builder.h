/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the engine tests: policy text to a blob through the real compiler, table pointers
 * into a blob that may be malformed on purpose, resealing, and a DFA walk that returns the whole
 * accept list (the matcher only names the deciding rule).
 */
#ifndef BLOB_BUILDER_H
#define BLOB_BUILDER_H

#include "blob.h"
#include "medgate.h"

/*
 * Compiles @text (file name "test.policy"; a second text, when not NULL, as "second.policy").
 * @max_states: per-DFA budget, 0 for the default. Returns 0 with a malloc'd blob, or the
 * compiler's error with its first diagnostic formatted into @msg (may be NULL).
 */
int bb_compile2(const char *text, const char *second, u32 max_states, u8 **blob, size_t *len,
		char *msg, size_t msglen);
/* As above for one text with the default budget; exits the test program when it fails. */
u8 *bb_compile(const char *text, size_t *len);

/*
 * As bb_compile2() for @text alone, with @n network rules given to profile @profile through the
 * compiler's internal structure (the language has no network statement yet).
 */
struct mg_net_rule;
int bb_compile_net(const char *text, const char *profile, const struct mg_net_rule *rules,
		   size_t n, u8 **blob, size_t *len);

/* Recomputes the checksum after a test changed bytes on purpose. */
void bb_reseal(u8 *blob, size_t len);

/* Typed pointers into @blob computed from its header counts alone (no validation). */
struct bb_tables {
	struct medgate_blob_header *hdr;
	struct medgate_blob_profile *prof;
	struct medgate_blob_attach *att;
	struct medgate_blob_rule *rule;
	struct medgate_blob_state *st;
	struct medgate_blob_trans *tr;
	u32 *acc;
	struct medgate_blob_class *cls;
	struct medgate_blob_net *net;
	struct medgate_blob_net_node *node;
	struct medgate_blob_net_seg *seg;
	char *str;
};
struct bb_tables bb_tables(u8 *blob);

#define BB_NONE 0xffffffffU
/* State reached from @start over @path in a validated blob, or BB_NONE. */
u32 bb_walk(const struct medgate_blob_view *v, u32 start, const char *path);

#endif

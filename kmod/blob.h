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
 * @hdr: the header.
 * @profiles: profile table, sorted by id.
 * @attach: attachment table.
 * @rules: rule table.
 * @states: DFA state table (the attachment DFA, then one DFA per profile with rules).
 * @trans: DFA transition table.
 * @accept: accept entries (rule or attachment indices).
 * @classes: class-rule table.
 * @net: network-rule table.
 * @nodes: address-trie nodes of the network rules.
 * @segs: port segments of those nodes.
 * @n_net: entries in @net (the header's reserved[MEDGATE_HDR_NET_RULES]).
 * @n_nodes: entries in @nodes.
 * @n_segs: entries in @segs.
 * @strtab: string table.
 * @version: the policy version (first 8 bytes of the SHA-256, little-endian).
 */
struct medgate_blob_view {
	const struct medgate_blob_header *hdr;
	const struct medgate_blob_profile *profiles;
	const struct medgate_blob_attach *attach;
	const struct medgate_blob_rule *rules;
	const struct medgate_blob_state *states;
	const struct medgate_blob_trans *trans;
	const u32 *accept;
	const struct medgate_blob_class *classes;
	const struct medgate_blob_net *net;
	const struct medgate_blob_net_node *nodes;
	const struct medgate_blob_net_seg *segs;
	u32 n_net, n_nodes, n_segs;
	const char *strtab;
	u64 version;
};

u64 medgate_profile_id(const char *name);
bool medgate_class_op(u32 op);
u64 medgate_class_details(u32 op);
u64 medgate_blob_version(const u8 sha256[32]);
int medgate_blob_validate(const void *blob, size_t len, struct medgate_blob_view *view,
			  const char **why);
const struct medgate_blob_profile *medgate_blob_find_profile(const struct medgate_blob_view *v,
							     u64 id);

/**
 * medgate_access_implied() - the access bits that other bits of @access imply.
 * @access: MEDGATE_ACCESS_* bits.
 *
 * Writing includes appending and executing includes mapping executable. The compiler stores rules
 * with these bits added, the matcher grants them, and the decoder leaves them out of a rule's
 * short form; all three use this one definition.
 */
static inline u32 medgate_access_implied(u32 access)
{
	u32 implied = 0;

	if (access & MEDGATE_ACCESS_WRITE)
		implied |= MEDGATE_ACCESS_APPEND;
	if (access & MEDGATE_ACCESS_EXEC)
		implied |= MEDGATE_ACCESS_MMAP_EXEC;
	return implied;
}

#endif /* MEDGATE_BLOB_H */

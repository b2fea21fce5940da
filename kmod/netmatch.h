/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network rule lookup on a validated blob (plain C: module, libmedgate, host tests, fuzzer).
 */
#ifndef MEDGATE_NETMATCH_H
#define MEDGATE_NETMATCH_H

#include "match.h"

/**
 * struct medgate_net_request - one socket operation to decide.
 * @op: MEDGATE_OP_NET_*.
 * @family: enum medgate_net_family.
 * @type: enum medgate_net_type.
 * @proto: enum medgate_net_proto.
 * @trie: enum medgate_net_trie: which address @addr holds (an IPv4-mapped IPv6 address is given
 *        as IPv4), MEDGATE_NET_TRIE_NOADDR for none.
 * @addr: the address, network byte order, IPv4 in the first 4 bytes.
 * @port: the port, host order (0 without address).
 */
struct medgate_net_request {
	u32 op;
	u32 family;
	u32 type;
	u32 proto;
	u32 trie;
	u8 addr[16];
	u16 port;
};

void medgate_match_net(const struct medgate_blob_view *v, const struct medgate_blob_profile *p,
		       const struct medgate_net_request *req, struct medgate_match *m);

#endif /* MEDGATE_NETMATCH_H */

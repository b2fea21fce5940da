/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_CHUNKS_H
#define MEDGATE_CHUNKS_H

#include <linux/netlink.h>
#include <linux/types.h>

struct net;

int medgate_chunks_init(void);
void medgate_chunks_uninit(void);
int medgate_chunk_add(struct net *net, u32 portid, u32 total, u32 offset, const void *data,
		      u32 len, struct netlink_ext_ack *extack, void **blob);

#endif /* MEDGATE_CHUNKS_H */

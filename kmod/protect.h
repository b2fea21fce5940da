/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_PROTECT_H
#define MEDGATE_PROTECT_H

#include <linux/fs.h>
#include <linux/netlink.h>

bool medgate_inode_protected(const struct inode *inode);
int medgate_protect_path(const char *name, struct netlink_ext_ack *extack);
void medgate_protect_exit(void);

#endif

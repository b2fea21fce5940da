/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_NETLINK_H
#define MEDGATE_NETLINK_H

#include <linux/types.h>

int medgate_netlink_init(void);
void medgate_netlink_uninit(void);
void medgate_netlink_doorbell(void);

#endif /* MEDGATE_NETLINK_H */

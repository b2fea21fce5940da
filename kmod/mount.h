/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_MOUNT_H
#define MEDGATE_MOUNT_H

#include <linux/types.h>

bool medgate_mount_setattr_request(int cap);

#endif /* MEDGATE_MOUNT_H */

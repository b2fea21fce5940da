/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_NAMESPACE_H
#define MEDGATE_NAMESPACE_H

#include <linux/types.h>

u32 medgate_namespace_request(int cap);
u32 medgate_namespace_types(u64 clone_flags);

#endif /* MEDGATE_NAMESPACE_H */

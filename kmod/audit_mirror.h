/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_AUDIT_MIRROR_H
#define MEDGATE_AUDIT_MIRROR_H

#include <linux/types.h>
#include "audit.h"

void medgate_audit_mirror(const struct medgate_audit_req *req, u64 seq, const char *comm);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The uapi header includes <linux/types.h>; in BPF programs vmlinux.h already defines __u8..__u64
 * (and the system header would pull in host asm/ headers), so this shadow is empty on purpose.
 */
#ifndef __MEDGATE_BPF_LINUX_TYPES_H
#define __MEDGATE_BPF_LINUX_TYPES_H
#endif

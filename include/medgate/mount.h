/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the sb_mount program passes to medgate_sb_mount(): the strings of mount(2), copied by the
 * program (a kfunc cannot take the hook's char pointers: to the verifier they are plain
 * numbers). A contract between medgate.ko and its own BPF programs, built together from one tree;
 * not user-space ABI. Fixed-width types only, since the BPF side includes it next to vmlinux.h.
 */
#ifndef _MEDGATE_MOUNT_H
#define _MEDGATE_MOUNT_H

#define MEDGATE_MOUNT_SOURCE_MAX	256	/* a longer source is not named: only rules
						 * without a source can allow the mount */
#define MEDGATE_MOUNT_FSTYPE_MAX	32	/* MEDGATE_FSTYPE_MAX */

/**
 * struct medgate_mount_args - the arguments of one mount(2) as the sb_mount hook sees them.
 * @flags: the MS_* flags (the hook gets them with the historic magic number removed).
 * @source_len: bpf_probe_read_kernel_str()'s result for the source: <= 0 when there is none,
 *              MEDGATE_MOUNT_SOURCE_MAX when it may have been cut short.
 * @fstype_len: likewise for the file system type.
 * @source: the source as given (a device, a path, a name), NUL-terminated.
 * @fstype: the file system type as given, NUL-terminated.
 */
struct medgate_mount_args {
	__u64 flags;
	__s32 source_len;
	__s32 fstype_len;
	char source[MEDGATE_MOUNT_SOURCE_MAX];
	char fstype[MEDGATE_MOUNT_FSTYPE_MAX];
};

#endif /* _MEDGATE_MOUNT_H */

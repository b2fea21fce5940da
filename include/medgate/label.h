/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The task label: what the BPF programs keep per task in task-local storage, and what they pass
 * to the exec decision (medgate_bprm_creds_for_exec()). A contract between medgate.ko and its
 * own BPF programs, built together from one tree; not user-space ABI. Fixed-width types only,
 * since the BPF side includes it next to vmlinux.h.
 */
#ifndef _MEDGATE_LABEL_H
#define _MEDGATE_LABEL_H

#define MEDGATE_LABEL_F_PENDING	(1U << 0)	/* @pending is decided, commit at committing_creds */
/*
 * Set by medgate_bprm_creds_for_exec() in the decision it returns (never stored): the exec must
 * run as secure-exec. The BPF side asks the kernel for it with bpf_bprm_opts_set().
 */
#define MEDGATE_LABEL_F_SECURE_EXEC (1U << 1)
/*
 * Set by medgate_bprm_creds_for_exec() when the caller's profile may write or create the program
 * it runs: the program's content then names a #! interpreter or ELF loader the profile chose, and
 * each file the kernel opens for the rest of that exec is decided as x under the caller's profile.
 * Kept in the label until the exec commits or the next exec is decided.
 */
#define MEDGATE_LABEL_F_CHECK_INTERP (1U << 2)

/**
 * struct medgate_task_label - per-task confinement state kept in BPF task storage.
 * @profile: stable profile id, 0 for unconfined.
 * @pending: profile the task enters if the exec in progress succeeds.
 * @flags: MEDGATE_LABEL_F_*.
 * @reserved: 0.
 */
struct medgate_task_label {
	__u64 profile;
	__u64 pending;
	__u32 flags;
	__u32 reserved;
};

/*
 * How many keys made by confined tasks the BPF programs remember (which profile made each: a
 * hash map keyed by the key's address, preallocated, about 80 bytes an entry with its
 * bucket). The kernel's own
 * quota lets root keep a million keys, a user 200; a gateway's services keep a few each. When the
 * map is full a confined task's new key is refused (-EDQUOT) and recorded, never made without
 * an owner in enforce mode.
 */
#define MEDGATE_KEY_OWNERS_MAX	4096
/* medgate_key_permission()'s flags: what the BPF side read of the key. */
#define MEDGATE_KEY_F_KEYRING	(1U << 0)	/* the key is a keyring */
#define MEDGATE_KEY_F_OWN	(1U << 1)	/* the task's profile made it (asked about links only) */

#endif /* _MEDGATE_LABEL_H */

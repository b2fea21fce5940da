/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * medgate — device-side access control for embedded Linux medical gateways.
 *
 * This header is the one contract between medgate.ko, the BPF-LSM hook programs and user space
 * (libmedgate, medgated, medgatectl). Everything here is fixed-width and little-endian on the wire
 * where it is not a netlink attribute (netlink attributes are host-endian).
 *
 * GENERIC NETLINK
 * ---------------
 * Family MEDGATE_GENL_NAME, version MEDGATE_GENL_VERSION. The family is netns-aware. Privileged
 * commands (marked CAP_MAC_ADMIN below) need both CAP_NET_ADMIN, which generic netlink checks for
 * admin commands, and CAP_MAC_ADMIN in the initial user namespace, which the module checks itself.
 * Errors come back as a negative errno plus an extack message.
 *
 * MEDGATE_CMD_STATUS_GET (doit, unprivileged)
 *   Reply attributes:
 *     MEDGATE_A_ABI_VERSION        u32  MEDGATE_ABI_VERSION of the running module
 *     MEDGATE_A_POLICY_VERSION     u64  version of the loaded policy (0: none loaded)
 *     MEDGATE_A_POLICY_LOADS       u32  number of successful loads since module load
 *     MEDGATE_A_POLICY_LOADED_NS   u64  CLOCK_REALTIME of the last successful load
 *     MEDGATE_A_AUDIT_NEXT_SEQ     u64  sequence number the next audit event will get
 *     MEDGATE_A_AUDIT_LOST         u64  events that were overwritten before anyone read them
 *     MEDGATE_A_AUDIT_SUPPRESSED   u64  repeats the flood limiter counted instead of recording
 *     MEDGATE_A_AUDIT_RATE_LIMITED u64  records it dropped for want of a profile's tokens
 *     MEDGATE_A_PROFILE            nested, repeated: one MEDGATE_PA_* set per loaded profile
 *   Errors: -EMSGSIZE (reply did not fit), -ENOMEM.
 *
 * MEDGATE_CMD_POLICY_LOAD (doit, CAP_MAC_ADMIN)
 *   A blob that fits one attribute (at most 65,531 bytes) travels in one message:
 *     MEDGATE_A_POLICY_BLOB        binary, required: a complete compiled policy (see POLICY BLOB)
 *   A larger blob travels in chunks, each message carrying
 *     MEDGATE_A_POLICY_TOTAL_LEN   u32, size of the whole blob (same in every chunk)
 *     MEDGATE_A_POLICY_CHUNK_OFFSET u32, offset of this chunk; chunks come in order from 0
 *     MEDGATE_A_POLICY_BLOB        binary, the chunk's bytes (non-empty)
 *   The module buffers the chunks of one sender (netlink port) in a session: offset 0 starts it
 *   (dropping any earlier unfinished session of that sender), every chunk is checked for
 *   CAP_MAC_ADMIN, a chunk out of order drops the session, and a session ends when its socket
 *   closes. The message that completes the blob loads it and gets the reply below; earlier
 *   chunks get a plain acknowledgement.
 *   The blob is validated completely before anything is built from it; on any error the running
 *   policy is left exactly as it was. On success the new policy replaces the old one atomically and
 *   the reply carries MEDGATE_A_POLICY_VERSION.
 *   Errors: -EPERM (caller lacks CAP_MAC_ADMIN), -EINVAL (missing or malformed attribute; chunk
 *   out of order; invalid blob, with the reason in extack), -EBADMSG (checksum mismatch), -EPROTO
 *   (unsupported blob format version), -E2BIG (a blob limit exceeded), -EBUSY (too many chunk
 *   sessions at once), -ENOMEM.
 *
 * MEDGATE_CMD_POLICY_GET (dumpit, CAP_MAC_ADMIN)
 *   Returns the loaded blob, byte for byte, in order, each message carrying
 *     MEDGATE_A_POLICY_VERSION, MEDGATE_A_POLICY_TOTAL_LEN, MEDGATE_A_POLICY_CHUNK_OFFSET and
 *     MEDGATE_A_POLICY_BLOB (a slice).
 *   The dump holds a reference to the policy it started on, so a concurrent load cannot mix two
 *   policies in one answer. Errors: -EPERM, -ENOENT (no policy loaded: it comes, with its
 *   extack message, in the NLMSG_DONE that ends the dump, not in an NLMSG_ERROR).
 *
 * MEDGATE_CMD_AUDIT_READ (dumpit, CAP_MAC_ADMIN)
 *   Request attributes:
 *     MEDGATE_A_AUDIT_FROM_SEQ     u64  optional: first sequence number wanted (default 0)
 *   One reply message per event still in the module's ring with seq >= FROM_SEQ, in order, each
 *   carrying one MEDGATE_A_EVENT (nested MEDGATE_EA_*); then one closing message carrying
 *     MEDGATE_A_AUDIT_NEXT_SEQ     u64  where the dump ended: every sequence number below it was
 *                                       either returned or lost
 *     MEDGATE_A_AUDIT_LOST         u64  events overwritten before anyone read them, in all
 *     MEDGATE_A_AUDIT_SUPPRESSED   u64  as in STATUS_GET
 *     MEDGATE_A_AUDIT_RATE_LIMITED u64  as in STATUS_GET
 *   Before the dump, what the flood limiter counted since the last read is written to the ring
 *   as summary records (MEDGATE_OP_SUPPRESSED, one per profile, carrying MEDGATE_EA_SUPPRESSED
 *   and MEDGATE_EA_RATE_LIMITED), as far as that overwrites nothing at or after FROM_SEQ; so
 *   every suppressed repeat and dropped record is reported in the stream as well as counted.
 *   A gap in the sequence numbers (before the first event, between two, or up to the closing
 *   NEXT_SEQ) means events were lost; the reader records that as a loss, never silently.
 *   Errors: -EPERM, -ENOMEM.
 *
 * MEDGATE_CMD_AUDIT_NOTIFY (multicast on group MEDGATE_GENL_MCGRP_AUDIT, CAP_SYS_ADMIN to join)
 *   A doorbell, not a transport: sent after new events (possibly one for several), carrying
 *   MEDGATE_A_AUDIT_NEXT_SEQ only. Listeners then pull with MEDGATE_CMD_AUDIT_READ; a ring the
 *   module could not send (out of memory) is covered by pulling now and then anyway.
 *
 * POLICY BLOB
 * -----------
 * A compiled policy is one contiguous little-endian buffer:
 *
 *   struct medgate_blob_header                 (magic, format version, total length, SHA-256)
 *   struct medgate_blob_profile[n_profiles]    (sorted by id)
 *   struct medgate_blob_attach[n_attach]       (grouped by profile)
 *   struct medgate_blob_rule[n_rules]          (grouped by profile, source order)
 *   struct medgate_blob_state[n_states]        (one DFA per profile, one for attachments)
 *   struct medgate_blob_trans[n_trans]
 *   __u32 accept[n_accept]                     (rule or attachment indices)
 *   char strtab[strtab_len]                    (NUL-terminated strings, referenced by offset)
 *
 * The SHA-256 covers every byte after the header. The policy version is the first 8 bytes of that
 * digest read as a little-endian u64, so the same canonical blob always has the same version.
 * The compiler emits profiles sorted by id and rules in source order; every index and offset is
 * bounds-checked by the module before use. See docs/policy-blob.md.
 *
 * PROFILE IDS
 * -----------
 * A profile is named in blobs, audit events and the task labels of the BPF programs by its stable
 * id, medgate_profile_id(): FNV-1a 64 of the profile name, never by an index into the current
 * policy, so it keeps its meaning across policy replacement.
 */
#ifndef _UAPI_LINUX_MEDGATE_H
#define _UAPI_LINUX_MEDGATE_H

#include <linux/types.h>

#define MEDGATE_GENL_NAME		"medgate"
#define MEDGATE_GENL_VERSION		1
#define MEDGATE_GENL_MCGRP_AUDIT	"audit"

/*
 * MEDGATE_ABI_VERSION moves when a command, attribute, blob format or label layout changes in a
 * way an older peer cannot understand. medgatectl compares it with its own and explains mismatches.
 */
#define MEDGATE_ABI_VERSION		1

enum medgate_cmd {
	MEDGATE_CMD_UNSPEC,
	MEDGATE_CMD_STATUS_GET,
	MEDGATE_CMD_POLICY_LOAD,
	MEDGATE_CMD_POLICY_GET,
	MEDGATE_CMD_AUDIT_READ,
	MEDGATE_CMD_AUDIT_NOTIFY,
	MEDGATE_CMD_PROTECT_FILE,	/* MEDGATE_A_PROTECT_PATH: a file no confined task may
					 * touch (medgated's signing key); CAP_MAC_ADMIN */
	__MEDGATE_CMD_MAX
};
#define MEDGATE_CMD_MAX (__MEDGATE_CMD_MAX - 1)

/*
 * Top-level attributes. Numbers are fixed; gaps are ranges reserved for later work so that it
 * extends this list without renumbering:
 *   1..15   status and version
 *   16..31  policy transfer
 *   32..47  audit stream
 *   48..63  protected files
 */
enum medgate_attr {
	MEDGATE_A_UNSPEC,
	MEDGATE_A_ABI_VERSION		= 1,	/* u32 */
	MEDGATE_A_POLICY_VERSION	= 2,	/* u64 */
	MEDGATE_A_POLICY_LOADS		= 3,	/* u32 */
	MEDGATE_A_POLICY_LOADED_NS	= 4,	/* u64 */
	MEDGATE_A_PROFILE		= 5,	/* nested MEDGATE_PA_* */
	MEDGATE_A_PAD			= 6,	/* padding for 64-bit attributes */

	MEDGATE_A_POLICY_BLOB		= 16,	/* binary, at most 65,535 bytes per attribute */
	MEDGATE_A_POLICY_CHUNK_OFFSET	= 17,	/* u32 */
	MEDGATE_A_POLICY_TOTAL_LEN	= 18,	/* u32 */

	MEDGATE_A_AUDIT_FROM_SEQ	= 32,	/* u64 */
	MEDGATE_A_AUDIT_NEXT_SEQ	= 33,	/* u64 */
	MEDGATE_A_AUDIT_LOST		= 34,	/* u64 */
	MEDGATE_A_EVENT			= 35,	/* nested MEDGATE_EA_* */
	MEDGATE_A_AUDIT_SUPPRESSED	= 36,	/* u64 */
	MEDGATE_A_AUDIT_RATE_LIMITED	= 37,	/* u64 */

	MEDGATE_A_PROTECT_PATH		= 48,	/* string, an absolute path to a regular file */

	__MEDGATE_A_MAX
};
#define MEDGATE_A_MAX (__MEDGATE_A_MAX - 1)

/* Attributes nested in MEDGATE_A_PROFILE. */
enum medgate_profile_attr {
	MEDGATE_PA_UNSPEC,
	MEDGATE_PA_ID,			/* u64, medgate_profile_id() of the name */
	MEDGATE_PA_NAME,		/* string */
	MEDGATE_PA_MODE,		/* u32, enum medgate_mode */
	MEDGATE_PA_RULES,		/* u32, number of rules */
	MEDGATE_PA_PAD,
	__MEDGATE_PA_MAX
};
#define MEDGATE_PA_MAX (__MEDGATE_PA_MAX - 1)

/*
 * Attributes nested in MEDGATE_A_EVENT: one audit event. Strings are NUL-terminated. The network
 * object attributes (MEDGATE_EA_NET_*) are laid out now for the network policy work.
 */
enum medgate_event_attr {
	MEDGATE_EA_UNSPEC,
	MEDGATE_EA_SEQ			= 1,	/* u64, monotonic, no gaps at generation */
	MEDGATE_EA_TIME_REAL_NS		= 2,	/* u64, CLOCK_REALTIME */
	MEDGATE_EA_TIME_BOOT_NS		= 3,	/* u64, CLOCK_BOOTTIME */
	MEDGATE_EA_POLICY_VERSION	= 4,	/* u64, policy that decided */
	MEDGATE_EA_PROFILE_ID		= 5,	/* u64 */
	MEDGATE_EA_PROFILE		= 6,	/* string, empty when the profile no longer exists */
	MEDGATE_EA_MODE			= 7,	/* u32, enum medgate_mode */
	MEDGATE_EA_VERDICT		= 8,	/* u32, enum medgate_verdict */
	MEDGATE_EA_PID			= 9,	/* u32, thread id in the initial pid namespace */
	MEDGATE_EA_TGID			= 10,	/* u32 */
	MEDGATE_EA_UID			= 11,	/* u32, real uid in the initial user namespace */
	MEDGATE_EA_COMM			= 12,	/* string, task comm */
	MEDGATE_EA_EXE			= 13,	/* string, the task's executable as seen from
						 * its root; absent when it has none */
	MEDGATE_EA_OP			= 14,	/* u32, enum medgate_op */
	MEDGATE_EA_ACCESS		= 15,	/* u32, MEDGATE_ACCESS_* requested */
	MEDGATE_EA_PATH			= 16,	/* string, object path as seen from the task's root */
	MEDGATE_EA_RULE			= 17,	/* u32, index of the deciding rule, MEDGATE_RULE_NONE if default */
	MEDGATE_EA_RULE_LINE		= 18,	/* u32, source line of that rule (0 unknown) */
	MEDGATE_EA_ERRNO		= 19,	/* u32, positive errno returned to the task (0 if allowed) */
	MEDGATE_EA_PAD			= 20,
	MEDGATE_EA_RULE_FILE		= 21,	/* string, source file of the deciding rule */
	MEDGATE_EA_DEV			= 22,	/* u32, device of the object, encoded as st_dev
						 * (glibc's major()/minor() decode it), 0 if the
						 * object does not exist yet */
	MEDGATE_EA_INO			= 23,	/* u64, inode number of the object, 0 likewise:
						 * with DEV, what names an object that has no path */
	MEDGATE_EA_UNNAMED		= 24,	/* flag: the object has no name any more (deleted
						 * while open); PATH names the directory it was in */
	MEDGATE_EA_PEER_PID		= 25,	/* u32, ptrace and signal records: the other task
						 * (thread id in the initial pid namespace) */
	MEDGATE_EA_PEER_PROFILE_ID	= 26,	/* u64, its profile id, 0 when unconfined */
	MEDGATE_EA_PEER_PROFILE		= 27,	/* string, its profile's name; empty when
						 * unconfined or no longer in the policy */
	MEDGATE_EA_MOUNT_SOURCE		= 28,	/* string, mount records: the source (a path
						 * for bind and move, the device or name given
						 * for a new file system) */
	MEDGATE_EA_FSTYPE		= 29,	/* string, mount records: the file system type */
	MEDGATE_EA_GID			= 31,	/* u32, real gid in the initial user namespace */
	MEDGATE_EA_KEY_SERIAL		= 30,	/* u32, key records: the key's serial number
						 * (as keyctl(1) prints it), 0 for a key not
						 * made yet */
	MEDGATE_EA_NET_FAMILY		= 32,	/* u32, reserved: AF_* */
	MEDGATE_EA_NET_PROTO		= 33,	/* u32, reserved: IPPROTO_* */
	MEDGATE_EA_NET_ADDR		= 34,	/* binary 4 or 16 bytes, reserved */
	MEDGATE_EA_NET_PORT		= 35,	/* u32, reserved */
	MEDGATE_EA_LOST			= 48,	/* u64, reserved: loss record */
	MEDGATE_EA_SUPPRESSED		= 49,	/* u64, summary records only: repeats of the
						 * profile's records counted, not recorded, since
						 * its previous summary */
	MEDGATE_EA_RATE_LIMITED		= 50,	/* u64, summary records only: records of the
						 * profile dropped for want of tokens, likewise */
	MEDGATE_EA_PREV_POLICY_VERSION	= 51,	/* u64, policy-load records only: the version
						 * in force before the load */
	MEDGATE_EA_REPEATS		= 52,	/* u32, identical events (same task, object,
						 * operation, access, verdict and rule) folded
						 * into this record within its window, before any
						 * reader copied it; absent when none */
	__MEDGATE_EA_MAX
};
#define MEDGATE_EA_MAX (__MEDGATE_EA_MAX - 1)

/** enum medgate_mode - what a profile does with a request its rules do not allow. */
enum medgate_mode {
	MEDGATE_MODE_ENFORCE	= 0,	/* deny and audit */
	MEDGATE_MODE_COMPLAIN	= 1,	/* allow and audit what would have been denied */
	__MEDGATE_MODE_MAX
};

/** enum medgate_verdict - outcome recorded in an audit event. */
enum medgate_verdict {
	MEDGATE_VERDICT_ALLOW		= 0,
	MEDGATE_VERDICT_DENY		= 1,
	MEDGATE_VERDICT_WOULD_DENY	= 2,	/* complain mode */
	__MEDGATE_VERDICT_MAX
};

/** enum medgate_op - the operation an audit event is about. */
enum medgate_op {
	MEDGATE_OP_NONE		= 0,
	MEDGATE_OP_FILE_OPEN	= 1,
	MEDGATE_OP_EXEC		= 2,
	MEDGATE_OP_MMAP		= 3,	/* mmap or mprotect with PROT_EXEC */
	MEDGATE_OP_CREATE	= 4,	/* mknod, open(O_CREAT), mkdir, symlink */
	MEDGATE_OP_DELETE	= 5,	/* unlink, rmdir */
	MEDGATE_OP_RENAME	= 6,
	MEDGATE_OP_LINK		= 7,
	MEDGATE_OP_SETATTR	= 8,	/* chmod, chown, truncate */
	MEDGATE_OP_FILE_RECEIVE	= 9,	/* descriptor received over a unix socket */
	MEDGATE_OP_FCNTL	= 10,	/* O_APPEND cleared with fcntl(F_SETFL) */
	MEDGATE_OP_FILE_INHERITED = 11,	/* read or write through a descriptor opened under other
					 * credentials (inherited across exec, passed by a parent) */
	MEDGATE_OP_NET_CONNECT	= 16,	/* 16..31 reserved for network policy */
	MEDGATE_OP_NET_BIND	= 17,
	MEDGATE_OP_NET_LISTEN	= 18,
	MEDGATE_OP_NET_ACCEPT	= 19,
	MEDGATE_OP_NET_SEND	= 20,
	MEDGATE_OP_NET_CREATE	= 21,
	MEDGATE_OP_CAPABILITY	= 33,	/* 32..47: confinement of root */	/* a denied capability; MEDGATE_EA_ACCESS holds its number */
	MEDGATE_OP_MOUNT	= 34,	/* mount, umount, move_mount, pivot_root; access: the kind */
	MEDGATE_OP_CHROOT	= 35,
	MEDGATE_OP_USERNS	= 36,	/* creating a user namespace */
	MEDGATE_OP_BPF		= 37,	/* the bpf() system call */
	MEDGATE_OP_PTRACE	= 38,	/* ptrace, /proc/PID/mem, process_vm_*, pidfd_getfd of
					 * another task */
	MEDGATE_OP_SIGNAL	= 39,	/* a signal to another task */
	MEDGATE_OP_IOCTL	= 40,	/* an ioctl of a refused request class */
	MEDGATE_OP_NAMESPACE	= 41,	/* setns or unshare of a namespace */
	MEDGATE_OP_KERNEL_LOAD	= 42,	/* kernel module, firmware or kexec image */
	MEDGATE_OP_CONTROL	= 43,	/* medgate's own control plane */
	MEDGATE_OP_DEVICE_NODE	= 44,	/* creating a character or block device node */
	MEDGATE_OP_XATTR	= 45,	/* setting or removing an extended attribute */
	MEDGATE_OP_KEY		= 46,	/* a kernel key or keyring another profile, an
					 * unconfined task or the kernel made
					 * (MEDGATE_EA_KEY_SERIAL) */
	MEDGATE_OP_TIMES	= 47,	/* setting a file's times to chosen values (utimensat
					 * with explicit times, not UTIME_NOW) */
	MEDGATE_OP_URING	= 48,	/* 48..63: helpers acting for a task. An io_uring
					 * instance refused: kept across an exec that changes
					 * the profile (PATH: the program) or received (no PATH) */
	MEDGATE_OP_SUPPRESSED	= 64,	/* 64..: records about medgate itself. A summary
					 * of what the flood limiter counted for a profile
					 * (MEDGATE_EA_SUPPRESSED, MEDGATE_EA_RATE_LIMITED); no
					 * task, no object */
	MEDGATE_OP_POLICY_LOAD	= 65,	/* a policy load (verdict allow) or its refusal
					 * (deny, MEDGATE_EA_ERRNO); the task is the loader,
					 * POLICY_VERSION the version in force after it,
					 * MEDGATE_EA_PREV_POLICY_VERSION the one before,
					 * ACCESS the new policy's number of profiles; never
					 * held back by the flood limiter */
	__MEDGATE_OP_MAX
};

/* File access bits, used in rules and in audit events. */
#define MEDGATE_ACCESS_READ	(1U << 0)	/* r: open for reading */
#define MEDGATE_ACCESS_WRITE	(1U << 1)	/* w: open for writing (includes truncation) */
#define MEDGATE_ACCESS_APPEND	(1U << 2)	/* a: open for appending only */
#define MEDGATE_ACCESS_EXEC	(1U << 3)	/* x: execute */
#define MEDGATE_ACCESS_CREATE	(1U << 4)	/* c: create */
#define MEDGATE_ACCESS_DELETE	(1U << 5)	/* d: unlink, rmdir */
#define MEDGATE_ACCESS_LINK	(1U << 6)	/* l: rename, hard link */
#define MEDGATE_ACCESS_SETATTR	(1U << 7)	/* s: chmod, chown, truncate */
#define MEDGATE_ACCESS_MMAP_EXEC (1U << 8)	/* m: executable memory mapping */
#define MEDGATE_ACCESS_DEVICE_NODE (1U << 9)	/* n: create a character or block device node
						 * (with c) */
#define MEDGATE_ACCESS_ALL	((1U << 10) - 1)
/*
 * Rule table only: the rule is a pattern that a class rule names (a mount point, a mount source,
 * a chroot directory: struct medgate_blob_class's @object and @source). It grants no file access
 * and is never combined with other bits or MEDGATE_RULE_F_DENY; it lives in the profile's file
 * DFA so that one walk over a path finds the file rules and the patterns together.
 */
#define MEDGATE_ACCESS_PATTERN	(1U << 15)

/*
 * The access field of the records of operations that are not file accesses.
 * MEDGATE_OP_CAPABILITY: the capability number, at most MEDGATE_CAP_LAST for class rules.
 */
#define MEDGATE_CAP_LAST	40	/* CAP_CHECKPOINT_RESTORE, the last one of 6.1 and 6.12 */
/* MEDGATE_OP_PTRACE: what the other task is asked for. */
#define MEDGATE_PTRACE_READ	0	/* read its memory, descriptors, /proc files */
#define MEDGATE_PTRACE_TRACE	1	/* attach, write its memory, PTRACE_TRACEME */
/* MEDGATE_OP_SIGNAL: the signal number. MEDGATE_OP_IOCTL: the request's class. */
#define MEDGATE_IOCTL_TERMINAL_INJECTION 0	/* TIOCSTI, TIOCLINUX, console switching
						 * (VT_ACTIVATE, VT_SETACTIVATE), keyboard map
						 * changes (KDSKBENT, KDSKBSENT, KDSETKEYCODE,
						 * KDSKBDIACR, KDSKBDIACRUC) */
/* MEDGATE_OP_XATTR: the attribute's namespace. */
enum medgate_xattr_class {
	MEDGATE_XATTR_USER	= 0,	/* user.* */
	MEDGATE_XATTR_TRUSTED	= 1,	/* trusted.* */
	MEDGATE_XATTR_SECURITY	= 2,	/* security.* */
	MEDGATE_XATTR_ACL	= 3,	/* system.posix_acl_access, system.posix_acl_default */
	MEDGATE_XATTR_OTHER	= 4,	/* anything else */
};
/* MEDGATE_OP_TIMES: 0, the one detail of the timestamps class. */
/*
 * MEDGATE_OP_KEY: the permission asked of a kernel key (or keyring) the task's profile did not
 * make. A key the profile made is never asked about. The kernel's own special checks are mapped
 * to the permission they stand for (docs/decisions.md, "Kernel keys").
 */
enum medgate_key_perm {
	MEDGATE_KEY_VIEW	= 0,	/* its type, description and permissions (KEYCTL_DESCRIBE,
					 * /proc/keys); allowed unless a deny rule says otherwise */
	MEDGATE_KEY_READ	= 1,	/* its payload, or a keyring's list of keys */
	MEDGATE_KEY_WRITE	= 2,	/* update, revoke, instantiate, clear; adding to or
					 * removing from a keyring needs it on the keyring */
	MEDGATE_KEY_SEARCH	= 3,	/* finding it in a keyring search (request_key,
					 * KEYCTL_SEARCH); allowed unless a deny rule says
					 * otherwise */
	MEDGATE_KEY_LINK	= 4,	/* linking it into a keyring */
	MEDGATE_KEY_SETATTR	= 5,	/* owner, permissions, timeout, restriction */
	MEDGATE_KEY_UNLINK	= 6,	/* removing it from a keyring (KEYCTL_UNLINK) */
	__MEDGATE_KEY_RULE_MAX,
	/* Records only, never in a rule: */
	MEDGATE_KEY_CREATE	= 16,	/* a key the profile made could not be recorded as its
					 * own (the table of keys is full): refused */
	MEDGATE_KEY_OTHER	= 17,	/* a permission this version does not know: refused */
	MEDGATE_KEY_SESSION_TO_PARENT = 18, /* KEYCTL_SESSION_TO_PARENT: giving the parent process
					 * the task's session keyring; no rule grants it */
};
#define MEDGATE_KEY_LAST	(__MEDGATE_KEY_RULE_MAX - 1)
/*
 * MEDGATE_OP_NAMESPACE: the namespace type entered (setns) or made (unshare, clone, clone3).
 * A request naming several types is decided, and recorded, one type at a time. Making a user
 * namespace is MEDGATE_OP_USERNS; MEDGATE_NS_USER is joining one with setns().
 */
enum medgate_namespace_type {
	MEDGATE_NS_MNT		= 0,	/* CLONE_NEWNS */
	MEDGATE_NS_UTS		= 1,	/* CLONE_NEWUTS */
	MEDGATE_NS_IPC		= 2,	/* CLONE_NEWIPC */
	MEDGATE_NS_NET		= 3,	/* CLONE_NEWNET */
	MEDGATE_NS_PID		= 4,	/* CLONE_NEWPID */
	MEDGATE_NS_CGROUP	= 5,	/* CLONE_NEWCGROUP */
	MEDGATE_NS_TIME		= 6,	/* CLONE_NEWTIME */
	MEDGATE_NS_USER		= 7,	/* CLONE_NEWUSER, setns() only */
	__MEDGATE_NS_MAX
};
#define MEDGATE_NS_LAST	(__MEDGATE_NS_MAX - 1)
/* MEDGATE_OP_KERNEL_LOAD: what the kernel is asked to load on the task's behalf. */
enum medgate_kernel_load {
	MEDGATE_KLOAD_MODULE	= 0,	/* init_module, finit_module */
	MEDGATE_KLOAD_FIRMWARE	= 1,	/* firmware a driver requests while serving the task */
	MEDGATE_KLOAD_KEXEC	= 2,	/* kexec_load, kexec_file_load: image and initramfs */
	__MEDGATE_KLOAD_MAX
};
#define MEDGATE_KLOAD_LAST	(__MEDGATE_KLOAD_MAX - 1)
/*
 * MEDGATE_OP_MOUNT: what is done to the mount tree. The mount point (or new root) is the record's
 * path; a mount's source is MEDGATE_EA_MOUNT_SOURCE and a new file system's type
 * MEDGATE_EA_FSTYPE. MEDGATE_OP_CHROOT has one detail, 0.
 */
enum medgate_mount_kind {
	MEDGATE_MOUNT_NEW	= 0,	/* mount a new file system (mount(2), fsopen + fsmount) */
	MEDGATE_MOUNT_BIND	= 1,	/* mount --bind, open_tree(OPEN_TREE_CLONE) + move_mount */
	MEDGATE_MOUNT_MOVE	= 2,	/* mount --move, move_mount of an attached mount */
	MEDGATE_MOUNT_REMOUNT	= 3,	/* mount -o remount (flags of the file system or mount) */
	MEDGATE_MOUNT_UMOUNT	= 4,	/* umount */
	MEDGATE_MOUNT_PROPAGATION = 5,	/* mount --make-shared, -private, -slave, -unbindable */
	MEDGATE_MOUNT_PIVOT_ROOT = 6,	/* pivot_root: the path is the new root */
	__MEDGATE_MOUNT_MAX
};
#define MEDGATE_MOUNT_LAST	(__MEDGATE_MOUNT_MAX - 1)
#define MEDGATE_FSTYPE_MAX	32U	/* file system type name, including the NUL */

/* Sentinel for "no rule matched; the profile's default decided". */
#define MEDGATE_RULE_NONE	0xffffffffU
/*
 * Sentinel for "a protected file (MEDGATE_CMD_PROTECT_FILE): refused to every confined task in
 * every mode, whatever the rules".
 */
#define MEDGATE_RULE_PROTECTED	0xfffffffeU
/*
 * The record type of the copies medgate.ko writes into the kernel audit subsystem when its
 * module parameter kernel_audit is set (auditd shows it as UNKNOWN[1490]: it is not a number
 * the kernel assigns). docs/audit-log.md lists the fields.
 */
#define MEDGATE_KERNEL_AUDIT_TYPE	1490
/* Files MEDGATE_CMD_PROTECT_FILE can protect at once. */
#define MEDGATE_MAX_PROTECTED	8U

/* ---- Policy blob (format 4) ---- */

#define MEDGATE_BLOB_MAGIC		0x4250474dU	/* "MGPB" little-endian */
#define MEDGATE_BLOB_FORMAT		4

/* Limits the module enforces; the compiler checks the same ones and reports them by name. */
#define MEDGATE_BLOB_MAX_SIZE		(32U << 20)
#define MEDGATE_MAX_PROFILES		1024U
#define MEDGATE_MAX_RULES		65536U
#define MEDGATE_MAX_ATTACH		4096U
#define MEDGATE_MAX_STATES		(1U << 21)	/* DFA states, all DFAs together */
#define MEDGATE_MAX_TRANS		(1U << 22)	/* DFA transitions, all together */
#define MEDGATE_MAX_ACCEPT		(1U << 22)	/* accept-list entries, all together */
#define MEDGATE_PATH_MAX		4096U
#define MEDGATE_NAME_MAX		64U	/* profile name, including the NUL */

/*
 * A DFA is a contiguous range of the state table. Walking it consumes the path byte by byte from
 * its first state: in the current state, the transition whose [lo, hi] byte range holds the byte
 * gives the next state; no such transition means no rule can match (the walk stops). After the
 * last byte, the state's accept list names every rule (or, for the attachment DFA, every
 * attachment) whose pattern matches the whole path. Cost: path length x log(transitions of a
 * state), whatever the number of rules.
 */
#define MEDGATE_DFA_NONE		0xffffffffU	/* "no DFA" (a profile without rules) */

/*
 * The accept table takes an even number of __u32 slots: an odd n_accept is followed by one zero
 * __u32, so that the class rules after it (with __u64 fields) start 8-byte aligned.
 */
#define MEDGATE_BLOB_ACCEPT_SLOTS(n)	((n) + ((n) & 1U))

/**
 * struct medgate_blob_header - first bytes of a compiled policy.
 * @magic: MEDGATE_BLOB_MAGIC.
 * @format: MEDGATE_BLOB_FORMAT; anything else is refused with -EPROTO.
 * @flags: must be 0.
 * @total_len: size of the whole blob, header included.
 * @n_profiles: entries in the profile table.
 * @n_attach: entries in the attachment table.
 * @n_rules: entries in the rule table.
 * @n_states: entries in the DFA state table (all DFAs).
 * @n_trans: entries in the transition table.
 * @n_accept: entries in the accept table (u32 each).
 * @strtab_len: bytes in the string table, which ends the blob.
 * @attach_dfa: first state of the attachment DFA, or MEDGATE_DFA_NONE without attachments.
 * @attach_states: number of states of the attachment DFA.
 * @n_classes: entries in the class-rule table.
 * @reserved: the network tables' counts: [MEDGATE_HDR_NET_RULES] network rules,
 *            [MEDGATE_HDR_NET_NODES] address-trie nodes, [MEDGATE_HDR_NET_SEGS] port segments.
 * @sha256: SHA-256 of every byte after this header.
 *
 * The tables follow the header in this order: profiles, attachments, rules, DFA states,
 * transitions, accept entries, class rules, network rules, trie nodes, port segments, strings.
 */
struct medgate_blob_header {
	__u32 magic;
	__u16 format;
	__u16 flags;
	__u32 total_len;
	__u32 n_profiles;
	__u32 n_attach;
	__u32 n_rules;
	__u32 n_states;
	__u32 n_trans;
	__u32 n_accept;
	__u32 strtab_len;
	__u32 attach_dfa;
	__u32 attach_states;
	__u32 n_classes;
	__u32 reserved[3];
	__u8  sha256[32];
};

#define MEDGATE_HDR_NET_RULES	0	/* indices into struct medgate_blob_header's reserved[] */
#define MEDGATE_HDR_NET_NODES	1
#define MEDGATE_HDR_NET_SEGS	2

/**
 * struct medgate_blob_profile - one profile.
 * @id: medgate_profile_id() of the name; the module recomputes and compares it.
 * @name_off: string table offset of the name.
 * @mode: enum medgate_mode.
 * @first_attach: index of the first attachment in the attachment table.
 * @n_attach: attachments of this profile (contiguous).
 * @first_rule: index of the first rule in the rule table.
 * @n_rules: rules of this profile (contiguous, in source order).
 * @dfa: first state of this profile's file-rule DFA, or MEDGATE_DFA_NONE when @n_rules is 0.
 * @n_states: states of that DFA (contiguous from @dfa).
 * @first_class: index of the first class rule in the class-rule table.
 * @n_classes: class rules of this profile (contiguous, in source order).
 * @first_net: index of the first network rule in the network-rule table.
 * @n_net: network rules of this profile (contiguous, in source order).
 * @first_node: index of the first node of this profile's address tries.
 * @n_nodes: its trie nodes (contiguous); 0 when @n_net is 0.
 * @net_root: the root node of each trie (enum medgate_net_trie), inside the profile's nodes, or
 *            MEDGATE_NET_NONE when no rule can match requests of that kind.
 */
struct medgate_blob_profile {
	__u64 id;
	__u32 name_off;
	__u32 mode;
	__u32 first_attach;
	__u32 n_attach;
	__u32 first_rule;
	__u32 n_rules;
	__u32 dfa;
	__u32 n_states;
	__u32 first_class;
	__u32 n_classes;
	__u32 first_net;
	__u32 n_net;
	__u32 first_node;
	__u32 n_nodes;
	__u32 net_root[3];
	__u32 net_reserved;
};

/**
 * struct medgate_blob_class - a class rule: what a profile may do beyond file access, for one
 * operation (capabilities, ptrace, signals, ioctl and extended-attribute classes, kernel keys,
 * bpf(), namespaces, mounts, chroot). Inside a profile every such request that no class rule allows is
 * denied.
 * @op: the enum medgate_op it decides: MEDGATE_OP_CAPABILITY, _PTRACE, _SIGNAL, _IOCTL, _XATTR,
 *      _KEY, _NAMESPACE, _KERNEL_LOAD, _BPF, _USERNS, _MOUNT or _CHROOT.
 * @flags: MEDGATE_RULE_F_DENY (an explicit deny: beats allows, enforced in complain mode) and
 *         MEDGATE_RULE_F_AUDIT, or 0.
 * @detail: the details of @op the rule covers, bit N for detail N (never 0): the capability
 *          number; MEDGATE_PTRACE_READ/_TRACE; the signal number modulo 64; the ioctl class
 *          (MEDGATE_IOCTL_*); the extended-attribute class (enum medgate_xattr_class); the bpf()
 *          command (enum bpf_cmd); the namespace type (enum medgate_namespace_type); what is
 *          loaded (enum medgate_kernel_load); the key permission (enum medgate_key_perm, at
 *          most MEDGATE_KEY_LAST); the mount kind (enum medgate_mount_kind); bit 0 for user
 *          namespaces and chroot, which have no detail.
 * @peer: ptrace and signals: the other task's profile id, MEDGATE_PEER_UNCONFINED or
 *        MEDGATE_PEER_ANY; 0 for the other operations.
 * @line: source line.
 * @file_off: string table offset of the source file name.
 * @object: MEDGATE_OP_MOUNT and _CHROOT: index in the rule table of the pattern (a rule of the
 *          same profile with access MEDGATE_ACCESS_PATTERN) the mount point, new root or chroot
 *          directory must match; MEDGATE_RULE_NONE for the other operations.
 * @source: MEDGATE_OP_MOUNT: likewise for the mount's source, or MEDGATE_RULE_NONE when the rule
 *          allows any source (and a source no hook can name: a detached mount attached with
 *          move_mount, a file system made with fsopen); MEDGATE_RULE_NONE for other operations.
 * @fstype_off: MEDGATE_OP_MOUNT: string table offset of a comma-separated list of file system
 *              types a new mount may have, or 0 for any type; 0 for other operations.
 * @reserved: must be 0.
 *
 * A class rule's index in audit records (MEDGATE_EA_RULE) is its index in this table plus the
 * header's n_rules: file rules and class rules are numbered in one sequence.
 */
struct medgate_blob_class {
	__u32 op;
	__u32 flags;
	__u64 detail;
	__u64 peer;
	__u32 line;
	__u32 file_off;
	__u32 object;
	__u32 source;
	__u32 fstype_off;
	__u32 reserved;
};

#define MEDGATE_PEER_UNCONFINED	0ULL		/* the other task is unconfined */
#define MEDGATE_PEER_ANY	(~0ULL)		/* any other task, unconfined or confined */
#define MEDGATE_MAX_CLASSES	65536U

/* Bit 1 in both tables: bit 0 of a rule's flags is MEDGATE_RULE_F_DENY. */
#define MEDGATE_PATTERN_F_GLOB	(1U << 1)	/* the pattern has glob characters */

/**
 * struct medgate_blob_attach - an executable (path or glob) whose exec by an unconfined task
 * enters a profile. The attachment DFA's accept lists hold indices into this table.
 * @pattern_off: string table offset of the pattern, as written (after variable expansion).
 * @flags: MEDGATE_PATTERN_F_*.
 * @line: source line.
 * @file_off: string table offset of the source file name.
 */
struct medgate_blob_attach {
	__u32 pattern_off;
	__u32 flags;
	__u32 line;
	__u32 file_off;
};

#define MEDGATE_RULE_F_DENY	(1U << 0)	/* explicit deny: beats allows, always audited */
#define MEDGATE_RULE_F_GLOB	MEDGATE_PATTERN_F_GLOB
/*
 * Exec rules only (allow rules with MEDGATE_ACCESS_EXEC), at most one of the two. Without
 * either, an exec that moves a confined task to another profile runs as secure-exec (AT_SECURE)
 * and any other exec does not.
 */
#define MEDGATE_RULE_F_SCRUB_ENV (1U << 2)	/* secure-exec for every exec this rule allows */
#define MEDGATE_RULE_F_KEEP_ENV	(1U << 3)	/* never secure-exec, even on a profile change */
/*
 * File and class rules: what the rule allows is recorded too (verdict allow). On a deny rule it
 * changes nothing: denials are always recorded.
 */
#define MEDGATE_RULE_F_AUDIT	(1U << 4)
#define MEDGATE_RULE_F_ALL	((1U << 5) - 1)

/** enum medgate_exec_mode - what an allowed exec does to the profile. */
enum medgate_exec_mode {
	MEDGATE_EXEC_STAY	= 0,	/* the new program stays in the profile */
	MEDGATE_EXEC_MOVE	= 1,	/* the new program moves to @target */
	__MEDGATE_EXEC_MAX
};

/**
 * struct medgate_blob_rule - one file rule. Its identity in decisions and audit records is its
 * index in the rule table together with @file_off and @line.
 * @pattern_off: string table offset of the pattern, as written (after variable expansion).
 * @flags: MEDGATE_RULE_F_*.
 * @access: MEDGATE_ACCESS_* granted (or denied, with MEDGATE_RULE_F_DENY).
 * @exec_mode: enum medgate_exec_mode; meaningful with MEDGATE_ACCESS_EXEC.
 * @target: profile id for MEDGATE_EXEC_MOVE, else 0; must name a profile of the same blob.
 * @line: source line of the rule.
 * @file_off: string table offset of the source file name.
 */
struct medgate_blob_rule {
	__u32 pattern_off;
	__u32 flags;
	__u32 access;
	__u32 exec_mode;
	__u64 target;
	__u32 line;
	__u32 file_off;
};

/**
 * struct medgate_blob_state - one DFA state.
 * @first_trans: index of its first transition.
 * @n_trans: its transitions (contiguous, sorted by @lo, ranges disjoint).
 * @first_accept: index of its first accept entry.
 * @n_accept: its accept entries (contiguous, strictly ascending).
 */
struct medgate_blob_state {
	__u32 first_trans;
	__u32 n_trans;
	__u32 first_accept;
	__u32 n_accept;
};

/**
 * struct medgate_blob_trans - bytes @lo..@hi (inclusive) lead to state @next, an absolute index
 * inside the same DFA's range.
 * @lo: first byte.
 * @hi: last byte, >= @lo.
 * @reserved: must be 0.
 * @next: next state.
 */
struct medgate_blob_trans {
	__u8  lo;
	__u8  hi;
	__u16 reserved;
	__u32 next;
};

/*
 * Network rules. A request (create, connect, bind, listen, accept, send) has an operation, a
 * socket family, type and protocol and, except for create, an address and port: the peer for
 * connect and send, the local one for bind and listen. A rule names sets of each (bit masks of
 * the enums below) and at most one CIDR prefix and one port interval.
 *
 * Lookup does not scan the rules. Each profile has three tries (enum medgate_net_trie): a binary
 * prefix trie per address family, walked one address bit per level from the root, and a single
 * node for requests without an address. A rule sits on the node of its prefix (a rule without an
 * address on the roots); a node's rules are split into sorted, disjoint port segments, each with
 * the ascending lists of the node's deny and allow rules whose port interval covers it (entries of
 * the blob's accept table, after the DFAs' entries). A decision visits at most 33 or 129 nodes, one binary
 * search among a node's segments each, and reads the lists it lands on up to the first rule of
 * each kind that also covers the operation, family, type and protocol: the lowest-numbered deny
 * refuses, else the lowest-numbered allow allows, else the profile's default denies.
 */
#define MEDGATE_NET_NONE	0xffffffffU	/* no node, no child */
#define MEDGATE_MAX_NET_RULES	65536U
#define MEDGATE_MAX_NET_NODES	(1U << 22)
#define MEDGATE_MAX_NET_SEGS	(1U << 22)

/** enum medgate_net_trie - the tries of a profile, by the address a request carries. */
enum medgate_net_trie {
	MEDGATE_NET_TRIE_INET	= 0,	/* IPv4 (and IPv4-mapped IPv6) addresses, 32 levels */
	MEDGATE_NET_TRIE_INET6	= 1,	/* IPv6 addresses, 128 levels */
	MEDGATE_NET_TRIE_NOADDR	= 2,	/* requests without an address: one node, no children */
	__MEDGATE_NET_TRIE_MAX
};

/* Bits of a network rule's ops mask: bit (op - MEDGATE_OP_NET_CONNECT) for each MEDGATE_OP_NET_*. */
#define MEDGATE_NET_OPS_ALL	((1U << (MEDGATE_OP_NET_CREATE - MEDGATE_OP_NET_CONNECT + 1)) - 1)

/** enum medgate_net_family - socket families as rules name them (bit N of a families mask). */
enum medgate_net_family {
	MEDGATE_NET_FAMILY_INET		= 0,	/* AF_INET */
	MEDGATE_NET_FAMILY_INET6	= 1,	/* AF_INET6 */
	MEDGATE_NET_FAMILY_UNIX		= 2,	/* AF_UNIX */
	MEDGATE_NET_FAMILY_NETLINK	= 3,	/* AF_NETLINK */
	MEDGATE_NET_FAMILY_PACKET	= 4,	/* AF_PACKET */
	MEDGATE_NET_FAMILY_OTHER	= 5,	/* any other family: only rules naming no family */
	__MEDGATE_NET_FAMILY_MAX
};
#define MEDGATE_NET_FAMILIES_ALL	((1U << __MEDGATE_NET_FAMILY_MAX) - 1)

/** enum medgate_net_type - socket types (bit N of a types mask). */
enum medgate_net_type {
	MEDGATE_NET_TYPE_STREAM		= 0,	/* SOCK_STREAM */
	MEDGATE_NET_TYPE_DGRAM		= 1,	/* SOCK_DGRAM */
	MEDGATE_NET_TYPE_RAW		= 2,	/* SOCK_RAW */
	MEDGATE_NET_TYPE_SEQPACKET	= 3,	/* SOCK_SEQPACKET */
	MEDGATE_NET_TYPE_OTHER		= 4,	/* any other type */
	__MEDGATE_NET_TYPE_MAX
};
#define MEDGATE_NET_TYPES_ALL		((1U << __MEDGATE_NET_TYPE_MAX) - 1)

/** enum medgate_net_proto - protocols (bit N of a protocols mask). */
enum medgate_net_proto {
	MEDGATE_NET_PROTO_TCP		= 0,	/* IPPROTO_TCP */
	MEDGATE_NET_PROTO_UDP		= 1,	/* IPPROTO_UDP */
	MEDGATE_NET_PROTO_ICMP		= 2,	/* IPPROTO_ICMP */
	MEDGATE_NET_PROTO_ICMPV6	= 3,	/* IPPROTO_ICMPV6 */
	MEDGATE_NET_PROTO_OTHER		= 4,	/* any other protocol, and none (unix, netlink) */
	__MEDGATE_NET_PROTO_MAX
};
#define MEDGATE_NET_PROTOS_ALL		((1U << __MEDGATE_NET_PROTO_MAX) - 1)

/**
 * struct medgate_blob_net - one network rule. Its number in audit records is its index in this
 * table plus the header's n_rules and n_classes (one sequence with file and class rules).
 * @flags: 0 or MEDGATE_RULE_F_DENY.
 * @ops: operations covered, bit (op - MEDGATE_OP_NET_CONNECT); never 0.
 * @families: enum medgate_net_family bits; never 0.
 * @types: enum medgate_net_type bits; never 0.
 * @protos: enum medgate_net_proto bits; never 0.
 * @trie: enum medgate_net_trie of @addr, or MEDGATE_NET_TRIE_NOADDR for a rule without one.
 * @prefix_len: bits of @addr that count (at most 32 for IPv4, 128 for IPv6, 0 without address).
 * @reserved: must be 0.
 * @addr: the address, network byte order (IPv4 in the first 4 bytes); bits past @prefix_len are 0.
 * @port_lo: first port covered.
 * @port_hi: last port covered, >= @port_lo (0..65535 for a rule without ports).
 * @line: source line.
 * @file_off: string table offset of the source file name.
 *
 * The matcher never reads @trie, @prefix_len or @addr: the rule's place in the trie encodes them.
 * They are there for audit records, policy show and reviewers.
 */
struct medgate_blob_net {
	__u32 flags;
	__u32 ops;
	__u16 families;
	__u8  types;
	__u8  protos;
	__u8  trie;
	__u8  prefix_len;
	__u16 reserved;
	__u8  addr[16];
	__u16 port_lo;
	__u16 port_hi;
	__u32 line;
	__u32 file_off;
};

/**
 * struct medgate_blob_net_node - one node of an address trie.
 * @child: the nodes one level down for address bit 0 and 1, or MEDGATE_NET_NONE; a child's
 *         index is greater than its parent's, inside the same profile's nodes.
 * @first_seg: index of the node's first port segment.
 * @n_seg: its port segments (contiguous, sorted, disjoint); 0 when no rule ends here.
 * @depth: the node's level (0 for a root), one more than its parent's.
 * @reserved: must be 0.
 */
struct medgate_blob_net_node {
	__u32 child[2];
	__u32 first_seg;
	__u32 n_seg;
	__u16 depth;
	__u16 reserved;
};

/**
 * struct medgate_blob_net_seg - ports @lo..@hi (inclusive) of a node: the network rules there
 * whose port interval covers all of them, deny rules first.
 * @lo: first port.
 * @hi: last port, >= @lo, below the next segment's @lo.
 * @first_accept: index of the first entry in the accept table (network rule indices).
 * @n_deny: the deny rules, the first entries (strictly ascending, rules of the node's profile).
 * @n_allow: the allow rules, the entries after them (likewise); @n_deny + @n_allow is never 0.
 *
 * Two runs let a decision stop at the first covering rule of each kind: the lowest-numbered one
 * is the one that counts, however many rules share the node and the ports.
 */
struct medgate_blob_net_seg {
	__u16 lo;
	__u16 hi;
	__u32 first_accept;
	__u32 n_deny;
	__u32 n_allow;
};

#endif /* _UAPI_LINUX_MEDGATE_H */

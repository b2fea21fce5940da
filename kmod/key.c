// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel keys and keyrings, exported as the kfuncs of the key_permission and key_alloc hooks.
 *
 * Every root process possesses root's user keyring through the user session keyring, so without
 * this a confined root service reads (and links, updates, revokes) the keys an unconfined process
 * keeps there. Keys carry no label medgate can read: the BPF side records, at key_alloc, which
 * profile made each key (a hash map keyed by the key's address, bounded, emptied at key free),
 * and lets a confined task use the keys its own profile made without asking. Every other key is
 * decided here by the profile's key class rules, recorded as op key with the key's serial and
 * the permission asked:
 *  - search and view pass unless a deny rule names them: the kernel's own keyrings (module
 *    signatures, the regulatory database) need search, and neither reveals a payload;
 *  - read, write, link, setattr and unlink are refused unless a rule grants them; complain mode
 *    reports and allows.
 *
 * The kernel's special permission values (security/keys/permission.c passes them to the hook
 * without checking the key's permission bits):
 *  - KEY_DEFER_PERM_CHECK is a lookup whose real check follows on the same key
 *    (keyctl_read_key() asks KEY_NEED_READ next): it passes, so that a read is decided as read;
 *  - KEY_SYSADMIN_OVERRIDE lets CAP_SYS_ADMIN invalidate or clear the kernel's caches (DNS
 *    resolver, NFS id mapper): decided as write, which is what it does;
 *  - KEY_AUTHTOKEN_OVERRIDE lets the holder of an instantiation authorisation describe the key
 *    under construction, set its timeout or read its security label: decided as setattr, the
 *    strongest of these;
 *  - KEY_NEED_UNLINK is the key to be removed from a keyring (the keyring needs write): unlink;
 *  - KEY_NEED_UNSPECIFIED never reaches the hook (key_task_permission() refuses it first); it,
 *    and any value a later kernel adds, is refused in every mode and recorded as "other".
 *
 * Some keyctl commands ask only for search permission, which passes for another's key:
 * KEYCTL_INVALIDATE destroys the key, KEYCTL_PKEY_SIGN and KEYCTL_PKEY_DECRYPT use an asymmetric
 * key's private half. The hook is not told the command, so it is read from the task's system
 * call (keyctl(2)'s arguments, native or 32-bit), and the search asked of the key the command
 * acts on is decided as write (invalidate) or read (sign, decrypt). Only that key's: the lookup
 * also searches the task's keyrings to learn whether it possesses the key, and refusing that
 * walk would refuse nothing more and record the keyrings instead of the key. The key
 * KEYCTL_INVALIDATE acts on is its second argument, a register (a serial, or a negative
 * special id, which the kernel resolves without a walk); the key of a pkey command is named in
 * memory the task can change meanwhile, so there every search of a key that is not a keyring
 * (keyrings have no private half) stands for the command.
 *
 * KEYCTL_SESSION_TO_PARENT gives the task's session keyring to its parent process, which asks
 * the keyring only for link permission: a confined service would hand an unconfined parent (a
 * shell, a launcher) a keyring the profile owns, fill it with keys of its choosing for the
 * parent to find, and clear whatever the parent later keeps there. The BPF side asks about links
 * of the profile's own keys too (flag MEDGATE_KEY_F_OWN), and a link during that command is
 * decided as "session_to_parent", which no rule grants: refused, or reported in complain mode.
 */
#include <asm/syscall.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/key.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <medgate/label.h>
#include "decide.h"

/* keyctl(2)'s number for the system call ABI the task uses now; -1 where it is not known. */
static long keyctl_nr(void)
{
	if (!in_compat_syscall())
		return __NR_keyctl;
#if defined(CONFIG_X86_64) && defined(CONFIG_COMPAT)
	if (in_x32_syscall())
		return __X32_SYSCALL_BIT | __NR_keyctl;
	return 288;	/* i386's keyctl, arch/x86/entry/syscalls/syscall_32.tbl */
#elif defined(CONFIG_ARM64) && defined(CONFIG_COMPAT)
	return 311;	/* 32-bit ARM's keyctl, arch/arm/tools/syscall.tbl */
#else
	return -1;
#endif
}

/*
 * The keyctl(2) command the current task is running and its second argument, or false when it
 * is not in keyctl(2).
 */
static bool keyctl_command(u32 *cmd, long *arg2)
{
	struct pt_regs *regs;
	unsigned long args[6];
	long nr = keyctl_nr();

	if (nr < 0 || (current->flags & (PF_KTHREAD | PF_IO_WORKER)))
		return false;
	regs = task_pt_regs(current);
	if (syscall_get_nr(current, regs) != nr)
		return false;
	syscall_get_arguments(current, regs, args);
	*cmd = (u32)args[0];
	*arg2 = in_compat_syscall() ? (long)(s32)args[1] : (long)args[1];
	return true;
}

/* A search that stands for more: see the comment at the top. */
static u32 search_of_command(u32 serial, bool keyring)
{
	long arg2;
	u32 cmd;

	if (!keyctl_command(&cmd, &arg2))
		return MEDGATE_KEY_SEARCH;
	switch (cmd) {
	case KEYCTL_INVALIDATE:
		if ((s32)arg2 < 0 || (u32)arg2 == serial)
			return MEDGATE_KEY_WRITE;
		break;
	case KEYCTL_PKEY_SIGN:
	case KEYCTL_PKEY_DECRYPT:
		if (!keyring)
			return MEDGATE_KEY_READ;
		break;
	}
	return MEDGATE_KEY_SEARCH;
}

/* A link asked by KEYCTL_SESSION_TO_PARENT stands for handing the keyring to the parent. */
static u32 link_of_command(void)
{
	long arg2;
	u32 cmd;

	if (keyctl_command(&cmd, &arg2) && cmd == KEYCTL_SESSION_TO_PARENT)
		return MEDGATE_KEY_SESSION_TO_PARENT;
	return MEDGATE_KEY_LINK;
}

/* The permission a key_permission call asks, as a class detail; -1: nothing to decide. */
static int key_perm(u32 need_perm, u32 serial, bool keyring)
{
	switch (need_perm) {
	case KEY_NEED_VIEW:		return MEDGATE_KEY_VIEW;
	case KEY_NEED_READ:		return MEDGATE_KEY_READ;
	case KEY_NEED_WRITE:		return MEDGATE_KEY_WRITE;
	case KEY_NEED_SEARCH:		return search_of_command(serial, keyring);
	case KEY_NEED_LINK:		return link_of_command();
	case KEY_NEED_SETATTR:		return MEDGATE_KEY_SETATTR;
	case KEY_NEED_UNLINK:		return MEDGATE_KEY_UNLINK;
	case KEY_SYSADMIN_OVERRIDE:	return MEDGATE_KEY_WRITE;
	case KEY_AUTHTOKEN_OVERRIDE:	return MEDGATE_KEY_SETATTR;
	case KEY_DEFER_PERM_CHECK:	return -1;
	}
	return MEDGATE_KEY_OTHER;
}

/* Search and view of another's key pass unless a deny rule names them. */
static bool passes_by_default(u32 perm)
{
	return perm == MEDGATE_KEY_VIEW || perm == MEDGATE_KEY_SEARCH;
}

static int decide_key(const struct medgate_decision *d, const struct medgate_request *req)
{
	struct medgate_match m = { .rule = MEDGATE_RULE_NONE };

	if (d->prof && req->access != MEDGATE_KEY_OTHER) {
		medgate_match_class(&d->pol->view, d->prof, req->op, req->access, 0, &m);
		if (m.allowed)
			return 0;
		if (!m.explicit_deny && passes_by_default(req->access))
			return 0;
		if (!m.explicit_deny && d->prof->mode == MEDGATE_MODE_COMPLAIN) {
			medgate_report(d, req, &m, MEDGATE_VERDICT_WOULD_DENY, 0);
			return 0;
		}
	}
	medgate_report(d, req, &m, MEDGATE_VERDICT_DENY, -EPERM);
	return -EPERM;
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/**
 * medgate_key_permission() - may the current task use, as @need_perm asks, a key its profile
 * did not make?
 * @cred: the credentials the kernel checks (the hook's argument; the 6.12 verifier takes hook
 *        pointers for non-NULL, so it is tested here).
 * @serial: the key's serial number, for the audit record.
 * @need_perm: the kernel's enum key_need_perm.
 * @flags: MEDGATE_KEY_F_KEYRING when the key is a keyring, MEDGATE_KEY_F_OWN when the task's
 *         profile made it (the BPF side asks about those only for links).
 * @profile: the task's profile.
 *
 * The error is -EPERM, not -EACCES: keyctl_read_key() takes -EACCES from the permission check
 * as "try possession instead" and reads a possessed key anyway.
 *
 * Return: 0 or -EPERM.
 */
noinline int medgate_key_permission(const struct cred *cred, u32 serial, u32 need_perm,
				    u32 flags, u64 profile)
{
	struct medgate_request req = { .op = MEDGATE_OP_KEY, .key_serial = serial };
	struct medgate_decision d;
	int perm, ret;

	if (!medgate_kfunc_callable(profile, cred))
		return -EPERM;
	perm = key_perm(need_perm, serial, flags & MEDGATE_KEY_F_KEYRING);
	if (perm < 0)
		return 0;
	if ((flags & MEDGATE_KEY_F_OWN) && perm != MEDGATE_KEY_SESSION_TO_PARENT)
		return 0;
	req.access = perm;
	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	ret = decide_key(&d, &req);
	medgate_decision_exit(&d);
	return ret;
}

/**
 * medgate_key_alloc() - a key the current task makes could not be recorded as its profile's.
 * @profile: the task's profile.
 *
 * The BPF side calls this when its table of keys is full. Such a key would not be the profile's
 * own, so the task could not use what it made: refused (-EDQUOT, the kernel's answer to a full
 * key quota) and recorded as op key, permission "create"; complain mode reports and lets the
 * key be made, its uses then being decided (and reported) as another's.
 *
 * Return: 0 (complain mode) or -EDQUOT.
 */
noinline int medgate_key_alloc(u64 profile)
{
	struct medgate_request req = { .op = MEDGATE_OP_KEY, .access = MEDGATE_KEY_CREATE };
	struct medgate_match m = { .rule = MEDGATE_RULE_NONE };
	struct medgate_decision d;
	int ret = -EDQUOT;

	if (!medgate_kfunc_callable(profile, true))
		return -EDQUOT;
	if (!medgate_decision_enter(&d, profile))
		return -EDQUOT;
	if (d.prof && d.prof->mode == MEDGATE_MODE_COMPLAIN)
		ret = 0;
	medgate_report(&d, &req, &m, ret ? MEDGATE_VERDICT_DENY : MEDGATE_VERDICT_WOULD_DENY, ret);
	medgate_decision_exit(&d);
	return ret;
}

__diag_pop();

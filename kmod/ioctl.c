// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl, exported as the kfunc of the file_ioctl and file_ioctl_compat hooks. Most requests act
 * on what the descriptor was opened for and need no decision of their own; two kinds reach past
 * it and are decided here:
 *  - terminal injection (TIOCSTI, TIOCLINUX): characters pushed into a terminal's input are read
 *    by whoever reads that terminal, typically the unconfined shell that started the service, and
 *    run with its rights. No file rule can grant it: refused in a profile and audited (op ioctl,
 *    the terminal's path), complain mode reports and allows. The same class holds what makes the
 *    operator's own keys type elsewhere or type something else: switching the active virtual
 *    console (VT_ACTIVATE, VT_SETACTIVATE; the next keys go to a console the task may hold open)
 *    and rewriting the keyboard map (KDSKBENT, KDSKBSENT for a function key's string, which is
 *    typed when the key is pressed, KDSETKEYCODE, KDSKBDIACR, KDSKBDIACRUC);
 *  - file attributes (FS_IOC_SETFLAGS and friends): immutable, append-only, no-atime, project
 *    ids. They change the file for everyone, even through a read-only descriptor, so they need s
 *    on the file's path, as chmod does (op setattr).
 * The BPF side calls this only for those requests; anything else is allowed there at once.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <asm/ioctls.h>
#include "decide.h"

/*
 * Request classes: terminal injection is recorded as op ioctl with its class (the uapi's
 * MEDGATE_IOCTL_*) in the access field; file attributes as op setattr, access s.
 */
enum medgate_ioctl_class {
	IOCTL_OTHER,
	IOCTL_TERMINAL_INJECTION,
	IOCTL_FILE_ATTRIBUTES,
};

static enum medgate_ioctl_class ioctl_class(unsigned int cmd)
{
	switch (cmd) {
	case TIOCSTI:
	case TIOCLINUX:
	case VT_ACTIVATE:
	case VT_SETACTIVATE:
	case KDSKBENT:
	case KDSKBSENT:
	case KDSETKEYCODE:
	case KDSKBDIACR:
	case KDSKBDIACRUC:
		return IOCTL_TERMINAL_INJECTION;
	case FS_IOC_SETFLAGS:		/* the 32-bit forms: what a compat task passes */
	case FS_IOC32_SETFLAGS:
	case FS_IOC_SETVERSION:
	case FS_IOC32_SETVERSION:
	case FS_IOC_FSSETXATTR:
		return IOCTL_FILE_ATTRIBUTES;
	}
	return IOCTL_OTHER;
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global for BTF but have no callers in C");

/**
 * medgate_file_ioctl() - may the current task issue @cmd on @file?
 * @file: the descriptor's file.
 * @cmd: the request, native or compat.
 * @profile: the task's profile.
 *
 * Return: 0 to allow, -EACCES (no s for file attributes) or -EPERM (terminal injection, or
 * called outside a confined task) to deny.
 */
noinline int medgate_file_ioctl(struct file *file, u32 cmd, u64 profile)
{
	enum medgate_ioctl_class class = ioctl_class(cmd);
	struct medgate_request req = { .op = MEDGATE_OP_IOCTL };
	struct medgate_decision d;
	struct medgate_match m;
	int ret;

	if (!medgate_kfunc_callable(profile, file))
		return -EPERM;
	if (class == IOCTL_OTHER)
		return 0;
	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	req.inode = file_inode(file);
	req.path = medgate_path_resolve(&file->f_path, d.bufs->src);
	if (class == IOCTL_FILE_ATTRIBUTES) {
		req.op = MEDGATE_OP_SETATTR;
		req.access = MEDGATE_ACCESS_SETATTR;
		ret = medgate_decide(&d, &req, &m);
	} else {
		req.access = MEDGATE_IOCTL_TERMINAL_INJECTION;
		if (IS_ERR(req.path))
			req.path = NULL;
		ret = medgate_decide_class(&d, &req, false);
	}
	medgate_decision_exit(&d);
	return ret;
}

__diag_pop();

// SPDX-License-Identifier: GPL-2.0
/*
 * The decision shared by every hook: enter (this CPU's path buffers, one policy snapshot, the
 * task's profile looked up once), match, mode, audit, exit. The verdict and the policy version
 * in its audit record always come from the same snapshot, even while a load replaces the policy.
 *
 * Fail-closed choices, documented in docs/decisions.md:
 *  - a path that could not be resolved is denied and audited, in every mode;
 *  - a task whose profile is not in the current policy (removed by a later load, or no policy at
 *    all) is denied everything and audited with an empty profile name;
 *  - explicit deny rules deny in complain mode too.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/capability.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/rcupdate.h>
#include "audit.h"
#include "decide.h"
#include "protect.h"

/**
 * medgate_decision_enter() - start a decision for the task whose profile is @profile_id.
 * @d: filled in; pass it to medgate_decision_exit() when the function returns true.
 * @profile_id: the task's profile id.
 *
 * The path buffers are per CPU and used with preemption disabled, so a second decision on the
 * same CPU can only be one nested inside this one (a tracing program calling a kfunc from a
 * function this decision calls): that one is refused instead of overwriting the buffers.
 *
 * Return: false when a decision is already running on this CPU (the caller denies with -EPERM).
 */
bool medgate_decision_enter(struct medgate_decision *d, u64 profile_id)
{
	d->bufs = medgate_path_buffers_get();
	if (!d->bufs)
		return false;
	d->profile_id = profile_id;
	rcu_read_lock();
	d->pol = medgate_policy_current();
	d->prof = d->pol ? medgate_blob_find_profile(&d->pol->view, profile_id) : NULL;
	return true;
}

void medgate_decision_exit(struct medgate_decision *d)
{
	rcu_read_unlock();
	medgate_path_buffers_put();
}

void medgate_report(const struct medgate_decision *d, const struct medgate_request *req,
		    const struct medgate_match *m, u32 verdict, int err)
{
	const struct medgate_policy *pol = d->pol;
	bool no_path = IS_ERR_OR_NULL(req->path);
	struct medgate_audit_req a = {
		.policy_version = pol ? pol->version : 0,
		.profile_id = d->profile_id,
		.profile = d->prof ? pol->view.strtab + d->prof->name_off : NULL,
		.mode = d->prof ? d->prof->mode : MEDGATE_MODE_ENFORCE,
		.verdict = verdict,
		.op = req->op,
		.access = req->access,
		.rule = m ? m->rule : MEDGATE_RULE_NONE,
		.line = m ? m->line : 0,
		.err = err < 0 ? -err : 0,
		.path = no_path ? req->dir : req->path,
		.unnamed = no_path && req->dir,
		.source = IS_ERR(req->source) ? NULL : req->source,
		.fstype = req->fstype,
		.exe = medgate_path_exe(d->bufs->exe),
		.key_serial = req->key_serial,
	};

	if (req->has_peer) {
		const struct medgate_blob_profile *peer =
			pol && req->peer ? medgate_blob_find_profile(&pol->view, req->peer) : NULL;

		a.peer_pid = req->peer_pid;
		a.peer_profile_id = req->peer;
		a.peer_profile = peer ? pol->view.strtab + peer->name_off : NULL;
	}
	if (req->inode) {
		a.dev = new_encode_dev(req->inode->i_sb->s_dev);
		a.ino = req->inode->i_ino;
	}
	if (m && m->rule != MEDGATE_RULE_NONE)
		a.rule_file = m->file;
	medgate_audit_emit(&a);
}

/* Is @path @dir or below it? */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !IS_ERR_OR_NULL(path) && !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/*
 * What would let a confined task change or switch off medgate: loading policy (CAP_MAC_ADMIN),
 * bpf() (detaching the programs, writing the labels), module loading and unloading, kexec, the
 * capabilities that
 * write kernel memory or replace the kernel, mounts (unmounting the BPF file system drops the
 * pinned programs), changes under the BPF file system, and writes to the module's parameters
 * (/sys/module/medgate: kernel_audit). Complain mode does not allow these:
 * one complain-mode profile could otherwise turn enforcement off for every profile. Only an
 * explicit rule grants them.
 */
static bool control_plane(const struct medgate_request *req)
{
	switch (req->op) {
	case MEDGATE_OP_BPF:
	case MEDGATE_OP_MOUNT:
		return true;
	case MEDGATE_OP_KERNEL_LOAD:
		/* A module or a new kernel replaces medgate; firmware only feeds a device. */
		return req->access != MEDGATE_KLOAD_FIRMWARE;
	case MEDGATE_OP_CAPABILITY:
		switch (req->access) {
		case CAP_MAC_ADMIN:
		case CAP_MAC_OVERRIDE:
		case CAP_SYS_MODULE:
		case CAP_BPF:
		case CAP_SYS_ADMIN:
		case CAP_SYS_RAWIO:
		case CAP_SYS_BOOT:
			return true;
		}
		return false;
	}
	if (req->access & (MEDGATE_ACCESS_READ | MEDGATE_ACCESS_EXEC | MEDGATE_ACCESS_MMAP_EXEC))
		if (!(req->access & ~(MEDGATE_ACCESS_READ | MEDGATE_ACCESS_EXEC |
				      MEDGATE_ACCESS_MMAP_EXEC)))
			return false;
	if (req->inode && req->inode->i_sb->s_magic == BPF_FS_MAGIC)
		return true;
	return path_under(req->path, "/sys/fs/bpf") || path_under(req->path, "/sys/module/medgate");
}

/**
 * medgate_decide() - decide @req for the task of @d by its profile's rules, and audit a refusal.
 * @d: the decision entered with medgate_decision_enter().
 * @req: the request; its path must be resolved (an ERR_PTR is denied).
 * @m: the match, for callers that need the exec disposition; zeroed on errors.
 *
 * Return: 0 to allow, -EACCES to deny.
 */
int medgate_decide(const struct medgate_decision *d, const struct medgate_request *req,
		   struct medgate_match *m)
{
	memset(m, 0, sizeof(*m));
	m->rule = MEDGATE_RULE_NONE;

	if (!d->prof || IS_ERR_OR_NULL(req->path)) {
		medgate_report(d, req, m, MEDGATE_VERDICT_DENY, -EACCES);
		return -EACCES;
	}
	/* medgated's signing key: in every mode, whatever the rules (kmod/protect.c). */
	if (req->inode && medgate_inode_protected(req->inode)) {
		m->rule = MEDGATE_RULE_PROTECTED;
		medgate_report(d, req, m, MEDGATE_VERDICT_DENY, -EACCES);
		return -EACCES;
	}

	medgate_match_file(&d->pol->view, d->prof, req->path, req->access, m);
	if (!m->allowed && req->any && !m->explicit_deny) {
		u32 bit;

		for (bit = 1; bit && !m->allowed; bit <<= 1) {
			if (!(req->access & bit))
				continue;
			medgate_match_file(&d->pol->view, d->prof, req->path, bit, m);
			if (m->explicit_deny)
				break;
		}
	}
	if (m->allowed) {
		if (m->audit)
			medgate_report(d, req, m, MEDGATE_VERDICT_ALLOW, 0);
		return 0;
	}
	if (d->prof->mode == MEDGATE_MODE_COMPLAIN && !m->explicit_deny && !control_plane(req)) {
		medgate_report(d, req, m, MEDGATE_VERDICT_WOULD_DENY, 0);
		return 0;
	}
	medgate_report(d, req, m, MEDGATE_VERDICT_DENY, -EACCES);
	return -EACCES;
}

/**
 * medgate_decide_class() - decide a request of a class (the task-level operations, ptrace,
 * signals, ioctl and extended-attribute classes) by the profile's class rules, and audit a
 * refusal.
 * @d: the decision entered with medgate_decision_enter().
 * @req: the request: @req->op, @req->access (the detail), @req->peer; @req->path, when set, is
 *       only recorded, except for mounts and chroot, whose paths the rules match.
 * @quiet: the kernel only probes (PTRACE_MODE_NOAUDIT, CAP_OPT_NOAUDIT): decide without a record.
 *
 * An explicit deny refuses in every mode; without an allow rule complain mode reports and allows,
 * except for the control plane.
 *
 * Return: 0 or -EPERM.
 */
int medgate_decide_class(const struct medgate_decision *d, const struct medgate_request *req,
			 bool quiet)
{
	struct medgate_match m = { .rule = MEDGATE_RULE_NONE };

	if (d->prof && (req->op == MEDGATE_OP_MOUNT || req->op == MEDGATE_OP_CHROOT)) {
		struct medgate_mount_query q = {
			.op = req->op, .kind = req->access,
			.object = IS_ERR(req->path) ? NULL : req->path,
			.object_later = req->object_later,
			.source = IS_ERR(req->source) ? NULL : req->source,
			.source_unsure = req->source_unsure, .fstype = req->fstype,
		};

		medgate_match_mount(&d->pol->view, d->prof, &q, &m);
	} else if (d->prof) {
		medgate_match_class(&d->pol->view, d->prof, req->op, req->access, req->peer, &m);
	}
	if (m.allowed) {
		if (m.audit && !quiet)
			medgate_report(d, req, &m, MEDGATE_VERDICT_ALLOW, 0);
		return 0;
	}
	if (d->prof && d->prof->mode == MEDGATE_MODE_COMPLAIN && !m.explicit_deny &&
	    !control_plane(req)) {
		if (!quiet)
			medgate_report(d, req, &m, MEDGATE_VERDICT_WOULD_DENY, 0);
		return 0;
	}
	if (!quiet)
		medgate_report(d, req, &m, MEDGATE_VERDICT_DENY, -EPERM);
	return -EPERM;
}

/**
 * medgate_decide_class_once() - a whole decision of a request of a class that needs no path:
 * enter, medgate_decide_class(), exit.
 * @profile: the task's profile id.
 * @req: the request.
 * @quiet: as for medgate_decide_class().
 *
 * Return: 0 or -EPERM (also when a decision is already running on this CPU).
 */
int medgate_decide_class_once(u64 profile, const struct medgate_request *req, bool quiet)
{
	struct medgate_decision d;
	int ret;

	if (!medgate_decision_enter(&d, profile))
		return -EPERM;
	ret = medgate_decide_class(&d, req, quiet);
	medgate_decision_exit(&d);
	return ret;
}

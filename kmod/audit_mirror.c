// SPDX-License-Identifier: GPL-2.0
/*
 * An optional copy of every record medgate makes into the kernel's audit subsystem, for devices
 * whose fleet already collects auditd logs (module parameter kernel_audit, off by default; the
 * record type is MEDGATE_KERNEL_AUDIT_TYPE). It is a copy: medgate's own ring, sequence numbers
 * and medgated's signed log stay the record of truth, and what the audit subsystem drops (its
 * backlog limit, its rate limit, audit=0) it counts in its own "lost", not in medgate's.
 *
 * Only records that pass the flood limiter are copied, so a flood costs the audit subsystem no
 * more than it costs the ring. Strings that come from the task or the file system (paths, comm,
 * the executable, profile names) are written as the audit subsystem writes such strings: quoted
 * when they hold only printable characters other than '"' and space, hexadecimal otherwise, so
 * that a file name cannot forge a field. (The kernel's own helper for this is not exported.)
 */
#include <linux/audit.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <uapi/linux/medgate.h>
#include "audit_mirror.h"

static bool kernel_audit;
module_param(kernel_audit, bool, 0644);
MODULE_PARM_DESC(kernel_audit, "copy every audit record into the kernel audit subsystem "
		 "(type 1490) as well (default: no)");

static bool needs_hex(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s < 0x21 || *s > 0x7e)
			return true;
	return false;
}

/* " KEY=\"VALUE\"" or " KEY=HEX", as auditd expects untrusted strings. */
static void log_string(struct audit_buffer *ab, const char *key, const char *s)
{
	size_t len, off, n;

	if (!s)
		s = "";
	if (!needs_hex(s)) {
		audit_log_format(ab, " %s=\"%s\"", key, s);
		return;
	}
	audit_log_format(ab, " %s=", key);
	len = strlen(s);
	/* Upper-case hexadecimal, as the audit subsystem writes it, 64 bytes at a time. */
	for (off = 0; off < len; off += n) {
		char hex[2 * 64 + 1], *h = hex;
		size_t i;

		n = min_t(size_t, len - off, 64);
		for (i = 0; i < n; i++)
			h = hex_byte_pack_upper(h, s[off + i]);
		*h = '\0';
		audit_log_format(ab, "%s", hex);
	}
}

static const char *verdict_name(u32 verdict)
{
	switch (verdict) {
	case MEDGATE_VERDICT_ALLOW:
		return "allow";
	case MEDGATE_VERDICT_DENY:
		return "deny";
	case MEDGATE_VERDICT_WOULD_DENY:
		return "would_deny";
	}
	return "unknown";
}

/**
 * medgate_audit_mirror() - copy one record into the kernel audit subsystem, when enabled.
 * @req: the record's content.
 * @seq: the sequence number the ring gave it.
 * @comm: the task's comm.
 *
 * Context: any (hooks may run in atomic context); allocates with GFP_ATOMIC, never waits.
 */
void medgate_audit_mirror(const struct medgate_audit_req *req, u64 seq, const char *comm)
{
	struct audit_buffer *ab;

	if (!READ_ONCE(kernel_audit))
		return;
	ab = audit_log_start(audit_context(), GFP_ATOMIC, MEDGATE_KERNEL_AUDIT_TYPE);
	if (!ab)
		return;	/* audit disabled, or its backlog full: it counts that itself */
	audit_log_format(ab, "medgate_seq=%llu verdict=%s op=%u access=%u",
			 (unsigned long long)seq, verdict_name(req->verdict), req->op, req->access);
	log_string(ab, "profile", req->profile);
	audit_log_format(ab, " mode=%s pid=%d uid=%u gid=%u",
			 req->mode == MEDGATE_MODE_COMPLAIN ? "complain" : "enforce",
			 task_tgid_nr(current), from_kuid(&init_user_ns, current_uid()),
			 from_kgid(&init_user_ns, current_gid()));
	log_string(ab, "comm", comm);
	log_string(ab, "exe", req->exe);
	log_string(ab, "path", req->path);
	if (req->rule == MEDGATE_RULE_NONE)
		audit_log_format(ab, " rule=default");
	else if (req->rule == MEDGATE_RULE_PROTECTED)
		audit_log_format(ab, " rule=protected");
	else
		audit_log_format(ab, " rule=%u line=%u", req->rule, req->line);
	audit_log_format(ab, " policy_version=%016llx", (unsigned long long)req->policy_version);
	audit_log_end(ab);
}

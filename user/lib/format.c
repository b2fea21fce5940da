// SPDX-License-Identifier: GPL-2.0
/*
 * Names of uapi values and the one formatter of audit events, shared by medgatectl and medgated
 * so that the log and the CLI never disagree about what an event looks like.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sigabbrev_np() */
#endif
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

#include <json.h>

#include "internal.h"

const char *mg_op_name(uint32_t op)
{
	switch (op) {
	case MEDGATE_OP_NONE:		return "none";
	case MEDGATE_OP_FILE_OPEN:	return "file_open";
	case MEDGATE_OP_EXEC:		return "exec";
	case MEDGATE_OP_MMAP:		return "mmap";
	case MEDGATE_OP_CREATE:		return "create";
	case MEDGATE_OP_DELETE:		return "delete";
	case MEDGATE_OP_RENAME:		return "rename";
	case MEDGATE_OP_LINK:		return "link";
	case MEDGATE_OP_SETATTR:	return "setattr";
	case MEDGATE_OP_FILE_RECEIVE:	return "file_receive";
	case MEDGATE_OP_FCNTL:		return "fcntl";
	case MEDGATE_OP_FILE_INHERITED:	return "file_inherited";
	case MEDGATE_OP_NET_CONNECT:	return "net_connect";
	case MEDGATE_OP_NET_BIND:	return "net_bind";
	case MEDGATE_OP_NET_LISTEN:	return "net_listen";
	case MEDGATE_OP_NET_ACCEPT:	return "net_accept";
	case MEDGATE_OP_NET_SEND:	return "net_send";
	case MEDGATE_OP_NET_CREATE:	return "net_create";
	case MEDGATE_OP_CAPABILITY:	return "capability";
	case MEDGATE_OP_MOUNT:		return "mount";
	case MEDGATE_OP_CHROOT:		return "chroot";
	case MEDGATE_OP_USERNS:		return "userns";
	case MEDGATE_OP_BPF:		return "bpf";
	case MEDGATE_OP_PTRACE:		return "ptrace";
	case MEDGATE_OP_SIGNAL:		return "signal";
	case MEDGATE_OP_IOCTL:		return "ioctl";
	case MEDGATE_OP_NAMESPACE:	return "namespace";
	case MEDGATE_OP_KERNEL_LOAD:	return "kernel_load";
	case MEDGATE_OP_CONTROL:	return "control";
	case MEDGATE_OP_DEVICE_NODE:	return "device_node";
	case MEDGATE_OP_XATTR:		return "xattr";
	case MEDGATE_OP_KEY:		return "key";
	case MEDGATE_OP_TIMES:		return "times";
	case MEDGATE_OP_URING:		return "uring";
	case MEDGATE_OP_SUPPRESSED:	return "suppressed";
	case MEDGATE_OP_POLICY_LOAD:	return "policy_load";
	}
	return "unknown";
}

const char *mg_verdict_name(uint32_t v)
{
	switch (v) {
	case MEDGATE_VERDICT_ALLOW:		return "allow";
	case MEDGATE_VERDICT_DENY:		return "deny";
	case MEDGATE_VERDICT_WOULD_DENY:	return "would_deny";
	}
	return "unknown";
}

const char *mg_mode_name(uint32_t m)
{
	switch (m) {
	case MEDGATE_MODE_ENFORCE:	return "enforce";
	case MEDGATE_MODE_COMPLAIN:	return "complain";
	}
	return "unknown";
}

int mg_access_parse(const char *s, uint32_t *access, size_t *bad)
{
	uint32_t acc = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		const char *l = strchr(MG_ACCESS_LETTERS, s[i]);
		uint32_t bit;

		if (!l || !*l) {
			*bad = i;
			return -EINVAL;
		}
		bit = 1U << (l - MG_ACCESS_LETTERS);
		if (acc & bit) {
			*bad = i;
			return -EINVAL;
		}
		acc |= bit;
	}
	if (!acc) {
		*bad = 0;
		return -EINVAL;
	}
	*access = acc;
	return 0;
}

int mg_access_format(uint32_t access, char *buf, size_t len)
{
	size_t n = 0, i;
	int r;

	if (!len)
		return -ENOSPC;
	/* The letters are in bit order: MEDGATE_ACCESS_READ is bit 0, "r". */
	for (i = 0; MG_ACCESS_LETTERS[i]; i++) {
		if (!(access & (1U << i)))
			continue;
		if (n + 1 >= len) {
			buf[n] = '\0';
			return -ENOSPC;
		}
		buf[n++] = MG_ACCESS_LETTERS[i];
	}
	buf[n] = '\0';
	if (access & ~MEDGATE_ACCESS_ALL) {
		r = snprintf(buf + n, len - n, "+0x%x", access & ~MEDGATE_ACCESS_ALL);
		if (r < 0 || (size_t)r >= len - n)
			return -ENOSPC;
	} else if (!n) {
		if (len < 2)
			return -ENOSPC;
		strcpy(buf, "-");
	}
	return 0;
}

int mg_time_format(uint64_t real_ns, char *buf, size_t len)
{
	time_t secs = (time_t)(real_ns / 1000000000ULL);
	struct tm tm;
	int r;

	if (!gmtime_r(&secs, &tm))
		return -EINVAL;
	r = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09" PRIu64 "Z", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (uint64_t)(real_ns % 1000000000ULL));
	return r < 0 || (size_t)r >= len ? -ENOSPC : 0;
}

static int escape(const char *s, char *buf, size_t len, bool json)
{
	size_t n = 0;

	if (!len)
		return -ENOSPC;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[8];
		size_t k;

		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			k = 2;
		} else if (c == '\n') {
			memcpy(tmp, "\\n", 2);
			k = 2;
		} else if (c < 0x20 || c >= 0x7f) {
			/* Non-ASCII bytes are escaped too: paths need not be valid UTF-8. */
			k = (size_t)snprintf(tmp, sizeof(tmp), json ? "\\u%04x" : "\\x%02x", c);
		} else {
			tmp[0] = (char)c;
			k = 1;
		}
		if (n + k >= len) {
			buf[n] = '\0';
			return -ENOSPC;
		}
		memcpy(buf + n, tmp, k);
		n += k;
	}
	buf[n] = '\0';
	return 0;
}

int mg_json_escape(const char *s, char *buf, size_t len)
{
	return escape(s, buf, len, true);
}

int mg_text_escape(const char *s, char *buf, size_t len)
{
	return escape(s, buf, len, false);
}

/* Terminated copies of the strings of an event: the struct is the caller's, never trust it. */
struct ev_strings {
	char profile[sizeof(((struct mg_event *)0)->profile)];
	char comm[sizeof(((struct mg_event *)0)->comm)];
	char path[sizeof(((struct mg_event *)0)->path)];
	char rule_file[sizeof(((struct mg_event *)0)->rule_file)];
	char source[sizeof(((struct mg_event *)0)->source)];
	char fstype[sizeof(((struct mg_event *)0)->fstype)];
	char exe[sizeof(((struct mg_event *)0)->exe)];
};

static void event_strings(const struct mg_event *ev, struct ev_strings *s)
{
	snprintf(s->profile, sizeof(s->profile), "%.*s", (int)sizeof(ev->profile) - 1, ev->profile);
	snprintf(s->comm, sizeof(s->comm), "%.*s", (int)sizeof(ev->comm) - 1, ev->comm);
	snprintf(s->path, sizeof(s->path), "%.*s", (int)sizeof(ev->path) - 1, ev->path);
	snprintf(s->rule_file, sizeof(s->rule_file), "%.*s", (int)sizeof(ev->rule_file) - 1,
		 ev->rule_file);
	snprintf(s->source, sizeof(s->source), "%.*s", (int)sizeof(ev->source) - 1, ev->source);
	snprintf(s->fstype, sizeof(s->fstype), "%.*s", (int)sizeof(ev->fstype) - 1, ev->fstype);
	snprintf(s->exe, sizeof(s->exe), "%.*s", (int)sizeof(ev->exe) - 1, ev->exe);
}

/* Escaped copies of the strings of an event. A 4096-byte path escapes to at most 4 x 4096. */
struct esc {
	char profile[64 * 4], comm[16 * 4], path[4096 * 4], rule_file[256 * 4];
	char source[4096 * 4], fstype[32 * 4], exe[4096 * 4];
};

static int escape_event(const struct mg_event *ev, struct esc *e)
{
	struct ev_strings *s = malloc(sizeof(*s));
	int err = 0;

	if (!s)
		return -ENOMEM;
	event_strings(ev, s);
	if (mg_text_escape(s->profile, e->profile, sizeof(e->profile)) ||
	    mg_text_escape(s->comm, e->comm, sizeof(e->comm)) ||
	    mg_text_escape(s->path, e->path, sizeof(e->path)) ||
	    mg_text_escape(s->rule_file, e->rule_file, sizeof(e->rule_file)) ||
	    mg_text_escape(s->source, e->source, sizeof(e->source)) ||
	    mg_text_escape(s->fstype, e->fstype, sizeof(e->fstype)) ||
	    mg_text_escape(s->exe, e->exe, sizeof(e->exe)))
		err = -ENOSPC;
	free(s);
	return err;
}

/*
 * The kernel's capability names (include/uapi/linux/capability.h, Linux 6.1: 0..CAP_LAST_CAP=40),
 * lower case with libcap's "cap_" prefix, so that an audit record reads like capabilities(7).
 * A table rather than libcap: the tools are static and need nothing else from it.
 */
static const char *const cap_names[] = {
	"cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid",
	"cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable",
	"cap_net_bind_service", "cap_net_broadcast", "cap_net_admin", "cap_net_raw",
	"cap_ipc_lock", "cap_ipc_owner", "cap_sys_module", "cap_sys_rawio", "cap_sys_chroot",
	"cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice",
	"cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease",
	"cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override", "cap_mac_admin",
	"cap_syslog", "cap_wake_alarm", "cap_block_suspend", "cap_audit_read", "cap_perfmon",
	"cap_bpf", "cap_checkpoint_restore",
};

const char *mg_cap_name(uint32_t cap)
{
	return cap < sizeof(cap_names) / sizeof(cap_names[0]) ? cap_names[cap] : NULL;
}

/*
 * The access field: access letters, or for a capability event the capability's name (its
 * number, "cap41", when this table is older than the kernel); for a namespace, kernel-load or
 * extended-attribute event the class's name as policies write it ("net", "module", "trusted").
 */
int mg_event_access(const struct mg_event *ev, char *buf, size_t len)
{
	int r;

	/* The operations of class rules name their detail as the rules do ("read", "term"). */
	if (ev->op == MEDGATE_OP_PTRACE || ev->op == MEDGATE_OP_SIGNAL ||
	    ev->op == MEDGATE_OP_IOCTL || ev->op == MEDGATE_OP_XATTR || ev->op == MEDGATE_OP_BPF ||
	    ev->op == MEDGATE_OP_NAMESPACE || ev->op == MEDGATE_OP_KERNEL_LOAD ||
	    ev->op == MEDGATE_OP_MOUNT || ev->op == MEDGATE_OP_KEY) {
		char word[64];

		r = snprintf(buf, len, "%s", mg_class_detail_name(ev->op, ev->access, word,
								  sizeof(word)));
		return r < 0 || (size_t)r >= len ? -ENOSPC : 0;
	}
	if (ev->op == MEDGATE_OP_USERNS || ev->op == MEDGATE_OP_CHROOT ||
	    ev->op == MEDGATE_OP_TIMES) {
		r = snprintf(buf, len, "-");
		return r < 0 || (size_t)r >= len ? -ENOSPC : 0;
	}
	/* A policy load: the new policy's number of profiles. */
	if (ev->op == MEDGATE_OP_POLICY_LOAD) {
		r = snprintf(buf, len, "%" PRIu32, ev->access);
		return r < 0 || (size_t)r >= len ? -ENOSPC : 0;
	}
	if (ev->op == MEDGATE_OP_CAPABILITY) {
		const char *name = mg_cap_name(ev->access);

		r = name ? snprintf(buf, len, "%s", name)
			 : snprintf(buf, len, "cap%" PRIu32, ev->access);

		return r < 0 || (size_t)r >= len ? -ENOSPC : 0;
	}
	return mg_access_format(ev->access, buf, len);
}

int mg_event_format_text(const struct mg_event *ev, char *buf, size_t len)
{
	char when[64], acc[32], rule[256 * 6 + 64], object[64] = "", counts[64] = "";
	char peer[128] = "", *mount = NULL;
	struct esc *e;
	int r;

	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	if (escape_event(ev, e) || mg_time_format(ev->time_real_ns, when, sizeof(when)) ||
	    mg_event_access(ev, acc, sizeof(acc))) {
		free(e);
		return -ENOSPC;
	}
	/* "rule N" is the index `medgatectl policy show` prints next to each rule. */
	if (ev->rule == MEDGATE_RULE_NONE)
		snprintf(rule, sizeof(rule), "default");
	else if (ev->rule == MEDGATE_RULE_PROTECTED)
		snprintf(rule, sizeof(rule), "protected");
	else if (e->rule_file[0])
		snprintf(rule, sizeof(rule), "%" PRIu32 " (%s:%" PRIu32 ")", ev->rule,
			 e->rule_file, ev->rule_line);
	else
		snprintf(rule, sizeof(rule), "%" PRIu32 " (line %" PRIu32 ")", ev->rule,
			 ev->rule_line);
	/* The object's device and inode, when it exists: what names an object without a path. */
	if (ev->ino)
		snprintf(object, sizeof(object), " dev %u:%u ino %" PRIu64 "%s", major(ev->dev),
			 minor(ev->dev), ev->ino, ev->unnamed ? " unnamed" : "");
	/* ptrace and signals: the other task and its profile (names are checked by the module). */
	if (ev->peer_pid)
		snprintf(peer, sizeof(peer), " peer %" PRIu32 " (%s)", ev->peer_pid,
			 ev->peer_profile_id ? (ev->peer_profile[0] ? ev->peer_profile : "-")
					     : "unconfined");
	/* A mount's source and new file system type. */
	if ((e->source[0] || e->fstype[0]) &&
	    asprintf(&mount, "%s%s%s%s%s", e->source[0] ? " source \"" : "", e->source,
		     e->source[0] ? "\"" : "", e->fstype[0] ? " fstype " : "", e->fstype) < 0) {
		free(e);
		return -ENOMEM;
	}
	/* A key has no path: its serial number, as keyctl(1) prints it. */
	if (ev->op == MEDGATE_OP_KEY)
		snprintf(object, sizeof(object), " key_serial %" PRIu32, ev->key_serial);
	/* A policy load names the version it replaced (and its errno when refused). */
	if (ev->op == MEDGATE_OP_POLICY_LOAD)
		snprintf(object, sizeof(object), " prev_policy_version %016" PRIx64 " errno %" PRIu32,
			 ev->prev_policy_version, ev->err);
	/* A summary record says what the flood limiter counted instead of recording. */
	if (ev->op == MEDGATE_OP_SUPPRESSED)
		snprintf(counts, sizeof(counts), " suppressed %" PRIu64 " rate_limited %" PRIu64,
			 ev->suppressed, ev->rate_limited);
	/* The same event again, folded into this record. */
	else if (ev->repeats)
		snprintf(counts, sizeof(counts), " repeats %" PRIu32, ev->repeats);
	/* Labels are the JSON keys (docs/cli.md lists both forms of every field). */
	r = snprintf(buf, len,
		     "%" PRIu64 " %s profile %s (%s) %s pid %" PRIu32 " uid %" PRIu32 " gid %" PRIu32
		     " comm \"%s\" exe \"%s\" %s %s"
		     " \"%s\"%s%s%s rule %s"
		     " policy_version %016" PRIx64 "%s",
		     ev->seq, when, e->profile[0] ? e->profile : "-", mg_mode_name(ev->mode),
		     mg_verdict_name(ev->verdict), ev->pid, ev->uid, ev->gid, e->comm, e->exe,
		     mg_op_name(ev->op),
		     acc, e->path, object, peer, mount ? mount : "", rule, ev->policy_version,
		     counts);
	free(mount);
	free(e);
	return r < 0 || (size_t)r >= len ? -ENOSPC : 0;
}

int mg_event_format_json(const struct mg_event *ev, char *buf, size_t len)
{
	char when[64], acc[32], dev[24];
	struct ev_strings *s;
	struct json_object *o;
	int err;

	if (mg_time_format(ev->time_real_ns, when, sizeof(when)) ||
	    mg_event_access(ev, acc, sizeof(acc)))
		return -ENOSPC;
	s = malloc(sizeof(*s));
	o = json_object_new_object();
	if (!s || !o) {
		free(s);
		json_object_put(o);
		return -ENOMEM;
	}
	event_strings(ev, s);
	snprintf(dev, sizeof(dev), "%u:%u", major(ev->dev), minor(ev->dev));
	json_object_object_add(o, "type", json_object_new_string("event"));
	json_object_object_add(o, "seq", json_object_new_uint64(ev->seq));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "time_real_ns", json_object_new_uint64(ev->time_real_ns));
	json_object_object_add(o, "time_boot_ns", json_object_new_uint64(ev->time_boot_ns));
	json_object_object_add(o, "policy_version", mg_json_hex64(ev->policy_version));
	json_object_object_add(o, "profile_id", mg_json_hex64(ev->profile_id));
	json_object_object_add(o, "profile", mg_json_string(s->profile));
	json_object_object_add(o, "mode", json_object_new_string(mg_mode_name(ev->mode)));
	json_object_object_add(o, "verdict", json_object_new_string(mg_verdict_name(ev->verdict)));
	json_object_object_add(o, "pid", json_object_new_uint64(ev->pid));
	json_object_object_add(o, "tgid", json_object_new_uint64(ev->tgid));
	json_object_object_add(o, "uid", json_object_new_uint64(ev->uid));
	json_object_object_add(o, "gid", json_object_new_uint64(ev->gid));
	json_object_object_add(o, "comm", mg_json_string(s->comm));
	json_object_object_add(o, "exe", mg_json_string(s->exe));
	json_object_object_add(o, "op", json_object_new_string(mg_op_name(ev->op)));
	json_object_object_add(o, "access", json_object_new_string(acc));
	json_object_object_add(o, "path", mg_json_string(s->path));
	json_object_object_add(o, "dev", json_object_new_string(dev));
	json_object_object_add(o, "ino", json_object_new_uint64(ev->ino));
	json_object_object_add(o, "unnamed", json_object_new_boolean(ev->unnamed));
	json_object_object_add(o, "peer_pid", json_object_new_uint64(ev->peer_pid));
	json_object_object_add(o, "peer_profile_id", mg_json_hex64(ev->peer_profile_id));
	json_object_object_add(o, "peer_profile", mg_json_string(ev->peer_profile));
	json_object_object_add(o, "source", mg_json_string(s->source));
	json_object_object_add(o, "fstype", mg_json_string(s->fstype));
	json_object_object_add(o, "key_serial", json_object_new_uint64(ev->key_serial));
	/* No rule: the profile's default decided (null); "protected": a protected file. */
	json_object_object_add(o, "rule", ev->rule == MEDGATE_RULE_NONE ? NULL :
				  ev->rule == MEDGATE_RULE_PROTECTED ?
				  json_object_new_string("protected") :
				  json_object_new_uint64(ev->rule));
	json_object_object_add(o, "rule_line", json_object_new_uint64(ev->rule_line));
	json_object_object_add(o, "rule_file", mg_json_string(s->rule_file));
	json_object_object_add(o, "errno", json_object_new_uint64(ev->err));
	json_object_object_add(o, "suppressed", json_object_new_uint64(ev->suppressed));
	json_object_object_add(o, "rate_limited", json_object_new_uint64(ev->rate_limited));
	json_object_object_add(o, "repeats", json_object_new_uint64(ev->repeats));
	/* Policy-load records only; "access" holds the new policy's number of profiles. */
	if (ev->op == MEDGATE_OP_POLICY_LOAD)
		json_object_object_add(o, "prev_policy_version",
				       mg_json_hex64(ev->prev_policy_version));
	err = mg_json_format(o, buf, len);
	json_object_put(o);
	free(s);
	return err;
}

int mg_loss_format_text(uint64_t count, uint64_t before_seq, char *buf, size_t len)
{
	int r = snprintf(buf, len, "%" PRIu64 " event%s lost before seq %" PRIu64, count,
			 count == 1 ? "" : "s", before_seq);

	return r < 0 || (size_t)r >= len ? -ENOSPC : 0;
}

int mg_loss_format_json(uint64_t count, uint64_t before_seq, char *buf, size_t len)
{
	struct json_object *o = json_object_new_object();
	int err;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "type", json_object_new_string("loss"));
	json_object_object_add(o, "lost", json_object_new_uint64(count));
	json_object_object_add(o, "before_seq", json_object_new_uint64(before_seq));
	err = mg_json_format(o, buf, len);
	json_object_put(o);
	return err;
}

int mg_unprintable_format_json(uint64_t seq, char *buf, size_t len)
{
	struct json_object *o = json_object_new_object();
	int err;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "type", json_object_new_string("error"));
	json_object_object_add(o, "seq", json_object_new_uint64(seq));
	json_object_object_add(o, "error", json_object_new_string("unprintable event"));
	err = mg_json_format(o, buf, len);
	json_object_put(o);
	return err;
}

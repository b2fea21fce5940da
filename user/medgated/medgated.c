// SPDX-License-Identifier: GPL-2.0
/*
 * medgated — attaches medgate's BPF-LSM programs and collects the audit stream.
 *
 *   medgated [-v] [--replace] [--attach-only | --log FILE [LOG OPTIONS] [--syslog [SOCKET]]]
 *   medgated --detach
 *
 * The programs (bpf/medgate.bpf.c, embedded through the skeleton) are attached once and their
 * links pinned under MEDGATE_BPFFS_DIR, together with their maps, so enforcement outlives this
 * process: medgated may exit, crash or be restarted without a gap. Every failure is turned into
 * a sentence that says what to do; a kernel that would accept the programs but never run them
 * (BPF-LSM not in lsm=) is refused, because silent non-enforcement is the worst outcome.
 *
 * In its default mode medgated then stays in the foreground and appends the module's audit
 * events to the tamper-evident log (logger.c, user/lib/auditlog.c), pulling them when the
 * module's doorbell rings. The boot policy and the seccomp sandbox are later work.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "medgate.h"
#include "medgate.skel.h"
#include "hooks.h"
#include "logger.h"
#include "auditlog.h"

#define LSM_FILE	"/sys/kernel/security/lsm"
#define SECURITYFS_DIR	"/sys/kernel/security"
#define BPFFS_ROOT	"/sys/fs/bpf"
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC	0xcafe4a11
#endif
#ifndef ENOTSUPP
#define ENOTSUPP	524	/* kernel-internal "not supported", leaks out of bpf() */
#endif

#define MEDGATED_VERSION "0.1"

static int verbosity;
static bool ksym_missing;

void say(const char *fmt, ...)
{
	va_list ap;

	fputs("medgated: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* libbpf's messages, filtered by -v; also where a missing kfunc is recognized. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];
	va_list cp;

	va_copy(cp, ap);
	vsnprintf(buf, sizeof(buf), fmt, cp);
	va_end(cp);
	if (strstr(buf, "extern (func ksym)") && strstr(buf, "not found"))
		ksym_missing = true;
	if ((level == LIBBPF_DEBUG && verbosity < 2) || (level == LIBBPF_INFO && verbosity < 1))
		return 0;
	/* Not buf: a verifier log is far longer, and its end says why a program was refused. */
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: medgated [-v] [--replace] [--attach-only | LOG OPTIONS]\n"
		"       medgated --detach\n"
		"\n"
		"Attaches medgate's BPF-LSM programs (medgate.ko must be loaded first) and pins them\n"
		"under " MEDGATE_BPFFS_DIR " so that enforcement outlives medgated. If they are\n"
		"already pinned, says so and leaves them (unless --replace). Then, by default, stays\n"
		"in the foreground and appends the audit events of medgate.ko to the audit log, JSON\n"
		"lines chained by SHA-256 and sealed by checkpoints signed with the device key\n"
		"(docs/audit-log.md), pulling them when the module announces new events (and every\n"
		"5 seconds anyway). The key is made on the first start.\n"
		"\n"
		"  --attach-only   attach and pin, then exit\n"
		"  --replace       attach freshly loaded programs in place of pinned ones (the pinned\n"
		"                  maps, and so every task's profile, are kept)\n"
		"  --detach        unpin everything: this STOPS ENFORCEMENT\n"
		"  -v              more libbpf messages (twice: the verifier log)\n"
		"  -h, --help      this help\n"
		"  -V, --version   version\n"
		"\n"
		"Log options:\n"
		"  --log FILE                the audit log (" MG_ALOG_DEFAULT_PATH ")\n"
		"  --key FILE                the private signing key, root only (" MG_ALOG_DEFAULT_KEY ")\n"
		"  --pubkey FILE             its public key, for verify (" MG_ALOG_DEFAULT_PUB ")\n"
		"  --checkpoint-lines N      a signed checkpoint after N lines (1000) ...\n"
		"  --checkpoint-seconds S    ... or S seconds after the last one (60)\n"
		"  --rotate-size BYTES       start a new file past this size, K/M/G allowed (16M; 0: never)\n"
		"  --rotate-keep N           rotated files kept, FILE.1 the newest (8)\n"
		"  --capacity-warn PERCENT   a warning record when the log's file system is this\n"
		"                            full (90; 0: never)\n"
		"  --syslog [SOCKET]         also send each record, after the log has it, as an RFC 5424\n"
		"                            datagram to this syslog socket (/dev/log); never waits,\n"
		"                            failures are counted in the stop record\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n");
}

/* ---- preconditions ---- */

/*
 * Without bpf in lsm= the kernel accepts and attaches BPF-LSM programs that will never run, so
 * this must be known, not assumed.
 */
static int check_bpf_lsm(void)
{
	char list[512], *tok, *save = NULL;
	size_t n;
	FILE *f;

	f = fopen(LSM_FILE, "re");
	if (!f && errno == ENOENT && !mount("securityfs", SECURITYFS_DIR, "securityfs", 0, NULL))
		f = fopen(LSM_FILE, "re");
	if (!f) {
		say("cannot tell whether BPF-LSM is active: cannot read " LSM_FILE ": %s (mount securityfs on " SECURITYFS_DIR ")",
		    strerror(errno));
		return -1;
	}
	n = fread(list, 1, sizeof(list) - 1, f);
	fclose(f);
	list[n] = '\0';
	list[strcspn(list, "\n")] = '\0';
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, "bpf"))
			return 0;
	say("BPF-LSM is not active: add bpf to lsm= on the kernel command line");
	return -1;
}

static int ensure_bpffs(void)
{
	struct statfs sfs;

	if (statfs(BPFFS_ROOT, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		if (mkdir(BPFFS_ROOT, 0700) && errno != EEXIST) {
			say("cannot create " BPFFS_ROOT ": %s", strerror(errno));
			return -1;
		}
		if (mount("bpf", BPFFS_ROOT, "bpf", 0, "mode=0700")) {
			say("cannot mount bpffs on " BPFFS_ROOT ": %s", strerror(errno));
			return -1;
		}
	}
	if (mkdir(MEDGATE_BPFFS_DIR, 0700) && errno != EEXIST) {
		say("cannot create " MEDGATE_BPFFS_DIR ": %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void pin_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", MEDGATE_BPFFS_DIR, name);
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

/* ---- attach ---- */

static void load_error(int err)
{
	if (ksym_missing)
		say("medgate.ko must be loaded before the BPF programs (its kfuncs are missing)");
	else if (err == -EPERM || err == -EACCES)
		say("cannot load the BPF programs: %s (medgated needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN; kernel lockdown or a container can forbid BPF even to root)",
		    strerror(-err));
	else
		say("cannot load the BPF programs: %s%s", strerror(-err),
		    verbosity < 2 ? " (run with -v -v for the verifier log)" : "");
}

static void attach_error(const char *prog, int err)
{
	if (err == -ENOTSUPP || err == -EOPNOTSUPP)
		say("this kernel cannot attach BPF-LSM programs on this architecture (needs x86_64 with Linux 6.1+, or arm64 with 6.4+; 32-bit ARM is not supported)");
	else
		say("cannot attach %s: %s", prog, strerror(-err));
}

/*
 * Pins @link under its final name without a moment where the name is missing: pin under a
 * temporary name, then rename over the old pin (bpffs supports rename). bpffs refuses names
 * with dots, and program names are C identifiers, so "tmp-NAME" cannot collide.
 */
static int pin_link(struct bpf_link *link, const char *name)
{
	char path[512], tmp[512];
	int err;

	pin_path(path, sizeof(path), name);
	snprintf(tmp, sizeof(tmp), "%s/tmp-%s", MEDGATE_BPFFS_DIR, name);
	unlink(tmp);
	err = bpf_link__pin(link, tmp);
	if (err)
		return err;
	if (!rename(tmp, path))
		return 0;
	err = -errno;
	unlink(tmp);
	if (err == -ENOTDIR || err == -EISDIR)
		return err;
	/* Fallback: replace by unlink + pin (the new link is already attached, so no gap). */
	unlink(path);
	return bpf_link__pin(link, path);
}

/* Removes pins that the current programs and maps do not own (left by an older version). */
static void remove_stale(struct medgate_bpf *skel)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	struct dirent *de;
	DIR *d;

	d = opendir(MEDGATE_BPFFS_DIR);
	if (!d)
		return;
	while ((de = readdir(d))) {
		bool ours = false;
		char path[512];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bpf_object__for_each_program(prog, skel->obj)
			if (hooks_used(prog) && !strcmp(bpf_program__name(prog), de->d_name))
				ours = true;
		bpf_object__for_each_map(map, skel->obj)
			if (!bpf_map__is_internal(map) && !strcmp(bpf_map__name(map), de->d_name))
				ours = true;
		if (ours)
			continue;
		pin_path(path, sizeof(path), de->d_name);
		if (!unlink(path) && verbosity)
			say("removed stale pin %s", path);
	}
	closedir(d);
}

/* How many of the skeleton's programs have a pinned link; -1 if the skeleton cannot open. */
static int count_pinned(int *total)
{
	struct medgate_bpf *skel;
	struct bpf_program *prog;
	int pinned = 0;

	*total = 0;
	skel = medgate_bpf__open();
	if (!skel)
		return -1;
	if (hooks_skip_missing(skel->obj, NULL)) {
		medgate_bpf__destroy(skel);
		return -1;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		char path[512];

		if (!hooks_used(prog))
			continue;
		(*total)++;
		pin_path(path, sizeof(path), bpf_program__name(prog));
		if (exists(path))
			pinned++;
	}
	medgate_bpf__destroy(skel);
	return pinned;
}

static int attach(bool replace)
{
	struct bpf_link **links = NULL;
	struct medgate_bpf *skel;
	struct bpf_program *prog;
	struct bpf_map *map;
	size_t n = 0, cap = 0, i;
	int err, ret = -1;

	skel = medgate_bpf__open();
	if (!skel) {
		say("cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	err = hooks_skip_missing(skel->obj, say);
	if (err) {
		if (err != -ENOTSUP)	/* explained already */
			say("cannot read the kernel's BTF: %s", strerror(-err));
		goto out;
	}
	/*
	 * Reuse the pinned maps (libbpf does when a pin path is set and the map there is
	 * compatible): task_labels holds every confined task's profile, and a fresh map would
	 * silently unconfine them all.
	 */
	bpf_object__for_each_map(map, skel->obj) {
		char path[512];

		if (bpf_map__is_internal(map))
			continue;
		pin_path(path, sizeof(path), bpf_map__name(map));
		err = bpf_map__set_pin_path(map, path);
		if (err) {
			say("cannot set the pin path of map %s: %s", bpf_map__name(map),
			    strerror(-err));
			goto out;
		}
	}
	err = medgate_bpf__load(skel);
	if (err) {
		load_error(err);
		if (!ksym_missing && err == -EINVAL)
			say("if a map pinned under " MEDGATE_BPFFS_DIR " is incompatible with these programs, medgated --detach removes it (and every task's profile with it)");
		goto out;
	}

	/* Attach everything before pinning anything: all programs or none. */
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_link *link;

		if (!hooks_used(prog))
			continue;
		if (n == cap) {
			struct bpf_link **nl;

			cap = cap ? cap * 2 : 16;
			nl = realloc(links, cap * sizeof(*links));
			if (!nl) {
				say("out of memory");
				goto out;
			}
			links = nl;
		}
		link = bpf_program__attach(prog);
		if (!link) {
			attach_error(bpf_program__name(prog), -errno);
			goto out;
		}
		links[n++] = link;
	}

	i = 0;
	bpf_object__for_each_program(prog, skel->obj) {
		if (!hooks_used(prog))
			continue;
		err = pin_link(links[i], bpf_program__name(prog));
		if (err) {
			say("cannot pin %s under " MEDGATE_BPFFS_DIR ": %s", bpf_program__name(prog),
			    strerror(-err));
			goto out;
		}
		i++;
	}
	if (replace)
		remove_stale(skel);
	say("attached %zu BPF-LSM programs, pinned under " MEDGATE_BPFFS_DIR
	    ": enforcement stays active after medgated exits", n);
	ret = 0;
out:
	for (i = 0; i < n; i++) {
		/* A pinned link lives on; closing our fd does not detach it. */
		if (!ret)
			bpf_link__disconnect(links[i]);
		bpf_link__destroy(links[i]);
	}
	free(links);
	medgate_bpf__destroy(skel);
	if (ret)
		rmdir(MEDGATE_BPFFS_DIR);	/* only if empty: leave no sign of enforcement */
	return ret;
}

static int detach(void)
{
	struct dirent *de;
	unsigned n = 0, failed = 0;
	DIR *d;

	d = opendir(MEDGATE_BPFFS_DIR);
	if (!d) {
		if (errno == ENOENT) {
			say("nothing to detach: " MEDGATE_BPFFS_DIR " does not exist");
			return 0;
		}
		say("cannot read " MEDGATE_BPFFS_DIR ": %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char path[512];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		pin_path(path, sizeof(path), de->d_name);
		if (unlink(path)) {
			say("cannot unpin %s: %s", path, strerror(errno));
			failed++;
		} else {
			n++;
		}
	}
	closedir(d);
	if (!failed && rmdir(MEDGATE_BPFFS_DIR) && errno != ENOENT)
		say("cannot remove " MEDGATE_BPFFS_DIR ": %s", strerror(errno));
	say("removed %u pins: the BPF programs are detached and medgate NO LONGER ENFORCES anything; every task's profile was dropped with the task_labels map (medgate.ko keeps its policy)",
	    n);
	return failed ? -1 : 0;
}

/* ---- main ---- */

/* A decimal number, with K, M or G (powers of 1024) after it. */
static int parse_number(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end == 'K' || *end == 'M' || *end == 'G') {
		*out <<= *end == 'K' ? 10 : *end == 'M' ? 20 : 30;
		end++;
	}
	return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "attach-only", no_argument, NULL, 'a' },
		{ "detach", no_argument, NULL, 'd' },
		{ "replace", no_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "key", required_argument, NULL, 'k' },
		{ "pubkey", required_argument, NULL, 'p' },
		{ "checkpoint-lines", required_argument, NULL, 'c' },
		{ "checkpoint-seconds", required_argument, NULL, 's' },
		{ "rotate-size", required_argument, NULL, 'R' },
		{ "rotate-keep", required_argument, NULL, 'K' },
		{ "capacity-warn", required_argument, NULL, 'W' },
		{ "syslog", optional_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct logger_opts lo = {
		.path = MG_ALOG_DEFAULT_PATH, .key_path = MG_ALOG_DEFAULT_KEY,
		.pub_path = MG_ALOG_DEFAULT_PUB, .cp_records = 1000, .cp_seconds = 60,
		.rotate_size = 16 << 20, .keep = 8, .warn_percent = 90,
	};
	bool attach_only = false, do_detach = false, replace = false, log_opts = false;
	uint64_t v;
	int c, pinned, total;

	while ((c = getopt_long(argc, argv, "vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'a': attach_only = true; break;
		case 'd': do_detach = true; break;
		case 'r': replace = true; break;
		case 'l': lo.path = optarg; log_opts = true; break;
		case 'k': lo.key_path = optarg; log_opts = true; break;
		case 'p': lo.pub_path = optarg; log_opts = true; break;
		case 'S':
			/* "--syslog SOCKET" as well as "--syslog=SOCKET": a next word not an option. */
			if (!optarg && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			lo.syslog_path = optarg ? optarg : "/dev/log";
			if (!lo.syslog_path[0]) {
				say("--syslog needs a socket path");
				return 2;
			}
			log_opts = true;
			break;
		case 'c': case 's': case 'R': case 'K':
			if (parse_number(optarg, &v) || (c != 'R' && !v) ||
			    (c != 'R' && c != 'c' && v > 1000000)) {
				say("--%s needs a number%s", c == 'c' ? "checkpoint-lines" :
				    c == 's' ? "checkpoint-seconds" : c == 'R' ? "rotate-size" :
				    "rotate-keep", c == 'R' ? "" : " above 0");
				return 2;
			}
			if (c == 'c')
				lo.cp_records = v;
			else if (c == 's')
				lo.cp_seconds = (unsigned int)v;
			else if (c == 'R')
				lo.rotate_size = v;
			else
				lo.keep = (unsigned int)v;
			log_opts = true;
			break;
		case 'W':
			if (parse_number(optarg, &v) || v > 99) {
				say("--capacity-warn needs a percentage from 0 (never) to 99");
				return 2;
			}
			lo.warn_percent = (unsigned int)v;
			log_opts = true;
			break;
		case 'v': verbosity++; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("medgated %s (medgate ABI %u)\n", MEDGATED_VERSION,
				 MEDGATE_ABI_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		say("unexpected argument \"%s\"", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (do_detach && (attach_only || replace || log_opts)) {
		say("--detach takes no other option");
		return 2;
	}
	if (attach_only && log_opts) {
		say("--attach-only excludes the options of the log");
		return 2;
	}
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (do_detach)
		return detach() ? 1 : 0;

	if (check_bpf_lsm() || ensure_bpffs())
		return 1;
	pinned = count_pinned(&total);
	if (pinned < 0) {
		say("cannot open the BPF object: %s", strerror(errno));
		return 1;
	}
	if (pinned == total && total > 0 && !replace) {
		/* Not an error: a logger started after the attach finds exactly this. */
		if (attach_only)
			say("the BPF-LSM programs are already attached (%d pinned under " MEDGATE_BPFFS_DIR "): nothing to do (--replace attaches this medgated's programs in their place)",
			    total);
		else
			say("the BPF-LSM programs are already attached (%d pinned under " MEDGATE_BPFFS_DIR "): enforcement is active, this medgated only logs audit events",
			    total);
	} else {
		if (pinned > 0 && !replace)
			say("only %d of %d programs are pinned under " MEDGATE_BPFFS_DIR ": attaching all of them again",
			    pinned, total);
		if (attach(replace || pinned > 0))
			return 1;
	}
	if (attach_only)
		return 0;
	return run_logger(&lo);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * mg-bench: the measuring program of `make bench`, run inside the benchmark VM (static binary).
 * It prints one machine-readable line per measurement on stdout and nothing else there:
 *
 *   mg-bench open|stat COUNT PATH [--landlock RULES DIR]
 *       COUNT/10 untimed operations (warm caches), then COUNT timed ones:
 *       open: open(PATH, O_RDONLY) + close; stat: stat(PATH).
 *       With --landlock, a child restricts itself with a Landlock ruleset of RULES rules first
 *       (RULES-1 directories DIR/0, DIR/1, ... created if missing, plus "/" + the first component
 *       of PATH for reading) and measures; the parent waits and passes on its status.
 *       -> "op=open n=COUNT ns=TOTAL"
 *   mg-bench connect COUNT PORT [--landlock RULES]
 *       listens on 127.0.0.1:PORT, then COUNT/10 untimed and COUNT timed TCP connections to it,
 *       each socket + connect + accept + close of both ends (the client resets, so no TIME_WAIT
 *       piles up). With --landlock, Landlock network rules (ABI 4: TCP bind and connect
 *       handled) allow connecting to PORT and RULES-1 other ports; exit status 3 when the
 *       kernel's Landlock has no network rules.
 *       -> "op=connect n=COUNT ns=TOTAL"
 *   mg-bench denied COUNT DIR distinct|same
 *       opens that the process's profile denies (each must fail with EACCES), of files DIR/0 ...:
 *       distinct: one untimed open of DIR/warm, then COUNT timed opens of DIR/0 .. DIR/COUNT-1,
 *       a new object each time, so each one makes an audit record while the profile's record
 *       budget lasts; same: COUNT/10 + 1 untimed, then COUNT timed opens of DIR/0, repeats that
 *       make no record of their own (folded into the record of DIR/0 while no reader copied
 *       it, counted by the flood limiter otherwise).
 *       -> "op=denied-distinct n=COUNT ns=TOTAL records=R counted=C" (R: sequence numbers
 *          the module gave out meanwhile, C: repeats and rate-limited records it counted;
 *          both left out when the module's status cannot be read)
 *       sends a compiled policy to medgate.ko (mg_policy_load) and times that call alone.
 *       -> "op=load n=1 ns=TOTAL bytes=SIZE"
 *   mg-bench run PROGRAM [ARG...]
 *       runs PROGRAM (its output goes to stderr) and times it from fork to exit.
 *       -> "op=run n=1 ns=TOTAL status=EXIT"
 *
 * Times are CLOCK_MONOTONIC nanoseconds. In the benchmark VM (QEMU -icount shift=0) guest time
 * advances by one nanosecond per guest instruction, so ns are guest instructions.
 * Errors go to stderr with a non-zero exit status; a failed operation is never timed as a result.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "auditlog.h"
#include "medgate.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int die(const char *what, int err)
{
	fprintf(stderr, "mg-bench: %s: %s\n", what, strerror(err));
	return 1;
}

/* ---- open and stat ---- */

static int one_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int one_stat(const char *path)
{
	struct stat st;

	return stat(path, &st) ? errno : 0;
}

/* ---- TCP connect on loopback ---- */

static int listener = -1;
static struct sockaddr_in server;

static int tcp_listen(unsigned int port)
{
	int one = 1;

	server.sin_family = AF_INET;
	server.sin_port = htons(port);
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0)
		return die("socket", errno);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listener, (struct sockaddr *)&server, sizeof(server)) || listen(listener, 64))
		return die("listen on 127.0.0.1", errno);
	return 0;
}

static int one_connect(const char *unused)
{
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), a, err = 0;

	(void)unused;
	if (s < 0)
		return errno;
	if (connect(s, (struct sockaddr *)&server, sizeof(server))) {
		err = errno;
		close(s);
		return err;
	}
	a = accept(listener, NULL, NULL);
	if (a < 0)
		err = errno;
	else
		close(a);
	setsockopt(s, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
	close(s);
	return err;
}

static int measure(const char *op, long count, const char *path)
{
	int (*fn)(const char *) = !strcmp(op, "connect") ? one_connect :
				  strcmp(op, "open") ? one_stat : one_open;
	uint64_t t0, t1;
	long i;
	int err;

	for (i = 0; i < count / 10 + 1; i++) {
		err = fn(path);
		if (err) {
			fprintf(stderr, "mg-bench: %s %s: %s\n", op, path, strerror(err));
			return 1;
		}
	}
	t0 = now_ns();
	for (i = 0; i < count; i++)
		if (fn(path))
			break;
	t1 = now_ns();
	if (i < count)
		return die(op, errno);
	printf("op=%s n=%ld ns=%llu\n", op, count, (unsigned long long)(t1 - t0));
	return 0;
}

/* ---- denied opens: the cost of an audit record ---- */

static int one_denied(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		fprintf(stderr, "mg-bench: %s was not denied: is this program confined?\n", path);
		return EPERM;
	}
	return errno == EACCES ? 0 : errno;
}

/* The module's audit counters, or false when they cannot be read. */
static bool audit_counters(uint64_t *seq, uint64_t *counted)
{
	struct mg_client *c;
	struct mg_status st;
	bool ok;

	if (mg_client_open(&c))
		return false;
	ok = !mg_status_get(c, &st);
	mg_client_close(c);
	*seq = st.audit_next_seq;
	*counted = st.audit_suppressed + st.audit_rate_limited;
	return ok;
}

static int measure_denied(long count, const char *dir, bool distinct)
{
	uint64_t t0, t1, seq0 = 0, seq1 = 0, cnt0 = 0, cnt1 = 0;
	char path[4096];
	bool counters;
	long i;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, distinct ? "warm" : "0");
	for (i = 0; i < (distinct ? 1 : count / 10 + 1); i++) {
		err = one_denied(path);
		if (err)
			return die(path, err);
	}
	counters = audit_counters(&seq0, &cnt0);
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		if (distinct)
			snprintf(path, sizeof(path), "%s/%ld", dir, i);
		err = one_denied(path);
		if (err)
			break;
	}
	t1 = now_ns();
	if (i < count)
		return die(path, err);
	counters = counters && audit_counters(&seq1, &cnt1);
	printf("op=denied-%s n=%ld ns=%llu", distinct ? "distinct" : "same", count,
	       (unsigned long long)(t1 - t0));
	if (counters)
		printf(" records=%llu counted=%llu", (unsigned long long)(seq1 - seq0),
		       (unsigned long long)(cnt1 - cnt0));
	printf("\n");
	return 0;
}

/* ---- medgated's log writer ---- */

static int measure_logwrite(long count, const char *dir)
{
	char log[4096], key[4096], pub[4096], msg[512], *line = malloc(MG_EVENT_LINE_MAX);
	struct mg_alog_opts o = { .path = log, .rotate_size = 16 << 20, .keep = 8 };
	struct mg_event *ev = calloc(1, sizeof(*ev));
	struct mg_alog *l = NULL;
	uint64_t t0 = 0, t1;
	bool created;
	long i;
	int err;

	if (!line || !ev)
		return die("logwrite", ENOMEM);
	snprintf(log, sizeof(log), "%s/audit.log", dir);
	snprintf(key, sizeof(key), "%s/audit.key", dir);
	snprintf(pub, sizeof(pub), "%s/audit.pub", dir);
	err = mg_alog_key_load_or_create(key, pub, &o.key, &created, msg, sizeof(msg));
	if (!err)
		err = mg_alog_open(&l, &o, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "mg-bench: %s\n", msg);
		return 1;
	}
	ev->profile_id = 0x5cddc0acb4725ca5ULL;
	ev->policy_version = 0x5034d1308ec9ae05ULL;
	snprintf(ev->profile, sizeof(ev->profile), "hl7-forwarder");
	ev->verdict = MEDGATE_VERDICT_DENY;
	ev->op = MEDGATE_OP_FILE_OPEN;
	ev->access = MEDGATE_ACCESS_READ;
	ev->rule = MEDGATE_RULE_NONE;
	ev->err = EACCES;
	snprintf(ev->comm, sizeof(ev->comm), "hl7-forwarder");
	snprintf(ev->exe, sizeof(ev->exe), "/opt/gateway/bin/hl7-forwarder");
	for (i = 0; i < count + count / 10 + 1 && !err; i++) {
		if (i == count / 10 + 1)
			t0 = now_ns();
		ev->seq = (uint64_t)i;
		ev->pid = ev->tgid = 1000 + (uint32_t)(i % 100);
		snprintf(ev->path, sizeof(ev->path), "/var/spool/hl7/msg-%06ld.hl7", i);
		err = mg_event_format_json(ev, line, MG_EVENT_LINE_MAX);
		if (!err)
			err = mg_alog_append(l, line, ev->seq + 1);
		if (!err && (i + 1) % 1000 == 0)
			err = mg_alog_checkpoint(l, "lines");
	}
	t1 = now_ns();
	mg_alog_close(l);
	EVP_PKEY_free(o.key);
	free(line);
	free(ev);
	if (err)
		return die("logwrite", -err);
	printf("op=logwrite n=%ld ns=%llu\n", count, (unsigned long long)(t1 - t0));
	return 0;
}

/* ---- Landlock ---- */

static int ll_add_path(int ruleset, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access };
	int err = 0;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return errno;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0))
		err = errno;
	close(pb.parent_fd);
	return err;
}

/*
 * Restricts the calling process: every file system access right the kernel's Landlock ABI knows
 * is handled, RULES-1 filler directories get read access, and so does the top directory of
 * @path, so that the check walks the whole path up to that rule.
 */
static int landlock_restrict(long rules, const char *dir, const char *path)
{
	struct landlock_ruleset_attr attr = { 0 };
	char buf[4096], top[256];
	const char *slash;
	long abi, i;
	int ruleset, err;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return die("Landlock is not available (add landlock to lsm=)", errno);
	attr.handled_access_fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	ruleset = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return die("landlock_create_ruleset", errno);

	if (mkdir(dir, 0755) && errno != EEXIST)
		return die(dir, errno);
	for (i = 0; i < rules - 1; i++) {
		snprintf(buf, sizeof(buf), "%s/%ld", dir, i);
		if (mkdir(buf, 0755) && errno != EEXIST)
			return die(buf, errno);
		err = ll_add_path(ruleset, buf, LANDLOCK_ACCESS_FS_READ_FILE |
				  LANDLOCK_ACCESS_FS_READ_DIR);
		if (err)
			return die(buf, err);
	}
	slash = strchr(path + 1, '/');
	if (path[0] != '/' || !slash || (size_t)(slash - path) >= sizeof(top)) {
		fprintf(stderr, "mg-bench: %s: need an absolute path below a top directory\n", path);
		return 1;
	}
	memcpy(top, path, slash - path);
	top[slash - path] = '\0';
	err = ll_add_path(ruleset, top, LANDLOCK_ACCESS_FS_READ_FILE);
	if (err)
		return die(top, err);

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return die("PR_SET_NO_NEW_PRIVS", errno);
	if (syscall(SYS_landlock_restrict_self, ruleset, 0))
		return die("landlock_restrict_self", errno);
	close(ruleset);
	return 0;
}

static int measure_landlocked(const char *op, long count, const char *path, long rules,
			      const char *dir)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return die("fork", errno);
	if (pid == 0) {
		if (landlock_restrict(rules, dir, path))
			_exit(1);
		_exit(measure(op, count, path));
	}
	if (waitpid(pid, &status, 0) < 0)
		return die("waitpid", errno);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/*
 * Landlock network rules (ABI 4, Linux 6.7): Debian 12's headers predate them, so the structures
 * are spelled out here as the kernel's uapi defines them.
 */
struct ll_ruleset_attr_net {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};
struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};
#define LL_ACCESS_NET_BIND_TCP		(1ULL << 0)
#define LL_ACCESS_NET_CONNECT_TCP	(1ULL << 1)
#define LL_RULE_NET_PORT		2
#define EXIT_UNSUPPORTED		3

static int landlock_restrict_net(long rules, unsigned int port)
{
	struct ll_ruleset_attr_net attr = {
		.handled_access_net = LL_ACCESS_NET_BIND_TCP | LL_ACCESS_NET_CONNECT_TCP,
	};
	struct ll_net_port_attr rule = { .allowed_access = LL_ACCESS_NET_CONNECT_TCP };
	long abi, i;
	int ruleset;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 4) {
		fprintf(stderr, "mg-bench: Landlock ABI %ld has no network rules (4 needed)\n", abi);
		return EXIT_UNSUPPORTED;
	}
	ruleset = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return die("landlock_create_ruleset (network)", errno);
	/* RULES-1 other ports first, the benchmark's port last, as for the file rules. */
	for (i = 0; i < rules; i++) {
		rule.port = i == rules - 1 ? port : 20000 + (unsigned long)i;
		if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_NET_PORT, &rule, 0))
			return die("landlock_add_rule (port)", errno);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return die("PR_SET_NO_NEW_PRIVS", errno);
	if (syscall(SYS_landlock_restrict_self, ruleset, 0))
		return die("landlock_restrict_self", errno);
	close(ruleset);
	return 0;
}

/* The listener is made first, so that the Landlock rules only have connect to allow. */
static int measure_connect(long count, unsigned int port, long ll_rules)
{
	int status, err;
	pid_t pid;

	err = tcp_listen(port);
	if (err || !ll_rules)
		return err ? err : measure("connect", count, NULL);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return die("fork", errno);
	if (pid == 0) {
		err = landlock_restrict_net(ll_rules, port);
		_exit(err ? err : measure("connect", count, NULL));
	}
	if (waitpid(pid, &status, 0) < 0)
		return die("waitpid", errno);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* ---- policy load and programs ---- */

static int load(const char *file)
{
	struct mg_client *c;
	char errmsg[256];
	uint64_t t0, t1;
	size_t len = 0, cap = 1 << 16;
	char *blob = malloc(cap);
	FILE *f = fopen(file, "rb");
	int err;

	if (!f || !blob)
		return die(file, errno);
	for (;;) {
		size_t got = fread(blob + len, 1, cap - len, f);

		len += got;
		if (len < cap)
			break;
		cap *= 2;
		blob = realloc(blob, cap);
		if (!blob)
			return die(file, ENOMEM);
	}
	if (ferror(f))
		return die(file, EIO);
	fclose(f);

	err = mg_client_open(&c);
	if (err)
		return die("cannot reach medgate.ko", -err);
	t0 = now_ns();
	err = mg_policy_load(c, blob, len, NULL, errmsg, sizeof(errmsg));
	t1 = now_ns();
	mg_client_close(c);
	free(blob);
	if (err) {
		fprintf(stderr, "mg-bench: policy load of %s (%zu bytes): %s%s%s\n", file, len,
			strerror(-err), errmsg[0] ? ": " : "", errmsg);
		return 1;
	}
	printf("op=load n=1 ns=%llu bytes=%zu\n", (unsigned long long)(t1 - t0), len);
	return 0;
}

static int run(char **argv)
{
	uint64_t t0, t1;
	int status;
	pid_t pid;

	fflush(stdout);
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		return die("fork", errno);
	if (pid == 0) {
		dup2(2, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "mg-bench: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return die("waitpid", errno);
	t1 = now_ns();
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("op=run n=1 ns=%llu status=%d\n", (unsigned long long)(t1 - t0), status);
	return status;
}

static int usage(void)
{
	fprintf(stderr, "usage: mg-bench open|stat COUNT PATH [--landlock RULES DIR]\n"
			"       mg-bench connect COUNT PORT [--landlock RULES]\n"
			"       mg-bench denied COUNT DIR distinct|same\n"
			"       mg-bench logwrite COUNT DIR\n"
			"       mg-bench load BLOB\n"
			"       mg-bench run PROGRAM [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	long count, rules;
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "load"))
		return load(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "run"))
		return run(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "logwrite")) {
		count = strtol(argv[2], &end, 10);
		if (*end || count < 1)
			return usage();
		return measure_logwrite(count, argv[3]);
	}
	if (argc == 5 && !strcmp(argv[1], "denied")) {
		count = strtol(argv[2], &end, 10);
		if (*end || count < 1 || (strcmp(argv[4], "distinct") && strcmp(argv[4], "same")))
			return usage();
		return measure_denied(count, argv[3], !strcmp(argv[4], "distinct"));
	}
	if ((argc == 4 || argc == 6) && !strcmp(argv[1], "connect")) {
		count = strtol(argv[2], &end, 10);
		if (*end || count < 1)
			return usage();
		rules = 0;
		if (argc == 6) {
			rules = strcmp(argv[4], "--landlock") ? -1 : strtol(argv[5], &end, 10);
			if (rules < 1 || *end)
				return usage();
		}
		return measure_connect(count, (unsigned int)strtoul(argv[3], NULL, 10), rules);
	}
	if ((argc != 4 && argc != 7) || (strcmp(argv[1], "open") && strcmp(argv[1], "stat")))
		return usage();
	count = strtol(argv[2], &end, 10);
	if (*end || count < 1)
		return usage();
	if (argc == 4)
		return measure(argv[1], count, argv[3]);
	if (strcmp(argv[4], "--landlock"))
		return usage();
	rules = strtol(argv[5], &end, 10);
	if (*end || rules < 1)
		return usage();
	return measure_landlocked(argv[1], count, argv[3], rules, argv[6]);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * medgated's chained, signed audit log against the real module: a denial of a real process
 * reaches the log with the fields `medgatectl audit show --json` prints for it, `medgatectl audit
 * verify` passes the log with the public key alone and finds an edit made to it, a restarted
 * medgated continues the chain, and a full disk stops neither medgated nor enforcement and ends
 * as a loss record once there is room again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json.h>

#include "kselftest_harness.h"
#include "mg_util.h"
#include "medgate.h"

#define DAEMON	"/usr/sbin/medgated"
#define D	MG_WORKDIR "/auditlog"
#define PROBE	D "/probe"
#define SECRET	D "/secret"
#define LOG	D "/log/audit.log"
#define KEY	D "/etc/audit.key"
#define PUB	D "/etc/audit.pub"
#define OUT	D "/medgated.out"

FIXTURE(alog) {
	char out[65536];
};

FIXTURE_SETUP(alog)
{
	mkdir(MG_WORKDIR, 0755);
	mkdir(D, 0755);
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_write_file(SECRET, "s\n", 0600));
	ASSERT_EQ(0, mg_load_textf("profile logged {\n    attach " PROBE "\n}\n"));
	/* Each test starts a new log (the key may stay: it is the device's). */
	unlink(LOG);
}

FIXTURE_TEARDOWN(alog)
{
}

static char *slurp(const char *path)
{
	size_t len;
	char *buf;

	return mg_read_file(path, 1 << 24, &buf, &len, NULL) ? NULL : buf;
}

/* The log line of module event @seq, or NULL. */
static char *line_of(const char *log, uint64_t seq)
{
	char want[64], *p, *end;

	snprintf(want, sizeof(want), "{\"type\":\"event\",\"seq\":%" PRIu64 ",", seq);
	p = strstr(log, want);
	if (!p)
		return NULL;
	end = strchr(p, '\n');
	return end ? strndup(p, end - p) : NULL;
}

static char *last(char *s, const char *what)
{
	char *p, *found = NULL;

	for (p = strstr(s, what); p; p = strstr(p + 1, what))
		found = p;
	return found;
}

/*
 * Starts medgated on LOG; waits (a bounded poll, not a timing check) until the log holds its
 * start checkpoint. Returns the pid, or -1.
 */
static pid_t start_logger(void)
{
	char *argv[] = { DAEMON, "--log", LOG, "--key", KEY, "--pubkey", PUB, NULL };
	pid_t pid = fork();
	int i;

	if (!pid) {
		int fd = open(OUT, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(125);
		execv(argv[0], argv);
		_exit(127);
	}
	for (i = 0; i < 1200; i++) {
		char *log = slurp(LOG), *start = log ? last(log, "\"reason\":\"start\"") : NULL;
		bool ready = start && !strstr(start, "\"type\":\"stop\"");

		free(log);
		if (ready && waitpid(pid, NULL, WNOHANG) == 0)
			return pid;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	mg_wait_exit(pid);
	return -1;
}

/* A denial by the probe; waits until medgated logged it in @log. Its module record into *@ev. */
static int deny_and_log_to(const char *logpath, struct mg_event *ev)
{
	uint64_t from = mg_audit_next();
	int i;

	if (mg_run_probe(PROBE, "open", SECRET, "r") != EACCES ||
	    mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, ev))
		return -1;
	for (i = 0; i < 1200; i++) {
		char *log = slurp(logpath), *line = log ? line_of(log, ev->seq) : NULL;

		free(log);
		free(line);
		if (line)
			return 0;
		usleep(50000);
	}
	return -1;
}

static int deny_and_log(struct mg_event *ev)
{
	return deny_and_log_to(LOG, ev);
}

TEST_F(alog, denial_reaches_the_log_with_its_fields_and_verifies)
{
	struct json_object *logged, *shown, *v;
	struct mg_event ev;
	char shown_text[MG_EVENT_LINE_MAX], *log, *line;
	struct stat st;
	pid_t pid;

	pid = start_logger();
	ASSERT_LT(0, pid) {
		char *out = slurp(OUT);

		TH_LOG("medgated did not start its log: %s", out ? out : "");
		free(out);
	}
	ASSERT_EQ(0, deny_and_log(&ev));
	kill(pid, SIGTERM);
	ASSERT_EQ(0, mg_wait_exit(pid));

	log = slurp(LOG);
	ASSERT_NE(NULL, log);
	line = line_of(log, ev.seq);
	ASSERT_NE(NULL, line);
	/* Every field `audit show --json` prints for this record, with the same value. */
	ASSERT_EQ(0, mg_event_format_json(&ev, shown_text, sizeof(shown_text)));
	logged = json_tokener_parse(line);
	shown = json_tokener_parse(shown_text);
	ASSERT_NE(NULL, logged);
	ASSERT_NE(NULL, shown);
	json_object_object_foreach(shown, key, val) {
		EXPECT_TRUE(json_object_object_get_ex(logged, key, &v)) {
			TH_LOG("%s missing from %s", key, line);
		}
		EXPECT_TRUE(json_object_equal(val, v)) {
			TH_LOG("%s differs: %s", key, line);
		}
	}
	EXPECT_STREQ(SECRET, json_object_get_string(json_object_object_get(logged, "path")));
	EXPECT_STREQ("deny", json_object_get_string(json_object_object_get(logged, "verdict")));
	EXPECT_STREQ("logged", json_object_get_string(json_object_object_get(logged, "profile")));
	EXPECT_TRUE(json_object_object_get_ex(logged, "prev", NULL));
	json_object_put(logged);
	json_object_put(shown);
	/* Started, stopped, sealed. */
	EXPECT_NE(NULL, strstr(log, "{\"type\":\"start\","));
	EXPECT_NE(NULL, strstr(log, "{\"type\":\"stop\","));
	EXPECT_NE(NULL, strstr(log, "\"reason\":\"stop\""));
	free(line);
	free(log);

	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "audit verify --pubkey " PUB " " LOG)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "intact"));
	/* The device key: root only; the public key: anyone. */
	ASSERT_EQ(0, stat(KEY, &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	ASSERT_EQ(0, stat(LOG, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
}

TEST_F(alog, edit_of_the_denial_is_found_by_verify)
{
	struct mg_event ev;
	char *log, *line, *at, want[128];
	pid_t pid;

	pid = start_logger();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, deny_and_log(&ev));
	kill(pid, SIGTERM);
	ASSERT_EQ(0, mg_wait_exit(pid));
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "audit verify --pubkey " PUB " " LOG)) {
		TH_LOG("%s", self->out);
	}
	/* Someone turns the denial into an allow, in place. */
	log = slurp(LOG);
	ASSERT_NE(NULL, log);
	line = line_of(log, ev.seq);
	ASSERT_NE(NULL, line);
	at = strstr(strstr(log, line), "\"verdict\":\"deny\"");
	ASSERT_NE(NULL, at);
	memcpy(at, "\"verdict\":\"DENY\"", 16);
	ASSERT_EQ(0, mg_write_file(LOG, log, 0600));
	EXPECT_EQ(1, mg_ctl(self->out, sizeof(self->out), "audit verify --pubkey " PUB " " LOG));
	snprintf(want, sizeof(want), "%s:", LOG);
	EXPECT_NE(NULL, strstr(self->out, want)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "NOT INTACT"));
	free(line);
	free(log);
}

TEST_F(alog, restarted_daemon_continues_the_chain)
{
	struct mg_event first, second;
	char *log, *a, *b;
	pid_t pid;

	pid = start_logger();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, deny_and_log(&first));
	kill(pid, SIGTERM);
	ASSERT_EQ(0, mg_wait_exit(pid));

	pid = start_logger();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, deny_and_log(&second));
	kill(pid, SIGTERM);
	ASSERT_EQ(0, mg_wait_exit(pid));

	log = slurp(LOG);
	ASSERT_NE(NULL, log);
	/* One file, two runs: the second start follows the first stop's checkpoint. */
	a = strstr(log, "{\"type\":\"start\",");
	ASSERT_NE(NULL, a);
	b = strstr(a + 1, "{\"type\":\"start\",");
	ASSERT_NE(NULL, b) {
		TH_LOG("%s", log);
	}
	b[-1] = '\0';
	a = strrchr(log, '\n');
	EXPECT_NE(NULL, strstr(a ? a : log, "\"reason\":\"stop\"")) {
		TH_LOG("the line before the second start: %s", a ? a : log);
	}
	EXPECT_LT(first.seq, second.seq);
	free(log);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "audit verify --pubkey " PUB " " LOG)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "1 file,"));
}

/*
 * A power cut in the middle of a write: medgated dies without its stop checkpoint and the log ends
 * in half a line. The next start moves the torn bytes aside to LOG.torn, says so in a `torn`
 * record, seals what the dead run wrote with its start checkpoint, and the log verifies.
 */
TEST_F(alog, torn_last_line_is_moved_aside_and_the_log_verifies)
{
	static const char torn[] = "{\"type\":\"event\",\"seq\":12345,\"time\":\"2026-12-0";
	struct mg_event first, second;
	char *log, *aside;
	pid_t pid;
	int fd;

	unlink(LOG ".torn");
	pid = start_logger();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, deny_and_log(&first));
	kill(pid, SIGKILL);
	ASSERT_EQ(1000 + SIGKILL, mg_wait_exit(pid));
	fd = open(LOG, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(torn), write(fd, torn, strlen(torn)));
	close(fd);
	/* Before the restart the break is found, where it is. */
	EXPECT_EQ(1, mg_ctl(self->out, sizeof(self->out), "audit verify --pubkey " PUB " " LOG));

	pid = start_logger();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, deny_and_log(&second));
	kill(pid, SIGTERM);
	ASSERT_EQ(0, mg_wait_exit(pid));

	aside = slurp(LOG ".torn");
	ASSERT_NE(NULL, aside);
	EXPECT_EQ(0, strncmp(aside, torn, strlen(torn))) TH_LOG("%s", aside);
	free(aside);
	log = slurp(LOG);
	ASSERT_NE(NULL, log);
	EXPECT_EQ(NULL, strstr(log, torn));
	EXPECT_NE(NULL, strstr(log, "{\"type\":\"torn\",")) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "\"bytes\":")) TH_LOG("%s", log);
	free(log);
	EXPECT_LT(first.seq, second.seq);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "audit verify --pubkey " PUB " " LOG)) {
		TH_LOG("%s", self->out);
	}
}

#define FULL	D "/full"	/* a small tmpfs, larger than a dump of the whole ring */
#define FULL_LOG FULL "/audit.log"
#define FILLER	FULL "/filler"

#define NOSPACE	"cannot write the audit log: No space left on device"

static bool contains(const char *path, const char *what)
{
	char *text = slurp(path);
	bool found = text && strstr(text, what);

	free(text);
	return found;
}

/* Waits (bounded) until @path contains @what. */
static bool wait_for(const char *path, const char *what)
{
	int i;

	for (i = 0; i < 1200; i++) {
		char *text = slurp(path);
		bool found = text && strstr(text, what);

		free(text);
		if (found)
			return true;
		usleep(50000);
	}
	return false;
}

/* Fills the file system of @path; 0 once a write found no space. */
static int fill(const char *path)
{
	static char block[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t chunk = sizeof(block);

	if (fd < 0)
		return -errno;
	memset(block, 'x', sizeof(block));
	while (chunk) {
		if (write(fd, block, chunk) < 0) {
			if (errno != ENOSPC)
				break;
			chunk /= 2;
		}
	}
	close(fd);
	return chunk ? -EIO : 0;
}

/*
 * A new log starts with whatever the module's ring still holds from earlier tests, and the
 * probes run slowly under emulation: more than the harness's default 30 seconds may pass.
 */
TEST_F_TIMEOUT(alog, full_disk_keeps_daemon_and_enforcement_and_reports_the_loss, 240)
{
	char *argv[] = { DAEMON, "--log", FULL_LOG, "--key", KEY, "--pubkey", PUB, NULL };
	char path[128], *log;
	struct mg_event ev;
	uint64_t from;
	pid_t pid;
	int i;

	mkdir(FULL, 0700);
	umount(FULL);
	ASSERT_EQ(0, mount("tmpfs", FULL, "tmpfs", 0, "size=2m,mode=0700"));
	unlink(OUT);
	pid = fork();
	if (!pid) {
		int fd = open(OUT, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(125);
		execv(argv[0], argv);
		_exit(127);
	}
	ASSERT_TRUE(wait_for(FULL_LOG, "\"reason\":\"start\""));
	ASSERT_EQ(0, fill(FILLER));
	/* Distinct denials (the flood limiter records a repeat once a second) until one is not logged. */
	from = mg_audit_next();
	for (i = 0; i < 40 && (!i || !contains(OUT, NOSPACE)); i++) {
		snprintf(path, sizeof(path), D "/secret-%d", i);
		ASSERT_EQ(0, mg_write_file(path, "s\n", 0600));
		/* Enforcement goes on with the log full. */
		ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", path, "r"));
	}
	ASSERT_TRUE(wait_for(OUT, NOSPACE)) {
		char *out = slurp(OUT);

		TH_LOG("%s", out ? out : "");
		free(out);
	}
	ASSERT_EQ(0, mg_find_event(from, path, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_EQ(0, waitpid(pid, NULL, WNOHANG));	/* still running */

	/* Space returns: the next pull writes the loss, then the new denial. */
	ASSERT_EQ(0, unlink(FILLER));
	ASSERT_EQ(EACCES, mg_run_probe(PROBE, "open", SECRET, "r"));
	EXPECT_TRUE(wait_for(FULL_LOG, "\"source\":\"log\""));
	EXPECT_TRUE(wait_for(OUT, "the audit log can be written again"));
	kill(pid, SIGTERM);
	EXPECT_EQ(0, mg_wait_exit(pid));
	log = slurp(FULL_LOG);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "\"reason\":\"No space left on device\"")) {
		TH_LOG("%.3000s", log);
	}
	free(log);
	EXPECT_EQ(0, mg_ctl(self->out, sizeof(self->out), "audit verify --pubkey " PUB " " FULL_LOG)) {
		TH_LOG("%s", self->out);
	}
	umount(FULL);
}

#define NEARLY	D "/nearly"	/* a small tmpfs filled past the warning threshold */
#define NEARLY_LOG NEARLY "/audit.log"

/*
 * A file system filling up is said before records are lost: one `warning` record (reason
 * capacity) once the log's file system is past --capacity-warn, not one per pull.
 */
TEST_F_TIMEOUT(alog, filling_file_system_gives_one_capacity_warning, 120)
{
	char *argv[] = { DAEMON, "--log", NEARLY_LOG, "--key", KEY, "--pubkey", PUB,
			 "--capacity-warn", "80", NULL };
	struct mg_event ev;
	char *log, *first;
	pid_t pid;

	mkdir(NEARLY, 0700);
	umount(NEARLY);
	ASSERT_EQ(0, mount("tmpfs", NEARLY, "tmpfs", 0, "size=2m,mode=0700"));
	/* 1.75 MiB of 2: 87.5% before the log's own blocks. */
	ASSERT_EQ(0, system("dd if=/dev/zero of=" NEARLY "/filler bs=1024 count=1792 2>/dev/null"));
	pid = fork();
	if (!pid) {
		int fd = open(OUT, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(125);
		execv(argv[0], argv);
		_exit(127);
	}
	ASSERT_TRUE(wait_for(NEARLY_LOG, "\"reason\":\"capacity\""));
	/* More records and pulls: still one warning. */
	ASSERT_EQ(0, deny_and_log_to(NEARLY_LOG, &ev));
	kill(pid, SIGTERM);
	ASSERT_EQ(0, mg_wait_exit(pid));
	log = slurp(NEARLY_LOG);
	ASSERT_NE(NULL, log);
	first = strstr(log, "{\"type\":\"warning\",\"reason\":\"capacity\",");
	ASSERT_NE(NULL, first) TH_LOG("%s", log);
	EXPECT_EQ(NULL, strstr(first + 1, "{\"type\":\"warning\"")) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(first, "\"warn_percent\":80")) TH_LOG("%s", first);
	free(log);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "audit verify --pubkey " PUB " " NEARLY_LOG)) {
		TH_LOG("%s", self->out);
	}
	umount(NEARLY);
}

#define FLOOD	"/medgate/helpers/mg-flood"

struct ring_view {
	uint64_t want;
	bool seen, lost;
};

static int ring_event(const struct mg_event *ev, void *arg)
{
	struct ring_view *v = arg;

	v->seen |= ev->seq == v->want;
	return 0;
}

static void ring_loss(uint64_t count, uint64_t before, void *arg)
{
	struct ring_view *v = arg;

	v->lost |= before - count <= v->want && v->want < before;
}

/*
 * Review from the log: after distinct denials of 8 profiles overwrote the module's ring, the
 * module reports the early denial lost, but `audit show --log` shows it (the daemon saved it),
 * with no loss in front of it; summary and export read the log the same way.
 */
TEST_F_TIMEOUT(alog, the_log_shows_what_the_ring_no_longer_holds, 240)
{
	struct mg_audit_reader r;
	struct ring_view v = { 0 };
	char policy[4096], exe[256], prefix[256], path[256], args[512], want[64];
	struct mg_client *c;
	struct mg_event early;
	size_t used;
	uint64_t cursor;
	pid_t pid;
	int i, j;

	used = snprintf(policy, sizeof(policy), "profile logged {\n    attach " PROBE "\n}\n");
	ASSERT_EQ(0, system("mkdir -p " D "/obj"));
	for (i = 0; i < 8; i++) {
		snprintf(exe, sizeof(exe), D "/flood%d", i);
		ASSERT_EQ(0, mg_copy_file(FLOOD, exe, 0755));
		used += snprintf(policy + used, sizeof(policy) - used,
				 "profile p%d {\n    attach %s\n}\n", i, exe);
		ASSERT_LT(used, sizeof(policy));
		for (j = 0; j < 50; j++) {
			snprintf(path, sizeof(path), D "/obj/%d-%d", i, j);
			ASSERT_EQ(0, mg_write_file(path, "o\n", 0644));
		}
	}
	ASSERT_EQ(0, mg_load_textf("%s", policy));
	pid = start_logger();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, deny_and_log(&early));
	for (i = 0; i < 8; i++) {
		char *argv[] = { exe, "open-each", prefix, "50", NULL };

		snprintf(exe, sizeof(exe), D "/flood%d", i);
		snprintf(prefix, sizeof(prefix), D "/obj/%d-", i);
		EXPECT_EQ(0, mg_run(argv));
	}
	kill(pid, SIGTERM);
	ASSERT_EQ(0, mg_wait_exit(pid));

	/* The module: gone from the ring, reported lost. */
	r = (struct mg_audit_reader){ ring_event, ring_loss, &v };
	v.want = early.seq;
	cursor = early.seq;
	ASSERT_EQ(0, mg_client_open(&c));
	ASSERT_EQ(0, mg_audit_follow(c, &cursor, &r, NULL));
	mg_client_close(c);
	ASSERT_FALSE(v.seen);
	ASSERT_TRUE(v.lost);

	/* The log: there, and nothing lost in front of it. */
	snprintf(args, sizeof(args), "audit show --log " LOG " --from %llu --path " SECRET " -j",
		 (unsigned long long)early.seq);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), args)) TH_LOG("%s", self->out);
	snprintf(want, sizeof(want), "{\"type\":\"event\",\"seq\":%llu,",
		 (unsigned long long)early.seq);
	EXPECT_EQ(0, strncmp(self->out, want, strlen(want))) TH_LOG("%s", self->out);
	snprintf(args, sizeof(args), "audit export --format csv --log " LOG " --path " SECRET);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), args)) TH_LOG("%s", self->out);
	snprintf(want, sizeof(want), "\"event\",%llu,", (unsigned long long)early.seq);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	ASSERT_EQ(0, mg_ctl(self->out, sizeof(self->out), "audit summary --log " LOG))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, SECRET)) TH_LOG("%s", self->out);
}

TEST_HARNESS_MAIN

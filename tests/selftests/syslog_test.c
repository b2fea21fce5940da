// SPDX-License-Identifier: GPL-2.0
/*
 * medgated --syslog against the real module: a real process denied by a profile reaches a syslog
 * socket (this test's own AF_UNIX datagram socket) as an RFC 5424 message whose structured data
 * carries the module record's seq, path, verdict and profile; with the socket gone the signed log
 * still gets the next denial, the stop record counts what could not be forwarded, and a socket
 * bound again gets the records that follow.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mg_util.h"
#include "medgate.h"

#define DAEMON	"/usr/sbin/medgated"
#define D	MG_WORKDIR "/syslog"
#define PROBE	D "/probe"
#define SECRET	D "/secret"
#define LOG	D "/log/audit.log"
#define KEY	D "/etc/audit.key"
#define PUB	D "/etc/audit.pub"
#define OUT	D "/medgated.out"
#define SOCK	D "/syslog.sock"

static char *slurp(const char *path)
{
	size_t len;
	char *buf;

	return mg_read_file(path, 1 << 24, &buf, &len, NULL) ? NULL : buf;
}

static char *last(char *s, const char *what)
{
	char *p, *found = NULL;

	for (p = strstr(s, what); p; p = strstr(p + 1, what))
		found = p;
	return found;
}

/* This test's syslog: a datagram socket bound at SOCK. */
static int bind_syslog(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = SOCK };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	unlink(SOCK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* medgated with --syslog SOCK; waits (a bounded poll) for its start checkpoint. */
static pid_t start_logger(void)
{
	char *argv[] = { DAEMON, "--log", LOG, "--key", KEY, "--pubkey", PUB, "--syslog", SOCK,
			 NULL };
	pid_t pid = fork();
	int i;

	if (!pid) {
		int fd = open(OUT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

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

/* A denial by the probe; waits until the signed log has it. Its module record into *@ev. */
static int deny_and_log(struct mg_event *ev)
{
	uint64_t from = mg_audit_next();
	char want[64];
	int i;

	if (mg_run_probe(PROBE, "open", SECRET, "r") != EACCES ||
	    mg_find_event(from, SECRET, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, ev))
		return -1;
	snprintf(want, sizeof(want), "{\"type\":\"event\",\"seq\":%" PRIu64 ",", ev->seq);
	for (i = 0; i < 1200; i++) {
		char *log = slurp(LOG);
		bool found = log && strstr(log, want);

		free(log);
		if (found)
			return 0;
		usleep(50000);
	}
	return -1;
}

/* The datagram whose structured data says seq=@seq into @buf (bounded poll); 0 or -1. */
static int receive_seq(int fd, uint64_t seq, char *buf, size_t len)
{
	char want[64];
	int i;

	snprintf(want, sizeof(want), " seq=\"%" PRIu64 "\" ", seq);
	for (i = 0; i < 1200; i++) {
		ssize_t n = recv(fd, buf, len - 1, MSG_DONTWAIT);

		if (n < 0) {
			if (errno != EAGAIN)
				return -1;
			usleep(50000);
			continue;
		}
		buf[n] = '\0';
		if (strstr(buf, want))
			return 0;
	}
	return -1;
}

FIXTURE(fwd) {
	char msg[65536];
	pid_t pid;
	int sock;
};

FIXTURE_SETUP(fwd)
{
	struct mg_event marker;

	mkdir(MG_WORKDIR, 0755);
	mkdir(D, 0755);
	ASSERT_EQ(0, mg_copy_file(MG_PROBE, PROBE, 0755));
	ASSERT_EQ(0, mg_write_file(SECRET, "s\n", 0600));
	/* No rules: the probe may open nothing of its own. */
	ASSERT_EQ(0, mg_load_textf("profile syslogged {\n    attach " PROBE "\n}\n"));
	unlink(LOG);
	self->sock = bind_syslog();
	ASSERT_LE(0, self->sock);
	self->pid = start_logger();
	ASSERT_LT(0, self->pid) {
		char *out = slurp(OUT);

		TH_LOG("medgated did not start its log: %s", out ? out : "");
		free(out);
	}
	/*
	 * A new log starts at sequence 0, so medgated's first pull forwards the module's whole
	 * history, more than a socket queue holds. A first denial, once it is in the log, says that
	 * pull is over; what it left in the queue is drained, and each test then looks for its own
	 * record by seq.
	 */
	ASSERT_EQ(0, deny_and_log(&marker));
	while (recv(self->sock, self->msg, sizeof(self->msg), MSG_DONTWAIT) >= 0)
		;
}

FIXTURE_TEARDOWN(fwd)
{
	if (self->pid > 0) {
		kill(self->pid, SIGTERM);
		mg_wait_exit(self->pid);
	}
	if (self->sock >= 0)
		close(self->sock);
	unlink(SOCK);
}

TEST_F(fwd, a_denial_reaches_syslog_as_rfc5424_with_the_module_record)
{
	struct mg_event ev;
	char head[128];

	ASSERT_EQ(0, deny_and_log(&ev));
	ASSERT_EQ(0, receive_seq(self->sock, ev.seq, self->msg, sizeof(self->msg))) {
		TH_LOG("no datagram with seq %" PRIu64, ev.seq);
	}
	/* authpriv.warning, version 1, medgated's pid, the operation as MSGID. */
	EXPECT_EQ(0, strncmp(self->msg, "<84>1 ", 6)) TH_LOG("%s", self->msg);
	snprintf(head, sizeof(head), " medgated %d file_open [medgate@32473 seq=\"%" PRIu64 "\" ",
		 self->pid, ev.seq);
	EXPECT_NE(NULL, strstr(self->msg, head)) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, " verdict=\"deny\" ")) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, " profile=\"syslogged\" ")) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, " path=\"" SECRET "\" ")) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, " exe=\"" PROBE "\" ")) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, " access=\"r\" ")) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, "] deny file_open r " SECRET " by ")) TH_LOG("%s", self->msg);
}

TEST_F(fwd, without_a_listener_the_log_goes_on_and_counts_what_syslog_missed)
{
	struct mg_event ev;
	char *log, *stop, *out;
	unsigned long long missed;

	ASSERT_EQ(0, deny_and_log(&ev));
	ASSERT_EQ(0, receive_seq(self->sock, ev.seq, self->msg, sizeof(self->msg)));
	/* The listener goes away: the next denial is in the signed log all the same. */
	close(self->sock);
	self->sock = -1;
	unlink(SOCK);
	ASSERT_EQ(0, deny_and_log(&ev));
	/* Back again: a later record is forwarded (reconnected at the next record). */
	self->sock = bind_syslog();
	ASSERT_LE(0, self->sock);
	ASSERT_EQ(0, deny_and_log(&ev));
	ASSERT_EQ(0, receive_seq(self->sock, ev.seq, self->msg, sizeof(self->msg))) {
		TH_LOG("no datagram with seq %" PRIu64 " after the socket came back", ev.seq);
	}
	kill(self->pid, SIGTERM);
	ASSERT_EQ(0, mg_wait_exit(self->pid));
	self->pid = 0;

	log = slurp(LOG);
	ASSERT_NE(NULL, log);
	stop = last(log, "{\"type\":\"stop\",");
	ASSERT_NE(NULL, stop);
	stop = strstr(stop, "\"syslog_unforwarded\":");
	ASSERT_NE(NULL, stop) TH_LOG("%s", log);
	missed = strtoull(stop + strlen("\"syslog_unforwarded\":"), NULL, 10);
	EXPECT_LE(1, missed);
	free(log);
	out = slurp(OUT);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "cannot forward audit records to " SOCK)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "forwarding audit records to " SOCK " again")) TH_LOG("%s", out);
	free(out);
	ASSERT_EQ(0, mg_ctl(self->msg, sizeof(self->msg), "audit verify --pubkey " PUB " " LOG)) {
		TH_LOG("%s", self->msg);
	}
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Real Debian programs confined the way docs/abstractions.md teaches: the service's own rules
 * plus include <abstractions/...> (shipped in the VM at /usr/share/medgate/abstractions, the
 * default include directory). Each program runs from its real path (/usr/bin/curl, ...) in a
 * merged-/usr root with the libraries and configuration files of Debian 12, under an ENFORCE
 * profile: it must do its job, and its profile must still refuse what it does not grant (checked
 * in the audit stream).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define D	MG_WORKDIR "/programs"
#define WWW	D "/www"
#define DATA	D "/data.txt"
#define OUT	D "/out.txt"
#define SCRIPT	D "/svc.sh"
#define SHADOW	"/etc/shadow"
#define PORT	"18080"

/* sha256("medgate\n") */
#define DATA_TEXT	"medgate\n"
#define DATA_SHA256	"40c28fd1e39d3053a97b8161dcb048e6debc37c073474f7000c176762ba02839"

static const char policy[] =
	"profile curl {\n"
	"    attach /usr/bin/curl\n"
	"    include <abstractions/base.policy>\n"
	"    include <abstractions/nameservice.policy>\n"
	"    include <abstractions/openssl.policy>\n"
	"    file " OUT " rwc\n"
	"}\n"
	"profile getent {\n"
	"    attach /usr/bin/getent\n"
	"    include <abstractions/base.policy>\n"
	"    include <abstractions/nameservice.policy>\n"
	/* Its standard output, a file the test opened: revalidated when getent enters the profile. */
	"    file " D "/getent.out w\n"
	"}\n"
	"profile openssl {\n"
	"    attach /usr/bin/openssl\n"
	"    include <abstractions/base.policy>\n"
	"    include <abstractions/openssl.policy>\n"
	"    file " DATA " r\n"
	"    file " D "/openssl.out w\n"
	"}\n"
	"profile svc-script {\n"
	"    attach " SCRIPT "\n"
	"    include <abstractions/base.policy>\n"
	"    include <abstractions/shell.policy>\n"
	"    file " SCRIPT " r\n"
	"    file " DATA " r\n"
	"    file " D " r\n"
	"    file " OUT " rwc\n"
	"}\n";

/* Runs argv with stdout (and stderr) into @out (NULL: /dev/null); exit status or -1000-signal. */
static int run_out(char *const argv[], const char *out)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return -1000 - WTERMSIG(status);
	return WEXITSTATUS(status);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

/* Every denial of @path since @from, logged to the test output; true if one is in @profile. */
static bool denied_in(uint64_t from, const char *path, const char *profile,
		      struct __test_metadata *_metadata)
{
	struct mg_event ev;

	if (mg_find_event(from, path, MEDGATE_OP_NONE, MEDGATE_VERDICT_DENY, &ev))
		return false;
	TH_LOG("audit: profile %s op %s path %s", ev.profile, mg_op_name(ev.op), ev.path);
	return !strcmp(ev.profile, profile);
}

/* Logs the denials since @from: what a profile missed, when a program failed. */
static int log_event(const struct mg_event *ev, void *arg)
{
	struct __test_metadata *_metadata = arg;

	TH_LOG("audit: seq %llu profile %s %s %s op %s access 0x%x path %s rule %u",
	       (unsigned long long)ev->seq, ev->profile, mg_mode_name(ev->mode),
	       mg_verdict_name(ev->verdict), mg_op_name(ev->op), ev->access, ev->path, ev->rule);
	return 0;
}

static void log_audit(uint64_t from, struct __test_metadata *_metadata)
{
	struct mg_client *c;

	if (mg_client_open(&c))
		return;
	mg_audit_read(c, from, log_event, _metadata, NULL, NULL);
	mg_client_close(c);
}

FIXTURE(programs) {
	pid_t httpd;
};

FIXTURE_SETUP(programs)
{
	char err[512];

	self->httpd = 0;
	mkdir(MG_WORKDIR, 0755);
	mkdir(D, 0755);
	mkdir(WWW, 0755);
	ASSERT_EQ(0, mg_write_file(DATA, DATA_TEXT, 0644));
	ASSERT_EQ(0, mg_write_file(WWW "/page.txt", "served by busybox httpd\n", 0644));
	ASSERT_EQ(0, mg_write_file(SCRIPT,
				   "#!/bin/sh\n"
				   "# A service written as a shell script: busybox applets only.\n"
				   "cat \"$1\" >/dev/null || exit 3\n"
				   "ls " D " >/dev/null || exit 4\n"
				   "echo done >" OUT " || exit 5\n"
				   "exit 0\n", 0755));
	unlink(OUT);
	ASSERT_EQ(0, mg_load_text(policy, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
}

FIXTURE_TEARDOWN(programs)
{
	if (self->httpd > 0) {
		kill(self->httpd, SIGTERM);
		waitpid(self->httpd, NULL, 0);
	}
	unlink(OUT);
}

static bool port_open(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(PORT)) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return ok;
}

TEST_F_TIMEOUT(programs, curl_fetches_from_httpd, 120)
{
	char *fetch[] = { "/usr/bin/curl", "-sS", "-o", OUT, "http://127.0.0.1:" PORT "/page.txt",
			  NULL };
	char *shadow[] = { "/usr/bin/curl", "-sS", "-o", OUT, "file://" SHADOW, NULL };
	uint64_t from = mg_audit_next();
	int i, rc;

	MG_SKIP_WITHOUT_PROGRAM("/usr/bin/curl");
	/* The server is unconfined (network rules are not mediated yet). */
	self->httpd = fork();
	ASSERT_LE(0, self->httpd);
	if (self->httpd == 0) {
		execl("/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:" PORT, "-h", WWW, NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && !port_open(); i++)
		usleep(100000);
	ASSERT_TRUE(port_open());

	rc = run_out(fetch, D "/curl.log");
	EXPECT_EQ(0, rc) {
		TH_LOG("curl: %s", slurp(D "/curl.log"));
		log_audit(from, _metadata);
	}
	EXPECT_STREQ("served by busybox httpd\n", slurp(OUT));

	from = mg_audit_next();
	EXPECT_NE(0, run_out(shadow, NULL));
	EXPECT_TRUE(denied_in(from, SHADOW, "curl", _metadata));
}

TEST_F(programs, getent_passwd_and_hosts)
{
	char *passwd[] = { "/usr/bin/getent", "passwd", "root", NULL };
	char *hosts[] = { "/usr/bin/getent", "hosts", "localhost", NULL };
	char *shadow[] = { "/usr/bin/getent", "shadow", "root", NULL };
	uint64_t from = mg_audit_next();
	int rc;

	MG_SKIP_WITHOUT_PROGRAM("/usr/bin/getent");
	rc = run_out(passwd, D "/getent.out");
	EXPECT_EQ(0, rc) {
		TH_LOG("getent passwd: %s", slurp(D "/getent.out"));
		log_audit(from, _metadata);
	}
	EXPECT_EQ(0, strncmp(slurp(D "/getent.out"), "root:x:0:0:", 11));

	from = mg_audit_next();
	rc = run_out(hosts, D "/getent.out");
	EXPECT_EQ(0, rc) {
		TH_LOG("getent hosts: %s", slurp(D "/getent.out"));
		log_audit(from, _metadata);
	}
	EXPECT_NE(NULL, strstr(slurp(D "/getent.out"), "localhost"));

	/* nsswitch.conf says "shadow: files": getent opens /etc/shadow, which nameservice omits. */
	from = mg_audit_next();
	EXPECT_NE(0, run_out(shadow, NULL));
	EXPECT_TRUE(denied_in(from, SHADOW, "getent", _metadata));
}

TEST_F(programs, openssl_digest_and_config)
{
	char *dgst[] = { "/usr/bin/openssl", "dgst", "-sha256", DATA, NULL };
	char *version[] = { "/usr/bin/openssl", "version", "-d", NULL };
	char *shadow[] = { "/usr/bin/openssl", "dgst", "-sha256", SHADOW, NULL };
	uint64_t from = mg_audit_next();
	int rc;

	MG_SKIP_WITHOUT_PROGRAM("/usr/bin/openssl");
	rc = run_out(dgst, D "/openssl.out");
	EXPECT_EQ(0, rc) {
		TH_LOG("openssl dgst: %s", slurp(D "/openssl.out"));
		log_audit(from, _metadata);
	}
	EXPECT_NE(NULL, strstr(slurp(D "/openssl.out"), "SHA2-256(" DATA ")= " DATA_SHA256));

	from = mg_audit_next();
	rc = run_out(version, D "/openssl.out");
	EXPECT_EQ(0, rc) {
		TH_LOG("openssl version: %s", slurp(D "/openssl.out"));
		log_audit(from, _metadata);
	}
	EXPECT_NE(NULL, strstr(slurp(D "/openssl.out"), "OPENSSLDIR: \"/usr/lib/ssl\""));

	from = mg_audit_next();
	EXPECT_NE(0, run_out(shadow, NULL));
	EXPECT_TRUE(denied_in(from, SHADOW, "openssl", _metadata));
}

TEST_F(programs, shell_script_runs_applets)
{
	char *ok[] = { SCRIPT, DATA, NULL };
	char *shadow[] = { SCRIPT, SHADOW, NULL };
	uint64_t from = mg_audit_next();
	int rc;

	rc = run_out(ok, D "/script.log");
	EXPECT_EQ(0, rc) {
		TH_LOG("svc.sh: %s", slurp(D "/script.log"));
		log_audit(from, _metadata);
	}
	EXPECT_STREQ("done\n", slurp(OUT));

	/* cat runs in the script's profile: it may not read /etc/shadow. */
	from = mg_audit_next();
	EXPECT_EQ(3, run_out(shadow, NULL));
	EXPECT_TRUE(denied_in(from, SHADOW, "svc-script", _metadata));
}

TEST_HARNESS_MAIN

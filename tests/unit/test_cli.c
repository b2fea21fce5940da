// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl on the host, for what needs no module: help anywhere on the command line, policy
 * directories with odd entries, --base from a pipe, the warning before loading an empty policy
 * (printed before the tool even looks for the module). tests/selftests/cli_test.c covers the
 * rest against the real module.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static char tmp[64];
static char out[1 << 16];

/* Runs a shell command line (MG_CTL stands for medgatectl) with stderr in stdout; exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096], *line;
	size_t n = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (asprintf(&line, "cd %s && { %s; } 2>&1", tmp, cmd) < 0)
		return -1;
	p = popen(line, "r");
	free(line);
	if (!p)
		return -1;
	while (n + 1 < sizeof(out)) {
		size_t r = fread(out + n, 1, sizeof(out) - 1 - n, p);

		if (!r)
			break;
		n += r;
	}
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define CTL MG_CTL

static void put(const char *name, const char *text)
{
	tap_put_file(tmp, name, text);
}

static void explain(int ok)
{
	if (!ok)
		printf("# output:\n# %.2000s\n", out);
}

static void test_help(void)
{
	static const struct { const char *args, *usage; } c[] = {
		{ "policy load --help", "Usage: medgatectl policy " },
		{ "policy check x.policy -h", "Usage: medgatectl policy " },
		{ "policy diff a.policy --base b --help", "Usage: medgatectl policy " },
		{ "policy --help", "Usage: medgatectl policy " },
		{ "status --help", "Usage: medgatectl status " },
		{ "-j status -h", "Usage: medgatectl status " },
		{ "audit show --help", "Usage: medgatectl audit " },
		{ "audit show --from 3 -h", "Usage: medgatectl audit " },
		{ "--help", "Usage: medgatectl [OPTIONS]" },
	};
	size_t i;
	int ok;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		/* stdout only: help is an answer, not an error. */
		ok = sh(CTL " %s 2>/dev/null", c[i].args) == 0 && !strncmp(out, c[i].usage,
									 strlen(c[i].usage));
		tap_ok(ok, "help: medgatectl %s", c[i].args);
		explain(ok);
	}
	ok = sh(CTL " policy check -- --help") == 1 && strstr(out, "--help: error: cannot open");
	tap_ok(ok, "help: after --, --help is a file name");
	explain(ok);
	ok = sh(CTL " policy frobnicate") == 2 && strstr(out, "unknown command \"frobnicate\"");
	tap_ok(ok, "help: an unknown command is still a usage error");
	explain(ok);
}

static void test_dir(void)
{
	int ok;

	sh("mkdir dir");
	put("dir/a.policy", "profile a {\n    file /etc/a r\n}\n");
	ok = sh(CTL " policy check dir") == 0 && strstr(out, "ok: 1 profile");
	tap_ok(ok, "directory: a clean one checks");
	explain(ok);
	ok = !sh("ln -s missing.policy dir/b.policy && mkdir dir/c.policy") &&
	     sh(CTL " policy check dir") == 1 &&
	     strstr(out, "dir/b.policy: error: dangling symbolic link") &&
	     strstr(out, "dir/c.policy: error: is a directory");
	tap_ok(ok, "directory: a dangling symlink and a subdirectory named *.policy are errors");
	explain(ok);
	sh("rm -rf dir");
}

static void test_base_pipe(void)
{
	int ok;

	put("old.policy", "profile a {\n    file /etc/a r\n}\n");
	put("new.policy", "profile a {\n    file /etc/a r\n    file /etc/b r\n}\n");
	ok = sh(CTL " policy compile old.policy -o old.blob") == 0 &&
	     sh("cat old.blob | " CTL " policy diff new.policy --base /dev/stdin") == 0 &&
	     strstr(out, "file /etc/b r") && strstr(out, "1 change");
	tap_ok(ok, "diff --base /dev/stdin: a blob through a pipe");
	explain(ok);
	ok = sh("echo garbage | " CTL " policy diff new.policy --base /dev/stdin") == 1 &&
	     strstr(out, "/dev/stdin: not a compiled policy blob");
	tap_ok(ok, "diff --base /dev/stdin: text through the pipe is named and explained");
	explain(ok);
	ok = sh("cat old.blob | " CTL " policy check /dev/stdin") == 0 &&
	     strstr(out, "/dev/stdin: ok: compiled policy");
	tap_ok(ok, "check /dev/stdin: a blob through a pipe is validated as a blob");
	explain(ok);
	ok = sh("cat new.policy | " CTL " policy check /dev/stdin") == 0 &&
	     strstr(out, "ok: 1 profile, 0 attachments, 2 rules");
	tap_ok(ok, "check /dev/stdin: policy text through a pipe is compiled");
	explain(ok);
	ok = sh("cat old.blob | " CTL " policy load /dev/stdin") == 1 && !strstr(out, "error") &&
	     strstr(out, "medgate.ko is not loaded");
	tap_ok(ok, "load /dev/stdin: a blob through a pipe goes to the module as it is");
	explain(ok);
	ok = sh("head -c 70000000 /dev/zero | " CTL " policy diff new.policy --base /dev/stdin") == 1 &&
	     strstr(out, "/dev/stdin: more than");
	tap_ok(ok, "diff --base /dev/stdin: the size cap holds");
	explain(ok);
}

static void test_empty_load(void)
{
	static const char *const empty[] = { "/dev/null", "comments.policy", "empty.policy" };
	size_t i;
	int ok;

	put("comments.policy", "# nothing yet\n\n# still nothing\n");
	put("empty.policy", "");
	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		char *w, *m;

		/* No module on the host: the load fails, after the warning. */
		sh(CTL " policy load %s", empty[i]);
		w = strstr(out, "warning: this policy has no profiles");
		m = strstr(out, "medgate.ko is not loaded");
		ok = w && strstr(w, "denied everything") && (!m || w < m);
		tap_ok(ok, "load %s: warned before loading", empty[i]);
		explain(ok);
	}
	sh(CTL " policy load old.policy");
	tap_ok(!strstr(out, "warning"), "load of a policy with a profile: no warning");
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/mg-cli-XXXXXX");
	if (!mkdtemp(tmp)) {
		printf("Bail out! cannot create a temporary directory\n");
		return 1;
	}
	tap_start();
	test_help();
	test_dir();
	test_base_pipe();
	test_empty_load();
	sh("rm -f *.policy *.blob");
	rmdir(tmp);
	return tap_end();
}

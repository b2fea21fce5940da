// SPDX-License-Identifier: GPL-2.0
/*
 * Policy input besides one regular file (user/lib/input.c): a directory of *.policy files, whose
 * odd entries are errors rather than silently skipped, and streams such as pipes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "medgate.h"
#include "tap.h"

static char tmp[64];

static void put(const char *name, const char *text)
{
	tap_put_file(tmp, name, text);
}

static char *at(const char *name)
{
	static char path[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmp, name);
	return path[i];
}

/* The diagnostic about @file, or NULL. */
static const struct mg_diag *about(const struct mg_diags *d, const char *file)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].file, file))
			return &d->v[i];
	return NULL;
}

static void test_dir(void)
{
	struct mg_diags d = { 0 };
	const struct mg_diag *x, *y;
	char **paths = NULL;
	size_t n = 0, i;
	int err;

	put("b.policy", "profile b {\n}\n");
	put("a.policy", "profile a {\n}\n");
	put("notes.txt", "not policy\n");
	put(".hidden.policy", "editor leftover\n");
	symlink("a.policy", at("c.policy"));

	err = mg_policy_dir(tmp, 100, &paths, &n, &d);
	tap_ok(!err && n == 3 && !strcmp(paths[0], at("a.policy")) &&
	       !strcmp(paths[1], at("b.policy")) && !strcmp(paths[2], at("c.policy")) && !d.n,
	       "directory: *.policy files and symlinks to them, sorted, others skipped");
	mg_policy_dir_free(paths, n);
	mg_diags_free(&d);

	symlink("gone.policy", at("dangling.policy"));
	mkdir(at("sub.policy"), 0755);
	err = mg_policy_dir(tmp, 100, &paths, &n, &d);
	x = about(&d, at("dangling.policy"));
	y = about(&d, at("sub.policy"));
	tap_ok(err == -EINVAL && !paths && !n && d.n == 2, "directory: odd *.policy entries fail it");
	tap_ok(x && !x->line && strstr(x->msg, "dangling symbolic link") &&
	       strstr(x->msg, "\"gone.policy\" does not exist"),
	       "directory: a dangling symlink is named, with its target");
	tap_ok(y && !y->line && strstr(y->msg, "is a directory"),
	       "directory: a subdirectory named x.policy is named");
	mg_diags_free(&d);
	unlink(at("dangling.policy"));
	rmdir(at("sub.policy"));

	symlink("loop.policy", at("loop.policy"));
	err = mg_policy_dir(tmp, 100, &paths, &n, &d);
	x = about(&d, at("loop.policy"));
	tap_ok(err == -EINVAL && x && strstr(x->msg, "symbolic link loop"),
	       "directory: a symlink loop is named");
	mg_diags_free(&d);
	unlink(at("loop.policy"));

	err = mg_policy_dir(tmp, 2, &paths, &n, &d);
	tap_ok(err == -EINVAL && d.n == 1 && strstr(d.v[0].msg, "too many policy files"),
	       "directory: the file limit is an error");
	mg_diags_free(&d);

	mkdir(at("empty"), 0755);
	err = mg_policy_dir(at("empty"), 100, &paths, &n, &d);
	tap_ok(err == -EINVAL && d.n == 1 && strstr(d.v[0].msg, "no *.policy file"),
	       "directory: none is an error");
	mg_diags_free(&d);
	rmdir(at("empty"));

	for (i = 0; i < 4; i++)
		unlink(at((const char *[]){ "a.policy", "b.policy", "c.policy", "notes.txt" }[i]));
	unlink(at(".hidden.policy"));
}

/* Writes @n bytes of a known pattern into a pipe from a child; returns the read end. */
static int feed(size_t n, pid_t *pid)
{
	int fds[2];

	if (pipe(fds))
		return -1;
	*pid = fork();
	if (*pid == 0) {
		char buf[4096];
		size_t i, done = 0;

		close(fds[0]);
		signal(SIGPIPE, SIG_DFL);
		while (done < n) {
			size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);

			for (i = 0; i < k; i++)
				buf[i] = (char)('a' + (done + i) % 26);
			if (write(fds[1], buf, k) != (ssize_t)k)
				_exit(1);
			done += k;
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void test_stream(void)
{
	char path[64], *buf = NULL;
	size_t len = 0, i;
	bool same = true;
	pid_t pid;
	int fd, err;

	/* More than a pipe's buffer, so that reading really has to wait for the writer. */
	fd = feed(200000, &pid);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	err = mg_read_stream(path, 1 << 20, &buf, &len);
	for (i = 0; !err && i < len; i++)
		same = same && buf[i] == (char)('a' + i % 26);
	tap_ok(!err && len == 200000 && same && buf[len] == '\0', "stream: a pipe is read to its end");
	free(buf);
	close(fd);
	waitpid(pid, NULL, 0);

	fd = feed(5000, &pid);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	buf = NULL;
	err = mg_read_stream(path, 4096, &buf, &len);
	tap_ok(err == -EFBIG && !buf, "stream: more than the cap is -EFBIG");
	close(fd);
	waitpid(pid, NULL, 0);

	put("exact", "0123456789");
	err = mg_read_stream(at("exact"), 10, &buf, &len);
	tap_ok(!err && len == 10 && !strcmp(buf, "0123456789"),
	       "stream: a regular file of exactly the cap");
	free(buf);
	unlink(at("exact"));
	tap_ok(mg_read_stream(tmp, 10, &buf, &len) == -EISDIR, "stream: a directory is -EISDIR");
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/mg-input-XXXXXX");
	if (!mkdtemp(tmp)) {
		printf("Bail out! cannot create a temporary directory\n");
		return 1;
	}
	tap_start();
	test_dir();
	test_stream();
	rmdir(tmp);
	return tap_end();
}

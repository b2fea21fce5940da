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
#include "scratch.h"
#include "kselftest_harness.h"

/* The scratch directory of the running test (each test runs in its own process). */
static char tmp[64];

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

/*
 * A policy directory: two policies, a symlink to one, and what is not taken (another suffix, a
 * hidden file). Each test adds the odd entry it is about.
 */
FIXTURE(dir) {
	struct mg_diags d;
	char **paths;
	size_t n;
};

FIXTURE_SETUP(dir)
{
	ASSERT_EQ(0, scratch_new(tmp, sizeof(tmp), "input"));
	ASSERT_EQ(0, scratch_put(tmp, "b.policy", "profile b {\n}\n"));
	ASSERT_EQ(0, scratch_put(tmp, "a.policy", "profile a {\n}\n"));
	ASSERT_EQ(0, scratch_put(tmp, "notes.txt", "not policy\n"));
	ASSERT_EQ(0, scratch_put(tmp, ".hidden.policy", "editor leftover\n"));
	ASSERT_EQ(0, symlink("a.policy", at("c.policy")));
	memset(&self->d, 0, sizeof(self->d));
	self->paths = NULL;
	self->n = 0;
}

FIXTURE_TEARDOWN(dir)
{
	mg_policy_dir_free(self->paths, self->n);
	mg_diags_free(&self->d);
	scratch_remove(tmp);
}

TEST_F(dir, policy_files_and_symlinks_to_them_sorted_others_skipped)
{
	ASSERT_EQ(0, mg_policy_dir(tmp, 100, &self->paths, &self->n, &self->d));
	ASSERT_EQ(3, self->n);
	EXPECT_STREQ(at("a.policy"), self->paths[0]);
	EXPECT_STREQ(at("b.policy"), self->paths[1]);
	EXPECT_STREQ(at("c.policy"), self->paths[2]);
	EXPECT_EQ(0, self->d.n);
}

/* The directory with a dangling symlink and a subdirectory, both named *.policy. */
static int odd_entries(struct __test_metadata *_metadata, FIXTURE_DATA(dir) *self)
{
	EXPECT_EQ(0, symlink("gone.policy", at("dangling.policy")));
	EXPECT_EQ(0, mkdir(at("sub.policy"), 0755));
	return mg_policy_dir(tmp, 100, &self->paths, &self->n, &self->d);
}

TEST_F(dir, odd_policy_entries_fail_it)
{
	EXPECT_EQ(-EINVAL, odd_entries(_metadata, self));
	EXPECT_EQ(NULL, self->paths);
	EXPECT_EQ(0, self->n);
	EXPECT_EQ(2, self->d.n);
}

TEST_F(dir, a_dangling_symlink_is_named_with_its_target)
{
	const struct mg_diag *x;

	odd_entries(_metadata, self);
	x = about(&self->d, at("dangling.policy"));
	ASSERT_NE(NULL, x);
	EXPECT_EQ(0, x->line);
	EXPECT_NE(NULL, strstr(x->msg, "dangling symbolic link")) TH_LOG("%s", x->msg);
	EXPECT_NE(NULL, strstr(x->msg, "\"gone.policy\" does not exist")) TH_LOG("%s", x->msg);
}

TEST_F(dir, a_subdirectory_named_x_policy_is_named)
{
	const struct mg_diag *y;

	odd_entries(_metadata, self);
	y = about(&self->d, at("sub.policy"));
	ASSERT_NE(NULL, y);
	EXPECT_EQ(0, y->line);
	EXPECT_NE(NULL, strstr(y->msg, "is a directory")) TH_LOG("%s", y->msg);
}

TEST_F(dir, a_symlink_loop_is_named)
{
	const struct mg_diag *x;

	ASSERT_EQ(0, symlink("loop.policy", at("loop.policy")));
	EXPECT_EQ(-EINVAL, mg_policy_dir(tmp, 100, &self->paths, &self->n, &self->d));
	x = about(&self->d, at("loop.policy"));
	ASSERT_NE(NULL, x);
	EXPECT_NE(NULL, strstr(x->msg, "symbolic link loop")) TH_LOG("%s", x->msg);
}

TEST_F(dir, the_file_limit_is_an_error)
{
	EXPECT_EQ(-EINVAL, mg_policy_dir(tmp, 2, &self->paths, &self->n, &self->d));
	ASSERT_EQ(1, self->d.n);
	EXPECT_NE(NULL, strstr(self->d.v[0].msg, "too many policy files")) TH_LOG("%s", self->d.v[0].msg);
}

TEST_F(dir, none_is_an_error)
{
	ASSERT_EQ(0, mkdir(at("empty"), 0755));
	EXPECT_EQ(-EINVAL, mg_policy_dir(at("empty"), 100, &self->paths, &self->n, &self->d));
	ASSERT_EQ(1, self->d.n);
	EXPECT_NE(NULL, strstr(self->d.v[0].msg, "no *.policy file")) TH_LOG("%s", self->d.v[0].msg);
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

FIXTURE(stream) {
	char *buf;
	size_t len;
	int fd;
	pid_t pid;
};

FIXTURE_SETUP(stream)
{
	ASSERT_EQ(0, scratch_new(tmp, sizeof(tmp), "input"));
	self->buf = NULL;
	self->len = 0;
	self->fd = -1;
	self->pid = -1;
}

FIXTURE_TEARDOWN(stream)
{
	free(self->buf);
	if (self->fd >= 0)
		close(self->fd);
	if (self->pid > 0)
		waitpid(self->pid, NULL, 0);
	scratch_remove(tmp);
}

TEST_F(stream, a_pipe_is_read_to_its_end)
{
	size_t i, wrong = 0;
	char path[64];

	/* More than a pipe's buffer, so that reading really has to wait for the writer. */
	self->fd = feed(200000, &self->pid);
	ASSERT_LE(0, self->fd);
	snprintf(path, sizeof(path), "/dev/fd/%d", self->fd);
	ASSERT_EQ(0, mg_read_stream(path, 1 << 20, &self->buf, &self->len));
	ASSERT_EQ(200000, self->len);
	for (i = 0; i < self->len; i++)
		wrong += self->buf[i] != (char)('a' + i % 26);
	EXPECT_EQ(0, wrong);
	EXPECT_EQ('\0', self->buf[self->len]);
}

TEST_F(stream, more_than_the_cap_is_efbig)
{
	char path[64];

	self->fd = feed(5000, &self->pid);
	ASSERT_LE(0, self->fd);
	snprintf(path, sizeof(path), "/dev/fd/%d", self->fd);
	EXPECT_EQ(-EFBIG, mg_read_stream(path, 4096, &self->buf, &self->len));
	EXPECT_EQ(NULL, self->buf);
}

TEST_F(stream, a_regular_file_of_exactly_the_cap)
{
	ASSERT_EQ(0, scratch_put(tmp, "exact", "0123456789"));
	ASSERT_EQ(0, mg_read_stream(at("exact"), 10, &self->buf, &self->len));
	EXPECT_EQ(10, self->len);
	EXPECT_STREQ("0123456789", self->buf);
}

TEST_F(stream, a_directory_is_eisdir)
{
	EXPECT_EQ(-EISDIR, mg_read_stream(tmp, 10, &self->buf, &self->len));
}

TEST_HARNESS_MAIN

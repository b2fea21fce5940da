// SPDX-License-Identifier: GPL-2.0
/*
 * The chained audit log (user/lib/auditlog.c) and its verifier (auditverify.c), on the host: a
 * log written by the real writer with a real Ed25519 key, then altered the ways an attacker or a
 * power cut would, and checked with the public key alone. Each alteration must be found, at the
 * right file and line; the untouched log and an intact rotated set must pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auditlog.h"
#include "medgate.h"
#include "scratch.h"
#include "kselftest_harness.h"

#define EVENTS 20	/* event lines written by write_log() */

FIXTURE(alog) {
	char dir[128], log[256], key[256], pub[256];
	EVP_PKEY *k;
	struct mg_alog_report r;
	char msg[512];
};

FIXTURE_SETUP(alog)
{
	bool created;

	ASSERT_EQ(0, scratch_new(self->dir, sizeof(self->dir), "alog"));
	snprintf(self->log, sizeof(self->log), "%s/log/audit.log", self->dir);
	snprintf(self->key, sizeof(self->key), "%s/etc/audit.key", self->dir);
	snprintf(self->pub, sizeof(self->pub), "%s/etc/audit.pub", self->dir);
	ASSERT_EQ(0, mg_alog_key_load_or_create(self->key, self->pub, &self->k, &created,
						self->msg, sizeof(self->msg))) {
		TH_LOG("%s", self->msg);
	}
	ASSERT_TRUE(created);
}

FIXTURE_TEARDOWN(alog)
{
	EVP_PKEY_free(self->k);
	scratch_remove(self->dir);
}

/* Events seq [@from, @from + @count) as the daemon appends them, then a "stop" checkpoint. */
static int write_log(const char *path, EVP_PKEY *k, uint64_t rotate, unsigned keep, uint64_t from,
		     unsigned count)
{
	struct mg_alog_opts o = { .path = path, .key = k, .rotate_size = rotate, .keep = keep };
	struct mg_alog *l;
	char msg[512], rec[256];
	unsigned i;
	int err;

	err = mg_alog_open(&l, &o, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "# %s\n", msg);
		return err;
	}
	for (i = 0; i < count && !err; i++) {
		uint64_t seq = from + i;

		snprintf(rec, sizeof(rec),
			 "{\"type\":\"event\",\"seq\":%llu,\"verdict\":\"deny\",\"op\":\"open\",\"path\":\"/secret/%llu\"}",
			 (unsigned long long)seq, (unsigned long long)seq);
		err = mg_alog_append(l, rec, seq + 1);
	}
	if (!err)
		err = mg_alog_checkpoint(l, "stop");
	mg_alog_close(l);
	return err;
}

static int verify(struct __test_metadata *_metadata, FIXTURE_DATA(alog) *self, const char *pubfile)
{
	EVP_PKEY *pub;
	int err;

	err = mg_alog_pubkey_load(pubfile, &pub, self->msg, sizeof(self->msg));
	if (err)
		return err;
	err = mg_alog_verify(self->log, pub, false, &self->r);
	EVP_PKEY_free(pub);
	if (!err && !self->r.intact)
		TH_LOG("%s:%llu: %s", self->r.file, (unsigned long long)self->r.line, self->r.reason);
	return err;
}

/* The file's lines, to be altered and written back by put_lines(). */
static int get_lines(const char *path, char ***lines, size_t *n)
{
	char *buf, *save = NULL, *tok;
	size_t len, cap = 0;

	if (mg_read_stream(path, 1 << 24, &buf, &len))
		return -EIO;
	*lines = NULL;
	*n = 0;
	for (tok = strtok_r(buf, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		if (*n == cap)
			*lines = realloc(*lines, (cap = cap ? 2 * cap : 64) * sizeof(char *));
		(*lines)[(*n)++] = strdup(tok);
	}
	free(buf);
	return 0;
}

static int put_lines(const char *path, char **lines, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return -errno;
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return fclose(f) ? -EIO : 0;
}

static bool reason_has(FIXTURE_DATA(alog) *self, const char *what)
{
	return strstr(self->r.reason, what) != NULL;
}

TEST_F(alog, intact_log_passes_and_counts_its_lines)
{
	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_TRUE(self->r.intact);
	EXPECT_EQ(1, self->r.files);
	EXPECT_EQ(EVENTS + 2, self->r.lines);	/* the file line, the events, the checkpoint */
	EXPECT_EQ(EVENTS, self->r.events);
	EXPECT_EQ(1, self->r.checkpoints);
	EXPECT_EQ(EVENTS, self->r.next_seq);
}

TEST_F(alog, files_have_root_only_modes)
{
	struct stat st;
	char dir[256];

	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, 1));
	ASSERT_EQ(0, stat(self->log, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	snprintf(dir, sizeof(dir), "%s/log", self->dir);
	ASSERT_EQ(0, stat(dir, &st));
	EXPECT_EQ(0700, st.st_mode & 07777);
	ASSERT_EQ(0, stat(self->key, &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	ASSERT_EQ(0, stat(self->pub, &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
}

TEST_F(alog, edited_line_is_found_at_the_next_link)
{
	char **l, *p;
	size_t n;

	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	ASSERT_EQ(0, get_lines(self->log, &l, &n));
	p = strstr(l[5], "\"deny\"");
	ASSERT_NE(NULL, p);
	memcpy(p, "\"DENY\"", 6);	/* line 6 */
	ASSERT_EQ(0, put_lines(self->log, l, n));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_STREQ(self->log, self->r.file);
	EXPECT_EQ(7, self->r.line);
	EXPECT_TRUE(reason_has(self, "edited, removed or moved"));
}

TEST_F(alog, deleted_line_is_found)
{
	char **l;
	size_t n;

	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	ASSERT_EQ(0, get_lines(self->log, &l, &n));
	free(l[9]);
	memmove(&l[9], &l[10], (n - 10) * sizeof(char *));	/* line 10 goes */
	ASSERT_EQ(0, put_lines(self->log, l, n - 1));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_EQ(10, self->r.line);
}

TEST_F(alog, swapped_lines_are_found)
{
	char **l, *t;
	size_t n;

	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	ASSERT_EQ(0, get_lines(self->log, &l, &n));
	t = l[3];
	l[3] = l[4];
	l[4] = t;	/* lines 4 and 5 */
	ASSERT_EQ(0, put_lines(self->log, l, n));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_EQ(4, self->r.line);
}

TEST_F(alog, truncated_end_is_found)
{
	char **l;
	size_t n;

	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	ASSERT_EQ(0, get_lines(self->log, &l, &n));
	free(l[n - 1]);
	free(l[n - 2]);		/* the last event and the final checkpoint go */
	ASSERT_EQ(0, put_lines(self->log, l, n - 2));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_TRUE(reason_has(self, "not sealed"));
}

TEST_F(alog, rewritten_chain_fails_at_the_signature)
{
	char **l, *p, hex[MG_ALOG_HASH_HEX + 1];
	size_t n, i;

	/* An attacker edits a line and recomputes every later "prev": only the key stops it. */
	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	ASSERT_EQ(0, get_lines(self->log, &l, &n));
	p = strstr(l[5], "\"deny\"");
	memcpy(p, "\"DENY\"", 6);
	for (i = 6; i < n; i++) {
		mg_alog_hash_hex(l[i - 1], strlen(l[i - 1]), hex);
		p = strstr(l[i], "\"prev\":\"");
		ASSERT_NE(NULL, p);
		memcpy(p + 8, hex, MG_ALOG_HASH_HEX);
	}
	ASSERT_EQ(0, put_lines(self->log, l, n));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_EQ(n, self->r.line);
	EXPECT_TRUE(reason_has(self, "signature"));
}

TEST_F(alog, wrong_key_fails_at_the_first_checkpoint)
{
	char other_key[300], other_pub[300];
	EVP_PKEY *other;
	bool created;

	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	snprintf(other_key, sizeof(other_key), "%s/other.key", self->dir);
	snprintf(other_pub, sizeof(other_pub), "%s/other.pub", self->dir);
	ASSERT_EQ(0, mg_alog_key_load_or_create(other_key, other_pub, &other, &created, self->msg,
						sizeof(self->msg)));
	EVP_PKEY_free(other);
	ASSERT_EQ(0, verify(_metadata, self, other_pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_EQ(EVENTS + 2, self->r.line);
	EXPECT_TRUE(reason_has(self, "signature"));
}

TEST_F(alog, torn_last_line_is_found_then_moved_aside_and_the_chain_goes_on)
{
	struct mg_alog_opts o = { .path = self->log, .key = self->k };
	char torn[300], *data;
	struct mg_alog *l;
	size_t len;
	int fd;

	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	fd = open(self->log, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	ASSERT_EQ(12, write(fd, "{\"type\":\"eve", 12));	/* a power cut mid-line */
	close(fd);
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_TRUE(reason_has(self, "torn last line"));

	ASSERT_EQ(0, mg_alog_open(&l, &o, self->msg, sizeof(self->msg)));
	EXPECT_EQ(12, mg_alog_torn_bytes(l));
	EXPECT_EQ(EVENTS, mg_alog_next_seq(l));
	mg_alog_close(l);
	snprintf(torn, sizeof(torn), "%s.torn", self->log);
	ASSERT_EQ(0, mg_read_stream(torn, 1 << 20, &data, &len));
	EXPECT_STREQ("{\"type\":\"eve\n", data);
	free(data);
	/* The chain continues from the last whole line. */
	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, EVENTS, 5));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_TRUE(self->r.intact);
	EXPECT_EQ(EVENTS + 5, self->r.events);
}

TEST_F(alog, reopened_log_continues_the_chain)
{
	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, 0, EVENTS));
	ASSERT_EQ(0, write_log(self->log, self->k, 0, 0, EVENTS, EVENTS));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_TRUE(self->r.intact);
	EXPECT_EQ(2 * EVENTS, self->r.events);
	EXPECT_EQ(2 * EVENTS, self->r.next_seq);
}

TEST_F(alog, plain_log_of_an_older_medgated_is_refused)
{
	struct mg_alog_opts o = { .path = self->log, .key = self->k };
	struct mg_alog *l;
	char dir[256];

	snprintf(dir, sizeof(dir), "%s/log", self->dir);
	ASSERT_EQ(0, mkdir(dir, 0700));
	ASSERT_EQ(0, scratch_put(dir, "audit.log", "{\"type\":\"event\",\"seq\":3}\n"));
	EXPECT_NE(0, mg_alog_open(&l, &o, self->msg, sizeof(self->msg)));
	EXPECT_NE(NULL, strstr(self->msg, "not a chained audit log"));
}

/* 40 events of about 120 bytes in files of at most 1 KiB: several rotations. */
#define ROTATE_SIZE 1024

TEST_F(alog, intact_rotated_set_passes)
{
	ASSERT_EQ(0, write_log(self->log, self->k, ROTATE_SIZE, 50, 0, 2 * EVENTS));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_TRUE(self->r.intact);
	EXPECT_LT(3, self->r.files);
	EXPECT_EQ(2 * EVENTS, self->r.events);
}

TEST_F(alog, rotation_keeps_n_files_and_still_verifies)
{
	char path[300];

	ASSERT_EQ(0, write_log(self->log, self->k, ROTATE_SIZE, 2, 0, 2 * EVENTS));
	snprintf(path, sizeof(path), "%s.2", self->log);
	EXPECT_EQ(0, access(path, F_OK));
	snprintf(path, sizeof(path), "%s.3", self->log);
	EXPECT_NE(0, access(path, F_OK));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_TRUE(self->r.intact);
	EXPECT_EQ(3, self->r.files);
}

TEST_F(alog, removed_rotated_file_is_found)
{
	char path[300], next[300];

	ASSERT_EQ(0, write_log(self->log, self->k, ROTATE_SIZE, 50, 0, 2 * EVENTS));
	snprintf(path, sizeof(path), "%s.2", self->log);
	snprintf(next, sizeof(next), "%s.1", self->log);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_STREQ(next, self->r.file);
	EXPECT_EQ(1, self->r.line);
	EXPECT_TRUE(reason_has(self, "a rotated file is missing"));
}

TEST_F(alog, removed_oldest_rotated_file_is_found)
{
	char path[300];
	unsigned k;

	ASSERT_EQ(0, write_log(self->log, self->k, ROTATE_SIZE, 50, 0, 2 * EVENTS));
	for (k = 1;; k++) {
		snprintf(path, sizeof(path), "%s.%u", self->log, k + 1);
		if (access(path, F_OK))
			break;
	}
	snprintf(path, sizeof(path), "%s.%u", self->log, k);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, verify(_metadata, self, self->pub));
	EXPECT_FALSE(self->r.intact);
	EXPECT_TRUE(reason_has(self, "a rotated file was removed"));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl policy {check | compile | load | help}
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "blob.h"

/* Larger than any valid blob, so that an oversized one still reaches the module's check. */
#define BLOB_READ_MAX	(2 * (size_t)MEDGATE_BLOB_MAX_SIZE)

void policy_help(FILE *f)
{
	fprintf(f,
		"Usage: medgatectl policy check FILE... [-j]\n"
		"       medgatectl policy compile FILE... -o OUT\n"
		"       medgatectl policy load FILE...|BLOB\n"
		"\n"
		"  check     parse and compile; print every error as FILE:LINE:COL: error: REASON.\n"
		"            A compiled blob is checked with the module's own validator.\n"
		"  compile   write the compiled blob to OUT ('-' for stdout) and print its version.\n"
		"  load      compile the files (their profiles share one namespace) and load the\n"
		"            result; a single file that starts with the blob magic is sent as it is.\n"
		"            Prints the version of the loaded policy. Needs CAP_MAC_ADMIN.\n"
		"\n"
		"The policy language is described in docs/policy-language.md.\n"
		"Exit status: 0 success, 1 errors in the policy or a failed load, 2 usage error.\n");
}

static int read_file(const char *path, void **buf, size_t *len, size_t max)
{
	size_t n = 0, cap = 0;
	char *b = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > max) {
				err = -EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(b, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* Whether @path starts with the blob magic; -errno if it cannot be read. */
static int file_is_blob(const char *path)
{
	unsigned char m[4];
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, m, sizeof(m));
	close(fd);
	if (r < 0)
		return -errno;
	return mg_is_blob(m, (size_t)r);
}

static void print_diags(const struct mg_diags *d)
{
	char line[sizeof(d->v->file) + sizeof(d->v->msg) + 64];
	size_t i;

	for (i = 0; i < d->n; i++) {
		mg_diag_format(&d->v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (d->n)
		errmsg("%zu error%s", d->n, d->n == 1 ? "" : "s");
}

static void json_diags(struct jw *w, const struct mg_diags *d)
{
	size_t i;

	jw_arr_open(w, "errors");
	for (i = 0; i < d->n; i++) {
		jw_obj_open(w, NULL);
		jw_str(w, "file", d->v[i].file);
		jw_u64(w, "line", d->v[i].line);
		jw_u64(w, "col", d->v[i].col);
		jw_str(w, "message", d->v[i].msg);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

/* Splits the arguments into files and options; returns EXIT_OK or EXIT_USAGE. */
struct policy_args {
	const char **files;
	int n_files;
	const char *out;
};

static int parse_args(int argc, char **argv, struct policy_args *a, bool allow_out,
		      const char *cmd)
{
	bool opts = true;
	int i;

	memset(a, 0, sizeof(*a));
	a->files = calloc((size_t)argc + 1, sizeof(*a->files));
	if (!a->files) {
		errmsg("out of memory");
		return EXIT_FAIL;
	}
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];

		if (opts && !strcmp(s, "--")) {
			opts = false;
		} else if (opts && is_json_opt(s)) {
			json_output = true;
		} else if (opts && allow_out && (!strcmp(s, "-o") || !strcmp(s, "--output"))) {
			if (i + 1 >= argc)
				return usage_error(policy_help, "%s needs a file name", s);
			a->out = argv[++i];
		} else if (opts && s[0] == '-' && s[1]) {
			return usage_error(policy_help, "unknown option \"%s\" for policy %s", s, cmd);
		} else {
			a->files[a->n_files++] = s;
		}
	}
	if (!a->n_files)
		return usage_error(policy_help, "policy %s needs at least one file", cmd);
	return EXIT_OK;
}

/* policy check on a compiled blob: the module's own validator, run here. */
static int check_blob(const char *path)
{
	struct medgate_blob_view v;
	const char *why = NULL;
	void *buf;
	size_t len;
	int err;

	err = read_file(path, &buf, &len, BLOB_READ_MAX);
	if (err) {
		errmsg("%s: %s", path, strerror(-err));
		return EXIT_FAIL;
	}
	err = medgate_blob_validate(buf, len, &v, &why);
	if (json_output) {
		struct jw w;

		jw_init(&w, stdout);
		jw_obj_open(&w, NULL);
		jw_bool(&w, "ok", !err);
		jw_str(&w, "file", path);
		if (err) {
			jw_str(&w, "error", why);
		} else {
			jw_hex64(&w, "version", v.version);
			jw_u64(&w, "profiles", v.hdr->n_profiles);
			jw_u64(&w, "attachments", v.hdr->n_attach);
			jw_u64(&w, "rules", v.hdr->n_rules);
		}
		jw_obj_close(&w);
	} else if (err) {
		fprintf(stderr, "%s: error: invalid policy blob: %s (%s)\n", path, why,
			strerror(-err));
	} else {
		printf("%s: ok: compiled policy, %u profile%s, %u attachment%s, %u rule%s; version %016" PRIx64 "\n",
		       path, v.hdr->n_profiles, v.hdr->n_profiles == 1 ? "" : "s", v.hdr->n_attach,
		       v.hdr->n_attach == 1 ? "" : "s", v.hdr->n_rules, v.hdr->n_rules == 1 ? "" : "s",
		       v.version);
	}
	free(buf);
	return err ? EXIT_FAIL : EXIT_OK;
}

static int cmd_check(int argc, char **argv)
{
	struct policy_args a;
	struct mg_diags d = { 0 };
	struct medgate_blob_view v;
	const char *why;
	void *blob = NULL;
	size_t len = 0;
	int ret, err;

	ret = parse_args(argc, argv, &a, false, "check");
	if (ret)
		goto out;
	if (a.n_files == 1 && file_is_blob(a.files[0]) == 1) {
		ret = check_blob(a.files[0]);
		goto out;
	}
	err = mg_policy_compile_files(a.files, (size_t)a.n_files, &blob, &len, &d);
	if (err && !d.n) {
		errmsg("cannot compile: %s", strerror(-err));
		ret = EXIT_FAIL;
		goto out;
	}
	if (!err && medgate_blob_validate(blob, len, &v, &why))
		err = -EINVAL;	/* cannot happen: the compiler checked it */
	if (json_output) {
		struct jw w;

		jw_init(&w, stdout);
		jw_obj_open(&w, NULL);
		jw_bool(&w, "ok", !err);
		if (!err) {
			jw_hex64(&w, "version", v.version);
			jw_u64(&w, "profiles", v.hdr->n_profiles);
			jw_u64(&w, "attachments", v.hdr->n_attach);
			jw_u64(&w, "rules", v.hdr->n_rules);
			jw_u64(&w, "size", len);
		}
		json_diags(&w, &d);
		jw_obj_close(&w);
	} else if (err) {
		print_diags(&d);
	} else {
		printf("ok: %u profile%s, %u attachment%s, %u rule%s; version %016" PRIx64 "\n",
		       v.hdr->n_profiles, v.hdr->n_profiles == 1 ? "" : "s", v.hdr->n_attach,
		       v.hdr->n_attach == 1 ? "" : "s", v.hdr->n_rules,
		       v.hdr->n_rules == 1 ? "" : "s", v.version);
	}
	ret = err ? EXIT_FAIL : EXIT_OK;
out:
	mg_diags_free(&d);
	free(blob);
	free(a.files);
	return ret;
}

/* Compiles the files; prints the errors and returns EXIT_FAIL if there are any. */
static int compile(const struct policy_args *a, void **blob, size_t *len)
{
	struct mg_diags d = { 0 };
	int err;

	err = mg_policy_compile_files(a->files, (size_t)a->n_files, blob, len, &d);
	if (err) {
		if (d.n)
			print_diags(&d);
		else
			errmsg("cannot compile: %s", strerror(-err));
		mg_diags_free(&d);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Writes @out atomically: a reader never sees half a policy. */
static int write_output(const char *out, const void *blob, size_t len)
{
	char *tmp;
	int fd, err;

	if (!strcmp(out, "-"))
		return write_all(STDOUT_FILENO, blob, len);
	if (asprintf(&tmp, "%s.tmp.%ld", out, (long)getpid()) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	err = write_all(fd, blob, len);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, out))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

static int cmd_compile(int argc, char **argv)
{
	struct policy_args a;
	void *blob = NULL;
	size_t len = 0;
	uint64_t version = 0;
	int ret, err;

	ret = parse_args(argc, argv, &a, true, "compile");
	if (ret)
		goto out;
	if (!a.out) {
		ret = usage_error(policy_help, "policy compile needs -o OUT");
		goto out;
	}
	ret = compile(&a, &blob, &len);
	if (ret)
		goto out;
	err = write_output(a.out, blob, len);
	if (err) {
		errmsg("cannot write %s: %s", a.out, strerror(-err));
		ret = EXIT_FAIL;
		goto out;
	}
	mg_blob_version(blob, len, &version);
	/* With the blob on stdout, the version goes to stderr. */
	fprintf(strcmp(a.out, "-") ? stdout : stderr, "%016" PRIx64 "\n", version);
out:
	free(blob);
	free(a.files);
	return ret;
}

static int cmd_load(int argc, char **argv)
{
	struct mg_client *c = NULL;
	struct policy_args a;
	char ext[512];
	void *blob = NULL;
	size_t len = 0;
	uint64_t version = 0;
	int ret, err, i, is_blob = 0;

	ret = parse_args(argc, argv, &a, false, "load");
	if (ret)
		goto out;
	for (i = 0; i < a.n_files; i++) {
		int b = file_is_blob(a.files[i]);

		if (b < 0) {
			errmsg("%s: %s", a.files[i], strerror(-b));
			ret = EXIT_FAIL;
			goto out;
		}
		is_blob |= b;
	}
	if (is_blob) {
		if (a.n_files != 1) {
			ret = usage_error(policy_help, "a compiled blob is loaded alone");
			goto out;
		}
		/* Sent exactly as it is: the module is the judge (tests send corrupted blobs). */
		err = read_file(a.files[0], &blob, &len, BLOB_READ_MAX);
		if (err) {
			errmsg("%s: %s", a.files[0], strerror(-err));
			ret = EXIT_FAIL;
			goto out;
		}
	} else {
		ret = compile(&a, &blob, &len);
		if (ret)
			goto out;
	}
	ret = open_client(&c);
	if (ret)
		goto out;
	err = mg_policy_load(c, blob, len, &version, ext, sizeof(ext));
	if (err) {
		if (ext[0])
			errmsg("policy load failed: %s: %s", strerror(-err), ext);
		else
			errmsg("policy load failed: %s", strerror(-err));
		if (err == -EPERM)
			errmsg("loading a policy needs CAP_MAC_ADMIN (run as root)");
		ret = EXIT_FAIL;
		goto out;
	}
	if (json_output) {
		struct jw w;

		jw_init(&w, stdout);
		jw_obj_open(&w, NULL);
		jw_hex64(&w, "version", version);
		jw_obj_close(&w);
	} else {
		printf("%016" PRIx64 "\n", version);
	}
out:
	mg_client_close(c);
	free(blob);
	free(a.files);
	return ret;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	policy_help(stdout);
	return EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "check", cmd_check },
	{ "compile", cmd_compile },
	{ "load", cmd_load },
	{ "help", cmd_help },
	{ NULL, NULL },
};

int do_policy(int argc, char **argv)
{
	return dispatch(cmds, NULL, argc, argv, policy_help);
}

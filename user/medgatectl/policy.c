// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl policy {check | compile | load | show | diff | help}
 *
 * Every command that takes policy files also takes directories (every *.policy in them, sorted by
 * name). show and diff read policies back through mg_blob_decode(), whether they come from the
 * kernel (MEDGATE_CMD_POLICY_GET) or from a compiled blob file, so that the two cannot disagree;
 * text and JSON are printed from the same walk over the decoded tables.
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

#include <json.h>

#include "common.h"

/* Larger than any valid blob, so that an oversized one still reaches the module's check. */
#define BLOB_READ_MAX	(2 * (size_t)MEDGATE_BLOB_MAX_SIZE)
/* Files one command line may name, directories expanded. */
#define POLICY_FILES_MAX 1024

/* Where the comment of a statement starts in show and diff output. */
#define COMMENT_COL	52

void policy_help(FILE *f)
{
	fprintf(f,
		"Usage: medgatectl policy check FILE|DIR... [-j]\n"
		"       medgatectl policy compile FILE|DIR... -o OUT [-j]\n"
		"       medgatectl policy load FILE|DIR...|BLOB [-j]\n"
		"       medgatectl policy show [BLOB] [-j]\n"
		"       medgatectl policy diff FILE|DIR... [--base BLOB] [-j]\n"
		"\n"
		"  check     parse and compile; print every error as FILE:LINE:COL: error: REASON.\n"
		"            A compiled blob is checked with the module's own validator.\n"
		"  compile   write the compiled blob to OUT ('-' for stdout) and print its version.\n"
		"  load      compile the files (their profiles share one namespace) and load the\n"
		"            result; a single file that starts with the blob magic is sent as it is.\n"
		"            Prints the version of the loaded policy. Needs CAP_MAC_ADMIN.\n"
		"  show      print the policy the kernel holds (or the compiled BLOB) as policy text:\n"
		"            each rule with its index (the \"rule N\" of audit records) and source.\n"
		"  diff      what loading the files would change against the kernel's policy (or\n"
		"            against BLOB): profiles, modes, attachments and rules, by content.\n"
		"\n"
		"A directory stands for every *.policy file in it, sorted by name.\n"
		"The policy language is described in docs/policy-language.md.\n"
		"Exit status: 0 success, 1 errors in the policy or a failed operation, 2 usage error.\n");
}

/*
 * Reads a compiled blob (or any file given where one may stand), from a regular file or a pipe
 * (--base /dev/stdin); says why on failure.
 */
static int read_blob_file(const char *path, void **buf, size_t *len)
{
	int err = mg_read_stream(path, BLOB_READ_MAX, (char **)buf, len);

	if (err == -EFBIG)
		errmsg("%s: more than %zu bytes: not a compiled policy blob (the largest is %u bytes)",
		       path, BLOB_READ_MAX, MEDGATE_BLOB_MAX_SIZE);
	else if (err == -EISDIR)
		errmsg("%s: is a directory: give a compiled blob (medgatectl policy compile -o FILE)",
		       path);
	else if (err)
		errmsg("%s: %s", path, strerror(-err));
	return err;
}

/*
 * Whether @path starts with the blob magic; -errno if it cannot be read. Only regular files are
 * looked into: peeking at a pipe would eat the bytes the compiler then reads, so a pipe given
 * as a policy file is policy text.
 */
static int file_is_blob(const char *path)
{
	unsigned char m[4];
	struct stat st;
	ssize_t r;
	int fd;

	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		return 0;
	/* O_NONBLOCK: should the file be swapped for a FIFO after the stat(), do not hang on it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
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
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *line = mg_diag_string(&d->v[i]);

		fprintf(stderr, "%s\n", line ? line : d->v[i].msg);
		free(line);
	}
	if (d->n)
		errmsg("%zu error%s", d->n, d->n == 1 ? "" : "s");
}

static void json_diags(struct json_object *o, const struct mg_diags *d)
{
	struct json_object *errors = json_object_new_array();
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "file", mg_json_string(d->v[i].file));
		json_object_object_add(e, "line", json_object_new_uint64(d->v[i].line));
		json_object_object_add(e, "col", json_object_new_uint64(d->v[i].col));
		json_object_object_add(e, "message", mg_json_string(d->v[i].msg));
		json_object_array_add(errors, e);
	}
	json_object_object_add(o, "errors", errors);
}

/* ---- arguments ---- */

struct policy_args {
	char **files;		/* directories expanded; each malloc'd */
	int n_files, cap_files;
	const char *out;	/* -o */
	const char *base;	/* --base */
	bool had_dir;
	bool usage;		/* parse_args() failed on a usage error */
};

static void free_args(struct policy_args *a)
{
	int i;

	for (i = 0; i < a->n_files; i++)
		free(a->files[i]);
	free(a->files);
	memset(a, 0, sizeof(*a));
}

static int add_file(struct policy_args *a, const char *path)
{
	if (a->n_files >= POLICY_FILES_MAX) {
		errmsg("too many policy files (the limit is %d)", POLICY_FILES_MAX);
		return -E2BIG;
	}
	if (a->n_files == a->cap_files) {
		int cap = a->cap_files ? a->cap_files * 2 : 16;
		char **nf = realloc(a->files, (size_t)cap * sizeof(*nf));

		if (!nf) {
			errmsg("out of memory");
			return -ENOMEM;
		}
		a->files = nf;
		a->cap_files = cap;
	}
	a->files[a->n_files] = strdup(path);
	if (!a->files[a->n_files]) {
		errmsg("out of memory");
		return -ENOMEM;
	}
	a->n_files++;
	return 0;
}

/*
 * Every *.policy in @dir, sorted by name. An entry with that name that is not a policy file
 * (dangling symlink, subdirectory) is an error, as it would be on the command line.
 */
static int add_dir(struct policy_args *a, const char *dir)
{
	struct mg_diags d = { 0 };
	char **paths;
	size_t n, i;
	int err;

	err = mg_policy_dir(dir, POLICY_FILES_MAX, &paths, &n, &d);
	if (err) {
		if (d.n)
			print_diags(&d);
		else
			errmsg("%s: %s", dir, strerror(-err));
		mg_diags_free(&d);
		return err;
	}
	for (i = 0; i < n && !err; i++)
		err = add_file(a, paths[i]);
	mg_policy_dir_free(paths, n);
	a->had_dir = true;
	return err;
}

enum { OPT_OUT = 1, OPT_BASE = 2 };

/*
 * A usage error of parse_args(): says it with the help, and marks it so that the command exits
 * with EXIT_USAGE (args_status()).
 */
#define ARGS_USAGE(a, ...) ((a)->usage = true, usage_error(policy_help, __VA_ARGS__), -EINVAL)

/* Splits the arguments into files and options; returns 0 or -errno (a->usage: a usage error). */
static int parse_args(int argc, char **argv, struct policy_args *a, unsigned opts_allowed,
		      const char *cmd, int min_files)
{
	bool opts = true;
	int i, ret;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];
		struct stat st;

		if (opts && !strcmp(s, "--")) {
			opts = false;
		} else if (opts && is_json_opt(s)) {
			json_output = true;
		} else if (opts && (opts_allowed & OPT_OUT) &&
			   (!strcmp(s, "-o") || !strcmp(s, "--output"))) {
			if (i + 1 >= argc)
				return ARGS_USAGE(a, "%s needs a file name", s);
			a->out = argv[++i];
		} else if (opts && (opts_allowed & OPT_BASE) && !strcmp(s, "--base")) {
			if (i + 1 >= argc)
				return ARGS_USAGE(a, "%s needs a compiled blob", s);
			a->base = argv[++i];
		} else if (opts && s[0] == '-' && s[1]) {
			return ARGS_USAGE(a, "unknown option \"%s\" for policy %s", s, cmd);
		} else {
			if (!stat(s, &st) && S_ISDIR(st.st_mode))
				ret = add_dir(a, s);
			else
				ret = add_file(a, s);
			if (ret)
				return ret;
		}
	}
	if (a->n_files < min_files)
		return ARGS_USAGE(a, "policy %s needs at least one file", cmd);
	return 0;
}

/* The exit status of a command whose parse_args() or a later helper returned @err. */
static int args_status(const struct policy_args *a, int err)
{
	return a->usage ? EXIT_USAGE : exit_status(err);
}

/* ---- compiling ---- */

/* The outcome of a compilation: prints its errors, frees them, and passes @err on. */
static int compiled(int err, struct mg_diags *d)
{
	if (err) {
		if (d->n)
			print_diags(d);
		else
			errmsg("cannot compile: %s", strerror(-err));
	}
	mg_diags_free(d);
	return err;
}

/* Compiles the files; prints the errors, if any, and returns 0 or -errno. */
static int compile(const struct policy_args *a, void **blob, size_t *len)
{
	struct mg_diags d = { 0 };

	return compiled(mg_policy_compile_files((const char *const *)a->files,
						(size_t)a->n_files, blob, len, &d), &d);
}

static void plural(FILE *f, uint64_t n, const char *what)
{
	fprintf(f, "%" PRIu64 " %s%s", n, what, n == 1 ? "" : "s");
}

static void summary_text(FILE *f, const struct mg_decoded *d)
{
	plural(f, d->n_profiles, "profile");
	fputs(", ", f);
	plural(f, d->n_attach, "attachment");
	fputs(", ", f);
	plural(f, d->n_rules, "rule");
	fputs(", ", f);
	plural(f, d->n_states, "DFA state");
	fprintf(f, "; version %016" PRIx64, d->version);
}

static void summary_json(struct json_object *o, const struct mg_decoded *d)
{
	json_object_object_add(o, "version", mg_json_hex64(d->version));
	json_object_object_add(o, "profiles", json_object_new_uint64(d->n_profiles));
	json_object_object_add(o, "attachments", json_object_new_uint64(d->n_attach));
	json_object_object_add(o, "rules", json_object_new_uint64(d->n_rules));
	json_object_object_add(o, "states", json_object_new_uint64(d->n_states));
	json_object_object_add(o, "size", json_object_new_uint64(d->size));
}

/*
 * A single input that is not a regular file (a pipe: policy load /dev/stdin) can be read only
 * once, so it is read whole here and then taken as a blob or as policy text. Returns 1 with
 * *buf (free() it) for such an input, 0 for any other, -1 after saying why.
 */
static int read_single_stream(const struct policy_args *a, void **buf, size_t *len)
{
	struct stat st;

	if (a->n_files != 1 || a->had_dir || stat(a->files[0], &st) || S_ISREG(st.st_mode) ||
	    S_ISDIR(st.st_mode))
		return 0;
	return read_blob_file(a->files[0], buf, len) ? -1 : 1;
}

/* Compiles policy text read from @path: mg_policy_compile_files() for one text in memory. */
static int build_text(const char *path, const char *text, size_t tlen, void **blob, size_t *len,
		      struct mg_diags *d)
{
	struct mg_policy *p;
	int err;

	err = mg_policy_new(&p);
	if (err)
		return err;
	err = mg_policy_add_text(p, text, tlen, path);
	if (err != -ENOMEM)
		err = mg_policy_build(p, blob, len, d);
	mg_policy_free(p);
	return err;
}

/* build_text() that prints the errors, if any, and returns 0 or -errno. */
static int compile_text(const char *path, const char *text, size_t tlen, void **blob,
			size_t *len)
{
	struct mg_diags d = { 0 };

	return compiled(build_text(path, text, tlen, blob, len, &d), &d);
}

/* policy check on a compiled blob (@buf, read from @path): the module's own validator. */
static int check_blob(const char *path, const void *buf, size_t len)
{
	struct mg_decoded *d = NULL;
	const char *why = NULL;
	int err;

	err = mg_blob_decode(buf, len, &d, &why);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "ok", json_object_new_boolean(!err));
		json_object_object_add(o, "file", mg_json_string(path));
		if (err)
			json_object_object_add(o, "error", mg_json_string(why ? why : strerror(-err)));
		else
			summary_json(o, d);
		mg_json_print(stdout, o);
	} else if (err) {
		fprintf(stderr, "%s: error: invalid policy blob: %s (%s)\n", path,
			why ? why : "cannot decode", strerror(-err));
	} else {
		printf("%s: ok: compiled policy, ", path);
		summary_text(stdout, d);
		printf("\n");
	}
	mg_decoded_free(d);
	return err;
}

static int cmd_check(int argc, char **argv)
{
	struct policy_args a;
	struct mg_diags d = { 0 };
	struct mg_decoded *dec = NULL;
	const char *why = NULL;
	void *blob = NULL;
	size_t len = 0;
	void *input = NULL;
	size_t ilen = 0;
	int ret = EXIT_OK, err, piped;

	err = parse_args(argc, argv, &a, 0, "check", 1);
	if (err) {
		ret = args_status(&a, err);
		goto out;
	}
	piped = read_single_stream(&a, &input, &ilen);
	if (piped < 0 ||
	    (!piped && a.n_files == 1 && !a.had_dir && file_is_blob(a.files[0]) == 1 &&
	     read_blob_file(a.files[0], &input, &ilen))) {
		ret = EXIT_FAIL;
		goto out;
	}
	if (input && mg_is_blob(input, ilen)) {
		ret = exit_status(check_blob(a.files[0], input, ilen));
		goto out;
	}
	if (input)
		err = build_text(a.files[0], input, ilen, &blob, &len, &d);
	else
		err = mg_policy_compile_files((const char *const *)a.files, (size_t)a.n_files,
					      &blob, &len, &d);
	if (err && !d.n) {
		errmsg("cannot compile: %s", strerror(-err));
		ret = EXIT_FAIL;
		goto out;
	}
	if (!err && mg_blob_decode(blob, len, &dec, &why)) {
		/* Cannot happen: the compiler validated its output. */
		errmsg("internal error: the compiled blob does not validate: %s", why ? why : "?");
		ret = EXIT_FAIL;
		goto out;
	}
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "ok", json_object_new_boolean(!err));
		if (!err)
			summary_json(o, dec);
		json_diags(o, &d);
		mg_json_print(stdout, o);
	} else if (err) {
		print_diags(&d);
	} else {
		printf("ok: ");
		summary_text(stdout, dec);
		printf("\n");
	}
	ret = err ? EXIT_FAIL : EXIT_OK;
out:
	mg_decoded_free(dec);
	mg_diags_free(&d);
	free(input);
	free(blob);
	free_args(&a);
	return ret;
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
	int ret = EXIT_OK, err;

	err = parse_args(argc, argv, &a, OPT_OUT, "compile", 1);
	if (err) {
		ret = args_status(&a, err);
		goto out;
	}
	if (!a.out) {
		ret = usage_error(policy_help, "policy compile needs -o OUT");
		goto out;
	}
	err = compile(&a, &blob, &len);
	if (err) {
		ret = exit_status(err);
		goto out;
	}
	err = write_output(a.out, blob, len);
	if (err) {
		errmsg("cannot write %s: %s", a.out, strerror(-err));
		ret = EXIT_FAIL;
		goto out;
	}
	mg_blob_version(blob, len, &version);
	/* With the blob on stdout, the version goes to stderr. */
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "version", mg_json_hex64(version));
		json_object_object_add(o, "size", json_object_new_uint64(len));
		json_object_object_add(o, "output", mg_json_string(a.out));
		mg_json_print(strcmp(a.out, "-") ? stdout : stderr, o);
	} else {
		fprintf(strcmp(a.out, "-") ? stdout : stderr, "%016" PRIx64 "\n", version);
	}
out:
	free(blob);
	free_args(&a);
	return ret;
}

/*
 * An empty file, /dev/null or a file of comments compiles to a valid policy without profiles.
 * Loading one is legitimate (it ends confinement) but is far more often a mistake, and what it
 * does to running services is not obvious: say it before the load, on stderr. A blob that does
 * not decode is left to the module to refuse.
 */
static void warn_if_empty(const void *blob, size_t len)
{
	struct mg_decoded *d = NULL;
	const char *why = NULL;

	if (mg_blob_decode(blob, len, &d, &why))
		return;
	if (!d->n_profiles)
		errmsg("warning: this policy has no profiles: once it is loaded no new task is confined, and every task running under a profile now loses that profile and is denied everything until it exits");
	mg_decoded_free(d);
}

static int cmd_load(int argc, char **argv)
{
	struct mg_client *c = NULL;
	struct policy_args a;
	char ext[512];
	void *blob = NULL;
	size_t len = 0;
	uint64_t version = 0;
	void *input = NULL;
	size_t ilen = 0;
	int ret = EXIT_OK, err, i, is_blob = 0, piped;

	err = parse_args(argc, argv, &a, 0, "load", 1);
	if (err) {
		ret = args_status(&a, err);
		goto out;
	}
	piped = read_single_stream(&a, &input, &ilen);
	if (piped < 0) {
		ret = EXIT_FAIL;
		goto out;
	}
	if (piped && mg_is_blob(input, ilen)) {
		blob = input;		/* sent as it is, like a blob file */
		len = ilen;
		input = NULL;
	} else if (piped) {
		err = compile_text(a.files[0], input, ilen, &blob, &len);
		if (err) {
			ret = exit_status(err);
			goto out;
		}
	}
	for (i = 0; i < a.n_files && !a.had_dir && !piped; i++) {
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
		if (read_blob_file(a.files[0], &blob, &len)) {
			ret = EXIT_FAIL;
			goto out;
		}
	} else if (!piped) {
		err = compile(&a, &blob, &len);
		if (err) {
			ret = exit_status(err);
			goto out;
		}
	}
	warn_if_empty(blob, len);
	err = open_client(&c);
	if (err) {
		ret = exit_status(err);
		goto out;
	}
	err = mg_policy_load(c, blob, len, &version, ext, sizeof(ext));
	if (err) {
		if (ext[0])
			errmsg("policy load failed: %s: %s", strerror(-err), ext);
		else
			errmsg("policy load failed: %s", strerror(-err));
		if (err == -EPERM)
			errmsg("loading a policy needs CAP_MAC_ADMIN (run as root)");
		else if (err == -EOPNOTSUPP && len > MG_LOAD_ONE_MESSAGE_MAX)
			errmsg("the loaded medgate.ko is too old for chunked loads (blobs over %u bytes): upgrade the module",
			       MG_LOAD_ONE_MESSAGE_MAX);
		ret = EXIT_FAIL;
		goto out;
	}
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "version", mg_json_hex64(version));
		json_object_object_add(o, "size", json_object_new_uint64(len));
		mg_json_print(stdout, o);
	} else {
		printf("%016" PRIx64 "\n", version);
	}
out:
	mg_client_close(c);
	free(input);
	free(blob);
	free_args(&a);
	return ret;
}

/* ---- reading policies back ---- */

/*
 * The kernel's policy, decoded. *d stays NULL when no policy is loaded (*none set). Prints why
 * and returns -errno on any failure.
 */
static int kernel_policy(struct mg_decoded **d, bool *none)
{
	struct mg_client *c = NULL;
	const char *why = NULL;
	char ext[512];
	void *blob = NULL;
	size_t len = 0;
	uint64_t version = 0;
	int err;

	*d = NULL;
	*none = false;
	err = open_client(&c);
	if (err)
		return err;
	err = mg_policy_get(c, &blob, &len, &version, ext, sizeof(ext));
	mg_client_close(c);
	if (err == -ENOENT) {
		*none = true;
		return 0;
	}
	if (err) {
		if (err == -EOPNOTSUPP)
			errmsg("the loaded medgate.ko is too old to return its policy (it does not know POLICY_GET): upgrade the module");
		else if (err == -EPERM)
			errmsg("reading the loaded policy needs CAP_MAC_ADMIN (run as root)");
		else if (err == -EPROTO)
			errmsg("the module's answer to POLICY_GET is malformed (slices out of order or incomplete)");
		else if (ext[0])
			errmsg("cannot read the loaded policy: %s: %s", strerror(-err), ext);
		else
			errmsg("cannot read the loaded policy: %s", strerror(-err));
		return err;
	}
	err = mg_blob_decode(blob, len, d, &why);
	free(blob);
	if (err) {
		errmsg("the kernel's policy blob does not validate here: %s (%s)",
		       why ? why : "cannot decode", strerror(-err));
		return err;
	}
	if ((*d)->version != version) {
		errmsg("the kernel reported version %016" PRIx64 " for a blob of version %016" PRIx64,
		       version, (*d)->version);
		mg_decoded_free(*d);
		*d = NULL;
		return -EPROTO;
	}
	return 0;
}

static int blob_file_policy(const char *path, struct mg_decoded **d)
{
	const char *why = NULL;
	void *blob;
	size_t len;
	int err;

	err = read_blob_file(path, &blob, &len);
	if (err)
		return err;
	if (!mg_is_blob(blob, len)) {
		free(blob);
		errmsg("%s: not a compiled policy blob (compile it with 'medgatectl policy compile')",
		       path);
		return -EINVAL;
	}
	err = mg_blob_decode(blob, len, d, &why);
	free(blob);
	if (err) {
		errmsg("%s: invalid policy blob: %s (%s)", path, why ? why : "cannot decode",
		       strerror(-err));
		return err;
	}
	return 0;
}

static int files_policy(const struct policy_args *a, struct mg_decoded **d)
{
	const char *why = NULL;
	void *blob = NULL;
	size_t len = 0;
	int ret;

	ret = compile(a, &blob, &len);
	if (ret)
		return ret;
	ret = mg_blob_decode(blob, len, d, &why);
	if (ret)
		errmsg("internal error: the compiled blob does not validate: %s", why ? why : "?");
	free(blob);
	return ret;
}

/* "STATEMENT   # COMMENT" with the comment aligned, after @prefix. */
static void print_stmt(const char *prefix, const char *stmt, const char *comment)
{
	int n = printf("%s%s", prefix, stmt);

	if (comment) {
		int pad = n < COMMENT_COL ? COMMENT_COL - n : 2;

		printf("%*s# %s", pad, "", comment);
	}
	printf("\n");
}

static void rule_comment(const struct mg_dec_rule *r, char *buf, size_t len)
{
	snprintf(buf, len, "rule %" PRIu32 ", %s:%" PRIu32, r->index, r->file, r->line);
}

static void attach_comment(const struct mg_dec_attach *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%" PRIu32, a->file, a->line);
}

/* Statement texts are bounded by the pattern (4 bytes per byte when quoted) and a name. */
#define STMT_MAX	(4 * MEDGATE_PATH_MAX + MEDGATE_NAME_MAX + 64)

static void print_attach(const char *prefix, const struct mg_dec_attach *a)
{
	char stmt[STMT_MAX + 16], pat[STMT_MAX], com[512];

	if (mg_pattern_format(a->pattern, pat, sizeof(pat)))
		snprintf(pat, sizeof(pat), "?");
	snprintf(stmt, sizeof(stmt), "attach %s", pat);
	attach_comment(a, com, sizeof(com));
	print_stmt(prefix, stmt, com);
}

static void print_rule(const char *prefix, const struct mg_dec_rule *r)
{
	char stmt[STMT_MAX], com[512];

	if (mg_dec_rule_format(r, stmt, sizeof(stmt)))
		snprintf(stmt, sizeof(stmt), "? (rule too long to print)");
	rule_comment(r, com, sizeof(com));
	print_stmt(prefix, stmt, com);
}

static void json_attach(struct json_object *o, const struct mg_dec_attach *a)
{
	json_object_object_add(o, "index", json_object_new_uint64(a->index));
	json_object_object_add(o, "pattern", mg_json_string(a->pattern));
	json_object_object_add(o, "glob", json_object_new_boolean(a->flags & MEDGATE_PATTERN_F_GLOB));
	json_object_object_add(o, "file", mg_json_string(a->file));
	json_object_object_add(o, "line", json_object_new_uint64(a->line));
}

static void json_rule(struct json_object *o, const struct mg_dec_rule *r)
{
	char stmt[STMT_MAX], acc[48];

	json_object_object_add(o, "index", json_object_new_uint64(r->index));
	if (mg_dec_rule_format(r, stmt, sizeof(stmt)))
		stmt[0] = '\0';
	json_object_object_add(o, "statement", mg_json_string(stmt));
	json_object_object_add(o, "deny", json_object_new_boolean(r->flags & MEDGATE_RULE_F_DENY));
	/* Class rules: their keyword, details and peer; null, 0 and null for file rules. */
	json_object_object_add(o, "class", r->op ? mg_json_string(mg_class_keyword(r->op)) : NULL);
	json_object_object_add(o, "detail", mg_json_hex64(r->detail));
	json_object_object_add(o, "peer", r->peer_name ? mg_json_string(r->peer_name) :
				  !r->op || (r->op != MEDGATE_OP_PTRACE && r->op != MEDGATE_OP_SIGNAL) ?
				  NULL :
				  json_object_new_string(r->peer == MEDGATE_PEER_ANY ? "any" :
							 r->peer ? "?" : "unconfined"));
	json_object_object_add(o, "pattern", mg_json_string(r->pattern));
	json_object_object_add(o, "glob", json_object_new_boolean(r->flags & MEDGATE_RULE_F_GLOB));
	mg_access_format(r->access, acc, sizeof(acc));
	json_object_object_add(o, "access", mg_json_string(acc));
	json_object_object_add(o, "exec", json_object_new_string(r->exec_mode == MEDGATE_EXEC_MOVE ?
								 "move" : "stay"));
	if (r->exec_mode == MEDGATE_EXEC_MOVE) {
		json_object_object_add(o, "target_id", mg_json_hex64(r->target));
		json_object_object_add(o, "target", mg_json_string(r->target_name));
	} else {
		json_object_object_add(o, "target", NULL);
	}
	json_object_object_add(o, "file", mg_json_string(r->file));
	json_object_object_add(o, "line", json_object_new_uint64(r->line));
}

static void show_text(const struct mg_decoded *d, const char *source)
{
	size_t i, j;

	printf("# medgate policy from %s: ", source);
	summary_text(stdout, d);
	printf("\n# \"rule N\" is the rule number audit records carry; FILE:LINE is its source.\n");
	for (i = 0; i < d->n_profiles; i++) {
		const struct mg_dec_profile *p = &d->profiles[i];
		char head[MEDGATE_NAME_MAX + 32], com[64];

		snprintf(head, sizeof(head), "profile %s {", p->name);
		snprintf(com, sizeof(com), "id %016" PRIx64, p->id);
		printf("\n");
		print_stmt("", head, com);
		printf("    mode %s\n", mg_mode_name(p->mode));
		for (j = 0; j < p->n_attach; j++)
			print_attach("    ", &p->attach[j]);
		for (j = 0; j < p->n_rules; j++)
			print_rule("    ", &p->rules[j]);
		printf("}\n");
	}
}

static void show_json(const struct mg_decoded *d, const char *source)
{
	struct json_object *o = json_object_new_object();
	struct json_object *profiles = json_object_new_array();
	size_t i, j;

	json_object_object_add(o, "loaded", json_object_new_boolean(true));
	json_object_object_add(o, "source", mg_json_string(source));
	json_object_object_add(o, "version", mg_json_hex64(d->version));
	json_object_object_add(o, "size", json_object_new_uint64(d->size));
	json_object_object_add(o, "n_attachments", json_object_new_uint64(d->n_attach));
	json_object_object_add(o, "n_rules", json_object_new_uint64(d->n_rules));
	json_object_object_add(o, "n_states", json_object_new_uint64(d->n_states));
	for (i = 0; i < d->n_profiles; i++) {
		const struct mg_dec_profile *p = &d->profiles[i];
		struct json_object *po = json_object_new_object();
		struct json_object *attach = json_object_new_array();
		struct json_object *rules = json_object_new_array();

		json_object_object_add(po, "name", mg_json_string(p->name));
		json_object_object_add(po, "id", mg_json_hex64(p->id));
		json_object_object_add(po, "mode", json_object_new_string(mg_mode_name(p->mode)));
		for (j = 0; j < p->n_attach; j++) {
			struct json_object *ao = json_object_new_object();

			json_attach(ao, &p->attach[j]);
			json_object_array_add(attach, ao);
		}
		json_object_object_add(po, "attach", attach);
		for (j = 0; j < p->n_rules; j++) {
			struct json_object *ro = json_object_new_object();

			json_rule(ro, &p->rules[j]);
			json_object_array_add(rules, ro);
		}
		json_object_object_add(po, "rules", rules);
		json_object_array_add(profiles, po);
	}
	json_object_object_add(o, "profiles", profiles);
	mg_json_print(stdout, o);
}

static int cmd_show(int argc, char **argv)
{
	struct mg_decoded *d = NULL;
	struct policy_args a;
	const char *source = "the kernel";
	bool none = false;
	int ret = EXIT_OK, err;

	err = parse_args(argc, argv, &a, 0, "show", 0);
	if (err) {
		ret = args_status(&a, err);
		goto out;
	}
	if (a.n_files > 1 || a.had_dir) {
		ret = usage_error(policy_help, "policy show takes at most one compiled blob");
		goto out;
	}
	if (a.n_files) {
		source = a.files[0];
		err = blob_file_policy(a.files[0], &d);
	} else {
		err = kernel_policy(&d, &none);
	}
	if (err) {
		ret = exit_status(err);
		goto out;
	}
	if (none) {
		if (json_output) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "loaded", json_object_new_boolean(false));
			mg_json_print(stdout, o);
		} else {
			printf("# no policy is loaded: every process is unconfined\n");
		}
		goto out;
	}
	if (json_output)
		show_json(d, source);
	else
		show_text(d, source);
out:
	mg_decoded_free(d);
	free_args(&a);
	return ret;
}

/* ---- diff ---- */

static const char *prof_name(const struct mg_change *ch)
{
	return ch->new_profile ? ch->new_profile->name : ch->old_profile->name;
}

static void diff_text(const struct mg_diff *df, const struct mg_decoded *old,
		      const struct mg_decoded *new, const char *base, const char *files)
{
	const char *cur = NULL;
	size_t i;

	if (old) {
		printf("--- %s: ", base);
		summary_text(stdout, old);
		printf("\n");
	} else {
		printf("--- %s: no policy loaded\n", base);
	}
	printf("+++ %s: ", files);
	summary_text(stdout, new);
	printf("\n");
	for (i = 0; i < df->n; i++) {
		const struct mg_change *ch = &df->v[i];
		const char *name = prof_name(ch);

		switch (ch->kind) {
		case MG_CHANGE_PROFILE_ADDED:
			printf("+ profile %s (%s)\n", name, mg_mode_name(ch->new_profile->mode));
			cur = name;
			continue;
		case MG_CHANGE_PROFILE_REMOVED:
			printf("- profile %s (%s)\n", name, mg_mode_name(ch->old_profile->mode));
			cur = name;
			continue;
		case MG_CHANGE_MODE:
			printf("~ profile %s: mode %s -> %s\n", name,
			       mg_mode_name(ch->old_profile->mode),
			       mg_mode_name(ch->new_profile->mode));
			cur = name;
			continue;
		default:
			break;
		}
		if (!cur || strcmp(cur, name)) {
			printf("  profile %s:\n", name);
			cur = name;
		}
		switch (ch->kind) {
		case MG_CHANGE_ATTACH_ADDED:
			print_attach("+     ", ch->attach);
			break;
		case MG_CHANGE_ATTACH_REMOVED:
			print_attach("-     ", ch->attach);
			break;
		case MG_CHANGE_RULE_ADDED:
			print_rule("+     ", ch->rule);
			break;
		case MG_CHANGE_RULE_REMOVED:
			print_rule("-     ", ch->rule);
			break;
		default:
			break;
		}
	}
	if (!df->n) {
		if (!old || df->same_version)
			printf("no changes: the files compile to the loaded policy\n");
		else
			printf("no changes in content: only source positions or the order of rules differ (the version would change)\n");
	} else {
		printf("%zu change%s\n", df->n, df->n == 1 ? "" : "s");
	}
}

static void diff_json(const struct mg_diff *df, const struct mg_decoded *old,
		      const struct mg_decoded *new, const char *base)
{
	struct json_object *o = json_object_new_object();
	struct json_object *changes = json_object_new_array();
	size_t i;

	json_object_object_add(o, "base", mg_json_string(base));
	json_object_object_add(o, "old_version", old ? mg_json_hex64(old->version) : NULL);
	json_object_object_add(o, "new_version", mg_json_hex64(new->version));
	json_object_object_add(o, "changed", json_object_new_boolean(df->n > 0));
	json_object_object_add(o, "positions_only", json_object_new_boolean(df->positions_only));
	for (i = 0; i < df->n; i++) {
		const struct mg_change *ch = &df->v[i];
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "type", json_object_new_string(mg_change_name(ch->kind)));
		json_object_object_add(c, "profile", mg_json_string(prof_name(ch)));
		switch (ch->kind) {
		case MG_CHANGE_PROFILE_ADDED:
			json_object_object_add(c, "mode", json_object_new_string(
						       mg_mode_name(ch->new_profile->mode)));
			break;
		case MG_CHANGE_PROFILE_REMOVED:
			json_object_object_add(c, "mode", json_object_new_string(
						       mg_mode_name(ch->old_profile->mode)));
			break;
		case MG_CHANGE_MODE:
			json_object_object_add(c, "old_mode", json_object_new_string(
						       mg_mode_name(ch->old_profile->mode)));
			json_object_object_add(c, "new_mode", json_object_new_string(
						       mg_mode_name(ch->new_profile->mode)));
			break;
		case MG_CHANGE_ATTACH_ADDED:
		case MG_CHANGE_ATTACH_REMOVED:
			json_attach(c, ch->attach);
			break;
		case MG_CHANGE_RULE_ADDED:
		case MG_CHANGE_RULE_REMOVED:
			json_rule(c, ch->rule);
			break;
		}
		json_object_array_add(changes, c);
	}
	json_object_object_add(o, "changes", changes);
	mg_json_print(stdout, o);
}

static int cmd_diff(int argc, char **argv)
{
	struct mg_decoded *old = NULL, *new = NULL;
	struct mg_diff df = { 0 };
	struct policy_args a;
	bool none = false;
	char *files = NULL;
	int ret = EXIT_OK, err, i;
	size_t flen = 0;

	err = parse_args(argc, argv, &a, OPT_BASE, "diff", 1);
	if (!err)
		err = files_policy(&a, &new);
	if (!err)
		err = a.base ? blob_file_policy(a.base, &old) : kernel_policy(&old, &none);
	if (err) {
		ret = args_status(&a, err);
		goto out;
	}
	err = mg_policy_diff(old, new, &df);
	if (err) {
		errmsg("diff: %s", strerror(-err));
		ret = EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < a.n_files; i++)
		flen += strlen(a.files[i]) + 1;
	files = calloc(1, flen + 1);
	if (!files) {
		errmsg("out of memory");
		ret = EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < a.n_files; i++) {
		if (i)
			strcat(files, " ");
		strcat(files, a.files[i]);
	}
	if (json_output)
		diff_json(&df, old, new, a.base ? a.base : "kernel");
	else
		diff_text(&df, old, new, a.base ? a.base : "kernel", files);
out:
	free(files);
	mg_diff_free(&df);
	mg_decoded_free(old);
	mg_decoded_free(new);
	free_args(&a);
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
	{ "show", cmd_show },
	{ "diff", cmd_diff },
	{ "help", cmd_help },
	{ NULL, NULL },
};

int do_policy(int argc, char **argv)
{
	return dispatch(cmds, NULL, argc, argv, policy_help);
}

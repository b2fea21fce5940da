// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl — control medgate: compile and load policies, show status, read the audit stream.
 *
 *   medgatectl [OPTIONS] OBJECT COMMAND [ARGS]
 *
 * Words are matched exactly (no abbreviations): a typo must never run a different command on a
 * medical device.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

bool json_output;

void errmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("medgatectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(void (*help)(FILE *f), const char *fmt, ...)
{
	va_list ap;

	fputs("medgatectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (help)
		help(stderr);
	return EXIT_USAGE;
}

bool is_json_opt(const char *arg)
{
	return !strcmp(arg, "-j") || !strcmp(arg, "--json");
}

bool is_help_opt(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* Whether -h or --help is among the words, before a "--" that ends the options. */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc && strcmp(argv[i], "--"); i++)
		if (is_help_opt(argv[i]))
			return true;
	return false;
}

int dispatch(const struct cmd *cmds, const char *dflt, int argc, char **argv,
	     void (*help)(FILE *f))
{
	const char *word = argc > 0 ? argv[0] : dflt;
	const struct cmd *c;

	if (!word) {
		help(stderr);
		return EXIT_USAGE;
	}
	/* -h/--help anywhere before "--" is a request for help, not a usage error. */
	if (wants_help(argc, argv)) {
		help(stdout);
		return EXIT_OK;
	}
	/* "medgatectl status -j": an option where the command would be runs the default. */
	if (argc > 0 && dflt && argv[0][0] == '-') {
		word = dflt;
		argc++;
		argv--;
	}
	for (c = cmds; c->name; c++)
		if (!strcmp(c->name, word))
			return c->fn(argc > 0 ? argc - 1 : 0, argc > 0 ? argv + 1 : argv);
	return usage_error(help, "unknown command \"%s\"", word);
}

int open_client(struct mg_client **c)
{
	int err = mg_client_open(c);

	if (err == -ENOENT)
		errmsg("medgate.ko is not loaded: modprobe medgate (or insmod medgate.ko)");
	else if (err)
		errmsg("cannot open a generic netlink socket: %s", strerror(-err));
	return err;
}

void main_help(FILE *f)
{
	fprintf(f,
		"Usage: medgatectl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"\n"
		"Objects and commands:\n"
		"  policy check FILE|DIR...        check policy files, print every error\n"
		"  policy compile FILE|DIR... -o OUT  compile policy files into a blob, print its version\n"
		"  policy load FILE|DIR...|BLOB    compile (or take a compiled blob) and load it\n"
		"  policy show [BLOB]              the loaded policy (or a compiled blob) as policy text\n"
		"  policy diff FILE|DIR... [--base BLOB]  what loading the files would change\n"
		"  status                          what is loaded and whether medgate can enforce\n"
		"  audit show [--from SEQ]         print the audit events the module still holds\n"
		"  OBJECT help                     help on one object (also: OBJECT COMMAND --help)\n"
		"\n"
		"Options:\n"
		"  -I DIR          search DIR for \"include <NAME>\" (repeatable; then the directories\n"
		"                  of MEDGATE_INCLUDE_PATH, colon-separated; then %s)\n"
		"  -j, --json      JSON output (policy check/compile/load/show/diff, status, audit show)\n"
		"  -h, --help      this help; after an object or command, that object's help\n"
		"  -V, --version   version and ABI\n"
		"\n"
		"Exit status:\n"
		"  0  success, and help (status: every piece needed to enforce is in place,\n"
		"     or all that a user without root can check)\n"
		"  1  failure: the operation failed, the policy has errors, or status found a problem\n"
		"  2  usage error: unknown command or option, missing argument\n",
		mg_include_default_dir());
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	main_help(stdout);
	return EXIT_OK;
}

static const struct cmd objects[] = {
	{ "policy", do_policy },
	{ "status", do_status },
	{ "audit", do_audit },
	{ "help", do_help },
	{ NULL, NULL },
};

/*
 * The include path of "include <NAME>": the -I directories in command-line order, then those of
 * MEDGATE_INCLUDE_PATH (colon-separated, empty entries ignored); the library adds its default
 * directory after them.
 */
static int set_include_path(const char **dirs, size_t n)
{
	const char *env = getenv("MEDGATE_INCLUDE_PATH");
	char *copy = NULL, *tok, *save = NULL;
	const char **all = NULL;
	size_t n_all = n;
	int err;

	if (env && *env) {
		copy = strdup(env);
		all = calloc(n + strlen(env) / 2 + 1, sizeof(*all));
		if (!copy || !all) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(all, dirs, n * sizeof(*dirs));
		for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
			all[n_all++] = tok;
		dirs = all;
	}
	err = mg_include_path_set(dirs, n_all);
out:
	free(all);
	free(copy);
	if (err)
		errmsg("cannot set the include path: %s", strerror(-err));
	return err;
}

int main(int argc, char **argv)
{
	const char **inc = calloc((size_t)argc, sizeof(*inc));
	const struct cmd *c;
	size_t n_inc = 0;
	int i, ret;

	if (!inc) {
		errmsg("out of memory");
		return EXIT_FAIL;
	}
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "--")) {
			i++;
			break;
		}
		if (!strncmp(o, "-I", 2)) {
			if (o[2]) {
				inc[n_inc++] = o + 2;
			} else if (i + 1 < argc) {
				inc[n_inc++] = argv[++i];
			} else {
				free(inc);
				return usage_error(main_help, "-I needs a directory");
			}
		} else if (is_json_opt(o)) {
			json_output = true;
		} else if (is_help_opt(o)) {
			main_help(stdout);
			return EXIT_OK;
		} else if (!strcmp(o, "-V") || !strcmp(o, "--version")) {
			printf("medgatectl %s (medgate ABI %u, policy blob format %u)\n",
			       MEDGATECTL_VERSION, MEDGATE_ABI_VERSION, MEDGATE_BLOB_FORMAT);
			return EXIT_OK;
		} else {
			free(inc);
			return usage_error(main_help, "unknown option \"%s\"", o);
		}
	}
	ret = set_include_path(inc, n_inc);
	free(inc);
	if (ret)
		return exit_status(ret);
	if (i >= argc)
		return usage_error(main_help, "missing object (policy, status, audit)");
	/* Not dispatch(): a --help after the object is the object's, which its dispatch() answers. */
	for (c = objects; c->name; c++)
		if (!strcmp(c->name, argv[i]))
			return c->fn(argc - i - 1, argv + i + 1);
	return usage_error(main_help, "unknown command \"%s\"", argv[i]);
}

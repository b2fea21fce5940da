// SPDX-License-Identifier: GPL-2.0
/*
 * medgatectl status: every piece medgate needs in order to enforce, checked one by one, and
 * what the module reports. Each missing piece becomes a sentence that says what to do. The
 * exit status is 0 only when everything is in place; everything found is printed either way.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common.h"
#include "json.h"

#define LSM_FILE	"/sys/kernel/security/lsm"
#define BTF_FILE	"/sys/kernel/btf/medgate"
#define MAX_PROBLEMS	16

enum tri { NO = 0, YES = 1, UNKNOWN = -1 };

struct report {
	/* module */
	bool loaded;
	int client_err;
	struct mg_status *st;
	int status_err;
	bool abi_ok;
	enum tri btf;
	/* BPF-LSM */
	enum tri lsm;
	char lsm_list[256];
	int lsm_err;
	/* pinned BPF objects */
	int pin_err;
	unsigned links, maps, other;
	bool pins_opaque;	/* could not open them (not root): counted, not inspected */
	/* what is wrong, as sentences */
	char *problems[MAX_PROBLEMS];
	size_t n_problems;
	char *notes[MAX_PROBLEMS];
	size_t n_notes;
};

void status_help(FILE *f)
{
	fprintf(f,
		"Usage: medgatectl status [show] [-j]\n"
		"\n"
		"Checks that medgate.ko is loaded and speaks this tool's ABI, that it has module BTF\n"
		"(its kfuncs), that BPF-LSM is active, and that the BPF programs are attached (pinned\n"
		"under " MEDGATE_BPFFS_DIR "); then shows the loaded policy, the audit counters\n"
		"and the profiles. Exit status 0 only when all of it is in place, 1 otherwise.\n"
		"A user without root cannot inspect the BPF pins: they are reported as unknown\n"
		"(a note, not a problem) and the exit status reflects the rest.\n");
}

static void add(char **list, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(char **list, size_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n >= MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&list[*n], fmt, ap) >= 0)
		(*n)++;
	va_end(ap);
}

#define problem(r, ...)	add((r)->problems, &(r)->n_problems, __VA_ARGS__)
#define note(r, ...)	add((r)->notes, &(r)->n_notes, __VA_ARGS__)

static void check_module(struct report *r)
{
	struct mg_client *c = NULL;

	r->btf = UNKNOWN;
	r->client_err = mg_client_open(&c);
	if (r->client_err == -ENOENT) {
		problem(r, "medgate.ko is not loaded: modprobe medgate (or insmod medgate.ko)");
		return;
	}
	if (r->client_err) {
		problem(r, "cannot open a generic netlink socket: %s", strerror(-r->client_err));
		return;
	}
	r->loaded = true;
	r->st = calloc(1, sizeof(*r->st));
	r->status_err = r->st ? mg_status_get(c, r->st) : -ENOMEM;
	mg_client_close(c);
	if (r->status_err) {
		problem(r, "medgate.ko did not answer the status request: %s",
			strerror(-r->status_err));
	} else if (r->st->abi_version != MEDGATE_ABI_VERSION) {
		problem(r, "medgate.ko speaks ABI %u but this medgatectl speaks ABI %u: install %s (a medgate.ko and medgatectl from the same release)",
			r->st->abi_version, MEDGATE_ABI_VERSION,
			r->st->abi_version > MEDGATE_ABI_VERSION ? "a newer medgatectl"
								  : "a newer medgate.ko");
	} else {
		r->abi_ok = true;
	}

	/* Without module BTF the kfunc registration "succeeds" and registers nothing. */
	r->btf = access(BTF_FILE, F_OK) ? NO : YES;
	if (r->btf == NO)
		problem(r, "medgate.ko has no BTF: its kfuncs are not registered; rebuild it with module BTF");
}

static void check_lsm(struct report *r)
{
	char *tok, *save = NULL, buf[sizeof(r->lsm_list)];
	FILE *f;
	size_t n;

	f = fopen(LSM_FILE, "re");
	if (!f) {
		r->lsm = UNKNOWN;
		r->lsm_err = errno;
		if (errno == ENOENT)
			problem(r, "cannot tell whether BPF-LSM is active: " LSM_FILE " is missing (mount securityfs: mount -t securityfs securityfs /sys/kernel/security)");
		else
			problem(r, "cannot tell whether BPF-LSM is active: cannot read " LSM_FILE ": %s",
				strerror(errno));
		return;
	}
	n = fread(r->lsm_list, 1, sizeof(r->lsm_list) - 1, f);
	fclose(f);
	r->lsm_list[n] = '\0';
	r->lsm_list[strcspn(r->lsm_list, "\n")] = '\0';
	memcpy(buf, r->lsm_list, sizeof(buf));
	r->lsm = NO;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, "bpf"))
			r->lsm = YES;
	if (r->lsm == NO)
		problem(r, "BPF-LSM is not active: add bpf to lsm= on the kernel command line");
}

/* What kind of BPF object an fd is, from its fdinfo ("link_type:", "map_type:", "prog_type:"). */
static char fd_kind(int fd)
{
	char path[64], line[128];
	char kind = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return kind;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "link_type:", 10))
			kind = 'l';
		else if (!strncmp(line, "map_type:", 9))
			kind = 'm';
		else if (!strncmp(line, "prog_type:", 10) && kind == '?')
			kind = 'p';
	}
	fclose(f);
	return kind;
}

static void check_pins(struct report *r)
{
	struct dirent *de;
	DIR *d;

	d = opendir(MEDGATE_BPFFS_DIR);
	if (!d) {
		r->pin_err = errno;
		if (errno == EACCES || errno == EPERM) {
			/* bpffs is root's: a user cannot tell, which is not the same as "no". */
			r->pins_opaque = true;
			note(r, "need root to inspect the BPF pins under " MEDGATE_BPFFS_DIR ": whether the BPF programs are attached is not checked");
		} else if (errno == ENOENT) {
			problem(r, "BPF programs are not attached: run medgated");
		} else {
			problem(r, "cannot read " MEDGATE_BPFFS_DIR ": %s", strerror(errno));
		}
		return;
	}
	while ((de = readdir(d))) {
		char path[512];
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", MEDGATE_BPFFS_DIR, de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			r->pins_opaque = true;
			r->other++;
			continue;
		}
		switch (fd_kind(fd)) {
		case 'l':
			r->links++;
			break;
		case 'm':
			r->maps++;
			break;
		default:
			r->other++;
		}
		close(fd);
	}
	closedir(d);
	if (r->pins_opaque && !r->links)
		note(r, "need root to inspect the %u objects pinned under " MEDGATE_BPFFS_DIR ": whether the BPF programs are attached is not checked",
		     r->other);
	else if (!r->links)
		problem(r, "BPF programs are not attached: run medgated");
}

static const char *yes_no(enum tri t, const char *yes, const char *no)
{
	return t == YES ? yes : t == NO ? no : "unknown";
}

static void print_text(const struct report *r)
{
	const struct mg_status *st = r->status_err ? NULL : r->st;
	char when[64];
	size_t i;

	if (r->loaded)
		printf("medgate.ko:    loaded, ABI %u%s\n", st ? st->abi_version : 0,
		       !st ? " (no status)" : r->abi_ok ? "" : " (mismatch)");
	else
		printf("medgate.ko:    not loaded\n");
	printf("module BTF:    %s\n", r->loaded ? yes_no(r->btf, "present", "missing")
					      : "unknown (module not loaded)");
	if (r->lsm == UNKNOWN)
		printf("BPF-LSM:       unknown (cannot read " LSM_FILE ": %s)\n", strerror(r->lsm_err));
	else
		printf("BPF-LSM:       %s (lsm=%s)\n", r->lsm == YES ? "active" : "not active",
		       r->lsm_list);
	if (r->pins_opaque && r->pin_err)
		printf("BPF programs:  unknown (need root to inspect the BPF pins)\n");
	else if (r->pin_err)
		printf("BPF programs:  not attached (%s)\n",
		       r->pin_err == ENOENT ? "nothing pinned under " MEDGATE_BPFFS_DIR
					    : strerror(r->pin_err));
	else if (r->pins_opaque)
		printf("BPF programs:  unknown: %u objects pinned under " MEDGATE_BPFFS_DIR " (need root to inspect them)\n",
		       r->other + r->links + r->maps);
	else
		printf("BPF programs:  %u link%s attached, %u map%s pinned under " MEDGATE_BPFFS_DIR "\n",
		       r->links, r->links == 1 ? "" : "s", r->maps, r->maps == 1 ? "" : "s");
	if (st) {
		if (st->policy_version) {
			if (mg_time_format(st->loaded_ns, when, sizeof(when)))
				snprintf(when, sizeof(when), "?");
			printf("policy:        version %016" PRIx64 ", loaded %s, %u load%s\n",
			       st->policy_version, when, st->policy_loads,
			       st->policy_loads == 1 ? "" : "s");
		} else {
			printf("policy:        none loaded\n");
		}
		printf("audit:         next seq %" PRIu64 ", %" PRIu64 " lost\n", st->audit_next_seq,
		       st->audit_lost);
		if (st->policy_version && !st->n_profiles)
			printf("profiles:      0 (the loaded policy has no profiles: nothing is confined)\n");
		else
			printf("profiles:      %zu\n", st->n_profiles);
		if (st->n_profiles)
			printf("  %-32s %-9s %6s  %s\n", "NAME", "MODE", "RULES", "ID");
		for (i = 0; i < st->n_profiles; i++)
			printf("  %-32s %-9s %6u  %016" PRIx64 "\n", st->profiles[i].name,
			       mg_mode_name(st->profiles[i].mode), st->profiles[i].rules,
			       st->profiles[i].id);
	} else {
		printf("policy:        unknown\n");
	}
	for (i = 0; i < r->n_notes; i++)
		printf("note: %s\n", r->notes[i]);
	for (i = 0; i < r->n_problems; i++)
		printf("problem: %s\n", r->problems[i]);
	if (r->n_problems)
		printf("enforcement:   NOT possible (%zu problem%s)\n", r->n_problems,
		       r->n_problems == 1 ? "" : "s");
	else if (r->pins_opaque && !r->links)
		printf("enforcement:   unknown (the module is ready; run as root to check the BPF programs)\n");
	else if (st && !st->policy_version)
		printf("enforcement:   ready, but no policy is loaded (nothing is confined)\n");
	else if (st && !st->n_profiles)
		printf("enforcement:   ready, but the loaded policy has no profiles (nothing is confined)\n");
	else
		printf("enforcement:   ready\n");
}

static void json_tri(struct jw *w, const char *k, enum tri t)
{
	if (t == UNKNOWN)
		jw_null(w, k);
	else
		jw_bool(w, k, t == YES);
}

static void print_json(const struct report *r)
{
	const struct mg_status *st = r->status_err ? NULL : r->st;
	struct jw w;
	size_t i;

	jw_init(&w, stdout);
	jw_obj_open(&w, NULL);
	/* null: nothing wrong was found, but a user without root cannot check the BPF pins. */
	if (!r->n_problems && r->pins_opaque && !r->links)
		jw_null(&w, "enforcing_capable");
	else
		jw_bool(&w, "enforcing_capable", r->n_problems == 0);

	jw_obj_open(&w, "module");
	jw_bool(&w, "loaded", r->loaded);
	if (st)
		jw_u64(&w, "abi_version", st->abi_version);
	else
		jw_null(&w, "abi_version");
	jw_u64(&w, "tool_abi_version", MEDGATE_ABI_VERSION);
	jw_bool(&w, "abi_match", r->abi_ok);
	json_tri(&w, "btf", r->loaded ? r->btf : UNKNOWN);
	jw_obj_close(&w);

	jw_obj_open(&w, "bpf_lsm");
	json_tri(&w, "active", r->lsm);
	jw_str(&w, "lsm", r->lsm == UNKNOWN ? NULL : r->lsm_list);
	jw_obj_close(&w);

	jw_obj_open(&w, "bpf");
	jw_str(&w, "pin_dir", MEDGATE_BPFFS_DIR);
	jw_u64(&w, "links", r->links);
	jw_u64(&w, "maps", r->maps);
	jw_u64(&w, "other", r->other);
	jw_bool(&w, "inspected", !r->pins_opaque);
	jw_obj_close(&w);

	if (st) {
		jw_obj_open(&w, "policy");
		if (st->policy_version)
			jw_hex64(&w, "version", st->policy_version);
		else
			jw_null(&w, "version");
		jw_u64(&w, "loads", st->policy_loads);
		jw_u64(&w, "loaded_ns", st->loaded_ns);
		jw_obj_close(&w);
		jw_obj_open(&w, "audit");
		jw_u64(&w, "next_seq", st->audit_next_seq);
		jw_u64(&w, "lost", st->audit_lost);
		jw_obj_close(&w);
		jw_arr_open(&w, "profiles");
		for (i = 0; i < st->n_profiles; i++) {
			jw_obj_open(&w, NULL);
			jw_str(&w, "name", st->profiles[i].name);
			jw_hex64(&w, "id", st->profiles[i].id);
			jw_str(&w, "mode", mg_mode_name(st->profiles[i].mode));
			jw_u64(&w, "rules", st->profiles[i].rules);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
	} else {
		jw_null(&w, "policy");
		jw_null(&w, "audit");
		jw_null(&w, "profiles");
	}
	jw_arr_open(&w, "problems");
	for (i = 0; i < r->n_problems; i++)
		jw_str(&w, NULL, r->problems[i]);
	jw_arr_close(&w);
	jw_arr_open(&w, "notes");
	for (i = 0; i < r->n_notes; i++)
		jw_str(&w, NULL, r->notes[i]);
	jw_arr_close(&w);
	jw_obj_close(&w);
}

static int cmd_show(int argc, char **argv)
{
	struct report r;
	size_t i;
	int ret;

	for (i = 0; i < (size_t)argc; i++) {
		if (is_json_opt(argv[i]))
			json_output = true;
		else
			return usage_error(status_help, "unexpected argument \"%s\"", argv[i]);
	}
	memset(&r, 0, sizeof(r));
	check_module(&r);
	check_lsm(&r);
	check_pins(&r);
	if (r.loaded && !r.status_err && !r.st->policy_version)
		note(&r, "no policy is loaded: every process is unconfined (medgatectl policy load FILE)");
	else if (r.loaded && !r.status_err && !r.st->n_profiles)
		note(&r, "the loaded policy has no profiles: nothing is confined, and a task that was confined under an earlier policy is denied everything until it exits");

	if (json_output)
		print_json(&r);
	else
		print_text(&r);
	ret = r.n_problems ? EXIT_FAIL : EXIT_OK;
	for (i = 0; i < r.n_problems; i++)
		free(r.problems[i]);
	for (i = 0; i < r.n_notes; i++)
		free(r.notes[i]);
	free(r.st);
	return ret;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	status_help(stdout);
	return EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "show", cmd_show },
	{ "help", cmd_help },
	{ NULL, NULL },
};

int do_status(int argc, char **argv)
{
	return dispatch(cmds, "show", argc, argv, status_help);
}

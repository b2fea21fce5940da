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
#include <json.h>

#include "common.h"

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
		printf("audit:         next seq %" PRIu64 ", %" PRIu64 " lost, %" PRIu64
		       " repeats suppressed, %" PRIu64 " rate-limited\n", st->audit_next_seq,
		       st->audit_lost, st->audit_suppressed, st->audit_rate_limited);
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

/* null when the answer is unknown. */
static struct json_object *json_tri(enum tri t)
{
	return t == UNKNOWN ? NULL : json_object_new_boolean(t == YES);
}

static void print_json(const struct report *r)
{
	const struct mg_status *st = r->status_err ? NULL : r->st;
	struct json_object *o = json_object_new_object();
	struct json_object *module = json_object_new_object();
	struct json_object *lsm = json_object_new_object();
	struct json_object *bpf = json_object_new_object();
	struct json_object *problems = json_object_new_array();
	struct json_object *notes = json_object_new_array();
	size_t i;

	/* null: nothing wrong was found, but a user without root cannot check the BPF pins. */
	if (!r->n_problems && r->pins_opaque && !r->links)
		json_object_object_add(o, "enforcing_capable", NULL);
	else
		json_object_object_add(o, "enforcing_capable",
				       json_object_new_boolean(r->n_problems == 0));

	json_object_object_add(module, "loaded", json_object_new_boolean(r->loaded));
	json_object_object_add(module, "abi_version",
			       st ? json_object_new_uint64(st->abi_version) : NULL);
	json_object_object_add(module, "tool_abi_version",
			       json_object_new_uint64(MEDGATE_ABI_VERSION));
	json_object_object_add(module, "abi_match", json_object_new_boolean(r->abi_ok));
	json_object_object_add(module, "btf", json_tri(r->loaded ? r->btf : UNKNOWN));
	json_object_object_add(o, "module", module);

	json_object_object_add(lsm, "active", json_tri(r->lsm));
	json_object_object_add(lsm, "lsm", mg_json_string(r->lsm == UNKNOWN ? NULL : r->lsm_list));
	json_object_object_add(o, "bpf_lsm", lsm);

	json_object_object_add(bpf, "pin_dir", mg_json_string(MEDGATE_BPFFS_DIR));
	json_object_object_add(bpf, "links", json_object_new_uint64(r->links));
	json_object_object_add(bpf, "maps", json_object_new_uint64(r->maps));
	json_object_object_add(bpf, "other", json_object_new_uint64(r->other));
	json_object_object_add(bpf, "inspected", json_object_new_boolean(!r->pins_opaque));
	json_object_object_add(o, "bpf", bpf);

	if (st) {
		struct json_object *policy = json_object_new_object();
		struct json_object *audit = json_object_new_object();
		struct json_object *profiles = json_object_new_array();

		json_object_object_add(policy, "version", st->policy_version ?
				       mg_json_hex64(st->policy_version) : NULL);
		json_object_object_add(policy, "loads", json_object_new_uint64(st->policy_loads));
		json_object_object_add(policy, "loaded_ns", json_object_new_uint64(st->loaded_ns));
		json_object_object_add(o, "policy", policy);
		json_object_object_add(audit, "next_seq", json_object_new_uint64(st->audit_next_seq));
		json_object_object_add(audit, "lost", json_object_new_uint64(st->audit_lost));
		json_object_object_add(audit, "suppressed",
				       json_object_new_uint64(st->audit_suppressed));
		json_object_object_add(audit, "rate_limited",
				       json_object_new_uint64(st->audit_rate_limited));
		json_object_object_add(o, "audit", audit);
		for (i = 0; i < st->n_profiles; i++) {
			struct json_object *p = json_object_new_object();

			json_object_object_add(p, "name", mg_json_string(st->profiles[i].name));
			json_object_object_add(p, "id", mg_json_hex64(st->profiles[i].id));
			json_object_object_add(p, "mode", json_object_new_string(
						       mg_mode_name(st->profiles[i].mode)));
			json_object_object_add(p, "rules", json_object_new_uint64(st->profiles[i].rules));
			json_object_array_add(profiles, p);
		}
		json_object_object_add(o, "profiles", profiles);
	} else {
		json_object_object_add(o, "policy", NULL);
		json_object_object_add(o, "audit", NULL);
		json_object_object_add(o, "profiles", NULL);
	}
	for (i = 0; i < r->n_problems; i++)
		json_object_array_add(problems, mg_json_string(r->problems[i]));
	json_object_object_add(o, "problems", problems);
	for (i = 0; i < r->n_notes; i++)
		json_object_array_add(notes, mg_json_string(r->notes[i]));
	json_object_object_add(o, "notes", notes);
	mg_json_print(stdout, o);
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

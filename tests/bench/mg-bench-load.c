// SPDX-License-Identifier: GPL-2.0
/*
 * mg-bench-load: attaches every program of a BPF object and pins the links, so that they stay
 * attached after it exits; or removes such pins again. The benchmark uses it for configuration
 * (a'), the empty BPF-LSM programs on medgate's hooks. (bpftool 7.1 cannot auto-attach LSM
 * programs, and it is a dynamic binary.)
 *
 *   mg-bench-load attach OBJ PINDIR   load OBJ, attach all its programs, pin PINDIR/<program>
 *   mg-bench-load detach PINDIR       unpin everything in PINDIR (detaches), remove PINDIR
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include "hooks.h"

#define MAX_LINKS 128

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int detach(const char *dir)
{
	char path[4096];
	struct dirent *de;
	int n = 0, rc = 0;
	DIR *d = opendir(dir);

	if (!d) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "mg-bench-load: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path)) {
			fprintf(stderr, "mg-bench-load: unlink %s: %s\n", path, strerror(errno));
			rc = 1;
			continue;
		}
		n++;
	}
	closedir(d);
	if (rmdir(dir)) {
		fprintf(stderr, "mg-bench-load: rmdir %s: %s\n", dir, strerror(errno));
		rc = 1;
	}
	if (!rc)
		printf("mg-bench-load: detached %d programs\n", n);
	return rc;
}

static int attach(const char *file, const char *dir)
{
	struct bpf_link *links[MAX_LINKS];
	struct bpf_object *obj;
	struct bpf_program *prog;
	char path[4096];
	size_t n = 0, i;
	int err, rc = 1;

	obj = bpf_object__open_file(file, NULL);
	if (!obj) {
		fprintf(stderr, "mg-bench-load: cannot open %s: %s\n", file, strerror(errno));
		return 1;
	}
	/* As medgated does: the optional hooks this kernel lacks are left out. */
	err = hooks_skip_missing(obj, NULL);
	if (!err)
		err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "mg-bench-load: cannot load %s: %s\n", file, strerror(-err));
		goto cleanup;
	}
	/* Attach everything before pinning anything: all programs or none. */
	bpf_object__for_each_program(prog, obj) {
		if (!hooks_used(prog))
			continue;
		if (n == MAX_LINKS) {
			fprintf(stderr, "mg-bench-load: more than %d programs\n", MAX_LINKS);
			goto cleanup;
		}
		links[n] = bpf_program__attach(prog);
		if (!links[n]) {
			fprintf(stderr, "mg-bench-load: cannot attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			goto cleanup;
		}
		n++;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "mg-bench-load: mkdir %s: %s\n", dir, strerror(errno));
		goto cleanup;
	}
	i = 0;
	bpf_object__for_each_program(prog, obj) {
		if (!hooks_used(prog))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_program__name(prog));
		err = bpf_link__pin(links[i], path);
		if (err) {
			fprintf(stderr, "mg-bench-load: cannot pin %s: %s\n", path, strerror(-err));
			detach(dir);
			goto cleanup;
		}
		i++;
	}
	printf("mg-bench-load: attached %zu programs of %s, pinned under %s\n", n, file, dir);
	rc = 0;
cleanup:
	/* Pinned links stay attached when their descriptors close. */
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return rc;
}

int main(int argc, char **argv)
{
	libbpf_set_print(quiet_print);
	if (argc == 4 && !strcmp(argv[1], "attach"))
		return attach(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "detach"))
		return detach(argv[2]);
	fprintf(stderr, "usage: mg-bench-load attach OBJ PINDIR | detach PINDIR\n");
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * mg-flood: denials in numbers, for the audit flood tests (audit_test, audit_flood_test). Like
 * mg-probe it reports through its exit status.
 *
 *   open-each PREFIX N   opens PREFIX0 .. PREFIX<N-1> for reading, N distinct objects; exits 0
 *                        when every open failed with EACCES, 1 otherwise
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int open_each(const char *prefix, long n)
{
	char path[4096];
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s%ld", prefix, i);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			close(fd);
			return 1;
		}
		if (errno != EACCES)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "open-each"))
		return open_each(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: mg-flood open-each PREFIX N\n");
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * What a confined root service granted CAP_SYS_ADMIN and a few mount rules tries in order to
 * change the mount tree or its root where its rules do not allow it (attack_mount_test). One
 * attempt per run: each exits 0 when the attempt succeeded, or with the errno of the call that
 * failed (99: a preparatory step failed, with a message on stderr).
 *
 *   setattr-ro TARGET            mount_setattr(): MOUNT_ATTR_RDONLY on the mount at TARGET
 *   setattr-private TARGET       mount_setattr(): MS_PRIVATE propagation for the mount at TARGET
 *   remount-bind-ro TARGET       mount(2) with MS_REMOUNT | MS_BIND | MS_RDONLY (per-mount flags)
 *   bind-cwd DIR TARGET          chdir(DIR), then a bind mount of "."
 *   new-in DIR TYPE SOURCE TARGET
 *                                chdir(DIR), then mount(2) of a new TYPE file system from SOURCE
 *   bind-fd SOURCE TARGET        a bind mount of /proc/self/fd/N, N an O_PATH descriptor of SOURCE
 *   race-fd PUB SECRET TARGET N  N bind mounts of /proc/self/fd/K while another thread points K
 *                                at PUB and at SECRET in turn; each mount that succeeds is
 *                                looked at and unmounted. Exits 100 + n when SECRET was mounted
 *                                n times (n capped at 155).
 *   race-cwd PUB SECRET TARGET N the same with a bind mount of "." while another thread changes
 *                                the shared working directory between PUB and SECRET
 *   clone-attach-read SOURCE TARGET FILE
 *                                open_tree(OPEN_TREE_CLONE) of SOURCE, move_mount() to TARGET,
 *                                then reads FILE (a name under TARGET)
 *   fsmount TYPE TARGET          fsopen(TYPE) + FSCONFIG_CMD_CREATE + fsmount + move_mount
 *   tree-move SOURCE TARGET      open_tree() without a clone (the attached mount) + move_mount
 *   set-group FROM TO            move_mount(MOVE_MOUNT_SET_GROUP)
 *   chroot-move SOURCE DIR TARGET
 *                                open_tree() without a clone of the mount at SOURCE, chroot(DIR),
 *                                then move_mount() of it to TARGET (a name inside DIR): the
 *                                attached mount has no name inside the chroot
 *   umount-detach TARGET         umount2(MNT_DETACH)
 *   chroot-out DIR               chroot(DIR) with the working directory left outside it, then
 *                                chroot(".") (the classic way out of a chroot)
 *   fchdir-chroot DIR            fchdir() to an O_PATH descriptor of DIR, then chroot(".")
 *   pivot NEWROOT PUTOLD         pivot_root(2)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>

#define PREP_FAILED	99
#define SECRET_MOUNTED	100

#ifndef MOVE_MOUNT_SET_GROUP
#define MOVE_MOUNT_SET_GROUP	0x00000100
#endif

static int result(long ret)
{
	return ret < 0 ? (errno ? errno : 1) : 0;
}

static int prep_failed(const char *what)
{
	fprintf(stderr, "mg-mount-attack: %s: %s\n", what, strerror(errno));
	return PREP_FAILED;
}

static int mount_setattr_(const char *target, __u64 set, __u64 propagation)
{
	struct mount_attr attr = { .attr_set = set, .propagation = propagation };

	return result(syscall(SYS_mount_setattr, AT_FDCWD, target, 0, &attr, sizeof(attr)));
}

static int move_to(int fd, const char *target)
{
	return result(syscall(SYS_move_mount, fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH));
}

static int bind_fd(const char *source, const char *target)
{
	char name[64];
	int fd = open(source, O_PATH | O_DIRECTORY);

	if (fd < 0)
		return prep_failed(source);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	return result(mount(name, target, NULL, MS_BIND, NULL));
}

/* ---- races: another thread changes what the source names between the check and the use ---- */

struct race {
	const char *pub, *secret;
	int fd_pub, fd_secret, slot;	/* race-fd */
	volatile int stop;
	int use_cwd;
};

static void *swapper(void *arg)
{
	struct race *r = arg;

	while (!r->stop) {
		if (r->use_cwd) {
			if (chdir(r->secret) || chdir(r->pub))
				break;
		} else if (dup2(r->fd_secret, r->slot) < 0 || dup2(r->fd_pub, r->slot) < 0) {
			break;
		}
	}
	return NULL;
}

static int race(const char *pub, const char *secret, const char *target, int tries, int use_cwd)
{
	struct race r = { .pub = pub, .secret = secret, .use_cwd = use_cwd };
	int i, secret_mounted = 0;
	struct stat st_secret, st;
	char name[64];
	pthread_t t;

	if (stat(secret, &st_secret))
		return prep_failed(secret);
	r.fd_pub = open(pub, O_PATH | O_DIRECTORY);
	r.fd_secret = open(secret, O_PATH | O_DIRECTORY);
	if (r.fd_pub < 0 || r.fd_secret < 0)
		return prep_failed("open");
	r.slot = dup(r.fd_pub);
	if (r.slot < 0 || chdir(pub))
		return prep_failed("dup or chdir");
	snprintf(name, sizeof(name), "/proc/self/fd/%d", r.slot);
	if (pthread_create(&t, NULL, swapper, &r))
		return prep_failed("pthread_create");
	for (i = 0; i < tries; i++) {
		if (mount(use_cwd ? "." : name, target, NULL, MS_BIND, NULL))
			continue;
		if (!stat(target, &st) && st.st_dev == st_secret.st_dev &&
		    st.st_ino == st_secret.st_ino)
			secret_mounted++;
		if (umount2(target, MNT_DETACH)) {
			r.stop = 1;
			pthread_join(t, NULL);
			return prep_failed("umount2");
		}
	}
	r.stop = 1;
	pthread_join(t, NULL);
	/* A confined helper may not write its standard output: the count is the exit status. */
	return secret_mounted ? SECRET_MOUNTED + (secret_mounted < 155 ? secret_mounted : 155) : 0;
}

/* ---- the new mount API ---- */

static int clone_attach_read(const char *source, const char *target, const char *file)
{
	int fd = syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	char buf[64];
	int ret;

	if (fd < 0)
		return result(fd);
	ret = move_to(fd, target);
	if (ret)
		return ret;
	fd = open(file, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
		return result(-1);
	return 0;
}

static int fsmount_type(const char *type, const char *target)
{
	int fs = syscall(SYS_fsopen, type, FSOPEN_CLOEXEC), mnt;

	if (fs < 0)
		return result(fs);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return result(-1);
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return result(mnt);
	return move_to(mnt, target);
}

static int tree_move(const char *source, const char *target)
{
	int fd = syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return result(fd);
	return move_to(fd, target);
}

/* ---- chroot ---- */

static int chroot_move(const char *source, const char *dir, const char *target)
{
	int fd = syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLOEXEC);

	if (fd < 0 || chroot(dir) || chdir("/"))
		return prep_failed("open_tree or chroot");
	return move_to(fd, target);
}

static int chroot_out(const char *dir)
{
	if (chdir("/") || chroot(dir))
		return prep_failed("chroot into the jail");
	/* The working directory is still the old root, outside the jail. */
	return result(chroot("."));
}

static int fchdir_chroot(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY);

	if (fd < 0 || fchdir(fd))
		return prep_failed(dir);
	return result(chroot("."));
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	errno = 0;
	if (argc == 3 && !strcmp(cmd, "setattr-ro"))
		return mount_setattr_(argv[2], MOUNT_ATTR_RDONLY, 0);
	if (argc == 3 && !strcmp(cmd, "setattr-private"))
		return mount_setattr_(argv[2], 0, MS_PRIVATE);
	if (argc == 3 && !strcmp(cmd, "remount-bind-ro"))
		return result(mount(NULL, argv[2], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	if (argc == 4 && !strcmp(cmd, "bind-cwd")) {
		if (chdir(argv[2]))
			return prep_failed(argv[2]);
		return result(mount(".", argv[3], NULL, MS_BIND, NULL));
	}
	if (argc == 6 && !strcmp(cmd, "new-in")) {
		if (chdir(argv[2]))
			return prep_failed(argv[2]);
		return result(mount(argv[4], argv[5], argv[3], 0, NULL));
	}
	if (argc == 4 && !strcmp(cmd, "bind-fd"))
		return bind_fd(argv[2], argv[3]);
	if (argc == 6 && !strcmp(cmd, "race-fd"))
		return race(argv[2], argv[3], argv[4], atoi(argv[5]), 0);
	if (argc == 6 && !strcmp(cmd, "race-cwd"))
		return race(argv[2], argv[3], argv[4], atoi(argv[5]), 1);
	if (argc == 5 && !strcmp(cmd, "clone-attach-read"))
		return clone_attach_read(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(cmd, "fsmount"))
		return fsmount_type(argv[2], argv[3]);
	if (argc == 4 && !strcmp(cmd, "tree-move"))
		return tree_move(argv[2], argv[3]);
	if (argc == 4 && !strcmp(cmd, "set-group"))
		return result(syscall(SYS_move_mount, AT_FDCWD, argv[2], AT_FDCWD, argv[3],
				      MOVE_MOUNT_SET_GROUP));
	if (argc == 5 && !strcmp(cmd, "chroot-move"))
		return chroot_move(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(cmd, "umount-detach"))
		return result(umount2(argv[2], MNT_DETACH));
	if (argc == 3 && !strcmp(cmd, "chroot-out"))
		return chroot_out(argv[2]);
	if (argc == 3 && !strcmp(cmd, "fchdir-chroot"))
		return fchdir_chroot(argv[2]);
	if (argc == 4 && !strcmp(cmd, "pivot"))
		return result(syscall(SYS_pivot_root, argv[2], argv[3]));
	fprintf(stderr, "usage: see the comment at the top of mg-mount-attack.c\n");
	return 2;
}

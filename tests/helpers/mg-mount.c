// SPDX-License-Identifier: GPL-2.0
/*
 * Mount-tree changes for the mount-rule selftests, one per run: each exits 0 on success or with
 * the errno of the call that failed.
 *
 *   mg-mount new FSTYPE SOURCE TARGET    mount(2) of a new file system
 *   mg-mount bind SOURCE TARGET          mount(2) with MS_BIND
 *   mg-mount move SOURCE TARGET          mount(2) with MS_MOVE
 *   mg-mount remount-ro TARGET           mount(2) with MS_REMOUNT | MS_RDONLY
 *   mg-mount private TARGET              mount(2) with MS_PRIVATE
 *   mg-mount umount TARGET               umount2(2)
 *   mg-mount clone-attach SOURCE TARGET  open_tree(OPEN_TREE_CLONE) + move_mount(2)
 *   mg-mount fsmount-tmpfs TARGET        fsopen + fsconfig + fsmount + move_mount(2)
 *   mg-mount chroot DIR                  chroot(2)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>

static int result(long ret)
{
	return ret < 0 ? (errno ? errno : 1) : 0;
}

static int attach(int fd, const char *target)
{
	long ret = syscall(SYS_move_mount, fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);

	return result(ret);
}

static int clone_attach(const char *source, const char *target)
{
	int fd = syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return result(fd);
	return attach(fd, target);
}

static int fsmount_tmpfs(const char *target)
{
	int fs = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC), mnt;

	if (fs < 0)
		return result(fs);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return result(-1);
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return result(mnt);
	return attach(mnt, target);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	errno = 0;
	if (argc == 5 && !strcmp(cmd, "new"))
		return result(mount(argv[3], argv[4], argv[2], 0, NULL));
	if (argc == 4 && !strcmp(cmd, "bind"))
		return result(mount(argv[2], argv[3], NULL, MS_BIND, NULL));
	if (argc == 4 && !strcmp(cmd, "move"))
		return result(mount(argv[2], argv[3], NULL, MS_MOVE, NULL));
	if (argc == 3 && !strcmp(cmd, "remount-ro"))
		return result(mount(NULL, argv[2], NULL, MS_REMOUNT | MS_RDONLY, NULL));
	if (argc == 3 && !strcmp(cmd, "private"))
		return result(mount(NULL, argv[2], NULL, MS_PRIVATE, NULL));
	if (argc == 3 && !strcmp(cmd, "umount"))
		return result(umount2(argv[2], 0));
	if (argc == 4 && !strcmp(cmd, "clone-attach"))
		return clone_attach(argv[2], argv[3]);
	if (argc == 3 && !strcmp(cmd, "fsmount-tmpfs"))
		return fsmount_tmpfs(argv[2]);
	if (argc == 3 && !strcmp(cmd, "chroot"))
		return result(chroot(argv[2]));
	fprintf(stderr, "usage: see the comment at the top of mg-mount.c\n");
	return 2;
}

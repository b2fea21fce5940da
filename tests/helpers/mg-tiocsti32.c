// SPDX-License-Identifier: GPL-2.0
/*
 * mg-tiocsti32: a 32-bit x86 program that pushes one character into the terminal on descriptor
 * 3 with TIOCSTI, through the compat ioctl entry (the kernel's file_ioctl_compat hook, not
 * file_ioctl), for attack_confine_test. Its exit status is the errno of the ioctl, 0 on success.
 *
 * Built without libc (-nostdlib): the build host has no 32-bit C library, and the program needs
 * two system calls only, made with int $0x80 (the i386 numbers: ioctl 54, exit 1).
 */
#define NR_IOCTL	54
#define NR_EXIT		1
#define TIOCSTI		0x5412

static int syscall3(int nr, int a, int b, int c)
{
	int ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

void _start(void);

void _start(void)
{
	static const char ch = 'x';
	int ret = syscall3(NR_IOCTL, 3, TIOCSTI, (int)&ch);

	syscall3(NR_EXIT, ret < 0 ? -ret : 0, 0, 0);
	for (;;)
		;
}

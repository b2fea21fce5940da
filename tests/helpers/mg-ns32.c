// SPDX-License-Identifier: GPL-2.0
/*
 * mg-ns32: a 32-bit x86 program that makes or enters namespaces through the compat system call
 * entry, for escape_gaps_test. Its exit status is the errno of the call, 0 on success.
 *
 *   mg-ns32 unshare FLAGS    unshare(FLAGS), FLAGS a decimal number (CLONE_NEW*)
 *   mg-ns32 setns FD TYPE    setns(FD, TYPE), both decimal
 *
 * Built without libc (-nostdlib), as mg-tiocsti32: the build host has no 32-bit C library, and
 * the program needs three system calls, made with int $0x80 (the i386 numbers).
 */
#define NR_EXIT		1
#define NR_UNSHARE	310
#define NR_SETNS	346

static int syscall3(int nr, int a, int b, int c)
{
	int ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int number(const char *s)
{
	int n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return n;
}

void start(int *sp);

/* The kernel starts the program with argc, then the argv pointers, on the stack. */
asm(".globl _start\n"
    "_start:\n"
    "	push %esp\n"
    "	call start\n");

void start(int *sp)
{
	int argc = sp[0], ret = -22;	/* EINVAL: unknown action */
	char **argv = (char **)(sp + 1);

	if (argc >= 3 && same(argv[1], "unshare"))
		ret = syscall3(NR_UNSHARE, number(argv[2]), 0, 0);
	else if (argc >= 4 && same(argv[1], "setns"))
		ret = syscall3(NR_SETNS, number(argv[2]), number(argv[3]), 0);
	syscall3(NR_EXIT, ret < 0 ? -ret : 0, 0, 0);
	for (;;)
		;
}

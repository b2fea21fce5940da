// SPDX-License-Identifier: GPL-2.0
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mg_util.h"

int mg_run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(errno ? errno : 255);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return -1000 - WTERMSIG(status);
	return WEXITSTATUS(status);
}

int mg_run_probe(const char *exe, const char *action, const char *path, const char *mode)
{
	char *argv[] = { (char *)exe, (char *)action, (char *)path, (char *)mode, NULL };

	return mg_run(argv);
}

int mg_write_file(const char *path, const char *text, int mode)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	fchmod(fd, mode);
	return close(fd) ? -errno : 0;
}

int mg_copy_file(const char *from, const char *to, int mode)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	close(in);
	if (close(out) && !ret)
		ret = -errno;
	return ret;
}

int mg_load_blob(const void *blob, size_t len, char *err, size_t errlen)
{
	struct mg_client *c;
	int ret;

	err[0] = '\0';
	ret = mg_client_open(&c);
	if (ret)
		return ret;
	ret = mg_policy_load(c, blob, len, NULL, err, errlen);
	mg_client_close(c);
	return ret;
}

int mg_load_text(const char *text, char *err, size_t errlen)
{
	struct mg_diags diags = { 0 };
	size_t len;
	void *blob;
	int ret;

	err[0] = '\0';
	ret = mg_policy_compile(text, "selftest.policy", &blob, &len, &diags);
	if (ret) {
		if (diags.n)
			snprintf(err, errlen, "%u:%u: %s", diags.v[0].line, diags.v[0].col,
				 diags.v[0].msg);
		mg_diags_free(&diags);
		return ret;
	}
	mg_diags_free(&diags);
	ret = mg_load_blob(blob, len, err, errlen);
	free(blob);
	return ret;
}

static struct mg_status status;

static int get_status(void)
{
	struct mg_client *c;
	int ret = mg_client_open(&c);

	if (ret)
		return ret;
	ret = mg_status_get(c, &status);
	mg_client_close(c);
	return ret;
}

uint64_t mg_policy_version(void)
{
	return get_status() ? 0 : status.policy_version;
}

uint64_t mg_audit_next(void)
{
	return get_status() ? 0 : status.audit_next_seq;
}

struct find_ctx {
	const char *path;
	uint32_t op, verdict;
	struct mg_event *out;
	int found;
};

static int match_event(const struct mg_event *ev, void *arg)
{
	struct find_ctx *f = arg;

	if (f->path && strcmp(ev->path, f->path))
		return 0;
	if ((f->op != MEDGATE_OP_NONE && ev->op != f->op) || ev->verdict != f->verdict)
		return 0;
	*f->out = *ev;
	f->found = 1;
	return 1;
}

int mg_find_event(uint64_t from, const char *path, uint32_t op, uint32_t verdict,
		  struct mg_event *out)
{
	struct find_ctx f = { path, op, verdict, out, 0 };
	struct mg_client *c;
	int ret = mg_client_open(&c);

	if (ret)
		return ret;
	ret = mg_audit_read(c, from, match_event, &f, NULL, NULL);
	mg_client_close(c);
	if (ret)
		return ret;
	return f.found ? 0 : -ENOENT;
}

int mg_load_textf(const char *fmt, ...)
{
	char text[8192], err[512], *line, *save = NULL;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ret = mg_load_text(text, err, sizeof(err));
	if (!ret)
		return 0;
	fprintf(stderr, "# load failed (%d): %s\n", ret, err);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "#   %s\n", line);
	return ret;
}

int mg_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) < 0 ? -errno : 0;
}

int mg_run_sending_fd(char *const argv[], int fd)
{
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (dup2(sv[1], 3) < 0)
			_exit(250);
		execv(argv[0], argv);
		_exit(251);
	}
	if (mg_send_fd(sv[0], fd))
		kill(pid, SIGKILL);
	close(sv[0]);
	close(sv[1]);
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

int mg_run_recv_fd(const char *exe, int fd)
{
	char *argv[] = { (char *)exe, "recv-fd", "3", NULL };

	return mg_run_sending_fd(argv, fd);
}

int mg_elf_interp(const char *exe, char *out, size_t len)
{
	char interp[PATH_MAX] = "";
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, i, ret = -ENOENT;

	fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || eh.e_ident[EI_CLASS] != ELFCLASS64)
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * eh.e_phentsize) != sizeof(ph))
			goto out;
		if (ph.p_type != PT_INTERP || ph.p_filesz >= sizeof(interp))
			continue;
		if (pread(fd, interp, ph.p_filesz, ph.p_offset) != (ssize_t)ph.p_filesz)
			goto out;
		interp[ph.p_filesz] = '\0';
		if (len >= PATH_MAX) {
			ret = realpath(interp, out) ? 0 : -ENOENT;
		} else {
			char full[PATH_MAX];

			ret = realpath(interp, full) && strlen(full) < len ? 0 : -ENOENT;
			if (!ret)
				strcpy(out, full);
		}
		break;
	}
out:
	close(fd);
	return ret;
}

#if defined(__x86_64__)
#define MULTIARCH	"x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH	"aarch64-linux-gnu"
#else
#define MULTIARCH	"unknown"
#endif

int mg_libc_dir(char out[4096])
{
	static const char *const dirs[] = {
		"/lib/" MULTIARCH, "/usr/lib/" MULTIARCH, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
	};
	char libc[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(libc, sizeof(libc), "%s/libc.so.6", dirs[i]);
		if (realpath(libc, out)) {
			*strrchr(out, '/') = '\0';
			return 0;
		}
	}
	return -ENOENT;
}

const char *mg_no_dynamic_libc(void)
{
	static char why[PATH_MAX + 128];
	char loader[PATH_MAX], libdir[PATH_MAX];

	if (access(MG_PROBE_DYN, X_OK)) {
		snprintf(why, sizeof(why), "%s is not in the initramfs: no dynamic test program",
			 MG_PROBE_DYN);
		return why;
	}
	if (mg_elf_interp(MG_PROBE_DYN, loader, sizeof(loader)) || access(loader, X_OK)) {
		snprintf(why, sizeof(why), "the ELF loader that %s names is not in the initramfs",
			 MG_PROBE_DYN);
		return why;
	}
	if (mg_libc_dir(libdir))
		return "no libc.so.6 in the initramfs: dynamically linked programs cannot run";
	return NULL;
}

const char *mg_no_program(const char *path)
{
	static char why[PATH_MAX + 64];

	if (!access(path, X_OK))
		return NULL;
	snprintf(why, sizeof(why), "%s is not in the initramfs (VM_DEBIAN_PROGS)", path);
	return why;
}

void mg_unmount_below(const char *dir)
{
	char cmd[PATH_MAX + 160];

	/* Errors mean "not mounted", which is what is wanted. */
	snprintf(cmd, sizeof(cmd), "for m in $(grep -o ' %s/[^ ]*' /proc/self/mounts | sort -r); "
		 "do umount -l $m; done 2>/dev/null", dir);
	if (system(cmd))
		return;
}

int mg_ctl(char *out, size_t outlen, const char *args)
{
	char cmd[1024];
	size_t n = 0;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), MG_CTL " %s 2>&1", args);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	while (n + 1 < outlen) {
		size_t r = fread(out + n, 1, outlen - 1 - n, p);

		if (!r)
			break;
		n += r;
	}
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int mg_wait_exit(int pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

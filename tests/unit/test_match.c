// SPDX-License-Identifier: GPL-2.0
/*
 * The DFA matcher as a table of (path, access) -> (allowed, deciding rule), with globs, plus the
 * exec disposition and the attachment lookup (exact beats glob). Each row of the table is a
 * fixture variant of "row", so each is its own result.
 */
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"
#include "match.h"
#include "kselftest_harness.h"

enum { RD = MEDGATE_ACCESS_READ, WR = MEDGATE_ACCESS_WRITE, AP = MEDGATE_ACCESS_APPEND,
       EX = MEDGATE_ACCESS_EXEC, MM = MEDGATE_ACCESS_MMAP_EXEC, CR = MEDGATE_ACCESS_CREATE };

/* Line numbers matter: the table below names deciding rules by line. */
static const char policy[] =
	"profile svc {\n"				/* 1 */
	"    attach /usr/bin/svc\n"			/* 2 */
	"    attach /usr/bin/svc-*\n"			/* 3 */
	"    file /etc/svc.conf r\n"			/* 4 */
	"    file /var/log/svc/** ra\n"			/* 5 */
	"    deny file /var/log/svc/secret/** r\n"	/* 6 */
	"    file /data/** rw\n"			/* 7 */
	"    exec /bin/busybox\n"			/* 8 */
	"    exec /usr/bin/helper -> helper\n"		/* 9 */
	"    file /etc/svc.conf w\n"			/* 10 */
	"    file /etc/*.d/*.conf r\n"			/* 11 */
	"    deny file /etc/*.d/private.conf r\n"	/* 12 */
	"    file /srv/[a-c]?/data* r\n"		/* 13 */
	"    file /lib/**.so x\n"			/* 14 */
	"    file /lib/ld-*.so m\n"			/* 15 */
	"    file /spool/**/in/* c\n"			/* 16 */
	"}\n"
	"profile helper {\n"
	"    attach /usr/bin/helper-direct\n"
	"    attach /usr/bin/svc-helper\n"
	"    file /tmp/** r\n"
	"}\n"
	"profile empty {\n"
	"    attach /usr/bin/empty\n"
	"}\n";

/* The compiled policy above, validated: what every test here matches against. */
struct compiled {
	u8 *blob;
	size_t len;
	struct medgate_blob_view v;
	const struct medgate_blob_profile *svc;
};

static int compiled_load(struct compiled *c, const char **why)
{
	*why = "";
	c->blob = bb_compile(policy, &c->len);
	if (medgate_blob_validate(c->blob, c->len, &c->v, why))
		return -1;
	c->svc = medgate_blob_find_profile(&c->v, medgate_profile_id("svc"));
	return 0;
}

FIXTURE(svc) {
	struct compiled c;
};

FIXTURE_SETUP(svc)
{
	const char *why;

	ASSERT_EQ(0, compiled_load(&self->c, &why)) TH_LOG("fixture invalid: %s", why);
}

FIXTURE_TEARDOWN(svc)
{
	free(self->c.blob);
}

TEST(policy_fixture_valid)
{
	struct compiled c;
	const char *why;

	EXPECT_EQ(0, compiled_load(&c, &why)) TH_LOG("%s", why);
	free(c.blob);
}

TEST_F(svc, profile_present)
{
	ASSERT_NE(NULL, self->c.svc);
	EXPECT_EQ(13, self->c.svc->n_rules);
}

FIXTURE(row) {
	struct compiled c;
};

FIXTURE_VARIANT(row) {
	const char *path;
	u32 access;
	int allowed;
	u32 line;	/* line of the deciding rule, 0 for the default deny */
	int explicit_deny;
};

FIXTURE_VARIANT_ADD(row, etc_svc_conf_r) {
	.path = "/etc/svc.conf", .access = RD, .allowed = 1, .line = 4, .explicit_deny = 0,
};

/* a later rule adds the missing bit */
FIXTURE_VARIANT_ADD(row, etc_svc_conf_w) {
	.path = "/etc/svc.conf", .access = WR, .allowed = 1, .line = 10, .explicit_deny = 0,
};

/* union of two rules */
FIXTURE_VARIANT_ADD(row, etc_svc_conf_rw) {
	.path = "/etc/svc.conf", .access = RD | WR, .allowed = 1, .line = 4, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, etc_svc_conf_x) {
	.path = "/etc/svc.conf", .access = EX, .allowed = 0, .line = 0, .explicit_deny = 0,
};

/* a partial grant is the default deny */
FIXTURE_VARIANT_ADD(row, etc_svc_conf_rx) {
	.path = "/etc/svc.conf", .access = RD | EX, .allowed = 0, .line = 0, .explicit_deny = 0,
};

/* exact means exact */
FIXTURE_VARIANT_ADD(row, etc_svc_conf_bak_r) {
	.path = "/etc/svc.conf.bak", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, etc_svc_r) {
	.path = "/etc/svc", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, var_log_svc_a_log_a) {
	.path = "/var/log/svc/a.log", .access = AP, .allowed = 1, .line = 5, .explicit_deny = 0,
};

/* append does not grant write */
FIXTURE_VARIANT_ADD(row, var_log_svc_a_log_w) {
	.path = "/var/log/svc/a.log", .access = WR, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, var_log_svc_deep_er_b_log_r) {
	.path = "/var/log/svc/deep/er/b.log", .access = RD, .allowed = 1, .line = 5, .explicit_deny = 0,
};

/* DIR/ ** is what is below DIR */
FIXTURE_VARIANT_ADD(row, var_log_svc_r) {
	.path = "/var/log/svc", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

/* ** may be empty */
FIXTURE_VARIANT_ADD(row, var_log_svc_slash_r) {
	.path = "/var/log/svc/", .access = RD, .allowed = 1, .line = 5, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, var_log_svcx_a_log_r) {
	.path = "/var/log/svcx/a.log", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

/* deny beats the broader allow */
FIXTURE_VARIANT_ADD(row, var_log_svc_secret_k_r) {
	.path = "/var/log/svc/secret/k", .access = RD, .allowed = 0, .line = 6, .explicit_deny = 1,
};

/* the deny covers read only */
FIXTURE_VARIANT_ADD(row, var_log_svc_secret_k_a) {
	.path = "/var/log/svc/secret/k", .access = AP, .allowed = 1, .line = 5, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, var_log_svc_secret_k_ra) {
	.path = "/var/log/svc/secret/k", .access = RD | AP, .allowed = 0, .line = 6, .explicit_deny = 1,
};

/* write grants append */
FIXTURE_VARIANT_ADD(row, data_x_a) {
	.path = "/data/x", .access = AP, .allowed = 1, .line = 7, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, data_x_rw) {
	.path = "/data/x", .access = RD | WR, .allowed = 1, .line = 7, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, data_x_y_z_w) {
	.path = "/data/x/y/z", .access = WR, .allowed = 1, .line = 7, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, data_x_c) {
	.path = "/data/x", .access = CR, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, bin_busybox_x) {
	.path = "/bin/busybox", .access = EX, .allowed = 1, .line = 8, .explicit_deny = 0,
};

/* exec grants executable mappings */
FIXTURE_VARIANT_ADD(row, bin_busybox_m) {
	.path = "/bin/busybox", .access = MM, .allowed = 1, .line = 8, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, bin_busybox_r) {
	.path = "/bin/busybox", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, usr_bin_helper_x) {
	.path = "/usr/bin/helper", .access = EX, .allowed = 1, .line = 9, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, etc_a_d_x_conf_r) {
	.path = "/etc/a.d/x.conf", .access = RD, .allowed = 1, .line = 11, .explicit_deny = 0,
};

/* * may be empty */
FIXTURE_VARIANT_ADD(row, etc_d_x_conf_r) {
	.path = "/etc/.d/x.conf", .access = RD, .allowed = 1, .line = 11, .explicit_deny = 0,
};

/* * stays in one component */
FIXTURE_VARIANT_ADD(row, etc_a_d_b_x_conf_r) {
	.path = "/etc/a.d/b/x.conf", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

/* a glob deny beats a glob allow */
FIXTURE_VARIANT_ADD(row, etc_a_d_private_conf_r) {
	.path = "/etc/a.d/private.conf", .access = RD, .allowed = 0, .line = 12, .explicit_deny = 1,
};

FIXTURE_VARIANT_ADD(row, etc_a_d_private_conf_w) {
	.path = "/etc/a.d/private.conf", .access = WR, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, srv_b7_database_r) {
	.path = "/srv/b7/database", .access = RD, .allowed = 1, .line = 13, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, srv_d7_data_r) {
	.path = "/srv/d7/data", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

/* ? is one byte, never '/' */
FIXTURE_VARIANT_ADD(row, srv_b_data_r) {
	.path = "/srv/b/data", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, lib_x86_libc_so_x) {
	.path = "/lib/x86/libc.so", .access = EX, .allowed = 1, .line = 14, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, lib_x86_libc_so_m) {
	.path = "/lib/x86/libc.so", .access = MM, .allowed = 1, .line = 14, .explicit_deny = 0,
};

/* first matching rule that grants m */
FIXTURE_VARIANT_ADD(row, lib_ld_linux_so_m) {
	.path = "/lib/ld-linux.so", .access = MM, .allowed = 1, .line = 14, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, lib_ld_linux_so_xm) {
	.path = "/lib/ld-linux.so", .access = EX | MM, .allowed = 1, .line = 14, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, lib_ld_linux_so_r) {
	.path = "/lib/ld-linux.so", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

/* the '/' around ** is literal */
FIXTURE_VARIANT_ADD(row, spool_in_f_c) {
	.path = "/spool/in/f", .access = CR, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, spool_a_in_f_c) {
	.path = "/spool/a/in/f", .access = CR, .allowed = 1, .line = 16, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, spool_a_b_in_f_c) {
	.path = "/spool/a/b/in/f", .access = CR, .allowed = 1, .line = 16, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, empty_r) {
	.path = "", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, root_r) {
	.path = "/", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_VARIANT_ADD(row, relative_etc_svc_conf_r) {
	.path = "etc/svc.conf", .access = RD, .allowed = 0, .line = 0, .explicit_deny = 0,
};

FIXTURE_SETUP(row)
{
	const char *why;

	ASSERT_EQ(0, compiled_load(&self->c, &why)) TH_LOG("fixture invalid: %s", why);
	ASSERT_NE(NULL, self->c.svc);
}

FIXTURE_TEARDOWN(row)
{
	free(self->c.blob);
}

TEST_F(row, decides)
{
	const struct medgate_blob_profile *svc = self->c.svc;
	struct medgate_match m;
	bool ident;

	medgate_match_file(&self->c.v, svc, variant->path, variant->access, &m);
	/* One rule per line from line 4: rule index and line agree. */
	ident = variant->line ? m.rule == svc->first_rule + (variant->line - 4) && m.file &&
				!strcmp(m.file, "test.policy")
			      : m.rule == MEDGATE_RULE_NONE && !m.file;
	EXPECT_EQ(variant->allowed, m.allowed);
	EXPECT_EQ(variant->line, m.line);
	EXPECT_EQ(variant->explicit_deny, m.explicit_deny);
	EXPECT_TRUE(ident) TH_LOG("deciding rule %u names file %s", m.rule, m.file ? m.file : "-");
	if (!_metadata->passed)
		TH_LOG("'%s' access %#x -> %s by line %u%s", variant->path, variant->access,
		       m.allowed ? "allow" : "deny", m.line, m.explicit_deny ? " (explicit)" : "");
}

TEST_F(svc, exec_rule_moves_to_the_helper_profile)
{
	struct medgate_match m;

	medgate_match_file(&self->c.v, self->c.svc, "/usr/bin/helper", EX, &m);
	EXPECT_EQ(MEDGATE_EXEC_MOVE, m.exec_mode);
	EXPECT_EQ(medgate_profile_id("helper"), m.target);
}

TEST_F(svc, exec_rule_stays)
{
	struct medgate_match m;

	medgate_match_file(&self->c.v, self->c.svc, "/bin/busybox", EX, &m);
	EXPECT_EQ(MEDGATE_EXEC_STAY, m.exec_mode);
	EXPECT_EQ(0, m.target);
}

TEST_F(svc, no_disposition_without_a_grant)
{
	struct medgate_match m;

	medgate_match_file(&self->c.v, self->c.svc, "/usr/bin/helper", RD, &m);
	EXPECT_FALSE(m.allowed);
	EXPECT_EQ(MEDGATE_EXEC_STAY, m.exec_mode);
	EXPECT_EQ(0, m.target);
}

TEST_F(svc, a_profile_without_rules_denies_everything)
{
	const struct medgate_blob_profile *p;
	struct medgate_match m;

	p = medgate_blob_find_profile(&self->c.v, medgate_profile_id("empty"));
	ASSERT_NE(NULL, p);
	medgate_match_file(&self->c.v, p, "/tmp/x", RD, &m);
	EXPECT_EQ(MEDGATE_DFA_NONE, p->dfa);
	EXPECT_FALSE(m.allowed);
	EXPECT_EQ(MEDGATE_RULE_NONE, m.rule);
}

/* medgate_match_attach(@path) finds @profile ("" for none: the task stays unconfined). */
static bool attaches_to(struct __test_metadata *_metadata, const struct compiled *c,
			const char *path, const char *profile)
{
	const struct medgate_blob_profile *p = medgate_match_attach(&c->v, path);

	if (!*profile) {
		EXPECT_EQ(NULL, p) TH_LOG("%s attaches to profile id %llu", path,
					(unsigned long long)p->id);
		return p == NULL;
	}
	EXPECT_NE(NULL, p) TH_LOG("%s attaches to no profile", path);
	if (!p)
		return false;
	EXPECT_EQ(medgate_profile_id(profile), p->id) TH_LOG("%s", path);
	return p->id == medgate_profile_id(profile);
}

TEST_F(svc, exact_attachment_of_svc)
{
	attaches_to(_metadata, &self->c, "/usr/bin/svc", "svc");
}

TEST_F(svc, glob_attachment_of_svc)
{
	attaches_to(_metadata, &self->c, "/usr/bin/svc-worker", "svc");
}

TEST_F(svc, an_exact_attachment_beats_a_glob)
{
	attaches_to(_metadata, &self->c, "/usr/bin/svc-helper", "helper");
}

TEST_F(svc, attachment_of_helper)
{
	attaches_to(_metadata, &self->c, "/usr/bin/helper-direct", "helper");
}

TEST_F(svc, attachment_of_a_profile_without_rules)
{
	attaches_to(_metadata, &self->c, "/usr/bin/empty", "empty");
}

TEST_F(svc, no_attachment_unconfined)
{
	attaches_to(_metadata, &self->c, "/usr/bin/svc3", "");
}

TEST_F(svc, a_prefix_is_not_a_match)
{
	attaches_to(_metadata, &self->c, "/usr/bin/sv", "");
}

TEST_F(svc, star_stays_in_one_component)
{
	attaches_to(_metadata, &self->c, "/usr/bin/svc-x/y", "");
}

/*
 * A state with many transitions (one per rule below /w/), so the walk's binary search over wide
 * states is exercised, not only the scan of narrow ones: every byte is tried at that state.
 */
static const char wide_names[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxy";

FIXTURE(wide) {
	u8 *blob;
	size_t len;
	int valid;		/* medgate_blob_validate()'s result */
	const char *why;
	struct medgate_blob_view v;
};

FIXTURE_SETUP(wide)
{
	char text[8192];
	size_t used, i;

	used = snprintf(text, sizeof(text), "profile wide {\n");
	/* Every other character, so that the bytes between them must miss. */
	for (i = 0; wide_names[i]; i += 2)
		used += snprintf(text + used, sizeof(text) - used, "  file /w/%c r\n", wide_names[i]);
	snprintf(text + used, sizeof(text) - used, "}\n");
	self->why = "";
	self->blob = bb_compile(text, &self->len);
	self->valid = medgate_blob_validate(self->blob, self->len, &self->v, &self->why);
}

FIXTURE_TEARDOWN(wide)
{
	free(self->blob);
}

TEST_F(wide, fixture_valid)
{
	EXPECT_EQ(0, self->valid) TH_LOG("%s", self->why);
}

TEST_F(wide, every_byte_decided_right)
{
	const struct medgate_blob_profile *p;
	struct medgate_match m;
	size_t wrong = 0;
	unsigned int ch;
	char path[16];

	ASSERT_EQ(0, self->valid) TH_LOG("%s", self->why);
	p = medgate_blob_find_profile(&self->v, medgate_profile_id("wide"));
	ASSERT_NE(NULL, p);
	for (ch = 1; ch < 256; ch++) {
		bool expect = ch != '/' && strchr(wide_names, (int)ch) &&
			      (strchr(wide_names, (int)ch) - wide_names) % 2 == 0;

		snprintf(path, sizeof(path), "/w/%c", (char)ch);
		medgate_match_file(&self->v, p, path, RD, &m);
		if (m.allowed != expect) {
			TH_LOG("byte %#x: %s, want %s", ch, m.allowed ? "allowed" : "denied",
			       expect ? "allowed" : "denied");
			wrong++;
		}
	}
	EXPECT_EQ(0, wrong) TH_LOG("a state with %zu transitions: %zu bytes decided wrong",
				   (sizeof(wide_names) - 1 + 1) / 2, wrong);
}

/* ---- mount and chroot rules ---- */

static const char mount_table_policy[] =
	"profile m {\n"						/* 1 */
	"    file /media/** r\n"					/* 2 */
	"    mount new type vfat,exfat /dev/sd* -> /media/usb\n"	/* 3 */
	"    mount new type tmpfs /run/m\n"				/* 4 */
	"    mount bind /srv/** -> /mnt/*\n"				/* 5 */
	"    deny mount bind /srv/secret -> /mnt/*\n"			/* 6 */
	"    mount bind /mnt/any\n"					/* 7 */
	"    chroot /jail\n"						/* 8 */
	"}\n";

struct mount_row {
	u32 op, kind;
	const char *object, *source, *fstype;
	bool later;
	bool allowed;
	u32 line;	/* deciding rule's line, 0 for the default */
};

static const struct mount_row mount_rows[] = {
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, "/media/usb", "/dev/sda1", "vfat", false, true, 3 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, "/media/usb", "/dev/sda1", "ext4", false, false, 0 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, "/media/usb", "/dev/mmcblk0", "vfat", false, false, 0 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, "/media/usb", NULL, "vfat", false, false, 0 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, "/media/sd", "/dev/sda1", "vfat", false, false, 0 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, "/run/m", "none", "tmpfs", false, true, 4 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, "/run/m", NULL, NULL, false, false, 0 },
	/* fsconfig(CREATE): the type now, the place when attached; a rule with a source cannot. */
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, NULL, NULL, "tmpfs", true, true, 4 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_NEW, NULL, NULL, "vfat", true, false, 0 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_BIND, "/mnt/a", "/srv/data", NULL, false, true, 5 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_BIND, "/mnt/a", "/srv/secret", NULL, false, false, 6 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_BIND, "/mnt/a/b", "/srv/data", NULL, false, false, 0 },
	/* An unknown source meets the deny that names one: it could be the denied one. */
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_BIND, "/mnt/any", NULL, NULL, false, false, 6 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_BIND, "/mnt/any", "/srv/secret", NULL, false, false, 6 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_MOVE, "/mnt/any", NULL, NULL, false, false, 0 },
	/* A path the task cannot name matches nothing; a file rule's path grants no mount. */
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_BIND, NULL, "/srv/data", NULL, false, false, 0 },
	{ MEDGATE_OP_MOUNT, MEDGATE_MOUNT_UMOUNT, "/media/x", NULL, NULL, false, false, 0 },
	{ MEDGATE_OP_CHROOT, 0, "/jail", NULL, NULL, false, true, 8 },
	{ MEDGATE_OP_CHROOT, 0, "/jail/x", NULL, NULL, false, false, 0 },
};

TEST(mount_rules_decide_by_kind_place_source_and_type)
{
	const struct medgate_blob_profile *p;
	struct medgate_blob_view v;
	const char *why = "";
	struct medgate_match m;
	size_t len, i;
	u8 *blob = bb_compile(mount_table_policy, &len);

	ASSERT_EQ(0, medgate_blob_validate(blob, len, &v, &why)) TH_LOG("%s", why);
	p = medgate_blob_find_profile(&v, medgate_profile_id("m"));
	ASSERT_NE(NULL, p);
	for (i = 0; i < sizeof(mount_rows) / sizeof(mount_rows[0]); i++) {
		const struct mount_row *r = &mount_rows[i];
		struct medgate_mount_query q = {
			.op = r->op, .kind = r->kind, .object = r->object, .object_later = r->later,
			.source = r->source, .fstype = r->fstype,
		};

		medgate_match_mount(&v, p, &q, &m);
		EXPECT_EQ(r->allowed, m.allowed) TH_LOG("row %zu", i);
		EXPECT_EQ(r->line, m.line) TH_LOG("row %zu", i);
		EXPECT_EQ(r->line == 6, m.explicit_deny) TH_LOG("row %zu", i);
	}
	/* No file rule grants anything on a mount pattern's path. */
	medgate_match_file(&v, p, "/jail", MEDGATE_ACCESS_READ, &m);
	EXPECT_FALSE(m.allowed);
	free(blob);
}

/*
 * Mount rules: an unknown source (none, or one the kernel looks up again by a name the task can
 * change) is covered by deny rules naming a source, once the mount point is known, and by no
 * allow rule naming one.
 */
static const char mount_policy[] =
	"profile m {\n"
	"    mount bind /srv/pub -> /mnt/bind\n"
	"    deny mount bind /srv/secret -> /mnt/**\n"
	"    mount bind /mnt/any\n"
	"    mount bind /open\n"
	"    mount new type tmpfs /mnt/new\n"
	"    deny mount new /dev/sda -> /mnt/**\n"
	"    deny mount bind /data/?/key -> /mnt/**\n"
	"}\n";

FIXTURE(mounts) {
	u8 *blob;
	struct medgate_blob_view v;
	const struct medgate_blob_profile *p;
};

FIXTURE_SETUP(mounts)
{
	const char *why = "";
	size_t len;

	self->blob = bb_compile(mount_policy, &len);
	ASSERT_EQ(0, medgate_blob_validate(self->blob, len, &self->v, &why)) TH_LOG("%s", why);
	self->p = medgate_blob_find_profile(&self->v, medgate_profile_id("m"));
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(mounts)
{
	free(self->blob);
}

static struct medgate_match mount_decision(FIXTURE_DATA(mounts) *self, u32 kind,
					   const char *object, const char *source, bool unsure,
					   bool later)
{
	struct medgate_mount_query q = {
		.op = MEDGATE_OP_MOUNT, .kind = kind, .object = object, .object_later = later,
		.source = source, .source_unsure = unsure,
		.fstype = kind == MEDGATE_MOUNT_NEW ? "tmpfs" : NULL,
	};
	struct medgate_match m;

	medgate_match_mount(&self->v, self->p, &q, &m);
	return m;
}

TEST_F(mounts, named_source_where_its_rule_allows)
{
	EXPECT_TRUE(mount_decision(self, MEDGATE_MOUNT_BIND, "/mnt/bind", "/srv/pub", false,
				   false).allowed);
	EXPECT_TRUE(mount_decision(self, MEDGATE_MOUNT_BIND, "/mnt/any", "/srv/pub", false,
				   false).allowed);
}

TEST_F(mounts, unknown_source_meets_the_deny_naming_a_source)
{
	struct medgate_match m = mount_decision(self, MEDGATE_MOUNT_BIND, "/mnt/any", NULL, false,
						false);

	EXPECT_FALSE(m.allowed);
	EXPECT_TRUE(m.explicit_deny);
	EXPECT_TRUE(mount_decision(self, MEDGATE_MOUNT_BIND, "/open", NULL, false,
				   false).allowed);
}

TEST_F(mounts, unsure_source_is_unknown)
{
	struct medgate_match m = mount_decision(self, MEDGATE_MOUNT_BIND, "/mnt/bind", "/srv/pub",
						true, false);

	EXPECT_FALSE(m.allowed);
	m = mount_decision(self, MEDGATE_MOUNT_BIND, "/mnt/any", "/srv/pub", true, false);
	EXPECT_FALSE(m.allowed);
	EXPECT_TRUE(m.explicit_deny);
	EXPECT_TRUE(mount_decision(self, MEDGATE_MOUNT_BIND, "/open", "/srv/pub", true,
				   false).allowed);
}

/* A bind mount above the denied source shows it; one below it lies inside it. */
static bool bind_denied(FIXTURE_DATA(mounts) *self, const char *source)
{
	return mount_decision(self, MEDGATE_MOUNT_BIND, "/mnt/any", source, false,
			      false).explicit_deny;
}

TEST_F(mounts, deny_naming_a_source_covers_the_directories_on_its_way)
{
	EXPECT_TRUE(bind_denied(self, "/srv"));
	EXPECT_TRUE(bind_denied(self, "/"));
	EXPECT_TRUE(bind_denied(self, "/srv/secret"));
	EXPECT_TRUE(bind_denied(self, "/srv/secret/sub"));
	EXPECT_FALSE(bind_denied(self, "/srv/pub"));
	EXPECT_FALSE(bind_denied(self, "/srv/sec"));
	EXPECT_FALSE(bind_denied(self, "/srv/secretary"));
	EXPECT_FALSE(bind_denied(self, "/var"));
	/* A glob: the directory it starts in, and (conservatively) all below. */
	EXPECT_TRUE(bind_denied(self, "/data"));
	EXPECT_TRUE(bind_denied(self, "/data/a"));
	EXPECT_TRUE(bind_denied(self, "/data/a/b"));
	EXPECT_FALSE(bind_denied(self, "/database"));
	/* Not for a new file system: its source is a device, not a directory shown. */
	EXPECT_FALSE(mount_decision(self, MEDGATE_MOUNT_NEW, "/mnt/new", "/dev", false,
				    false).explicit_deny);
}

/* fsconfig(FSCONFIG_CMD_CREATE): the deny waits for the mount point, which move_mount names. */
TEST_F(mounts, new_file_system_decided_by_type_then_by_place)
{
	EXPECT_TRUE(mount_decision(self, MEDGATE_MOUNT_NEW, NULL, NULL, false, true).allowed);
	EXPECT_TRUE(mount_decision(self, MEDGATE_MOUNT_NEW, "/mnt/new", "none", false,
				   false).allowed);
	EXPECT_TRUE(mount_decision(self, MEDGATE_MOUNT_NEW, "/mnt/new", NULL, false,
				   false).explicit_deny);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The policies the documentation shows, loaded unchanged: examples/full/gateway.policy,
 * examples/gateway.policy (shipped in the VM at /medgate/examples) and the "A first look" policy
 * of docs/policy-language.md (extracted at build time by scripts/doc-policy.sh). A compiled
 * program is put at each attached path, static and dynamically linked (what a real service is);
 * it must start, do something its profile allows (exit 0, not killed), and be refused something
 * its profile does not allow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mg_util.h"

#define EXAMPLES	"/medgate/examples"
#define FIRST_LOOK	"/medgate/docs/first-look.policy"
#define PROBE_DYN	MG_PROBE_DYN
#define GW		"/opt/gateway/bin"
#define SHADOW		"/etc/shadow"

static const char *const dirs[] = {
	"/opt", "/opt/gateway", GW, "/etc/gateway", "/etc/gateway/tls", "/etc/hl7", "/srv",
	"/srv/gateway-ui", "/var/log/gateway", "/var/log/hl7",
};

static const char *const files[] = {
	"/etc/gateway/hl7.conf", "/etc/gateway/bridge.conf", "/etc/gateway/fhir.conf",
	"/etc/gateway/web-ui.conf", "/etc/gateway/log-shipper.conf", "/etc/hl7/forwarder.conf",
	"/srv/gateway-ui/index.html", "/var/log/gateway/hl7-forwarder.log",
};

static const char *const programs[] = {
	"hl7-forwarder", "device-bridge", "fhir-forwarder", "web-ui", "log-shipper", "gwctl",
};

FIXTURE(examples) {
	char err[512];
};

FIXTURE_VARIANT(examples) {
	const char *probe;
};

FIXTURE_VARIANT_ADD(examples, static_probe) {
	.probe = MG_PROBE,
};

FIXTURE_VARIANT_ADD(examples, dynamic_probe) {
	.probe = PROBE_DYN,
};

FIXTURE_SETUP(examples)
{
	char path[128];
	size_t i;

	/* The dynamic variant's tests skip themselves when there is no dynamic libc. */
	if (!strcmp(variant->probe, PROBE_DYN) && mg_no_dynamic_libc())
		return;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdir(dirs[i], 0755);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		ASSERT_EQ(0, mg_write_file(files[i], "x\n", 0644));
	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		snprintf(path, sizeof(path), GW "/%s", programs[i]);
		ASSERT_EQ(0, mg_copy_file(variant->probe, path, 0755));
	}
}

FIXTURE_TEARDOWN(examples)
{
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		snprintf(path, sizeof(path), GW "/%s", programs[i]);
		unlink(path);
	}
}

/* Compiles a policy file as medgatectl does (includes from the default directory) and loads it. */
static int load_file(const char *path, char *err, size_t errlen)
{
	struct mg_diags d = { 0 };
	size_t len;
	void *blob;
	int ret;

	err[0] = '\0';
	ret = mg_policy_compile_file(path, &blob, &len, &d);
	if (ret) {
		if (d.n)
			mg_diag_format(&d.v[0], err, errlen);
		mg_diags_free(&d);
		return ret;
	}
	mg_diags_free(&d);
	ret = mg_load_blob(blob, len, err, errlen);
	free(blob);
	return ret;
}

/* The program at @exe does @action on @path with @mode; 0 when allowed, never a signal. */
#define ALLOWED(exe, action, path, mode) \
	EXPECT_EQ(0, mg_run_probe(GW "/" exe, action, path, mode))
#define REFUSED(exe, action, path, mode) \
	EXPECT_EQ(EACCES, mg_run_probe(GW "/" exe, action, path, mode))

TEST_F(examples, full_gateway_policy)
{
	char *gwctl[] = { GW "/web-ui", "exec", GW "/gwctl", "open", "/etc/gateway/hl7.conf", "rw",
			  NULL };
	char *shell[] = { GW "/hl7-forwarder", "exec", "/bin/busybox", "true", NULL };
	uint64_t from;
	struct mg_event ev;

	if (!strcmp(variant->probe, PROBE_DYN))
		MG_SKIP_WITHOUT_DYNAMIC_LIBC();
	ASSERT_EQ(0, load_file(EXAMPLES "/full/gateway.policy", self->err, sizeof(self->err))) {
		TH_LOG("%s", self->err);
	}
	from = mg_audit_next();
	ALLOWED("hl7-forwarder", "open", "/etc/gateway/hl7.conf", "r");
	REFUSED("hl7-forwarder", "open", SHADOW, "r");
	EXPECT_EQ(0, mg_find_event(from, SHADOW, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));
	EXPECT_STREQ("hl7-forwarder", ev.profile);
	EXPECT_EQ(EACCES, mg_run(shell));		/* deny exec /bin/busybox */

	ALLOWED("fhir-forwarder", "open", "/etc/gateway/fhir.conf", "r");
	REFUSED("fhir-forwarder", "open", SHADOW, "r");

	ALLOWED("web-ui", "open", "/srv/gateway-ui/index.html", "r");
	REFUSED("web-ui", "open", "/etc/gateway/web-ui.conf", "w");
	/* gwctl moves to gateway-admin, which may rewrite the configuration. */
	EXPECT_EQ(0, mg_run(gwctl));

	ALLOWED("log-shipper", "open", "/var/log/gateway/hl7-forwarder.log", "r");
	REFUSED("log-shipper", "open", "/var/log/gateway/hl7-forwarder.log", "a");

	/* complain mode: allowed and reported, but its deny rules hold. */
	ALLOWED("device-bridge", "open", "/etc/gateway/bridge.conf", "r");
	REFUSED("device-bridge", "open", "/dev/mem", "r");
}

TEST_F(examples, small_gateway_policy)
{
	uint64_t from;
	struct mg_event ev;

	if (!strcmp(variant->probe, PROBE_DYN))
		MG_SKIP_WITHOUT_DYNAMIC_LIBC();
	ASSERT_EQ(0, load_file(EXAMPLES "/gateway.policy", self->err, sizeof(self->err))) {
		TH_LOG("%s", self->err);
	}
	ALLOWED("hl7-forwarder", "open", "/etc/gateway/hl7.conf", "r");
	from = mg_audit_next();
	REFUSED("hl7-forwarder", "open", SHADOW, "r");
	EXPECT_EQ(0, mg_find_event(from, SHADOW, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_DENY, &ev));

	/* device-bridge is in complain mode: what its rules do not cover is allowed and reported. */
	ALLOWED("device-bridge", "open", "/etc/gateway/bridge.conf", "r");
	from = mg_audit_next();
	ALLOWED("device-bridge", "open", SHADOW, "r");
	EXPECT_EQ(0, mg_find_event(from, SHADOW, MEDGATE_OP_FILE_OPEN, MEDGATE_VERDICT_WOULD_DENY,
				   &ev));
}

TEST_F(examples, first_look_of_the_policy_language)
{
	char *check[] = { "/usr/sbin/medgatectl", "policy", "check", FIRST_LOOK, NULL };

	if (!strcmp(variant->probe, PROBE_DYN))
		MG_SKIP_WITHOUT_DYNAMIC_LIBC();
	EXPECT_EQ(0, mg_run(check));
	ASSERT_EQ(0, load_file(FIRST_LOOK, self->err, sizeof(self->err))) {
		TH_LOG("%s", self->err);
	}
	ALLOWED("hl7-forwarder", "open", "/etc/hl7/forwarder.conf", "r");
	REFUSED("hl7-forwarder", "open", SHADOW, "r");
}

TEST_HARNESS_MAIN

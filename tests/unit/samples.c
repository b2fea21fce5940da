// SPDX-License-Identifier: GPL-2.0
/* The sample policies of the engine tests and the fuzzer's seeds (samples.h). */
#include "samples.h"

const char sample_gateway[] =
	"profile hl7-forwarder {\n"
	"    attach /opt/gw/bin/hl7\n"
	"    attach /opt/gw/bin/hl7-*\n"
	"    file /etc/hl7/fwd.conf r\n"
	"    file /var/log/hl7/** ra\n"
	"    file /var/log/hl7/*.log rw\n"
	"    deny file /etc/shadow r\n"
	"    exec /opt/gw/bin/helper -> helper\n"
	"    file /dev/tty[0-9] rw\n"
	"    capability net_bind_service setuid\n"
	"    signal helper term\n"
	"    deny ptrace trace any\n"
	"}\n"
	"profile idle {\n"
	"    attach /opt/gw/bin/idle\n"
	"}\n";

const char sample_helper[] =
	"profile helper {\n"
	"    mode complain\n"
	"    attach /opt/gw/bin/h2\n"
	"    file /tmp/* w\n"
	"    file /tmp/x?? r\n"
	"    namespace mnt uts\n"
	"    deny namespace net\n"
	"    kernel firmware\n"
	"    mount bind /srv/** -> /mnt/*\n"
	"    chroot /srv/jail\n"
	"    ptrace read hl7-forwarder\n"
	"}\n";

const char sample_solo[] = "profile solo {\n    file /x/* r\n}\n";

const struct sample samples[] = {
	{ "empty", "", NULL },
	{ "solo", sample_solo, NULL },
	{ "attach only", "profile a {\n    attach /usr/bin/a\n}\n", NULL },
	{ "gateway", sample_gateway, sample_helper },
	{ "globs",
	  "profile g {\n"
	  "    file /**/*.so m\n"
	  "    file /usr/lib/** rm\n"
	  "    file /srv/[a-c]?/data* r\n"
	  "    deny file /srv/*/data*/secret r\n"
	  "    file /a\\*b/[!x]/** rwacdls\n"
	  "}\n", NULL },
};

const size_t n_samples = sizeof(samples) / sizeof(samples[0]);

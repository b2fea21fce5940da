// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blob_builder.h"
#include "internal.h"

int bb_compile2(const char *text, const char *second, u32 max_states, u8 **blob, size_t *len,
		char *msg, size_t msglen)
{
	struct mg_diags d = { 0 };
	struct mg_policy *p;
	void *out = NULL;
	int err;

	*blob = NULL;
	*len = 0;
	if (msg && msglen)
		msg[0] = '\0';
	if (mg_policy_new(&p))
		return -ENOMEM;
	mg_policy_set_max_states(p, max_states);
	err = mg_policy_add_text(p, text, strlen(text), "test.policy");
	if (err != -ENOMEM && second)
		err = mg_policy_add_text(p, second, strlen(second), "second.policy");
	if (err != -ENOMEM)
		err = mg_policy_build(p, &out, len, &d);
	if (err && msg && d.n)
		mg_diag_format(&d.v[0], msg, msglen);
	mg_diags_free(&d);
	mg_policy_free(p);
	*blob = out;
	return err;
}

u8 *bb_compile(const char *text, size_t *len)
{
	char msg[512];
	u8 *blob;

	if (bb_compile2(text, NULL, 0, &blob, len, msg, sizeof(msg))) {
		printf("Bail out! test policy does not compile: %s\n", msg);
		exit(1);
	}
	return blob;
}

int bb_compile_net(const char *text, const char *profile, const struct mg_net_rule *rules,
		   size_t n, u8 **blob, size_t *len)
{
	struct mg_diags d = { 0 };
	struct mg_policy *p;
	void *out = NULL;
	size_t i;
	int err;

	if (mg_policy_new(&p))
		return -ENOMEM;
	err = mg_policy_add_text(p, text, strlen(text), "test.policy");
	for (i = 0; !err && i < p->n_profiles; i++) {
		struct mg_profile *prof = p->profiles[i];

		if (strcmp(prof->name, profile) || !n)
			continue;
		prof->net = calloc(n, sizeof(*rules));
		if (!prof->net) {
			err = -ENOMEM;
			break;
		}
		memcpy(prof->net, rules, n * sizeof(*rules));
		prof->n_net = prof->cap_net = n;
	}
	if (!err)
		err = mg_policy_build(p, &out, len, &d);
	mg_diags_free(&d);
	mg_policy_free(p);
	*blob = out;
	return err;
}

void bb_reseal(u8 *blob, size_t len)
{
	struct medgate_blob_header *h = (void *)blob;

	medgate_sha256(blob + sizeof(*h), len - sizeof(*h), h->sha256);
}

struct bb_tables bb_tables(u8 *blob)
{
	struct bb_tables t;

	t.hdr = (void *)blob;
	t.prof = (void *)(t.hdr + 1);
	t.att = (void *)(t.prof + t.hdr->n_profiles);
	t.rule = (void *)(t.att + t.hdr->n_attach);
	t.st = (void *)(t.rule + t.hdr->n_rules);
	t.tr = (void *)(t.st + t.hdr->n_states);
	t.acc = (void *)(t.tr + t.hdr->n_trans);
	t.cls = (void *)(t.acc + MEDGATE_BLOB_ACCEPT_SLOTS(t.hdr->n_accept));
	t.net = (void *)(t.cls + t.hdr->n_classes);
	t.node = (void *)(t.net + t.hdr->reserved[MEDGATE_HDR_NET_RULES]);
	t.seg = (void *)(t.node + t.hdr->reserved[MEDGATE_HDR_NET_NODES]);
	t.str = (void *)(t.seg + t.hdr->reserved[MEDGATE_HDR_NET_SEGS]);
	return t;
}

u32 bb_walk(const struct medgate_blob_view *v, u32 start, const char *path)
{
	const unsigned char *c;
	u32 s = start, k;

	for (c = (const unsigned char *)path; *c; c++) {
		const struct medgate_blob_state *st = &v->states[s];

		for (k = 0; k < st->n_trans; k++) {
			const struct medgate_blob_trans *t = &v->trans[st->first_trans + k];

			if (*c >= t->lo && *c <= t->hi)
				break;
		}
		if (k == st->n_trans)
			return BB_NONE;
		s = v->trans[st->first_trans + k].next;
	}
	return s;
}

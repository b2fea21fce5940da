// SPDX-License-Identifier: GPL-2.0
/*
 * medgate.ko: policy, decisions (as kfuncs for the BPF-LSM hook programs), audit and the
 * generic-netlink control plane.
 */
#include <linux/module.h>
#include <medgate/label.h>
#include "audit.h"
#include "blob.h"
#include "chunks.h"
#include "kfuncs.h"
#include "netlink.h"
#include "path.h"
#include "policy.h"
#include "protect.h"

/*
 * The structs that cross the user/kernel boundary as raw bytes (the blob) or are shared with the
 * BPF programs (the label) must have no holes: each size is pinned to the sum of its fields, so
 * a field added without thought for alignment fails the build.
 */
static void __init build_check_abi(void)
{
	struct medgate_blob_header hdr;
	struct medgate_blob_profile prof;
	struct medgate_blob_attach att;
	struct medgate_blob_rule rule;
	struct medgate_blob_class cls;
	struct medgate_blob_state state;
	struct medgate_blob_trans trans;
	struct medgate_blob_net net;
	struct medgate_blob_net_node node;
	struct medgate_blob_net_seg seg;
	struct medgate_task_label label;
	size_t n;

	n = sizeof(hdr.magic) + sizeof(hdr.format) + sizeof(hdr.flags) + sizeof(hdr.total_len) +
	    sizeof(hdr.n_profiles) + sizeof(hdr.n_attach) + sizeof(hdr.n_rules) +
	    sizeof(hdr.n_states) + sizeof(hdr.n_trans) + sizeof(hdr.n_accept) +
	    sizeof(hdr.strtab_len) + sizeof(hdr.attach_dfa) + sizeof(hdr.attach_states) +
	    sizeof(hdr.n_classes) + sizeof(hdr.reserved) + sizeof(hdr.sha256);
	BUILD_BUG_ON(sizeof(hdr) != n);
	n = sizeof(prof.id) + sizeof(prof.name_off) + sizeof(prof.mode) + sizeof(prof.first_attach) +
	    sizeof(prof.n_attach) + sizeof(prof.first_rule) + sizeof(prof.n_rules) +
	    sizeof(prof.dfa) + sizeof(prof.n_states) + sizeof(prof.first_class) +
	    sizeof(prof.n_classes) + sizeof(prof.first_net) + sizeof(prof.n_net) +
	    sizeof(prof.first_node) + sizeof(prof.n_nodes) + sizeof(prof.net_root) +
	    sizeof(prof.net_reserved);
	BUILD_BUG_ON(sizeof(prof) != n);
	n = sizeof(net.flags) + sizeof(net.ops) + sizeof(net.families) + sizeof(net.types) +
	    sizeof(net.protos) + sizeof(net.trie) + sizeof(net.prefix_len) + sizeof(net.reserved) +
	    sizeof(net.addr) + sizeof(net.port_lo) + sizeof(net.port_hi) + sizeof(net.line) +
	    sizeof(net.file_off);
	BUILD_BUG_ON(sizeof(net) != n);
	n = sizeof(node.child) + sizeof(node.first_seg) + sizeof(node.n_seg) + sizeof(node.depth) +
	    sizeof(node.reserved);
	BUILD_BUG_ON(sizeof(node) != n);
	n = sizeof(seg.lo) + sizeof(seg.hi) + sizeof(seg.first_accept) + sizeof(seg.n_deny) +
	    sizeof(seg.n_allow);
	BUILD_BUG_ON(sizeof(seg) != n);
	n = sizeof(cls.op) + sizeof(cls.flags) + sizeof(cls.detail) + sizeof(cls.peer) +
	    sizeof(cls.line) + sizeof(cls.file_off) + sizeof(cls.object) + sizeof(cls.source) +
	    sizeof(cls.fstype_off) + sizeof(cls.reserved);
	BUILD_BUG_ON(sizeof(cls) != n);
	n = sizeof(att.pattern_off) + sizeof(att.flags) + sizeof(att.line) + sizeof(att.file_off);
	BUILD_BUG_ON(sizeof(att) != n);
	n = sizeof(rule.pattern_off) + sizeof(rule.flags) + sizeof(rule.access) +
	    sizeof(rule.exec_mode) + sizeof(rule.target) + sizeof(rule.line) + sizeof(rule.file_off);
	BUILD_BUG_ON(sizeof(rule) != n);
	n = sizeof(state.first_trans) + sizeof(state.n_trans) + sizeof(state.first_accept) +
	    sizeof(state.n_accept);
	BUILD_BUG_ON(sizeof(state) != n);
	n = sizeof(trans.lo) + sizeof(trans.hi) + sizeof(trans.reserved) + sizeof(trans.next);
	BUILD_BUG_ON(sizeof(trans) != n);
	n = sizeof(label.profile) + sizeof(label.pending) + sizeof(label.flags) +
	    sizeof(label.reserved);
	BUILD_BUG_ON(sizeof(label) != n);
}

static int __init medgate_init(void)
{
	int err;

	build_check_abi();
	err = medgate_path_init();
	if (err)
		goto err_path;
	err = medgate_policy_init();
	if (err)
		goto err_policy;
	err = medgate_audit_init(medgate_netlink_doorbell);
	if (err)
		goto err_audit;
	err = medgate_chunks_init();
	if (err)
		goto err_chunks;
	err = medgate_netlink_init();
	if (err)
		goto err_netlink;
	err = medgate_kfuncs_init();
	if (err)
		goto err_kfuncs;
	pr_info("loaded, ABI %u\n", MEDGATE_ABI_VERSION);
	return 0;

err_kfuncs:
	medgate_netlink_uninit();
	medgate_protect_exit();
err_netlink:
	medgate_chunks_uninit();
err_chunks:
	medgate_audit_uninit();
err_audit:
	medgate_policy_uninit();
err_policy:
	medgate_path_uninit();
err_path:
	return err;
}

/*
 * Only reached when no BPF program holds the module (each program that calls a kfunc holds a
 * reference), so no decision can be running. kfunc sets are released with the module's BTF.
 */
static void __exit medgate_exit(void)
{
	medgate_audit_stop();
	medgate_netlink_uninit();
	medgate_protect_exit();
	medgate_chunks_uninit();
	medgate_audit_uninit();
	medgate_policy_uninit();
	medgate_path_uninit();
	pr_info("unloaded\n");
}

module_init(medgate_init);
module_exit(medgate_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("medgate access control engine for medical gateways");
MODULE_AUTHOR("medgate developers");

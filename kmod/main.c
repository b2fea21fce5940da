// SPDX-License-Identifier: GPL-2.0
/*
 * medgate.ko: policy, decisions (as kfuncs for the BPF-LSM hook programs), audit and the
 * generic-netlink control plane.
 */
#include <linux/module.h>
#include "audit.h"
#include "blob.h"
#include "chunks.h"
#include "kfuncs.h"
#include "netlink.h"
#include "path.h"
#include "policy.h"

/* The uapi structs cross the user/kernel boundary as raw bytes: no holes, fixed sizes. */
static void __init build_check_abi(void)
{
	BUILD_BUG_ON(sizeof(struct medgate_blob_header) != 96);
	BUILD_BUG_ON(sizeof(struct medgate_blob_profile) != 48);
	BUILD_BUG_ON(sizeof(struct medgate_blob_attach) != 16);
	BUILD_BUG_ON(sizeof(struct medgate_blob_rule) != 32);
	BUILD_BUG_ON(sizeof(struct medgate_blob_state) != 16);
	BUILD_BUG_ON(sizeof(struct medgate_blob_trans) != 8);
	BUILD_BUG_ON(sizeof(struct medgate_task_label) != 24);
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
	err = medgate_audit_init();
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

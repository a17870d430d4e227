// SPDX-License-Identifier: GPL-2.0
/*
 * kiscsi: iSCSI initiator data path over kernel TCP sockets.
 *
 * Module init and exit: the workqueue, the hosts' parent device, the
 * iSCSI transport class registration and the generic netlink family.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "kiscsi.h"

struct workqueue_struct *kiscsi_wq;
/* session scan and destroy: they wait on the network, outside genl */
struct workqueue_struct *kiscsi_ctl_wq;
struct device *kiscsi_root_dev;

static int __init kiscsi_init(void)
{
	int ret;

	/*
	 * The disks may carry swap or writeback: the I/O and error paths
	 * must make progress without allocating, hence WQ_MEM_RECLAIM.
	 */
	kiscsi_wq = alloc_workqueue("kiscsi", WQ_MEM_RECLAIM | WQ_HIGHPRI |
				    WQ_SYSFS, 0);
	if (!kiscsi_wq)
		return -ENOMEM;

	kiscsi_ctl_wq = alloc_workqueue("kiscsi_ctl", WQ_UNBOUND, 0);
	if (!kiscsi_ctl_wq) {
		ret = -ENOMEM;
		goto err_wq;
	}
	/*
	 * The hosts' parent: /sys/devices/kiscsi/hostN, outside the trees
	 * open-iscsi's shutdown scripts walk (/sys/devices/platform/host*,
	 * which scsi_add_host() with no parent would use), so stopping
	 * open-iscsi never unmounts or logs out a disk of ours.
	 */
	kiscsi_root_dev = root_device_register("kiscsi");
	if (IS_ERR(kiscsi_root_dev)) {
		ret = PTR_ERR(kiscsi_root_dev);
		goto err_ctl_wq;
	}

	ret = kiscsi_transport_init();
	if (ret)
		goto err_root;

	ret = kiscsi_netlink_init();
	if (ret)
		goto err_transport;

	/*
	 * Each connection marks its socket SOCK_MEMALLOC.  Holding the key
	 * for the module's life keeps that from patching kernel text (an
	 * int3 breakpoint dance across CPUs) on every login and logout.
	 */
	static_branch_inc(&memalloc_socks_key);
	pr_info("kiscsi: iSCSI initiator loaded\n");
	return 0;

err_transport:
	kiscsi_transport_exit();
err_root:
	root_device_unregister(kiscsi_root_dev);
err_ctl_wq:
	destroy_workqueue(kiscsi_ctl_wq);
err_wq:
	destroy_workqueue(kiscsi_wq);
	return ret;
}

static void __exit kiscsi_exit(void)
{
	/*
	 * Every session holds the module, so there are none left here but
	 * after a forced unload (rmmod -f): end those too.
	 */
	kiscsi_netlink_exit();
	kiscsi_destroy_all_sessions();
	static_branch_dec(&memalloc_socks_key);
	kiscsi_transport_exit();
	root_device_unregister(kiscsi_root_dev);
	destroy_workqueue(kiscsi_ctl_wq);
	destroy_workqueue(kiscsi_wq);
}

module_init(kiscsi_init);
module_exit(kiscsi_exit);

MODULE_DESCRIPTION("kiscsi iSCSI initiator");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(KISCSI_GENL_NAME);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which iSCSI disks a block device or a mounted filesystem sits on, read
 * from sysfs: the device itself, the disk of a partition, and the slaves
 * of device-mapper (LVM, multipath, dm-crypt) and md devices, all the way
 * down.
 */
#ifndef KISCSI_BLOCKSTACK_H
#define KISCSI_BLOCKSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libkiscsi.h"

#define KISCSI_BLOCK_DISKS_MAX	16

struct kiscsi_iscsi_disk {
	uint32_t session_id;
	uint64_t lun;
	char name[32];			/* "sdb" */
};

struct kiscsi_block_stack {
	char device[64];		/* what arg names: "/dev/sdb1" */
	bool mounted;			/* arg was a mount point */
	size_t n;
	struct kiscsi_iscsi_disk disks[KISCSI_BLOCK_DISKS_MAX];
	size_t others;			/* disks below that are not iSCSI */
	char other[32];			/* the first of them: "vda" */
};

/*
 * Resolve arg (a block device or a mount point) and walk down from it.
 * sysfs and mountinfo NULL: /sys and /proc/self/mountinfo.  Nothing
 * iSCSI below: -KISCSI_E_NOSESSION with a line saying what it sits on.
 */
int kiscsi_block_stack(const char *arg, const char *sysfs,
		       const char *mountinfo, struct kiscsi_block_stack *st,
		       struct kiscsi_error *err);

#endif

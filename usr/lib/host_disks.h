/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The disks of a session's SCSI host, as sysfs and /proc show them. */
#ifndef KISCSI_HOST_DISKS_H
#define KISCSI_HOST_DISKS_H

#include <stddef.h>
#include <stdint.h>

#include "libkiscsi.h"

/*
 * Is a disk (or partition) of SCSI host host_no in use: mounted, swap,
 * held by device-mapper/LVM/md, or open exclusively?  0 no, 1 yes with
 * one line in why ("/dev/sdb1 is mounted on /mnt").
 */
int kiscsi_host_disks_in_use(uint32_t host_no, char *why, size_t len);

/* Write secs to the SCSI command timeout of every device of host_no. */
int kiscsi_host_set_scsi_timeout(uint32_t host_no, uint32_t secs,
				 struct kiscsi_error *err);

#endif

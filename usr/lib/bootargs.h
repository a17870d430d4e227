/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel command line that lets a dracut initramfs bring up the iSCSI
 * disks a device or a mounted filesystem sits on (dracut.cmdline(7)):
 * rd.iscsi.firmware=1 rd.iscsi.ibft=1 for sessions the boot firmware
 * described, else rd.iscsi.initiator=, one netroot=iscsi:... per disk,
 * rd.neednet=1 and the ip= of each interface they use; root=UUID= for a
 * mount point.
 */
#ifndef KISCSI_BOOTARGS_H
#define KISCSI_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "libkiscsi.h"

#define KISCSI_BOOTARGS_MAX	4096

struct kiscsi_bootargs {
	char line[KISCSI_BOOTARGS_MAX];
	/* CHAP sessions: credentials on the line (with_secrets), else kept
	 * in node records, whose files are listed here */
	bool secrets_on_line;
	size_t nrecords;
	char records[4][512];
};

/*
 * Compose the line for arg (block device or mount point).  Without
 * with_secrets, CHAP credentials go into each session's node record
 * (the .secrets file in <config dir>/nodes, 0600; the record is created, startup
 * manual, if there is none) instead of the line, which every user can
 * read in /proc/cmdline.
 */
int kiscsi_bootargs(const char *arg, bool with_secrets,
		    struct kiscsi_bootargs *out, struct kiscsi_error *err);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a kernel command line asks of iSCSI at boot, as dracut's 95iscsi
 * reads it (dracut.cmdline(7)): root=iscsi:... (which wins over
 * netroot=), one or more netroot=iscsi:..., the rd.iscsi.target.* form,
 * firmware (rd.iscsi.firmware, rd.iscsi.ibft, iscsi_firmware), the
 * credentials rd.iscsi.username/password/in.username/in.password (the
 * default for paths that carry none), rd.iscsi.initiator,
 * rd.iscsi.param (open-iscsi keys kiscsi has an equivalent for),
 * rd.iscsi.login_retry_max, rd.iscsi.mp, rd.iscsi.waitnet,
 * rd.iscsi.testroute, and the legacy iscsiroot= and iscsi_initiator=.
 */
#ifndef KISCSI_BOOTCMDLINE_H
#define KISCSI_BOOTCMDLINE_H

#include <stdbool.h>

#include "rootpath.h"
#include "settings.h"

#define KISCSI_BOOT_TARGETS_MAX	8

struct kiscsi_boot_cmdline {
	char initiator[KISCSI_NAME_MAX + 1];	/* "" when not given */
	bool firmware;		/* log in to what the iBFT names */
	bool ibft_net;		/* rd.iscsi.ibft: configure the iBFT NICs */
	bool mp;		/* rd.iscsi.mp: every iBFT NIC, not only boot */
	bool waitnet;		/* rd.iscsi.waitnet (default on) */
	bool testroute;		/* rd.iscsi.testroute (default on) */
	int login_retry_max;	/* -1 when not given */
	/* rd.iscsi.param's mapped values, applied to every target */
	struct kiscsi_settings settings;
	size_t ntargets;
	struct kiscsi_root_path targets[KISCSI_BOOT_TARGETS_MAX];
};

/*
 * Parse a command line (the text of /proc/cmdline); 0 also when it asks
 * for no iSCSI at all (no targets, no firmware).  On error err names the
 * parameter and what is wrong, and *b is left untouched.
 */
int kiscsi_boot_cmdline_parse(const char *cmdline,
			      struct kiscsi_boot_cmdline *b,
			      struct kiscsi_error *err);
/* Wipe the credentials. */
void kiscsi_boot_cmdline_clear(struct kiscsi_boot_cmdline *b);

/*
 * What logging in to target i of b takes (boot_login.c): its portal and
 * name, and opts (initialised by the caller) with rd.iscsi.initiator,
 * rd.iscsi.param, the path's network device to bind to, and its
 * credentials, or when it names none those of the node record for that
 * target and portal (what 'kiscsi bootargs' keeps there).
 */
int kiscsi_boot_login_opts(const struct kiscsi_boot_cmdline *b, size_t i,
			   struct kiscsi_portal *portal,
			   char target[KISCSI_NAME_MAX + 1],
			   struct kiscsi_opts *opts, struct kiscsi_error *err);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iSCSI root paths as a dracut initramfs reads them from root= and
 * netroot= (dracut.cmdline(7), RFC 4173):
 *
 *   iscsi:[user:pass[:ruser:rpass]@][server]:[protocol]:[port]
 *         [:[iface]:[netdev]]:[LUN]:target
 *
 * Where RFC 4173 and dracut differ, dracut's reading wins: it is dracut's
 * command line.  A target name starting iqn., eui. or naa. is found after
 * the last ":iqn." (":eui.", ":naa."), so it may hold colons and an '@';
 * any other name is what follows the LUN field.
 */
#ifndef KISCSI_ROOTPATH_H
#define KISCSI_ROOTPATH_H

#include <stdint.h>

#include "libkiscsi.h"

struct kiscsi_root_path {
	char username[KISCSI_CHAP_NAME_MAX + 1];
	char password[KISCSI_CHAP_SECRET_MAX + 1];
	char username_in[KISCSI_CHAP_NAME_MAX + 1];
	char password_in[KISCSI_CHAP_SECRET_MAX + 1];
	char server[KISCSI_HOST_MAX + 1];	/* no brackets; "" if empty */
	uint16_t port;				/* 3260 when empty */
	char iface[16];				/* open-iscsi iface name, "" */
	char netdev[16];			/* network device, "" */
	uint64_t lun;				/* 0 when empty */
	char target[KISCSI_NAME_MAX + 1];
};

/* Parse s ("iscsi:..."); on error err says what is wrong, nothing kept. */
int kiscsi_root_path_parse(const char *s, struct kiscsi_root_path *r,
			   struct kiscsi_error *err);
/*
 * The root path of r, with its credentials only when with_secrets (they
 * end up in /proc/cmdline); -1 if len is short.
 */
int kiscsi_root_path_format(const struct kiscsi_root_path *r,
			    bool with_secrets, char *buf, size_t len);

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Default options and the library version. */
#include <string.h>

#include <linux/kiscsi.h>

#include "libkiscsi.h"
#include "version.h"

#ifndef KISCSI_VERSION
#define KISCSI_VERSION "0.1"
#endif

void kiscsi_opts_init(struct kiscsi_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = 15000;
	o->login_timeout_ms = 15000;
	o->queue_depth = 128;
	o->recovery_tmo = 120;
	o->nop_interval = 5;
	o->nop_timeout = 5;
	o->header_digest = KISCSI_DIGEST_NONE;
	o->data_digest = KISCSI_DIGEST_NONE;
	o->tmf_timeout = 10;
	o->max_redirects = 4;
}

const char *kiscsi_version(void)
{
	return KISCSI_VERSION;
}

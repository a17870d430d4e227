/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing a SendTargets answer and TargetAddress values. */
#ifndef KISCSI_SENDTARGETS_H
#define KISCSI_SENDTARGETS_H

#include <stddef.h>

#include "libkiscsi.h"
#include "textkey.h"

/* "host[:port][,tpgt]", IPv6 hosts in brackets.  0 or -1. */
int kiscsi_target_address_parse(const char *v, struct kiscsi_target_portal *tp);

/*
 * TargetName=... starts a target, each TargetAddress=... after it adds a
 * portal; TargetAlias is ignored.  0, or -1 with the reason in errbuf.
 */
int kiscsi_sendtargets_parse(const struct kiscsi_kvlist *kv,
			     struct kiscsi_target_list *out, char *errbuf,
			     size_t errlen);

#endif

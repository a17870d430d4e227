/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-session ISIDs and the lock on a session's nexus (isid.c). */
#ifndef KISCSI_ISID_H
#define KISCSI_ISID_H

#include <stddef.h>

#include "libkiscsi.h"

/*
 * The session key: "HOST,PORT[,iface=IF][,source=ADDR]", the host in its
 * canonical numeric spelling when it is an address.  -1 if len is short.
 */
int kiscsi_session_key(const struct kiscsi_portal *p, const char *iface,
		       const char *source, char *buf, size_t len);

/* Set id->isid's qualifier (bytes 4-5) to key's for target, allocating. */
int kiscsi_isid_assign(struct kiscsi_identity *id, const char *target,
		       const char *key, struct kiscsi_error *err);

/*
 * Lock the nexus (initiator name, ISID, target) against other logins on
 * this machine: an fd to close when done, or a negative error.  Blocks
 * while another login of the same nexus runs.
 */
int kiscsi_nexus_lock(const struct kiscsi_identity *id, const char *target,
		      struct kiscsi_error *err);

#endif

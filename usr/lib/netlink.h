/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small generic netlink client for the "kiscsi" family (libmnl). */
#ifndef KISCSI_NETLINK_H
#define KISCSI_NETLINK_H

#include <stdint.h>

#include <libmnl/libmnl.h>

#include "libkiscsi.h"

struct kiscsi_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t events_group;	/* multicast group id, 0 if none */
	int last_errno;		/* of the last kiscsi_nl_talk() */
};

/* Opens the socket and resolves the family (module not loaded: KERNEL). */
int kiscsi_nl_open(struct kiscsi_nl *n, struct kiscsi_error *err);
void kiscsi_nl_close(struct kiscsi_nl *n);

/* Starts a request for cmd in buf (MNL_SOCKET_BUFFER_SIZE bytes). */
struct nlmsghdr *kiscsi_nl_request(struct kiscsi_nl *n, void *buf, uint8_t cmd,
				   uint16_t flags);
/*
 * Sends nlh and runs cb on every reply message until the ACK or the end of
 * the dump.  Errors (with the kernel's extended ack message, if any) come
 * back as KISCSI_E_KERNEL naming what.
 */
int kiscsi_nl_talk(struct kiscsi_nl *n, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data, const char *what, struct kiscsi_error *err);

#endif

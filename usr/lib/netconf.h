/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bring up the network interface a boot target is reached through, as the
 * firmware describes it (rtnetlink, libmnl): the interface is found by its
 * MAC address; a VLAN gets a "<dev>.<id>" link on top of it.
 */
#ifndef KISCSI_NETCONF_H
#define KISCSI_NETCONF_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "libkiscsi.h"

struct kiscsi_netconf {
	uint8_t mac[6];
	uint16_t vlan;			/* 0: none */
	char addr[KISCSI_ADDR_MAX];	/* numeric; "" leaves addresses be */
	uint8_t prefix_len;
	char gateway[KISCSI_ADDR_MAX];	/* "": no default route */
};

/*
 * The interface that carries nc's traffic: the one with nc->mac, or for a
 * VLAN the VLAN link with that id on top of it.  -KISCSI_E_NOSESSION if
 * there is none or it is down.
 */
int kiscsi_netconf_find(const struct kiscsi_netconf *nc,
			char ifname[IF_NAMESIZE], struct kiscsi_error *err);

/*
 * Configure it: the VLAN link made if missing, links up, the address
 * added (kept if already there), a default route through the gateway
 * unless one exists.  ifname gets the interface to bind sessions to.
 */
int kiscsi_netconf_apply(const struct kiscsi_netconf *nc,
			 char ifname[IF_NAMESIZE], struct kiscsi_error *err);

/* How the interface holding a local address is configured (for ip=). */
struct kiscsi_netconf_addr {
	char ifname[IF_NAMESIZE];
	uint8_t prefix_len;
	bool dynamic;			/* a finite lifetime: DHCP's, SLAAC's */
	bool loopback;
	char gateway[KISCSI_ADDR_MAX];	/* its default route's, or "" */
};

/* -KISCSI_E_NOSESSION if no interface has addr. */
int kiscsi_netconf_of_addr(const char *addr, struct kiscsi_netconf_addr *a,
			   struct kiscsi_error *err);

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/* From a firmware target to a login: portal, names, CHAP, interface. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "ibft.h"
#include "netconf.h"

const struct kiscsi_ibft_nic *
kiscsi_ibft_target_nic(const struct kiscsi_ibft *t,
		       const struct kiscsi_ibft_target *g)
{
	int i;

	for (i = 0; i < KISCSI_IBFT_MAX; i++)
		if (t->nic[i].present && t->nic[i].index == g->nic_assoc)
			return &t->nic[i];
	return NULL;
}

static int chap(const struct kiscsi_ibft_target *g,
		struct kiscsi_chap_auth *a, struct kiscsi_error *err)
{
	char warn[128];

	if (g->chap_type == 0)
		return 0;
	if (g->chap_type > 2)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "firmware target%u: unknown CHAP type %u",
				  g->index, g->chap_type);
	snprintf(a->username, sizeof(a->username), "%s", g->chap_name);
	snprintf(a->password, sizeof(a->password), "%s", g->chap_secret);
	if (g->chap_type == 2) {
		snprintf(a->username_in, sizeof(a->username_in), "%s",
			 g->rev_chap_name);
		snprintf(a->password_in, sizeof(a->password_in), "%s",
			 g->rev_chap_secret);
	}
	return kiscsi_chap_auth_check(a, warn, sizeof(warn), err);
}

int kiscsi_ibft_login_opts(const struct kiscsi_ibft *t, int i,
			   struct kiscsi_portal *portal,
			   char target[KISCSI_NAME_MAX + 1],
			   struct kiscsi_opts *opts, struct kiscsi_error *err)
{
	const struct kiscsi_ibft_target *g = &t->target[i];
	const struct kiscsi_ibft_nic *n = kiscsi_ibft_target_nic(t, g);
	struct kiscsi_netconf nc = { 0 };
	int r;

	if (!g->name[0] || !g->ip_addr[0])
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "firmware target%u has no %s", g->index,
				  g->name[0] ? "address" : "target name");
	if (!n)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "firmware target%u names ethernet%u, which the table lacks",
				  g->index, g->nic_assoc);
	snprintf(portal->host, sizeof(portal->host), "%s", g->ip_addr);
	portal->port = g->port ? g->port : KISCSI_DEFAULT_PORT;
	snprintf(target, KISCSI_NAME_MAX + 1, "%s", g->name);
	if (t->initiator.present && t->initiator.name[0])
		snprintf(opts->initiator_name, sizeof(opts->initiator_name),
			 "%s", t->initiator.name);
	snprintf(opts->boot.root, sizeof(opts->boot.root), "ibft");
	snprintf(opts->boot.nic, sizeof(opts->boot.nic), "ethernet%u",
		 n->index);
	snprintf(opts->boot.target, sizeof(opts->boot.target), "target%u",
		 g->index);
	r = chap(g, &opts->chap, err);
	if (r)
		return r;
	memcpy(nc.mac, n->mac, sizeof(nc.mac));
	nc.vlan = n->vlan;
	r = kiscsi_netconf_find(&nc, opts->iface, err);
	if (r == -KISCSI_E_NOSESSION) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return kiscsi_err(err, KISCSI_E_UNREACHABLE,
				  "firmware target%u: no interface for ethernet%u (%s); run 'kiscsi fw netup' first",
				  g->index, n->index, why);
	}
	return r;
}

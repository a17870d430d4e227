// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kiscsi discover --save: a node record for every target portal found.
 * An existing record keeps its startup, settings and secrets; it only
 * takes the new TPGT and whatever was given on this command line.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "node.h"

int discover_save(const struct kiscsi_target_list *l, int startup,
		  const struct kiscsi_settings *set, FILE *out)
{
	struct kiscsi_error err;
	size_t i, k;
	int ret = 0;

	for (i = 0; i < l->ntargets; i++) {
		const struct kiscsi_target *t = &l->targets[i];

		for (k = 0; k < t->nportals; k++) {
			const struct kiscsi_target_portal *tp = &t->portals[k];
			char where[KISCSI_HOST_MAX + 16];
			struct kiscsi_portal p = { .port = tp->port };
			struct kiscsi_node n;
			bool exists;
			int r;

			snprintf(p.host, sizeof(p.host), "%s", tp->addr);
			kiscsi_portal_format(p.host, p.port, where, sizeof(where));
			r = kiscsi_node_load(t->name, &p, set, &n, &err);
			exists = r == 0;
			if (r == -KISCSI_E_NOSESSION) {
				kiscsi_node_init(&n, t->name, &p);
				r = 0;
			}
			if (!r) {
				n.tpgt = tp->tpgt;
				if (startup >= 0)
					n.startup = startup;
				kiscsi_settings_merge(&n.settings, set);
				r = kiscsi_node_save(&n, &err);
			}
			explicit_bzero(&n, sizeof(n));
			if (r) {
				fprintf(stderr, "%s: not saved: %s\n", prog,
					err.msg);
				if (!ret)
					ret = err.code ? err.code : 1;
				continue;
			}
			fprintf(out, "%s node %s at %s\n",
				exists ? "updated" : "saved", t->name, where);
		}
	}
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* The login of fw login and boot: options a boot source prepared. */
#include <stdio.h>

#include "cli.h"

int login_prepared(const struct kiscsi_portal *portal, const char *target,
		   struct kiscsi_opts *opts, const char *tag)
{
	struct kiscsi_login_result res;
	char where[KISCSI_ADDR_MAX + 16];
	struct kiscsi_error err;
	uint32_t sid = 0, host = UINT32_MAX;
	int r;

	r = kiscsi_session_login(portal, target, opts, &res, &sid, &host,
				 &err);
	kiscsi_chap_auth_clear(&opts->chap);
	kiscsi_portal_format(portal->host, portal->port, where, sizeof(where));
	if (r == -KISCSI_E_EXISTS && sid) {
		printf("%s at %s: already logged in (session %u)\n", target,
		       where, sid);
		return 0;
	}
	if (r)
		return fail(&err);
	printf("session %u (host %u): %s at %s%s%s%s%s%s\n", sid, host, target,
	       where, opts->iface[0] ? " via " : "", opts->iface,
	       tag ? " [" : "", tag ? tag : "", tag ? "]" : "");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Does a session's portal (numeric) match what the user wrote? */
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

bool session_at_portal(const struct kiscsi_session_info *s,
		       const struct kiscsi_portal *p)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	bool match = false;

	if (s->portal_port != p->port)
		return false;
	if (!strcmp(s->portal_addr, p->host))
		return true;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(p->host, NULL, &hints, &res))
		return false;
	for (ai = res; ai && !match; ai = ai->ai_next) {
		char a[NI_MAXHOST];

		if (!getnameinfo(ai->ai_addr, ai->ai_addrlen, a, sizeof(a),
				 NULL, 0, NI_NUMERICHOST) &&
		    !strcmp(a, s->portal_addr))
			match = true;
	}
	freeaddrinfo(res);
	return match;
}

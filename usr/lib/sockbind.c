// SPDX-License-Identifier: LGPL-2.1-or-later
/* Bind a connection to an interface and/or a local address. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sockbind.h"

/* Fill sa from o->source; the port stays 0 (any). */
static int source_addr(const struct kiscsi_opts *o,
		       struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	char tmp[KISCSI_ADDR_MAX], *pct;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, o->source, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		*len = sizeof(*v4);
		return AF_INET;
	}
	snprintf(tmp, sizeof(tmp), "%s", o->source);
	pct = strchr(tmp, '%');
	if (pct)
		*pct++ = '\0';
	if (inet_pton(AF_INET6, tmp, &v6->sin6_addr) != 1)
		return AF_UNSPEC;
	if (pct) {
		v6->sin6_scope_id = if_nametoindex(pct);
		if (!v6->sin6_scope_id)
			return AF_UNSPEC;
	}
	v6->sin6_family = AF_INET6;
	*len = sizeof(*v6);
	return AF_INET6;
}

int kiscsi_source_family(const struct kiscsi_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (!o || !o->source[0])
		return AF_UNSPEC;
	return source_addr(o, &ss, &len);
}

int kiscsi_sock_bind(int fd, int family, const struct kiscsi_opts *o,
		     int *err_out, const char **what)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (!o)
		return 0;
	if (o->iface[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->iface,
		       (socklen_t)strlen(o->iface))) {
		*err_out = errno;
		*what = "interface";
		return -1;
	}
	if (o->source[0]) {
		if (source_addr(o, &ss, &len) != family) {
			*err_out = EAFNOSUPPORT;
			*what = "source address";
			return -1;
		}
		if (bind(fd, (struct sockaddr *)&ss, len)) {
			*err_out = errno;
			*what = "source address";
			return -1;
		}
	}
	return 0;
}

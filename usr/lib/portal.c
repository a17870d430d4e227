// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Portal strings: "host", "host:port", "[v6]", "[v6]:port", and a bare
 * IPv6 address (two or more colons, no port).
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "libkiscsi.h"

static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int host_ok(const char *h, size_t len, bool v6)
{
	size_t i;

	if (len == 0 || len > KISCSI_HOST_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = h[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_')
			continue;
		if (v6 && (c == ':' || c == '%'))
			continue;
		return 0;
	}
	return 1;
}

int kiscsi_portal_parse(const char *str, struct kiscsi_portal *p,
			struct kiscsi_error *err)
{
	const char *host, *rest, *colon;
	size_t hlen;
	bool v6 = false;

	memset(p, 0, sizeof(*p));
	p->port = KISCSI_DEFAULT_PORT;
	if (!str || !*str)
		return kiscsi_err(err, KISCSI_E_INVAL, "empty portal");

	if (str[0] == '[') {
		const char *close = strchr(str, ']');

		if (!close)
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "bad portal '%s': missing ']'", str);
		host = str + 1;
		hlen = (size_t)(close - host);
		rest = close + 1;
		v6 = true;
		if (*rest && *rest != ':')
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "bad portal '%s': junk after ']'",
					  str);
		if (hlen == 0 || !memchr(host, ':', hlen))
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "bad portal '%s': not an IPv6 address in brackets",
					  str);
	} else {
		colon = strchr(str, ':');
		host = str;
		if (colon && strchr(colon + 1, ':')) {
			/* bare IPv6 address, no port possible */
			hlen = strlen(str);
			rest = str + hlen;
			v6 = true;
		} else {
			hlen = colon ? (size_t)(colon - str) : strlen(str);
			rest = str + hlen;
		}
	}
	if (!host_ok(host, hlen, v6))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "bad portal '%s': invalid host", str);
	if (*rest == ':' && parse_port(rest + 1, &p->port))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "bad portal '%s': port must be 1-65535", str);
	memcpy(p->host, host, hlen);
	p->host[hlen] = '\0';
	return 0;
}

void kiscsi_portal_format(const char *host, uint16_t port, char *buf,
			  size_t len)
{
	if (strchr(host, ':'))
		snprintf(buf, len, "[%s]:%u", host, port);
	else
		snprintf(buf, len, "%s:%u", host, port);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * iSCSI root paths (rootpath.h), read field by field as dracut's
 * parse_iscsi_root (modules.d/40network/net-lib.sh) reads them, with
 * every value checked: a port or LUN that is not a number, a protocol
 * other than TCP, an empty target name or a field too long is an error
 * naming the field, never half a result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rootpath.h"

#define FIELDS_MAX	16

/* "a:b::c:" -> "a" "b" "" "c", as the shell's IFS=: splitting does */
static int split(char *s, char **f)
{
	int n = 0;

	if (!*s)
		return 0;
	for (;;) {
		char *c = strchr(s, ':');

		if (n == FIELDS_MAX)
			return -1;
		f[n++] = s;
		if (!c)
			return n;
		*c = '\0';
		s = c + 1;
		if (!*s)
			return n;	/* a trailing ':' ends the last field */
	}
}

static int copy(char *dst, size_t size, const char *src, const char *what,
		struct kiscsi_error *err)
{
	if (strlen(src) >= size)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "iSCSI root path: %s longer than %zu bytes",
				  what, size - 1);
	strcpy(dst, src);
	return 0;
}

static bool is_uint(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* user:pass[:ruser:rpass], as dracut takes it: at most 4 fields */
static int parse_auth(char *a, struct kiscsi_root_path *r,
		      struct kiscsi_error *err)
{
	char *f[FIELDS_MAX];
	int n = split(a, f);

	if (n < 0 || n > 4)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "iSCSI root path: more than four credential fields before '@' (user:password[:user_in:password_in])");
	if ((n > 0 && copy(r->username, sizeof(r->username), f[0],
			   "username", err)) ||
	    (n > 1 && copy(r->password, sizeof(r->password), f[1],
			   "password", err)) ||
	    (n > 2 && copy(r->username_in, sizeof(r->username_in), f[2],
			   "reverse username", err)) ||
	    (n > 3 && copy(r->password_in, sizeof(r->password_in), f[3],
			   "reverse password", err)))
		return -KISCSI_E_INVAL;
	return 0;
}

/* ":iqn." ":eui." ":naa.": the target name starts after the last one */
static char *known_target(char *v)
{
	static const char *const kinds[] = { ":iqn.", ":eui.", ":naa." };
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char *p = strstr(v, kinds[i]), *last = NULL;

		while (p) {
			last = p;
			p = strstr(p + 1, kinds[i]);
		}
		if (last)
			return last;
	}
	return NULL;
}

static int parse_rest(char *v, char *known, struct kiscsi_root_path *r,
		      struct kiscsi_error *err)
{
	char *f[FIELDS_MAX], *lun = "", *protocol, *port;
	char target[KISCSI_NAME_MAX + 2] = "";
	int n, i = 0;

	if (known) {
		if (copy(target, sizeof(target), known + 1, "target name", err))
			return -KISCSI_E_INVAL;
		known[1] = '\0';	/* v keeps its ':' before the name */
	}
	n = split(v, f);
	if (n < 2)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "iSCSI root path: expected [server]:[protocol]:[port]:...:[LUN]:target, found too few fields");
	protocol = f[i++];
	port = f[i++];
	n -= 2;
	if (known) {
		if (n == 3) {
			if (copy(r->iface, sizeof(r->iface), f[i++],
				 "iface name", err))
				return -KISCSI_E_INVAL;
			n--;
		}
		if (n == 2) {
			if (copy(r->netdev, sizeof(r->netdev), f[i++],
				 "network device", err))
				return -KISCSI_E_INVAL;
			n--;
		}
		if (n != 1)
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "iSCSI root path: %d fields between the port and the target name, expected [iface:netdev:]LUN",
					  n);
		lun = f[i];
	} else {
		if (n > 3 && (*f[i] || *f[i + 1]) &&
		    (!*f[i + 2] || is_uint(f[i + 2]))) {
			if (copy(r->iface, sizeof(r->iface), f[i],
				 "iface name", err) ||
			    copy(r->netdev, sizeof(r->netdev), f[i + 1],
				 "network device", err))
				return -KISCSI_E_INVAL;
			i += 2;
			n -= 2;
		}
		if (n > 0) {
			lun = f[i++];
			n--;
		}
		/* the name is what is left, its colons put back */
		while (n-- > 0) {
			if (strlen(target) + strlen(f[i]) + 2 > sizeof(target))
				return kiscsi_err(err, KISCSI_E_INVAL,
						  "iSCSI root path: target name longer than %d bytes",
						  KISCSI_NAME_MAX);
			if (*target)
				strcat(target, ":");
			strcat(target, f[i++]);
		}
	}

	if (*protocol && strcmp(protocol, "6"))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "iSCSI root path: protocol '%s': only 6 (TCP), or empty",
				  protocol);
	r->port = KISCSI_DEFAULT_PORT;
	if (*port) {
		unsigned long p = is_uint(port) ? strtoul(port, NULL, 10) : 0;

		if (!p || p > 65535 || strlen(port) > 5)
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "iSCSI root path: port '%s' is not a number 1-65535",
					  port);
		r->port = (uint16_t)p;
	}
	if (*lun) {
		if (!is_uint(lun) || strlen(lun) > 19)
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "iSCSI root path: LUN '%s' is not a decimal number",
					  lun);
		r->lun = strtoull(lun, NULL, 10);
	}
	if (!*target)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "iSCSI root path: no target name");
	return copy(r->target, sizeof(r->target), target, "target name", err);
}

int kiscsi_root_path_parse(const char *s, struct kiscsi_root_path *r,
			   struct kiscsi_error *err)
{
	struct kiscsi_root_path out = { 0 };
	char *buf, *v, *at;
	int ret;

	if (strncmp(s, "iscsi:", 6))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "iSCSI root path '%.40s' does not start with 'iscsi:'",
				  s);
	buf = strdup(s + 6);
	if (!buf)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	v = buf;

	/* credentials: an '@' with at least four ':' after it */
	at = strchr(v, '@');
	if (at) {
		int colons = 0;
		char *c;

		for (c = at; *c; c++)
			colons += *c == ':';
		if (colons >= 4) {
			*at = '\0';
			ret = *v ? parse_auth(v, &out, err) : 0;
			if (ret)
				goto out;
			v = at + 1;
		}
	}

	/* the server: [IPv6] or up to the first ':' */
	if (*v == '[' && strstr(v, "]:")) {
		char *close = strchr(v, ']');

		if (close[1] != ':') {
			ret = kiscsi_err(err, KISCSI_E_INVAL,
					 "iSCSI root path: ']' of the server address not followed by ':'");
			goto out;
		}
		*close = '\0';
		ret = copy(out.server, sizeof(out.server), v + 1, "server", err);
		v = close + 2;
	} else if (*v == '[') {
		ret = kiscsi_err(err, KISCSI_E_INVAL,
				 "iSCSI root path: a bracketed server address must be followed by ':' ([2001:db8::1]:...)");
		goto out;
	} else {
		char *c = strchr(v, ':');

		if (!c) {
			ret = kiscsi_err(err, KISCSI_E_INVAL,
					 "iSCSI root path: expected [server]:[protocol]:[port]:...:[LUN]:target");
			goto out;
		}
		*c = '\0';
		ret = copy(out.server, sizeof(out.server), v, "server", err);
		v = c + 1;
	}
	if (!ret)
		ret = parse_rest(v, known_target(v), &out, err);
out:
	if (!ret)
		*r = out;
	explicit_bzero(&out, sizeof(out));
	explicit_bzero(buf, strlen(s + 6));
	free(buf);
	return ret;
}

int kiscsi_root_path_format(const struct kiscsi_root_path *r,
			    bool with_secrets, char *buf, size_t len)
{
	char auth[4 * (KISCSI_CHAP_SECRET_MAX + 1) + 2] = "";
	char server[KISCSI_HOST_MAX + 3], lun[24];
	int n;

	if (with_secrets && r->username[0]) {
		snprintf(auth, sizeof(auth), "%s:%s%s%s%s%s@", r->username,
			 r->password, r->username_in[0] ? ":" : "",
			 r->username_in, r->username_in[0] ? ":" : "",
			 r->password_in);
	} else if (strchr(r->target, '@')) {
		/* an empty one, so the name's '@' is not taken for it */
		strcpy(auth, "@");
	}
	snprintf(server, sizeof(server), strchr(r->server, ':') ? "[%s]" : "%s",
		 r->server);
	snprintf(lun, sizeof(lun), "%llu", (unsigned long long)r->lun);
	if (r->iface[0] || r->netdev[0])
		n = snprintf(buf, len, "iscsi:%s%s::%u:%s:%s:%s:%s", auth,
			     server, r->port, r->iface, r->netdev, lun,
			     r->target);
	else
		n = snprintf(buf, len, "iscsi:%s%s::%u:%s:%s", auth, server,
			     r->port, lun, r->target);
	explicit_bzero(auth, sizeof(auth));
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Node records and their secrets files as text: key=value lines. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "identity.h"
#include "node.h"

void kiscsi_node_init(struct kiscsi_node *n, const char *target,
		      const struct kiscsi_portal *p)
{
	memset(n, 0, sizeof(*n));
	if (target)
		snprintf(n->target, sizeof(n->target), "%s", target);
	if (p)
		n->portal = *p;
	n->tpgt = -1;
	n->startup = KISCSI_STARTUP_MANUAL;
}

bool kiscsi_node_has_secrets(const struct kiscsi_node *n)
{
	return n->username[0] || n->password[0] || n->username_in[0] ||
	       n->password_in[0];
}

const char *kiscsi_startup_name(int startup)
{
	return startup == KISCSI_STARTUP_AUTOMATIC ? "automatic" : "manual";
}

int kiscsi_startup_parse(const char *s)
{
	if (!strcmp(s, "automatic"))
		return KISCSI_STARTUP_AUTOMATIC;
	if (!strcmp(s, "manual"))
		return KISCSI_STARTUP_MANUAL;
	return -1;
}

/*
 * Split text into lines and hand each key=value to fn; blank lines and
 * lines starting with '#' are skipped.  trim: strip blanks around the
 * value too (records); secrets keep their value byte for byte.
 */
typedef int (*kv_fn)(const char *key, const char *value, int line,
		     const char *where, void *arg, struct kiscsi_error *err);

static int each_line(const char *text, const char *where, bool trim,
		     kv_fn fn, void *arg, struct kiscsi_error *err)
{
	char buf[KISCSI_NODE_LINE_MAX + 2];
	const char *p = text;
	int line = 0, r;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *key, *val, *eq, *e;

		line++;
		if (len > KISCSI_NODE_LINE_MAX)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "%s line %d: longer than %d bytes",
					  where, line, KISCSI_NODE_LINE_MAX);
		memcpy(buf, p, len);
		buf[len] = '\0';
		p = nl ? nl + 1 : p + len;
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
		key = buf;
		while (*key == ' ' || *key == '\t')
			key++;
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "%s line %d: expected key=value, found '%.40s'",
					  where, line, key);
		*eq = '\0';
		val = eq + 1;
		for (e = eq; e > key && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (trim) {
			while (*val == ' ' || *val == '\t')
				val++;
			for (e = val + strlen(val);
			     e > val && isspace((unsigned char)e[-1]);)
				*--e = '\0';
		}
		if (!*key)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "%s line %d: empty key", where, line);
		r = fn(key, val, line, where, arg, err);
		if (r)
			return r;
	}
	return 0;
}

/* Record keys besides the settings, each at most once. */
enum { RK_TARGET, RK_PORTAL, RK_TPGT, RK_STARTUP, RK_N };
static const char *const record_keys[RK_N] = {
	"target", "portal", "tpgt", "startup",
};

struct record_parse {
	struct kiscsi_node *n;
	uint32_t record, settings;	/* keys seen */
};

static int bad(struct kiscsi_error *err, const char *where, int line,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int bad(struct kiscsi_error *err, const char *where, int line,
	       const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kiscsi_err(err, KISCSI_E_GENERIC, "%s line %d: %s", where,
			  line, msg);
}

static int record_kv(const char *key, const char *val, int line,
		     const char *where, void *arg, struct kiscsi_error *err)
{
	struct record_parse *rp = arg;
	struct kiscsi_node *n = rp->n;
	char why[300];
	int i, id;

	for (i = 0; i < RK_N; i++)
		if (!strcmp(key, record_keys[i]))
			break;
	if (i < RK_N) {
		if (rp->record & (1u << i))
			return bad(err, where, line, "'%s' given twice", key);
		rp->record |= 1u << i;
	}
	switch (i) {
	case RK_TARGET:
		if (!kiscsi_name_valid(val))
			return bad(err, where, line,
				   "target '%.60s' is not an iSCSI name (iqn., eui. or naa.)",
				   val);
		snprintf(n->target, sizeof(n->target), "%s", val);
		return 0;
	case RK_PORTAL: {
		struct kiscsi_error e;

		if (kiscsi_portal_parse(val, &n->portal, &e))
			return bad(err, where, line, "%s", e.msg);
		return 0;
	}
	case RK_TPGT: {
		char *end;
		long v = strtol(val, &end, 10);

		if (!isdigit((unsigned char)*val) || *end || v > 65535)
			return bad(err, where, line,
				   "tpgt must be 0-65535, not '%.20s'", val);
		n->tpgt = (int32_t)v;
		return 0;
	}
	case RK_STARTUP:
		n->startup = kiscsi_startup_parse(val);
		if (n->startup < 0)
			return bad(err, where, line,
				   "startup must be automatic or manual, not '%.20s'",
				   val);
		return 0;
	}
	id = kiscsi_setting_by_key(key);
	if (id < 0)
		return bad(err, where, line, "unknown key '%.40s'", key);
	if (rp->settings & (1u << id))
		return bad(err, where, line, "'%s' given twice", key);
	rp->settings |= 1u << id;
	if (kiscsi_setting_parse(&n->settings, id, val, why, sizeof(why)))
		return bad(err, where, line, "%s", why);
	return 0;
}

int kiscsi_node_parse(const char *text, const char *where,
		      struct kiscsi_node *n, struct kiscsi_error *err)
{
	struct record_parse seen = { .n = n };
	int r;

	kiscsi_node_init(n, NULL, NULL);
	r = each_line(text, where, true, record_kv, &seen, err);
	if (r)
		return r;
	if (!(seen.record & (1u << RK_TARGET)))
		return kiscsi_err(err, KISCSI_E_GENERIC, "%s: no target= line",
				  where);
	if (!(seen.record & (1u << RK_PORTAL)))
		return kiscsi_err(err, KISCSI_E_GENERIC, "%s: no portal= line",
				  where);
	return 0;
}

int kiscsi_node_format(const struct kiscsi_node *n, char *buf, size_t len)
{
	char portal[KISCSI_HOST_MAX + 16], v[KISCSI_ADDR_MAX + 16];
	size_t off;
	int i, w;

	kiscsi_portal_format(n->portal.host, n->portal.port, portal,
			     sizeof(portal));
	w = snprintf(buf, len,
		     "# kiscsi node record, see kiscsi(8); secrets, if any, are in the .secrets file\n"
		     "target=%s\nportal=%s\n", n->target, portal);
	if (w < 0 || (size_t)w >= len)
		return -1;
	off = (size_t)w;
	if (n->tpgt >= 0) {
		w = snprintf(buf + off, len - off, "tpgt=%d\n", (int)n->tpgt);
		if (w < 0 || (size_t)w >= len - off)
			return -1;
		off += (size_t)w;
	}
	w = snprintf(buf + off, len - off, "startup=%s\n",
		     kiscsi_startup_name(n->startup));
	if (w < 0 || (size_t)w >= len - off)
		return -1;
	off += (size_t)w;
	for (i = 0; i < KS_NSETTINGS; i++) {
		if (!kiscsi_setting_is_set(&n->settings, i))
			continue;
		kiscsi_setting_format(&n->settings, i, v, sizeof(v));
		w = snprintf(buf + off, len - off, "%s=%s\n",
			     kiscsi_setting_defs[i].key, v);
		if (w < 0 || (size_t)w >= len - off)
			return -1;
		off += (size_t)w;
	}
	return (int)off;
}

/* ---- secrets ---- */

struct secret_field {
	const char *key;
	size_t off;
};

static const struct secret_field secret_fields[] = {
	{ "username", offsetof(struct kiscsi_node, username) },
	{ "password", offsetof(struct kiscsi_node, password) },
	{ "username_in", offsetof(struct kiscsi_node, username_in) },
	{ "password_in", offsetof(struct kiscsi_node, password_in) },
};
#define NSECRETS (sizeof(secret_fields) / sizeof(secret_fields[0]))

static int secret_kv(const char *key, const char *val, int line,
		     const char *where, void *arg, struct kiscsi_error *err)
{
	struct kiscsi_node *n = arg;
	size_t i;

	for (i = 0; i < NSECRETS; i++) {
		char *dst = (char *)n + secret_fields[i].off;

		if (strcmp(key, secret_fields[i].key))
			continue;
		if (dst[0])
			return bad(err, where, line, "'%s' given twice", key);
		/* never echo a secret: only its length */
		if (!val[0] || strlen(val) > KISCSI_SECRET_MAX)
			return bad(err, where, line,
				   "%s must be 1-%d bytes (has %zu)", key,
				   KISCSI_SECRET_MAX, strlen(val));
		snprintf(dst, KISCSI_SECRET_MAX + 1, "%s", val);
		return 0;
	}
	return bad(err, where, line, "unknown key '%.40s'", key);
}

int kiscsi_node_secrets_parse(const char *text, const char *where,
			      struct kiscsi_node *n, struct kiscsi_error *err)
{
	size_t i;

	for (i = 0; i < NSECRETS; i++)
		((char *)n + secret_fields[i].off)[0] = '\0';
	return each_line(text, where, false, secret_kv, n, err);
}

int kiscsi_node_secrets_format(const struct kiscsi_node *n, char *buf,
			       size_t len)
{
	size_t off = 0, i;
	int w;

	w = snprintf(buf, len, "# kiscsi node secrets (CHAP); keep mode 0600\n");
	if (w < 0 || (size_t)w >= len)
		return -1;
	off = (size_t)w;
	for (i = 0; i < NSECRETS; i++) {
		const char *v = (const char *)n + secret_fields[i].off;

		if (!v[0])
			continue;
		if (strpbrk(v, "\r\n"))
			return -1;
		w = snprintf(buf + off, len - off, "%s=%s\n",
			     secret_fields[i].key, v);
		if (w < 0 || (size_t)w >= len - off)
			return -1;
		off += (size_t)w;
	}
	return (int)off;
}

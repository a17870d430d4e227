// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What a relogin needs, kept from the login: <run dir>/sessions/<id>, one
 * key=value line each, root-only (0600 in a 0700 directory) since it holds
 * the CHAP secrets, hex-encoded so any byte survives.  Written by
 * kiscsi_session_login() once the kernel has the session, removed when it
 * is logged out.  Under /run: gone at reboot with the sessions it names,
 * and kept across an initramfs's switch_root.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chap.h"
#include "error.h"
#include "identity.h"
#include "node.h"
#include "session_record.h"

#define RECORD_MAX	8192

static void sessions_dir(char *buf, size_t len)
{
	snprintf(buf, len, "%s/sessions", kiscsi_run_dir());
}

static int put(char *buf, size_t len, size_t *off, const char *key,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int put(char *buf, size_t len, size_t *off, const char *key,
	       const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(buf + *off, len - *off, "%s=", key);
	if (n < 0 || (size_t)n >= len - *off)
		return -1;
	*off += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 >= len - *off)
		return -1;
	*off += (size_t)n;
	buf[(*off)++] = '\n';
	buf[*off] = '\0';
	return 0;
}

/* CHAP names and secrets: hex, so no byte of theirs can end a line */
static int put_hex(char *buf, size_t len, size_t *off, const char *key,
		   const char *secret)
{
	char hex[2 * KISCSI_CHAP_SECRET_MAX + 3];

	if (!*secret)
		return 0;
	if (kiscsi_binary_encode_hex((const uint8_t *)secret, strlen(secret),
				     hex, sizeof(hex)))
		return -1;
	return put(buf, len, off, key, "%s", hex);
}

static int record_format(const struct kiscsi_session_record *r, char *buf,
			 size_t len)
{
	const struct kiscsi_opts *o = &r->opts;
	const struct kiscsi_chap_auth *c = &o->chap;
	char algs[32] = "";
	size_t off = 0, i;
	int bad = 0;

	for (i = 0; i < c->nalgs && i < KISCSI_CHAP_NALGS; i++)
		snprintf(algs + strlen(algs), sizeof(algs) - strlen(algs),
			 "%s%u", i ? "," : "", c->algs[i]);
	buf[0] = '\0';
	bad |= put(buf, len, &off, "session", "%u", r->session_id);
	bad |= put(buf, len, &off, "target", "%s", r->target);
	bad |= put(buf, len, &off, "portal_host", "%s", r->portal.host);
	bad |= put(buf, len, &off, "portal_port", "%u", r->portal.port);
	bad |= put(buf, len, &off, "initiator", "%s", r->id.name);
	bad |= put(buf, len, &off, "isid", "%02x%02x%02x%02x%02x%02x",
		   r->id.isid[0], r->id.isid[1], r->id.isid[2], r->id.isid[3],
		   r->id.isid[4], r->id.isid[5]);
	bad |= put(buf, len, &off, "connect_timeout_ms", "%d",
		   o->connect_timeout_ms);
	bad |= put(buf, len, &off, "login_timeout_ms", "%d",
		   o->login_timeout_ms);
	bad |= put(buf, len, &off, "queue_depth", "%u", o->queue_depth);
	bad |= put(buf, len, &off, "recovery_tmo", "%u", o->recovery_tmo);
	bad |= put(buf, len, &off, "nop_interval", "%u", o->nop_interval);
	bad |= put(buf, len, &off, "nop_timeout", "%u", o->nop_timeout);
	bad |= put(buf, len, &off, "header_digest", "%u", o->header_digest);
	bad |= put(buf, len, &off, "data_digest", "%u", o->data_digest);
	bad |= put(buf, len, &off, "tmf_timeout", "%u", o->tmf_timeout);
	bad |= put(buf, len, &off, "max_redirects", "%d", o->max_redirects);
	bad |= put(buf, len, &off, "scsi_timeout", "%u", o->scsi_timeout);
	bad |= put(buf, len, &off, "iface", "%s", o->iface);
	bad |= put(buf, len, &off, "source", "%s", o->source);
	bad |= put(buf, len, &off, "chap_algs", "%s", algs);
	bad |= put_hex(buf, len, &off, "username", c->username);
	bad |= put_hex(buf, len, &off, "password", c->password);
	bad |= put_hex(buf, len, &off, "username_in", c->username_in);
	bad |= put_hex(buf, len, &off, "password_in", c->password_in);
	return bad ? -1 : 0;
}

static int get_uint(const char *v, unsigned long max, uint32_t *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || n > max)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static int get_int(const char *v, int *out)
{
	uint32_t n;

	if (get_uint(v, 0x7fffffff, &n))
		return -1;
	*out = (int)n;
	return 0;
}

static int get_str(const char *v, char *out, size_t len)
{
	if (strlen(v) >= len)
		return -1;
	strcpy(out, v);
	return 0;
}

static int get_hex(const char *v, char *out, size_t cap)
{
	size_t n;

	if (kiscsi_binary_decode(v, (uint8_t *)out, cap - 1, &n) ||
	    memchr(out, '\0', n))
		return -1;
	out[n] = '\0';
	return 0;
}

static int get_algs(const char *v, struct kiscsi_chap_auth *c)
{
	c->nalgs = 0;
	while (*v) {
		char *end;
		unsigned long a = strtoul(v, &end, 10);

		if (end == v || a > 255 || c->nalgs == KISCSI_CHAP_NALGS)
			return -1;
		c->algs[c->nalgs++] = (uint8_t)a;
		v = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return 0;
}

static int record_kv(struct kiscsi_session_record *r, const char *k,
		     const char *v)
{
	struct kiscsi_opts *o = &r->opts;
	struct kiscsi_chap_auth *c = &o->chap;
	uint32_t n;

	if (!strcmp(k, "session"))
		return get_uint(v, UINT32_MAX, &r->session_id);
	if (!strcmp(k, "target"))
		return get_str(v, r->target, sizeof(r->target));
	if (!strcmp(k, "portal_host"))
		return get_str(v, r->portal.host, sizeof(r->portal.host));
	if (!strcmp(k, "portal_port")) {
		if (get_uint(v, 65535, &n))
			return -1;
		r->portal.port = (uint16_t)n;
		return 0;
	}
	if (!strcmp(k, "initiator"))
		return get_str(v, r->id.name, sizeof(r->id.name));
	if (!strcmp(k, "isid"))
		return kiscsi_isid_parse(v, r->id.isid);
	if (!strcmp(k, "connect_timeout_ms"))
		return get_int(v, &o->connect_timeout_ms);
	if (!strcmp(k, "login_timeout_ms"))
		return get_int(v, &o->login_timeout_ms);
	if (!strcmp(k, "queue_depth"))
		return get_uint(v, UINT32_MAX, &o->queue_depth);
	if (!strcmp(k, "recovery_tmo"))
		return get_uint(v, UINT32_MAX, &o->recovery_tmo);
	if (!strcmp(k, "nop_interval"))
		return get_uint(v, UINT32_MAX, &o->nop_interval);
	if (!strcmp(k, "nop_timeout"))
		return get_uint(v, UINT32_MAX, &o->nop_timeout);
	if (!strcmp(k, "header_digest") || !strcmp(k, "data_digest")) {
		if (get_uint(v, 1, &n))
			return -1;
		*(k[0] == 'h' ? &o->header_digest : &o->data_digest) =
			(uint8_t)n;
		return 0;
	}
	if (!strcmp(k, "tmf_timeout"))
		return get_uint(v, UINT32_MAX, &o->tmf_timeout);
	if (!strcmp(k, "max_redirects"))
		return get_int(v, &o->max_redirects);
	if (!strcmp(k, "scsi_timeout"))
		return get_uint(v, UINT32_MAX, &o->scsi_timeout);
	if (!strcmp(k, "iface"))
		return get_str(v, o->iface, sizeof(o->iface));
	if (!strcmp(k, "source"))
		return get_str(v, o->source, sizeof(o->source));
	if (!strcmp(k, "chap_algs"))
		return get_algs(v, c);
	if (!strcmp(k, "username"))
		return get_hex(v, c->username, sizeof(c->username));
	if (!strcmp(k, "password"))
		return get_hex(v, c->password, sizeof(c->password));
	if (!strcmp(k, "username_in"))
		return get_hex(v, c->username_in, sizeof(c->username_in));
	if (!strcmp(k, "password_in"))
		return get_hex(v, c->password_in, sizeof(c->password_in));
	return 0;	/* a newer kiscsi's key: ignored */
}

int kiscsi_session_record_parse(const char *text, const char *where,
				struct kiscsi_session_record *r,
				struct kiscsi_error *err)
{
	const char *p = text;
	int line = 0;

	memset(r, 0, sizeof(*r));
	kiscsi_opts_init(&r->opts);
	while (*p) {
		char buf[KISCSI_NODE_LINE_MAX + 1], *eq;
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		line++;
		if (len >= sizeof(buf))
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "%s line %d: too long", where, line);
		memcpy(buf, p, len);
		buf[len] = '\0';
		p = nl ? nl + 1 : p + len;
		eq = strchr(buf, '=');
		if (!eq || eq == buf)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "%s line %d: expected key=value",
					  where, line);
		*eq = '\0';
		if (record_kv(r, buf, eq + 1))
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "%s line %d: bad value for %s",
					  where, line, buf);
	}
	if (!r->session_id || !r->target[0] || !r->portal.host[0] ||
	    !r->portal.port || !r->id.name[0])
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "%s: incomplete session record", where);
	return 0;
}

int kiscsi_session_record_save(const struct kiscsi_session_record *r,
			       struct kiscsi_error *err)
{
	char dir[4096], name[16], *buf;
	int ret;

	sessions_dir(dir, sizeof(dir));
	if (kiscsi_mkdir_p(dir) || chmod(dir, 0700))
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot create %s: %s",
				  dir, strerror(errno));
	buf = malloc(RECORD_MAX);
	if (!buf)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	snprintf(name, sizeof(name), "%u", r->session_id);
	if (record_format(r, buf, RECORD_MAX))
		ret = kiscsi_err(err, KISCSI_E_GENERIC,
				 "session %u: record too long", r->session_id);
	else
		ret = kiscsi_write_atomic(dir, name, buf, strlen(buf), 0600,
					  err);
	explicit_bzero(buf, RECORD_MAX);
	free(buf);
	return ret;
}

int kiscsi_session_record_load(uint32_t session_id,
			       struct kiscsi_session_record *r,
			       struct kiscsi_error *err)
{
	char dir[4096], path[4200], *buf;
	ssize_t n;
	int fd, ret;

	sessions_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%u", dir, session_id);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return kiscsi_err(err, errno == ENOENT ? KISCSI_E_NOSESSION :
				  KISCSI_E_GENERIC, "%s: %s", path,
				  strerror(errno));
	buf = malloc(RECORD_MAX);
	if (!buf) {
		close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	}
	n = read(fd, buf, RECORD_MAX - 1);
	close(fd);
	if (n < 0) {
		ret = kiscsi_err(err, KISCSI_E_GENERIC, "%s: %s", path,
				 strerror(errno));
	} else {
		buf[n] = '\0';
		ret = kiscsi_session_record_parse(buf, path, r, err);
		if (!ret && r->session_id != session_id)
			ret = kiscsi_err(err, KISCSI_E_GENERIC,
					 "%s: names session %u", path,
					 r->session_id);
	}
	explicit_bzero(buf, RECORD_MAX);
	free(buf);
	return ret;
}

void kiscsi_session_record_remove(uint32_t session_id)
{
	char dir[4096], path[4200];

	sessions_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%u", dir, session_id);
	unlink(path);
}

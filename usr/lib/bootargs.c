// SPDX-License-Identifier: LGPL-2.1-or-later
/* The dracut command line for the iSCSI disks under a device or a mount. */
#include <arpa/inet.h>
#include <blkid/blkid.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "blockstack.h"
#include "bootargs.h"
#include "error.h"
#include "netconf.h"
#include "node.h"
#include "rootpath.h"
#include "session.h"

struct compose {
	struct kiscsi_bootargs *out;
	bool with_secrets, firmware;
	char initiator[KISCSI_NAME_MAX + 1];
	char netroots[KISCSI_BOOTARGS_MAX];
	char ips[1024];
	char netdevs[8][IF_NAMESIZE];
	size_t nnetdevs;
};

/* append " fmt" to buf; -1 when it does not fit */
static int add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;
	int n;

	if (used && used + 1 < len)
		buf[used++] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len - used ? -1 : 0;
}

static int too_long(struct kiscsi_error *err)
{
	return kiscsi_err(err, KISCSI_E_GENERIC,
			  "the command line would be longer than %d bytes",
			  KISCSI_BOOTARGS_MAX);
}

/* ip= for the interface a session's connection leaves from */
static int add_ip(struct compose *c, const struct kiscsi_session_info *s,
		  struct kiscsi_error *err)
{
	struct kiscsi_netconf_addr a;
	bool v6 = strchr(s->local_addr, ':');
	char mask[INET_ADDRSTRLEN] = "";
	size_t i;
	int r;

	r = kiscsi_netconf_of_addr(s->local_addr, &a, err);
	if (r)
		return r;
	if (a.loopback)		/* a target on this machine: no network */
		return 0;
	for (i = 0; i < c->nnetdevs; i++)
		if (!strcmp(c->netdevs[i], a.ifname))
			return 0;
	if (c->nnetdevs == sizeof(c->netdevs) / sizeof(c->netdevs[0]))
		return too_long(err);
	snprintf(c->netdevs[c->nnetdevs++], IF_NAMESIZE, "%s", a.ifname);
	if (a.dynamic)
		r = add(c->ips, sizeof(c->ips), "ip=%s:%s", a.ifname,
			v6 ? "dhcp6" : "dhcp");
	else if (v6)
		r = add(c->ips, sizeof(c->ips), "ip=[%s]::%s%s%s:%u::%s:none",
			s->local_addr, a.gateway[0] ? "[" : "", a.gateway,
			a.gateway[0] ? "]" : "", a.prefix_len, a.ifname);
	else {
		struct in_addr m = {
			htonl(a.prefix_len ? ~0U << (32 - a.prefix_len) : 0)
		};

		inet_ntop(AF_INET, &m, mask, sizeof(mask));
		r = add(c->ips, sizeof(c->ips), "ip=%s::%s:%s::%s:none",
			s->local_addr, a.gateway, mask, a.ifname);
	}
	return r ? too_long(err) : 0;
}

/* the session's CHAP into its node record's secrets file (0600) */
static int keep_secrets(struct compose *c, const struct kiscsi_session_info *s,
			const struct kiscsi_session_record *rec,
			struct kiscsi_error *err)
{
	const struct kiscsi_chap_auth *a = &rec->opts.chap;
	struct kiscsi_settings bind = { 0 };
	struct kiscsi_portal p = { .port = s->portal_port };
	struct kiscsi_bootargs *o = c->out;
	char why[128], dir[200], name[256];
	struct kiscsi_node *n = calloc(1, sizeof(*n));
	int r;

	if (!n)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	snprintf(p.host, sizeof(p.host), "%s", s->portal_addr);
	if (rec->opts.iface[0])
		kiscsi_setting_parse(&bind, kiscsi_setting_by_key("iface"),
				     rec->opts.iface, why, sizeof(why));
	if (rec->opts.source[0])
		kiscsi_setting_parse(&bind, kiscsi_setting_by_key("source"),
				     rec->opts.source, why, sizeof(why));
	r = kiscsi_node_load(s->target_name, &p, &bind, n, err);
	if (r == -KISCSI_E_NOSESSION) {
		kiscsi_node_init(n, s->target_name, &p);
		n->tpgt = s->tpgt;
		n->startup = KISCSI_STARTUP_MANUAL;
		n->settings = bind;
		r = 0;
	}
	if (!r) {
		snprintf(n->username, sizeof(n->username), "%s", a->username);
		snprintf(n->password, sizeof(n->password), "%s", a->password);
		snprintf(n->username_in, sizeof(n->username_in), "%s",
			 a->username_in);
		snprintf(n->password_in, sizeof(n->password_in), "%s",
			 a->password_in);
		r = kiscsi_node_save(n, err);
	}
	explicit_bzero(n, sizeof(*n));
	free(n);
	if (r)
		return r;
	kiscsi_nodes_dir(dir, sizeof(dir));
	if (o->nrecords < sizeof(o->records) / sizeof(o->records[0]) &&
	    !kiscsi_node_filename(s->target_name, &p, &bind, ".secrets", name,
				  sizeof(name)))
		snprintf(o->records[o->nrecords++], sizeof(o->records[0]),
			 "%s/%s", dir, name);
	return 0;
}

static int add_disk(struct compose *c, const struct kiscsi_iscsi_disk *d,
		    struct kiscsi_error *err)
{
	struct kiscsi_session_info s;
	struct kiscsi_session_record rec;
	struct kiscsi_root_path rp = { 0 };
	struct kiscsi_error e2;
	char path[2048];
	bool has_rec, chap;
	int r;

	r = kiscsi_session_get(d->session_id, &s, err);
	if (r < 0)
		return r;
	if (!r)		/* logged out meanwhile */
		return kiscsi_err(err, KISCSI_E_NOSESSION,
				  "/dev/%s: its session %u is gone", d->name,
				  d->session_id);
	r = 0;
	if (s.boot.root[0]) {
		c->firmware = true;
		return 0;
	}
	if (!c->initiator[0])
		snprintf(c->initiator, sizeof(c->initiator), "%s",
			 s.initiator_name);
	else if (strcasecmp(c->initiator, s.initiator_name))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "the disks are logged in as two initiators (%s, %s); dracut takes one rd.iscsi.initiator",
				  c->initiator, s.initiator_name);
	has_rec = !kiscsi_session_record_load(d->session_id, &rec, &e2);
	chap = has_rec && rec.opts.chap.username[0];

	snprintf(rp.server, sizeof(rp.server), "%s", s.portal_addr);
	rp.port = s.portal_port;
	rp.lun = d->lun;
	snprintf(rp.target, sizeof(rp.target), "%s", s.target_name);
	if (s.iface_name[0] && strcmp(s.iface_name, "default")) {
		snprintf(rp.iface, sizeof(rp.iface), "%s", s.iface_name);
		snprintf(rp.netdev, sizeof(rp.netdev), "%s", s.iface_name);
	}
	if (chap) {
		const struct kiscsi_chap_auth *a = &rec.opts.chap;

		snprintf(rp.username, sizeof(rp.username), "%s", a->username);
		snprintf(rp.password, sizeof(rp.password), "%s", a->password);
		snprintf(rp.username_in, sizeof(rp.username_in), "%s",
			 a->username_in);
		snprintf(rp.password_in, sizeof(rp.password_in), "%s",
			 a->password_in);
		if (c->with_secrets)
			c->out->secrets_on_line = true;
		else
			r = keep_secrets(c, &s, &rec, err);
	}
	if (!r && (kiscsi_root_path_format(&rp, c->with_secrets, path,
					   sizeof(path)) ||
		   add(c->netroots, sizeof(c->netroots), "netroot=%s", path)))
		r = too_long(err);
	explicit_bzero(&rp, sizeof(rp));
	explicit_bzero(path, sizeof(path));
	if (has_rec)
		kiscsi_chap_auth_clear(&rec.opts.chap);
	return r ? r : add_ip(c, &s, err);
}

static int add_root(struct kiscsi_bootargs *o, const char *device,
		    struct kiscsi_error *err)
{
	char *uuid = blkid_get_tag_value(NULL, "UUID", device);
	int r;

	if (!uuid)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "%s has no filesystem UUID (blkid found none)",
				  device);
	r = add(o->line, sizeof(o->line), "root=UUID=%s", uuid);
	free(uuid);
	return r ? too_long(err) : 0;
}

int kiscsi_bootargs(const char *arg, bool with_secrets,
		    struct kiscsi_bootargs *out, struct kiscsi_error *err)
{
	struct kiscsi_block_stack st;
	struct compose *c;
	size_t i;
	int r;

	memset(out, 0, sizeof(*out));
	r = kiscsi_block_stack(arg, NULL, NULL, &st, err);
	if (r)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	c->out = out;
	c->with_secrets = with_secrets;
	for (i = 0; i < st.n && !r; i++)
		r = add_disk(c, &st.disks[i], err);
	if (!r && st.mounted)
		r = add_root(out, st.device, err);
	if (!r && c->firmware &&
	    add(out->line, sizeof(out->line), "rd.iscsi.firmware=1 rd.iscsi.ibft=1"))
		r = too_long(err);
	if (!r && c->netroots[0] &&
	    add(out->line, sizeof(out->line), "rd.iscsi.initiator=%s %s%s%s rd.neednet=1",
		c->initiator, c->netroots, c->ips[0] ? " " : "", c->ips))
		r = too_long(err);
	explicit_bzero(c, sizeof(*c));
	free(c);
	if (r)
		explicit_bzero(out->line, sizeof(out->line));
	return r;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* A boot NIC brought up over rtnetlink (libmnl): link, VLAN, address, route. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "netconf.h"

#define NETCONF_MAX_LINKS	256

struct link {
	int index, parent;
	char name[IF_NAMESIZE];
	uint8_t mac[6];
	bool has_mac, vlan, up;
	uint16_t vlan_id;
};

struct links {
	struct link l[NETCONF_MAX_LINKS];
	size_t n;
};

struct rtnl {
	struct mnl_socket *nl;
	unsigned int seq, portid;
};

static int rtnl_open(struct rtnl *r, struct kiscsi_error *err)
{
	r->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!r->nl || mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		if (r->nl)
			mnl_socket_close(r->nl);
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "opening a route netlink socket: %s",
				  strerror(e));
	}
	r->portid = mnl_socket_get_portid(r->nl);
	r->seq = (unsigned int)time(NULL);
	return 0;
}

static struct nlmsghdr *rtnl_msg(struct rtnl *r, void *buf, uint16_t type,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++r->seq;
	return nlh;
}

/* Send and read up to the ACK or the dump's end; the errno on failure. */
static int rtnl_talk(struct rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb,
		     void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int ret;

	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return errno;
	do {
		ret = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		if (ret < 0)
			return errno;
		ret = mnl_cb_run(buf, (size_t)ret, nlh->nlmsg_seq, r->portid,
				 cb, data);
	} while (ret > 0);
	return ret < 0 ? errno : 0;
}

static int linkinfo_cb(const struct nlattr *a, void *data)
{
	struct link *l = data;
	const struct nlattr *v;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    !mnl_attr_validate(a, MNL_TYPE_STRING))
		l->vlan = !strcmp(mnl_attr_get_str(a), "vlan");
	if (mnl_attr_get_type(a) == IFLA_INFO_DATA)
		mnl_attr_for_each_nested(v, a)
			if (mnl_attr_get_type(v) == IFLA_VLAN_ID &&
			    !mnl_attr_validate(v, MNL_TYPE_U16))
				l->vlan_id = mnl_attr_get_u16(v);
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct link *l = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (!mnl_attr_validate(a, MNL_TYPE_STRING))
			snprintf(l->name, sizeof(l->name), "%s",
				 mnl_attr_get_str(a));
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(a) == 6) {
			memcpy(l->mac, mnl_attr_get_payload(a), 6);
			l->has_mac = true;
		}
		break;
	case IFLA_LINK:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			l->parent = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(a, linkinfo_cb, l);
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct links *ls = data;
	struct link *l;

	if (ls->n == NETCONF_MAX_LINKS)
		return MNL_CB_OK;
	l = &ls->l[ls->n];
	memset(l, 0, sizeof(*l));
	l->index = ifi->ifi_index;
	l->up = ifi->ifi_flags & IFF_UP;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, l);
	if (l->name[0])
		ls->n++;
	return MNL_CB_OK;
}

static int list_links(struct rtnl *r, struct links *ls,
		      struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(r, buf, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int e;

	ifi->ifi_family = AF_UNSPEC;
	ls->n = 0;
	e = rtnl_talk(r, nlh, link_cb, ls);
	if (e)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "listing network interfaces: %s",
				  strerror(e));
	return 0;
}

/* The interface with the MAC (not a VLAN on it), or NULL. */
static const struct link *base_link(const struct links *ls,
				    const uint8_t mac[6])
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->l[i].has_mac && !ls->l[i].vlan &&
		    !memcmp(ls->l[i].mac, mac, 6))
			return &ls->l[i];
	return NULL;
}

static const struct link *vlan_link(const struct links *ls,
				    const struct link *base, uint16_t id)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->l[i].vlan && ls->l[i].parent == base->index &&
		    ls->l[i].vlan_id == id)
			return &ls->l[i];
	return NULL;
}

static int no_link(const struct kiscsi_netconf *nc, struct kiscsi_error *err)
{
	const uint8_t *m = nc->mac;

	return kiscsi_err(err, KISCSI_E_NOSESSION,
			  "no network interface has MAC %02x:%02x:%02x:%02x:%02x:%02x%s: is its driver loaded?",
			  m[0], m[1], m[2], m[3], m[4], m[5],
			  nc->vlan ? " (VLAN parent)" : "");
}

static int find(struct rtnl *r, const struct kiscsi_netconf *nc,
		struct links *ls, const struct link **base,
		const struct link **dev, struct kiscsi_error *err)
{
	int ret = list_links(r, ls, err);

	if (ret)
		return ret;
	*base = base_link(ls, nc->mac);
	if (!*base)
		return no_link(nc, err);
	*dev = nc->vlan ? vlan_link(ls, *base, nc->vlan) : *base;
	return 0;
}

typedef int (*links_fn)(struct rtnl *r, const struct kiscsi_netconf *nc,
			struct links *ls, char ifname[IF_NAMESIZE],
			struct kiscsi_error *err);

/* fn with a route netlink socket and room for the links */
static int with_links(links_fn fn, const struct kiscsi_netconf *nc,
		      char ifname[IF_NAMESIZE], struct kiscsi_error *err)
{
	struct links *ls = calloc(1, sizeof(*ls));
	struct rtnl r;
	int ret;

	if (!ls)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	ret = rtnl_open(&r, err);
	if (!ret) {
		ret = fn(&r, nc, ls, ifname, err);
		mnl_socket_close(r.nl);
	}
	free(ls);
	return ret;
}

static int find_up(struct rtnl *r, const struct kiscsi_netconf *nc,
		   struct links *ls, char ifname[IF_NAMESIZE],
		   struct kiscsi_error *err)
{
	const struct link *base, *dev;
	int ret = find(r, nc, ls, &base, &dev, err);

	if (ret)
		return ret;
	if (!dev)
		return kiscsi_err(err, KISCSI_E_NOSESSION,
				  "%s has no VLAN %u link", base->name,
				  nc->vlan);
	if (!dev->up)
		return kiscsi_err(err, KISCSI_E_NOSESSION, "%s is down",
				  dev->name);
	snprintf(ifname, IF_NAMESIZE, "%s", dev->name);
	return 0;
}

int kiscsi_netconf_find(const struct kiscsi_netconf *nc,
			char ifname[IF_NAMESIZE], struct kiscsi_error *err)
{
	return with_links(find_up, nc, ifname, err);
}

static int link_up(struct rtnl *r, int index, const char *name,
		   struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(r, buf, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int e;

	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	e = rtnl_talk(r, nlh, NULL, NULL);
	if (e)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "setting %s up: %s", name, strerror(e));
	return 0;
}

static int vlan_add(struct rtnl *r, const struct link *base, uint16_t id,
		    char name[IF_NAMESIZE], struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(r, buf, RTM_NEWLINK,
					NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info, *data;
	int e;

	/* dracut's and iproute2's name, when it fits */
	if (snprintf(name, IF_NAMESIZE, "%s.%u", base->name, id) >= IF_NAMESIZE)
		snprintf(name, IF_NAMESIZE, "vlan%u", id);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)base->index);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u16(nlh, IFLA_VLAN_ID, id);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	e = rtnl_talk(r, nlh, NULL, NULL);
	if (e)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "adding VLAN %u on %s as %s: %s%s", id,
				  base->name, name, strerror(e),
				  e == EOPNOTSUPP ? " (modprobe 8021q)" : "");
	return 0;
}

/* addr into buf, its family; 0 if it is not numeric */
static int parse_addr(const char *addr, void *buf)
{
	if (inet_pton(AF_INET, addr, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, addr, buf) == 1)
		return AF_INET6;
	return 0;
}

static int addr_add(struct rtnl *r, int index, const char *ifname,
		    const struct kiscsi_netconf *nc, struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(r, buf, RTM_NEWADDR,
					NLM_F_ACK | NLM_F_CREATE |
					NLM_F_REPLACE);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint8_t a[16];
	int family = parse_addr(nc->addr, a), e;

	if (!family)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "firmware address '%s' is not numeric",
				  nc->addr);
	if (nc->prefix_len > (family == AF_INET ? 32 : 128))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "firmware prefix length %u is too long for %s",
				  nc->prefix_len, nc->addr);
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = nc->prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)index;
	mnl_attr_put(nlh, IFA_LOCAL, family == AF_INET ? 4 : 16, a);
	mnl_attr_put(nlh, IFA_ADDRESS, family == AF_INET ? 4 : 16, a);
	e = rtnl_talk(r, nlh, NULL, NULL);
	if (e)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "adding %s/%u to %s: %s", nc->addr,
				  nc->prefix_len, ifname, strerror(e));
	return 0;
}

static int route_add(struct rtnl *r, int index, const char *ifname,
		     const char *gateway, struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(r, buf, RTM_NEWROUTE,
					NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	uint8_t a[16];
	int family = parse_addr(gateway, a), e;

	if (!family)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "firmware gateway '%s' is not numeric",
				  gateway);
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, a);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	e = rtnl_talk(r, nlh, NULL, NULL);
	if (e && e != EEXIST)	/* a default route already there stays */
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "adding a default route via %s on %s: %s",
				  gateway, ifname, strerror(e));
	return 0;
}

static int apply(struct rtnl *r, const struct kiscsi_netconf *nc,
		 struct links *ls, char ifname[IF_NAMESIZE],
		 struct kiscsi_error *err)
{
	const struct link *base, *dev;
	int ret, index;

	ret = find(r, nc, ls, &base, &dev, err);
	if (ret)
		return ret;
	ret = link_up(r, base->index, base->name, err);
	if (ret)
		return ret;
	if (!dev) {
		ret = vlan_add(r, base, nc->vlan, ifname, err);
		if (ret)
			return ret;
		index = (int)if_nametoindex(ifname);
		if (!index)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "VLAN link %s vanished", ifname);
		ret = link_up(r, index, ifname, err);
	} else {
		snprintf(ifname, IF_NAMESIZE, "%s", dev->name);
		index = dev->index;
		if (dev != base)
			ret = link_up(r, index, ifname, err);
	}
	if (!ret && nc->addr[0])
		ret = addr_add(r, index, ifname, nc, err);
	if (!ret && nc->gateway[0])
		ret = route_add(r, index, ifname, nc->gateway, err);
	return ret;
}

int kiscsi_netconf_apply(const struct kiscsi_netconf *nc,
			 char ifname[IF_NAMESIZE], struct kiscsi_error *err)
{
	return with_links(apply, nc, ifname, err);
}

struct addr_query {
	int family;
	uint8_t want[16];
	bool found;
	int index;
	struct kiscsi_netconf_addr *out;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_query *q = data;
	size_t alen = q->family == AF_INET ? 4 : 16;
	const struct nlattr *a;
	bool match = false, finite = false;

	if (q->found || ifa->ifa_family != q->family)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		int type = mnl_attr_get_type(a);

		if ((type == IFA_LOCAL || type == IFA_ADDRESS) &&
		    mnl_attr_get_payload_len(a) == alen &&
		    !memcmp(mnl_attr_get_payload(a), q->want, alen))
			match = true;
		if (type == IFA_CACHEINFO &&
		    mnl_attr_get_payload_len(a) >= sizeof(struct ifa_cacheinfo)) {
			const struct ifa_cacheinfo *ci = mnl_attr_get_payload(a);

			finite = ci->ifa_valid != 0xffffffffU;
		}
	}
	if (match) {
		q->found = true;
		q->index = (int)ifa->ifa_index;
		q->out->prefix_len = ifa->ifa_prefixlen;
		q->out->dynamic = finite;
	}
	return MNL_CB_OK;
}

struct route_query {
	int family, index;
	char *gateway;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_query *q = data;
	const struct nlattr *a;
	const void *gw = NULL;
	int oif = 0;

	if (rtm->rtm_family != q->family || rtm->rtm_dst_len ||
	    rtm->rtm_table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST ||
	    q->gateway[0])
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_GATEWAY)
			gw = mnl_attr_get_payload(a);
		if (mnl_attr_get_type(a) == RTA_OIF &&
		    !mnl_attr_validate(a, MNL_TYPE_U32))
			oif = (int)mnl_attr_get_u32(a);
	}
	if (gw && oif == q->index)
		inet_ntop(q->family, gw, q->gateway, KISCSI_ADDR_MAX);
	return MNL_CB_OK;
}

static int dump(struct rtnl *r, uint16_t type, int family, mnl_cb_t cb,
		void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(r, buf, type, NLM_F_DUMP);
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->rtgen_family = (uint8_t)family;
	return rtnl_talk(r, nlh, cb, data);
}

int kiscsi_netconf_of_addr(const char *addr, struct kiscsi_netconf_addr *a,
			   struct kiscsi_error *err)
{
	struct addr_query q = { .out = a };
	struct route_query rq;
	struct rtnl r;
	int e, ret;

	memset(a, 0, sizeof(*a));
	q.family = parse_addr(addr, q.want);
	if (!q.family)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "'%s' is not a numeric address", addr);
	ret = rtnl_open(&r, err);
	if (ret)
		return ret;
	e = dump(&r, RTM_GETADDR, q.family, addr_cb, &q);
	if (!e && q.found) {
		rq = (struct route_query){ q.family, q.index, a->gateway };
		e = dump(&r, RTM_GETROUTE, q.family, route_cb, &rq);
	}
	mnl_socket_close(r.nl);
	if (e)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "reading the addresses and routes: %s",
				  strerror(e));
	if (!q.found || !if_indextoname((unsigned int)q.index, a->ifname))
		return kiscsi_err(err, KISCSI_E_NOSESSION,
				  "no interface has the address %s", addr);
	a->loopback = !strcmp(a->ifname, "lo");
	return 0;
}

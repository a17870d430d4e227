// SPDX-License-Identifier: LGPL-2.1-or-later
/* Generic netlink client for the "kiscsi" family, on libmnl. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/kiscsi.h>
#include <linux/netlink.h>

#include "error.h"
#include "netlink.h"

#define NL_BUF_SIZE	(64 * 1024)

struct talk {
	mnl_cb_t cb;
	void *data;
	int error;		/* positive errno from NLMSG_ERROR */
	char extack[256];
};

static int extack_attr_cb(const struct nlattr *a, void *data)
{
	struct talk *t = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(t->extack, sizeof(t->extack), "%s",
			 mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct talk *t = data;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		t->error = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;	/* the ACK */
	t->error = -e->error;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			mnl_attr_parse(nlh, off, extack_attr_cb, t);
	}
	return MNL_CB_ERROR;
}

/* The end of a dump; its payload is the dump's error code, if any. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int code = 0;

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(code)))
		memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
	if (code < 0) {
		t->error = -code;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

int kiscsi_nl_talk(struct kiscsi_nl *n, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data, const char *what, struct kiscsi_error *err)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct talk t = { .cb = cb, .data = data };
	char *buf;
	int ret;

	if (mnl_socket_sendto(n->sock, nlh, nlh->nlmsg_len) < 0)
		return kiscsi_err(err, KISCSI_E_KERNEL, "%s: netlink send: %s",
				  what, strerror(errno));
	buf = malloc(NL_BUF_SIZE);
	if (!buf)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(n->sock, buf, NL_BUF_SIZE);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			t.error = errno;
			break;
		}
		ret = mnl_cb_run2(buf, (size_t)len, nlh->nlmsg_seq, n->portid,
				  data_cb, &t, ctl, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_STOP)
			break;
		if (ret < 0) {
			if (!t.error)
				t.error = errno ? errno : EPROTO;
			break;
		}
	}
	free(buf);
	n->last_errno = t.error;
	if (!t.error)
		return 0;
	if (t.error == EPERM || t.error == EACCES)
		return kiscsi_err(err, KISCSI_E_KERNEL,
				  "%s: permission denied (needs CAP_NET_ADMIN; run as root)",
				  what);
	return kiscsi_err(err, KISCSI_E_KERNEL, "%s: %s%s%s", what,
			  strerror(t.error), t.extack[0] ? ": " : "",
			  t.extack);
}

struct nlmsghdr *kiscsi_nl_request(struct kiscsi_nl *n, void *buf, uint8_t cmd,
				   uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = n->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++n->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = cmd == CTRL_CMD_GETFAMILY && n->family == GENL_ID_CTRL ?
		     1 : KISCSI_GENL_VERSION;
	return nlh;
}

struct family_reply {
	uint16_t id;
	uint32_t events_group;
};

static int group_attr_cb(const struct nlattr *a, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*name = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

static int group_id_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		*(uint32_t *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/* CTRL_ATTR_MCAST_GROUPS: a nest of nests of (name, id). */
static void family_groups(const struct nlattr *groups, struct family_reply *r)
{
	const struct nlattr *g;

	mnl_attr_for_each_nested(g, groups) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_parse_nested(g, group_attr_cb, &name);
		mnl_attr_parse_nested(g, group_id_cb, &id);
		if (name && !strcmp(name, KISCSI_GENL_MCGRP_EVENTS))
			r->events_group = id;
	}
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	struct family_reply *r = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		r->id = mnl_attr_get_u16(a);
	else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS &&
		 mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
		family_groups(a, r);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return MNL_CB_OK;
}

int kiscsi_nl_open(struct kiscsi_nl *n, struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct family_reply fam = { 0 };
	struct kiscsi_error e2;
	int one = 1, r;

	memset(n, 0, sizeof(*n));
	n->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!n->sock)
		return kiscsi_err(err, KISCSI_E_KERNEL,
				  "cannot open generic netlink socket: %s",
				  strerror(errno));
	if (mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = kiscsi_err(err, KISCSI_E_KERNEL, "netlink bind: %s",
			       strerror(errno));
		goto fail;
	}
	mnl_socket_setsockopt(n->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(n->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	n->portid = mnl_socket_get_portid(n->sock);
	n->seq = (uint32_t)getpid() << 8;

	n->family = GENL_ID_CTRL;
	nlh = kiscsi_nl_request(n, buf, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KISCSI_GENL_NAME);
	r = kiscsi_nl_talk(n, nlh, family_cb, &fam, "resolving family", &e2);
	if (r || !fam.id) {
		if (r && n->last_errno != ENOENT) {
			r = kiscsi_err(err, e2.code, "%s", e2.msg);
			goto fail;
		}
		r = kiscsi_err(err, KISCSI_E_KERNEL,
			       "kiscsi kernel module not loaded (generic netlink family \"%s\" not found): run 'modprobe kiscsi'",
			       KISCSI_GENL_NAME);
		goto fail;
	}
	n->family = fam.id;
	n->events_group = fam.events_group;
	return 0;
fail:
	mnl_socket_close(n->sock);
	n->sock = NULL;
	return r;
}

void kiscsi_nl_close(struct kiscsi_nl *n)
{
	if (n->sock)
		mnl_socket_close(n->sock);
	n->sock = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kiscsi generic netlink family: userspace hands over logged-in sockets,
 * destroys and lists sessions, and listens to connection events.
 *
 * parallel_ops: these handlers run unserialised and take kiscsi_lock only
 * around the list.  None waits on the network: the LUN scan and the
 * Logout run on kiscsi_ctl_wq (session.c).
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <scsi/scsi_host.h>

#include "kiscsi.h"

/* not const: 6.1 takes a non-const pointer */
static struct netlink_range_validation kiscsi_dlen_range = {
	.min = 512,
	.max = 16777215,
};

static struct netlink_range_validation kiscsi_tmo_range = {
	.min = 0,
	.max = 86400,
};

static const struct nla_policy kiscsi_policy[KISCSI_A_MAX + 1] = {
	[KISCSI_A_PAD]			= { .type = NLA_REJECT },
	[KISCSI_A_SESSION_ID]		= { .type = NLA_U32 },
	[KISCSI_A_HOST_NO]		= { .type = NLA_REJECT },
	[KISCSI_A_SOCK_FD]		= { .type = NLA_S32 },
	[KISCSI_A_INITIATOR_NAME]	= { .type = NLA_NUL_STRING,
					    .len = KISCSI_NAME_LEN - 1 },
	[KISCSI_A_TARGET_NAME]		= { .type = NLA_NUL_STRING,
					    .len = KISCSI_NAME_LEN - 1 },
	[KISCSI_A_ISID]			= NLA_POLICY_EXACT_LEN(6),
	[KISCSI_A_TSIH]			= { .type = NLA_U16 },
	[KISCSI_A_TPGT]			= { .type = NLA_U16 },
	[KISCSI_A_PORTAL_ADDR]		= { .type = NLA_NUL_STRING,
					    .len = KISCSI_ADDR_LEN - 1 },
	[KISCSI_A_PORTAL_PORT]		= { .type = NLA_U16 },
	[KISCSI_A_STATSN]		= { .type = NLA_U32 },
	[KISCSI_A_EXP_CMDSN]		= { .type = NLA_U32 },
	[KISCSI_A_MAX_CMDSN]		= { .type = NLA_U32 },
	[KISCSI_A_MAX_RECV_DLEN]	= NLA_POLICY_FULL_RANGE(NLA_U32, &kiscsi_dlen_range),
	[KISCSI_A_MAX_XMIT_DLEN]	= NLA_POLICY_FULL_RANGE(NLA_U32, &kiscsi_dlen_range),
	[KISCSI_A_FIRST_BURST]		= NLA_POLICY_FULL_RANGE(NLA_U32, &kiscsi_dlen_range),
	[KISCSI_A_MAX_BURST]		= NLA_POLICY_FULL_RANGE(NLA_U32, &kiscsi_dlen_range),
	[KISCSI_A_MAX_R2T]		= NLA_POLICY_MIN(NLA_U16, 1),
	[KISCSI_A_IMMEDIATE_DATA]	= NLA_POLICY_MAX(NLA_U8, 1),
	[KISCSI_A_INITIAL_R2T]		= NLA_POLICY_MAX(NLA_U8, 1),
	[KISCSI_A_HEADER_DIGEST]	= NLA_POLICY_MAX(NLA_U8, KISCSI_DIGEST_CRC32C),
	[KISCSI_A_DATA_DIGEST]		= NLA_POLICY_MAX(NLA_U8, KISCSI_DIGEST_CRC32C),
	[KISCSI_A_DATA_PDU_IN_ORDER]	= NLA_POLICY_MAX(NLA_U8, 1),
	[KISCSI_A_DATA_SEQ_IN_ORDER]	= NLA_POLICY_MAX(NLA_U8, 1),
	[KISCSI_A_ERL]			= NLA_POLICY_MAX(NLA_U8, 0),
	[KISCSI_A_TIME2WAIT]		= NLA_POLICY_MAX(NLA_U16, 3600),
	[KISCSI_A_TIME2RETAIN]		= NLA_POLICY_MAX(NLA_U16, 3600),
	[KISCSI_A_QUEUE_DEPTH]		= NLA_POLICY_RANGE(NLA_U16, 1, 1024),
	[KISCSI_A_NOP_INTERVAL]		= NLA_POLICY_MAX(NLA_U32, 3600),
	[KISCSI_A_NOP_TIMEOUT]		= NLA_POLICY_MAX(NLA_U32, 3600),
	[KISCSI_A_RECOVERY_TMO]		= NLA_POLICY_FULL_RANGE(NLA_U32, &kiscsi_tmo_range),
	[KISCSI_A_STATE]		= { .type = NLA_REJECT },
	[KISCSI_A_STATS]		= { .type = NLA_REJECT },
	[KISCSI_A_EVENT]		= { .type = NLA_REJECT },
	[KISCSI_A_REASON]		= { .type = NLA_REJECT },
	[KISCSI_A_TARGET_ADDR]		= { .type = NLA_REJECT },
	[KISCSI_A_TARGET_PORT]		= { .type = NLA_REJECT },
	[KISCSI_A_LOCAL_ADDR]		= { .type = NLA_REJECT },
	[KISCSI_A_LOCAL_PORT]		= { .type = NLA_REJECT },
	[KISCSI_A_TMF_TIMEOUT]		= NLA_POLICY_RANGE(NLA_U32, 1, 3600),
	[KISCSI_A_ASYNC_EVENT]		= { .type = NLA_REJECT },
	[KISCSI_A_ASYNC_VCODE]		= { .type = NLA_REJECT },
	[KISCSI_A_ASYNC_PARAM1]		= { .type = NLA_REJECT },
	[KISCSI_A_ASYNC_PARAM2]		= { .type = NLA_REJECT },
	[KISCSI_A_ASYNC_PARAM3]		= { .type = NLA_REJECT },
	[KISCSI_A_SENSE]		= { .type = NLA_REJECT },
	[KISCSI_A_REJECT_REASON]	= { .type = NLA_REJECT },
	[KISCSI_A_REJECT_OPCODE]	= { .type = NLA_REJECT },
	[KISCSI_A_TMF_FUNCTION]		= { .type = NLA_REJECT },
	[KISCSI_A_TMF_RESPONSE]		= { .type = NLA_REJECT },
	[KISCSI_A_IFACE_NAME]		= { .type = NLA_NUL_STRING,
					    .len = KISCSI_IFACE_LEN - 1 },
	[KISCSI_A_SCANNING]		= { .type = NLA_REJECT },
	[KISCSI_A_CMDSN]		= { .type = NLA_REJECT },
	[KISCSI_A_EXP_STATSN]		= { .type = NLA_REJECT },
	[KISCSI_A_OUTAGE_MS]		= { .type = NLA_REJECT },
	[KISCSI_A_BOOT_ROOT]		= { .type = NLA_NUL_STRING,
					    .len = KISCSI_BOOT_LEN - 1 },
	[KISCSI_A_BOOT_NIC]		= { .type = NLA_NUL_STRING,
					    .len = KISCSI_BOOT_LEN - 1 },
	[KISCSI_A_BOOT_TARGET]		= { .type = NLA_NUL_STRING,
					    .len = KISCSI_BOOT_LEN - 1 },
};

static struct genl_family kiscsi_family;

static u32 kiscsi_nla_u32(struct nlattr **a, int type, u32 def)
{
	return a[type] ? nla_get_u32(a[type]) : def;
}

static u16 kiscsi_nla_u16(struct nlattr **a, int type, u16 def)
{
	return a[type] ? nla_get_u16(a[type]) : def;
}

static u8 kiscsi_nla_u8(struct nlattr **a, int type, u8 def)
{
	return a[type] ? nla_get_u8(a[type]) : def;
}

static int kiscsi_parse_params(struct genl_info *info, struct kiscsi_params *p)
{
	struct nlattr **a = info->attrs;

	p->max_recv_dlen = nla_get_u32(a[KISCSI_A_MAX_RECV_DLEN]);
	p->max_xmit_dlen = nla_get_u32(a[KISCSI_A_MAX_XMIT_DLEN]);
	p->first_burst = nla_get_u32(a[KISCSI_A_FIRST_BURST]);
	p->max_burst = nla_get_u32(a[KISCSI_A_MAX_BURST]);
	p->immediate_data = nla_get_u8(a[KISCSI_A_IMMEDIATE_DATA]);
	p->initial_r2t = nla_get_u8(a[KISCSI_A_INITIAL_R2T]);
	p->tsih = nla_get_u16(a[KISCSI_A_TSIH]);
	nla_memcpy(p->isid, a[KISCSI_A_ISID], sizeof(p->isid));
	p->tpgt = kiscsi_nla_u16(a, KISCSI_A_TPGT, 1);
	p->max_r2t = kiscsi_nla_u16(a, KISCSI_A_MAX_R2T, 1);
	p->hdr_digest = kiscsi_nla_u8(a, KISCSI_A_HEADER_DIGEST, 0);
	p->data_digest = kiscsi_nla_u8(a, KISCSI_A_DATA_DIGEST, 0);
	p->data_pdu_in_order = kiscsi_nla_u8(a, KISCSI_A_DATA_PDU_IN_ORDER, 1);
	p->data_seq_in_order = kiscsi_nla_u8(a, KISCSI_A_DATA_SEQ_IN_ORDER, 1);
	p->erl = kiscsi_nla_u8(a, KISCSI_A_ERL, 0);
	p->time2wait = kiscsi_nla_u16(a, KISCSI_A_TIME2WAIT, 2);
	p->time2retain = kiscsi_nla_u16(a, KISCSI_A_TIME2RETAIN, 20);
	p->queue_depth = kiscsi_nla_u16(a, KISCSI_A_QUEUE_DEPTH, 128);
	p->nop_interval = kiscsi_nla_u32(a, KISCSI_A_NOP_INTERVAL, 0);
	p->nop_timeout = kiscsi_nla_u32(a, KISCSI_A_NOP_TIMEOUT, 0);
	p->recovery_tmo = kiscsi_nla_u32(a, KISCSI_A_RECOVERY_TMO, 120);
	p->tmf_timeout = kiscsi_nla_u32(a, KISCSI_A_TMF_TIMEOUT, 10);

	if (p->first_burst > p->max_burst) {
		GENL_SET_ERR_MSG(info, "FirstBurstLength exceeds MaxBurstLength");
		return -EINVAL;
	}
	if (p->nop_interval && !p->nop_timeout) {
		GENL_SET_ERR_MSG(info, "a NOP interval needs a NOP timeout");
		return -EINVAL;
	}
	/* the data path relies on Data-In and Data-Out in order */
	if (!p->data_pdu_in_order || !p->data_seq_in_order) {
		GENL_SET_ERR_MSG(info, "DataPDUInOrder and DataSequenceInOrder must be Yes");
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Take the caller's socket: a connected TCP socket of the caller's network
 * namespace.  That no one else uses it is checked when the callbacks are
 * installed (sk_user_data), atomically.
 */
static struct socket *kiscsi_get_socket(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KISCSI_A_SOCK_FD];
	struct socket *sock;
	struct sock *sk;
	int err;

	sock = sockfd_lookup(nla_get_s32(attr), &err);
	if (!sock) {
		if (err == -EBADF)
			NL_SET_ERR_MSG_ATTR(info->extack, attr, "bad file descriptor");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, attr, "not a socket");
		return ERR_PTR(err);
	}
	sk = sock->sk;
	if (sock->type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "not a TCP socket");
		err = -EPROTOTYPE;
		goto err;
	}
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "socket is not connected");
		err = -ENOTCONN;
		goto err;
	}
	if (!net_eq(sock_net(sk), genl_info_net(info))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "socket belongs to another network namespace");
		err = -EXDEV;
		goto err;
	}
	/* early answer, before a host is made; the claim itself is atomic */
	if (READ_ONCE(sk->sk_user_data)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "socket is already in use");
		err = -EBUSY;
		goto err;
	}
	return sock;
err:
	sockfd_put(sock);
	return ERR_PTR(err);
}

/*
 * What every login leaves: the socket, the sequence numbers of its final
 * response and the negotiated keys (SESSION_CREATE and CONN_REPLACE).
 */
static int kiscsi_parse_login(struct genl_info *info,
			      struct kiscsi_session_args *args)
{
	struct nlattr **a = info->attrs;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KISCSI_A_SOCK_FD) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_ISID) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_TSIH) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_STATSN) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_EXP_CMDSN) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_MAX_CMDSN) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_MAX_RECV_DLEN) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_MAX_XMIT_DLEN) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_FIRST_BURST) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_MAX_BURST) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_IMMEDIATE_DATA) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_INITIAL_R2T))
		return -EINVAL;

	err = kiscsi_parse_params(info, &args->p);
	if (err)
		return err;
	args->statsn = nla_get_u32(a[KISCSI_A_STATSN]);
	args->exp_cmdsn = nla_get_u32(a[KISCSI_A_EXP_CMDSN]);
	args->max_cmdsn = nla_get_u32(a[KISCSI_A_MAX_CMDSN]);
	if (iscsi_sna_lt(args->max_cmdsn, args->exp_cmdsn - 1)) {
		GENL_SET_ERR_MSG(info, "MaxCmdSN is below ExpCmdSN - 1");
		return -EINVAL;
	}
	return 0;
}

static int kiscsi_nl_session_create(struct sk_buff *skb, struct genl_info *info)
{
	struct kiscsi_session_args args = { .portal_port = -1 };
	struct nlattr **a = info->attrs;
	struct sk_buff *reply;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KISCSI_A_INITIATOR_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, KISCSI_A_TARGET_NAME))
		return -EINVAL;
	err = kiscsi_parse_login(info, &args);
	if (err)
		return err;
	args.initiator_name = nla_data(a[KISCSI_A_INITIATOR_NAME]);
	args.target_name = nla_data(a[KISCSI_A_TARGET_NAME]);
	if (!*args.initiator_name || !*args.target_name) {
		GENL_SET_ERR_MSG(info, "empty initiator or target name");
		return -EINVAL;
	}
	if (a[KISCSI_A_PORTAL_ADDR])
		args.portal_addr = nla_data(a[KISCSI_A_PORTAL_ADDR]);
	if (a[KISCSI_A_IFACE_NAME])
		args.iface_name = nla_data(a[KISCSI_A_IFACE_NAME]);
	if (a[KISCSI_A_BOOT_ROOT])
		args.boot_root = nla_data(a[KISCSI_A_BOOT_ROOT]);
	if (a[KISCSI_A_BOOT_NIC])
		args.boot_nic = nla_data(a[KISCSI_A_BOOT_NIC]);
	if (a[KISCSI_A_BOOT_TARGET])
		args.boot_target = nla_data(a[KISCSI_A_BOOT_TARGET]);
	if (a[KISCSI_A_PORTAL_PORT])
		args.portal_port = nla_get_u16(a[KISCSI_A_PORTAL_PORT]);

	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;

	args.sock = kiscsi_get_socket(info);
	if (IS_ERR(args.sock)) {
		nlmsg_free(reply);
		return PTR_ERR(args.sock);
	}

	/* takes over the socket reference, on failure too */
	err = kiscsi_session_create(genl_info_net(info), &args);
	if (err) {
		nlmsg_free(reply);
		if (err == -EBUSY)
			NL_SET_ERR_MSG_ATTR(info->extack, a[KISCSI_A_SOCK_FD],
					    "socket is already in use");
		else if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, a[KISCSI_A_ISID],
					    "a session with this initiator name, ISID and target exists");
		return err;
	}

	/* args, not the session: a destroy may have freed it already */
	hdr = genlmsg_put_reply(reply, info, &kiscsi_family, 0,
				KISCSI_CMD_SESSION_CREATE);
	if (!hdr ||
	    nla_put_u32(reply, KISCSI_A_SESSION_ID, args.id) ||
	    nla_put_u32(reply, KISCSI_A_HOST_NO, args.host_no)) {
		/* cannot happen with NLMSG_GOODSIZE; the session stays */
		nlmsg_free(reply);
		return -EMSGSIZE;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

static int kiscsi_nl_conn_replace(struct sk_buff *skb, struct genl_info *info)
{
	struct kiscsi_session_args args = {};
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KISCSI_A_SESSION_ID))
		return -EINVAL;
	err = kiscsi_parse_login(info, &args);
	if (err)
		return err;
	args.sock = kiscsi_get_socket(info);
	if (IS_ERR(args.sock))
		return PTR_ERR(args.sock);
	/* takes over the socket reference, on failure too */
	return kiscsi_session_replace(genl_info_net(info),
				      nla_get_u32(info->attrs[KISCSI_A_SESSION_ID]),
				      &args, info->extack);
}

static int kiscsi_nl_session_destroy(struct sk_buff *skb, struct genl_info *info)
{
	struct kiscsi_session *s;
	u32 id;

	if (GENL_REQ_ATTR_CHECK(info, KISCSI_A_SESSION_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[KISCSI_A_SESSION_ID]);

	mutex_lock(&kiscsi_lock);
	s = kiscsi_session_find(genl_info_net(info), id);
	/* from here on no other request can reach it */
	if (s)
		kiscsi_session_start_destroy(s);
	mutex_unlock(&kiscsi_lock);
	if (!s) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[KISCSI_A_SESSION_ID],
				    "no such session");
		return -ENOENT;
	}
	/* the session stays listed, logging out, until it is gone */
	return 0;
}

static int kiscsi_put_stats(struct sk_buff *skb, const struct kiscsi_stats *st)
{
	struct nlattr *nest = nla_nest_start(skb, KISCSI_A_STATS);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, KISCSI_STAT_TX_PDUS, READ_ONCE(st->tx_pdus), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_RX_PDUS, READ_ONCE(st->rx_pdus), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_TX_DATA_BYTES,
			      READ_ONCE(st->tx_data_bytes), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_RX_DATA_BYTES,
			      READ_ONCE(st->rx_data_bytes), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_SCSI_CMDS, READ_ONCE(st->scsi_cmds), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_R2TS, READ_ONCE(st->r2ts), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_CONN_FAILURES,
			      READ_ONCE(st->conn_failures), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_DIGEST_ERRORS,
			      READ_ONCE(st->digest_errors), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_PROTOCOL_ERRORS,
			      READ_ONCE(st->protocol_errors), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_ASYNC_EVENTS,
			      READ_ONCE(st->async_events), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_REJECTS, READ_ONCE(st->rejects), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_TMFS, READ_ONCE(st->tmfs), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_TMF_TIMEOUTS,
			      READ_ONCE(st->tmf_timeouts), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_RESCANS, READ_ONCE(st->rescans), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_CMDSN_WINDOW_WAITS,
			      READ_ONCE(st->cmdsn_window_waits), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_R2T_PEAK, READ_ONCE(st->r2t_peak), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_INLINE_PDUS,
			      READ_ONCE(st->inline_pdus), KISCSI_STAT_PAD) ||
	    nla_put_u64_64bit(skb, KISCSI_STAT_TX_COPIED_BYTES,
			      READ_ONCE(st->tx_copied_bytes), KISCSI_STAT_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int kiscsi_fill_session(struct sk_buff *skb, struct kiscsi_session *s,
			       u32 portid, u32 seq, int flags, u8 cmd)
{
	const struct kiscsi_params *p = &s->p;
	const struct kiscsi_conn *conn = &s->conn;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kiscsi_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u32(skb, KISCSI_A_SESSION_ID, s->id) ||
	    nla_put_u32(skb, KISCSI_A_HOST_NO, s->shost->host_no) ||
	    nla_put_string(skb, KISCSI_A_INITIATOR_NAME, s->initiator_name) ||
	    nla_put_string(skb, KISCSI_A_TARGET_NAME, s->target_name) ||
	    nla_put(skb, KISCSI_A_ISID, sizeof(p->isid), p->isid) ||
	    nla_put_u16(skb, KISCSI_A_TSIH, p->tsih) ||
	    nla_put_u16(skb, KISCSI_A_TPGT, p->tpgt) ||
	    nla_put_string(skb, KISCSI_A_PORTAL_ADDR, s->portal_addr) ||
	    nla_put_u16(skb, KISCSI_A_PORTAL_PORT, s->portal_port) ||
	    nla_put_string(skb, KISCSI_A_IFACE_NAME, s->iface_name) ||
	    nla_put_string(skb, KISCSI_A_BOOT_ROOT, s->boot_root) ||
	    nla_put_string(skb, KISCSI_A_BOOT_NIC, s->boot_nic) ||
	    nla_put_string(skb, KISCSI_A_BOOT_TARGET, s->boot_target) ||
	    nla_put_u8(skb, KISCSI_A_SCANNING, READ_ONCE(s->scanning)) ||
	    nla_put_string(skb, KISCSI_A_TARGET_ADDR, conn->target_addr) ||
	    nla_put_u16(skb, KISCSI_A_TARGET_PORT, conn->target_port) ||
	    nla_put_string(skb, KISCSI_A_LOCAL_ADDR, conn->local_addr) ||
	    nla_put_u16(skb, KISCSI_A_LOCAL_PORT, conn->local_port) ||
	    nla_put_u32(skb, KISCSI_A_MAX_RECV_DLEN, p->max_recv_dlen) ||
	    nla_put_u32(skb, KISCSI_A_MAX_XMIT_DLEN, p->max_xmit_dlen) ||
	    nla_put_u32(skb, KISCSI_A_FIRST_BURST, p->first_burst) ||
	    nla_put_u32(skb, KISCSI_A_MAX_BURST, p->max_burst) ||
	    nla_put_u16(skb, KISCSI_A_MAX_R2T, p->max_r2t) ||
	    nla_put_u8(skb, KISCSI_A_IMMEDIATE_DATA, p->immediate_data) ||
	    nla_put_u8(skb, KISCSI_A_INITIAL_R2T, p->initial_r2t) ||
	    nla_put_u8(skb, KISCSI_A_HEADER_DIGEST, p->hdr_digest) ||
	    nla_put_u8(skb, KISCSI_A_DATA_DIGEST, p->data_digest) ||
	    nla_put_u8(skb, KISCSI_A_DATA_PDU_IN_ORDER, p->data_pdu_in_order) ||
	    nla_put_u8(skb, KISCSI_A_DATA_SEQ_IN_ORDER, p->data_seq_in_order) ||
	    nla_put_u8(skb, KISCSI_A_ERL, p->erl) ||
	    nla_put_u16(skb, KISCSI_A_TIME2WAIT, p->time2wait) ||
	    nla_put_u16(skb, KISCSI_A_TIME2RETAIN, p->time2retain) ||
	    nla_put_u16(skb, KISCSI_A_QUEUE_DEPTH, p->queue_depth) ||
	    nla_put_u32(skb, KISCSI_A_NOP_INTERVAL, p->nop_interval) ||
	    nla_put_u32(skb, KISCSI_A_NOP_TIMEOUT, p->nop_timeout) ||
	    nla_put_u32(skb, KISCSI_A_TMF_TIMEOUT, p->tmf_timeout) ||
	    nla_put_u32(skb, KISCSI_A_RECOVERY_TMO,
			kiscsi_session_recovery_tmo(s)) ||
	    nla_put_u32(skb, KISCSI_A_CMDSN, READ_ONCE(conn->cmdsn)) ||
	    nla_put_u32(skb, KISCSI_A_EXP_STATSN, READ_ONCE(conn->exp_statsn)) ||
	    nla_put_u8(skb, KISCSI_A_STATE, kiscsi_session_state(s)) ||
	    kiscsi_put_stats(skb, &conn->stats)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int kiscsi_nl_session_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kiscsi_session *s;
	struct sk_buff *msg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KISCSI_A_SESSION_ID))
		return -EINVAL;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&kiscsi_lock);
	s = kiscsi_session_find(genl_info_net(info),
				nla_get_u32(info->attrs[KISCSI_A_SESSION_ID]));
	if (s)
		err = kiscsi_fill_session(msg, s, info->snd_portid,
					  info->snd_seq, 0,
					  KISCSI_CMD_SESSION_GET);
	else
		err = -ENOENT;
	mutex_unlock(&kiscsi_lock);

	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[KISCSI_A_SESSION_ID],
					    "no such session");
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int kiscsi_nl_session_dump(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct kiscsi_session *s;
	long idx = 0, start = cb->args[0];
	int err = 0;

	mutex_lock(&kiscsi_lock);
	list_for_each_entry(s, &kiscsi_sessions, node) {
		if (!net_eq(s->net, net) || s->creating)
			continue;
		if (idx++ < start)
			continue;
		err = kiscsi_fill_session(skb, s, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  KISCSI_CMD_SESSION_GET);
		if (err) {
			idx--;
			break;
		}
	}
	mutex_unlock(&kiscsi_lock);
	cb->args[0] = idx;
	/* a full skb ends this round; the core calls again */
	return err == -EMSGSIZE && skb->len ? skb->len : (err ?: skb->len);
}

static const struct genl_small_ops kiscsi_ops[] = {
	{
		.cmd	= KISCSI_CMD_SESSION_CREATE,
		.doit	= kiscsi_nl_session_create,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= KISCSI_CMD_SESSION_DESTROY,
		.doit	= kiscsi_nl_session_destroy,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= KISCSI_CMD_SESSION_GET,
		.doit	= kiscsi_nl_session_get,
		.dumpit	= kiscsi_nl_session_dump,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= KISCSI_CMD_CONN_REPLACE,
		.doit	= kiscsi_nl_conn_replace,
		.flags	= GENL_ADMIN_PERM,
	},
};

enum kiscsi_mcgrp {
	KISCSI_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group kiscsi_mcgrps[] = {
	[KISCSI_MCGRP_EVENTS_ID] = { .name = KISCSI_GENL_MCGRP_EVENTS },
};

static struct genl_family kiscsi_family __ro_after_init = {
	.name		= KISCSI_GENL_NAME,
	.version	= KISCSI_GENL_VERSION,
	.maxattr	= KISCSI_A_MAX,
	.policy		= kiscsi_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.small_ops	= kiscsi_ops,
	.n_small_ops	= ARRAY_SIZE(kiscsi_ops),
	.mcgrps		= kiscsi_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(kiscsi_mcgrps),
};

/* The event's own attributes. */
static int kiscsi_put_event_info(struct sk_buff *msg,
				 const struct kiscsi_event_info *ev)
{
	const struct iscsi_async *a = ev->async;

	if (ev->reason && nla_put_u32(msg, KISCSI_A_REASON, ev->reason))
		return -EMSGSIZE;
	if (ev->time2wait >= 0 &&
	    nla_put_u16(msg, KISCSI_A_TIME2WAIT, ev->time2wait))
		return -EMSGSIZE;
	if (ev->outage_ms >= 0 &&
	    nla_put_u32(msg, KISCSI_A_OUTAGE_MS,
			min_t(s64, ev->outage_ms, U32_MAX)))
		return -EMSGSIZE;
	if (a &&
	    (nla_put_u8(msg, KISCSI_A_ASYNC_EVENT, a->async_event) ||
	     nla_put_u8(msg, KISCSI_A_ASYNC_VCODE, a->async_vcode) ||
	     nla_put_u16(msg, KISCSI_A_ASYNC_PARAM1, be16_to_cpu(a->param1)) ||
	     nla_put_u16(msg, KISCSI_A_ASYNC_PARAM2, be16_to_cpu(a->param2)) ||
	     nla_put_u16(msg, KISCSI_A_ASYNC_PARAM3, be16_to_cpu(a->param3))))
		return -EMSGSIZE;
	if (ev->sense_len &&
	    nla_put(msg, KISCSI_A_SENSE, ev->sense_len, ev->sense))
		return -EMSGSIZE;
	if (ev->reject_reason >= 0 &&
	    (nla_put_u8(msg, KISCSI_A_REJECT_REASON, ev->reject_reason) ||
	     nla_put_u8(msg, KISCSI_A_REJECT_OPCODE, ev->reject_opcode)))
		return -EMSGSIZE;
	if (ev->tmf_function >= 0 &&
	    (nla_put_u8(msg, KISCSI_A_TMF_FUNCTION, ev->tmf_function) ||
	     nla_put_u8(msg, KISCSI_A_TMF_RESPONSE, ev->tmf_response)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Runs in io_work, err_work and the SCSI error handler, all on the way to
 * freeing memory when the disk is what reclaim writes to: never wait for
 * reclaim (err_work and the EH are not PF_MEMALLOC, so GFP_NOIO could).
 * An event lost to a failed allocation is lost; the state it reports is
 * in SESSION_GET.
 */
void kiscsi_notify_info(struct kiscsi_session *s,
			const struct kiscsi_event_info *ev)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC | __GFP_NOWARN);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &kiscsi_family, 0, KISCSI_CMD_EVENT);
	if (!hdr ||
	    nla_put_u8(msg, KISCSI_A_EVENT, ev->event) ||
	    nla_put_u32(msg, KISCSI_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, KISCSI_A_HOST_NO, s->shost->host_no) ||
	    nla_put_string(msg, KISCSI_A_TARGET_NAME, s->target_name) ||
	    nla_put_string(msg, KISCSI_A_PORTAL_ADDR, s->portal_addr) ||
	    nla_put_u16(msg, KISCSI_A_PORTAL_PORT, s->portal_port) ||
	    kiscsi_put_event_info(msg, ev)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&kiscsi_family, s->net, msg, 0,
				KISCSI_MCGRP_EVENTS_ID, GFP_ATOMIC | __GFP_NOWARN);
}

void kiscsi_event_init(struct kiscsi_event_info *ev, u8 event)
{
	memset(ev, 0, sizeof(*ev));
	ev->event = event;
	ev->time2wait = -1;
	ev->outage_ms = -1;
	ev->reject_reason = -1;
	ev->tmf_function = -1;
}

void kiscsi_notify(struct kiscsi_session *s, u8 event, u32 reason)
{
	struct kiscsi_event_info ev;

	kiscsi_event_init(&ev, event);
	ev.reason = reason;
	kiscsi_notify_info(s, &ev);
}

int kiscsi_netlink_init(void)
{
	return genl_register_family(&kiscsi_family);
}

void kiscsi_netlink_exit(void)
{
	genl_unregister_family(&kiscsi_family);
}

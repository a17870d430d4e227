// SPDX-License-Identifier: LGPL-2.1-or-later
/* Kernel sessions: SESSION_CREATE, SESSION_GET (dump), SESSION_DESTROY. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/kiscsi.h>

#include "error.h"
#include "netlink.h"
#include "session.h"
#include "session_record.h"

enum wait_for { WAIT_SCAN, WAIT_GONE };
static int wait_session(uint32_t id, enum wait_for what,
			struct kiscsi_error *err);
static int session_listed(uint32_t id, struct kiscsi_error *err);

const char *kiscsi_session_state_name(int state)
{
	switch (state) {
	case KISCSI_STATE_LOGGED_IN:
		return "logged-in";
	case KISCSI_STATE_FAILED:
		return "failed";
	case KISCSI_STATE_TIMED_OUT:
		return "timed-out";
	case KISCSI_STATE_LOGGING_OUT:
		return "logging-out";
	}
	return "unknown";
}

const char *kiscsi_stat_name(int stat)
{
	static const char *const names[] = {
		[KISCSI_STAT_TX_PDUS] = "tx_pdus",
		[KISCSI_STAT_RX_PDUS] = "rx_pdus",
		[KISCSI_STAT_TX_DATA_BYTES] = "tx_data_bytes",
		[KISCSI_STAT_RX_DATA_BYTES] = "rx_data_bytes",
		[KISCSI_STAT_SCSI_CMDS] = "scsi_cmds",
		[KISCSI_STAT_R2TS] = "r2ts",
		[KISCSI_STAT_CONN_FAILURES] = "conn_failures",
		[KISCSI_STAT_DIGEST_ERRORS] = "digest_errors",
		[KISCSI_STAT_PROTOCOL_ERRORS] = "protocol_errors",
		[KISCSI_STAT_ASYNC_EVENTS] = "async_events",
		[KISCSI_STAT_REJECTS] = "rejects",
		[KISCSI_STAT_TMFS] = "tmfs",
		[KISCSI_STAT_TMF_TIMEOUTS] = "tmf_timeouts",
		[KISCSI_STAT_RESCANS] = "rescans",
		[KISCSI_STAT_R2T_PEAK] = "r2t_peak",
		[KISCSI_STAT_INLINE_PDUS] = "inline_pdus",
		[KISCSI_STAT_TX_COPIED_BYTES] = "tx_copied_bytes",
		[KISCSI_STAT_CMDSN_WINDOW_WAITS] = "cmdsn_window_waits",
	};

	if (stat < 0 || stat >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[stat];
}

struct create_reply {
	uint32_t sid, host;
	bool have_sid, have_host;
};

static int create_attr_cb(const struct nlattr *a, void *data)
{
	struct create_reply *r = data;

	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	if (mnl_attr_get_type(a) == KISCSI_A_SESSION_ID) {
		r->sid = mnl_attr_get_u32(a);
		r->have_sid = true;
	} else if (mnl_attr_get_type(a) == KISCSI_A_HOST_NO) {
		r->host = mnl_attr_get_u32(a);
		r->have_host = true;
	}
	return MNL_CB_OK;
}

static int create_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), create_attr_cb, data);
	return MNL_CB_OK;
}

static uint16_t clamp16(uint32_t v)
{
	return v > 0xffff ? 0xffff : (uint16_t)v;
}

/* What both SESSION_CREATE and CONN_REPLACE carry: the login's results. */
static void put_login(struct nlmsghdr *nlh,
		      const struct kiscsi_login_result *res,
		      const struct kiscsi_opts *opts)
{
	const struct kiscsi_params *p = &res->params;

	mnl_attr_put_u32(nlh, KISCSI_A_SOCK_FD, (uint32_t)res->fd);
	mnl_attr_put(nlh, KISCSI_A_ISID, 6, res->isid);
	mnl_attr_put_u16(nlh, KISCSI_A_TSIH, res->tsih);
	if (res->tpgt >= 0)
		mnl_attr_put_u16(nlh, KISCSI_A_TPGT, (uint16_t)res->tpgt);
	mnl_attr_put_u32(nlh, KISCSI_A_STATSN, res->statsn);
	mnl_attr_put_u32(nlh, KISCSI_A_EXP_CMDSN, res->exp_cmdsn);
	mnl_attr_put_u32(nlh, KISCSI_A_MAX_CMDSN, res->max_cmdsn);
	mnl_attr_put_u32(nlh, KISCSI_A_MAX_RECV_DLEN, p->max_recv_dlen);
	mnl_attr_put_u32(nlh, KISCSI_A_MAX_XMIT_DLEN, p->max_xmit_dlen);
	mnl_attr_put_u32(nlh, KISCSI_A_FIRST_BURST, p->first_burst);
	mnl_attr_put_u32(nlh, KISCSI_A_MAX_BURST, p->max_burst);
	mnl_attr_put_u16(nlh, KISCSI_A_MAX_R2T, clamp16(p->max_r2t));
	mnl_attr_put_u8(nlh, KISCSI_A_IMMEDIATE_DATA, p->immediate_data);
	mnl_attr_put_u8(nlh, KISCSI_A_INITIAL_R2T, p->initial_r2t);
	mnl_attr_put_u8(nlh, KISCSI_A_HEADER_DIGEST, p->header_digest);
	mnl_attr_put_u8(nlh, KISCSI_A_DATA_DIGEST, p->data_digest);
	mnl_attr_put_u8(nlh, KISCSI_A_DATA_PDU_IN_ORDER, p->data_pdu_in_order);
	mnl_attr_put_u8(nlh, KISCSI_A_DATA_SEQ_IN_ORDER, p->data_seq_in_order);
	mnl_attr_put_u8(nlh, KISCSI_A_ERL, p->erl);
	mnl_attr_put_u16(nlh, KISCSI_A_TIME2WAIT, clamp16(p->time2wait));
	mnl_attr_put_u16(nlh, KISCSI_A_TIME2RETAIN, clamp16(p->time2retain));
	mnl_attr_put_u16(nlh, KISCSI_A_QUEUE_DEPTH, clamp16(opts->queue_depth));
	mnl_attr_put_u32(nlh, KISCSI_A_NOP_INTERVAL, opts->nop_interval);
	mnl_attr_put_u32(nlh, KISCSI_A_NOP_TIMEOUT, opts->nop_timeout);
	mnl_attr_put_u32(nlh, KISCSI_A_RECOVERY_TMO, opts->recovery_tmo);
	mnl_attr_put_u32(nlh, KISCSI_A_TMF_TIMEOUT, opts->tmf_timeout);
}

int kiscsi_session_hand_over(const struct kiscsi_identity *id,
			     const struct kiscsi_login_result *res,
			     const struct kiscsi_opts *opts,
			     uint32_t *session_id, uint32_t *host_no,
			     struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct create_reply rep = { 0 };
	struct kiscsi_nl n;
	struct nlmsghdr *nlh;
	char what[KISCSI_NAME_MAX + 80];
	int r;

	snprintf(what, sizeof(what), "handing session %s to the kernel",
		 res->target_name);
	r = kiscsi_nl_open(&n, err);
	if (r)
		return r;
	nlh = kiscsi_nl_request(&n, buf, KISCSI_CMD_SESSION_CREATE, NLM_F_ACK);
	put_login(nlh, res, opts);
	mnl_attr_put_strz(nlh, KISCSI_A_INITIATOR_NAME, id->name);
	mnl_attr_put_strz(nlh, KISCSI_A_TARGET_NAME, res->target_name);
	mnl_attr_put_strz(nlh, KISCSI_A_PORTAL_ADDR, res->portal_addr);
	if (opts->iface[0])
		mnl_attr_put_strz(nlh, KISCSI_A_IFACE_NAME, opts->iface);
	if (opts->boot.root[0]) {
		mnl_attr_put_strz(nlh, KISCSI_A_BOOT_ROOT, opts->boot.root);
		mnl_attr_put_strz(nlh, KISCSI_A_BOOT_NIC, opts->boot.nic);
		mnl_attr_put_strz(nlh, KISCSI_A_BOOT_TARGET, opts->boot.target);
	}
	mnl_attr_put_u16(nlh, KISCSI_A_PORTAL_PORT, res->portal_port);

	r = kiscsi_nl_talk(&n, nlh, create_cb, &rep, what, err);
	if (r && n.last_errno == EEXIST)
		r = kiscsi_err(err, KISCSI_E_EXISTS,
			       "%s: a session with this initiator name, ISID and target is already logged in",
			       what);
	kiscsi_nl_close(&n);
	if (r)
		return r;
	if (!rep.have_sid)
		return kiscsi_err(err, KISCSI_E_KERNEL,
				  "%s: reply without a session id", what);
	*session_id = rep.sid;
	*host_no = rep.have_host ? rep.host : UINT32_MAX;
	return 0;
}

int kiscsi_session_wait_scan(uint32_t session_id, struct kiscsi_error *err)
{
	return wait_session(session_id, WAIT_SCAN, err);
}

int kiscsi_session_create(const struct kiscsi_identity *id,
			  const struct kiscsi_login_result *res,
			  const struct kiscsi_opts *opts,
			  uint32_t *session_id, uint32_t *host_no,
			  struct kiscsi_error *err)
{
	int r = kiscsi_session_hand_over(id, res, opts, session_id, host_no,
					 err);

	/* the disks exist when the call returns, as they always did */
	return r ? r : kiscsi_session_wait_scan(*session_id, err);
}

int kiscsi_conn_replace(uint32_t session_id,
			const struct kiscsi_login_result *res,
			const struct kiscsi_opts *opts,
			struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct kiscsi_nl n;
	struct nlmsghdr *nlh;
	int r;

	snprintf(what, sizeof(what), "handing the new connection to session %u",
		 session_id);
	r = kiscsi_nl_open(&n, err);
	if (r)
		return r;
	nlh = kiscsi_nl_request(&n, buf, KISCSI_CMD_CONN_REPLACE, NLM_F_ACK);
	mnl_attr_put_u32(nlh, KISCSI_A_SESSION_ID, session_id);
	put_login(nlh, res, opts);
	r = kiscsi_nl_talk(&n, nlh, NULL, NULL, what, err);
	if (r && n.last_errno == ENOENT)
		r = kiscsi_err(err, KISCSI_E_NOSESSION, "%s: no such session",
			       what);
	kiscsi_nl_close(&n);
	return r;
}

/* ---- SESSION_GET ---- */

struct list_ctx {
	struct kiscsi_session_info *v;
	size_t n, cap;
	bool nomem;
};

static void get_str(const struct nlattr *a, char *dst, size_t len)
{
	if (mnl_attr_validate(a, MNL_TYPE_STRING) < 0)
		return;
	snprintf(dst, len, "%.*s", (int)mnl_attr_get_payload_len(a),
		 (const char *)mnl_attr_get_payload(a));
}

/* Integers of any width the kernel chose: 1, 2, 4 or 8 bytes. */
static int get_uint(const struct nlattr *a, uint64_t *v)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		*v = mnl_attr_get_u8(a);
		return 0;
	case 2:
		*v = mnl_attr_get_u16(a);
		return 0;
	case 4:
		*v = mnl_attr_get_u32(a);
		return 0;
	case 8:
		*v = mnl_attr_get_u64(a);
		return 0;
	}
	return -1;
}

static int stats_cb(const struct nlattr *a, void *data)
{
	struct kiscsi_session_info *s = data;
	int t = mnl_attr_get_type(a);
	uint64_t v;

	if (t > 0 && t < (int)(sizeof(s->stats) / sizeof(s->stats[0])) &&
	    !get_uint(a, &v))
		s->stats[t] = v;
	return MNL_CB_OK;
}

static int session_attr_cb(const struct nlattr *a, void *data)
{
	struct kiscsi_session_info *s = data;
	struct kiscsi_params *p = &s->params;
	uint64_t v = 0;
	int t = mnl_attr_get_type(a);

	switch (t) {
	case KISCSI_A_TARGET_NAME:
		get_str(a, s->target_name, sizeof(s->target_name));
		return MNL_CB_OK;
	case KISCSI_A_INITIATOR_NAME:
		get_str(a, s->initiator_name, sizeof(s->initiator_name));
		return MNL_CB_OK;
	case KISCSI_A_PORTAL_ADDR:
		get_str(a, s->portal_addr, sizeof(s->portal_addr));
		return MNL_CB_OK;
	case KISCSI_A_TARGET_ADDR:
		get_str(a, s->target_addr, sizeof(s->target_addr));
		return MNL_CB_OK;
	case KISCSI_A_LOCAL_ADDR:
		get_str(a, s->local_addr, sizeof(s->local_addr));
		return MNL_CB_OK;
	case KISCSI_A_IFACE_NAME:
		get_str(a, s->iface_name, sizeof(s->iface_name));
		return MNL_CB_OK;
	case KISCSI_A_BOOT_ROOT:
		get_str(a, s->boot.root, sizeof(s->boot.root));
		return MNL_CB_OK;
	case KISCSI_A_BOOT_NIC:
		get_str(a, s->boot.nic, sizeof(s->boot.nic));
		return MNL_CB_OK;
	case KISCSI_A_BOOT_TARGET:
		get_str(a, s->boot.target, sizeof(s->boot.target));
		return MNL_CB_OK;
	case KISCSI_A_SCANNING:
		if (!get_uint(a, &v))
			s->scanning = v != 0;
		return MNL_CB_OK;
	case KISCSI_A_ISID:
		if (mnl_attr_get_payload_len(a) == 6) {
			memcpy(s->isid, mnl_attr_get_payload(a), 6);
			s->has_isid = true;
		}
		return MNL_CB_OK;
	case KISCSI_A_STATS:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0) {
			mnl_attr_parse_nested(a, stats_cb, s);
			s->has_stats = true;
		}
		return MNL_CB_OK;
	}
	if (get_uint(a, &v))
		return MNL_CB_OK;
	switch (t) {
	case KISCSI_A_SESSION_ID: s->session_id = (uint32_t)v; break;
	case KISCSI_A_HOST_NO: s->host_no = (uint32_t)v; break;
	case KISCSI_A_STATE: s->state = (int)v; break;
	case KISCSI_A_TSIH: s->tsih = (uint16_t)v; break;
	case KISCSI_A_TPGT: s->tpgt = (int32_t)v; break;
	case KISCSI_A_PORTAL_PORT: s->portal_port = (uint16_t)v; break;
	case KISCSI_A_TARGET_PORT: s->target_port = (uint16_t)v; break;
	case KISCSI_A_LOCAL_PORT: s->local_port = (uint16_t)v; break;
	case KISCSI_A_MAX_RECV_DLEN: p->max_recv_dlen = (uint32_t)v; break;
	case KISCSI_A_MAX_XMIT_DLEN: p->max_xmit_dlen = (uint32_t)v; break;
	case KISCSI_A_FIRST_BURST: p->first_burst = (uint32_t)v; break;
	case KISCSI_A_MAX_BURST: p->max_burst = (uint32_t)v; break;
	case KISCSI_A_MAX_R2T: p->max_r2t = (uint32_t)v; break;
	case KISCSI_A_IMMEDIATE_DATA: p->immediate_data = v; break;
	case KISCSI_A_INITIAL_R2T: p->initial_r2t = v; break;
	case KISCSI_A_HEADER_DIGEST: p->header_digest = (uint8_t)v; break;
	case KISCSI_A_DATA_DIGEST: p->data_digest = (uint8_t)v; break;
	case KISCSI_A_DATA_PDU_IN_ORDER: p->data_pdu_in_order = v; break;
	case KISCSI_A_DATA_SEQ_IN_ORDER: p->data_seq_in_order = v; break;
	case KISCSI_A_ERL: p->erl = (uint8_t)v; break;
	case KISCSI_A_TIME2WAIT: p->time2wait = (uint32_t)v; break;
	case KISCSI_A_TIME2RETAIN: p->time2retain = (uint32_t)v; break;
	case KISCSI_A_QUEUE_DEPTH: s->queue_depth = (uint32_t)v; break;
	case KISCSI_A_NOP_INTERVAL: s->nop_interval = (uint32_t)v; break;
	case KISCSI_A_NOP_TIMEOUT: s->nop_timeout = (uint32_t)v; break;
	case KISCSI_A_TMF_TIMEOUT: s->tmf_timeout = (uint32_t)v; break;
	case KISCSI_A_RECOVERY_TMO: s->recovery_tmo = (uint32_t)v; break;
	case KISCSI_A_CMDSN: s->cmdsn = (uint32_t)v; break;
	case KISCSI_A_EXP_STATSN: s->exp_statsn = (uint32_t)v; break;
	}
	return MNL_CB_OK;
}

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *l = data;
	struct kiscsi_session_info *s;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct kiscsi_session_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->nomem = true;
			return MNL_CB_OK;
		}
		l->v = v;
		l->cap = cap;
	}
	s = &l->v[l->n];
	memset(s, 0, sizeof(*s));
	s->state = -1;
	s->scanning = -1;
	s->tpgt = -1;
	s->host_no = UINT32_MAX;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), session_attr_cb, s);
	l->n++;
	return MNL_CB_OK;
}

int kiscsi_session_list(struct kiscsi_session_info **list, size_t *n,
			struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct list_ctx l = { 0 };
	struct kiscsi_nl nl;
	struct nlmsghdr *nlh;
	int r;

	*list = NULL;
	*n = 0;
	r = kiscsi_nl_open(&nl, err);
	if (r)
		return r;
	nlh = kiscsi_nl_request(&nl, buf, KISCSI_CMD_SESSION_GET,
				NLM_F_DUMP | NLM_F_ACK);
	r = kiscsi_nl_talk(&nl, nlh, list_cb, &l, "listing sessions", err);
	kiscsi_nl_close(&nl);
	if (!r && l.nomem)
		r = kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	if (r) {
		free(l.v);
		return r;
	}
	*list = l.v;
	*n = l.n;
	return 0;
}

int kiscsi_session_destroy(uint32_t session_id, struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct kiscsi_nl nl;
	struct nlmsghdr *nlh;
	int r;

	snprintf(what, sizeof(what), "logging out session %u", session_id);
	r = kiscsi_nl_open(&nl, err);
	if (r)
		return r;
	nlh = kiscsi_nl_request(&nl, buf, KISCSI_CMD_SESSION_DESTROY,
				NLM_F_ACK);
	mnl_attr_put_u32(nlh, KISCSI_A_SESSION_ID, session_id);
	r = kiscsi_nl_talk(&nl, nlh, NULL, NULL, what, err);
	kiscsi_nl_close(&nl);
	if (r && nl.last_errno == ENOENT) {
		/* already logging out (listed, not found): wait for it too */
		r = session_listed(session_id, err);
		if (r == 0)
			return kiscsi_err(err, KISCSI_E_NOSESSION,
					  "%s: no such session", what);
		if (r < 0)
			return r;
	} else if (r) {
		return r;
	}
	r = wait_session(session_id, WAIT_GONE, err);
	if (!r)
		kiscsi_session_record_remove(session_id);
	return r;
}

int kiscsi_session_find(bool (*match)(const struct kiscsi_session_info *s,
				      const void *arg),
			const void *arg, struct kiscsi_session_info *found,
			struct kiscsi_error *err)
{
	struct kiscsi_session_info *v;
	size_t n, i;
	int r;

	r = kiscsi_session_list(&v, &n, err);
	if (r)
		return r;
	for (i = 0; i < n && !match(&v[i], arg); i++)
		;
	if (i < n)
		*found = v[i];
	free(v);
	return i < n;
}

static bool has_id(const struct kiscsi_session_info *s, const void *arg)
{
	return s->session_id == *(const uint32_t *)arg;
}

int kiscsi_session_get(uint32_t id, struct kiscsi_session_info *found,
		       struct kiscsi_error *err)
{
	return kiscsi_session_find(has_id, &id, found, err);
}

/* 1 if the dump lists the session (in any state), 0 if not. */
static int session_listed(uint32_t id, struct kiscsi_error *err)
{
	struct kiscsi_session_info s;

	return kiscsi_session_get(id, &s, err);
}

/*
 * The kernel answers SESSION_CREATE and SESSION_DESTROY at once and scans
 * or logs out in the background (a generic netlink request must not wait
 * on the network): wait here until the first LUN scan has ended, or the
 * session is gone.  Polled, briefly at first: a scan takes milliseconds
 * when the target answers.
 */
static int wait_session(uint32_t id, enum wait_for what,
			struct kiscsi_error *err)
{
	struct kiscsi_session_info s;
	unsigned int polls;
	int r;

	for (polls = 0;; polls++) {
		r = kiscsi_session_get(id, &s, err);
		if (r < 0)
			return r;
		if (what == WAIT_GONE && !r)
			return 0;
		if (what == WAIT_SCAN && !r)
			return kiscsi_err(err, KISCSI_E_KERNEL,
					  "session %u was logged out during its LUN scan",
					  id);
		if (what == WAIT_SCAN &&
		    (s.scanning != 1 || s.state == KISCSI_STATE_LOGGING_OUT))
			return 0;
		usleep(polls < 100 ? 10000 : 100000);
	}
}

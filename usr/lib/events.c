// SPDX-License-Identifier: LGPL-2.1-or-later
/* Listening to the kernel's events group: one struct kiscsi_event_msg each. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/kiscsi.h>
#include <linux/netlink.h>

#include "error.h"
#include "netlink.h"

const char *kiscsi_event_name(int event)
{
	static const char *const names[] = {
		[KISCSI_EVENT_SESSION_CREATED] = "session_created",
		[KISCSI_EVENT_SESSION_DESTROYED] = "session_destroyed",
		[KISCSI_EVENT_CONN_FAILED] = "conn_failed",
		[KISCSI_EVENT_SESSION_TIMED_OUT] = "session_timed_out",
		[KISCSI_EVENT_ASYNC] = "async",
		[KISCSI_EVENT_REJECT] = "reject",
		[KISCSI_EVENT_TMF] = "tmf",
		[KISCSI_EVENT_RESCAN] = "rescan",
		[KISCSI_EVENT_SCAN_DONE] = "scan_done",
		[KISCSI_EVENT_CONN_RESTORED] = "conn_restored",
	};

	if (event <= 0 || event >= (int)(sizeof(names) / sizeof(names[0])) ||
	    !names[event])
		return "unknown";
	return names[event];
}

const char *kiscsi_conn_error_name(uint32_t reason)
{
	static const char *const names[] = {
		[KISCSI_ERR_NONE] = "none",
		[KISCSI_ERR_CONN_CLOSED] = "conn_closed",
		[KISCSI_ERR_SOCKET] = "socket",
		[KISCSI_ERR_PROTOCOL] = "protocol",
		[KISCSI_ERR_HDR_DIGEST] = "header_digest",
		[KISCSI_ERR_DATA_DIGEST] = "data_digest",
		[KISCSI_ERR_NOP_TIMEOUT] = "nop_timeout",
		[KISCSI_ERR_TARGET_LOGOUT] = "target_logout",
		[KISCSI_ERR_LOCAL] = "local",
	};

	if (reason >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[reason];
}

int kiscsi_events_open(struct kiscsi_nl *n, struct kiscsi_error *err)
{
	int r = kiscsi_nl_open(n, err);

	if (r)
		return r;
	if (!n->events_group) {
		kiscsi_nl_close(n);
		return kiscsi_err(err, KISCSI_E_KERNEL,
				  "the kiscsi module has no events group");
	}
	if (mnl_socket_setsockopt(n->sock, NETLINK_ADD_MEMBERSHIP,
				  &n->events_group,
				  sizeof(n->events_group)) < 0) {
		r = kiscsi_err(err, KISCSI_E_KERNEL,
			       "cannot join the kiscsi events group: %s",
			       strerror(errno));
		kiscsi_nl_close(n);
	}
	return r;
}

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(dst, size, "%s", mnl_attr_get_str(a));
}

static int event_attr_cb(const struct nlattr *a, void *data)
{
	struct kiscsi_event_msg *ev = data;
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case KISCSI_A_EVENT:
		if (len == 1)
			ev->event = mnl_attr_get_u8(a);
		break;
	case KISCSI_A_SESSION_ID:
		if (len == 4)
			ev->session_id = mnl_attr_get_u32(a);
		break;
	case KISCSI_A_HOST_NO:
		if (len == 4)
			ev->host_no = mnl_attr_get_u32(a);
		break;
	case KISCSI_A_TARGET_NAME:
		copy_str(ev->target_name, sizeof(ev->target_name), a);
		break;
	case KISCSI_A_PORTAL_ADDR:
		copy_str(ev->portal_addr, sizeof(ev->portal_addr), a);
		break;
	case KISCSI_A_PORTAL_PORT:
		if (len == 2)
			ev->portal_port = mnl_attr_get_u16(a);
		break;
	case KISCSI_A_REASON:
		if (len == 4)
			ev->reason = mnl_attr_get_u32(a);
		break;
	case KISCSI_A_TIME2WAIT:
		if (len == 2)
			ev->time2wait = mnl_attr_get_u16(a);
		break;
	case KISCSI_A_OUTAGE_MS:
		if (len == 4)
			ev->outage_ms = mnl_attr_get_u32(a);
		break;
	case KISCSI_A_ASYNC_EVENT:
		if (len == 1) {
			ev->has_async = true;
			ev->async_event = mnl_attr_get_u8(a);
		}
		break;
	case KISCSI_A_ASYNC_VCODE:
		if (len == 1)
			ev->async_vcode = mnl_attr_get_u8(a);
		break;
	case KISCSI_A_ASYNC_PARAM1:
	case KISCSI_A_ASYNC_PARAM2:
	case KISCSI_A_ASYNC_PARAM3:
		if (len == 2)
			ev->async_param[mnl_attr_get_type(a) -
					KISCSI_A_ASYNC_PARAM1] =
				mnl_attr_get_u16(a);
		break;
	case KISCSI_A_SENSE:
		ev->sense_len = len < sizeof(ev->sense) ? len : sizeof(ev->sense);
		memcpy(ev->sense, mnl_attr_get_payload(a), ev->sense_len);
		break;
	case KISCSI_A_REJECT_REASON:
		if (len == 1)
			ev->reject_reason = mnl_attr_get_u8(a);
		break;
	case KISCSI_A_REJECT_OPCODE:
		if (len == 1)
			ev->reject_opcode = mnl_attr_get_u8(a);
		break;
	case KISCSI_A_TMF_FUNCTION:
		if (len == 1)
			ev->tmf_function = mnl_attr_get_u8(a);
		break;
	case KISCSI_A_TMF_RESPONSE:
		if (len == 1)
			ev->tmf_response = mnl_attr_get_u8(a);
		break;
	}
	return MNL_CB_OK;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)) ||
	    g->cmd != KISCSI_CMD_EVENT)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*g), event_attr_cb, data);
	return MNL_CB_STOP;
}

int kiscsi_events_read(struct kiscsi_nl *n, struct kiscsi_event_msg *ev,
		       int timeout_ms, struct kiscsi_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(n->sock),
			      .events = POLLIN };

	for (;;) {
		ssize_t len;
		int r;

		r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return kiscsi_err(err, KISCSI_E_KERNEL, "poll: %s",
					  strerror(errno));
		if (r == 0)
			return 0;
		len = mnl_socket_recvfrom(n->sock, buf, sizeof(buf));
		if (len < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;	/* overrun: go on with the next */
			return kiscsi_err(err, KISCSI_E_KERNEL,
					  "netlink receive: %s",
					  strerror(errno));
		}
		memset(ev, 0, sizeof(*ev));
		ev->reject_reason = -1;
		ev->tmf_function = -1;
		ev->tmf_response = -1;
		ev->time2wait = -1;
		ev->outage_ms = -1;
		if (mnl_cb_run(buf, (size_t)len, 0, 0, event_cb, ev) >= 0 &&
		    ev->event)
			return 1;
	}
}

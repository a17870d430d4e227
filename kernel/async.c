// SPDX-License-Identifier: GPL-2.0
/*
 * What the target tells us unasked: Asynchronous Messages, Reject PDUs,
 * and the unit attentions that mean the session's LUNs or a disk's
 * capacity changed.  Each is logged once, forwarded to the events group
 * and acted on; none of them can make the initiator touch memory it does
 * not own.  Called from the connection's io_work.
 */
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_common.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_iscsi.h>

#include "kiscsi.h"
#include "compat.h"

/* RFC 7143 11.17.1; iscsi_proto.h stops at 0x0b */
#define KISCSI_REASON_WAITING_FOR_LOGOUT	0x0c

/* Capacity changed: revalidate every disk of the session. */
void kiscsi_rescan_work(struct work_struct *work)
{
	struct kiscsi_session *s = container_of(work, struct kiscsi_session,
						rescan_work);
	struct scsi_device *sdev;

	shost_for_each_device(sdev, s->shost)
		scsi_rescan_device(sdev);
}

static void kiscsi_rescan(struct kiscsi_conn *conn, bool luns)
{
	struct kiscsi_session *s = conn->session;
	struct kiscsi_event_info ev;

	conn->stats.rescans++;
	if (luns)
		/* the class's scan finds LUNs that appeared */
		queue_work(s->cls_session->workq, &s->cls_session->scan_work);
	else
		/* not on a reclaim workqueue: revalidation waits for PM work */
		queue_work(system_long_wq, &s->rescan_work);
	kiscsi_event_init(&ev, KISCSI_EVENT_RESCAN);
	kiscsi_notify_info(s, &ev);
}

/*
 * Sense data from a SCSI Response or an async SCSI event: REPORTED LUNS
 * DATA HAS CHANGED (3F/0E) rescans the LUNs, CAPACITY DATA HAS CHANGED
 * (2A/09) the disks.
 */
void kiscsi_check_sense(struct kiscsi_conn *conn, const u8 *sense, u32 len)
{
	struct scsi_sense_hdr sshdr;

	if (!scsi_normalize_sense(sense, len, &sshdr) ||
	    sshdr.sense_key != UNIT_ATTENTION)
		return;
	if (sshdr.asc == 0x3f && sshdr.ascq == 0x0e)
		kiscsi_rescan(conn, true);
	else if (sshdr.asc == 0x2a && sshdr.ascq == 0x09)
		kiscsi_rescan(conn, false);
}

static const char *const kiscsi_async_names[] = {
	[ISCSI_ASYNC_MSG_SCSI_EVENT]		= "SCSI event",
	[ISCSI_ASYNC_MSG_REQUEST_LOGOUT]	= "logout requested",
	[ISCSI_ASYNC_MSG_DROPPING_CONNECTION]	= "dropping the connection",
	[ISCSI_ASYNC_MSG_DROPPING_ALL_CONNECTIONS] = "dropping all connections",
	[ISCSI_ASYNC_MSG_PARAM_NEGOTIATION]	= "renegotiation requested",
};

static const char *kiscsi_async_name(u8 event)
{
	if (event < ARRAY_SIZE(kiscsi_async_names))
		return kiscsi_async_names[event];
	return event == ISCSI_ASYNC_MSG_VENDOR_SPECIFIC ? "vendor specific" :
	       "unknown";
}

/* The target wants us gone: log out this connection, then recover. */
static void kiscsi_async_logout(struct kiscsi_conn *conn, u16 wait)
{
	if (conn->target_logout || test_bit(KISCSI_TX_LOGOUT, &conn->tx_bits))
		return;
	WRITE_ONCE(conn->target_logout, true);
	conn->logout_reason = ISCSI_LOGOUT_REASON_CLOSE_CONNECTION;
	/* Parameter3: seconds the target waits for the Logout */
	WRITE_ONCE(conn->logout_deadline, jiffies + max_t(u16, wait, 1) * HZ);
	set_bit(KISCSI_TX_LOGOUT, &conn->tx_bits);
	/* nop_work enforces the deadline */
	queue_delayed_work(kiscsi_wq, &conn->nop_work, HZ);
}

int kiscsi_rx_async(struct kiscsi_conn *conn)
{
	struct iscsi_async *hdr = (struct iscsi_async *)conn->rx.hdr;
	struct kiscsi_session *s = conn->session;
	struct kiscsi_event_info ev;
	u16 p1 = be16_to_cpu(hdr->param1);
	u16 p2 = be16_to_cpu(hdr->param2);
	u16 p3 = be16_to_cpu(hdr->param3);
	u32 sense_len = 0;

	kiscsi_rx_statsn(conn, hdr);
	conn->stats.async_events++;
	if (hdr->async_event == ISCSI_ASYNC_MSG_SCSI_EVENT &&
	    conn->rx.dlen >= 2) {
		sense_len = get_unaligned_be16(conn->rx.buf);
		if (sense_len > conn->rx.dlen - 2)
			return kiscsi_rx_protocol_error(conn, "SenseLength %u in a %u-byte async message",
							sense_len,
							conn->rx.dlen);
		sense_len = min_t(u32, sense_len, KISCSI_RX_BUF - 2);
	}

	if (__ratelimit(&s->target_msg_rs))
		iscsi_cls_session_printk(KERN_INFO, s->cls_session,
					 "kiscsi: session %u to %s: async message from the target: %s (event %u, vcode %u, parameters %u %u %u)\n",
					 s->id, s->target_name,
					 kiscsi_async_name(hdr->async_event),
					 hdr->async_event, hdr->async_vcode, p1, p2,
					 p3);
	kiscsi_event_init(&ev, KISCSI_EVENT_ASYNC);
	ev.async = hdr;
	ev.sense = conn->rx.buf + 2;
	ev.sense_len = sense_len;
	kiscsi_notify_info(s, &ev);

	switch (hdr->async_event) {
	case ISCSI_ASYNC_MSG_SCSI_EVENT:
		if (sense_len)
			kiscsi_check_sense(conn, conn->rx.buf + 2, sense_len);
		return 0;
	case ISCSI_ASYNC_MSG_REQUEST_LOGOUT:
	case ISCSI_ASYNC_MSG_PARAM_NEGOTIATION:
		/*
		 * Renegotiation would need a Text Request, and the kernel
		 * parses no text keys: log out as for a logout request, and
		 * the relogin negotiates anew.
		 */
		kiscsi_async_logout(conn, p3);
		return 0;
	case ISCSI_ASYNC_MSG_DROPPING_CONNECTION:
	case ISCSI_ASYNC_MSG_DROPPING_ALL_CONNECTIONS:
		/* the target closes it: recover after Parameter2 seconds */
		conn->time2wait = min_t(u16, p2, 3600);
		conn->rx_error = KISCSI_ERR_TARGET_LOGOUT;
		return -ECONNRESET;
	default:
		/* vendor specific: nothing to do in-kernel */
		return 0;
	}
}

static const char *const kiscsi_reject_names[] = {
	[ISCSI_REASON_CMD_BEFORE_LOGIN]		= "command before login",
	[ISCSI_REASON_DATA_DIGEST_ERROR]	= "data digest error",
	[ISCSI_REASON_DATA_SNACK_REJECT]	= "SNACK rejected",
	[ISCSI_REASON_PROTOCOL_ERROR]		= "protocol error",
	[ISCSI_REASON_CMD_NOT_SUPPORTED]	= "command not supported",
	[ISCSI_REASON_IMM_CMD_REJECT]		= "too many immediate commands",
	[ISCSI_REASON_TASK_IN_PROGRESS]		= "task in progress",
	[ISCSI_REASON_INVALID_SNACK]		= "invalid data ack",
	[ISCSI_REASON_BOOKMARK_INVALID]		= "invalid PDU field",
	[ISCSI_REASON_BOOKMARK_NO_RESOURCES]	= "out of resources",
	[ISCSI_REASON_NEGOTIATION_RESET]	= "negotiation reset",
	[KISCSI_REASON_WAITING_FOR_LOGOUT]	= "waiting for logout",
};

static const char *kiscsi_reject_name(u8 reason)
{
	if (reason < ARRAY_SIZE(kiscsi_reject_names) &&
	    kiscsi_reject_names[reason])
		return kiscsi_reject_names[reason];
	return "unknown reason";
}

/*
 * A command the target refused to start: it did nothing with it, so the
 * midlayer may retry it (at once if the target was only out of room).
 */
static void kiscsi_reject_cmd(struct kiscsi_conn *conn,
			      struct kiscsi_cmd *cmd, u8 reason)
{
	struct scsi_cmnd *sc = cmd->sc;

	if (reason == ISCSI_REASON_IMM_CMD_REJECT ||
	    reason == ISCSI_REASON_BOOKMARK_NO_RESOURCES)
		sc->result = DID_IMM_RETRY << 16;
	else
		sc->result = DID_ERROR << 16;
	kiscsi_cmd_complete(conn, cmd);
}

int kiscsi_rx_reject(struct kiscsi_conn *conn)
{
	struct iscsi_reject *hdr = (struct iscsi_reject *)conn->rx.hdr;
	struct kiscsi_session *s = conn->session;
	const struct iscsi_hdr *bad = (const struct iscsi_hdr *)conn->rx.buf;
	struct kiscsi_event_info ev;
	struct kiscsi_cmd *cmd;
	u8 opcode;
	u32 itt;

	kiscsi_rx_statsn(conn, hdr);
	conn->stats.rejects++;
	if (conn->rx.dlen < ISCSI_HDR_LEN)
		return kiscsi_rx_protocol_error(conn, "Reject without the rejected header");
	opcode = bad->opcode & ISCSI_OPCODE_MASK;
	itt = be32_to_cpu((__force __be32)bad->itt);

	if (__ratelimit(&s->target_msg_rs))
		iscsi_cls_session_printk(KERN_WARNING, s->cls_session,
					 "kiscsi: session %u to %s: target rejected a PDU (opcode 0x%02x, ITT 0x%08x): %s (reason 0x%02x)\n",
					 s->id, s->target_name, opcode, itt,
					 kiscsi_reject_name(hdr->reason), hdr->reason);
	kiscsi_event_init(&ev, KISCSI_EVENT_REJECT);
	ev.reject_reason = hdr->reason;
	ev.reject_opcode = opcode;
	kiscsi_notify_info(s, &ev);

	switch (hdr->reason) {
	case ISCSI_REASON_CMD_NOT_SUPPORTED:
	case ISCSI_REASON_IMM_CMD_REJECT:
	case ISCSI_REASON_TASK_IN_PROGRESS:
	case ISCSI_REASON_BOOKMARK_NO_RESOURCES:
		break;
	case KISCSI_REASON_WAITING_FOR_LOGOUT:
		kiscsi_async_logout(conn, 0);
		return 0;
	case ISCSI_REASON_DATA_DIGEST_ERROR:
		/* at ErrorRecoveryLevel 0 the lost Data-Out is not resent */
		conn->stats.digest_errors++;
		conn->rx_error = KISCSI_ERR_DATA_DIGEST;
		return -EPROTO;
	default:
		/* the target and we disagree about the protocol (logged above) */
		conn->stats.protocol_errors++;
		conn->rx_error = KISCSI_ERR_PROTOCOL;
		return -EPROTO;
	}

	/* a refused request: end what it started, if it is ours and live */
	switch (opcode) {
	case ISCSI_OP_SCSI_CMD:
		cmd = kiscsi_rx_find_cmd(conn, bad->itt);
		if (cmd)
			kiscsi_reject_cmd(conn, cmd, hdr->reason);
		return 0;
	case ISCSI_OP_NOOP_OUT:
		/* our ping came back refused: the target is alive */
		if (itt == conn->ping_itt)
			WRITE_ONCE(conn->ping_sent, 0);
		return 0;
	case ISCSI_OP_SCSI_TMFUNC:
		kiscsi_tmf_rejected(conn, itt);
		return 0;
	default:
		/* a Logout times out by itself */
		return 0;
	}
}

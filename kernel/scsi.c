// SPDX-License-Identifier: GPL-2.0
/*
 * The SCSI side: host template, queuecommand and error handling.
 *
 * queuecommand formats the command and queues it; ITT and CmdSN are
 * assigned as it is sent, which keeps commands on the wire in CmdSN order.
 * On 6.1 queuecommand runs under RCU and must not sleep: io_work sends.
 * On 6.12 a host created with kiscsi.inline_send on may sleep there
 * (queuecommand_may_block) and sends inline when the connection is idle
 * (kiscsi_conn_send_inline); one created with it off dispatches as on
 * 6.1, which puts that path under the 6.12 debug kernel's checkers.
 */
#include <linux/blkdev.h>
#include <linux/rcupdate.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_iscsi.h>

#include "kiscsi.h"
#include "compat.h"

static int kiscsi_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *sc)
{
	struct kiscsi_session *s = shost_priv(shost);
	struct kiscsi_conn *conn = &s->conn;
	struct kiscsi_cmd *cmd = scsi_cmd_priv(sc);
	int reason;

	reason = iscsi_session_chkready(s->cls_session);
	if (unlikely(reason)) {
		sc->result = reason;
		scsi_done(sc);
		return 0;
	}
	if (unlikely(sc->sc_data_direction == DMA_BIDIRECTIONAL)) {
		sc->result = DID_ERROR << 16;
		scsi_done(sc);
		return 0;
	}

	cmd->sc = sc;
	kiscsi_cmd_prepare(conn, cmd);

	/* the error path waits for this section before it drains req_list */
	rcu_read_lock();
	if (unlikely(READ_ONCE(conn->state) != KISCSI_CONN_UP)) {
		rcu_read_unlock();
		return SCSI_MLQUEUE_TARGET_BUSY;
	}
	llist_add(&cmd->lnode, &conn->req_list);
	rcu_read_unlock();
#ifdef KISCSI_HAVE_INLINE_SEND
	/*
	 * Not for a request that request-based dm-multipath cloned: it is
	 * dispatched under dm's own queue's RCU read lock, which must not
	 * sleep whatever our queue says (blk_insert_cloned_request), and
	 * sending takes the socket lock.  Clones, like passthrough requests,
	 * have an end_io; ordinary I/O has none.
	 */
	if (shost->queuecommand_may_block && !scsi_cmd_to_rq(sc)->end_io) {
		kiscsi_conn_send_inline(conn);
		return 0;
	}
#endif
	kiscsi_conn_kick(conn);
	return 0;
}

/*
 * A command is done: forget its ITT.  If one of its PDUs is still on the
 * wire, its buffer is still being read: io_work completes it when that PDU
 * has left.
 */
void kiscsi_cmd_complete(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd)
{
	conn->tasks[scsi_cmd_to_rq(cmd->sc)->tag] = NULL;
	cmd->itt = ISCSI_RESERVED_TAG;
	kiscsi_tx_drop_cmd(conn, cmd);
	if (cmd->flags & KISCSI_CMD_SENDING) {
		cmd->flags |= KISCSI_CMD_DONE;
		return;
	}
	scsi_done(cmd->sc);
}

/* While the session is down, the recovery timer decides, not the SCSI one. */
static kiscsi_eh_timeout_t kiscsi_eh_timed_out(struct scsi_cmnd *sc)
{
	struct kiscsi_session *s = shost_priv(sc->device->host);

	if (READ_ONCE(s->conn.state) != KISCSI_CONN_UP &&
	    READ_ONCE(s->cls_session->state) == ISCSI_SESSION_FAILED)
		return KISCSI_EH_RESET_TIMER;
	return KISCSI_EH_NOT_HANDLED;
}

/* A data digest needs pages that do not change while they are sent. */
#ifdef KISCSI_HAVE_DEVICE_CONFIGURE
static int kiscsi_device_configure(struct scsi_device *sdev,
				   struct queue_limits *lim)
{
	struct kiscsi_session *s = shost_priv(sdev->host);

	if (s->p.data_digest)
		lim->features |= BLK_FEAT_STABLE_WRITES;
	return 0;
}
#else
static int kiscsi_slave_configure(struct scsi_device *sdev)
{
	struct kiscsi_session *s = shost_priv(sdev->host);

	if (s->p.data_digest)
		blk_queue_flag_set(QUEUE_FLAG_STABLE_WRITES,
				   sdev->request_queue);
	return 0;
}
#endif

static KISCSI_SHT_CONST struct scsi_host_template kiscsi_sht = {
	.module			= THIS_MODULE,
	.name			= "kiscsi",
	.proc_name		= "kiscsi",
	.queuecommand		= kiscsi_queuecommand,
	.eh_timed_out		= kiscsi_eh_timed_out,
	.eh_abort_handler	= kiscsi_eh_abort,
	.eh_device_reset_handler = kiscsi_eh_device_reset,
	.eh_target_reset_handler = kiscsi_eh_target_reset,
	.eh_host_reset_handler	= kiscsi_eh_host_reset,
#ifdef KISCSI_HAVE_DEVICE_CONFIGURE
	.device_configure	= kiscsi_device_configure,
#else
	.slave_configure	= kiscsi_slave_configure,
#endif
	.can_queue		= 128,
	.this_id		= -1,
	.sg_tablesize		= 4096,
	.max_sectors		= 0xffff,
	.cmd_size		= sizeof(struct kiscsi_cmd),
	.track_queue_depth	= 1,
};

struct Scsi_Host *kiscsi_host_alloc(u16 queue_depth)
{
	struct Scsi_Host *shost;

	shost = scsi_host_alloc(&kiscsi_sht, sizeof(struct kiscsi_session));
	if (!shost)
		return NULL;
	shost->transportt = kiscsi_scsi_transport;
	shost->max_id = 1;
	shost->max_channel = 0;
	shost->max_lun = 512;
	shost->max_cmd_len = KISCSI_MAX_CDB;
	shost->can_queue = queue_depth;
	shost->cmd_per_lun = queue_depth;
#ifdef KISCSI_HAVE_INLINE_SEND
	shost->queuecommand_may_block = kiscsi_inline_send_enabled();
#endif
	return shost;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Task management and the SCSI error handler.
 *
 * The EH thread queues one request (ABORT TASK, LOGICAL UNIT RESET or
 * TARGET WARM RESET) and waits, bounded by the session's TMF timeout;
 * io_work sends it and handles the response, because io_work owns the
 * task table.  A handler returns SUCCESS only once kiscsi holds no
 * reference to the commands it gave up: the midlayer reuses them at once.
 * A request that times out is forgotten (a late response is ignored) and
 * the midlayer escalates; the last step, host reset, drops the connection.
 */
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_iscsi.h>

#include "kiscsi.h"

void kiscsi_tmf_init(struct kiscsi_tmf *tmf)
{
	mutex_init(&tmf->mutex);
	spin_lock_init(&tmf->lock);
	init_completion(&tmf->done);
	tmf->state = KISCSI_TMF_IDLE;
}

static const char *kiscsi_tmf_name(u8 function)
{
	switch (function) {
	case ISCSI_TM_FUNC_ABORT_TASK:
		return "ABORT TASK";
	case ISCSI_TM_FUNC_LOGICAL_UNIT_RESET:
		return "LOGICAL UNIT RESET";
	case ISCSI_TM_FUNC_TARGET_WARM_RESET:
		return "TARGET WARM RESET";
	default:
		return "task management";
	}
}

static const char *kiscsi_tmf_response_name(int response)
{
	switch (response) {
	case ISCSI_TMF_RSP_COMPLETE:
		return "function complete";
	case ISCSI_TMF_RSP_NO_TASK:
		return "task does not exist";
	case ISCSI_TMF_RSP_NO_LUN:
		return "LUN does not exist";
	case ISCSI_TMF_RSP_TASK_ALLEGIANT:
		return "task still allegiant";
	case ISCSI_TMF_RSP_NO_FAILOVER:
		return "task reassignment not supported";
	case ISCSI_TMF_RSP_NOT_SUPPORTED:
		return "function not supported";
	case ISCSI_TMF_RSP_AUTH_FAILED:
		return "function authorization failed";
	case ISCSI_TMF_RSP_REJECTED:
		return "function rejected";
	case KISCSI_TMF_RSP_CONN_LOST:
		return "connection lost";
	default:
		return "no response";
	}
}

/* Under tmf->lock. */
static void kiscsi_tmf_finish(struct kiscsi_tmf *tmf, int response)
{
	tmf->response = response;
	tmf->state = KISCSI_TMF_DONE;
	tmf->wait_tx = NULL;
	complete(&tmf->done);
}

/* io_work: send the queued request, or settle it without the target. */
bool kiscsi_tx_tmf(struct kiscsi_conn *conn)
{
	struct kiscsi_tmf *tmf = &conn->tmf;
	struct iscsi_tm *hdr = (struct iscsi_tm *)conn->ctl_hdr;
	u32 rtt = ISCSI_RESERVED_TAG, refcmdsn = 0;
	struct kiscsi_cmd *ref;

	spin_lock(&tmf->lock);
	if (tmf->state != KISCSI_TMF_QUEUED) {
		spin_unlock(&tmf->lock);
		return false;
	}
	if (tmf->function == ISCSI_TM_FUNC_ABORT_TASK) {
		ref = tmf->ref;
		kiscsi_tx_take_requests(conn);
		if (ref->itt == ISCSI_RESERVED_TAG) {
			/* not sent yet (take it back), or already done */
			if (!list_empty(&ref->entry)) {
				list_del_init(&ref->entry);
				kiscsi_tmf_finish(tmf, ISCSI_TMF_RSP_COMPLETE);
			} else if (ref->flags & KISCSI_CMD_SENDING) {
				/*
				 * Its response came while a Data-Out PDU of
				 * it is still leaving: the EH gets it back
				 * when the buffer is no longer read, and no
				 * late completion of ours follows.
				 */
				ref->flags &= ~KISCSI_CMD_DONE;
				ref->flags |= KISCSI_CMD_ABORTED;
				tmf->response = ISCSI_TMF_RSP_NO_TASK;
				tmf->wait_tx = ref;
				tmf->state = KISCSI_TMF_WAIT_TX;
			} else {
				kiscsi_tmf_finish(tmf, ISCSI_TMF_RSP_NO_TASK);
			}
			spin_unlock(&tmf->lock);
			return false;
		}
		rtt = ref->itt;
		refcmdsn = ref->cmdsn;
	}
	tmf->itt = kiscsi_conn_task_itt(conn, KISCSI_TASK_TMF);
	tmf->state = KISCSI_TMF_SENT;
	spin_unlock(&tmf->lock);

	memset(hdr, 0, sizeof(*hdr));
	hdr->opcode = ISCSI_OP_SCSI_TMFUNC | ISCSI_OP_IMMEDIATE;
	hdr->flags = ISCSI_FLAG_CMD_FINAL |
		     (tmf->function & ISCSI_FLAG_TM_FUNC_MASK);
	if (tmf->function != ISCSI_TM_FUNC_TARGET_WARM_RESET)
		int_to_scsilun(tmf->lun, &hdr->lun);
	hdr->itt = cpu_to_be32(tmf->itt);
	hdr->rtt = cpu_to_be32(rtt);
	hdr->cmdsn = cpu_to_be32(conn->cmdsn);
	hdr->exp_statsn = cpu_to_be32(conn->exp_statsn);
	hdr->refcmdsn = cpu_to_be32(refcmdsn);
	conn->stats.tmfs++;
	kiscsi_tx_setup(conn, hdr, ISCSI_HDR_LEN, NULL, 0, 0, NULL);
	return true;
}

static bool kiscsi_tmf_affects(const struct kiscsi_tmf *tmf,
			       const struct kiscsi_cmd *cmd)
{
	switch (tmf->function) {
	case ISCSI_TM_FUNC_ABORT_TASK:
		return cmd == tmf->ref;
	case ISCSI_TM_FUNC_LOGICAL_UNIT_RESET:
		return cmd->sc->device->lun == tmf->lun;
	default:
		return true;
	}
}

/*
 * The target ended the tasks the request covered: forget them.  The
 * aborted command belongs to the EH and is not completed; a reset's other
 * victims go back to the midlayer for a retry.  Returns the command whose
 * PDU is still leaving, if one is affected: its buffer is in use until then.
 */
static struct kiscsi_cmd *kiscsi_tmf_end_tasks(struct kiscsi_conn *conn)
{
	struct kiscsi_tmf *tmf = &conn->tmf;
	struct kiscsi_cmd *cmd, *tmp, *sending = NULL;
	u16 tag;

	for (tag = 0; tag < conn->session->p.queue_depth; tag++) {
		cmd = conn->tasks[tag];
		if (!cmd || !kiscsi_tmf_affects(tmf, cmd))
			continue;
		if (cmd->flags & KISCSI_CMD_SENDING)
			sending = cmd;
		if (cmd == tmf->ref) {
			conn->tasks[tag] = NULL;
			cmd->itt = ISCSI_RESERVED_TAG;
			kiscsi_tx_drop_cmd(conn, cmd);
			if (cmd->flags & KISCSI_CMD_SENDING)
				cmd->flags |= KISCSI_CMD_ABORTED;
			continue;
		}
		cmd->sc->result = DID_RESET << 16;
		kiscsi_cmd_complete(conn, cmd);
	}
	/*
	 * Commands still waiting for the CmdSN window were never sent: a
	 * reset ends them here too, or one whose abort timed out while the
	 * socket was full would stay listed after the EH took it back, and
	 * its requeue would re-initialise a linked list entry.
	 */
	kiscsi_tx_take_requests(conn);
	list_for_each_entry_safe(cmd, tmp, &conn->cmd_list, entry) {
		if (!kiscsi_tmf_affects(tmf, cmd))
			continue;
		list_del_init(&cmd->entry);
		if (cmd == tmf->ref)
			continue;
		cmd->sc->result = DID_RESET << 16;
		scsi_done(cmd->sc);
	}
	return sending;
}

static void kiscsi_tmf_notify(struct kiscsi_conn *conn, u8 function,
			      int response)
{
	struct kiscsi_event_info ev;

	kiscsi_event_init(&ev, KISCSI_EVENT_TMF);
	ev.tmf_function = function;
	ev.tmf_response = response;
	kiscsi_notify_info(conn->session, &ev);
}

int kiscsi_rx_tmf_rsp(struct kiscsi_conn *conn)
{
	struct iscsi_tm_rsp *hdr = (struct iscsi_tm_rsp *)conn->rx.hdr;
	struct kiscsi_tmf *tmf = &conn->tmf;
	u32 itt = be32_to_cpu((__force __be32)hdr->itt);
	struct kiscsi_cmd *sending = NULL;
	bool ended;
	u8 function;

	if (conn->rx.dlen)
		return kiscsi_rx_protocol_error(conn, "TMF Response with a data segment");
	if ((itt & ~(KISCSI_ITT_GEN_MASK << KISCSI_ITT_GEN_SHIFT)) !=
	    (KISCSI_ITT_CONN_TASK | KISCSI_TASK_TMF))
		return kiscsi_rx_protocol_error(conn, "TMF Response for no request of ours");
	kiscsi_rx_statsn(conn, hdr);

	spin_lock(&tmf->lock);
	if (tmf->state != KISCSI_TMF_SENT || tmf->itt != itt) {
		/* the answer to a request that timed out: nobody waits */
		spin_unlock(&tmf->lock);
		return 0;
	}
	function = tmf->function;
	ended = hdr->response == ISCSI_TMF_RSP_COMPLETE ||
		(function == ISCSI_TM_FUNC_ABORT_TASK &&
		 hdr->response == ISCSI_TMF_RSP_NO_TASK);
	if (ended)
		sending = kiscsi_tmf_end_tasks(conn);
	if (sending) {
		tmf->response = hdr->response;
		tmf->wait_tx = sending;
		tmf->state = KISCSI_TMF_WAIT_TX;
	} else {
		kiscsi_tmf_finish(tmf, hdr->response);
	}
	spin_unlock(&tmf->lock);
	kiscsi_tmf_notify(conn, function, hdr->response);
	return 0;
}

/* io_work: a command's PDU has left; the request may have waited for it. */
void kiscsi_tmf_tx_done(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd)
{
	struct kiscsi_tmf *tmf = &conn->tmf;

	spin_lock(&tmf->lock);
	if (tmf->state == KISCSI_TMF_WAIT_TX && tmf->wait_tx == cmd)
		kiscsi_tmf_finish(tmf, tmf->response);
	spin_unlock(&tmf->lock);
}

/* io_work: the target rejected the request. */
void kiscsi_tmf_rejected(struct kiscsi_conn *conn, u32 itt)
{
	struct kiscsi_tmf *tmf = &conn->tmf;

	spin_lock(&tmf->lock);
	if (tmf->state == KISCSI_TMF_SENT && tmf->itt == itt)
		kiscsi_tmf_finish(tmf, ISCSI_TMF_RSP_REJECTED);
	spin_unlock(&tmf->lock);
}

/* Teardown: every task is given back, the request has nothing left. */
void kiscsi_tmf_conn_lost(struct kiscsi_conn *conn)
{
	struct kiscsi_tmf *tmf = &conn->tmf;

	spin_lock(&tmf->lock);
	if (tmf->state != KISCSI_TMF_IDLE && tmf->state != KISCSI_TMF_DONE)
		kiscsi_tmf_finish(tmf, KISCSI_TMF_RSP_CONN_LOST);
	spin_unlock(&tmf->lock);
}

/* EH thread: run one request; returns its response. */
static int kiscsi_tmf_exec(struct kiscsi_session *s, u8 function, u64 lun,
			   struct kiscsi_cmd *ref)
{
	struct kiscsi_conn *conn = &s->conn;
	struct kiscsi_tmf *tmf = &conn->tmf;
	bool unsafe = false;
	int response;

	mutex_lock(&tmf->mutex);
	spin_lock(&tmf->lock);
	tmf->function = function;
	tmf->lun = lun;
	tmf->ref = ref;
	tmf->itt = 0;
	tmf->response = -1;
	tmf->wait_tx = NULL;
	tmf->state = KISCSI_TMF_QUEUED;
	reinit_completion(&tmf->done);
	spin_unlock(&tmf->lock);

	if (__ratelimit(&s->target_msg_rs))
		iscsi_cls_session_printk(KERN_INFO, s->cls_session,
					 "kiscsi: session %u to %s: %s (LUN %llu%s)\n",
					 s->id, s->target_name,
					 kiscsi_tmf_name(function), lun,
					 ref ? ", a timed-out command" : "");
	if (READ_ONCE(conn->state) == KISCSI_CONN_UP) {
		set_bit(KISCSI_TX_TMF, &conn->tx_bits);
		kiscsi_conn_kick(conn);
	} else {
		/* teardown may have run before the request was queued */
		kiscsi_tmf_conn_lost(conn);
	}

	if (!wait_for_completion_timeout(&tmf->done, s->p.tmf_timeout * HZ)) {
		spin_lock(&tmf->lock);
		if (tmf->state != KISCSI_TMF_DONE) {
			/* answered, but a PDU of its task is stuck in TCP */
			unsafe = tmf->state == KISCSI_TMF_WAIT_TX;
			tmf->state = KISCSI_TMF_IDLE;
			tmf->response = -1;
		}
		spin_unlock(&tmf->lock);
		conn->stats.tmf_timeouts++;
	}
	spin_lock(&tmf->lock);
	response = tmf->response;
	tmf->state = KISCSI_TMF_IDLE;
	tmf->ref = NULL;
	spin_unlock(&tmf->lock);
	mutex_unlock(&tmf->mutex);

	if (response < 0)
		kiscsi_tmf_notify(conn, function, 0xff);
	if (__ratelimit(&s->target_msg_rs))
		iscsi_cls_session_printk(response == ISCSI_TMF_RSP_COMPLETE ?
					 KERN_INFO : KERN_WARNING, s->cls_session,
					 "kiscsi: session %u to %s: %s (LUN %llu): %s\n",
					 s->id, s->target_name,
					 kiscsi_tmf_name(function), lun,
					 response < 0 ? "no response in time" :
					 kiscsi_tmf_response_name(response));
	if (unsafe) {
		/* only dropping the connection frees that buffer */
		kiscsi_conn_fail(conn, KISCSI_ERR_LOCAL);
		flush_work(&conn->err_work);
		response = KISCSI_TMF_RSP_CONN_LOST;
	}
	return response;
}

/*
 * The connection went down under the request: teardown gave every command
 * back.  Wait, like every handler, for the session to recover or fail.
 */
static int kiscsi_eh_conn_lost(struct kiscsi_session *s, struct scsi_cmnd *sc)
{
	flush_work(&s->conn.err_work);
	return iscsi_block_scsi_eh(sc) ?: SUCCESS;
}

static int kiscsi_eh_tmf(struct scsi_cmnd *sc, u8 function,
			 struct kiscsi_cmd *ref)
{
	struct kiscsi_session *s = shost_priv(sc->device->host);
	int ret, response;

	ret = iscsi_block_scsi_eh(sc);
	if (ret)
		return ret;
	response = kiscsi_tmf_exec(s, function, sc->device->lun, ref);
	switch (response) {
	case ISCSI_TMF_RSP_COMPLETE:
		return SUCCESS;
	case ISCSI_TMF_RSP_NO_TASK:
		return function == ISCSI_TM_FUNC_ABORT_TASK ? SUCCESS : FAILED;
	case KISCSI_TMF_RSP_CONN_LOST:
		return kiscsi_eh_conn_lost(s, sc);
	default:
		return FAILED;
	}
}

int kiscsi_eh_abort(struct scsi_cmnd *sc)
{
	return kiscsi_eh_tmf(sc, ISCSI_TM_FUNC_ABORT_TASK, scsi_cmd_priv(sc));
}

int kiscsi_eh_device_reset(struct scsi_cmnd *sc)
{
	return kiscsi_eh_tmf(sc, ISCSI_TM_FUNC_LOGICAL_UNIT_RESET, NULL);
}

int kiscsi_eh_target_reset(struct scsi_cmnd *sc)
{
	return kiscsi_eh_tmf(sc, ISCSI_TM_FUNC_TARGET_WARM_RESET, NULL);
}

/*
 * Last resort: drop the connection, which gives every command back, and
 * wait for the session to come back (or for its recovery timeout).
 */
int kiscsi_eh_host_reset(struct scsi_cmnd *sc)
{
	struct kiscsi_session *s = shost_priv(sc->device->host);

	iscsi_cls_session_printk(KERN_WARNING, s->cls_session,
				 "kiscsi: session %u to %s: host reset, dropping the connection\n",
				 s->id, s->target_name);
	kiscsi_conn_fail(&s->conn, KISCSI_ERR_LOCAL);
	flush_work(&s->conn.err_work);
	return iscsi_block_scsi_eh(sc) ? FAILED : SUCCESS;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: picks the next PDU (control PDUs first, then Data-Out, then new
 * commands while the CmdSN window is open) and sends it without blocking,
 * resuming where it stopped when the socket has room again.  Runs only in
 * the connection's io_work.
 */
#include <linux/highmem.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>

#include "kiscsi.h"
#include "compat.h"
#include "digest.h"

static const u8 kiscsi_zero_pad[ISCSI_PAD_LEN];

static inline u32 kiscsi_pad(u32 len)
{
	return (ISCSI_PAD_LEN - (len & (ISCSI_PAD_LEN - 1))) &
	       (ISCSI_PAD_LEN - 1);
}

static const struct kiscsi_params *conn_params(struct kiscsi_conn *conn)
{
	return &conn->session->p;
}

/*
 * Format the SCSI Command PDU when the command is queued.  ITT, CmdSN and
 * ExpStatSN are filled in when it is sent.
 */
void kiscsi_cmd_prepare(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd)
{
	const struct kiscsi_params *p = conn_params(conn);
	struct iscsi_scsi_req *hdr = (struct iscsi_scsi_req *)cmd->hdr;
	struct scsi_cmnd *sc = cmd->sc;
	u32 ahs_len = 0;

	cmd->itt = ISCSI_RESERVED_TAG;
	INIT_LIST_HEAD(&cmd->entry);
	cmd->len = scsi_bufflen(sc);
	cmd->imm_len = 0;
	cmd->unsol_off = 0;
	cmd->unsol_end = 0;
	cmd->unsol_datasn = 0;
	cmd->rx_done = 0;
	cmd->exp_datasn = 0;
	cmd->exp_r2tsn = 0;
	cmd->r2t_head = 0;
	cmd->r2t_count = 0;
	cmd->flags = 0;

	memset(hdr, 0, sizeof(*hdr));
	hdr->opcode = ISCSI_OP_SCSI_CMD;
	hdr->flags = ISCSI_FLAG_CMD_FINAL | ISCSI_ATTR_SIMPLE;
	int_to_scsilun(sc->device->lun, &hdr->lun);
	hdr->data_length = cpu_to_be32(cmd->len);

	if (sc->cmd_len > ISCSI_CDB_SIZE) {
		struct iscsi_ecdb_ahdr *ecdb = (struct iscsi_ecdb_ahdr *)(hdr + 1);
		u32 rlen = sc->cmd_len - ISCSI_CDB_SIZE;

		/* AHSLength counts the reserved byte and the CDB's tail */
		ecdb->ahslength = cpu_to_be16(rlen + 1);
		ecdb->ahstype = ISCSI_AHSTYPE_CDB;
		ecdb->reserved = 0;
		memcpy(ecdb->ecdb, sc->cmnd + ISCSI_CDB_SIZE, rlen);
		memset(ecdb->ecdb + rlen, 0, kiscsi_pad(rlen));
		ahs_len = 4 + rlen + kiscsi_pad(rlen);
		hdr->hlength = ahs_len / 4;
	}
	memcpy(hdr->cdb, sc->cmnd, min_t(u32, sc->cmd_len, ISCSI_CDB_SIZE));
	cmd->hdr_len = ISCSI_HDR_LEN + ahs_len;

	if (sc->sc_data_direction == DMA_TO_DEVICE && cmd->len) {
		hdr->flags |= ISCSI_FLAG_CMD_WRITE;
		if (p->immediate_data)
			cmd->imm_len = min3(cmd->len, p->first_burst,
					    p->max_xmit_dlen);
		cmd->unsol_off = cmd->imm_len;
		cmd->unsol_end = p->initial_r2t ? cmd->imm_len :
				 min(cmd->len, p->first_burst);
		/* F: no unsolicited Data-Out follows */
		if (cmd->unsol_end > cmd->imm_len)
			hdr->flags &= ~ISCSI_FLAG_CMD_FINAL;
		hton24(hdr->dlength, cmd->imm_len);
	} else if (sc->sc_data_direction == DMA_FROM_DEVICE && cmd->len) {
		hdr->flags |= ISCSI_FLAG_CMD_READ;
	}
}

static bool kiscsi_cmd_has_data(const struct kiscsi_cmd *cmd)
{
	return cmd->unsol_off < cmd->unsol_end || cmd->r2t_count;
}

/* The command is done: it sends nothing more. */
void kiscsi_tx_drop_cmd(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd)
{
	if (cmd->flags & KISCSI_CMD_QUEUED_DATA) {
		list_del_init(&cmd->entry);
		cmd->flags &= ~KISCSI_CMD_QUEUED_DATA;
	}
}

/*
 * An R2T arrived, or a PDU of the command left: queue its next Data-Out.
 * At the tail, so the commands with data to send take turns a PDU at a
 * time.  Each gets a Data-Out in every round, which keeps a target's
 * per-R2T Data-Out timer fed (LIO's is 3 s and, at ErrorRecoveryLevel 0,
 * drops the connection): neither a newer R2T nor a long burst ahead of it
 * can hold a command back for longer than one round.
 */
void kiscsi_tx_queue_data(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd)
{
	if (!(cmd->flags & (KISCSI_CMD_QUEUED_DATA | KISCSI_CMD_SENDING)) &&
	    kiscsi_cmd_has_data(cmd)) {
		list_add_tail(&cmd->entry, &conn->data_list);
		cmd->flags |= KISCSI_CMD_QUEUED_DATA;
	}
}

/*
 * @hdr has room for a header digest after @hdr_len bytes: every header
 * buffer is sized for one.
 */
void kiscsi_tx_setup(struct kiscsi_conn *conn, void *hdr, u32 hdr_len,
		     struct kiscsi_cmd *cmd, u32 data_off, u32 data_len,
		     void (*done)(struct kiscsi_conn *conn))
{
	const struct kiscsi_params *p = conn_params(conn);
	struct kiscsi_tx *tx = &conn->tx;

	memset(tx, 0, sizeof(*tx));
	if (p->hdr_digest) {
		kiscsi_put_digest(hdr + hdr_len,
				  kiscsi_crc(KISCSI_CRC_SEED, hdr, hdr_len));
		hdr_len += KISCSI_DIGEST_LEN;
	}
	tx->active = true;
	tx->hdr = hdr;
	tx->hdr_len = hdr_len;
	tx->data_digest = p->data_digest && data_len;
	tx->crc = KISCSI_CRC_SEED;
	tx->cmd = cmd;
	tx->data_off = data_off;
	tx->data_len = data_len;
	tx->pad_len = kiscsi_pad(data_len);
	tx->done = done;
	if (data_len)
		tx->sg = kiscsi_sg_seek(scsi_sglist(cmd->sc), data_off,
					&tx->sg_off);
	if (cmd)
		cmd->flags |= KISCSI_CMD_SENDING;
}

static void kiscsi_tx_cmd_done(struct kiscsi_conn *conn)
{
	struct kiscsi_cmd *cmd = conn->tx.cmd;

	cmd->flags &= ~KISCSI_CMD_SENDING;
	if (cmd->flags & (KISCSI_CMD_DONE | KISCSI_CMD_ABORTED)) {
		/* an aborted command belongs to the SCSI EH: not completed */
		if (cmd->flags & KISCSI_CMD_DONE)
			scsi_done(cmd->sc);
		cmd->flags = 0;
		kiscsi_tmf_tx_done(conn, cmd);
		return;
	}
	kiscsi_tx_queue_data(conn, cmd);
}

static void kiscsi_tx_nop_reply_done(struct kiscsi_conn *conn)
{
	conn->nop_reply_count--;
	memmove(&conn->nop_replies[0], &conn->nop_replies[1],
		conn->nop_reply_count * sizeof(conn->nop_replies[0]));
}

u32 kiscsi_conn_task_itt(struct kiscsi_conn *conn, enum kiscsi_conn_task task)
{
	u32 gen = conn->itt_gen++ & KISCSI_ITT_GEN_MASK;

	return KISCSI_ITT_CONN_TASK | gen << KISCSI_ITT_GEN_SHIFT | task;
}

/* NOP-Out: our ping (itt != reserved) or the answer to the target's. */
static void kiscsi_tx_nop_out(struct kiscsi_conn *conn, u32 itt, u32 ttt,
			      const struct scsi_lun *lun,
			      void (*done)(struct kiscsi_conn *conn))
{
	struct iscsi_nopout *hdr = (struct iscsi_nopout *)conn->ctl_hdr;

	memset(hdr, 0, sizeof(*hdr));
	hdr->opcode = ISCSI_OP_NOOP_OUT | ISCSI_OP_IMMEDIATE;
	hdr->flags = ISCSI_FLAG_CMD_FINAL;
	if (lun)
		hdr->lun = *lun;
	hdr->itt = cpu_to_be32(itt);
	hdr->ttt = cpu_to_be32(ttt);
	hdr->cmdsn = cpu_to_be32(conn->cmdsn);
	hdr->exp_statsn = cpu_to_be32(conn->exp_statsn);
	kiscsi_tx_setup(conn, hdr, ISCSI_HDR_LEN, NULL, 0, 0, done);
}

static void kiscsi_tx_logout(struct kiscsi_conn *conn)
{
	struct iscsi_logout *hdr = (struct iscsi_logout *)conn->ctl_hdr;

	conn->logout_itt = kiscsi_conn_task_itt(conn, KISCSI_TASK_LOGOUT);
	memset(hdr, 0, sizeof(*hdr));
	hdr->opcode = ISCSI_OP_LOGOUT | ISCSI_OP_IMMEDIATE;
	hdr->flags = ISCSI_FLAG_CMD_FINAL |
		     (conn->logout_reason & ISCSI_FLAG_LOGOUT_REASON_MASK);
	hdr->itt = cpu_to_be32(conn->logout_itt);
	hdr->cid = 0;
	hdr->cmdsn = cpu_to_be32(conn->cmdsn);
	hdr->exp_statsn = cpu_to_be32(conn->exp_statsn);
	kiscsi_tx_setup(conn, hdr, ISCSI_HDR_LEN, NULL, 0, 0, NULL);
}

/* The next Data-Out of a command: unsolicited burst first, then R2Ts. */
static void kiscsi_tx_data_out(struct kiscsi_conn *conn,
			       struct kiscsi_cmd *cmd)
{
	const struct kiscsi_params *p = conn_params(conn);
	struct iscsi_data *hdr = (struct iscsi_data *)conn->data_hdr;
	u32 offset, len, ttt, datasn;
	bool final;

	if (cmd->unsol_off < cmd->unsol_end) {
		offset = cmd->unsol_off;
		len = min(cmd->unsol_end - offset, p->max_xmit_dlen);
		ttt = ISCSI_RESERVED_TAG;
		datasn = cmd->unsol_datasn++;
		cmd->unsol_off += len;
		final = cmd->unsol_off == cmd->unsol_end;
	} else {
		struct kiscsi_r2t *r2t = &cmd->r2t[cmd->r2t_head];

		offset = r2t->offset + r2t->sent;
		len = min(r2t->len - r2t->sent, p->max_xmit_dlen);
		ttt = r2t->ttt;
		datasn = r2t->datasn++;
		r2t->sent += len;
		final = r2t->sent == r2t->len;
		if (final) {
			cmd->r2t_head = (cmd->r2t_head + 1) % KISCSI_MAX_R2T;
			cmd->r2t_count--;
		}
	}

	memset(hdr, 0, sizeof(*hdr));
	hdr->opcode = ISCSI_OP_SCSI_DATA_OUT;
	hdr->flags = final ? ISCSI_FLAG_CMD_FINAL : 0;
	hton24(hdr->dlength, len);
	hdr->lun = ((struct iscsi_scsi_req *)cmd->hdr)->lun;
	hdr->itt = cpu_to_be32(cmd->itt);
	hdr->ttt = cpu_to_be32(ttt);
	hdr->exp_statsn = cpu_to_be32(conn->exp_statsn);
	hdr->datasn = cpu_to_be32(datasn);
	hdr->offset = cpu_to_be32(offset);
	kiscsi_tx_setup(conn, hdr, ISCSI_HDR_LEN, cmd, offset, len,
			kiscsi_tx_cmd_done);
}

/* A new command takes the next CmdSN and an ITT as it goes out. */
static void kiscsi_tx_command(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd)
{
	struct iscsi_scsi_req *hdr = (struct iscsi_scsi_req *)cmd->hdr;
	u32 tag = scsi_cmd_to_rq(cmd->sc)->tag;
	u32 gen = conn->itt_gen++ & KISCSI_ITT_GEN_MASK;

	cmd->itt = gen << KISCSI_ITT_GEN_SHIFT | tag;
	cmd->cmdsn = conn->cmdsn++;
	hdr->itt = cpu_to_be32(cmd->itt);
	hdr->cmdsn = cpu_to_be32(cmd->cmdsn);
	hdr->exp_statsn = cpu_to_be32(conn->exp_statsn);
	conn->tasks[tag] = cmd;
	conn->stats.scsi_cmds++;
	kiscsi_tx_setup(conn, hdr, cmd->hdr_len, cmd, 0, cmd->imm_len,
			kiscsi_tx_cmd_done);
}

static bool kiscsi_window_open(struct kiscsi_conn *conn)
{
	return iscsi_sna_lte(conn->cmdsn, conn->max_cmdsn);
}

/* Move what queuecommand queued to cmd_list, oldest first. */
void kiscsi_tx_take_requests(struct kiscsi_conn *conn)
{
	struct llist_node *reqs = llist_del_all(&conn->req_list);
	struct kiscsi_cmd *cmd, *tmp;

	if (!reqs)
		return;
	reqs = llist_reverse_order(reqs);
	llist_for_each_entry_safe(cmd, tmp, reqs, lnode)
		list_add_tail(&cmd->entry, &conn->cmd_list);
}

/* Is there another PDU to send after the current one? */
static bool kiscsi_tx_more(struct kiscsi_conn *conn)
{
	/* a NOP-In reply leaves the count only once it has been sent */
	unsigned int replies = conn->nop_reply_count -
		(conn->tx.active && conn->tx.done == kiscsi_tx_nop_reply_done);

	return replies || conn->tx_bits ||
	       !list_empty(&conn->data_list) ||
	       (!list_empty(&conn->cmd_list) && kiscsi_window_open(conn));
}

/* Set up the next PDU to send; false if there is none. */
static bool kiscsi_tx_next(struct kiscsi_conn *conn)
{
	struct kiscsi_cmd *cmd;

	if (conn->nop_reply_count) {
		struct kiscsi_nop_reply *r = &conn->nop_replies[0];

		kiscsi_tx_nop_out(conn, ISCSI_RESERVED_TAG, r->ttt, &r->lun,
				  kiscsi_tx_nop_reply_done);
		return true;
	}
	if (test_and_clear_bit(KISCSI_TX_PING, &conn->tx_bits)) {
		conn->ping_itt = kiscsi_conn_task_itt(conn, KISCSI_TASK_NOP);
		kiscsi_tx_nop_out(conn, conn->ping_itt, ISCSI_RESERVED_TAG,
				  NULL, NULL);
		return true;
	}
	if (test_and_clear_bit(KISCSI_TX_TMF, &conn->tx_bits) &&
	    kiscsi_tx_tmf(conn))
		return true;
	if (test_and_clear_bit(KISCSI_TX_LOGOUT, &conn->tx_bits)) {
		kiscsi_tx_logout(conn);
		return true;
	}
	cmd = list_first_entry_or_null(&conn->data_list, struct kiscsi_cmd,
				       entry);
	if (cmd) {
		list_del_init(&cmd->entry);
		cmd->flags &= ~KISCSI_CMD_QUEUED_DATA;
		kiscsi_tx_data_out(conn, cmd);
		return true;
	}
	kiscsi_tx_take_requests(conn);
	cmd = list_first_entry_or_null(&conn->cmd_list, struct kiscsi_cmd,
				       entry);
	if (!cmd)
		return false;
	if (!kiscsi_window_open(conn)) {
		/* once per closing, however often io_work looks */
		if (!conn->window_shut) {
			conn->window_shut = true;
			conn->stats.cmdsn_window_waits++;
		}
		return false;
	}
	conn->window_shut = false;
	list_del_init(&cmd->entry);
	kiscsi_tx_command(conn, cmd);
	return true;
}

static int kiscsi_send_buf(struct kiscsi_conn *conn, const void *buf,
			   size_t len, int flags)
{
	struct msghdr msg = { .msg_flags = flags };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };

	return kernel_sendmsg(conn->sock, &msg, &iov, 1, len);
}

/*
 * With a data digest, the bytes are copied into the socket rather than
 * spliced (a spliced page is read again later, when the digest is long
 * sent), and the disks ask for stable pages so the bytes cannot change
 * between the copy and the digest.  Pages TCP cannot hold are copied too.
 */
static int kiscsi_tx_copy_page(struct kiscsi_conn *conn, struct page *page,
			       u32 off, u32 len, int flags)
{
	void *addr = kmap_local_page(page);
	int ret;

	ret = kiscsi_send_buf(conn, addr + off, len, flags);
	if (ret > 0) {
		if (conn->tx.data_digest)
			conn->tx.crc = kiscsi_crc(conn->tx.crc, addr + off, ret);
		conn->stats.tx_copied_bytes += ret;
	}
	kunmap_local(addr);
	return ret;
}

/*
 * Send what is left of the current PDU.  Returns 1 when it is all out,
 * -EAGAIN when the socket is full, another error if the send failed.
 */
static int kiscsi_tx_xmit(struct kiscsi_conn *conn)
{
	struct kiscsi_tx *tx = &conn->tx;
	bool more = kiscsi_tx_more(conn);
	int flags, ret;

	while (tx->hdr_sent < tx->hdr_len) {
		flags = MSG_DONTWAIT;
		if (tx->data_len || more)
			flags |= MSG_MORE;
		ret = kiscsi_send_buf(conn, tx->hdr + tx->hdr_sent,
				      tx->hdr_len - tx->hdr_sent, flags);
		if (ret <= 0)
			return ret ?: -EAGAIN;
		tx->hdr_sent += ret;
	}

	while (tx->data_sent < tx->data_len) {
		struct scatterlist *sg = tx->sg;
		struct page *page;
		u32 off, n;

		if (unlikely(!sg))
			return -EIO;	/* buffer shorter than its length */
		if (tx->sg_off >= sg->length) {
			tx->sg = sg_next(sg);
			tx->sg_off = 0;
			continue;
		}
		off = sg->offset + tx->sg_off;
		page = nth_page(sg_page(sg), off >> PAGE_SHIFT);
		off &= ~PAGE_MASK;
		n = min3((u32)PAGE_SIZE - off, sg->length - tx->sg_off,
			 tx->data_len - tx->data_sent);
		flags = MSG_DONTWAIT | MSG_MORE;
		if (tx->data_sent + n == tx->data_len && !tx->pad_len &&
		    !tx->data_digest && !more)
			flags &= ~MSG_MORE;
		if (!tx->data_digest && kiscsi_page_can_splice(page, off, n))
			ret = kiscsi_send_page(conn->sock, page, off, n, flags);
		else
			ret = kiscsi_tx_copy_page(conn, page, off, n, flags);
		if (ret <= 0)
			return ret ?: -EAGAIN;
		tx->data_sent += ret;
		tx->sg_off += ret;
		conn->stats.tx_data_bytes += ret;
	}

	while (tx->pad_sent < tx->pad_len) {
		flags = MSG_DONTWAIT;
		if (tx->data_digest || more)
			flags |= MSG_MORE;
		ret = kiscsi_send_buf(conn, kiscsi_zero_pad,
				      tx->pad_len - tx->pad_sent, flags);
		if (ret <= 0)
			return ret ?: -EAGAIN;
		tx->pad_sent += ret;
	}

	if (tx->data_digest && !tx->ddgst_len) {
		tx->crc = kiscsi_crc(tx->crc, kiscsi_zero_pad, tx->pad_len);
		kiscsi_put_digest(tx->ddgst, tx->crc);
		tx->ddgst_len = KISCSI_DIGEST_LEN;
	}
	while (tx->ddgst_sent < tx->ddgst_len) {
		flags = MSG_DONTWAIT | (more ? MSG_MORE : 0);
		ret = kiscsi_send_buf(conn, tx->ddgst + tx->ddgst_sent,
				      tx->ddgst_len - tx->ddgst_sent, flags);
		if (ret <= 0)
			return ret ?: -EAGAIN;
		tx->ddgst_sent += ret;
	}

	tx->active = false;
	conn->stats.tx_pdus++;
	if (tx->done)
		tx->done(conn);
	return 1;
}

/* Returns the number of PDUs sent, or -EAGAIN/-errno if none could be. */
int kiscsi_try_send(struct kiscsi_conn *conn)
{
	int sent = 0, ret;

	while (sent < KISCSI_TX_BUDGET) {
		if (!conn->tx.active && !kiscsi_tx_next(conn))
			break;
		ret = kiscsi_tx_xmit(conn);
		if (ret < 0) {
			if (ret == -EAGAIN && sent)
				return sent;
			return ret;
		}
		sent++;
	}
	return sent;
}

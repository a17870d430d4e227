// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: the read_sock actor.  It assembles each PDU's BHS and AHS,
 * checks every field against what the initiator expects before anything
 * touches memory, copies Data-In straight into the command's scatterlist
 * and completes commands.  Any inconsistency fails the connection into
 * recovery.  Runs only in the connection's io_work, under the socket lock.
 */
#include <linux/highmem.h>
#include <linux/skbuff.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_iscsi.h>

#include "kiscsi.h"
#include "digest.h"

void kiscsi_rx_reset(struct kiscsi_conn *conn)
{
	struct kiscsi_rx *rx = &conn->rx;

	rx->state = KISCSI_RX_BHS;
	rx->have = 0;
	rx->cmd = NULL;
	rx->sg = NULL;
}

static struct iscsi_hdr *rx_hdr(struct kiscsi_conn *conn)
{
	return (struct iscsi_hdr *)conn->rx.hdr;
}

int kiscsi_rx_fail(struct kiscsi_conn *conn, int error, const char *fmt, ...)
{
	struct kiscsi_session *s = conn->session;
	struct iscsi_hdr *hdr = rx_hdr(conn);
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err_ratelimited("kiscsi: session %u to %s: bad PDU from target (opcode 0x%02x, ITT 0x%08x): %pV\n",
			   s->id, s->target_name,
			   hdr->opcode & ISCSI_OPCODE_MASK,
			   be32_to_cpu(hdr->itt), &vaf);
	va_end(args);
	conn->stats.protocol_errors++;
	conn->rx_error = error;
	return -EPROTO;
}

#define rx_protocol_error kiscsi_rx_protocol_error

/* ExpCmdSN and MaxCmdSN only move forward, and only as a valid window. */
static void kiscsi_rx_update_cmdsn(struct kiscsi_conn *conn,
				   const struct iscsi_hdr *hdr)
{
	const struct iscsi_nopin *h = (const struct iscsi_nopin *)hdr;
	u32 exp = be32_to_cpu(h->exp_cmdsn);
	u32 max = be32_to_cpu(h->max_cmdsn);

	if (iscsi_sna_lt(max, exp - 1))
		return;
	if (iscsi_sna_lt(conn->exp_cmdsn, exp))
		conn->exp_cmdsn = exp;
	if (iscsi_sna_lt(conn->max_cmdsn, max))
		conn->max_cmdsn = max;
}

void kiscsi_rx_statsn(struct kiscsi_conn *conn, const void *hdr)
{
	const struct iscsi_nopin *h = hdr;

	WRITE_ONCE(conn->exp_statsn, be32_to_cpu(h->statsn) + 1);
}

struct kiscsi_cmd *kiscsi_rx_find_cmd(struct kiscsi_conn *conn, itt_t itt_be)
{
	u32 itt = be32_to_cpu((__force __be32)itt_be);
	u32 tag = itt & KISCSI_ITT_TAG_MASK;
	struct kiscsi_cmd *cmd;

	if (itt & KISCSI_ITT_CONN_TASK || tag >= conn->session->p.queue_depth)
		return NULL;
	cmd = conn->tasks[tag];
	if (!cmd || cmd->itt != itt)
		return NULL;
	return cmd;
}

/* Status for a command, from a SCSI Response or a final Data-In. */
static int kiscsi_rx_complete(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd,
			      u8 response, u8 status, u8 flags, u32 residual)
{
	struct scsi_cmnd *sc = cmd->sc;
	u32 resid = 0;

	if ((flags & ISCSI_FLAG_CMD_UNDERFLOW) &&
	    (flags & ISCSI_FLAG_CMD_OVERFLOW))
		return rx_protocol_error(conn, "both underflow and overflow");

	if (response != ISCSI_STATUS_CMD_COMPLETED) {
		/* target failure: the command may be retried */
		sc->result = DID_ERROR << 16;
		goto done;
	}
	sc->result = status;
	if (flags & ISCSI_FLAG_CMD_UNDERFLOW) {
		if (residual > cmd->len)
			return rx_protocol_error(conn, "residual %u exceeds the transfer length %u",
						 residual, cmd->len);
		resid = residual;
	}
	/* a read reported good must have delivered every byte it claims */
	if (sc->sc_data_direction == DMA_FROM_DEVICE &&
	    status == SAM_STAT_GOOD && cmd->rx_done < cmd->len - resid)
		return rx_protocol_error(conn, "good status after %u of %u bytes",
					 cmd->rx_done, cmd->len - resid);
	scsi_set_resid(sc, resid);
done:
	kiscsi_cmd_complete(conn, cmd);
	return 0;
}

static int kiscsi_rx_data_in_hdr(struct kiscsi_conn *conn)
{
	struct iscsi_data_rsp *hdr = (struct iscsi_data_rsp *)rx_hdr(conn);
	struct kiscsi_rx *rx = &conn->rx;
	struct kiscsi_cmd *cmd;
	u32 offset = be32_to_cpu(hdr->offset);

	cmd = kiscsi_rx_find_cmd(conn, hdr->itt);
	if (!cmd)
		return rx_protocol_error(conn, "Data-In for no live command");
	if (cmd->sc->sc_data_direction != DMA_FROM_DEVICE)
		return rx_protocol_error(conn, "Data-In for a command that reads nothing");
	if (be32_to_cpu(hdr->datasn) != cmd->exp_datasn)
		return rx_protocol_error(conn, "DataSN %u, expected %u",
					 be32_to_cpu(hdr->datasn),
					 cmd->exp_datasn);
	if (offset != cmd->rx_done)
		return rx_protocol_error(conn, "Data-In at offset %u, expected %u",
					 offset, cmd->rx_done);
	if (rx->dlen > cmd->len - offset)
		return rx_protocol_error(conn, "Data-In of %u bytes at %u beyond the %u-byte buffer",
					 rx->dlen, offset, cmd->len);
	if ((hdr->flags & ISCSI_FLAG_DATA_STATUS) &&
	    !(hdr->flags & ISCSI_FLAG_CMD_FINAL))
		return rx_protocol_error(conn, "Data-In with status but not final");

	cmd->exp_datasn++;
	rx->cmd = cmd;
	if (rx->dlen)
		rx->sg = kiscsi_sg_seek(scsi_sglist(cmd->sc), offset,
					&rx->sg_off);
	return 0;
}

static int kiscsi_rx_data_in_done(struct kiscsi_conn *conn)
{
	struct iscsi_data_rsp *hdr = (struct iscsi_data_rsp *)rx_hdr(conn);
	struct kiscsi_cmd *cmd = conn->rx.cmd;

	cmd->rx_done += conn->rx.dlen;
	conn->stats.rx_data_bytes += conn->rx.dlen;
	if (!(hdr->flags & ISCSI_FLAG_DATA_STATUS))
		return 0;
	kiscsi_rx_statsn(conn, hdr);
	return kiscsi_rx_complete(conn, cmd, ISCSI_STATUS_CMD_COMPLETED,
				  hdr->cmd_status, hdr->flags,
				  be32_to_cpu(hdr->residual_count));
}

static int kiscsi_rx_scsi_rsp_done(struct kiscsi_conn *conn)
{
	struct iscsi_scsi_rsp *hdr = (struct iscsi_scsi_rsp *)rx_hdr(conn);
	struct kiscsi_rx *rx = &conn->rx;
	struct kiscsi_cmd *cmd;
	u32 sense_len = 0;

	cmd = kiscsi_rx_find_cmd(conn, hdr->itt);
	if (!cmd)
		return rx_protocol_error(conn, "SCSI Response for no live command");
	kiscsi_rx_statsn(conn, hdr);

	if (rx->dlen) {
		if (rx->dlen < 2)
			return rx_protocol_error(conn, "data segment too short for SenseLength");
		sense_len = rx->buf[0] << 8 | rx->buf[1];
		if (sense_len > rx->dlen - 2)
			return rx_protocol_error(conn, "SenseLength %u in a %u-byte segment",
						 sense_len, rx->dlen);
	}
	memset(cmd->sc->sense_buffer, 0, SCSI_SENSE_BUFFERSIZE);
	if (sense_len) {
		sense_len = min3(sense_len, (u32)SCSI_SENSE_BUFFERSIZE,
				 (u32)KISCSI_RX_BUF - 2);
		memcpy(cmd->sc->sense_buffer, rx->buf + 2, sense_len);
		if (hdr->response == ISCSI_STATUS_CMD_COMPLETED &&
		    hdr->cmd_status == SAM_STAT_CHECK_CONDITION)
			kiscsi_check_sense(conn, rx->buf + 2, sense_len);
	}
	return kiscsi_rx_complete(conn, cmd, hdr->response, hdr->cmd_status,
				  hdr->flags, be32_to_cpu(hdr->residual_count));
}

static int kiscsi_rx_r2t(struct kiscsi_conn *conn)
{
	struct iscsi_r2t_rsp *hdr = (struct iscsi_r2t_rsp *)rx_hdr(conn);
	const struct kiscsi_params *p = &conn->session->p;
	u32 offset = be32_to_cpu(hdr->data_offset);
	u32 len = be32_to_cpu(hdr->data_length);
	struct kiscsi_cmd *cmd;
	struct kiscsi_r2t *r2t;

	if (conn->rx.dlen)
		return rx_protocol_error(conn, "R2T with a data segment");
	cmd = kiscsi_rx_find_cmd(conn, hdr->itt);
	if (!cmd)
		return rx_protocol_error(conn, "R2T for no live command");
	if (cmd->sc->sc_data_direction != DMA_TO_DEVICE)
		return rx_protocol_error(conn, "R2T for a command that writes nothing");
	if (be32_to_cpu(hdr->r2tsn) != cmd->exp_r2tsn)
		return rx_protocol_error(conn, "R2TSN %u, expected %u",
					 be32_to_cpu(hdr->r2tsn),
					 cmd->exp_r2tsn);
	if (!len || len > p->max_burst)
		return rx_protocol_error(conn, "R2T for %u bytes (MaxBurstLength %u)",
					 len, p->max_burst);
	if (offset > cmd->len || len > cmd->len - offset)
		return rx_protocol_error(conn, "R2T for %u bytes at %u beyond the %u-byte buffer",
					 len, offset, cmd->len);
	if (cmd->r2t_count >= min_t(u32, p->max_r2t, KISCSI_MAX_R2T))
		return rx_protocol_error(conn, "more than %u outstanding R2Ts",
					 min_t(u32, p->max_r2t, KISCSI_MAX_R2T));
	if (hdr->ttt == cpu_to_be32(ISCSI_RESERVED_TAG))
		return rx_protocol_error(conn, "R2T with the reserved Target Transfer Tag");

	r2t = &cmd->r2t[(cmd->r2t_head + cmd->r2t_count) % KISCSI_MAX_R2T];
	r2t->ttt = be32_to_cpu(hdr->ttt);
	r2t->offset = offset;
	r2t->len = len;
	r2t->sent = 0;
	r2t->datasn = 0;
	cmd->r2t_count++;
	cmd->exp_r2tsn++;
	conn->stats.r2ts++;
	if (cmd->r2t_count > conn->stats.r2t_peak)
		conn->stats.r2t_peak = cmd->r2t_count;
	kiscsi_tx_queue_data(conn, cmd);
	return 0;
}

static int kiscsi_rx_nop_in_done(struct kiscsi_conn *conn)
{
	struct iscsi_nopin *hdr = (struct iscsi_nopin *)rx_hdr(conn);
	struct kiscsi_nop_reply *r;

	if (hdr->itt == cpu_to_be32(ISCSI_RESERVED_TAG)) {
		/* unsolicited: a ping from the target if it gave a TTT */
		if (hdr->ttt == cpu_to_be32(ISCSI_RESERVED_TAG))
			return 0;
		if (conn->nop_reply_count == KISCSI_NOP_REPLIES)
			return rx_protocol_error(conn, "too many unanswered pings");
		r = &conn->nop_replies[conn->nop_reply_count++];
		r->ttt = be32_to_cpu(hdr->ttt);
		r->lun = hdr->lun;
		return 0;
	}
	if (be32_to_cpu(hdr->itt) != conn->ping_itt || !conn->ping_sent)
		return rx_protocol_error(conn, "NOP-In for no ping of ours");
	kiscsi_rx_statsn(conn, hdr);
	WRITE_ONCE(conn->ping_sent, 0);
	return 0;
}

static int kiscsi_rx_logout_rsp(struct kiscsi_conn *conn)
{
	struct iscsi_logout_rsp *hdr = (struct iscsi_logout_rsp *)rx_hdr(conn);

	if (be32_to_cpu(hdr->itt) != conn->logout_itt || !conn->logout_itt)
		return rx_protocol_error(conn, "Logout response without a Logout");
	kiscsi_rx_statsn(conn, hdr);
	conn->logout_response = hdr->response;
	/* Time2Wait: how long the target wants us to wait for a relogin */
	if (hdr->response == ISCSI_LOGOUT_SUCCESS)
		conn->time2wait = min_t(u16, be16_to_cpu(hdr->t2wait), 3600);
	if (conn->target_logout) {
		/* the target asked us to go: recover on a new connection */
		conn->rx_error = KISCSI_ERR_TARGET_LOGOUT;
		return -ECONNRESET;
	}
	/* the target closes next: that is not a failure */
	cmpxchg(&conn->state, KISCSI_CONN_UP, KISCSI_CONN_DOWN);
	complete(&conn->logout_done);
	return 0;
}

static int kiscsi_rx_pdu_done(struct kiscsi_conn *conn);
static int kiscsi_rx_hdr(struct kiscsi_conn *conn);

/* BHS, AHS and header digest are in: check the digest first. */
static int kiscsi_rx_hdr_complete(struct kiscsi_conn *conn)
{
	struct kiscsi_rx *rx = &conn->rx;
	u32 len = ISCSI_HDR_LEN + rx->ahs_len;

	if (conn->session->p.hdr_digest &&
	    !kiscsi_digest_ok(rx->hdr + len,
			      kiscsi_crc(KISCSI_CRC_SEED, rx->hdr, len))) {
		conn->stats.digest_errors++;
		return kiscsi_rx_fail(conn, KISCSI_ERR_HDR_DIGEST,
				      "header digest mismatch");
	}
	if (rx->dlen > conn->session->p.max_recv_dlen)
		return rx_protocol_error(conn, "DataSegmentLength %u over MaxRecvDataSegmentLength %u",
					 rx->dlen, conn->session->p.max_recv_dlen);
	return kiscsi_rx_hdr(conn);
}

/* The header is complete: check it and prepare for its data segment. */
static int kiscsi_rx_hdr(struct kiscsi_conn *conn)
{
	struct iscsi_hdr *hdr = rx_hdr(conn);
	struct kiscsi_rx *rx = &conn->rx;
	int ret = 0;

	conn->stats.rx_pdus++;
	WRITE_ONCE(conn->last_rx, jiffies);
	rx->cmd = NULL;

	switch (hdr->opcode & ISCSI_OPCODE_MASK) {
	case ISCSI_OP_SCSI_DATA_IN:
		ret = kiscsi_rx_data_in_hdr(conn);
		break;
	case ISCSI_OP_R2T:
		ret = kiscsi_rx_r2t(conn);
		break;
	case ISCSI_OP_SCSI_CMD_RSP:
	case ISCSI_OP_NOOP_IN:
	case ISCSI_OP_LOGOUT_RSP:
	case ISCSI_OP_ASYNC_EVENT:
	case ISCSI_OP_REJECT:
	case ISCSI_OP_SCSI_TMFUNC_RSP:
		break;
	default:
		return rx_protocol_error(conn, "unexpected opcode");
	}
	if (ret)
		return ret;
	kiscsi_rx_update_cmdsn(conn, hdr);

	rx->state = KISCSI_RX_DATA;
	rx->have = 0;
	rx->crc = KISCSI_CRC_SEED;
	rx->data_end = rx->dlen + ((ISCSI_PAD_LEN - (rx->dlen & 3)) & 3);
	rx->data_total = rx->data_end;
	if (rx->dlen && conn->session->p.data_digest)
		rx->data_total += KISCSI_DIGEST_LEN;
	if (!rx->data_total)
		return kiscsi_rx_pdu_done(conn);
	return 0;
}

static int kiscsi_rx_pdu_done(struct kiscsi_conn *conn)
{
	struct iscsi_hdr *hdr = rx_hdr(conn);
	struct kiscsi_rx *rx = &conn->rx;
	int ret;

	if (rx->data_total > rx->data_end &&
	    !kiscsi_digest_ok(rx->ddgst, rx->crc)) {
		conn->stats.digest_errors++;
		return kiscsi_rx_fail(conn, KISCSI_ERR_DATA_DIGEST,
				      "data digest 0x%08x, computed 0x%08x",
				      get_unaligned_le32(rx->ddgst), ~rx->crc);
	}

	switch (hdr->opcode & ISCSI_OPCODE_MASK) {
	case ISCSI_OP_SCSI_DATA_IN:
		ret = kiscsi_rx_data_in_done(conn);
		break;
	case ISCSI_OP_SCSI_CMD_RSP:
		ret = kiscsi_rx_scsi_rsp_done(conn);
		break;
	case ISCSI_OP_NOOP_IN:
		ret = kiscsi_rx_nop_in_done(conn);
		break;
	case ISCSI_OP_LOGOUT_RSP:
		ret = kiscsi_rx_logout_rsp(conn);
		break;
	case ISCSI_OP_ASYNC_EVENT:
		ret = kiscsi_rx_async(conn);
		break;
	case ISCSI_OP_REJECT:
		ret = kiscsi_rx_reject(conn);
		break;
	case ISCSI_OP_SCSI_TMFUNC_RSP:
		ret = kiscsi_rx_tmf_rsp(conn);
		break;
	default:
		ret = 0;	/* R2T: handled with its header */
		break;
	}
	kiscsi_rx_reset(conn);
	return ret;
}

/* Copy Data-In bytes into the command's pages. */
static int kiscsi_rx_copy_sg(struct kiscsi_conn *conn, struct sk_buff *skb,
			     unsigned int offset, u32 len)
{
	struct kiscsi_rx *rx = &conn->rx;

	while (len) {
		struct scatterlist *sg = rx->sg;
		struct page *page;
		u32 off, n;
		void *addr;
		int ret;

		if (!sg)
			return rx_protocol_error(conn, "Data-In beyond the scatterlist");
		if (rx->sg_off >= sg->length) {
			rx->sg = sg_next(sg);
			rx->sg_off = 0;
			continue;
		}
		off = sg->offset + rx->sg_off;
		page = nth_page(sg_page(sg), off >> PAGE_SHIFT);
		off &= ~PAGE_MASK;
		n = min3((u32)PAGE_SIZE - off, sg->length - rx->sg_off, len);
		addr = kmap_local_page(page);
		ret = skb_copy_bits(skb, offset, addr + off, n);
		if (!ret && conn->session->p.data_digest)
			rx->crc = kiscsi_crc(rx->crc, addr + off, n);
		kunmap_local(addr);
		if (ret)
			return kiscsi_rx_fail(conn, KISCSI_ERR_SOCKET,
					      "short socket buffer");
		flush_dcache_page(page);
		offset += n;
		len -= n;
		rx->sg_off += n;
	}
	return 0;
}

/* Digest bytes of the socket buffer that are not kept anywhere. */
static int kiscsi_rx_digest_skb(struct kiscsi_conn *conn, struct sk_buff *skb,
				unsigned int offset, u32 len)
{
	u8 tmp[64];

	while (len) {
		u32 n = min_t(u32, len, sizeof(tmp));

		if (skb_copy_bits(skb, offset, tmp, n))
			return kiscsi_rx_fail(conn, KISCSI_ERR_SOCKET,
					      "short socket buffer");
		conn->rx.crc = kiscsi_crc(conn->rx.crc, tmp, n);
		offset += n;
		len -= n;
	}
	return 0;
}

/* Data segment bytes: into the command's pages or the small buffer. */
static int kiscsi_rx_segment(struct kiscsi_conn *conn, struct sk_buff *skb,
			     unsigned int offset, u32 take)
{
	struct kiscsi_rx *rx = &conn->rx;
	bool digest = conn->session->p.data_digest;
	u32 keep = 0;

	if (rx->cmd)
		return kiscsi_rx_copy_sg(conn, skb, offset, take);
	if (rx->have < KISCSI_RX_BUF) {
		keep = min_t(u32, take, KISCSI_RX_BUF - rx->have);
		if (skb_copy_bits(skb, offset, rx->buf + rx->have, keep))
			return kiscsi_rx_fail(conn, KISCSI_ERR_SOCKET,
					      "short socket buffer");
		if (digest)
			rx->crc = kiscsi_crc(rx->crc, rx->buf + rx->have, keep);
	}
	if (digest && take > keep)
		return kiscsi_rx_digest_skb(conn, skb, offset + keep,
					    take - keep);
	return 0;
}

/* @n bytes of data segment, padding and data digest, in that order. */
static int kiscsi_rx_data(struct kiscsi_conn *conn, struct sk_buff *skb,
			  unsigned int offset, u32 n)
{
	struct kiscsi_rx *rx = &conn->rx;
	int ret;

	while (n) {
		u32 take;

		if (rx->have < rx->dlen) {
			take = min(n, rx->dlen - rx->have);
			ret = kiscsi_rx_segment(conn, skb, offset, take);
		} else if (rx->have < rx->data_end) {
			take = min(n, rx->data_end - rx->have);
			ret = 0;
			if (conn->session->p.data_digest)
				ret = kiscsi_rx_digest_skb(conn, skb, offset,
							   take);
		} else {
			take = min(n, rx->data_total - rx->have);
			ret = skb_copy_bits(skb, offset,
					    rx->ddgst + rx->have - rx->data_end,
					    take);
			if (ret)
				ret = kiscsi_rx_fail(conn, KISCSI_ERR_SOCKET,
						     "short socket buffer");
		}
		if (ret)
			return ret;
		rx->have += take;
		offset += take;
		n -= take;
	}
	if (rx->have == rx->data_total)
		return kiscsi_rx_pdu_done(conn);
	return 0;
}

int kiscsi_recv_skb(read_descriptor_t *desc, struct sk_buff *skb,
		    unsigned int offset, size_t len)
{
	struct kiscsi_conn *conn = desc->arg.data;
	struct kiscsi_rx *rx = &conn->rx;
	size_t left = len;
	u32 n;
	int ret;

	while (left) {
		/* after a Logout response, or once failed, read nothing */
		if (READ_ONCE(conn->state) != KISCSI_CONN_UP) {
			desc->count = 0;
			return len - left;
		}
		switch (rx->state) {
		case KISCSI_RX_BHS:
			n = min_t(size_t, left, ISCSI_HDR_LEN - rx->have);
			if (skb_copy_bits(skb, offset, rx->hdr + rx->have, n))
				return kiscsi_rx_fail(conn, KISCSI_ERR_SOCKET,
						      "short socket buffer");
			rx->have += n;
			ret = 0;
			if (rx->have == ISCSI_HDR_LEN) {
				struct iscsi_hdr *hdr = rx_hdr(conn);

				rx->ahs_len = hdr->hlength * 4;
				rx->ext_len = rx->ahs_len;
				if (conn->session->p.hdr_digest)
					rx->ext_len += KISCSI_DIGEST_LEN;
				rx->dlen = ntoh24(hdr->dlength);
				rx->have = 0;
				if (rx->ahs_len > KISCSI_MAX_AHS)
					ret = rx_protocol_error(conn, "%u bytes of AHS",
								rx->ahs_len);
				else if (rx->ext_len)
					rx->state = KISCSI_RX_AHS;
				else
					ret = kiscsi_rx_hdr_complete(conn);
			}
			break;
		case KISCSI_RX_AHS:
			n = min_t(size_t, left, rx->ext_len - rx->have);
			if (skb_copy_bits(skb, offset,
					  rx->hdr + ISCSI_HDR_LEN + rx->have, n))
				return kiscsi_rx_fail(conn, KISCSI_ERR_SOCKET,
						      "short socket buffer");
			rx->have += n;
			ret = 0;
			if (rx->have == rx->ext_len)
				ret = kiscsi_rx_hdr_complete(conn);
			break;
		case KISCSI_RX_DATA:
		default:
			n = min_t(size_t, left, rx->data_total - rx->have);
			ret = kiscsi_rx_data(conn, skb, offset, n);
			break;
		}
		if (ret) {
			if (!conn->rx_error)
				conn->rx_error = KISCSI_ERR_PROTOCOL;
			desc->count = 0;
			return ret;
		}
		offset += n;
		left -= n;
	}
	return len;
}

#if IS_ENABLED(CONFIG_KUNIT)
#include "rx_kunit.c"
#endif

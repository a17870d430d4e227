// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the receive path's header checks: every field a target
 * sends is checked before it touches memory, and a bad one fails the
 * connection as a protocol error.  Included at the end of rx.c when the
 * kernel has KUnit (the debug kernel; the Debian kernels do not), so the
 * static checkers are tested as they are; the suite runs when kiscsi.ko
 * loads and its results are in debugfs (kunit/kiscsi-rx/results).
 */
#include <kunit/test.h>

struct rx_fixture {
	struct kiscsi_session *s;
	struct kiscsi_conn *conn;
	struct kiscsi_cmd *cmd;
	struct scsi_cmnd *sc;
};

#define FIX_TAG		3
#define FIX_GEN		5
#define FIX_ITT		(FIX_GEN << KISCSI_ITT_GEN_SHIFT | FIX_TAG)
#define FIX_LEN		65536

/* A logged-in connection with one live command (tag 3) of FIX_LEN bytes. */
static int rx_test_init(struct kunit *test)
{
	struct rx_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->s = kunit_kzalloc(test, sizeof(*f->s), GFP_KERNEL);
	f->cmd = kunit_kzalloc(test, sizeof(*f->cmd), GFP_KERNEL);
	f->sc = kunit_kzalloc(test, sizeof(*f->sc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->s);
	KUNIT_ASSERT_NOT_NULL(test, f->cmd);
	KUNIT_ASSERT_NOT_NULL(test, f->sc);
	f->conn = &f->s->conn;
	f->conn->session = f->s;
	strscpy(f->s->target_name, "iqn.2024-01.org.kiscsi:kunit",
		sizeof(f->s->target_name));
	f->s->p.queue_depth = 8;
	f->s->p.max_burst = 262144;
	f->s->p.max_r2t = 1;
	f->s->p.max_recv_dlen = 8192;
	f->conn->tasks = kunit_kcalloc(test, 8, sizeof(*f->conn->tasks),
				       GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->conn->tasks);
	f->cmd->sc = f->sc;
	f->cmd->itt = FIX_ITT;
	f->cmd->len = FIX_LEN;
	f->conn->tasks[FIX_TAG] = f->cmd;
	f->conn->exp_cmdsn = 10;
	f->conn->max_cmdsn = 20;
	test->priv = f;
	return 0;
}

static struct rx_fixture *fix(struct kunit *test)
{
	return test->priv;
}

/* A Data-In header for the fixture's command; dlen 0 keeps it off the sg. */
static struct iscsi_data_rsp *data_in(struct kunit *test, u32 itt,
				      u32 datasn, u32 offset, u32 dlen)
{
	struct kiscsi_conn *conn = fix(test)->conn;
	struct iscsi_data_rsp *h = (struct iscsi_data_rsp *)conn->rx.hdr;

	memset(h, 0, sizeof(*h));
	h->opcode = ISCSI_OP_SCSI_DATA_IN;
	h->itt = cpu_to_be32(itt);
	h->datasn = cpu_to_be32(datasn);
	h->offset = cpu_to_be32(offset);
	conn->rx.dlen = dlen;
	return h;
}

static void expect_protocol_error(struct kunit *test, int ret)
{
	struct kiscsi_conn *conn = fix(test)->conn;

	KUNIT_EXPECT_EQ(test, ret, -EPROTO);
	KUNIT_EXPECT_EQ(test, conn->rx_error, KISCSI_ERR_PROTOCOL);
	KUNIT_EXPECT_EQ(test, conn->stats.protocol_errors, 1ULL);
}

static void rx_find_cmd_itt(struct kunit *test)
{
	struct rx_fixture *f = fix(test);

	KUNIT_EXPECT_PTR_EQ(test, kiscsi_rx_find_cmd(f->conn, cpu_to_be32(FIX_ITT)),
			    f->cmd);
	/* a stale generation, a free tag, a tag past the queue, a conn task */
	KUNIT_EXPECT_NULL(test, kiscsi_rx_find_cmd(f->conn,
			  cpu_to_be32((FIX_GEN + 1) << KISCSI_ITT_GEN_SHIFT | FIX_TAG)));
	KUNIT_EXPECT_NULL(test, kiscsi_rx_find_cmd(f->conn, cpu_to_be32(FIX_GEN << 16 | 2)));
	KUNIT_EXPECT_NULL(test, kiscsi_rx_find_cmd(f->conn, cpu_to_be32(FIX_GEN << 16 | 8)));
	KUNIT_EXPECT_NULL(test, kiscsi_rx_find_cmd(f->conn,
			  cpu_to_be32(KISCSI_ITT_CONN_TASK | FIX_TAG)));
	KUNIT_EXPECT_NULL(test, kiscsi_rx_find_cmd(f->conn, cpu_to_be32(0xffffffff)));
}

static void rx_data_in_good(struct kunit *test)
{
	struct rx_fixture *f = fix(test);

	f->sc->sc_data_direction = DMA_FROM_DEVICE;
	data_in(test, FIX_ITT, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, kiscsi_rx_data_in_hdr(f->conn), 0);
	KUNIT_EXPECT_EQ(test, f->cmd->exp_datasn, 1U);
	KUNIT_EXPECT_PTR_EQ(test, f->conn->rx.cmd, f->cmd);
	KUNIT_EXPECT_EQ(test, f->conn->stats.protocol_errors, 0ULL);
}

static void rx_data_in_unknown_itt(struct kunit *test)
{
	fix(test)->sc->sc_data_direction = DMA_FROM_DEVICE;
	data_in(test, FIX_ITT + 1, 0, 0, 0);
	expect_protocol_error(test, kiscsi_rx_data_in_hdr(fix(test)->conn));
}

static void rx_data_in_for_write(struct kunit *test)
{
	fix(test)->sc->sc_data_direction = DMA_TO_DEVICE;
	data_in(test, FIX_ITT, 0, 0, 0);
	expect_protocol_error(test, kiscsi_rx_data_in_hdr(fix(test)->conn));
}

static void rx_data_in_datasn_gap(struct kunit *test)
{
	struct rx_fixture *f = fix(test);

	f->sc->sc_data_direction = DMA_FROM_DEVICE;
	data_in(test, FIX_ITT, 1, 0, 0);
	expect_protocol_error(test, kiscsi_rx_data_in_hdr(f->conn));
	KUNIT_EXPECT_EQ(test, f->cmd->exp_datasn, 0U);
}

static void rx_data_in_offset(struct kunit *test)
{
	fix(test)->sc->sc_data_direction = DMA_FROM_DEVICE;
	data_in(test, FIX_ITT, 0, 512, 0);
	expect_protocol_error(test, kiscsi_rx_data_in_hdr(fix(test)->conn));
}

static void rx_data_in_beyond_buffer(struct kunit *test)
{
	struct rx_fixture *f = fix(test);

	f->sc->sc_data_direction = DMA_FROM_DEVICE;
	f->cmd->rx_done = FIX_LEN - 512;
	data_in(test, FIX_ITT, 0, FIX_LEN - 512, 1024);
	expect_protocol_error(test, kiscsi_rx_data_in_hdr(f->conn));
	KUNIT_EXPECT_NULL(test, f->conn->rx.sg);
}

static void rx_data_in_status_not_final(struct kunit *test)
{
	struct iscsi_data_rsp *h;

	fix(test)->sc->sc_data_direction = DMA_FROM_DEVICE;
	h = data_in(test, FIX_ITT, 0, 0, 0);
	h->flags = ISCSI_FLAG_DATA_STATUS;
	expect_protocol_error(test, kiscsi_rx_data_in_hdr(fix(test)->conn));
}

/* An R2T header for the fixture's command (a write). */
static struct iscsi_r2t_rsp *r2t(struct kunit *test, u32 r2tsn, u32 offset,
				 u32 len)
{
	struct kiscsi_conn *conn = fix(test)->conn;
	struct iscsi_r2t_rsp *h = (struct iscsi_r2t_rsp *)conn->rx.hdr;

	fix(test)->sc->sc_data_direction = DMA_TO_DEVICE;
	memset(h, 0, sizeof(*h));
	h->opcode = ISCSI_OP_R2T;
	h->itt = cpu_to_be32(FIX_ITT);
	h->ttt = cpu_to_be32(0x1000);
	h->r2tsn = cpu_to_be32(r2tsn);
	h->data_offset = cpu_to_be32(offset);
	h->data_length = cpu_to_be32(len);
	conn->rx.dlen = 0;
	return h;
}

static void rx_r2t_checks(struct kunit *test)
{
	struct rx_fixture *f = fix(test);
	static const struct {
		const char *what;
		u32 r2tsn, offset, len, dlen, ttt;
		u8 outstanding;
		enum dma_data_direction dir;
	} cases[] = {
		{ "R2TSN gap", 1, 0, 4096, 0, 0x1000, 0, DMA_TO_DEVICE },
		{ "zero length", 0, 0, 0, 0, 0x1000, 0, DMA_TO_DEVICE },
		{ "over MaxBurstLength", 0, 0, 262144 + 512, 0, 0x1000, 0, DMA_TO_DEVICE },
		{ "beyond the buffer", 0, FIX_LEN - 512, 1024, 0, 0x1000, 0, DMA_TO_DEVICE },
		{ "offset past the end", 0, FIX_LEN + 4096, 512, 0, 0x1000, 0, DMA_TO_DEVICE },
		{ "with a data segment", 0, 0, 4096, 48, 0x1000, 0, DMA_TO_DEVICE },
		{ "reserved TTT", 0, 0, 4096, 0, 0xffffffff, 0, DMA_TO_DEVICE },
		{ "too many outstanding", 0, 0, 4096, 0, 0x1000, 1, DMA_TO_DEVICE },
		{ "for a read", 0, 0, 4096, 0, 0x1000, 0, DMA_FROM_DEVICE },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct iscsi_r2t_rsp *h = r2t(test, cases[i].r2tsn,
					      cases[i].offset, cases[i].len);

		h->ttt = cpu_to_be32(cases[i].ttt);
		f->conn->rx.dlen = cases[i].dlen;
		f->cmd->r2t_count = cases[i].outstanding;
		f->sc->sc_data_direction = cases[i].dir;
		f->conn->stats.protocol_errors = 0;
		KUNIT_EXPECT_EQ_MSG(test, kiscsi_rx_r2t(f->conn), -EPROTO,
				    "R2T %s accepted", cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, f->cmd->exp_r2tsn, 0U,
				    "R2T %s moved R2TSN", cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, f->conn->stats.r2ts, 0ULL,
				    "R2T %s counted", cases[i].what);
		KUNIT_EXPECT_EQ(test, f->conn->stats.protocol_errors, 1ULL);
	}
}

static void rx_dlen_over_mrdsl(struct kunit *test)
{
	struct kiscsi_conn *conn = fix(test)->conn;

	data_in(test, FIX_ITT, 0, 0, 8192 + 4);
	conn->rx.ahs_len = 0;
	expect_protocol_error(test, kiscsi_rx_hdr_complete(conn));
}

static void rx_header_digest(struct kunit *test)
{
	struct kiscsi_conn *conn = fix(test)->conn;
	u32 crc;

	fix(test)->s->p.hdr_digest = true;
	fix(test)->sc->sc_data_direction = DMA_FROM_DEVICE;
	data_in(test, FIX_ITT, 0, 0, 0);
	conn->rx.ahs_len = 0;
	crc = kiscsi_crc(KISCSI_CRC_SEED, conn->rx.hdr, ISCSI_HDR_LEN);
	kiscsi_put_digest(conn->rx.hdr + ISCSI_HDR_LEN, crc ^ 1);
	KUNIT_EXPECT_EQ(test, kiscsi_rx_hdr_complete(conn), -EPROTO);
	KUNIT_EXPECT_EQ(test, conn->rx_error, KISCSI_ERR_HDR_DIGEST);
	KUNIT_EXPECT_EQ(test, conn->stats.digest_errors, 1ULL);

	/* the right digest goes through to the Data-In checks */
	conn->rx_error = 0;
	kiscsi_put_digest(conn->rx.hdr + ISCSI_HDR_LEN, crc);
	KUNIT_EXPECT_EQ(test, kiscsi_rx_hdr_complete(conn), 0);
	KUNIT_EXPECT_EQ(test, conn->rx_error, 0);
}

static void rx_unexpected_opcode(struct kunit *test)
{
	struct kiscsi_conn *conn = fix(test)->conn;

	data_in(test, FIX_ITT, 0, 0, 0)->opcode = ISCSI_OP_LOGIN_RSP;
	expect_protocol_error(test, kiscsi_rx_hdr(conn));
}

static void rx_cmdsn_window(struct kunit *test)
{
	struct kiscsi_conn *conn = fix(test)->conn;
	struct iscsi_nopin h = {};

	/* MaxCmdSN below ExpCmdSN - 1: ignored */
	h.exp_cmdsn = cpu_to_be32(15);
	h.max_cmdsn = cpu_to_be32(12);
	kiscsi_rx_update_cmdsn(conn, (struct iscsi_hdr *)&h);
	KUNIT_EXPECT_EQ(test, conn->exp_cmdsn, 10U);
	KUNIT_EXPECT_EQ(test, conn->max_cmdsn, 20U);
	/* never backwards */
	h.exp_cmdsn = cpu_to_be32(9);
	h.max_cmdsn = cpu_to_be32(19);
	kiscsi_rx_update_cmdsn(conn, (struct iscsi_hdr *)&h);
	KUNIT_EXPECT_EQ(test, conn->exp_cmdsn, 10U);
	KUNIT_EXPECT_EQ(test, conn->max_cmdsn, 20U);
	/* a closed window (MaxCmdSN = ExpCmdSN - 1) is a valid update */
	h.exp_cmdsn = cpu_to_be32(21);
	h.max_cmdsn = cpu_to_be32(20);
	kiscsi_rx_update_cmdsn(conn, (struct iscsi_hdr *)&h);
	KUNIT_EXPECT_EQ(test, conn->exp_cmdsn, 21U);
	KUNIT_EXPECT_EQ(test, conn->max_cmdsn, 20U);
	/* across the 2^32 wrap, by serial arithmetic */
	conn->exp_cmdsn = 0xfffffff0;
	conn->max_cmdsn = 0xfffffff8;
	h.exp_cmdsn = cpu_to_be32(0xfffffff4);
	h.max_cmdsn = cpu_to_be32(4);
	kiscsi_rx_update_cmdsn(conn, (struct iscsi_hdr *)&h);
	KUNIT_EXPECT_EQ(test, conn->exp_cmdsn, 0xfffffff4U);
	KUNIT_EXPECT_EQ(test, conn->max_cmdsn, 4U);
}

static struct kunit_case kiscsi_rx_cases[] = {
	KUNIT_CASE(rx_find_cmd_itt),
	KUNIT_CASE(rx_data_in_good),
	KUNIT_CASE(rx_data_in_unknown_itt),
	KUNIT_CASE(rx_data_in_for_write),
	KUNIT_CASE(rx_data_in_datasn_gap),
	KUNIT_CASE(rx_data_in_offset),
	KUNIT_CASE(rx_data_in_beyond_buffer),
	KUNIT_CASE(rx_data_in_status_not_final),
	KUNIT_CASE(rx_r2t_checks),
	KUNIT_CASE(rx_dlen_over_mrdsl),
	KUNIT_CASE(rx_header_digest),
	KUNIT_CASE(rx_unexpected_opcode),
	KUNIT_CASE(rx_cmdsn_window),
	{}
};

static struct kunit_suite kiscsi_rx_suite = {
	.name = "kiscsi-rx",
	.init = rx_test_init,
	.test_cases = kiscsi_rx_cases,
};
kunit_test_suite(kiscsi_rx_suite);

// SPDX-License-Identifier: GPL-2.0-or-later
/* BHS build/parse of Login, Text and Logout PDUs. */
#include <string.h>

#include "kselftest_harness.h"
#include "pdu.h"

TEST(login_req_layout)
{
	struct iscsi_login_req r = {
		.transit = true, .cont = false, .csg = 1, .nsg = 3,
		.isid = { 0x80, 0x12, 0x34, 0x56, 0x00, 0x00 },
		.tsih = 0x0102, .itt = 0xa1b2c3d4, .cid = 0x0506,
		.cmdsn = 0x11223344, .exp_statsn = 0x55667788,
		.dlen = 0x012345,
	};
	uint8_t b[ISCSI_BHS_LEN];

	iscsi_login_req_build(b, &r);
	ASSERT_EQ(0x43, b[0]);		/* I bit + opcode 0x03 */
	ASSERT_EQ(0x80 | (1 << 2) | 3, b[1]);
	ASSERT_EQ(0, b[2]);
	ASSERT_EQ(0, b[3]);
	ASSERT_EQ(0, b[4]);
	ASSERT_EQ(0x01, b[5]);
	ASSERT_EQ(0x23, b[6]);
	ASSERT_EQ(0x45, b[7]);
	ASSERT_EQ(0, memcmp(b + 8, r.isid, 6));
	ASSERT_EQ(0x01, b[14]);
	ASSERT_EQ(0x02, b[15]);
	ASSERT_EQ(0xa1, b[16]);
	ASSERT_EQ(0xd4, b[19]);
	ASSERT_EQ(0x05, b[20]);
	ASSERT_EQ(0x06, b[21]);
	ASSERT_EQ(0x11, b[24]);
	ASSERT_EQ(0x44, b[27]);
	ASSERT_EQ(0x55, b[28]);
	ASSERT_EQ(0x88, b[31]);
	for (int i = 32; i < 48; i++)
		ASSERT_EQ(0, b[i]);
	ASSERT_EQ(0x012345u, iscsi_bhs_dlen(b));
}

TEST(login_req_nsg_only_with_transit)
{
	struct iscsi_login_req r = { .transit = false, .cont = true,
				     .csg = 0, .nsg = 1 };
	uint8_t b[ISCSI_BHS_LEN];

	iscsi_login_req_build(b, &r);
	ASSERT_EQ(0x40, b[1]);	/* C only, NSG zero without T */
}

TEST(login_rsp_parse)
{
	uint8_t b[ISCSI_BHS_LEN] = { 0 };
	struct iscsi_login_rsp r;

	b[0] = 0x23;
	b[1] = 0x80 | (1 << 2) | 3;
	b[2] = 0x00;
	b[3] = 0x00;
	b[5] = 0x00; b[6] = 0x01; b[7] = 0x02;
	b[8] = 0x80; b[13] = 0x07;
	b[14] = 0x12; b[15] = 0x34;
	b[16] = 0xde; b[17] = 0xad; b[18] = 0xbe; b[19] = 0xef;
	b[24] = 0; b[25] = 0; b[26] = 1; b[27] = 0;	/* StatSN 256 */
	b[31] = 5;					/* ExpCmdSN */
	b[35] = 9;					/* MaxCmdSN */
	b[36] = 2; b[37] = 3;
	ASSERT_EQ(0, iscsi_login_rsp_parse(b, &r));
	ASSERT_TRUE(r.transit);
	ASSERT_FALSE(r.cont);
	ASSERT_EQ(1, r.csg);
	ASSERT_EQ(3, r.nsg);
	ASSERT_EQ(0x102u, r.dlen);
	ASSERT_EQ(0x80, r.isid[0]);
	ASSERT_EQ(0x07, r.isid[5]);
	ASSERT_EQ(0x1234, r.tsih);
	ASSERT_EQ(0xdeadbeefu, r.itt);
	ASSERT_EQ(256u, r.statsn);
	ASSERT_EQ(5u, r.exp_cmdsn);
	ASSERT_EQ(9u, r.max_cmdsn);
	ASSERT_EQ(2, r.status_class);
	ASSERT_EQ(3, r.status_detail);
}

TEST(login_rsp_wrong_opcode)
{
	uint8_t b[ISCSI_BHS_LEN] = { 0x24 };
	struct iscsi_login_rsp r;

	ASSERT_EQ(-1, iscsi_login_rsp_parse(b, &r));
	b[0] = 0x23 | 0x40;	/* a response never has the I bit */
	ASSERT_EQ(-1, iscsi_login_rsp_parse(b, &r));
}

TEST(login_rsp_roundtrip)
{
	struct iscsi_login_rsp a, b;
	uint8_t bhs[ISCSI_BHS_LEN];

	memset(&a, 0, sizeof(a));	/* padding too: compared below */
	a.cont = true;
	a.dlen = 8192;
	a.tsih = 7;
	a.itt = 42;
	a.statsn = 0xffffffff;
	a.exp_cmdsn = 1;
	a.max_cmdsn = 64;
	a.status_class = 3;
	a.status_detail = 2;
	iscsi_login_rsp_build(bhs, &a);
	ASSERT_EQ(0, iscsi_login_rsp_parse(bhs, &b));
	ASSERT_EQ(0, memcmp(&a, &b, sizeof(a)));
}

TEST(text_req_layout)
{
	struct iscsi_text_req r = { .final = true, .itt = 0x01020304,
				    .ttt = 0xffffffff, .cmdsn = 7,
				    .exp_statsn = 9, .dlen = 16 };
	uint8_t b[ISCSI_BHS_LEN];

	iscsi_text_req_build(b, &r);
	ASSERT_EQ(0x04, b[0]);
	ASSERT_EQ(0x80, b[1]);
	ASSERT_EQ(16, b[7]);
	for (int i = 8; i < 16; i++)
		ASSERT_EQ(0, b[i]);	/* LUN reserved */
	ASSERT_EQ(0x01, b[16]);
	ASSERT_EQ(0x04, b[19]);
	ASSERT_EQ(0xff, b[20]);
	ASSERT_EQ(0xff, b[23]);
	ASSERT_EQ(7, b[27]);
	ASSERT_EQ(9, b[31]);
	r.immediate = true;
	r.final = false;
	r.cont = true;
	iscsi_text_req_build(b, &r);
	ASSERT_EQ(0x44, b[0]);
	ASSERT_EQ(0x40, b[1]);
}

TEST(text_rsp_parse)
{
	struct iscsi_text_rsp a = { .final = false, .cont = true,
				    .dlen = 0xabcdef, .itt = 3, .ttt = 0x55,
				    .statsn = 10, .exp_cmdsn = 11,
				    .max_cmdsn = 12 }, b;
	uint8_t bhs[ISCSI_BHS_LEN];

	iscsi_text_rsp_build(bhs, &a);
	ASSERT_EQ(0x24, bhs[0]);
	ASSERT_EQ(0x40, bhs[1]);
	ASSERT_EQ(0xab, bhs[5]);
	ASSERT_EQ(0xcd, bhs[6]);
	ASSERT_EQ(0xef, bhs[7]);
	ASSERT_EQ(0, iscsi_text_rsp_parse(bhs, &b));
	ASSERT_EQ(0xabcdefu, b.dlen);
	ASSERT_EQ(0x55u, b.ttt);
	ASSERT_EQ(10u, b.statsn);
	ASSERT_TRUE(b.cont);
	ASSERT_FALSE(b.final);
	bhs[0] = 0x23;
	ASSERT_EQ(-1, iscsi_text_rsp_parse(bhs, &b));
}

TEST(logout_layout)
{
	struct iscsi_logout_req r = { .immediate = true, .reason = 0,
				      .itt = 0x10, .cid = 0, .cmdsn = 3,
				      .exp_statsn = 4 };
	struct iscsi_logout_rsp a = { .response = 0, .itt = 0x10, .statsn = 4,
				      .time2wait = 2, .time2retain = 20 }, b;
	uint8_t bhs[ISCSI_BHS_LEN];

	iscsi_logout_req_build(bhs, &r);
	ASSERT_EQ(0x46, bhs[0]);
	ASSERT_EQ(0x80, bhs[1]);
	ASSERT_EQ(0x10, bhs[19]);
	ASSERT_EQ(3, bhs[27]);
	ASSERT_EQ(4, bhs[31]);
	iscsi_logout_rsp_build(bhs, &a);
	ASSERT_EQ(0x26, bhs[0]);
	ASSERT_EQ(0, bhs[40]);
	ASSERT_EQ(2, bhs[41]);
	ASSERT_EQ(20, bhs[43]);
	ASSERT_EQ(0, iscsi_logout_rsp_parse(bhs, &b));
	ASSERT_EQ(2, b.time2wait);
	ASSERT_EQ(20, b.time2retain);
	bhs[1] = 0;		/* F bit must be set */
	ASSERT_EQ(-1, iscsi_logout_rsp_parse(bhs, &b));
}

TEST(padding)
{
	ASSERT_EQ(0u, iscsi_pad4(0));
	ASSERT_EQ(3u, iscsi_pad4(1));
	ASSERT_EQ(2u, iscsi_pad4(2));
	ASSERT_EQ(1u, iscsi_pad4(3));
	ASSERT_EQ(0u, iscsi_pad4(4));
	ASSERT_EQ(3u, iscsi_pad4(8193));
}

TEST(dlen_max)
{
	uint8_t b[ISCSI_BHS_LEN] = { 0 };

	iscsi_bhs_set_dlen(b, ISCSI_DLEN_MAX);
	ASSERT_EQ(0, b[4]);	/* TotalAHSLength untouched */
	ASSERT_EQ(0xffffffu, iscsi_bhs_dlen(b));
}

TEST_HARNESS_MAIN

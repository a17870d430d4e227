// SPDX-License-Identifier: LGPL-2.1-or-later
/* Build and parse Login, Text and Logout BHSs (RFC 7143, section 11). */
#include <string.h>

#include "pdu.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

uint32_t iscsi_bhs_dlen(const uint8_t *bhs)
{
	return (uint32_t)bhs[5] << 16 | (uint32_t)bhs[6] << 8 | bhs[7];
}

void iscsi_bhs_set_dlen(uint8_t *bhs, uint32_t dlen)
{
	bhs[5] = dlen >> 16;
	bhs[6] = dlen >> 8;
	bhs[7] = dlen;
}

uint32_t iscsi_bhs_itt(const uint8_t *bhs)
{
	return get32(bhs + 16);
}

static uint8_t login_flags(bool t, bool c, uint8_t csg, uint8_t nsg)
{
	return (t ? ISCSI_LOGIN_T : 0) | (c ? ISCSI_LOGIN_C : 0) |
	       (csg & 3) << 2 | (nsg & 3);
}

void iscsi_login_req_build(uint8_t *bhs, const struct iscsi_login_req *r)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_IMMEDIATE | ISCSI_OP_LOGIN_REQ;
	/* NSG is only meaningful with T set; leave it 0 otherwise */
	bhs[1] = login_flags(r->transit, r->cont, r->csg,
			     r->transit ? r->nsg : 0);
	bhs[2] = 0;	/* Version-max */
	bhs[3] = 0;	/* Version-min */
	iscsi_bhs_set_dlen(bhs, r->dlen);
	memcpy(bhs + 8, r->isid, 6);
	put16(bhs + 14, r->tsih);
	put32(bhs + 16, r->itt);
	put16(bhs + 20, r->cid);
	put32(bhs + 24, r->cmdsn);
	put32(bhs + 28, r->exp_statsn);
}

int iscsi_login_req_parse(const uint8_t *bhs, struct iscsi_login_req *r)
{
	if (iscsi_bhs_opcode(bhs) != ISCSI_OP_LOGIN_REQ)
		return -1;
	memset(r, 0, sizeof(*r));
	r->transit = bhs[1] & ISCSI_LOGIN_T;
	r->cont = bhs[1] & ISCSI_LOGIN_C;
	r->csg = (bhs[1] >> 2) & 3;
	r->nsg = bhs[1] & 3;
	r->dlen = iscsi_bhs_dlen(bhs);
	memcpy(r->isid, bhs + 8, 6);
	r->tsih = get16(bhs + 14);
	r->itt = get32(bhs + 16);
	r->cid = get16(bhs + 20);
	r->cmdsn = get32(bhs + 24);
	r->exp_statsn = get32(bhs + 28);
	return 0;
}

void iscsi_login_rsp_build(uint8_t *bhs, const struct iscsi_login_rsp *r)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_LOGIN_RSP;
	bhs[1] = login_flags(r->transit, r->cont, r->csg, r->nsg);
	bhs[2] = r->version_max;
	bhs[3] = r->version_active;
	bhs[4] = r->ahslen;
	iscsi_bhs_set_dlen(bhs, r->dlen);
	memcpy(bhs + 8, r->isid, 6);
	put16(bhs + 14, r->tsih);
	put32(bhs + 16, r->itt);
	put32(bhs + 24, r->statsn);
	put32(bhs + 28, r->exp_cmdsn);
	put32(bhs + 32, r->max_cmdsn);
	bhs[36] = r->status_class;
	bhs[37] = r->status_detail;
}

int iscsi_login_rsp_parse(const uint8_t *bhs, struct iscsi_login_rsp *r)
{
	if (bhs[0] != ISCSI_OP_LOGIN_RSP)
		return -1;
	memset(r, 0, sizeof(*r));
	r->transit = bhs[1] & ISCSI_LOGIN_T;
	r->cont = bhs[1] & ISCSI_LOGIN_C;
	r->csg = (bhs[1] >> 2) & 3;
	r->nsg = bhs[1] & 3;
	r->version_max = bhs[2];
	r->version_active = bhs[3];
	r->ahslen = bhs[4];
	r->dlen = iscsi_bhs_dlen(bhs);
	memcpy(r->isid, bhs + 8, 6);
	r->tsih = get16(bhs + 14);
	r->itt = get32(bhs + 16);
	r->statsn = get32(bhs + 24);
	r->exp_cmdsn = get32(bhs + 28);
	r->max_cmdsn = get32(bhs + 32);
	r->status_class = bhs[36];
	r->status_detail = bhs[37];
	return 0;
}

void iscsi_text_req_build(uint8_t *bhs, const struct iscsi_text_req *r)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = (r->immediate ? ISCSI_OP_IMMEDIATE : 0) | ISCSI_OP_TEXT_REQ;
	bhs[1] = (r->final ? ISCSI_TEXT_F : 0) | (r->cont ? ISCSI_TEXT_C : 0);
	iscsi_bhs_set_dlen(bhs, r->dlen);
	/* LUN (8..15) reserved: 0 */
	put32(bhs + 16, r->itt);
	put32(bhs + 20, r->ttt);
	put32(bhs + 24, r->cmdsn);
	put32(bhs + 28, r->exp_statsn);
}

int iscsi_text_req_parse(const uint8_t *bhs, struct iscsi_text_req *r)
{
	if (iscsi_bhs_opcode(bhs) != ISCSI_OP_TEXT_REQ)
		return -1;
	memset(r, 0, sizeof(*r));
	r->immediate = bhs[0] & ISCSI_OP_IMMEDIATE;
	r->final = bhs[1] & ISCSI_TEXT_F;
	r->cont = bhs[1] & ISCSI_TEXT_C;
	r->dlen = iscsi_bhs_dlen(bhs);
	r->itt = get32(bhs + 16);
	r->ttt = get32(bhs + 20);
	r->cmdsn = get32(bhs + 24);
	r->exp_statsn = get32(bhs + 28);
	return 0;
}

void iscsi_text_rsp_build(uint8_t *bhs, const struct iscsi_text_rsp *r)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_TEXT_RSP;
	bhs[1] = (r->final ? ISCSI_TEXT_F : 0) | (r->cont ? ISCSI_TEXT_C : 0);
	bhs[4] = r->ahslen;
	iscsi_bhs_set_dlen(bhs, r->dlen);
	put32(bhs + 8, (uint32_t)(r->lun >> 32));
	put32(bhs + 12, (uint32_t)r->lun);
	put32(bhs + 16, r->itt);
	put32(bhs + 20, r->ttt);
	put32(bhs + 24, r->statsn);
	put32(bhs + 28, r->exp_cmdsn);
	put32(bhs + 32, r->max_cmdsn);
}

int iscsi_text_rsp_parse(const uint8_t *bhs, struct iscsi_text_rsp *r)
{
	if (bhs[0] != ISCSI_OP_TEXT_RSP)
		return -1;
	memset(r, 0, sizeof(*r));
	r->final = bhs[1] & ISCSI_TEXT_F;
	r->cont = bhs[1] & ISCSI_TEXT_C;
	r->ahslen = bhs[4];
	r->dlen = iscsi_bhs_dlen(bhs);
	r->lun = (uint64_t)get32(bhs + 8) << 32 | get32(bhs + 12);
	r->itt = get32(bhs + 16);
	r->ttt = get32(bhs + 20);
	r->statsn = get32(bhs + 24);
	r->exp_cmdsn = get32(bhs + 28);
	r->max_cmdsn = get32(bhs + 32);
	return 0;
}

void iscsi_logout_req_build(uint8_t *bhs, const struct iscsi_logout_req *r)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = (r->immediate ? ISCSI_OP_IMMEDIATE : 0) | ISCSI_OP_LOGOUT_REQ;
	bhs[1] = 0x80 | (r->reason & 0x7f);
	put32(bhs + 16, r->itt);
	put16(bhs + 20, r->cid);
	put32(bhs + 24, r->cmdsn);
	put32(bhs + 28, r->exp_statsn);
}

void iscsi_logout_rsp_build(uint8_t *bhs, const struct iscsi_logout_rsp *r)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_LOGOUT_RSP;
	bhs[1] = 0x80;
	bhs[2] = r->response;
	bhs[4] = r->ahslen;
	iscsi_bhs_set_dlen(bhs, r->dlen);
	put32(bhs + 16, r->itt);
	put32(bhs + 24, r->statsn);
	put32(bhs + 28, r->exp_cmdsn);
	put32(bhs + 32, r->max_cmdsn);
	put16(bhs + 40, r->time2wait);
	put16(bhs + 42, r->time2retain);
}

int iscsi_logout_rsp_parse(const uint8_t *bhs, struct iscsi_logout_rsp *r)
{
	if (bhs[0] != ISCSI_OP_LOGOUT_RSP || !(bhs[1] & 0x80))
		return -1;
	memset(r, 0, sizeof(*r));
	r->response = bhs[2];
	r->ahslen = bhs[4];
	r->dlen = iscsi_bhs_dlen(bhs);
	r->itt = get32(bhs + 16);
	r->statsn = get32(bhs + 24);
	r->exp_cmdsn = get32(bhs + 28);
	r->max_cmdsn = get32(bhs + 32);
	r->time2wait = get16(bhs + 40);
	r->time2retain = get16(bhs + 42);
	return 0;
}

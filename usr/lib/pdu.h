/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Basic Header Segments (RFC 7143, section 11) of the PDUs userspace
 * handles: Login, Text and Logout requests/responses.  Builders fill a
 * 48-byte BHS in wire order; parsers read one back into host order.
 */
#ifndef KISCSI_PDU_H
#define KISCSI_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISCSI_BHS_LEN		48
#define ISCSI_DLEN_MAX		0xffffff	/* 3-byte DataSegmentLength */

/* opcodes */
#define ISCSI_OP_NOOP_OUT	0x00
#define ISCSI_OP_LOGIN_REQ	0x03
#define ISCSI_OP_TEXT_REQ	0x04
#define ISCSI_OP_LOGOUT_REQ	0x06
#define ISCSI_OP_NOOP_IN	0x20
#define ISCSI_OP_LOGIN_RSP	0x23
#define ISCSI_OP_TEXT_RSP	0x24
#define ISCSI_OP_LOGOUT_RSP	0x26
#define ISCSI_OP_ASYNC		0x32
#define ISCSI_OP_REJECT		0x3f
#define ISCSI_OP_IMMEDIATE	0x40
#define ISCSI_OPCODE_MASK	0x3f

/* Login flags (byte 1) */
#define ISCSI_LOGIN_T		0x80
#define ISCSI_LOGIN_C		0x40
/* Text flags (byte 1) */
#define ISCSI_TEXT_F		0x80
#define ISCSI_TEXT_C		0x40

/* Login stages */
#define ISCSI_STAGE_SECURITY	0
#define ISCSI_STAGE_OPERATIONAL	1
#define ISCSI_STAGE_FFP		3

#define ISCSI_RSVD_TAG		0xffffffffu

static inline size_t iscsi_pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

struct iscsi_login_req {
	bool transit, cont;
	uint8_t csg, nsg;
	uint8_t isid[6];
	uint16_t tsih;
	uint32_t itt;
	uint16_t cid;
	uint32_t cmdsn, exp_statsn;
	uint32_t dlen;
};

struct iscsi_login_rsp {
	bool transit, cont;
	uint8_t csg, nsg;
	uint8_t version_max, version_active;
	uint8_t ahslen;			/* in 4-byte words */
	uint32_t dlen;
	uint8_t isid[6];
	uint16_t tsih;
	uint32_t itt;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint8_t status_class, status_detail;
};

struct iscsi_text_req {
	bool immediate, final, cont;
	uint32_t itt, ttt;
	uint32_t cmdsn, exp_statsn;
	uint32_t dlen;
};

struct iscsi_text_rsp {
	bool final, cont;
	uint8_t ahslen;
	uint32_t dlen;
	uint64_t lun;
	uint32_t itt, ttt;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
};

struct iscsi_logout_req {
	bool immediate;
	uint8_t reason;			/* 0 close session, 1 conn, 2 recovery */
	uint32_t itt;
	uint16_t cid;
	uint32_t cmdsn, exp_statsn;
};

struct iscsi_logout_rsp {
	uint8_t response;
	uint8_t ahslen;
	uint32_t dlen;
	uint32_t itt;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint16_t time2wait, time2retain;
};

/* The common part every BHS has. */
static inline uint8_t iscsi_bhs_opcode(const uint8_t *bhs)
{
	return bhs[0] & ISCSI_OPCODE_MASK;
}

uint32_t iscsi_bhs_dlen(const uint8_t *bhs);
void iscsi_bhs_set_dlen(uint8_t *bhs, uint32_t dlen);
uint32_t iscsi_bhs_itt(const uint8_t *bhs);

void iscsi_login_req_build(uint8_t *bhs, const struct iscsi_login_req *r);
void iscsi_text_req_build(uint8_t *bhs, const struct iscsi_text_req *r);
void iscsi_logout_req_build(uint8_t *bhs, const struct iscsi_logout_req *r);

/* Parsers return 0, or -1 if the opcode or a fixed field is wrong. */
int iscsi_login_rsp_parse(const uint8_t *bhs, struct iscsi_login_rsp *r);
int iscsi_text_rsp_parse(const uint8_t *bhs, struct iscsi_text_rsp *r);
int iscsi_logout_rsp_parse(const uint8_t *bhs, struct iscsi_logout_rsp *r);

/* For tests and the fake target: the target-side counterparts. */
void iscsi_login_rsp_build(uint8_t *bhs, const struct iscsi_login_rsp *r);
int iscsi_login_req_parse(const uint8_t *bhs, struct iscsi_login_req *r);
void iscsi_text_rsp_build(uint8_t *bhs, const struct iscsi_text_rsp *r);
int iscsi_text_req_parse(const uint8_t *bhs, struct iscsi_text_req *r);
void iscsi_logout_rsp_build(uint8_t *bhs, const struct iscsi_logout_rsp *r);

#endif

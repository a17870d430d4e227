// SPDX-License-Identifier: GPL-2.0-or-later
/* The login state machine and discovery Text exchange against a fake target. */
#include <string.h>

#include "fake_target.h"
#include "kselftest_harness.h"
#include "login.h"
#include "session_io.h"

#define T(s) s, sizeof(s) - 1

static const struct kiscsi_identity ident = {
	.name = "iqn.2024-01.org.kiscsi:unit",
	.isid = { 0x80, 0x11, 0x22, 0x33, 0x00, 0x00 },
};

static void script_good(struct fake *f)
{
	struct iscsi_login_req rq;
	struct iscsi_login_rsp r;
	uint32_t itt;

	/* 1: security stage */
	FAKE_CHECK(f, fake_recv(f) == 0);
	FAKE_CHECK(f, f->bhs[0] == 0x43);
	iscsi_login_req_parse(f->bhs, &rq);
	itt = rq.itt;
	FAKE_CHECK(f, rq.transit && rq.csg == 0 && rq.nsg == 1 && !rq.cont);
	FAKE_CHECK(f, rq.tsih == 0 && rq.cmdsn == 1 && rq.exp_statsn == 0);
	FAKE_CHECK(f, !memcmp(rq.isid, ident.isid, 6));
	FAKE_CHECK(f, fake_has(f, "InitiatorName=iqn.2024-01.org.kiscsi:unit"));
	FAKE_CHECK(f, fake_has(f, "SessionType=Normal"));
	FAKE_CHECK(f, fake_has(f, "TargetName=iqn.2024-01.org.x:t1"));
	FAKE_CHECK(f, fake_has(f, "AuthMethod=None"));
	r = fake_rsp_for(f, true, 0, 1, 100);
	fake_login_rsp(f, &r, T("AuthMethod=None\0TargetPortalGroupTag=1\0"));

	/* 2: operational offers; answer in two PDUs (C bit) */
	FAKE_CHECK(f, fake_recv(f) == 0);
	iscsi_login_req_parse(f->bhs, &rq);
	FAKE_CHECK(f, rq.itt == itt && rq.cmdsn == 1 && rq.exp_statsn == 101);
	FAKE_CHECK(f, rq.transit && rq.csg == 1 && rq.nsg == 3);
	FAKE_CHECK(f, fake_has(f, "InitialR2T=No"));
	FAKE_CHECK(f, fake_has(f, "ImmediateData=Yes"));
	FAKE_CHECK(f, fake_has(f, "MaxRecvDataSegmentLength=262144"));
	FAKE_CHECK(f, fake_has(f, "FirstBurstLength=262144"));
	FAKE_CHECK(f, fake_has(f, "MaxBurstLength=16776192"));
	FAKE_CHECK(f, fake_has(f, "HeaderDigest=None"));
	FAKE_CHECK(f, fake_has(f, "ErrorRecoveryLevel=0"));
	r = fake_rsp_for(f, false, 1, 0, 101);
	r.cont = true;
	fake_login_rsp(f, &r, T("MaxRecvDataSegmentLength=65536\0Initial"));

	/* 3: the initiator asks for the rest with an empty request */
	FAKE_CHECK(f, fake_recv(f) == 0);
	iscsi_login_req_parse(f->bhs, &rq);
	FAKE_CHECK(f, f->dlen == 0 && !rq.transit && !rq.cont && rq.csg == 1);
	FAKE_CHECK(f, rq.exp_statsn == 102);
	r = fake_rsp_for(f, false, 1, 0, 102);
	fake_login_rsp(f, &r, T("R2T=Yes\0ImmediateData=Yes\0FirstBurstLength=65536\0"
				"MaxBurstLength=262144\0X-com.example.Knob=1\0"));

	/* 4: our answer to the unknown key, and T=1 again */
	FAKE_CHECK(f, fake_recv(f) == 0);
	iscsi_login_req_parse(f->bhs, &rq);
	FAKE_CHECK(f, rq.transit && rq.csg == 1 && rq.nsg == 3);
	FAKE_CHECK(f, fake_has(f, "X-com.example.Knob=NotUnderstood"));
	FAKE_CHECK(f, !fake_has(f, "InitialR2T=No"));	/* offered once */
	r = fake_rsp_for(f, true, 1, 3, 103);
	r.tsih = 0x1234;
	r.exp_cmdsn = 1;
	r.max_cmdsn = 32;
	fake_login_rsp(f, &r, NULL, 0);
}

TEST(login_success)
{
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct kiscsi_conn c;
	struct fake f;

	ASSERT_EQ(0, fake_start(&f, script_good));
	kiscsi_conn_init_fd(&c, f.ifd, 5000, "fake:3260");
	kiscsi_login_ctx_init(&ctx, &c, &ident, "iqn.2024-01.org.x:t1");
	ASSERT_EQ(0, kiscsi_login_run(&ctx, &err)) TH_LOG("%s", err.msg);
	fake_stop(&f);
	ASSERT_STREQ("", f.fail);
	ASSERT_EQ(4, f.npdus);
	ASSERT_EQ(0x1234, ctx.tsih);
	ASSERT_EQ(103u, ctx.statsn);
	ASSERT_EQ(1u, ctx.exp_cmdsn);
	ASSERT_EQ(32u, ctx.max_cmdsn);
	ASSERT_EQ(1, ctx.neg.tpgt);
	ASSERT_EQ(65536u, ctx.neg.res.max_xmit_dlen);
	ASSERT_EQ(262144u, ctx.neg.res.max_recv_dlen);
	ASSERT_TRUE(ctx.neg.res.initial_r2t);
	ASSERT_TRUE(ctx.neg.res.immediate_data);
	ASSERT_EQ(65536u, ctx.neg.res.first_burst);
	ASSERT_EQ(262144u, ctx.neg.res.max_burst);
}

static void script_not_found(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, false, 0, 0, 1);
	r.status_class = 2;
	r.status_detail = 3;
	fake_login_rsp(f, &r, NULL, 0);
}

static void script_auth_fail(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, false, 0, 0, 1);
	r.status_class = 2;
	r.status_detail = 1;
	fake_login_rsp(f, &r, NULL, 0);
}

static void script_wants_chap(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, false, 0, 0, 1);
	fake_login_rsp(f, &r, T("AuthMethod=Reject\0"));
}

static void script_bad_itt(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 0, 1, 1);
	r.itt ^= 1;
	fake_login_rsp(f, &r, T("AuthMethod=None\0"));
}

static void script_bad_nsg(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 0, 3, 1);	/* jumps past what we asked */
	fake_login_rsp(f, &r, T("AuthMethod=None\0"));
}

static void script_t_and_c(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 0, 1, 1);
	r.cont = true;
	fake_login_rsp(f, &r, T("AuthMethod=None\0"));
}

static void script_wrong_opcode(struct fake *f)
{
	uint8_t bhs[ISCSI_BHS_LEN] = { ISCSI_OP_TEXT_RSP };

	FAKE_CHECK(f, fake_recv(f) == 0);
	memcpy(bhs + 16, f->bhs + 16, 4);
	fake_send(f, bhs, NULL, 0);
}

static void script_huge(struct fake *f)
{
	uint8_t bhs[ISCSI_BHS_LEN];
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 0, 1, 1);
	r.dlen = 8193;		/* above the login-phase limit */
	iscsi_login_rsp_build(bhs, &r);
	fake_send(f, bhs, NULL, 0);
}

static void script_no_tsih(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 0, 1, 1);
	fake_login_rsp(f, &r, T("AuthMethod=None\0"));
	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 1, 3, 2);
	fake_login_rsp(f, &r, NULL, 0);
}

static void script_bad_value(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 0, 1, 1);
	fake_login_rsp(f, &r, T("AuthMethod=None\0"));
	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 1, 3, 2);
	r.tsih = 1;
	fake_login_rsp(f, &r, T("MaxBurstLength=99999999\0"));
}

/* Login Responses with C=1 and no text, for as long as we ask. */
static void script_endless_continuation(struct fake *f)
{
	struct iscsi_login_rsp r;
	int i;

	for (i = 0; i < 1100; i++) {
		if (fake_recv(f))
			return;		/* the initiator gave up */
		r = fake_rsp_for(f, false, 0, 0, (uint32_t)i);
		r.cont = true;
		fake_login_rsp(f, &r, NULL, 0);
	}
}

/* A value with a terminal escape and a newline in it. */
static void script_escape_value(struct fake *f)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 0, 1, 1);
	fake_login_rsp(f, &r, T("AuthMethod=None\0"));
	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 1, 3, 2);
	r.tsih = 1;
	fake_login_rsp(f, &r, T("MaxBurstLength=\x1b[2J\n1\0"));
}

static void script_silent(struct fake *f)
{
	FAKE_CHECK(f, fake_recv(f) == 0);
	fake_recv(f);		/* until the initiator gives up */
}

static int run(struct fake *f, void (*script)(struct fake *), int tmo,
	       struct kiscsi_error *err)
{
	struct kiscsi_login_ctx ctx;
	struct kiscsi_conn c;
	int r;

	if (fake_start(f, script))
		return 99;
	kiscsi_conn_init_fd(&c, f->ifd, tmo, "fake:3260");
	kiscsi_login_ctx_init(&ctx, &c, &ident, "iqn.2024-01.org.x:t1");
	r = kiscsi_login_run(&ctx, err);
	fake_stop(f);
	/* the fake target's own checks failed: the case tested nothing */
	if (f->fail[0]) {
		snprintf(err->msg, sizeof(err->msg), "fake target: %s", f->fail);
		return 98;
	}
	return r;
}

TEST(status_not_found)
{
	struct kiscsi_error err;
	struct fake f;

	ASSERT_EQ(-KISCSI_E_LOGIN, run(&f, script_not_found, 5000, &err));
	ASSERT_STREQ("login to iqn.2024-01.org.x:t1 at fake:3260 failed: target not found (status 0x0203)",
		     err.msg);
}

TEST(status_auth)
{
	struct kiscsi_error err;
	struct fake f;

	ASSERT_EQ(-KISCSI_E_AUTH, run(&f, script_auth_fail, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "authentication failure (status 0x0201)"));
}

TEST(auth_required)
{
	struct kiscsi_error err;
	struct fake f;

	ASSERT_EQ(-KISCSI_E_AUTH, run(&f, script_wants_chap, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "requires authentication"));
}

TEST(protocol_errors)
{
	struct kiscsi_error err;
	struct fake f;

	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, script_bad_itt, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "ITT")) TH_LOG("%s", err.msg);
	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, script_bad_nsg, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "NSG")) TH_LOG("%s", err.msg);
	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, script_t_and_c, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "both T and C")) TH_LOG("%s", err.msg);
	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, script_wrong_opcode, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "expected a Login Response"));
	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, script_huge, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "exceeds limit")) TH_LOG("%s", err.msg);
	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, script_no_tsih, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "TSIH")) TH_LOG("%s", err.msg);
	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, script_bad_value, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "MaxBurstLength")) TH_LOG("%s", err.msg);
}

TEST(error_message_one_printable_line)
{
	struct kiscsi_error err;
	struct fake f;

	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, script_escape_value, 5000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "MaxBurstLength=?[2J?1")) TH_LOG("%s", err.msg);
	ASSERT_EQ(NULL, strchr(err.msg, '\x1b'));
	ASSERT_EQ(NULL, strchr(err.msg, '\n'));
}

TEST(endless_continuation)
{
	struct kiscsi_error err;
	struct fake f;

	ASSERT_EQ(-KISCSI_E_PROTOCOL,
		  run(&f, script_endless_continuation, 5000, &err))
		TH_LOG("%s", err.msg);
	ASSERT_NE(NULL, strstr(err.msg, "continued")) TH_LOG("%s", err.msg);
	ASSERT_GE(1025, f.npdus);
}

TEST(timeout)
{
	struct kiscsi_error err;
	struct fake f;

	ASSERT_EQ(-KISCSI_E_CONNECT, run(&f, script_silent, 200, &err));
	ASSERT_NE(NULL, strstr(err.msg, "no response")) TH_LOG("%s", err.msg);
}

static void script_sendtargets(struct fake *f)
{
	struct iscsi_text_req rq;
	struct iscsi_text_rsp r;
	uint8_t bhs[ISCSI_BHS_LEN];

	FAKE_CHECK(f, fake_recv(f) == 0);
	FAKE_CHECK(f, iscsi_text_req_parse(f->bhs, &rq) == 0);
	FAKE_CHECK(f, rq.final && !rq.cont && rq.ttt == 0xffffffff);
	FAKE_CHECK(f, rq.cmdsn == 7 && rq.exp_statsn == 11);
	FAKE_CHECK(f, fake_has(f, "SendTargets=All"));
	memset(&r, 0, sizeof(r));
	r.itt = rq.itt;
	r.cont = true;
	r.ttt = 0x55;
	r.statsn = 11;
	r.dlen = sizeof("TargetName=iqn.x:a\0TargetAddr") - 1;
	iscsi_text_rsp_build(bhs, &r);
	fake_send(f, bhs, "TargetName=iqn.x:a\0TargetAddr", r.dlen);

	FAKE_CHECK(f, fake_recv(f) == 0);
	FAKE_CHECK(f, iscsi_text_req_parse(f->bhs, &rq) == 0);
	FAKE_CHECK(f, f->dlen == 0 && rq.ttt == 0x55 && rq.cmdsn == 8);
	FAKE_CHECK(f, rq.exp_statsn == 12);
	r.cont = false;
	r.final = true;
	r.ttt = 0xffffffff;
	r.statsn = 12;
	r.dlen = sizeof("ess=[::1]:3260,1\0") - 1;
	iscsi_text_rsp_build(bhs, &r);
	fake_send(f, bhs, "ess=[::1]:3260,1\0", r.dlen);
}

TEST(text_continuation)
{
	struct kiscsi_textbuf req, ans;
	struct kiscsi_error err;
	struct kiscsi_conn c;
	struct kiscsi_ffp s = { .cmdsn = 7, .exp_statsn = 11, .next_itt = 5,
				.max_recv_dlen = 8192 };
	struct fake f;

	ASSERT_EQ(0, fake_start(&f, script_sendtargets));
	kiscsi_conn_init_fd(&c, f.ifd, 5000, "fake:3260");
	s.conn = &c;
	kiscsi_textbuf_init(&req, 0);
	kiscsi_textbuf_init(&ans, 0);
	ASSERT_EQ(0, kiscsi_text_add(&req, "SendTargets", "All"));
	ASSERT_EQ(0, kiscsi_text_exchange(&s, &req, &ans, &err))
		TH_LOG("%s", err.msg);
	fake_stop(&f);
	ASSERT_STREQ("", f.fail);
	ASSERT_EQ(sizeof("TargetName=iqn.x:a\0TargetAddress=[::1]:3260,1"), ans.len);
	ASSERT_EQ(0, memcmp(ans.data, "TargetName=iqn.x:a\0TargetAddress=[::1]:3260,1",
			    ans.len));
	ASSERT_EQ(9u, s.cmdsn);
	ASSERT_EQ(13u, s.exp_statsn);
	kiscsi_textbuf_free(&req);
	kiscsi_textbuf_free(&ans);
}

static void script_text_bad_ttt(struct fake *f)
{
	struct iscsi_text_req rq;
	struct iscsi_text_rsp r;
	uint8_t bhs[ISCSI_BHS_LEN];

	FAKE_CHECK(f, fake_recv(f) == 0);
	iscsi_text_req_parse(f->bhs, &rq);
	memset(&r, 0, sizeof(r));
	r.itt = rq.itt;
	r.final = false;
	r.ttt = 0xffffffff;	/* cannot be continued */
	iscsi_text_rsp_build(bhs, &r);
	fake_send(f, bhs, NULL, 0);
}

TEST(text_bad_ttt)
{
	struct kiscsi_textbuf req, ans;
	struct kiscsi_error err;
	struct kiscsi_conn c;
	struct kiscsi_ffp s = { .cmdsn = 1, .next_itt = 5,
				.max_recv_dlen = 8192 };
	struct fake f;

	ASSERT_EQ(0, fake_start(&f, script_text_bad_ttt));
	kiscsi_conn_init_fd(&c, f.ifd, 5000, "fake:3260");
	s.conn = &c;
	kiscsi_textbuf_init(&req, 0);
	kiscsi_textbuf_init(&ans, 0);
	ASSERT_EQ(0, kiscsi_text_add(&req, "SendTargets", "All"));
	ASSERT_EQ(-KISCSI_E_PROTOCOL, kiscsi_text_exchange(&s, &req, &ans, &err));
	ASSERT_NE(NULL, strstr(err.msg, "Target Transfer Tag"));
	fake_stop(&f);
	kiscsi_textbuf_free(&req);
	kiscsi_textbuf_free(&ans);
}

TEST_HARNESS_MAIN

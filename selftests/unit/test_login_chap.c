// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The login state machine doing CHAP against the scripted fake target: the
 * T bit and texts of every security-stage PDU, one-way and mutual success,
 * and each way a target can fail or cheat.
 */
#include <string.h>

#include "fake_target.h"
#include "kselftest_harness.h"
#include "login.h"

#define T(s) s, sizeof(s) - 1

static const struct kiscsi_identity ident = {
	.name = "iqn.2024-01.org.kiscsi:unit",
	.isid = { 0x80, 0x11, 0x22, 0x33, 0x00, 0x00 },
};

#define INI_SECRET	"initiator-secret-1"
#define TGT_SECRET	"target-secret-0002"

/* How the scripted target behaves in one test. */
static struct {
	const char *pick;	/* AuthMethod answer */
	int alg;		/* CHAP_A it chooses */
	const char *md;		/* its OpenSSL name */
	const char *tgt_secret;	/* for mutual answers */
	const char *tgt_name;
	bool fail_status;	/* answer CHAP_R with 0x0201 */
	bool skip_answer;	/* mutual: transit without CHAP_N/CHAP_R */
	bool dup_key;		/* AuthMethod twice */
	/* what it saw */
	bool saw_mutual;
	bool challenges_differ;
} cs;

static const uint8_t target_challenge[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
};

static void finish_operational(struct fake *f, uint32_t statsn)
{
	struct iscsi_login_rsp r;

	FAKE_CHECK(f, fake_recv(f) == 0);
	r = fake_rsp_for(f, true, 1, 3, statsn);
	FAKE_CHECK(f, (f->bhs[1] & 0x0c) >> 2 == 1);	/* CSG operational */
	r.tsih = 7;
	fake_login_rsp(f, &r, NULL, 0);
}

static void script_chap(struct fake *f)
{
	struct iscsi_login_req rq;
	struct iscsi_login_rsp r;
	char text[512], hex[80];
	uint8_t want[32], got[64], ichal[1100];
	const char *v;
	unsigned int dl;
	size_t n, clen;
	int len;

	/* 1: AuthMethod offer; T=1 allowed, we keep the stage */
	FAKE_CHECK(f, fake_recv(f) == 0);
	iscsi_login_req_parse(f->bhs, &rq);
	FAKE_CHECK(f, rq.transit && rq.csg == 0 && rq.nsg == 1);
	v = fake_get(f, "AuthMethod");
	FAKE_CHECK(f, v && (!strcmp(v, "CHAP,None") || !strcmp(v, "CHAP")));
	r = fake_rsp_for(f, false, 0, 0, 1);
	if (cs.dup_key) {
		fake_login_rsp(f, &r, T("AuthMethod=CHAP\0AuthMethod=CHAP\0"));
		return;
	}
	len = snprintf(text, sizeof(text), "AuthMethod=%s%cTargetPortalGroupTag=1%cX-org.example.Foo=1%c",
		       cs.pick, 0, 0, 0);
	fake_login_rsp(f, &r, text, (size_t)len);
	if (strcmp(cs.pick, "CHAP")) {
		fake_recv(f);
		return;		/* the initiator gives up */
	}

	/* 2: CHAP_A, with T=0, and our unknown key answered */
	FAKE_CHECK(f, fake_recv(f) == 0);
	iscsi_login_req_parse(f->bhs, &rq);
	FAKE_CHECK(f, !rq.transit && rq.csg == 0);
	FAKE_CHECK(f, fake_has(f, "X-org.example.Foo=NotUnderstood"));
	FAKE_CHECK(f, fake_get(f, "CHAP_A") != NULL);
	r = fake_rsp_for(f, false, 0, 0, 2);
	fake_hex(target_challenge, sizeof(target_challenge), hex);
	len = snprintf(text, sizeof(text), "CHAP_A=%d%cCHAP_I=200%cCHAP_C=%s%c",
		       cs.alg, 0, 0, hex, 0);
	fake_login_rsp(f, &r, text, (size_t)len);

	/* 3: CHAP_N, CHAP_R (and ours for mutual), T=1 */
	FAKE_CHECK(f, fake_recv(f) == 0);
	iscsi_login_req_parse(f->bhs, &rq);
	FAKE_CHECK(f, rq.transit && rq.csg == 0 && rq.nsg == 1);
	FAKE_CHECK(f, fake_has(f, "CHAP_N=ini"));
	dl = fake_chap_hash(cs.md, 200, INI_SECRET, target_challenge,
			    sizeof(target_challenge), want);
	n = fake_unhex(fake_get(f, "CHAP_R"), got, sizeof(got));
	FAKE_CHECK(f, n == dl && !memcmp(got, want, dl));
	cs.saw_mutual = fake_get(f, "CHAP_C") != NULL;
	if (cs.fail_status) {
		r = fake_rsp_for(f, false, 0, 0, 3);
		r.status_class = 2;
		r.status_detail = 1;
		fake_login_rsp(f, &r, NULL, 0);
		return;
	}
	r = fake_rsp_for(f, true, 0, 1, 3);
	if (cs.saw_mutual && !cs.skip_answer) {
		uint8_t id = (uint8_t)atoi(fake_get(f, "CHAP_I"));
		char rhex[80];

		clen = fake_unhex(fake_get(f, "CHAP_C"), ichal, sizeof(ichal));
		cs.challenges_differ = clen != sizeof(target_challenge) ||
			memcmp(ichal, target_challenge, clen);
		dl = fake_chap_hash(cs.md, id, cs.tgt_secret, ichal, clen, want);
		fake_hex(want, dl, rhex);
		len = snprintf(text, sizeof(text), "CHAP_N=%s%cCHAP_R=%s%c",
			       cs.tgt_name, 0, rhex, 0);
		fake_login_rsp(f, &r, text, (size_t)len);
	} else {
		fake_login_rsp(f, &r, NULL, 0);
	}
	if (cs.skip_answer)
		return;
	finish_operational(f, 4);
}

static struct kiscsi_chap_auth auth(bool mutual, const char *algs)
{
	struct kiscsi_chap_auth a;

	memset(&a, 0, sizeof(a));
	strcpy(a.username, "ini");
	strcpy(a.password, INI_SECRET);
	if (mutual) {
		strcpy(a.username_in, "tgt");
		strcpy(a.password_in, TGT_SECRET);
	}
	if (algs)
		kiscsi_chap_algs_parse(algs, &a, NULL);
	return a;
}

static void defaults(void)
{
	memset(&cs, 0, sizeof(cs));
	cs.pick = "CHAP";
	cs.alg = 7;
	cs.md = "SHA256";
	cs.tgt_secret = TGT_SECRET;
	cs.tgt_name = "tgt";
}

static int run(struct fake *f, struct kiscsi_login_ctx *ctx,
	       const struct kiscsi_chap_auth *a, struct kiscsi_error *err)
{
	struct kiscsi_conn c;
	int r;

	if (fake_start(f, script_chap))
		return 99;
	kiscsi_conn_init_fd(&c, f->ifd, 5000, "fake:3260");
	kiscsi_login_ctx_init(ctx, &c, &ident, "iqn.2024-01.org.x:t1");
	ctx->auth = a;
	r = kiscsi_login_run(ctx, err);
	fake_stop(f);
	return r;
}

TEST(one_way_each_algorithm)
{
	static const struct { int alg; const char *md; } v[] = {
		{ 5, "MD5" }, { 6, "SHA1" }, { 7, "SHA256" }, { 8, "SHA3-256" },
	};
	struct kiscsi_chap_auth a = auth(false, "sha3-256,sha256,sha1,md5");
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		defaults();
		cs.alg = v[i].alg;
		cs.md = v[i].md;
		ASSERT_EQ(0, run(&f, &ctx, &a, &err)) TH_LOG("%s", err.msg);
		ASSERT_STREQ("", f.fail);
		ASSERT_EQ(4, f.npdus);
		ASSERT_FALSE(cs.saw_mutual);
		ASSERT_EQ(KISCSI_CHAP_DONE, ctx.chap.state);
		ASSERT_EQ(v[i].alg, ctx.chap.alg);
		ASSERT_EQ(7, ctx.tsih);
	}
}

TEST(mutual_success)
{
	struct kiscsi_chap_auth a = auth(true, "sha256");
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;

	defaults();
	ASSERT_EQ(0, run(&f, &ctx, &a, &err)) TH_LOG("%s", err.msg);
	ASSERT_STREQ("", f.fail);
	ASSERT_TRUE(cs.saw_mutual);
	ASSERT_TRUE(cs.challenges_differ);
	ASSERT_EQ(KISCSI_CHAP_DONE, ctx.chap.state);
	ASSERT_TRUE(ctx.chap.mutual);
}

TEST(mutual_wrong_target_secret)
{
	struct kiscsi_chap_auth a = auth(true, "sha256");
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;

	defaults();
	cs.tgt_secret = "not-the-right-one";
	ASSERT_EQ(-KISCSI_E_AUTH, run(&f, &ctx, &a, &err));
	ASSERT_STREQ("login to iqn.2024-01.org.x:t1 at fake:3260 failed in security negotiation: target's CHAP response does not verify (wrong --password-in here or on the target)",
		     err.msg);
	ASSERT_EQ(NULL, strstr(err.msg, TGT_SECRET));
}

TEST(mutual_reflection)
{
	struct kiscsi_chap_auth a = auth(true, "sha256");
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;

	defaults();
	cs.tgt_secret = INI_SECRET;	/* answers with our own secret */
	ASSERT_EQ(-KISCSI_E_AUTH, run(&f, &ctx, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "reflection")) TH_LOG("%s", err.msg);
}

TEST(mutual_unanswered)
{
	struct kiscsi_chap_auth a = auth(true, "sha256");
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;

	defaults();
	cs.skip_answer = true;
	ASSERT_EQ(-KISCSI_E_AUTH, run(&f, &ctx, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "did not answer our CHAP challenge"))
		TH_LOG("%s", err.msg);
}

TEST(mutual_refuses_none)
{
	struct kiscsi_chap_auth a = auth(true, NULL);
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;

	defaults();
	cs.pick = "None";
	ASSERT_EQ(-KISCSI_E_AUTH, run(&f, &ctx, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "did not accept CHAP and mutual CHAP was asked for"))
		TH_LOG("%s", err.msg);
}

TEST(status_authentication_failure)
{
	struct kiscsi_chap_auth a = auth(false, "sha256");
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;

	defaults();
	cs.fail_status = true;
	ASSERT_EQ(-KISCSI_E_AUTH, run(&f, &ctx, &a, &err));
	ASSERT_STREQ("login to iqn.2024-01.org.x:t1 at fake:3260 failed: authentication failure (status 0x0201)",
		     err.msg);
}

TEST(algorithm_not_offered)
{
	struct kiscsi_chap_auth a = auth(false, NULL);	/* MD5 only */
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;

	defaults();		/* picks 7 */
	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, &ctx, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "not offered")) TH_LOG("%s", err.msg);
}

TEST(duplicate_key_in_security)
{
	struct kiscsi_chap_auth a = auth(false, NULL);
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct fake f;

	defaults();
	cs.dup_key = true;
	ASSERT_EQ(-KISCSI_E_PROTOCOL, run(&f, &ctx, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "key AuthMethod twice")) TH_LOG("%s", err.msg);
}

TEST(equal_secrets_refused_before_connecting)
{
	struct kiscsi_chap_auth a = auth(true, NULL);
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct kiscsi_conn c;

	strcpy(a.password_in, INI_SECRET);
	kiscsi_conn_init_fd(&c, -1, 5000, "fake:3260");
	kiscsi_login_ctx_init(&ctx, &c, &ident, "iqn.2024-01.org.x:t1");
	ctx.auth = &a;
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_login_run(&ctx, &err));
	ASSERT_NE(NULL, strstr(err.msg, "same secret"));
}

TEST_HARNESS_MAIN

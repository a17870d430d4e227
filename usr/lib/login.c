// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Login phase (RFC 7143, sections 6.3 and 11.12/11.13): SecurityNegotiation
 * (AuthMethod=None, or CHAP: chap.c), then LoginOperationalNegotiation, then the Full
 * Feature Phase.  One login PDU outstanding; C-bit continuation both ways;
 * the target's T bit decides the stage transitions; every response field
 * checked before use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "login.h"
#include "pdu.h"
#include "sendtargets.h"

#define MAX_ROUNDS	32	/* request/response exchanges per login */
#define MAX_CONT_PDUS	1024	/* Login Responses in one answer (C bit) */

static const char *stage_name(int s)
{
	switch (s) {
	case ISCSI_STAGE_SECURITY:
		return "security negotiation";
	case ISCSI_STAGE_OPERATIONAL:
		return "operational negotiation";
	default:
		return "login";
	}
}

void kiscsi_login_ctx_init(struct kiscsi_login_ctx *ctx,
			   struct kiscsi_conn *conn,
			   const struct kiscsi_identity *id,
			   const char *target)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->conn = conn;
	ctx->id = id;
	ctx->target = target;
	ctx->itt = 0x10000000;
	ctx->cmdsn = 1;
	kiscsi_params_offer_defaults(&ctx->want);
	if (target)
		snprintf(ctx->what, sizeof(ctx->what), "login to %s at %s",
			 target, conn->where);
	else
		snprintf(ctx->what, sizeof(ctx->what), "discovery login at %s",
			 conn->where);
}

/* Send one login request PDU. */
static int send_req(struct kiscsi_login_ctx *ctx, int csg, bool transit,
		    int nsg, bool cont, const void *data, uint32_t len,
		    struct kiscsi_error *err)
{
	struct iscsi_login_req rq = {
		.transit = transit, .cont = cont, .csg = (uint8_t)csg,
		.nsg = (uint8_t)nsg, .tsih = 0, .itt = ctx->itt, .cid = 0,
		.cmdsn = ctx->cmdsn, .exp_statsn = ctx->exp_statsn,
		.dlen = len,
	};
	uint8_t bhs[ISCSI_BHS_LEN];

	memcpy(rq.isid, ctx->id->isid, 6);
	iscsi_login_req_build(bhs, &rq);
	return kiscsi_conn_send(ctx->conn, bhs, data, len,
				stage_name(csg), err);
}

static int status_error(struct kiscsi_login_ctx *ctx,
			const struct iscsi_login_rsp *r,
			struct kiscsi_error *err)
{
	int code = KISCSI_E_LOGIN;

	if (r->status_class == 2 &&
	    (r->status_detail == 1 || r->status_detail == 2))
		code = KISCSI_E_AUTH;
	return kiscsi_err(err, code, "%s failed: %s (status 0x%02x%02x)",
			  ctx->what,
			  kiscsi_login_status_str(r->status_class,
						  r->status_detail),
			  r->status_class, r->status_detail);
}

/*
 * Receive one login response and check it against the request we sent.
 * Non-zero status is reported through ctx->status_* and *rsp (caller).
 */
static int recv_rsp(struct kiscsi_login_ctx *ctx, int csg, bool transit,
		    int nsg, struct iscsi_login_rsp *r, uint8_t **data,
		    struct kiscsi_error *err)
{
	uint8_t bhs[ISCSI_BHS_LEN];
	const char *why = NULL;
	int ret;

	ret = kiscsi_conn_recv(ctx->conn, bhs, data, KISCSI_LOGIN_DLEN,
			       stage_name(csg), err);
	if (ret)
		return ret;
	if (iscsi_bhs_opcode(bhs) == ISCSI_OP_REJECT)
		why = "target sent Reject for our Login Request";
	else if (iscsi_login_rsp_parse(bhs, r))
		why = "expected a Login Response";
	else if (r->itt != ctx->itt)
		why = "Login Response for another task (ITT mismatch)";
	else if (r->version_active != 0)
		why = "unsupported iSCSI version";
	else if (r->status_class == 0 && memcmp(r->isid, ctx->id->isid, 6))
		why = "Login Response carries another ISID";
	if (!why) {
		ctx->statsn = r->statsn;
		ctx->exp_statsn = r->statsn + 1;
		ctx->status_class = r->status_class;
		ctx->status_detail = r->status_detail;
		if (r->status_class != 0)
			return 0;	/* caller decodes */
		if (r->csg != csg)
			why = "Login Response for another stage (CSG)";
		else if (r->transit && r->cont)
			why = "Login Response with both T and C set";
		else if (r->transit && !transit)
			why = "target set T without our request to transit";
		else if (r->transit && (r->nsg <= csg || r->nsg > nsg ||
					r->nsg == 2))
			why = "invalid next stage (NSG) in Login Response";
	}
	if (why) {
		free(*data);
		*data = NULL;
		return kiscsi_err(err, KISCSI_E_PROTOCOL,
				  "%s failed in %s: %s", ctx->what,
				  stage_name(csg), why);
	}
	return 0;
}

/*
 * One exchange: send our text for stage csg (split into 8192-byte PDUs
 * with C=1), collect the target's complete answer (following its C bit).
 */
static int exchange(struct kiscsi_login_ctx *ctx, int csg, bool transit,
		    int nsg, const struct kiscsi_textbuf *out,
		    struct kiscsi_textbuf *in, struct iscsi_login_rsp *last,
		    struct kiscsi_error *err)
{
	size_t off = 0;
	uint8_t *data = NULL;
	int ret, pdus = 0;

	/* our text, in pieces if needed */
	for (;;) {
		size_t chunk = out->len - off;
		bool more = chunk > KISCSI_LOGIN_DLEN;

		if (more)
			chunk = KISCSI_LOGIN_DLEN;
		ret = send_req(ctx, csg, more ? false : transit, nsg, more,
			       out->data ? out->data + off : NULL,
			       (uint32_t)chunk, err);
		if (ret)
			return ret;
		off += chunk;
		if (!more)
			break;
		ret = recv_rsp(ctx, csg, false, nsg, last, &data, err);
		if (ret)
			return ret;
		free(data);
		if (last->status_class)
			return 0;
		if (last->dlen || last->transit || last->cont)
			return kiscsi_err(err, KISCSI_E_PROTOCOL,
					  "%s failed in %s: target answered a partial text",
					  ctx->what, stage_name(csg));
	}

	/* the answer, possibly in pieces */
	in->len = 0;
	for (;;) {
		ret = recv_rsp(ctx, csg, transit, nsg, last, &data, err);
		if (ret)
			return ret;
		if (last->status_class) {
			/* keep the text: a redirect carries TargetAddress */
			if (data && kiscsi_textbuf_append(in, data, last->dlen))
				in->len = 0;
			free(data);
			return 0;
		}
		if (data && kiscsi_textbuf_append(in, data, last->dlen)) {
			free(data);
			return kiscsi_err(err, KISCSI_E_PROTOCOL,
					  "%s failed in %s: login text longer than %d bytes",
					  ctx->what, stage_name(csg),
					  KISCSI_LOGIN_TEXT_MAX);
		}
		free(data);
		if (!last->cont)
			return 0;
		/* empty continuations add nothing to the text limit */
		if (++pdus > MAX_CONT_PDUS)
			return kiscsi_err(err, KISCSI_E_PROTOCOL,
					  "%s failed in %s: target continued its Login Response more than %d times",
					  ctx->what, stage_name(csg),
					  MAX_CONT_PDUS);
		/* ask for the rest: empty request, T=0, C=0 */
		ret = send_req(ctx, csg, false, nsg, false, NULL, 0, err);
		if (ret)
			return ret;
	}
}

static bool chap_wanted(const struct kiscsi_login_ctx *ctx)
{
	return ctx->auth && ctx->auth->username[0];
}

static bool has_chap_key(const struct kiscsi_kvlist *kv)
{
	size_t i;

	for (i = 0; i < kv->n; i++)
		if (!strncmp(kv->kv[i].key, "CHAP_", 5))
			return true;
	return false;
}

/*
 * One response of the security stage: the AuthMethod answer and the CHAP
 * exchange.  Our next text goes into ans; *transit says whether we may ask
 * for the operational stage (not in the middle of CHAP).
 */
static int security_step(struct kiscsi_login_ctx *ctx,
			 const struct kiscsi_kvlist *kv,
			 const struct iscsi_login_rsp *rsp,
			 struct kiscsi_textbuf *ans, bool *transit,
			 struct kiscsi_error *err)
{
	struct kiscsi_chap *c = &ctx->chap;
	const char *am = ctx->neg.auth_answer;
	char why[256];
	int r = 0;

	switch (c->state) {
	case KISCSI_CHAP_SENT_A:
		r = kiscsi_chap_respond(c, kv, ans, why, sizeof(why));
		*transit = true;
		break;
	case KISCSI_CHAP_SENT_R:
		r = kiscsi_chap_verify(c, kv, why, sizeof(why));
		break;
	default:
		if (chap_wanted(ctx) && has_chap_key(kv))
			r = -KISCSI_E_PROTOCOL;
		snprintf(why, sizeof(why), "unexpected CHAP key from target");
		break;
	}
	if (r)
		return kiscsi_err(err, -r, "%s failed in security negotiation: %s",
				  ctx->what, why);

	if (!ctx->auth_answered && am[0]) {
		ctx->auth_answered = true;
		if (!chap_wanted(ctx)) {
			if (!ctx->neg.auth_none_ok)
				return kiscsi_err(err, KISCSI_E_AUTH,
						  "%s failed: target requires authentication (AuthMethod=%s); give CHAP credentials (--username, --password)",
						  ctx->what, am);
		} else if (!strcmp(am, "CHAP")) {
			if (kiscsi_chap_offer(c, ans))
				return kiscsi_err(err, KISCSI_E_GENERIC,
						  "%s: cannot build login text",
						  ctx->what);
			*transit = false;
		} else if (strcmp(am, "None") || c->mutual) {
			return kiscsi_err(err, KISCSI_E_AUTH,
					  "%s failed: target did not accept CHAP%s (AuthMethod=%s)",
					  ctx->what,
					  c->mutual ? " and mutual CHAP was asked for" : "",
					  am);
		}
		/* None with one-way credentials: the target needs none */
	}

	if (rsp->transit && chap_wanted(ctx)) {
		if (!ctx->auth_answered)
			return kiscsi_err(err, KISCSI_E_AUTH,
					  "%s failed: target left the security stage without answering AuthMethod",
					  ctx->what);
		if (c->state == KISCSI_CHAP_SENT_A ||
		    c->state == KISCSI_CHAP_SENT_R)
			return kiscsi_err(err, KISCSI_E_AUTH,
					  "%s failed: target left the security stage before CHAP finished",
					  ctx->what);
	}
	return 0;
}

int kiscsi_login_run(struct kiscsi_login_ctx *ctx, struct kiscsi_error *err)
{
	struct kiscsi_textbuf out, in, ans;
	struct iscsi_login_rsp rsp;
	struct kiscsi_kvlist kv;
	int csg = ISCSI_STAGE_SECURITY, nsg = ISCSI_STAGE_OPERATIONAL;
	bool offered = false, transit = true;
	const char *auth_offer = "None";
	char why[256];
	int ret = 0, round;

	kiscsi_neg_init(&ctx->neg, ctx->target == NULL, &ctx->want);
	if (chap_wanted(ctx)) {
		ret = kiscsi_chap_auth_check(ctx->auth, NULL, 0, err);
		if (ret)
			return ret;
		kiscsi_chap_init(&ctx->chap, ctx->auth);
		/* mutual: a target must prove itself, None is no answer */
		auth_offer = ctx->chap.mutual ? "CHAP" : "CHAP,None";
	}
	kiscsi_textbuf_init(&out, KISCSI_LOGIN_TEXT_MAX);
	kiscsi_textbuf_init(&in, KISCSI_LOGIN_TEXT_MAX);
	kiscsi_textbuf_init(&ans, KISCSI_LOGIN_TEXT_MAX);

	if (kiscsi_text_add(&out, "InitiatorName", ctx->id->name) ||
	    kiscsi_text_add(&out, "SessionType",
			    ctx->target ? "Normal" : "Discovery") ||
	    (ctx->target && kiscsi_text_add(&out, "TargetName", ctx->target)) ||
	    kiscsi_text_add(&out, "AuthMethod", auth_offer)) {
		ret = kiscsi_err(err, KISCSI_E_INVAL,
				 "%s: initiator or target name not usable in a login",
				 ctx->what);
		goto out;
	}

	for (round = 0; round < MAX_ROUNDS; round++) {
		ret = exchange(ctx, csg, transit, nsg, &out, &in, &rsp, err);
		if (ret == -KISCSI_E_CONNECT && round == 0 && !chap_wanted(ctx) &&
		    err && strstr(err->msg, "closed the connection")) {
			/* LIO hangs up on AuthMethod=None when it wants CHAP */
			size_t l = strlen(err->msg);

			snprintf(err->msg + l, sizeof(err->msg) - l,
				 " (does it require CHAP? see --username)");
		}
		if (ret)
			goto out;
		if (kiscsi_text_parse(in.data, in.len, &kv, why, sizeof(why))) {
			if (rsp.status_class)
				goto status;
			ret = kiscsi_err(err, KISCSI_E_PROTOCOL,
					 "%s failed in %s: %s", ctx->what,
					 stage_name(csg), why);
			goto out;
		}
		if (rsp.status_class) {
			const char *ta = kiscsi_kv_get(&kv, "TargetAddress");

			if (ta)
				snprintf(ctx->neg.target_address,
					 sizeof(ctx->neg.target_address),
					 "%s", ta);
			kiscsi_kvlist_free(&kv);
			goto status;
		}
		ans.len = 0;
		ctx->neg.chap_keys_ours = chap_wanted(ctx) &&
					  csg == ISCSI_STAGE_SECURITY;
		ret = kiscsi_neg_process(&ctx->neg, &kv, &ans, why,
					 sizeof(why));
		if (ret) {
			kiscsi_kvlist_free(&kv);
			ret = kiscsi_err(err, KISCSI_E_PROTOCOL,
					 "%s failed in %s: %s", ctx->what,
					 stage_name(csg), why);
			goto out;
		}
		if (csg == ISCSI_STAGE_SECURITY)
			ret = security_step(ctx, &kv, &rsp, &ans, &transit,
					    err);
		kiscsi_kvlist_free(&kv);
		if (ret)
			goto out;

		out.len = 0;
		if (rsp.transit && rsp.nsg == ISCSI_STAGE_FFP) {
			if (rsp.tsih == 0 && ctx->target) {
				ret = kiscsi_err(err, KISCSI_E_PROTOCOL,
						 "%s failed: final Login Response without TSIH",
						 ctx->what);
				goto out;
			}
			ctx->tsih = rsp.tsih;
			ctx->statsn = rsp.statsn;
			ctx->exp_cmdsn = rsp.exp_cmdsn;
			ctx->max_cmdsn = rsp.max_cmdsn;
			/*
			 * Offers the target made in its final response cannot
			 * be answered any more: they keep their defaults.
			 */
			kiscsi_neg_finish(&ctx->neg);
			ret = 0;
			goto out;
		}
		if (rsp.transit) {
			/* security -> operational */
			csg = rsp.nsg;
			nsg = ISCSI_STAGE_FFP;
			transit = true;
		}
		if (kiscsi_textbuf_append(&out, ans.data, ans.len) ||
		    (csg == ISCSI_STAGE_OPERATIONAL && !offered &&
		     kiscsi_neg_offer(&ctx->neg, &out))) {
			ret = kiscsi_err(err, KISCSI_E_GENERIC,
					 "%s: cannot build login text", ctx->what);
			goto out;
		}
		if (csg == ISCSI_STAGE_OPERATIONAL)
			offered = true;
	}
	ret = kiscsi_err(err, KISCSI_E_PROTOCOL,
			 "%s failed: target did not finish the login in %d exchanges",
			 ctx->what, MAX_ROUNDS);
	goto out;

status:
	if (rsp.status_class == 1 && ctx->neg.target_address[0]) {
		ctx->redirected = true;
		ret = kiscsi_err(err, KISCSI_E_LOGIN,
				 "%s failed: %s to %s (status 0x%02x%02x)",
				 ctx->what,
				 kiscsi_login_status_str(rsp.status_class,
							 rsp.status_detail),
				 ctx->neg.target_address, rsp.status_class,
				 rsp.status_detail);
	} else {
		ret = status_error(ctx, &rsp, err);
	}
out:
	kiscsi_chap_wipe(&ctx->chap);
	kiscsi_textbuf_free(&out);
	kiscsi_textbuf_free(&in);
	kiscsi_textbuf_free(&ans);
	return ret;
}

/*
 * One attempt: connect and log in, following redirections.  The numeric
 * address of the portal first connected to and the redirection count go
 * to @res.
 */
static int login_once(const struct kiscsi_portal *portal,
		      const struct kiscsi_identity *id, const char *target,
		      const struct kiscsi_opts *opts,
		      const struct kiscsi_login_resume *resume,
		      struct kiscsi_login_ctx *ctx, struct kiscsi_conn *conn,
		      struct kiscsi_login_result *res, struct kiscsi_error *err)
{
	struct kiscsi_portal p = *portal;
	int r, hops;

	for (hops = 0;; hops++) {
		struct kiscsi_target_portal tp;

		r = kiscsi_conn_open_opts(conn, &p, opts, err);
		if (r)
			return r;
		if (!hops) {
			snprintf(res->portal_addr, sizeof(res->portal_addr),
				 "%s", conn->addr);
			res->portal_port = conn->port;
		}
		res->redirects = hops;
		kiscsi_login_ctx_init(ctx, conn, id, target);
		ctx->want.header_digest = opts->header_digest;
		ctx->want.data_digest = opts->data_digest;
		ctx->auth = &opts->chap;
		if (resume) {
			ctx->cmdsn = resume->cmdsn;
			ctx->exp_statsn = resume->exp_statsn;
		}
		r = kiscsi_login_run(ctx, err);
		if (!r)
			return 0;
		kiscsi_conn_close(conn);
		if (!ctx->redirected)
			return r;
		if (kiscsi_target_address_parse(ctx->neg.target_address, &tp))
			return kiscsi_err(err, KISCSI_E_PROTOCOL,
					  "login to %s at %s failed: redirected to an invalid TargetAddress",
					  target, conn->where);
		if (hops >= opts->max_redirects)
			return kiscsi_err(err, KISCSI_E_LOGIN,
					  "login to %s failed: redirected %d times, last from %s to %s; giving up (a redirection loop?)",
					  target, hops + 1, conn->where,
					  ctx->neg.target_address);
		/* follow the redirection */
		snprintf(p.host, sizeof(p.host), "%s", tp.addr);
		p.port = tp.port;
	}
}

int kiscsi_login(const struct kiscsi_portal *portal,
		 const struct kiscsi_identity *id, const char *target,
		 const struct kiscsi_opts *opts,
		 struct kiscsi_login_result *res, struct kiscsi_error *err)
{
	return kiscsi_login_resume(portal, id, target, opts, NULL, res, err);
}

int kiscsi_login_resume(const struct kiscsi_portal *portal,
			const struct kiscsi_identity *id, const char *target,
			const struct kiscsi_opts *opts,
			const struct kiscsi_login_resume *resume,
			struct kiscsi_login_result *res,
			struct kiscsi_error *err)
{
	struct kiscsi_login_ctx ctx;
	struct kiscsi_conn conn;
	int r, attempt;

	memset(res, 0, sizeof(*res));
	res->fd = -1;
	if (!target || !*target || strlen(target) > KISCSI_NAME_MAX)
		return kiscsi_err(err, KISCSI_E_INVAL, "invalid target name");

	for (attempt = 0;; attempt++) {
		r = login_once(portal, id, target, opts, resume, &ctx, &conn,
			       res, err);
		if (!r)
			break;
		if (attempt >= opts->retries || !kiscsi_conn_retryable(r)) {
			kiscsi_conn_note_attempts(err, attempt + 1);
			return r;
		}
		kiscsi_conn_backoff(attempt);
	}

	res->fd = conn.fd;
	snprintf(res->target_name, sizeof(res->target_name), "%s", target);
	snprintf(res->conn_addr, sizeof(res->conn_addr), "%s", conn.addr);
	res->conn_port = conn.port;
	memcpy(res->isid, id->isid, 6);
	res->tsih = ctx.tsih;
	res->tpgt = ctx.neg.tpgt;
	res->statsn = ctx.statsn;
	res->exp_cmdsn = ctx.exp_cmdsn;
	res->max_cmdsn = ctx.max_cmdsn;
	res->params = ctx.neg.res;
	if (ctx.chap.state == KISCSI_CHAP_DONE) {
		res->chap_alg = ctx.chap.alg;
		res->chap_mutual = ctx.chap.mutual;
	}
	return 0;
}

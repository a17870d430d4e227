// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Discovery session: login with SessionType=Discovery, one Text Request
 * SendTargets=All (following the target's continuation: C bit / F=0 with a
 * Target Transfer Tag), then Logout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "login.h"
#include "pdu.h"
#include "sendtargets.h"
#include "session_io.h"

#define SENDTARGETS_MAX		(16u << 20)	/* whole answer */
#define MAX_TEXT_PDUS		4096

int kiscsi_text_exchange(struct kiscsi_ffp *s, const struct kiscsi_textbuf *req,
			 struct kiscsi_textbuf *answer,
			 struct kiscsi_error *err)
{
	uint32_t ttt = ISCSI_RSVD_TAG, itt = s->next_itt++;
	const void *data = req->data;
	uint32_t dlen = (uint32_t)req->len;
	int n;

	for (n = 0; n < MAX_TEXT_PDUS; n++) {
		struct iscsi_text_req rq = {
			.final = true, .itt = itt, .ttt = ttt,
			.cmdsn = s->cmdsn, .exp_statsn = s->exp_statsn,
			.dlen = dlen,
		};
		struct iscsi_text_rsp rs;
		uint8_t bhs[ISCSI_BHS_LEN], *d = NULL;
		const char *why = NULL;
		int r;

		iscsi_text_req_build(bhs, &rq);
		r = kiscsi_conn_send(s->conn, bhs, data, dlen, "SendTargets",
				     err);
		if (r)
			return r;
		s->cmdsn++;		/* non-immediate */
		data = NULL;
		dlen = 0;

		r = kiscsi_conn_recv(s->conn, bhs, &d, s->max_recv_dlen,
				     "SendTargets", err);
		if (r)
			return r;
		if (iscsi_bhs_opcode(bhs) == ISCSI_OP_REJECT)
			why = "target rejected the Text Request";
		else if (iscsi_text_rsp_parse(bhs, &rs))
			why = "expected a Text Response";
		else if (rs.itt != itt)
			why = "Text Response for another task (ITT mismatch)";
		else if (rs.final && rs.cont)
			why = "Text Response with both F and C set";
		else if (rs.final && rs.ttt != ISCSI_RSVD_TAG)
			why = "final Text Response with a Target Transfer Tag";
		else if (!rs.final && rs.ttt == ISCSI_RSVD_TAG)
			why = "continued Text Response without a Target Transfer Tag";
		if (why) {
			free(d);
			return kiscsi_err(err, KISCSI_E_PROTOCOL,
					  "discovery at %s failed: %s",
					  s->conn->where, why);
		}
		s->exp_statsn = rs.statsn + 1;
		if (d && kiscsi_textbuf_append(answer, d, rs.dlen)) {
			free(d);
			return kiscsi_err(err, KISCSI_E_PROTOCOL,
					  "discovery at %s failed: answer larger than %u bytes",
					  s->conn->where, SENDTARGETS_MAX);
		}
		free(d);
		if (rs.final)
			return 0;
		ttt = rs.ttt;
	}
	return kiscsi_err(err, KISCSI_E_PROTOCOL,
			  "discovery at %s failed: Text Response never ended",
			  s->conn->where);
}

int kiscsi_logout_session(struct kiscsi_ffp *s, struct kiscsi_error *err)
{
	struct iscsi_logout_req rq = {
		.immediate = true, .reason = 0, .itt = s->next_itt++,
		.cid = 0, .cmdsn = s->cmdsn, .exp_statsn = s->exp_statsn,
	};
	struct iscsi_logout_rsp rs;
	uint8_t bhs[ISCSI_BHS_LEN], *d = NULL;
	int r;

	iscsi_logout_req_build(bhs, &rq);
	r = kiscsi_conn_send(s->conn, bhs, NULL, 0, "logout", err);
	if (r)
		return r;
	r = kiscsi_conn_recv(s->conn, bhs, &d, s->max_recv_dlen, "logout",
			     err);
	free(d);
	if (r)
		return r;
	if (iscsi_logout_rsp_parse(bhs, &rs) || rs.itt != rq.itt)
		return kiscsi_err(err, KISCSI_E_PROTOCOL,
				  "logout at %s: unexpected answer (opcode 0x%02x)",
				  s->conn->where, iscsi_bhs_opcode(bhs));
	if (rs.response != 0)
		return kiscsi_err(err, KISCSI_E_PROTOCOL,
				  "logout at %s: target answered %u",
				  s->conn->where, rs.response);
	return 0;
}

/* Targets without TargetAddress are reached at the discovery portal. */
static int fill_default_portals(struct kiscsi_target_list *l,
				const struct kiscsi_conn *c)
{
	size_t i;

	for (i = 0; i < l->ntargets; i++) {
		struct kiscsi_target *t = &l->targets[i];

		if (t->nportals)
			continue;
		t->portals = calloc(1, sizeof(*t->portals));
		if (!t->portals)
			return -1;
		t->nportals = 1;
		snprintf(t->portals[0].addr, sizeof(t->portals[0].addr), "%s",
			 c->addr);
		t->portals[0].port = c->port;
		t->portals[0].tpgt = -1;
	}
	return 0;
}

int kiscsi_discover(const struct kiscsi_portal *portal,
		    const struct kiscsi_identity *id,
		    const struct kiscsi_opts *opts,
		    struct kiscsi_target_list *out, struct kiscsi_error *err)
{
	struct kiscsi_login_ctx ctx;
	struct kiscsi_textbuf req, ans;
	struct kiscsi_kvlist kv;
	struct kiscsi_conn conn;
	struct kiscsi_ffp s;
	char why[256];
	int r, attempt;

	memset(out, 0, sizeof(*out));
	for (attempt = 0;; attempt++) {
		r = kiscsi_conn_open_opts(&conn, portal, opts, err);
		if (!r) {
			kiscsi_login_ctx_init(&ctx, &conn, id, NULL);
			ctx.auth = &opts->chap;
			r = kiscsi_login_run(&ctx, err);
			if (!r)
				break;
			kiscsi_conn_close(&conn);
		}
		if (attempt >= opts->retries || !kiscsi_conn_retryable(r)) {
			kiscsi_conn_note_attempts(err, attempt + 1);
			return r;
		}
		kiscsi_conn_backoff(attempt);
	}

	kiscsi_ffp_init(&s, &conn, &ctx);
	kiscsi_textbuf_init(&req, 0);
	kiscsi_textbuf_init(&ans, SENDTARGETS_MAX);
	if (kiscsi_text_add(&req, "SendTargets", "All")) {
		r = kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
		goto free;
	}
	r = kiscsi_text_exchange(&s, &req, &ans, err);
	if (r)
		goto free;
	if (kiscsi_text_parse(ans.data, ans.len, &kv, why, sizeof(why))) {
		r = kiscsi_err(err, KISCSI_E_PROTOCOL,
			       "discovery at %s failed: %s", conn.where, why);
		goto free;
	}
	r = kiscsi_sendtargets_parse(&kv, out, why, sizeof(why));
	kiscsi_kvlist_free(&kv);
	if (r) {
		r = kiscsi_err(err, KISCSI_E_PROTOCOL,
			       "discovery at %s failed: %s", conn.where, why);
		goto free;
	}
	if (fill_default_portals(out, &conn)) {
		kiscsi_target_list_free(out);
		r = kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
		goto free;
	}
	/* the answer is what matters; a failed logout only ends the TCP */
	kiscsi_logout_session(&s, NULL);
free:
	kiscsi_textbuf_free(&req);
	kiscsi_textbuf_free(&ans);
	kiscsi_conn_close(&conn);
	return r;
}

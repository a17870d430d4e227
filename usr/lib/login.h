/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The login phase state machine, shared by normal and discovery sessions. */
#ifndef KISCSI_LOGIN_H
#define KISCSI_LOGIN_H

#include <stdbool.h>
#include <stdint.h>

#include "chap.h"
#include "conn.h"
#include "negotiate.h"

#define KISCSI_LOGIN_DLEN	8192	/* MaxRecvDataSegmentLength in login */
#define KISCSI_LOGIN_TEXT_MAX	65536	/* all text of one response */

struct kiscsi_login_ctx {
	/* in */
	struct kiscsi_conn *conn;
	const struct kiscsi_identity *id;
	const char *target;		/* NULL: discovery session */
	struct kiscsi_params want;
	uint32_t itt;
	uint32_t cmdsn;			/* initial CmdSN, kept on every PDU */
	char what[KISCSI_NAME_MAX + KISCSI_HOST_MAX + 64];  /* for messages */
	const struct kiscsi_chap_auth *auth;	/* NULL or no username: None */
	/* out */
	struct kiscsi_neg neg;
	uint32_t exp_statsn;		/* last StatSN + 1 */
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint16_t tsih;
	uint8_t status_class, status_detail;
	bool redirected;		/* status class 1; see neg.target_address */
	/* security stage */
	struct kiscsi_chap chap;
	bool auth_answered;		/* the target answered AuthMethod */
};

void kiscsi_login_ctx_init(struct kiscsi_login_ctx *ctx,
			   struct kiscsi_conn *conn,
			   const struct kiscsi_identity *id,
			   const char *target);
/* Runs the whole login.  0 on success, -errcode with err set otherwise. */
int kiscsi_login_run(struct kiscsi_login_ctx *ctx, struct kiscsi_error *err);

/*
 * A relogin of an existing session (session reinstatement, TSIH 0): its
 * first Login Request carries the session's next CmdSN and the failed
 * connection's ExpStatSN instead of a new session's.
 */
struct kiscsi_login_resume {
	uint32_t cmdsn;
	uint32_t exp_statsn;
};

/* kiscsi_login(), resuming a session when resume is not NULL. */
int kiscsi_login_resume(const struct kiscsi_portal *portal,
			const struct kiscsi_identity *id, const char *target,
			const struct kiscsi_opts *opts,
			const struct kiscsi_login_resume *resume,
			struct kiscsi_login_result *res,
			struct kiscsi_error *err);

#endif

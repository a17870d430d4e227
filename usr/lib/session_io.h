/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The little of the Full Feature Phase userspace does itself: Text
 * exchanges and Logout on a discovery session.
 */
#ifndef KISCSI_SESSION_IO_H
#define KISCSI_SESSION_IO_H

#include <stdint.h>

#include "conn.h"
#include "login.h"
#include "textkey.h"

struct kiscsi_ffp {
	struct kiscsi_conn *conn;
	uint32_t cmdsn;		/* next CmdSN */
	uint32_t exp_statsn;
	uint32_t next_itt;
	uint32_t max_recv_dlen;	/* what we declared */
};

static inline void kiscsi_ffp_init(struct kiscsi_ffp *s,
				   struct kiscsi_conn *c,
				   const struct kiscsi_login_ctx *ctx)
{
	s->conn = c;
	s->cmdsn = ctx->exp_cmdsn;
	s->exp_statsn = ctx->exp_statsn;
	s->next_itt = ctx->itt + 1;
	s->max_recv_dlen = ctx->neg.res.max_recv_dlen;
}

/* Send req (F=1), collect the whole answer across continuations. */
int kiscsi_text_exchange(struct kiscsi_ffp *s, const struct kiscsi_textbuf *req,
			 struct kiscsi_textbuf *answer,
			 struct kiscsi_error *err);
/* Logout with reason "close the session"; err may be NULL. */
int kiscsi_logout_session(struct kiscsi_ffp *s, struct kiscsi_error *err);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers of session.c. */
#ifndef KISCSI_SESSION_H
#define KISCSI_SESSION_H

#include <stdbool.h>

#include "libkiscsi.h"

/*
 * The first session of the kernel's list that match() accepts, copied to
 * *found: 1, or 0 if none accepts, or a negative error.
 */
int kiscsi_session_find(bool (*match)(const struct kiscsi_session_info *s,
				      const void *arg),
			const void *arg, struct kiscsi_session_info *found,
			struct kiscsi_error *err);

/* The session with this id, in any state: 1, 0 if none, or an error. */
int kiscsi_session_get(uint32_t id, struct kiscsi_session_info *found,
		       struct kiscsi_error *err);

/*
 * SESSION_CREATE without waiting for the first LUN scan, which runs in
 * the background; kiscsi_session_wait_scan() waits for it.
 */
int kiscsi_session_hand_over(const struct kiscsi_identity *id,
			     const struct kiscsi_login_result *res,
			     const struct kiscsi_opts *opts,
			     uint32_t *session_id, uint32_t *host_no,
			     struct kiscsi_error *err);
int kiscsi_session_wait_scan(uint32_t session_id, struct kiscsi_error *err);

/* CONN_REPLACE: hand a relogin's socket to a failed session. */
int kiscsi_conn_replace(uint32_t session_id,
			const struct kiscsi_login_result *res,
			const struct kiscsi_opts *opts,
			struct kiscsi_error *err);

#endif

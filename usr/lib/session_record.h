/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The relogin record of a session (session_record.c). */
#ifndef KISCSI_SESSION_RECORD_H
#define KISCSI_SESSION_RECORD_H

#include "libkiscsi.h"

int kiscsi_session_record_parse(const char *text, const char *where,
				struct kiscsi_session_record *r,
				struct kiscsi_error *err);
/* <run dir>/sessions/<id>, 0600 */
int kiscsi_session_record_save(const struct kiscsi_session_record *r,
			       struct kiscsi_error *err);
void kiscsi_session_record_remove(uint32_t session_id);

#endif

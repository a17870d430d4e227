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

#endif

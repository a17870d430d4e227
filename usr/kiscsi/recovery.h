/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's view of the sessions of its network namespace: which
 * failed, when to try the next relogin, and what each needs for it
 * (recovery.c).  Single-threaded: the daemon's loop calls everything.
 */
#ifndef KISCSI_RECOVERY_H
#define KISCSI_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "libkiscsi.h"

/* monotonic milliseconds */
int64_t recovery_now_ms(void);

/* A kernel event: note a failure, a restoration, a new or gone session. */
void recovery_event(const struct kiscsi_event_msg *ev);
/*
 * Compare with the kernel's list: adopt sessions we did not know (at
 * start, or after lost events), forget those gone, notice failures.
 */
void recovery_reconcile(void);
/* Run the relogins that are due; returns when the next one is (ms), -1. */
int64_t recovery_run_due(void);
/* Wipe the records (secrets) on exit. */
void recovery_clear(void);

#endif

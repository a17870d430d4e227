/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: filling struct kiscsi_error. */
#ifndef KISCSI_ERROR_H
#define KISCSI_ERROR_H

#include "libkiscsi.h"

/*
 * Sets err (if non-NULL) and returns -code.  Control characters in the
 * message become '?': it is always one printable line.
 */
int kiscsi_err(struct kiscsi_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Filling struct kiscsi_error. */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

int kiscsi_err(struct kiscsi_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

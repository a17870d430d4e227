// SPDX-License-Identifier: LGPL-2.1-or-later
/* Filling struct kiscsi_error. */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

int kiscsi_err(struct kiscsi_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		/*
		 * Messages quote what a target or user sent (keys, values,
		 * names): keep them one line and free of terminal escapes.
		 */
		for (p = err->msg; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
	}
	return -code;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Login response status class/detail in words (RFC 7143, 11.13.5). */
#include "libkiscsi.h"

const char *kiscsi_login_status_str(uint8_t cls, uint8_t detail)
{
	switch (cls << 8 | detail) {
	case 0x0000: return "success";
	case 0x0101: return "target moved temporarily";
	case 0x0102: return "target moved permanently";
	case 0x0200: return "initiator error";
	case 0x0201: return "authentication failure";
	case 0x0202: return "authorization failure";
	case 0x0203: return "target not found";
	case 0x0204: return "target removed";
	case 0x0205: return "unsupported version";
	case 0x0206: return "too many connections";
	case 0x0207: return "missing parameter";
	case 0x0208: return "cannot include in session";
	case 0x0209: return "session type not supported";
	case 0x020a: return "session does not exist";
	case 0x020b: return "invalid request during login";
	case 0x0300: return "target error";
	case 0x0301: return "service unavailable";
	case 0x0302: return "out of resources";
	}
	switch (cls) {
	case 0: return "success (unknown detail)";
	case 1: return "redirection (unknown detail)";
	case 2: return "initiator error (unknown detail)";
	case 3: return "target error (unknown detail)";
	}
	return "unknown status class";
}

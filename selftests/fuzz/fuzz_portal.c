// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Portal strings "host[:port]", "[v6%zone]:port" (the user's and a
 * TargetAddress's) and TargetAddress values "portal,tpgt".  Input: the
 * string (up to its first NUL).
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "sendtargets.h"

static void check_portal(const char *s)
{
	struct kiscsi_portal p, again;
	struct kiscsi_error err;
	char fmt[KISCSI_HOST_MAX + 16];
	int r;

	memset(&err, 0, sizeof(err));
	r = kiscsi_portal_parse(s, &p, &err);
	fuzz_check_error(r, &err);
	if (r) {
		FUZZ_CHECK(err.code == KISCSI_E_INVAL);
		return;
	}
	FUZZ_CHECK(p.host[0] != '\0' && strlen(p.host) <= KISCSI_HOST_MAX);
	FUZZ_CHECK(p.port != 0);
	FUZZ_CHECK(strchr(s, ':') || p.port == KISCSI_DEFAULT_PORT);
	kiscsi_portal_format(p.host, p.port, fmt, sizeof(fmt));
	FUZZ_CHECK(kiscsi_portal_parse(fmt, &again, NULL) == 0);
	FUZZ_CHECK(!strcmp(again.host, p.host) && again.port == p.port);
}

static void check_target_address(const char *s)
{
	struct kiscsi_target_portal tp;
	struct kiscsi_target t = { .name = "iqn.2026-11.org.kiscsi:fuzz" };

	if (kiscsi_target_address_parse(s, &tp))
		return;
	FUZZ_CHECK(strchr(s, ',') || tp.tpgt == -1);
	t.nportals = 1;
	t.portals = &tp;
	fuzz_check_target(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);

	FUZZ_CHECK(s != NULL);
	check_portal(s);
	check_target_address(s);
	free(s);
	return 0;
}

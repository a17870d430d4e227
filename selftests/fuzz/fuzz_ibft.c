// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The iSCSI Boot Firmware Table as firmware leaves it in ACPI (its
 * offsets, lengths and checksum are the firmware's word).  Input: the raw
 * table.  A table refused says why in one line; one taken has every
 * string within its bounds and builds into a table that parses back to
 * the same values.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "ibft.h"

static void check_str(const char *s, size_t size)
{
	FUZZ_CHECK(memchr(s, '\0', size) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[16384];
	struct kiscsi_ibft t, again;
	struct kiscsi_error err;
	long n;
	int i, r;

	memset(&t, 0, sizeof(t));
	memset(&err, 0, sizeof(err));
	r = kiscsi_ibft_parse(data, size, &t, &err);
	fuzz_check_error(r, &err);
	if (r)
		return 0;
	check_str(t.initiator.name, sizeof(t.initiator.name));
	for (i = 0; i < KISCSI_IBFT_MAX; i++) {
		check_str(t.nic[i].hostname, sizeof(t.nic[i].hostname));
		check_str(t.nic[i].ip_addr, sizeof(t.nic[i].ip_addr));
		check_str(t.target[i].name, sizeof(t.target[i].name));
		check_str(t.target[i].chap_secret, sizeof(t.target[i].chap_secret));
		check_str(t.target[i].rev_chap_secret,
			  sizeof(t.target[i].rev_chap_secret));
	}
	n = kiscsi_ibft_build(&t, buf, sizeof(buf), &err);
	fuzz_check_error(n < 0 ? -err.code : 0, &err);
	if (n < 0)
		return 0;
	memset(&again, 0, sizeof(again));
	FUZZ_CHECK(kiscsi_ibft_parse(buf, (size_t)n, &again, &err) == 0);
	/* the builder writes its own signature and ids */
	memcpy(again.signature, t.signature, sizeof(t.signature));
	memcpy(again.oem_id, t.oem_id, sizeof(t.oem_id));
	memcpy(again.oem_table_id, t.oem_table_id, sizeof(t.oem_table_id));
	FUZZ_CHECK(!memcmp(&t, &again, sizeof(t)));
	return 0;
}

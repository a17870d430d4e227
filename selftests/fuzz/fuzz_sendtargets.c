// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A SendTargets answer: the text data of the Text Responses, parsed into
 * keys and then into targets and portals.  Input: the text data.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "sendtargets.h"
#include "textkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kiscsi_target_list tl;
	struct kiscsi_kvlist kv;
	char why[256];
	size_t i;

	if (kiscsi_text_parse(data, size, &kv, why, sizeof(why)))
		return 0;
	why[0] = '\0';
	if (kiscsi_sendtargets_parse(&kv, &tl, why, sizeof(why))) {
		FUZZ_CHECK(why[0] != '\0' && tl.ntargets == 0 && !tl.targets);
	} else {
		for (i = 0; i < tl.ntargets; i++)
			fuzz_check_target(&tl.targets[i]);
		kiscsi_target_list_free(&tl);
	}
	kiscsi_kvlist_free(&kv);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text keys and the negotiation of a login response's key list.
 * Input: one flags byte, then a text data segment as a target sends it.
 *   bit 0  discovery session        bit 1  our offers made before
 *   bit 2  the same keys come twice  bit 3  we want CRC32C digests
 *   bit 4  we want ERL 2, InitialR2T=Yes, ImmediateData=No
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "negotiate.h"
#include "textkey.h"

#define ANSWER_MAX	65536

/* Every pair is a valid key and a value within its limit. */
static void check_kvlist(const struct kiscsi_kvlist *kv)
{
	size_t i;

	for (i = 0; i < kv->n; i++) {
		const char *k = kv->kv[i].key, *v = kv->kv[i].value;
		size_t vmax = (!strcmp(k, "CHAP_C") || !strcmp(k, "CHAP_R")) ?
			      KISCSI_VALUE_MAX_LONG : KISCSI_VALUE_MAX;

		FUZZ_CHECK(kiscsi_key_valid(k, strlen(k)));
		FUZZ_CHECK(strlen(v) <= vmax);
		FUZZ_CHECK(kiscsi_kv_get(kv, k) != NULL);
	}
}

/* Encoding the parsed pairs again gives text that parses to the same. */
static void check_roundtrip(const struct kiscsi_kvlist *kv)
{
	struct kiscsi_textbuf tb;
	struct kiscsi_kvlist again;
	char why[256];
	size_t i;

	kiscsi_textbuf_init(&tb, 0);
	for (i = 0; i < kv->n; i++)
		FUZZ_CHECK(kiscsi_text_add(&tb, kv->kv[i].key,
					   kv->kv[i].value) == 0);
	FUZZ_CHECK(kiscsi_text_parse(tb.data, tb.len, &again, why,
				     sizeof(why)) == 0);
	FUZZ_CHECK(again.n == kv->n);
	for (i = 0; i < kv->n; i++) {
		FUZZ_CHECK(!strcmp(again.kv[i].key, kv->kv[i].key));
		FUZZ_CHECK(!strcmp(again.kv[i].value, kv->kv[i].value));
	}
	kiscsi_kvlist_free(&again);
	kiscsi_textbuf_free(&tb);
}

/* What we would send back is well-formed text with each key once. */
static void check_answers(const struct kiscsi_textbuf *ans)
{
	struct kiscsi_kvlist kv;
	char why[256];

	FUZZ_CHECK(kiscsi_text_parse(ans->data, ans->len, &kv, why,
				     sizeof(why)) == 0);
	FUZZ_CHECK(kiscsi_kv_find_dup(&kv) < 0);
	kiscsi_kvlist_free(&kv);
}

static void negotiate(const struct kiscsi_kvlist *kv, uint8_t flags)
{
	struct kiscsi_textbuf offers, ans;
	struct kiscsi_params want;
	struct kiscsi_neg n;
	char why[256];
	int r;

	kiscsi_params_offer_defaults(&want);
	if (flags & 8)
		want.header_digest = want.data_digest = KISCSI_DIGEST_CRC32C;
	if (flags & 16) {
		want.erl = 2;
		want.initial_r2t = true;
		want.immediate_data = false;
	}
	kiscsi_neg_init(&n, flags & 1, &want);
	kiscsi_textbuf_init(&offers, ANSWER_MAX);
	kiscsi_textbuf_init(&ans, ANSWER_MAX);
	if (flags & 2) {
		FUZZ_CHECK(kiscsi_neg_offer(&n, &offers) == 0);
		check_answers(&offers);
	}
	why[0] = '\0';
	r = kiscsi_neg_process(&n, kv, &ans, why, sizeof(why));
	if (r) {
		FUZZ_CHECK(why[0] != '\0');
	} else {
		check_answers(&ans);
		if (flags & 4) {
			ans.len = 0;
			if (!kiscsi_neg_process(&n, kv, &ans, why, sizeof(why)))
				check_answers(&ans);
		}
	}
	kiscsi_neg_finish(&n);
	fuzz_check_params(&n.res, &want);
	FUZZ_CHECK(n.tpgt >= -1 && n.tpgt <= 65535);
	kiscsi_textbuf_free(&offers);
	kiscsi_textbuf_free(&ans);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kiscsi_kvlist kv;
	char why[256];
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	why[0] = '\0';
	if (kiscsi_text_parse(data, size, &kv, why, sizeof(why))) {
		FUZZ_CHECK(why[0] != '\0' && kv.n == 0 && !kv.kv && !kv.buf);
		return 0;
	}
	check_kvlist(&kv);
	check_roundtrip(&kv);
	negotiate(&kv, flags);
	kiscsi_kvlist_free(&kv);
	return 0;
}

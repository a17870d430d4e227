// SPDX-License-Identifier: LGPL-2.1-or-later
/* Operational key negotiation: offers, result functions, answers. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kiscsi.h>

#include "negotiate.h"

#define DLEN_LO		512
#define DLEN_HI		16777215u

void kiscsi_params_rfc_defaults(struct kiscsi_params *p)
{
	memset(p, 0, sizeof(*p));
	p->max_recv_dlen = 8192;
	p->max_xmit_dlen = 8192;
	p->first_burst = 65536;
	p->max_burst = 262144;
	p->max_r2t = 1;
	p->max_conns = 1;
	p->time2wait = 2;
	p->time2retain = 20;
	p->erl = 0;
	p->header_digest = KISCSI_DIGEST_NONE;
	p->data_digest = KISCSI_DIGEST_NONE;
	p->immediate_data = true;
	p->initial_r2t = true;
	p->data_pdu_in_order = true;
	p->data_seq_in_order = true;
}

void kiscsi_params_offer_defaults(struct kiscsi_params *p)
{
	kiscsi_params_rfc_defaults(p);
	p->max_recv_dlen = 262144;
	p->first_burst = 262144;
	p->max_burst = 16776192;
	p->initial_r2t = false;
	p->immediate_data = true;
	p->max_r2t = 4;			/* R2Ts the kernel tracks per command */
	p->time2retain = 0;
}

int kiscsi_parse_num(const char *s, uint64_t *v)
{
	uint64_t r = 0;
	int base = 10;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		if (r > (UINT64_MAX - d) / base)
			return -1;
		r = r * base + d;
	}
	*v = r;
	return 0;
}

int kiscsi_parse_bool(const char *s, bool *v)
{
	if (!strcmp(s, "Yes"))
		*v = true;
	else if (!strcmp(s, "No"))
		*v = false;
	else
		return -1;
	return 0;
}

bool kiscsi_value_is_special(const char *s)
{
	return !strcmp(s, "NotUnderstood") || !strcmp(s, "Irrelevant") ||
	       !strcmp(s, "Reject");
}

int kiscsi_neg_num_result(enum kiscsi_neg_fn fn, uint32_t offer,
			  const char *answer, uint32_t lo, uint32_t hi,
			  uint32_t *result)
{
	uint64_t v;

	if (kiscsi_value_is_special(answer))
		return 1;
	if (kiscsi_parse_num(answer, &v) || v < lo || v > hi)
		return -1;
	if (fn == KISCSI_NEG_MIN && v > offer)
		return -1;
	if (fn == KISCSI_NEG_MAX && v < offer)
		return -1;
	*result = (uint32_t)v;
	return 0;
}

int kiscsi_neg_bool_result(enum kiscsi_neg_fn fn, bool offer,
			   const char *answer, bool *result)
{
	bool v;
	/* offer decides the result: OR with Yes, AND with No */
	bool decided = (fn == KISCSI_NEG_OR) ? offer : !offer;

	if (!strcmp(answer, "Irrelevant") && decided) {
		*result = offer;
		return 0;
	}
	if (kiscsi_value_is_special(answer))
		return 1;
	if (kiscsi_parse_bool(answer, &v))
		return -1;
	*result = (fn == KISCSI_NEG_OR) ? (offer || v) : (offer && v);
	return 0;
}

int kiscsi_neg_list_result(const char *offer, const char *answer)
{
	size_t al = strlen(answer);
	const char *p = offer;

	if (kiscsi_value_is_special(answer))
		return 1;
	if (al == 0 || strchr(answer, ','))
		return -1;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == al && !strncmp(p, answer, l))
			return 0;
		if (!e)
			break;
		p = e + 1;
	}
	return -1;
}

int kiscsi_neg_declared_mrdsl(const char *value, uint32_t *v)
{
	uint64_t n;

	if (kiscsi_parse_num(value, &n) || n < DLEN_LO || n > DLEN_HI)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

uint32_t kiscsi_neg_num_answer(enum kiscsi_neg_fn fn, uint32_t ours,
			       uint32_t theirs)
{
	if (fn == KISCSI_NEG_MAX)
		return ours > theirs ? ours : theirs;
	return ours < theirs ? ours : theirs;
}

bool kiscsi_neg_bool_answer(enum kiscsi_neg_fn fn, bool ours, bool theirs)
{
	return fn == KISCSI_NEG_OR ? (ours || theirs) : (ours && theirs);
}

/* ---- the key table ---- */

enum ptype { P_U32, P_U8, P_BOOL };

struct neg_key {
	const char *name;
	enum kiscsi_neg_fn fn;
	uint32_t lo, hi;
	size_t off;
	enum ptype type;
	bool discovery;		/* also negotiated in discovery sessions */
};

#define K(n, f, l, h, field, t, d) \
	{ n, f, l, h, offsetof(struct kiscsi_params, field), t, d }

static const struct neg_key keys[] = {
	K("HeaderDigest", KISCSI_NEG_DIGEST, 0, 0, header_digest, P_U8, true),
	K("DataDigest", KISCSI_NEG_DIGEST, 0, 0, data_digest, P_U8, true),
	K("MaxRecvDataSegmentLength", KISCSI_NEG_DECLARE, DLEN_LO, DLEN_HI,
	  max_recv_dlen, P_U32, true),
	K("MaxConnections", KISCSI_NEG_MIN, 1, 65535, max_conns, P_U32, false),
	K("InitialR2T", KISCSI_NEG_OR, 0, 1, initial_r2t, P_BOOL, false),
	K("ImmediateData", KISCSI_NEG_AND, 0, 1, immediate_data, P_BOOL, false),
	K("FirstBurstLength", KISCSI_NEG_MIN, DLEN_LO, DLEN_HI, first_burst,
	  P_U32, false),
	K("MaxBurstLength", KISCSI_NEG_MIN, DLEN_LO, DLEN_HI, max_burst, P_U32,
	  false),
	K("DefaultTime2Wait", KISCSI_NEG_MAX, 0, 3600, time2wait, P_U32, true),
	K("DefaultTime2Retain", KISCSI_NEG_MIN, 0, 3600, time2retain, P_U32,
	  true),
	K("MaxOutstandingR2T", KISCSI_NEG_MIN, 1, 65535, max_r2t, P_U32, false),
	K("DataPDUInOrder", KISCSI_NEG_OR, 0, 1, data_pdu_in_order, P_BOOL,
	  false),
	K("DataSequenceInOrder", KISCSI_NEG_OR, 0, 1, data_seq_in_order, P_BOOL,
	  false),
	K("ErrorRecoveryLevel", KISCSI_NEG_MIN, 0, 2, erl, P_U8, true),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static uint32_t pget(const struct kiscsi_params *p, const struct neg_key *k)
{
	const char *b = (const char *)p + k->off;

	switch (k->type) {
	case P_U32:
		return *(const uint32_t *)b;
	case P_U8:
		return *(const uint8_t *)b;
	default:
		return *(const bool *)b;
	}
}

static void pset(struct kiscsi_params *p, const struct neg_key *k, uint32_t v)
{
	char *b = (char *)p + k->off;

	switch (k->type) {
	case P_U32:
		*(uint32_t *)b = v;
		break;
	case P_U8:
		*(uint8_t *)b = (uint8_t)v;
		break;
	default:
		*(bool *)b = v;
		break;
	}
}

static const char *digest_name(uint32_t d)
{
	return d == KISCSI_DIGEST_CRC32C ? "CRC32C" : "None";
}

static int digest_parse(const char *s, uint32_t *d)
{
	if (!strcmp(s, "None"))
		*d = KISCSI_DIGEST_NONE;
	else if (!strcmp(s, "CRC32C"))
		*d = KISCSI_DIGEST_CRC32C;
	else
		return -1;
	return 0;
}

void kiscsi_neg_init(struct kiscsi_neg *n, bool discovery,
		     const struct kiscsi_params *want)
{
	memset(n, 0, sizeof(*n));
	n->discovery = discovery;
	n->want = *want;
	kiscsi_params_rfc_defaults(&n->res);
	n->tpgt = -1;
}

static int offer_one(struct kiscsi_textbuf *tb, const struct neg_key *k,
		     uint32_t v)
{
	switch (k->fn) {
	case KISCSI_NEG_DIGEST:
		return kiscsi_text_add(tb, k->name, digest_name(v));
	case KISCSI_NEG_OR:
	case KISCSI_NEG_AND:
		return kiscsi_text_add(tb, k->name, v ? "Yes" : "No");
	default:
		return kiscsi_text_addf(tb, k->name, "%u", v);
	}
}

int kiscsi_neg_offer(struct kiscsi_neg *n, struct kiscsi_textbuf *tb)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		const struct neg_key *k = &keys[i];

		if (n->discovery && !k->discovery)
			continue;
		/* the target offered it first and we answered: done */
		if (n->settled & (1u << i))
			continue;
		if (offer_one(tb, k, pget(&n->want, k)))
			return -1;
		if (k->fn == KISCSI_NEG_DECLARE) {
			n->res.max_recv_dlen = n->want.max_recv_dlen;
			continue;	/* nothing to wait for */
		}
		n->pending |= 1u << i;
	}
	return 0;
}

/* The target answered one of our offers. */
static int apply_answer(struct kiscsi_neg *n, const struct neg_key *k,
			const char *v)
{
	uint32_t ours = pget(&n->want, k), r = pget(&n->res, k), d;
	bool b = r;
	int ret;

	switch (k->fn) {
	case KISCSI_NEG_DIGEST:
		ret = kiscsi_neg_list_result(digest_name(ours), v);
		if (ret == 0 && !digest_parse(v, &d))
			pset(&n->res, k, d);
		return ret < 0 ? -1 : 0;
	case KISCSI_NEG_OR:
	case KISCSI_NEG_AND:
		ret = kiscsi_neg_bool_result(k->fn, ours, v, &b);
		if (ret == 0)
			pset(&n->res, k, b);
		return ret < 0 ? -1 : 0;
	default:
		ret = kiscsi_neg_num_result(k->fn, ours, v, k->lo, k->hi, &r);
		if (ret == 0)
			pset(&n->res, k, r);
		return ret < 0 ? -1 : 0;
	}
}

/* The target offered a key: compute our answer and the result. */
static int answer_offer(struct kiscsi_neg *n, const struct neg_key *k,
			const char *v, struct kiscsi_textbuf *ans)
{
	uint32_t ours = pget(&n->want, k), d;
	uint64_t num;
	bool b;

	if (n->discovery && !k->discovery)
		return kiscsi_text_add(ans, k->name, "Irrelevant");

	switch (k->fn) {
	case KISCSI_NEG_DIGEST: {
		/* choose the first of their values we accept */
		char tmp[KISCSI_VALUE_MAX + 1], *save = NULL, *tok;

		snprintf(tmp, sizeof(tmp), "%s", v);
		for (tok = strtok_r(tmp, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!digest_parse(tok, &d) && d == ours) {
				pset(&n->res, k, d);
				return kiscsi_text_add(ans, k->name, tok);
			}
		}
		return kiscsi_text_add(ans, k->name, "Reject");
	}
	case KISCSI_NEG_OR:
	case KISCSI_NEG_AND:
		if (kiscsi_parse_bool(v, &b))
			return kiscsi_text_add(ans, k->name, "Reject");
		b = kiscsi_neg_bool_answer(k->fn, ours, b);
		pset(&n->res, k, b);
		return kiscsi_text_add(ans, k->name, b ? "Yes" : "No");
	default:
		if (kiscsi_parse_num(v, &num) || num < k->lo || num > k->hi)
			return kiscsi_text_add(ans, k->name, "Reject");
		d = kiscsi_neg_num_answer(k->fn, ours, (uint32_t)num);
		pset(&n->res, k, d);
		return kiscsi_text_addf(ans, k->name, "%u", d);
	}
}

static void copy_value(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v);
}

int kiscsi_neg_process(struct kiscsi_neg *n, const struct kiscsi_kvlist *kv,
		       struct kiscsi_textbuf *answers, char *errbuf,
		       size_t errlen)
{
	size_t i, j;
	int dup = kiscsi_kv_find_dup(kv);

	if (dup >= 0) {
		snprintf(errbuf, errlen, "target sent key %s twice",
			 kv->kv[dup].key);
		return -1;
	}
	for (i = 0; i < kv->n; i++) {
		const char *key = kv->kv[i].key, *v = kv->kv[i].value;
		const struct neg_key *k = NULL;
		uint64_t num;

		if (n->chap_keys_ours && !strncmp(key, "CHAP_", 5))
			continue;
		for (j = 0; j < NKEYS; j++)
			if (!strcmp(keys[j].name, key)) {
				k = &keys[j];
				break;
			}

		if (k && k->fn == KISCSI_NEG_DECLARE) {
			uint32_t m;

			if (kiscsi_value_is_special(v))
				continue;	/* answer to our declaration */
			if (kiscsi_neg_declared_mrdsl(v, &m)) {
				snprintf(errbuf, errlen,
					 "invalid %s=%.32s from target", key, v);
				return -1;
			}
			n->res.max_xmit_dlen = m;
			n->mrdsl_declared = true;
			continue;
		}
		if (k) {
			uint32_t bit = 1u << j;

			if (n->pending & bit) {
				if (apply_answer(n, k, v)) {
					snprintf(errbuf, errlen,
						 "target answered %s=%.32s, not allowed for our offer",
						 key, v);
					return -1;
				}
				n->pending &= ~bit;
				n->settled |= bit;
				continue;
			}
			if (n->settled & bit) {
				snprintf(errbuf, errlen,
					 "target negotiated %s twice", key);
				return -1;
			}
			if (kiscsi_value_is_special(v))
				continue;	/* not an offer; ignore */
			if (answer_offer(n, k, v, answers))
				goto nomem;
			n->settled |= bit;
			continue;
		}

		if (!strcmp(key, "AuthMethod")) {
			copy_value(n->auth_answer, sizeof(n->auth_answer), v);
			n->auth_none_ok = !strcmp(v, "None");
		} else if (!strcmp(key, "TargetPortalGroupTag")) {
			if (kiscsi_parse_num(v, &num) || num > 65535) {
				snprintf(errbuf, errlen,
					 "invalid TargetPortalGroupTag=%.32s", v);
				return -1;
			}
			n->tpgt = (int32_t)num;
		} else if (!strcmp(key, "TargetAlias")) {
			copy_value(n->target_alias, sizeof(n->target_alias), v);
		} else if (!strcmp(key, "TargetAddress")) {
			copy_value(n->target_address,
				   sizeof(n->target_address), v);
		} else if (!strcmp(key, "IFMarker") ||
			   !strcmp(key, "OFMarker")) {
			if (!kiscsi_value_is_special(v) &&
			    kiscsi_text_add(answers, key, "No"))
				goto nomem;
		} else if (!strcmp(key, "IFMarkInt") ||
			   !strcmp(key, "OFMarkInt")) {
			if (!kiscsi_value_is_special(v) &&
			    kiscsi_text_add(answers, key, "Reject"))
				goto nomem;
		} else if (!strcmp(key, "TargetName") ||
			   !strcmp(key, "InitiatorName") ||
			   !strcmp(key, "SessionType") ||
			   !strcmp(key, "InitiatorAlias")) {
			/* declarations that need no answer */
		} else if (!kiscsi_value_is_special(v)) {
			if (kiscsi_text_add(answers, key, "NotUnderstood"))
				goto nomem;
		}
	}
	return 0;
nomem:
	snprintf(errbuf, errlen, "cannot build answer (out of memory)");
	return -1;
}

void kiscsi_neg_finish(struct kiscsi_neg *n)
{
	/* unanswered offers keep the RFC defaults already in res */
	n->pending = 0;
	if (!n->mrdsl_declared)
		n->res.max_xmit_dlen = 8192;
	if (n->res.first_burst > n->res.max_burst)
		n->res.first_burst = n->res.max_burst;
}

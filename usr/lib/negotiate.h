/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Operational key negotiation (RFC 7143, sections 6 and 13): our offers,
 * the result functions applied to the target's answers, and our answers
 * to keys the target offers.
 */
#ifndef KISCSI_NEGOTIATE_H
#define KISCSI_NEGOTIATE_H

#include <stdbool.h>
#include <stdint.h>

#include "libkiscsi.h"
#include "textkey.h"

enum kiscsi_neg_fn {
	KISCSI_NEG_MIN,		/* numerical min */
	KISCSI_NEG_MAX,		/* numerical max */
	KISCSI_NEG_OR,		/* boolean OR */
	KISCSI_NEG_AND,		/* boolean AND */
	KISCSI_NEG_DIGEST,	/* list: None, CRC32C */
	KISCSI_NEG_DECLARE,	/* declarative (MaxRecvDataSegmentLength) */
};

/* RFC 7143 defaults for every operational key. */
void kiscsi_params_rfc_defaults(struct kiscsi_params *p);
/* What kiscsi offers by default (ImmediateData=Yes, InitialR2T=No, ...). */
void kiscsi_params_offer_defaults(struct kiscsi_params *p);

/* Strict parsers: 0 ok, -1 bad value. */
int kiscsi_parse_num(const char *s, uint64_t *v);
int kiscsi_parse_bool(const char *s, bool *v);
bool kiscsi_value_is_special(const char *s);	/* NotUnderstood etc. */

/*
 * Result functions for our offers.  Each checks that the answer is legal
 * for the offer (a min answer may not exceed the offer, ...) and returns
 * 0 with the result, 1 if the answer was NotUnderstood/Irrelevant/Reject
 * and the key keeps *result as passed in (the default), or -1 if illegal.
 */
int kiscsi_neg_num_result(enum kiscsi_neg_fn fn, uint32_t offer,
			  const char *answer, uint32_t lo, uint32_t hi,
			  uint32_t *result);
int kiscsi_neg_bool_result(enum kiscsi_neg_fn fn, bool offer,
			   const char *answer, bool *result);
/* answer must be one of the comma-separated offer values */
int kiscsi_neg_list_result(const char *offer, const char *answer);
/* Declarative MaxRecvDataSegmentLength: 0 and *v, or -1 if illegal. */
int kiscsi_neg_declared_mrdsl(const char *value, uint32_t *v);

/* Our answer when the target offers a key (responder role). */
uint32_t kiscsi_neg_num_answer(enum kiscsi_neg_fn fn, uint32_t ours,
			       uint32_t theirs);
bool kiscsi_neg_bool_answer(enum kiscsi_neg_fn fn, bool ours, bool theirs);

struct kiscsi_neg {
	bool discovery;
	struct kiscsi_params want;	/* our offers/preferences */
	struct kiscsi_params res;	/* results so far */
	uint32_t pending;		/* table keys offered, not answered */
	uint32_t settled;		/* table keys negotiated */
	bool mrdsl_declared;		/* the target declared its MRDSL */
	bool auth_none_ok;		/* AuthMethod=None accepted */
	bool chap_keys_ours;		/* CHAP_* keys are the caller's */
	char auth_answer[KISCSI_VALUE_MAX + 1];
	int32_t tpgt;			/* -1 until the target sends it */
	char target_alias[KISCSI_VALUE_MAX + 1];
	char target_address[KISCSI_VALUE_MAX + 1];	/* redirection */
};

void kiscsi_neg_init(struct kiscsi_neg *n, bool discovery,
		     const struct kiscsi_params *want);
/* Appends the operational offers; marks them pending. */
int kiscsi_neg_offer(struct kiscsi_neg *n, struct kiscsi_textbuf *tb);
/*
 * Processes one complete set of keys from a response.  Answers to keys the
 * target offered (NotUnderstood for unknown keys) go into answers.
 * Returns 0, or -1 with the reason in errbuf (a protocol violation).
 */
int kiscsi_neg_process(struct kiscsi_neg *n, const struct kiscsi_kvlist *kv,
		       struct kiscsi_textbuf *answers, char *errbuf,
		       size_t errlen);
/* At the end of the login: defaults for unanswered keys, consistency. */
void kiscsi_neg_finish(struct kiscsi_neg *n);

#endif

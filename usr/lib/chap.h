/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CHAP in the iSCSI security stage (RFC 7143 section 12.1.3, RFC 1994):
 * the initiator side of one-way and mutual CHAP, the hash, and the binary
 * value encodings its keys use.
 */
#ifndef KISCSI_CHAP_H
#define KISCSI_CHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libkiscsi.h"
#include "textkey.h"

#define KISCSI_CHAP_DIGEST_MAX		32
#define KISCSI_CHAP_CHALLENGE_MAX	1024	/* RFC 7143: CHAP_C bytes */

/* "0x..."/"0X..." hex or "0b..."/"0B..." base64 -> bytes; 0 or -1. */
int kiscsi_binary_decode(const char *s, uint8_t *out, size_t cap,
			 size_t *len);
/* bytes -> "0x" + lower-case hex; -1 if cap is too small. */
int kiscsi_binary_encode_hex(const uint8_t *in, size_t len, char *out,
			     size_t cap);
/* CHAP_I: decimal, hex or base64 number 0-255; 0 or -1. */
int kiscsi_chap_parse_id(const char *s, uint8_t *id);

/* Digest size of a CHAP_A value, 0 if kiscsi does not know it. */
size_t kiscsi_chap_digest_len(int alg);
/* RFC 1994: out = H(id || secret || challenge), with OpenSSL; 0 or -1. */
int kiscsi_chap_hash(int alg, uint8_t id, const char *secret,
		     const uint8_t *challenge, size_t clen, uint8_t *out);

enum kiscsi_chap_state {
	KISCSI_CHAP_IDLE,	/* CHAP not chosen (yet) */
	KISCSI_CHAP_SENT_A,	/* CHAP_A offered, waiting for A/I/C */
	KISCSI_CHAP_SENT_R,	/* answered; waiting for the target's N/R */
	KISCSI_CHAP_DONE,
};

struct kiscsi_chap {
	const struct kiscsi_chap_auth *auth;
	enum kiscsi_chap_state state;
	int alg;
	bool mutual;
	uint8_t id;				/* our CHAP_I (mutual) */
	uint8_t challenge[KISCSI_CHAP_CHALLENGE_MAX];	/* our CHAP_C */
	size_t clen;
	/* random bytes; replaceable so tests can force collisions */
	int (*random)(uint8_t *buf, size_t len);
};

void kiscsi_chap_init(struct kiscsi_chap *c, const struct kiscsi_chap_auth *a);
void kiscsi_chap_wipe(struct kiscsi_chap *c);
/* Appends CHAP_A=<offered list>; state SENT_A. */
int kiscsi_chap_offer(struct kiscsi_chap *c, struct kiscsi_textbuf *out);
/*
 * The target's CHAP_A/CHAP_I/CHAP_C: appends CHAP_N and CHAP_R (and our
 * CHAP_I/CHAP_C for mutual CHAP).  0, or -KISCSI_E_PROTOCOL/-KISCSI_E_AUTH
 * with the reason (never a secret) in why.
 */
int kiscsi_chap_respond(struct kiscsi_chap *c, const struct kiscsi_kvlist *kv,
			struct kiscsi_textbuf *out, char *why, size_t len);
/* The target's CHAP_N/CHAP_R for mutual CHAP; same returns. */
int kiscsi_chap_verify(struct kiscsi_chap *c, const struct kiscsi_kvlist *kv,
		       char *why, size_t len);

#endif

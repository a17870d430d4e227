// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CHAP, initiator side (RFC 7143 section 12.1.3):
 *   I->T  AuthMethod=CHAP[,None]           T->I  AuthMethod=CHAP
 *   I->T  CHAP_A=<list>                    T->I  CHAP_A=a CHAP_I=i CHAP_C=c
 *   I->T  CHAP_N=n CHAP_R=H(i|secret|c) [CHAP_I=j CHAP_C=d]   (T=1)
 *   T->I  [CHAP_N=m CHAP_R=H(j|secret_in|d)]                   (T=1)
 * Hashes come from OpenSSL's EVP interface.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "chap.h"

static const char *evp_name(int alg)
{
	switch (alg) {
	case KISCSI_CHAP_MD5:
		return "MD5";
	case KISCSI_CHAP_SHA1:
		return "SHA1";
	case KISCSI_CHAP_SHA256:
		return "SHA256";
	case KISCSI_CHAP_SHA3_256:
		return "SHA3-256";
	}
	return NULL;
}

size_t kiscsi_chap_digest_len(int alg)
{
	switch (alg) {
	case KISCSI_CHAP_MD5:
		return 16;
	case KISCSI_CHAP_SHA1:
		return 20;
	case KISCSI_CHAP_SHA256:
	case KISCSI_CHAP_SHA3_256:
		return 32;
	}
	return 0;
}

/* Digests fetched ahead of need (kiscsi_chap_preload), by CHAP_A - 5. */
static EVP_MD *preloaded[KISCSI_CHAP_NALGS];

static EVP_MD **preload_slot(int alg)
{
	if (alg < KISCSI_CHAP_MD5 || alg > KISCSI_CHAP_SHA3_256)
		return NULL;
	return &preloaded[alg - KISCSI_CHAP_MD5];
}

/*
 * Fetch every digest now: OpenSSL reads its configuration and loads its
 * providers on first use, which a relogin to the disk that holds them
 * must not wait for.  Not thread safe; call before threads start.
 */
int kiscsi_chap_preload(void)
{
	int alg, ret = 0;

	for (alg = KISCSI_CHAP_MD5; alg <= KISCSI_CHAP_SHA3_256; alg++) {
		EVP_MD **slot = preload_slot(alg);

		if (!*slot)
			*slot = EVP_MD_fetch(NULL, evp_name(alg), NULL);
		if (!*slot)
			ret = -1;
	}
	return ret;
}

int kiscsi_chap_hash(int alg, uint8_t id, const char *secret,
		     const uint8_t *challenge, size_t clen, uint8_t *out)
{
	const char *name = evp_name(alg);
	EVP_MD **slot = preload_slot(alg);
	EVP_MD_CTX *ctx;
	EVP_MD *md;
	unsigned int n = 0;
	int ok;

	if (!name)
		return -1;
	md = *slot ? *slot : EVP_MD_fetch(NULL, name, NULL);
	if (!md)
		return -1;
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) &&
	     EVP_DigestUpdate(ctx, &id, 1) &&
	     EVP_DigestUpdate(ctx, secret, strlen(secret)) &&
	     EVP_DigestUpdate(ctx, challenge, clen) &&
	     EVP_DigestFinal_ex(ctx, out, &n) &&
	     n == kiscsi_chap_digest_len(alg);
	EVP_MD_CTX_free(ctx);
	if (md != *slot)
		EVP_MD_free(md);
	return ok ? 0 : -1;
}

static int openssl_random(uint8_t *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

void kiscsi_chap_init(struct kiscsi_chap *c, const struct kiscsi_chap_auth *a)
{
	memset(c, 0, sizeof(*c));
	c->auth = a;
	c->mutual = a->username_in[0] != '\0';
	c->random = openssl_random;
}

void kiscsi_chap_wipe(struct kiscsi_chap *c)
{
	OPENSSL_cleanse(c->challenge, sizeof(c->challenge));
}

int kiscsi_chap_offer(struct kiscsi_chap *c, struct kiscsi_textbuf *out)
{
	char list[KISCSI_CHAP_NALGS * 4 + 1] = "";
	size_t i, n = c->auth->nalgs;

	if (n == 0)
		snprintf(list, sizeof(list), "%d", KISCSI_CHAP_MD5);
	for (i = 0; i < n && i < KISCSI_CHAP_NALGS; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%u", i ? "," : "", c->auth->algs[i]);
	c->state = KISCSI_CHAP_SENT_A;
	return kiscsi_text_add(out, "CHAP_A", list);
}

static bool offered(const struct kiscsi_chap *c, int alg)
{
	size_t i;

	if (c->auth->nalgs == 0)
		return alg == KISCSI_CHAP_MD5;
	for (i = 0; i < c->auth->nalgs; i++)
		if (c->auth->algs[i] == alg)
			return true;
	return false;
}

static int fail(int code, char *why, size_t len, const char *msg)
{
	snprintf(why, len, "%s", msg);
	return -code;
}

/* Our challenge for mutual CHAP: random, and never the target's own. */
static int make_challenge(struct kiscsi_chap *c, const uint8_t *theirs,
			  size_t tlen)
{
	int tries;

	c->clen = kiscsi_chap_digest_len(c->alg);
	if (c->clen < 16)
		c->clen = 16;
	for (tries = 0; tries < 8; tries++) {
		if (c->random(&c->id, 1) || c->random(c->challenge, c->clen))
			return -1;
		if (tlen != c->clen || memcmp(theirs, c->challenge, tlen))
			return 0;
	}
	return -1;
}

int kiscsi_chap_respond(struct kiscsi_chap *c, const struct kiscsi_kvlist *kv,
			struct kiscsi_textbuf *out, char *why, size_t len)
{
	const char *a = kiscsi_kv_get(kv, "CHAP_A");
	const char *i = kiscsi_kv_get(kv, "CHAP_I");
	const char *ch = kiscsi_kv_get(kv, "CHAP_C");
	uint8_t chal[KISCSI_CHAP_CHALLENGE_MAX], digest[KISCSI_CHAP_DIGEST_MAX];
	char enc[2 * KISCSI_CHAP_CHALLENGE_MAX + 3];
	size_t clen = 0;
	uint8_t id;
	long alg;
	char *end;
	int r = 0;

	if (a && (!strcmp(a, "Reject") || !strcmp(a, "NotUnderstood")))
		return fail(KISCSI_E_AUTH, why, len,
			    "target supports none of the offered CHAP algorithms (see --chap-algorithms)");
	if (!a || !i || !ch)
		return fail(KISCSI_E_PROTOCOL, why, len,
			    "target's CHAP challenge lacks CHAP_A, CHAP_I or CHAP_C");
	alg = strtol(a, &end, 10);
	if (*end || end == a || !offered(c, (int)alg))
		return fail(KISCSI_E_PROTOCOL, why, len,
			    "target chose a CHAP algorithm (CHAP_A) that was not offered");
	if (kiscsi_chap_parse_id(i, &id))
		return fail(KISCSI_E_PROTOCOL, why, len,
			    "invalid CHAP_I from target");
	if (kiscsi_binary_decode(ch, chal, sizeof(chal), &clen) || clen == 0)
		return fail(KISCSI_E_PROTOCOL, why, len,
			    "invalid CHAP_C from target (empty, malformed or over 1024 bytes)");
	c->alg = (int)alg;

	if (kiscsi_chap_hash(c->alg, id, c->auth->password, chal, clen,
			     digest))
		return fail(KISCSI_E_GENERIC, why, len,
			    "cannot compute the CHAP response (OpenSSL digest unavailable)");
	kiscsi_binary_encode_hex(digest, kiscsi_chap_digest_len(c->alg), enc,
				 sizeof(enc));
	if (kiscsi_text_add(out, "CHAP_N", c->auth->username) ||
	    kiscsi_text_add(out, "CHAP_R", enc))
		r = fail(KISCSI_E_GENERIC, why, len, "cannot build CHAP answer");
	if (!r && c->mutual) {
		if (make_challenge(c, chal, clen))
			r = fail(KISCSI_E_GENERIC, why, len,
				 "cannot make a CHAP challenge (no random bytes)");
		else if (kiscsi_binary_encode_hex(c->challenge, c->clen, enc,
						  sizeof(enc)) ||
			 kiscsi_text_addf(out, "CHAP_I", "%u", c->id) ||
			 kiscsi_text_add(out, "CHAP_C", enc))
			r = fail(KISCSI_E_GENERIC, why, len,
				 "cannot build CHAP answer");
	}
	OPENSSL_cleanse(digest, sizeof(digest));
	if (!r)
		c->state = c->mutual ? KISCSI_CHAP_SENT_R : KISCSI_CHAP_DONE;
	return r;
}

int kiscsi_chap_verify(struct kiscsi_chap *c, const struct kiscsi_kvlist *kv,
		       char *why, size_t len)
{
	const char *n = kiscsi_kv_get(kv, "CHAP_N");
	const char *rv = kiscsi_kv_get(kv, "CHAP_R");
	uint8_t got[KISCSI_CHAP_CHALLENGE_MAX], want[KISCSI_CHAP_DIGEST_MAX];
	uint8_t mirror[KISCSI_CHAP_DIGEST_MAX];
	size_t dlen = kiscsi_chap_digest_len(c->alg), glen = 0;
	int r = 0;

	if (!n || !rv)
		return fail(KISCSI_E_AUTH, why, len,
			    "target did not answer our CHAP challenge (mutual CHAP)");
	if (strcmp(n, c->auth->username_in)) {
		snprintf(why, len,
			 "target answered our CHAP challenge as '%.64s', not as the --username-in given",
			 n);
		return -KISCSI_E_AUTH;
	}
	if (kiscsi_binary_decode(rv, got, sizeof(got), &glen) || glen != dlen)
		return fail(KISCSI_E_PROTOCOL, why, len,
			    "malformed CHAP_R from target");
	if (kiscsi_chap_hash(c->alg, c->id, c->auth->password_in, c->challenge,
			     c->clen, want) ||
	    kiscsi_chap_hash(c->alg, c->id, c->auth->password, c->challenge,
			     c->clen, mirror))
		return fail(KISCSI_E_GENERIC, why, len,
			    "cannot compute the CHAP response (OpenSSL digest unavailable)");
	/* a response our own secret produces: the target reflected us */
	if (!CRYPTO_memcmp(got, mirror, dlen))
		r = fail(KISCSI_E_AUTH, why, len,
			 "target's CHAP response was made with our own outgoing secret (reflection); refused");
	else if (CRYPTO_memcmp(got, want, dlen))
		r = fail(KISCSI_E_AUTH, why, len,
			 "target's CHAP response does not verify (wrong --password-in here or on the target)");
	OPENSSL_cleanse(want, sizeof(want));
	OPENSSL_cleanse(mirror, sizeof(mirror));
	if (!r)
		c->state = KISCSI_CHAP_DONE;
	return r;
}

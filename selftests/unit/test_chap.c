// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CHAP: hash vectors, binary-value encodings, CHAP_I, the response, the
 * safety checks, the algorithm list, and credentials from a file / the
 * environment.  Expected digests were computed with Python's hashlib.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chap.h"
#include "kselftest_harness.h"

#define T(s) s, sizeof(s) - 1

static void unhex(const char *h, uint8_t *out)
{
	size_t i;

	for (i = 0; h[2 * i]; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

/* H(id || secret || challenge) with id 'a', secret "b", challenge "c" is H("abc"). */
TEST(hash_abc_vectors)
{
	static const struct {
		int alg;
		const char *hex;
	} v[] = {
		{ KISCSI_CHAP_MD5, "900150983cd24fb0d6963f7d28e17f72" },
		{ KISCSI_CHAP_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ KISCSI_CHAP_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ KISCSI_CHAP_SHA3_256, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532" },
	};
	uint8_t out[32], want[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t dl = kiscsi_chap_digest_len(v[i].alg);

		ASSERT_EQ(strlen(v[i].hex) / 2, dl);
		unhex(v[i].hex, want);
		ASSERT_EQ(0, kiscsi_chap_hash(v[i].alg, 'a', "b",
					      (const uint8_t *)"c", 1, out));
		ASSERT_EQ(0, memcmp(out, want, dl)) TH_LOG("alg %d", v[i].alg);
	}
	ASSERT_EQ(0u, kiscsi_chap_digest_len(7 + 2));
	ASSERT_EQ(-1, kiscsi_chap_hash(9, 0, "x", out, 1, out));
}

TEST(hash_chap_vectors)
{
	static const struct {
		int alg;
		const char *hex;
	} v[] = {
		{ KISCSI_CHAP_MD5, "059b8ed3c0d87dcdbf2b3c48c98c222d" },
		{ KISCSI_CHAP_SHA1, "a4d4cf9cabb07b01f0c14135754159aea110c9f5" },
		{ KISCSI_CHAP_SHA256, "4fccbc5a7b00aed24e79c07b754ea80388abe274841cbe12687f8891b3e49005" },
		{ KISCSI_CHAP_SHA3_256, "87d1a2b9aedb34bac8338a9f8ac52b6ae82b2519e1d57bca181a7e867e40b7b7" },
	};
	uint8_t ch[16], out[32], want[32];
	size_t i;

	for (i = 0; i < 16; i++)
		ch[i] = (uint8_t)i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unhex(v[i].hex, want);
		ASSERT_EQ(0, kiscsi_chap_hash(v[i].alg, 0x2a, "kiscsi-secret-12",
					      ch, sizeof(ch), out));
		ASSERT_EQ(0, memcmp(out, want,
				    kiscsi_chap_digest_len(v[i].alg)));
	}
}

TEST(binary_hex)
{
	uint8_t b[8];
	size_t n = 0;

	ASSERT_EQ(0, kiscsi_binary_decode("0x0aFf", b, sizeof(b), &n));
	ASSERT_EQ(2u, n);
	ASSERT_EQ(0x0a, b[0]);
	ASSERT_EQ(0xff, b[1]);
	ASSERT_EQ(0, kiscsi_binary_decode("0XABcd", b, sizeof(b), &n));
	ASSERT_EQ(2u, n);
	ASSERT_EQ(0xab, b[0]);
	ASSERT_EQ(0xcd, b[1]);
	/* odd digit count: the first byte holds one digit */
	ASSERT_EQ(0, kiscsi_binary_decode("0xabc", b, sizeof(b), &n));
	ASSERT_EQ(2u, n);
	ASSERT_EQ(0x0a, b[0]);
	ASSERT_EQ(0xbc, b[1]);
	ASSERT_EQ(-1, kiscsi_binary_decode("0x", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("0xzz", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("0x12 34", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("1234", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("0y12", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("", b, sizeof(b), &n));
	/* longer than the buffer */
	ASSERT_EQ(-1, kiscsi_binary_decode("0x112233445566778899", b, sizeof(b), &n));
}

TEST(binary_base64)
{
	uint8_t b[8];
	size_t n = 0;

	ASSERT_EQ(0, kiscsi_binary_decode("0bAQID/w==", b, sizeof(b), &n));
	ASSERT_EQ(4u, n);
	ASSERT_EQ(1, b[0]);
	ASSERT_EQ(3, b[2]);
	ASSERT_EQ(0xff, b[3]);
	ASSERT_EQ(0, kiscsi_binary_decode("0BAQID/w==", b, sizeof(b), &n));
	ASSERT_EQ(4u, n);
	ASSERT_EQ(0, kiscsi_binary_decode("0bAQID/w", b, sizeof(b), &n));
	ASSERT_EQ(4u, n);	/* padding may be left out */
	ASSERT_EQ(0, kiscsi_binary_decode("0bAQID", b, sizeof(b), &n));
	ASSERT_EQ(3u, n);
	ASSERT_EQ(-1, kiscsi_binary_decode("0b", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("0bA", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("0bAQ=D", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("0bAQI*", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("0bAQI=x", b, sizeof(b), &n));
	/* "AR" has bits past the byte set: not canonical */
	ASSERT_EQ(-1, kiscsi_binary_decode("0bAR==", b, sizeof(b), &n));
	ASSERT_EQ(-1, kiscsi_binary_decode("0bAQIDBAUGBwgJ", b, sizeof(b), &n));
}

TEST(binary_encode)
{
	static const uint8_t in[] = { 0x00, 0x9f, 0xa0, 0xff };
	char out[16];

	ASSERT_EQ(0, kiscsi_binary_encode_hex(in, sizeof(in), out, sizeof(out)));
	ASSERT_STREQ("0x009fa0ff", out);
	ASSERT_EQ(-1, kiscsi_binary_encode_hex(in, sizeof(in), out, 10));
}

TEST(chap_identifier)
{
	uint8_t id;

	ASSERT_EQ(0, kiscsi_chap_parse_id("0", &id));
	ASSERT_EQ(0, id);
	ASSERT_EQ(0, kiscsi_chap_parse_id("255", &id));
	ASSERT_EQ(255, id);
	ASSERT_EQ(0, kiscsi_chap_parse_id("0x7f", &id));
	ASSERT_EQ(0x7f, id);
	ASSERT_EQ(0, kiscsi_chap_parse_id("0XAB", &id));
	ASSERT_EQ(0xab, id);
	ASSERT_EQ(0, kiscsi_chap_parse_id("0bBw==", &id));
	ASSERT_EQ(7, id);
	ASSERT_EQ(0, kiscsi_chap_parse_id("0BBw==", &id));
	ASSERT_EQ(7, id);
	ASSERT_EQ(-1, kiscsi_chap_parse_id("256", &id));
	ASSERT_EQ(-1, kiscsi_chap_parse_id("0x100", &id));
	ASSERT_EQ(-1, kiscsi_chap_parse_id("-1", &id));
	ASSERT_EQ(-1, kiscsi_chap_parse_id("", &id));
	ASSERT_EQ(-1, kiscsi_chap_parse_id("1a", &id));
	ASSERT_EQ(-1, kiscsi_chap_parse_id("99999999999999999999999", &id));
}

TEST(algorithm_list)
{
	struct kiscsi_chap_auth a = { 0 };
	struct kiscsi_error err;

	ASSERT_EQ(0, kiscsi_chap_algs_parse("sha3-256,sha256,sha1,md5", &a, &err));
	ASSERT_EQ(4u, a.nalgs);
	ASSERT_EQ(8, a.algs[0]);
	ASSERT_EQ(7, a.algs[1]);
	ASSERT_EQ(6, a.algs[2]);
	ASSERT_EQ(5, a.algs[3]);
	ASSERT_EQ(0, kiscsi_chap_algs_parse("MD5", &a, &err));
	ASSERT_EQ(1u, a.nalgs);
	ASSERT_EQ(5, a.algs[0]);
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_algs_parse("md5,md5", &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "twice"));
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_algs_parse("sha512", &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "unknown"));
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_algs_parse("md5,", &a, &err));
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_algs_parse("", &a, &err));
	ASSERT_EQ(1u, a.nalgs);	/* failures leave the list alone */
	ASSERT_STREQ("sha3-256", kiscsi_chap_alg_name(8));
}

static struct kiscsi_chap_auth creds(const char *u, const char *p,
				     const char *ui, const char *pi)
{
	struct kiscsi_chap_auth a;

	memset(&a, 0, sizeof(a));
	strcpy(a.username, u);
	strcpy(a.password, p);
	strcpy(a.username_in, ui);
	strcpy(a.password_in, pi);
	return a;
}

TEST(credential_checks)
{
	struct kiscsi_chap_auth a;
	struct kiscsi_error err;
	char warn[160];

	a = creds("", "", "", "");
	ASSERT_EQ(0, kiscsi_chap_auth_check(&a, warn, sizeof(warn), &err));
	a = creds("u", "0123456789ab", "", "");
	ASSERT_EQ(0, kiscsi_chap_auth_check(&a, warn, sizeof(warn), &err));
	ASSERT_STREQ("", warn);
	a = creds("u", "short", "", "");
	ASSERT_EQ(0, kiscsi_chap_auth_check(&a, warn, sizeof(warn), &err));
	ASSERT_NE(NULL, strstr(warn, "shorter than 12"));
	ASSERT_EQ(NULL, strstr(warn, "short,"));	/* no secret in it */
	a = creds("u", "0123456789ab", "t", "tiny");
	ASSERT_EQ(0, kiscsi_chap_auth_check(&a, warn, sizeof(warn), &err));
	ASSERT_NE(NULL, strstr(warn, "shorter than 12"));
	a = creds("u", "", "", "");
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_check(&a, NULL, 0, &err));
	a = creds("", "0123456789ab", "", "");
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_check(&a, NULL, 0, &err));
	a = creds("u", "0123456789ab", "t", "");
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_check(&a, NULL, 0, &err));
	a = creds("", "", "t", "0123456789ab");
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_check(&a, NULL, 0, &err));
	/* one secret for both directions */
	a = creds("u", "same-secret-1234", "t", "same-secret-1234");
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_check(&a, NULL, 0, &err));
	ASSERT_NE(NULL, strstr(err.msg, "same secret"));
	ASSERT_EQ(NULL, strstr(err.msg, "same-secret-1234"));
}

static int kv(struct kiscsi_kvlist *l, const char *text, size_t len)
{
	char e[128];

	return kiscsi_text_parse(text, len, l, e, sizeof(e));
}

/* CHAP_N and CHAP_R as computed for the challenge 0x000102...0f, id 0x2a. */
TEST(response_each_algorithm)
{
	static const struct {
		int alg;
		const char *r;
	} v[] = {
		{ 5, "CHAP_R=0x059b8ed3c0d87dcdbf2b3c48c98c222d" },
		{ 6, "CHAP_R=0xa4d4cf9cabb07b01f0c14135754159aea110c9f5" },
		{ 7, "CHAP_R=0x4fccbc5a7b00aed24e79c07b754ea80388abe274841cbe12687f8891b3e49005" },
		{ 8, "CHAP_R=0x87d1a2b9aedb34bac8338a9f8ac52b6ae82b2519e1d57bca181a7e867e40b7b7" },
	};
	struct kiscsi_chap_auth a = creds("ini", "kiscsi-secret-12", "", "");
	struct kiscsi_textbuf out;
	struct kiscsi_kvlist l;
	struct kiscsi_chap c;
	char text[256], why[256];
	size_t i;

	ASSERT_EQ(0, kiscsi_chap_algs_parse("sha3-256,sha256,sha1,md5", &a, NULL));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int n;

		kiscsi_chap_init(&c, &a);
		kiscsi_textbuf_init(&out, 0);
		ASSERT_EQ(0, kiscsi_chap_offer(&c, &out));
		ASSERT_EQ(sizeof("CHAP_A=8,7,6,5"), out.len);
		ASSERT_EQ(0, memcmp(out.data, "CHAP_A=8,7,6,5", out.len));
		out.len = 0;
		/* the same challenge in hex, upper-case hex and base64 */
		n = snprintf(text, sizeof(text), "CHAP_A=%d%cCHAP_I=42%cCHAP_C=%s%c",
			     v[i].alg, 0, 0,
			     i == 0 ? "0x000102030405060708090a0b0c0d0e0f" :
			     i == 1 ? "0X000102030405060708090A0B0C0D0E0F" :
			     i == 2 ? "0bAAECAwQFBgcICQoLDA0ODw==" :
				      "0BAAECAwQFBgcICQoLDA0ODw==", 0);
		ASSERT_EQ(0, kv(&l, text, (size_t)n));
		ASSERT_EQ(0, kiscsi_chap_respond(&c, &l, &out, why, sizeof(why)))
			TH_LOG("%s", why);
		kiscsi_kvlist_free(&l);
		ASSERT_EQ(KISCSI_CHAP_DONE, c.state);
		ASSERT_EQ(0, memcmp(out.data, "CHAP_N=ini", sizeof("CHAP_N=ini")));
		ASSERT_EQ(0, strcmp(out.data + sizeof("CHAP_N=ini"), v[i].r));
		ASSERT_EQ(NULL, memmem(out.data, out.len, "CHAP_C", 6));
		kiscsi_textbuf_free(&out);
	}
}

TEST(respond_rejects)
{
	struct kiscsi_chap_auth a = creds("ini", "kiscsi-secret-12", "", "");
	struct kiscsi_textbuf out;
	struct kiscsi_kvlist l;
	struct kiscsi_chap c;
	char why[256], *big;
	size_t i;

	kiscsi_textbuf_init(&out, 0);
	kiscsi_chap_init(&c, &a);
	/* default offer: MD5 only; SHA-256 was not offered */
	ASSERT_EQ(0, kiscsi_chap_offer(&c, &out));
	ASSERT_EQ(0, memcmp(out.data, "CHAP_A=5", sizeof("CHAP_A=5")));
	ASSERT_EQ(0, kv(&l, T("CHAP_A=7\0CHAP_I=1\0CHAP_C=0x0102\0")));
	ASSERT_EQ(-KISCSI_E_PROTOCOL, kiscsi_chap_respond(&c, &l, &out, why, sizeof(why)));
	ASSERT_NE(NULL, strstr(why, "not offered"));
	kiscsi_kvlist_free(&l);
	ASSERT_EQ(0, kv(&l, T("CHAP_A=Reject\0")));
	ASSERT_EQ(-KISCSI_E_AUTH, kiscsi_chap_respond(&c, &l, &out, why, sizeof(why)));
	kiscsi_kvlist_free(&l);
	ASSERT_EQ(0, kv(&l, T("CHAP_A=5\0CHAP_C=0x0102\0")));
	ASSERT_EQ(-KISCSI_E_PROTOCOL, kiscsi_chap_respond(&c, &l, &out, why, sizeof(why)));
	kiscsi_kvlist_free(&l);
	ASSERT_EQ(0, kv(&l, T("CHAP_A=5\0CHAP_I=300\0CHAP_C=0x0102\0")));
	ASSERT_EQ(-KISCSI_E_PROTOCOL, kiscsi_chap_respond(&c, &l, &out, why, sizeof(why)));
	kiscsi_kvlist_free(&l);
	ASSERT_EQ(0, kv(&l, T("CHAP_A=5\0CHAP_I=3\0CHAP_C=0x\0")));
	ASSERT_EQ(-KISCSI_E_PROTOCOL, kiscsi_chap_respond(&c, &l, &out, why, sizeof(why)));
	kiscsi_kvlist_free(&l);
	/* a challenge of 1025 bytes is over RFC 7143's limit */
	big = malloc(32 + 2 * 1025);
	strcpy(big, "CHAP_A=5");
	strcpy(big + 9, "CHAP_I=3");
	strcpy(big + 18, "CHAP_C=0x");
	for (i = 0; i < 2 * 1025; i++)
		big[27 + i] = 'a';
	big[27 + 2 * 1025] = '\0';
	ASSERT_EQ(0, kv(&l, big, 28 + 2 * 1025));
	ASSERT_EQ(-KISCSI_E_PROTOCOL, kiscsi_chap_respond(&c, &l, &out, why, sizeof(why)));
	kiscsi_kvlist_free(&l);
	free(big);
	ASSERT_EQ(0u, out.len - sizeof("CHAP_A=5"));	/* nothing added */
	kiscsi_textbuf_free(&out);
}

/* A random source that first repeats the target's challenge. */
static uint8_t forced[16];
static int forced_calls;

static int collide_random(uint8_t *buf, size_t len)
{
	size_t i;

	forced_calls++;
	if (forced_calls <= 2) {	/* id, then the colliding challenge */
		memcpy(buf, forced, len < 16 ? len : 16);
		return 0;
	}
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(0xa0 + i);
	return 0;
}

/* Our answer to a target challenge, with the collision-forcing random. */
static void mutual_setup(struct kiscsi_chap *c,
			 const struct kiscsi_chap_auth *a,
			 struct kiscsi_textbuf *out)
{
	struct kiscsi_kvlist l;
	char why[256];

	kiscsi_chap_init(c, a);
	kiscsi_textbuf_init(out, 0);
	kiscsi_chap_offer(c, out);
	out->len = 0;
	for (int i = 0; i < 16; i++)
		forced[i] = (uint8_t)i;
	forced_calls = 0;
	c->random = collide_random;
	kv(&l, T("CHAP_A=5\0CHAP_I=42\0CHAP_C=0x000102030405060708090a0b0c0d0e0f\0"));
	kiscsi_chap_respond(c, &l, out, why, sizeof(why));
	kiscsi_kvlist_free(&l);
}

/* Build the target's CHAP_N/CHAP_R for our challenge with a given secret. */
static int target_answer(const struct kiscsi_chap *c, const char *name,
			 const char *secret, struct kiscsi_kvlist *l)
{
	uint8_t d[32];
	char enc[80], text[200];
	int n;

	kiscsi_chap_hash(c->alg, c->id, secret, c->challenge, c->clen, d);
	kiscsi_binary_encode_hex(d, kiscsi_chap_digest_len(c->alg), enc,
				 sizeof(enc));
	n = snprintf(text, sizeof(text), "CHAP_N=%s%cCHAP_R=%s%c", name, 0,
		     enc, 0);
	return kv(l, text, (size_t)n);
}

TEST(mutual_challenge_never_the_targets)
{
	struct kiscsi_chap_auth a = creds("ini", "initiator-secret", "tgt",
					  "target-secret-99");
	struct kiscsi_textbuf out;
	struct kiscsi_chap c;
	char *cc;

	mutual_setup(&c, &a, &out);
	ASSERT_EQ(KISCSI_CHAP_SENT_R, c.state);
	ASSERT_GE(forced_calls, 3);	/* the colliding draw was discarded */
	cc = memmem(out.data, out.len, "CHAP_C=", 7);
	ASSERT_NE(NULL, cc);
	ASSERT_STREQ("CHAP_C=0xa0a1a2a3a4a5a6a7a8a9aaabacadaeaf", cc);
	ASSERT_NE(NULL, memmem(out.data, out.len, "CHAP_I=", 7));
	kiscsi_textbuf_free(&out);
}

TEST(mutual_verify)
{
	struct kiscsi_chap_auth a = creds("ini", "initiator-secret", "tgt",
					  "target-secret-99");
	struct kiscsi_textbuf out;
	struct kiscsi_kvlist l;
	struct kiscsi_chap c;
	char why[256];

	/* good */
	mutual_setup(&c, &a, &out);
	ASSERT_EQ(0, target_answer(&c, "tgt", "target-secret-99", &l));
	ASSERT_EQ(0, kiscsi_chap_verify(&c, &l, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(KISCSI_CHAP_DONE, c.state);
	kiscsi_kvlist_free(&l);
	kiscsi_textbuf_free(&out);

	/* wrong secret on the target */
	mutual_setup(&c, &a, &out);
	ASSERT_EQ(0, target_answer(&c, "tgt", "some-other-secret", &l));
	ASSERT_EQ(-KISCSI_E_AUTH, kiscsi_chap_verify(&c, &l, why, sizeof(why)));
	ASSERT_NE(NULL, strstr(why, "does not verify"));
	ASSERT_EQ(NULL, strstr(why, "secret-99"));
	kiscsi_kvlist_free(&l);
	kiscsi_textbuf_free(&out);

	/* made with our own outgoing secret: reflection */
	mutual_setup(&c, &a, &out);
	ASSERT_EQ(0, target_answer(&c, "tgt", "initiator-secret", &l));
	ASSERT_EQ(-KISCSI_E_AUTH, kiscsi_chap_verify(&c, &l, why, sizeof(why)));
	ASSERT_NE(NULL, strstr(why, "reflection"));
	kiscsi_kvlist_free(&l);
	kiscsi_textbuf_free(&out);

	/* another name */
	mutual_setup(&c, &a, &out);
	ASSERT_EQ(0, target_answer(&c, "mallory", "target-secret-99", &l));
	ASSERT_EQ(-KISCSI_E_AUTH, kiscsi_chap_verify(&c, &l, why, sizeof(why)));
	ASSERT_NE(NULL, strstr(why, "--username-in"));
	kiscsi_kvlist_free(&l);
	kiscsi_textbuf_free(&out);

	/* no answer, or a malformed one */
	mutual_setup(&c, &a, &out);
	ASSERT_EQ(0, kv(&l, T("X=1\0")));
	ASSERT_EQ(-KISCSI_E_AUTH, kiscsi_chap_verify(&c, &l, why, sizeof(why)));
	kiscsi_kvlist_free(&l);
	ASSERT_EQ(0, kv(&l, T("CHAP_N=tgt\0CHAP_R=0x0102\0")));
	ASSERT_EQ(-KISCSI_E_PROTOCOL, kiscsi_chap_verify(&c, &l, why, sizeof(why)));
	kiscsi_kvlist_free(&l);
	ASSERT_EQ(KISCSI_CHAP_SENT_R, c.state);
	kiscsi_textbuf_free(&out);
}

/* ---- credentials from a file and the environment ---- */

static char *write_file(const char *text, mode_t mode)
{
	static char path[] = "/tmp/kiscsi-unit-authXXXXXX";
	int fd;

	strcpy(path, "/tmp/kiscsi-unit-authXXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	fchmod(fd, mode);
	close(fd);
	return path;
}

TEST(auth_file)
{
	struct kiscsi_chap_auth a;
	struct kiscsi_error err;
	char *p;

	memset(&a, 0, sizeof(a));
	p = write_file("# kiscsi CHAP\nusername=ini\n  password=pass word=x\r\n\n"
		       "username_in=tgt\npassword_in=in-secret-1234\n"
		       "chap_algorithms=sha256,md5\n", 0600);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, kiscsi_chap_auth_load_file(p, &a, &err)) TH_LOG("%s", err.msg);
	ASSERT_STREQ("ini", a.username);
	ASSERT_STREQ("pass word=x", a.password);
	ASSERT_STREQ("tgt", a.username_in);
	ASSERT_STREQ("in-secret-1234", a.password_in);
	ASSERT_EQ(2u, a.nalgs);
	ASSERT_EQ(7, a.algs[0]);
	unlink(p);

	p = write_file("username=ini\npassword=secret-in-a-0644-file\n", 0644);
	ASSERT_EQ(-KISCSI_E_GENERIC, kiscsi_chap_auth_load_file(p, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "chmod 600")) TH_LOG("%s", err.msg);
	ASSERT_EQ(NULL, strstr(err.msg, "0644-file"));
	unlink(p);
	p = write_file("password=x\n", 0640);
	ASSERT_EQ(-KISCSI_E_GENERIC, kiscsi_chap_auth_load_file(p, &a, &err));
	unlink(p);

	p = write_file("username=ini\nsecret-without-key\n", 0600);
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_load_file(p, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "line 2: expected key=value"));
	ASSERT_EQ(NULL, strstr(err.msg, "secret-without"));
	unlink(p);
	p = write_file("pasword=typo-secret\n", 0600);
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_load_file(p, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "unknown key 'pasword'"));
	ASSERT_EQ(NULL, strstr(err.msg, "typo-secret"));
	unlink(p);
	p = write_file("password=a\npassword=b\n", 0600);
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_load_file(p, &a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "twice"));
	unlink(p);
	p = write_file("password=\n", 0600);
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_load_file(p, &a, &err));
	unlink(p);
	ASSERT_EQ(-KISCSI_E_GENERIC,
		  kiscsi_chap_auth_load_file("/nonexistent/kiscsi-auth", &a, &err));
}

TEST(auth_env)
{
	struct kiscsi_chap_auth a;
	struct kiscsi_error err;

	memset(&a, 0, sizeof(a));
	setenv("KISCSI_USERNAME", "env-user", 1);
	setenv("KISCSI_PASSWORD", "env-secret-123", 1);
	setenv("KISCSI_CHAP_ALGORITHMS", "sha1", 1);
	ASSERT_EQ(0, kiscsi_chap_auth_from_env(&a, &err));
	ASSERT_STREQ("env-user", a.username);
	ASSERT_STREQ("env-secret-123", a.password);
	ASSERT_STREQ("", a.username_in);
	ASSERT_EQ(6, a.algs[0]);
	setenv("KISCSI_PASSWORD_IN", "", 1);
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_chap_auth_from_env(&a, &err));
	ASSERT_NE(NULL, strstr(err.msg, "KISCSI_PASSWORD_IN"));
	unsetenv("KISCSI_USERNAME");
	unsetenv("KISCSI_PASSWORD");
	unsetenv("KISCSI_PASSWORD_IN");
	unsetenv("KISCSI_CHAP_ALGORITHMS");
	kiscsi_chap_auth_clear(&a);
	ASSERT_STREQ("", a.password);
}

TEST_HARNESS_MAIN

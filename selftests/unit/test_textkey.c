// SPDX-License-Identifier: GPL-2.0-or-later
/* Text keys: encoding and strict parsing. */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "textkey.h"

#define T(s) s, sizeof(s) - 1	/* literal with its embedded NULs */

TEST(parse_good)
{
	struct kiscsi_kvlist l;
	char e[128];

	ASSERT_EQ(0, kiscsi_text_parse(T("A=1\0HeaderDigest=None,CRC32C\0Empty=\0"),
				       &l, e, sizeof(e)));
	ASSERT_EQ(3u, l.n);
	ASSERT_STREQ("A", l.kv[0].key);
	ASSERT_STREQ("1", l.kv[0].value);
	ASSERT_STREQ("None,CRC32C", kiscsi_kv_get(&l, "HeaderDigest"));
	ASSERT_STREQ("", kiscsi_kv_get(&l, "Empty"));
	ASSERT_EQ(NULL, kiscsi_kv_get(&l, "Missing"));
	ASSERT_EQ(-1, kiscsi_kv_find_dup(&l));
	kiscsi_kvlist_free(&l);
}

TEST(parse_value_with_equals)
{
	struct kiscsi_kvlist l;
	char e[128];

	ASSERT_EQ(0, kiscsi_text_parse(T("CHAP_C=0xab=cd\0"), &l, e, sizeof(e)));
	ASSERT_STREQ("0xab=cd", l.kv[0].value);
	kiscsi_kvlist_free(&l);
}

TEST(parse_empty)
{
	struct kiscsi_kvlist l;
	char e[128];

	ASSERT_EQ(0, kiscsi_text_parse("", 0, &l, e, sizeof(e)));
	ASSERT_EQ(0u, l.n);
	kiscsi_kvlist_free(&l);
	/* padding NULs alone are no keys */
	ASSERT_EQ(0, kiscsi_text_parse(T("\0\0\0"), &l, e, sizeof(e)));
	ASSERT_EQ(0u, l.n);
	kiscsi_kvlist_free(&l);
}

TEST(parse_missing_equals)
{
	struct kiscsi_kvlist l;
	char e[128] = "";

	ASSERT_EQ(-1, kiscsi_text_parse(T("A=1\0NoEquals\0"), &l, e, sizeof(e)));
	ASSERT_NE(NULL, strstr(e, "without '='"));
	ASSERT_EQ(0u, l.n);
}

TEST(parse_no_nul)
{
	struct kiscsi_kvlist l;
	char e[128] = "";

	ASSERT_EQ(-1, kiscsi_text_parse(T("A=1\0B=2"), &l, e, sizeof(e)));
	ASSERT_NE(NULL, strstr(e, "NUL"));
}

TEST(parse_bad_key)
{
	struct kiscsi_kvlist l;
	char e[128];

	ASSERT_EQ(-1, kiscsi_text_parse(T("=1\0"), &l, e, sizeof(e)));
	ASSERT_EQ(-1, kiscsi_text_parse(T("Bad Key=1\0"), &l, e, sizeof(e)));
	ASSERT_EQ(-1, kiscsi_text_parse(T("K\xff=1\0"), &l, e, sizeof(e)));
}

static char *kv_of(const char *key, size_t vlen, size_t *len)
{
	size_t kl = strlen(key);
	char *b = malloc(kl + vlen + 2);

	memcpy(b, key, kl);
	b[kl] = '=';
	memset(b + kl + 1, 'a', vlen);
	b[kl + 1 + vlen] = '\0';
	*len = kl + vlen + 2;
	return b;
}

TEST(parse_value_sizes)
{
	struct kiscsi_kvlist l;
	size_t len;
	char e[128], *b;

	b = kv_of("TargetAlias", 255, &len);
	ASSERT_EQ(0, kiscsi_text_parse(b, len, &l, e, sizeof(e)));
	kiscsi_kvlist_free(&l);
	free(b);
	b = kv_of("TargetAlias", 256, &len);
	ASSERT_EQ(-1, kiscsi_text_parse(b, len, &l, e, sizeof(e)));
	ASSERT_NE(NULL, strstr(e, "too long"));
	free(b);
	b = kv_of("CHAP_C", 8192, &len);
	ASSERT_EQ(0, kiscsi_text_parse(b, len, &l, e, sizeof(e)));
	kiscsi_kvlist_free(&l);
	free(b);
	b = kv_of("CHAP_C", 8193, &len);
	ASSERT_EQ(-1, kiscsi_text_parse(b, len, &l, e, sizeof(e)));
	free(b);
}

TEST(key_length)
{
	char key[70];

	memset(key, 'K', sizeof(key));
	ASSERT_TRUE(kiscsi_key_valid(key, 63));
	ASSERT_FALSE(kiscsi_key_valid(key, 64));
	ASSERT_FALSE(kiscsi_key_valid(key, 0));
}

TEST(duplicates)
{
	struct kiscsi_kvlist l;
	char e[128];

	ASSERT_EQ(0, kiscsi_text_parse(T("A=1\0B=2\0A=3\0"), &l, e, sizeof(e)));
	ASSERT_EQ(2, kiscsi_kv_find_dup(&l));
	ASSERT_STREQ("1", kiscsi_kv_get(&l, "A"));
	kiscsi_kvlist_free(&l);
}

TEST(encode)
{
	struct kiscsi_textbuf tb;

	kiscsi_textbuf_init(&tb, 0);
	ASSERT_EQ(0, kiscsi_text_add(&tb, "InitiatorName", "iqn.x"));
	ASSERT_EQ(0, kiscsi_text_addf(&tb, "MaxBurstLength", "%u", 16776192u));
	ASSERT_EQ(sizeof("InitiatorName=iqn.x\0MaxBurstLength=16776192") ,
		  tb.len);
	ASSERT_EQ(0, memcmp(tb.data, "InitiatorName=iqn.x\0MaxBurstLength=16776192\0",
			    tb.len));
	ASSERT_EQ(-1, kiscsi_text_add(&tb, "bad key", "x"));
	ASSERT_EQ(-1, kiscsi_text_add(&tb, "", "x"));
	kiscsi_textbuf_free(&tb);
}

TEST(buffer_limit)
{
	struct kiscsi_textbuf tb;

	kiscsi_textbuf_init(&tb, 8);
	ASSERT_EQ(0, kiscsi_textbuf_append(&tb, "12345678", 8));
	ASSERT_EQ(-1, kiscsi_textbuf_append(&tb, "9", 1));
	ASSERT_EQ(8u, tb.len);
	kiscsi_textbuf_free(&tb);
}

TEST_HARNESS_MAIN

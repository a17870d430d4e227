// SPDX-License-Identifier: GPL-2.0-or-later
/* Result functions and the negotiation of operational keys. */
#include <string.h>

#include <linux/kiscsi.h>

#include "kselftest_harness.h"
#include "negotiate.h"

#define T(s) s, sizeof(s) - 1

TEST(numbers)
{
	uint64_t v;

	ASSERT_EQ(0, kiscsi_parse_num("262144", &v));
	ASSERT_EQ(262144u, v);
	ASSERT_EQ(0, kiscsi_parse_num("0x10", &v));
	ASSERT_EQ(16u, v);
	ASSERT_EQ(-1, kiscsi_parse_num("", &v));
	ASSERT_EQ(-1, kiscsi_parse_num("12a", &v));
	ASSERT_EQ(-1, kiscsi_parse_num("-1", &v));
	ASSERT_EQ(-1, kiscsi_parse_num("0x", &v));
	ASSERT_EQ(-1, kiscsi_parse_num("99999999999999999999999", &v));
}

TEST(min_function)
{
	uint32_t r = 65536;

	ASSERT_EQ(0, kiscsi_neg_num_result(KISCSI_NEG_MIN, 262144, "65536",
					   512, 16777215, &r));
	ASSERT_EQ(65536u, r);
	/* an answer above the offer is illegal for min */
	ASSERT_EQ(-1, kiscsi_neg_num_result(KISCSI_NEG_MIN, 262144, "262145",
					    512, 16777215, &r));
	/* out of the key's range */
	ASSERT_EQ(-1, kiscsi_neg_num_result(KISCSI_NEG_MIN, 262144, "511",
					    512, 16777215, &r));
	ASSERT_EQ(-1, kiscsi_neg_num_result(KISCSI_NEG_MIN, 262144, "Yes",
					    512, 16777215, &r));
	ASSERT_EQ(65536u, r);
	ASSERT_EQ(1u, kiscsi_neg_num_answer(KISCSI_NEG_MIN, 1, 8));
	ASSERT_EQ(1u, kiscsi_neg_num_answer(KISCSI_NEG_MIN, 8, 1));
}

TEST(max_function)
{
	uint32_t r = 2;

	ASSERT_EQ(0, kiscsi_neg_num_result(KISCSI_NEG_MAX, 2, "5", 0, 3600, &r));
	ASSERT_EQ(5u, r);
	ASSERT_EQ(-1, kiscsi_neg_num_result(KISCSI_NEG_MAX, 2, "1", 0, 3600, &r));
	ASSERT_EQ(8u, kiscsi_neg_num_answer(KISCSI_NEG_MAX, 1, 8));
}

TEST(or_and_functions)
{
	bool r = true;

	/* InitialR2T: OR */
	ASSERT_EQ(0, kiscsi_neg_bool_result(KISCSI_NEG_OR, false, "Yes", &r));
	ASSERT_TRUE(r);
	ASSERT_EQ(0, kiscsi_neg_bool_result(KISCSI_NEG_OR, false, "No", &r));
	ASSERT_FALSE(r);
	ASSERT_EQ(0, kiscsi_neg_bool_result(KISCSI_NEG_OR, true, "No", &r));
	ASSERT_TRUE(r);
	/* ImmediateData: AND */
	ASSERT_EQ(0, kiscsi_neg_bool_result(KISCSI_NEG_AND, true, "No", &r));
	ASSERT_FALSE(r);
	ASSERT_EQ(0, kiscsi_neg_bool_result(KISCSI_NEG_AND, true, "Yes", &r));
	ASSERT_TRUE(r);
	ASSERT_EQ(0, kiscsi_neg_bool_result(KISCSI_NEG_AND, false, "Yes", &r));
	ASSERT_FALSE(r);
	ASSERT_EQ(-1, kiscsi_neg_bool_result(KISCSI_NEG_AND, true, "yes", &r));
	ASSERT_TRUE(kiscsi_neg_bool_answer(KISCSI_NEG_OR, false, true));
	ASSERT_FALSE(kiscsi_neg_bool_answer(KISCSI_NEG_AND, false, true));
}

TEST(irrelevant_and_reject)
{
	bool b = false;
	uint32_t r = 7;

	/* OR with Yes decides the result: Irrelevant is a fine answer */
	ASSERT_EQ(0, kiscsi_neg_bool_result(KISCSI_NEG_OR, true, "Irrelevant", &b));
	ASSERT_TRUE(b);
	/* AND with Yes does not: the key keeps its default */
	b = true;
	ASSERT_EQ(1, kiscsi_neg_bool_result(KISCSI_NEG_AND, true, "Irrelevant", &b));
	ASSERT_EQ(1, kiscsi_neg_num_result(KISCSI_NEG_MIN, 1, "Reject", 1, 2, &r));
	ASSERT_EQ(1, kiscsi_neg_num_result(KISCSI_NEG_MIN, 1, "NotUnderstood",
					   1, 2, &r));
	ASSERT_EQ(7u, r);
}

TEST(list_function)
{
	ASSERT_EQ(0, kiscsi_neg_list_result("None", "None"));
	ASSERT_EQ(0, kiscsi_neg_list_result("CRC32C,None", "None"));
	ASSERT_EQ(-1, kiscsi_neg_list_result("None", "CRC32C"));
	ASSERT_EQ(-1, kiscsi_neg_list_result("CRC32C,None", "CRC32C,None"));
	ASSERT_EQ(-1, kiscsi_neg_list_result("None", "Non"));
	ASSERT_EQ(1, kiscsi_neg_list_result("None", "Reject"));
}

TEST(declarative_mrdsl)
{
	uint32_t v = 0;

	ASSERT_EQ(0, kiscsi_neg_declared_mrdsl("8192", &v));
	ASSERT_EQ(8192u, v);
	ASSERT_EQ(-1, kiscsi_neg_declared_mrdsl("511", &v));
	ASSERT_EQ(-1, kiscsi_neg_declared_mrdsl("16777216", &v));
}

static int process(struct kiscsi_neg *n, const char *txt, size_t len,
		   struct kiscsi_textbuf *ans, char *e)
{
	struct kiscsi_kvlist kv;
	int r;

	if (kiscsi_text_parse(txt, len, &kv, e, 128))
		return -2;
	r = kiscsi_neg_process(n, &kv, ans, e, 128);
	kiscsi_kvlist_free(&kv);
	return r;
}

TEST(full_operational_exchange)
{
	struct kiscsi_params want;
	struct kiscsi_textbuf offer, ans;
	struct kiscsi_neg n;
	char e[128];

	kiscsi_params_offer_defaults(&want);
	kiscsi_neg_init(&n, false, &want);
	kiscsi_textbuf_init(&offer, 0);
	kiscsi_textbuf_init(&ans, 0);
	ASSERT_EQ(0, kiscsi_neg_offer(&n, &offer));
	ASSERT_NE(NULL, memmem(offer.data, offer.len, T("InitialR2T=No\0")));
	ASSERT_NE(NULL, memmem(offer.data, offer.len, T("ImmediateData=Yes\0")));
	ASSERT_NE(NULL, memmem(offer.data, offer.len,
			       T("MaxRecvDataSegmentLength=262144\0")));
	ASSERT_NE(NULL, memmem(offer.data, offer.len,
			       T("MaxBurstLength=16776192\0")));
	ASSERT_NE(NULL, memmem(offer.data, offer.len,
			       T("FirstBurstLength=262144\0")));

	/* tgtd-like answer with its defaults, plus an unknown key */
	ASSERT_EQ(0, process(&n, T("HeaderDigest=None\0DataDigest=None\0"
				  "MaxRecvDataSegmentLength=8192\0"
				  "InitialR2T=Yes\0ImmediateData=Yes\0"
				  "FirstBurstLength=65536\0MaxBurstLength=262144\0"
				  "MaxOutstandingR2T=1\0ErrorRecoveryLevel=0\0"
				  "X-com.example.Foo=bar\0TargetPortalGroupTag=3\0"
				  "TargetAlias=disk\0"), &ans, e));
	kiscsi_neg_finish(&n);
	ASSERT_EQ(8192u, n.res.max_xmit_dlen);
	ASSERT_EQ(262144u, n.res.max_recv_dlen);
	ASSERT_EQ(65536u, n.res.first_burst);
	ASSERT_EQ(262144u, n.res.max_burst);
	ASSERT_TRUE(n.res.initial_r2t);
	ASSERT_TRUE(n.res.immediate_data);
	ASSERT_EQ(3, n.tpgt);
	ASSERT_STREQ("disk", n.target_alias);
	/* unanswered offers keep RFC defaults */
	ASSERT_EQ(2u, n.res.time2wait);
	ASSERT_EQ(20u, n.res.time2retain);
	ASSERT_EQ(sizeof("X-com.example.Foo=NotUnderstood"), ans.len);
	ASSERT_EQ(0, memcmp(ans.data, "X-com.example.Foo=NotUnderstood", ans.len));
	kiscsi_textbuf_free(&offer);
	kiscsi_textbuf_free(&ans);
}

TEST(target_offers_answered)
{
	struct kiscsi_params want;
	struct kiscsi_textbuf ans;
	struct kiscsi_neg n;
	char e[128];

	kiscsi_params_offer_defaults(&want);
	kiscsi_neg_init(&n, false, &want);
	kiscsi_textbuf_init(&ans, 0);
	/* keys we did not offer: the target's offers, which we answer */
	ASSERT_EQ(0, process(&n, T("MaxBurstLength=1048576\0InitialR2T=Yes\0"
				  "DataDigest=CRC32C,None\0IFMarker=Yes\0"
				  "DefaultTime2Wait=5\0MaxOutstandingR2T=0\0"), &ans, e));
	ASSERT_NE(NULL, memmem(ans.data, ans.len, T("MaxBurstLength=1048576\0")));
	ASSERT_NE(NULL, memmem(ans.data, ans.len, T("InitialR2T=Yes\0")));
	ASSERT_NE(NULL, memmem(ans.data, ans.len, T("DataDigest=None\0")));
	ASSERT_NE(NULL, memmem(ans.data, ans.len, T("IFMarker=No\0")));
	ASSERT_NE(NULL, memmem(ans.data, ans.len, T("DefaultTime2Wait=5\0")));
	ASSERT_NE(NULL, memmem(ans.data, ans.len, T("MaxOutstandingR2T=Reject\0")));
	ASSERT_EQ(1048576u, n.res.max_burst);
	ASSERT_TRUE(n.res.initial_r2t);
	ASSERT_EQ(5u, n.res.time2wait);
	/* the same key again is a protocol error */
	ASSERT_EQ(-1, process(&n, T("MaxBurstLength=4096\0"), &ans, e));
	ASSERT_NE(NULL, strstr(e, "twice"));
	kiscsi_textbuf_free(&ans);
}

TEST(offers_skip_settled_keys)
{
	struct kiscsi_params want;
	struct kiscsi_textbuf offer, ans;
	struct kiscsi_neg n;
	char e[128];

	kiscsi_params_offer_defaults(&want);
	kiscsi_neg_init(&n, false, &want);
	kiscsi_textbuf_init(&offer, 0);
	kiscsi_textbuf_init(&ans, 0);
	/* the target offers keys before our offers (security stage) */
	ASSERT_EQ(0, process(&n, T("MaxBurstLength=1048576\0"
				  "DefaultTime2Retain=0xa-bad\0"), &ans, e));
	ASSERT_NE(NULL, memmem(ans.data, ans.len, T("DefaultTime2Retain=Reject\0")));
	/* what was answered is not offered again in the same login */
	ASSERT_EQ(0, kiscsi_neg_offer(&n, &offer));
	ASSERT_EQ(NULL, memmem(offer.data, offer.len, T("MaxBurstLength=")));
	ASSERT_EQ(NULL, memmem(offer.data, offer.len, T("DefaultTime2Retain=")));
	ASSERT_NE(NULL, memmem(offer.data, offer.len,
			       T("FirstBurstLength=262144\0")));
	ASSERT_NE(NULL, memmem(offer.data, offer.len,
			       T("MaxRecvDataSegmentLength=262144\0")));
	kiscsi_neg_finish(&n);
	ASSERT_EQ(1048576u, n.res.max_burst);
	kiscsi_textbuf_free(&offer);
	kiscsi_textbuf_free(&ans);
}

TEST(bad_answers)
{
	struct kiscsi_params want;
	struct kiscsi_textbuf offer, ans;
	struct kiscsi_neg n;
	char e[128];

	kiscsi_params_offer_defaults(&want);
	kiscsi_neg_init(&n, false, &want);
	kiscsi_textbuf_init(&offer, 0);
	kiscsi_textbuf_init(&ans, 0);
	ASSERT_EQ(0, kiscsi_neg_offer(&n, &offer));
	ASSERT_EQ(-1, process(&n, T("MaxBurstLength=16776193\0"), &ans, e));
	ASSERT_EQ(-1, process(&n, T("HeaderDigest=CRC32C\0"), &ans, e));
	ASSERT_EQ(-1, process(&n, T("MaxRecvDataSegmentLength=100\0"), &ans, e));
	ASSERT_EQ(-1, process(&n, T("A=1\0A=1\0"), &ans, e));
	ASSERT_EQ(-1, process(&n, T("TargetPortalGroupTag=65536\0"), &ans, e));
	ASSERT_EQ(0u, ans.len);
	kiscsi_textbuf_free(&offer);
	kiscsi_textbuf_free(&ans);
}

TEST(discovery_irrelevant)
{
	struct kiscsi_params want;
	struct kiscsi_textbuf offer, ans;
	struct kiscsi_neg n;
	char e[128];

	kiscsi_params_offer_defaults(&want);
	kiscsi_neg_init(&n, true, &want);
	kiscsi_textbuf_init(&offer, 0);
	kiscsi_textbuf_init(&ans, 0);
	ASSERT_EQ(0, kiscsi_neg_offer(&n, &offer));
	ASSERT_EQ(NULL, memmem(offer.data, offer.len, T("InitialR2T")));
	ASSERT_EQ(0, process(&n, T("MaxBurstLength=4096\0"), &ans, e));
	ASSERT_EQ(sizeof("MaxBurstLength=Irrelevant"), ans.len);
	ASSERT_EQ(0, memcmp(ans.data, "MaxBurstLength=Irrelevant", ans.len));
	kiscsi_textbuf_free(&offer);
	kiscsi_textbuf_free(&ans);
}

TEST(first_burst_clamped)
{
	struct kiscsi_params want;
	struct kiscsi_textbuf offer, ans;
	struct kiscsi_neg n;
	char e[128];

	kiscsi_params_offer_defaults(&want);
	kiscsi_neg_init(&n, false, &want);
	kiscsi_textbuf_init(&offer, 0);
	kiscsi_textbuf_init(&ans, 0);
	ASSERT_EQ(0, kiscsi_neg_offer(&n, &offer));
	ASSERT_EQ(0, process(&n, T("FirstBurstLength=262144\0MaxBurstLength=131072\0"),
			     &ans, e));
	kiscsi_neg_finish(&n);
	ASSERT_EQ(131072u, n.res.first_burst);
	kiscsi_textbuf_free(&offer);
	kiscsi_textbuf_free(&ans);
}

TEST_HARNESS_MAIN

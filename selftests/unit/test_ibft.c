// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iBFT: a table built from values parses back to the same values; a
 * table that lies (checksum, lengths, offsets, ids, strings out of
 * bounds) is refused with one line naming what is wrong.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ibft.h"
#include "ibft_layout.h"

#pragma GCC diagnostic ignored "-Wclobbered"

static void sample(struct kiscsi_ibft *t)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	memset(t, 0, sizeof(*t));
	strcpy(t->oem_id, "KISCSI");
	strcpy(t->oem_table_id, "TESTIBFT");
	t->initiator.present = true;
	t->initiator.flags = KISCSI_IBFT_VALID | KISCSI_IBFT_BOOT;
	strcpy(t->initiator.name, "iqn.2024-01.org.kiscsi.test:boot-initiator");
	strcpy(t->initiator.isns_server, "192.0.2.53");

	t->nic[0].present = true;
	t->nic[0].flags = KISCSI_IBFT_VALID | KISCSI_IBFT_BOOT;
	strcpy(t->nic[0].ip_addr, "192.0.2.20");
	t->nic[0].prefix_len = 24;
	t->nic[0].origin = KISCSI_IBFT_ORIGIN_MANUAL;
	strcpy(t->nic[0].gateway, "192.0.2.1");
	strcpy(t->nic[0].primary_dns, "192.0.2.53");
	t->nic[0].vlan = 100;
	memcpy(t->nic[0].mac, mac, 6);
	t->nic[0].pci_bdf = 0x0018;
	strcpy(t->nic[0].hostname, "bootclient");

	t->nic[1].present = true;
	t->nic[1].index = 1;
	t->nic[1].flags = KISCSI_IBFT_VALID;
	strcpy(t->nic[1].ip_addr, "2001:db8::20");
	t->nic[1].prefix_len = 64;
	t->nic[1].origin = KISCSI_IBFT_ORIGIN_DHCP;
	strcpy(t->nic[1].dhcp, "2001:db8::1");

	t->target[0].present = true;
	t->target[0].flags = KISCSI_IBFT_VALID | KISCSI_IBFT_BOOT;
	strcpy(t->target[0].ip_addr, "192.0.2.10");
	t->target[0].port = 3260;
	t->target[0].lun[1] = 3;
	t->target[0].chap_type = 2;
	strcpy(t->target[0].name, "iqn.2024-01.org.kiscsi.test:root");
	strcpy(t->target[0].chap_name, "boot-user");
	strcpy(t->target[0].chap_secret, "boot-secret-01");
	strcpy(t->target[0].rev_chap_name, "target-user");
	strcpy(t->target[0].rev_chap_secret, "target-secret-1");

	t->target[1].present = true;
	t->target[1].index = 1;
	t->target[1].flags = KISCSI_IBFT_VALID;
	strcpy(t->target[1].ip_addr, "2001:db8::10");
	t->target[1].port = 3261;
	t->target[1].nic_assoc = 1;
	strcpy(t->target[1].name, "iqn.2024-01.org.kiscsi.test:data");
}

TEST(round_trip)
{
	struct kiscsi_ibft a, b;
	struct kiscsi_error err = { 0 };
	uint8_t buf[4096];
	long n;

	sample(&a);
	n = kiscsi_ibft_build(&a, buf, sizeof(buf), &err);
	ASSERT_LT(0, n) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, n % 8);
	ASSERT_EQ(0, kiscsi_ibft_parse(buf, (size_t)n, &b, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("iBFT", b.signature);
	strcpy(a.signature, "iBFT");
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	EXPECT_EQ(3, kiscsi_ibft_lun(b.target[0].lun));
	EXPECT_EQ(0, kiscsi_ibft_lun(b.target[1].lun));
}

TEST(unset_entries_and_addresses)
{
	struct kiscsi_ibft a, b;
	struct kiscsi_error err;
	uint8_t buf[1024];
	long n;

	memset(&a, 0, sizeof(a));
	a.target[0].present = true;
	strcpy(a.target[0].name, "iqn.2024-01.x:only");
	n = kiscsi_ibft_build(&a, buf, sizeof(buf), &err);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, kiscsi_ibft_parse(buf, (size_t)n, &b, &err)) TH_LOG("%s", err.msg);
	EXPECT_FALSE(b.initiator.present);
	EXPECT_FALSE(b.nic[0].present);
	EXPECT_TRUE(b.target[0].present);
	EXPECT_STREQ("", b.target[0].ip_addr);	/* 0.0.0.0 / :: is unset */
	EXPECT_STREQ("", b.target[0].chap_name);
}

TEST(lun_levels)
{
	uint8_t lun[8] = { 0 };

	lun[1] = 255;
	EXPECT_EQ(255, kiscsi_ibft_lun(lun));
	lun[0] = 0x40 | 0x01;		/* flat addressing, LUN 0x1ff */
	EXPECT_EQ(0x1ff, kiscsi_ibft_lun(lun));
	lun[2] = 1;			/* a second level */
	EXPECT_EQ(-1, kiscsi_ibft_lun(lun));
}

/* corrupt @what of a good table with @fn, expect an error with @why */
static void expect_bad(struct __test_metadata *_metadata,
		       void (*fn)(uint8_t *b, size_t *n), const char *why)
{
	struct kiscsi_ibft a, b;
	struct kiscsi_error err = { 0 };
	uint8_t buf[4096];
	size_t n;
	uint8_t sum = 0;
	size_t i;

	sample(&a);
	n = (size_t)kiscsi_ibft_build(&a, buf, sizeof(buf), &err);
	fn(buf, &n);
	if (strcmp(why, "checksum")) {
		/* keep the checksum right: the check under test is another */
		buf[9] = 0;
		for (i = 0; i < n; i++)
			sum += buf[i];
		buf[9] = (uint8_t)(0x100 - sum);
	}
	memset(&b, 0x5a, sizeof(b));
	EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_ibft_parse(buf, n, &b, &err));
	EXPECT_NE(NULL, strstr(err.msg, why)) TH_LOG("'%s' lacks '%s'", err.msg, why);
	EXPECT_EQ(NULL, strchr(err.msg, '\n'));
	EXPECT_EQ(0x5a, ((uint8_t *)&b)[0]);
}

static void flip_byte(uint8_t *b, size_t *n) { b[*n - 1] ^= 1; }
static void bad_sig(uint8_t *b, size_t *n) { memcpy(b, "XSDT", 4); }
static void short_len(uint8_t *b, size_t *n) { *n -= 8; }
static void ctl_id(uint8_t *b, size_t *n) { b[IBFT_HEADER_LEN] = 7; }
static void tgt_off_out(uint8_t *b, size_t *n)
{
	b[IBFT_HEADER_LEN + IBFT_CTL_INITIATOR + 4] = 0xf0;
	b[IBFT_HEADER_LEN + IBFT_CTL_INITIATOR + 5] = 0x0f;
}

static uint8_t *tgt0(uint8_t *b)
{
	uint16_t off = b[IBFT_HEADER_LEN + IBFT_CTL_INITIATOR + 4] |
		       b[IBFT_HEADER_LEN + IBFT_CTL_INITIATOR + 5] << 8;

	return b + off;
}

static void tgt_wrong_id(uint8_t *b, size_t *n) { tgt0(b)[IBFT_HDR_ID] = IBFT_ID_NIC; }
static void name_out(uint8_t *b, size_t *n) { tgt0(b)[IBFT_TGT_NAME + 3] = 0x7f; }
static void name_nul(uint8_t *b, size_t *n)
{
	uint8_t *t = tgt0(b);
	uint16_t off = t[IBFT_TGT_NAME + 2] | t[IBFT_TGT_NAME + 3] << 8;

	b[off + 3] = 0;
}
static void chap_type(uint8_t *b, size_t *n) { tgt0(b)[IBFT_TGT_CHAP_TYPE] = 9; }
static void truncated(uint8_t *b, size_t *n)
{
	*n = IBFT_HEADER_LEN + 4;
	b[4] = (uint8_t)*n;
	b[5] = 0;
}

TEST(lies)
{
	expect_bad(_metadata, flip_byte, "checksum");
	expect_bad(_metadata, bad_sig, "signature 'XSDT'");
	expect_bad(_metadata, short_len, "the header says");
	expect_bad(_metadata, ctl_id, "no valid control structure");
	expect_bad(_metadata, tgt_off_out, "target structure at offset");
	expect_bad(_metadata, tgt_wrong_id, "has id 3");
	expect_bad(_metadata, name_out, "target name at offset");
	expect_bad(_metadata, name_nul, "target name holds a NUL");
	expect_bad(_metadata, chap_type, "CHAP type 9");
	expect_bad(_metadata, truncated, "too short");
}

TEST(build_refuses)
{
	struct kiscsi_ibft a;
	struct kiscsi_error err = { 0 };
	uint8_t buf[4096];

	sample(&a);
	strcpy(a.nic[0].gateway, "gateway.example");
	EXPECT_GT(0, kiscsi_ibft_build(&a, buf, sizeof(buf), &err));
	EXPECT_NE(NULL, strstr(err.msg, "not a numeric address"));
	sample(&a);
	EXPECT_GT(0, kiscsi_ibft_build(&a, buf, 200, &err));
	EXPECT_NE(NULL, strstr(err.msg, "do not fit"));
}

TEST_HARNESS_MAIN

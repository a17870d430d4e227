// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The iBFT as Linux shows it: a fake sysfs tree written the way the
 * kernel's iscsi_ibft prints each value (drivers/firmware/iscsi_ibft.c:
 * %pI4 for mapped IPv4, %pI6 in full otherwise, %pM, the LUN byte by
 * byte in %x, strings with a newline), read back field by field; the raw
 * ACPI table wins when it is there; no iBFT at all is one clear line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "ibft.h"

#pragma GCC diagnostic ignored "-Wclobbered"

static void put(const char *dir, const char *name, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static void mkdirs(const char *root, const char *sub, char *out, size_t len)
{
	char cmd[600];

	snprintf(out, len, "%s/%s", root, sub);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", out);
	if (system(cmd))
		abort();
}

FIXTURE(tree) {
	char root[64];
};

FIXTURE_SETUP(tree)
{
	strcpy(self->root, "/tmp/kiscsi-ibft-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
}

FIXTURE_TEARDOWN(tree)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->root);
	if (system(cmd))
		TH_LOG("cleanup failed");
}

/* the kernel's output for an example firmware */
static void write_tree(const char *root, const char *lun)
{
	char d[512];

	mkdirs(root, "firmware/ibft/initiator", d, sizeof(d));
	put(d, "index", "0\n");
	put(d, "flags", "3\n");
	put(d, "isns-server", "0.0.0.0");
	put(d, "slp-server", "0.0.0.0");
	put(d, "pri-radius-server", "0.0.0.0");
	put(d, "sec-radius-server", "0.0.0.0");
	put(d, "initiator-name", "iqn.2024-01.org.kiscsi.test:boot\n");

	mkdirs(root, "firmware/ibft/ethernet0", d, sizeof(d));
	put(d, "index", "0\n");
	put(d, "flags", "3\n");
	put(d, "ip-addr", "192.0.2.20");
	put(d, "subnet-mask", "255.255.255.0");
	put(d, "prefix-len", "24\n");
	put(d, "origin", "1\n");
	put(d, "gateway", "192.0.2.1");
	put(d, "primary-dns", "0.0.0.0");
	put(d, "secondary-dns", "0.0.0.0");
	put(d, "dhcp", "0.0.0.0");
	put(d, "vlan", "0\n");
	put(d, "mac", "52:54:00:12:34:56\n");
	put(d, "hostname", "bootclient\n");

	mkdirs(root, "firmware/ibft/ethernet1", d, sizeof(d));
	put(d, "index", "1\n");
	put(d, "flags", "1\n");
	put(d, "ip-addr", "2001:0db8:0000:0000:0000:0000:0000:0020");
	put(d, "prefix-len", "64\n");
	put(d, "origin", "3\n");
	put(d, "mac", "52:54:00:12:34:57\n");

	mkdirs(root, "firmware/ibft/target0", d, sizeof(d));
	put(d, "index", "0\n");
	put(d, "flags", "3\n");
	put(d, "ip-addr", "192.0.2.10");
	put(d, "port", "3260\n");
	put(d, "lun", "%s\n", lun);
	put(d, "nic-assoc", "0\n");
	put(d, "chap-type", "2\n");
	put(d, "target-name", "iqn.2024-01.org.kiscsi.test:root\n");
	put(d, "chap-name", "boot-user\n");
	put(d, "chap-secret", "boot-secret-01\n");
	put(d, "rev-chap-name", "target-user\n");
	put(d, "rev-chap-name-secret", "target-secret-1\n");
}

TEST_F(tree, sysfs_fields)
{
	struct kiscsi_ibft t;
	struct kiscsi_error err = { 0 };
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	write_tree(self->root, "0f000000");
	ASSERT_EQ(0, kiscsi_ibft_load(self->root, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_TRUE(t.initiator.present);
	EXPECT_EQ(3, t.initiator.flags);
	EXPECT_STREQ("iqn.2024-01.org.kiscsi.test:boot", t.initiator.name);
	EXPECT_STREQ("", t.initiator.isns_server);	/* 0.0.0.0: unset */

	EXPECT_TRUE(t.nic[0].present);
	EXPECT_STREQ("192.0.2.20", t.nic[0].ip_addr);
	EXPECT_EQ(24, t.nic[0].prefix_len);
	EXPECT_EQ(KISCSI_IBFT_ORIGIN_MANUAL, t.nic[0].origin);
	EXPECT_STREQ("192.0.2.1", t.nic[0].gateway);
	EXPECT_STREQ("", t.nic[0].primary_dns);
	EXPECT_EQ(0, memcmp(mac, t.nic[0].mac, 6));
	EXPECT_STREQ("bootclient", t.nic[0].hostname);

	EXPECT_TRUE(t.nic[1].present);
	EXPECT_EQ(1, t.nic[1].index);
	EXPECT_STREQ("2001:db8::20", t.nic[1].ip_addr);
	EXPECT_EQ(KISCSI_IBFT_ORIGIN_DHCP, t.nic[1].origin);
	EXPECT_STREQ("", t.nic[1].hostname);		/* no file: unset */

	EXPECT_TRUE(t.target[0].present);
	EXPECT_FALSE(t.target[1].present);
	EXPECT_STREQ("192.0.2.10", t.target[0].ip_addr);
	EXPECT_EQ(3260, t.target[0].port);
	EXPECT_EQ(15, kiscsi_ibft_lun(t.target[0].lun));
	EXPECT_EQ(2, t.target[0].chap_type);
	EXPECT_STREQ("iqn.2024-01.org.kiscsi.test:root", t.target[0].name);
	EXPECT_STREQ("boot-secret-01", t.target[0].chap_secret);
	EXPECT_STREQ("target-secret-1", t.target[0].rev_chap_secret);
}

TEST_F(tree, sysfs_luns)
{
	static const struct {
		const char *text;
		int64_t lun;
	} ok[] = {
		{ "00000000", 0 }, { "01000000", 1 }, { "0f000000", 15 },
		{ "010000000", 16 }, { "0ff000000", 255 },
	};
	struct kiscsi_ibft t;
	struct kiscsi_error err = { 0 };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		write_tree(self->root, ok[i].text);
		ASSERT_EQ(0, kiscsi_ibft_load(self->root, &t, &err))
			TH_LOG("%s: %s", ok[i].text, err.msg);
		EXPECT_EQ(ok[i].lun, kiscsi_ibft_lun(t.target[0].lun))
			TH_LOG("%s", ok[i].text);
	}
	/* a second level: bytes 00 01 00 02 ... print as 01020000 */
	write_tree(self->root, "01020000");
	EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_ibft_load(self->root, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "not a single-level LUN")) TH_LOG("%s", err.msg);
}

TEST_F(tree, sysfs_bad_values)
{
	struct kiscsi_ibft t;
	struct kiscsi_error err = { 0 };
	char d[512];

	write_tree(self->root, "00000000");
	snprintf(d, sizeof(d), "%s/firmware/ibft/target0", self->root);
	put(d, "port", "http\n");
	EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_ibft_load(self->root, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "target0/port: 'http' is not a number"))
		TH_LOG("%s", err.msg);
	put(d, "port", "3260\n");
	put(d, "ip-addr", "ten.0.0.1");
	EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_ibft_load(self->root, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "is not an address")) TH_LOG("%s", err.msg);
}

TEST_F(tree, acpi_table_wins)
{
	struct kiscsi_ibft a, t;
	struct kiscsi_error err = { 0 };
	uint8_t buf[2048];
	char d[512];
	long n;
	FILE *f;

	write_tree(self->root, "00000000");
	memset(&a, 0, sizeof(a));
	a.target[0].present = true;
	a.target[0].lun[0] = 0x40;	/* flat space LUN 300: the tree cannot say */
	a.target[0].lun[1] = 0x2c;
	a.target[0].lun[0] |= 0x01;
	strcpy(a.target[0].name, "iqn.2024-01.org.kiscsi.test:from-acpi");
	n = kiscsi_ibft_build(&a, buf, sizeof(buf), &err);
	ASSERT_LT(0, n);
	mkdirs(self->root, "firmware/acpi/tables", d, sizeof(d));
	strcat(d, "/iBFT");
	f = fopen(d, "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ((size_t)n, fwrite(buf, 1, (size_t)n, f));
	fclose(f);
	ASSERT_EQ(0, kiscsi_ibft_load(self->root, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("iqn.2024-01.org.kiscsi.test:from-acpi", t.target[0].name);
	EXPECT_EQ(300, kiscsi_ibft_lun(t.target[0].lun));
}

TEST_F(tree, none)
{
	struct kiscsi_ibft t;
	struct kiscsi_error err = { 0 };

	EXPECT_EQ(-KISCSI_E_NOSESSION, kiscsi_ibft_load(self->root, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "modprobe iscsi_ibft")) TH_LOG("%s", err.msg);
}

TEST_HARNESS_MAIN

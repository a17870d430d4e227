// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iSCSI root paths: every form dracut.cmdline(7) shows, the corners of
 * dracut's own parser (net-lib.sh parse_iscsi_root), malformed ones, and
 * the round trip through kiscsi_root_path_format.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rootpath.h"

#pragma GCC diagnostic ignored "-Wclobbered"

struct good {
	const char *in;
	const char *server, *iface, *netdev, *target;
	const char *user, *pass, *user_in, *pass_in;
	unsigned int port;
	unsigned long long lun;
};

static const struct good goods[] = {
	/* dracut.cmdline(7) */
	{ "iscsi:192.168.50.1::::iqn.2009-06.dracut:target0",
	  "192.168.50.1", "", "", "iqn.2009-06.dracut:target0",
	  "", "", "", "", 3260, 0 },
	{ "iscsi:[2001:DB8::1]::::iqn.2009-06.dracut:target0",
	  "2001:DB8::1", "", "", "iqn.2009-06.dracut:target0",
	  "", "", "", "", 3260, 0 },
	/* every field */
	{ "iscsi:user:secret-0123@192.0.2.10:6:3261:iface0:eth1:3:iqn.2024-01.com.example:disk1",
	  "192.0.2.10", "iface0", "eth1", "iqn.2024-01.com.example:disk1",
	  "user", "secret-0123", "", "", 3261, 3 },
	{ "iscsi:u:p:ru:rp@192.0.2.10::3260::7:iqn.2024-01.com.example:d",
	  "192.0.2.10", "", "", "iqn.2024-01.com.example:d",
	  "u", "p", "ru", "rp", 3260, 7 },
	/* dracut: only a netdev when two fields are left before the LUN */
	{ "iscsi:192.0.2.10::3260:eth0:1:iqn.2024-01.com.example:d",
	  "192.0.2.10", "", "eth0", "iqn.2024-01.com.example:d",
	  "", "", "", "", 3260, 1 },
	/* an '@' in the name, after an empty credential field */
	{ "iscsi:@192.168.1.100::3260::iqn.2009-01.com.example:testdi@sk",
	  "192.168.1.100", "", "", "iqn.2009-01.com.example:testdi@sk",
	  "", "", "", "", 3260, 0 },
	/* no server: the target is found by discovery */
	{ "iscsi:::3260:0:iqn.2024-01.com.example:d",
	  "", "", "", "iqn.2024-01.com.example:d",
	  "", "", "", "", 3260, 0 },
	{ "iscsi:host.example.com::::eui.0123456789abcdef",
	  "host.example.com", "", "", "eui.0123456789abcdef",
	  "", "", "", "", 3260, 0 },
	{ "iscsi:192.0.2.1::::naa.52004567ba64678d",
	  "192.0.2.1", "", "", "naa.52004567ba64678d",
	  "", "", "", "", 3260, 0 },
	/* a name of no known kind: what follows the LUN, colons and all */
	{ "iscsi:192.0.2.1::3260:5:some:odd:name",
	  "192.0.2.1", "", "", "some:odd:name", "", "", "", "", 3260, 5 },
	{ "iscsi:192.0.2.1::3260:if0:eth2:5:plain",
	  "192.0.2.1", "if0", "eth2", "plain", "", "", "", "", 3260, 5 },
};

TEST(dracut_forms)
{
	size_t i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct kiscsi_root_path r;
		struct kiscsi_error err = { 0 };

		ASSERT_EQ(0, kiscsi_root_path_parse(g->in, &r, &err))
			TH_LOG("%s: %s", g->in, err.msg);
		EXPECT_STREQ(g->server, r.server) TH_LOG("%s", g->in);
		EXPECT_EQ(g->port, r.port) TH_LOG("%s", g->in);
		EXPECT_STREQ(g->iface, r.iface) TH_LOG("%s", g->in);
		EXPECT_STREQ(g->netdev, r.netdev) TH_LOG("%s", g->in);
		EXPECT_EQ(g->lun, r.lun) TH_LOG("%s", g->in);
		EXPECT_STREQ(g->target, r.target) TH_LOG("%s", g->in);
		EXPECT_STREQ(g->user, r.username) TH_LOG("%s", g->in);
		EXPECT_STREQ(g->pass, r.password) TH_LOG("%s", g->in);
		EXPECT_STREQ(g->user_in, r.username_in) TH_LOG("%s", g->in);
		EXPECT_STREQ(g->pass_in, r.password_in) TH_LOG("%s", g->in);
	}
}

TEST(malformed)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "nfs:192.0.2.1:/root", "does not start with 'iscsi:'" },
		{ "iscsi:192.0.2.1::::", "no target name" },
		{ "iscsi:192.0.2.1", "expected [server]" },
		{ "iscsi:192.0.2.1::port::iqn.2024-01.x:d", "port 'port'" },
		{ "iscsi:192.0.2.1::70000::iqn.2024-01.x:d", "port '70000'" },
		{ "iscsi:192.0.2.1::0::iqn.2024-01.x:d", "port '0'" },
		{ "iscsi:192.0.2.1::::0x1:iqn.2024-01.x:d", "LUN '0x1'" },
		{ "iscsi:192.0.2.1:17:::iqn.2024-01.x:d", "protocol '17'" },
		{ "iscsi:a:b:c:d:e@192.0.2.1::::iqn.2024-01.x:d", "more than four" },
		{ "iscsi:192.0.2.1::3260:a:b:c:1:iqn.2024-01.x:d", "4 fields" },
		{ "iscsi:[2001:db8::1]x:::iqn.2024-01.x:d", "bracketed server" },
		/* the last ":iqn." starts the name, as in dracut: the LUN is wrong */
		{ "iscsi:192.0.2.1::::iqn.2024-01.x:iqn.2024-01.y", "LUN 'iqn.2024-01.x'" },
		{ "iscsi:192.0.2.1::3260:iface-name-too-long-x:eth0:1:iqn.2024-01.x:d",
		  "iface name longer" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kiscsi_root_path r;
		struct kiscsi_error err = { 0 };

		memset(&r, 0x5a, sizeof(r));
		EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_root_path_parse(bad[i].in, &r, &err))
			TH_LOG("%s parsed", bad[i].in);
		EXPECT_NE(NULL, strstr(err.msg, bad[i].why))
			TH_LOG("%s: '%s' lacks '%s'", bad[i].in, err.msg, bad[i].why);
		EXPECT_EQ(NULL, strchr(err.msg, '\n'));
		/* nothing half-done */
		EXPECT_EQ(0x5a, ((unsigned char *)&r)[0]);
	}
}

TEST(round_trip)
{
	size_t i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		struct kiscsi_root_path a, b;
		struct kiscsi_error err = { 0 };
		char buf[1024];

		ASSERT_EQ(0, kiscsi_root_path_parse(goods[i].in, &a, &err));
		ASSERT_EQ(0, kiscsi_root_path_format(&a, true, buf, sizeof(buf)));
		ASSERT_EQ(0, kiscsi_root_path_parse(buf, &b, &err))
			TH_LOG("%s -> %s: %s", goods[i].in, buf, err.msg);
		EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)))
			TH_LOG("%s -> %s differs", goods[i].in, buf);
	}
}

TEST(secrets_only_when_asked)
{
	struct kiscsi_root_path r;
	struct kiscsi_error err;
	char buf[512];

	ASSERT_EQ(0, kiscsi_root_path_parse("iscsi:u:pw-0123456789@[::1]::3262::1:iqn.2024-01.x:d",
					    &r, &err));
	ASSERT_EQ(0, kiscsi_root_path_format(&r, false, buf, sizeof(buf)));
	EXPECT_STREQ("iscsi:[::1]::3262:1:iqn.2024-01.x:d", buf);
	ASSERT_EQ(0, kiscsi_root_path_format(&r, true, buf, sizeof(buf)));
	EXPECT_STREQ("iscsi:u:pw-0123456789@[::1]::3262:1:iqn.2024-01.x:d", buf);
	EXPECT_EQ(-1, kiscsi_root_path_format(&r, true, buf, 20));
}

TEST_HARNESS_MAIN

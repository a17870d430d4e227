// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot command line: every iSCSI form of dracut.cmdline(7), the
 * legacy keys, rd.iscsi.param mapping and refusal, and malformed lines
 * (one clear error, nothing kept).
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "bootcmdline.h"

#pragma GCC diagnostic ignored "-Wclobbered"

#define T0 "iqn.2009-06.dracut:target0"
#define T1 "iqn.2009-06.dracut:target1"

static int parse(const char *line, struct kiscsi_boot_cmdline *b,
		 struct kiscsi_error *err)
{
	memset(b, 0x5a, sizeof(*b));
	memset(err, 0, sizeof(*err));
	return kiscsi_boot_cmdline_parse(line, b, err);
}

TEST(no_iscsi)
{
	struct kiscsi_boot_cmdline b;
	struct kiscsi_error err;

	ASSERT_EQ(0, parse("BOOT_IMAGE=/vmlinuz root=UUID=1234 ro quiet", &b, &err));
	EXPECT_EQ(0, b.ntargets);
	EXPECT_FALSE(b.firmware);
	EXPECT_TRUE(b.waitnet);
	EXPECT_TRUE(b.testroute);
	EXPECT_EQ(-1, b.login_retry_max);
	EXPECT_STREQ("", b.initiator);
	EXPECT_EQ(0, b.settings.set);
}

TEST(root_iscsi)
{
	struct kiscsi_boot_cmdline b;
	struct kiscsi_error err;

	ASSERT_EQ(0, parse("root=iscsi:192.168.50.1::::" T0 " rw", &b, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(1, b.ntargets);
	EXPECT_STREQ("192.168.50.1", b.targets[0].server);
	EXPECT_STREQ(T0, b.targets[0].target);

	/* root= wins over netroot= */
	ASSERT_EQ(0, parse("netroot=iscsi:192.0.2.9::::" T1 " root=iscsi:[2001:DB8::1]::::" T0,
			   &b, &err));
	ASSERT_EQ(1, b.ntargets);
	EXPECT_STREQ("2001:DB8::1", b.targets[0].server);
	EXPECT_STREQ(T0, b.targets[0].target);
}

TEST(several_netroots)
{
	struct kiscsi_boot_cmdline b;
	struct kiscsi_error err;

	ASSERT_EQ(0, parse("root=UUID=12424547 netroot=iscsi:192.168.50.1::::" T0
			   " netroot=iscsi:192.168.50.1::::" T1 " rd.iscsi.initiator=iqn.2024-01.x:ini",
			   &b, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(2, b.ntargets);
	EXPECT_STREQ(T0, b.targets[0].target);
	EXPECT_STREQ(T1, b.targets[1].target);
	EXPECT_STREQ("iqn.2024-01.x:ini", b.initiator);
}

TEST(manual_target_and_credentials)
{
	struct kiscsi_boot_cmdline b;
	struct kiscsi_error err;

	ASSERT_EQ(0, parse("root=/dev/sda1 netroot=iscsi rd.iscsi.initiator=iqn.2024-01.x:ini "
			   "rd.iscsi.target.name=" T0 " rd.iscsi.target.ip=192.0.2.7 "
			   "rd.iscsi.target.port=3262 rd.iscsi.target.group=1 "
			   "rd.iscsi.username=u rd.iscsi.password=pw-0123456789 "
			   "rd.iscsi.in.username=t rd.iscsi.in.password=tpw-0123456789",
			   &b, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(1, b.ntargets);
	EXPECT_STREQ("192.0.2.7", b.targets[0].server);
	EXPECT_EQ(3262, b.targets[0].port);
	EXPECT_STREQ(T0, b.targets[0].target);
	EXPECT_STREQ("u", b.targets[0].username);
	EXPECT_STREQ("pw-0123456789", b.targets[0].password);
	EXPECT_STREQ("t", b.targets[0].username_in);
	EXPECT_STREQ("tpw-0123456789", b.targets[0].password_in);

	/* the defaults do not override a path's own credentials */
	ASSERT_EQ(0, parse("netroot=iscsi:a:b@192.0.2.1::::" T0 " netroot=iscsi:192.0.2.1::::" T1
			   " rd.iscsi.username=u rd.iscsi.password=p", &b, &err));
	ASSERT_EQ(2, b.ntargets);
	EXPECT_STREQ("a", b.targets[0].username);
	EXPECT_STREQ("b", b.targets[0].password);
	EXPECT_STREQ("u", b.targets[1].username);
	EXPECT_STREQ("p", b.targets[1].password);
}

TEST(firmware_and_flags)
{
	struct kiscsi_boot_cmdline b;
	struct kiscsi_error err;

	ASSERT_EQ(0, parse("root=/dev/sda1 netroot=iscsi rd.iscsi.firmware=1 rd.iscsi.ibft "
			   "rd.iscsi.mp=1 rd.iscsi.waitnet=0 rd.iscsi.testroute=0 "
			   "rd.iscsi.login_retry_max=5", &b, &err)) TH_LOG("%s", err.msg);
	EXPECT_TRUE(b.firmware);
	EXPECT_TRUE(b.ibft_net);
	EXPECT_TRUE(b.mp);
	EXPECT_FALSE(b.waitnet);
	EXPECT_FALSE(b.testroute);
	EXPECT_EQ(5, b.login_retry_max);
	EXPECT_EQ(0, b.ntargets);

	/* bare rd.iscsi.firmware, and the legacy iscsi_firmware */
	ASSERT_EQ(0, parse("rd.iscsi.firmware", &b, &err));
	EXPECT_TRUE(b.firmware);
	ASSERT_EQ(0, parse("iscsi_firmware iscsi_initiator=iqn.2024-01.x:old", &b, &err));
	EXPECT_TRUE(b.firmware);
	EXPECT_STREQ("iqn.2024-01.x:old", b.initiator);
}

TEST(legacy_iscsiroot)
{
	struct kiscsi_boot_cmdline b;
	struct kiscsi_error err;

	ASSERT_EQ(0, parse("iscsiroot=192.0.2.3::3260::" T0, &b, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(1, b.ntargets);
	EXPECT_STREQ("192.0.2.3", b.targets[0].server);
	EXPECT_STREQ(T0, b.targets[0].target);
}

TEST(params)
{
	struct kiscsi_boot_cmdline b;
	struct kiscsi_error err;

	ASSERT_EQ(0, parse("netroot=iscsi:192.0.2.1::::" T0
			   " rd.iscsi.param=node.session.timeo.replacement_timeout=30"
			   " rd.iscsi.param=node.conn[0].timeo.noop_out_interval=2"
			   " rd.iscsi.param=node.conn[0].timeo.noop_out_timeout=3"
			   " rd.iscsi.param=node.conn[0].iscsi.HeaderDigest=CRC32C,None"
			   " rd.iscsi.param=node.session.queue_depth=64"
			   " rd.iscsi.param=node.session.initial_login_retry_max=8",
			   &b, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(30, b.settings.num[KS_RECOVERY_TIMEOUT]);
	EXPECT_EQ(2, b.settings.num[KS_NOP_INTERVAL]);
	EXPECT_EQ(3, b.settings.num[KS_NOP_TIMEOUT]);
	EXPECT_EQ(64, b.settings.num[KS_QUEUE_DEPTH]);
	EXPECT_TRUE(kiscsi_setting_is_set(&b.settings, KS_HEADER_DIGEST));
	EXPECT_EQ(8, b.login_retry_max);
}

TEST(quoted_values)
{
	struct kiscsi_boot_cmdline b;
	struct kiscsi_error err;

	ASSERT_EQ(0, parse("ro \"netroot=iscsi:192.0.2.1::::" T0 "\"  quiet", &b, &err));
	ASSERT_EQ(1, b.ntargets);
	EXPECT_STREQ(T0, b.targets[0].target);
	ASSERT_EQ(0, parse("rd.iscsi.target.name=\"" T1 "\" rd.iscsi.target.ip=192.0.2.2", &b, &err));
	ASSERT_EQ(1, b.ntargets);
	EXPECT_STREQ(T1, b.targets[0].target);
}

TEST(malformed)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "netroot=iscsi:192.0.2.1::port::" T0, "netroot: iSCSI root path: port 'port'" },
		{ "root=iscsi:192.0.2.1::::", "root: iSCSI root path: no target name" },
		{ "rd.iscsi.param=node.session.scan=manual netroot=iscsi:192.0.2.1::::" T0,
		  "node.session.scan: kiscsi has no equivalent" },
		{ "rd.iscsi.param=node.session.queue_depth=0", "rd.iscsi.param node.session.queue_depth=0" },
		{ "rd.iscsi.param=oops", "expected KEY=VALUE" },
		{ "rd.iscsi.firmware=maybe", "rd.iscsi.firmware: expected 0 or 1" },
		{ "rd.iscsi.login_retry_max=-1", "rd.iscsi.login_retry_max" },
		{ "rd.iscsi.target.ip=192.0.2.1", "given without rd.iscsi.target.name" },
		{ "rd.iscsi.target.name=" T0 " rd.iscsi.target.port=x", "port 'x'" },
		{ "iscsiroot=192.0.2.3::::" T0 " rd.iscsi.firmware=1", "mixing iscsiroot" },
		{ "rd.iscsi.initiator=", "expected an initiator name" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kiscsi_boot_cmdline b;
		struct kiscsi_error err;

		EXPECT_EQ(-KISCSI_E_INVAL, parse(bad[i].line, &b, &err))
			TH_LOG("%s parsed", bad[i].line);
		EXPECT_NE(NULL, strstr(err.msg, bad[i].why))
			TH_LOG("%s: '%s' lacks '%s'", bad[i].line, err.msg, bad[i].why);
		EXPECT_EQ(NULL, strchr(err.msg, '\n'));
		EXPECT_EQ(0x5a, ((unsigned char *)&b)[0]);
	}
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0-or-later
/* Portal strings and status words. */
#include <string.h>

#include "kselftest_harness.h"
#include "libkiscsi.h"

TEST(host_only)
{
	struct kiscsi_portal p;

	ASSERT_EQ(0, kiscsi_portal_parse("127.0.0.1", &p, NULL));
	ASSERT_STREQ("127.0.0.1", p.host);
	ASSERT_EQ(3260, p.port);
	ASSERT_EQ(0, kiscsi_portal_parse("san-1.example.com", &p, NULL));
	ASSERT_STREQ("san-1.example.com", p.host);
}

TEST(host_port)
{
	struct kiscsi_portal p;

	ASSERT_EQ(0, kiscsi_portal_parse("10.0.0.1:3261", &p, NULL));
	ASSERT_STREQ("10.0.0.1", p.host);
	ASSERT_EQ(3261, p.port);
	ASSERT_EQ(0, kiscsi_portal_parse("h:65535", &p, NULL));
	ASSERT_EQ(65535, p.port);
}

TEST(ipv6)
{
	struct kiscsi_portal p;

	ASSERT_EQ(0, kiscsi_portal_parse("[::1]", &p, NULL));
	ASSERT_STREQ("::1", p.host);
	ASSERT_EQ(3260, p.port);
	ASSERT_EQ(0, kiscsi_portal_parse("[fe80::1%eth0]:860", &p, NULL));
	ASSERT_STREQ("fe80::1%eth0", p.host);
	ASSERT_EQ(860, p.port);
	/* bare IPv6: no port possible */
	ASSERT_EQ(0, kiscsi_portal_parse("2001:db8::5", &p, NULL));
	ASSERT_STREQ("2001:db8::5", p.host);
	ASSERT_EQ(3260, p.port);
}

TEST(bad)
{
	static const char *const bad[] = {
		"", ":3260", "host:", "host:0", "host:65536", "host:12a",
		"[::1", "[::1]x", "[::1]:", "[]", "[host]", "bad host",
		"host:-1", "a/b", "[::1]:99999",
	};
	struct kiscsi_error err;
	struct kiscsi_portal p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.code = 0;
		EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_portal_parse(bad[i], &p, &err))
			TH_LOG("accepted '%s'", bad[i]);
		EXPECT_EQ(KISCSI_E_INVAL, err.code);
	}
	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_portal_parse(NULL, &p, &err));
}

TEST(format)
{
	char b[64];

	kiscsi_portal_format("::1", 3260, b, sizeof(b));
	ASSERT_STREQ("[::1]:3260", b);
	kiscsi_portal_format("10.1.2.3", 860, b, sizeof(b));
	ASSERT_STREQ("10.1.2.3:860", b);
}

TEST(status_words)
{
	ASSERT_STREQ("target not found", kiscsi_login_status_str(2, 3));
	ASSERT_STREQ("authentication failure", kiscsi_login_status_str(2, 1));
	ASSERT_STREQ("authorization failure", kiscsi_login_status_str(2, 2));
	ASSERT_STREQ("target moved temporarily", kiscsi_login_status_str(1, 1));
	ASSERT_STREQ("target moved permanently", kiscsi_login_status_str(1, 2));
	ASSERT_STREQ("session does not exist", kiscsi_login_status_str(2, 0x0a));
	ASSERT_STREQ("service unavailable", kiscsi_login_status_str(3, 1));
	ASSERT_STREQ("out of resources", kiscsi_login_status_str(3, 2));
	ASSERT_STREQ("initiator error (unknown detail)",
		     kiscsi_login_status_str(2, 0x77));
	ASSERT_STREQ("unknown status class", kiscsi_login_status_str(9, 0));
}

TEST_HARNESS_MAIN

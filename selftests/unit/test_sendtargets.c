// SPDX-License-Identifier: GPL-2.0-or-later
/* SendTargets answers. */
#include <string.h>

#include "kselftest_harness.h"
#include "sendtargets.h"

#define T(s) s, sizeof(s) - 1

static int parse(const char *txt, size_t len, struct kiscsi_target_list *l,
		 char *e)
{
	struct kiscsi_kvlist kv;
	int r;

	if (kiscsi_text_parse(txt, len, &kv, e, 128))
		return -2;
	r = kiscsi_sendtargets_parse(&kv, l, e, 128);
	kiscsi_kvlist_free(&kv);
	return r;
}

TEST(several_targets)
{
	struct kiscsi_target_list l;
	char e[128];

	ASSERT_EQ(0, parse(T("TargetName=iqn.2024-01.org.x:a\0"
			     "TargetAddress=10.0.0.1:3260,1\0"
			     "TargetAddress=[fd00::1]:3261,2\0"
			     "TargetAlias=disk a\0"
			     "TargetName=iqn.2024-01.org.x:b\0"
			     "TargetAddress=san.example.com,7\0"
			     "TargetName=iqn.2024-01.org.x:c\0"), &l, e));
	ASSERT_EQ(3u, l.ntargets);
	ASSERT_STREQ("iqn.2024-01.org.x:a", l.targets[0].name);
	ASSERT_EQ(2u, l.targets[0].nportals);
	ASSERT_STREQ("10.0.0.1", l.targets[0].portals[0].addr);
	ASSERT_EQ(3260, l.targets[0].portals[0].port);
	ASSERT_EQ(1, l.targets[0].portals[0].tpgt);
	ASSERT_STREQ("fd00::1", l.targets[0].portals[1].addr);
	ASSERT_EQ(3261, l.targets[0].portals[1].port);
	ASSERT_EQ(2, l.targets[0].portals[1].tpgt);
	ASSERT_EQ(1u, l.targets[1].nportals);
	ASSERT_STREQ("san.example.com", l.targets[1].portals[0].addr);
	ASSERT_EQ(3260, l.targets[1].portals[0].port);
	ASSERT_EQ(7, l.targets[1].portals[0].tpgt);
	ASSERT_EQ(0u, l.targets[2].nportals);
	kiscsi_target_list_free(&l);
	ASSERT_EQ(0u, l.ntargets);
}

TEST(empty_answer)
{
	struct kiscsi_target_list l;
	char e[128];

	ASSERT_EQ(0, parse("", 0, &l, e));
	ASSERT_EQ(0u, l.ntargets);
}

TEST(address_without_target)
{
	struct kiscsi_target_list l;
	char e[128] = "";

	ASSERT_EQ(-1, parse(T("TargetAddress=10.0.0.1:3260,1\0"), &l, e));
	ASSERT_NE(NULL, strstr(e, "before"));
}

TEST(bad_addresses)
{
	struct kiscsi_target_portal tp;

	ASSERT_EQ(0, kiscsi_target_address_parse("[::1]:3260,1", &tp));
	ASSERT_EQ(0, kiscsi_target_address_parse("1.2.3.4", &tp));
	ASSERT_EQ(-1, tp.tpgt);
	ASSERT_EQ(3260, tp.port);
	ASSERT_EQ(-1, kiscsi_target_address_parse("1.2.3.4:3260,65536", &tp));
	ASSERT_EQ(-1, kiscsi_target_address_parse("1.2.3.4:3260,x", &tp));
	ASSERT_EQ(-1, kiscsi_target_address_parse("1.2.3.4:0,1", &tp));
	ASSERT_EQ(-1, kiscsi_target_address_parse("[::1:3260,1", &tp));
	ASSERT_EQ(-1, kiscsi_target_address_parse(",1", &tp));
}

TEST(control_characters_in_name)
{
	struct kiscsi_target_list l;
	char e[128];

	ASSERT_EQ(-1, parse(T("TargetName=iqn.2024-01.org.x:\x1b[2Ja\0"), &l, e));
	ASSERT_NE(NULL, strstr(e, "invalid TargetName"));
	ASSERT_EQ(-1, parse(T("TargetName=iqn.2024-01.org.x:a\nb\0"), &l, e));
	ASSERT_EQ(0u, l.ntargets);
}

TEST(rejected)
{
	struct kiscsi_target_list l;
	char e[128];

	ASSERT_EQ(-1, parse(T("SendTargets=Reject\0"), &l, e));
}

TEST_HARNESS_MAIN

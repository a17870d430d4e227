// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From a boot source to a login's options: a command line's root path
 * (its credentials, else the node record's secrets, as 'kiscsi bootargs'
 * leaves them; rd.iscsi.initiator, rd.iscsi.param, the netdev to bind,
 * rd.iscsi.login_retry_max) and an iBFT target (portal, the firmware's
 * initiator name and CHAP, the boot names; a NIC that is not there is
 * named with the fix).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "bootcmdline.h"
#include "ibft.h"
#include "node.h"

#pragma GCC diagnostic ignored "-Wclobbered"

#define T "iqn.2024-01.org.kiscsi.test:root"

FIXTURE(cfg) {
	char dir[64];
	struct kiscsi_boot_cmdline b;
	struct kiscsi_portal p;
	char target[KISCSI_NAME_MAX + 1];
	struct kiscsi_opts o;
	struct kiscsi_error err;
};

FIXTURE_SETUP(cfg)
{
	strcpy(self->dir, "/tmp/kiscsi-bootlogin-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	setenv("KISCSI_CONFIG_DIR", self->dir, 1);
	kiscsi_opts_init(&self->o);
	memset(&self->err, 0, sizeof(self->err));
}

FIXTURE_TEARDOWN(cfg)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		abort();
	unsetenv("KISCSI_CONFIG_DIR");
}

static int opts_of(FIXTURE_DATA(cfg) *self, const char *line)
{
	int r = kiscsi_boot_cmdline_parse(line, &self->b, &self->err);

	if (r)
		return r;
	return kiscsi_boot_login_opts(&self->b, 0, &self->p, self->target,
				      &self->o, &self->err);
}

TEST_F(cfg, path_credentials_and_settings)
{
	ASSERT_EQ(0, opts_of(self, "rd.iscsi.initiator=iqn.2024-01.org.kiscsi.test:i1 "
			     "netroot=iscsi:u1:secret-0000001@192.0.2.10::3261:eth1:eth1:2:" T " "
			     "rd.iscsi.login_retry_max=7 "
			     "rd.iscsi.param=node.session.queue_depth=32"))
		TH_LOG("%s", self->err.msg);
	EXPECT_STREQ("192.0.2.10", self->p.host);
	EXPECT_EQ(3261, self->p.port);
	EXPECT_STREQ(T, self->target);
	EXPECT_STREQ("iqn.2024-01.org.kiscsi.test:i1", self->o.initiator_name);
	EXPECT_STREQ("eth1", self->o.iface);
	EXPECT_EQ(7, self->o.retries);
	EXPECT_EQ(32, self->o.queue_depth);
	EXPECT_STREQ("u1", self->o.chap.username);
	EXPECT_STREQ("secret-0000001", self->o.chap.password);
	EXPECT_STREQ("", self->o.boot.root);
}

TEST_F(cfg, node_record_secrets)
{
	struct kiscsi_portal p = { "192.0.2.10", 3260 };
	struct kiscsi_node n;

	/* no record: no CHAP */
	ASSERT_EQ(0, opts_of(self, "netroot=iscsi:192.0.2.10::::" T)) TH_LOG("%s", self->err.msg);
	EXPECT_STREQ("", self->o.chap.username);
	EXPECT_STREQ("", self->o.initiator_name);
	EXPECT_EQ(3260, self->p.port);

	kiscsi_node_init(&n, T, &p);
	strcpy(n.username, "rec-user");
	strcpy(n.password, "rec-secret-001");
	strcpy(n.username_in, "rec-target");
	strcpy(n.password_in, "rec-secret-002");
	ASSERT_EQ(0, kiscsi_node_save(&n, &self->err)) TH_LOG("%s", self->err.msg);
	kiscsi_opts_init(&self->o);
	ASSERT_EQ(0, opts_of(self, "netroot=iscsi:192.0.2.10::::" T)) TH_LOG("%s", self->err.msg);
	EXPECT_STREQ("rec-user", self->o.chap.username);
	EXPECT_STREQ("rec-secret-001", self->o.chap.password);
	EXPECT_STREQ("rec-target", self->o.chap.username_in);
	EXPECT_STREQ("rec-secret-002", self->o.chap.password_in);

	/* credentials on the line win over the record */
	kiscsi_opts_init(&self->o);
	ASSERT_EQ(0, opts_of(self, "rd.iscsi.username=line-user rd.iscsi.password=line-secret-01 "
			     "netroot=iscsi:192.0.2.10::::" T)) TH_LOG("%s", self->err.msg);
	EXPECT_STREQ("line-user", self->o.chap.username);
	EXPECT_STREQ("", self->o.chap.username_in);
}

TEST_F(cfg, refusals)
{
	EXPECT_EQ(-KISCSI_E_INVAL, opts_of(self, "netroot=iscsi:::::" T));
	EXPECT_NE(NULL, strstr(self->err.msg, "names no server")) TH_LOG("%s", self->err.msg);
	/* the same secret both ways: refused before anything is sent */
	EXPECT_EQ(-KISCSI_E_INVAL,
		  opts_of(self, "netroot=iscsi:u:same-secret-01:t:same-secret-01@192.0.2.10::::" T));
}

static void ibft_sample(struct kiscsi_ibft *t)
{
	static const uint8_t mac[6] = { 0x02, 0x6b, 0x69, 0x73, 0x63, 0x73 };

	memset(t, 0, sizeof(*t));
	t->initiator.present = true;
	strcpy(t->initiator.name, "iqn.2024-01.org.kiscsi.test:fw");
	t->nic[0].present = true;
	t->nic[0].index = 0;
	memcpy(t->nic[0].mac, mac, 6);
	t->target[0].present = true;
	t->target[0].flags = KISCSI_IBFT_VALID | KISCSI_IBFT_BOOT;
	strcpy(t->target[0].ip_addr, "192.0.2.10");
	t->target[0].chap_type = 2;
	strcpy(t->target[0].name, T);
	strcpy(t->target[0].chap_name, "fw-user");
	strcpy(t->target[0].chap_secret, "fw-secret-0001");
	strcpy(t->target[0].rev_chap_name, "fw-target");
	strcpy(t->target[0].rev_chap_secret, "fw-secret-0002");
}

TEST(ibft_target)
{
	char target[KISCSI_NAME_MAX + 1];
	struct kiscsi_error err = { 0 };
	struct kiscsi_portal p;
	struct kiscsi_opts o;
	struct kiscsi_ibft t;

	ibft_sample(&t);
	kiscsi_opts_init(&o);
	/* no interface on this machine has that MAC: one line with the fix */
	EXPECT_EQ(-KISCSI_E_UNREACHABLE, kiscsi_ibft_login_opts(&t, 0, &p, target, &o, &err));
	EXPECT_NE(NULL, strstr(err.msg, "run 'kiscsi fw netup' first")) TH_LOG("%s", err.msg);
	EXPECT_NE(NULL, strstr(err.msg, "02:6b:69:73:63:73")) TH_LOG("%s", err.msg);
	/* what it filled before it looked for the NIC */
	EXPECT_STREQ("192.0.2.10", p.host);
	EXPECT_EQ(3260, p.port);
	EXPECT_STREQ(T, target);
	EXPECT_STREQ("iqn.2024-01.org.kiscsi.test:fw", o.initiator_name);
	EXPECT_STREQ("ibft", o.boot.root);
	EXPECT_STREQ("ethernet0", o.boot.nic);
	EXPECT_STREQ("target0", o.boot.target);
	EXPECT_STREQ("fw-target", o.chap.username_in);

	/* a target naming a NIC the table lacks */
	t.target[0].nic_assoc = 1;
	EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_ibft_login_opts(&t, 0, &p, target, &o, &err));
	EXPECT_NE(NULL, strstr(err.msg, "names ethernet1, which the table lacks"));
	/* an unknown CHAP type */
	t.target[0].nic_assoc = 0;
	t.target[0].chap_type = 3;
	EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_ibft_login_opts(&t, 0, &p, target, &o, &err));
	EXPECT_NE(NULL, strstr(err.msg, "unknown CHAP type 3"));
}

TEST_HARNESS_MAIN

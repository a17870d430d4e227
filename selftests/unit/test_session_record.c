// SPDX-License-Identifier: GPL-2.0-or-later
/* Relogin records: every field survives save and load, root-only files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "session_record.h"

#pragma GCC diagnostic ignored "-Wclobbered"

static void full_record(struct kiscsi_session_record *r)
{
	struct kiscsi_opts *o = &r->opts;

	memset(r, 0, sizeof(*r));
	kiscsi_opts_init(o);
	r->session_id = 42;
	strcpy(r->target, "iqn.2024-01.org.kiscsi.test:record");
	strcpy(r->portal.host, "2001:db8::7");
	r->portal.port = 3261;
	strcpy(r->id.name, "iqn.2024-01.org.kiscsi.test:initiator");
	memcpy(r->id.isid, "\x80\x12\x34\x56\x00\x03", 6);
	o->connect_timeout_ms = 7000;
	o->login_timeout_ms = 3000;
	o->queue_depth = 64;
	o->recovery_tmo = 10;
	o->nop_interval = 1;
	o->nop_timeout = 2;
	o->header_digest = 1;
	o->data_digest = 1;
	o->tmf_timeout = 15;
	o->max_redirects = 2;
	o->scsi_timeout = 90;
	strcpy(o->iface, "veth-a0");
	strcpy(o->source, "fe80::1%lo");
	o->chap.algs[0] = 8;
	o->chap.algs[1] = 5;
	o->chap.nalgs = 2;
	/* what a line-based file must not be fooled by */
	strcpy(o->chap.username, "user=with\nnewline");
	strcpy(o->chap.password, "secret #1 = ok\r\n");
	strcpy(o->chap.username_in, "target");
	strcpy(o->chap.password_in, "0x41424344 is text");
}

FIXTURE(rundir) {
	char dir[64];
};

FIXTURE_SETUP(rundir)
{
	strcpy(self->dir, "/tmp/kiscsi-record-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	setenv("KISCSI_RUN_DIR", self->dir, 1);
}

FIXTURE_TEARDOWN(rundir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

TEST_F(rundir, save_load_remove)
{
	struct kiscsi_session_record a, b;
	struct kiscsi_error err;
	char path[128];
	struct stat st;
	FILE *f;
	char line[512];

	full_record(&a);
	ASSERT_EQ(0, kiscsi_session_record_save(&a, &err)) TH_LOG("%s", err.msg);
	snprintf(path, sizeof(path), "%s/sessions/42", self->dir);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	snprintf(path, sizeof(path), "%s/sessions", self->dir);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0700, st.st_mode & 0777);

	/* no secret in clear text */
	snprintf(path, sizeof(path), "%s/sessions/42", self->dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		EXPECT_EQ(NULL, strstr(line, "secret"));
	fclose(f);

	ASSERT_EQ(0, kiscsi_session_record_load(42, &b, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));

	kiscsi_session_record_remove(42);
	EXPECT_EQ(-KISCSI_E_NOSESSION, kiscsi_session_record_load(42, &b, &err));
}

TEST_F(rundir, other_session_refused)
{
	struct kiscsi_session_record a, b;
	struct kiscsi_error err;
	char from[128], to[128];

	full_record(&a);
	ASSERT_EQ(0, kiscsi_session_record_save(&a, &err));
	snprintf(from, sizeof(from), "%s/sessions/42", self->dir);
	snprintf(to, sizeof(to), "%s/sessions/43", self->dir);
	ASSERT_EQ(0, rename(from, to));
	EXPECT_GT(0, kiscsi_session_record_load(43, &b, &err));
	EXPECT_NE(NULL, strstr(err.msg, "names session 42")) TH_LOG("%s", err.msg);
}

TEST(parse_errors)
{
	struct kiscsi_session_record r;
	struct kiscsi_error err;

	EXPECT_GT(0, kiscsi_session_record_parse("session=1\ntarget=t\n", "x",
						 &r, &err));
	EXPECT_NE(NULL, strstr(err.msg, "incomplete"));
	EXPECT_GT(0, kiscsi_session_record_parse("session=1\nportal_port=70000\n",
						 "x", &r, &err));
	EXPECT_NE(NULL, strstr(err.msg, "line 2: bad value for portal_port"));
	EXPECT_GT(0, kiscsi_session_record_parse("no equals sign\n", "x", &r,
						 &err));
	EXPECT_GT(0, kiscsi_session_record_parse("password=not-hex\n", "x", &r,
						 &err));
}

TEST_HARNESS_MAIN

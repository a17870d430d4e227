// SPDX-License-Identifier: GPL-2.0-or-later
/* Initiator name and ISID files, in a temporary KISCSI_CONFIG_DIR. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "identity.h"
#include "isid.h"
#include "kselftest_harness.h"

FIXTURE(cfg) {
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(cfg)
{
	strcpy(self->dir, "/tmp/kiscsi-unit-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/etc-kiscsi", self->dir);
	setenv("KISCSI_CONFIG_DIR", self->path, 1);
	/* an open-iscsi file that does not exist */
	setenv("KISCSI_INITIATORNAME_FILE", "/nonexistent/initiatorname", 1);
}

FIXTURE_TEARDOWN(cfg)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

TEST_F(cfg, created_once)
{
	struct kiscsi_identity a, b;
	struct kiscsi_error err;
	char p[192], content[512];
	struct stat st;

	ASSERT_EQ(0, kiscsi_identity_load(&a, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, strncmp(a.name, "iqn.2005-03.org.kiscsi:", 23));
	ASSERT_TRUE(kiscsi_name_valid(a.name));
	ASSERT_EQ(0x80, a.isid[0]);	/* random format, not OUI 00023d */
	ASSERT_EQ(0, a.isid[4]);
	ASSERT_EQ(0, a.isid[5]);

	snprintf(p, sizeof(p), "%s/initiatorname.iscsi", self->path);
	ASSERT_EQ(0, stat(p, &st));
	ASSERT_EQ(0644, st.st_mode & 0777);
	slurp(p, content, sizeof(content));
	ASSERT_NE(NULL, strstr(content, a.name));
	snprintf(p, sizeof(p), "%s/isid", self->path);
	ASSERT_EQ(0, stat(p, &st));
	ASSERT_EQ(13, st.st_size);

	/* second load: same identity, nothing regenerated */
	ASSERT_EQ(0, kiscsi_identity_load(&b, &err));
	ASSERT_STREQ(a.name, b.name);
	ASSERT_EQ(0, memcmp(a.isid, b.isid, 6));
}

TEST_F(cfg, open_iscsi_name_wins)
{
	struct kiscsi_identity id;
	struct kiscsi_error err;
	char p[192];
	FILE *f;

	snprintf(p, sizeof(p), "%s/initiatorname.iscsi", self->dir);
	f = fopen(p, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "## comment\n# InitiatorName=iqn.wrong:one\n"
		   "InitiatorName=iqn.1993-08.org.debian:01:abcdef\n");
	fclose(f);
	setenv("KISCSI_INITIATORNAME_FILE", p, 1);
	ASSERT_EQ(0, kiscsi_identity_load(&id, &err));
	ASSERT_STREQ("iqn.1993-08.org.debian:01:abcdef", id.name);
	/* and kiscsi's own name file was not created */
	snprintf(p, sizeof(p), "%s/initiatorname.iscsi", self->path);
	ASSERT_NE(0, access(p, F_OK));
}

TEST_F(cfg, open_iscsi_template_ignored)
{
	struct kiscsi_identity id;
	struct kiscsi_error err;
	char p[192];
	FILE *f;

	snprintf(p, sizeof(p), "%s/initiatorname.iscsi", self->dir);
	f = fopen(p, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "GenerateName=yes\n");
	fclose(f);
	setenv("KISCSI_INITIATORNAME_FILE", p, 1);
	ASSERT_EQ(0, kiscsi_identity_load(&id, &err));
	ASSERT_EQ(0, strncmp(id.name, "iqn.2005-03.org.kiscsi:", 23));
}

TEST_F(cfg, existing_files_kept)
{
	struct kiscsi_identity id;
	struct kiscsi_error err;
	char p[192];
	FILE *f;

	ASSERT_EQ(0, mkdir(self->path, 0755));
	snprintf(p, sizeof(p), "%s/initiatorname.iscsi", self->path);
	f = fopen(p, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "  InitiatorName = iqn.2024-01.org.test:host1  \n");
	fclose(f);
	snprintf(p, sizeof(p), "%s/isid", self->path);
	f = fopen(p, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "80aabbcc0001\n");
	fclose(f);
	ASSERT_EQ(0, kiscsi_identity_load(&id, &err)) TH_LOG("%s", err.msg);
	ASSERT_STREQ("iqn.2024-01.org.test:host1", id.name);
	ASSERT_EQ(0x80, id.isid[0]);
	ASSERT_EQ(0xcc, id.isid[3]);
	ASSERT_EQ(0x01, id.isid[5]);
}

TEST_F(cfg, corrupt_isid_reported)
{
	struct kiscsi_identity id;
	struct kiscsi_error err;
	char p[192];
	FILE *f;

	ASSERT_EQ(0, mkdir(self->path, 0755));
	snprintf(p, sizeof(p), "%s/isid", self->path);
	f = fopen(p, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "xyz\n");
	fclose(f);
	ASSERT_EQ(-KISCSI_E_GENERIC, kiscsi_identity_load(&id, &err));
	ASSERT_NE(NULL, strstr(err.msg, "isid"));
}

TEST(isid_parse)
{
	uint8_t isid[6];

	ASSERT_EQ(0, kiscsi_isid_parse("80123456abcd", isid));
	ASSERT_EQ(0xab, isid[4]);
	ASSERT_EQ(0, kiscsi_isid_parse("80123456abcd\n", isid));
	ASSERT_EQ(-1, kiscsi_isid_parse("80123456abc", isid));
	ASSERT_EQ(-1, kiscsi_isid_parse("80123456abcde", isid));
	ASSERT_EQ(-1, kiscsi_isid_parse("80123456abcg", isid));
}

TEST(make_name)
{
	const uint8_t rnd[6] = { 1, 2, 3, 4, 5, 0xff };
	char n[224];

	kiscsi_make_initiatorname(n, sizeof(n), "My_Host.example.com", rnd);
	ASSERT_STREQ("iqn.2005-03.org.kiscsi:myhost-0102030405ff", n);
	kiscsi_make_initiatorname(n, sizeof(n), "", rnd);
	ASSERT_STREQ("iqn.2005-03.org.kiscsi:host-0102030405ff", n);
	ASSERT_TRUE(kiscsi_name_valid(n));
	ASSERT_FALSE(kiscsi_name_valid("foo.bar"));
	ASSERT_FALSE(kiscsi_name_valid("iqn.has space"));
}

static void portal(struct kiscsi_portal *p, const char *host, uint16_t port)
{
	snprintf(p->host, sizeof(p->host), "%s", host);
	p->port = port;
}

TEST(session_key_spelling)
{
	struct kiscsi_portal p;
	char k[128];

	portal(&p, "127.000.0.2", 3260);
	/* inet_pton rejects leading zeros: kept as written, lowercased */
	ASSERT_EQ(0, kiscsi_session_key(&p, "", "", k, sizeof(k)));
	ASSERT_STREQ("127.000.0.2,3260", k);
	portal(&p, "FE80:0:0::1", 3261);
	ASSERT_EQ(0, kiscsi_session_key(&p, "eth1", "", k, sizeof(k)));
	ASSERT_STREQ("fe80::1,3261,iface=eth1", k);
	portal(&p, "Target.Example", 3260);
	ASSERT_EQ(0, kiscsi_session_key(&p, NULL, "10.0.0.1", k, sizeof(k)));
	ASSERT_STREQ("target.example,3260,source=10.0.0.1", k);
	ASSERT_EQ(-1, kiscsi_session_key(&p, "", "", k, 8));
}

static int qualifier(const char *target, const char *key)
{
	struct kiscsi_identity id;
	struct kiscsi_error err;

	memset(&id, 0, sizeof(id));
	if (kiscsi_isid_assign(&id, target, key, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return id.isid[4] << 8 | id.isid[5];
}

TEST_F(cfg, isid_per_session_key)
{
	const char *t = "iqn.2024-01.org.example:disk/1";
	char p[256], text[256];

	/* first key of a target: 0, the ISID of every session before */
	ASSERT_EQ(0, qualifier(t, "127.0.0.1,3260"));
	ASSERT_EQ(1, qualifier(t, "127.0.0.2,3260"));
	ASSERT_EQ(2, qualifier(t, "127.0.0.1,3260,iface=eth1"));
	/* the same key keeps its qualifier; another target starts at 0 */
	ASSERT_EQ(1, qualifier(t, "127.0.0.2,3260"));
	ASSERT_EQ(0, qualifier("iqn.2024-01.org.example:other",
			       "127.0.0.2,3260"));
	snprintf(p, sizeof(p), "%s/isids/iqn.2024-01.org.example:disk%%2F1",
		 self->path);
	slurp(p, text, sizeof(text));
	ASSERT_STREQ("0000 127.0.0.1,3260\n0001 127.0.0.2,3260\n"
		     "0002 127.0.0.1,3260,iface=eth1\n", text);
}

TEST_F(cfg, isid_lowest_free_and_bad_store)
{
	const char *t = "iqn.2024-01.org.example:gap";
	struct kiscsi_identity id;
	struct kiscsi_error err;
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/isids", self->path);
	ASSERT_EQ(0, mkdir(self->path, 0755));
	ASSERT_EQ(0, mkdir(p, 0755));
	snprintf(p, sizeof(p), "%s/isids/%s", self->path, t);
	f = fopen(p, "w");
	ASSERT_NE(NULL, f);
	fputs("0000 a,3260\n0002 b,3260", f);	/* no final newline */
	fclose(f);
	ASSERT_EQ(1, qualifier(t, "c,3260"));
	ASSERT_EQ(3, qualifier(t, "d,3260"));
	ASSERT_EQ(2, qualifier(t, "b,3260"));

	f = fopen(p, "a");
	ASSERT_NE(NULL, f);
	fputs("12 short\n", f);
	fclose(f);
	memset(&id, 0, sizeof(id));
	ASSERT_EQ(-KISCSI_E_GENERIC, kiscsi_isid_assign(&id, t, "e,3260", &err));
	ASSERT_NE(NULL, strstr(err.msg, "line 5"));
	ASSERT_NE(NULL, strstr(err.msg, "QQQQ KEY"));
}

/* Try to take the one lock file in dir as another process would. */
static int try_lock_file_in(const char *dir)
{
	struct dirent *e;
	char p[512] = "";
	DIR *d = opendir(dir);
	int fd, r;

	if (!d)
		return -2;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "login-", 6))
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
	closedir(d);
	fd = open(p, O_RDWR);
	if (fd < 0)
		return -2;
	r = flock(fd, LOCK_EX | LOCK_NB);
	close(fd);
	return r;
}

TEST_F(cfg, nexus_lock_excludes)
{
	struct kiscsi_identity id = { .name = "iqn.x:y" };
	struct kiscsi_error err;
	char run[128];
	int a;

	snprintf(run, sizeof(run), "%s/run", self->dir);
	setenv("KISCSI_RUN_DIR", run, 1);
	a = kiscsi_nexus_lock(&id, "iqn.t", &err);
	ASSERT_LE(0, a) TH_LOG("%s", err.msg);
	ASSERT_EQ(-1, try_lock_file_in(run));
	close(a);
	ASSERT_EQ(0, try_lock_file_in(run));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0-or-later
/* Node records: text format, secrets, atomic files, the store. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kiscsi.h>

#include "kselftest_harness.h"
#include "node.h"

/* the harness's setjmp around these large fixtures trips -Wclobbered */
#pragma GCC diagnostic ignored "-Wclobbered"

#define IQN "iqn.2024-01.org.kiscsi.test:disk1"

static void portal(struct kiscsi_portal *p, const char *s)
{
	if (kiscsi_portal_parse(s, p, NULL))
		abort();
}

static void full_node(struct kiscsi_node *n)
{
	struct kiscsi_portal p;
	char why[256];
	static const char *const vals[KS_NSETTINGS] = {
		[KS_QUEUE_DEPTH] = "64", [KS_SCSI_TIMEOUT] = "90",
		[KS_TMF_TIMEOUT] = "15", [KS_NOP_INTERVAL] = "5",
		[KS_NOP_TIMEOUT] = "10", [KS_RECOVERY_TIMEOUT] = "600",
		[KS_LOGIN_TIMEOUT] = "7", [KS_HEADER_DIGEST] = "crc32c",
		[KS_DATA_DIGEST] = "None", [KS_IFACE] = "veth-a0",
		[KS_SOURCE] = "fe80::1%lo",
		[KS_CHAP_ALGS] = "sha3-256,SHA256,md5",
	};
	int i;

	portal(&p, "[2001:db8::7]:3261");
	kiscsi_node_init(n, IQN, &p);
	n->tpgt = 3;
	n->startup = KISCSI_STARTUP_AUTOMATIC;
	for (i = 0; i < KS_NSETTINGS; i++)
		if (kiscsi_setting_parse(&n->settings, i, vals[i], why,
					 sizeof(why)))
			abort();
}

TEST(roundtrip)
{
	struct kiscsi_node a, b;
	struct kiscsi_error err;
	char buf[4096];
	int len;

	full_node(&a);
	len = kiscsi_node_format(&a, buf, sizeof(buf));
	ASSERT_LT(0, len);
	ASSERT_NE(NULL, strstr(buf, "target=" IQN "\n"));
	ASSERT_NE(NULL, strstr(buf, "portal=[2001:db8::7]:3261\n"));
	ASSERT_NE(NULL, strstr(buf, "startup=automatic\n"));
	ASSERT_NE(NULL, strstr(buf, "header_digest=crc32c\n"));
	ASSERT_NE(NULL, strstr(buf, "data_digest=none\n"));
	ASSERT_NE(NULL, strstr(buf, "source=fe80::1%lo\n"));
	ASSERT_EQ(0, kiscsi_node_parse(buf, "t", &b, &err)) TH_LOG("%s", err.msg);
	ASSERT_STREQ(a.target, b.target);
	ASSERT_STREQ("2001:db8::7", b.portal.host);
	ASSERT_EQ(3261, b.portal.port);
	ASSERT_EQ(3, b.tpgt);
	ASSERT_EQ(KISCSI_STARTUP_AUTOMATIC, b.startup);
	ASSERT_EQ(a.settings.set, b.settings.set);
	ASSERT_EQ(0, memcmp(a.settings.num, b.settings.num, sizeof(a.settings.num)));
	ASSERT_STREQ("veth-a0", b.settings.iface);
	ASSERT_STREQ("fe80::1%lo", b.settings.source);
}

TEST(defaults_and_blanks)
{
	struct kiscsi_node n;
	struct kiscsi_error err;

	ASSERT_EQ(0, kiscsi_node_parse("# c\n\n  target =  " IQN "  \r\n"
				       "\tportal=192.0.2.1\n", "t", &n, &err))
		TH_LOG("%s", err.msg);
	ASSERT_STREQ(IQN, n.target);
	ASSERT_EQ(3260, n.portal.port);
	ASSERT_EQ(-1, n.tpgt);
	ASSERT_EQ(KISCSI_STARTUP_MANUAL, n.startup);
	ASSERT_EQ(0u, n.settings.set);
}

TEST(bad_records)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "target=" IQN "\nportal=h\nbogus\n", "line 3: expected key=value" },
		{ "target=" IQN "\nportal=h\ncolour=blue\n", "line 3: unknown key 'colour'" },
		{ "target=" IQN "\ntarget=" IQN "\nportal=h\n", "line 2: 'target' given twice" },
		{ "target=" IQN "\nportal=h\nqueue_depth=1\nqueue_depth=2\n", "line 4: 'queue_depth' given twice" },
		{ "target=" IQN "\nportal=h\nqueue_depth=0\n", "queue_depth must be 1-1024, not '0'" },
		{ "target=" IQN "\nportal=h\nqueue_depth=12x\n", "queue_depth must be 1-1024" },
		{ "target=" IQN "\nportal=h\nscsi_timeout=-1\n", "scsi_timeout must be" },
		{ "target=" IQN "\nportal=h\nheader_digest=md5\n", "header_digest must be none or crc32c" },
		{ "target=" IQN "\nportal=h\niface=a/b\n", "iface must be an interface name" },
		{ "target=" IQN "\nportal=h\niface=abcdefghijklmnop\n", "iface must be" },
		{ "target=" IQN "\nportal=h\nsource=host.example\n", "source must be a numeric" },
		{ "target=" IQN "\nportal=h\nstartup=boot\n", "startup must be automatic or manual" },
		{ "target=" IQN "\nportal=h\ntpgt=65536\n", "tpgt must be 0-65535" },
		{ "target=" IQN "\nportal=h:0\n", "line 2: bad portal" },
		{ "target=foo\nportal=h\n", "line 1: target 'foo' is not an iSCSI name" },
		{ "portal=h\n", "no target= line" },
		{ "target=" IQN "\n", "no portal= line" },
		{ "target=" IQN "\nportal=h\n=5\n", "line 3: empty key" },
	};
	struct kiscsi_node n;
	struct kiscsi_error err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err.msg[0] = '\0';
		EXPECT_EQ(-KISCSI_E_GENERIC,
			  kiscsi_node_parse(cases[i].text, "/x/y.node", &n, &err))
			TH_LOG("accepted: %s", cases[i].text);
		EXPECT_NE(NULL, strstr(err.msg, cases[i].want))
			TH_LOG("'%s' lacks '%s'", err.msg, cases[i].want);
		EXPECT_EQ(0, strncmp(err.msg, "/x/y.node", 9)) TH_LOG("%s", err.msg);
	}
}

TEST(long_line)
{
	char text[3000];
	struct kiscsi_node n;
	struct kiscsi_error err;

	snprintf(text, sizeof(text), "target=" IQN "\nportal=h\n# %02000d\n", 0);
	ASSERT_EQ(-KISCSI_E_GENERIC, kiscsi_node_parse(text, "f", &n, &err));
	ASSERT_NE(NULL, strstr(err.msg, "line 3: longer than 1024 bytes"));
}

TEST(secrets_text)
{
	struct kiscsi_node n, m;
	struct kiscsi_error err;
	char buf[2048];

	kiscsi_node_init(&n, IQN, NULL);
	ASSERT_EQ(0, kiscsi_node_secrets_parse(
		"# x\nusername=alice\npassword= a=b c \nusername_in=tgt\npassword_in=zzzzzzzzzzzz\n",
		"s", &n, &err)) TH_LOG("%s", err.msg);
	ASSERT_STREQ("alice", n.username);
	ASSERT_STREQ(" a=b c ", n.password);	/* byte for byte */
	ASSERT_STREQ("tgt", n.username_in);
	ASSERT_TRUE(kiscsi_node_has_secrets(&n));
	ASSERT_LT(0, kiscsi_node_secrets_format(&n, buf, sizeof(buf)));
	kiscsi_node_init(&m, IQN, NULL);
	ASSERT_EQ(0, kiscsi_node_secrets_parse(buf, "s", &m, &err));
	ASSERT_STREQ(" a=b c ", m.password);
	ASSERT_STREQ("zzzzzzzzzzzz", m.password_in);

	/* errors never quote a secret */
	ASSERT_EQ(-KISCSI_E_GENERIC,
		  kiscsi_node_secrets_parse("password=topsecret\npassword=topsecret\n",
					    "s", &m, &err));
	ASSERT_NE(NULL, strstr(err.msg, "line 2: 'password' given twice"));
	ASSERT_EQ(NULL, strstr(err.msg, "topsecret"));
	ASSERT_EQ(-KISCSI_E_GENERIC,
		  kiscsi_node_secrets_parse("secret=topsecret\n", "s", &m, &err));
	ASSERT_NE(NULL, strstr(err.msg, "unknown key 'secret'"));
	ASSERT_EQ(-KISCSI_E_GENERIC,
		  kiscsi_node_secrets_parse("password=\n", "s", &m, &err));
	/* a line break in a secret cannot be stored */
	snprintf(n.password, sizeof(n.password), "a\nb");
	ASSERT_EQ(-1, kiscsi_node_secrets_format(&n, buf, sizeof(buf)));
}

TEST(filenames)
{
	struct kiscsi_portal p;
	char name[300];

	portal(&p, "[fe80::1%eth0]:3261");
	ASSERT_EQ(0, kiscsi_node_filename(IQN, &p, NULL, ".node", name, sizeof(name)));
	ASSERT_STREQ(IQN ",fe80::1%25eth0,3261.node", name);
	portal(&p, "san.example.com");
	ASSERT_EQ(0, kiscsi_node_filename("iqn.2024-01.x:a/b,c", &p, NULL, ".secrets",
					  name, sizeof(name)));
	ASSERT_STREQ("iqn.2024-01.x:a%2Fb%2Cc,san.example.com,3260.secrets", name);
}

TEST(filenames_of_bound_records)
{
	struct kiscsi_settings b = { 0 };
	struct kiscsi_portal p;
	char name[300];

	portal(&p, "192.0.2.1");
	ASSERT_EQ(0, kiscsi_node_filename(IQN, &p, &b, ".node", name, sizeof(name)));
	ASSERT_STREQ(IQN ",192.0.2.1,3260.node", name);
	snprintf(b.iface, sizeof(b.iface), "eth1");
	ASSERT_EQ(0, kiscsi_node_filename(IQN, &p, &b, ".node", name, sizeof(name)));
	ASSERT_STREQ(IQN ",192.0.2.1,3260,iface%3Deth1.node", name);
	snprintf(b.source, sizeof(b.source), "10.0.0.2");
	ASSERT_EQ(0, kiscsi_node_filename(IQN, &p, &b, ".secrets", name, sizeof(name)));
	ASSERT_STREQ(IQN ",192.0.2.1,3260,iface%3Deth1,source%3D10.0.0.2.secrets", name);
}

FIXTURE(store) {
	char dir[64];
	char nodes[128];
};

FIXTURE_SETUP(store)
{
	char cfg[96];

	strcpy(self->dir, "/tmp/kiscsi-node-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(cfg, sizeof(cfg), "%s/etc", self->dir);
	snprintf(self->nodes, sizeof(self->nodes), "%s/nodes", cfg);
	setenv("KISCSI_CONFIG_DIR", cfg, 1);
}

FIXTURE_TEARDOWN(store)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static int count_files(const char *dir, const char *prefix)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    !strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

/* The path of a record of target at p, bound as bind says (NULL: not). */
static void path_of(const char *dir, const char *target, const char *p,
		    const struct kiscsi_settings *bind, const char *suffix,
		    char *buf, size_t len)
{
	struct kiscsi_portal pp;
	char name[300];

	portal(&pp, p);
	kiscsi_node_filename(target, &pp, bind, suffix, name, sizeof(name));
	snprintf(buf, len, "%s/%s", dir, name);
}

TEST_F(store, save_load_modes)
{
	struct kiscsi_node n, m;
	struct kiscsi_error err;
	char rec[512], sec[512];
	struct stat st;

	full_node(&n);
	snprintf(n.username, sizeof(n.username), "alice");
	snprintf(n.password, sizeof(n.password), "0123456789abc");
	umask(0);	/* modes must not depend on the caller's umask */
	ASSERT_EQ(0, kiscsi_node_save(&n, &err)) TH_LOG("%s", err.msg);
	umask(022);
	path_of(self->nodes, IQN, "[2001:db8::7]:3261", &n.settings, ".node", rec, sizeof(rec));
	path_of(self->nodes, IQN, "[2001:db8::7]:3261", &n.settings, ".secrets", sec, sizeof(sec));
	ASSERT_EQ(0, stat(rec, &st));
	ASSERT_EQ(0644, st.st_mode & 07777);
	ASSERT_EQ(0, stat(sec, &st));
	ASSERT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, count_files(self->nodes, "."));	/* no temp file left */

	ASSERT_EQ(0, kiscsi_node_load(IQN, &n.portal, &n.settings, &m, &err)) TH_LOG("%s", err.msg);
	ASSERT_STREQ("alice", m.username);
	ASSERT_STREQ("0123456789abc", m.password);
	ASSERT_EQ(n.settings.set, m.settings.set);
	ASSERT_EQ(3, m.tpgt);

	/* no secrets any more: the secrets file goes */
	m.username[0] = m.password[0] = '\0';
	ASSERT_EQ(0, kiscsi_node_save(&m, &err));
	ASSERT_EQ(-1, stat(sec, &st));
	ASSERT_EQ(ENOENT, errno);
}

TEST_F(store, secrets_mode_checked)
{
	struct kiscsi_node n, m;
	struct kiscsi_error err;
	char sec[512];

	full_node(&n);
	snprintf(n.password, sizeof(n.password), "0123456789abc");
	ASSERT_EQ(0, kiscsi_node_save(&n, &err)) TH_LOG("%s", err.msg);
	path_of(self->nodes, IQN, "[2001:db8::7]:3261", &n.settings, ".secrets", sec, sizeof(sec));
	ASSERT_EQ(0, chmod(sec, 0640));
	ASSERT_EQ(-KISCSI_E_GENERIC, kiscsi_node_load(IQN, &n.portal, &n.settings, &m, &err));
	ASSERT_NE(NULL, strstr(err.msg, "readable or writable by other users"));
	ASSERT_NE(NULL, strstr(err.msg, "chmod 600"));
	ASSERT_EQ(NULL, strstr(err.msg, "0123456789abc"));
}

TEST_F(store, replace_is_atomic)
{
	struct kiscsi_node n;
	struct kiscsi_error err;
	char rec[512], blocker[600];
	struct stat a, b;

	full_node(&n);
	ASSERT_EQ(0, kiscsi_node_save(&n, &err));
	path_of(self->nodes, IQN, "[2001:db8::7]:3261", &n.settings, ".node", rec, sizeof(rec));
	ASSERT_EQ(0, stat(rec, &a));
	n.settings.num[KS_QUEUE_DEPTH] = 8;
	ASSERT_EQ(0, kiscsi_node_save(&n, &err));
	ASSERT_EQ(0, stat(rec, &b));
	/* a new file renamed over the old one, not rewritten in place */
	ASSERT_NE(a.st_ino, b.st_ino);

	/* a rename that fails leaves the old state and no temp file */
	ASSERT_EQ(0, kiscsi_write_atomic(self->nodes, "x.node", "old\n", 4, 0644, &err));
	snprintf(blocker, sizeof(blocker), "%s/y.node", self->nodes);
	ASSERT_EQ(0, mkdir(blocker, 0755));
	snprintf(blocker, sizeof(blocker), "%s/y.node/keep", self->nodes);
	ASSERT_EQ(0, mkdir(blocker, 0755));
	ASSERT_EQ(-KISCSI_E_GENERIC,
		  kiscsi_write_atomic(self->nodes, "y.node", "new\n", 4, 0644, &err));
	ASSERT_NE(NULL, strstr(err.msg, "cannot write"));
	ASSERT_EQ(0, count_files(self->nodes, "."));
}

static int nbad;
static char lastbad[512];
static void on_bad(const struct kiscsi_error *e, void *arg)
{
	(void)arg;
	nbad++;
	snprintf(lastbad, sizeof(lastbad), "%s", e->msg);
}

TEST_F(store, list_sorted_skips_bad)
{
	static const char *const targets[] = {
		"iqn.2024-01.org.z:c", "iqn.2024-01.org.a:b", "iqn.2024-01.org.m:x",
	};
	struct kiscsi_node n, *v;
	struct kiscsi_portal p;
	struct kiscsi_error err;
	size_t cnt, i;
	int fd;
	char path[512];

	portal(&p, "192.0.2.1");
	for (i = 0; i < 3; i++) {
		kiscsi_node_init(&n, targets[i], &p);
		ASSERT_EQ(0, kiscsi_node_save(&n, &err));
	}
	/* a broken record, a temp file and an unrelated file */
	ASSERT_EQ(0, kiscsi_write_atomic(self->nodes, "broken.node",
					 "target=" IQN "\nportal=h\nqueue_depth=x\n",
					 40, 0644, &err));
	ASSERT_EQ(0, kiscsi_write_atomic(self->nodes, ".tmp.node.abc", "junk", 4,
					 0644, &err));
	ASSERT_EQ(0, kiscsi_write_atomic(self->nodes, "README", "junk", 4, 0644,
					 &err));
	/* a secrets file nobody else may read, wrong mode: node left out */
	kiscsi_node_init(&n, "iqn.2024-01.org.b:s", &p);
	snprintf(n.password, sizeof(n.password), "zzzzzzzzzzzzz");
	ASSERT_EQ(0, kiscsi_node_save(&n, &err));
	path_of(self->nodes, "iqn.2024-01.org.b:s", "192.0.2.1", NULL, ".secrets",
		path, sizeof(path));
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0604));
	close(fd);

	nbad = 0;
	ASSERT_EQ(0, kiscsi_node_list(&v, &cnt, on_bad, NULL, &err));
	ASSERT_EQ(3u, cnt);
	ASSERT_EQ(2, nbad);
	ASSERT_STREQ("iqn.2024-01.org.a:b", v[0].target);
	ASSERT_STREQ("iqn.2024-01.org.m:x", v[1].target);
	ASSERT_STREQ("iqn.2024-01.org.z:c", v[2].target);
	free(v);

	/* delete: both files; twice is "no such node" */
	ASSERT_EQ(0, kiscsi_node_delete("iqn.2024-01.org.b:s", &p, NULL, &err));
	ASSERT_EQ(-1, access(path, F_OK));
	ASSERT_EQ(-KISCSI_E_NOSESSION, kiscsi_node_delete("iqn.2024-01.org.b:s", &p, NULL, &err));
	ASSERT_NE(NULL, strstr(err.msg, "no node record"));
}

/* One portal, a record per interface: each is its own, by its key. */
TEST_F(store, a_record_per_interface)
{
	struct kiscsi_node a, b, m, *v;
	struct kiscsi_error err;
	size_t cnt;

	kiscsi_node_init(&a, IQN, NULL);
	portal(&a.portal, "192.0.2.1");
	b = a;
	snprintf(b.settings.iface, sizeof(b.settings.iface), "eth1");
	b.settings.set |= 1u << KS_IFACE;
	b.startup = KISCSI_STARTUP_AUTOMATIC;
	ASSERT_EQ(0, kiscsi_node_save(&a, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, kiscsi_node_save(&b, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(2, count_files(self->nodes, IQN));

	ASSERT_EQ(0, kiscsi_node_load(IQN, &a.portal, &b.settings, &m, &err));
	ASSERT_STREQ("eth1", m.settings.iface);
	ASSERT_EQ(KISCSI_STARTUP_AUTOMATIC, m.startup);
	ASSERT_EQ(0, kiscsi_node_load(IQN, &a.portal, NULL, &m, &err));
	ASSERT_STREQ("", m.settings.iface);
	ASSERT_EQ(KISCSI_STARTUP_MANUAL, m.startup);

	ASSERT_EQ(0, kiscsi_node_list(&v, &cnt, NULL, NULL, &err));
	ASSERT_EQ(2u, cnt);
	ASSERT_STREQ("", v[0].settings.iface);	/* unbound first */
	ASSERT_STREQ("eth1", v[1].settings.iface);
	free(v);

	ASSERT_EQ(0, kiscsi_node_delete(IQN, &a.portal, &b.settings, &err));
	ASSERT_EQ(1, count_files(self->nodes, IQN));
	ASSERT_EQ(0, kiscsi_node_load(IQN, &a.portal, NULL, &m, &err));
}

TEST_F(store, no_directory_no_nodes)
{
	struct kiscsi_node *v;
	struct kiscsi_error err;
	struct kiscsi_portal p;
	struct kiscsi_node n;
	size_t cnt = 7;

	ASSERT_EQ(0, kiscsi_node_list(&v, &cnt, NULL, NULL, &err));
	ASSERT_EQ(0u, cnt);
	portal(&p, "192.0.2.1");
	ASSERT_EQ(-KISCSI_E_NOSESSION, kiscsi_node_load(IQN, &p, NULL, &n, &err));
}

TEST(settings_apply)
{
	struct kiscsi_settings s = { 0 };
	struct kiscsi_opts o;
	char why[256];

	kiscsi_opts_init(&o);
	ASSERT_EQ(0, kiscsi_setting_parse(&s, KS_QUEUE_DEPTH, "32", why, sizeof(why)));
	ASSERT_EQ(0, kiscsi_setting_parse(&s, KS_LOGIN_TIMEOUT, "3", why, sizeof(why)));
	ASSERT_EQ(0, kiscsi_setting_parse(&s, KS_TMF_TIMEOUT, "20", why, sizeof(why)));
	ASSERT_EQ(0, kiscsi_setting_parse(&s, KS_DATA_DIGEST, "CRC32C", why, sizeof(why)));
	ASSERT_EQ(0, kiscsi_setting_parse(&s, KS_SOURCE, "10.1.2.3", why, sizeof(why)));
	ASSERT_EQ(-1, kiscsi_setting_parse(&s, KS_SOURCE, "10.1.2", why, sizeof(why)));
	ASSERT_EQ(-1, kiscsi_setting_parse(&s, KS_NOP_INTERVAL, "3601", why, sizeof(why)));
	kiscsi_settings_apply(&s, &o);
	ASSERT_EQ(32u, o.queue_depth);
	ASSERT_EQ(3000, o.login_timeout_ms);
	ASSERT_EQ(3000, o.connect_timeout_ms);
	ASSERT_EQ(20u, o.tmf_timeout);
	ASSERT_EQ(KISCSI_DIGEST_CRC32C, o.data_digest);
	ASSERT_EQ(KISCSI_DIGEST_NONE, o.header_digest);
	ASSERT_STREQ("10.1.2.3", o.source);
	ASSERT_STREQ("", o.iface);
	ASSERT_EQ(120u, o.recovery_tmo);	/* not given: default kept */
	ASSERT_EQ(KS_QUEUE_DEPTH, kiscsi_setting_by_option("queue-depth"));
	ASSERT_EQ(KS_NOP_TIMEOUT, kiscsi_setting_by_key("noop_timeout"));
	ASSERT_EQ(-1, kiscsi_setting_by_key("nope"));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Initiator identity: the iSCSI initiator name and the ISID.
 *
 * The machine's open-iscsi name (/etc/iscsi/initiatorname.iscsi) wins when
 * it holds one, so target ACLs keep working; else kiscsi keeps its own in
 * $KISCSI_CONFIG_DIR (default /etc/kiscsi), created once, never rewritten.
 * The ISID is random-format (T=10b), created once and kept in <dir>/isid,
 * so it never collides with open-iscsi's OUI-format 00023d ISIDs.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "identity.h"

const char *kiscsi_config_dir(void)
{
	const char *d = getenv("KISCSI_CONFIG_DIR");

	return d && *d ? d : "/etc/kiscsi";
}

static const char *openiscsi_file(void)
{
	const char *f = getenv("KISCSI_INITIATORNAME_FILE");

	return f && *f ? f : "/etc/iscsi/initiatorname.iscsi";
}

int kiscsi_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len < 5 || len > KISCSI_NAME_MAX)
		return 0;
	if (strncasecmp(name, "iqn.", 4) && strncasecmp(name, "eui.", 4) &&
	    strncasecmp(name, "naa.", 4))
		return 0;
	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)name[i]))
			return 0;
	return 1;
}

/* 1 found, 0 no InitiatorName line, -1 unreadable */
int kiscsi_read_initiatorname(const char *path, char *name, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		while (isspace((unsigned char)*s))
			s++;
		if (*s == '#' || strncmp(s, "InitiatorName", 13))
			continue;
		s += 13;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s++ != '=')
			continue;
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*s || strlen(s) >= len)
			continue;
		strcpy(name, s);
		found = 1;
		break;
	}
	fclose(f);
	return found;
}

/*
 * Create path with content unless it exists: write a temporary file, then
 * link() it into place, which fails rather than replaces.  0 created,
 * 1 already there, -1 error (errno set).
 */
int kiscsi_create_file_once(const char *path, const char *content, mode_t mode)
{
	char tmp[PATH_MAX];
	size_t len = strlen(content);
	int fd, ret, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) || write(fd, content, len) != (ssize_t)len ||
	    fsync(fd)) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e ? e : EIO;
		return -1;
	}
	close(fd);
	ret = link(tmp, path);
	e = errno;
	unlink(tmp);
	if (ret == 0)
		return 0;
	if (e == EEXIST)
		return 1;
	errno = e;
	return -1;
}

const char *kiscsi_run_dir(void)
{
	const char *d = getenv("KISCSI_RUN_DIR");

	return d && *d ? d : "/run/kiscsi";
}

int kiscsi_mkdir_p(const char *dir)
{
	char p[PATH_MAX];
	size_t i, len = strlen(dir);

	if (len >= sizeof(p))
		return -1;
	strcpy(p, dir);
	for (i = 1; i <= len; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		p[i] = i < len ? '/' : '\0';
	}
	return 0;
}

static int random_bytes(void *buf, size_t len)
{
	return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

void kiscsi_make_initiatorname(char *out, size_t len, const char *hostname,
			       const uint8_t rnd[6])
{
	char h[33];
	size_t i, j = 0;

	for (i = 0; hostname && hostname[i] && j < sizeof(h) - 1; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)hostname[i]);

		if (c == '.')
			break;		/* short host name */
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-')
			h[j++] = (char)c;
	}
	h[j] = '\0';
	snprintf(out, len,
		 "iqn.2005-03.org.kiscsi:%s-%02x%02x%02x%02x%02x%02x",
		 j ? h : "host", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
		 rnd[5]);
}

static int load_name(char *name, size_t len, struct kiscsi_error *err)
{
	char path[PATH_MAX], content[KISCSI_NAME_MAX + 64], host[256] = "";
	uint8_t rnd[6];
	int r;

	r = kiscsi_read_initiatorname(openiscsi_file(), name, len);
	if (r == 1 && kiscsi_name_valid(name))
		return 0;

	snprintf(path, sizeof(path), "%s/initiatorname.iscsi",
		 kiscsi_config_dir());
	for (int tries = 0; tries < 2; tries++) {
		r = kiscsi_read_initiatorname(path, name, len);
		if (r == 1) {
			if (!kiscsi_name_valid(name))
				return kiscsi_err(err, KISCSI_E_GENERIC,
						  "%s: invalid InitiatorName '%s'",
						  path, name);
			return 0;
		}
		if (r == 0)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "%s has no InitiatorName= line; fix or remove it",
					  path);
		if (errno != ENOENT)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "cannot read %s: %s", path,
					  strerror(errno));
		/* first use: create it */
		if (kiscsi_mkdir_p(kiscsi_config_dir()))
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "cannot create %s: %s",
					  kiscsi_config_dir(), strerror(errno));
		if (random_bytes(rnd, sizeof(rnd)))
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "getrandom: %s", strerror(errno));
		gethostname(host, sizeof(host) - 1);
		kiscsi_make_initiatorname(name, len, host, rnd);
		snprintf(content, sizeof(content),
			 "# kiscsi initiator name, created once; do not change it:\n"
			 "# target ACLs name this initiator by it.\n"
			 "InitiatorName=%s\n", name);
		if (kiscsi_create_file_once(path, content, 0644) < 0)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "cannot create %s: %s", path,
					  strerror(errno));
		/* loop: read back what is there (ours or a racing one) */
	}
	return kiscsi_err(err, KISCSI_E_GENERIC, "cannot read %s", path);
}

int kiscsi_isid_parse(const char *s, uint8_t isid[6])
{
	int i;

	for (i = 0; i < 12; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -1;
	if (s[12] != '\0' && s[12] != '\n')
		return -1;
	if (s[12] == '\n' && s[13] != '\0')
		return -1;
	for (i = 0; i < 6; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		isid[i] = (uint8_t)b;
	}
	return 0;
}

static int load_isid(uint8_t isid[6], struct kiscsi_error *err)
{
	char path[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), "%s/isid", kiscsi_config_dir());
	for (int tries = 0; tries < 2; tries++) {
		FILE *f = fopen(path, "re");

		if (f) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			fclose(f);
			buf[n] = '\0';
			if (kiscsi_isid_parse(buf, isid))
				return kiscsi_err(err, KISCSI_E_GENERIC,
						  "%s: expected 12 hex digits", path);
			return 0;
		}
		if (errno != ENOENT)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "cannot read %s: %s", path,
					  strerror(errno));
		if (kiscsi_mkdir_p(kiscsi_config_dir()))
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "cannot create %s: %s",
					  kiscsi_config_dir(), strerror(errno));
		if (random_bytes(isid + 1, 3))
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "getrandom: %s", strerror(errno));
		isid[0] = 0x80;		/* T=10b random format, A=0 */
		isid[4] = isid[5] = 0;	/* qualifier D */
		snprintf(buf, sizeof(buf), "%02x%02x%02x%02x%02x%02x\n",
			 isid[0], isid[1], isid[2], isid[3], isid[4], isid[5]);
		if (kiscsi_create_file_once(path, buf, 0644) < 0)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "cannot create %s: %s", path,
					  strerror(errno));
	}
	return kiscsi_err(err, KISCSI_E_GENERIC, "cannot read %s", path);
}

int kiscsi_identity_load(struct kiscsi_identity *id, struct kiscsi_error *err)
{
	int r;

	memset(id, 0, sizeof(*id));
	r = load_name(id->name, sizeof(id->name), err);
	if (r)
		return r;
	return load_isid(id->isid, err);
}

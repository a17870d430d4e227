// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One ISID per session.  An iSCSI session is named by the initiator name,
 * the ISID and the target (RFC 7143 section 4.4.2): a second login with
 * the same three reinstates the first session at the target.  So every
 * session key (target, portal, interface, source address) gets its own
 * ISID: the initiator's prefix from <config dir>/isid (random format,
 * bytes 0-3) and a 16-bit qualifier kept per target in
 *
 *   <config dir>/isids/<target>      lines "QQQQ KEY", e.g.
 *                                    "0001 127.0.0.2,3260,iface=eth1"
 *
 * The first key of a target gets qualifier 0 (the ISID kiscsi used for
 * every session before), each new key the lowest unused one; a key keeps
 * its qualifier across logouts, reboots and relogins.  Allocation holds an
 * flock on the isids directory, so two logins never take one qualifier.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "identity.h"
#include "isid.h"
#include "node.h"

#define QUALIFIERS	65536
#define STORE_MAX	(1 << 20)

/* A numeric host in its canonical spelling, anything else lowercased. */
static void canonical_host(const char *host, char *out, size_t len)
{
	unsigned char a[sizeof(struct in6_addr)];
	size_t i;

	if (inet_pton(AF_INET, host, a) == 1 &&
	    inet_ntop(AF_INET, a, out, (socklen_t)len))
		return;
	if (!strchr(host, '%') && inet_pton(AF_INET6, host, a) == 1 &&
	    inet_ntop(AF_INET6, a, out, (socklen_t)len))
		return;
	for (i = 0; host[i] && i + 1 < len; i++)
		out[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ?
				host[i] - 'A' + 'a' : host[i]);
	out[i] = '\0';
}

int kiscsi_session_key(const struct kiscsi_portal *p, const char *iface,
		       const char *source, char *buf, size_t len)
{
	char host[KISCSI_HOST_MAX + 1];
	int n;

	canonical_host(p->host, host, sizeof(host));
	n = snprintf(buf, len, "%s,%u%s%s%s%s", host, p->port,
		     iface && *iface ? ",iface=" : "", iface ? iface : "",
		     source && *source ? ",source=" : "",
		     source ? source : "");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * Parse the store: the qualifier of key (or -1), and which are taken.
 * A line that is not "QQQQ KEY" is an error: guessing could hand one
 * qualifier to two keys.
 */
static int parse_store(char *text, const char *path, const char *key,
		       unsigned char *taken, int *found,
		       struct kiscsi_error *err)
{
	char *line, *save = NULL;
	int lineno = 0;

	*found = -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int q;
		int off = 0;

		lineno++;
		if (sscanf(line, "%4x %n", &q, &off) != 1 || off != 5 ||
		    line[4] != ' ' || !line[off])
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "%s line %d: expected 'QQQQ KEY' (4 hex digits, a space, a session key); fix or remove the line",
					  path, lineno);
		taken[q] = 1;
		if (!strcmp(line + off, key))
			*found = (int)q;
	}
	return 0;
}

static int read_store(int dfd, const char *name, char **text,
		      struct kiscsi_error *err, const char *path)
{
	struct stat st;
	ssize_t n;
	int fd;

	*text = NULL;
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > STORE_MAX) {
		int e = fd < 0 ? errno : EINVAL;

		if (fd >= 0)
			close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot read %s: %s",
				  path, strerror(e));
	}
	*text = calloc(1, (size_t)st.st_size + 1);
	if (!*text) {
		close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	}
	n = read(fd, *text, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(*text);
		*text = NULL;
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot read %s",
				  path);
	}
	return 0;
}

int kiscsi_isid_assign(struct kiscsi_identity *id, const char *target,
		       const char *key, struct kiscsi_error *err)
{
	char dir[4096], name[256], path[4400], *text = NULL, *out;
	unsigned char *taken;
	bool fresh = false;
	size_t len;
	int dfd, q, r;

	snprintf(dir, sizeof(dir), "%s/isids", kiscsi_config_dir());
	if (kiscsi_filename_escape(target, name, sizeof(name)))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "target name %s is too long for a file name",
				  target);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (kiscsi_mkdir_p(dir))
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot create %s: %s",
				  dir, strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || flock(dfd, LOCK_EX)) {
		r = kiscsi_err(err, KISCSI_E_GENERIC, "cannot lock %s: %s",
			       dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return r;
	}
	taken = calloc(QUALIFIERS, 1);
	r = taken ? read_store(dfd, name, &text, err, path) :
		    kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	len = text ? strlen(text) : 0;
	/* parsing cuts its copy into lines; text stays whole to append to */
	out = r ? NULL : malloc(2 * len + strlen(key) + 16);
	if (!r && !out)
		r = kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	q = -1;
	if (!r && text) {
		memcpy(out, text, len + 1);
		r = parse_store(out, path, key, taken, &q, err);
	}
	if (!r && q < 0) {
		fresh = true;
		for (q = 0; q < QUALIFIERS && taken[q]; q++)
			;
		if (q == QUALIFIERS)
			r = kiscsi_err(err, KISCSI_E_GENERIC,
				       "%s: all 65536 ISID qualifiers are taken; remove the lines of keys no longer used",
				       path);
	}
	if (!r && fresh) {
		sprintf(out, "%s%s%04x %s\n", len ? text : "",
			len && text[len - 1] != '\n' ? "\n" : "", q, key);
		r = kiscsi_write_atomic(dir, name, out, strlen(out), 0644, err);
	}
	free(out);
	free(text);
	free(taken);
	close(dfd);	/* drops the lock */
	if (r)
		return r;
	id->isid[4] = (uint8_t)(q >> 8);
	id->isid[5] = (uint8_t)q;
	return 0;
}

/* FNV-1a: a short, stable file name for a long nexus */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int kiscsi_nexus_lock(const struct kiscsi_identity *id, const char *target,
		      struct kiscsi_error *err)
{
	char path[4096];
	uint64_t h = 0xcbf29ce484222325ULL;
	int fd;

	h = fnv1a(h, id->name, strlen(id->name) + 1);
	h = fnv1a(h, id->isid, 6);
	h = fnv1a(h, target, strlen(target) + 1);
	if (kiscsi_mkdir_p(kiscsi_run_dir()))
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot create %s: %s",
				  kiscsi_run_dir(), strerror(errno));
	snprintf(path, sizeof(path), "%s/login-%016llx.lock", kiscsi_run_dir(),
		 (unsigned long long)h);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot open %s: %s",
				  path, strerror(errno));
	while (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot lock %s: %s",
				  path, strerror(errno));
	}
	return fd;
}

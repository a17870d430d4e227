// SPDX-License-Identifier: LGPL-2.1-or-later
/* Node records on disk: <config dir>/nodes/<target>,<host>,<port>.node */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "node.h"

#define RECORD_SUFFIX	".node"
#define SECRETS_SUFFIX	".secrets"
#define FILE_MAX	65536	/* far above any real record */

void kiscsi_nodes_dir(char *buf, size_t len)
{
	const char *d = getenv("KISCSI_CONFIG_DIR");

	snprintf(buf, len, "%s/nodes", d && *d ? d : "/etc/kiscsi");
}

static bool plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
	       c == '_';
}

static size_t escape(const char *s, char *out, size_t off, size_t len)
{
	for (; *s && off + 4 < len; s++) {
		if (plain(*s))
			out[off++] = *s;
		else
			off += (size_t)snprintf(out + off, len - off, "%%%02X",
						(unsigned char)*s);
	}
	out[off] = '\0';
	return *s ? len : off;
}

int kiscsi_filename_escape(const char *s, char *buf, size_t len)
{
	char name[1024];
	size_t off = escape(s, name, 0, sizeof(name));

	if (off >= sizeof(name) || off > 255 || off >= len)
		return -1;	/* NAME_MAX */
	memcpy(buf, name, off + 1);
	return 0;
}

/* ",iface=IF" and ",source=ADDR" of a bound record, escaped */
static size_t escape_bind(const struct kiscsi_settings *bind, char *out,
			  size_t off, size_t len)
{
	char part[KISCSI_ADDR_MAX + 16];

	if (bind && bind->iface[0] && off + 1 < len) {
		out[off++] = ',';
		snprintf(part, sizeof(part), "iface=%s", bind->iface);
		off = escape(part, out, off, len);
	}
	if (bind && bind->source[0] && off + 1 < len) {
		out[off++] = ',';
		snprintf(part, sizeof(part), "source=%s", bind->source);
		off = escape(part, out, off, len);
	}
	return off;
}

int kiscsi_node_filename(const char *target, const struct kiscsi_portal *p,
			 const struct kiscsi_settings *bind,
			 const char *suffix, char *buf, size_t len)
{
	char name[1024], port[16];
	size_t off;

	snprintf(port, sizeof(port), ",%u", p->port);
	off = escape(target, name, 0, sizeof(name));
	if (off + 1 < sizeof(name))
		name[off++] = ',';
	off = escape(p->host, name, off, sizeof(name));
	if (off + strlen(port) >= sizeof(name))
		return -1;
	strcpy(name + off, port);
	off = escape_bind(bind, name, off + strlen(port), sizeof(name));
	if (off + strlen(suffix) >= sizeof(name))
		return -1;
	strcpy(name + off, suffix);
	if (strlen(name) > 255 || strlen(name) >= len)
		return -1;	/* NAME_MAX */
	strcpy(buf, name);
	return 0;
}

static int mkdirs(const char *dir, struct kiscsi_error *err)
{
	char tmp[4096], *p;

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "cannot create %s: %s", tmp,
					  strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot create %s: %s",
				  tmp, strerror(errno));
	return 0;
}

/* Read a whole small file; 1 if it does not exist. */
static int read_file(const char *path, char **text, struct stat *st,
		     struct kiscsi_error *err)
{
	ssize_t n;
	size_t got = 0;
	char *buf;
	int fd;

	*text = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0)
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot read %s: %s",
				  path, strerror(errno));
	if (fstat(fd, st) || !S_ISREG(st->st_mode) || st->st_size > FILE_MAX) {
		close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "%s: not a regular file of at most %d bytes",
				  path, FILE_MAX);
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf) {
		close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	}
	while (got < (size_t)st->st_size) {
		n = read(fd, buf + got, (size_t)st->st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	if (strlen(buf) != got) {
		free(buf);
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "%s: contains a NUL byte; not a node record",
				  path);
	}
	*text = buf;
	return 0;
}

static int load_secrets(const char *dir, const char *name,
			struct kiscsi_node *n, struct kiscsi_error *err)
{
	char path[4096];
	struct stat st;
	char *text;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = read_file(path, &text, &st, err);
	if (r)
		return r > 0 ? 0 : r;
	if ((st.st_mode & 077) || st.st_uid != geteuid()) {
		explicit_bzero(text, strlen(text));
		free(text);
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "%s is readable or writable by other users (mode %04o, owner %u): run 'chmod 600 %s' as its owner",
				  path, (unsigned)(st.st_mode & 07777),
				  (unsigned)st.st_uid, path);
	}
	r = kiscsi_node_secrets_parse(text, path, n, err);
	explicit_bzero(text, strlen(text));
	free(text);
	return r;
}

/* Load dir/name (a .node file) and its secrets. */
static int load_record(const char *dir, const char *name,
		       struct kiscsi_node *n, struct kiscsi_error *err)
{
	char path[4096], sname[300];
	size_t blen = strlen(name) - strlen(RECORD_SUFFIX);
	struct stat st;
	char *text;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = read_file(path, &text, &st, err);
	if (r > 0)
		return kiscsi_err(err, KISCSI_E_NOSESSION,
				  "no node record %s", path);
	if (r)
		return r;
	r = kiscsi_node_parse(text, path, n, err);
	free(text);
	if (r)
		return r;
	snprintf(sname, sizeof(sname), "%.*s%s", (int)blen, name,
		 SECRETS_SUFFIX);
	return load_secrets(dir, sname, n, err);
}

int kiscsi_node_load(const char *target, const struct kiscsi_portal *p,
		     const struct kiscsi_settings *bind, struct kiscsi_node *n,
		     struct kiscsi_error *err)
{
	char dir[3072], name[300];

	kiscsi_nodes_dir(dir, sizeof(dir));
	if (kiscsi_node_filename(target, p, bind, RECORD_SUFFIX, name,
				 sizeof(name)))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "target name and portal too long for a node record");
	return load_record(dir, name, n, err);
}

int kiscsi_node_save(const struct kiscsi_node *n, struct kiscsi_error *err)
{
	char dir[3072], name[300], sname[300], buf[8192];
	int len, r;

	kiscsi_nodes_dir(dir, sizeof(dir));
	if (kiscsi_node_filename(n->target, &n->portal, &n->settings,
				 RECORD_SUFFIX, name, sizeof(name)) ||
	    kiscsi_node_filename(n->target, &n->portal, &n->settings,
				 SECRETS_SUFFIX, sname, sizeof(sname)))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "target name and portal too long for a node record");
	r = mkdirs(dir, err);
	if (r)
		return r;
	if (kiscsi_node_has_secrets(n)) {
		len = kiscsi_node_secrets_format(n, buf, sizeof(buf));
		if (len < 0)
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "a secret contains a line break or is too long");
		r = kiscsi_write_atomic(dir, sname, buf, (size_t)len, 0600, err);
		explicit_bzero(buf, sizeof(buf));
		if (r)
			return r;
	} else {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, sname);
		if (unlink(path) && errno != ENOENT)
			return kiscsi_err(err, KISCSI_E_GENERIC,
					  "cannot remove %s: %s", path,
					  strerror(errno));
	}
	len = kiscsi_node_format(n, buf, sizeof(buf));
	if (len < 0)
		return kiscsi_err(err, KISCSI_E_GENERIC, "node record too long");
	return kiscsi_write_atomic(dir, name, buf, (size_t)len, 0644, err);
}

int kiscsi_node_delete(const char *target, const struct kiscsi_portal *p,
		       const struct kiscsi_settings *bind,
		       struct kiscsi_error *err)
{
	char dir[3072], name[300], path[4096];
	int r = 0;

	kiscsi_nodes_dir(dir, sizeof(dir));
	if (kiscsi_node_filename(target, p, bind, SECRETS_SUFFIX, name,
				 sizeof(name)))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "target name and portal too long for a node record");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) && errno != ENOENT)
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot remove %s: %s",
				  path, strerror(errno));
	kiscsi_node_filename(target, p, bind, RECORD_SUFFIX, name,
			     sizeof(name));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path)) {
		if (errno == ENOENT)
			r = kiscsi_err(err, KISCSI_E_NOSESSION,
				       "no node record for %s at %s (%s)",
				       target, p->host, path);
		else
			r = kiscsi_err(err, KISCSI_E_GENERIC,
				       "cannot remove %s: %s", path,
				       strerror(errno));
	}
	return r;
}

static int node_cmp(const void *a, const void *b)
{
	const struct kiscsi_node *x = a, *y = b;
	int c = strcmp(x->target, y->target);

	if (c)
		return c;
	c = strcmp(x->portal.host, y->portal.host);
	if (c)
		return c;
	if (x->portal.port != y->portal.port)
		return (int)x->portal.port - (int)y->portal.port;
	c = strcmp(x->settings.iface, y->settings.iface);
	return c ? c : strcmp(x->settings.source, y->settings.source);
}

int kiscsi_node_list(struct kiscsi_node **v, size_t *n,
		     void (*bad)(const struct kiscsi_error *e, void *arg),
		     void *arg, struct kiscsi_error *err)
{
	struct kiscsi_node *list = NULL, *tmp;
	size_t cnt = 0, cap = 0, sl = strlen(RECORD_SUFFIX);
	struct dirent *de;
	char dir[3072];
	DIR *d;

	*v = NULL;
	*n = 0;
	kiscsi_nodes_dir(dir, sizeof(dir));
	d = opendir(dir);
	if (!d && errno == ENOENT)
		return 0;
	if (!d)
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot read %s: %s",
				  dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct kiscsi_error e;

		/* temporary files start with '.' */
		if (de->d_name[0] == '.' || len <= sl ||
		    strcmp(de->d_name + len - sl, RECORD_SUFFIX))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			tmp = realloc(list, cap * sizeof(*list));
			if (!tmp) {
				free(list);
				closedir(d);
				return kiscsi_err(err, KISCSI_E_GENERIC,
						  "out of memory");
			}
			list = tmp;
		}
		if (load_record(dir, de->d_name, &list[cnt], &e)) {
			if (bad)
				bad(&e, arg);
			continue;
		}
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(list, cnt, sizeof(*list), node_cmp);
	*v = list;
	*n = cnt;
	return 0;
}

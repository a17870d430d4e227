// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copy this machine's kiscsi configuration into an installed system's
 * root: the node records with their secrets files, the ISIDs, and the
 * initiator name in use, so the installed system logs in as the same
 * initiator (targets' ACLs name it) with the same ISIDs (a relogin
 * reinstates the installer's session instead of adding one).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "identity.h"
#include "libkiscsi.h"
#include "node.h"

#define FILE_MAX	(64 * 1024)

/* one regular file, its mode kept (secrets stay 0600) */
static int copy_file(const char *from, const char *dir, const char *name,
		     struct kiscsi_error *err)
{
	char *buf = malloc(FILE_MAX);
	struct stat st;
	ssize_t n;
	int fd, r;

	if (!buf)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	fd = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) || (n = read(fd, buf, FILE_MAX)) < 0) {
		r = kiscsi_err(err, KISCSI_E_GENERIC, "reading %s: %s", from,
			       strerror(errno));
	} else if (n == FILE_MAX) {
		r = kiscsi_err(err, KISCSI_E_GENERIC, "%s: larger than %d bytes",
			       from, FILE_MAX);
	} else {
		r = kiscsi_write_atomic(dir, name, buf, (size_t)n,
					st.st_mode & 07777, err);
	}
	if (fd >= 0)
		close(fd);
	explicit_bzero(buf, FILE_MAX);
	free(buf);
	return r;
}

/* the regular files of from/sub into to/sub; *n counts them */
static int copy_dir(const char *from, const char *to, const char *sub,
		    size_t *n, struct kiscsi_error *err)
{
	char src[4096], dst[4096], file[4352];
	struct dirent *e;
	DIR *d;
	int r = 0;

	snprintf(src, sizeof(src), "%s/%s", from, sub);
	snprintf(dst, sizeof(dst), "%s/%s", to, sub);
	d = opendir(src);
	if (!d)
		return errno == ENOENT ? 0 : kiscsi_err(err, KISCSI_E_GENERIC,
							"reading %s: %s", src,
							strerror(errno));
	if (kiscsi_mkdir_p(dst)) {
		closedir(d);
		return kiscsi_err(err, KISCSI_E_GENERIC, "creating %s: %s",
				  dst, strerror(errno));
	}
	while (!r && (e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_REG)
			continue;
		snprintf(file, sizeof(file), "%s/%s", src, e->d_name);
		r = copy_file(file, dst, e->d_name, err);
		if (!r)
			(*n)++;
	}
	closedir(d);
	return r;
}

int kiscsi_config_export(const char *root, size_t *files,
			 struct kiscsi_error *err)
{
	const char *from = kiscsi_config_dir();
	struct kiscsi_identity id;
	char to[4096], name[KISCSI_NAME_MAX + 32], isid[4096];
	int r;

	*files = 0;
	if (snprintf(to, sizeof(to), "%s/etc/kiscsi", root) >= (int)sizeof(to))
		return kiscsi_err(err, KISCSI_E_INVAL, "%s: path too long", root);
	r = kiscsi_identity_load(&id, err);
	if (r)
		return r;
	if (kiscsi_mkdir_p(to))
		return kiscsi_err(err, KISCSI_E_GENERIC, "creating %s: %s", to,
				  strerror(errno));
	snprintf(name, sizeof(name), "InitiatorName=%s\n", id.name);
	r = kiscsi_write_atomic(to, "initiatorname.iscsi", name, strlen(name),
				0644, err);
	if (!r)
		(*files)++;
	snprintf(isid, sizeof(isid), "%s/isid", from);
	if (!r && !access(isid, F_OK)) {
		r = copy_file(isid, to, "isid", err);
		if (!r)
			(*files)++;
	}
	if (!r)
		r = copy_dir(from, to, "isids", files, err);
	if (!r)
		r = copy_dir(from, to, "nodes", files, err);
	return r;
}

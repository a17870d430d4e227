// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Crash-safe replacement of a small file: write a temporary file in the
 * same directory, fsync it, rename it over the old one, fsync the
 * directory.  Readers see the old contents or the new, never a mix.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "node.h"

int kiscsi_write_atomic(const char *dir, const char *name, const char *data,
			size_t len, mode_t mode, struct kiscsi_error *err)
{
	char tmp[4096], path[4096];
	size_t off = 0;
	int fd, dfd, e;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >= (int)sizeof(tmp))
		return kiscsi_err(err, KISCSI_E_GENERIC, "%s/%s: path too long",
				  dir, name);
	/* mkstemp creates 0600: secrets are never readable, not even briefly */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "cannot create a file in %s: %s", dir,
				  strerror(errno));
	if (fchmod(fd, mode))
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail;
	/* make the rename itself durable */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return kiscsi_err(err, KISCSI_E_GENERIC, "cannot write %s: %s", path,
			  strerror(e));
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* From a block device or a mount point down to the iSCSI disks under it. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blockstack.h"
#include "error.h"

#define MAX_DEPTH	8	/* dm on md on dm on ... */

/* "\040" and friends in a mountinfo field, in place */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* The device of the filesystem mounted last on dir. */
static int mount_dev(const char *dir, const char *mountinfo, dev_t *dev,
		     struct kiscsi_error *err)
{
	char line[4096], where[PATH_MAX];
	unsigned int maj = 0, min = 0;
	bool found = false;
	FILE *f;

	if (!realpath(dir, where))
		return kiscsi_err(err, KISCSI_E_INVAL, "%s: %s", dir,
				  strerror(errno));
	f = fopen(mountinfo, "re");
	if (!f)
		return kiscsi_err(err, KISCSI_E_GENERIC, "reading %s: %s",
				  mountinfo, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char mp[PATH_MAX];
		unsigned int a, b;

		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &a, &b, mp) != 3)
			continue;
		unescape(mp);
		if (!strcmp(mp, where)) {
			maj = a;
			min = b;
			found = true;
		}
	}
	fclose(f);
	if (!found)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "%s is not a mount point (give the mount point or the block device)",
				  dir);
	if (!maj)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "the filesystem on %s is not on a block device",
				  where);
	*dev = makedev(maj, min);
	return 0;
}

static void add_other(struct kiscsi_block_stack *st, const char *name)
{
	if (!st->others++)
		snprintf(st->other, sizeof(st->other), "%s", name);
}

/* a SCSI device path ".../sessionN/targetH:C:T/H:C:T:L": N and L */
static bool iscsi_leaf(const char *path, uint32_t *sid, uint64_t *lun)
{
	const char *s = strstr(path, "/session"), *last;
	unsigned long long l;
	char *end;

	while (s) {
		unsigned long n = strtoul(s + 8, &end, 10);

		if (end != s + 8 && *end == '/') {
			last = strrchr(path, '/');
			if (sscanf(last + 1, "%*u:%*u:%*u:%llu", &l) != 1)
				return false;
			*sid = (uint32_t)n;
			*lun = l;
			return true;
		}
		s = strstr(s + 1, "/session");
	}
	return false;
}

static void add_disk(struct kiscsi_block_stack *st, const char *name,
		     uint32_t sid, uint64_t lun)
{
	struct kiscsi_iscsi_disk *d;
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!strcmp(st->disks[i].name, name))
			return;		/* two partitions of one disk */
	if (st->n == KISCSI_BLOCK_DISKS_MAX)
		return;
	d = &st->disks[st->n++];
	d->session_id = sid;
	d->lun = lun;
	snprintf(d->name, sizeof(d->name), "%s", name);
}

static int walk(const char *sysfs, const char *link,
		struct kiscsi_block_stack *st, int depth,
		struct kiscsi_error *err)
{
	char dir[PATH_MAX], p[PATH_MAX + 32], dev[PATH_MAX];
	const char *name;
	struct dirent *e;
	bool slaves = false;
	uint64_t lun;
	uint32_t sid;
	DIR *d;

	if (depth > MAX_DEPTH)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "block devices stacked deeper than %d",
				  MAX_DEPTH);
	if (!realpath(link, dir))
		return kiscsi_err(err, KISCSI_E_GENERIC, "%s: %s", link,
				  strerror(errno));
	snprintf(p, sizeof(p), "%s/partition", dir);
	if (!access(p, F_OK))
		*strrchr(dir, '/') = '\0';	/* the disk of a partition */
	name = strrchr(dir, '/') + 1;

	snprintf(p, sizeof(p), "%s/slaves", dir);
	d = opendir(p);
	while (d && (e = readdir(d))) {
		char next[PATH_MAX + 64];
		int r;

		if (e->d_name[0] == '.')
			continue;
		slaves = true;
		snprintf(next, sizeof(next), "%s/class/block/%s", sysfs,
			 e->d_name);
		r = walk(sysfs, next, st, depth + 1, err);
		if (r) {
			closedir(d);
			return r;
		}
	}
	if (d)
		closedir(d);
	if (slaves)
		return 0;

	snprintf(p, sizeof(p), "%s/device", dir);
	if (realpath(p, dev) && iscsi_leaf(dev, &sid, &lun))
		add_disk(st, name, sid, lun);
	else
		add_other(st, name);
	return 0;
}

int kiscsi_block_stack(const char *arg, const char *sysfs,
		       const char *mountinfo, struct kiscsi_block_stack *st,
		       struct kiscsi_error *err)
{
	char link[PATH_MAX + 64], top[PATH_MAX];
	struct stat sb;
	dev_t dev;
	int r;

	memset(st, 0, sizeof(*st));
	sysfs = sysfs ? sysfs : "/sys";
	mountinfo = mountinfo ? mountinfo : "/proc/self/mountinfo";
	if (stat(arg, &sb))
		return kiscsi_err(err, KISCSI_E_INVAL, "%s: %s", arg,
				  strerror(errno));
	if (S_ISBLK(sb.st_mode)) {
		dev = sb.st_rdev;
	} else if (S_ISDIR(sb.st_mode)) {
		r = mount_dev(arg, mountinfo, &dev, err);
		if (r)
			return r;
		st->mounted = true;
	} else {
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "%s is neither a block device nor a mount point",
				  arg);
	}
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysfs, major(dev),
		 minor(dev));
	if (!realpath(link, top))
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "%s (device %u:%u): not in sysfs: %s", arg,
				  major(dev), minor(dev), strerror(errno));
	snprintf(st->device, sizeof(st->device), "/dev/%s",
		 strrchr(top, '/') + 1);
	r = walk(sysfs, link, st, 0, err);
	if (r)
		return r;
	if (!st->n && !strcmp(st->device + 5, st->other))
		return kiscsi_err(err, KISCSI_E_NOSESSION,
				  "%s is not an iSCSI disk", st->device);
	if (!st->n)
		return kiscsi_err(err, KISCSI_E_NOSESSION,
				  "%s (%s) is not on an iSCSI disk: it sits on /dev/%s",
				  arg, st->device, st->other);
	return 0;
}

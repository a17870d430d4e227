// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Whether logging out would pull a disk from under someone: a mounted
 * filesystem, active swap, a device-mapper/LVM/md holder, or any other
 * exclusive opener (O_EXCL on a block device fails with EBUSY then).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "host_disks.h"

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char *nl;

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

static int mounted(unsigned int maj, unsigned int min, const char *name,
		   char *why, size_t len)
{
	char line[4096], mp[PATH_MAX];
	unsigned int a, b;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &a, &b, mp) == 3 &&
		    a == maj && b == min) {
			snprintf(why, len, "/dev/%s is mounted on %s", name, mp);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static int swap(dev_t dev, const char *name, char *why, size_t len)
{
	char line[4096], file[PATH_MAX];
	FILE *f = fopen("/proc/swaps", "re");
	struct stat st;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%4095s", file) != 1 || file[0] != '/')
			continue;
		if (!stat(file, &st) && S_ISBLK(st.st_mode) && st.st_rdev == dev) {
			snprintf(why, len, "/dev/%s is in use as swap", name);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static int held(const char *name, char *why, size_t len)
{
	char path[PATH_MAX], dmname[256];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "/sys/class/block/%s/holders", name);
	d = opendir(path);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s/dm/name",
			 de->d_name);
		if (!read_line(path, dmname, sizeof(dmname)) && dmname[0])
			snprintf(why, len,
				 "/dev/%s is held by %s (device-mapper %s: LVM, crypt or multipath)",
				 name, de->d_name, dmname);
		else
			snprintf(why, len, "/dev/%s is held by %s", name,
				 de->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

static int exclusive(dev_t dev, const char *name, char *why, size_t len)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	if (stat(path, &st) || !S_ISBLK(st.st_mode) || st.st_rdev != dev)
		return 0;	/* no node to try it on */
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != EBUSY)
		return 0;
	snprintf(why, len, "/dev/%s is open exclusively by another program",
		 name);
	return 1;
}

static int in_use(const char *name, char *why, size_t len)
{
	char path[PATH_MAX], devno[32];
	unsigned int maj, min;
	dev_t dev;

	snprintf(path, sizeof(path), "/sys/class/block/%s/dev", name);
	if (read_line(path, devno, sizeof(devno)) ||
	    sscanf(devno, "%u:%u", &maj, &min) != 2)
		return 0;
	dev = makedev(maj, min);
	return mounted(maj, min, name, why, len) ||
	       swap(dev, name, why, len) || held(name, why, len) ||
	       exclusive(dev, name, why, len);
}

int kiscsi_host_disks_in_use(uint32_t host_no, char *why, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], needle[32];
	struct dirent *de;
	DIR *d = opendir("/sys/class/block");
	int busy = 0;

	if (!d)
		return 0;
	snprintf(needle, sizeof(needle), "/host%u/", host_no);
	while (!busy && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s", de->d_name);
		/* disks and their partitions live under .../hostN/... */
		if (!realpath(path, real) || !strstr(real, needle))
			continue;
		busy = in_use(de->d_name, why, len);
	}
	closedir(d);
	return busy;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kiscsi rescan: ask the SCSI midlayer to look for new LUNs on a session's
 * host and to re-read the size of the disks it has.  What the kernel does
 * by itself on a REPORTED LUNS DATA HAS CHANGED or CAPACITY DATA HAS
 * CHANGED unit attention, by hand.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void help(void)
{
	printf("Usage: %s rescan [--session ID | --all]\n\n"
	       "Scan a session's target for new LUNs and re-read the capacity of\n"
	       "its disks (all sessions with --all, the default).\n\n"
	       "Options:\n"
	       "  -s, --session ID  only this session\n"
	       "  -a, --all         every session (default)\n"
	       "  -h, --help        this help\n", prog);
	print_exit_codes();
}

static int write_attr(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Every SCSI device of host N: /sys/class/scsi_device/N:C:T:L */
static int rescan_devices(uint32_t host)
{
	char prefix[32], path[512];
	struct dirent *d;
	DIR *dir;
	int r = 0;

	dir = opendir("/sys/class/scsi_device");
	if (!dir)
		return -errno;
	snprintf(prefix, sizeof(prefix), "%u:", host);
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/class/scsi_device/%s/device/rescan", d->d_name);
		if (write_attr(path, "1") && !r)
			r = -errno;
	}
	closedir(dir);
	return r;
}

static int rescan_one(const struct kiscsi_session_info *s)
{
	char path[128];
	int r;

	snprintf(path, sizeof(path), "/sys/class/scsi_host/host%u/scan",
		 s->host_no);
	r = write_attr(path, "- - -");
	if (!r)
		r = rescan_devices(s->host_no);
	if (r) {
		fprintf(stderr, "%s: rescan of session %u (host %u) failed: %s\n",
			prog, s->session_id, s->host_no, strerror(-r));
		return KISCSI_E_KERNEL;
	}
	printf("rescanned session %u (host %u): %s\n", s->session_id,
	       s->host_no, s->target_name);
	return 0;
}

int cmd_rescan(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "session", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct kiscsi_session_info *list = NULL;
	struct kiscsi_error err;
	unsigned long sid = 0, v;
	bool one = false;
	size_t n = 0, i;
	int c, ret = 0, found = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:ah", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_uint(optarg, 0, UINT32_MAX, &v))
				return usage_error("rescan",
						   "--session needs a session number, not '%s'",
						   optarg);
			sid = v;
			one = true;
			break;
		case 'a':
			one = false;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("rescan", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("rescan", "unexpected argument '%s'",
				   argv[optind]);
	if (kiscsi_session_list(&list, &n, &err))
		return fail(&err);
	for (i = 0; i < n; i++) {
		if (one && list[i].session_id != sid)
			continue;
		found++;
		if (rescan_one(&list[i]))
			ret = KISCSI_E_KERNEL;
	}
	free(list);
	if (one && !found) {
		fprintf(stderr, "%s: no session %lu (see '%s session')\n",
			prog, sid, prog);
		return KISCSI_E_NOSESSION;
	}
	return ret;
}

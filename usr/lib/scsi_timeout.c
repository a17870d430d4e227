// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The SCSI command timeout is a property of each SCSI device, not of the
 * session: set it in sysfs on every device the LUN scan created.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "host_disks.h"

int kiscsi_host_set_scsi_timeout(uint32_t host_no, uint32_t secs,
				 struct kiscsi_error *err)
{
	struct dirent *de;
	DIR *d = opendir("/sys/bus/scsi/devices");
	int r = 0;

	if (!d)
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "cannot read /sys/bus/scsi/devices: %s",
				  strerror(errno));
	while ((de = readdir(d))) {
		unsigned int h, c, t, l;
		char path[512];
		FILE *f;

		if (sscanf(de->d_name, "%u:%u:%u:%u", &h, &c, &t, &l) != 4 ||
		    h != host_no)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/scsi/devices/%s/timeout",
			 de->d_name);
		f = fopen(path, "we");
		if (f) {
			int w = fprintf(f, "%u\n", secs);

			if (fclose(f) == 0 && w > 0)
				continue;
		}
		r = kiscsi_err(err, KISCSI_E_GENERIC,
			       "cannot set the SCSI command timeout in %s: %s",
			       path, strerror(errno));
		break;
	}
	closedir(d);
	return r;
}

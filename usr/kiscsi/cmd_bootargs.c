// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi bootargs [--with-secrets] DEVICE|MOUNTPOINT */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bootargs.h"
#include "cli.h"

static void help(void)
{
	printf("Usage: %s bootargs [--with-secrets] DEVICE|MOUNTPOINT\n\n"
	       "Print the kernel command line that lets a dracut initramfs bring up\n"
	       "the iSCSI disks DEVICE sits on (through partitions, LVM, RAID and\n"
	       "multipath): rd.iscsi.firmware=1 rd.iscsi.ibft=1 for sessions from the\n"
	       "boot firmware; else rd.iscsi.initiator=, a netroot=iscsi:... per disk,\n"
	       "the ip= of each interface they use and rd.neednet=1; for a\n"
	       "MOUNTPOINT also root=UUID=.\n"
	       "CHAP credentials stay off the line, which every user can read in\n"
	       "/proc/cmdline: they are written to the session's node record\n"
	       "(<config dir>/nodes, secrets file 0600), which the initramfs takes.\n\n"
	       "Options:\n"
	       "      --with-secrets   put CHAP credentials on the line instead\n"
	       "  -h, --help           this help\n", prog);
	print_exit_codes();
}

int cmd_bootargs(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "with-secrets", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct kiscsi_bootargs out;
	struct kiscsi_error err;
	bool with_secrets = false;
	size_t i;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			with_secrets = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("bootargs", c, argv);
		}
	}
	if (optind != argc - 1)
		return usage_error("bootargs", optind < argc ?
				   "unexpected argument '%s'" :
				   "missing DEVICE or MOUNTPOINT%s",
				   optind < argc ? argv[optind + 1] : "");
	if (kiscsi_bootargs(argv[optind], with_secrets, &out, &err))
		return fail(&err);
	printf("%s\n", out.line);
	if (out.secrets_on_line)
		fprintf(stderr,
			"%s: warning: CHAP secrets are on this line: every user can read them in /proc/cmdline\n",
			prog);
	for (i = 0; i < out.nrecords; i++)
		fprintf(stderr,
			"%s: CHAP credentials kept in %s (0600), not on the line\n",
			prog, out.records[i]);
	explicit_bzero(out.line, sizeof(out.line));
	return 0;
}

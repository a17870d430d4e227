// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kiscsi boot [--cmdline FILE]: log in to the iSCSI disks the kernel
 * command line names, as an initramfs does before it mounts root.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcmdline.h"
#include "cli.h"

static void help(void)
{
	printf("Usage: %s boot [--cmdline FILE]\n\n"
	       "Log in to the iSCSI disks the kernel command line names, read as\n"
	       "dracut reads it (dracut.cmdline(7)): each root=/netroot=iscsi:...\n"
	       "and rd.iscsi.target.*, with rd.iscsi.initiator, rd.iscsi.param,\n"
	       "rd.iscsi.login_retry_max and the rd.iscsi.username/password\n"
	       "defaults; a path without credentials takes its node record's\n"
	       "(what 'kiscsi bootargs' keeps there).  rd.iscsi.ibft brings up the\n"
	       "firmware's NICs ('kiscsi fw netup'), rd.iscsi.firmware logs in to\n"
	       "its boot targets ('kiscsi fw login').  A target already logged in\n"
	       "is not an error; a command line naming no iSCSI disk is nothing to\n"
	       "do.\n\n"
	       "Options:\n"
	       "      --cmdline FILE   read the command line from FILE, not\n"
	       "                       /proc/cmdline\n"
	       "  -h, --help           this help\n", prog);
	print_exit_codes();
}

static int read_cmdline(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: cannot read %s: %s\n", prog, path,
			strerror(errno));
		return KISCSI_E_GENERIC;
	}
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (n == len - 1) {
		fprintf(stderr, "%s: %s: longer than %zu bytes\n", prog, path,
			len - 1);
		return KISCSI_E_INVAL;
	}
	return 0;
}

static int login_one(const struct kiscsi_boot_cmdline *b, size_t i)
{
	char target[KISCSI_NAME_MAX + 1];
	struct kiscsi_portal portal;
	struct kiscsi_error err;
	struct kiscsi_opts opts;

	kiscsi_opts_init(&opts);
	if (kiscsi_boot_login_opts(b, i, &portal, target, &opts, &err)) {
		kiscsi_chap_auth_clear(&opts.chap);
		return fail(&err);
	}
	return login_prepared(&portal, target, &opts, NULL);
}

int cmd_boot(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cmdline", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = "/proc/cmdline";
	struct kiscsi_boot_cmdline *b;
	struct kiscsi_error err;
	char line[8192];
	int c, r, ret = 0;
	size_t i;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("boot", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("boot", "unexpected argument '%s'",
				   argv[optind]);
	r = read_cmdline(path, line, sizeof(line));
	if (r)
		return r;
	b = calloc(1, sizeof(*b));
	if (!b) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return KISCSI_E_GENERIC;
	}
	r = kiscsi_boot_cmdline_parse(line, b, &err);
	explicit_bzero(line, sizeof(line));
	if (r) {
		free(b);
		return fail(&err);
	}
	if (!b->firmware && !b->ibft_net && !b->ntargets)
		printf("no iSCSI disk on the command line: nothing to do\n");
	if (b->ibft_net)
		ret = fw_boot_netup();
	if (!ret && b->firmware)
		ret = fw_boot_login();
	for (i = 0; i < b->ntargets; i++) {
		r = login_one(b, i);
		if (r && !ret)
			ret = r;
	}
	kiscsi_boot_cmdline_clear(b);
	free(b);
	return ret;
}

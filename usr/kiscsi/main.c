// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kiscsi: iSCSI initiator helper.  Discovery and login run here in
 * userspace; the logged-in socket is then handed to kiscsi.ko.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *prog = "kiscsi";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cmds[] = {
	{ "discover", cmd_discover, "list the targets a portal offers (SendTargets)" },
	{ "login", cmd_login, "log in to a target and attach its disks" },
	{ "logout", cmd_logout, "log out of sessions and remove their disks" },
	{ "session", cmd_session, "list active sessions" },
	{ "rescan", cmd_rescan, "look for new LUNs and changed disk sizes" },
	{ "monitor", cmd_monitor, "print the kernel's session events as they happen" },
	{ "node", cmd_node, "keep node records: what 'login --all' logs in to" },
	{ "daemon", cmd_daemon, "bring failed sessions back (kiscsi.service)" },
	{ "fw", cmd_fw, "show the iSCSI Boot Firmware Table (iBFT)" },
	{ "bootargs", cmd_bootargs, "the dracut command line to boot from a device" },
	{ "boot", cmd_boot, "log in to what the boot command line names (initramfs)" },
};

void print_exit_codes(void)
{
	printf("\nExit status:\n"
	       "  0  success\n"
	       "  1  other failure (files, memory, ...)\n"
	       "  2  bad usage\n"
	       "  3  cannot resolve the portal, connection refused, or the target closed\n"
	       "     the connection or stopped answering during the login\n"
	       "  4  the target rejected the login (status decoded in the message)\n"
	       "  5  authentication or authorization failed\n"
	       "  6  kernel failure: module not loaded, netlink error, no permission\n"
	       "  7  no session matched\n"
	       "  8  the target broke the iSCSI protocol\n"
	       "  9  the portal is unreachable: no route to it, or the connection\n"
	       "     attempt timed out\n"
	       " 10  already logged in: a session with the same target, portal and\n"
	       "     interface exists (left alone)\n");
}

static void usage(void)
{
	size_t i;

	printf("Usage: %s [--help] [--version] <command> [options]\n\n"
	       "iSCSI initiator: discovery and login in userspace, data path in\n"
	       "the kiscsi kernel module.\n\nCommands:\n", prog);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		printf("  %-10s %s\n", cmds[i].name, cmds[i].summary);
	printf("\nRun '%s <command> --help' for the options of a command.\n"
	       "\nIdentity: the initiator name comes from /etc/iscsi/initiatorname.iscsi\n"
	       "when it has one, else from /etc/kiscsi/initiatorname.iscsi (created on\n"
	       "first use); the ISID is kept in /etc/kiscsi/isid.  KISCSI_CONFIG_DIR\n"
	       "overrides /etc/kiscsi, KISCSI_INITIATORNAME_FILE the open-iscsi file.\n"
	       "Node records live in /etc/kiscsi/nodes/ (see 'kiscsi node --help').\n"
	       "\nCHAP: discover and login take --username/--password (mutual: also\n"
	       "--username-in/--password-in), --auth-file and --chap-algorithms, or\n"
	       "KISCSI_USERNAME, KISCSI_PASSWORD, ... (see 'kiscsi login --help').\n",
	       prog);
	print_exit_codes();
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s%s%s: ", prog, cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s%s%s --help')\n", prog, cmd ? " " : "",
		cmd ? cmd : "");
	return EXIT_USAGE;
}

int bad_option(const char *cmd, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return usage_error(cmd, "option '%s' needs a value", opt);
	if (optopt && optopt != '?')
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "unknown option '%s'", opt);
}

int fail(const struct kiscsi_error *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg);
	return err->code ? err->code : 1;
}

int parse_uint(const char *s, unsigned long lo, unsigned long hi,
	       unsigned long *v)
{
	char *end;
	unsigned long r;

	if (!s || *s < '0' || *s > '9')
		return -1;
	r = strtoul(s, &end, 10);
	if (*end || r < lo || r > hi)
		return -1;
	*v = r;
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return usage_error(NULL, "missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage();
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("kiscsi %s\n", kiscsi_version());
		return 0;
	}
	if (argv[1][0] == '-')
		return usage_error(NULL, "unknown option '%s'", argv[1]);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return usage_error(NULL, "unknown command '%s'", argv[1]);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi logout --target IQN [--portal PORTAL] | --session ID | --all */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "host_disks.h"

static void help(void)
{
	printf("Usage: %s logout --target IQN [--portal PORTAL] [--force]\n"
	       "       %s logout --session ID [--force]\n"
	       "       %s logout --all [--force]\n\n"
	       "Log out of the matching sessions (Logout PDU, then the SCSI host and\n"
	       "its disks go away).  With --target or --session, no matching session\n"
	       "is an error (exit 7); --all with no session prints 'no active\n"
	       "sessions', exit 0.  --all leaves the sessions the boot firmware\n"
	       "described ('kiscsi fw login': the root disk may be on them); name\n"
	       "one with --session to log it out.\n"
	       "A session whose disk is in use (a mounted filesystem, swap, an LVM or\n"
	       "other device-mapper holder, or any exclusive opener) is not logged\n"
	       "out unless --force is given; the others still are (exit 1).\n\n"
	       "Options:\n"
	       "  -T, --target IQN      sessions to this target\n"
	       "  -p, --portal PORTAL   only those at this portal (host[:port])\n"
	       "  -s, --session ID      the one session ID ('kiscsi session' lists them)\n"
	       "  -a, --all             every session\n"
	       "  -f, --force           log out even if a disk is in use (data in\n"
	       "                        flight to it is lost)\n"
	       "  -h, --help            this help\n", prog, prog, prog);
	print_exit_codes();
}

int cmd_logout(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "target", required_argument, NULL, 'T' },
		{ "portal", required_argument, NULL, 'p' },
		{ "session", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *target = NULL, *portal_str = NULL;
	struct kiscsi_session_info *list;
	struct kiscsi_portal portal;
	struct kiscsi_error err;
	size_t n, i, matched = 0;
	bool all = false, force = false, by_id = false;
	unsigned long sid = 0;
	int c, r, ret = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":T:p:s:afh", lo, NULL)) != -1) {
		switch (c) {
		case 'T':
			target = optarg;
			break;
		case 'p':
			portal_str = optarg;
			break;
		case 's':
			if (parse_uint(optarg, 0, UINT32_MAX, &sid))
				return usage_error("logout",
						   "--session must be a session number, not '%s'",
						   optarg);
			by_id = true;
			break;
		case 'a':
			all = true;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("logout", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("logout", "unexpected argument '%s'",
				   argv[optind]);
	if ((all ? 1 : 0) + (target ? 1 : 0) + (by_id ? 1 : 0) > 1)
		return usage_error("logout",
				   "give one of --target, --session and --all");
	if (portal_str && !target)
		return usage_error("logout", "--portal needs --target");
	if (!all && !target && !by_id)
		return usage_error("logout",
				   "missing --target, --session or --all");
	if (portal_str && kiscsi_portal_parse(portal_str, &portal, &err))
		return usage_error("logout", "%s", err.msg);

	r = kiscsi_session_list(&list, &n, &err);
	if (r)
		return fail(&err);
	for (i = 0; i < n; i++) {
		const struct kiscsi_session_info *s = &list[i];
		char where[KISCSI_ADDR_MAX + 16], why[512];

		if (by_id && s->session_id != sid)
			continue;
		if (target && strcmp(s->target_name, target))
			continue;
		if (portal_str && !session_at_portal(s, &portal))
			continue;
		matched++;
		kiscsi_portal_format(s->portal_addr, s->portal_port, where,
				     sizeof(where));
		if (all && s->boot.root[0]) {
			printf("left session %u: %s at %s, from the boot firmware (%s %s); log it out with --session %u\n",
			       s->session_id, s->target_name, where,
			       s->boot.root, s->boot.target, s->session_id);
			continue;
		}
		if (!force && s->host_no != UINT32_MAX &&
		    kiscsi_host_disks_in_use(s->host_no, why, sizeof(why))) {
			fprintf(stderr,
				"%s: not logging out session %u (%s at %s): %s; stop using it first, or use --force\n",
				prog, s->session_id, s->target_name, where, why);
			ret = KISCSI_E_GENERIC;
			continue;
		}
		r = kiscsi_session_destroy(s->session_id, &err);
		if (r) {
			ret = fail(&err);
			continue;
		}
		printf("logged out session %u: %s at %s\n", s->session_id,
		       s->target_name, where);
	}
	free(list);
	if (!matched) {
		if (all) {
			printf("no active sessions\n");
			return 0;
		}
		if (by_id)
			fprintf(stderr, "%s: no session %lu (see '%s session')\n",
				prog, sid, prog);
		else
			fprintf(stderr, "%s: no session to %s%s%s\n", prog,
				target, portal_str ? " at " : "",
				portal_str ? portal_str : "");
		return KISCSI_E_NOSESSION;
	}
	return ret;
}

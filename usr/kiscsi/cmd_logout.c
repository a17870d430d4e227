// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi logout --target IQN [--portal PORTAL] | --all */
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

static void help(void)
{
	printf("Usage: %s logout --target IQN [--portal PORTAL]\n"
	       "       %s logout --all\n\n"
	       "Log out of the matching sessions (Logout PDU, then the SCSI host and\n"
	       "its disks go away).  With --target, no matching session is an error\n"
	       "(exit 7); --all with no session prints 'no active sessions', exit 0.\n\n"
	       "Options:\n"
	       "  -T, --target IQN      sessions to this target\n"
	       "  -p, --portal PORTAL   only those at this portal (host[:port])\n"
	       "  -a, --all             every session\n"
	       "  -h, --help            this help\n", prog, prog);
	print_exit_codes();
}

/* Does the session's portal match what the user wrote (name or address)? */
static bool portal_match(const struct kiscsi_session_info *s,
			 const struct kiscsi_portal *p)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	bool match = false;

	if (s->portal_port != p->port)
		return false;
	if (!strcmp(s->portal_addr, p->host))
		return true;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(p->host, NULL, &hints, &res))
		return false;
	for (ai = res; ai && !match; ai = ai->ai_next) {
		char a[NI_MAXHOST];

		if (!getnameinfo(ai->ai_addr, ai->ai_addrlen, a, sizeof(a),
				 NULL, 0, NI_NUMERICHOST) &&
		    !strcmp(a, s->portal_addr))
			match = true;
	}
	freeaddrinfo(res);
	return match;
}

int cmd_logout(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "target", required_argument, NULL, 'T' },
		{ "portal", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *target = NULL, *portal_str = NULL;
	struct kiscsi_session_info *list;
	struct kiscsi_portal portal;
	struct kiscsi_error err;
	size_t n, i, matched = 0;
	bool all = false;
	int c, r, ret = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":T:p:ah", lo, NULL)) != -1) {
		switch (c) {
		case 'T':
			target = optarg;
			break;
		case 'p':
			portal_str = optarg;
			break;
		case 'a':
			all = true;
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
	if (all && (target || portal_str))
		return usage_error("logout",
				   "--all cannot be combined with --target or --portal");
	if (!all && !target)
		return usage_error("logout", "missing --target or --all");
	if (portal_str && kiscsi_portal_parse(portal_str, &portal, &err))
		return usage_error("logout", "%s", err.msg);

	r = kiscsi_session_list(&list, &n, &err);
	if (r)
		return fail(&err);
	for (i = 0; i < n; i++) {
		const struct kiscsi_session_info *s = &list[i];
		char where[KISCSI_ADDR_MAX + 16];

		if (!all && strcmp(s->target_name, target))
			continue;
		if (portal_str && !portal_match(s, &portal))
			continue;
		matched++;
		kiscsi_portal_format(s->portal_addr, s->portal_port, where,
				     sizeof(where));
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
		fprintf(stderr, "%s: no session to %s%s%s\n", prog, target,
			portal_str ? " at " : "", portal_str ? portal_str : "");
		return KISCSI_E_NOSESSION;
	}
	return ret;
}

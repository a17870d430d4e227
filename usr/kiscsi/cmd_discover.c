// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi discover PORTAL [--json]: SendTargets on a discovery session. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "node.h"

static void help(const struct option *lo)
{
	printf("Usage: %s discover PORTAL [--json] [--save [--startup MODE]]\n"
	       "       [--login-timeout S] [--retries N] [CHAP options] [settings]\n\n"
	       "Open a discovery session to PORTAL, ask for SendTargets=All and print\n"
	       "one line per target portal: 'TARGETNAME ADDRESS:PORT,TPGT'.  Discovery\n"
	       "CHAP is separate from the CHAP of each target's login.\n\n"
	       "PORTAL is host, host:port, [ipv6] or [ipv6]:port (port 3260 by default).\n\n"
	       "Options:\n"
	       "  -j, --json               print JSON instead\n"
	       "  -t, --login-timeout S    seconds to wait for the connection and for each\n"
	       "                           response (default 15)\n"
	       "  -R, --retries N          attempts after a refused, unreachable or\n"
	       "                           unanswered one, 1, 2, 4, 8, 16 s apart (default 0)\n"
	       "  -s, --save               write a node record for every target portal\n"
	       "                           found (kiscsi node list shows them); existing\n"
	       "                           records keep their startup, settings, secrets\n"
	       "      --startup MODE       with --save: automatic or manual (new records:\n"
	       "                           manual)\n"
	       "  -h, --help               this help\n"
	       "  Settings (--iface and --source apply to the discovery connection; with\n"
	       "  --save, every setting given is stored in the records):\n", prog);
	settings_help(lo);
	auth_opts_help();
	print_exit_codes();
}

static void print_json(const char *portal, const struct kiscsi_target_list *l)
{
	struct json j;
	size_t i, k;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "portal", portal);
	json_arr_begin(&j, "targets");
	for (i = 0; i < l->ntargets; i++) {
		const struct kiscsi_target *t = &l->targets[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "name", t->name);
		json_arr_begin(&j, "portals");
		for (k = 0; k < t->nportals; k++) {
			const struct kiscsi_target_portal *p = &t->portals[k];

			json_obj_begin(&j, NULL);
			json_str(&j, "address", p->addr);
			json_uint(&j, "port", p->port);
			if (p->tpgt >= 0)
				json_uint(&j, "tpgt", (uint64_t)p->tpgt);
			else
				json_null(&j, "tpgt");
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
}

int cmd_discover(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "login-timeout", required_argument, NULL, 't' },
		{ "retries", required_argument, NULL, 'R' },
		{ "save", no_argument, NULL, 's' },
		{ "startup", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		AUTH_LONG_OPTIONS,
		{ 0 }
	};
	struct kiscsi_settings set = { 0 };
	bool save = false;
	int startup = -1;
	struct kiscsi_target_list list;
	struct kiscsi_identity id;
	struct kiscsi_portal portal;
	struct kiscsi_error err;
	struct kiscsi_opts opts;
	struct auth_opts auth;
	char where[KISCSI_HOST_MAX + 16];
	unsigned long v;
	bool json = false;
	size_t i, k;
	int c, r;

	kiscsi_opts_init(&opts);
	auth_opts_init(&auth);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jt:R:sh", settings_longopts(lo),
				NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 't':
			if (parse_uint(optarg, 1, 3600, &v))
				return usage_error("discover",
						   "--login-timeout must be 1-3600 seconds, not '%s'",
						   optarg);
			opts.login_timeout_ms = (int)v * 1000;
			opts.connect_timeout_ms = (int)v * 1000;
			break;
		case 'R':
			if (parse_uint(optarg, 0, 100, &v))
				return usage_error("discover",
						   "--retries must be 0-100, not '%s'",
						   optarg);
			opts.retries = (int)v;
			break;
		case 's':
			save = true;
			break;
		case 'S':
			startup = kiscsi_startup_parse(optarg);
			if (startup < 0)
				return usage_error("discover",
						   "--startup must be automatic or manual, not '%s'",
						   optarg);
			break;
		case 'h':
			help(lo);
			return 0;
		default:
			if (auth_opt(&auth, c, optarg))
				break;
			r = settings_opt("discover", c, optarg, &set);
			if (r > 0)
				return r;
			if (r < 0)
				return bad_option("discover", c, argv);
		}
	}
	if (optind >= argc)
		return usage_error("discover", "missing PORTAL");
	if (optind + 1 < argc)
		return usage_error("discover", "unexpected argument '%s'",
				   argv[optind + 1]);
	if (kiscsi_portal_parse(argv[optind], &portal, &err))
		return usage_error("discover", "%s", err.msg);
	if (startup >= 0 && !save)
		return usage_error("discover", "--startup needs --save");
	/* the discovery connection itself: where from, how long to wait */
	if (kiscsi_setting_is_set(&set, KS_IFACE))
		snprintf(opts.iface, sizeof(opts.iface), "%s", set.iface);
	if (kiscsi_setting_is_set(&set, KS_SOURCE))
		snprintf(opts.source, sizeof(opts.source), "%s", set.source);
	kiscsi_portal_format(portal.host, portal.port, where, sizeof(where));

	r = auth_opts_finish("discover", &auth, &opts.chap);
	if (r)
		return r;
	r = kiscsi_identity_load(&id, &err);
	if (r)
		return fail(&err);
	r = kiscsi_discover(&portal, &id, &opts, &list, &err);
	kiscsi_chap_auth_clear(&opts.chap);
	if (r)
		return fail(&err);

	if (json) {
		print_json(where, &list);
	} else {
		if (!list.ntargets)
			fprintf(stderr, "%s: no targets at %s\n", prog, where);
		for (i = 0; i < list.ntargets; i++) {
			const struct kiscsi_target *t = &list.targets[i];

			for (k = 0; k < t->nportals; k++) {
				const struct kiscsi_target_portal *p =
					&t->portals[k];
				char a[KISCSI_HOST_MAX + 16];

				kiscsi_portal_format(p->addr, p->port, a,
						     sizeof(a));
				if (p->tpgt >= 0)
					printf("%s %s,%d\n", t->name, a,
					       (int)p->tpgt);
				else
					printf("%s %s\n", t->name, a);
			}
		}
	}
	r = save ? discover_save(&list, startup, &set, json ? stderr : stdout) : 0;
	kiscsi_target_list_free(&list);
	return r;
}

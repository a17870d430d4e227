// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi node add | list | delete: the node records of lib/node.h. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "identity.h"
#include "json.h"
#include "node.h"

static void help(void)
{
	char dir[3072];

	kiscsi_nodes_dir(dir, sizeof(dir));
	printf("Usage: %s node add --portal PORTAL --target IQN [--startup MODE]\n"
	       "                   [--tpgt N] [auth options] [settings]\n"
	       "       %s node list [--json]\n"
	       "       %s node delete --target IQN [--portal PORTAL] [--iface IF]\n"
	       "                      [--source ADDR] | --all\n"
	       "       %s node export ROOT\n\n"
	       "A node record says how to log in to one target at one portal;\n"
	       "'kiscsi login --all' logs in to every node with startup automatic\n"
	       "(the default is manual).  'kiscsi discover --save' records what a\n"
	       "portal offers.  'node add' of an existing node changes only what it\n"
	       "is given.  Records are plain text files in %s\n"
	       "(KISCSI_CONFIG_DIR moves /etc/kiscsi), one per target, portal and\n"
	       "interface: --iface and --source name the record too, so a portal can\n"
	       "have one per path, each its own session.  CHAP secrets go to a\n"
	       "separate mode 0600 .secrets file beside it.\n"
	       "'node export ROOT' copies the records, their secrets, the ISIDs and\n"
	       "the initiator name in use to ROOT/etc/kiscsi: an installer gives the\n"
	       "installed system the same identity and disks.\n\n"
	       "Options of node add:\n"
	       "  -p, --portal PORTAL       host, host:port, [ipv6] or [ipv6]:port\n"
	       "  -T, --target IQN          target name\n"
	       "  -s, --startup MODE        automatic (login --all) or manual\n"
	       "      --tpgt N              target portal group tag (informational)\n"
	       "  Settings (applied at each login of the node):\n", prog, prog,
	       prog, prog, dir);
	settings_help((const struct option[]){ AUTH_LONG_OPTIONS, { 0 } });
	auth_opts_help();
	printf("\nOptions of node list and node delete:\n"
	       "  -j, --json                list as JSON (secrets are never shown)\n"
	       "  -a, --all                 delete every node record\n"
	       "      --iface IF, --source ADDR\n"
	       "                            delete only the record bound so (default:\n"
	       "                            every record of the target and portal)\n"
	       "  -h, --help                this help\n");
	print_exit_codes();
}

static const char *auth_name(const struct kiscsi_node *n)
{
	if (n->username_in[0] || n->password_in[0])
		return "chap-mutual";
	if (n->username[0] || n->password[0])
		return "chap";
	return "none";
}

/* "PORTAL", then " via IF" and " from ADDR" for a bound record */
static void node_where(const struct kiscsi_node *n, char *buf, size_t len)
{
	size_t l;

	kiscsi_portal_format(n->portal.host, n->portal.port, buf, len);
	l = strlen(buf);
	if (n->settings.iface[0])
		l += (size_t)snprintf(buf + l, len - l, " via %s",
				      n->settings.iface);
	if (n->settings.source[0] && l < len)
		snprintf(buf + l, len - l, " from %s", n->settings.source);
}

enum { O_TPGT = 0x300 };

static int node_add(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "portal", required_argument, NULL, 'p' },
		{ "target", required_argument, NULL, 'T' },
		{ "startup", required_argument, NULL, 's' },
		{ "tpgt", required_argument, NULL, O_TPGT },
		AUTH_LONG_OPTIONS,
		/* the name of --auth-file before 'node add' shared login's */
		{ "secrets-file", required_argument, NULL, OPT_AUTH_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *portal_str = NULL, *target = NULL;
	struct auth_opts auth;
	struct kiscsi_chap_auth chap;
	struct kiscsi_node n;
	struct kiscsi_settings set = { 0 };
	struct kiscsi_portal portal;
	struct kiscsi_error err;
	char where[KISCSI_HOST_MAX + KISCSI_ADDR_MAX + 48];
	int startup = -1, c, r;
	long tpgt = -1;
	unsigned long v;
	bool exists;

	auth_opts_init(&auth);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:T:s:h", settings_longopts(lo),
				NULL)) != -1) {
		r = 0;
		switch (c) {
		case 'p':
			portal_str = optarg;
			break;
		case 'T':
			target = optarg;
			break;
		case 's':
			startup = kiscsi_startup_parse(optarg);
			if (startup < 0)
				return usage_error("node add",
						   "--startup must be automatic or manual, not '%s'",
						   optarg);
			break;
		case O_TPGT:
			if (parse_uint(optarg, 0, 65535, &v))
				return usage_error("node add",
						   "--tpgt must be 0-65535, not '%s'",
						   optarg);
			tpgt = (long)v;
			break;
		case 'h':
			help();
			return 0;
		default:
			if (auth_opt(&auth, c, optarg))
				break;
			r = settings_opt("node add", c, optarg, &set);
			if (r < 0)
				return bad_option("node add", c, argv);
		}
		if (r)
			return r;
	}
	if (optind < argc)
		return usage_error("node add", "unexpected argument '%s'",
				   argv[optind]);
	if (!portal_str)
		return usage_error("node add", "missing --portal");
	if (!target)
		return usage_error("node add", "missing --target");
	if (!kiscsi_name_valid(target))
		return usage_error("node add",
				   "--target must be an iSCSI name (iqn., eui. or naa.), not '%s'",
				   target);
	if (kiscsi_portal_parse(portal_str, &portal, &err))
		return usage_error("node add", "%s", err.msg);
	r = kiscsi_node_load(target, &portal, &set, &n, &err);
	exists = r == 0;
	if (r == -KISCSI_E_NOSESSION)
		kiscsi_node_init(&n, target, &portal);
	else if (r)
		return fail(&err);

	/*
	 * The checks and sources of login's (environment, --auth-file,
	 * options), over the record's CHAP: '--password' alone changes only
	 * the secret of a record that has a username.
	 */
	memset(&chap, 0, sizeof(chap));
#define SEED(f) snprintf(chap.f, sizeof(chap.f), "%s", n.f)
	SEED(username);
	SEED(password);
	SEED(username_in);
	SEED(password_in);
#undef SEED
	r = auth_opts_finish_over("node add", &auth, &chap);
	if (r) {
		explicit_bzero(&n.password, sizeof(n.password));
		explicit_bzero(&n.password_in, sizeof(n.password_in));
		return r;
	}
	if (chap.nalgs)
		kiscsi_settings_set_chap_algs(&set, &chap);
	if (startup >= 0)
		n.startup = startup;
	if (tpgt >= 0)
		n.tpgt = (int32_t)tpgt;
	kiscsi_settings_merge(&n.settings, &set);
#define TAKE(f) do { if (chap.f[0]) snprintf(n.f, sizeof(n.f), "%s", chap.f); } while (0)
	TAKE(username);
	TAKE(password);
	TAKE(username_in);
	TAKE(password_in);
#undef TAKE
	r = kiscsi_node_save(&n, &err);
	kiscsi_chap_auth_clear(&chap);
	explicit_bzero(&n.password, sizeof(n.password));
	explicit_bzero(&n.password_in, sizeof(n.password_in));
	if (r)
		return fail(&err);
	node_where(&n, where, sizeof(where));
	printf("%s node %s at %s (startup %s)\n", exists ? "updated" : "added",
	       n.target, where, kiscsi_startup_name(n.startup));
	return 0;
}

static void report_bad(const struct kiscsi_error *e, void *arg)
{
	int *bad = arg;

	fprintf(stderr, "%s: %s\n", prog, e->msg);
	*bad = KISCSI_E_GENERIC;
}

static void print_json(const struct kiscsi_node *v, size_t n)
{
	struct json j;
	size_t i;
	int k;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_arr_begin(&j, "nodes");
	for (i = 0; i < n; i++) {
		const struct kiscsi_node *nd = &v[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "target", nd->target);
		json_str(&j, "address", nd->portal.host);
		json_uint(&j, "port", nd->portal.port);
		if (nd->tpgt >= 0)
			json_uint(&j, "tpgt", (uint64_t)nd->tpgt);
		else
			json_null(&j, "tpgt");
		json_str(&j, "startup", kiscsi_startup_name(nd->startup));
		json_str(&j, "auth", auth_name(nd));
		json_obj_begin(&j, "settings");
		for (k = 0; k < KS_NSETTINGS; k++) {
			char val[KISCSI_ADDR_MAX + 16];

			if (!kiscsi_setting_is_set(&nd->settings, k))
				continue;
			if (kiscsi_setting_defs[k].type == KS_T_UINT) {
				json_uint(&j, kiscsi_setting_defs[k].key,
					  nd->settings.num[k]);
				continue;
			}
			kiscsi_setting_format(&nd->settings, k, val, sizeof(val));
			json_str(&j, kiscsi_setting_defs[k].key, val);
		}
		json_obj_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
}

static int node_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct kiscsi_node *v;
	struct kiscsi_error err;
	bool json = false;
	size_t n, i;
	int c, bad = 0, k;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("node list", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("node list", "unexpected argument '%s'",
				   argv[optind]);
	if (kiscsi_node_list(&v, &n, report_bad, &bad, &err))
		return fail(&err);
	if (json)
		print_json(v, n);
	else if (!n)
		printf("no nodes\n");
	for (i = 0; !json && i < n; i++) {
		char where[KISCSI_HOST_MAX + KISCSI_ADDR_MAX + 48];

		kiscsi_portal_format(v[i].portal.host, v[i].portal.port, where,
				     sizeof(where));
		printf("%s %s", v[i].target, where);
		if (v[i].tpgt >= 0)
			printf(",%d", (int)v[i].tpgt);
		printf(" startup=%s auth=%s", kiscsi_startup_name(v[i].startup),
		       auth_name(&v[i]));
		for (k = 0; k < KS_NSETTINGS; k++) {
			char val[KISCSI_ADDR_MAX + 16];

			if (!kiscsi_setting_is_set(&v[i].settings, k))
				continue;
			kiscsi_setting_format(&v[i].settings, k, val, sizeof(val));
			printf(" %s=%s", kiscsi_setting_defs[k].key, val);
		}
		printf("\n");
	}
	if (n)
		explicit_bzero(v, n * sizeof(*v));
	free(v);
	return bad;
}

/* Does record n match the delete's filters (NULL: any)? */
static bool delete_match(const struct kiscsi_node *n, const char *target,
			 const struct kiscsi_portal *portal, const char *iface,
			 const char *source)
{
	return (!target || !strcmp(n->target, target)) &&
	       (!portal || (!strcmp(n->portal.host, portal->host) &&
			    n->portal.port == portal->port)) &&
	       (!iface || !strcmp(n->settings.iface, iface)) &&
	       (!source || !strcmp(n->settings.source, source));
}

enum { O_DEL_IFACE = 0x310, O_DEL_SOURCE };

static int node_delete(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "portal", required_argument, NULL, 'p' },
		{ "target", required_argument, NULL, 'T' },
		{ "iface", required_argument, NULL, O_DEL_IFACE },
		{ "source", required_argument, NULL, O_DEL_SOURCE },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *portal_str = NULL, *target = NULL;
	const char *iface = NULL, *source = NULL;
	struct kiscsi_portal portal;
	struct kiscsi_node *v;
	struct kiscsi_error err;
	size_t n, i, matched = 0;
	bool all = false;
	int c, ret = 0, bad = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:T:ah", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			portal_str = optarg;
			break;
		case 'T':
			target = optarg;
			break;
		case O_DEL_IFACE:
			iface = optarg;
			break;
		case O_DEL_SOURCE:
			source = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("node delete", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("node delete", "unexpected argument '%s'",
				   argv[optind]);
	if (all && (target || portal_str || iface || source))
		return usage_error("node delete",
				   "--all cannot be combined with --target, --portal, --iface or --source");
	if (!all && !target)
		return usage_error("node delete", "missing --target or --all");
	if (portal_str && kiscsi_portal_parse(portal_str, &portal, &err))
		return usage_error("node delete", "%s", err.msg);

	if (kiscsi_node_list(&v, &n, report_bad, &bad, &err))
		return fail(&err);
	for (i = 0; i < n; i++) {
		char where[KISCSI_HOST_MAX + KISCSI_ADDR_MAX + 48];

		if (!all && !delete_match(&v[i], target,
					  portal_str ? &portal : NULL, iface,
					  source))
			continue;
		matched++;
		node_where(&v[i], where, sizeof(where));
		if (kiscsi_node_delete(v[i].target, &v[i].portal,
				       &v[i].settings, &err)) {
			ret = fail(&err);
			continue;
		}
		printf("deleted node %s at %s\n", v[i].target, where);
	}
	if (n)
		explicit_bzero(v, n * sizeof(*v));
	free(v);
	if (!matched && !all) {
		fprintf(stderr, "%s: no node record for %s%s%s\n", prog, target,
			portal_str ? " at " : "", portal_str ? portal_str : "");
		return KISCSI_E_NOSESSION;
	}
	if (!matched)
		printf("no nodes\n");
	return ret ? ret : bad;
}

static int node_export(int argc, char **argv)
{
	struct kiscsi_error err;
	size_t files;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		help();
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-')
		return usage_error("node export", argc < 2 ?
				   "missing ROOT (the installed system's root directory)%s" :
				   "expected one ROOT, not '%s'",
				   argc < 2 ? "" : argv[argc - 1]);
	if (kiscsi_config_export(argv[1], &files, &err))
		return fail(&err);
	printf("exported %zu files to %s/etc/kiscsi\n", files, argv[1]);
	return 0;
}

int cmd_node(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("node", "missing 'add', 'list', 'delete' or 'export'");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		help();
		return 0;
	}
	if (!strcmp(argv[1], "add"))
		return node_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return node_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "delete"))
		return node_delete(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export"))
		return node_export(argc - 1, argv + 1);
	return usage_error("node", "unknown subcommand '%s' (add, list, delete, export)",
			   argv[1]);
}

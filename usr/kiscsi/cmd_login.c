// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi login --portal PORTAL --target IQN: login, then kernel hand-over. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/kiscsi.h>

#include "cli.h"
#include "host_disks.h"

static void help(const struct option *lo)
{
	printf("Usage: %s login --portal PORTAL --target IQN [options]\n"
	       "       %s login --all [--jobs N]\n\n"
	       "Connect to PORTAL, log in to target IQN (with CHAP when a username is\n"
	       "given), hand the connection to the kiscsi kernel module and wait until\n"
	       "its disks are scanned.  Prints 'session ID (host N): IQN at ADDRESS:PORT'.\n\n"
	       "Options:\n"
	       "  -p, --portal PORTAL        host, host:port, [ipv6] or [ipv6]:port\n"
	       "  -T, --target IQN           target name\n"
	       "  -q, --queue-depth N        commands in flight, 1-1024 (default 128)\n"
	       "  -r, --recovery-timeout S   seconds to wait for a lost connection to\n"
	       "                             come back before failing I/O (default 120)\n"
	       "  -t, --login-timeout S      seconds to wait for the connection and for each\n"
	       "                             response (default 15)\n"
	       "  -R, --retries N            attempts after a refused, unreachable or\n"
	       "                             unanswered one, 1, 2, 4, 8, 16 s apart (default 0)\n"
	       "      --header-digest D      crc32c or none (default none): CRC32C over\n"
	       "                             every PDU header; login fails if the\n"
	       "                             target refuses it\n"
	       "      --data-digest D        crc32c or none (default none): CRC32C over\n"
	       "                             every data segment\n"
	       "      --noop-interval S      send a NOP-Out ping after S idle seconds,\n"
	       "                             0 for none (default 5)\n"
	       "      --noop-timeout S       declare the connection dead when a ping is\n"
	       "                             unanswered for S seconds (default 5)\n"
	       "      --tmf-timeout S        seconds the SCSI error handler waits for a\n"
	       "                             task management response (default 10)\n"
	       "  -v, --verbose              print the negotiated parameters on stderr\n"
	       "  -h, --help                 this help\n"
	       "  Settings (also kept in node records, see 'kiscsi node --help'):\n",
	       prog, prog);
	settings_help(lo);
	auth_opts_help();
	printf("\nWith --all, log in to every node record with startup=automatic, in\n"
	       "parallel, with each node's settings; see 'kiscsi login --all --help'.\n");
	print_exit_codes();
}

static void print_params(const struct kiscsi_login_result *r)
{
	const struct kiscsi_params *p = &r->params;

	fprintf(stderr,
		"%s: logged in: TSIH %u, TPGT %d, StatSN %u, ExpCmdSN %u, MaxCmdSN %u\n"
		"%s: HeaderDigest=%s DataDigest=%s MaxRecvDataSegmentLength=%u (target's %u)\n"
		"%s: FirstBurstLength=%u MaxBurstLength=%u MaxOutstandingR2T=%u\n"
		"%s: ImmediateData=%s InitialR2T=%s DataPDUInOrder=%s DataSequenceInOrder=%s\n"
		"%s: ErrorRecoveryLevel=%u DefaultTime2Wait=%u DefaultTime2Retain=%u MaxConnections=%u\n",
		prog, r->tsih, (int)r->tpgt, r->statsn, r->exp_cmdsn,
		r->max_cmdsn,
		prog, p->header_digest == KISCSI_DIGEST_CRC32C ? "CRC32C" : "None",
		p->data_digest == KISCSI_DIGEST_CRC32C ? "CRC32C" : "None",
		p->max_recv_dlen, p->max_xmit_dlen,
		prog, p->first_burst, p->max_burst, p->max_r2t,
		prog, p->immediate_data ? "Yes" : "No",
		p->initial_r2t ? "Yes" : "No",
		p->data_pdu_in_order ? "Yes" : "No",
		p->data_seq_in_order ? "Yes" : "No",
		prog, p->erl, p->time2wait, p->time2retain, p->max_conns);
	if (r->chap_alg)
		fprintf(stderr, "%s: authenticated with CHAP %s%s\n", prog,
			kiscsi_chap_alg_name(r->chap_alg),
			r->chap_mutual ? ", mutual" : "");
	else
		fprintf(stderr, "%s: no authentication\n", prog);
}

enum {
	OPT_HEADER_DIGEST = 256,
	OPT_DATA_DIGEST,
	OPT_NOOP_INTERVAL,
	OPT_NOOP_TIMEOUT,
	OPT_TMF_TIMEOUT,
};

static int parse_digest(const char *s, uint8_t *d)
{
	if (!strcasecmp(s, "none"))
		*d = KISCSI_DIGEST_NONE;
	else if (!strcasecmp(s, "crc32c"))
		*d = KISCSI_DIGEST_CRC32C;
	else
		return -1;
	return 0;
}

/* "P", or "P (redirected to Q)": the portal asked for, and where it led */
static void format_where(const struct kiscsi_login_result *res, char *buf,
			 size_t len)
{
	char to[KISCSI_ADDR_MAX + 16];
	size_t l;

	kiscsi_portal_format(res->portal_addr, res->portal_port, buf, len);
	if (!res->redirects)
		return;
	kiscsi_portal_format(res->conn_addr, res->conn_port, to, sizeof(to));
	l = strlen(buf);
	snprintf(buf + l, len - l, " (redirected to %s)", to);
}

int cmd_login(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "portal", required_argument, NULL, 'p' },
		{ "target", required_argument, NULL, 'T' },
		{ "queue-depth", required_argument, NULL, 'q' },
		{ "recovery-timeout", required_argument, NULL, 'r' },
		{ "login-timeout", required_argument, NULL, 't' },
		{ "header-digest", required_argument, NULL, OPT_HEADER_DIGEST },
		{ "data-digest", required_argument, NULL, OPT_DATA_DIGEST },
		{ "noop-interval", required_argument, NULL, OPT_NOOP_INTERVAL },
		{ "noop-timeout", required_argument, NULL, OPT_NOOP_TIMEOUT },
		{ "tmf-timeout", required_argument, NULL, OPT_TMF_TIMEOUT },
		{ "retries", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		AUTH_LONG_OPTIONS,
		{ 0 }
	};
	const char *portal_str = NULL, *target = NULL;
	struct kiscsi_login_result res;
	struct kiscsi_portal portal;
	struct kiscsi_error err;
	struct kiscsi_opts opts;
	struct auth_opts auth;
	uint32_t sid, host;
	char where[2 * KISCSI_ADDR_MAX + 48];
	struct kiscsi_settings set = { 0 };
	struct option *all_lo = settings_longopts(lo);
	bool verbose = false;
	unsigned long v;
	int c, r;

	if (has_all_option(argc, argv))
		return cmd_login_all(argc, argv);
	kiscsi_opts_init(&opts);
	auth_opts_init(&auth);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:T:q:r:t:R:vh", all_lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			portal_str = optarg;
			break;
		case 'T':
			target = optarg;
			break;
		case 'q':
			if (parse_uint(optarg, 1, 1024, &v))
				return usage_error("login",
						   "--queue-depth must be 1-1024, not '%s'",
						   optarg);
			opts.queue_depth = (uint32_t)v;
			break;
		case 'r':
			if (parse_uint(optarg, 0, 86400, &v))
				return usage_error("login",
						   "--recovery-timeout must be 0-86400 seconds, not '%s'",
						   optarg);
			opts.recovery_tmo = (uint32_t)v;
			break;
		case 't':
			if (parse_uint(optarg, 1, 3600, &v))
				return usage_error("login",
						   "--login-timeout must be 1-3600 seconds, not '%s'",
						   optarg);
			opts.login_timeout_ms = (int)v * 1000;
			opts.connect_timeout_ms = (int)v * 1000;
			break;
		case OPT_HEADER_DIGEST:
		case OPT_DATA_DIGEST:
			if (parse_digest(optarg, c == OPT_HEADER_DIGEST ?
					 &opts.header_digest : &opts.data_digest))
				return usage_error("login",
						   "--%s-digest must be crc32c or none, not '%s'",
						   c == OPT_HEADER_DIGEST ? "header" : "data",
						   optarg);
			break;
		case OPT_NOOP_INTERVAL:
		case OPT_NOOP_TIMEOUT:
			if (parse_uint(optarg, c == OPT_NOOP_TIMEOUT, 3600, &v))
				return usage_error("login",
						   "--noop-%s must be %d-3600 seconds, not '%s'",
						   c == OPT_NOOP_TIMEOUT ? "timeout" : "interval",
						   c == OPT_NOOP_TIMEOUT, optarg);
			if (c == OPT_NOOP_TIMEOUT)
				opts.nop_timeout = (uint32_t)v;
			else
				opts.nop_interval = (uint32_t)v;
			break;
		case OPT_TMF_TIMEOUT:
			if (parse_uint(optarg, 1, 3600, &v))
				return usage_error("login",
						   "--tmf-timeout must be 1-3600 seconds, not '%s'",
						   optarg);
			opts.tmf_timeout = (uint32_t)v;
			break;
		case 'R':
			if (parse_uint(optarg, 0, 100, &v))
				return usage_error("login",
						   "--retries must be 0-100, not '%s'",
						   optarg);
			opts.retries = (int)v;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			help(lo);
			return 0;
		default:
			if (auth_opt(&auth, c, optarg))
				break;
			r = settings_opt("login", c, optarg, &set);
			if (r > 0)
				return r;
			if (r < 0)
				return bad_option("login", c, argv);
			break;
		}
	}
	if (optind < argc)
		return usage_error("login", "unexpected argument '%s'",
				   argv[optind]);
	if (!portal_str)
		return usage_error("login", "missing --portal");
	if (!target)
		return usage_error("login", "missing --target");
	if (!*target || strlen(target) > KISCSI_NAME_MAX)
		return usage_error("login",
				   "--target must be an iSCSI name of 1-%d bytes",
				   KISCSI_NAME_MAX);
	if (kiscsi_portal_parse(portal_str, &portal, &err))
		return usage_error("login", "%s", err.msg);
	kiscsi_settings_apply(&set, &opts);

	r = auth_opts_finish("login", &auth, &opts.chap);
	if (r)
		return r;
	r = kiscsi_session_login(&portal, target, &opts, &res, &sid, &host,
				 &err);
	kiscsi_chap_auth_clear(&opts.chap);
	if (r)
		return fail(&err);
	if (verbose)
		print_params(&res);
	if (opts.scsi_timeout && host != UINT32_MAX &&
	    kiscsi_host_set_scsi_timeout(host, opts.scsi_timeout, &err))
		fprintf(stderr, "%s: warning: %s\n", prog, err.msg);
	format_where(&res, where, sizeof(where));
	if (host != UINT32_MAX)
		printf("session %u (host %u): %s at %s\n", sid, host, target,
		       where);
	else
		printf("session %u: %s at %s\n", sid, target, where);
	return 0;
}

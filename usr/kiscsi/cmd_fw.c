// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi fw: what the iSCSI Boot Firmware Table (iBFT) holds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ibft.h"
#include "json.h"

static void help(void)
{
	printf("Usage: %s fw [--json] [--show-secrets]\n"
	       "       %s fw netup     bring up the NICs of its targets\n"
	       "       %s fw login     log in to its boot targets\n\n"
	       "Print the iSCSI Boot Firmware Table: the initiator, its NICs and\n"
	       "its targets, read from the ACPI table (/sys/firmware/acpi/tables/\n"
	       "iBFT) or from the iscsi_ibft module's /sys/firmware/ibft\n"
	       "('modprobe iscsi_ibft' first).  CHAP secrets are shown as ***\n"
	       "unless --show-secrets (sysfs lets every user read them).\n\n"
	       "Options:\n"
	       "  -j, --json           one JSON object\n"
	       "      --show-secrets   print the CHAP secrets\n"
	       "  -h, --help           this help\n"
	       "\nKISCSI_SYSFS: another sysfs root (tests).\n", prog, prog, prog);
	print_exit_codes();
}

static const char *origin_name(uint8_t o)
{
	static const char *const names[] = {
		[KISCSI_IBFT_ORIGIN_OTHER] = "other",
		[KISCSI_IBFT_ORIGIN_MANUAL] = "manual",
		[KISCSI_IBFT_ORIGIN_WELL_KNOWN] = "well-known",
		[KISCSI_IBFT_ORIGIN_DHCP] = "dhcp",
		[KISCSI_IBFT_ORIGIN_RA] = "router-advertisement",
	};

	return o < sizeof(names) / sizeof(names[0]) ? names[o] : "unknown";
}

static const char *chap_name(uint8_t c)
{
	return c == 2 ? "mutual" : c == 1 ? "chap" : "none";
}

static const char *secret(const char *s, bool show)
{
	return !*s || show ? s : "***";
}

static void flags_json(struct json *j, uint8_t flags)
{
	json_uint(j, "flags", flags);
	json_bool(j, "valid", flags & KISCSI_IBFT_VALID);
	json_bool(j, "boot_selected", flags & KISCSI_IBFT_BOOT);
}

static void mac_str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static void lun_str(const uint8_t *lun, char *buf, size_t len)
{
	int64_t n = kiscsi_ibft_lun(lun);

	if (n >= 0)
		snprintf(buf, len, "%lld", (long long)n);
	else
		snprintf(buf, len, "%02x%02x%02x%02x%02x%02x%02x%02x", lun[0],
			 lun[1], lun[2], lun[3], lun[4], lun[5], lun[6], lun[7]);
}

static void print_json(const struct kiscsi_ibft *t, bool show)
{
	struct json j;
	char buf[64];
	int i;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	if (t->initiator.present) {
		const struct kiscsi_ibft_initiator *in = &t->initiator;

		json_obj_begin(&j, "initiator");
		flags_json(&j, in->flags);
		json_str(&j, "name", in->name);
		json_str(&j, "isns_server", in->isns_server);
		json_str(&j, "slp_server", in->slp_server);
		json_str(&j, "pri_radius_server", in->pri_radius_server);
		json_str(&j, "sec_radius_server", in->sec_radius_server);
		json_obj_end(&j);
	}
	json_arr_begin(&j, "ethernet");
	for (i = 0; i < KISCSI_IBFT_MAX; i++) {
		const struct kiscsi_ibft_nic *n = &t->nic[i];

		if (!n->present)
			continue;
		json_obj_begin(&j, NULL);
		json_uint(&j, "index", n->index);
		flags_json(&j, n->flags);
		json_str(&j, "ip_address", n->ip_addr);
		json_uint(&j, "prefix_length", n->prefix_len);
		json_str(&j, "origin", origin_name(n->origin));
		json_str(&j, "gateway", n->gateway);
		json_str(&j, "primary_dns", n->primary_dns);
		json_str(&j, "secondary_dns", n->secondary_dns);
		json_str(&j, "dhcp_server", n->dhcp);
		json_uint(&j, "vlan", n->vlan);
		mac_str(n->mac, buf, sizeof(buf));
		json_str(&j, "mac", buf);
		json_str(&j, "hostname", n->hostname);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_arr_begin(&j, "targets");
	for (i = 0; i < KISCSI_IBFT_MAX; i++) {
		const struct kiscsi_ibft_target *g = &t->target[i];

		if (!g->present)
			continue;
		json_obj_begin(&j, NULL);
		json_uint(&j, "index", g->index);
		flags_json(&j, g->flags);
		json_str(&j, "ip_address", g->ip_addr);
		json_uint(&j, "port", g->port);
		lun_str(g->lun, buf, sizeof(buf));
		json_str(&j, "lun", buf);
		json_uint(&j, "ethernet", g->nic_assoc);
		json_str(&j, "chap_type", chap_name(g->chap_type));
		json_str(&j, "target_name", g->name);
		json_str(&j, "chap_name", g->chap_name);
		json_str(&j, "chap_secret", secret(g->chap_secret, show));
		json_str(&j, "reverse_chap_name", g->rev_chap_name);
		json_str(&j, "reverse_chap_secret", secret(g->rev_chap_secret, show));
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	fputc('\n', stdout);
}

static const char *flag_words(uint8_t flags)
{
	return (flags & KISCSI_IBFT_BOOT) ? (flags & KISCSI_IBFT_VALID ?
		"valid, boot selected" : "boot selected, not valid") :
	       (flags & KISCSI_IBFT_VALID ? "valid" : "not valid");
}

static void print_text(const struct kiscsi_ibft *t, bool show)
{
	char buf[64];
	int i;

	if (t->initiator.present)
		printf("initiator %s [%s]\n", t->initiator.name[0] ?
		       t->initiator.name : "(no name)",
		       flag_words(t->initiator.flags));
	for (i = 0; i < KISCSI_IBFT_MAX; i++) {
		const struct kiscsi_ibft_nic *n = &t->nic[i];

		if (!n->present)
			continue;
		mac_str(n->mac, buf, sizeof(buf));
		printf("ethernet%u %s: %s/%u (%s)", n->index, buf,
		       n->ip_addr[0] ? n->ip_addr : "no address",
		       n->prefix_len, origin_name(n->origin));
		if (n->gateway[0])
			printf(", gateway %s", n->gateway);
		if (n->vlan)
			printf(", VLAN %u", n->vlan);
		if (n->hostname[0])
			printf(", hostname %s", n->hostname);
		printf(" [%s]\n", flag_words(n->flags));
	}
	for (i = 0; i < KISCSI_IBFT_MAX; i++) {
		const struct kiscsi_ibft_target *g = &t->target[i];
		char portal[KISCSI_ADDR_MAX + 16];

		if (!g->present)
			continue;
		kiscsi_portal_format(g->ip_addr[0] ? g->ip_addr : "?", g->port,
				     portal, sizeof(portal));
		lun_str(g->lun, buf, sizeof(buf));
		printf("target%u %s at %s, LUN %s, via ethernet%u, CHAP %s",
		       g->index, g->name[0] ? g->name : "(no name)", portal, buf,
		       g->nic_assoc, chap_name(g->chap_type));
		if (g->chap_name[0])
			printf(" (%s/%s", g->chap_name,
			       secret(g->chap_secret, show));
		if (g->chap_name[0] && g->rev_chap_name[0])
			printf(", target %s/%s", g->rev_chap_name,
			       secret(g->rev_chap_secret, show));
		if (g->chap_name[0])
			printf(")");
		printf(" [%s]\n", flag_words(g->flags));
	}
}

int cmd_fw(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "show-secrets", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct kiscsi_error err;
	struct kiscsi_ibft t;
	bool json = false, show = false;
	int c;

	if (argc > 1 && (!strcmp(argv[1], "netup") || !strcmp(argv[1], "login")))
		return cmd_fw_boot(argc - 1, argv + 1);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			show = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("fw", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("fw", "unexpected argument '%s'",
				   argv[optind]);
	if (kiscsi_ibft_load(getenv("KISCSI_SYSFS"), &t, &err))
		return fail(&err);
	if (json)
		print_json(&t, show);
	else
		print_text(&t, show);
	kiscsi_ibft_clear(&t);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kiscsi fw netup | fw login: bring up what the boot firmware describes,
 * as an initramfs does before it mounts root from the boot target.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ibft.h"
#include "netconf.h"

static void help_netup(void)
{
	printf("Usage: %s fw netup\n\n"
	       "Configure the network interfaces the firmware's valid targets use,\n"
	       "found by MAC address: the VLAN link (<dev>.<id>) if the table has\n"
	       "one, links up, the static address and prefix, a default route\n"
	       "through the gateway unless one exists.  kiscsi has no DHCP client:\n"
	       "a NIC the firmware configured by DHCP is left to the system's\n"
	       "(dracut: ip=ibft).\n", prog);
	print_exit_codes();
}

static void help_login(void)
{
	printf("Usage: %s fw login\n\n"
	       "Log in to every valid, boot-selected target in the firmware table,\n"
	       "with its CHAP and the firmware's initiator name, bound to the\n"
	       "interface of its NIC ('kiscsi fw netup' first).  The sessions carry\n"
	       "the boot attributes (sysfs boot_root, boot_nic, boot_target) and\n"
	       "'kiscsi logout --all' leaves them.  A target already logged in is\n"
	       "not an error.\n", prog);
	print_exit_codes();
}

/* no options but --help; -1 if help was printed, or an exit code */
static int no_options(const char *cmd, int argc, char **argv,
		      void (*help)(void))
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (c != 'h')
			return bad_option(cmd, c, argv);
		help();
		return -1;
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int load(struct kiscsi_ibft *t)
{
	struct kiscsi_error err;

	if (kiscsi_ibft_load(getenv("KISCSI_SYSFS"), t, &err))
		return fail(&err);
	return 0;
}

static bool nic_used(const struct kiscsi_ibft *t,
		     const struct kiscsi_ibft_nic *n)
{
	int i;

	for (i = 0; i < KISCSI_IBFT_MAX; i++)
		if (t->target[i].present &&
		    (t->target[i].flags & KISCSI_IBFT_VALID) &&
		    kiscsi_ibft_target_nic(t, &t->target[i]) == n)
			return true;
	return false;
}

static int netup_one(const struct kiscsi_ibft_nic *n)
{
	struct kiscsi_netconf nc = { 0 };
	struct kiscsi_error err;
	char ifname[IF_NAMESIZE];

	if (!n->ip_addr[0] || n->origin == KISCSI_IBFT_ORIGIN_DHCP) {
		printf("ethernet%u: configured by DHCP in the firmware: left to the system's DHCP client\n",
		       n->index);
		return 0;
	}
	memcpy(nc.mac, n->mac, sizeof(nc.mac));
	nc.vlan = n->vlan;
	snprintf(nc.addr, sizeof(nc.addr), "%s", n->ip_addr);
	nc.prefix_len = n->prefix_len;
	snprintf(nc.gateway, sizeof(nc.gateway), "%s", n->gateway);
	if (kiscsi_netconf_apply(&nc, ifname, &err)) {
		fprintf(stderr, "%s: ethernet%u: %s\n", prog, n->index, err.msg);
		return err.code;
	}
	printf("ethernet%u: %s %s/%u", n->index, ifname, n->ip_addr,
	       n->prefix_len);
	if (n->gateway[0])
		printf(", gateway %s", n->gateway);
	printf("\n");
	return 0;
}

int fw_boot_netup(void)
{
	struct kiscsi_ibft t;
	int i, r, ret = 0, done = 0;

	r = load(&t);
	if (r)
		return r;
	for (i = 0; i < KISCSI_IBFT_MAX; i++) {
		const struct kiscsi_ibft_nic *n = &t.nic[i];

		if (!n->present || !(n->flags & KISCSI_IBFT_VALID) ||
		    !nic_used(&t, n))
			continue;
		done++;
		r = netup_one(n);
		if (r && !ret)
			ret = r;
	}
	kiscsi_ibft_clear(&t);
	if (!done) {
		fprintf(stderr, "%s: the firmware table has no valid NIC with a valid target\n",
			prog);
		return KISCSI_E_NOSESSION;
	}
	return ret;
}

static int login_one(const struct kiscsi_ibft *t, int i)
{
	char target[KISCSI_NAME_MAX + 1], tag[64];
	struct kiscsi_portal portal;
	struct kiscsi_error err;
	struct kiscsi_opts opts;

	kiscsi_opts_init(&opts);
	if (kiscsi_ibft_login_opts(t, i, &portal, target, &opts, &err)) {
		kiscsi_chap_auth_clear(&opts.chap);
		return fail(&err);	/* the message names the target */
	}
	snprintf(tag, sizeof(tag), "firmware %s", opts.boot.target);
	return login_prepared(&portal, target, &opts, tag);
}

int fw_boot_login(void)
{
	struct kiscsi_ibft t;
	int i, r, ret = 0, done = 0;

	r = load(&t);
	if (r)
		return r;
	for (i = 0; i < KISCSI_IBFT_MAX; i++) {
		const struct kiscsi_ibft_target *g = &t.target[i];

		if (!g->present || (g->flags & (KISCSI_IBFT_VALID |
		    KISCSI_IBFT_BOOT)) != (KISCSI_IBFT_VALID | KISCSI_IBFT_BOOT))
			continue;
		done++;
		r = login_one(&t, i);
		if (r && !ret)
			ret = r;
	}
	kiscsi_ibft_clear(&t);
	if (!done) {
		fprintf(stderr, "%s: the firmware table has no valid, boot-selected target\n",
			prog);
		return KISCSI_E_NOSESSION;
	}
	return ret;
}

int cmd_fw_boot(int argc, char **argv)
{
	bool netup = !strcmp(argv[0], "netup");
	int r = no_options(netup ? "fw netup" : "fw login", argc, argv,
			   netup ? help_netup : help_login);

	if (r)
		return r < 0 ? 0 : r;
	return netup ? fw_boot_netup() : fw_boot_login();
}

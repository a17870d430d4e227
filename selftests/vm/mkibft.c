// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkibft OUT DESCRIPTION: write an iBFT (the raw ACPI table QEMU takes
 * with -acpitable file=OUT) from a file of key=value lines, the way the
 * VM suite's firmware.ibft describes it:
 *
 *   initiator.name= .flags=
 *   nicN.flags= .ip= .prefix= .origin= .gateway= .dns1= .dns2= .dhcp=
 *        .vlan= .mac= .hostname=
 *   targetN.flags= .ip= .port= .lun= .nic= .chap_type= .name=
 *        .chap_name= .chap_secret= .rev_chap_name= .rev_chap_secret=
 *
 * N is 0 or 1; a section is present when any of its keys is given.
 * flags: 1 valid, 3 valid and boot-selected.  lun: decimal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ibft.h"

static int die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "mkibft: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

static unsigned long num(const char *k, const char *v, unsigned long max)
{
	char *end;
	unsigned long n = strtoul(v, &end, 0);

	if (!*v || *end || n > max)
		die("%s: bad number '%s'", k, v);
	return n;
}

static void str(const char *k, const char *v, char *dst, size_t len)
{
	if (strlen(v) >= len)
		die("%s: '%s' is too long", k, v);
	strcpy(dst, v);
}

static void mac(const char *k, const char *v, uint8_t *m)
{
	if (sscanf(v, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
		   &m[3], &m[4], &m[5]) != 6)
		die("%s: bad MAC '%s'", k, v);
}

static void lun(const char *k, const char *v, uint8_t *l)
{
	unsigned long n = num(k, v, 16383);

	memset(l, 0, 8);
	l[0] = n > 255 ? 0x40 | (n >> 8) : 0;	/* flat space past 255 */
	l[1] = n & 0xff;
}

static void nic_key(struct kiscsi_ibft_nic *n, const char *k, const char *f,
		    const char *v)
{
	n->present = true;
	if (!strcmp(f, "flags"))
		n->flags = num(k, v, 255);
	else if (!strcmp(f, "ip"))
		str(k, v, n->ip_addr, sizeof(n->ip_addr));
	else if (!strcmp(f, "prefix"))
		n->prefix_len = num(k, v, 128);
	else if (!strcmp(f, "origin"))
		n->origin = num(k, v, 255);
	else if (!strcmp(f, "gateway"))
		str(k, v, n->gateway, sizeof(n->gateway));
	else if (!strcmp(f, "dns1"))
		str(k, v, n->primary_dns, sizeof(n->primary_dns));
	else if (!strcmp(f, "dns2"))
		str(k, v, n->secondary_dns, sizeof(n->secondary_dns));
	else if (!strcmp(f, "dhcp"))
		str(k, v, n->dhcp, sizeof(n->dhcp));
	else if (!strcmp(f, "vlan"))
		n->vlan = num(k, v, 4094);
	else if (!strcmp(f, "mac"))
		mac(k, v, n->mac);
	else if (!strcmp(f, "hostname"))
		str(k, v, n->hostname, sizeof(n->hostname));
	else
		die("unknown key %s%s", k, "");
}

static void target_key(struct kiscsi_ibft_target *g, const char *k,
		       const char *f, const char *v)
{
	g->present = true;
	if (!strcmp(f, "flags"))
		g->flags = num(k, v, 255);
	else if (!strcmp(f, "ip"))
		str(k, v, g->ip_addr, sizeof(g->ip_addr));
	else if (!strcmp(f, "port"))
		g->port = num(k, v, 65535);
	else if (!strcmp(f, "lun"))
		lun(k, v, g->lun);
	else if (!strcmp(f, "nic"))
		g->nic_assoc = num(k, v, 255);
	else if (!strcmp(f, "chap_type"))
		g->chap_type = num(k, v, 2);
	else if (!strcmp(f, "name"))
		str(k, v, g->name, sizeof(g->name));
	else if (!strcmp(f, "chap_name"))
		str(k, v, g->chap_name, sizeof(g->chap_name));
	else if (!strcmp(f, "chap_secret"))
		str(k, v, g->chap_secret, sizeof(g->chap_secret));
	else if (!strcmp(f, "rev_chap_name"))
		str(k, v, g->rev_chap_name, sizeof(g->rev_chap_name));
	else if (!strcmp(f, "rev_chap_secret"))
		str(k, v, g->rev_chap_secret, sizeof(g->rev_chap_secret));
	else
		die("unknown key %s%s", k, "");
}

static void key(struct kiscsi_ibft *t, char *k, const char *v)
{
	char *f = strchr(k, '.');
	unsigned int i;

	if (!f)
		die("key %s has no section%s", k, "");
	*f++ = '\0';
	if (!strcmp(k, "initiator")) {
		t->initiator.present = true;
		if (!strcmp(f, "name"))
			str(f, v, t->initiator.name, sizeof(t->initiator.name));
		else if (!strcmp(f, "flags"))
			t->initiator.flags = num(f, v, 255);
		else
			die("unknown key initiator.%s%s", f, "");
	} else if (sscanf(k, "nic%u", &i) == 1 && i < KISCSI_IBFT_MAX) {
		t->nic[i].index = i;
		nic_key(&t->nic[i], f, f, v);
	} else if (sscanf(k, "target%u", &i) == 1 && i < KISCSI_IBFT_MAX) {
		t->target[i].index = i;
		target_key(&t->target[i], f, f, v);
	} else {
		die("unknown section %s%s", k, "");
	}
}

int main(int argc, char **argv)
{
	static uint8_t buf[8192];
	struct kiscsi_error err = { 0 };
	struct kiscsi_ibft t = { 0 };
	char line[512];
	FILE *in, *out;
	long n;

	if (argc != 3)
		die("usage: mkibft OUT DESCRIPTION%s%s", "", "");
	in = fopen(argv[2], "r");
	if (!in)
		die("cannot read %s%s", argv[2], "");
	strcpy(t.oem_id, "KISCSI");
	strcpy(t.oem_table_id, "VMSUITE");
	while (fgets(line, sizeof(line), in)) {
		char *eq;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq)
			die("line '%s' is no key=value%s", line, "");
		*eq = '\0';
		key(&t, line, eq + 1);
	}
	fclose(in);
	n = kiscsi_ibft_build(&t, buf, sizeof(buf), &err);
	if (n < 0)
		die("%s%s", err.msg, "");
	out = fopen(argv[1], "w");
	if (!out || fwrite(buf, 1, (size_t)n, out) != (size_t)n ||
	    fclose(out))
		die("cannot write %s%s", argv[1], "");
	return 0;
}

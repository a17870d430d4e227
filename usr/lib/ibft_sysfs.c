// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The iBFT as Linux shows it: the raw ACPI table when ACPI published one
 * (/sys/firmware/acpi/tables/iBFT, IBFT or BIFT), else the iscsi_ibft
 * module's tree (/sys/firmware/ibft: initiator, ethernetN, targetN), one
 * file per value and a missing file meaning unset.  The tree prints a
 * target's LUN as each byte in %x with no padding, which is ambiguous in
 * general: it is read for the usual single-level LUN only, and the raw
 * table is preferred where there is one.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "ibft.h"

#define TABLE_MAX	65536

/* One sysfs value, its newline stripped; 0 if the file is missing. */
static int value(const char *dir, const char *name, char *out, size_t cap)
{
	char path[4096];
	ssize_t n;
	int fd;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, out, cap - 1);
	close(fd);
	if (n < 0)
		return 0;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 1;
}

/* a number file; def when missing */
static int number(const char *dir, const char *name, unsigned long max,
		  unsigned long def, unsigned long *v, struct kiscsi_error *err)
{
	char buf[32], *end;

	*v = def;
	if (!value(dir, name, buf, sizeof(buf)))
		return 0;
	errno = 0;
	*v = strtoul(buf, &end, 10);
	if (errno || end == buf || *end || *v > max)
		return kiscsi_err(err, KISCSI_E_INVAL, "%s/%s: '%s' is not a number 0-%lu",
				  dir, name, buf, max);
	return 0;
}

/* an address file: 0.0.0.0 and :: mean unset; IPv6 in its short form */
static int address(const char *dir, const char *name, char *out,
		   struct kiscsi_error *err)
{
	unsigned char a[16];
	char buf[128];

	out[0] = '\0';
	if (!value(dir, name, buf, sizeof(buf)) || !*buf)
		return 0;
	if (inet_pton(AF_INET, buf, a) == 1) {
		if (memcmp(a, "\0\0\0\0", 4))
			inet_ntop(AF_INET, a, out, KISCSI_ADDR_MAX);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		static const unsigned char zero[16];

		if (memcmp(a, zero, 16))
			inet_ntop(AF_INET6, a, out, KISCSI_ADDR_MAX);
		return 0;
	}
	return kiscsi_err(err, KISCSI_E_INVAL, "%s/%s: '%s' is not an address",
			  dir, name, buf);
}

static int text(const char *dir, const char *name, char *out, size_t cap,
		struct kiscsi_error *err)
{
	char buf[1024];

	out[0] = '\0';
	if (!value(dir, name, buf, sizeof(buf)))
		return 0;
	if (strlen(buf) >= cap)
		return kiscsi_err(err, KISCSI_E_INVAL, "%s/%s: longer than %zu bytes",
				  dir, name, cap - 1);
	strcpy(out, buf);
	return 0;
}

/* "0" + LUN in hex + "000000": the bytes 00 NN 00.. of a LUN below 256 */
static int lun(const char *dir, uint8_t out[8], struct kiscsi_error *err)
{
	char buf[64], *end;
	size_t n;
	unsigned long v;

	memset(out, 0, 8);
	if (!value(dir, "lun", buf, sizeof(buf)))
		return 0;
	n = strlen(buf);
	if (n >= 8 && n <= 9 && buf[0] == '0' &&
	    !strcmp(buf + n - 6, "000000")) {
		buf[n - 6] = '\0';
		v = strtoul(buf + 1, &end, 16);
		if (!*end && v < 256 && (n == 8 || v >= 16)) {
			out[1] = (uint8_t)v;
			return 0;
		}
	}
	return kiscsi_err(err, KISCSI_E_INVAL,
			  "%s/lun: '%s' is not a single-level LUN below 256, and the byte-by-byte form of others is ambiguous (no ACPI table to read it from)",
			  dir, buf);
}

static int mac(const char *dir, uint8_t out[6], struct kiscsi_error *err)
{
	char buf[64];
	unsigned int b[6];
	int i;

	memset(out, 0, 6);
	if (!value(dir, "mac", buf, sizeof(buf)) || !*buf)
		return 0;
	if (sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		return kiscsi_err(err, KISCSI_E_INVAL, "%s/mac: '%s' is not a MAC address",
				  dir, buf);
	for (i = 0; i < 6; i++)
		out[i] = (uint8_t)b[i];
	return 0;
}

static int read_initiator(const char *dir, struct kiscsi_ibft_initiator *in,
			  struct kiscsi_error *err)
{
	unsigned long flags;

	in->present = true;
	if (number(dir, "flags", 255, 0, &flags, err) ||
	    address(dir, "isns-server", in->isns_server, err) ||
	    address(dir, "slp-server", in->slp_server, err) ||
	    address(dir, "pri-radius-server", in->pri_radius_server, err) ||
	    address(dir, "sec-radius-server", in->sec_radius_server, err) ||
	    text(dir, "initiator-name", in->name, sizeof(in->name), err))
		return -KISCSI_E_INVAL;
	in->flags = (uint8_t)flags;
	return 0;
}

static int read_nic(const char *dir, struct kiscsi_ibft_nic *n,
		    struct kiscsi_error *err)
{
	unsigned long flags, prefix, origin, vlan;

	n->present = true;
	if (number(dir, "flags", 255, 0, &flags, err) ||
	    address(dir, "ip-addr", n->ip_addr, err) ||
	    number(dir, "prefix-len", 128, 0, &prefix, err) ||
	    number(dir, "origin", 255, 0, &origin, err) ||
	    address(dir, "gateway", n->gateway, err) ||
	    address(dir, "primary-dns", n->primary_dns, err) ||
	    address(dir, "secondary-dns", n->secondary_dns, err) ||
	    address(dir, "dhcp", n->dhcp, err) ||
	    number(dir, "vlan", 65535, 0, &vlan, err) ||
	    mac(dir, n->mac, err) ||
	    text(dir, "hostname", n->hostname, sizeof(n->hostname), err))
		return -KISCSI_E_INVAL;
	n->flags = (uint8_t)flags;
	n->prefix_len = (uint8_t)prefix;
	n->origin = (uint8_t)origin;
	n->vlan = (uint16_t)vlan;
	return 0;
}

static int read_target(const char *dir, struct kiscsi_ibft_target *t,
		       struct kiscsi_error *err)
{
	unsigned long flags, port, chap, nic;

	t->present = true;
	if (number(dir, "flags", 255, 0, &flags, err) ||
	    address(dir, "ip-addr", t->ip_addr, err) ||
	    number(dir, "port", 65535, 0, &port, err) ||
	    lun(dir, t->lun, err) ||
	    number(dir, "chap-type", 2, 0, &chap, err) ||
	    number(dir, "nic-assoc", 255, 0, &nic, err) ||
	    text(dir, "target-name", t->name, sizeof(t->name), err) ||
	    text(dir, "chap-name", t->chap_name, sizeof(t->chap_name), err) ||
	    text(dir, "chap-secret", t->chap_secret, sizeof(t->chap_secret), err) ||
	    text(dir, "rev-chap-name", t->rev_chap_name,
		 sizeof(t->rev_chap_name), err) ||
	    text(dir, "rev-chap-name-secret", t->rev_chap_secret,
		 sizeof(t->rev_chap_secret), err))
		return -KISCSI_E_INVAL;
	t->flags = (uint8_t)flags;
	t->port = (uint16_t)port;
	t->chap_type = (uint8_t)chap;
	t->nic_assoc = (uint8_t)nic;
	return 0;
}

static int read_tree(const char *root, struct kiscsi_ibft *t,
		     struct kiscsi_error *err)
{
	char dir[4352];
	struct dirent *e;
	DIR *d = opendir(root);
	int ret = 0;

	if (!d)
		return kiscsi_err(err, KISCSI_E_NOSESSION,
				  "no iBFT: neither an ACPI table nor %s (is the iscsi_ibft module loaded? 'modprobe iscsi_ibft')",
				  root);
	while (!ret && (e = readdir(d))) {
		unsigned long index;
		char *end;

		if (snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name) >=
		    (int)sizeof(dir))
			continue;
		if (!strcmp(e->d_name, "initiator")) {
			ret = read_initiator(dir, &t->initiator, err);
			continue;
		}
		if (!strncmp(e->d_name, "ethernet", 8) ||
		    !strncmp(e->d_name, "target", 6)) {
			bool eth = e->d_name[0] == 'e';

			index = strtoul(e->d_name + (eth ? 8 : 6), &end, 10);
			if (*end || index >= KISCSI_IBFT_MAX)
				continue;
			if (eth) {
				t->nic[index].index = (uint8_t)index;
				ret = read_nic(dir, &t->nic[index], err);
			} else {
				t->target[index].index = (uint8_t)index;
				ret = read_target(dir, &t->target[index], err);
			}
		}
	}
	closedir(d);
	return ret;
}

static int read_table(const char *path, struct kiscsi_ibft *t,
		      struct kiscsi_error *err)
{
	uint8_t *buf = malloc(TABLE_MAX);
	ssize_t n, got = 0;
	int fd, ret;

	if (!buf)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return kiscsi_err(err, KISCSI_E_GENERIC, "%s: %s", path,
				  strerror(errno));
	}
	while ((n = read(fd, buf + got, TABLE_MAX - (size_t)got)) > 0)
		got += n;
	close(fd);
	if (n < 0)
		ret = kiscsi_err(err, KISCSI_E_GENERIC, "%s: %s", path,
				 strerror(errno));
	else
		ret = kiscsi_ibft_parse(buf, (size_t)got, t, err);
	explicit_bzero(buf, TABLE_MAX);
	free(buf);
	return ret;
}

int kiscsi_ibft_load(const char *sysfs, struct kiscsi_ibft *t,
		     struct kiscsi_error *err)
{
	static const char *const names[] = { "iBFT", "IBFT", "BIFT" };
	struct kiscsi_ibft out = { 0 };
	char path[4096];
	size_t i;
	int ret;

	if (!sysfs)
		sysfs = "/sys";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/firmware/acpi/tables/%s",
			 sysfs, names[i]);
		if (!access(path, R_OK))
			return read_table(path, t, err);
	}
	snprintf(path, sizeof(path), "%s/firmware/ibft", sysfs);
	ret = read_tree(path, &out, err);
	if (!ret)
		*t = out;
	kiscsi_ibft_clear(&out);
	return ret;
}

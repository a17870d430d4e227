/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The iSCSI Boot Firmware Table (iBFT 1.03), the raw ACPI table as
 * /sys/firmware/acpi/tables/iBFT holds it: parsed with every offset,
 * length and checksum checked (ibft.c), and built from values for tests
 * (ibft_build.c; QEMU takes the result with -acpitable file=...).
 * Layout as the kernel's drivers/firmware/iscsi_ibft.c reads it.
 */
#ifndef KISCSI_IBFT_H
#define KISCSI_IBFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libkiscsi.h"

#define KISCSI_IBFT_MAX		2	/* NICs and targets the control lists */
#define KISCSI_IBFT_STR_MAX	255

/* header flags */
#define KISCSI_IBFT_VALID	0x01
#define KISCSI_IBFT_BOOT	0x02	/* firmware booted selected */

/* NIC origin (IP prefix origin, as in the ACPI spec) */
enum kiscsi_ibft_origin {
	KISCSI_IBFT_ORIGIN_OTHER,
	KISCSI_IBFT_ORIGIN_MANUAL,
	KISCSI_IBFT_ORIGIN_WELL_KNOWN,
	KISCSI_IBFT_ORIGIN_DHCP,
	KISCSI_IBFT_ORIGIN_RA,
};

struct kiscsi_ibft_initiator {
	bool present;
	uint8_t flags;
	char isns_server[KISCSI_ADDR_MAX];	/* "" when unset */
	char slp_server[KISCSI_ADDR_MAX];
	char pri_radius_server[KISCSI_ADDR_MAX];
	char sec_radius_server[KISCSI_ADDR_MAX];
	char name[KISCSI_NAME_MAX + 1];
};

struct kiscsi_ibft_nic {
	bool present;
	uint8_t index, flags;
	char ip_addr[KISCSI_ADDR_MAX];		/* "" when 0.0.0.0 or :: */
	uint8_t prefix_len;
	uint8_t origin;				/* enum kiscsi_ibft_origin */
	char gateway[KISCSI_ADDR_MAX];
	char primary_dns[KISCSI_ADDR_MAX];
	char secondary_dns[KISCSI_ADDR_MAX];
	char dhcp[KISCSI_ADDR_MAX];
	uint16_t vlan;
	uint8_t mac[6];
	uint16_t pci_bdf;
	char hostname[KISCSI_IBFT_STR_MAX + 1];
};

struct kiscsi_ibft_target {
	bool present;
	uint8_t index, flags;
	char ip_addr[KISCSI_ADDR_MAX];
	uint16_t port;
	uint8_t lun[8];				/* SCSI LUN structure */
	uint8_t chap_type;			/* 0 none, 1 CHAP, 2 mutual */
	uint8_t nic_assoc;			/* the NIC's index */
	char name[KISCSI_NAME_MAX + 1];
	char chap_name[KISCSI_IBFT_STR_MAX + 1];
	char chap_secret[KISCSI_IBFT_STR_MAX + 1];
	char rev_chap_name[KISCSI_IBFT_STR_MAX + 1];
	char rev_chap_secret[KISCSI_IBFT_STR_MAX + 1];
};

struct kiscsi_ibft {
	char signature[5];			/* "iBFT", "IBFT" or "BIFT" */
	char oem_id[7];
	char oem_table_id[9];
	struct kiscsi_ibft_initiator initiator;
	struct kiscsi_ibft_nic nic[KISCSI_IBFT_MAX];
	struct kiscsi_ibft_target target[KISCSI_IBFT_MAX];
};

/* Parse a raw table; err names what is wrong (nothing kept then). */
int kiscsi_ibft_parse(const void *table, size_t len, struct kiscsi_ibft *t,
		      struct kiscsi_error *err);
/*
 * A single-level LUN's number, as the kernel's scsilun_to_int reads the
 * first level; -1 for a LUN with more than one level.
 */
int64_t kiscsi_ibft_lun(const uint8_t lun[8]);
/* Wipe the secrets. */
void kiscsi_ibft_clear(struct kiscsi_ibft *t);

/*
 * The machine's iBFT (ibft_sysfs.c): the raw ACPI table under
 * SYSFS/firmware/acpi/tables when there is one, else the iscsi_ibft
 * module's SYSFS/firmware/ibft tree.  sysfs NULL: /sys.  No iBFT at all:
 * -KISCSI_E_NOSESSION with a line saying where it looked.
 */
int kiscsi_ibft_load(const char *sysfs, struct kiscsi_ibft *t,
		     struct kiscsi_error *err);

/*
 * What logging in to target i (an index into t->target) takes: its portal,
 * name, CHAP, the firmware's initiator name and the session's boot names
 * ("ibft", "ethernetN", "targetN").  opts must be initialised; the target
 * is bound to the interface of its NIC (kiscsi_netconf_find), which must
 * be up ('kiscsi fw netup' or dracut's ip=ibft).
 */
int kiscsi_ibft_login_opts(const struct kiscsi_ibft *t, int i,
			   struct kiscsi_portal *portal,
			   char target[KISCSI_NAME_MAX + 1],
			   struct kiscsi_opts *opts, struct kiscsi_error *err);

/* The NIC a target uses (its nic_assoc), or NULL. */
const struct kiscsi_ibft_nic *
kiscsi_ibft_target_nic(const struct kiscsi_ibft *t,
		       const struct kiscsi_ibft_target *g);

/*
 * Build a table from t (present entries only; addresses numeric or "",
 * strings in a heap after the structures): its length, or -1 with err
 * if a value does not fit or buf is short.
 */
long kiscsi_ibft_build(const struct kiscsi_ibft *t, uint8_t *buf, size_t cap,
		       struct kiscsi_error *err);

#endif

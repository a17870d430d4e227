/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Byte offsets of the iBFT 1.03 structures, little-endian, as in the
 * kernel's drivers/firmware/iscsi_ibft.c (struct ibft_*) and ACPICA's
 * struct acpi_table_ibft: shared by the reader and the builder.
 */
#ifndef KISCSI_IBFT_LAYOUT_H
#define KISCSI_IBFT_LAYOUT_H

#define IBFT_HEADER_LEN		48	/* ACPI header + 12 reserved */

enum {
	IBFT_ID_CONTROL = 1,
	IBFT_ID_INITIATOR = 2,
	IBFT_ID_NIC = 3,
	IBFT_ID_TARGET = 4,
};

/* every structure's header */
#define IBFT_HDR_ID		0
#define IBFT_HDR_VERSION	1
#define IBFT_HDR_LENGTH		2	/* u16 */
#define IBFT_HDR_INDEX		4
#define IBFT_HDR_FLAGS		5

#define IBFT_CONTROL_LEN	18
#define IBFT_CTL_EXTENSIONS	6
#define IBFT_CTL_INITIATOR	8	/* then nic0, tgt0, nic1, tgt1 */

#define IBFT_INITIATOR_LEN	74
#define IBFT_INI_ISNS		6
#define IBFT_INI_SLP		22
#define IBFT_INI_PRI_RADIUS	38
#define IBFT_INI_SEC_RADIUS	54
#define IBFT_INI_NAME		70	/* u16 length, u16 offset */

#define IBFT_NIC_LEN		102
#define IBFT_NIC_IP		6
#define IBFT_NIC_PREFIX		22
#define IBFT_NIC_ORIGIN		23
#define IBFT_NIC_GATEWAY	24
#define IBFT_NIC_DNS1		40
#define IBFT_NIC_DNS2		56
#define IBFT_NIC_DHCP		72
#define IBFT_NIC_VLAN		88
#define IBFT_NIC_MAC		90
#define IBFT_NIC_PCI_BDF	96
#define IBFT_NIC_HOSTNAME	98

#define IBFT_TARGET_LEN		54
#define IBFT_TGT_IP		6
#define IBFT_TGT_PORT		22
#define IBFT_TGT_LUN		24
#define IBFT_TGT_CHAP_TYPE	32
#define IBFT_TGT_NIC_ASSOC	33
#define IBFT_TGT_NAME		34
#define IBFT_TGT_CHAP_NAME	38
#define IBFT_TGT_CHAP_SECRET	42
#define IBFT_TGT_REV_CHAP_NAME	46
#define IBFT_TGT_REV_CHAP_SECRET 50

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading a raw iBFT (ibft.h).  Firmware writes it and anyone with an
 * ACPI override can too: every offset and length is checked against the
 * table before it is followed, and the checksum must hold.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "ibft.h"
#include "ibft_layout.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* 16 bytes, IPv4 mapped or IPv6; "" for 0.0.0.0 and :: (unset) */
static void ip_str(const uint8_t *a, char *out, size_t len)
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	static const uint8_t zero[16];

	out[0] = '\0';
	if (!memcmp(a, zero, 16))
		return;
	if (!memcmp(a, mapped, 12)) {
		if (memcmp(a + 12, zero, 4))
			inet_ntop(AF_INET, a + 12, out, (socklen_t)len);
		return;
	}
	inet_ntop(AF_INET6, a, out, (socklen_t)len);
}

struct reader {
	const uint8_t *t;
	size_t len;
	struct kiscsi_error *err;
};

/* A heap string: (length, offset) within the table, no NUL in it. */
static int heap_str(struct reader *r, const uint8_t *lenp, const char *what,
		    char *out, size_t cap)
{
	uint16_t n = le16(lenp), off = le16(lenp + 2);

	out[0] = '\0';
	if (!n)
		return 0;
	if (n >= cap)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: %s is %u bytes, longer than %zu",
				  what, n, cap - 1);
	if (off < IBFT_HEADER_LEN || (size_t)off + n > r->len)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: %s at offset %u, length %u, lies outside the %zu-byte table",
				  what, off, n, r->len);
	if (memchr(r->t + off, '\0', n))
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: %s holds a NUL byte", what);
	memcpy(out, r->t + off, n);
	out[n] = '\0';
	return 0;
}

/* The structure a control offset names, checked: NULL if absent. */
static int structure(struct reader *r, uint16_t off, uint8_t id,
		     uint16_t len, const char *what, const uint8_t **s)
{
	*s = NULL;
	if (!off)
		return 0;
	if (off < IBFT_HEADER_LEN || (size_t)off + len > r->len)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: %s structure at offset %u lies outside the %zu-byte table",
				  what, off, r->len);
	if (r->t[off + IBFT_HDR_ID] != id || le16(r->t + off + IBFT_HDR_LENGTH) != len)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: the %s structure at offset %u has id %u length %u, not id %u length %u",
				  what, off, r->t[off + IBFT_HDR_ID],
				  le16(r->t + off + IBFT_HDR_LENGTH), id, len);
	*s = r->t + off;
	return 0;
}

static int read_initiator(struct reader *r, const uint8_t *s,
			  struct kiscsi_ibft_initiator *in)
{
	in->present = true;
	in->flags = s[IBFT_HDR_FLAGS];
	ip_str(s + IBFT_INI_ISNS, in->isns_server, sizeof(in->isns_server));
	ip_str(s + IBFT_INI_SLP, in->slp_server, sizeof(in->slp_server));
	ip_str(s + IBFT_INI_PRI_RADIUS, in->pri_radius_server,
	       sizeof(in->pri_radius_server));
	ip_str(s + IBFT_INI_SEC_RADIUS, in->sec_radius_server,
	       sizeof(in->sec_radius_server));
	return heap_str(r, s + IBFT_INI_NAME, "initiator name", in->name,
			sizeof(in->name));
}

static int read_nic(struct reader *r, const uint8_t *s,
		    struct kiscsi_ibft_nic *n)
{
	n->present = true;
	n->index = s[IBFT_HDR_INDEX];
	n->flags = s[IBFT_HDR_FLAGS];
	ip_str(s + IBFT_NIC_IP, n->ip_addr, sizeof(n->ip_addr));
	n->prefix_len = s[IBFT_NIC_PREFIX];
	n->origin = s[IBFT_NIC_ORIGIN];
	ip_str(s + IBFT_NIC_GATEWAY, n->gateway, sizeof(n->gateway));
	ip_str(s + IBFT_NIC_DNS1, n->primary_dns, sizeof(n->primary_dns));
	ip_str(s + IBFT_NIC_DNS2, n->secondary_dns, sizeof(n->secondary_dns));
	ip_str(s + IBFT_NIC_DHCP, n->dhcp, sizeof(n->dhcp));
	n->vlan = le16(s + IBFT_NIC_VLAN);
	memcpy(n->mac, s + IBFT_NIC_MAC, 6);
	n->pci_bdf = le16(s + IBFT_NIC_PCI_BDF);
	return heap_str(r, s + IBFT_NIC_HOSTNAME, "hostname", n->hostname,
			sizeof(n->hostname));
}

static int read_target(struct reader *r, const uint8_t *s,
		       struct kiscsi_ibft_target *t)
{
	t->present = true;
	t->index = s[IBFT_HDR_INDEX];
	t->flags = s[IBFT_HDR_FLAGS];
	ip_str(s + IBFT_TGT_IP, t->ip_addr, sizeof(t->ip_addr));
	t->port = le16(s + IBFT_TGT_PORT);
	memcpy(t->lun, s + IBFT_TGT_LUN, 8);
	t->chap_type = s[IBFT_TGT_CHAP_TYPE];
	t->nic_assoc = s[IBFT_TGT_NIC_ASSOC];
	if (t->chap_type > 2)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: target %u has CHAP type %u (0 none, 1 CHAP, 2 mutual)",
				  t->index, t->chap_type);
	return heap_str(r, s + IBFT_TGT_NAME, "target name", t->name,
			sizeof(t->name)) ||
	       heap_str(r, s + IBFT_TGT_CHAP_NAME, "CHAP name", t->chap_name,
			sizeof(t->chap_name)) ||
	       heap_str(r, s + IBFT_TGT_CHAP_SECRET, "CHAP secret",
			t->chap_secret, sizeof(t->chap_secret)) ||
	       heap_str(r, s + IBFT_TGT_REV_CHAP_NAME, "reverse CHAP name",
			t->rev_chap_name, sizeof(t->rev_chap_name)) ||
	       heap_str(r, s + IBFT_TGT_REV_CHAP_SECRET,
			"reverse CHAP secret", t->rev_chap_secret,
			sizeof(t->rev_chap_secret)) ? -KISCSI_E_INVAL : 0;
}

static int parse(struct reader *r, struct kiscsi_ibft *t)
{
	const uint8_t *c = r->t + IBFT_HEADER_LEN, *s;
	uint16_t clen, off[5];
	uint8_t sum = 0;
	size_t i;
	int ret;

	if (r->len < IBFT_HEADER_LEN + IBFT_CONTROL_LEN)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: %zu bytes, too short for a table", r->len);
	if (memcmp(r->t, "iBFT", 4) && memcmp(r->t, "IBFT", 4) &&
	    memcmp(r->t, "BIFT", 4))
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: signature '%.4s', not iBFT, IBFT or BIFT",
				  (const char *)r->t);
	if (le32(r->t + 4) != r->len)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: the header says %u bytes, the table has %zu",
				  le32(r->t + 4), r->len);
	for (i = 0; i < r->len; i++)
		sum += r->t[i];
	if (sum)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: checksum does not add up (sum 0x%02x)", sum);
	memcpy(t->signature, r->t, 4);
	memcpy(t->oem_id, r->t + 10, 6);
	memcpy(t->oem_table_id, r->t + 16, 8);

	clen = le16(c + IBFT_HDR_LENGTH);
	if (c[IBFT_HDR_ID] != IBFT_ID_CONTROL || clen < IBFT_CONTROL_LEN ||
	    IBFT_HEADER_LEN + (size_t)clen > r->len)
		return kiscsi_err(r->err, KISCSI_E_INVAL,
				  "iBFT: no valid control structure (id %u, length %u)",
				  c[IBFT_HDR_ID], clen);
	for (i = 0; i < 5; i++)
		off[i] = le16(c + IBFT_CTL_INITIATOR + 2 * i);

	ret = structure(r, off[0], IBFT_ID_INITIATOR, IBFT_INITIATOR_LEN,
			"initiator", &s);
	if (!ret && s)
		ret = read_initiator(r, s, &t->initiator);
	for (i = 0; !ret && i < KISCSI_IBFT_MAX; i++) {
		ret = structure(r, off[1 + 2 * i], IBFT_ID_NIC, IBFT_NIC_LEN,
				"NIC", &s);
		if (!ret && s)
			ret = read_nic(r, s, &t->nic[i]);
		if (!ret)
			ret = structure(r, off[2 + 2 * i], IBFT_ID_TARGET,
					IBFT_TARGET_LEN, "target", &s);
		if (!ret && s)
			ret = read_target(r, s, &t->target[i]);
	}
	return ret;
}

int kiscsi_ibft_parse(const void *table, size_t len, struct kiscsi_ibft *t,
		      struct kiscsi_error *err)
{
	struct reader r = { .t = table, .len = len, .err = err };
	struct kiscsi_ibft out = { 0 };
	int ret = parse(&r, &out);

	if (!ret)
		*t = out;
	kiscsi_ibft_clear(&out);
	return ret;
}

int64_t kiscsi_ibft_lun(const uint8_t lun[8])
{
	static const uint8_t zero[6];

	/* peripheral (00b) or flat (01b) addressing, one level */
	if (memcmp(lun + 2, zero, 6) || (lun[0] >> 6) > 1)
		return -1;
	return (int64_t)((lun[0] & 0x3f) << 8 | lun[1]);
}

void kiscsi_ibft_clear(struct kiscsi_ibft *t)
{
	explicit_bzero(t->target, sizeof(t->target));
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writing an iBFT (ibft.h) for tests: header, control, the present
 * initiator, NIC and target structures, then a heap of strings, each
 * 8-byte aligned as firmware lays them out, and the checksum last.
 */
#include <arpa/inet.h>
#include <string.h>

#include "error.h"
#include "ibft.h"
#include "ibft_layout.h"

struct writer {
	uint8_t *b;
	size_t cap, used;
	struct kiscsi_error *err;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* room for len more bytes, 8-byte aligned: its offset, or 0 */
static size_t take(struct writer *w, size_t len)
{
	size_t off = (w->used + 7) & ~(size_t)7;

	if (off + len > w->cap || off + len > 0xffff) {
		kiscsi_err(w->err, KISCSI_E_INVAL,
			   "iBFT: %zu bytes do not fit", off + len);
		return 0;
	}
	w->used = off + len;
	return off;
}

static int ip(struct writer *w, const char *s, uint8_t *out)
{
	memset(out, 0, 16);
	if (!*s)
		return 0;
	if (inet_pton(AF_INET, s, out + 12) == 1) {
		out[10] = out[11] = 0xff;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1)
		return 0;
	return kiscsi_err(w->err, KISCSI_E_INVAL,
			  "iBFT: '%s' is not a numeric address", s);
}

static int str(struct writer *w, const char *s, uint8_t *lenp)
{
	size_t n = strlen(s), off;

	if (!n)
		return 0;
	off = take(w, n + 1);		/* firmware NUL-terminates them */
	if (!off)
		return -KISCSI_E_INVAL;
	memcpy(w->b + off, s, n + 1);
	put16(lenp, (uint16_t)n);
	put16(lenp + 2, (uint16_t)off);
	return 0;
}

static uint8_t *structure(struct writer *w, uint8_t id, uint16_t len,
			  uint8_t index, uint8_t flags, uint8_t *ctl_slot)
{
	size_t off = take(w, len);
	uint8_t *s;

	if (!off)
		return NULL;
	s = w->b + off;
	s[IBFT_HDR_ID] = id;
	s[IBFT_HDR_VERSION] = 1;
	put16(s + IBFT_HDR_LENGTH, len);
	s[IBFT_HDR_INDEX] = index;
	s[IBFT_HDR_FLAGS] = flags;
	put16(ctl_slot, (uint16_t)off);
	return s;
}

static int initiator(struct writer *w, const struct kiscsi_ibft_initiator *in,
		     uint8_t *slot)
{
	uint8_t *s = structure(w, IBFT_ID_INITIATOR, IBFT_INITIATOR_LEN, 0,
			       in->flags, slot);

	if (!s)
		return -KISCSI_E_INVAL;
	if (ip(w, in->isns_server, s + IBFT_INI_ISNS) ||
	    ip(w, in->slp_server, s + IBFT_INI_SLP) ||
	    ip(w, in->pri_radius_server, s + IBFT_INI_PRI_RADIUS) ||
	    ip(w, in->sec_radius_server, s + IBFT_INI_SEC_RADIUS))
		return -KISCSI_E_INVAL;
	/* the heap may move w->b's use on, never the buffer: s stays valid */
	return str(w, in->name, s + IBFT_INI_NAME);
}

static int nic(struct writer *w, const struct kiscsi_ibft_nic *n,
	       uint8_t *slot)
{
	uint8_t *s = structure(w, IBFT_ID_NIC, IBFT_NIC_LEN, n->index,
			       n->flags, slot);

	if (!s)
		return -KISCSI_E_INVAL;
	if (ip(w, n->ip_addr, s + IBFT_NIC_IP) ||
	    ip(w, n->gateway, s + IBFT_NIC_GATEWAY) ||
	    ip(w, n->primary_dns, s + IBFT_NIC_DNS1) ||
	    ip(w, n->secondary_dns, s + IBFT_NIC_DNS2) ||
	    ip(w, n->dhcp, s + IBFT_NIC_DHCP))
		return -KISCSI_E_INVAL;
	s[IBFT_NIC_PREFIX] = n->prefix_len;
	s[IBFT_NIC_ORIGIN] = n->origin;
	put16(s + IBFT_NIC_VLAN, n->vlan);
	memcpy(s + IBFT_NIC_MAC, n->mac, 6);
	put16(s + IBFT_NIC_PCI_BDF, n->pci_bdf);
	return str(w, n->hostname, s + IBFT_NIC_HOSTNAME);
}

static int target(struct writer *w, const struct kiscsi_ibft_target *t,
		  uint8_t *slot)
{
	uint8_t *s = structure(w, IBFT_ID_TARGET, IBFT_TARGET_LEN, t->index,
			       t->flags, slot);

	if (!s || ip(w, t->ip_addr, s + IBFT_TGT_IP))
		return -KISCSI_E_INVAL;
	put16(s + IBFT_TGT_PORT, t->port);
	memcpy(s + IBFT_TGT_LUN, t->lun, 8);
	s[IBFT_TGT_CHAP_TYPE] = t->chap_type;
	s[IBFT_TGT_NIC_ASSOC] = t->nic_assoc;
	return str(w, t->name, s + IBFT_TGT_NAME) ||
	       str(w, t->chap_name, s + IBFT_TGT_CHAP_NAME) ||
	       str(w, t->chap_secret, s + IBFT_TGT_CHAP_SECRET) ||
	       str(w, t->rev_chap_name, s + IBFT_TGT_REV_CHAP_NAME) ||
	       str(w, t->rev_chap_secret, s + IBFT_TGT_REV_CHAP_SECRET) ?
	       -KISCSI_E_INVAL : 0;
}

long kiscsi_ibft_build(const struct kiscsi_ibft *t, uint8_t *buf, size_t cap,
		       struct kiscsi_error *err)
{
	struct writer w = { .b = buf, .cap = cap, .err = err };
	uint8_t *ctl, sum = 0;
	size_t i;
	int ret = 0;

	if (cap < IBFT_HEADER_LEN + IBFT_CONTROL_LEN)
		return kiscsi_err(err, KISCSI_E_INVAL, "iBFT: buffer too small");
	memset(buf, 0, cap);
	memcpy(buf, t->signature[0] ? t->signature : "iBFT", 4);
	buf[8] = 1;					/* revision */
	memcpy(buf + 10, t->oem_id, strnlen(t->oem_id, 6));
	memcpy(buf + 16, t->oem_table_id, strnlen(t->oem_table_id, 8));
	w.used = IBFT_HEADER_LEN;
	ctl = buf + take(&w, IBFT_CONTROL_LEN);
	ctl[IBFT_HDR_ID] = IBFT_ID_CONTROL;
	ctl[IBFT_HDR_VERSION] = 1;
	put16(ctl + IBFT_HDR_LENGTH, IBFT_CONTROL_LEN);

	if (t->initiator.present)
		ret = initiator(&w, &t->initiator, ctl + IBFT_CTL_INITIATOR);
	for (i = 0; !ret && i < KISCSI_IBFT_MAX; i++) {
		if (t->nic[i].present)
			ret = nic(&w, &t->nic[i], ctl + IBFT_CTL_INITIATOR + 2 + 4 * i);
		if (!ret && t->target[i].present)
			ret = target(&w, &t->target[i],
				     ctl + IBFT_CTL_INITIATOR + 4 + 4 * i);
	}
	if (ret)
		return ret;
	w.used = (w.used + 7) & ~(size_t)7;
	if (w.used > cap)
		return kiscsi_err(err, KISCSI_E_INVAL, "iBFT: buffer too small");
	put32(buf + 4, (uint32_t)w.used);
	for (i = 0; i < w.used; i++)
		sum += buf[i];
	buf[9] = (uint8_t)(0x100 - sum);
	return (long)w.used;
}

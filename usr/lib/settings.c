// SPDX-License-Identifier: LGPL-2.1-or-later
/* The per-session settings table: record keys, options, ranges. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kiscsi.h>

#include "settings.h"

const struct kiscsi_setting_def kiscsi_setting_defs[KS_NSETTINGS] = {
	[KS_QUEUE_DEPTH] = { "queue_depth", "queue-depth", KS_T_UINT, 1, 1024,
		"N", "commands in flight, 1-1024 (default 128)" },
	[KS_SCSI_TIMEOUT] = { "scsi_timeout", "scsi-timeout", KS_T_UINT, 1, 86400,
		"S", "SCSI command timeout of its disks (default 30)" },
	[KS_TMF_TIMEOUT] = { "tmf_timeout", "tmf-timeout", KS_T_UINT, 1, 3600,
		"S", "seconds to wait for a task management answer\n"
		"(ABORT TASK, LU RESET, TARGET RESET; default 10)" },
	[KS_NOP_INTERVAL] = { "noop_interval", "noop-interval", KS_T_UINT, 0, 3600,
		"S", "idle seconds before a NOP-Out ping, 0 = off\n"
		"(default 5)" },
	[KS_NOP_TIMEOUT] = { "noop_timeout", "noop-timeout", KS_T_UINT, 1, 3600,
		"S", "seconds to wait for the NOP-In (default 5)" },
	[KS_RECOVERY_TIMEOUT] = { "recovery_timeout", "recovery-timeout", KS_T_UINT, 0, 86400,
		"S", "replacement timeout: seconds a lost connection\n"
		"may take to come back (default 120)" },
	[KS_LOGIN_TIMEOUT] = { "login_timeout", "login-timeout", KS_T_UINT, 1, 3600,
		"S", "seconds for the connection and each login\n"
		"response (default 15)" },
	[KS_HEADER_DIGEST] = { "header_digest", "header-digest", KS_T_DIGEST, 0, 0,
		"none|crc32c", "header digest to offer (default none)" },
	[KS_DATA_DIGEST] = { "data_digest", "data-digest", KS_T_DIGEST, 0, 0,
		"none|crc32c", "data digest to offer (default none)" },
	[KS_IFACE] = { "iface", "iface", KS_T_IFACE, 0, 0,
		"NAME", "connect through this interface (SO_BINDTODEVICE)" },
	[KS_SOURCE] = { "source", "source", KS_T_ADDR, 0, 0,
		"ADDR", "connect from this local address" },
	[KS_CHAP_ALGS] = { "chap_algorithms", "chap-algorithms", KS_T_CHAP_ALGS, 0, 0,
		"LIST", "CHAP_A offered, in order of preference, from\n"
		"md5, sha1, sha256, sha3-256 (default md5)" },
};

int kiscsi_setting_by_key(const char *key)
{
	int i;

	for (i = 0; i < KS_NSETTINGS; i++)
		if (!strcmp(kiscsi_setting_defs[i].key, key))
			return i;
	return -1;
}

int kiscsi_setting_by_option(const char *option)
{
	int i;

	for (i = 0; i < KS_NSETTINGS; i++)
		if (!strcmp(kiscsi_setting_defs[i].option, option))
			return i;
	return -1;
}

static int parse_dec(const char *s, unsigned long lo, unsigned long hi,
		     uint32_t *v)
{
	unsigned long r;
	char *end;

	if (*s < '0' || *s > '9' || strlen(s) > 10)
		return -1;
	r = strtoul(s, &end, 10);
	if (*end || r < lo || r > hi)
		return -1;
	*v = (uint32_t)r;
	return 0;
}

static bool iface_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > KISCSI_IFACE_MAX)
		return false;
	/* what the kernel refuses in a name: '/', ':', spaces */
	return !strpbrk(s, "/: \t\n\r=");
}

/* Numeric v4 or v6, v6 maybe with %zone. */
static bool addr_ok(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char tmp[KISCSI_ADDR_MAX], *pct;

	if (strlen(s) >= sizeof(tmp))
		return false;
	if (inet_pton(AF_INET, s, buf) == 1)
		return true;
	snprintf(tmp, sizeof(tmp), "%s", s);
	pct = strchr(tmp, '%');
	if (pct) {
		if (!iface_ok(pct + 1))
			return false;
		*pct = '\0';
	}
	return inet_pton(AF_INET6, tmp, buf) == 1;
}

int kiscsi_setting_parse(struct kiscsi_settings *s, int id, const char *value,
			 char *why, size_t len)
{
	const struct kiscsi_setting_def *d = &kiscsi_setting_defs[id];

	switch (d->type) {
	case KS_T_UINT:
		if (parse_dec(value, d->lo, d->hi, &s->num[id])) {
			snprintf(why, len, "%s must be %lu-%lu, not '%s'",
				 d->key, d->lo, d->hi, value);
			return -1;
		}
		break;
	case KS_T_DIGEST:
		if (!strcasecmp(value, "none")) {
			s->num[id] = KISCSI_DIGEST_NONE;
		} else if (!strcasecmp(value, "crc32c")) {
			s->num[id] = KISCSI_DIGEST_CRC32C;
		} else {
			snprintf(why, len, "%s must be none or crc32c, not '%s'",
				 d->key, value);
			return -1;
		}
		break;
	case KS_T_IFACE:
		if (!iface_ok(value)) {
			snprintf(why, len,
				 "%s must be an interface name of 1-%d characters, not '%s'",
				 d->key, KISCSI_IFACE_MAX, value);
			return -1;
		}
		snprintf(s->iface, sizeof(s->iface), "%s", value);
		break;
	case KS_T_ADDR:
		if (!addr_ok(value)) {
			snprintf(why, len,
				 "%s must be a numeric IPv4 or IPv6 address, not '%s'",
				 d->key, value);
			return -1;
		}
		snprintf(s->source, sizeof(s->source), "%s", value);
		break;
	case KS_T_CHAP_ALGS: {
		struct kiscsi_chap_auth a = { .nalgs = 0 };
		struct kiscsi_error err;

		if (kiscsi_chap_algs_parse(value, &a, &err)) {
			snprintf(why, len, "%s: %s", d->key, err.msg);
			return -1;
		}
		kiscsi_settings_set_chap_algs(s, &a);
		return 0;
	}
	}
	s->set |= 1u << id;
	return 0;
}

void kiscsi_settings_set_chap_algs(struct kiscsi_settings *s,
				   const struct kiscsi_chap_auth *a)
{
	memcpy(s->chap_algs, a->algs, a->nalgs);
	s->nchap_algs = (uint8_t)a->nalgs;
	s->set |= 1u << KS_CHAP_ALGS;
}

void kiscsi_setting_format(const struct kiscsi_settings *s, int id, char *buf,
			   size_t len)
{
	switch (kiscsi_setting_defs[id].type) {
	case KS_T_UINT:
		snprintf(buf, len, "%u", s->num[id]);
		break;
	case KS_T_DIGEST:
		snprintf(buf, len, "%s", s->num[id] == KISCSI_DIGEST_CRC32C ?
			 "crc32c" : "none");
		break;
	case KS_T_IFACE:
		snprintf(buf, len, "%s", s->iface);
		break;
	case KS_T_ADDR:
		snprintf(buf, len, "%s", s->source);
		break;
	case KS_T_CHAP_ALGS: {
		size_t i, off = 0;

		buf[0] = '\0';
		for (i = 0; i < s->nchap_algs && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						i ? "," : "",
						kiscsi_chap_alg_name(s->chap_algs[i]));
		break;
	}
	}
}

void kiscsi_settings_apply(const struct kiscsi_settings *s,
			   struct kiscsi_opts *o)
{
	const uint32_t *n = s->num;

	if (kiscsi_setting_is_set(s, KS_QUEUE_DEPTH))
		o->queue_depth = n[KS_QUEUE_DEPTH];
	if (kiscsi_setting_is_set(s, KS_SCSI_TIMEOUT))
		o->scsi_timeout = n[KS_SCSI_TIMEOUT];
	if (kiscsi_setting_is_set(s, KS_TMF_TIMEOUT))
		o->tmf_timeout = n[KS_TMF_TIMEOUT];
	if (kiscsi_setting_is_set(s, KS_NOP_INTERVAL))
		o->nop_interval = n[KS_NOP_INTERVAL];
	if (kiscsi_setting_is_set(s, KS_NOP_TIMEOUT))
		o->nop_timeout = n[KS_NOP_TIMEOUT];
	if (kiscsi_setting_is_set(s, KS_RECOVERY_TIMEOUT))
		o->recovery_tmo = n[KS_RECOVERY_TIMEOUT];
	if (kiscsi_setting_is_set(s, KS_LOGIN_TIMEOUT)) {
		o->login_timeout_ms = (int)n[KS_LOGIN_TIMEOUT] * 1000;
		o->connect_timeout_ms = (int)n[KS_LOGIN_TIMEOUT] * 1000;
	}
	if (kiscsi_setting_is_set(s, KS_HEADER_DIGEST))
		o->header_digest = (uint8_t)n[KS_HEADER_DIGEST];
	if (kiscsi_setting_is_set(s, KS_DATA_DIGEST))
		o->data_digest = (uint8_t)n[KS_DATA_DIGEST];
	if (kiscsi_setting_is_set(s, KS_IFACE))
		snprintf(o->iface, sizeof(o->iface), "%s", s->iface);
	if (kiscsi_setting_is_set(s, KS_SOURCE))
		snprintf(o->source, sizeof(o->source), "%s", s->source);
	if (kiscsi_setting_is_set(s, KS_CHAP_ALGS)) {
		memcpy(o->chap.algs, s->chap_algs, s->nchap_algs);
		o->chap.nalgs = s->nchap_algs;
	}
}

void kiscsi_settings_merge(struct kiscsi_settings *to,
			   const struct kiscsi_settings *from)
{
	int i;

	for (i = 0; i < KS_NSETTINGS; i++) {
		if (!kiscsi_setting_is_set(from, i))
			continue;
		to->num[i] = from->num[i];
		to->set |= 1u << i;
	}
	if (kiscsi_setting_is_set(from, KS_IFACE))
		memcpy(to->iface, from->iface, sizeof(to->iface));
	if (kiscsi_setting_is_set(from, KS_SOURCE))
		memcpy(to->source, from->source, sizeof(to->source));
	if (kiscsi_setting_is_set(from, KS_CHAP_ALGS)) {
		memcpy(to->chap_algs, from->chap_algs, sizeof(to->chap_algs));
		to->nchap_algs = from->nchap_algs;
	}
}

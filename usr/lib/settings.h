/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-session settings that a login takes and a node record keeps: one
 * table names each setting's record key, its command-line option and its
 * range, so `kiscsi login`, `kiscsi node add` and the node store parse the
 * same values the same way.
 */
#ifndef KISCSI_SETTINGS_H
#define KISCSI_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libkiscsi.h"

enum kiscsi_setting_id {
	KS_QUEUE_DEPTH,
	KS_SCSI_TIMEOUT,
	KS_TMF_TIMEOUT,
	KS_NOP_INTERVAL,
	KS_NOP_TIMEOUT,
	KS_RECOVERY_TIMEOUT,
	KS_LOGIN_TIMEOUT,
	KS_HEADER_DIGEST,
	KS_DATA_DIGEST,
	KS_IFACE,
	KS_SOURCE,
	KS_CHAP_ALGS,
	KS_NSETTINGS
};

enum kiscsi_setting_type {
	KS_T_UINT,		/* decimal in [lo, hi] */
	KS_T_DIGEST,		/* none | crc32c */
	KS_T_IFACE,		/* interface name */
	KS_T_ADDR,		/* numeric IPv4 or IPv6 address */
	KS_T_CHAP_ALGS,		/* md5,sha1,sha256,sha3-256 in any order */
};

struct kiscsi_setting_def {
	const char *key;	/* in node records: queue_depth */
	const char *option;	/* on the command line: queue-depth */
	int type;		/* enum kiscsi_setting_type */
	unsigned long lo, hi;
	const char *arg;	/* N, S, none|crc32c, NAME, ADDR */
	const char *help;	/* one line for --help */
};

extern const struct kiscsi_setting_def kiscsi_setting_defs[KS_NSETTINGS];

#define KISCSI_IFACE_MAX	15	/* IFNAMSIZ - 1 */

/* The settings given (bit i of set for setting i); the rest keep defaults. */
struct kiscsi_settings {
	uint32_t set;
	uint32_t num[KS_NSETTINGS];	/* KS_T_UINT and KS_T_DIGEST values */
	char iface[KISCSI_IFACE_MAX + 1];
	char source[KISCSI_ADDR_MAX];
	uint8_t chap_algs[KISCSI_CHAP_NALGS];	/* CHAP_A values, in order */
	uint8_t nchap_algs;
};

static inline bool kiscsi_setting_is_set(const struct kiscsi_settings *s,
					 int id)
{
	return s->set & (1u << id);
}

/* id of a record key or option name, -1 if none */
int kiscsi_setting_by_key(const char *key);
int kiscsi_setting_by_option(const char *option);
/* Parse value for setting id into s; -1 with why ("must be 1-1024"). */
int kiscsi_setting_parse(struct kiscsi_settings *s, int id, const char *value,
			 char *why, size_t len);
/* The value as a record or --help shows it. */
void kiscsi_setting_format(const struct kiscsi_settings *s, int id, char *buf,
			   size_t len);
/* Set the CHAP algorithm list from a's (as parsed from options or a file). */
void kiscsi_settings_set_chap_algs(struct kiscsi_settings *s,
				   const struct kiscsi_chap_auth *a);
/* Copy the given settings into login options (later ones win). */
void kiscsi_settings_apply(const struct kiscsi_settings *s,
			   struct kiscsi_opts *o);
/* Merge: every setting set in from overrides to. */
void kiscsi_settings_merge(struct kiscsi_settings *to,
			   const struct kiscsi_settings *from);

#endif

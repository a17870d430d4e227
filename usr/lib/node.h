/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Node records: the targets this machine logs in to, kept as plain text,
 * one file per target-portal in <config dir>/nodes/ (KISCSI_CONFIG_DIR,
 * default /etc/kiscsi):
 *
 *   <target>,<host>,<port>[,iface=IF][,source=ADDR].node
 *                                    target=, portal=, tpgt=, startup=,
 *                                    then any settings (settings.h), 0644
 *   <same>.secrets                   username=, password=, username_in=,
 *                                    password_in=; 0600, only if any is set
 *
 * A record is named by its session key: target, portal, and the iface and
 * source settings when set, so one portal can have a record per interface
 * (one session, with its own ISID, per path).
 * Characters other than [A-Za-z0-9._:-] in a file name are written %XX.
 * Every write is atomic: a temporary file in the same directory, fsync,
 * rename, fsync of the directory, so a crash leaves the old record or the
 * new one, never half of one.
 */
#ifndef KISCSI_NODE_H
#define KISCSI_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libkiscsi.h"
#include "settings.h"

#define KISCSI_SECRET_MAX	255
#define KISCSI_NODE_LINE_MAX	1024

enum kiscsi_startup {
	KISCSI_STARTUP_MANUAL,		/* only an explicit login */
	KISCSI_STARTUP_AUTOMATIC,	/* kiscsi login --all (boot) */
};

struct kiscsi_node {
	char target[KISCSI_NAME_MAX + 1];
	struct kiscsi_portal portal;
	int32_t tpgt;			/* from discovery; -1 unknown */
	int startup;			/* enum kiscsi_startup */
	struct kiscsi_settings settings;
	/* the secrets file; empty strings when not set */
	char username[KISCSI_SECRET_MAX + 1];
	char password[KISCSI_SECRET_MAX + 1];
	char username_in[KISCSI_SECRET_MAX + 1];
	char password_in[KISCSI_SECRET_MAX + 1];
};

void kiscsi_node_init(struct kiscsi_node *n, const char *target,
		      const struct kiscsi_portal *p);
bool kiscsi_node_has_secrets(const struct kiscsi_node *n);
const char *kiscsi_startup_name(int startup);
int kiscsi_startup_parse(const char *s);	/* -1 if not a startup mode */

/* s with characters other than [A-Za-z0-9._:-] as %XX; -1 if too long */
int kiscsi_filename_escape(const char *s, char *buf, size_t len);

/* <config dir>/nodes */
void kiscsi_nodes_dir(char *buf, size_t len);
/*
 * "<target>,<host>,<port>[,iface=IF][,source=ADDR]<suffix>", escaped, the
 * binding from bind's iface and source (NULL: none); -1 if longer than a
 * file name.
 */
int kiscsi_node_filename(const char *target, const struct kiscsi_portal *p,
			 const struct kiscsi_settings *bind,
			 const char *suffix, char *buf, size_t len);

/* Record text <-> node; where names the file in messages. */
int kiscsi_node_parse(const char *text, const char *where,
		      struct kiscsi_node *n, struct kiscsi_error *err);
int kiscsi_node_format(const struct kiscsi_node *n, char *buf, size_t len);
int kiscsi_node_secrets_parse(const char *text, const char *where,
			      struct kiscsi_node *n, struct kiscsi_error *err);
int kiscsi_node_secrets_format(const struct kiscsi_node *n, char *buf,
			       size_t len);

/* Write data to dir/name atomically with mode. */
int kiscsi_write_atomic(const char *dir, const char *name, const char *data,
			size_t len, mode_t mode, struct kiscsi_error *err);

/*
 * Load one node, named by target, portal and bind's iface and source;
 * -KISCSI_E_NOSESSION if there is no such record.
 */
int kiscsi_node_load(const char *target, const struct kiscsi_portal *p,
		     const struct kiscsi_settings *bind, struct kiscsi_node *n,
		     struct kiscsi_error *err);
/* Create or replace the record (and the secrets file), named by its key. */
int kiscsi_node_save(const struct kiscsi_node *n, struct kiscsi_error *err);
/* Remove both files; -KISCSI_E_NOSESSION if there was no record. */
int kiscsi_node_delete(const char *target, const struct kiscsi_portal *p,
		       const struct kiscsi_settings *bind,
		       struct kiscsi_error *err);

/*
 * Copy the configuration into an installed system under root
 * (root/etc/kiscsi, config_export.c): the initiator name in use, the
 * ISIDs, and every node record with its secrets, modes kept.  *files
 * counts what was written.
 */
int kiscsi_config_export(const char *root, size_t *files,
			 struct kiscsi_error *err);

/*
 * Every record, sorted by target then portal.  A record that cannot be
 * read or parsed is left out and reported through bad (if non-NULL), so
 * one broken file does not stop the others.  No directory: no nodes.
 */
int kiscsi_node_list(struct kiscsi_node **v, size_t *n,
		     void (*bad)(const struct kiscsi_error *e, void *arg),
		     void *arg, struct kiscsi_error *err);

#endif

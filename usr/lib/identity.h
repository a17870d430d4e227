/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers of identity.c, exposed for the unit tests. */
#ifndef KISCSI_IDENTITY_H
#define KISCSI_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libkiscsi.h"

/* $KISCSI_CONFIG_DIR, default /etc/kiscsi */
const char *kiscsi_config_dir(void);
/* $KISCSI_RUN_DIR, default /run/kiscsi: locks and session records */
const char *kiscsi_run_dir(void);
/* mkdir -p, mode 0755; -1 with errno on failure */
int kiscsi_mkdir_p(const char *dir);
int kiscsi_name_valid(const char *name);
int kiscsi_read_initiatorname(const char *path, char *name, size_t len);
int kiscsi_create_file_once(const char *path, const char *content, mode_t mode);
void kiscsi_make_initiatorname(char *out, size_t len, const char *hostname,
			       const uint8_t rnd[6]);
int kiscsi_isid_parse(const char *s, uint8_t isid[6]);

#endif

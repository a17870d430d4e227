/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One TCP connection to a target portal, with PDU send/receive. */
#ifndef KISCSI_CONN_H
#define KISCSI_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "libkiscsi.h"

struct kiscsi_conn {
	int fd;
	int timeout_ms;			/* for each PDU we wait for */
	char addr[KISCSI_ADDR_MAX];	/* numeric peer address */
	uint16_t port;
	char where[KISCSI_HOST_MAX + 16];	/* portal as shown in messages */
};

int kiscsi_conn_open(struct kiscsi_conn *c, const struct kiscsi_portal *p,
		     int connect_timeout_ms, int timeout_ms,
		     struct kiscsi_error *err);
/* The same with o's timeouts, interface and source address. */
int kiscsi_conn_open_opts(struct kiscsi_conn *c, const struct kiscsi_portal *p,
			  const struct kiscsi_opts *o, struct kiscsi_error *err);
/* Wrap an already connected fd (tests: a socketpair). */
void kiscsi_conn_init_fd(struct kiscsi_conn *c, int fd, int timeout_ms,
			 const char *where);
void kiscsi_conn_close(struct kiscsi_conn *c);

/* A connect errno meaning nothing answered (vs. a refusal): exit 9, not 3. */
bool kiscsi_conn_unreachable(int err);
/* Worth another attempt: refused, unreachable, or no answer in time. */
bool kiscsi_conn_retryable(int ret);
/* Sleeps before attempt n + 1: 1, 2, 4, 8, then 16 s. */
void kiscsi_conn_backoff(int n);
/* Appends " (after N attempts)" to err's message when N > 1. */
void kiscsi_conn_note_attempts(struct kiscsi_error *err, int attempts);

/* BHS plus data plus padding to 4 bytes. */
int kiscsi_conn_send(struct kiscsi_conn *c, const uint8_t *bhs,
		     const void *data, uint32_t dlen, const char *phase,
		     struct kiscsi_error *err);
/*
 * Receive one PDU: BHS into bhs, data (without padding) into a malloc'd
 * *data (NULL when empty).  Rejects AHS and DataSegmentLength > max_dlen.
 */
int kiscsi_conn_recv(struct kiscsi_conn *c, uint8_t *bhs, uint8_t **data,
		     uint32_t max_dlen, const char *phase,
		     struct kiscsi_error *err);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where a connection leaves from: --iface (SO_BINDTODEVICE), --source. */
#ifndef KISCSI_SOCKBIND_H
#define KISCSI_SOCKBIND_H

#include "libkiscsi.h"

/* AF_INET or AF_INET6 of o->source, AF_UNSPEC when none is set. */
int kiscsi_source_family(const struct kiscsi_opts *o);
/*
 * Bind a fresh socket of the given family as o asks, before connect().
 * 0, or -1 with *err_out = errno and *what naming the step that failed.
 */
int kiscsi_sock_bind(int fd, int family, const struct kiscsi_opts *o,
		     int *err_out, const char **what);

#endif

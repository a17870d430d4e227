/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the kiscsi subcommands. */
#ifndef KISCSI_CLI_H
#define KISCSI_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "libkiscsi.h"

/* Exit codes: equal to enum kiscsi_errcode, documented in --help. */
#define EXIT_USAGE	2

extern const char *prog;

int cmd_discover(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_session(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_rescan(int argc, char **argv);

/* "kiscsi <cmd>: <msg> (see 'kiscsi <cmd> --help')", returns EXIT_USAGE */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* For getopt's '?' and ':' results (opterr is 0). */
int bad_option(const char *cmd, int c, char **argv);
/* Prints err->msg, returns the exit code. */
int fail(const struct kiscsi_error *err);
/* Strict decimal in [lo, hi]; -1 if not. */
int parse_uint(const char *s, unsigned long lo, unsigned long hi,
	       unsigned long *v);
void print_exit_codes(void);

#endif

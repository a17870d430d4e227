/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the kiscsi subcommands. */
#ifndef KISCSI_CLI_H
#define KISCSI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libkiscsi.h"
#include "settings.h"

struct option;

/* Exit codes: equal to enum kiscsi_errcode, documented in --help. */
#define EXIT_USAGE	2

extern const char *prog;

int cmd_discover(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_session(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_rescan(int argc, char **argv);
int cmd_node(int argc, char **argv);
/* kiscsi login --all: every automatic node record, in parallel */
int cmd_login_all(int argc, char **argv);
/* Is "--all" (or -a) among the options, before any "--"? */
bool has_all_option(int argc, char **argv);

/* Settings options (settings_opts.c): getopt codes SETTINGS_OPT_BASE + id. */
#define SETTINGS_OPT_BASE	0x400
/* base plus the settings it lacks; a static array, valid until next call */
struct option *settings_longopts(const struct option *base);
/* -1 if c is no settings option, 0 parsed, EXIT_USAGE after a message */
int settings_opt(const char *cmd, int c, const char *arg,
		 struct kiscsi_settings *s);
/* --help lines for the settings options base does not have itself */
void settings_help(const struct option *base);

/* discover --save: records for every portal in l; startup -1 keeps it */
int discover_save(const struct kiscsi_target_list *l, int startup,
		  const struct kiscsi_settings *set, FILE *out);

/* Is the session logged in through portal p (name or address)? */
bool session_at_portal(const struct kiscsi_session_info *s,
		       const struct kiscsi_portal *p);

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

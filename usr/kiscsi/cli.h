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
int cmd_daemon(int argc, char **argv);
int cmd_fw(int argc, char **argv);
int cmd_bootargs(int argc, char **argv);
/* kiscsi fw netup|login, argv[0] the word */
int cmd_fw_boot(int argc, char **argv);
/* what they do, also for 'kiscsi boot': 0 or an exit code (printed) */
int fw_boot_netup(void);
int fw_boot_login(void);
int cmd_boot(int argc, char **argv);
/*
 * Log in with options a boot source (firmware, command line) prepared and
 * print one line: the session (tag in brackets after it), or that it was
 * logged in already, which is no error.  Wipes opts' CHAP.  0 or an exit
 * code (the failure printed).
 */
int login_prepared(const struct kiscsi_portal *portal, const char *target,
		   struct kiscsi_opts *opts, const char *tag);
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

/* CHAP options of login and discover (auth_opts.c) */
enum {
	OPT_USERNAME = 0x200,	/* above the per-command options (0x100...) */
	OPT_PASSWORD,
	OPT_USERNAME_IN,
	OPT_PASSWORD_IN,
	OPT_AUTH_FILE,
	OPT_CHAP_ALGS,
};

#define AUTH_LONG_OPTIONS \
	{ "username", required_argument, NULL, OPT_USERNAME }, \
	{ "password", required_argument, NULL, OPT_PASSWORD }, \
	{ "username-in", required_argument, NULL, OPT_USERNAME_IN }, \
	{ "password-in", required_argument, NULL, OPT_PASSWORD_IN }, \
	{ "auth-file", required_argument, NULL, OPT_AUTH_FILE }, \
	{ "chap-algorithms", required_argument, NULL, OPT_CHAP_ALGS }

struct auth_opts {
	struct kiscsi_chap_auth cli;	/* what the options gave */
	bool has_user, has_pass, has_user_in, has_pass_in, bad;
	const char *file;
	const char *algs;
};

void auth_opts_init(struct auth_opts *o);
/* 1 if c was a CHAP option (taken), 0 if not */
int auth_opt(struct auth_opts *o, int c, char *arg);
/* Merges env, file and options into out; 0 or an exit code (printed). */
int auth_opts_finish(const char *cmd, struct auth_opts *o,
		     struct kiscsi_chap_auth *out);
/* The same over the CHAP values out already holds (a node's record). */
int auth_opts_finish_over(const char *cmd, struct auth_opts *o,
			  struct kiscsi_chap_auth *out);
void auth_opts_help(void);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CHAP options shared by login and discover.  Sources, later ones winning:
 * the environment, --auth-file, then the command line.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void auth_opts_init(struct auth_opts *o)
{
	memset(o, 0, sizeof(*o));
}

/* Copies a value and blanks it in argv, so ps shows it for less time. */
static void take(char *dst, size_t cap, char *arg, bool *set, bool *toolong,
		 bool secret)
{
	size_t l = strlen(arg);

	*set = true;
	if (l == 0 || l >= cap)
		*toolong = true;
	else
		memcpy(dst, arg, l + 1);
	if (secret)
		memset(arg, '*', l);
}

int auth_opt(struct auth_opts *o, int c, char *arg)
{
	struct kiscsi_chap_auth *a = &o->cli;

	switch (c) {
	case OPT_USERNAME:
		take(a->username, sizeof(a->username), arg, &o->has_user,
		     &o->bad, false);
		return 1;
	case OPT_PASSWORD:
		take(a->password, sizeof(a->password), arg, &o->has_pass,
		     &o->bad, true);
		return 1;
	case OPT_USERNAME_IN:
		take(a->username_in, sizeof(a->username_in), arg,
		     &o->has_user_in, &o->bad, false);
		return 1;
	case OPT_PASSWORD_IN:
		take(a->password_in, sizeof(a->password_in), arg,
		     &o->has_pass_in, &o->bad, true);
		return 1;
	case OPT_AUTH_FILE:
		o->file = arg;
		return 1;
	case OPT_CHAP_ALGS:
		o->algs = arg;
		return 1;
	}
	return 0;
}

int auth_opts_finish(const char *cmd, struct auth_opts *o,
		     struct kiscsi_chap_auth *out)
{
	memset(out, 0, sizeof(*out));
	return auth_opts_finish_over(cmd, o, out);
}

int auth_opts_finish_over(const char *cmd, struct auth_opts *o,
			  struct kiscsi_chap_auth *out)
{
	struct kiscsi_error err;
	char warn[160];
	int r;

	if (o->bad)
		return usage_error(cmd, "CHAP names and secrets must be 1-%d bytes",
				   KISCSI_CHAP_SECRET_MAX);
	r = kiscsi_chap_auth_from_env(out, &err);
	if (!r && o->file)
		r = kiscsi_chap_auth_load_file(o->file, out, &err);
	if (r) {
		kiscsi_chap_auth_clear(out);
		return fail(&err);
	}
	if (o->has_user)
		memcpy(out->username, o->cli.username, sizeof(out->username));
	if (o->has_pass)
		memcpy(out->password, o->cli.password, sizeof(out->password));
	if (o->has_user_in)
		memcpy(out->username_in, o->cli.username_in,
		       sizeof(out->username_in));
	if (o->has_pass_in)
		memcpy(out->password_in, o->cli.password_in,
		       sizeof(out->password_in));
	kiscsi_chap_auth_clear(&o->cli);
	if (o->algs && kiscsi_chap_algs_parse(o->algs, out, &err))
		return usage_error(cmd, "--chap-algorithms: %s", err.msg);
	if (kiscsi_chap_auth_check(out, warn, sizeof(warn), &err)) {
		kiscsi_chap_auth_clear(out);
		return usage_error(cmd, "%s", err.msg);
	}
	if (warn[0])
		fprintf(stderr, "%s: warning: %s\n", prog, warn);
	return 0;
}

void auth_opts_help(void)
{
	printf("\nCHAP (RFC 7143; none unless a username is given):\n"
	       "      --username U           CHAP name the target knows us by\n"
	       "      --password P           our CHAP secret (12+ bytes; prefer\n"
	       "                             --auth-file or KISCSI_PASSWORD: the\n"
	       "                             command line is visible in ps)\n"
	       "      --username-in U        mutual CHAP: the name the target answers with\n"
	       "      --password-in P        mutual CHAP: the target's secret (must differ\n"
	       "                             from --password)\n"
	       "      --auth-file PATH       key=value lines: username, password,\n"
	       "                             username_in, password_in, chap_algorithms;\n"
	       "                             refused unless only its owner can read it (0600)\n"
	       "      --chap-algorithms L    CHAP_A offered, in order of preference, from\n"
	       "                             md5, sha1, sha256, sha3-256 (default md5, like\n"
	       "                             open-iscsi; e.g. sha3-256,sha256,sha1,md5 to\n"
	       "                             prefer the stronger ones where the target has them)\n"
	       "Environment: KISCSI_USERNAME, KISCSI_PASSWORD, KISCSI_USERNAME_IN,\n"
	       "KISCSI_PASSWORD_IN, KISCSI_CHAP_ALGORITHMS; --auth-file overrides them and\n"
	       "the options override both.\n");
}

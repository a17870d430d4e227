// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-session settings (lib/settings.h) as command-line options,
 * shared by login, node add and discover: --queue-depth N, --iface NAME...
 * A command's own table comes first, so an option it already has wins.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct option *settings_longopts(const struct option *base)
{
	static struct option merged[64];
	size_t n = 0, i;

	while (base[n].name && n < 64 - KS_NSETTINGS - 1) {
		merged[n] = base[n];
		n++;
	}
	for (i = 0; i < KS_NSETTINGS; i++) {
		merged[n].name = kiscsi_setting_defs[i].option;
		merged[n].has_arg = required_argument;
		merged[n].flag = NULL;
		merged[n].val = SETTINGS_OPT_BASE + (int)i;
		n++;
	}
	memset(&merged[n], 0, sizeof(merged[n]));
	return merged;
}

int settings_opt(const char *cmd, int c, const char *arg,
		 struct kiscsi_settings *s)
{
	char why[300];
	int id = c - SETTINGS_OPT_BASE;

	if (id < 0 || id >= KS_NSETTINGS)
		return -1;
	if (kiscsi_setting_parse(s, id, arg, why, sizeof(why)))
		return usage_error(cmd, "--%s: %s",
				   kiscsi_setting_defs[id].option, why);
	return 0;
}

void settings_help(const struct option *base)
{
	char left[64];
	const char *h;
	size_t i, k;

	for (i = 0; i < KS_NSETTINGS; i++) {
		const struct kiscsi_setting_def *d = &kiscsi_setting_defs[i];
		bool own = false;

		for (k = 0; base[k].name; k++)
			if (!strcmp(base[k].name, d->option))
				own = true;
		if (own)
			continue;	/* the command documents it itself */
		snprintf(left, sizeof(left), "--%s %s", d->option, d->arg);
		if (strlen(left) > 24)
			printf("      %s\n      %-24s ", left, "");
		else
			printf("      %-24s ", left);
		/* continuation lines of the help line up under its start */
		for (h = d->help; *h; h++) {
			putchar(*h);
			if (*h == '\n')
				printf("%31s", "");
		}
		putchar('\n');
	}
}

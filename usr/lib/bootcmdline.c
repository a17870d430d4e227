// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The boot command line (bootcmdline.h), read as dracut's
 * parse-iscsiroot.sh and iscsiroot.sh read it: the last of a repeated
 * key wins, except netroot= and rd.iscsi.param=, which add up.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcmdline.h"
#include "error.h"

/* open-iscsi node keys (rd.iscsi.param) and the kiscsi setting of each */
static const struct {
	const char *key;
	int setting;		/* enum kiscsi_setting_id, in the same units */
} param_map[] = {
	{ "node.session.timeo.replacement_timeout", KS_RECOVERY_TIMEOUT },
	{ "node.conn[0].timeo.noop_out_interval", KS_NOP_INTERVAL },
	{ "node.conn[0].timeo.noop_out_timeout", KS_NOP_TIMEOUT },
	{ "node.conn[0].timeo.login_timeout", KS_LOGIN_TIMEOUT },
	{ "node.session.queue_depth", KS_QUEUE_DEPTH },
	{ "node.session.cmds_max", KS_QUEUE_DEPTH },
	{ "node.conn[0].iscsi.HeaderDigest", KS_HEADER_DIGEST },
	{ "node.conn[0].iscsi.DataDigest", KS_DATA_DIGEST },
	{ "node.session.auth.chap_algs", KS_CHAP_ALGS },
	{ "node.session.err_timeo.abort_timeout", KS_TMF_TIMEOUT },
	{ "node.session.err_timeo.lu_reset_timeout", KS_TMF_TIMEOUT },
	{ "node.session.err_timeo.tgt_reset_timeout", KS_TMF_TIMEOUT },
};

/* what a parse collects before it is checked and kept */
struct cmdline_state {
	struct kiscsi_boot_cmdline b;
	char *root;			/* root=iscsi:... */
	char *netroot[KISCSI_BOOT_TARGETS_MAX];
	size_t nnetroot;
	bool netroot_iscsi;		/* a bare netroot=iscsi */
	char *iscsiroot;		/* legacy iscsiroot= */
	char *t_name, *t_ip, *t_port, *t_group;
	char *user, *pass, *user_in, *pass_in;
};

static int bad(struct kiscsi_error *err, const char *key, const char *what)
{
	return kiscsi_err(err, KISCSI_E_INVAL, "kernel command line: %s: %s",
			  key, what);
}

/* "", "1", "0", "yes", "no", "on", "off", "true", "false" */
static int boolean(const char *key, const char *v, bool *out,
		   struct kiscsi_error *err)
{
	if (!v || !*v || !strcmp(v, "1") || !strcmp(v, "yes") ||
	    !strcmp(v, "on") || !strcmp(v, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "off") ||
	    !strcmp(v, "false")) {
		*out = false;
		return 0;
	}
	return bad(err, key, "expected 0 or 1");
}

/* rd.iscsi.param=KEY=VALUE: a kiscsi setting, or a clear refusal */
static int map_param(struct cmdline_state *st, const char *p,
		     struct kiscsi_error *err)
{
	const char *eq = strchr(p, '=');
	char key[128], value[64], why[256];
	size_t i;

	if (!eq || eq == p || (size_t)(eq - p) >= sizeof(key) ||
	    strlen(eq + 1) >= sizeof(value))
		return bad(err, "rd.iscsi.param", "expected KEY=VALUE");
	memcpy(key, p, (size_t)(eq - p));
	key[eq - p] = '\0';
	strcpy(value, eq + 1);
	if (!strcmp(key, "node.session.initial_login_retry_max")) {
		char *end;
		long n = strtol(value, &end, 10);

		if (!*value || *end || n < 0 || n > 1000)
			return bad(err, "rd.iscsi.param", "node.session.initial_login_retry_max must be 0-1000");
		st->b.login_retry_max = (int)n;
		return 0;
	}
	for (i = 0; i < sizeof(param_map) / sizeof(param_map[0]); i++) {
		if (strcmp(param_map[i].key, key))
			continue;
		/* open-iscsi's digest lists: the first one offered */
		if (param_map[i].setting == KS_HEADER_DIGEST ||
		    param_map[i].setting == KS_DATA_DIGEST)
			value[strcspn(value, ",")] = '\0';
		if (kiscsi_setting_parse(&st->b.settings, param_map[i].setting,
					 value, why, sizeof(why)))
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "kernel command line: rd.iscsi.param %s=%s: %s",
					  key, value, why);
		return 0;
	}
	return kiscsi_err(err, KISCSI_E_INVAL,
			  "kernel command line: rd.iscsi.param %s: kiscsi has no equivalent; drop it or use a node setting",
			  key);
}

static int take(struct cmdline_state *st, char *key, char *v,
		struct kiscsi_error *err)
{
	struct kiscsi_boot_cmdline *b = &st->b;

	if (!strcmp(key, "root")) {
		st->root = v && !strncmp(v, "iscsi:", 6) ? v : NULL;
	} else if (!strcmp(key, "netroot")) {
		if (v && !strcmp(v, "iscsi"))
			st->netroot_iscsi = true;
		else if (v && !strncmp(v, "iscsi:", 6)) {
			if (st->nnetroot == KISCSI_BOOT_TARGETS_MAX)
				return bad(err, "netroot", "more iSCSI root paths than kiscsi takes (8)");
			st->netroot[st->nnetroot++] = v;
		}
	} else if (!strcmp(key, "iscsiroot")) {
		st->iscsiroot = v;
	} else if (!strcmp(key, "rd.iscsi.initiator") ||
		   !strcmp(key, "iscsi_initiator")) {
		if (!v || !*v || strlen(v) > KISCSI_NAME_MAX)
			return bad(err, key, "expected an initiator name of at most 223 bytes");
		strcpy(b->initiator, v);
	} else if (!strcmp(key, "rd.iscsi.firmware") ||
		   !strcmp(key, "iscsi_firmware")) {
		return boolean(key, v, &b->firmware, err);
	} else if (!strcmp(key, "rd.iscsi.ibft")) {
		return boolean(key, v, &b->ibft_net, err);
	} else if (!strcmp(key, "rd.iscsi.mp")) {
		return boolean(key, v, &b->mp, err);
	} else if (!strcmp(key, "rd.iscsi.waitnet")) {
		return boolean(key, v, &b->waitnet, err);
	} else if (!strcmp(key, "rd.iscsi.testroute")) {
		return boolean(key, v, &b->testroute, err);
	} else if (!strcmp(key, "rd.iscsi.login_retry_max")) {
		char *end;
		long n = v ? strtol(v, &end, 10) : -1;

		if (!v || !*v || *end || n < 0 || n > 1000)
			return bad(err, key, "expected a number 0-1000");
		b->login_retry_max = (int)n;
	} else if (!strcmp(key, "rd.iscsi.param")) {
		return map_param(st, v ? v : "", err);
	} else if (!strcmp(key, "rd.iscsi.target.name")) {
		st->t_name = v;
	} else if (!strcmp(key, "rd.iscsi.target.ip")) {
		st->t_ip = v;
	} else if (!strcmp(key, "rd.iscsi.target.port")) {
		st->t_port = v;
	} else if (!strcmp(key, "rd.iscsi.target.group")) {
		st->t_group = v;
	} else if (!strcmp(key, "rd.iscsi.username")) {
		st->user = v;
	} else if (!strcmp(key, "rd.iscsi.password")) {
		st->pass = v;
	} else if (!strcmp(key, "rd.iscsi.in.username")) {
		st->user_in = v;
	} else if (!strcmp(key, "rd.iscsi.in.password")) {
		st->pass_in = v;
	}
	return 0;
}

static int add_path(struct cmdline_state *st, const char *path,
		    const char *key, struct kiscsi_error *err)
{
	struct kiscsi_root_path *r = &st->b.targets[st->b.ntargets];
	struct kiscsi_error e;

	if (st->b.ntargets == KISCSI_BOOT_TARGETS_MAX)
		return bad(err, key, "more iSCSI root paths than kiscsi takes (8)");
	if (kiscsi_root_path_parse(path, r, &e))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "kernel command line: %s: %s", key, e.msg);
	st->b.ntargets++;
	return 0;
}

/* rd.iscsi.target.*: the same as a root path with those fields */
static int add_manual(struct cmdline_state *st, struct kiscsi_error *err)
{
	char path[KISCSI_NAME_MAX + KISCSI_HOST_MAX + 32];
	const char *ip = st->t_ip ? st->t_ip : "";

	if (st->t_group && strspn(st->t_group, "0123456789") != strlen(st->t_group))
		return bad(err, "rd.iscsi.target.group", "expected a number");
	if (snprintf(path, sizeof(path), strchr(ip, ':') ? "iscsi:[%s]::%s::%s" :
		     "iscsi:%s::%s::%s", ip, st->t_port ? st->t_port : "",
		     st->t_name) >= (int)sizeof(path))
		return bad(err, "rd.iscsi.target.name", "too long");
	return add_path(st, path, "rd.iscsi.target.*", err);
}

/* rd.iscsi.username and friends: for the paths that name no credentials */
static int default_credentials(struct cmdline_state *st,
			       struct kiscsi_error *err)
{
	const struct {
		const char *v, *key;
		size_t off;
	} c[] = {
		{ st->user, "rd.iscsi.username", offsetof(struct kiscsi_root_path, username) },
		{ st->pass, "rd.iscsi.password", offsetof(struct kiscsi_root_path, password) },
		{ st->user_in, "rd.iscsi.in.username", offsetof(struct kiscsi_root_path, username_in) },
		{ st->pass_in, "rd.iscsi.in.password", offsetof(struct kiscsi_root_path, password_in) },
	};
	size_t i, t;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (c[i].v && strlen(c[i].v) > KISCSI_CHAP_SECRET_MAX)
			return bad(err, c[i].key, "longer than 255 bytes");
	for (t = 0; t < st->b.ntargets; t++) {
		struct kiscsi_root_path *r = &st->b.targets[t];

		if (r->username[0])
			continue;
		for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
			if (c[i].v)
				strcpy((char *)r + c[i].off, c[i].v);
	}
	return 0;
}

static int finish(struct cmdline_state *st, struct kiscsi_error *err)
{
	size_t i;
	int r = 0;

	if (st->iscsiroot && st->b.firmware)
		return bad(err, "iscsiroot", "mixing iscsiroot= and firmware boot (rd.iscsi.firmware) is refused, as dracut does");
	if (st->root) {
		/* root= wins over netroot=, as in dracut */
		r = add_path(st, st->root, "root", err);
	} else if (st->iscsiroot) {
		char path[KISCSI_NAME_MAX + KISCSI_HOST_MAX + 32];

		if (snprintf(path, sizeof(path), "iscsi:%s", st->iscsiroot) >=
		    (int)sizeof(path))
			return bad(err, "iscsiroot", "too long");
		r = add_path(st, path, "iscsiroot", err);
	} else {
		for (i = 0; !r && i < st->nnetroot; i++)
			r = add_path(st, st->netroot[i], "netroot", err);
	}
	if (!r && st->t_name)
		r = add_manual(st, err);
	else if (!r && (st->t_ip || st->t_port || st->t_group))
		r = bad(err, "rd.iscsi.target.ip", "given without rd.iscsi.target.name");
	if (!r)
		r = default_credentials(st, err);
	return r;
}

/* Split a command line into words; "..." quotes keep blanks, as the kernel's. */
static char *next_word(char **p)
{
	char *s = *p, *w, *o;
	bool quoted = false;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return NULL;
	w = o = s;
	for (; *s && (quoted || !isspace((unsigned char)*s)); s++) {
		if (*s == '"')
			quoted = !quoted;
		else
			*o++ = *s;
	}
	if (*s)
		s++;
	*o = '\0';
	*p = s;
	return w;
}

int kiscsi_boot_cmdline_parse(const char *cmdline,
			      struct kiscsi_boot_cmdline *b,
			      struct kiscsi_error *err)
{
	struct cmdline_state *st = calloc(1, sizeof(*st));
	char *buf = strdup(cmdline), *p = buf, *w;
	int r = 0;

	if (!st || !buf) {
		free(st);
		free(buf);
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	}
	st->b.waitnet = true;
	st->b.testroute = true;
	st->b.login_retry_max = -1;
	while (!r && (w = next_word(&p))) {
		char *eq = strchr(w, '=');

		if (eq)
			*eq = '\0';
		r = take(st, w, eq ? eq + 1 : NULL, err);
	}
	if (!r)
		r = finish(st, err);
	if (!r)
		*b = st->b;
	kiscsi_boot_cmdline_clear(&st->b);
	explicit_bzero(buf, strlen(cmdline));
	free(buf);
	free(st);
	return r;
}

void kiscsi_boot_cmdline_clear(struct kiscsi_boot_cmdline *b)
{
	explicit_bzero(b->targets, sizeof(b->targets));
}

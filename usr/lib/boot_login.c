// SPDX-License-Identifier: LGPL-2.1-or-later
/* From a boot command line's root path to a login. */
#include <stdio.h>
#include <string.h>

#include "bootcmdline.h"
#include "error.h"
#include "node.h"

static void copy_chap(struct kiscsi_chap_auth *a, const char *user,
		      const char *pass, const char *user_in,
		      const char *pass_in)
{
	snprintf(a->username, sizeof(a->username), "%s", user);
	snprintf(a->password, sizeof(a->password), "%s", pass);
	snprintf(a->username_in, sizeof(a->username_in), "%s", user_in);
	snprintf(a->password_in, sizeof(a->password_in), "%s", pass_in);
}

/* the node record's secrets for this target and portal, if any */
static int record_chap(const struct kiscsi_root_path *r,
		       const struct kiscsi_portal *p, struct kiscsi_opts *opts,
		       struct kiscsi_error *err)
{
	struct kiscsi_settings bind = { 0 };
	struct kiscsi_node n;
	char why[128];
	int ret;

	if (r->netdev[0])
		kiscsi_setting_parse(&bind, kiscsi_setting_by_key("iface"),
				     r->netdev, why, sizeof(why));
	ret = kiscsi_node_load(r->target, p, &bind, &n, err);
	if (ret == -KISCSI_E_NOSESSION)
		return 0;	/* no record: no CHAP */
	if (!ret)
		copy_chap(&opts->chap, n.username, n.password, n.username_in,
			  n.password_in);
	explicit_bzero(&n, sizeof(n));
	return ret;
}

int kiscsi_boot_login_opts(const struct kiscsi_boot_cmdline *b, size_t i,
			   struct kiscsi_portal *portal,
			   char target[KISCSI_NAME_MAX + 1],
			   struct kiscsi_opts *opts, struct kiscsi_error *err)
{
	const struct kiscsi_root_path *r = &b->targets[i];
	char warn[128];

	if (!r->server[0])
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "iSCSI root path to %s names no server (one from DHCP's root-path is not supported): give it on the command line",
				  r->target);
	snprintf(portal->host, sizeof(portal->host), "%s", r->server);
	portal->port = r->port;
	snprintf(target, KISCSI_NAME_MAX + 1, "%s", r->target);
	kiscsi_settings_apply(&b->settings, opts);
	if (b->initiator[0])
		snprintf(opts->initiator_name, sizeof(opts->initiator_name),
			 "%s", b->initiator);
	if (r->netdev[0])
		snprintf(opts->iface, sizeof(opts->iface), "%s", r->netdev);
	if (b->login_retry_max >= 0)
		opts->retries = b->login_retry_max;
	if (r->username[0]) {
		copy_chap(&opts->chap, r->username, r->password,
			  r->username_in, r->password_in);
	} else {
		int ret = record_chap(r, portal, opts, err);

		if (ret)
			return ret;
	}
	if (!opts->chap.username[0])
		return 0;
	return kiscsi_chap_auth_check(&opts->chap, warn, sizeof(warn), err);
}

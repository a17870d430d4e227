// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A new session, start to end: pick the session key's ISID, lock its
 * nexus, refuse it if the kernel already has a session with that nexus,
 * log in, hand the socket to the kernel.  The check comes before the
 * login because a second login of one nexus reinstates the first session
 * at the target (it drops the live one); the lock makes check and login
 * one step for every process on this machine, and kiscsi.ko refuses a
 * duplicate too (EEXIST) for logins from elsewhere (another mount or
 * network namespace sharing the identity).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "error.h"
#include "isid.h"
#include "session.h"
#include "session_record.h"

struct nexus {
	const struct kiscsi_identity *id;
	const char *target;
};

static bool same_nexus(const struct kiscsi_session_info *s, const void *arg)
{
	const struct nexus *x = arg;

	return s->has_isid && !memcmp(s->isid, x->id->isid, 6) &&
	       !strcasecmp(s->initiator_name, x->id->name) &&
	       !strcasecmp(s->target_name, x->target);
}

/*
 * Keep what a relogin needs.  A session that could not be recovered is
 * not handed out: without its record it is logged out again.
 */
static int keep_record(uint32_t session_id, const struct kiscsi_identity *id,
		       const char *target, const struct kiscsi_opts *opts,
		       const struct kiscsi_login_result *res,
		       struct kiscsi_error *err)
{
	struct kiscsi_session_record *rec = calloc(1, sizeof(*rec));
	struct kiscsi_error e2;
	int r;

	if (!rec) {
		r = kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	} else {
		rec->session_id = session_id;
		snprintf(rec->target, sizeof(rec->target), "%s", target);
		snprintf(rec->portal.host, sizeof(rec->portal.host), "%s",
			 res->portal_addr);
		rec->portal.port = res->portal_port;
		rec->id = *id;
		rec->opts = *opts;
		r = kiscsi_session_record_save(rec, err);
		explicit_bzero(rec, sizeof(*rec));
		free(rec);
	}
	if (r)
		kiscsi_session_destroy(session_id, &e2);
	return r;
}

/* The session with id's nexus to target: 1 and its id, 0 if none. */
static int find_nexus(const struct kiscsi_identity *id, const char *target,
		      uint32_t *session_id, struct kiscsi_error *err)
{
	struct nexus x = { .id = id, .target = target };
	struct kiscsi_session_info s;
	int r = kiscsi_session_find(same_nexus, &x, &s, err);

	if (r > 0)
		*session_id = s.session_id;
	return r;
}

int kiscsi_session_login(const struct kiscsi_portal *portal,
			 const char *target, const struct kiscsi_opts *opts,
			 struct kiscsi_login_result *res,
			 uint32_t *session_id, uint32_t *host_no,
			 struct kiscsi_error *err)
{
	struct kiscsi_identity id;
	char key[KISCSI_HOST_MAX + KISCSI_ADDR_MAX + 48];
	char where[KISCSI_HOST_MAX + 16];
	int lock, r;

	res->fd = -1;
	r = kiscsi_identity_load(&id, err);
	if (r)
		return r;
	if (opts->initiator_name[0])
		snprintf(id.name, sizeof(id.name), "%s", opts->initiator_name);
	if (kiscsi_session_key(portal, opts->iface, opts->source, key,
			       sizeof(key)))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "portal %s: session key too long",
				  portal->host);
	r = kiscsi_isid_assign(&id, target, key, err);
	if (r)
		return r;
	lock = kiscsi_nexus_lock(&id, target, err);
	if (lock < 0)
		return lock;
	r = find_nexus(&id, target, session_id, err);
	if (r > 0) {
		kiscsi_portal_format(portal->host, portal->port, where,
				     sizeof(where));
		r = kiscsi_err(err, KISCSI_E_EXISTS,
			       "%s at %s%s%s: already logged in (session %u, ISID %02x%02x%02x%02x%02x%02x); a second login would end it at the target: log out first ('kiscsi logout --session %u')",
			       target, where, opts->iface[0] ? " via " : "",
			       opts->iface, *session_id, id.isid[0],
			       id.isid[1], id.isid[2], id.isid[3], id.isid[4],
			       id.isid[5], *session_id);
	}
	if (!r)
		r = kiscsi_login(portal, &id, target, opts, res, err);
	if (!r) {
		r = kiscsi_session_hand_over(&id, res, opts, session_id,
					     host_no, err);
		close(res->fd);		/* the kernel holds its own reference */
		res->fd = -1;
		/* before the scan: a failure during it needs the record */
		if (!r)
			r = keep_record(*session_id, &id, target, opts, res,
					err);
		if (!r)
			r = kiscsi_session_wait_scan(*session_id, err);
		if (r == -KISCSI_E_EXISTS) {
			/* a login from elsewhere won: name its session */
			struct kiscsi_error e2;

			if (find_nexus(&id, target, session_id, &e2) <= 0)
				*session_id = 0;
		}
	}
	close(lock);
	return r;
}

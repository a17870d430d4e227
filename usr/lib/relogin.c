// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Relogin of a session whose connection failed, as open-iscsi does it and
 * as LIO and tgtd expect: CID 0, the session's own ISID, TSIH 0, so the
 * target reinstates the session and drops its old tasks; the first Login
 * Request carries the session's next CmdSN and the old connection's
 * ExpStatSN; to the portal the session was made on, following a
 * redirection as a first login does.  The kernel then resends every
 * command the failure held.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/kiscsi.h>

#include "error.h"
#include "login.h"
#include "session.h"

int kiscsi_session_relogin(const struct kiscsi_session_record *rec,
			   struct kiscsi_error *err)
{
	struct kiscsi_login_resume resume;
	struct kiscsi_login_result res;
	struct kiscsi_session_info now;
	struct kiscsi_opts opts;
	int r;

	r = kiscsi_session_get(rec->session_id, &now, err);
	if (r < 0)
		return r;
	if (!r || now.state == KISCSI_STATE_LOGGING_OUT)
		return kiscsi_err(err, KISCSI_E_NOSESSION,
				  "session %u is gone", rec->session_id);
	if (strcasecmp(now.target_name, rec->target) ||
	    strcasecmp(now.initiator_name, rec->id.name) ||
	    (now.has_isid && memcmp(now.isid, rec->id.isid, 6)))
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "session %u is not the one its record names (%s); not logging in for it",
				  rec->session_id, rec->target);
	if (now.state == KISCSI_STATE_LOGGED_IN)
		return 1;

	opts = rec->opts;
	/* the session's own digests: the kernel set its disks up for them */
	opts.header_digest = now.params.header_digest;
	opts.data_digest = now.params.data_digest;
	opts.retries = 0;		/* the caller paces the attempts */
	resume.cmdsn = now.cmdsn;
	resume.exp_statsn = now.exp_statsn;
	r = kiscsi_login_resume(&rec->portal, &rec->id, rec->target, &opts,
				&resume, &res, err);
	explicit_bzero(&opts.chap, sizeof(opts.chap));
	if (r)
		return r;
	r = kiscsi_conn_replace(rec->session_id, &res, &rec->opts, err);
	close(res.fd);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Session lifecycle: one Scsi_Host, one iscsi_cls_session and one class
 * connection (CID 0) per session, for its whole life.  Creation takes a
 * logged-in socket; the LUN scan runs after it, in scan_work; destruction
 * (destroy_work) removes the disks while the connection still carries
 * their last writes, logs out, then removes the host.  Scan and destroy
 * wait on the network, so they run on kiscsi_ctl_wq, never in a generic
 * netlink request: genl_rcv holds cb_lock meanwhile, and a family being
 * registered would then stall every generic netlink request on the
 * machine.  Userspace sees the end of each in SESSION_GET (scanning, the
 * session gone) and in the events.
 */
#include <linux/file.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_iscsi.h>

#include "kiscsi.h"

DEFINE_MUTEX(kiscsi_lock);
LIST_HEAD(kiscsi_sessions);

/* Look a live session up in a namespace; caller holds kiscsi_lock. */
struct kiscsi_session *kiscsi_session_find(struct net *net, u32 id)
{
	struct kiscsi_session *s;

	lockdep_assert_held(&kiscsi_lock);
	list_for_each_entry(s, &kiscsi_sessions, node)
		if (s->id == id && net_eq(s->net, net) && !s->creating &&
		    !s->destroying)
			return s;
	return NULL;
}

/*
 * The session with @s's I_T nexus (initiator name, ISID, target name) in
 * its namespace, being created or not; caller holds kiscsi_lock.  A second
 * login with the same nexus would reinstate the first session at the
 * target (RFC 7143 section 6.3.5), so there is at most one.
 */
static struct kiscsi_session *kiscsi_session_find_nexus(struct kiscsi_session *s)
{
	struct kiscsi_session *o;

	lockdep_assert_held(&kiscsi_lock);
	list_for_each_entry(o, &kiscsi_sessions, node)
		if (net_eq(o->net, s->net) &&
		    !memcmp(o->p.isid, s->p.isid, sizeof(s->p.isid)) &&
		    !strcasecmp(o->initiator_name, s->initiator_name) &&
		    !strcasecmp(o->target_name, s->target_name))
			return o;
	return NULL;
}

int kiscsi_session_state(struct kiscsi_session *s)
{
	if (s->destroying)
		return KISCSI_STATE_LOGGING_OUT;
	if (READ_ONCE(s->conn.state) == KISCSI_CONN_UP)
		return KISCSI_STATE_LOGGED_IN;
	if (!iscsi_is_session_online(s->cls_session) &&
	    READ_ONCE(s->cls_session->state) == ISCSI_SESSION_FREE)
		return KISCSI_STATE_TIMED_OUT;
	return KISCSI_STATE_FAILED;
}

/*
 * The recovery timeout in force: the class's, which sysfs (multipathd's
 * fast_io_fail_tmo) may have changed since login; U32_MAX for "off".
 * A session being destroyed may have freed its class session already
 * (it stays listed until it is gone): callers that may see one hold
 * kiscsi_lock, under which destroying is set before destroy_work runs.
 */
u32 kiscsi_session_recovery_tmo(struct kiscsi_session *s)
{
	int tmo;

	if (READ_ONCE(s->destroying))
		return s->p.recovery_tmo;
	tmo = READ_ONCE(s->cls_session->recovery_tmo);

	return tmo < 0 ? U32_MAX : tmo;
}

/*
 * The first LUN scan.  Through the class, so it knows the target is bound
 * (it removes it on unbind).  A connection lost meanwhile leaves the scan
 * waiting until the session recovers or times out.
 */
static void kiscsi_scan_work(struct work_struct *work)
{
	struct kiscsi_session *s = container_of(work, struct kiscsi_session,
						scan_work);
	struct iscsi_cls_session *cls_session = s->cls_session;

	queue_work(cls_session->workq, &cls_session->scan_work);
	flush_work(&cls_session->scan_work);
	if (READ_ONCE(s->conn.state) != KISCSI_CONN_UP)
		iscsi_cls_session_printk(KERN_WARNING, cls_session,
					 "kiscsi: session %u to %s at %s:%u (host %u) lost its connection during the LUN scan\n",
					 s->id, s->target_name, s->portal_addr,
					 s->portal_port, s->shost->host_no);
	WRITE_ONCE(s->scanning, false);
	kiscsi_notify(s, KISCSI_EVENT_SCAN_DONE, 0);
}

/* The caller drops the session's module reference. */
static void kiscsi_session_free(struct kiscsi_session *s)
{
	struct Scsi_Host *shost = s->shost;

	kiscsi_conn_free(&s->conn);
	put_net(s->net);
	scsi_host_put(shost);
}

static void kiscsi_destroy_work(struct work_struct *work);

/*
 * Takes over the caller's reference on args->sock, on failure too: from
 * kiscsi_conn_start() on the connection owns it, before that we drop it.
 * Sets args->id and args->host_no: once the session is listed a destroy
 * may free it at any time.
 */
int kiscsi_session_create(struct net *net, struct kiscsi_session_args *args)
{
	struct iscsi_cls_session *cls_session;
	struct iscsi_cls_conn *cls_conn;
	struct kiscsi_session *s, *dup;
	struct Scsi_Host *shost;
	int ret;

	/*
	 * A session holds the module, so rmmod is refused while one exists
	 * (its disks may be in use even when nobody has them open).
	 */
	if (!try_module_get(THIS_MODULE)) {
		sockfd_put(args->sock);
		return -ENODEV;
	}
	shost = kiscsi_host_alloc(args->p.queue_depth);
	if (!shost) {
		module_put(THIS_MODULE);
		sockfd_put(args->sock);
		return -ENOMEM;
	}
	s = shost_priv(shost);
	s->shost = shost;
	s->net = get_net(net);
	s->p = args->p;
	INIT_LIST_HEAD(&s->node);
	INIT_WORK(&s->rescan_work, kiscsi_rescan_work);
	INIT_WORK(&s->scan_work, kiscsi_scan_work);
	INIT_WORK(&s->destroy_work, kiscsi_destroy_work);
	ratelimit_state_init(&s->target_msg_rs, 5 * HZ, 10);
	strscpy(s->initiator_name, args->initiator_name,
		sizeof(s->initiator_name));
	strscpy(s->target_name, args->target_name, sizeof(s->target_name));
	strscpy(s->iface_name, args->iface_name && *args->iface_name ?
		args->iface_name : "default", sizeof(s->iface_name));
	if (args->boot_root)
		strscpy(s->boot_root, args->boot_root, sizeof(s->boot_root));
	if (args->boot_nic)
		strscpy(s->boot_nic, args->boot_nic, sizeof(s->boot_nic));
	if (args->boot_target)
		strscpy(s->boot_target, args->boot_target,
			sizeof(s->boot_target));

	ret = kiscsi_conn_init(&s->conn, s);
	if (ret)
		goto err_free;

	/*
	 * Listed from here on as creating: invisible to lookups and dumps,
	 * but it holds its nexus against a racing second login.
	 */
	mutex_lock(&kiscsi_lock);
	dup = kiscsi_session_find_nexus(s);
	if (!dup) {
		s->creating = true;
		list_add_tail(&s->node, &kiscsi_sessions);
	}
	mutex_unlock(&kiscsi_lock);
	if (dup) {
		ret = -EEXIST;
		goto err_free;
	}

	ret = scsi_add_host(shost, kiscsi_root_dev);
	if (ret)
		goto err_unlist;

	ret = -ENOMEM;
	cls_session = iscsi_alloc_session(shost, &kiscsi_iscsi_transport, 0);
	if (!cls_session)
		goto err_remove_host;
	cls_session->recovery_tmo = s->p.recovery_tmo;
	ret = iscsi_add_session(cls_session, 0);
	if (ret) {
		iscsi_free_session(cls_session);
		goto err_remove_host;
	}
	s->cls_session = cls_session;
	/* one number for a session: ours is the class's sessionN */
	s->id = cls_session->sid;

	ret = -ENOMEM;
	cls_conn = iscsi_alloc_conn(cls_session, 0, 0);
	if (!cls_conn)
		goto err_remove_session;
	s->cls_conn = cls_conn;

	/* claims the socket: -EBUSY if someone else uses it */
	ret = kiscsi_conn_start(&s->conn, args->sock, args->statsn,
				args->exp_cmdsn, args->max_cmdsn);
	if (ret)
		goto err_put_conn;
	args->sock = NULL;

	if (args->portal_addr)
		strscpy(s->portal_addr, args->portal_addr,
			sizeof(s->portal_addr));
	else
		strscpy(s->portal_addr, s->conn.target_addr,
			sizeof(s->portal_addr));
	s->portal_port = args->portal_port >= 0 ? args->portal_port :
			 s->conn.target_port;

	ret = iscsi_add_conn(cls_conn);
	if (ret)
		goto err_stop_conn;
	/*
	 * A connection that failed since conn_start (the target dropped it
	 * right after login) stays down: its err_work blocks the session and
	 * starts the recovery timer, and the scan below finds it not logged
	 * in instead of waiting for a connection that never sends.
	 */
	mutex_lock(&s->conn.cls_state_lock);
	if (READ_ONCE(s->conn.state) == KISCSI_CONN_UP) {
		WRITE_ONCE(cls_conn->state, ISCSI_CONN_UP);
		iscsi_unblock_session(cls_session);
	}
	mutex_unlock(&s->conn.cls_state_lock);
	kiscsi_notify(s, KISCSI_EVENT_SESSION_CREATED, 0);

	iscsi_cls_session_printk(KERN_INFO, cls_session,
				 "kiscsi: session %u logged in to %s at %s:%u (host %u)\n",
				 s->id, s->target_name, s->portal_addr,
				 s->portal_port, shost->host_no);

	args->id = s->id;
	args->host_no = shost->host_no;
	mutex_lock(&kiscsi_lock);
	s->creating = false;
	s->scanning = true;
	queue_work(kiscsi_ctl_wq, &s->scan_work);
	mutex_unlock(&kiscsi_lock);
	return 0;

err_stop_conn:
	kiscsi_conn_stop(&s->conn);
	cancel_work_sync(&s->rescan_work);
err_put_conn:
	iscsi_put_conn(cls_conn);
err_remove_session:
	iscsi_remove_session(cls_session);
	iscsi_free_session(cls_session);
err_remove_host:
	scsi_remove_host(shost);
err_unlist:
	mutex_lock(&kiscsi_lock);
	list_del_init(&s->node);
	mutex_unlock(&kiscsi_lock);
err_free:
	if (args->sock)
		sockfd_put(args->sock);
	kiscsi_session_free(s);
	module_put(THIS_MODULE);
	return ret;
}

/*
 * What a relogin may change: the keys the target negotiated anew.  The
 * session's own settings (queue depth, timeouts) stay.  A data digest the
 * session did not start with is refused: its disks were set up without
 * stable pages, and a page changing under the digest would fail it.
 */
static int kiscsi_replace_params(struct kiscsi_session *s,
				 const struct kiscsi_params *n,
				 struct netlink_ext_ack *extack)
{
	struct kiscsi_params *p = &s->p;

	if (memcmp(n->isid, p->isid, sizeof(p->isid))) {
		NL_SET_ERR_MSG(extack, "the relogin used another ISID: it would be another session");
		return -EINVAL;
	}
	if (n->data_digest && !p->data_digest) {
		NL_SET_ERR_MSG(extack, "DataDigest CRC32C on a session that started without it: log out and in again to turn it on");
		return -EINVAL;
	}
	p->max_recv_dlen = n->max_recv_dlen;
	p->max_xmit_dlen = n->max_xmit_dlen;
	p->first_burst = n->first_burst;
	p->max_burst = n->max_burst;
	p->max_r2t = n->max_r2t;
	p->tpgt = n->tpgt;
	p->tsih = n->tsih;
	p->time2wait = n->time2wait;
	p->time2retain = n->time2retain;
	p->immediate_data = n->immediate_data;
	p->initial_r2t = n->initial_r2t;
	p->hdr_digest = n->hdr_digest;
	p->data_digest = n->data_digest;
	return 0;
}

/*
 * A relogin's socket for a session whose connection failed: the same
 * host, disks and class objects go on over it, and the commands the
 * failure handed back go out again with new ITTs and CmdSNs.  Under
 * kiscsi_lock for its whole length, so destroy cannot start meanwhile;
 * after err_work, so the old socket is gone.  A connection that fails
 * again before the unblock leaves the session blocked, its recovery timer
 * running (cls_state_lock, as at creation).  Takes over args->sock.
 */
int kiscsi_session_replace(struct net *net, u32 id,
			   struct kiscsi_session_args *args,
			   struct netlink_ext_ack *extack)
{
	struct kiscsi_event_info ev;
	struct kiscsi_session *s;
	struct kiscsi_conn *conn;
	unsigned long outage = 0;
	bool restored = false;
	int ret;

	mutex_lock(&kiscsi_lock);
	s = kiscsi_session_find(net, id);
	if (!s) {
		NL_SET_ERR_MSG(extack, "no such session");
		ret = -ENOENT;
		goto out;
	}
	conn = &s->conn;
	if (READ_ONCE(conn->state) != KISCSI_CONN_FAILED) {
		NL_SET_ERR_MSG(extack, "the session's connection has not failed");
		ret = -EBUSY;
		goto out;
	}
	flush_work(&conn->err_work);
	if (conn->sock) {
		NL_SET_ERR_MSG(extack, "the session's failed connection is still being torn down");
		ret = -EBUSY;
		goto out;
	}

	mutex_lock(&conn->cls_state_lock);
	ret = kiscsi_replace_params(s, &args->p, extack);
	if (!ret) {
		ret = kiscsi_conn_start(conn, args->sock, args->statsn,
					args->exp_cmdsn, args->max_cmdsn);
		if (ret)
			NL_SET_ERR_MSG(extack, "socket is already in use");
		else
			args->sock = NULL;
	}
	if (!ret && READ_ONCE(conn->state) == KISCSI_CONN_UP) {
		WRITE_ONCE(s->cls_conn->state, ISCSI_CONN_UP);
		iscsi_unblock_session(s->cls_session);
		outage = jiffies - conn->down_since;
		conn->down_since = 0;
		restored = true;
	}
	mutex_unlock(&conn->cls_state_lock);
	if (restored) {
		iscsi_cls_session_printk(KERN_INFO, s->cls_session,
					 "kiscsi: session %u to %s at %s:%u: connection restored after %u ms (TSIH %u)\n",
					 s->id, s->target_name, s->portal_addr,
					 s->portal_port, jiffies_to_msecs(outage),
					 s->p.tsih);
		kiscsi_event_init(&ev, KISCSI_EVENT_CONN_RESTORED);
		ev.outage_ms = jiffies_to_msecs(outage);
		kiscsi_notify_info(s, &ev);
	}
out:
	mutex_unlock(&kiscsi_lock);
	if (args->sock)
		sockfd_put(args->sock);
	return ret;
}

/*
 * The caller has marked the session destroying (under kiscsi_lock); it
 * stays listed, as logging out, until it is gone.  Let the first scan end,
 * remove the disks while the connection can still carry their cache
 * flushes, then log out and tear down.
 */
static void kiscsi_session_destroy(struct kiscsi_session *s)
{
	struct iscsi_cls_session *cls_session = s->cls_session;
	struct kiscsi_conn *conn = &s->conn;

	flush_work(&s->scan_work);
	cancel_work_sync(&s->rescan_work);
	/*
	 * Here, in process context, rather than through the class's
	 * unbind_work: its WQ_MEM_RECLAIM workqueue must not wait for the
	 * runtime-PM work that removing a device flushes.
	 */
	if (READ_ONCE(conn->state) == KISCSI_CONN_UP)
		scsi_remove_target(&cls_session->dev);
	if (READ_ONCE(conn->state) == KISCSI_CONN_UP &&
	    kiscsi_conn_logout(conn))
		iscsi_cls_session_printk(KERN_WARNING, cls_session,
					 "kiscsi: no Logout response from %s, closing\n",
					 s->target_name);
	kiscsi_conn_stop(conn);
	/* an Async Message read since the first cancel may have queued it */
	cancel_work_sync(&s->rescan_work);

	/* fails whatever the disks still had queued, removes the target */
	iscsi_remove_conn(s->cls_conn);
	iscsi_put_conn(s->cls_conn);
	iscsi_remove_session(cls_session);
	kiscsi_notify(s, KISCSI_EVENT_SESSION_DESTROYED, 0);
	iscsi_cls_session_printk(KERN_INFO, cls_session,
				 "kiscsi: session %u to %s closed\n",
				 s->id, s->target_name);
	iscsi_free_session(cls_session);
	scsi_remove_host(s->shost);

	/*
	 * Gone for userspace and for rmmod in one step: whoever saw the
	 * session leave the list may unload the module, whose exit then
	 * waits for this work to return (destroy_workqueue).
	 */
	mutex_lock(&kiscsi_lock);
	list_del_init(&s->node);
	module_put(THIS_MODULE);
	mutex_unlock(&kiscsi_lock);
	kiscsi_session_free(s);
}

static void kiscsi_destroy_work(struct work_struct *work)
{
	kiscsi_session_destroy(container_of(work, struct kiscsi_session,
					    destroy_work));
}

/* Start destroying a live session; caller holds kiscsi_lock. */
void kiscsi_session_start_destroy(struct kiscsi_session *s)
{
	lockdep_assert_held(&kiscsi_lock);
	s->destroying = true;
	queue_work(kiscsi_ctl_wq, &s->destroy_work);
}

/* Module exit: sessions only remain after a forced unload (rmmod -f). */
void kiscsi_destroy_all_sessions(void)
{
	struct kiscsi_session *s;

	mutex_lock(&kiscsi_lock);
	list_for_each_entry(s, &kiscsi_sessions, node)
		if (!s->destroying)
			kiscsi_session_start_destroy(s);
	mutex_unlock(&kiscsi_lock);
	flush_workqueue(kiscsi_ctl_wq);
}

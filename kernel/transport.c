// SPDX-License-Identifier: GPL-2.0
/*
 * Registration with the iSCSI transport class (scsi_transport_iscsi):
 * sysfs under /sys/class/iscsi_{session,connection,host} and the class's
 * block/unblock/recovery timer.  Sessions are made through kiscsi's own
 * netlink family, so the class's NETLINK_ISCSI entry points that open-iscsi
 * would use either fail cleanly or do the equivalent kiscsi action: the
 * class calls them without NULL checks, and root running iscsiadm against
 * our transport must never crash the module.
 */
#include <linux/inet.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_iscsi.h>

#include "kiscsi.h"

struct scsi_transport_template *kiscsi_scsi_transport;

static struct kiscsi_session *cls_to_session(struct iscsi_cls_session *cls)
{
	return shost_priv(iscsi_session_to_shost(cls));
}

static struct kiscsi_session *cls_conn_to_session(struct iscsi_cls_conn *cls)
{
	return cls_to_session(iscsi_conn_to_session(cls));
}

static struct iscsi_cls_session *
kiscsi_tr_create_session(struct iscsi_endpoint *ep, u16 cmds_max,
			 u16 qdepth, u32 initial_cmdsn)
{
	pr_warn_ratelimited("kiscsi: sessions are created with 'kiscsi login', not through NETLINK_ISCSI\n");
	return NULL;
}

static void kiscsi_tr_destroy_session(struct iscsi_cls_session *cls)
{
	/* only reachable for a session without connections: never ours */
	iscsi_cls_session_printk(KERN_WARNING, cls,
				 "kiscsi: use 'kiscsi logout' to end this session\n");
}

static struct iscsi_cls_conn *kiscsi_tr_create_conn(struct iscsi_cls_session *cls,
						    u32 cid)
{
	iscsi_cls_session_printk(KERN_WARNING, cls,
				 "kiscsi: connections are added by 'kiscsi', not through NETLINK_ISCSI\n");
	return NULL;
}

static int kiscsi_tr_bind_conn(struct iscsi_cls_session *cls_session,
			       struct iscsi_cls_conn *cls_conn,
			       u64 transport_eph, int is_leading)
{
	return -EOPNOTSUPP;
}

static void kiscsi_tr_unbind_conn(struct iscsi_cls_conn *cls_conn,
				  bool is_active)
{
}

static int kiscsi_tr_start_conn(struct iscsi_cls_conn *cls_conn)
{
	return -EOPNOTSUPP;
}

/* iscsid asking to stop our connection: drop it into recovery. */
static void kiscsi_tr_stop_conn(struct iscsi_cls_conn *cls_conn, int flag)
{
	kiscsi_conn_fail(&cls_conn_to_session(cls_conn)->conn, KISCSI_ERR_LOCAL);
}

static void kiscsi_tr_destroy_conn(struct iscsi_cls_conn *cls_conn)
{
	/* the connection lives as long as the session; nothing to free */
	iscsi_cls_conn_printk(KERN_WARNING, cls_conn,
			      "kiscsi: use 'kiscsi logout' to end this session\n");
}

static int kiscsi_tr_set_param(struct iscsi_cls_conn *cls_conn,
			       enum iscsi_param param, char *buf, int buflen)
{
	return -EOPNOTSUPP;
}

static int kiscsi_tr_send_pdu(struct iscsi_cls_conn *cls_conn,
			      struct iscsi_hdr *hdr, char *data, u32 size)
{
	return -EOPNOTSUPP;
}

static void kiscsi_tr_get_stats(struct iscsi_cls_conn *cls_conn,
				struct iscsi_stats *stats)
{
	const struct kiscsi_stats *st = &cls_conn_to_session(cls_conn)->conn.stats;

	stats->txdata_octets = READ_ONCE(st->tx_data_bytes);
	stats->rxdata_octets = READ_ONCE(st->rx_data_bytes);
	stats->scsicmd_pdus = READ_ONCE(st->scsi_cmds);
	stats->r2t_pdus = READ_ONCE(st->r2ts);
	stats->digest_err = READ_ONCE(st->digest_errors);
	stats->custom_length = 0;
}

static void kiscsi_tr_recovery_timedout(struct iscsi_cls_session *cls)
{
	struct kiscsi_session *s = cls_to_session(cls);

	kiscsi_notify(s, KISCSI_EVENT_SESSION_TIMED_OUT, 0);
}

static umode_t kiscsi_tr_attr_is_visible(int param_type, int param)
{
	switch (param_type) {
	case ISCSI_HOST_PARAM:
		return param == ISCSI_HOST_PARAM_INITIATOR_NAME ? 0444 : 0;
	case ISCSI_PARAM:
		switch (param) {
		case ISCSI_PARAM_MAX_RECV_DLENGTH:
		case ISCSI_PARAM_MAX_XMIT_DLENGTH:
		case ISCSI_PARAM_HDRDGST_EN:
		case ISCSI_PARAM_DATADGST_EN:
		case ISCSI_PARAM_CONN_ADDRESS:
		case ISCSI_PARAM_CONN_PORT:
		case ISCSI_PARAM_LOCAL_PORT:
		case ISCSI_PARAM_EXP_STATSN:
		case ISCSI_PARAM_PERSISTENT_ADDRESS:
		case ISCSI_PARAM_PERSISTENT_PORT:
		case ISCSI_PARAM_PING_TMO:
		case ISCSI_PARAM_RECV_TMO:
		case ISCSI_PARAM_INITIAL_R2T_EN:
		case ISCSI_PARAM_MAX_R2T:
		case ISCSI_PARAM_IMM_DATA_EN:
		case ISCSI_PARAM_FIRST_BURST:
		case ISCSI_PARAM_MAX_BURST:
		case ISCSI_PARAM_PDU_INORDER_EN:
		case ISCSI_PARAM_DATASEQ_INORDER_EN:
		case ISCSI_PARAM_ERL:
		case ISCSI_PARAM_TARGET_NAME:
		case ISCSI_PARAM_TPGT:
		case ISCSI_PARAM_INITIATOR_NAME:
		case ISCSI_PARAM_ISID:
		case ISCSI_PARAM_TSID:
		case ISCSI_PARAM_DEF_TIME2WAIT:
		case ISCSI_PARAM_DEF_TIME2RETAIN:
		case ISCSI_PARAM_IFACE_NAME:
		case ISCSI_PARAM_BOOT_ROOT:
		case ISCSI_PARAM_BOOT_NIC:
		case ISCSI_PARAM_BOOT_TARGET:
			return 0444;
		}
		return 0;
	}
	return 0;
}

static int kiscsi_tr_get_conn_param(struct iscsi_cls_conn *cls_conn,
				    enum iscsi_param param, char *buf)
{
	struct kiscsi_session *s = cls_conn_to_session(cls_conn);
	const struct kiscsi_conn *conn = &s->conn;
	const struct kiscsi_params *p = &s->p;

	switch (param) {
	case ISCSI_PARAM_MAX_RECV_DLENGTH:
		return sysfs_emit(buf, "%u\n", p->max_recv_dlen);
	case ISCSI_PARAM_MAX_XMIT_DLENGTH:
		return sysfs_emit(buf, "%u\n", p->max_xmit_dlen);
	case ISCSI_PARAM_HDRDGST_EN:
		return sysfs_emit(buf, "%d\n", p->hdr_digest);
	case ISCSI_PARAM_DATADGST_EN:
		return sysfs_emit(buf, "%d\n", p->data_digest);
	case ISCSI_PARAM_CONN_ADDRESS:
		return sysfs_emit(buf, "%s\n", conn->target_addr);
	case ISCSI_PARAM_CONN_PORT:
		return sysfs_emit(buf, "%u\n", conn->target_port);
	case ISCSI_PARAM_LOCAL_PORT:
		return sysfs_emit(buf, "%u\n", conn->local_port);
	case ISCSI_PARAM_EXP_STATSN:
		return sysfs_emit(buf, "%u\n", READ_ONCE(conn->exp_statsn));
	case ISCSI_PARAM_PERSISTENT_ADDRESS:
		return sysfs_emit(buf, "%s\n", s->portal_addr);
	case ISCSI_PARAM_PERSISTENT_PORT:
		return sysfs_emit(buf, "%u\n", s->portal_port);
	case ISCSI_PARAM_PING_TMO:
		return sysfs_emit(buf, "%u\n", p->nop_timeout);
	case ISCSI_PARAM_RECV_TMO:
		return sysfs_emit(buf, "%u\n", p->nop_interval);
	default:
		return -EOPNOTSUPP;
	}
}

static int kiscsi_tr_get_session_param(struct iscsi_cls_session *cls,
				       enum iscsi_param param, char *buf)
{
	struct kiscsi_session *s = cls_to_session(cls);
	const struct kiscsi_params *p = &s->p;

	switch (param) {
	case ISCSI_PARAM_INITIAL_R2T_EN:
		return sysfs_emit(buf, "%d\n", p->initial_r2t);
	case ISCSI_PARAM_MAX_R2T:
		return sysfs_emit(buf, "%u\n", p->max_r2t);
	case ISCSI_PARAM_IMM_DATA_EN:
		return sysfs_emit(buf, "%d\n", p->immediate_data);
	case ISCSI_PARAM_FIRST_BURST:
		return sysfs_emit(buf, "%u\n", p->first_burst);
	case ISCSI_PARAM_MAX_BURST:
		return sysfs_emit(buf, "%u\n", p->max_burst);
	case ISCSI_PARAM_PDU_INORDER_EN:
		return sysfs_emit(buf, "%d\n", p->data_pdu_in_order);
	case ISCSI_PARAM_DATASEQ_INORDER_EN:
		return sysfs_emit(buf, "%d\n", p->data_seq_in_order);
	case ISCSI_PARAM_ERL:
		return sysfs_emit(buf, "%u\n", p->erl);
	case ISCSI_PARAM_TARGET_NAME:
		return sysfs_emit(buf, "%s\n", s->target_name);
	case ISCSI_PARAM_TPGT:
		return sysfs_emit(buf, "%u\n", p->tpgt);
	case ISCSI_PARAM_INITIATOR_NAME:
		return sysfs_emit(buf, "%s\n", s->initiator_name);
	case ISCSI_PARAM_ISID:
		return sysfs_emit(buf, "%6phN\n", p->isid);
	case ISCSI_PARAM_TSID:
		return sysfs_emit(buf, "%u\n", p->tsih);
	case ISCSI_PARAM_DEF_TIME2WAIT:
		return sysfs_emit(buf, "%u\n", p->time2wait);
	case ISCSI_PARAM_DEF_TIME2RETAIN:
		return sysfs_emit(buf, "%u\n", p->time2retain);
	case ISCSI_PARAM_IFACE_NAME:
		return sysfs_emit(buf, "%s\n", s->iface_name);
	case ISCSI_PARAM_BOOT_ROOT:
		return sysfs_emit(buf, "%s\n", s->boot_root);
	case ISCSI_PARAM_BOOT_NIC:
		return sysfs_emit(buf, "%s\n", s->boot_nic);
	case ISCSI_PARAM_BOOT_TARGET:
		return sysfs_emit(buf, "%s\n", s->boot_target);
	default:
		return -EOPNOTSUPP;
	}
}

static int kiscsi_tr_get_host_param(struct Scsi_Host *shost,
				    enum iscsi_host_param param, char *buf)
{
	struct kiscsi_session *s = shost_priv(shost);

	if (param == ISCSI_HOST_PARAM_INITIATOR_NAME)
		return sysfs_emit(buf, "%s\n", s->initiator_name);
	return -EOPNOTSUPP;
}

struct iscsi_transport kiscsi_iscsi_transport = {
	.owner			= THIS_MODULE,
	/*
	 * open-iscsi's iscsiadm scans /sys/class/iscsi_transport in byte
	 * order and stops at the first name it has no template for: a name
	 * after "tcp" lets it find every transport of its own first.
	 */
	.name			= "tcp-kiscsi",
	.caps			= CAP_RECOVERY_L0 | CAP_MULTI_R2T,
	.create_session		= kiscsi_tr_create_session,
	.destroy_session	= kiscsi_tr_destroy_session,
	.create_conn		= kiscsi_tr_create_conn,
	.bind_conn		= kiscsi_tr_bind_conn,
	.unbind_conn		= kiscsi_tr_unbind_conn,
	.start_conn		= kiscsi_tr_start_conn,
	.stop_conn		= kiscsi_tr_stop_conn,
	.destroy_conn		= kiscsi_tr_destroy_conn,
	.set_param		= kiscsi_tr_set_param,
	.send_pdu		= kiscsi_tr_send_pdu,
	.get_stats		= kiscsi_tr_get_stats,
	.get_conn_param		= kiscsi_tr_get_conn_param,
	.get_session_param	= kiscsi_tr_get_session_param,
	.get_host_param		= kiscsi_tr_get_host_param,
	.attr_is_visible	= kiscsi_tr_attr_is_visible,
	.session_recovery_timedout = kiscsi_tr_recovery_timedout,
};

int kiscsi_transport_init(void)
{
	kiscsi_scsi_transport = iscsi_register_transport(&kiscsi_iscsi_transport);
	return kiscsi_scsi_transport ? 0 : -ENODEV;
}

void kiscsi_transport_exit(void)
{
	iscsi_unregister_transport(&kiscsi_iscsi_transport);
}

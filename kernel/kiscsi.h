/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kiscsi: internal structures shared by the module's files.
 *
 * One session = one Scsi_Host = one iscsi_cls_session with one class
 * connection (CID 0).  The TCP socket under the connection is handed over
 * by userspace after login.  A single work item per connection (io_work)
 * does all receiving and sending, so the RX state, the TX state, the
 * CmdSN window and the task table need no lock between them.
 */
#ifndef KISCSI_H
#define KISCSI_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/scatterlist.h>
#include <linux/if.h>
#include <linux/net.h>
#include <linux/ratelimit.h>
#include <scsi/iscsi_proto.h>
#include <linux/kiscsi.h>

struct Scsi_Host;
struct scsi_cmnd;
struct iscsi_cls_session;
struct iscsi_cls_conn;
struct scsi_transport_template;
struct genl_info;
struct netlink_ext_ack;
struct sk_buff;
struct kiscsi_conn;

#define KISCSI_NAME_LEN		224	/* iSCSI names: at most 223 bytes */
#define KISCSI_ADDR_LEN		64
#define KISCSI_IFACE_LEN	IFNAMSIZ
#define KISCSI_BOOT_LEN		32	/* sysfs boot_root, boot_nic, boot_target */
#define KISCSI_MAX_CDB		260	/* SCSI_MAX_VARLEN_CDB_SIZE */
#define KISCSI_MAX_R2T		4	/* R2Ts tracked per command */
#define KISCSI_MAX_AHS		256	/* AHS bytes accepted from a target */
#define KISCSI_RX_BUF		512	/* small data segments we keep */
#define KISCSI_NOP_REPLIES	4	/* target pings answered at once */
#define KISCSI_LOGOUT_TIMEOUT	(10 * HZ)

/*
 * ITT layout: bit 31 clear for SCSI commands (tag in bits 0-15), set for
 * the connection's own tasks (NOP-Out, Logout).  Bits 16-30 carry a
 * generation so a stale ITT never names a newer command.  Task indexes
 * stay far below 0xffff, so an ITT is never 0xffffffff.
 */
#define KISCSI_ITT_TAG_MASK	0xffffu
#define KISCSI_ITT_GEN_SHIFT	16
#define KISCSI_ITT_GEN_MASK	0x7fffu
#define KISCSI_ITT_CONN_TASK	0x80000000u
enum kiscsi_conn_task {
	KISCSI_TASK_NOP = 1,
	KISCSI_TASK_LOGOUT,
	KISCSI_TASK_TMF,
};

/* Negotiated and configured values, fixed for the session's life. */
struct kiscsi_params {
	u32 max_recv_dlen;	/* ours: what the target may send us */
	u32 max_xmit_dlen;	/* the target's: what we may send */
	u32 first_burst;
	u32 max_burst;
	u16 max_r2t;
	u16 tpgt;
	u16 tsih;
	u16 queue_depth;
	u16 time2wait;
	u16 time2retain;
	u8 isid[6];
	u8 erl;
	bool immediate_data;
	bool initial_r2t;
	bool hdr_digest;
	bool data_digest;
	bool data_pdu_in_order;
	bool data_seq_in_order;
	u32 nop_interval;	/* seconds, 0: no pings */
	u32 nop_timeout;	/* seconds */
	u32 recovery_tmo;	/* seconds */
	u32 tmf_timeout;	/* seconds */
};

/* An R2T waiting to be answered with Data-Out PDUs. */
struct kiscsi_r2t {
	u32 ttt;
	u32 offset;
	u32 len;
	u32 sent;
	u32 datasn;
};

enum kiscsi_cmd_flags {
	KISCSI_CMD_QUEUED_DATA	= BIT(0),	/* on conn->data_list */
	KISCSI_CMD_SENDING	= BIT(1),	/* a PDU of it is on the wire */
	KISCSI_CMD_DONE		= BIT(2),	/* completed while sending */
	KISCSI_CMD_ABORTED	= BIT(3),	/* aborted while sending */
};

/* Per-command state in the SCSI command's private area (cmd_size). */
struct kiscsi_cmd {
	struct llist_node lnode;	/* queuecommand -> io_work */
	struct list_head entry;		/* cmd_list or data_list */
	struct scsi_cmnd *sc;
	u32 itt;
	u32 cmdsn;
	u32 len;			/* expected data transfer length */
	u32 imm_len;			/* immediate data in the command PDU */
	u32 unsol_off;			/* next unsolicited Data-Out offset */
	u32 unsol_end;			/* end of the unsolicited burst */
	u32 unsol_datasn;
	u32 rx_done;			/* Data-In bytes received (in order) */
	u32 exp_datasn;
	u32 exp_r2tsn;
	u8 r2t_head;
	u8 r2t_count;
	u8 flags;
	u8 hdr_len;			/* BHS + AHS */
	struct kiscsi_r2t r2t[KISCSI_MAX_R2T];
	/* BHS, extended-CDB AHS and header digest, formatted at queue time */
	u8 hdr[ISCSI_HDR_LEN + 4 + KISCSI_MAX_CDB - 16 + 4] __aligned(4);
};

/* Where the bytes of the PDU currently being sent come from. */
struct kiscsi_tx {
	bool active;
	const u8 *hdr;
	u32 hdr_len;		/* including header digest */
	u32 hdr_sent;
	struct kiscsi_cmd *cmd;	/* data source, NULL if none */
	u32 data_off;		/* offset in the command's buffer */
	u32 data_len;
	u32 data_sent;
	struct scatterlist *sg;	/* position of data_off + data_sent */
	u32 sg_off;
	u32 pad_len;
	u32 pad_sent;
	u32 crc;		/* data digest of what was sent so far */
	u32 ddgst_len;		/* 0, or 4 once data and padding are out */
	u32 ddgst_sent;
	bool data_digest;	/* copy the data (never splice) and digest it */
	u8 ddgst[4];
	void (*done)(struct kiscsi_conn *conn);
};

enum kiscsi_rx_state {
	KISCSI_RX_BHS,
	KISCSI_RX_AHS,
	KISCSI_RX_DATA,
};

struct kiscsi_rx {
	enum kiscsi_rx_state state;
	u32 have;		/* bytes of the current stage received */
	u32 ahs_len;		/* AHS bytes after the BHS */
	u32 ext_len;		/* AHS + header digest */
	u32 dlen;		/* data segment length */
	u32 data_end;		/* dlen + padding */
	u32 data_total;		/* dlen + padding + data digest */
	u32 crc;		/* data digest of what was received */
	struct kiscsi_cmd *cmd;	/* Data-In target, or NULL */
	struct scatterlist *sg;	/* Data-In position */
	u32 sg_off;
	u8 hdr[ISCSI_HDR_LEN + KISCSI_MAX_AHS + 4] __aligned(4);
	u8 buf[KISCSI_RX_BUF] __aligned(4);
	u8 ddgst[4];
};

struct kiscsi_nop_reply {
	u32 ttt;
	struct scsi_lun lun;
};

enum kiscsi_conn_state {
	KISCSI_CONN_DOWN,
	KISCSI_CONN_UP,
	KISCSI_CONN_FAILED,
};

enum kiscsi_tx_bits {
	KISCSI_TX_PING,		/* send a NOP-Out ping */
	KISCSI_TX_LOGOUT,	/* send a Logout request */
	KISCSI_TX_TMF,		/* send the queued task management request */
};

enum kiscsi_tmf_state {
	KISCSI_TMF_IDLE,
	KISCSI_TMF_QUEUED,	/* waiting for io_work to send it */
	KISCSI_TMF_SENT,	/* waiting for the response */
	KISCSI_TMF_WAIT_TX,	/* answered; a PDU of a task is still leaving */
	KISCSI_TMF_DONE,
};

/* Response when no TMF Response came: the connection went down. */
#define KISCSI_TMF_RSP_CONN_LOST	0x100

/* The one task management request of a connection (SCSI EH). */
struct kiscsi_tmf {
	struct mutex mutex;		/* one request at a time */
	spinlock_t lock;		/* the fields below: EH vs io_work */
	struct completion done;
	int state;			/* enum kiscsi_tmf_state */
	u8 function;			/* ISCSI_TM_FUNC_* */
	u64 lun;
	struct kiscsi_cmd *ref;		/* ABORT TASK: the command */
	u32 itt;
	int response;			/* ISCSI_TMF_RSP_* or CONN_LOST */
	struct kiscsi_cmd *wait_tx;	/* KISCSI_TMF_WAIT_TX: this one */
};

struct kiscsi_stats {
	u64 tx_pdus;
	u64 rx_pdus;
	u64 tx_data_bytes;
	u64 rx_data_bytes;
	u64 scsi_cmds;
	u64 r2ts;
	u64 conn_failures;
	u64 digest_errors;
	u64 protocol_errors;
	u64 async_events;
	u64 rejects;
	u64 tmfs;
	u64 tmf_timeouts;		/* written by the SCSI EH thread */
	u64 rescans;
	u64 r2t_peak;
	u64 inline_pdus;		/* sent by queuecommand itself */
	u64 tx_copied_bytes;		/* data bytes not spliced */
	u64 cmdsn_window_waits;		/* a command found the window shut */
};

struct kiscsi_session;

struct kiscsi_conn {
	struct kiscsi_session *session;
	struct socket *sock;
	int state;			/* enum kiscsi_conn_state */
	int error;			/* enum kiscsi_conn_error of the failure */
	int rx_error;			/* set by the receive actor */
	void (*orig_data_ready)(struct sock *sk);
	void (*orig_write_space)(struct sock *sk);
	void (*orig_state_change)(struct sock *sk);

	struct work_struct io_work;
	struct work_struct err_work;
	struct delayed_work nop_work;

	/*
	 * Orders the class's view (session blocked or unblocked, class
	 * connection UP or FAILED) between session creation, which brings
	 * it up once, and err_work, which takes it down: a failure that
	 * comes first is never overwritten with UP.
	 */
	struct mutex cls_state_lock;

	/* producers: queuecommand; consumer: io_work */
	struct llist_head req_list;

	/*
	 * Held by whoever does the connection's network work: io_work, or
	 * queuecommand sending inline (6.12).  It guards everything below.
	 */
	struct mutex io_mutex;

	/* below: owned by the io_mutex holder */
	struct list_head cmd_list;	/* commands waiting for CmdSN window */
	bool window_shut;		/* cmd_list waits on MaxCmdSN (counted) */
	struct list_head data_list;	/* commands with Data-Out to send */
	struct kiscsi_cmd **tasks;	/* in flight, by blk-mq tag */
	u16 itt_gen;
	u32 cmdsn;			/* next CmdSN to assign */
	u32 exp_cmdsn;
	u32 max_cmdsn;
	u32 exp_statsn;
	struct kiscsi_tx tx;
	struct kiscsi_rx rx;
	u8 ctl_hdr[ISCSI_HDR_LEN + 4] __aligned(4);	/* control PDU */
	u8 data_hdr[ISCSI_HDR_LEN + 4] __aligned(4);	/* Data-Out PDU */
	struct kiscsi_nop_reply nop_replies[KISCSI_NOP_REPLIES];
	u8 nop_reply_count;
	unsigned long tx_bits;		/* enum kiscsi_tx_bits */

	/* NOP-Out keepalive */
	unsigned long last_rx;		/* jiffies of the last PDU received */
	unsigned long ping_sent;	/* jiffies it was queued, 0: none out */
	u32 ping_itt;

	/* Logout */
	struct completion logout_done;
	u32 logout_itt;
	int logout_response;
	u8 logout_reason;		/* ISCSI_LOGOUT_REASON_* */
	bool target_logout;		/* the target asked for it */
	unsigned long logout_deadline;	/* jiffies; the target's Parameter3 */

	struct kiscsi_tmf tmf;

	/* recovery: what the target asked for, and since when I/O is held */
	u16 time2wait;			/* seconds to wait before a relogin */
	unsigned long down_since;	/* jiffies of the failure, 0: up */

	/* both ends of the TCP connection, for SESSION_GET */
	char target_addr[KISCSI_ADDR_LEN];
	char local_addr[KISCSI_ADDR_LEN];
	u16 target_port;
	u16 local_port;

	struct kiscsi_stats stats;
};

struct kiscsi_session {
	struct list_head node;		/* kiscsi_sessions, under kiscsi_lock */
	u32 id;
	bool creating;			/* listed only to hold its nexus */
	bool scanning;			/* the first LUN scan is running */
	bool destroying;
	struct net *net;
	struct Scsi_Host *shost;
	struct iscsi_cls_session *cls_session;
	struct iscsi_cls_conn *cls_conn;
	char initiator_name[KISCSI_NAME_LEN];
	char target_name[KISCSI_NAME_LEN];
	char portal_addr[KISCSI_ADDR_LEN];
	u16 portal_port;
	char iface_name[KISCSI_IFACE_LEN];	/* "default": not bound */
	/* where the boot firmware described it; "" for the others */
	char boot_root[KISCSI_BOOT_LEN];
	char boot_nic[KISCSI_BOOT_LEN];
	char boot_target[KISCSI_BOOT_LEN];
	struct kiscsi_params p;
	struct work_struct rescan_work;	/* capacity changed: revalidate */
	struct work_struct scan_work;	/* the first LUN scan */
	struct work_struct destroy_work;
	/* what a target can make us log (async, Reject, TMF results) */
	struct ratelimit_state target_msg_rs;
	struct kiscsi_conn conn;
};

/* Find the scatterlist entry holding byte @offset of a command's buffer. */
static inline struct scatterlist *kiscsi_sg_seek(struct scatterlist *sg,
						 u32 offset, u32 *sg_off)
{
	while (sg && offset >= sg->length) {
		offset -= sg->length;
		sg = sg_next(sg);
	}
	*sg_off = offset;
	return sg;
}

/* main.c */
extern struct workqueue_struct *kiscsi_wq;
extern struct workqueue_struct *kiscsi_ctl_wq;
extern struct device *kiscsi_root_dev;

/* session.c */
struct kiscsi_session_args {
	struct socket *sock;
	const char *initiator_name;
	const char *target_name;
	const char *portal_addr;	/* NULL: take the peer's */
	const char *iface_name;		/* NULL: "default" */
	const char *boot_root;		/* NULL: not from firmware */
	const char *boot_nic;
	const char *boot_target;
	int portal_port;		/* -1: take the peer's */
	u32 statsn;
	u32 exp_cmdsn;
	u32 max_cmdsn;
	struct kiscsi_params p;
	u32 id;				/* out: the new session's */
	u32 host_no;			/* out */
};

int kiscsi_session_create(struct net *net, struct kiscsi_session_args *args);
int kiscsi_session_replace(struct net *net, u32 id,
			   struct kiscsi_session_args *args,
			   struct netlink_ext_ack *extack);
u32 kiscsi_session_recovery_tmo(struct kiscsi_session *s);
void kiscsi_session_start_destroy(struct kiscsi_session *s);
extern struct mutex kiscsi_lock;
extern struct list_head kiscsi_sessions;
struct kiscsi_session *kiscsi_session_find(struct net *net, u32 id);
int kiscsi_session_state(struct kiscsi_session *s);
void kiscsi_destroy_all_sessions(void);

/* transport.c */
extern struct scsi_transport_template *kiscsi_scsi_transport;
int kiscsi_transport_init(void);
void kiscsi_transport_exit(void);
struct iscsi_transport;
extern struct iscsi_transport kiscsi_iscsi_transport;

/* scsi.c */
struct Scsi_Host *kiscsi_host_alloc(u16 queue_depth);
void kiscsi_cmd_complete(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd);

/* conn.c */
int kiscsi_conn_start(struct kiscsi_conn *conn, struct socket *sock,
		      u32 statsn, u32 exp_cmdsn, u32 max_cmdsn);
void kiscsi_conn_fail(struct kiscsi_conn *conn, int error);
void kiscsi_conn_stop(struct kiscsi_conn *conn);
int kiscsi_conn_init(struct kiscsi_conn *conn, struct kiscsi_session *s);
void kiscsi_conn_free(struct kiscsi_conn *conn);
int kiscsi_conn_logout(struct kiscsi_conn *conn);
void kiscsi_conn_kick(struct kiscsi_conn *conn);
void kiscsi_conn_send_inline(struct kiscsi_conn *conn);	/* 6.12 */
bool kiscsi_inline_send_enabled(void);			/* 6.12 */

/* tmf.c */
void kiscsi_tmf_init(struct kiscsi_tmf *tmf);
bool kiscsi_tx_tmf(struct kiscsi_conn *conn);
int kiscsi_rx_tmf_rsp(struct kiscsi_conn *conn);
void kiscsi_tmf_rejected(struct kiscsi_conn *conn, u32 itt);
void kiscsi_tmf_tx_done(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd);
void kiscsi_tmf_conn_lost(struct kiscsi_conn *conn);
int kiscsi_eh_abort(struct scsi_cmnd *sc);
int kiscsi_eh_device_reset(struct scsi_cmnd *sc);
int kiscsi_eh_target_reset(struct scsi_cmnd *sc);
int kiscsi_eh_host_reset(struct scsi_cmnd *sc);

/* async.c */
int kiscsi_rx_async(struct kiscsi_conn *conn);
int kiscsi_rx_reject(struct kiscsi_conn *conn);
void kiscsi_check_sense(struct kiscsi_conn *conn, const u8 *sense, u32 len);
void kiscsi_rescan_work(struct work_struct *work);

/* tx.c */
/* PDUs kiscsi_try_send sends at most per call */
#define KISCSI_TX_BUDGET	64
int kiscsi_try_send(struct kiscsi_conn *conn);
void kiscsi_cmd_prepare(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd);
void kiscsi_tx_drop_cmd(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd);
void kiscsi_tx_queue_data(struct kiscsi_conn *conn, struct kiscsi_cmd *cmd);
void kiscsi_tx_take_requests(struct kiscsi_conn *conn);
u32 kiscsi_conn_task_itt(struct kiscsi_conn *conn, enum kiscsi_conn_task task);
void kiscsi_tx_setup(struct kiscsi_conn *conn, void *hdr, u32 hdr_len,
		     struct kiscsi_cmd *cmd, u32 data_off, u32 data_len,
		     void (*done)(struct kiscsi_conn *conn));

/* rx.c */
int kiscsi_recv_skb(read_descriptor_t *desc, struct sk_buff *skb,
		    unsigned int offset, size_t len);
void kiscsi_rx_reset(struct kiscsi_conn *conn);
struct kiscsi_cmd *kiscsi_rx_find_cmd(struct kiscsi_conn *conn, itt_t itt);
void kiscsi_rx_statsn(struct kiscsi_conn *conn, const void *hdr);
__printf(3, 4)
int kiscsi_rx_fail(struct kiscsi_conn *conn, int error, const char *fmt, ...);
#define kiscsi_rx_protocol_error(conn, fmt, ...) \
	kiscsi_rx_fail(conn, KISCSI_ERR_PROTOCOL, fmt, ##__VA_ARGS__)

/* netlink.c */
int kiscsi_netlink_init(void);
void kiscsi_netlink_exit(void);
void kiscsi_notify(struct kiscsi_session *s, u8 event, u32 reason);

/* What an event carries beyond its kind; absent fields are not sent. */
struct kiscsi_event_info {
	u8 event;			/* enum kiscsi_event */
	u32 reason;			/* enum kiscsi_conn_error, 0: none */
	int time2wait;			/* seconds, -1: none */
	s64 outage_ms;			/* -1: none */
	const struct iscsi_async *async;
	const u8 *sense;
	u32 sense_len;
	int reject_reason;		/* -1: none */
	u8 reject_opcode;
	int tmf_function;		/* -1: none */
	int tmf_response;
};

void kiscsi_event_init(struct kiscsi_event_info *ev, u8 event);
void kiscsi_notify_info(struct kiscsi_session *s,
			const struct kiscsi_event_info *ev);

#endif /* KISCSI_H */

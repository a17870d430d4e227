// SPDX-License-Identifier: GPL-2.0
/*
 * The connection: taking over the logged-in socket, the io_work that
 * receives and sends, keepalive pings, failure and teardown.
 */
#include <linux/file.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_iscsi.h>

#include "kiscsi.h"
#include "compat.h"

static const char *const kiscsi_error_names[] = {
	[KISCSI_ERR_NONE]		= "no error",
	[KISCSI_ERR_CONN_CLOSED]	= "the target closed the connection",
	[KISCSI_ERR_SOCKET]		= "socket error",
	[KISCSI_ERR_PROTOCOL]		= "protocol error",
	[KISCSI_ERR_HDR_DIGEST]		= "header digest error",
	[KISCSI_ERR_DATA_DIGEST]	= "data digest error",
	[KISCSI_ERR_NOP_TIMEOUT]	= "the target stopped answering NOP-Out pings",
	[KISCSI_ERR_TARGET_LOGOUT]	= "the target asked to end the connection",
	[KISCSI_ERR_LOCAL]		= "reset by the initiator",
};

#ifdef CONFIG_DEBUG_LOCK_ALLOC
/*
 * The block layer's locks are taken under the socket lock here, and
 * filesystem I/O on other sockets takes them the other way round: a class
 * of our own keeps lockdep from conflating the two.
 */
static struct lock_class_key kiscsi_sk_key[2];
static struct lock_class_key kiscsi_slock_key[2];

static void kiscsi_reclassify_socket(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sock_allow_reclassification(sk))
		return;
	switch (sk->sk_family) {
	case AF_INET:
		sock_lock_init_class_and_name(sk, "slock-AF_INET-KISCSI",
					      &kiscsi_slock_key[0],
					      "sk_lock-AF_INET-KISCSI",
					      &kiscsi_sk_key[0]);
		break;
	case AF_INET6:
		sock_lock_init_class_and_name(sk, "slock-AF_INET6-KISCSI",
					      &kiscsi_slock_key[1],
					      "sk_lock-AF_INET6-KISCSI",
					      &kiscsi_sk_key[1]);
		break;
	}
}
#else
static void kiscsi_reclassify_socket(struct socket *sock) { }
#endif

static void kiscsi_err_work(struct work_struct *work);

void kiscsi_conn_kick(struct kiscsi_conn *conn)
{
	queue_work(kiscsi_wq, &conn->io_work);
}

static void kiscsi_data_ready(struct sock *sk)
{
	struct kiscsi_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (likely(conn))
		kiscsi_conn_kick(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void kiscsi_write_space(struct sock *sk)
{
	struct kiscsi_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (likely(conn && sk_stream_is_writeable(sk))) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		kiscsi_conn_kick(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void kiscsi_state_change(struct sock *sk)
{
	struct kiscsi_conn *conn;
	void (*orig)(struct sock *sk);

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (!conn) {
		orig = sk->sk_state_change;
		goto out;
	}
	orig = conn->orig_state_change;
	switch (sk->sk_state) {
	case TCP_CLOSE:
	case TCP_CLOSE_WAIT:
	case TCP_LAST_ACK:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		kiscsi_conn_fail(conn, KISCSI_ERR_CONN_CLOSED);
		break;
	}
out:
	read_unlock_bh(&sk->sk_callback_lock);
	if (orig && orig != kiscsi_state_change)
		orig(sk);
}

static int kiscsi_try_recv(struct kiscsi_conn *conn)
{
	struct socket *sock = conn->sock;
	read_descriptor_t rd_desc = {
		.arg.data = conn,
		.count = 1,
	};
	int consumed;

	lock_sock(sock->sk);
	conn->rx_error = 0;
	consumed = sock->ops->read_sock(sock->sk, &rd_desc, kiscsi_recv_skb);
	release_sock(sock->sk);
	if (conn->rx_error)
		return -EPROTO;
	return consumed;
}

/*
 * All network work of a connection runs here, one instance at a time: it
 * owns the RX and TX state, the CmdSN window and the task table.
 */
static void kiscsi_io_work(struct work_struct *work)
{
	struct kiscsi_conn *conn = container_of(work, struct kiscsi_conn,
						io_work);
	unsigned long deadline = jiffies + msecs_to_jiffies(1);
	unsigned int noreclaim_flag;
	bool pending;
	int ret;

	/* the disk may be what reclaim writes to */
	noreclaim_flag = memalloc_noreclaim_save();
	mutex_lock(&conn->io_mutex);
	do {
		pending = false;
		if (READ_ONCE(conn->state) != KISCSI_CONN_UP)
			break;

		ret = kiscsi_try_send(conn);
		if (ret > 0) {
			pending = true;
		} else if (ret < 0 && ret != -EAGAIN) {
			kiscsi_conn_fail(conn, KISCSI_ERR_SOCKET);
			break;
		}

		ret = kiscsi_try_recv(conn);
		if (ret > 0) {
			pending = true;
		} else if (ret < 0) {
			kiscsi_conn_fail(conn, conn->rx_error ?: KISCSI_ERR_SOCKET);
			break;
		}
	} while (pending && !time_after(jiffies, deadline));
	mutex_unlock(&conn->io_mutex);
	memalloc_noreclaim_restore(noreclaim_flag);

	/* out of budget with work left: yield the CPU, then go on */
	if (pending)
		kiscsi_conn_kick(conn);
}

#ifdef KISCSI_HAVE_INLINE_SEND
static bool inline_send = true;
module_param(inline_send, bool, 0644);
MODULE_PARM_DESC(inline_send,
		 "sessions created while on send from queuecommand when the connection is idle; off: queuecommand never sleeps, as on 6.1 (default: on)");

/* Read when a session's host is created: the host keeps what it got. */
bool kiscsi_inline_send_enabled(void)
{
	return READ_ONCE(inline_send);
}

/*
 * queuecommand on 6.12, where it may sleep: send what is queued right away
 * when nobody else is doing the connection's network work, and save the
 * hop to io_work (a context switch per command at queue depth 1).  Busy:
 * io_work takes it.  Receiving stays with io_work.
 */
void kiscsi_conn_send_inline(struct kiscsi_conn *conn)
{
	unsigned int noreclaim_flag;
	int ret;

	if (!mutex_trylock(&conn->io_mutex)) {
		kiscsi_conn_kick(conn);
		return;
	}
	noreclaim_flag = memalloc_noreclaim_save();
	ret = 0;
	if (READ_ONCE(conn->state) == KISCSI_CONN_UP) {
		ret = kiscsi_try_send(conn);
		if (ret > 0)
			conn->stats.inline_pdus += ret;
	}
	memalloc_noreclaim_restore(noreclaim_flag);
	mutex_unlock(&conn->io_mutex);

	/* a full socket calls write_space when it drains */
	if (ret == -EAGAIN)
		return;
	if (ret < 0)
		kiscsi_conn_fail(conn, KISCSI_ERR_SOCKET);
	else if (ret == KISCSI_TX_BUDGET)
		kiscsi_conn_kick(conn);
}
#endif

/* The earlier of two deadlines, in jiffies. */
static unsigned long kiscsi_earlier(unsigned long a, unsigned long b)
{
	return time_before(a, b) ? a : b;
}

/*
 * Keepalive and deadlines.  It runs at least once a second, and also right
 * when the next deadline falls due, so a silent peer is declared dead at
 * nop_interval + nop_timeout after it last spoke, not up to two ticks later.
 */
static void kiscsi_nop_work(struct work_struct *work)
{
	struct kiscsi_conn *conn = container_of(to_delayed_work(work),
						struct kiscsi_conn, nop_work);
	const struct kiscsi_params *p = &conn->session->p;
	unsigned long sent = READ_ONCE(conn->ping_sent);
	unsigned long now = jiffies, next = now + HZ, due;

	if (READ_ONCE(conn->state) != KISCSI_CONN_UP)
		return;
	if (READ_ONCE(conn->target_logout)) {
		due = READ_ONCE(conn->logout_deadline);
		if (time_after(now, due)) {
			kiscsi_conn_fail(conn, KISCSI_ERR_TARGET_LOGOUT);
			return;
		}
		next = kiscsi_earlier(next, due + 1);
	}
	if (sent) {
		due = sent + p->nop_timeout * HZ;
		if (time_after(now, due)) {
			kiscsi_conn_fail(conn, KISCSI_ERR_NOP_TIMEOUT);
			return;
		}
		next = kiscsi_earlier(next, due + 1);
	} else if (p->nop_interval) {
		due = READ_ONCE(conn->last_rx) + p->nop_interval * HZ;
		if (time_after_eq(now, due)) {
			/*
			 * The clock starts now, not when the ping has left:
			 * a peer that stopped reading (its window shut) never
			 * lets it leave, and is dead all the same.
			 */
			WRITE_ONCE(conn->ping_sent, now ?: 1);
			set_bit(KISCSI_TX_PING, &conn->tx_bits);
			kiscsi_conn_kick(conn);
			due = now + p->nop_timeout * HZ + 1;
		}
		next = kiscsi_earlier(next, due);
	}
	queue_delayed_work(kiscsi_wq, &conn->nop_work,
			   time_after(next, now) ? next - now : 1);
}

static void kiscsi_sock_addr(struct socket *sock, bool peer, char *buf,
			     u16 *port)
{
	struct sockaddr_storage ss;
	int ret;

	ret = peer ? kernel_getpeername(sock, (struct sockaddr *)&ss) :
		     kernel_getsockname(sock, (struct sockaddr *)&ss);
	*port = 0;
	buf[0] = '\0';
	if (ret < 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		snprintf(buf, KISCSI_ADDR_LEN, "%pI4", &sin->sin_addr);
		*port = ntohs(sin->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		snprintf(buf, KISCSI_ADDR_LEN, "%pI6c", &sin6->sin6_addr);
		*port = ntohs(sin6->sin6_port);
	}
}

int kiscsi_conn_init(struct kiscsi_conn *conn, struct kiscsi_session *s)
{
	conn->session = s;
	conn->state = KISCSI_CONN_DOWN;
	mutex_init(&conn->io_mutex);
	mutex_init(&conn->cls_state_lock);
	INIT_WORK(&conn->io_work, kiscsi_io_work);
	INIT_WORK(&conn->err_work, kiscsi_err_work);
	INIT_DELAYED_WORK(&conn->nop_work, kiscsi_nop_work);
	init_llist_head(&conn->req_list);
	INIT_LIST_HEAD(&conn->cmd_list);
	INIT_LIST_HEAD(&conn->data_list);
	init_completion(&conn->logout_done);
	kiscsi_tmf_init(&conn->tmf);
	conn->tasks = kcalloc(s->p.queue_depth, sizeof(*conn->tasks),
			      GFP_KERNEL);
	return conn->tasks ? 0 : -ENOMEM;
}

void kiscsi_conn_free(struct kiscsi_conn *conn)
{
	kfree(conn->tasks);
	conn->tasks = NULL;
}

/*
 * Take over a logged-in socket.  Claiming it (sk_user_data) and installing
 * the callbacks happen under sk_callback_lock, so two sessions can never
 * share one socket.
 */
int kiscsi_conn_start(struct kiscsi_conn *conn, struct socket *sock,
		      u32 statsn, u32 exp_cmdsn, u32 max_cmdsn)
{
	struct sock *sk = sock->sk;

	conn->sock = sock;
	conn->cmdsn = exp_cmdsn;
	conn->exp_cmdsn = exp_cmdsn;
	conn->max_cmdsn = max_cmdsn;
	conn->exp_statsn = statsn + 1;
	conn->last_rx = jiffies;
	conn->ping_sent = 0;
	conn->tx_bits = 0;
	conn->nop_reply_count = 0;
	conn->target_logout = false;
	conn->logout_reason = ISCSI_LOGOUT_REASON_CLOSE_SESSION;
	conn->time2wait = conn->session->p.time2wait;
	memset(&conn->tx, 0, sizeof(conn->tx));
	kiscsi_rx_reset(conn);
	WRITE_ONCE(conn->state, KISCSI_CONN_UP);

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data) {
		write_unlock_bh(&sk->sk_callback_lock);
		WRITE_ONCE(conn->state, KISCSI_CONN_DOWN);
		conn->sock = NULL;
		return -EBUSY;
	}
	sk->sk_user_data = conn;
	conn->orig_data_ready = sk->sk_data_ready;
	conn->orig_write_space = sk->sk_write_space;
	conn->orig_state_change = sk->sk_state_change;
	sk->sk_data_ready = kiscsi_data_ready;
	sk->sk_write_space = kiscsi_write_space;
	sk->sk_state_change = kiscsi_state_change;
	write_unlock_bh(&sk->sk_callback_lock);

	kiscsi_reclassify_socket(sock);
	tcp_sock_set_nodelay(sk);
	lock_sock(sk);
	sk->sk_allocation = GFP_ATOMIC;
	kiscsi_sk_no_task_frag(sk);
	release_sock(sk);
	sk_set_memalloc(sk);

	kiscsi_sock_addr(sock, true, conn->target_addr, &conn->target_port);
	kiscsi_sock_addr(sock, false, conn->local_addr, &conn->local_port);

	/* it may have closed, or sent PDUs, before our callbacks were in */
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED) {
		kiscsi_conn_fail(conn, KISCSI_ERR_CONN_CLOSED);
		return 0;
	}
	kiscsi_conn_kick(conn);
	if (conn->session->p.nop_interval)
		queue_delayed_work(kiscsi_wq, &conn->nop_work, HZ);
	return 0;
}

static void kiscsi_fail_cmd(struct kiscsi_cmd *cmd, int host_byte)
{
	/* off cmd_list or data_list: an abort looks at the entry later */
	list_del_init(&cmd->entry);
	cmd->itt = ISCSI_RESERVED_TAG;
	cmd->flags = 0;
	set_host_byte(cmd->sc, host_byte);
	scsi_done(cmd->sc);
}

/*
 * Stop all network activity and give every command back to the SCSI
 * midlayer with @host_byte.  Runs once, from err_work or from stop, never
 * with io_work running.  A failed connection is reset rather than closed:
 * nothing still queued in it may reach the target after a relogin has
 * reinstated the session there.
 */
static void kiscsi_conn_teardown(struct kiscsi_conn *conn, int host_byte,
				 bool reset)
{
	struct socket *sock = conn->sock;
	struct kiscsi_cmd *cmd, *tmp;
	struct llist_node *reqs;
	struct sock *sk;
	u16 tag;

	if (!sock) {
		/*
		 * A failure's teardown ran already; conn_start may have armed
		 * these after it (the socket closed while it started).
		 */
		cancel_delayed_work_sync(&conn->nop_work);
		cancel_work_sync(&conn->io_work);
		return;
	}
	sk = sock->sk;

	/* every queuecommand that saw the connection up has queued by now */
	synchronize_rcu();
	cancel_delayed_work_sync(&conn->nop_work);

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = conn->orig_data_ready;
	sk->sk_write_space = conn->orig_write_space;
	sk->sk_state_change = conn->orig_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	if (reset)
		tcp_abort(sk, ECONNABORTED);
	else
		kernel_sock_shutdown(sock, SHUT_RDWR);
	cancel_work_sync(&conn->io_work);
	/* and an inline sender is out: later ones see the state and leave */
	mutex_lock(&conn->io_mutex);
	mutex_unlock(&conn->io_mutex);
	/* io_work arms it for a Logout the target asked for */
	cancel_delayed_work_sync(&conn->nop_work);
	sk_clear_memalloc(sk);

	/* a command completed (or aborted) while its PDU was on the wire */
	if (conn->tx.active && conn->tx.cmd) {
		cmd = conn->tx.cmd;
		if (cmd->flags & KISCSI_CMD_DONE)
			scsi_done(cmd->sc);
		if (cmd->flags & (KISCSI_CMD_DONE | KISCSI_CMD_ABORTED))
			cmd->flags = 0;
	}
	memset(&conn->tx, 0, sizeof(conn->tx));
	kiscsi_rx_reset(conn);

	for (tag = 0; tag < conn->session->p.queue_depth; tag++) {
		cmd = conn->tasks[tag];
		if (!cmd)
			continue;
		conn->tasks[tag] = NULL;
		kiscsi_fail_cmd(cmd, host_byte);
	}
	INIT_LIST_HEAD(&conn->data_list);
	list_for_each_entry_safe(cmd, tmp, &conn->cmd_list, entry)
		kiscsi_fail_cmd(cmd, host_byte);
	INIT_LIST_HEAD(&conn->cmd_list);
	conn->window_shut = false;
	reqs = llist_del_all(&conn->req_list);
	llist_for_each_entry_safe(cmd, tmp, reqs, lnode)
		kiscsi_fail_cmd(cmd, host_byte);

	conn->nop_reply_count = 0;
	conn->tx_bits = 0;
	conn->ping_sent = 0;
	complete_all(&conn->logout_done);
	kiscsi_tmf_conn_lost(conn);

	conn->sock = NULL;
	sockfd_put(sock);
}

static void kiscsi_err_work(struct work_struct *work)
{
	struct kiscsi_conn *conn = container_of(work, struct kiscsi_conn,
						err_work);
	struct kiscsi_session *s = conn->session;
	struct kiscsi_event_info ev;
	int error = conn->error;

	/*
	 * Going down (reboot, poweroff): nobody will bring the connection
	 * back, and waiting out the recovery timeout only delays the
	 * shutdown: fail the held I/O at once, as libiscsi does.
	 */
	if (READ_ONCE(system_state) != SYSTEM_RUNNING)
		s->cls_session->recovery_tmo = 0;

	/* hold I/O: the midlayer requeues what we give back */
	mutex_lock(&conn->cls_state_lock);
	iscsi_block_session(s->cls_session);
	WRITE_ONCE(s->cls_conn->state, ISCSI_CONN_FAILED);
	/* a relogin that failed again continues the same outage */
	if (!conn->down_since)
		conn->down_since = jiffies ?: 1;
	mutex_unlock(&conn->cls_state_lock);
	kiscsi_conn_teardown(conn, DID_TRANSPORT_DISRUPTED, true);
	conn->stats.conn_failures++;

	iscsi_cls_session_printk(KERN_WARNING, s->cls_session,
				 "kiscsi: session %u to %s at %s:%u: connection failed: %s; I/O held for up to %u s, relogin after %u s\n",
				 s->id, s->target_name, s->portal_addr,
				 s->portal_port,
				 error < ARRAY_SIZE(kiscsi_error_names) ?
				 kiscsi_error_names[error] : "unknown",
				 kiscsi_session_recovery_tmo(s), conn->time2wait);
	kiscsi_event_init(&ev, KISCSI_EVENT_CONN_FAILED);
	ev.reason = error;
	ev.time2wait = conn->time2wait;
	kiscsi_notify_info(s, &ev);
}

/* Any context: drop the connection into recovery (first caller wins). */
void kiscsi_conn_fail(struct kiscsi_conn *conn, int error)
{
	if (cmpxchg(&conn->state, KISCSI_CONN_UP, KISCSI_CONN_FAILED) !=
	    KISCSI_CONN_UP)
		return;
	/*
	 * Once the target asked for a logout, its close is the end it asked
	 * for, whether or not its Logout Response was read first: the close
	 * (softirq) often wins against io_work reading the response.
	 */
	if (error == KISCSI_ERR_CONN_CLOSED && READ_ONCE(conn->target_logout))
		error = KISCSI_ERR_TARGET_LOGOUT;
	conn->error = error;
	queue_work(kiscsi_wq, &conn->err_work);
}

/* Session destroy: the connection ends for good. */
void kiscsi_conn_stop(struct kiscsi_conn *conn)
{
	int prev = xchg(&conn->state, KISCSI_CONN_DOWN);

	if (prev == KISCSI_CONN_FAILED)
		flush_work(&conn->err_work);
	kiscsi_conn_teardown(conn, DID_TRANSPORT_FAILFAST, false);
	WRITE_ONCE(conn->session->cls_conn->state, ISCSI_CONN_DOWN);
}

/* Send a Logout request (close the session) and wait, bounded, for it. */
int kiscsi_conn_logout(struct kiscsi_conn *conn)
{
	conn->logout_reason = ISCSI_LOGOUT_REASON_CLOSE_SESSION;
	reinit_completion(&conn->logout_done);
	conn->logout_response = -1;
	set_bit(KISCSI_TX_LOGOUT, &conn->tx_bits);
	kiscsi_conn_kick(conn);
	if (!wait_for_completion_timeout(&conn->logout_done,
					 KISCSI_LOGOUT_TIMEOUT))
		return -ETIMEDOUT;
	return conn->logout_response == ISCSI_LOGOUT_SUCCESS ? 0 : -EIO;
}

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kiscsi generic netlink ABI, shared by kiscsi.ko and the kiscsi helper.
 *
 * Userspace connects the TCP socket, runs the whole iSCSI login on it and
 * then hands the connected socket (by fd) plus the negotiated parameters to
 * the kernel, which owns the connection for the Full Feature Phase.
 * Documentation/netlink/specs/kiscsi.yaml describes the same ABI.
 */
#ifndef _UAPI_LINUX_KISCSI_H
#define _UAPI_LINUX_KISCSI_H

#define KISCSI_GENL_NAME		"kiscsi"
#define KISCSI_GENL_VERSION		1
#define KISCSI_GENL_MCGRP_EVENTS	"events"

enum kiscsi_nl_cmd {
	KISCSI_CMD_UNSPEC,
	/* hand a logged-in socket to the kernel; replies SESSION_ID, HOST_NO */
	KISCSI_CMD_SESSION_CREATE,
	/* Logout (bounded wait), then remove the SCSI host */
	KISCSI_CMD_SESSION_DESTROY,
	/* one session (SESSION_ID) or a dump of all in the caller's netns */
	KISCSI_CMD_SESSION_GET,
	/* multicast on the events group: EVENT plus SESSION_ID and details */
	KISCSI_CMD_EVENT,
	/*
	 * Hand a relogged-in socket to a session whose connection failed
	 * (SESSION_ID, SOCK_FD, the relogin's TSIH, STATSN, EXP_CMDSN,
	 * MAX_CMDSN and operational keys); the session, its host and disks
	 * stay the same objects
	 */
	KISCSI_CMD_CONN_REPLACE,

	__KISCSI_CMD_MAX,
	KISCSI_CMD_MAX = __KISCSI_CMD_MAX - 1
};

enum kiscsi_nl_attr {
	KISCSI_A_UNSPEC,
	KISCSI_A_PAD,
	KISCSI_A_SESSION_ID,		/* u32 */
	KISCSI_A_HOST_NO,		/* u32 */
	KISCSI_A_SOCK_FD,		/* s32: connected, logged-in TCP socket */
	KISCSI_A_INITIATOR_NAME,	/* string, at most 223 bytes */
	KISCSI_A_TARGET_NAME,		/* string, at most 223 bytes */
	KISCSI_A_ISID,			/* binary, 6 bytes, wire order */
	KISCSI_A_TSIH,			/* u16, from the final login response */
	KISCSI_A_TPGT,			/* u16 */
	KISCSI_A_PORTAL_ADDR,		/* string, numeric address (sysfs) */
	KISCSI_A_PORTAL_PORT,		/* u16 (sysfs) */
	KISCSI_A_STATSN,		/* u32: StatSN of the final login response */
	KISCSI_A_EXP_CMDSN,		/* u32: from the final login response */
	KISCSI_A_MAX_CMDSN,		/* u32: from the final login response */
	KISCSI_A_MAX_RECV_DLEN,		/* u32: our MaxRecvDataSegmentLength */
	KISCSI_A_MAX_XMIT_DLEN,		/* u32: the target's MaxRecvDataSegmentLength */
	KISCSI_A_FIRST_BURST,		/* u32: FirstBurstLength */
	KISCSI_A_MAX_BURST,		/* u32: MaxBurstLength */
	KISCSI_A_MAX_R2T,		/* u16: MaxOutstandingR2T */
	KISCSI_A_IMMEDIATE_DATA,	/* u8: 0 or 1 */
	KISCSI_A_INITIAL_R2T,		/* u8: 0 or 1 */
	KISCSI_A_HEADER_DIGEST,		/* u8: enum kiscsi_digest */
	KISCSI_A_DATA_DIGEST,		/* u8: enum kiscsi_digest */
	KISCSI_A_DATA_PDU_IN_ORDER,	/* u8: 0 or 1 */
	KISCSI_A_DATA_SEQ_IN_ORDER,	/* u8: 0 or 1 */
	KISCSI_A_ERL,			/* u8: ErrorRecoveryLevel, only 0 */
	/*
	 * u16: DefaultTime2Wait, seconds; in a conn-failed event the wait
	 * the target asked for before a relogin
	 */
	KISCSI_A_TIME2WAIT,
	KISCSI_A_TIME2RETAIN,		/* u16: DefaultTime2Retain, seconds */
	KISCSI_A_QUEUE_DEPTH,		/* u16: commands in flight */
	KISCSI_A_NOP_INTERVAL,		/* u32: seconds, 0 = no NOP-Out pings */
	KISCSI_A_NOP_TIMEOUT,		/* u32: seconds */
	/*
	 * u32: seconds (replacement timeout); in SESSION_GET the value in
	 * force, 0xffffffff: off (sysfs "off")
	 */
	KISCSI_A_RECOVERY_TMO,
	KISCSI_A_STATE,			/* u8: enum kiscsi_session_state */
	KISCSI_A_STATS,			/* nest: enum kiscsi_stat */
	KISCSI_A_EVENT,			/* u8: enum kiscsi_event */
	KISCSI_A_REASON,		/* u32: enum kiscsi_conn_error */
	KISCSI_A_TARGET_ADDR,		/* string: current peer address */
	KISCSI_A_TARGET_PORT,		/* u16: current peer port */
	KISCSI_A_LOCAL_ADDR,		/* string: our address */
	KISCSI_A_LOCAL_PORT,		/* u16: our port */
	KISCSI_A_TMF_TIMEOUT,		/* u32: seconds, 1-3600, default 10 */
	KISCSI_A_ASYNC_EVENT,		/* u8: AsyncEvent of an async message */
	KISCSI_A_ASYNC_VCODE,		/* u8: its AsyncVCode */
	KISCSI_A_ASYNC_PARAM1,		/* u16: its Parameter1 */
	KISCSI_A_ASYNC_PARAM2,		/* u16: its Parameter2 */
	KISCSI_A_ASYNC_PARAM3,		/* u16: its Parameter3 */
	KISCSI_A_SENSE,			/* binary: sense data of a SCSI event */
	KISCSI_A_REJECT_REASON,		/* u8: Reason of a Reject PDU */
	KISCSI_A_REJECT_OPCODE,		/* u8: opcode of the rejected PDU */
	KISCSI_A_TMF_FUNCTION,		/* u8: task management function */
	KISCSI_A_TMF_RESPONSE,		/* u8: its response, 0xff: none */
	KISCSI_A_IFACE_NAME,		/* string: bound interface, "default" */
	KISCSI_A_SCANNING,		/* u8: 1 while the first LUN scan runs */
	KISCSI_A_CMDSN,			/* u32: the next CmdSN the session assigns */
	KISCSI_A_EXP_STATSN,		/* u32: the connection's ExpStatSN */
	KISCSI_A_OUTAGE_MS,		/* u32: conn-restored: how long I/O was held */
	/*
	 * strings of at most 31 bytes, set at creation for a session the
	 * boot firmware described (sysfs boot_root, boot_nic, boot_target):
	 * "ibft", "ethernet0", "target0"
	 */
	KISCSI_A_BOOT_ROOT,
	KISCSI_A_BOOT_NIC,
	KISCSI_A_BOOT_TARGET,

	__KISCSI_A_MAX,
	KISCSI_A_MAX = __KISCSI_A_MAX - 1
};

enum kiscsi_digest {
	KISCSI_DIGEST_NONE,
	KISCSI_DIGEST_CRC32C,
};

enum kiscsi_session_state {
	KISCSI_STATE_LOGGED_IN,		/* Full Feature Phase, I/O flows */
	KISCSI_STATE_FAILED,		/* connection lost, I/O held */
	KISCSI_STATE_TIMED_OUT,		/* recovery timed out, I/O fails */
	KISCSI_STATE_LOGGING_OUT,	/* destroy in progress */
};

enum kiscsi_event {
	KISCSI_EVENT_UNSPEC,
	KISCSI_EVENT_SESSION_CREATED,
	KISCSI_EVENT_SESSION_DESTROYED,
	KISCSI_EVENT_CONN_FAILED,	/* REASON says why, TIME2WAIT how long to wait */
	KISCSI_EVENT_SESSION_TIMED_OUT,	/* recovery timeout expired */
	KISCSI_EVENT_ASYNC,		/* async message: ASYNC_* attributes */
	KISCSI_EVENT_REJECT,		/* Reject PDU: REJECT_* attributes */
	KISCSI_EVENT_TMF,		/* task management done: TMF_* */
	KISCSI_EVENT_RESCAN,		/* LUNs or capacity changed: rescanning */
	KISCSI_EVENT_SCAN_DONE,		/* the first LUN scan ended */
	KISCSI_EVENT_CONN_RESTORED,	/* CONN_REPLACE brought I/O back: OUTAGE_MS */
};

enum kiscsi_conn_error {
	KISCSI_ERR_NONE,
	KISCSI_ERR_CONN_CLOSED,		/* the peer closed or reset TCP */
	KISCSI_ERR_SOCKET,		/* a send or receive failed */
	KISCSI_ERR_PROTOCOL,		/* malformed or unexpected PDU */
	KISCSI_ERR_HDR_DIGEST,
	KISCSI_ERR_DATA_DIGEST,
	KISCSI_ERR_NOP_TIMEOUT,		/* the target stopped answering */
	KISCSI_ERR_TARGET_LOGOUT,	/* the target asked us to go */
	KISCSI_ERR_LOCAL,		/* local request (stop, reset) */
};

enum kiscsi_stat {
	KISCSI_STAT_UNSPEC,
	KISCSI_STAT_PAD,
	KISCSI_STAT_TX_PDUS,		/* u64 */
	KISCSI_STAT_RX_PDUS,		/* u64 */
	KISCSI_STAT_TX_DATA_BYTES,	/* u64 */
	KISCSI_STAT_RX_DATA_BYTES,	/* u64 */
	KISCSI_STAT_SCSI_CMDS,		/* u64 */
	KISCSI_STAT_R2TS,		/* u64 */
	KISCSI_STAT_CONN_FAILURES,	/* u64 */
	KISCSI_STAT_DIGEST_ERRORS,	/* u64 */
	KISCSI_STAT_PROTOCOL_ERRORS,	/* u64 */
	KISCSI_STAT_ASYNC_EVENTS,	/* u64 */
	KISCSI_STAT_REJECTS,		/* u64 */
	KISCSI_STAT_TMFS,		/* u64: task management requests sent */
	KISCSI_STAT_TMF_TIMEOUTS,	/* u64 */
	KISCSI_STAT_RESCANS,		/* u64 */
	KISCSI_STAT_R2T_PEAK,		/* u64: most R2Ts outstanding for a command */
	KISCSI_STAT_INLINE_PDUS,	/* u64: PDUs sent from queuecommand (6.12) */
	KISCSI_STAT_TX_COPIED_BYTES,	/* u64: data bytes copied, not spliced */
	KISCSI_STAT_CMDSN_WINDOW_WAITS,	/* u64: times commands waited for MaxCmdSN */

	__KISCSI_STAT_MAX,
	KISCSI_STAT_MAX = __KISCSI_STAT_MAX - 1
};

#endif /* _UAPI_LINUX_KISCSI_H */

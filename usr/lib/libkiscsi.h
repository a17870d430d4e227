/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkiscsi: the userspace half of kiscsi.
 *
 * Discovery (SendTargets), login (security + operational negotiation) on a
 * TCP socket the library connects itself, hand-over of the logged-in socket
 * to kiscsi.ko over generic netlink, and session listing / logout.
 *
 * Every function that can fail takes a struct kiscsi_error and returns 0 on
 * success or a negative enum kiscsi_errcode value; err->msg then holds one
 * human-readable line (no trailing newline) naming the portal/target, the
 * phase and the decoded login status.
 */
#ifndef LIBKISCSI_H
#define LIBKISCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error classes; the CLI maps them 1:1 to its exit codes. */
enum kiscsi_errcode {
	KISCSI_E_OK		= 0,
	KISCSI_E_GENERIC	= 1,	/* anything else (I/O, memory, files) */
	KISCSI_E_INVAL		= 2,	/* bad argument (portal string, name) */
	KISCSI_E_CONNECT	= 3,	/* refused, reset, closed, no answer */
	KISCSI_E_LOGIN		= 4,	/* target rejected the login */
	KISCSI_E_AUTH		= 5,	/* authentication/authorization failed */
	KISCSI_E_KERNEL		= 6,	/* module missing or netlink failure */
	KISCSI_E_NOSESSION	= 7,	/* no session matched */
	KISCSI_E_PROTOCOL	= 8,	/* target broke the protocol */
	KISCSI_E_UNREACHABLE	= 9,	/* no route, or connect timed out */
	KISCSI_E_EXISTS		= 10,	/* the session is already logged in */
};

struct kiscsi_error {
	int code;		/* enum kiscsi_errcode */
	char msg[512];
};

#define KISCSI_NAME_MAX		223	/* iSCSI name, RFC 7143 */
#define KISCSI_HOST_MAX		255
#define KISCSI_ADDR_MAX		64	/* numeric address incl. %scope */
#define KISCSI_DEFAULT_PORT	3260

/* A portal as the user wrote it: host (no brackets) and port. */
struct kiscsi_portal {
	char host[KISCSI_HOST_MAX + 1];
	uint16_t port;
};

int kiscsi_portal_parse(const char *str, struct kiscsi_portal *p,
			struct kiscsi_error *err);
/* "host:port", with brackets around IPv6 literals */
void kiscsi_portal_format(const char *host, uint16_t port, char *buf,
			  size_t len);

/* Initiator identity: name and ISID (6 bytes, wire order). */
struct kiscsi_identity {
	char name[KISCSI_NAME_MAX + 1];
	uint8_t isid[6];
};

/*
 * Load (and on first use create) the identity: the initiator name from
 * /etc/iscsi/initiatorname.iscsi ($KISCSI_INITIATORNAME_FILE) if it holds
 * one, else from $KISCSI_CONFIG_DIR (/etc/kiscsi)/initiatorname.iscsi; the
 * ISID from <config dir>/isid.  That ISID's bytes 0-3 are the initiator's
 * prefix; kiscsi_session_login() sets the qualifier (bytes 4-5) per
 * session.
 */
int kiscsi_identity_load(struct kiscsi_identity *id, struct kiscsi_error *err);

/* ---- CHAP (RFC 7143 section 12.1.3, RFC 1994) ---- */

/* CHAP_A numbers (IANA "PPP Authentication Algorithms") */
enum kiscsi_chap_alg {
	KISCSI_CHAP_MD5		= 5,
	KISCSI_CHAP_SHA1	= 6,
	KISCSI_CHAP_SHA256	= 7,
	KISCSI_CHAP_SHA3_256	= 8,
};

#define KISCSI_CHAP_NALGS	4
#define KISCSI_CHAP_NAME_MAX	255	/* CHAP_N */
#define KISCSI_CHAP_SECRET_MAX	255
#define KISCSI_CHAP_SECRET_MIN	12	/* RFC 7143: shorter ones get a warning */

/*
 * Credentials of one login or discovery session.  No username: no CHAP
 * (AuthMethod=None).  username/password: the target authenticates us;
 * username_in/password_in as well: we authenticate the target (mutual).
 * algs lists the CHAP_A values offered, in order (nalgs 0: MD5 only).
 */
struct kiscsi_chap_auth {
	char username[KISCSI_CHAP_NAME_MAX + 1];
	char password[KISCSI_CHAP_SECRET_MAX + 1];
	char username_in[KISCSI_CHAP_NAME_MAX + 1];
	char password_in[KISCSI_CHAP_SECRET_MAX + 1];
	uint8_t algs[KISCSI_CHAP_NALGS];
	size_t nalgs;
};

/* "sha3-256,sha256,sha1,md5" -> algs; unknown or repeated names fail. */
int kiscsi_chap_algs_parse(const char *list, struct kiscsi_chap_auth *a,
			   struct kiscsi_error *err);
const char *kiscsi_chap_alg_name(int alg);
/*
 * Credentials from the environment: KISCSI_USERNAME, KISCSI_PASSWORD,
 * KISCSI_USERNAME_IN, KISCSI_PASSWORD_IN, KISCSI_CHAP_ALGORITHMS (those set
 * replace what a holds).
 */
int kiscsi_chap_auth_from_env(struct kiscsi_chap_auth *a,
			      struct kiscsi_error *err);
/*
 * Credentials from a file of key=value lines (username, password,
 * username_in, password_in, chap_algorithms; '#' comments).  The file must
 * not be readable or writable by group or others.
 */
int kiscsi_chap_auth_load_file(const char *path, struct kiscsi_chap_auth *a,
			       struct kiscsi_error *err);
/*
 * Consistency before a login: a password needs a username, mutual needs
 * one-way, the two directions must not share a secret.  Fills warn (empty
 * if none) when a secret is shorter than KISCSI_CHAP_SECRET_MIN bytes.
 */
int kiscsi_chap_auth_check(const struct kiscsi_chap_auth *a, char *warn,
			   size_t warnlen, struct kiscsi_error *err);
/* Wipes the secrets. */
void kiscsi_chap_auth_clear(struct kiscsi_chap_auth *a);
/*
 * Load every CHAP digest from the crypto library now (a daemon that may
 * relogin to the disk its own files live on calls it at start): -1 if
 * one is missing.  Not thread safe.
 */
int kiscsi_chap_preload(void);

/*
 * Where the boot firmware described a session (sysfs boot_root, boot_nic,
 * boot_target): "ibft", "ethernet0", "target0"; all "" for the others.
 */
#define KISCSI_BOOT_NAME_MAX	31
struct kiscsi_boot_names {
	char root[KISCSI_BOOT_NAME_MAX + 1];
	char nic[KISCSI_BOOT_NAME_MAX + 1];
	char target[KISCSI_BOOT_NAME_MAX + 1];
};

/* Options for discovery and login; kiscsi_opts_init() sets the defaults. */
struct kiscsi_opts {
	int connect_timeout_ms;		/* default 15000 */
	int login_timeout_ms;		/* per login/text response, 15000 */
	uint32_t queue_depth;		/* default 128 */
	uint32_t recovery_tmo;		/* seconds, default 120 */
	uint32_t nop_interval;		/* seconds, default 5, 0: no pings */
	uint32_t nop_timeout;		/* seconds, default 5 */
	uint8_t header_digest;		/* enum kiscsi_digest, default none */
	uint8_t data_digest;
	uint32_t tmf_timeout;		/* seconds, default 10 */
	int max_redirects;		/* login redirections to follow, 4 */
	int retries;			/* more attempts after a failed
					 * connect or an unanswered login, 0 */
	struct kiscsi_chap_auth chap;	/* empty username: no CHAP */
	/* per-node settings (settings.h); zero/empty = default */
	uint32_t scsi_timeout;		/* s per SCSI command, 0: kernel's */
	char iface[16];			/* SO_BINDTODEVICE, "" = any */
	char source[KISCSI_ADDR_MAX];	/* local address to bind, "" = any */
	/* a session the boot firmware described: "ibft", "ethernet0", ... */
	struct kiscsi_boot_names boot;
	/* the firmware's initiator name; "": the identity's (config dir) */
	char initiator_name[KISCSI_NAME_MAX + 1];
};

void kiscsi_opts_init(struct kiscsi_opts *o);

/* ---- discovery ---- */

struct kiscsi_target_portal {
	char addr[KISCSI_HOST_MAX + 1];	/* host or address, no brackets */
	uint16_t port;
	int32_t tpgt;			/* -1 when the target gave none */
};

struct kiscsi_target {
	char name[KISCSI_NAME_MAX + 1];
	size_t nportals;
	struct kiscsi_target_portal *portals;
};

struct kiscsi_target_list {
	size_t ntargets;
	struct kiscsi_target *targets;
};

int kiscsi_discover(const struct kiscsi_portal *portal,
		    const struct kiscsi_identity *id,
		    const struct kiscsi_opts *opts,
		    struct kiscsi_target_list *out, struct kiscsi_error *err);
void kiscsi_target_list_free(struct kiscsi_target_list *l);

/* ---- login ---- */

/* Operational parameters: what we offer, then what was negotiated. */
struct kiscsi_params {
	uint32_t max_recv_dlen;		/* ours (declared) */
	uint32_t max_xmit_dlen;		/* the target's MaxRecvDataSegmentLength */
	uint32_t first_burst;
	uint32_t max_burst;
	uint32_t max_r2t;
	uint32_t max_conns;
	uint32_t time2wait;
	uint32_t time2retain;
	uint8_t erl;
	uint8_t header_digest;		/* enum kiscsi_digest */
	uint8_t data_digest;
	bool immediate_data;
	bool initial_r2t;
	bool data_pdu_in_order;
	bool data_seq_in_order;
};

/* What a successful login leaves: the socket and the session numbers. */
struct kiscsi_login_result {
	int fd;				/* connected, logged in; caller closes */
	char target_name[KISCSI_NAME_MAX + 1];
	/*
	 * The portal asked for, numeric: the session's persistent address,
	 * which a redirection does not change (as open-iscsi's, so by-path
	 * names and 'login --all' still know the session).
	 */
	char portal_addr[KISCSI_ADDR_MAX];
	uint16_t portal_port;
	/* The peer the session is connected to, after any redirection. */
	char conn_addr[KISCSI_ADDR_MAX];
	uint16_t conn_port;
	int redirects;			/* redirections followed */
	uint8_t isid[6];
	uint16_t tsih;
	int32_t tpgt;			/* -1 if the target never sent one */
	uint32_t statsn;		/* StatSN of the final login response */
	uint32_t exp_cmdsn;
	uint32_t max_cmdsn;
	struct kiscsi_params params;
	int chap_alg;			/* CHAP_A used; 0: no CHAP */
	bool chap_mutual;		/* and the target proved itself */
};

int kiscsi_login(const struct kiscsi_portal *portal,
		 const struct kiscsi_identity *id, const char *target,
		 const struct kiscsi_opts *opts,
		 struct kiscsi_login_result *res, struct kiscsi_error *err);

/* ---- kernel sessions ---- */

/* Hand a logged-in socket to kiscsi.ko; closes nothing. */
int kiscsi_session_create(const struct kiscsi_identity *id,
			  const struct kiscsi_login_result *res,
			  const struct kiscsi_opts *opts,
			  uint32_t *session_id, uint32_t *host_no,
			  struct kiscsi_error *err);

/*
 * Log in and hand over in one step, as 'kiscsi login' does: the session
 * key (target, portal, opts->iface, opts->source) picks its own ISID, kept
 * in <config dir>/isids/ so a relogin reinstates exactly this session; a
 * key that already has a session is refused with -KISCSI_E_EXISTS (its id
 * in *session_id) before anything reaches the target.  res->fd is closed
 * on return (-1).
 */
int kiscsi_session_login(const struct kiscsi_portal *portal,
			 const char *target, const struct kiscsi_opts *opts,
			 struct kiscsi_login_result *res,
			 uint32_t *session_id, uint32_t *host_no,
			 struct kiscsi_error *err);

/*
 * What a relogin of a session needs, from its login: kept root-only under
 * /run/kiscsi/sessions ($KISCSI_RUN_DIR) by kiscsi_session_login(), with
 * the CHAP secrets, and removed by kiscsi_session_destroy().
 */
struct kiscsi_session_record {
	uint32_t session_id;
	char target[KISCSI_NAME_MAX + 1];
	struct kiscsi_portal portal;	/* numeric: no lookup to relogin */
	struct kiscsi_identity id;	/* initiator name, the session's ISID */
	struct kiscsi_opts opts;	/* the login's settings and CHAP */
};

/* -KISCSI_E_NOSESSION when the session has no record. */
int kiscsi_session_record_load(uint32_t session_id,
			       struct kiscsi_session_record *rec,
			       struct kiscsi_error *err);

/*
 * Bring a failed session back: log in again to its portal with its own
 * ISID, TSIH 0 (the target reinstates the session and drops its tasks),
 * its next CmdSN and its digests, then hand the new socket to the kernel,
 * which resends what the failure held.  0 once I/O flows again, 1 if the
 * session was not failed (nothing done), or a negative error: a refused
 * hand-over says why in err.  Reads no file and resolves no name.
 */
int kiscsi_session_relogin(const struct kiscsi_session_record *rec,
			   struct kiscsi_error *err);

/* Everything SESSION_GET reports; has_* tells what the kernel sent. */
struct kiscsi_session_info {
	uint32_t session_id;
	uint32_t host_no;
	int state;			/* enum kiscsi_session_state, -1 unknown */
	char target_name[KISCSI_NAME_MAX + 1];
	char initiator_name[KISCSI_NAME_MAX + 1];
	char portal_addr[KISCSI_ADDR_MAX];
	uint16_t portal_port;
	char target_addr[KISCSI_ADDR_MAX];
	uint16_t target_port;
	char local_addr[KISCSI_ADDR_MAX];
	uint16_t local_port;
	bool has_isid;
	uint8_t isid[6];
	uint16_t tsih;
	int32_t tpgt;
	uint32_t queue_depth;
	uint32_t nop_interval, nop_timeout, tmf_timeout;
	uint32_t recovery_tmo;		/* in force now; UINT32_MAX: off */
	struct kiscsi_params params;
	bool has_stats;
	uint64_t stats[32];		/* indexed by enum kiscsi_stat */
	char iface_name[16];		/* bound interface, "default"; "" if
					 * the kernel did not say */
	int scanning;			/* 1 while the first LUN scan runs,
					 * -1 if the kernel did not say */
	uint32_t cmdsn;			/* the next CmdSN it assigns */
	uint32_t exp_statsn;		/* its connection's ExpStatSN */
	struct kiscsi_boot_names boot;	/* from firmware: root not "" */
};

int kiscsi_session_list(struct kiscsi_session_info **list, size_t *n,
			struct kiscsi_error *err);
int kiscsi_session_destroy(uint32_t session_id, struct kiscsi_error *err);

const char *kiscsi_session_state_name(int state);

/* ---- events (the kernel's "events" multicast group) ---- */

struct kiscsi_event_msg {
	int event;			/* enum kiscsi_event */
	uint32_t session_id;
	uint32_t host_no;
	char target_name[KISCSI_NAME_MAX + 1];
	char portal_addr[KISCSI_ADDR_MAX];
	uint16_t portal_port;
	uint32_t reason;		/* enum kiscsi_conn_error, 0: none */
	bool has_async;
	uint8_t async_event, async_vcode;
	uint16_t async_param[3];
	uint8_t sense[96];
	size_t sense_len;
	int reject_reason;		/* -1: none */
	uint8_t reject_opcode;
	int tmf_function;		/* -1: none */
	int tmf_response;
	int time2wait;			/* conn_failed: seconds to wait, -1 */
	int64_t outage_ms;		/* conn_restored: I/O held, -1 */
};

struct kiscsi_nl;
/* Open a netlink socket joined to the events group. */
int kiscsi_events_open(struct kiscsi_nl *n, struct kiscsi_error *err);
/* Wait up to timeout_ms (-1: forever): 1 with an event, 0 on timeout. */
int kiscsi_events_read(struct kiscsi_nl *n, struct kiscsi_event_msg *ev,
		       int timeout_ms, struct kiscsi_error *err);
const char *kiscsi_event_name(int event);
const char *kiscsi_conn_error_name(uint32_t reason);
const char *kiscsi_stat_name(int stat);

/* ---- misc ---- */

/* Login status class/detail in words ("target not found"). */
const char *kiscsi_login_status_str(uint8_t status_class, uint8_t detail);
const char *kiscsi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBKISCSI_H */

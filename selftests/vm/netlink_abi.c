// SPDX-License-Identifier: GPL-2.0
/*
 * Negative tests of the kiscsi generic netlink ABI (include/uapi/linux/kiscsi.h),
 * spoken directly with libmnl.  Runs as root in a test guest with kiscsi.ko
 * loaded (selftests/vm/tests/05-netlink-abi.sh):
 *
 *   - SESSION_CREATE without each required attribute: EINVAL, and the
 *     extended ACK names the missing attribute (NLMSGERR_ATTR_MISS_TYPE);
 *   - attribute policy: out-of-range values, wrong lengths, output-only and
 *     unknown attributes: EINVAL/ERANGE, the extended ACK points at the
 *     offending attribute (NLMSGERR_ATTR_OFFS);
 *   - semantic checks of the parameters (FirstBurstLength > MaxBurstLength,
 *     digests, MaxCmdSN window, empty names);
 *   - the socket: a bad fd, a regular file, a UDP socket, an unconnected TCP
 *     socket, a socket of another network namespace, and the same socket
 *     handed over twice (EBUSY while the first session owns it);
 *   - permissions: CAP_NET_ADMIN in the initial user namespace, for the
 *     caller and for the opener of the netlink socket;
 *   - SESSION_GET/SESSION_DESTROY of unknown ids, an empty dump.
 *
 * Parameter checks use fd 9999 (EBADF) as SOCK_FD: a kernel that skipped a
 * check answers EBADF instead of creating a session.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <grp.h>

#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/kiscsi.h>

#include "kselftest_harness.h"

/*
 * In the VM suite the module is loaded and we are root: a missing
 * precondition is a failure, never a skip.
 */
#define REQUIRE(...) do {				\
		TH_LOG(__VA_ARGS__);			\
		ASSERT_TRUE(0);				\
	} while (0)

#define BAD_FD		9999
#define NL_TIMEOUT_S	20

/* ---- request building ---------------------------------------------------- */

struct req_attr {
	uint16_t type;
	uint16_t len;
	uint8_t data[256];
};

struct req {
	int n;
	struct req_attr a[64];
};

static void req_set(struct req *r, uint16_t type, const void *data, uint16_t len)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->a[i].type == type)
			break;
	if (i == r->n)
		r->n++;
	r->a[i].type = type;
	r->a[i].len = len;
	memcpy(r->a[i].data, data, len);
}

static void req_del(struct req *r, uint16_t type)
{
	for (int i = 0; i < r->n; i++) {
		if (r->a[i].type == type) {
			memmove(&r->a[i], &r->a[i + 1],
				(r->n - i - 1) * sizeof(r->a[0]));
			r->n--;
			return;
		}
	}
}

static void req_u8(struct req *r, uint16_t t, uint8_t v) { req_set(r, t, &v, 1); }
static void req_u16(struct req *r, uint16_t t, uint16_t v) { req_set(r, t, &v, 2); }
static void req_u32(struct req *r, uint16_t t, uint32_t v) { req_set(r, t, &v, 4); }
static void req_s32(struct req *r, uint16_t t, int32_t v) { req_set(r, t, &v, 4); }
static void req_str(struct req *r, uint16_t t, const char *s)
{
	req_set(r, t, s, strlen(s) + 1);
}

static const uint8_t test_isid[6] = { 0x80, 0x4b, 0x49, 0x53, 0x00, 0x01 };

/* A SESSION_CREATE that is valid but for the socket. */
static void req_create(struct req *r, int fd)
{
	memset(r, 0, sizeof(*r));
	req_s32(r, KISCSI_A_SOCK_FD, fd);
	req_str(r, KISCSI_A_INITIATOR_NAME, "iqn.2024-01.org.kiscsi:abi-initiator");
	req_str(r, KISCSI_A_TARGET_NAME, "iqn.2024-01.org.kiscsi:abi");
	req_set(r, KISCSI_A_ISID, test_isid, sizeof(test_isid));
	req_u16(r, KISCSI_A_TSIH, 1);
	req_u32(r, KISCSI_A_STATSN, 100);
	req_u32(r, KISCSI_A_EXP_CMDSN, 1000);
	req_u32(r, KISCSI_A_MAX_CMDSN, 1031);
	req_u32(r, KISCSI_A_MAX_RECV_DLEN, 262144);
	req_u32(r, KISCSI_A_MAX_XMIT_DLEN, 262144);
	req_u32(r, KISCSI_A_FIRST_BURST, 65536);
	req_u32(r, KISCSI_A_MAX_BURST, 262144);
	req_u8(r, KISCSI_A_IMMEDIATE_DATA, 1);
	req_u8(r, KISCSI_A_INITIAL_R2T, 0);
}

/* ---- netlink ------------------------------------------------------------- */

struct nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t seq;
	char sent[8192];
};

struct reply {
	int err;		/* positive errno from the ACK, 0 = success */
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE or -1 */
	int offs_type;		/* type of the attribute at NLMSGERR_ATTR_OFFS or -1 */
	int nmsgs;		/* messages of the family before the ACK/DONE */
	bool done;		/* the answer ended with NLMSG_DONE */
	int32_t done_err;	/* NLMSG_DONE's error */
	uint32_t session_id, host_no;
	int state;		/* KISCSI_A_STATE or -1 */
	uint32_t cmdsn, exp_statsn;	/* KISCSI_A_CMDSN, KISCSI_A_EXP_STATSN */
	uint32_t recovery_tmo;	/* KISCSI_A_RECOVERY_TMO */
	uint16_t ctrl_family;	/* CTRL_ATTR_FAMILY_ID */
};

static void parse_ext_ack(struct nl *nl, const struct nlmsghdr *nlh,
			  size_t off, struct reply *rep)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, off) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(rep->msg, sizeof(rep->msg), "%s",
				 mnl_attr_get_str(a));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			rep->miss_type = mnl_attr_get_u32(a);
			break;
		case NLMSGERR_ATTR_OFFS: {
			uint32_t o = mnl_attr_get_u32(a);
			const struct nlmsghdr *s = (const void *)nl->sent;

			if (o + sizeof(struct nlattr) <= s->nlmsg_len)
				rep->offs_type = ((const struct nlattr *)
						  (nl->sent + o))->nla_type &
						 NLA_TYPE_MASK;
			break;
		}
		}
	}
}

static void parse_family_msg(const struct nlmsghdr *nlh, struct reply *rep)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case KISCSI_A_SESSION_ID:
			rep->session_id = mnl_attr_get_u32(a);
			break;
		case KISCSI_A_HOST_NO:
			rep->host_no = mnl_attr_get_u32(a);
			break;
		case KISCSI_A_STATE:
			rep->state = mnl_attr_get_u8(a);
			break;
		case KISCSI_A_CMDSN:
			rep->cmdsn = mnl_attr_get_u32(a);
			break;
		case KISCSI_A_EXP_STATSN:
			rep->exp_statsn = mnl_attr_get_u32(a);
			break;
		case KISCSI_A_RECOVERY_TMO:
			rep->recovery_tmo = mnl_attr_get_u32(a);
			break;
		}
	}
}

static void parse_ctrl_msg(const struct nlmsghdr *nlh, struct reply *rep)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			rep->ctrl_family = mnl_attr_get_u16(a);
}

/*
 * Send one request to @family and read the answer up to its ACK (or
 * NLMSG_DONE for a dump).  Returns 0, or -errno if the socket failed
 * (rep->err then holds that errno too).
 */
static int nl_request_family(struct nl *nl, uint16_t family, uint8_t cmd,
			     uint16_t flags, const struct req *r,
			     struct reply *rep)
{
	static __thread char buf[65536];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	uint32_t seq, portid;
	int n;

	memset(rep, 0, sizeof(*rep));
	rep->miss_type = -1;
	rep->offs_type = -1;
	rep->state = -1;

	nlh = mnl_nlmsg_put_header(nl->sent);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = family == GENL_ID_CTRL ? 2 : KISCSI_GENL_VERSION;
	for (int i = 0; r && i < r->n; i++)
		mnl_attr_put(nlh, r->a[i].type, r->a[i].len, r->a[i].data);

	/*
	 * send(), not sendto() with an address: without a destination the
	 * netlink core checks the capabilities of the socket's opener as
	 * well as the sender's (see socket_opened_without_net_admin).
	 */
	if (send(mnl_socket_get_fd(nl->sock), nlh, nlh->nlmsg_len, 0) < 0) {
		rep->err = errno;
		return -errno;
	}
	portid = mnl_socket_get_portid(nl->sock);
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0) {
			rep->err = errno;
			return -errno;
		}
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				size_t off = sizeof(*e);

				rep->err = -e->error;
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(e->msg);
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
					parse_ext_ack(nl, nlh, off, rep);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				rep->done = true;
				rep->done_err = *(int32_t *)mnl_nlmsg_get_payload(nlh);
				rep->err = -rep->done_err;
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
					parse_ext_ack(nl, nlh, sizeof(int32_t), rep);
				return 0;
			}
			if (nlh->nlmsg_type == family) {
				rep->nmsgs++;
				if (family == GENL_ID_CTRL)
					parse_ctrl_msg(nlh, rep);
				else
					parse_family_msg(nlh, rep);
			}
		}
	}
}

static int nl_request(struct nl *nl, uint8_t cmd, uint16_t flags,
		      const struct req *r, struct reply *rep)
{
	return nl_request_family(nl, nl->family, cmd, flags, r, rep);
}

/* Open a generic netlink socket (in the caller's netns) and resolve "kiscsi". */
static int nl_open(struct nl *nl)
{
	struct timeval tv = { .tv_sec = NL_TIMEOUT_S };
	struct reply rep;
	struct req r = { 0 };
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO,
		       &tv, sizeof(tv)))
		goto err;
	req_str(&r, CTRL_ATTR_FAMILY_NAME, KISCSI_GENL_NAME);
	if (nl_request_family(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, &r, &rep))
		goto err;
	if (rep.err || !rep.ctrl_family) {
		errno = rep.err ?: ENOENT;
		goto err;
	}
	nl->family = rep.ctrl_family;
	return 0;
err:
	{
		int e = errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return -e;
	}
}

static void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

static const char *attr_name(int t)
{
	static const char *const names[] = {
#define N(x) [KISCSI_A_##x] = #x
		N(SOCK_FD), N(INITIATOR_NAME), N(TARGET_NAME), N(ISID), N(TSIH),
		N(STATSN), N(EXP_CMDSN), N(MAX_CMDSN), N(MAX_RECV_DLEN),
		N(MAX_XMIT_DLEN), N(FIRST_BURST), N(MAX_BURST),
		N(IMMEDIATE_DATA), N(INITIAL_R2T), N(SESSION_ID), N(HOST_NO),
		N(STATE), N(ERL), N(QUEUE_DEPTH),
#undef N
	};

	if (t >= 0 && t < (int)(sizeof(names) / sizeof(names[0])) && names[t])
		return names[t];
	return "?";
}

static void log_reply(struct __test_metadata *_metadata, const char *what,
		      const struct reply *rep)
{
	TH_LOG("%s: errno %d (%s), msg \"%s\", missing %d (%s), offending %d (%s)",
	       what, rep->err, strerror(rep->err), rep->msg, rep->miss_type,
	       attr_name(rep->miss_type), rep->offs_type,
	       attr_name(rep->offs_type));
}

/* ---- sockets ------------------------------------------------------------- */

/* A listener on 127.0.0.1, an ephemeral port. */
static int tcp_listener(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (void *)sin, sizeof(*sin)) || listen(fd, 4) ||
	    getsockname(fd, (void *)sin, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A connected pair of TCP sockets over loopback: *c the client, *p the peer. */
static int tcp_pair(int *c, int *p)
{
	struct sockaddr_in sin;
	int l = tcp_listener(&sin);

	*c = *p = -1;
	if (l < 0)
		return -1;
	*c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*c < 0 || connect(*c, (void *)&sin, sizeof(sin)))
		goto err;
	*p = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (*p < 0)
		goto err;
	close(l);
	return 0;
err:
	if (*c >= 0)
		close(*c);
	*c = -1;
	close(l);
	return -1;
}

static int loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = -1;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

/* ---- the fixture: one netlink socket ---------------------------------- */

FIXTURE(abi) {
	struct nl nl;
};

FIXTURE_SETUP(abi)
{
	int ret = nl_open(&self->nl);

	if (ret == -ENOENT)
		REQUIRE("no generic netlink family \"kiscsi\" (module not loaded)");
	ASSERT_EQ(0, ret) TH_LOG("netlink: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(abi)
{
	nl_close(&self->nl);
}

/* Run first: the suite starts without sessions. */
TEST_F(abi, dump_empty)
{
	struct reply rep;

	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET, NLM_F_DUMP,
				NULL, &rep));
	EXPECT_TRUE(rep.done) TH_LOG("dump did not end with NLMSG_DONE");
	EXPECT_EQ(0, rep.done_err);
	EXPECT_EQ(0, rep.nmsgs) TH_LOG("sessions exist: run with none");
}

TEST_F(abi, get_unknown_id)
{
	struct reply rep;
	struct req r = { 0 };

	req_u32(&r, KISCSI_A_SESSION_ID, 0x7ffffff0);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET, 0, &r, &rep));
	log_reply(_metadata, "GET", &rep);
	EXPECT_EQ(ENOENT, rep.err);
	EXPECT_EQ(0, rep.nmsgs);
	EXPECT_EQ(KISCSI_A_SESSION_ID, rep.offs_type);

	/* id 0 is never allocated */
	req_u32(&r, KISCSI_A_SESSION_ID, 0);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET, 0, &r, &rep));
	EXPECT_EQ(ENOENT, rep.err);
}

TEST_F(abi, get_without_id)
{
	struct reply rep;

	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET, 0, NULL, &rep));
	log_reply(_metadata, "GET", &rep);
	EXPECT_EQ(EINVAL, rep.err);
	EXPECT_EQ(KISCSI_A_SESSION_ID, rep.miss_type);
}

TEST_F(abi, destroy_unknown_id)
{
	struct reply rep;
	struct req r = { 0 };

	req_u32(&r, KISCSI_A_SESSION_ID, 0x7ffffff0);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_DESTROY, 0, &r, &rep));
	log_reply(_metadata, "DESTROY", &rep);
	EXPECT_EQ(ENOENT, rep.err);
	EXPECT_EQ(KISCSI_A_SESSION_ID, rep.offs_type);
	EXPECT_STREQ("no such session", rep.msg);
}

TEST_F(abi, destroy_without_id)
{
	struct reply rep;

	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_DESTROY, 0, NULL, &rep));
	log_reply(_metadata, "DESTROY", &rep);
	EXPECT_EQ(EINVAL, rep.err);
	EXPECT_EQ(KISCSI_A_SESSION_ID, rep.miss_type);
}

TEST_F(abi, unknown_command)
{
	struct reply rep;

	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_MAX + 1, 0, NULL, &rep));
	EXPECT_EQ(EOPNOTSUPP, rep.err);
	/* EVENT is multicast only: no handler */
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_EVENT, 0, NULL, &rep));
	EXPECT_EQ(EOPNOTSUPP, rep.err);
}

/* ---- SESSION_CREATE without a required attribute ---------------------- */

FIXTURE(missing) {
	struct nl nl;
};

FIXTURE_VARIANT(missing) {
	int attr;
};

#define MISSING(x) \
	FIXTURE_VARIANT_ADD(missing, x) { .attr = KISCSI_A_##x }
MISSING(SOCK_FD);
MISSING(INITIATOR_NAME);
MISSING(TARGET_NAME);
MISSING(ISID);
MISSING(TSIH);
MISSING(STATSN);
MISSING(EXP_CMDSN);
MISSING(MAX_CMDSN);
MISSING(MAX_RECV_DLEN);
MISSING(MAX_XMIT_DLEN);
MISSING(FIRST_BURST);
MISSING(MAX_BURST);
MISSING(IMMEDIATE_DATA);
MISSING(INITIAL_R2T);

FIXTURE_SETUP(missing)
{
	int ret = nl_open(&self->nl);

	if (ret == -ENOENT)
		REQUIRE("no generic netlink family \"kiscsi\"");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(missing)
{
	nl_close(&self->nl);
}

TEST_F(missing, create)
{
	struct reply rep;
	struct req r;

	req_create(&r, BAD_FD);
	req_del(&r, variant->attr);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep));
	log_reply(_metadata, "CREATE", &rep);
	EXPECT_EQ(EINVAL, rep.err);
	/* the extended ACK names the missing attribute */
	EXPECT_EQ(variant->attr, rep.miss_type);
}

/* ---- policy -------------------------------------------------------------- */

FIXTURE(policy) {
	struct nl nl;
};

FIXTURE_VARIANT(policy) {
	int attr;
	int len;		/* bytes of value[] to send */
	uint8_t value[8];	/* little-endian host order (x86) */
	int err;		/* expected errno */
	bool offs;		/* the ACK must point at the attribute */
};

#define U8(v)	.len = 1, .value = { (v) }
#define U16(v)	.len = 2, .value = { (v) & 0xff, ((v) >> 8) & 0xff }
#define U32(v)	.len = 4, .value = { (v) & 0xff, ((v) >> 8) & 0xff, \
			     ((v) >> 16) & 0xff, ((v) >> 24) & 0xff }

FIXTURE_VARIANT_ADD(policy, max_recv_dlen_100) {
	.attr = KISCSI_A_MAX_RECV_DLEN, U32(100), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, max_recv_dlen_16M) {
	.attr = KISCSI_A_MAX_RECV_DLEN, U32(16777216), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, max_xmit_dlen_511) {
	.attr = KISCSI_A_MAX_XMIT_DLEN, U32(511), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, first_burst_0) {
	.attr = KISCSI_A_FIRST_BURST, U32(0), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, max_burst_16M) {
	.attr = KISCSI_A_MAX_BURST, U32(16777216), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, erl_1) {
	.attr = KISCSI_A_ERL, U8(1), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, queue_depth_0) {
	.attr = KISCSI_A_QUEUE_DEPTH, U16(0), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, queue_depth_1025) {
	.attr = KISCSI_A_QUEUE_DEPTH, U16(1025), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, immediate_data_2) {
	.attr = KISCSI_A_IMMEDIATE_DATA, U8(2), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, initial_r2t_2) {
	.attr = KISCSI_A_INITIAL_R2T, U8(2), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, header_digest_2) {
	.attr = KISCSI_A_HEADER_DIGEST, U8(2), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, max_r2t_0) {
	.attr = KISCSI_A_MAX_R2T, U16(0), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, time2wait_3601) {
	.attr = KISCSI_A_TIME2WAIT, U16(3601), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, recovery_tmo_86401) {
	.attr = KISCSI_A_RECOVERY_TMO, U32(86401), .err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, isid_5_bytes) {
	.attr = KISCSI_A_ISID, .len = 5, .value = { 0x80, 1, 2, 3, 4 },
	.err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, isid_7_bytes) {
	.attr = KISCSI_A_ISID, .len = 7, .value = { 0x80, 1, 2, 3, 4, 5, 6 },
	.err = ERANGE, .offs = true };
FIXTURE_VARIANT_ADD(policy, sock_fd_2_bytes) {
	.attr = KISCSI_A_SOCK_FD, U16(3), .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, max_burst_8_bytes) {
	.attr = KISCSI_A_MAX_BURST, .len = 8, .value = { 0, 0, 4 },
	.err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, host_no) {
	.attr = KISCSI_A_HOST_NO, U32(0), .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, state) {
	.attr = KISCSI_A_STATE, U8(0), .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, stats) {
	.attr = KISCSI_A_STATS, .len = 0, .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, event) {
	.attr = KISCSI_A_EVENT, U8(1), .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, reason) {
	.attr = KISCSI_A_REASON, U32(1), .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, target_port) {
	.attr = KISCSI_A_TARGET_PORT, U16(3260), .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, local_addr) {
	.attr = KISCSI_A_LOCAL_ADDR, .len = 2, .value = "1",
	.err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, pad) {
	.attr = KISCSI_A_PAD, U32(0), .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, unknown_attr) {
	.attr = KISCSI_A_MAX + 1, U32(0), .err = EINVAL, .offs = true };
FIXTURE_VARIANT_ADD(policy, name_not_nul_terminated) {
	.attr = KISCSI_A_TARGET_NAME, .len = 4, .value = "iqn.",
	.err = EINVAL, .offs = true };

FIXTURE_SETUP(policy)
{
	int ret = nl_open(&self->nl);

	if (ret == -ENOENT)
		REQUIRE("no generic netlink family \"kiscsi\"");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(policy)
{
	nl_close(&self->nl);
}

TEST_F(policy, create)
{
	struct reply rep;
	struct req r;

	req_create(&r, BAD_FD);
	req_set(&r, variant->attr, variant->value, variant->len);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep));
	log_reply(_metadata, "CREATE", &rep);
	EXPECT_EQ(variant->err, rep.err);
	if (variant->offs)
		EXPECT_EQ(variant->attr, rep.offs_type);
}

/* The policy applies to every command, SESSION_GET and DESTROY too. */
TEST_F(abi, policy_on_get_and_destroy)
{
	struct reply rep;
	struct req r = { 0 };

	req_u32(&r, KISCSI_A_SESSION_ID, 1);
	req_u32(&r, KISCSI_A_HOST_NO, 0);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET, 0, &r, &rep));
	EXPECT_EQ(EINVAL, rep.err);
	EXPECT_EQ(KISCSI_A_HOST_NO, rep.offs_type);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_DESTROY, 0, &r, &rep));
	EXPECT_EQ(EINVAL, rep.err);
	EXPECT_EQ(KISCSI_A_HOST_NO, rep.offs_type);
}

TEST_F(abi, name_too_long)
{
	char name[300];
	struct reply rep;
	struct req r;

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	memcpy(name, "iqn.", 4);

	/* 223 bytes is the limit */
	req_create(&r, BAD_FD);
	name[224] = 0;
	req_str(&r, KISCSI_A_TARGET_NAME, name);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep));
	log_reply(_metadata, "224 bytes", &rep);
	EXPECT_TRUE(rep.err == ERANGE || rep.err == EINVAL);
	EXPECT_EQ(KISCSI_A_TARGET_NAME, rep.offs_type);

	name[224] = 'a';
	name[223] = 0;
	req_str(&r, KISCSI_A_TARGET_NAME, name);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep));
	log_reply(_metadata, "223 bytes", &rep);
	EXPECT_EQ(EBADF, rep.err) TH_LOG("223 bytes must pass the policy");
}

/* ---- semantic checks of the parameters --------------------------------- */

static void create_expect(struct __test_metadata *_metadata, struct nl *nl,
			  const struct req *r, int err, const char *what)
{
	struct reply rep;

	ASSERT_EQ(0, nl_request(nl, KISCSI_CMD_SESSION_CREATE, 0, r, &rep));
	log_reply(_metadata, what, &rep);
	EXPECT_EQ(err, rep.err) TH_LOG("%s", what);
	EXPECT_NE(0, rep.msg[0]) TH_LOG("%s: no extack message", what);
}

TEST_F(abi, first_burst_above_max_burst)
{
	struct req r;

	req_create(&r, BAD_FD);
	req_u32(&r, KISCSI_A_FIRST_BURST, 262144 + 512);
	req_u32(&r, KISCSI_A_MAX_BURST, 262144);
	create_expect(_metadata, &self->nl, &r, EINVAL, "FirstBurst > MaxBurst");

	/* equal is fine: gets as far as the socket */
	req_u32(&r, KISCSI_A_FIRST_BURST, 262144);
	{
		struct reply rep;

		ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0,
					&r, &rep));
		EXPECT_EQ(EBADF, rep.err);
	}
}

TEST_F(abi, unsupported_parameters)
{
	struct req r;

	req_create(&r, BAD_FD);
	req_u8(&r, KISCSI_A_DATA_PDU_IN_ORDER, 0);
	create_expect(_metadata, &self->nl, &r, EOPNOTSUPP, "DataPDUInOrder");

	req_create(&r, BAD_FD);
	req_u8(&r, KISCSI_A_DATA_SEQ_IN_ORDER, 0);
	create_expect(_metadata, &self->nl, &r, EOPNOTSUPP, "DataSequenceInOrder");
}

/* CRC32C digests are supported: the request gets as far as the socket. */
TEST_F(abi, digests_accepted)
{
	struct reply rep;
	struct req r;

	req_create(&r, BAD_FD);
	req_u8(&r, KISCSI_A_HEADER_DIGEST, KISCSI_DIGEST_CRC32C);
	req_u8(&r, KISCSI_A_DATA_DIGEST, KISCSI_DIGEST_CRC32C);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0, &r,
				&rep));
	EXPECT_EQ(EBADF, rep.err);
}

TEST_F(abi, inconsistent_parameters)
{
	struct req r;

	req_create(&r, BAD_FD);
	req_u32(&r, KISCSI_A_NOP_INTERVAL, 5);
	create_expect(_metadata, &self->nl, &r, EINVAL, "NOP interval without timeout");

	req_create(&r, BAD_FD);
	req_u32(&r, KISCSI_A_EXP_CMDSN, 1000);
	req_u32(&r, KISCSI_A_MAX_CMDSN, 900);
	create_expect(_metadata, &self->nl, &r, EINVAL, "MaxCmdSN < ExpCmdSN - 1");

	req_create(&r, BAD_FD);
	req_str(&r, KISCSI_A_INITIATOR_NAME, "");
	create_expect(_metadata, &self->nl, &r, EINVAL, "empty initiator name");

	req_create(&r, BAD_FD);
	req_str(&r, KISCSI_A_TARGET_NAME, "");
	create_expect(_metadata, &self->nl, &r, EINVAL, "empty target name");

	/* MaxCmdSN = ExpCmdSN - 1 (window closed) is legal, wrapping too */
	{
		struct reply rep;

		req_create(&r, BAD_FD);
		req_u32(&r, KISCSI_A_EXP_CMDSN, 0);
		req_u32(&r, KISCSI_A_MAX_CMDSN, 0xffffffff);
		ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0,
					&r, &rep));
		EXPECT_EQ(EBADF, rep.err);
	}
}

/* ---- the socket ---------------------------------------------------------- */

static void create_fd_expect(struct __test_metadata *_metadata, struct nl *nl,
			     int fd, int err, const char *what)
{
	struct reply rep;
	struct req r;

	req_create(&r, fd);
	ASSERT_EQ(0, nl_request(nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep));
	log_reply(_metadata, what, &rep);
	EXPECT_EQ(err, rep.err) TH_LOG("%s", what);
	EXPECT_EQ(KISCSI_A_SOCK_FD, rep.offs_type) TH_LOG("%s", what);
}

TEST_F(abi, bad_fd)
{
	create_fd_expect(_metadata, &self->nl, BAD_FD, EBADF, "fd 9999");
	create_fd_expect(_metadata, &self->nl, -1, EBADF, "fd -1");
}

TEST_F(abi, regular_file)
{
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	create_fd_expect(_metadata, &self->nl, fd, ENOTSOCK, "regular file");
	close(fd);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	create_fd_expect(_metadata, &self->nl, fd, ENOTSOCK, "/dev/null");
	close(fd);
}

TEST_F(abi, udp_socket)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(3260),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd);
	/* even "connected" */
	ASSERT_EQ(0, connect(fd, (void *)&sin, sizeof(sin)));
	create_fd_expect(_metadata, &self->nl, fd, EPROTOTYPE, "UDP socket");
	close(fd);
}

TEST_F(abi, other_socket_types)
{
	int sv[2], fd;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	create_fd_expect(_metadata, &self->nl, sv[0], EPROTOTYPE, "AF_UNIX stream");
	close(sv[0]);
	close(sv[1]);

	/* the netlink socket itself */
	create_fd_expect(_metadata, &self->nl, mnl_socket_get_fd(self->nl.sock),
			 EPROTOTYPE, "netlink socket");

	/* SCTP is SOCK_STREAM too, when the module is there */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP);
	if (fd >= 0) {
		create_fd_expect(_metadata, &self->nl, fd, EPROTOTYPE, "SCTP stream");
		close(fd);
	}
}

TEST_F(abi, unconnected_tcp)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int l;

	ASSERT_LE(0, fd);
	create_fd_expect(_metadata, &self->nl, fd, ENOTCONN, "fresh TCP socket");
	close(fd);

	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		create_fd_expect(_metadata, &self->nl, fd, ENOTCONN, "fresh TCP6 socket");
		close(fd);
	}

	/* a listening socket is not connected either */
	l = tcp_listener(&sin);
	ASSERT_LE(0, l);
	create_fd_expect(_metadata, &self->nl, l, ENOTCONN, "listening socket");
	close(l);
}

TEST_F(abi, closed_tcp)
{
	int c, p;

	ASSERT_EQ(0, tcp_pair(&c, &p));
	ASSERT_EQ(0, shutdown(c, SHUT_RDWR));
	close(p);
	usleep(100 * 1000);
	create_fd_expect(_metadata, &self->nl, c, ENOTCONN, "shut down TCP socket");
	close(c);
}

/*
 * A connected TCP socket of another network namespace: our netlink socket
 * stays in this one, the TCP socket is made after unshare(CLONE_NEWNET).
 */
TEST_F(abi, socket_of_other_netns)
{
	int c, p;

	if (unshare(CLONE_NEWNET))
		REQUIRE("unshare(CLONE_NEWNET): %s", strerror(errno));
	ASSERT_EQ(0, loopback_up());
	ASSERT_EQ(0, tcp_pair(&c, &p));
	create_fd_expect(_metadata, &self->nl, c, EXDEV, "socket of another netns");
	close(c);
	close(p);
}

/*
 * The same socket twice.  The first SESSION_CREATE takes a connected socket
 * whose peer is this test; the kernel claims it, unblocks the session and
 * starts the scan in the background: the request, in a thread, returns
 * while the scan's first command is still unanswered.  While it owns the socket a second SESSION_CREATE with the
 * same fd must fail with EBUSY.  Closing the peer then fails the
 * connection; with RECOVERY_TMO 1 the scan's commands fail a second later.
 */
struct first_create {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool finished;
	int ret;
	struct reply rep;
};

static void req_create_owned(struct req *r, int fd)
{
	req_create(r, fd);
	req_u32(r, KISCSI_A_RECOVERY_TMO, 1);
	req_u16(r, KISCSI_A_QUEUE_DEPTH, 4);
	req_str(r, KISCSI_A_PORTAL_ADDR, "127.0.0.1");
	req_u16(r, KISCSI_A_PORTAL_PORT, 3260);
}

static void *first_create_thread(void *arg)
{
	struct first_create *fc = arg;
	struct nl *nl = calloc(1, sizeof(*nl));
	struct req r;
	int ret;

	ret = nl ? nl_open(nl) : -ENOMEM;
	if (!ret) {
		req_create_owned(&r, fc->fd);
		ret = nl_request(nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &fc->rep);
		nl_close(nl);
	}
	free(nl);
	pthread_mutex_lock(&fc->lock);
	fc->ret = ret;
	fc->finished = true;
	pthread_cond_broadcast(&fc->cond);
	pthread_mutex_unlock(&fc->lock);
	return NULL;
}

static bool first_wait(struct first_create *fc, int seconds)
{
	struct timespec ts;
	bool done;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += seconds;
	pthread_mutex_lock(&fc->lock);
	while (!fc->finished)
		if (pthread_cond_timedwait(&fc->cond, &fc->lock, &ts))
			break;
	done = fc->finished;
	pthread_mutex_unlock(&fc->lock);
	return done;
}

/* Read exactly @len bytes from @fd within @ms milliseconds. */
static int read_full(int fd, uint8_t *buf, size_t len, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (poll(&pfd, 1, ms) <= 0)
			return -1;
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

FIXTURE(owned) {
	struct nl nl;
};

FIXTURE_SETUP(owned)
{
	int ret = nl_open(&self->nl);

	if (ret == -ENOENT)
		REQUIRE("no generic netlink family \"kiscsi\"");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(owned)
{
	nl_close(&self->nl);
}

TEST_F_TIMEOUT(owned, same_fd_twice, 120)
{
	struct first_create fc = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct reply rep;
	struct req r;
	uint8_t bhs[48];
	pthread_t th;
	int c, p, d;

	ASSERT_EQ(0, tcp_pair(&c, &p));
	fc.fd = c;
	ASSERT_EQ(0, pthread_create(&th, NULL, first_create_thread, &fc));

	/* the kernel owns the socket once the scan's first command arrives */
	if (read_full(p, bhs, sizeof(bhs), 30 * 1000)) {
		close(p);
		if (first_wait(&fc, 30))
			log_reply(_metadata, "first CREATE", &fc.rep);
		ASSERT_TRUE(0) TH_LOG("no PDU from the kernel within 30 s");
	}
	TH_LOG("first PDU: opcode 0x%02x CmdSN %u ExpStatSN %u",
	       bhs[0] & 0x3f, be32(bhs + 24), be32(bhs + 28));
	EXPECT_EQ(0x01, bhs[0] & 0x3f);		/* SCSI Command */
	EXPECT_EQ(1000, be32(bhs + 24));	/* CmdSN = EXP_CMDSN */
	EXPECT_EQ(101, be32(bhs + 28));		/* ExpStatSN = STATSN + 1 */
	/*
	 * No request waits on the network: the first CREATE has returned
	 * although its scan's command is not answered (it used to block in
	 * the scan, holding genl's cb_lock, until the peer went away).
	 */
	EXPECT_TRUE(first_wait(&fc, 20))
		TH_LOG("the first SESSION_CREATE waits for its LUN scan");

	/* the same fd again, while the first session owns it */
	req_create_owned(&r, c);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep));
	log_reply(_metadata, "second CREATE", &rep);
	EXPECT_EQ(EBUSY, rep.err);
	EXPECT_EQ(KISCSI_A_SOCK_FD, rep.offs_type);
	EXPECT_STREQ("socket is already in use", rep.msg);

	/* a dup of it is the same socket */
	d = dup(c);
	ASSERT_LE(0, d);
	req_create_owned(&r, d);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep));
	log_reply(_metadata, "CREATE on a dup", &rep);
	EXPECT_EQ(EBUSY, rep.err);
	close(d);

	/* end the first: the target goes away */
	close(p);
	if (!first_wait(&fc, 60)) {
		/* the thread is stuck in the kernel: nothing to clean up */
		ASSERT_TRUE(0) TH_LOG("first SESSION_CREATE still not answered 60 s after the peer closed");
	}
	pthread_join(th, NULL);
	ASSERT_EQ(0, fc.ret);
	log_reply(_metadata, "first CREATE", &fc.rep);
	TH_LOG("first CREATE: session %u host %u", fc.rep.session_id,
	       fc.rep.host_no);

	if (fc.rep.err == 0) {
		uint32_t id = fc.rep.session_id;
		struct req g = { 0 };

		EXPECT_NE(0, id);
		req_u32(&g, KISCSI_A_SESSION_ID, id);
		ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET, 0, &g, &rep));
		EXPECT_EQ(0, rep.err);
		EXPECT_EQ(1, rep.nmsgs);
		EXPECT_EQ(id, rep.session_id);
		TH_LOG("session %u state %d", id, rep.state);
		EXPECT_NE(KISCSI_STATE_LOGGED_IN, rep.state);

		/* a dump lists it */
		ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET,
					NLM_F_DUMP, NULL, &rep));
		EXPECT_TRUE(rep.done);
		EXPECT_EQ(1, rep.nmsgs);

		ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_DESTROY, 0,
					&g, &rep));
		log_reply(_metadata, "DESTROY", &rep);
		EXPECT_EQ(0, rep.err);
		ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET, 0, &g, &rep));
		EXPECT_EQ(ENOENT, rep.err);
		ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_DESTROY, 0,
					&g, &rep));
		EXPECT_EQ(ENOENT, rep.err);

		/* it logs out in the background, listed until it is gone */
		for (int i = 0; i < 600; i++) {
			ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET,
						NLM_F_DUMP, NULL, &rep));
			if (!rep.nmsgs)
				break;
			EXPECT_EQ(KISCSI_STATE_LOGGING_OUT, rep.state);
			usleep(100 * 1000);
		}
		EXPECT_EQ(0, rep.nmsgs) TH_LOG("session %u still listed 60 s after DESTROY", id);
	}
	close(c);
}

/* GET of one session: its state, or -1 */
static int session_state(struct nl *nl, uint32_t id, struct reply *rep)
{
	struct req g = { 0 };

	req_u32(&g, KISCSI_A_SESSION_ID, id);
	if (nl_request(nl, KISCSI_CMD_SESSION_GET, 0, &g, rep) || rep->err)
		return -1;
	return rep->state;
}

/* A CONN_REPLACE for session @id over @fd, valid but for what varies. */
static void req_replace(struct req *r, uint32_t id, int fd, uint32_t cmdsn)
{
	req_create(r, fd);
	req_del(r, KISCSI_A_INITIATOR_NAME);
	req_del(r, KISCSI_A_TARGET_NAME);
	req_u32(r, KISCSI_A_SESSION_ID, id);
	req_u16(r, KISCSI_A_TSIH, 2);
	req_u32(r, KISCSI_A_STATSN, 200);
	req_u32(r, KISCSI_A_EXP_CMDSN, cmdsn);
	req_u32(r, KISCSI_A_MAX_CMDSN, cmdsn + 31);
}

/*
 * CONN_REPLACE: refused while the connection is up, for an unknown
 * session, for another ISID and for a data digest the session did not
 * start with; accepted in the failed state, after which the command the
 * failure held goes out again on the new socket with the session's next
 * CmdSN, the new ExpStatSN and a new ITT; refused again once it is up.
 */
TEST_F_TIMEOUT(owned, conn_replace, 120)
{
	static const uint8_t other_isid[6] = { 0x80, 0x4b, 0x49, 0x53, 0x00, 0x02 };
	uint8_t bhs[48], bhs2[48];
	struct reply rep;
	struct req r, g = { 0 };
	char path[96];
	FILE *f;
	uint32_t id, next;
	int c, p, c2, p2, i, st = -1;

	ASSERT_EQ(0, tcp_pair(&c, &p));
	req_create_owned(&r, c);
	req_u32(&r, KISCSI_A_RECOVERY_TMO, 60);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep));
	log_reply(_metadata, "CREATE", &rep);
	ASSERT_EQ(0, rep.err);
	id = rep.session_id;
	ASSERT_EQ(0, read_full(p, bhs, sizeof(bhs), 30 * 1000))
		TH_LOG("no PDU from the kernel within 30 s");
	EXPECT_EQ(1000, be32(bhs + 24));

	/* up: nothing to replace */
	ASSERT_EQ(0, tcp_pair(&c2, &p2));
	req_replace(&r, id, c2, 1001);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_CONN_REPLACE, 0, &r, &rep));
	log_reply(_metadata, "REPLACE while up", &rep);
	EXPECT_EQ(EBUSY, rep.err);
	EXPECT_STREQ("the session's connection has not failed", rep.msg);
	req_replace(&r, 0x7ffffff0, c2, 1001);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_CONN_REPLACE, 0, &r, &rep));
	EXPECT_EQ(ENOENT, rep.err);
	req_replace(&r, id, c2, 1001);
	req_del(&r, KISCSI_A_SESSION_ID);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_CONN_REPLACE, 0, &r, &rep));
	EXPECT_EQ(EINVAL, rep.err);
	EXPECT_EQ(KISCSI_A_SESSION_ID, rep.miss_type);

	/* the target goes away: failed, its command held */
	close(p);
	for (i = 0; i < 100 && st != KISCSI_STATE_FAILED; i++) {
		st = session_state(&self->nl, id, &rep);
		usleep(100 * 1000);
	}
	ASSERT_EQ(KISCSI_STATE_FAILED, st);
	next = rep.cmdsn;
	TH_LOG("failed: next CmdSN %u, ExpStatSN %u", rep.cmdsn, rep.exp_statsn);
	EXPECT_EQ(1001, next);
	EXPECT_EQ(101, rep.exp_statsn);

	req_replace(&r, id, c2, next);
	req_set(&r, KISCSI_A_ISID, other_isid, sizeof(other_isid));
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_CONN_REPLACE, 0, &r, &rep));
	log_reply(_metadata, "REPLACE with another ISID", &rep);
	EXPECT_EQ(EINVAL, rep.err);
	req_replace(&r, id, c2, next);
	req_u8(&r, KISCSI_A_DATA_DIGEST, KISCSI_DIGEST_CRC32C);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_CONN_REPLACE, 0, &r, &rep));
	log_reply(_metadata, "REPLACE turning DataDigest on", &rep);
	EXPECT_EQ(EINVAL, rep.err);
	EXPECT_EQ(KISCSI_STATE_FAILED, session_state(&self->nl, id, &rep));

	req_replace(&r, id, c2, next);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_CONN_REPLACE, 0, &r, &rep));
	log_reply(_metadata, "REPLACE", &rep);
	ASSERT_EQ(0, rep.err);
	EXPECT_EQ(KISCSI_STATE_LOGGED_IN, session_state(&self->nl, id, &rep));
	ASSERT_EQ(0, read_full(p2, bhs2, sizeof(bhs2), 30 * 1000))
		TH_LOG("the held command did not go out on the new socket");
	TH_LOG("resent: opcode 0x%02x ITT 0x%08x (was 0x%08x) CmdSN %u ExpStatSN %u",
	       bhs2[0] & 0x3f, be32(bhs2 + 16), be32(bhs + 16),
	       be32(bhs2 + 24), be32(bhs2 + 28));
	EXPECT_EQ(0x01, bhs2[0] & 0x3f);
	EXPECT_EQ(next, be32(bhs2 + 24));
	EXPECT_EQ(201, be32(bhs2 + 28));
	EXPECT_NE(be32(bhs + 16), be32(bhs2 + 16));
	EXPECT_EQ(0, memcmp(bhs + 32, bhs2 + 32, 16));	/* the same CDB */

	req_replace(&r, id, c2, next);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_CONN_REPLACE, 0, &r, &rep));
	EXPECT_EQ(EBUSY, rep.err);

	/*
	 * sysfs recovery_tmo is writable while logged in (multipathd's
	 * fast_io_fail_tmo), and GET reports the value in force
	 */
	EXPECT_EQ(60, (session_state(&self->nl, id, &rep), rep.recovery_tmo));
	snprintf(path, sizeof(path),
		 "/sys/class/iscsi_session/session%u/recovery_tmo", id);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("1\n", f);
	EXPECT_EQ(0, fclose(f));
	EXPECT_EQ(1, (session_state(&self->nl, id, &rep), rep.recovery_tmo));

	/* end: the peer goes (the scan's command fails a second later), then the session */
	close(p2);
	req_u32(&g, KISCSI_A_SESSION_ID, id);
	ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_DESTROY, 0, &g, &rep));
	EXPECT_EQ(0, rep.err);
	for (i = 0; i < 600; i++) {
		ASSERT_EQ(0, nl_request(&self->nl, KISCSI_CMD_SESSION_GET,
					NLM_F_DUMP, NULL, &rep));
		if (!rep.nmsgs)
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(0, rep.nmsgs) TH_LOG("session %u still listed 60 s after DESTROY", id);
	close(c);
	close(c2);
}

/* ---- permissions --------------------------------------------------------- */

struct perm_result {
	int open_err;		/* nl_open failure, positive errno */
	int create, destroy, get, dump;
};

/* In a child: the four requests, results through a pipe. */
static void perm_requests(int wfd, struct nl *pre_opened)
{
	struct perm_result res = { 0 };
	struct nl nl_own, *nl = pre_opened;
	struct reply rep;
	struct req r;

	if (!nl) {
		int ret = nl_open(&nl_own);

		if (ret) {
			res.open_err = -ret;
			goto out;
		}
		nl = &nl_own;
	}
	req_create(&r, BAD_FD);
	res.create = nl_request(nl, KISCSI_CMD_SESSION_CREATE, 0, &r, &rep) ?: rep.err;
	memset(&r, 0, sizeof(r));
	req_u32(&r, KISCSI_A_SESSION_ID, 0x7ffffff0);
	res.destroy = nl_request(nl, KISCSI_CMD_SESSION_DESTROY, 0, &r, &rep) ?: rep.err;
	res.get = nl_request(nl, KISCSI_CMD_SESSION_GET, 0, &r, &rep) ?: rep.err;
	res.dump = nl_request(nl, KISCSI_CMD_SESSION_GET, NLM_F_DUMP, NULL, &rep) ?: rep.err;
out:
	if (write(wfd, &res, sizeof(res)) != sizeof(res))
		_exit(2);
	_exit(0);
}

static void perm_check(struct __test_metadata *_metadata, int rfd, pid_t pid,
		       const char *what)
{
	struct perm_result res;
	int status;
	ssize_t n;

	n = read(rfd, &res, sizeof(res));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(sizeof(res), n)
		TH_LOG("%s: the child exited with %d before answering (3: unshare failed, e.g. a kernel without CONFIG_USER_NS; 4: writing the id maps failed; 5: not uid 0)",
		       what, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	TH_LOG("%s: open %d create %d destroy %d get %d dump %d", what,
	       res.open_err, res.create, res.destroy, res.get, res.dump);
	ASSERT_EQ(0, res.open_err) TH_LOG("%s: netlink: %s", what, strerror(res.open_err));
	EXPECT_EQ(EPERM, res.create);
	EXPECT_EQ(EPERM, res.destroy);
	EXPECT_EQ(EPERM, res.get);
	EXPECT_EQ(EPERM, res.dump);
}

/* Skip the permission tests where the family is not there at all. */
static bool family_present(void)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	bool ok = nl && !nl_open(nl);

	if (ok)
		nl_close(nl);
	free(nl);
	return ok;
}

static int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -1;
	return 0;
}

/* CAP_NET_ADMIN in the effective set on or off (permitted stays). */
static int net_admin_effective(bool on)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (on)
		d[CAP_NET_ADMIN / 32].effective |= 1u << (CAP_NET_ADMIN % 32);
	else
		d[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	return syscall(SYS_capset, &h, d);
}

TEST(unprivileged_user)
{
	int pfd[2];
	pid_t pid;

	if (geteuid())
		REQUIRE("needs root");
	if (!family_present())
		REQUIRE("no generic netlink family \"kiscsi\"");
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pfd[0]);
		if (drop_to_nobody())
			_exit(3);
		perm_requests(pfd[1], NULL);
	}
	close(pfd[1]);
	perm_check(_metadata, pfd[0], pid, "uid 65534");
	close(pfd[0]);
}

/* root without CAP_NET_ADMIN (socket opened after the drop) */
TEST(root_without_net_admin)
{
	int pfd[2];
	pid_t pid;

	if (geteuid())
		REQUIRE("needs root");
	if (!family_present())
		REQUIRE("no generic netlink family \"kiscsi\"");
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pfd[0]);
		if (net_admin_effective(false))
			_exit(3);
		perm_requests(pfd[1], NULL);
	}
	close(pfd[1]);
	perm_check(_metadata, pfd[0], pid, "root without CAP_NET_ADMIN");
	close(pfd[0]);
}

/* The socket was opened with CAP_NET_ADMIN, the sender no longer has it. */
TEST(capability_dropped_after_open)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int pfd[2];
	pid_t pid;

	if (geteuid())
		REQUIRE("needs root");
	if (!family_present())
		REQUIRE("no generic netlink family \"kiscsi\"");
	ASSERT_NE(NULL, nl);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pfd[0]);
		if (nl_open(nl) || drop_to_nobody())
			_exit(3);
		perm_requests(pfd[1], nl);
	}
	close(pfd[1]);
	perm_check(_metadata, pfd[0], pid, "dropped after open");
	close(pfd[0]);
	free(nl);
}

/*
 * Opened without CAP_NET_ADMIN, the sender has it again: the opener counts
 * (for messages written without a destination address, as nl_request does;
 * the netlink core skips the opener check when sendto() names the kernel).
 */
TEST(socket_opened_without_net_admin)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int pfd[2];
	pid_t pid;

	if (geteuid())
		REQUIRE("needs root");
	if (!family_present())
		REQUIRE("no generic netlink family \"kiscsi\"");
	ASSERT_NE(NULL, nl);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pfd[0]);
		if (net_admin_effective(false) || nl_open(nl) ||
		    net_admin_effective(true))
			_exit(3);
		perm_requests(pfd[1], nl);
	}
	close(pfd[1]);
	perm_check(_metadata, pfd[0], pid, "opened without CAP_NET_ADMIN");
	close(pfd[0]);
	free(nl);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Root of a new user namespace (with its own netns) is not enough. */
TEST(user_namespace_root)
{
	int pfd[2];
	pid_t pid;

	if (geteuid())
		REQUIRE("needs root");
	if (!family_present())
		REQUIRE("no generic netlink family \"kiscsi\"");
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pfd[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(3);
		if (write_file("/proc/self/setgroups", "deny") ||
		    write_file("/proc/self/uid_map", "0 0 1") ||
		    write_file("/proc/self/gid_map", "0 0 1"))
			_exit(4);
		if (getuid() != 0)
			_exit(5);
		perm_requests(pfd[1], NULL);
	}
	close(pfd[1]);
	perm_check(_metadata, pfd[0], pid, "user namespace root");
	close(pfd[0]);
}

TEST_HARNESS_MAIN

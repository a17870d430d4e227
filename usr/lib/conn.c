// SPDX-License-Identifier: LGPL-2.1-or-later
/* TCP connection to a portal: connect with timeout, PDU send/receive. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "error.h"
#include "pdu.h"
#include "sockbind.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_one(const struct addrinfo *ai, int timeout_ms,
		       const struct kiscsi_opts *o, int *err_out,
		       const char **bind_what)
{
	int fd, soerr = 0, one = 1;
	socklen_t sl = sizeof(soerr);
	struct pollfd pfd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
	if (fd < 0) {
		*err_out = errno;
		return -1;
	}
	if (kiscsi_sock_bind(fd, ai->ai_family, o, err_out, bind_what)) {
		close(fd);
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
		*err_out = errno;
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		int r = poll(&pfd, 1, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*err_out = r == 0 ? ETIMEDOUT : errno;
			close(fd);
			return -1;
		}
		break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr) {
		*err_out = soerr ? soerr : errno;
		close(fd);
		return -1;
	}
	/* back to blocking: we poll before every read anyway */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

bool kiscsi_conn_unreachable(int e)
{
	return e == ETIMEDOUT || e == ENETUNREACH || e == EHOSTUNREACH ||
	       e == EHOSTDOWN || e == ENETDOWN || e == EADDRNOTAVAIL;
}

static int conn_open(struct kiscsi_conn *c, const struct kiscsi_portal *p,
		     int connect_timeout_ms, int timeout_ms,
		     const struct kiscsi_opts *o, struct kiscsi_error *err)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	const char *bind_what = NULL;
	char port[8];
	int r, e = 0, fd = -1, family = kiscsi_source_family(o);

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	kiscsi_portal_format(p->host, p->port, c->where, sizeof(c->where));
	snprintf(port, sizeof(port), "%u", p->port);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	r = getaddrinfo(p->host, port, &hints, &res);
	if (r)
		return kiscsi_err(err, KISCSI_E_CONNECT,
				  "cannot resolve %s: %s", p->host,
				  r == EAI_SYSTEM ? strerror(errno) :
				  gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		const struct sockaddr_in6 *s6 = (const void *)ai->ai_addr;

		/* the kernel would only say EINVAL */
		if (ai->ai_family == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) && !s6->sin6_scope_id) {
			freeaddrinfo(res);
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "cannot connect to %s: a link-local address needs its interface, e.g. [%s%%eth0]:%u",
					  c->where, p->host, p->port);
		}
		/* a --source address only reaches peers of its family */
		if (family != AF_UNSPEC && ai->ai_family != family) {
			if (!e)
				e = EAFNOSUPPORT;
			continue;
		}
		fd = connect_one(ai, connect_timeout_ms, o, &e, &bind_what);
		if (fd >= 0 || bind_what)
			break;
	}
	if (fd < 0) {
		freeaddrinfo(res);
		if (bind_what && !strcmp(bind_what, "interface"))
			return kiscsi_err(err, KISCSI_E_CONNECT,
					  "cannot connect to %s through interface '%s': %s",
					  c->where, o->iface, strerror(e));
		if (bind_what || (o && o->source[0] && e == EAFNOSUPPORT))
			return kiscsi_err(err, KISCSI_E_CONNECT,
					  "cannot connect to %s from source address %s: %s",
					  c->where, o->source,
					  e == EAFNOSUPPORT ?
					  "the portal has no address of that family" :
					  strerror(e));
		return kiscsi_err(err, kiscsi_conn_unreachable(e) ? KISCSI_E_UNREACHABLE :
				  KISCSI_E_CONNECT,
				  "cannot connect to %s: %s", c->where,
				  e == ETIMEDOUT ? "connection timed out" :
				  strerror(e));
	}
	getnameinfo(ai->ai_addr, ai->ai_addrlen, c->addr, sizeof(c->addr),
		    NULL, 0, NI_NUMERICHOST);
	c->port = p->port;
	c->fd = fd;
	freeaddrinfo(res);
	return 0;
}

bool kiscsi_conn_retryable(int ret)
{
	return ret == -KISCSI_E_CONNECT || ret == -KISCSI_E_UNREACHABLE;
}

void kiscsi_conn_backoff(int n)
{
	struct timespec ts = { .tv_sec = n < 4 ? 1 << n : 16 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void kiscsi_conn_note_attempts(struct kiscsi_error *err, int attempts)
{
	size_t l;

	if (!err || attempts < 2)
		return;
	l = strlen(err->msg);
	snprintf(err->msg + l, sizeof(err->msg) - l, " (after %d attempts)",
		 attempts);
}

int kiscsi_conn_open(struct kiscsi_conn *c, const struct kiscsi_portal *p,
		     int connect_timeout_ms, int timeout_ms,
		     struct kiscsi_error *err)
{
	return conn_open(c, p, connect_timeout_ms, timeout_ms, NULL, err);
}

int kiscsi_conn_open_opts(struct kiscsi_conn *c, const struct kiscsi_portal *p,
			  const struct kiscsi_opts *o, struct kiscsi_error *err)
{
	return conn_open(c, p, o->connect_timeout_ms, o->login_timeout_ms, o,
			 err);
}

void kiscsi_conn_init_fd(struct kiscsi_conn *c, int fd, int timeout_ms,
			 const char *where)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	snprintf(c->where, sizeof(c->where), "%s", where);
	snprintf(c->addr, sizeof(c->addr), "%s", where);
}

void kiscsi_conn_close(struct kiscsi_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int kiscsi_conn_send(struct kiscsi_conn *c, const uint8_t *bhs,
		     const void *data, uint32_t dlen, const char *phase,
		     struct kiscsi_error *err)
{
	static const uint8_t zero[4];
	struct iovec iov[3] = {
		{ (void *)bhs, ISCSI_BHS_LEN },
		{ (void *)data, dlen },
		{ (void *)zero, iscsi_pad4(dlen) },
	};
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3 };
	size_t left = ISCSI_BHS_LEN + dlen + iscsi_pad4(dlen);

	while (left) {
		ssize_t n = sendmsg(c->fd, &m, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kiscsi_err(err, KISCSI_E_CONNECT,
					  "%s at %s: send failed: %s", phase,
					  c->where, strerror(errno));
		}
		left -= (size_t)n;
		while (n > 0 && m.msg_iovlen) {
			if ((size_t)n >= m.msg_iov->iov_len) {
				n -= (ssize_t)m.msg_iov->iov_len;
				m.msg_iov++;
				m.msg_iovlen--;
			} else {
				m.msg_iov->iov_base = (char *)m.msg_iov->iov_base + n;
				m.msg_iov->iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return 0;
}

static int recv_all(struct kiscsi_conn *c, void *buf, size_t len,
		    int64_t deadline, const char *phase,
		    struct kiscsi_error *err)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return kiscsi_err(err, KISCSI_E_CONNECT,
					  "%s at %s: no response from target within %d s",
					  phase, c->where, c->timeout_ms / 1000);
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return kiscsi_err(err, KISCSI_E_GENERIC, "poll: %s",
					  strerror(errno));
		if (r == 0)
			continue;
		n = recv(c->fd, (char *)buf + got, len - got, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return kiscsi_err(err, KISCSI_E_CONNECT,
					  "%s at %s: receive failed: %s", phase,
					  c->where, strerror(errno));
		if (n == 0)
			return kiscsi_err(err, KISCSI_E_CONNECT,
					  "%s at %s: target closed the connection",
					  phase, c->where);
		got += (size_t)n;
	}
	return 0;
}

int kiscsi_conn_recv(struct kiscsi_conn *c, uint8_t *bhs, uint8_t **data,
		     uint32_t max_dlen, const char *phase,
		     struct kiscsi_error *err)
{
	int64_t deadline = now_ms() + c->timeout_ms;
	uint32_t dlen;
	uint8_t *d;
	int r;

	*data = NULL;
	r = recv_all(c, bhs, ISCSI_BHS_LEN, deadline, phase, err);
	if (r)
		return r;
	if (bhs[4])
		return kiscsi_err(err, KISCSI_E_PROTOCOL,
				  "%s at %s: unexpected AHS in PDU (opcode 0x%02x)",
				  phase, c->where, bhs[0] & ISCSI_OPCODE_MASK);
	dlen = iscsi_bhs_dlen(bhs);
	if (dlen > max_dlen)
		return kiscsi_err(err, KISCSI_E_PROTOCOL,
				  "%s at %s: data segment of %u bytes exceeds limit %u",
				  phase, c->where, dlen, max_dlen);
	if (!dlen)
		return 0;
	d = malloc(dlen + 4);
	if (!d)
		return kiscsi_err(err, KISCSI_E_GENERIC, "out of memory");
	r = recv_all(c, d, dlen + iscsi_pad4(dlen), deadline, phase, err);
	if (r) {
		free(d);
		return r;
	}
	*data = d;
	return 0;
}

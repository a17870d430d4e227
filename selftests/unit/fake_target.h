/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A scripted fake target for unit tests: runs in a thread on one end of a
 * socketpair; the initiator code under test gets the other end.
 */
#ifndef KISCSI_FAKE_TARGET_H
#define KISCSI_FAKE_TARGET_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pdu.h"

struct fake {
	int fd;			/* target side */
	int ifd;		/* initiator side */
	pthread_t thread;
	void (*script)(struct fake *f);
	char fail[256];		/* first failed check in the script */
	/* last PDU received */
	uint8_t bhs[ISCSI_BHS_LEN];
	char data[65536];
	uint32_t dlen;
	int npdus;
};

#define FAKE_CHECK(f, cond) do {					\
	if (!(cond) && !(f)->fail[0])					\
		snprintf((f)->fail, sizeof((f)->fail), "%s:%d: %s",	\
			 __FILE__, __LINE__, #cond);			\
} while (0)

static inline int fake_read(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Receive one PDU into f->bhs/f->data; -1 on EOF. */
static inline int fake_recv(struct fake *f)
{
	uint8_t pad[4];

	if (fake_read(f->fd, f->bhs, ISCSI_BHS_LEN))
		return -1;
	f->dlen = iscsi_bhs_dlen(f->bhs);
	if (f->dlen > sizeof(f->data) - 1)
		return -1;
	if (fake_read(f->fd, f->data, f->dlen) ||
	    fake_read(f->fd, pad, iscsi_pad4(f->dlen)))
		return -1;
	f->data[f->dlen] = '\0';
	f->npdus++;
	return 0;
}

/* Does the last PDU's text contain "key=value"? */
static inline int fake_has(struct fake *f, const char *kv)
{
	size_t l = strlen(kv) + 1;

	return memmem(f->data, f->dlen, kv, l) != NULL;
}

static inline void fake_send(struct fake *f, const uint8_t *bhs,
			     const void *data, size_t len)
{
	static const uint8_t zero[4];

	/* the initiator may have given up already: no SIGPIPE */
	if (send(f->fd, bhs, ISCSI_BHS_LEN, MSG_NOSIGNAL) != ISCSI_BHS_LEN ||
	    (len && send(f->fd, data, len, MSG_NOSIGNAL) != (ssize_t)len) ||
	    send(f->fd, zero, iscsi_pad4(len), MSG_NOSIGNAL) !=
	    (ssize_t)iscsi_pad4(len))
		FAKE_CHECK(f, !"send failed");
}

static inline void fake_login_rsp(struct fake *f, struct iscsi_login_rsp *r,
				  const void *data, size_t len)
{
	uint8_t bhs[ISCSI_BHS_LEN];

	r->dlen = (uint32_t)len;
	iscsi_login_rsp_build(bhs, r);
	fake_send(f, bhs, data, len);
}

static void *fake_thread(void *arg)
{
	struct fake *f = arg;

	f->script(f);
	shutdown(f->fd, SHUT_RDWR);
	return NULL;
}

static inline int fake_start(struct fake *f, void (*script)(struct fake *))
{
	int sv[2];

	memset(f, 0, sizeof(*f));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	f->fd = sv[0];
	f->ifd = sv[1];
	f->script = script;
	return pthread_create(&f->thread, NULL, fake_thread, f);
}

static inline void fake_stop(struct fake *f)
{
	shutdown(f->ifd, SHUT_RDWR);
	pthread_join(f->thread, NULL);
	close(f->fd);
	close(f->ifd);
}

#endif

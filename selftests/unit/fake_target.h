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

#include <openssl/evp.h>

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

	/*
	 * The initiator may have given up already: no SIGPIPE.  No empty
	 * send either: after the last PDU the initiator may have closed.
	 */
	if (send(f->fd, bhs, ISCSI_BHS_LEN, MSG_NOSIGNAL) != ISCSI_BHS_LEN ||
	    (len && send(f->fd, data, len, MSG_NOSIGNAL) != (ssize_t)len) ||
	    (iscsi_pad4(len) &&
	     send(f->fd, zero, iscsi_pad4(len), MSG_NOSIGNAL) !=
	     (ssize_t)iscsi_pad4(len)))
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

/* Value of key in the last PDU's text, or NULL. */
static inline const char *fake_get(struct fake *f, const char *key)
{
	size_t kl = strlen(key), off = 0;

	while (off < f->dlen) {
		const char *p = f->data + off;

		if (!strncmp(p, key, kl) && p[kl] == '=')
			return p + kl + 1;
		off += strlen(p) + 1;
	}
	return NULL;
}

/* "0x..." (even number of digits) -> bytes; returns the length. */
static inline size_t fake_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (!s || (strncmp(s, "0x", 2) && strncmp(s, "0X", 2)))
		return 0;
	for (s += 2; s[0] && s[1] && n < cap; s += 2)
		sscanf(s, "%2hhx", &out[n++]);
	return n;
}

static inline void fake_hex(const uint8_t *in, size_t len, char *out)
{
	size_t i;

	out += sprintf(out, "0x");
	for (i = 0; i < len; i++)
		out += sprintf(out, "%02x", in[i]);
}

/*
 * The target's side of CHAP, straight from OpenSSL (not from the code
 * under test): H(id || secret || challenge) with digest md ("SHA256").
 */
static inline unsigned int fake_chap_hash(const char *md, uint8_t id,
					  const char *secret,
					  const uint8_t *c, size_t clen,
					  uint8_t *out)
{
	unsigned int n = 0;

	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_get_digestbyname(md), NULL);
	EVP_DigestUpdate(ctx, &id, 1);
	EVP_DigestUpdate(ctx, secret, strlen(secret));
	EVP_DigestUpdate(ctx, c, clen);
	EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
	return n;
}

/* A response that echoes the request's ISID/ITT and the given stages. */
static inline struct iscsi_login_rsp fake_rsp_for(struct fake *f, bool t,
						   int csg, int nsg,
						   uint32_t statsn)
{
	struct iscsi_login_req rq;
	struct iscsi_login_rsp r;

	memset(&r, 0, sizeof(r));
	iscsi_login_req_parse(f->bhs, &rq);
	memcpy(r.isid, rq.isid, 6);
	r.itt = rq.itt;
	r.transit = t;
	r.csg = (uint8_t)csg;
	r.nsg = (uint8_t)nsg;
	r.statsn = statsn;
	r.exp_cmdsn = rq.cmdsn;
	r.max_cmdsn = rq.cmdsn + 31;
	return r;
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

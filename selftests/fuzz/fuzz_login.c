// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Login responses: the login state machine fed whatever a target sends.
 * Input: one flags byte, then the bytes the target sends on the
 * connection.
 *   bit 0  discovery session
 *   bit 1  the target repeats its bytes forever (a target stuck in a
 *          loop); without it they are queued before the login starts and
 *          the stream is closed after them.
 * A login that never ends shows as a libFuzzer timeout.  A discovery login
 * that succeeds goes on like "kiscsi discover": SendTargets=All (Text
 * Responses, continuations), the answer parsed, then Logout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "fuzz_check.h"
#include "login.h"
#include "pdu.h"
#include "sendtargets.h"
#include "session_io.h"

#define ANSWER_MAX	(1u << 20)

/* What the seeds in corpus/fuzz_login answer to (ITT 0x10000000). */
static const struct kiscsi_identity ident = {
	.name = "iqn.2026-11.org.kiscsi:fuzz",
	.isid = { 0x80, 0x12, 0x34, 0x56, 0x00, 0x01 },
};

#define TARGET	"iqn.2026-11.org.kiscsi:target"

/* FUZZ_VERBOSE=1: say how each run ended (to check a seed does what it should) */
static int verbose = -1;

static void say(const char *what, int r, const struct kiscsi_error *err)
{
	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "%s: %s\n", what, r ? err->msg : "ok");
}

static void discover(struct kiscsi_conn *conn,
		     const struct kiscsi_login_ctx *ctx)
{
	struct kiscsi_textbuf req, ans;
	struct kiscsi_target_list tl;
	struct kiscsi_error err;
	struct kiscsi_kvlist kv;
	struct kiscsi_ffp s;
	char why[256];
	size_t i;
	int r;

	kiscsi_ffp_init(&s, conn, ctx);
	kiscsi_textbuf_init(&req, 0);
	kiscsi_textbuf_init(&ans, ANSWER_MAX);
	FUZZ_CHECK(kiscsi_text_add(&req, "SendTargets", "All") == 0);
	memset(&err, 0, sizeof(err));
	r = kiscsi_text_exchange(&s, &req, &ans, &err);
	say("SendTargets", r, &err);
	fuzz_check_error(r, &err);
	if (r)
		goto out;
	FUZZ_CHECK(ans.len <= ANSWER_MAX);
	if (kiscsi_text_parse(ans.data, ans.len, &kv, why, sizeof(why)))
		goto logout;
	if (!kiscsi_sendtargets_parse(&kv, &tl, why, sizeof(why))) {
		if (verbose)
			fprintf(stderr, "targets: %zu\n", tl.ntargets);
		for (i = 0; i < tl.ntargets; i++)
			fuzz_check_target(&tl.targets[i]);
		kiscsi_target_list_free(&tl);
	}
	kiscsi_kvlist_free(&kv);
logout:
	memset(&err, 0, sizeof(err));
	r = kiscsi_logout_session(&s, &err);
	say("logout", r, &err);
	fuzz_check_error(r, &err);
out:
	kiscsi_textbuf_free(&req);
	kiscsi_textbuf_free(&ans);
}

struct looping_target {
	int fd;
	const uint8_t *data;
	size_t size;
};

/* Send the input again and again; swallow requests; stop at hang-up. */
static void *looping_target(void *arg)
{
	struct looping_target *t = arg;
	static uint8_t sink[65536];
	size_t off = 0;

	for (;;) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLIN | POLLOUT };
		ssize_t n;

		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd.revents & POLLIN) {
			n = read(t->fd, sink, sizeof(sink));
			if (n <= 0)
				break;
		}
		if (pfd.revents & (POLLHUP | POLLERR))
			break;
		if (pfd.revents & POLLOUT) {
			n = send(t->fd, t->data + off, t->size - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				break;
			if (n > 0)
				off = (off + (size_t)n) % t->size;
		}
	}
	return NULL;
}

/* Text the initiator sends: well-formed, each key at most once. */
static void check_sent_text(const struct kiscsi_textbuf *t)
{
	struct kiscsi_kvlist kv;
	char why[256];

	if (kiscsi_text_parse(t->data, t->len, &kv, why, sizeof(why))) {
		fprintf(stderr, "initiator sent bad text: %s\n", why);
		FUZZ_CHECK(!"initiator's text parses");
	}
	if (kiscsi_kv_find_dup(&kv) >= 0) {
		fprintf(stderr, "initiator sent %s twice\n",
			kv.kv[kiscsi_kv_find_dup(&kv)].key);
		FUZZ_CHECK(!"initiator sends each key once");
	}
	kiscsi_kvlist_free(&kv);
}

/*
 * Everything the initiator sent (read back after it closed): Login
 * Requests as RFC 7143 has them, then only Text and Logout Requests.
 */
static void check_requests(int fd, bool discovery)
{
	struct kiscsi_textbuf all, text;
	bool in_login = true;
	uint8_t buf[4096];
	size_t pos = 0;
	ssize_t n;

	kiscsi_textbuf_init(&all, 0);
	kiscsi_textbuf_init(&text, 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		FUZZ_CHECK(kiscsi_textbuf_append(&all, buf, (size_t)n) == 0);
	while (all.len - pos >= ISCSI_BHS_LEN) {
		const uint8_t *bhs = (const uint8_t *)all.data + pos;
		uint32_t dlen = iscsi_bhs_dlen(bhs);
		size_t total = ISCSI_BHS_LEN + dlen + iscsi_pad4(dlen);
		struct iscsi_login_req rq;

		if (all.len - pos < total)
			break;		/* a send a full buffer cut short */
		switch (bhs[0]) {
		case ISCSI_OP_IMMEDIATE | ISCSI_OP_LOGIN_REQ:
			FUZZ_CHECK(in_login);
			FUZZ_CHECK(iscsi_login_req_parse(bhs, &rq) == 0);
			FUZZ_CHECK(rq.itt == 0x10000000 && rq.cmdsn == 1);
			FUZZ_CHECK(!memcmp(rq.isid, ident.isid, 6) && !rq.tsih);
			FUZZ_CHECK(!(rq.transit && rq.cont));
			FUZZ_CHECK(rq.csg == ISCSI_STAGE_SECURITY ||
				   rq.csg == ISCSI_STAGE_OPERATIONAL);
			FUZZ_CHECK(!rq.transit ||
				   (rq.csg == ISCSI_STAGE_SECURITY &&
				    rq.nsg == ISCSI_STAGE_OPERATIONAL) ||
				   (rq.csg == ISCSI_STAGE_OPERATIONAL &&
				    rq.nsg == ISCSI_STAGE_FFP));
			FUZZ_CHECK(dlen <= KISCSI_LOGIN_DLEN);
			FUZZ_CHECK(kiscsi_textbuf_append(&text, bhs + ISCSI_BHS_LEN,
							 dlen) == 0);
			if (!rq.cont) {
				check_sent_text(&text);
				text.len = 0;
			}
			break;
		case ISCSI_OP_TEXT_REQ:
		case ISCSI_OP_IMMEDIATE | ISCSI_OP_LOGOUT_REQ:
			FUZZ_CHECK(discovery);
			in_login = false;
			break;
		default:
			fprintf(stderr, "initiator sent opcode 0x%02x\n", bhs[0]);
			FUZZ_CHECK(!"initiator sends only login, text, logout");
		}
		pos += total;
	}
	kiscsi_textbuf_free(&all);
	kiscsi_textbuf_free(&text);
}

static void check_login(const struct kiscsi_login_ctx *ctx, int r)
{
	if (r) {
		/* a redirection names where to */
		FUZZ_CHECK(!ctx->redirected || ctx->neg.target_address[0]);
		return;
	}
	FUZZ_CHECK(ctx->status_class == 0);
	FUZZ_CHECK(ctx->exp_statsn == ctx->statsn + 1);
	FUZZ_CHECK(!ctx->target || ctx->tsih != 0);
	FUZZ_CHECK(ctx->neg.tpgt >= -1 && ctx->neg.tpgt <= 65535);
	/* we declared ours in the operational stage, which every login has */
	FUZZ_CHECK(ctx->neg.res.max_recv_dlen == ctx->want.max_recv_dlen);
	fuzz_check_params(&ctx->neg.res, &ctx->want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct looping_target lt;
	struct kiscsi_login_ctx ctx;
	struct kiscsi_error err;
	struct kiscsi_conn conn;
	bool discovery, repeat;
	pthread_t thread;
	int sv[2], r;

	if (size < 1)
		return 0;
	discovery = data[0] & 1;
	repeat = data[0] & 2;
	data++;
	size--;

	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	if (repeat && size) {
		lt = (struct looping_target){ sv[1], data, size };
		FUZZ_CHECK(pthread_create(&thread, NULL, looping_target,
					  &lt) == 0);
	} else {
		/* the whole input fits in the socket buffer (-max_len 16 KiB) */
		while (size) {
			ssize_t n = write(sv[1], data, size);

			FUZZ_CHECK(n > 0);
			data += n;
			size -= (size_t)n;
		}
		shutdown(sv[1], SHUT_WR);
		/*
		 * Nobody reads what the initiator sends: a full socket
		 * buffer fails the send instead of blocking the run.
		 */
		fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
		repeat = false;
	}

	kiscsi_conn_init_fd(&conn, sv[0], 1000, "fuzz-target:3260");
	kiscsi_login_ctx_init(&ctx, &conn, &ident, discovery ? NULL : TARGET);
	memset(&err, 0, sizeof(err));
	r = kiscsi_login_run(&ctx, &err);
	say("login", r, &err);
	fuzz_check_error(r, &err);
	check_login(&ctx, r);
	if (!r && discovery)
		discover(&conn, &ctx);
	close(sv[0]);
	if (repeat)
		pthread_join(thread, NULL);
	else
		check_requests(sv[1], discovery);
	close(sv[1]);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connecting to a portal: a refused connection and an unreachable portal
 * are told apart (exit status 3 vs 9), both are retryable, and the retry
 * count shows in the message.  (A real unreachable portal is in the VM
 * test 15-connect: the host's network may answer for any address.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "kselftest_harness.h"

TEST(refused)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	struct kiscsi_portal p = { .host = "127.0.0.1" };
	struct kiscsi_error err;
	struct kiscsi_conn c;
	int fd;

	/* a bound port nobody listens on refuses connections */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_GE(fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sa, &sl));
	p.port = ntohs(sa.sin_port);
	ASSERT_EQ(-KISCSI_E_CONNECT, kiscsi_conn_open(&c, &p, 2000, 2000, &err));
	ASSERT_NE(NULL, strstr(err.msg, "Connection refused")) TH_LOG("%s", err.msg);
	ASSERT_TRUE(kiscsi_conn_retryable(-KISCSI_E_CONNECT));
	close(fd);
}

TEST(unreachable_errors)
{
	/* what a connect to a portal with no route or no answer ends in */
	ASSERT_TRUE(kiscsi_conn_unreachable(ETIMEDOUT));
	ASSERT_TRUE(kiscsi_conn_unreachable(ENETUNREACH));
	ASSERT_TRUE(kiscsi_conn_unreachable(EHOSTUNREACH));
	ASSERT_TRUE(kiscsi_conn_unreachable(ENETDOWN));
	ASSERT_FALSE(kiscsi_conn_unreachable(ECONNREFUSED));
	ASSERT_FALSE(kiscsi_conn_unreachable(ECONNRESET));
	ASSERT_TRUE(kiscsi_conn_retryable(-KISCSI_E_UNREACHABLE));
	ASSERT_FALSE(kiscsi_conn_retryable(-KISCSI_E_AUTH));
	ASSERT_FALSE(kiscsi_conn_retryable(-KISCSI_E_LOGIN));
}

TEST(link_local_needs_zone)
{
	struct kiscsi_portal p = { .host = "fe80::5:1", .port = 3260 };
	struct kiscsi_error err;
	struct kiscsi_conn c;

	ASSERT_EQ(-KISCSI_E_INVAL, kiscsi_conn_open(&c, &p, 300, 300, &err));
	ASSERT_STREQ("cannot connect to [fe80::5:1]:3260: a link-local address needs its interface, e.g. [fe80::5:1%eth0]:3260",
		     err.msg);
	/* with a zone it gets past that (lo: whatever connect says) */
	strcpy(p.host, "fe80::5:1%lo");
	ASSERT_NE(-KISCSI_E_INVAL, kiscsi_conn_open(&c, &p, 300, 300, &err));
	kiscsi_conn_close(&c);
}

TEST(attempts_noted)
{
	struct kiscsi_error err = { .msg = "cannot connect to x:3260: Connection refused" };

	kiscsi_conn_note_attempts(&err, 1);
	ASSERT_STREQ("cannot connect to x:3260: Connection refused", err.msg);
	kiscsi_conn_note_attempts(&err, 3);
	ASSERT_STREQ("cannot connect to x:3260: Connection refused (after 3 attempts)",
		     err.msg);
}

TEST_HARNESS_MAIN

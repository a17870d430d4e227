// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kiscsi daemon: brings failed connections back (recovery.c).  One per
 * network namespace, in the foreground, as systemd runs it.  It may be
 * what the root disk or swap needs to come back, so it makes itself safe
 * to run while memory is short and block I/O is stuck, as iscsid does:
 * its memory locked, never the OOM killer's choice, its own writes
 * exempt from throttling (PR_SET_IO_FLUSHER), and everything a relogin
 * needs (records, crypto) loaded before any is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "identity.h"
#include "netlink.h"
#include "recovery.h"

#ifndef PR_SET_IO_FLUSHER
#define PR_SET_IO_FLUSHER	57
#endif

/* the kernel's list is read this often, in case events were lost */
#define RECONCILE_MS	5000

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void help(void)
{
	printf("Usage: %s daemon\n\n"
	       "Bring sessions back when their connection fails: wait the Time2Wait\n"
	       "the target asked for, log in again with the session's own identity,\n"
	       "settings and CHAP, and hand the new connection to the kernel, which\n"
	       "resends the I/O it held.  Retries back off up to 5 s, and go on every\n"
	       "15 s after the recovery timeout, so disks come back with the target.\n"
	       "Runs in the foreground (kiscsi.service), one per network namespace;\n"
	       "sessions logged in before it started are adopted.  Logs to stderr.\n",
	       prog);
	print_exit_codes();
}

static void harden(void)
{
	int fd;

	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fprintf(stderr, "kiscsi daemon: mlockall: %s (its memory may be paged out)\n",
			strerror(errno));
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "-1000", 5) != 5)
		fprintf(stderr, "kiscsi daemon: cannot set oom_score_adj: %s\n",
			strerror(errno));
	if (fd >= 0)
		close(fd);
	if (prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0))
		fprintf(stderr, "kiscsi daemon: PR_SET_IO_FLUSHER: %s\n",
			strerror(errno));
}

/* Load now what a relogin would otherwise load on first use. */
static int preload(void)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *res;

	if (kiscsi_chap_preload()) {
		fprintf(stderr, "kiscsi daemon: the crypto library lacks a CHAP digest (MD5, SHA1, SHA256, SHA3-256)\n");
		return -1;
	}
	/* getaddrinfo reads its configuration (gai.conf) once */
	if (!getaddrinfo("127.0.0.1", "3260", &hints, &res))
		freeaddrinfo(res);
	srand((unsigned int)(time(NULL) ^ getpid()));
	return 0;
}

/* One daemon per network namespace: an flock named by the namespace. */
static int lock_netns(void)
{
	char path[4096];
	struct stat st;
	int fd;

	if (stat("/proc/self/ns/net", &st)) {
		fprintf(stderr, "kiscsi daemon: /proc/self/ns/net: %s\n",
			strerror(errno));
		return -1;
	}
	if (kiscsi_mkdir_p(kiscsi_run_dir())) {
		fprintf(stderr, "kiscsi daemon: cannot create %s: %s\n",
			kiscsi_run_dir(), strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/daemon-netns-%llu.lock",
		 kiscsi_run_dir(), (unsigned long long)st.st_ino);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "kiscsi daemon: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "kiscsi daemon: another kiscsi daemon serves this network namespace (%s is locked); one is enough\n",
			path);
		close(fd);
		return -1;
	}
	return fd;
}

int cmd_daemon(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct kiscsi_event_msg ev;
	struct kiscsi_error err;
	struct kiscsi_nl n;
	int64_t next_reconcile;
	int c, lock, r = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (c == 'h') {
			help();
			return 0;
		}
		return bad_option("daemon", c, argv);
	}
	if (optind < argc)
		return usage_error("daemon", "unexpected argument '%s'",
				   argv[optind]);

	lock = lock_netns();
	if (lock < 0)
		return KISCSI_E_GENERIC;
	if (preload()) {
		close(lock);
		return KISCSI_E_GENERIC;
	}
	/* joined before the first look at the list: no failure falls between */
	if (kiscsi_events_open(&n, &err)) {
		close(lock);
		return fail(&err);
	}
	harden();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stderr, NULL, _IOLBF, 0);
	fprintf(stderr, "kiscsi daemon: watching the sessions of this network namespace\n");

	recovery_reconcile();
	next_reconcile = recovery_now_ms() + RECONCILE_MS;
	while (!stop) {
		int64_t now, due = recovery_run_due(), wait;

		now = recovery_now_ms();
		if (now >= next_reconcile) {
			recovery_reconcile();
			next_reconcile = now + RECONCILE_MS;
			continue;
		}
		wait = next_reconcile - now;
		if (due >= 0 && due - now < wait)
			wait = due > now ? due - now : 0;
		/* a signal is noticed within a second */
		if (wait > 1000)
			wait = 1000;
		r = kiscsi_events_read(&n, &ev, (int)wait, &err);
		if (r < 0) {
			fprintf(stderr, "kiscsi daemon: %s\n", err.msg);
			break;
		}
		if (r > 0)
			recovery_event(&ev);
		r = 0;
	}
	fprintf(stderr, "kiscsi daemon: stopping; sessions stay, failed ones time out unless a daemon runs\n");
	recovery_clear();
	kiscsi_nl_close(&n);
	close(lock);
	return r < 0 ? fail(&err) : 0;
}

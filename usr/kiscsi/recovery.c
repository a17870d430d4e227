// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Session recovery for 'kiscsi daemon': for each failed connection, wait
 * the Time2Wait the target asked for, log in again with the session's own
 * identity and settings, and hand the socket to the kernel.  Attempts
 * back off with jitter up to a few seconds, and go on at a slower pace
 * after the recovery timeout, so the disks come back whenever the target
 * does.  What a relogin needs is read once, when the session is first
 * seen, never on the way to recovering it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/kiscsi.h>

#include "recovery.h"

/* backoff caps: within the recovery timeout, and after it */
#define BACKOFF_CAP_MS		5000
#define BACKOFF_CAP_LATE_MS	15000
/* a session's repeated failures: one line per this */
#define LOG_EVERY_MS		30000

struct watched {
	uint32_t id;
	bool have_record;
	bool failed;
	bool timed_out;
	unsigned int attempts;
	int64_t down_since;	/* ms, when we saw it fail */
	int64_t due;		/* ms of the next attempt, 0: none */
	int64_t last_log;	/* ms of the last failed-attempt line */
	unsigned int quiet;	/* failed attempts not logged since */
	char where[KISCSI_NAME_MAX + KISCSI_ADDR_MAX + 32];
	struct kiscsi_session_record rec;
};

static struct watched *tab;
static size_t ntab;

int64_t recovery_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(const struct watched *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(const struct watched *w, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kiscsi daemon: session %u%s: ", w->id, w->where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct watched *find(uint32_t id)
{
	size_t i;

	for (i = 0; i < ntab; i++)
		if (tab[i].id == id)
			return &tab[i];
	return NULL;
}

static void set_where(struct watched *w, const char *target,
		      const char *addr, unsigned int port)
{
	char portal[KISCSI_ADDR_MAX + 16];

	kiscsi_portal_format(addr, (uint16_t)port, portal, sizeof(portal));
	snprintf(w->where, sizeof(w->where), " to %s at %s", target, portal);
}

/* Read what the relogin needs; done once, before it is needed. */
static void load_record(struct watched *w)
{
	struct kiscsi_error err;

	if (w->have_record)
		return;
	if (kiscsi_session_record_load(w->id, &w->rec, &err)) {
		say(w, "cannot recover it: %s", err.msg);
		return;
	}
	w->have_record = true;
}

static struct watched *add(uint32_t id)
{
	struct watched *w = find(id), *v;

	if (w)
		return w;
	v = realloc(tab, (ntab + 1) * sizeof(*tab));
	if (!v) {
		fprintf(stderr, "kiscsi daemon: out of memory: session %u is not watched\n",
			id);
		return NULL;
	}
	tab = v;
	w = &tab[ntab++];
	memset(w, 0, sizeof(*w));
	w->id = id;
	return w;
}

static void forget(struct watched *w)
{
	explicit_bzero(&w->rec, sizeof(w->rec));
	*w = tab[--ntab];
}

/* +-20%, so sessions failed together do not relogin in lockstep */
static int64_t jitter(int64_t ms)
{
	return ms * (80 + rand() % 41) / 100;
}

static void mark_failed(struct watched *w, int time2wait, const char *why)
{
	int64_t now = recovery_now_ms();

	if (w->failed)
		return;
	w->failed = true;
	w->attempts = 0;
	w->quiet = 0;
	w->last_log = 0;
	w->down_since = now;
	w->due = now + (int64_t)(time2wait > 0 ? time2wait : 0) * 1000;
	load_record(w);
	if (w->have_record)
		say(w, "connection failed (%s); relogin in %d s", why,
		    time2wait);
}

static void mark_timed_out(struct watched *w)
{
	if (w->timed_out)
		return;
	w->timed_out = true;
	say(w, "recovery timeout expired: its disks fail I/O until a relogin succeeds; still trying");
}

static void mark_restored(struct watched *w, const char *how)
{
	if (!w->failed)
		return;
	say(w, "connection restored after %.3f s%s",
	    (double)(recovery_now_ms() - w->down_since) / 1000, how);
	w->failed = false;
	w->timed_out = false;
	w->due = 0;
}

void recovery_event(const struct kiscsi_event_msg *ev)
{
	struct watched *w;

	switch (ev->event) {
	case KISCSI_EVENT_SESSION_CREATED:
	case KISCSI_EVENT_SCAN_DONE:
		w = add(ev->session_id);
		if (w) {
			set_where(w, ev->target_name, ev->portal_addr,
				  ev->portal_port);
			/* kiscsi_session_login() writes it before the scan */
			if (ev->event == KISCSI_EVENT_SCAN_DONE)
				load_record(w);
		}
		return;
	case KISCSI_EVENT_SESSION_DESTROYED:
		w = find(ev->session_id);
		if (w)
			forget(w);
		return;
	case KISCSI_EVENT_CONN_FAILED:
		w = add(ev->session_id);
		if (!w)
			return;
		set_where(w, ev->target_name, ev->portal_addr,
			  ev->portal_port);
		mark_failed(w, ev->time2wait,
			    kiscsi_conn_error_name(ev->reason));
		return;
	case KISCSI_EVENT_SESSION_TIMED_OUT:
		w = find(ev->session_id);
		if (w)
			mark_timed_out(w);
		return;
	case KISCSI_EVENT_CONN_RESTORED:
		w = find(ev->session_id);
		if (w)
			mark_restored(w, " (by another process)");
		return;
	}
}

void recovery_reconcile(void)
{
	struct kiscsi_session_info *v;
	struct kiscsi_error err;
	size_t n, i, j;

	if (kiscsi_session_list(&v, &n, &err)) {
		fprintf(stderr, "kiscsi daemon: %s\n", err.msg);
		return;
	}
	for (i = 0; i < ntab;) {
		for (j = 0; j < n && v[j].session_id != tab[i].id; j++)
			;
		if (j == n || v[j].state == KISCSI_STATE_LOGGING_OUT)
			forget(&tab[i]);
		else
			i++;
	}
	for (j = 0; j < n; j++) {
		const struct kiscsi_session_info *s = &v[j];
		struct watched *w;

		/* a login still scanning may not have written its record */
		if (s->state == KISCSI_STATE_LOGGING_OUT ||
		    (s->scanning == 1 && s->state == KISCSI_STATE_LOGGED_IN))
			continue;
		w = find(s->session_id);
		if (!w) {
			w = add(s->session_id);
			if (!w)
				continue;
			set_where(w, s->target_name, s->portal_addr,
				  s->portal_port);
			load_record(w);
		}
		if (s->state == KISCSI_STATE_FAILED ||
		    s->state == KISCSI_STATE_TIMED_OUT) {
			mark_failed(w, (int)s->params.time2wait,
				    "found failed");
			if (s->state == KISCSI_STATE_TIMED_OUT)
				mark_timed_out(w);
		} else if (s->state == KISCSI_STATE_LOGGED_IN) {
			mark_restored(w, " (found logged in)");
		}
	}
	free(v);
}

/* One relogin; true if the session was forgotten (its slot reused). */
static bool attempt(struct watched *w)
{
	struct kiscsi_error err;
	int64_t now, delay;
	int r;

	w->attempts++;
	r = kiscsi_session_relogin(&w->rec, &err);
	now = recovery_now_ms();
	if (r == 0) {
		char how[48];

		snprintf(how, sizeof(how), " (attempt %u)", w->attempts);
		mark_restored(w, how);
		return false;
	}
	if (r == 1) {
		mark_restored(w, " (it was up)");
		return false;
	}
	if (r == -KISCSI_E_NOSESSION) {
		say(w, "%s; forgetting it", err.msg);
		forget(w);
		return true;
	}
	delay = 1000LL << (w->attempts < 5 ? w->attempts - 1 : 4);
	if (delay > (w->timed_out ? BACKOFF_CAP_LATE_MS : BACKOFF_CAP_MS))
		delay = w->timed_out ? BACKOFF_CAP_LATE_MS : BACKOFF_CAP_MS;
	delay = jitter(delay);
	w->due = now + delay;
	if (w->last_log && now - w->last_log < LOG_EVERY_MS) {
		w->quiet++;
		return false;
	}
	if (w->quiet)
		say(w, "relogin attempt %u failed: %s (%u more failed since the last report); next in %.1f s",
		    w->attempts, err.msg, w->quiet, (double)delay / 1000);
	else
		say(w, "relogin attempt %u failed: %s; next in %.1f s",
		    w->attempts, err.msg, (double)delay / 1000);
	w->last_log = now;
	w->quiet = 0;
	return false;
}

int64_t recovery_run_due(void)
{
	int64_t next = -1;
	size_t i;

	for (i = 0; i < ntab;) {
		struct watched *w = &tab[i];

		/* a forgotten session's slot holds another one now */
		if (w->failed && w->have_record &&
		    w->due <= recovery_now_ms() && attempt(w))
			continue;
		i++;
	}
	for (i = 0; i < ntab; i++)
		if (tab[i].failed && tab[i].have_record &&
		    (next < 0 || tab[i].due < next))
			next = tab[i].due;
	return next;
}

void recovery_clear(void)
{
	while (ntab)
		forget(&tab[0]);
	free(tab);
	tab = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks shared by the libFuzzer harnesses: what must hold for any input,
 * beyond "no sanitizer report".  A failed check aborts, so libFuzzer keeps
 * the input as a crash.
 */
#ifndef KISCSI_FUZZ_CHECK_H
#define KISCSI_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kiscsi.h>

#include "libkiscsi.h"
#include "negotiate.h"

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

/* One line of printable text: what a user sees on a terminal. */
static inline int fuzz_one_printable_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* A failure is reported as a negative code with one line saying why. */
static inline void fuzz_check_error(int ret, const struct kiscsi_error *err)
{
	if (ret == 0)
		return;
	FUZZ_CHECK(ret < 0 && err->code == -ret);
	FUZZ_CHECK(err->msg[0] != '\0');
	if (!fuzz_one_printable_line(err->msg)) {
		fprintf(stderr, "error message: \"%s\"\n", err->msg);
		FUZZ_CHECK(!"error message is one printable line");
	}
}

/* Negotiated parameters the kernel is handed: every value legal. */
static inline void fuzz_check_params(const struct kiscsi_params *res,
				     const struct kiscsi_params *want)
{
	FUZZ_CHECK(res->max_xmit_dlen >= 512 && res->max_xmit_dlen <= 16777215);
	FUZZ_CHECK(res->max_recv_dlen >= 512 && res->max_recv_dlen <= 16777215);
	FUZZ_CHECK(res->first_burst >= 512 && res->first_burst <= 16777215);
	FUZZ_CHECK(res->max_burst >= 512 && res->max_burst <= 16777215);
	FUZZ_CHECK(res->first_burst <= res->max_burst);
	FUZZ_CHECK(res->max_conns >= 1 && res->max_conns <= 65535);
	FUZZ_CHECK(res->max_r2t >= 1 && res->max_r2t <= 65535);
	FUZZ_CHECK(res->time2wait <= 3600 && res->time2retain <= 3600);
	FUZZ_CHECK(res->erl <= want->erl);
	/* a digest the target picked must be one we offered */
	FUZZ_CHECK(res->header_digest == KISCSI_DIGEST_NONE ||
		   res->header_digest == want->header_digest);
	FUZZ_CHECK(res->data_digest == KISCSI_DIGEST_NONE ||
		   res->data_digest == want->data_digest);
}

/* A discovered target: a usable name and portals the CLI can log in to. */
static inline void fuzz_check_target(const struct kiscsi_target *t)
{
	size_t i;

	FUZZ_CHECK(t->name[0] != '\0' && strlen(t->name) <= KISCSI_NAME_MAX);
	FUZZ_CHECK(fuzz_one_printable_line(t->name));
	for (i = 0; i < t->nportals; i++) {
		const struct kiscsi_target_portal *tp = &t->portals[i];
		struct kiscsi_portal p;
		char s[KISCSI_HOST_MAX + 16];

		FUZZ_CHECK(tp->addr[0] != '\0' && tp->port != 0);
		FUZZ_CHECK(tp->tpgt >= -1 && tp->tpgt <= 65535);
		/* what "discover" prints must parse back to the same portal */
		kiscsi_portal_format(tp->addr, tp->port, s, sizeof(s));
		FUZZ_CHECK(kiscsi_portal_parse(s, &p, NULL) == 0);
		FUZZ_CHECK(!strcmp(p.host, tp->addr) && p.port == tp->port);
	}
}

#endif

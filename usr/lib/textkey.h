/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iSCSI text keys: key=value\0 pairs (RFC 7143, section 6).  Encoding into
 * a growing buffer and strict parsing of what the target sent.
 */
#ifndef KISCSI_TEXTKEY_H
#define KISCSI_TEXTKEY_H

#include <stddef.h>

#define KISCSI_KEY_MAX		63	/* bytes in a key name */
#define KISCSI_VALUE_MAX	255	/* bytes in most values */
#define KISCSI_VALUE_MAX_LONG	8192	/* CHAP_C / CHAP_R encodings */

/* A growing byte buffer with a hard cap. */
struct kiscsi_textbuf {
	char *data;
	size_t len, cap;
	size_t limit;		/* 0: no limit */
};

void kiscsi_textbuf_init(struct kiscsi_textbuf *tb, size_t limit);
void kiscsi_textbuf_free(struct kiscsi_textbuf *tb);
/* -1 on allocation failure or when the limit would be exceeded */
int kiscsi_textbuf_append(struct kiscsi_textbuf *tb, const void *p, size_t n);
/* Appends "key=value\0"; -1 on error or bad key/value. */
int kiscsi_text_add(struct kiscsi_textbuf *tb, const char *key,
		    const char *value);
int kiscsi_text_addf(struct kiscsi_textbuf *tb, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct kiscsi_kv {
	const char *key;
	const char *value;
};

struct kiscsi_kvlist {
	size_t n;
	struct kiscsi_kv *kv;
	char *buf;		/* private copy the pointers point into */
};

/*
 * Parse a complete text data segment.  Every pair must be key=value
 * terminated by a NUL; keys are 1..63 bytes of [A-Za-z0-9.+@_-], values at
 * most 255 bytes (8192 for CHAP_C/CHAP_R).  Extra NULs between pairs (some
 * targets pad) are skipped.  Returns 0, or -1 with a reason in errbuf.
 */
int kiscsi_text_parse(const void *data, size_t len, struct kiscsi_kvlist *out,
		      char *errbuf, size_t errlen);
void kiscsi_kvlist_free(struct kiscsi_kvlist *l);

/* First value of key, or NULL. */
const char *kiscsi_kv_get(const struct kiscsi_kvlist *l, const char *key);
/* Index of the first key that appears a second time, or -1. */
int kiscsi_kv_find_dup(const struct kiscsi_kvlist *l);

int kiscsi_key_valid(const char *key, size_t len);

#endif

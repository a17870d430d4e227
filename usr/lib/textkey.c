// SPDX-License-Identifier: LGPL-2.1-or-later
/* iSCSI text keys: encoding and strict parsing. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textkey.h"

void kiscsi_textbuf_init(struct kiscsi_textbuf *tb, size_t limit)
{
	memset(tb, 0, sizeof(*tb));
	tb->limit = limit;
}

void kiscsi_textbuf_free(struct kiscsi_textbuf *tb)
{
	free(tb->data);
	tb->data = NULL;
	tb->len = tb->cap = 0;
}

int kiscsi_textbuf_append(struct kiscsi_textbuf *tb, const void *p, size_t n)
{
	if (n > SIZE_MAX / 2 - tb->len)
		return -1;
	if (tb->limit && tb->len + n > tb->limit)
		return -1;
	if (tb->len + n > tb->cap) {
		size_t cap = tb->cap ? tb->cap : 256;
		char *d;

		while (cap < tb->len + n)
			cap *= 2;
		d = realloc(tb->data, cap);
		if (!d)
			return -1;
		tb->data = d;
		tb->cap = cap;
	}
	if (n)
		memcpy(tb->data + tb->len, p, n);
	tb->len += n;
	return 0;
}

int kiscsi_key_valid(const char *key, size_t len)
{
	size_t i;

	if (len == 0 || len > KISCSI_KEY_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '+' || c == '@' || c == '_'))
			return 0;
	}
	return 1;
}

static size_t value_max(const char *key)
{
	if (!strcmp(key, "CHAP_C") || !strcmp(key, "CHAP_R"))
		return KISCSI_VALUE_MAX_LONG;
	return KISCSI_VALUE_MAX;
}

int kiscsi_text_add(struct kiscsi_textbuf *tb, const char *key,
		    const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);

	if (!kiscsi_key_valid(key, kl) || vl > value_max(key))
		return -1;
	if (kiscsi_textbuf_append(tb, key, kl) ||
	    kiscsi_textbuf_append(tb, "=", 1) ||
	    kiscsi_textbuf_append(tb, value, vl + 1))
		return -1;
	return 0;
}

int kiscsi_text_addf(struct kiscsi_textbuf *tb, const char *key,
		     const char *fmt, ...)
{
	char v[KISCSI_VALUE_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(v))
		return -1;
	return kiscsi_text_add(tb, key, v);
}

void kiscsi_kvlist_free(struct kiscsi_kvlist *l)
{
	free(l->kv);
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

int kiscsi_text_parse(const void *data, size_t len, struct kiscsi_kvlist *out,
		      char *errbuf, size_t errlen)
{
	size_t pos = 0, cap = 0;
	char *buf;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0;
	if (((const char *)data)[len - 1] != '\0') {
		snprintf(errbuf, errlen, "text data not NUL-terminated");
		return -1;
	}
	buf = malloc(len);
	if (!buf) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	memcpy(buf, data, len);
	out->buf = buf;

	while (pos < len) {
		char *s = buf + pos, *eq;
		size_t sl = strlen(s);	/* terminated: buf[len-1] == 0 */

		pos += sl + 1;
		if (sl == 0)
			continue;	/* padding NUL */
		eq = memchr(s, '=', sl);
		if (!eq) {
			snprintf(errbuf, errlen, "text key without '=': \"%.40s\"",
				 s);
			goto fail;
		}
		if (!kiscsi_key_valid(s, (size_t)(eq - s))) {
			snprintf(errbuf, errlen, "invalid text key \"%.*s\"",
				 (int)((eq - s) > 64 ? 64 : (eq - s)), s);
			goto fail;
		}
		*eq = '\0';
		if (strlen(eq + 1) > value_max(s)) {
			snprintf(errbuf, errlen,
				 "value of key %s too long (%zu bytes)", s,
				 strlen(eq + 1));
			goto fail;
		}
		if (out->n == cap) {
			struct kiscsi_kv *kv;

			cap = cap ? cap * 2 : 16;
			kv = realloc(out->kv, cap * sizeof(*kv));
			if (!kv) {
				snprintf(errbuf, errlen, "out of memory");
				goto fail;
			}
			out->kv = kv;
		}
		out->kv[out->n].key = s;
		out->kv[out->n].value = eq + 1;
		out->n++;
	}
	return 0;
fail:
	kiscsi_kvlist_free(out);
	return -1;
}

const char *kiscsi_kv_get(const struct kiscsi_kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->kv[i].key, key))
			return l->kv[i].value;
	return NULL;
}

int kiscsi_kv_find_dup(const struct kiscsi_kvlist *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(l->kv[i].key, l->kv[j].key))
				return (int)i;
	return -1;
}

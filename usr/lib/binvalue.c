// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Binary values of iSCSI text keys (RFC 7143, section 6.1): "0x"/"0X"
 * followed by hex digits, "0b"/"0B" followed by base64 (RFC 4648).  Used
 * for CHAP_C, CHAP_R and CHAP_I.
 */
#include <stdio.h>
#include <string.h>

#include "chap.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* An odd number of digits: the first byte holds one digit. */
static int hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s), o = 0, i = 0;

	if (n == 0 || (n + 1) / 2 > cap)
		return -1;
	if (n % 2) {
		int v = hexval(s[0]);

		if (v < 0)
			return -1;
		out[o++] = (uint8_t)v;
		i = 1;
	}
	for (; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[o++] = (uint8_t)(hi << 4 | lo);
	}
	*len = o;
	return 0;
}

/* Padding '=' optional; a lone trailing sextet or leftover bits fail. */
static int b64_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s), o = 0, i, pad = 0;
	uint32_t acc = 0;
	int bits = 0;

	while (n > 0 && s[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (n == 0 || n % 4 == 1 || (pad && (n + pad) % 4))
		return -1;
	for (i = 0; i < n; i++) {
		int v = b64val(s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc)		/* non-canonical: unused bits set */
		return -1;
	*len = o;
	return 0;
}

int kiscsi_binary_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	if (!s || s[0] != '0')
		return -1;
	if (s[1] == 'x' || s[1] == 'X')
		return hex_decode(s + 2, out, cap, len);
	if (s[1] == 'b' || s[1] == 'B')
		return b64_decode(s + 2, out, cap, len);
	return -1;
}

int kiscsi_binary_encode_hex(const uint8_t *in, size_t len, char *out,
			     size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (cap < 2 * len + 3)
		return -1;
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[in[i] >> 4];
		out[3 + 2 * i] = digits[in[i] & 15];
	}
	out[2 + 2 * len] = '\0';
	return 0;
}

int kiscsi_chap_parse_id(const char *s, uint8_t *id)
{
	uint8_t b[8];
	size_t n, i;
	unsigned long v = 0;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && s[1] && strchr("xXbB", s[1])) {
		if (kiscsi_binary_decode(s, b, sizeof(b), &n))
			return -1;
		for (i = 0; i < n; i++) {
			if (v > 255)
				return -1;
			v = v << 8 | b[i];
		}
	} else {
		for (; *s; s++) {
			if (*s < '0' || *s > '9' || v > 255)
				return -1;
			v = v * 10 + (unsigned long)(*s - '0');
		}
	}
	if (v > 255)
		return -1;
	*id = (uint8_t)v;
	return 0;
}

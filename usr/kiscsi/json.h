/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny JSON writer: objects, arrays, strings (escaped), numbers, bools. */
#ifndef KISCSI_JSON_H
#define KISCSI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX	16

struct json {
	FILE *f;
	int depth;
	bool compact;		/* one line per top-level value */
	bool need_comma[JSON_DEPTH_MAX];
};

void json_init(struct json *j, FILE *f);
/* key is NULL inside arrays and at the top level */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* writes s as a JSON string literal, quotes included */
void json_escape(FILE *f, const char *s);

#endif

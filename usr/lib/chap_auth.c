// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CHAP credentials: the algorithm list, the environment, a private
 * key=value file, and the checks before they are used.  No function here
 * ever puts a secret into an error message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "chap.h"
#include "error.h"

static const struct {
	const char *name;
	int alg;
} alg_names[] = {
	{ "md5", KISCSI_CHAP_MD5 },
	{ "sha1", KISCSI_CHAP_SHA1 },
	{ "sha256", KISCSI_CHAP_SHA256 },
	{ "sha3-256", KISCSI_CHAP_SHA3_256 },
};

#define NNAMES (sizeof(alg_names) / sizeof(alg_names[0]))

const char *kiscsi_chap_alg_name(int alg)
{
	size_t i;

	for (i = 0; i < NNAMES; i++)
		if (alg_names[i].alg == alg)
			return alg_names[i].name;
	return NULL;
}

int kiscsi_chap_algs_parse(const char *list, struct kiscsi_chap_auth *a,
			   struct kiscsi_error *err)
{
	uint8_t algs[KISCSI_CHAP_NALGS];
	size_t n = 0, i, k;
	const char *p = list;

	if (!list || !*list)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "empty CHAP algorithm list");
	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		int alg = -1;

		for (i = 0; i < NNAMES; i++)
			if (strlen(alg_names[i].name) == l &&
			    !strncasecmp(alg_names[i].name, p, l))
				alg = alg_names[i].alg;
		if (alg < 0)
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "unknown CHAP algorithm '%.*s' (md5, sha1, sha256, sha3-256)",
					  (int)(l > 32 ? 32 : l), p);
		for (k = 0; k < n; k++)
			if (algs[k] == alg)
				return kiscsi_err(err, KISCSI_E_INVAL,
						  "CHAP algorithm '%.*s' listed twice",
						  (int)l, p);
		algs[n++] = (uint8_t)alg;
		if (!e)
			break;
		p = e + 1;
		if (!*p)
			return kiscsi_err(err, KISCSI_E_INVAL,
					  "CHAP algorithm list ends with ','");
	}
	memcpy(a->algs, algs, n);
	a->nalgs = n;
	return 0;
}

/* Copies a credential value; what names it in messages (never the value). */
static int set_value(char *dst, size_t cap, const char *v, const char *what,
		     const char *where, struct kiscsi_error *err)
{
	size_t l = strlen(v);

	if (l == 0 || l >= cap)
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "%s%s%s must be 1-%zu bytes", what,
				  where ? " in " : "", where ? where : "",
				  cap - 1);
	memcpy(dst, v, l + 1);
	return 0;
}

static int set_key(struct kiscsi_chap_auth *a, const char *key,
		   const char *v, const char *where, struct kiscsi_error *err)
{
	if (!strcmp(key, "username"))
		return set_value(a->username, sizeof(a->username), v,
				 "username", where, err);
	if (!strcmp(key, "password"))
		return set_value(a->password, sizeof(a->password), v,
				 "password", where, err);
	if (!strcmp(key, "username_in"))
		return set_value(a->username_in, sizeof(a->username_in), v,
				 "username_in", where, err);
	if (!strcmp(key, "password_in"))
		return set_value(a->password_in, sizeof(a->password_in), v,
				 "password_in", where, err);
	if (!strcmp(key, "chap_algorithms"))
		return kiscsi_chap_algs_parse(v, a, err);
	return 1;
}

int kiscsi_chap_auth_from_env(struct kiscsi_chap_auth *a,
			      struct kiscsi_error *err)
{
	static const char *const vars[][2] = {
		{ "KISCSI_USERNAME", "username" },
		{ "KISCSI_PASSWORD", "password" },
		{ "KISCSI_USERNAME_IN", "username_in" },
		{ "KISCSI_PASSWORD_IN", "password_in" },
		{ "KISCSI_CHAP_ALGORITHMS", "chap_algorithms" },
	};
	size_t i;
	int r;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i][0]);

		if (!v)
			continue;
		r = set_key(a, vars[i][1], v, vars[i][0], err);
		if (r)
			return r;
	}
	return 0;
}

#define AUTH_FILE_MAX	8192

int kiscsi_chap_auth_load_file(const char *path, struct kiscsi_chap_auth *a,
			       struct kiscsi_error *err)
{
	char buf[AUTH_FILE_MAX + 1], *line, *save = NULL;
	unsigned int seen = 0;
	struct stat st;
	ssize_t n;
	int fd, lineno = 0, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot open %s: %s",
				  path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "%s is not a regular file", path);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "refusing %s: other users can access it (mode %04o); chmod 600 it",
				  path, (unsigned int)(st.st_mode & 07777));
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		close(fd);
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "refusing %s: owned by uid %u, not by you or root",
				  path, (unsigned int)st.st_uid);
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return kiscsi_err(err, KISCSI_E_GENERIC, "cannot read %s: %s",
				  path, strerror(errno));
	if (n > AUTH_FILE_MAX) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return kiscsi_err(err, KISCSI_E_GENERIC,
				  "%s is larger than %d bytes", path,
				  AUTH_FILE_MAX);
	}
	buf[n] = '\0';

	for (line = strtok_r(buf, "\n", &save); line && !r;
	     line = strtok_r(NULL, "\n", &save)) {
		static const char *const keys[] = {
			"username", "password", "username_in", "password_in",
			"chap_algorithms",
		};
		char *eq, where[300];
		size_t k, l = strlen(line);

		lineno++;
		if (l && line[l - 1] == '\r')
			line[--l] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		snprintf(where, sizeof(where), "%s line %d", path, lineno);
		eq = strchr(line, '=');
		if (!eq) {
			r = kiscsi_err(err, KISCSI_E_INVAL,
				       "%s: expected key=value", where);
			break;
		}
		*eq = '\0';
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(line, keys[k]))
				break;
		if (k == sizeof(keys) / sizeof(keys[0])) {
			r = kiscsi_err(err, KISCSI_E_INVAL,
				       "%s: unknown key '%.40s' (username, password, username_in, password_in, chap_algorithms)",
				       where, line);
			break;
		}
		if (seen & (1u << k)) {
			r = kiscsi_err(err, KISCSI_E_INVAL,
				       "%s: key %s given twice", where, line);
			break;
		}
		seen |= 1u << k;
		r = set_key(a, line, eq + 1, where, err);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return r;
}

int kiscsi_chap_auth_check(const struct kiscsi_chap_auth *a, char *warn,
			   size_t warnlen, struct kiscsi_error *err)
{
	if (warn && warnlen)
		warn[0] = '\0';
	if (!a->username[0] && !a->password[0] && !a->username_in[0] &&
	    !a->password_in[0])
		return 0;
	if (!a->username[0] || !a->password[0])
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "CHAP needs both a username and a password");
	if (!a->username_in[0] != !a->password_in[0])
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "mutual CHAP needs both username_in and password_in");
	if (a->password_in[0] && !strcmp(a->password, a->password_in))
		return kiscsi_err(err, KISCSI_E_INVAL,
				  "mutual CHAP with the same secret in both directions is refused (RFC 7143 section 12.1.3): use two different secrets");
	if (warn && (strlen(a->password) < KISCSI_CHAP_SECRET_MIN ||
		     (a->password_in[0] &&
		      strlen(a->password_in) < KISCSI_CHAP_SECRET_MIN)))
		snprintf(warn, warnlen,
			 "a CHAP secret is shorter than %d bytes; RFC 7143 asks for at least %d (96 bits)",
			 KISCSI_CHAP_SECRET_MIN, KISCSI_CHAP_SECRET_MIN);
	return 0;
}

void kiscsi_chap_auth_clear(struct kiscsi_chap_auth *a)
{
	OPENSSL_cleanse(a, sizeof(*a));
}

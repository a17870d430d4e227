// SPDX-License-Identifier: LGPL-2.1-or-later
/* SendTargets answers (RFC 7143, section 13.3 and appendix C). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "negotiate.h"
#include "sendtargets.h"

int kiscsi_target_address_parse(const char *v, struct kiscsi_target_portal *tp)
{
	char buf[KISCSI_VALUE_MAX + 1];
	struct kiscsi_portal p;
	char *comma;
	uint64_t n;

	memset(tp, 0, sizeof(*tp));
	tp->tpgt = -1;
	if (strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	comma = strrchr(buf, ',');
	if (comma) {
		*comma = '\0';
		if (kiscsi_parse_num(comma + 1, &n) || n > 65535)
			return -1;
		tp->tpgt = (int32_t)n;
	}
	if (kiscsi_portal_parse(buf, &p, NULL))
		return -1;
	snprintf(tp->addr, sizeof(tp->addr), "%s", p.host);
	tp->port = p.port;
	return 0;
}

void kiscsi_target_list_free(struct kiscsi_target_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->ntargets; i++)
		free(l->targets[i].portals);
	free(l->targets);
	memset(l, 0, sizeof(*l));
}

/* A name is shown and sent back in a login: no control characters. */
static int name_ok(const char *v)
{
	size_t len = strlen(v);

	if (len == 0 || len > KISCSI_NAME_MAX)
		return 0;
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

int kiscsi_sendtargets_parse(const struct kiscsi_kvlist *kv,
			     struct kiscsi_target_list *out, char *errbuf,
			     size_t errlen)
{
	struct kiscsi_target *cur = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < kv->n; i++) {
		const char *k = kv->kv[i].key, *v = kv->kv[i].value;

		if (!strcmp(k, "TargetName")) {
			struct kiscsi_target *t;

			if (!name_ok(v)) {
				snprintf(errbuf, errlen,
					 "invalid TargetName in SendTargets answer");
				goto fail;
			}
			t = realloc(out->targets,
				    (out->ntargets + 1) * sizeof(*t));
			if (!t)
				goto nomem;
			out->targets = t;
			cur = &t[out->ntargets++];
			memset(cur, 0, sizeof(*cur));
			strcpy(cur->name, v);
		} else if (!strcmp(k, "TargetAddress")) {
			struct kiscsi_target_portal tp, *np;

			if (!cur) {
				snprintf(errbuf, errlen,
					 "TargetAddress before any TargetName");
				goto fail;
			}
			if (kiscsi_target_address_parse(v, &tp)) {
				snprintf(errbuf, errlen,
					 "invalid TargetAddress '%.64s'", v);
				goto fail;
			}
			np = realloc(cur->portals,
				     (cur->nportals + 1) * sizeof(*np));
			if (!np)
				goto nomem;
			cur->portals = np;
			np[cur->nportals++] = tp;
		} else if (!strcmp(k, "TargetAlias")) {
			continue;
		} else if (kiscsi_value_is_special(v)) {
			/* e.g. SendTargets=Reject/Irrelevant */
			snprintf(errbuf, errlen, "target answered %s=%s", k, v);
			goto fail;
		}
		/* other keys: ignore */
	}
	return 0;
nomem:
	snprintf(errbuf, errlen, "out of memory");
fail:
	kiscsi_target_list_free(out);
	return -1;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi session [--json]: list the kernel's sessions. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kiscsi.h>

#include "cli.h"
#include "json.h"

static void help(void)
{
	printf("Usage: %s session [--json]\n\n"
	       "List the active sessions: id, SCSI host, target, portal, state and the\n"
	       "negotiated parameters.  With no session, prints 'no active sessions'\n"
	       "and exits 0 (open-iscsi exits 21 there).\n\n"
	       "Options:\n"
	       "  -j, --json   print JSON instead\n"
	       "  -h, --help   this help\n", prog);
	print_exit_codes();
}

static const char *yesno(bool b)
{
	return b ? "Yes" : "No";
}

static const char *dg(uint8_t d)
{
	return d == KISCSI_DIGEST_CRC32C ? "CRC32C" : "None";
}

static void isid_hex(const struct kiscsi_session_info *s, char *buf)
{
	if (!s->has_isid) {
		strcpy(buf, "-");
		return;
	}
	sprintf(buf, "%02x%02x%02x%02x%02x%02x", s->isid[0], s->isid[1],
		s->isid[2], s->isid[3], s->isid[4], s->isid[5]);
}

static void print_text(const struct kiscsi_session_info *s)
{
	const struct kiscsi_params *p = &s->params;
	char where[KISCSI_ADDR_MAX + 16], isid[16], rtmo[16];
	int i;

	kiscsi_portal_format(s->portal_addr, s->portal_port, where,
			     sizeof(where));
	isid_hex(s, isid);
	printf("session %u", s->session_id);
	if (s->host_no != UINT32_MAX)
		printf(" (host %u)", s->host_no);
	printf(": %s at %s", s->target_name, where);
	if (s->tpgt >= 0)
		printf(",%d", (int)s->tpgt);
	printf(" [%s]\n", kiscsi_session_state_name(s->state));
	printf("  initiator %s, ISID %s, TSIH %u", s->initiator_name, isid,
	       s->tsih);
	if (s->iface_name[0] && strcmp(s->iface_name, "default"))
		printf(", interface %s", s->iface_name);
	if (s->boot.root[0])
		printf(", boot firmware %s %s %s", s->boot.root, s->boot.nic,
		       s->boot.target);
	printf("\n");
	if (s->local_addr[0] || s->target_addr[0]) {
		char l[KISCSI_ADDR_MAX + 16], t[KISCSI_ADDR_MAX + 16];

		kiscsi_portal_format(s->local_addr, s->local_port, l, sizeof(l));
		kiscsi_portal_format(s->target_addr, s->target_port, t,
				     sizeof(t));
		printf("  connection %s -> %s\n", l, t);
	}
	printf("  HeaderDigest=%s DataDigest=%s MaxRecvDataSegmentLength=%u MaxXmitDataSegmentLength=%u\n",
	       dg(p->header_digest), dg(p->data_digest), p->max_recv_dlen,
	       p->max_xmit_dlen);
	printf("  FirstBurstLength=%u MaxBurstLength=%u MaxOutstandingR2T=%u ImmediateData=%s InitialR2T=%s\n",
	       p->first_burst, p->max_burst, p->max_r2t, yesno(p->immediate_data),
	       yesno(p->initial_r2t));
	printf("  DataPDUInOrder=%s DataSequenceInOrder=%s ErrorRecoveryLevel=%u DefaultTime2Wait=%u DefaultTime2Retain=%u\n",
	       yesno(p->data_pdu_in_order), yesno(p->data_seq_in_order), p->erl,
	       p->time2wait, p->time2retain);
	if (s->recovery_tmo == UINT32_MAX)
		snprintf(rtmo, sizeof(rtmo), "off");
	else
		snprintf(rtmo, sizeof(rtmo), "%u s", s->recovery_tmo);
	printf("  queue depth %u, recovery timeout %s, NOP interval %u s, NOP timeout %u s, TMF timeout %u s\n",
	       s->queue_depth, rtmo, s->nop_interval, s->nop_timeout,
	       s->tmf_timeout);
	if (s->has_stats) {
		printf("  stats:");
		for (i = 0; i < KISCSI_STAT_MAX + 1; i++)
			if (kiscsi_stat_name(i))
				printf(" %s=%llu", kiscsi_stat_name(i),
				       (unsigned long long)s->stats[i]);
		printf("\n");
	}
}

static void print_json(const struct kiscsi_session_info *v, size_t n)
{
	struct json j;
	size_t k;
	int i;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_arr_begin(&j, "sessions");
	for (k = 0; k < n; k++) {
		const struct kiscsi_session_info *s = &v[k];
		const struct kiscsi_params *p = &s->params;
		char isid[16];

		isid_hex(s, isid);
		json_obj_begin(&j, NULL);
		json_uint(&j, "id", s->session_id);
		if (s->host_no != UINT32_MAX)
			json_uint(&j, "host", s->host_no);
		else
			json_null(&j, "host");
		json_str(&j, "state", kiscsi_session_state_name(s->state));
		json_str(&j, "target", s->target_name);
		json_str(&j, "initiator", s->initiator_name);
		json_str(&j, "portal_address", s->portal_addr);
		json_uint(&j, "portal_port", s->portal_port);
		if (s->tpgt >= 0)
			json_uint(&j, "tpgt", (uint64_t)s->tpgt);
		else
			json_null(&j, "tpgt");
		json_str(&j, "isid", isid);
		json_uint(&j, "tsih", s->tsih);
		json_str(&j, "interface", s->iface_name[0] ? s->iface_name :
			 "default");
		if (s->boot.root[0]) {
			json_obj_begin(&j, "boot");
			json_str(&j, "root", s->boot.root);
			json_str(&j, "nic", s->boot.nic);
			json_str(&j, "target", s->boot.target);
			json_obj_end(&j);
		} else {
			json_null(&j, "boot");
		}
		json_str(&j, "local_address", s->local_addr);
		json_uint(&j, "local_port", s->local_port);
		json_str(&j, "target_address", s->target_addr);
		json_uint(&j, "target_port", s->target_port);
		json_uint(&j, "queue_depth", s->queue_depth);
		/* null: off (sysfs recovery_tmo "off"), never times out */
		if (s->recovery_tmo == UINT32_MAX)
			json_null(&j, "recovery_timeout");
		else
			json_uint(&j, "recovery_timeout", s->recovery_tmo);
		json_uint(&j, "nop_interval", s->nop_interval);
		json_uint(&j, "nop_timeout", s->nop_timeout);
		json_uint(&j, "tmf_timeout", s->tmf_timeout);
		json_obj_begin(&j, "parameters");
		json_str(&j, "HeaderDigest", dg(p->header_digest));
		json_str(&j, "DataDigest", dg(p->data_digest));
		json_uint(&j, "MaxRecvDataSegmentLength", p->max_recv_dlen);
		json_uint(&j, "MaxXmitDataSegmentLength", p->max_xmit_dlen);
		json_uint(&j, "FirstBurstLength", p->first_burst);
		json_uint(&j, "MaxBurstLength", p->max_burst);
		json_uint(&j, "MaxOutstandingR2T", p->max_r2t);
		json_bool(&j, "ImmediateData", p->immediate_data);
		json_bool(&j, "InitialR2T", p->initial_r2t);
		json_bool(&j, "DataPDUInOrder", p->data_pdu_in_order);
		json_bool(&j, "DataSequenceInOrder", p->data_seq_in_order);
		json_uint(&j, "ErrorRecoveryLevel", p->erl);
		json_uint(&j, "DefaultTime2Wait", p->time2wait);
		json_uint(&j, "DefaultTime2Retain", p->time2retain);
		json_obj_end(&j);
		if (s->has_stats) {
			json_obj_begin(&j, "stats");
			for (i = 0; i < KISCSI_STAT_MAX + 1; i++)
				if (kiscsi_stat_name(i))
					json_uint(&j, kiscsi_stat_name(i),
						  s->stats[i]);
			json_obj_end(&j);
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
}

int cmd_session(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct kiscsi_session_info *list;
	struct kiscsi_error err;
	bool json = false;
	size_t n, i;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("session", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("session", "unexpected argument '%s'",
				   argv[optind]);
	if (kiscsi_session_list(&list, &n, &err))
		return fail(&err);
	if (json)
		print_json(list, n);
	else if (!n)
		printf("no active sessions\n");
	for (i = 0; !json && i < n; i++)
		print_text(&list[i]);
	free(list);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* kiscsi monitor: print kiscsi.ko's events (netlink "events" group). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "netlink.h"

static void help(void)
{
	printf("Usage: %s monitor [--json] [--count N] [--timeout S]\n\n"
	       "Print every event kiscsi.ko sends, one per line, as it happens:\n"
	       "sessions created and destroyed, connection failures and their\n"
	       "reason, async messages and Rejects from targets, task management\n"
	       "requests and rescans.  Prints 'listening' on stderr once subscribed.\n\n"
	       "Options:\n"
	       "  -j, --json        one JSON object per line\n"
	       "  -c, --count N     exit after N events\n"
	       "  -t, --timeout S   exit after S seconds (status 0)\n"
	       "  -h, --help        this help\n", prog);
	print_exit_codes();
}

static void print_text(const struct kiscsi_event_msg *ev)
{
	printf("%s session %u (host %u) %s at %s:%u", kiscsi_event_name(ev->event),
	       ev->session_id, ev->host_no, ev->target_name, ev->portal_addr,
	       ev->portal_port);
	if (ev->reason)
		printf(" reason=%s", kiscsi_conn_error_name(ev->reason));
	if (ev->time2wait >= 0)
		printf(" time2wait=%d", ev->time2wait);
	if (ev->outage_ms >= 0)
		printf(" outage_ms=%lld", (long long)ev->outage_ms);
	if (ev->has_async)
		printf(" async_event=%u vcode=%u params=%u,%u,%u",
		       ev->async_event, ev->async_vcode, ev->async_param[0],
		       ev->async_param[1], ev->async_param[2]);
	if (ev->sense_len)
		printf(" sense_len=%zu", ev->sense_len);
	if (ev->reject_reason >= 0)
		printf(" reject_reason=0x%02x rejected_opcode=0x%02x",
		       ev->reject_reason, ev->reject_opcode);
	if (ev->tmf_function >= 0)
		printf(" tmf_function=%d tmf_response=0x%02x",
		       ev->tmf_function, ev->tmf_response);
	printf("\n");
}

static void print_json(const struct kiscsi_event_msg *ev)
{
	char hex[2 * sizeof(ev->sense) + 1];
	struct json j;
	size_t i;

	json_init(&j, stdout);
	j.compact = true;
	json_obj_begin(&j, NULL);
	json_str(&j, "event", kiscsi_event_name(ev->event));
	json_uint(&j, "session", ev->session_id);
	json_uint(&j, "host", ev->host_no);
	json_str(&j, "target", ev->target_name);
	json_str(&j, "portal_address", ev->portal_addr);
	json_uint(&j, "portal_port", ev->portal_port);
	if (ev->reason)
		json_str(&j, "reason", kiscsi_conn_error_name(ev->reason));
	if (ev->time2wait >= 0)
		json_uint(&j, "time2wait", (uint64_t)ev->time2wait);
	if (ev->outage_ms >= 0)
		json_uint(&j, "outage_ms", (uint64_t)ev->outage_ms);
	if (ev->has_async) {
		json_uint(&j, "async_event", ev->async_event);
		json_uint(&j, "async_vcode", ev->async_vcode);
		json_uint(&j, "async_param1", ev->async_param[0]);
		json_uint(&j, "async_param2", ev->async_param[1]);
		json_uint(&j, "async_param3", ev->async_param[2]);
	}
	if (ev->sense_len) {
		for (i = 0; i < ev->sense_len; i++)
			sprintf(hex + 2 * i, "%02x", ev->sense[i]);
		json_str(&j, "sense", hex);
	}
	if (ev->reject_reason >= 0) {
		json_uint(&j, "reject_reason", (uint64_t)ev->reject_reason);
		json_uint(&j, "rejected_opcode", ev->reject_opcode);
	}
	if (ev->tmf_function >= 0) {
		json_uint(&j, "tmf_function", (uint64_t)ev->tmf_function);
		json_uint(&j, "tmf_response", (uint64_t)ev->tmf_response);
	}
	json_obj_end(&j);
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long count = 0, timeout = 0, seen = 0, v;
	struct kiscsi_event_msg ev;
	struct kiscsi_error err;
	struct kiscsi_nl n;
	bool json = false;
	time_t end = 0;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jc:t:h", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'c':
			if (parse_uint(optarg, 1, 1000000, &v))
				return usage_error("monitor",
						   "--count must be 1-1000000, not '%s'",
						   optarg);
			count = v;
			break;
		case 't':
			if (parse_uint(optarg, 1, 86400, &v))
				return usage_error("monitor",
						   "--timeout must be 1-86400 seconds, not '%s'",
						   optarg);
			timeout = v;
			break;
		case 'h':
			help();
			return 0;
		default:
			return bad_option("monitor", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("monitor", "unexpected argument '%s'",
				   argv[optind]);

	if (kiscsi_events_open(&n, &err))
		return fail(&err);
	fprintf(stderr, "%s: listening for kiscsi events\n", prog);
	if (timeout)
		end = time(NULL) + (time_t)timeout;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		int wait_ms = -1;

		if (end) {
			time_t now = time(NULL);

			if (now >= end)
				break;
			wait_ms = (int)(end - now) * 1000;
		}
		r = kiscsi_events_read(&n, &ev, wait_ms, &err);
		if (r < 0) {
			kiscsi_nl_close(&n);
			return fail(&err);
		}
		if (r == 0)
			continue;
		if (json)
			print_json(&ev);
		else
			print_text(&ev);
		if (count && ++seen >= count)
			break;
	}
	kiscsi_nl_close(&n);
	return 0;
}

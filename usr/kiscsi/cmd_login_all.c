// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kiscsi login --all: log in to every node record with startup=automatic
 * (what a boot script runs), each in its own child process so a slow or
 * dead portal does not hold up the others.  Nodes with a session already
 * are skipped, never logged in twice.  One line per node; the exit status
 * is that of the first node that failed, 0 if none did.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "host_disks.h"
#include "node.h"

bool has_all_option(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a"))
			return true;
	}
	return false;
}

static void help(void)
{
	printf("Usage: %s login --all [--jobs N]\n\n"
	       "Log in to every node record (see 'kiscsi node') whose startup is\n"
	       "automatic, using each record's settings and secrets.  Logins run in\n"
	       "parallel, up to N at a time (default 16).  A node that already has a\n"
	       "session (same target, portal and interface) is skipped.  Prints one\n"
	       "line per node: 'TARGET at PORTAL: session ID (host N)', '...: already\n"
	       "logged in (session ID)', or the error on stderr.  No automatic node: prints\n"
	       "'no automatic nodes', exit 0.  If any login failed, the exit status is\n"
	       "that of the first node (in list order) that failed.\n\n"
	       "Options:\n"
	       "  -a, --all        required\n"
	       "  -j, --jobs N     logins at the same time, 1-256 (default 16)\n"
	       "  -h, --help       this help\n", prog);
	print_exit_codes();
}

/*
 * The session went the node's way: the same interface ("default" when the
 * node names none) and, if the node binds one, the same source address.
 * A kernel that does not report the interface matches any.
 */
static bool session_on_path(const struct kiscsi_session_info *s,
			    const struct kiscsi_settings *set)
{
	const char *want = set->iface[0] ? set->iface : "default";

	if (s->iface_name[0] && strcmp(s->iface_name, want))
		return false;
	return !set->source[0] || !strcmp(s->local_addr, set->source);
}

struct job {
	const struct kiscsi_node *node;
	pid_t pid;
	int fd;			/* read end of the child's result pipe */
	int code;		/* exit status, -1 while running */
	char line[1200];	/* the child's one line */
	bool skipped;
};

/* The child: log in, hand over, report one line on fd, exit with the code. */
static void __attribute__((noreturn))
login_child(const struct kiscsi_node *n, int fd)
{
	struct kiscsi_login_result res;
	struct kiscsi_error err;
	struct kiscsi_opts opts;
	char where[KISCSI_HOST_MAX + 16], line[1200], warn[160];
	uint32_t sid, host;
	int r;

	kiscsi_opts_init(&opts);
	kiscsi_settings_apply(&n->settings, &opts);
	/* the record's secrets: CHAP when it has a username */
	snprintf(opts.chap.username, sizeof(opts.chap.username), "%s",
		 n->username);
	snprintf(opts.chap.password, sizeof(opts.chap.password), "%s",
		 n->password);
	snprintf(opts.chap.username_in, sizeof(opts.chap.username_in), "%s",
		 n->username_in);
	snprintf(opts.chap.password_in, sizeof(opts.chap.password_in), "%s",
		 n->password_in);
	kiscsi_portal_format(n->portal.host, n->portal.port, where,
			     sizeof(where));
	r = kiscsi_chap_auth_check(&opts.chap, warn, sizeof(warn), &err);
	if (!r)
		r = kiscsi_session_login(&n->portal, n->target, &opts, &res,
					 &sid, &host, &err);
	kiscsi_chap_auth_clear(&opts.chap);
	if (r == -KISCSI_E_EXISTS) {
		/* logged in since the parent looked: not a failure */
		snprintf(line, sizeof(line), "%s at %s: already logged in (session %u)",
			 n->target, where, sid);
		r = 0;
	} else if (r) {
		/* every line must say which node it is about */
		if (strstr(err.msg, n->target))
			snprintf(line, sizeof(line), "%s", err.msg);
		else
			snprintf(line, sizeof(line), "login to %s at %s: %s",
				 n->target, where, err.msg);
		r = err.code ? err.code : 1;
	} else {
		if (host != UINT32_MAX)
			snprintf(line, sizeof(line), "%s at %s: session %u (host %u)",
				 n->target, where, sid, host);
		else
			snprintf(line, sizeof(line), "%s at %s: session %u",
				 n->target, where, sid);
		if (opts.scsi_timeout && host != UINT32_MAX &&
		    kiscsi_host_set_scsi_timeout(host, opts.scsi_timeout, &err))
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 " (warning: %s)", err.msg);
		if (warn[0])
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 " (warning: %s)", warn);
	}
	if (write(fd, line, strlen(line)) < 0)
		r = r ? r : 1;
	_exit(r);
}

static int start(struct job *j)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (j->pid == 0) {
		close(p[0]);
		login_child(j->node, p[1]);
	}
	close(p[1]);
	j->fd = p[0];
	return 0;
}

/* Collect one finished child's line and status. */
static void reap(struct job *jobs, size_t n)
{
	int status;
	pid_t pid;
	size_t i;

	do {
		pid = waitpid(-1, &status, 0);
	} while (pid < 0 && errno == EINTR);
	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		ssize_t got;

		if (j->pid != pid || pid <= 0)
			continue;
		got = read(j->fd, j->line, sizeof(j->line) - 1);
		j->line[got > 0 ? got : 0] = '\0';
		close(j->fd);
		if (WIFEXITED(status))
			j->code = WEXITSTATUS(status);
		else
			j->code = KISCSI_E_GENERIC;
		if (!j->line[0])
			snprintf(j->line, sizeof(j->line),
				 "login to %s at %s:%u: the login process died (status %d)",
				 j->node->target, j->node->portal.host,
				 j->node->portal.port, status);
		return;
	}
}

static void report_bad(const struct kiscsi_error *e, void *arg)
{
	int *bad = arg;

	fprintf(stderr, "%s: skipping a node record: %s\n", prog, e->msg);
	if (!*bad)
		*bad = e->code ? e->code : 1;
}

int cmd_login_all(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct kiscsi_session_info *sessions = NULL;
	struct kiscsi_node *nodes = NULL;
	struct kiscsi_identity id;
	struct kiscsi_error err;
	char where[KISCSI_HOST_MAX + 16];
	struct job *jobs;
	size_t nnodes, nsess, njobs = 0, running = 0, next = 0, i, k;
	unsigned long max_jobs = 16;
	int c, ret = 0, bad = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":aj:h", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			break;
		case 'j':
			if (parse_uint(optarg, 1, 256, &max_jobs))
				return usage_error("login",
						   "--jobs must be 1-256, not '%s'",
						   optarg);
			break;
		case 'h':
			help();
			return 0;
		default:
			if (c == ':' || c == '?')
				return usage_error("login",
						   "'%s' cannot be combined with --all (use 'kiscsi node add' to give a node settings)",
						   argv[optind - 1]);
			return bad_option("login", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("login", "unexpected argument '%s'",
				   argv[optind]);

	/* created before any fork, not by racing children */
	if (kiscsi_identity_load(&id, &err))
		return fail(&err);
	if (kiscsi_node_list(&nodes, &nnodes, report_bad, &bad, &err))
		return fail(&err);
	if (kiscsi_session_list(&sessions, &nsess, &err)) {
		free(nodes);
		return fail(&err);
	}
	jobs = calloc(nnodes ? nnodes : 1, sizeof(*jobs));
	if (!jobs) {
		free(nodes);
		free(sessions);
		fprintf(stderr, "%s: out of memory\n", prog);
		return KISCSI_E_GENERIC;
	}
	for (i = 0; i < nnodes; i++) {
		struct job *j;

		if (nodes[i].startup != KISCSI_STARTUP_AUTOMATIC)
			continue;
		j = &jobs[njobs++];
		j->node = &nodes[i];
		j->code = -1;
		j->fd = -1;
		kiscsi_portal_format(nodes[i].portal.host, nodes[i].portal.port,
				     where, sizeof(where));
		for (k = 0; k < nsess; k++) {
			if (strcmp(sessions[k].target_name, nodes[i].target) ||
			    !session_at_portal(&sessions[k], &nodes[i].portal) ||
			    !session_on_path(&sessions[k], &nodes[i].settings))
				continue;
			j->skipped = true;
			j->code = 0;
			snprintf(j->line, sizeof(j->line),
				 "%s at %s: already logged in (session %u)",
				 nodes[i].target, where, sessions[k].session_id);
			break;
		}
	}

	/* run them, at most max_jobs at a time */
	while (next < njobs || running) {
		while (next < njobs && running < max_jobs) {
			struct job *j = &jobs[next++];

			if (j->skipped)
				continue;
			if (start(j)) {
				j->code = KISCSI_E_GENERIC;
				snprintf(j->line, sizeof(j->line),
					 "login to %s: cannot start a process: %s",
					 j->node->target, strerror(errno));
				continue;
			}
			running++;
		}
		if (running) {
			reap(jobs, njobs);
			running--;
		}
	}

	for (i = 0; i < njobs; i++) {
		if (jobs[i].code == 0) {
			printf("%s\n", jobs[i].line);
			continue;
		}
		fprintf(stderr, "%s: %s\n", prog, jobs[i].line);
		if (!ret)
			ret = jobs[i].code;
	}
	if (!njobs)
		printf("no automatic nodes\n");
	free(jobs);
	free(nodes);
	free(sessions);
	return ret ? ret : bad;
}

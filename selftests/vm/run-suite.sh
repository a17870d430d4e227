#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the VM tests (selftests/vm/tests/NN-name.sh) inside a test guest and
# print TAP:
#   scripts/vm/run.sh --kernel KVER -- selftests/vm/run-suite.sh [PATTERN...]
#
# PATTERNs (shell globs on the test name, e.g. '4*' or '*fio*') pick tests;
# KISCSI_TESTS="PATTERN ..." does the same from the environment; patterns
# that pick no test fail the run.  KISCSI_LANE (6.1, 6.12 or debug) keeps
# the tests whose '# lanes:' line names that lane (see below); unset or
# "all", every test runs.  Each test runs in its own bash with a timeout (a
# '# timeout: SECONDS' line in the test, default 300 s, multiplied by
# KISCSI_TIMEOUT_SCALE, default 1).  Exit 0 passes, 4 skips (kselftest's
# KSFT_SKIP), anything else fails.
#
# Lanes (make check runs three suites; see scripts/check.sh): every test
# has a line '# lanes: 6.12 6.1 debug' naming some of the three.  6.12
# runs everything that can run there; 6.1 what its own code paths touch
# (sendpage, the never-sleeping queuecommand, its compat code) and a smoke
# test of each area; debug every test that drives kernel code, and what
# needs its options (KUnit); userspace-only behaviour needs one lane.
#
# After each test and its cleanup the kernel log of that window is scanned
# for kernel reports (BUG, WARNING, Oops, KASAN, UBSAN, lockdep, sleeping
# in atomic context, GPF, hung tasks, kmemleak) and the taint flags are
# checked: any of them fails the test, so a report from a logout or rmmod
# in the cleanup counts against the test that left the work behind.  A
# test that leaves a session behind fails, and so does one whose leftovers
# cannot be logged out.  Lockdep switches itself off after its first
# report: from then on every test says so and the suite fails.  The last
# TAP line checks the kernel log outside every test (boot, between tests).
#
# Tests get KISCSI_ROOT, KVER, KISCSI_KO, KISCSI, KISCSI_SCRATCH (a fresh
# directory per test) and KISCSI_TEST (the test's name).  With KISCSI_SHARE
# set (run.sh sets it) the summary goes to $KISCSI_SHARE/summary and each
# test's log to $KISCSI_SHARE/tests/NAME.log.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export KISCSI_ROOT=${KISCSI_ROOT:-$(cd "$here/../.." && pwd)}
export KVER=${KVER:-$(uname -r)}
export KISCSI_KO=${KISCSI_KO:-$KISCSI_ROOT/build/kernel/$KVER/kiscsi.ko}
export KISCSI=${KISCSI:-$KISCSI_ROOT/build/bin/kiscsi}
scratch_base=${KISCSI_SCRATCH:-/tmp/kiscsi-scratch}
scale=${KISCSI_TIMEOUT_SCALE:-1}
share=${KISCSI_SHARE:-}

patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || read -r -a patterns <<<"${KISCSI_TESTS:-}"

# The harness itself forks as little as it can: on the debug (KASAN,
# lockdep) kernel under TCG every exec costs most of a second.

# header_line FILE KEY: the value of the first '# KEY: value' line.
header_line() {
	local line
	while IFS= read -r line; do
		if [[ $line == "# $2:"* ]]; then
			line=${line#"# $2:"}
			echo "${line# }"
			return 0
		fi
	done <"$1"
}

# scan_procs: one pass over /proc (no forks: on the debug kernel each
# costs most of a second) into the pid lists P_iscsid, P_fio, P_tgtd and
# P_helpers (scripted targets, kiscsi_target.py under python3, and event
# monitors, kiscsi monitor).
scan_procs() {
	local d comm args
	P_iscsid=() P_fio=() P_tgtd=() P_helpers=()
	for d in /proc/[0-9]*; do
		read -r comm 2>/dev/null <"$d/comm" || continue
		case "$comm" in
		iscsid) P_iscsid+=("${d#/proc/}") ;;
		fio) P_fio+=("${d#/proc/}") ;;
		tgtd) P_tgtd+=("${d#/proc/}") ;;
		python3|kiscsi)
			mapfile -d '' args 2>/dev/null <"$d/cmdline" || continue
			if [[ ${args[1]:-} == *kiscsi_target.py ]] ||
			   [[ ${args[0]:-} == */kiscsi && ${args[1]:-} == monitor ]]; then
				P_helpers+=("${d#/proc/}")
			fi
			;;
		esac
	done
}

lane=${KISCSI_LANE:-all}
case "$lane" in
all|6.1|6.12|debug) ;;
*) echo "run-suite.sh: KISCSI_LANE=$lane: not 6.1, 6.12, debug or all" >&2; exit 2 ;;
esac

tests=() off_lane=()
for t in "$here"/tests/[0-9]*.sh; do
	n=$(basename "$t" .sh)
	if [ ${#patterns[@]} -gt 0 ]; then
		m=0
		for p in "${patterns[@]}"; do
			# shellcheck disable=SC2053
			[[ $n == $p ]] && m=1
		done
		[ "$m" = 1 ] || continue
	fi
	lanes=" $(header_line "$t" lanes) "
	if [[ $lanes == *[0-9a-z]* ]] && [ "$lane" != all ] &&
	   [[ $lanes != *" $lane "* ]]; then
		off_lane+=("$n")
		continue
	fi
	tests+=("$t")
done

# Kernel messages that fail the running test.
bad_re='BUG:|WARNING:|Oops|KASAN|UBSAN|lockdep is turned off|DEBUG_LOCKS_WARN_ON|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|general protection fault|blocked for more than|Kernel panic|kernel BUG|list_add corruption|list_del corruption|refcount_t:|kmemleak: [0-9]+ new suspected'
# Taint flags that mean the kernel reported a problem: B bad page (5),
# D died (7), W warning (9), L soft lockup (14).
taint_mask=$(((1 << 5) | (1 << 7) | (1 << 9) | (1 << 14)))

# session_names: the iSCSI sessions there are, in S_left (one line).
session_names() {
	local s
	S_left=
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] && S_left+="${s##*/} "
	done
	return 0
}

# cleanup_after: end whatever the test left behind.  What was left over
# (the test fails on it) and each cleanup step that failed go into the
# array leftovers, one line each.
cleanup_after() {
	leftovers=()
	session_names
	if [ -n "$S_left" ]; then
		leftovers+=("sessions left behind: $S_left")
		if [ -x "$KISCSI" ] && [ -d /sys/module/kiscsi ] &&
		   ! timeout 60 "$KISCSI" logout --all --force >/dev/null 2>&1; then
			leftovers+=("'kiscsi logout --all --force' of them failed or hung")
		fi
	fi
	scan_procs
	if [ ${#P_iscsid[@]} -gt 0 ]; then
		timeout 60 iscsiadm -m node --logoutall=all >/dev/null 2>&1
		kill "${P_iscsid[@]}" 2>/dev/null
	fi
	session_names
	[ -z "$S_left" ] || leftovers+=("sessions still there after the cleanup: $S_left")
	[ ${#P_fio[@]} -eq 0 ] || kill "${P_fio[@]}" 2>/dev/null
	# scripted targets and event monitors: their ports and sockets must
	# be free for the next test
	if [ ${#P_helpers[@]} -gt 0 ]; then
		kill "${P_helpers[@]}" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "${P_helpers[@]}" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "${P_helpers[@]}" 2>/dev/null
	fi
	if [ ${#P_tgtd[@]} -gt 0 ] || compgen -G '/dev/shm/kiscsi-tgt*' >/dev/null; then
		timeout 60 "$KISCSI_ROOT/scripts/targets/tgtd.sh" stop >/dev/null 2>&1
	fi
	if compgen -G '/sys/kernel/config/target/iscsi/*/tpgt_1' >/dev/null; then
		timeout 60 "$KISCSI_ROOT/scripts/targets/lio.sh" stop >/dev/null 2>&1
	fi
	return 0
}

# lockdep_on: 0 once lockdep has switched itself off (after its first
# report, or when one of its tables is full); 1 on, or no lockdep.
lockdep_on() {
	local k v
	[ -r /proc/lockdep_stats ] || { echo 1; return; }
	while read -r k v; do
		[ "$k" = "debug_locks:" ] && { echo "$v"; return; }
	done </proc/lockdep_stats
	echo 1
}

echo "TAP version 13"
echo "# kiscsi VM suite on $(uname -r) (KVER=$KVER, lane $lane), $(nproc) CPUs, $(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024)) MiB"
[ ${#off_lane[@]} -eq 0 ] || echo "# not in lane $lane: ${off_lane[*]}"
if [ ${#tests[@]} -eq 0 ]; then
	echo "1..1"
	echo "not ok 1 - no test matches '${patterns[*]}' in lane $lane"
	exit 1
fi
# one line per test, then one for the kernel log outside every test
echo "1..$((${#tests[@]} + 1))"
lockdep_was=$(lockdep_on)
lockdep_off_in=
suite_start=$SECONDS
pass=0 fail=0 skipped=0 n=0
failed=()
[ -z "$share" ] || mkdir -p "$share/tests"

for t in "${tests[@]}"; do
	n=$((n + 1))
	name=$(basename "$t" .sh)
	lanes=" $(header_line "$t" lanes) "
	if ! [[ $lanes =~ ^(\ (6\.12|6\.1|debug))+\ $ ]]; then
		echo "not ok $n - $name # no '# lanes:' line naming 6.12, 6.1 or debug: every test names its lanes"
		fail=$((fail + 1))
		failed+=("$name")
		continue
	fi
	tmo=$(header_line "$t" timeout)
	tmo=${tmo%% *}
	tmo=$((${tmo:-300} * scale))
	export KISCSI_TEST=$name
	export KISCSI_SCRATCH=$scratch_base/$name
	rm -rf "$KISCSI_SCRATCH"
	mkdir -p "$KISCSI_SCRATCH"
	log=$KISCSI_SCRATCH.log
	read -r taint0 </proc/sys/kernel/tainted
	# check.sh names this test if the suite runs out of its budget here
	echo "# kiscsi-suite: running $name"
	echo "kiscsi-suite: start $name" >/dev/kmsg
	t0=$SECONDS
	(cd "$KISCSI_SCRATCH" && exec setsid -w timeout -k 10 "$tmo" bash "$t") \
		</dev/null >"$log" 2>&1
	rc=$?
	dt=$((SECONDS - t0))
	while IFS= read -r line; do
		line=${line#"${line%%[!#]*}"}
		echo "# ${line# }"
	done <"$log"
	[ -z "$share" ] || cat "$log" >"$share/tests/$name.log"

	why=
	case "$rc" in
	0) ;;
	4) ;;
	124|137) why="timed out after ${tmo}s" ;;
	*) why="exit status $rc" ;;
	esac
	c0=$SECONDS
	cleanup_after
	echo "kiscsi-suite: end $name rc=$rc" >/dev/kmsg
	if [ ${#leftovers[@]} -gt 0 ]; then
		echo "# $name left work behind:"
		printf '#   %s\n' "${leftovers[@]}"
		why="${why:+$why; }${leftovers[0]}"
	fi
	reports=$(dmesg | awk -f "$here/kernel-reports.awk" -v re="$bad_re" -v test="$name" |
		cut -f2-)
	if [ -n "$reports" ]; then
		echo "# kernel reports while $name ran or was cleaned up:"
		echo "$reports" | sed 's/^/#   /'
		why="${why:+$why; }kernel report in dmesg"
	fi
	read -r taint1 </proc/sys/kernel/tainted
	if [ $(((taint1 & ~taint0) & taint_mask)) != 0 ]; then
		why="${why:+$why; }kernel tainted ($taint0 -> $taint1)"
	fi
	if [ "$lockdep_was" = 1 ] && [ "$(lockdep_on)" != 1 ]; then
		lockdep_off_in=$name
		lockdep_was=0
		why="${why:+$why; }lockdep switched itself off: no later test is checked for locking"
	elif [ -n "$lockdep_off_in" ]; then
		echo "# lockdep has been off since $lockdep_off_in: this test was not checked for locking"
	fi
	echo "# $name: ${dt}s (cleanup $((SECONDS - c0))s)"
	if [ -n "$why" ]; then
		echo "not ok $n - $name # $why"
		fail=$((fail + 1))
		failed+=("$name")
	elif [ "$rc" = 4 ]; then
		echo "ok $n - $name # SKIP"
		skipped=$((skipped + 1))
	else
		echo "ok $n - $name"
		pass=$((pass + 1))
	fi
done

# the kernel log outside every test: boot, and between tests
n=$((n + 1))
echo "kiscsi-suite: done" >/dev/kmsg
reports=$(dmesg | awk -f "$here/kernel-reports.awk" -v re="$bad_re" -v test=- | cut -f2-)
why=
if [ -n "$reports" ]; then
	echo "# kernel reports outside every test:"
	echo "$reports" | sed 's/^/#   /'
	why="kernel report outside every test"
fi
if [ -n "$lockdep_off_in" ]; then
	echo "# LOCKDEP SWITCHED ITSELF OFF in $lockdep_off_in: the tests after it were not checked for locking"
	why="${why:+$why; }lockdep off since $lockdep_off_in"
fi
if [ -n "$why" ]; then
	echo "not ok $n - kernel-log # $why"
	fail=$((fail + 1))
	failed+=("kernel-log")
else
	echo "ok $n - kernel-log"
	pass=$((pass + 1))
fi

dur=$((SECONDS - suite_start))
echo "# Totals: pass:$pass fail:$fail skip:$skipped (${dur}s on $(uname -r))"
[ ${#failed[@]} -eq 0 ] || echo "# failed: ${failed[*]}"
if [ -n "$share" ]; then
	{
		echo "kernel $(uname -r)"
		echo "pass $pass"
		echo "fail $fail"
		echo "skip $skipped"
		echo "seconds $dur"
		echo "failed ${failed[*]}"
	} >"$share/summary"
fi
[ "$fail" = 0 ]

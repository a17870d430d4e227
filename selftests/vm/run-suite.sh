#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the VM tests (selftests/vm/tests/NN-name.sh) inside a test guest and
# print TAP:
#   scripts/vm/run.sh --kernel KVER -- selftests/vm/run-suite.sh [PATTERN...]
#
# PATTERNs (shell globs on the test name, e.g. '4*' or '*fio*') pick tests;
# KISCSI_TESTS="PATTERN ..." does the same from the environment.  Each test
# runs in its own bash with a timeout (a '# timeout: SECONDS' line in the
# test, default 300 s, multiplied by KISCSI_TIMEOUT_SCALE, default 1).
# Exit 0 passes, 4 skips (kselftest's KSFT_SKIP), anything else fails.
# After each test the kernel log since the test started is scanned for
# kernel reports (BUG, WARNING, Oops, KASAN, UBSAN, lockdep, sleeping in
# atomic context, GPF, hung tasks) and the taint flags are checked: any of
# them fails the test that was running.  Whatever a test left behind
# (sessions, tgtd, LIO targets) is cleaned up before the next one.
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

# procs_named NAME: pids of the processes whose comm is NAME.
procs_named() {
	local d comm
	for d in /proc/[0-9]*; do
		read -r comm 2>/dev/null <"$d/comm" || continue
		[ "$comm" = "$1" ] && echo "${d#/proc/}"
	done
	return 0
}

tests=()
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
	tests+=("$t")
done

# Kernel messages that fail the running test.
bad_re='BUG:|WARNING:|Oops|KASAN|UBSAN|lockdep|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|general protection fault|blocked for more than|Kernel panic|kernel BUG|list_add corruption|list_del corruption|refcount_t:|kmemleak: [0-9]+ new suspected'
# Taint flags that mean the kernel reported a problem: B bad page (5),
# D died (7), W warning (9), L soft lockup (14).
taint_mask=$(((1 << 5) | (1 << 7) | (1 << 9) | (1 << 14)))

cleanup_after() {
	local pids
	if [ -x "$KISCSI" ] && [ -d /sys/module/kiscsi ] &&
	   compgen -G '/sys/class/iscsi_session/session*' >/dev/null; then
		timeout 60 "$KISCSI" logout --all --force >/dev/null 2>&1
	fi
	pids=$(procs_named iscsid)
	if [ -n "$pids" ]; then
		timeout 60 iscsiadm -m node --logoutall=all >/dev/null 2>&1
		kill $pids 2>/dev/null
	fi
	pids=$(procs_named fio)
	[ -z "$pids" ] || kill $pids 2>/dev/null
	if [ -n "$(procs_named tgtd)" ] || compgen -G '/dev/shm/kiscsi-tgt*' >/dev/null; then
		timeout 60 "$KISCSI_ROOT/scripts/targets/tgtd.sh" stop >/dev/null 2>&1
	fi
	if compgen -G '/sys/kernel/config/target/iscsi/*/tpgt_1' >/dev/null; then
		timeout 60 "$KISCSI_ROOT/scripts/targets/lio.sh" stop >/dev/null 2>&1
	fi
	return 0
}

echo "TAP version 13"
echo "# kiscsi VM suite on $(uname -r) (KVER=$KVER), $(nproc) CPUs, $(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024)) MiB"
echo "1..${#tests[@]}"
suite_start=$SECONDS
pass=0 fail=0 skipped=0 n=0
failed=()
[ -z "$share" ] || mkdir -p "$share/tests"

for t in "${tests[@]}"; do
	n=$((n + 1))
	name=$(basename "$t" .sh)
	tmo=$(header_line "$t" timeout)
	tmo=${tmo%% *}
	tmo=$((${tmo:-300} * scale))
	export KISCSI_TEST=$name
	export KISCSI_SCRATCH=$scratch_base/$name
	rm -rf "$KISCSI_SCRATCH"
	mkdir -p "$KISCSI_SCRATCH"
	log=$KISCSI_SCRATCH.log
	read -r taint0 </proc/sys/kernel/tainted
	echo "kiscsi-suite: start $name" >/dev/kmsg
	t0=$SECONDS
	(cd "$KISCSI_SCRATCH" && exec setsid -w timeout -k 10 "$tmo" bash "$t") \
		</dev/null >"$log" 2>&1
	rc=$?
	dt=$((SECONDS - t0))
	echo "kiscsi-suite: end $name rc=$rc" >/dev/kmsg
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
	reports=$(dmesg | awk -v s="kiscsi-suite: start $name" -v re="$bad_re" \
		'index($0, s) { p = 1 } p && $0 ~ re && n++ < 20')
	if [ -n "$reports" ]; then
		echo "# kernel reports while $name ran:"
		echo "$reports" | sed 's/^/#   /'
		why="${why:+$why; }kernel report in dmesg"
	fi
	read -r taint1 </proc/sys/kernel/tainted
	if [ $(((taint1 & ~taint0) & taint_mask)) != 0 ]; then
		why="${why:+$why; }kernel tainted ($taint0 -> $taint1)"
	fi
	c0=$SECONDS
	cleanup_after
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

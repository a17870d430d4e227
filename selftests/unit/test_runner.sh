#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Self-test of the test pipeline itself (host, no VM): each case feeds the
# runner's pieces an input that once passed when it should not have.
#   - a kernel report during a test's cleanup fails that test, one outside
#     every test is named as such (selftests/vm/kernel-reports.awk);
#   - several TAP streams in one log add their plans, a log with no plan
#     or too few results fails, the summary names the failed tests
#     (scripts/check-lib.sh count_tap);
#   - a suite cut off by its budget names the test it was in;
#   - a missing kernel series prints nothing and fails (scripts/kernels.sh);
#   - test patterns that match nothing fail (selftests/vm/run-suite.sh);
#   - every VM test names its lanes and its timeout.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiscsi-runner-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
awkf=$root/selftests/vm/kernel-reports.awk
bad_re=$(sed -n "s/^bad_re='\(.*\)'$/\1/p" "$root/selftests/vm/run-suite.sh")

n=0 nfail=0
ok() {	# NAME CONDITION-STATUS [WHY]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n runner.$1"
	else
		echo "not ok $n runner.$1 # ${3:-}"
		nfail=$((nfail + 1))
	fi
}

echo "TAP version 13"
echo "1..13"

# --- kernel reports, by window ---------------------------------------------
cat >"$tmp/dmesg" <<'EOF'
[    0.9] rcu: 	RCU lockdep checking is enabled.
[    1.0] WARNING: CPU: 0 PID: 1 at boot.c:1 early_thing+0x1/0x2
[    5.0] kiscsi-suite: start 10-alpha
[    6.0] kiscsi: session 1 to iqn.x at 127.0.0.1:3260: logged in
[    7.0] kiscsi: session 1 logged out
[    7.5] WARNING: CPU: 1 PID: 99 at kernel/conn.c:400 kiscsi_conn_teardown+0x10/0x20
[    8.0] kiscsi-suite: end 10-alpha rc=0
[    8.5] BUG: KASAN: slab-use-after-free in kiscsi_rescan_work+0x1/0x2
[    9.0] kiscsi-suite: start 20-beta
[   10.0] kiscsi: nothing wrong here
[   11.0] kiscsi-suite: end 20-beta rc=0
[   12.0] kiscsi-suite: done
[   13.0] ======================================================
[   13.1] WARNING: possible circular locking dependency detected
EOF
r=$(awk -f "$awkf" -v re="$bad_re" -v test=10-alpha "$tmp/dmesg")
[[ $r == *kiscsi_conn_teardown* ]] && [ "$(wc -l <<<"$r")" = 1 ]
ok reports_in_cleanup_fail_the_test $? "got: $r"

r=$(awk -f "$awkf" -v re="$bad_re" -v test=20-beta "$tmp/dmesg")
[ -z "$r" ]
ok reports_between_tests_are_not_the_next_tests $? "got: $r"

r=$(awk -f "$awkf" -v re="$bad_re" -v test=- "$tmp/dmesg" | cut -f2-)
[ "$(wc -l <<<"$r")" = 3 ] && [[ $r == *early_thing* ]] &&
	[[ $r == *kiscsi_rescan_work* ]] && [[ $r == *circular* ]]
ok reports_outside_tests_are_named $? "got: $r"

# --- counting TAP -------------------------------------------------------------
. "$root/scripts/check-lib.sh"
count() {	# FILE RC: prints "passed failed skipped"
	passed=0 failed=0 skipped=0 report=()
	count_tap x "$1" "$2"
	echo "$passed $failed $skipped"
}
printf '%s\n' 'TAP version 13' '1..3' 'ok 1 a' 'ok 2 b' 'ok 3 c' \
	'TAP version 13' '1..2' 'ok 1 d' '# Totals' >"$tmp/two-streams"
r=$(count "$tmp/two-streams" 1)
[ "$r" = "4 1 0" ]
ok tap_plans_of_every_stream_add_up $? "got: $r"

printf '%s\n' 'ok 1 a' 'ok 2 b' >"$tmp/no-plan"
r=$(count "$tmp/no-plan" 0)
[ "$r" = "2 1 0" ]
ok tap_without_a_plan_fails $? "got: $r"

printf '%s\n' '1..2' 'ok 1 - 00-load' 'ok 2 - 10-x # SKIP' >"$tmp/fine"
r=$(count "$tmp/fine" 0)
[ "$r" = "1 0 1" ]
ok tap_complete_run_counts $? "got: $r"

printf '%s\n' '1..2' 'ok 1 - 00-load' 'not ok 2 - 80-mem-pressure # hog' >"$tmp/one-failed"
passed=0 failed=0 skipped=0 report=()
count_tap x "$tmp/one-failed" 1
[ "${#report[@]}" = 2 ] && [[ ${report[1]} == "  not ok 2 - 80-mem-pressure # hog" ]]
ok summary_names_failed_tests $? "got: ${report[*]}"

printf '%s\n' '1..3' '# kiscsi-suite: running 00-load' 'ok 1 - 00-load' \
	'# kiscsi-suite: running 80-mem-pressure' '# [12.0] swapping' >"$tmp/cut"
r=$(in_test "$tmp/cut")
[ "$r" = 80-mem-pressure ]
ok budget_names_the_test_it_cut $? "got: $r"

# --- kernels.sh ----------------------------------------------------------------
fake=$tmp/root
mk_kernel() {
	mkdir -p "$fake/lib/modules/$1/build" "$fake/boot"
	touch "$fake/lib/modules/$1/build/Makefile" "$fake/boot/vmlinuz-$1"
}
mk_kernel 6.12.9+deb12-amd64
mk_kernel 6.12.10+deb12-amd64
out=$(KISCSI_KERNELS_ROOT=$fake "$root/scripts/kernels.sh" 2>/dev/null)
rc=$?
[ "$rc" != 0 ] && [ -z "$out" ]
ok kernels_missing_series_fails_and_prints_nothing $? "rc $rc, stdout '$out'"

mk_kernel 6.1.0-9-amd64
out=$(KISCSI_KERNELS_ROOT=$fake "$root/scripts/kernels.sh" 2>/dev/null)
[ "$out" = "6.1.0-9-amd64 6.12.10+deb12-amd64" ]
ok kernels_newest_of_each_series $? "got '$out'"

# --- run-suite.sh ------------------------------------------------------------------
out=$(KISCSI_TESTS=no-such-test-zz "$root/selftests/vm/run-suite.sh" 2>&1)
rc=$?
[ "$rc" != 0 ] && grep -q '^not ok 1 - no test matches' <<<"$out" && grep -q '^1\.\.1$' <<<"$out"
ok suite_patterns_matching_nothing_fail $? "rc $rc: $out"

bad=
for t in "$root"/selftests/vm/tests/[0-9]*.sh; do
	l=$(sed -n 's/^# lanes: *//p' "$t" | head -n1)
	[ -n "$l" ] || bad+=" $(basename "$t")(no lanes)"
	for w in $l; do
		case "$w" in 6.1|6.12|debug) ;; *) bad+=" $(basename "$t")($w)" ;; esac
	done
	grep -qE '^# timeout: [0-9]+' "$t" || bad+=" $(basename "$t")(no timeout)"
done
[ -z "$bad" ]
ok every_vm_test_names_lanes_and_timeout $? "bad:$bad"

[ -n "$bad_re" ] && grep -q 'KASAN' <<<"$bad_re"
ok report_pattern_found $? "run-suite.sh's bad_re not found"

echo "# Totals: pass:$((n - nfail)) fail:$nfail"
[ "$nfail" = 0 ]

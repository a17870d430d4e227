#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole kiscsi test suite ('make check'; it runs 'make all' itself,
# once the debug kernel's build has started beside it):
#   1. host unit tests ('make unit') and short libFuzzer runs of the
#      userspace parsers ('make fuzz-user', ASan/UBSan),
#   2. one QEMU boot per test kernel (scripts/kernels.sh) running the whole
#      VM suite (selftests/vm/run-suite.sh), each within a time budget,
#   3. the debug (KASAN/lockdep/UBSAN/kmemleak) kernel's VM suite, last.
#      Its kernel is built (once, cached) in the background from the start.
# The VM suites run one after another: the machine has two cores and one
# TCG guest keeps both busy.  Side by side they took longer in all than in
# a row: in CI, beside the two Debian suites, the debug suite got through
# 13 tests in 55 minutes, which take it 15 minutes alone.
# Every suite's TAP is counted; the last line is exactly
#   check: N passed, N failed, N skipped
# and the exit status is non-zero if anything failed, or a suite crashed or
# ran out of time (its missing tests count as failed).
#
# Each suite runs its lane's tests (the '# lanes:' line of each test, see
# selftests/vm/run-suite.sh): 6.12 everything, 6.1 and the debug kernel
# what they exercise differently.  'make check-full' (KISCSI_FULL=1) runs
# every test in every suite, with a budget to match.  Per-test times are
# printed at the end, per suite, so the budget stays visible.
#
# Environment:
#   FUZZ_SECONDS          seconds per fuzz harness (default 20)
#   KISCSI_FULL=1         every test on every kernel (make check-full)
#   KISCSI_CHECK_KERNELS  kernels to run the VM suite on (default: scripts/kernels.sh)
#   KISCSI_SUITE_BUDGET   seconds per Debian VM suite (default 1800; full 3000)
#   KISCSI_DEBUG_BUDGET   seconds for the debug kernel's suite (default 2800; full 4200)
#   KISCSI_TESTS          only the VM tests matching these globs (run-suite.sh)
#   KISCSI_NO_DEBUG_KERNEL=1  skip the debug kernel lane
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
logdir=$root/build/check
mkdir -p "$logdir"
if [ -n "${KISCSI_FULL:-}" ]; then
	budget=${KISCSI_SUITE_BUDGET:-3000}
	debug_budget=${KISCSI_DEBUG_BUDGET:-4200}
else
	budget=${KISCSI_SUITE_BUDGET:-1800}
	debug_budget=${KISCSI_DEBUG_BUDGET:-2800}
fi
check_start=$SECONDS
# Kernel messages that fail a run (the same list as run-suite.sh's).
bad_re=$(sed -n "s/^bad_re='\(.*\)'$/\1/p" "$root/selftests/vm/run-suite.sh")

passed=0 failed=0 skipped=0
report=()
. "$root/scripts/check-lib.sh"

# The VMs of this run take the machine's one VM lock (run.sh's) once, here,
# for the whole run.
exec 9>/tmp/kiscsi-vm.lock
if ! flock -n 9; then
	echo "check: waiting for another kiscsi VM to finish" >&2
	flock 9
fi

# vm_suite NAME KVER TIMEOUT [run.sh options...]: boot the VM suite on one
# kernel; its TAP goes to $logdir/NAME.tap, a note (time, how it ended) to
# $logdir/NAME.note, run.sh's exit status to $logdir/NAME.rc.
vm_suite() {
	local name=$1 kver=$2 tmo=$3 rc t0 dt out note console late running
	shift 3
	echo "=== VM suite on $kver, lane $(lane_of "$kver") (budget ${tmo}s)"
	t0=$(date +%s)
	KISCSI_LANE=$(lane_of "$kver") \
	"$root/scripts/vm/run.sh" --no-lock --kernel "$kver" --timeout "$tmo" --name "$name" "$@" \
		-- "$root/selftests/vm/run-suite.sh"
	rc=$?
	dt=$(($(date +%s) - t0))
	out=$root/build/vm/runs/$name/output.log
	[ -e "$out" ] || : >"$out"
	cp "$out" "$logdir/$name.tap"
	running=$(in_test "$out")
	case "$rc" in
	0) note="${dt}s" ;;
	124) note="${dt}s, TIMED OUT after ${tmo}s${running:+ in $running}" ;;
	125) note="${dt}s, GUEST CRASHED${running:+ in $running} (see build/vm/logs/$name.console)" ;;
	*) note="${dt}s, exit status $rc" ;;
	esac
	# reports after the suite's last check (its "done" marker): the
	# poweroff; before it, run-suite.sh has counted them
	console=$root/build/vm/logs/$name.console
	late=$(awk -v re="$bad_re" '/kiscsi-suite: done/ { p = 1; next } p && $0 ~ re' "$console" 2>/dev/null | head -n 5)
	if [ -n "$late" ]; then
		echo "$late" | sed 's/^/  /'
		echo "not ok 9999 - kernel report after the suite finished (console $console)" >>"$logdir/$name.tap"
	fi
	echo "=== VM suite on $kver: $note"
	echo "$note" >"$logdir/$name.note"
	echo "$rc" >"$logdir/$name.rc"
}

# count_suite NAME: count what vm_suite NAME left.
count_suite() {
	local name=$1
	count_tap "$name" "$logdir/$name.tap" "$(cat "$logdir/$name.rc")" \
		"$(cat "$logdir/$name.note")"
}

# debug_kernel_build: scripts/debug-kernel.sh builds the debug kernel
# (KASAN, lockdep, UBSAN, kmemleak, ...) once (cached) and ends its stdout
# with IMAGE=, BUILD=, KVER= and MODDIR= lines; they go to
# $logdir/debug-kernel.paths, its log to $logdir/debug-kernel.log.
debug_kernel_build() {
	local t0=$SECONDS

	"$root/scripts/debug-kernel.sh" >"$logdir/debug-kernel.log" 2>&1
	tail -n 4 "$logdir/debug-kernel.log" >"$logdir/debug-kernel.paths"
	echo "$((SECONDS - t0))" >"$logdir/debug-kernel.seconds"
}

# debug_lane: kiscsi.ko is built against the debug kernel's BUILD, into
# build/kernel/$KVER/, and the guest gets MODDIR as its /lib/modules/$KVER.
# On failure $logdir/suite-debug.error says why.
debug_lane() {
	local dk dimage dbuild drel dmods d f
	dk=$(cat "$logdir/debug-kernel.paths" 2>/dev/null)
	dimage=$(sed -n 's/^IMAGE=//p' <<<"$dk")
	dbuild=$(sed -n 's/^BUILD=//p' <<<"$dk")
	drel=$(sed -n 's/^KVER=//p' <<<"$dk")
	dmods=$(sed -n 's/^MODDIR=//p' <<<"$dk")
	if ! [ -r "$dimage" ] || ! [ -d "$dbuild" ] || [ -z "$drel" ] || ! [ -d "$dmods" ]; then
		tail -n 20 "$logdir/debug-kernel.log"
		echo "scripts/debug-kernel.sh gave no usable IMAGE/BUILD/KVER/MODDIR (log: $logdir/debug-kernel.log)" |
			tee "$logdir/suite-debug.error" >&2
		return
	fi
	d=$root/build/kernel/$drel
	mkdir -p "$d/include"
	for f in "$root"/kernel/*; do ln -sf "$f" "$d/"; done
	ln -sfn "$root/include/uapi" "$d/include/uapi"
	echo "  MODULE  $drel"
	if ! make -s -C "$dbuild" M="$d" W=1 modules; then
		echo "building kiscsi.ko for the debug kernel failed" |
			tee "$logdir/suite-debug.error" >&2
		return
	fi
	# kasan_multi_shot: every KASAN report, not only the first per site.
	# no5lvl: with -cpu max under TCG the kernel picks 5-level paging,
	# and then a timer tick during the boot CPU's identify_cpu sometimes
	# trips a KASAN wild-memory-access report in the spinlock code (seen
	# once in two boots; with multi_shot the report repeats every tick
	# and the boot never ends).  Before the outside-test scan nobody saw
	# the single report at boot.
	KISCSI_TIMEOUT_SCALE=${KISCSI_TIMEOUT_SCALE:-4} \
	KISCSI_FIO_SIZE=${KISCSI_DEBUG_FIO_SIZE:-8M} \
	KISCSI_FIO_CAP=${KISCSI_DEBUG_FIO_CAP:-8M} \
	KISCSI_HOG_MB=${KISCSI_DEBUG_HOG_MB:-24} \
		vm_suite "suite-debug" "$drel" "$debug_budget" \
		--image "$dimage" --moddir "$dmods" --mem 4096 --quiet \
		--append "kasan_multi_shot no5lvl" --acpitable "$ibft"
}

# 3a. The debug kernel builds in the background from the start (about 13
# minutes when it is not cached; nothing when it is).
debug_pid=
rm -f "$logdir"/suite-debug.* "$logdir"/debug-kernel.*
if [ -x "$root/scripts/debug-kernel.sh" ] && [ -z "${KISCSI_NO_DEBUG_KERNEL:-}" ]; then
	debug_kernel_build &
	debug_pid=$!
	echo "=== debug kernel: scripts/debug-kernel.sh in the background (log: $logdir/debug-kernel.log)"
fi

# 0. The modules, the helper and the VM test programs.
if ! make -s all; then
	echo "check: 'make all' failed"
	echo "check: 0 passed, 1 failed, 0 skipped"
	[ -z "$debug_pid" ] || kill "$debug_pid" 2>/dev/null
	exit 1
fi

# Every suite boots with the iBFT boot firmware would leave (74-firmware).
ibft=$root/build/selftests/vm/firmware-ibft.bin

# 1. Host unit tests.
t0=$(date +%s)
echo "=== unit tests (host)"
make -s unit 2>&1 | tee "$logdir/unit.log"
rc=${PIPESTATUS[0]}
dt=$(($(date +%s) - t0))
echo "=== unit tests: ${dt}s, make exit status $rc"
count_tap unit "$logdir/unit.log" "$rc" "${dt}s"

# 1b. libFuzzer on the userspace parsers: one TAP line per harness.
t0=$(date +%s)
echo "=== fuzz-user (host, ${FUZZ_SECONDS:-20}s per harness)"
make -s fuzz-user FUZZ_SECONDS="${FUZZ_SECONDS:-20}" 2>&1 | tee "$logdir/fuzz-user.log"
rc=${PIPESTATUS[0]}
dt=$(($(date +%s) - t0))
echo "=== fuzz-user: ${dt}s, make exit status $rc"
count_tap fuzz-user "$logdir/fuzz-user.log" "$rc" "${dt}s"

# 2. The Debian kernels.
if [ -n "${KISCSI_CHECK_KERNELS:-}" ]; then
	kernels=$KISCSI_CHECK_KERNELS
elif ! kernels=$("$root/scripts/kernels.sh") || [ -z "$kernels" ]; then
	echo "check: the test kernels are not all there (run 'make deps')" >&2
	report+=("kernels: scripts/kernels.sh found no complete set of test kernels")
	failed=$((failed + 1))
	kernels=
fi
for k in $kernels; do
	vm_suite "suite-$k" "$k" "$budget" --acpitable "$ibft"
	count_suite "suite-$k"
done

# 3b. The debug kernel's suite, alone on the machine.
if [ -n "$debug_pid" ]; then
	echo "=== debug kernel: waiting for scripts/debug-kernel.sh"
	wait "$debug_pid"
	echo "=== debug kernel: scripts/debug-kernel.sh took $(cat "$logdir/debug-kernel.seconds" 2>/dev/null || echo ?)s"
	debug_lane
	if [ -e "$logdir/suite-debug.rc" ]; then
		count_suite suite-debug
	else
		failed=$((failed + 1))
		report+=("suite-debug: $(cat "$logdir/suite-debug.error" 2>/dev/null || echo "did not run")")
	fi
fi

echo "=== per-test times (test seconds + cleanup)"
for f in "$logdir"/suite-*.tap; do
	[ -e "$f" ] || continue
	printf '%s:' "$(basename "$f" .tap)"
	sed -n 's/^# \([0-9][0-9]*-[a-z0-9-]*\): \([0-9]*\)s (cleanup \([0-9]*\)s)$/ \1 \2+\3/p' "$f" | tr -d '\n'
	echo
done
echo "=== summary ($((SECONDS - check_start))s in all)"
printf '%s\n' "${report[@]}"
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

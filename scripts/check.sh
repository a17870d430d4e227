#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole kiscsi test suite ('make check' runs 'make all' first):
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
# Environment:
#   FUZZ_SECONDS          seconds per fuzz harness (default 20)
#   KISCSI_CHECK_KERNELS  kernels to run the VM suite on (default: scripts/kernels.sh)
#   KISCSI_SUITE_BUDGET   seconds per VM suite (default 1500)
#   KISCSI_DEBUG_BUDGET   seconds for the debug kernel's suite (default 2700)
#   KISCSI_TESTS          only the VM tests matching these globs (run-suite.sh)
#   KISCSI_NO_DEBUG_KERNEL=1  skip the debug kernel lane
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
logdir=$root/build/check
mkdir -p "$logdir"
budget=${KISCSI_SUITE_BUDGET:-1500}
debug_budget=${KISCSI_DEBUG_BUDGET:-2700}

passed=0 failed=0 skipped=0
report=()

# count_tap NAME FILE RC: add the TAP results in FILE to the totals.
# Only lines at column 0 count ("ok N ..." / "not ok N ..."; "# SKIP" in
# an ok line is a skip).  A plan "1..N" with fewer results means the run
# died: the missing ones fail.  A failing run with no failed test line
# counts one failure of its own.
count_tap() {
	local name=$1 file=$2 rc=$3 p f s plan seen missing=0
	p=$(grep -E '^ok [0-9]+' "$file" | grep -viEc '# *skip' || true)
	s=$(grep -E '^ok [0-9]+' "$file" | grep -iEc '# *skip' || true)
	f=$(grep -Ec '^not ok [0-9]+' "$file" || true)
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$file" | tail -n1)
	seen=$((p + s + f))
	if [ -n "$plan" ] && [ "$seen" -lt "$plan" ]; then
		missing=$((plan - seen))
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ] && [ "$missing" = 0 ]; then
		missing=1
	fi
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + f + missing))
	report+=("$(printf '%-28s %3d passed, %3d failed, %3d skipped%s' "$name" "$p" \
		"$((f + missing))" "$s" "${4:+, $4}")")
}

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
	local name=$1 kver=$2 tmo=$3 rc t0 dt out note
	shift 3
	echo "=== VM suite on $kver (budget ${tmo}s)"
	t0=$(date +%s)
	"$root/scripts/vm/run.sh" --no-lock --kernel "$kver" --timeout "$tmo" --name "$name" "$@" \
		-- "$root/selftests/vm/run-suite.sh"
	rc=$?
	dt=$(($(date +%s) - t0))
	out=$root/build/vm/runs/$name/output.log
	[ -e "$out" ] || : >"$out"
	cp "$out" "$logdir/$name.tap"
	case "$rc" in
	0) note="${dt}s" ;;
	124) note="${dt}s, TIMED OUT after ${tmo}s" ;;
	125) note="${dt}s, GUEST CRASHED (see build/vm/logs/$name.console)" ;;
	*) note="${dt}s, exit status $rc" ;;
	esac
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
	KISCSI_TIMEOUT_SCALE=${KISCSI_TIMEOUT_SCALE:-4} \
	KISCSI_FIO_SIZE=${KISCSI_DEBUG_FIO_SIZE:-16M} \
	KISCSI_FIO_CAP=${KISCSI_DEBUG_FIO_CAP:-16M} \
		vm_suite "suite-debug" "$drel" "$debug_budget" \
		--image "$dimage" --moddir "$dmods" --mem 4096 --quiet
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
kernels=${KISCSI_CHECK_KERNELS:-$("$root/scripts/kernels.sh")}
if [ -z "$kernels" ]; then
	echo "check: no test kernels (run 'make deps')" >&2
	failed=$((failed + 1))
fi
for k in $kernels; do
	vm_suite "suite-$k" "$k" "$budget"
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

echo "=== summary"
printf '%s\n' "${report[@]}"
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

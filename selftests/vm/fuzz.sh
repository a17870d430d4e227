#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile-target fuzz driver, run as root inside a test guest:
#   selftests/vm/fuzz.sh [--seed S] [--cases N] [--time SECONDS]
#                        [--skip-cases "K ..."] [--classes a,b] [--out DIR]
#                        [--min-cases N]
#
# Loads kiscsi.ko, starts selftests/target/kiscsi_target.py in fuzz mode on
# 127.0.0.1 and, per case (one connection): logs in, writes 256 KiB of random data
# with O_DIRECT and reads it back, runs sg_inq, logs out.  A case passes
# when it ends with the connection failing into recovery, the login or a
# command failing with an error, or all I/O verified; it fails on a kernel
# report in dmesg, a hang (any step over its time bound), data read back
# different from what was written while both I/Os said success, or a
# session left after logout.  At the end rmmod must succeed and, with
# kmemleak, a scan must find nothing of kiscsi's.  Prints one line per case
# and a table of cases per mutation class, opcode and outcome.
# The run itself must have fuzzed: it fails if the target dies or fails
# itself (a Python error), if a case never ends at the target, if fewer
# than --min-cases cases ran, or if a class had cases but its mutation was
# never applied (the run would claim a class it did not test).
# --skip-cases names cases known to break the kernel (see the report).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export KISCSI_ROOT=${KISCSI_ROOT:-$(cd "$here/../.." && pwd)}
export KISCSI_SCRATCH=${KISCSI_SCRATCH:-$KISCSI_ROOT/build/scratch/fuzz}
. "$KISCSI_ROOT/selftests/vm/lib.sh"

seed=1 cases=0 budget=600 skip_cases="" classes="" out= min_cases=1
while [ $# -gt 0 ]; do
	case "$1" in
	--seed) seed=$2; shift ;;
	--cases) cases=$2; shift ;;
	--time) budget=$2; shift ;;
	--skip-cases) skip_cases=$2; shift ;;
	--classes) classes=$2; shift ;;
	--out) out=$2; shift ;;
	--min-cases) min_cases=$2; shift ;;
	*) echo "usage: $0 [--seed S] [--cases N] [--time S] [--skip-cases LIST] [--classes a,b] [--out DIR] [--min-cases N]" >&2; exit 2 ;;
	esac
	shift
done
out=${out:-$KISCSI_SCRATCH}
mkdir -p "$out"
PORT=3262
IQN=iqn.2024-01.org.kiscsi.test:fuzz
PY=/usr/bin/python3
results=$out/results
: >"$results"
: >"$out/cases.log"
bad_re='BUG:|WARNING:|Oops|KASAN|UBSAN|lockdep is turned off|DEBUG_LOCKS_WARN_ON|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|general protection fault|blocked for more than|Kernel panic|kernel BUG|list_add corruption|list_del corruption|refcount_t:|kmemleak: [0-9]+ new suspected'

kiscsi_load
target_pid=
stop_target() {
	[ -n "$target_pid" ] || return 0
	kill -TERM "$target_pid" 2>/dev/null
	wait "$target_pid" 2>/dev/null
	target_pid=
}
trap stop_target EXIT

# The target keeps its RAM disk for the whole run, so it lives across
# cases; a case K skipped here still takes connection K (one bare TCP
# connect), so the target's case numbers stay the driver's.
$PY "$KISCSI_ROOT/selftests/target/kiscsi_target.py" --port "$PORT" --iqn "$IQN" \
	--size-mb 64 --seed "$seed" --case-log "$out/cases.log" \
	--log "$out/pdus.log" ${classes:+--classes "$classes"} \
	>"$out/target.out" 2>&1 &
target_pid=$!
# Python's start and its 64 MiB disk take long on the debug kernel
wait_for 60 bash -c "echo >/dev/tcp/127.0.0.1/$PORT" 2>/dev/null ||
	fail "the fuzz target did not start: $(cat "$out/target.out")"
# wait_for's probe connection was case 1 of the target: count from 2
case_no=1

pattern=$out/pattern
back=$out/readback
start=$(date +%s)
nbad=0

# dmesg lines since the marker of case K
since() { dmesg | awk -v s="kiscsi-fuzz: case $1 start" 'index($0, s) { p = 1 } p'; }

# step NAME SECONDS CMD...: run a bounded step; 124/137 = it hung.
step() {
	local name=$1 t=$2 rc
	shift 2
	timeout -k 10 "$t" "$@" >>"$out/case.log" 2>&1
	rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		hung="$name did not finish in ${t}s"
	fi
	return "$rc"
}

run_case() {
	local k=$1 klog sid dev rc wrc=1 rrc=1 seek outcome= why= cls op line t0 t1 t2 t3
	hung=
	t0=${EPOCHREALTIME/[.,]/}
	: >"$out/case.log"
	echo "kiscsi-fuzz: case $k start" >/dev/kmsg
	step login 60 "$KISCSI" login --portal "127.0.0.1:$PORT" --target "$IQN" \
		--recovery-timeout 1 --login-timeout 10
	rc=$?
	t1=${EPOCHREALTIME/[.,]/}
	if [ "$rc" = 0 ]; then
		sid=$(sed -n 's/.*session \([0-9][0-9]*\).*/\1/p' "$out/case.log" | head -n1)
		dev=
		for _ in $(seq 50); do
			dev=$(session_disk "$sid" 0) && break
			dev=
			sleep 0.2
		done
		if [ -n "$dev" ]; then
			echo 5 >"/sys/block/${dev#/dev/}/device/timeout" 2>/dev/null
			seek=$((k % 200))
			step write 60 dd if="$pattern" of="$dev" bs=128k count=2 \
				seek=$((seek * 2)) oflag=direct conv=notrunc
			wrc=$?
			step read 60 dd if="$dev" of="$back" bs=128k count=2 \
				skip=$((seek * 2)) iflag=direct
			rrc=$?
			if [ "$wrc" = 0 ] && [ "$rrc" = 0 ] && ! cmp -s "$pattern" "$back"; then
				why="wrong data: the write and the read-back both succeeded but differ"
			fi
			step sg_inq 30 sg_inq "$dev"
		fi
	fi
	t2=${EPOCHREALTIME/[.,]/}
	step logout 60 "$KISCSI" logout --all
	t3=${EPOCHREALTIME/[.,]/}
	if [ -n "$(sessions)" ]; then
		why="${why:+$why; }session left after logout: $(sessions)"
		timeout 60 "$KISCSI" logout --all >/dev/null 2>&1
	fi
	[ -z "$hung" ] || why="${why:+$why; }hang: $hung"
	klog=$(since "$k")
	reports=$(grep -E "$bad_re" <<<"$klog" | head -n 5)
	[ -z "$reports" ] || why="${why:+$why; }kernel report: $(echo "$reports" | head -n1)"

	# the target writes the case's end line when the connection closes
	if ! wait_for 10 grep -q "^case $k end" "$out/cases.log"; then
		if ! kill -0 "$target_pid" 2>/dev/null; then
			why="${why:+$why; }the fuzz target died: $(tail -n 3 "$out/target.out" | tr '\n' ' ')"
		else
			why="${why:+$why; }the fuzz target never ended case $k"
		fi
	elif grep -q "^case $k end .*target-error" "$out/cases.log"; then
		why="${why:+$why; }the fuzz target failed itself in case $k (see $out/pdus.log)"
	fi
	line=$(grep "^case $k start" "$out/cases.log" | head -n1)
	cls=$(sed -n 's/.* class=\([^ ]*\).*/\1/p' <<<"$line")
	op=$(sed -n "s/^case $k end applied=1 opcode=\([^ ]*\).*/\1/p" "$out/cases.log" | head -n1)
	op=${op:-not-reached}
	if [ -n "$why" ]; then
		outcome=BAD
	elif [ "$rc" != 0 ]; then
		outcome=login-failed
	elif grep -q 'kiscsi: session .*connection failed' <<<"$klog"; then
		outcome=conn-failed
	elif [ -z "$dev" ]; then
		outcome=no-disk
	elif [ "$wrc" != 0 ] || [ "$rrc" != 0 ]; then
		outcome=io-error
	else
		outcome=verified
	fi
	echo "${cls:-?} $op $outcome" >>"$results"
	printf '# case %d: %s %s -> %s%s [login %s, io %s, logout %s, checks %s ms]\n' \
		"$k" "${cls:-?}" "$op" "$outcome" "${why:+ ($why)}" $(((t1 - t0) / 1000)) \
		$(((t2 - t1) / 1000)) $(((t3 - t2) / 1000)) $(((${EPOCHREALTIME/[.,]/} - t3) / 1000))
	if [ -n "$why" ]; then
		nbad=$((nbad + 1))
		grep -E "^case $k " "$out/cases.log" | sed 's/^/#   /'
		grep -E "$bad_re|kiscsi" <<<"$klog" | head -n 40 | sed 's/^/#   /'
		sed 's/^/#   /' "$out/case.log" | tail -n 20
		echo "FUZZ BAD seed=$seed case=$k class=${cls:-?} opcode=$op: $why"
	fi
	[ -z "$reports" ] || return 1
	[ -z "$hung" ] || return 1
	kill -0 "$target_pid" 2>/dev/null || return 1
	return 0
}

log "fuzz: seed $seed, ${cases:-unbounded} cases, ${budget}s, skipping cases: ${skip_cases:-none}"
n=0
while :; do
	case_no=$((case_no + 1))
	[ "$cases" = 0 ] || [ "$n" -lt "$cases" ] || break
	[ $(($(date +%s) - start)) -lt "$budget" ] || break
	n=$((n + 1))
	head -c 256K /dev/urandom >"$pattern"
	if [[ " $skip_cases " == *" $case_no "* ]]; then
		echo "# case $case_no: skipped (known kernel bug)"
		echo "kiscsi-fuzz: case $case_no start (skipped)" >/dev/kmsg
		bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; sleep 0.2" 2>/dev/null
		continue
	fi
	# a kernel report or a hang leaves the kernel unusable for more cases
	run_case "$case_no" || break
done
stop_target
trap - EXIT

echo "# cases per class, opcode and outcome (seed $seed, $n cases, $(($(date +%s) - start))s):"
awk '{ c[$1 " " $2 " " $3]++; o[$3]++ } END {
	for (k in c) { split(k, f, " "); printf "#   %-26s %-16s %-13s %4d\n", f[1], f[2], f[3], c[k] }
	for (k in o) printf "# outcome %-13s %4d\n", k, o[k] }' "$results" | sort
if grep -q '^# target errors' "$out/target.out"; then
	grep '^# target errors' "$out/target.out"
	echo "FUZZ BAD the fuzz target itself failed (see $out/target.out)"
	nbad=$((nbad + 1))
fi
# what the run claims to cover: every class that had cases was applied
unapplied=$(awk '{ c[$1]++ } $2 != "not-reached" { a[$1]++ }
	END { for (k in c) if (!a[k]) printf "%s(%d cases) ", k, c[k] }' "$results")
applied=$(awk '$2 != "not-reached"' "$results" | wc -l)
echo "# applied mutations: $applied of $n cases, classes $(awk '$2 != "not-reached" { print $1 }' "$results" | sort -u | wc -l)"
if [ -n "$unapplied" ]; then
	echo "FUZZ BAD classes whose mutation was never applied: $unapplied"
	nbad=$((nbad + 1))
fi
if [ "$n" -lt "$min_cases" ]; then
	echo "FUZZ BAD only $n cases ran, fewer than $min_cases"
	nbad=$((nbad + 1))
fi

# no leaks: every session gone, the module unloads, kmemleak is quiet
[ -z "$(sessions)" ] || { echo "FUZZ BAD sessions left at the end: $(sessions)"; nbad=$((nbad + 1)); }
leaks=/sys/kernel/debug/kmemleak
if [ -e "$leaks" ]; then
	echo scan >"$leaks"; sleep 6; echo scan >"$leaks"
	if grep -q kiscsi "$leaks"; then
		head -n 60 "$leaks" | sed 's/^/#   /'
		echo "FUZZ BAD kmemleak reports objects allocated by kiscsi"
		nbad=$((nbad + 1))
	fi
fi
if ! rmmod kiscsi; then
	echo "FUZZ BAD rmmod kiscsi failed after the run"
	nbad=$((nbad + 1))
fi
echo "# fuzz: $n cases, $nbad bad"
[ "$nbad" = 0 ]

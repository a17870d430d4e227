#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: the hostile-target fuzzer (selftests/vm/fuzz.sh and
# selftests/target/kiscsi_target.py) against kiscsi.ko in one QEMU guest
# running the debug kernel (KASAN, lockdep, UBSAN, kmemleak; built once and
# cached by scripts/debug-kernel.sh), for a bounded time.  Prints every
# case, then cases per mutation class, opcode and outcome; exits non-zero
# when a case found a kernel report, a hang, a leak or wrong data.
#
# Environment:
#   FUZZ_TIME    seconds of fuzzing (default 600; the VM gets 900 s more)
#   FUZZ_SEED    seed (default: the date, printed so a run can be repeated)
#   FUZZ_CASES   stop after this many cases (default: only the time bounds it)
#   FUZZ_KERNEL  debug (default) or a Debian kernel version from scripts/kernels.sh
#   FUZZ_SKIP    case numbers to skip, e.g. "12 40" (known kernel bugs)
#   FUZZ_CLASSES only these mutation classes, comma separated
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
time=${FUZZ_TIME:-600}
seed=${FUZZ_SEED:-$(date +%Y%m%d%H)}
kernel=${FUZZ_KERNEL:-debug}
name=fuzz-$kernel
runopts=()

if [ "$kernel" = debug ]; then
	dk=$("$root/scripts/debug-kernel.sh" | tail -n 4) || { echo "fuzz: scripts/debug-kernel.sh failed" >&2; exit 1; }
	image=$(sed -n 's/^IMAGE=//p' <<<"$dk")
	build=$(sed -n 's/^BUILD=//p' <<<"$dk")
	kver=$(sed -n 's/^KVER=//p' <<<"$dk")
	moddir=$(sed -n 's/^MODDIR=//p' <<<"$dk")
	[ -r "$image" ] && [ -d "$build" ] && [ -n "$kver" ] && [ -d "$moddir" ] ||
		{ echo "fuzz: scripts/debug-kernel.sh gave no usable IMAGE/BUILD/KVER/MODDIR" >&2; exit 1; }
	d=$root/build/kernel/$kver
	mkdir -p "$d/include"
	for f in "$root"/kernel/*; do ln -sf "$f" "$d/"; done
	ln -sfn "$root/include/uapi" "$d/include/uapi"
	echo "  MODULE  $kver"
	make -s -C "$build" M="$d" W=1 modules || { echo "fuzz: building kiscsi.ko for $kver failed" >&2; exit 1; }
	runopts=(--image "$image" --moddir "$moddir" --mem 4096)
else
	kver=$kernel
	[ -e "$root/build/kernel/$kver/kiscsi.ko" ] ||
		{ echo "fuzz: no build/kernel/$kver/kiscsi.ko: run 'make' first" >&2; exit 1; }
fi

echo "fuzz: seed $seed, ${time}s on $kver (repeat with FUZZ_SEED=$seed FUZZ_KERNEL=$kernel)"
"$root/scripts/vm/run.sh" --kernel "$kver" --timeout $((time + 900)) --name "$name" \
	"${runopts[@]}" -- "$root/selftests/vm/fuzz.sh" --seed "$seed" --time "$time" \
	${FUZZ_CASES:+--cases "$FUZZ_CASES"} ${FUZZ_SKIP:+--skip-cases "$FUZZ_SKIP"} \
	${FUZZ_CLASSES:+--classes "$FUZZ_CLASSES"} --out "$root/build/scratch/$name"
rc=$?
out=$root/build/vm/runs/$name/output.log
echo "=== fuzz summary (seed $seed, $kver; log $out)"
sed -n '/^# cases per class/,$p' "$out" 2>/dev/null
grep '^FUZZ BAD' "$out" 2>/dev/null
case "$rc" in
0) echo "fuzz: passed" ;;
124) echo "fuzz: TIMED OUT (a hang?); see build/vm/logs/$name.console" ;;
125) echo "fuzz: GUEST CRASHED in $(grep -o 'kiscsi-fuzz: case [0-9]* start' \
	"$root/build/vm/logs/$name.console" | tail -n1 | sed 's/kiscsi-fuzz: //; s/ start//') (seed $seed);" \
	"see build/vm/logs/$name.console" ;;
*) echo "fuzz: FAILED (exit status $rc)" ;;
esac
exit "$rc"

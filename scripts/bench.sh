#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: kiscsi against open-iscsi (same LIO ramdisk and same tgtd
# target) and against NVMe/TCP (nvmet-tcp over brd; not on 6.1, whose
# nvmet-tcp crashes on 1 MiB writes), one QEMU guest per
# kernel, the same fio jobs on each; prints the tables and keeps them in
# build/bench/table.md (raw runs: build/bench/results-KVER.jsonl).
# scripts/bench/guest.sh is what runs in the guest.
#
# Environment:
#   BENCH_KERNELS   kernels to run (default: all of scripts/kernels.sh)
#   BENCH_RUNTIME   seconds per fio run (default 10)
#   BENCH_ROUNDS    times each initiator runs each job, alternating (default 2)
#   BENCH_INLINE_SEND  0 or 1: kiscsi.ko's inline_send parameter (6.12 and
#                   later; default: the module's default, on), to compare
#
# A measurement, not a test: it exits non-zero only if something broke
# (build missing, a guest failed, a login or fio failed), never on a figure.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
kernels=${BENCH_KERNELS:-$("$root/scripts/kernels.sh")}
runtime=${BENCH_RUNTIME:-10}
rounds=${BENCH_ROUNDS:-2}
out=$root/build/bench

[ -n "$kernels" ] || { echo "bench: no test kernel (run 'make deps')" >&2; exit 1; }
case "$runtime$rounds" in
*[!0-9]*) echo "bench: BENCH_RUNTIME and BENCH_ROUNDS must be whole numbers" >&2; exit 2 ;;
esac
for k in $kernels; do
	[ -e "$root/build/kernel/$k/kiscsi.ko" ] ||
		{ echo "bench: build/kernel/$k/kiscsi.ko missing: run 'make' first" >&2; exit 1; }
done
[ -x "$root/build/bin/kiscsi" ] || { echo "bench: build/bin/kiscsi missing: run 'make' first" >&2; exit 1; }
command -v nvme >/dev/null || { echo "bench: nvme-cli missing: run 'make deps'" >&2; exit 1; }

# 6 jobs x 5 initiators x rounds fio runs of runtime + ~1 s (fio starts
# once per round), plus boot, targets, logins and slack for a loaded host.
timeout=$((300 + 6 * 5 * rounds * (runtime + 2)))

mkdir -p "$out"
files=() failed=0
for k in $kernels; do
	name=bench-$k
	rm -f "$out/results-$k.jsonl"
	KISCSI_BENCH_RUNTIME=$runtime KISCSI_BENCH_ROUNDS=$rounds \
	KISCSI_BENCH_INLINE_SEND=${BENCH_INLINE_SEND:-} \
		"$root/scripts/vm/run.sh" --kernel "$k" --name "$name" --timeout "$timeout" \
		-- "$root/scripts/bench/guest.sh"
	rc=$?
	res=$root/build/vm/runs/$name/results.jsonl
	[ -s "$res" ] && cp "$res" "$out/results-$k.jsonl" && files+=("$out/results-$k.jsonl")
	if [ "$rc" != 0 ]; then
		echo "bench: the run on $k failed (exit $rc); log: build/vm/runs/$name/output.log" >&2
		failed=1
	fi
done

[ ${#files[@]} -gt 0 ] || { echo "bench: no results" >&2; exit 1; }
{
	echo "make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), BENCH_RUNTIME=$runtime BENCH_ROUNDS=$rounds${BENCH_INLINE_SEND:+ BENCH_INLINE_SEND=$BENCH_INLINE_SEND}, kernels: $kernels"
	echo
	python3 "$root/scripts/bench/table.py" "${files[@]}"
} >"$out/table.md" || { echo "bench: cannot format the results" >&2; exit 1; }
echo
cat "$out/table.md"
echo "bench: table in build/bench/table.md" >&2
exit "$failed"

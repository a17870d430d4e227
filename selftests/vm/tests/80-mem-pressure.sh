#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forward progress under memory pressure.  Swap goes on a kiscsi LUN (a
# LIO ramdisk, pinned memory); a memory hog confined to a small memory
# cgroup keeps writing and re-reading a pattern several times its limit,
# so reclaim pushes its pages out to that swap and back through kiscsi,
# while fio verifies a second LUN.  Both must finish clean, the hog
# unkilled, with swap traffic counted and the connection never failing.
# (The squeeze is per cgroup, not global: with the target in the same
# kernel, global pressure makes kiscsi's memalloc socket send skbs from the
# emergency reserves, which the target's ordinary socket then drops.)
# On the debug kernel, FAILSLAB then fails allocations made under kiscsi's
# code (a stack filter on the module's text) through logins, I/O and
# logouts: failures must show as failed logins or I/O errors, never as a
# kernel report or a leak, and a normal login works once it stops.
# timeout: 1200
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
IQN=iqn.2024-01.org.kiscsi.test:mempressure
ini_setup
echo -1000 >/proc/self/oom_score_adj
must "$LIO" add-target "$IQN" 256 "$LIO_PORT" 2
sid=$(ini_login "127.0.0.1:$LIO_PORT" "$IQN") || exit 1
swapdev=$(wait_disk "$sid" 0) || exit 1
fiodev=$(wait_disk "$sid" 1) || exit 1

cg=/sys/fs/cgroup
if [ ! -e $cg/cgroup.controllers ]; then
	mount -t cgroup2 none $cg 2>/dev/null
fi
if grep -qw memory $cg/cgroup.controllers 2>/dev/null; then
	must mkswap "$swapdev"
	must swapon "$swapdev"
	trap 'swapoff -a 2>/dev/null; rmdir $cg/kiscsi-hog 2>/dev/null' EXIT
	echo +memory >$cg/cgroup.subtree_control
	mkdir -p $cg/kiscsi-hog
	echo 96M >$cg/kiscsi-hog/memory.max || fail "cannot limit the hog's cgroup"
	swapped_before=$(awk '/^pswpout/ {print $2}' /proc/vmstat)
	hog_mb=160
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh $cg/kiscsi-hog \
		python3 - "$hog_mb" >"$KISCSI_SCRATCH/hog.log" 2>&1 <<'PY' &
import sys
n = int(sys.argv[1])
chunks = [bytearray(((i * 131 + 7) & 0xff).to_bytes(1, "little") * (1 << 20)) for i in range(n)]
for rnd in range(2):
    for i, c in enumerate(chunks):
        want = (i * 131 + 7 + rnd) & 0xff
        if c[0] != want or c[-1] != want or c.count(want) != len(c):
            print("chunk %d round %d corrupted" % (i, rnd))
            sys.exit(1)
        chunks[i] = bytearray(((want + 1) & 0xff).to_bytes(1, "little") * (1 << 20))
print("hog verified %d MiB twice" % n)
PY
	hog=$!
	fio_verify under-pressure "$fiodev" --rw=randrw --bs=64k --iodepth=8 --size=48M
	wait "$hog"
	rc=$?
	sed 's/^/#   /' "$KISCSI_SCRATCH/hog.log" >&2
	[ "$rc" = 0 ] || fail "the memory hog failed ($rc): swap over kiscsi lost or corrupted pages, or it was killed"
	swapped=$(( $(awk '/^pswpout/ {print $2}' /proc/vmstat) - swapped_before ))
	log "pages swapped out during the run: $swapped; cgroup events: $(tr '\n' ' ' <$cg/kiscsi-hog/memory.events)"
	[ "$swapped" -gt 8192 ] || fail "only $swapped pages went to swap: no real pressure"
	! dmesg_grep "Out of memory|oom-kill|Write-error on swap" || fail "OOM kill or swap write error"
	must swapoff "$swapdev"
	[ "$(kiscsi_json "$sid" "s['stats']['conn_failures']")" = 0 ] || fail "the connection failed under pressure"
else
	log "no memory cgroup controller on this kernel: the swap part runs on the Debian kernels"
fi
ini_logout "$IQN" || fail "logout failed"

# FAILSLAB aimed at kiscsi (debug kernel only)
fs=/sys/kernel/debug/failslab
[ -d "$fs" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ ! -d "$fs" ]; then
	log "no $fs on this kernel: the FAILSLAB part runs on the debug kernel"
	exit 0
fi
text=$(cat /sys/module/kiscsi/sections/.text)
size=$(awk '$1 == "kiscsi" {print $2}' /proc/modules)
log "kiscsi text at $text, module size $size"
echo "$((text))" >"$fs/require-start"
echo "$((text + size))" >"$fs/require-end"
echo N >"$fs/ignore-gfp-wait"
echo 0 >"$fs/verbose"
echo 1 >"$fs/interval"
echo 25 >"$fs/probability"
echo -1 >"$fs/times"
logins=0 ok=0
for i in $(seq 1 12); do
	out=$("$KISCSI" login --portal "127.0.0.1:$LIO_PORT" --target "$IQN" 2>&1)
	rc=$?
	logins=$((logins + 1))
	if [ "$rc" = 0 ]; then
		ok=$((ok + 1))
		s=$(sed -n 's/.*session \([0-9][0-9]*\).*/\1/p' <<<"$out" | head -n1)
		d=$(session_disk "$s" 1) &&
			timeout 60 dd if="$d" of=/dev/null bs=64k count=32 iflag=direct status=none 2>/dev/null
		timeout 60 "$KISCSI" logout --all >/dev/null 2>&1
	else
		[ "$(wc -l <<<"$out")" = 1 ] || fail "a failed login printed more than one line: $out"
		log "login $i failed as injected: $out"
	fi
done
echo 0 >"$fs/probability"
echo 0 >"$fs/times"
log "FAILSLAB: $ok of $logins logins got through"
timeout 60 "$KISCSI" logout --all >/dev/null 2>&1
[ -z "$(ls /sys/class/iscsi_session/ 2>/dev/null)" ] || fail "sessions left after the FAILSLAB run"
sid=$(ini_login "127.0.0.1:$LIO_PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
fio_verify after-failslab "$dev" --rw=randrw --bs=16k --iodepth=4 --size=8M
ini_logout "$IQN" || fail "logout failed"
exit 0

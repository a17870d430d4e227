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
# code (a stack filter on the module's text): one failure at a different
# point of each of a series of logins, then a quarter of them through I/O
# and a logout.  Failures must show as one-line login errors, I/O errors
# or recovery, never as a kernel report or a leak, and a normal login
# works once it stops.
# timeout: 1200
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
IQN=iqn.2024-01.org.kiscsi.test:mempressure
INI=iqn.2024-01.org.kiscsi.test:mempressure-initiator
ini_setup
initiator_identity "$INI"
echo -1000 >/proc/self/oom_score_adj
must "$LIO" add-target "$IQN" 256 "$LIO_PORT" 2
# LIO drops an ERL 0 connection when an R2T's Data-Out is 3 s late.  On
# the debug kernel (TCG, KASAN) the thrashing guest missed that in 3 of 5
# runs (the Debian kernels never did).  A stall is what this test looks
# for: allow LIO's longest, 60 s, and fail on anything beyond.
must "$LIO" acl-attrib "$IQN" "$INI" dataout_timeout 60
sid=$(ini_login "127.0.0.1:$LIO_PORT" "$IQN" --recovery-timeout 20) || exit 1
swapdev=$(wait_disk "$sid" 0) || exit 1
fiodev=$(wait_disk "$sid" 1) || exit 1

cg=/sys/fs/cgroup
if [ ! -e $cg/cgroup.controllers ]; then
	mount -t cgroup2 none $cg 2>/dev/null
fi
# every kernel the suite runs on has the memory controller: without it
# nothing here would test swap over kiscsi
grep -qw memory $cg/cgroup.controllers ||
	fail "no memory cgroup controller in $cg/cgroup.controllers: the swap part cannot run"
{
	must mkswap "$swapdev"
	must swapon "$swapdev"
	# on a failure too: swap off (it fails fast once the recovery timeout
	# has passed), then no session may outlive the test
	trap 'swapoff -a 2>/dev/null; rmdir $cg/kiscsi-hog 2>/dev/null; "$KISCSI" logout --all >/dev/null 2>&1' EXIT
	echo +memory >$cg/cgroup.subtree_control
	mkdir -p $cg/kiscsi-hog
	# the hog is 5/3 of its cgroup's limit (160 MiB in 96; the debug lane
	# makes it smaller with KISCSI_HOG_MB): at least half the excess must
	# go out to swap and come back
	hog_mb=${KISCSI_HOG_MB:-160}
	limit_mb=$((hog_mb * 3 / 5))
	echo "${limit_mb}M" >$cg/kiscsi-hog/memory.max || fail "cannot limit the hog's cgroup"
	swapped_before=$(awk '/^pswpout/ {print $2}' /proc/vmstat)
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh $cg/kiscsi-hog \
		timeout 900 python3 - "$hog_mb" >"$KISCSI_SCRATCH/hog.log" 2>&1 <<'PY' &
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
	[ "$(kiscsi_json "$sid" ".stats.conn_failures")" = 0 ] ||
		fail "the connection failed under pressure: $(dmesg | grep -E 'connection failed|DataOut' | tail -n 2)"
	[ "$rc" != 124 ] || fail "the memory hog did not finish in 900 s: swap over kiscsi stalled"
	[ "$rc" = 0 ] || fail "the memory hog failed ($rc): swap over kiscsi lost or corrupted pages, or it was killed"
	swapped=$(( $(awk '/^pswpout/ {print $2}' /proc/vmstat) - swapped_before ))
	log "pages swapped out during the run: $swapped; cgroup events: $(tr '\n' ' ' <$cg/kiscsi-hog/memory.events)"
	[ "$swapped" -gt $(((hog_mb - limit_mb) * 128)) ] ||
		fail "only $swapped pages went to swap: no real pressure"
	! dmesg_grep "Out of memory|oom-kill|Write-error on swap" || fail "OOM kill or swap write error"
	must swapoff "$swapdev"
}
ini_logout "$IQN" || fail "logout failed"

# FAILSLAB aimed at kiscsi (debug kernel only), against tgtd: LIO, in the
# same kernel, would see every failed login as a dropped connection, and
# its own Time2Retain timer path has a lockdep report of its own in 6.12.
# The Debian kernels have no fault injection (no CONFIG_FAILSLAB): this
# part is the debug kernel's, and there its absence is a failure.
fs=/sys/kernel/debug/failslab
[ -d "$fs" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ ! -d "$fs" ]; then
	case "$(uname -r)" in
	*debug*) fail "no $fs on the debug kernel: its FAILSLAB part cannot run" ;;
	esac
	grep -q '^CONFIG_FAILSLAB=y' "/boot/config-$(uname -r)" &&
		fail "CONFIG_FAILSLAB=y but no $fs"
	log "no FAILSLAB in this Debian kernel: that part is the debug kernel's"
	exit 0
fi
lio_stop
TIQN=iqn.2024-01.org.kiscsi.test:failslab
tgtd_start
must "$TGTD" add-target 1 "$TIQN" 64
# The stack filter is kiscsi's text: its .text section's address and the
# size of the module's executable sections.  require-start/-end are hex
# ulongs (a negative decimal, as bash prints these addresses, is refused
# and leaves the filter matching every stack: the whole guest fails).
text=$(cat /sys/module/kiscsi/sections/.text)
tsize=0
while read -r hex; do
	tsize=$((tsize + 0x$hex + 64))	# + alignment, generously
done < <(readelf -SW "$KISCSI_KO" |
	awk '{ sub(/^ *\[ *[0-9]+\] */, "") } $7 ~ /X/ { print $5 }')
[ "$tsize" -gt 0 ] || fail "no executable sections in $KISCSI_KO"
end=$(printf '0x%x' $((text + tsize)))
log "kiscsi text at $text, executable sections $tsize bytes"
echo "$text" >"$fs/require-start" || fail "cannot set $fs/require-start"
echo "$end" >"$fs/require-end" || fail "cannot set $fs/require-end"
[ "$(($(cat "$fs/require-start")))" = "$((text))" ] &&
	[ "$(($(cat "$fs/require-end")))" = "$((end))" ] ||
	fail "the FAILSLAB stack filter did not take $text-$end"
echo N >"$fs/ignore-gfp-wait"
echo 0 >"$fs/verbose"

# failslab PERCENT [INTERVAL [TIMES]]: fail that share of kiscsi's
# allocations (of every INTERVALth one, at most TIMES of them, by default
# more than a run makes, so that times counts the failures) from now on
max_failures=1000000
failslab() {
	echo 0 >"$fs/probability"
	echo "${3:-$max_failures}" >"$fs/times"
	echo "${2:-1}" >"$fs/interval"
	echo "$1" >"$fs/probability"
}
trap 'failslab 0' EXIT

# 1. Logins with one allocation failing in each, at a different point of
# the session's creation: the login fails with one line, or gets through
# (the failure hit something that retries) and its disk reads.
logins=0 ok=0 hit=0
for k in 1 2 3 5 8 13 21 34 55 89 144 233; do
	failslab 100 "$k" 1
	out=$("$KISCSI" login --portal "127.0.0.1:$TGT_PORT" --target "$TIQN" 2>&1)
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
		log "login $logins (failing allocation 1 in $k) failed: $out"
	fi
	[ "$(cat "$fs/times")" != 0 ] || hit=$((hit + 1))
	failslab 0
done
log "FAILSLAB, one failure per login: $hit of $logins logins hit one, $ok got through"
[ "$hit" -gt 0 ] || fail "no login hit an injected failure"
[ "$ok" -lt "$logins" ] || fail "no login failed: the failure paths were not taken"
timeout 60 "$KISCSI" logout --all >/dev/null 2>&1
[ -z "$(ls /sys/class/iscsi_session/ 2>/dev/null)" ] || fail "sessions left after the failed logins"

# 2. I/O and logout on a live session: errors or recovery, nothing worse
# (a connection that fails gives up its I/O after 5 s).
sid=$(ini_login "127.0.0.1:$TGT_PORT" "$TIQN" --recovery-timeout 5) || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
failslab 25
timeout 120 dd if=/dev/zero of="$dev" bs=64k count=64 oflag=direct status=none 2>/dev/null
log "write under FAILSLAB: dd exit status $?"
timeout 120 dd if="$dev" of=/dev/null bs=64k count=64 iflag=direct status=none 2>/dev/null
log "read under FAILSLAB: dd exit status $?"
timeout 120 "$KISCSI" logout --all >/dev/null 2>&1
log "logout under FAILSLAB: exit status $?"
injected=$((max_failures - $(cat "$fs/times")))
failslab 0
log "FAILSLAB: $injected allocations under kiscsi failed"
[ "$injected" -gt 0 ] || fail "FAILSLAB failed no allocation under kiscsi"
timeout 60 "$KISCSI" logout --all --force >/dev/null 2>&1
[ -z "$(ls /sys/class/iscsi_session/ 2>/dev/null)" ] || fail "sessions left after the FAILSLAB run"

# 3. Once it stops, everything works as before.
sid=$(ini_login "127.0.0.1:$TGT_PORT" "$TIQN") || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
fio_verify after-failslab "$dev" --rw=randrw --bs=16k --iodepth=4 --size=8M
ini_logout "$TIQN" || fail "logout failed"
exit 0

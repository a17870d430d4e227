#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Node records: discover --save against tgtd with two targets, node list
# --json, login --all logs in to both in parallel (two portals that never
# answer are tried at the same time and fail, a manual node is left alone),
# a second login --all skips both; per-node settings reach the session
# (queue depth, SCSI command timeout, TMF timeout, NOP interval and
# timeout, recovery timeout, digests); logout refuses, in one line, while
# a filesystem is mounted, while the disk is swap, while device-mapper
# holds it and while a program has it open exclusively, and --force logs
# out anyway.
# timeout: 400
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "node records are kiscsi's own"

A=iqn.2024-01.org.kiscsi.test:nodes-a
B=iqn.2024-01.org.kiscsi.test:nodes-b
H1=iqn.2024-01.org.kiscsi.test:nodes-hang1
H2=iqn.2024-01.org.kiscsi.test:nodes-hang2
M=iqn.2024-01.org.kiscsi.test:nodes-manual
HANG_PORT=3299
export KISCSI_CONFIG_DIR=$KISCSI_SCRATCH/etc-kiscsi
NODES=$KISCSI_CONFIG_DIR/nodes
MNT=$KISCSI_SCRATCH/mnt
mkdir -p "$MNT"

hang_pid=
cleanup() {
	umount -l "$MNT" 2>/dev/null
	swapoff -a 2>/dev/null
	dmsetup remove --noudevsync kiscsi-nodes-test 2>/dev/null
	[ -z "$hang_pid" ] || kill "$hang_pid" 2>/dev/null
}
trap cleanup EXIT

ini_setup
tgtd_start
must "$TGTD" add-target 1 "$A" 64
must "$TGTD" add-target 2 "$B" 64
# tgtd answers None to a digest offer unless the target allows CRC32C
must "$TGTD" set 2 HeaderDigest CRC32C,None
must "$TGTD" set 2 DataDigest CRC32C,None

# --- discover --save ---------------------------------------------------------
must "$KISCSI" discover "127.0.0.1:$TGT_PORT" --save --startup automatic \
	--queue-depth 32 --scsi-timeout 77 --tmf-timeout 12 --noop-interval 7
out=$("$KISCSI" node list --json) || fail "node list --json failed"
echo "$out" | sed 's/^/#   /' >&2
echo "$out" | python3 -c '
import json, sys
a, b = sys.argv[1], sys.argv[2]
nodes = json.load(sys.stdin)["nodes"]
for t in (a, b):
    mine = [n for n in nodes if n["target"] == t and n["address"] == "127.0.0.1"]
    assert len(mine) == 1, "%s at 127.0.0.1: %d records" % (t, len(mine))
    n = mine[0]
    assert n["port"] == 3260 and n["tpgt"] == 1, n
    assert n["startup"] == "automatic" and n["auth"] == "none", n
    assert n["settings"] == {"queue_depth": 32, "scsi_timeout": 77,
                             "tmf_timeout": 12, "noop_interval": 7}, n
' "$A" "$B" || fail "node list --json does not show both saved nodes as expected"
# tgtd may answer more than one TargetAddress; keep the loopback ones
for f in "$NODES"/*.node; do
	case $f in
	*,127.0.0.1,3260.node) ;;
	*) log "dropping $(basename "$f")"; rm -f "$f" ;;
	esac
done
[ "$(stat -c %a "$NODES/$A,127.0.0.1,3260.node")" = 644 ] ||
	fail "node record mode is not 0644"
# the rest of the settings, on B's record: a node add changes what it is given
must "$KISCSI" node add --portal "127.0.0.1:$TGT_PORT" --target "$B" \
	--noop-timeout 9 --recovery-timeout 33 --header-digest crc32c --data-digest crc32c

# --- two portals that accept TCP but never answer a login -----------------------
python3 - "$KISCSI_SCRATCH/accepts" "$HANG_PORT" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[2])))
s.listen(16)
open(sys.argv[1] + ".ready", "w").close()
held = []
with open(sys.argv[1], "a") as f:
    while True:
        c, _ = s.accept()
        held.append(c)
        f.write("%.3f\n" % time.monotonic())
        f.flush()
PY
hang_pid=$!
wait_for 10 test -e "$KISCSI_SCRATCH/accepts.ready" || fail "listener did not start"
for t in "$H1" "$H2"; do
	must "$KISCSI" node add --portal "127.0.0.1:$HANG_PORT" --target "$t" \
		--startup automatic --login-timeout 4
done
must "$KISCSI" node add --portal "127.0.0.1:$TGT_PORT" --target "$M"
must "$KISCSI" node list

# --- login --all --------------------------------------------------------------
t0=${EPOCHREALTIME/[.,]/}
"$KISCSI" login --all >"$KISCSI_SCRATCH/all.out" 2>"$KISCSI_SCRATCH/all.err"
rc=$?
t1=${EPOCHREALTIME/[.,]/}
ms=$(((t1 - t0) / 1000))
sed 's/^/#   out: /' "$KISCSI_SCRATCH/all.out" >&2
sed 's/^/#   err: /' "$KISCSI_SCRATCH/all.err" >&2
log "login --all: exit $rc after $ms ms"
[ "$rc" != 0 ] || fail "login --all exited 0 although two nodes cannot log in"
[ "$rc" = 3 ] || fail "login --all exited $rc, expected 3 (no response from the portal)"
for t in "$A" "$B"; do
	grep -q "^$t at 127.0.0.1:3260: session [0-9]" "$KISCSI_SCRATCH/all.out" ||
		fail "no session line for $t"
done
for t in "$H1" "$H2"; do
	grep -q "$t.*no response" "$KISCSI_SCRATCH/all.err" ||
		fail "no failure line for $t"
done
grep -q "$M" "$KISCSI_SCRATCH/all.out" "$KISCSI_SCRATCH/all.err" &&
	fail "login --all touched the manual node $M"
n=$(wc -l <"$KISCSI_SCRATCH/accepts")
[ "$n" = 2 ] || fail "the silent portal saw $n connections, expected 2"
# In order, not in time: one after the other, the second connection would
# come only once the first login's 4 s timeout had ended it.
spread=$(awk 'NR == 1 {a = $1} NR == 2 {d = $1 - a; if (d < 0) d = -d; printf "%d", d * 1000}' "$KISCSI_SCRATCH/accepts")
log "the two silent-portal connections came $spread ms apart"
[ "$spread" -lt 4000 ] ||
	fail "the second login began $spread ms after the first, after its 4 s timeout: not parallel"

sa=$(session_of_target "$A") || fail "no session for $A"
sb=$(session_of_target "$B") || fail "no session for $B"
[ "$(sessions | wc -l)" = 2 ] || fail "expected 2 sessions, have $(sessions | tr '\n' ' ')"
# the node's settings reached the session and its disks
[ "$(kiscsi_json "$sa" '.queue_depth')" = 32 ] || fail "queue depth of session $sa is not 32"
[ "$(kiscsi_json "$sa" '.tmf_timeout')" = 12 ] || fail "TMF timeout of session $sa is not 12"
[ "$(kiscsi_json "$sa" '.nop_interval')" = 7 ] || fail "NOP interval of session $sa is not 7"
[ "$(kiscsi_json "$sb" '.queue_depth')" = 32 ] || fail "queue depth of session $sb is not 32"
[ "$(kiscsi_json "$sb" '.nop_timeout')" = 9 ] || fail "NOP timeout of session $sb is not 9"
[ "$(kiscsi_json "$sb" '.recovery_timeout')" = 33 ] || fail "recovery timeout of session $sb is not 33"
[ "$(kiscsi_json "$sb" '.parameters.HeaderDigest + "," + .parameters.DataDigest')" = CRC32C,CRC32C ] ||
	fail "session $sb did not negotiate the record's digests"
ha=$(session_host "$sa")
to=$(cat /sys/bus/scsi/devices/"$ha":0:0:1/timeout) || fail "no SCSI device $ha:0:0:1"
[ "$to" = 77 ] || fail "SCSI command timeout of $ha:0:0:1 is $to, expected 77"

# --- a second login --all skips what is logged in -----------------------------
for t in "$H1" "$H2"; do
	must "$KISCSI" node delete --target "$t" --portal "127.0.0.1:$HANG_PORT"
done
out=$("$KISCSI" login --all 2>&1) || fail "second login --all failed: $out"
echo "$out" | sed 's/^/#   /' >&2
for t in "$A" "$B"; do
	echo "$out" | grep -q "^$t at 127.0.0.1:3260: already logged in" ||
		fail "second login --all did not skip $t"
done
[ "$(sessions | wc -l)" = 2 ] || fail "second login --all changed the sessions: $(sessions | tr '\n' ' ')"

# --- logout refuses while the disk is in use ----------------------------------
da=$(wait_disk "$sa" 1) || exit 1
refuses() {	# refuses WHAT PATTERN
	local out rc
	out=$("$KISCSI" logout --target "$A" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/#   /' >&2
	[ "$rc" != 0 ] || fail "logout succeeded while $1"
	[ "$(wc -l <<<"$out")" = 1 ] || fail "logout while $1: more than one line"
	echo "$out" | grep -q "not logging out session $sa.*$2.*--force" ||
		fail "logout while $1: no clear refusal naming '$2'"
	[ -e "/sys/class/iscsi_session/session$sa" ] || fail "session $sa gone while $1"
}
must mkfs.ext4 -q -F "$da"
must mount "$da" "$MNT"
echo data >"$MNT/file"
refuses "a filesystem is mounted" "$da is mounted on $MNT"
must umount "$MNT"

must mkswap -q "$da"
must swapon "$da"
refuses "it is swap" "$da is in use as swap"
must swapoff "$da"

sectors=$(blockdev --getsz "$da")
must dmsetup create --noudevsync kiscsi-nodes-test --table "0 $sectors linear $da 0"
refuses "device-mapper holds it" "held by dm-[0-9]* (device-mapper kiscsi-nodes-test"
must dmsetup remove --noudevsync kiscsi-nodes-test

# an exclusive opener (what mkfs, LVM tools or a VM hypervisor do)
python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL)
open(sys.argv[2], "w").close()
time.sleep(300)' "$da" "$KISCSI_SCRATCH/excl.ready" &
excl=$!
wait_for 30 test -e "$KISCSI_SCRATCH/excl.ready" || fail "could not open $da exclusively"
refuses "a program has it open exclusively" "$da is open exclusively by another program"
kill "$excl"
wait "$excl" 2>/dev/null

# B is not in use: logout --all logs it out and still refuses A
must mkfs.ext4 -q -F "$da"
must mount -o ro "$da" "$MNT"
"$KISCSI" logout --all >"$KISCSI_SCRATCH/lo.out" 2>&1 && fail "logout --all exited 0 with $da mounted"
sed 's/^/#   /' "$KISCSI_SCRATCH/lo.out" >&2
[ ! -e "/sys/class/iscsi_session/session$sb" ] || fail "logout --all left session $sb, which was not in use"
[ -e "/sys/class/iscsi_session/session$sa" ] || fail "logout --all took session $sa with $da mounted"

# --force: out it goes
must "$KISCSI" logout --target "$A" --force
[ ! -e "/sys/class/iscsi_session/session$sa" ] || fail "logout --force left session $sa"
umount -l "$MNT" 2>/dev/null
[ "$(sessions | wc -l)" = 0 ] || fail "sessions left: $(sessions | tr '\n' ' ')"
exit 0

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kiscsi demo ('make demo' builds first): one QEMU guest that starts
# tgtd with a 256 MiB disk, loads kiscsi.ko, discovers and logs in with the
# kiscsi helper, shows lsblk and 'kiscsi session', runs a short fio, and
# logs out.
#
#   scripts/demo.sh [KVER]     default: the newest kernel from scripts/kernels.sh
#
# Inside the guest the same script runs with --guest.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" != --guest ]; then
	kver=${1:-$("$root/scripts/kernels.sh" | tr ' ' '\n' | grep . | tail -n1)}
	[ -n "$kver" ] || { echo "demo: no test kernel (run 'make deps')" >&2; exit 1; }
	for f in "$root/build/kernel/$kver/kiscsi.ko" "$root/build/bin/kiscsi"; do
		[ -e "$f" ] || { echo "demo: $f missing: run 'make demo' (or 'make all' first)" >&2; exit 1; }
	done
	exec "$root/scripts/vm/run.sh" --kernel "$kver" --timeout "${KISCSI_DEMO_TIMEOUT:-600}" \
		--name "demo-$kver" -- "$root/scripts/demo.sh" --guest
fi

# --- in the guest ------------------------------------------------------------
IQN=iqn.2024-01.org.kiscsi:demo
PORTAL=127.0.0.1:3260
kiscsi=$KISCSI
step() { printf '\n==> %s\n' "$*"; }
show() { printf '$ %s\n' "$*" >&2; "$@"; }
die() { echo "demo: FAILED: $*"; exit 1; }
cleanup() {
	"$kiscsi" logout --all >/dev/null 2>&1
	"$root/scripts/targets/tgtd.sh" stop >/dev/null 2>&1
}
trap cleanup EXIT

echo "kiscsi demo in a QEMU guest running Linux $(uname -r)"

step "Start a target: tgtd with a 256 MiB disk (LUN 1) at $PORTAL"
show "$root/scripts/targets/tgtd.sh" start || die "tgtd did not start"
show "$root/scripts/targets/tgtd.sh" add-target 1 "$IQN" 256 || die "cannot create the target"

step "Load the initiator module"
show modprobe scsi_transport_iscsi || die "no scsi_transport_iscsi"
show modprobe libcrc32c || die "no libcrc32c"
show insmod "$KISCSI_KO" || die "insmod failed"

step "Discover the targets behind the portal"
show "$kiscsi" discover "$PORTAL" || die "discovery failed"

step "Log in: kiscsi does the login in userspace, then hands the socket to kiscsi.ko"
show "$kiscsi" login --portal "$PORTAL" --target "$IQN" || die "login failed"

step "The new disk"
show lsblk -o NAME,SIZE,TRAN,VENDOR,MODEL,HCTL
dev=
for b in /sys/class/iscsi_session/session*/device/target*/*:*:*:1/block/*; do
	[ -e "$b" ] && dev=/dev/${b##*/}
done
[ -n "$dev" ] || die "no disk at LUN 1"

step "The session"
show "$kiscsi" session || die "kiscsi session failed"

step "A short fio run on $dev: 4 KiB random reads and writes, then 1 MiB sequential writes with verify"
show fio --name=rand4k --filename="$dev" --direct=1 --ioengine=libaio --rw=randrw \
	--bs=4k --iodepth=16 --runtime=5 --time_based --size=256M --group_reporting \
	--output-format=terse --terse-version=3 >/tmp/fio-rand.out || die "fio failed"
awk -F';' '{ printf "randrw 4k QD16: read %s IOPS, write %s IOPS\n", $8, $49 }' /tmp/fio-rand.out
show fio --name=seq1m --filename="$dev" --direct=1 --ioengine=libaio --rw=write \
	--bs=1m --iodepth=8 --size=128M --verify=crc32c --verify_fatal=1 \
	--output-format=terse --terse-version=3 >/tmp/fio-seq.out || die "fio verify failed"
awk -F';' '{ printf "seq write 1M QD8 + verify: write %d KiB/s, verify read %d KiB/s, no errors\n", $48, $7 }' /tmp/fio-seq.out

step "Log out"
show "$kiscsi" logout --target "$IQN" || die "logout failed"
show "$kiscsi" session
show lsblk -o NAME,SIZE,TRAN
show rmmod kiscsi || die "rmmod failed"
"$root/scripts/targets/tgtd.sh" stop
trap - EXIT
printf '\ndemo: OK\n'

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sanity check of the harness and target helpers with open-iscsi (iscsid +
# iscsi_tcp), not part of 'make check':
#   scripts/vm/run.sh --kernel KVER -- selftests/vm/smoke-open-iscsi.sh
# tgtd on 3260 and LIO on 3261 at once; discovery, login, fio verify on
# each, then logout and teardown.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

IQN_T=iqn.2024-01.org.kiscsi:smoke-tgtd
IQN_L=iqn.2024-01.org.kiscsi:smoke-lio
FIO_SIZE=${KISCSI_FIO_SIZE:-128M}

cleanup() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	pkill -x iscsid 2>/dev/null
	tgtd_stop
	lio_stop
}
trap cleanup EXIT

t0=$(date +%s)
tgtd_start
must "$TGTD" add-target 1 "$IQN_T" 256
must "$TGTD" set 1 InitialR2T No
must "$TGTD" set 1 FirstBurstLength 262144
must "$LIO" add-target "$IQN_L" 256 "$LIO_PORT"
must "$LIO" attrib "$IQN_L" default_cmdsn_depth 4
log "targets up after $(($(date +%s) - t0)) s"

must modprobe iscsi_tcp
setsid iscsid -f </dev/null >"$KISCSI_SCRATCH/iscsid.log" 2>&1 &
wait_for 10 grep -q ISCSIADM_ABSTRACT /proc/net/unix || fail "iscsid did not start"
must iscsiadm -m discovery -t st -p "127.0.0.1:$TGT_PORT"
must iscsiadm -m discovery -t st -p "127.0.0.1:$LIO_PORT"
must iscsiadm -m node -T "$IQN_T" -p "127.0.0.1:$TGT_PORT" --login
must iscsiadm -m node -T "$IQN_L" -p "127.0.0.1:$LIO_PORT" --login
st=$(session_of_target "$IQN_T") || fail "no session for $IQN_T"
sl=$(session_of_target "$IQN_L") || fail "no session for $IQN_L"
wait_for 20 session_disk "$st" 1 || fail "no disk at LUN 1 of session $st"
wait_for 20 session_disk "$sl" 0 || fail "no disk at LUN 0 of session $sl"
dt=$(session_disk "$st" 1)
dl=$(session_disk "$sl" 0)
log "tgtd session $st host $(session_host "$st") disk $dt; LIO session $sl host $(session_host "$sl") disk $dl"
run lsblk -o NAME,SIZE,TRAN,VENDOR,MODEL
run sg_inq "$dt"
run sg_readcap "$dt"
for f in targetname initiatorname state; do
	log "session$st/$f: $(cat /sys/class/iscsi_session/session$st/$f)"
done
for f in persistent_address persistent_port state; do
	log "connection$st:0/$f: $(cat /sys/class/iscsi_connection/connection$st:0/$f)"
done

t1=$(date +%s)
fio_verify tgtd-mixed "$dt" --rw=randrw --bssplit=512/10:4k/40:64k/20:1m/20:4m/10 --iodepth=8
log "fio tgtd: $(($(date +%s) - t1)) s"
t1=$(date +%s)
fio_verify lio-qd32 "$dl" --rw=randwrite --bs=4k --iodepth=32 --size=64M
log "fio lio: $(($(date +%s) - t1)) s"

must iscsiadm -m node --logoutall=all
[ -z "$(sessions)" ] || fail "sessions left after logout: $(sessions)"
log "total $(($(date +%s) - t0)) s"

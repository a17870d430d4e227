#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# MaxOutstandingR2T above 1: kiscsi offers 4; LIO, once its portal group's
# MaxOutstandingR2T is raised from 1, sends several R2Ts for one large
# write before any Data-Out arrives.  With InitialR2T=Yes, no immediate
# data and a small MaxBurstLength every large write is cut into many
# bursts: fio verifies, the session counted R2Ts with more than one
# outstanding at once, and the connection never failed.
# timeout: 600
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
IQN=iqn.2024-01.org.kiscsi.test:lio-r2t
ini_setup
must "$LIO" add-target "$IQN" 64 "$LIO_PORT"
must "$LIO" param "$IQN" MaxOutstandingR2T 4
must "$LIO" param "$IQN" InitialR2T Yes
must "$LIO" param "$IQN" ImmediateData No
must "$LIO" param "$IQN" MaxBurstLength 65536
must "$LIO" param "$IQN" FirstBurstLength 65536

sid=$(ini_login "127.0.0.1:$LIO_PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 0) || exit 1
v=$(kiscsi_json "$sid" ".parameters.MaxOutstandingR2T")
[ "$v" = 4 ] || fail "MaxOutstandingR2T negotiated to $v, not 4"
[ "$(cat "/sys/class/iscsi_session/session$sid/max_outstanding_r2t")" = 4 ] ||
	fail "sysfs max_outstanding_r2t is not 4"
# Whether two R2Ts of a command are ever outstanding at once depends on
# how LIO's R2Ts and kiscsi's Data-Out interleave: up to three runs.
for try in 1 2 3; do
	fio_verify "r2t4-$try" "$dev" --rw=randwrite --bssplit=256k/50:1m/50 --iodepth=8 --size=32M
	log "stats: $(kiscsi_json "$sid" ".stats")"
	peak=$(kiscsi_json "$sid" ".stats.r2t_peak")
	[ "${peak:-0}" -le 1 ] || break
done
[ "${peak:-0}" -gt 1 ] || fail "never more than ${peak:-0} R2T outstanding for a command"
[ "$(kiscsi_json "$sid" ".stats.conn_failures")" = 0 ] || fail "the connection failed"
ini_logout "$IQN" || fail "logout failed"
exit 0

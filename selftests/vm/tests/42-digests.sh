#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CRC32C header and data digests: negotiated from kiscsi login's options,
# shown in sysfs and in kiscsi session, and carried through fio verify with
# immediate, unsolicited and solicited data against tgtd and LIO, with no
# digest error counted.  With a data digest the disks ask for stable pages
# and every data byte is copied into the socket; without one none is.
# timeout: 600
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup

# check_digests SID HEADER DATA: sysfs (1/0, as iscsi_tcp shows them) and
# kiscsi session (CRC32C/None) agree
check_digests() {
	local c=/sys/class/iscsi_connection/connection$1:0 v want
	for k in header:$2 data:$3; do
		want=0
		[ "${k#*:}" = CRC32C ] && want=1
		v=$(cat "$c/${k%%:*}_digest") || fail "no $c/${k%%:*}_digest"
		[ "$v" = "$want" ] || fail "${k%%:*}_digest is '$v', not $want"
	done
	v=$(kiscsi_json "$1" ".parameters.HeaderDigest")
	[ "$v" = "$2" ] || fail "kiscsi session: HeaderDigest is '$v', not $2"
	v=$(kiscsi_json "$1" ".parameters.DataDigest")
	[ "$v" = "$3" ] || fail "kiscsi session: DataDigest is '$v', not $3"
}

# data_copied SID all|none: with a data digest every data byte is copied
# into the socket (the digest covers what was sent); without one, none is
# (the pages are spliced)
data_copied() {
	local data copied
	data=$(kiscsi_json "$1" ".stats.tx_data_bytes")
	copied=$(kiscsi_json "$1" ".stats.tx_copied_bytes")
	log "session $1: $copied of $data data bytes copied"
	[ "${data:-0}" -gt 0 ] || fail "session $1 sent no data"
	case $2 in
	all) [ "$copied" = "$data" ] || fail "session $1 spliced data under a data digest" ;;
	none) [ "$copied" = 0 ] || fail "session $1 copied $copied bytes with no data digest" ;;
	esac
}

no_digest_errors() {
	local n
	n=$(kiscsi_json "$1" ".stats.digest_errors")
	log "session $1 stats: $(kiscsi_json "$1" ".stats")"
	[ "$n" = 0 ] || fail "session $1 counted $n digest errors"
}

# tgtd: both digests, small segments so every write has several Data-Outs
TIQN=iqn.2024-01.org.kiscsi.test:digest-tgtd
tgtd_start
must "$TGTD" add-target 1 "$TIQN" 96
must "$TGTD" set 1 HeaderDigest CRC32C,None
must "$TGTD" set 1 DataDigest CRC32C,None
must "$TGTD" set 1 InitialR2T No
must "$TGTD" set 1 MaxRecvDataSegmentLength 8192
sid=$(ini_login "127.0.0.1:$TGT_PORT" "$TIQN" \
	--header-digest crc32c --data-digest crc32c) || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
check_digests "$sid" CRC32C CRC32C
stable=$(cat "/sys/block/${dev#/dev/}/queue/stable_writes")
[ "$stable" = 1 ] || fail "$dev: stable_writes is $stable with a data digest"
fio_verify tgtd-digests "$dev" --rw=randrw --rwmixread=50 --iodepth=8 \
	--bssplit=512/10:4k/40:64k/30:1m/20 --size=48M
no_digest_errors "$sid"
data_copied "$sid" all
ini_logout "$TIQN" || fail "logout failed"

# LIO: header digest only, then both
LIQN=iqn.2024-01.org.kiscsi.test:digest-lio
must "$LIO" add-target "$LIQN" 64 "$LIO_PORT"
sid=$(ini_login "127.0.0.1:$LIO_PORT" "$LIQN" --header-digest crc32c) || exit 1
dev=$(wait_disk "$sid" 0) || exit 1
check_digests "$sid" CRC32C None
stable=$(cat "/sys/block/${dev#/dev/}/queue/stable_writes")
[ "$stable" = 0 ] || fail "$dev: stable_writes is $stable without a data digest"
fio_verify lio-hdigest "$dev" --rw=randrw --iodepth=16 \
	--bssplit=4k/50:128k/50 --size=32M
no_digest_errors "$sid"
data_copied "$sid" none
ini_logout "$LIQN" || fail "logout failed"

sid=$(ini_login "127.0.0.1:$LIO_PORT" "$LIQN" \
	--header-digest crc32c --data-digest crc32c) || exit 1
dev=$(wait_disk "$sid" 0) || exit 1
check_digests "$sid" CRC32C CRC32C
stable=$(cat "/sys/block/${dev#/dev/}/queue/stable_writes")
[ "$stable" = 1 ] || fail "$dev: stable_writes is $stable with a data digest"
fio_verify lio-digests "$dev" --rw=randrw --iodepth=16 \
	--bssplit=512/10:4k/40:256k/30:1m/20 --size=32M
no_digest_errors "$sid"
data_copied "$sid" all
ini_logout "$LIQN" || fail "logout failed"
exit 0

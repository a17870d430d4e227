#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Login to tgtd: the session and connection appear in the iSCSI transport
# class with real values (targetname, initiatorname, state, portal), one
# SCSI host per session, the disk at LUN 1 once login returns, and
# 'kiscsi session' (and --json) list it; the default NOP-Out interval and
# timeout (5 s / 5 s) and digests (none) are in force.
# timeout: 180
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

IQN=iqn.2024-01.org.kiscsi.test:login
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$IQN" 64

sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN") || exit 1
s=/sys/class/iscsi_session/session$sid
c=/sys/class/iscsi_connection/connection$sid:0
[ -d "$s" ] || fail "no $s"
[ -d "$c" ] || fail "no $c"
for f in "$s"/{targetname,initiatorname,state,tpgt,recovery_tmo} "$c"/{persistent_address,persistent_port,state}; do
	log "$f: $(<"$f")"
done
[ "$(<"$s/targetname")" = "$IQN" ] || fail "targetname is not $IQN"
[ "$(<"$s/state")" = LOGGED_IN ] || fail "session state is not LOGGED_IN"
ini=$(<"$s/initiatorname")
case "$ini" in iqn.*|eui.*|naa.*) ;; *) fail "initiatorname '$ini' is not an iSCSI name" ;; esac
if [ -r /etc/iscsi/initiatorname.iscsi ]; then
	want=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)
	[ "$ini" = "$want" ] || fail "initiatorname $ini is not the machine's $want"
fi
[ "$(<"$c/persistent_address")" = 127.0.0.1 ] || fail "persistent_address is not 127.0.0.1"
[ "$(<"$c/persistent_port")" = "$TGT_PORT" ] || fail "persistent_port is not $TGT_PORT"
[ "$(<"$c/state")" = up ] || fail "connection state is not 'up'"
# the defaults: NOP-Out every 5 s with a 5 s timeout, no digests
for a in recv_tmo:5 ping_tmo:5 header_digest:0 data_digest:0; do
	v=$(<"$c/${a%:*}") || fail "no $c/${a%:*}"
	[ "$v" = "${a#*:}" ] || fail "${a%:*} is '$v', not the default ${a#*:}"
done
if is_kiscsi; then
	[ "$(kiscsi_json "$sid" ".nop_interval") $(kiscsi_json "$sid" ".nop_timeout")" = "5 5" ] ||
		fail "kiscsi session: NOP-Out interval and timeout are not the default 5 s / 5 s"
fi

host=$(session_host "$sid")
log "session $sid on host $host"
[ -d "/sys/class/scsi_host/host$host" ] || fail "no scsi_host host$host"
[ -d "/sys/class/iscsi_host/host$host" ] || fail "no iscsi_host host$host"
[ "$(ls -d /sys/class/iscsi_session/session*/device 2>/dev/null | wc -l)" = 1 ] ||
	fail "more than one session"

# Login returns once the LUNs are scanned: no waiting for kiscsi.
if is_kiscsi; then
	dev=$(session_disk "$sid" 1) || fail "no disk at LUN 1 when login returned"
else
	dev=$(wait_disk "$sid" 1) || exit 1
fi
log "disk $dev"
[ -b "$dev" ] || fail "$dev is not a block device"
run lsblk -o NAME,SIZE,TRAN,VENDOR,MODEL,HCTL
tran=$(lsblk -dno TRAN "$dev" | tr -d ' ')
[ "$tran" = iscsi ] || fail "lsblk shows TRAN '$tran' for $dev, not iscsi"
must dd if="$dev" of=/dev/null bs=1M count=4 iflag=direct status=none

if is_kiscsi; then
	out=$KISCSI_SCRATCH/session.out
	"$KISCSI" session >"$out" 2>&1 || fail "kiscsi session failed"
	sed 's/^/#   /' "$out"
	grep -qF "$IQN" "$out" || fail "kiscsi session does not list $IQN"
	"$KISCSI" session --json >"$out" 2>&1 || fail "kiscsi session --json failed"
	sed 's/^/#   /' "$out"
	if command -v python3 >/dev/null; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out" ||
			fail "kiscsi session --json is not valid JSON"
	fi
	grep -qF "$IQN" "$out" || fail "kiscsi session --json does not list $IQN"
fi
ini_logout "$IQN" || fail "logout failed"
exit 0

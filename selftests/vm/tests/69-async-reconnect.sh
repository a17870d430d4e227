#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The target ends the connection and says when to come back: Async
# dropping-connection and dropping-all-connections (Parameter2 = 3 s),
# logout-requested and renegotiation-requested (the initiator logs the
# connection out; the Logout Response's Time2Wait = 3 s), from the project's scripted target, in the
# middle of fio verify, with 'kiscsi daemon' running.  The conn-failed
# event carries that Time2Wait, the relogin comes no sooner, and it is a
# reinstatement as RFC 7143 and the targets expect: the session's ISID,
# TSIH 0, CID 0, the session's next CmdSN.  Verify passes.
# timeout: 300
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
ini_setup
IQN=iqn.2024-01.org.kiscsi.test:async-reconnect
. "$KISCSI_ROOT/selftests/vm/scripted-target.sh"

dlog=$KISCSI_SCRATCH/daemon.log
"$KISCSI" daemon 2>"$dlog" &
dpid=$!
trap 'kill $dpid 2>/dev/null' EXIT
wait_for 10 grep -q "watching the sessions" "$dlog" || fail "the daemon did not start"

# login_req_at N: the time (s, target clock) of the Nth login request
login_req_at() { grep 'rx login-req' "$pdus" | awk -v n="$1" 'NR == n { print $1 }'; }

for c in drop-conn drop-all logout-request renegotiate; do
	start_case "$c" "async-$c" --once --after 100 --time2wait 3
	login_case --recovery-timeout 60
	isid=$(cat "/sys/class/iscsi_session/session$sid/isid")
	FIO_SIZE=8M FIO_CAP= fio_verify "$c" "$dev" --rw=randwrite --bs=16k --iodepth=8
	expect_event '.event == "conn_failed" and .reason == "target_logout" and .time2wait == 3'
	expect_event '.event == "conn_restored"' 30
	[ "$(kiscsi_json "$sid" .state)" = logged-in ] || fail "$CASE: session $sid is not logged in"
	grep -q "event scenario async-$c sent" "$pdus" || fail "$CASE: the scenario did not strike"
	# the first login of each connection: the session's, then the relogin's
	first=$(grep 'rx login-req' "$pdus" | awk '{ print $2 }' | sort -u | sed -n 2p)
	relogin=$(grep "$first rx login-req" "$pdus" | head -n 1)
	log "relogin: $relogin"
	[[ $relogin == *" isid=$isid tsih=0 cid=0 "* ]] ||
		fail "$CASE: the relogin is not a reinstatement with ISID $isid, TSIH 0, CID 0: $relogin"
	struck=$(awk '/event scenario async-/ { print $1; exit }' "$pdus")
	at=$(grep "$first rx login-req" "$pdus" | awk 'NR == 1 { print $1 }')
	awk -v a="$struck" -v b="$at" 'BEGIN { exit !(b - a >= 3) }' ||
		fail "$CASE: relogin $at s after the async message at $struck s, before Time2Wait (3 s)"
	# the relogin's CmdSN: the session's next one, as the first command
	# after it shows (a reinstated session starts its window there)
	cmdsn=${relogin##*cmdsn=}
	cmdsn=${cmdsn%% *}
	next=$(grep "$first rx scsi-cmd" "$pdus" | head -n 1)
	[[ $next == *" cmdsn=$cmdsn "* ]] ||
		fail "$CASE: the relogin said CmdSN $cmdsn, the first command after it: $next"
	end_case
done
grep -q "secret\|password" "$dlog" && fail "the daemon logged a secret"
exit 0

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reconnection: with 'kiscsi daemon' running, fio verify (crc32c, random
# writes, then verify, round after round) goes on without one I/O error
# while the session's connection is killed (ss -K) at random moments,
# against tgtd and LIO; while the target restarts (tgtd killed and started
# again over the same LUN files, the daemon SIGKILLed between two refused
# relogins and a new one adopting the session; LIO's TPG disabled and
# enabled); and for a session logged in with mutual CHAP from the
# command line, whose secrets only the relogin record holds.  Each kill's
# recovery time (the kernel's outage: failure to unblock) is printed, with
# min/median/max per target.  The session, its host and its disk stay the
# same objects throughout.  6.12 runs it all; 6.1 and the debug kernel
# kill tgtd's connection 3 times: the kernel's side of every case is a
# failure and a CONN_REPLACE, and the rest is the daemon's (userspace) or
# LIO's (whose own lockdep report on a dropped connection is not
# kiscsi's: no LIO on the debug kernel).
# timeout: 600
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
case ${KISCSI_LANE:-all} in
6.1 | debug) KILLS=3 ALL_CASES=0 ;;
*) KILLS=10 ALL_CASES=1 ;;
esac
T=iqn.2024-01.org.kiscsi.test:reconnect
M=iqn.2024-01.org.kiscsi.test:reconnect-chap
L=iqn.2024-01.org.kiscsi.test:reconnect-lio
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$T" 64
must "$TGTD" add-target 2 "$M" 32
must "$TGTD" chap 2 kuser kpassword-0123 tuser tpassword-4567

events=$KISCSI_SCRATCH/events
"$KISCSI" monitor --json >"$events" 2>"$events.err" &
mpid=$!
dlog=$KISCSI_SCRATCH/daemon.log
start_daemon() {
	"$KISCSI" daemon 2>>"$dlog" &
	dpid=$!
	wait_for 10 grep -q "watching the sessions" "$dlog" || fail "the daemon did not start"
}
cleanup() {
	kill "$mpid" "$dpid" "$fpid" 2>/dev/null
	touch "$KISCSI_SCRATCH/fio-stop"
	wait 2>/dev/null
}
trap cleanup EXIT
wait_for 10 grep -q listening "$events.err" || fail "no event monitor"
: >"$dlog"
start_daemon

state() { cat "/sys/class/iscsi_session/session$1/state" 2>/dev/null; }
# conn_restored events of session $1 so far
restored() {
	jq -c "select(.event == \"conn_restored\" and .session == $1)" "$events" 2>/dev/null | wc -l
}

restored_since() { [ "$(restored "$1")" -gt "$2" ]; }
# wait_restored SID BEFORE WHAT: a new conn_restored event, then LOGGED_IN
wait_restored() {
	wait_for $((60 * TIME_SCALE)) restored_since "$1" "$2" ||
		fail "session $1 did not come back after $3 ($(state "$1")); daemon: $(tail -n 3 "$dlog" | tr '\n' ' '); events: $(tail -n 3 "$events" | tr '\n' ' ')"
	[ "$(state "$1")" = LOGGED_IN ] || fail "session $1 is $(state "$1") after $3"
}

# kill_loop SID PORT COUNT: kill the session's connection COUNT times at
# random moments; each time wait for it to come back
kill_loop() {
	local sid=$1 port=$2 i before
	for ((i = 1; i <= $3; i++)); do
		sleep "0.$((RANDOM % 9 + 1))"
		before=$(restored "$sid")
		ss -K dst 127.0.0.1 dport = ":$port" >/dev/null 2>&1 ||
			fail "ss -K failed (CONFIG_INET_DIAG_DESTROY?)"
		wait_restored "$sid" "$before" "kill $i"
	done
}

# outages SID: the outage_ms of every conn_restored event of SID, sorted
outages() {
	jq -r "select(.event == \"conn_restored\" and .session == $1) | .outage_ms" "$events" | sort -n
}
report() {
	local v n
	mapfile -t v < <(outages "$2")
	n=${#v[@]}
	[ "$n" -gt 0 ] || fail "no recovery of session $2 recorded"
	log "recovery times on $1 ($n): min ${v[0]} ms, median ${v[n / 2]} ms, max ${v[n - 1]} ms"
	echo "# recovery $1 ${KISCSI_LANE:-all} n=$n min=${v[0]} median=${v[n / 2]} max=${v[n - 1]}"
}

# --- tgtd: kills ----------------------------------------------------------------
sid=$(ini_login "127.0.0.1:$TGT_PORT" "$T") || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
host=$(session_host "$sid")
fio_rounds tgtd "$dev" "${FIO_CAP:-32M}"
kill_loop "$sid" "$TGT_PORT" "$KILLS"
report tgtd "$sid"

if [ "$ALL_CASES" = 0 ]; then
	fio_stop tgtd
	grep -q '"session_timed_out"' "$events" && fail "a session timed out"
	must "$KISCSI" logout --session "$sid"
	exit 0
fi

# --- tgtd killed, the daemon killed, both back ----------------------------------
# tgtd dies; the daemon's relogins are refused; the daemon is SIGKILLed
# between two of them; tgtd comes back with the same configuration and
# LUN files; the session stays failed until a new daemon adopts it
before=$(restored "$sid")
log "killing tgtd"
must "$TGTD" crash
wait_for $((20 * TIME_SCALE)) grep -q "session $sid .*relogin attempt 1 failed" "$dlog" ||
	fail "no failed relogin while tgtd was down: $(tail -n 3 "$dlog" | tr '\n' ' ')"
kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
must "$TGTD" start "$TGT_PORT"
must "$TGTD" restore-target 1 "$T"
must "$TGTD" restore-target 2 "$M"
must "$TGTD" chap 2 kuser kpassword-0123 tuser tpassword-4567
sleep 2
[ "$(state "$sid")" != LOGGED_IN ] || fail "session $sid came back with no daemon"
log "daemon killed, tgtd back; session $sid is $(state "$sid")"
start_daemon
wait_restored "$sid" "$before" "a new daemon adopted it"
grep -q "session $sid .*restored" "$dlog" || fail "the new daemon did not log the recovery"
sleep 2
fio_stop tgtd
[ "$(session_host "$sid")" = "$host" ] || fail "session $sid moved from host $host"
[ "$(session_disk "$sid" 1)" = "$dev" ] || fail "the disk of session $sid is no longer $dev"

# --- mutual CHAP from the command line ----------------------------------------
csid=$(ini_login "127.0.0.1:$TGT_PORT" "$M" --username kuser --password kpassword-0123 \
	--username-in tuser --password-in tpassword-4567) || exit 1
cdev=$(wait_disk "$csid" 1) || exit 1
rec=/run/kiscsi/sessions/$csid
[ "$(stat -c %a "$rec")" = 600 ] || fail "$rec is mode $(stat -c %a "$rec"), not 600"
grep -q kpassword "$rec" && fail "$rec holds a secret in clear text"
fio_rounds chap "$cdev" 16M
kill_loop "$csid" "$TGT_PORT" 2
fio_stop chap
must "$KISCSI" logout --session "$csid"
[ ! -e "$rec" ] || fail "logout left $rec"
grep -q "tpassword\|kpassword" "$dlog" && fail "the daemon logged a secret"

# --- LIO: kills, then the TPG disabled and enabled ----------------------------
must "$LIO" add-target "$L" 64 "$LIO_PORT"
lsid=$(ini_login "127.0.0.1:$LIO_PORT" "$L") || exit 1
ldev=$(wait_disk "$lsid" 0) || exit 1
fio_rounds lio "$ldev" "${FIO_CAP:-32M}"
kill_loop "$lsid" "$LIO_PORT" "$KILLS"
report lio "$lsid"
before=$(restored "$lsid")
log "LIO TPG disabled for 2 s"
must "$LIO" enable "$L" 0
sleep 2
must "$LIO" enable "$L" 1
wait_restored "$lsid" "$before" "the TPG came back"
sleep 2
fio_stop lio
must "$KISCSI" logout --session "$lsid"

grep -q '"session_timed_out"' "$events" && fail "a session timed out"
must "$KISCSI" logout --session "$sid"
exit 0

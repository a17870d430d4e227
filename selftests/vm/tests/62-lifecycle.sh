#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Session lifecycle races, driven on demand by the scripted target.
#   - bad-pdu-after-login: right behind the final login response the
#     target sends a PDU with an unknown opcode, so kiscsi.ko's io_work
#     fails the connection while the session is still being brought up
#     (a close would not do: kiscsi.ko refuses a socket that is no longer
#     connected).  The failure must win: the session stays FAILED (never
#     marked logged in over the failure, which left queuecommand busy
#     forever and the login hung in its LUN scan), the login returns, the
#     recovery timeout ends it, and logout works.
#   - stop-reading: the target stops reading its socket while writes are
#     in flight, so TCP's window shuts and nothing more leaves, NOP-Out
#     pings included.  The NOP timeout must still declare it dead: its
#     clock starts when the ping is queued, not when it has left.
#   - nop-reply: a target's NOP-In ping on an idle connection (no pings
#     of ours, no I/O) is answered at once, not held back by MSG_MORE
#     until something else is sent.
#   - nexus: kiscsi.ko itself refuses a second session of one I_T nexus
#     (initiator name, ISID, target).  Two logins of one key whose locks
#     are in different directories (as two mount namespaces would have)
#     both pass the library's check while the target holds their final
#     login responses; the second SESSION_CREATE gets EEXIST (exit 10).
# timeout: 300
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup
IQN=iqn.2024-01.org.kiscsi.test:lifecycle

. "$KISCSI_ROOT/selftests/vm/scripted-target.sh"

start_case bad-pdu-after-login nop-in-ping --bad-pdu-after-login
out=$(timeout $((30 * TIME_SCALE)) "$KISCSI" login --portal "127.0.0.1:$PORT" \
	--target "$IQN" --recovery-timeout 5 2>&1)
rc=$?
echo "$out" | indent
[ "$rc" != 124 ] || fail "$CASE: login still waiting after $((30 * TIME_SCALE)) s"
[ "$rc" = 0 ] || fail "$CASE: login exited $rc"
[[ $out =~ session\ ([0-9]+) ]] && sid=${BASH_REMATCH[1]}
[ -n "$sid" ] || fail "$CASE: no session in the login's output"
expect_failed protocol
wait_for $((10 * TIME_SCALE)) sh -c "[ \"\$(cat /sys/class/iscsi_session/session$sid/state)\" = FREE ]" ||
	fail "$CASE: the recovery timeout did not end session $sid (state $(cat "/sys/class/iscsi_session/session$sid/state"))"
[ "$(kiscsi_json "$sid" .state)" = timed-out ] ||
	fail "$CASE: session $sid is $(kiscsi_json "$sid" .state), not timed-out"
dmesg_grep "session $sid .*lost its connection during the LUN scan" ||
	fail "$CASE: no kernel line saying the connection was lost while coming up"
end_case

start_case stop-reading stop-reading --first-burst 262144 --max-burst 262144
login_case --noop-interval 2 --noop-timeout 3
# the first command of these makes the target stop reading; 8 MiB of
# immediate data in flight fills both ends' buffers
fio --name=fill --filename="$dev" --direct=1 --ioengine=libaio --rw=write \
	--bs=256k --iodepth=32 --size=15M >"$KISCSI_SCRATCH/fill.out" 2>&1 &
fpid=$!
expect_failed nop_timeout $((30 * TIME_SCALE))
wait_for $((60 * TIME_SCALE)) sh -c "! kill -0 $fpid 2>/dev/null" ||
	fail "$CASE: writes still held after the recovery timeout"
end_case

start_case nop-reply nop-in-ping
login_case --noop-interval 0
wait_for $((10 * TIME_SCALE)) grep -q 'nop-in-ping answered' "$pdus" ||
	fail "$CASE: the target's ping was not answered on an idle connection: $(grep -E 'scenario|NOP' "$pdus" | tail -n 4)"
delay=$(awk '/nop-in-ping sent/ { s = $1 } /nop-in-ping answered/ { printf "%d", ($1 - s) * 1000; exit }' "$pdus")
log "$CASE: answered after ${delay} ms"
# a reply corked behind MSG_MORE waits 200 ms or for the next PDU
[ "$delay" -lt 150 ] || fail "$CASE: the reply took $delay ms"
expect_alive
end_case

start_case nexus nop-in-ping --login-delay $((2 * TIME_SCALE))
for w in a b; do
	KISCSI_RUN_DIR=$KISCSI_SCRATCH/run-$w "$KISCSI" login --portal "127.0.0.1:$PORT" \
		--target "$IQN" >"$KISCSI_SCRATCH/k$w.out" 2>&1 &
	eval "p$w=\$!"
done
wait "$pa"; ra=$?
wait "$pb"; rb=$?
sed 's/^/#   /' "$KISCSI_SCRATCH/ka.out" "$KISCSI_SCRATCH/kb.out" >&2
[ "$(printf '%s\n' "$ra" "$rb" | sort -n | tr '\n' ' ')" = "0 10 " ] ||
	fail "$CASE: two unlocked logins of one nexus exited $ra and $rb, not 0 and 10"
grep -q "initiator name, ISID and target is already logged in" \
	"$KISCSI_SCRATCH/ka.out" "$KISCSI_SCRATCH/kb.out" ||
	fail "$CASE: the refusal did not come from kiscsi.ko"
[ "$(ls /sys/class/iscsi_session | wc -l)" = 1 ] || fail "$CASE: not one session"
end_case
exit 0

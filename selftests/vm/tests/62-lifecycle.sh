#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Session lifecycle races, driven on demand by the scripted target.
#   - drop-after-login: the target closes the connection right after the
#     final login response, while kiscsi.ko is still bringing the session
#     up.  The failure must win: the session stays FAILED (never marked
#     logged in over the failure, which left queuecommand busy forever and
#     the login hung in its LUN scan), the login returns, the recovery
#     timeout ends it, and logout works.
# timeout: 300
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup
IQN=iqn.2024-01.org.kiscsi.test:lifecycle

. "$KISCSI_ROOT/selftests/vm/scripted-target.sh"

start_case drop-after-login nop-in-ping --drop-after-login
out=$(timeout $((30 * TIME_SCALE)) "$KISCSI" login --portal "127.0.0.1:$PORT" \
	--target "$IQN" --recovery-timeout 5 2>&1)
rc=$?
echo "$out" | indent
[ "$rc" != 124 ] || fail "$CASE: login still waiting after $((30 * TIME_SCALE)) s"
[ "$rc" = 0 ] || fail "$CASE: login exited $rc"
[[ $out =~ session\ ([0-9]+) ]] && sid=${BASH_REMATCH[1]}
[ -n "$sid" ] || fail "$CASE: no session in the login's output"
expect_failed conn_closed
wait_for $((10 * TIME_SCALE)) sh -c "[ \"\$(cat /sys/class/iscsi_session/session$sid/state)\" = FREE ]" ||
	fail "$CASE: the recovery timeout did not end session $sid (state $(cat "/sys/class/iscsi_session/session$sid/state"))"
[ "$(kiscsi_json "$sid" .state)" = timed-out ] ||
	fail "$CASE: session $sid is $(kiscsi_json "$sid" .state), not timed-out"
dmesg_grep "session $sid .*lost its connection during the LUN scan" ||
	fail "$CASE: no kernel line saying the connection was lost while coming up"
end_case
exit 0

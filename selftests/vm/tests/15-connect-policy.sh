#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How kiscsi reaches a portal: a refused connection (exit 3) and an
# unreachable portal (exit 9) each give one line; --retries backs off 1,
# 2, ... s and gives up with the attempt count, or gets through once the
# portal appears; a login redirection (tgtd RedirectAddress, class 1) is
# followed to LIO, the session keeps the portal asked for as its persistent
# address (sysfs address is where it went), so 'login --all' with a node
# record for that portal does not log in twice; a redirection loop ends
# with a clear line and kiscsi's status 4 (login rejected);
# IPv6 portals: [::1] and a link-local address with a zone
# ([fe80::...%dev]) for discovery and login.
# timeout: 400
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "the options are kiscsi's"
R=iqn.2024-01.org.kiscsi.test:redirected
LOOP=iqn.2024-01.org.kiscsi.test:redirect-loop
L6=iqn.2024-01.org.kiscsi.test:ipv6
LATE=iqn.2024-01.org.kiscsi.test:late
CHAP_OUT=$KISCSI_SCRATCH/kiscsi-output	# chap_fail logs here
ini_setup

log "refused and unreachable"
chap_fail 3 "^kiscsi: cannot connect to 127.0.0.1:3999: Connection refused$" \
	discover 127.0.0.1:3999
chap_fail 3 "cannot connect to 127.0.0.1:3999: Connection refused$" \
	login --portal 127.0.0.1:3999 --target "$R"
ip route show | sed 's/^/#   route: /' >&2
chap_fail 9 "^kiscsi: cannot connect to 192.0.2.1:3260: (Network is unreachable|connection timed out|No route to host)$" \
	discover 192.0.2.1 --login-timeout 2
chap_fail 9 "cannot connect to 192.0.2.1:3260: " \
	login --portal 192.0.2.1 --target "$R" --login-timeout 2

log "retries"
t0=$SECONDS
chap_fail 3 "Connection refused \(after 3 attempts\)$" \
	discover 127.0.0.1:3999 --retries 2
[ $((SECONDS - t0)) -ge 3 ] || fail "3 attempts took $((SECONDS - t0)) s, backoff is 1 + 2 s"
t0=$SECONDS
chap_fail 3 "Connection refused \(after 2 attempts\)$" \
	login --portal 127.0.0.1:3999 --target "$R" --retries 1
[ $((SECONDS - t0)) -ge 1 ] || fail "2 login attempts took $((SECONDS - t0)) s, backoff is 1 s"
# the portal appears after 2 s (setting LIO up takes a while more on a
# debug kernel): a later attempt, up to 1+2+4+8+16*4 s on, gets in
(sleep 2; "$LIO" add-target "$LATE" 16 3264 >/dev/null 2>&1) &
bg=$!
out=$("$KISCSI" discover 127.0.0.1:3264 --retries 8 2>&1)
rc=$?
wait "$bg"
echo "$out" | sed 's/^/#   /' >&2
[ "$rc" = 0 ] || fail "discovery with --retries did not get through ($rc)"
echo "$out" | grep -qF "$LATE" || fail "$LATE missing from the late discovery"

log "redirection: tgtd sends the login on to LIO at 127.0.0.2:3261"
tgtd_start
must "$TGTD" add-target 1 "$R" 16
must "$TGTD" set 1 RedirectAddress 127.0.0.2
must "$TGTD" set 1 RedirectPort 3261
must "$TGTD" set 1 RedirectReason Temporary
must "$LIO" add-target "$R" 16 3265
must "$LIO" portal "$R" 127.0.0.2:3261
out=$("$KISCSI" login --portal "127.0.0.1:$TGT_PORT" --target "$R" 2>&1)
rc=$?
echo "$out" | sed 's/^/#   /' >&2
[ "$rc" = 0 ] || fail "redirected login failed ($rc)"
echo "$out" | grep -q "^session [0-9]* .*: $R at 127.0.0.1:$TGT_PORT (redirected to 127.0.0.2:3261)$" ||
	fail "the login output does not say 127.0.0.1:$TGT_PORT, redirected to 127.0.0.2:3261"
sid=$(session_of_target "$R") || fail "no session for $R"
c=/sys/class/iscsi_connection/connection$sid:0
[ "$(<"$c/persistent_address")" = 127.0.0.1 ] && [ "$(<"$c/persistent_port")" = "$TGT_PORT" ] ||
	fail "persistent address is $(<"$c/persistent_address"):$(<"$c/persistent_port"), not the portal asked for, 127.0.0.1:$TGT_PORT"
[ "$(<"$c/address")" = 127.0.0.2 ] && [ "$(<"$c/port")" = 3261 ] ||
	fail "connection address is $(<"$c/address"):$(<"$c/port"), not the redirected 127.0.0.2:3261"
dev=$(wait_disk "$sid" 0) || exit 1
must dd if="$dev" of=/dev/null bs=4096 count=1 iflag=direct
export KISCSI_CONFIG_DIR=$KISCSI_SCRATCH/etc-kiscsi
must "$KISCSI" node add --portal "127.0.0.1:$TGT_PORT" --target "$R" --startup automatic
out=$("$KISCSI" login --all 2>&1)
rc=$?
echo "$out" | sed 's/^/#   /' >&2
[ "$rc" = 0 ] || fail "login --all failed ($rc)"
echo "$out" | grep -qF "already logged in (session $sid)" ||
	fail "login --all did not see session $sid of the redirected node"
[ "$(sessions | wc -l)" = 1 ] || fail "login --all logged in to $R twice: $(sessions | tr '\n' ' ')"
ini_logout "$R" || fail "logout failed"

log "a redirection loop: tgtd keeps sending us to itself"
must "$TGTD" add-target 2 "$LOOP" 16
must "$TGTD" set 2 RedirectAddress 127.0.0.3
must "$TGTD" set 2 RedirectPort "$TGT_PORT"
must "$TGTD" set 2 RedirectReason Permanent
chap_fail 4 "^kiscsi: login to $LOOP failed: redirected 5 times, last from 127.0.0.3:$TGT_PORT to 127.0.0.3:$TGT_PORT; giving up \(a redirection loop\?\)$" \
	login --portal "127.0.0.1:$TGT_PORT" --target "$LOOP"

log "IPv6: [::1] and a link-local address with a zone"
must "$LIO" add-target "$L6" 16 3266
must "$LIO" portal "$L6" "[::1]:3262"
out=$("$KISCSI" discover "[::1]:3262" 2>&1) || fail "discovery at [::1]:3262 failed: $out"
echo "$out" | sed 's/^/#   /' >&2
echo "$out" | grep -qF "$L6" || fail "$L6 missing from the discovery at [::1]:3262"
out=$("$KISCSI" login --portal "[::1]:3262" --target "$L6" 2>&1) ||
	fail "login at [::1]:3262 failed: $out"
echo "$out" | sed 's/^/#   /' >&2
echo "$out" | grep -q ": $L6 at \[::1\]:3262$" || fail "login output lacks [::1]:3262"
sid=$(session_of_target "$L6") || fail "no session for $L6"
dev=$(wait_disk "$sid" 0) || exit 1
must dd if="$dev" of=/dev/null bs=4096 count=1 iflag=direct
ini_logout "$L6" || fail "logout failed"

# (a veth pair: the debug kernel has veth built in, no dummy)
must ip link add kisd0 type veth peer name kisd1
must ip link set kisd1 up
must ip link set kisd0 up
must ip -6 addr add fe80::5:1/64 dev kisd0 nodad
must "$LIO" portal "$L6" "[::]:3263"
ll="[fe80::5:1%kisd0]:3263"
out=$("$KISCSI" discover "$ll" 2>&1) || fail "discovery at $ll failed: $out"
echo "$out" | sed 's/^/#   /' >&2
echo "$out" | grep -qF "$L6" || fail "$L6 missing from the discovery at $ll"
out=$("$KISCSI" login --portal "$ll" --target "$L6" 2>&1) || fail "login at $ll failed: $out"
echo "$out" | sed 's/^/#   /' >&2
echo "$out" | grep -qF ": $L6 at $ll" || fail "login output lacks $ll"
sid=$(session_of_target "$L6") || fail "no session for $L6"
dev=$(wait_disk "$sid" 0) || exit 1
must dd if="$dev" of=/dev/null bs=4096 count=1 iflag=direct
ini_logout "$L6" || fail "logout failed"
# without the zone a link-local address cannot be used
chap_fail 2 "^kiscsi: cannot connect to \[fe80::5:1\]:3263: a link-local address needs its interface" \
	discover "[fe80::5:1]:3263"
ip link del kisd0
exit 0

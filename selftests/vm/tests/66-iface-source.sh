#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --iface and --source: tgtd runs in its own network namespace, reached
# over two veth pairs (10.77.1.0/24 and 10.77.2.0/24); its portal
# 10.77.9.9 is routed through the first pair by default.  --iface kb0
# (SO_BINDTODEVICE) and --source 10.77.2.1 must each move the connection
# to the second pair, which the kernel's LOCAL_ADDR shows; a node record's
# iface does the same for login --all, and sysfs's ifacename says so; the
# same portal through the other interface is a second session; an unknown
# interface or a foreign source address fail with one line and exit 3;
# discovery takes --iface too.
# timeout: 300
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "--iface and --source are kiscsi options"

T=iqn.2024-01.org.kiscsi.test:iface
NS=kiscsi-tgt
PORTAL=10.77.9.9
export KISCSI_CONFIG_DIR=$KISCSI_SCRATCH/etc-kiscsi

cleanup() {
	ip netns exec "$NS" "$TGTD" stop >/dev/null 2>&1
	ip link del ka0 2>/dev/null
	ip link del kb0 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

ini_setup
must modprobe veth
must ip netns add "$NS"
must ip -n "$NS" link set lo up
for x in a:1 b:2; do
	n=${x%:*} net=${x#*:}
	must ip link add "k${n}0" type veth peer name "k${n}1"
	must ip link set "k${n}1" netns "$NS"
	must ip addr add "10.77.$net.1/24" dev "k${n}0"
	must ip link set "k${n}0" up
	must ip -n "$NS" addr add "10.77.$net.2/24" dev "k${n}1"
	must ip -n "$NS" link set "k${n}1" up
done
must ip -n "$NS" addr add "$PORTAL/32" dev lo
must ip route add "$PORTAL/32" via 10.77.1.2 dev ka0 metric 10
must ip route add "$PORTAL/32" via 10.77.2.2 dev kb0 metric 20
# replies to 10.77.2.1 come back over kb: no reverse-path filter in the way
for ns in "" "ip netns exec $NS"; do
	for k in all default; do
		$ns sysctl -qw "net.ipv4.conf.$k.rp_filter=0"
	done
done

must ip netns exec "$NS" "$TGTD" start "$TGT_PORT"
must ip netns exec "$NS" "$TGTD" add-target 1 "$T" 16

# --- discovery through an interface ---------------------------------------------
# kb0 is not the route to the portal: only SO_BINDTODEVICE puts the
# discovery's packets (handshake, login, SendTargets, logout) on it
tx_kb0() { cat /sys/class/net/kb0/statistics/tx_packets; }
tx0=$(tx_kb0)
must "$KISCSI" discover "$PORTAL" --iface kb0
sent=$(($(tx_kb0) - tx0))
log "discover --iface kb0: $sent packets out of kb0"
[ "$sent" -ge 4 ] || fail "discover --iface kb0 sent $sent packets through kb0: the interface was not used"
out=$("$KISCSI" discover "$PORTAL" --iface nosuch0 2>&1)
rc=$?
echo "#   $out" >&2
[ "$rc" = 3 ] || fail "discover --iface nosuch0 exited $rc, expected 3"

# --- login: default route, --iface, --source --------------------------------------
local_addr() {	# local_addr [login options...]: log in, print LOCAL_ADDR, log out
	local out sid
	out=$("$KISCSI" login --portal "$PORTAL" --target "$T" "$@" 2>&1) ||
		fail "login $* failed: $out"
	echo "#   login $*: $out" >&2
	sid=$(echo "$out" | sed -n 's/^session \([0-9]*\).*/\1/p')
	kiscsi_json "$sid" '.local_address'
	ss -tn "dst $PORTAL" | sed 's/^/#   ss: /' >&2
	"$KISCSI" logout --target "$T" >/dev/null || fail "logout failed"
}
a=$(local_addr) || exit 1
log "default: from $a"
[ "$a" = 10.77.1.1 ] || fail "default login came from $a, expected 10.77.1.1 (route via ka0)"
a=$(local_addr --iface kb0) || exit 1
log "--iface kb0: from $a"
[ "$a" = 10.77.2.1 ] || fail "--iface kb0 login came from $a, expected 10.77.2.1"
a=$(local_addr --source 10.77.2.1) || exit 1
log "--source 10.77.2.1: from $a"
[ "$a" = 10.77.2.1 ] || fail "--source 10.77.2.1 login came from $a"

# --- errors ---------------------------------------------------------------------
out=$("$KISCSI" login --portal "$PORTAL" --target "$T" --iface nosuch0 2>&1)
rc=$?
echo "#   $out" >&2
[ "$rc" = 3 ] || fail "--iface nosuch0 exited $rc, expected 3"
[ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "interface 'nosuch0'" ||
	fail "--iface nosuch0: not one clear line"
out=$("$KISCSI" login --portal "$PORTAL" --target "$T" --source 10.99.99.99 2>&1)
rc=$?
echo "#   $out" >&2
[ "$rc" = 3 ] || fail "--source 10.99.99.99 exited $rc, expected 3"
echo "$out" | grep -q "source address 10.99.99.99" || fail "--source error does not name the address"
[ -z "$(sessions)" ] || fail "a failed login left a session"

# --- a node record's iface is used by login --all ---------------------------------
must "$KISCSI" node add --portal "$PORTAL" --target "$T" --startup automatic --iface kb0
must "$KISCSI" login --all
sid=$(session_of_target "$T") || fail "login --all made no session"
a=$(kiscsi_json "$sid" '.local_address')
[ "$a" = 10.77.2.1 ] || fail "login --all of a node with iface=kb0 came from $a"
[ "$(cat "/sys/class/iscsi_session/session$sid/ifacename")" = kb0 ] ||
	fail "ifacename of session $sid is '$(cat "/sys/class/iscsi_session/session$sid/ifacename")', not kb0"
[ "$(kiscsi_json "$sid" .interface)" = kb0 ] || fail "kiscsi session does not say interface kb0"
# a second record for the same portal through the other interface: its own
# record file, its own session with an ISID of its own (a second path)
must "$KISCSI" node add --portal "$PORTAL" --target "$T" --startup automatic --iface ka0
[ "$("$KISCSI" node list --json | jq '[.nodes[] | select(.target == "'"$T"'")] | length')" = 2 ] ||
	fail "two records for one portal and two interfaces did not make two nodes"
out=$("$KISCSI" login --all 2>&1) || fail "login --all with a second path failed: $out"
echo "$out" | indent
grep -q "already logged in (session $sid)" <<<"$out" || fail "login --all did not skip the kb0 path's session"
s2=$(sessions | grep -vx "$sid")
[ "$(wc -w <<<"$s2")" = 1 ] || fail "login --all made not one more session: $(sessions | tr '\n' ' ')"
[ "$(cat "/sys/class/iscsi_session/session$s2/ifacename")" = ka0 ] || fail "the second session is not bound to ka0"
[ "$(cat "/sys/class/iscsi_session/session$s2/isid")" != "$(cat "/sys/class/iscsi_session/session$sid/isid")" ] ||
	fail "sessions through kb0 and ka0 share an ISID"
[ "$(cat "/sys/class/iscsi_session/session$sid/state")" = LOGGED_IN ] ||
	fail "the kb0 session is $(cat "/sys/class/iscsi_session/session$sid/state") after the ka0 login"
out=$("$KISCSI" login --all 2>&1) || fail "a second login --all failed: $out"
[ "$(grep -c 'already logged in' <<<"$out")" = 2 ] || fail "a second login --all did not skip both paths: $out"
must "$KISCSI" node delete --target "$T" --portal "$PORTAL" --iface ka0
[ "$("$KISCSI" node list --json | jq '[.nodes[] | select(.target == "'"$T"'")] | length')" = 1 ] ||
	fail "node delete --iface ka0 did not leave exactly the kb0 record"
must "$KISCSI" logout --all
exit 0

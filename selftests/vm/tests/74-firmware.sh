#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot firmware (iBFT): the suite boots with the table selftests/vm/
# firmware.ibft describes (QEMU -acpitable).  kiscsi fw must read every
# field as written, the same from the ACPI table and from the iscsi_ibft
# module's sysfs tree, and agree with open-iscsi's 'iscsiadm -m fw'.
# The table's NICs are veth links with its MACs whose peers, in a network
# namespace, lead to tgtd (target0: mutual CHAP) and to a VLAN 42 address
# (target1's).  'fw login' before 'fw netup' fails with one line naming
# the fix; 'fw netup' (twice: nothing changes) sets the address, prefix,
# default route and VLAN link the table says; 'fw login' logs in to the
# boot-selected target0 only, with the firmware's initiator name and CHAP,
# bound to its NIC, and the session shows the boot attributes in sysfs;
# 'bootargs' of its disk is the firmware's dracut line; a second
# 'fw login' is not an error; 'logout --all' leaves the session.
# timeout: 300
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "kiscsi fw is kiscsi's"

DESC=$KISCSI_ROOT/selftests/vm/firmware.ibft
NS=kiscsi-fw
export KISCSI_CONFIG_DIR=$KISCSI_SCRATCH/etc-kiscsi

declare -A want
while IFS='=' read -r k v; do
	case "$k" in ''|'#'*) continue ;; esac
	want[$k]=$v
done <"$DESC"

[ -e /sys/firmware/acpi/tables/iBFT ] ||
	fail "no iBFT in ACPI: boot the suite with run.sh --acpitable build/selftests/vm/firmware-ibft.bin"

cleanup() {
	ip netns exec "$NS" "$TGTD" stop >/dev/null 2>&1
	ip link del fwnic0 2>/dev/null
	ip link del fwnic1 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

# --- what the table holds ------------------------------------------------------
# jq path of a description key in 'kiscsi fw --json'
json_path() {
	local sect=${1%%.*} f=${1#*.}
	case "$sect" in
	initiator) echo ".initiator.$f" ;;
	nic*)
		case "$f" in
		ip) f=ip_address ;; prefix) f=prefix_length ;;
		dns1) f=primary_dns ;; dns2) f=secondary_dns ;;
		esac
		echo ".ethernet[] | select(.index == ${sect#nic}) | .$f" ;;
	target*)
		case "$f" in
		ip) f=ip_address ;; nic) f=ethernet ;; name) f=target_name ;;
		rev_chap_name) f=reverse_chap_name ;;
		rev_chap_secret) f=reverse_chap_secret ;;
		esac
		echo ".targets[] | select(.index == ${sect#target}) | .$f" ;;
	esac
}

# the JSON value a description value reads as
json_value() {
	case "$1:$2" in
	*.origin:1) echo manual ;;
	*.chap_type:0) echo none ;;
	*.chap_type:2) echo mutual ;;
	*) echo "$2" ;;
	esac
}

out=$("$KISCSI" fw --json --show-secrets) || fail "kiscsi fw --json failed"
# one jq for every field (each exec costs most of a second on the debug
# kernel): the values in the order of the keys
keys=$(printf '%s\n' "${!want[@]}" | sort)
filter=
exp=
for k in $keys; do
	filter+="${filter:+, }($(json_path "$k"))"
	exp+="$(json_value "$k" "${want[$k]}")"$'\n'
done
got=$(jq -r "$filter" <<<"$out") || fail "fw --json does not parse"
[ "$got"$'\n' = "$exp" ] ||
	fail "fw --json differs from the table: $(diff <(echo "$exp") <(echo "$got") | tr '\n' ' ')"
log "kiscsi fw --json: all $(wc -w <<<"$keys") fields as the table was written"
jq -e '(.ethernet | length) == 2 and (.targets | length) == 2 and
       .targets[0].boot_selected and (.targets[1].boot_selected | not)' <<<"$out" >/dev/null ||
	fail "fw --json: not 2 NICs and 2 targets, target0 alone boot-selected"
masked=$("$KISCSI" fw --json | jq -r '.targets[0] | .chap_secret + " " + .reverse_chap_secret')
[ "$masked" = "*** ***" ] || fail "fw --json shows secrets without --show-secrets: $masked"
"$KISCSI" fw | indent

# the same from the iscsi_ibft module's tree (no ACPI table beside it);
# userspace only: not again on the debug kernel
if [ "${KISCSI_LANE:-all}" != debug ]; then
	[ -d /sys/firmware/ibft ] || must modprobe iscsi_ibft
	[ "$(cat /sys/firmware/ibft/target0/target-name)" = "${want[target0.name]}" ] ||
		fail "iscsi_ibft reads another target0 name: $(cat /sys/firmware/ibft/target0/target-name)"
	mkdir -p "$KISCSI_SCRATCH/sys/firmware"
	ln -s /sys/firmware/ibft "$KISCSI_SCRATCH/sys/firmware/ibft"
	from_sysfs=$(KISCSI_SYSFS=$KISCSI_SCRATCH/sys "$KISCSI" fw --json --show-secrets) ||
		fail "kiscsi fw from /sys/firmware/ibft failed"
	strip_header() { jq -S 'del(.signature, .oem_id, .oem_table_id)'; }
	[ "$(strip_header <<<"$from_sysfs")" = "$(strip_header <<<"$out")" ] ||
		fail "fw --json from /sys/firmware/ibft differs: $(diff <(strip_header <<<"$out") <(strip_header <<<"$from_sysfs") | tr '\n' ' ')"
	log "the iscsi_ibft sysfs tree reads the same"
fi

# --- the network the table names ------------------------------------------------
ini_setup
load_module veth
load_module 8021q
must ip netns add "$NS"
must ip -n "$NS" link set lo up
must ip link add fwnic0 address "${want[nic0.mac]}" type veth peer name fwpeer0
must ip link add fwnic1 address "${want[nic1.mac]}" type veth peer name fwpeer1
must ip link set fwpeer0 netns "$NS"
must ip link set fwpeer1 netns "$NS"
must ip -n "$NS" addr add "${want[target0.ip]}/24" dev fwpeer0
must ip -n "$NS" link set fwpeer0 up
must ip -n "$NS" link set fwpeer1 up
must ip -n "$NS" link add link fwpeer1 name fwpeer1.42 type vlan id "${want[nic1.vlan]}"
must ip -n "$NS" addr add "${want[target1.ip]}/24" dev fwpeer1.42
must ip -n "$NS" link set fwpeer1.42 up
must ip netns exec "$NS" "$TGTD" start "$TGT_PORT"
must ip netns exec "$NS" "$TGTD" add-target 1 "${want[target0.name]}" 16
must ip netns exec "$NS" "$TGTD" chap 1 "${want[target0.chap_name]}" \
	"${want[target0.chap_secret]}" "${want[target0.rev_chap_name]}" \
	"${want[target0.rev_chap_secret]}"

# open-iscsi reads the same table (it wants a NIC with the table's MAC)
if [ "${KISCSI_LANE:-all}" != debug ]; then
	fw=$(iscsiadm -m fw 2>&1) || fail "iscsiadm -m fw failed: $fw"
	for kv in "iface.initiatorname:${want[initiator.name]}" \
		  "node.name:${want[target0.name]}" \
		  "node.conn\\[0\\].address:${want[target0.ip]}" \
		  "node.conn\\[0\\].port:${want[target0.port]}"; do
		grep -qE "^${kv%%:*} = ${kv#*:}\$" <<<"$fw" ||
			fail "iscsiadm -m fw has no '${kv%%:*} = ${kv#*:}': $(tr '\n' ' ' <<<"$fw" | head -c 600)"
	done
	log "iscsiadm -m fw agrees"
fi

# before netup: no interface for ethernet0 is up, one line says what to do
out=$("$KISCSI" fw login 2>&1)
rc=$?
echo "$out" | indent
[ "$rc" = 9 ] || fail "fw login before netup: exit $rc, expected 9"
[ "$(wc -l <<<"$out")" = 1 ] && grep -q "run 'kiscsi fw netup' first" <<<"$out" ||
	fail "fw login before netup: not one line naming 'kiscsi fw netup'"

net_state() {
	ip -4 -br addr show dev fwnic0
	ip -4 -br addr show dev fwnic1.42
	ip -d link show fwnic1.42 | grep -o 'vlan protocol 802.1Q id [0-9]*'
	ip route show default
}
for round in 1 2; do
	out=$("$KISCSI" fw netup 2>&1) || fail "fw netup (round $round) failed: $out"
	echo "$out" | indent
	state=$(net_state 2>&1)
	[ "$round" = 1 ] || [ "$state" = "$first" ] ||
		fail "a second fw netup changed the network: $first -> $state"
	first=$state
done
echo "$state" | indent
grep -qE "^fwnic0@[^ ]* +UP +${want[nic0.ip]}/${want[nic0.prefix]}" <<<"$state" ||
	fail "fwnic0 is not up with ${want[nic0.ip]}/${want[nic0.prefix]}"
grep -qE "^fwnic1\.42@fwnic1 +UP +${want[nic1.ip]}/${want[nic1.prefix]}" <<<"$state" ||
	fail "no VLAN link fwnic1.42 up with ${want[nic1.ip]}/${want[nic1.prefix]}"
grep -q "id ${want[nic1.vlan]}\$" <<<"$state" || fail "fwnic1.42 is not VLAN ${want[nic1.vlan]}"
grep -q "^default via ${want[nic0.gateway]} dev fwnic0 \?\$" <<<"$state" ||
	fail "no default route via ${want[nic0.gateway]} on fwnic0"
# tgtd listens on every address of its namespace, the VLAN's too
timeout 10 bash -c "exec 3<>/dev/tcp/${want[target1.ip]}/$TGT_PORT" ||
	fail "no TCP connection to ${want[target1.ip]}:$TGT_PORT over the VLAN"

# --- login ------------------------------------------------------------------------
out=$("$KISCSI" fw login 2>&1) || fail "fw login failed: $out"
echo "$out" | indent
[[ $out =~ ^session\ ([0-9]+) ]] || fail "fw login printed no session"
sid=${BASH_REMATCH[1]}
[ "$(sessions | wc -l)" = 1 ] || fail "fw login logged in to more than the boot-selected target"
sys=/sys/class/iscsi_session/session$sid
for a in boot_root:ibft boot_nic:ethernet0 boot_target:target0 \
	 ifacename:fwnic0 "initiatorname:${want[initiator.name]}" \
	 "targetname:${want[target0.name]}"; do
	[ "$(cat "$sys/${a%%:*}")" = "${a#*:}" ] ||
		fail "$sys/${a%%:*} is '$(cat "$sys/${a%%:*}")', not '${a#*:}'"
done
[ "$(kiscsi_json "$sid" '.boot.target')" = target0 ] ||
	fail "kiscsi session --json has no boot target0"
[ "$(kiscsi_json "$sid" '.local_address')" = "${want[nic0.ip]}" ] ||
	fail "the session does not come from ${want[nic0.ip]}"
dev=$(wait_disk "$sid" "${want[target0.lun]}")
run dd if="$dev" of=/dev/null bs=1M count=4 iflag=direct || fail "reading $dev failed"
args=$("$KISCSI" bootargs "$dev") || fail "bootargs $dev failed"
[ "$args" = "rd.iscsi.firmware=1 rd.iscsi.ibft=1" ] ||
	fail "bootargs of a firmware disk: '$args'"

out=$("$KISCSI" fw login 2>&1) || fail "a second fw login failed: $out"
echo "$out" | indent
grep -q "already logged in (session $sid)" <<<"$out" || fail "a second fw login did not name session $sid"

out=$("$KISCSI" logout --all 2>&1) || fail "logout --all failed: $out"
echo "$out" | indent
[ -e "$sys" ] || fail "logout --all logged out the firmware session"
grep -q "^left session $sid: .*boot firmware" <<<"$out" || fail "logout --all did not say it left session $sid"
run "$KISCSI" logout --session "$sid" || fail "logout --session $sid failed"
[ ! -e "$sys" ] || fail "session $sid is still there after logout --session"
exit 0

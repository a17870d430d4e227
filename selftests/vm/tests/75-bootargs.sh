#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kiscsi bootargs: the dracut command line for a device or a mount point.
# tgtd (one-way CHAP, LUNs 1 and 2) sits in a network namespace behind two
# veth pairs: kb0 with a static address and a default route, kc0 with a
# finite-lifetime address as a DHCP client leaves it.  One session goes
# through each.  A filesystem on a partition of LUN 1 gives root=UUID=, the
# initiator, one netroot (portal, port, LUN 1, target; no secret) and the
# static ip= of kb0; a device-mapper linear device over LUN 1 of the first
# session and LUN 2 of the second gives both netroots and ip=kc0:dhcp as
# well.  The CHAP credentials land in the node record's 0600 secrets file;
# --with-secrets puts them on the line with a warning.  kiscsi boot, given
# that line, logs both paths in again with those credentials and the
# disks hold what they held; a second run finds them logged in; a netroot with
# a netdev binds its session to it.  A device on no
# iSCSI disk (a loop device) is one line, exit 7.
# timeout: 300
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "kiscsi bootargs is kiscsi's"

T=iqn.2024-01.org.kiscsi.test:bootargs
I=iqn.2024-01.org.kiscsi.test:bootargs-initiator
NS=kiscsi-ba
USER=ba-user PASS=ba-secret-0001
MNT=$KISCSI_SCRATCH/mnt
export KISCSI_CONFIG_DIR=$KISCSI_SCRATCH/etc-kiscsi

cleanup() {
	umount "$MNT" 2>/dev/null
	dmsetup remove --noudevsync kiscsi-ba 2>/dev/null
	"$KISCSI" logout --all >/dev/null 2>&1
	ip netns exec "$NS" "$TGTD" stop >/dev/null 2>&1
	ip link del kb0 2>/dev/null
	ip link del kc0 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

# session_of_portal ADDR: the session whose connection goes to ADDR
session_of_portal() {
	local s
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "/sys/class/iscsi_connection/connection${s##*session}:0/persistent_address" 2>/dev/null)" = "$1" ] &&
			{ echo "${s##*session}"; return 0; }
	done
	return 1
}

initiator_identity "$I"
ini_setup
load_module veth
must ip netns add "$NS"
must ip -n "$NS" link set lo up
for x in b:1 c:2; do
	n=${x%:*} net=${x#*:}
	must ip link add "k${n}0" type veth peer name "k${n}1"
	must ip link set "k${n}1" netns "$NS"
	must ip -n "$NS" addr add "10.78.$net.2/24" dev "k${n}1"
	must ip -n "$NS" link set "k${n}1" up
	must ip link set "k${n}0" up
done
must ip addr add 10.78.1.1/24 dev kb0
must ip route add default via 10.78.1.254 dev kb0
must ip addr add 10.78.2.1/24 dev kc0 valid_lft 3600 preferred_lft 3600
must ip netns exec "$NS" "$TGTD" start "$TGT_PORT"
must ip netns exec "$NS" "$TGTD" add-target 1 "$T" 16 2
must ip netns exec "$NS" "$TGTD" chap 1 "$USER" "$PASS"

sa=$(ini_login 10.78.1.2 "$T" --username "$USER" --password "$PASS")
sb=$(ini_login 10.78.2.2 "$T" --username "$USER" --password "$PASS")
lun1=$(wait_disk "$sa" 1)
lun2=$(wait_disk "$sb" 2)

# words FILE-OR-STRING: the line's words, sorted, one per line
words() { tr ' ' '\n' <<<"$1" | sort; }
# expect_line GOT WANT: the same words
expect_line() {
	[ "$(words "$1")" = "$(words "$2")" ] ||
		fail "bootargs printed '$1', expected (in any order) '$2'"
}
bootargs() {
	local rc
	out=$("$KISCSI" bootargs "$@" 2>"$KISCSI_SCRATCH/bootargs.err")
	rc=$?
	[ -z "$out" ] || echo "$out" | indent
	indent <"$KISCSI_SCRATCH/bootargs.err"
	return "$rc"
}

# a filesystem on a partition of LUN 1
must sfdisk -q "$lun1" <<<"2048,16384,L"
must blockdev --rereadpt "$lun1"
wait_for 10 test -b "${lun1}1" || fail "no partition ${lun1}1"
must mkfs.ext4 -q -F "${lun1}1"
mkdir -p "$MNT"
must mount "${lun1}1" "$MNT"
uuid=$(blkid -s UUID -o value "${lun1}1")
static="ip=10.78.1.1::10.78.1.254:255.255.255.0::kb0:none"

bootargs "$MNT" || fail "bootargs $MNT failed"
expect_line "$out" "root=UUID=$uuid rd.iscsi.initiator=$I netroot=iscsi:10.78.1.2::3260:1:$T $static rd.neednet=1"
secrets=$KISCSI_CONFIG_DIR/nodes/$T,10.78.1.2,3260.secrets
grep -qF "kept in $secrets (0600)" "$KISCSI_SCRATCH/bootargs.err" ||
	fail "bootargs did not say where the credentials went"
[ "$(stat -c %a "$secrets")" = 600 ] || fail "$secrets is not 0600"
grep -qx "username=$USER" "$secrets" && grep -qx "password=$PASS" "$secrets" ||
	fail "$secrets lacks the session's CHAP credentials"
! grep -q "$PASS" <<<"$out" || fail "the secret is on the line without --with-secrets"

bootargs --with-secrets "${lun1}1" || fail "bootargs --with-secrets failed"
expect_line "$out" "rd.iscsi.initiator=$I netroot=iscsi:$USER:$PASS@10.78.1.2::3260:1:$T $static rd.neednet=1"
grep -q "warning: CHAP secrets are on this line" "$KISCSI_SCRATCH/bootargs.err" ||
	fail "no warning about secrets on the line"
must umount "$MNT"

# device-mapper over LUN 1 of one session and LUN 2 of the other
s1=$(blockdev --getsz "$lun1") s2=$(blockdev --getsz "$lun2")
printf '0 %s linear %s 0\n%s %s linear %s 0\n' "$s1" "$lun1" "$s1" "$s2" "$lun2" |
	must dmsetup create --noudevsync kiscsi-ba
must dmsetup mknodes kiscsi-ba	# no udev in the guest to make it
must mkfs.ext4 -q -F /dev/mapper/kiscsi-ba
must mount /dev/mapper/kiscsi-ba "$MNT"
uuid=$(blkid -s UUID -o value /dev/mapper/kiscsi-ba)
bootargs "$MNT" || fail "bootargs over device-mapper failed"
expect_line "$out" "root=UUID=$uuid rd.iscsi.initiator=$I netroot=iscsi:10.78.1.2::3260:1:$T netroot=iscsi:10.78.2.2::3260:2:$T $static ip=kc0:dhcp rd.neednet=1"
must umount "$MNT"
must dmsetup remove --noudevsync kiscsi-ba

# the installer copies the configuration into the installed system
root=$KISCSI_SCRATCH/sysroot
run "$KISCSI" node export "$root" || fail "node export failed"
[ "$(cat "$root/etc/kiscsi/initiatorname.iscsi")" = "InitiatorName=$I" ] ||
	fail "node export did not carry the initiator name"
for p in 10.78.1.2 10.78.2.2; do
	f=$root/etc/kiscsi/nodes/$T,$p,3260.secrets
	[ "$(stat -c %a "$f" 2>&1)" = 600 ] && cmp -s "$f" "$KISCSI_CONFIG_DIR/nodes/${f##*/}" ||
		fail "node export: $f is not a 0600 copy"
done

# the installed system's first boot: kiscsi boot reads that line, with
# the credentials from the node records, and the same disks come back
echo "$out" >"$KISCSI_SCRATCH/cmdline"
head1m() { dd if="$1" bs=1M count=1 iflag=direct 2>/dev/null | sha1sum; }
sum1=$(head1m "$lun1") sum2=$(head1m "$lun2")
run "$KISCSI" logout --all || fail "logout --all failed"
boot_from() {	# boot_from CMDLINE-FILE: kiscsi boot, its output in $out
	out=$("$KISCSI" boot --cmdline "$1" 2>&1) || fail "kiscsi boot failed: $out"
	echo "$out" | indent
}
boot_from "$KISCSI_SCRATCH/cmdline"
[ "$(sessions | wc -l)" = 2 ] || fail "kiscsi boot did not log in to both paths"
s1=$(session_of_portal 10.78.1.2) s2=$(session_of_portal 10.78.2.2)
[ "$(cat "/sys/class/iscsi_session/session$s1/initiatorname")" = "$I" ] ||
	fail "kiscsi boot did not log in as rd.iscsi.initiator $I"
[ "$(head1m "$(wait_disk "$s1" 1)"):$(head1m "$(wait_disk "$s2" 2)")" = "$sum1:$sum2" ] ||
	fail "after kiscsi boot, the LUNs do not hold what they held before"
out=$("$KISCSI" boot --cmdline "$KISCSI_SCRATCH/cmdline" 2>&1) ||
	fail "a second kiscsi boot failed: $out"
[ "$(grep -c 'already logged in' <<<"$out")" = 2 ] || fail "a second kiscsi boot: $out"

# a path bound to a network device, credentials from rd.iscsi.username
run "$KISCSI" logout --all || fail "logout --all failed"
echo "rd.iscsi.initiator=$I rd.iscsi.username=$USER rd.iscsi.password=$PASS" \
	"netroot=iscsi:10.78.2.2::3260:kc0:kc0:2:$T rd.neednet=1" >"$KISCSI_SCRATCH/cmdline"
boot_from "$KISCSI_SCRATCH/cmdline"
s2=$(session_of_portal 10.78.2.2) || fail "no session through 10.78.2.2"
[ "$(cat "/sys/class/iscsi_session/session$s2/ifacename")" = kc0 ] ||
	fail "the session of a netroot with netdev kc0 is not bound to kc0"
run "$KISCSI" logout --all || fail "logout --all failed"

# on no iSCSI disk: one line, exit 7; no block device at all: exit 2
load_module loop
truncate -s 8M "$KISCSI_SCRATCH/local.img"
loop=$(losetup -f --show "$KISCSI_SCRATCH/local.img") || fail "losetup failed"
bootargs "$loop" && fail "bootargs $loop succeeded"
rc=$?
losetup -d "$loop"
[ "$rc" = 7 ] || fail "bootargs $loop: exit $rc, not 7"
[ "$(wc -l <"$KISCSI_SCRATCH/bootargs.err")" = 1 ] &&
	grep -q "$loop is not an iSCSI disk" "$KISCSI_SCRATCH/bootargs.err" ||
	fail "bootargs $loop did not say in one line that it is no iSCSI disk"
bootargs / && fail "bootargs / succeeded on the guest's 9p root"
rc=$?
[ "$rc" = 2 ] || fail "bootargs /: exit $rc, not 2"
exit 0

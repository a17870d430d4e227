#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Set up the kernel's LIO iSCSI target through configfs (no targetcli).
#
#   lio.sh add-target IQN SIZE_MB [PORT] [NLUNS]
#                          ramdisk (rd_mcp) LUNs 0..NLUNS-1 (default 1) of SIZE_MB,
#                          target IQN with tpgt_1, portal 127.0.0.1:PORT (default 3261),
#                          demo mode (any initiator, no authentication, writable)
#   lio.sh add-lun IQN N SIZE_MB    one more ramdisk LUN N on a running target
#   lio.sh enable IQN 0|1           disable (its sessions end) or enable the TPG
#   lio.sh attrib IQN NAME VALUE    tpgt_1/attrib/NAME (default_cmdsn_depth, ...)
#   lio.sh param IQN KEY VALUE      tpgt_1/param/KEY (InitialR2T, ImmediateData,
#                                   FirstBurstLength, MaxRecvDataSegmentLength, ...);
#                                   the TPG is disabled around the change
#   lio.sh acl-attrib IQN INITIATOR NAME VALUE
#                                   an ACL for INITIATOR (all LUNs mapped) with
#                                   attrib/NAME set (dataout_timeout, ...)
#   lio.sh portal IQN ADDR:PORT     one more portal ("127.0.0.2:3261", "[::1]:3262", "[::]:3263")
#   lio.sh chap IQN INITIATOR USER PASS [MUSER MPASS]
#                                   require CHAP: an ACL for INITIATOR (all LUNs mapped)
#                                   whose CHAP name/secret are USER/PASS, and with
#                                   MUSER/MPASS the target's own for mutual CHAP;
#                                   authentication=1, AuthMethod=CHAP
#   lio.sh discovery-chap USER PASS [MUSER MPASS]
#                                   enforce CHAP on discovery sessions (global)
#   lio.sh discovery-chap off       discovery without authentication again
#   lio.sh del-target IQN           remove a target, its portal and its ramdisks
#   lio.sh stop                     remove every target and ramdisk this script made
#                                   (sessions are dropped); the modules stay loaded
#   lio.sh unload                   stop, then unload the target modules
#
# LIO's LUN numbering starts at 0 (no controller LUN, unlike tgtd).
set -euo pipefail

cfs=/sys/kernel/config
T=$cfs/target
hba=$T/core/rd_mcp_77

die() { echo "lio.sh: $*" >&2; exit 1; }

wr() {	# wr FILE VALUE
	if ! echo "$2" >"$1" 2>/dev/null; then
		die "cannot write '$2' to $1"
	fi
}

wr_secret() {	# wr_secret FILE VALUE: no newline (LIO keeps it), not echoed
	if ! printf '%s' "$2" >"$1" 2>/dev/null; then
		die "cannot write $1"
	fi
}

# set_auth DIR USER PASS [MUSER MPASS]: a CHAP auth group; unset ones NULL.
set_auth() {
	local d=$1
	wr_secret "$d/userid" "$2"
	wr_secret "$d/password" "$3"
	wr_secret "$d/userid_mutual" "${4:-NULL}"
	wr_secret "$d/password_mutual" "${5:-NULL}"
}

disc=$T/iscsi/discovery_auth
discovery_chap_off() {
	[ -d "$disc" ] || return 0
	wr "$disc/enforce_discovery_auth" 0
	set_auth "$disc" NULL NULL
}

# Builtins where they do: on the debug (KASAN, lockdep) kernel under TCG
# every exec costs most of a second, and tests set targets up often.
load() {
	local m
	for m in configfs target_core_mod iscsi_target_mod; do
		[ -d "/sys/module/$m" ] || modprobe "$m" || die "no $m"
	done
	[ -d "$T" ] || mount -t configfs configfs "$cfs" || die "cannot mount configfs"
	[ -d "$T/iscsi" ] || mkdir "$T/iscsi" || die "cannot create $T/iscsi"
}

# A backstore name for LUN n of a target: configfs names are short and
# simple, so use a hash (FNV-1a, 32 bits) of the IQN.
bs_name() {
	local s=$1 h=2166136261 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(((h ^ c) * 16777619 & 0xffffffff))
	done
	printf 'k%08x_%s\n' "$h" "$2"
}

del_target() {
	local iqn=$1 tpg=$T/iscsi/$1/tpgt_1 d l links=() dirs=()
	[ -d "$T/iscsi/$iqn" ] || return 0
	if [ -d "$tpg" ]; then
		echo 0 >"$tpg/enable" 2>/dev/null || true
		# Children before parents, mapped LUNs of the ACLs (they pin the
		# TPG's LUNs) before the LUNs; one rm and one rmdir for them all.
		for d in "$tpg"/acls/*/lun_* "$tpg"/acls/* "$tpg"/lun/lun_* "$tpg"/np/*; do
			[ -d "$d" ] && [ ! -L "$d" ] || continue
			for l in "$d"/*; do
				[ -L "$l" ] && links+=("$l")
			done
			dirs+=("$d")
		done
		[ ${#links[@]} -eq 0 ] || rm -f "${links[@]}"
		dirs+=("$tpg")
	fi
	dirs+=("$T/iscsi/$iqn")
	for d in "$hba"/"$(bs_name "$iqn" '')"*; do
		[ -d "$d" ] && dirs+=("$d")
	done
	rmdir "${dirs[@]}"
}

# add_lun IQN N SIZE_MB: a ramdisk backstore as LUN N of the target's TPG
add_lun() {
	local tpg=$T/iscsi/$1/tpgt_1 bs
	bs=$hba/$(bs_name "$1" "$2")
	mkdir "$bs" || die "cannot create backstore $bs"
	wr "$bs/control" "rd_pages=$(($3 * 256))"
	wr "$bs/enable" 1
	mkdir "$tpg/lun/lun_$2" || die "cannot create LUN $2 of $1"
	ln -s "$bs" "$tpg/lun/lun_$2/${bs##*/}"
}

# make_acl TPG INITIATOR: an ACL for INITIATOR with every LUN mapped (it
# replaces the dynamic one demo mode would give); prints its directory
make_acl() {
	local acl=$1/acls/$2 l n
	if [ ! -d "$acl" ]; then
		mkdir "$acl" || die "cannot create ACL $acl"
		for l in "$1"/lun/lun_*; do
			[ -d "$l" ] || continue
			n=${l##*/}
			mkdir "$acl/$n"
			ln -s "$l" "$acl/$n/map_$n"
		done
	fi
	echo "$acl"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
add-target)
	[ $# -ge 2 ] || die "usage: add-target IQN SIZE_MB [PORT] [NLUNS]"
	iqn=$1 size=$2 port=${3:-3261} nluns=${4:-1}
	load
	[ -e "$T/iscsi/$iqn" ] && die "target $iqn exists"
	[ -d "$hba" ] || mkdir "$hba"
	tpg=$T/iscsi/$iqn/tpgt_1
	mkdir -p "$tpg"
	for ((n = 0; n < nluns; n++)); do
		add_lun "$iqn" "$n" "$size"
	done
	mkdir "$tpg/np/127.0.0.1:$port" || die "cannot open portal 127.0.0.1:$port"
	wr "$tpg/attrib/authentication" 0
	wr "$tpg/attrib/generate_node_acls" 1
	wr "$tpg/attrib/demo_mode_write_protect" 0
	wr "$tpg/attrib/cache_dynamic_acls" 1
	wr "$tpg/enable" 1
	;;
add-lun)
	[ $# -eq 3 ] || die "usage: add-lun IQN N SIZE_MB"
	load
	[ -d "$T/iscsi/$1/tpgt_1" ] || die "no target $1"
	add_lun "$1" "$2" "$3"
	;;
enable)
	[ $# -eq 2 ] || die "usage: enable IQN 0|1"
	wr "$T/iscsi/$1/tpgt_1/enable" "$2"
	;;
attrib)
	[ $# -eq 3 ] || die "usage: attrib IQN NAME VALUE"
	wr "$T/iscsi/$1/tpgt_1/attrib/$2" "$3"
	;;
param)
	[ $# -eq 3 ] || die "usage: param IQN KEY VALUE"
	tpg=$T/iscsi/$1/tpgt_1
	en=$(<"$tpg/enable")
	[ "$en" = 0 ] || wr "$tpg/enable" 0
	wr "$tpg/param/$2" "$3"
	[ "$en" = 0 ] || wr "$tpg/enable" 1
	;;
acl-attrib)
	[ $# -eq 4 ] || die "usage: acl-attrib IQN INITIATOR NAME VALUE"
	tpg=$T/iscsi/$1/tpgt_1
	[ -d "$tpg" ] || die "no target $1"
	acl=$(make_acl "$tpg" "$2") || exit 1
	wr "$acl/attrib/$3" "$4"
	;;
portal)
	[ $# -eq 2 ] || die "usage: portal IQN ADDR:PORT"
	mkdir "$T/iscsi/$1/tpgt_1/np/$2" || die "cannot open portal $2"
	;;
chap)
	[ $# -eq 4 ] || [ $# -eq 6 ] ||
		die "usage: chap IQN INITIATOR USER PASS [MUSER MPASS]"
	iqn=$1 ini=$2
	shift 2
	tpg=$T/iscsi/$iqn/tpgt_1
	[ -d "$tpg" ] || die "no target $iqn"
	acl=$(make_acl "$tpg" "$ini") || exit 1
	set_auth "$acl/auth" "$@"
	en=$(<"$tpg/enable")
	[ "$en" = 0 ] || wr "$tpg/enable" 0
	wr "$tpg/attrib/authentication" 1
	wr "$tpg/param/AuthMethod" CHAP
	[ "$en" = 0 ] || wr "$tpg/enable" 1
	;;
discovery-chap)
	load
	if [ "${1:-}" = off ]; then
		discovery_chap_off
		exit 0
	fi
	[ $# -eq 2 ] || [ $# -eq 4 ] ||
		die "usage: discovery-chap USER PASS [MUSER MPASS] | off"
	set_auth "$disc" "$@"
	wr "$disc/enforce_discovery_auth" 1
	;;
del-target)
	[ $# -eq 1 ] || die "usage: del-target IQN"
	del_target "$1"
	;;
stop)
	discovery_chap_off
	if [ -d "$T/iscsi" ]; then
		for d in "$T"/iscsi/*/; do
			[ -d "$d/tpgt_1" ] || continue
			d=${d%/}
			del_target "${d##*/}"
		done
	fi
	if [ -d "$hba" ]; then
		dirs=()
		for d in "$hba"/*/; do
			[ -d "$d" ] && dirs+=("$d")
		done
		rmdir "${dirs[@]}" "$hba"
	fi
	;;
unload)
	"$0" stop
	[ -d "$T/iscsi" ] && rmdir "$T/iscsi" 2>/dev/null || true
	modprobe -r iscsi_target_mod target_core_pscsi target_core_file \
		target_core_iblock target_core_user 2>/dev/null || true
	;;
*)
	sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac

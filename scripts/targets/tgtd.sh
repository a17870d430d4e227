#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Set up the userspace iSCSI target tgtd (package tgt) for tests.
#
#   tgtd.sh start [PORT]                 start tgtd (default port 3260), wait until it answers
#   tgtd.sh add-target TID IQN SIZE_MB [NLUNS]
#                                        target TID with NLUNS (default 1) disks of SIZE_MB
#                                        at LUN 1..NLUNS (LUN 0 is tgtd's controller LUN),
#                                        backed by sparse files in $TGTD_DIR, bound to ALL
#   tgtd.sh crash                        SIGKILL tgtd, keep its LUN files
#   tgtd.sh restore-target TID IQN [NLUNS]
#                                        after a restart: the same target again over
#                                        the LUN files it had (their data kept)
#   tgtd.sh add-lun TID LUN SIZE_MB      one more disk on a live target
#   tgtd.sh pid                          tgtd's process id (tests stop and continue it)
#   tgtd.sh set TID KEY VALUE            target parameter (InitialR2T, ImmediateData,
#                                        FirstBurstLength, MaxRecvDataSegmentLength, ...)
#   tgtd.sh lun-params TID LUN PARAMS    e.g. vendor_id=KISCSI,product_id=DISK1,product_rev=0001
#   tgtd.sh chap TID USER PASS [MUSER MPASS]
#                                        CHAP account USER/PASS the initiator must log in
#                                        with (then AuthMethod=None is refused); with
#                                        MUSER/MPASS also the outgoing account the target
#                                        answers mutual CHAP with.  tgtd speaks CHAP_A 5
#                                        (MD5) and calls SHA1 7, unlike RFC 7143.
#   tgtd.sh lun-file TID LUN             print the backing file of a LUN
#   tgtd.sh del-target TID               delete a target and its files
#   tgtd.sh show                         tgtadm's view of all targets
#   tgtd.sh stop                         stop tgtd, remove every backing file it had
#
# Environment: TGTD_DIR (backing files, default /dev/shm), TGTD_LOG (tgtd's
# output, default /tmp/kiscsi-tgtd.log).  Exit status non-zero on failure,
# with the failing tgtadm command on stderr.
set -euo pipefail

dir=${TGTD_DIR:-/dev/shm}
log=${TGTD_LOG:-/tmp/kiscsi-tgtd.log}
pidfile=/run/kiscsi-tgtd.pid

die() { echo "tgtd.sh: $*" >&2; exit 1; }

tgtadm_() {
	local out
	if ! out=$(tgtadm "$@" 2>&1); then
		echo "tgtd.sh: tgtadm $*: $out" >&2
		return 1
	fi
	[ -z "$out" ] || echo "$out"
}

# Builtins where a loop would otherwise fork: on the debug (KASAN, lockdep)
# kernel under TCG every exec costs most of a second.
pid_of_tgtd() {
	local pid
	[ -s "$pidfile" ] || return 1
	read -r pid <"$pidfile" || return 1
	echo "$pid"
}

running() {
	local pid
	pid=$(pid_of_tgtd) && kill -0 "$pid" 2>/dev/null
}

# alive PID: the process exists and is not a zombie (its sockets are
# closed once it is one; its parent may be slow to reap it).
alive() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

wait_ready() {
	local end=$((SECONDS + 30))
	while [ "$SECONDS" -lt "$end" ]; do
		tgtadm --op show --mode sys >/dev/null 2>&1 && return 0
		running || die "tgtd exited while starting (log: $log)"
		sleep 0.2
	done
	die "tgtd did not answer within 30 s (log: $log)"
}

lun_file() { echo "$dir/kiscsi-tgt$1-lun$2.img"; }

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
start)
	port=${1:-3260}
	running && die "tgtd is already running (pid $(cat "$pidfile"))"
	mkdir -p /var/run/tgtd "$dir"
	tgtd -f --iscsi "portal=0.0.0.0:$port" </dev/null >"$log" 2>&1 &
	echo $! >"$pidfile"
	wait_ready
	;;
add-target)
	[ $# -ge 3 ] || die "usage: add-target TID IQN SIZE_MB [NLUNS]"
	tid=$1 iqn=$2 size=$3 nluns=${4:-1}
	tgtadm_ --lld iscsi --op new --mode target --tid "$tid" --targetname "$iqn"
	for ((lun = 1; lun <= nluns; lun++)); do
		f=$(lun_file "$tid" "$lun")
		: >"$f"
		truncate -s "${size}M" "$f"
		tgtadm_ --lld iscsi --op new --mode logicalunit --tid "$tid" --lun "$lun" \
			--backing-store "$f"
	done
	tgtadm_ --lld iscsi --op bind --mode target --tid "$tid" --initiator-address ALL
	;;
restore-target)
	# after a restart: the same target over the LUN files it had
	[ $# -ge 2 ] || die "usage: restore-target TID IQN [NLUNS]"
	tid=$1 iqn=$2 nluns=${3:-1}
	tgtadm_ --lld iscsi --op new --mode target --tid "$tid" --targetname "$iqn"
	for ((lun = 1; lun <= nluns; lun++)); do
		f=$(lun_file "$tid" "$lun")
		[ -s "$f" ] || die "no LUN file $f to restore"
		tgtadm_ --lld iscsi --op new --mode logicalunit --tid "$tid" --lun "$lun" \
			--backing-store "$f"
	done
	tgtadm_ --lld iscsi --op bind --mode target --tid "$tid" --initiator-address ALL
	;;
add-lun)
	[ $# -eq 3 ] || die "usage: add-lun TID LUN SIZE_MB"
	f=$(lun_file "$1" "$2")
	: >"$f"
	truncate -s "${3}M" "$f"
	tgtadm_ --lld iscsi --op new --mode logicalunit --tid "$1" --lun "$2" \
		--backing-store "$f"
	;;
pid)
	running || die "tgtd is not running"
	pid_of_tgtd
	;;
set)
	[ $# -eq 3 ] || die "usage: set TID KEY VALUE"
	tgtadm_ --lld iscsi --op update --mode target --tid "$1" --name "$2" --value "$3"
	;;
lun-params)
	[ $# -eq 3 ] || die "usage: lun-params TID LUN PARAMS"
	tgtadm_ --lld iscsi --op update --mode logicalunit --tid "$1" --lun "$2" --params "$3"
	;;
chap)
	[ $# -eq 3 ] || [ $# -eq 5 ] || die "usage: chap TID USER PASS [MUSER MPASS]"
	tgtadm_ --lld iscsi --op new --mode account --user "$2" --password "$3"
	tgtadm_ --lld iscsi --op bind --mode account --tid "$1" --user "$2"
	if [ $# -eq 5 ]; then
		tgtadm_ --lld iscsi --op new --mode account --user "$4" --password "$5"
		tgtadm_ --lld iscsi --op bind --mode account --tid "$1" --user "$4" --outgoing
	fi
	;;
lun-file)
	[ $# -eq 2 ] || die "usage: lun-file TID LUN"
	lun_file "$1" "$2"
	;;
del-target)
	[ $# -eq 1 ] || die "usage: del-target TID"
	tgtadm_ --lld iscsi --op delete --mode target --tid "$1" --force ||
		tgtadm_ --lld iscsi --op delete --mode target --tid "$1"
	rm -f "$dir/kiscsi-tgt$1-lun"*.img
	;;
show)
	tgtadm_ --lld iscsi --op show --mode target
	;;
stop|crash)
	# Tests stop tgtd between cases with their sessions gone: no need for
	# tgtadm's orderly shutdown, SIGKILL and wait for the process (and with
	# it the listening socket) to go.  crash keeps the LUN files, for
	# restore-target after a new start.
	if pid=$(pid_of_tgtd) && kill -KILL "$pid" 2>/dev/null; then
		end=$((SECONDS + 10))
		while alive "$pid" && [ "$SECONDS" -lt "$end" ]; do
			sleep 0.1
		done
		! alive "$pid" || die "tgtd (pid $pid) did not exit"
	fi
	rm -f "$pidfile"
	[ "$cmd" = crash ] || rm -f "$dir"/kiscsi-tgt*-lun*.img
	;;
*)
	sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac

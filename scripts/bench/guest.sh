#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The 'make bench' measurement, run inside one test guest by
# scripts/bench.sh (which boots it with scripts/vm/run.sh):
#
#   LIO ramdisk (rd_mcp, 127.0.0.1:3261)  <- kiscsi and open-iscsi
#   tgtd, file on tmpfs (127.0.0.1:3260)  <- kiscsi and open-iscsi
#   nvmet-tcp over brd (127.0.0.1:4420)   <- nvme-cli / nvme-tcp
#
# All five disks stay attached for the whole run.  A round runs every fio
# job on each disk in turn (one fio invocation, jobs stonewalled); rounds
# repeat KISCSI_BENCH_ROUNDS times, so each pair alternates A B A B and
# slow drift of this shared machine hits every initiator alike.  The raw
# fio output goes to $KISCSI_SHARE/raw/rN/, and scripts/bench/collect.py
# turns it into $KISCSI_SHARE/results.jsonl: one line per fio run with its
# figures and the guest's /proc/stat busy time over that run (every CPU of
# the guest, so it includes the target's share).
#
# Environment: KISCSI_BENCH_RUNTIME (seconds per fio run, default 10),
# KISCSI_BENCH_ROUNDS (default 2), KISCSI_BENCH_SIZE_MB (disk size, 256).
# Exits non-zero only if something breaks (a target, a login, fio, a kernel
# report), never because of a figure.
set -uo pipefail
. "$KISCSI_ROOT/selftests/vm/lib.sh"

RUNTIME=${KISCSI_BENCH_RUNTIME:-10}
ROUNDS=${KISCSI_BENCH_ROUNDS:-2}
SIZE=${KISCSI_BENCH_SIZE_MB:-256}
OUT=${KISCSI_SHARE:-$KISCSI_SCRATCH}/results.jsonl
RAW=${KISCSI_SHARE:-$KISCSI_SCRATCH}/raw
IQN_L=iqn.2024-01.org.kiscsi.bench:lio
IQN_T=iqn.2024-01.org.kiscsi.bench:tgtd
NQN=nqn.2024-01.org.kiscsi.bench:nvmet
NVME_PORT=4420
NVMET=/sys/kernel/config/nvmet

# name  fio options
JOBS=(
	"seq-read-1m-qd32    --rw=read      --bs=1m --iodepth=32"
	"seq-write-1m-qd32   --rw=write     --bs=1m --iodepth=32"
	"rand-read-4k-qd1    --rw=randread  --bs=4k --iodepth=1"
	"rand-write-4k-qd1   --rw=randwrite --bs=4k --iodepth=1"
	"rand-read-4k-qd32   --rw=randread  --bs=4k --iodepth=32"
	"rand-write-4k-qd32  --rw=randwrite --bs=4k --iodepth=32"
)

declare -A DEV	# initiator-target -> /dev/...
ORDER=(kiscsi-lio open-iscsi-lio kiscsi-tgtd open-iscsi-tgtd)

# Debian's 6.1 nvmet-tcp hits "kernel BUG at mm/usercopy.c:101" (Kernel
# memory exposure attempt detected from page alloc, in nvmet_tcp_io_work)
# on the 1 MiB writes, which takes the guest down: NVMe/TCP only from 6.12
# on unless KISCSI_BENCH_NVME=1 forces it.
NVME=${KISCSI_BENCH_NVME:-auto}
if [ "$NVME" = auto ]; then
	case "$(uname -r)" in 6.1.*) NVME=0 ;; *) NVME=1 ;; esac
fi
[ "$NVME" = 1 ] && ORDER+=(nvme-tcp)

nvmet_stop() {
	local p
	nvme disconnect -n "$NQN" >/dev/null 2>&1
	[ -d "$NVMET" ] || return 0
	for p in "$NVMET"/ports/*/subsystems/"$NQN"; do
		[ -L "$p" ] && rm -f "$p"
	done
	rmdir "$NVMET"/ports/1 2>/dev/null
	echo 0 >"$NVMET/subsystems/$NQN/namespaces/1/enable" 2>/dev/null
	rmdir "$NVMET/subsystems/$NQN/namespaces/1" "$NVMET/subsystems/$NQN" 2>/dev/null
	return 0
}

cleanup() {
	"$KISCSI" logout --all >/dev/null 2>&1
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	pkill -x iscsid 2>/dev/null
	nvmet_stop
	tgtd_stop
	lio_stop
}
trap cleanup EXIT

# --- targets -----------------------------------------------------------------

wr() { echo "$2" >"$1" || fail "cannot write '$2' to $1"; }

nvmet_start() {
	must modprobe brd rd_nr=1 rd_size=$((SIZE * 1024))
	must modprobe nvmet
	must modprobe nvmet-tcp
	local s=$NVMET/subsystems/$NQN p=$NVMET/ports/1
	mkdir "$s" || fail "cannot create $s"
	wr "$s/attr_allow_any_host" 1
	mkdir "$s/namespaces/1" || fail "cannot create namespace 1 of $NQN"
	wr "$s/namespaces/1/device_path" /dev/ram0
	wr "$s/namespaces/1/enable" 1
	mkdir "$p" || fail "cannot create $p"
	wr "$p/addr_trtype" tcp
	wr "$p/addr_adrfam" ipv4
	wr "$p/addr_traddr" 127.0.0.1
	wr "$p/addr_trsvcid" "$NVME_PORT"
	ln -s "$s" "$p/subsystems/$NQN" || fail "cannot bind $NQN to port $NVME_PORT"
}

# --- initiators --------------------------------------------------------------

# kiscsi_attach NAME PORTAL IQN LUN
kiscsi_attach() {
	local out sid
	echo "# [$(ts)] \$ kiscsi login --portal $2 --target $3" >&2
	out=$("$KISCSI" login --portal "$2" --target "$3" 2>&1) ||
		fail "kiscsi login to $3 at $2 failed: $out"
	echo "$out" | sed 's/^/#   /' >&2
	sid=$(echo "$out" | sed -n 's/.*session \([0-9][0-9]*\).*/\1/p' | head -n1)
	[ -n "$sid" ] || fail "no 'session N' in the output of kiscsi login"
	DEV[$1]=$(wait_disk "$sid" "$4") || exit 1
}

# openiscsi_attach NAME PORTAL IQN LUN: the session that appears is ours.
openiscsi_attach() {
	local before s sid=
	before=" $(sessions | tr '\n' ' ') "
	must iscsiadm -m discovery -t st -p "$2"
	must iscsiadm -m node -T "$3" -p "$2" --login
	for s in $(sessions); do
		case "$before" in *" $s "*) ;; *) sid=$s ;; esac
	done
	[ -n "$sid" ] || fail "iscsiadm logged in to $3 but no new session appeared"
	DEV[$1]=$(wait_disk "$sid" "$4") || exit 1
}

nvme_attach() {
	local c
	must modprobe nvme-tcp
	must nvme connect -t tcp -a 127.0.0.1 -s "$NVME_PORT" -n "$NQN"
	for c in /sys/class/nvme/nvme*; do
		[ "$(cat "$c/subsysnqn" 2>/dev/null)" = "$NQN" ] || continue
		wait_for 20 test -b "/dev/${c##*/}n1" || fail "no namespace on ${c##*/}"
		DEV[nvme-tcp]=/dev/${c##*/}n1
		return 0
	done
	fail "nvme connect to $NQN gave no controller"
}

# --- measuring ---------------------------------------------------------------

# run_round N: one fio invocation with every job on every disk in turn
# (stonewalled, so one at a time): fio starts once per round, which under
# TCG saves seconds per run.  Each job's exec_prerun/exec_postrun saves
# the guest's /proc/stat cpu line in JOBNAME.prerun.txt / .postrun.txt
# (fio writes them in its working directory), bracketing that job alone.
run_round() {
	local r=$1 dir=$RAW/r$1 args j job opts n rc pid
	mkdir -p "$dir"
	args=(--output-format=json --output="$dir/fio.json"
	      --direct=1 --ioengine=libaio --size="${SIZE}M"
	      --runtime="$RUNTIME" --time_based
	      --exec_prerun='head -n1 /proc/stat' --exec_postrun='head -n1 /proc/stat')
	for j in "${JOBS[@]}"; do
		read -r job opts <<<"$j"
		for n in "${ORDER[@]}"; do
			# shellcheck disable=SC2206
			args+=(--name="$job.$n" --stonewall --filename="${DEV[$n]}" $opts)
		done
	done
	log "round $r: ${#JOBS[@]} jobs x ${#ORDER[@]} disks, ${RUNTIME} s each"
	(cd "$dir" && exec fio "${args[@]}" >"$dir/fio.stdout" 2>"$dir/fio.stderr") &
	pid=$!
	# Progress every minute, with where fio waits: a hang shows here.
	while ! wait_for 60 bash -c "! kill -0 $pid"; do
		log "round $r: $(find "$dir" -name '*.postrun.txt' | wc -l) of $((${#JOBS[@]} * ${#ORDER[@]})) runs done;" \
		    "fio: $(for p in $(pgrep -x fio); do printf '%s/%s ' "$(awk '{print $3}' /proc/$p/stat)" "$(cat /proc/$p/wchan)"; done)"
	done
	wait "$pid"
	rc=$?
	if [ "$rc" != 0 ]; then
		tail -n 20 "$dir/fio.stderr" "$dir/fio.stdout" | sed 's/^/#   /' >&2
		fail "fio round $r failed ($rc)"
	fi
}

# --- main --------------------------------------------------------------------

: >"$OUT"
rm -rf "$RAW"
log "bench on $(uname -r), $(nproc) vCPU, fio $(fio --version), ${RUNTIME} s per run, $ROUNDS rounds"
dmesg -C

must "$LIO" add-target "$IQN_L" "$SIZE" "$LIO_PORT"
tgtd_start
must "$TGTD" add-target 1 "$IQN_T" "$SIZE"
[ "$NVME" = 1 ] && nvmet_start

# open-iscsi first: its iscsiadm stops reading /sys/class/iscsi_transport
# at the first transport it has no template for, so once kiscsi.ko has
# registered its transport iscsiadm may no longer find "tcp" (it depends
# on the directory order).  For the same reason kiscsi.ko is unloaded
# before iscsiadm logs out at the end.
must modprobe iscsi_tcp
setsid iscsid -f </dev/null >"$KISCSI_SCRATCH/iscsid.log" 2>&1 &
wait_for 10 grep -q ISCSIADM_ABSTRACT /proc/net/unix || fail "iscsid did not start"
openiscsi_attach open-iscsi-lio "127.0.0.1:$LIO_PORT" "$IQN_L" 0
openiscsi_attach open-iscsi-tgtd "127.0.0.1:$TGT_PORT" "$IQN_T" 1

# kiscsi gets its own initiator name: LIO would otherwise see one
# initiator with two sessions and the same name as open-iscsi's.
echo "InitiatorName=iqn.2024-01.org.kiscsi.bench:kiscsi" >"$KISCSI_SCRATCH/initiatorname.iscsi"
export KISCSI_INITIATORNAME_FILE=$KISCSI_SCRATCH/initiatorname.iscsi
kiscsi_load
inline=/sys/module/kiscsi/parameters/inline_send
if [ -e "$inline" ]; then
	[ -z "${KISCSI_BENCH_INLINE_SEND:-}" ] || echo "$KISCSI_BENCH_INLINE_SEND" >"$inline"
	log "kiscsi inline_send: $(cat "$inline")"
fi
kiscsi_attach kiscsi-lio "127.0.0.1:$LIO_PORT" "$IQN_L" 0
kiscsi_attach kiscsi-tgtd "127.0.0.1:$TGT_PORT" "$IQN_T" 1

if [ "$NVME" = 1 ]; then
	nvme_attach
else
	log "NVMe/TCP left out on $(uname -r): its nvmet-tcp crashes on 1 MiB writes (KISCSI_BENCH_NVME=1 forces it)"
fi

for n in "${ORDER[@]}"; do
	log "$n: ${DEV[$n]} ($(cat "/sys/block/${DEV[$n]#/dev/}/queue/nr_requests") requests," \
	    "max_sectors_kb $(cat "/sys/block/${DEV[$n]#/dev/}/queue/max_sectors_kb"))"
done
run "$KISCSI" session

for r in $(seq 1 "$ROUNDS"); do
	run_round "$r"
done
python3 "$KISCSI_ROOT/scripts/bench/collect.py" "$KVER" "$RAW"/r* >"$OUT" ||
	fail "cannot read the fio results in $RAW"

must "$KISCSI" logout --all
must rmmod kiscsi
must iscsiadm -m node --logoutall=all
[ "$NVME" = 1 ] && must nvme disconnect -n "$NQN"

bad='BUG:|WARNING:|Oops|general protection fault|blocked for more than|Kernel panic|refcount_t:'
if dmesg | grep -E -q "$bad"; then
	dmesg | grep -E -A 20 "$bad" | head -n 60 | sed 's/^/#   /' >&2
	fail "the kernel reported a problem during the bench"
fi

python3 "$KISCSI_ROOT/scripts/bench/table.py" "$OUT"

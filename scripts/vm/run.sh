#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one QEMU guest (TCG) that runs one command and powers off.
#
#   run.sh --kernel KVER [--image BZIMAGE] [--moddir DIR] [--mem MB]
#          [--cpus N] [--timeout SECONDS] [--append ARGS] [--name NAME]
#          [--acpitable FILE] [--quiet] [--no-lock] -- COMMAND [ARGS...]
#
# The guest mounts the host root read-only over 9p with a tmpfs overlay, so
# it sees every host binary and this repository at the same path.  COMMAND
# runs as root in the guest, in the current directory, with:
#   KISCSI_ROOT     the repository
#   KVER            the --kernel name
#   KISCSI_KO       $KISCSI_ROOT/build/kernel/$KVER/kiscsi.ko
#   KISCSI          $KISCSI_ROOT/build/bin/kiscsi
#   KISCSI_SHARE    /kiscsi-share: writable, the host's build/vm/runs/NAME
#   KISCSI_SCRATCH  an empty directory on the guest's tmpfs
# and every KISCSI_* variable of the caller's environment.
# Its stdout/stderr go to build/vm/runs/NAME/output.log and are echoed here
# (unless --quiet); the guest console is build/vm/logs/NAME.console and
# the guest's dmesg build/vm/runs/NAME/dmesg.
#
# --acpitable adds an ACPI table (the suite's iBFT, as boot firmware would).
#
# Exit status: COMMAND's; 124 if the timeout passed (QEMU killed); 125 if
# the guest died before COMMAND finished (panic, crash); 2 on bad usage.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
	sed -n '3,6p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

kver= image= moddir= mem=3072 cpus=2 timeout=600 append= name= quiet=0 lock=1
acpi=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kver=$2; shift 2 ;;
	--image) image=$2; shift 2 ;;
	--moddir) moddir=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--acpitable) [ -r "$2" ] || { echo "run.sh: no ACPI table $2" >&2; exit 2; }
		acpi+=(-acpitable "file=$2"); shift 2 ;;
	--quiet) quiet=1; shift ;;
	--no-lock) lock=0; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown option $1" >&2; usage ;;
	esac
done
[ -n "$kver" ] && [ $# -gt 0 ] || usage
[ -n "$image" ] || image=/boot/vmlinuz-$kver
[ -r "$image" ] || { echo "run.sh: no kernel image $image" >&2; exit 2; }
[ -n "$name" ] || name=$kver
name=${name//\//_}

# One VM at a time on this machine (2 cores shared by everyone); taken
# before the run directory is reset, so runs of the same name never clash.
if [ "$lock" = 1 ]; then
	exec 9>/tmp/kiscsi-vm.lock
	if ! flock -n 9; then
		echo "run.sh: waiting for another kiscsi VM to finish" >&2
		flock 9
	fi
fi

initrd=$("$here/mkinitramfs.sh" "$kver")
share=$root/build/vm/runs/$name
logdir=$root/build/vm/logs
console=$logdir/$name.console
mkdir -p "$logdir"
rm -rf "$share"
mkdir -p "$share"
: >"$share/output.log"
: >"$console"

# The command file: environment, working directory, command line.
{
	echo '#!/bin/bash'
	while IFS='=' read -r var _; do
		case "$var" in
		KISCSI_ROOT|KVER|KISCSI_KO|KISCSI|KISCSI_SHARE|KISCSI_SCRATCH) ;;
		KISCSI_*) printf 'export %s=%q\n' "$var" "${!var}" ;;
		esac
	done < <(env)
	printf 'export KISCSI_ROOT=%q\n' "$root"
	printf 'export KVER=%q\n' "$kver"
	printf 'export KISCSI_KO=%q\n' "$root/build/kernel/$kver/kiscsi.ko"
	printf 'export KISCSI=%q\n' "$root/build/bin/kiscsi"
	echo 'export KISCSI_SHARE=/kiscsi-share'
	echo 'export KISCSI_SCRATCH=/tmp/kiscsi-scratch'
	echo 'mkdir -p "$KISCSI_SCRATCH"'
	printf 'cd %q || cd /\n' "$PWD"
	printf 'exec'
	printf ' %q' "$@"
	echo
} >"$share/cmd"

kargs="console=ttyS0,115200 panic=-1 log_buf_len=8M mitigations=off"
kargs+=" kiscsi.init=$here/guest-init.sh"
[ -z "$moddir" ] || kargs+=" kiscsi.moddir=$(cd "$moddir" && pwd)"
[ -z "$append" ] || kargs+=" $append"

qpid= tpid=
cleanup() {
	[ -z "$qpid" ] || kill -KILL "$qpid" 2>/dev/null || true
	[ -z "$tpid" ] || kill "$tpid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "run.sh: booting $kver ($name, ${cpus} vCPU, ${mem} MiB, timeout ${timeout}s)" >&2
start=$(date +%s)
qemu-system-x86_64 \
	-machine q35,accel=tcg -cpu max -smp "$cpus" -m "$mem" \
	-nodefaults -display none -no-reboot -nic none \
	-serial "file:$console" \
	-kernel "$image" -initrd "$initrd" -append "$kargs" "${acpi[@]}" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap,id=hostroot" \
	-virtfs "local,path=$share,mount_tag=kshare,security_model=none,multidevs=remap,id=kshare" \
	</dev/null >"$logdir/$name.qemu" 2>&1 9>&- &
qpid=$!
if [ "$quiet" = 0 ]; then
	tail -n +1 -F --pid="$qpid" "$share/output.log" 2>/dev/null 9>&- &
	tpid=$!
fi

timed_out=0
deadline=$((start + timeout))
while kill -0 "$qpid" 2>/dev/null; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		timed_out=1
		kill -KILL "$qpid" 2>/dev/null || true
		break
	fi
	sleep 1
done
wait "$qpid" 2>/dev/null || true
qpid=
if [ -n "$tpid" ]; then
	wait "$tpid" 2>/dev/null || true
	tpid=
fi
elapsed=$(($(date +%s) - start))

oops=$(grep -E -m 5 'Kernel panic|BUG:|Oops|general protection fault|KASAN|UBSAN' "$console" "$share/dmesg" 2>/dev/null || true)
if [ "$timed_out" = 1 ]; then
	echo "run.sh: TIMEOUT: $name did not finish in ${timeout}s; QEMU killed (console: $console)" >&2
	[ -z "$oops" ] || echo "$oops" | sed 's/^/run.sh:   /' >&2
	exit 124
fi
if [ ! -s "$share/rc" ]; then
	echo "run.sh: CRASH: $name: the guest stopped before the command finished, after ${elapsed}s (console: $console)" >&2
	[ -z "$oops" ] || echo "$oops" | sed 's/^/run.sh:   /' >&2
	tail -n 25 "$console" | sed 's/^/run.sh: console: /' >&2
	exit 125
fi
rc=$(cat "$share/rc")
echo "run.sh: $name finished in ${elapsed}s, exit status $rc" >&2
exit "$rc"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 in the kiscsi test guest, after switch_root onto the overlay of the
# host root.  Sets up a minimal system (no udev, loopback only), runs the
# command that scripts/vm/run.sh wrote to /kiscsi-share/cmd with its output
# in /kiscsi-share/output.log and its exit status in /kiscsi-share/rc, saves
# dmesg, and powers off.  PID 1 must never exit: that panics the guest.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
share=/kiscsi-share
console=/dev/console

say() { echo "guest-init: [$(cut -d" " -f1 /proc/uptime 2>/dev/null)] $*" >"$console"; }

poweroff_now() {
	sync
	umount "$share" 2>/dev/null
	echo o >/proc/sysrq-trigger
	while :; do sleep 60; done
}
trap poweroff_now EXIT

cmdline_arg() {
	local a
	for a in $(cat /proc/cmdline); do
		case "$a" in "$1"=*) echo "${a#"$1"=}"; return 0 ;; esac
	done
	return 1
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/lock /run/lock/subsys
modprobe configfs 2>/dev/null
mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
ln -sfn /proc/kcore /dev/core 2>/dev/null
hostname kiscsi-vm
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up

# Modules.  Debian kernels find theirs in the host's /lib/modules.  A kernel
# without a host modules directory (a debug build) can be pointed at one
# with kiscsi.moddir=PATH: either an installed tree (modules.dep inside,
# as made by 'make modules_install') or a kernel build directory
# (modules.builtin inside, .ko files anywhere below).
kver=$(uname -r)
mdir=/lib/modules/$kver
if moddir=$(cmdline_arg kiscsi.moddir); then
	mkdir -p "$mdir"
	if [ -e "$moddir/modules.dep" ]; then
		mount --bind "$moddir" "$mdir"
	else
		cp "$moddir"/modules.builtin* "$moddir"/modules.order "$mdir"/ 2>/dev/null
		mkdir -p "$mdir/kernel"
		(cd "$moddir" && find . -name '*.ko' -not -path './.tmp*' -print0) |
		while IFS= read -r -d '' ko; do
			mkdir -p "$mdir/kernel/$(dirname "$ko")"
			ln -sf "$moddir/${ko#./}" "$mdir/kernel/$ko"
		done
		depmod -a "$kver" 2>/dev/null
	fi
elif [ ! -d "$mdir" ]; then
	mkdir -p "$mdir"
	touch "$mdir/modules.builtin" "$mdir/modules.order"
	depmod -a "$kver" 2>/dev/null
fi
modprobe sd_mod 2>/dev/null
say "system ready"
modprobe sg 2>/dev/null

# Some binaries want a machine id or an fstab; harmless if they exist.
[ -s /etc/machine-id ] || echo 0123456789abcdef0123456789abcdef >/etc/machine-id

if [ ! -f "$share/cmd" ]; then
	say "no $share/cmd: nothing to run"
	exit 1
fi

say "running $share/cmd on $kver"
start=$(date +%s)
setsid -w bash "$share/cmd" </dev/null >"$share/output.log" 2>&1
rc=$?
end=$(date +%s)
say "command exited with $rc after $((end - start)) s"
dmesg >"$share/dmesg" 2>/dev/null
echo "$rc" >"$share/rc.tmp" && mv "$share/rc.tmp" "$share/rc"
exit 0

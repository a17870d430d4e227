#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse) the test initramfs for one kernel and print its path.
#
#   mkinitramfs.sh KVER
#
# busybox-static plus, when /lib/modules/KVER exists on the host, the
# modules needed to mount the host root over 9p with an overlay on top
# (virtio_pci, 9pnet_virtio, 9p, overlay and their dependencies),
# decompressed so busybox insmod can load them.  A kernel with no host
# modules directory (a debug kernel with everything built in) gets an
# initramfs without modules.  Cached in build/vm/.
set -euo pipefail

kver=${1:?usage: mkinitramfs.sh KVER}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out_dir=$root/build/vm
out=$out_dir/initramfs-$kver.cpio.gz
mkdir -p "$out_dir"

if [ -s "$out" ] && [ "$out" -nt "$here/mkinitramfs.sh" ] &&
   [ "$out" -nt "$here/initramfs-init" ] && [ "$out" -nt /bin/busybox ]; then
	echo "$out"
	exit 0
fi

tmp=$(mktemp -d "$out_dir/initramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,modules,host,rw,newroot}
cp /bin/busybox "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
cp "$here/initramfs-init" "$tmp/init"
chmod 755 "$tmp/init"

if [ -d "/lib/modules/$kver" ]; then
	: >"$tmp/modules.list"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -S "$kver" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
	while read -r path; do
		name=$(basename "$path")
		case "$name" in
		*.ko.xz) xz -dc "$path" >"$tmp/modules/${name%.xz}"; name=${name%.xz} ;;
		*.ko.zst) zstd -qdc "$path" >"$tmp/modules/${name%.zst}"; name=${name%.zst} ;;
		*.ko.gz) gzip -dc "$path" >"$tmp/modules/${name%.gz}"; name=${name%.gz} ;;
		*) cp "$path" "$tmp/modules/$name" ;;
		esac
		echo "$name" >>"$tmp/modules.list"
	done
fi

(cd "$tmp" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"

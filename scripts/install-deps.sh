#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything kiscsi needs to build and test on Debian 12 (as root).
set -euo pipefail

pkgs=(
	build-essential pkg-config libmnl-dev libssl-dev libblkid-dev
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
	qemu-system-x86 busybox-static cpio kmod xz-utils procps python3 python3-crcmod jq
	tgt open-iscsi nvme-cli fio sg3-utils util-linux iproute2 multipath-tools
	dmsetup fdisk e2fsprogs
	sparse flex bison bc libelf-dev
	clang libclang-rt-14-dev
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) a debug 6.12 kernel for kiscsi's sanitizer lane: KASAN,
# lockdep, kmemleak, UBSAN, debugobjects, fault injection; see
# scripts/debug-kernel.config for the fragment and why each option is there.
#
# Usage: scripts/debug-kernel.sh           build if needed, print the paths
#        scripts/debug-kernel.sh --print   print the paths if already built,
#                                          exit 1 otherwise (never builds)
#
# Source: Debian's linux-source-6.12 tarball. The result is cached under
# $KISCSI_DEBUG_KERNEL_CACHE (default /var/cache/kiscsi/debug-kernel, or
# ~/.cache/kiscsi/debug-kernel when that is not writable) in a directory
# named after a hash of the tarball's version, the fragment, this script
# and the compiler, so a change of any of them builds a new kernel and an
# unchanged one is built once per machine or CI run.
#
# The last four lines of stdout are the contract (everything else goes to
# stderr):
#   IMAGE=<bzImage>
#   BUILD=<tree for `make -C $BUILD M=<dir> modules`>
#   KVER=<`make -s kernelrelease`>
#   MODDIR=<laid out like /lib/modules/$KVER: modules.builtin, modules.dep, ...>
#
# Environment: KISCSI_DEBUG_KERNEL_CACHE (cache base directory),
# KISCSI_DEBUG_KERNEL_SRC (tarball, default /usr/src/linux-source-6.12.tar.xz),
# KISCSI_DEBUG_KERNEL_JOBS (make -j, default nproc),
# KISCSI_DEBUG_KERNEL_VERBOSE=1 (copy make's output to stderr too).
set -euo pipefail

prog=debug-kernel.sh
say() { echo "$prog: $*" >&2; }
die() { echo "$prog: error: $*" >&2; exit 1; }

mode=build
case "${1:-}" in
'') ;;
--print) mode=print ;;
-h|--help) sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
*) die "unknown argument '$1' (try --help)" ;;
esac
[ $# -le 1 ] || die "too many arguments (try --help)"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
frag=$here/debug-kernel.config
self=$here/$(basename "${BASH_SOURCE[0]}")
tarball=${KISCSI_DEBUG_KERNEL_SRC:-/usr/src/linux-source-6.12.tar.xz}
jobs=${KISCSI_DEBUG_KERNEL_JOBS:-$(nproc)}

[ -r "$frag" ] || die "config fragment $frag not found"
[ -r "$tarball" ] ||
	die "kernel source $tarball not found (apt-get install linux-source-6.12, or set KISCSI_DEBUG_KERNEL_SRC)"

# --- cache key -------------------------------------------------------------
# The tarball is identified by its Debian package version when dpkg owns it
# (cheap), otherwise by its content; size and mtime catch a replaced file.
src_id() {
	local pkg ver
	pkg=$(dpkg-query -S "$tarball" 2>/dev/null | cut -d: -f1) || pkg=
	if [ -n "$pkg" ] && ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null); then
		echo "$pkg $ver"
	else
		sha256sum <"$tarball" | cut -d' ' -f1
	fi
	stat -L -c '%s %Y' "$tarball"
}
key=$(
	{
		echo "kiscsi-debug-kernel v1"
		src_id
		sha256sum <"$frag"
		sha256sum <"$self"
		${CC:-gcc} --version 2>/dev/null | head -n1
	} | sha256sum | cut -c1-16
)

if [ -n "${KISCSI_DEBUG_KERNEL_CACHE:-}" ]; then
	base=$KISCSI_DEBUG_KERNEL_CACHE
elif mkdir -p /var/cache/kiscsi/debug-kernel 2>/dev/null &&
	[ -w /var/cache/kiscsi/debug-kernel ]; then
	base=/var/cache/kiscsi/debug-kernel
else
	base=${XDG_CACHE_HOME:-$HOME/.cache}/kiscsi/debug-kernel
fi
base=$(realpath -m -- "$base")
dir=$base/$key
done_file=$dir/complete	# written last, atomically: holds the four lines

print_result() {
	# Re-check the paths: a half-deleted cache must not pass as complete.
	local line k v
	while IFS= read -r line; do
		k=${line%%=*} v=${line#*=}
		case $k in
		IMAGE) [ -f "$v" ] || return 1 ;;
		BUILD) [ -f "$v/Makefile" ] && [ -f "$v/Module.symvers" ] || return 1 ;;
		MODDIR) [ -f "$v/modules.dep" ] && [ -f "$v/modules.builtin" ] || return 1 ;;
		KVER) [ -n "$v" ] || return 1 ;;
		*) return 1 ;;
		esac
	done <"$done_file"
	cat "$done_file"
}

if [ "$mode" = print ]; then
	if [ -f "$done_file" ] && print_result; then
		exit 0
	fi
	say "no complete debug kernel in $dir; run scripts/debug-kernel.sh to build it"
	exit 1
fi

# Fast path, no lock needed: the marker is only ever renamed into place.
if [ -f "$done_file" ] && print_result; then
	exit 0
fi

# --- prerequisites -----------------------------------------------------------
missing=()
for t in make ${CC:-gcc} ld flex bison bc perl tar xz depmod awk nice flock; do
	command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
[ -e /usr/include/gelf.h ] || [ -e /usr/include/libelf.h ] || missing+=("libelf headers")
[ -e /usr/include/openssl/opensslv.h ] || missing+=("openssl headers")
if [ ${#missing[@]} -gt 0 ]; then
	die "missing build tools: ${missing[*]}
  on Debian: apt-get install build-essential flex bison bc libelf-dev libssl-dev kmod xz-utils util-linux"
fi

mkdir -p "$base" 2>/dev/null || die "cannot create cache directory $base (set KISCSI_DEBUG_KERNEL_CACHE)"
[ -w "$base" ] || die "cache directory $base is not writable (set KISCSI_DEBUG_KERNEL_CACHE)"

# --- one builder at a time -----------------------------------------------------
exec 9>"$dir.lock"
if ! flock -n 9; then
	say "another build of $dir is running; waiting for it"
	flock 9
fi
# The other builder may have finished while we waited.
if [ -f "$done_file" ] && print_result; then
	exit 0
fi

mkdir -p "$dir"
rm -f "$done_file"
log=$dir/build.log
build=$dir/build
start=$(date +%s)
say "building the debug kernel in $dir (log: $log)"

run() {	# run a step with its output in the log; on failure show the tail
	local what=$1
	shift
	say "  $what"
	echo "=== $what: $*" >>"$log"
	local rc=0
	if [ "${KISCSI_DEBUG_KERNEL_VERBOSE:-0}" = 1 ]; then
		"$@" 2>&1 | tee -a "$log" >&2 || rc=$?
	else
		"$@" >>"$log" 2>&1 || rc=$?
	fi
	if [ $rc -ne 0 ]; then
		echo "$prog: error: $what failed (exit $rc); last lines of $log:" >&2
		tail -n 40 "$log" | sed 's/^/  | /' >&2
		echo "$prog: rerun to resume, or rm -rf $dir to start over" >&2
		exit 1
	fi
}

kmake() { nice -n 10 make -C "$build" "$@"; }

# 1. source (extracted once; a partial extraction is thrown away)
if [ ! -f "$dir/.extracted" ]; then
	rm -rf "$build" "$dir/extract.tmp"
	mkdir -p "$dir/extract.tmp"
	run "extracting $tarball" tar -xJf "$tarball" -C "$dir/extract.tmp" --no-same-owner
	top=$(find "$dir/extract.tmp" -mindepth 1 -maxdepth 1 -type d)
	[ -n "$top" ] && [ -f "$top/Makefile" ] || die "$tarball does not hold one kernel tree"
	mv "$top" "$build"
	rmdir "$dir/extract.tmp"
	touch "$dir/.extracted"
fi

# 2. configuration: defconfig + kvm_guest.config + fragment, then verify
if [ ! -f "$dir/.configured" ]; then
	run "make defconfig" kmake defconfig
	run "make kvm_guest.config" kmake kvm_guest.config
	run "merging $(basename "$frag")" env -C "$build" KCONFIG_CONFIG=.config \
		scripts/kconfig/merge_config.sh -m .config "$frag"
	run "make olddefconfig" kmake olddefconfig
	# Kconfig silently drops options whose dependencies are not met:
	# every line of the fragment must hold in the final .config.
	if ! mismatch=$(awk '
		function parse(line) {
			if (match(line, /^CONFIG_[A-Za-z0-9_]+=/)) {
				key = substr(line, 1, RLENGTH - 1)
				val = substr(line, RLENGTH + 1)
				return 1
			}
			if (match(line, /^# CONFIG_[A-Za-z0-9_]+ is not set/)) {
				key = substr(line, 3); sub(/ .*/, "", key); val = "n"
				return 1
			}
			return 0
		}
		NR == FNR { if (parse($0)) { want[key] = val; order[++n] = key }; next }
		{ if (parse($0)) have[key] = val }
		END {
			bad = 0
			for (i = 1; i <= n; i++) {
				k = order[i]; w = want[k]
				h = (k in have) ? have[k] : "n"
				if (w == h) continue
				printf "  %s: wanted %s, got %s\n", k, w, \
					(k in have) ? h : "(unset: dependencies missing?)"
				bad++
			}
			exit bad ? 1 : 0
		}' "$frag" "$build/.config"); then
		echo "$prog: error: the final .config does not match $frag:" >&2
		echo "$mismatch" >&2
		echo "$prog: fix the fragment (see $build/.config and 'make menuconfig' there)" >&2
		exit 1
	fi
	say "  all $(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$frag") fragment options verified"
	touch "$dir/.configured"
fi

# 3. build (make is incremental: an interrupted build resumes)
run "make -j$jobs bzImage modules (about 10 minutes on 2 cores)" \
	kmake -j"$jobs" bzImage modules
kver=$(make -s -C "$build" kernelrelease)
[ -n "$kver" ] || die "make kernelrelease printed nothing"
cp "$build/arch/x86/boot/bzImage" "$dir/bzImage.tmp"
mv "$dir/bzImage.tmp" "$dir/bzImage"

# 4. modules tree for the guest's /lib/modules/$kver
rm -rf "$dir/mod"
run "make modules_install" kmake modules_install INSTALL_MOD_PATH="$dir/mod" DEPMOD=depmod
moddir=$dir/mod/lib/modules/$kver
for f in modules.builtin modules.builtin.modinfo modules.order modules.dep; do
	[ -f "$moddir/$f" ] || die "$moddir/$f missing after modules_install"
done
ln -sfn "$build" "$moddir/build"

# 5. an out-of-tree module must build against the tree
hello=$(mktemp -d "${TMPDIR:-/tmp}/kiscsi-debug-kernel-hello.XXXXXX")
trap 'rm -rf "$hello"' EXIT
cat >"$hello/hello.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/init.h>
static int __init hello_init(void) { pr_info("hello\n"); return 0; }
static void __exit hello_exit(void) { }
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("debug-kernel.sh out-of-tree build check");
EOF
echo 'obj-m := hello.o' >"$hello/Kbuild"
run "out-of-tree module check" make -C "$build" M="$hello" modules
vermagic=$(modinfo -F vermagic "$hello/hello.ko" 2>/dev/null) ||
	die "modinfo failed on the out-of-tree test module"
case "$vermagic" in
"$kver "*) ;;
*) die "out-of-tree test module has vermagic '$vermagic', expected $kver" ;;
esac

# 6. done: the marker is the last thing written, by rename
elapsed=$(($(date +%s) - start))
printf 'debug kernel %s built in %dm%02ds\n' "$kver" $((elapsed / 60)) $((elapsed % 60)) >>"$log"
say "built $kver in $((elapsed / 60))m$(printf %02d $((elapsed % 60)))s ($(du -sh "$dir" | cut -f1) in $dir)"
printf 'IMAGE=%s\nBUILD=%s\nKVER=%s\nMODDIR=%s\n' \
	"$dir/bzImage" "$build" "$kver" "$moddir" >"$done_file.tmp"
sync "$done_file.tmp" 2>/dev/null || true
mv "$done_file.tmp" "$done_file"
cat "$done_file"

# SPDX-License-Identifier: GPL-2.0
#
# kiscsi top level.  Targets:
#   all      the module for every test kernel and the userspace helper
#   modules  kiscsi.ko for each kernel in KVERS (build/kernel/<kver>/)
#   helper   libkiscsi and the kiscsi CLI (build/usr/)
#   vmtests  test programs run inside the VM suite (build/selftests/vm/)
#   check    the whole test suite: host unit tests, fuzz-user and the VM suites
#            (each kernel runs its lane's tests; see scripts/check.sh)
#   check-full  the same with every VM test on every kernel (when time allows)
#   fuzz-user  libFuzzer (ASan/UBSan) runs of the userspace parsers,
#            FUZZ_SECONDS (20) each
#   demo     one VM: tgtd, login with kiscsi, lsblk, fio, logout
#   fuzz     the hostile-target fuzzer in a debug-kernel VM (FUZZ_TIME s)
#   bench    kiscsi vs open-iscsi and NVMe/TCP, one VM per kernel (a measurement)
#   lint     checkpatch on the kernel code
#   deps     install everything needed (Debian 12, as root)

KVERS ?= $(shell scripts/kernels.sh 2>/dev/null)
BUILD := $(CURDIR)/build

.PHONY: all modules helper vmtests check check-full unit fuzz-user demo fuzz bench lint deps clean

all: modules helper vmtests

# One build directory per kernel: Kbuild writes its objects next to the
# sources, so each kernel gets a tree of symlinks to kernel/.
modules:
	@test -n "$(KVERS)" || { echo "no test kernels found: run 'make deps'" >&2; exit 1; }
	@set -e; for k in $(KVERS); do \
		d=$(BUILD)/kernel/$$k; mkdir -p $$d; \
		for f in $(CURDIR)/kernel/*; do ln -sf $$f $$d/; done; \
		mkdir -p $$d/include; ln -sfn $(CURDIR)/include/uapi $$d/include/uapi; \
		echo "  MODULE  $$k"; \
		$(MAKE) -s -C /lib/modules/$$k/build M=$$d W=1 modules; \
	done

helper:
	$(MAKE) -C usr BUILD=$(BUILD)

# programs the VM suite runs in the guest
vmtests:
	$(MAKE) -C selftests/vm BUILD=$(BUILD)

unit: helper
	$(MAKE) -C selftests/unit BUILD=$(BUILD) run

# FUZZ_SECONDS=600 make fuzz-user for a longer run by hand
fuzz-user:
	$(MAKE) -C selftests/fuzz BUILD=$(BUILD) run

# check.sh makes 'all' itself, after starting the debug kernel's build
check:
	scripts/check.sh

check-full:
	KISCSI_FULL=1 scripts/check.sh

demo: all
	scripts/demo.sh

fuzz: all
	scripts/fuzz.sh

# BENCH_KERNELS, BENCH_RUNTIME, BENCH_ROUNDS: see scripts/bench.sh
bench: all
	scripts/bench.sh

lint:
	scripts/lint.sh

deps:
	scripts/install-deps.sh

clean:
	rm -rf $(BUILD)

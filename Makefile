# SPDX-License-Identifier: GPL-2.0-only
#
# Entry points (see README.md):
#   make kernel     - bzImage of a Xen HVM/PVH guest with our files in place
#   make check      - KUnit suites under QEMU (-smp 4) against the Xen model
#   make check-kcsan - the concurrent suites on a KCSAN kernel (no KASAN)
#   make check-cpus - the concurrent suites with 1, 2 and 8 CPUs
#   make run        - boot our kernel as a PVH guest on real Xen in QEMU
#   make xen-check  - the real-Xen scenarios, ours beside upstream
#   make xen-soak   - the real-Xen soak alone (ping-pong, vcpu-set, save)
#   make xen-bench  - real-Xen ping-pong and IPI rates, ours vs stock
#   make smoke      - short real-Xen run for CI (one PVH guest)
#   make lint       - checkpatch --strict, sparse and W=1 on our files
#   make compat     - W=1 build of every event-channel user (Debian amd64
#                     config, arm64 cross), ours vs upstream: no new warnings
#   make compare    - the scenario suites on our files and on upstream's,
#                     side by side (build/compare/)
#   make bench      - benchmarks under QEMU -icount, ours vs upstream, with
#                     ratios, CSV and a plot (build/bench/)
#   make patches    - our files as a patch series against the base tree
#                     (build/patches/), checked: checkpatch --strict,
#                     git am on a fresh base, every step builds
#   make deb        - Debian kernel packages (bindeb-pkg) of the base tree
#                     with the series applied, Debian's amd64 config with
#                     the Xen modules (DEB_FULL=1: all of Debian's modules)
#   make xen-deb    - that kernel on real Xen, its Xen drivers loaded as
#                     modules: PVH (boot, save/restore, hibernation) and HVM
#   make xen-dom0   - our kernel as dom0 on real Xen (PIRQs, toolstack,
#                     blkback), ours and stock guests under it
#   make results    - Documentation/virt/xen/results.rst from the reports
#                     the last runs left in build/
#   make tree       - only prepare build/tree (base tree + our files)
#
# KSRC=/path/to/linux-6.12 uses your own tree as the base instead of
# Debian's linux-source-6.12.

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD ?= $(TOP)/build
JOBS ?= $(shell nproc)
export BUILD KSRC JOBS

.PHONY: all tree deps kernel check check-kcsan check-cpus run smoke xen-check xen-soak xen-bench lint compat results \
	compare bench patches deb xen-deb xen-dom0 clean

all: check

deps:
	@scripts/xen-evtchn/install-deps.sh

tree: deps
	@scripts/xen-evtchn/prepare-tree.sh >/dev/null

kernel: deps
	@scripts/xen-evtchn/build-kernel.sh

check: deps
	@scripts/xen-evtchn/run-kunit.sh

check-kcsan: deps
	@KUNIT_KCSAN=1 scripts/xen-evtchn/run-kunit.sh

check-cpus: deps
	@KUNIT_CPUS=1 scripts/xen-evtchn/run-kunit.sh

run: deps
	@scripts/xen-evtchn/xen-lab.sh run

xen-check: deps
	@scripts/xen-evtchn/xen-lab.sh check

xen-soak: deps
	@scripts/xen-evtchn/xen-lab.sh soak

xen-bench: deps
	@scripts/xen-evtchn/xen-lab.sh bench

smoke: deps
	@scripts/xen-evtchn/xen-lab.sh smoke

lint: deps
	@scripts/xen-evtchn/lint.sh

compat: deps
	@scripts/xen-evtchn/build-compat.sh

compare: deps
	@scripts/xen-evtchn/compare.sh

bench: deps
	@scripts/xen-evtchn/bench.sh

patches: deps
	@scripts/xen-evtchn/make-patches.sh

deb: deps
	@scripts/xen-evtchn/make-deb.sh

xen-deb: deps
	@scripts/xen-evtchn/xen-lab.sh deb

xen-dom0: deps
	@scripts/xen-evtchn/xen-lab.sh ourdom0

results:
	@scripts/xen-evtchn/results.sh

clean:
	rm -rf $(BUILD)/kunit $(BUILD)/kunit-kcsan $(BUILD)/kernel $(BUILD)/kernel-upstream $(BUILD)/kernel-dom0 $(BUILD)/lab \
		$(BUILD)/kunit-upstream $(BUILD)/tree-upstream $(BUILD)/compare $(BUILD)/bench \
		$(BUILD)/bench-ours $(BUILD)/bench-upstream \
		$(BUILD)/compat $(BUILD)/patches $(BUILD)/patches-tree $(BUILD)/patches-am \
		$(BUILD)/patches-kernel $(BUILD)/deb

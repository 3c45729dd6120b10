#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Quick compile check of drivers/xen/events/ (core and tests) in the KUnit
# build directory, without linking or booting. Needs one full `make check`
# first (it configures build/kunit). Waits for any other build to finish.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
mkdir -p "$build"
exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
flock 9
tree=$("$top/scripts/xen-evtchn/prepare-tree.sh" | tail -n 1)
export CCACHE_BASEDIR=$tree
make -s -C "$tree" O="$build/kunit" ARCH=x86_64 CC="ccache gcc" W=1 \
	-j"${JOBS:-$(nproc)}" drivers/xen/events/ "$@"

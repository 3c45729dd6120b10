#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install, from Debian's packages only, what building and testing need.
# Does nothing when everything is already there.
set -euo pipefail

# shellcheck source=scripts/xen-evtchn/lib.sh
. "$(dirname "$0")/lib.sh"

xe_install_missing install-deps \
	build-essential flex bison bc libelf-dev libssl-dev kmod cpio xz-utils \
	ccache sparse python3 qemu-system-x86 rsync linux-source-6.12 gnuplot-nox \
	shellcheck

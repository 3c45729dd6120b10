#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install, from Debian's packages only, what building and testing need.
# Does nothing when everything is already there.
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

for p in build-essential flex bison bc libelf-dev libssl-dev kmod cpio xz-utils \
	 ccache sparse python3 qemu-system-x86 rsync linux-source-6.12 gnuplot-nox \
	 shellcheck; do
	have_pkg "$p" || need+=("$p")
done

if [ ${#need[@]} -gt 0 ]; then
	echo "install-deps: apt-get install ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q "${need[@]}" >&2; then
		apt-get update -q >&2
		apt-get install -y -q "${need[@]}" >&2
	fi
fi

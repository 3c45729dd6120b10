# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers shared by the scripts in scripts/xen-evtchn/ (sourced, never run).

# xe_pkg_installed PKG: is the Debian package PKG installed?
xe_pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# xe_install_missing TAG PKG...: install from Debian's packages those of
# PKG... that are not installed yet, saying so on stderr prefixed by TAG.
# A failed install is retried once after an apt-get update (a fresh
# machine may have no package lists yet). Fails when not root and
# something is missing.
xe_install_missing() {
	local tag=$1 p need=()

	shift
	for p in "$@"; do
		xe_pkg_installed "$p" || need+=("$p")
	done
	[ ${#need[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "$tag: missing ${need[*]}: run as root or install them" >&2
		return 1
	fi
	echo "$tag: apt-get install ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q "${need[@]}" >&2 ||
		{ apt-get update -q >&2 && apt-get install -y -q "${need[@]}" >&2; }
}

# xe_stamp TOP FILE SECONDS: record in FILE when a run ended, on which
# commit of the repository at TOP (with -dirty for local changes) and how
# long it took; make results (results.sh) heads each report with it.
xe_stamp() {
	local commit

	commit=$(git -C "$1" describe --always --dirty 2>/dev/null || echo unknown)
	printf '%s, commit %s, %s s\n' "$(date -u '+%F %H:%M UTC')" "$commit" "$3" > "$2"
}

# xe_image_deb DIR: the linux-image package of make deb in DIR (not a
# -dbg one); fails when there is none.
xe_image_deb() {
	local f

	for f in "$1"/linux-image-*.deb; do
		case $f in *-dbg_*) continue ;; esac
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prepare the Linux tree our files are built in:
#   1. find the base tree: $KSRC if set, else Debian's linux-source-6.12
#      (installed with apt-get when missing), unpacked once into build/src;
#   2. keep a working copy in build/tree (never the user's own tree), and lay
#      the project's kernel files over it at the same paths;
#   3. restore upstream's version of any file we laid over earlier but no
#      longer carry, and do the little wiring Kbuild needs (a Kconfig source
#      line for drivers/xen/events/Kconfig);
#   4. merge our kernel parameter entries
#      (Documentation/admin-guide/kernel-parameters-xen-evtchn.txt) into the
#      tree's kernel-parameters.txt, replacing upstream's entries of the same
#      names (merge-kernel-parameters.py).
# Files are copied only when their content differs, so an unchanged file keeps
# its timestamp and incremental builds stay incremental.
#
# XEN_EVTCHN_TREE=upstream prepares build/tree-upstream instead, for make
# compare and make bench: the base tree with upstream's own event-channel
# and HVM files, and only our test bed laid over it (drivers/xen/events/
# tests/, the Kconfig entry of the test option and the .kunitconfig), wired
# into upstream's drivers/xen/events/Makefile by one appended line. The
# tests' Makefile sees upstream's files and builds only the suites that
# speak through entry points the kernel itself uses.
#
# Prints the path of the prepared tree on its last line. With --base it
# only finds (and unpacks) the base tree and prints its path; with
# --wire-kconfig DIR or --merge-parameters DIR it does only step 3's
# Kconfig line or step 4 in another copy of the base (make patches).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
overlay_dirs=(arch drivers include kernel Documentation)

log() { echo "prepare-tree: $*" >&2; }

find_base() {
	if [ -n "${KSRC:-}" ]; then
		[ -f "$KSRC/Makefile" ] || { log "KSRC=$KSRC has no Makefile"; exit 1; }
		(cd "$KSRC" && pwd)
		return
	fi
	local tarball=/usr/src/linux-source-6.12.tar.xz
	if [ ! -f "$tarball" ]; then
		log "installing linux-source-6.12 from Debian"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-source-6.12 >&2
	fi
	local stamp
	stamp="$build/src/.unpacked-$(stat -c %s-%Y "$tarball")"
	if [ ! -f "$stamp" ]; then
		log "unpacking $tarball"
		rm -rf "$build/src"
		mkdir -p "$build/src"
		tar -xJf "$tarball" -C "$build/src"
		touch "$stamp"
	fi
	echo "$build/src/linux-source-6.12"
}

kernel_version() {
	make -s -C "$1" kernelversion 2>/dev/null || echo unknown
}

# The working copy is rebuilt from the base only when the base changes.
sync_working_copy() {
	local base=$1 tree=$2
	local id
	id="$base $(kernel_version "$base") $(stat -c %Y "$base/Makefile")"
	if [ ! -f "$tree/.xen-evtchn-base" ] || [ "$(cat "$tree/.xen-evtchn-base")" != "$id" ]; then
		log "copying base tree $base ($(kernel_version "$base")) to $tree"
		rm -rf "$tree"
		mkdir -p "$tree"
		cp -a "$base/." "$tree/"
		echo "$id" > "$tree/.xen-evtchn-base"
		rm -f "$tree/.xen-evtchn-overlay"
	fi
}

our_files() {
	local only='.*'
	[ "$variant" = upstream ] &&
		only='^drivers/xen/events/(tests/.*|Kconfig|\.kunitconfig)$'
	(cd "$top" && git ls-files --cached --others --exclude-standard -- "${overlay_dirs[@]}" |
		grep -E "$only" |
		while read -r f; do [ -f "$f" ] && echo "$f"; done | sort -u)
}

copy_if_changed() {
	local src=$1 dst=$2
	if ! cmp -s "$src" "$dst"; then
		mkdir -p "$(dirname "$dst")"
		cp "$src" "$dst"
		log "  laid over: ${dst#"$3"/}"
	fi
}

overlay() {
	local base=$1 tree=$2 manifest="$2/.xen-evtchn-overlay"
	local now
	now=$(our_files)
	# Put back upstream's copy of files we no longer carry.
	if [ -f "$manifest" ]; then
		comm -23 "$manifest" <(echo "$now") | while read -r f; do
			[ -n "$f" ] || continue
			if [ -f "$base/$f" ]; then
				copy_if_changed "$base/$f" "$tree/$f" "$tree"
			else
				rm -f "$tree/$f"
			fi
		done
	fi
	echo "$now" | while read -r f; do
		[ -n "$f" ] && copy_if_changed "$top/$f" "$tree/$f" "$tree"
	done
	echo "$now" > "$manifest"
}

wire_kconfig() {
	local kc="$1/drivers/xen/Kconfig" line='source "drivers/xen/events/Kconfig"'
	[ -f "$1/drivers/xen/events/Kconfig" ] || return 0
	if ! grep -qF "$line" "$kc"; then
		# Inside the "Xen driver support" menu, before its endmenu.
		sed -i "0,/^endmenu/s||$line\n\nendmenu|" "$kc"
		log "  wired $line into drivers/xen/Kconfig"
	fi
}

# Upstream's events Makefile does not know the test directory.
wire_tests_makefile() {
	local mk="$1/drivers/xen/events/Makefile"
	# shellcheck disable=SC2016 # a make variable, written out literally
	local line='obj-$(CONFIG_XEN_EVTCHN_KUNIT_TEST) += tests/'
	if ! grep -qF "$line" "$mk"; then
		printf '\n%s\n' "$line" >> "$mk"
		log "  wired the test directory into drivers/xen/events/Makefile"
	fi
}

# Always merged from the base's copy, so an entry we drop or rename does not
# linger; the file is written only when the result differs from it.
merge_kernel_parameters() {
	local base=$1 tree=$2 kp=Documentation/admin-guide/kernel-parameters.txt
	local ours="$top/Documentation/admin-guide/kernel-parameters-xen-evtchn.txt"
	local msg
	[ -f "$base/$kp" ] || return 0
	if [ ! -f "$ours" ]; then
		copy_if_changed "$base/$kp" "$tree/$kp" "$tree"
		return 0
	fi
	msg=$(python3 "$top/scripts/xen-evtchn/merge-kernel-parameters.py" \
		"$base/$kp" "$ours" -o "$tree/$kp")
	[ -z "$msg" ] || log "  merged our kernel parameters into $kp"
}

case ${1:-} in
--base) find_base; exit 0 ;;
--wire-kconfig) wire_kconfig "$2"; exit 0 ;;
--merge-parameters) merge_kernel_parameters "$(find_base)" "$2"; exit 0 ;;
esac

variant=${XEN_EVTCHN_TREE:-ours}
case $variant in
ours) tree="$build/tree" ;;
upstream) tree="$build/tree-upstream" ;;
*) log "XEN_EVTCHN_TREE must be ours or upstream"; exit 2 ;;
esac
base=$(find_base)
sync_working_copy "$base" "$tree"
overlay "$base" "$tree"
wire_kconfig "$tree"
[ "$variant" = upstream ] && wire_tests_makefile "$tree"
[ "$variant" = ours ] && merge_kernel_parameters "$base" "$tree"
[ "$variant" = ours ] && kernel_version "$tree" > "$build/kernel-version"
echo "$tree"

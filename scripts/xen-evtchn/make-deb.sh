#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make deb: Debian kernel packages (make bindeb-pkg) of the base tree with
# our patch series applied, configured as Debian configures its amd64
# kernel.
#
#   1. make-patches.sh makes the series and applies it with git am to a
#      fresh copy of the base tree (build/patches-am, PATCHES_CHECK=apply).
#   2. The configuration is Debian's (linux-config-6.12,
#      config.amd64_none_amd64) with two changes, both checked:
#      - no debug info (Debian ships it in a separate -dbg package; here it
#        would double the build time), so no BTF either;
#      - unless DEB_FULL=1, only the modules a Xen guest or backend can use
#        stay modules: those of every Xen option that Debian builds as a
#        module, and what they depend on (make localmodconfig with that
#        list). Every Xen option keeps Debian's value (the script fails
#        otherwise); bool options that only dropped modules use go off
#        with them (listed in build/deb/obj/config.trimmed).
#        Debian's ~4,000 modules take hours on two cores; DEB_FULL=1 builds
#        them all.
#      CONFIG_LOCALVERSION is "-xen-evtchn".
#   3. make bindeb-pkg (O=build/deb/obj, packages in build/deb), under the
#      machine-wide build lock; modpost must report no undefined symbol.
#
# Prints the linux-image package path on its last line; what it logs is
# kept in build/deb/report.txt (make results). The lab boots that
# kernel, its modules loaded from the guest initramfs (make xen-deb).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/deb
obj=$out/obj
src=$build/patches-am
jobs=${JOBS:-$(nproc)}
debian_config=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
localversion=-xen-evtchn
# Ours only (absent from Debian's config), or XEN in the name but not Xen
# guest or host support (KVM_XEN is KVM's emulation of Xen):
# not compared with Debian's values, not kept for their own sake.
not_xen='^(# )?CONFIG_(XEN_EVTCHN_[A-Z0-9_]*|NETXEN_NIC|KVM_XEN)[= ]'

export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

# shellcheck source=scripts/xen-evtchn/lib.sh
. "$top/scripts/xen-evtchn/lib.sh"
# What it says is also kept in $out/report.txt, for make results.
log() { echo "make-deb: $*" | tee -a "$out/report.txt" >&2; }
die() { log "ERROR: $*"; exit 1; }

kmake() {
	# LOCALVERSION set (empty) keeps setlocalversion from adding "+".
	make -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= "$@"
}

# Module names (as lsmod prints them) built by the options given, read
# from the obj-$(CONFIG_X) lines of the tree's Makefiles.
modules_of_options() {
	local opt
	for opt in "$@"; do
		grep -rhE --include=Makefile --include=Kbuild \
			"^obj-\\\$\\(CONFIG_$opt\\)[[:space:]]*[:+]?=" "$src" |
			sed -E 's/^[^=]*=//; s/#.*//' | tr -s '[:blank:]' '\n' |
			sed -nE 's/\.o$//p'
	done | tr '-' '_' | sort -u
}

# Debian's configuration as this tree completes it, without debug info.
debian_baseline() {
	xz -dc "$debian_config" > "$obj/.config"
	"$src/scripts/config" --file "$obj/.config" \
		--disable DEBUG_INFO --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		--disable DEBUG_INFO_DWARF4 --disable DEBUG_INFO_DWARF5 \
		--disable DEBUG_INFO_BTF --enable DEBUG_INFO_NONE \
		--set-str LOCALVERSION "$localversion" --disable LOCALVERSION_AUTO \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
	kmake -s olddefconfig >/dev/null
	grep -q '^CONFIG_DEBUG_INFO_NONE=y' "$obj/.config" || die "debug info did not go off"
}

# Keep only the modules of Debian's modular Xen options (and what they
# need): a fake lsmod listing for make localmodconfig.
trim_modules() {
	local opts list=$obj/xen-modules.lsmod
	mapfile -t opts < <(grep -vE "$not_xen" "$obj/.config" |
		sed -nE 's/^CONFIG_([A-Z0-9_]*XEN[A-Z0-9_]*)=m$/\1/p')
	{
		echo "Module Size Used by"
		modules_of_options "${opts[@]}" | awk '{ print $1, 1, 0 }'
	} > "$list"
	log "keeping $(($(wc -l < "$list") - 1)) Xen module(s) and their dependencies" \
	    "($(tail -n +2 "$list" | cut -d' ' -f1 | tr '\n' ' '))"
	# New questions get their defaults; yes ends with SIGPIPE.
	(yes '' || true) | kmake -s LSMOD="$list" localmodconfig >/dev/null 2>"$obj/localmodconfig.log" ||
		die "make localmodconfig failed (see $obj/localmodconfig.log)"
	kmake -s olddefconfig >/dev/null
}

# The trimmed configuration keeps every Xen option as Debian sets it (or
# fails). Other differences are modules dropped and the bool options that
# only they used or selected (XFS_QUOTA under a dropped XFS, say): listed
# in $obj/config.trimmed, counted in the log.
verify_against() {
	local base=$1 changed
	# "is not set" and absent mean the same: only set options compare.
	changed=$(diff <(grep -E '^CONFIG_[A-Z0-9_]*XEN' "$base" | grep -vE "$not_xen" | sort) \
		       <(grep -E '^CONFIG_[A-Z0-9_]*XEN' "$obj/.config" | grep -vE "$not_xen" | sort) || true)
	[ -z "$changed" ] || die "Xen options differ from Debian's: $changed"
	comm -23 <(grep -E '^CONFIG_.*=y$' "$base" | sort) \
		 <(grep -E '^CONFIG_.*=y$' "$obj/.config" | sort) > "$obj/config.trimmed"
	log "configuration: every Xen option as Debian sets it; modules" \
	    "$(grep -c '=m$' "$base") -> $(grep -c '=m$' "$obj/.config"), bool options" \
	    "of dropped modules off: $(wc -l < "$obj/config.trimmed") ($obj/config.trimmed)"
}

configure() {
	mkdir -p "$obj"
	[ -f "$obj/.config" ] && cp -p "$obj/.config" "$obj/.config.prev"
	debian_baseline
	cp "$obj/.config" "$obj/config.debian-baseline"
	if [ "${DEB_FULL:-0}" != 1 ]; then
		trim_modules
		verify_against "$obj/config.debian-baseline"
	fi
	# An unchanged configuration keeps its timestamp: the build stays
	# incremental.
	if [ -f "$obj/.config.prev" ] && cmp -s "$obj/.config.prev" "$obj/.config"; then
		mv -f "$obj/.config.prev" "$obj/.config"
	else
		rm -f "$obj/.config.prev"
	fi
}

# modpost prints "ERROR: modpost: "sym" [mod.ko] undefined!" for a missing
# symbol (a warning when KBUILD_MODPOST_WARN is set); either fails here.
check_modpost() {
	local bad
	bad=$(grep -E 'modpost: .*undefined' "$out/build.log" || true)
	[ -z "$bad" ] || die "modpost reports missing symbols: $bad"
	log "modpost: no undefined symbol"
}

mkdir -p "$out"
: > "$out/report.txt"
xe_install_missing make-deb bc bison flex cpio kmod libelf-dev libssl-dev rsync \
	dpkg-dev debhelper xz-utils || die "missing build dependencies"
[ -f "$debian_config" ] || xe_install_missing make-deb linux-config-6.12 ||
	die "no $debian_config (apt-get install linux-config-6.12)"

start=$(date +%s)
PATCHES_CHECK=apply "$top/scripts/xen-evtchn/make-patches.sh" >&2 ||
	die "make patches failed"
[ -f "$src/Makefile" ] || die "no patched tree at $src"

log "waiting for the build lock"
exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
flock 9
export CCACHE_BASEDIR=$src
configure
release=$(kmake -s kernelrelease)
log "building $release packages in $out (log: $out/build.log)"
rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
if ! kmake -j"$jobs" KDEB_COMPRESS=gzip bindeb-pkg > "$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "make bindeb-pkg failed (see $out/build.log)"
fi
check_modpost
image=$(xe_image_deb "$out") || die "no linux-image package for $release in $out"
end=$(date +%s)
log "built in $((end - start)) s: $(cd "$out" && echo ./*.deb)"
log "$(dpkg-deb -c "$image" | grep -c '\.ko') modules in $(basename "$image")"
xe_stamp "$top" "$out/stamp" "$((end - start))"
echo "$image"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make compat: show that our event-channel files build in real configurations
# without new W=1 warnings. Every object that uses include/xen/events.h (the
# Xen core, arch code and the split front/back drivers) is built twice with
# W=1, once in build/tree (our files) and once in the untouched base tree
# (upstream's files), and the warning lists are compared: ours may add none.
#
#   x86_64: Debian's amd64 config (linux-config-6.12) with every Xen option on,
#           Xen drivers as modules; drivers/xen/, arch/x86/xen/ and every
#           other in-tree user of the event-channel API as single-object or
#           directory targets (a whole Debian kernel is too slow to build here).
#   arm64:  cross build (gcc-aarch64-linux-gnu): defconfig + CONFIG_XEN=y with
#           every Xen option on; drivers/xen/ and arch/arm64/xen/ (which also
#           builds arch/arm/xen/enlighten.c, a caller of xen_init_IRQ() and
#           xen_evtchn_do_upcall()).
#
# Each target group is built under the machine-wide build lock, one group at
# a time, so other builds get the lock between groups. Output directories are
# kept under $BUILD/compat/<arch>-<ours|upstream>; logs and warning lists under
# $BUILD/compat/logs. COMPAT_ARCHES="x86_64" (or "arm64") limits the run.
#
# Exit status: 0 when every target built on both sides and ours adds no
# warning; 1 otherwise. The summary is printed last.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/compat
logs=$out/logs
jobs=${JOBS:-$(nproc)}
arches=${COMPAT_ARCHES:-x86_64 arm64}
debian_config=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz

export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

# shellcheck source=scripts/xen-evtchn/lib.sh
. "$top/scripts/xen-evtchn/lib.sh"
log() { echo "build-compat: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Target groups, one locked make each: "name|targets...". Few and large
# enough that a run does not spend most of its time waiting for the lock.
x86_64_groups=(
	"xen|drivers/xen/ arch/x86/xen/ arch/x86/pci/xen.o"
	"drivers|drivers/block/xen-blkfront.o drivers/block/xen-blkback/
		drivers/net/xen-netfront.o drivers/net/xen-netback/ net/9p/trans_xen.o
		drivers/scsi/xen-scsifront.o drivers/tty/hvc/hvc_xen.o
		drivers/input/misc/xen-kbdfront.o drivers/video/fbdev/xen-fbfront.o
		drivers/char/tpm/xen-tpmfront.o drivers/pci/xen-pcifront.o
		drivers/usb/host/xen-hcd.o drivers/gpu/drm/xen/ sound/xen/"
)
arm64_groups=(
	"xen|drivers/xen/ arch/arm64/xen/"
)

# Options that carry XEN in their name but are not Xen guest support, or are
# ours only (turning them on would make the two configurations differ).
skip_options='^(NETXEN_NIC|KVM_XEN|XEN_EVTCHN_KUNIT_TEST)$'

install_pkgs() {
	xe_install_missing build-compat "$@"
}

# kmake SRC OUTDIR ARCH make-args...
# shellcheck disable=SC2317 # also called through with_lock
kmake() {
	local src=$1 dir=$2 arch=$3
	shift 3
	case $arch in
	x86_64)	make -C "$src" O="$dir" ARCH=x86_64 CC="ccache gcc" "$@" ;;
	arm64)	make -C "$src" O="$dir" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
			CC="ccache aarch64-linux-gnu-gcc" "$@" ;;
	esac
}

# with_lock CMD...: run one build step under the machine-wide build lock.
with_lock() {
	(
		exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
		flock 9
		"$@"
	)
}

# Type (bool/tristate) of a Kconfig symbol, from the tree's Kconfig files.
# shellcheck disable=SC2016,SC2317 # awk's own fields; called through with_lock
kconfig_types() {
	find "$1" -name 'Kconfig*' -not -path '*/Documentation/*' -print0 |
		xargs -0 awk '
			/^(menu)?config[ \t]/ { sym = $2; next }
			sym != "" && /^[ \t]+(bool|tristate|def_bool|def_tristate)/ {
				t = $1; sub(/^def_/, "", t); print sym, t; sym = ""
			}' | sort -u
}

# Turn on every Xen option: tristates as modules, bools on; repeat until
# nothing changes, since enabling one option makes others visible.
# shellcheck disable=SC2317 # called through with_lock
enable_xen_options() {
	local src=$1 dir=$2 arch=$3 types sym type changed
	types=$(kconfig_types "$src")
	for _ in 1 2 3 4 5; do
		changed=0
		while read -r sym; do
			[[ $sym =~ $skip_options ]] && continue
			type=$(awk -v s="$sym" '$1 == s { print $2; exit }' <<<"$types")
			case $type in
			tristate)
				grep -qx "CONFIG_$sym=m" "$dir/.config" && continue
				"$src/scripts/config" --file "$dir/.config" --module "$sym" ;;
			bool)
				grep -qx "CONFIG_$sym=y" "$dir/.config" && continue
				"$src/scripts/config" --file "$dir/.config" --enable "$sym" ;;
			*) continue ;;
			esac
			changed=1
		done < <(sed -nE 's/^(# )?CONFIG_([A-Z0-9_]*XEN[A-Z0-9_]*)[= ].*/\2/p' \
			"$dir/.config" | sort -u)
		kmake "$src" "$dir" "$arch" -s olddefconfig >/dev/null 2>>"$dir/.compat-config.log"
		[ "$changed" -eq 0 ] && return 0
		# Stop when olddefconfig undid everything we asked for.
		if [ -f "$dir/.config.pass" ] && cmp -s "$dir/.config" "$dir/.config.pass"; then
			break
		fi
		cp "$dir/.config" "$dir/.config.pass"
	done
	rm -f "$dir/.config.pass"
}

# shellcheck disable=SC2317 # called through build_group
configure() {
	local src=$1 dir=$2 arch=$3
	mkdir -p "$dir"
	[ -f "$dir/.compat-configured" ] && return 0
	log "configuring $arch in $dir"
	rm -f "$dir/.compat-config.log"
	case $arch in
	x86_64) xz -dc "$debian_config" > "$dir/.config"
		kmake "$src" "$dir" "$arch" -s olddefconfig >/dev/null 2>>"$dir/.compat-config.log" ;;
	arm64)	kmake "$src" "$dir" "$arch" -s defconfig >/dev/null 2>>"$dir/.compat-config.log"
		"$src/scripts/config" --file "$dir/.config" --enable XEN
		kmake "$src" "$dir" "$arch" -s olddefconfig >/dev/null 2>>"$dir/.compat-config.log" ;;
	esac
	enable_xen_options "$src" "$dir" "$arch"
	grep -q '^CONFIG_XEN=y' "$dir/.config" || die "$arch: CONFIG_XEN did not stick"
	touch "$dir/.compat-configured"
}

# One locked step: configure on first use, then build one target group.
# The group's objects are removed first so that every run compiles (ccache
# makes that cheap) and reports all warnings, not only those of the files
# that changed since the last run.
# shellcheck disable=SC2317 # called through with_lock
build_group() {
	local src=$1 dir=$2 arch=$3 t
	shift 3
	configure "$src" "$dir" "$arch"
	for t in "$@"; do
		if [[ $t == */ ]]; then
			[ ! -d "$dir/$t" ] || find "$dir/$t" -name '*.o' -delete
		else
			rm -f "$dir/$t"
		fi
	done
	kmake "$src" "$dir" "$arch" -s -j"$jobs" W=1 "$@"
}

# Warning and error lines of a build log, with tree paths made relative so
# that the two trees compare; deduplicated (headers warn once per includer).
warnings_of() {
	sed -E -e 's/\x1b\[[0-9;]*[mK]//g' -e "s#${tree}/##g" -e "s#${base}/##g" -e 's#^(\.\./)+##' "$@" |
		grep -E '(warning|error):' | sort -u || true
}

# Options whose values differ between the two configurations (our tree adds
# no option a real config sees, so anything here is worth a look).
config_diff() {
	diff <(grep -E '^CONFIG_' "$1/.config" | grep -v '^CONFIG_XEN_EVTCHN_KUNIT_TEST=') \
	     <(grep -E '^CONFIG_' "$2/.config") || true
}

declare -A built failed
rc=0

run_arch() {
	local arch=$1 side src dir g name targets t glog status
	local -a groups
	if [ "$arch" = x86_64 ]; then
		groups=("${x86_64_groups[@]}")
	else
		groups=("${arm64_groups[@]}")
	fi
	for side in ours upstream; do
		if [ $side = ours ]; then src=$tree; else src=$base; fi
		dir=$out/$arch-$side
		: > "$logs/$arch-$side.log"
		for g in "${groups[@]}"; do
			name=${g%%|*}
			read -r -a targets <<<"$(echo "${g#*|}" | tr '\n\t' '  ')"
			glog=$logs/$arch-$side-$name.log
			log "$arch $side: $name (${targets[*]})"
			status=ok
			if ! with_lock build_group "$src" "$dir" "$arch" "${targets[@]}" \
				>"$glog" 2>&1; then
				status=FAILED
				rc=1
			fi
			cat "$glog" >> "$logs/$arch-$side.log"
			for t in "${targets[@]}"; do
				if [ $status = ok ]; then
					built[$arch-$side]+="$t "
				else
					failed[$arch-$side]+="$t "
				fi
			done
			[ $status = ok ] || log "$arch $side: $name FAILED (see $glog)"
		done
		warnings_of "$logs/$arch-$side.log" > "$logs/$arch-$side.warnings"
	done
	comm -23 "$logs/$arch-ours.warnings" "$logs/$arch-upstream.warnings" \
		> "$logs/$arch-new.warnings"
	config_diff "$out/$arch-ours" "$out/$arch-upstream" > "$logs/$arch-config.diff"
}

# Object files the targets of one side produced (composite objects of the
# event-channel core itself excepted: they are what is checked against).
target_objects() {
	local dir=$1 t
	shift
	for t in "$@"; do
		if [[ $t == */ ]]; then
			[ -d "$dir/$t" ] && find "$dir/$t" -name '*.o' ! -name '*.mod.o'
		else
			[ -f "$dir/$t" ] && echo "$dir/$t"
		fi
	done | grep -v '/drivers/xen/events/' | sort -u
}

# Global symbols of the event-channel core that upstream's users link
# against must all exist in ours: W=1 on single objects cannot see a
# declared-but-missing function, so compare what nm says.
core_symbols() {
	local nm=$1 dir=$2/drivers/xen/events
	find "$dir" -maxdepth 1 -name '*.o' -print0 | xargs -0 -r "$nm" --defined-only -g 2>/dev/null |
		awk 'NF == 3 { print $3 }' | sort -u
}

missing_symbols() {
	local arch=$1 nm=nm g
	local -a all=()
	[ "$arch" = arm64 ] && nm=aarch64-linux-gnu-nm
	if [ "$arch" = x86_64 ]; then
		# shellcheck disable=SC2206 # the targets are words
		for g in "${x86_64_groups[@]}"; do all+=(${g#*|}); done
	else
		# shellcheck disable=SC2206 # the targets are words
		for g in "${arm64_groups[@]}"; do all+=(${g#*|}); done
	fi
	local up=$out/$arch-upstream ours=$out/$arch-ours
	if [ -z "$(core_symbols "$nm" "$up")" ] || [ -z "$(core_symbols "$nm" "$ours")" ]; then
		echo "(not checked: core objects missing)"
		return 0
	fi
	comm -12 \
		<(target_objects "$up" "${all[@]}" | xargs -r $nm -u 2>/dev/null |
			awk '$1 == "U" { print $2 }' | sort -u) \
		<(core_symbols "$nm" "$up") |
	comm -23 - <(core_symbols "$nm" "$ours")
}

# Every file that includes the event-channel headers must be covered by one
# of the targets; list the ones that are not (arch code of other arches
# excepted).
uncovered_users() {
	local arch=$1 f g obj covered t
	local -a all=()
	if [ "$arch" = x86_64 ]; then
		# shellcheck disable=SC2206 # the targets are words
		for g in "${x86_64_groups[@]}"; do all+=(${g#*|}); done
	else
		# shellcheck disable=SC2206 # the targets are words
		for g in "${arm64_groups[@]}"; do all+=(${g#*|}); done
	fi
	(cd "$tree" && grep -rlE --include='*.c' \
		'#include <(xen|asm/xen)/events\.h>' arch drivers net sound) |
	while read -r f; do
		case $arch:$f in
		x86_64:arch/x86/*|arm64:arch/arm/xen/*|arm64:arch/arm64/*) ;;
		*:arch/*) continue ;;
		arm64:drivers/xen/*) ;;
		arm64:*) continue ;;
		esac
		obj=${f%.c}.o
		covered=0
		for t in "${all[@]}"; do
			case $t in
			*/) [[ $obj == "$t"* ]] && covered=1 ;;
			*) [ "$obj" = "$t" ] && covered=1 ;;
			esac
			# arch/arm64/xen/ builds arch/arm/xen/*.o.
			[[ $arch == arm64 && $obj == arch/arm/xen/* && $t == arch/arm64/xen/ ]] &&
				covered=1
		done
		[ $covered -eq 1 ] || echo "$f"
	done
}

summary() {
	local arch side n_ours n_up n_new
	echo
	echo "==== build-compat summary (W=1, ours = $tree, upstream = $base) ===="
	for arch in $arches; do
		echo "-- $arch"
		for side in ours upstream; do
			echo "   $side built: ${built[$arch-$side]:-none}"
			[ -z "${failed[$arch-$side]:-}" ] ||
				echo "   $side FAILED: ${failed[$arch-$side]}"
		done
		n_ours=$(grep -c . "$logs/$arch-ours.warnings" || true)
		n_up=$(grep -c . "$logs/$arch-upstream.warnings" || true)
		n_new=$(grep -c . "$logs/$arch-new.warnings" || true)
		echo "   warnings: ours $n_ours, upstream $n_up, new in ours $n_new"
		if [ "$n_new" -gt 0 ]; then
			sed 's/^/     NEW: /' "$logs/$arch-new.warnings"
			rc=1
		fi
		comm -13 "$logs/$arch-ours.warnings" "$logs/$arch-upstream.warnings" |
			sed 's/^/     upstream only: /'
		if [ -s "$logs/$arch-config.diff" ]; then
			echo "   config differs between the trees:"
			sed 's/^/     /' "$logs/$arch-config.diff"
		fi
		local unc miss
		miss=$(missing_symbols "$arch")
		if [[ $miss == "(not checked"* ]]; then
			echo "   symbols: $miss"
		elif [ -n "$miss" ]; then
			echo "   symbols upstream's core gives its users, missing in ours:"
			# shellcheck disable=SC2001 # every line, not only the first
			sed 's/^/     /' <<<"$miss"
			rc=1
		else
			echo "   symbols: every core symbol the built users need is defined by ours"
		fi
		unc=$(uncovered_users "$arch")
		if [ -n "$unc" ]; then
			echo "   users of the event-channel headers not built:"
			# shellcheck disable=SC2001 # every line, not only the first
			sed 's/^/     /' <<<"$unc"
			rc=1
		fi
	done
	if [ $rc -eq 0 ]; then
		echo "compat: PASS"
	else
		echo "compat: FAIL"
	fi
}

pkgs=(linux-config-6.12 ccache)
[[ " $arches " == *" arm64 "* ]] && pkgs+=(gcc-aarch64-linux-gnu)
install_pkgs "${pkgs[@]}"
[ -f "$debian_config" ] || die "no $debian_config"

tree=$("$top/scripts/xen-evtchn/prepare-tree.sh" | tail -n 1)
base=$(awk '{ print $1; exit }' "$tree/.xen-evtchn-base")
[ -f "$base/Makefile" ] || die "no base tree at $base"
mkdir -p "$logs"
start=$SECONDS
for arch in $arches; do
	run_arch "$arch"
done
summary
echo "compat: $((SECONDS - start)) s"
exit $rc

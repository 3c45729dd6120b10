#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make kernel: build the x86_64 bzImage the Xen lab boots as a PVH guest.
#
#   build-kernel.sh             our files laid over the base tree
#                               (prepare-tree.sh) -> $BUILD/kernel
#   build-kernel.sh --upstream  the pristine base tree, untouched
#                               -> $BUILD/kernel-upstream
#   build-kernel.sh --src TREE --out DIR
#                               any tree into DIR (make patches builds each
#                               step of the series this way)
#   build-kernel.sh --dom0      our files, configured to run as the lab's
#                               dom0 (kernel/configs/xen-evtchn-dom0.config
#                               over the guest's) -> $BUILD/kernel-dom0
#
# Both start from `make allnoconfig`, merge kernel/configs/xen-evtchn-guest.config
# with merge_config.sh -m, run olddefconfig and then check that every option of
# the fragment survived; a silently dropped option fails the build. The .config
# is replaced only when its content changes, so rebuilds stay incremental.
#
# The machine-wide build lock is held for the whole build: several helpers
# share two cores and build kernels through the same lock.
#
# Prints the bzImage path on its last line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
fragment="$top/kernel/configs/xen-evtchn-guest.config"
dom0_fragment="$top/kernel/configs/xen-evtchn-dom0.config"
dom0=0
jobs=${JOBS:-$(nproc)}
variant=ours
src_override=
out_override=

log() { echo "build-kernel: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
	echo "usage: $0 [--upstream] [--dom0] [--src TREE --out DIR]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--upstream) variant=upstream ;;
	--dom0) dom0=1 ;;
	--src) [ $# -ge 2 ] || usage; src_override=$2; shift ;;
	--out) [ $# -ge 2 ] || usage; out_override=$2; shift ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
	shift
done

[ -f "$fragment" ] || die "missing $fragment"

# The base tree: $KSRC when given, else Debian's source as prepare-tree.sh
# unpacked it. prepare-tree.sh is run in both cases so that the unpacked base
# exists; the upstream build never writes into it (O= keeps objects out).
source_tree() {
	local tree
	if [ -n "$src_override" ]; then
		(cd "$src_override" && pwd)
		return
	fi
	tree=$("$top/scripts/xen-evtchn/prepare-tree.sh" | tail -n 1)
	if [ "$variant" = ours ]; then
		echo "$tree"
	elif [ -n "${KSRC:-}" ]; then
		(cd "$KSRC" && pwd)
	else
		echo "$build/src/linux-source-6.12"
	fi
}

kmake() {
	make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" "$@"
}

# Regenerate the configuration in a scratch file and install it only when
# it differs: an untouched .config keeps its timestamp.
configure() {
	local old="$out/.config.prev"
	rm -f "$old"
	[ -f "$out/.config" ] && cp -p "$out/.config" "$old"
	kmake allnoconfig >/dev/null
	KCONFIG_CONFIG="$out/.config" "$src/scripts/kconfig/merge_config.sh" -m \
		-O "$out" "$out/.config" "$fragment" >/dev/null
	kmake olddefconfig >/dev/null
	if [ -f "$old" ] && cmp -s "$old" "$out/.config"; then
		mv -f "$old" "$out/.config"
	else
		rm -f "$old"
		log "configuration (re)generated"
	fi
}

# Every CONFIG_X=v line of the fragment must appear verbatim in .config,
# every "# CONFIG_X is not set" must not be set there.
verify_config() {
	local line opt missing=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			if ! grep -qxF -- "$line" "$out/.config"; then
				opt=${line%%=*}
				log "fragment wants $line, .config has:" \
				    "$(grep -E "^(# )?${opt}[= ]" "$out/.config" || echo '(absent)')"
				missing=$((missing + 1))
			fi
			;;
		"# CONFIG_"*" is not set")
			opt=${line#"# "}
			opt=${opt%% *}
			if grep -q "^$opt=" "$out/.config"; then
				log "fragment wants $opt unset, .config sets it"
				missing=$((missing + 1))
			fi
			;;
		esac
	done < "$fragment"
	[ "$missing" -eq 0 ] || die "$missing option(s) of $(basename "$fragment") not applied"
}

# merge_fragments BASE OVER: BASE without the options OVER names, then
# OVER: one fragment that verify_config can hold the result to.
merge_fragments() {
	local opts
	opts=$(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' \
		      -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "$2")
	grep -v -w -F -f <(printf '%s\n' "$opts") "$1"
	cat "$2"
}

if [ "$variant" = ours ]; then
	out="$build/kernel"
else
	out="$build/kernel-upstream"
fi
[ "$dom0" = 0 ] || out="$out-dom0"
[ -z "$out_override" ] || out=$out_override
mkdir -p "$out"
if [ "$dom0" = 1 ]; then
	merge_fragments "$fragment" "$dom0_fragment" > "$out/fragment.config.new"
	fragment="$out/fragment.config"
	cmp -s "$fragment.new" "$fragment" || mv -f "$fragment.new" "$fragment"
	rm -f "$fragment.new"
fi

export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

log "waiting for the build lock"
exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
flock 9
start=$(date +%s)

src=$(source_tree)
[ -f "$src/Makefile" ] || die "no kernel tree at $src"
export CCACHE_BASEDIR=$src
log "$variant kernel from $src into $out"

configure
verify_config
kmake -j"$jobs" bzImage

image="$out/arch/x86/boot/bzImage"
[ -f "$image" ] || die "no bzImage produced"
end=$(date +%s)
log "$variant kernel $(kmake kernelrelease) built in $((end - start)) s" \
    "($(stat -c %s "$image") bytes)"
echo "$image"

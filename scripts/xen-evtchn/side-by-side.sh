# shellcheck shell=bash disable=SC2154
# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by compare.sh and bench.sh, which run the same KUnit boots on a
# kernel with our files and on one with upstream's (the "sides"). Needs
# $top and $jobs set by the caller (hence no SC2154 for this file).

# side_tree SIDE: prepare the tree of one side (ours or upstream, see
# prepare-tree.sh) and print its path.
side_tree() {
	XEN_EVTCHN_TREE=$1 "$top/scripts/xen-evtchn/prepare-tree.sh" | tail -n 1
}

# side_boot FIRST TREE KOUT KUNITCONFIG QEMU_ARGS KARGS TIMEOUT GLOB OUT:
# one kunit.py boot of the kernel in KOUT (built from TREE first when
# FIRST is 1), its parsed output in OUT and the kernel log next to it
# (OUT with .log for .txt).
side_boot() {
	local first=$1 tree=$2 kout=$3 kunitconfig=$4 qemu=$5 kargs=$6 limit=$7 glob=$8 out=$9
	local cmd=(exec)
	[ "$first" = 1 ] && cmd=(run --make_options="CC=ccache gcc" --jobs="$jobs")
	rm -f "$kout/test.log"
	(cd "$tree" && CCACHE_BASEDIR=$tree python3 tools/testing/kunit/kunit.py "${cmd[@]}" \
		--arch=x86_64 --build_dir="$kout" --kunitconfig="$kunitconfig" \
		--qemu_args="$qemu" --kernel_args="$kargs" --timeout="$limit" \
		"$glob" </dev/null >"$out" 2>&1)
	[ -f "$kout/test.log" ] && cp "$kout/test.log" "${out%.txt}.log"
	[ -f "$kout/arch/x86/boot/bzImage" ]
}

# run_sides FN SIDE...: FN SIDE for each side, holding the build lock (one
# kernel build at a time on this machine) with ccache set up. Returns 1
# when any side failed.
run_sides() {
	local fn=$1 side rc=0
	shift
	export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
	exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
	flock 9
	for side in "$@"; do
		"$fn" "$side" || rc=1
	done
	flock -u 9
	return "$rc"
}

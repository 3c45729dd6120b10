#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make compare: the scenario suites that reach the kernel only through its
# own entry points, on two KUnit kernels built from the same base tree and
# the same model:
#
#   ours      build/tree (our files laid over the base), build in build/kunit
#             (shared with make check)
#   upstream  build/tree-upstream (the base tree's own event-channel and HVM
#             files, only drivers/xen/events/tests/ laid over), build in
#             build/kunit-upstream; see prepare-tree.sh (XEN_EVTCHN_TREE)
#
# Upstream needs no patch: the model boot reads its CPUID hook weakly and
# registers the per-vCPU vectors upstream cannot see itself
# (xen_model_boot.c, point 4). Suites that read our core's internals are not
# built on the upstream side and show as "n/a".
#
# Output: per boot and suite, the cases passed/failed/skipped on each side;
# every case whose result differs, with the reason from the table below
# (known upstream bug, or a gap of the model); the whole table as
# build/compare/compare.csv and build/compare/compare.txt.
#
# COMPARE_BOOTS replaces the boot list (as XEN_EVTCHN_BOOTS of run-kunit.sh,
# "name|kernel args|filter glob|CPUs", and a fifth field: the boot's time
# limit in seconds, default 1800); COMPARE_SIDES="ours" or "upstream" runs
# one side only.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/xen-evtchn/lib.sh
. "$top/scripts/xen-evtchn/lib.sh"
build=${BUILD:-$top/build}
outdir=$build/compare
jobs=${JOBS:-$(nproc)}
sides=${COMPARE_SIDES:-ours upstream}

# Boots of make check whose suites speak through kernel entry points only.
# The failure sweeps and the resume matrices have boots of their own with a
# short time limit: on upstream's files a failing EVTCHNOP_close, or a new
# host without the per-vCPU vector op, ends in a BUG(), and what is left of
# that kernel then waits until the limit.
default_boots='fifo|xen_model=fifo,percpu|xen_evtchn_sc*
fifo-sweep|xen_model=fifo,percpu|xen_evtchn_sweep*|4|240
m-fifo|xen_model=fifo,percpu|xen_evtchn_matrix*
fifo-upcall|xen_model=fifo,percpu xen_vcpu_info=register|xen_evtchn_hvm_[uh]*
fifo-resume|xen_model=fifo,percpu xen_vcpu_info=register|xen_evtchn_hvm_resume*|4|240
2l|xen_model=2l|xen_evtchn_sc*
2l-sweep|xen_model=2l|xen_evtchn_sweep*|4|240
m-2l|xen_model=2l|xen_evtchn_matrix*
2l-hvm|xen_model=2l|xen_evtchn_hvm_[uh]*
2l-resume|xen_model=2l|xen_evtchn_hvm_resume*|4|240
fifo-global|xen_model=fifo,nopercpu|xen_evtchn_hvm_[uh]*
fifo-global-resume|xen_model=fifo,nopercpu|xen_evtchn_hvm_resume*|4|240
2l-percpu|xen_model=2l,percpu|xen_evtchn_hvm_[uh]*
2l-percpu-resume|xen_model=2l,percpu|xen_evtchn_hvm_resume*|4|240
oldxen|xen_model=fifo,percpu,nolapicfix|xen_evtchn_hvm_upcall*
noop|xen_model=fifo,percpu,noupcallop|xen_evtchn_hvm_upcall*
novector|xen_model=fifo,novector|xen_evtchn_hvm_upcall*
m-eopnotsupp|xen_model=nofifo=EOPNOTSUPP|xen_evtchn_matrix*
m-cpu0-enomem|xen_model=fifo,failinit=0:ENOMEM|xen_evtchn_matrix*
m-cpu2-enomem|xen_model=fifo,percpu,failinit=2:ENOMEM|xen_evtchn_matrix*
m-fifo-off|xen_model=fifo,percpu xen.fifo_events=0|xen_evtchn_matrix*
m-enosys-off|xen_model=2l xen.fifo_events=0|xen_evtchn_matrix*'
boots=${COMPARE_BOOTS:-$default_boots}

# shellcheck disable=SC2317 # used by run_side, which run_sides calls
log() { echo "compare: $*" >&2; }

# shellcheck source=scripts/xen-evtchn/side-by-side.sh
. "$top/scripts/xen-evtchn/side-by-side.sh"

# Build (incrementally) and boot one side; logs go to $outdir/<side>/.
# shellcheck disable=SC2317 # called through run_sides
run_side() {
	local side=$1 tree kout first=1 name kargs glob cpus limit
	tree=$(side_tree "$side") || return 1
	kout=$build/kunit
	[ "$side" = upstream ] && kout=$build/kunit-upstream
	mkdir -p "$kout" "$outdir/$side"
	rm -f "$outdir/$side"/*.txt "$outdir/$side"/*.log
	while IFS='|' read -r name kargs glob cpus limit; do
		[ -n "$name" ] || continue
		log "$side: boot '$name' ($kargs, $glob)"
		side_boot "$first" "$tree" "$kout" drivers/xen/events/.kunitconfig \
			"-smp ${cpus:-4} -m 2048" "$kargs" "${limit:-1800}" "$glob" \
			"$outdir/$side/$name.txt"
		local built=$?
		first=0
		grep -E 'Testing complete|Error|error:' "$outdir/$side/$name.txt" | tail -n 2 |
			sed "s/^/compare: $side $name: /" >&2
		if [ "$built" != 0 ]; then
			log "$side: no kernel was built; see $outdir/$side/$name.txt"
			return 1
		fi
	done <<<"$boots"
}

start=$(date +%s)
mkdir -p "$outdir"
# shellcheck disable=SC2086 # one word per side
run_sides run_side $sides
rc=$?

# shellcheck disable=SC2086 # one word per side
python3 "$top/scripts/xen-evtchn/compare-table.py" "$outdir" \
	"$top/scripts/xen-evtchn/compare-reasons.txt" $sides || rc=1
echo "compare: $(($(date +%s) - start)) s"
xe_stamp "$top" "$outdir/stamp" $(($(date +%s) - start))
exit "$rc"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: the benchmark suite (drivers/xen/events/tests/
# xen_evtchn_bench_test.c) on our files and on upstream's, in one run.
#
# Both kernels are built alike from the same base tree and the test bed
# (prepare-tree.sh, XEN_EVTCHN_TREE=ours|upstream), with make check's
# .kunitconfig minus its debugging options (no KASAN, lockdep or debug
# objects: they would measure themselves), in build/bench-ours and
# build/bench-upstream. QEMU runs with -icount shift=0,sleep=off: guest time
# is one nanosecond per instruction, so the figures count instructions and
# do not depend on the host.
#
# Boots ("name|xen_model options|CPUs|filter"), each twice (BENCH_RUNS):
# FIFO with per-vCPU vectors and 131,071 ports, and 2-level with per-vCPU
# vectors and all 4,096 ports, on one CPU (under -icount every CPU's
# instructions advance the one guest clock, so a second CPU's kworkers and
# RCU callbacks would land in the figures); the IPI round trip alone on two.
# The growth benchmark stops at 10,000 bound ports; BENCH_FULL=1 takes
# FIFO to 100,000 (several minutes more per boot).
#
# Output: a table metric x parameter x ABI -> ours, upstream, ratio; the
# largest difference between the runs of one kernel; build/bench/bench.csv
# and, with gnuplot installed, build/bench/deliver-vs-ports.png.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/xen-evtchn/lib.sh
. "$top/scripts/xen-evtchn/lib.sh"
build=${BUILD:-$top/build}
outdir=$build/bench
jobs=${JOBS:-$(nproc)}
runs=${BENCH_RUNS:-2}
full=
[ "${BENCH_FULL:-0}" = 1 ] && full=xen_evtchn_bench_test.max_bound=100000
sides=${BENCH_SIDES:-ours upstream}
boots=${BENCH_BOOTS:-'fifo|xen_model=fifo,percpu,maxport=131071|1
2l|xen_model=2l,percpu,maxport=4095|1
ipi-fifo|xen_model=fifo,percpu|2|xen_evtchn_bench.xeb_ipi_round_trip
ipi-2l|xen_model=2l,percpu|2|xen_evtchn_bench.xeb_ipi_round_trip'}

# shellcheck disable=SC2317 # used by run_side, which run_sides calls
log() { echo "bench: $*" >&2; }

# shellcheck source=scripts/xen-evtchn/side-by-side.sh
. "$top/scripts/xen-evtchn/side-by-side.sh"

# shellcheck disable=SC2317 # called through run_sides
run_side() {
	local side=$1 tree kout name kargs cpus glob run first=1
	tree=$(side_tree "$side") || return 1
	kout=$build/bench-$side
	mkdir -p "$kout" "$outdir/$side"
	rm -f "$outdir/$side"/*
	sed '/^# Debugging/,$d' "$tree/drivers/xen/events/.kunitconfig" >"$kout/bench.kunitconfig"
	while IFS='|' read -r name kargs cpus glob; do
		[ -n "$name" ] || continue
		for run in $(seq 1 "$runs"); do
			log "$side: boot '$name', run $run"
			if ! side_boot "$first" "$tree" "$kout" "$kout/bench.kunitconfig" \
				"-smp ${cpus:-1} -m 3072 -icount shift=0,sleep=off" \
				"$kargs $full" "${KUNIT_TIMEOUT:-3600}" "${glob:-xen_evtchn_bench*}" \
				"$outdir/$side/$name-$run.txt"; then
				log "$side: no kernel was built; see $outdir/$side/$name-$run.txt"
				return 1
			fi
			first=0
			grep -E 'Testing complete' "$outdir/$side/$name-$run.txt" |
				sed "s/^/bench: $side $name run $run: /" >&2
		done
	done <<<"$boots"
}

start=$(date +%s)
mkdir -p "$outdir"
# shellcheck disable=SC2086 # one word per side
run_sides run_side $sides
rc=$?

# shellcheck disable=SC2086 # one word per side
python3 "$top/scripts/xen-evtchn/bench-table.py" "$outdir" $sides || rc=1
echo "bench: $(($(date +%s) - start)) s"
xe_stamp "$top" "$outdir/stamp" $(($(date +%s) - start))
exit "$rc"

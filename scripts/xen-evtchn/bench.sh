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

log() { echo "bench: $*" >&2; }

run_side() {
	local side=$1 tree kout name kargs cpus glob run first=1 cmd
	tree=$(XEN_EVTCHN_TREE=$side "$top/scripts/xen-evtchn/prepare-tree.sh" | tail -n 1) ||
		return 1
	kout=$build/bench-$side
	mkdir -p "$kout" "$outdir/$side"
	rm -f "$outdir/$side"/*
	sed '/^# Debugging/,$d' "$tree/drivers/xen/events/.kunitconfig" >"$kout/bench.kunitconfig"
	export CCACHE_BASEDIR=$tree
	while IFS='|' read -r name kargs cpus glob; do
		[ -n "$name" ] || continue
		for run in $(seq 1 "$runs"); do
			if [ "$first" = 1 ]; then
				cmd=(run --make_options="CC=ccache gcc" --jobs="$jobs")
			else
				cmd=(exec)
			fi
			first=0
			log "$side: boot '$name', run $run"
			rm -f "$kout/test.log"
			(cd "$tree" && python3 tools/testing/kunit/kunit.py "${cmd[@]}" \
				--arch=x86_64 --build_dir="$kout" \
				--kunitconfig="$kout/bench.kunitconfig" \
				--qemu_args="-smp ${cpus:-1} -m 3072 -icount shift=0,sleep=off" \
				--kernel_args="$kargs $full" --timeout="${KUNIT_TIMEOUT:-3600}" \
				"${glob:-xen_evtchn_bench*}" </dev/null >"$outdir/$side/$name-$run.txt" 2>&1)
			[ -f "$kout/test.log" ] && cp "$kout/test.log" "$outdir/$side/$name-$run.log"
			grep -E 'Testing complete' "$outdir/$side/$name-$run.txt" |
				sed "s/^/bench: $side $name run $run: /" >&2
			[ -f "$kout/arch/x86/boot/bzImage" ] ||
				{ log "$side: no kernel was built; see $outdir/$side/$name-$run.txt"; return 1; }
		done
	done <<<"$boots"
}

export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
start=$(date +%s)
mkdir -p "$outdir"
exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
flock 9
rc=0
for side in $sides; do
	run_side "$side" || rc=1
done
flock -u 9

# shellcheck disable=SC2086 # one word per side
python3 "$top/scripts/xen-evtchn/bench-table.py" "$outdir" $sides || rc=1
echo "bench: $(($(date +%s) - start)) s"
exit "$rc"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: build the KUnit kernel out of tree (ccache) and run the Xen
# event-channel suites under QEMU/TCG with 4 CPUs, through the kernel's own
# tools/testing/kunit/kunit.py.
#
# Fails when kunit.py reports a failed, crashed or skipped case, and also
# when the kernel log holds any splat (WARN, BUG, KASAN, lockdep, RCU stall,
# panic), even if every case passed.
#
# Extra kunit.py arguments can be given in KUNIT_ARGS (for instance
# KUNIT_ARGS="--filter_glob=xen_model*").
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out="$build/kunit"
jobs=${JOBS:-$(nproc)}
smp=${KUNIT_SMP:-4}

mkdir -p "$out"
# One kernel build at a time on this machine: wait for any other.
exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
flock 9
tree=$("$top/scripts/xen-evtchn/prepare-tree.sh" | tail -n 1) || exit 1
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_BASEDIR=$tree

start=$(date +%s)
cd "$tree" || exit 1
# shellcheck disable=SC2086
python3 tools/testing/kunit/kunit.py run \
	--arch=x86_64 \
	--build_dir="$out" \
	--kunitconfig=drivers/xen/events/.kunitconfig \
	--qemu_args="-smp $smp -m 2048" \
	--kernel_args="${KUNIT_KERNEL_ARGS:-}" \
	--make_options="CC=ccache gcc" \
	--jobs="$jobs" \
	--timeout="${KUNIT_TIMEOUT:-2400}" \
	${KUNIT_ARGS:-} 2>&1 | tee "$out/kunit-run.txt"
rc=${PIPESTATUS[0]}
end=$(date +%s)

log="$out/test.log"
splats=0
if [ -f "$log" ]; then
	# A splat fails the run even when every case passed.
	pattern='WARNING:|BUG:|KASAN:|Kernel panic|Oops|general protection fault|'
	pattern+='possible circular locking|possible recursive locking|inconsistent lock state|'
	pattern+='suspicious RCU usage|rcu_sched detected stall|rcu: INFO:|hung_task|'
	pattern+='blocked for more than|UBSAN:|list_add corruption|list_del corruption|'
	pattern+='ODEBUG:|sleeping function called from invalid context|Stale IRR'
	splats=$(grep -cE "$pattern" "$log")
	if [ "$splats" -gt 0 ]; then
		echo "run-kunit: $splats splat line(s) in $log:" >&2
		grep -nE -B2 -A12 "$pattern" "$log" | head -n 120 >&2
	fi
fi

summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$out/kunit-run.txt" | tail -n 1)
passed=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$summary")
skipped=$(sed -nE 's/.*skipped: ([0-9]+).*/\1/p' <<<"$summary")
crashed=$(sed -nE 's/.*crashed: ([0-9]+).*/\1/p' <<<"$summary")
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}; crashed=${crashed:-0}

echo "run-kunit: kernel $(cat "$build/kernel-version" 2>/dev/null), -smp $smp, $((end - start)) s"
[ "$passed" -gt 0 ] || { echo "run-kunit: no passing case" >&2; rc=1; }
[ "$skipped" -eq 0 ] || { echo "run-kunit: $skipped skipped case(s) count as failure" >&2; rc=1; }
[ "$crashed" -eq 0 ] || rc=1
[ "$splats" -eq 0 ] || rc=1
[ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "kunit: $passed passed, $((failed + crashed)) failed, $skipped skipped"
exit "$rc"

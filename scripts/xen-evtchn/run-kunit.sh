#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: build the KUnit kernel out of tree (ccache) and run the Xen
# event-channel suites under QEMU/TCG with 4 CPUs, through the kernel's own
# tools/testing/kunit/kunit.py: one build, then several boots, each with its
# own kernel parameters and suite filter (see drivers/xen/events/tests/
# xen_model_boot.c for the xen_model= parameter):
#
#   bare:        no xen_model parameter, the scratch-domain suites (xen_model*)
#   fifo:        xen_model=fifo,percpu: the scenario, FIFO and PIRQ
#                suites, the random walks and one cell of the ABI matrix
#                (xen_evtchn_[sfmwop]*)
#   fifo-upcall: the same model, the HVM suites (upcall delivery, the
#                resume and hibernation matrices from FIFO, per-vCPU:
#                xen_evtchn_hvm_*), every vCPU with a registered vcpu_info
#                (xen_vcpu_info=register; the other boots keep the
#                shared-info slots, the default of a hibernation kernel)
#   2l:          xen_model=2l: scenario, HVM (2-level, global vector, the
#                resume matrix included), PIRQs, random walks and one
#                matrix cell (xen_evtchn_[shmwop]*)
#   abi-walk:    FIFO, per-vCPU: random walks across a restore into a
#                domain without FIFO (xen_evtchn_abi_walk; the kernel goes
#                on in 2-level, so nothing else runs in that boot)
#   expand:      FIFO with 131,072 ports: the failure sweep of a bind that
#                grows the event array (xen_evtchn_expand_sweep)
#   fifo-global: FIFO, global vector: the HVM suites (xen_evtchn_hvm_*)
#   2l-percpu:   2-level, per-vCPU: the HVM suites (xen_evtchn_hvm_*)
#   oldxen:      per-vCPU on Xen before the 4.18 LAPIC fix (nolapicfix): the
#                upcall suite (no stale IRR on bring-up and re-online)
#   noop:        UPCALL_VECTOR in CPUID but the op -ENOSYS: upcall suite
#   novector:    no vector callback at all (no platform PCI): upcall suite
#   scale:       xen_model=fifo,percpu,maxport=131071, 100,000 FIFO ports
#   m-*:         the other cells of the ABI negotiation matrix (model offer x
#                xen.fifo_events / xen_fifo_events), suite xen_evtchn_matrix
#
# Each ABI matrix cell prints a "matrix:" row, and each resume matrix (the
# four boots running xen_evtchn_hvm_resume: {FIFO, 2L} x {per-vCPU,
# global}) prints "resume:" rows, each hibernation handover matrix (the
# same four boots, xen_evtchn_hvm_hibernate) "hibernate:" rows; they are
# collected into tables at the end.
#
# Not in the list: the demonstration that the upcall suite catches the old
# order of registering a CPU's vector from the hotplug prepare step (the
# model's prepvector option moves the kernel's registration there, on Xen
# before the 4.18 fix). It must FAIL xeh_cpu_online_no_stale_irr:
#   XEN_EVTCHN_BOOTS='prep|xen_model=fifo,percpu,nolapicfix,prepvector|xen_evtchn_hvm_upcall*'
# Observed (22 Nov 2026, kernel 6.12.117), for each of CPUs 1, 2 and 3:
#   # xeh_cpu_online_no_stale_irr: EXPECTATION FAILED at ../tree/drivers/xen/events/tests/xen_evtchn_hvm_test.c:461
#   Expected xm_stale_irrs(d, ap) == 0UL, but
#       xm_stale_irrs(d, ap) == 1 (0x1)
#   CPU 1: upcall vector found in IRR when its LAPIC was enabled at boot, mode per-vCPU
# then "[FAILED] xeh_cpu_online_no_stale_irr" and
#   run-kunit: boot 'prep': 5 passed, 1 failed, 0 skipped, 0 splat line(s)
# The CPU re-onlined by the case itself finds no stale bit in that boot:
# the INIT of a re-online resets the vLAPIC (Xen's vlapic_init_sipi_one()),
# so on real Xen the old order shows on the first bring-up of each vCPU.
#
# KUNIT_KCSAN=1 (make check-kcsan) builds a KCSAN kernel in build/kunit-kcsan
# and boots fifo, 2l (scenario, FIFO, random walks, failure sweep) and
# fifo-upcall (upcall delivery); a data-race report is a splat.
#
#   1cpu:        the scenario storm suite with one CPU (-smp 1), where
#                nothing but the upcall's own clock can end a long upcall
#                (the tick test, review D10)
#
# KUNIT_CPUS=1 (make check-cpus) boots the suites that run CPUs against
# each other with 1, 2 and 8 CPUs instead (4 is make check's count).
#
# XEN_EVTCHN_BOOTS replaces that list: one boot per line, "name|kernel
# args|filter glob|CPUs" (CPUs defaults to KUNIT_SMP, 4).
# KUNIT_KERNEL_ARGS is added to every boot's parameters.
#
# Fails when kunit.py reports a failed, crashed or skipped case in any boot,
# and also when a boot's kernel log holds any splat (WARN, BUG, KASAN,
# lockdep, RCU stall, panic), even if every case passed. Each boot's log is
# kept as build/kunit/test-NAME.log.
#
# Extra kunit.py arguments can be given in KUNIT_ARGS (for instance
# KUNIT_ARGS="--raw_output").
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/xen-evtchn/lib.sh
. "$top/scripts/xen-evtchn/lib.sh"
build=${BUILD:-$top/build}
out="$build/kunit"
# KUNIT_KCSAN=1 (make check-kcsan): a second test kernel with KCSAN in
# place of KASAN (the two do not combine), its own build directory, and
# the boots that run CPUs against each other (scenario, FIFO, walks,
# failure sweep, HVM delivery). Any data-race report fails the boot.
kcsan=${KUNIT_KCSAN:-0}
kunitconfig=drivers/xen/events/.kunitconfig
# KUNIT_KCSAN=strict: the same with CONFIG_KCSAN_STRICT (every plain
# access races, value changes or not), in build/kunit-kcsan-strict.
[ "$kcsan" = 1 ] && out="$build/kunit-kcsan"
[ "$kcsan" = strict ] && out="$build/kunit-kcsan-strict"
case $kcsan in
0 | 1 | strict) ;;
*) echo "run-kunit: KUNIT_KCSAN must be 0, 1 or strict" >&2; exit 2 ;;
esac
case ${KUNIT_CPUS:-0} in
0) ;;
1) [ "$kcsan" = 0 ] || { echo "run-kunit: KUNIT_CPUS and KUNIT_KCSAN do not combine" >&2; exit 2; } ;;
*) echo "run-kunit: KUNIT_CPUS must be 0 or 1" >&2; exit 2 ;;
esac
jobs=${JOBS:-$(nproc)}
smp=${KUNIT_SMP:-4}
cpus=${KUNIT_CPUS:-0}

mkdir -p "$out"
# One kernel build at a time on this machine: wait for any other.
exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
flock 9
tree=$("$top/scripts/xen-evtchn/prepare-tree.sh" | tail -n 1) || exit 1
if [ "$kcsan" != 0 ]; then
	grep -v '^CONFIG_KASAN' "$tree/$kunitconfig" > "$out/kcsan.kunitconfig"
	printf '%s\n' '# make check-kcsan: KCSAN instead of KASAN.' \
		CONFIG_KCSAN=y CONFIG_KCSAN_VERBOSE=y >> "$out/kcsan.kunitconfig"
	[ "$kcsan" = strict ] && echo CONFIG_KCSAN_STRICT=y >> "$out/kcsan.kunitconfig"
	kunitconfig=$out/kcsan.kunitconfig
fi
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_BASEDIR=$tree

default_boots='bare||xen_model*
fifo|xen_model=fifo,percpu|xen_evtchn_[sfmwop]*
fifo-upcall|xen_model=fifo,percpu xen_vcpu_info=register|xen_evtchn_hvm_*
2l|xen_model=2l|xen_evtchn_[shmwop]*
abi-walk|xen_model=fifo,percpu|xen_evtchn_abi_walk*
expand|xen_model=fifo,percpu,maxport=131071|xen_evtchn_expand_sweep*
fifo-global|xen_model=fifo,nopercpu|xen_evtchn_hvm_*
2l-percpu|xen_model=2l,percpu|xen_evtchn_hvm_*
oldxen|xen_model=fifo,percpu,nolapicfix|xen_evtchn_hvm_upcall*
noop|xen_model=fifo,percpu,noupcallop|xen_evtchn_hvm_upcall*
novector|xen_model=fifo,novector|xen_evtchn_hvm_upcall*
scale|xen_model=fifo,percpu,maxport=131071|xen_fifo_scale*
m-eopnotsupp|xen_model=nofifo=EOPNOTSUPP|xen_evtchn_matrix*
m-cpu0-enomem|xen_model=fifo,failinit=0:ENOMEM|xen_evtchn_matrix*
m-cpu2-enomem|xen_model=fifo,percpu,failinit=2:ENOMEM|xen_evtchn_matrix*
m-fifo-off|xen_model=fifo,percpu xen.fifo_events=0|xen_evtchn_matrix*
m-fifo-off2|xen_model=fifo xen_fifo_events=0|xen_evtchn_matrix*
m-enosys-off|xen_model=2l xen.fifo_events=0|xen_evtchn_matrix*
m-eopnotsupp-off|xen_model=nofifo=EOPNOTSUPP xen_fifo_events=0|xen_evtchn_matrix*
m-cpu0-enomem-off|xen_model=fifo,failinit=0:ENOMEM xen.fifo_events=0|xen_evtchn_matrix*
m-cpu2-enomem-off|xen_model=fifo,failinit=2:ENOMEM xen_fifo_events=0|xen_evtchn_matrix*
1cpu|xen_model=fifo,percpu|xen_evtchn_scenario_core_storm*|1'
default_boots_all=$default_boots
# The 100,000-port boot takes about 4 minutes under TCG (almost all of it
# the kernel's per-irq setup: descriptors, /proc and sysfs entries, with
# KASAN and lockdep); XEN_EVTCHN_SKIP_SCALE=1 leaves it out for quick runs.
# Suites left out on purpose are named so the coverage check below
# does not count them as forgotten: the benchmarks are make bench's
# (scripts/xen-evtchn/bench.sh, a kernel without the debug options).
left_out=xen_evtchn_bench
if [ "${XEN_EVTCHN_SKIP_SCALE:-0}" = 1 ]; then
	default_boots=$(grep -v '^scale|' <<<"$default_boots")
	left_out+=$'\n'$(sed -nE 's/^scale\|[^|]*\|([a-z0-9_]+)\*.*/\1/p' <<<"$default_boots_all")
fi
if [ "$kcsan" != 0 ]; then
	default_boots='fifo|xen_model=fifo,percpu|xen_evtchn_[sfw]*
2l|xen_model=2l|xen_evtchn_[sw]*
fifo-upcall|xen_model=fifo,percpu xen_vcpu_info=register|xen_evtchn_hvm_upcall*'
fi
# The CPU counts other than make check's 4: one CPU runs the scenario
# suites that need no second CPU (kinds, storms, limits); two and eight run
# what the fifo, 2l and fifo-upcall boots run.
if [ "$cpus" = 1 ]; then
	default_boots='1cpu-fifo|xen_model=fifo,percpu|xen_evtchn_scenario_[ksl]*|1
1cpu-2l|xen_model=2l|xen_evtchn_scenario_[ksl]*|1
2cpu-fifo|xen_model=fifo,percpu|xen_evtchn_[sfw]*|2
2cpu-2l|xen_model=2l|xen_evtchn_[shw]*|2
2cpu-upcall|xen_model=fifo,percpu xen_vcpu_info=register|xen_evtchn_hvm_*|2
8cpu-fifo|xen_model=fifo,percpu|xen_evtchn_[sfw]*|8
8cpu-2l|xen_model=2l|xen_evtchn_[shw]*|8
8cpu-upcall|xen_model=fifo,percpu xen_vcpu_info=register|xen_evtchn_hvm_*|8'
fi
boots=${XEN_EVTCHN_BOOTS:-$default_boots}

pattern='WARNING:|BUG:|KASAN:|Kernel panic|Oops|general protection fault|'
pattern+='possible circular locking|possible recursive locking|inconsistent lock state|'
pattern+='suspicious RCU usage|rcu_sched detected stall|rcu: INFO:|hung_task|'
pattern+='blocked for more than|UBSAN:|list_add corruption|list_del corruption|'
pattern+='ODEBUG:|sleeping function called from invalid context|Stale IRR'

# Count the splat lines of one boot's log (and show them).
count_splats() {
	local log=$1 n
	[ -f "$log" ] || { echo 0; return; }
	n=$(grep -cE "$pattern" "$log")
	if [ "$n" -gt 0 ]; then
		echo "run-kunit: $n splat line(s) in $log:" >&2
		grep -nE -B2 -A12 "$pattern" "$log" | head -n 120 >&2
	fi
	echo "$n"
}

# One field of kunit.py's summary line in $1, 0 when absent.
summary_field() {
	local n
	n=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$1" | tail -n 1 |
	    sed -nE "s/.*$2: ([0-9]+).*/\1/p")
	echo "${n:-0}"
}

start=$(date +%s)
cd "$tree" || exit 1
rc=0
passed=0; failed=0; skipped=0; crashed=0; splats=0
boot_lines=()
first=1
: >"$out/kunit-run.txt"
rm -f "$out"/test-*.log "$out"/kunit-run-*.txt
while IFS='|' read -r name kargs glob boot_smp; do
	[ -n "$name" ] || continue
	boot_smp=${boot_smp:-$smp}
	if [ "$first" -eq 1 ]; then
		cmd=(run --make_options="CC=ccache gcc" --jobs="$jobs")
	else
		cmd=(exec)
	fi
	first=0
	echo "run-kunit: boot '$name': kernel args '${kargs}', filter '${glob}', $boot_smp CPU(s)"
	rm -f "$out/test.log"
	# shellcheck disable=SC2086
	python3 tools/testing/kunit/kunit.py "${cmd[@]}" \
		--arch=x86_64 \
		--build_dir="$out" \
		--kunitconfig="$kunitconfig" \
		--qemu_args="-smp $boot_smp -m 2048" \
		--kernel_args="$kargs ${KUNIT_KERNEL_ARGS:-}" \
		--timeout="${KUNIT_TIMEOUT:-2400}" \
		${KUNIT_ARGS:-} ${glob:+"$glob"} </dev/null 2>&1 | tee "$out/kunit-run-$name.txt"
	boot_rc=${PIPESTATUS[0]}
	cat "$out/kunit-run-$name.txt" >>"$out/kunit-run.txt"
	[ -f "$out/test.log" ] && cp "$out/test.log" "$out/test-$name.log"
	boot_splats=$(count_splats "$out/test-$name.log")
	boot_passed=$(summary_field "$out/kunit-run-$name.txt" passed)
	boot_failed=$(summary_field "$out/kunit-run-$name.txt" failed)
	boot_skipped=$(summary_field "$out/kunit-run-$name.txt" skipped)
	boot_crashed=$(summary_field "$out/kunit-run-$name.txt" crashed)
	[ "$boot_passed" -gt 0 ] || { echo "run-kunit: boot '$name': no passing case" >&2; boot_rc=1; }
	[ "$boot_skipped" -eq 0 ] ||
		{ echo "run-kunit: boot '$name': $boot_skipped skipped case(s) count as failure" >&2; boot_rc=1; }
	[ "$boot_crashed" -eq 0 ] || boot_rc=1
	[ "$boot_splats" -eq 0 ] || boot_rc=1
	# A failing boot with no failed case (build error, crash) counts one.
	[ "$boot_rc" -eq 0 ] || [ "$boot_failed" -gt 0 ] || [ "$boot_crashed" -gt 0 ] || boot_failed=1
	boot_lines+=("run-kunit: boot '$name': $boot_passed passed, $((boot_failed + boot_crashed)) failed, $boot_skipped skipped, $boot_splats splat line(s)")
	echo "${boot_lines[-1]}"
	passed=$((passed + boot_passed)); failed=$((failed + boot_failed))
	skipped=$((skipped + boot_skipped)); crashed=$((crashed + boot_crashed))
	splats=$((splats + boot_splats))
	[ "$boot_rc" -eq 0 ] || rc=1
	# Without a kernel there is nothing to boot again.
	[ "$name" != "" ] && [ ! -f "$out/arch/x86/boot/bzImage" ] && break
done <<<"$boots"
end=$(date +%s)

# What follows is the report, kept as report.txt for make results, after
# each boot's figures.
printf '%s\n' ${boot_lines[@]+"${boot_lines[@]}"} > "$out/report.txt"
exec 3>&1 > >(tee -a "$out/report.txt")
report_tee=$!

# Every suite built into the test kernel must run in some boot: a suite
# that no boot's filter matches would otherwise pass by never running.
# Only for the default boots (a chosen list may leave suites out on purpose).
if [ "$kcsan" = 0 ] && [ "$cpus" = 0 ] && [ "$boots" = "$default_boots" ] &&
   [ -f "$out/arch/x86/boot/bzImage" ]; then
	built=$(python3 tools/testing/kunit/kunit.py exec --arch=x86_64 \
			--build_dir="$out" --list_tests </dev/null 2>/dev/null |
		sed -nE 's/^([a-z0-9_]+)\.[a-z0-9_]+$/\1/p' | sort -u)
	ran=$(sed -nE 's/^\[[0-9:]+\] =+ ([a-z0-9_]+) \([0-9]+ subtests?\) =+$/\1/p' \
		"$out"/kunit-run-*.txt | sort -u)
	if [ -z "$built" ]; then
		echo "run-kunit: could not list the suites of the test kernel" >&2
		rc=1
	fi
	unrun=$(comm -23 <(echo "$built") <(echo "$ran") |
		grep -vxF -e "${left_out:-/}" || true)
	[ -z "$left_out" ] || echo "run-kunit: left out on purpose: $(paste -sd" " <<<"$left_out")"
	for suite in $unrun; do
		echo "run-kunit: suite '$suite' is built in but no boot ran it (add it to a boot's filter)" >&2
		rc=1; failed=$((failed + 1))
	done
	echo "run-kunit: $(wc -w <<<"$built") suites built in, $(wc -w <<<"$unrun") run by no boot"
fi

# The ABI negotiation matrix, one row per boot that ran a cell.
table=$(grep -ho 'matrix: model=.*' "$out"/test-*.log 2>/dev/null | sort -u)
if [ -n "$table" ]; then
	echo "run-kunit: ABI negotiation matrix (model offer, kernel switch -> ABI):"
	while IFS= read -r row; do
		echo "  ${row#matrix: }"
	done <<<"$table"
fi

# The resume matrix: one block of rows per boot, its header once.
rows=$(grep -ho 'resume: |.*' "$out"/test-*.log 2>/dev/null)
if [ -n "$rows" ]; then
	echo "run-kunit: resume matrix (boot -> new domain, or cancelled suspend):"
	header=
	while IFS= read -r row; do
		row=${row#resume: }
		case "$row" in
		"| boot "*)
			[ -z "$header" ] && { header=$row; echo "  $row"; }
			;;
		*)
			echo "  $row"
			;;
		esac
	done <<<"$rows"
fi

# The hibernation handover matrix: boot kernel -> this boot's image.
rows=$(grep -ho 'hibernate: |.*' "$out"/test-*.log 2>/dev/null)
if [ -n "$rows" ]; then
	echo "run-kunit: hibernation handover matrix (boot kernel -> image of each boot):"
	header=
	while IFS= read -r row; do
		row=${row#hibernate: }
		case "$row" in
		"| boot "*)
			[ -z "$header" ] && { header=$row; echo "  $row"; }
			;;
		*)
			echo "  $row"
			;;
		esac
	done <<<"$rows"
fi

# The hypercall failure sweep: one row per path and boot.
rows=$(grep -ho 'sweep: |.*' "$out"/test-*.log 2>/dev/null)
if [ -n "$rows" ]; then
	echo "run-kunit: hypercall failure sweep (path, ABI: tries, outcomes):"
	echo "  | path                        | ABI   | tries | not reached | clean error | fallback | bad |"
	while IFS= read -r row; do
		echo "  ${row#sweep: }"
	done <<<"$rows"
fi
# The random walks: one line per boot.
grep -ho 'walk: [0-9].*' "$out"/test-*.log 2>/dev/null | sed 's/^/run-kunit: /'

# The failed cases last, where a CI log's tail shows them: each with the
# first lines it printed (assertions, the walk's shrunk list).
for f in "$out"/kunit-run-*.txt; do
	[ -f "$f" ] || continue
	name=${f##*/kunit-run-}
	awk -v boot="${name%.txt}" '
		{ sub(/^\[[0-9:]+\] /, "") }
		/^=+ .* =+$/ || /^\[(PASSED|SKIPPED)\]/ { n = 0; next }
		/^\[(FAILED|CRASHED)\]/ {
			print "run-kunit: boot \x27" boot "\x27: " $0
			for (i = 0; i < n; i++)
				print "    " buf[i]
			n = 0
			next
		}
		# What the case printed (kunit.py shows it as "# ...", the
		# message of an assertion on the lines after it), not the kernel
		# messages that came in between.
		(/^[[:space:]]*# / || more-- > 0) && n < 16 { buf[n++] = $0 }
		/(EXPECTATION|ASSERTION) FAILED/ { more = 2 }
	' "$f"
done

echo "run-kunit: kernel $(cat "$build/kernel-version" 2>/dev/null), -smp $(awk -F'|' -v d="$smp" 'NF { print ($4 == "" ? d : $4) }' <<<"$boots" | sort -un | paste -sd,), $((end - start)) s"
echo "kunit: $passed passed, $((failed + crashed)) failed, $skipped skipped"
xe_stamp "$top" "$out/stamp" $((end - start))
# The whole report on the terminal before this script ends.
exec 1>&3 3>&-
wait "$report_tee"
exit "$rc"

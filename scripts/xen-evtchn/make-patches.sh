#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make patches: our files as a patch series against the base tree (Debian's
# linux-source-6.12, or a plain v6.12.y tree given as KSRC=), the way a
# kernel developer takes them: build/patches/0000-cover-letter.patch and one
# numbered patch per step, each with a kernel-style subject, a message and
# a Signed-off-by.
#
#   1. the core and both ABI back-ends, the HVM start-up and resume files,
#      the public header and the tracepoints (they replace upstream's files
#      in one step: upstream's 2-level and FIFO files do not build against
#      our core, nor ours against upstream's);
#   2. hibernation;
#   3. debugfs;
#   4. the KUnit suites and the software model of Xen;
#   5. Documentation (design, model spec, hibernation, lab notes, the
#      kernel-parameters entries);
#   6. the guest configuration fragment.
# Only drivers/xen/events/Makefile differs between steps: step N carries
# the lines of the objects the steps up to N add.
#
# Then the check (PATCHES_CHECK=0 leaves it out): checkpatch --strict on
# every patch; a fresh copy of the base tree, the series applied with
# git am, and after every patch a guest kernel build (the lab's
# configuration fragment, incremental, ccache) must succeed: the series is
# bisectable. Build directory build/patches-kernel, working copies
# build/patches-tree (where the series is made) and build/patches-am (where
# it is applied). PATCHES_CHECK=apply only applies the series there
# (make deb builds that tree with Debian's configuration).
#
# The author and Signed-off-by come from PATCH_AUTHOR ("Name <mail>"),
# else from this repository's git identity.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out="$build/patches"
work="$build/patches-tree"
amdir="$build/patches-am"
kout="$build/patches-kernel"
check=${PATCHES_CHECK:-1}

log() { echo "make-patches: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

author=${PATCH_AUTHOR:-"$(git -C "$top" config user.name) <$(git -C "$top" config user.email)>"}
case $author in
*" <"*@*">") ;;
*) die "no author identity: set PATCH_AUTHOR=\"Name <mail>\" or git config user.name/user.email" ;;
esac
author_name=${author% <*}
author_mail=${author##*<}
author_mail=${author_mail%>}

# git with the series' identity, whatever the machine's configuration.
g() {
	git -c user.name="$author_name" -c user.email="$author_mail" \
		-c core.autocrlf=false -c advice.detachedHead=false "$@"
}

base=$("$top/scripts/xen-evtchn/prepare-tree.sh" --base | tail -n 1)
[ -f "$base/Makefile" ] || die "no base tree at $base"
version=$(make -s -C "$base" kernelversion)
log "base tree $base ($version)"

# A git copy of the base, made once per base and reset before each use.
fresh_copy() {
	local dir=$1 id
	id="$base $version $(stat -c %Y "$base/Makefile")"
	if [ ! -d "$dir/.git" ] || [ "$(cat "$dir/.git/xen-evtchn-base" 2>/dev/null)" != "$id" ]; then
		log "copying the base tree to $dir (once per base)"
		rm -rf "$dir"
		mkdir -p "$dir"
		cp -a "$base/." "$dir/"
		rm -f "$dir/.xen-evtchn-base" "$dir/.xen-evtchn-overlay"
		g -C "$dir" init -q
		g -C "$dir" add -A -f .
		g -C "$dir" commit -q -m "Linux $version (base tree)"
		g -C "$dir" tag -f xen-evtchn-base >/dev/null
		echo "$id" > "$dir/.git/xen-evtchn-base"
	fi
	g -C "$dir" am --abort >/dev/null 2>&1 || true
	g -C "$dir" checkout -q -f -B series xen-evtchn-base
	g -C "$dir" clean -q -fdx
}

# --- the steps ----------------------------------------------------------

ev=drivers/xen/events

# Files of each step, as paths in this repository.
files_core() {
	(cd "$top" && git ls-files -- "$ev" include/xen/events.h \
		include/trace/events/xen_evtchn.h arch/x86/include/asm/xen/events.h \
		arch/x86/xen/enlighten_hvm.c arch/x86/xen/suspend_hvm.c) |
		grep -vE "^$ev/(tests/|Kconfig$|\.kunitconfig$|events_debugfs\.c$|events_hibernate)"
}
files_hibernate() { (cd "$top" && git ls-files -- "$ev/events_hibernate*"); }
files_debugfs() { echo "$ev/events_debugfs.c"; }
files_tests() { (cd "$top" && git ls-files -- "$ev/tests" "$ev/Kconfig" "$ev/.kunitconfig"); }
files_docs() { (cd "$top" && git ls-files -- Documentation/virt/xen); }
files_config() { echo kernel/configs/xen-evtchn-guest.config; }

# drivers/xen/events/Makefile as of step $1: the lines of later steps out.
makefile_at() {
	awk -v step="$1" '
		/^ifdef CONFIG_XEN_PVHVM$/ { block = 1 }
		block && step < 2 { if (/^endif$/) block = 0; next }
		/^endif$/ { block = 0 }
		/events_debugfs\.o/ && step < 3 { next }
		/tests\// && step < 4 { next }
		# Blank lines wait for the next line, so none is left at the end.
		/^$/ { blanks++; next }
		{ while (blanks) { print ""; blanks-- } print }
	' "$top/$ev/Makefile"
}

copy_files() {
	local f
	while read -r f; do
		[ -n "$f" ] || continue
		mkdir -p "$work/$(dirname "$f")"
		cp "$top/$f" "$work/$f"
	done
}

maintainers_entry() {
	python3 - "$work/MAINTAINERS" "$author" <<'EOF'
import sys
path, who = sys.argv[1], sys.argv[2]
text = open(path).read()
entry = ("XEN EVENT CHANNELS\n"
         "M:\t%s\n"
         "L:\txen-devel@lists.xenproject.org (moderated for non-subscribers)\n"
         "S:\tMaintained\n"
         "F:\tDocumentation/virt/xen/\n"
         "F:\tarch/x86/xen/enlighten_hvm.c\n"
         "F:\tarch/x86/xen/suspend_hvm.c\n"
         "F:\tdrivers/xen/events/\n"
         "F:\tinclude/trace/events/xen_evtchn.h\n"
         "F:\tinclude/xen/events.h\n"
         "F:\tkernel/configs/xen-evtchn-guest.config\n\n") % who
if "\nXEN EVENT CHANNELS\n" not in text:
    anchor = "\nXEN HYPERVISOR ARM\n"
    if anchor not in text:
        sys.exit("MAINTAINERS: no XEN HYPERVISOR ARM section to insert before")
    text = text.replace(anchor, "\n" + entry + anchor[1:], 1)
    open(path, "w").write(text)
EOF
}

wire_kconfig() {
	"$top/scripts/xen-evtchn/prepare-tree.sh" --wire-kconfig "$work"
}

wire_docs() {
	local idx="$work/Documentation/virt/index.rst"
	grep -q '^   xen/index$' "$idx" || sed -i 's|^   hyperv/index$|&\n   xen/index|' "$idx"
	"$top/scripts/xen-evtchn/prepare-tree.sh" --merge-parameters "$work"
}

commit_step() {
	local n=$1 subject=$2 body=$3
	makefile_at "$n" > "$work/$ev/Makefile"
	g -C "$work" add -A -f .
	printf '%s\n\n%s\n\nSigned-off-by: %s\n' "$subject" "$body" "$author" |
		g -C "$work" commit -q --author="$author" -F -
	log "  $n: $subject"
}

make_series() {
	fresh_copy "$work"
	log "making the series in $work"

	files_core | copy_files
	maintainers_entry
	commit_step 1 "xen/events: rewrite the event-channel core and both ABIs" \
"Replace drivers/xen/events/ with a core split by concern: the port and
irq tables (events_base.c), binding of inter-domain, VIRQ and IPI
channels (events_bind.c), notification (events_notify.c), the irq chips
(events_irqchip.c), the upcall loop (events_upcall.c), late EOI
(events_lateeoi.c), CPU hotplug, suspend and resume (events_lifecycle.c)
and physical interrupts, GSI and MSI PIRQs with their EOIs
(events_pirq.c). The 2-level and FIFO back-ends sit behind one small ops
table.

The public API of include/xen/events.h keeps its names, signatures and
behaviour, so every user in the tree builds and runs unchanged.

What changes for users:
- ports and irqs are found through page-sized RCU tables, so delivery
  and notify never walk genirq's irq tree; an event's cost does not grow
  with the number of bound ports;
- the 2-level scan visits only the selector bits that are set;
- a hypervisor or backend that writes nonsense (an out-of-range port, a
  FIFO link loop, a pending bit on a freed port) gets a counted warning,
  not a hang or a BUG_ON;
- on x86 HVM/PVH the upcall is registered per vCPU with
  HVMOP_set_evtchn_upcall_vector where Xen offers it, with
  HVM_PARAM_CALLBACK_IRQ still set non-zero for the toolstack, else the
  domain-wide vector, else the platform PCI interrupt; the event Xen
  raises when the vector is set is kept and no stale IRR bit is left on
  a LAPIC that is not enabled yet;
- FIFO is preferred and 2-level taken when EVTCHNOP_init_control fails
  or xen.fifo_events=0 (also xen_fifo_events=0) is given;
- after save/restore or migration every CPU scans all its ports once
  (on 2-level with the pending selector set in full), so an event the
  new domain signalled before the kernel was ready is not lost;
- tracepoints (include/trace/events/xen_evtchn.h) for bind, unbind,
  upcall entry and exit, dispatch, late EOI, the ABI choice and resume."

	files_hibernate | copy_files
	commit_step 2 "xen/events: keep event channels working across hibernation" \
"A hibernation image restored by a boot kernel on Xen finds the domain
as the boot kernel left it: its event ABI, its FIFO control blocks and
event arrays, its vcpu_info placement and its xenstore and console
channels. Before the image's kernel takes over, the boot kernel hands
back everything it registered with Xen; the image then takes the domain
over with its own ABI, whatever the boot kernel chose, binds its VIRQs,
IPIs and xenstore again and brings its PV frontends back, so that PV
disks keep their data.

Built with CONFIG_HIBERNATION on CONFIG_XEN_PVHVM."

	files_debugfs | copy_files
	commit_step 3 "xen/events: show bindings and upcall figures in debugfs" \
"/sys/kernel/debug/xen/events/ports lists every binding: port, irq,
kind, CPU, why it is masked, whether it is pending, its FIFO priority,
the events it took, its late-EOI state and delay, and the name given to
request_irq(). /sys/kernel/debug/xen/events/upcalls gives per CPU the
upcalls, events, scan rounds, largest batch, loop deadlines hit and
stray events.

This is what is needed to debug a stuck PV device: /proc/interrupts
shows neither the port nor the mask and pending state."

	files_tests | copy_files
	wire_kconfig
	commit_step 4 "xen/events: add KUnit suites run against a model of Xen" \
"CONFIG_XEN_EVTCHN_KUNIT_TEST builds a software model of the Xen
hypervisor's event-channel interface (2-level and FIFO ABIs, HVM upcall
delivery, vcpu_info and shared_info placement, save/restore into a new
domain) and KUnit suites that run the kernel's own entry points against
it: bind, notify, unbind, the upcall, CPU hotplug, suspend and resume,
hibernation, random walks and hypercall failure sweeps.

The model takes over the xen_hypercall static call while a test runs,
so the kernel's real hypercall sites reach it. It is test-only code and
must never run on real Xen; see the option's help.

Run with:
  tools/testing/kunit/kunit.py run --arch=x86_64 \\
	--kunitconfig=drivers/xen/events/.kunitconfig \\
	--kernel_args=xen_model=fifo,percpu 'xen_evtchn_scenario*'"

	files_docs | copy_files
	wire_docs
	commit_step 5 "Documentation: xen: event channels design, model and parameters" \
"Add Documentation/virt/xen/ with the design of the event-channel core
(files, upcall path, delivery modes, ABIs, resume, hibernation,
observability), the behaviour of Xen that the KUnit model implements,
the hibernation handover, and notes on testing on real Xen.

Update the kernel-parameters entries of xen.fifo_events,
xen_fifo_events, xen.event_eoi_delay, xen.event_loop_timeout and the
other parameters the core accepts."

	files_config | copy_files
	commit_step 6 "kernel/configs: add a Xen HVM/PVH guest fragment" \
"xen-evtchn-guest.config turns allnoconfig into a small Xen HVM/PVH
guest kernel (2 vCPUs or more, PV console, disk and network, save and
restore, hibernation to a swap disk) that boots on Xen with:
  make allnoconfig xen-evtchn-guest.config"

	rm -rf "$out"
	mkdir -p "$out"
	g -C "$work" format-patch -q --cover-letter --thread=shallow \
		-o "$out" xen-evtchn-base..series
	cover_letter "$out/0000-cover-letter.patch"
	log "series: $(find "$out" -name '0*.patch' ! -name '0000-*' | wc -l) patches in $out"
}

cover_letter() {
	python3 - "$1" "$version" <<'EOF'
import sys
path, version = sys.argv[1], sys.argv[2]
text = open(path).read()
subject = "xen/events: a new event-channel core for HVM/PVH guests"
blurb = """This series replaces the guest side of Xen event channels
(drivers/xen/events/) and the x86 HVM/PVH start-up and resume files with
a rewrite, keeps the API of include/xen/events.h, and adds hibernation
on Xen, debugfs, tracepoints, KUnit suites against a software model of
Xen, and documentation.

Base: Linux %s. The tree builds after each patch with the guest
fragment of patch 6 (make allnoconfig xen-evtchn-guest.config).

Not yet: an HVM guest with XENFEAT_hvm_pirqs keeps native IO-APIC and
MSI delivery for its emulated devices (pci_xen_hvm_init() is not called),
and the PIRQ paths of a dom0 have run on the model of Xen only.""" % version
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", blurb)
open(path, "w").write(text)
EOF
}

# --- the check ----------------------------------------------------------

run_checkpatch() {
	local p bad=0 msg
	for p in "$out"/0*.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		# CAMELCASE: Xen's own names (XenbusState*). FILE_PATH_CHANGES
		# asks whether MAINTAINERS covers the added files: patch 1 adds
		# the section that covers every file of the series.
		msg=$(perl "$work/scripts/checkpatch.pl" --strict --no-tree -q --terse \
			--ignore CAMELCASE,FILE_PATH_CHANGES "$p" |
			grep -v '^total: 0 errors, 0 warnings, 0 checks') || true
		if [ -n "$msg" ]; then
			log "checkpatch --strict: $(basename "$p"):"
			echo "$msg" | head -n 40 >&2
			bad=1
		fi
	done
	[ "$bad" = 0 ] || die "checkpatch --strict is not clean"
	log "checkpatch --strict: every patch clean"
}

# The series without what changes from run to run (commit ids, dates).
series_sum() {
	local p
	for p in "$out"/0*.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		grep -vE '^(From [0-9a-f]{40} |Date: )' "$p"
	done | sha256sum | cut -d' ' -f1
}

apply_and_build() {
	local p n=0 commits c sum
	sum=$(series_sum)
	# make deb: the same series applied already keeps its files' times,
	# so the build after it stays incremental.
	if [ "$check" = apply ] && [ -d "$amdir/.git" ] &&
	   [ "$(cat "$amdir/.git/xen-evtchn-series" 2>/dev/null)" = "$sum" ] &&
	   [ "$(g -C "$amdir" rev-parse HEAD)" = "$(g -C "$amdir" rev-parse series)" ] &&
	   [ -z "$(g -C "$amdir" status --porcelain --untracked-files=no)" ]; then
		log "git am: the same series is applied in $amdir already"
		return 0
	fi
	rm -f "$amdir/.git/xen-evtchn-series"
	fresh_copy "$amdir"
	for p in "$out"/0*.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		g -C "$amdir" am -q "$p" || die "git am failed on $(basename "$p")"
	done
	log "git am: the series applies to a fresh copy of the base tree"
	echo "$sum" > "$amdir/.git/xen-evtchn-series"
	[ "$check" != apply ] || return 0
	commits=$(g -C "$amdir" rev-list --reverse xen-evtchn-base..series)
	for c in $commits; do
		n=$((n + 1))
		g -C "$amdir" checkout -q "$c"
		log "build after patch $n: $(g -C "$amdir" log -1 --format=%s)"
		"$top/scripts/xen-evtchn/build-kernel.sh" --src "$amdir" --out "$kout" >/dev/null ||
			die "the tree does not build after patch $n"
	done
	g -C "$amdir" checkout -q series
	log "every step builds ($n patches)"
}

make_series
case $check in
1)	run_checkpatch
	apply_and_build ;;
apply)	apply_and_build ;;
esac
log "done: $out (apply with: git am $out/0*.patch after the cover letter)"

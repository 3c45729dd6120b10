#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The lab inside dom0. Runs as PID 1 (dom0-init.sh switches to it), starts
# the Xen toolstack daemons, then runs the scenarios of /lab/plan and ends
# the machine with a reboot, which QEMU (-no-reboot) turns into an exit.
# dom0 powering off would only halt Xen, hence the reboot.
#
# /lab/plan: one scenario a line, "ID KERNEL VCPUS MODE [ABI [ARGS...]]":
#   KERNEL  names /lab/KERNEL.bzImage; IMAGE/BOOT (hibernation modes): the
#           image kernel IMAGE hibernates, the boot kernel BOOT restores it
#   MODE    plain         boot, check, xl shutdown
#           saverestore   ... then xl save / xl restore, xl shutdown
#           saverestore3  ... three xl save / xl restore rounds, xl shutdown
#           checkpoint    ... xl save -c (the guest goes on in the same
#                         domain), xl shutdown, then xl restore of the
#                         checkpoint file, xl shutdown again
#           hibsame       with a swap disk and a data disk: the guest
#                         writes a pattern to the data disk and hibernates
#                         (echo disk > /sys/power/state), a new domain with
#                         the same disks and resume=/dev/xvdb restores the
#                         image, the guest checks the pattern and writes a
#                         new one, xl shutdown, dom0 checks the backing
#                         file; both boots get ARGS
#           hibfifo       the same, the restoring boot without ARGS (so
#                         with the FIFO ABI whatever the image used)
#           hibboot       the same, ARGS only on the restoring boot (the
#                         image kernel on FIFO, the boot kernel with ARGS)
#           bench         a 60 s ping-pong with the guest (see soak), then
#                         the guest's IPI rate (ipi-rate, 20 s), xl shutdown
#           hvm           an HVM guest (hvm-guest.cfg: hvmloader, SeaBIOS,
#                         qemu-system-xen in dom0, direct kernel boot):
#                         boot, check, xl shutdown
#           pv            a PV guest (pv-guest.cfg): boot, check, xl shutdown
#           pvsaverestore the PV guest, then xl save / xl restore, xl shutdown
#           hvmsaverestore the HVM guest, then xl save / xl restore (QEMU's
#                         state too), xl shutdown
#           hvmhib        hibsame with the HVM guest
#   ABI     the event ABI the guest must report: fifo, 2l or any (default)
#   ARGS    extra words for the guest's kernel command line (extra= in xl)
#
# /lab/noretry: ids of scenarios whose result is information only for the
# host (known gaps); a failure there is not run a second time.
#
# Everything for the host goes to the console with a prefix:
#   LABD: progress and facts about dom0 / Xen
#   LABR: ID ATTEMPT STEP RESULT SECONDS [DETAIL]   one line per step
#   LABS: ID RESULT ATTEMPTS                        one line per scenario
#   LABC: ID ATTEMPT LINE                           the guest console log
# A scenario that fails is run a second time; both attempts are reported.
set -u
exec </dev/null

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
export PATH
console_dir=/var/log/xen/console
save_dir=/var/lib/xen/save
# Loop devices of the hibernation scenarios (swap, data) and the token the
# data disk's patterns are made from, new for every attempt.
hib_disk=""
data_disk=""
data_tok=""

say() {
	echo "LABD: $*"
}

# Seconds since dom0 booted, as a decimal.
now() {
	cut -d' ' -f1 /proc/uptime
}

since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

end_machine() {
	say "done $1"
	sync
	mount -o remount,ro / 2>/dev/null
	sleep 1
	busybox reboot -f
	sleep 30
}

fatal() {
	say "fatal: $*"
	exit 1
}

# Poll for up to $1 seconds until "$2 ..." succeeds.
wait_until() {
	local limit=$1 t0
	shift
	t0=$(now)
	until "$@"; do
		if awk -v s="$(since "$t0")" -v l="$limit" 'BEGIN { exit !(s >= l) }'; then
			return 1
		fi
		sleep 1
	done
}

setup_dom0() {
	mount -t tmpfs tmpfs /run
	mount -t tmpfs tmpfs /tmp
	mkdir -p /dev/pts /run/xenstored "$console_dir" "$save_dir" /var/run/xen
	mount -t devpts devpts /dev/pts
	hostname dom0
	# xen-blkback and loop: the swap disk of the hibernation scenarios.
	for m in xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-blkback loop; do
		modprobe "$m" 2>/dev/null || say "note: modprobe $m failed (built in?)"
	done
	mount -t xenfs xenfs /proc/xen || fatal "cannot mount xenfs"
	grep -q control_d /proc/xen/capabilities || fatal "not running as dom0"

	export XENSTORED_ROOTDIR=/run/xenstored
	if ! oxenstored --pid-file /run/xenstore.pid; then
		say "oxenstored failed, trying xenstored"
		xenstored --pid-file /run/xenstore.pid || fatal "no xenstored"
	fi
	wait_until 60 xenstore-read -s / >/dev/null 2>&1 || fatal "xenstore not answering"
	xen-init-dom0 >/dev/null || fatal "xen-init-dom0 failed"
	xenconsoled --log=guest --log-dir="$console_dir" \
		--pid-file=/run/xenconsoled.pid || fatal "xenconsoled failed"
	say "dom0-ready $(now)"
	dom0_facts
	xl info | grep -E '^(xen_version|xen_extra|virt_caps|nr_cpus|free_memory|xen_commandline)' |
		sed 's/^/LABD: xl-info /'
}

# The dom0 kernel for the host's report: which one, its event ABI, and the
# machine's interrupts it takes from Xen as PIRQs (the ACPI SCI, the disks'
# MSI-X vectors or GSIs).
dom0_facts() {
	say "dom0-kernel $(uname -r) $(uname -v)"
	dmesg | grep -m 1 -oE 'Using [^ ]+ ABI' | sed 's/^/LABD: dom0-abi /'
	awk '/xen-pirq/ { n++; $1 = $1; print "LABD: dom0-pirq " $0 }
	     END { print "LABD: dom0-pirqs " n + 0 }' /proc/interrupts
}

# The guest's disks as dom0's blkback serves them: its event channels in
# dom0's /proc/interrupts (count and irq chip), while the guest runs.
report_dom0_blkback() {
	local n chip
	n=$(grep -c 'blkif-backend' /proc/interrupts)
	chip=$(awk '/blkif-backend/ { print $(NF - 2); exit }' /proc/interrupts)
	report dom0-blkback INFO 0 "$n binding(s), chip ${chip:-none}"
}

report() {
	echo "LABR: $scen $attempt $1 $2 $3 ${4:-}"
	[ "$2" != FAIL ] || failed=1
}

# The host matches Xen's "(XEN) d<domid>v<n>: upcall vector" lines to this.
# The host reads "domid=N vcpus=M" (and type=pv: no upcall vector to look
# for in Xen's log).
report_domid() {
	report domain INFO 0 "domid=$(xl domid "$scen" 2>/dev/null || echo none) vcpus=$1$(is_pv && echo " type=pv")"
}

is_pv() {
	[[ $mode == pv* ]]
}

is_hvm() {
	[[ $mode == hvm* ]]
}

# Show the tail of a command's output on failure.
show_output() {
	tail -n 15 "$1" | sed "s/^/LABD: $scen $attempt output: /"
}

guest_log() {
	tr -d '\r' < "$console_dir/guest-$scen.log" 2>/dev/null
}

log_has() {
	guest_log | grep -q -E "$1"
}

domain_exists() {
	xl domid "$scen" >/dev/null 2>&1
}

last_heartbeat() {
	guest_log | sed -n 's/^LAB: heartbeat \([0-9][0-9]*\)$/\1/p' | tail -n 1
}

# shellcheck disable=SC2317 # called through wait_until
heartbeat_beyond() {
	local hb
	hb=$(last_heartbeat)
	[ "${hb:-0}" -gt "$1" ]
}

# The guest is up when it printed "LAB: ready"; give up early when the
# domain went away (crash, on_crash=destroy).
# shellcheck disable=SC2317 # called through wait_until
guest_ready_or_gone() {
	log_has '^LAB: ready' || ! domain_exists
}

# Run a command for at most $2 seconds and report step $1 from its status.
timed_step() {
	local step=$1 limit=$2 t0 rc
	shift 2
	t0=$(now)
	timeout "$limit" "$@" >"/tmp/$scen.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		report "$step" PASS "$(since "$t0")"
	else
		report "$step" FAIL "$(since "$t0")" "rc=$rc"
		show_output "/tmp/$scen.out"
	fi
	return $rc
}

# The ABI line must match the plan's expectation ($want_abi).
abi_matches() {
	case $want_abi in
	fifo) [[ $1 == *FIFO-based* ]] ;;
	2l) [[ $1 == *2-level* ]] ;;
	*) true ;;
	esac
}

# What the kernel did with the extra command line words: the ones it did
# not know go to init (and the kernel says so).
check_cmdline() {
	local line word unknown=""
	[ -n "$boot_args" ] || return 0
	line=$(guest_log | grep -m1 -o 'Unknown kernel command line parameters.*' | tr -d '"')
	for word in $boot_args; do
		[[ " $line " == *" $word "* || " $line " == *" $word, "* ]] && unknown+=" $word"
	done
	if [ -n "$unknown" ]; then
		report cmdline INFO 0 "unknown to the kernel, passed to init:$unknown"
	else
		report cmdline INFO 0 "accepted: $boot_args"
	fi
}

check_evidence() {
	local vcpus=$1 line

	line=$(guest_log | grep -m1 -o -E 'Using (FIFO-based|2-level) ABI')
	if [ -z "$line" ]; then
		report event-abi FAIL 0 "no 'xen:events: Using ... ABI' line"
	elif abi_matches "$line"; then
		report event-abi PASS 0 "$line"
	else
		report event-abi FAIL 0 "$line (want $want_abi)"
	fi
	check_cmdline
	if is_pv; then
		report callback-vector INFO 0 "PV guest: Xen calls its registered callback, no vector"
	elif log_has 'callback vector for event delivery is enabled'; then
		report callback-vector PASS 0 "HVM callback vector enabled"
	else
		report callback-vector FAIL 0 "no callback vector line"
	fi
	# Drivers built as modules (make deb): every one of the initramfs
	# must load.
	line=$(guest_log | grep -m1 '^LAB: modules ')
	case $line in
	"") ;;
	*" failed=none") report modules PASS 0 "${line#LAB: modules }" ;;
	*) report modules FAIL 0 "${line#LAB: modules }" ;;
	esac
	line=$(guest_log | grep -m1 '^LAB: cpus ')
	if grep -q "count=$vcpus\$" <<<"$line"; then
		report vcpus PASS 0 "${line#LAB: }"
	else
		report vcpus FAIL 0 "want $vcpus: ${line#LAB: }"
	fi
	if is_hvm; then
		line=$(guest_log | grep -E '^LAB: irq-t1 .*xen-pirq' | sed 's/^LAB: irq-t1 *//' |
			awk '{ printf "%s%s", (NR > 1 ? "; " : ""), $0 }')
		report xen-pirq INFO 0 "${line:-no xen-pirq line in /proc/interrupts}"
	fi
	line=$(guest_log | grep -m1 '^LAB: counter timer ')
	case $line in
	*rising) report timer-virq PASS 0 "${line#LAB: counter }" ;;
	*) report timer-virq FAIL 0 "${line#LAB: counter }" ;;
	esac
	line=$(guest_log | grep -m1 '^LAB: counter ipi ')
	case $line in
	*rising) report ipi PASS 0 "${line#LAB: counter }" ;;
	*) if [ "$vcpus" -gt 1 ]; then
		report ipi FAIL 0 "${line#LAB: counter }"
	   else
		report ipi INFO 0 "${line#LAB: counter } (1 vCPU: not required)"
	   fi ;;
	esac
}

check_clean_log() {
	local bad
	bad=$(guest_log | grep -m1 -E 'Stale IRR|WARNING:|BUG:|Oops|Call Trace|Kernel panic|evtchn.*(fail|error)')
	if [ -z "$bad" ]; then
		report clean-log PASS 0 "no WARN/BUG/Stale IRR"
	else
		report clean-log FAIL 0 "$bad"
	fi
}

# Lines of the guest console so far: later checks look only past this mark.
log_mark() {
	guest_log | wc -l
}

# The last "LAB: live TIMER IPI" line of the guest (printed every 5 s by
# the heartbeat), after line $1 of the console log when given.
last_live() {
	guest_log | tail -n +"$((${1:-0} + 1))" | sed -n 's/^LAB: live //p' | tail -n 1
}

# shellcheck disable=SC2317 # called through wait_until
live_beyond() {
	local now_t now_i
	read -r now_t now_i <<<"$(last_live "$1")"
	[ -n "$now_t" ] || return 1
	[ "$now_t" -gt "$2" ] || return 1
	[ "$4" -le 1 ] || [ "$now_i" -gt "$3" ]
}

# Events after a restore: the timer VIRQ count (and with 2 vCPUs the IPI
# count) printed by the guest goes on rising past its value before the
# save. $1: step name, $2: vCPUs, $3: log mark, $4/$5: counts before.
check_live_events() {
	local step=$1 vcpus=$2 mark=$3 t0=$4 i0=$5 t1
	t1=$(now)
	if wait_until 60 live_beyond "$mark" "$t0" "$i0" "$vcpus"; then
		report "$step" PASS "$(since "$t1")" "timer/ipi $t0/$i0 -> $(last_live "$mark" | tr ' ' /)"
	else
		report "$step" FAIL "$(since "$t1")" "timer/ipi $t0/$i0 -> $(last_live "$mark" | tr ' ' /)"
		return 1
	fi
}

# shellcheck disable=SC2317 # called through wait_until
has_debugfs_after() {
	guest_log | tail -n +"$(($1 + 1))" | grep -qE '^LAB: debugfs (end [0-9]+|none)$'
}

# The guest's debugfs view of its bindings (xen/events/ports, printed by
# its heartbeat every 10 s), first complete snapshot after line $2 of the
# console: an ABI, bindings of each kind, no binding left stale by the
# restore. The stock kernel has no such file: information only.
check_debugfs() {
	local step=debugfs$1 mark=$2 t0 block abi n stale events
	t0=$(now)
	if ! wait_until 30 has_debugfs_after "$mark"; then
		report "$step" FAIL "$(since "$t0")" "no debugfs snapshot from the guest in 30 s"
		return 1
	fi
	block=$(guest_log | tail -n +"$((mark + 1))" | sed -n 's/^LAB: debugfs //p' |
		awk '/^none$/ { print; exit } /^# ABI / { on = 1 } on { print } on && /^end [0-9]+$/ { exit }')
	if [ "$block" = none ]; then
		report "$step" INFO 0 "no xen/events/ports in the guest's debugfs"
		return 0
	fi
	abi=$(sed -n 's/^# ABI //p' <<<"$block")
	n=$(awk '$3 ~ /^(evtchn|virq|ipi)$/' <<<"$block" | wc -l)
	stale=$(grep -c '(stale, was port' <<<"$block")
	events=$(awk '$3 ~ /^(evtchn|virq|ipi)$/ { s += $8 } END { print s + 0 }' <<<"$block")
	if [ -n "$abi" ] && [ "$n" -ge 3 ] && [ "$stale" -eq 0 ] && [ "$events" -gt 0 ]; then
		report "$step" PASS "$(since "$t0")" "abi ${abi// /_} bindings $n stale $stale events $events"
	else
		report "$step" FAIL "$(since "$t0")" "abi ${abi:-none} bindings $n stale $stale events $events"
		return 1
	fi
}

# One xl save / xl restore round; $1: vCPUs, $2: round number (steps get a
# "-N" suffix when given).
save_and_restore() {
	local file="$save_dir/$scen.chk" hb0 t0 mark lt li sfx=${2:+-$2} restored
	wait_until 15 has_live
	hb0=$(last_heartbeat)
	hb0=${hb0:-0}
	read -r lt li <<<"$(last_live)"
	mark=$(log_mark)
	timed_step "save$sfx" 300 xl save "$scen" "$file" || return 1
	if domain_exists; then
		report "saved-domain-gone$sfx" FAIL 0 "domain still listed after xl save"
		return 1
	fi
	timed_step "restore$sfx" 300 xl restore "$file" || return 1
	report_domid "$1"
	rm -f "$file"
	restored=$(log_mark)
	t0=$(now)
	if wait_until 90 heartbeat_beyond $((hb0 + 2)); then
		report "alive$sfx" PASS "$(since "$t0")" "heartbeat $hb0 before save, $(last_heartbeat) after restore"
	else
		report "alive$sfx" FAIL "$(since "$t0")" "heartbeat $hb0 before save, ${hb0} -> $(last_heartbeat) after restore"
		return 1
	fi
	check_live_events "events$sfx" "$1" "$mark" "${lt:-0}" "${li:-0}" || return 1
	check_debugfs "$sfx" "$restored"
}

# xl save -c: the suspend is cancelled for the guest, which goes on in the
# same domain; the file keeps a checkpoint that can be restored later.
checkpoint_guest() {
	local file="$save_dir/$scen.chk" hb0 t0 mark lt li domid0 domid1
	domid0=$(xl domid "$scen")
	wait_until 15 has_live
	hb0=$(last_heartbeat)
	hb0=${hb0:-0}
	read -r lt li <<<"$(last_live)"
	mark=$(log_mark)
	timed_step checkpoint 300 xl save -c "$scen" "$file" || return 1
	domid1=$(xl domid "$scen" 2>/dev/null || echo none)
	if [ "$domid1" = "$domid0" ]; then
		report same-domain PASS 0 "domid $domid0 before and after xl save -c"
	else
		report same-domain FAIL 0 "domid $domid0 before, $domid1 after xl save -c"
		return 1
	fi
	t0=$(now)
	if wait_until 90 heartbeat_beyond $((hb0 + 2)); then
		report alive-chk PASS "$(since "$t0")" "heartbeat $hb0 before, $(last_heartbeat) after xl save -c"
	else
		report alive-chk FAIL "$(since "$t0")" "heartbeat $hb0 before, $(last_heartbeat) after xl save -c"
		return 1
	fi
	check_live_events events-chk "$1" "$mark" "${lt:-0}" "${li:-0}"
}

# After the checkpointed domain is gone: bring the checkpoint back.
restore_checkpoint() {
	local file="$save_dir/$scen.chk" hb0 t0
	hb0=$(last_heartbeat)
	timed_step restore-chk 300 xl restore "$file" || return 1
	report_domid "$1"
	rm -f "$file"
	t0=$(now)
	# The checkpoint was taken before the last heartbeats of the first
	# life: a new "heartbeat N" line with any N shows the image runs.
	if wait_until 90 heartbeat_count_beyond "$(heartbeat_lines)"; then
		report alive-chk-restored PASS "$(since "$t0")" "heartbeat $hb0 at shutdown, $(last_heartbeat) in the restored checkpoint"
	else
		report alive-chk-restored FAIL "$(since "$t0")" "no new heartbeat after restoring the checkpoint"
		return 1
	fi
}

heartbeat_lines() {
	guest_log | grep -c '^LAB: heartbeat [0-9]'
}

# shellcheck disable=SC2317 # called through wait_until
heartbeat_count_beyond() {
	[ "$(heartbeat_lines)" -gt $(($1 + 2)) ]
}

domain_state() {
	xl list "$scen" 2>/dev/null | awk 'NR == 2 { print $5 }'
}

domain_shut_down() {
	[[ $(domain_state) == *s* ]]
}

# Wait (up to 15 s) for a first "LAB: live" line, the base for the checks
# of events after a save.
# shellcheck disable=SC2317 # called through wait_until
has_live() {
	[ -n "$(last_live)" ]
}

# xl shutdown (no -F): Xen writes control/shutdown, the guest must get the
# xenbus watch event and run /sbin/poweroff. $1: step name.
shutdown_guest() {
	local step=${1:-shutdown} downs
	if ! domain_exists; then
		report "$step" FAIL 0 "the domain was gone before xl shutdown"
		return 1
	fi
	downs=$(guest_log | grep -c '^LAB: shutdown requested')
	timed_step "$step" 150 xl shutdown -w "$scen" || return 1
	if domain_exists && [ "$step" = shutdown-after-chk ] && domain_shut_down &&
	   [ "$(guest_log | grep -c '^LAB: shutdown requested')" -gt "$downs" ]; then
		# The xl process that watched the domain since xl create (and
		# would destroy it on poweroff) ends when the domain suspends
		# for the checkpoint; nobody is left to reap it.
		report domain-gone PASS 0 "guest ran poweroff, domain shut down (state $(domain_state)), destroyed by the lab: xl's monitor ended at xl save -c"
		xl destroy "$scen" >/dev/null 2>&1
		return 0
	fi
	# xl shutdown -w returns when the guest has shut down; xl's monitor
	# then destroys the domain (on_poweroff), which for HVM also means
	# stopping its device model in dom0: give it some seconds.
	domain_exists && wait_until 60 domain_gone
	if domain_exists; then
		report domain-gone FAIL 0 "still listed 60 s after xl shutdown (state $(domain_state))"
		return 1
	fi
	if [ "$(guest_log | grep -c '^LAB: shutdown requested')" -gt "$downs" ]; then
		report domain-gone PASS 0 "guest ran poweroff, $(guest_log | grep '^LAB: heartbeat stopped' | tail -n 1 | sed 's/^LAB: //')"
	else
		report domain-gone PASS 0 "domain gone (no 'shutdown requested' line)"
	fi
}

# --- soak: an interdomain ping-pong with the guest under changes ---------

# The port the guest offered last ("LAB: pingpong port N"), after console
# line $1.
pingpong_port() {
	guest_log | tail -n +"$(($1 + 1))" | sed -n 's/^LAB: pingpong port //p' | tail -n 1
}

# shellcheck disable=SC2317 # called through wait_until
has_port_after() {
	[ -n "$(pingpong_port "$1")" ]
}

# The guest's online CPUs as its heartbeat last printed them (every 5 s),
# after console line $1. An HVM/PVH vCPU taken offline only halts, so
# xl vcpu-list cannot tell; the guest's own view can.
guest_online() {
	guest_log | tail -n +"$(($1 + 1))" | sed -n 's/^LAB: online //p' | tail -n 1
}

# shellcheck disable=SC2317 # called through wait_until
online_is() {
	[ "$(guest_online "$1")" = "$2" ]
}

# One xl vcpu-set; $1: step, $2: vCPUs wanted, $3: the guest's online
# CPUs that must follow (as /sys/devices/system/cpu/online has them).
vcpu_set_step() {
	local t0 mark
	t0=$(now)
	mark=$(log_mark)
	# The lab's Xen has one physical CPU: xl refuses more vCPUs without this.
	if ! xl vcpu-set --ignore-host "$scen" "$2" >/tmp/vcpu-set.out 2>&1; then
		report "$1" FAIL "$(since "$t0")" "xl vcpu-set $2: $(tail -n 1 /tmp/vcpu-set.out)"
	elif wait_until 60 online_is "$mark" "$3"; then
		report "$1" PASS "$(since "$t0")" "guest CPUs online: $3 ($2 vCPUs)"
	else
		report "$1" FAIL "$(since "$t0")" "guest CPUs online: $(guest_online "$mark"), not $3, 60 s after xl vcpu-set $2"
	fi
}

# Ping the guest's last offered port for $2 seconds; $1: step, $3: log
# mark; $4: 1 to unplug and replug vCPU 1 in the middle. The figures are
# the step's evidence; a lost wake-up (no answer in 10 s) fails it, a
# late one (over 1 s) is counted.
pingpong_step() {
	local step=$1 secs=$2 mark=$3 hotplug=$4 port out t0 pid rc what
	t0=$(now)
	if ! wait_until 90 has_port_after "$mark"; then
		report "$step" FAIL "$(since "$t0")" "the guest offered no channel"
		return 1
	fi
	port=$(pingpong_port "$mark")
	what="port $port"
	[ "$hotplug" = 1 ] && what="$what, vCPU 1 out and back"
	/lab/evtchn-pingpong ping "$(xl domid "$scen")" "$port" "$secs" >/tmp/ping.out 2>&1 &
	pid=$!
	if [ "$hotplug" = 1 ]; then
		sleep $((secs / 3))
		vcpu_set_step vcpu-unplug 1 0
		sleep $((secs / 3))
		vcpu_set_step vcpu-replug 2 0-1
	fi
	wait "$pid"
	rc=$?
	out=$(grep '^pingpong:' /tmp/ping.out || tail -n 1 /tmp/ping.out)
	out=${out#pingpong: }
	report "$step" "$([ $rc -eq 0 ] && echo PASS || echo FAIL)" "$(since "$t0")" \
		"$what: $out"
	return $rc
}

# The soak: timers and IPIs (the heartbeat) and a dom0 <-> guest ping-pong
# for soak_secs with vCPU 1 unplugged and replugged in the middle, a save
# and restore, the ping-pong again with the new domain, and a shutdown.
soak_guest() {
	local vcpus=$1 secs=90 mark=0
	pingpong_step pingpong "$secs" "$mark" "$([ "$vcpus" -ge 2 ] && echo 1 || echo 0)"
	save_and_restore "$vcpus" || return 1
	# An offer the guest made before the save is dead: wait for one after.
	mark=$(log_mark)
	pingpong_step pingpong-after-restore $((secs / 2)) "$mark" 0
	shutdown_guest shutdown-after-restore
}

# shellcheck disable=SC2317 # called through wait_until
has_ipi_rate_after() {
	guest_log | tail -n +"$(($1 + 1))" | grep -q '^LAB: ipi-rate:'
}

# The bench: one ping-pong with dom0 (round trips per second, 0 lost), then
# the guest measures cross-CPU wake-ups once the pings stop.
bench_guest() {
	local mark t0 out
	mark=$(log_mark)
	pingpong_step pingpong 60 0 0 || return 1
	t0=$(now)
	if wait_until 90 has_ipi_rate_after "$mark"; then
		out=$(guest_log | tail -n +"$((mark + 1))" | sed -n 's/^LAB: ipi-rate: //p' | tail -n 1)
		case $out in
		failed*) report ipi-rate FAIL "$(since "$t0")" "$out" ;;
		*) report ipi-rate PASS "$(since "$t0")" "$out" ;;
		esac
	else
		report ipi-rate FAIL "$(since "$t0")" "no figure from the guest in 90 s"
	fi
	shutdown_guest
}

# The part of a scenario after the boot checks.
run_mode() {
	local vcpus=$1 kernel=$2 n
	case $mode in
	plain | hvm | pv) shutdown_guest ;;
	saverestore | pvsaverestore | hvmsaverestore) save_and_restore "$vcpus" && shutdown_guest shutdown-after-restore ;;
	saverestore3)
		for n in 1 2 3; do
			save_and_restore "$vcpus" "$n" || return 1
		done
		shutdown_guest shutdown-after-restore ;;
	hibsame | hibfifo | hibboot | hvmhib) hibernate_cycle "$vcpus" "$kernel" ;;
	soak) soak_guest "$vcpus" ;;
	bench) bench_guest ;;
	checkpoint)
		checkpoint_guest "$vcpus" || return 1
		shutdown_guest shutdown-after-chk || return 1
		restore_checkpoint "$vcpus" || return 1
		shutdown_guest shutdown-after-chk-restore ;;
	*) report mode FAIL 0 "unknown mode $mode" ;;
	esac
}

# write_cfg FILE KERNEL VCPUS ARGS: the xl configuration of the guest, with
# the swap and data disks when the scenario has them.
write_cfg() {
	local template=/lab/pvh-guest.cfg
	is_hvm && template=/lab/hvm-guest.cfg
	is_pv && template=/lab/pv-guest.cfg
	sed -e "s|@NAME@|$scen|" -e "s|@KERNEL@|/lab/$2.bzImage|" \
		-e "s|@VCPUS@|$3|" -e "s|@EXTRA@|${4:+ $4}|" "$template" > "$1"
	# A kernel with its drivers as modules (make deb) brings its own
	# initramfs and may need more memory than the template gives.
	[ ! -f "/lab/$2-initrd.gz" ] || sed -i "s|/lab/guest-initrd.gz|/lab/$2-initrd.gz|" "$1"
	if [ -f "/lab/$2.memory" ]; then
		local want have
		want=$(cat "/lab/$2.memory")
		have=$(sed -n 's/^memory = //p' "$1")
		[ "$want" -le "$have" ] || sed -i "s/^memory = .*/memory = $want/" "$1"
	fi
	if [ -n "$hib_disk" ]; then
		echo "disk = [ '$(disk_spec xvdb "$hib_disk")', '$(disk_spec xvdc "$data_disk")' ]" >> "$1"
	fi
}

# One entry of xl's disk list: VDEV backed by the loop device DEV, attached
# by our own hotplug script (/lab/blk-loop).
disk_spec() {
	echo "format=raw, vdev=$1, access=rw, script=/lab/blk-loop, target=$2"
}

data_img() {
	echo "$save_dir/$scen-data.img"
}

# loop_over FILE SIZE: a loop device over a new sparse file.
loop_over() {
	rm -f "$1"
	truncate -s "$2" "$1" && losetup -f --show "$1"
}

# The disks of the hibernation scenarios: 64 MiB of swap for the image and
# a 16 MiB data disk, never swap, whose content must survive the
# hibernation (guest-init.sh writes patterns made from $data_tok to it).
prepare_hib_disks() {
	hib_disk=""
	data_disk=""
	data_tok=""
	case $mode in hib* | hvmhib) ;; *) return 0 ;; esac
	modprobe loop 2>/dev/null
	hib_disk=$(loop_over "$save_dir/$scen-swap.img" 64M) || { hib_disk=""; return 1; }
	data_disk=$(loop_over "$(data_img)" 16M) || { data_disk=""; return 1; }
	data_tok=$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')
	say "$scen: swap disk $hib_disk, data disk $data_disk over $(data_img), token $data_tok"
}

release_hib_disks() {
	[ -z "$hib_disk" ] || losetup -d "$hib_disk" 2>/dev/null
	[ -z "$data_disk" ] || losetup -d "$data_disk" 2>/dev/null
	rm -f "$save_dir/$scen-swap.img" "$(data_img)"
	hib_disk=""
	data_disk=""
}

# shellcheck disable=SC2317 # called through wait_until
domain_gone() {
	! domain_exists
}

# After line $1 of the console: the image is back ("hibernate resumed"),
# or the boot went on as a fresh boot (one more "ready" than $2), or the
# domain is gone.
# shellcheck disable=SC2317 # called through wait_until
resume_settled() {
	guest_log | tail -n +"$(($1 + 1))" | grep -q -E '^LAB: (hibernate resumed|hibernate failed|ready)' ||
		! domain_exists
}

# The guest hibernates by itself (lab_hib=1); then a new domain with the
# same disk boots with resume=/dev/xvdb and must come back as the image:
# heartbeat going on from where it stopped, events, the disk, xl shutdown.
hibernate_cycle() {
	local vcpus=$1 kernel=$2 resume_args t0 hb0 mark lt li line secs cfg=/tmp/$scen-resume.cfg
	t0=$(now)
	# The guest first writes and reads back its data disk (a few seconds,
	# at most 40 before it gives up).
	if ! wait_until 120 log_has '^LAB: hibernate writing'; then
		report hibernate FAIL "$(since "$t0")" \
			"$(guest_log | grep -m1 -E '^LAB: hibernate' || echo 'guest did not start hibernating')"
		return 1
	fi
	read -r lt li <<<"$(last_live)"
	if ! wait_until 240 domain_gone; then
		report hibernate FAIL "$(since "$t0")" "domain still there 240 s after echo disk"
		return 1
	fi
	hb0=$(last_heartbeat)
	line=$(guest_log | grep -m1 -o -E 'PM: (Image saving done|hibernation: Wrote .*)' | tail -n 1)
	if guest_log | grep -q 'PM: Image saving done'; then
		report hibernate PASS "$(since "$t0")" "image written, domain gone (${line:-?})"
	else
		report hibernate FAIL "$(since "$t0")" "domain gone without 'PM: Image saving done'"
		return 1
	fi

	resume_args="resume=/dev/xvdb lab_hib=2"
	case $mode in
	hibsame | hibboot | hvmhib) resume_args+="${extra:+ $extra}" ;;
	esac
	write_cfg "$cfg" "${kernel#*/}" "$vcpus" "$resume_args"
	mark=$(log_mark)
	timed_step create-resume 240 xl create -q "$cfg" || return 1
	report_domid "$vcpus"
	t0=$(now)
	wait_until 150 resume_settled "$mark"
	line=$(guest_log | tail -n +"$((mark + 1))" | grep -m1 -o -E 'Using (FIFO-based|2-level) ABI')
	if guest_log | tail -n +"$((mark + 1))" | grep -q '^LAB: hibernate resumed'; then
		report resume PASS "$(since "$t0")" "image restored (boot kernel: ${line:-?})"
	elif guest_log | tail -n +"$((mark + 1))" | grep -q '^LAB: ready'; then
		report resume FAIL "$(since "$t0")" "fresh boot, image not restored (boot kernel: ${line:-?})"
		return 1
	elif domain_exists; then
		report resume FAIL "$(since "$t0")" "no sign of the image 150 s after create (boot kernel: ${line:-?})"
		return 1
	else
		report resume FAIL "$(since "$t0")" "domain gone: $(guest_log | tail -n +"$((mark + 1))" |
			grep -m1 -E 'Kernel panic|BUG:|Oops|general protection' || echo 'no panic line')"
		return 1
	fi
	t0=$(now)
	if wait_until 60 heartbeat_beyond $((hb0 + 2)); then
		report alive-hib PASS "$(since "$t0")" "heartbeat $hb0 before, $(last_heartbeat) after resume"
	else
		report alive-hib FAIL "$(since "$t0")" "heartbeat $hb0 before, $(last_heartbeat) after resume"
		return 1
	fi
	check_live_events events-hib "$vcpus" "$mark" "${lt:-0}" "${li:-0}" || return 1
	# Once the image is back the guest checks its data disk (at most 45 s)
	# and, at the same time, reads the swap disk (at most 20 s); its last
	# line is about the swap disk. A disk that did not reconnect still lets
	# the shutdown below show whether xenbus works.
	t0=$(now)
	wait_until 75 disk_line_after "$mark"
	secs=$(since "$t0")
	report_dom0_blkback
	shutdown_guest shutdown-after-resume
	check_data_disk "$mark" "$secs"
}

# shellcheck disable=SC2317 # called through wait_until
disk_line_after() {
	guest_log | tail -n +"$(($1 + 1))" | grep -q '^LAB: disk after resume'
}

# What the data disk's backing file holds at the pattern's place: ok (the
# guest's second pattern, byte for byte), or found-gen1 (the new write
# never reached the backend), found-gen2-damaged, found-zeros,
# found-other. The patterns come from guest-init.sh, as in the guest.
backing_file_state() {
	local want=/tmp/$scen-data.want kind
	sh /lab/guest-init.sh pattern "$data_tok" 2 > "$want"
	if [ ! -s "$want" ] || [ ! -f "$(data_img)" ]; then
		echo unchecked
	elif head -c "$(stat -c %s "$want")" "$(data_img)" | cmp -s - "$want"; then
		echo ok
	else
		kind=$(sh /lab/guest-init.sh kind "$data_tok" "$(data_img)")
		[ "$kind" = gen2 ] && kind=gen2-damaged
		echo "found-$kind"
	fi
	rm -f "$want"
}

# disk-hib, after the domain is gone: the guest's verdict line after line
# $1 of the console (old pattern read back, new one written and read back,
# all from the disk) and the backing file holding the new pattern. $2:
# seconds the guest's checks took.
check_data_disk() {
	local mark=$1 secs=$2 line r1=none w=none r2=none file t0 k errs detail limit
	t0=$(now)
	line=$(guest_log | tail -n +"$((mark + 1))" | grep -m1 -E '^LAB: data-disk (ok|failed)')
	for k in $line; do
		case $k in
		old-read=*) r1=${k#*=} ;;
		new-write=*) w=${k#*=} ;;
		new-read=*) r2=${k#*=} ;;
		esac
	done
	# The file is final only once blkback let go of the disk.
	if domain_exists; then
		xl destroy "$scen" >/dev/null 2>&1
		say "$scen: destroyed the domain before checking the data disk"
	fi
	file=$(backing_file_state)
	detail="old-read=$r1 new-write=$w new-read=$r2 backing-file=$file"
	limit=$(sed -n 's/.*(timeout \([0-9]*\) s).*/\1/p' <<<"$line")
	[ -z "$limit" ] || detail+=" | guest gave up after $limit s"
	[ -n "$line" ] || detail+=" | no 'LAB: data-disk' line from the guest"
	line=$(guest_log | grep -m1 '^LAB: data-disk before failed')
	[ -z "$line" ] || detail+=" | ${line#LAB: }"
	# blkfront/xenbus complaints of the restored guest: two different ones
	# (lines that differ only in numbers, such as the device, count once),
	# a failed resume callback ("xenbus: resume (watch_otherend) failed:
	# -17") first, then other failures, then the rest.
	errs=$(guest_log | tail -n +"$((mark + 1))" | grep -v '^LAB: ' |
		grep -o -E '(blkfront|vbd|xenbus).*(fail|error|-[0-9]+).*' |
		awk '{ k = $0; gsub(/[0-9]+/, "N", k) } !seen[k]++ {
			r = ($0 ~ /resume.*failed: -[0-9]/) ? 0 : ($0 ~ /[Ff]ail/) ? 1 : 2
			print r "\t" NR "\t" $0
		}' | sort -n -k1,1 -k2,2 | cut -f3- | head -n 2 |
		awk '{ printf "%s%s", (NR > 1 ? "; " : ""), substr($0, 1, 90) }')
	[ -z "$errs" ] || detail+=" | $errs"
	secs=$(awk -v a="$secs" -v b="$(since "$t0")" 'BEGIN { printf "%.1f", a + b }')
	if [ "$r1/$w/$r2/$file" = ok/ok/ok/ok ]; then
		report disk-hib PASS "$secs" "$detail"
	else
		report disk-hib FAIL "$secs" "$detail"
	fi
}

run_scenario() {
	local kernel=$1 vcpus=$2 mode=$3 cfg t0 start boot_args create_limit boot_limit
	failed=0
	start=$(now)
	if ! prepare_hib_disks; then
		report hib-disks FAIL 0 "cannot set up the loop devices"
		echo "LABR: $scen $attempt total FAIL 0"
		release_hib_disks
		return 1
	fi
	cfg=/tmp/$scen.cfg
	rm -f "$console_dir/guest-$scen.log"
	# hibboot: the image kernel boots without ARGS; they are for the
	# restoring boot only.
	boot_args=$extra
	[ "$mode" = hibboot ] && boot_args=""
	[ "$mode" = soak ] && boot_args="$boot_args lab_soak=1"
	[ "$mode" = bench ] && boot_args="$boot_args lab_bench=1"
	write_cfg "$cfg" "${kernel%%/*}" "$vcpus" "$boot_args${hib_disk:+ lab_hib=1 lab_tok=$data_tok}"
	# HVM: firmware and a device model in dom0 before the kernel runs;
	# under nested emulation that takes minutes
	# (Documentation/virt/xen/lab-notes.rst: ~4 min, 400 s for the
	# Debian-config kernel of make deb).
	create_limit=240
	boot_limit=300
	if is_hvm; then
		create_limit=300
		boot_limit=600
	fi
	say "scenario $scen attempt $attempt: $kernel kernel, $vcpus vCPU(s), $mode," \
	    "ABI $want_abi${extra:+, extra: $extra}"

	if timed_step create "$create_limit" xl create -q "$cfg"; then
		report_domid "$vcpus"
		t0=$(now)
		wait_until "$boot_limit" guest_ready_or_gone
		if log_has '^LAB: ready'; then
			report boot PASS "$(since "$t0")" "guest printed LAB: ready"
			check_evidence "$vcpus"
			run_mode "$vcpus" "$kernel"
		else
			report boot FAIL "$(since "$t0")" "no LAB: ready ($(domain_exists && echo running || echo domain gone))"
		fi
		check_clean_log
	fi
	report total "$([ $failed -eq 0 ] && echo PASS || echo FAIL)" "$(since "$start")" \
		"whole scenario, create to domain gone"
	guest_log | sed "s/^/LABC: $scen $attempt /"
	if domain_exists; then
		xl destroy "$scen" >/dev/null 2>&1
		say "$scen: destroyed a leftover domain"
	fi
	release_hib_disks
	return $failed
}

# PID 1 must never exit (dom0 would panic): the lab runs in a child, and
# whatever becomes of it, PID 1 reports and ends the machine.
if [ $$ -eq 1 ]; then
	/bin/bash "$0" child
	rc=$?
	if [ $rc -eq 0 ]; then
		end_machine ok
	else
		end_machine "failed (lab script exit status $rc)"
	fi
fi

setup_dom0
# The plan is read on fd 3 so that no command in the loop can eat it.
while read -r scen kernel vcpus mode want_abi extra <&3; do
	case $scen in '' | '#'*) continue ;; esac
	want_abi=${want_abi:-any}
	attempt=1
	if run_scenario "$kernel" "$vcpus" "$mode"; then
		echo "LABS: $scen PASS 1"
		continue
	fi
	if grep -qxF "$scen" /lab/noretry 2>/dev/null; then
		say "no-retry: $scen failed; a known gap (information only), not re-run"
		echo "LABS: $scen FAIL 1"
		continue
	fi
	say "flake-retry: $scen failed on attempt 1, running it once more"
	attempt=2
	if run_scenario "$kernel" "$vcpus" "$mode"; then
		echo "LABS: $scen PASS 2"
	else
		echo "LABS: $scen FAIL 2"
	fi
done 3< /lab/plan
exit 0

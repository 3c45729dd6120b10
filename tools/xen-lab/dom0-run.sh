#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The lab inside dom0. Runs as PID 1 (dom0-init.sh switches to it), starts
# the Xen toolstack daemons, then runs the scenarios of /lab/plan and ends
# the machine with a reboot, which QEMU (-no-reboot) turns into an exit.
# dom0 powering off would only halt Xen, hence the reboot.
#
# /lab/plan: one scenario a line, "ID KERNEL VCPUS MODE", where KERNEL names
# /lab/KERNEL.bzImage and MODE is "plain" or "saverestore".
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
	for m in xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd; do
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
	xl info | grep -E '^(xen_version|xen_extra|virt_caps|nr_cpus|free_memory|xen_commandline)' |
		sed 's/^/LABD: xl-info /'
}

report() {
	echo "LABR: $scen $attempt $1 $2 $3 ${4:-}"
	[ "$2" != FAIL ] || failed=1
}

# The host matches Xen's "(XEN) d<domid>v<n>: upcall vector" lines to this.
report_domid() {
	report domain INFO 0 "domid=$(xl domid "$scen" 2>/dev/null || echo none) vcpus=$1"
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

check_evidence() {
	local vcpus=$1 line

	line=$(guest_log | grep -m1 -o -E 'Using (FIFO-based|2-level) ABI')
	if [ -n "$line" ]; then
		report event-abi PASS 0 "$line"
	else
		report event-abi FAIL 0 "no 'xen:events: Using ... ABI' line"
	fi
	if log_has 'callback vector for event delivery is enabled'; then
		report callback-vector PASS 0 "HVM callback vector enabled"
	else
		report callback-vector FAIL 0 "no callback vector line"
	fi
	line=$(guest_log | grep -m1 '^LAB: cpus ')
	if grep -q "count=$vcpus\$" <<<"$line"; then
		report vcpus PASS 0 "${line#LAB: }"
	else
		report vcpus FAIL 0 "want $vcpus: ${line#LAB: }"
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

save_and_restore() {
	local file="$save_dir/$scen.chk" hb0 t0
	hb0=$(last_heartbeat)
	hb0=${hb0:-0}
	timed_step save 300 xl save "$scen" "$file" || return 1
	if domain_exists; then
		report saved-domain-gone FAIL 0 "domain still listed after xl save"
		return 1
	fi
	timed_step restore 300 xl restore "$file" || return 1
	report_domid "$1"
	rm -f "$file"
	t0=$(now)
	if wait_until 90 heartbeat_beyond $((hb0 + 2)); then
		report alive PASS "$(since "$t0")" "heartbeat $hb0 before save, $(last_heartbeat) after restore"
	else
		report alive FAIL "$(since "$t0")" "heartbeat $hb0 before save, ${hb0} -> $(last_heartbeat) after restore"
		return 1
	fi
}

shutdown_guest() {
	local t0
	timed_step shutdown 150 xl shutdown -w "$scen" || return 1
	if domain_exists; then
		report domain-gone FAIL 0 "still listed after xl shutdown"
		return 1
	fi
	t0=$(now)
	if log_has '^LAB: heartbeat stopped'; then
		report domain-gone PASS 0 "$(guest_log | grep -m1 '^LAB: heartbeat stopped' | sed 's/^LAB: //')"
	else
		report domain-gone PASS 0 "domain gone (no heartbeat-stopped line)"
	fi
}

run_scenario() {
	local kernel=$1 vcpus=$2 mode=$3 cfg t0
	failed=0
	cfg=/tmp/$scen.cfg
	rm -f "$console_dir/guest-$scen.log"
	sed -e "s|@NAME@|$scen|" -e "s|@KERNEL@|/lab/$kernel.bzImage|" \
		-e "s|@VCPUS@|$vcpus|" /lab/pvh-guest.cfg > "$cfg"
	say "scenario $scen attempt $attempt: $kernel kernel, $vcpus vCPU(s), $mode"

	if timed_step create 240 xl create -q "$cfg"; then
		report_domid "$vcpus"
		t0=$(now)
		wait_until 300 guest_ready_or_gone
		if log_has '^LAB: ready'; then
			report boot PASS "$(since "$t0")" "guest printed LAB: ready"
			check_evidence "$vcpus"
			if [ "$mode" = saverestore ]; then
				save_and_restore "$vcpus"
			fi
			domain_exists && shutdown_guest
		else
			report boot FAIL "$(since "$t0")" "no LAB: ready ($(domain_exists && echo running || echo domain gone))"
		fi
		check_clean_log
	fi
	guest_log | sed "s/^/LABC: $scen $attempt /"
	if domain_exists; then
		xl destroy "$scen" >/dev/null 2>&1
		say "$scen: destroyed a leftover domain"
	fi
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
while read -r scen kernel vcpus mode <&3; do
	case $scen in '' | '#'*) continue ;; esac
	attempt=1
	if run_scenario "$kernel" "$vcpus" "$mode"; then
		echo "LABS: $scen PASS 1"
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

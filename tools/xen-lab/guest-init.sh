#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test guest, under busybox init (see the inittab that
# xen-lab.sh writes next to it). Everything it prints starts with "LAB: " so
# that dom0 and the host can pick it out of the console log.
#
#   guest-init.sh boot       sysinit: mount, print the evidence, "LAB: ready"
#   guest-init.sh heartbeat  one counter line a second until init stops it;
#                            every 5 s also "LAB: live TIMERS IPIS" (after
#                            making some IPIs), so that dom0 can see events
#                            still arrive after xl save/restore
#   guest-init.sh down       shutdown action, runs when poweroff was requested
#   guest-init.sh hibernate  with lab_hib=1 on the command line: swap on
#                            /dev/xvdb, write a hibernation image; after the
#                            image comes back, check the disk still answers
#
# A shutdown request from Xen (`xl shutdown`) makes the kernel run
# /sbin/poweroff, which is busybox: it asks init to run the "down" action,
# stop every process and power the domain off.

say() {
	echo "LAB: $*"
}

# Sum the per-CPU counts of the xen-percpu interrupt lines whose text
# matches $1 (an awk regex): timer VIRQs or IPIs.
percpu_sum() {
	awk -v pat="$1" '
		/xen-percpu/ && $0 ~ pat {
			for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++)
				sum += $i
		}
		END { print sum + 0 }' /proc/interrupts
}

show_xen_irqs() {
	grep -E 'xen-percpu|xen-dyn|xen-pirq' /proc/interrupts | sed "s/^ */LAB: irq-$1 /"
}

# Short-lived processes on every CPU make the scheduler send wakeup and
# function-call IPIs, so the IPI counters have a reason to move.
make_some_ipis() {
	for _ in 1 2; do
		(
			n=0
			while [ $n -lt 30 ]; do
				/bin/true
				n=$((n + 1))
			done
		) &
	done
	wait
}

verdict() {
	if [ "$2" -gt "$1" ]; then echo rising; else echo flat; fi
}

boot() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	say "uname $(uname -a)"
	say "cpus online=$(cat /sys/devices/system/cpu/online)" \
	    "count=$(grep -c '^processor' /proc/cpuinfo)"
	dmesg | grep -i -E 'xen|evtchn|event' | head -n 60 | sed 's/^/LAB: dmesg /'

	show_xen_irqs t0
	timer0=$(percpu_sum 'timer[0-9]')
	ipi0=$(percpu_sum '-ipi|resched|callfunc')
	make_some_ipis
	sleep 1
	show_xen_irqs t1
	timer1=$(percpu_sum 'timer[0-9]')
	ipi1=$(percpu_sum '-ipi|resched|callfunc')
	say "counter timer $timer0 $timer1 $(verdict "$timer0" "$timer1")"
	say "counter ipi $ipi0 $ipi1 $(verdict "$ipi0" "$ipi1")"

	splats=$(dmesg | grep -c -E 'WARNING:|Stale IRR|BUG:|Oops|Call Trace')
	say "splats $splats"
	say "ready"
}

heartbeat() {
	n=0
	trap 'say "heartbeat stopped at $n"; exit 0' TERM INT
	while :; do
		n=$((n + 1))
		say "heartbeat $n"
		if [ $((n % 5)) -eq 0 ]; then
			make_some_ipis
			say "live $(percpu_sum 'timer[0-9]') $(percpu_sum '-ipi|resched|callfunc')"
		fi
		sleep 1
	done
}

down() {
	say "shutdown requested after $(cut -d' ' -f1 /proc/uptime) s uptime"
	show_xen_irqs end
}

# Hibernate to the swap disk the lab gives the guest (dom0 passes lab_hib=1;
# the restoring boot gets lab_hib=2 and resume=/dev/xvdb, so a fresh boot
# after a failed restore does not hibernate again).
hibernate() {
	grep -q -w 'lab_hib=1' /proc/cmdline || return 0
	if [ ! -b /dev/xvdb ]; then
		say "hibernate no /dev/xvdb"
		return 0
	fi
	if ! mkswap /dev/xvdb >/dev/null 2>&1 || ! swapon /dev/xvdb; then
		say "hibernate swapon failed"
		return 0
	fi
	sleep 6
	say "hibernate writing image"
	echo disk > /sys/power/state
	# shellcheck disable=SC2320 # the status of the write itself is wanted
	rc=$?
	if [ $rc -eq 0 ]; then
		say "hibernate resumed"
	else
		say "hibernate failed ($rc)"
	fi
	blockdev --flushbufs /dev/xvdb 2>/dev/null
	if timeout 20 dd if=/dev/xvdb of=/dev/null bs=4096 count=64 2>/dev/null; then
		say "disk after resume ok"
	else
		say "disk after resume failed"
	fi
	dmesg | grep -i -E 'PM:|xen|blkfront|evtchn|event|Freezing|Restarting' | tail -n 40 |
		sed 's/^/LAB: dmesg-resume /'
}

case "${1:-}" in
boot) boot ;;
hibernate) hibernate ;;
heartbeat) heartbeat ;;
down) down ;;
*) echo "usage: $0 boot|heartbeat|down|hibernate" >&2; exit 2 ;;
esac

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
#                            every 10 s (and once at boot, before "LAB:
#                            ready") also the event-channel bindings
#                            from debugfs ("LAB: debugfs LINE" for each
#                            line of xen/events/ports, then "LAB: debugfs
#                            end N"), or "LAB: debugfs none" on a kernel
#                            without that file (the stock kernel)
#   guest-init.sh down       shutdown action, runs when poweroff was requested
#   guest-init.sh hibernate  with lab_hib=1 on the command line: swap on
#                            /dev/xvdb, a pattern on the data disk /dev/xvdc,
#                            write a hibernation image; after the image comes
#                            back, check that the data disk still holds the
#                            pattern and takes a new one ("LAB: data-disk
#                            ok|failed ...") and that the swap disk answers
#   guest-init.sh soak       with lab_soak=1 on the command line: offer an
#                            event channel to dom0 ("LAB: pingpong port N")
#                            and answer its pings, again after every
#                            restore (a new domain: the old channel is gone)
#   guest-init.sh bench      with lab_bench=1 on the command line: answer
#                            dom0's pings like soak until they stop for
#                            10 s, then measure cross-CPU wake-ups
#                            (tools/xen-lab/ipi-rate.c, 20 s):
#                            "LAB: ipi-rate: ROUNDS round trips ..."
#   guest-init.sh pattern TOKEN GEN   the data disk's pattern, on stdout
#   guest-init.sh kind TOKEN FILE     which pattern FILE starts with
#                            (both also run in dom0, on the backing file)
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

ports_file=/sys/kernel/debug/xen/events/ports

# The bindings as our debugfs shows them, for dom0 to check after a
# restore (tools/xen-lab/dom0-run.sh, check_debugfs).
show_debugfs_ports() {
	if [ ! -r $ports_file ]; then
		say "debugfs none"
		return
	fi
	# One read, so that the block is one snapshot.
	lines=$(cat $ports_file)
	echo "$lines" | sed 's/^/LAB: debugfs /'
	say "debugfs end $(echo "$lines" | wc -l)"
}

# A kernel whose Xen drivers are modules (make deb) gets them in the
# initramfs, in load order (xen-lab.sh writes /modules.order).
load_modules() {
	[ -f /modules.order ] || return 0
	loaded=0
	failed=""
	while read -r m; do
		if insmod "/modules/$m" 2>/dev/null; then
			loaded=$((loaded + 1))
		else
			failed="$failed${failed:+,}$m"
		fi
	done < /modules.order
	say "modules loaded=$loaded failed=${failed:-none}"
}

# With the disk driver a module, the kernel looked for resume= before the
# disk existed; as a distribution's initramfs does, name the device once
# it appears. The write returns only when there is no image to restore.
resume_from_module_disk() {
	[ -f /modules.order ] || return 0
	dev=$(sed -n 's|.*resume=/dev/\([a-z0-9]*\).*|\1|p' /proc/cmdline)
	[ -n "$dev" ] || return 0
	n=0
	while [ ! -f "/sys/block/$dev/dev" ] && [ $n -lt 40 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	if [ ! -f "/sys/block/$dev/dev" ]; then
		say "resume device $dev did not appear"
		return 0
	fi
	say "resume from $dev ($(cat "/sys/block/$dev/dev"))"
	cat "/sys/block/$dev/dev" > /sys/power/resume
	say "resume found no image on $dev"
}

verdict() {
	if [ "$2" -gt "$1" ]; then echo rising; else echo flat; fi
}

boot() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	load_modules
	resume_from_module_disk
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

	show_debugfs_ports
	splats=$(dmesg | grep -c -E 'WARNING:|Stale IRR|BUG:|Oops|Call Trace')
	say "splats $splats"
	say "ready"
}

# xl vcpu-set gives a vCPU back by making the CPU present again; bringing
# it online is user space's job (udev's rule on other systems).
online_new_cpus() {
	for f in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -f "$f" ] && [ "$(cat "$f")" = 0 ] && echo 1 > "$f"
	done
}

heartbeat() {
	n=0
	soak=0
	grep -q 'lab_soak=1' /proc/cmdline && soak=1
	trap 'say "heartbeat stopped at $n"; exit 0' TERM INT
	while :; do
		n=$((n + 1))
		say "heartbeat $n"
		[ $soak = 1 ] && online_new_cpus 2>/dev/null
		if [ $((n % 5)) -eq 0 ]; then
			make_some_ipis
			say "live $(percpu_sum 'timer[0-9]') $(percpu_sum '-ipi|resched|callfunc')"
			say "online $(cat /sys/devices/system/cpu/online)"
		fi
		[ $((n % 10)) -eq 0 ] && show_debugfs_ports
		sleep 1
	done
}

# The soak scenario's far end: answer dom0's pings until they stop for
# 10 s (a restore ends the old channel), then offer a new channel.
soak() {
	grep -q 'lab_soak=1' /proc/cmdline || return 0
	while :; do
		/bin/evtchn-pingpong echo 0 10 || sleep 1
	done
}

# The bench scenario: one ping-pong with dom0, then the IPI rate. The offer
# stays open 60 s (3 x 20): a busy nested dom0 has been seen to take over
# 10 s to read it from the console; the IPI rate starts 20 s after the
# last ping.
bench() {
	grep -q 'lab_bench=1' /proc/cmdline || return 0
	/bin/evtchn-pingpong echo 0 20
	say "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	say "$(/bin/ipi-rate 20)"
	# Our per-CPU upcall figures after the run (none on the stock kernel).
	upcalls=/sys/kernel/debug/xen/events/upcalls
	[ -r $upcalls ] && sed 's/^/LAB: upcalls /' $upcalls
}

down() {
	say "shutdown requested after $(cut -d' ' -f1 /proc/uptime) s uptime"
	show_xen_irqs end
}

# The data disk of the hibernation scenarios (/dev/xvdc, never swap): a
# pattern of data_kib KiB at its start, made from the run's token (lab_tok=
# on the command line, chosen by dom0 for every attempt) and a generation
# (1 before hibernating, 2 after the restore), so that neither a stale disk
# nor the other generation passes for it.
data_dev=/dev/xvdc
data_kib=2048
data_pat=/tmp/lab-data.pat
data_rd=/tmp/lab-data.rd
# "STEP=RESULT" lines of the disk checks; a step's last line counts.
data_state=/tmp/lab-data.state
# Seconds the checks before and after hibernating may take: a few under
# emulation when the disk works.
data_limit_before=40
data_limit_after=45

# pattern TOKEN GEN: 4 KiB blocks that each name the token, the generation
# and their own number, so that a block read from the wrong place does not
# match either. Plain POSIX awk: dom0 runs this with mawk and must get the
# same bytes as busybox awk gives here.
pattern() {
	LC_ALL=C awk -v tok="$1" -v gen="$2" -v blocks=$((data_kib / 4)) 'BEGIN {
		pad = "." tok "." gen
		while (length(pad) < 4096)
			pad = pad pad
		for (b = 0; b < blocks; b++)
			printf "%s\n", substr(sprintf("lab-data tok=%s gen=%s block=%06d ", tok, gen, b) pad, 1, 4095)
	}'
}

# pattern_kind TOKEN FILE: gen1 or gen2 when FILE starts with the first
# block of that generation, else zeros or other.
pattern_kind() {
	first=$(dd if="$2" bs=64 count=1 2>/dev/null | tr -d '\0')
	case $first in
	"lab-data tok=$1 gen=1 "*) echo gen1 ;;
	"lab-data tok=$1 gen=2 "*) echo gen2 ;;
	"") echo zeros ;;
	*) echo other ;;
	esac
}

md5_of() {
	md5sum < "$1" | cut -d' ' -f1
}

# wait_pid PID SECONDS: wait for a background job, at most SECONDS. I/O to
# a disk whose backend never reconnects sleeps uninterruptibly, which
# neither timeout(1) nor kill can end: the caller gives up on such a job
# and leaves it behind.
wait_pid() {
	waited=0
	while kill -0 "$1" 2>/dev/null; do
		[ "$waited" -lt "$2" ] || return 1
		sleep 1
		waited=$((waited + 1))
	done
	wait "$1"
	return 0
}

# note STEP RESULT: the result of one step of the data disk checks. Each
# step first notes "timeout", which stays when it never finishes.
note() {
	echo "$1=$2" >> "$data_state"
}

state_of() {
	sed -n "s/^$1=//p" "$data_state" | tail -n 1 | grep . || echo -
}

# write_data STEP: $data_pat to the start of the data disk, O_DIRECT, then
# fsync (a cache flush of the virtual disk) and flushbufs.
write_data() {
	note "$1" timeout
	if dd if="$data_pat" of="$data_dev" bs=64k oflag=direct conv=notrunc,fsync 2>/dev/null &&
	   blockdev --flushbufs "$data_dev"; then
		note "$1" ok
	else
		note "$1" io-error
	fi
}

# read_back STEP MD5: the pattern's length read from the disk, not from the
# page cache (caches dropped, buffers flushed, O_DIRECT), compared with MD5;
# a mismatch is noted as what the disk holds instead (found-gen1, ...).
read_back() {
	note "$1" timeout
	echo 3 2>/dev/null > /proc/sys/vm/drop_caches
	blockdev --flushbufs "$data_dev" 2>/dev/null
	if ! dd if="$data_dev" of="$data_rd" bs=64k count=$((data_kib / 64)) iflag=direct 2>/dev/null; then
		note "$1" io-error
	elif [ "$(md5_of "$data_rd")" = "$2" ]; then
		note "$1" ok
	else
		note "$1" "found-$(pattern_kind "$data_tok" "$data_rd")"
	fi
	rm -f "$data_rd"
}

# The two jobs; they run in the background (see wait_pid).
data_job_before() {
	write_data write
	read_back read "$data_md5"
}

data_job_after() {
	read_back old-read "$data_md5"
	write_data new-write
	read_back new-read "$data_md5_new"
}

# Before hibernating: generation 1 on the data disk, read back. Keeps the
# token and the checksum in shell variables, which the image keeps too.
data_before() {
	data_tok=$(sed -n 's/.*lab_tok=\([0-9A-Za-z]*\).*/\1/p' /proc/cmdline)
	data_md5=""
	if [ -z "$data_tok" ] || [ ! -b "$data_dev" ]; then
		say "data-disk before failed (no ${data_tok:+$data_dev}${data_tok:-lab_tok= on the command line})"
		return
	fi
	pattern "$data_tok" 1 > "$data_pat"
	data_md5=$(md5_of "$data_pat")
	: > "$data_state"
	data_job_before &
	wait_pid $! "$data_limit_before"
	w=$(state_of write)
	r=$(state_of read)
	if [ "$w/$r" = ok/ok ]; then
		say "data-disk before ok write=ok read=ok tok=$data_tok md5=$data_md5"
	else
		say "data-disk before failed write=$w read=$r tok=$data_tok"
	fi
	# Out of the image: it only has to hold what the restore checks need.
	rm -f "$data_pat"
}

# After the restore: the old pattern read back from the disk, a new one
# written and read back. One verdict line; dom0 then checks that the new
# pattern reached the backing file.
data_after() {
	if [ -z "$data_md5" ]; then
		say "data-disk failed (no pattern written before hibernating)"
		return
	fi
	pattern "$data_tok" 2 > "$data_pat"
	data_md5_new=$(md5_of "$data_pat")
	: > "$data_state"
	data_job_after &
	late=""
	wait_pid $! "$data_limit_after" || late="(timeout ${data_limit_after} s) "
	r1=$(state_of old-read)
	w=$(state_of new-write)
	r2=$(state_of new-read)
	if [ -z "$late" ] && [ "$r1/$w/$r2" = ok/ok/ok ]; then
		say "data-disk ok old-read=ok new-write=ok new-read=ok md5=$data_md5_new"
	else
		say "data-disk failed ${late}old-read=$r1 new-write=$w new-read=$r2"
	fi
}

# The swap disk (the resume device) answers: 64 blocks, O_DIRECT. The
# result goes to a file, for a job in the background.
swap_probe() {
	blockdev --flushbufs /dev/xvdb 2>/dev/null
	if dd if=/dev/xvdb of=/dev/null bs=4096 count=64 iflag=direct 2>/dev/null; then
		echo ok > /tmp/lab-swap.state
	else
		echo failed > /tmp/lab-swap.state
	fi
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
	data_before
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
	# Both disks at once: when neither reconnects, the lab waits for
	# one timeout, not two.
	rm -f /tmp/lab-swap.state
	swap_probe &
	swap_pid=$!
	t0=$(cut -d. -f1 /proc/uptime)
	data_after
	# The probe had 20 s before; what the data checks took counts.
	if wait_pid "$swap_pid" $((20 - $(cut -d. -f1 /proc/uptime) + t0)); then
		say "disk after resume $(cat /tmp/lab-swap.state)"
	else
		say "disk after resume failed (timeout)"
	fi
	dmesg | grep -i -E 'PM:|xen|blkfront|evtchn|event|Freezing|Restarting' | tail -n 40 |
		sed 's/^/LAB: dmesg-resume /'
}

case "${1:-}" in
boot) boot ;;
hibernate) hibernate ;;
heartbeat) heartbeat ;;
soak) soak ;;
bench) bench ;;
down) down ;;
# For dom0's check of the data disk's backing file.
pattern) pattern "$2" "$3" ;;
kind) pattern_kind "$2" "$3" ;;
*) echo "usage: $0 boot|heartbeat|down|hibernate|soak|bench|pattern TOKEN GEN|kind TOKEN FILE" >&2; exit 2 ;;
esac

#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# /init of the small dom0 initramfs built by xen-lab.sh. Debian's own
# initramfs spends about 40 s in udev under emulation; this one only loads
# the modules listed in /modules.order (virtio-blk, ext4 and what they need),
# mounts the Debian root file system from the first virtio disk, unpacks the
# lab payload (a raw tar on the second virtio disk) into /lab and hands over
# to /lab/dom0-run.sh. Lines for the host start with "LABD: ".

/bin/busybox --install -s /bin

say() {
	echo "LABD: $*"
}

fail() {
	say "fatal: $*"
	sleep 2
	poweroff -f
}

wait_for_dev() {
	n=0
	while [ ! -b "$1" ] && [ $n -lt 60 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	[ -b "$1" ]
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say "initramfs up at $(cut -d' ' -f1 /proc/uptime) s"

while read -r mod; do
	insmod "/modules/$mod" || say "warning: insmod $mod failed"
done < /modules.order

wait_for_dev /dev/vda || fail "no /dev/vda (root disk)"
wait_for_dev /dev/vdb || fail "no /dev/vdb (lab payload)"
mkdir -p /newroot
mount -t ext4 -o rw /dev/vda /newroot || fail "cannot mount /dev/vda"
rm -rf /newroot/lab
mkdir -p /newroot/lab
tar -xf /dev/vdb -C /newroot/lab || fail "cannot unpack the payload from /dev/vdb"
[ -x /newroot/lab/dom0-run.sh ] || fail "payload has no dom0-run.sh"

mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/bash /lab/dom0-run.sh

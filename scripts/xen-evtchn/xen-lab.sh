#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot our kernel as a PVH guest on real Xen 4.17, nested in QEMU/TCG.
#
#   xen-lab.sh run     1-vCPU and 2-vCPU guests with our kernel (make run)
#   xen-lab.sh smoke   a 1-vCPU and a 2-vCPU guest, boot + shutdown (CI)
#   xen-lab.sh check   ours and the stock kernel side by side (make
#                      xen-check): 1 and 2 vCPUs, xl save/restore, 2-level
#                      forced by xen.fifo_events=0 and xen_fifo_events=0,
#                      three save/restore rounds, xl save -c, HVM guests
#                      (qemu-system-xen in dom0), hibernation with equal
#                      and different xen.fifo_events, with 1 and 2 vCPUs,
#                      each with a data disk whose content must survive
#   xen-lab.sh soak    ours and the stock kernel, 2 vCPUs each: timers,
#                      IPIs and an interdomain ping-pong with dom0 through
#                      /dev/xen/evtchn (tools/xen-lab/evtchn-pingpong.c)
#                      for 90 s with vCPU 1 unplugged and replugged in the
#                      middle, xl save/restore, 45 s more ping-pong, xl
#                      shutdown (make xen-soak; also part of check)
#   xen-lab.sh bench   ours and the stock kernel, 2 vCPUs each: a 60 s
#                      ping-pong with dom0 through /dev/xen/evtchn, then
#                      cross-CPU wake-ups (IPIs) in the guest for 20 s
#                      (tools/xen-lab/ipi-rate.c): round trips per second
#                      side by side (make xen-bench); LAB_BENCH_ROUNDS=N
#                      repeats it N times, the two kernels taking turns
#   xen-lab.sh deb     the Debian-config kernel of make deb (Xen drivers
#                      as modules, loaded from the guest's initramfs) as a
#                      PVH guest (boot, save/restore, hibernation with its
#                      disks), an HVM guest and a PV guest (1 vCPU; 2 with
#                      save/restore) (make xen-deb)
#   xen-lab.sh ourdom0 our kernel as dom0 instead of Debian's (a PV dom0
#                      built with kernel/configs/xen-evtchn-dom0.config):
#                      Xen routes the machine's interrupts to it as PIRQs,
#                      Debian's toolstack runs on it and it serves the
#                      guests' disks with blkback; ours and the stock guest
#                      kernel boot, save/restore, hibernate with their
#                      disks and shut down (make xen-dom0; also the second
#                      QEMU run of check, LAB_OURDOM0=0 leaves it out)
#   xen-lab.sh image   only build (or reuse) the cached host image
#   xen-lab.sh dom0    boot Xen and dom0 only, no guest (lab self-test)
#
# The pieces:
#   * host image, cached in $XEN_LAB_CACHE (default
#     ~/.cache/xen-evtchn/lab/host-<versions>): a debootstrap'ed Debian
#     bookworm with Xen and its tools, Xen itself (xen.gz unpacked), the dom0
#     kernel and an ext4 image of the root file system. The key holds the
#     Debian versions of xen-hypervisor-4.17-amd64, linux-image-amd64,
#     xen-utils-4.17 and qemu-system-xen, so a new version builds a new
#     image. Packages come
#     from bookworm main only (not bookworm-security): Xen 4.17.5, which
#     still has shadow paging; 4.17.7 from security would need HAP, which
#     the emulated CPU (qemu64,+svm,+npt) offers too.
#   * per run, in $BUILD/lab: a busybox initramfs for dom0 (dom0-init.sh),
#     the guest initramfs (busybox init + guest-init.sh) and a raw tar, the
#     second virtio disk, with the guest kernels, the xl template, the plan
#     and dom0-run.sh, which runs the scenarios inside dom0.
#   * QEMU runs Xen with -smp 1 and no network; dom0's console is the
#     serial line on QEMU's stdout. A byte goes to the serial line every 2 s
#     (without input the emulated machine was seen to stall for ~90 s).
#     Results come back as prefixed lines on that console (see
#     dom0-run.sh); everything is kept in $BUILD/lab.
#
# A scenario that fails is re-run once inside dom0, a QEMU run that does not
# finish (crash, stall, timeout) is re-run once. The summary shows every
# re-run; one that passes the second time is counted as a flake.
#
# Exit status: any failure of our kernel fails the run, except in the
# scenarios listed in ours_xfail (known gaps, each naming the work that
# closes it). The stock kernel's column fails it too, except in the
# scenarios listed in upstream_info below, where the stock kernel is known
# to behave differently: there its result is shown (marked "*") but is
# information only.
#
# Environment: BUILD, XEN_LAB_CACHE, LAB_MIRROR (Debian mirror),
# LAB_SKIP_BUILD=1 (use the bzImage already built), LAB_UPSTREAM=0 (check:
# no stock kernel column), LAB_SMOKE_VCPUS (smoke: vCPU counts, "1 2"),
# LAB_REBUILD_IMAGE=1 (build the cached host image again), LAB_HIBERNATE=0
# (check: leave out the hibernation scenarios), LAB_HVM=0 (check: leave out
# the HVM guest), LAB_PV=0 (check: leave out the PV guests), LAB_OURDOM0=0
# (check: leave out the second run, under our kernel as dom0), LAB_SOAK=0 (check: leave out the soak), LAB_CROSS=0
# (check: leave out the cross-kernel
# hibernation cells, ours-hibx and upstream-hibx),
# LAB_PLAN="ID KERNEL VCPUS MODE;..." (own scenario list, see dom0-run.sh),
# LAB_PRINT_PLAN=1 (print the scenarios and stop; they come from the
# table tools/xen-lab/scenarios, LAB_PLAN replaces them),
# LAB_DOM0_LIMIT (seconds allowed from QEMU start to dom0 ready, 420),
# LAB_IDLE_LIMIT (seconds without a new result line before QEMU is
# considered stuck and stopped, 660: longer than the longest step, the
# boot of an HVM guest with the Debian-config kernel, up to 600 s).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
labdir="$build/lab"
labsrc="$top/tools/xen-lab"
cache=${XEN_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/lab}
suite=bookworm
host_pkgs=(xen-hypervisor-4.17-amd64 linux-image-amd64 xen-utils-4.17 qemu-system-xen)
# qemu-system-xen: the device model of the HVM scenario (it pulls in seabios
# and ipxe-qemu, which hvmloader and QEMU load).
rootfs_pkgs="xen-hypervisor-4.17-amd64,xen-utils-4.17,qemu-system-xen,linux-image-amd64,kmod,procps,busybox-static"

xen_args="console=com1 com1=115200,8n1 serial_tx_buffer=256k loglvl=all"
xen_args+=" guest_loglvl=all dom0_mem=1024M,max:1024M dom0_max_vcpus=1"
dom0_args="console=hvc0 earlyprintk=xen loglevel=4"
dom0_ready_limit=${LAB_DOM0_LIMIT:-420}
idle_limit=${LAB_IDLE_LIMIT:-660}

# check: scenarios in which the stock kernel is known to differ, with the
# reason; its results there do not decide the exit status.
declare -A upstream_info=(
	[2lalt]="stock 6.12 has no xen_fifo_events= parameter (only xen.fifo_events=)"
	[soak]="known upstream bug: after xl restore, closing /dev/xen/evtchn hits BUG_ON in evtchn_release (irq_from_evtchn finds no binding for the old port)"
	[hibsame]="known upstream gap: no Xen handling of hibernation (1 vCPU resumes but its disks do not reconnect, 2 vCPUs were seen to panic)"
	[hibdiff]="known upstream bug: image on 2-level, boot kernel on FIFO"
	[hib2v]="known upstream gap: 2-vCPU hibernation restore on Xen PVH (seen to panic or hang when CPU1 comes back)"
	[hibrev]="known upstream bug: image on FIFO, boot kernel on 2-level"
	[hib2vdiff]="known upstream bug: image on 2-level, boot kernel on FIFO, and the 2-vCPU restore gap of hib2v"
	[hib2vrev]="known upstream bug: image on FIFO, boot kernel on 2-level, and the 2-vCPU restore gap of hib2v"
	[d0hib]="known upstream gap of hibsame, here under our dom0"
	[hvmhib]="known upstream gap of hibsame, here in an HVM guest"
)

# check: scenarios in which our kernel is known to fail until the named work
# lands. Shown as expected failures; they do not decide the exit status, and
# a pass there is reported so the entry can be removed.
declare -A ours_xfail=(
)

# check: cells where one kernel hibernates and the other restores it. The
# "ours" column is our image restored by the stock boot kernel, the
# "upstream" column the stock image restored by ours. Measured for the
# design note (Documentation/virt/xen/hibernation.rst); neither kernel can
# know the other's footprint on Xen, so the results decide nothing.
declare -A cross_info=(
	[hibx]="cross-kernel handover, information only: ours = our image restored by the stock boot kernel, upstream = the stock image restored by ours"
)

# Summary rows: "step|result|seconds|detail".
summary=()
total_failures=0
pass_rc=0
dom0_image=
flakes=0
reruns=0
last_serial=/dev/null

# shellcheck source=scripts/xen-evtchn/lib.sh
. "$top/scripts/xen-evtchn/lib.sh"
log() { echo "xen-lab: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

stage() {
	summary+=("$1|$2|$3|${4:-}")
}

usage() {
	sed -n '4,30p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# --- host tools -----------------------------------------------------------

ensure_tools() {
	xe_install_missing xen-lab qemu-system-x86 debootstrap e2fsprogs \
		busybox-static cpio gzip xz-utils kmod coreutils ||
		die "host tools missing"
}

# The Debian mirror: $LAB_MIRROR, else the first Debian URI of the host's
# own apt sources. The repository names no mirror of its own: with neither,
# the lab stops and says what to set.
detect_mirror() {
	local uri
	if [ -n "${LAB_MIRROR:-}" ]; then
		echo "$LAB_MIRROR"
		return
	fi
	uri=$( { sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null
		 sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\).*/\2/p' \
			/etc/apt/sources.list 2>/dev/null; } |
		tr ' ' '\n' | grep -E '^https?://.*/debian/?$' | head -n 1 || true)
	if [ -z "$uri" ]; then
		log "no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources"
		die "set LAB_MIRROR to a Debian mirror's URL (http://HOST/debian) and run again"
	fi
	echo "$uri"
}

# Version of $1 in the $suite/main index the host's apt knows about.
suite_version() {
	apt-cache madison "$1" 2>/dev/null |
		awk -F'|' -v s=" $suite/main " '$3 ~ s { gsub(/ /, "", $2); print $2; exit }'
}

host_key() {
	local p v key=""
	for p in "${host_pkgs[@]}"; do
		v=$(suite_version "$p")
		if [ -z "$v" ]; then
			apt-get update -q >&2 || true
			v=$(suite_version "$p")
		fi
		if [ -z "$v" ]; then
			log "warning: apt does not know $p in $suite/main; the image" \
			    "is cached as 'unversioned' (LAB_REBUILD_IMAGE=1 rebuilds it)"
			echo unversioned
			return
		fi
		key+="${key:+_}$v"
	done
	echo "$key" | tr -c 'A-Za-z0-9._\n-' '_'
}

# --- host image (cached) --------------------------------------------------

# The Debian versions an image was built from, short enough for a table.
host_versions() {
	grep -v '^busybox' "$1/versions.txt" |
		sed -e 's/-4\.17-amd64=/=/' -e 's/-4\.17=/=/' -e 's/-amd64=/=/' | tr '\n' ' '
}

build_host_image() {
	local key dir tmp t0 mirror
	key=$(host_key)
	dir="$cache/host-$key"
	host="$dir"
	if [ "${LAB_REBUILD_IMAGE:-0}" = 1 ]; then
		rm -f "$dir/complete"
		LAB_REBUILD_IMAGE=0
	fi
	if [ -f "$dir/complete" ]; then
		stage "host image (cached)" reused - "$(host_versions "$dir")"
		return
	fi
	[ "$(id -u)" -eq 0 ] || die "building the host image needs root (debootstrap)"
	mirror=$(detect_mirror) || exit 1
	tmp="$dir.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp" "$cache/debs"
	log "debootstrap $suite from $mirror into $tmp/rootfs (a few minutes)"
	t0=$SECONDS
	if ! timeout 3600 debootstrap --variant=minbase --cache-dir="$cache/debs" \
		--include="$rootfs_pkgs" "$suite" "$tmp/rootfs" "$mirror" \
		> "$tmp/debootstrap.log" 2>&1; then
		tail -n 30 "$tmp/debootstrap.log" >&2
		die "debootstrap failed (log: $tmp/debootstrap.log)"
	fi
	stage debootstrap PASS $((SECONDS - t0)) "$suite from $mirror"

	t0=$SECONDS
	# shellcheck disable=SC2016 # dpkg-query's own format, not ours
	chroot "$tmp/rootfs" dpkg-query -W -f='${Package}=${Version}\n' \
		"${host_pkgs[@]}" busybox-static > "$tmp/versions.txt"
	# Debian's own initramfs is not used: dom0 boots the busybox one.
	rm -f "$tmp"/rootfs/boot/initrd.img-*
	echo dom0 > "$tmp/rootfs/etc/hostname"
	zcat "$tmp/rootfs/boot/xen-4.17-amd64.gz" > "$tmp/xen"
	local kernels=("$tmp"/rootfs/boot/vmlinuz-*)
	cp "${kernels[0]}" "$tmp/vmlinuz"
	mkfs.ext4 -q -F -L dom0root -d "$tmp/rootfs" "$tmp/dom0.img" 3G >/dev/null
	rm -rf "$dir"
	mv "$tmp" "$dir"
	touch "$dir/complete"
	stage "host image (xen, dom0 ext4)" PASS $((SECONDS - t0)) "$(host_versions "$dir")"
}

# --- initramfs images -----------------------------------------------------

# Write a gzip'ed newc cpio of directory $1 to $2. Needs root for /dev/console.
pack_initramfs() {
	mkdir -p "$1/dev"
	[ -e "$1/dev/console" ] || mknod -m 600 "$1/dev/console" c 5 1
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) | gzip -6 > "$2"
}

# Copy a module, uncompressed (busybox insmod reads plain .ko only).
copy_module() {
	local src=$1 dst=$2
	case $src in
	*.xz) xz -dc "$src" > "$dst" ;;
	*.zst) command -v zstd >/dev/null || die "zstd needed for $src"
	       zstd -q -dc "$src" > "$dst" ;;
	*.gz) gzip -dc "$src" > "$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
}

# stage_modules ROOT KVER DIR MODULE...: the MODULEs of the kernel KVER
# installed under ROOT, with what they depend on, uncompressed into
# DIR/modules, their names in load order in DIR/modules.order.
stage_modules() {
	local root=$1 kver=$2 dir=$3 m path name
	shift 3
	mkdir -p "$dir/modules"
	: > "$dir/modules.order"
	for m in "$@"; do
		modprobe -d "$root" -S "$kver" --show-depends "$m" |
			awk '$1 == "insmod" { print $2 }' |
			while read -r path; do
				name=$(basename "$path")
				name=${name%.xz}; name=${name%.zst}; name=${name%.gz}
				grep -qxF "$name" "$dir/modules.order" && continue
				copy_module "$path" "$dir/modules/$name"
				echo "$name" >> "$dir/modules.order"
			done
	done
	[ -s "$dir/modules.order" ] || die "no module of $* found for $kver under $root"
}

# $1: "debian" (Debian's dom0 kernel: its virtio and ext4 modules go in)
# or "ours" (everything built in, no module).
build_dom0_initramfs() {
	local stage_dir="$labdir/dom0-initramfs" root="$host/rootfs"
	rm -rf "$stage_dir"
	mkdir -p "$stage_dir"/{bin,proc,sys,dev,newroot}
	cp "$root/bin/busybox" "$stage_dir/bin/busybox"
	install -m 755 "$labsrc/dom0-init.sh" "$stage_dir/init"
	if [ "${1:-debian}" = ours ]; then
		: > "$stage_dir/modules.order"
	else
		local kdirs=("$root"/lib/modules/*)
		stage_modules "$root" "$(basename "${kdirs[0]}")" "$stage_dir" virtio_pci virtio_blk ext4
	fi
	pack_initramfs "$stage_dir" "$labdir/dom0-initrd.gz"
}

# The ping-pong program, static, for dom0 and the guest; the IPI rate
# program for the guest.
build_pingpong() {
	gcc -static -O2 -Wall -o "$labdir/evtchn-pingpong" "$labsrc/evtchn-pingpong.c" ||
		die "cannot build evtchn-pingpong (gcc, libc6-dev)"
	gcc -static -O2 -Wall -pthread -o "$labdir/ipi-rate" "$labsrc/ipi-rate.c" ||
		die "cannot build ipi-rate (gcc, libc6-dev)"
}

build_guest_initramfs() {
	local stage_dir="$labdir/guest-initramfs" bb=/bin/busybox a
	[ -x "$bb" ] || die "no $bb (apt-get install busybox-static)"
	rm -rf "$stage_dir"
	mkdir -p "$stage_dir"/{bin,sbin,etc/lab,proc,sys,dev,tmp}
	cp "$bb" "$stage_dir/bin/busybox"
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$stage_dir/bin/$a"
	done
	for a in init poweroff reboot halt; do
		ln -sf ../bin/busybox "$stage_dir/sbin/$a"
	done
	ln -sf bin/busybox "$stage_dir/init"
	install -m 755 "$labsrc/guest-init.sh" "$stage_dir/etc/lab/guest-init.sh"
	install -m 755 "$labdir/evtchn-pingpong" "$stage_dir/bin/evtchn-pingpong"
	install -m 755 "$labdir/ipi-rate" "$stage_dir/bin/ipi-rate"
	cat > "$stage_dir/etc/inittab" <<-'EOF'
	::sysinit:/bin/sh /etc/lab/guest-init.sh boot
	::once:/bin/sh /etc/lab/guest-init.sh heartbeat
	::once:/bin/sh /etc/lab/guest-init.sh hibernate
	::once:/bin/sh /etc/lab/guest-init.sh soak
	::once:/bin/sh /etc/lab/guest-init.sh bench
	::shutdown:/bin/sh /etc/lab/guest-init.sh down
	EOF
	pack_initramfs "$stage_dir" "$labdir/guest-initrd.gz"
}

# --- kernels --------------------------------------------------------------

# Build (or reuse) a guest kernel; $1 is "ours" or "upstream".
guest_kernel() {
	local variant=$1 image t0 rc=0 args=()
	if [ "$variant" = upstream ]; then
		image="$build/kernel-upstream/arch/x86/boot/bzImage"
		args=(--upstream)
	else
		image="$build/kernel/arch/x86/boot/bzImage"
	fi
	if [ "${LAB_SKIP_BUILD:-0}" = 1 ] && [ -f "$image" ]; then
		stage "kernel $variant" reused - "$image"
	else
		t0=$SECONDS
		"$top/scripts/xen-evtchn/build-kernel.sh" "${args[@]}" > "$labdir/kernel-$variant.out" || rc=$?
		[ $rc -eq 0 ] || die "kernel build ($variant) failed"
		stage "kernel $variant build (incl. lock wait)" PASS $((SECONDS - t0)) "$image"
	fi
	cp "$image" "$labdir/payload/$variant.bzImage"
}

# The Debian-config kernel of make deb: built (or reused with
# LAB_SKIP_BUILD=1), unpacked from its linux-image package; its Xen drivers
# are modules, loaded by guest-init.sh from an initramfs of its own
# (/lab/deb-initrd.gz). Its guests get more memory (/lab/deb.memory): the
# kernel is several times the size of the lab's own.
deb_kernel() {
	local pkg root kver t0=$SECONDS rc=0
	pkg=$(xe_image_deb "$build/deb" || true)
	if [ "${LAB_SKIP_BUILD:-0}" = 1 ] && [ -n "$pkg" ]; then
		stage "kernel deb" reused - "$pkg"
	else
		"$top/scripts/xen-evtchn/make-deb.sh" > "$labdir/kernel-deb.out" || rc=$?
		[ $rc -eq 0 ] || die "make deb failed (see $labdir/kernel-deb.out)"
		pkg=$(tail -n 1 "$labdir/kernel-deb.out")
		stage "kernel deb build (incl. lock wait)" PASS $((SECONDS - t0)) "$pkg"
	fi
	root="$labdir/deb-root"
	rm -rf "$root" "$labdir/deb-initramfs"
	dpkg-deb -x "$pkg" "$root"
	local kdirs=("$root"/lib/modules/*)
	kver=$(basename "${kdirs[0]}")
	[ -f "$root/lib/modules/$kver/modules.dep" ] || depmod -b "$root" "$kver"
	cp "$root/boot/vmlinuz-$kver" "$labdir/payload/deb.bzImage"
	cp -a "$labdir/guest-initramfs" "$labdir/deb-initramfs"
	stage_modules "$root" "$kver" "$labdir/deb-initramfs" xen-blkfront xen-netfront \
		xen-scsifront xen-evtchn xen-gntdev xen-gntalloc xenfs
	pack_initramfs "$labdir/deb-initramfs" "$labdir/payload/deb-initrd.gz"
	echo 256 > "$labdir/payload/deb.memory"
	stage "kernel deb: $kver, $(wc -l < "$labdir/deb-initramfs/modules.order") modules" \
		PASS $((SECONDS - t0)) "$(tr '\n' ' ' < "$labdir/deb-initramfs/modules.order")"
}

# Our kernel as dom0 (build-kernel.sh --dom0), built or reused; sets
# dom0_image, the kernel Xen boots as dom0.
our_dom0_kernel() {
	local image="$build/kernel-dom0/arch/x86/boot/bzImage" t0=$SECONDS rc=0
	if [ "${LAB_SKIP_BUILD:-0}" = 1 ] && [ -f "$image" ]; then
		stage "kernel ours as dom0" reused - "$image"
	else
		"$top/scripts/xen-evtchn/build-kernel.sh" --dom0 > "$labdir/kernel-dom0.out" || rc=$?
		[ $rc -eq 0 ] || die "kernel build (ours as dom0) failed"
		stage "kernel ours as dom0 build (incl. lock wait)" PASS $((SECONDS - t0)) "$image"
	fi
	dom0_image=$image
}

# --- the QEMU run ---------------------------------------------------------

write_payload() {
	local line
	install -m 755 "$labsrc/dom0-run.sh" "$labdir/payload/dom0-run.sh"
	cp "$labsrc/pvh-guest.cfg" "$labsrc/hvm-guest.cfg" "$labsrc/pv-guest.cfg" "$labdir/guest-initrd.gz" \
		"$labdir/payload/"
	install -m 755 "$labsrc/blk-loop" "$labdir/payload/blk-loop"
	install -m 755 "$labdir/evtchn-pingpong" "$labdir/payload/evtchn-pingpong"
	# dom0 makes the data disk's expected pattern with the guest's code.
	install -m 755 "$labsrc/guest-init.sh" "$labdir/payload/guest-init.sh"
	printf '%s\n' "$@" > "$labdir/payload/plan"
	# Known gaps are information only: dom0 does not re-run them when they
	# fail (a re-run would only cost minutes, the result decides nothing).
	: > "$labdir/payload/noretry"
	for line in "$@"; do
		is_informational "${line%% *}" && echo "${line%% *}" >> "$labdir/payload/noretry"
	done
	tar -cf "$labdir/payload.tar" -C "$labdir/payload" .
}

# Lines for us from a serial log, whatever Xen printed in front of them.
lab_lines() {
	tr -d '\r' < "$1" | grep -a -o -E 'LAB[DRSC]: .*' || true
}

# Boot Xen once; returns 0 when dom0 reported "done". $1: serial log path.
run_qemu_once() {
	local serial=$1 limit=$2 t0 pid shown=0 total ready="" done_at="" last_news
	local qemu=(qemu-system-x86_64 -accel tcg -machine q35 -cpu "qemu64,+svm,+npt"
		-smp 1 -m 4096 -nodefaults -display none -no-reboot -net none
		-chardev "stdio,id=ser0,signal=off" -serial chardev:ser0
		-drive "file=$host/dom0.img,format=raw,if=virtio,snapshot=on"
		-drive "file=$labdir/payload.tar,format=raw,if=virtio,readonly=on"
		-kernel "$host/xen" -append "$xen_args"
		-initrd "$dom0_image $dom0_args,$labdir/dom0-initrd.gz")

	printf '%q ' "${qemu[@]}" > "$labdir/qemu-cmd.txt"
	t0=$SECONDS
	# The keepalive writer ends with SIGPIPE once QEMU is gone.
	( while sleep 2; do printf '\n'; done ) |
		timeout -k 10 "$limit" "${qemu[@]}" > "$serial" 2>&1 &
	pid=$!
	last_news=$SECONDS
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		lab_lines "$serial" | grep -v '^LABC: ' > "$labdir/progress.txt" || true
		total=$(wc -l < "$labdir/progress.txt")
		if [ "$total" -gt "$shown" ]; then
			sed -n "$((shown + 1)),${total}p" "$labdir/progress.txt" | sed 's/^/  /' >&2
			shown=$total
			last_news=$SECONDS
		fi
		# Every step in dom0 has its own timeout (at most 600 s), so a long
		# silence means the emulated machine itself is stuck.
		if [ $((SECONDS - last_news)) -gt "$idle_limit" ]; then
			log "no news from dom0 for $idle_limit s, stopping QEMU"
			kill "$pid" 2>/dev/null || true
			break
		fi
		if [ -z "$ready" ] && grep -q '^LABD: dom0-ready' "$labdir/progress.txt"; then
			ready=$((SECONDS - t0))
			stage "QEMU start -> dom0 ready" PASS "$ready"
		fi
		if [ -z "$ready" ] && [ $((SECONDS - t0)) -gt "$dom0_ready_limit" ]; then
			log "dom0 not ready after $dom0_ready_limit s, stopping QEMU"
			kill "$pid" 2>/dev/null || true
			break
		fi
		if grep -q '^LABD: done' "$labdir/progress.txt"; then
			done_at=${done_at:-$SECONDS}
			if [ $((SECONDS - done_at)) -gt 30 ]; then
				kill "$pid" 2>/dev/null || true
				break
			fi
		fi
	done
	wait "$pid" 2>/dev/null || true
	[ -n "$ready" ] || stage "QEMU start -> dom0 ready" FAIL $((SECONDS - t0)) "see $serial"
	stage "QEMU session" "$(grep -q '^LABD: done ok' "$labdir/progress.txt" && echo PASS || echo FAIL)" \
		$((SECONDS - t0)) "$serial"
	grep -q '^LABD: done ok' "$labdir/progress.txt"
}

run_lab() {
	local serial n limit=420 line
	for line in "$@"; do
		case $line in
		*" saverestore3"*) limit=$((limit + 2400)) ;;
		*" saverestore"* | *" pvsaverestore"* | *" checkpoint"* | *" hib"*) limit=$((limit + 1500)) ;;
		*" hvm"*) limit=$((limit + 1800)) ;;
		*) limit=$((limit + 800)) ;;
		esac
	done
	for n in 1 2; do
		serial="$labdir/serial-$n.log"
		last_serial=$serial
		if run_qemu_once "$serial" "$limit"; then
			if [ "$n" -eq 2 ]; then
				flakes=$((flakes + 1))
				stage "QEMU run finished when re-run" FLAKE - "counted as a flake"
			fi
			return 0
		fi
		if [ "$n" -eq 1 ]; then
			reruns=$((reruns + 1))
			log "the QEMU run did not finish (log: $serial); re-running it once"
			stage "QEMU run did not finish: re-run" RERUN - "$serial"
		else
			stage "QEMU run did not finish twice" FAIL - "$serial"
		fi
	done
	return 1
}

# lab_pass DOM0 PLAN...: one QEMU run of the scenarios PLAN with dom0 kernel
# DOM0 ("debian", the host image's, or "ours"), its results folded into the
# summary and into total_failures and pass_rc.
lab_pass() {
	local dom0=$1 reported
	shift
	dom0_image="$host/vmlinuz"
	[ "$dom0" = debian ] || our_dom0_kernel
	build_dom0_initramfs "$dom0"
	write_payload "$@"
	log "booting Xen in QEMU (TCG, 1 CPU), $dom0 kernel as dom0; serial log in $labdir"
	run_lab "$@" || pass_rc=1
	collect_results "$last_serial"
	reported=$(grep -c '^LABS: ' "$labdir/lab-lines.txt" || true)
	if [ "$reported" -ne $# ]; then
		log "only $reported of $# scenario(s) reported a result"
		pass_rc=1
	fi
	total_failures=$((total_failures + failures + upcall_failures))
}

# check: the second QEMU run, the guests of PLAN under our kernel as dom0,
# in $labdir/ourdom0 with the guest kernels of the first.
our_dom0_pass() {
	local parent=$labdir
	labdir="$parent/ourdom0"
	rm -rf "$labdir"
	mkdir -p "$labdir/payload"
	cp "$parent"/payload/*.bzImage "$labdir/payload/"
	cp "$parent/guest-initrd.gz" "$parent/evtchn-pingpong" "$labdir/"
	stage "second run: our kernel as dom0" info - "$labdir"
	lab_pass ours "$@"
	labdir=$parent
}

# --- results --------------------------------------------------------------

# Split guest consoles out of the serial log and fold dom0's results into
# the summary. Sets $failures.
collect_results() {
	local serial=$1 id attempt step result secs detail
	failures=0
	upcall_failures=0
	lab_lines "$serial" > "$labdir/lab-lines.txt"
	rm -f "$labdir"/guest-*.log
	while read -r _ id attempt line; do
		printf '%s\n' "$line" >> "$labdir/guest-$id-a$attempt.log"
	done < <(grep '^LABC: ' "$labdir/lab-lines.txt" || true)
	while read -r _ id attempt step result secs detail; do
		stage "$id#$attempt $step" "$result" "$secs" "$detail"
	done < <(grep '^LABR: ' "$labdir/lab-lines.txt" || true)
	check_upcall_vectors "$serial"
	while read -r _ id result attempt _; do
		if is_informational "$id"; then
			if [ "$result" != PASS ]; then
				stage "$id: known difference (information)" INFO - \
					"$(info_reason "$id")"
			elif [ "${id%%-*}" = ours ]; then
				stage "$id: expected failure passed" INFO - \
					"remove it from ours_xfail"
			fi
			continue
		fi
		if [ "$attempt" -gt 1 ]; then
			reruns=$((reruns + 1))
			if [ "$result" = PASS ]; then
				flakes=$((flakes + 1))
				stage "$id: failed, passed when re-run" FLAKE - "counted as a flake"
			else
				stage "$id: failed, failed again when re-run" FAIL - "not a flake"
			fi
		fi
		[ "$result" = PASS ] || failures=$((failures + 1))
	done < <(grep '^LABS: ' "$labdir/lab-lines.txt" || true)
	local xen caps kernel abi pirqs
	xen=$(sed -n 's/^LABD: xl-info xen_version *: *//p' "$labdir/lab-lines.txt" | head -n 1)
	caps=$(sed -n 's/^LABD: xl-info virt_caps *: *//p' "$labdir/lab-lines.txt" | head -n 1)
	stage "Xen in the lab (xl info)" info - "Xen ${xen:-?}, virt_caps: ${caps:-?}"
	kernel=$(sed -n 's/^LABD: dom0-kernel //p' "$labdir/lab-lines.txt" | head -n 1)
	abi=$(sed -n 's/^LABD: dom0-abi Using //p' "$labdir/lab-lines.txt" | head -n 1)
	pirqs=$(sed -n 's/^LABD: dom0-pirqs //p' "$labdir/lab-lines.txt" | head -n 1)
	stage "dom0 kernel, event ABI, PIRQs" info - \
		"${kernel:-?}; ${abi:-? ABI}; ${pirqs:-?} xen-pirq line(s) in /proc/interrupts"
}

# Scenario $1 (KERNEL-CFG) is one whose result is information only.
is_informational() {
	local cfg=${1#*-}
	[ -z "${cross_info[$cfg]+set}" ] || return 0
	case ${1%%-*} in
	upstream) [ -n "${upstream_info[$cfg]+set}" ] ;;
	ours) [ -n "${ours_xfail[$cfg]+set}" ] ;;
	*) return 1 ;;
	esac
}

# Why scenario $1's result is information only.
info_reason() {
	local cfg=${1#*-}
	if [ -n "${cross_info[$cfg]+set}" ]; then
		echo "${cross_info[$cfg]}"
	elif [ "${1%%-*}" = ours ]; then
		echo "${ours_xfail[$cfg]}"
	else
		echo "${upstream_info[$cfg]}"
	fi
}

# Xen logs "(XEN) d<domid>v<n>: upcall vector f3" when vCPU n of a domain
# registers its per-vCPU event vector. Every domain a scenario created or
# restored (its "domain" lines) must show one such line per vCPU.
check_upcall_vectors() {
	local serial=$1 id attempt detail domid vcpus seen want verdict
	declare -A got=() vcpus_of=() verdict_of=()
	while read -r _ id attempt _ _ _ detail; do
		domid=${detail#domid=}; domid=${domid%% *}
		vcpus=${detail##*vcpus=}
		vcpus=${vcpus%% *}
		[[ $domid =~ ^[0-9]+$ ]] || continue
		# A PV guest has no upcall vector.
		[[ $detail == *type=pv* ]] && continue
		seen=$(tr -d '\r' < "$serial" |
			grep -a -c -E "\(XEN\) d${domid}v[0-9]+: upcall vector" || true)
		got[$id#$attempt]+="${got[$id#$attempt]:+,}d$domid:$seen"
		vcpus_of[$id#$attempt]=$vcpus
		if [ "$seen" -lt "$vcpus" ]; then
			verdict_of[$id#$attempt]=FAIL
		else
			verdict_of[$id#$attempt]=${verdict_of[$id#$attempt]:-PASS}
		fi
	done < <(grep -E '^LABR: [^ ]+ [0-9]+ domain ' "$labdir/lab-lines.txt" || true)
	for id in $(printf '%s\n' "${!verdict_of[@]}" | sort); do
		want=${vcpus_of[$id]}
		verdict=${verdict_of[$id]}
		stage "$id upcall-vector" "$verdict" 0 \
			"Xen log lines per domain ${got[$id]} (want $want each)"
		echo "LABR: ${id%#*} ${id#*#} upcall-vector $verdict 0" >> "$labdir/lab-lines.txt"
		is_informational "${id%#*}" && continue
		[ "$verdict" = PASS ] || upcall_failures=$((upcall_failures + 1))
	done
}

print_summary() {
	local row step result secs detail
	printf '\n%-44s %-7s %8s  %s\n' step result seconds detail
	printf '%-44s %-7s %8s  %s\n' ---- ------ ------- ------
	for row in "${summary[@]}"; do
		IFS='|' read -r step result secs detail <<<"$row"
		printf '%-44s %-7s %8s  %s\n' "$step" "$result" "$secs" "${detail:0:110}"
	done
	echo "re-runs: $reruns; flakes (failed, then passed when re-run): $flakes"
}

# run and smoke: what booted, in a few lines per guest, read from its
# console and Xen's log: the kernel, the event ABI and delivery mode it
# chose, the vector Xen registered for each vCPU, the timer VIRQs and IPIs
# it took, its bindings as our debugfs shows them, and where the logs are.
print_overview() {
	local serial=$1 log id uname abi delivery domid vectors live bound
	echo
	echo "What booted (guest consoles: $labdir/guest-*.log; Xen, dom0 and"
	echo "every console: $serial):"
	for log in "$labdir"/guest-*.log; do
		[ -f "$log" ] || continue
		id=${log#"$labdir"/guest-}
		id=${id%.log}
		uname=$(sed -n 's/^LAB: uname Linux [^ ]* \([^ ]*\) .*/\1/p' "$log" | head -n 1)
		abi=$(sed -n 's/^LAB: dmesg .*Using \(.*\) ABI$/\1/p' "$log" | tail -n 1)
		delivery=$(sed -n 's/^LAB: dmesg .*callback vector for event delivery is enabled (\(.*\))$/\1/p' "$log" | tail -n 1)
		if [ -z "$delivery" ] && grep -q 'no Xen callback vector' "$log"; then
			delivery="platform PCI interrupt"
		fi
		grep -qE "^LABR: ${id%-a*} ${id##*-a} domain .*type=pv" "$labdir/lab-lines.txt" &&
			delivery="PV callback (no vector)"
		domid=$(awk -v id="${id%-a*}" -v a="${id##*-a}" '$1 == "LABR:" && $2 == id && $3 == a && $4 == "domain" {
				sub(/^domid=/, "", $7); d = $7 } END { print d }' "$labdir/lab-lines.txt")
		vectors=$(tr -d '\r' < "$serial" | grep -a -oE "\(XEN\) d${domid:-x}v[0-9]+: upcall vector [0-9a-f]+" |
			sed -E 's/.*d[0-9]+(v[0-9]+): upcall vector /\1=/' | sort -u | paste -sd' ' || true)
		live=$(sed -n 's/^LAB: live //p' "$log" | tail -n 1)
		# Before the first heartbeat count, the boot's own counters.
		[ -n "$live" ] || live="$(sed -n 's/^LAB: counter timer [0-9]* \([0-9]*\) .*/\1/p' "$log" | tail -n 1) $(sed -n 's/^LAB: counter ipi [0-9]* \([0-9]*\) .*/\1/p' "$log" | tail -n 1)"
		# "end N" counts the ABI and column header lines too.
		bound=$(sed -n 's/^LAB: debugfs end //p' "$log" | tail -n 1)
		[ -z "$bound" ] || bound=$((bound - 2))
		printf '  %s: kernel %s, %s ABI, delivery %s\n' "$id" "${uname:-?}" "${abi:-?}" "${delivery:-?}"
		printf '      domain %s, per-vCPU upcall vectors in Xen'"'"'s log: %s\n' "${domid:-?}" "${vectors:-none}"
		printf '      last count: %s timer VIRQs, %s IPIs; %s bindings in debugfs\n' \
			"${live%% *}" "${live##* }" "${bound:-no}"
	done
}

# check: one column per kernel, from the last attempt of each scenario, each
# cell a result and its evidence (ABI, counters before -> after, seconds).
# $1: the lab-lines file of the run, $2: what stands in the table's corner.
print_comparison() {
	local info="" cfg lines=${1:-$labdir/lab-lines.txt} corner=${2:-check}
	for cfg in "${!upstream_info[@]}"; do
		info+="$cfg=${upstream_info[$cfg]};"
	done
	for cfg in "${!cross_info[@]}"; do
		info+="$cfg=${cross_info[$cfg]};"
	done
	awk -v info="$info" -v corner="$corner" '
		BEGIN {
			m = split(info, parts, ";")
			for (i = 1; i <= m; i++)
				if (parts[i] != "") {
					split(parts[i], kv, "=")
					infocfg[kv[1]] = substr(parts[i], length(kv[1]) + 2)
				}
		}
		# The first of the data disk checks that did not pass.
		function disk_failure(   i) {
			for (i = 7; i <= NF; i++)
				if ($i ~ /^(old-read|new-write|new-read|backing-file)=/ && $i !~ /=ok$/)
					return $i
			return "?"
		}
		# Numbers in the detail fields, joined with "->".
		function numbers(   i, out) {
			out = ""
			for (i = 7; i <= NF; i++)
				if ($i ~ /^[0-9]+,?$/) {
					sub(/,$/, "", $i)
					out = out (out == "" ? "" : "->") $i
				}
			return out
		}
		$1 == "LABR:" && $4 != "domain" {
			split($2, p, "-"); kernel = p[1]; cfg = p[2]
			key = cfg " " $4
			if (kernel == "upstream") cfgs[cfg] = 1
			if (!(key in seen)) { seen[key] = 1; order[++n] = key }
			ev = ""
			if ($4 == "event-abi") ev = $8
			else if ($4 == "timer-virq" || $4 == "ipi") ev = $8 "->" $9
			else if ($4 == "vcpus") ev = $9
			else if ($4 == "cmdline") ev = ($7 == "accepted:") ? "known" : "unknown->init"
			else if ($4 == "disk-hib") ev = ($5 == "PASS") ? "kept+new" : disk_failure()
			else if ($4 == "resume") ev = ($7 == "image") ? "restored" : ($7 == "fresh") ? "fresh-boot" : ($7 == "domain") ? "died" : "none"
			else if ($4 ~ /^alive/) ev = "hb " numbers()
			else if ($4 ~ /^events/) ev = $8 "->" $10
			else if ($4 ~ /^debugfs/) ev = ($5 == "INFO") ? "none" : ($9 == "bindings") ? $10 " bound, " $12 " stale" : ""
			else if ($4 == "same-domain") ev = "d" $8
			else if ($4 == "domain-gone") ev = ($7 == "guest") ? "poweroff" : "gone"
			else if ($4 == "xen-pirq") ev = ($7 == "no") ? "none" : "present"
			else if ($4 == "dom0-blkback") ev = $7 "x " $10
			else if ($4 ~ /^pingpong/ && match($0, /[0-9]+ per s, [0-9]+ lost/)) {
				split(substr($0, RSTART, RLENGTH), q, " ")
				ev = q[1] "/s lost " q[4]
			}
			else if ($4 == "ipi-rate" && match($0, /[0-9]+ per s/)) {
				split(substr($0, RSTART, RLENGTH), q, " ")
				ev = q[1] "/s"
				if (match($0, /[0-9.]+ IPIs per round trip/)) {
					split(substr($0, RSTART, RLENGTH), q, " ")
					ev = ev " " q[1] " ipi/rt"
				}
				if (match($0, /[0-9.]+ upcalls per round trip/)) {
					split(substr($0, RSTART, RLENGTH), q, " ")
					ev = ev " " q[1] " hyp/rt"
				}
			}
			else if ($6 + 0 > 0) ev = $6 "s"
			mark = (kernel == "upstream" && (cfg in infocfg)) ? "*" : ""
			res[key, kernel] = $5 mark " " ev
		}
		END {
			printf "\n%-34s %-24s %-24s\n", corner, "ours", "upstream"
			for (i = 1; i <= n; i++) {
				k = order[i]
				o = ((k, "ours") in res) ? res[k, "ours"] : "-"
				u = ((k, "upstream") in res) ? res[k, "upstream"] : "-"
				printf "%-34s %-24s %-24s\n", k, o, u
			}
			for (c in infocfg)
				if (c in cfgs)
					printf "* %s: information only (%s)\n", c, infocfg[c]
		}' "$lines"
}

# --- main -----------------------------------------------------------------

# gate_open GATE: every switch of GATE (comma-separated names, or -) is
# unset or not 0.
gate_open() {
	local g
	[ "$1" = - ] && return 0
	for g in ${1//,/ }; do
		[ "${!g:-1}" != 0 ] || return 1
	done
}

# plan_lines TARGET KERNEL...: the scenarios of tools/xen-lab/scenarios
# for make TARGET, each "ID KERNEL VCPUS MODE [ABI [ARGS]]" as
# dom0-run.sh takes them, for the kernels given.
plan_lines() {
	local target=$1 rounds=1 round suffix v t gate id kernel vcpus smode abi args row
	local each=() fixed=()
	shift
	[ "$target" = bench ] && rounds=${LAB_BENCH_ROUNDS:-1}
	if [ "$target" = smoke ] && [ -n "${LAB_SMOKE_VCPUS:-}" ]; then
		for v in $LAB_SMOKE_VCPUS; do
			echo "ours-${v}v ours $v plain"
		done
		return 0
	fi
	# The target's lines, once: "ID REST" per kernel, or whole for a handover.
	while read -r t gate id kernel vcpus smode abi args; do
		[ "$t" = "$target" ] || continue
		gate_open "$gate" || continue
		[ "$abi" != - ] || abi=
		row="$vcpus $smode${abi:+ $abi}${args:+ $args}"
		if [ "$kernel" = each ]; then
			each+=("$id $row")
		else
			fixed+=("$id $kernel $row")
		fi
	done < <(grep -v '^#' "$top/tools/xen-lab/scenarios")
	for round in $(seq 1 "$rounds"); do
		suffix=$([ "$round" = 1 ] || echo "$round")
		for v in "$@"; do
			for row in ${each[@]+"${each[@]}"}; do
				echo "$v-${row%% *}$suffix $v ${row#* }"
			done
		done
	done
	[ ${#fixed[@]} -eq 0 ] || printf '%s\n' "${fixed[@]}"
}

main() {
	local mode=${1:-} plan=() kernels=(ours) rc=0 target v
	case $mode in
	run | smoke) target=$mode ;;
	check | soak | bench)
		target=$mode
		[ "${LAB_UPSTREAM:-1}" = 0 ] || kernels+=(upstream) ;;
	deb) target=deb; kernels=(deb) ;;
	ourdom0)
		target=ourdom0
		[ "${LAB_UPSTREAM:-1}" = 0 ] || kernels+=(upstream) ;;
	image | dom0) kernels=() ;;
	*) usage ;;
	esac
	[ -z "${target:-}" ] || mapfile -t plan < <(plan_lines "$target" "${kernels[@]}")
	if [ -n "${LAB_PLAN:-}" ]; then
		IFS=';' read -r -a plan <<<"$LAB_PLAN"
		kernels=(ours)
		grep -q upstream <<<"$LAB_PLAN" && kernels+=(upstream)
	fi
	if [ "${LAB_PRINT_PLAN:-0}" = 1 ]; then
		printf '%s\n' ${plan[@]+"${plan[@]}"}
		return 0
	fi

	ensure_tools
	mkdir -p "$labdir" "$cache"
	# One lab at a time on this machine: QEMU gets a core of its own.
	exec 8>"${XEN_LAB_LOCK:-/tmp/xen-evtchn-lab.lock}"
	if ! flock -n 8; then
		log "another xen-lab run is active; waiting for it"
		flock 8
	fi
	rm -rf "$labdir/payload" "$labdir"/serial-*.log
	mkdir -p "$labdir/payload"
	build_host_image
	log "host image: $host"
	[ "$mode" = image ] && { print_summary; return 0; }

	local t0=$SECONDS
	build_pingpong
	build_guest_initramfs
	stage "guest initramfs" PASS $((SECONDS - t0))
	for v in ${kernels[@]+"${kernels[@]}"}; do
		if [ "$v" = deb ]; then deb_kernel; else guest_kernel "$v"; fi
	done

	local dom0=debian dom0_plan=()
	[ "$mode" != ourdom0 ] || dom0=ours
	if [ "$mode" = check ] && [ "${LAB_OURDOM0:-1}" != 0 ] && [ -z "${LAB_PLAN:-}" ]; then
		mapfile -t dom0_plan < <(plan_lines ourdom0 "${kernels[@]}")
	fi
	lab_pass "$dom0" ${plan[@]+"${plan[@]}"}
	if [ ${#dom0_plan[@]} -gt 0 ]; then
		our_dom0_pass "${dom0_plan[@]}"
	fi

	# The report is also kept, for make results (results.sh).
	{
		print_summary
		case $mode in
		check | soak | bench | ourdom0)
			if [ "$dom0" = ours ]; then
				print_comparison "$labdir/lab-lines.txt" "guests on our dom0"
			else
				print_comparison "$labdir/lab-lines.txt" check
			fi
			[ ${#dom0_plan[@]} -eq 0 ] ||
				print_comparison "$labdir/ourdom0/lab-lines.txt" "guests on our dom0" ;;
		run | smoke | deb) print_overview "$last_serial" ;;
		esac
	} | tee "$labdir/report-$mode.txt"
	[ "$total_failures" -eq 0 ] || rc=1
	[ "$pass_rc" -eq 0 ] || rc=1
	local scenarios=$((${#plan[@]} + ${#dom0_plan[@]}))
	echo "xen-lab $mode: $([ $rc -eq 0 ] && echo PASS || echo FAIL)" \
	     "($scenarios scenario(s), $total_failures failed, $reruns re-run(s)," \
	     "$flakes flake(s)); logs in $labdir" | tee -a "$labdir/report-$mode.txt"
	xe_stamp "$top" "$labdir/stamp-$mode" "$SECONDS"
	return $rc
}

main "$@"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make lint: checkpatch --strict on every C/header/assembly file we carry,
# then sparse (C=2) and W=1 on drivers/xen/events/ and our arch/x86/xen
# files, in the KUnit build directory (configured by a previous
# `make check`), and shellcheck on every shell script we carry
# (scripts/, tools/, .ci/run; install-deps.sh installs it), and that every
# KUnit suite's name matches its file (below). Fails on any finding.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
tree=$("$top/scripts/xen-evtchn/prepare-tree.sh" | tail -n 1) || exit 1
rc=0

mapfile -t files < <(cd "$top" && git ls-files --cached --others --exclude-standard \
	-- '*.c' '*.h' '*.S' | grep -v '^build/')
# Xen's public headers name the xenbus states in CamelCase (XenbusStateClosed
# and so on), the kernel its page-flag helpers (__SetPageOffline); using
# those names is no style finding of ours.
abi_camelcase='CHECK:CAMELCASE: Avoid CamelCase: <(XenbusState[A-Za-z]*|__(Set|Clear)PageOffline)>$'
if [ ${#files[@]} -gt 0 ]; then
	findings=$(cd "$top" && perl "$tree/scripts/checkpatch.pl" --no-tree --strict --terse \
		--show-types -q -f "${files[@]}" | grep -v -E "$abi_camelcase" |
		grep -v -E '^total: 0 errors, 0 warnings, [0-9]+ checks')
	if [ -n "$findings" ]; then
		echo "$findings"
		rc=1
	fi
fi

mapfile -t scripts < <(cd "$top" && {
	git ls-files --cached --others --exclude-standard -- '*.sh' .ci/run
	git ls-files --cached --others --exclude-standard -- scripts tools |
		while read -r f; do
			head -n 1 "$f" 2>/dev/null | grep -qE '^#!.*(ba|da|busybox )?sh' && echo "$f"
		done
} | grep -v '^build/' | sort -u)
if ! command -v shellcheck >/dev/null; then
	echo "lint: shellcheck is not installed" >&2
	rc=1
elif [ ${#scripts[@]} -gt 0 ]; then
	# -x: follow the files our scripts source, named from the top directory.
	if ! (cd "$top" && shellcheck -x -f gcc "${scripts[@]}"); then
		rc=1
	else
		echo "lint: shellcheck clean (${#scripts[@]} scripts)"
	fi
fi

# A suite is found from its file: every KUnit suite's name contains the
# topic of the file that defines it (the file name without xen_evtchn_ or
# xen_model_ and _test.c), e.g. xen_evtchn_scenario_core_test.c defines
# xen_evtchn_scenario_core_*, xen_evtchn_walk_test.c xen_evtchn_abi_walk.
for f in "$top"/drivers/xen/events/tests/*_test.c "$top"/drivers/xen/events/tests/*selftest.c; do
	[ -f "$f" ] || continue
	topic=$(basename "$f" .c)
	topic=${topic%_test}
	topic=${topic#xen_evtchn_}
	topic=${topic#xen_model_}
	names=$(sed -nE -e 's/^[[:space:]]*\.name[[:space:]]*=[[:space:]]*"([a-z0-9_]+)".*/\1/p' \
			-e 's/^[A-Z_]+_SUITE\([a-z0-9_]+, "([a-z0-9_]+)".*/\1/p' "$f")
	if [ -z "$names" ]; then
		echo "lint: ${f#"$top"/}: no KUnit suite found" >&2
		rc=1
	fi
	for n in $names; do
		case $n in
		*"$topic"*) ;;
		*)
			echo "lint: ${f#"$top"/}: suite $n does not name the file's topic '$topic'" >&2
			rc=1
			;;
		esac
	done
done

if [ -f "$build/kunit/.config" ]; then
	export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-evtchn/ccache}
	exec 9>"${XEN_EVTCHN_BUILD_LOCK:-/tmp/xen-evtchn-build.lock}"
	flock 9
	out=$(make -s -C "$tree" O="$build/kunit" ARCH=x86_64 CC="ccache gcc" C=2 W=1 \
		-j"${JOBS:-$(nproc)}" drivers/xen/events/ \
		arch/x86/xen/enlighten_hvm.o arch/x86/xen/suspend_hvm.o 2>&1)
	if [ -n "$out" ]; then
		echo "$out"
		rc=1
	fi
else
	echo "lint: no configured build/kunit yet; run make check first for sparse/W=1" >&2
	rc=1
fi
[ $rc -eq 0 ] && echo "lint: clean"
exit $rc

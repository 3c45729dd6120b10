#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make results: rewrite Documentation/virt/xen/results.rst from the reports
# the last runs left in build/: make check (build/kunit/report.txt), make
# compare (build/compare/compare.txt), make bench (build/bench/bench.txt),
# make deb (build/deb/report.txt) and the real-Xen lab
# (build/lab/report-MODE.txt for run, smoke, check, soak, bench, deb and
# ourdom0). Each report is headed by when it ran, on which commit
# and for how long (the stamp file the run wrote beside it); a report
# without a stamp predates them and is left out. The part of the page
# below the line ".. kept by hand" is kept as it is.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
page=$top/Documentation/virt/xen/results.rst
marker='.. kept by hand'

# section TITLE COMMAND REPORT STAMP
section() {
	local title=$1 cmd=$2 report=$3 stamp=$4

	[ -s "$report" ] && [ -s "$stamp" ] || return 0
	printf '%s\n%s\n\n' "$title" "$(printf '%s' "$title" | tr -c '' '-')"
	# shellcheck disable=SC2016 # rst literal quotes, not shell
	printf '``%s``, %s\n\n::\n\n' "$cmd" "$(cat "$stamp")"
	sed -e 's/\r$//' -e 's/[[:space:]]*$//' -e 's/^./  &/' "$report"
	echo
	found=$((found + 1))
}

found=0
kept=""
[ -f "$page" ] && kept=$(sed -n "/^$marker\$/,\$p" "$page")
tmp=$(mktemp)
{
	cat <<'EOF'
.. SPDX-License-Identifier: GPL-2.0-only

=====================================
Xen event channels: measured results
=====================================

What the last runs printed, written by ``make results``
(``scripts/xen-evtchn/results.sh``) from the reports they left in
``build/``; each is headed by the date, the commit (``-dirty``: with local
changes) and how long the run took. Run the command again, then
``make results``, to bring a section up to date. The README says what each
command checks; Documentation/virt/xen/events.rst explains the design
behind the figures.

EOF
	section "make check" "make check" "$build/kunit/report.txt" "$build/kunit/stamp"
	section "make compare" "make compare" "$build/compare/compare.txt" "$build/compare/stamp"
	section "make bench" "make bench" "$build/bench/bench.txt" "$build/bench/stamp"
	section "make deb" "make deb" "$build/deb/report.txt" "$build/deb/stamp"
	for mode in run smoke check soak bench deb ourdom0; do
		target=$mode
		case $mode in
		check | soak | bench | deb) target=xen-$mode ;;
		ourdom0) target=xen-dom0 ;;
		esac
		section "make $target (real Xen)" "make $target" \
			"$build/lab/report-$mode.txt" "$build/lab/stamp-$mode"
	done
	if [ -n "$kept" ]; then
		echo "$kept"
	else
		printf '%s\n\nEarlier measurements, kept by hand.\n' "$marker"
	fi
} > "$tmp"
mv "$tmp" "$page"
echo "results: $found report(s) written to ${page#"$top"/}"

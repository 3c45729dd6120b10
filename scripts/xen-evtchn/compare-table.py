#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Table of make compare: per boot and suite, the case results on our
files and on upstream's, and every case whose result differs with its
reason (compare-reasons.txt).

usage: compare-table.py OUTDIR REASONS SIDE [SIDE]

OUTDIR/<side>/<boot>.txt are kunit.py's parsed outputs. Writes
OUTDIR/compare.csv (one row per boot and case) and OUTDIR/compare.txt (what
is printed). Exits 1 when a case fails on upstream's files and the reasons
file has no line for it, or when a case fails on ours.
"""
import csv
import os
import re
import sys

LINE = re.compile(r'^\[[0-9:]+\] (.*)$')
HEADER = re.compile(r'^=+ (\S+) \(\d+ subtests?\) =+$')
RESULT = re.compile(r'^(?:=+ )?\[(PASSED|FAILED|SKIPPED|CRASHED)\] (\S+)(?: =+)?$')
MESSAGE = re.compile(r'^\s*# (\S+): (.*)$')
# The kernel log lines that run-kunit.sh counts as a splat.
SPLAT = re.compile(r'WARNING:|BUG:|KASAN:|Kernel panic|Oops|general protection fault|'
                   r'possible circular locking|possible recursive locking|'
                   r'inconsistent lock state|suspicious RCU usage|rcu_sched detected stall|'
                   r'rcu: INFO:|hung_task|blocked for more than|UBSAN:|list_add corruption|'
                   r'list_del corruption|ODEBUG:|sleeping function called from invalid context|'
                   r'Stale IRR')


def splats(path):
    """The splat lines of one boot's kernel log (first of each kind)."""
    found = []
    if not os.path.exists(path):
        return found
    with open(path, errors='replace') as f:
        for line in f:
            if SPLAT.search(line):
                found.append(line.strip())
    return found


def parse(path):
    """{(suite, case): (status, first message)} of one kunit.py output."""
    results, messages = {}, {}
    suite = None
    complete = False
    with open(path, errors='replace') as f:
        for raw in f:
            m = LINE.match(raw.rstrip('\n'))
            if not m:
                continue
            text = m.group(1)
            if text.startswith('Testing complete'):
                complete = True
            h = HEADER.match(text)
            if h:
                if h.group(1).startswith('xen_'):
                    suite = h.group(1)
                continue
            r = RESULT.match(text)
            if r and suite:
                status, name = r.groups()
                if name == suite:
                    # A suite that crashed before reporting its cases.
                    if status in ('CRASHED', 'FAILED') and \
                       not any(k[0] == suite for k in results):
                        results[(suite, '(suite)')] = 'CRASHED'
                    suite = None
                    continue
                if not name.startswith('xen_'):
                    results[(suite, name)] = status
                continue
            mm = MESSAGE.match(text)
            if mm and 'EXPECTATION FAILED' in mm.group(2) or \
               mm and 'ASSERTION FAILED' in mm.group(2):
                messages.setdefault(mm.group(1), mm.group(2))
    out = {k: (v, messages.get(k[1], '')) for k, v in results.items()}
    return out, complete


def load_reasons(path):
    reasons = {}
    if not os.path.exists(path):
        return reasons
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            key, _, why = line.partition('|')
            reasons[key.strip()] = why.strip()
    return reasons


def reason(reasons, boot, name):
    """The recorded reason for @name: the line for this boot, else the general one."""
    return reasons.get(f'{boot}:{name}') or reasons.get(name)


def judge(side, why, on_ours, unexplained):
    """What to print for a failure on @side, and whether it fails the run:
    any failure on ours does, one on upstream only without a reason."""
    if side == 'ours':
        return on_ours, True
    if not why:
        return unexplained, True
    return why, False


def main():
    outdir, reasons_path, sides = sys.argv[1], sys.argv[2], sys.argv[3:]
    reasons = load_reasons(reasons_path)
    data, complete, splat_lines = {}, {}, {}
    boots = []
    for side in sides:
        d = os.path.join(outdir, side)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith('.txt'):
                continue
            boot = name[:-4]
            if boot not in boots:
                boots.append(boot)
            data[(side, boot)], complete[(side, boot)] = parse(os.path.join(d, name))
            found = splats(os.path.join(d, boot + '.log'))
            if found:
                splat_lines[(side, boot)] = found

    # Suites a side ran in any boot: one missing from all is not built there.
    built = {side: {k[0] for (sd, _), res in data.items() if sd == side for k in res}
             for side in sides}
    lines, rows, rc = [], [], 0
    head = '| boot | suite | ' + ' | '.join(f'{s}: pass/fail/skip' for s in sides) + ' |'
    lines.append(head)
    lines.append('|' + '---|' * (2 + len(sides)))
    diffs = []
    for boot in boots:
        keys = sorted(set().union(*(data.get((s, boot), {}).keys() for s in sides)))
        for suite in sorted({k[0] for k in keys}):
            cells = []
            for side in sides:
                res = data.get((side, boot), {})
                mine = [v[0] for k, v in res.items() if k[0] == suite]
                if not mine:
                    if suite not in built[side]:
                        cells.append('n/a')
                        continue
                    cells.append('no result')
                    name = f'{suite}.(suite)'
                    why, failed = judge(side, reason(reasons, boot, name), 'NO RESULT ON OURS',
                                        'no reason recorded (add one to compare-reasons.txt)')
                    rc |= failed
                    diffs.append(f'  {boot}: {name}: {side} no result -- {why}')
                    continue
                cells.append('%d/%d/%d' % (mine.count('PASSED'),
                                           mine.count('FAILED') + mine.count('CRASHED'),
                                           mine.count('SKIPPED')))
            lines.append(f'| {boot} | {suite} | ' + ' | '.join(cells) + ' |')
        for key in keys:
            status = []
            for side in sides:
                res = data.get((side, boot), {})
                status.append(res.get(key, ('n/a', ''))[0])
            rows.append([boot, key[0], key[1]] + status)
            for side, st in zip(sides, status):
                if st in ('FAILED', 'CRASHED'):
                    msg = data[(side, boot)][key][1]
                    name = f'{key[0]}.{key[1]}'
                    why, failed = judge(side, reason(reasons, boot, name),
                                        'FAILS ON OURS: ' + (msg or 'see the log'),
                                        'no reason recorded (add one to compare-reasons.txt): ' + msg)
                    rc |= failed
                    diffs.append(f'  {boot}: {name}: {side} {st} -- {why}')
    for side in sides:
        for boot in boots:
            if (side, boot) in complete and not complete[(side, boot)]:
                diffs.append(f'  {boot}: {side}: the boot did not complete (crash or timeout)')
                if side == 'ours':
                    rc = 1

    for (side, boot), found in sorted(splat_lines.items()):
        why = reason(reasons, boot, 'splat') or ''
        if side == 'ours':
            why = 'SPLAT ON OURS'
            rc = 1
        elif not why:
            why = 'no reason recorded'
        diffs.append(f'  {boot}: {side}: {len(found)} splat line(s), first: {found[0][:120]}'
                     + (f' -- {why}' if why else ''))

    lines.append('')
    lines.append('Failures and their reasons:' if diffs else 'No case fails on either side.')
    lines.extend(diffs)
    text = '\n'.join(lines)
    print(text)
    with open(os.path.join(outdir, 'compare.txt'), 'w') as f:
        f.write(text + '\n')
    with open(os.path.join(outdir, 'compare.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['boot', 'suite', 'case'] + sides)
        w.writerows(rows)
    return rc


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Table of make bench: ours, upstream and the ratio for every figure the
benchmark suite printed, and how far the runs of one kernel differ.

usage: bench-table.py OUTDIR SIDE [SIDE]

Reads OUTDIR/<side>/<boot>-<run>.log (kernel logs with "bench:" lines),
writes OUTDIR/bench.csv, OUTDIR/bench.txt and, when gnuplot is installed,
OUTDIR/deliver-vs-ports.png. Exits 1 when a figure is missing on a side
that ran, or when two runs of one kernel differ by more than 1%.
"""
import csv
import os
import re
import shutil
import subprocess
import sys

FIGURE = re.compile(r'bench: (\S+) (fifo|2l) (\d+) (\d+) (\S+)')
AGREE = 0.01


def load(outdir, side):
    """{(metric, abi, param): {run: value}}, {metric: unit}"""
    figs, units = {}, {}
    d = os.path.join(outdir, side)
    if not os.path.isdir(d):
        return figs, units
    for name in sorted(os.listdir(d)):
        m = re.match(r'^(.+)-(\d+)\.log$', name)
        if not m:
            continue
        run = int(m.group(2))
        with open(os.path.join(d, name), errors='replace') as f:
            for line in f:
                fm = FIGURE.search(line)
                if not fm:
                    continue
                metric, abi, param, value, unit = fm.groups()
                figs.setdefault((metric, abi, int(param)), {})[run] = int(value)
                units[metric] = unit
    return figs, units


def spread(runs):
    vals = list(runs.values())
    if len(vals) < 2 or max(vals) == 0:
        return 0.0
    return (max(vals) - min(vals)) / max(vals)


def median(runs):
    vals = sorted(runs.values())
    return vals[len(vals) // 2]


def plot(outdir, rows, sides):
    if not shutil.which('gnuplot'):
        return 'gnuplot not installed: no plot'
    series = []
    for side in sides:
        for abi in ('fifo', '2l'):
            pts = [(r['param'], r[side]) for r in rows
                   if r['metric'] == 'deliver-hot' and r['abi'] == abi and r.get(side)]
            if not pts:
                continue
            path = os.path.join(outdir, f'deliver-{side}-{abi}.dat')
            with open(path, 'w') as f:
                for x, y in sorted(pts):
                    f.write(f'{x} {y}\n')
            series.append(f"'{path}' using 1:2 with linespoints title '{side} {abi}'")
    if not series:
        return 'no deliver-hot figures: no plot'
    png = os.path.join(outdir, 'deliver-vs-ports.png')
    script = '\n'.join([
        'set terminal png size 800,500',
        f"set output '{png}'",
        'set logscale x',
        "set xlabel 'bound ports'",
        "set ylabel 'guest instructions per delivered event'",
        "set title 'One hot port: cost per event against bound ports (-icount)'",
        'set key top left',
        'set yrange [0:*]',
        'plot ' + ', '.join(series),
    ])
    subprocess.run(['gnuplot'], input=script, text=True, check=False)
    return f'plot: {png}'


def main():
    outdir, sides = sys.argv[1], sys.argv[2:]
    data, units = {}, {}
    for side in sides:
        data[side], u = load(outdir, side)
        units.update(u)
    keys = sorted(set().union(*(d.keys() for d in data.values())),
                  key=lambda k: (k[0], k[1], k[2]))
    rc = 0
    rows, lines = [], []
    hdr = '| metric | ABI | ports/param | ' + ' | '.join(sides)
    if len(sides) == 2:
        hdr += f' | {sides[0]}/{sides[1]}'
    lines.append(hdr + ' | unit |')
    lines.append('|' + '---|' * (5 + (len(sides) == 2) + len(sides) - 1))
    worst = {s: 0.0 for s in sides}
    for key in keys:
        metric, abi, param = key
        row = {'metric': metric, 'abi': abi, 'param': param}
        cells = []
        for side in sides:
            runs = data[side].get(key)
            if not runs:
                cells.append('-')
                continue
            row[side] = median(runs)
            worst[side] = max(worst[side], spread(runs))
            cells.append(str(row[side]))
        ratio = ''
        if len(sides) == 2 and row.get(sides[0]) and row.get(sides[1]):
            row['ratio'] = row[sides[0]] / row[sides[1]]
            ratio = f' | {row["ratio"]:.2f}'
        elif len(sides) == 2:
            ratio = ' | -'
        rows.append(row)
        lines.append(f'| {metric} | {abi} | {param} | ' + ' | '.join(cells) + ratio +
                     f' | {units.get(metric, "")} |')
    for side in sides:
        if not data[side]:
            lines.append(f'{side}: no figures (see {outdir}/{side}/)')
            rc = 1
            continue
        ok = worst[side] <= AGREE
        lines.append(f'{side}: runs agree within {worst[side] * 100:.2f}%' +
                     ('' if ok else f' (more than {AGREE * 100:.0f}%)'))
        if not ok:
            rc = 1
    lines.append(plot(outdir, rows, sides))
    text = '\n'.join(lines)
    print(text)
    with open(os.path.join(outdir, 'bench.txt'), 'w') as f:
        f.write(text + '\n')
    with open(os.path.join(outdir, 'bench.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['metric', 'abi', 'param', 'unit'] + sides + ['ratio'])
        for r in rows:
            w.writerow([r['metric'], r['abi'], r['param'], units.get(r['metric'], '')] +
                       [r.get(s, '') for s in sides] +
                       [f'{r["ratio"]:.4f}' if 'ratio' in r else ''])
    return rc


if __name__ == '__main__':
    sys.exit(main())

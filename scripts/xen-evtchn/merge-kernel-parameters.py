#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Merge our kernel parameter entries into a tree's kernel-parameters.txt.

Usage: merge-kernel-parameters.py KERNEL_PARAMETERS_TXT ENTRIES_TXT [-o OUT]

Both files use the layout of Documentation/admin-guide/kernel-parameters.txt:
an entry starts with a line holding exactly one tab and then a non-blank
character (the parameter's name, e.g. "\txen.fifo_events=\t[XEN]"), and runs
until the next such line; its description lines are indented further.

Every entry of ENTRIES_TXT replaces the tree's entries of the same name (a
start line matching "^\t<name>[=\\s]"); the blank lines that separated the
old entry from the next one are kept. An entry the tree lacks is inserted
before the first tree entry whose name sorts after it (case-insensitively,
non-alphanumerics ignored), or appended at the end.

The result goes to OUT (default: KERNEL_PARAMETERS_TXT itself), which is
written only when its content changes, so a second run changes nothing.
When it writes, one summary line is printed on stdout.
"""

import argparse
import re
import sys

ENTRY_START = re.compile(r'^\t[^\s]')
ENTRY_NAME = re.compile(r'^\t([^=\s]+)')


def split_entries(lines):
    """Split lines into (preamble, [(name, [entry lines]), ...])."""
    starts = [i for i, line in enumerate(lines) if ENTRY_START.match(line)]
    if not starts:
        return lines, []
    entries = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        name = ENTRY_NAME.match(lines[start]).group(1)
        entries.append((name, lines[start:end]))
    return lines[:starts[0]], entries


def strip_blank_tail(block):
    """Return (block without trailing blank lines, those blank lines)."""
    end = len(block)
    while end > 0 and not block[end - 1].strip():
        end -= 1
    return block[:end], block[end:]


def sort_key(name):
    return re.sub(r'[^a-z0-9]', '', name.lower())


def names_entry(line, name):
    return re.match(r'\t' + re.escape(name) + r'(?:[=\s]|$)', line) is not None


def merge(tree_lines, our_lines):
    """Return (merged lines, replaced count, inserted count)."""
    preamble, tree = split_entries(tree_lines)
    _, ours = split_entries(our_lines)
    replaced = inserted = 0

    for name, block in ours:
        body, _ = strip_blank_tail(block)
        body = [line if line.endswith('\n') else line + '\n' for line in body]
        hits = [i for i, (_, old) in enumerate(tree) if names_entry(old[0], name)]
        for i in hits:
            _, sep = strip_blank_tail(tree[i][1])
            new = body
            if i == len(tree) - 1 and not sep and not tree_lines[-1].endswith('\n'):
                # The file's last entry had no final newline: keep it so.
                new = body[:-1] + [body[-1].rstrip('\n')]
            tree[i] = (tree[i][0], new + sep)
            replaced += 1
        if hits:
            continue

        key = sort_key(name)
        at = next((i for i, (other, _) in enumerate(tree)
                   if sort_key(other) > key), None)
        if at is not None:
            tree.insert(at, (name, body + ['\n']))
        else:
            if tree:
                last_name, last = tree[-1]
                if not last[-1].endswith('\n'):
                    last = last[:-1] + [last[-1] + '\n']
                if last[-1].strip():
                    last = last + ['\n']
                tree[-1] = (last_name, last)
            tree.append((name, body))
        inserted += 1

    merged = list(preamble)
    for _, block in tree:
        merged.extend(block)
    return merged, replaced, inserted


def read_lines(path):
    with open(path, encoding='utf-8') as f:
        return f.readlines()


def main():
    parser = argparse.ArgumentParser(
        description='Merge kernel parameter entries into kernel-parameters.txt.')
    parser.add_argument('kernel_parameters', help="the tree's kernel-parameters.txt")
    parser.add_argument('entries', help='our entries, in the same format')
    parser.add_argument('-o', '--output',
                        help='write here instead of KERNEL_PARAMETERS_TXT')
    args = parser.parse_args()

    tree_lines = read_lines(args.kernel_parameters)
    our_lines = read_lines(args.entries)
    if not split_entries(our_lines)[1]:
        sys.exit(f'{args.entries}: no entries found')

    merged, replaced, inserted = merge(tree_lines, our_lines)
    text = ''.join(merged)

    out = args.output or args.kernel_parameters
    try:
        with open(out, encoding='utf-8') as f:
            current = f.read()
    except FileNotFoundError:
        current = None
    if text == current:
        return
    with open(out, 'w', encoding='utf-8') as f:
        f.write(text)
    print(f'{out}: {replaced} entries replaced, {inserted} inserted')


if __name__ == '__main__':
    main()

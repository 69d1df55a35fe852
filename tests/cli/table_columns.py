#!/usr/bin/env python3
"""Checks that the text tables the CLI prints line up in a terminal: measured in display columns
(East Asian Width, Python's unicodedata, independently of the engine's utf8proc), not bytes or
code points. A CJK character takes two columns, a combining mark none.

    table_columns.py UNDERTAKE_CLI SCENARIO.json WORK_DIR
    table_columns.py --self-test

Runs `undertake demo` (its funnel, reasons, deadlines, risk, KPI and department tables, whose KPI
and department labels are Chinese) and `undertake kpi` with a kpi.json whose department ids are
Chinese, and checks every table: in each column, the cells of every row start at one column
(left-aligned) or end at one column (right-aligned), and columns do not overlap.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata


def columns(text):
    """Display columns of `text` in a terminal."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def cells(line):
    """(start, end, text) of each cell: cells are separated by two or more spaces."""
    out = []
    pos = 0  # index into line
    col = 0  # display column
    for m in re.finditer(r"\S+(?: \S+)*", line):
        col += columns(line[pos:m.start()])
        width = columns(m.group(0))
        out.append((col, col + width, m.group(0)))
        col += width
        pos = m.end()
    return out


def tables(text):
    """Each table as [header line, row lines...]: a header is the line above a line of dashes,
    rows follow until a blank line or a line indented differently from the header."""
    lines = text.split("\n")
    found = []
    for i, line in enumerate(lines):
        if re.fullmatch(r" *-{3,}", line) and i > 0:
            head = lines[i - 1]
            indent = len(head) - len(head.lstrip(" "))
            rows = []
            for row in lines[i + 1:]:
                if not row.strip() or len(row) - len(row.lstrip(" ")) != indent:
                    break
                rows.append(row)
            found.append([head] + rows)
    return found


def problems(table):
    """What is misaligned in one table (empty when it lines up). Each column is anchored by its
    full rows (rows with a cell in every column): their cells all start at one display column
    (left-aligned) or all end at one (right-aligned). Every cell of every row, also of rows with
    empty cells, must then sit on the anchor of a column, columns in order."""
    head = cells(table[0])
    rows = [cells(line) for line in table[1:]]
    full = [row for row in rows if len(row) == len(head)]
    if not full:
        return ["no row has a cell in each of the %d columns" % len(head)]
    anchors = []  # per column (start, end): the shared start and/or end column, else None
    out = []
    for c in range(len(head)):
        starts = {row[c][0] for row in full}
        ends = {row[c][1] for row in full}
        anchors.append((starts.pop() if len(starts) == 1 else None,
                        ends.pop() if len(ends) == 1 else None))
        if anchors[-1] == (None, None):
            out.append("column %d (%s): cells start at columns %s and end at %s" % (
                c, head[c][2], sorted(starts), sorted(ends)))
    if out:
        return out
    for r, row in enumerate(rows, 1):
        c = 0
        for start, end, text in row:
            while c < len(anchors) and start != anchors[c][0] and end != anchors[c][1]:
                c += 1
            if c == len(anchors):
                out.append("row %d: %r is on no column's edge (%s)" % (r, text, anchors))
                break
            c += 1
    for c in range(1, len(anchors)):
        left = max(row[c - 1][1] for row in full)
        right = min(row[c][0] for row in full)
        if right < left + 2:
            out.append("columns %d and %d overlap" % (c - 1, c))
    return out


def check(name, text, want_cjk):
    found = tables(text)
    if not found:
        print("FAIL %s: no table in the output" % name)
        return 1
    failed = 0
    for t in found:
        for p in problems(t):
            print("FAIL %s: table %r: %s" % (name, t[0].strip(), p))
            failed += 1
    wide = sum(1 for t in found for line in t if columns(line) != len(line))
    if want_cjk and not wide:
        print("FAIL %s: no row with wide characters: the check proves nothing" % name)
        failed += 1
    print("%s: %d tables, %d rows with wide characters, %d problems" % (
        name, len(found), wide, failed))
    return failed


def run(args):
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        sys.exit("%s failed (%d): %s" % (" ".join(args), done.returncode, done.stderr.decode()))
    return done.stdout.decode("utf-8")


def self_test():
    aligned = ["  KPI       value", "  --------  -----", "  銷售額       12", "  sales.x      3"]
    assert not problems([aligned[0]] + aligned[2:]), problems([aligned[0]] + aligned[2:])
    gap = ["  KPI       value  note", "  銷售額       12  x", "  sales.x          y"]
    assert not problems(gap), problems(gap)  # an empty cell is fine
    assert problems(gap[:2] + ["  sales.x            y"]), "a cell off every column passed"
    # Padded by code points: the CJK row's next cell starts 3 columns too far right.
    shifted = ["  KPI       value", "  銷售額          12", "  sales.x      3"]
    assert problems(shifted), "a misaligned table passed"
    assert columns("銷售 e\u0301😀") == 4 + 1 + 1 + 2
    assert tables("T\n a  b\n ----\n x  y\n\nnext") == [[" a  b", " x  y"]]
    print("self-test passed")
    return 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    cli, scenario, work = argv
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failed = check("undertake demo",
                   run([cli, "demo", "--orders", "40", "--out", os.path.join(work, "demo")]), True)

    with open(os.path.join(os.path.dirname(__file__), "..", "..", "rules", "default",
                           "kpi.json"), encoding="utf-8") as f:
        kpi = json.load(f)
    del kpi["$schema"]
    names = {"sales": "銷售部門", "technical": "技術部", "production": "生產", "quality": "質量部門"}
    for d in kpi["departments"]:
        d["id"] = names[d["id"]]
    policy = os.path.join(work, "kpi-zh")
    os.makedirs(policy)
    with open(os.path.join(policy, "kpi.json"), "w", encoding="utf-8") as f:
        json.dump(kpi, f, ensure_ascii=False)
    failed += check("undertake kpi", run([cli, "kpi", "--from", "2026-01-01", "--to", "2026-12-31",
                                          "--policy", policy, scenario]), True)
    print("%d passed, %d failed" % (0 if failed else 2, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

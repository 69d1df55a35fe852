#!/usr/bin/env python3
"""The layering of docs/architecture.md, enforced: a file may include only from its own layer or a
layer below it.

    tests/architecture/layering.py [SOURCE_DIR]      check the tree (exit 1 on a violation)
    tests/architecture/layering.py --self-test        the checker catches what it must

Every folder of src/ and every public header of include/undertake/ has a layer in the tables
below; a file in a folder or a header that is not in them is itself an error (a new folder must
say where it stands). Only project includes ("..."), not system ones (<...>), are read.
"""
import os
import re
import sys

# Bottom to top (docs/architecture.md).
LAYERS = ["common", "rule language", "policy", "case", "engine", "store", "C API", "host"]

FOLDERS = {
    "common": "common",          # value types and utilities: errors, limits, time, JSON text
    "integrity": "common",       # canonical JSON, SHA-256 / HMAC seals of ledger entries
    "rules": "rule language",    # JsonLogic compiled to nodes, decision tables
    "policy": "policy",          # gates, roles, authority, deadlines and KPI catalogue as loaded
    "risk": "policy",            # the risk model and its scorers
    "kpi": "policy",             # KPI definitions and reports over ledgers
    "process": "case",           # the Boost.MSM machine
    "case": "case",              # record, ledger, deadlines of one case
    "engine": "engine",          # policy versions, extensions, listeners; creates/restores cases
    "diagram": "engine",         # the process diagram and a case's path on it
    "store": "store",            # where cases live between events (SQLite, PostgreSQL, ...)
    "capi": "C API",             # undertake.h: converts, catches, reports
    "cli": "host",               # the undertake command
    "server": "host",            # undertake serve
}

HEADERS = {
    "config.hpp": "common", "error.hpp": "common", "limits.hpp": "common", "timestamp.hpp": "common",
    "json_text.hpp": "common", "events.hpp": "common", "ledger.hpp": "common",
    "jsonlogic.hpp": "rule language", "decision_table.hpp": "rule language",
    "rules.hpp": "policy", "risk.hpp": "policy", "kpi.hpp": "policy", "extensions.hpp": "policy",
    "policy.hpp": "policy", "rule_tests.hpp": "policy",
    "deadlines.hpp": "policy",  # the deadline rules of deadlines.json and what a case reports
    "quality.hpp": "policy",    # the quality report over ledgers (policy §二(七)2)
    "people_definition.hpp": "policy",  # kpi.json `people`: what the person scorecard weighs
    "case.hpp": "case",
    "engine.hpp": "engine", "people.hpp": "engine",  # the scorecard replays cases
    "store.hpp": "store", "sqlite_store.hpp": "store", "postgres_store.hpp": "store",
    "undertake.h": "C API", "undertake_version.h": "common",
    "undertake.hpp": "host",     # the umbrella header a C++ host includes
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE = (".cpp", ".hpp", ".h", ".c")


def layer_of(rel):
    """The layer of a path relative to the source tree, or None when it has none."""
    parts = rel.split("/")
    if parts[0] == "include" and len(parts) == 3 and parts[1] == "undertake":
        return HEADERS.get(parts[2])
    if parts[0] == "src" and len(parts) >= 3:
        return FOLDERS.get(parts[1])
    return None


def included_path(name):
    """An include as written ("undertake/case.hpp", "case/case_impl.hpp") as a tree path."""
    if name.startswith("undertake/"):
        return "include/" + name
    return "src/" + name


def check(files):
    """files: {relative path: text}. Returns the problems found."""
    problems = []
    for rel, text in sorted(files.items()):
        mine = layer_of(rel)
        if mine is None:
            if rel.startswith("include/undertake/") or (rel.startswith("src/") and rel.count("/") >= 2):
                problems.append(f"{rel}: has no layer (add its folder or header to "
                                "tests/architecture/layering.py and docs/architecture.md)")
            continue
        for m in INCLUDE.finditer(text):
            target = included_path(m.group(1))
            theirs = layer_of(target)
            if theirs is None:
                continue  # generated or local headers (builtin data, version header in build/)
            if LAYERS.index(theirs) > LAYERS.index(mine):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: the {mine} layer includes {m.group(1)} from the "
                                f"{theirs} layer above it")
    return problems


def read_tree(root):
    files = {}
    for top in ("src", "include"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for n in names:
                if n.endswith(SOURCE):
                    path = os.path.join(dirpath, n)
                    with open(path, encoding="utf-8") as f:
                        files[os.path.relpath(path, root).replace(os.sep, "/")] = f.read()
    return files


def self_test():
    ok = check({"src/rules/a.cpp": '#include "undertake/jsonlogic.hpp"\n#include "common/x.hpp"\n',
                "src/capi/b.cpp": '#include "undertake/store.hpp"\n'})
    up = check({"src/rules/a.cpp": '#include <vector>\n#include "policy/policy_data.hpp"\n'})
    header = check({"include/undertake/rules.hpp": '#include "undertake/engine.hpp"\n'})
    unknown = check({"src/newfolder/x.cpp": "", "include/undertake/new.hpp": ""})
    results = [ok == [], len(up) == 1 and "src/rules/a.cpp:2" in up[0] and "policy layer" in up[0],
               len(header) == 1 and "engine layer" in header[0], len(unknown) == 2]
    passed = sum(results)
    print(f"layering self-test: {passed} passed, {len(results) - passed} failed")
    return passed == len(results)


def main():
    if sys.argv[1:] == ["--self-test"]:
        return 0 if self_test() else 1
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    files = read_tree(root)
    problems = check(files)
    for p in problems:
        print(p)
    print(f"layering: {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

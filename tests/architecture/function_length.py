#!/usr/bin/env python3
"""Functions that do one thing (developers' guide, issue 14 item 5), enforced: no function in src/
is longer than 150 lines.

    tests/architecture/function_length.py [SOURCE_DIR]   check SOURCE_DIR/src (exit 1 on a long one)
    tests/architecture/function_length.py --self-test     the checker catches what it must

Universal Ctags (Debian: universal-ctags, scripts/install-deps) finds every function definition of
the C++ sources with the line of its name and the line of its closing brace; a function's length
is the lines from one to the other. A lambda, or a member of a local class, counts inside the
function that holds it (it is reported only when no function holds it, e.g. at namespace scope).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

LIMIT = 150
CTAGS_ARGS = ["-R", "--languages=C++", "--kinds-C++=f", "--fields=+neZ", "--output-format=json",
              "-f", "-"]


def ctags_program():
    """Universal Ctags, or an error saying how to get it (Exuberant Ctags knows no end lines)."""
    ctags = os.environ.get("CTAGS") or shutil.which("ctags")
    if not ctags:
        sys.exit("function_length: no ctags on PATH: install universal-ctags (scripts/install-deps)")
    version = subprocess.run([ctags, "--version"], capture_output=True, text=True).stdout
    if "Universal Ctags" not in version:
        sys.exit(f"function_length: {ctags} is not Universal Ctags (install universal-ctags): "
                 f"{version.splitlines()[0] if version else 'no --version'}")
    return ctags


def functions(root, folder="src"):
    """The function definitions under root/folder: dicts with path, line, end, name, display."""
    run = subprocess.run([ctags_program()] + CTAGS_ARGS + [folder], cwd=root, capture_output=True,
                         text=True)
    if run.returncode != 0:
        sys.exit(f"function_length: ctags failed in {root}: {run.stderr.strip()}")
    found = []
    for line in run.stdout.splitlines():
        tag = json.loads(line)
        if tag.get("_type") != "tag":
            continue
        if "end" not in tag:  # fail closed: a definition whose end ctags could not find
            sys.exit(f"function_length: ctags gave no end line for {tag['name']} "
                     f"({tag['path']}:{tag['line']})")
        found.append({"path": tag["path"].replace(os.sep, "/"), "line": int(tag["line"]),
                      "end": int(tag["end"]), "name": tag["name"], "display": display_name(tag)})
    return found


def display_name(tag):
    """`OrderScript::plan`, `run_test`, or `a lambda in detail::x` for a lambda ctags names
    __anon..."""
    name, scope, kind = tag["name"], tag.get("scope", ""), tag.get("scopeKind")
    if name.startswith("__anon"):
        return "a lambda" + (f" in {scope}" if scope else "")
    if kind in ("class", "struct", "union") and scope:
        return scope.split("::")[-1] + "::" + name
    return name


def outermost(found):
    """The functions no other function holds (a lambda's lines count in its function)."""
    by_file = {}
    for f in found:
        by_file.setdefault(f["path"], []).append(f)
    result = []
    for path, fs in sorted(by_file.items()):
        fs.sort(key=lambda f: (f["line"], -f["end"]))
        holder_end = 0
        for f in fs:
            if f["end"] <= holder_end:
                continue  # inside the function before it
            result.append(f)
            holder_end = max(holder_end, f["end"])
    return result


def too_long(found, limit=LIMIT):
    """The outermost functions longer than `limit` lines, longest first."""
    long = [dict(f, length=f["end"] - f["line"] + 1) for f in outermost(found)]
    long = [f for f in long if f["length"] > limit]
    return sorted(long, key=lambda f: (-f["length"], f["path"], f["line"]))


def report(root):
    found = functions(root)
    if not found:
        sys.exit(f"function_length: ctags found no functions under {root}/src")
    long = too_long(found)
    for f in long:
        print(f"{f['path']}:{f['line']}: {f['display']} is {f['length']} lines "
              f"(limit {LIMIT}): split it into functions that do one thing")
    print(f"function_length: {len(outermost(found))} functions in "
          f"{len({f['path'] for f in found})} files, {len(long)} longer than {LIMIT} lines")
    return 1 if long else 0


def body(lines):
    """`lines` lines of a function body (each one statement)."""
    return "".join(f"  x += {i};\n" for i in range(lines))


def self_test():
    # Lengths count from the line of the name to the closing brace: 2 + the body's lines.
    sources = {
        "src/a/short.cpp": "int small(int x) {\n" + body(3) + "  return x;\n}\n",
        "src/a/limit.cpp": "int at_limit(int x) {\n" + body(LIMIT - 3) + "  return x;\n}\n",
        "src/a/long.cpp": "namespace n {\nnamespace {\n\nint\nover(int x) {\n" + body(LIMIT - 2) +
                          "  return x;\n}\n\n}  // namespace\n}  // namespace n\n",
        "src/b/member.hpp": "struct Script {\n  int plan(int x);\n};\n",
        "src/b/member.cpp": '#include "member.hpp"\nint Script::plan(int x) {\n'
                            "  auto step = [&](int y) {\n" + body(LIMIT) + "    return y;\n  };\n"
                            "  return step(x);\n}\n",
        "src/b/inline.hpp": "class Box {\n public:\n  int get() const {\n" + body(LIMIT) +
                            "    return 0;\n  }\n};\n",
        "src/c/lambda.cpp": "auto at_namespace_scope = [](int x) {\n" + body(LIMIT) +
                            "  return x;\n};\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in sources.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                f.write(text)
        found = functions(root)
    long = {(f["path"], f["display"]): f for f in too_long(found)}
    member = long.get(("src/b/member.cpp", "Script::plan"))
    results = [
        ("src/a/long.cpp", "over") in long and long[("src/a/long.cpp", "over")]["line"] == 5
        and long[("src/a/long.cpp", "over")]["length"] == LIMIT + 1,
        ("src/a/limit.cpp", "at_limit") not in long and ("src/a/short.cpp", "small") not in long,
        member is not None and member["line"] == 2,
        ("src/b/inline.hpp", "Box::get") in long,
        # the lambda in Script::plan counts there, not a second time on its own
        sum(1 for f in long.values() if f["path"] == "src/b/member.cpp") == 1,
        any(p == "src/c/lambda.cpp" and d.startswith("a lambda") for p, d in long),
        len(long) == 4,
    ]
    passed = sum(results)
    print(f"function_length self-test: {passed} passed, {len(results) - passed} failed")
    if passed != len(results):
        print("found:", sorted(long))
    return passed == len(results)


def main():
    if sys.argv[1:] == ["--self-test"]:
        return 0 if self_test() else 1
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    return report(root)


if __name__ == "__main__":
    sys.exit(main())

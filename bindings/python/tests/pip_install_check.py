"""Packaging checks, run from CTest (python_pip_install):
  1. `pip install bindings/python` into a fresh virtual environment with no package index
     (offline), then use the installed package with UNDERTAKE_LIBRARY; it is typed (py.typed,
     PEP 561);
  2. the library is found next to the package when UNDERTAKE_LIBRARY is not set.
Prints a "N passed, N failed" line.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
LIBRARY = os.environ["UNDERTAKE_LIBRARY"]

SNIPPET = """
import os
import undertake
print("typed:", os.path.exists(os.path.join(os.path.dirname(undertake.__file__), "py.typed")))
with undertake.Engine() as e:
    c = e.create_case("P-1", {"customer": {"name": "ACME", "tier": "regular"}})
    out = c.fire("intake.forward", {"id": "mei", "roles": ["market"]}, at="2026-03-02")
    assert out.accepted, out
    print("installed undertake", undertake.__version__, "->", out.state, "from", undertake.library_path())
"""

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAILED: {name}\n{detail}")


with tempfile.TemporaryDirectory(prefix="undertake-pip-") as tmp:
    env_dir = os.path.join(tmp, "venv")
    try:
        venv.EnvBuilder(with_pip=True).create(env_dir)
    except Exception as e:  # no ensurepip (e.g. Debian without python3-venv): cannot check
        print(f"python_pip_install: skipped, cannot create a virtual environment with pip: {e}")
        sys.exit(77)
    python = os.path.join(env_dir, "bin", "python")
    # pip copies the source tree aside to build it; keep build artefacts out of the tree.
    r = subprocess.run([python, "-m", "pip", "install", "--no-index", "--no-cache-dir",
                        "--disable-pip-version-check", "--quiet", PACKAGE_ROOT],
                       capture_output=True, text=True)
    check("pip install --no-index bindings/python", r.returncode == 0, r.stdout + r.stderr)
    env = dict(os.environ, UNDERTAKE_LIBRARY=LIBRARY)
    env.pop("PYTHONPATH", None)
    r = subprocess.run([python, "-c", SNIPPET], capture_output=True, text=True, env=env, cwd=tmp)
    check("the installed package runs", r.returncode == 0 and "Intake.SalesReview" in r.stdout,
          r.stdout + r.stderr)
    check("the installed package is typed (py.typed)", "typed: True" in r.stdout,
          r.stdout + r.stderr)
    print(r.stdout.strip())

    # The library next to the package (as a wheel that bundles it would place it).
    bundled = os.path.join(tmp, "bundled")
    shutil.copytree(os.path.join(PACKAGE_ROOT, "undertake"), os.path.join(bundled, "undertake"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.realpath(LIBRARY), os.path.join(bundled, "undertake", "libundertake_c.so"))
    env = {k: v for k, v in os.environ.items() if k not in ("UNDERTAKE_LIBRARY", "PYTHONPATH")}
    env["PYTHONPATH"] = bundled
    r = subprocess.run([sys.executable, "-c", SNIPPET], capture_output=True, text=True, env=env,
                       cwd=tmp)
    check("the library next to the package is found",
          r.returncode == 0 and os.path.join(bundled, "undertake") in r.stdout, r.stdout + r.stderr)

print(f"python_pip_install: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

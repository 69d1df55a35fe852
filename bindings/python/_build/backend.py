"""A minimal PEP 517 / PEP 660 build backend for the undertake binding (standard library only).

pip can build and install the package without reaching a package index: `requires = []` in
pyproject.toml, so the isolated build environment needs nothing. It builds:
  * a wheel: the `undertake` package (+ native libraries found next to it, which makes the wheel
    platform-specific) and the .dist-info metadata;
  * an editable wheel (pip install -e): a .pth file pointing at this directory;
  * an sdist: the source tree as a tar.gz with PKG-INFO.
"""

import base64
import hashlib
import io
import os
import re
import sysconfig
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NATIVE = re.compile(r"^(lib)?undertake_c.*\.(so(\.\d+)*|dylib|dll)$")


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        data = f.read()
    try:
        import tomllib  # Python 3.11+

        doc = tomllib.loads(data.decode("utf-8"))
        project = doc["project"]
        package = doc.get("tool", {}).get("undertake", {}).get("package", project["name"])
        return project, package
    except ImportError:  # Python < 3.11: the few fields this backend needs
        text = data.decode("utf-8")

        def field(name):
            m = re.search(rf'^{name}\s*=\s*"([^"]*)"', text, re.M)
            return m.group(1) if m else ""

        project = {"name": field("name"), "version": field("version"),
                   "description": field("description"),
                   "requires-python": field("requires-python")}
        return project, field("package") or project["name"]


def _dist_name(project):
    return re.sub(r"[-_.]+", "_", project["name"]).lower(), project["version"]


def _metadata(project):
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
    ]
    if project.get("description"):
        lines.append(f"Summary: {project['description']}")
    if project.get("requires-python"):
        lines.append(f"Requires-Python: {project['requires-python']}")
    readme = os.path.join(ROOT, "README.md")
    body = ""
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


def _package_files(package):
    """(path in the wheel, path on disk) of the package's files; and whether any is native."""
    files, native = [], False
    base = os.path.join(ROOT, package)
    for directory, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(directory, name)
            is_native = bool(_NATIVE.match(name))
            if not (name.endswith(".py") or name == "py.typed" or is_native):
                continue
            native = native or is_native
            files.append((os.path.relpath(path, ROOT).replace(os.sep, "/"), path))
    return files, native


def _tag(native):
    if not native:
        return "py3-none-any"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"py3-none-{platform}"


class _Wheel:
    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.records = []

    def add(self, arcname, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        self.records.append(f"{arcname},sha256={digest},{len(data)}")

    def close(self, record_name):
        self.records.append(f"{record_name},,")
        self.zip.writestr(zipfile.ZipInfo(record_name, date_time=(2020, 1, 1, 0, 0, 0)),
                          "\n".join(self.records) + "\n")
        self.zip.close()


def _build(wheel_directory, editable):
    project, package = _project()
    name, version = _dist_name(project)
    files, native = ([], False) if editable else _package_files(package)
    tag = _tag(native)
    filename = f"{name}-{version}-{tag}.whl"
    dist_info = f"{name}-{version}.dist-info"
    wheel = _Wheel(os.path.join(wheel_directory, filename))
    if editable:
        wheel.add(f"__editable__.{name}-{version}.pth", ROOT + "\n")
    for arcname, path in files:
        with open(path, "rb") as f:
            wheel.add(arcname, f.read())
    wheel.add(f"{dist_info}/METADATA", _metadata(project))
    wheel.add(f"{dist_info}/WHEEL",
              "Wheel-Version: 1.0\nGenerator: undertake-backend\n"
              f"Root-Is-Purelib: {'false' if native else 'true'}\nTag: {tag}\n")
    wheel.add(f"{dist_info}/top_level.txt", package + "\n")
    wheel.close(f"{dist_info}/RECORD")
    return filename


# -- PEP 517 -------------------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project, package = _project()
    name, version = _dist_name(project)
    dist_info = os.path.join(metadata_directory, f"{name}-{version}.dist-info")
    os.makedirs(dist_info, exist_ok=True)
    with open(os.path.join(dist_info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata(project))
    return os.path.basename(dist_info)


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _build(wheel_directory, editable=False)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _build(wheel_directory, editable=True)


def build_sdist(sdist_directory, config_settings=None):
    project, package = _project()
    name, version = _dist_name(project)
    base = f"{name}-{version}"
    filename = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for directory, dirs, names in os.walk(ROOT):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "build", "dist")
                             and not d.endswith(".egg-info"))
            for n in sorted(names):
                if n.endswith((".pyc", ".pyo")) or _NATIVE.match(n):
                    continue
                path = os.path.join(directory, n)
                tar.add(path, arcname=f"{base}/{os.path.relpath(path, ROOT)}")
        data = _metadata(project).encode("utf-8")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    return filename

"""Loading libundertake_c and declaring the C API's prototypes (ctypes, standard library only).

The library is found, in order: the file (or directory) named by the environment variable
UNDERTAKE_LIBRARY; a copy next to this package; the system's library path (ctypes.util.find_library,
then the dynamic loader's search: LD_LIBRARY_PATH, ldconfig, ...).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from typing import Dict, List, Optional, Tuple

ENV_VAR = "UNDERTAKE_LIBRARY"

if sys.platform == "win32":
    _NAMES = ("undertake_c.dll", "libundertake_c.dll")
elif sys.platform == "darwin":
    _NAMES = ("libundertake_c.dylib", "libundertake_c.0.dylib")
else:
    _NAMES = ("libundertake_c.so", "libundertake_c.so.0")

# Status codes (include/undertake/undertake.h).
UT_OK = 0
UT_REFUSED = 1
UT_E_INVALID_ARGUMENT = -1
UT_E_INVALID_JSON = -2
UT_E_POLICY = -3
UT_E_SNAPSHOT = -4
UT_E_NOT_FOUND = -5
UT_E_CONFLICT = -6
UT_E_LIMIT = -7
UT_E_RULE = -8
UT_E_IO = -9
UT_E_NO_MEMORY = -10
UT_E_CLOSED = -11
UT_E_INTERNAL = -12

UT_RULE_FAIL = 0
UT_RULE_PASS = 1

c_int = ctypes.c_int
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_size_t = ctypes.c_size_t
c_uint = ctypes.c_uint
c_uint64 = ctypes.c_uint64
c_double = ctypes.c_double
P = ctypes.POINTER

# Callback types. Incoming strings are borrowed (valid during the call): c_char_p copies them.
RULE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, c_char_p, c_void_p)
LISTENER_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p, c_char_p, c_int, c_char_p)
KPI_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, P(c_double), P(c_int))

# name: (restype, argtypes). Every char** out parameter is a c_void_p pointer so that the
# library's buffer can be read and then released with ut_free (never leaked, never double-freed).
_PROTOTYPES: Dict[str, Tuple[object, List[object]]] = {
    "ut_version": (c_char_p, []),
    "ut_status_name": (c_char_p, [c_int]),
    "ut_last_error": (c_char_p, []),
    "ut_last_error_status": (c_int, []),
    "ut_last_error_kind": (c_char_p, []),
    "ut_last_error_where": (c_char_p, []),
    "ut_free": (None, [c_void_p]),
    "ut_engine_open_default": (c_int, [P(c_void_p)]),
    "ut_engine_open": (c_int, [c_char_p, P(c_void_p)]),
    "ut_engine_open_json": (c_int, [c_char_p, P(c_void_p)]),
    "ut_engine_close": (None, [c_void_p]),
    "ut_engine_load_policy": (c_int, [c_void_p, c_char_p]),
    "ut_engine_load_policy_json": (c_int, [c_void_p, c_char_p]),
    "ut_engine_reload": (c_int, [c_void_p]),
    "ut_engine_load_policy_patch": (c_int, [c_void_p, c_char_p]),
    "ut_engine_policy_info": (c_int, [c_void_p, P(c_void_p)]),
    "ut_policy_builtin_json": (c_int, [P(c_void_p)]),
    "ut_engine_set_limits": (c_int, [c_void_p, c_size_t, c_uint]),
    "ut_verdict_set_message": (c_int, [c_void_p, c_char_p]),
    "ut_verdict_set_details": (c_int, [c_void_p, c_char_p]),
    "ut_engine_register_rule": (c_int, [c_void_p, c_char_p, RULE_FN, c_void_p]),
    "ut_engine_set_listener": (c_int, [c_void_p, LISTENER_FN, c_void_p]),
    "ut_case_create": (c_int, [c_void_p, c_char_p, c_char_p, P(c_void_p)]),
    "ut_case_restore": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "ut_case_replay": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "ut_engine_find_case": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "ut_case_free": (None, [c_void_p]),
    "ut_case_fire": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, P(c_void_p)]),
    "ut_case_fire_if_revision": (
        c_int, [c_void_p, c_uint64, c_char_p, c_char_p, c_char_p, c_char_p, P(c_void_p)]),
    "ut_case_state": (c_int, [c_void_p, P(c_void_p)]),
    "ut_case_id": (c_int, [c_void_p, P(c_void_p)]),
    "ut_case_revision": (c_int, [c_void_p, P(c_uint64)]),
    "ut_case_snapshot": (c_int, [c_void_p, P(c_void_p)]),
    "ut_case_available": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "ut_case_ledger": (c_int, [c_void_p, P(c_void_p)]),
    "ut_case_record": (c_int, [c_void_p, P(c_void_p)]),
    "ut_case_risk": (c_int, [c_void_p, P(c_void_p)]),
    "ut_case_deadlines": (c_int, [c_void_p, P(c_void_p)]),
    "ut_case_tick": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "ut_engine_register_kpi": (c_int, [c_void_p, c_char_p, c_char_p, KPI_FN, c_void_p]),
    "ut_engine_kpi": (c_int, [c_void_p, c_char_p, c_char_p, P(c_void_p)]),
    "ut_engine_kpi_people": (c_int, [c_void_p, c_char_p, c_char_p, P(c_void_p)]),
    "ut_engine_quality": (c_int, [c_void_p, c_char_p, c_char_p, P(c_void_p)]),
    "ut_case_verify": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "ut_case_head": (c_int, [c_void_p, P(c_void_p)]),
    "ut_case_entries": (c_int, [c_void_p, c_uint64, P(c_void_p)]),
    "ut_case_restore_entries": (c_int, [c_void_p, c_char_p, c_char_p, P(c_void_p)]),
    "ut_case_verify_entries": (c_int, [c_void_p, c_char_p, c_char_p, P(c_void_p)]),
    "ut_engine_set_host_key": (c_int, [c_void_p, c_char_p, c_size_t]),
    "ut_store_open": (c_int, [c_char_p, P(c_void_p)]),
    "ut_store_close": (None, [c_void_p]),
    "ut_store_create": (c_int, [c_void_p, c_void_p]),
    "ut_store_load": (c_int, [c_void_p, c_void_p, c_char_p, P(c_void_p)]),
    "ut_store_save": (c_int, [c_void_p, c_void_p, c_uint64]),
    "ut_store_fire": (c_int, [c_void_p, c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p,
                              c_char_p, P(c_void_p)]),
    "ut_store_list": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "ut_store_inbox": (c_int, [c_void_p, c_void_p, c_char_p, P(c_void_p)]),
    "ut_store_inbox_query": (c_int, [c_void_p, c_void_p, c_char_p, P(c_void_p)]),
    "ut_store_ledger": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "ut_store_changes": (c_int, [c_void_p, c_uint64, c_size_t, P(c_void_p)]),
    "ut_store_tick": (c_int, [c_void_p, c_void_p, c_char_p, P(c_void_p)]),
    "ut_store_kpi": (c_int, [c_void_p, c_void_p, c_char_p, P(c_void_p)]),
    "ut_store_verify": (c_int, [c_void_p, c_void_p, c_char_p, P(c_void_p)]),
}

_lib: Optional[ctypes.CDLL] = None
_lock = threading.Lock()


def _candidates() -> List[str]:
    env = os.environ.get(ENV_VAR)
    if env:
        if os.path.isdir(env):
            return [os.path.join(env, n) for n in _NAMES if os.path.exists(os.path.join(env, n))] \
                or [os.path.join(env, _NAMES[0])]
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    local = [os.path.join(here, n) for n in _NAMES if os.path.exists(os.path.join(here, n))]
    if local:
        return local
    found = ctypes.util.find_library("undertake_c")
    return ([found] if found else []) + list(_NAMES)


def library_path() -> str:
    """The file the library was (or would be) loaded from."""
    return str(_load()._name)


def _load() -> ctypes.CDLL:
    global _lib
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        errors: List[str] = []
        lib: Optional[ctypes.CDLL] = None
        for candidate in _candidates():
            try:
                lib = ctypes.CDLL(candidate)
                break
            except OSError as e:
                errors.append(f"{candidate}: {e}")
        if lib is None:
            raise ImportError(
                "cannot load the undertake C library (libundertake_c); set "
                f"{ENV_VAR} to its path, put it next to the undertake package, or install it "
                "on the system library path. Tried: " + "; ".join(errors))
        for name, (restype, argtypes) in _PROTOTYPES.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        _lib = lib
        return lib


def lib() -> ctypes.CDLL:
    return _load()

"""The Engine: a policy, the host's callbacks (custom rules, KPI calculators, the listener) and
the cases it opens.

JSON goes in and out as Python dicts; callbacks are Python callables kept alive by their engine
for as long as the library may call them. The engine never reads the wall clock: every fire and
tick is told when it happens, by its caller or by the clock the host gave the engine.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable, Iterable, List, Mapping, Optional, Tuple, TypeVar, Union

from . import _native as N
from ._errors import Closed, InvalidArgument, NotFound, check
from ._values import (Clock, Document, Json, JsonObject, Outcome, Verdict, When, day,
                      entries_json, iso, take_json, text, to_json)

if TYPE_CHECKING:
    from ._case import Case

_log = logging.getLogger("undertake")

#: Where a policy comes from: a rules directory or file (a path), or a policy document (a dict,
#: its JSON text or UTF-8 bytes).
PolicySource = Union[str, "os.PathLike[str]", Mapping[str, Any], bytes]
#: What a custom rule returns: a bool, (passed, message), (passed, message, details), a Verdict.
RuleAnswer = Union[bool, Tuple[Any, ...], Verdict]
#: A custom rule: fn(facts, event, actor) -> RuleAnswer.
RuleFn = Callable[[JsonObject, str, JsonObject], RuleAnswer]
#: A KPI calculator: fn(ledgers, period) -> a number, or None for "no data in the period".
KpiFn = Callable[[List[JsonObject], JsonObject], Optional[float]]
#: The listener: fn(case_id, event, accepted, outcome) after every fire.
ListenerFn = Callable[[str, str, bool, Outcome], None]


def builtin_policy() -> JsonObject:
    """The built-in default policy as a dict (the shape Engine(policy=dict) reads)."""
    out = ctypes.c_void_p()
    check(N.lib().ut_policy_builtin_json(ctypes.byref(out)))
    policy: JsonObject = take_json(out)
    return policy


def version() -> str:
    """The C library's version, "MAJOR.MINOR.PATCH"."""
    return str(N.lib().ut_version().decode())


def _policy_path(policy: PolicySource) -> Optional[str]:
    """The path of a policy given as a rules directory or file; None for a policy document."""
    if isinstance(policy, os.PathLike):
        return os.fspath(policy)
    if isinstance(policy, str) and not policy.lstrip().startswith("{"):
        return policy
    return None


def _period(period_from: When, period_to: When, **flags: bool) -> JsonObject:
    return {"from": day(period_from, "period_from"), "to": day(period_to, "period_to"), **flags}


_H = TypeVar("_H", bound="_Handle")


class _Handle:
    """A library handle in `_handle`, released by the subclass's close(): also at the end of a
    `with` block, and when the object is garbage-collected."""

    _handle: Optional[ctypes.c_void_p]

    def close(self) -> None:
        raise NotImplementedError

    @property
    def closed(self) -> bool:
        return not getattr(self, "_handle", None)

    def _h(self) -> ctypes.c_void_p:
        """The handle; Closed once close() released it."""
        if not self._handle:
            raise self._closed_error()
        return self._handle

    def _closed_error(self) -> Closed:
        return Closed(f"the {type(self).__name__.lower()} is closed")

    def _release(self) -> Optional[ctypes.c_void_p]:
        """The handle, forgotten from now on (None when it was released already): close()
        frees it."""
        handle, self._handle = getattr(self, "_handle", None), None
        return handle

    def __enter__(self: _H) -> _H:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


class Engine(_Handle):
    """A policy, the host's callbacks, and the cases it opens.

    `Engine()` uses the built-in policy; `Engine("rules/")` or `Engine("policy.json")` a rules
    directory or file; `Engine({...})` a policy document (dict or JSON text). Use it as a context
    manager, or call close(). An engine may be shared by threads; a case is used by one thread at
    a time.

    The engine never reads the wall clock: Case.fire, Case.tick, Store.fire and Store.tick are
    told when. A host that wants "now" whenever it leaves the time out says so once, with a
    clock: `Engine(clock=lambda: datetime.now(timezone.utc))` (any callable returning an ISO-8601
    str, a date or an aware datetime; a test passes a fixed or stepping one). Without a clock,
    leaving the time out raises InvalidArgument.
    """

    def __init__(self, policy: Optional[PolicySource] = None, *,
                 clock: Optional[Clock] = None) -> None:
        if clock is not None and not callable(clock):
            raise InvalidArgument(f"clock: expected a callable returning the time, got "
                                  f"{type(clock).__name__}", where="clock")
        self._lib = N.lib()
        handle = ctypes.c_void_p()
        path = None if policy is None else _policy_path(policy)
        if policy is None:
            status = self._lib.ut_engine_open_default(ctypes.byref(handle))
        elif path is not None:
            status = self._lib.ut_engine_open(text(path, "policy"), ctypes.byref(handle))
        else:
            status = self._lib.ut_engine_open_json(to_json(policy, "policy"), ctypes.byref(handle))
        check(status)
        self._handle = handle
        self._clock = clock
        self._lock = threading.Lock()
        # Every callback the library may still call, kept alive until close().
        self._keep: List[object] = []
        self._listener: Optional[object] = None
        self._cases: weakref.WeakValueDictionary[str, Case] = weakref.WeakValueDictionary()

    # -- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the engine. Open cases stay readable (firing raises Closed); callbacks are
        never called again once this returns."""
        handle = self._release()
        if handle:
            self._lib.ut_engine_close(handle)
        self._keep = []
        self._listener = None

    @property
    def clock(self) -> Optional[Clock]:
        """The clock given to the engine (Engine(clock=...)), or None."""
        return self._clock

    def _when(self, value: Optional[When], what: str) -> bytes:
        """`value` as the library's ISO-8601 text, or the clock's time when it is None."""
        if value is None:
            if self._clock is None:
                raise InvalidArgument(
                    f"{what}: required (the engine never reads the clock: say when, or open "
                    "the engine with one, Engine(clock=...))", where=what)
            value = self._clock()
        return iso(value, what).encode("utf-8")

    # -- policy ----------------------------------------------------------------------------

    def load_policy(self, policy: PolicySource) -> None:
        """Loads a new policy version (a rules directory, a file, or a dict). New cases use it;
        existing cases keep theirs."""
        path = _policy_path(policy)
        if path is not None:
            check(self._lib.ut_engine_load_policy(self._h(), text(path, "policy")))
        else:
            check(self._lib.ut_engine_load_policy_json(self._h(), to_json(policy, "policy")))

    def reload(self) -> None:
        """Reads the policy again from where it was last loaded (e.g. after its files changed;
        registrations take effect at once and need no reload)."""
        check(self._lib.ut_engine_reload(self._h()))

    def patch_policy(self, patch: Document) -> None:
        """Loads the last policy with an RFC 7386 merge patch applied, e.g.
        `{"gates": {"gates": {"intake.confirm": {"rules": [...]}}}}`, as a new policy version
        (the one the patch names, or the patched version with `+patch.N`); open cases keep
        theirs."""
        check(self._lib.ut_engine_load_policy_patch(self._h(), to_json(patch, "patch")))

    @property
    def policy_info(self) -> JsonObject:
        """`{"name", "version", "roles", "events": {event: {"roles", "gated"}}}`."""
        return self._read(self._lib.ut_engine_policy_info)

    def set_limits(self, max_json_bytes: int = 0, max_json_depth: int = 0) -> None:
        """Limits for JSON the engine reads and accepts (include/undertake/limits.hpp: the depth
        from 8 to 1000; 0 keeps a limit)."""
        check(self._lib.ut_engine_set_limits(self._h(), max_json_bytes, max_json_depth))

    # -- callbacks -------------------------------------------------------------------------

    def register_rule(self, name: str, fn: RuleFn) -> None:
        """Registers a custom rule: `fn(facts: dict, event: str, actor: dict)` returns a bool,
        `(passed, message)`, `(passed, message, details)` or a Verdict. An exception makes the
        rule fail closed (the event is refused, the exception shown). Reload the policy that
        references it afterwards (reload() or load_policy())."""
        lib = self._lib

        def trampoline(_user_data: object, facts: bytes, event: bytes, actor: bytes,
                       verdict: int) -> int:
            try:
                answer = fn(json.loads(facts), event.decode("utf-8"), json.loads(actor))
                if isinstance(answer, Verdict):
                    passed, message, details = answer.passed, answer.message, answer.details
                elif isinstance(answer, tuple):
                    passed = bool(answer[0])
                    message = answer[1] if len(answer) > 1 else None
                    details = answer[2] if len(answer) > 2 else None
                else:
                    passed, message, details = bool(answer), None, None
                if message:
                    lib.ut_verdict_set_message(verdict, text(str(message), "message"))
                if details is not None:
                    lib.ut_verdict_set_details(verdict, to_json(details, "details"))
                return N.UT_RULE_PASS if passed else N.UT_RULE_FAIL
            except BaseException as e:  # never let an exception unwind into C
                try:
                    lib.ut_verdict_set_message(
                        verdict, f"{type(e).__name__}: {e}".encode("utf-8", "replace"))
                except BaseException:
                    pass
                return -1

        callback = N.RULE_FN(trampoline)
        check(self._lib.ut_engine_register_rule(self._h(), text(name, "name"), callback, None))
        with self._lock:
            self._keep.append(callback)  # policies loaded earlier may still call older ones

    def rule(self, name: str) -> Callable[[RuleFn], RuleFn]:
        """Decorator form of register_rule: `@engine.rule("credit_check")`."""

        def decorate(fn: RuleFn) -> RuleFn:
            self.register_rule(name, fn)
            return fn

        return decorate

    def set_listener(self, fn: Optional[ListenerFn]) -> None:
        """Calls `fn(case_id, event, accepted, outcome: Outcome)` after every fire on any case of
        this engine (accepted or refused), on the firing thread. None removes it. Exceptions are
        logged (logger "undertake") and otherwise ignored: the event stands."""
        if fn is None:
            no_listener = N.LISTENER_FN(0)  # a NULL function pointer
            check(self._lib.ut_engine_set_listener(self._h(), no_listener, None))
            self._listener = None
            return
        listener = fn

        def trampoline(_user_data: object, case_id: bytes, event: bytes, accepted: int,
                       outcome: bytes) -> None:
            try:
                listener(case_id.decode("utf-8"), event.decode("utf-8"), bool(accepted),
                         Outcome(json.loads(outcome)))
            except BaseException:
                _log.exception("undertake listener raised (ignored)")

        callback = N.LISTENER_FN(trampoline)
        check(self._lib.ut_engine_set_listener(self._h(), callback, None))
        self._listener = callback

    def register_kpi(self, kpi_id: str, fn: KpiFn,
                     definition: Optional[Mapping[str, Any]] = None) -> None:
        """Registers the calculator of a KPI: `fn(ledgers: list, period: dict)` returns a number,
        or None for "no data in the period". `definition`: `{"title", "department", "unit",
        "direction": "higher"|"lower", "target"}`."""

        def trampoline(_user_data: object, ledgers: bytes, period: bytes, value: Any,
                       has_value: Any) -> int:
            try:
                result = fn(json.loads(ledgers), json.loads(period))
                if result is None:
                    has_value[0] = 0
                else:
                    value[0] = float(result)
                    has_value[0] = 1
                return 0
            except BaseException:
                _log.exception("undertake KPI calculator %s raised", kpi_id)
                return -1

        callback = N.KPI_FN(trampoline)
        check(self._lib.ut_engine_register_kpi(self._h(), text(kpi_id, "kpi_id"),
                                               to_json(definition, "definition"), callback,
                                               None))
        with self._lock:
            self._keep.append(callback)

    # -- cases -----------------------------------------------------------------------------

    def _adopt(self, handle: ctypes.c_void_p) -> Case:
        from ._case import Case

        case = Case(self, handle)
        self._cases[case.id] = case
        return case

    def _open(self, fn: Any, *args: Optional[bytes]) -> Case:
        out = ctypes.c_void_p()
        check(fn(self._h(), *args, ctypes.byref(out)))
        return self._adopt(out)

    def create_case(self, case_id: str, data: Document) -> Case:
        """A new case in Intake.Registered with the requirement form `data` (a dict)."""
        return self._open(self._lib.ut_case_create, text(case_id, "case_id"),
                          to_json(data, "data"))

    def restore(self, snapshot: Document) -> Case:
        """A case from a snapshot (dict or JSON text) taken with Case.snapshot()."""
        return self._open(self._lib.ut_case_restore, to_json(snapshot, "snapshot"))

    def restore_entries(self, head: Document,
                        entries: Union[Iterable[Union[Mapping[str, Any], str]], str]) -> Case:
        """A case from its head (Case.head()) and every entry of its ledger (the rows
        Case.entries() gave: a list of dicts or of JSON texts, seq 1 to the head's, in order),
        the rows checked against their hash chain (SnapshotError names the entry at fault as
        `/ledger/<index>`). The case holds its whole ledger (Case.ledger(), Engine.kpi)."""
        return self._open(self._lib.ut_case_restore_entries, to_json(head, "head"),
                          entries_json(entries))

    def replay(self, ledger: Document) -> Case:
        """A case rebuilt from its ledger (Case.ledger())."""
        return self._open(self._lib.ut_case_replay, to_json(ledger, "ledger"))

    def find_case(self, case_id: str) -> Case:
        """The open case with that id; NotFound otherwise."""
        out = ctypes.c_void_p()
        check(self._lib.ut_engine_find_case(self._h(), text(case_id, "case_id"),
                                            ctypes.byref(out)))
        case = self._cases.get(case_id)
        if case is None or case._handle is None or case._handle.value != out.value:
            raise NotFound(f"case {case_id}: not open in this process", N.UT_E_NOT_FOUND,
                           where=case_id)
        return case

    # -- integrity -------------------------------------------------------------------------

    def set_host_key(self, key: Union[bytes, bytearray, str]) -> None:
        """Seals cases created, restored or loaded from now on with HMAC-SHA-256 under `key`
        (bytes, or a str taken as UTF-8; not empty): a stored case edited and re-hashed without
        the key is refused. Every engine sharing a store must use the same key."""
        if isinstance(key, str):
            key = text(key, "key")
        if not isinstance(key, (bytes, bytearray)):
            raise InvalidArgument(f"key: expected bytes or a str, got {type(key).__name__}",
                                  where="key")
        key = bytes(key)
        check(self._lib.ut_engine_set_host_key(self._h(), key, len(key)))

    def _read(self, fn: Any, *args: Optional[bytes]) -> Any:
        out = ctypes.c_void_p()
        check(fn(self._h(), *args, ctypes.byref(out)))
        return take_json(out)

    def verify(self, snapshot: Document) -> JsonObject:
        """The audit of a snapshot holding its ledger (Case.snapshot()): digest, hash chain and a
        full replay. `{"case_id", "revision", "ok", "problems": [{"where", "why"}]}`; what it
        finds is in the report, it raises only for a snapshot it cannot read (SnapshotError)."""
        return self._read(self._lib.ut_case_verify, to_json(snapshot, "snapshot"))

    def verify_entries(self, head: Document,
                       entries: Union[Iterable[Union[Mapping[str, Any], str]], str]
                       ) -> JsonObject:
        """verify() of a case kept as its head and its ledger's rows (as restore_entries takes
        them): `{"case_id", "revision", "ok", "problems": [{"where", "why"}]}`."""
        return self._read(self._lib.ut_case_verify_entries, to_json(head, "head"),
                          entries_json(entries))

    # -- KPIs ------------------------------------------------------------------------------

    def kpi(self, ledgers: Iterable[Json], period_from: When, period_to: When,
            skip_bad_cases: bool = False) -> JsonObject:
        """The KPI report over case ledgers or snapshots (a list of dicts) for the period (dates
        or ISO strings, both inclusive)."""
        period = _period(period_from, period_to, skip_bad_cases=bool(skip_bad_cases))
        return self._read(self._lib.ut_engine_kpi, to_json(list(ledgers), "ledgers"),
                          to_json(period, "period"))

    def kpi_people(self, ledgers: Iterable[Json], period_from: When,
                   period_to: When) -> JsonObject:
        """The per-person scorecard (policy §四(二)2) over case ledgers or snapshots for the
        period: each person's measures with their data points, score and ranking per department
        (measures with too few data points are shown as such, not scored)."""
        return self._read(self._lib.ut_engine_kpi_people, to_json(list(ledgers), "ledgers"),
                          to_json(_period(period_from, period_to), "period"))

    def quality(self, ledgers: Iterable[Json], period_from: When,
                period_to: When) -> JsonObject:
        """The quality report (policy §二(七)2) over case ledgers or snapshots for the period:
        pass rates per product and month, the Pareto of defect causes with repeat causes
        flagged, rectifications and their cost, complaints by severity and root cause."""
        return self._read(self._lib.ut_engine_quality, to_json(list(ledgers), "ledgers"),
                          to_json(_period(period_from, period_to), "period"))

"""The Pythonic layer over the C API: Engine, Case, Outcome and the exceptions.

JSON goes in and out as Python dicts; every string the library returns is copied and released
with ut_free at once; callbacks (custom rules, KPI calculators, the listener) are Python callables
kept alive by their engine for as long as the library may call them.
"""

import ctypes
import datetime as _dt
import json
import logging
import os
import threading
import weakref

from . import _native as N

_log = logging.getLogger("undertake")

# ---------------------------------------------------------------------------------------------
# Errors


class UndertakeError(Exception):
    """An error reported by the library. `status` is the C status code, `status_name` its name
    ("UT_E_POLICY", ...), `message` the library's explanation (file, JSON path, event, rule)."""

    status = None

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    @property
    def status_name(self):
        return _STATUS_NAMES.get(self.status, "UT_UNKNOWN")


class InvalidArgument(UndertakeError, ValueError):
    status = N.UT_E_INVALID_ARGUMENT


class InvalidJson(UndertakeError, ValueError):
    status = N.UT_E_INVALID_JSON


class PolicyError(UndertakeError):
    status = N.UT_E_POLICY


class SnapshotError(UndertakeError):
    status = N.UT_E_SNAPSHOT


class NotFound(UndertakeError, LookupError):
    status = N.UT_E_NOT_FOUND


class Conflict(UndertakeError):
    status = N.UT_E_CONFLICT


class LimitExceeded(UndertakeError):
    status = N.UT_E_LIMIT


class RuleError(UndertakeError):
    status = N.UT_E_RULE


class IOFailure(UndertakeError, OSError):
    status = N.UT_E_IO


class OutOfMemory(UndertakeError, MemoryError):
    status = N.UT_E_NO_MEMORY


class Closed(UndertakeError):
    """The engine was closed: its cases are read-only."""

    status = N.UT_E_CLOSED


class InternalError(UndertakeError):
    status = N.UT_E_INTERNAL


class Refused(UndertakeError):
    """The process refused an event (a business answer, raised only on request: `check=True`
    or `fire_or_raise`). Nothing changed. `outcome` is the Outcome, `reasons` its reasons."""

    status = N.UT_REFUSED

    def __init__(self, outcome):
        lines = [f"{outcome.event} refused"] + [f"({r.kind}) {r.message}" for r in outcome.reasons]
        super().__init__("; ".join(lines))
        self.outcome = outcome

    @property
    def reasons(self):
        return self.outcome.reasons


_ERRORS = {
    cls.status: cls
    for cls in (InvalidArgument, InvalidJson, PolicyError, SnapshotError, NotFound, Conflict,
                LimitExceeded, RuleError, IOFailure, OutOfMemory, Closed, InternalError)
}
_STATUS_NAMES = {
    N.UT_OK: "UT_OK", N.UT_REFUSED: "UT_REFUSED", N.UT_E_INVALID_ARGUMENT: "UT_E_INVALID_ARGUMENT",
    N.UT_E_INVALID_JSON: "UT_E_INVALID_JSON", N.UT_E_POLICY: "UT_E_POLICY",
    N.UT_E_SNAPSHOT: "UT_E_SNAPSHOT", N.UT_E_NOT_FOUND: "UT_E_NOT_FOUND",
    N.UT_E_CONFLICT: "UT_E_CONFLICT", N.UT_E_LIMIT: "UT_E_LIMIT", N.UT_E_RULE: "UT_E_RULE",
    N.UT_E_IO: "UT_E_IO", N.UT_E_NO_MEMORY: "UT_E_NO_MEMORY", N.UT_E_CLOSED: "UT_E_CLOSED",
    N.UT_E_INTERNAL: "UT_E_INTERNAL",
}


def _raise(status):
    message = N.lib().ut_last_error().decode("utf-8", "replace")
    raise _ERRORS.get(status, InternalError)(message, status)


def _check(status):
    if status < 0:
        _raise(status)
    return status


# ---------------------------------------------------------------------------------------------
# Values in and out


def _take(ptr):
    """Copies a string the library returned and releases it (ut_free)."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        N.lib().ut_free(ptr)


def _take_json(ptr):
    text = _take(ptr)
    return None if text is None else json.loads(text)


def _text(value, what):
    if not isinstance(value, str):
        raise InvalidArgument(f"{what}: expected a str, got {type(value).__name__}")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidArgument(f"{what}: not encodable as UTF-8 ({e.reason})") from None


def _json(value, what):
    """A dict (or list, or JSON text) as UTF-8 JSON bytes."""
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return _text(value, what)
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"), default=_json_default).encode("utf-8")
    except (TypeError, ValueError) as e:
        raise InvalidJson(f"{what}: not representable as JSON: {e}") from None
    except UnicodeEncodeError as e:
        raise InvalidArgument(f"{what}: not encodable as UTF-8 ({e.reason})") from None


def _entries(entries):
    """Ledger entries (Case.entries()) as one JSON array: a list of dicts and/or the JSON text of
    single rows as a host's table gives them back, or the JSON text of the whole array."""
    if isinstance(entries, (str, bytes, bytearray)):
        return _json(entries, "entries")
    if not isinstance(entries, (list, tuple)):
        raise InvalidArgument(f"entries: expected a list of entries or JSON text, "
                              f"got {type(entries).__name__}")
    rows = [_json(row, f"entries[{i}]") for i, row in enumerate(entries)]
    return b"[" + b",".join(rows) + b"]"


def _json_default(value):
    if isinstance(value, (_dt.datetime, _dt.date)):
        return _iso(value)
    if isinstance(value, Actor):
        return value.to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _iso(at):
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None:
            raise InvalidArgument("at: a timezone-aware datetime is required "
                                  "(e.g. datetime.now(timezone.utc))")
        return at.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(at, _dt.date):
        return at.isoformat()
    if isinstance(at, str):
        return at
    raise InvalidArgument(f"at: expected an ISO-8601 str, a date or a datetime, "
                          f"got {type(at).__name__}")


class Actor:
    """Who fires an event: `Actor("li", "sales")` or `Actor("boss", ["management"])`. Plain dicts
    `{"id": ..., "roles": [...]}` work wherever an Actor does."""

    __slots__ = ("id", "roles")

    def __init__(self, id, roles=()):
        self.id = id
        self.roles = [roles] if isinstance(roles, str) else list(roles)

    def to_dict(self):
        return {"id": self.id, "roles": list(self.roles)}

    def __repr__(self):
        return f"Actor({self.id!r}, {self.roles!r})"

    def __eq__(self, other):
        return isinstance(other, Actor) and self.to_dict() == other.to_dict()


def _actor(actor):
    if isinstance(actor, Actor):
        actor = actor.to_dict()
    return _json(actor, "actor")


class Reason:
    """Why an event was refused: kind, message, rule id.

    kind is one of unknown_event, invalid_payload, role, state, gate, segregation, approval,
    time, rule_error (a gate rule, route, deadline condition or risk scorer could not be
    evaluated, or a host rule callback raised: the event fails closed; rule names it)."""

    __slots__ = ("kind", "message", "rule")

    def __init__(self, kind, message, rule=""):
        self.kind, self.message, self.rule = kind, message, rule

    def __repr__(self):
        return f"Reason({self.kind!r}, {self.message!r}, {self.rule!r})"


class Outcome:
    """The answer to Case.fire: `accepted`, the `state` afterwards, `reasons` for a refusal,
    `warnings`, the gate's `trace`, and the full JSON as `json`. Truthy when accepted."""

    __slots__ = ("_json", "_text", "_accepted")

    def __init__(self, data=None, *, text=None, accepted=None):
        # The JSON text is parsed on first use: a host that only checks `accepted` (known from
        # the status code) pays nothing for the rest.
        self._json, self._text, self._accepted = data, text, accepted

    @property
    def json(self):
        if self._json is None:
            self._json = json.loads(self._text) if self._text is not None else {}
            self._text = None
        return self._json

    @property
    def accepted(self):
        if self._accepted is None:
            self._accepted = bool(self.json.get("accepted"))
        return self._accepted


    event = property(lambda self: self.json.get("event"))
    seq = property(lambda self: self.json.get("seq"))
    state = property(lambda self: list(self.json.get("state", [])))
    warnings = property(lambda self: list(self.json.get("warnings", [])))
    trace = property(lambda self: self.json.get("trace", {}))
    case_id = property(lambda self: self.json.get("case_id"))
    revision = property(lambda self: self.json.get("revision"))

    @property
    def reasons(self):
        return [Reason(r.get("kind", ""), r.get("message", ""), r.get("rule", ""))
                for r in self.json.get("reasons", [])]

    def __bool__(self):
        return self.accepted

    def raise_if_refused(self):
        if not self.accepted:
            raise Refused(self)
        return self

    def __repr__(self):
        if self.accepted:
            return f"<Outcome {self.event} accepted -> {', '.join(self.state)}>"
        return f"<Outcome {self.event} refused: {'; '.join(r.message for r in self.reasons)}>"


class Verdict:
    """What a custom rule may return instead of a bool: passed, a message, details (JSON)."""

    __slots__ = ("passed", "message", "details")

    def __init__(self, passed, message=None, details=None):
        self.passed, self.message, self.details = bool(passed), message, details


def builtin_policy():
    """The built-in default policy as a dict (the shape Engine(policy=dict) reads)."""
    out = ctypes.c_void_p()
    _check(N.lib().ut_policy_builtin_json(ctypes.byref(out)))
    return _take_json(out)


def version():
    """The C library's version, "MAJOR.MINOR.PATCH"."""
    return N.lib().ut_version().decode()


class _Handle:
    """A library handle in `_handle`, released by the subclass's close(): also at the end of a
    `with` block, and when the object is garbage-collected."""

    @property
    def closed(self):
        return not getattr(self, "_handle", None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


# ---------------------------------------------------------------------------------------------
# Engine


class Engine(_Handle):
    """A policy, the host's callbacks, and the cases it opens.

    `Engine()` uses the built-in policy; `Engine("rules/")` or `Engine("policy.json")` a rules
    directory or file; `Engine({...})` a policy document (dict or JSON text). Use it as a context
    manager, or call close(). An engine may be shared by threads; a case is used by one thread at
    a time.
    """

    def __init__(self, policy=None):
        self._lib = N.lib()
        handle = ctypes.c_void_p()
        if policy is None:
            status = self._lib.ut_engine_open_default(ctypes.byref(handle))
        elif isinstance(policy, (str, os.PathLike)) and not str(policy).lstrip().startswith("{"):
            status = self._lib.ut_engine_open(_text(os.fspath(policy), "policy"),
                                              ctypes.byref(handle))
        else:
            status = self._lib.ut_engine_open_json(_json(policy, "policy"), ctypes.byref(handle))
        _check(status)
        self._handle = handle
        self._lock = threading.Lock()
        # Every callback the library may still call, kept alive until close().
        self._keep = []
        self._listener = None
        self._cases = weakref.WeakValueDictionary()

    # -- lifetime --------------------------------------------------------------------------

    def close(self):
        """Closes the engine. Open cases stay readable (firing raises Closed); callbacks are
        never called again once this returns."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._lib.ut_engine_close(handle)
        self._keep = []
        self._listener = None

    def _h(self):
        if not self._handle:
            raise Closed("the engine is closed")
        return self._handle

    # -- policy ----------------------------------------------------------------------------

    def load_policy(self, policy):
        """Loads a new policy version (a rules directory, a file, or a dict). New cases use it;
        existing cases keep theirs."""
        if isinstance(policy, (str, os.PathLike)) and not str(policy).lstrip().startswith("{"):
            _check(self._lib.ut_engine_load_policy(self._h(), _text(os.fspath(policy), "policy")))
        else:
            _check(self._lib.ut_engine_load_policy_json(self._h(), _json(policy, "policy")))

    def reload(self):
        """Reads the policy again from where it was last loaded (e.g. after register_rule)."""
        _check(self._lib.ut_engine_reload(self._h()))

    def patch_policy(self, patch):
        """Loads the last policy with an RFC 7386 merge patch applied, e.g.
        `{"gates": {"gates": {"intake.confirm": {"rules": [...]}}}}`."""
        _check(self._lib.ut_engine_load_policy_patch(self._h(), _json(patch, "patch")))

    @property
    def policy_info(self):
        """`{"name", "version", "roles", "events": {event: {"roles", "gated"}}}`."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_engine_policy_info(self._h(), ctypes.byref(out)))
        return _take_json(out)

    def set_limits(self, max_json_bytes=0, max_json_depth=0):
        """Limits for JSON the engine reads and accepts (include/undertake/limits.hpp: the depth
        from 8 to 1000; 0 keeps a limit)."""
        _check(self._lib.ut_engine_set_limits(self._h(), max_json_bytes, max_json_depth))

    # -- callbacks -------------------------------------------------------------------------

    def register_rule(self, name, fn):
        """Registers a custom rule: `fn(facts: dict, event: str, actor: dict)` returns a bool,
        `(passed, message)`, `(passed, message, details)` or a Verdict. An exception makes the
        rule fail closed (the event is refused, the exception shown). Reload the policy that
        references it afterwards (reload() or load_policy())."""

        def trampoline(_user_data, facts, event, actor, verdict):
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
                    self._lib.ut_verdict_set_message(verdict, _text(str(message), "message"))
                if details is not None:
                    self._lib.ut_verdict_set_details(verdict, _json(details, "details"))
                return N.UT_RULE_PASS if passed else N.UT_RULE_FAIL
            except BaseException as e:  # never let an exception unwind into C
                try:
                    self._lib.ut_verdict_set_message(
                        verdict, f"{type(e).__name__}: {e}".encode("utf-8", "replace"))
                except BaseException:
                    pass
                return -1

        callback = N.RULE_FN(trampoline)
        _check(self._lib.ut_engine_register_rule(self._h(), _text(name, "name"), callback, None))
        with self._lock:
            self._keep.append(callback)  # policies loaded earlier may still call older ones

    def rule(self, name):
        """Decorator form of register_rule: `@engine.rule("credit_check")`."""

        def decorate(fn):
            self.register_rule(name, fn)
            return fn

        return decorate

    def set_listener(self, fn):
        """Calls `fn(case_id, event, accepted, outcome: Outcome)` after every fire on any case of
        this engine (accepted or refused), on the firing thread. None removes it. Exceptions are
        logged (logger "undertake") and otherwise ignored: the event stands."""
        if fn is None:
            _check(self._lib.ut_engine_set_listener(self._h(), N.LISTENER_FN(), None))
            self._listener = None
            return

        def trampoline(_user_data, case_id, event, accepted, outcome):
            try:
                fn(case_id.decode("utf-8"), event.decode("utf-8"), bool(accepted),
                   Outcome(json.loads(outcome)))
            except BaseException:
                _log.exception("undertake listener raised (ignored)")

        callback = N.LISTENER_FN(trampoline)
        _check(self._lib.ut_engine_set_listener(self._h(), callback, None))
        self._listener = callback

    def register_kpi(self, kpi_id, fn, definition=None):
        """Registers the calculator of a KPI: `fn(ledgers: list, period: dict)` returns a number,
        or None for "no data in the period". `definition`: `{"title", "department", "unit",
        "direction": "higher"|"lower", "target"}`."""

        def trampoline(_user_data, ledgers, period, value, has_value):
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
        _check(self._lib.ut_engine_register_kpi(self._h(), _text(kpi_id, "kpi_id"),
                                                _json(definition, "definition"), callback, None))
        with self._lock:
            self._keep.append(callback)

    # -- cases -----------------------------------------------------------------------------

    def _adopt(self, handle):
        case = Case(self, handle)
        self._cases[case.id] = case
        return case

    def create_case(self, case_id, data):
        """A new case in Intake.Registered with the requirement form `data` (a dict)."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_create(self._h(), _text(case_id, "case_id"), _json(data, "data"),
                                        ctypes.byref(out)))
        return self._adopt(out)

    def restore(self, snapshot):
        """A case from a snapshot (dict or JSON text) taken with Case.snapshot()."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_restore(self._h(), _json(snapshot, "snapshot"),
                                         ctypes.byref(out)))
        return self._adopt(out)

    def restore_entries(self, head, entries):
        """A case from its head (Case.head()) and every entry of its ledger (the rows
        Case.entries() gave: a list of dicts or of JSON texts, seq 1 to the head's, in order),
        the rows checked against their hash chain (SnapshotError names the entry at fault as
        `/ledger/<index>`). The case holds its whole ledger (Case.ledger(), Engine.kpi)."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_restore_entries(self._h(), _json(head, "head"),
                                                 _entries(entries), ctypes.byref(out)))
        return self._adopt(out)

    def replay(self, ledger):
        """A case rebuilt from its ledger (Case.ledger())."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_replay(self._h(), _json(ledger, "ledger"), ctypes.byref(out)))
        return self._adopt(out)

    def find_case(self, case_id):
        """The open case with that id; NotFound otherwise."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_engine_find_case(self._h(), _text(case_id, "case_id"),
                                             ctypes.byref(out)))
        case = self._cases.get(case_id)
        if case is None or case._handle.value != out.value:
            raise NotFound(f"case {case_id}: not open in this process", N.UT_E_NOT_FOUND)
        return case

    # -- integrity -------------------------------------------------------------------------

    def set_host_key(self, key):
        """Seals cases created, restored or loaded from now on with HMAC-SHA-256 under `key`
        (bytes, or a str taken as UTF-8; not empty): a stored case edited and re-hashed without
        the key is refused. Every engine sharing a store must use the same key."""
        if isinstance(key, str):
            key = _text(key, "key")
        if not isinstance(key, (bytes, bytearray)):
            raise InvalidArgument(f"key: expected bytes or a str, got {type(key).__name__}")
        key = bytes(key)
        _check(self._lib.ut_engine_set_host_key(self._h(), key, len(key)))

    def verify(self, snapshot):
        """The audit of a snapshot holding its ledger (Case.snapshot()): digest, hash chain and a
        full replay. `{"case_id", "revision", "ok", "problems": [{"where", "why"}]}`; what it
        finds is in the report, it raises only for a snapshot it cannot read (SnapshotError)."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_verify(self._h(), _json(snapshot, "snapshot"), ctypes.byref(out)))
        return _take_json(out)

    def verify_entries(self, head, entries):
        """verify() of a case kept as its head and its ledger's rows (as restore_entries takes
        them): `{"case_id", "revision", "ok", "problems": [{"where", "why"}]}`."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_verify_entries(self._h(), _json(head, "head"), _entries(entries),
                                                ctypes.byref(out)))
        return _take_json(out)

    # -- KPIs ------------------------------------------------------------------------------

    def kpi(self, ledgers, period_from, period_to, skip_bad_cases=False):
        """The KPI report over case ledgers or snapshots (a list of dicts) for the period (dates
        or ISO strings, both inclusive)."""
        period = {"from": _iso(period_from)[:10], "to": _iso(period_to)[:10],
                  "skip_bad_cases": bool(skip_bad_cases)}
        out = ctypes.c_void_p()
        _check(self._lib.ut_engine_kpi(self._h(), _json(list(ledgers), "ledgers"),
                                       _json(period, "period"), ctypes.byref(out)))
        return _take_json(out)

    def kpi_people(self, ledgers, period_from, period_to):
        """The per-person scorecard (policy §四(二)2) over case ledgers or snapshots for the
        period: each person's measures with their data points, score and ranking per department
        (measures with too few data points are shown as such, not scored)."""
        period = {"from": _iso(period_from)[:10], "to": _iso(period_to)[:10]}
        out = ctypes.c_void_p()
        _check(self._lib.ut_engine_kpi_people(self._h(), _json(list(ledgers), "ledgers"),
                                              _json(period, "period"), ctypes.byref(out)))
        return _take_json(out)

    def quality(self, ledgers, period_from, period_to):
        """The quality report (policy §二(七)2) over case ledgers or snapshots for the period:
        pass rates per product and month, the Pareto of defect causes with repeat causes
        flagged, rectifications and their cost, complaints by severity and root cause."""
        period = {"from": _iso(period_from)[:10], "to": _iso(period_to)[:10]}
        out = ctypes.c_void_p()
        _check(self._lib.ut_engine_quality(self._h(), _json(list(ledgers), "ledgers"),
                                           _json(period, "period"), ctypes.byref(out)))
        return _take_json(out)


# ---------------------------------------------------------------------------------------------
# Case


class Case(_Handle):
    """One order going through the process. Use it from one thread at a time."""

    def __init__(self, engine, handle):
        self._engine = engine  # keeps the engine's callbacks alive while the case lives
        self._lib = engine._lib
        self._handle = handle
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_id(handle, ctypes.byref(out)))
        self._id = _take(out)

    def close(self):
        """Frees the case (also done when it is garbage-collected)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._lib.ut_case_free(handle)

    def _h(self):
        if not self._handle:
            raise InvalidArgument(f"case {self._id}: closed")
        return self._handle

    def __repr__(self):
        return f"<Case {self._id} {', '.join(self.state) if self._handle else 'closed'}>"

    # -- firing ----------------------------------------------------------------------------

    def fire(self, event, actor, payload=None, at=None, *, check=False, expected_revision=None):
        """Fires an event and returns its Outcome (refusals too, unless `check=True`, which
        raises Refused). `actor`: an Actor or `{"id", "roles"}`; `payload`: a dict; `at`: an
        ISO-8601 str, a date, or an aware datetime (default: now, UTC). `expected_revision`:
        raise Conflict unless the case is at that revision (optimistic concurrency)."""
        if at is None:
            at = _dt.datetime.now(_dt.timezone.utc)
        args = (_text(event, "event"), _actor(actor), _json(payload, "payload"),
                _iso(at).encode("utf-8"))
        out = ctypes.c_void_p()
        if expected_revision is None:
            status = self._lib.ut_case_fire(self._h(), *args, ctypes.byref(out))
        else:
            status = self._lib.ut_case_fire_if_revision(self._h(), int(expected_revision), *args,
                                                        ctypes.byref(out))
        if status < 0:
            _take(out)
            _raise(status)
        outcome = Outcome(text=_take(out), accepted=status == N.UT_OK)
        if check and not outcome.accepted:
            raise Refused(outcome)
        return outcome

    def fire_or_raise(self, event, actor, payload=None, at=None, **kw):
        """fire(..., check=True): raises Refused (with the reasons) when refused."""
        return self.fire(event, actor, payload, at, check=True, **kw)

    # -- reading ---------------------------------------------------------------------------

    def _read(self, fn):
        out = ctypes.c_void_p()
        _check(fn(self._h(), ctypes.byref(out)))
        return _take_json(out)

    @property
    def id(self):
        return self._id

    @property
    def status(self):
        """`{"case_id", "stage", "state", "revision", "policy_version"}`."""
        return self._read(self._lib.ut_case_state)

    @property
    def state(self):
        """The active configuration, e.g. `["Contract.Drafting"]`."""
        return self.status["state"]

    @property
    def stage(self):
        return self.status["stage"]

    @property
    def revision(self):
        value = ctypes.c_uint64()
        _check(self._lib.ut_case_revision(self._h(), ctypes.byref(value)))
        return value.value

    def snapshot(self):
        """The snapshot as a dict (for the host's database; Engine.restore reads it back)."""
        return self._read(self._lib.ut_case_snapshot)

    def snapshot_json(self):
        """The snapshot as the library wrote it (JSON text)."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_snapshot(self._h(), ctypes.byref(out)))
        return _take(out)

    def head(self):
        """The snapshot without the ledger, as a dict: what a host's own table keeps per case
        (updated in place) beside an append-only table of entries; Engine.restore reads it back
        without the ledger."""
        return self._read(self._lib.ut_case_head)

    def head_json(self):
        """head() as the library wrote it (JSON text)."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_head(self._h(), ctypes.byref(out)))
        return _take(out)

    def entries(self, after=0):
        """The sealed ledger entries after revision `after` (0: all), oldest first: `[{"seq",
        "at", "event", "actor", "payload", "state", "hash", ...}]`, one row each for the host's
        append-only table. A case restored from its head holds the entries from its revision on
        only (InvalidArgument for earlier ones)."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_entries(self._h(), int(after), ctypes.byref(out)))
        return _take_json(out)

    def ledger(self):
        return self._read(self._lib.ut_case_ledger)

    def record(self):
        return self._read(self._lib.ut_case_record)

    def risk(self):
        """The risk assessment: index, level, categories, risks."""
        return self._read(self._lib.ut_case_risk)

    def deadlines(self):
        """The pending deadlines, earliest due first."""
        return self._read(self._lib.ut_case_deadlines)

    def tick(self, now=None):
        """Checks the deadlines at `now` (default: now, UTC): records escalations (the revision
        grows), tells the listener ("deadline.escalated"), returns the due-soon and overdue
        items: `{"case_id", "now", "escalated", "items": [...]}`."""
        if now is None:
            now = _dt.datetime.now(_dt.timezone.utc)
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_tick(self._h(), _iso(now).encode("utf-8"), ctypes.byref(out)))
        return _take_json(out)

    def available(self, actor):
        """The events `actor` may fire now: `[{"event", "gated"}]`."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_case_available(self._h(), _actor(actor), ctypes.byref(out)))
        return _take_json(out)

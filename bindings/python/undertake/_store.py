"""Stores (design.md §9): where cases live between requests, over the C API's ut_store_*.

An ERP service handling a "button clicked" request does not keep the case in memory: it loads it
from the database its app servers share, fires, saves — `Store.fire` does the three with the
revision checked and, given a request id, answers a retried request with the first outcome.
"""

import ctypes
import json

from . import _native as N
from ._engine import (Actor, Case, InvalidArgument, InvalidJson, Outcome, Refused, _actor, _check,
                      _Handle, _iso, _json, _raise, _take, _take_json, _text)


class StoredOutcome(Outcome):
    """What Store.fire did: an Outcome (accepted, state, reasons, ...) plus `attempts` (loads it
    took: more than 1 when another writer saved the case in between), `repeated` (a repeat of a
    remembered request id: nothing was fired) and `request_id`."""

    __slots__ = ()

    attempts = property(lambda self: self.json.get("attempts"))
    repeated = property(lambda self: bool(self.json.get("repeated")))
    request_id = property(lambda self: self.json.get("request_id"))


def _time(value, what):
    if value is None:
        raise InvalidArgument(f"{what}: required (the host says when things happen)")
    return _iso(value).encode("utf-8")


def _optional_time(value):
    return None if value is None else _iso(value)


def _actor_value(actor):
    """An actor as a JSON value (to go inside another document)."""
    if isinstance(actor, Actor):
        return actor.to_dict()
    if isinstance(actor, (str, bytes, bytearray)):
        try:
            return json.loads(actor)
        except ValueError as e:
            raise InvalidJson(f"actor: not valid JSON: {e}") from None
    return actor


def _without_none(**fields):
    return {k: v for k, v in fields.items() if v is not None}


class Store(_Handle):
    """A place to keep cases: `Store.open("sqlite:/var/lib/erp/cases.db")` (or a plain path;
    `?mode=ro` for read-only, `?synchronous=normal` for faster, less durable commits). Use it as
    a context manager, or call close(). A store may be shared by threads; several stores,
    processes or machines may open the same database.

    Errors raise the binding's exceptions: Conflict (a stale revision, an id already stored, or
    Store.fire's retries used up), NotFound, SnapshotError (a damaged or edited stored case),
    IOFailure (the database failed, is read-only, locked or of a newer schema)."""

    def __init__(self, handle):
        self._lib = N.lib()
        self._handle = handle

    @classmethod
    def open(cls, uri):
        """Opens (or creates) the store at `uri`: "sqlite:PATH", a plain path, or a PostgreSQL
        connection URI ("postgresql://...") or "postgresql:" with libpq settings."""
        lib = N.lib()
        handle = ctypes.c_void_p()
        _check(lib.ut_store_open(_text(str(uri), "uri"), ctypes.byref(handle)))
        return cls(handle)

    # -- lifetime --------------------------------------------------------------------------

    def close(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._lib.ut_store_close(handle)

    def _h(self):
        if not self._handle:
            raise InvalidArgument("the store is closed")
        return self._handle

    def _read(self, fn, *args):
        out = ctypes.c_void_p()
        _check(fn(self._h(), *args, ctypes.byref(out)))
        return _take_json(out)

    # -- cases -----------------------------------------------------------------------------

    def create(self, case):
        """Stores a new case (Engine.create_case): Conflict when its id is already stored."""
        _check(self._lib.ut_store_create(self._h(), case._h()))

    def load(self, engine, case_id):
        """The stored case, restored on `engine` without replaying its ledger. It is not
        registered as open on the engine (find_case does not see it); close it when done."""
        out = ctypes.c_void_p()
        _check(self._lib.ut_store_load(self._h(), engine._h(), _text(case_id, "case_id"),
                                       ctypes.byref(out)))
        return Case(engine, out)

    def save(self, case, expected_revision):
        """Saves what `case` added since it was loaded at `expected_revision`: Conflict when
        someone saved it in between (nothing is written; load it again)."""
        _check(self._lib.ut_store_save(self._h(), case._h(), int(expected_revision)))

    def fire(self, engine, case_id, event, actor, payload=None, at=None, request_id=None, *,
             check=False):
        """Loads the case, fires the event at `at` (required: an ISO-8601 str, a date or an aware
        datetime), saves it when accepted, with the revision checked and a conflict retried on a
        fresh load. With a `request_id`, a repeat of the request (a client that timed out and
        retried) returns the first outcome (`repeated`) and fires nothing. Returns a
        StoredOutcome (refusals too, unless `check=True`: Refused)."""
        args = (_text(case_id, "case_id"), _text(event, "event"), _actor(actor),
                _json(payload, "payload"), _time(at, "at"),
                None if request_id is None else _text(request_id, "request_id"))
        out = ctypes.c_void_p()
        status = self._lib.ut_store_fire(self._h(), engine._h(), *args, ctypes.byref(out))
        if status < 0:
            _raise(status)  # nothing to free: outputs are NULL on errors
        outcome = StoredOutcome(text=_take(out), accepted=status == N.UT_OK)
        if check and not outcome.accepted:
            raise Refused(outcome)
        return outcome

    # -- reading ---------------------------------------------------------------------------

    def list(self, stage=None, open=None, attention_by=None, updated_since=None, limit=None):
        """Summaries of the stored cases, in case id order: `[{"case_id", "policy_version",
        "revision", "stage", "state", "terminated", "customer", "updated", "attention",
        "due"}]`. `open=True`: not closed, rejected or cancelled."""
        query = _without_none(stage=stage, open=open, attention_by=_optional_time(attention_by),
                              updated_since=_optional_time(updated_since), limit=limit)
        return self._read(self._lib.ut_store_list, _json(query, "filter"))

    def inbox(self, engine, actor, stage=None, customer=None, due_by=None, after=None,
              limit=None):
        """The actor's worklist: `{"items": [summary + "events": [{"event", "gated"}]], "next"}`
        — the cases in which one of its roles may fire an event now, at most `limit` (default
        100) per page after case id `after`; "next" is the `after` of the next page (None on
        the last)."""
        query = _without_none(actor=_actor_value(actor), stage=stage, customer=customer,
                              due_by=_optional_time(due_by), after=after, limit=limit)
        return self._read(self._lib.ut_store_inbox_query, engine._h(), _json(query, "query"))

    def ledger(self, case_id):
        """The stored ledger: `{"case_id", "policy_version", "data", "ledger": [...]}`."""
        return self._read(self._lib.ut_store_ledger, _text(case_id, "case_id"))

    def changes(self, after=0, limit=100):
        """The change feed: at most `limit` (1 to 10000) `{"position", "case_id", "entry"}`
        after position `after`, in commit order. Keep the last position you handled."""
        return self._read(self._lib.ut_store_changes, int(after), int(limit))

    # -- the engine's work over the store ----------------------------------------------------

    def tick(self, engine, now):
        """Records and saves the escalations due at `now` (required) in every stored case that
        needs attention: `{"now", "cases_checked", "escalated", "cases", "failures"}`."""
        return self._read(self._lib.ut_store_tick, engine._h(), _time(now, "now"))

    def kpi(self, engine, period_from, period_to, skip_bad_cases=False):
        """The KPI report (as Engine.kpi) over every stored case, for the period (dates, both
        inclusive). Each ledger is checked against its hash chain first (SnapshotError)."""
        period = {"from": _iso(period_from)[:10], "to": _iso(period_to)[:10],
                  "skip_bad_cases": bool(skip_bad_cases)}
        return self._read(self._lib.ut_store_kpi, engine._h(), _json(period, "period"))

    def verify(self, engine, case_id):
        """The audit of a stored case by full replay: `{"case_id", "revision", "ok",
        "problems": [{"where", "why"}]}`."""
        return self._read(self._lib.ut_store_verify, engine._h(), _text(case_id, "case_id"))

"""Stores (design.md §9): where cases live between requests, over the C API's ut_store_*.

An ERP service handling a "button clicked" request does not keep the case in memory: it loads it
from the database its app servers share, fires, saves — `Store.fire` does the three with the
revision checked and, given a request id, answers a retried request with the first outcome.
"""

from __future__ import annotations

import ctypes
import json
import os
from typing import Any, List, Optional, Union

from . import _native as N
from ._case import Case
from ._engine import Engine, _Handle, _period
from ._errors import InvalidJson, check
from ._values import (ActorLike, Actor, Document, Json, JsonObject, Outcome, When, actor_json,
                      iso, outcome_of, take_json, text, to_json)


class StoredOutcome(Outcome):
    """What Store.fire did: an Outcome (accepted, state, reasons, ...) plus `attempts` (loads it
    took: more than 1 when another writer saved the case in between), `repeated` (a repeat of a
    remembered request id: nothing was fired) and `request_id`."""

    __slots__ = ()

    @property
    def attempts(self) -> Optional[int]:
        return self.json.get("attempts")

    @property
    def repeated(self) -> bool:
        return bool(self.json.get("repeated"))

    @property
    def request_id(self) -> Optional[str]:
        return self.json.get("request_id")


def _optional_time(value: Optional[When], what: str) -> Optional[str]:
    return None if value is None else iso(value, what)


def _actor_value(actor: ActorLike) -> Json:
    """An actor as a JSON value (to go inside another document)."""
    if isinstance(actor, Actor):
        return actor.to_dict()
    if isinstance(actor, (str, bytes, bytearray)):
        try:
            return json.loads(actor)
        except ValueError as e:
            raise InvalidJson(f"actor: not valid JSON: {e}", where="actor") from None
    return actor


def _without_none(**fields: Any) -> JsonObject:
    return {k: v for k, v in fields.items() if v is not None}


class Store(_Handle):
    """A place to keep cases: `Store.open("sqlite:/var/lib/erp/cases.db")` (or a plain path;
    `?mode=ro` for read-only, `?synchronous=normal` for faster, less durable commits). Use it as
    a context manager, or call close(). A store may be shared by threads; several stores,
    processes or machines may open the same database.

    Errors raise the binding's exceptions: Conflict (a stale revision, an id already stored, or
    Store.fire's retries used up), NotFound, SnapshotError (a damaged or edited stored case),
    IOFailure (the database failed, is read-only, locked or of a newer schema), Closed (the
    store, or the engine passed in, was closed)."""

    def __init__(self, handle: ctypes.c_void_p) -> None:
        self._lib = N.lib()
        self._handle = handle

    @classmethod
    def open(cls, uri: Union[str, "os.PathLike[str]"]) -> Store:
        """Opens (or creates) the store at `uri`: "sqlite:PATH", a plain path, or a PostgreSQL
        connection URI ("postgresql://...") or "postgresql:" with libpq settings."""
        lib = N.lib()
        handle = ctypes.c_void_p()
        check(lib.ut_store_open(text(str(uri), "uri"), ctypes.byref(handle)))
        return cls(handle)

    # -- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        handle = self._release()
        if handle:
            self._lib.ut_store_close(handle)

    def _read(self, fn: Any, *args: Any) -> Any:
        out = ctypes.c_void_p()
        check(fn(self._h(), *args, ctypes.byref(out)))
        return take_json(out)

    # -- cases -----------------------------------------------------------------------------

    def create(self, case: Case) -> None:
        """Stores a new case (Engine.create_case): Conflict when its id is already stored."""
        check(self._lib.ut_store_create(self._h(), case._h()))

    def load(self, engine: Engine, case_id: str) -> Case:
        """The stored case, restored on `engine` without replaying its ledger. It is not
        registered as open on the engine (find_case does not see it); close it when done."""
        out = ctypes.c_void_p()
        check(self._lib.ut_store_load(self._h(), engine._h(), text(case_id, "case_id"),
                                      ctypes.byref(out)))
        return Case(engine, out)

    def save(self, case: Case, expected_revision: int) -> None:
        """Saves what `case` added since it was loaded at `expected_revision`: Conflict when
        someone saved it in between (nothing is written; load it again)."""
        check(self._lib.ut_store_save(self._h(), case._h(), int(expected_revision)))

    def fire(self, engine: Engine, case_id: str, event: str, actor: ActorLike,
             payload: Optional[Document] = None, at: Optional[When] = None,
             request_id: Optional[str] = None, *, check: bool = False) -> StoredOutcome:
        """Loads the case, fires the event at `at` (an ISO-8601 str, a date or an aware datetime;
        left out: the engine's clock, InvalidArgument without one), saves it when accepted, with
        the revision checked and a conflict retried on a fresh load. With a `request_id`, a
        repeat of the request (a client that timed out and retried) returns the first outcome
        (`repeated`) and fires nothing. Returns a StoredOutcome (refusals too, unless
        `check=True`: Refused)."""
        args = (text(case_id, "case_id"), text(event, "event"), actor_json(actor),
                to_json(payload, "payload"), engine._when(at, "at"),
                None if request_id is None else text(request_id, "request_id"))
        out = ctypes.c_void_p()
        status = self._lib.ut_store_fire(self._h(), engine._h(), *args, ctypes.byref(out))
        return outcome_of(status, out, StoredOutcome, check)

    # -- reading ---------------------------------------------------------------------------

    def list(self, stage: Optional[str] = None, open: Optional[bool] = None,
             attention_by: Optional[When] = None, updated_since: Optional[When] = None,
             limit: Optional[int] = None) -> List[JsonObject]:
        """Summaries of the stored cases, in case id order: `[{"case_id", "policy_version",
        "revision", "stage", "state", "terminated", "customer", "updated", "attention",
        "due"}]`. `open=True`: not closed, rejected or cancelled."""
        query = _without_none(stage=stage, open=open,
                              attention_by=_optional_time(attention_by, "attention_by"),
                              updated_since=_optional_time(updated_since, "updated_since"),
                              limit=limit)
        cases: List[JsonObject] = self._read(self._lib.ut_store_list, to_json(query, "filter"))
        return cases

    def inbox(self, engine: Engine, actor: ActorLike, stage: Optional[str] = None,
              customer: Optional[str] = None, due_by: Optional[When] = None,
              after: Optional[str] = None, limit: Optional[int] = None) -> JsonObject:
        """The actor's worklist: `{"items": [summary + "events": [{"event", "gated"}]], "next"}`
        — the cases in which one of its roles may fire an event now, at most `limit` (default
        100) per page after case id `after`; "next" is the `after` of the next page (None on
        the last)."""
        query = _without_none(actor=_actor_value(actor), stage=stage, customer=customer,
                              due_by=_optional_time(due_by, "due_by"), after=after, limit=limit)
        inbox: JsonObject = self._read(self._lib.ut_store_inbox_query, engine._h(),
                                       to_json(query, "query"))
        return inbox

    def ledger(self, case_id: str) -> JsonObject:
        """The stored ledger: `{"case_id", "policy_version", "data", "ledger": [...]}`."""
        ledger: JsonObject = self._read(self._lib.ut_store_ledger, text(case_id, "case_id"))
        return ledger

    def changes(self, after: int = 0, limit: int = 100) -> List[JsonObject]:
        """The change feed: at most `limit` (1 to 10000) `{"position", "case_id", "entry"}`
        after position `after`, in commit order. Keep the last position you handled."""
        changes: List[JsonObject] = self._read(self._lib.ut_store_changes, int(after),
                                               int(limit))
        return changes

    # -- the engine's work over the store ----------------------------------------------------

    def tick(self, engine: Engine, now: Optional[When] = None) -> JsonObject:
        """Records and saves the escalations due at `now` (left out: the engine's clock,
        InvalidArgument without one) in every stored case that needs attention: `{"now",
        "cases_checked", "escalated", "cases", "failures"}`."""
        report: JsonObject = self._read(self._lib.ut_store_tick, engine._h(),
                                        engine._when(now, "now"))
        return report

    def kpi(self, engine: Engine, period_from: When, period_to: When,
            skip_bad_cases: bool = False) -> JsonObject:
        """The KPI report (as Engine.kpi) over every stored case, for the period (dates, both
        inclusive). Each ledger is checked against its hash chain first (SnapshotError)."""
        period = _period(period_from, period_to, skip_bad_cases=bool(skip_bad_cases))
        report: JsonObject = self._read(self._lib.ut_store_kpi, engine._h(),
                                        to_json(period, "period"))
        return report

    def verify(self, engine: Engine, case_id: str) -> JsonObject:
        """The audit of a stored case by full replay: `{"case_id", "revision", "ok",
        "problems": [{"where", "why"}]}`."""
        report: JsonObject = self._read(self._lib.ut_store_verify, engine._h(),
                                        text(case_id, "case_id"))
        return report

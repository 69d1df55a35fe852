"""A Case: one order going through the process, opened by an Engine."""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any, List, Optional

from ._errors import Closed, check
from ._values import (ActorLike, Document, JsonObject, Outcome, When, actor_json, outcome_of,
                      take, take_json, text, to_json)
from ._engine import _Handle

if TYPE_CHECKING:
    from ._engine import Engine


class Case(_Handle):
    """One order going through the process. Use it from one thread at a time."""

    def __init__(self, engine: Engine, handle: ctypes.c_void_p) -> None:
        self._engine = engine  # keeps the engine's callbacks alive while the case lives
        self._lib = engine._lib
        self._handle = handle
        out = ctypes.c_void_p()
        check(self._lib.ut_case_id(handle, ctypes.byref(out)))
        self._id: str = take(out) or ""

    def close(self) -> None:
        """Frees the case (also done when it is garbage-collected)."""
        handle = self._release()
        if handle:
            self._lib.ut_case_free(handle)

    def _closed_error(self) -> Closed:
        return Closed(f"case {self._id}: closed", where=self._id)

    def __repr__(self) -> str:
        return f"<Case {self._id} {', '.join(self.state) if self._handle else 'closed'}>"

    # -- firing ----------------------------------------------------------------------------

    def fire(self, event: str, actor: ActorLike, payload: Optional[Document] = None,
             at: Optional[When] = None, *, check: bool = False,
             expected_revision: Optional[int] = None) -> Outcome:
        """Fires an event and returns its Outcome (refusals too, unless `check=True`, which
        raises Refused). `actor`: an Actor or `{"id", "roles"}`; `payload`: a dict; `at`: when it
        happened, an ISO-8601 str, a date, or an aware datetime (left out: the engine's clock,
        Engine(clock=...); InvalidArgument without one). `expected_revision`: raise Conflict
        unless the case is at that revision (optimistic concurrency)."""
        args = (text(event, "event"), actor_json(actor), to_json(payload, "payload"),
                self._engine._when(at, "at"))
        out = ctypes.c_void_p()
        if expected_revision is None:
            status = self._lib.ut_case_fire(self._h(), *args, ctypes.byref(out))
        else:
            status = self._lib.ut_case_fire_if_revision(self._h(), int(expected_revision), *args,
                                                        ctypes.byref(out))
        return outcome_of(status, out, Outcome, check)

    def fire_or_raise(self, event: str, actor: ActorLike, payload: Optional[Document] = None,
                      at: Optional[When] = None, **kw: Any) -> Outcome:
        """fire(..., check=True): raises Refused (with the reasons) when refused."""
        return self.fire(event, actor, payload, at, check=True, **kw)

    # -- reading ---------------------------------------------------------------------------

    def _text_of(self, fn: Any, *args: Any) -> Optional[str]:
        out = ctypes.c_void_p()
        check(fn(self._h(), *args, ctypes.byref(out)))
        return take(out)

    def _read(self, fn: Any, *args: Any) -> Any:
        out = ctypes.c_void_p()
        check(fn(self._h(), *args, ctypes.byref(out)))
        return take_json(out)

    @property
    def id(self) -> str:
        return self._id

    @property
    def status(self) -> JsonObject:
        """`{"case_id", "stage", "state", "revision", "policy_version"}`."""
        status: JsonObject = self._read(self._lib.ut_case_state)
        return status

    @property
    def state(self) -> List[str]:
        """The active configuration, e.g. `["Contract.Drafting"]`."""
        return list(self.status["state"])

    @property
    def stage(self) -> str:
        return str(self.status["stage"])

    @property
    def revision(self) -> int:
        value = ctypes.c_uint64()
        check(self._lib.ut_case_revision(self._h(), ctypes.byref(value)))
        return value.value

    def snapshot(self) -> JsonObject:
        """The snapshot as a dict (for the host's database; Engine.restore reads it back)."""
        snapshot: JsonObject = self._read(self._lib.ut_case_snapshot)
        return snapshot

    def snapshot_json(self) -> str:
        """The snapshot as the library wrote it (JSON text)."""
        return self._text_of(self._lib.ut_case_snapshot) or ""

    def head(self) -> JsonObject:
        """The snapshot without the ledger, as a dict: what a host's own table keeps per case
        (updated in place) beside an append-only table of entries; Engine.restore reads it back
        without the ledger."""
        head: JsonObject = self._read(self._lib.ut_case_head)
        return head

    def head_json(self) -> str:
        """head() as the library wrote it (JSON text)."""
        return self._text_of(self._lib.ut_case_head) or ""

    def entries(self, after: int = 0) -> List[JsonObject]:
        """The sealed ledger entries after revision `after` (0: all), oldest first: `[{"seq",
        "at", "event", "actor", "payload", "state", "hash", ...}]`, one row each for the host's
        append-only table. A case restored from its head holds the entries from its revision on
        only (InvalidArgument for earlier ones)."""
        entries: List[JsonObject] = self._read(self._lib.ut_case_entries, int(after))
        return entries

    def ledger(self) -> JsonObject:
        """`{"case_id", "policy_version", "data", "ledger": [...]}`."""
        ledger: JsonObject = self._read(self._lib.ut_case_ledger)
        return ledger

    def record(self) -> JsonObject:
        """The case record: what the process has recorded so far (contract, samples, ...)."""
        record: JsonObject = self._read(self._lib.ut_case_record)
        return record

    def risk(self) -> JsonObject:
        """The risk assessment: index, level, categories, risks."""
        risk: JsonObject = self._read(self._lib.ut_case_risk)
        return risk

    def deadlines(self) -> List[JsonObject]:
        """The pending deadlines, earliest due first."""
        deadlines: List[JsonObject] = self._read(self._lib.ut_case_deadlines)
        return deadlines

    def tick(self, now: Optional[When] = None) -> JsonObject:
        """Checks the deadlines at `now` (left out: the engine's clock; InvalidArgument without
        one): records escalations (the revision grows), tells the listener
        ("deadline.escalated"), returns the due-soon and overdue items: `{"case_id", "now",
        "escalated", "items": [...]}`."""
        report: JsonObject = self._read(self._lib.ut_case_tick, self._engine._when(now, "now"))
        return report

    def available(self, actor: ActorLike) -> List[JsonObject]:
        """The events `actor` may fire now: `[{"event", "gated"}]`."""
        events: List[JsonObject] = self._read(self._lib.ut_case_available, actor_json(actor))
        return events

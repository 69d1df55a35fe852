"""Values in and out of the library: strings, JSON, times, actors, and the answers it gives
(Outcome, Reason) or takes from a custom rule (Verdict).

Every string the library returns is copied and released with ut_free at once (`take`).
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import json
from typing import (Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Type,
                    TypeVar, Union)

from . import _native as N
from ._errors import InvalidArgument, InvalidJson, Refused, library_error

#: A JSON value as Python holds it: dicts, lists, str, int, float, bool, None.
Json = Any
#: A JSON object (a dict), as most of the library's answers are.
JsonObject = Dict[str, Any]
#: A point in time: an ISO-8601 str ("2026-03-02", "2026-03-02T09:00:00Z"), a date (midnight
#: UTC) or a timezone-aware datetime.
When = Union[str, _dt.date, _dt.datetime]
#: What a host passes as the clock of an engine (Engine(clock=...)): called with no argument
#: whenever the host leaves out the time of a fire or tick, it returns a When.
Clock = Callable[[], When]
#: A JSON document as the binding takes it: a dict or list, its JSON text, or UTF-8 bytes.
Document = Union[Mapping[str, Any], Sequence[Any], str, bytes, bytearray]


def take(ptr: ctypes.c_void_p) -> Optional[str]:
    """Copies a string the library returned and releases it (ut_free)."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        N.lib().ut_free(ptr)


def take_json(ptr: ctypes.c_void_p) -> Json:
    text = take(ptr)
    return None if text is None else json.loads(text)


def text(value: str, what: str) -> bytes:
    if not isinstance(value, str):
        raise InvalidArgument(f"{what}: expected a str, got {type(value).__name__}", where=what)
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidArgument(f"{what}: not encodable as UTF-8 ({e.reason})",
                              where=what) from None


def to_json(value: object, what: str) -> Optional[bytes]:
    """A dict (or list, or JSON text, or UTF-8 JSON bytes) as UTF-8 JSON bytes; None for None.
    InvalidJson for what JSON cannot represent."""
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return text(value, what)
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"), default=_json_default).encode("utf-8")
    except (TypeError, ValueError) as e:
        raise InvalidJson(f"{what}: not representable as JSON: {e}", where=what) from None
    except UnicodeEncodeError as e:
        raise InvalidArgument(f"{what}: not encodable as UTF-8 ({e.reason})",
                              where=what) from None


def entries_json(entries: Union[Iterable[Union[Mapping[str, Any], str, bytes]], str, bytes]
                 ) -> Optional[bytes]:
    """Ledger entries (Case.entries()) as one JSON array: a list of dicts and/or the JSON text of
    single rows as a host's table gives them back, or the JSON text of the whole array."""
    if isinstance(entries, (str, bytes, bytearray)):
        return to_json(entries, "entries")
    if not isinstance(entries, (list, tuple)):
        raise InvalidArgument(f"entries: expected a list of entries or JSON text, "
                              f"got {type(entries).__name__}", where="entries")
    rows = [to_json(row, f"entries[{i}]") or b"null" for i, row in enumerate(entries)]
    return b"[" + b",".join(rows) + b"]"


def _json_default(value: object) -> Json:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return iso(value)
    if isinstance(value, Actor):
        return value.to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def iso(at: When, what: str = "at") -> str:
    """A When as the library's ISO-8601 text."""
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None:
            raise InvalidArgument(f"{what}: a timezone-aware datetime is required "
                                  "(e.g. datetime.now(timezone.utc))", where=what)
        return at.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(at, _dt.date):
        return at.isoformat()
    if isinstance(at, str):
        return at
    raise InvalidArgument(f"{what}: expected an ISO-8601 str, a date or a datetime, "
                          f"got {type(at).__name__}", where=what)


def day(at: When, what: str) -> str:
    """The date of a When ("2026-03-31"), for the bounds of a report's period."""
    return iso(at, what)[:10]


class Actor:
    """Who fires an event: `Actor("li", "sales")` or `Actor("boss", ["management"])`. Plain dicts
    `{"id": ..., "roles": [...]}` work wherever an Actor does."""

    __slots__ = ("id", "roles")

    def __init__(self, id: str, roles: Union[str, Iterable[str]] = ()) -> None:
        self.id = id
        self.roles: List[str] = [roles] if isinstance(roles, str) else list(roles)

    def to_dict(self) -> JsonObject:
        return {"id": self.id, "roles": list(self.roles)}

    def __repr__(self) -> str:
        return f"Actor({self.id!r}, {self.roles!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Actor) and self.to_dict() == other.to_dict()


#: Who fires an event: an Actor, a dict `{"id", "roles"}`, or its JSON text.
ActorLike = Union[Actor, Mapping[str, Any], str]


def actor_json(actor: ActorLike) -> Optional[bytes]:
    if isinstance(actor, Actor):
        return to_json(actor.to_dict(), "actor")
    return to_json(actor, "actor")


class Reason:
    """Why an event was refused: kind, message, rule id.

    kind is one of unknown_event, invalid_payload, role, state, gate, segregation, approval,
    time, rule_error (a gate rule, route, deadline condition or risk scorer could not be
    evaluated, or a host rule callback raised: the event fails closed; rule names it)."""

    __slots__ = ("kind", "message", "rule")

    def __init__(self, kind: str, message: str, rule: str = "") -> None:
        self.kind, self.message, self.rule = kind, message, rule

    def __repr__(self) -> str:
        return f"Reason({self.kind!r}, {self.message!r}, {self.rule!r})"


class Outcome:
    """The answer to Case.fire: `accepted`, the `state` afterwards, `reasons` for a refusal,
    `warnings`, the gate's `trace`, and the full JSON as `json`. Truthy when accepted."""

    __slots__ = ("_json", "_text", "_accepted")

    def __init__(self, data: Optional[JsonObject] = None, *, text: Optional[str] = None,
                 accepted: Optional[bool] = None) -> None:
        # The JSON text is parsed on first use: a host that only checks `accepted` (known from
        # the status code) pays nothing for the rest.
        self._json, self._text, self._accepted = data, text, accepted

    @property
    def json(self) -> JsonObject:
        if self._json is None:
            self._json = json.loads(self._text) if self._text is not None else {}
            self._text = None
        return self._json

    @property
    def accepted(self) -> bool:
        if self._accepted is None:
            self._accepted = bool(self.json.get("accepted"))
        return self._accepted

    @property
    def event(self) -> Optional[str]:
        return self.json.get("event")

    @property
    def seq(self) -> Optional[int]:
        return self.json.get("seq")

    @property
    def state(self) -> List[str]:
        return list(self.json.get("state", []))

    @property
    def warnings(self) -> List[Json]:
        return list(self.json.get("warnings", []))

    @property
    def trace(self) -> JsonObject:
        trace: JsonObject = self.json.get("trace", {})
        return trace

    @property
    def case_id(self) -> Optional[str]:
        return self.json.get("case_id")

    @property
    def revision(self) -> Optional[int]:
        return self.json.get("revision")

    @property
    def reasons(self) -> List[Reason]:
        return [Reason(r.get("kind", ""), r.get("message", ""), r.get("rule", ""))
                for r in self.json.get("reasons", [])]

    def __bool__(self) -> bool:
        return self.accepted

    def raise_if_refused(self) -> Outcome:
        if not self.accepted:
            raise Refused(self)
        return self

    def __repr__(self) -> str:
        if self.accepted:
            return f"<Outcome {self.event} accepted -> {', '.join(self.state)}>"
        return f"<Outcome {self.event} refused: {'; '.join(r.message for r in self.reasons)}>"


class Verdict:
    """What a custom rule may return instead of a bool: passed, a message, details (JSON)."""

    __slots__ = ("passed", "message", "details")

    def __init__(self, passed: bool, message: Optional[str] = None,
                 details: Json = None) -> None:
        self.passed, self.message, self.details = bool(passed), message, details


_O = TypeVar("_O", bound=Outcome)


def outcome_of(status: int, out: ctypes.c_void_p, kind: Type[_O], raise_if_refused: bool) -> _O:
    """The answer of a call that fired an event (ut_case_fire, ut_store_fire): its Outcome, the
    library's error, or Refused when `raise_if_refused` and the event was refused."""
    if status < 0:
        error = library_error(status)  # before ut_free: nothing may call in between
        take(out)
        raise error
    outcome = kind(text=take(out), accepted=status == N.UT_OK)
    if raise_if_refused and not outcome.accepted:
        raise Refused(outcome)
    return outcome

"""The binding's exceptions, and reading the library's last error into them.

The C header keeps `ut_last_error()` (and its parts `ut_last_error_kind/where`) valid only until
the next call into the library on this thread, so `library_error` is called right after the call
that failed, before anything else calls in (`ut_free` of an output included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Type

from . import _native as N

if TYPE_CHECKING:
    from ._values import Outcome, Reason


class UndertakeError(Exception):
    """An error reported by the library, or by the binding for an argument it cannot pass on.

    `status` is the C status code and `status_name` its stable name ("UT_E_POLICY", from the
    library's ut_status_name); `message` says what, where and why; `kind` is the library's kind
    of error, a stable lower-case name ("invalid_policy", "invalid_rule", "limit_exceeded",
    "conflict", ... as ut_last_error_kind; "" when the binding raised it itself); `where` the
    place it names: the argument, file and JSON path, event, rule, case or ledger seq ("" when
    it names none)."""

    status: int = N.UT_E_INTERNAL

    def __init__(self, message: str, status: Optional[int] = None, *, kind: str = "",
                 where: str = "") -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.kind = kind
        self.where = where

    @property
    def status_name(self) -> str:
        return str(N.lib().ut_status_name(self.status).decode("ascii"))


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
    """Something used after it was closed: an engine after Engine.close() (its cases stay
    readable, firing on them raises Closed too), or a case or store after its own close()."""

    status = N.UT_E_CLOSED


class InternalError(UndertakeError):
    status = N.UT_E_INTERNAL


class Refused(UndertakeError):
    """The process refused an event (a business answer, raised only on request: `check=True`
    or `fire_or_raise`). Nothing changed. `outcome` is the Outcome, `reasons` its reasons;
    `kind` is "refused" and `where` the event, as the library reports a refusal."""

    status = N.UT_REFUSED

    def __init__(self, outcome: Outcome) -> None:
        lines = [f"{outcome.event} refused"] + [f"({r.kind}) {r.message}" for r in outcome.reasons]
        super().__init__("; ".join(lines), kind="refused", where=outcome.event or "")
        self.outcome = outcome

    @property
    def reasons(self) -> List[Reason]:
        return self.outcome.reasons


_ERRORS: Dict[int, Type[UndertakeError]] = {
    cls.status: cls
    for cls in (InvalidArgument, InvalidJson, PolicyError, SnapshotError, NotFound, Conflict,
                LimitExceeded, RuleError, IOFailure, OutOfMemory, Closed, InternalError)
}


def _decoded(text: Optional[bytes]) -> str:
    return "" if text is None else text.decode("utf-8", "replace")


def library_error(status: int) -> UndertakeError:
    """The exception of a call that returned `status`, with this thread's last error. Call it
    first thing after the failing call: the message, kind and place are read before any other
    call into the library could replace them."""
    lib = N.lib()
    message = _decoded(lib.ut_last_error())
    kind = _decoded(lib.ut_last_error_kind())
    where = _decoded(lib.ut_last_error_where())
    return _ERRORS.get(status, InternalError)(message, status, kind=kind, where=where)


def check(status: int) -> int:
    """`status` when it is not an error (UT_OK, UT_REFUSED); raises the library's error else."""
    if status < 0:
        raise library_error(status)
    return status

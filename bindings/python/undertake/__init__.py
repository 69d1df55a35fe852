"""undertake — Python binding of the undertake rules/workflow engine (product undertaking process).

Standard library only (ctypes over the C API, libundertake_c)::

    import undertake

    with undertake.Engine() as engine:                      # the built-in policy
        order = engine.create_case("SO-1", {"customer": {"name": "ACME", "tier": "regular"}})
        outcome = order.fire("intake.forward", undertake.Actor("mei", "market"),
                             at="2026-03-02T09:00:00Z")
        print(outcome.accepted, outcome.state)               # True ['Intake.SalesReview']
        order.fire_or_raise("contract.sign", {"id": "li", "roles": ["sales"]})  # raises Refused

An ERP service keeps its cases in a store between requests (load, fire, save in one call)::

    with undertake.Engine() as engine, undertake.Store.open("sqlite:orders.db") as store:
        store.create(engine.create_case("SO-2", {"customer": {"name": "ACME", "tier": "regular"}}))
        out = store.fire(engine, "SO-2", "intake.forward", {"id": "mei", "roles": ["market"]},
                         at="2026-03-02T09:00:00Z", request_id="req-7f3a")
        store.inbox(engine, {"id": "li", "roles": ["sales"]})["items"]   # "my tasks"

The library is found through the environment variable UNDERTAKE_LIBRARY, next to this package,
or on the system library path.
"""

from ._engine import (
    Actor,
    Case,
    Closed,
    Conflict,
    Engine,
    InternalError,
    InvalidArgument,
    InvalidJson,
    IOFailure,
    LimitExceeded,
    NotFound,
    Outcome,
    OutOfMemory,
    PolicyError,
    Reason,
    Refused,
    RuleError,
    SnapshotError,
    UndertakeError,
    Verdict,
    builtin_policy,
    version,
)
from ._native import library_path
from ._store import Store, StoredOutcome

__version__ = "0.1.0"

__all__ = [
    "Actor", "Case", "Closed", "Conflict", "Engine", "InternalError", "InvalidArgument",
    "InvalidJson", "IOFailure", "LimitExceeded", "NotFound", "Outcome", "OutOfMemory",
    "PolicyError", "Reason", "Refused", "RuleError", "SnapshotError", "Store", "StoredOutcome",
    "UndertakeError", "Verdict", "builtin_policy", "library_path", "version",
]

"""undertake — Python binding of the undertake rules/workflow engine (product undertaking process).

Standard library only (ctypes over the C API, libundertake_c)::

    import undertake

    with undertake.Engine() as engine:                      # the built-in policy
        order = engine.create_case("SO-1", {"customer": {"name": "ACME", "tier": "regular"}})
        outcome = order.fire("intake.forward", undertake.Actor("mei", "market"),
                             at="2026-03-02T09:00:00Z")
        print(outcome.accepted, outcome.state)               # True ['Intake.SalesReview']
        order.fire_or_raise("contract.sign", {"id": "li", "roles": ["sales"]},
                            at="2026-03-03")                 # raises Refused

An ERP service keeps its cases in a store between requests (load, fire, save in one call)::

    with undertake.Engine() as engine, undertake.Store.open("sqlite:orders.db") as store:
        store.create(engine.create_case("SO-2", {"customer": {"name": "ACME", "tier": "regular"}}))
        out = store.fire(engine, "SO-2", "intake.forward", {"id": "mei", "roles": ["market"]},
                         at="2026-03-02T09:00:00Z", request_id="req-7f3a")
        store.inbox(engine, {"id": "li", "roles": ["sales"]})["items"]   # "my tasks"

The engine never reads the wall clock: `fire` and `tick` take the time (`at`, `now`), or the
host opens the engine with a clock it chooses, used whenever it leaves the time out::

    engine = undertake.Engine(clock=lambda: datetime.now(timezone.utc))

Errors raise UndertakeError subclasses carrying the library's `status`, `status_name`, `kind`
and `where` beside the message; an engine, case or store used after close() raises Closed.

The library is found through the environment variable UNDERTAKE_LIBRARY, next to this package,
or on the system library path.
"""

from ._case import Case
from ._engine import Engine, KpiFn, ListenerFn, PolicySource, RuleAnswer, RuleFn, builtin_policy, \
    version
from ._errors import (
    Closed,
    Conflict,
    InternalError,
    InvalidArgument,
    InvalidJson,
    IOFailure,
    LimitExceeded,
    NotFound,
    OutOfMemory,
    PolicyError,
    Refused,
    RuleError,
    SnapshotError,
    UndertakeError,
)
from ._native import library_path
from ._store import Store, StoredOutcome
from ._values import Actor, ActorLike, Clock, Document, Json, JsonObject, Outcome, Reason, Verdict, \
    When

# The binding's version: the project's (CMakeLists.txt project VERSION), as pyproject.toml and
# bindings/node/package.json also say (the test bindings_version fails when they differ).
__version__ = "0.1.0"

__all__ = [
    "Actor", "ActorLike", "Case", "Clock", "Closed", "Conflict", "Document", "Engine",
    "InternalError", "InvalidArgument", "InvalidJson", "IOFailure", "Json", "JsonObject",
    "KpiFn", "LimitExceeded", "ListenerFn", "NotFound", "Outcome", "OutOfMemory", "PolicyError",
    "PolicySource", "Reason", "Refused", "RuleAnswer", "RuleError", "RuleFn", "SnapshotError",
    "Store", "StoredOutcome", "UndertakeError", "Verdict", "When", "builtin_policy",
    "library_path", "version",
]

"""A small "ERP" in Python that keeps its orders in SQLite and survives a restart.

Each order row holds the case snapshot and its revision. Every change is written with optimistic
concurrency (UPDATE ... WHERE revision = the revision read), so two clerks cannot overwrite each
other. The engine's listener writes the notifications the policy asks for (contract copies to the
departments, policy §二(三)2; communication, §五) into an outbox table.

    python3 erp_sqlite.py [database-file]       (UNDERTAKE_LIBRARY names libundertake_c)

Day 1 registers two orders and works them for a while; the process "restarts" (a new engine,
nothing kept in memory); day 2 resumes both orders from the table and carries on.
"""

import json
import os
import sqlite3
import sys
import tempfile

import undertake

SALES = undertake.Actor("li", "sales")
MARKET = undertake.Actor("mei", "market")
BOSS = undertake.Actor("boss", "management")
LEGAL = undertake.Actor("zhou", "legal")

FORM = {
    "customer": {"name": "Hengda Machinery", "tier": "regular"},
    "product": {"name": "Gearbox housing GH-40", "standard": False},
    "spec": "cast aluminium housing, drawing GH-40 rev C",
    "quantity": 500,
    "delivery_date": "2026-06-30",
    "quality_requirements": "ISO 2768-m, leak test 2 bar",
    "channel": "email",
    "estimated_amount": 400000,
}


class OrderStore:
    """Orders and their case snapshots in SQLite."""

    def __init__(self, path):
        self.db = sqlite3.connect(path)
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS orders (
                id TEXT PRIMARY KEY, customer TEXT, stage TEXT,
                revision INTEGER NOT NULL, snapshot TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT, event TEXT, message TEXT);
        """)

    def insert(self, case, customer):
        with self.db:
            self.db.execute("INSERT INTO orders VALUES (?, ?, ?, ?, ?)",
                            (case.id, customer, case.stage, case.revision, case.snapshot_json()))

    def save(self, case, read_revision):
        """Writes the case back unless someone else changed the order since it was read."""
        with self.db:
            cur = self.db.execute(
                "UPDATE orders SET stage = ?, revision = ?, snapshot = ? WHERE id = ? AND revision = ?",
                (case.stage, case.revision, case.snapshot_json(), case.id, read_revision))
            if cur.rowcount != 1:
                raise RuntimeError(f"order {case.id} was changed by someone else; reload it")

    def load(self, engine, order_id):
        row = self.db.execute("SELECT snapshot FROM orders WHERE id = ?", (order_id,)).fetchone()
        if row is None:
            raise KeyError(order_id)
        return engine.restore(row[0])

    def ids(self):
        return [r[0] for r in self.db.execute("SELECT id FROM orders ORDER BY id")]

    def notify(self, order_id, event, message):
        with self.db:
            self.db.execute("INSERT INTO outbox (order_id, event, message) VALUES (?, ?, ?)",
                            (order_id, event, message))


def open_engine(store):
    engine = undertake.Engine()

    def on_event(case_id, event, accepted, outcome):
        if not accepted:
            return
        if event == "contract.archive":
            for dept in ("market", "technical", "production", "quality"):
                store.notify(case_id, event, f"contract copy to {dept}")
        elif event in ("evaluation.approve", "contract.sign", "delivery.ship"):
            store.notify(case_id, event, f"{event} done, now {', '.join(outcome.state)}")

    engine.set_listener(on_event)
    return engine


def act(store, case, event, actor, payload=None, at=None):
    """One clerk action: fire, then save with the revision read before."""
    read = case.revision
    outcome = case.fire(event, actor, payload, at)
    if outcome.accepted:
        store.save(case, read)
        print(f"  {case.id}: {event} by {actor.id} -> {', '.join(outcome.state)}")
    else:
        print(f"  {case.id}: {event} by {actor.id} REFUSED: "
              + "; ".join(f"({r.kind}) {r.message}" for r in outcome.reasons))
    return outcome


def day_one(path):
    store = OrderStore(path)
    with open_engine(store) as engine:
        print("day 1")
        cases = {}  # the open cases (a Case is freed when its object goes)
        for order_id, customer in (("SO-101", "Hengda Machinery"), ("SO-102", "Acme")):
            form = dict(FORM, customer={"name": customer, "tier": "regular"})
            case = cases[order_id] = engine.create_case(order_id, form)
            store.insert(case, customer)
            act(store, case, "intake.forward", MARKET, at="2026-03-02T09:00:00Z")
            act(store, case, "intake.confirm", SALES, at="2026-03-03T10:00:00Z")
            act(store, case, "evaluation.quote", SALES, {"price": 420000, "cost": 320000},
                "2026-03-05T10:00:00Z")
        # A refusal changes nothing: approving before the technical and capacity checks.
        act(store, cases["SO-101"], "evaluation.approve", BOSS, at="2026-03-05T11:00:00Z")
    store.db.close()  # the process stops: nothing survives but the database


def day_two(path):
    store = OrderStore(path)
    with open_engine(store) as engine:
        print("day 2 (after a restart)")
        cases = {order_id: store.load(engine, order_id) for order_id in store.ids()}
        for order_id, case in cases.items():
            print(f"  resumed {order_id} at revision {case.revision}: {', '.join(case.state)}")
        case = cases["SO-101"]
        act(store, case, "evaluation.technical", undertake.Actor("zhao", "technical"),
            {"feasible": True}, "2026-03-06T10:00:00Z")
        act(store, case, "evaluation.capacity", undertake.Actor("sun", "production"),
            {"sufficient": True}, "2026-03-06T11:00:00Z")
        act(store, case, "evaluation.quality", undertake.Actor("qian", "quality"),
            {"assessment": "porosity risk"}, "2026-03-06T12:00:00Z")
        act(store, case, "evaluation.approve", BOSS, at="2026-03-07T09:00:00Z")
        act(store, case, "contract.draft", SALES,
            {"amount": 420000, "delivery_date": "2026-06-30", "payment_terms": "30/70"},
            "2026-03-09T09:00:00Z")
        act(store, case, "contract.submit", SALES, at="2026-03-09T15:00:00Z")
        act(store, case, "contract.legal_approve", LEGAL, at="2026-03-10T09:00:00Z")
        act(store, case, "contract.approve", BOSS, at="2026-03-10T11:00:00Z")
        act(store, case, "contract.sign", SALES, at="2026-03-11T09:00:00Z")
        act(store, case, "contract.archive", SALES, at="2026-03-11T10:00:00Z")

        # A stale copy cannot overwrite newer work.
        stale = json.loads(store.db.execute(
            "SELECT snapshot FROM orders WHERE id = 'SO-102'").fetchone()[0])
        other = cases["SO-102"]
        act(store, other, "evaluation.technical", undertake.Actor("zhao", "technical"),
            {"feasible": True}, "2026-03-06T10:00:00Z")
        try:
            store.save(other, stale["revision"])
            raise AssertionError("a stale save went through")
        except RuntimeError as e:
            print(f"  stale save refused: {e}")

        rows = store.db.execute("SELECT id, stage, revision FROM orders ORDER BY id").fetchall()
        print("orders:", rows)
        outbox = store.db.execute("SELECT order_id, event, message FROM outbox").fetchall()
        print("outbox:")
        for row in outbox:
            print("  ", row)
        assert rows[0][1] == "Kickoff" and rows[0][2] == 13, rows
        assert any("contract copy to quality" in r[2] for r in outbox)
    store.db.close()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.mkdtemp(), "erp.sqlite")
    if os.path.exists(path):
        os.remove(path)
    day_one(path)
    day_two(path)
    print("ok")


if __name__ == "__main__":
    main()

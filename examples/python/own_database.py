"""A host that keeps cases in a database of its own instead of the engine's store.

Each order row holds the case's snapshot (Case.snapshot_json) and its revision; a change is written
with `UPDATE ... WHERE revision = <the revision read>`, so two clerks cannot overwrite each other.
After a restart the engine restores the cases from their snapshots (without replaying their
ledgers: the snapshot's digest says whether it is the one the engine wrote).

    python3 own_database.py [database-file]     (UNDERTAKE_LIBRARY names libundertake_c)

The built-in store (erp_sqlite.py) does all of this and more (worklists, a change feed, request
ids); this is the shape of the work for a host whose database the engine does not know.
"""

import os
import sqlite3
import sys
import tempfile

import undertake

MARKET = undertake.Actor("mei", "market")
SALES = undertake.Actor("li", "sales")
FORM = {"customer": {"name": "Hengda Machinery", "tier": "regular"},
        "product": {"name": "Gearbox housing GH-40", "standard": False},
        "spec": "drawing GH-40 rev C", "quantity": 500, "delivery_date": "2026-06-30",
        "quality_requirements": "ISO 2768-m", "channel": "email", "estimated_amount": 400000}


class Orders:
    def __init__(self, path):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY,"
                        " revision INTEGER NOT NULL, snapshot TEXT NOT NULL)")

    def insert(self, case):
        with self.db:
            self.db.execute("INSERT INTO orders VALUES (?, ?, ?)",
                            (case.id, case.revision, case.snapshot_json()))

    def load(self, engine, order_id):
        """The case and the revision it was read at."""
        revision, snapshot = self.db.execute(
            "SELECT revision, snapshot FROM orders WHERE id = ?", (order_id,)).fetchone()
        return engine.restore(snapshot), revision

    def save(self, case, read_revision):
        with self.db:
            cur = self.db.execute("UPDATE orders SET revision = ?, snapshot = ?"
                                  " WHERE id = ? AND revision = ?",
                                  (case.revision, case.snapshot_json(), case.id, read_revision))
            if cur.rowcount != 1:
                raise undertake.Conflict(f"order {case.id}: changed by someone else; reload it")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.mkdtemp(), "own.sqlite")
    if os.path.exists(path):
        os.remove(path)
    orders = Orders(path)
    with undertake.Engine() as engine:
        with engine.create_case("SO-201", FORM) as case:
            orders.insert(case)
        case, read = orders.load(engine, "SO-201")
        case.fire("intake.forward", MARKET, at="2026-03-02T09:00:00Z", check=True)
        orders.save(case, read)
        case.close()

    # A restart: a new engine, nothing in memory but the table. Two clerks open the order.
    with undertake.Engine() as engine:
        with undertake.Engine() as other:  # a case id is open once per engine: two servers
            first, read = orders.load(engine, "SO-201")
            second, _ = orders.load(other, "SO-201")
            first.fire("intake.confirm", SALES, at="2026-03-03T10:00:00Z", check=True)
            second.fire("intake.confirm", SALES, at="2026-03-03T10:05:00Z", check=True)
            orders.save(first, read)
            try:
                orders.save(second, read)
                raise AssertionError("a stale save went through")
            except undertake.Conflict as e:
                print(f"stale save refused: {e}")
            first.close()
            second.close()
        case, revision = orders.load(engine, "SO-201")
        print(f"SO-201 at revision {revision}: {', '.join(case.state)}")
        assert revision == 2 and case.stage == "Evaluation", (revision, case.state)
        case.close()
    orders.db.close()
    print("ok")


if __name__ == "__main__":
    main()

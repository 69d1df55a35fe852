"""A host that keeps cases in a database of its own instead of the engine's store.

Two tables, as the built-in store keeps them: `orders` holds each case's head (Case.head_json: the
snapshot without its ledger) and revision, updated with `UPDATE ... WHERE revision = <the revision
read>` so that two clerks cannot overwrite each other; `order_entries` is append-only, one row per
ledger entry (Case.entries: each with its seq and hash). A save writes what changed — the new head
and the entries after the revision read — never the whole history, and a load restores the head
alone, in time independent of the ledger's length. The rows come back with the head to be checked
against their hash chain (Engine.restore_entries) or audited by replay (Engine.verify_entries).

    python3 own_database.py [database-file]     (UNDERTAKE_LIBRARY names libundertake_c)

The built-in store (erp_sqlite.py) does all of this and more (worklists, a change feed, request
ids); this is the shape of the work for a host whose database the engine does not know.
"""

import json
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
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, revision INTEGER NOT NULL,"
            " head TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS order_entries (order_id TEXT NOT NULL,"
            " seq INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (order_id, seq))")

    def _append(self, case, after):
        self.db.executemany("INSERT INTO order_entries VALUES (?, ?, ?)",
                            [(case.id, e["seq"], json.dumps(e)) for e in case.entries(after)])

    def insert(self, case):
        with self.db:
            self.db.execute("INSERT INTO orders VALUES (?, ?, ?)",
                            (case.id, case.revision, case.head_json()))
            self._append(case, 0)

    def load(self, engine, order_id):
        """The case (from its head: no ledger read) and the revision it was read at."""
        revision, head = self.db.execute(
            "SELECT revision, head FROM orders WHERE id = ?", (order_id,)).fetchone()
        return engine.restore(head), revision

    def save(self, case, read_revision):
        """The new head and the entries after the revision read, in one transaction."""
        with self.db:
            cur = self.db.execute("UPDATE orders SET revision = ?, head = ?"
                                  " WHERE id = ? AND revision = ?",
                                  (case.revision, case.head_json(), case.id, read_revision))
            if cur.rowcount != 1:
                raise undertake.Conflict(f"order {case.id}: changed by someone else; reload it")
            self._append(case, read_revision)

    def head_and_rows(self, order_id):
        head = self.db.execute("SELECT head FROM orders WHERE id = ?", (order_id,)).fetchone()[0]
        rows = [r for (r,) in self.db.execute(
            "SELECT entry FROM order_entries WHERE order_id = ? ORDER BY seq", (order_id,))]
        return head, rows


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

        # The rows checked against their hash chain and audited by replay; an edited row is caught.
        head, rows = orders.head_and_rows("SO-201")
        with engine.restore_entries(head, rows) as whole:
            print(f"{len(whole.ledger()['ledger'])} entries, chain intact;"
                  f" audit ok: {engine.verify_entries(head, rows)['ok']}")
        with orders.db:
            orders.db.execute("UPDATE order_entries SET entry = replace(entry, 'mei', 'wei')")
        try:
            engine.restore_entries(*orders.head_and_rows("SO-201"))
            raise AssertionError("an edited row went through")
        except undertake.SnapshotError as e:
            print(f"edited row refused: {e}")
    orders.db.close()
    print("ok")


if __name__ == "__main__":
    main()

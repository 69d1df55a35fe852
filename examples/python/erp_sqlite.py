"""A small ERP service in Python on the engine's built-in SQLite store.

An ERP screen has buttons; a click is a request to one of several app servers, which loads the
order's case from the database they share, fires the event, saves it, answers — `Store.fire`
does the three, with the revision checked and, given the request id, answering a retried click
with the first outcome instead of firing twice. The worklist screen ("my tasks") comes from the
store's worklist index (`Store.inbox`), not from loading every order. A notifier reads the change
feed (`Store.changes`) from the position it stored last and sends the notifications the policy
asks for (contract copies to the departments, policy §二(三)2; communication, §五) exactly once,
whichever server saved the event.

    python3 erp_sqlite.py [database-file]       (UNDERTAKE_LIBRARY names libundertake_c)

Day 1: two app servers register orders and handle clicks (a retry, a refusal, a stale save);
the notifier runs. Then everything stops. Day 2: the servers come back with nothing in memory,
carry on from the database, a timer escalates a missed deadline, the notifier runs again.
"""

import os
import sqlite3
import sys
import tempfile

import undertake

SALES = undertake.Actor("li", "sales")
MARKET = undertake.Actor("mei", "market")
BOSS = undertake.Actor("boss", "management")
LEGAL = undertake.Actor("zhou", "legal")
TECHNICAL = undertake.Actor("zhao", "technical")
PRODUCTION = undertake.Actor("sun", "production")
QUALITY = undertake.Actor("qian", "quality")

FORM = {
    "product": {"name": "Gearbox housing GH-40", "standard": False},
    "spec": "cast aluminium housing, drawing GH-40 rev C",
    "quantity": 500,
    "delivery_date": "2026-06-30",
    "quality_requirements": "ISO 2768-m, leak test 2 bar",
    "channel": "email",
    "estimated_amount": 400000,
}


class AppServer:
    """One app server: an engine and a connection to the shared store. Stateless between
    requests: every click loads, fires and saves."""

    def __init__(self, name, uri):
        self.name = name
        self.engine = undertake.Engine()
        self.store = undertake.Store.open(uri)

    def register(self, order_id, customer):
        with self.engine.create_case(order_id, dict(FORM, customer=customer)) as case:
            self.store.create(case)

    def click(self, request_id, order_id, event, actor, payload=None, at=None):
        """The handler of a button: the answer the screen shows."""
        out = self.store.fire(self.engine, order_id, event, actor, payload, at,
                              request_id=request_id)
        if out.accepted:
            answer = f"{event} -> {', '.join(out.state)}"
        else:
            answer = f"{event} REFUSED: " + "; ".join(f"({r.kind}) {r.message}"
                                                      for r in out.reasons)
        print(f"  [{self.name}] {request_id} {order_id}: {answer}"
              + (" (a retry: answered from the first request)" if out.repeated else ""))
        return out

    def worklist(self, actor):
        """The "my tasks" screen: the orders in which the user may do something now."""
        page = self.store.inbox(self.engine, actor, limit=20)
        print(f"  [{self.name}] tasks of {actor.id} ({', '.join(actor.roles)}):")
        for item in page["items"]:
            buttons = [e["event"] for e in item["events"] if not e["event"].startswith("case.")]
            if buttons:
                due = f", due {item['due'][:10]}" if item["due"] else ""
                print(f"    {item['case_id']} {item['customer']} [{item['stage']}{due}]: "
                      + ", ".join(buttons))
        return page

    def close(self):
        self.store.close()
        self.engine.close()


class Notifier:
    """Sends the notifications of the change feed once each: the position it has handled is
    stored with what it sent, in one transaction of the host's own database."""

    COPIES = ("market", "technical", "production", "quality")

    def __init__(self, uri, path):
        self.store = undertake.Store.open(uri)
        self.db = sqlite3.connect(path)
        with self.db:
            self.db.executescript("""
                CREATE TABLE IF NOT EXISTS position (id INTEGER PRIMARY KEY CHECK (id = 1),
                                                     handled INTEGER NOT NULL);
                INSERT OR IGNORE INTO position VALUES (1, 0);
                CREATE TABLE IF NOT EXISTS sent (position INTEGER, order_id TEXT, message TEXT);
            """)

    def messages(self, change):
        entry = change["entry"]
        if entry.get("kind") == "escalation":  # `event` is the event the deadline waits for
            p = entry["payload"]
            return [f"deadline {p['deadline']} missed by {p['overdue_hours']:g} h: to "
                    + ", ".join(p["escalate_to"])]
        if entry["event"] == "contract.archive":
            return [f"contract copy to {dept}" for dept in self.COPIES]
        if entry["event"] in ("evaluation.approve", "contract.sign"):
            return [f"{entry['event']} by {entry['actor']['id']}: now {', '.join(entry['state'])}"]
        return []

    def run(self):
        handled = self.db.execute("SELECT handled FROM position").fetchone()[0]
        sent = 0
        while True:
            batch = self.store.changes(after=handled, limit=100)
            if not batch:
                break
            with self.db:  # what was sent and the new position: together or not at all
                for change in batch:
                    for message in self.messages(change):
                        self.db.execute("INSERT INTO sent VALUES (?, ?, ?)",
                                        (change["position"], change["case_id"], message))
                        print(f"  [notifier] #{change['position']} {change['case_id']}: {message}")
                        sent += 1
                    handled = change["position"]
                self.db.execute("UPDATE position SET handled = ?", (handled,))
        print(f"  [notifier] {sent} sent, at position {handled}")
        return sent

    def close(self):
        self.store.close()
        self.db.close()


def day_one(uri, notifier_db):
    print("day 1")
    a, b = AppServer("app-a", uri), AppServer("app-b", uri)
    a.register("SO-101", {"name": "Hengda Machinery", "tier": "regular"})
    b.register("SO-102", {"name": "Acme", "tier": "regular"})
    for server, order in ((a, "SO-101"), (b, "SO-102")):
        server.click(f"{order}-1", order, "intake.forward", MARKET, at="2026-03-02T09:00:00Z")
        server.click(f"{order}-2", order, "intake.confirm", SALES, at="2026-03-03T10:00:00Z")
    a.click("SO-101-3", "SO-101", "evaluation.quote", SALES, {"price": 400000, "cost": 300000},
            "2026-03-05T10:00:00Z")
    # The browser timed out and sent the click again, to the other server: nothing fires twice.
    retry = b.click("SO-101-3", "SO-101", "evaluation.quote", SALES,
                    {"price": 400000, "cost": 300000}, "2026-03-05T10:00:00Z")
    assert retry.repeated and retry.revision == 3, retry.json
    # A refusal changes nothing: approving before the technical, capacity and quality checks.
    b.click("SO-101-4", "SO-101", "evaluation.approve", BOSS, at="2026-03-05T11:00:00Z")
    a.worklist(SALES)

    # Two clerks had SO-102 open; the second save is refused as stale (Store.fire would have
    # reloaded and fired again on the newer case).
    first, second = a.store.load(a.engine, "SO-102"), b.store.load(b.engine, "SO-102")
    read = first.revision
    first.fire("evaluation.quote", SALES, {"price": 250000, "cost": 200000},
               "2026-03-05T12:00:00Z", check=True)
    second.fire("evaluation.quote", SALES, {"price": 260000, "cost": 200000},
                "2026-03-05T12:05:00Z", check=True)
    a.store.save(first, read)
    try:
        b.store.save(second, read)
        raise AssertionError("a stale save went through")
    except undertake.Conflict as e:
        print(f"  [app-b] stale save refused: {e}")
    first.close()
    second.close()

    notifier = Notifier(uri, notifier_db)
    notifier.run()
    notifier.close()
    a.close()
    b.close()  # the processes stop: nothing survives but the databases


def day_two(uri, notifier_db):
    print("day 2 (after a restart)")
    a = AppServer("app-a", uri)
    for summary in a.store.list(open=True):
        print(f"  {summary['case_id']} at revision {summary['revision']}: "
              + ", ".join(summary["state"]))
    steps = [
        (TECHNICAL, "evaluation.technical", {"feasible": True}, "2026-03-06T10:00:00Z"),
        (PRODUCTION, "evaluation.capacity", {"sufficient": True}, "2026-03-06T11:00:00Z"),
        (QUALITY, "evaluation.quality", {"assessment": "porosity risk"}, "2026-03-06T12:00:00Z"),
        (BOSS, "evaluation.approve", None, "2026-03-07T09:00:00Z"),
        (SALES, "contract.draft",
         {"amount": 400000, "delivery_date": "2026-06-30", "payment_terms": "30/70"},
         "2026-03-09T09:00:00Z"),
        (SALES, "contract.submit", None, "2026-03-09T15:00:00Z"),
        (LEGAL, "contract.legal_approve", None, "2026-03-10T09:00:00Z"),
        (BOSS, "contract.approve", None, "2026-03-10T11:00:00Z"),
        (SALES, "contract.sign", None, "2026-03-11T09:00:00Z"),
        (SALES, "contract.archive", None, "2026-03-11T10:00:00Z"),
    ]
    for n, (actor, event, payload, at) in enumerate(steps, start=5):
        out = a.click(f"SO-101-{n}", "SO-101", event, actor, payload, at)
        assert out.accepted, out.json
    a.worklist(BOSS)

    # The hourly timer of one server: SO-102's evaluation decision was due on 2026-03-17.
    report = a.store.tick(a.engine, "2026-03-18T08:00:00Z")
    print(f"  [timer] {report['cases_checked']} checked, {report['escalated']} escalated")
    assert report["escalated"] == 1, report

    notifier = Notifier(uri, notifier_db)
    sent = notifier.run()
    again = notifier.run()  # nothing new: nothing is sent twice
    rows = notifier.db.execute("SELECT message FROM sent").fetchall()
    notifier.close()
    assert sent > 0 and again == 0, (sent, again)
    assert ("contract copy to quality",) in rows, rows
    assert any("evaluation-decision missed" in r[0] for r in rows), rows

    audit = a.store.verify(a.engine, "SO-101")
    print(f"  audit of SO-101: ok={audit['ok']}, revision {audit['revision']}")
    assert audit["ok"] and audit["revision"] == 13, audit
    orders = [(s["case_id"], s["stage"], s["revision"]) for s in a.store.list()]
    print("orders:", orders)
    assert orders[0] == ("SO-101", "Kickoff", 13), orders
    a.close()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.mkdtemp(), "erp.sqlite")
    notifier_db = path + ".notifier"
    for stale in (path, path + "-wal", path + "-shm", notifier_db):
        if os.path.exists(stale):
            os.remove(stale)
    # synchronous=normal: a commit survives a crash of the process, not a power cut; an ERP on
    # a server that must not lose an acknowledged click after a power cut keeps the default.
    uri = f"sqlite:{path}?synchronous=normal"
    day_one(uri, notifier_db)
    day_two(uri, notifier_db)
    print("ok")


if __name__ == "__main__":
    main()

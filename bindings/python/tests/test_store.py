"""undertake.Store: the built-in SQLite store through the binding (design.md §9)."""
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
import threading
import unittest

import undertake

from support import DATA, MARKET, SALES, STEPS

TECHNICAL = {"id": "zhao", "roles": ["technical"]}


def form(customer):
    return dict(DATA, customer={"name": customer, "tier": "regular"})


class StoreTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ut_store_py_")
        self.path = os.path.join(self.dir, "cases.db")
        self.engine = undertake.Engine()
        self.store = undertake.Store.open(f"sqlite:{self.path}?synchronous=off")

    def tearDown(self):
        self.store.close()
        self.engine.close()
        shutil.rmtree(self.dir)

    def add(self, case_id, customer="Hengda Machinery"):
        with self.engine.create_case(case_id, form(customer)) as case:
            self.store.create(case)

    def sql(self, statement):
        db = sqlite3.connect(self.path)
        try:
            with db:
                return db.execute(statement).rowcount
        finally:
            db.close()

    # -- opening ----------------------------------------------------------------------------

    def test_open_failures(self):
        with self.assertRaises(undertake.IOFailure) as caught:
            undertake.Store.open(os.path.join(self.dir, "no", "such", "dir.db"))
        self.assertIn("no/such/dir.db", str(caught.exception))
        self.assertEqual(caught.exception.status_name, "UT_E_IO")
        junk = os.path.join(self.dir, "junk.db")
        with open(junk, "wb") as f:
            f.write(b"not a database " * 512)
        with self.assertRaises(undertake.IOFailure):
            undertake.Store.open(junk)
        with self.assertRaises(undertake.InvalidArgument):
            undertake.Store.open("mysql://db/erp")
        with self.assertRaises(undertake.IOFailure) as caught:
            undertake.Store.open("postgresql:///erp?host=/nonexistent-undertake")
        self.assertIn("cannot connect", str(caught.exception))
        with self.assertRaises(undertake.InvalidArgument):
            undertake.Store.open(f"sqlite:{self.path}?mode=readonly")
        self.sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        with self.assertRaises(undertake.IOFailure) as caught:
            undertake.Store.open(self.path)
        self.assertIn("newer", str(caught.exception))

    def test_read_only_and_closing(self):
        self.add("RO-1")
        with undertake.Store.open(f"sqlite:{self.path}?mode=ro") as ro:
            self.assertEqual([c["case_id"] for c in ro.list()], ["RO-1"])
            with self.assertRaises(undertake.IOFailure) as caught:
                ro.fire(self.engine, "RO-1", "intake.forward", MARKET, at="2026-03-02")
            self.assertIn("read-only", str(caught.exception))
        self.assertTrue(ro.closed)
        with self.assertRaises(undertake.Closed):
            ro.list()
        ro.close()  # again: nothing

    # -- create, load, save -----------------------------------------------------------------

    def test_create_load_save_conflict(self):
        self.add("SO-1")
        with self.assertRaises(undertake.Conflict) as caught:
            self.add("SO-1")
        self.assertIsInstance(caught.exception, undertake.UndertakeError)
        self.assertIn("SO-1", str(caught.exception))

        first = self.store.load(self.engine, "SO-1")
        second = self.store.load(self.engine, "SO-1")
        self.assertEqual(first.state, ["Intake.Registered"])
        with self.assertRaises(undertake.NotFound):
            self.engine.find_case("SO-1")  # a loaded case is not registered on the engine
        first.fire("intake.forward", MARKET, at="2026-03-02", check=True)
        second.fire("intake.forward", MARKET, at="2026-03-02", check=True)
        self.store.save(first, 0)
        with self.assertRaises(undertake.Conflict) as caught:
            self.store.save(second, 0)
        self.assertIn("revision", caught.exception.message)
        self.assertEqual(self.store.load(self.engine, "SO-1").revision, 1)
        with self.assertRaises(undertake.NotFound):
            self.store.load(self.engine, "SO-404")
        with self.assertRaises(undertake.NotFound):
            self.store.ledger("SO-404")
        self.assertEqual(self.store.ledger("SO-1")["ledger"][0]["event"], "intake.forward")

    # -- fire -------------------------------------------------------------------------------

    def test_fire_whole_order_and_listener(self):
        heard = []
        self.engine.set_listener(lambda case_id, event, accepted, outcome:
                                 heard.append((event, accepted)))
        self.add("SO-2026-001")
        for step in STEPS:
            out = self.store.fire(self.engine, "SO-2026-001", step["event"], step["actor"],
                                  step.get("payload"), step["at"], check=True)
            self.assertIsInstance(out, undertake.Outcome)
            self.assertEqual(out.attempts, 1)
            self.assertFalse(out.repeated)
        self.assertEqual(heard, [(s["event"], True) for s in STEPS])
        case = self.store.load(self.engine, "SO-2026-001")
        self.assertEqual(case.state, ["Closed"])
        self.assertEqual(case.revision, len(STEPS))

    def test_idempotent_fire_and_refusals(self):
        self.add("REQ-1")
        heard = []
        self.engine.set_listener(lambda *args: heard.append(args[1]))
        first = self.store.fire(self.engine, "REQ-1", "intake.forward", MARKET,
                                at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc),
                                request_id="req-7f3a")
        self.assertTrue(first.accepted)
        self.assertEqual(first.request_id, "req-7f3a")
        feed = self.store.changes()
        again = self.store.fire(self.engine, "REQ-1", "intake.forward", MARKET,
                                at="2026-03-02T09:00:00Z", request_id="req-7f3a")
        self.assertTrue(again.accepted)
        self.assertTrue(again.repeated)
        self.assertEqual(again.revision, first.revision)
        self.assertEqual(again.state, first.state)
        self.assertEqual(self.store.changes(), feed)  # nothing fired twice
        self.assertEqual(heard, ["intake.forward"])

        refused = self.store.fire(self.engine, "REQ-1", "contract.sign", SALES, at="2026-03-03")
        self.assertFalse(refused)
        self.assertEqual(refused.reasons[0].kind, "state")
        with self.assertRaises(undertake.Refused):
            self.store.fire(self.engine, "REQ-1", "contract.sign", SALES, at="2026-03-03",
                            check=True)
        with self.assertRaises(undertake.InvalidArgument) as caught:
            self.store.fire(self.engine, "REQ-1", "intake.confirm", SALES)  # no time
        self.assertIn("at", str(caught.exception))
        with self.assertRaises(undertake.NotFound):
            self.store.fire(self.engine, "SO-404", "intake.forward", MARKET, at="2026-03-02")
        with self.assertRaises(undertake.InvalidJson):
            self.store.fire(self.engine, "REQ-1", "intake.confirm", SALES, "{", "2026-03-03")
        self.assertEqual(self.store.load(self.engine, "REQ-1").revision, 1)

    def test_threads_share_a_store(self):
        self.add("RACE")
        results = []

        def forward(index):
            out = self.store.fire(self.engine, "RACE", "intake.forward", MARKET,
                                  at="2026-03-02", request_id=f"race-{index}")
            results.append(out.accepted)

        threads = [threading.Thread(target=forward, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [False, False, False, True])
        self.assertEqual(len(self.store.ledger("RACE")["ledger"]), 1)

    # -- worklists, lists, change feed ------------------------------------------------------

    def test_inbox_list_and_changes(self):
        for case_id, customer in (("IN-1", "Acme"), ("IN-2", "Bolt"), ("IN-3", "Acme"),
                                  ("IN-4", "Cobalt"), ("IN-5", "Acme")):
            self.add(case_id, customer)
        self.store.fire(self.engine, "IN-1", "intake.forward", MARKET, at="2026-03-02")
        self.store.fire(self.engine, "IN-2", "intake.forward", MARKET, at="2026-03-02")
        self.store.fire(self.engine, "IN-1", "intake.confirm", SALES, at="2026-03-03")

        def forwardable(page):
            return [i["case_id"] for i in page["items"]
                    if any(e["event"] == "intake.forward" for e in i["events"])]

        page = self.store.inbox(self.engine, undertake.Actor("mei", "market"))
        self.assertEqual(forwardable(page), ["IN-3", "IN-4", "IN-5"])
        self.assertIsNone(page["next"])
        acme = self.store.inbox(self.engine, MARKET, customer="Acme")
        self.assertEqual([i["case_id"] for i in acme["items"]], ["IN-1", "IN-3", "IN-5"])
        first = self.store.inbox(self.engine, MARKET, limit=2)
        self.assertEqual([i["case_id"] for i in first["items"]], ["IN-1", "IN-2"])
        rest = self.store.inbox(self.engine, MARKET, limit=2, after=first["next"])
        self.assertEqual([i["case_id"] for i in rest["items"]], ["IN-3", "IN-4"])
        self.assertEqual(self.store.inbox(self.engine, MARKET, stage="Contract")["items"], [])
        due = self.store.inbox(self.engine, TECHNICAL, due_by=dt.date(2026, 3, 20))
        self.assertEqual([i["case_id"] for i in due["items"]], ["IN-1"])
        self.assertEqual(due["items"][0]["due"], "2026-03-17T00:00:00Z")
        self.assertEqual(self.store.inbox(self.engine, TECHNICAL, due_by="2026-03-10")["items"],
                         [])
        with self.assertRaises(undertake.InvalidArgument):
            self.store.inbox(self.engine, MARKET, limit=0)

        self.assertEqual(len(self.store.list()), 5)
        self.assertEqual([c["case_id"] for c in self.store.list(stage="Evaluation")], ["IN-1"])
        self.assertEqual(len(self.store.list(open=True, limit=2)), 2)
        self.assertEqual(len(self.store.list(updated_since="2026-03-03")), 1)
        with self.assertRaises(undertake.InvalidArgument):
            self.store.list(attention_by="soon")

        feed = self.store.changes()
        self.assertEqual([c["position"] for c in feed], [1, 2, 3])
        self.assertEqual([(c["case_id"], c["entry"]["event"]) for c in feed],
                         [("IN-1", "intake.forward"), ("IN-2", "intake.forward"),
                          ("IN-1", "intake.confirm")])
        self.assertEqual(self.store.changes(after=1, limit=1), feed[1:2])
        with self.assertRaises(undertake.InvalidArgument):
            self.store.changes(limit=0)

    # -- ticking, KPIs, audit ---------------------------------------------------------------

    def test_tick_kpi_verify(self):
        self.add("SO-2026-001")
        for step in STEPS:
            self.store.fire(self.engine, "SO-2026-001", step["event"], step["actor"],
                            step.get("payload"), step["at"], check=True)
        self.add("LATE")
        self.store.fire(self.engine, "LATE", "intake.forward", MARKET, at="2026-03-02")
        self.store.fire(self.engine, "LATE", "intake.confirm", SALES, at="2026-03-03")

        heard = []
        self.engine.set_listener(lambda case_id, event, accepted, outcome: heard.append(event))
        self.assertEqual(self.store.tick(self.engine, "2026-03-10")["escalated"], 0)
        report = self.store.tick(self.engine, dt.datetime(2026, 3, 20, tzinfo=dt.timezone.utc))
        self.assertEqual(report["escalated"], 1)
        self.assertEqual(report["failures"], [])
        self.assertEqual(self.store.tick(self.engine, "2026-03-21")["escalated"], 0)
        self.assertEqual(heard, ["deadline.escalated"])
        with self.assertRaises(undertake.InvalidArgument):
            self.store.tick(self.engine, None)

        kpis = self.store.kpi(self.engine, "2026-01-01", dt.date(2026, 12, 31))
        self.assertEqual(kpis["cases"], 2)
        self.assertIsNotNone(kpis["kpis"]["sales.revenue"]["value"])

        audit = self.store.verify(self.engine, "SO-2026-001")
        self.assertTrue(audit["ok"], audit)
        self.assertEqual(audit["revision"], len(STEPS))
        edit = ("UPDATE ledger SET entry = replace(entry, '420000', '520000') "
                "WHERE case_id = 'SO-2026-001' AND event = 'evaluation.quote'")
        self.assertEqual(self.sql(edit), 1)
        audit = self.store.verify(self.engine, "SO-2026-001")
        self.assertFalse(audit["ok"])
        self.assertTrue(audit["problems"][0]["where"])
        with self.assertRaises(undertake.SnapshotError):
            self.store.kpi(self.engine, "2026-01-01", "2026-12-31")
        with self.assertRaises(undertake.NotFound):
            self.store.verify(self.engine, "SO-404")


class IntegrityTest(unittest.TestCase):
    def test_engine_verify_and_host_key(self):
        with undertake.Engine() as keyed, undertake.Engine() as same, \
                undertake.Engine() as plain:
            keyed.set_host_key(b"erp-host-key\x00-2026")
            same.set_host_key(b"erp-host-key\x00-2026")  # the NUL is part of the key
            with self.assertRaises(undertake.InvalidArgument):
                keyed.set_host_key(b"")
            case = keyed.create_case("K-1", DATA)
            case.fire("intake.forward", MARKET, at="2026-03-02", check=True)
            snapshot = case.snapshot()
            case.close()
            self.assertTrue(keyed.verify(snapshot)["ok"])
            with self.assertRaises(undertake.SnapshotError):
                plain.restore(snapshot)
            same.restore(snapshot).close()
            other = undertake.Engine()
            other.set_host_key("erp-host-key")  # a str is taken as UTF-8: another key
            with self.assertRaises(undertake.SnapshotError):
                other.restore(snapshot)
            other.close()

            with plain.create_case("V-1", DATA) as c:
                c.fire("intake.forward", MARKET, at="2026-03-02", check=True)
                snap = c.snapshot()
            self.assertEqual(plain.verify(snap), {"case_id": "V-1", "revision": 1, "ok": True,
                                                  "problems": []})
            snap["ledger"][0]["actor"]["id"] = "someone else"
            self.assertFalse(plain.verify(snap)["ok"])
            with self.assertRaises(undertake.SnapshotError):
                plain.verify({})


if __name__ == "__main__":
    unittest.main()

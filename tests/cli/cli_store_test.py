"""The `undertake` commands on a store (issue 15): inbox, changes (with --follow), verify,
case fire --request-id, store check and store migrate, driven as a user or a script drives them.

    python3 cli_store_test.py PATH/TO/undertake

Every test works on its own copy of a store seeded once through the CLI: four cases at different
places (Intake, Evaluation, Contract.LegalReview, Kickoff) for two customers. Damage is done with
Python's sqlite3 module, the way a foreign writer or a broken disk would. Quotes use margins that
are exact in binary (price 400000, cost 300000) so that no test depends on how 16-digit doubles
survive JSON text.
"""

import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

CLI = None  # set from argv in main

ORDER = {
    "customer": {"name": "Hengda Machinery", "tier": "regular"},
    "product": {"name": "Gearbox housing GH-40", "standard": False},
    "spec": "drawing GH-40 rev C", "quantity": 500, "delivery_date": "2026-06-30",
    "quality_requirements": "ISO 2768-m", "channel": "email", "estimated_amount": 400000,
}

# The main path of an order up to Kickoff (tests/unit/support/order_driver.hpp), exact margins.
PATH = [
    ("intake.forward", "mei:market", {}),
    ("intake.confirm", "li:sales", {}),
    ("evaluation.quote", "li:sales", {"price": 400000, "cost": 300000}),
    ("evaluation.technical", "zhao:technical", {"feasible": True}),
    ("evaluation.capacity", "sun:production", {"sufficient": True}),
    ("evaluation.quality", "qian:quality", {"assessment": "ok"}),
    ("evaluation.approve", "boss:management", {}),
    ("contract.draft", "li:sales",
     {"amount": 400000, "delivery_date": "2026-06-30", "payment_terms": "30/70"}),
    ("contract.submit", "li:sales", {}),
    ("contract.legal_approve", "zhou:legal", {}),
    ("contract.approve", "boss:management", {}),
    ("contract.sign", "li:sales", {}),
    ("contract.archive", "li:sales", {}),
]

# case id, customer, how many steps of PATH it has been through, and the stage that leaves it in
CASES = [
    ("SO-1", "Hengda Machinery", 1, "Intake"),
    ("SO-2", "Acme Pumps", 3, "Evaluation"),
    ("SO-3", "Hengda Machinery", 9, "Contract"),
    ("SO-4", "Acme Pumps", 13, "Kickoff"),
]


def iso(hour):
    return "2026-03-02T%02d:00:00Z" % (8 + hour)


def run(db, *args, expect=0):
    """Runs the CLI on `db`; checks its exit status; returns stdout."""
    p = subprocess.run([CLI, "--db", db, *args], capture_output=True, text=True, timeout=120)
    if expect is not None and p.returncode != expect:
        raise AssertionError("undertake %s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(args), p.returncode, expect, p.stdout, p.stderr))
    return p


def run_json(db, *args, expect=0):
    return json.loads(run(db, *args, expect=expect).stdout)


def seed(db):
    for case_id, customer, steps, _ in CASES:
        order = dict(ORDER, customer={"name": customer, "tier": "regular"})
        run(db, "case", "new", case_id, "--data", json.dumps(order))
        for i, (event, actor, payload) in enumerate(PATH[:steps]):
            run(db, "case", "fire", case_id, event, "--as", actor,
                "--payload", json.dumps(payload), "--at", iso(i))


def sql(path, statement, *params):
    with sqlite3.connect(path) as con:
        rows = con.execute(statement, params).fetchall()
    con.close()
    return rows


class StoreCommands(unittest.TestCase):
    template_dir = None

    @classmethod
    def setUpClass(cls):
        cls.template_dir = tempfile.mkdtemp(prefix="undertake-cli-")
        seed(os.path.join(cls.template_dir, "seed.db"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.template_dir, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="undertake-cli-test-")
        self.path = os.path.join(self.dir, "store.db")
        for suffix in ("", "-wal", "-shm"):
            src = os.path.join(self.template_dir, "seed.db" + suffix)
            if os.path.exists(src):
                shutil.copy(src, self.path + suffix)
        self.db = "sqlite:" + self.path

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- inbox -----------------------------------------------------------------------------------

    def test_inbox_of_one_role_is_the_cases_it_may_act_in(self):
        page = run_json(self.db, "inbox", "--as", "zhou:legal", "--json")
        self.assertEqual(set(page), {"items", "next"})
        self.assertIsNone(page["next"])
        self.assertEqual([i["case_id"] for i in page["items"]], ["SO-3"])
        item = page["items"][0]
        for key in ("case_id", "stage", "state", "customer", "due", "revision", "events"):
            self.assertIn(key, item)
        self.assertEqual(item["stage"], "Contract")
        self.assertEqual(item["state"], ["Contract.LegalReview"])
        self.assertEqual({e["event"] for e in item["events"]},
                         {"contract.legal_approve", "contract.legal_reject"})
        for e in item["events"]:
            self.assertEqual(set(e), {"event", "gated"})

    def test_inbox_table_marks_gated_events(self):
        out = run(self.db, "inbox", "--as", "li:sales").stdout
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("case"), out)
        self.assertIn("events (* gated)", lines[0])
        rows = {line.split()[0]: line for line in lines[1:-1]}
        self.assertEqual(set(rows), {"SO-1", "SO-2", "SO-3", "SO-4"}, out)
        self.assertIn("Acme Pumps", rows["SO-2"])
        self.assertIn("intake.confirm*", rows["SO-1"])  # the completeness gate
        self.assertIn("4 case(s)", lines[-1])

    def test_inbox_filters_and_pages(self):
        sales = "li:sales"
        by_stage = run_json(self.db, "inbox", "--as", sales, "--stage", "Evaluation", "--json")
        self.assertEqual([i["case_id"] for i in by_stage["items"]], ["SO-2"])
        by_customer = run_json(self.db, "inbox", "--as", sales, "--customer", "Acme Pumps",
                               "--json")
        self.assertEqual([i["case_id"] for i in by_customer["items"]], ["SO-2", "SO-4"])
        nothing_due = run_json(self.db, "inbox", "--as", sales, "--due-by", "2000-01-01",
                               "--json")
        self.assertEqual(nothing_due["items"], [])
        first = run_json(self.db, "inbox", "--as", sales, "--limit", "3", "--json")
        self.assertEqual([i["case_id"] for i in first["items"]], ["SO-1", "SO-2", "SO-3"])
        self.assertEqual(first["next"], "SO-3")
        rest = run_json(self.db, "inbox", "--as", sales, "--limit", "3", "--after", "SO-3",
                        "--json")
        self.assertEqual([i["case_id"] for i in rest["items"]], ["SO-4"])
        self.assertIsNone(rest["next"])
        # Two roles: the union of what each may do (anyone may hand a case over).
        both = run_json(self.db, "inbox", "--as", "x:legal,market", "--json")
        events = {i["case_id"]: {e["event"] for e in i["events"]} for i in both["items"]}
        self.assertEqual(set(events), {"SO-1", "SO-2", "SO-3", "SO-4"})
        self.assertEqual(events["SO-3"],
                         {"case.handover", "contract.legal_approve", "contract.legal_reject"})
        self.assertEqual(events["SO-2"], {"case.handover"})
        self.assertIn("more after SO-3 (--after SO-3)",
                      run(self.db, "inbox", "--as", sales, "--limit", "3").stdout)

    def test_inbox_refuses_bad_options(self):
        self.assertNotEqual(run(self.db, "inbox", "--as", "li:sales", "--limit", "0",
                                expect=None).returncode, 0)
        p = run(self.db, "inbox", "--as", "li:sales", "--due-by", "soon", expect=2)
        self.assertIn("--due-by", p.stderr)

    # -- changes ---------------------------------------------------------------------------------

    def test_changes_are_every_entry_in_order(self):
        total = sum(steps for _, _, steps, _ in CASES)
        lines = run(self.db, "changes", "--after", "0", "--limit", "1000", "--json").stdout
        changes = [json.loads(line) for line in lines.splitlines()]
        self.assertEqual(len(changes), total)
        self.assertEqual([c["position"] for c in changes], list(range(1, total + 1)))
        for c in changes:
            self.assertEqual(set(c), {"position", "case_id", "entry"})
            self.assertIn("event", c["entry"])
            self.assertIn("hash", c["entry"])
        # Pages: after a position, at most --limit.
        page = [json.loads(line) for line in
                run(self.db, "changes", "--after", "5", "--limit", "3", "--json").stdout
                .splitlines()]
        self.assertEqual([c["position"] for c in page], [6, 7, 8])
        self.assertEqual(run(self.db, "changes", "--after", str(total)).stdout, "")
        text = run(self.db, "changes", "--limit", "2").stdout.splitlines()
        self.assertEqual(len(text), 2)
        self.assertRegex(text[0], r"^1 +SO-1 +#1 +2026-03-02 08:00 +intake\.forward by mei "
                                  r"\(market\) +→ Intake\.SalesReview$")

    def test_changes_follow_receives_another_process_write_and_stops_on_sigterm(self):
        last = int(sql(self.path, "SELECT MAX(position) FROM changes")[0][0])
        follower = subprocess.Popen(
            [CLI, "--db", self.db, "changes", "--after", str(last), "--follow", "--json",
             "--interval", "50"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(0.3)  # the follower has read the empty tail and waits
            self.assertIsNone(follower.poll(), "the follower ended by itself")
            run(self.db, "case", "fire", "SO-1", "intake.confirm", "--as", "li:sales",
                "--at", iso(5))
            ready, _, _ = select.select([follower.stdout], [], [], 20)
            self.assertTrue(ready, "no change arrived within 20 s")
            change = json.loads(follower.stdout.readline())
            self.assertEqual(change["position"], last + 1)
            self.assertEqual(change["case_id"], "SO-1")
            self.assertEqual(change["entry"]["event"], "intake.confirm")
            follower.send_signal(signal.SIGTERM)
            _, err = follower.communicate(timeout=20)
            self.assertEqual(follower.returncode, 0, err)
            self.assertIn("stopped after position %d" % (last + 1), err)
        finally:
            if follower.poll() is None:
                follower.kill()
                follower.wait()

    def test_changes_follow_stops_on_sigint_while_waiting(self):
        follower = subprocess.Popen(
            [CLI, "--db", self.db, "changes", "--after", "1000", "--follow", "--interval",
             "60000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        follower.send_signal(signal.SIGINT)
        _, err = follower.communicate(timeout=20)  # not the 60 s interval
        self.assertEqual(follower.returncode, 0, err)
        self.assertIn("stopped after position 1000", err)

    # -- case fire --request-id ------------------------------------------------------------------

    def test_a_repeated_request_id_fires_once(self):
        args = ("case", "fire", "SO-2", "evaluation.technical", "--as", "zhao:technical",
                "--set", "feasible=true", "--at", iso(5), "--request-id", "web-7f3a")
        first = run_json(self.db, *args, "--json")
        self.assertTrue(first["accepted"])
        self.assertFalse(first["repeated"])
        self.assertEqual(first["attempts"], 1)
        self.assertEqual(first["revision"], 4)
        self.assertEqual(first["request_id"], "web-7f3a")
        again = run_json(self.db, *args, "--json")
        self.assertTrue(again["repeated"])
        self.assertTrue(again["accepted"])
        self.assertEqual(again["revision"], 4)
        self.assertEqual(again["state"], first["state"])
        text = run(self.db, *args).stdout
        self.assertIn("a repeat of request web-7f3a", text)
        self.assertIn("revision 4", text)
        history = run_json(self.db, "case", "history", "SO-2", "--json")
        self.assertEqual(len(history["ledger"]), 4)  # fired once

    def test_a_repeated_refused_request_is_refused_again_without_firing(self):
        args = ("case", "fire", "SO-1", "contract.sign", "--as", "li:sales", "--at", iso(5),
                "--request-id", "r-2")
        first = run_json(self.db, *args, "--json", expect=1)
        self.assertFalse(first["accepted"])
        self.assertFalse(first["repeated"])
        again = run_json(self.db, *args, "--json", expect=1)
        self.assertTrue(again["repeated"])
        self.assertFalse(again["accepted"])
        self.assertEqual(again["reasons"], first["reasons"])
        # A new request id fires anew.
        self.assertFalse(run_json(self.db, *args[:-1], "r-3", "--json", expect=1)["repeated"])

    # -- verify ----------------------------------------------------------------------------------

    def test_verify_passes_a_sound_store(self):
        report = run_json(self.db, "verify", "--all", "--json")
        self.assertEqual(set(report), {"ok", "cases"})
        self.assertTrue(report["ok"])
        self.assertEqual([c["case_id"] for c in report["cases"]], ["SO-1", "SO-2", "SO-3", "SO-4"])
        for c in report["cases"]:
            self.assertEqual(set(c), {"case_id", "revision", "ok", "problems"})
        out = run(self.db, "verify", "SO-3").stdout
        self.assertRegex(out, r"SO-3 +revision 9 +ok")
        self.assertIn("1 case(s) audited, 0 with problems", out)

    def test_verify_catches_an_edited_ledger_row(self):
        entry = json.loads(sql(self.path,
                               "SELECT entry FROM ledger WHERE case_id = 'SO-2' AND seq = 3")[0][0])
        entry["payload"]["cost"] = 100000  # a better margin than the one approved
        sql(self.path, "UPDATE ledger SET entry = ? WHERE case_id = 'SO-2' AND seq = 3",
            json.dumps(entry))
        p = run(self.db, "verify", "--all", expect=1)
        self.assertRegex(p.stdout, r"SO-2 +revision 3 +\d+ problems?")
        self.assertRegex(p.stdout, r"SO-1 +revision 1 +ok")
        self.assertIn("4 case(s) audited, 1 with problems", p.stdout)
        report = run_json(self.db, "verify", "SO-2", "--json", expect=1)
        self.assertFalse(report["ok"])
        problems = report["cases"][0]["problems"]
        self.assertTrue(problems)
        self.assertTrue(any("/ledger/2" in p["where"] for p in problems), problems)
        # store check sees the broken chain too.
        check = run_json(self.db, "store", "check", "--json", expect=1)
        self.assertTrue(any("case SO-2: ledger" in p for p in check["problems"]), check)

    def test_verify_reports_an_unknown_case_and_audits_the_others(self):
        p = run(self.db, "verify", "SO-1", "NOPE", expect=1)
        self.assertIn("NOPE", p.stdout)
        self.assertIn("no such case in the store", p.stdout)
        self.assertRegex(p.stdout, r"SO-1 +revision 1 +ok")

    # -- store check, store migrate --------------------------------------------------------------

    def test_store_check_passes_a_sound_store(self):
        report = run_json(self.db, "store", "check", "--json")
        self.assertEqual(set(report),
                         {"path", "schema_version", "cases", "entries", "ok", "problems"})
        self.assertTrue(report["ok"], report)
        self.assertEqual(report["cases"], 4)
        self.assertEqual(report["entries"], sum(steps for _, _, steps, _ in CASES))
        self.assertEqual(report["schema_version"], 3)
        self.assertIn("sound", run(self.db, "store", "check").stdout)

    def test_store_check_catches_a_worklist_that_is_not_the_state(self):
        sql(self.path, "DELETE FROM worklist WHERE case_id = 'SO-3' AND role = 'legal'")
        p = run(self.db, "store", "check", expect=1)
        self.assertIn("case SO-3: worklist rows", p.stdout)
        self.assertIn("contract.legal_approve (legal)", p.stdout)
        self.assertIn("1 problem(s)", p.stdout)

    def test_store_migrate_brings_a_version_1_store_to_version_3(self):
        with sqlite3.connect(self.path) as con:  # what schema version 1 had
            con.executescript(
                "DROP TABLE worklist; DROP TABLE changes; DROP TABLE requests;"
                "ALTER TABLE cases DROP COLUMN due_ms;"
                "ALTER TABLE cases DROP COLUMN worklist_revision;"
                "UPDATE meta SET value = '1' WHERE key = 'schema_version';")
        con.close()
        out = run(self.db, "store", "migrate").stdout
        self.assertIn("schema version 1 → 3 (migrated)", out)
        self.assertIn("Worklists indexed for 4 case(s)", out)
        again = run_json(self.db, "store", "migrate", "--json")
        self.assertEqual(again, {"path": self.path, "schema_before": 3, "schema_after": 3,
                                 "migrated": False, "worklists_indexed": 0})
        self.assertTrue(run_json(self.db, "store", "check", "--json")["ok"])
        changes = run(self.db, "changes", "--limit", "1000", "--json").stdout.splitlines()
        self.assertEqual(len(changes), sum(steps for _, _, steps, _ in CASES))

    def test_inbox_indexes_a_migrated_store_first(self):
        with sqlite3.connect(self.path) as con:
            con.execute("DELETE FROM worklist")
            con.execute("UPDATE cases SET worklist_revision = NULL")
        con.close()
        page = run_json(self.db, "inbox", "--as", "zhou:legal", "--json")
        self.assertEqual([i["case_id"] for i in page["items"]], ["SO-3"])

    # -- --db ------------------------------------------------------------------------------------

    def test_db_takes_a_plain_path_and_refuses_a_missing_store(self):
        page = run_json(self.path, "inbox", "--as", "zhou:legal", "--json")  # plain path
        self.assertEqual(len(page["items"]), 1)
        missing = os.path.join(self.dir, "missing.db")
        for args in (("inbox", "--as", "li:sales"), ("changes",), ("verify", "--all"),
                     ("store", "check"), ("store", "migrate")):
            p = run("sqlite:" + missing, *args, expect=2)
            self.assertIn("no such store", p.stderr)
        self.assertFalse(os.path.exists(missing))
        p = run("mysql://nowhere/db", "inbox", "--as", "li:sales", expect=2)
        self.assertIn("unknown kind of store", p.stderr)
        p = run("postgresql:///db?host=/nonexistent-undertake", "inbox", "--as", "li:sales",
                expect=2)
        self.assertIn("cannot connect", p.stderr)


if __name__ == "__main__":
    CLI = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

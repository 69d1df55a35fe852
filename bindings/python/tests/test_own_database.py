"""Case.head / Case.entries and Engine.restore_entries / verify_entries: a host keeping cases in
its own database as a head and an append-only table of entries (undertake.h, design.md §9)."""
import json
import unittest

import undertake

from support import DATA, STEPS, run


class OwnDatabaseTest(unittest.TestCase):
    def setUp(self):
        self.engine = undertake.Engine()
        case = self.engine.create_case("OWN-1", DATA)
        run(case, STEPS[:2])
        self.rows = [json.dumps(e) for e in case.entries()]  # as a table gives them back
        self.read = case.revision
        case.close()

    def tearDown(self):
        self.engine.close()

    def save_more(self, head, steps):
        """load the head → fire → the new head and the entries after the revision read."""
        with self.engine.restore(head) as case:
            read = case.revision
            run(case, steps)
            return case.head_json(), case.entries(read)

    def test_head_and_entries(self):
        with self.engine.create_case("OWN-2", DATA) as case:
            self.assertNotIn("ledger", case.head())
            self.assertEqual(case.head()["revision"], 0)
            self.assertEqual(case.entries(), [])
            run(case, STEPS[:3])
            self.assertEqual([e["seq"] for e in case.entries()], [1, 2, 3])
            self.assertEqual([e["seq"] for e in case.entries(2)], [3])
            self.assertEqual(case.entries(3), [])
            self.assertRegex(case.entries()[0]["hash"], r"^[0-9a-f]{64}$")
            self.assertEqual(case.head()["ledger_head"]["hash"], case.entries()[-1]["hash"])
            self.assertEqual(json.loads(case.head_json()), case.head())
            with self.assertRaises(undertake.InvalidArgument):
                case.entries(4)
            head = case.head()
        with self.engine.restore(head) as case:  # from the head alone
            with self.assertRaises(undertake.InvalidArgument) as caught:
                case.entries(1)
            self.assertIn("after seq 3 only", str(caught.exception))
            self.assertEqual(case.entries(3), [])

    def test_save_what_changed_and_restore_the_whole(self):
        with self.engine.create_case("OWN-3", DATA) as case:
            head = case.head_json()
        rows = []
        for steps in (STEPS[:2], STEPS[2:5], STEPS[5:6]):
            head, new = self.save_more(head, steps)
            rows += new
        self.assertEqual([r["seq"] for r in rows], list(range(1, 7)))
        # dicts, row texts or the whole array as text: the same case
        for given in (rows, [json.dumps(r) for r in rows], json.dumps(rows)):
            with self.engine.restore_entries(head, given) as case:
                self.assertEqual(case.revision, 6)
                self.assertEqual(case.entries(), rows)
                self.assertEqual(len(case.ledger()["ledger"]), 6)
        report = self.engine.verify_entries(head, rows)
        self.assertTrue(report["ok"], report)

    def test_damaged_rows_are_refused(self):
        with self.engine.create_case("OWN-4", DATA) as case:
            run(case, STEPS[:2])
            head, rows = case.head(), case.entries()
        edited = json.loads(json.dumps(rows))
        edited[1]["actor"]["id"] = "someone"
        with self.assertRaises(undertake.SnapshotError) as caught:
            self.engine.restore_entries(head, edited)
        self.assertIn("/ledger/1", str(caught.exception))
        with self.assertRaises(undertake.SnapshotError):
            self.engine.restore_entries(head, rows[:1])  # a row missing
        report = self.engine.verify_entries(head, edited)
        self.assertFalse(report["ok"])
        self.assertTrue(any(p["where"].startswith("/ledger/1") for p in report["problems"]),
                        report)
        with self.assertRaises(undertake.InvalidArgument):
            self.engine.restore_entries(head, {"seq": 1})
        with self.assertRaises(undertake.InvalidJson):
            self.engine.restore_entries(head, "{}")
        with self.assertRaises(undertake.InvalidArgument):  # a snapshot is not a head
            self.engine.restore_entries(dict(head, ledger=rows), rows)


if __name__ == "__main__":
    unittest.main()

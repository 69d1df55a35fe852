import gc
import threading
import unittest

import undertake

from support import DATA, MARKET, SALES, STEPS, run

CREDIT_GATE = {
    "policy": {"version": "credit-py"},
    "gates": {"gates": {"intake.confirm": {"rules": [{
        "id": "credit-ok",
        "description": "The customer is within its credit limit (host ERP).",
        "rule": "credit_check",
        "message": "the customer is over its credit limit"}]}}},
}


class RuleTest(unittest.TestCase):
    def setUp(self):
        self.engine = undertake.Engine()
        self.calls = []

    def tearDown(self):
        self.engine.close()

    def confirm(self, case_id="K-1"):
        case = self.engine.create_case(case_id, DATA)
        case.fire("intake.forward", MARKET, at="2026-03-02", check=True)
        return case, case.fire("intake.confirm", SALES, at="2026-03-03")

    def test_policy_needs_the_rule_first(self):
        with self.assertRaises(undertake.PolicyError) as caught:
            self.engine.patch_policy(CREDIT_GATE)
        self.assertIn("credit_check", str(caught.exception))

    def test_bool_tuple_verdict(self):
        answers = [False, (False, "owes 120000"), undertake.Verdict(False, "over", {"owed": 1}),
                   True]

        @self.engine.rule("credit_check")
        def credit_check(facts, event, actor):
            self.calls.append((facts["data"]["customer"]["name"], event, actor["id"]))
            return answers[len(self.calls) - 1]

        self.engine.patch_policy(CREDIT_GATE)
        case, out = self.confirm()
        self.assertFalse(out)
        self.assertEqual(out.reasons[0].rule, "credit-ok")
        self.assertIn("over its credit limit", out.reasons[0].message)  # the policy's message
        out = case.fire("intake.confirm", SALES, at="2026-03-03")
        self.assertEqual(out.reasons[0].message, "owes 120000")
        out = case.fire("intake.confirm", SALES, at="2026-03-03")
        self.assertEqual(out.trace["rules"][0]["details"], {"owed": 1})
        self.assertTrue(case.fire("intake.confirm", SALES, at="2026-03-03"))
        self.assertEqual(self.calls[0], ("Hengda Machinery", "intake.confirm", "li"))

    def test_exception_fails_closed(self):
        self.engine.register_rule("credit_check", lambda facts, event, actor: 1 / 0)
        self.engine.patch_policy(CREDIT_GATE)
        _, out = self.confirm()
        self.assertFalse(out)
        self.assertIn("ZeroDivisionError", out.reasons[0].message)

    def test_callbacks_stay_alive(self):
        def register():
            self.engine.register_rule("credit_check", lambda *a: True)

        register()
        gc.collect()
        self.engine.patch_policy(CREDIT_GATE)
        gc.collect()
        _, out = self.confirm()
        self.assertTrue(out)


class ListenerTest(unittest.TestCase):
    def test_hears_accepted_and_refused(self):
        heard = []
        with undertake.Engine() as engine:
            engine.set_listener(lambda cid, ev, ok, outcome: heard.append((cid, ev, ok, outcome)))
            case = engine.create_case("N-1", DATA)
            case.fire("intake.forward", MARKET, at="2026-03-02")
            case.fire("contract.sign", SALES, at="2026-03-03")
            self.assertEqual([(c, e, a) for c, e, a, _ in heard],
                             [("N-1", "intake.forward", True), ("N-1", "contract.sign", False)])
            self.assertEqual(heard[0][3].state, ["Intake.SalesReview"])
            self.assertEqual(heard[1][3].reasons[0].kind, "state")
            engine.set_listener(None)
            case.fire("intake.confirm", SALES, at="2026-03-03")
            self.assertEqual(len(heard), 2)

    def test_a_failing_listener_does_not_undo_the_event(self):
        with undertake.Engine() as engine:
            def boom(*args):
                raise RuntimeError("mail server down")

            engine.set_listener(boom)
            case = engine.create_case("N-2", DATA)
            with self.assertLogs("undertake", level="ERROR"):
                out = case.fire("intake.forward", MARKET, at="2026-03-02")
            self.assertTrue(out)
            self.assertEqual(case.revision, 1)


class DeadlineTest(unittest.TestCase):
    def test_tick_escalates_and_notifies(self):
        heard = []
        with undertake.Engine() as engine:
            engine.set_listener(lambda cid, ev, ok, outcome: heard.append(ev))
            case = engine.create_case("D-1", DATA)
            case.fire("intake.forward", MARKET, at="2026-03-02", check=True)
            case.fire("intake.confirm", SALES, at="2026-03-03", check=True)
            self.assertIn("evaluation-decision", [d["id"] for d in case.deadlines()])
            result = case.tick("2026-03-20T09:00:00Z")
            self.assertEqual(result["escalated"], 1)
            self.assertEqual(result["items"][0]["status"], "overdue")
            self.assertEqual(heard[-1], "deadline.escalated")
            self.assertEqual(case.revision, 3)
            with self.assertRaises(undertake.InvalidArgument):
                case.tick("2026-03-01")


class KpiTest(unittest.TestCase):
    def test_report_with_a_python_kpi(self):
        with undertake.Engine() as engine:
            case = engine.create_case("SO-2026-001", DATA)
            run(case)
            seen = {}

            def orders(ledgers, period):
                seen["period"] = period
                return len(ledgers) or None

            engine.register_kpi("sales.orders", orders,
                                {"title": "Orders", "unit": "count", "target": 2})
            report = engine.kpi([case.ledger()], "2026-01-01", "2026-12-31")
            self.assertEqual(report["cases"], 1)
            self.assertEqual(report["kpis"]["sales.revenue"]["value"], 420000)
            self.assertEqual(report["kpis"]["sales.orders"]["value"], 1)
            self.assertEqual(report["kpis"]["sales.orders"]["score"], 50)
            self.assertEqual(seen["period"]["from"], "2026-01-01")
            # Snapshots work as well; a failing calculator is a RuleError.
            engine.register_kpi("sales.orders", lambda ledgers, period: 1 / 0)
            with self.assertLogs("undertake", level="ERROR"):
                with self.assertRaises(undertake.RuleError):
                    engine.kpi([case.snapshot()], "2026-01-01", "2026-12-31")
            with self.assertRaises(undertake.InvalidArgument):
                engine.kpi([], "2026-12-31", "2026-01-01")

    def test_person_scorecard_and_quality_report(self):
        with undertake.Engine() as engine:
            case = engine.create_case("SO-2026-001", DATA)
            run(case)
            card = engine.kpi_people([case.ledger()], "2026-01-01", "2026-12-31")
            self.assertEqual(card["cases"], 1)
            people = {p["id"]: p for p in card["people"]}
            self.assertGreater(people["li"]["events_by_role"]["sales"], 3)
            self.assertIn(people["li"]["measures"]["deadline_timeliness"]["status"],
                          {"scored", "too_few_data"})
            sales = [d for d in card["departments"] if d["id"] == "sales"][0]
            self.assertIn("li", sales["not_ranked"] + [r["person"] for r in sales["ranking"]])
            report = engine.quality([case.snapshot()], "2026-01-01", "2026-12-31")
            self.assertGreater(report["inspections"]["total"]["count"], 0)
            self.assertEqual(report["cases"], 1)
            self.assertEqual(engine.kpi_people([], "2026-01-01", "2026-03-31")["people"], [])
            with self.assertRaises(undertake.InvalidArgument):
                engine.quality([], "2026-12-31", "2026-01-01")


class ThreadsTest(unittest.TestCase):
    def test_shared_engine(self):
        heard = []
        lock = threading.Lock()
        errors = []
        with undertake.Engine() as engine:
            engine.register_rule("credit_check", lambda facts, event, actor: True)
            engine.patch_policy(CREDIT_GATE)

            def on_event(cid, ev, ok, outcome):
                with lock:
                    heard.append(ok)

            engine.set_listener(on_event)

            def worker(n):
                try:
                    for k in range(3):
                        with engine.create_case(f"T{n}-{k}", DATA) as case:
                            run(case)
                except Exception as e:  # reported below
                    errors.append(e)

            threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(heard), 4 * 3 * len(STEPS))
        self.assertTrue(all(heard))


if __name__ == "__main__":
    unittest.main()

import datetime as dt
import gc
import unittest

import undertake
from undertake import _native

from support import DATA, MARKET, SALES, STEPS, run


class EngineTest(unittest.TestCase):
    def setUp(self):
        self.engine = undertake.Engine()

    def tearDown(self):
        self.engine.close()

    def test_version(self):
        self.assertRegex(undertake.version(), r"^\d+\.\d+\.\d+$")
        self.assertEqual(undertake.version().split(".")[:2], undertake.__version__.split(".")[:2])
        self.assertTrue(undertake.library_path())

    def test_full_order(self):
        case = self.engine.create_case("SO-2026-001", DATA)
        self.assertEqual(case.state, ["Intake.Registered"])
        self.assertEqual(case.stage, "Intake")
        for step, outcome in zip(STEPS, run(case)):
            self.assertTrue(outcome.accepted)
            self.assertTrue(outcome)
            self.assertEqual(outcome.event, step["event"])
            if "state" in step.get("expect", {}):
                self.assertIn(step["expect"]["state"], outcome.state)
        self.assertEqual(case.state, ["Closed"])
        self.assertEqual(case.revision, len(STEPS))
        self.assertEqual(case.ledger()["ledger"][0]["event"], "intake.forward")
        self.assertIn("contract", case.record())
        self.assertIn("level", case.risk())

        snapshot = case.snapshot()
        self.assertEqual(snapshot["format"], "undertake.snapshot")
        with self.assertRaises(undertake.Conflict):
            self.engine.restore(snapshot)  # the id is open
        ledger = case.ledger()
        case.close()
        restored = self.engine.restore(snapshot)
        self.assertEqual(restored.snapshot(), snapshot)
        self.assertIs(self.engine.find_case("SO-2026-001"), restored)
        restored.close()
        with self.assertRaises(undertake.NotFound):
            self.engine.find_case("SO-2026-001")
        replayed = self.engine.replay(ledger)
        self.assertEqual(replayed.revision, len(STEPS))

    def test_refusal_is_an_outcome_or_an_exception(self):
        case = self.engine.create_case("R-1", DATA)
        outcome = case.fire("intake.forward", SALES, at="2026-03-02")
        self.assertFalse(outcome)
        self.assertEqual(outcome.reasons[0].kind, "role")
        self.assertIn("may not fire", outcome.reasons[0].message)
        with self.assertRaises(undertake.Refused) as caught:
            case.fire("intake.forward", SALES, at="2026-03-02", check=True)
        self.assertEqual(caught.exception.reasons[0].kind, "role")
        self.assertIsInstance(caught.exception, undertake.UndertakeError)
        with self.assertRaises(undertake.Refused):
            case.fire_or_raise("contract.sign", SALES, at="2026-03-02")
        self.assertEqual(case.revision, 0)

    def test_actor_time_and_payload_forms(self):
        case = self.engine.create_case("F-1", DATA)
        case.fire("intake.forward", undertake.Actor("mei", "market"),
                  at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc), check=True)
        case.fire("intake.confirm", SALES, {}, dt.date(2026, 3, 3), check=True)
        case.fire("evaluation.quote", SALES, '{"price": 420000, "cost": 320000}', "2026-03-04",
                  check=True)
        self.assertEqual(case.ledger()["ledger"][0]["at"], "2026-03-02T09:00:00Z")
        with self.assertRaises(undertake.InvalidArgument):
            case.fire("evaluation.technical", {"id": "zhao", "roles": ["technical"]},
                      {"feasible": True}, dt.datetime(2026, 3, 5))  # naive: ambiguous
        # No wall-clock default: the time is the host's to give.
        with self.assertRaises(undertake.InvalidArgument) as caught:
            case.fire("evaluation.technical", {"id": "zhao", "roles": ["technical"]},
                      {"feasible": True})
        self.assertEqual(caught.exception.where, "at")
        self.assertIn("clock", caught.exception.message)
        with self.assertRaises(undertake.InvalidArgument):
            case.tick()
        self.assertEqual(case.revision, 3)

    def test_a_clock_the_host_gives_the_engine(self):
        times = iter(["2026-03-02T09:00:00Z", dt.date(2026, 3, 3),
                      dt.datetime(2026, 3, 20, 8, tzinfo=dt.timezone.utc)])
        with undertake.Engine(clock=lambda: next(times)) as engine:
            case = engine.create_case("T-1", DATA)
            case.fire("intake.forward", MARKET, check=True)
            case.fire_or_raise("intake.confirm", SALES, {})
            case.fire("evaluation.quote", SALES, {"price": 1, "cost": 1}, "2026-03-04",
                      check=True)  # a time given wins over the clock
            self.assertEqual([e["at"] for e in case.entries()],
                             ["2026-03-02T09:00:00Z", "2026-03-03T00:00:00Z",
                              "2026-03-04T00:00:00Z"])
            self.assertEqual(case.tick()["now"], "2026-03-20T08:00:00Z")
        with self.assertRaises(undertake.InvalidArgument):
            undertake.Engine(clock="2026-03-02")  # not callable

    def test_available(self):
        case = self.engine.create_case("A-1", DATA)
        events = [e["event"] for e in case.available(MARKET)]
        self.assertIn("intake.forward", events)
        self.assertNotIn("intake.forward", [e["event"] for e in case.available(SALES)])

    def test_context_managers(self):
        with undertake.Engine() as engine:
            with engine.create_case("C-1", DATA) as case:
                case.fire("intake.forward", MARKET, at="2026-03-02", check=True)
            with self.assertRaises(undertake.NotFound):
                engine.find_case("C-1")
        self.assertTrue(engine.closed)
        with self.assertRaises(undertake.Closed):
            engine.create_case("C-2", DATA)

    def test_close_with_open_cases(self):
        engine = undertake.Engine()
        case = engine.create_case("L-1", DATA)
        case.fire("intake.forward", MARKET, at="2026-03-02", check=True)
        engine.close()
        self.assertEqual(case.state, ["Intake.SalesReview"])
        self.assertEqual(case.snapshot()["revision"], 1)
        with self.assertRaises(undertake.Closed):
            case.fire("intake.confirm", SALES, at="2026-03-03")
        case.close()
        case.close()  # twice is fine

    def test_errors(self):
        e = self.engine
        with self.assertRaises(undertake.InvalidArgument):
            e.create_case("", DATA)
        with self.assertRaises(undertake.InvalidArgument):
            e.create_case("bad-\ud800", DATA)  # a lone surrogate is not UTF-8
        with self.assertRaises(undertake.InvalidJson):
            e.create_case("X-1", "{not json")
        with self.assertRaises(undertake.InvalidJson):
            e.create_case("X-1", {"quantity": float("nan")})
        case = e.create_case("X-1", DATA)
        with self.assertRaises(undertake.Conflict):
            e.create_case("X-1", DATA)
        with self.assertRaises(undertake.InvalidJson):
            case.fire("intake.forward", MARKET, [1, 2], "2026-03-02")
        with self.assertRaises(undertake.InvalidArgument):
            case.fire("intake.forward", MARKET, None, "last tuesday")
        with self.assertRaises(undertake.SnapshotError) as caught:
            e.restore({"format": "undertake.snapshot"})
        self.assertEqual(caught.exception.status_name, "UT_E_SNAPSHOT")
        with self.assertRaises(undertake.PolicyError):
            undertake.Engine({"roles": 3})
        with self.assertRaises(undertake.NotFound):
            undertake.Engine("/nonexistent/rules")
        with self.assertRaises(undertake.NotFound):
            e.find_case("NOPE")
        case.fire("intake.forward", MARKET, None, "2026-03-02", check=True)
        with self.assertRaises(undertake.Conflict):
            case.fire("intake.confirm", SALES, None, "2026-03-03", expected_revision=0)
        e.set_limits(max_json_bytes=256)
        with self.assertRaises(undertake.LimitExceeded):
            case.fire("intake.confirm", SALES, {"note": "x" * 1000}, "2026-03-03")
        e.set_limits(max_json_bytes=1 << 20, max_json_depth=8)
        with self.assertRaises(undertake.LimitExceeded):
            case.fire("intake.confirm", SALES, {"a": [[[[[[[[[[1]]]]]]]]]]}, "2026-03-03")

    def test_policy_roundtrip(self):
        policy = undertake.builtin_policy()
        self.assertIn("gates", policy)
        policy["policy"]["version"] = "py-1"
        with undertake.Engine(policy) as engine:
            self.assertEqual(engine.policy_info["version"], "py-1")
            engine.patch_policy({"policy": {"version": "py-2"}})
            self.assertEqual(engine.policy_info["version"], "py-2")
            engine.reload()
            self.assertEqual(engine.policy_info["version"], "py-2")
            self.assertIn("sales", engine.policy_info["events"]["contract.sign"]["roles"])

    def test_every_returned_string_is_freed(self):
        lib = _native.lib()
        original = lib.ut_free
        freed = []

        def counting_free(p):
            freed.append(p)
            original(p)

        lib.ut_free = counting_free
        try:
            case = self.engine.create_case("M-1", DATA)  # ut_case_id: 1
            case.fire("intake.forward", MARKET, None, "2026-03-02")  # outcome: 1
            case.fire("intake.forward", MARKET, None, "2026-03-02")  # refused outcome: 1
            case.snapshot()  # 1
            case.state  # 1
            with self.assertRaises(undertake.InvalidJson):
                case.fire("intake.confirm", SALES, [], "2026-03-03")  # nothing returned
            self.assertEqual(len(freed), 5)
            self.assertTrue(all(freed))
        finally:
            lib.ut_free = original

    def test_cases_are_freed_with_their_objects(self):
        first = self.engine.create_case("G-1", DATA)
        with self.assertRaises(undertake.Conflict):
            self.engine.create_case("G-1", DATA)  # open while its object lives (UT_E_CONFLICT)
        del first
        gc.collect()
        with self.assertRaises(undertake.NotFound):
            self.engine.find_case("G-1")  # freed with its object
        again = self.engine.create_case("G-1", DATA)  # the id is free again
        self.assertEqual(again.id, "G-1")
        self.assertIs(self.engine.find_case("G-1"), again)


if __name__ == "__main__":
    unittest.main()

"""The HTTP API of `undertake serve` (design.md §10), called over HTTP on a server started on a
free loopback port with a seeded store; every response is checked against the OpenAPI document
the server serves.

    UNDERTAKE_CLI=build/release/src/cli/undertake python3 -m unittest -v api_test
"""

import json
import os
import signal
import subprocess
import threading
import time
import unittest

import serverlib

FORM = {"customer": {"name": "Test Works", "tier": "regular"},
        "product": {"name": "Bracket B-1", "standard": False}, "spec": "steel bracket",
        "quantity": 100, "delivery_date": "2026-09-30", "quality_requirements": "ISO 2768-m",
        "channel": "email", "estimated_amount": 90000}


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = serverlib.Server()

    @classmethod
    def tearDownClass(cls):
        cls.assertEqual(unittest.TestCase(), cls.s.stop(), 0)

    def call(self, method, path, template, as_="li", body=None, expect=200, **kw):
        status, res, value = self.s.request(method, path, as_=as_, body=body, **kw)
        self.assertEqual(status, expect, "%s %s: %s" % (method, path, value))
        ctype = res.getheader("Content-Type").split(";")[0]
        errors = self.s.schema_errors(template, method, status, value, ctype)
        self.assertEqual(errors, [], "%s %s → %d does not match its schema" % (method, path, status))
        return value, res

    def new_case(self, case_id, data=None):
        value, res = self.call("POST", "/api/v1/cases", "/cases", as_="mei",
                               body={"id": case_id, "data": data or FORM}, expect=201)
        self.assertEqual(res.getheader("Location"), "/api/v1/cases/" + case_id)
        return value

    # --- the document and authentication -------------------------------------------------

    def test_openapi_document_describes_every_endpoint(self):
        doc = self.s.openapi()
        self.assertEqual(doc["openapi"], "3.1.0")
        for path in ["/cases", "/cases/{id}", "/cases/{id}/ledger", "/cases/{id}/available",
                     "/cases/{id}/diagram.svg", "/cases/{id}/events", "/inbox", "/changes",
                     "/tick", "/kpi", "/policy", "/policy/check", "/policy/test",
                     "/policy/evaluate"]:
            self.assertIn(path, doc["paths"])
        status, _, schema = self.s.request("GET", "/api/v1/payloads.schema.json")
        self.assertEqual(status, 200)
        self.assertIn("evaluation.quote", schema["$defs"])
        # the validator is not blind: a wrong shape is found
        self.assertNotEqual(self.s.schema_errors("/cases", "GET", 200, {"cases": [{}]}), [])

    def test_no_token_or_a_forged_one_is_401(self):
        li = self.s.tokens["li"]
        near = li[:-1] + ("1" if li[-1] == "0" else "0")  # one character off
        for token in (None, "x" * 32, near):
            status, res, value = self.s.request("GET", "/api/v1/cases", token=token)
            self.assertEqual(status, 401)
            self.assertEqual(value["error"]["status"], "UT_E_UNAUTHORIZED")
            self.assertIn("Bearer", res.getheader("WWW-Authenticate"))
        status, _, _ = self.s.request("GET", "/api/v1/cases",
                                      headers={"Authorization": "Basic " + self.s.tokens["li"]})
        self.assertEqual(status, 401)

    def test_whoami_is_the_tokens_actor(self):
        value, _ = self.call("GET", "/api/v1/whoami", "/whoami", as_="audit")
        self.assertEqual(value, {"actor": {"id": "audit", "roles": []}, "read_only": True})

    # --- cases ------------------------------------------------------------------------------

    def test_list_with_filters(self):
        value, _ = self.call("GET", "/api/v1/cases?limit=0", "/cases")
        everything = value["cases"]
        self.assertGreater(len(everything), 10)
        value, _ = self.call("GET", "/api/v1/cases?open=true&stage=Contract&limit=5", "/cases")
        self.assertLessEqual(len(value["cases"]), 5)
        for c in value["cases"]:
            self.assertEqual(c["stage"], "Contract")
            self.assertFalse(c["terminated"])
        value, _ = self.call("GET", "/api/v1/cases?limit=x", "/cases", expect=400)
        self.assertEqual(value["error"]["status"], "UT_E_INVALID_ARGUMENT")

    def test_create_get_ledger_available_diagram(self):
        summary = self.new_case("API-1")
        self.assertEqual(summary["state"], ["Intake.Registered"])
        value, _ = self.call("POST", "/api/v1/cases", "/cases", as_="mei",
                             body={"id": "API-1", "data": FORM}, expect=409)
        self.assertEqual(value["error"]["status"], "UT_E_CONFLICT")
        value, _ = self.call("GET", "/api/v1/cases/API-1", "/cases/{id}")
        self.assertEqual(value["summary"]["case_id"], "API-1")
        self.assertEqual(value["snapshot"]["record"]["data"]["customer"]["name"], "Test Works")
        value, _ = self.call("GET", "/api/v1/cases/API-1/ledger", "/cases/{id}/ledger")
        self.assertEqual(value["case_id"], "API-1")
        value, _ = self.call("GET", "/api/v1/cases/API-1/available", "/cases/{id}/available", as_="mei")
        self.assertIn("intake.forward", [e["event"] for e in value["events"]])
        value, _ = self.call("GET", "/api/v1/cases/API-1/available", "/cases/{id}/available", as_="qian")
        self.assertNotIn("intake.forward", [e["event"] for e in value["events"]])
        svg, res = self.call("GET", "/api/v1/cases/API-1/diagram.svg", "/cases/{id}/diagram.svg")
        self.assertEqual(res.getheader("Content-Type"), "image/svg+xml")
        self.assertIn("<svg", svg)
        value, _ = self.call("GET", "/api/v1/cases/NOPE", "/cases/{id}", expect=404)
        self.assertEqual(value["error"]["status"], "UT_E_NOT_FOUND")

    def test_create_refusals(self):
        value, _ = self.call("POST", "/api/v1/cases", "/cases", as_="audit",
                             body={"id": "RO-1", "data": FORM}, expect=403)
        self.assertEqual(value["error"]["status"], "UT_E_FORBIDDEN")
        value, _ = self.call("POST", "/api/v1/cases", "/cases", as_="mei", raw=b'{"id": "X-1",',
                             headers={"Content-Type": "application/json"}, expect=400)
        self.assertEqual(value["error"]["status"], "UT_E_INVALID_JSON")
        value, _ = self.call("POST", "/api/v1/cases", "/cases", as_="mei",
                             body={"id": "X 1\n", "data": FORM}, expect=400)
        self.assertEqual(value["error"]["status"], "UT_E_INVALID_ARGUMENT")
        status, _, _ = self.s.request("GET", "/api/v1/cases/RO-1", as_="li")
        self.assertEqual(status, 404)

    def test_fire_accepted_refused_repeated(self):
        self.new_case("API-2", {k: v for k, v in FORM.items() if k not in ("spec", "quality_requirements")})
        fire = "/api/v1/cases/API-2/events"
        # the actor is the token's: a request may not name one
        value, _ = self.call("POST", fire, "/cases/{id}/events", as_="mei",
                             body={"event": "intake.forward", "actor": {"id": "boss", "roles": ["management"]}},
                             expect=400)
        value, _ = self.call("POST", fire, "/cases/{id}/events", as_="li",
                             body={"event": "intake.forward"}, expect=422)
        self.assertEqual(value["error"]["status"], "UT_REFUSED")
        self.assertFalse(value["outcome"]["accepted"])
        self.assertEqual(value["outcome"]["reasons"][0]["kind"], "role")
        value, _ = self.call("POST", fire, "/cases/{id}/events", as_="mei",
                             body={"event": "intake.forward", "request_id": "req-1"})
        self.assertTrue(value["accepted"])
        self.assertEqual(value["state"], ["Intake.SalesReview"])
        value, _ = self.call("POST", fire, "/cases/{id}/events", as_="mei",
                             body={"event": "intake.forward", "request_id": "req-1"})
        self.assertTrue(value["repeated"])
        # a gate refuses: the requirement is incomplete (no spec), with the rule's trace
        value, _ = self.call("POST", fire, "/cases/{id}/events", as_="li",
                             body={"event": "intake.confirm"}, expect=422)
        self.assertEqual(value["outcome"]["reasons"][0]["kind"], "gate")
        failed = [r for r in value["outcome"]["trace"]["rules"] if not r["passed"]]
        self.assertEqual(failed[0]["id"], "requirement-complete")
        ledger, _ = self.call("GET", "/api/v1/cases/API-2/ledger", "/cases/{id}/ledger")
        self.assertEqual([(e["event"], e["actor"]["id"]) for e in ledger["ledger"]],
                         [("intake.forward", "mei")])
        value, _ = self.call("POST", fire, "/cases/{id}/events", as_="audit",
                             body={"event": "intake.confirm"}, expect=403)
        value, _ = self.call("POST", "/api/v1/cases/NOPE/events", "/cases/{id}/events",
                             as_="li", body={"event": "intake.confirm"}, expect=404)
        value, _ = self.call("POST", fire, "/cases/{id}/events", as_="li",
                             body={"event": "no.such"}, expect=422)
        self.assertEqual(value["outcome"]["reasons"][0]["kind"], "unknown_event")

    def test_inbox_is_the_callers(self):
        self.new_case("API-3")
        self.call("POST", "/api/v1/cases/API-3/events", "/cases/{id}/events", as_="mei",
                  body={"event": "intake.forward"})
        value, _ = self.call("GET", "/api/v1/inbox?limit=1000", "/inbox", as_="li")
        mine = {i["case_id"]: i for i in value["items"]}
        self.assertIn("API-3", mine)
        self.assertIn("intake.confirm", [e["event"] for e in mine["API-3"]["events"]])
        value, _ = self.call("GET", "/api/v1/inbox?limit=1000", "/inbox", as_="zhou")
        self.assertNotIn("API-3", [i["case_id"] for i in value["items"]])
        self.call("GET", "/api/v1/inbox?limit=0", "/inbox", expect=400)

    def test_changes_and_long_poll(self):
        value, _ = self.call("GET", "/api/v1/changes?after=0&limit=5", "/changes")
        self.assertEqual([c["position"] for c in value["changes"]], [1, 2, 3, 4, 5])
        value, _ = self.call("GET", "/api/v1/changes?after=0&limit=0", "/changes")
        last = 0
        while True:
            page, _ = self.call("GET", "/api/v1/changes?limit=1000&after=%d" % last, "/changes")
            if not page["changes"]:
                break
            last = page["next"]
        start = time.time()
        value, _ = self.call("GET", "/api/v1/changes?wait=1&after=%d" % last, "/changes")
        self.assertEqual(value["changes"], [])
        self.assertGreaterEqual(time.time() - start, 0.9)
        self.call("GET", "/api/v1/changes?wait=31", "/changes", expect=400)

    def test_tick(self):
        value, _ = self.call("POST", "/api/v1/tick", "/tick", as_="boss", body={})
        self.assertGreater(value["cases_checked"], 0)  # the demo's quarter is past: deadlines due
        # a tick or an event dated ahead of the server's clock is refused (it would escalate now)
        value, _ = self.call("POST", "/api/v1/tick", "/tick", as_="boss", body={"now": "2999-01-01"}, expect=400)
        self.assertIn("later than the server's clock", value["error"]["message"])
        self.call("POST", "/api/v1/cases/NOPE/events", "/cases/{id}/events", as_="li",
                  body={"event": "intake.confirm", "at": "2999-01-01"}, expect=400)
        self.call("POST", "/api/v1/tick", "/tick", as_="audit", body={}, expect=403)

    def test_kpi_report_is_the_demos(self):
        value, _ = self.call("GET", "/api/v1/kpi?from=2026-01-01&to=2026-03-31", "/kpi", as_="audit")
        cli = subprocess.run([serverlib.CLI, "--db", self.s.db, "kpi", "--from", "2026-01-01",
                              "--to", "2026-03-31", "--json"], check=True, capture_output=True,
                             text=True)
        expected = json.loads(cli.stdout)
        self.assertEqual(value["kpis"], expected["kpis"])
        self.assertEqual(value["departments"], expected["departments"])
        self.call("GET", "/api/v1/kpi?from=2026-03-31&to=2026-01-01", "/kpi", expect=400)
        self.call("GET", "/api/v1/kpi", "/kpi", expect=400)

    # --- the policy ---------------------------------------------------------------------------

    def test_policy_info_check_test(self):
        value, _ = self.call("GET", "/api/v1/policy", "/policy", as_="audit")
        self.assertIn("sales", value["roles"])
        self.assertTrue(value["events"]["contract.sign"]["gated"])
        self.assertIn("tables", value["parts"])
        value, _ = self.call("GET", "/api/v1/policy/check", "/policy/check", as_="audit")
        self.assertEqual(value, {"ok": True, "problems": []})
        tests_dir = os.path.join(serverlib.HERE, "..", "..", "rules", "default", "tests")
        name = sorted(n for n in os.listdir(tests_dir) if n.endswith(".json"))[0]
        with open(os.path.join(tests_dir, name)) as f:
            doc = json.load(f)
        value, _ = self.call("POST", "/api/v1/policy/test", "/policy/test", as_="audit", body=doc)
        self.assertGreater(value["passed"], 0)
        self.assertEqual(value["failed"], 0)

    def test_policy_evaluate_with_trace(self):
        value, _ = self.call("POST", "/api/v1/policy/evaluate", "/policy/evaluate", as_="audit",
                             body={"event": "intake.confirm", "facts": {"data": {"quantity": 5}}})
        self.assertEqual(value["decision"]["verdict"], "denied")
        rule = value["decision"]["rules"][0]
        self.assertEqual(rule["id"], "requirement-complete")
        self.assertTrue(rule["reads"])
        value, _ = self.call("POST", "/api/v1/policy/evaluate", "/policy/evaluate", as_="audit",
                             body={"rule": {">": [{"var": "evaluation.quote.margin"}, 0.15]},
                                   "facts": {"evaluation": {"quote": {"margin": 0.2}}}})
        self.assertEqual(value["result"], True)
        self.assertEqual(value["reads"], [{"path": "evaluation.quote.margin", "value": 0.2}])
        value, _ = self.call("POST", "/api/v1/policy/evaluate", "/policy/evaluate", as_="audit",
                             body={"rule": {"no_such_op": [1]}, "facts": {}}, expect=400)
        self.assertEqual(value["error"]["status"], "UT_E_POLICY")
        self.call("POST", "/api/v1/policy/evaluate", "/policy/evaluate", as_="audit",
                  body={"event": "no.such", "facts": {}}, expect=404)

    # --- pages, headers, the log ----------------------------------------------------------------

    def test_console_pages_headers_and_no_escape(self):
        status, res, body = self.s.request("GET", "/")
        self.assertEqual(status, 200)
        self.assertIn("<html", body)
        csp = res.getheader("Content-Security-Policy")
        self.assertIn("default-src 'none'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(res.getheader("X-Content-Type-Options"), "nosniff")
        for path in ["/console/../../../etc/passwd", "/console/%2e%2e/%2e%2e/etc/passwd",
                     "/console/..%2f..%2fetc%2fpasswd", "/../etc/passwd", "/console/",
                     "/console/openapi.json", "/etc/passwd"]:
            status, _, body = self.s.request("GET", path)
            self.assertEqual(status, 404, path)
            self.assertNotIn("root:", json.dumps(body))

    def test_access_log_names_the_actor(self):
        self.s.request("GET", "/api/v1/whoami", as_="zhao")
        # The server writes its log line after the response, and a thread reads it from the pipe:
        # wait for it (a fixed pause was too short on a loaded machine).
        deadline = time.time() + 15
        while True:
            entries = [e for e in self.s.access_log() if e["target"] == "/api/v1/whoami"]
            if any(e["actor"] == "zhao" and e["status"] == 200 for e in entries) or time.time() > deadline:
                break
            time.sleep(0.05)
        self.assertTrue(any(e["actor"] == "zhao" and e["status"] == 200 for e in entries))
        for e in entries:
            for key in ("time", "remote", "method", "status", "bytes", "ms"):
                self.assertIn(key, e)
        for line in self.s.log:  # no secret in the log
            for token in self.s.tokens.values():
                self.assertNotIn(token, line)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_answers_the_request_in_progress_then_exits_0(self):
        s = serverlib.Server()
        try:
            result = {}

            def poll():  # a long poll in progress when SIGTERM comes
                result["answer"] = s.request("GET", "/api/v1/changes?after=999999&wait=20", as_="li")

            t = threading.Thread(target=poll)
            t.start()
            time.sleep(0.5)
            start = time.time()
            s.proc.send_signal(signal.SIGTERM)
            t.join(timeout=15)
            self.assertFalse(t.is_alive())
            self.assertEqual(result["answer"][0], 200)
            self.assertEqual(s.proc.wait(timeout=15), 0)
            self.assertLess(time.time() - start, 10)
            self.assertIn('{"event":"stopped"}', s.log)
        finally:
            s.stop()


if __name__ == "__main__":
    unittest.main()

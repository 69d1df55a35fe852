"""The command line against issue 13: what it accepts, it can store, show and fire again; what it
refuses, it refuses cleanly (exit status 2 or 1, never a crash) with a message naming the option
and the limit; nothing from its input reaches the terminal as a control character.

Run by CTest (tests/cli/CMakeLists.txt) with UNDERTAKE_CLI set to the built `undertake`.
"""
import json
import os
import subprocess
import tempfile
import unittest

CLI = os.environ.get("UNDERTAKE_CLI", "undertake")
FORM = json.dumps({
    "customer": {"name": "Hengda Machinery", "tier": "regular"},
    "product": {"name": "Gearbox housing GH-40", "standard": False},
    "spec": "cast aluminium housing", "quantity": 500, "delivery_date": "2026-06-30",
    "quality_requirements": "ISO 2768-m", "channel": "email", "estimated_amount": 400000})
AT = "2026-03-02T09:00:00Z"


def nested(depth):
    """A payload whose nesting is `depth` (the outer object is 1)."""
    return '{"x":' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.dir.name, "cases.db")

    def tearDown(self):
        self.dir.cleanup()

    def run_cli(self, *args):
        """Runs the CLI (bytes arguments allowed); returns (status, stdout, stderr) as bytes."""
        r = subprocess.run([CLI, "--db", self.db, *args], capture_output=True, timeout=120)
        self.assertGreaterEqual(r.returncode, 0, "killed by a signal: %r" % (r.stderr,))
        return r.returncode, r.stdout, r.stderr

    def ok(self, *args):
        status, out, err = self.run_cli(*args)
        self.assertEqual(status, 0, err.decode("utf-8", "replace"))
        return out.decode("utf-8")

    def fails(self, status, *args):
        got, out, err = self.run_cli(*args)
        self.assertEqual(got, status, (out + err).decode("utf-8", "replace"))
        return (out + err).decode("utf-8")

    def readable(self, case_id):
        """Every way of reading a stored case works (the store reads back what it accepted)."""
        self.ok("case", "show", case_id, "--at", AT)
        self.ok("case", "show", case_id, "--json")
        self.ok("case", "history", case_id)
        self.ok("case", "history", case_id, "--json")
        self.ok("kpi", "--from", "2026-01-01", "--to", "2026-12-31")
        json.loads(self.ok("case", "list", "--json"))

    def new_case(self, case_id="E"):
        self.ok("case", "new", case_id, "--data", FORM)

    def test_a_payload_at_the_depth_limit_is_stored_and_read_back(self):
        self.new_case()
        # 32 deep: accepted before and unreadable afterwards (the ledger entry wraps it once more).
        self.ok("case", "fire", "E", "intake.forward", "--actor", "mei:market",
                "--payload", nested(32), "--at", AT)
        self.readable("E")
        # 60 (max_json_depth 64 less the 4 levels around a payload) is the deepest accepted.
        self.new_case("E60")
        self.ok("case", "fire", "E60", "intake.forward", "--actor", "mei:market",
                "--payload", nested(60), "--at", AT)
        self.readable("E60")

    def test_a_payload_past_the_depth_limit_is_refused_naming_the_limit(self):
        self.new_case()
        out = self.fails(1, "case", "fire", "E", "intake.forward", "--actor", "mei:market",
                         "--payload", nested(61), "--at", AT)
        self.assertIn("(limit)", out)
        self.assertIn("max_json_depth (64)", out)
        out = self.fails(2, "case", "fire", "E", "intake.forward", "--actor", "mei:market",
                         "--payload", nested(65), "--at", AT)
        self.assertRegex(out, r"--payload:1:\d+: nested deeper than the limit of 64 \(max_json_depth\)")
        self.readable("E")
        self.assertIn("revision 0", self.ok("case", "show", "E", "--at", AT))

    def test_dotted_set_keys(self):
        self.new_case()
        # 40 dots: 41 levels, within the payload's 60; accepted and readable.
        self.ok("case", "fire", "E", "intake.forward", "--actor", "mei:market",
                "--set", "a." * 40 + "b=1", "--at", AT)
        self.readable("E")
        # 20,000 and 40,000 levels: refused before anything is built (40,000 crashed with 139).
        for levels in (20000, 40000):
            out = self.fails(2, "case", "new", "S%d" % levels, "--set", "a." * levels + "b=1")
            self.assertIn("more than max_json_depth (64)", out)
        self.assertEqual(json.loads(self.ok("case", "list", "--json"))[0]["case_id"], "E")
        out = self.fails(2, "case", "new", "S", "--set", "a..b=1")
        self.assertIn("empty part", out)

    def test_case_ids_follow_the_identifier_rules(self):
        for bad, why in ((b"BAD\xff\xfeID", "not valid UTF-8"),
                         (b"A\x1b[31mRED", "a control character (U+001B)"),
                         (b"two\nlines", "a control character (U+000A)"),
                         (b"x" * 4097, "longer than max_id_bytes (4096)")):
            out = self.fails(2, "case", "new", bad, "--data", FORM.encode())
            self.assertIn("case id: " + why, out)
        self.ok("case", "new", "x" * 4096, "--data", FORM)
        listed = self.run_cli("case", "list", "--json")[1]
        self.assertEqual(json.loads(listed.decode("utf-8"))[0]["case_id"], "x" * 4096)

    def test_control_characters_from_input_never_reach_the_terminal(self):
        self.new_case()
        for args in (["case", "show", b"A\x1b[31mRED"],
                     ["case", "fire", b"E\x1b]0;pwned\x07", "intake.forward", "--actor", "a:b"],
                     ["case", "fire", "E", "intake.forward", "--actor", b"mei\x1b[2J:market",
                      "--at", AT],
                     ["case", "fire", "E", "intake.forward", "--actor", "mei:market",
                      "--set", b"note=\x1b[31m\r\x9b", "--at", AT, "--json"],
                     ["case", "new", b"\xc2\x9b31mX", "--data", FORM]):
            status, out, err = self.run_cli(*args)
            self.assertIn(status, (0, 1, 2))
            for stream in (out, err):
                self.assertNotIn(b"\x1b", stream)
                self.assertNotIn(b"\r", stream)
                self.assertNotIn(b"\x07", stream)
                self.assertNotIn(b"\xc2\x9b", stream)
        self.readable("E")

    def test_messages_name_the_option_and_the_problem(self):
        out = self.fails(2, "case", "new", "G", "--data", "garbage")
        self.assertIn("--data: not JSON", out)
        self.assertNotIn("--payload", out)
        out = self.fails(2, "case", "new", "G", "--data", "[1, 2]")
        self.assertIn("--data: expected a JSON object, got an array", out)
        out = self.fails(2, "case", "new", "G", "--data", nested(70))
        self.assertRegex(out, r"--data:1:\d+: nested deeper than the limit of 64 \(max_json_depth\)")
        self.new_case()
        out = self.fails(2, "case", "fire", "E", "intake.forward", "--actor", "mei:market",
                         "--payload", "{", "--at", AT)
        self.assertIn("--payload: not JSON", out)

    def test_the_cli_accepts_no_larger_payload_than_the_c_api(self):
        self.new_case()
        path = os.path.join(self.dir.name, "big.json")
        with open(path, "w") as f:
            f.write('{"notes": "' + "a" * (65 << 20) + '"}')
        out = self.fails(2, "case", "fire", "E", "intake.forward", "--actor", "mei:market",
                         "--payload", "@" + path, "--at", AT)
        self.assertIn("more than max_json_bytes (67108864)", out)
        self.readable("E")

    def test_a_due_date_past_year_9999_is_clamped_and_printed(self):
        self.new_case()
        self.ok("case", "fire", "E", "intake.forward", "--actor", "mei:market",
                "--at", "9999-12-20T09:00:00Z")
        # The evaluation decision is due 14 days later: in year 10000, clamped to the last instant.
        self.ok("case", "fire", "E", "intake.confirm", "--actor", "li:sales",
                "--at", "9999-12-25T09:00:00Z")
        out = self.ok("case", "show", "E", "--at", "9999-12-26")
        self.assertIn("due 9999-12-31 23:59", out)
        self.assertNotIn("10000", out)
        snapshot = json.loads(self.ok("case", "show", "E", "--json"))
        self.assertEqual(snapshot["deadlines"][0]["due"], "9999-12-31T23:59:59.999Z")
        out = self.fails(2, "case", "fire", "E", "evaluation.quote", "--actor", "li:sales",
                         "--at", "9999-12-31T23:00:00-05:00")
        self.assertIn("--at", out)
        self.readable("E")


if __name__ == "__main__":
    unittest.main()

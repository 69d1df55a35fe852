"""Starts `undertake serve` for a test and talks to it: a seeded store (the demo's quarter, small),
a tokens file, a free loopback port, requests over http.client, and responses checked against the
OpenAPI document the server serves (its schemas are JSON Schema 2020-12: tests/schema/validate.py's
built-in validator, stdlib only)."""

import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "schema"))
import validate  # noqa: E402  (tests/schema/validate.py)

CLI = os.environ.get("UNDERTAKE_CLI", "undertake")
SEED_DIR = os.environ.get("UNDERTAKE_SERVER_SEED")  # the CTest fixture's seeded demo store

# Who the tests are (roles of rules/default/roles.json).
ACTORS = {
    "mei": ["market"], "li": ["sales"], "zhao": ["technical"], "sun": ["production"],
    "qian": ["quality"], "zhou": ["legal"], "boss": ["management"],
}


def seed_store(directory, orders=40, seed=2026):
    """The demo's simulated quarter into DIRECTORY/demo.db (what `undertake demo` writes)."""
    subprocess.run([CLI, "demo", "--out", directory, "--orders", str(orders), "--seed", str(seed),
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(directory, "demo.db")


class Server:
    """`undertake serve` on a copy of the seeded store, on a free loopback port."""

    def __init__(self, extra_args=(), seeded=True):
        self.dir = tempfile.mkdtemp(prefix="undertake-serve-")
        self.db = os.path.join(self.dir, "cases.db")
        if seeded:
            source = SEED_DIR and os.path.join(SEED_DIR, "demo.db")
            if not source or not os.path.exists(source):
                source = seed_store(os.path.join(self.dir, "seed"))
            shutil.copy(source, self.db)
        self.tokens = {name: secrets.token_hex(16) for name in ACTORS}
        self.tokens["audit"] = secrets.token_hex(16)
        doc = {"tokens": {self.tokens[n]: {"id": n, "roles": r} for n, r in ACTORS.items()}}
        doc["tokens"][self.tokens["audit"]] = {"id": "audit", "roles": [], "read_only": True}
        self.tokens_file = os.path.join(self.dir, "tokens.json")
        with open(self.tokens_file, "w") as f:
            json.dump(doc, f)
        os.chmod(self.tokens_file, 0o600)
        self.log = []
        self.proc = subprocess.Popen(
            [CLI, "serve", "--db", self.db, "--tokens", self.tokens_file, "--listen",
             "127.0.0.1:0", *extra_args], stderr=subprocess.PIPE, text=True)
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.log.append(line.rstrip("\n"))
            if line.startswith("listening on "):
                self.port = int(line.strip().rsplit(":", 1)[1])
                break
        if self.port is None:
            raise RuntimeError("the server did not start: " + "\n".join(self.log))
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        self._openapi = None

    def _drain(self):
        for line in self.proc.stderr:
            self.log.append(line.rstrip("\n"))

    def access_log(self):
        out = []
        for line in list(self.log):
            if line.startswith("{"):
                entry = json.loads(line)
                if "method" in entry:
                    out.append(entry)
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode

    def connect(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, as_=None, body=None, headers=None, raw=None, token=None):
        """(status, headers, parsed JSON or text)."""
        h = dict(headers or {})
        if token is None and as_ is not None:
            token = self.tokens[as_]
        if token is not None:
            h["Authorization"] = "Bearer " + token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn = self.connect()
        try:
            conn.request(method, path, body=data, headers=h)
            res = conn.getresponse()
            payload = res.read()
        finally:
            conn.close()
        ctype = res.getheader("Content-Type", "")
        value = json.loads(payload) if ctype.startswith("application/json") else payload.decode()
        return res.status, res, value

    def openapi(self):
        if self._openapi is None:
            status, _, doc = self.request("GET", "/api/v1/openapi.json")
            assert status == 200, status
            self._openapi = doc
        return self._openapi

    def schema_errors(self, template, method, status, value, ctype="application/json"):
        """What is wrong with a response, by the OpenAPI schema of TEMPLATE's METHOD for STATUS."""
        doc = self.openapi()
        op = doc["paths"][template][method.lower()]
        responses = op["responses"]
        if str(status) not in responses:
            return [("", "status %s is not documented for %s %s" % (status, method, template))]
        schema = responses[str(status)]["content"][ctype]["schema"]
        return validate.Builtin(doc).errors(value, schema)

#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ from the default policy and a real order.

    tests/fuzz/make_seeds.py build/release/src/capi/libundertake_c.so

jsonlogic: each gate rule's condition with a facts document (rule NUL data); policy: the built-in
policy document, a few of its parts and two with a key named twice; snapshot: snapshots of an
order at several stages;
capi_fire: event NUL actor NUL payload NUL time for real steps and a few forged ones;
store_load: the rows the SQLite store keeps for that order (head NUL entry NUL entry ...);
cli_args: command-line JSON arguments (payload NUL --set NUL ... NUL actor).
"""
import ctypes, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", ".."))
lib = ctypes.CDLL(sys.argv[1])
P = ctypes.POINTER
for name, args in {"ut_engine_open_default": [P(ctypes.c_void_p)],
                   "ut_case_create": [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, P(ctypes.c_void_p)],
                   "ut_case_fire": [ctypes.c_void_p] + [ctypes.c_char_p] * 4 + [P(ctypes.c_void_p)],
                   "ut_case_snapshot": [ctypes.c_void_p, P(ctypes.c_void_p)],
                   "ut_policy_builtin_json": [P(ctypes.c_void_p)]}.items():
    getattr(lib, name).argtypes = args
    getattr(lib, name).restype = ctypes.c_int


def take(p):
    s = ctypes.string_at(p.value).decode()
    lib.ut_free(p)
    return s


def write(target, name, data):
    os.makedirs(os.path.join(here, "corpus", target), exist_ok=True)
    with open(os.path.join(here, "corpus", target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


facts = {"data": {"spec": "GH-40", "quantity": 500, "delivery_date": "2026-06-30",
                  "quality_requirements": "ISO 2768-m", "customer": {"tier": "key"}},
         "evaluation": {"technical": {"feasible": True}, "capacity": {"sufficient": True},
                        "quote": {"price": 420000, "cost": 320000}},
         "risks": [{"level": "high", "response": "x", "owner": "wu"}]}
gates = json.load(open(os.path.join(root, "rules/default/gates.json")))["gates"]
n = 0
for event, gate in sorted(gates.items()):
    for rule in gate.get("rules", []):
        if "condition" in rule:
            write("jsonlogic", f"{event}.{rule['id']}", json.dumps(rule["condition"]) + "\0" + json.dumps(facts))
            n += 1
write("jsonlogic", "map-reduce", '{"reduce":[{"map":[{"var":"a"},{"*":[{"var":""},2]}]},{"+":[{"var":"current"},{"var":"accumulator"}]},0]}\0{"a":[1,2,3]}')
write("jsonlogic", "dates", '{"<":[{"var":"d"},"2026-06-30"]}\0{"d":"2026-03-02"}')

e = ctypes.c_void_p()
assert lib.ut_engine_open_default(ctypes.byref(e)) == 0
p = ctypes.c_void_p()
assert lib.ut_policy_builtin_json(ctypes.byref(p)) == 0
policy = take(p)
write("policy", "builtin.json", policy)
doc = json.loads(policy)
for part in ("roles", "gates", "routes"):
    write("policy", f"only-{part}.json", json.dumps({part: doc[part]}))
# Issue 13.5: a key named twice, which the reader refuses (a dict cannot hold it: spliced as text).
for name, part, key, value in (("duplicate-gate.json", doc["gates"]["gates"], "contract.sign", {"rules": []}),
                               ("duplicate-role.json", doc["roles"]["events"], "intake.confirm", ["market"])):
    text = json.dumps(part)
    write("policy", name, json.dumps(doc).replace(text, text[:-1] + f", {json.dumps(key)}: {json.dumps(value)}}}", 1))

steps = [("intake.forward", "market", {}), ("intake.confirm", "sales", {}),
         ("evaluation.quote", "sales", {"price": 420000, "cost": 320000}),
         ("evaluation.technical", "technical", {"feasible": True}),
         ("evaluation.capacity", "production", {"sufficient": True}),
         ("evaluation.quality", "quality", {"assessment": "ok"}),
         ("evaluation.approve", "management", {}),
         ("contract.draft", "sales", {"amount": 420000, "delivery_date": "2026-06-30", "payment_terms": "30/70"}),
         ("contract.submit", "sales", {}), ("contract.legal_approve", "legal", {}),
         ("contract.approve", "management", {})]
form = {"customer": {"name": "Hengda Machinery", "tier": "regular"},
        "product": {"name": "GH-40", "standard": False}, "spec": "drawing GH-40 rev C", "quantity": 500,
        "delivery_date": "2026-06-30", "quality_requirements": "ISO 2768-m", "channel": "email",
        "estimated_amount": 400000}
c = ctypes.c_void_p()
assert lib.ut_case_create(e, b"SO-SEED", json.dumps(form).encode(), ctypes.byref(c)) == 0
for i, (event, role, payload) in enumerate(steps):
    actor = json.dumps({"id": role + "-user", "roles": [role]})
    at = f"2026-03-{2 + i:02d}T09:00:00Z"
    write("capi_fire", f"{i:02d}-{event}", "\0".join([event, actor, json.dumps(payload), at]))
    out = ctypes.c_void_p()
    rc = lib.ut_case_fire(c, event.encode(), actor.encode(), json.dumps(payload).encode(), at.encode(), ctypes.byref(out))
    assert rc == 0, (event, take(out) if out.value else rc)
    lib.ut_free(out)
    if i in (0, 6, 10):
        s = ctypes.c_void_p()
        assert lib.ut_case_snapshot(c, ctypes.byref(s)) == 0
        snapshot = take(s)
        write("snapshot", f"after-{event}.json", snapshot)
        # The store's rows: the snapshot without its ledger, then one row per ledger entry.
        head = json.loads(snapshot)
        entries = head.pop("ledger")
        rows = [json.dumps(head, separators=(",", ":"), ensure_ascii=False)]
        rows += [json.dumps(x, separators=(",", ":"), ensure_ascii=False) for x in entries]
        write("store_load", f"after-{event}", "\0".join(rows))
write("capi_fire", "forged-role", "intake.confirm\0{\"id\":\"x\",\"roles\":[\"root\"]}\0{}\0" "2026-03-02T09:00:00Z")
write("capi_fire", "no-roles", "intake.forward\0{\"id\":\"x\",\"roles\":[]}\0{}\0" "2026-03-02")
write("capi_fire", "bad-time", "intake.forward\0{\"id\":\"m\",\"roles\":[\"market\"]}\0{}\0" "2026-02-30T00:00:00Z")
write("store_load", "deep-payload", json.dumps({"format": "undertake.snapshot"}) + "\0" +
      '{"seq":1,"at":"2026-03-02","event":"intake.forward","actor":{"id":"m","roles":["market"]},'
      '"payload":{"x":' + "[" * 70 + "]" * 70 + '},"state":[]}')
cli = {"form": (json.dumps(form), ["customer.name=Acme", "quantity=500"], "mei:market"),
       "payload": ('{"price": 420000, "cost": 320000}', ["note=x"], '{"id":"li","roles":["sales"]}'),
       "dotted": ("", ["a." * 40 + "b=1", "c=[1,2]"], "li:sales,management"),
       "deep": ('{"x":' + "[" * 61 + "]" * 61 + "}", [], "mei:market"),
       "garbage": ("garbage", ["=1", "a..b=2"], "{"),
       "control": ('{"n": "\u001b[31m"}', ["k=\x1b\r"], "m\x1b:market")}
for name, (text, sets, actor) in cli.items():
    write("cli_args", name, "\0".join([text] + sets + [actor]))
print(n, "jsonlogic seeds")

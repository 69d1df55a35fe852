"""Events per second through the Python binding on the full order lifecycle (create the case,
fire every step of tests/scenarios/full_order.json with dicts in and an Outcome out, free it).

    UNDERTAKE_LIBRARY=... PYTHONPATH=bindings/python python3 bench_python.py [scenario] [seconds] [reps]

Prints {"python": median events/s, "events_per_lifecycle": N}.
"""
import json
import os
import statistics
import sys
import time

import undertake

here = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    here, "..", "..", "tests", "scenarios", "full_order.json")
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5

with open(path, encoding="utf-8") as f:
    case = json.load(f)["cases"][0]
steps = [(s["event"], s["actor"], s.get("payload"), s["at"]) for s in case["steps"]]

engine = undertake.Engine()


def lifecycle():
    c = engine.create_case(case["id"], case["data"])
    for event, actor, payload, at in steps:
        if not c.fire(event, actor, payload, at).accepted:
            raise SystemExit(f"{event} refused")
    c.close()


for _ in range(20):
    lifecycle()
rates = []
for _ in range(reps):
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(5):
            lifecycle()
        n += 5
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    rates.append(n * len(steps) / elapsed)
print(json.dumps({"python": round(statistics.median(rates)), "events_per_lifecycle": len(steps)}))

"""Shared test data: the full order of tests/scenarios/full_order.json."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.environ.get(
    "UNDERTAKE_SCENARIO",
    os.path.join(HERE, "..", "..", "..", "tests", "scenarios", "full_order.json"))

with open(SCENARIO, encoding="utf-8") as f:
    FULL_ORDER = json.load(f)["cases"][0]

DATA = FULL_ORDER["data"]
STEPS = FULL_ORDER["steps"]
SALES = {"id": "li", "roles": ["sales"]}
MARKET = {"id": "mei", "roles": ["market"]}


def run(case, steps=STEPS):
    """Fires steps on a case; returns the outcomes."""
    return [case.fire(s["event"], s["actor"], s.get("payload"), s["at"], check=True) for s in steps]

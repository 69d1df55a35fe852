"""The order lifecycle of compare_reference through undertake's Python binding (bindings/python).

    python3 python/lifecycle.py OUT SECONDS REPETITIONS   ->  {"events_per_s": [...]} on stdout

events_per_s is per second of the process's CPU time (as Google Benchmark's rate counters);
events_per_wall_s per wall-clock second.

First checks that every event of OUT/lifecycle.json is accepted with the same state as the C++ API,
then times full lifecycles (create the case from the requirement form, fire the 36 events, free it),
as bench_lifecycle does. Run by bench/compare/run once bindings/python has landed.

The binding (bindings/python, ctypes over the C API) is imported from PYTHONPATH and finds the
library through UNDERTAKE_LIBRARY; both are set by bench/compare/run.
"""
import json
import sys
import time


def main():
    out, seconds, reps = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    with open(f"{out}/lifecycle.json", encoding="utf-8") as f:
        ref = json.load(f)
    form_text = json.dumps(ref["form"])
    steps = [(s["event"], s["actor"], s["payload"], s["at"]) for s in ref["steps"]]

    import undertake  # bindings/python on PYTHONPATH

    engine = undertake.Engine()  # the built-in default policy

    def lifecycle(check=False):
        case = engine.create_case("B-1", json.loads(form_text))
        try:
            for i, (event, actor, payload, at) in enumerate(steps):
                o = case.fire(event, actor, payload, at)
                if check:
                    want = ref["steps"][i]
                    got = (o.accepted, list(o.state))
                    if got != (want["accepted"], want["state"]):
                        raise SystemExit(f"step {i + 1} {event}: got {got}, expected {want['state']}")
        finally:
            case.close()

    lifecycle(check=True)
    for _ in range(50):
        lifecycle()
    rates, wall_rates = [], []
    for _ in range(reps):  # per second of CPU time, as Google Benchmark's rate counters
        n, cpu_start, wall_start = 0, time.process_time(), time.perf_counter()
        while True:
            for _ in range(10):
                lifecycle()
            n += 10
            cpu = time.process_time() - cpu_start
            if cpu >= seconds:
                break
        rates.append(n * len(steps) / cpu)
        wall_rates.append(n * len(steps) / (time.perf_counter() - wall_start))
    print(json.dumps({"events_per_lifecycle": len(steps), "events_per_s": rates,
                      "events_per_wall_s": wall_rates}))


if __name__ == "__main__":
    main()

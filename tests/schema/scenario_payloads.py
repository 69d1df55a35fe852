#!/usr/bin/env python3
"""Checks rules/schema/payloads.schema.json against what the engine did with the payloads of the
scenario files (tests/scenarios/*.json), so that the schema and src/case/case_payload.cpp agree:

- a payload the engine let through (the step was accepted, or refused later than the payload
  check: by state, gate or approval) must match the schema;
- a payload the engine refused as `invalid_payload` must not match it, unless the engine refused
  it for what a schema cannot know (a batch or complaint that does or does not exist yet, a
  quantity above the batch's): those events are named in RECORD_CHECKED.

    scenario_payloads.py [--builtin] SCHEMA SCENARIO...

Prints each disagreement and "N passed, M failed"; exits 1 when any step disagrees.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate  # noqa: E402  (tests/schema/validate.py)

# Refused payloads whose fault depends on the case's record, which a schema does not see (for a
# progress meeting also: a report of a department not present).
RECORD_CHECKED = {"production.report", "production.inspect", "production.rectify",
                  "service.complaint", "service.investigate", "service.resolve", "service.verify",
                  "kickoff.assign", "project.progress_meeting"}
# The engine checks payloads after the role and before the state (README, "Events are
# authorised and explained"): these refusals mean the payload passed.
PAST_PAYLOAD_CHECK = {"state", "gate", "approval"}


def main(argv):
    use_library = True
    if argv and argv[0] == "--builtin":
        use_library = False
        argv = argv[1:]
    errors_of = validate.validator(validate.load(argv[0]), use_library)
    passed = failed = 0
    for path in argv[1:]:
        for case in validate.load(path)["cases"]:
            for i, step in enumerate(case.get("steps", [])):
                if "event" not in step:
                    continue  # a tick
                expect = step.get("expect", {})
                instance = {"event": step["event"], "payload": step.get("payload", {})}
                where = "%s: case %s step %d (%s)" % (path, case["id"], i + 1, step["event"])
                if expect.get("accepted") is True or expect.get("reason_kind") in PAST_PAYLOAD_CHECK:
                    errors = errors_of(instance)
                    if errors:
                        failed += 1
                        print("FAIL %s: the engine took the payload, the schema refuses it: %s"
                              % (where, "; ".join("%s: %s" % e for e in errors)))
                        continue
                elif expect.get("reason_kind") == "invalid_payload":
                    errors = errors_of(instance)
                    if not errors and step["event"] not in RECORD_CHECKED:
                        failed += 1
                        print("FAIL %s: the engine refused the payload %s, the schema takes it"
                              % (where, json.dumps(instance["payload"], ensure_ascii=False)))
                        continue
                else:
                    continue
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

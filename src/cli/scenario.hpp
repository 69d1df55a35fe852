// Scenario files: a process owner's unit tests of a process and its rules (issue: `undertake run`).
//
//   { "policy": "optional rules dir or policy file, relative to the scenario file",
//     "cases": [ { "id": "C-1", "data": {...},
//       "steps": [ { "event": "...", "actor": {...}, "payload": {...}, "at": "...",
//                    "expect": { "accepted": true, "state": "Intake.SalesReview",
//                                "reason": "substring", "warning": "substring" } } ] } ] }
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "undertake/engine.hpp"

namespace undertake::cli {

struct ScenarioTally {
  std::size_t passed = 0;
  std::size_t failed = 0;
};

struct ScenarioOptions {
  bool verbose = false;  ///< print every step's outcome, not only failed expectations
};

/// Everything a scenario file produced: the cases' ledgers (for KPI checks) and the tally.
struct ScenarioRun {
  std::vector<CaseLedger> ledgers;
  ScenarioTally tally;
};

/// Runs one scenario file, printing failed expectations to `out`. Throws Error for a file that
/// cannot be read or is not a scenario (naming the JSON path).
ScenarioRun run_scenario_file(const std::string& path, const ScenarioOptions& options,
                              std::ostream& out);

}  // namespace undertake::cli

// Deadline steps in scenario files (for the scenario runner, src/cli/scenario.cpp):
//
//   { "tick": "2026-04-07T09:00:00Z",
//     "expect": { "escalations": ["contract-signing"],     // recorded by this tick (ids, or
//                                                         //  "id [key]" for keyed deadlines)
//                 "overdue": ["contract-signing"],         // overdue after it
//                 "due_soon": ["legal-review"],            // in their warning window
//                 "pending": ["delivery-date"] },          // every pending deadline
//     "note": "..." }
//
// Each list is compared as a set (order does not matter); a missing key is not checked.
#pragma once

#include <boost/json.hpp>

#include <iosfwd>
#include <string>

#include "cli/scenario.hpp"
#include "undertake/case.hpp"

namespace undertake::cli {

/// True when `step` is a tick step (it has "tick").
bool is_tick_step(const boost::json::object& step);

/// Runs a tick step on `c`: ticks at the step's instant and checks its expectations, counting
/// them in `tally` and printing failures to `out` (`where` names the step in messages, e.g.
/// `file: case C-1 step 7`). Throws Error(invalid_json) naming `file` and `step_path` for a step
/// that is not well-formed.
void run_tick_step(Case& c, const boost::json::object& step, const std::string& file,
                   const std::string& step_path, const std::string& where, bool verbose,
                   ScenarioTally& tally, std::ostream& out);

}  // namespace undertake::cli

// undertake — rule unit tests: JSON files that state facts, an event and the decision expected.
//
// A rule test file is what a process owner or rule author writes next to a policy
// (rules/default/tests/*.json); `undertake test RULES_DIR FILES...` runs them, and so can a C++
// test (Catch2, ...) with the custom rules of its engine registered:
//
//   undertake::Extensions ext;
//   ext.add_rule("credit-limit", std::make_shared<CreditLimitRule>());
//   auto policy = undertake::Policy::load(undertake::PolicySource::from_directory("rules"), ext);
//   undertake::RuleTestRunner runner(policy);
//   for (const auto& r : runner.run_file("rules/tests/credit.json")) {
//     INFO(r.report);
//     CHECK(r.passed);
//   }
//
// File format:
//   {"description": "...",
//    "facts": {...},                 facts every test of the file starts from (optional)
//    "actor": {"id", "roles"},       the default actor (optional; else one the event permits)
//    "tests": [
//      {"name": "...",
//       "event": "contract.sign",    evaluate the event's gate against the facts
//       "facts": {...},              merged over the file's facts (objects key by key)
//       "payload": {...}, "actor": {...}, "state": ["Contract.LegalReview"], "at": "2026-03-02",
//       "expect": {
//         "decision": "allowed" | "denied" | "needs_approval",
//         "failing": ["rule-id", ...],         exactly the rules that failed (any severity)
//         "passing": [...], "not_applicable": [...], "overridden": [...]   (these at least)
//         "messages": {"rule-id": "text the failure message contains"},
//         "permitted": true,                   the actor holds a role the event permits
//         "routes": {"design_required": false},
//         "tables": {"authority-matrix": 1}    what tables called by the gate's rules answered
//       }},
//      {"name": "...", "table": "authority-matrix", "inputs": {"amount": 250000},
//       "expect": {"output": 1, "rows": ["100k-to-1m"], "error": "text"}},
//      {"name": "...", "facts": {...}, "expect": {"routes": {"strategy_meeting_required": true}}}
//    ]}
// The facts are what rules read: the case record (data, contract, evaluation, risk, ...), plus
// `event` {name, at}, `actor`, `state` and `payload`, which the runner fills in from the test.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/policy.hpp"

UNDERTAKE_BEGIN_NAMESPACE

struct UNDERTAKE_API RuleTestResult {
  std::string file;
  std::string name;
  bool passed = false;
  /// For a failed test: what was expected and what came, and the trace of every rule (several
  /// lines, ready to print). Empty for a passed test.
  std::string report;
};

/// What the tests run so far exercised: a gate rule is covered when it both passed and failed,
/// a route when it was both true and false, a table row when it matched.
struct UNDERTAKE_API RuleTestCoverage {
  std::size_t rules = 0, rules_covered = 0;
  std::size_t routes = 0, routes_covered = 0;
  std::size_t rows = 0, rows_covered = 0;
  std::vector<std::string> gaps;  ///< one line per item not covered

  bool complete() const noexcept { return gaps.empty(); }
  std::string summary() const;  ///< "coverage: 12/12 gate rules, 2/2 routes, 7/7 table rows"
};

class UNDERTAKE_API RuleTestRunner {
 public:
  explicit RuleTestRunner(std::shared_ptr<const Policy> policy);
  ~RuleTestRunner();
  RuleTestRunner(const RuleTestRunner&) = delete;
  RuleTestRunner& operator=(const RuleTestRunner&) = delete;

  /// Runs the tests of a document; `file` names it in results. A malformed test is a failed
  /// result whose report says what is wrong with it.
  std::vector<RuleTestResult> run(const boost::json::value& document, std::string_view file);
  /// Reads and runs a file (an unreadable file or invalid JSON is one failed result).
  std::vector<RuleTestResult> run_file(const std::string& path);

  RuleTestCoverage coverage() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

UNDERTAKE_END_NAMESPACE

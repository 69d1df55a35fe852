// undertake — a policy: the company's rules for the process, loaded from rules/ (design.md §4).
//
// A policy is data: which roles may fire which event, the gate rules of each event, the routes the
// process takes (strategy meeting, design skipped), the risk model and the KPI catalogue. It is
// validated when it loads, with errors that name the file, the JSON path and the reason, and it is
// immutable afterwards, so one policy serves every case and thread at once.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/decision_table.hpp"
#include "undertake/events.hpp"
#include "undertake/extensions.hpp"
#include "undertake/rules.hpp"

UNDERTAKE_BEGIN_NAMESPACE

namespace detail {
struct PolicyData;
struct PolicyAccess;
}  // namespace detail

/// Where a policy comes from: named parts (`roles`, `gates`, `routes`, `process`, `risk`, `kpi`,
/// ...), each a JSON document with the place it was read from (used in every error message).
struct UNDERTAKE_API PolicySource {
  struct Part {
    std::string name;   ///< `roles`
    std::string where;  ///< `rules/default/roles.json`
    boost::json::value document;
  };
  std::vector<Part> parts;

  /// Reads every `*.json` file of a rules directory (`roles.json` is part `roles`, ...).
  static PolicySource from_directory(const std::string& directory);
  /// Reads a single JSON document whose top-level keys are the parts, or a file holding one.
  static PolicySource from_document(const boost::json::value& document, std::string_view where);
  /// The default policy compiled into the library (rules/default of the source tree).
  static PolicySource builtin();
};

class UNDERTAKE_API Policy {
 public:
  /// Validates and compiles a policy: every part once, here (gates, routes, deadlines, JSON KPIs,
  /// decision tables), the rules with one operator set (operators()). Throws
  /// Error(invalid_policy) naming file, JSON path and reason for the first problem;
  /// `problems()` style checking of every problem is `check()`.
  /// A number beyond double anywhere in a part (1e400, which Boost.JSON reads as infinity) is
  /// such a problem.
  static std::shared_ptr<const Policy> load(const PolicySource& source,
                                            const Extensions& extensions = Extensions{});
  /// Validates without throwing: every problem found, one message each (empty: valid). Beyond
  /// what stops load(), it reports the inputs no row of a decision table covers
  /// (DecisionTable::gaps): such a policy loads, and refuses those inputs when they come.
  static std::vector<std::string> check(const PolicySource& source,
                                        const Extensions& extensions = Extensions{});

  const std::string& name() const noexcept;
  const std::string& version() const noexcept;

  /// The roles the policy knows (`market`, `sales`, ...).
  const std::vector<std::string>& roles() const noexcept;
  /// The roles permitted to fire `event` (any one of them suffices).
  const std::vector<std::string>& roles_for(EventId event) const noexcept;
  bool permits(EventId event, const Actor& actor) const noexcept;

  /// Evaluates the gate of `event` against the case's facts. Never throws for a rule: a rule that
  /// cannot be evaluated (a JsonLogic error, a limit, anything a custom rule or operator throws)
  /// is traced with `error` set and denies the gate. Only std::bad_alloc propagates.
  GateDecision decide(EventId event, const boost::json::value& facts, const Actor& actor,
                      const jsonlogic::Limits& limits = {}) const;
  /// Whether an event has any gate rule.
  bool has_gate(EventId event) const noexcept;

  /// A route of the process (`strategy_meeting_required`, `design_required`). Throws what the
  /// route's rule throws (Error, or anything a host operator throws).
  bool route(std::string_view name, const boost::json::value& facts,
             const jsonlogic::Limits& limits = {}) const;

  /// Scores a risk register with the policy's risk model and selected scorer (design.md §5).
  RiskAssessment assess_risks(const RiskRegister& risks) const;
  const RiskModel& risk_model() const noexcept;

  /// The KPI catalogue (policy §四): kpi.json's targets, weights and bonus bands, the built-in
  /// calculators, JSON-defined KPIs and the engine's C++ calculators.
  const KpiCatalogue& kpi_catalogue() const noexcept;

  /// A decision table of the `tables` part. Throws Error(not_found) naming the tables there are.
  const DecisionTable& table(std::string_view name) const;
  /// The table of that name, or null.
  const DecisionTable* find_table(std::string_view name) const noexcept;
  /// The names of the decision tables, sorted.
  std::vector<std::string> table_names() const;
  /// The operators every rule of this policy is compiled with (gates, routes, deadlines, JSON
  /// KPIs): the standard and date operators, the host's (Extensions), and `decide` over this
  /// policy's tables. For compiling rules of one's own against the policy (tools, tests,
  /// benchmarks). Valid as long as the policy.
  const jsonlogic::Operators& operators() const noexcept;

  /// Departments whose heads must assign tasks before the kickoff completes (policy §二(四)2).
  const std::vector<std::string>& kickoff_departments() const noexcept;
  /// Departments that receive a copy of the archived contract (policy §二(三)2): process.json
  /// `contract.copies_to`, or the built-in policy's when a policy does not name them.
  const std::vector<std::string>& contract_copies_to() const noexcept;

  /// A part as loaded (e.g. `risk`, `kpi`), or null when the policy has none.
  const boost::json::value* part(std::string_view name) const noexcept;

  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

 private:
  // The compiled parts are the library's own (src/policy/policy_data.hpp): the case and the rule
  // tests read them through detail::PolicyAccess, hosts through the functions above.
  friend struct detail::PolicyAccess;
  explicit Policy(std::unique_ptr<detail::PolicyData> data);
  std::unique_ptr<detail::PolicyData> data_;
};

UNDERTAKE_END_NAMESPACE

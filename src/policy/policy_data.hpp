// The compiled form of a policy (internal).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/deadline_rules.hpp"
#include "undertake/decision_table.hpp"
#include "undertake/events.hpp"
#include "undertake/jsonlogic.hpp"
#include "undertake/kpi.hpp"
#include "undertake/policy.hpp"
#include "undertake/risk.hpp"
#include "undertake/rules.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

struct CompiledRule {
  std::string id;
  std::string description;
  std::string message;  ///< may hold {fact.path} placeholders
  RuleCategory category = RuleCategory::gate;
  Severity severity = Severity::deny;
  std::optional<jsonlogic::Rule> when;
  std::optional<jsonlogic::Rule> condition;
  std::shared_ptr<const CustomRule> custom;  ///< a named rule, instead of a condition
  std::string custom_name;
  std::vector<std::string> override_roles;
  std::string where;  ///< file and JSON path, for errors raised while it runs
};

/// The decision tables of a policy by name; shared with the `decide` operator of its rules.
using TableMap = std::map<std::string, std::shared_ptr<const DecisionTable>, std::less<>>;

struct PolicyData {
  std::string name;
  std::string version;
  std::string description;
  std::vector<std::string> roles;
  std::array<std::vector<std::string>, kEventCount> event_roles;
  std::array<std::vector<CompiledRule>, kEventCount> gates;
  std::map<std::string, jsonlogic::Rule, std::less<>> routes;
  std::vector<std::string> kickoff_departments;
  std::vector<std::string> contract_copies_to;  ///< process.json /contract/copies_to
  std::shared_ptr<TableMap> tables = std::make_shared<TableMap>();
  jsonlogic::Operators operators;  ///< what every rule compiles with (the host's, dates, `decide`)
  /// The `deadlines` part, compiled with `operators` (null: the policy has none). Every case of
  /// this policy shares it.
  std::shared_ptr<const DeadlineRules> deadlines;
  std::map<std::string, boost::json::value, std::less<>> parts;  ///< every part as loaded
  RiskModel risk_model = RiskModel::defaults();
  ScorerRegistry scorers;  ///< the engine's scorers when the policy was loaded
  KpiCatalogue kpis = KpiCatalogue::defaults();
};

/// The library's way to a policy's compiled parts (Policy keeps them out of its public API).
struct PolicyAccess {
  static const PolicyData& data(const Policy& policy) noexcept { return *policy.data_; }
};

}  // namespace detail
UNDERTAKE_END_NAMESPACE

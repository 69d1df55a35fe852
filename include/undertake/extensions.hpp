// undertake — what a policy may reference beyond its own files: custom rules, JsonLogic
// operators, risk scorers and KPI calculators, registered by the host on its engine.
//
// Layer: policy (docs/architecture.md). An engine owns one Extensions and hands it to every policy
// it loads (Policy::load compiles gates, deadlines and KPIs against it), so the registries live
// here, beside the policy, and not in the rule language (rules.hpp) that a policy is written in.
#pragma once

#include "undertake/config.hpp"
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/jsonlogic.hpp"
#include "undertake/kpi.hpp"
#include "undertake/risk.hpp"
#include "undertake/rules.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// What a host's KPI calculator changes in the definition of its KPI: the definition kpi.json
/// gives it (or, for a KPI it does not define, one titled by the id, in the department the id
/// starts with, without target), with the fields set here replaced.
struct UNDERTAKE_API KpiDefinitionChanges {
  std::optional<std::string> title;
  std::optional<std::string> department;
  std::optional<std::string> unit;
  std::optional<KpiDirection> direction;
  bool set_target = false;       ///< replace the target with `target` (nothing: no target)
  std::optional<double> target;  ///< when set_target

  /// `definition` with these changes applied.
  KpiDefinition applied_to(KpiDefinition definition) const;
};

/// The custom rules and operators a policy may reference, owned by an engine (no global state).
class UNDERTAKE_API Extensions {
 public:
  Extensions();
  void add_rule(std::string name, std::shared_ptr<const CustomRule> rule);
  std::shared_ptr<const CustomRule> find_rule(std::string_view name) const;
  std::vector<std::string> rule_names() const;

  /// Operators JsonLogic conditions may use: the standard ones, the date operators, and those
  /// added here. Add before loading the policy that uses them.
  jsonlogic::Operators& operators() { return operators_; }
  const jsonlogic::Operators& operators() const { return operators_; }

  /// Risk scorers a policy may select by name in risk.json (`probability_impact` and `fmea` are
  /// built in). Add before loading the policy that selects it.
  ScorerRegistry& scorers() { return scorers_; }
  const ScorerRegistry& scorers() const { return scorers_; }

  /// KPI calculators written in C++ (policy §四): added to the KPI catalogue of every policy
  /// loaded from now on, replacing a calculator of the same id (built-in, JSON or registered
  /// before: the later registration replaces the earlier one and its changes), with `changes`
  /// applied to the KPI's definition. Throws Error(invalid_argument) for a null calculator or an
  /// empty id.
  void add_kpi_calculator(std::shared_ptr<const KpiCalculator> calculator,
                          KpiDefinitionChanges changes = {});
  const std::vector<std::shared_ptr<const KpiCalculator>>& kpi_calculators() const {
    return kpi_calculators_;
  }
  /// Adds the registered calculators, with their definition changes, to `catalogue` (what
  /// Policy::load does with the policy's kpi.json catalogue).
  void add_kpis_to(KpiCatalogue& catalogue) const;

 private:
  std::map<std::string, std::shared_ptr<const CustomRule>, std::less<>> rules_;
  jsonlogic::Operators operators_;
  ScorerRegistry scorers_;
  std::vector<std::shared_ptr<const KpiCalculator>> kpi_calculators_;
  std::vector<KpiDefinitionChanges> kpi_changes_;  ///< one per calculator, in the same order
};

UNDERTAKE_END_NAMESPACE

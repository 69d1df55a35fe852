// The registries a policy may reference (extensions.hpp).
#include "undertake/extensions.hpp"

#include "undertake/error.hpp"

UNDERTAKE_BEGIN_NAMESPACE

Extensions::Extensions() : operators_(jsonlogic::Operators::with_dates()) {}

void Extensions::add_rule(std::string name, std::shared_ptr<const CustomRule> rule) {
  rules_[std::move(name)] = std::move(rule);
}

std::shared_ptr<const CustomRule> Extensions::find_rule(std::string_view name) const {
  auto it = rules_.find(name);
  return it == rules_.end() ? nullptr : it->second;
}

void Extensions::add_kpi_calculator(std::shared_ptr<const KpiCalculator> calculator,
                                    KpiDefinitionChanges changes) {
  if (!calculator)
    throw Error(ErrorKind::invalid_argument, "add_kpi_calculator", "a calculator is required");
  const std::string id = calculator->id();
  if (id.empty())
    throw Error(ErrorKind::invalid_argument, "add_kpi_calculator", "a KPI calculator needs an id");
  kpi_calculators_.reserve(kpi_calculators_.size() + 1);  // strong guarantee
  kpi_changes_.reserve(kpi_changes_.size() + 1);
  for (std::size_t i = 0; i < kpi_calculators_.size(); ++i) {
    if (kpi_calculators_[i]->id() != id) continue;
    kpi_calculators_.erase(kpi_calculators_.begin() + static_cast<std::ptrdiff_t>(i));
    kpi_changes_.erase(kpi_changes_.begin() + static_cast<std::ptrdiff_t>(i));
    break;
  }
  kpi_calculators_.push_back(std::move(calculator));
  kpi_changes_.push_back(std::move(changes));
}

void Extensions::add_kpis_to(KpiCatalogue& catalogue) const {
  for (std::size_t i = 0; i < kpi_calculators_.size(); ++i) {
    catalogue.add(kpi_calculators_[i]);  // defines the KPI when the catalogue did not
    catalogue.define(kpi_changes_[i].applied_to(*catalogue.find(kpi_calculators_[i]->id())));
  }
}

KpiDefinition KpiDefinitionChanges::applied_to(KpiDefinition definition) const {
  if (title) definition.title = *title;
  if (department) definition.department = *department;
  if (unit) definition.unit = *unit;
  if (direction) definition.direction = *direction;
  if (set_target) definition.target = target;
  return definition;
}

std::vector<std::string> Extensions::rule_names() const {
  std::vector<std::string> names;
  for (const auto& kv : rules_) names.push_back(kv.first);
  return names;
}

UNDERTAKE_END_NAMESPACE

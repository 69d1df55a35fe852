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

void Extensions::add_kpi_calculator(std::shared_ptr<const KpiCalculator> calculator) {
  if (!calculator)
    throw Error(ErrorKind::invalid_argument, "add_kpi_calculator", "a calculator is required");
  kpi_calculators_.push_back(std::move(calculator));
}

std::vector<std::string> Extensions::rule_names() const {
  std::vector<std::string> names;
  for (const auto& kv : rules_) names.push_back(kv.first);
  return names;
}

UNDERTAKE_END_NAMESPACE

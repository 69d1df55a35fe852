// Extensions (custom rules and operators) and the JSON form of gate decisions.
#include "undertake/rules.hpp"

#include <boost/json.hpp>

#include "undertake/error.hpp"

namespace json = boost::json;

namespace undertake {

const char* severity_name(Severity s) noexcept {
  switch (s) {
    case Severity::deny:
      return "deny";
    case Severity::warn:
      return "warn";
    case Severity::approval:
      return "approval";
  }
  return "deny";
}

const char* verdict_name(Verdict v) noexcept {
  switch (v) {
    case Verdict::allowed:
      return "allowed";
    case Verdict::denied:
      return "denied";
    case Verdict::needs_approval:
      return "needs_approval";
  }
  return "denied";
}

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

json::value RuleTrace::to_json(json::storage_ptr sp) const {
  json::object o(10, std::move(sp));
  o["id"] = id;
  if (!description.empty()) o["description"] = description;
  o["category"] = category;
  o["severity"] = severity_name(severity);
  o["applicable"] = applicable;
  o["passed"] = passed;
  if (overridden) o["overridden"] = true;
  if (error) o["error"] = true;
  if (!message.empty()) o["message"] = message;
  o["reads"] = reads;
  if (!details.is_null()) o["details"] = details;
  return o;
}

json::value GateDecision::to_json(json::storage_ptr sp) const {
  json::array list(sp);
  list.reserve(rules.size());
  for (const auto& r : rules) list.push_back(r.to_json(sp));
  json::object o(2, sp);
  o["verdict"] = verdict_name(verdict);
  o["rules"] = std::move(list);
  return o;
}

}  // namespace undertake

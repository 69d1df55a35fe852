// Severities, verdicts and the JSON form of gate decisions.
#include "undertake/rules.hpp"

#include <boost/json.hpp>

#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

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

const char* rule_category_name(RuleCategory category) noexcept {
  return category == RuleCategory::segregation ? "segregation" : "gate";
}

std::optional<RuleCategory> rule_category_from_name(std::string_view name) noexcept {
  for (const RuleCategory c : {RuleCategory::gate, RuleCategory::segregation})
    if (name == rule_category_name(c)) return c;
  return std::nullopt;
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

json::value RuleTrace::to_json(json::storage_ptr sp) const {
  json::object o(10, std::move(sp));
  o["id"] = id;
  if (!description.empty()) o["description"] = description;
  o["category"] = rule_category_name(category);
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

namespace {

[[noreturn]] void unreadable(std::string_view where, std::string_view field, const char* why) {
  throw Error(ErrorKind::invalid_json, std::string(where) + "." + std::string(field), why);
}

const json::value& required(const json::object& o, std::string_view where, std::string_view field) {
  const json::value* v = o.if_contains(field);
  if (!v) unreadable(where, field, "missing");
  return *v;
}

std::string text_of(const json::object& o, std::string_view where, std::string_view field,
                    bool needed) {
  const json::value* v = o.if_contains(field);
  if (!v) {
    if (needed) unreadable(where, field, "missing");
    return {};
  }
  if (!v->is_string()) unreadable(where, field, "expected a string");
  return std::string(v->get_string());
}

bool flag_of(const json::object& o, std::string_view where, std::string_view field, bool fallback) {
  const json::value* v = o.if_contains(field);
  if (!v) return fallback;
  if (!v->is_bool()) unreadable(where, field, "expected true or false");
  return v->get_bool();
}

}  // namespace

RuleTrace RuleTrace::from_json(const json::value& value, std::string_view where) {
  if (!value.is_object())
    throw Error(ErrorKind::invalid_json, std::string(where), "expected a rule trace object");
  const json::object& o = value.get_object();
  RuleTrace t;
  t.id = text_of(o, where, "id", true);
  t.description = text_of(o, where, "description", false);
  const auto category = rule_category_from_name(text_of(o, where, "category", true));
  if (!category) unreadable(where, "category", "expected \"gate\" or \"segregation\"");
  t.category = *category;
  const std::string severity = text_of(o, where, "severity", true);
  if (severity == "deny")
    t.severity = Severity::deny;
  else if (severity == "warn")
    t.severity = Severity::warn;
  else if (severity == "approval")
    t.severity = Severity::approval;
  else
    unreadable(where, "severity", "expected \"deny\", \"warn\" or \"approval\"");
  t.applicable = flag_of(o, where, "applicable", true);
  t.passed = flag_of(o, where, "passed", true);
  t.overridden = flag_of(o, where, "overridden", false);
  t.message = text_of(o, where, "message", false);
  const json::value& reads = required(o, where, "reads");
  if (!reads.is_array()) unreadable(where, "reads", "expected an array");
  t.reads = reads.get_array();
  if (const json::value* d = o.if_contains("details")) t.details = *d;
  return t;
}

GateDecision GateDecision::from_json(const json::value& value, std::string_view where) {
  if (!value.is_object())
    throw Error(ErrorKind::invalid_json, std::string(where), "expected a gate decision object");
  const json::object& o = value.get_object();
  GateDecision d;
  const std::string verdict = text_of(o, where, "verdict", true);
  if (verdict == "allowed")
    d.verdict = Verdict::allowed;
  else if (verdict == "denied")
    d.verdict = Verdict::denied;
  else if (verdict == "needs_approval")
    d.verdict = Verdict::needs_approval;
  else
    unreadable(where, "verdict", "expected \"allowed\", \"denied\" or \"needs_approval\"");
  const json::value& rules = required(o, where, "rules");
  if (!rules.is_array()) unreadable(where, "rules", "expected an array");
  for (std::size_t i = 0; i < rules.get_array().size(); ++i)
    d.rules.push_back(RuleTrace::from_json(
        rules.get_array()[i], std::string(where) + ".rules[" + std::to_string(i) + "]"));
  return d;
}

UNDERTAKE_END_NAMESPACE

// A custom approval rule written in C++ (design.md §3 "pluggable" (b)).
//
// Sales may confirm an order (intake.confirm) only when the customer's open receivables plus the
// order's estimated amount stay within the customer's credit limit. The limits and receivables
// come from the host ERP; key customers get a tolerance above their limit. The rule is
// registered on the engine under a name and referenced from a gate in rules/:
//
//   {"id": "credit-limit", "rule": "credit_limit", "message": "over the credit limit"}
#pragma once

#include <undertake/undertake.hpp>

#include <map>
#include <memory>
#include <string>

namespace erp {

struct CreditAccount {
  double limit = 0;        ///< the credit limit granted to the customer
  double receivables = 0;  ///< what the customer owes now
};

class CreditLimitRule final : public undertake::CustomRule {
 public:
  /// `accounts` by customer name; `key_tolerance`: how far above its limit a key customer may go
  /// (0.2 = 20 %).
  explicit CreditLimitRule(std::map<std::string, CreditAccount> accounts,
                           double key_tolerance = 0.2)
      : accounts_(std::move(accounts)), key_tolerance_(key_tolerance) {}

  undertake::RuleVerdict check(const undertake::RuleInput& input) const override {
    namespace json = boost::json;
    undertake::RuleVerdict verdict;
    const json::object* data = nullptr;
    if (const auto* facts = input.facts.if_object())
      if (const auto* d = facts->if_contains("data")) data = d->if_object();
    const json::value* customer = data ? data->if_contains("customer") : nullptr;
    const json::value* name =
        customer && customer->is_object() ? customer->get_object().if_contains("name") : nullptr;
    if (!name || !name->is_string()) {
      verdict.message = "the order names no customer";
      return verdict;
    }
    const auto account = accounts_.find(std::string(name->get_string()));
    if (account == accounts_.end()) {
      verdict.message = "no credit account on file for " + std::string(name->get_string());
      return verdict;
    }
    double amount = 0;
    if (const json::value* a = data->if_contains("estimated_amount"); a && a->is_number())
      amount = a->to_number<double>();
    const json::value* tier = customer->get_object().if_contains("tier");
    const bool key = tier && *tier == "key";
    const double allowed = account->second.limit * (key ? 1 + key_tolerance_ : 1);
    const double exposure = account->second.receivables + amount;
    verdict.passed = exposure <= allowed;
    verdict.details = json::object{{"exposure", exposure}, {"allowed", allowed}, {"key", key}};
    if (!verdict.passed)
      verdict.message = std::string(name->get_string()) + " would owe " +
                        std::to_string(static_cast<long long>(exposure)) + ", above the " +
                        std::to_string(static_cast<long long>(allowed)) + " allowed";
    return verdict;
  }

 private:
  std::map<std::string, CreditAccount> accounts_;
  double key_tolerance_;
};

/// The policy `base` with the credit rule added to the gate of intake.confirm.
inline undertake::PolicySource with_credit_gate(undertake::PolicySource base) {
  namespace json = boost::json;
  for (auto& part : base.parts) {
    if (part.name != "gates") continue;
    json::object& gates = part.document.as_object()["gates"].as_object();
    json::object& gate = gates["intake.confirm"].as_object();
    gate["rules"].as_array().push_back(json::object{
        {"id", "credit-limit"},
        {"description", "The customer's receivables plus this order stay within its credit limit."},
        {"rule", "credit_limit"},
        {"message", "the customer is over its credit limit"}});
  }
  return base;
}

}  // namespace erp

// Unit tests of the custom rule (Catch2 v2): the rule alone with hand-made facts, then inside an
// engine on a real order.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "credit_limit_rule.hpp"

namespace json = boost::json;
using undertake::Actor;

namespace {

const Actor sales{"li", {"sales"}};

json::value facts(const char* customer, const char* tier, double amount) {
  return json::object{
      {"data", json::object{{"customer", json::object{{"name", customer}, {"tier", tier}}},
                            {"estimated_amount", amount}}}};
}

erp::CreditLimitRule rule() {
  return erp::CreditLimitRule({{"Hengda Machinery", {500000, 50000}}, {"Acme", {100000, 90000}}});
}

json::object order_form(const char* customer, const char* tier, double amount) {
  return json::object{{"customer", json::object{{"name", customer}, {"tier", tier}}},
                      {"product", json::object{{"name", "GH-40"}, {"standard", false}}},
                      {"spec", "drawing GH-40 rev C"},
                      {"quantity", 500},
                      {"delivery_date", "2026-06-30"},
                      {"quality_requirements", "ISO 2768-m"},
                      {"estimated_amount", amount}};
}

}  // namespace

TEST_CASE("an order within the limit passes") {
  const json::value f = facts("Hengda Machinery", "regular", 400000);
  const auto v = rule().check({f, "intake.confirm", sales});
  CHECK(v.passed);
  CHECK(v.details.at("exposure").to_number<double>() == 450000);
}

TEST_CASE("an order over the limit fails with the amounts in the message") {
  const json::value f = facts("Acme", "regular", 20000);
  const auto v = rule().check({f, "intake.confirm", sales});
  CHECK_FALSE(v.passed);
  CHECK(v.message == "Acme would owe 110000, above the 100000 allowed");
}

TEST_CASE("key customers get the tolerance") {
  const json::value f = facts("Acme", "key", 20000);
  CHECK(rule().check({f, "intake.confirm", sales}).passed);  // 110000 <= 120000
}

TEST_CASE("unknown customers and orders without a customer fail") {
  const json::value unknown = facts("Nobody Ltd", "regular", 1);
  CHECK(rule().check({unknown, "intake.confirm", sales}).message ==
        "no credit account on file for Nobody Ltd");
  const json::value none = json::object{{"data", json::object{}}};
  CHECK_FALSE(rule().check({none, "intake.confirm", sales}).passed);
}

TEST_CASE("in an engine, the gate of intake.confirm asks the rule") {
  undertake::Engine engine;
  engine.extensions().add_rule("credit_limit", std::make_shared<erp::CreditLimitRule>(rule()));
  engine.load_policy(erp::with_credit_gate(undertake::PolicySource::builtin()));

  const auto at = [](const char* t) { return *undertake::parse_iso8601(t); };
  const Actor market{"mei", {"market"}};
  undertake::Case ok =
      engine.create_case("SO-1", order_form("Hengda Machinery", "regular", 400000));
  REQUIRE(ok.fire("intake.forward", market, {}, at("2026-03-02")).accepted);
  const auto accepted = ok.fire("intake.confirm", sales, {}, at("2026-03-03"));
  CHECK(accepted.accepted);

  undertake::Case over = engine.create_case("SO-2", order_form("Acme", "regular", 20000));
  REQUIRE(over.fire("intake.forward", market, {}, at("2026-03-02")).accepted);
  const auto refused = over.fire("intake.confirm", sales, {}, at("2026-03-03"));
  REQUIRE_FALSE(refused.accepted);
  REQUIRE(refused.reasons.size() == 1);
  CHECK(refused.reasons[0].rule == "credit-limit");
  CHECK(refused.reasons[0].message == "Acme would owe 110000, above the 100000 allowed");
  CHECK(over.in("Intake.SalesReview"));  // nothing changed
}

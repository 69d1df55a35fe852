// Every kind of refusal says why and changes nothing at all (design.md §3 "Atomic").
#include <catch2/catch.hpp>

#include <limits>
#include <string_view>
#include <utility>

#include "support/errors.hpp"
#include "support/order_driver.hpp"
#include "support/refusals.hpp"

using namespace undertake;
using namespace undertake::testing;

namespace {

const Engine& engine() {
  static const Engine e;
  return e;
}

}  // namespace

TEST_CASE("unknown events are refused by name", "[refusal]") {
  OrderDriver d(engine());
  const Outcome o = refuse(d, "intake.teleport", kMarket, "{}", ReasonKind::unknown_event);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("intake.teleport"));
}

TEST_CASE("roles come from the policy", "[refusal]") {
  OrderDriver d(engine());
  Outcome o = refuse(d, "intake.forward", kSales, "{}", ReasonKind::role);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("permitted roles: market"));
  refuse(d, "intake.forward", actor("nobody", {}), "{}", ReasonKind::role);
  refuse(d, "intake.forward", actor("forger", {"chairman"}), "{}", ReasonKind::role);
}

TEST_CASE("the current state must accept the event", "[refusal]") {
  OrderDriver d(engine());
  const Outcome o = refuse(d, "contract.sign", kSales, "{}", ReasonKind::state);
  CHECK_THAT(o.reasons.front().message,
             Catch::Contains("contract.sign") && Catch::Contains("Intake.Registered"));
  d.advance_to("evaluation.quality");
  refuse(d, "evaluation.approve", kBoss, "{}",
         ReasonKind::state);  // the QualityRisk region is not done
}

TEST_CASE("payloads are validated before anything else", "[refusal]") {
  OrderDriver d(engine());
  d.advance_to("evaluation.quote");
  Outcome o = refuse(d, "evaluation.quote", kSales, R"({"price": -1, "cost": 5})",
                     ReasonKind::invalid_payload);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("payload.price"));
  refuse(d, "evaluation.technical", kTechnical, R"({"feasible": "yes"})",
         ReasonKind::invalid_payload);
  refuse(d, "evaluation.risks", kQuality,
         R"({"risks": [{"id": "R1", "category": "weather", "probability": 1, "impact": 1}]})",
         ReasonKind::invalid_payload);
}

TEST_CASE("gates deny with the rule, the message and the values read", "[refusal][gate]") {
  OrderDriver d(engine());
  d.advance_to("evaluation.quote");
  REQUIRE(d.fire("evaluation.quote", kSales, R"({"price": 100, "cost": 95})").accepted);
  REQUIRE(d.fire("evaluation.technical", kTechnical, R"({"feasible": false})").accepted);
  REQUIRE(d.fire("evaluation.capacity", kProduction, R"({"sufficient": true})").accepted);
  REQUIRE(d.fire("evaluation.quality", kQuality, "{}").accepted);
  const Outcome o = refuse(d, "evaluation.approve", kBoss, "{}", ReasonKind::gate);
  CHECK(o.reasons.front().rule == "technically-feasible");
  CHECK(o.gate.verdict == Verdict::denied);
  bool margin_traced = false;
  for (const auto& rule : o.gate.rules)
    if (rule.id == "minimum-margin") {
      margin_traced = true;
      CHECK_FALSE(rule.passed);
      REQUIRE(rule.reads.size() == 1);
      CHECK(rule.reads[0].at("path") == "evaluation.quote.margin");
      CHECK(rule.reads[0].at("value").to_number<double>() == Approx(0.05));
    }
  CHECK(margin_traced);
}

TEST_CASE("an approval rule is overridden only by its roles and with a reason", "[refusal][gate]") {
  OrderDriver d(engine());
  d.advance_to("evaluation.quote");
  REQUIRE(d.fire("evaluation.quote", kSales, R"({"price": 100, "cost": 90})").accepted);
  REQUIRE(d.fire("evaluation.technical", kTechnical, R"({"feasible": true})").accepted);
  REQUIRE(d.fire("evaluation.capacity", kProduction, R"({"sufficient": true})").accepted);
  REQUIRE(d.fire("evaluation.quality", kQuality, "{}").accepted);
  const Outcome o = refuse(d, "evaluation.approve", kBoss, "{}", ReasonKind::approval);
  CHECK(o.gate.verdict == Verdict::needs_approval);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("management"));
  const Outcome ok =
      d.fire("evaluation.approve", kBoss, R"({"override": {"reason": "strategic"}})");
  REQUIRE(ok.accepted);
  bool overridden = false;
  for (const auto& rule : ok.gate.rules)
    overridden = overridden || (rule.id == "minimum-margin" && rule.overridden);
  CHECK(overridden);
  CHECK(d.the_case().record().at("evaluation").at("decision").at("override").at("reason") ==
        "strategic");
}

TEST_CASE("segregation of duties", "[refusal][segregation]") {
  const Actor both = actor("ma", {"production", "quality"});
  OrderDriver d(engine());
  d.advance_to("production.report");
  REQUIRE(
      d.fire("production.report", both, R"({"batch": "B1", "quantity": 500, "cost": 1})").accepted);
  const Outcome o = refuse(d, "production.inspect", both, R"({"batch": "B1", "passed": true})",
                           ReasonKind::segregation);
  CHECK(o.reasons.front().rule == "reporter-may-not-inspect");
  // The kind and the rule's category by name in JSON, read back; an unknown name is refused.
  const boost::json::value json = o.to_json();
  CHECK(json.at("reasons").at(0).at("kind") == "segregation");
  CHECK(json.at("trace").at("rules").at(0).at("category") == "segregation");
  const Outcome back = Outcome::from_json(json, "outcome");
  CHECK(back.reasons.at(0).kind == ReasonKind::segregation);
  CHECK(back.gate.rules.at(0).category == RuleCategory::segregation);
  CHECK(boost::json::serialize(back.to_json()) == boost::json::serialize(json));
  boost::json::value bad_kind = json;
  bad_kind.at("reasons").at(0).as_object()["kind"] = "weather";
  CHECK_THROWS_MATCHES(Outcome::from_json(bad_kind, "outcome"), Error,
                       ErrorIs(ErrorKind::invalid_json).at("outcome.reasons"));
  boost::json::value bad_category = json;
  bad_category.at("trace").at("rules").at(0).as_object()["category"] = "approval";
  CHECK_THROWS_MATCHES(Outcome::from_json(bad_category, "outcome"), Error,
                       ErrorIs(ErrorKind::invalid_json).at("outcome.trace.rules[0].category"));

  const Actor drafter = actor("lin", {"sales", "management"});
  OrderDriver c(engine());
  c.advance_to("contract.draft");
  REQUIRE(c.fire("contract.draft", drafter,
                 R"({"amount": 420000, "delivery_date": "2026-06-30", "payment_terms": "x"})")
              .accepted);
  REQUIRE(c.fire("contract.submit", kSales).accepted);
  refuse(c, "contract.approve", drafter, "{}", ReasonKind::segregation);
}

TEST_CASE("time never runs backwards within a case", "[refusal]") {
  OrderDriver d(engine());
  REQUIRE(d.fire("intake.forward", kMarket).accepted);
  const std::string before = boost::json::serialize(d.the_case().snapshot());
  const Outcome o =
      d.the_case().fire("intake.confirm", kSales, {}, d.now() - std::chrono::hours(5));
  REQUIRE_FALSE(o.accepted);
  CHECK(o.reasons.front().kind == ReasonKind::time);
  CHECK(boost::json::serialize(d.the_case().snapshot()) == before);
}

TEST_CASE("warnings are reported on accepted events", "[gate]") {
  OrderDriver d(engine());
  d.advance_to("kickoff.meeting");
  const Outcome o = d.fire(
      "kickoff.meeting", kSales,
      R"({"production_plan": {"quantity": 500, "completion_date": "2026-08-01", "budget_cost": 1}})");
  REQUIRE(o.accepted);
  REQUIRE(o.warnings.size() == 1);
  CHECK_THAT(o.warnings.front(), Catch::Contains("plan-meets-delivery-date"));
}

TEST_CASE("strings that are not UTF-8 are refused before they reach the ledger", "[refusal]") {
  OrderDriver d(engine());
  d.advance_to("evaluation.quote");
  const std::string before = boost::json::serialize(d.the_case().snapshot());
  boost::json::object payload{{"price", 100}, {"cost", 50}, {"note", "caf\xC3"}};  // truncated
  Outcome o =
      d.the_case().fire("evaluation.quote", kSales, payload, d.now() + std::chrono::hours(1));
  REQUIRE_FALSE(o.accepted);
  CHECK(o.reasons.front().kind == ReasonKind::invalid_payload);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("payload.note"));
  o = d.the_case().fire("evaluation.quote", actor("li\xFF", {"sales"}), {{"price", 1}, {"cost", 0}},
                        d.now() + std::chrono::hours(1));
  REQUIRE_FALSE(o.accepted);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("actor.id"));
  CHECK(boost::json::serialize(d.the_case().snapshot()) == before);
}

TEST_CASE("numbers that are not finite are refused anywhere in a payload or form", "[refusal]") {
  OrderDriver d(engine());
  d.advance_to("evaluation.quality");
  boost::json::object payload{
      {"notes", boost::json::array{1, std::numeric_limits<double>::infinity()}}};
  const std::string before = boost::json::serialize(d.the_case().snapshot());
  const Outcome o =
      d.the_case().fire("evaluation.quality", kQuality, payload, d.now() + std::chrono::hours(1));
  REQUIRE_FALSE(o.accepted);
  CHECK(o.reasons.front().kind == ReasonKind::invalid_payload);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("payload.notes[1]"));
  CHECK(boost::json::serialize(d.the_case().snapshot()) == before);
  boost::json::object form = regular_order();
  form["extra"] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(engine().create_case("NAN-1", form), Catch::Contains("data.extra"));
}

// The kinds of refusal and the categories of rules are enums in C++; the JSON of outcomes, the C
// API, the CLI and the server carry their names, which hosts match on: exactly these, read back.
TEST_CASE("refusal kinds and rule categories have stable names", "[refusal]") {
  const std::pair<ReasonKind, std::string_view> kinds[] = {
      {ReasonKind::unknown_event, "unknown_event"},
      {ReasonKind::invalid_payload, "invalid_payload"},
      {ReasonKind::role, "role"},
      {ReasonKind::state, "state"},
      {ReasonKind::gate, "gate"},
      {ReasonKind::segregation, "segregation"},
      {ReasonKind::approval, "approval"},
      {ReasonKind::time, "time"},
      {ReasonKind::limit, "limit"},
      {ReasonKind::rule_error, "rule_error"},
  };
  for (const auto& [kind, name] : kinds) {
    CHECK(reason_kind_name(kind) == name);
    CHECK(reason_kind_from_name(name) == kind);
  }
  CHECK_FALSE(reason_kind_from_name("Gate"));
  CHECK_FALSE(reason_kind_from_name(""));
  CHECK(rule_category_name(RuleCategory::gate) == std::string_view("gate"));
  CHECK(rule_category_name(RuleCategory::segregation) == std::string_view("segregation"));
  CHECK(rule_category_from_name("gate") == RuleCategory::gate);
  CHECK(rule_category_from_name("segregation") == RuleCategory::segregation);
  CHECK_FALSE(rule_category_from_name("approval"));
}

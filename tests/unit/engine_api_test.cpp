// The C++ API around a case: available events, listeners, snapshots, replay, policy versions,
// custom rules, policy validation.
#include <catch2/catch.hpp>

#include <algorithm>

#include "support/policy_parts.hpp"
#include "support/order_driver.hpp"

using namespace undertake;
using namespace undertake::testing;

namespace {

std::vector<std::string> names(const std::vector<AvailableEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.event);
  return out;
}

using undertake::testing::builtin_with;

}  // namespace

TEST_CASE("available events follow role and state", "[api]") {
  const Engine engine;
  OrderDriver d(engine);
  CHECK(names(d.the_case().available(kMarket)) ==
        std::vector<std::string>{"intake.register", "intake.forward", "case.handover"});
  CHECK(names(d.the_case().available(kSales)) ==
        std::vector<std::string>{"case.suspend", "case.cancel", "case.handover"});
  d.advance_to("evaluation.quote");
  const auto sales = names(d.the_case().available(kSales));
  CHECK(std::count(sales.begin(), sales.end(), "evaluation.quote") == 1);
  CHECK(std::count(sales.begin(), sales.end(), "evaluation.risks") == 1);
  CHECK(std::count(sales.begin(), sales.end(), "evaluation.reject") == 1);
  const auto boss = names(d.the_case().available(kBoss));
  CHECK(std::count(boss.begin(), boss.end(), "evaluation.approve") == 0);  // join not reached
}

TEST_CASE("the listener hears every accepted and refused event", "[api]") {
  Engine engine;
  std::vector<std::string> heard;
  engine.set_listener([&](const Case& c, const Outcome& o) {
    heard.push_back(c.id() + " " + o.event + (o.accepted ? " ok" : " refused"));
  });
  OrderDriver d(engine, "L-1");
  d.fire("intake.forward", kMarket);
  d.fire("intake.forward", kMarket);
  CHECK(heard == std::vector<std::string>{"L-1 intake.forward ok", "L-1 intake.forward refused"});
}

TEST_CASE("snapshot → restore gives a case that behaves the same", "[api][snapshot]") {
  const Engine engine;
  OrderDriver live(engine);
  live.advance_to("prep.training");
  const boost::json::value snapshot = live.the_case().snapshot();
  CHECK(snapshot.at("revision") == live.the_case().ledger().size());
  Case restored = engine.restore(snapshot);
  CHECK(restored.state() == live.the_case().state());
  CHECK(boost::json::serialize(restored.snapshot()) == boost::json::serialize(snapshot));

  SECTION("continuing gives the same result") {
    const auto at = live.now() + std::chrono::hours(1);
    const Outcome a = live.the_case().fire("prep.training", kProduction, {}, at);
    const Outcome b = restored.fire("prep.training", kProduction, {}, at);
    CHECK(a.accepted == b.accepted);
    CHECK(boost::json::serialize(live.the_case().snapshot()) ==
          boost::json::serialize(restored.snapshot()));
  }
  SECTION("a damaged snapshot is refused with the JSON path at fault") {
    boost::json::value bad = snapshot;
    bad.at("record").at("contract").as_object()["approval_count"] = 7;
    try {
      engine.restore(bad);
      FAIL("restored a damaged snapshot");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_snapshot);
      CHECK_THAT(e.what(), Catch::Contains("/digest"));  // the record is sealed by the digest
    }
    // The audit (a full replay) names the field.
    const VerifyReport report = engine.verify(bad);
    REQUIRE(!report.ok());
    CHECK(report.problems.back().where == "/record/contract/approval_count");
    bad = snapshot;
    bad.at("ledger").as_array()[3].as_object()["event"] = "contract.sign";
    CHECK_THROWS_WITH(engine.restore(bad), Catch::Contains("ledger"));
    bad = snapshot;
    bad.as_object()["format_version"] = 99;
    CHECK_THROWS_WITH(engine.restore(bad), Catch::Contains("/format_version"));
    bad = snapshot;
    bad.at("policy").as_object()["version"] = "1999.1";
    CHECK_THROWS_WITH(engine.restore(bad), Catch::Contains("1999.1"));
  }
}

TEST_CASE("replaying the ledger rebuilds the case exactly", "[api][replay]") {
  const Engine engine;
  OrderDriver live(engine);
  live.advance_to("case.close");
  const Case replayed = engine.replay(live.the_case().case_ledger());
  CHECK(boost::json::serialize(replayed.snapshot()) ==
        boost::json::serialize(live.the_case().snapshot()));
}

TEST_CASE("cases keep the policy version they started with", "[api][policy]") {
  Engine engine;
  OrderDriver old_case(engine, "OLD");
  auto manifest = boost::json::parse(R"({"name": "default", "version": "2026.2"})");
  engine.load_policy(builtin_with("policy", manifest));
  OrderDriver new_case(engine, "NEW");
  CHECK(old_case.the_case().policy_version() == "2026.1");
  CHECK(new_case.the_case().policy_version() == "2026.2");
  REQUIRE(engine.policy_version("2026.1"));
  // A snapshot of the old case restores under its own version.
  old_case.advance_to("intake.confirm");
  CHECK(engine.restore(old_case.the_case().snapshot()).policy_version() == "2026.1");
}

namespace {
struct CreditLimit final : CustomRule {
  RuleVerdict check(const RuleInput& in) const override {
    const double amount = in.facts.at("payload").at("amount").to_number<double>();
    if (amount <= 500000) return {true, "", boost::json::object{{"limit", 500000}}};
    return {false, "amount exceeds the customer's credit limit of 500000",
            boost::json::object{{"limit", 500000}}};
  }
};
}  // namespace

TEST_CASE("custom C++ rules are referenced from rule files by name", "[api][plugin]") {
  Engine engine;
  engine.extensions().add_rule("credit-limit", std::make_shared<CreditLimit>());
  auto gates = PolicySource::builtin();
  part_of(gates, "gates").at("gates").as_object()["contract.draft"] =
      boost::json::parse(R"({"rules": [
        {"id": "credit", "rule": "credit-limit", "message": "over the credit limit"}]})");
  engine.load_policy(gates);
  OrderDriver d(engine);
  d.advance_to("contract.draft");
  const Outcome o =
      d.fire("contract.draft", kSales,
             R"({"amount": 900000, "delivery_date": "2026-06-30", "payment_terms": "x"})");
  REQUIRE_FALSE(o.accepted);
  CHECK(o.reasons.front().rule == "credit");
  CHECK_THAT(o.reasons.front().message, Catch::Contains("credit limit of 500000"));
  CHECK(d.fire("contract.draft", kSales,
               R"({"amount": 400000, "delivery_date": "2026-06-30", "payment_terms": "x"})")
            .accepted);
}

TEST_CASE("policies are validated with file, JSON path and reason", "[api][policy]") {
  auto problems_with = [](const std::string& part, const char* json) {
    return Policy::check(builtin_with(part, boost::json::parse(json)));
  };
  CHECK(Policy::check(PolicySource::builtin()).empty());
  auto p = problems_with(
      "gates",
      R"({"gates": {"contract.sign": {"rules": [{"id": "x", "condition": {"frobnicate": [1]}, "message": "m"}]}}})");
  REQUIRE_FALSE(p.empty());
  CHECK_THAT(p.front(), Catch::Contains("rules/default/gates.json") &&
                            Catch::Contains("/gates/contract.sign/rules/0/condition"));
  p = problems_with(
      "gates",
      R"({"gates": {"contract.sign": {"rules": [{"id": "x", "condition": true, "message": "m", "colour": "red"}]}}})");
  REQUIRE(p.size() == 1);
  CHECK_THAT(p.front(), Catch::Contains("/gates/contract.sign/rules/0/colour") &&
                            Catch::Contains("unknown field"));
  p = problems_with("gates", R"({"gates": {"contract.teleport": {"rules": []}}})");
  CHECK_THAT(p.front(), Catch::Contains("not an event"));
  p = problems_with("roles",
                    R"({"roles": {"sales": ""}, "events": {"intake.forward": ["market"]}})");
  CHECK(p.size() > 1);  // an undeclared role, and every missing event
  CHECK_THROWS_AS(Policy::load(builtin_with("routes", boost::json::parse(R"({"routes": {}})"))),
                  Error);
}

TEST_CASE("creation data is validated", "[api]") {
  const Engine engine;
  CHECK_THROWS_WITH(engine.create_case("", {}), Catch::Contains("non-empty id"));
  CHECK_THROWS_WITH(
      engine.create_case("X", boost::json::parse(R"({"quantity": "many"})").as_object()),
      Catch::Contains("data.quantity"));
}

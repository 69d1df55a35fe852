// A gap in a decision table fails closed, end to end (issue 13): the default policy with the
// authority-matrix row [100000..1000000) changed to [200000..1000000) is reported by the check,
// still loads, and a contract of 150,000 is then refused at contract.sign — whatever approvals
// it has — with a reason naming the table and the amount, and a trace showing the table, the
// inputs and that no row matched (before, the table answered null and `0 >= null` let it pass).
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <tuple>

#include "support/order_driver.hpp"
#include "support/policy_parts.hpp"
#include "undertake/engine.hpp"
#include "undertake/policy.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

namespace {

/// The default policy with the authority matrix's middle row starting at 200,000.
PolicySource policy_with_gap() {
  PolicySource source = PolicySource::builtin();
  auto& rows = part_of(source, "tables").at_pointer("/tables/authority-matrix/rules").as_array();
  for (auto& row : rows) {
    auto& cell = row.at_pointer("/when/0");
    if (cell == "[100000..1000000)") cell = "[200000..1000000)";
  }
  return source;
}

/// A case of the main path at contract.sign, its draft of `amount` legally approved and approved
/// by `approvers` managers.
OrderDriver at_signing(const Engine& engine, int amount, int approvers) {
  OrderDriver d(engine);
  d.advance_to("contract.draft");
  const std::string draft = R"({"amount": )" + std::to_string(amount) +
                            R"(, "delivery_date": "2026-06-30", "payment_terms": "30/70"})";
  for (const auto& [event, who, payload] : {std::tuple{"contract.draft", kSales, draft.c_str()},
                                            std::tuple{"contract.submit", kSales, "{}"},
                                            std::tuple{"contract.legal_approve", kLegal, "{}"}})
    REQUIRE(d.fire(event, who, payload).accepted);
  const Actor managers[] = {kBoss, kCfo};
  for (int i = 0; i < approvers; ++i) REQUIRE(d.fire("contract.approve", managers[i]).accepted);
  return d;
}

const RuleTrace& authority_rule(const Outcome& o) {
  for (const auto& r : o.gate.rules)
    if (r.id == "authority-matrix") return r;
  FAIL("no authority-matrix rule in the trace");
  throw;
}

}  // namespace

TEST_CASE("a gap in the authority matrix: check reports it, and signing in it is refused") {
  const PolicySource source = policy_with_gap();
  const auto problems = Policy::check(source);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::EndsWith("tables.json: /tables/authority-matrix/rules: no row "
                                          "covers amount in [100000, 200000) (an input there is "
                                          "refused: add a row, or give the outputs a default)"));
  CHECK(Policy::check(PolicySource::builtin()).empty());  // the default policy checks clean

  const Engine engine(Policy::load(source));  // a gap does not stop the policy from loading
  for (int approvals : {0, 1, 2}) {
    INFO(approvals << " management approvals");
    OrderDriver d = at_signing(engine, 150000, approvals);
    const json::value before = d.the_case().snapshot();
    const Outcome o = d.fire("contract.sign", kSales);
    REQUIRE_FALSE(o.accepted);
    REQUIRE(o.reasons.size() == 1);
    CHECK(o.reasons[0].rule == "authority-matrix");
    CHECK_THAT(o.reasons[0].message,
               Catch::Contains("table \"authority-matrix\": no row matched amount = 150000"));
    const RuleTrace& t = authority_rule(o);
    CHECK_FALSE(t.passed);
    const auto& call = t.details.at("decisions").at(0);
    CHECK(call.at("table") == "authority-matrix");
    CHECK(call.at("inputs") == json::parse(R"({"amount": 150000})"));
    CHECK_THAT(std::string(call.at("error").as_string()), Catch::Contains("no row matched"));
    CHECK(d.the_case().snapshot() == before);  // a refusal changes nothing
  }
  // Outside the gap the table answers as before.
  CHECK(at_signing(engine, 250000, 1).fire("contract.sign", kSales).accepted);
  CHECK_FALSE(at_signing(engine, 250000, 0).fire("contract.sign", kSales).accepted);
  CHECK(at_signing(engine, 50000, 0).fire("contract.sign", kSales).accepted);
}

TEST_CASE("a table with a default covers its gaps: the check is clean, the default answers") {
  PolicySource source = policy_with_gap();
  part_of(source, "tables")
      .at_pointer("/tables/authority-matrix/outputs/0")
      .as_object()["default"] = 2;
  CHECK(Policy::check(source).empty());
  const Engine engine(Policy::load(source));
  // 150,000 falls in the gap: the default (two approvals) is required.
  CHECK_FALSE(at_signing(engine, 150000, 1).fire("contract.sign", kSales).accepted);
  const Outcome o = at_signing(engine, 150000, 2).fire("contract.sign", kSales);
  CHECK(o.accepted);
  const auto& call = authority_rule(o).details.at("decisions").at(0);
  CHECK(call.at("matched") == json::array{});
  CHECK(call.at("output") == 2);
}

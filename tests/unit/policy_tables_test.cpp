// The policy and its decision tables: the `tables` part is compiled on load, tables are callable
// from gate conditions (`decide`) and from C++ (Policy::table), the gate trace shows the table, the
// inputs and the matched row, and bad references are reported with file, JSON path and reason.
// Also: the rule-test runner (RuleTestRunner) with a custom C++ rule.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "support/policy_parts.hpp"
#include "undertake/error.hpp"
#include "undertake/policy.hpp"
#include "undertake/rule_tests.hpp"

namespace json = boost::json;
using namespace undertake;

namespace {

Actor sales() {
  return Actor{"li", {"sales"}};
}

json::value sign_facts(double amount, int approvals) {
  json::array approvers;
  for (int i = 0; i < approvals; ++i) approvers.emplace_back("m" + std::to_string(i));
  return json::object{{"contract", json::object{{"version", 1},
                                                {"legal_approved_version", 1},
                                                {"draft", json::object{{"amount", amount}}},
                                                {"approvers", approvers},
                                                {"approval_count", approvals}}},
                      {"actor", json::object{{"id", "li"}, {"roles", json::array{"sales"}}}}};
}

const RuleTrace& rule(const GateDecision& d, std::string_view id) {
  for (const auto& r : d.rules)
    if (r.id == id) return r;
  FAIL("no rule " << id);
  throw;
}

using undertake::testing::builtin_with;
using undertake::testing::builtin_with_text;

}  // namespace

TEST_CASE("the default policy's authority matrix is a table, callable from C++") {
  const auto policy = Policy::load(PolicySource::builtin());
  const DecisionTable& m = policy->table("authority-matrix");
  CHECK(m.hit_policy() == HitPolicy::unique);
  CHECK(m.evaluate(json::parse(R"({"amount": 99999})")).output == 0);
  CHECK(m.evaluate(json::parse(R"({"amount": 100000})")).output == 1);
  CHECK(m.evaluate(json::parse(R"({"amount": 999999})")).output == 1);
  CHECK(m.evaluate(json::parse(R"({"amount": 999999.99})")).output == 1);
  CHECK(m.evaluate(json::parse(R"({"amount": 1000000})")).output == 2);
  const DecisionTable& risk = policy->table("risk-level");
  for (auto [score, level] : std::vector<std::pair<int, const char*>>{{1, "low"},
                                                                      {4, "low"},
                                                                      {5, "medium"},
                                                                      {9, "medium"},
                                                                      {10, "high"},
                                                                      {15, "high"},
                                                                      {16, "critical"},
                                                                      {25, "critical"}})
    CHECK(risk.evaluate(score).output == level);
  CHECK(policy->find_table("nope") == nullptr);
  CHECK_THROWS_WITH(policy->table("nope"), Catch::Contains("no decision table \"nope\"") &&
                                               Catch::Contains("authority-matrix, risk-level"));
  CHECK(policy->table_names() == std::vector<std::string>{"authority-matrix", "risk-level"});
}

TEST_CASE("Policy::operators compiles rules of one's own against the policy's tables") {
  const auto policy = Policy::load(PolicySource::builtin());
  const auto approvals = jsonlogic::Rule::compile(
      json::parse(R"({"decide": ["authority-matrix", {"var": "amount"}]})"), policy->operators());
  CHECK(approvals.evaluate(json::parse(R"({"amount": 250000})")) == 1);
  CHECK(approvals.evaluate(json::parse(R"({"amount": 1000000})")) == 2);
  const auto level = jsonlogic::Rule::compile(
      json::parse(R"({"cat": ["risk ", {"decide": ["risk-level", {"var": "inputs"}]}]})"),
      policy->operators());
  CHECK(level.evaluate(json::parse(R"({"inputs": {"score": 16}})")) == "risk critical");
  // The date operators come along; a missing table is a catchable rule error naming it.
  CHECK(jsonlogic::Rule::compile(json::parse(R"({"add_days": ["2026-03-01", 1]})"),
                                 policy->operators())
            .evaluate(json::value()) == "2026-03-02T00:00:00Z");
  const auto missing = jsonlogic::Rule::compile(
      json::parse(R"({"try": [{"decide": [{"var": "t"}, 1]}, {"var": "type"}]})"),
      policy->operators());
  CHECK(missing.evaluate(json::parse(R"({"t": "nope"})")) == "Invalid Arguments");
  CHECK_THROWS_WITH(
      jsonlogic::Rule::compile(json::parse(R"({"decide": [{"var": "t"}, 1]})"), policy->operators())
          .evaluate(json::parse(R"({"t": "nope"})")),
      Catch::Contains("no decision table \"nope\""));
}

TEST_CASE("contract.sign uses the authority matrix; the trace shows table, inputs and row") {
  const auto policy = Policy::load(PolicySource::builtin());
  CHECK(policy->decide(EventId::contract_sign, sign_facts(50000, 0), sales()).verdict ==
        Verdict::allowed);
  CHECK(policy->decide(EventId::contract_sign, sign_facts(250000, 1), sales()).verdict ==
        Verdict::allowed);
  CHECK(policy->decide(EventId::contract_sign, sign_facts(1200000, 2), sales()).verdict ==
        Verdict::allowed);

  const GateDecision d = policy->decide(EventId::contract_sign, sign_facts(1200000, 1), sales());
  CHECK(d.verdict == Verdict::denied);
  const RuleTrace& t = rule(d, "authority-matrix");
  CHECK_FALSE(t.passed);
  CHECK(t.message ==
        "a contract of 1200000 needs more management approvals of the current draft: the "
        "authority matrix requires 2 from different managers, it has 1");
  REQUIRE(t.details.is_object());
  const json::value& call = t.details.at("decisions").at(0);
  CHECK(call.at("table") == "authority-matrix");
  CHECK(call.at("inputs") == json::parse(R"({"amount": 1200000})"));
  CHECK(call.at("output") == 2);
  CHECK(call.at("matched").at(0).at("row") == 3);
  CHECK(call.at("matched").at(0).at("id") == "1m-and-above");
  CHECK(call.at("matched").at(0).at("when") == json::parse(R"({"amount": ">= 1000000"})"));
  // The trace JSON a host sees carries it too.
  CHECK(d.to_json().at("rules").at(1).at("details").at("decisions").at(0).at("output") == 2);
}

TEST_CASE("a table error refuses the event (fails closed) and says why") {
  const auto policy = Policy::load(PolicySource::builtin());
  json::value facts = sign_facts(0, 0);
  facts.at("contract").as_object()["draft"] = json::object{};  // no amount
  const GateDecision d = policy->decide(EventId::contract_sign, facts, sales());
  CHECK(d.verdict == Verdict::denied);
  const RuleTrace& t = rule(d, "authority-matrix");
  CHECK_THAT(t.message, Catch::Contains("rule could not be evaluated") &&
                            Catch::Contains("input \"amount\" must be a number, got null"));
  CHECK(t.details.at("decisions").at(0).at("error").is_string());
}

TEST_CASE("decide takes inputs in column order or as one object by name; try catches errors") {
  const auto policy = Policy::load(builtin_with_text("routes", R"({"routes": {
      "strategy_meeting_required": {"condition": {"==": [{"decide": ["authority-matrix", {"var": "data"}]}, 2]}},
      "design_required": {"condition": {"try": [{"decide": ["authority-matrix", {"var": "data.amount"}]}, {"var": "type"}]}}}})"));
  CHECK(
      policy->route("strategy_meeting_required", json::parse(R"({"data": {"amount": 2000000}})")));
  CHECK_FALSE(
      policy->route("strategy_meeting_required", json::parse(R"({"data": {"amount": 20}})")));
  // {"type": "Decision Table"} is truthy: the error was caught by try.
  CHECK(policy->route("design_required", json::parse(R"({"data": {"amount": "lots"}})")));
  CHECK_FALSE(policy->route("design_required", json::parse(R"({"data": {"amount": 5}})")));
}

TEST_CASE("bad table references and bad tables are reported with file, JSON path and reason") {
  const auto problems =
      Policy::check(builtin_with_text("gates", R"({"gates": {"contract.sign": {"rules": [
      {"id": "a", "condition": {"decide": ["authority-matrx", 1]}, "message": "m"},
      {"id": "b", "condition": {">": [{"decide": ["authority-matrix", 1, 2]}, 0]}, "message": "m"},
      {"id": "c", "condition": {"decide": []}, "message": "m"}]}}})"));
  for (const auto& p : problems) INFO(p);
  REQUIRE(problems.size() == 4);
  CHECK(problems[0] ==
        "rules/default/gates.json: /gates/contract.sign/rules/0/condition/decide/0: no decision "
        "table \"authority-matrx\" in tables.json (tables: authority-matrix, risk-level)");
  CHECK(problems[1] ==
        "rules/default/gates.json: /gates/contract.sign/rules/1/condition/>/0/decide: table "
        "\"authority-matrix\" takes 1 input (amount), got 2");
  CHECK_THAT(problems[2],
             Catch::Contains("/rules/2/condition/decide: needs the name of a decision table"));

  const auto table_problems = Policy::check(builtin_with_text("tables", R"({"tables": {
      "authority-matrix": {"inputs": [{"name": "amount", "type": "number"}], "outputs": [{"name": "n"}],
        "rules": [{"when": ["< 100"], "then": [0]}, {"when": ["[50..200]"], "then": [1]}]}}})"));
  REQUIRE(table_problems.size() == 1);
  CHECK(table_problems[0] ==
        "rules/default/tables.json: /tables/authority-matrix/rules/1: overlaps row 1 in a UNIQUE "
        "table: both match amount = 50");
  CHECK_THROWS_WITH(Policy::load(builtin_with_text("tables", R"({"tables": {}, "extra": 1})")),
                    Catch::Contains("rules/default/tables.json: /extra: unknown field"));
}

namespace {

/// A custom approval rule written in C++: orders above the customer's credit limit need approval.
class CreditLimit : public CustomRule {
 public:
  RuleVerdict check(const RuleInput& in) const override {
    const auto& contract = in.facts.at("contract");
    const double amount = contract.at("draft").at("amount").to_number<double>();
    const double limit = in.facts.at("data").at("credit_limit").to_number<double>();
    RuleVerdict v;
    v.passed = amount <= limit;
    v.details = json::object{{"amount", amount}, {"limit", limit}};
    if (!v.passed)
      v.message =
          "amount " + std::to_string(static_cast<long>(amount)) + " exceeds the credit limit";
    return v;
  }
};

}  // namespace

TEST_CASE("rule tests run from C++ against a policy with a custom rule; failures explain") {
  Extensions ext;
  ext.add_rule("credit-limit", std::make_shared<CreditLimit>());
  const auto policy =
      Policy::load(builtin_with_text("gates", R"({"gates": {"contract.sign": {"rules": [
      {"id": "credit", "rule": "credit-limit", "message": "over the credit limit"},
      {"id": "matrix", "condition": {">=": [{"var": "contract.approval_count"}, {"decide": ["authority-matrix", {"var": "contract.draft.amount"}]}]},
       "message": "needs {decide.authority-matrix} approvals"}]}}})"),
                   ext);
  RuleTestRunner runner(policy);
  const auto results = runner.run(json::parse(R"({
    "facts": {"data": {"credit_limit": 500000}, "contract": {"draft": {"amount": 200000}, "approval_count": 1}},
    "tests": [
      {"name": "within the limit", "event": "contract.sign", "expect": {"decision": "allowed", "failing": [], "tables": {"authority-matrix": 1}}},
      {"name": "over the limit", "event": "contract.sign", "facts": {"contract": {"draft": {"amount": 600000}}},
       "expect": {"decision": "denied", "failing": ["credit"], "messages": {"credit": "exceeds the credit limit"}}},
      {"name": "a wrong expectation", "event": "contract.sign", "facts": {"contract": {"approval_count": 0}},
       "expect": {"decision": "allowed"}},
      {"name": "row", "table": "authority-matrix", "inputs": [150000], "expect": {"output": 1, "rows": ["100k-to-1m"]}}
    ]})"),
                                  "credit.json");
  REQUIRE(results.size() == 4);
  CHECK(results[0].passed);
  CHECK(results[1].passed);
  CHECK_FALSE(results[2].passed);
  CHECK(results[2].name == "a wrong expectation");
  CHECK_THAT(
      results[2].report,
      Catch::Contains("expected decision allowed, got denied") &&
          Catch::Contains("FAIL matrix (deny): needs 1 approvals") &&
          Catch::Contains("read contract.approval_count = 0") &&
          Catch::Contains("table authority-matrix: amount = 200000 → row 2 \"100k-to-1m\"") &&
          Catch::Contains("PASS credit (deny)"));
  CHECK(results[3].passed);
  const RuleTestCoverage c = runner.coverage();
  CHECK(c.rules == 2);
  CHECK(c.rules_covered == 2);
  CHECK(c.rows == 7);
  CHECK_FALSE(c.complete());
  CHECK_THAT(c.summary(), Catch::Contains("2/2 gate rules"));
}

TEST_CASE("the default policy's rule tests pass and cover every rule, route and table row") {
  const auto policy =
      Policy::load(PolicySource::from_directory(UNDERTAKE_SOURCE_DIR "/rules/default"));
  RuleTestRunner runner(policy);
  std::size_t count = 0;
  for (const char* file : {"intake", "evaluation", "contract", "production", "tables"}) {
    for (const auto& r : runner.run_file(std::string(UNDERTAKE_SOURCE_DIR "/rules/default/tests/") +
                                         file + ".json")) {
      INFO(r.file << ": " << r.name << "\n" << r.report);
      CHECK(r.passed);
      ++count;
    }
  }
  CHECK(count > 40);
  const RuleTestCoverage c = runner.coverage();
  for (const auto& g : c.gaps) INFO(g);
  CHECK(c.complete());
}

// fire() fails closed whatever host code throws (issue 12 item 5), rule evaluation limits are
// set per engine (12.6), and a record the engine could not store is never accepted (13.1, 13.7).
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <new>
#include <stdexcept>

#include "support/policy_parts.hpp"
#include "support/order_driver.hpp"

using namespace undertake;
using namespace undertake::testing;
namespace json = boost::json;

namespace {

using undertake::testing::part_of;

// ---------------------------------------------------------------------------------------------
// Host code that fails on request

enum class Place { none, rule, gate_operator, route, scorer };
enum class Throw { runtime_error, logic_error, integer, foreign, bad_alloc };
constexpr Throw kKinds[] = {Throw::runtime_error, Throw::logic_error, Throw::integer,
                            Throw::foreign, Throw::bad_alloc};
struct Foreign {};  // not derived from std::exception

// The fault the host code of these tests raises, and where (the tests run on one thread).
struct Fault {
  Place place = Place::none;
  Throw kind = Throw::runtime_error;
  bool raised = false;
};
Fault g_fault;
int g_route_calls = 0;
int g_scorer_calls = 0;

void host_code_at(Place place) {
  if (place == Place::route) ++g_route_calls;
  if (place == Place::scorer) ++g_scorer_calls;
  if (g_fault.place != place) return;
  g_fault.raised = true;
  switch (g_fault.kind) {
    case Throw::runtime_error:
      throw std::runtime_error("the host's credit service is down");
    case Throw::logic_error:
      throw std::logic_error("the host's rule has a bug");
    case Throw::integer:
      throw 42;
    case Throw::foreign:
      throw Foreign{};
    case Throw::bad_alloc:
      throw std::bad_alloc();
  }
}

// The text a refusal shows for each kind of exception.
const char* expected_text(Throw kind) {
  switch (kind) {
    case Throw::runtime_error:
      return "the host's credit service is down";
    case Throw::logic_error:
      return "the host's rule has a bug";
    default:
      return "not a std::exception";
  }
}

struct HostRule final : CustomRule {
  RuleVerdict check(const RuleInput&) const override {
    host_code_at(Place::rule);
    return RuleVerdict{true, {}, {}};
  }
};

struct HostScorer final : PerRiskScorer {
  std::int64_t score(const Risk& risk, const RiskModel&) const override {
    host_code_at(Place::scorer);
    return static_cast<std::int64_t>(risk.probability) * risk.impact;
  }
  std::string_view name() const noexcept override { return "host"; }
};

// The default policy with host code everywhere fire() runs rules: every event's gate runs the
// host rule and a condition calling the host operator, both routes call the operator first, and
// risks are scored by the host scorer.
void load_host_policy(Engine& engine) {
  engine.extensions().add_rule("host-rule", std::make_shared<HostRule>());
  engine.extensions().operators().add("host_op", [](const std::vector<json::value>& args) {
    host_code_at(args.at(0) == "route" ? Place::route : Place::gate_operator);
    return json::value(true);
  });
  engine.extensions().scorers().add("host", std::make_shared<HostScorer>());
  PolicySource source = PolicySource::builtin();
  json::object& gates = part_of(source, "gates").as_object()["gates"].as_object();
  for (std::string_view name : kEventNames) {
    json::value& gate = gates[name];
    if (!gate.is_object()) gate = json::object{{"rules", json::array{}}};
    auto& rules = gate.as_object()["rules"].as_array();
    const std::string suffix = "@" + std::string(name);  // rule ids are unique in a policy
    rules.push_back(
        json::object{{"id", "host-rule" + suffix}, {"rule", "host-rule"}, {"message", "m"}});
    rules.push_back(json::object{{"id", "host-operator" + suffix},
                                 {"condition", json::object{{"host_op", json::array{"gate"}}}},
                                 {"message", "m"}});
  }
  for (auto& kv : part_of(source, "routes").as_object()["routes"].as_object()) {
    json::value& condition = kv.value().as_object()["condition"];
    condition = json::object{
        {"and", json::array{json::object{{"host_op", json::array{"route"}}}, condition}}};
  }
  json::object& risk = part_of(source, "risk").as_object();
  risk["scorer"] = "host";
  risk["scorers"].as_object()["host"] = risk["scorers"].as_object()["probability_impact"];
  engine.load_policy(source);
}

std::string text(const Case& c) {
  return json::serialize(c.snapshot());
}

// The main path of an order with a risk register entry after the quotation.
std::vector<Step> path_with_risks() {
  std::vector<Step> steps = main_path();
  const auto quote = std::find_if(steps.begin(), steps.end(), [](const Step& s) {
    return std::string_view(s.event) == "evaluation.quote";
  });
  steps.insert(quote + 1, Step{"evaluation.risks", kSales,
                               R"({"risks": [{"id": "R1", "category": "technical",
                                   "description": "new alloy", "probability": 3, "impact": 4,
                                   "response": "mitigate", "owner": "zhao"}]})"});
  return steps;
}

// Fires `step` with g_fault armed: the fault must be reached, the event refused naming `rule`
// (kind rule_error, the exception's text in the message) or, for out of memory, fire() must
// throw std::bad_alloc — and the case must be exactly as it was.
void check_fails_closed(Case& c, const Step& step, Timestamp at, const std::string& rule) {
  const std::string before = text(c);
  g_fault.raised = false;
  const json::object payload = json::parse(step.payload).as_object();
  if (g_fault.kind == Throw::bad_alloc) {
    CHECK_THROWS_AS(c.fire(step.event, step.actor, payload, at), std::bad_alloc);
  } else {
    const Outcome o = c.fire(step.event, step.actor, payload, at);
    CHECK_FALSE(o.accepted);
    const auto reason = std::find_if(o.reasons.begin(), o.reasons.end(), [&](const Reason& r) {
      return r.kind == ReasonKind::rule_error;
    });
    REQUIRE(reason != o.reasons.end());
    CHECK(reason->rule == rule);
    CHECK_THAT(reason->message, Catch::Contains(expected_text(g_fault.kind)) &&
                                    Catch::StartsWith(std::string(step.event) + ": "));
  }
  CHECK(g_fault.raised);
  CHECK(text(c) == before);
}

}  // namespace

TEST_CASE("whatever host code throws at any gate, route or scorer, fire() fails closed",
          "[fail-closed]") {
  Engine engine;
  load_host_policy(engine);
  Case c = engine.create_case("F-1", regular_order());
  Timestamp at = *parse_iso8601("2026-03-02T08:00:00Z");
  int routes_faulted = 0, scorers_faulted = 0;
  for (const Step& step : path_with_risks()) {
    at += std::chrono::hours(1);
    INFO("step " << step.event);
    for (Place place : {Place::rule, Place::gate_operator})
      for (Throw kind : kKinds) {
        g_fault = Fault{place, kind};
        check_fails_closed(
            c, step, at,
            (place == Place::rule ? "host-rule@" : "host-operator@") + std::string(step.event));
      }
    // Routes and scorers run for some events only: a dry run on a restored copy says which.
    g_fault = Fault{};
    g_route_calls = g_scorer_calls = 0;
    {
      Case copy = engine.restore(c.snapshot());
      g_route_calls = g_scorer_calls = 0;
      REQUIRE(
          copy.fire(step.event, step.actor, json::parse(step.payload).as_object(), at).accepted);
    }
    const bool routes = g_route_calls > 0, scorer = g_scorer_calls > 0;
    for (Throw kind : kKinds) {
      if (routes) {
        g_fault = Fault{Place::route, kind};
        // contract.sign asks strategy_meeting_required for the customer-meeting deadline.
        const std::string_view event = step.event;
        const std::string route = event == "intake.confirm"  ? "route strategy_meeting_required"
                                  : event == "contract.sign" ? "deadline customer-meeting"
                                                             : "route design_required";
        check_fails_closed(c, step, at, route);
        ++routes_faulted;
      }
      if (scorer) {
        g_fault = Fault{Place::scorer, kind};
        check_fails_closed(c, step, at, "risk scorer host");
        ++scorers_faulted;
      }
    }
    g_fault = Fault{};
    const Outcome o = c.fire(step.event, step.actor, json::parse(step.payload).as_object(), at);
    REQUIRE(o.accepted);
  }
  CHECK(c.stage() == "Closed");
  // strategy_meeting_required at intake.confirm and (for the customer-meeting deadline) at
  // contract.sign, design_required when the kickoff completes (a route taken by the completion
  // after the event's change is applied); the scorer once.
  CHECK(routes_faulted == 3 * 5);
  CHECK(scorers_faulted == 5);
}

TEST_CASE("a rule error refuses the event whatever the rule's severity, with kind rule_error",
          "[fail-closed]") {
  Engine engine;
  engine.extensions().add_rule("host-rule", std::make_shared<HostRule>());
  PolicySource source = PolicySource::builtin();
  json::object& gates = part_of(source, "gates").as_object()["gates"].as_object();
  gates["intake.forward"] = json::parse(R"({"rules": [
      {"id": "warn-only", "rule": "host-rule", "message": "m", "severity": "warn"},
      {"id": "overridable", "condition": {"throw": "Broken"}, "message": "m",
       "severity": "approval", "override": {"roles": ["market"]}}]})");
  engine.load_policy(source);
  OrderDriver d(engine);
  g_fault = Fault{Place::rule, Throw::runtime_error};
  const Outcome o =
      d.fire("intake.forward", kMarket, R"({"override": {"reason": "the customer is waiting"}})");
  g_fault = Fault{};
  CHECK_FALSE(o.accepted);
  CHECK(o.gate.verdict == Verdict::denied);
  REQUIRE(o.reasons.size() == 2);
  CHECK(o.reasons[0].kind == ReasonKind::rule_error);
  CHECK(o.reasons[0].rule == "warn-only");
  CHECK(o.reasons[1].kind == ReasonKind::rule_error);
  CHECK(o.reasons[1].rule == "overridable");  // an override does not cover a rule that failed
  CHECK(o.gate.rules[1].error);
  CHECK(o.to_json().at("trace").at("rules").at(1).at("error") == true);
  CHECK(d.the_case().ledger().empty());
}

TEST_CASE("a risk scorer that gives a NaN index is refused, not stored", "[fail-closed]") {
  struct NanScorer final : RiskScorer {
    RiskAssessment assess(const RiskRegister&, const RiskModel&) const override {
      RiskAssessment a;
      a.scorer = "nan";
      a.index = std::nan("");
      return a;
    }
  };
  Engine engine;
  engine.extensions().scorers().add("nan", std::make_shared<NanScorer>());
  PolicySource source = PolicySource::builtin();
  json::object& risk = part_of(source, "risk").as_object();
  risk["scorer"] = "nan";
  risk["scorers"].as_object()["nan"] = risk["scorers"].as_object()["probability_impact"];
  engine.load_policy(source);
  OrderDriver d(engine);
  d.advance_to("evaluation.quote");
  const std::string before = text(d.the_case());
  const Outcome o =
      d.fire("evaluation.risks", kSales,
             R"({"risks": [{"id": "R1", "category": "legal", "probability": 1, "impact": 1}]})");
  CHECK_FALSE(o.accepted);
  REQUIRE(o.reasons.size() == 1);
  CHECK(o.reasons[0].kind == ReasonKind::rule_error);
  CHECK(o.reasons[0].rule == "risk scorer nan");
  CHECK_THAT(o.reasons[0].message, Catch::Contains("risk.index would be NaN"));
  CHECK(text(d.the_case()) == before);
}

TEST_CASE("a deadline condition that cannot be evaluated refuses the event", "[fail-closed]") {
  Engine engine;
  PolicySource source = PolicySource::builtin();
  part_of(source, "deadlines").at("deadlines").at("rectification").at("start").as_object()["when"] =
      json::parse(R"({"throw": "Broken"})");
  engine.load_policy(source);
  OrderDriver d(engine);
  d.advance_to("production.inspect");
  const std::string before = text(d.the_case());
  const Outcome o = d.fire("production.inspect", kQuality, R"({"batch": "B1", "passed": true})");
  CHECK_FALSE(o.accepted);
  REQUIRE(o.reasons.size() == 1);
  CHECK(o.reasons[0].kind == ReasonKind::rule_error);
  CHECK(o.reasons[0].rule == "deadline rectification");
  CHECK_THAT(o.reasons[0].message, Catch::Contains("the start condition could not be evaluated") &&
                                       Catch::Contains("Broken"));
  CHECK(text(d.the_case()) == before);
}

// ---------------------------------------------------------------------------------------------
// Rule evaluation limits

namespace {

// A policy whose intake.forward gate sums payload.numbers: about 3 steps per number.
PolicySource heavy_gate_policy() {
  PolicySource source = PolicySource::builtin();
  part_of(source, "gates").as_object()["gates"].as_object()["intake.forward"] = json::parse(R"({
      "rules": [{"id": "heavy", "message": "m", "condition": {">=": [{"reduce": [
          {"var": "payload.numbers"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]},
          0]}}]})");
  return source;
}

json::object numbers_payload(int count) {
  json::array numbers;
  for (int i = 0; i < count; ++i) numbers.emplace_back(i);
  return json::object{{"numbers", std::move(numbers)}};
}

}  // namespace

TEST_CASE("rule limits are set per engine, for the cases it opens afterwards", "[limits]") {
  Engine engine;
  engine.load_policy(heavy_gate_policy());
  CHECK(engine.rule_limits().max_steps == jsonlogic::Limits{}.max_steps);
  const Timestamp at = *parse_iso8601("2026-03-02T09:00:00Z");
  const json::object payload = numbers_payload(1000);

  engine.set_rule_limits(jsonlogic::Limits{512, 1000, 1'000'000});
  Case low = engine.create_case("L-1", regular_order());
  engine.set_rule_limits(jsonlogic::Limits{512, 100'000, 1'000'000});
  Case high = engine.create_case("H-1", regular_order());
  CHECK(engine.rule_limits().max_steps == 100'000);

  // The lowered limit refuses (fail closed), naming the rule and the limit; nothing changes.
  const std::string before = text(low);
  const Outcome refused = low.fire("intake.forward", kMarket, payload, at);
  CHECK_FALSE(refused.accepted);
  REQUIRE(refused.reasons.size() == 1);
  CHECK(refused.reasons[0].kind == ReasonKind::rule_error);
  CHECK(refused.reasons[0].rule == "heavy");
  CHECK_THAT(refused.reasons[0].message, Catch::Contains("max_steps (1000)"));
  CHECK(text(low) == before);
  // The raised one accepts.
  CHECK(high.fire("intake.forward", kMarket, payload, at).accepted);

  // A replay runs under the engine's limits of the moment: the accepted event is refused under
  // lower ones. A format-3 snapshot restores from its state: no rule runs, and the restored case
  // has the engine's limits for its next events.
  const json::value snapshot = high.snapshot();
  CHECK(engine.restore(snapshot).revision() == 1);
  engine.set_rule_limits(jsonlogic::Limits{512, 1000, 1'000'000});
  CHECK_THROWS_WITH(engine.replay(high.case_ledger()), Catch::Contains("max_steps (1000)"));
  const VerifyReport report = engine.verify(snapshot);
  CHECK_FALSE(report.ok());
  CHECK_THAT(report.problems.at(0).why, Catch::Contains("max_steps (1000)"));
  Case restored = engine.restore(snapshot);
  CHECK(restored.revision() == 1);

  // Shallower nesting than the rule has refuses too.
  engine.set_rule_limits(jsonlogic::Limits{2, 100'000, 1'000'000});
  Case shallow = engine.create_case("S-1", regular_order());
  const Outcome deep = shallow.fire("intake.forward", kMarket, numbers_payload(5), at);
  CHECK_FALSE(deep.accepted);
  CHECK_THAT(deep.reasons.at(0).message, Catch::Contains("max_depth (2)"));

  CHECK_THROWS_AS(engine.set_rule_limits(jsonlogic::Limits{512, 0, 10}), Error);
}

// ---------------------------------------------------------------------------------------------
// Numbers the record computes

namespace {

Outcome fire(OrderDriver& d, const char* event, const Actor& who, const char* payload) {
  return d.fire(event, who, payload);
}

// create → fire → snapshot → restore round-trips: what was accepted can be stored.
void check_restores(const Engine& engine, const Case& c) {
  const std::string snapshot = text(c);
  const Case restored = engine.restore(json::parse(snapshot));
  CHECK(text(restored) == snapshot);
}

// Fires and checks that the event is refused for one reason of kind invalid_payload with that
// message, and that the case is unchanged.
void check_unstorable(OrderDriver& d, const char* event, const Actor& who, const char* payload,
                      const std::string& message) {
  const std::string before = text(d.the_case());
  const Outcome o = fire(d, event, who, payload);
  CHECK_FALSE(o.accepted);
  REQUIRE(o.reasons.size() == 1);
  CHECK(o.reasons[0].kind == ReasonKind::invalid_payload);
  CHECK(o.reasons[0].message == message);
  CHECK(text(d.the_case()) == before);
}

// A batch reported and inspected (the process goes back to producing after an inspection).
void report_batch(OrderDriver& d, const std::string& batch, const std::string& quantity,
                  const std::string& cost) {
  const std::string report =
      R"({"batch": ")" + batch + R"(", "quantity": )" + quantity + R"(, "cost": )" + cost + "}";
  REQUIRE(fire(d, "production.report", kProduction, report.c_str()).accepted);
  const std::string inspect = R"({"batch": ")" + batch + R"(", "passed": true})";
  REQUIRE(fire(d, "production.inspect", kQuality, inspect.c_str()).accepted);
}

}  // namespace

TEST_CASE("a margin that would be infinite is refused, naming the field and the value",
          "[record]") {
  const Engine engine;
  OrderDriver d(engine);
  d.advance_to("evaluation.quote");
  check_unstorable(d, "evaluation.quote", kSales, R"({"price": 1e-320, "cost": 1})",
                   "evaluation.quote: the record's evaluation.quote.margin would be -Infinity, "
                   "which JSON cannot hold (a computed number must be finite)");
  CHECK(fire(d, "evaluation.quote", kSales, R"({"price": 420000, "cost": 320000})").accepted);
  check_restores(engine, d.the_case());
}

TEST_CASE("costs summed past the largest double are refused; past int64 they become doubles",
          "[record]") {
  const Engine engine;
  OrderDriver d(engine);
  d.advance_to("production.report");
  report_batch(d, "B1", "1", "1.7e308");
  check_unstorable(d, "production.report", kProduction,
                   R"({"batch": "B2", "quantity": 1, "cost": 1.7e308})",
                   "production.report: the record's production.actual_cost would be Infinity, "
                   "which JSON cannot hold (a computed number must be finite)");
  check_restores(engine, d.the_case());

  // Two costs of 9e18 overflow an int64 (UBSan stops the test if the sum is done in one): the sum
  // is the double 1.8e19.
  OrderDriver e(engine, "T-2");
  e.advance_to("production.report");
  report_batch(e, "B1", "1", "9e18");
  report_batch(e, "B2", "1", "9e18");
  const json::value& cost = e.the_case().record().at("production").at("actual_cost");
  CHECK(cost.is_double());
  CHECK(cost.to_number<double>() == 1.8e19);
  check_restores(engine, e.the_case());
  // Whole-number counters stay whole numbers.
  CHECK(e.the_case().record().at("production").at("reported_quantity") == 2);
}

TEST_CASE("quantities past int64 are summed as doubles, with no undefined behaviour", "[record]") {
  const Engine engine;
  OrderDriver d(engine);
  d.advance_to("production.report");
  // 9223372036854775807 is the largest int64; adding 1 would overflow it.
  report_batch(d, "B1", "9223372036854775807", "1");
  report_batch(d, "B2", "1", "1");
  const json::value& q = d.the_case().record().at("production").at("reported_quantity");
  CHECK(q.is_double());
  CHECK(q.to_number<double>() == 9223372036854775808.0);
  // A uint64 beyond int64 and a double beyond int64's range are no undefined cast either.
  report_batch(d, "B3", "18446744073709551615", "1e19");
  check_restores(engine, d.the_case());
}

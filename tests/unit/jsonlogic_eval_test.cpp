// The rule language at run time: truthiness, limits, custom and date operators, traces.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "undertake/error.hpp"
#include "undertake/jsonlogic.hpp"

namespace json = boost::json;
using undertake::Error;
using undertake::ErrorKind;
using undertake::jsonlogic::Limits;
using undertake::jsonlogic::Operators;
using undertake::jsonlogic::Rule;
using undertake::jsonlogic::RuleError;
using undertake::jsonlogic::Trace;
using undertake::jsonlogic::truthy;

namespace {

json::value run(const std::string& rule, const std::string& data = "null",
                const Operators& ops = Operators::standard()) {
  return Rule::compile(json::parse(rule), ops).evaluate(json::parse(data));
}

/// The JsonLogic error value a rule raises (fails the test when it does not).
json::value rule_error(const std::string& rule, const std::string& data = "null",
                       const Operators& ops = Operators::standard()) {
  try {
    (void)run(rule, data, ops);
  } catch (const RuleError& e) {
    return e.value();
  }
  FAIL("no RuleError from " << rule);
  return nullptr;
}

ErrorKind error_kind(const Rule& rule, const json::value& data, const Limits& limits = {}) {
  try {
    (void)rule.evaluate(data, limits);
  } catch (const Error& e) {
    return e.kind();
  }
  FAIL("no error");
  return ErrorKind::io;
}

json::value numbers(std::size_t count) {
  json::array xs;
  xs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) xs.push_back(static_cast<std::int64_t>(i));
  json::object data;
  data["xs"] = std::move(xs);
  return data;
}

}  // namespace

TEST_CASE("jsonlogic: truthiness", "[jsonlogic]") {
  CHECK_FALSE(truthy(json::parse("false")));
  CHECK_FALSE(truthy(json::parse("null")));
  CHECK_FALSE(truthy(json::parse("0")));
  CHECK_FALSE(truthy(json::parse("0.0")));
  CHECK_FALSE(truthy(json::parse(R"("")")));
  CHECK_FALSE(truthy(json::parse("[]")));
  CHECK(truthy(json::parse("true")));
  CHECK(truthy(json::parse("-1")));
  CHECK(truthy(json::parse(R"("0")")));
  CHECK(truthy(json::parse("[0]")));
  CHECK(truthy(json::parse("{}")));

  const Rule rule = Rule::compile(json::parse(R"({"var": "x"})"));
  CHECK_FALSE(rule.test(json::parse(R"({"x": []})")));
  CHECK(rule.test(json::parse(R"({"x": {}})")));
  CHECK_FALSE(rule.test(json::parse(R"({})")));
  CHECK(run(R"({"!!": [{"var": "x"}]})", R"({"x": "0"})") == json::value(true));
  CHECK(run(R"({"or": [0, "", [], null, "last"]})") == json::value("last"));
}

TEST_CASE("jsonlogic: numbers come back as integers when they are whole", "[jsonlogic]") {
  CHECK(run(R"({"+": [1, 2]})").is_int64());
  CHECK(run(R"({"/": [1, 4]})") == json::value(0.25));
  CHECK(run(R"({"cat": ["n=", {"/": [1, 3]}, " ", 1e21, " ", 0.000001]})") ==
        json::value("n=0.3333333333333333 1e+21 0.000001"));
}

TEST_CASE("jsonlogic: a gate rule", "[jsonlogic]") {
  const Rule gate = Rule::compile(json::parse(
      R"({"and": [{">=": [{"var": "margin"}, 0.15]}, {"==": [{"var": "feasible"}, true]}]})"));
  CHECK(gate.test(json::parse(R"({"margin": 0.2, "feasible": true})")));
  CHECK_FALSE(gate.test(json::parse(R"({"margin": 0.1, "feasible": true})")));
  CHECK_FALSE(gate.test(json::parse(R"({"margin": 0.2, "feasible": false})")));
  CHECK_FALSE(gate.test(json::parse(R"({"feasible": true})")));  // missing margin is 0
}

TEST_CASE("jsonlogic: loose comparison", "[jsonlogic]") {
  CHECK(run(R"({"==": [1, "1"]})") == json::value(true));
  CHECK(run(R"({"==": [null, 0]})") == json::value(true));
  CHECK(run(R"({"<": ["2024-01-01", "2024-01-02"]})") == json::value(true));
  CHECK(rule_error(R"({"==": [1, "one"]})") == json::parse(R"({"type": "NaN"})"));
  CHECK(rule_error(R"({">": [[1], 0]})") == json::parse(R"({"type": "NaN"})"));
  // A missing value is not equal to a name (and is no error): routes and gates compare
  // optional fields with strings.
  CHECK(run(R"({"==": [{"var": "customer.tier"}, "key"]})", "{}") == json::value(false));
  CHECK(run(R"({"!=": [{"var": "actor.id"}, {"var": "drafted_by"}]})",
            R"({"actor": {"id": "u1"}})") == json::value(true));
  CHECK(run(R"({"===": [{"var": "x"}, null]})", "{}") == json::value(true));
}

TEST_CASE("jsonlogic: try, throw and iterator scopes", "[jsonlogic]") {
  CHECK(rule_error(R"({"throw": "Not allowed"})") == json::parse(R"({"type": "Not allowed"})"));
  CHECK(run(R"({"try": [{"throw": "E"}, {"cat": ["caught ", {"val": "type"}]}]})") ==
        json::value("caught E"));
  CHECK(run(R"({"map": [[1, 2], {"+": [{"val": []}, {"val": [[1], "index"]},
                                         {"val": [[2], "base"]}]}]})",
            R"({"base": 100})") == json::parse("[101, 103]"));
  CHECK(run(R"({"reduce": [{"var": "xs"}, {"+": [{"var": "accumulator"}, {"var": "current"}]},
                             0]})",
            R"({"xs": [1, 2, 3]})") == json::value(6));
  // Limits are not JsonLogic errors: try does not catch them.
  Limits tight;
  tight.max_steps = 50;
  const Rule guarded = Rule::compile(
      json::parse(R"({"try": [{"map": [{"var": "xs"}, {"+": [{"var": ""}, 1]}]}, "caught"]})"));
  CHECK(error_kind(guarded, numbers(100), tight) == ErrorKind::limit_exceeded);
}

TEST_CASE("jsonlogic: a huge map stops at max_items", "[jsonlogic][limits]") {
  const Rule rule = Rule::compile(json::parse(R"({"map": [{"var": "xs"}, {"var": ""}]})"));
  Limits limits;
  limits.max_items = 1'000;
  CHECK(rule.evaluate(numbers(1'000), limits).as_array().size() == 1'000);
  try {
    (void)rule.evaluate(numbers(1'001), limits);
    FAIL("evaluated");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::limit_exceeded);
    CHECK(e.why().find("max_items") != std::string::npos);
    CHECK(e.where() == "/map");
  }
  // With the default limits (1,000,000 items), 1.5 million items are refused before any work.
  CHECK(error_kind(rule, numbers(1'500'000)) == ErrorKind::limit_exceeded);
}

TEST_CASE("jsonlogic: long loops stop at max_steps", "[jsonlogic][limits]") {
  const Rule sum = Rule::compile(json::parse(
      R"({"reduce": [{"var": "xs"}, {"+": [{"var": "accumulator"}, {"var": "current"}]}, 0]})"));
  Limits limits;
  limits.max_steps = 10'000;
  CHECK(sum.evaluate(numbers(1'000), limits) == json::value(499'500));
  CHECK(error_kind(sum, numbers(10'000), limits) == ErrorKind::limit_exceeded);

  // Quadratic work (a merge copying the accumulator each time) is paid for by what it copies,
  // so it stops early instead of running for minutes.
  const Rule quadratic = Rule::compile(json::parse(
      R"({"reduce": [{"var": "xs"}, {"merge": [{"var": "accumulator"}, [{"var": "current"}]]},
                     []]})"));
  CHECK(error_kind(quadratic, numbers(200'000)) == ErrorKind::limit_exceeded);
  const Rule strings = Rule::compile(json::parse(
      R"({"reduce": [{"var": "xs"}, {"cat": [{"var": "accumulator"}, "xxxxxxxxxxxxxxxx"]}, ""]})"));
  CHECK(error_kind(strings, numbers(200'000)) == ErrorKind::limit_exceeded);
}

TEST_CASE("jsonlogic: custom operators get evaluated arguments", "[jsonlogic][operators]") {
  Operators ops;
  std::vector<json::value> seen;
  ops.add(
      "twice",
      [&seen](const std::vector<json::value>& args) {
        seen = args;
        return json::value(args.at(0).to_number<double>() * 2);
      },
      1, 1);
  ops.add("fail", [](const std::vector<json::value>&) -> json::value {
    throw RuleError(json::parse(R"({"type": "Custom"})"), "fail", "always fails");
  });
  CHECK(run(R"({"twice": [{"+": [{"var": "x"}, 1]}]})", R"({"x": 20})", ops) == json::value(42));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == json::value(21));
  CHECK(run(R"({"twice": 4})", "null", ops) == json::value(8));
  CHECK(run(R"({"try": [{"fail": []}, {"val": "type"}]})", "null", ops) == json::value("Custom"));

  // Arity is checked when the rule compiles; unregistered names are refused.
  CHECK_THROWS_AS(Rule::compile(json::parse(R"({"twice": [1, 2]})"), ops), Error);
  CHECK_THROWS_AS(Rule::compile(json::parse(R"({"twice": [1]})")), Error);

  // Re-registering replaces; a compiled rule keeps the operator it was compiled with, even
  // after the registry is gone.
  Rule rule;
  {
    Operators local = ops;
    local.add("twice", [](const std::vector<json::value>&) { return json::value("replaced"); });
    rule = Rule::compile(json::parse(R"({"twice": [1]})"), local);
  }
  CHECK(rule.evaluate(nullptr) == json::value("replaced"));
  CHECK(run(R"({"twice": [1]})", "null", ops) == json::value(2));
}

TEST_CASE("jsonlogic: date operators", "[jsonlogic][dates]") {
  const Operators& ops = Operators::with_dates();
  CHECK(run(R"({"days_between": ["2026-03-01", "2026-03-02T12:00:00Z"]})", "null", ops) ==
        json::value(1.5));
  CHECK(run(R"({"hours_between": ["2026-03-02T09:00:00Z", "2026-03-02T06:30:00Z"]})", "null",
            ops) == json::value(-2.5));
  CHECK(run(R"({"add_days": [{"var": "at"}, 2]})", R"({"at": "2026-02-27T08:00:00Z"})", ops) ==
        json::value("2026-03-01T08:00:00Z"));
  CHECK(run(R"({"add_days": ["2026-03-01", 0.5]})", "null", ops) ==
        json::value("2026-03-01T12:00:00Z"));
  // Instants are compared, offsets honoured: 10:00+02:00 is 08:00Z.
  CHECK(run(R"({"date_before": ["2026-03-01T10:00:00+02:00", "2026-03-01T08:00:00Z"]})", "null",
            ops) == json::value(false));
  CHECK(run(R"({"date_on_or_before": ["2026-03-01T10:00:00+02:00", "2026-03-01T08:00:00Z"]})",
            "null", ops) == json::value(true));
  CHECK(run(R"({"date_before": ["2026-02-28", "2026-03-01"]})", "null", ops) == json::value(true));

  const json::value invalid = json::parse(R"({"type": "Invalid Date"})");
  CHECK(rule_error(R"({"days_between": ["2026-02-30", "2026-03-01"]})", "null", ops) == invalid);
  CHECK(rule_error(R"({"date_before": [{"var": "missing"}, "2026-03-01"]})", "{}", ops) == invalid);
  CHECK(rule_error(R"({"add_days": ["yesterday", 1]})", "null", ops) == invalid);
  CHECK(run(R"({"try": [{"date_before": ["x", "y"]}, {"val": "type"}]})", "null", ops) ==
        json::value("Invalid Date"));
  // Not part of the standard operators, and arity is checked.
  CHECK_THROWS_AS(Rule::compile(json::parse(R"({"days_between": ["a", "b"]})")), Error);
  CHECK_THROWS_AS(Rule::compile(json::parse(R"({"days_between": ["a"]})"), ops), Error);
}

TEST_CASE("jsonlogic: a trace lists the paths read and the values found", "[jsonlogic][trace]") {
  const Rule rule = Rule::compile(json::parse(
      R"({"and": [{">=": [{"var": "payload.price"}, 10]}, {"var": "customer.tier"},
                  {"val": ["customer", "name"]}]})"));
  Trace trace;
  const json::value data = json::parse(R"({"payload": {"price": 12}, "customer": {}})");
  CHECK_FALSE(rule.test(data, {}, &trace));
  REQUIRE(trace.reads.size() == 2);  // `and` stopped at the missing tier
  CHECK(trace.reads[0].first == "payload.price");
  CHECK(trace.reads[0].second == json::value(12));
  CHECK(trace.reads[1].first == "customer.tier");
  CHECK(trace.reads[1].second.is_null());

  Trace all;
  (void)rule.evaluate(json::parse(R"({"payload": {"price": 12}, "customer": {"tier": "key",
                                      "name": "ACME"}})"),
                      {}, &all);
  REQUIRE(all.reads.size() == 3);
  CHECK(all.reads[2].first == "customer.name");
  CHECK(all.reads[2].second == json::value("ACME"));

  Trace missing;
  (void)Rule::compile(json::parse(R"({"missing": ["a", "b.c"]})"))
      .evaluate(json::parse(R"({"a": 1})"), {}, &missing);
  REQUIRE(missing.reads.size() == 2);
  CHECK(missing.reads[1].first == "b.c");
}

TEST_CASE("jsonlogic: one compiled rule evaluated from several threads", "[jsonlogic]") {
  const Rule rule = Rule::compile(json::parse(
      R"({"if": [{">": [{"var": "n"}, 50]}, {"cat": ["big ", {"var": "n"}]}, {"var": "name"}]})"));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&rule, &wrong, t] {
      for (int i = 0; i < 2'000; ++i) {
        json::object data;
        // Objects of different shapes, so the lookup hints keep changing.
        if ((i + t) % 2) data["pad"] = i;
        data["n"] = i % 100;
        data["name"] = "small";
        const json::value got = rule.evaluate(data);
        const json::value want =
            i % 100 > 50 ? json::value("big " + std::to_string(i % 100)) : json::value("small");
        if (got != want) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
}

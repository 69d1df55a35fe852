// The rule language: compile-time checks, limits, and independence from the source JSON.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "undertake/error.hpp"
#include "undertake/jsonlogic.hpp"

namespace json = boost::json;
using undertake::Error;
using undertake::ErrorKind;
using undertake::jsonlogic::Limits;
using undertake::jsonlogic::Operators;
using undertake::jsonlogic::Rule;
using undertake::jsonlogic::RuleError;

namespace {

/// Compiles `text` and returns the Error it raises (fails the test when it compiles).
Error compile_error(const std::string& text, std::string_view where = {}) {
  try {
    (void)Rule::compile(json::parse(text), Operators::standard(), where);
  } catch (const RuleError&) {
    FAIL("a RuleError, not a compile error");
  } catch (const Error& e) {
    return e;
  }
  FAIL("compiled: " << text);
  return Error(ErrorKind::invalid_rule, "", "");
}

/// {"!": [{"!": [... leaf ...]}]}, `levels` deep, built without recursion or copies.
json::value nested_not(int levels, json::value leaf = true) {
  json::value v = std::move(leaf);
  for (int i = 0; i < levels; ++i) {
    json::array args;
    args.push_back(std::move(v));
    json::object op;
    op.emplace("!", std::move(args));
    v = std::move(op);
  }
  return v;
}

}  // namespace

TEST_CASE("jsonlogic: an unknown operator is refused with its JSON path", "[jsonlogic]") {
  const Error e = compile_error(R"({"and": [true, {"foo": [1]}]})");
  CHECK(e.kind() == ErrorKind::invalid_rule);
  CHECK(e.where() == "/and/1/foo");
  CHECK(e.why().find("unknown operator \"foo\"") != std::string::npos);
}

TEST_CASE("jsonlogic: compile errors start with `where`", "[jsonlogic]") {
  const Error e = compile_error(R"({"if": [{"var": "a"}, {"bar": 1}, 2]})",
                                "rules/default/gates.json: /gates/intake.confirm/0/when");
  CHECK(e.kind() == ErrorKind::invalid_rule);
  CHECK(e.where() == "rules/default/gates.json: /gates/intake.confirm/0/when/if/1/bar");
  const std::string message = e.what();
  CHECK(message.find("rules/default/gates.json") != std::string::npos);
  CHECK(message.find("/if/1/bar") != std::string::npos);
}

TEST_CASE("jsonlogic: JSON-pointer escaping of operator names in paths", "[jsonlogic]") {
  const Error e = compile_error(R"({"/": [1, {"a/b~": 2}]})");
  CHECK(e.where() == "/~1/1/a~1b~0");
}

TEST_CASE("jsonlogic: malformed argument lists are refused at compile time", "[jsonlogic]") {
  struct Case {
    const char* rule;
    const char* where;
  };
  const Case cases[] = {
      {R"({"%": [1]})", "/%"},
      {R"({"-": []})", "/-"},
      {R"({">": [1]})", "/>"},
      {R"({"==": 5})", "/=="},
      {R"({"if": "apple"})", "/if"},
      {R"({"and": {"preserve": [true]}})", "/and"},
      {R"({"map": [{"var": "xs"}]})", "/map"},
      {R"({"map": [null, {"var": ""}]})", "/map/0"},
      {R"({"filter": [{"var": "xs"}, null]})", "/filter/1"},
      {R"({"reduce": [[1], {"var": ""}, 0, 1]})", "/reduce"},
      {R"({"var": ["a", 1, 2]})", "/var"},
      {R"({"var": [["a"]]})", "/var/0"},
      {R"({"val": [[1, 2], "a"]})", "/val/0"},
      {R"({"missing_some": [1]})", "/missing_some"},
      {R"({"or": [true, {"in": ["a"]}]})", "/or/1/in"},
  };
  for (const Case& c : cases) {
    INFO(c.rule);
    const Error e = compile_error(c.rule);
    CHECK(e.kind() == ErrorKind::invalid_rule);
    CHECK(e.where() == c.where);
  }
}

TEST_CASE("jsonlogic: errors that depend on data are raised when the rule runs", "[jsonlogic]") {
  // Constant folding must not turn a run-time error into a compile error: `try` can catch it.
  const Rule rule = Rule::compile(json::parse(R"({"try": [{"/": [1, 0]}, "caught"]})"));
  CHECK(rule.evaluate(nullptr) == json::value("caught"));
  const Rule nan = Rule::compile(json::parse(R"({"+": ["apple", 1]})"));
  try {
    (void)nan.evaluate(nullptr);
    FAIL("no error");
  } catch (const RuleError& e) {
    CHECK(e.kind() == ErrorKind::rule_failed);
    CHECK(e.value() == json::parse(R"({"type": "NaN"})"));
    CHECK(e.where() == "/+");
  }
}

TEST_CASE("jsonlogic: 10,000 levels of nesting give limit_exceeded, not a stack overflow",
          "[jsonlogic][limits]") {
  const json::value deep = nested_not(10'000);
  try {
    (void)Rule::compile(deep);
    FAIL("compiled");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::limit_exceeded);
    CHECK(e.why().find("max_depth") != std::string::npos);
  }
  // Deep array literals count as nesting too.
  json::value arrays = 1;
  for (int i = 0; i < 10'000; ++i) {
    json::array a;
    a.push_back(std::move(arrays));
    arrays = std::move(a);
  }
  CHECK_THROWS_AS(Rule::compile(arrays), Error);
}

TEST_CASE("jsonlogic: max_depth is checked again when a rule runs under tighter limits",
          "[jsonlogic][limits]") {
  Limits generous;
  generous.max_depth = 2'000;
  // The leaf is data, so the chain cannot be folded into a constant.
  const Rule rule = Rule::compile(nested_not(1'000, json::parse(R"({"var": "x"})")),
                                  Operators::standard(), {}, generous);
  CHECK(rule.evaluate(json::parse(R"({"x": 1})"), generous) == json::value(true));
  Limits tight;
  tight.max_depth = 100;
  try {
    (void)rule.evaluate(nullptr, tight);
    FAIL("evaluated");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::limit_exceeded);
  }
}

TEST_CASE("jsonlogic: a compiled rule does not need its source JSON", "[jsonlogic]") {
  Rule rule;
  CHECK(rule.evaluate(json::parse(R"({"a": 1})")).is_null());  // the default rule is `null`
  {
    json::value source = json::parse(
        R"({"if": [{">": [{"var": "qty"}, 10]}, {"cat": ["bulk ", {"var": "sku"}]},
                   {"preserve": {"kind": "single"}}]})");
    rule = Rule::compile(source);
    source = json::parse("null");  // the text the rule came from is gone
  }
  const Rule copy = rule;  // copies share the tree
  CHECK(rule.evaluate(json::parse(R"({"qty": 12, "sku": "A-7"})")) == json::value("bulk A-7"));
  CHECK(copy.evaluate(json::parse(R"({"qty": 1})")) == json::parse(R"({"kind": "single"})"));
  CHECK(rule.source().at("if").as_array().size() == 3);
}

TEST_CASE("jsonlogic: constant subtrees are computed once", "[jsonlogic]") {
  // The whole rule is constant: it must run with no steps beyond the tree itself.
  const Rule rule = Rule::compile(json::parse(R"({"*": [{"+": [1, 2]}, {"max": [4, 5]}]})"));
  Limits one_step;
  one_step.max_steps = 1;
  CHECK(rule.evaluate(nullptr, one_step) == json::value(15));
}

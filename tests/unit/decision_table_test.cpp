// Decision tables: unary tests, hit policies, aggregation, validation on load, errors at
// evaluation, and the index (a 10,000-row table gives the right hit for first, middle and last
// rows, for numbers and strings, with and without JsonLogic cells).
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "undertake/decision_table.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;
using undertake::DecisionTable;
using undertake::Error;
using undertake::HitPolicy;

namespace {

std::shared_ptr<const DecisionTable> table(std::string_view text) {
  return DecisionTable::compile("t", json::parse(text), "test.json");
}

/// A one-input, one-output table with the given hit policy and rows (cell → output).
std::shared_ptr<const DecisionTable> simple(
    std::string_view hit_policy, const std::vector<std::pair<json::value, json::value>>& rows,
    std::string_view type = "any", std::string_view extra = "") {
  json::array list;
  for (const auto& [cell, out] : rows)
    list.push_back(json::object{{"when", json::array{cell}}, {"then", json::array{out}}});
  std::string text = R"({"hit_policy": ")" + std::string(hit_policy) +
                     R"(", "inputs": [{"name": "x", "type": ")" + std::string(type) +
                     R"("}], "outputs": [{"name": "y")" + std::string(extra) + R"(}], "rules": )" +
                     json::serialize(list) + "}";
  return table(text);
}

std::vector<std::string> problems_of(std::string_view text) {
  std::vector<std::string> problems;
  DecisionTable::compile("t", json::parse(text), "test.json", "/tables/t", problems);
  return problems;
}

bool any_contains(const std::vector<std::string>& problems, std::string_view what) {
  for (const auto& p : problems)
    if (p.find(what) != std::string::npos) return true;
  return false;
}

json::value out(const DecisionTable& t, const json::value& inputs) {
  return t.evaluate(inputs).output;
}

}  // namespace

TEST_CASE("unary tests: comparisons, intervals, literals, lists, not() and any") {
  struct Case {
    const char* cell;
    json::value input;
    bool match;
  };
  const std::vector<Case> cases = {
      {"-", 5, true},
      {"-", nullptr, true},
      {"", "x", true},
      {"< 100", 99.99, true},
      {"< 100", 100, false},
      {"<= 100", 100, true},
      {"> 100", 100, false},
      {">= 100000", 100000, true},
      {">= 1e5", 99999, false},
      {"[100000..999999]", 100000, true},
      {"[100000..999999]", 999999, true},
      {"[100000..999999]", 999999.5, false},
      {"[1..5)", 5, false},
      {"(1..5]", 1, false},
      {"(1..5]", 5, true},
      {"]1..5[", 3, true},
      {"]1..5[", 5, false},
      {"[-5..-1]", -3, true},
      {"5", 5.0, true},
      {"5", "5", false},
      {"\"key\"", "key", true},
      {"key", "key", true},
      {"\"key\"", "regular", false},
      {"\"a\",\"b\"", "b", true},
      {"\"a\", \"b\"", "c", false},
      {"1, [5..9], > 100", 7, true},
      {"1, [5..9], > 100", 3, false},
      {"not(\"a\", \"b\")", "c", true},
      {"not(\"a\", \"b\")", "a", false},
      {"not([1..5])", 6, true},
      {"true", true, true},
      {"false", true, false},
      {"null", nullptr, true},
      {"< \"m\"", "apple", true},
      {"< \"m\"", "zebra", false},
      {"\"say \\\"hi\\\"\"", "say \"hi\"", true},
      {"質量", "質量", true},
  };
  for (const auto& c : cases) {
    INFO("cell " << c.cell << " with input " << json::serialize(c.input));
    const auto t = simple("FIRST", {{json::value(c.cell), true}}, "any", R"(, "default": false)");
    CHECK(t->evaluate(json::array{c.input}).hit() == c.match);
  }
}

TEST_CASE("JSON cells: numbers, booleans, null, lists of values, JsonLogic") {
  const auto t = table(R"({
    "hit_policy": "RULE ORDER",
    "inputs": [{"name": "x"}, {"name": "limit"}],
    "outputs": [{"name": "y"}],
    "rules": [
      {"id": "number", "when": [5, "-"], "then": ["number"]},
      {"id": "bool", "when": [true, "-"], "then": ["bool"]},
      {"id": "null", "when": [null, "-"], "then": ["null"]},
      {"id": "list", "when": [["a", 5, false], "-"], "then": ["list"]},
      {"id": "logic", "when": [{"<=": [{"var": "?"}, {"var": "limit"}]}, "-"], "then": ["logic"]}
    ]})");
  CHECK(out(*t, json::parse(R"({"x": 5, "limit": 10})")) ==
        json::parse(R"(["number", "list", "logic"])"));
  CHECK(out(*t, json::parse(R"({"x": 5, "limit": 1})")) == json::parse(R"(["number", "list"])"));
  CHECK(out(*t, json::parse(R"({"x": true})")) == json::parse(R"(["bool"])"));
  CHECK(out(*t, json::parse(R"({"x": false})")) ==
        json::parse(R"(["list", "logic"])"));  // false <= null
  CHECK(out(*t, json::parse(R"({"limit": 3})")) == json::parse(R"(["null", "logic"])"));
  CHECK(out(*t, json::parse(R"({"x": 6, "limit": 0})")) == json::array{});
}

TEST_CASE("hit policy UNIQUE: one answer; two matches are an error naming both rows") {
  const auto t = table(R"j({
    "hit_policy": "UNIQUE",
    "inputs": [{"name": "amount", "type": "number"}, {"name": "tier", "type": "string"}],
    "outputs": [{"name": "approvals", "type": "number"}],
    "rules": [
      {"id": "small", "when": ["< 100000", "-"], "then": [0]},
      {"id": "key", "when": [">= 100000", "\"key\""], "then": [1]},
      {"id": "regular", "when": [">= 100000", "not(\"key\")"], "then": [2]},
      {"id": "special", "when": [{"==": [{"var": "?"}, 424242]}, "-"], "then": [9]}
    ]
})j");
  CHECK(out(*t, json::parse(R"({"amount": 5, "tier": "key"})")) == 0);
  CHECK(out(*t, json::parse(R"({"amount": 200000, "tier": "key"})")) == 1);
  CHECK(out(*t, json::parse(R"({"amount": 200000, "tier": "regular"})")) == 2);
  CHECK(t->evaluate(json::parse(R"({"amount": 200000, "tier": "regular"})")).rows ==
        std::vector<std::size_t>{2});
  try {
    t->evaluate(json::parse(R"({"amount": 424242, "tier": "key"})"));
    FAIL("two matches in a UNIQUE table must be an error");
  } catch (const Error& e) {
    CHECK(e.kind() == undertake::ErrorKind::rule_failed);
    CHECK_THAT(e.what(), Catch::Contains("row 2 \"key\"") && Catch::Contains("row 4 \"special\"") &&
                             Catch::Contains("amount = 424242, tier = \"key\""));
  }
}

TEST_CASE("hit policy FIRST, no hit: the default, or an error naming the table and the inputs") {
  const auto t = simple("FIRST", {{json::value("> 10"), "big"}, {json::value("> 5"), "medium"}},
                        "number", R"(, "default": "small")");
  CHECK(out(*t, json::array{20}) == "big");
  CHECK(out(*t, json::array{7}) == "medium");
  CHECK(out(*t, json::array{1}) == "small");
  CHECK_FALSE(t->evaluate(json::array{1}).hit());
  // Without a default, no answer is an error (a gate reading the table fails closed), never null.
  const auto no_default = simple("FIRST", {{json::value("> 10"), "big"}});
  try {
    (void)no_default->evaluate(json::array{1});
    FAIL("no row matched: must be an error");
  } catch (const Error& e) {
    CHECK(e.kind() == undertake::ErrorKind::rule_failed);
    CHECK(e.where() == "test.json: /");
    CHECK(e.why() ==
          "table \"t\": no row matched x = 1 (hit policy FIRST, and the outputs have no default)");
  }
  for (const char* policy : {"UNIQUE", "ANY", "PRIORITY"}) {
    INFO(policy);
    const auto u = simple(policy, {{json::value("> 10"), "big"}}, "number",
                          std::string(policy) == "PRIORITY" ? R"(, "values": ["big"])" : "");
    CHECK_THROWS_WITH(u->evaluate(json::array{1}), Catch::Contains("no row matched x = 1"));
    CHECK(out(*u, json::array{11}) == "big");
  }
}

TEST_CASE("defaults: every output or none; never on COLLECT tables that answer [] or 0") {
  const auto two = table(R"({"inputs": [{"name": "amount", "type": "number"}],
    "outputs": [{"name": "approvals", "default": 2}, {"name": "who", "default": "board"}],
    "rules": [{"when": ["< 100"], "then": [0, "nobody"]}]})");
  CHECK(out(*two, 50) == json::parse(R"({"approvals": 0, "who": "nobody"})"));
  CHECK(out(*two, 500) == json::parse(R"({"approvals": 2, "who": "board"})"));
  CHECK(two->gaps().empty());  // a default covers every input
  const auto partial = problems_of(R"({"inputs": [{"name": "x"}],
    "outputs": [{"name": "a", "default": 1}, {"name": "b"}], "rules": []})");
  REQUIRE(partial.size() == 1);
  CHECK(partial[0] ==
        "test.json: /tables/t/outputs/1: output \"b\" has no default while others have one: the "
        "answer when no row matches needs a default for every output (or none, to refuse such "
        "inputs)");
  const auto collect = problems_of(R"({"hit_policy": "COLLECT", "inputs": [{"name": "x"}],
    "outputs": [{"name": "a", "default": 1}], "rules": []})");
  REQUIRE(collect.size() == 1);
  CHECK_THAT(collect[0], Catch::Contains("/tables/t/outputs/0/default: a COLLECT table answers [] "
                                         "when no row matches: the default is never used"));
}

TEST_CASE("inputs: integer type and declared values, checked on every evaluation") {
  const auto t = table(R"({"inputs": [{"name": "score", "type": "integer", "values": "[1..25]"},
                                      {"name": "tier", "type": "string", "values": ["key", "regular"]}],
    "outputs": [{"name": "level"}],
    "rules": [{"when": ["[1..9]", "-"], "then": ["low"]}, {"when": ["[10..25]", "-"], "then": ["high"]}]})");
  CHECK(out(*t, json::parse(R"({"score": 9, "tier": "key"})")) == "low");
  CHECK(out(*t, json::parse(R"({"score": 10.0, "tier": "regular"})")) == "high");
  CHECK_THROWS_WITH(t->evaluate(json::parse(R"({"score": 9.5, "tier": "key"})")),
                    Catch::Contains("input \"score\" must be an integer, got 9.5"));
  CHECK_THROWS_WITH(t->evaluate(json::parse(R"({"score": 26, "tier": "key"})")),
                    Catch::Contains("input \"score\" = 26 is not among its values [1..25]"));
  CHECK_THROWS_WITH(
      t->evaluate(json::parse(R"({"score": 3, "tier": "vip"})")),
      Catch::Contains("input \"tier\" = \"vip\" is not among its values [\"key\",\"regular\"]"));
  CHECK(t->inputs()[0].values == "[1..25]");
  CHECK(t->gaps().empty());
  const auto problems = problems_of(R"({"inputs": [{"name": "a", "values": "-"},
      {"name": "b", "values": {"<": [{"var": "?"}, 3]}}, {"name": "c", "type": "number", "values": "\"x\""}],
    "outputs": [{"name": "y"}], "rules": []})");
  CHECK(any_contains(problems, "/tables/t/inputs/0/values: \"-\" allows every value"));
  CHECK(any_contains(problems, "/tables/t/inputs/1/values: the values of an input are literals"));
  CHECK(any_contains(problems, "/tables/t/inputs/2/values: a test of another type"));
}

TEST_CASE("hit policy PRIORITY: the output listed first in `values` wins") {
  const auto t = table(R"({
    "hit_policy": "PRIORITY",
    "inputs": [{"name": "score", "type": "number"}, {"name": "category"}],
    "outputs": [{"name": "level", "type": "string", "values": ["critical", "high", "medium", "low"]}],
    "rules": [
      {"when": ["[1..25]", "-"], "then": ["low"]},
      {"when": [">= 10", "-"], "then": ["high"]},
      {"when": ["-", "\"legal\""], "then": ["critical"]},
      {"when": [">= 5", "-"], "then": ["medium"]}
    ]})");
  CHECK(out(*t, json::parse(R"({"score": 3, "category": "market"})")) == "low");
  CHECK(out(*t, json::parse(R"({"score": 7, "category": "market"})")) == "medium");
  CHECK(out(*t, json::parse(R"({"score": 12, "category": "market"})")) == "high");
  CHECK(out(*t, json::parse(R"({"score": 12, "category": "legal"})")) == "critical");
  CHECK(t->evaluate(json::parse(R"({"score": 12, "category": "market"})")).rows ==
        std::vector<std::size_t>{1});
}

TEST_CASE("hit policy ANY: agreeing matches are fine, disagreeing ones an error") {
  // JsonLogic cells escape the overlap check on load: the disagreement is found when it happens.
  const json::value over100 = json::parse(R"({">": [{"var": "?"}, 100]})");
  const auto t =
      simple("ANY", {{json::value("> 0"), "yes"}, {json::value("> 10"), "yes"}, {over100, "no"}});
  CHECK(out(*t, json::array{50}) == "yes");
  CHECK_THROWS_WITH(t->evaluate(json::array{500}),
                    Catch::Contains("ANY") && Catch::Contains("row 1") && Catch::Contains("row 3"));
}

TEST_CASE("hit policies COLLECT (sum, min, max, count, list) and RULE ORDER") {
  const std::vector<std::pair<json::value, json::value>> rows = {
      {json::value("> 0"), 10}, {json::value("> 5"), 2.5}, {json::value("> 50"), 40}};
  const auto list = simple("COLLECT", rows);
  CHECK(out(*list, json::array{60}) == json::parse("[10, 2.5, 40]"));
  CHECK(out(*list, json::array{-1}) == json::array{});
  auto with = [&](const char* aggregation) {
    json::array l;
    for (const auto& [cell, o] : rows)
      l.push_back(json::object{{"when", json::array{cell}}, {"then", json::array{o}}});
    return table(
        R"({"hit_policy": "COLLECT", "aggregation": ")" + std::string(aggregation) +
        R"(", "inputs": [{"name": "x"}], "outputs": [{"name": "y", "type": "number"}], "rules": )" +
        json::serialize(l) + "}");
  };
  CHECK(out(*with("sum"), json::array{60}).to_number<double>() == Approx(52.5));
  CHECK(out(*with("sum"), json::array{3}) == 10);
  CHECK(out(*with("sum"), json::array{-3}) == 0);
  CHECK(out(*with("min"), json::array{60}).to_number<double>() == Approx(2.5));
  CHECK(out(*with("max"), json::array{60}) == 40);
  CHECK_THROWS_WITH(out(*with("max"), json::array{-3}),
                    Catch::Contains("no row matched x = -3 (COLLECT max of no rows"));
  CHECK(out(*with("count"), json::array{60}) == 3);
  CHECK(out(*with("COUNT"), json::array{6}) == 2);
  const auto ordered = simple("RULE ORDER", rows);
  CHECK(out(*ordered, json::array{6}) == json::parse("[10, 2.5]"));
}

TEST_CASE("several outputs answer an object; rows may be written by column name") {
  const auto t = table(R"({
    "hit_policy": "FIRST",
    "inputs": [{"name": "tier", "type": "string"}, {"name": "amount", "type": "number"}],
    "outputs": [{"name": "discount", "type": "number"}, {"name": "approver", "type": "string"}],
    "rules": [
      {"when": {"tier": "key", "amount": ">= 1000"}, "then": {"discount": 0.1, "approver": "sales"}},
      {"when": {"amount": "< 1000"}, "then": [0, "none"]}
    ]})");
  CHECK(out(*t, json::parse(R"({"tier": "key", "amount": 5000})")) ==
        json::parse(R"({"discount": 0.1, "approver": "sales"})"));
  CHECK(out(*t, json::parse(R"({"tier": "regular", "amount": 10})")) ==
        json::parse(R"({"discount": 0, "approver": "none"})"));
  CHECK(t->evaluate(json::parse(R"(["key", 5000])")).rows == std::vector<std::size_t>{0});
}

TEST_CASE("inputs: by name, in column order, or a single value; types are checked") {
  const auto t =
      simple("UNIQUE", {{json::value("< 10"), "low"}, {json::value(">= 10"), "high"}}, "number");
  CHECK(out(*t, json::parse(R"({"x": 3, "other": "ignored"})")) == "low");
  CHECK(out(*t, json::array{30}) == "high");
  CHECK(out(*t, 30) == "high");
  const json::value values[] = {json::value(3)};
  CHECK(t->evaluate_values(values, 1).output == "low");
  CHECK_THROWS_WITH(t->evaluate(json::object{}),
                    Catch::Contains("input \"x\" must be a number, got null"));
  CHECK_THROWS_WITH(t->evaluate(json::array{"3"}), Catch::Contains("must be a number, got \"3\""));
  CHECK_THROWS_WITH(t->evaluate(json::array{1, 2}), Catch::Contains("takes 1 input (x), got 2"));
}

TEST_CASE("validation on load: every problem with file, JSON path and reason") {
  const auto problems = problems_of(R"({
    "hit_policy": "SOMETIMES",
    "aggregation": "sum",
    "inputs": [{"name": "amount", "type": "number"}, {"name": "amount"}, {"name": "a.b", "type": "decimal"}],
    "outputs": [{"name": "y", "type": "number", "values": [1, 2]}],
    "rules": [
      {"when": ["[10..5]", "-", "-"], "then": [1]},
      {"when": ["> x", "-", "-"], "then": [3]},
      {"when": ["-", "-"], "then": ["one"]},
      {"when": {"amount": "< 1", "nope": "-"}, "then": [1], "extra": true},
      {"when": ["\"text\"", "-", {"frobnicate": [1]}], "then": [2]}
    ]})");
  for (const auto& p : problems) INFO(p);
  CHECK(any_contains(problems, "test.json: /tables/t/hit_policy: expected \"UNIQUE\""));
  CHECK(any_contains(problems, "/tables/t/aggregation: only a COLLECT table aggregates"));
  CHECK(any_contains(problems, "/tables/t/inputs/1/name: duplicate column name \"amount\""));
  CHECK(any_contains(problems, "/tables/t/inputs/2/name: a column name is a word"));
  CHECK(any_contains(problems, "/tables/t/inputs/2/type: expected \"number\""));
  CHECK(any_contains(problems, "/tables/t/rules/0/when/0: the interval is empty"));
  CHECK(any_contains(problems, "/tables/t/rules/1/when/0: a comparison needs a number"));
  CHECK(any_contains(problems,
                     "/tables/t/rules/1/then/0: 3 is not one of the values of output \"y\""));
  CHECK(any_contains(
      problems, "/tables/t/rules/2/when: expected 3 input entries (amount, amount, a.b), got 2"));
  CHECK(any_contains(problems, "/tables/t/rules/2/then/0: output \"y\" is a number, got \"one\""));
  CHECK(any_contains(problems, "/tables/t/rules/3/extra: unknown field"));
  CHECK(any_contains(problems, "/tables/t/rules/3/when/nope: not an input column"));
  CHECK(any_contains(problems,
                     "/tables/t/rules/4/when/0: a test of another type in the number column"));
  CHECK(any_contains(problems, "/tables/t/rules/4/when/2: JsonLogic cell"));
  CHECK(
      any_contains(problems_of(R"({"inputs": [{"name": "x", "type": "number"}],
    "outputs": [{"name": "y"}], "rules": [{"when": ["< 1e400"], "then": [1]}]})"),
                   "/tables/t/rules/0/when/0: a number beyond the range of double in \"< 1e400\""));
  CHECK(any_contains(problems, "unknown operator \"frobnicate\""));
  CHECK_THROWS_AS(table(R"({"inputs": [], "outputs": [], "rules": []})"), Error);
}

TEST_CASE("validation on load: overlapping rows of UNIQUE tables, with an input both match") {
  auto one = [](std::string_view a, std::string_view b, std::string_view policy = "UNIQUE") {
    return problems_of(R"({"hit_policy": ")" + std::string(policy) +
                       R"(", "inputs": [{"name": "amount", "type": "number"}],
      "outputs": [{"name": "n"}], "rules": [{"id": "a", "when": [")" +
                       std::string(a) + R"("], "then": [1]}, {"id": "b", "when": [")" +
                       std::string(b) + R"("], "then": [2]}]})");
  };
  CHECK(one("< 100000", "[100000..999999]").empty());
  CHECK(one("[100000..999999]", ">= 1000000").empty());
  CHECK(one("[1..5)", "[5..9]").empty());
  CHECK(one("(1..5]", "(5..9]").empty());
  const auto touching = one("[1..5]", "[5..9]");
  REQUIRE(touching.size() == 1);
  CHECK(touching[0] ==
        "test.json: /tables/t/rules/1: overlaps row 1 \"a\" in a UNIQUE table: both match amount = "
        "5");
  CHECK_THAT(one("> 10", "< 20")[0], Catch::Contains("both match amount = 15"));
  CHECK_THAT(one("-", "7")[0], Catch::Contains("both match amount = 7"));
  CHECK(one("1, 2, 3", "4, 5").empty());
  CHECK_THAT(one("1, 2, 3", "3, 4")[0], Catch::Contains("amount = 3"));
  CHECK(one("[1..5]", "[5..9]", "FIRST").empty());  // overlaps are what FIRST is for
  CHECK_THAT(one("[1..5]", "[5..9]", "ANY")[0], Catch::Contains("with a different output"));
  CHECK(problems_of(R"({"hit_policy": "ANY", "inputs": [{"name": "x"}], "outputs": [{"name": "n"}],
    "rules": [{"when": ["> 0"], "then": [1]}, {"when": ["> 5"], "then": [1]}]})")
            .empty());
  // Two columns: rows overlap only when every column does.
  const auto two =
      problems_of(R"({"inputs": [{"name": "a", "type": "number"}, {"name": "t", "type": "string"}],
    "outputs": [{"name": "n"}], "rules": [
      {"when": ["< 10", "x"], "then": [1]}, {"when": ["< 10", "y"], "then": [2]},
      {"when": ["[5..20]", "x, z"], "then": [3]}]})");
  REQUIRE(two.size() == 1);
  CHECK_THAT(two[0], Catch::Contains(
                         "rules/2: overlaps row 1 in a UNIQUE table: both match a = 5, t = \"x\""));
}

TEST_CASE("a 10,000-row table answers first, middle and last rows (indexed numeric intervals)") {
  json::array rows;
  for (int i = 0; i < 10000; ++i)
    rows.push_back(json::object{{"id", "r" + std::to_string(i)},
                                {"when", json::array{"[" + std::to_string(i * 10) + ".." +
                                                     std::to_string(i * 10 + 10) + ")"}},
                                {"then", json::array{i}}});
  json::object def{{"hit_policy", "UNIQUE"},
                   {"inputs", json::array{json::object{{"name", "x"}, {"type", "number"}}}},
                   {"outputs", json::array{json::object{{"name", "row"}}}},
                   {"rules", std::move(rows)}};
  const auto t = DecisionTable::compile("big", def, "test");
  for (int i : {0, 1, 4999, 5000, 9998, 9999}) {
    for (double x : {i * 10.0, i * 10.0 + 5, i * 10.0 + 9.999}) {
      const auto r = t->evaluate(json::array{x});
      INFO("x = " << x);
      REQUIRE(r.rows == std::vector<std::size_t>{static_cast<std::size_t>(i)});
      CHECK(r.output == i);
    }
  }
  CHECK_THROWS_WITH(t->evaluate(json::array{-1}), Catch::Contains("no row matched x = -1"));
  CHECK_THROWS_WITH(t->evaluate(json::array{100000}), Catch::Contains("no row matched x = 100000"));
  CHECK(t->find_row("r5000") == 5000);
  const auto gaps = t->gaps();
  REQUIRE(gaps.size() == 2);
  CHECK_THAT(gaps[0], Catch::EndsWith("/rules: no row covers x < 0 (an input there is refused: add "
                                      "a row, or give the outputs a default)"));
  CHECK_THAT(gaps[1], Catch::Contains("no row covers x >= 100000 ("));
}

TEST_CASE("a 10,000-row table of keys, with catch-all and JsonLogic rows, answers in row order") {
  json::array rows;
  rows.push_back(json::object{
      {"id", "vip"},
      {"when",
       json::array{json::object{{"==", json::array{json::object{{"var", "?"}}, "K9999"}}}, "-"}},
      {"then", json::array{"vip"}}});
  for (int i = 0; i < 10000; ++i)
    rows.push_back(json::object{{"when", json::array{"\"K" + std::to_string(i) + "\"",
                                                     "[" + std::to_string(i) + "..100000]"}},
                                {"then", json::array{"K" + std::to_string(i)}}});
  rows.push_back(json::object{
      {"id", "other"}, {"when", json::array{"-", "-"}}, {"then", json::array{"other"}}});
  json::object def{{"hit_policy", "FIRST"},
                   {"inputs", json::array{json::object{{"name", "key"}, {"type", "string"}},
                                          json::object{{"name", "n"}, {"type", "number"}}}},
                   {"outputs", json::array{json::object{{"name", "out"}}}},
                   {"rules", std::move(rows)}};
  const auto t = DecisionTable::compile("keys", def, "test");
  CHECK(t->evaluate(json::parse(R"({"key": "K0", "n": 5})")).output == "K0");
  CHECK(t->evaluate(json::parse(R"({"key": "K5000", "n": 5000})")).output == "K5000");
  CHECK(t->evaluate(json::parse(R"({"key": "K5000", "n": 4999})")).output == "other");
  CHECK(t->evaluate(json::parse(R"({"key": "K9998", "n": 99999})")).output == "K9998");
  CHECK(t->evaluate(json::parse(R"({"key": "K9999", "n": 1})")).output == "vip");
  CHECK(t->evaluate(json::parse(R"({"key": "nope", "n": 1})")).rows ==
        std::vector<std::size_t>{10001});
}

TEST_CASE("explain: table, inputs, matched rows with their cells, output") {
  const auto t = table(R"({"inputs": [{"name": "amount", "type": "number"}],
    "outputs": [{"name": "approvals"}],
    "rules": [{"id": "small", "when": ["< 100"], "then": [0]}, {"id": "big", "description": "100 and more", "when": [">= 100"], "then": [1]}]})");
  const json::value inputs = json::parse(R"({"amount": 150})");
  const auto e = t->explain(t->input_object(inputs), t->evaluate(inputs));
  CHECK(e == json::parse(R"({"table": "t", "hit_policy": "UNIQUE", "inputs": {"amount": 150},
    "matched": [{"row": 2, "id": "big", "description": "100 and more", "when": {"amount": ">= 100"}, "output": 1}],
    "output": 1})"));
  CHECK(t->row_label(1) == "row 2 \"big\"");
  CHECK(t->find_row("2") == 1);
  CHECK(t->find_row("small") == 0);
  CHECK(t->find_row("3") == DecisionTable::npos);
  CHECK(t->hit_policy() == HitPolicy::unique);
}

namespace {

/// The gaps of a table with the given inputs and rows (one output "n"), without the file, path
/// and advice around each message: "amount in [100000, 200000)".
std::vector<std::string> gaps_of(std::string_view inputs, std::string_view rows,
                                 std::string_view hit_policy = "UNIQUE") {
  const auto t = table(R"j({"hit_policy": ")j" + std::string(hit_policy) + R"j(", "inputs": )j" +
                       std::string(inputs) + R"j(, "outputs": [{"name": "n"}], "rules": )j" +
                       std::string(rows) + "}");
  std::vector<std::string> out;
  for (const auto& g : t->gaps()) {
    const std::string head = "test.json: /rules: no row covers ";
    const std::string tail =
        " (an input there is refused: add a row, or give the outputs a default)";
    if (g.rfind(head, 0) == 0 && g.size() > head.size() + tail.size() &&
        g.compare(g.size() - tail.size(), tail.size(), tail) == 0)
      out.push_back(g.substr(head.size(), g.size() - head.size() - tail.size()));
    else
      out.push_back(g);
  }
  return out;
}

using Gaps = std::vector<std::string>;

}  // namespace

TEST_CASE("gaps: one number column, the authority matrix with a row moved") {
  const std::string amount = R"j([{"name": "amount", "type": "number"}])j";
  CHECK(gaps_of(amount, R"j([{"when": ["< 100000"], "then": [0]},
    {"when": ["[100000..1000000)"], "then": [1]}, {"when": [">= 1000000"], "then": [2]}])j")
            .empty());
  CHECK(gaps_of(amount, R"j([{"when": ["< 100000"], "then": [0]},
    {"when": ["[200000..1000000)"], "then": [1]}, {"when": [">= 1000000"], "then": [2]}])j") ==
        Gaps{"amount in [100000, 200000)"});
  // Ends open and closed, points, unbounded sides, lists of values.
  CHECK(
      gaps_of(amount, R"j([{"when": ["(0..10)"], "then": [0]}, {"when": ["[20..30)"], "then": [1]},
    {"when": ["10, 15, 30"], "then": [2]}])j") ==
      Gaps{"amount <= 0", "amount in (10, 15)", "amount in (15, 20)", "amount > 30"});
  CHECK(gaps_of(amount, R"j([{"when": ["< 5"], "then": [0]}, {"when": ["> 5"], "then": [1]}])j") ==
        Gaps{"amount = 5"});
  CHECK(gaps_of(amount, "[]") == Gaps{"any amount"});
}

TEST_CASE("gaps: integers and declared values bound what can come") {
  CHECK(gaps_of(R"j([{"name": "score", "type": "integer", "values": "[1..25]"}])j",
                R"j([{"when": ["[1..4]"], "then": [0]}, {"when": ["[5..9]"], "then": [1]},
    {"when": ["[10..15]"], "then": [2]}, {"when": ["[16..25]"], "then": [3]}])j")
            .empty());
  CHECK(gaps_of(R"j([{"name": "score", "type": "integer", "values": "[1..25]"}])j",
                R"j([{"when": ["[1..4]"], "then": [0]}, {"when": ["[6..9]"], "then": [1]},
    {"when": ["[10..20)"], "then": [2]}])j") == Gaps{"score = 5", "score in [20, 25]"});
  // Without the integer type, (4, 5) is a gap; without values, so are the numbers beyond.
  CHECK(gaps_of(R"j([{"name": "score", "type": "number"}])j",
                R"j([{"when": ["[1..4]"], "then": [0]}, {"when": ["[5..9]"], "then": [1]}])j") ==
        Gaps{"score < 1", "score in (4, 5)", "score > 9"});
  CHECK(gaps_of(R"j([{"name": "score", "type": "integer"}])j",
                R"j([{"when": ["< 1.5"], "then": [0]}, {"when": ["> 2.5"], "then": [1]}])j") ==
        Gaps{"score = 2"});
}

TEST_CASE("gaps: strings, booleans and not(): the values a column names and any other") {
  const std::string tier = R"j([{"name": "tier", "type": "string"}])j";
  CHECK(
      gaps_of(tier, R"j([{"when": ["key"], "then": [0]}, {"when": ["regular"], "then": [1]}])j") ==
      Gaps{"tier = a string other than \"key\", \"regular\""});
  CHECK(gaps_of(tier, R"j([{"when": ["key"], "then": [0]}, {"when": ["not(key)"], "then": [1]}])j")
            .empty());
  CHECK(gaps_of(tier, R"j([{"when": ["not(key, vip)"], "then": [1]}])j") ==
        Gaps{"tier = \"key\"", "tier = \"vip\""});
  CHECK(gaps_of(R"j([{"name": "tier", "type": "string", "values": ["key", "regular"]}])j",
                R"j([{"when": ["key"], "then": [0]}, {"when": ["regular"], "then": [1]}])j")
            .empty());
  CHECK(gaps_of(R"j([{"name": "tier", "type": "string", "values": ["key", "regular", "vip"]}])j",
                R"j([{"when": ["key"], "then": [0]}, {"when": ["regular"], "then": [1]}])j") ==
        Gaps{"tier = \"vip\""});
  CHECK(gaps_of(R"j([{"name": "flag", "type": "boolean"}])j",
                R"j([{"when": [true], "then": [0]}])j") == Gaps{"flag = false"});
  CHECK(gaps_of(R"j([{"name": "x"}])j", R"j([{"when": ["< 0"], "then": [0]},
    {"when": [">= 0"], "then": [1]}, {"when": [null], "then": [2]}])j") ==
        Gaps{"x = a value other than a number, null"});
}

TEST_CASE("gaps: several columns, per combination, named in column order") {
  const std::string two =
      R"j([{"name": "amount", "type": "number"}, {"name": "tier", "type": "string", "values": ["key", "regular"]}])j";
  CHECK(gaps_of(two, R"j([{"when": ["< 100000", "-"], "then": [0]},
    {"when": ["[100000..1000000)", "-"], "then": [1]},
    {"when": [">= 1000000", "key"], "then": [2]},
    {"when": [">= 1000000", "regular"], "then": [3]}])j")
            .empty());
  CHECK(gaps_of(two, R"j([{"when": ["< 100000", "-"], "then": [0]},
    {"when": ["[200000..1000000)", "-"], "then": [1]},
    {"when": ["[100000..200000)", "key"], "then": [1]},
    {"when": [">= 1000000", "key"], "then": [2]}])j") ==
        Gaps{"amount in [100000, 200000) with tier = \"regular\"",
             "amount >= 1000000 with tier = \"regular\""});
  // A third column: the gap is named with every column the sweep fixed.
  const std::string three = R"j([{"name": "a", "type": "boolean"}, {"name": "b", "type": "boolean"},
    {"name": "c", "type": "number"}])j";
  CHECK(gaps_of(three, R"j([{"when": [true, "-", "-"], "then": [0]},
    {"when": [false, true, "-"], "then": [1]}, {"when": [false, false, "< 0"], "then": [2]}])j") ==
        Gaps{"a = false with b = false and c >= 0"});
}

TEST_CASE("gaps: cells the check cannot analyse count as covering; tables that need not match") {
  const std::string x = R"j([{"name": "x", "type": "number"}])j";
  // A JsonLogic cell may cover what is left: no gap is claimed for it.
  CHECK(gaps_of(x, R"j([{"when": ["< 10"], "then": [0]},
    {"when": [{">=": [{"var": "?"}, 10]}], "then": [1]}])j")
            .empty());
  CHECK(
      gaps_of(R"j([{"name": "s", "type": "string"}])j", R"j([{"when": ["< \"m\""], "then": [0]}])j")
          .empty());
  // FIRST, PRIORITY and ANY must match too; COLLECT and RULE ORDER answer [] when nothing does.
  const std::string rows = R"j([{"when": ["> 0"], "then": [1]}])j";
  CHECK(gaps_of(x, rows, "FIRST") == Gaps{"x <= 0"});
  CHECK(gaps_of(x, rows, "ANY") == Gaps{"x <= 0"});
  CHECK(gaps_of(x, rows, "COLLECT").empty());
  CHECK(gaps_of(x, rows, "RULE ORDER").empty());
}

TEST_CASE("gaps: at most 10 listed, and one line saying there are more") {
  json::array rows;
  for (int i = 0; i < 50; ++i)
    rows.push_back(
        json::object{{"when", json::array{std::to_string(2 * i)}}, {"then", json::array{i}}});
  const auto g = gaps_of(R"j([{"name": "x", "type": "integer", "values": "[0..99]"}])j",
                         json::serialize(rows));
  REQUIRE(g.size() == 11);
  CHECK(g[0] == "x = 1");
  CHECK(g[9] == "x = 19");
  CHECK(g[10] == "test.json: /rules: more inputs no row covers (not listed)");
}

TEST_CASE("gaps and overlaps of 100,000-row tables are found by the sweep") {
  // Adjacent intervals with one row left out, and a second column of keys with one duplicate.
  json::array rows;
  for (int i = 0; i < 100000; ++i) {
    if (i == 61234) continue;
    rows.push_back(json::object{{"when", json::array{"[" + std::to_string(i * 10) + ".." +
                                                     std::to_string(i * 10 + 10) + ")"}},
                                {"then", json::array{i}}});
  }
  CHECK(gaps_of(R"j([{"name": "x", "type": "number", "values": "[0..1000000)"}])j",
                json::serialize(rows)) == Gaps{"x in [612340, 612350)"});
  json::array keys;
  for (int i = 0; i < 100000; ++i)
    keys.push_back(json::object{
        {"when", json::array{"\"k" + std::to_string(i == 99999 ? 4242 : i) + "\"", "-"}},
        {"then", json::array{i}}});
  const auto problems = problems_of(
      R"j({"inputs": [{"name": "key", "type": "string"}, {"name": "n", "type": "number"}],
          "outputs": [{"name": "y"}], "rules": )j" +
      json::serialize(keys) + "}");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] ==
        "test.json: /tables/t/rules/99999: overlaps row 4243 in a UNIQUE table: both match key = "
        "\"k4242\", n = 0");
}

TEST_CASE("overlaps: not(), integers and declared values are understood") {
  auto overlaps = [](std::string_view input, std::string_view a, std::string_view b) {
    return problems_of(R"j({"inputs": [)j" + std::string(input) +
                       R"j(], "outputs": [{"name": "n"}], "rules": [{"when": [)j" + std::string(a) +
                       R"j(], "then": [1]}, {"when": [)j" + std::string(b) +
                       R"j(], "then": [2]}]})j");
  };
  const std::string number = R"j({"name": "x", "type": "number"})j";
  CHECK(overlaps(number, R"j("not(1)")j", R"j("1")j").empty());
  CHECK_THAT(overlaps(number, R"j("not(1)")j", R"j("2")j")[0], Catch::Contains("both match x = 2"));
  const std::string integer = R"j({"name": "x", "type": "integer"})j";
  CHECK(overlaps(integer, R"j("[1..4.5]")j", R"j("[4.2..9]")j").empty());
  CHECK_THAT(overlaps(integer, R"j("[1..5.5]")j", R"j("[4.2..9]")j")[0],
             Catch::Contains("both match x = 5"));
  const std::string bounded = R"j({"name": "x", "type": "number", "values": "[0..10]"})j";
  CHECK(overlaps(bounded, R"j("< 0")j", R"j("< 1")j").empty());  // they meet below 0 only
  CHECK_THAT(overlaps(bounded, R"j("< 1")j", R"j("< 2")j")[0], Catch::Contains("both match x = 0"));
  CHECK(overlaps(bounded, R"j("< 0")j", R"j("> 10, < -1")j").empty());
}

TEST_CASE("gaps and overlaps agree with trying every input (random tables over finite domains)") {
  // Columns with finite declared domains, so that every input can be tried: the sweep must find
  // a gap exactly when some input matches no row, and an overlap exactly when one matches two.
  std::mt19937 random(20261201);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  auto number_cell = [&]() -> json::value {
    const int a = static_cast<int>(pick(10));
    const int b = a + static_cast<int>(pick(10 - static_cast<std::size_t>(a)));
    switch (pick(7)) {
      case 0:
        return "-";
      case 1:
        return json::string("< " + std::to_string(a));
      case 2:
        return json::string(">= " + std::to_string(a));
      case 3:
        return json::string("[" + std::to_string(a) + ".." + std::to_string(b) + "]");
      case 4:
        return json::string("not(" + std::to_string(a) + ")");
      case 5:
        return json::string(std::to_string(a) + ", " + std::to_string(b));
      default:
        return a;
    }
  };
  auto string_cell = [&]() -> json::value {
    const char* cells[] = {"-", "a", "b", "not(a)", "a, c", "not(b, c)"};
    return cells[pick(6)];
  };
  auto bool_cell = [&]() -> json::value {
    const json::value cells[] = {"-", true, false};
    return cells[pick(3)];
  };
  const json::array inputs = json::parse(R"j([
      {"name": "n", "type": "integer", "values": "[0..9]"},
      {"name": "s", "type": "string", "values": ["a", "b", "c"]},
      {"name": "f", "type": "boolean"}])j")
                                 .as_array();
  for (int round = 0; round < 300; ++round) {
    json::array rows;
    const std::size_t count = 1 + pick(6);
    for (std::size_t r = 0; r < count; ++r)
      rows.push_back(json::object{{"when", json::array{number_cell(), string_cell(), bool_cell()}},
                                  {"then", json::array{static_cast<int>(r)}}});
    auto definition = [&](const char* policy) {
      return json::object{{"hit_policy", policy},
                          {"inputs", inputs},
                          {"outputs", json::array{json::object{{"name", "row"}}}},
                          {"rules", rows}};
    };
    const auto all = DecisionTable::compile("t", definition("RULE ORDER"), "test.json");
    std::size_t uncovered = 0;
    std::size_t doubled = 0;
    for (int n = 0; n <= 9; ++n)
      for (const char* s : {"a", "b", "c"})
        for (bool f : {false, true}) {
          const auto hits = all->evaluate(json::array{n, s, f}).rows.size();
          uncovered += hits == 0 ? 1 : 0;
          doubled += hits >= 2 ? 1 : 0;
        }
    INFO("rows " << json::serialize(rows));
    const auto first = DecisionTable::compile("t", definition("FIRST"), "test.json");
    CHECK(first->gaps().empty() == (uncovered == 0));
    std::vector<std::string> problems;
    DecisionTable::compile("t", definition("UNIQUE"), "test.json", "", problems);
    CHECK(problems.empty() == (doubled == 0));
  }
}

// Decision tables: unary tests, hit policies, aggregation, validation on load, errors at
// evaluation, and the index (a 10,000-row table gives the right hit for first, middle and last
// rows, for numbers and strings, with and without JsonLogic cells).
#include <boost/json.hpp>

#include <catch2/catch.hpp>

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
    const auto t = simple("FIRST", {{json::value(c.cell), true}});
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

TEST_CASE("hit policy FIRST, no hit, defaults") {
  const auto t = simple("FIRST", {{json::value("> 10"), "big"}, {json::value("> 5"), "medium"}},
                        "number", R"(, "default": "small")");
  CHECK(out(*t, json::array{20}) == "big");
  CHECK(out(*t, json::array{7}) == "medium");
  CHECK(out(*t, json::array{1}) == "small");
  CHECK_FALSE(t->evaluate(json::array{1}).hit());
  const auto no_default = simple("FIRST", {{json::value("> 10"), "big"}});
  CHECK(out(*no_default, json::array{1}).is_null());
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
  CHECK(out(*with("max"), json::array{-3}).is_null());
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
  CHECK_FALSE(t->evaluate(json::array{-1}).hit());
  CHECK_FALSE(t->evaluate(json::array{100000}).hit());
  CHECK(t->find_row("r5000") == 5000);
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

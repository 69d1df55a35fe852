// Issue 13 through the C++ API: what the engine accepts, it can store, load and restore
// (limits.hpp). Payloads and forms nested within their budget are accepted and read back from
// the SQLite store, deeper ones are refused naming the limit; ids follow one set of rules; a case
// cannot grow past max_json_bytes; instants stay within four-digit years; and no recursion over
// JSON or rules is bounded only by its input (values built deeper than any text could be are
// refused or walked without recursion, never a stack overflow).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "common/json_measure.hpp"
#include "support/order_driver.hpp"
#include "undertake/sqlite_store.hpp"

using namespace undertake;
using namespace undertake::testing;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// {"x": [[...]]}: `depth` levels, the outer object included.
json::object nested_payload(unsigned depth) {
  json::value v = json::array{};
  for (unsigned i = 2; i < depth; ++i) v = json::array{std::move(v)};
  return json::object{{"x", std::move(v)}};
}

// A value nested `depth` levels deep, built without recursion (deeper than any text may be).
json::value deep_value(unsigned depth) {
  json::value v = 1;
  for (unsigned i = 0; i < depth; ++i) v = json::array{std::move(v)};
  return v;
}

struct TempStore {
  fs::path dir;
  TempStore() {
    dir = fs::temp_directory_path() /
          ("undertake-storable-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempStore() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string path() const { return (dir / "cases.db").string(); }
};

Timestamp at(const char* text) {
  return *parse_iso8601(text);
}

}  // namespace

TEST_CASE("measure_json counts the JSON text exactly (but for doubles) without recursion",
          "[storable]") {
  const json::value v = json::parse(
      R"({"a": [1, -20, 18446744073709551615, true, false, null, "q\"\\\n\u0001é"], "": {}})");
  const detail::JsonMeasure m = detail::measure_json(v, 64, "v");
  CHECK(m.ok());
  CHECK(m.bytes == json::serialize(v).size());
  CHECK(m.depth == 2);
  const json::value with_double = json::object{{"d", 0.1}};
  CHECK(detail::measure_json(with_double, 64, "v").bytes >= json::serialize(with_double).size());
  // 5,000 levels (deeper than any text may be): walked, refused at the limit.
  const json::value deep = deep_value(5000);
  const detail::JsonMeasure d = detail::measure_json(deep, 64, "v");
  CHECK(d.problem == detail::JsonMeasure::Problem::too_deep);
  CHECK(d.path.rfind("v[0][0]", 0) == 0);
  const json::object bad{{"k", json::object{{"\xff", 1}}}};
  const detail::JsonMeasure b = detail::measure_json(bad, 64, "payload");
  CHECK(b.problem == detail::JsonMeasure::Problem::invalid_utf8_key);
  CHECK(b.path == "payload.k");
}

// valid_utf8 skips ASCII eight bytes at a time and json_string_bytes counts by table: both must
// agree with Boost.JSON (its parser validates UTF-8, its serializer escapes) wherever in a string
// the interesting bytes fall, across and at the ends of the eight-byte words.
TEST_CASE("valid_utf8 and json_string_bytes agree with Boost.JSON at every offset", "[storable]") {
  const std::vector<std::string> tails = {
      "",         "\xc3\xa9",     "\xe6\x89\xbf", "\xf0\x9f\x98\x80",
      "\xff",     "\x80",         "\xc3",         "\xe6\x89",
      "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
      "\"",       "\\",           "\n",           "\x01",
      "\x1f",     "\x7f",         "\t\b\f\r",     "\xc3\xa9\xff"};
  for (std::size_t before = 0; before <= 17; ++before)
    for (const std::string& tail : tails)
      for (std::size_t after : {0, 1, 7, 8, 9}) {
        const std::string s = std::string(before, 'a') + tail + std::string(after, 'z');
        INFO("ASCII " << before << " + tail " << json::serialize(json::string(tail)) << " + "
                      << after);
        bool control = false;
        for (const char ch : s)
          control |= static_cast<unsigned char>(ch) < 0x20 || ch == '"' || ch == '\\';
        if (!control) {  // the parser takes these bytes raw in a string: it judges the UTF-8
          boost::system::error_code ec;
          json::parse("\"" + s + "\"", ec);
          CHECK(valid_utf8(s) == !ec);
        }
        CHECK(detail::json_string_bytes(s) == json::serialize(json::string(s)).size());
      }
}

TEST_CASE("a payload at its depth budget is accepted and read back; one level more is refused",
          "[storable]") {
  const Engine engine;
  TempStore t;
  const InputLimits limits = engine.limits();
  REQUIRE(limits.max_payload_depth() == 60);
  {
    auto store = open_sqlite_store(t.path());
    Case c = engine.create_case("D-1", regular_order());
    store->create(c);
    const Outcome too_deep =
        c.fire("intake.forward", kMarket, nested_payload(61), at("2026-03-02T09:00:00Z"));
    REQUIRE_FALSE(too_deep.accepted);
    CHECK(too_deep.reasons.front().kind == ReasonKind::limit);
    CHECK_THAT(too_deep.reasons.front().message,
               Catch::Contains("payload is nested deeper than 60 levels") &&
                   Catch::Contains("max_json_depth (64) less the 4 levels"));
    REQUIRE(
        c.fire("intake.forward", kMarket, nested_payload(60), at("2026-03-02T09:00:00Z")).accepted);
    store->save(c, 0);
  }
  auto reopened = open_sqlite_store(t.path());
  const Case loaded = load_case(*reopened, engine, "D-1");
  CHECK(loaded.revision() == 1);
  CHECK(reopened->ledger("D-1")->entries.size() == 1);
  // The snapshot as text is within the depth limit (what ut_case_restore reads).
  json::parse_options options;
  options.max_depth = limits.max_json_depth;
  json::error_code ec;
  (void)json::parse(json::serialize(loaded.snapshot()), ec, {}, options);
  CHECK_FALSE(ec);
}

TEST_CASE("forms have a budget of max_json_depth less 2", "[storable]") {
  const Engine engine;
  json::object form = regular_order();
  form["extra"] = nested_payload(62)["x"];  // 61 levels, 62 with the form itself
  CHECK_NOTHROW(engine.create_case("F-1", form));
  form["extra"] = nested_payload(63)["x"];
  try {
    (void)engine.create_case("F-2", form);
    FAIL("created");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::limit_exceeded);
    CHECK_THAT(e.what(), Catch::Contains("data is nested deeper than 62 levels"));
  }
  // A form a C++ host built 5,000 deep: refused before anything copies it.
  form["extra"] = deep_value(5000);
  CHECK_THROWS_AS(engine.create_case("F-3", form), Error);
}

TEST_CASE("ids follow one set of rules, for cases and actors", "[storable]") {
  const Engine engine;
  for (const std::string& bad :
       {std::string(), std::string("BAD\xff\xfeID"), std::string("A\x1b[31m"),
        std::string("two\nlines"), std::string("c1\xc2\x9b"), std::string(4097, 'x')}) {
    try {
      (void)engine.create_case(bad, regular_order());
      FAIL("created " + bad);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_argument);
      CHECK(e.where() == "case id");
    }
  }
  CHECK_NOTHROW(engine.create_case(std::string(4096, 'x'), regular_order()));
  Case c = engine.create_case("A-1", regular_order());
  for (const Actor& bad : {Actor{"", {"market"}}, Actor{"mei\x1b[2J", {"market"}},
                           Actor{"mei", {"market", "sales\n"}}, Actor{"mei\xff", {"market"}}}) {
    const Outcome o = c.fire("intake.forward", bad, {}, at("2026-03-02"));
    REQUIRE_FALSE(o.accepted);
    CHECK(o.reasons.front().kind == ReasonKind::role);
    CHECK_THAT(o.reasons.front().message, Catch::Contains("actor."));
  }
  CHECK(c.revision() == 0);
}

TEST_CASE("an event that could take the snapshot past max_json_bytes is refused", "[storable]") {
  Engine engine;
  InputLimits limits;
  limits.max_json_bytes = 256 * 1024;
  engine.set_limits(limits);
  OrderDriver d(engine, "S-1");
  d.advance_to("evaluation.quote");
  int accepted = 0;
  Outcome o;
  for (int i = 0; i < 40; ++i) {
    json::object risk{{"id", "R" + std::to_string(i)},
                      {"category", "market"},
                      {"probability", 2},
                      {"impact", 2},
                      {"description", std::string(10000, 'd')}};
    o = d.the_case().fire("evaluation.risks", kSales, {{"risks", json::array{risk}}}, d.now());
    if (!o.accepted) break;
    ++accepted;
  }
  REQUIRE_FALSE(o.accepted);
  CHECK(accepted >= 5);
  CHECK(o.reasons.front().kind == ReasonKind::limit);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("max_json_bytes (262144)"));
  const std::string text = json::serialize(d.the_case().snapshot());
  CHECK(text.size() <= limits.max_json_bytes);
  CHECK(engine.restore(json::parse(text)).revision() == d.the_case().revision());
  // A payload larger than the limit by itself is refused for its own size.
  const Outcome big = d.the_case().fire("evaluation.quality", kQuality,
                                        {{"notes", std::string(300 * 1024, 'n')}}, d.now());
  REQUIRE_FALSE(big.accepted);
  CHECK_THAT(big.reasons.front().message, Catch::Contains("more than max_json_bytes"));
  // A form too large for the snapshot.
  json::object form = regular_order();
  form["spec"] = std::string(200 * 1024, 's');
  CHECK_THROWS_WITH(engine.create_case("S-2", form), Catch::Contains("max_json_bytes (262144)"));
}

TEST_CASE("limits are set within their bounds and apply to existing cases", "[storable]") {
  Engine engine;
  InputLimits limits;
  limits.max_json_depth = 7;
  CHECK_THROWS_WITH(engine.set_limits(limits), Catch::Contains("from 8 to 1000"));
  limits.max_json_depth = 1001;
  CHECK_THROWS_AS(engine.set_limits(limits), Error);
  Case c = engine.create_case("L-1", regular_order());
  limits.max_json_depth = 8;
  engine.set_limits(limits);
  CHECK(engine.limits().max_json_depth == 8);
  const Outcome o = c.fire("intake.forward", kMarket, nested_payload(5), at("2026-03-02"));
  REQUIRE_FALSE(o.accepted);
  CHECK_THAT(o.reasons.front().message, Catch::Contains("deeper than 4 levels"));
}

TEST_CASE("instants are within four-digit years: parsed, fired and computed", "[storable]") {
  CHECK(format_iso8601(kLastInstant) == "9999-12-31T23:59:59.999Z");
  CHECK(format_iso8601(kFirstInstant) == "0001-01-01T00:00:00Z");
  CHECK_FALSE(parse_iso8601("9999-12-31T23:00:00-05:00").has_value());  // year 10000 in UTC
  CHECK_FALSE(parse_iso8601("0001-01-01T00:30:00+01:00").has_value());  // year 0 in UTC
  CHECK_FALSE(parse_iso8601("9999-12-31T23:59:60Z").has_value());
  CHECK(parse_iso8601("9999-12-31T23:59:59.999Z") == kLastInstant);
  const Engine engine;
  Case c = engine.create_case("T-1", regular_order());
  const Outcome late =
      c.fire("intake.forward", kMarket, {}, kLastInstant + std::chrono::milliseconds(1));
  REQUIRE_FALSE(late.accepted);
  CHECK(late.reasons.front().kind == ReasonKind::time);
  // A due date 14 days after 9999-12-25 is clamped to the last instant, not written in year 10000.
  REQUIRE(c.fire("intake.forward", kMarket, {}, at("9999-12-20")).accepted);
  REQUIRE(c.fire("intake.confirm", kSales, {}, at("9999-12-25")).accepted);
  REQUIRE(c.deadlines().size() == 1);
  CHECK(c.deadlines().front().due == kLastInstant);
  CHECK(engine.restore(json::parse(json::serialize(c.snapshot()))).revision() == 2);
}

TEST_CASE("arrays a rule builds without bound are refused as results, walked without recursion",
          "[storable]") {
  // reduce with [accumulator] nests one level per element: 200,000 levels.
  const json::value data = [] {
    json::array xs;
    for (int i = 0; i < 200000; ++i) xs.push_back(i);
    return json::object{{"xs", std::move(xs)}};
  }();
  const json::value nest =
      json::parse(R"({"reduce": [{"var": "xs"}, [{"var": "accumulator"}], []]})");
  const jsonlogic::Rule deep = jsonlogic::Rule::compile(nest);
  CHECK_THROWS_AS(deep.evaluate(data), Error);
  const jsonlogic::Rule text = jsonlogic::Rule::compile(json::object{{"cat", json::array{nest}}});
  CHECK(text.evaluate(data) == "");
  const jsonlogic::Rule same =
      jsonlogic::Rule::compile(json::object{{"===", json::array{nest, nest}}});
  CHECK(same.evaluate(data) == true);
}

TEST_CASE("snapshots and ledgers a C++ host built too deep are refused, not recursed into",
          "[storable]") {
  const Engine engine;
  OrderDriver d(engine, "R-1");
  d.advance_to("evaluation.quote");
  json::value snap = d.the_case().snapshot();
  snap.as_object()["record"].as_object()["deep"] = deep_value(5000);
  try {
    (void)engine.restore(snap);
    FAIL("restored");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::limit_exceeded);
    CHECK_THAT(e.what(), Catch::Contains("max_json_depth (64)"));
  }
  CaseLedger ledger = d.the_case().case_ledger();
  ledger.entries.front().payload["deep"] = deep_value(5000);
  CHECK_THROWS_AS(engine.replay(ledger), Error);
}

TEST_CASE("the store reads its rows with its limits and names them", "[storable]") {
  const Engine engine;
  TempStore t;
  {
    auto store = open_sqlite_store(t.path());
    Case c = engine.create_case("Q-1", regular_order());
    REQUIRE(c.fire("intake.forward", kMarket, nested_payload(40), at("2026-03-02")).accepted);
    store->create(c);
  }
  SqliteOptions shallow;
  shallow.limits.max_json_depth = 16;  // smaller than the engine's: the row does not read back
  auto store = open_sqlite_store(t.path(), shallow);
  try {
    (void)store->ledger("Q-1");  // the row holding the payload
    FAIL("read");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_snapshot);
    CHECK_THAT(e.what(), Catch::Contains("deeper than the limit of 16 (max_json_depth)"));
  }
  CHECK_NOTHROW(open_sqlite_store(t.path())->ledger("Q-1"));
}

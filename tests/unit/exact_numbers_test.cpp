// Issue 12.2: every double the engine takes in comes back bit for bit, whichever way it travels —
// a snapshot written as text and restored, the SQLite store, a literal in a policy file compared
// by a rule. 10^6 doubles per way (sample_doubles: every magnitude, subnormals, -0, 17-digit
// decimals, the quoted margins); Engine::restore compares numbers exactly (no tolerance).
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "replay_support.hpp"
#include "rules/jsonlogic/value.hpp"
#include "support/double_samples.hpp"
#include "support/order_driver.hpp"
#include "undertake/json_text.hpp"
#include "undertake/sqlite_store.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

namespace {

constexpr std::size_t kSamples = 1'000'000;
constexpr std::size_t kPerCase = 100'000;  // ten cases carry 10^6 (and the memory stays small)
constexpr std::size_t kPerQuote = 10'000;  // doubles in one payload: ten quotes a case

/// A case quoted once per chunk of samples[begin, begin + kPerCase): each quote's payload
/// carries the chunk as "xs" (kept in the ledger and in the record), with a price and cost from
/// the margin sweep.
Case quoted_case(const Engine& engine, const std::vector<double>& samples, std::size_t begin) {
  OrderDriver d(engine, "EXACT-" + std::to_string(begin));
  d.advance_to("evaluation.quote");
  Timestamp at = d.now();
  for (std::size_t start = begin; start < begin + kPerCase; start += kPerQuote) {
    json::array xs;
    for (std::size_t i = start; i < start + kPerQuote; ++i) xs.push_back(samples[i]);
    const auto n = static_cast<std::int64_t>(start / kPerQuote);
    json::object payload{{"price", 100'000 + n % 1001}, {"cost", 80'000 + n % 101}, {"xs", xs}};
    at += std::chrono::minutes(1);
    const Outcome o = d.the_case().fire("evaluation.quote", kSales, std::move(payload), at);
    REQUIRE(o.accepted);
  }
  return std::move(d.the_case());
}

void check_identical(const json::value& want, const json::value& got) {
  std::string where;
  const bool same = identical(want, got, where);
  INFO("first difference at " << where);
  CHECK(same);
}

std::string with_17_digits(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

/// A policy document (the built-in one) with a gate on intake.forward whose rules hold
/// samples[begin, end) as literals, written with 17 significant digits or as Boost.JSON writes
/// them, alternately; the literal at `off` is written one unit in the last place off. Each rule
/// of 10^5 literals is {"===": [{"cat": [L, " ", L, ...]}, "<the numbers as JavaScript prints
/// them>"]}: true only when every literal reads as its double exactly.
std::string literal_policy(const std::vector<double>& samples, std::size_t begin, std::size_t end,
                           std::size_t off) {
  constexpr std::size_t kPerRule = 100'000;
  std::string rules;
  for (std::size_t first = begin; first < end; first += kPerRule) {
    std::string cat, expected;
    for (std::size_t i = first; i < std::min(end, first + kPerRule); ++i) {
      const double d = samples[i];
      const double written = i == off ? std::nextafter(d, 0.0) : d;
      if (i != first) {
        cat += R"(, " ", )";
        expected += ' ';
      }
      cat += i % 2 ? json::serialize(json::value(written)) : with_17_digits(written);
      expected += jsonlogic::detail::format_number(d);
    }
    rules += std::string(first == begin ? "" : ", ") + R"({"id": "exact-)" +
             std::to_string(first - begin) + R"(", "message": "a literal differs", )" +
             R"("condition": {"===": [{"cat": [)" + cat + R"(]}, ")" + expected + R"("]}})";
  }
  json::object document;
  for (const auto& part : PolicySource::builtin().parts) document[part.name] = part.document;
  document.at("gates").at("gates").as_object()["intake.forward"] = "@GATE@";
  std::string text = json::serialize(document);
  text.replace(text.find("\"@GATE@\""), 8, R"({"rules": [)" + rules + "]}");
  return text;
}

}  // namespace

TEST_CASE("exact: 10^6 doubles through a snapshot's text and Engine::restore", "[exact]") {
  const Engine engine;
  const std::vector<double> samples = sample_doubles(kSamples);
  for (std::size_t begin = 0; begin < kSamples; begin += kPerCase) {
    const Case c = quoted_case(engine, samples, begin);
    const json::value snapshot = c.snapshot();
    const Case restored =
        engine.restore(parse_json(json::serialize(snapshot), InputLimits{}, "snap"));
    check_identical(snapshot, restored.snapshot());  // kinds and bits: the record, the ledger
  }
}

TEST_CASE("exact: 10^6 doubles through the SQLite store", "[exact][store]") {
  ut_test::TempFile file("exact");
  const Engine engine;
  SqliteOptions fast;
  fast.synchronous = SqliteOptions::Sync::off;
  const std::vector<double> samples = sample_doubles(kSamples, 99);
  for (std::size_t begin = 0; begin < kSamples; begin += kPerCase) {
    const Case c = quoted_case(engine, samples, begin);
    {
      SqliteCaseStore store(file.path(), fast);
      store.create(c);
    }
    SqliteCaseStore reopened(file.path(), fast);
    check_identical(c.snapshot(), *reopened.snapshot(c.id()));  // head and ledger rows
    const SnapshotOptions head{false};
    check_identical(c.snapshot(head), load_case(reopened, engine, c.id()).snapshot(head));
  }
}

TEST_CASE("exact: restore compares the record's numbers exactly", "[exact]") {
  Engine engine;
  // Margins of the sweep: with boost::json::parse a quarter of them read back one unit in the
  // last place off, and the restore would refuse them now that it has no tolerance.
  std::size_t restored = 0;
  for (int price = 100'000; price <= 101'000; price += 5) {
    const int cost = 80'000 + price % 101;
    OrderDriver d(engine, "M-" + std::to_string(price));
    d.advance_to("evaluation.quote");
    const std::string payload =
        R"({"price": )" + std::to_string(price) + R"(, "cost": )" + std::to_string(cost) + "}";
    REQUIRE(d.fire("evaluation.quote", kSales, payload.c_str()).accepted);
    const std::string text = json::serialize(d.the_case().snapshot());
    const Case back = engine.restore(parse_json(text, InputLimits{}, "snap"));
    const double margin = back.record().at("evaluation").at("quote").at("margin").as_double();
    CHECK(bits_of(margin) == bits_of((double(price) - cost) / price));
    ++restored;
  }
  CHECK(restored == 201);

  OrderDriver d(engine, "M-edit");
  d.advance_to("evaluation.quote");
  REQUIRE(d.fire("evaluation.quote", kSales, R"({"price": 100003, "cost": 80017})").accepted);
  json::value snap = d.the_case().snapshot();
  json::value& margin = snap.at("record").at("evaluation").at("quote").as_object()["margin"];
  // One unit in the last place is a different number: the digest no longer matches, and verify
  // (which replays the ledger) names the field.
  margin = std::nextafter(margin.as_double(), 1.0);
  try {
    (void)engine.restore(snap);
    FAIL("restored");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_snapshot);
    CHECK_THAT(e.what(), Catch::Contains("/digest"));
  }
  const VerifyReport report = engine.verify(snap);
  REQUIRE_FALSE(report.ok());
  bool named = false;
  for (const auto& p : report.problems) named |= p.where == "/record/evaluation/quote/margin";
  CHECK(named);
}

TEST_CASE("exact: 40 and 40.0 are the same number to restore", "[exact]") {
  // A JSON tool between the engine and its store may write the double 0.0 as 0 (JavaScript's
  // JSON.stringify does): the snapshot still says the same thing and restores.
  Engine engine;
  OrderDriver d(engine, "Z-1");
  d.advance_to("evaluation.quote");
  REQUIRE(d.fire("evaluation.quote", kSales, R"({"price": 100, "cost": 100})").accepted);
  json::value snap = d.the_case().snapshot();
  json::value& margin = snap.at("record").at("evaluation").at("quote").as_object()["margin"];
  REQUIRE(margin.is_double());
  margin = 0;  // the int 0 for the double 0.0: the same number to the digest (canonical JSON)
  const Case restored = engine.restore(snap);
  CHECK(restored.record().at("evaluation").at("quote").at("margin").to_number<double>() == 0.0);
  CHECK(engine.verify(restored.snapshot()).ok());
  margin = 1;
  CHECK_THROWS_AS(engine.restore(snap), Error);
}

TEST_CASE("exact: 10^6 literals of policy files, compared by rules", "[exact][policy]") {
  const std::vector<double> samples = sample_doubles(kSamples, 4242);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("undertake-exact-policy-" + std::to_string(::getpid()) + ".json"))
                               .string();
  const auto forward = [&](std::size_t begin, std::size_t end, std::size_t off) {
    {
      std::ofstream out(path, std::ios::binary);
      out << literal_policy(samples, begin, end, off);
    }
    const Engine engine(path);  // the file read as every policy file is
    OrderDriver d(engine, "L-" + std::to_string(begin));
    return d.fire("intake.forward", kMarket);
  };
  constexpr std::size_t kPerFile = kSamples / 10;  // 2.4 MB files: the memory stays small
  for (std::size_t begin = 0; begin < kSamples; begin += kPerFile) {
    const Outcome o = forward(begin, begin + kPerFile, kSamples);
    INFO(o.summary().substr(0, 300));
    CHECK(o.accepted);
  }
  // One literal one unit in the last place off: its rule says so.
  const Outcome off = forward(0, 1'000, 500);
  REQUIRE_FALSE(off.accepted);
  REQUIRE(off.reasons.size() == 1);
  CHECK(off.reasons.front().rule == "exact-0");
  std::filesystem::remove(path);
}

// The canonical JSON form digests are computed over, and the seal (design.md §9): one byte
// sequence per value whatever the order of its keys or the kind of its numbers; entries hash the
// same from the case's own form as from their JSON; keyed and plain seals differ.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include "integrity/canonical_json.hpp"
#include "integrity/seal.hpp"
#include "replay_support.hpp"

namespace json = boost::json;
using namespace undertake;
using undertake::detail::canonical_json;

TEST_CASE("canonical JSON: sorted keys, minimal escapes, no whitespace", "[integrity]") {
  CHECK(canonical_json(json::parse(R"({"b": 1, "a": {"d": [3, 2], "c": null}})")) ==
        R"({"a":{"c":null,"d":[3,2]},"b":1})");
  CHECK(canonical_json(json::parse(R"({"b": 1, "a": 2})")) ==
        canonical_json(json::parse(R"({"a": 2, "b": 1})")));
  CHECK(canonical_json(json::value("tab\there \"quoted\" \\ \x01 中文")) ==
        "\"tab\\there \\\"quoted\\\" \\\\ \\u0001 中文\"");
  CHECK(canonical_json(json::array{true, false, nullptr}) == "[true,false,null]");
  CHECK(canonical_json(json::object{}) == "{}");
  CHECK(canonical_json(json::array{}) == "[]");
}

TEST_CASE("canonical JSON: a number is written one way whatever its kind", "[integrity]") {
  // What a database may do to numbers: 3.0 kept as 3, -0 as 0, 1e2 as 100.
  CHECK(canonical_json(json::value(3.0)) == canonical_json(json::value(3)));
  CHECK(canonical_json(json::value(-0.0)) == "0");
  CHECK(canonical_json(json::parse("1e2")) == "100");
  CHECK(canonical_json(json::value(std::uint64_t{18446744073709551615u})) ==
        "18446744073709551615");
  CHECK(canonical_json(json::value(std::int64_t{-9223372036854775807 - 1})) ==
        "-9223372036854775808");
  CHECK(canonical_json(json::value(0.1)) == "0.1");
  CHECK(canonical_json(json::value(1e300)) == "1e+300");
  CHECK(canonical_json(json::value(2.5e-320)) == "2.5e-320");
  CHECK(canonical_json(json::value(0.19937800621993781)) == "0.19937800621993781");
}

TEST_CASE("canonical JSON: deep values do not exhaust the stack", "[integrity]") {
  json::value v = 1;
  for (int i = 0; i < 200000; ++i) v = json::array{std::move(v)};
  const std::string text = canonical_json(v);
  CHECK(text.size() == 400001);
  // (The value's own destructor recurses: unwrap it iteratively.)
  while (v.is_array() && !v.as_array().empty()) {
    json::value inner = std::move(v.as_array()[0]);
    v = std::move(inner);
  }
}

TEST_CASE("seal: an entry hashes the same from the case's form as from its JSON", "[integrity]") {
  const detail::Seal plain;
  detail::Seal keyed("host key");
  const detail::Digest previous = plain.genesis("C-1", "default", "2026.1", json::object{});
  std::vector<LedgerEntry> entries;
  for (const auto& step : ut_test::full_order().steps) {
    LedgerEntry e;
    e.seq = entries.size() + 1;
    e.at = step.at + std::chrono::milliseconds(entries.size() % 3 == 0 ? 0 : 123);
    e.event = *event_from_name(step.event);
    e.actor = step.actor;
    e.payload = step.payload;
    e.state = {"Some.State", "Other \"quoted\" state"};
    if (entries.size() % 5 == 4) e.kind = EntryKind::escalation;
    entries.push_back(e);
  }
  for (const LedgerEntry& e : entries) {
    INFO("seq " << e.seq);
    CHECK(plain.link(previous, e) == plain.link(previous, to_json(e).as_object()));
    CHECK(keyed.link(previous, e) == keyed.link(previous, to_json(e).as_object()));
    CHECK(plain.link(previous, e) != keyed.link(previous, e));
  }
  // The hash member is not covered; everything else is.
  json::value with_hash = to_json(entries[0]);
  with_hash.as_object()["hash"] = std::string(64, 'a');
  CHECK(plain.link(previous, with_hash.as_object()) == plain.link(previous, entries[0]));
  LedgerEntry edited = entries[0];
  edited.actor.roles.push_back("management");
  CHECK(plain.link(previous, edited) != plain.link(previous, entries[0]));
  CHECK(detail::digest_from_hex(detail::to_hex(previous)) == previous);
  CHECK(!detail::digest_from_hex("xyz"));
  CHECK(!detail::digest_from_hex(std::string(64, 'G')));
  CHECK_THROWS_AS(detail::Seal(""), Error);
}

// Snapshots: the version 3 format (restored from state, sealed by a digest, the ledger's hash
// chain), migration of versions 1 and 2, refusal of newer versions and of damaged or edited
// snapshots (with the JSON path at fault), verify, and snapshot → restore → continue == continue.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <functional>

#include "integrity/seal.hpp"
#include "replay_support.hpp"
#include "undertake/engine.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace ut_test;

namespace {

Case half_way(const Engine& engine) {
  Case c = engine.create_case(full_order().id, full_order().data);
  fire_steps(c, 0, step_index("production.report"));
  return c;
}

// Restoring `snap` must fail with invalid_snapshot at `path` (the where() names it).
void expect_refused(const Engine& engine, const json::value& snap, std::string_view path) {
  INFO("expected a refusal at " << path);
  const Error e = error_of([&] { engine.restore(snap); });
  INFO(e.what());
  CHECK(e.kind() == ErrorKind::invalid_snapshot);
  CHECK(e.where().find(std::string(path)) != std::string::npos);
}

}  // namespace

TEST_CASE("snapshot: version 3 carries the state, deadlines, ledger head, digest and ledger",
          "[snapshot]") {
  Engine engine;
  Case c = half_way(engine);
  const json::value s = c.snapshot();
  CHECK(s.at("format") == "undertake.snapshot");
  CHECK(s.at("format_version") == kSnapshotFormatVersion);
  CHECK(s.at("format_version") == 3);
  CHECK(s.at("revision") == c.revision());
  CHECK(s.at("ledger").as_array().size() == c.revision());
  CHECK(s.at("ledger_head").at("seq") == c.revision());
  CHECK(s.at("ledger_head").at("hash") == s.at("ledger").as_array().back().at("hash"));
  CHECK(std::string_view(s.at("digest").as_string()).substr(0, 7) == "sha256:");
  CHECK(!s.as_object().contains("resume_state"));
  CHECK(s.at("stage") == "Production");
  const auto& deadlines = s.at("deadlines").as_array();
  REQUIRE(deadlines.size() == 3);  // delivery-date, production-plan, progress-meeting
  CHECK(deadlines[0].at("id") == "delivery-date");
  CHECK(deadlines[2].at("id") == "progress-meeting");
  CHECK(deadlines[0].at("due") == "2026-07-01T00:00:00Z");
}

TEST_CASE("snapshot: restore gives a case that snapshots identically", "[snapshot]") {
  Engine engine;
  Case c = half_way(engine);
  Case r = engine.restore(c.snapshot());
  CHECK(r.snapshot() == c.snapshot());
  CHECK(r.revision() == c.revision());
  CHECK(r.state() == c.state());
  // Serialised and parsed again (what a store does).
  Case t = engine.restore(parse_json(json::serialize(c.snapshot()), InputLimits{}, "snapshot"));
  CHECK(t.snapshot() == c.snapshot());
}

TEST_CASE("snapshot: snapshot → restore → continue equals continue", "[snapshot]") {
  Engine engine;
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, step_index("contract.sign"),
                          step_index("production.inspect"), full_order().steps.size() - 1}) {
    Case live = engine.create_case(full_order().id, full_order().data);
    fire_steps(live, 0, cut);
    Case restored = engine.restore(live.snapshot());
    fire_steps(live, cut, full_order().steps.size());
    fire_steps(restored, cut, full_order().steps.size());
    INFO("cut at step " << cut);
    CHECK(restored.snapshot() == live.snapshot());
    CHECK(live.stage() == "Closed");
  }
}

namespace {

// What the versions before 3 wrote: no digest, no hash chain, no risk register or ledger head.
json::value legacy(const Case& c, int version) {
  json::value s = c.snapshot();
  json::object& o = s.as_object();
  for (auto key : {"digest", "ledger_head", "risk_register", "resume_state"}) o.erase(key);
  for (auto& e : o["ledger"].as_array()) e.as_object().erase("hash");
  o["format_version"] = version;
  if (version == 1) o.erase("deadlines");
  return s;
}

}  // namespace

TEST_CASE("snapshot: versions 1 and 2 are migrated by replaying their ledger", "[snapshot]") {
  Engine engine;
  Case c = half_way(engine);
  Case r1 = engine.restore(legacy(c, 1));
  CHECK(r1.snapshot() == c.snapshot());  // written back as version 3, deadlines rebuilt
  CHECK(r1.deadlines().size() == 3);     // delivery-date, production-plan, progress-meeting
  Case r2 = engine.restore(legacy(c, 2));
  CHECK(r2.snapshot() == c.snapshot());
  // A version 2 snapshot whose record does not match its ledger is refused where they differ.
  json::value bad = legacy(c, 2);
  bad.as_object()["record"].as_object()["contract"].as_object()["version"] = 7;
  expect_refused(engine, bad, "/record/contract/version");
}

TEST_CASE("snapshot: a snapshot without its ledger restores from state alone", "[snapshot]") {
  Engine engine;
  Case c = half_way(engine);
  const json::value head = c.snapshot(SnapshotOptions{false});
  CHECK(!head.as_object().contains("ledger"));
  CHECK(head.at("digest") == c.snapshot().at("digest"));  // the digest does not cover the ledger
  Case r = engine.restore(head);
  CHECK(!r.ledger_complete());
  CHECK(r.ledger().empty());
  CHECK(r.revision() == c.revision());
  CHECK(r.ledger_head().hash == c.ledger_head().hash);
  CHECK(r.snapshot() == head);  // a case without its ledger writes snapshots without it
  CHECK_THROWS_AS(r.case_ledger(), Error);
  // Continuing: the new entries continue the seq and the chain of the whole ledger.
  fire_steps(c, step_index("production.report"), full_order().steps.size());
  fire_steps(r, step_index("production.report"), full_order().steps.size());
  CHECK(r.snapshot() == c.snapshot(SnapshotOptions{false}));
  REQUIRE(!r.ledger().empty());
  CHECK(r.ledger().front().seq == head.at("revision").to_number<std::uint64_t>() + 1);
  const auto& whole = c.ledger();
  CHECK(std::equal(
      r.ledger().begin(), r.ledger().end(), whole.end() - r.ledger().size(),
      [](const LedgerEntry& a, const LedgerEntry& b) { return to_json(a) == to_json(b); }));
}

TEST_CASE("snapshot: a suspended case keeps where case.resume returns to", "[snapshot]") {
  Engine engine;
  Case c = half_way(engine);
  const Actor sales{"li", {"sales"}};
  const Timestamp at = *parse_iso8601("2026-05-01T09:00:00Z");
  REQUIRE(c.fire("case.suspend", sales, json::object{{"reason", "customer on hold"}}, at).accepted);
  const json::value s = c.snapshot(SnapshotOptions{false});
  CHECK(s.at("state") == json::array{"Suspended"});
  CHECK(s.at("resume_state") == json::array{"Production.Producing"});
  Case r = engine.restore(s);
  const Outcome o = r.fire("case.resume", sales, {}, at + std::chrono::hours(1));
  CHECK(o.accepted);
  CHECK(r.state() == std::vector<std::string>{"Production.Producing"});
}

TEST_CASE("snapshot: a snapshot keeps verifying when its keys are reordered", "[snapshot]") {
  // What a JSON column of a database may do (PostgreSQL's jsonb sorts keys): the digest is over
  // the canonical form, so order does not matter.
  Engine engine;
  const json::value s = half_way(engine).snapshot();
  std::function<json::value(const json::value&)> reversed = [&](const json::value& v) {
    if (v.is_array()) {
      json::array a;
      for (const auto& x : v.as_array()) a.push_back(reversed(x));
      return json::value(std::move(a));
    }
    if (!v.is_object()) return v;
    json::object o;
    const auto& src = v.as_object();
    for (auto it = src.end(); it != src.begin();) {
      --it;
      o[it->key()] = reversed(it->value());
    }
    return json::value(std::move(o));
  };
  CHECK(engine.restore(reversed(s)).snapshot() == s);
}

TEST_CASE("snapshot: a host key seals cases so that a re-hashed edit is refused", "[snapshot]") {
  Engine keyed;
  keyed.set_host_key("factory-42 secret");
  Case c = half_way(keyed);
  const json::value sealed = c.snapshot();
  CHECK(std::string_view(sealed.at("digest").as_string()).substr(0, 12) == "hmac-sha256:");
  CHECK(keyed.restore(sealed).snapshot() == sealed);
  // Someone without the key edits the record and re-seals it with plain SHA-256: refused.
  Engine plain;
  Case forged = plain.restore(json::parse(json::serialize(half_way(plain).snapshot())));
  expect_refused(keyed, forged.snapshot(), "/digest");
  // An engine without the key cannot check a keyed snapshot.
  expect_refused(plain, sealed, "/digest");
  // Another key: the digest does not match.
  Engine other;
  other.set_host_key("another key");
  expect_refused(other, sealed, "/digest");
  CHECK_THROWS_AS(keyed.set_host_key(""), Error);
}

TEST_CASE("snapshot: newer or unknown formats are refused clearly", "[snapshot]") {
  Engine engine;
  const json::value good = half_way(engine).snapshot();
  json::value s = good;
  s.as_object()["format_version"] = 4;
  const Error e = error_of([&] { engine.restore(s); });
  CHECK(e.where() == "snapshot: /format_version");
  CHECK(e.why().find("reads versions 1 to 3") != std::string::npos);
  s = good;
  s.as_object()["format_version"] = "3";
  expect_refused(engine, s, "/format_version");
  s = good;
  s.as_object()["format"] = "other.thing";
  expect_refused(engine, s, "/format");
  expect_refused(engine, json::array{}, "/");
}

namespace {

// Every JSON pointer to a scalar or an empty container below `v` (for the tamper test).
void leaves(const json::value& v, const std::string& path, std::vector<std::string>& out) {
  if (v.is_object() && !v.as_object().empty()) {
    for (const auto& kv : v.as_object()) {
      std::string key(kv.key());
      for (std::size_t i = 0; (i = key.find('~', i)) != std::string::npos; i += 2)
        key.replace(i, 1, "~0");
      for (std::size_t i = 0; (i = key.find('/', i)) != std::string::npos; i += 2)
        key.replace(i, 1, "~1");
      leaves(kv.value(), path + "/" + key, out);
    }
  } else if (v.is_array() && !v.as_array().empty()) {
    for (std::size_t i = 0; i < v.as_array().size(); ++i)
      leaves(v.as_array()[i], path + "/" + std::to_string(i), out);
  } else {
    out.push_back(path);
  }
}

// A different value of the same kind (or another kind for null).
json::value edited(const json::value& v) {
  switch (v.kind()) {
    case json::kind::bool_:
      return !v.get_bool();
    case json::kind::int64:
      return v.get_int64() + 1;
    case json::kind::uint64:
      return v.get_uint64() + 1;
    case json::kind::double_:
      return v.get_double() * 2 + 1;
    case json::kind::string:
      return json::value(std::string(v.get_string()) + "x");
    case json::kind::null:
      return 0;
    case json::kind::array:
      return json::array{1};
    case json::kind::object:
      return json::object{{"x", 1}};
  }
  return nullptr;
}

}  // namespace

TEST_CASE("snapshot: editing any field of a snapshot is refused, and verify reports it",
          "[snapshot][tamper]") {
  Engine engine;
  Case c = half_way(engine);
  REQUIRE(c.fire("production.report", {"zhou", {"production"}},
                 json::object{{"batch", "B-9"}, {"quantity", 1}, {"cost", 2.5}},
                 *parse_iso8601("2026-06-01T09:00:00Z"))
              .accepted);
  const json::value good = c.snapshot();
  REQUIRE(engine.verify(good).ok());
  std::vector<std::string> paths;
  leaves(good, "", paths);
  REQUIRE(paths.size() > 200);
  std::size_t refused = 0, reported = 0;
  for (const auto& path : paths) {
    json::value s = good;
    json::error_code ec;
    json::value* at = s.find_pointer(path, ec);
    REQUIRE(at);
    *at = edited(*at);
    INFO("edited " << path);
    bool was_refused = false;
    try {
      (void)engine.restore(s);
    } catch (const Error& e) {
      was_refused = e.kind() == ErrorKind::invalid_snapshot;
      INFO(e.what());
      CHECK(was_refused);
    }
    CHECK(was_refused);
    refused += was_refused;
    // verify reports it too (or cannot read the snapshot at all, which restore said).
    try {
      const VerifyReport r = engine.verify(s);
      CHECK(!r.ok());
      reported += !r.ok();
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_snapshot);
      ++reported;
    }
  }
  CHECK(refused == paths.size());
  CHECK(reported == paths.size());
}

TEST_CASE("snapshot: verify finds where a re-sealed edit disagrees with the ledger",
          "[snapshot][verify]") {
  // An edit re-sealed by someone who can (there is no host key): restore cannot tell, the audit
  // does.
  Engine engine;
  Case c = half_way(engine);
  json::value s = c.snapshot();
  s.as_object()["record"].as_object()["contract"].as_object()["draft"].as_object()["amount"] = 1;
  s.as_object()["digest"] = "sha256:" + detail::to_hex(detail::Seal().seal(s.as_object()));
  CHECK(engine.restore(s).record().at("contract").at("draft").at("amount") == 1);
  const VerifyReport r = engine.verify(s);
  REQUIRE(!r.ok());
  bool named = false;
  for (const auto& p : r.problems)
    named |= p.where == "/record/contract/draft/amount" &&
             p.why.find("replaying the ledger gives") != std::string::npos;
  CHECK(named);
  CHECK(r.to_json().at("ok") == false);
}

TEST_CASE("snapshot: damaged snapshots are refused with the JSON path at fault", "[snapshot]") {
  Engine engine;
  const json::value good = half_way(engine).snapshot();
  auto edit = [&](auto&& f) {
    json::value s = good;
    f(s.as_object());
    return s;
  };
  // The sealed parts: any edit breaks the digest.
  expect_refused(engine, edit([](json::object& o) {
                   o["record"].as_object()["contract"].as_object()["version"] = 7;
                 }),
                 "/digest");
  expect_refused(engine, edit([](json::object& o) { o.erase("deadlines"); }), "/digest");
  expect_refused(engine, edit([](json::object& o) { o.erase("digest"); }), "/digest");
  // The ledger: the entry whose hash no longer follows.
  expect_refused(engine, edit([](json::object& o) {
                   o["ledger"].as_array()[3].as_object()["payload"].as_object()["x"] = 1;
                 }),
                 "/ledger/3/hash");
  expect_refused(engine,
                 edit([](json::object& o) { o["ledger"].as_array()[4].as_object()["seq"] = 9; }),
                 "/ledger/4/seq");
  expect_refused(engine, edit([](json::object& o) {
                   o["ledger"].as_array()[2].as_object()["at"] = "yesterday";
                 }),
                 "/ledger/2");
  expect_refused(engine, edit([](json::object& o) { o["ledger"].as_array().pop_back(); }),
                 "/ledger");
  expect_refused(engine,
                 edit([](json::object& o) { o["policy"].as_object()["version"] = "1999.1"; }),
                 "/policy/version");
  expect_refused(engine, edit([](json::object& o) { o.erase("case_id"); }), "/case_id");
}

// Snapshots: the version 2 format, migration of version 1, refusal of newer versions and of
// damaged snapshots (with the JSON path at fault), and snapshot → restore → continue == continue.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

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

TEST_CASE("snapshot: version 2 carries revision, deadlines and the ledger", "[snapshot]") {
  Engine engine;
  Case c = half_way(engine);
  const json::value s = c.snapshot();
  CHECK(s.at("format") == "undertake.snapshot");
  CHECK(s.at("format_version") == kSnapshotFormatVersion);
  CHECK(s.at("format_version") == 2);
  CHECK(s.at("revision") == c.revision());
  CHECK(s.at("ledger").as_array().size() == c.revision());
  CHECK(s.at("stage") == "Production");
  const auto& deadlines = s.at("deadlines").as_array();
  REQUIRE(deadlines.size() == 2);  // delivery-date, production-plan
  CHECK(deadlines[0].at("id") == "delivery-date");
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

TEST_CASE("snapshot: version 1 snapshots are migrated (deadlines rebuilt from the ledger)",
          "[snapshot]") {
  Engine engine;
  Case c = half_way(engine);
  json::value v1 = c.snapshot();
  v1.as_object().erase("deadlines");
  v1.as_object()["format_version"] = 1;
  Case r = engine.restore(v1);
  CHECK(r.snapshot() == c.snapshot());  // written back as version 2, with its deadlines
  CHECK(r.deadlines().size() == 2);
}

TEST_CASE("snapshot: newer or unknown formats are refused clearly", "[snapshot]") {
  Engine engine;
  const json::value good = half_way(engine).snapshot();
  json::value s = good;
  s.as_object()["format_version"] = 3;
  const Error e = error_of([&] { engine.restore(s); });
  CHECK(e.where() == "snapshot: /format_version");
  CHECK(e.why().find("reads versions 1 to 2") != std::string::npos);
  s = good;
  s.as_object()["format_version"] = "2";
  expect_refused(engine, s, "/format_version");
  s = good;
  s.as_object()["format"] = "other.thing";
  expect_refused(engine, s, "/format");
  expect_refused(engine, json::array{}, "/");
}

TEST_CASE("snapshot: damaged snapshots are refused with the JSON path at fault", "[snapshot]") {
  Engine engine;
  const json::value good = half_way(engine).snapshot();
  auto edit = [&](auto&& f) {
    json::value s = good;
    f(s.as_object());
    return s;
  };
  expect_refused(engine, edit([](json::object& o) {
                   o["record"].as_object()["contract"].as_object()["version"] = 7;
                 }),
                 "/record/contract/version");
  expect_refused(engine,
                 edit([](json::object& o) { o["state"].as_array()[0] = "Production.Inspection"; }),
                 "/state");
  expect_refused(engine, edit([](json::object& o) {
                   o["deadlines"].as_array()[0].as_object()["due"] = "2027-01-01T00:00:00Z";
                 }),
                 "/deadlines/0/due");
  expect_refused(engine, edit([](json::object& o) { o["deadlines"].as_array().clear(); }),
                 "/deadlines");
  expect_refused(engine, edit([](json::object& o) { o.erase("deadlines"); }), "/deadlines");
  expect_refused(engine, edit([](json::object& o) { o["revision"] = 3; }), "/revision");
  expect_refused(engine,
                 edit([](json::object& o) { o["ledger"].as_array()[4].as_object()["seq"] = 9; }),
                 "/ledger/4/seq");
  expect_refused(engine, edit([](json::object& o) {
                   o["ledger"].as_array()[2].as_object()["at"] = "yesterday";
                 }),
                 "/ledger/2");
  expect_refused(engine, edit([](json::object& o) {
                   o["ledger"].as_array()[3].as_object()["event"] = "contract.sign";
                 }),
                 "ledger[3]");  // the process refuses it on replay
  expect_refused(engine,
                 edit([](json::object& o) { o["policy"].as_object()["version"] = "1999.1"; }),
                 "/policy/version");
  expect_refused(engine, edit([](json::object& o) { o.erase("case_id"); }), "/case_id");
}

// Replay: a case rebuilt from its ledger snapshots exactly like the live case, escalations
// included; a ledger the process refuses is reported with the entry at fault. (The property test
// in tests/property does the same over many generated lifecycles.)
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include "replay_support.hpp"
#include "undertake/engine.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace ut_test;

TEST_CASE("replay: the full order replays to the same snapshot at every step", "[replay]") {
  Engine engine;
  Case live = engine.create_case(full_order().id, full_order().data);
  for (std::size_t i = 0; i < full_order().steps.size(); ++i) {
    fire_steps(live, i, i + 1);
    Case replayed = engine.replay(live.case_ledger());
    INFO("after step " << i << " " << full_order().steps[i].event);
    REQUIRE(replayed.snapshot() == live.snapshot());
  }
}

TEST_CASE("replay: escalations between events replay without duplicates", "[replay][deadline]") {
  Engine engine;
  Case live = engine.create_case(full_order().id, full_order().data);
  fire_steps(live, 0, step_index("contract.draft"));
  live.tick(at("2026-04-07T09:00:00Z"));
  fire_steps(live, step_index("contract.draft"), full_order().steps.size(), days(40));
  // The ledger goes through JSON, as a host would keep it.
  const CaseLedger ledger = case_ledger_from_json(to_json(live.case_ledger()), "ledger");
  Case replayed = engine.replay(ledger);
  CHECK(replayed.snapshot() == live.snapshot());
  std::size_t escalations = 0;
  for (const auto& e : replayed.ledger()) escalations += e.kind == EntryKind::escalation;
  CHECK(escalations == 1);
}

TEST_CASE("replay: a ledger the process refuses names the entry", "[replay]") {
  Engine engine;
  Case live = engine.create_case(full_order().id, full_order().data);
  fire_steps(live, 0, 8);
  CaseLedger ledger = live.case_ledger();
  std::swap(ledger.entries[2].event, ledger.entries[5].event);
  Error e = error_of([&] { engine.replay(ledger); });
  CHECK(e.kind() == ErrorKind::invalid_snapshot);
  CHECK(e.where().find("ledger[2]") != std::string::npos);

  ledger = live.case_ledger();
  ledger.entries[3].state = {"Closed"};
  e = error_of([&] { engine.replay(ledger); });
  CHECK(e.where().find("ledger[3]") != std::string::npos);
}

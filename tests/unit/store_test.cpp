// The case stores (SQLite; PostgreSQL too in the pg.* tests, support/test_store.hpp): create/save/
// load round trips, optimistic concurrency (stale revisions are refused with ErrorKind::conflict),
// listing and filtering, ledgers for KPIs, transactions, the engine's tick over a store, and (for
// SQLite) reopening and refusing what is not a store.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <fstream>

#include "replay_support.hpp"
#include "support/test_store.hpp"
#include "undertake/engine.hpp"
#include "undertake/sqlite_store.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace ut_test;

TEST_CASE("store: create, load, fire and save round trip", "[store]") {
  Engine engine;
  TestStore store("roundtrip");
  Case c = engine.create_case(full_order().id, full_order().data);
  store.create(c);
  CHECK(store.case_count() == 1);
  CHECK(store.entry_count() == 0);

  const auto& steps = full_order().steps;
  for (std::size_t i = 0; i < step_index("kickoff.meeting"); ++i) {
    const Outcome o = fire_stored(store, engine, c.id(), steps[i].event, steps[i].actor,
                                  steps[i].payload, steps[i].at)
                          .outcome;
    REQUIRE(o.accepted);
  }
  Case loaded = load_case(store, engine, c.id());
  fire_steps(c, 0, step_index("kickoff.meeting"));
  // Loaded from its head, without replay or ledger; the store gives the whole snapshot too.
  CHECK(!loaded.ledger_complete());
  CHECK(loaded.snapshot() == c.snapshot(SnapshotOptions{false}));
  CHECK(store.snapshot(c.id()) == c.snapshot());
  CHECK(store.entry_count() == c.revision());
  CHECK(store.check().empty());

  // A refused event writes nothing.
  const Outcome refused =
      fire_stored(store, engine, c.id(), "case.close", Actor{"li", {"sales"}}, {}, at("2026-04-01"))
          .outcome;
  CHECK_FALSE(refused.accepted);
  CHECK(store.entry_count() == c.revision());

  auto ledger = store.ledger(c.id());
  REQUIRE(ledger);
  CHECK(to_json(*ledger) == to_json(c.case_ledger()));
  CHECK_FALSE(store.snapshot("nope").has_value());
  CHECK_FALSE(store.ledger("nope").has_value());
  CHECK(error_of([&] { load_case(store, engine, "nope"); }).kind() == ErrorKind::not_found);
}

TEST_CASE("store: a stale revision is refused with a conflict and writes nothing", "[store]") {
  Engine engine;
  TestStore store("conflict");
  Case c = engine.create_case(full_order().id, full_order().data);
  store.create(c);
  CHECK(error_of([&] { store.create(c); }).kind() == ErrorKind::conflict);  // the id is taken

  // Two users load revision 0; both fire; the second save is stale.
  Case a = load_case(store, engine, c.id());
  Case b = load_case(store, engine, c.id());
  const auto& s0 = full_order().steps[0];
  REQUIRE(a.fire(s0.event, s0.actor, s0.payload, s0.at).accepted);
  REQUIRE(b.fire(s0.event, s0.actor, s0.payload, s0.at).accepted);
  store.save(a, 0);
  const Error e = error_of([&] { store.save(b, 0); });
  CHECK(e.kind() == ErrorKind::conflict);
  CHECK(e.why().find("stale revision") != std::string::npos);
  CHECK(store.entry_count() == 1);
  // The loser reloads and goes on from the stored revision.
  Case fresh = load_case(store, engine, c.id());
  CHECK(fresh.revision() == 1);
  const auto& s1 = full_order().steps[1];
  REQUIRE(fresh.fire(s1.event, s1.actor, s1.payload, s1.at).accepted);
  store.save(fresh, 1);
  CHECK(store.entry_count() == 2);
  CHECK(error_of([&] { store.save(fresh, 5); }).kind() == ErrorKind::invalid_argument);
  Case unknown = engine.create_case("other", full_order().data);
  CHECK(error_of([&] { store.save(unknown, 0); }).kind() == ErrorKind::not_found);
  CHECK(store.check().empty());
}

TEST_CASE("store: list, filters and ledgers for KPIs", "[store]") {
  Engine engine;
  TestStore store("list");
  const std::size_t cuts[] = {2, step_index("kickoff.meeting"), full_order().steps.size()};
  int n = 0;
  for (std::size_t cut : cuts) {
    Case c = engine.create_case("SO-" + std::to_string(++n), full_order().data);
    fire_steps(c, 0, cut);
    store.create(c);
  }
  auto all = store.list();
  REQUIRE(all.size() == 3);
  CHECK(all[0].case_id == "SO-1");
  CHECK(all[0].stage == "Evaluation");
  CHECK(all[0].customer == "Hengda Machinery");
  CHECK(all[1].stage == "Kickoff");
  CHECK(all[2].stage == "Closed");
  CHECK(all[2].terminated);
  CHECK_FALSE(all[2].attention.has_value());
  REQUIRE(all[1].attention.has_value());
  CHECK(format_iso8601(*all[1].attention) == "2026-06-17T00:00:00Z");  // delivery warning window

  CaseFilter open;
  open.open_only = true;
  CHECK(store.list(open).size() == 2);
  CaseFilter stage;
  stage.stage = "Kickoff";
  CHECK(store.list(stage).size() == 1);
  CaseFilter attention;
  attention.attention_by = at("2026-03-20");
  REQUIRE(store.list(attention).size() == 1);  // SO-1: evaluation decision warns from 03-14
  CHECK(store.list(attention)[0].case_id == "SO-1");
  CaseFilter limit;
  limit.limit = 2;
  CHECK(store.list(limit).size() == 2);

  const auto ledgers = load_ledgers(store, engine);
  REQUIRE(ledgers.size() == 3);
  CHECK(ledgers[2].entries.size() == full_order().steps.size());
  CHECK(ledgers[2].data == full_order().data);
  CHECK(ledgers[2].policy_version == engine.policy()->version());
}

TEST_CASE("store: a transaction commits together or not at all", "[store]") {
  Engine engine;
  TestStore store("tx");
  store.transaction([&] {
    for (int i = 0; i < 5; ++i)
      store.create(engine.create_case("T-" + std::to_string(i), full_order().data));
  });
  CHECK(store.case_count() == 5);
  CHECK_THROWS(store.transaction([&] {
    store.create(engine.create_case("T-9", full_order().data));
    store.create(engine.create_case("T-0", full_order().data));  // conflict: rolls back T-9 too
  }));
  CHECK(store.case_count() == 5);
  CHECK_FALSE(store.snapshot("T-9").has_value());
}

TEST_CASE("store: the engine ticks the cases whose deadlines have come", "[store][deadline]") {
  Engine engine;
  std::vector<std::string> heard;
  engine.set_listener(
      [&](const Case& c, const Outcome& o) { heard.push_back(c.id() + " " + o.event); });
  TestStore store("tick");
  Case a = engine.create_case("A", full_order().data);
  fire_steps(a, 0, step_index("contract.draft"));  // contract signing due 04-06T09
  store.create(a);
  Case b = engine.create_case("B", full_order().data);
  fire_steps(b, 0, full_order().steps.size());  // closed: never ticked
  store.create(b);
  heard.clear();

  StoreTickReport r = tick_stored(store, engine, at("2026-03-20"));
  CHECK(r.cases_checked == 0);
  r = tick_stored(store, engine, at("2026-04-02"));
  CHECK(r.cases_checked == 1);
  CHECK(r.escalated == 0);
  REQUIRE(r.cases.size() == 1);
  CHECK(r.cases[0].items.at(0).status == DeadlineStatus::due_soon);

  r = tick_stored(store, engine, at("2026-04-07"));
  CHECK(r.escalated == 1);
  CHECK(r.failures.empty());
  CHECK(heard == std::vector<std::string>{"A deadline.escalated"});
  Case stored = load_case(store, engine, "A");
  CHECK(stored.revision() == a.revision() + 1);
  CHECK(store.ledger("A")->entries.back().kind == EntryKind::escalation);

  // Ticking again at the same time records nothing more.
  r = tick_stored(store, engine, at("2026-04-07"));
  CHECK(r.escalated == 0);
  CHECK(load_case(store, engine, "A").revision() == a.revision() + 1);
  CHECK(store.check().empty());
  CHECK(r.to_json().at("cases").as_array().size() == 1);
}

TEST_CASE("store: reopening keeps everything; junk files are refused", "[store][sqlite]") {
  TempFile file("reopen");
  Engine engine;
  Case c = engine.create_case(full_order().id, full_order().data);
  fire_steps(c, 0, 10);
  {
    SqliteCaseStore store(file.path());  // durable settings
    store.create(c);
  }
  {
    SqliteCaseStore store(file.path());
    CHECK(load_case(store, engine, c.id()).snapshot() == c.snapshot(SnapshotOptions{false}));
  }
  TempFile junk("junk");
  {
    std::ofstream out(junk.path());
    out << "this is not a database, just text that is long enough to look like a header......";
  }
  const Error e = error_of([&] { SqliteCaseStore store(junk.path()); });
  CHECK(e.kind() == ErrorKind::io);
  CHECK(e.where().find(junk.path()) != std::string::npos);
  SqliteOptions no_create;
  no_create.create = false;
  TempFile missing("missing");
  CHECK(error_of([&] { SqliteCaseStore store(missing.path(), no_create); }).kind() ==
        ErrorKind::io);
}

TEST_CASE("store: numbers Boost.JSON misreads come back exactly", "[store][snapshot]") {
  // Boost.JSON 1.81's parser reads 9.523809523809523E-2 one ulp away from the double it printed;
  // the store reads with parse_json (json_text.hpp), which does not.
  Engine engine;
  TestStore store("ulp");
  Case c = engine.create_case(full_order().id, full_order().data);
  fire_steps(c, 0, 2);
  REQUIRE(c.fire("evaluation.quote", Actor{"li", {"sales"}},
                 json::object{{"price", 420000}, {"cost", 380000}}, at("2026-03-05"))
              .accepted);
  REQUIRE(c.fire("evaluation.quote", Actor{"li", {"sales"}},
                 json::object{{"price", 1234.57}, {"cost", 1000.01}}, at("2026-03-05"))
              .accepted);
  store.create(c);
  Case loaded = load_case(store, engine, c.id());
  CHECK(loaded.revision() == c.revision());
  CHECK(loaded.record().at("evaluation").at("quote").at("margin").as_double() ==
        c.record().at("evaluation").at("quote").at("margin").as_double());
  const SnapshotOptions head{false};  // a loaded case is its head; the store has the rest
  CHECK(loaded.snapshot(head) == c.snapshot(head));
  CHECK(*store.snapshot(c.id()) == c.snapshot());
}

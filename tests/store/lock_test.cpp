// Locking of the SQLite store between connections, in one process (issue 13): a save waits for the
// write lock or is refused as a stale revision (ErrorKind::conflict), never with a lock error while
// the busy timeout has not elapsed; a read sees what other connections committed before it; a
// write inside a read transaction is refused; and when the busy timeout does elapse, the error
// names the lock and the wait. Two SqliteCaseStore objects on one file are two connections, as two
// processes would have.
#include <sqlite3.h>

#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "replay_support.hpp"  // TempFile, error_of
#include "store_support.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/sqlite_store.hpp"

using namespace undertake;
using namespace store_test;
using ut_test::error_of;
using ut_test::TempFile;

namespace {

// Loads the case, fires once and saves: what a host does per event.
void fire_and_save(SqliteCaseStore& store, const Engine& engine, const std::string& id) {
  Case c = load_case(store, engine, id);
  const auto loaded = c.revision();
  REQUIRE(hand_over(c).accepted);
  store.save(c, loaded);
}

// Two connections to one store with the cases KA and KB.
struct TwoConnections {
  TempFile file{"lock"};
  Engine engine;
  SqliteCaseStore one{file.path(), no_sync()};
  SqliteCaseStore two{file.path(), no_sync()};
  TwoConnections() {
    one.create(engine.create_case("KA", {}));
    one.create(engine.create_case("KB", {}));
  }
  std::uint64_t revision(const std::string& id) { return load_case(two, engine, id).revision(); }
};

}  // namespace

TEST_CASE("a read leaves no snapshot open: connection one's save after connection two's save",
          "[store][lock]") {
  // Each read of connection one, then a commit of connection two, then a save of connection one:
  // a read statement left stepping would keep connection one on the snapshot from before the
  // commit, and its BEGIN IMMEDIATE would fail at once (SQLITE_BUSY_SNAPSHOT).
  const std::vector<std::pair<const char*, std::function<void(SqliteCaseStore&)>>> reads = {
      {"snapshot", [](SqliteCaseStore& s) { CHECK(s.snapshot("KA")); }},
      {"snapshot of a missing case", [](SqliteCaseStore& s) { CHECK_FALSE(s.snapshot("none")); }},
      {"ledger", [](SqliteCaseStore& s) { CHECK(s.ledger("KA")); }},
      {"list", [](SqliteCaseStore& s) { CHECK(s.list().size() == 2); }},
      {"list with a limit",
       [](SqliteCaseStore& s) {
         CaseFilter first;
         first.limit = 1;
         CHECK(s.list(first).size() == 1);
       }},
      {"for_each_ledger",
       [](SqliteCaseStore& s) {
         std::size_t n = 0;
         s.for_each_ledger({}, [&](CaseLedger&&) { ++n; });
         CHECK(n == 2);
       }},
      {"check", [](SqliteCaseStore& s) { CHECK(s.check().empty()); }},
      {"case_count", [](SqliteCaseStore& s) { CHECK(s.case_count() == 2); }},
      {"entry_count", [](SqliteCaseStore& s) { CHECK(s.entry_count() == 0); }},
  };
  for (const auto& [name, read] : reads) {
    DYNAMIC_SECTION(name) {
      TwoConnections t;
      Case ka = load_case(t.one, t.engine, "KA");
      const auto loaded = ka.revision();
      read(t.one);
      fire_and_save(t.two, t.engine, "KB");
      REQUIRE(hand_over(ka).accepted);
      t.one.save(ka, loaded);
      CHECK(t.revision("KA") == loaded + 1);
      CHECK(t.revision("KB") == 1);
    }
  }
}

TEST_CASE("a write leaves no snapshot open: connection one saves twice around connection two",
          "[store][lock]") {
  TwoConnections t;
  fire_and_save(t.one, t.engine, "KA");
  fire_and_save(t.two, t.engine, "KB");
  fire_and_save(t.one, t.engine, "KA");
  t.one.create(t.engine.create_case("KC", {}));
  fire_and_save(t.two, t.engine, "KB");
  fire_and_save(t.one, t.engine, "KC");
  CHECK(t.revision("KA") == 2);
  CHECK(t.revision("KB") == 2);
  CHECK(t.revision("KC") == 1);
}

TEST_CASE("a read sees what another connection committed before it", "[store][lock]") {
  TwoConnections t;
  fire_and_save(t.one, t.engine, "KA");  // connection one's last statement read KA at revision 0
  fire_and_save(t.two, t.engine, "KA");
  const auto l = t.one.ledger("KA");
  REQUIRE(l);
  CHECK(l->entries.size() == 2);
  CHECK(load_case(t.one, t.engine, "KA").revision() == 2);
  CHECK(t.one.list().at(0).revision == 2);
}

TEST_CASE("a stale revision is a conflict, not a lock error", "[store][lock]") {
  TwoConnections t;
  Case ka = load_case(t.one, t.engine, "KA");
  fire_and_save(t.two, t.engine, "KA");
  REQUIRE(hand_over(ka).accepted);
  const Error e = error_of([&] { t.one.save(ka, 0); });
  CHECK(e.kind() == ErrorKind::conflict);
  CHECK_THAT(e.what(), Catch::Contains("stale revision"));
  CHECK(t.revision("KA") == 1);
  fire_and_save(t.one, t.engine, "KA");  // a fresh load succeeds
  CHECK(t.revision("KA") == 2);
}

TEST_CASE("an exception inside for_each_ledger leaves no snapshot open", "[store][lock]") {
  TwoConnections t;
  Case ka = load_case(t.one, t.engine, "KA");
  CHECK_THROWS_AS(t.one.for_each_ledger({}, [](CaseLedger&&) { throw std::runtime_error("host"); }),
                  std::runtime_error);
  fire_and_save(t.two, t.engine, "KB");
  REQUIRE(hand_over(ka).accepted);
  t.one.save(ka, 0);
  CHECK(t.revision("KA") == 1);
}

TEST_CASE("a damaged row fails the read mid-step and leaves no snapshot open", "[store][lock]") {
  TwoConnections t;
  {
    // KB's head is no object, its state no JSON: the reads fail at the second row.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(t.file.path().c_str(), &db) == SQLITE_OK);
    const int rc = sqlite3_exec(db, "UPDATE cases SET head = '[1]', state = 'nope' WHERE id = 'KB'",
                                nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
  }
  Case ka = load_case(t.one, t.engine, "KA");
  CHECK(error_of([&] { t.one.list(); }).kind() == ErrorKind::invalid_snapshot);
  CHECK(error_of([&] { load_ledgers(t.one, t.engine); }).kind() == ErrorKind::invalid_snapshot);
  const Error e = error_of([&] { t.one.ledger("KB"); });
  CHECK(e.kind() == ErrorKind::invalid_snapshot);
  CHECK_THAT(e.what(), Catch::Contains("case KB") && Catch::Contains("not an object"));
  fire_and_save(t.two, t.engine, "KA");
  fire_and_save(t.two, t.engine, "KA");
  REQUIRE(hand_over(ka).accepted);
  CHECK(error_of([&] { t.one.save(ka, 0); }).kind() == ErrorKind::conflict);
  CHECK(t.one.ledger("KA")->entries.size() == 2);
}

TEST_CASE("a write inside for_each_ledger's callback is refused", "[store][lock]") {
  // The callback runs inside a read transaction, which SQLite cannot turn into a write once
  // another connection has committed; refusing it always is what makes it not fail at random.
  TwoConnections t;
  const Error e = error_of([&] {
    t.one.for_each_ledger({}, [&](CaseLedger&& l) { fire_and_save(t.one, t.engine, l.case_id); });
  });
  CHECK(e.kind() == ErrorKind::invalid_argument);
  CHECK_THAT(e.what(), Catch::Contains("for_each_ledger"));
  CHECK(t.revision("KA") == 0);
  // Reads inside the callback are fine.
  std::size_t snapshots = 0;
  t.one.for_each_ledger({},
                        [&](CaseLedger&& l) { snapshots += t.one.snapshot(l.case_id) ? 1 : 0; });
  CHECK(snapshots == 2);
}

TEST_CASE("when the busy timeout elapses, the error names the lock and the wait", "[store][lock]") {
  TempFile file("lock-timeout");
  Engine engine;
  SqliteOptions impatient = no_sync();
  impatient.busy_timeout_ms = 50;
  SqliteCaseStore holder(file.path(), no_sync());
  SqliteCaseStore waiter(file.path(), impatient);
  holder.create(engine.create_case("KA", {}));
  Case ka = load_case(waiter, engine, "KA");
  REQUIRE(hand_over(ka).accepted);
  Error e(ErrorKind::io, "", "");
  holder.transaction([&] {  // holds the write lock while the waiter tries to save
    fire_and_save(holder, engine, "KA");
    e = error_of([&] { waiter.save(ka, 0); });
  });
  CHECK(e.kind() == ErrorKind::io);
  CHECK_THAT(e.what(), Catch::Contains("locked") && Catch::Contains("50 ms"));
  CHECK_THAT(e.where(), Catch::Contains(file.path()));
  // The waiter is unharmed: its revision check now sees the holder's commit.
  CHECK(error_of([&] { waiter.save(ka, 0); }).kind() == ErrorKind::conflict);
  fire_and_save(waiter, engine, "KA");
  CHECK(load_case(holder, engine, "KA").revision() == 2);
}

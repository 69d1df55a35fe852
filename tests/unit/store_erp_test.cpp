// The store at ERP scale (issue 15, design.md §9): worklists answered from the index saves
// maintain, the change feed and a consumer that sends each notification exactly once, idempotent
// fires and conflicts retried, saving only what changed, schema migration, and the errors of
// missing, junk, read-only and newer stores; edited rows found by the audit.
#include <sqlite3.h>

#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "replay_support.hpp"
#include "support/test_store.hpp"
#include "undertake/engine.hpp"
#include "undertake/sqlite_store.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace ut_test;

namespace {

SqliteOptions fast() {
  SqliteOptions o;
  o.synchronous = SqliteOptions::Sync::off;
  return o;
}

const Actor kSales{"li", {"sales"}};
const Actor kLegal{"zhou", {"legal"}};
const Actor kQualityAndProduction{"qian", {"quality", "production"}};

// Runs one SQL statement on the file with SQLite itself (a foreign writer, a damaged disk).
void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &message);
  const int changed = sqlite3_changes(db);
  INFO((message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
  REQUIRE(changed > 0);
}

// Stores copies of the full order stopped at `steps` steps each, ids P-00, P-01, ...
template <class Store>  // TestStore or SqliteCaseStore: both have transaction()
std::vector<std::string> seed_store(Store& store, const Engine& engine,
                                    const std::vector<std::size_t>& steps) {
  std::vector<std::string> ids;
  store.transaction([&] {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const std::string id = "P-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
      Case c = engine.create_case(id, full_order().data);
      fire_steps(c, 0, steps[i]);
      store.create(c);
      ids.push_back(id);
    }
  });
  return ids;
}

std::set<std::string> case_ids(const InboxPage& page) {
  std::set<std::string> out;
  for (const auto& i : page.items) out.insert(i.summary.case_id);
  return out;
}

std::vector<std::string> events_of(const InboxPage& page, const std::string& id) {
  for (const auto& i : page.items)
    if (i.summary.case_id == id) {
      std::vector<std::string> out;
      for (const auto& e : i.events) out.push_back(e.event + (e.gated ? "*" : ""));
      return out;
    }
  return {};
}

}  // namespace

TEST_CASE("store: the inbox lists the cases an actor may act on now, from the index",
          "[store][inbox]") {
  Engine engine;
  TestStore store("inbox");
  const std::size_t in_legal = step_index("contract.legal_approve");
  const std::size_t closed = full_order().steps.size();
  const auto ids = seed_store(store, engine, {0, 1, in_legal, in_legal, closed});
  // P-00 Intake.Registered (market), P-01 Intake.SalesReview (sales confirms), P-02/P-03 legal
  // review, P-04 closed: in nobody's inbox.
  InboxQuery legal{kLegal};
  InboxPage page = store.inbox(legal);
  CHECK(case_ids(page) == std::set<std::string>{"P-02", "P-03"});
  CHECK(events_of(page, "P-02") ==
        std::vector<std::string>{"contract.legal_approve", "contract.legal_reject"});
  CHECK(page.next.empty());
  page = store.inbox(InboxQuery{kSales});
  CHECK(case_ids(page).count("P-01"));
  // In Intake.Registered only market forwards; sales may still suspend or cancel it.
  CHECK(events_of(page, "P-00") ==
        std::vector<std::string>{"case.cancel", "case.handover", "case.suspend"});
  CHECK(!case_ids(page).count("P-04"));  // closed
  const auto sales_events = events_of(page, "P-01");
  CHECK(std::find(sales_events.begin(), sales_events.end(), "intake.confirm*") !=
        sales_events.end());  // gated: the completeness rules run when it is fired

  // Each listed case's events are exactly those the case accepts for the actor now.
  for (const auto& item : page.items) {
    const Case c = load_case(store, engine, item.summary.case_id);
    std::vector<std::string> expected;
    for (const auto& e : c.available(kSales)) expected.push_back(e.event);
    std::vector<std::string> got;
    for (const auto& e : item.events) got.push_back(e.event);
    std::sort(expected.begin(), expected.end());
    CHECK(got == expected);
  }

  // The index follows saves: after legal approves P-02 it leaves the legal inbox.
  const auto& step = full_order().steps[in_legal];
  REQUIRE(fire_stored(store, engine, "P-02", step.event, step.actor, step.payload, step.at)
              .outcome.accepted);
  CHECK(case_ids(store.inbox(legal)) == std::set<std::string>{"P-03"});

  // Filters and pages.
  InboxQuery by_stage{kSales};
  by_stage.stage = "Intake";
  CHECK(case_ids(store.inbox(by_stage)) == std::set<std::string>{"P-00", "P-01"});
  by_stage.stage = "Contract";
  CHECK(case_ids(store.inbox(by_stage)) == std::set<std::string>{"P-02", "P-03"});
  InboxQuery by_customer{kLegal};
  by_customer.customer = "nobody";
  CHECK(store.inbox(by_customer).items.empty());
  by_customer.customer = std::string(full_order().data.at("customer").at("name").as_string());
  CHECK(case_ids(store.inbox(by_customer)) == std::set<std::string>{"P-03"});
  InboxQuery two_roles{kQualityAndProduction};
  two_roles.limit = 1;
  std::vector<std::string> paged;
  for (;;) {
    const InboxPage p = store.inbox(two_roles);
    REQUIRE(p.items.size() <= 1);
    for (const auto& i : p.items) paged.push_back(i.summary.case_id);
    if (p.next.empty()) break;
    two_roles.after = p.next;
  }
  InboxQuery all{kQualityAndProduction};
  all.limit = 1000;
  std::vector<std::string> at_once;
  for (const auto& i : store.inbox(all).items) at_once.push_back(i.summary.case_id);
  CHECK(paged == at_once);
  CHECK(std::is_sorted(paged.begin(), paged.end()));
}

TEST_CASE("store: the inbox filters by due deadlines", "[store][inbox][deadline]") {
  Engine engine;
  TestStore store("inbox-due");
  // After evaluation.approve the contract must be signed within 30 days (contract-signing).
  seed_store(store, engine, {step_index("contract.draft"), 1});
  InboxQuery q{kSales};
  q.due_by = at("2026-04-30");
  CHECK(case_ids(store.inbox(q)) == std::set<std::string>{"P-00"});
  q.due_by = at("2026-03-10");
  CHECK(store.inbox(q).items.empty());
  const InboxPage page = store.inbox(InboxQuery{kSales});
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].summary.due.has_value());
  CHECK(!page.items[1].summary.due.has_value());
  CHECK(page.to_json().at("items").as_array()[0].at("events").is_array());
  CHECK(InboxQuery::from_json(json::parse(R"({"actor": {"id": "li", "roles": ["sales"]},
        "stage": "Contract", "due_by": "2026-04-30", "limit": 5})"),
                              "query")
            .limit == 5);
  CHECK(error_of([] {
          InboxQuery::from_json(json::parse(R"({"actor": {"id": "li"}, "limit": 0})"), "q");
        }).where() == "q.limit");
}

// A save writes only the worklist rows that differ from the stored ones (a role's row updated as
// its events come and go and when the due or the stage changes, inserted or deleted as roles gain
// or lose every event): after every step of the full order the rows are exactly those of the case
// as loaded, and every row carries the case's stage and due (the inbox's filters). So do the
// cases table's stage, terminated and attention columns, which a save sets only when they change.
TEST_CASE("store: after every save the worklist is what the case accepts, with its stage and due",
          "[store][inbox]") {
  Engine engine;
  TestStore store("worklist-steps");
  const auto& order = full_order();
  store.create(engine.create_case("W-1", order.data));
  InboxQuery everyone{Actor{"checker", engine.policy()->roles()}};
  everyone.limit = 10;
  std::size_t with_due = 0;
  for (std::size_t i = 0; i < order.steps.size(); ++i) {
    const Step& step = order.steps[i];
    INFO("step " << i << " " << step.event);
    REQUIRE(fire_stored(store, engine, "W-1", step.event, step.actor, step.payload, step.at)
                .outcome.accepted);
    CHECK(check_store(store, engine).empty());
    const Case c = load_case(store, engine, "W-1");
    const CaseSummary summary = CaseSummary::of(c);
    // The cases table's indexed columns (set apart, when they change) are the case's.
    const std::vector<CaseSummary> listed = store.list();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].stage == summary.stage);
    CHECK(listed[0].terminated == summary.terminated);
    CHECK(listed[0].attention == summary.attention);
    CaseFilter in_stage;
    in_stage.stage = summary.stage;
    CHECK(store.list(in_stage).size() == 1);
    if (summary.attention) {
      CaseFilter attention;
      attention.attention_by = *summary.attention;
      CHECK(store.list(attention).size() == 1);
      attention.attention_by = *summary.attention - std::chrono::milliseconds(1);
      CHECK(store.list(attention).empty());
    }
    std::size_t rows = 0;
    for (const WorkItem& w : work_items(c)) rows += w.roles.size();
    std::size_t stored_rows = 0;
    for (const WorkItem& w : store.worklist("W-1")) stored_rows += w.roles.size();
    CHECK(stored_rows == rows);
    // Every row has the stage and the due: a filter on them lists all of the case's events.
    const auto listed_events = [&](InboxQuery q) {
      std::size_t n = 0;
      for (const auto& item : store.inbox(q).items) n += item.events.size();
      return n;
    };
    const std::size_t events = work_items(c).size();
    InboxQuery by_stage = everyone;
    by_stage.stage = summary.stage;
    CHECK(listed_events(by_stage) == events);
    if (summary.due) {
      ++with_due;
      InboxQuery due = everyone;
      due.due_by = *summary.due;
      CHECK(listed_events(due) == events);
      due.due_by = *summary.due - std::chrono::milliseconds(1);
      CHECK(listed_events(due) == 0);
    }
  }
  CHECK(with_due > 0);  // the order passes deadlines: the due column was written and changed
  CHECK(store.list().at(0).terminated);
}

TEST_CASE("store: the change feed gives every saved entry once, in commit order",
          "[store][changes]") {
  Engine engine;
  TestStore store("changes");
  seed_store(store, engine, {3, 5});  // 8 entries
  std::vector<Change> all = store.changes(0, 1000);
  REQUIRE(all.size() == 8);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i].position == i + 1);
  CHECK(all[0].case_id == "P-00");
  CHECK(all[3].case_id == "P-01");
  CHECK(all[3].entry.seq == 1);
  // Later fires and escalations append; reading from a position continues where it stopped.
  const auto& s = full_order().steps[3];
  REQUIRE(fire_stored(store, engine, "P-00", s.event, s.actor, s.payload, s.at).outcome.accepted);
  const std::vector<Change> next = store.changes(all.back().position, 10);
  REQUIRE(next.size() == 1);
  CHECK(next[0].position == 9);
  CHECK(next[0].entry.seq == 4);
  CHECK(store.changes(0, 3).size() == 3);
  CHECK(store.changes(9, 10).empty());
  CHECK(next[0].to_json().at("entry").at("hash").is_string());
  CHECK(store.check().empty());
}

TEST_CASE("store: a consumer of the change feed sends each notification exactly once",
          "[store][changes]") {
  // Policy §二(三)2: an archived contract's copies go to market, technical, production and
  // quality; deadlines.json: an escalation goes to its roles. The consumer keeps its position
  // beside what it sent (one transaction of its own), and crashes now and then: after every
  // restart it goes on from its stored position, and in the end every notification was sent once.
  Engine engine;
  TestStore store("notify");
  seed_store(store, engine, {step_index("kickoff.meeting"), step_index("kickoff.meeting")});
  tick_stored(store, engine, at("2026-12-31"));  // escalations of the deadlines still pending

  std::multiset<std::string> sent;  // the consumer's outbox (what it would mail)
  std::uint64_t position = 0;       // its stored position
  auto notifications_of = [](const Change& ch) {
    std::vector<std::string> out;
    if (ch.entry.kind == EntryKind::escalation) {
      for (const auto& role : ch.entry.payload.at("escalate_to").as_array())
        out.push_back(ch.case_id + " escalation " +
                      std::string(ch.entry.payload.at("deadline").as_string()) + " to " +
                      std::string(role.as_string()));
    } else if (ch.entry.event == EventId::contract_archive) {
      for (const char* dept : {"market", "technical", "production", "quality"})
        out.push_back(ch.case_id + " contract copy to " + dept);
    }
    return out;
  };
  int crashes = 0;
  std::set<std::uint64_t> crashed_at;  // each crash point once: the restart then gets past it
  for (int run = 0; run < 100; ++run) {
    const std::vector<Change> batch = store.changes(position, 3);
    if (batch.empty()) break;
    for (const Change& ch : batch) {
      // What the consumer commits for one change: its notifications and its new position.
      std::multiset<std::string> staged = sent;
      for (auto& n : notifications_of(ch)) staged.insert(n);
      if (ch.position % 3 == 0 && crashed_at.insert(ch.position).second) {
        ++crashes;  // a crash before the commit: nothing of this change stays
        break;
      }
      sent = std::move(staged);
      position = ch.position;
    }
  }
  CHECK(crashes > 0);
  CHECK(position == store.changes(0, 10000).back().position);
  std::multiset<std::string> expected;
  for (const Change& ch : store.changes(0, 10000))
    for (auto& n : notifications_of(ch)) expected.insert(n);
  CHECK(sent == expected);
  CHECK(sent.count("P-00 contract copy to quality") == 1);
  CHECK(std::any_of(sent.begin(), sent.end(),
                    [](const std::string& n) { return n.find(" escalation ") != n.npos; }));
  for (const auto& n : sent) CHECK(sent.count(n) == 1);
}

TEST_CASE("store: a repeated request id gets the first outcome and fires nothing",
          "[store][idempotent]") {
  Engine engine;
  int heard = 0;
  engine.set_listener([&](const Case&, const Outcome&) { ++heard; });
  TestStore store("requests");
  seed_store(store, engine, {1});
  heard = 0;
  const auto& s = full_order().steps[1];
  const FireOptions request{"req-1"};
  const StoredFire first =
      fire_stored(store, engine, "P-00", s.event, s.actor, s.payload, s.at, request);
  REQUIRE(first.outcome.accepted);
  CHECK(!first.repeated);
  CHECK(first.attempts == 1);
  // The host timed out and retries: same answer, no second entry, no second notification.
  const StoredFire again =
      fire_stored(store, engine, "P-00", s.event, s.actor, s.payload, s.at, request);
  CHECK(again.repeated);
  CHECK(again.outcome.to_json() == first.outcome.to_json());
  CHECK(again.revision == first.revision);
  CHECK(store.entry_count() == 2);
  CHECK(heard == 1);
  // A refusal is remembered too: a repeat is answered the same even after the state changed.
  const StoredFire refused = fire_stored(store, engine, "P-00", "case.close", kSales, {},
                                         at("2026-03-04"), FireOptions{"req-2"});
  CHECK(!refused.outcome.accepted);
  const auto& next = full_order().steps[2];
  REQUIRE(fire_stored(store, engine, "P-00", next.event, next.actor, next.payload, next.at)
              .outcome.accepted);
  const StoredFire refused_again = fire_stored(store, engine, "P-00", "case.close", kSales, {},
                                               at("2026-03-04"), FireOptions{"req-2"});
  CHECK(refused_again.repeated);
  CHECK(refused_again.outcome.reasons.size() == refused.outcome.reasons.size());
  // Request ids are per case.
  CHECK(!store.remembered("P-01", "req-1"));
  CHECK(store.remembered("P-00", "req-1"));
  CHECK(first.to_json("P-00", "req-1").at("request_id") == "req-1");
}

TEST_CASE("store: a conflict is retried on a fresh load, up to the attempts allowed",
          "[store][conflict]") {
  Engine engine;
  TestStore store("retry");
  seed_store(store, engine, {step_index("contract.sign")});
  // A store that lets another writer in between the load and the save of the first attempt.
  class Interfering final : public CaseStore {
   public:
    Interfering(CaseStore& inner, const Engine& engine) : inner_(inner), engine_(engine) {}
    void create(const Case& c) override { inner_.create(c); }
    void save(const Case& c, std::uint64_t expected, const RememberedRequest* r) override {
      if (interfere_-- > 0) {  // someone else handed the case over meanwhile
        Case other = load_case(inner_, engine_, c.id());
        const auto rev = other.revision();
        REQUIRE(other
                    .fire("case.handover", {"boss", {"management"}},
                          json::object{{"from", "li"}, {"to", "wang"}},
                          *other.ledger_head().at + std::chrono::minutes(1))
                    .accepted);
        inner_.save(other, rev);
      }
      inner_.save(c, expected, r);
    }
    std::optional<json::value> head(std::string_view id) const override { return inner_.head(id); }
    std::optional<CaseLedger> ledger(std::string_view id) const override {
      return inner_.ledger(id);
    }
    std::vector<CaseSummary> list(const CaseFilter& f) const override { return inner_.list(f); }
    int interfere_ = 1;

   private:
    CaseStore& inner_;
    const Engine& engine_;
  } racing(store, engine);
  const auto& sign = full_order().steps[step_index("contract.sign")];
  const StoredFire r =
      fire_stored(racing, engine, "P-00", sign.event, sign.actor, sign.payload, at("2026-03-15"));
  CHECK(r.outcome.accepted);
  CHECK(r.attempts == 2);
  CHECK(load_case(store, engine, "P-00").state() == std::vector<std::string>{"Contract.Signed"});
  // Out of attempts: the conflict reaches the caller and nothing is stored.
  racing.interfere_ = 5;
  const auto before = load_case(store, engine, "P-00").revision();
  CHECK(error_of([&] {
          fire_stored(racing, engine, "P-00", "contract.archive", kSales, {}, at("2026-03-20"),
                      FireOptions{"", 2});
        }).kind() == ErrorKind::conflict);
  CHECK(load_case(store, engine, "P-00").revision() == before + 2);  // the two interfering saves
}

TEST_CASE("store: saving writes only the new entries, never the history", "[store][sqlite]") {
  TempFile file("delta");
  Engine engine;
  SqliteCaseStore store(file.path(), fast());
  seed_store(store, engine, {step_index("production.report")});
  // A row the save would rewrite if it wrote the whole ledger: edit it behind the store's back.
  sql(file.path(), "UPDATE ledger SET kind = 'edited' WHERE case_id = 'P-00' AND seq = 1");
  Case c = load_case(store, engine, "P-00");
  CHECK(c.ledger().empty());  // loaded from its head: no entries held
  const auto& s = full_order().steps[step_index("production.report")];
  const auto loaded = c.revision();
  REQUIRE(c.fire(s.event, s.actor, s.payload, s.at).accepted);
  store.save(c, loaded);
  CHECK(c.ledger().size() == 1);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.path().c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT kind FROM ledger WHERE case_id = 'P-00' AND seq = 1", -1,
                             &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "edited");
  sqlite3_finalize(st);
  sqlite3_close(db);
  CHECK(store.entry_count() == loaded + 1);
}

TEST_CASE("store: an edited ledger row or head is found, naming where", "[store][sqlite][tamper]") {
  TempFile file("tamper");
  Engine engine;
  SqliteCaseStore store(file.path(), fast());
  seed_store(store, engine, {step_index("kickoff.meeting")});
  REQUIRE(verify_stored(store, engine, "P-00").ok());
  REQUIRE(load_ledgers(store, engine).size() == 1);
  // A ledger row's amount changed in the database (no one can re-hash without replaying).
  sql(file.path(),
      "UPDATE ledger SET entry = replace(entry, '\"amount\":420000', '\"amount\":42000')"
      " WHERE case_id = 'P-00' AND event = 'contract.draft'");
  const Error e = error_of([&] { load_ledgers(store, engine); });
  CHECK(e.kind() == ErrorKind::invalid_snapshot);
  CHECK(e.where() == "case P-00 seq " + std::to_string(step_index("contract.draft") + 1));
  const VerifyReport report = verify_stored(store, engine, "P-00");
  REQUIRE(!report.ok());
  CHECK(report.problems.front().where ==
        "/ledger/" + std::to_string(step_index("contract.draft")) + "/hash");
  // The head edited: refused on load at the digest.
  sql(file.path(),
      "UPDATE cases SET head = replace(head, '\"amount\":420000', '\"amount\":42000')"
      " WHERE head LIKE '%\"amount\":420000%'");
  const Error h = error_of([&] { load_case(store, engine, "P-00"); });
  CHECK(h.kind() == ErrorKind::invalid_snapshot);
  CHECK_THAT(h.where(), Catch::Contains("/digest"));
}

TEST_CASE("store: a schema-1 store is migrated on open", "[store][sqlite][migration]") {
  TempFile file("schema1");
  Engine engine;
  Case c = engine.create_case("OLD-1", full_order().data);
  fire_steps(c, 0, step_index("contract.draft"));
  // What the library of schema 1 wrote: snapshot format 2 heads, unhashed ledger rows.
  {
    json::value head = c.snapshot(SnapshotOptions{false});
    for (auto key : {"digest", "ledger_head", "risk_register"}) head.as_object().erase(key);
    head.as_object()["format_version"] = 2;
    std::string rows;
    for (const auto& e : c.ledger()) {
      json::value entry = to_json(e);
      entry.as_object().erase("hash");
      std::string text = json::serialize(entry);
      for (std::size_t i = 0; (i = text.find('\'', i)) != std::string::npos; i += 2)
        text.replace(i, 1, "''");
      rows += "INSERT INTO ledger VALUES ('OLD-1', " + std::to_string(e.seq) + ", 0, 'event', '" +
              std::string(event_name(e.event)) + "', '" + text + "');";
    }
    std::string head_text = json::serialize(head);
    for (std::size_t i = 0; (i = head_text.find('\'', i)) != std::string::npos; i += 2)
      head_text.replace(i, 1, "''");
    sql(file.path(),
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('schema_version', '1');"
        "CREATE TABLE cases (id TEXT PRIMARY KEY, policy_name TEXT NOT NULL, policy_version TEXT "
        "NOT NULL, revision INTEGER NOT NULL, stage TEXT NOT NULL, state TEXT NOT NULL, terminated "
        "INTEGER NOT NULL, customer TEXT NOT NULL, updated_ms INTEGER, attention_ms INTEGER, head "
        "TEXT NOT NULL);"
        "CREATE TABLE ledger (case_id TEXT NOT NULL, seq INTEGER NOT NULL, at_ms INTEGER NOT NULL,"
        " kind TEXT NOT NULL, event TEXT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (case_id, "
        "seq)) WITHOUT ROWID;"
        "INSERT INTO cases VALUES ('OLD-1', 'default', '2026.1', " +
            std::to_string(c.revision()) +
            ", 'Contract', '[\"Contract.Negotiation\"]', 0, '', 0, "
            "NULL, '" +
            head_text + "');" + rows);
  }
  SqliteCaseStore store(file.path(), fast());
  CHECK(store.schema_version() == 3);
  CHECK(store.check().empty());
  CHECK(store.changes(0, 100).size() == c.revision());  // the old rows entered the feed
  // Its format-2 head restores by replaying its rows; its next save writes a format-3 head.
  Case old = load_case(store, engine, "OLD-1");
  CHECK(old.state() == c.state());
  CHECK(store.inbox(InboxQuery{kSales}).items.empty());  // not indexed yet ...
  CHECK(store.refresh_worklists(engine) == 1);           // ... until a save or a refresh
  CHECK(case_ids(store.inbox(InboxQuery{kSales})) == std::set<std::string>{"OLD-1"});
  const auto& s = full_order().steps[step_index("contract.draft")];
  REQUIRE(fire_stored(store, engine, "OLD-1", s.event, s.actor, s.payload, s.at).outcome.accepted);
  CHECK(store.head("OLD-1")->at("format_version") == 3);
  CHECK(load_case(store, engine, "OLD-1").revision() == c.revision() + 1);
  CHECK_NOTHROW(load_ledgers(store, engine));  // unhashed old rows, hashed new ones
  CHECK(verify_stored(store, engine, "OLD-1").ok());
  // Reopening does not migrate twice.
  SqliteCaseStore again(file.path(), fast());
  CHECK(again.changes(0, 100).size() == c.revision() + 1);
}

// Schema 2 kept a worklist row per case, role and event; schema 3 keeps one per case and role,
// its events in one column. A schema-2 store is rewritten on open: the same inbox, at once (no
// refresh needed), and saves go on from there.
TEST_CASE("store: a schema-2 store's worklist is rewritten on open", "[store][sqlite][migration]") {
  TempFile file("schema2");
  Engine engine;
  InboxQuery everyone{Actor{"checker", engine.policy()->roles()}};
  everyone.limit = 100;
  std::string before;
  {
    SqliteCaseStore store(file.path(), fast());
    seed_store(store, engine, {0, 5, step_index("contract.legal_approve"), 20, 36});
    before = json::serialize(store.inbox(everyone).to_json());
    // Back to what the library of schema 2 wrote, from the rows this one keeps.
    std::string rows;
    for (const CaseSummary& c : store.list())
      for (const WorkItem& w : store.worklist(c.case_id))
        for (const std::string& role : w.roles)
          rows += "INSERT INTO worklist VALUES ('" + c.case_id + "', '" + role + "', '" + w.event +
                  "', " + (w.gated ? "1" : "0") + ", '" + c.stage + "', '" + c.customer + "', " +
                  (c.due ? std::to_string(c.due->time_since_epoch().count()) : "NULL") + ");";
    REQUIRE(!rows.empty());
    sql(file.path(),
        "DROP TABLE worklist;"
        "CREATE TABLE worklist (case_id TEXT NOT NULL, role TEXT NOT NULL, event TEXT NOT NULL,"
        " gated INTEGER NOT NULL, stage TEXT NOT NULL, customer TEXT NOT NULL, due_ms INTEGER,"
        " PRIMARY KEY (case_id, role, event)) WITHOUT ROWID;"
        "CREATE INDEX worklist_by_role ON worklist (role, case_id, event);"
        "CREATE INDEX worklist_by_customer ON worklist (role, customer, case_id, event);"
        "CREATE INDEX worklist_by_stage ON worklist (role, stage, case_id, event);" +
            rows + "UPDATE meta SET value = '2' WHERE key = 'schema_version';");
  }
  SqliteCaseStore store(file.path(), fast());
  CHECK(store.opened_schema_version() == 2);
  CHECK(store.schema_version() == 3);
  CHECK(store.check().empty());
  CHECK(check_store(store, engine).empty());
  CHECK(json::serialize(store.inbox(everyone).to_json()) == before);
  CHECK(store.refresh_worklists(engine) == 0);  // nothing left to index
  const auto& s = full_order().steps[5];
  REQUIRE(fire_stored(store, engine, "P-01", s.event, s.actor, s.payload, s.at).outcome.accepted);
  CHECK(check_store(store, engine).empty());
  SqliteCaseStore again(file.path(), fast());  // reopening does not migrate twice
  CHECK(again.opened_schema_version() == 3);
}

TEST_CASE("store: missing, junk, newer and read-only stores fail clearly and change nothing",
          "[store][sqlite][errors]") {
  TempFile file("errors");
  Engine engine;
  {
    SqliteCaseStore store(file.path(), fast());
    seed_store(store, engine, {2});
  }
  SqliteOptions no_create = fast();
  no_create.create = false;
  TempFile missing("missing");
  Error e = error_of([&] { SqliteCaseStore store(missing.path(), no_create); });
  CHECK(e.kind() == ErrorKind::io);
  CHECK_THAT(e.what(), Catch::Contains(missing.path()));
  CHECK(!std::ifstream(missing.path()));

  SqliteOptions read_only = fast();
  read_only.read_only = true;
  {
    SqliteCaseStore store(file.path(), read_only);
    CHECK(load_case(store, engine, "P-00").revision() == 2);
    CHECK(store.inbox(InboxQuery{kSales}).items.size() == 1);
    Case c = load_case(store, engine, "P-00");
    const auto& s = full_order().steps[2];
    const auto rev = c.revision();
    REQUIRE(c.fire(s.event, s.actor, s.payload, s.at).accepted);
    e = error_of([&] { store.save(c, rev); });
    CHECK(e.kind() == ErrorKind::io);
    CHECK_THAT(e.what(), Catch::Contains("read-only") && Catch::Contains(file.path()));
  }
  CHECK(SqliteCaseStore(file.path(), fast()).entry_count() == 2);

  sql(file.path(), "UPDATE meta SET value = '9' WHERE key = 'schema_version'");
  e = error_of([&] { SqliteCaseStore store(file.path(), fast()); });
  CHECK(e.kind() == ErrorKind::io);
  CHECK_THAT(e.what(), Catch::Contains("schema version 9") && Catch::Contains("newer"));
  sql(file.path(), "UPDATE meta SET value = '3' WHERE key = 'schema_version'");

  TempFile junk("junk");
  std::ofstream(junk.path()) << "not a database, just text that is long enough to be looked at";
  e = error_of([&] { SqliteCaseStore store(junk.path(), fast()); });
  CHECK(e.kind() == ErrorKind::io);
  CHECK_THAT(e.what(), Catch::Contains(junk.path()));

  CHECK(error_of([] { open_store("mysql://nowhere"); }).kind() == ErrorKind::invalid_argument);
  e = error_of([] { open_store("postgresql:///erp?host=/nonexistent-undertake"); });
  CHECK(e.kind() == ErrorKind::io);
  CHECK_THAT(e.what(),
             Catch::Contains("postgresql store erp") && Catch::Contains("cannot connect"));
  CHECK(error_of([] { open_store("postgresql:nothing"); }).kind() == ErrorKind::invalid_argument);
  CHECK(error_of([] { open_store("sqlite:"); }).kind() == ErrorKind::invalid_argument);
  CHECK(open_store("sqlite:" + file.path())->list().size() == 1);
}

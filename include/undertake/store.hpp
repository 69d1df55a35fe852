// undertake — case stores: where cases live between events (design.md §9).
//
// An ERP host does not keep cases in memory: for each request it loads the case from a database
// shared by its app servers, fires, saves. The store is that database's side of the engine:
//
//   * A case is stored as its head (the snapshot without its ledger: Case::snapshot with
//     SnapshotOptions{false}) and its ledger rows. Loading reads the head only and restores the
//     case from it without replaying anything, in time independent of the ledger's length.
//     Saving writes what changed, in ONE transaction: the new ledger rows, the new head, the
//     worklist rows, the change-feed rows and the request record. After a crash a case is either
//     at its old revision or at its new one, never in between, and an event the store
//     acknowledged is never lost.
//   * Optimistic concurrency: save(c, expected_revision) refuses with Error(conflict) when the
//     stored revision is no longer `expected_revision` (another process or thread saved the case in
//     between). Nothing is written then; reload the case, fire again (fire_stored does).
//   * Idempotent fire: fire_stored with a request id remembers (case, request id) → outcome in the
//     transaction that saves the event; a repeat (a host that timed out and retried) gets the
//     first outcome back, and nothing is fired twice.
//   * Worklists: inbox(actor) answers "my tasks" from rows maintained at save — the cases in which
//     one of the actor's roles may fire an event now — without loading any case.
//   * Change feed (transactional outbox): every ledger row saved (accepted events, escalations)
//     gets a global position in the transaction that saves it; changes(after, limit) returns them
//     in order, so a consumer that stores its position handles each exactly once.
//
// Stores: open_store("sqlite:PATH" or a plain path) gives the embedded SQLite store
// (sqlite_store.hpp), open_store("postgresql://...") the PostgreSQL store for several app servers
// on one database (postgres_store.hpp, docs/scaling.md); a host with a database of its own may
// implement CaseStore on it (the first six methods; the rest have defaults that work on those six
// or say they are not available).
//
// Typical use:
//
//   auto store = open_store("sqlite:/var/lib/erp/cases.db");
//   StoredFire r = fire_stored(*store, engine, "SO-1", "contract.sign", actor, payload, at,
//                              FireOptions{"req-7f3a"});   // retries conflicts, idempotent
//   InboxPage mine = store->inbox(InboxQuery{actor});
//   for (const Change& ch : store->changes(last_position, 100)) notify(ch);
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/case.hpp"
#include "undertake/deadlines.hpp"
#include "undertake/ledger.hpp"
#include "undertake/limits.hpp"
#include "undertake/timestamp.hpp"

UNDERTAKE_BEGIN_NAMESPACE

class Engine;
struct VerifyReport;
struct StoreTickReport;

/// What a list or a scheduler needs to know of a case without loading it.
struct UNDERTAKE_API CaseSummary {
  std::string case_id;
  std::string policy_version;
  std::uint64_t revision = 0;
  std::string stage;                 ///< `Contract`, ..., `Closed`
  std::vector<std::string> state;    ///< the active configuration
  bool terminated = false;           ///< Closed, Rejected or Cancelled
  std::string customer;              ///< data.customer.name (for lists), may be empty
  std::optional<Timestamp> updated;  ///< the time of the last ledger entry
  /// The earliest instant at which tick() has something to report (a warning window opens, a
  /// deadline falls due or a reminder is due); nothing when no deadline is pending.
  std::optional<Timestamp> attention;
  /// The earliest due of the pending deadlines (worklists sort and filter by it).
  std::optional<Timestamp> due;

  /// The summary of a case as it is now.
  static CaseSummary of(const Case& c);
  /// `{case_id, policy_version, revision, stage, state, terminated, customer, updated, attention,
  /// due}`
  boost::json::value to_json() const;
};

/// Which cases list() and for_each_ledger() give; every condition must hold.
struct UNDERTAKE_API CaseFilter {
  std::optional<std::string> stage;        ///< the top-level stage
  bool open_only = false;                  ///< not Closed, Rejected or Cancelled
  std::optional<Timestamp> attention_by;   ///< attention ≤ this instant (cases tick() must see)
  std::optional<Timestamp> updated_since;  ///< last entry at or after this instant
  std::size_t limit = 0;                   ///< at most this many (0: all), in case id order

  bool matches(const CaseSummary& s) const noexcept;
};

/// An event that someone may fire now in a case, and who: what the worklist index holds.
struct UNDERTAKE_API WorkItem {
  std::string event;
  bool gated = false;              ///< the event has gate rules, checked when it is fired
  std::vector<std::string> roles;  ///< the roles permitted to fire it
};

/// The worklist rows of a case as it is now: every event its state accepts, with the roles the
/// policy permits for it. Gates are not evaluated (they depend on who fires, with what payload).
UNDERTAKE_API std::vector<WorkItem> work_items(const Case& c);

/// Which cases an actor's worklist shows. Cases are in case id order; a page holds at most
/// `limit` cases and says where the next page starts.
struct UNDERTAKE_API InboxQuery {
  InboxQuery() = default;
  explicit InboxQuery(Actor who) : actor(std::move(who)) {}

  Actor actor;                          ///< its roles select the events
  std::optional<std::string> stage;     ///< only cases in this top-level stage
  std::optional<std::string> customer;  ///< only cases of this customer (data.customer.name)
  std::optional<Timestamp> due_by;      ///< only cases with a deadline due at or before this
  std::string after;                    ///< the page after this case id ("" : from the start)
  std::size_t limit = 100;              ///< cases per page (1 to 1000)

  /// Reads `{actor, stage?, customer?, due_by?, after?, limit?}`; Error(invalid_argument) naming
  /// the field.
  static InboxQuery from_json(const boost::json::value& json, std::string_view where);
};

/// One case of a worklist and the events the actor may fire in it.
struct UNDERTAKE_API InboxItem {
  CaseSummary summary;
  std::vector<AvailableEvent> events;

  /// CaseSummary::to_json() plus `events: [{event, gated}]`.
  boost::json::value to_json() const;
};

struct UNDERTAKE_API InboxPage {
  std::vector<InboxItem> items;
  std::string next;  ///< the `after` of the next page; empty when this is the last

  /// `{items: [...], next: "..." | null}`
  boost::json::value to_json() const;
};

/// One row of the change feed: a ledger entry of a case, at its global position.
struct UNDERTAKE_API Change {
  std::uint64_t position = 0;  ///< 1, 2, 3, ... across the store, in commit order
  std::string case_id;
  LedgerEntry entry;

  /// `{position, case_id, entry}` (the entry as to_json(LedgerEntry) writes it).
  boost::json::value to_json() const;
};

/// What a store remembers of a fire that carried a request id.
struct UNDERTAKE_API RememberedRequest {
  std::string request_id;
  boost::json::value outcome;  ///< the outcome as fire_stored returned it first (to_json)
};

/// A place to keep cases. Implement it on the host's own database, or use open_store().
class UNDERTAKE_API CaseStore {
 public:
  virtual ~CaseStore();

  /// Stores a new case: its head and every ledger entry it has, in one transaction.
  /// Error(conflict) when a case with that id is already stored.
  virtual void create(const Case& c) = 0;

  /// Stores the entries of `c` after `expected_revision` and its new head, in one transaction,
  /// with `request` (when given) remembered for its case. Error(conflict) when the stored
  /// revision is not `expected_revision` (nothing is written), Error(not_found) when the case is
  /// not stored, Error(invalid_argument) when c.revision() < expected_revision or `c` does not
  /// hold the entries after it.
  virtual void save(const Case& c, std::uint64_t expected_revision,
                    const RememberedRequest* request = nullptr) = 0;

  /// The head of a case (its snapshot without the ledger), or nothing when it is not stored.
  virtual std::optional<boost::json::value> head(std::string_view case_id) const = 0;

  /// The ledger of a case as stored (what KPIs, replay and verify read), or nothing when it is not
  /// stored. The store cannot check the rows' hash chain (it has no seal): Engine::check_chain
  /// does, load_ledgers(store, engine) and verify_stored call it.
  virtual std::optional<CaseLedger> ledger(std::string_view case_id) const = 0;

  /// Summaries of the stored cases that match, in case id order.
  virtual std::vector<CaseSummary> list(const CaseFilter& filter = {}) const = 0;

  /// The snapshot of a case with its whole ledger (the head with `ledger`), or nothing.
  virtual std::optional<boost::json::value> snapshot(std::string_view case_id) const;

  /// Calls `fn` with the ledger of every matching case, in case id order. The default reads
  /// list() then ledger() per case; stores override it to stream.
  virtual void for_each_ledger(const CaseFilter& filter,
                               const std::function<void(CaseLedger&&)>& fn) const;

  /// The worklist of `query.actor`, from the rows saves maintain. The default throws
  /// Error(invalid_argument): the store keeps no worklist index.
  virtual InboxPage inbox(const InboxQuery& query) const;
  /// Writes the worklist rows of the cases that have none for their stored revision (cases saved
  /// before the store had a worklist: a store migrated from an older schema), loading each on
  /// `engine`. Returns how many it indexed. The default does nothing.
  virtual std::size_t refresh_worklists(const Engine& engine);

  /// The change feed: at most `limit` changes after position `after`, in order. The default
  /// throws Error(invalid_argument): the store keeps no change feed.
  virtual std::vector<Change> changes(std::uint64_t after, std::size_t limit) const;
  /// Waits until the feed holds a change after `after`, at most `timeout`: true when it does,
  /// false when the time is up or a signal interrupted the wait (a follower checks whether it
  /// should stop, then waits again). The default sleeps `timeout`, then asks changes(after, 1);
  /// the PostgreSQL store wakes at the notification its writers send at commit (LISTEN/NOTIFY).
  virtual bool wait_for_changes(std::uint64_t after, std::chrono::milliseconds timeout) const;

  /// The request a fire with `request_id` on that case saved or refused, or nothing. The default
  /// remembers nothing (fire_stored is then not idempotent).
  virtual std::optional<RememberedRequest> remembered(std::string_view case_id,
                                                      std::string_view request_id) const;
  /// Remembers a request whose fire changed nothing (a refusal), so that a repeat is answered the
  /// same. The default remembers nothing.
  virtual void remember(std::string_view case_id, const RememberedRequest& request);

  /// Ticks the cases whose attention time has come (tick_stored is the entry point). The default
  /// lists them, then loads, ticks and saves each with its revision checked (a conflict is
  /// retried once): every escalation is stored once, but tickers on several servers load the
  /// same cases and refuse each other's saves. The PostgreSQL store claims the cases instead
  /// (FOR UPDATE SKIP LOCKED), so that tickers share the due cases without waiting for each other.
  virtual StoreTickReport tick(const Engine& engine, Timestamp now);

  /// The worklist rows stored for a case, one WorkItem per event (events and their roles in name
  /// order): what inbox() answers from, for comparing with work_items() of the loaded case
  /// (check_store). Empty when the case has none or is not stored. The default throws
  /// Error(invalid_argument): the store keeps no worklist index.
  virtual std::vector<WorkItem> worklist(std::string_view case_id) const;

  /// The store's own invariants, read in one consistent view: every case's ledger rows run
  /// 1..revision, its worklist rows are those of its stored revision, the change feed holds each
  /// ledger row exactly once (and whatever else the store can check without an engine). Returns
  /// the problems found (empty: sound). check_store adds what needs the engine. The default
  /// throws Error(invalid_argument): the store has no checks of its own.
  virtual std::vector<std::string> check() const;
};

/// Opens a store by URI: `sqlite:PATH` or a plain path (the embedded SQLite store, created when
/// missing). `sqlite:PATH?mode=ro` opens it read-only (writes fail with Error(io); it must
/// exist), `mode=rw` writable but not created; `synchronous=full|normal|off` sets
/// SqliteOptions::synchronous (default full); parameters join with `&`. A plain path is taken as
/// it is. `postgresql://...` or `postgres://...` (a libpq connection URI) or `postgresql:`
/// followed by libpq keyword/value settings (`postgresql:host=/run/pg dbname=erp`): the
/// PostgreSQL store (postgres_store.hpp), its tables created on first open.
/// Error(invalid_argument) for a URI of no known kind or an unknown parameter, Error(io) naming
/// the database when it cannot be opened. Defined in the undertake::stores library.
UNDERTAKE_API std::unique_ptr<CaseStore> open_store(const std::string& uri);

/// Loads a stored case onto `engine`: its head, restored without replaying its ledger (a head of
/// an older snapshot format is restored with its ledger rows, by replay). Error(not_found) when
/// the store does not have it, Error(invalid_snapshot) when the head is damaged or edited.
UNDERTAKE_API Case load_case(const CaseStore& store, const Engine& engine,
                             std::string_view case_id);

/// How fire_stored fires.
struct UNDERTAKE_API FireOptions {
  FireOptions() = default;
  explicit FireOptions(std::string request, int attempts = 3)
      : request_id(std::move(request)), max_attempts(attempts) {}

  /// Names the request, so that a repeat of it (a retry after a timeout) is answered with the
  /// first outcome instead of firing again. Empty: none.
  std::string request_id;
  /// Tries on a fresh load after a conflict (another writer saved the case in between).
  int max_attempts = 3;
};

/// What fire_stored did.
struct UNDERTAKE_API StoredFire {
  Outcome outcome;
  std::uint64_t revision = 0;  ///< the case's revision afterwards
  int attempts = 0;            ///< loads it took (1 when no conflict came in between)
  bool repeated = false;       ///< a repeat of a remembered request: nothing was fired

  /// Outcome::to_json plus `case_id`, `revision`, `attempts` and `repeated` (and `request_id`).
  boost::json::value to_json(std::string_view case_id, std::string_view request_id = {}) const;
};

/// Loads the case, fires the event, and saves it when the event was accepted (a refusal changes
/// nothing, so nothing but the request record is written). A conflict — another writer saved the
/// case between the load and the save — is retried on a fresh load up to
/// `options.max_attempts` times; when they are used up, Error(conflict) and the event is NOT
/// stored.
UNDERTAKE_API StoredFire fire_stored(CaseStore& store, const Engine& engine,
                                     std::string_view case_id, std::string_view event,
                                     const Actor& actor, boost::json::object payload, Timestamp at,
                                     const FireOptions& options = {});

/// Every matching case's ledger, for KPI reports (`undertake --db FILE kpi`):
///   compute_kpi_report(catalogue, load_ledgers(store, engine), period)
/// Each ledger is checked against its hash chain (Engine::check_chain): Error(invalid_snapshot)
/// names the case and the seq of the first row that does not follow.
UNDERTAKE_API std::vector<CaseLedger> load_ledgers(const CaseStore& store, const Engine& engine,
                                                   const CaseFilter& filter = {});

/// What tick_stored(store, engine, now) found and did.
struct UNDERTAKE_API StoreTickReport {
  Timestamp now{};
  std::size_t cases_checked = 0;  ///< cases whose attention time had come
  std::size_t escalated = 0;      ///< escalation entries recorded and saved
  std::vector<TickResult> cases;  ///< the cases with due-soon or overdue deadlines
  /// Cases that could not be ticked (a conflict that persisted, a head that did not restore):
  /// case id and the error. The other cases are ticked regardless.
  std::vector<std::pair<std::string, std::string>> failures;

  boost::json::value to_json() const;
};

/// Ticks every stored case whose attention time has come (deadlines.hpp): records its
/// escalations and saves them, each exactly once however many servers tick at the same time,
/// then tells the engine's listener (store.tick(engine, now)).
UNDERTAKE_API StoreTickReport tick_stored(CaseStore& store, const Engine& engine, Timestamp now);

/// The audit of a stored case: its head and ledger rows together, checked by Engine::verify
/// (digest, hash chain, full replay). Error(not_found) when it is not stored.
UNDERTAKE_API VerifyReport verify_stored(const CaseStore& store, const Engine& engine,
                                         std::string_view case_id);

/// Everything wrong with a store (empty: sound): store.check(), then for every case its ledger
/// rows against their hash chain (Engine::check_chain), its head restored, and its worklist rows
/// compared with the work items of the restored case. Each problem names the case and says what
/// is wrong (`undertake store check`).
UNDERTAKE_API std::vector<std::string> check_store(const CaseStore& store, const Engine& engine);

UNDERTAKE_END_NAMESPACE

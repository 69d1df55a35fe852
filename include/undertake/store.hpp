// undertake — case stores: where cases live between events.
//
// A host with a database of its own implements CaseStore on it (five methods); a host without one
// uses the embedded SQLite store (open_sqlite_store). Either way the contract is the same:
//
//   * A case is stored as its snapshot (Case::snapshot) and its ledger entries. Saving appends the
//     entries after the revision the caller loaded and replaces the snapshot, in ONE transaction:
//     after a crash a case is either at its old revision or at its new one, never in between, and
//     an event the store acknowledged is never lost.
//   * Optimistic concurrency: save(c, expected_revision) refuses with Error(conflict) when the
//     stored revision is no longer `expected_revision` (another process or thread saved the case in
//     between). Nothing is written then; reload the case, re-check, fire again.
//   * Loading restores the snapshot on an engine (Engine::restore), which replays the ledger and
//     refuses a damaged snapshot with the JSON path at fault.
//
// Typical use (what fire_stored does):
//
//   Case c = load_case(store, engine, "SO-1");
//   const auto loaded = c.revision();
//   Outcome o = c.fire("contract.sign", actor, payload, at);
//   if (o.accepted) store.save(c, loaded);   // Error(conflict) when someone was faster
//
// Thread safety: the SQLite store serialises its own calls (one connection, one mutex) and may be
// shared by threads; several processes (or several stores in one process) may open the same file
// (WAL). Concurrent writers: create, save and transaction() first take the file's write lock,
// waiting while another connection holds it for up to SqliteOptions::busy_timeout_ms; only then
// does a save check its revision. So a writer gets either success or, when someone saved the case
// since it was loaded, Error(conflict) -- never a lock error before the busy timeout has elapsed.
// Reads never wait for writers and see everything committed before they began.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

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

namespace undertake {

class Engine;

/// What a list or a scheduler needs to know of a case without loading it.
struct CaseSummary {
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

  /// The summary of a case as it is now.
  static CaseSummary of(const Case& c);
  /// `{case_id, policy_version, revision, stage, state, terminated, customer, updated, attention}`
  boost::json::value to_json() const;
};

/// Which cases list() and for_each_ledger() give; every condition must hold.
struct CaseFilter {
  std::optional<std::string> stage;        ///< the top-level stage
  bool open_only = false;                  ///< not Closed, Rejected or Cancelled
  std::optional<Timestamp> attention_by;   ///< attention ≤ this instant (cases tick() must see)
  std::optional<Timestamp> updated_since;  ///< last entry at or after this instant
  std::size_t limit = 0;                   ///< at most this many (0: all), in case id order

  bool matches(const CaseSummary& s) const noexcept;
};

/// A place to keep cases. Implement it on the host's own database, or use open_sqlite_store().
class CaseStore {
 public:
  virtual ~CaseStore();

  /// Stores a new case: its snapshot and every ledger entry it has, in one transaction.
  /// Error(conflict) when a case with that id is already stored.
  virtual void create(const Case& c) = 0;

  /// Stores the entries of `c` after `expected_revision` and its snapshot, in one transaction.
  /// Error(conflict) when the stored revision is not `expected_revision` (nothing is written),
  /// Error(not_found) when the case is not stored, Error(invalid_argument) when c.revision() <
  /// expected_revision.
  virtual void save(const Case& c, std::uint64_t expected_revision) = 0;

  /// The snapshot of a case (with its whole ledger), or nothing when it is not stored.
  virtual std::optional<boost::json::value> snapshot(std::string_view case_id) const = 0;

  /// The ledger of a case (what KPIs and replay read), or nothing when it is not stored.
  virtual std::optional<CaseLedger> ledger(std::string_view case_id) const = 0;

  /// Summaries of the stored cases that match, in case id order.
  virtual std::vector<CaseSummary> list(const CaseFilter& filter = {}) const = 0;

  /// Calls `fn` with the ledger of every matching case, in case id order. The default reads
  /// list() then ledger() per case; stores override it to stream.
  virtual void for_each_ledger(const CaseFilter& filter,
                               const std::function<void(CaseLedger&&)>& fn) const;
};

/// Loads a stored case onto `engine` (Engine::restore: the snapshot is verified against its
/// ledger). Error(not_found) when the store does not have it.
Case load_case(const CaseStore& store, const Engine& engine, std::string_view case_id);

/// Loads the case, fires the event, and saves it when the event was accepted (a refusal changes
/// nothing, so nothing is written). Error(conflict) when another writer saved the case between the
/// load and the save: the event is then NOT stored (fire it again on a fresh load).
Outcome fire_stored(CaseStore& store, const Engine& engine, std::string_view case_id,
                    std::string_view event, const Actor& actor, boost::json::object payload,
                    Timestamp at);

/// Every matching case's ledger, for KPI reports (`undertake --db FILE kpi`):
///   compute_kpi_report(catalogue, load_ledgers(store), period)
std::vector<CaseLedger> load_ledgers(const CaseStore& store, const CaseFilter& filter = {});

/// What Engine::tick(store, now) found and did.
struct StoreTickReport {
  Timestamp now{};
  std::size_t cases_checked = 0;  ///< cases whose attention time had come
  std::size_t escalated = 0;      ///< escalation entries recorded and saved
  std::vector<TickResult> cases;  ///< the cases with due-soon or overdue deadlines
  /// Cases that could not be ticked (a conflict that persisted, a snapshot that did not restore):
  /// case id and the error. The other cases are ticked regardless.
  std::vector<std::pair<std::string, std::string>> failures;

  boost::json::value to_json() const;
};

// ---------------------------------------------------------------------------------------------
// The embedded SQLite store

struct SqliteOptions {
  /// How hard a commit waits for the disk. `full` (default): fsync of the WAL at every commit —
  /// an acknowledged event survives a power cut. `normal`: survives a crash of the process (the
  /// WAL is in the OS's cache), may lose the last commits on a power cut or kernel crash; several
  /// times faster. `off`: for throw-away stores (tests, demos, benchmarks).
  enum class Sync { full, normal, off };
  Sync synchronous = Sync::full;
  /// How long a write waits for another connection's write lock (SQLite's busy timeout). When it
  /// elapses the call fails with Error(io) naming the lock and the wait ("the store is locked by
  /// another connection: gave up waiting for its lock after the busy timeout of 10000 ms (in:
  /// BEGIN IMMEDIATE)") and nothing is written; the caller may retry later.
  int busy_timeout_ms = 10'000;
  bool create = true;  ///< create the file when it does not exist
  /// What stored rows are read with (limits.hpp): give the store the limits of the engines whose
  /// cases it keeps (Engine::limits()), or larger, so that whatever they accepted reads back.
  InputLimits limits;
};

/// The SQLite case store (WAL journal). Tables: `cases` (one row per case: summary columns and
/// the snapshot without its ledger), `ledger` (one row per entry, keyed by case id and seq), `meta`
/// (schema version). A file written by a newer schema version is refused (Error(io)).
class SqliteCaseStore final : public CaseStore {
 public:
  /// Opens (or creates) the store. Error(io) naming the file when SQLite cannot.
  explicit SqliteCaseStore(const std::string& path, SqliteOptions options = {});
  ~SqliteCaseStore() override;
  SqliteCaseStore(const SqliteCaseStore&) = delete;
  SqliteCaseStore& operator=(const SqliteCaseStore&) = delete;

  void create(const Case& c) override;
  void save(const Case& c, std::uint64_t expected_revision) override;
  std::optional<boost::json::value> snapshot(std::string_view case_id) const override;
  std::optional<CaseLedger> ledger(std::string_view case_id) const override;
  std::vector<CaseSummary> list(const CaseFilter& filter = {}) const override;
  /// Streams the ledgers in one read transaction (all from the same moment). `fn` may read the
  /// store; a create or save inside it is refused with Error(invalid_argument): a read
  /// transaction cannot become a write once another connection has written.
  void for_each_ledger(const CaseFilter& filter,
                       const std::function<void(CaseLedger&&)>& fn) const override;

  /// Runs `fn` in one transaction: every create/save inside commits together (one fsync) or not
  /// at all (when `fn` throws). For bulk loads; a save inside still checks its revision.
  void transaction(const std::function<void()>& fn);

  /// `PRAGMA integrity_check` plus the store's own invariants (every case's ledger rows run
  /// 1..revision). Returns the problems found (empty: sound).
  std::vector<std::string> check() const;

  /// The number of stored cases and ledger entries.
  std::uint64_t case_count() const;
  std::uint64_t entry_count() const;

  const std::string& path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Opens the SQLite store at `path` (see SqliteCaseStore).
std::unique_ptr<SqliteCaseStore> open_sqlite_store(const std::string& path,
                                                   SqliteOptions options = {});

}  // namespace undertake

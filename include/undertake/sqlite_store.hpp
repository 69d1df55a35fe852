// undertake — the embedded SQLite case store (store.hpp for the contract), in the library
// undertake::store_sqlite.
//
// One file, WAL journal. Tables: `cases` (one row per case: summary columns and the head),
// `ledger` (one row per entry, keyed by case id and seq), `worklist` (one row per case and
// permitted role: the events that role may fire in the case now), `changes` (the change feed: a
// global position per ledger row), `requests` (request ids of idempotent fires), `meta` (schema
// version). Stores written by schema versions 1 and 2 are migrated on open, in one transaction
// (version 2 kept a worklist row per event); a file written by a newer version is refused
// (Error(io)). Every table is keyed by case id first (design.md §9: partitioning by case).
//
// Thread safety: a store serialises its own calls (one connection, one mutex) and may be shared
// by threads; several processes (or several stores in one process) may open the same file.
// Concurrent writers: create, save and transaction() first take the file's write lock, waiting
// while another connection holds it for up to SqliteOptions::busy_timeout_ms; only then does a
// save check its revision. So a writer gets either success or, when someone saved the case since
// it was loaded, Error(conflict) -- never a lock error before the busy timeout has elapsed. Reads
// never wait for writers and see everything committed before they began.
#pragma once

#include "undertake/config.hpp"
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "undertake/store.hpp"

UNDERTAKE_BEGIN_NAMESPACE

struct UNDERTAKE_API SqliteOptions {
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
  bool create = true;      ///< create the file when it does not exist
  bool read_only = false;  ///< open for reading only (writes fail with Error(io))
  /// What stored rows are read with (limits.hpp): give the store the limits of the engines whose
  /// cases it keeps (Engine::limits()), or larger, so that whatever they accepted reads back.
  InputLimits limits;
};

class UNDERTAKE_API SqliteCaseStore final : public CaseStore {
 public:
  /// Opens (or creates) the store, migrating an older schema. Error(io) naming the file when
  /// SQLite cannot open it, when it is not a store, or when a newer library wrote it.
  explicit SqliteCaseStore(const std::string& path, SqliteOptions options = {});
  ~SqliteCaseStore() override;
  SqliteCaseStore(const SqliteCaseStore&) = delete;
  SqliteCaseStore& operator=(const SqliteCaseStore&) = delete;

  void create(const Case& c) override;
  void save(const Case& c, std::uint64_t expected_revision,
            const RememberedRequest* request = nullptr) override;
  std::optional<boost::json::value> head(std::string_view case_id) const override;
  std::optional<boost::json::value> snapshot(std::string_view case_id) const override;
  std::optional<CaseLedger> ledger(std::string_view case_id) const override;
  std::vector<CaseSummary> list(const CaseFilter& filter = {}) const override;
  /// Streams the ledgers in one read transaction (all from the same moment). `fn` may read the
  /// store; a create or save inside it is refused with Error(invalid_argument): a read
  /// transaction cannot become a write once another connection has written.
  void for_each_ledger(const CaseFilter& filter,
                       const std::function<void(CaseLedger&&)>& fn) const override;
  InboxPage inbox(const InboxQuery& query) const override;
  std::size_t refresh_worklists(const Engine& engine) override;
  std::vector<Change> changes(std::uint64_t after, std::size_t limit) const override;
  std::optional<RememberedRequest> remembered(std::string_view case_id,
                                              std::string_view request_id) const override;
  void remember(std::string_view case_id, const RememberedRequest& request) override;

  /// Runs `fn` in one transaction: every create/save inside commits together (one fsync) or not
  /// at all (when `fn` throws). For bulk loads; a save inside still checks its revision.
  void transaction(const std::function<void()>& fn);

  /// `PRAGMA integrity_check` plus the store's own invariants: every case's ledger rows run
  /// 1..revision and follow its hash chain, its worklist rows are those of its head, and the
  /// change feed holds each ledger row exactly once. Returns the problems found (empty: sound).
  std::vector<std::string> check() const override;

  /// The number of stored cases and ledger entries.
  std::uint64_t case_count() const;
  std::uint64_t entry_count() const;
  /// The schema version of the file (this library writes kSqliteSchemaVersion).
  int schema_version() const;
  /// The schema version the file had when this store opened it, before any migration: 0 for a
  /// file it created, 1 for a file it migrated (`undertake store migrate` reports it).
  int opened_schema_version() const noexcept;

  /// The worklist rows stored for a case, one WorkItem per event (events and their roles in name
  /// order): what inbox() answers from, for comparing with work_items() of the loaded case
  /// (`undertake store check`). Empty when the case has none or is not stored.
  std::vector<WorkItem> worklist(std::string_view case_id) const override;

  const std::string& path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The schema version this library writes.
inline constexpr int kSqliteSchemaVersion = 3;

/// Opens the SQLite store at `path` (see SqliteCaseStore).
UNDERTAKE_API std::unique_ptr<SqliteCaseStore> open_sqlite_store(const std::string& path,
                                                                 SqliteOptions options = {});

UNDERTAKE_END_NAMESPACE

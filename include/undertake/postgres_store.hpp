// undertake — the PostgreSQL case store (store.hpp for the contract), in the library
// undertake::store_postgres: several app servers, on several machines, on one database
// (docs/scaling.md).
//
// Tables (in the connection's schema, or PostgresOptions::schema): `ut_cases` (one row per case:
// summary columns, revision, the head), `ut_ledger` (one row per entry, primary key case id +
// seq), `ut_worklist` (the events each case accepts now, per permitted role), `ut_changes` (the
// change feed), `ut_feed` (the feed's last position, one row), `ut_requests` (request ids),
// `ut_meta` (schema version) and `ut_migrations`. Created on first open, migrated on open in one
// transaction; a schema written by a newer library is refused (Error(io)). Every table is keyed by
// case id first (design.md §9).
//
// Saving is one transaction: the case row is locked and its revision compared (a stale one:
// Error(conflict), nothing written), the new ledger rows, the case row updated on its revision,
// the worklist rows, the request record, then the change-feed rows. Positions come from the
// one-row `ut_feed` counter, updated as the last statement before COMMIT: its row lock is held
// until the commit, so positions are handed out in commit order and are gapless — a consumer that
// reads `changes(after)` never sees position p+1 committed while p is still to come (a sequence
// would let a later position commit first, and the consumer skip the earlier one for good). The
// price is that commits of all writers pass one at a time through that last statement and COMMIT
// (docs/scaling.md has the figures). Each save also sends NOTIFY undertake_changes, which
// wait_for_changes listens for.
//
// Thread model: a store handle owns one connection and serialises its calls (a mutex), so it may
// be shared by threads; for parallel work open one handle per thread (or per request worker).
// When the server restarts or the network drops, the call in flight fails with Error(io) and
// writes nothing (its transaction never committed; a COMMIT whose answer was lost may have
// committed: retry with a request id); the next call reconnects.
//
// Ticking: tick() claims due cases with SELECT … FOR UPDATE SKIP LOCKED in batches, ticks and
// saves them in the claiming transaction, so that tickers on several servers share the due cases
// and each escalation is recorded exactly once. A case locked by a writer at that moment is ticked
// at the next tick.
#pragma once

#include "undertake/config.hpp"
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "undertake/store.hpp"

UNDERTAKE_BEGIN_NAMESPACE

struct UNDERTAKE_API PostgresOptions {
  /// Where the tables live: created when missing and put first on the search path. Empty: the
  /// connection's search path as configured (usually `public`).
  std::string schema;
  /// What stored rows are read with (limits.hpp): the limits of the engines whose cases it keeps
  /// (Engine::limits()), or larger.
  InputLimits limits;
  /// Cases a tick claims per transaction.
  std::size_t tick_batch = 32;
};

class UNDERTAKE_API PostgresCaseStore final : public CaseStore {
 public:
  /// Connects with a libpq connection string: a URI (`postgresql://user@host/db`,
  /// `postgresql:///db?host=/run/postgresql`) or keyword/value settings (`host=/tmp dbname=erp`),
  /// then creates or migrates the schema. Error(io) naming the server with libpq's message.
  explicit PostgresCaseStore(const std::string& conninfo, PostgresOptions options = {});
  ~PostgresCaseStore() override;
  PostgresCaseStore(const PostgresCaseStore&) = delete;
  PostgresCaseStore& operator=(const PostgresCaseStore&) = delete;

  void create(const Case& c) override;
  void save(const Case& c, std::uint64_t expected_revision,
            const RememberedRequest* request = nullptr) override;
  std::optional<boost::json::value> head(std::string_view case_id) const override;
  std::optional<boost::json::value> snapshot(std::string_view case_id) const override;
  std::optional<CaseLedger> ledger(std::string_view case_id) const override;
  std::vector<CaseSummary> list(const CaseFilter& filter = {}) const override;
  /// Streams the ledgers in one REPEATABLE READ transaction (all from the same moment), a page
  /// of cases at a time.
  void for_each_ledger(const CaseFilter& filter,
                       const std::function<void(CaseLedger&&)>& fn) const override;
  InboxPage inbox(const InboxQuery& query) const override;
  std::size_t refresh_worklists(const Engine& engine) override;
  std::vector<Change> changes(std::uint64_t after, std::size_t limit) const override;
  /// Waits with LISTEN undertake_changes (no polling); the handle is busy while it waits.
  bool wait_for_changes(std::uint64_t after, std::chrono::milliseconds timeout) const override;
  std::optional<RememberedRequest> remembered(std::string_view case_id,
                                              std::string_view request_id) const override;
  void remember(std::string_view case_id, const RememberedRequest& request) override;
  /// Claims the due cases with FOR UPDATE SKIP LOCKED (see above).
  StoreTickReport tick(const Engine& engine, Timestamp now) override;
  std::vector<WorkItem> worklist(std::string_view case_id) const override;
  /// The store's invariants in one REPEATABLE READ view: ledger rows 1..revision per case, no
  /// orphan rows, the change feed holds each ledger row once and its counter its last position,
  /// the worklist rows are those of the stored revision.
  std::vector<std::string> check() const override;

  /// Runs `fn` in one transaction: every create/save inside commits together or not at all.
  void transaction(const std::function<void()>& fn);

  std::uint64_t case_count() const;
  std::uint64_t entry_count() const;
  /// The schema version of the database (this library writes kPostgresSchemaVersion).
  int schema_version() const;
  /// The schema version before this store opened it: 0 when it created the tables.
  int opened_schema_version() const noexcept;
  /// "postgresql store DB on HOST:PORT": what errors name.
  const std::string& where() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The schema version this library writes.
inline constexpr int kPostgresSchemaVersion = 1;

/// Opens the PostgreSQL store (see PostgresCaseStore).
UNDERTAKE_API std::unique_ptr<PostgresCaseStore> open_postgres_store(const std::string& conninfo,
                                                                     PostgresOptions options = {});

UNDERTAKE_END_NAMESPACE

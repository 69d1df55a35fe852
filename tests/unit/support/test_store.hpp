// The store a store test runs against, so that one suite covers both built-in stores (design.md
// §9: same contract, same tests): SQLite in a temporary file, or — when UNDERTAKE_TEST_POSTGRES
// holds a libpq connection string (CTest sets it for the pg.* tests, whose fixture starts a
// server: tests/postgres) — a schema of its own on that server.
//
// TestStore is the real store (every call goes straight to it), plus what the tests ask of both
// stores that is not CaseStore's: counts, transactions, and another handle on the same data.
#pragma once

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include <unistd.h>

#include "../replay_support.hpp"
#include "undertake/postgres_store.hpp"
#include "undertake/sqlite_store.hpp"

namespace ut_test {

/// The PostgreSQL server the tests run against, or nullptr: SQLite.
inline const char* postgres_under_test() {
  const char* v = std::getenv("UNDERTAKE_TEST_POSTGRES");
  return v && *v ? v : nullptr;
}

class TestStore final : public undertake::CaseStore {
 public:
  explicit TestStore(std::string_view name) : file_(name) {
    if (postgres_under_test()) {
      static std::atomic<int> counter{0};
      schema_ = "t_";
      for (char ch : name) schema_ += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      schema_ += "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    }
    store_ = open();
  }

  bool postgres() const { return !schema_.empty(); }

  /// Another handle on the same store, as another server would have.
  std::unique_ptr<undertake::CaseStore> open() const {
    if (postgres()) {
      undertake::PostgresOptions o;
      o.schema = schema_;
      return undertake::open_postgres_store(postgres_under_test(), o);
    }
    undertake::SqliteOptions o;
    o.synchronous = undertake::SqliteOptions::Sync::off;  // unit tests do not test the disk
    return undertake::open_sqlite_store(file_.path(), o);
  }

  undertake::CaseStore& inner() const { return *store_; }

  std::uint64_t case_count() const {
    if (auto* pg = dynamic_cast<undertake::PostgresCaseStore*>(store_.get()))
      return pg->case_count();
    return dynamic_cast<undertake::SqliteCaseStore&>(*store_).case_count();
  }
  std::uint64_t entry_count() const {
    if (auto* pg = dynamic_cast<undertake::PostgresCaseStore*>(store_.get()))
      return pg->entry_count();
    return dynamic_cast<undertake::SqliteCaseStore&>(*store_).entry_count();
  }
  void transaction(const std::function<void()>& fn) {
    if (auto* pg = dynamic_cast<undertake::PostgresCaseStore*>(store_.get()))
      return pg->transaction(fn);
    dynamic_cast<undertake::SqliteCaseStore&>(*store_).transaction(fn);
  }

  void create(const undertake::Case& c) override { store_->create(c); }
  void save(const undertake::Case& c, std::uint64_t expected,
            const undertake::RememberedRequest* request = nullptr) override {
    store_->save(c, expected, request);
  }
  std::optional<boost::json::value> head(std::string_view id) const override {
    return store_->head(id);
  }
  std::optional<undertake::CaseLedger> ledger(std::string_view id) const override {
    return store_->ledger(id);
  }
  std::vector<undertake::CaseSummary> list(const undertake::CaseFilter& f = {}) const override {
    return store_->list(f);
  }
  std::optional<boost::json::value> snapshot(std::string_view id) const override {
    return store_->snapshot(id);
  }
  void for_each_ledger(const undertake::CaseFilter& f,
                       const std::function<void(undertake::CaseLedger&&)>& fn) const override {
    store_->for_each_ledger(f, fn);
  }
  undertake::InboxPage inbox(const undertake::InboxQuery& q) const override {
    return store_->inbox(q);
  }
  std::size_t refresh_worklists(const undertake::Engine& e) override {
    return store_->refresh_worklists(e);
  }
  std::vector<undertake::Change> changes(std::uint64_t after, std::size_t limit) const override {
    return store_->changes(after, limit);
  }
  bool wait_for_changes(std::uint64_t after, std::chrono::milliseconds t) const override {
    return store_->wait_for_changes(after, t);
  }
  std::optional<undertake::RememberedRequest> remembered(std::string_view id,
                                                         std::string_view request) const override {
    return store_->remembered(id, request);
  }
  void remember(std::string_view id, const undertake::RememberedRequest& r) override {
    store_->remember(id, r);
  }
  undertake::StoreTickReport tick(const undertake::Engine& e, undertake::Timestamp now) override {
    return store_->tick(e, now);
  }
  std::vector<undertake::WorkItem> worklist(std::string_view id) const override {
    return store_->worklist(id);
  }
  std::vector<std::string> check() const override { return store_->check(); }

 private:
  TempFile file_;
  std::string schema_;
  std::unique_ptr<undertake::CaseStore> store_;
};

}  // namespace ut_test

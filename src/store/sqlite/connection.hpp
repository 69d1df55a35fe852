// The SQLite store's connection layer (internal): the connection, prepared statements that can
// only be stepped through a scope that resets them, and transactions that take the write lock
// first. See sqlite_store.cpp for why these three rules keep concurrent writers correct.
#pragma once

#include <sqlite3.h>

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "undertake/error.hpp"
#include "undertake/timestamp.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::sqlite {

inline std::int64_t millis(Timestamp t) {
  return t.time_since_epoch().count();
}
inline Timestamp from_millis(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

// The connection and what its errors name: the store, and how long SQLite waits for a lock.
struct Connection {
  sqlite3* db = nullptr;
  std::string where;  // "sqlite store <path>"
  int busy_timeout_ms = 0;
  int depth = 0;         // open transactions (0: none, 1: BEGIN, >1: savepoints)
  bool writing = false;  // the outermost open transaction holds the write lock

  Connection() = default;
  ~Connection() { sqlite3_close(db); }  // statements must be finalised first (Prepared)
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const char* sql) const {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw failure(sql);
  }

  // Outside a transaction no statement may be mid-step (see Statement). Checked when the outermost
  // transaction begins and before it commits, so that a use left open fails here, every time,
  // instead of as a stale read or a lock error when another connection happens to write.
  void require_no_statement_stepping(const char* before) const {
    for (sqlite3_stmt* p = sqlite3_next_stmt(db, nullptr); p; p = sqlite3_next_stmt(db, p))
      if (sqlite3_stmt_busy(p))
        throw Error(ErrorKind::io, where,
                    std::string("internal error: a statement is still stepping before ") + before +
                        " (in: " + sqlite3_sql(p) + ")");
  }

  /// The error of the SQLite call that just failed while running `sql`.
  Error failure(std::string_view sql) const {
    const int code = sqlite3_extended_errcode(db);
    const std::string in = " (in: " + std::string(sql) + ")";
    if (code == SQLITE_BUSY_SNAPSHOT)  // prevented by Tx and Statement::Use; a bug if it happens
      return Error(ErrorKind::io, where,
                   "cannot take the write lock on a stale read snapshot (SQLITE_BUSY_SNAPSHOT): a "
                   "read of this connection was still open" +
                       in);
    if ((code & 0xff) == SQLITE_BUSY)
      return Error(ErrorKind::io, where,
                   "the store is locked by another connection: gave up waiting for its lock after "
                   "the busy timeout of " +
                       std::to_string(busy_timeout_ms) + " ms" + in);
    return Error(ErrorKind::io, where, sqlite3_errmsg(db) + in);
  }
};

// A prepared statement. It is bound, stepped and read only through a Use, which resets it when
// the use ends, on every path (exceptions included): a statement left mid-step keeps its read
// transaction open, and with it the snapshot of the database from its first step, after the
// COMMIT of the transaction it ran in. The connection then reads stale data, and its next BEGIN
// IMMEDIATE cannot take the write lock on that snapshot: SQLite fails it at once
// (SQLITE_BUSY_SNAPSHOT, or SQLITE_BUSY without calling the busy handler, which it calls only when
// no transaction is open) -- the spurious "database is locked" of issue 13.
class Statement {
 public:
  Statement(const Connection& c, std::string_view sql) : c_(c) {
    if (sqlite3_prepare_v2(c.db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK)
      throw Error(ErrorKind::io, c.where,
                  std::string("cannot prepare statement: ") + sqlite3_errmsg(c.db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// One use: bind, step, read the columns of the current row. One use of a statement at a time.
  class Use {
   public:
    explicit Use(Statement& s) : s_(s) {
      if (s_.in_use_)
        throw Error(ErrorKind::io, s_.c_.where,
                    std::string("internal error: a statement used while in use (in: ") +
                        sqlite3_sql(s_.stmt_) + ")");
      s_.in_use_ = true;
    }
    ~Use() {
      sqlite3_reset(s_.stmt_);
      sqlite3_clear_bindings(s_.stmt_);
      s_.in_use_ = false;
    }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

    void bind(int i, std::string_view text) {
      sqlite3_bind_text(s_.stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(s_.stmt_, i, v); }
    void bind(int i, const std::optional<Timestamp>& t) {
      if (t)
        bind(i, millis(*t));
      else
        sqlite3_bind_null(s_.stmt_, i);
    }
    /// Steps once: true for a row, false when done; throws on an error.
    bool step() {
      const int rc = sqlite3_step(s_.stmt_);
      if (rc == SQLITE_ROW) return true;
      if (rc == SQLITE_DONE) return false;
      throw s_.c_.failure(sqlite3_sql(s_.stmt_));
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(s_.stmt_, col); }
    bool is_null(int col) const { return sqlite3_column_type(s_.stmt_, col) == SQLITE_NULL; }
    std::string_view text(int col) const {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_.stmt_, col));
      return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s_.stmt_, col)))
               : std::string_view();
    }

   private:
    Statement& s_;
  };
  Use use() { return Use(*this); }

 private:
  const Connection& c_;
  sqlite3_stmt* stmt_ = nullptr;
  bool in_use_ = false;
};

// Calls `row` with each row of a statement without parameters.
inline void each_row(const Connection& c, std::string_view sql,
                     const std::function<void(const Statement::Use&)>& row) {
  Statement st(c, sql);
  auto q = st.use();
  while (q.step()) row(q);
}

// One transaction, or a savepoint inside the open one (SqliteCaseStore::transaction(), a read
// inside a write). A write begins with BEGIN IMMEDIATE: it takes the write lock first, waiting for
// it through the busy handler, and reads only then, on the newest data, so the revision it checks
// is still true at its COMMIT. A read is a deferred BEGIN (one consistent view that does not
// block writers under WAL); it cannot become a write -- once another connection has committed,
// SQLite refuses that at once (SQLITE_BUSY_SNAPSHOT) -- so a write inside a read is refused,
// always, rather than failing when another process happens to write.
class Tx {
 public:
  enum Mode { read, write };
  Tx(Connection& c, Mode mode) : c_(c) {
    if (c_.depth == 0) {
      c_.require_no_statement_stepping("BEGIN");
      c_.exec(mode == write ? "BEGIN IMMEDIATE" : "BEGIN");
      c_.writing = mode == write;
    } else {
      if (mode == write && !c_.writing)
        throw Error(ErrorKind::invalid_argument, c_.where,
                    "cannot write inside a read: a create or save in for_each_ledger's callback "
                    "would turn its read transaction into a write, which SQLite refuses once "
                    "another connection has written; write after for_each_ledger returns");
      c_.exec("SAVEPOINT ut");
    }
    ++c_.depth;
  }
  void commit() {
    if (c_.depth == 1) {
      c_.require_no_statement_stepping("COMMIT");
      c_.exec("COMMIT");
    } else {
      c_.exec("RELEASE ut");
    }
    --c_.depth;
    done_ = true;
  }
  ~Tx() {
    if (done_) return;
    try {
      if (c_.depth == 1) {
        c_.exec("ROLLBACK");
      } else {
        c_.exec("ROLLBACK TO ut");
        c_.exec("RELEASE ut");
      }
    } catch (...) {
      // Nothing more can be done; SQLite rolls back an unfinished transaction on close anyway.
    }
    --c_.depth;
  }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Connection& c_;
  bool done_ = false;
};

}  // namespace detail::sqlite
UNDERTAKE_END_NAMESPACE

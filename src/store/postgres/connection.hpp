// The PostgreSQL store's connection layer (internal): one libpq connection that reconnects on the
// next call after it dropped, statements prepared once per session and run with bound text
// parameters (never values spliced into SQL), results, and transactions that nest as savepoints.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "undertake/error.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::pg {

/// A result of a statement that succeeded; owns the PGresult.
class Result {
 public:
  explicit Result(PGresult* r) noexcept : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const noexcept { return PQntuples(r_); }
  /// Rows an INSERT, UPDATE or DELETE changed.
  std::uint64_t affected() const;
  std::string_view text(int row, int col) const noexcept {
    return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
  }
  bool is_null(int row, int col) const noexcept { return PQgetisnull(r_, row, col) == 1; }
  std::int64_t integer(int row, int col) const;

 private:
  PGresult* r_;
};

/// One row of a Result, with the accessors rows::summary_of expects.
struct Row {
  const Result& result;
  int row;
  std::string_view text(int col) const noexcept { return result.text(row, col); }
  std::int64_t integer(int col) const { return result.integer(row, col); }
  bool is_null(int col) const noexcept { return result.is_null(row, col); }
};

/// The parameters of a statement, as text ($1, $2, ... in the order added); nothing is SQL NULL.
class Params {
 public:
  Params& text(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
  }
  Params& integer(std::int64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  Params& integer(const std::optional<std::int64_t>& v);  ///< nothing: NULL
  /// A text[] parameter: the items as an array literal, each quoted and escaped.
  Params& text_array(const std::vector<std::string>& items);
  int size() const noexcept { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

class Connection {
 public:
  /// Connects with a libpq connection string (URI or keyword/value); `schema`, when not empty,
  /// is created if missing and put first on the search path. Error(io) naming the server.
  Connection(std::string conninfo, std::string schema);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// "postgresql store dbname on host:port" (never the password).
  const std::string& where() const noexcept { return where_; }
  /// Connects again when the connection dropped (the call before failed with Error(io)): the
  /// prepared statements and LISTENs are redone. Error(io) when the server is still unreachable.
  void ensure();
  /// Runs `sql` (prepared on first use in this session) with `params`. Error(conflict) when the
  /// server refuses it for a unique key, a serialization failure or a deadlock; Error(io) naming
  /// the server with libpq's message otherwise, and when the connection is lost.
  Result run(const std::string& sql, const Params& params = {});
  /// Runs commands without parameters or results (BEGIN, COMMIT, DDL), errors as run().
  void exec(const std::string& sql);
  /// COMMIT; Error(io) when the server rolled back instead (an earlier statement had failed).
  void commit();
  bool connected() const noexcept;
  /// A statement in the open transaction failed: the server ignores the rest until it ends.
  bool aborted() const noexcept;

  /// LISTEN on `channel` (redone after a reconnect).
  void listen(const std::string& channel);
  /// Waits up to `timeout_ms` for a notification; false when the time is up or a signal came.
  bool wait_notification(int timeout_ms);

  int depth = 0;  ///< open transactions (0: none, 1: BEGIN, >1: savepoints)

 private:
  void connect();
  void after_connect();
  Error failure(const PGresult* r, const std::string& sql) const;

  std::string conninfo_, schema_, where_;
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // sql → statement name
  std::vector<std::string> listening_;
};

/// A transaction (BEGIN … COMMIT) or, inside one, a savepoint. Rolled back unless committed.
class Tx {
 public:
  enum Kind { write, read };  ///< read: REPEATABLE READ, READ ONLY (one consistent view)
  Tx(Connection& c, Kind kind);
  ~Tx();
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  void commit();

 private:
  Connection& c_;
  int level_;
  bool done_ = false;
};

}  // namespace detail::pg
UNDERTAKE_END_NAMESPACE

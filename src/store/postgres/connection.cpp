#include "store/postgres/connection.hpp"

#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::pg {
namespace {

// libpq's messages end with a newline; an error text reads better without it.
std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m.empty() ? "unknown libpq error" : m;
}

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using Owned = std::unique_ptr<PGresult, ResultDeleter>;

bool ok(const PGresult* r) {
  const ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

}  // namespace

std::uint64_t Result::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::strtoull(n, nullptr, 10) : 0;
}

std::int64_t Result::integer(int row, int col) const {
  if (is_null(row, col)) return 0;
  return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10);
}

// Out of line: inlined, GCC's -Wmaybe-uninitialized misreads the optional's payload.
Params& Params::integer(const std::optional<std::int64_t>& v) {
  if (v)
    values_.emplace_back(std::to_string(*v));
  else
    values_.emplace_back(std::nullopt);
  return *this;
}

Params& Params::text_array(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (const std::string& item : items) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (const char ch : item) {
      if (ch == '"' || ch == '\\') literal += '\\';
      literal += ch;
    }
    literal += '"';
  }
  literal += '}';
  values_.emplace_back(std::move(literal));
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

Connection::Connection(std::string conninfo, std::string schema)
    : conninfo_(std::move(conninfo)), schema_(std::move(schema)) {
  connect();
}

Connection::~Connection() {
  PQfinish(conn_);
}

bool Connection::connected() const noexcept {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::aborted() const noexcept {
  return conn_ && PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

void Connection::connect() {
  PQfinish(conn_);
  prepared_.clear();
  conn_ = PQconnectdb(conninfo_.c_str());
  if (!conn_) throw Error(ErrorKind::io, "postgresql store", "libpq: out of memory");
  if (where_.empty()) {
    const char* db = PQdb(conn_);
    const char* host = PQhost(conn_);
    const char* port = PQport(conn_);
    where_ = std::string("postgresql store ") + (db && *db ? db : "?") + " on " +
             (host && *host ? host : "localhost") + (port && *port ? std::string(":") + port : "");
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    // A failed connection is still an allocated PGconn: free it before throwing (a constructor
    // that throws runs no destructor).
    std::string why = "cannot connect: " + trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(ErrorKind::io, where_, std::move(why));
  }
  after_connect();
}

void Connection::after_connect() {
  // Messages in a fixed language and form, whatever the server's locale.
  exec("SET client_min_messages = warning");
  if (!schema_.empty()) {
    std::unique_ptr<char, decltype(&PQfreemem)> id(
        PQescapeIdentifier(conn_, schema_.c_str(), schema_.size()), &PQfreemem);
    if (!id) throw Error(ErrorKind::io, where_, trimmed(PQerrorMessage(conn_)));
    // An identifier cannot be a bound parameter: it is quoted by libpq instead.
    exec(std::string("CREATE SCHEMA IF NOT EXISTS ") + id.get() + "; SET search_path TO " +
         id.get());
  }
  for (const std::string& channel : listening_) exec("LISTEN " + channel);
}

void Connection::ensure() {
  if (depth == 0 && !connected()) connect();
}

Error Connection::failure(const PGresult* r, const std::string& sql) const {
  const std::string message =
      trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_)) + " (in: " + sql + ")";
  if (!connected())
    return Error(ErrorKind::io, where_,
                 "the connection to the server was lost: " + message +
                     "; nothing of this call was acknowledged, the next call reconnects");
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view code = state ? state : "";
  // A unique key taken by a concurrent writer, or a transaction the server had to abort to keep
  // writers apart: the caller may reload and try again, as after a stale revision.
  if (code == "23505" || code == "40001" || code == "40P01")
    return Error(ErrorKind::conflict, where_, message);
  return Error(ErrorKind::io, where_, message);
}

Result Connection::run(const std::string& sql, const Params& params) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    const std::string name = "ut" + std::to_string(prepared_.size() + 1);
    Owned r(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    if (!r || !ok(r.get())) throw failure(r.get(), sql);
    found = prepared_.emplace(sql, name).first;
  }
  const std::vector<const char*> values = params.pointers();
  PGresult* r = PQexecPrepared(conn_, found->second.c_str(), params.size(), values.data(), nullptr,
                               nullptr, 0);
  if (!r || !ok(r)) {
    Owned owned(r);
    throw failure(r, sql);
  }
  return Result(r);
}

void Connection::exec(const std::string& sql) {
  Owned r(PQexec(conn_, sql.c_str()));
  if (!r || !ok(r.get())) throw failure(r.get(), sql);
}

void Connection::commit() {
  Owned r(PQexec(conn_, "COMMIT"));
  if (!r || !ok(r.get())) throw failure(r.get(), "COMMIT");
  if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0)
    throw Error(ErrorKind::io, where_,
                "the server rolled the transaction back instead of committing it (a statement "
                "in it had failed); nothing was written");
}

void Connection::listen(const std::string& channel) {
  for (const std::string& c : listening_)
    if (c == channel) return;
  exec("LISTEN " + channel);
  listening_.push_back(channel);
}

bool Connection::wait_notification(int timeout_ms) {
  auto take = [&] {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  };
  if (PQconsumeInput(conn_) == 0) throw failure(nullptr, "waiting for a notification");
  if (take()) return true;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  const int n = poll(&fd, 1, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return false;
    throw Error(ErrorKind::io, where_, std::string("poll: ") + std::strerror(errno));
  }
  if (n == 0) return false;
  if (PQconsumeInput(conn_) == 0) throw failure(nullptr, "waiting for a notification");
  return take();
}

Tx::Tx(Connection& c, Kind kind) : c_(c), level_(c.depth + 1) {
  if (level_ == 1)
    c_.exec(kind == read ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
  else
    c_.exec("SAVEPOINT sp" + std::to_string(level_));
  c_.depth = level_;
}

Tx::~Tx() {
  if (done_) return;
  c_.depth = level_ - 1;
  if (!c_.connected()) return;  // the server rolls back what it had
  try {
    if (level_ == 1)
      c_.exec("ROLLBACK");
    else
      c_.exec("ROLLBACK TO SAVEPOINT sp" + std::to_string(level_) + "; RELEASE SAVEPOINT sp" +
              std::to_string(level_));
  } catch (const Error&) {
    // Rolling back failed: the server rolls back when the session ends; the error in flight
    // is the one the caller hears.
  }
}

void Tx::commit() {
  if (level_ == 1)
    c_.commit();
  else
    c_.exec("RELEASE SAVEPOINT sp" + std::to_string(level_));
  done_ = true;
  c_.depth = level_ - 1;
}

}  // namespace detail::pg
UNDERTAKE_END_NAMESPACE

// The embedded SQLite case store (store.hpp). One connection guarded by a mutex; WAL journal; every
// create/save is one transaction (BEGIN IMMEDIATE, so the revision check and the write happen under
// the same write lock, also across processes).
//
// Concurrent writers (issue 13) wait for the write lock (the busy timeout) or get a stale-revision
// conflict, never a lock error before the timeout, because SQLite calls its busy handler only
// for a connection with no transaction open. Three rules keep it so: every statement is stepped
// only through a Statement::Use, which resets it when the use ends; outside a transaction no
// statement is mid-step (Impl::require_no_statement_stepping, at BEGIN and COMMIT); and a write
// begins with the write lock (Impl::Tx), never by upgrading a read.
//
// Schema (version 1):
//   meta(key PRIMARY KEY, value)                 schema_version = 1
//   cases(id PRIMARY KEY, policy_name, policy_version, revision, stage, state (JSON array),
//         terminated, customer, updated_ms, attention_ms, head (the snapshot without `ledger`))
//   ledger(case_id, seq, at_ms, kind, event, entry (JSON of the entry)) PRIMARY KEY (case_id, seq)
#include <sqlite3.h>

#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/store.hpp"

namespace json = boost::json;

namespace undertake {
namespace {

constexpr int kSchemaVersion = 1;

std::int64_t millis(Timestamp t) {
  return t.time_since_epoch().count();
}
Timestamp from_millis(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

// The connection and what its errors name: the store, and how long SQLite waits for a lock.
struct Connection {
  sqlite3* db = nullptr;
  std::string where;  // "sqlite store <path>"
  int busy_timeout_ms = 0;

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

// Reads a stored row with the store's limits (SqliteOptions::limits, limits.hpp): what an engine
// with the same limits accepted was written within them, so it reads back.
json::value parse_json(std::string_view text, const std::string& where, const InputLimits& limits) {
  try {
    return undertake::parse_json(text, limits, where, ErrorKind::invalid_snapshot);
  } catch (const Error& e) {
    // Beyond the limits the row cannot be read with them: the case is unreadable to this store.
    if (e.kind() != ErrorKind::limit_exceeded) throw;
    throw Error(ErrorKind::invalid_snapshot, e.where(), e.why());
  }
}

std::string state_text(const std::vector<std::string>& state) {
  json::array a;
  for (const auto& s : state) a.emplace_back(s);
  return json::serialize(a);
}

// The statements every call reuses, prepared once per connection.
struct Prepared {
  Statement revision_of, insert_case, update_case, insert_entry, select_head, select_entries;

  explicit Prepared(const Connection& c)
      : revision_of(c, "SELECT revision FROM cases WHERE id = ?"),
        insert_case(c,
                    "INSERT INTO cases (id, policy_name, policy_version, revision, stage, state,"
                    " terminated, customer, updated_ms, attention_ms, head)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        update_case(c,
                    "UPDATE cases SET policy_name = ?2, policy_version = ?3, revision = ?4,"
                    " stage = ?5, state = ?6, terminated = ?7, customer = ?8, updated_ms = ?9,"
                    " attention_ms = ?10, head = ?11 WHERE id = ?1"),
        insert_entry(c,
                     "INSERT INTO ledger (case_id, seq, at_ms, kind, event, entry)"
                     " VALUES (?, ?, ?, ?, ?, ?)"),
        select_head(c, "SELECT head FROM cases WHERE id = ?"),
        select_entries(c, "SELECT seq, entry FROM ledger WHERE case_id = ? ORDER BY seq") {}
};

}  // namespace

struct SqliteCaseStore::Impl : Connection {
  std::string path;
  mutable std::recursive_mutex mutex;
  int depth = 0;         // open transactions (0: none, 1: BEGIN, >1: savepoints)
  bool writing = false;  // the outermost open transaction holds the write lock
  InputLimits limits;    // what stored rows are read with
  std::unique_ptr<Prepared> prepared;

  Impl() = default;
  ~Impl() {
    prepared.reset();  // a connection closes only when all its statements are finalised
    sqlite3_close(db);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void exec(const char* sql) const {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw failure(sql);
  }

  // Calls `row` with each row of a statement without parameters.
  void each_row(std::string_view sql, const std::function<void(const Statement::Use&)>& row) const {
    Statement st(*this, sql);
    auto q = st.use();
    while (q.step()) row(q);
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

  // One transaction, or a savepoint inside the open one (SqliteCaseStore::transaction(), a read
  // inside a write). A write begins with BEGIN IMMEDIATE: it takes the write lock first, waiting
  // for it through the busy handler, and reads only then, on the newest data, so the revision it
  // checks is still true at its COMMIT. A read is a deferred BEGIN (one consistent view that does
  // not block writers under WAL); it cannot become a write -- once another connection has
  // committed, SQLite refuses that at once (SQLITE_BUSY_SNAPSHOT) -- so a write inside a read is
  // refused, always, rather than failing when another process happens to write.
  class Tx {
   public:
    enum Mode { read, write };
    Tx(Impl& s, Mode mode) : s_(s) {
      if (s_.depth == 0) {
        s_.require_no_statement_stepping("BEGIN");
        s_.exec(mode == write ? "BEGIN IMMEDIATE" : "BEGIN");
        s_.writing = mode == write;
      } else {
        if (mode == write && !s_.writing)
          throw Error(ErrorKind::invalid_argument, s_.where,
                      "cannot write inside a read: a create or save in for_each_ledger's callback "
                      "would turn its read transaction into a write, which SQLite refuses once "
                      "another connection has written; write after for_each_ledger returns");
        s_.exec("SAVEPOINT ut");
      }
      ++s_.depth;
    }
    void commit() {
      if (s_.depth == 1) {
        s_.require_no_statement_stepping("COMMIT");
        s_.exec("COMMIT");
      } else {
        s_.exec("RELEASE ut");
      }
      --s_.depth;
      done_ = true;
    }
    ~Tx() {
      if (done_) return;
      try {
        if (s_.depth == 1) {
          s_.exec("ROLLBACK");
        } else {
          s_.exec("ROLLBACK TO ut");
          s_.exec("RELEASE ut");
        }
      } catch (...) {
        // Nothing more can be done; SQLite rolls back an unfinished transaction on close anyway.
      }
      --s_.depth;
    }
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;

   private:
    Impl& s_;
    bool done_ = false;
  };

  std::optional<std::int64_t> stored_revision(std::string_view id) const {
    auto q = prepared->revision_of.use();
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return q.integer(0);
  }

  void write_entries(const Case& c, std::uint64_t from) const {
    const auto& entries = c.ledger();
    for (std::size_t i = from; i < entries.size(); ++i) {
      const LedgerEntry& e = entries[i];
      auto q = prepared->insert_entry.use();
      q.bind(1, c.id());
      q.bind(2, static_cast<std::int64_t>(e.seq));
      q.bind(3, millis(e.at));
      q.bind(4, e.kind == EntryKind::escalation ? "escalation" : "event");
      q.bind(5, event_name(e.event));
      q.bind(6, json::serialize(to_json(e)));
      q.step();
    }
  }

  // Runs insert_case or update_case: the id, the summary columns and the head (the snapshot
  // without its ledger).
  void write_case(Statement& st, const Case& c) const {
    const CaseSummary s = CaseSummary::of(c);
    json::value snap = c.snapshot();
    snap.get_object().erase("ledger");
    auto q = st.use();
    q.bind(1, c.id());
    q.bind(2, c.policy()->name());
    q.bind(3, s.policy_version);
    q.bind(4, static_cast<std::int64_t>(s.revision));
    q.bind(5, s.stage);
    q.bind(6, state_text(s.state));
    q.bind(7, static_cast<std::int64_t>(s.terminated ? 1 : 0));
    q.bind(8, s.customer);
    q.bind(9, s.updated);
    q.bind(10, s.attention);
    q.bind(11, json::serialize(snap));
    q.step();
  }

  std::string case_where(std::string_view id) const { return where + ": case " + std::string(id); }

  // A stored head, which must be a JSON object.
  json::value parsed_head(std::string_view text, std::string_view id) const {
    json::value head = parse_json(text, case_where(id), limits);
    if (!head.is_object())
      throw Error(ErrorKind::invalid_snapshot, case_where(id),
                  "the stored snapshot is not an object");
    return head;
  }

  // The head of a case, or nothing when it is not stored.
  std::optional<json::value> read_head(std::string_view id) const {
    auto q = prepared->select_head.use();
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return parsed_head(q.text(0), id);
  }

  // Calls `fn` with each ledger row of a case (its seq and the JSON of its entry), in seq order.
  void each_entry(std::string_view id,
                  const std::function<void(std::int64_t, std::string_view)>& fn) const {
    auto q = prepared->select_entries.use();
    q.bind(1, id);
    while (q.step()) fn(q.integer(0), q.text(1));
  }

  std::string entry_where(std::string_view id, std::int64_t seq) const {
    return case_where(id) + " seq " + std::to_string(seq);
  }

  // The ledger of a case from its head and its ledger rows.
  CaseLedger ledger_of(std::string id, const json::value& head) const {
    CaseLedger l;
    l.case_id = std::move(id);
    if (const json::value* p = head.get_object().if_contains("policy"); p && p->is_object())
      if (const json::value* v = p->get_object().if_contains("version"); v && v->is_string())
        l.policy_version = std::string(v->get_string());
    if (const json::value* d = head.get_object().if_contains("data"); d && d->is_object())
      l.data = d->get_object();
    each_entry(l.case_id, [&](std::int64_t seq, std::string_view text) {
      const std::string at = entry_where(l.case_id, seq);
      l.entries.push_back(ledger_entry_from_json(parse_json(text, at, limits), at));
    });
    return l;
  }

  CaseSummary summary_row(const Statement::Use& row) const {
    // id, policy_version, revision, stage, state, terminated, customer, updated_ms, attention_ms
    CaseSummary s;
    s.case_id = std::string(row.text(0));
    s.policy_version = std::string(row.text(1));
    s.revision = static_cast<std::uint64_t>(row.integer(2));
    s.stage = std::string(row.text(3));
    const json::value state = parse_json(row.text(4), case_where(s.case_id) + " state", limits);
    if (state.is_array())
      for (const auto& p : state.get_array())
        if (p.is_string()) s.state.emplace_back(p.get_string());
    s.terminated = row.integer(5) != 0;
    s.customer = std::string(row.text(6));
    if (!row.is_null(7)) s.updated = from_millis(row.integer(7));
    if (!row.is_null(8)) s.attention = from_millis(row.integer(8));
    return s;
  }

  // Calls `row` with `columns` of each case that matches the filter, in case id order.
  void each_filtered(const CaseFilter& f, std::string_view columns,
                     const std::function<void(const Statement::Use&)>& row) const {
    std::string sql = "SELECT " + std::string(columns) + " FROM cases WHERE 1";
    if (f.stage) sql += " AND stage = ?";
    if (f.open_only) sql += " AND terminated = 0";
    if (f.attention_by) sql += " AND attention_ms IS NOT NULL AND attention_ms <= ?";
    if (f.updated_since) sql += " AND updated_ms >= ?";
    sql += " ORDER BY id";
    if (f.limit) sql += " LIMIT " + std::to_string(f.limit);
    Statement st(*this, sql);
    auto q = st.use();
    int i = 1;
    if (f.stage) q.bind(i++, *f.stage);
    if (f.attention_by) q.bind(i++, millis(*f.attention_by));
    if (f.updated_since) q.bind(i++, millis(*f.updated_since));
    while (q.step()) row(q);
  }

  std::uint64_t count(std::string_view sql) const {
    std::uint64_t n = 0;
    each_row(sql,
             [&](const Statement::Use& row) { n = static_cast<std::uint64_t>(row.integer(0)); });
    return n;
  }
};

SqliteCaseStore::SqliteCaseStore(const std::string& path, SqliteOptions options)
    : impl_(std::make_unique<Impl>()) {
  // On an exception impl_ is destroyed, which closes the connection.
  Impl& s = *impl_;
  s.path = path;
  s.where = "sqlite store " + path;
  s.limits = options.limits;
  s.busy_timeout_ms = options.busy_timeout_ms;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &s.db, flags, nullptr) != SQLITE_OK)
    throw Error(ErrorKind::io, s.where,
                std::string("cannot open: ") + (s.db ? sqlite3_errmsg(s.db) : "out of memory"));
  sqlite3_busy_timeout(s.db, options.busy_timeout_ms);
  sqlite3_extended_result_codes(s.db, 1);
  std::string journal;
  s.each_row("PRAGMA journal_mode=WAL",
             [&](const Statement::Use& row) { journal = std::string(row.text(0)); });
  if (journal != "wal") throw Error(ErrorKind::io, s.where, "cannot switch the journal to WAL");
  switch (options.synchronous) {
    case SqliteOptions::Sync::full:
      s.exec("PRAGMA synchronous=FULL");
      break;
    case SqliteOptions::Sync::normal:
      s.exec("PRAGMA synchronous=NORMAL");
      break;
    case SqliteOptions::Sync::off:
      s.exec("PRAGMA synchronous=OFF");
      break;
  }
  Impl::Tx tx(s, Impl::Tx::write);
  s.exec(
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS cases ("
      "  id TEXT PRIMARY KEY, policy_name TEXT NOT NULL, policy_version TEXT NOT NULL,"
      "  revision INTEGER NOT NULL, stage TEXT NOT NULL, state TEXT NOT NULL,"
      "  terminated INTEGER NOT NULL, customer TEXT NOT NULL, updated_ms INTEGER,"
      "  attention_ms INTEGER, head TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ledger ("
      "  case_id TEXT NOT NULL, seq INTEGER NOT NULL, at_ms INTEGER NOT NULL,"
      "  kind TEXT NOT NULL, event TEXT NOT NULL, entry TEXT NOT NULL,"
      "  PRIMARY KEY (case_id, seq)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS cases_attention ON cases (attention_ms) WHERE terminated = 0;"
      "CREATE INDEX IF NOT EXISTS cases_stage ON cases (stage);"
      "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1');");
  s.each_row("SELECT value FROM meta WHERE key = 'schema_version'", [&](const Statement::Use& row) {
    const std::string v(row.text(0));
    if (v != std::to_string(kSchemaVersion))
      throw Error(ErrorKind::io, s.where,
                  "the store has schema version " + v + "; this library reads version " +
                      std::to_string(kSchemaVersion));
  });
  tx.commit();
  s.prepared = std::make_unique<Prepared>(s);
}

SqliteCaseStore::~SqliteCaseStore() = default;

const std::string& SqliteCaseStore::path() const noexcept {
  return impl_->path;
}

void SqliteCaseStore::create(const Case& c) {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, Impl::Tx::write);
  if (s.stored_revision(c.id()))
    throw Error(ErrorKind::conflict, "case " + c.id(), "a case with this id is already stored");
  s.write_case(s.prepared->insert_case, c);
  s.write_entries(c, 0);
  tx.commit();
}

void SqliteCaseStore::save(const Case& c, std::uint64_t expected_revision) {
  Impl& s = *impl_;
  if (c.revision() < expected_revision)
    throw Error(ErrorKind::invalid_argument, "case " + c.id(),
                "the case is at revision " + std::to_string(c.revision()) +
                    ", before the expected revision " + std::to_string(expected_revision));
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, Impl::Tx::write);
  const auto stored = s.stored_revision(c.id());
  if (!stored) throw Error(ErrorKind::not_found, "case " + c.id(), "no such case in the store");
  if (static_cast<std::uint64_t>(*stored) != expected_revision)
    throw Error(ErrorKind::conflict, "case " + c.id(),
                "stale revision: the store holds revision " + std::to_string(*stored) +
                    ", this case was loaded at revision " + std::to_string(expected_revision) +
                    " (someone saved it in between; reload it and try again)");
  if (c.revision() == expected_revision) return;  // nothing new (the transaction rolls back)
  s.write_entries(c, expected_revision);
  s.write_case(s.prepared->update_case, c);
  tx.commit();
}

std::optional<json::value> SqliteCaseStore::snapshot(std::string_view case_id) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, Impl::Tx::read);  // one consistent read of the head and its ledger
  std::optional<json::value> snap = s.read_head(case_id);
  if (!snap) return std::nullopt;
  json::array entries;
  s.each_entry(case_id, [&](std::int64_t seq, std::string_view text) {
    entries.push_back(parse_json(text, s.entry_where(case_id, seq), s.limits));
  });
  snap->get_object()["ledger"] = std::move(entries);
  tx.commit();
  return snap;
}

std::optional<CaseLedger> SqliteCaseStore::ledger(std::string_view case_id) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, Impl::Tx::read);
  const std::optional<json::value> head = s.read_head(case_id);
  if (!head) return std::nullopt;
  CaseLedger l = s.ledger_of(std::string(case_id), *head);
  tx.commit();
  return l;
}

std::vector<CaseSummary> SqliteCaseStore::list(const CaseFilter& filter) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  std::vector<CaseSummary> out;
  s.each_filtered(filter,
                  "id, policy_version, revision, stage, state, terminated, customer,"
                  " updated_ms, attention_ms",
                  [&](const Statement::Use& row) { out.push_back(s.summary_row(row)); });
  return out;
}

void SqliteCaseStore::for_each_ledger(const CaseFilter& filter,
                                      const std::function<void(CaseLedger&&)>& fn) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, Impl::Tx::read);  // every ledger from the same moment
  s.each_filtered(filter, "id, head", [&](const Statement::Use& row) {
    std::string id(row.text(0));
    const json::value head = s.parsed_head(row.text(1), id);
    fn(s.ledger_of(std::move(id), head));
  });
  tx.commit();
}

void SqliteCaseStore::transaction(const std::function<void()>& fn) {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, Impl::Tx::write);
  fn();
  tx.commit();
}

std::vector<std::string> SqliteCaseStore::check() const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, Impl::Tx::read);  // every check on the same data
  std::vector<std::string> problems;
  s.each_row("PRAGMA integrity_check", [&](const Statement::Use& row) {
    if (row.text(0) != "ok") problems.emplace_back("integrity_check: " + std::string(row.text(0)));
  });
  s.each_row(
      "SELECT c.id, c.revision, COUNT(l.seq), COALESCE(MIN(l.seq), 0), COALESCE(MAX(l.seq), 0)"
      " FROM cases c LEFT JOIN ledger l ON l.case_id = c.id GROUP BY c.id"
      " HAVING COUNT(l.seq) != c.revision OR (COUNT(l.seq) > 0 AND"
      " (MIN(l.seq) != 1 OR MAX(l.seq) != c.revision))",
      [&](const Statement::Use& row) {
        problems.emplace_back(
            "case " + std::string(row.text(0)) + ": revision " + std::to_string(row.integer(1)) +
            " but ledger rows " + std::to_string(row.integer(2)) + " (seq " +
            std::to_string(row.integer(3)) + ".." + std::to_string(row.integer(4)) + ")");
      });
  s.each_row("SELECT DISTINCT case_id FROM ledger WHERE case_id NOT IN (SELECT id FROM cases)",
             [&](const Statement::Use& row) {
               problems.emplace_back("ledger rows of case " + std::string(row.text(0)) +
                                     " without a case row");
             });
  tx.commit();
  return problems;
}

std::uint64_t SqliteCaseStore::case_count() const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  return s.count("SELECT COUNT(*) FROM cases");
}

std::uint64_t SqliteCaseStore::entry_count() const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  return s.count("SELECT COUNT(*) FROM ledger");
}

std::unique_ptr<SqliteCaseStore> open_sqlite_store(const std::string& path, SqliteOptions options) {
  return std::make_unique<SqliteCaseStore>(path, options);
}

}  // namespace undertake

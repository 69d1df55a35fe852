// The embedded SQLite case store (store.hpp). One connection guarded by a mutex; WAL journal; every
// create/save is one transaction (BEGIN IMMEDIATE, so the revision check and the write happen under
// the same write lock, also across processes).
//
// Schema (version 1):
//   meta(key PRIMARY KEY, value)                 schema_version = 1
//   cases(id PRIMARY KEY, policy_name, policy_version, revision, stage, state (JSON array),
//         terminated, customer, updated_ms, attention_ms, head (the snapshot without `ledger`))
//   ledger(case_id, seq, at_ms, kind, event, entry (JSON of the entry)) PRIMARY KEY (case_id, seq)
#include <sqlite3.h>

#include <boost/json.hpp>

#include <mutex>

#include "undertake/error.hpp"
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

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, const std::string& where) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK)
      throw Error(ErrorKind::io, where,
                  std::string("cannot prepare statement: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return *this;
  }
  void bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  void bind(int i, const std::optional<Timestamp>& t) {
    if (t)
      bind(i, millis(*t));
    else
      bind_null(i);
  }
  /// Steps once: true for a row, false when done; throws on an error.
  bool step(const std::string& where) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error(ErrorKind::io, where, sqlite3_errmsg(db_));
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string_view text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

json::value parse_json(std::string_view text, const std::string& where) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec)
    throw Error(ErrorKind::invalid_snapshot, where, "stored JSON does not parse: " + ec.message());
  return v;
}

std::string state_text(const std::vector<std::string>& state) {
  json::array a;
  for (const auto& s : state) a.emplace_back(s);
  return json::serialize(a);
}

}  // namespace

struct SqliteCaseStore::Impl {
  std::string path;
  std::string where;  // "sqlite store <path>"
  sqlite3* db = nullptr;
  mutable std::recursive_mutex mutex;
  int depth = 0;  // open transactions (0: none, 1: BEGIN, >1: savepoints)
  std::unique_ptr<Statement> revision_of, insert_case, update_case, insert_entry, select_head,
      select_entries;

  void exec(const char* sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string why = message ? message : sqlite3_errmsg(db);
      sqlite3_free(message);
      throw Error(ErrorKind::io, where, why + " (in: " + sql + ")");
    }
  }

  // One transaction, or a savepoint inside SqliteCaseStore::transaction().
  class Tx {
   public:
    /// `write`: take the write lock at once (so a revision read inside is still true at commit);
    /// otherwise a read transaction (one consistent view, not blocking writers under WAL).
    explicit Tx(Impl& s, bool write = true) : s_(s) {
      s_.exec(s_.depth == 0 ? (write ? "BEGIN IMMEDIATE" : "BEGIN") : "SAVEPOINT ut");
      ++s_.depth;
    }
    void commit() {
      s_.exec(s_.depth == 1 ? "COMMIT" : "RELEASE ut");
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

  std::optional<std::int64_t> stored_revision(std::string_view id) {
    auto& st = revision_of->reset();
    st.bind(1, id);
    if (!st.step(where)) return std::nullopt;
    return st.integer(0);
  }

  void write_entries(const Case& c, std::uint64_t from) {
    const auto& entries = c.ledger();
    for (std::size_t i = from; i < entries.size(); ++i) {
      const LedgerEntry& e = entries[i];
      auto& st = insert_entry->reset();
      st.bind(1, c.id());
      st.bind(2, static_cast<std::int64_t>(e.seq));
      st.bind(3, millis(e.at));
      st.bind(4, e.kind == EntryKind::escalation ? "escalation" : "event");
      st.bind(5, event_name(e.event));
      st.bind(6, json::serialize(to_json(e)));
      st.step(where);
    }
  }

  // Binds the summary columns and the head (snapshot without its ledger) from position `first`.
  void bind_case(Statement& st, const Case& c, int first) {
    const CaseSummary s = CaseSummary::of(c);
    json::value snap = c.snapshot();
    snap.get_object().erase("ledger");
    st.bind(first, c.policy()->name());
    st.bind(first + 1, s.policy_version);
    st.bind(first + 2, static_cast<std::int64_t>(s.revision));
    st.bind(first + 3, s.stage);
    st.bind(first + 4, state_text(s.state));
    st.bind(first + 5, static_cast<std::int64_t>(s.terminated ? 1 : 0));
    st.bind(first + 6, s.customer);
    st.bind(first + 7, s.updated);
    st.bind(first + 8, s.attention);
    st.bind(first + 9, json::serialize(snap));
  }

  std::vector<LedgerEntry> read_entries(std::string_view id) const {
    std::vector<LedgerEntry> out;
    auto& st = select_entries->reset();
    st.bind(1, id);
    while (st.step(where)) {
      const std::string at =
          where + ": case " + std::string(id) + " seq " + std::to_string(st.integer(0));
      out.push_back(ledger_entry_from_json(parse_json(st.text(1), at), at));
    }
    return out;
  }

  CaseSummary summary_row(const Statement& st) const {
    // id, policy_version, revision, stage, state, terminated, customer, updated_ms, attention_ms
    CaseSummary s;
    s.case_id = std::string(st.text(0));
    s.policy_version = std::string(st.text(1));
    s.revision = static_cast<std::uint64_t>(st.integer(2));
    s.stage = std::string(st.text(3));
    const json::value state = parse_json(st.text(4), where + ": case " + s.case_id + " state");
    if (state.is_array())
      for (const auto& p : state.get_array())
        if (p.is_string()) s.state.emplace_back(p.get_string());
    s.terminated = st.integer(5) != 0;
    s.customer = std::string(st.text(6));
    if (!st.is_null(7)) s.updated = from_millis(st.integer(7));
    if (!st.is_null(8)) s.attention = from_millis(st.integer(8));
    return s;
  }

  // SELECT of the summary columns with the filter as a WHERE clause; binds in order.
  std::unique_ptr<Statement> filtered(const CaseFilter& f, std::string_view columns) const {
    std::string sql = "SELECT " + std::string(columns) + " FROM cases WHERE 1";
    if (f.stage) sql += " AND stage = ?";
    if (f.open_only) sql += " AND terminated = 0";
    if (f.attention_by) sql += " AND attention_ms IS NOT NULL AND attention_ms <= ?";
    if (f.updated_since) sql += " AND updated_ms >= ?";
    sql += " ORDER BY id";
    if (f.limit) sql += " LIMIT " + std::to_string(f.limit);
    auto st = std::make_unique<Statement>(db, sql, where);
    int i = 1;
    if (f.stage) st->bind(i++, *f.stage);
    if (f.attention_by) st->bind(i++, millis(*f.attention_by));
    if (f.updated_since) st->bind(i++, millis(*f.updated_since));
    return st;
  }
};

SqliteCaseStore::SqliteCaseStore(const std::string& path, SqliteOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = path;
  s.where = "sqlite store " + path;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &s.db, flags, nullptr) != SQLITE_OK) {
    std::string why = s.db ? sqlite3_errmsg(s.db) : "out of memory";
    sqlite3_close(s.db);
    throw Error(ErrorKind::io, s.where, "cannot open: " + why);
  }
  try {
    sqlite3_busy_timeout(s.db, options.busy_timeout_ms);
    sqlite3_extended_result_codes(s.db, 1);
    {
      Statement wal(s.db, "PRAGMA journal_mode=WAL", s.where);
      if (!wal.step(s.where) || wal.text(0) != "wal")
        throw Error(ErrorKind::io, s.where, "cannot switch the journal to WAL");
    }
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
    {
      Impl::Tx tx(s);
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
      Statement version(s.db, "SELECT value FROM meta WHERE key = 'schema_version'", s.where);
      if (version.step(s.where)) {
        const std::string v(version.text(0));
        if (v != std::to_string(kSchemaVersion))
          throw Error(ErrorKind::io, s.where,
                      "the store has schema version " + v + "; this library reads version " +
                          std::to_string(kSchemaVersion));
      }
      tx.commit();
    }
    s.revision_of =
        std::make_unique<Statement>(s.db, "SELECT revision FROM cases WHERE id = ?", s.where);
    s.insert_case = std::make_unique<Statement>(
        s.db,
        "INSERT INTO cases (id, policy_name, policy_version, revision, stage, state, terminated,"
        " customer, updated_ms, attention_ms, head) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11)",
        s.where);
    s.update_case = std::make_unique<Statement>(
        s.db,
        "UPDATE cases SET policy_name = ?2, policy_version = ?3, revision = ?4, stage = ?5,"
        " state = ?6, terminated = ?7, customer = ?8, updated_ms = ?9, attention_ms = ?10,"
        " head = ?11 WHERE id = ?1",
        s.where);
    s.insert_entry = std::make_unique<Statement>(
        s.db,
        "INSERT INTO ledger (case_id, seq, at_ms, kind, event, entry) VALUES (?, ?, ?, ?, ?, ?)",
        s.where);
    s.select_head =
        std::make_unique<Statement>(s.db, "SELECT head FROM cases WHERE id = ?", s.where);
    s.select_entries = std::make_unique<Statement>(
        s.db, "SELECT seq, entry FROM ledger WHERE case_id = ? ORDER BY seq", s.where);
  } catch (...) {
    s.revision_of.reset();
    s.insert_case.reset();
    s.update_case.reset();
    s.insert_entry.reset();
    s.select_head.reset();
    s.select_entries.reset();
    sqlite3_close(s.db);
    throw;
  }
}

SqliteCaseStore::~SqliteCaseStore() {
  Impl& s = *impl_;
  s.revision_of.reset();
  s.insert_case.reset();
  s.update_case.reset();
  s.insert_entry.reset();
  s.select_head.reset();
  s.select_entries.reset();
  sqlite3_close(s.db);
}

const std::string& SqliteCaseStore::path() const noexcept {
  return impl_->path;
}

void SqliteCaseStore::create(const Case& c) {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s);
  if (s.stored_revision(c.id()))
    throw Error(ErrorKind::conflict, "case " + c.id(), "a case with this id is already stored");
  auto& st = s.insert_case->reset();
  st.bind(1, c.id());
  s.bind_case(st, c, 2);
  st.step(s.where);
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
  Impl::Tx tx(s);
  const auto stored = s.stored_revision(c.id());
  if (!stored) throw Error(ErrorKind::not_found, "case " + c.id(), "no such case in the store");
  if (static_cast<std::uint64_t>(*stored) != expected_revision)
    throw Error(ErrorKind::conflict, "case " + c.id(),
                "stale revision: the store holds revision " + std::to_string(*stored) +
                    ", this case was loaded at revision " + std::to_string(expected_revision) +
                    " (someone saved it in between; reload it and try again)");
  if (c.revision() == expected_revision) return;  // nothing new (the transaction rolls back)
  s.write_entries(c, expected_revision);
  auto& st = s.update_case->reset();
  st.bind(1, c.id());
  s.bind_case(st, c, 2);
  st.step(s.where);
  tx.commit();
}

std::optional<json::value> SqliteCaseStore::snapshot(std::string_view case_id) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, false);  // one consistent read of the head and its ledger
  auto& st = s.select_head->reset();
  st.bind(1, case_id);
  if (!st.step(s.where)) return std::nullopt;
  json::value snap = parse_json(st.text(0), s.where + ": case " + std::string(case_id));
  if (!snap.is_object())
    throw Error(ErrorKind::invalid_snapshot, s.where + ": case " + std::string(case_id),
                "the stored snapshot is not an object");
  json::array entries;
  auto& le = s.select_entries->reset();
  le.bind(1, case_id);
  while (le.step(s.where))
    entries.push_back(parse_json(le.text(1), s.where + ": case " + std::string(case_id) + " seq " +
                                                 std::to_string(le.integer(0))));
  snap.get_object()["ledger"] = std::move(entries);
  tx.commit();
  return snap;
}

std::optional<CaseLedger> SqliteCaseStore::ledger(std::string_view case_id) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, false);
  auto& st = s.select_head->reset();
  st.bind(1, case_id);
  if (!st.step(s.where)) return std::nullopt;
  const json::value head = parse_json(st.text(0), s.where + ": case " + std::string(case_id));
  CaseLedger l;
  l.case_id = std::string(case_id);
  if (const json::value* p = head.get_object().if_contains("policy"); p && p->is_object())
    if (const json::value* v = p->get_object().if_contains("version"); v && v->is_string())
      l.policy_version = std::string(v->get_string());
  if (const json::value* d = head.get_object().if_contains("data"); d && d->is_object())
    l.data = d->get_object();
  l.entries = s.read_entries(case_id);
  tx.commit();
  return l;
}

std::vector<CaseSummary> SqliteCaseStore::list(const CaseFilter& filter) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  auto st = s.filtered(filter,
                       "id, policy_version, revision, stage, state, terminated, customer,"
                       " updated_ms, attention_ms");
  std::vector<CaseSummary> out;
  while (st->step(s.where)) out.push_back(s.summary_row(*st));
  return out;
}

void SqliteCaseStore::for_each_ledger(const CaseFilter& filter,
                                      const std::function<void(CaseLedger&&)>& fn) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s, false);  // every ledger from the same moment
  auto st = s.filtered(filter, "id, head");
  while (st->step(s.where)) {
    CaseLedger l;
    l.case_id = std::string(st->text(0));
    const json::value head = parse_json(st->text(1), s.where + ": case " + l.case_id);
    if (const json::value* p = head.get_object().if_contains("policy"); p && p->is_object())
      if (const json::value* v = p->get_object().if_contains("version"); v && v->is_string())
        l.policy_version = std::string(v->get_string());
    if (const json::value* d = head.get_object().if_contains("data"); d && d->is_object())
      l.data = d->get_object();
    l.entries = s.read_entries(l.case_id);
    fn(std::move(l));
  }
  tx.commit();
}

void SqliteCaseStore::transaction(const std::function<void()>& fn) {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Impl::Tx tx(s);
  fn();
  tx.commit();
}

std::vector<std::string> SqliteCaseStore::check() const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  std::vector<std::string> problems;
  {
    Statement st(s.db, "PRAGMA integrity_check", s.where);
    while (st.step(s.where))
      if (st.text(0) != "ok") problems.emplace_back("integrity_check: " + std::string(st.text(0)));
  }
  {
    Statement st(
        s.db,
        "SELECT c.id, c.revision, COUNT(l.seq), COALESCE(MIN(l.seq), 0), COALESCE(MAX(l.seq), 0)"
        " FROM cases c LEFT JOIN ledger l ON l.case_id = c.id GROUP BY c.id"
        " HAVING COUNT(l.seq) != c.revision OR (COUNT(l.seq) > 0 AND"
        " (MIN(l.seq) != 1 OR MAX(l.seq) != c.revision))",
        s.where);
    while (st.step(s.where))
      problems.emplace_back(
          "case " + std::string(st.text(0)) + ": revision " + std::to_string(st.integer(1)) +
          " but ledger rows " + std::to_string(st.integer(2)) + " (seq " +
          std::to_string(st.integer(3)) + ".." + std::to_string(st.integer(4)) + ")");
  }
  {
    Statement st(s.db,
                 "SELECT DISTINCT case_id FROM ledger WHERE case_id NOT IN (SELECT id FROM cases)",
                 s.where);
    while (st.step(s.where))
      problems.emplace_back("ledger rows of case " + std::string(st.text(0)) +
                            " without a case row");
  }
  return problems;
}

std::uint64_t SqliteCaseStore::case_count() const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Statement st(s.db, "SELECT COUNT(*) FROM cases", s.where);
  st.step(s.where);
  return static_cast<std::uint64_t>(st.integer(0));
}

std::uint64_t SqliteCaseStore::entry_count() const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Statement st(s.db, "SELECT COUNT(*) FROM ledger", s.where);
  st.step(s.where);
  return static_cast<std::uint64_t>(st.integer(0));
}

std::unique_ptr<SqliteCaseStore> open_sqlite_store(const std::string& path, SqliteOptions options) {
  return std::make_unique<SqliteCaseStore>(path, options);
}

}  // namespace undertake

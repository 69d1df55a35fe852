// The embedded SQLite case store (sqlite_store.hpp). One connection guarded by a mutex; WAL
// journal; every create/save is one transaction (BEGIN IMMEDIATE, so the revision check and the
// write happen under the same write lock, also across processes).
//
// Concurrent writers (issue 13) wait for the write lock (the busy timeout) or get a stale-revision
// conflict, never a lock error before the timeout, because SQLite calls its busy handler only
// for a connection with no transaction open. Three rules keep it so (connection.hpp): every
// statement is stepped only through a Statement::Use, which resets it when the use ends; outside a
// transaction no statement is mid-step (checked at BEGIN and COMMIT); and a write begins with the
// write lock (Tx), never by upgrading a read.
//
// Saving writes what changed (design.md §9): the new ledger rows, one change-feed row each, the
// case row with its new head, the worklist rows that differ when the state, customer or due
// changed, and the request record. Schema: schema.cpp.
#include "undertake/sqlite_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/schema.hpp"
#include "store/store_rows.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

using detail::sqlite::Connection;
using detail::sqlite::each_row;
using detail::sqlite::from_millis;
using detail::sqlite::millis;
using detail::sqlite::Statement;
using detail::sqlite::Tx;

namespace {

using detail::rows::kSummaryColumns;
using detail::rows::parse_json;
using detail::rows::same_time;
using detail::rows::state_text;
using detail::rows::WorklistRow;

// The statements every call reuses, prepared once per connection.
struct Prepared {
  Statement stored_row, stored_head_format, insert_case, update_case, update_case_indexed,
      insert_entry, rehash_entry, insert_change, select_head, select_entries, select_worklist,
      delete_work_row, update_work_row, update_work_row_stage, insert_worklist, select_summary,
      select_changes, select_request, insert_request;

  explicit Prepared(const Connection& c)
      : stored_row(c,
                   "SELECT revision, state, customer, due_ms, worklist_revision, stage,"
                   " terminated, attention_ms FROM cases WHERE id = ?"),
        stored_head_format(c,
                           "SELECT json_extract(head, '$.format_version') FROM cases WHERE id = ?"),
        insert_case(c,
                    "INSERT INTO cases (id, policy_name, policy_version, revision, stage, state,"
                    " terminated, customer, updated_ms, attention_ms, due_ms, worklist_revision,"
                    " head) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
        // The columns in no index: an UPDATE rewrites the entries of every index whose columns it
        // sets, changed or not, so stage, terminated and attention_ms (cases_stage,
        // cases_attention) are set apart, when they change.
        update_case(c,
                    "UPDATE cases SET policy_name = ?2, policy_version = ?3, revision = ?4,"
                    " state = ?6, customer = ?8, updated_ms = ?9, due_ms = ?11,"
                    " worklist_revision = ?12, head = ?13 WHERE id = ?1"),
        update_case_indexed(c,
                            "UPDATE cases SET stage = ?2, terminated = ?3, attention_ms = ?4"
                            " WHERE id = ?1"),
        insert_entry(c,
                     "INSERT INTO ledger (case_id, seq, at_ms, kind, event, entry)"
                     " VALUES (?, ?, ?, ?, ?, ?)"),
        rehash_entry(c, "UPDATE ledger SET entry = ?3 WHERE case_id = ?1 AND seq = ?2"),
        insert_change(c, "INSERT INTO changes (case_id, seq) VALUES (?, ?)"),
        select_head(c, "SELECT head FROM cases WHERE id = ?"),
        select_entries(c, "SELECT seq, entry FROM ledger WHERE case_id = ? ORDER BY seq"),
        select_worklist(c,
                        "SELECT role, events, stage, customer, due_ms FROM worklist"
                        " WHERE case_id = ?"),
        delete_work_row(c, "DELETE FROM worklist WHERE case_id = ?1 AND role = ?2"),
        update_work_row(c,
                        "UPDATE worklist SET events = ?3, due_ms = ?4"
                        " WHERE case_id = ?1 AND role = ?2"),
        update_work_row_stage(c,
                              "UPDATE worklist SET events = ?3, due_ms = ?4, stage = ?5"
                              " WHERE case_id = ?1 AND role = ?2"),
        insert_worklist(c,
                        "INSERT INTO worklist (case_id, role, events, due_ms, stage, customer)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        select_summary(c, "SELECT " + std::string(kSummaryColumns) + " FROM cases WHERE id = ?"),
        select_changes(c,
                       "SELECT c.position, c.case_id, l.entry FROM changes c"
                       " JOIN ledger l ON l.case_id = c.case_id AND l.seq = c.seq"
                       " WHERE c.position > ? ORDER BY c.position LIMIT ?"),
        select_request(c, "SELECT outcome FROM requests WHERE case_id = ? AND request_id = ?"),
        insert_request(c,
                       "INSERT OR IGNORE INTO requests (case_id, request_id, seq, outcome)"
                       " VALUES (?, ?, ?, ?)") {}
};

// What the store holds of a case before a save changes it (head_format is read apart, when
// needed: stored_head_format), and the columns in the cases table's indexes.
struct StoredRow : detail::rows::StoredCase {
  std::string stage;
  bool terminated = false;
  std::optional<std::int64_t> attention_ms;
};

// The events column of a worklist row (schema.hpp): the role's events in name order, separated by
// a space, a gated one followed by '*'.
using RoleEvents = std::map<std::string, bool>;  // event → gated

std::string events_text(const RoleEvents& events) {
  std::string text;
  for (const auto& [event, gated] : events) {
    if (!text.empty()) text += ' ';
    text += event;
    if (gated) text += '*';
  }
  return text;
}

// Calls `fn(event, gated)` for each event of an events column.
template <class Fn>
void each_event(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(' '), text.size());
    std::string_view event = text.substr(0, end);
    const bool gated = !event.empty() && event.back() == '*';
    if (gated) event.remove_suffix(1);
    if (!event.empty()) fn(event, gated);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
}

}  // namespace

struct SqliteCaseStore::Impl : Connection {
  std::string path;
  int opened_version = 0;  // the schema version of the file before open_schema
  mutable std::recursive_mutex mutex;
  InputLimits limits;  // what stored rows are read with
  std::unique_ptr<Prepared> prepared;

  Impl() = default;
  ~Impl() { prepared.reset(); }  // a connection closes only when all its statements are finalised
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  std::string case_where(std::string_view id) const { return where + ": case " + std::string(id); }
  std::string entry_where(std::string_view id, std::int64_t seq) const {
    return case_where(id) + " seq " + std::to_string(seq);
  }

  std::optional<StoredRow> stored_row(std::string_view id) const {
    auto q = prepared->stored_row.use();
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    StoredRow r;
    r.revision = static_cast<std::uint64_t>(q.integer(0));
    r.state = std::string(q.text(1));
    r.customer = std::string(q.text(2));
    if (!q.is_null(3)) r.due_ms = q.integer(3);
    r.worklist_current = !q.is_null(4) && q.integer(4) == q.integer(0);
    r.stage = std::string(q.text(5));
    r.terminated = q.integer(6) != 0;
    if (!q.is_null(7)) r.attention_ms = q.integer(7);
    return r;
  }

  // The snapshot format of a case's stored head (a JSON read of the whole head).
  std::int64_t stored_head_format(std::string_view id) const {
    auto q = prepared->stored_head_format.use();
    q.bind(1, id);
    return q.step() ? q.integer(0) : 0;
  }

  // Sets the cases table's indexed columns when they differ from the stored ones.
  void write_case_indexed(const Case& c, const CaseSummary& s, const StoredRow& stored) const {
    if (stored.stage == s.stage && stored.terminated == s.terminated &&
        same_time(stored.attention_ms, s.attention))
      return;
    auto q = prepared->update_case_indexed.use();
    q.bind(1, c.id());
    q.bind(2, s.stage);
    q.bind(3, static_cast<std::int64_t>(s.terminated ? 1 : 0));
    q.bind(4, s.attention);
    q.step();
  }

  // Writes the entries after revision `from` (a case restored without its ledger holds only the
  // entries added since; they are the ones a save writes), each with its change-feed row.
  void write_entries(const Case& c, std::uint64_t from) const {
    const auto& entries = c.ledger();
    if (c.revision() > from && (entries.empty() || entries.front().seq > from + 1))
      throw Error(ErrorKind::invalid_argument, "case " + c.id(),
                  "it does not hold the entries after revision " + std::to_string(from));
    for (const LedgerEntry& e : entries) {
      if (e.seq <= from) continue;
      {
        auto q = prepared->insert_entry.use();
        q.bind(1, c.id());
        q.bind(2, static_cast<std::int64_t>(e.seq));
        q.bind(3, millis(e.at));
        q.bind(4, e.kind == EntryKind::escalation ? "escalation" : "event");
        q.bind(5, event_name(e.event));
        q.bind(6, json::serialize(to_json(e)));
        q.step();
      }
      auto q = prepared->insert_change.use();
      q.bind(1, c.id());
      q.bind(2, static_cast<std::int64_t>(e.seq));
      q.step();
    }
  }

  // A case stored before hash chains (its head of format 1 or 2) was restored by replaying its
  // whole ledger, which computed every entry's hash: its first save writes the hashes into the
  // rows it already has, so that its chain can be checked from the genesis from then on.
  void chain_old_rows(const Case& c, std::uint64_t up_to) const {
    if (!c.ledger_complete()) return;
    for (const LedgerEntry& e : c.ledger()) {
      if (e.seq > up_to) break;
      auto q = prepared->rehash_entry.use();
      q.bind(1, c.id());
      q.bind(2, static_cast<std::int64_t>(e.seq));
      q.bind(3, json::serialize(to_json(e)));
      q.step();
    }
  }

  // Runs insert_case or update_case: the id, the summary columns and the head.
  void write_case(Statement& st, const Case& c, const CaseSummary& s) const {
    const json::value snap = c.snapshot(SnapshotOptions{false});
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
    q.bind(11, s.due);
    q.bind(12, static_cast<std::int64_t>(s.revision));  // the worklist rows are written with it
    q.bind(13, json::serialize(snap));
    q.step();
  }

  // A case's worklist row of one role, as stored.
  struct WorkRow {
    std::string events, stage, customer;
    std::optional<std::int64_t> due_ms;
  };

  std::map<std::string, WorkRow> stored_worklist(std::string_view id) const {
    std::map<std::string, WorkRow> rows;  // role → row
    auto q = prepared->select_worklist.use();
    q.bind(1, id);
    while (q.step()) {
      WorkRow& r = rows[std::string(q.text(0))];
      r.events = std::string(q.text(1));
      r.stage = std::string(q.text(2));
      r.customer = std::string(q.text(3));
      if (!q.is_null(4)) r.due_ms = q.integer(4);
    }
    return rows;
  }

  // The worklist rows of a case: one per role permitted an event its state accepts, with the
  // role's events and the columns the inbox filters on. Only what differs from the stored rows is
  // written: a save that changes a role's events or the due time updates its row, in no index; a
  // new stage updates it in worklist_by_stage too; a role that gains or loses all its events
  // inserts or deletes a row. (Writing a row per event again at every save took 60 % of a save:
  // bench/store/run.)
  void write_worklist(const Case& c, const CaseSummary& s) const {
    std::map<std::string, RoleEvents> by_role;
    for (const WorklistRow& r : detail::rows::worklist_rows(c)) by_role[r.role][r.event] = r.gated;
    std::map<std::string, std::string> wanted;  // role → events column
    for (const auto& [role, events] : by_role) wanted.emplace(role, events_text(events));
    for (const auto& [role, row] : stored_worklist(c.id())) {
      const auto w = wanted.find(role);
      if (w == wanted.end() || row.customer != s.customer) {
        auto q = prepared->delete_work_row.use();  // and inserted again below if wanted
        bind_work_key(q, c.id(), role);
        q.step();
        continue;
      }
      if (row.stage != s.stage) {
        auto q = prepared->update_work_row_stage.use();
        bind_work_row(q, c.id(), role, w->second, s);
        q.bind(5, s.stage);
        q.step();
      } else if (row.events != w->second || !same_time(row.due_ms, s.due)) {
        auto q = prepared->update_work_row.use();
        bind_work_row(q, c.id(), role, w->second, s);
        q.step();
      }
      wanted.erase(w);
    }
    for (const auto& [role, events] : wanted) {
      auto q = prepared->insert_worklist.use();
      bind_work_row(q, c.id(), role, events, s);
      q.bind(5, s.stage);
      q.bind(6, s.customer);
      q.step();
    }
  }

  // Binds a worklist row's key: ?1 the case, ?2 the role.
  static void bind_work_key(Statement::Use& q, std::string_view id, std::string_view role) {
    q.bind(1, id);
    q.bind(2, role);
  }
  // Binds the key and what a written row holds besides: ?3 the role's events, ?4 the case's due.
  static void bind_work_row(Statement::Use& q, std::string_view id, std::string_view role,
                            std::string_view events, const CaseSummary& s) {
    bind_work_key(q, id, role);
    q.bind(3, events);
    q.bind(4, s.due);
  }

  void write_request(std::string_view id, std::uint64_t seq, const RememberedRequest& r) const {
    auto q = prepared->insert_request.use();
    q.bind(1, id);
    q.bind(2, r.request_id);
    q.bind(3, static_cast<std::int64_t>(seq));
    q.bind(4, json::serialize(r.outcome));
    q.step();
  }

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
    CaseSummary s;  // the columns of kSummaryColumns
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
    if (!row.is_null(9)) s.due = from_millis(row.integer(9));
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
    if (f.limit) sql += " LIMIT ?";
    Statement st(*this, sql);
    auto q = st.use();
    int i = 1;
    if (f.stage) q.bind(i++, *f.stage);
    if (f.attention_by) q.bind(i++, millis(*f.attention_by));
    if (f.updated_since) q.bind(i++, millis(*f.updated_since));
    if (f.limit) q.bind(i++, static_cast<std::int64_t>(f.limit));
    while (q.step()) row(q);
  }

  std::uint64_t count(std::string_view sql) const {
    std::uint64_t n = 0;
    each_row(*this, sql,
             [&](const Statement::Use& row) { n = static_cast<std::uint64_t>(row.integer(0)); });
    return n;
  }

  void check_writable(std::string_view what) const {
    if (sqlite3_db_readonly(db, "main") == 1)
      throw Error(ErrorKind::io, where, "the store is open read-only: cannot " + std::string(what));
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
      SQLITE_OPEN_NOMUTEX |
      (options.read_only ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0));
  if (sqlite3_open_v2(path.c_str(), &s.db, flags, nullptr) != SQLITE_OK)
    throw Error(ErrorKind::io, s.where,
                std::string("cannot open: ") + (s.db ? sqlite3_errmsg(s.db) : "out of memory"));
  sqlite3_busy_timeout(s.db, options.busy_timeout_ms);
  sqlite3_extended_result_codes(s.db, 1);
  s.opened_version = detail::sqlite::open_schema(s, options);
  s.prepared = std::make_unique<Prepared>(s);
}

SqliteCaseStore::~SqliteCaseStore() = default;

const std::string& SqliteCaseStore::path() const noexcept {
  return impl_->path;
}

int SqliteCaseStore::schema_version() const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  return detail::sqlite::stored_schema_version(s);
}

int SqliteCaseStore::opened_schema_version() const noexcept {
  return impl_->opened_version;
}

void SqliteCaseStore::create(const Case& c) {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  s.check_writable("create case " + c.id());
  Tx tx(s, Tx::write);
  if (s.stored_row(c.id()))
    throw Error(ErrorKind::conflict, "case " + c.id(), "a case with this id is already stored");
  const CaseSummary summary = CaseSummary::of(c);
  s.write_case(s.prepared->insert_case, c, summary);
  s.write_entries(c, 0);
  s.write_worklist(c, summary);
  tx.commit();
}

void SqliteCaseStore::save(const Case& c, std::uint64_t expected_revision,
                           const RememberedRequest* request) {
  Impl& s = *impl_;
  if (c.revision() < expected_revision)
    throw Error(ErrorKind::invalid_argument, "case " + c.id(),
                "the case is at revision " + std::to_string(c.revision()) +
                    ", before the expected revision " + std::to_string(expected_revision));
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  s.check_writable("save case " + c.id());
  Tx tx(s, Tx::write);
  const auto stored = s.stored_row(c.id());
  if (!stored) throw Error(ErrorKind::not_found, "case " + c.id(), "no such case in the store");
  if (stored->revision != expected_revision)
    throw Error(ErrorKind::conflict, "case " + c.id(),
                "stale revision: the store holds revision " + std::to_string(stored->revision) +
                    ", this case was loaded at revision " + std::to_string(expected_revision) +
                    " (someone saved it in between; reload it and try again)");
  if (c.revision() == expected_revision) return;  // nothing new (the transaction rolls back)
  const CaseSummary summary = CaseSummary::of(c);
  // Only a case that holds its whole ledger can have old rows to chain (one restored from a head
  // of format 3 holds the entries since): the head's format is read only then.
  if (c.ledger_complete() && s.stored_head_format(c.id()) < 3)
    s.chain_old_rows(c, expected_revision);
  s.write_entries(c, expected_revision);
  s.write_case(s.prepared->update_case, c, summary);
  s.write_case_indexed(c, summary, *stored);
  // The worklist rows follow the state (and carry the customer and due the inbox filters on).
  if (detail::rows::worklist_changes(*stored, summary)) s.write_worklist(c, summary);
  if (request) s.write_request(c.id(), c.revision(), *request);
  tx.commit();
}

std::optional<json::value> SqliteCaseStore::head(std::string_view case_id) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  return s.read_head(case_id);
}

std::optional<json::value> SqliteCaseStore::snapshot(std::string_view case_id) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Tx tx(s, Tx::read);  // one consistent read of the head and its ledger
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
  Tx tx(s, Tx::read);
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
  s.each_filtered(filter, kSummaryColumns,
                  [&](const Statement::Use& row) { out.push_back(s.summary_row(row)); });
  return out;
}

void SqliteCaseStore::for_each_ledger(const CaseFilter& filter,
                                      const std::function<void(CaseLedger&&)>& fn) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Tx tx(s, Tx::read);  // every ledger from the same moment
  s.each_filtered(filter, "id, head", [&](const Statement::Use& row) {
    std::string id(row.text(0));
    const json::value head = s.parsed_head(row.text(1), id);
    fn(s.ledger_of(std::move(id), head));
  });
  tx.commit();
}

InboxPage SqliteCaseStore::inbox(const InboxQuery& query) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Tx tx(s, Tx::read);
  // One index-ordered scan per role (worklist_by_role: role, case_id; or by customer or stage),
  // merged by case id: each scan stops after the page's cases, so a page costs its own size, not
  // the store's.
  std::string sql = "SELECT case_id, events FROM worklist WHERE role = ?1 AND case_id > ?2";
  if (query.stage) sql += " AND stage = ?3";
  if (query.customer) sql += " AND customer = ?4";
  if (query.due_by) sql += " AND due_ms IS NOT NULL AND due_ms <= ?5";
  sql += " ORDER BY case_id";
  std::map<std::string, RoleEvents> found;     // case id → event → gated
  const std::size_t wanted = query.limit + 1;  // one more: is there a next page?
  std::set<std::string> roles(query.actor.roles.begin(), query.actor.roles.end());
  Statement st(s, sql);
  for (const std::string& role : roles) {
    auto q = st.use();
    q.bind(1, role);
    q.bind(2, query.after);
    if (query.stage) q.bind(3, *query.stage);
    if (query.customer) q.bind(4, *query.customer);
    if (query.due_by) q.bind(5, millis(*query.due_by));
    std::size_t cases_seen = 0;  // a role has one row per case
    while (q.step()) {
      std::string id(q.text(0));
      // Past what the page can hold: the cases further on cannot be in it.
      if (++cases_seen > wanted || (found.size() >= wanted && id > found.rbegin()->first)) break;
      RoleEvents& events = found[id];
      each_event(q.text(1),
                 [&](std::string_view event, bool gated) { events[std::string(event)] |= gated; });
    }
  }
  InboxPage page;
  for (auto& [id, events] : found) {
    if (page.items.size() == query.limit) {
      page.next = page.items.back().summary.case_id;
      break;
    }
    auto q = s.prepared->select_summary.use();
    q.bind(1, id);
    if (!q.step()) continue;  // cannot happen inside the transaction; skip rather than guess
    InboxItem item;
    item.summary = s.summary_row(q);
    for (const auto& [event, gated] : events) item.events.push_back(AvailableEvent{event, gated});
    page.items.push_back(std::move(item));
  }
  tx.commit();
  return page;
}

std::size_t SqliteCaseStore::refresh_worklists(const Engine& engine) {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  std::vector<std::string> stale;
  each_row(s,
           "SELECT id FROM cases WHERE worklist_revision IS NOT revision AND terminated = 0"
           " ORDER BY id",
           [&](const Statement::Use& row) { stale.emplace_back(row.text(0)); });
  if (stale.empty()) return 0;
  s.check_writable("index the worklists of " + std::to_string(stale.size()) + " cases");
  std::size_t indexed = 0;
  for (const std::string& id : stale) {
    Tx tx(s, Tx::write);  // one case at a time: a failing case does not hold up the others
    const auto row = s.stored_row(id);
    if (!row || row->worklist_current) continue;  // saved meanwhile
    const Case c = load_case(*this, engine, id);
    const CaseSummary summary = CaseSummary::of(c);
    s.write_worklist(c, summary);
    Statement mark(s, "UPDATE cases SET worklist_revision = revision WHERE id = ?");
    auto q = mark.use();
    q.bind(1, id);
    q.step();
    tx.commit();
    ++indexed;
  }
  return indexed;
}

std::vector<Change> SqliteCaseStore::changes(std::uint64_t after, std::size_t limit) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  std::vector<Change> out;
  auto q = s.prepared->select_changes.use();
  q.bind(1, static_cast<std::int64_t>(after));
  q.bind(2, static_cast<std::int64_t>(limit));
  while (q.step()) {
    Change ch;
    ch.position = static_cast<std::uint64_t>(q.integer(0));
    ch.case_id = std::string(q.text(1));
    const std::string at = s.where + ": change " + std::to_string(ch.position);
    ch.entry = ledger_entry_from_json(parse_json(q.text(2), at, s.limits), at);
    out.push_back(std::move(ch));
  }
  return out;
}

std::optional<RememberedRequest> SqliteCaseStore::remembered(std::string_view case_id,
                                                             std::string_view request_id) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  auto q = s.prepared->select_request.use();
  q.bind(1, case_id);
  q.bind(2, request_id);
  if (!q.step()) return std::nullopt;
  return RememberedRequest{
      std::string(request_id),
      parse_json(q.text(0), s.case_where(case_id) + " request " + std::string(request_id),
                 s.limits)};
}

void SqliteCaseStore::remember(std::string_view case_id, const RememberedRequest& request) {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  s.check_writable("remember a request of case " + std::string(case_id));
  Tx tx(s, Tx::write);
  const auto stored = s.stored_row(case_id);
  if (!stored)
    throw Error(ErrorKind::not_found, "case " + std::string(case_id), "no such case in the store");
  s.write_request(case_id, stored->revision, request);
  tx.commit();
}

void SqliteCaseStore::transaction(const std::function<void()>& fn) {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Tx tx(s, Tx::write);
  fn();
  tx.commit();
}

std::vector<std::string> SqliteCaseStore::check() const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  Tx tx(s, Tx::read);  // every check on the same data
  std::vector<std::string> problems = detail::sqlite::check_invariants(s);
  tx.commit();
  return problems;
}

std::vector<WorkItem> SqliteCaseStore::worklist(std::string_view case_id) const {
  Impl& s = *impl_;
  std::lock_guard<std::recursive_mutex> lock(s.mutex);
  std::vector<WorklistRow> rows;
  for (const auto& [role, row] : s.stored_worklist(case_id))
    each_event(row.events, [&, &role = role](std::string_view event, bool gated) {
      rows.push_back(WorklistRow{role, std::string(event), gated});
    });
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.event, a.role) < std::tie(b.event, b.role);
  });
  return detail::rows::work_items_of(rows);
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

UNDERTAKE_END_NAMESPACE

// The PostgreSQL case store (postgres_store.hpp): what it stores is what the SQLite store stores
// (store_rows.hpp); this file says how, over libpq (connection.hpp). Schema: schema.cpp.
#include "undertake/postgres_store.hpp"

#include <boost/json.hpp>

#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "store/postgres/connection.hpp"
#include "store/postgres/schema.hpp"
#include "store/store_rows.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

using detail::pg::Connection;
using detail::pg::Params;
using detail::pg::Result;
using detail::pg::Row;
using detail::pg::Tx;
namespace rows = detail::rows;

namespace {

constexpr const char* kChannel = "undertake_changes";
constexpr std::size_t kLedgerPage = 500;  // cases per read of for_each_ledger

std::int64_t head_format(const json::value& snap) {
  const json::value* v = snap.get_object().if_contains("format_version");
  return v && v->is_int64() ? v->get_int64() : 0;
}

}  // namespace

struct PostgresCaseStore::Impl {
  Impl(const std::string& conninfo, PostgresOptions o)
      : options(std::move(o)), c(conninfo, options.schema) {}

  PostgresOptions options;
  mutable Connection c;
  mutable std::recursive_mutex mutex;
  int opened_version = 0;

  // Every call starts here: the handle's lock, and a connection (reconnecting after a drop).
  std::unique_lock<std::recursive_mutex> begin() const {
    std::unique_lock<std::recursive_mutex> lock(mutex);
    c.ensure();
    return lock;
  }

  std::optional<rows::StoredCase> stored_case(std::string_view id, bool lock_row) const {
    const std::string sql =
        "SELECT revision, state, customer, due_ms, worklist_revision, head_format FROM ut_cases"
        " WHERE id = $1" +
        std::string(lock_row ? " FOR UPDATE" : "");
    Result r = c.run(sql, Params().text(id));
    if (r.rows() == 0) return std::nullopt;
    rows::StoredCase s;
    s.revision = static_cast<std::uint64_t>(r.integer(0, 0));
    s.state = std::string(r.text(0, 1));
    s.customer = std::string(r.text(0, 2));
    if (!r.is_null(0, 3)) s.due_ms = r.integer(0, 3);
    s.worklist_current = !r.is_null(0, 4) && r.integer(0, 4) == r.integer(0, 0);
    s.head_format = r.integer(0, 5);
    return s;
  }

  void insert_entries(std::string_view id, const std::vector<rows::EntryRow>& entries) const {
    for (const rows::EntryRow& e : entries)
      c.run(
          "INSERT INTO ut_ledger (case_id, seq, at_ms, kind, event, entry)"
          " VALUES ($1, $2, $3, $4, $5, $6)",
          Params()
              .text(id)
              .integer(static_cast<std::int64_t>(e.seq))
              .integer(e.at_ms)
              .text(e.kind)
              .text(e.event)
              .text(e.entry));
  }

  void rehash_entries(std::string_view id, const std::vector<rows::EntryRow>& entries) const {
    for (const rows::EntryRow& e : entries)
      c.run("UPDATE ut_ledger SET entry = $3 WHERE case_id = $1 AND seq = $2",
            Params().text(id).integer(static_cast<std::int64_t>(e.seq)).text(e.entry));
  }

  // The parameters $1..$13 of the case row: id, the summary columns, the head.
  static Params case_params(const Case& c, const CaseSummary& s) {
    const json::value snap = c.snapshot(SnapshotOptions{false});
    auto ms = [](const std::optional<Timestamp>& t) {
      return t ? std::optional<std::int64_t>(rows::millis(*t)) : std::nullopt;
    };
    Params p;
    p.text(c.id())
        .text(c.policy()->name())
        .text(s.policy_version)
        .integer(static_cast<std::int64_t>(s.revision))
        .text(s.stage)
        .text(rows::state_text(s.state))
        .integer(std::int64_t{s.terminated ? 1 : 0})
        .text(s.customer)
        .integer(ms(s.updated))
        .integer(ms(s.attention))
        .integer(ms(s.due))
        .integer(head_format(snap))
        .text(json::serialize(snap));
    return p;
  }

  // The worklist rows of a case, in two statements however many rows it has (a statement per row
  // cost a round trip to the server each: 18 for a case in Evaluation).
  void write_worklist(const Case& cs, const CaseSummary& s) const {
    c.run("DELETE FROM ut_worklist WHERE case_id = $1", Params().text(cs.id()));
    std::vector<std::string> roles, events, gated;
    for (const rows::WorklistRow& w : rows::worklist_rows(cs)) {
      roles.push_back(w.role);
      events.push_back(w.event);
      gated.emplace_back(w.gated ? "1" : "0");
    }
    if (roles.empty()) return;
    c.run(
        "INSERT INTO ut_worklist (case_id, role, event, gated, stage, customer, due_ms)"
        " SELECT $1, w.role, w.event, w.gated, $5, $6, $7"
        " FROM unnest($2::text[], $3::text[], $4::integer[]) AS w(role, event, gated)"
        " ON CONFLICT DO NOTHING",
        Params()
            .text(cs.id())
            .text_array(roles)
            .text_array(events)
            .text_array(gated)
            .text(s.stage)
            .text(s.customer)
            .integer(s.due ? std::optional<std::int64_t>(rows::millis(*s.due)) : std::nullopt));
  }

  void write_request(std::string_view id, std::uint64_t seq, const RememberedRequest& r) const {
    c.run(
        "INSERT INTO ut_requests (case_id, request_id, seq, outcome) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING",
        Params()
            .text(id)
            .text(r.request_id)
            .integer(static_cast<std::int64_t>(seq))
            .text(json::serialize(r.outcome)));
  }

  // The change-feed rows of entries from+1..from+n, the last statement before COMMIT (see
  // postgres_store.hpp: the counter's row lock, held to the commit, orders positions by commit).
  void publish(std::string_view id, std::uint64_t from, std::size_t n) const {
    if (n == 0) return;
    c.run("SELECT pg_notify($1, '')", Params().text(kChannel));
    c.run(
        "WITH f AS (UPDATE ut_feed SET last_position = last_position + $3 RETURNING last_position)"
        " INSERT INTO ut_changes (position, case_id, seq)"
        " SELECT f.last_position - $3 + g, $1, $2 + g FROM f, generate_series(1, $3::bigint) g",
        Params()
            .text(id)
            .integer(static_cast<std::int64_t>(from))
            .integer(static_cast<std::int64_t>(n)));
  }

  std::optional<json::value> read_head(std::string_view id) const {
    Result r = c.run("SELECT head FROM ut_cases WHERE id = $1", Params().text(id));
    if (r.rows() == 0) return std::nullopt;
    return rows::parse_head(r.text(0, 0), c.where() + ": case " + std::string(id), options.limits);
  }

  void each_entry(std::string_view id,
                  const std::function<void(std::int64_t, std::string_view)>& fn) const {
    Result r = c.run("SELECT seq, entry FROM ut_ledger WHERE case_id = $1 ORDER BY seq",
                     Params().text(id));
    for (int i = 0; i < r.rows(); ++i) fn(r.integer(i, 0), r.text(i, 1));
  }

  CaseLedger ledger_of(std::string id, const json::value& head) const {
    const std::string key = id;
    return rows::ledger_of(std::move(id), head, c.where(), options.limits,
                           [&](const auto& fn) { each_entry(key, fn); });
  }

  // The cases that match `f` after case id `after`, at most `limit` (0: all), selecting
  // `columns`, in id order.
  Result filtered(const CaseFilter& f, std::string_view columns, const std::string& after,
                  std::size_t limit) const {
    std::string sql = "SELECT " + std::string(columns) + " FROM ut_cases WHERE id > $1";
    Params p;
    p.text(after);
    auto next = [&] { return "$" + std::to_string(p.size() + 1); };
    if (f.stage) {
      sql += " AND stage = " + next();
      p.text(*f.stage);
    }
    if (f.open_only) sql += " AND terminated = 0";
    if (f.attention_by) {
      sql += " AND attention_ms IS NOT NULL AND attention_ms <= " + next();
      p.integer(rows::millis(*f.attention_by));
    }
    if (f.updated_since) {
      sql += " AND updated_ms >= " + next();
      p.integer(rows::millis(*f.updated_since));
    }
    sql += " ORDER BY id";
    if (limit) {
      sql += " LIMIT " + next();
      p.integer(static_cast<std::int64_t>(limit));
    }
    return c.run(sql, p);
  }

  CaseSummary summary(const Result& r, int row) const {
    return rows::summary_of(Row{r, row}, c.where(), options.limits);
  }

  std::uint64_t count(const std::string& sql) const {
    return static_cast<std::uint64_t>(c.run(sql).integer(0, 0));
  }
};

PostgresCaseStore::PostgresCaseStore(const std::string& conninfo, PostgresOptions options)
    : impl_(std::make_unique<Impl>(conninfo, std::move(options))) {
  impl_->opened_version = detail::pg::open_schema(impl_->c);
}

PostgresCaseStore::~PostgresCaseStore() = default;

const std::string& PostgresCaseStore::where() const noexcept {
  return impl_->c.where();
}

int PostgresCaseStore::schema_version() const {
  auto lock = impl_->begin();
  return detail::pg::stored_schema_version(impl_->c);
}

int PostgresCaseStore::opened_schema_version() const noexcept {
  return impl_->opened_version;
}

void PostgresCaseStore::create(const Case& c) {
  Impl& s = *impl_;
  auto lock = s.begin();
  const CaseSummary summary = CaseSummary::of(c);
  const std::vector<rows::EntryRow> entries = rows::entries_after(c, 0);
  Tx tx(s.c, Tx::write);
  // A concurrent create of the same id waits for this one, then inserts nothing.
  Result r = s.c.run(
      "INSERT INTO ut_cases (id, policy_name, policy_version, revision, stage, state, terminated,"
      " customer, updated_ms, attention_ms, due_ms, head_format, head, worklist_revision)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $4)"
      " ON CONFLICT (id) DO NOTHING",
      Impl::case_params(c, summary));
  if (r.affected() == 0) throw rows::already_stored(c.id());
  s.insert_entries(c.id(), entries);
  s.write_worklist(c, summary);
  s.publish(c.id(), 0, entries.size());
  tx.commit();
}

void PostgresCaseStore::save(const Case& c, std::uint64_t expected_revision,
                             const RememberedRequest* request) {
  Impl& s = *impl_;
  rows::require_not_behind(c, expected_revision);
  auto lock = s.begin();
  Tx tx(s.c, Tx::write);
  // The row lock: a concurrent save of the same case waits here, then sees the new revision.
  const auto stored = s.stored_case(c.id(), true);
  if (!stored) throw rows::not_stored(c.id());
  if (stored->revision != expected_revision)
    throw rows::stale_revision(c.id(), stored->revision, expected_revision);
  if (c.revision() == expected_revision) return;  // nothing new (the transaction rolls back)
  const std::vector<rows::EntryRow> entries = rows::entries_after(c, expected_revision);
  const CaseSummary summary = CaseSummary::of(c);
  if (stored->head_format < 3) s.rehash_entries(c.id(), rows::rehashed_rows(c, expected_revision));
  s.insert_entries(c.id(), entries);
  Params p = Impl::case_params(c, summary);
  p.integer(static_cast<std::int64_t>(expected_revision));
  Result updated = s.c.run(
      "UPDATE ut_cases SET policy_name = $2, policy_version = $3, revision = $4, stage = $5,"
      " state = $6, terminated = $7, customer = $8, updated_ms = $9, attention_ms = $10,"
      " due_ms = $11, head_format = $12, head = $13, worklist_revision = $4"
      " WHERE id = $1 AND revision = $14",
      p);
  if (updated.affected() == 0)  // a backstop: the row lock above already made sure
    throw rows::stale_revision(c.id(), stored->revision, expected_revision);
  if (rows::worklist_changes(*stored, summary)) s.write_worklist(c, summary);
  if (request) s.write_request(c.id(), c.revision(), *request);
  s.publish(c.id(), expected_revision, entries.size());
  tx.commit();
}

std::optional<json::value> PostgresCaseStore::head(std::string_view case_id) const {
  auto lock = impl_->begin();
  return impl_->read_head(case_id);
}

std::optional<json::value> PostgresCaseStore::snapshot(std::string_view case_id) const {
  Impl& s = *impl_;
  auto lock = s.begin();
  Tx tx(s.c, Tx::read);  // one consistent read of the head and its ledger
  std::optional<json::value> snap = s.read_head(case_id);
  if (!snap) return std::nullopt;
  json::array entries;
  const std::string where = s.c.where() + ": case " + std::string(case_id) + " seq ";
  s.each_entry(case_id, [&](std::int64_t seq, std::string_view text) {
    entries.push_back(rows::parse_json(text, where + std::to_string(seq), s.options.limits));
  });
  snap->get_object()["ledger"] = std::move(entries);
  tx.commit();
  return snap;
}

std::optional<CaseLedger> PostgresCaseStore::ledger(std::string_view case_id) const {
  Impl& s = *impl_;
  auto lock = s.begin();
  Tx tx(s.c, Tx::read);
  const std::optional<json::value> head = s.read_head(case_id);
  if (!head) return std::nullopt;
  CaseLedger l = s.ledger_of(std::string(case_id), *head);
  tx.commit();
  return l;
}

std::vector<CaseSummary> PostgresCaseStore::list(const CaseFilter& filter) const {
  Impl& s = *impl_;
  auto lock = s.begin();
  const Result r = s.filtered(filter, rows::kSummaryColumns, "", filter.limit);
  std::vector<CaseSummary> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(s.summary(r, i));
  return out;
}

void PostgresCaseStore::for_each_ledger(const CaseFilter& filter,
                                        const std::function<void(CaseLedger&&)>& fn) const {
  Impl& s = *impl_;
  auto lock = s.begin();
  Tx tx(s.c, Tx::read);  // every ledger from the same moment
  std::string after;
  std::size_t left = filter.limit;
  for (;;) {
    const std::size_t page = filter.limit ? std::min(left, kLedgerPage) : kLedgerPage;
    if (page == 0) break;
    const Result r = s.filtered(filter, "id, head", after, page);
    for (int i = 0; i < r.rows(); ++i) {
      std::string id(r.text(i, 0));
      const json::value head =
          rows::parse_head(r.text(i, 1), s.c.where() + ": case " + id, s.options.limits);
      after = id;
      fn(s.ledger_of(std::move(id), head));
    }
    if (filter.limit) left -= static_cast<std::size_t>(r.rows());
    if (static_cast<std::size_t>(r.rows()) < page) break;
  }
  tx.commit();
}

InboxPage PostgresCaseStore::inbox(const InboxQuery& query) const {
  Impl& s = *impl_;
  auto lock = s.begin();
  Tx tx(s.c, Tx::read);
  // One index-ordered scan per role (ut_worklist_by_role), merged by case id, each at most the
  // page's cases (one more: is there a next page?), as the SQLite store does.
  const std::size_t wanted = query.limit + 1;
  std::string sql =
      "SELECT case_id, event, gated FROM ut_worklist WHERE role = $1 AND case_id IN ("
      "SELECT DISTINCT case_id FROM ut_worklist WHERE role = $1 AND case_id > $2";
  Params base;
  std::string filters;
  int n = 3;
  if (query.stage) filters += " AND stage = $" + std::to_string(n++);
  if (query.customer) filters += " AND customer = $" + std::to_string(n++);
  if (query.due_by) filters += " AND due_ms IS NOT NULL AND due_ms <= $" + std::to_string(n++);
  sql += filters + " ORDER BY case_id LIMIT $" + std::to_string(n) + ")" + filters +
         " ORDER BY case_id, event";
  std::map<std::string, std::map<std::string, bool>> found;  // case id → event → gated
  const std::set<std::string> roles(query.actor.roles.begin(), query.actor.roles.end());
  for (const std::string& role : roles) {
    Params p;
    p.text(role).text(query.after);
    if (query.stage) p.text(*query.stage);
    if (query.customer) p.text(*query.customer);
    if (query.due_by) p.integer(rows::millis(*query.due_by));
    p.integer(static_cast<std::int64_t>(wanted));
    const Result r = s.c.run(sql, p);
    for (int i = 0; i < r.rows(); ++i)
      found[std::string(r.text(i, 0))][std::string(r.text(i, 1))] |= r.integer(i, 2) != 0;
  }
  InboxPage page;
  const std::string one =
      "SELECT " + std::string(rows::kSummaryColumns) + " FROM ut_cases WHERE id = $1";
  for (auto& [id, events] : found) {
    if (page.items.size() == query.limit) {
      page.next = page.items.back().summary.case_id;
      break;
    }
    const Result r = s.c.run(one, Params().text(id));
    if (r.rows() == 0) continue;  // cannot happen inside the transaction; skip rather than guess
    InboxItem item;
    item.summary = s.summary(r, 0);
    for (const auto& [event, gated] : events) item.events.push_back(AvailableEvent{event, gated});
    page.items.push_back(std::move(item));
  }
  tx.commit();
  return page;
}

std::size_t PostgresCaseStore::refresh_worklists(const Engine& engine) {
  Impl& s = *impl_;
  auto lock = s.begin();
  std::vector<std::string> stale;
  {
    const Result r = s.c.run(
        "SELECT id FROM ut_cases WHERE worklist_revision IS DISTINCT FROM revision"
        " AND terminated = 0 ORDER BY id");
    for (int i = 0; i < r.rows(); ++i) stale.emplace_back(r.text(i, 0));
  }
  std::size_t indexed = 0;
  for (const std::string& id : stale) {
    Tx tx(s.c, Tx::write);  // one case at a time: a failing case does not hold up the others
    const auto row = s.stored_case(id, true);
    if (!row || row->worklist_current) continue;  // saved meanwhile
    const Case c = load_case(*this, engine, id);
    s.write_worklist(c, CaseSummary::of(c));
    s.c.run("UPDATE ut_cases SET worklist_revision = revision WHERE id = $1", Params().text(id));
    tx.commit();
    ++indexed;
  }
  return indexed;
}

std::vector<Change> PostgresCaseStore::changes(std::uint64_t after, std::size_t limit) const {
  Impl& s = *impl_;
  auto lock = s.begin();
  const Result r = s.c.run(
      "SELECT c.position, c.case_id, l.entry FROM ut_changes c"
      " JOIN ut_ledger l ON l.case_id = c.case_id AND l.seq = c.seq"
      " WHERE c.position > $1 ORDER BY c.position LIMIT $2",
      Params().integer(static_cast<std::int64_t>(after)).integer(static_cast<std::int64_t>(limit)));
  std::vector<Change> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(rows::change_of(static_cast<std::uint64_t>(r.integer(i, 0)),
                                  std::string(r.text(i, 1)), r.text(i, 2), s.c.where(),
                                  s.options.limits));
  return out;
}

bool PostgresCaseStore::wait_for_changes(std::uint64_t after,
                                         std::chrono::milliseconds timeout) const {
  using Clock = std::chrono::steady_clock;
  Impl& s = *impl_;
  auto lock = s.begin();
  s.c.listen(kChannel);  // before looking: a commit after the look is then heard
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    if (!changes(after, 1).empty()) return true;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    if (!s.c.wait_notification(static_cast<int>(left.count())) && Clock::now() < deadline)
      return false;  // a signal: the follower decides whether to go on
  }
}

std::optional<RememberedRequest> PostgresCaseStore::remembered(std::string_view case_id,
                                                               std::string_view request_id) const {
  Impl& s = *impl_;
  auto lock = s.begin();
  const Result r = s.c.run("SELECT outcome FROM ut_requests WHERE case_id = $1 AND request_id = $2",
                           Params().text(case_id).text(request_id));
  if (r.rows() == 0) return std::nullopt;
  return RememberedRequest{std::string(request_id),
                           rows::parse_json(r.text(0, 0),
                                            s.c.where() + ": case " + std::string(case_id) +
                                                " request " + std::string(request_id),
                                            s.options.limits)};
}

void PostgresCaseStore::remember(std::string_view case_id, const RememberedRequest& request) {
  Impl& s = *impl_;
  auto lock = s.begin();
  Tx tx(s.c, Tx::write);
  const auto stored = s.stored_case(case_id, true);
  if (!stored) throw rows::not_stored(case_id);
  s.write_request(case_id, stored->revision, request);
  tx.commit();
}

StoreTickReport PostgresCaseStore::tick(const Engine& engine, Timestamp now) {
  Impl& s = *impl_;
  StoreTickReport report;
  report.now = now;
  std::string after;  // claims go forward by case id: each due case is looked at once per tick
  for (;;) {
    std::vector<std::pair<Case, TickResult>> ticked;
    {
      auto lock = s.begin();
      Tx tx(s.c, Tx::write);
      // Another ticker's claimed cases are skipped, not waited for: tickers share the due cases.
      const Result claimed = s.c.run(
          "SELECT id FROM ut_cases WHERE terminated = 0 AND attention_ms IS NOT NULL"
          " AND attention_ms <= $1 AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED",
          Params()
              .integer(rows::millis(now))
              .text(after)
              .integer(static_cast<std::int64_t>(s.options.tick_batch)));
      if (claimed.rows() == 0) break;
      for (int i = 0; i < claimed.rows(); ++i) {
        const std::string id(claimed.text(i, 0));
        after = id;
        ++report.cases_checked;
        try {
          Case c = load_case(*this, engine, id);
          const std::uint64_t loaded = c.revision();
          TickResult result = c.tick_unannounced(now);
          if (result.escalated) save(c, loaded);  // inside the claim: no one else saves it now
          ticked.emplace_back(std::move(c), std::move(result));
        } catch (const Error& e) {
          if (!s.c.connected() || s.c.aborted()) throw;  // the batch is lost; nothing stored
          report.failures.emplace_back(id, e.what());
        }
      }
      tx.commit();
    }
    for (auto& [c, result] : ticked) {  // the listener hears once the escalations are stored
      c.announce(result);
      report.escalated += result.escalated;
      if (!result.items.empty()) report.cases.push_back(std::move(result));
    }
  }
  return report;
}

std::vector<WorkItem> PostgresCaseStore::worklist(std::string_view case_id) const {
  Impl& s = *impl_;
  auto lock = s.begin();
  const Result r =
      s.c.run("SELECT role, event, gated FROM ut_worklist WHERE case_id = $1 ORDER BY event, role",
              Params().text(case_id));
  std::vector<rows::WorklistRow> found;
  for (int i = 0; i < r.rows(); ++i)
    found.push_back(rows::WorklistRow{std::string(r.text(i, 0)), std::string(r.text(i, 1)),
                                      r.integer(i, 2) != 0});
  return rows::work_items_of(found);
}

std::vector<std::string> PostgresCaseStore::check() const {
  Impl& s = *impl_;
  auto lock = s.begin();
  Tx tx(s.c, Tx::read);  // every check on the same data
  std::vector<std::string> problems = detail::pg::check_invariants(s.c);
  tx.commit();
  return problems;
}

void PostgresCaseStore::transaction(const std::function<void()>& fn) {
  Impl& s = *impl_;
  auto lock = s.begin();
  Tx tx(s.c, Tx::write);
  fn();
  tx.commit();
}

std::uint64_t PostgresCaseStore::case_count() const {
  auto lock = impl_->begin();
  return impl_->count("SELECT COUNT(*) FROM ut_cases");
}

std::uint64_t PostgresCaseStore::entry_count() const {
  auto lock = impl_->begin();
  return impl_->count("SELECT COUNT(*) FROM ut_ledger");
}

std::unique_ptr<PostgresCaseStore> open_postgres_store(const std::string& conninfo,
                                                       PostgresOptions options) {
  return std::make_unique<PostgresCaseStore>(conninfo, std::move(options));
}

UNDERTAKE_END_NAMESPACE

#include "store/sqlite/schema.hpp"

#include <string>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::sqlite {
namespace {

constexpr const char* kCreateVersion2 =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS migrations (from_version INTEGER NOT NULL,"
    "  to_version INTEGER NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);"
    "CREATE TABLE IF NOT EXISTS cases ("
    "  id TEXT PRIMARY KEY, policy_name TEXT NOT NULL, policy_version TEXT NOT NULL,"
    "  revision INTEGER NOT NULL, stage TEXT NOT NULL, state TEXT NOT NULL,"
    "  terminated INTEGER NOT NULL, customer TEXT NOT NULL, updated_ms INTEGER,"
    "  attention_ms INTEGER, due_ms INTEGER, worklist_revision INTEGER, head TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS ledger ("
    "  case_id TEXT NOT NULL, seq INTEGER NOT NULL, at_ms INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, event TEXT NOT NULL, entry TEXT NOT NULL,"
    "  PRIMARY KEY (case_id, seq)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS cases_attention ON cases (attention_ms) WHERE terminated = 0;"
    "CREATE INDEX IF NOT EXISTS cases_stage ON cases (stage);";

// The worklist of version 3: one row per case and permitted role, its events in one column (see
// schema.hpp). Version 2 had a row per case, role and event, so a save that changed a role's
// events deleted and inserted rows in four b-trees; now it updates one row's events column, in no
// index. The indexes serve the inbox: a role's cases in case-id order, for one customer, in one
// stage (without the last two a filter that matches few of a role's rows scans them all: 300 ms
// for a customer with no case among 100,000).
constexpr const char* kCreateWorklist3 =
    "CREATE TABLE worklist ("
    "  case_id TEXT NOT NULL, role TEXT NOT NULL, events TEXT NOT NULL,"
    "  stage TEXT NOT NULL, customer TEXT NOT NULL, due_ms INTEGER,"
    "  PRIMARY KEY (case_id, role)) WITHOUT ROWID;";
constexpr const char* kWorklistIndexes3 =
    "CREATE INDEX worklist_by_role ON worklist (role, case_id);"
    "CREATE INDEX worklist_by_customer ON worklist (role, customer, case_id);"
    "CREATE INDEX worklist_by_stage ON worklist (role, stage, case_id);";

// What version 2 added to version 1 besides the worklist (and a new file gets after
// kCreateVersion2).
constexpr const char* kAddVersion2 =
    "CREATE TABLE IF NOT EXISTS changes ("
    "  position INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, seq INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS changes_entry ON changes (case_id, seq);"
    "CREATE TABLE IF NOT EXISTS requests ("
    "  case_id TEXT NOT NULL, request_id TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  outcome TEXT NOT NULL, PRIMARY KEY (case_id, request_id)) WITHOUT ROWID;";

// Version 1 → 2: the new columns and tables; every existing ledger row enters the change feed (in
// the order the entries happened), and the worklist rows are written at each case's next save or
// refresh_worklists (worklist_revision NULL until then: computing them needs the policy, which a
// store opened without an engine does not have). A version-1 store gets version 3's worklist.
constexpr const char* kMigrate1To2 =
    "ALTER TABLE cases ADD COLUMN due_ms INTEGER;"
    "ALTER TABLE cases ADD COLUMN worklist_revision INTEGER;"
    "INSERT INTO changes (case_id, seq) SELECT case_id, seq FROM ledger ORDER BY at_ms, case_id,"
    "  seq;";

// Version 2 → 3: a role's worklist rows of a case become one row with the events in name order,
// gated ones marked; stage, customer and due are the case's, the same in each of its rows.
constexpr const char* kMigrate2To3 =
    "CREATE TABLE worklist_v3 ("
    "  case_id TEXT NOT NULL, role TEXT NOT NULL, events TEXT NOT NULL,"
    "  stage TEXT NOT NULL, customer TEXT NOT NULL, due_ms INTEGER,"
    "  PRIMARY KEY (case_id, role)) WITHOUT ROWID;"
    "INSERT INTO worklist_v3 (case_id, role, events, stage, customer, due_ms)"
    "  SELECT case_id, role, group_concat(event || CASE WHEN gated THEN '*' ELSE '' END, ' '),"
    "    max(stage), max(customer), max(due_ms)"
    "  FROM (SELECT * FROM worklist ORDER BY case_id, role, event) GROUP BY case_id, role;"
    "DROP TABLE worklist;"
    "ALTER TABLE worklist_v3 RENAME TO worklist;";

bool has_table(const Connection& c, const char* name) {
  bool found = false;
  Statement st(c, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  auto q = st.use();
  q.bind(1, std::string_view(name));
  found = q.step();
  return found;
}

void set_pragmas(Connection& c, const SqliteOptions& options) {
  std::string journal;
  each_row(c, "PRAGMA journal_mode=WAL",
           [&](const Statement::Use& row) { journal = std::string(row.text(0)); });
  if (journal != "wal") throw Error(ErrorKind::io, c.where, "cannot switch the journal to WAL");
  switch (options.synchronous) {
    case SqliteOptions::Sync::full:
      c.exec("PRAGMA synchronous=FULL");
      break;
    case SqliteOptions::Sync::normal:
      c.exec("PRAGMA synchronous=NORMAL");
      break;
    case SqliteOptions::Sync::off:
      c.exec("PRAGMA synchronous=OFF");
      break;
  }
}

void refuse_newer(const Connection& c, int version) {
  if (version > kSqliteSchemaVersion)
    throw Error(ErrorKind::io, c.where,
                "the store has schema version " + std::to_string(version) +
                    ", written by a newer undertake; this library reads versions 1 to " +
                    std::to_string(kSqliteSchemaVersion));
  if (version < 1)
    throw Error(ErrorKind::io, c.where,
                "the store's schema version is " + std::to_string(version) + ": not a store");
}

}  // namespace

int stored_schema_version(const Connection& c) {
  if (!has_table(c, "meta")) return 0;
  std::string text;
  each_row(c, "SELECT value FROM meta WHERE key = 'schema_version'",
           [&](const Statement::Use& row) { text = std::string(row.text(0)); });
  try {
    return text.empty() ? 0 : std::stoi(text);
  } catch (const std::exception&) {
    throw Error(ErrorKind::io, c.where,
                "the store's schema version \"" + text + "\" is not a number: not a store");
  }
}

int open_schema(Connection& c, const SqliteOptions& options) {
  if (options.read_only) {
    Tx tx(c, Tx::read);
    const int version = stored_schema_version(c);
    if (version == 0) throw Error(ErrorKind::io, c.where, "not an undertake store (no schema)");
    refuse_newer(c, version);
    if (version < kSqliteSchemaVersion)
      throw Error(ErrorKind::io, c.where,
                  "the store has schema version " + std::to_string(version) +
                      " and is open read-only: open it writable once to migrate it");
    tx.commit();
    return version;
  }
  set_pragmas(c, options);
  Tx tx(c, Tx::write);
  const bool fresh = !has_table(c, "cases");
  const int version = fresh ? kSqliteSchemaVersion : stored_schema_version(c);
  if (!fresh) refuse_newer(c, version);
  c.exec(kCreateVersion2);  // IF NOT EXISTS: a no-op on an existing store
  if (fresh) {
    c.exec(kAddVersion2);
    c.exec(kCreateWorklist3);
    c.exec(kWorklistIndexes3);
    c.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '3')");
  } else if (version == 1) {
    c.exec(kAddVersion2);
    c.exec(kMigrate1To2);
    c.exec(kCreateWorklist3);
    c.exec(kWorklistIndexes3);
    c.exec(
        "UPDATE meta SET value = '3' WHERE key = 'schema_version';"
        "INSERT INTO migrations (from_version, to_version) VALUES (1, 3);");
  } else if (version == 2) {
    c.exec(kMigrate2To3);
    c.exec(kWorklistIndexes3);
    c.exec(
        "UPDATE meta SET value = '3' WHERE key = 'schema_version';"
        "INSERT INTO migrations (from_version, to_version) VALUES (2, 3);");
  }
  tx.commit();
  return fresh ? 0 : version;
}

std::vector<std::string> check_invariants(const Connection& c) {
  std::vector<std::string> problems;
  each_row(c, "PRAGMA integrity_check", [&](const Statement::Use& row) {
    if (row.text(0) != "ok") problems.emplace_back("integrity_check: " + std::string(row.text(0)));
  });
  each_row(c,
           "SELECT c.id, c.revision, COUNT(l.seq), COALESCE(MIN(l.seq), 0), COALESCE(MAX(l.seq), 0)"
           " FROM cases c LEFT JOIN ledger l ON l.case_id = c.id GROUP BY c.id"
           " HAVING COUNT(l.seq) != c.revision OR (COUNT(l.seq) > 0 AND"
           " (MIN(l.seq) != 1 OR MAX(l.seq) != c.revision))",
           [&](const Statement::Use& row) {
             problems.emplace_back("case " + std::string(row.text(0)) + ": revision " +
                                   std::to_string(row.integer(1)) + " but ledger rows " +
                                   std::to_string(row.integer(2)) + " (seq " +
                                   std::to_string(row.integer(3)) + ".." +
                                   std::to_string(row.integer(4)) + ")");
           });
  each_row(c, "SELECT DISTINCT case_id FROM ledger WHERE case_id NOT IN (SELECT id FROM cases)",
           [&](const Statement::Use& row) {
             problems.emplace_back("ledger rows of case " + std::string(row.text(0)) +
                                   " without a case row");
           });
  each_row(c,
           "SELECT l.case_id, l.seq FROM ledger l LEFT JOIN changes ch"
           " ON ch.case_id = l.case_id AND ch.seq = l.seq WHERE ch.position IS NULL",
           [&](const Statement::Use& row) {
             problems.emplace_back("case " + std::string(row.text(0)) + " seq " +
                                   std::to_string(row.integer(1)) + ": not in the change feed");
           });
  each_row(c,
           "SELECT ch.position, ch.case_id, ch.seq FROM changes ch LEFT JOIN ledger l"
           " ON l.case_id = ch.case_id AND l.seq = ch.seq WHERE l.seq IS NULL",
           [&](const Statement::Use& row) {
             problems.emplace_back("change " + std::to_string(row.integer(0)) + " names case " +
                                   std::string(row.text(1)) + " seq " +
                                   std::to_string(row.integer(2)) + ", which is not stored");
           });
  each_row(c,
           "SELECT DISTINCT w.case_id FROM worklist w LEFT JOIN cases c ON c.id = w.case_id"
           " WHERE c.id IS NULL OR c.worklist_revision IS NOT c.revision OR c.terminated = 1",
           [&](const Statement::Use& row) {
             problems.emplace_back("case " + std::string(row.text(0)) +
                                   ": worklist rows that are not those of its stored state");
           });
  return problems;
}

}  // namespace detail::sqlite
UNDERTAKE_END_NAMESPACE

#include "store/postgres/schema.hpp"

#include <functional>
#include <string>

#include "undertake/postgres_store.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::pg {
namespace {

// Version 1. Text keys compare bytewise (COLLATE "C"), as SQLite's do, so that lists and inbox
// pages come in the same order from both stores whatever the database's locale.
constexpr const char* kCreateVersion1 =
    "CREATE TABLE ut_meta (key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE ut_migrations (from_version integer NOT NULL, to_version integer NOT NULL,"
    "  applied_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE ut_cases ("
    "  id text COLLATE \"C\" PRIMARY KEY, policy_name text NOT NULL, policy_version text NOT NULL,"
    "  revision bigint NOT NULL, stage text COLLATE \"C\" NOT NULL, state text NOT NULL,"
    "  terminated integer NOT NULL, customer text COLLATE \"C\" NOT NULL, updated_ms bigint,"
    "  attention_ms bigint, due_ms bigint, worklist_revision bigint,"
    "  head_format integer NOT NULL, head text NOT NULL);"
    "CREATE INDEX ut_cases_attention ON ut_cases (attention_ms) WHERE terminated = 0;"
    "CREATE INDEX ut_cases_stage ON ut_cases (stage);"
    "CREATE TABLE ut_ledger ("
    "  case_id text COLLATE \"C\" NOT NULL, seq bigint NOT NULL, at_ms bigint NOT NULL,"
    "  kind text NOT NULL, event text NOT NULL, entry text NOT NULL, PRIMARY KEY (case_id, seq));"
    "CREATE TABLE ut_worklist ("
    "  case_id text COLLATE \"C\" NOT NULL, role text COLLATE \"C\" NOT NULL,"
    "  event text COLLATE \"C\" NOT NULL, gated integer NOT NULL, stage text COLLATE \"C\" NOT "
    "NULL,"
    "  customer text COLLATE \"C\" NOT NULL, due_ms bigint, PRIMARY KEY (case_id, role, event));"
    "CREATE INDEX ut_worklist_by_role ON ut_worklist (role, case_id, event);"
    "CREATE TABLE ut_changes (position bigint PRIMARY KEY, case_id text COLLATE \"C\" NOT NULL,"
    "  seq bigint NOT NULL, UNIQUE (case_id, seq));"
    "CREATE TABLE ut_feed (one integer PRIMARY KEY CHECK (one = 1), last_position bigint NOT NULL);"
    "INSERT INTO ut_feed VALUES (1, 0);"
    "CREATE TABLE ut_requests ("
    "  case_id text COLLATE \"C\" NOT NULL, request_id text NOT NULL, seq bigint NOT NULL,"
    "  outcome text NOT NULL, PRIMARY KEY (case_id, request_id));"
    "INSERT INTO ut_meta VALUES ('schema_version', '1');";

// The steps from each older version to the next: empty while version 1 is the only one. A step
// is SQL run in the opening transaction, then recorded in ut_migrations.
struct Migration {
  int from;
  const char* sql;
};
constexpr Migration kMigrations[] = {{0, nullptr}};

bool has_store(Connection& c) {
  return !c.run("SELECT to_regclass('ut_meta')").is_null(0, 0);
}

}  // namespace

int stored_schema_version(Connection& c) {
  if (!has_store(c)) return 0;
  Result r = c.run("SELECT value FROM ut_meta WHERE key = 'schema_version'");
  const std::string text = r.rows() ? std::string(r.text(0, 0)) : "";
  try {
    return text.empty() ? 0 : std::stoi(text);
  } catch (const std::exception&) {
    throw Error(ErrorKind::io, c.where(),
                "the store's schema version \"" + text + "\" is not a number: not a store");
  }
}

int open_schema(Connection& c) {
  Tx tx(c, Tx::write);
  // One opener at a time per database: the others wait here, then find the tables made.
  c.run("SELECT pg_advisory_xact_lock(hashtext('undertake schema'))");
  const int version = stored_schema_version(c);
  if (!has_store(c)) {
    c.exec(kCreateVersion1);
    tx.commit();
    return 0;
  }
  if (version > kPostgresSchemaVersion)
    throw Error(ErrorKind::io, c.where(),
                "the store has schema version " + std::to_string(version) +
                    ", written by a newer undertake; this library reads versions 1 to " +
                    std::to_string(kPostgresSchemaVersion));
  if (version < 1)
    throw Error(ErrorKind::io, c.where(),
                "the store's schema version is " + std::to_string(version) + ": not a store");
  for (int v = version; v < kPostgresSchemaVersion; ++v)
    for (const Migration& m : kMigrations)
      if (m.from == v && m.sql) {
        c.exec(m.sql);
        c.run("UPDATE ut_meta SET value = $1 WHERE key = 'schema_version'",
              Params().text(std::to_string(v + 1)));
        c.run("INSERT INTO ut_migrations (from_version, to_version) VALUES ($1, $2)",
              Params().integer(v).integer(v + 1));
      }
  tx.commit();
  return version;
}

std::vector<std::string> check_invariants(Connection& c) {
  std::vector<std::string> problems;
  auto each = [&](const std::string& sql, const std::function<void(const Row&)>& fn) {
    Result r = c.run(sql);
    for (int i = 0; i < r.rows(); ++i) fn(Row{r, i});
  };
  each(
      "SELECT c.id, c.revision, COUNT(l.seq), COALESCE(MIN(l.seq), 0), COALESCE(MAX(l.seq), 0)"
      " FROM ut_cases c LEFT JOIN ut_ledger l ON l.case_id = c.id GROUP BY c.id, c.revision"
      " HAVING COUNT(l.seq) != c.revision OR (COUNT(l.seq) > 0 AND"
      " (MIN(l.seq) != 1 OR MAX(l.seq) != c.revision))",
      [&](const Row& row) {
        problems.emplace_back(
            "case " + std::string(row.text(0)) + ": revision " + std::to_string(row.integer(1)) +
            " but ledger rows " + std::to_string(row.integer(2)) + " (seq " +
            std::to_string(row.integer(3)) + ".." + std::to_string(row.integer(4)) + ")");
      });
  each("SELECT DISTINCT case_id FROM ut_ledger WHERE case_id NOT IN (SELECT id FROM ut_cases)",
       [&](const Row& row) {
         problems.emplace_back("ledger rows of case " + std::string(row.text(0)) +
                               " without a case row");
       });
  each(
      "SELECT l.case_id, l.seq FROM ut_ledger l LEFT JOIN ut_changes ch"
      " ON ch.case_id = l.case_id AND ch.seq = l.seq WHERE ch.position IS NULL",
      [&](const Row& row) {
        problems.emplace_back("case " + std::string(row.text(0)) + " seq " +
                              std::to_string(row.integer(1)) + ": not in the change feed");
      });
  each(
      "SELECT ch.position, ch.case_id, ch.seq FROM ut_changes ch LEFT JOIN ut_ledger l"
      " ON l.case_id = ch.case_id AND l.seq = ch.seq WHERE l.seq IS NULL",
      [&](const Row& row) {
        problems.emplace_back("change " + std::to_string(row.integer(0)) + " names case " +
                              std::string(row.text(1)) + " seq " + std::to_string(row.integer(2)) +
                              ", which is not stored");
      });
  // Gapless and counted: positions 1..last, the counter at the last.
  each(
      "SELECT f.last_position, COUNT(ch.position), COALESCE(MAX(ch.position), 0) FROM ut_feed f"
      " LEFT JOIN ut_changes ch ON true GROUP BY f.last_position"
      " HAVING COUNT(ch.position) != f.last_position OR COALESCE(MAX(ch.position), 0) !="
      " f.last_position",
      [&](const Row& row) {
        problems.emplace_back("change feed: counter at " + std::to_string(row.integer(0)) +
                              " but " + std::to_string(row.integer(1)) + " rows up to position " +
                              std::to_string(row.integer(2)));
      });
  each(
      "SELECT DISTINCT w.case_id FROM ut_worklist w LEFT JOIN ut_cases c ON c.id = w.case_id"
      " WHERE c.id IS NULL OR c.worklist_revision IS DISTINCT FROM c.revision OR c.terminated = 1",
      [&](const Row& row) {
        problems.emplace_back("case " + std::string(row.text(0)) +
                              ": worklist rows that are not those of its stored state");
      });
  return problems;
}

}  // namespace detail::pg
UNDERTAKE_END_NAMESPACE

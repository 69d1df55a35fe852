// libFuzzer target: the SQLite store's load path on rows it did not write. Input: the `head` text
// of a case row (the snapshot without its ledger) NUL the `entry` text of ledger row 1 NUL row 2
// ...; they are written as the rows of case F into a real store file, and then every read of the
// store (snapshot, ledger, list, the ledgers KPIs read, load_case → restore → fire) must either
// fail with undertake::Error or give a case that behaves (reads back, snapshots, fires).
#include <sqlite3.h>

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "undertake/sqlite_store.hpp"
#include "undertake/undertake.hpp"

namespace {

using namespace undertake;

void require(bool ok) {
  if (!ok) std::abort();
}

// A second connection to the store's file, for writing rows as they are given.
struct RowWriter {
  sqlite3* db = nullptr;
  explicit RowWriter(const std::string& path) {
    require(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
  }
  ~RowWriter() { sqlite3_close(db); }
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;
  void exec(const char* sql) {
    require(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  void put(const char* sql, std::int64_t seq, std::string_view text) {
    sqlite3_stmt* st = nullptr;
    require(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    require(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
  }
};

struct Fixture {
  std::filesystem::path dir;
  std::string path;
  Engine engine;
  std::unique_ptr<SqliteCaseStore> store;
  std::unique_ptr<RowWriter> rows;
  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("undertake-fuzz-store-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    path = (dir / "cases.db").string();
    std::filesystem::remove(path);
    SqliteOptions options;
    options.synchronous = SqliteOptions::Sync::off;
    store = open_sqlite_store(path, options);
    rows = std::make_unique<RowWriter>(path);
  }
  ~Fixture() {
    rows.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::size_t i = 0; i <= size && parts.size() < 64; ++i)
    if (i == size || data[i] == 0) parts.push_back(input.substr(start, i - start)), start = i + 1;
  f.rows->exec("BEGIN; DELETE FROM cases; DELETE FROM ledger;");
  f.rows->put(
      "INSERT INTO cases (id, policy_name, policy_version, revision, stage, state, terminated,"
      " customer, updated_ms, attention_ms, head) VALUES ('F', 'default', '2026.1', ?1,"
      " 'Intake', '[\"Intake.Registered\"]', 0, '', NULL, NULL, ?2)",
      static_cast<std::int64_t>(parts.size() - 1), parts[0]);
  for (std::size_t i = 1; i < parts.size(); ++i)
    f.rows->put(
        "INSERT INTO ledger (case_id, seq, at_ms, kind, event, entry) VALUES ('F', ?1, 0,"
        " 'event', 'intake.forward', ?2)",
        static_cast<std::int64_t>(i), parts[i]);
  f.rows->exec("COMMIT;");

  try {
    (void)f.store->snapshot("F");
  } catch (const Error&) {
  }
  try {
    (void)f.store->ledger("F");
  } catch (const Error&) {
  }
  try {
    (void)f.store->list();
    (void)load_ledgers(*f.store, f.engine);
  } catch (const Error&) {
  }
  try {
    Case c = load_case(*f.store, f.engine, "F");
    const std::string text = boost::json::serialize(c.snapshot());
    boost::json::parse_options options;
    options.max_depth = f.engine.limits().max_json_depth;
    boost::json::error_code ec;
    (void)boost::json::parse(text, ec, {}, options);
    require(!ec && text.size() <= f.engine.limits().max_json_bytes);
    (void)c.available(Actor{"li", {"sales"}});
    const auto at = parse_iso8601("2030-01-01T00:00:00Z");
    (void)c.fire("case.suspend", Actor{"li", {"sales"}}, {{"reason", "fuzz"}}, *at);
  } catch (const Error&) {
  }
  return 0;
}

// Worklists and the change feed at ERP scale: a store of 100,000 cases spread over every place of
// the main path (Intake to Closed) and 40 customers, bulk-inserted in transactions of 1,000 cases.
// Then:
//   inbox pages   the worklist of several actors — one role, two roles, a rare role (legal: only
//                 cases in legal review), with a stage or customer filter — first page and a page
//                 from the middle, 100 cases each; CPU and wall milliseconds per page (median of
//                 repeated reads; goal ≤ 10 ms a page)
//   change feed   the whole feed read in pages of 100 and of 1,000, in changes per second
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/store/store_bench.hpp"
#include "undertake/store.hpp"

namespace undertake::bench {
namespace {

constexpr std::size_t kPerTransaction = 1000;

std::string case_id(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "C-%06zu", i);
  return buf;
}

// Case i's place on the main path: scattered (not in id order), every place about as often.
std::size_t place_of(std::size_t i) {
  return (i * 2654435761u >> 7) % (main_path().size() + 1);
}

void build_store(const Engine& engine, const std::string& path, std::size_t n) {
  remove_store(path);
  SqliteOptions options;
  options.synchronous = SqliteOptions::Sync::off;
  SqliteCaseStore store(path, options);
  const Timestamp start = *parse_iso8601("2026-01-05T08:00:00Z");
  const Stopwatch watch;
  for (std::size_t base = 0; base < n; base += kPerTransaction)
    store.transaction([&] {
      for (std::size_t i = base; i < std::min(n, base + kPerTransaction); ++i)
        store.create(main_path_case(engine, case_id(i), "Customer " + std::to_string(i % 40),
                                    place_of(i),
                                    start + std::chrono::minutes(static_cast<long>(i % 50000))));
    });
  const Clocks t = watch.elapsed();
  std::printf("  built: %zu cases, %llu ledger entries in %.1f s wall (%.0f cases/s, %.1f s CPU)\n",
              n, static_cast<unsigned long long>(store.entry_count()), t.wall_s,
              static_cast<double>(n) / t.wall_s, t.cpu_s);
}

struct Query {
  const char* label;
  Actor actor;
  std::optional<std::string> stage, customer;
};

void time_inbox(const SqliteCaseStore& store, const Query& q, const std::string& after) {
  InboxQuery query;
  query.actor = q.actor;
  query.stage = q.stage;
  query.customer = q.customer;
  query.after = after;
  query.limit = 100;
  std::vector<double> cpu, wall;
  std::size_t items = 0;
  bool more = false;
  for (int r = 0; r < 21; ++r) {  // the first read warms SQLite's page cache; the median of all
    const Stopwatch watch;
    const InboxPage page = store.inbox(query);
    const Clocks t = watch.elapsed();
    cpu.push_back(t.cpu_s * 1e3);
    wall.push_back(t.wall_s * 1e3);
    items = page.items.size();
    more = !page.next.empty();
  }
  const double ms = median(cpu);
  std::printf("    %-44s %-9s %4zu cases%s %7.2f ms CPU %7.2f ms wall  %s\n", q.label,
              after.empty() ? "first" : "middle", items, more ? "+" : " ", ms, median(wall),
              ms <= 10 ? "" : "(> 10 ms)");
}

void time_changes(const SqliteCaseStore& store, std::size_t page_size) {
  const Stopwatch watch;
  std::uint64_t after = 0;
  std::size_t read = 0;
  for (;;) {
    const std::vector<Change> page = store.changes(after, page_size);
    if (page.empty()) break;
    read += page.size();
    after = page.back().position;
  }
  const Clocks t = watch.elapsed();
  char label[64];
  std::snprintf(label, sizeof label, "whole feed in pages of %zu", page_size);
  print_rate(label, static_cast<double>(read), t, "changes");
}

}  // namespace

void inbox_and_changes_section(const Engine& engine, const ScaleOptions& options) {
  const std::string path = (std::filesystem::path(options.dir) / "undertake-100k.db").string();
  std::printf("\nInbox and change feed over %zu stored cases (%s)\n", options.cases, path.c_str());
  bool reuse = false;
  if (options.keep && std::filesystem::exists(path))
    reuse = SqliteCaseStore(path).case_count() == options.cases;
  if (reuse)
    std::printf("  reusing the store (--keep)\n");
  else
    build_store(engine, path, options.cases);
  {
    const SqliteCaseStore store(path);
    std::printf("  inbox pages of 100 (median of 21 reads):\n");
    const std::vector<Query> queries = {
        {"sales (one role)", {"li", {"sales"}}, {}, {}},
        {"technical + production (two roles)", {"zhao", {"technical", "production"}}, {}, {}},
        {"legal (rare: cases in legal review)", {"zhou", {"legal"}}, {}, {}},
        {"quality, stage Preparation", {"qian", {"quality"}}, "Preparation", {}},
        {"management, stage Contract", {"boss", {"management"}}, "Contract", {}},
        {"sales, customer 'Customer 7' (1 in 40)", {"li", {"sales"}}, {}, "Customer 7"},
        {"legal, stage Design (matches nothing)", {"zhou", {"legal"}}, "Design", {}},
        {"sales, a customer with no case (worst)", {"li", {"sales"}}, {}, "Nobody"},
    };
    const std::string middle = case_id(options.cases / 2);
    for (const Query& q : queries) {
      time_inbox(store, q, "");
      time_inbox(store, q, middle);
    }
    std::printf("  change feed (%llu changes):\n",
                static_cast<unsigned long long>(store.entry_count()));
    time_changes(store, 100);
    time_changes(store, 1000);
  }
  if (!options.keep) remove_store(path);
}

}  // namespace undertake::bench

// Throughput of snapshots, restores, replay and the SQLite store.
//
//   bench_store [--cases N] [--dir DIR]
//
// Cases are generated lifecycles of the simulated factory (src/cli/simulate.cpp), ~25-60 ledger
// entries each. Reported:
//   snapshot/s        Case::snapshot() (JSON value, no text)
//   snapshot+text/s   snapshot() and serialising it
//   restore/s         Engine::restore() of a snapshot value (replays and verifies the ledger)
//   replay events/s   Engine::replay() of the ledgers, in ledger entries per second
//   store events/s    fire + SqliteCaseStore::save, one transaction per event, for synchronous
//                     FULL, NORMAL and OFF (WAL); and NORMAL with 100 events per transaction
//   store load/s      load_case() from the store (read, parse, restore)
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/simulate.hpp"
#include "undertake/engine.hpp"
#include "undertake/sqlite_store.hpp"

using namespace undertake;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Lifecycle {
  sim::OrderScript script;
  std::vector<sim::Action> actions;  // accepted ones, in order
};

// Runs scripts to their end (or 80 actions) and keeps the accepted actions for replaying them.
std::vector<Lifecycle> generate(const Engine& engine, int n, std::vector<Case>& cases) {
  sim::RandomChooser ch(42);
  std::vector<Lifecycle> out;
  const Timestamp t0 = *parse_iso8601("2026-01-05T08:00:00Z");
  for (int i = 0; i < n; ++i) {
    Lifecycle l{sim::OrderScript::draw("B-" + std::to_string(i), t0 + std::chrono::hours(i), ch),
                {}};
    Case c = engine.create_case(l.script.id(), l.script.form());
    for (int step = 0; step < 80; ++step) {
      auto a = l.script.next(c, t0, ch);
      if (!a) break;
      const Outcome o = c.fire(a->event, a->actor, a->payload, a->at);
      l.script.observe(*a, o);
      if (o.accepted) l.actions.push_back(*a);
    }
    cases.push_back(std::move(c));
    out.push_back(std::move(l));
  }
  return out;
}

void store_run(const Engine& engine, const std::vector<Lifecycle>& lifecycles,
               const std::string& path, SqliteOptions::Sync sync, int per_transaction,
               const char* label) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  SqliteOptions options;
  options.synchronous = sync;
  SqliteCaseStore store(path, options);
  std::size_t events = 0;
  const auto t = Clock::now();
  std::vector<Case> live;
  std::vector<std::uint64_t> stored;
  for (const auto& l : lifecycles) {
    live.push_back(engine.create_case(l.script.id(), l.script.form()));
    store.create(live.back());
    stored.push_back(0);
  }
  // Interleave the cases, as a factory's events arrive.
  std::size_t max_len = 0;
  for (const auto& l : lifecycles) max_len = std::max(max_len, l.actions.size());
  std::vector<std::pair<std::size_t, const sim::Action*>> order;
  for (std::size_t step = 0; step < max_len; ++step)
    for (std::size_t i = 0; i < lifecycles.size(); ++i)
      if (step < lifecycles[i].actions.size()) order.emplace_back(i, &lifecycles[i].actions[step]);
  auto fire_and_save = [&](std::size_t k) {
    const auto [i, a] = order[k];
    live[i].fire(a->event, a->actor, a->payload, a->at);
    store.save(live[i], stored[i]);
    stored[i] = live[i].revision();
    ++events;
  };
  const std::size_t chunk = static_cast<std::size_t>(std::max(per_transaction, 1));
  for (std::size_t k = 0; k < order.size(); k += chunk) {
    if (chunk == 1) {
      fire_and_save(k);
    } else {
      store.transaction([&] {
        for (std::size_t j = k; j < std::min(order.size(), k + chunk); ++j) fire_and_save(j);
      });
    }
  }
  const double s = seconds_since(t);
  std::printf("  %-40s %9.0f events/s   (%zu events in %.2f s)\n", label,
              static_cast<double>(events) / s, events, s);
  if (sync == SqliteOptions::Sync::normal && per_transaction <= 1) {
    const auto t2 = Clock::now();
    std::size_t loads = 0;
    for (int round = 0; round < 3; ++round)
      for (const auto& l : lifecycles) {
        Case c = load_case(store, engine, l.script.id());
        loads += c.revision() > 0;
      }
    const double s2 = seconds_since(t2);
    std::printf("  %-40s %9.0f cases/s\n", "store load (read + parse + restore)",
                static_cast<double>(loads) / s2);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int n = 300;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cases" && i + 1 < argc)
      n = std::stoi(argv[++i]);
    else if (a == "--dir" && i + 1 < argc)
      dir = argv[++i];
  }
  Engine engine;
  std::vector<Case> cases;
  const auto lifecycles = generate(engine, n, cases);
  std::size_t entries = 0;
  for (const auto& c : cases) entries += c.ledger().size();
  std::printf("%d generated cases, %zu ledger entries (%.1f per case)\n\n", n, entries,
              static_cast<double>(entries) / n);

  auto rate = [](const char* label, std::size_t count, double s, const char* unit) {
    std::printf("  %-40s %9.0f %s   (%zu in %.2f s)\n", label, static_cast<double>(count) / s, unit,
                count, s);
  };
  {
    std::size_t k = 0;
    const auto t = Clock::now();
    for (int r = 0; r < 10; ++r)
      for (const auto& c : cases) k += c.snapshot().is_object();
    rate("snapshot()", k, seconds_since(t), "snapshots/s");
  }
  std::vector<boost::json::value> snaps;
  {
    std::size_t bytes = 0;
    const auto t = Clock::now();
    for (int r = 0; r < 5; ++r)
      for (const auto& c : cases) bytes += boost::json::serialize(c.snapshot()).size();
    rate("snapshot() + serialize", cases.size() * 5, seconds_since(t), "snapshots/s");
    std::printf("  %-40s %9.1f KB\n", "mean snapshot size",
                static_cast<double>(bytes) / (cases.size() * 5) / 1024.0);
    for (const auto& c : cases) snaps.push_back(c.snapshot());
  }
  {
    std::size_t k = 0;
    const auto t = Clock::now();
    for (int r = 0; r < 3; ++r)
      for (const auto& s : snaps) k += engine.restore(s).revision() > 0;
    rate("restore() (replay + verify)", snaps.size() * 3, seconds_since(t), "restores/s");
  }
  {
    std::vector<CaseLedger> ledgers;
    for (const auto& c : cases) ledgers.push_back(c.case_ledger());
    std::size_t events = 0;
    const auto t = Clock::now();
    for (int r = 0; r < 3; ++r)
      for (const auto& l : ledgers) events += engine.replay(l).revision();
    rate("replay()", events, seconds_since(t), "events/s");
  }
  std::printf("\nSQLite store in %s (WAL):\n", dir.c_str());
  const std::string path = (std::filesystem::path(dir) / "undertake-bench.db").string();
  std::vector<Lifecycle> few(lifecycles.begin(),
                             lifecycles.begin() + std::min<std::size_t>(lifecycles.size(), 60));
  store_run(engine, few, path, SqliteOptions::Sync::full, 1,
            "synchronous=FULL, 1 event/transaction");
  store_run(engine, lifecycles, path, SqliteOptions::Sync::normal, 1,
            "synchronous=NORMAL, 1 event/transaction");
  store_run(engine, lifecycles, path, SqliteOptions::Sync::off, 1,
            "synchronous=OFF, 1 event/transaction");
  store_run(engine, lifecycles, path, SqliteOptions::Sync::full, 100,
            "synchronous=FULL, 100 events/transaction");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return 0;
}

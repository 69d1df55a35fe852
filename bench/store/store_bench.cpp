// Throughput of snapshots, restores, replay and the SQLite store.
//
//   bench_store [--cases N] [--pool N] [--events N] [--inbox-cases N] [--dir DIR] [--keep]
//               [--sections engine,save,roundtrip,inbox]
//
// Sections (each CPU time of the thread and wall time; the machine is shared):
//   engine     generated lifecycles of the simulated factory (src/cli/simulate.cpp, --cases, ~25
//              ledger entries each): snapshot() with its ledger, + serialize, restore() of it
//              (hash chain checked, no replay), replay()
//   save       fire() on cases kept in memory + SqliteCaseStore::save, one transaction per event,
//              synchronous FULL, NORMAL and OFF (WAL), and FULL with 100 events per transaction;
//              then load_case() of each stored case
//   roundtrip  load -> fire -> save through fire_stored() against fire() alone (round_trip.cpp),
//              with the time of each phase
//   inbox      worklist pages and the change feed over --inbox-cases stored cases
//              (inbox_changes.cpp)
#include "bench/store/store_bench.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/simulate.hpp"
#include "support/order_driver.hpp"
#include "undertake/engine.hpp"
#include "undertake/sqlite_store.hpp"

using namespace undertake;
using Clock = std::chrono::steady_clock;

namespace undertake::bench {

void remove_store(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

const std::vector<PathStep>& main_path() {
  static const std::vector<PathStep> path = [] {
    std::vector<PathStep> p;
    for (const auto& step : testing::main_path()) {
      const bool quote = std::string_view(step.event) == "evaluation.quote";
      p.push_back(
          PathStep{step.event, step.actor,
                   boost::json::parse(quote ? R"({"price": 400000, "cost": 300000})" : step.payload)
                       .as_object()});
    }
    return p;
  }();
  return path;
}

Case main_path_case(const Engine& engine, const std::string& id, const std::string& customer,
                    std::size_t steps, Timestamp start, Timestamp* last) {
  boost::json::object form = testing::regular_order();
  form["customer"].as_object()["name"] = customer;
  Case c = engine.create_case(id, std::move(form));
  Timestamp at = start;
  const auto& path = main_path();
  for (std::size_t i = 0; i < steps && i < path.size(); ++i) {
    at += std::chrono::hours(1);
    const Outcome o = c.fire(path[i].event, path[i].actor, path[i].payload, at);
    if (!o.accepted) throw std::runtime_error(id + ": main path refused: " + o.summary());
  }
  if (last) *last = at;
  return c;
}

}  // namespace undertake::bench

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
  bench::remove_store(path);
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
    std::printf("  %-40s %9.0f cases/s\n", "load_case (read + parse + restore head)",
                static_cast<double>(loads) / s2);
  }
}

void engine_section(const Engine& engine, const std::vector<Case>& cases) {
  auto rate = [](const char* label, std::size_t count, double s, const char* unit) {
    std::printf("  %-40s %9.0f %s   (%zu in %.2f s)\n", label, static_cast<double>(count) / s, unit,
                count, s);
  };
  {
    std::size_t k = 0;
    const auto t = Clock::now();
    for (int r = 0; r < 10; ++r)
      for (const auto& c : cases) k += c.snapshot().is_object();
    rate("snapshot() with ledger", k, seconds_since(t), "snapshots/s");
  }
  std::vector<boost::json::value> snaps;
  {
    std::size_t bytes = 0;
    const auto t = Clock::now();
    for (int r = 0; r < 5; ++r)
      for (const auto& c : cases) bytes += boost::json::serialize(c.snapshot()).size();
    rate("snapshot() with ledger + serialize", cases.size() * 5, seconds_since(t), "snapshots/s");
    std::printf("  %-40s %9.1f KB\n", "mean snapshot size",
                static_cast<double>(bytes) / static_cast<double>(cases.size() * 5) / 1024.0);
    for (const auto& c : cases) snaps.push_back(c.snapshot());
  }
  {
    std::size_t k = 0;
    const auto t = Clock::now();
    for (int r = 0; r < 3; ++r)
      for (const auto& s : snaps) k += engine.restore(s).revision() > 0;
    rate("restore() with ledger (chain checked)", snaps.size() * 3, seconds_since(t), "restores/s");
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
}

void save_section(const Engine& engine, const std::vector<Lifecycle>& lifecycles,
                  const std::string& dir) {
  std::printf("\nSQLite store in %s (WAL), fire() in memory + save():\n", dir.c_str());
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
  bench::remove_store(path);
}

}  // namespace

int main(int argc, char** argv) {
  int n = 300;
  std::string dir = std::filesystem::temp_directory_path().string();
  bench::RoundTripOptions round_trip;
  bench::ScaleOptions scale;
  std::set<std::string> sections = {"engine", "save", "roundtrip", "inbox"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--cases" && has_value) {
      n = std::stoi(argv[++i]);
    } else if (a == "--dir" && has_value) {
      dir = argv[++i];
    } else if (a == "--pool" && has_value) {
      round_trip.pool = std::stoul(argv[++i]);
    } else if (a == "--events" && has_value) {
      round_trip.events = std::stoul(argv[++i]);
    } else if (a == "--inbox-cases" && has_value) {
      scale.cases = std::stoul(argv[++i]);
    } else if (a == "--keep") {
      scale.keep = round_trip.keep = true;
    } else if (a == "--sections" && has_value) {
      sections.clear();
      std::stringstream list(argv[++i]);
      for (std::string s; std::getline(list, s, ',');) sections.insert(s);
    } else {
      std::fprintf(stderr,
                   "usage: bench_store [--cases N] [--pool N] [--events N] [--inbox-cases N] "
                   "[--dir DIR] [--keep] [--sections engine,save,roundtrip,inbox]\n");
      return 2;
    }
  }
  round_trip.dir = scale.dir = dir;
  Engine engine;
  if (sections.count("engine") || sections.count("save")) {
    std::vector<Case> cases;
    const auto lifecycles = generate(engine, n, cases);
    std::size_t entries = 0;
    for (const auto& c : cases) entries += c.ledger().size();
    std::printf("%d generated cases, %zu ledger entries (%.1f per case)\n\n", n, entries,
                static_cast<double>(entries) / n);
    if (sections.count("engine")) engine_section(engine, cases);
    if (sections.count("save")) save_section(engine, lifecycles, dir);
  }
  if (sections.count("roundtrip")) bench::round_trip_section(engine, round_trip);
  if (sections.count("inbox")) bench::inbox_and_changes_section(engine, scale);
  return 0;
}

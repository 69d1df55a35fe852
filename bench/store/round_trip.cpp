// The round trip an ERP host pays per request (design.md §9): load the case from the store, fire
// the event, save it — fire_stored() on SQLite — against fire() alone on a case in memory.
//
// A pool of stored cases at every place of the main path from Intake to Delivery (0 to 30 of its
// 36 events); each event goes to a case of the pool in a scattered order (a prime stride, so every
// case gets the same number of events) and is that case's next step on the main path: a mix of
// every kind of event the process has, each valid in its state. Every run starts from the same
// copy of the pool's store and fires the same events, so the runs differ only in what they
// measure: fire_stored() with synchronous OFF, NORMAL and FULL, the round trip by hand with each
// phase timed (to show where the time goes), and fire() alone on the same cases in memory.
#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/store/store_bench.hpp"
#include "undertake/store.hpp"

namespace json = boost::json;

namespace undertake::bench {
namespace {

constexpr std::size_t kStride = 7919;  // a prime: consecutive events land on distant cases
constexpr std::size_t kPlaces = 31;    // a case of the pool has fired 0 to 30 main-path events

struct PoolCase {
  std::string id;
  std::size_t position = 0;  // main-path events fired
  Timestamp at{};            // when the last was
};

// The pool's cases as built, and the order events go to them.
struct Pool {
  std::vector<PoolCase> cases;
  std::string pristine, live;  // the store as built, and the copy a run works on

  // The cases as built, on a fresh copy of their store.
  std::vector<PoolCase> reset() const {
    remove_store(live);
    for (const char* suffix : {"", "-wal"})
      if (std::filesystem::exists(pristine + suffix))
        std::filesystem::copy_file(pristine + suffix, live + suffix);
    return cases;
  }
  // The case event `i` goes to (each case gets events / cases.size() of them).
  std::size_t pick(std::size_t i) const { return (i * kStride) % cases.size(); }
  // The most events a run may have: every case then takes at most 36 - 30 = 6 steps.
  std::size_t max_events() const { return cases.size() * (main_path().size() - (kPlaces - 1)); }
};

// Moves the case's clock on and gives its next main-path step.
const PathStep& next_step(PoolCase& p) {
  p.at += std::chrono::hours(1);
  return main_path()[p.position++];
}

Pool build_pool(const Engine& engine, const std::string& dir, std::size_t n) {
  Pool pool;
  pool.pristine = (std::filesystem::path(dir) / "undertake-roundtrip-pool.db").string();
  pool.live = (std::filesystem::path(dir) / "undertake-roundtrip.db").string();
  remove_store(pool.pristine);
  SqliteOptions options;
  options.synchronous = SqliteOptions::Sync::off;
  SqliteCaseStore store(pool.pristine, options);
  const Timestamp start = *parse_iso8601("2026-01-05T08:00:00Z");
  store.transaction([&] {
    for (std::size_t i = 0; i < n; ++i) {
      PoolCase p{"RT-" + std::to_string(100000 + i), i % kPlaces};
      store.create(main_path_case(engine, p.id, "Customer " + std::to_string(i % 40), p.position,
                                  start + std::chrono::minutes(static_cast<long>(i)), &p.at));
      pool.cases.push_back(std::move(p));
    }
  });
  if (pool.cases.size() % kStride == 0) throw std::runtime_error("pool size divisible by stride");
  return pool;
}

SqliteOptions with_sync(SqliteOptions::Sync sync) {
  SqliteOptions o;
  o.synchronous = sync;
  return o;
}

// `events` events through fire_stored, on a store opened with `sync`.
Clocks run_stored(const Engine& engine, const Pool& pool, SqliteOptions::Sync sync,
                  std::size_t events) {
  std::vector<PoolCase> cases = pool.reset();
  SqliteCaseStore store(pool.live, with_sync(sync));
  const Stopwatch watch;
  for (std::size_t i = 0; i < events; ++i) {
    PoolCase& p = cases[pool.pick(i)];
    const PathStep& step = next_step(p);
    const StoredFire r =
        fire_stored(store, engine, p.id, step.event, step.actor, step.payload, p.at);
    if (!r.outcome.accepted) throw std::runtime_error(p.id + ": " + r.outcome.summary());
  }
  return watch.elapsed();
}

// The same events on the pool's cases held in memory (loaded before the timing).
Clocks run_in_memory(const Engine& engine, const Pool& pool, std::size_t events) {
  std::vector<PoolCase> cases = pool.reset();
  std::vector<Case> live;
  {
    const SqliteCaseStore store(pool.live, with_sync(SqliteOptions::Sync::off));
    for (const PoolCase& p : cases) live.push_back(load_case(store, engine, p.id));
  }
  const Stopwatch watch;
  for (std::size_t i = 0; i < events; ++i) {
    const std::size_t k = pool.pick(i);
    const PathStep& step = next_step(cases[k]);
    const Outcome o = live[k].fire(step.event, step.actor, step.payload, cases[k].at);
    if (!o.accepted) throw std::runtime_error(cases[k].id + ": " + o.summary());
  }
  return watch.elapsed();
}

// CPU seconds of each phase of the round trip, done by hand as fire_stored does it.
struct Phases {
  double read = 0, parse = 0, restore = 0, fire = 0, snapshot = 0, work_items = 0, save = 0;
  std::size_t events = 0;
};

volatile std::size_t sink = 0;  // what the side timings computed, so that it is computed

Phases run_phases(const Engine& engine, const Pool& pool, std::size_t events) {
  std::vector<PoolCase> cases = pool.reset();
  SqliteCaseStore store(pool.live, with_sync(SqliteOptions::Sync::off));
  Phases ph;
  for (std::size_t i = 0; i < events; ++i) {
    PoolCase& p = cases[pool.pick(i)];
    const PathStep& step = next_step(p);
    double t = thread_cpu_s();
    auto lap = [&](double& into) {
      const double now = thread_cpu_s();
      into += now - t;
      t = now;
    };
    std::optional<json::value> head = store.head(p.id);  // SQLite read and JSON parse
    lap(ph.read);
    Case c = engine.restore(std::move(*head));
    lap(ph.restore);
    const std::uint64_t loaded = c.revision();
    const Outcome o = c.fire(step.event, step.actor, step.payload, p.at);
    lap(ph.fire);
    if (!o.accepted) throw std::runtime_error(p.id + ": " + o.summary());
    store.save(c, loaded);
    lap(ph.save);
    // What save and head do inside, done again on the side to time it: the head and its text,
    // the worklist items of the new state, and the parse of the head's text.
    const std::string text = json::serialize(c.snapshot(SnapshotOptions{false}));
    lap(ph.snapshot);
    const auto items = work_items(c);
    lap(ph.work_items);
    const json::value parsed = json::parse(text);
    lap(ph.parse);
    sink = sink + items.size() + parsed.is_object();
    ++ph.events;
  }
  return ph;
}

void print_phases(const Phases& ph) {
  const double n = static_cast<double>(ph.events);
  const double total = ph.read + ph.restore + ph.fire + ph.save;
  auto row = [&](const char* what, double s, const char* note) {
    std::printf("    %-44s %7.1f µs %5.1f %%  %s\n", what, s / n * 1e6, 100 * s / total, note);
  };
  std::printf("  where a round trip's CPU time goes (synchronous=OFF, %zu events, by hand):\n",
              ph.events);
  row("store.head(): SQLite read + JSON parse", ph.read, "");
  row("  of which JSON parse of the head text", ph.parse, "(timed apart)");
  row("engine.restore(head)", ph.restore, "(digest, machine, record)");
  row("case.fire()", ph.fire, "");
  row("store.save()", ph.save, "");
  row("  of which snapshot(head) + serialize", ph.snapshot, "(timed apart)");
  row("  of which work_items() for the worklist", ph.work_items, "(timed apart)");
  row("  the rest: SQLite writes, entry JSON", ph.save - ph.snapshot - ph.work_items, "");
  std::printf("    %-44s %7.1f µs          = %.0f round trips/s CPU\n", "total", total / n * 1e6,
              n / total);
}

}  // namespace

void round_trip_section(const Engine& engine, const RoundTripOptions& options) {
  std::printf("\nRound trip: load -> fire -> save through fire_stored() (in %s)\n",
              options.dir.c_str());
  const Stopwatch built;
  const Pool pool = build_pool(engine, options.dir, options.pool);
  const std::size_t n = std::min(options.events, pool.max_events());
  std::printf(
      "  %zu stored cases at 0 to %zu events of the main path (built in %.1f s); %zu events a "
      "run, each a case's next main-path step\n",
      pool.cases.size(), kPlaces - 1, built.elapsed().wall_s, n);
  const std::size_t n_full = std::max<std::size_t>(n / 10, 1);
  const Clocks off = run_stored(engine, pool, SqliteOptions::Sync::off, n);
  const Clocks normal = run_stored(engine, pool, SqliteOptions::Sync::normal, n);
  const Clocks full = run_stored(engine, pool, SqliteOptions::Sync::full, n_full);
  const Phases phases = run_phases(engine, pool, n);
  const Clocks memory = run_in_memory(engine, pool, n);
  const double events = static_cast<double>(n);
  print_rate("fire_stored, synchronous=OFF", events, off, "events");
  print_rate("fire_stored, synchronous=NORMAL", events, normal, "events");
  print_rate("fire_stored, synchronous=FULL (first 1/10)", static_cast<double>(n_full), full,
             "events");
  print_rate("case.fire() alone, cases in memory", events, memory, "events");
  std::printf(
      "  engine's fire() in a round trip (fire CPU / fire_stored CPU): OFF %.1f %%, NORMAL "
      "%.1f %%\n",
      100 * memory.cpu_s / off.cpu_s, 100 * memory.cpu_s / normal.cpu_s);
  std::printf("  goal >= 20,000 events/s with OFF on one core: %s (%.0f events/s CPU)\n",
              events / off.cpu_s >= 20000 ? "met" : "NOT met", events / off.cpu_s);
  print_phases(phases);
  if (options.keep) return;
  remove_store(pool.live);
  remove_store(pool.pristine);
}

}  // namespace undertake::bench

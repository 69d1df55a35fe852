// Events per second through Case::fire() for full order lifecycles (36 events each, every gate of
// the default policy evaluated), plus the cost of the pieces: creating a case, a refusal, the
// available-events query, a snapshot and a restore.
#include <benchmark/benchmark.h>

#include "support/order_driver.hpp"

using namespace undertake;
using namespace undertake::testing;

namespace {

struct PreparedStep {
  std::string event;
  Actor actor;
  boost::json::object payload;
};

std::vector<PreparedStep> prepared_path() {
  std::vector<PreparedStep> steps;
  for (const auto& s : main_path())
    steps.push_back({s.event, s.actor, boost::json::parse(s.payload).as_object()});
  return steps;
}

void BM_FullLifecycle(benchmark::State& state) {
  const Engine engine;
  const auto steps = prepared_path();
  const Timestamp start = *parse_iso8601("2026-03-02T08:00:00Z");
  std::int64_t events = 0;
  for (auto _ : state) {
    Case c = engine.create_case("B-1", regular_order());
    Timestamp at = start;
    for (const auto& s : steps) {
      at += std::chrono::hours(1);
      Outcome o = c.fire(s.event, s.actor, s.payload, at);
      benchmark::DoNotOptimize(o);
    }
    events += static_cast<std::int64_t>(steps.size());
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FullLifecycle)->Unit(benchmark::kMicrosecond);

// Creating a case from the requirement form: the record, the machine, the risk assessment, the
// genesis seal and the policy's deadline rules. Threads(2): cases created at once on one engine.
void BM_CreateCase(benchmark::State& state) {
  static const Engine engine;  // one engine for every thread of the run
  const boost::json::object form = regular_order();
  for (auto _ : state) {
    Case c = engine.create_case("B-1", form);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_CreateCase)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CreateCase)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_RefusedEvent(benchmark::State& state) {
  const Engine engine;
  Case c = engine.create_case("B-1", regular_order());
  const Timestamp at = *parse_iso8601("2026-03-02T08:00:00Z");
  for (auto _ : state) {
    Outcome o = c.fire("contract.sign", kSales, {}, at);  // refused: state
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_RefusedEvent);

void BM_Available(benchmark::State& state) {
  const Engine engine;
  OrderDriver d(engine);
  d.advance_to("evaluation.quote");
  for (auto _ : state) benchmark::DoNotOptimize(d.the_case().available(kSales));
}
BENCHMARK(BM_Available);

void BM_Snapshot(benchmark::State& state) {
  const Engine engine;
  OrderDriver d(engine);
  d.advance_to("case.close");
  for (auto _ : state) benchmark::DoNotOptimize(d.the_case().snapshot());
}
BENCHMARK(BM_Snapshot)->Unit(benchmark::kMicrosecond);

void BM_Restore(benchmark::State& state) {
  const Engine engine;
  OrderDriver d(engine);
  d.advance_to("case.close");
  const boost::json::value snapshot = d.the_case().snapshot();
  for (auto _ : state) benchmark::DoNotOptimize(engine.restore(snapshot));
}
BENCHMARK(BM_Restore)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

// How the cost of the engine's operations grows with the size of what they work on. Each
// benchmark prints the cost per item as a counter, so that flat (or linear) growth is visible
// across its range: the counter should stay about the same from the smallest to the largest size.
//
//   BM_FireVsLedger/<loop>/<entries>  one fire() on a case whose ledger already holds <entries>
//       entries. loop 0: case.suspend / case.resume from Intake (the record does not grow);
//       loop 1: sample.test {"passed": false} / sample.build in Design (the re-test loop; the
//       record keeps counters only). Counter ns/event (CPU). Expected flat.
//   BM_Snapshot, BM_Restore, BM_Replay/<entries>  Case::snapshot(), Engine::restore() (replays and
//       verifies the ledger) and Engine::replay() of a case grown with the sample loop. Counter
//       ns/entry (CPU): expected flat, i.e. the operation is linear in the ledger.
//   BM_GateRules/<extra>  Policy::decide() of intake.confirm with <extra> JsonLogic rules added to
//       its gate (a variant of the built-in policy). Counter ns/rule: expected flat.
//   BM_DecisionTable/<kind>/<rows>/<where>  DecisionTable::evaluate() hitting the first (0),
//       middle (1) or last (2) row; kind 0: number intervals, 1: string literals (both indexed),
//       2: JsonLogic cells (tested row by row, by design: UNIQUE tests every row), 3: the same
//       JsonLogic cells with hit policy FIRST (stops at the first match). Time per lookup.
//   BM_TableLoad/<kind>/<rows>  DecisionTable::compile() and gaps() of a table of <rows> rows (what
//       `undertake check` does with it after parsing): kind 0 one column of adjacent intervals,
//       1 product key × quantity bands (two columns), 2 string keys and a catch-all. Counter
//       ns/row (CPU): expected about flat (n log n); `gaps` counts the gaps found (kind 0: below
//       0 and above the last row; kind 1: none; kind 2: none).
//   BM_KpiReport/<cases>  compute_kpi_report() of the default catalogue over <cases> ledgers of
//       full lifecycles (36 entries). The ledgers are 10,000 distinct copies, reused by pointer
//       beyond that (10^6 distinct ledgers would take ~11 GB; 10,000 are 110 MB, far beyond any
//       cache, so reuse does not make them cheaper to read). Counter ns/case: expected flat.
//   BM_KpiReportDistinct/<cases>  the same with every ledger a distinct object (10^4 and 10^5;
//       10^6, ~11 GB, only when UNDERTAKE_BENCH_HUGE=1).
//
// Times of the counters are CPU time of the thread (the machine is shared), like Google
// Benchmark's own "CPU" column.
#include <benchmark/benchmark.h>
#include <time.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/order_driver.hpp"
#include "undertake/decision_table.hpp"
#include "undertake/kpi.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

namespace {

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

const Engine& engine() {
  static const Engine e;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Cases with long ledgers, grown with a loop the process allows again and again.

struct LoopStep {
  const char* event;
  Actor actor;
  json::object payload;
};

struct Loop {
  const char* before;  // main_path() is fired up to (not including) this event first
  std::vector<LoopStep> steps;
};

const Loop& loop(int kind) {
  static const Loop suspend{"intake.forward",
                            {{"case.suspend", kSales, json::object{{"reason", "customer on hold"}}},
                             {"case.resume", kSales, json::object{}}}};
  static const Loop sample{"sample.test",
                           {{"sample.test", kQuality, json::object{{"passed", false}}},
                            {"sample.build", kDesigner, json::object{}}}};
  return kind == 0 ? suspend : sample;
}

/// A case and its clock.
struct Grown {
  explicit Grown(const Loop& l) : driver(engine()) {
    driver.advance_to(l.before);
    at = driver.now();
  }
  void fire(const LoopStep& s) {
    at += std::chrono::hours(1);
    const Outcome o = driver.the_case().fire(s.event, s.actor, s.payload, at);
    if (!o.accepted) throw std::runtime_error("loop refused: " + o.summary());
  }
  /// Fires the loop until the ledger holds at least `entries` entries.
  void grow(const Loop& l, std::size_t entries) {
    for (std::size_t i = 0; driver.the_case().ledger().size() < entries; ++i)
      fire(l.steps[i % l.steps.size()]);
  }
  Case& the_case() { return driver.the_case(); }

  OrderDriver driver;
  Timestamp at;
};

void BM_FireVsLedger(benchmark::State& state) {
  const Loop& l = loop(static_cast<int>(state.range(0)));
  const auto entries = static_cast<std::size_t>(state.range(1));
  // Ten cases, one round of the loop on each per iteration; when the ledgers have grown by 10 %
  // (or by one round, for short ones) the cases are built again, outside the timed part, so the
  // ledger stays within 10 % of its nominal length whatever the number of iterations.
  constexpr std::size_t kCases = 10;
  const std::size_t limit = std::max(entries + l.steps.size(), entries + entries / 10);
  std::vector<std::unique_ptr<Grown>> cases;
  auto build = [&] {
    cases.clear();
    for (std::size_t i = 0; i < kCases; ++i) {
      cases.push_back(std::make_unique<Grown>(l));
      cases.back()->grow(l, entries);
    }
  };
  build();
  std::size_t events = 0, longest = 0;
  double ns = 0;
  for (auto _ : state) {
    if (cases.front()->the_case().ledger().size() + l.steps.size() > limit) build();
    const double t0 = thread_cpu_ns();
    for (auto& g : cases)
      for (const auto& s : l.steps) g->fire(s);
    ns += thread_cpu_ns() - t0;
    events += kCases * l.steps.size();
    longest = std::max(longest, cases.front()->the_case().ledger().size());
  }
  state.counters["ns/event"] = ns / static_cast<double>(events);
  state.counters["max_ledger"] = static_cast<double>(longest);
}
// 1,000 rounds (20,000 events) per run; ledgers 10 .. 10,000 entries (the sample loop starts
// after the 20 entries of the main path up to Design). Time and CPU columns include rebuilding the
// cases; the ns/event counter does not. 1,000 and 2,000 entries measure a window in which the
// ledger's std::vector doubles (1,024 -> 2,048, 2,048 -> 4,096 entries): the move of every entry
// and the fresh memory land in 10 % of a doubling instead of being spread over all of it, so those
// points read higher than their neighbours (1,500 does not cross a power of two).
BENCHMARK(BM_FireVsLedger)
    ->ArgsProduct({{0}, {10, 100, 1000, 1500, 2000, 10000}})
    ->ArgsProduct({{1}, {30, 100, 1000, 10000}})
    ->ArgNames({"loop", "entries"})
    ->Iterations(1000)
    ->Unit(benchmark::kMicrosecond);

/// One case per ledger length, grown with the sample loop (kept for every run of a benchmark).
Case& grown_case(std::size_t entries) {
  static std::map<std::size_t, std::unique_ptr<Grown>> cache;
  auto& g = cache[entries];
  if (!g) {
    g = std::make_unique<Grown>(loop(1));
    g->grow(loop(1), entries);
  }
  return g->the_case();
}

template <typename F>
void per_entry(benchmark::State& state, F&& op) {
  Case& c = grown_case(static_cast<std::size_t>(state.range(0)));
  const double t0 = thread_cpu_ns();
  for (auto _ : state) op(c);
  const double ns = thread_cpu_ns() - t0;
  const auto n = static_cast<double>(c.ledger().size());
  state.counters["ns/entry"] = ns / static_cast<double>(state.iterations()) / n;
  state.counters["ledger"] = n;
}

// Format 3: the snapshot a store keeps (state and ledger head, sealed; the ledger stays in its
// rows) and the restore from it, which replays nothing: both should be flat in ledger length.
void BM_Snapshot(benchmark::State& state) {
  per_entry(state, [](Case& c) { benchmark::DoNotOptimize(c.snapshot(SnapshotOptions{false})); });
}
void BM_Restore(benchmark::State& state) {
  const json::value snapshot =
      grown_case(static_cast<std::size_t>(state.range(0))).snapshot(SnapshotOptions{false});
  per_entry(state, [&](Case&) { benchmark::DoNotOptimize(engine().restore(snapshot)); });
}
// With the ledger in the snapshot: copied out, and checked against its hash chain on restore
// (linear, but no replay).
void BM_SnapshotWithLedger(benchmark::State& state) {
  per_entry(state, [](Case& c) { benchmark::DoNotOptimize(c.snapshot()); });
}
void BM_RestoreWithLedger(benchmark::State& state) {
  const json::value snapshot = grown_case(static_cast<std::size_t>(state.range(0))).snapshot();
  per_entry(state, [&](Case&) { benchmark::DoNotOptimize(engine().restore(snapshot)); });
}
void BM_Replay(benchmark::State& state) {
  const CaseLedger ledger = grown_case(static_cast<std::size_t>(state.range(0))).case_ledger();
  per_entry(state, [&](Case&) { benchmark::DoNotOptimize(engine().replay(ledger)); });
}
BENCHMARK(BM_Snapshot)->Arg(30)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Restore)->Arg(30)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SnapshotWithLedger)->Arg(30)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RestoreWithLedger)->Arg(30)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Replay)->Arg(30)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------------------------
// A gate with many rules.

/// The built-in policy with `extra` rules added to the gate of intake.confirm; each reads the
/// record and passes.
std::shared_ptr<const Policy> policy_with_extra_rules(std::size_t extra) {
  PolicySource source = PolicySource::builtin();
  for (auto& part : source.parts) {
    if (part.name != "gates") continue;
    json::array& rules = part.document.at("gates").at("intake.confirm").at("rules").as_array();
    for (std::size_t i = 0; i < extra; ++i) {
      rules.push_back(json::object{
          {"id", "extra-" + std::to_string(i)},
          {"description", "An extra rule for the scaling benchmark."},
          {"condition",
           json::object{{"<=", json::array{json::object{{"var", "data.quantity"}},
                                           static_cast<std::int64_t>(1'000'000 + i)}}}},
          {"message", "the quantity {data.quantity} is too large"}});
    }
  }
  return Policy::load(source);
}

void BM_GateRules(benchmark::State& state) {
  const auto extra = static_cast<std::size_t>(state.range(0));
  const auto policy = policy_with_extra_rules(extra);
  OrderDriver d(engine());
  d.advance_to("intake.confirm");
  const json::value facts = d.the_case().record();
  const EventId event = *event_from_name("intake.confirm");
  std::size_t rules = 0;
  const double t0 = thread_cpu_ns();
  for (auto _ : state) {
    GateDecision g = policy->decide(event, facts, kSales);
    if (g.verdict != Verdict::allowed) state.SkipWithError("the gate refused");
    rules = g.rules.size();
    benchmark::DoNotOptimize(g);
  }
  const double ns = thread_cpu_ns() - t0;
  state.counters["rules"] = static_cast<double>(rules);
  state.counters["ns/rule"] =
      ns / static_cast<double>(state.iterations()) / static_cast<double>(rules);
}
BENCHMARK(BM_GateRules)
    ->Arg(0)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------------------------
// Decision tables of many rows.

std::shared_ptr<const DecisionTable> big_table(int kind, std::size_t rows) {
  json::array list;
  for (std::size_t i = 0; i < rows; ++i) {
    json::value cell;
    const auto n = static_cast<std::int64_t>(i);
    if (kind == 0)
      cell = "[" + std::to_string(n * 10) + ".." + std::to_string(n * 10 + 10) + ")";
    else if (kind == 1)
      cell = "\"k" + std::to_string(n) + "\"";
    else
      cell = json::object{{"==", json::array{json::object{{"var", "?"}}, n}}};
    list.push_back(json::object{{"when", json::array{cell}},
                                {"then", json::array{json::value("row " + std::to_string(n))}}});
  }
  const char* type = kind == 1 ? "string" : "number";
  json::object def{{"hit_policy", kind == 3 ? "FIRST" : "UNIQUE"},
                   {"inputs", json::array{json::object{{"name", "x"}, {"type", type}}}},
                   {"outputs", json::array{json::object{{"name", "y"}, {"type", "string"}}}},
                   {"rules", std::move(list)}};
  return DecisionTable::compile("scaling", def, "bench_scaling");
}

void BM_DecisionTable(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const auto rows = static_cast<std::size_t>(state.range(1));
  const std::size_t row = state.range(2) == 0 ? 0 : state.range(2) == 1 ? rows / 2 : rows - 1;
  const auto table = big_table(kind, rows);
  const auto n = static_cast<std::int64_t>(row);
  const json::value input = kind == 0   ? json::value(n * 10 + 5)
                            : kind == 1 ? json::value("k" + std::to_string(n))
                                        : json::value(n);
  for (auto _ : state) {
    TableResult r = table->evaluate(input);
    if (r.rows.size() != 1 || r.rows.front() != row) state.SkipWithError("wrong row");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_DecisionTable)
    ->ArgsProduct({{0, 1, 2, 3}, {1000, 10000}, {0, 1, 2}})
    ->ArgNames({"kind", "rows", "where"});

// Loading a large table: what `undertake check` does with one (compile: validate, index, overlap
// check; then the gap check), from the parsed definition. kind 0: one column of adjacent number
// intervals; 1: two columns, a product key (1,000 of them, declared as the input's values) ×
// adjacent quantity bands, as in a price list; 2: one column of string keys with a catch-all row.

json::value load_definition(int kind, std::size_t rows) {
  json::array list;
  list.reserve(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const auto n = static_cast<std::int64_t>(i);
    json::array when;
    if (kind == 0) {
      when.emplace_back("[" + std::to_string(n * 10) + ".." + std::to_string(n * 10 + 10) + ")");
    } else if (kind == 1) {
      const std::int64_t band = n / 1000;  // rows of one band are the 1,000 products
      when.emplace_back("\"p" + std::to_string(n % 1000) + "\"");
      when.emplace_back(band == 0 ? "< 10" : ">= " + std::to_string(band * 10));
      if (band > 0 && i + 1000 < rows)
        when.back() = "[" + std::to_string(band * 10) + ".." + std::to_string(band * 10 + 10) + ")";
    } else {
      when.emplace_back(i + 1 == rows ? json::value("-")
                                      : json::value("\"k" + std::to_string(n) + "\""));
    }
    list.push_back(json::object{
        {"id", "r" + std::to_string(n)}, {"when", std::move(when)}, {"then", json::array{n}}});
  }
  json::array inputs;
  if (kind == 1) {
    json::array products;
    for (int p = 0; p < 1000; ++p) products.emplace_back("p" + std::to_string(p));
    inputs.push_back(
        json::object{{"name", "product"}, {"type", "string"}, {"values", std::move(products)}});
  }
  inputs.push_back(json::object{{"name", "x"}, {"type", kind == 2 ? "string" : "number"}});
  return json::object{{"hit_policy", kind == 2 ? "FIRST" : "UNIQUE"},
                      {"inputs", std::move(inputs)},
                      {"outputs", json::array{json::object{{"name", "y"}, {"type", "number"}}}},
                      {"rules", std::move(list)}};
}

void BM_TableLoad(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const auto rows = static_cast<std::size_t>(state.range(1));
  const json::value def = load_definition(kind, rows);
  std::size_t gaps = 0;
  const double t0 = thread_cpu_ns();
  for (auto _ : state) {
    const auto table = DecisionTable::compile("load", def, "bench_scaling");
    gaps = table->gaps().size();
    benchmark::DoNotOptimize(table);
  }
  const double ns = thread_cpu_ns() - t0;
  state.counters["ns/row"] =
      ns / static_cast<double>(state.iterations()) / static_cast<double>(rows);
  state.counters["gaps"] = static_cast<double>(gaps);
}
BENCHMARK(BM_TableLoad)
    ->ArgsProduct({{0, 1, 2}, {10'000, 100'000, 1'000'000}})
    ->ArgNames({"kind", "rows"})
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// KPI reports over many cases.

const std::vector<CaseLedger>& ledgers(std::size_t count) {
  static std::map<std::size_t, std::vector<CaseLedger>> cache;
  auto& v = cache[count];
  if (v.empty()) {
    static const CaseLedger one = [] {
      OrderDriver d(engine());
      d.advance_to("no such event");  // the whole main path, case.close included
      return d.the_case().case_ledger();
    }();
    v.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      v.push_back(one);
      v.back().case_id = "K-" + std::to_string(i);
    }
  }
  return v;
}

void kpi_report(benchmark::State& state, std::size_t distinct) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const auto& pool = ledgers(distinct);
  std::vector<const CaseLedger*> cases;
  cases.reserve(count);
  for (std::size_t i = 0; i < count; ++i) cases.push_back(&pool[i % pool.size()]);
  const KpiCatalogue& catalogue = engine().policy()->kpi_catalogue();
  const Period year = Period::days("2026-01-01", "2027-12-31");
  const double t0 = thread_cpu_ns();
  for (auto _ : state) {
    KpiReport r = compute_kpi_report(catalogue, cases, year);
    if (r.cases != count) state.SkipWithError("cases left out");
    benchmark::DoNotOptimize(r);
  }
  const double ns = thread_cpu_ns() - t0;
  state.counters["ns/case"] =
      ns / static_cast<double>(state.iterations()) / static_cast<double>(count);
  state.counters["distinct"] = static_cast<double>(std::min(distinct, count));
}

void BM_KpiReport(benchmark::State& state) {
  kpi_report(state, 10'000);
}
void BM_KpiReportDistinct(benchmark::State& state) {
  kpi_report(state, static_cast<std::size_t>(state.range(0)));
}
BENCHMARK(BM_KpiReport)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KpiReportDistinct)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (const char* huge = std::getenv("UNDERTAKE_BENCH_HUGE"); huge && std::string(huge) == "1")
    benchmark::RegisterBenchmark("BM_KpiReportDistinct", BM_KpiReportDistinct)
        ->Arg(1'000'000)
        ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// parse_json (exact doubles, duplicate keys refused) against boost::json::parse (Boost.JSON
// 1.81's own double conversion, last duplicate wins) on the texts the engine reads:
//
//   build/bench/bench/json_text/bench_json_text --benchmark_min_time=1
//
// bytes_per_second is the figure to compare; the ratio is what the exact reader costs.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <string>

#include "support/double_samples.hpp"
#include "support/order_driver.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

namespace {

std::string policy_text() {
  json::object document;
  for (const auto& part : PolicySource::builtin().parts) document[part.name] = part.document;
  return json::serialize(document);
}

std::string snapshot_text() {
  static const Engine engine;
  OrderDriver d(engine);
  d.advance_to("case.close");
  return json::serialize(d.the_case().snapshot());
}

std::string payload_text() {
  return R"({"price": 420000, "cost": 320000.5, "notes": "revised after the visit",)"
         R"( "items": [{"sku": "GH-40", "quantity": 500, "unit_price": 840.25}]})";
}

std::string doubles_text() {
  return json::serialize(json::value_from(sample_doubles(10'000)));
}

const std::string& text_of(int which) {
  static const std::string texts[] = {policy_text(), snapshot_text(), payload_text(),
                                      doubles_text()};
  return texts[which];
}

const char* const kNames[] = {"policy", "snapshot", "payload", "doubles"};

void boost_parse(benchmark::State& state) {
  const std::string& text = text_of(static_cast<int>(state.range(0)));
  json::parse_options options;
  options.max_depth = 64;
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(text, {}, options));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel(kNames[state.range(0)]);
}

void exact_parse(benchmark::State& state) {
  const std::string& text = text_of(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(parse_json(text, InputLimits{}, "bench"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel(kNames[state.range(0)]);
}

}  // namespace

BENCHMARK(boost_parse)->DenseRange(0, 3);
BENCHMARK(exact_parse)->DenseRange(0, 3);
BENCHMARK_MAIN();

// The rule-language benchmark, our side: evaluations per second of compiled JsonLogic on
//   compatible — the classic cases of shared/conformance/jsonlogic/compatible.json, and
//   gates      — every condition (and `when`) of the default policy's gates.json against the
//                realistic facts of gate_facts.json (date operators and the `decide` table call
//                included), and the same gates through Policy::decide (traced, as the engine does).
// Prints one JSON line per measurement; writes the gate set (rules, data, our results) for the
// JavaScript side to check itself against and time (bench.js); also times hits in a decision table
// of 10,000 rows. Run by bench/jsonlogic/run.
//
//   bench_jsonlogic COMPATIBLE.json RULES_DIR FACTS.json GATESET_OUT.json [SECONDS]
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "undertake/decision_table.hpp"
#include "undertake/error.hpp"
#include "undertake/jsonlogic.hpp"
#include "undertake/policy.hpp"

namespace json = boost::json;
namespace jl = undertake::jsonlogic;
using Clock = std::chrono::steady_clock;

namespace {

json::value read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

bool same(const json::value& a, const json::value& b) {
  const bool an = a.is_number();
  const bool bn = b.is_number();
  if (an || bn) return an && bn && a.to_number<double>() == b.to_number<double>();
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x)
      if (!y.contains(kv.key()) || !same(kv.value(), y.at(kv.key()))) return false;
    return true;
  }
  return a == b;
}

struct Item {
  std::string name;
  jl::Rule rule;
  const json::value* data;
};

volatile std::size_t g_sink = 0;

/// Evaluations per second over the whole set: the median of `runs` timed runs. `verdict`: time
/// Rule::test (true or false, what a gate needs) instead of Rule::evaluate (the value as an owned
/// boost::json::value, what the JavaScript engines return natively).
double time_set(const std::vector<Item>& items, double seconds, bool verdict = false,
                int runs = 3) {
  const auto once = [verdict](const Item& it) -> std::size_t {
    return verdict ? it.rule.test(*it.data) : it.rule.evaluate(*it.data).is_null();
  };
  std::vector<double> rates;
  for (const auto& it : items) g_sink = g_sink + once(it);  // warm
  for (int r = 0; r < runs; ++r) {
    std::size_t count = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      for (int rep = 0; rep < 64; ++rep)
        for (const auto& it : items) g_sink = g_sink + once(it);
      count += 64 * items.size();
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds / runs);
    rates.push_back(static_cast<double>(count) / elapsed);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

void report(const char* engine, const char* set, std::size_t cases, std::size_t correct,
            double rate) {
  std::cout << json::serialize(json::object{{"engine", engine},
                                            {"set", set},
                                            {"cases", cases},
                                            {"correct", correct},
                                            {"evals_per_sec", rate}})
            << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: bench_jsonlogic COMPATIBLE.json RULES_DIR FACTS.json GATESET_OUT.json "
                 "[SECONDS]\n";
    return 2;
  }
  const double seconds = argc > 5 ? std::stod(argv[5]) : 3.0;
  try {
    // 1. The classic compatibility cases.
    const json::value suite = read_json(argv[1]);
    static const json::value null_data;
    std::vector<json::value> datas;
    datas.reserve(suite.as_array().size());
    std::vector<Item> compat;
    std::size_t compat_correct = 0;
    for (const auto& c : suite.as_array()) {
      if (!c.is_object() || !c.as_object().contains("result")) continue;
      const auto& o = c.as_object();
      datas.push_back(o.contains("data") ? o.at("data") : null_data);
      Item it{json::serialize(o.at("rule")), jl::Rule::compile(o.at("rule")), &datas.back()};
      try {
        compat_correct += same(it.rule.evaluate(*it.data), o.at("result")) ? 1 : 0;
      } catch (const undertake::Error&) {
      }
      compat.push_back(std::move(it));
    }
    report("undertake", "compatible", compat.size(), compat_correct, time_set(compat, seconds));

    // 2. The default policy's gate rules, with the operators the policy gives them.
    const auto policy = undertake::Policy::load(undertake::PolicySource::from_directory(argv[2]));
    // The operators the engine compiles these rules with (dates, `decide` over the tables).
    const jl::Operators& ops = policy->operators();
    const json::value facts = read_json(argv[3]).at("facts");
    const json::value gates = read_json(std::string(argv[2]) + "/gates.json");
    std::vector<Item> gate_items;
    json::array gate_set;
    for (const auto& g : gates.at("gates").as_object())
      for (const auto& r : g.value().at("rules").as_array()) {
        for (const char* part : {"when", "condition"}) {
          const json::value* logic = r.as_object().if_contains(part);
          if (!logic) continue;
          const std::string name =
              std::string(g.key()) + "/" + std::string(r.at("id").as_string()) + "/" + part;
          Item it{name, jl::Rule::compile(*logic, ops, name), &facts};
          gate_set.push_back(
              json::object{{"name", name}, {"rule", *logic}, {"result", it.rule.evaluate(facts)}});
          gate_items.push_back(std::move(it));
        }
      }
    report("undertake", "gates", gate_items.size(), gate_items.size(),
           time_set(gate_items, seconds));
    report("undertake Rule::test (verdict)", "gates", gate_items.size(), gate_items.size(),
           time_set(gate_items, seconds, true));
    {
      std::ofstream out(argv[4], std::ios::binary);
      out << json::serialize(json::object{{"data", facts}, {"rules", std::move(gate_set)}});
    }

    // 3. The same gates as the engine runs them: Policy::decide with traces of every value read.
    std::vector<undertake::EventId> events;
    std::size_t rules_per_round = 0;
    for (std::size_t e = 0; e < undertake::kEventCount; ++e)
      if (policy->has_gate(static_cast<undertake::EventId>(e))) {
        events.push_back(static_cast<undertake::EventId>(e));
        rules_per_round += policy
                               ->decide(static_cast<undertake::EventId>(e), facts,
                                        undertake::Actor{"sun", {"quality"}})
                               .rules.size();
      }
    const undertake::Actor actor{"sun", {"quality"}};
    std::vector<double> rates;
    for (int r = 0; r < 3; ++r) {
      std::size_t count = 0;
      const auto start = Clock::now();
      double elapsed = 0;
      do {
        for (auto e : events) g_sink = g_sink + policy->decide(e, facts, actor).rules.size();
        count += rules_per_round;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      } while (elapsed < seconds / 3);
      rates.push_back(static_cast<double>(count) / elapsed);
    }
    std::sort(rates.begin(), rates.end());
    report("undertake Policy::decide (traced)", "gates", rules_per_round, rules_per_round,
           rates[1]);

    // 4. A decision table of 10,000 rows (intervals of one numeric input, indexed): hits on the
    //    first, middle and last rows.
    {
      json::array rows;
      for (int i = 0; i < 10000; ++i)
        rows.push_back(json::object{{"when", json::array{"[" + std::to_string(i * 10) + ".." +
                                                         std::to_string(i * 10 + 10) + ")"}},
                                    {"then", json::array{i}}});
      const auto table = undertake::DecisionTable::compile(
          "big",
          json::object{{"hit_policy", "UNIQUE"},
                       {"inputs", json::array{json::object{{"name", "x"}, {"type", "number"}}}},
                       {"outputs", json::array{json::object{{"name", "row"}}}},
                       {"rules", std::move(rows)}},
          "bench");
      const json::value inputs[] = {json::value(5), json::value(50005), json::value(99995)};
      std::vector<double> table_rates;
      for (int r = 0; r < 3; ++r) {
        std::size_t count = 0;
        const auto start = Clock::now();
        double elapsed = 0;
        do {
          for (int rep = 0; rep < 256; ++rep)
            for (const auto& in : inputs)
              g_sink = g_sink + table->evaluate_values(&in, 1).rows.size();
          count += 256 * 3;
          elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        } while (elapsed < seconds / 3);
        table_rates.push_back(static_cast<double>(count) / elapsed);
      }
      std::sort(table_rates.begin(), table_rates.end());
      report("undertake DecisionTable, 10,000 rows", "table", 3, 3, table_rates[1]);
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_jsonlogic: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

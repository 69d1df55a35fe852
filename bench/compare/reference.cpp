// The lifecycle every engine of the comparison runs, taken from the one source the C++ benchmark
// uses (tests/unit/support/order_driver.hpp: regular_order() and main_path()), and the states our
// engine goes through for it. Writes, into the directory given as argv[1]:
//
//   lifecycle.json  {"form": {...}, "start": "...",
//                    "steps": [{"event", "actor": {id, roles}, "payload": {...}, "at",
//                               "accepted", "stage", "state": [...]}, ...],
//                    "final_stage": "Closed"}
//   lifecycle.tsv   one line per step: event TAB actor JSON TAB payload JSON TAB at, preceded by
//                   one line "form TAB <requirement form JSON>" (for the C driver)
//
//   checks.expected.json  for each check of CHECKS_JSON (argv[2], bench/compare/checks.json):
//                   {"name", "steps": [{"event", "accepted", "stage", "state", "reasons"}]}
//
// The other engines are checked against `stage` and `state` of every step before they are timed.
#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "support/order_driver.hpp"

using namespace undertake;
using namespace undertake::testing;
namespace json = boost::json;

namespace {

// RFC 7386 merge patch: objects merge, null removes, anything else replaces.
void merge_patch(json::object& target, const json::object& patch) {
  for (const auto& kv : patch) {
    if (kv.value().is_null()) {
      target.erase(kv.key());
    } else if (kv.value().is_object() && target.contains(kv.key()) &&
               target.at(kv.key()).is_object()) {
      merge_patch(target[kv.key()].as_object(), kv.value().get_object());
    } else {
      target[kv.key()] = kv.value();
    }
  }
}

json::object step_json(const std::string& event, const Outcome& o, const Case& c) {
  json::array state, reasons;
  for (const auto& p : o.state) state.emplace_back(p);
  for (const auto& r : o.reasons)
    reasons.emplace_back(reason_kind_name(r.kind) + (r.rule.empty() ? "" : ":" + r.rule));
  return json::object{{"event", event},
                      {"accepted", o.accepted},
                      {"stage", c.stage()},
                      {"state", std::move(state)},
                      {"reasons", std::move(reasons)}};
}

// Runs every check of checks.json through the engine (see checks.json's description).
json::array run_checks(const Engine& engine, const json::object& checks) {
  json::array results;
  for (const auto& item : checks.at("checks").get_array()) {
    const json::object& check = item.get_object();
    json::object form = regular_order();
    if (const auto* patch = check.if_contains("form_patch")) merge_patch(form, patch->get_object());
    Case c = engine.create_case("CHECK", form);
    Timestamp at = *parse_iso8601("2026-03-02T08:00:00Z");
    const json::value* until = check.if_contains("until");
    if (until) {
      for (const auto& s : main_path()) {
        if (until->get_string() == s.event) break;
        at += std::chrono::hours(1);
        const Outcome o = c.fire(s.event, s.actor, json::parse(s.payload).as_object(), at);
        if (!o.accepted) throw std::runtime_error("check prefix refused: " + o.summary());
      }
    }
    json::array steps;
    for (const auto& sv : check.at("steps").get_array()) {
      const json::object& s = sv.get_object();
      at += std::chrono::hours(1);
      const std::string event(s.at("event").get_string());
      json::object payload;
      if (const auto* p = s.if_contains("payload")) payload = p->get_object();
      const Outcome o = c.fire(event, actor_from_json(s.at("actor"), "actor"), payload, at);
      steps.push_back(step_json(event, o, c));
    }
    results.push_back(json::object{{"name", check.at("name")}, {"steps", std::move(steps)}});
  }
  return results;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: compare_reference OUTPUT_DIR CHECKS_JSON\n";
    return 2;
  }
  const std::string dir = argv[1];
  const Engine engine;
  const json::object form = regular_order();
  Case c = engine.create_case("REF-1", form);
  Timestamp at = *parse_iso8601("2026-03-02T08:00:00Z");

  json::array steps;
  std::ofstream tsv(dir + "/lifecycle.tsv");
  tsv << "form\t" << json::serialize(form) << "\n";
  for (const auto& s : main_path()) {
    at += std::chrono::hours(1);  // the benchmark's clock: one hour per event
    const json::object payload = json::parse(s.payload).as_object();
    const Outcome o = c.fire(s.event, s.actor, payload, at);
    json::array state;
    for (const auto& p : o.state) state.emplace_back(p);
    steps.push_back(json::object{{"event", s.event},
                                 {"actor", to_json(s.actor)},
                                 {"payload", payload},
                                 {"at", format_iso8601(at)},
                                 {"accepted", o.accepted},
                                 {"stage", c.stage()},
                                 {"state", std::move(state)}});
    tsv << s.event << "\t" << json::serialize(to_json(s.actor)) << "\t" << json::serialize(payload)
        << "\t" << format_iso8601(at) << "\n";
    if (!o.accepted) {
      std::cerr << "compare_reference: the main path was refused: " << o.summary() << "\n";
      return 1;
    }
  }
  json::object out{{"form", form},
                   {"start", "2026-03-02T08:00:00Z"},
                   {"steps", std::move(steps)},
                   {"final_stage", c.stage()}};
  std::ofstream(dir + "/lifecycle.json") << json::serialize(out) << "\n";

  std::ifstream checks_file(argv[2]);
  const std::string checks_text((std::istreambuf_iterator<char>(checks_file)),
                                std::istreambuf_iterator<char>());
  const json::array expected = run_checks(engine, json::parse(checks_text).as_object());
  std::ofstream(dir + "/checks.expected.json") << json::serialize(expected) << "\n";
  std::cout << "compare_reference: " << main_path().size() << " events, final stage " << c.stage()
            << "; " << expected.size() << " equivalence checks\n";
  return 0;
}

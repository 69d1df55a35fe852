// Test support: the full order of tests/scenarios/full_order.json, its one source. Every test
// that walks a whole order reads it here (the C tests get it generated from the same file).
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/case.hpp"
#include "undertake/json_text.hpp"
#include "undertake/ledger.hpp"

#ifndef UNDERTAKE_SOURCE_DIR
#error "a test reading the full order is compiled with UNDERTAKE_SOURCE_DIR (the source tree)"
#endif

namespace undertake::testing {

/// One step of the scenario: who fires what, with which payload, and when.
struct OrderStep {
  std::string event;
  Actor actor;
  boost::json::object payload;
  Timestamp at;
};

/// A case of a scenario file: its id, requirement form and steps.
struct ScenarioOrder {
  std::string id;
  boost::json::object data;
  std::vector<OrderStep> steps;
};

/// The scenario file of the full order.
inline std::string full_order_path() {
  return std::string(UNDERTAKE_SOURCE_DIR) + "/tests/scenarios/full_order.json";
}

/// The order of tests/scenarios/full_order.json (read once; throws when the file is unusable).
inline const ScenarioOrder& full_order() {
  static const ScenarioOrder order = [] {
    const boost::json::value doc = read_json_file(full_order_path(), InputLimits{});
    const auto& c = doc.at("cases").at(0).as_object();
    ScenarioOrder o;
    o.id = std::string(c.at("id").as_string());
    o.data = c.at("data").as_object();
    for (const auto& s : c.at("steps").as_array()) {
      OrderStep step;
      step.event = std::string(s.at("event").as_string());
      step.actor = actor_from_json(s.at("actor"), "actor");
      if (const auto* p = s.as_object().if_contains("payload")) step.payload = p->as_object();
      const auto at = parse_iso8601(s.at("at").as_string());
      if (!at) throw std::runtime_error(full_order_path() + ": bad time in step " + step.event);
      step.at = *at;
      o.steps.push_back(std::move(step));
    }
    return o;
  }();
  return order;
}

/// Index of the first step of the full order firing `event` (throws when absent).
inline std::size_t step_index(std::string_view event) {
  const auto& steps = full_order().steps;
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].event == event) return i;
  throw std::runtime_error("the full order has no step " + std::string(event));
}

}  // namespace undertake::testing

// Test support: drives one order through the engine with readable steps: the main path is the
// full order of tests/scenarios/full_order.json (support/full_order.hpp), fired an hour apart.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "full_order.hpp"  // beside this header: some targets include it by a relative path
#include "undertake/undertake.hpp"

namespace undertake::testing {

inline Actor actor(const std::string& id, std::vector<std::string> roles) {
  return Actor{id, std::move(roles)};
}
inline const Actor kMarket = actor("mei", {"market"});
inline const Actor kSales = actor("li", {"sales"});
inline const Actor kTechnical = actor("zhao", {"technical"});
inline const Actor kDesigner = actor("wu", {"technical"});
inline const Actor kProduction = actor("sun", {"production"});
inline const Actor kQuality = actor("qian", {"quality"});
inline const Actor kLegal = actor("zhou", {"legal"});
inline const Actor kBoss = actor("boss", {"management"});
inline const Actor kCfo = actor("cfo", {"management"});

/// The requirement form of the full order (tests/scenarios/full_order.json).
inline boost::json::object regular_order() {
  return full_order().data;
}

/// A step a test fires: the event, who fires it and its payload as JSON text.
struct Step {
  std::string event;
  Actor actor;
  std::string payload = "{}";
};

/// The main path of an order, stage by stage: the steps of tests/scenarios/full_order.json.
inline std::vector<Step> main_path() {
  std::vector<Step> path;
  for (const OrderStep& s : full_order().steps)
    path.push_back(Step{s.event, s.actor, boost::json::serialize(s.payload)});
  return path;
}

/// One case and a clock that moves an hour per event.
class OrderDriver {
 public:
  explicit OrderDriver(const Engine& engine, std::string id = "T-1",
                       boost::json::object data = regular_order())
      : case_(engine.create_case(std::move(id), std::move(data))),
        now_(*parse_iso8601("2026-03-02T08:00:00Z")) {}

  Outcome fire(const std::string& event, const Actor& who, std::string_view payload = "{}") {
    now_ += std::chrono::hours(1);
    return case_.fire(event, who, parse_json(payload, InputLimits{}, "payload").as_object(), now_);
  }
  Outcome fire(const Step& step) { return fire(step.event, step.actor, step.payload); }

  /// Fires the main path, from where the last advance_to stopped, up to (not including) the next
  /// step whose event is `stop_before`.
  void advance_to(const std::string& stop_before) {
    const auto path = main_path();
    for (; next_ < path.size(); ++next_) {
      if (stop_before == path[next_].event) return;
      const Outcome o = fire(path[next_]);
      if (!o.accepted) throw std::runtime_error("main path refused: " + o.summary());
    }
  }

  Case& the_case() { return case_; }
  Timestamp now() const { return now_; }

 private:
  Case case_;
  Timestamp now_;
  std::size_t next_ = 0;  // the next step of main_path() advance_to fires
};

}  // namespace undertake::testing

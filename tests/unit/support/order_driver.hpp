// Test support: drives one order through the engine with readable steps.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <vector>

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

inline boost::json::object regular_order() {
  return parse_json(R"({
    "customer": {"name": "Hengda Machinery", "tier": "regular"},
    "product": {"name": "Gearbox housing GH-40", "standard": false},
    "spec": "drawing GH-40 rev C", "quantity": 500, "delivery_date": "2026-06-30",
    "quality_requirements": "ISO 2768-m", "channel": "email", "estimated_amount": 400000})",
                    InputLimits{}, "regular_order")
      .as_object();
}

struct Step {
  const char* event;
  Actor actor;
  const char* payload;  // JSON text
};

/// The main path of an order, stage by stage (the same order as tests/scenarios/full_order.json).
inline std::vector<Step> main_path() {
  return {
      {"intake.forward", kMarket, "{}"},
      {"intake.confirm", kSales, "{}"},
      {"evaluation.quote", kSales, R"({"price": 420000, "cost": 320000})"},
      {"evaluation.technical", kTechnical, R"({"feasible": true})"},
      {"evaluation.capacity", kProduction, R"({"sufficient": true})"},
      {"evaluation.quality", kQuality, R"({"assessment": "ok"})"},
      {"evaluation.approve", kBoss, "{}"},
      {"contract.draft", kSales,
       R"({"amount": 420000, "delivery_date": "2026-06-30", "payment_terms": "30/70"})"},
      {"contract.submit", kSales, "{}"},
      {"contract.legal_approve", kLegal, "{}"},
      {"contract.approve", kBoss, "{}"},
      {"contract.sign", kSales, "{}"},
      {"contract.archive", kSales, "{}"},
      {"kickoff.meeting", kSales,
       R"({"production_plan": {"quantity": 500, "completion_date": "2026-06-20", "budget_cost": 300000}})"},
      {"kickoff.assign", kTechnical, "{}"},
      {"kickoff.assign", kProduction, "{}"},
      {"kickoff.assign", kQuality, "{}"},
      {"design.submit", kDesigner, R"({"innovations": 1})"},
      {"design.review", kQuality, R"({"passed": true})"},
      {"sample.build", kDesigner, "{}"},
      {"sample.test", kQuality, R"({"passed": true})"},
      {"sample.confirm", kSales, R"({"accepted": true})"},
      {"prep.materials", kProduction, "{}"},
      {"prep.equipment", kProduction, "{}"},
      {"prep.training", kProduction, "{}"},
      {"prep.incoming_inspection", kQuality, R"({"passed": true})"},
      {"prep.inspection_plan", kQuality, R"({"items": ["dimensions"]})"},
      {"prep.instructions", kProduction, "{}"},
      {"production.report", kProduction, R"({"batch": "B1", "quantity": 500, "cost": 290000})"},
      {"production.inspect", kQuality, R"({"batch": "B1", "passed": true})"},
      {"production.complete", kProduction, "{}"},
      {"delivery.pack", kProduction, "{}"},
      {"delivery.ship", kProduction, "{}"},
      {"delivery.confirm", kSales, R"({"accepted": true})"},
      {"service.feedback", kSales, R"({"score": 5})"},
      {"case.close", kSales, "{}"},
  };
}

/// One case and a clock that moves an hour per event.
class OrderDriver {
 public:
  explicit OrderDriver(const Engine& engine, std::string id = "T-1",
                       boost::json::object data = regular_order())
      : case_(engine.create_case(std::move(id), std::move(data))),
        now_(*parse_iso8601("2026-03-02T08:00:00Z")) {}

  Outcome fire(const std::string& event, const Actor& who, const char* payload = "{}") {
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

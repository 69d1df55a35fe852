// Hand-built case ledgers for the KPI tests.
#pragma once

#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "kpi/kpi_detail.hpp"  // the built-in totals and their extractor (internal)
#include "support/errors.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/kpi.hpp"
#include "undertake/ledger.hpp"

namespace kpi_test {

using undertake::CaseLedger;
using undertake::EventId;
using undertake::kpi_detail::BuiltinKpiExtractor;
using undertake::kpi_detail::BuiltinKpiTotals;

inline undertake::Timestamp at(std::string_view iso) {
  const auto t = undertake::parse_iso8601(iso);
  REQUIRE(t);
  return *t;
}

/// Appends entries with gapless seq numbers.
class CaseBuilder {
 public:
  explicit CaseBuilder(std::string id) { ledger_.case_id = std::move(id); }

  CaseBuilder& add(EventId event, std::string_view when, std::string_view payload = "{}",
                   std::vector<std::string> state = {}) {
    undertake::LedgerEntry e;
    e.seq = ledger_.entries.size() + 1;
    e.at = at(when);
    e.event = event;
    e.actor.id = "tester";
    e.payload = undertake::parse_json(payload, undertake::InputLimits{}, "payload").as_object();
    e.state = std::move(state);
    ledger_.entries.push_back(std::move(e));
    return *this;
  }

  CaseBuilder& escalation(EventId event, std::string_view when) {
    add(event, when, R"({"deadline": "test"})");
    ledger_.entries.back().kind = undertake::EntryKind::escalation;
    return *this;
  }

  const CaseLedger& ledger() const { return ledger_; }
  operator CaseLedger() const { return ledger_; }

 private:
  CaseLedger ledger_;
};

/// The first quarter of 2026: from 2026-01-01T00:00Z up to (excluding) 2026-04-01T00:00Z.
inline undertake::Period q1() {
  return undertake::Period::days("2026-01-01", "2026-03-31");
}

inline std::vector<const CaseLedger*> pointers(const std::vector<CaseLedger>& cases) {
  std::vector<const CaseLedger*> out;
  for (const auto& c : cases) out.push_back(&c);
  return out;
}

/// The built-in totals of some cases over a period.
inline BuiltinKpiTotals totals(const std::vector<CaseLedger>& cases, undertake::Period period,
                               undertake::BuiltinKpiParameters params = {}) {
  BuiltinKpiExtractor x(period, params);
  for (const auto& c : cases) x.add(c);
  return x.totals();
}

// One complete case inside Q1 2026. Expected values are worked out next to each KPI below.
inline CaseLedger full_case(std::string id = "C-1") {
  CaseBuilder b(std::move(id));
  b.add(EventId::intake_register, "2026-01-02T09:00:00Z", "{}", {"Intake.Registered"})
      .add(EventId::evaluation_approve, "2026-01-10T09:00:00Z", "{}", {"Contract.Negotiation"})
      .add(EventId::contract_draft, "2026-01-12T09:00:00Z", R"({"amount": 200000})",
           {"Contract.LegalReview"})
      .add(EventId::contract_revise, "2026-01-15T09:00:00Z", R"({"amount": 180000})",
           {"Contract.LegalReview"})
      .add(EventId::contract_sign, "2026-01-20T09:00:00Z", "{}", {"Contract.Signed"})
      .add(EventId::kickoff_meeting, "2026-01-22T09:00:00Z",
           R"({"production_plan": {"quantity": 100, "completion_date": "2026-03-10",
               "budget_cost": 100000}})",
           {"Kickoff.TaskAssignment"})
      .add(EventId::kickoff_assign, "2026-01-23T00:00:00Z", "{}", {"Design.Designing"})
      .add(EventId::design_submit, "2026-01-25T09:00:00Z", R"({"innovations": 2})",
           {"Design.DesignReview"})
      .add(EventId::design_review, "2026-01-26T09:00:00Z", R"({"passed": true})",
           {"Design.SampleMaking"})
      .add(EventId::sample_test, "2026-02-01T09:00:00Z", R"({"passed": false})",
           {"Design.SampleMaking"})
      .add(EventId::sample_test, "2026-02-03T09:00:00Z", R"({"passed": true})",
           {"Design.CustomerConfirmation"})
      .add(EventId::sample_confirm, "2026-02-05T09:00:00Z", R"({"accepted": false})",
           {"Design.SampleMaking"})
      .add(EventId::sample_confirm, "2026-02-07T12:00:00Z", R"({"accepted": true})",
           {"Preparation.Production.Materials", "Preparation.Quality.Incoming"})
      .add(EventId::prep_incoming_inspection, "2026-02-10T09:00:00Z", R"({"passed": true})")
      .add(EventId::prep_incoming_inspection, "2026-02-10T10:00:00Z", R"({"passed": false})")
      .add(EventId::production_report, "2026-02-15T09:00:00Z",
           R"({"batch": "B1", "quantity": 60, "cost": 50000})")
      .add(EventId::production_inspect, "2026-02-16T09:00:00Z",
           R"({"batch": "B1", "passed": false, "quantity_passed": 54})")
      .add(EventId::production_rectify, "2026-02-17T09:00:00Z", R"({"batch": "B1"})")
      .add(EventId::production_inspect, "2026-02-18T09:00:00Z",
           R"({"batch": "B1", "passed": true, "quantity_passed": 60})")
      .add(EventId::production_report, "2026-02-20T09:00:00Z",
           R"({"batch": "B2", "quantity": 40, "cost": 45000})")
      .add(EventId::production_inspect, "2026-02-21T09:00:00Z",
           R"({"batch": "B2", "passed": true})")
      .add(EventId::production_complete, "2026-03-10T15:00:00Z")
      .add(EventId::delivery_confirm, "2026-03-15T09:00:00Z", R"({"accepted": true})")
      .add(EventId::service_feedback, "2026-03-20T09:00:00Z", R"({"score": 4})")
      .add(EventId::service_feedback, "2026-03-25T09:00:00Z", R"({"score": 5})")
      .escalation(EventId::service_feedback, "2026-03-26T09:00:00Z");
  return b;
}

using undertake::testing::error_of;

}  // namespace kpi_test

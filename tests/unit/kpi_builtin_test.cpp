// The 13 built-in KPIs of design.md §6, with hand-computed values: a whole case, the empty
// period, cases straddling the period's edges, and bad data.
#include "kpi_support.hpp"

using namespace undertake;
using namespace kpi_test;

namespace {

std::optional<double> value(const BuiltinKpiTotals& t, BuiltinKpi k) {
  return t.value(k);
}

}  // namespace

TEST_CASE("kpi: built-in ids", "[kpi]") {
  CHECK(builtin_kpi_id(BuiltinKpi::sales_revenue) == "sales.revenue");
  CHECK(builtin_kpi_id(BuiltinKpi::quality_system_effectiveness) == "quality.system_effectiveness");
  for (std::size_t i = 0; i < kBuiltinKpiCount; ++i) {
    const auto k = static_cast<BuiltinKpi>(i);
    CHECK(builtin_kpi_from_id(builtin_kpi_id(k)) == k);
  }
  CHECK_FALSE(builtin_kpi_from_id("sales.revenu"));
}

TEST_CASE("kpi: every built-in on one whole case", "[kpi]") {
  const BuiltinKpiTotals t = totals({full_case()}, q1());
  // contract amount = the revision in force at the sign: 180000
  CHECK(value(t, BuiltinKpi::sales_revenue) == 180000.0);
  // 180000 − (50000 + 45000)
  CHECK(value(t, BuiltinKpi::sales_profit) == 85000.0);
  // (4 + 5) / 2; the escalation entry is not a feedback
  CHECK(value(t, BuiltinKpi::sales_satisfaction) == 4.5);
  // sign 10 days after approval ≤ 30
  CHECK(value(t, BuiltinKpi::sales_contract_timeliness) == 1.0);
  // Design entered 2026-01-23T00:00, accepted 2026-02-07T12:00: 15.5 days
  CHECK(value(t, BuiltinKpi::technical_design_cycle_days) == Approx(15.5));
  // the first sample test failed
  CHECK(value(t, BuiltinKpi::technical_first_pass_samples) == 0.0);
  CHECK(value(t, BuiltinKpi::technical_innovations) == 2.0);
  // completed 2026-03-10T15:00, planned 2026-03-10 (end of that day)
  CHECK(value(t, BuiltinKpi::production_plan_completion) == 1.0);
  // first inspections: B1 54 of 60, B2 (no quantity_passed, passed) 40 of 40 → 94 / 100
  CHECK(value(t, BuiltinKpi::production_pass_rate) == Approx(0.94));
  // 95000 / 100000
  CHECK(value(t, BuiltinKpi::production_cost_control) == Approx(0.95));
  // incoming: 1 of 2 passed; in-process: 2 of 3 → 3 / 5
  CHECK(value(t, BuiltinKpi::quality_inspection_pass_rate) == Approx(0.6));
  // no complaint verified
  CHECK_FALSE(value(t, BuiltinKpi::quality_issue_timeliness));
  // delivered, no complaint
  CHECK(value(t, BuiltinKpi::quality_system_effectiveness) == 1.0);
}

TEST_CASE("kpi: the empty period and no cases give null everywhere", "[kpi]") {
  const BuiltinKpiTotals before = totals({full_case()}, Period::days("2025-01-01", "2025-12-31"));
  const BuiltinKpiTotals none = totals({}, q1());
  for (std::size_t i = 0; i < kBuiltinKpiCount; ++i) {
    INFO(builtin_kpi_id(static_cast<BuiltinKpi>(i)));
    CHECK_FALSE(before.value(static_cast<BuiltinKpi>(i)));
    CHECK_FALSE(none.value(static_cast<BuiltinKpi>(i)));
  }
}

TEST_CASE("kpi: periods include both dates and nothing past midnight after the last", "[kpi]") {
  const Period p = Period::days("2026-01-01", "2026-03-31");
  CHECK(p.contains(at("2026-01-01T00:00:00Z")));
  CHECK(p.contains(at("2026-03-31T23:59:59.999Z")));
  CHECK_FALSE(p.contains(at("2026-04-01T00:00:00Z")));
  CHECK_FALSE(p.contains(at("2025-12-31T23:59:59.999Z")));
  const Period day = Period::days("2026-02-28", "2026-02-28");
  CHECK(day.contains(at("2026-02-28T12:00:00Z")));
  CHECK(boost::json::serialize(p.to_json()) ==
        R"({"from":"2026-01-01","to":"2026-03-31","until":"2026-04-01T00:00:00Z"})");
  CHECK(error_of([] { Period::days("2026-03-31", "2026-01-01"); }).where() == "period.to");
  CHECK(error_of([] { Period::days("2026-02-30", "2026-03-01"); }).where() == "period.from");
  CHECK(error_of([] { Period::days("2026-01-01T00:00:00Z", "2026-03-01"); }).where() ==
        "period.from");
}

TEST_CASE("kpi: sales KPIs across the period's edges", "[kpi]") {
  std::vector<CaseLedger> cases;
  // A: approved 2025-12-20, signed on the first instant of the period (12 days: timely); 1000
  cases.push_back(CaseBuilder("A")
                      .add(EventId::evaluation_approve, "2025-12-20T00:00:00Z")
                      .add(EventId::contract_draft, "2025-12-21T00:00:00Z", R"({"amount": 1000})")
                      .add(EventId::contract_sign, "2026-01-01T00:00:00Z"));
  // B: signed on the last millisecond (in), exactly 30 days after approval (timely); 2000.
  //    Delivered in the period, with 1500 costs reported before the period: profit 500.
  cases.push_back(
      CaseBuilder("B")
          .add(EventId::evaluation_approve, "2026-03-01T23:59:59.999Z")
          .add(EventId::contract_draft, "2026-03-02T00:00:00Z", R"({"amount": 2000})")
          .add(EventId::production_report, "2025-11-01T00:00:00Z",
               R"({"batch": 1, "quantity": 5, "cost": 1500})")
          .add(EventId::contract_sign, "2026-03-31T23:59:59.999Z")
          .add(EventId::delivery_confirm, "2026-03-31T23:59:59.999Z", R"({"accepted": false})"));
  // C: signed just after the period (out); delivered after too
  cases.push_back(CaseBuilder("C")
                      .add(EventId::contract_draft, "2026-03-01T00:00:00Z", R"({"amount": 4000})")
                      .add(EventId::contract_sign, "2026-04-01T00:00:00Z")
                      .add(EventId::delivery_confirm, "2026-04-02T00:00:00Z"));
  // D: signed just before the period (out) but delivered in it, then delivered again later
  //    (only the first confirm counts); 30 days + 1 ms after approval. Its one cost is the
  //    rework of a rectification: profit 8000 − 300.
  cases.push_back(CaseBuilder("D")
                      .add(EventId::evaluation_approve, "2025-12-01T23:59:59.998Z")
                      .add(EventId::contract_draft, "2025-12-02T00:00:00Z", R"({"amount": 8000})")
                      .add(EventId::contract_sign, "2025-12-31T23:59:59.999Z")
                      .add(EventId::production_rectify, "2026-01-15T00:00:00Z",
                           R"({"batch": "D1", "cost": 300, "quantity": 2})")
                      .add(EventId::delivery_confirm, "2026-02-01T00:00:00Z")
                      .add(EventId::delivery_confirm, "2026-05-01T00:00:00Z"));
  // E: signed in the period 31 days after approval (late), no approval at all for F (late).
  cases.push_back(CaseBuilder("E")
                      .add(EventId::evaluation_approve, "2026-01-01T00:00:00Z")
                      .add(EventId::contract_draft, "2026-01-01T00:00:00Z", R"({"amount": 10})")
                      .add(EventId::contract_sign, "2026-02-01T00:00:00Z"));
  cases.push_back(CaseBuilder("F")
                      .add(EventId::contract_draft, "2026-01-01T00:00:00Z", R"({"amount": 20.5})")
                      .add(EventId::contract_sign, "2026-02-01T00:00:00Z"));
  // G: feedback on both edges; the one after the period is out
  cases.push_back(CaseBuilder("G")
                      .add(EventId::service_feedback, "2026-01-01T00:00:00Z", R"({"score": 1})")
                      .add(EventId::service_feedback, "2026-03-31T23:59:59Z", R"({"score": 4.5})")
                      .add(EventId::service_feedback, "2026-04-01T00:00:00Z", R"({"score": 5})")
                      .add(EventId::service_feedback, "2025-12-31T23:59:59Z", R"({"score": 5})"));

  const BuiltinKpiTotals t = totals(cases, q1());
  // A 1000 + B 2000 + E 10 + F 20.5
  CHECK(value(t, BuiltinKpi::sales_revenue) == 3030.5);
  // timely: A, B of A, B, E, F
  CHECK(value(t, BuiltinKpi::sales_contract_timeliness) == 0.5);
  // delivered in the period: B (2000 − 1500) and D (8000 − 300)
  CHECK(value(t, BuiltinKpi::sales_profit) == 8200.0);
  CHECK(value(t, BuiltinKpi::quality_system_effectiveness) == 1.0);
  // (1 + 4.5) / 2
  CHECK(value(t, BuiltinKpi::sales_satisfaction) == 2.75);

  // the 30-day limit is a parameter: with 31 days E is timely too; with 0 only none
  BuiltinKpiParameters params;
  params.contract_max_days = 31;
  CHECK(value(totals(cases, q1(), params), BuiltinKpi::sales_contract_timeliness) == 0.75);
  params.contract_max_days = 0.001;
  CHECK(value(totals(cases, q1(), params), BuiltinKpi::sales_contract_timeliness) == 0.0);
}

TEST_CASE("kpi: technical KPIs across the period's edges", "[kpi]") {
  std::vector<CaseLedger> cases;
  // A: Design entered 2025-12-29T00:00 (before the period), accepted 2026-01-08T06:00 → 10.25
  //    days, counted. First sample test in December (out). One design.submit in December (out).
  cases.push_back(
      CaseBuilder("A")
          .add(EventId::kickoff_assign, "2025-12-29T00:00:00Z", "{}", {"Design.Designing"})
          .add(EventId::design_submit, "2025-12-30T00:00:00Z", R"({"innovations": 7})")
          .add(EventId::sample_test, "2025-12-31T00:00:00Z", R"({"passed": false})")
          .add(EventId::sample_test, "2026-01-05T00:00:00Z", R"({"passed": true})")
          .add(EventId::sample_confirm, "2026-01-08T06:00:00Z", R"({"accepted": true})",
               {"Preparation.Production.Materials"}));
  // B: Design entered through a parallel state list; accepted in the period after 20 days;
  //    first test in the period and passed; innovations 0 and 3 (and one without the field).
  cases.push_back(
      CaseBuilder("B")
          .add(EventId::intake_register, "2026-01-01T00:00:00Z", "{}", {"Intake.Registered"})
          .add(EventId::kickoff_assign, "2026-02-01T00:00:00Z", "{}",
               {"Designer.NotADesignState", "Design"})
          .add(EventId::design_submit, "2026-02-02T00:00:00Z", R"({"innovations": 0})")
          .add(EventId::design_submit, "2026-02-03T00:00:00Z", R"({"innovations": 3})")
          .add(EventId::design_submit, "2026-02-04T00:00:00Z")
          .add(EventId::sample_test, "2026-02-10T00:00:00Z", R"({"passed": true})")
          .add(EventId::sample_confirm, "2026-02-21T00:00:00Z", R"({"accepted": true})")
          .add(EventId::sample_confirm, "2026-02-25T00:00:00Z", R"({"accepted": true})"));
  // C: accepted after the period (out); first test in the period, failed
  cases.push_back(
      CaseBuilder("C")
          .add(EventId::kickoff_assign, "2026-03-01T00:00:00Z", "{}", {"Design.Designing"})
          .add(EventId::sample_test, "2026-03-31T12:00:00Z", R"({"passed": false})")
          .add(EventId::sample_confirm, "2026-04-01T00:00:00Z", R"({"accepted": true})"));
  // D: a state "Designer..." is not Design; never in Design, never accepted: fine
  cases.push_back(
      CaseBuilder("D")
          .add(EventId::kickoff_assign, "2026-03-01T00:00:00Z", "{}", {"Designer"})
          .add(EventId::sample_confirm, "2026-03-02T00:00:00Z", R"({"accepted": false})"));

  const BuiltinKpiTotals t = totals(cases, q1());
  // (10.25 + 20) / 2
  CHECK(value(t, BuiltinKpi::technical_design_cycle_days) == Approx(15.125));
  // first tests in the period: B (passed), C (failed)
  CHECK(value(t, BuiltinKpi::technical_first_pass_samples) == 0.5);
  // 0 + 3 + 0 in the period
  CHECK(value(t, BuiltinKpi::technical_innovations) == 3.0);

  // design.submit entries without innovations still make the KPI 0, not null
  const BuiltinKpiTotals zero =
      totals({CaseBuilder("Z").add(EventId::design_submit, "2026-02-01T00:00:00Z").ledger()}, q1());
  CHECK(value(zero, BuiltinKpi::technical_innovations) == 0.0);
}

TEST_CASE("kpi: production KPIs across the period's edges", "[kpi]") {
  const char* plan_mar10 =
      R"({"production_plan": {"quantity": 10, "completion_date": "2026-03-10", "budget_cost": 1000}})";
  std::vector<CaseLedger> cases;
  // A: batch reported in December, first inspected in January (counted): 8 of 10 passed.
  //    Completed on the planned day at 23:59:59.999 (on plan). Cost 1000 (one report in Dec,
  //    one in Jan, and X2's rework of 100 in Dec) vs budget 1000. Batch X2 first inspected in
  //    December (not counted), rectified, then re-inspected in January (an inspection, not a
  //    first inspection).
  cases.push_back(CaseBuilder("A")
                      .add(EventId::kickoff_meeting, "2025-12-01T00:00:00Z", plan_mar10)
                      .add(EventId::production_report, "2025-12-10T00:00:00Z",
                           R"({"batch": "X1", "quantity": 6, "cost": 400})")
                      .add(EventId::production_report, "2025-12-11T00:00:00Z",
                           R"({"batch": "X2", "quantity": 5, "cost": 100})")
                      .add(EventId::production_inspect, "2025-12-12T00:00:00Z",
                           R"({"batch": "X2", "passed": false, "quantity_passed": 0})")
                      .add(EventId::production_rectify, "2025-12-13T00:00:00Z",
                           R"({"batch": "X2", "cost": 100, "quantity": 5})")
                      .add(EventId::production_report, "2026-01-02T00:00:00Z",
                           R"({"batch": "X1", "quantity": 4, "cost": 400})")
                      .add(EventId::production_inspect, "2026-01-03T00:00:00Z",
                           R"({"batch": "X1", "passed": false, "quantity_passed": 8})")
                      .add(EventId::production_inspect, "2026-01-04T00:00:00Z",
                           R"({"batch": "X2", "passed": true, "quantity_passed": 5})")
                      .add(EventId::production_complete, "2026-03-10T23:59:59.999Z"));
  // B: completed one millisecond after the planned day (late); a later kickoff.meeting moved
  //    the plan, the one in force at completion counts (2026-02-01T12:00Z, a date-time).
  //    Cost 2500 vs budget 2000. A failed first inspection of 20 without quantity_passed: 0 of
  //    20. A report after the first inspection does not change that batch's quantity. Its
  //    rectification gives no cost (null, as payload validation allows): it costs nothing.
  cases.push_back(
      CaseBuilder("B")
          .add(EventId::kickoff_meeting, "2026-01-01T00:00:00Z",
               R"({"production_plan": {"completion_date": "2026-12-31", "budget_cost": 9999}})")
          .add(EventId::kickoff_meeting, "2026-01-02T00:00:00Z",
               R"({"production_plan": {"completion_date": "2026-02-01T12:00:00Z",
                   "budget_cost": 2000}})")
          .add(EventId::production_report, "2026-01-10T00:00:00Z",
               R"({"batch": 7, "quantity": 20, "cost": 2000})")
          .add(EventId::production_inspect, "2026-01-11T00:00:00Z",
               R"({"batch": 7, "passed": false})")
          .add(EventId::production_rectify, "2026-01-11T12:00:00Z", R"({"batch": 7, "cost": null})")
          .add(EventId::production_report, "2026-01-12T00:00:00Z",
               R"({"batch": 7, "quantity": 20, "cost": 500})")
          .add(EventId::production_complete, "2026-02-01T12:00:00.001Z"));
  // C: completed after the period (out of completion and cost KPIs); first inspection on the
  //    period's last millisecond (in): 30 of 30 (passed, no quantity_passed)
  cases.push_back(CaseBuilder("C")
                      .add(EventId::kickoff_meeting, "2026-01-01T00:00:00Z", plan_mar10)
                      .add(EventId::production_report, "2026-03-01T00:00:00Z",
                           R"({"batch": "K", "quantity": 30, "cost": 10})")
                      .add(EventId::production_inspect, "2026-03-31T23:59:59.999Z",
                           R"({"batch": "K", "passed": true})")
                      .add(EventId::production_complete, "2026-04-01T00:00:00Z"));

  const BuiltinKpiTotals t = totals(cases, q1());
  // completed in the period: A (on plan), B (late)
  CHECK(value(t, BuiltinKpi::production_plan_completion) == 0.5);
  // first inspections in the period: A/X1 8 of 10, B/7 0 of 20, C/K 30 of 30 → 38 / 60
  // (rectifications change nothing here)
  CHECK(value(t, BuiltinKpi::production_pass_rate) == Approx(38.0 / 60.0));
  // (1000 + 2500) / (1000 + 2000): all reports and rectifications of the case count, wherever
  // they fall
  CHECK(value(t, BuiltinKpi::production_cost_control) == Approx(3500.0 / 3000.0));
  // inspections in the period: A X1 fail, A X2 pass, B fail, C pass → 2 / 4
  CHECK(value(t, BuiltinKpi::quality_inspection_pass_rate) == 0.5);

  // a zero budget gives no ratio (null), not infinity
  const BuiltinKpiTotals zero = totals(
      {CaseBuilder("Z")
           .add(EventId::kickoff_meeting, "2026-01-01T00:00:00Z",
                R"({"production_plan": {"completion_date": "2026-03-10", "budget_cost": 0}})")
           .add(EventId::production_complete, "2026-02-01T00:00:00Z")
           .ledger()},
      q1());
  CHECK_FALSE(value(zero, BuiltinKpi::production_cost_control));
  CHECK(value(zero, BuiltinKpi::production_plan_completion) == 1.0);
  CHECK_FALSE(value(zero, BuiltinKpi::production_pass_rate));
}

TEST_CASE("kpi: quality KPIs across the period's edges", "[kpi]") {
  std::vector<CaseLedger> cases;
  // A: complaint Q1 verified after exactly 72 h (in time); Q2 verified after 72 h + 1 ms
  //    (late); Q3 (numeric id) first verification unsatisfied, satisfied one 10 h later in time
  //    but 80 h after the complaint (late); incoming inspection passed. Delivered in the period
  //    with complaints → not effective.
  cases.push_back(
      CaseBuilder("A")
          .add(EventId::contract_draft, "2026-01-01T00:00:00Z", R"({"amount": 1})")
          .add(EventId::contract_sign, "2026-01-01T00:00:00Z")
          .add(EventId::delivery_confirm, "2026-01-05T00:00:00Z")
          .add(EventId::service_complaint, "2026-02-01T00:00:00Z", R"({"id": "Q1"})")
          .add(EventId::service_verify, "2026-02-04T00:00:00Z",
               R"({"id": "Q1", "satisfied": true})")
          .add(EventId::service_complaint, "2026-02-10T00:00:00Z", R"({"id": "Q2"})")
          .add(EventId::service_verify, "2026-02-13T00:00:00.001Z", R"({"id": "Q2"})")
          .add(EventId::service_complaint, "2026-03-01T00:00:00Z", R"({"id": 3})")
          .add(EventId::service_verify, "2026-03-02T00:00:00Z", R"({"id": 3, "satisfied": false})")
          .add(EventId::service_verify, "2026-03-04T08:00:00Z", R"({"id": 3.0, "satisfied": true})")
          .add(EventId::service_verify, "2026-03-05T08:00:00Z", R"({"id": 3, "satisfied": true})")
          .add(EventId::prep_incoming_inspection, "2026-01-01T00:00:00Z", R"({"passed": true})"));
  // B: complaint in March verified in April (out); delivered in the period; the complaint
  //    (even after delivery and partly after the period) makes it not effective.
  cases.push_back(
      CaseBuilder("B")
          .add(EventId::contract_draft, "2026-01-01T00:00:00Z", R"({"amount": 1})")
          .add(EventId::contract_sign, "2026-01-01T00:00:00Z")
          .add(EventId::delivery_confirm, "2026-03-01T00:00:00Z", R"({"accepted": true})")
          .add(EventId::service_complaint, "2026-03-31T12:00:00Z", R"({"id": "Q1"})")
          .add(EventId::service_verify, "2026-04-01T00:00:00Z", R"({"id": "Q1"})"));
  // C, D: delivered in the period, no complaint (C) / complaint after the period (D)
  cases.push_back(CaseBuilder("C")
                      .add(EventId::contract_draft, "2026-01-01T00:00:00Z", R"({"amount": 1})")
                      .add(EventId::contract_sign, "2026-01-01T00:00:00Z")
                      .add(EventId::delivery_confirm, "2026-02-01T00:00:00Z"));
  cases.push_back(
      CaseBuilder("D")
          .add(EventId::contract_draft, "2026-01-01T00:00:00Z", R"({"amount": 1})")
          .add(EventId::contract_sign, "2026-01-01T00:00:00Z")
          .add(EventId::delivery_confirm, "2026-02-01T00:00:00Z")
          .add(EventId::service_complaint, "2026-06-01T00:00:00Z", R"({"id": "late"})"));
  // E: delivered before the period: not counted
  cases.push_back(CaseBuilder("E")
                      .add(EventId::contract_draft, "2025-01-01T00:00:00Z", R"({"amount": 1})")
                      .add(EventId::contract_sign, "2025-01-01T00:00:00Z")
                      .add(EventId::delivery_confirm, "2025-02-01T00:00:00Z"));

  const BuiltinKpiTotals t = totals(cases, q1());
  // verified in the period: A/Q1 (72 h: in time), A/Q2 (late), A/3 (late) → 1 / 3
  CHECK(value(t, BuiltinKpi::quality_issue_timeliness) == Approx(1.0 / 3.0));
  // delivered in the period: A, B, C, D; without complaint: C → 1 / 4
  CHECK(value(t, BuiltinKpi::quality_system_effectiveness) == 0.25);
  CHECK(value(t, BuiltinKpi::quality_inspection_pass_rate) == 1.0);

  BuiltinKpiParameters params;
  params.issue_max_hours = 80;  // A/Q2 and A/3 (exactly 80 h) are now in time
  CHECK(value(totals(cases, q1(), params), BuiltinKpi::quality_issue_timeliness) == 1.0);
}

TEST_CASE("kpi: bad data fails with case, seq and field, wherever the entry is", "[kpi]") {
  struct Bad {
    EventId event;
    const char* payload;
    const char* where;
    const char* why;
  };
  // Each bad entry is appended as seq 3 to a case that is otherwise fine; its time is in 2024,
  // far outside the period: bad data is refused wherever it is.
  const Bad cases[] = {
      {EventId::production_report, R"({"batch": "B", "quantity": 1, "cost": -5})",
       "case BAD seq 3 (production.report): payload.cost", "≥ 0, got -5"},
      {EventId::production_report, R"({"batch": "B", "quantity": 1, "cost": "100"})",
       "case BAD seq 3 (production.report): payload.cost", "got \"100\""},
      {EventId::production_report, R"({"batch": "B", "cost": 1})",
       "case BAD seq 3 (production.report): payload.quantity", "missing"},
      {EventId::production_report, R"({"batch": "B", "quantity": -1.5, "cost": 1})",
       "case BAD seq 3 (production.report): payload.quantity", "got -1.5"},
      {EventId::production_report, R"({"batch": [1], "quantity": 1, "cost": 1})",
       "case BAD seq 3 (production.report): payload.batch", "string or a whole number"},
      {EventId::contract_draft, R"({"amount": -1})",
       "case BAD seq 3 (contract.draft): payload.amount", "got -1"},
      {EventId::contract_revise, R"({"amount": null})",
       "case BAD seq 3 (contract.revise): payload.amount", "got null"},
      {EventId::service_feedback, R"({"score": 6})",
       "case BAD seq 3 (service.feedback): payload.score", "1–5, got 6"},
      {EventId::service_feedback, R"({"score": 0.5})",
       "case BAD seq 3 (service.feedback): payload.score", "1–5, got 0.5"},
      {EventId::service_feedback, R"({"score": "good"})",
       "case BAD seq 3 (service.feedback): payload.score", "got \"good\""},
      {EventId::service_feedback, "{}", "case BAD seq 3 (service.feedback): payload.score",
       "missing"},
      {EventId::sample_test, R"({"passed": "yes"})", "case BAD seq 3 (sample.test): payload.passed",
       "true or false"},
      {EventId::sample_confirm, "{}", "case BAD seq 3 (sample.confirm): payload.accepted",
       "missing"},
      {EventId::sample_confirm, R"({"accepted": true})", "case BAD seq 3 (sample.confirm)",
       "Design state"},
      {EventId::design_submit, R"({"innovations": 1.5})",
       "case BAD seq 3 (design.submit): payload.innovations", "whole number"},
      {EventId::design_submit, R"({"innovations": -1})",
       "case BAD seq 3 (design.submit): payload.innovations", "whole number ≥ 0"},
      {EventId::kickoff_meeting, R"({"production_plan": {"completion_date": "soon"}})",
       "case BAD seq 3 (kickoff.meeting): payload.production_plan.completion_date", "ISO-8601"},
      {EventId::kickoff_meeting, R"({"production_plan": {"budget_cost": -10}})",
       "case BAD seq 3 (kickoff.meeting): payload.production_plan.budget_cost", "≥ 0"},
      {EventId::kickoff_meeting, R"({"production_plan": {"quantity": "many"}})",
       "case BAD seq 3 (kickoff.meeting): payload.production_plan.quantity", "number"},
      {EventId::kickoff_meeting, R"({"production_plan": 5})",
       "case BAD seq 3 (kickoff.meeting): payload.production_plan", "object"},
      {EventId::production_rectify, R"({"batch": "B0", "cost": -1})",
       "case BAD seq 3 (production.rectify): payload.cost", "≥ 0, got -1"},
      {EventId::production_rectify, R"({"batch": "B0", "cost": "500"})",
       "case BAD seq 3 (production.rectify): payload.cost", "got \"500\""},
      {EventId::production_inspect, R"({"batch": "nope", "passed": true})",
       "case BAD seq 3 (production.inspect): payload.batch",
       "no production.report of batch \"nope\""},
      {EventId::production_inspect, R"({"batch": "B0", "passed": true, "quantity_passed": 11})",
       "case BAD seq 3 (production.inspect): payload.quantity_passed",
       "more than the batch's reported quantity 10"},
      {EventId::production_inspect, R"({"batch": "B0", "quantity_passed": 1})",
       "case BAD seq 3 (production.inspect): payload.passed", "missing"},
      {EventId::prep_incoming_inspection, R"({"passed": 1})",
       "case BAD seq 3 (prep.incoming_inspection): payload.passed", "true or false"},
      {EventId::production_complete, "{}", "case BAD seq 3 (production.complete)",
       "production_plan.completion_date"},
      {EventId::delivery_confirm, "{}", "case BAD seq 3 (delivery.confirm)", "no contract.sign"},
      {EventId::delivery_confirm, R"({"accepted": "yes"})",
       "case BAD seq 3 (delivery.confirm): payload.accepted", "true or false"},
      {EventId::contract_sign, "{}", "case BAD seq 3 (contract.sign)", "amount"},
      {EventId::service_verify, R"({"id": "Q9"})", "case BAD seq 3 (service.verify): payload.id",
       "no service.complaint with id \"Q9\""},
      {EventId::service_complaint, R"({"severity": "high"})",
       "case BAD seq 3 (service.complaint): payload.id", "missing"},
      {EventId::service_verify, R"({"id": 1.5})", "case BAD seq 3 (service.verify): payload.id",
       "string or a whole number"},
  };
  for (const Bad& c : cases) {
    INFO(c.where << " " << c.payload);
    CaseBuilder b("BAD");
    b.add(EventId::production_report, "2024-01-01T00:00:00Z",
          R"({"batch": "B0", "quantity": 10, "cost": 1})")
        .add(EventId::intake_register, "2024-01-02T00:00:00Z")
        .add(c.event, "2024-01-03T00:00:00Z", c.payload);
    const CaseLedger ledger = b;
    BuiltinKpiExtractor x(q1());
    const Error e = error_of([&] { x.add(ledger); });
    CHECK(e.kind() == ErrorKind::invalid_argument);
    CHECK(e.where() == c.where);
    CHECK_THAT(e.why(), Catch::Contains(c.why));
    // nothing from the bad case was added
    CHECK(x.totals().inspections == 0);
  }
}

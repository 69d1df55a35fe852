// KPIs defined in kpi.json: the documented case view, every aggregation, null handling, errors.
#include "kpi_support.hpp"
#include "support/policy_parts.hpp"
#include "undertake/extensions.hpp"
#include "undertake/policy.hpp"

using namespace undertake;
using namespace kpi_test;
namespace json = boost::json;

namespace {

// Entries of the case in the period with a given event: {"filter": [entries, in_period && event]}
std::string in_period(const char* event) {
  return std::string(R"({"filter": [{"var": "entries"}, {"and": [{"var": "in_period"},
      {"==": [{"var": "event"}, ")") +
         event + R"("]}]}]})";
}

KpiCatalogue catalogue_with(std::string_view kpis) {
  return kpi_catalogue_from_json(json::parse(std::string(R"({"kpis": )") + std::string(kpis) + "}"),
                                 "kpi.json");
}

std::vector<CaseLedger> three_cases() {
  std::vector<CaseLedger> cases;
  // A: key customer, 2 complaints in the period (one before), feedback 3 and 5
  CaseBuilder a("A");
  a.add(EventId::intake_register, "2026-01-02T00:00:00Z", "{}", {"Intake.Registered"})
      .add(EventId::service_complaint, "2025-12-01T00:00:00Z", R"({"id": "old"})")
      .add(EventId::service_complaint, "2026-02-01T00:00:00Z", R"({"id": "c1"})")
      .add(EventId::service_complaint, "2026-03-01T00:00:00Z", R"({"id": "c2"})")
      .add(EventId::service_feedback, "2026-03-02T00:00:00Z", R"({"score": 3})")
      .add(EventId::service_feedback, "2026-03-03T00:00:00Z", R"({"score": 5})")
      .escalation(EventId::service_complaint, "2026-03-04T00:00:00Z");
  CaseLedger la = a;
  la.data = json::parse(R"({"customer": {"name": "Acme", "tier": "key"}})").as_object();
  cases.push_back(la);
  // B: regular customer, 1 complaint in the period, feedback 4
  CaseBuilder b("B");
  b.add(EventId::service_complaint, "2026-01-15T00:00:00Z", R"({"id": "c1"})")
      .add(EventId::service_feedback, "2026-01-16T00:00:00Z", R"({"score": 4})");
  CaseLedger lb = b;
  lb.data = json::parse(R"({"customer": {"name": "Bolt", "tier": "regular"}})").as_object();
  cases.push_back(lb);
  // C: nothing in the period
  CaseBuilder c("C");
  c.add(EventId::intake_register, "2025-06-01T00:00:00Z");
  cases.push_back(c);
  return cases;
}

// The number of elements of a list (JsonLogic has no count operator).
std::string count_of(const std::string& list) {
  return R"({"reduce": [)" + list + R"(, {"+": [{"var": "accumulator"}, 1]}, 0]})";
}

// Per case: the number of in-period complaints, or null when the case has none.
std::string complaints_or_null() {
  const std::string n = count_of(in_period("service.complaint"));
  return R"({"if": [)" + n + ", " + n + ", null]}";
}

}  // namespace

TEST_CASE("kpi json: the case view has the documented shape", "[kpi][kpi-json]") {
  // the view, returned whole by {"var": ""}, is checked through a KPI that reads its parts
  const KpiCatalogue cat = catalogue_with(R"([
    {"id": "t.first_seq", "compute": {"aggregate": "sum", "value": {"var": "entries.0.seq"}}},
    {"id": "t.escalations", "compute": {"aggregate": "sum",
       "value": )" + count_of(R"({"var": "escalations"})") +
                                          R"(}},
    {"id": "t.events", "compute": {"aggregate": "sum",
       "value": )" + count_of(R"({"var": "entries"})") +
                                          R"(}},
    {"id": "t.period_ok", "compute": {"aggregate": "count", "value": {"and": [
       {"==": [{"var": "period.from"}, "2026-01-01T00:00:00Z"]},
       {"==": [{"var": "period.until"}, "2026-04-01T00:00:00Z"]},
       {"==": [{"var": "entries.0.at"}, "2026-01-02T00:00:00Z"]},
       {"==": [{"var": "entries.0.event"}, "intake.register"]},
       {"==": [{"var": "entries.0.actor.id"}, "tester"]},
       {"==": [{"var": "entries.0.state.0"}, "Intake.Registered"]},
       {"==": [{"var": "case_id"}, "A"]},
       {"==": [{"var": "data.customer.tier"}, "key"]},
       {"==": [{"var": "entries.1.in_period"}, false]},
       {"==": [{"var": "entries.2.payload.id"}, "c1"]}]}}}
  ])");
  const auto cases = three_cases();
  const KpiReport r = compute_kpi_report(cat, std::vector<CaseLedger>{cases[0]}, q1());
  CHECK(r.find("t.first_seq")->value == 1.0);
  CHECK(r.find("t.escalations")->value == 1.0);  // kept apart from the events
  CHECK(r.find("t.events")->value == 6.0);
  CHECK(r.find("t.period_ok")->value == 1.0);
}

TEST_CASE("kpi json: every aggregation, hand-computed", "[kpi][kpi-json]") {
  const std::string complaints = complaints_or_null();
  const std::string feedback = in_period("service.feedback");
  const KpiCatalogue cat = catalogue_with(R"([
    {"id": "q.complaints", "department": "quality", "direction": "lower", "target": 2,
     "compute": {"aggregate": "sum", "value": )" +
                                          complaints + R"(}},
    {"id": "q.complaints_mean", "compute": {"aggregate": "mean", "value": )" +
                                          complaints + R"(}},
    {"id": "q.complaints_min", "compute": {"aggregate": "min", "value": )" +
                                          complaints + R"(}},
    {"id": "q.complaints_max", "compute": {"aggregate": "max", "value": )" +
                                          complaints + R"(}},
    {"id": "s.key_cases", "compute": {"aggregate": "count", "value": {"if": [
       {"some": [{"var": "entries"}, {"var": "in_period"}]},
       {"==": [{"var": "data.customer.tier"}, "key"]}, null]}}},
    {"id": "s.mean_feedback", "target": 4, "compute": {"aggregate": "ratio",
       "numerator": {"reduce": [)" + feedback +
                                          R"(, {"+": [{"var": "accumulator"},
          {"var": "current.payload.score"}]}, 0]},
       "denominator": )" + count_of(feedback) +
                                          R"(}},
    {"id": "s.nothing", "compute": {"aggregate": "sum", "value": null}},
    {"id": "s.zero_ratio", "compute": {"aggregate": "ratio", "numerator": 1, "denominator": 0}},
    {"id": "s.bool_ratio", "compute": {"aggregate": "ratio",
       "numerator": {"in": [{"var": "case_id"}, ["A"]]}, "denominator": true}}
  ])");
  const auto cases = three_cases();
  const KpiReport r = compute_kpi_report(cat, cases, q1());
  // complaints in the period: A 2, B 1, C null (left out)
  CHECK(r.find("q.complaints")->value == 3.0);
  CHECK(r.find("q.complaints")->score == Approx(100.0 * 2 / 3));  // lower is better: 2 / 3
  CHECK(r.find("q.complaints")->department == "quality");
  CHECK(r.find("q.complaints_mean")->value == 1.5);
  CHECK(r.find("q.complaints_min")->value == 1.0);
  CHECK(r.find("q.complaints_max")->value == 2.0);
  // cases with entries in the period: A (key), B (regular); C gives null → 1
  CHECK(r.find("s.key_cases")->value == 1.0);
  // feedback in the period: (3 + 5 + 4) / 3 = 4; C gives 0 / 0, adding nothing
  CHECK(r.find("s.mean_feedback")->value == Approx(4.0));
  CHECK(r.find("s.mean_feedback")->score == Approx(100.0));
  CHECK_FALSE(r.find("s.nothing")->value);
  CHECK_FALSE(r.find("s.zero_ratio")->value);
  // booleans count 1 / 0: case A of 3
  CHECK(r.find("s.bool_ratio")->value == Approx(1.0 / 3.0));

  // the same KPIs on no case and on an empty period: null, not 0
  const KpiReport none = compute_kpi_report(cat, std::vector<CaseLedger>{}, q1());
  for (const auto& k : none.kpis) CHECK_FALSE(k.value);
  const KpiReport empty = compute_kpi_report(cat, cases, Period::days("2030-01-01", "2030-01-31"));
  CHECK_FALSE(empty.find("q.complaints")->value);
  CHECK_FALSE(empty.find("s.key_cases")->value);

  // compute() on its own gives the same as the report
  const auto ptrs = pointers(cases);
  CHECK(cat.calculator("q.complaints")->compute(ptrs, q1()) == 3.0);
}

TEST_CASE("kpi json: date operators over the ledger", "[kpi][kpi-json]") {
  // mean days from the first entry to the first delivery.confirm in the period
  const KpiCatalogue cat = catalogue_with(R"([
    {"id": "s.lead_days", "compute": {"aggregate": "mean", "value": {"if": [
      {"some": [{"var": "entries"}, {"and": [{"var": "in_period"},
        {"==": [{"var": "event"}, "delivery.confirm"]}]}]},
      {"days_between": [{"var": "entries.0.at"},
        {"var": "entries.1.at"}]},
      null]}}}
  ])");
  std::vector<CaseLedger> cases;
  cases.push_back(CaseBuilder("A")
                      .add(EventId::intake_register, "2026-01-01T00:00:00Z")
                      .add(EventId::delivery_confirm, "2026-01-11T12:00:00Z"));
  cases.push_back(CaseBuilder("B")
                      .add(EventId::intake_register, "2026-02-01T00:00:00Z")
                      .add(EventId::delivery_confirm, "2026-02-05T12:00:00Z"));
  const KpiReport r = compute_kpi_report(cat, cases, q1());
  // (10.5 + 4.5) / 2
  CHECK(r.find("s.lead_days")->value == Approx(7.5));
}

TEST_CASE("kpi json: errors name the KPI and the case, or the file and pointer",
          "[kpi][kpi-json]") {
  const auto cases = three_cases();
  const KpiCatalogue text = catalogue_with(
      R"([{"id": "x.text", "compute": {"aggregate": "sum", "value": {"var": "case_id"}}}])");
  const Error e = error_of([&] { compute_kpi_report(text, cases, q1()); });
  CHECK(e.kind() == ErrorKind::rule_failed);
  CHECK(e.where() == "kpi x.text: case A");
  CHECK_THAT(e.why(), Catch::Contains("\"A\"; expected a number or null"));

  const KpiCatalogue ratio = catalogue_with(
      R"([{"id": "x.ratio", "compute": {"aggregate": "ratio", "numerator": "a", "denominator": 1}}])");
  CHECK(error_of([&] { compute_kpi_report(ratio, cases, q1()); }).where() == "kpi x.ratio: case A");

  const KpiCatalogue thrown = catalogue_with(
      R"([{"id": "x.throw", "compute": {"aggregate": "sum", "value": {"throw": "boom"}}}])");
  const Error t = error_of([&] { compute_kpi_report(thrown, cases, q1()); });
  CHECK(t.kind() == ErrorKind::rule_failed);
  CHECK(t.where() == "kpi x.throw: case A");

  // skip_bad_cases leaves out the cases whose expression failed
  const KpiCatalogue some = catalogue_with(R"([{"id": "x.some", "compute": {"aggregate": "sum",
      "value": {"if": [{"==": [{"var": "case_id"}, "B"]}, "oops", 1]}}}])");
  KpiOptions skip;
  skip.skip_bad_cases = true;
  const KpiReport r = compute_kpi_report(some, cases, q1(), skip);
  CHECK(r.find("x.some")->value == 2.0);
  REQUIRE(r.excluded.size() == 1);
  CHECK(r.excluded[0].case_id == "B");

  // compile errors name the file and the pointer of the expression
  const Error c = error_of([] {
    catalogue_with(R"([{"id": "x.bad", "compute": {"aggregate": "sum", "value": {"nope": [1]}}}])");
  });
  CHECK(c.kind() == ErrorKind::invalid_rule);
  CHECK_THAT(c.where(), Catch::StartsWith("kpi.json: /kpis/0/compute/value"));
  const Error m =
      error_of([] { catalogue_with(R"([{"id": "x.bad", "compute": {"aggregate": "sum"}}])"); });
  CHECK(m.kind() == ErrorKind::invalid_policy);
  CHECK(m.where() == "kpi.json: /kpis/0/compute/value");
  const Error u = error_of([] {
    catalogue_with(R"([{"id": "x.bad", "compute": {"aggregate": "sum", "value": 1, "by": 2}}])");
  });
  CHECK(u.where() == "kpi.json: /kpis/0/compute/by");
  // a JSON expression may replace a built-in
  const KpiCatalogue over =
      catalogue_with(R"([{"id": "sales.revenue", "compute": {"aggregate": "sum", "value": 7}}])");
  CHECK(compute_kpi_report(over, cases, q1()).find("sales.revenue")->value == 21.0);
}

TEST_CASE("kpi json: entry times in the view are written as format_iso8601 writes them",
          "[kpi][kpi-json]") {
  for (const char* when :
       {"2026-01-02T00:00:00Z", "2026-03-31T23:59:59.999Z", "2024-02-29T12:34:56.007Z",
        "1969-12-31T23:59:59.999Z", "1900-03-01T00:00:00Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.5Z", "2000-02-29T00:00:00.010Z"}) {
    INFO(when);
    const std::string expected = format_iso8601(at(when));
    const KpiCatalogue cat = catalogue_with(R"([{"id": "t.at", "compute": {"aggregate": "count",
        "value": {"==": [{"var": "entries.0.at"}, ")" +
                                            expected + R"("]}}}])");
    const KpiReport r = compute_kpi_report(
        cat, std::vector<CaseLedger>{CaseBuilder("T").add(EventId::intake_register, when)}, q1());
    CHECK(r.find("t.at")->value == 1.0);
  }
}

TEST_CASE("kpi json: a policy's KPIs compile with its operators: decide and the host's",
          "[kpi][kpi-json]") {
  // Σ over cases: the approvals the authority matrix asks for the amount, doubled for key
  // customers by an operator the host registered (issue 14: one operator set per policy).
  Extensions ext;
  ext.operators().add(
      "tier_weight",
      [](const std::vector<json::value>& args) { return json::value(args.at(0) == "key" ? 2 : 1); },
      1, 1);
  const PolicySource source = undertake::testing::builtin_with_text("kpi", R"({"kpis": [
    {"id": "s.weighted_approvals", "compute": {"aggregate": "sum", "value": {"*": [
      {"decide": ["authority-matrix", {"var": "data.estimated_amount"}]},
      {"tier_weight": [{"var": "data.customer.tier"}]}]}}}]})");
  const auto policy = Policy::load(source, ext);
  std::vector<CaseLedger> cases;
  for (const char* data : {R"({"estimated_amount": 2000000, "customer": {"tier": "key"}})",
                           R"({"estimated_amount": 400000, "customer": {"tier": "regular"}})",
                           R"({"estimated_amount": 5000, "customer": {"tier": "key"}})"}) {
    CaseLedger c = CaseBuilder("C").add(EventId::intake_register, "2026-01-02T00:00:00Z");
    c.data = json::parse(data).as_object();
    cases.push_back(std::move(c));
  }
  const KpiReport r = compute_kpi_report(policy->kpi_catalogue(), cases, q1());
  CHECK(r.find("s.weighted_approvals")->value == 2.0 * 2 + 1.0 * 1 + 0.0 * 2);

  // Without the host's operator the policy does not load: the KPI named it.
  const Error e = error_of([&] { Policy::load(source); });
  CHECK(e.kind() == ErrorKind::invalid_policy);
  CHECK_THAT(e.what(), Catch::Contains("tier_weight"));
  // A table the policy does not have is refused when it loads, as in gates.
  const Error t = error_of([] {
    Policy::load(undertake::testing::builtin_with_text("kpi", R"({"kpis": [
      {"id": "s.x", "compute": {"aggregate": "sum", "value": {"decide": ["no-such-table", 1]}}}]})"));
  });
  CHECK_THAT(t.what(), Catch::Contains("/kpis/0/compute/value/decide/0: no decision table"));
}

// The KPI catalogue (kpi.json), scores, department scores, bonus coefficients, the report's JSON
// and text, host calculators, bad data in a report.
#include "kpi_support.hpp"
#include "undertake/json_text.hpp"

using namespace undertake;
using namespace kpi_test;
namespace json = boost::json;

namespace {

json::value default_kpi_json() {
  return read_json_file(UNDERTAKE_SOURCE_DIR "/rules/default/kpi.json", InputLimits{});
}

struct CaseCount final : KpiCalculator {
  std::string id() const override { return "sales.cases"; }
  std::optional<double> compute(const std::vector<const CaseLedger*>& cases,
                                Period) const override {
    if (cases.empty()) return std::nullopt;
    return static_cast<double>(cases.size());
  }
};

struct Constant final : KpiCalculator {
  std::string name;
  std::optional<double> v;
  Constant(std::string n, std::optional<double> x) : name(std::move(n)), v(x) {}
  std::string id() const override { return name; }
  std::optional<double> compute(const std::vector<const CaseLedger*>&, Period) const override {
    return v;
  }
};

}  // namespace

TEST_CASE("kpi catalogue: the default file", "[kpi]") {
  const KpiCatalogue& cat = KpiCatalogue::defaults();
  // the 13 built-ins (no JSON-defined KPI: the default report stays one fast pass per case)
  REQUIRE(cat.kpis().size() == kBuiltinKpiCount);
  for (std::size_t i = 0; i < kBuiltinKpiCount; ++i) {
    const auto id = builtin_kpi_id(static_cast<BuiltinKpi>(i));
    INFO(id);
    const KpiDefinition* def = cat.find(id);
    REQUIRE(def);
    CHECK(def->target);
    CHECK(def->department == id.substr(0, id.find('.')));
    CHECK(cat.calculator(id));
  }
  CHECK(cat.find("technical.design_cycle_days")->direction == KpiDirection::lower_is_better);
  CHECK(cat.find("production.cost_control")->direction == KpiDirection::lower_is_better);
  REQUIRE(cat.departments().size() == 4);
  CHECK(cat.departments()[0].id == "sales");
  CHECK(cat.departments()[0].weights.size() == 4);
  CHECK(cat.score_min() == 0);
  CHECK(cat.score_max() == 120);
  // the file on disk is the one embedded
  const KpiCatalogue from_file = kpi_catalogue_from_json(default_kpi_json(), "kpi.json");
  CHECK(from_file.kpis().size() == kBuiltinKpiCount);
  // the built-in parameters are read
  const auto* timeliness =
      dynamic_cast<const BuiltinKpiCalculator*>(from_file.calculator("sales.contract_timeliness"));
  REQUIRE(timeliness);
  CHECK(timeliness->parameters().contract_max_days == 30);
}

TEST_CASE("kpi catalogue: score formulas and bonus bands", "[kpi]") {
  const KpiCatalogue& cat = KpiCatalogue::defaults();
  KpiDefinition d;
  d.id = "x.higher";
  d.target = 200;
  CHECK(cat.score(d, 100) == 50.0);
  CHECK(cat.score(d, 300) == 120.0);  // 150 clamped to the maximum
  CHECK(cat.score(d, -5) == 0.0);     // negative clamped to the minimum
  d.direction = KpiDirection::lower_is_better;
  d.target = 10;
  CHECK(cat.score(d, 20) == 50.0);
  CHECK(cat.score(d, 8) == 120.0);  // 125 clamped
  CHECK(cat.score(d, 0) == 120.0);
  d.scoring.method = KpiScoring::Method::linear;
  d.scoring.floor = 30;  // lower is better: 30 scores 0, 10 scores 100
  CHECK(cat.score(d, 20) == Approx(50.0));
  CHECK(cat.score(d, 40) == 0.0);
  d.direction = KpiDirection::higher_is_better;
  d.target = 100;
  d.scoring.floor = 50;
  CHECK(cat.score(d, 75) == Approx(50.0));
  CHECK(cat.score(d, 40) == 0.0);
  d.target.reset();
  CHECK_FALSE(cat.score(d, 75));

  // default bonus table: [0, 60) → 0, [60, 80) → 0.5, [80, 100) → 1.0, [100, 110) → 1.2, ≥ 110
  // → 1.5
  CHECK(cat.bonus_coefficient(-1) == 0.0);
  CHECK(cat.bonus_coefficient(0) == 0.0);
  CHECK(cat.bonus_coefficient(59.999) == 0.0);
  CHECK(cat.bonus_coefficient(60) == 0.5);
  CHECK(cat.bonus_coefficient(79.99) == 0.5);
  CHECK(cat.bonus_coefficient(80) == 1.0);
  CHECK(cat.bonus_coefficient(100) == 1.2);
  CHECK(cat.bonus_coefficient(109.9) == 1.2);
  CHECK(cat.bonus_coefficient(110) == 1.5);
  CHECK(cat.bonus_coefficient(120) == 1.5);
}

TEST_CASE("kpi report: one whole case under the default catalogue", "[kpi]") {
  const std::vector<CaseLedger> cases{full_case()};
  const KpiReport r = compute_kpi_report(KpiCatalogue::defaults(), cases, q1());
  CHECK(r.cases == 1);
  REQUIRE(r.kpis.size() == kBuiltinKpiCount);
  struct Row {
    const char* id;
    std::optional<double> value, score;
  };
  const Row rows[] = {
      {"sales.revenue", 180000.0, 3.6},                       // 100 × 180000 / 5000000
      {"sales.profit", 85000.0, 8.5},                         // 100 × 85000 / 1000000
      {"sales.satisfaction", 4.5, 100.0},                     // linear 3 → 4.5
      {"sales.contract_timeliness", 1.0, 100.0 / 0.9},        // 100 × 0.5 / 0.45
      {"technical.design_cycle_days", 15.5, 120.0},           // 100 × 60 / 15.5 clamped
      {"technical.first_pass_samples", 0.0, 0.0},             // below the floor
      {"technical.innovations", 2.0, 100.0 / 3.0},            // 100 × 2 / 6
      {"production.plan_completion", 1.0, 100.0 / 0.9},       // as timeliness
      {"production.pass_rate", 0.94, 100.0 * 0.14 / 0.18},    // linear 0.8 → 0.98
      {"production.cost_control", 0.95, 100.0 * 0.35 / 0.3},  // linear 1.3 → 1.0
      {"quality.inspection_pass_rate", 0.6, 0.0},             // below the floor 0.7
      {"quality.issue_timeliness", std::nullopt, std::nullopt},
      {"quality.system_effectiveness", 1.0, 100.0 * 0.4 / 0.35},  // linear 0.6 → 0.95
  };
  for (const Row& row : rows) {
    INFO(row.id);
    const KpiResult* k = r.find(row.id);
    REQUIRE(k);
    REQUIRE(k->value.has_value() == row.value.has_value());
    REQUIRE(k->score.has_value() == row.score.has_value());
    if (row.value) CHECK(*k->value == Approx(*row.value));
    if (row.score) CHECK(*k->score == Approx(*row.score));
  }
  // sales: (35×3.6 + 30×8.5 + 20×100 + 15×111.11) / 100 = 40.4767 → 0
  const DepartmentResult* sales = r.department("sales");
  REQUIRE(sales);
  CHECK(*sales->score == Approx((35 * 3.6 + 30 * 8.5 + 20 * 100 + 15 * 100 / 0.9) / 100));
  CHECK(sales->bonus_coefficient == 0.0);
  // technical: (40×120 + 40×0 + 20×33.33) / 100 = 54.667 → 0
  CHECK(*r.department("technical")->score == Approx(54.0 + 2.0 / 3.0));
  // production: (40×111.11 + 35×77.78 + 25×116.67) / 100 = 100.83 → 1.2
  const DepartmentResult* production = r.department("production");
  CHECK(*production->score == Approx((40 * 100 / 0.9 + 35 * 1400 / 18.0 + 25 * 350 / 3.0) / 100));
  CHECK(production->bonus_coefficient == 1.2);
  // quality: issue_timeliness has no value and is left out: (35×0 + 30×114.29) / 65 = 52.75
  CHECK(*r.department("quality")->score == Approx(30 * (40 / 0.35) / 65));
  CHECK(r.department("quality")->bonus_coefficient == 0.0);

  const json::value j = r.to_json();
  CHECK(j.at("cases") == 1);
  CHECK(j.at("period").at("from") == "2026-01-01");
  CHECK(j.at("period").at("to") == "2026-03-31");
  CHECK(j.at("kpis").at("sales.revenue").at("value").to_number<double>() == 180000.0);
  CHECK(j.at("kpis").at("sales.revenue").at("department") == "sales");
  CHECK(j.at("kpis").at("technical.design_cycle_days").at("direction") == "lower");
  CHECK(j.at("kpis").at("quality.issue_timeliness").at("value").is_null());
  CHECK(j.at("kpis").at("quality.issue_timeliness").at("score").is_null());
  CHECK(j.at("departments").at("production").at("bonus_coefficient").to_number<double>() == 1.2);
  CHECK(j.at("departments").at("sales").at("weights").at("sales.revenue").to_number<double>() ==
        35);
  CHECK(j.at("excluded").as_array().empty());

  const std::string text = r.to_text();
  INFO(text);
  CHECK_THAT(text, Catch::Contains("KPI report 2026-01-01 to 2026-03-31, 1 case"));
  CHECK_THAT(text, Catch::Contains("KPI "));
  CHECK_THAT(text, Catch::Contains("department"));
  CHECK_THAT(text, Catch::Contains("180000"));
  CHECK_THAT(text, Catch::Contains("5000000"));
  CHECK_THAT(text, Catch::Contains("100.8"));
  CHECK_THAT(text, Catch::Contains("quality.issue_timeliness      quality"));
  CHECK_THAT(text, Catch::Contains("—"));
}

TEST_CASE("kpi report: the empty period and no cases", "[kpi]") {
  const std::vector<CaseLedger> cases{full_case()};
  for (const KpiReport& r :
       {compute_kpi_report(KpiCatalogue::defaults(), cases,
                           Period::days("2027-01-01", "2027-01-31")),
        compute_kpi_report(KpiCatalogue::defaults(), std::vector<CaseLedger>{}, q1())}) {
    for (const auto& k : r.kpis) {
      INFO(k.id);
      CHECK_FALSE(k.value);
      CHECK_FALSE(k.score);
      CHECK(k.target);
    }
    for (const auto& d : r.departments) {
      CHECK_FALSE(d.score);
      CHECK_FALSE(d.bonus_coefficient);
    }
    const json::value j = r.to_json();
    CHECK(j.at("kpis").at("sales.revenue").at("value").is_null());
    CHECK(j.at("departments").at("sales").at("score").is_null());
    CHECK_THAT(r.to_text(), Catch::Contains("—"));
  }
}

TEST_CASE("kpi report: bad data fails the report, or excludes the case when asked", "[kpi]") {
  std::vector<CaseLedger> cases{full_case("GOOD")};
  cases.push_back(CaseBuilder("BAD")
                      .add(EventId::production_report, "2026-01-05T00:00:00Z",
                           R"({"batch": "B", "quantity": 1, "cost": -5})")
                      .ledger());
  KpiCatalogue cat = KpiCatalogue::defaults();
  cat.add(std::make_shared<CaseCount>());
  const Error e = error_of([&] { compute_kpi_report(cat, cases, q1()); });
  CHECK(e.kind() == ErrorKind::invalid_argument);
  CHECK(e.where() == "case BAD seq 1 (production.report): payload.cost");
  CHECK(e.why() == "must be a number ≥ 0, got -5");

  KpiOptions skip;
  skip.skip_bad_cases = true;
  const KpiReport r = compute_kpi_report(cat, cases, q1(), skip);
  CHECK(r.cases == 1);
  REQUIRE(r.excluded.size() == 1);
  CHECK(r.excluded[0].case_id == "BAD");
  CHECK(r.excluded[0].where == "case BAD seq 1 (production.report): payload.cost");
  CHECK(r.find("sales.revenue")->value == 180000.0);
  CHECK(r.find("sales.cases")->value == 1.0);  // host calculators see only the kept cases
  CHECK(r.to_json().at("excluded").at(0).at("case_id") == "BAD");
  CHECK_THAT(r.to_text(), Catch::Contains("excluded (bad data):"));
}

TEST_CASE("kpi report: host calculators", "[kpi]") {
  const std::vector<CaseLedger> cases{full_case("A"), full_case("B")};
  KpiCatalogue cat = KpiCatalogue::defaults();
  cat.add(std::make_shared<CaseCount>());
  cat.add(std::make_shared<Constant>("sales.revenue", 42.0));  // replaces the built-in
  const KpiReport r = compute_kpi_report(cat, cases, q1());
  CHECK(r.find("sales.cases")->value == 2.0);
  CHECK(r.find("sales.cases")->department == "sales");
  CHECK_FALSE(r.find("sales.cases")->score);  // no target
  CHECK(r.find("sales.revenue")->value == 42.0);
  CHECK(r.find("sales.profit")->value == 170000.0);  // built-ins still computed, for 2 cases

  // a KPI marked external in kpi.json needs a host calculator
  json::value doc = default_kpi_json();
  doc.at("kpis").as_array().push_back(json::parse(
      R"({"id": "sales.new_customers", "external": true, "target": 4, "title": "New customers"})"));
  doc.at("departments").at(0).at("weights").as_object()["sales.new_customers"] = 10;
  KpiCatalogue ext = kpi_catalogue_from_json(doc, "kpi.json");
  CHECK(ext.find("sales.new_customers"));
  CHECK_FALSE(ext.calculator("sales.new_customers"));
  const Error missing = error_of([&] { compute_kpi_report(ext, cases, q1()); });
  CHECK(missing.kind() == ErrorKind::not_found);
  CHECK(missing.where() == "kpi sales.new_customers");
  ext.add(std::make_shared<Constant>("sales.new_customers", 2.0));
  const KpiReport with = compute_kpi_report(ext, cases, q1());
  CHECK(with.find("sales.new_customers")->title == "New customers");
  CHECK(with.find("sales.new_customers")->score == 50.0);
  // the new KPI takes part in the sales weighting with weight 10 of 110
  const double base = 35 * 3.6 * 2 + 30 * 8.5 * 2 + 20 * 100 + 15 * 100 / 0.9;
  CHECK(*with.department("sales")->score == Approx((base + 10 * 50) / 110));

  // a calculator that gives NaN is refused: no data must be null
  KpiCatalogue nan = KpiCatalogue::defaults();
  nan.add(std::make_shared<Constant>("x.nan", std::nan("")));
  CHECK(error_of([&] { compute_kpi_report(nan, cases, q1()); }).kind() == ErrorKind::rule_failed);
  CHECK_THROWS_AS(nan.add(nullptr), Error);
}

TEST_CASE("kpi catalogue: invalid files are refused with file and JSON pointer", "[kpi]") {
  struct Bad {
    const char* pointer;  // where to put the patch: a member of the root or of kpis[0]
    const char* patch;
    const char* where;
    const char* why;
  };
  const Bad cases[] = {
      {"/colour", "1", "kpi.json: /colour", "unknown member"},
      {"/scoring", R"({"min": 10, "max": 5})", "kpi.json: /scoring/max", "above min"},
      {"/scoring", R"({"method": "log"})", "kpi.json: /scoring/method", "\"ratio\" or \"linear\""},
      {"/kpis/0/id", R"("sales.revenu")", "kpi.json: /kpis/0/id", "not a built-in KPI"},
      {"/kpis/0/id", R"("sales.profit")", "kpi.json: /kpis/1/id", "defined twice"},
      {"/kpis/0/direction", R"("up")", "kpi.json: /kpis/0/direction", "\"higher\" or \"lower\""},
      {"/kpis/0/target", R"("lots")", "kpi.json: /kpis/0/target", "number"},
      {"/kpis/0/target", "0", "kpi.json: /kpis/0/target", "target > 0"},
      {"/kpis/0/scoring", R"({"method": "linear"})", "kpi.json: /kpis/0/scoring/floor", "missing"},
      {"/kpis/0/scoring", R"({"method": "linear", "floor": 6000000})",
       "kpi.json: /kpis/0/scoring/floor", "below the target"},
      {"/kpis/0/parameters", R"({"max_days": 3})", "kpi.json: /kpis/0/parameters/max_days",
       "takes none"},
      {"/kpis/0/extra", "1", "kpi.json: /kpis/0/extra", "unknown member"},
      {"/kpis/0/external", "\"yes\"", "kpi.json: /kpis/0/external", "true or false"},
      {"/kpis/3/parameters", R"({"max_hours": 3})", "kpi.json: /kpis/3/parameters/max_hours",
       "takes max_days"},
      {"/kpis/3/parameters", R"({"max_days": 0})", "kpi.json: /kpis/3/parameters/max_days", "> 0"},
      {"/kpis/4/scoring", R"({"method": "linear", "floor": 10})", "kpi.json: /kpis/4/scoring/floor",
       "above the target"},
      {"/departments/0/weights", R"({"sales.nope": 1})",
       "kpi.json: /departments/0/weights/sales.nope", "no KPI of that id"},
      {"/departments/0/weights", R"({"sales.revenue": 0})",
       "kpi.json: /departments/0/weights/sales.revenue", "> 0"},
      {"/departments/1/id", R"("sales")", "kpi.json: /departments/1/id", "listed twice"},
      {"/bonus/bands", R"([{"min": 10, "coefficient": 1}, {"min": 5, "coefficient": 2}])",
       "kpi.json: /bonus/bands/1/min", "ascending"},
      {"/bonus/bands", R"([{"min": 10, "coefficient": -1}])",
       "kpi.json: /bonus/bands/0/coefficient", "≥ 0"},
      {"/kpis/0/compute", R"({"aggregate": "median", "value": 1})",
       "kpi.json: /kpis/0/compute/aggregate", "sum, mean"},
      {"/kpis/0/compute", R"({"aggregate": "ratio", "numerator": 1})",
       "kpi.json: /kpis/0/compute/denominator", "missing"},
      {"/kpis/0/compute", R"({"aggregate": "sum", "value": 1, "numerator": 1})",
       "kpi.json: /kpis/0/compute/numerator", "only a ratio"},
  };
  for (const Bad& c : cases) {
    INFO(c.pointer << " = " << c.patch);
    json::value doc = default_kpi_json();
    std::string p = c.pointer;
    const auto slash = p.rfind('/');
    json::value& parent = slash == 0 ? doc : doc.at_pointer(p.substr(0, slash));
    parent.as_object()[p.substr(slash + 1)] = json::parse(c.patch);
    const Error e = error_of([&] { kpi_catalogue_from_json(doc, "kpi.json"); });
    CHECK(e.kind() == ErrorKind::invalid_policy);
    CHECK(e.where() == c.where);
    CHECK_THAT(e.why(), Catch::Contains(c.why));
  }
  const json::value no_kpis = json::parse("{}");
  CHECK(error_of([&] { kpi_catalogue_from_json(no_kpis, "kpi.json"); }).where() ==
        "kpi.json: /kpis");
}

TEST_CASE("kpi: reading ledgers for a report", "[kpi]") {
  const json::value one = to_json(full_case("A"));
  const json::value two = json::array{one, to_json(full_case("B"))};
  const json::value wrapped = json::object{{"cases", two}};
  CHECK(case_ledgers_from_json(one, "a.json").size() == 1);
  CHECK(case_ledgers_from_json(two, "b.json").size() == 2);
  const auto read = case_ledgers_from_json(wrapped, "c.json");
  REQUIRE(read.size() == 2);
  CHECK(read[1].case_id == "B");
  CHECK(read[1].entries.size() == full_case().entries.size());
  // the round trip through JSON gives the same KPIs
  const KpiReport r = compute_kpi_report(KpiCatalogue::defaults(), read, q1());
  CHECK(r.find("sales.revenue")->value == 360000.0);

  CHECK(error_of([] { case_ledgers_from_json(json::value(5), "d.json"); }).where() == "d.json");
  CHECK(error_of([] {
          case_ledgers_from_json(json::parse(R"({"cases": 5})"), "e.json");
        }).where() == "e.json: cases");
  json::value broken = wrapped;
  broken.at("cases").at(1).as_object().erase("ledger");
  CHECK(error_of([&] { case_ledgers_from_json(broken, "f.json"); }).where() == "f.json: cases[1]");
}

TEST_CASE("kpi report: a JSON-defined KPI next to the built-ins", "[kpi]") {
  // the example of kpi.hpp: complaints received in the period, over cases active in it
  json::value doc = default_kpi_json();
  doc.at("kpis").as_array().push_back(json::parse(R"({
    "id": "quality.complaints", "title": "Complaints received", "unit": "count",
    "direction": "lower", "target": null,
    "compute": {"aggregate": "sum", "value": {"if": [
      {"some": [{"var": "entries"}, {"var": "in_period"}]},
      {"reduce": [
        {"filter": [{"var": "entries"}, {"and": [{"var": "in_period"},
          {"==": [{"var": "event"}, "service.complaint"]}]}]},
        {"+": [{"var": "accumulator"}, 1]}, 0]},
      null]}}})"));
  const KpiCatalogue cat = kpi_catalogue_from_json(doc, "kpi.json");
  std::vector<CaseLedger> cases{full_case("A")};
  cases.push_back(CaseBuilder("B")
                      .add(EventId::contract_draft, "2025-01-01T00:00:00Z", R"({"amount": 1})")
                      .add(EventId::contract_sign, "2025-01-01T00:00:00Z")
                      .add(EventId::delivery_confirm, "2025-02-01T00:00:00Z")
                      .add(EventId::service_complaint, "2025-12-31T23:00:00Z", R"({"id": "Q0"})")
                      .add(EventId::service_complaint, "2026-01-02T00:00:00Z", R"({"id": "Q1"})")
                      .add(EventId::service_complaint, "2026-03-02T00:00:00Z", R"({"id": "Q2"})")
                      .add(EventId::service_verify, "2026-03-03T00:00:00Z", R"({"id": "Q2"})"));
  cases.push_back(CaseBuilder("C").add(EventId::intake_register, "2025-06-01T00:00:00Z"));
  const KpiReport r = compute_kpi_report(cat, cases, q1());
  // A: active, 0 complaints; B: 2 complaints in the period (Q0 is before it); C: not active
  REQUIRE(r.find("quality.complaints"));
  CHECK(r.find("quality.complaints")->value == 2.0);
  CHECK_FALSE(r.find("quality.complaints")->score);
  CHECK(r.find("quality.issue_timeliness")->value == 1.0);  // Q2 verified after 24 h
  CHECK(r.find("sales.revenue")->value == 180000.0);
  const KpiReport quiet = compute_kpi_report(cat, std::vector<CaseLedger>{cases[2]}, q1());
  CHECK_FALSE(quiet.find("quality.complaints")->value);
}

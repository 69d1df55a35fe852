// The quality report (undertake/quality.hpp) on a small quarter, computed by hand.
#include <catch2/catch.hpp>

#include "kpi_support.hpp"
#include "undertake/quality.hpp"

using kpi_test::CaseBuilder;
using kpi_test::q1;
using undertake::EventId;

namespace {

undertake::CaseLedger with_product(CaseBuilder b, const char* product) {
  undertake::CaseLedger c = b;
  c.data["product"] = boost::json::object{{"name", product}};
  return c;
}

}  // namespace

TEST_CASE("the quality report of a quarter, computed by hand", "[quality]") {
  // Housing: two batches of 100. B1 fails in January (12 porosity, 3 burrs), is reworked for
  // 4,000 and passes 95 in February; B2 passes whole in March. One incoming inspection passes.
  CaseBuilder housing("H-1");
  housing.add(EventId::prep_incoming_inspection, "2026-01-05T09:00:00Z", R"({"passed": true})")
      .add(EventId::production_report, "2026-01-10T09:00:00Z",
           R"({"batch": "B1", "quantity": 100, "cost": 1000})")
      .add(EventId::production_inspect, "2026-01-11T09:00:00Z",
           R"({"batch": "B1", "passed": false, "quantity_passed": 0, "defects": [
                {"cause": "porosity", "quantity": 12}, {"cause": "burrs", "quantity": 3}]})")
      .add(EventId::production_rectify, "2026-01-14T09:00:00Z",
           R"({"batch": "B1", "cost": 4000, "quantity": 15})")
      .add(EventId::production_inspect, "2026-02-02T09:00:00Z",
           R"({"batch": "B1", "passed": true, "quantity_passed": 95, "defects": [
                {"cause": "porosity", "quantity": 5}]})")
      .add(EventId::production_report, "2026-03-01T09:00:00Z",
           R"({"batch": "B2", "quantity": 100, "cost": 1000})")
      .add(EventId::production_inspect, "2026-03-02T09:00:00Z",
           R"({"batch": "B2", "passed": true})")
      .add(EventId::service_complaint, "2026-03-20T09:00:00Z",
           R"({"id": "K1", "severity": "major", "description": "leak"})")
      .add(EventId::service_investigate, "2026-03-21T09:00:00Z",
           R"({"id": "K1", "root_cause": "porosity", "responsibility": "production"})");
  // Bracket: one batch of 50 fails on burrs (2 units) in March; a rectification without cost; a
  // minor complaint on packing. Its April inspection lies outside the quarter.
  CaseBuilder bracket("B-1");
  bracket
      .add(EventId::production_report, "2026-03-05T09:00:00Z",
           R"({"batch": "K1", "quantity": 50, "cost": 500})")
      .add(EventId::production_inspect, "2026-03-06T09:00:00Z",
           R"({"batch": "K1", "passed": false, "quantity_passed": 48, "defects": [
                {"cause": "burrs", "quantity": 2}]})")
      .add(EventId::production_rectify, "2026-03-07T09:00:00Z", R"({"batch": "K1"})")
      .add(EventId::service_complaint, "2026-03-25T09:00:00Z",
           R"({"id": "K2", "severity": "minor", "description": "dented box"})")
      .add(EventId::service_investigate, "2026-03-26T09:00:00Z",
           R"({"id": "K2", "root_cause": "packing", "responsibility": "production"})")
      .add(EventId::production_inspect, "2026-04-02T09:00:00Z",
           R"({"batch": "K1", "passed": true, "defects": [{"cause": "burrs"}]})");

  const auto report = undertake::compute_quality_report(
      {with_product(housing, "housing"), with_product(bracket, "bracket")}, q1());
  const auto& r = report.as_object();
  CHECK(r.at("cases") == 2);

  // Inspections in Q1: housing 1 incoming + 3 in-process (2 passed + incoming = 3 of 4);
  // bracket 1 (failed). Total 5, 3 passed → 0.6. Quantities: housing 100 + 100 + 100 inspected,
  // 0 + 95 + 100 passed; bracket 50 / 48. Yield (195 + 48) ÷ 350.
  const auto& total = r.at("inspections").at("total").as_object();
  CHECK(total.at("count") == 5);
  CHECK(total.at("passed") == 3);
  CHECK(total.at("pass_rate").as_double() == Approx(0.6));
  CHECK(total.at("quantity").to_number<double>() == Approx(350));
  CHECK(total.at("yield").as_double() == Approx(243.0 / 350));
  const auto& by_product = r.at("inspections").at("by_product").as_object();
  CHECK(by_product.at("housing").at("pass_rate").as_double() == Approx(0.75));
  CHECK(by_product.at("bracket").at("pass_rate").as_double() == Approx(0.0));
  const auto& by_month = r.at("inspections").at("by_month").as_object();
  CHECK(by_month.at("2026-01").at("count") == 2);  // incoming + B1's first
  CHECK(by_month.at("2026-02").at("pass_rate").as_double() == Approx(1.0));
  CHECK(by_month.at("2026-03").at("count") == 2);  // B2, K1
  CHECK_FALSE(by_month.contains("2026-04"));

  // Pareto: porosity 12 + 5 + 1 (complaint) = 18, burrs 3 + 2 = 5, packing 1; total 24.
  const auto& defects = r.at("defects").as_array();
  REQUIRE(defects.size() == 3);
  CHECK(defects[0].at("cause") == "porosity");
  CHECK(defects[0].at("count").to_number<double>() == Approx(18));
  CHECK(defects[0].at("share").as_double() == Approx(18.0 / 24));
  CHECK(defects[0].at("cumulative_share").as_double() == Approx(18.0 / 24));
  CHECK(defects[0].at("occurrences") == 3);  // two inspections and a complaint
  CHECK(defects[0].at("sources").at("complaint") == 1);
  CHECK(defects[0].at("repeat") == true);
  CHECK(defects[1].at("cause") == "burrs");
  CHECK(defects[1].at("cumulative_share").as_double() == Approx(23.0 / 24));
  CHECK(defects[1].at("cases").as_array().size() == 2);  // H-1 and B-1
  CHECK(defects[1].at("repeat") == true);
  CHECK(defects[2].at("cause") == "packing");
  CHECK(defects[2].at("cumulative_share").as_double() == Approx(1.0));
  CHECK(defects[2].at("repeat") == false);  // named once
  CHECK(r.at("repeat_causes") == boost::json::array{"porosity", "burrs"});

  // Rectifications: 2, cost 4,000 (+ 0), reworked 15.
  const auto& rework = r.at("rectifications").as_object();
  CHECK(rework.at("count") == 2);
  CHECK(rework.at("cost").to_number<double>() == Approx(4000));
  CHECK(rework.at("reworked_quantity").to_number<double>() == Approx(15));
  CHECK(rework.at("by_product").at("bracket").at("cost").to_number<double>() == Approx(0));

  // Complaints: 2, one major and one minor; root causes porosity and packing.
  const auto& complaints = r.at("complaints").as_object();
  CHECK(complaints.at("count") == 2);
  CHECK(complaints.at("by_severity").at("major") == 1);
  CHECK(complaints.at("by_severity").at("minor") == 1);
  CHECK(complaints.at("by_root_cause").at("porosity") == 1);

  const std::string text = undertake::quality_report_text(report);
  CHECK_THAT(text, Catch::Contains("* porosity"));
  CHECK_THAT(text, Catch::Contains("75.0 %"));
}

TEST_CASE("a quarter without quality data reports zero counts and null rates", "[quality]") {
  const auto report = undertake::compute_quality_report({}, q1());
  CHECK(report.at("inspections").at("total").at("count") == 0);
  CHECK(report.at("inspections").at("total").at("pass_rate").is_null());
  CHECK(report.at("defects").as_array().empty());
}

TEST_CASE("defects that are not [{cause, quantity}] name the case and entry", "[quality]") {
  CaseBuilder c("X-1");
  c.add(EventId::production_report, "2026-01-10T09:00:00Z",
        R"({"batch": "B1", "quantity": 10, "cost": 1})")
      .add(EventId::production_inspect, "2026-01-11T09:00:00Z",
           R"({"batch": "B1", "passed": false, "defects": [{"quantity": 2}]})");
  CHECK_THROWS_WITH(undertake::compute_quality_report({c}, q1()),
                    Catch::Contains("case X-1 seq 2 (production.inspect): payload.defects[0]"));
}

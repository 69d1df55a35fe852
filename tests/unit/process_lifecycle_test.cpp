// The process of design.md §2: every stage, every loop, every ending, history on resume.
#include <catch2/catch.hpp>

#include "support/order_driver.hpp"

using namespace undertake;
using namespace undertake::testing;

namespace {

const Engine& engine() {
  static const Engine e;  // the built-in default policy
  return e;
}

std::string joined(const std::vector<std::string>& state) {
  std::string s;
  for (const auto& p : state) s += (s.empty() ? "" : " | ") + p;
  return s;
}

}  // namespace

TEST_CASE("a new case waits in Intake.Registered", "[process]") {
  OrderDriver d(engine());
  CHECK(d.the_case().state() == std::vector<std::string>{"Intake.Registered"});
  CHECK(d.the_case().stage() == "Intake");
  CHECK(d.the_case().ledger().empty());
  CHECK(d.the_case().policy_version() == "2026.1");
}

TEST_CASE("the main path goes through every stage in the order of the policy", "[process]") {
  OrderDriver d(engine());
  const std::vector<std::pair<const char*, const char*>> expected = {
      {"intake.forward", "Intake.SalesReview"},
      {"intake.confirm",
       "Evaluation.Commercial.Quoting | Evaluation.Technical.Assessing | "
       "Evaluation.Capacity.Checking | Evaluation.QualityRisk.Assessing"},
      {"evaluation.quote",
       "Evaluation.Commercial.Quoted | Evaluation.Technical.Assessing | "
       "Evaluation.Capacity.Checking | Evaluation.QualityRisk.Assessing"},
      {"evaluation.technical",
       "Evaluation.Commercial.Quoted | Evaluation.Technical.Assessed | "
       "Evaluation.Capacity.Checking | Evaluation.QualityRisk.Assessing"},
      {"evaluation.capacity",
       "Evaluation.Commercial.Quoted | Evaluation.Technical.Assessed | "
       "Evaluation.Capacity.Checked | Evaluation.QualityRisk.Assessing"},
      {"evaluation.quality",
       "Evaluation.Commercial.Quoted | Evaluation.Technical.Assessed | "
       "Evaluation.Capacity.Checked | Evaluation.QualityRisk.Assessed"},
      {"evaluation.approve", "Contract.Negotiation"},
      {"contract.draft", "Contract.Drafting"},
      {"contract.submit", "Contract.LegalReview"},
      {"contract.legal_approve", "Contract.AwaitingSignature"},
      {"contract.approve", "Contract.AwaitingSignature"},
      {"contract.sign", "Contract.Signed"},
      {"contract.archive", "Kickoff.Meeting"},
      {"kickoff.meeting", "Kickoff.TaskAssignment"},
      {"kickoff.assign", "Kickoff.TaskAssignment"},
      {"kickoff.assign", "Kickoff.TaskAssignment"},
      {"kickoff.assign", "Design.Designing"},
      {"design.submit", "Design.DesignReview"},
      {"design.review", "Design.SampleMaking"},
      {"sample.build", "Design.SampleTesting"},
      {"sample.test", "Design.CustomerConfirmation"},
      {"sample.confirm",
       "Preparation.Production.Preparing | Preparation.Quality.IncomingInspection"},
      {"prep.materials",
       "Preparation.Production.Preparing | Preparation.Quality.IncomingInspection"},
      {"prep.incoming_inspection",
       "Preparation.Production.Preparing | Preparation.Quality.InspectionPlanning"},
      {"prep.equipment",
       "Preparation.Production.Preparing | Preparation.Quality.InspectionPlanning"},
      {"prep.training",
       "Preparation.Production.Preparing | Preparation.Quality.InspectionPlanning"},
      {"prep.inspection_plan", "Preparation.Production.Preparing | Preparation.Quality.Ready"},
      {"prep.instructions", "Production.Producing"},
      {"production.report", "Production.Inspection"},      // B1
      {"production.inspect", "Production.Producing"},      // B1 passes
      {"production.report", "Production.Inspection"},      // B2
      {"production.inspect", "Production.Rectification"},  // B2 fails
      {"production.rectify", "Production.Inspection"},     // and is reworked
      {"production.inspect", "Production.Producing"},      // B2 passes
      {"production.complete", "Delivery.Packing"},
      {"delivery.pack", "Delivery.Packed"},
      {"delivery.ship", "Delivery.Shipped"},
      {"delivery.confirm", "AfterSales.Service"},
      {"service.feedback", "AfterSales.Service"},
      {"case.close", "Closed"},
  };
  const auto path = main_path();
  REQUIRE(path.size() == expected.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    INFO("step " << i + 1 << ": " << path[i].event);
    REQUIRE(std::string(path[i].event) == expected[i].first);
    const Outcome o = d.fire(path[i]);
    REQUIRE(o.accepted);
    CHECK(joined(o.state) == expected[i].second);
    CHECK(o.seq == i + 1);
  }
  CHECK(d.the_case().stage() == "Closed");
  CHECK(d.the_case().ledger().size() == path.size());
}

TEST_CASE("the production region of Preparation completes in any order", "[process]") {
  OrderDriver d(engine());
  d.advance_to("prep.materials");
  for (const char* e : {"prep.instructions", "prep.training", "prep.equipment"})
    REQUIRE(d.fire(e, kProduction).accepted);
  CHECK(d.the_case().in("Preparation.Production.Preparing"));
  REQUIRE(d.fire("prep.materials", kProduction).accepted);
  CHECK(d.the_case().in("Preparation.Production.Ready"));
  CHECK(d.the_case().in("Preparation.Quality.IncomingInspection"));
  REQUIRE(d.fire("prep.incoming_inspection", kQuality, R"({"passed": false})").accepted);
  CHECK(d.the_case().in("Preparation.Quality.IncomingInspection"));  // re-inspect
  REQUIRE(d.fire("prep.incoming_inspection", kQuality, R"({"passed": true})").accepted);
  REQUIRE(d.fire("prep.inspection_plan", kQuality, "{}").accepted);
  CHECK(d.the_case().state() == std::vector<std::string>{"Production.Producing"});  // the join
}

TEST_CASE("loops go back and forth", "[process]") {
  OrderDriver d(engine());
  SECTION("legal review ⇄ revision") {
    d.advance_to("contract.legal_approve");
    REQUIRE(d.fire("contract.legal_reject", kLegal, R"({"comments": "clause 7"})").accepted);
    CHECK(d.the_case().in("Contract.Revision"));
    REQUIRE(d.fire("contract.revise", kSales,
                   R"({"amount": 430000, "delivery_date": "2026-06-30", "payment_terms": "30/70"})")
                .accepted);
    CHECK(d.the_case().in("Contract.LegalReview"));
    REQUIRE(d.fire("contract.legal_approve", kLegal).accepted);
    CHECK(d.the_case().in("Contract.AwaitingSignature"));
    CHECK(d.the_case().record().at("contract").at("version") == 2);
  }
  SECTION("design rework") {
    d.advance_to("design.review");
    REQUIRE(d.fire("design.review", kTechnical, R"({"passed": false})").accepted);
    CHECK(d.the_case().in("Design.Designing"));
  }
  SECTION("sample fix and customer optimisation") {
    d.advance_to("sample.test");
    REQUIRE(d.fire("sample.test", kQuality, R"({"passed": false})").accepted);
    CHECK(d.the_case().in("Design.SampleMaking"));
    REQUIRE(d.fire("sample.build", kDesigner).accepted);
    REQUIRE(d.fire("sample.test", kQuality, R"({"passed": true})").accepted);
    REQUIRE(d.fire("sample.confirm", kSales, R"({"accepted": false})").accepted);
    CHECK(d.the_case().in("Design.SampleMaking"));
    CHECK(d.the_case().record().at("sample").at("first_test_passed") == false);
  }
  SECTION("production rectification") {
    d.advance_to("production.inspect");
    REQUIRE(d.fire("production.inspect", kQuality, R"({"batch": "B1", "passed": false})").accepted);
    CHECK(d.the_case().in("Production.Rectification"));
    REQUIRE(d.fire("production.rectify", kProduction, R"({"batch": "B1"})").accepted);
    CHECK(d.the_case().in("Production.Inspection"));
    // without a cost or a quantity the record is what it was before rework costs were kept
    // (snapshots taken then still restore)
    const auto& batch = d.the_case().record().at("production").at("batches").at("B1");
    CHECK(batch.at("rectifications") == 1);
    CHECK_FALSE(batch.as_object().contains("rectification_cost"));
    CHECK_FALSE(batch.as_object().contains("reworked_quantity"));
  }
  SECTION("rework costs count in the actual cost (policy §二(七)2)") {
    d.advance_to("production.inspect");  // B1: 250 units reported at a cost of 140000
    const auto production = [&]() -> const boost::json::value& {
      return d.the_case().record().at("production");
    };
    REQUIRE(d.fire("production.inspect", kQuality, R"({"batch": "B1", "passed": false})").accepted);
    // the units reworked are whole units of the batch, the cost a number ≥ 0
    for (const char* bad :
         {R"({"batch": "B1", "cost": -1})", R"({"batch": "B1", "cost": "9"})",
          R"({"batch": "B1", "quantity": 2.5})", R"({"batch": "B1", "quantity": -1})",
          R"({"batch": "B1", "quantity": 251})"}) {
      INFO(bad);
      const Outcome o = d.fire("production.rectify", kProduction, bad);
      REQUIRE_FALSE(o.accepted);
      CHECK(o.reasons.front().kind == ReasonKind::invalid_payload);
    }
    const Outcome too_many =
        d.fire("production.rectify", kProduction, R"({"batch": "B1", "quantity": 251})");
    CHECK_THAT(too_many.reasons.front().message,
               Catch::Contains("payload.quantity 251") &&
                   Catch::Contains("exceeds the batch's reported quantity 250"));
    CHECK(production().at("actual_cost") == 140000);
    REQUIRE(d.fire("production.rectify", kProduction,
                   R"({"batch": "B1", "cost": 12500.5, "quantity": 40})")
                .accepted);
    REQUIRE(d.fire("production.inspect", kQuality, R"({"batch": "B1", "passed": false})").accepted);
    REQUIRE(d.fire("production.rectify", kProduction, R"({"batch": "B1", "cost": 1500})").accepted);
    // 140000 + 12500.5 + 1500
    CHECK(production().at("actual_cost").to_number<double>() == 154000.5);
    const auto& batch = production().at("batches").at("B1");
    CHECK(batch.at("rectifications") == 2);
    CHECK(batch.at("rectification_cost").to_number<double>() == 14000.5);
    CHECK(batch.at("reworked_quantity") == 40);
    CHECK(batch.at("cost") == 140000);  // the report's own cost is kept apart
  }
  SECTION("the complaint loop") {
    d.advance_to("service.feedback");
    REQUIRE(d.fire("service.complaint", kSales,
                   R"({"id": "C1", "severity": "minor", "description": "scratch"})")
                .accepted);
    REQUIRE(d.fire("service.investigate", kQuality,
                   R"({"id": "C1", "root_cause": "packing", "responsibility": "production"})")
                .accepted);
    REQUIRE(d.fire("service.resolve", kQuality, R"({"id": "C1", "solution": "foam inserts"})")
                .accepted);
    REQUIRE(d.fire("service.verify", kQuality, R"({"id": "C1", "satisfied": false})").accepted);
    CHECK(d.the_case().in("AfterSales.Investigation"));
    REQUIRE(d.fire("service.resolve", kQuality, R"({"id": "C1", "solution": "new packaging"})")
                .accepted);
    REQUIRE(d.fire("service.verify", kQuality, R"({"id": "C1", "satisfied": true})").accepted);
    CHECK(d.the_case().in("AfterSales.Service"));
    CHECK(d.the_case().record().at("service").at("open_complaints").to_number<int>() == 0);
  }
}

TEST_CASE("suspend and resume return to the exact configuration, in every stage",
          "[process][history]") {
  // At every point of the main path, a suspension followed by a resumption restores the active
  // configuration exactly (every region of every stage).
  const auto path = main_path();
  for (std::size_t stop = 1; stop < path.size() - 1; ++stop) {
    OrderDriver d(engine());
    for (std::size_t i = 0; i < stop; ++i) REQUIRE(d.fire(path[i]).accepted);
    const auto before = d.the_case().state();
    INFO("after " << path[stop - 1].event << " in " << joined(before));
    REQUIRE(d.fire("case.suspend", kSales, R"({"reason": "customer asked to pause"})").accepted);
    CHECK(d.the_case().state() == std::vector<std::string>{"Suspended"});
    // Restored from its state alone (snapshot format 3, no replay), the suspended case resumes to
    // the same configuration.
    Case restored = engine().restore(d.the_case().snapshot(SnapshotOptions{false}));
    CHECK(restored.snapshot() == d.the_case().snapshot(SnapshotOptions{false}));
    REQUIRE(
        restored
            .fire("case.resume", kBoss, {}, *d.the_case().ledger_head().at + std::chrono::hours(1))
            .accepted);
    CHECK(restored.state() == before);
    CHECK_FALSE(d.fire(path[stop]).accepted);
    REQUIRE(d.fire("case.resume", kBoss).accepted);
    CHECK(d.the_case().state() == before);
    CHECK(d.fire(path[stop]).accepted);  // and the case goes on as if nothing happened
  }
}

TEST_CASE("standard catalogue products skip Design", "[process][routes]") {
  auto data = regular_order();
  data["product"].as_object()["standard"] = true;
  OrderDriver d(engine(), "STD-1", data);
  d.advance_to("design.submit");
  CHECK(d.the_case().state() == std::vector<std::string>{"Preparation.Production.Preparing",
                                                         "Preparation.Quality.IncomingInspection"});
}

TEST_CASE("key customers and major projects need a strategy meeting", "[process][routes]") {
  for (const char* change : {R"({"customer": {"name": "Sinotruk", "tier": "key"}})",
                             R"({"estimated_amount": 2000000})"}) {
    auto data = regular_order();
    const boost::json::value changes = boost::json::parse(change);
    for (const auto& kv : changes.as_object()) data[kv.key()] = kv.value();
    OrderDriver d(engine(), "KEY-1", data);
    REQUIRE(d.fire("intake.forward", kMarket).accepted);
    REQUIRE(d.fire("intake.confirm", kSales).accepted);
    CHECK(d.the_case().state() == std::vector<std::string>{"Intake.StrategyMeeting"});
    REQUIRE(d.fire("intake.strategy_meeting", kSales, R"({"minutes": "go"})").accepted);
    CHECK(d.the_case().in("Evaluation"));
  }
}

TEST_CASE("endings: rejected, cancelled, closed", "[process]") {
  SECTION("rejected in evaluation") {
    OrderDriver d(engine());
    d.advance_to("evaluation.quote");
    REQUIRE(d.fire("evaluation.reject", kSales, R"({"reason": "withdrawn"})").accepted);
    CHECK(d.the_case().stage() == "Rejected");
    CHECK(d.the_case().available(kSales).empty());
  }
  SECTION("cancelled before delivery, not after") {
    OrderDriver d(engine());
    d.advance_to("delivery.pack");
    CHECK_FALSE(d.fire("case.cancel", kSales, R"({"reason": "late"})").accepted);
    OrderDriver e(engine());
    e.advance_to("production.report");
    REQUIRE(e.fire("case.cancel", kSales, R"({"reason": "insolvent"})").accepted);
    CHECK(e.the_case().stage() == "Cancelled");
  }
  SECTION("closing needs no open complaint") {
    OrderDriver d(engine());
    d.advance_to("case.close");
    REQUIRE(d.fire("case.close", kSales).accepted);
    CHECK(d.the_case().stage() == "Closed");
  }
}

TEST_CASE("internal transitions record without moving", "[process]") {
  OrderDriver d(engine());
  SECTION("the market updates the requirement form before forwarding it") {
    REQUIRE(d.fire("intake.register", kMarket, R"({"quantity": 800, "spec": "rev D"})").accepted);
    CHECK(d.the_case().state() == std::vector<std::string>{"Intake.Registered"});
    CHECK(d.the_case().record().at("data").at("quantity") == 800);
  }
  SECTION("a revised quotation, a redraft, approvals during legal review, a handover") {
    d.advance_to("evaluation.technical");
    REQUIRE(d.fire("evaluation.quote", kSales, R"({"price": 500000, "cost": 320000})").accepted);
    CHECK(d.the_case().in("Evaluation.Commercial.Quoted"));
    CHECK(d.the_case().record().at("evaluation").at("quote").at("margin").to_number<double>() ==
          Approx(0.36));
    d.advance_to("contract.draft");
    REQUIRE(d.fire("contract.draft", kSales,
                   R"({"amount": 1, "delivery_date": "2026-06-30", "payment_terms": "x"})")
                .accepted);
    REQUIRE(d.fire("contract.draft", kSales,
                   R"({"amount": 2, "delivery_date": "2026-06-30", "payment_terms": "x"})")
                .accepted);
    CHECK(d.the_case().in("Contract.Drafting"));
    REQUIRE(d.fire("contract.submit", kSales).accepted);
    REQUIRE(d.fire("contract.approve", kBoss).accepted);
    CHECK(d.the_case().in("Contract.LegalReview"));
    REQUIRE(d.fire("case.handover", kBoss, R"({"from": "li", "to": "chen"})").accepted);
    CHECK(d.the_case().in("Contract.LegalReview"));
    CHECK(d.the_case().record().at("handovers").as_array().size() == 1);
  }
  SECTION("risks are updated in later stages, feedback during the complaint loop") {
    d.advance_to("service.feedback");
    REQUIRE(
        d.fire("evaluation.risks", kQuality,
               R"({"risks": [{"id": "R9", "category": "quality", "description": "field failures",
                       "probability": 2, "impact": 3}]})")
            .accepted);
    CHECK(d.the_case().record().at("risk").at("open") == 1);
    REQUIRE(d.fire("service.complaint", kSales,
                   R"({"id": "C1", "severity": "minor", "description": "x"})")
                .accepted);
    REQUIRE(d.fire("service.feedback", kSales, R"({"score": 2})").accepted);
    CHECK(d.the_case().in("AfterSales.Complaint"));
  }
}

// The risk register: adding, merging, validation with JSON paths, atomicity, round trips.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include "support/errors.hpp"
#include "undertake/risk.hpp"

namespace json = boost::json;
using namespace undertake;

namespace {

using undertake::testing::error_of;
using undertake::testing::ErrorIs;

json::object payload(std::string_view text) {
  return json::parse(text).as_object();
}

}  // namespace

TEST_CASE("risk register: new risks are added with defaults", "[risk]") {
  RiskRegister reg;
  reg.apply(payload(R"({"risks": [
      {"id": "R1", "category": "market", "description": "demand drop", "probability": 3,
       "impact": 4},
      {"id": "R2", "category": "legal", "probability": 1, "impact": 2, "response": "accept",
       "owner": "li", "note": "kept"}]})"));
  REQUIRE(reg.risks().size() == 2);
  const Risk& r1 = reg.risks()[0];
  CHECK(r1.id == "R1");
  CHECK(r1.category == RiskCategory::market);
  CHECK(r1.description == "demand drop");
  CHECK(r1.probability == 3);
  CHECK(r1.impact == 4);
  CHECK_FALSE(r1.response);
  CHECK_FALSE(r1.owner);
  CHECK(r1.status == RiskStatus::open);
  const Risk* r2 = reg.find("R2");
  REQUIRE(r2);
  CHECK(r2->description.empty());
  CHECK(r2->response == RiskResponse::accept);
  CHECK(r2->owner == std::optional<std::string>("li"));
  CHECK(r2->extra.at("note") == "kept");
}

TEST_CASE("risk register: the same id merges only the fields given", "[risk]") {
  RiskRegister reg;
  reg.apply(payload(
      R"({"risks": [{"id": "R1", "category": "technical", "description": "d", "probability": 4,
                     "impact": 4, "owner": "zhao"}]})"));
  reg.apply(payload(R"({"risks": [{"id": "R1", "response": "mitigate", "probability": 2}]})"),
            "evaluation.risks");
  REQUIRE(reg.risks().size() == 1);
  const Risk& r = reg.risks()[0];
  CHECK(r.category == RiskCategory::technical);
  CHECK(r.description == "d");
  CHECK(r.probability == 2);
  CHECK(r.impact == 4);
  CHECK(r.response == RiskResponse::mitigate);
  CHECK(r.owner == std::optional<std::string>("zhao"));
  // null clears a decision; status closes a risk
  reg.apply(payload(R"({"risks": [{"id": "R1", "owner": null, "status": "closed"}]})"));
  CHECK_FALSE(reg.risks()[0].owner);
  CHECK(reg.risks()[0].status == RiskStatus::closed);
  // the same id twice in one payload: the second updates the first
  reg.apply(payload(R"({"risks": [
      {"id": "R9", "category": "quality", "probability": 1, "impact": 1},
      {"id": "R9", "impact": 5}]})"));
  REQUIRE(reg.find("R9"));
  CHECK(reg.find("R9")->impact == 5);
  CHECK(reg.risks().size() == 2);
}

TEST_CASE("risk register: every entry is validated first and errors name the JSON path", "[risk]") {
  RiskRegister reg;
  reg.apply(
      payload(R"({"risks": [{"id": "R1", "category": "market", "probability": 1, "impact": 1}]})"));
  const auto before = json::serialize(reg.to_json());

  struct Bad {
    const char* payload;
    const char* where;
    const char* why_contains;
  };
  const Bad cases[] = {
      {R"({"risks": [{"id": "R1", "impact": 2}, {"id": "R2", "category": "market",
           "probability": 1, "impact": 1}, {"id": "R3", "category": "legal", "probability": 7,
           "impact": 1}]})",
       "evaluation.risks: payload.risks[2].probability", "1–5, got 7"},
      {R"({"risks": [{"id": "R1", "impact": 0}]})", "evaluation.risks: payload.risks[0].impact",
       "got 0"},
      {R"({"risks": [{"id": "R1", "impact": "high"}]})",
       "evaluation.risks: payload.risks[0].impact", "got \"high\""},
      {R"({"risks": [{"id": "R1", "impact": 2.5}]})", "evaluation.risks: payload.risks[0].impact",
       "whole number"},
      {R"({"risks": [{"id": "R1", "category": "weather"}]})",
       "evaluation.risks: payload.risks[0].category", "\"market\""},
      {R"({"risks": [{"id": "R1", "response": "ignore"}]})",
       "evaluation.risks: payload.risks[0].response", "\"mitigate\""},
      {R"({"risks": [{"id": "R1", "owner": ""}]})", "evaluation.risks: payload.risks[0].owner",
       "non-empty"},
      {R"({"risks": [{"id": "R1", "status": "done"}]})",
       "evaluation.risks: payload.risks[0].status", "\"closed\""},
      {R"({"risks": [{"id": "R1", "detection": 11}]})",
       "evaluation.risks: payload.risks[0].detection", "1–10"},
      {R"({"risks": [{"id": "R2", "category": "market", "impact": 3}]})",
       "evaluation.risks: payload.risks[0].probability", "new"},
      {R"({"risks": [{"category": "market"}]})", "evaluation.risks: payload.risks[0].id",
       "missing"},
      {R"({"risks": [{"id": 5}]})", "evaluation.risks: payload.risks[0].id", "non-empty string"},
      {R"({"risks": [3]})", "evaluation.risks: payload.risks[0]", "risk object"},
      {R"({"risks": {"id": "R1"}})", "evaluation.risks: payload.risks", "array"},
      {R"({"risk": []})", "evaluation.risks: payload.risks", "missing"},
  };
  for (const auto& c : cases) {
    INFO(c.payload);
    CHECK_THROWS_MATCHES(reg.apply(payload(c.payload), "evaluation.risks"), Error,
                         ErrorIs(ErrorKind::invalid_argument).at(c.where).saying(c.why_contains));
    CHECK(json::serialize(reg.to_json()) == before);  // nothing changed
  }
  // without a `where`, the path stands alone
  const Error e =
      error_of([&] { reg.apply(payload(R"({"risks": [{"id": "R1", "impact": 9}]})")); });
  CHECK(e.where() == "payload.risks[0].impact");
}

TEST_CASE("risk register: JSON round trip and ledger replay", "[risk]") {
  RiskRegister reg;
  reg.apply(payload(R"({"risks": [
      {"id": "R1", "category": "production", "description": "press", "probability": 2,
       "impact": 5, "response": "transfer", "owner": "wu", "severity": 9, "custom": [1, 2]},
      {"id": "R2", "category": "quality", "probability": 3, "impact": 3, "status": "closed"}]})"));
  const json::value j = reg.to_json();
  const RiskRegister back = RiskRegister::from_json(j);
  CHECK(json::serialize(back.to_json()) == json::serialize(j));
  CHECK(back.find("R1")->severity == 9);
  CHECK(back.find("R1")->extra.at("custom") == json::array{1, 2});
  // a bare array is accepted too; errors on restore are invalid_snapshot
  CHECK(RiskRegister::from_json(j.at("risks")).risks().size() == 2);
  CHECK_THROWS_MATCHES(
      RiskRegister::from_json(json::parse(R"([{"id": "X", "category": "market"}])"), "snapshot"),
      Error, ErrorIs(ErrorKind::invalid_snapshot).at("snapshot: payload.risks[0].probability"));

  CaseLedger ledger;
  ledger.case_id = "C-7";
  auto add = [&](EventId ev, std::string_view p) {
    LedgerEntry e;
    e.seq = ledger.entries.size() + 1;
    e.event = ev;
    e.payload = payload(p);
    ledger.entries.push_back(std::move(e));
  };
  add(EventId::evaluation_quote, R"({"price": 100, "cost": 80})");
  add(EventId::evaluation_risks,
      R"({"risks": [{"id": "R1", "category": "market", "probability": 4, "impact": 4}]})");
  add(EventId::production_report,
      R"({"batch": "B1", "quantity": 10, "cost": 5, "risks": [{"id": "R1", "owner": "qa"}]})");
  const RiskRegister replayed = RiskRegister::from_ledger(ledger);
  REQUIRE(replayed.risks().size() == 1);
  CHECK(replayed.risks()[0].owner == std::optional<std::string>("qa"));

  add(EventId::evaluation_risks, R"({"risks": [{"id": "R1", "impact": 6}]})");
  const Error bad = error_of([&] { RiskRegister::from_ledger(ledger); });
  CHECK(bad.where() == "case C-7 seq 4 (evaluation.risks): payload.risks[0].impact");
}

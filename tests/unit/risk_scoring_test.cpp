// Risk scoring (design.md §5): hand-computed scores, levels, category scores, index, counts; the
// model file; the FMEA scorer; the registry.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include "support/errors.hpp"
#include "undertake/json_text.hpp"
#include "undertake/risk.hpp"

namespace json = boost::json;
using namespace undertake;

namespace {

using undertake::testing::error_of;
using undertake::testing::ErrorIs;

RiskRegister register_of(std::string_view risks) {
  RiskRegister r;
  r.apply(json::parse(std::string(R"({"risks": )") + std::string(risks) + "}").as_object());
  return r;
}

json::value default_risk_json() {
  return read_json_file(UNDERTAKE_SOURCE_DIR "/rules/default/risk.json", InputLimits{});
}

}  // namespace

TEST_CASE("risk model: the default file gives the design.md §5 model", "[risk]") {
  const RiskModel& m = RiskModel::defaults();
  CHECK(m.scorer == "probability_impact");
  CHECK(m.max_score == 25);
  REQUIRE(m.bands.size() == 4);
  CHECK(m.bands[0].level == "low");
  CHECK(m.bands[3].level == "critical");
  CHECK(m.attention_band == 2);
  for (double w : m.weights) CHECK(w == Approx(0.2));
  // band edges
  CHECK(m.band_of(1) == 0u);
  CHECK(m.band_of(4) == 0u);
  CHECK(m.band_of(5) == 1u);
  CHECK(m.band_of(9) == 1u);
  CHECK(m.band_of(10) == 2u);
  CHECK(m.band_of(15) == 2u);
  CHECK(m.band_of(16) == 3u);
  CHECK(m.band_of(25) == 3u);
  CHECK_FALSE(m.band_of(0));
  CHECK_FALSE(m.band_of(26));
  // the file on disk is the embedded one
  const RiskModel from_file = risk_model_from_json(default_risk_json(), "risk.json");
  CHECK(from_file.bands.size() == 4);
  CHECK(from_file.bands[2].min == 10);
}

TEST_CASE("risk scoring: probability × impact, hand-computed", "[risk]") {
  // R1 market 3×4=12 high; R2 market 2×2=4 low; R3 technical 4×5=20 critical (no owner);
  // R4 legal 5×5=25 closed (ignored); R5 quality 3×3=9 medium; R6 production 2×5=10 high with
  // response and owner.
  const RiskRegister reg = register_of(R"([
    {"id": "R1", "category": "market", "probability": 3, "impact": 4, "response": "mitigate"},
    {"id": "R2", "category": "market", "probability": 2, "impact": 2},
    {"id": "R3", "category": "technical", "probability": 4, "impact": 5, "response": "avoid"},
    {"id": "R4", "category": "legal", "probability": 5, "impact": 5, "status": "closed"},
    {"id": "R5", "category": "quality", "probability": 3, "impact": 3},
    {"id": "R6", "category": "production", "probability": 2, "impact": 5, "response": "transfer",
     "owner": "wu"}])");
  const ScorerRegistry scorers;
  const RiskAssessment a = scorers.assess(reg, RiskModel::defaults());
  CHECK(a.scorer == "probability_impact");
  REQUIRE(a.risks.size() == 6);
  CHECK(a.risks[0].score == 12);
  CHECK(a.risks[0].level == "high");
  CHECK(a.risks[1].score == 4);
  CHECK(a.risks[1].level == "low");
  CHECK(a.risks[2].score == 20);
  CHECK(a.risks[2].level == "critical");
  CHECK(a.risks[3].score == 25);
  CHECK(a.risks[3].status == RiskStatus::closed);
  CHECK(a.risks[4].level == "medium");
  CHECK(a.risks[5].level == "high");
  // categories: market max(12,4)=12, technical 20, production 10, quality 9, legal 0 (closed)
  CHECK(a.categories == std::array<std::int64_t, 5>{12, 20, 10, 9, 0});
  // index = 100 × (0.2×12 + 0.2×20 + 0.2×10 + 0.2×9 + 0) / 25 = 100 × 10.2 / 25 = 40.8
  CHECK(a.index == Approx(40.8));
  CHECK(a.level == "critical");
  CHECK(a.open == 5);
  // high or critical, open, lacking response or owner: R1 (no owner), R3 (no owner) → 2
  CHECK(a.unmitigated_high == 2);
  CHECK(a.critical == 1);
  REQUIRE(a.levels.size() == 4);
  CHECK(a.levels[0].second == 1);
  CHECK(a.levels[1].second == 1);
  CHECK(a.levels[2].second == 2);
  CHECK(a.levels[3].second == 1);

  const json::value j = a.to_json();
  CHECK(j.at("index").as_double() == Approx(40.8));
  CHECK(j.at("level") == "critical");
  CHECK(j.at("categories").at("market") == 12);
  CHECK(j.at("categories").at("legal") == 0);
  CHECK(j.at("open") == 5);
  CHECK(j.at("unmitigated_high") == 2);
  CHECK(j.at("critical") == 1);
  CHECK(j.at("levels").at("high") == 2);
  CHECK(j.at("risks").at(0).at("id") == "R1");
  CHECK(j.at("risks").at(0).at("score") == 12);
  CHECK(j.at("risks").at(0).at("level") == "high");
  CHECK(j.at("risks").at(0).at("owner").is_null());
  CHECK(j.at("risks").at(5).at("owner") == "wu");
}

TEST_CASE("risk scoring: empty register and only closed risks give level none", "[risk]") {
  const ScorerRegistry scorers;
  const RiskAssessment empty = scorers.assess(RiskRegister{}, RiskModel::defaults());
  CHECK(empty.level == "none");
  CHECK(empty.index == 0);
  CHECK(empty.open == 0);
  CHECK(empty.to_json().at("risks").as_array().empty());
  const RiskAssessment closed = scorers.assess(
      register_of(
          R"([{"id": "R", "category": "legal", "probability": 5, "impact": 5, "status": "closed"}])"),
      RiskModel::defaults());
  CHECK(closed.level == "none");
  CHECK(closed.critical == 0);
  CHECK(closed.index == 0);
}

TEST_CASE("risk scoring: single risk edges of every band", "[risk]") {
  const ScorerRegistry scorers;
  struct Row {
    int p, i;
    const char* level;
    double index;
  };
  // one market risk: index = 100 × 0.2 × score / 25 = 0.8 × score
  for (const Row& row : {Row{1, 1, "low", 0.8}, Row{2, 2, "low", 3.2}, Row{1, 5, "medium", 4.0},
                         Row{3, 3, "medium", 7.2}, Row{2, 5, "high", 8.0}, Row{3, 5, "high", 12.0},
                         Row{4, 4, "critical", 12.8}, Row{5, 5, "critical", 20.0}}) {
    const RiskAssessment a = scorers.assess(
        register_of("[{\"id\": \"R\", \"category\": \"market\", \"probability\": " +
                    std::to_string(row.p) + ", \"impact\": " + std::to_string(row.i) + "}]"),
        RiskModel::defaults());
    INFO(row.p << "×" << row.i);
    CHECK(a.level == row.level);
    CHECK(a.index == Approx(row.index));
  }
}

TEST_CASE("risk scoring: weights from the model are normalised", "[risk]") {
  json::value doc = default_risk_json();
  doc.as_object()["weights"] =
      json::parse(R"({"market": 3, "technical": 1, "production": 0, "quality": 0, "legal": 1})");
  const RiskModel m = risk_model_from_json(doc, "risk.json");
  CHECK(m.weights[0] == Approx(0.6));
  CHECK(m.weights[1] == Approx(0.2));
  CHECK(m.weights[2] == 0);
  const RiskAssessment a = ScorerRegistry{}.assess(register_of(R"([
      {"id": "M", "category": "market", "probability": 2, "impact": 5},
      {"id": "T", "category": "technical", "probability": 5, "impact": 5},
      {"id": "P", "category": "production", "probability": 5, "impact": 5}])"),
                                                   m);
  // 100 × (0.6×10 + 0.2×25 + 0×25) / 25 = 100 × 11 / 25 = 44
  CHECK(a.index == Approx(44.0));
  CHECK(a.level == "critical");
}

TEST_CASE("risk scoring: the FMEA scorer", "[risk]") {
  json::value doc = default_risk_json();
  doc.as_object()["scorer"] = "fmea";
  const RiskModel m = risk_model_from_json(doc, "risk.json");
  CHECK(m.max_score == 1000);
  CHECK(m.scorer == "fmea");
  const RiskRegister reg = register_of(R"([
      {"id": "F1", "category": "quality", "probability": 2, "impact": 3, "severity": 8,
       "occurrence": 5, "detection": 6, "response": "mitigate", "owner": "qa"},
      {"id": "F2", "category": "production", "probability": 2, "impact": 3, "detection": 2},
      {"id": "F3", "category": "market", "probability": 1, "impact": 1}])");
  const RiskAssessment a = ScorerRegistry{}.assess(reg, m);
  CHECK(a.scorer == "fmea");
  // F1: 8×5×6 = 240 high; F2: (2×3)×(2×2)×2 = 48 low; F3: 2×2×10 (default detection) = 40 low
  CHECK(a.risks[0].score == 240);
  CHECK(a.risks[0].level == "high");
  CHECK(a.risks[1].score == 48);
  CHECK(a.risks[2].score == 40);
  CHECK(a.level == "high");
  CHECK(a.unmitigated_high == 0);
  CHECK(a.critical == 0);
  // index = 100 × 0.2 × (240 + 48 + 40) / 1000 = 6.56
  CHECK(a.index == Approx(6.56));
}

TEST_CASE("risk scoring: hosts register their own scorer by name", "[risk]") {
  struct Flat : PerRiskScorer {
    std::int64_t score(const Risk& r, const RiskModel&) const override { return r.impact; }
  };
  struct Broken : PerRiskScorer {
    std::int64_t score(const Risk&, const RiskModel&) const override { return 99; }
  };
  ScorerRegistry scorers;
  scorers.add("flat", std::make_shared<Flat>());
  scorers.add("broken", std::make_shared<Broken>());
  CHECK(scorers.names() ==
        std::vector<std::string>{"probability_impact", "fmea", "flat", "broken"});

  json::value doc = default_risk_json();
  doc.as_object()["scorer"] = "flat";
  doc.at("scorers").as_object()["flat"] = json::parse(
      R"({"max_score": 5, "bands": [{"level": "low", "min": 1, "max": 2},
          {"level": "high", "min": 3, "max": 4}, {"level": "critical", "min": 5, "max": 5}]})");
  const RiskModel m = risk_model_from_json(doc, "risk.json", &scorers);
  const RiskAssessment a = scorers.assess(
      register_of(R"([{"id": "R", "category": "legal", "probability": 5, "impact": 4}])"), m);
  CHECK(a.scorer == "flat");
  CHECK(a.risks[0].score == 4);
  CHECK(a.level == "high");
  CHECK(a.unmitigated_high == 1);
  // index = 100 × 0.2 × 4 / 5 = 16
  CHECK(a.index == Approx(16.0));

  RiskModel broken = m;
  broken.scorer = "broken";
  const Error e = error_of([&] {
    scorers.assess(
        register_of(R"([{"id": "R", "category": "legal", "probability": 5, "impact": 4}])"),
        broken);
  });
  CHECK(e.kind() == ErrorKind::rule_failed);
  CHECK(e.where() == "risk \"R\"");

  RiskModel unknown = m;
  unknown.scorer = "nope";
  CHECK(error_of([&] { scorers.assess(RiskRegister{}, unknown); }).kind() == ErrorKind::not_found);
  doc.as_object()["scorer"] = "nope";
  const Error policy = error_of([&] { risk_model_from_json(doc, "risk.json", &scorers); });
  CHECK(policy.kind() == ErrorKind::invalid_policy);
  CHECK(policy.where() == "risk.json: /scorer");
  CHECK_THROWS_AS(scorers.add("", std::make_shared<Flat>()), Error);
}

TEST_CASE("risk model: invalid files are refused with file and JSON pointer", "[risk]") {
  struct Bad {
    const char* patch;  // replaces a member of the default document
    const char* key;
    const char* where;
    const char* why;
  };
  const Bad cases[] = {
      {R"({"market": 1, "technical": 1, "production": 1, "quality": 1})", "weights",
       "risk.json: /weights/legal", "missing"},
      {R"({"market": 1, "technical": 1, "production": 1, "quality": 1, "legal": -1})", "weights",
       "risk.json: /weights/legal", "≥ 0"},
      {R"({"market": 0, "technical": 0, "production": 0, "quality": 0, "legal": 0})", "weights",
       "risk.json: /weights", "all be 0"},
      {R"({"market": 1, "technical": 1, "production": 1, "quality": 1, "legal": 1, "hr": 1})",
       "weights", "risk.json: /weights/hr", "not a risk category"},
      {R"("severe")", "require_response_from", "risk.json: /require_response_from", "severe"},
      {R"("magic")", "scorer", "risk.json: /scorers", "magic"},
      {R"({"probability_impact": {"max_score": 25, "bands": [{"level": "low", "min": 1,
          "max": 4}, {"level": "high", "min": 6, "max": 25}]}})",
       "scorers", "risk.json: /scorers/probability_impact/bands/1/min", "expected min 5"},
      {R"({"probability_impact": {"max_score": 25, "bands": [{"level": "low", "min": 1,
          "max": 4}, {"level": "high", "min": 5, "max": 20}]}})",
       "scorers", "risk.json: /scorers/probability_impact/bands/1/max", "max_score 25"},
      {R"({"probability_impact": {"max_score": 25, "bands": [{"level": "high", "min": 1,
          "max": 4}, {"level": "high", "min": 5, "max": 25}]}})",
       "scorers", "risk.json: /scorers/probability_impact/bands/1/level", "twice"},
      {R"({"probability_impact": {"max_score": 25, "bands": []}})", "scorers",
       "risk.json: /scorers/probability_impact/bands", "non-empty"},
      {R"({"probability_impact": {"bands": [{"level": "high", "min": 1, "max": 25}]}})", "scorers",
       "risk.json: /scorers/probability_impact/max_score", "missing"},
      {R"({"probability_impact": {"max_score": 25, "bands": [{"level": "low", "min": 1,
          "max": 4}, {"level": "medium", "min": 5, "max": 25}]}})",
       "scorers", "risk.json: /require_response_from", "\"high\" is not one of the bands"},
      {R"({"probability_impact": {"max_score": 25, "bandz": []}})", "scorers",
       "risk.json: /scorers/probability_impact/bandz", "unknown member"},
      {R"(1)", "colour", "risk.json: /colour", "unknown member"},
  };
  for (const auto& c : cases) {
    INFO(c.patch);
    json::value doc = default_risk_json();
    doc.as_object()[c.key] = json::parse(c.patch);
    const Error e = error_of([&] { risk_model_from_json(doc, "risk.json"); });
    CHECK(e.kind() == ErrorKind::invalid_policy);
    CHECK(e.where() == c.where);
    CHECK_THAT(e.why(), Catch::Contains(c.why));
  }
}

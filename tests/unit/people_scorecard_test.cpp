// The per-person scorecard (undertake/people.hpp) on a small quarter, computed by hand.
#include <catch2/catch.hpp>

#include <chrono>

#include "support/order_driver.hpp"
#include "undertake/people.hpp"

using namespace undertake;
using namespace undertake::testing;

namespace {

Timestamp at(const char* iso) {
  return *parse_iso8601(iso);
}

// Fires the main path on `c`, one hour per event from `start`, with `before(step, clock)` run
// before each step (it may fire more events and move the clock).
template <class Before>
void run_main_path(Case& c, Timestamp start, Before before) {
  Timestamp clock = start;
  for (const Step& step : main_path()) {
    before(std::string(step.event), clock);
    clock += std::chrono::hours(1);
    const Outcome o = c.fire(step.event, step.actor,
                             parse_json(step.payload, InputLimits{}, "payload").as_object(), clock);
    REQUIRE(o.accepted);
  }
}

void fire(Case& c, const char* event, const Actor& who, const char* payload, Timestamp& clock) {
  clock += std::chrono::hours(1);
  REQUIRE(c.fire(event, who, parse_json(payload, InputLimits{}, "payload").as_object(), clock)
              .accepted);
}

const PersonScore& person(const PeopleScorecard& card, const std::string& id) {
  for (const auto& p : card.people)
    if (p.id == id) return p;
  FAIL("no person " << id);
  throw;
}

}  // namespace

TEST_CASE("the person scorecard of a quarter, computed by hand", "[people]") {
  const Engine engine;
  // Case A: the main path (tests/scenarios/full_order.json), one event an hour from
  // 2026-03-02T09: every deadline met.
  Case a = engine.create_case("Q-A", regular_order());
  run_main_path(a, at("2026-03-02T08:00:00Z"), [](const std::string&, Timestamp&) {});

  // Case B, from 2026-01-05T09: the contract is signed 40 days after the approval (escalated at
  // day 31); the first sample fails its test and is rebuilt; a complaint after delivery is
  // resolved by zhao and verified in 3 hours.
  Case b = engine.create_case("Q-B", regular_order());
  run_main_path(b, at("2026-01-05T08:00:00Z"), [&](const std::string& next, Timestamp& clock) {
    if (next == "contract.sign") {
      REQUIRE(b.tick(clock + std::chrono::hours(24 * 31)).escalated == 1);
      clock += std::chrono::hours(24 * 40);
    } else if (next == "sample.test") {
      fire(b, "sample.test", kQuality, R"({"passed": false})", clock);
      fire(b, "sample.build", kDesigner, "{}", clock);
    } else if (next == "service.feedback") {
      fire(b, "service.complaint", kSales, R"({"id": "C1", "severity": "minor",
           "description": "scratches"})",
           clock);
      fire(b, "service.investigate", kQuality,
           R"({"id": "C1", "root_cause": "packing", "responsibility": "production"})", clock);
      fire(b, "service.resolve", kTechnical, R"({"id": "C1", "solution": "new foam"})", clock);
      fire(b, "service.verify", kQuality, R"({"id": "C1", "satisfied": true})", clock);
    }
  });

  const PeopleScorecard card = compute_people_scorecard(engine, {a.case_ledger(), b.case_ledger()},
                                                        Period::days("2026-01-01", "2026-03-31"));
  REQUIRE(card.cases == 2);
  REQUIRE(card.min_data_points == 3);

  // li (sales): 11 events in A + 12 in B (B adds service.complaint). Deadline steps: A signs,
  // delivers and revisits on time (3); B signs late after an escalation, delivers and revisits
  // on time: 5 of 6. deadline_timeliness 5/6 → linear (0.8333 − 0.5) ÷ 0.4 = 83.33; events 23 →
  // 100 × 23 ÷ 20 = 115. Score (40 × 83.33 + 10 × 115) ÷ 50 = 89.667.
  const PersonScore& li = person(card, "li");
  CHECK(li.measures.at("events").value == Approx(23));
  CHECK(li.events_by_role.at("sales") == 23);
  CHECK(li.measures.at("deadline_timeliness").data_points == 6);
  CHECK(*li.measures.at("deadline_timeliness").value == Approx(5.0 / 6));
  CHECK(*li.measures.at("deadline_timeliness").score == Approx(100 * (5.0 / 6 - 0.5) / 0.4));
  CHECK(li.escalated_steps == 1);
  CHECK(li.measures.at("inspections").status == "no_data");
  CHECK(*li.score == Approx((40 * 100 * (5.0 / 6 - 0.5) / 0.4 + 10 * 115) / 50));

  // qian (quality): 9 + 12 events (B adds a second sample test, the investigation and the
  // verification); 8 inspections (per case the incoming one and three in-process: B1, B2 failed,
  // B2 again) → 100 × 8 ÷ 10 = 80; events 21 → 105; one deadline step (the complaint verified in
  // time): too few to score. (10 × 80 + 10 × 105) ÷ 20.
  const PersonScore& qian = person(card, "qian");
  CHECK(*qian.measures.at("inspections").value == Approx(8));
  CHECK(*qian.measures.at("events").value == Approx(21));
  CHECK(qian.measures.at("deadline_timeliness").status == "too_few_data");
  CHECK(qian.measures.at("deadline_timeliness").data_points == 1);
  CHECK(*qian.score == Approx(92.5));

  // wu built three samples: A's passed its first test, B's first failed — 1 of 2, too few data.
  const PersonScore& wu = person(card, "wu");
  CHECK(*wu.measures.at("first_pass_samples").value == Approx(0.5));
  CHECK(wu.measures.at("first_pass_samples").status == "too_few_data");
  CHECK(*wu.measures.at("events").value == Approx(5));
  CHECK(*wu.score == Approx(25));

  // zhao resolved the complaint, verified an hour later: 1 of 1 in time, too few data.
  const PersonScore& zhao = person(card, "zhao");
  CHECK(*zhao.measures.at("complaints_in_time").value == Approx(1));
  CHECK(zhao.measures.at("complaints_in_time").data_points == 1);
  CHECK(*zhao.score == Approx(25));

  // boss approved on time in both cases (2 steps: too few) and fired 4 events → 20.
  CHECK(person(card, "boss").measures.at("deadline_timeliness").status == "too_few_data");
  CHECK(*person(card, "boss").score == Approx(20));

  // mei (2 events) and zhou (2 events, 2 steps) have no measure with 3 data points: not ranked.
  CHECK_FALSE(person(card, "mei").score);
  CHECK_FALSE(person(card, "zhou").score);

  auto ranking = [&](const std::string& dept) {
    for (const auto& d : card.departments)
      if (d.department == dept) return d;
    FAIL("no department " << dept);
    throw;
  };
  CHECK(ranking("technical").ranked == std::vector<std::string>{"wu", "zhao"});  // tie: by id
  CHECK(ranking("sales").ranked == std::vector<std::string>{"li"});
  CHECK(ranking("legal").ranked.empty());
  CHECK(ranking("legal").not_ranked == std::vector<std::string>{"zhou"});
  CHECK(ranking("market").not_ranked == std::vector<std::string>{"mei"});

  const auto json = card.to_json();
  CHECK(json.at("people").as_array().size() == 8);
  CHECK(json.at("departments").as_array().size() == 7);
}

TEST_CASE("the period decides what counts for a person", "[people]") {
  const Engine engine;
  Case a = engine.create_case("Q-A", regular_order());
  run_main_path(a, at("2026-03-02T08:00:00Z"), [](const std::string&, Timestamp&) {});
  const PeopleScorecard card =
      compute_people_scorecard(engine, {a.case_ledger()}, Period::days("2026-04-01", "2026-06-30"));
  CHECK(card.people.empty());
}

TEST_CASE("kpi.json people is checked when the policy loads", "[people]") {
  const boost::json::value bad =
      parse_json(R"({"measures": [{"id": "charm", "weight": 1}]})", InputLimits{}, "people");
  CHECK_THROWS_WITH(
      people_definition_from_json(&bad, "kpi.json"),
      Catch::Contains("kpi.json: /people/measures/0/id") && Catch::Contains("not a measure"));
  const boost::json::value weightless =
      parse_json(R"({"measures": [{"id": "events", "weight": 0}]})", InputLimits{}, "people");
  CHECK_THROWS_WITH(people_definition_from_json(&weightless, "kpi.json"),
                    Catch::Contains("/people/measures/0/weight"));
  const auto def = people_definition_from_json(nullptr, "kpi.json");  // the default's
  CHECK(def.measures.size() == 5);
  CHECK(def.min_data_points == 3);
}

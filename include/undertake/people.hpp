// undertake — the per-person scorecard (policy §四(二)2 評選優秀團隊和個人).
//
// The ledger knows who did what and when: every accepted event carries its actor. For a period,
// each person (actor id) gets the measures below; which measures count, their targets and their
// weights are policy data (kpi.json `people`, schema rules/schema/kpi.schema.json):
//
//   "people": {
//     "min_data_points": 3,
//     "measures": [
//       {"id": "deadline_timeliness", "title": "...", "weight": 30, "target": 0.9,
//        "scoring": {"method": "linear", "floor": 0.5}}, ... ] }
//
// Measures (an event counts when its time is in the period; escalation entries are no one's):
//   events               accepted events the person fired; also given per role (the person's
//                        roles that the policy permits for the event).
//   deadline_timeliness  steps the person did that satisfied a pending deadline (deadlines.json),
//                        done on time ÷ all such steps. On time: before the deadline's due and
//                        never escalated. Worked out by replaying each case through the engine,
//                        so the deadline rules are the engine's own; `escalated` counts the steps
//                        done after an escalation.
//   inspections          `prep.incoming_inspection` and `production.inspect` the person did.
//   first_pass_samples   cases whose first `sample.test` is in the period, credited to who built
//                        that sample (the last `sample.build` before it): passed ÷ all.
//   complaints_in_time   complaints verified in the period (first `service.verify` with
//                        `satisfied` not false), credited to who resolved them (the last
//                        `service.resolve` of that complaint before): verified within
//                        `max_hours` (parameter, default 72) of the complaint ÷ all.
//
// Each measure has a value and its number of data points (events, steps, inspections, first
// tests, complaints). A measure with fewer than min_data_points is reported with
// `status: "too_few_data"` and no score; without any, `no_data`. A person's score is the
// weighted mean of the scores of their scored measures (scores as for KPIs: kpi.hpp, clamped to
// the catalogue's range); a person with no scored measure is not ranked. Ranking per department:
// each role the person acted in, highest score first, ties by id.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "undertake/kpi.hpp"
#include "undertake/ledger.hpp"
#include "undertake/people_definition.hpp"

UNDERTAKE_BEGIN_NAMESPACE

class Engine;

struct UNDERTAKE_API PersonMeasure {
  std::optional<double> value;
  std::uint64_t data_points = 0;
  std::optional<double> score;
  double weight = 0;
  std::string status;  ///< scored, unscored (no target), too_few_data, no_data
};

struct UNDERTAKE_API PersonScore {
  std::string id;
  std::vector<std::string> roles;  ///< the roles the person acted in, sorted
  std::map<std::string, std::uint64_t> events_by_role;
  std::uint64_t escalated_steps = 0;
  std::map<std::string, PersonMeasure> measures;
  std::optional<double> score;
};

struct UNDERTAKE_API PeopleScorecard {
  Period period;
  std::size_t cases = 0;
  std::size_t min_data_points = 0;
  std::vector<PersonScore> people;  ///< by id
  /// Department (role) → the ranked people (highest score first) and those not ranked.
  struct Ranking {
    std::string department;
    std::vector<std::string> ranked;
    std::vector<std::string> not_ranked;
  };
  std::vector<Ranking> departments;

  /// `{period, cases, min_data_points, people: [{id, roles, events_by_role, escalated_steps,
  /// measures: {id: {value, data_points, score, weight, status}}, score, ranked}],
  /// departments: [{id, ranking: [{rank, person, score}], not_ranked: [...]}]}`
  boost::json::value to_json() const;
  /// A table per person (each measure as `value (data points) score`, `few (n)` when there are
  /// too few data points, `-` for none) and the ranking of each department.
  std::string to_text() const;
};

/// The scorecard of every person acting in `cases` during `period`, under the engine's current
/// policy (its kpi.json `people` and deadlines). Throws Error(invalid_argument) naming the case
/// and seq for a ledger the engine does not accept.
UNDERTAKE_API PeopleScorecard compute_people_scorecard(const Engine& engine,
                                                       const std::vector<CaseLedger>& cases,
                                                       Period period);

UNDERTAKE_END_NAMESPACE

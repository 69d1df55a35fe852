// undertake — what the per-person scorecard measures and weighs (kpi.json `people`, policy
// §四(二)2): the policy's part of undertake/people.hpp, read and checked when a policy loads.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/kpi.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// The measure ids of the scorecard (undertake/people.hpp gives their formulas).
namespace person_measure {
inline constexpr std::string_view kEvents = "events";
inline constexpr std::string_view kTimeliness = "deadline_timeliness";
inline constexpr std::string_view kInspections = "inspections";
inline constexpr std::string_view kFirstPass = "first_pass_samples";
inline constexpr std::string_view kComplaints = "complaints_in_time";
}  // namespace person_measure

/// One measure of the scorecard as kpi.json `people.measures` gives it.
struct UNDERTAKE_API PersonMeasureDefinition {
  std::string id;  ///< events, deadline_timeliness, inspections, first_pass_samples, ...
  std::string title;
  double weight = 0;
  KpiDefinition scoring;  ///< target, direction and score method of the measure
};

struct UNDERTAKE_API PeopleScorecardDefinition {
  std::size_t min_data_points = 3;
  double complaint_max_hours = 72;
  std::vector<PersonMeasureDefinition> measures;
};

/// The measure ids the scorecard computes.
UNDERTAKE_API const std::vector<std::string>& person_measure_ids();

/// Reads kpi.json's `people` member (null or absent: the default of rules/default). Throws
/// Error(invalid_policy) with where() `<file>: /people/...` (a JSON Pointer).
UNDERTAKE_API PeopleScorecardDefinition
people_definition_from_json(const boost::json::value* people, std::string_view file);

UNDERTAKE_END_NAMESPACE

// kpi.json `people` (undertake/people_definition.hpp): the scorecard's measures, targets, weights.
#include "undertake/people_definition.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "kpi/kpi_detail.hpp"
#include "policy/builtin_policy.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

[[noreturn]] void bad(std::string_view file, const std::string& pointer, const std::string& why) {
  throw Error(ErrorKind::invalid_policy, std::string(file) + ": " + pointer, why);
}

double number_at(const json::object& o, std::string_view key, std::string_view file,
                 const std::string& pointer) {
  double x = 0;
  if (!kpi_detail::number_of(o.at(key), x))
    bad(file, pointer + "/" + std::string(key), "must be a number");
  return x;
}

PersonMeasureDefinition measure_from_json(const json::value& v, std::string_view file,
                                          const std::string& p) {
  if (!v.is_object()) bad(file, p, "expected an object {id, weight, target, ...}");
  const json::object& o = v.get_object();
  for (const auto& kv : o)
    if (kv.key() != "id" && kv.key() != "title" && kv.key() != "weight" && kv.key() != "target" &&
        kv.key() != "scoring" && kv.key() != "$comment")
      bad(file, p + "/" + std::string(kv.key()),
          "unknown member (expected id, title, weight, target, scoring)");
  PersonMeasureDefinition m;
  const json::value* id = o.if_contains("id");
  if (!id || !id->is_string()) bad(file, p + "/id", "missing (a measure id)");
  m.id = std::string(id->get_string());
  const auto& ids = person_measure_ids();
  if (std::find(ids.begin(), ids.end(), m.id) == ids.end())
    bad(file, p + "/id",
        "\"" + m.id +
            "\" is not a measure of the scorecard (events, deadline_timeliness, inspections, "
            "first_pass_samples, complaints_in_time)");
  m.title = m.id;
  if (const json::value* t = o.if_contains("title"); t && t->is_string())
    m.title = std::string(t->get_string());
  if (!o.contains("weight")) bad(file, p + "/weight", "missing (a weight > 0)");
  m.weight = number_at(o, "weight", file, p);
  if (!(m.weight > 0)) bad(file, p + "/weight", "must be > 0");
  m.scoring.id = m.id;
  m.scoring.title = m.title;
  if (o.contains("target")) m.scoring.target = number_at(o, "target", file, p);
  if (const json::value* s = o.if_contains("scoring")) {
    if (!s->is_object()) bad(file, p + "/scoring", "expected {method, floor}");
    const json::object& so = s->get_object();
    if (const json::value* method = so.if_contains("method")) {
      if (*method == "linear")
        m.scoring.scoring.method = KpiScoring::Method::linear;
      else if (*method != "ratio")
        bad(file, p + "/scoring/method", "expected \"ratio\" or \"linear\"");
    }
    if (so.contains("floor"))
      m.scoring.scoring.floor = number_at(so, "floor", file, p + "/scoring");
  }
  return m;
}

}  // namespace

const std::vector<std::string>& person_measure_ids() {
  static const std::vector<std::string> ids{
      std::string(person_measure::kEvents), std::string(person_measure::kTimeliness),
      std::string(person_measure::kInspections), std::string(person_measure::kFirstPass),
      std::string(person_measure::kComplaints)};
  return ids;
}

PeopleScorecardDefinition people_definition_from_json(const json::value* people,
                                                      std::string_view file) {
  PeopleScorecardDefinition def;
  if (!people || people->is_null()) {
    // Catalogues without a `people` member get the scorecard of rules/default/kpi.json.
    static const json::value builtin = [] {
      for (const auto& f : detail::builtin_policy_files())
        if (f.name == "kpi.json")
          return parse_json(f.content, InputLimits{}, "rules/default/kpi.json")
              .get_object()
              .at("people");
      return json::value();
    }();
    if (builtin.is_null()) bad(file, "/people", "missing, and the built-in policy has none");
    return people_definition_from_json(&builtin, "rules/default/kpi.json");
  }
  if (!people->is_object()) bad(file, "/people", "expected an object {min_data_points, measures}");
  const json::object& o = people->get_object();
  for (const auto& kv : o)
    if (kv.key() != "min_data_points" && kv.key() != "measures" && kv.key() != "parameters" &&
        kv.key() != "$comment" && kv.key() != "description")
      bad(file, "/people/" + std::string(kv.key()),
          "unknown member (expected min_data_points, measures, parameters)");
  if (const json::value* n = o.if_contains("min_data_points")) {
    const auto v = kpi_detail::as_integer(*n);
    if (!v || *v < 1) bad(file, "/people/min_data_points", "must be a whole number ≥ 1");
    def.min_data_points = static_cast<std::size_t>(*v);
  }
  if (const json::value* p = o.if_contains("parameters")) {
    if (!p->is_object()) bad(file, "/people/parameters", "expected {max_hours}");
    if (p->get_object().contains("max_hours"))
      def.complaint_max_hours = number_at(p->get_object(), "max_hours", file, "/people/parameters");
  }
  const json::value* measures = o.if_contains("measures");
  if (!measures || !measures->is_array() || measures->get_array().empty())
    bad(file, "/people/measures", "expected a non-empty array of measures");
  const auto& list = measures->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto m = measure_from_json(list[i], file, "/people/measures/" + std::to_string(i));
    for (const auto& other : def.measures)
      if (other.id == m.id)
        bad(file, "/people/measures/" + std::to_string(i) + "/id", "\"" + m.id + "\" twice");
    def.measures.push_back(std::move(m));
  }
  return def;
}

UNDERTAKE_END_NAMESPACE

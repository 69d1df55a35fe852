// The risk model: rules/…/risk.json validated into level bands, weights and scorer parameters.
#include <boost/json.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "policy/builtin_policy.hpp"
#include "risk/risk_detail.hpp"
#include "undertake/json_text.hpp"
#include "undertake/risk.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace risk_detail {

std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    default:
      break;
  }
  std::string text = json::serialize(v);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

}  // namespace risk_detail

namespace {

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  [[noreturn]] void fail(const std::string& pointer, std::string why) const {
    throw Error(ErrorKind::invalid_policy, file_.empty() ? pointer : file_ + ": " + pointer,
                std::move(why));
  }

  const json::object& object(const json::value& v, const std::string& pointer) const {
    if (!v.is_object()) fail(pointer, "expected an object, got " + risk_detail::describe(v));
    return v.get_object();
  }

  void only(const json::object& o, const std::string& pointer,
            std::initializer_list<std::string_view> allowed) const {
    for (const auto& kv : o) {
      bool ok = false;
      for (auto a : allowed) ok = ok || kv.key() == a;
      if (!ok) {
        std::string list;
        for (auto a : allowed) {
          if (a.front() == '$') continue;
          if (!list.empty()) list += ", ";
          list += a;
        }
        fail(pointer + "/" + std::string(kv.key()), "unknown member (expected " + list + ")");
      }
    }
  }

  std::int64_t integer(const json::value& v, const std::string& pointer, std::int64_t lo,
                       std::int64_t hi) const {
    const auto n = risk_detail::as_integer(v);
    if (!n || *n < lo || *n > hi)
      fail(pointer, "must be a whole number " + std::to_string(lo) + "–" + std::to_string(hi) +
                        ", got " + risk_detail::describe(v));
    return *n;
  }

 private:
  std::string file_;
};

struct Section {
  std::string name;
  std::int64_t max_score = 0;
  std::vector<RiskBand> bands;
  json::object parameters;
};

Section read_section(const Reader& r, std::string_view name, const json::value& v,
                     const std::string& pointer) {
  const auto& o = r.object(v, pointer);
  r.only(o, pointer, {"description", "max_score", "bands", "parameters", "$comment"});
  Section s;
  s.name = std::string(name);
  const json::value* max = o.if_contains("max_score");
  if (!max) r.fail(pointer + "/max_score", "missing: the highest score this scorer gives");
  s.max_score = r.integer(*max, pointer + "/max_score", 1, 1'000'000'000);
  const json::value* bands = o.if_contains("bands");
  if (!bands) r.fail(pointer + "/bands", "missing: the level bands [{level, min, max}, ...]");
  if (!bands->is_array() || bands->get_array().empty())
    r.fail(pointer + "/bands", "expected a non-empty array of {level, min, max}");
  const auto& list = bands->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string bp = pointer + "/bands/" + std::to_string(i);
    const auto& b = r.object(list[i], bp);
    r.only(b, bp, {"level", "min", "max", "description", "$comment"});
    RiskBand band;
    const json::value* level = b.if_contains("level");
    if (!level || !level->is_string() || level->get_string().empty())
      r.fail(bp + "/level", "must be a non-empty string (the level name)");
    band.level = std::string(level->get_string());
    if (band.level == "none")
      r.fail(bp + "/level", "\"none\" is reserved for a case without open risks");
    for (const auto& earlier : s.bands)
      if (earlier.level == band.level)
        r.fail(bp + "/level", "level \"" + band.level + "\" appears twice");
    const json::value* mn = b.if_contains("min");
    const json::value* mx = b.if_contains("max");
    if (!mn) r.fail(bp + "/min", "missing");
    if (!mx) r.fail(bp + "/max", "missing");
    band.min = r.integer(*mn, bp + "/min", 1, s.max_score);
    band.max = r.integer(*mx, bp + "/max", 1, s.max_score);
    if (band.max < band.min)
      r.fail(bp + "/max",
             "max " + std::to_string(band.max) + " is below min " + std::to_string(band.min));
    const std::int64_t expected_min = s.bands.empty() ? 1 : s.bands.back().max + 1;
    if (band.min != expected_min)
      r.fail(bp + "/min", "bands must be ascending and contiguous from 1: expected min " +
                              std::to_string(expected_min) + ", got " + std::to_string(band.min));
    s.bands.push_back(std::move(band));
  }
  if (s.bands.back().max != s.max_score)
    r.fail(pointer + "/bands/" + std::to_string(list.size() - 1) + "/max",
           "the last band must end at max_score " + std::to_string(s.max_score));
  if (const json::value* p = o.if_contains("parameters")) {
    s.parameters = r.object(*p, pointer + "/parameters");
    if (name == "fmea") {
      r.only(s.parameters, pointer + "/parameters", {"default_detection", "$comment"});
      if (const json::value* d = s.parameters.if_contains("default_detection"))
        r.integer(*d, pointer + "/parameters/default_detection", 1, 10);
    }
  }
  return s;
}

}  // namespace

std::optional<std::size_t> RiskModel::band_of(std::int64_t score) const noexcept {
  for (std::size_t i = 0; i < bands.size(); ++i)
    if (score >= bands[i].min && score <= bands[i].max) return i;
  return std::nullopt;
}

RiskModel risk_model_from_json(const json::value& doc, std::string_view file,
                               const ScorerRegistry* registry) {
  const Reader r(file);
  const auto& o = r.object(doc, "");
  r.only(o, "",
         {"$schema", "$comment", "description", "scorer", "weights", "require_response_from",
          "scorers"});
  RiskModel model;
  model.source = std::string(file);

  model.scorer = "probability_impact";
  if (const json::value* s = o.if_contains("scorer")) {
    if (!s->is_string() || s->get_string().empty())
      r.fail("/scorer", "must be the name of a scorer, got " + risk_detail::describe(*s));
    model.scorer = std::string(s->get_string());
  }
  if (registry && !registry->find(model.scorer)) {
    std::string names;
    for (const auto& n : registry->names()) names += (names.empty() ? "" : ", ") + n;
    r.fail("/scorer",
           "no scorer named \"" + model.scorer + "\" is registered (registered: " + names + ")");
  }

  if (const json::value* w = o.if_contains("weights")) {
    const auto& weights = r.object(*w, "/weights");
    for (const auto& kv : weights)
      if (!risk_category_from_name(kv.key()))
        r.fail("/weights/" + std::string(kv.key()),
               "not a risk category (market, technical, production, quality, legal)");
    double sum = 0;
    for (std::size_t c = 0; c < kRiskCategoryCount; ++c) {
      const auto name = risk_category_name(kRiskCategories[c]);
      const json::value* v = weights.if_contains(name);
      if (!v)
        r.fail("/weights/" + std::string(name),
               "missing: give a weight for every category (0 to ignore one)");
      double x = 0;
      if (v->is_number()) x = v->to_number<double>();
      if (!v->is_number() || !std::isfinite(x) || x < 0)
        r.fail("/weights/" + std::string(name),
               "must be a number ≥ 0, got " + risk_detail::describe(*v));
      model.raw_weights[c] = x;
      sum += x;
    }
    if (!(sum > 0)) r.fail("/weights", "the weights must not all be 0");
    for (std::size_t c = 0; c < kRiskCategoryCount; ++c)
      model.weights[c] = model.raw_weights[c] / sum;
  }

  std::string attention = "high";
  if (const json::value* a = o.if_contains("require_response_from")) {
    if (!a->is_string())
      r.fail("/require_response_from", "must be a level name, got " + risk_detail::describe(*a));
    attention = std::string(a->get_string());
  }

  const json::value* scorers = o.if_contains("scorers");
  if (!scorers)
    r.fail("/scorers",
           "missing: the level bands of each scorer, e.g. "
           "{\"probability_impact\": {\"max_score\": 25, \"bands\": [...]}}");
  const auto& sections = r.object(*scorers, "/scorers");
  bool found = false;
  for (const auto& kv : sections) {
    const std::string pointer = "/scorers/" + std::string(kv.key());
    Section s = read_section(r, kv.key(), kv.value(), pointer);
    std::optional<std::size_t> attention_band;
    for (std::size_t i = 0; i < s.bands.size(); ++i)
      if (s.bands[i].level == attention) attention_band = i;
    if (!attention_band)
      r.fail(o.contains("require_response_from") ? "/require_response_from" : pointer + "/bands",
             "level \"" + attention + "\" is not one of the bands of scorer \"" + s.name + "\"");
    if (s.name == model.scorer) {
      found = true;
      model.max_score = s.max_score;
      model.bands = std::move(s.bands);
      model.parameters = std::move(s.parameters);
      model.attention_band = *attention_band;
    }
  }
  if (!found) r.fail("/scorers", "no section for the selected scorer \"" + model.scorer + "\"");
  return model;
}

const RiskModel& RiskModel::defaults() {
  static const RiskModel model = [] {
    for (const auto& f : detail::builtin_policy_files())
      if (f.name == "risk.json")
        return risk_model_from_json(parse_json(f.content, InputLimits{}, "rules/default/risk.json"),
                                    "rules/default/risk.json");
    // Only reached when the library was built without rules/default/risk.json.
    RiskModel m;
    m.bands = {{"low", 1, 4}, {"medium", 5, 9}, {"high", 10, 15}, {"critical", 16, 25}};
    return m;
  }();
  return model;
}

UNDERTAKE_END_NAMESPACE

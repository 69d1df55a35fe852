// Risk scoring: the common per-risk aggregation, the two built-in scorers and the registry.
#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <utility>

#include "risk/risk_detail.hpp"
#include "undertake/risk.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

RiskScorer::~RiskScorer() = default;

RiskAssessment PerRiskScorer::assess(const RiskRegister& risks, const RiskModel& model) const {
  RiskAssessment a;
  a.scorer = name().empty() ? model.scorer : std::string(name());
  if (model.bands.empty())
    throw Error(ErrorKind::invalid_policy, model.source, "the risk model has no level bands");
  a.levels.reserve(model.bands.size());
  for (const auto& b : model.bands) a.levels.emplace_back(b.level, 0);
  a.risks.reserve(risks.risks().size());

  std::optional<std::size_t> worst;
  for (const Risk& risk : risks.risks()) {
    const std::int64_t s = score(risk, model);
    const auto band = model.band_of(s);
    if (s < 1 || s > model.max_score || !band)
      throw Error(ErrorKind::rule_failed, "risk \"" + risk.id + "\"",
                  "scorer \"" + a.scorer + "\" gave score " + std::to_string(s) +
                      ", outside the model's bands 1.." + std::to_string(model.max_score));
    ScoredRisk sr;
    sr.id = risk.id;
    sr.category = risk.category;
    sr.status = risk.status;
    sr.score = s;
    sr.band = *band;
    sr.level = model.bands[*band].level;
    sr.response = risk.response;
    sr.owner = risk.owner;
    if (risk.is_open()) {
      ++a.open;
      ++a.levels[*band].second;
      auto& cat = a.categories[static_cast<std::size_t>(risk.category)];
      cat = std::max(cat, s);
      if (!worst || *band > *worst) worst = *band;
      if (*band >= model.attention_band && (!risk.response || !risk.owner)) ++a.unmitigated_high;
      if (*band + 1 == model.bands.size()) ++a.critical;
    }
    a.risks.push_back(std::move(sr));
  }

  // 100 × Σ w_c·s_c / max with w_c = raw_c / Σ raw: written as one division to keep round
  // numbers round (equal weights, scores 12 and 20: 3200 / 125 = 25.6 exactly as printed).
  double weighted = 0, total = 0;
  for (std::size_t c = 0; c < kRiskCategoryCount; ++c) {
    weighted += model.raw_weights[c] * static_cast<double>(a.categories[c]);
    total += model.raw_weights[c];
  }
  a.index = total > 0 ? 100.0 * weighted / (total * static_cast<double>(model.max_score)) : 0.0;
  if (worst) a.level = model.bands[*worst].level;
  return a;
}

std::int64_t ProbabilityImpactScorer::score(const Risk& risk, const RiskModel&) const {
  return static_cast<std::int64_t>(risk.probability) * risk.impact;
}

std::int64_t FmeaScorer::score(const Risk& risk, const RiskModel& model) const {
  std::int64_t default_detection = 10;
  if (const json::value* d = model.parameters.if_contains("default_detection")) {
    const auto n = risk_detail::as_integer(*d);
    if (!n || *n < 1 || *n > 10)
      throw Error(ErrorKind::invalid_policy, model.source + ": parameters/default_detection",
                  "must be a whole number 1–10");
    default_detection = *n;
  }
  const std::int64_t s = risk.severity ? *risk.severity : 2 * risk.impact;
  const std::int64_t o = risk.occurrence ? *risk.occurrence : 2 * risk.probability;
  const std::int64_t d = risk.detection ? *risk.detection : default_detection;
  return s * o * d;
}

ScorerRegistry::ScorerRegistry() {
  scorers_.emplace_back("probability_impact", std::make_shared<ProbabilityImpactScorer>());
  scorers_.emplace_back("fmea", std::make_shared<FmeaScorer>());
}

void ScorerRegistry::add(std::string name, std::shared_ptr<const RiskScorer> scorer) {
  if (name.empty()) throw Error(ErrorKind::invalid_argument, "scorer", "a scorer needs a name");
  if (!scorer)
    throw Error(ErrorKind::invalid_argument, "scorer \"" + name + "\"", "the scorer is null");
  for (auto& entry : scorers_)
    if (entry.first == name) {
      entry.second = std::move(scorer);
      return;
    }
  scorers_.emplace_back(std::move(name), std::move(scorer));
}

const RiskScorer* ScorerRegistry::find(std::string_view name) const noexcept {
  for (const auto& entry : scorers_)
    if (entry.first == name) return entry.second.get();
  return nullptr;
}

const RiskScorer& ScorerRegistry::get(std::string_view name) const {
  if (const RiskScorer* s = find(name)) return *s;
  std::string names;
  for (const auto& entry : scorers_) names += (names.empty() ? "" : ", ") + entry.first;
  throw Error(ErrorKind::not_found, "scorer \"" + std::string(name) + "\"",
              "no scorer of that name is registered (registered: " + names + ")");
}

std::vector<std::string> ScorerRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(scorers_.size());
  for (const auto& entry : scorers_) out.push_back(entry.first);
  return out;
}

RiskAssessment ScorerRegistry::assess(const RiskRegister& risks, const RiskModel& model) const {
  RiskAssessment a = get(model.scorer).assess(risks, model);
  if (a.scorer.empty()) a.scorer = model.scorer;
  return a;
}

json::value RiskAssessment::to_json() const {
  json::object cats;
  for (std::size_t c = 0; c < kRiskCategoryCount; ++c)
    cats.emplace(risk_category_name(kRiskCategories[c]), categories[c]);
  json::object lv;
  for (const auto& l : levels) lv.emplace(l.first, l.second);
  json::array list;
  list.reserve(risks.size());
  for (const auto& r : risks) {
    json::object o;
    o.reserve(8);
    o.emplace("id", r.id);
    o.emplace("category", risk_category_name(r.category));
    o.emplace("status", risk_status_name(r.status));
    o.emplace("score", r.score);
    o.emplace("level", r.level);
    if (r.response)
      o.emplace("response", risk_response_name(*r.response));
    else
      o.emplace("response", nullptr);
    if (r.owner)
      o.emplace("owner", *r.owner);
    else
      o.emplace("owner", nullptr);
    list.push_back(std::move(o));
  }
  json::object out;
  out.reserve(9);
  out.emplace("scorer", scorer);
  out.emplace("index", index);
  out.emplace("level", level);
  out.emplace("categories", std::move(cats));
  out.emplace("open", open);
  out.emplace("unmitigated_high", unmitigated_high);
  out.emplace("critical", critical);
  out.emplace("levels", std::move(lv));
  out.emplace("risks", std::move(list));
  return out;
}

UNDERTAKE_END_NAMESPACE

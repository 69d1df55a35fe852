// undertake — the risk register of a case and its scoring (design.md §5, policy §六).
//
// A case keeps a register of risks, written by event payloads of the shape
// `{"risks": [{id, category, description, probability, impact, response, owner, status}, ...]}`
// (`evaluation.risks`, and later updates in any stage with the same shape). A scorer turns the
// register into an assessment: a score and level per risk, a score per category, a case risk
// index and level, and the counts that gate rules read as `risk.*`.
//
// Scoring is pluggable: a RiskScorer is chosen by name (`"scorer"` in rules/…/risk.json) from a
// ScorerRegistry the engine owns. Two are built in:
//   `probability_impact`  score = probability × impact (1–25), the default (PMBOK-style matrix);
//   `fmea`                risk priority number = severity × occurrence × detection (1–1000).
// The level bands, the category weights and the scorer's parameters are data (risk.json).
//
// Thread safety: RiskModel, RiskAssessment and the built-in scorers are immutable values; a
// ScorerRegistry may be read from many threads once it is set up. A RiskRegister is a plain value.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "undertake/error.hpp"
#include "undertake/ledger.hpp"

UNDERTAKE_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// Vocabulary

/// Risk categories of policy §六(一). JSON: the lower-case names.
enum class RiskCategory : std::uint8_t { market, technical, production, quality, legal };
inline constexpr std::size_t kRiskCategoryCount = 5;
inline constexpr std::array<RiskCategory, kRiskCategoryCount> kRiskCategories = {
    RiskCategory::market, RiskCategory::technical, RiskCategory::production, RiskCategory::quality,
    RiskCategory::legal};

UNDERTAKE_API std::string_view risk_category_name(RiskCategory category) noexcept;
UNDERTAKE_API std::optional<RiskCategory> risk_category_from_name(std::string_view name) noexcept;

/// Risk responses. JSON: the lower-case names.
enum class RiskResponse : std::uint8_t { avoid, transfer, mitigate, accept, escalate };
UNDERTAKE_API std::string_view risk_response_name(RiskResponse response) noexcept;
UNDERTAKE_API std::optional<RiskResponse> risk_response_from_name(std::string_view name) noexcept;

enum class RiskStatus : std::uint8_t { open, closed };
UNDERTAKE_API std::string_view risk_status_name(RiskStatus status) noexcept;

// ---------------------------------------------------------------------------------------------
// The register

/// One risk. `probability` and `impact` are 1–5. `severity`, `occurrence` and `detection` (1–10)
/// are the optional FMEA ratings read by the `fmea` scorer. Fields the register does not know are
/// kept in `extra` and written back by to_json().
struct UNDERTAKE_API Risk {
  std::string id;
  RiskCategory category = RiskCategory::market;
  std::string description;
  int probability = 1;
  int impact = 1;
  std::optional<RiskResponse> response;  ///< absent until decided
  std::optional<std::string> owner;      ///< absent until assigned
  RiskStatus status = RiskStatus::open;
  std::optional<int> severity;    ///< FMEA, 1–10
  std::optional<int> occurrence;  ///< FMEA, 1–10
  std::optional<int> detection;   ///< FMEA, 1–10 (10: the failure cannot be detected)
  boost::json::object extra;

  bool is_open() const noexcept { return status == RiskStatus::open; }
};

/// The risks of one case, in the order they were first recorded.
class UNDERTAKE_API RiskRegister {
 public:
  /// Applies an event payload `{"risks": [ {...}, ... ]}`. An entry whose `id` is already in
  /// the register updates the fields it carries (the others are kept; `null` clears `response`
  /// or `owner`); a new `id` adds a risk and must carry `category`, `probability` and `impact`
  /// (`description` defaults to "", `status` to "open"). Every entry is validated before
  /// anything changes: on the first problem throws Error(invalid_argument) whose where() is
  /// `<where>: payload.risks[2].probability` (just the path when `where` is empty) and whose
  /// why() says what was expected and what was found; the register is then unchanged.
  void apply(const boost::json::object& payload, std::string_view where = {});

  /// Replays every event entry of a ledger whose payload has a `risks` member (the
  /// `evaluation.risks` entries and later updates in any stage). Escalation entries are skipped.
  /// Errors name the case and entry: `case C-1 seq 4 (evaluation.risks): payload.risks[0].impact`.
  void apply_ledger(const CaseLedger& ledger);
  static RiskRegister from_ledger(const CaseLedger& ledger);

  const std::vector<Risk>& risks() const noexcept { return risks_; }
  const Risk* find(std::string_view id) const noexcept;
  bool empty() const noexcept { return risks_.empty(); }

  /// `{"risks": [ {id, category, description, probability, impact, response?, owner?, status,
  /// severity?, occurrence?, detection?, ...extra} ]}` — the payload shape, so that
  /// from_json(to_json()) gives the same register.
  boost::json::value to_json() const;
  /// Reads `{"risks": [...]}` or a bare array of risks. Throws Error(invalid_snapshot) naming
  /// `<where>: payload.risks[i].field`.
  static RiskRegister from_json(const boost::json::value& json, std::string_view where = {});

 private:
  std::vector<Risk> risks_;
};

// ---------------------------------------------------------------------------------------------
// The model (rules/…/risk.json)

/// One row of the level table: scores `min`..`max` (both inclusive, whole numbers) have `level`.
/// The bands of a model are a decision table with hit policy UNIQUE over the input `score`:
/// ascending, contiguous (each `min` is the previous `max` + 1), from 1 to the scorer's
/// `max_score`. Their order is the order of severity (the last band is the most severe).
struct UNDERTAKE_API RiskBand {
  std::string level;
  std::int64_t min = 1;
  std::int64_t max = 1;
};

/// What a scorer needs from the policy. Built by risk_model_from_json for the selected scorer.
struct UNDERTAKE_API RiskModel {
  std::string scorer = "probability_impact";  ///< the ScorerRegistry name
  /// Category weights as written (non-negative, sum > 0) and normalised to sum 1.
  std::array<double, kRiskCategoryCount> raw_weights{1, 1, 1, 1, 1};
  std::array<double, kRiskCategoryCount> weights{0.2, 0.2, 0.2, 0.2, 0.2};
  std::int64_t max_score = 25;  ///< the highest score the scorer gives (25 for P×I)
  std::vector<RiskBand> bands;  ///< see RiskBand
  /// Index into `bands` of the first level whose open risks need a response and an owner
  /// (`require_response_from`, default "high").
  std::size_t attention_band = 2;
  boost::json::object parameters;  ///< scorer-specific settings (e.g. fmea `default_detection`)
  std::string source;              ///< the file the model came from, for error messages

  /// The built-in default: the `probability_impact` model of the embedded rules/default/risk.json.
  static const RiskModel& defaults();

  /// The band index of a score, or nothing when no band covers it.
  std::optional<std::size_t> band_of(std::int64_t score) const noexcept;
};

/// Reads risk.json (already parsed). `file` names it in errors: Error(invalid_policy) with
/// where() = `<file>: /scorers/fmea/bands/2/min` (a JSON Pointer) and why() the reason. The
/// document (shape in rules/schema/risk.schema.json):
///
///   { "scorer": "probability_impact",
///     "weights": {"market": 1, "technical": 1, "production": 1, "quality": 1, "legal": 1},
///     "require_response_from": "high",
///     "scorers": { "probability_impact": { "max_score": 25, "bands": [ {level,min,max}, ...] },
///                  "fmea": { "max_score": 1000, "bands": [...], "parameters": {...} } } }
///
/// `weights` may be omitted (all equal); when given it names every category. Every section of
/// `scorers` is validated; the model returned is the one of `scorer` (which must have a section,
/// and, when `registry` is given, be registered there).
class ScorerRegistry;
UNDERTAKE_API RiskModel risk_model_from_json(const boost::json::value& json, std::string_view file,
                                             const ScorerRegistry* registry = nullptr);

// ---------------------------------------------------------------------------------------------
// Assessment

struct UNDERTAKE_API ScoredRisk {
  std::string id;
  RiskCategory category = RiskCategory::market;
  RiskStatus status = RiskStatus::open;
  std::int64_t score = 0;
  std::size_t band = 0;  ///< index into the model's bands
  std::string level;
  std::optional<RiskResponse> response;
  std::optional<std::string> owner;
};

/// The facts rules read as `risk.*` (design.md §5).
struct UNDERTAKE_API RiskAssessment {
  std::string scorer;
  /// 100 × Σ_c w_c · category_score_c / max_score (0–100; 0 when nothing is open).
  double index = 0;
  /// The level of the worst open risk, "none" when no risk is open.
  std::string level = "none";
  /// Per category: the highest score among its open risks (0 when none is open).
  std::array<std::int64_t, kRiskCategoryCount> categories{};
  std::size_t open = 0;
  /// Open risks at or above the model's attention level (high, critical) that lack a response
  /// or an owner.
  std::size_t unmitigated_high = 0;
  /// Open risks in the most severe band (critical).
  std::size_t critical = 0;
  /// Open risks per band, in band order (same length as the model's bands).
  std::vector<std::pair<std::string, std::size_t>> levels;
  std::vector<ScoredRisk> risks;  ///< every risk of the register, open or closed, in order

  /// `{"scorer", "index", "level", "categories": {"market": 12, ...}, "open", "unmitigated_high",
  ///   "critical", "levels": {"low": 0, ...}, "risks": [{id, category, status, score, level,
  ///   response, owner}]}` — `response`/`owner` are null when absent.
  boost::json::value to_json() const;
};

/// A scoring method. Implementations must be immutable (assess may run on many threads).
class UNDERTAKE_API RiskScorer {
 public:
  virtual ~RiskScorer();
  /// Scores a register under a model. Throws Error for a risk it cannot score.
  virtual RiskAssessment assess(const RiskRegister& risks, const RiskModel& model) const = 0;
};

/// A scorer that gives each risk a whole-number score; levels, category scores, index and counts
/// are then computed the same way for every such scorer (the rules of design.md §5). A score
/// outside 1..model.max_score or not covered by a band throws Error(rule_failed).
class UNDERTAKE_API PerRiskScorer : public RiskScorer {
 public:
  RiskAssessment assess(const RiskRegister& risks, const RiskModel& model) const final;
  /// The score of one risk.
  virtual std::int64_t score(const Risk& risk, const RiskModel& model) const = 0;
  /// The name written into RiskAssessment::scorer (defaults to model.scorer when empty).
  virtual std::string_view name() const noexcept { return {}; }
};

/// `probability_impact`: score = probability × impact (1–25).
class UNDERTAKE_API ProbabilityImpactScorer final : public PerRiskScorer {
 public:
  std::int64_t score(const Risk& risk, const RiskModel& model) const override;
  std::string_view name() const noexcept override { return "probability_impact"; }
};

/// `fmea`: risk priority number = severity × occurrence × detection, each 1–10 (1–1000). A rating
/// the risk does not carry is derived: severity = 2 × impact, occurrence = 2 × probability,
/// detection = the model parameter `default_detection` (default 10: cannot be detected, the
/// cautious assumption).
class UNDERTAKE_API FmeaScorer final : public PerRiskScorer {
 public:
  std::int64_t score(const Risk& risk, const RiskModel& model) const override;
  std::string_view name() const noexcept override { return "fmea"; }
};

/// Scorers by name. Not global: the engine owns one (and so may a test). A default-constructed
/// registry holds the built-ins `probability_impact` and `fmea`; add() replaces by name.
class UNDERTAKE_API ScorerRegistry {
 public:
  ScorerRegistry();

  /// Registers (or replaces) a scorer. Throws Error(invalid_argument) for an empty name or a
  /// null scorer.
  void add(std::string name, std::shared_ptr<const RiskScorer> scorer);
  /// The scorer of that name, or nullptr.
  const RiskScorer* find(std::string_view name) const noexcept;
  /// The scorer of that name; throws Error(not_found) listing the registered names.
  const RiskScorer& get(std::string_view name) const;
  std::vector<std::string> names() const;

  /// Assesses with the scorer the model names.
  RiskAssessment assess(const RiskRegister& risks, const RiskModel& model) const;

 private:
  std::vector<std::pair<std::string, std::shared_ptr<const RiskScorer>>> scorers_;
};

UNDERTAKE_END_NAMESPACE

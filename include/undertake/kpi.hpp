// undertake — KPIs, department scores and bonus coefficients (design.md §6, policy §四).
//
// KPIs are computed from case ledgers (CaseLedger: creation data + accepted events) for a period.
// Each KPI has a target and a direction; a score per KPI; a weighted score per department over the
// KPIs that have a value; and a bonus coefficient from the department score (policy §四(二)
// 績效獎金). Targets, directions, weights, the score formula and the bonus table are data
// (rules/…/kpi.json).
//
// Three kinds of KPI calculator share one catalogue:
//   * the 13 built-ins of design.md §6 (below), computed together in ONE pass per case;
//   * KPIs defined in kpi.json: a JsonLogic expression per case plus an aggregation;
//   * C++ KpiCalculator objects a host registers by id (KpiCatalogue::add).
//
// ## Periods
// An entry counts in a period when from ≤ at < until, where for a period given as dates
// (Period::days) until = the last date + 1 day: both dates are inclusive.
//
// ## Built-in KPIs (formulas; "in the period" = the entry's `at` is in the period)
// Escalation entries (EntryKind::escalation) are never counted: they record a deadline, not an
// event. Where a case has several entries of a kind, the text says which one counts.
//
//   sales.revenue              Σ contract amount over `contract.sign` entries in the period. The
//                              contract amount is the `amount` of the latest `contract.draft` /
//                              `contract.revise` before the sign that carries an `amount`.
//   sales.profit               Σ (contract amount − actual cost) over cases delivered in the
//                              period. Delivered = the case's FIRST `delivery.confirm` entry,
//                              whether `accepted` is true or false (the goods reached the customer;
//                              a rejection shows up as a complaint, not as a missing delivery).
//                              Contract amount = the amount in force at the case's last
//                              `contract.sign`; actual cost = Σ `cost` of every `production.report`
//                              and every `production.rectify` (rework, policy §二(七)2; a
//                              rectification without `cost` costs 0) of the case — the same sum
//                              as the case record's `production.actual_cost`.
//   sales.satisfaction         mean `score` (1–5) of `service.feedback` entries in the period.
//   sales.contract_timeliness  signs in the period at most `max_days` (default 30, parameter) days
//                              after the latest `evaluation.approve` before them ÷ signs in the
//                              period (a sign with no earlier approval is not timely).
//   technical.design_cycle_days mean fractional days from the first entry whose `state` holds a
//                              `Design` path ("Design" or "Design.…") to the case's first
//                              `sample.confirm` with `accepted: true`, over such confirms in the
//                              period.
//   technical.first_pass_samples cases whose first `sample.test` has `passed: true` ÷ cases whose
//                              first `sample.test` is in the period.
//   technical.innovations      Σ `innovations` (whole number ≥ 0, absent = 0) over `design.submit`
//                              entries in the period (null when there is none).
//   production.plan_completion cases whose first `production.complete` is on or before the planned
//                              date ÷ cases whose first `production.complete` is in the period.
//                              Planned date = `production_plan.completion_date` of the latest
//                              `kickoff.meeting` before the completion; a date (YYYY-MM-DD) means
//                              the end of that day (UTC).
//   production.pass_rate       first-pass yield: Σ passed quantity at each batch's first
//                              `production.inspect` ÷ Σ that batch's reported quantity, over first
//                              inspections in the period. A batch's reported quantity = Σ
//                              `quantity` of its `production.report` entries before its first
//                              inspection; passed quantity = `quantity_passed`, or when absent the
//                              whole batch if `passed` else 0. Batches are matched by `batch`.
//                              Rectifications and re-inspections do not change it.
//   production.cost_control    Σ actual cost ÷ Σ budgeted cost over cases whose first
//                              `production.complete` is in the period (≤ 1 is good). Actual cost
//                              as for sales.profit; budget = `production_plan.budget_cost` of the
//                              latest `kickoff.meeting` before the completion.
//   quality.inspection_pass_rate passed ÷ all `prep.incoming_inspection` and `production.inspect`
//                              entries in the period (every inspection, not only first ones).
//   quality.issue_timeliness   complaints verified at most `max_hours` (default 72, parameter)
//                              hours after their `service.complaint` ÷ complaints verified in the
//                              period. Complaints are matched by payload `id`; a complaint is
//                              verified by its first `service.verify` whose `satisfied` is not
//                              false (an unsatisfied verification reopens the loop).
//   quality.system_effectiveness cases delivered in the period (as for sales.profit) with no
//                              `service.complaint` anywhere in the case's ledger ÷ cases delivered
//                              in the period.
//
// A KPI with no data in the period (empty denominator, no entry) is null, never 0 or NaN.
//
// ## Bad data
// Every field a built-in KPI reads is checked in every entry of every case given, whether the
// entry is in the period or not (a report must not depend on which period hides bad data):
// amounts, costs, quantities, budgets ≥ 0 and numeric; `score` 1–5; `passed` / `accepted` /
// `satisfied` booleans; `batch` and complaint `id` strings or whole numbers; dates ISO-8601; an
// inspection of an unreported batch, a verification of an unknown complaint, a `quantity_passed`
// above the batch quantity, a sign with no amount, a delivered case with no sign, a completion
// with no plan date or budget are errors too. The error is Error(invalid_argument) with where()
// `case <id> seq <n> (<event>): payload.<field>` and why() the reason. By default the whole
// report fails (nothing is computed from bad data); KpiOptions::skip_bad_cases instead leaves
// such cases out of every KPI and lists them in KpiReport::excluded.
//
// ## KPIs defined in JSON (kpi.json `compute`)
// Each case is given to the expressions as (documented, stable):
//   { "case_id": "...", "data": {creation data},
//     "entries": [ {"seq", "at" (ISO-8601 UTC), "event", "actor": {id, roles}, "payload",
//                   "state": [...], "in_period": bool} ],        // events only, in order
//     "escalations": [ same shape, for escalation entries ],
//     "period": {"from": ISO-8601, "until": ISO-8601 (exclusive)} }
// and the aggregation is one of
//   sum | mean | min | max   over `value`, a number or null (null: the case gives nothing);
//   count                    cases whose `value` is true/truthy (null: the case gives nothing);
//   ratio                    Σ `numerator` ÷ Σ `denominator` (numbers or booleans as 1/0, null:
//                            the case gives nothing); null when Σ denominator is 0.
// The result is null when no case gave anything. A value of another type is an error naming the
// KPI and the case. The expressions of a policy's kpi.json use the operators of its other rules
// (Policy::operators(): date operators such as `days_between`, the host's, `decide`). Example —
// complaints received in the period, over the cases active in it:
//   {"id": "quality.complaints", "direction": "lower", "target": null,
//    "compute": {"aggregate": "sum", "value": {"if": [
//      {"some": [{"var": "entries"}, {"var": "in_period"}]},
//      {"reduce": [{"filter": [{"var": "entries"}, {"and": [{"var": "in_period"},
//                     {"==": [{"var": "event"}, "service.complaint"]}]}]},
//                  {"+": [{"var": "accumulator"}, 1]}, 0]},
//      null]}}}
// Cost: the view of a case is built once per report and shared by every JSON KPI, but it copies
// the case (measured ≈ 15 µs for a 25-entry lifecycle, against ≈ 0.4 µs for all 13 built-ins
// together, which read the ledger in place). The default catalogue therefore has built-ins only.
//
// ## Scores and bonus
// score (per KPI with a target): `ratio` (default) 100 × value ÷ target (higher is better) or
// 100 × target ÷ value (lower is better; value 0 gives the maximum); `linear` 100 × (value −
// floor) ÷ (target − floor). Both clamped to [scoring.min, scoring.max] (default 0–120). Department
// score = Σ weight × score ÷ Σ weight over its KPIs that have a score (null when none has).
// Bonus coefficient = `coefficient` of the last bonus band whose `min` ≤ department score (0 below
// the first band; null when the score is null).
//
// Thread safety: a KpiCatalogue is immutable once built and compute_kpi_report may run on many
// threads; KPI calculators must be immutable too.
#pragma once

#include "undertake/config.hpp"
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
#include "undertake/jsonlogic.hpp"
#include "undertake/ledger.hpp"
#include "undertake/timestamp.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// A reporting period: the instants t with from ≤ t < until.
struct UNDERTAKE_API Period {
  Timestamp from{};
  Timestamp until{};  ///< exclusive

  /// From the first to the last date, both inclusive (`2026-01-01`, `2026-03-31`): until = last
  /// date + 1 day. Both must be dates YYYY-MM-DD; throws Error(invalid_argument) naming
  /// `period.from` / `period.to` otherwise, or when the last date is before the first.
  static Period days(std::string_view first_date, std::string_view last_date);

  bool contains(Timestamp t) const noexcept { return from <= t && t < until; }

  /// `{"from": "2026-01-01", "to": "2026-03-31", "until": "2026-04-01T00:00:00Z"}` (`to` = the
  /// last day covered).
  boost::json::value to_json() const;
};

// ---------------------------------------------------------------------------------------------
// Calculators

/// A KPI computed in C++. Register it on a KpiCatalogue under id(); implementations must be
/// immutable and may throw Error for bad data.
class UNDERTAKE_API KpiCalculator {
 public:
  virtual ~KpiCalculator();
  /// The KPI id, e.g. `sales.revenue` (the part before the first dot is the department by
  /// default).
  virtual std::string id() const = 0;
  /// The KPI over the cases for the period, or nothing when there is no data.
  virtual std::optional<double> compute(const std::vector<const CaseLedger*>& cases,
                                        Period period) const = 0;
};

/// The built-in KPIs of design.md §6.
enum class BuiltinKpi : std::uint8_t {
  sales_revenue,
  sales_profit,
  sales_satisfaction,
  sales_contract_timeliness,
  technical_design_cycle_days,
  technical_first_pass_samples,
  technical_innovations,
  production_plan_completion,
  production_pass_rate,
  production_cost_control,
  quality_inspection_pass_rate,
  quality_issue_timeliness,
  quality_system_effectiveness,
};
inline constexpr std::size_t kBuiltinKpiCount = 13;

/// `sales.revenue`, ...
UNDERTAKE_API std::string_view builtin_kpi_id(BuiltinKpi kpi) noexcept;
UNDERTAKE_API std::optional<BuiltinKpi> builtin_kpi_from_id(std::string_view id) noexcept;

/// The parameters of the built-in formulas (kpi.json `parameters` of the KPI concerned).
struct UNDERTAKE_API BuiltinKpiParameters {
  double contract_max_days = 30;  ///< sales.contract_timeliness `max_days`
  double issue_max_hours = 72;    ///< quality.issue_timeliness `max_hours`
};

/// A built-in KPI as a KpiCalculator (compute() runs the single pass over the cases). The report
/// recognises built-ins and computes all of them in one shared pass (src/kpi/kpi_detail.hpp).
class UNDERTAKE_API BuiltinKpiCalculator final : public KpiCalculator {
 public:
  explicit BuiltinKpiCalculator(BuiltinKpi kpi, BuiltinKpiParameters parameters = {});
  std::string id() const override;
  std::optional<double> compute(const std::vector<const CaseLedger*>& cases,
                                Period period) const override;
  BuiltinKpi kpi() const noexcept { return kpi_; }
  const BuiltinKpiParameters& parameters() const noexcept { return parameters_; }

 private:
  BuiltinKpi kpi_;
  BuiltinKpiParameters parameters_;
};

// ---------------------------------------------------------------------------------------------
// The catalogue (rules/…/kpi.json)

enum class KpiDirection : std::uint8_t { higher_is_better, lower_is_better };

struct UNDERTAKE_API KpiScoring {
  enum class Method : std::uint8_t { ratio, linear };
  Method method = Method::ratio;
  double floor = 0;  ///< linear: the value that scores 0
};

struct UNDERTAKE_API KpiDefinition {
  std::string id;
  std::string title;
  std::string department;  ///< the owning department (shown in the report)
  std::string unit;
  KpiDirection direction = KpiDirection::higher_is_better;
  std::optional<double> target;  ///< no target: no score
  KpiScoring scoring;
};

struct UNDERTAKE_API KpiDepartment {
  std::string id;
  std::string title;
  std::vector<std::pair<std::string, double>> weights;  ///< KPI id → weight > 0
};

/// A row of the bonus table: department scores ≥ min (up to the next row's min) give
/// `coefficient`.
struct UNDERTAKE_API BonusBand {
  double min = 0;
  double coefficient = 0;
};

class UNDERTAKE_API KpiCatalogue {
 public:
  /// An empty catalogue: no KPIs, no departments, scores 0–120, no bonus bands.
  KpiCatalogue();
  ~KpiCatalogue();
  KpiCatalogue(const KpiCatalogue&);
  KpiCatalogue& operator=(const KpiCatalogue&);
  KpiCatalogue(KpiCatalogue&&) noexcept;
  KpiCatalogue& operator=(KpiCatalogue&&) noexcept;

  /// The catalogue of the embedded rules/default/kpi.json (built once).
  static const KpiCatalogue& defaults();

  /// Registers a C++ calculator under calculator->id(), replacing any calculator of that id
  /// (built-in or JSON). A KPI not yet defined gets a definition without target whose department
  /// is the id's prefix. Throws Error(invalid_argument) for a null calculator or an empty id.
  void add(std::shared_ptr<const KpiCalculator> calculator);
  /// Adds or replaces a definition (keeps its calculator, if any). A definition whose id is a
  /// built-in gets the built-in calculator when it has none.
  void define(KpiDefinition definition);
  void set_departments(std::vector<KpiDepartment> departments);
  void set_bonus(std::vector<BonusBand> bands);  ///< ascending by min
  void set_score_range(double min, double max);

  const std::vector<KpiDefinition>& kpis() const noexcept;
  const std::vector<KpiDepartment>& departments() const noexcept;
  const std::vector<BonusBand>& bonus() const noexcept;
  double score_min() const noexcept;
  double score_max() const noexcept;
  const KpiDefinition* find(std::string_view id) const noexcept;
  /// The calculator of a KPI, or nullptr (a KPI marked `external` until a host registers it).
  const KpiCalculator* calculator(std::string_view id) const noexcept;
  std::shared_ptr<const KpiCalculator> calculator_ptr(std::string_view id) const noexcept;

  /// The score of a value under a KPI's definition; nothing without a target.
  std::optional<double> score(const KpiDefinition& kpi, double value) const noexcept;
  /// The bonus coefficient of a department score.
  double bonus_coefficient(double department_score) const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads kpi.json (already parsed); shape in rules/schema/kpi.schema.json. `file` names it in
/// errors: Error(invalid_policy) with where() `<file>: /kpis/3/target` (a JSON Pointer). JSON
/// KPI expressions are compiled here with `ops` (Error(invalid_rule) for a bad one, naming its
/// pointer); Policy::load passes the policy's operators (Policy::operators()).
UNDERTAKE_API KpiCatalogue
kpi_catalogue_from_json(const boost::json::value& json, std::string_view file,
                        const jsonlogic::Operators& ops = jsonlogic::Operators::with_dates());

// ---------------------------------------------------------------------------------------------
// The report

struct UNDERTAKE_API KpiResult {
  std::string id;
  std::string title;
  std::string department;
  std::string unit;
  KpiDirection direction = KpiDirection::higher_is_better;
  std::optional<double> value;
  std::optional<double> target;
  std::optional<double> score;
};

struct UNDERTAKE_API DepartmentResult {
  std::string id;
  std::string title;
  std::optional<double> score;              ///< weighted over the KPIs that have a score
  std::optional<double> bonus_coefficient;  ///< null when score is null
  /// The department's KPIs and their weights, as configured (KPIs without a score are left out
  /// of the weighted mean).
  std::vector<std::pair<std::string, double>> weights;
};

/// A case left out of the report (KpiOptions::skip_bad_cases).
struct UNDERTAKE_API ExcludedCase {
  std::string case_id;
  std::string where;
  std::string why;
};

struct UNDERTAKE_API KpiReport {
  Period period;
  std::size_t cases = 0;  ///< cases the KPIs were computed from
  std::vector<KpiResult> kpis;
  std::vector<DepartmentResult> departments;
  std::vector<ExcludedCase> excluded;

  const KpiResult* find(std::string_view id) const noexcept;
  const DepartmentResult* department(std::string_view id) const noexcept;

  /// `{"period": {...}, "cases": n,
  ///   "kpis": {"sales.revenue": {"title", "department", "unit", "direction": "higher"|"lower",
  ///            "value", "target", "score"}, ...},            // null where absent
  ///   "departments": {"sales": {"title", "score", "bonus_coefficient",
  ///                   "weights": {"sales.revenue": 40, ...}}, ...},
  ///   "excluded": [{"case_id", "where", "why"}]}`
  boost::json::value to_json() const;
  /// A readable table: KPI, department, value, target, score; then department, score, bonus.
  /// Null is shown as "—".
  std::string to_text() const;
};

struct UNDERTAKE_API KpiOptions {
  /// Leave cases with bad data out (listed in KpiReport::excluded) instead of failing.
  bool skip_bad_cases = false;
};

/// Computes every KPI of the catalogue over the cases for the period: the built-ins in one pass
/// per case, JSON KPIs from one JSON view per case, host calculators through compute(). Throws
/// Error for bad data (see "Bad data") and Error(not_found) for a KPI that has no calculator.
UNDERTAKE_API KpiReport compute_kpi_report(const KpiCatalogue& catalogue,
                                           const std::vector<const CaseLedger*>& cases,
                                           Period period, const KpiOptions& options = {});
UNDERTAKE_API KpiReport compute_kpi_report(const KpiCatalogue& catalogue,
                                           const std::vector<CaseLedger>& cases, Period period,
                                           const KpiOptions& options = {});

/// Reads ledgers for a report: a CaseLedger object, an array of them, or `{"cases": [...]}`.
/// `where` names the source (a file name) in errors.
UNDERTAKE_API std::vector<CaseLedger> case_ledgers_from_json(const boost::json::value& json,
                                                             std::string_view where);

UNDERTAKE_END_NAMESPACE

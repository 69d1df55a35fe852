// The built-in KPIs of design.md §6: one validating pass per case extracts every fact they need.
//
// Hot path (a report over a million cases): the pass switches on the event enum, reads payload
// members in place (no copies), matches batches and complaints by views into the ledger's own
// strings, and keeps its scratch vectors between cases. Error messages are built only on error.
#include <boost/json.hpp>

#include <array>
#include <cmath>
#include <string>

#include "kpi/kpi_detail.hpp"
#include "undertake/kpi.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

constexpr std::string_view kBuiltinIds[kBuiltinKpiCount] = {
    "sales.revenue",
    "sales.profit",
    "sales.satisfaction",
    "sales.contract_timeliness",
    "technical.design_cycle_days",
    "technical.first_pass_samples",
    "technical.innovations",
    "production.plan_completion",
    "production.pass_rate",
    "production.cost_control",
    "quality.inspection_pass_rate",
    "quality.issue_timeliness",
    "quality.system_effectiveness",
};

constexpr double kMsPerHour = 3'600'000.0;
constexpr double kMsPerDay = 86'400'000.0;

/// A batch or complaint id: a string (viewed in the ledger) or a whole number.
struct Key {
  std::string_view text;
  std::int64_t number = 0;
  bool is_text = false;

  bool operator==(const Key& o) const noexcept {
    return is_text == o.is_text && (is_text ? text == o.text : number == o.number);
  }
  std::string show() const {
    return is_text ? "\"" + std::string(text) + "\"" : std::to_string(number);
  }
};

struct Batch {
  Key key;
  double reported = 0;
  bool inspected = false;
};

struct Complaint {
  Key key;
  Timestamp at{};
  bool verified = false;
};

/// Reads and checks payload fields of one entry; every failure names case, seq, event and field.
class Fields {
 public:
  Fields(const CaseLedger& c, const LedgerEntry& e) : c_(c), e_(e) {}

  [[noreturn]] void fail(std::string_view field, std::string why) const {
    kpi_detail::fail_entry(c_, e_, field, std::move(why));
  }

  const json::value& required(const json::value* v, std::string_view field) const {
    if (!v) fail(field, "missing");
    return *v;
  }

  double non_negative(const json::value& v, std::string_view field) const {
    double x = 0;
    if (!kpi_detail::number_of(v, x) || x < 0)
      fail(field, "must be a number ≥ 0, got " + kpi_detail::describe(v));
    return x;
  }

  bool boolean(const json::value& v, std::string_view field) const {
    if (!v.is_bool()) fail(field, "must be true or false, got " + kpi_detail::describe(v));
    return v.get_bool();
  }

  Key key(const json::value& v, std::string_view field) const {
    Key k;
    if (v.is_string()) {
      k.is_text = true;
      k.text = v.get_string();
      return k;
    }
    if (v.is_int64()) {
      k.number = v.get_int64();
      return k;
    }
    if (const auto n = kpi_detail::as_integer(v)) {
      k.number = *n;
      return k;
    }
    fail(field, "must be a string or a whole number, got " + kpi_detail::describe(v));
  }

  /// The last instant that is "on or before" an ISO-8601 date (end of that day, UTC) or
  /// date-time (that instant).
  Timestamp deadline(const json::value& v, std::string_view field) const {
    std::optional<Timestamp> t;
    if (v.is_string()) t = parse_iso8601(v.get_string());
    if (!t) fail(field, "must be an ISO-8601 date or date-time, got " + kpi_detail::describe(v));
    if (v.get_string().size() == 10)
      return *t + std::chrono::hours(24) - std::chrono::milliseconds(1);
    return *t;
  }

 private:
  const CaseLedger& c_;
  const LedgerEntry& e_;
};

/// Equal bytes; inline because payload keys are a few bytes long and a memcmp call costs more.
inline bool same_text(const char* a, const char* b, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

/// The members `keys` of a payload in one pass over it (payloads are small: a linear scan with
/// the length compared first beats hashing, and the object is read once, not once per key).
template <std::size_t N>
std::array<const json::value*, N> members(const json::object& o,
                                          const std::array<std::string_view, N>& keys) noexcept {
  std::array<const json::value*, N> found{};
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    for (std::size_t i = 0; i < N; ++i)
      if (k.size() == keys[i].size() && same_text(k.data(), keys[i].data(), k.size()))
        found[i] = &kv.value();
  }
  return found;
}

inline const json::value* member(const json::object& o, std::string_view key) noexcept {
  return members<1>(o, {key})[0];
}

bool is_design_state(const std::string& s) noexcept {
  return s.size() >= 6 && same_text(s.data(), "Design", 6) && (s.size() == 6 || s[6] == '.');
}

template <typename T>
T* find_key(std::vector<T>& list, const Key& key) noexcept {
  for (auto& item : list)
    if (item.key == key) return &item;
  return nullptr;
}

}  // namespace

std::string_view builtin_kpi_id(BuiltinKpi kpi) noexcept {
  return kBuiltinIds[static_cast<std::size_t>(kpi)];
}

std::optional<BuiltinKpi> builtin_kpi_from_id(std::string_view id) noexcept {
  for (std::size_t i = 0; i < kBuiltinKpiCount; ++i)
    if (kBuiltinIds[i] == id) return static_cast<BuiltinKpi>(i);
  return std::nullopt;
}

namespace kpi_detail {

BuiltinKpiTotals& BuiltinKpiTotals::operator+=(const BuiltinKpiTotals& o) noexcept {
  revenue += o.revenue;
  signs += o.signs;
  timely_signs += o.timely_signs;
  profit += o.profit;
  delivered += o.delivered;
  delivered_without_complaint += o.delivered_without_complaint;
  satisfaction += o.satisfaction;
  feedbacks += o.feedbacks;
  design_days += o.design_days;
  designs += o.designs;
  first_tests += o.first_tests;
  first_tests_passed += o.first_tests_passed;
  innovations += o.innovations;
  design_submits += o.design_submits;
  completions += o.completions;
  completions_on_plan += o.completions_on_plan;
  actual_cost += o.actual_cost;
  budget_cost += o.budget_cost;
  first_pass_quantity += o.first_pass_quantity;
  first_inspected_quantity += o.first_inspected_quantity;
  first_inspections += o.first_inspections;
  inspections += o.inspections;
  inspections_passed += o.inspections_passed;
  complaints_verified += o.complaints_verified;
  complaints_verified_in_time += o.complaints_verified_in_time;
  return *this;
}

std::optional<double> BuiltinKpiTotals::value(BuiltinKpi kpi) const noexcept {
  const auto ratio = [](double num, double den) -> std::optional<double> {
    if (!(den > 0)) return std::nullopt;
    return num / den;
  };
  const auto d = [](std::uint64_t n) { return static_cast<double>(n); };
  switch (kpi) {
    case BuiltinKpi::sales_revenue:
      return signs ? std::optional<double>(revenue) : std::nullopt;
    case BuiltinKpi::sales_profit:
      return delivered ? std::optional<double>(profit) : std::nullopt;
    case BuiltinKpi::sales_satisfaction:
      return ratio(satisfaction, d(feedbacks));
    case BuiltinKpi::sales_contract_timeliness:
      return ratio(d(timely_signs), d(signs));
    case BuiltinKpi::technical_design_cycle_days:
      return ratio(design_days, d(designs));
    case BuiltinKpi::technical_first_pass_samples:
      return ratio(d(first_tests_passed), d(first_tests));
    case BuiltinKpi::technical_innovations:
      return design_submits ? std::optional<double>(innovations) : std::nullopt;
    case BuiltinKpi::production_plan_completion:
      return ratio(d(completions_on_plan), d(completions));
    case BuiltinKpi::production_pass_rate:
      return ratio(first_pass_quantity, first_inspected_quantity);
    case BuiltinKpi::production_cost_control:
      return ratio(actual_cost, budget_cost);
    case BuiltinKpi::quality_inspection_pass_rate:
      return ratio(d(inspections_passed), d(inspections));
    case BuiltinKpi::quality_issue_timeliness:
      return ratio(d(complaints_verified_in_time), d(complaints_verified));
    case BuiltinKpi::quality_system_effectiveness:
      return ratio(d(delivered_without_complaint), d(delivered));
  }
  return std::nullopt;
}

struct BuiltinKpiExtractor::Scratch {
  std::vector<Batch> batches;
  std::vector<Complaint> complaints;
};

BuiltinKpiExtractor::BuiltinKpiExtractor(Period period, BuiltinKpiParameters parameters)
    : period_(period), parameters_(parameters), scratch_(std::make_unique<Scratch>()) {}
BuiltinKpiExtractor::~BuiltinKpiExtractor() = default;
BuiltinKpiExtractor::BuiltinKpiExtractor(BuiltinKpiExtractor&&) noexcept = default;
BuiltinKpiExtractor& BuiltinKpiExtractor::operator=(BuiltinKpiExtractor&&) noexcept = default;

namespace {

/// One case's pass: what the entries read so far say, and the totals they add up to. Each kind of
/// event has its own step; finish() adds what needs the whole case (profit, cost control).
class CasePass {
 public:
  CasePass(const CaseLedger& c, Period period, const BuiltinKpiParameters& parameters,
           std::vector<Batch>& batches, std::vector<Complaint>& complaints)
      : c_(c),
        period_(period),
        max_sign_ms_(parameters.contract_max_days * kMsPerDay),
        max_issue_ms_(parameters.issue_max_hours * kMsPerHour),
        batches_(batches),
        complaints_(complaints) {
    batches_.clear();
    complaints_.clear();
  }

  void entry(const LedgerEntry& e) {
    if (e.kind != EntryKind::event) return;
    const bool in = period_.contains(e.at);
    if (!design_started_) note_design_start(e);
    const json::object& p = e.payload;
    switch (e.event) {
      case EventId::contract_draft:
      case EventId::contract_revise:
        return draft(e, p);
      case EventId::evaluation_approve:
        have_approve_ = true;
        last_approve_ = e.at;
        return;
      case EventId::contract_sign:
        return sign(e, in);
      case EventId::kickoff_meeting:
        return kickoff(e, p);
      case EventId::design_submit:
        return design_submit(e, p, in);
      case EventId::sample_test:
        return sample_test(e, p, in);
      case EventId::sample_confirm:
        return sample_confirm(e, p, in);
      case EventId::prep_incoming_inspection:
        return incoming_inspection(e, p, in);
      case EventId::production_report:
        return production_report(e, p);
      case EventId::production_inspect:
        return production_inspect(e, p, in);
      case EventId::production_rectify:
        return production_rectify(e, p);
      case EventId::production_complete:
        return production_complete(e, in);
      case EventId::delivery_confirm:
        return delivery_confirm(e, p, in);
      case EventId::service_feedback:
        return service_feedback(e, p, in);
      case EventId::service_complaint:
        return service_complaint(e, p);
      case EventId::service_verify:
        return service_verify(e, p, in);
      default:
        return;
    }
  }

  BuiltinKpiTotals finish() {
    if (delivery_) {
      if (!have_sign_)
        kpi_detail::fail_entry(c_, *delivery_, {},
                               "the case was delivered but has no contract.sign");
      if (delivered_in_) {
        t_.profit += signed_amount_ - actual_cost_;
        ++t_.delivered;
        if (!any_complaint_) ++t_.delivered_without_complaint;
      }
    }
    if (completed_in_) {
      t_.actual_cost += actual_cost_;
      t_.budget_cost += completion_budget_;
    }
    return t_;
  }

 private:
  void note_design_start(const LedgerEntry& e) {
    for (const auto& s : e.state)
      if (is_design_state(s)) {
        design_started_ = true;
        design_start_ = e.at;
        return;
      }
  }

  void draft(const LedgerEntry& e, const json::object& p) {
    if (const json::value* v = member(p, "amount")) {
      amount_ = Fields(c_, e).non_negative(*v, "amount");
      have_amount_ = true;
    }
  }

  void sign(const LedgerEntry& e, bool in) {
    if (!have_amount_)
      Fields(c_, e).fail({},
                         "no contract.draft or contract.revise before this sign carries an amount");
    have_sign_ = true;
    signed_amount_ = amount_;
    if (!in) return;
    t_.revenue += amount_;
    ++t_.signs;
    if (have_approve_ && static_cast<double>((e.at - last_approve_).count()) <= max_sign_ms_)
      ++t_.timely_signs;
  }

  void kickoff(const LedgerEntry& e, const json::object& p) {
    const json::value* v = member(p, "production_plan");
    if (!v) return;
    const Fields f(c_, e);
    if (!v->is_object())
      f.fail("production_plan", "must be an object {quantity, completion_date, budget_cost}");
    const auto [d, b, q] =
        members<3>(v->get_object(), {"completion_date", "budget_cost", "quantity"});
    if (d) {
      plan_deadline_ = f.deadline(*d, "production_plan.completion_date");
      have_plan_date_ = true;
    }
    if (b) {
      budget_ = f.non_negative(*b, "production_plan.budget_cost");
      have_budget_ = true;
    }
    if (q) f.non_negative(*q, "production_plan.quantity");
  }

  void design_submit(const LedgerEntry& e, const json::object& p, bool in) {
    double n = 0;
    if (const json::value* v = member(p, "innovations")) {
      const auto whole = kpi_detail::as_integer(*v);
      if (!whole || *whole < 0)
        Fields(c_, e).fail("innovations",
                           "must be a whole number ≥ 0, got " + kpi_detail::describe(*v));
      n = static_cast<double>(*whole);
    }
    if (in) {
      t_.innovations += n;
      ++t_.design_submits;
    }
  }

  void sample_test(const LedgerEntry& e, const json::object& p, bool in) {
    const Fields f(c_, e);
    const bool passed = f.boolean(f.required(member(p, "passed"), "passed"), "passed");
    if (tested_) return;
    tested_ = true;
    if (in) {
      ++t_.first_tests;
      if (passed) ++t_.first_tests_passed;
    }
  }

  void sample_confirm(const LedgerEntry& e, const json::object& p, bool in) {
    const Fields f(c_, e);
    const bool accepted = f.boolean(f.required(member(p, "accepted"), "accepted"), "accepted");
    if (!accepted || design_done_) return;
    design_done_ = true;
    if (!design_started_)
      f.fail({}, "accepted sample.confirm, but no entry up to it is in a Design state");
    if (in) {
      t_.design_days += days_between(design_start_, e.at);
      ++t_.designs;
    }
  }

  void count_inspection(bool passed, bool in) {
    if (!in) return;
    ++t_.inspections;
    if (passed) ++t_.inspections_passed;
  }

  void incoming_inspection(const LedgerEntry& e, const json::object& p, bool in) {
    const Fields f(c_, e);
    count_inspection(f.boolean(f.required(member(p, "passed"), "passed"), "passed"), in);
  }

  void production_report(const LedgerEntry& e, const json::object& p) {
    const Fields f(c_, e);
    const auto [batch, quantity_v, cost] = members<3>(p, {"batch", "quantity", "cost"});
    const Key key = f.key(f.required(batch, "batch"), "batch");
    const double quantity = f.non_negative(f.required(quantity_v, "quantity"), "quantity");
    actual_cost_ += f.non_negative(f.required(cost, "cost"), "cost");
    if (Batch* b = find_key(batches_, key)) {
      if (!b->inspected) b->reported += quantity;
    } else {
      batches_.push_back(Batch{key, quantity, false});
    }
  }

  void production_inspect(const LedgerEntry& e, const json::object& p, bool in) {
    const Fields f(c_, e);
    const auto [batch, passed_v, qp] = members<3>(p, {"batch", "passed", "quantity_passed"});
    const Key key = f.key(f.required(batch, "batch"), "batch");
    const bool passed = f.boolean(f.required(passed_v, "passed"), "passed");
    const double quantity_passed = qp ? f.non_negative(*qp, "quantity_passed") : 0;
    count_inspection(passed, in);
    Batch* b = find_key(batches_, key);
    if (!b) f.fail("batch", "no production.report of batch " + key.show() + " before it");
    if (b->inspected) return;
    b->inspected = true;
    const double ok = qp ? quantity_passed : (passed ? b->reported : 0.0);
    if (ok > b->reported)
      f.fail("quantity_passed", "is " + kpi_detail::number_text(ok) +
                                    ", more than the batch's reported quantity " +
                                    kpi_detail::number_text(b->reported));
    if (in) {
      t_.first_pass_quantity += ok;
      t_.first_inspected_quantity += b->reported;
      ++t_.first_inspections;
    }
  }

  // Rework is part of the actual cost (policy §二(七)2); `cost` is optional: absent or null
  // (which payload validation lets through) costs 0.
  void production_rectify(const LedgerEntry& e, const json::object& p) {
    if (const json::value* cost = member(p, "cost"); cost && !cost->is_null())
      actual_cost_ += Fields(c_, e).non_negative(*cost, "cost");
  }

  void production_complete(const LedgerEntry& e, bool in) {
    if (completed_) return;
    completed_ = true;
    const Fields f(c_, e);
    if (!have_plan_date_)
      f.fail({}, "no kickoff.meeting before this completion gives production_plan.completion_date");
    if (!have_budget_)
      f.fail({}, "no kickoff.meeting before this completion gives production_plan.budget_cost");
    if (in) {
      completed_in_ = true;
      completion_budget_ = budget_;
      ++t_.completions;
      if (e.at <= plan_deadline_) ++t_.completions_on_plan;
    }
  }

  void delivery_confirm(const LedgerEntry& e, const json::object& p, bool in) {
    if (const json::value* v = member(p, "accepted")) Fields(c_, e).boolean(*v, "accepted");
    if (!delivery_) {
      delivery_ = &e;
      delivered_in_ = in;
    }
  }

  void service_feedback(const LedgerEntry& e, const json::object& p, bool in) {
    const Fields f(c_, e);
    const json::value& v = f.required(member(p, "score"), "score");
    double score = 0;
    if (!kpi_detail::number_of(v, score) || score < 1 || score > 5)
      f.fail("score", "must be a number 1–5, got " + kpi_detail::describe(v));
    if (in) {
      t_.satisfaction += score;
      ++t_.feedbacks;
    }
  }

  void service_complaint(const LedgerEntry& e, const json::object& p) {
    const Fields f(c_, e);
    const Key key = f.key(f.required(member(p, "id"), "id"), "id");
    any_complaint_ = true;
    if (!find_key(complaints_, key)) complaints_.push_back(Complaint{key, e.at, false});
  }

  void service_verify(const LedgerEntry& e, const json::object& p, bool in) {
    const Fields f(c_, e);
    const Key key = f.key(f.required(member(p, "id"), "id"), "id");
    bool satisfied = true;
    if (const json::value* s = member(p, "satisfied")) satisfied = f.boolean(*s, "satisfied");
    Complaint* complaint = find_key(complaints_, key);
    if (!complaint) f.fail("id", "no service.complaint with id " + key.show() + " before it");
    if (!satisfied || complaint->verified) return;
    complaint->verified = true;
    if (in) {
      ++t_.complaints_verified;
      if (static_cast<double>((e.at - complaint->at).count()) <= max_issue_ms_)
        ++t_.complaints_verified_in_time;
    }
  }

  const CaseLedger& c_;
  const Period period_;
  const double max_sign_ms_;
  const double max_issue_ms_;
  std::vector<Batch>& batches_;
  std::vector<Complaint>& complaints_;
  BuiltinKpiTotals t_;

  bool design_started_ = false, design_done_ = false;
  Timestamp design_start_{};
  bool have_amount_ = false, have_sign_ = false;
  double amount_ = 0, signed_amount_ = 0;
  bool have_approve_ = false;
  Timestamp last_approve_{};
  bool have_plan_date_ = false, have_budget_ = false;
  Timestamp plan_deadline_{};
  double budget_ = 0;
  bool tested_ = false;
  bool completed_ = false, completed_in_ = false;
  double completion_budget_ = 0;
  double actual_cost_ = 0;
  const LedgerEntry* delivery_ = nullptr;
  bool delivered_in_ = false;
  bool any_complaint_ = false;
};

}  // namespace

BuiltinKpiTotals BuiltinKpiExtractor::extract(const CaseLedger& c) {
  CasePass pass(c, period_, parameters_, scratch_->batches, scratch_->complaints);
  for (const LedgerEntry& e : c.entries) pass.entry(e);
  return pass.finish();
}

}  // namespace kpi_detail

BuiltinKpiCalculator::BuiltinKpiCalculator(BuiltinKpi kpi, BuiltinKpiParameters parameters)
    : kpi_(kpi), parameters_(parameters) {}

std::string BuiltinKpiCalculator::id() const {
  return std::string(builtin_kpi_id(kpi_));
}

std::optional<double> BuiltinKpiCalculator::compute(const std::vector<const CaseLedger*>& cases,
                                                    Period period) const {
  kpi_detail::BuiltinKpiExtractor extractor(period, parameters_);
  for (const CaseLedger* c : cases) extractor.add(*c);
  return extractor.totals().value(kpi_);
}

UNDERTAKE_END_NAMESPACE

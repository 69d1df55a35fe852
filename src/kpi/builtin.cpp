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

BuiltinKpiTotals BuiltinKpiExtractor::extract(const CaseLedger& c) {
  BuiltinKpiTotals t;
  auto& batches = scratch_->batches;
  auto& complaints = scratch_->complaints;
  batches.clear();
  complaints.clear();
  const Period period = period_;
  const double max_sign_ms = parameters_.contract_max_days * kMsPerDay;
  const double max_issue_ms = parameters_.issue_max_hours * kMsPerHour;

  bool design_started = false, design_done = false;
  Timestamp design_start{};
  bool have_amount = false, have_sign = false;
  double amount = 0, signed_amount = 0;
  bool have_approve = false;
  Timestamp last_approve{};
  bool have_plan_date = false, have_budget = false;
  Timestamp plan_deadline{};
  double budget = 0;
  bool tested = false;
  bool completed = false, completed_in = false;
  double completion_budget = 0;
  double actual_cost = 0;
  const LedgerEntry* delivery = nullptr;
  bool delivered_in = false;
  bool any_complaint = false;

  for (const LedgerEntry& e : c.entries) {
    if (e.kind != EntryKind::event) continue;
    const bool in = period.contains(e.at);
    if (!design_started) {
      for (const auto& s : e.state)
        if (is_design_state(s)) {
          design_started = true;
          design_start = e.at;
          break;
        }
    }
    const json::object& p = e.payload;
    switch (e.event) {
      case EventId::contract_draft:
      case EventId::contract_revise:
        if (const json::value* v = member(p, "amount")) {
          amount = Fields(c, e).non_negative(*v, "amount");
          have_amount = true;
        }
        break;
      case EventId::evaluation_approve:
        have_approve = true;
        last_approve = e.at;
        break;
      case EventId::contract_sign:
        if (!have_amount)
          Fields(c, e).fail(
              {}, "no contract.draft or contract.revise before this sign carries an amount");
        have_sign = true;
        signed_amount = amount;
        if (in) {
          t.revenue += amount;
          ++t.signs;
          if (have_approve && static_cast<double>((e.at - last_approve).count()) <= max_sign_ms)
            ++t.timely_signs;
        }
        break;
      case EventId::kickoff_meeting:
        if (const json::value* v = member(p, "production_plan")) {
          const Fields f(c, e);
          if (!v->is_object())
            f.fail("production_plan", "must be an object {quantity, completion_date, budget_cost}");
          const auto [d, b, q] =
              members<3>(v->get_object(), {"completion_date", "budget_cost", "quantity"});
          if (d) {
            plan_deadline = f.deadline(*d, "production_plan.completion_date");
            have_plan_date = true;
          }
          if (b) {
            budget = f.non_negative(*b, "production_plan.budget_cost");
            have_budget = true;
          }
          if (q) f.non_negative(*q, "production_plan.quantity");
        }
        break;
      case EventId::design_submit: {
        double n = 0;
        if (const json::value* v = member(p, "innovations")) {
          const auto whole = kpi_detail::as_integer(*v);
          if (!whole || *whole < 0)
            Fields(c, e).fail("innovations",
                              "must be a whole number ≥ 0, got " + kpi_detail::describe(*v));
          n = static_cast<double>(*whole);
        }
        if (in) {
          t.innovations += n;
          ++t.design_submits;
        }
        break;
      }
      case EventId::sample_test: {
        const Fields f(c, e);
        const bool passed = f.boolean(f.required(member(p, "passed"), "passed"), "passed");
        if (!tested) {
          tested = true;
          if (in) {
            ++t.first_tests;
            if (passed) ++t.first_tests_passed;
          }
        }
        break;
      }
      case EventId::sample_confirm: {
        const Fields f(c, e);
        const bool accepted = f.boolean(f.required(member(p, "accepted"), "accepted"), "accepted");
        if (accepted && !design_done) {
          design_done = true;
          if (!design_started)
            f.fail({}, "accepted sample.confirm, but no entry up to it is in a Design state");
          if (in) {
            t.design_days += days_between(design_start, e.at);
            ++t.designs;
          }
        }
        break;
      }
      case EventId::prep_incoming_inspection: {
        const Fields f(c, e);
        const bool passed = f.boolean(f.required(member(p, "passed"), "passed"), "passed");
        if (in) {
          ++t.inspections;
          if (passed) ++t.inspections_passed;
        }
        break;
      }
      case EventId::production_report: {
        const Fields f(c, e);
        const auto [batch, quantity_v, cost] = members<3>(p, {"batch", "quantity", "cost"});
        const Key key = f.key(f.required(batch, "batch"), "batch");
        const double quantity = f.non_negative(f.required(quantity_v, "quantity"), "quantity");
        actual_cost += f.non_negative(f.required(cost, "cost"), "cost");
        if (Batch* b = find_key(batches, key)) {
          if (!b->inspected) b->reported += quantity;
        } else {
          batches.push_back(Batch{key, quantity, false});
        }
        break;
      }
      case EventId::production_inspect: {
        const Fields f(c, e);
        const auto [batch, passed_v, qp] = members<3>(p, {"batch", "passed", "quantity_passed"});
        const Key key = f.key(f.required(batch, "batch"), "batch");
        const bool passed = f.boolean(f.required(passed_v, "passed"), "passed");
        const double quantity_passed = qp ? f.non_negative(*qp, "quantity_passed") : 0;
        if (in) {
          ++t.inspections;
          if (passed) ++t.inspections_passed;
        }
        Batch* b = find_key(batches, key);
        if (!b) f.fail("batch", "no production.report of batch " + key.show() + " before it");
        if (!b->inspected) {
          b->inspected = true;
          const double ok = qp ? quantity_passed : (passed ? b->reported : 0.0);
          if (ok > b->reported)
            f.fail("quantity_passed", "is " + kpi_detail::number_text(ok) +
                                          ", more than the batch's reported quantity " +
                                          kpi_detail::number_text(b->reported));
          if (in) {
            t.first_pass_quantity += ok;
            t.first_inspected_quantity += b->reported;
            ++t.first_inspections;
          }
        }
        break;
      }
      case EventId::production_rectify:
        // Rework is part of the actual cost (policy §二(七)2); `cost` is optional: absent or null
        // (which payload validation lets through) costs 0.
        if (const json::value* cost = member(p, "cost"); cost && !cost->is_null())
          actual_cost += Fields(c, e).non_negative(*cost, "cost");
        break;
      case EventId::production_complete:
        if (!completed) {
          completed = true;
          const Fields f(c, e);
          if (!have_plan_date)
            f.fail({},
                   "no kickoff.meeting before this completion gives "
                   "production_plan.completion_date");
          if (!have_budget)
            f.fail({},
                   "no kickoff.meeting before this completion gives "
                   "production_plan.budget_cost");
          if (in) {
            completed_in = true;
            completion_budget = budget;
            ++t.completions;
            if (e.at <= plan_deadline) ++t.completions_on_plan;
          }
        }
        break;
      case EventId::delivery_confirm:
        if (const json::value* v = member(p, "accepted")) Fields(c, e).boolean(*v, "accepted");
        if (!delivery) {
          delivery = &e;
          delivered_in = in;
        }
        break;
      case EventId::service_feedback: {
        const Fields f(c, e);
        const json::value& v = f.required(member(p, "score"), "score");
        double score = 0;
        if (!kpi_detail::number_of(v, score) || score < 1 || score > 5)
          f.fail("score", "must be a number 1–5, got " + kpi_detail::describe(v));
        if (in) {
          t.satisfaction += score;
          ++t.feedbacks;
        }
        break;
      }
      case EventId::service_complaint: {
        const Fields f(c, e);
        const Key key = f.key(f.required(member(p, "id"), "id"), "id");
        any_complaint = true;
        if (!find_key(complaints, key)) complaints.push_back(Complaint{key, e.at, false});
        break;
      }
      case EventId::service_verify: {
        const Fields f(c, e);
        const Key key = f.key(f.required(member(p, "id"), "id"), "id");
        bool satisfied = true;
        if (const json::value* s = member(p, "satisfied")) satisfied = f.boolean(*s, "satisfied");
        Complaint* complaint = find_key(complaints, key);
        if (!complaint) f.fail("id", "no service.complaint with id " + key.show() + " before it");
        if (satisfied && !complaint->verified) {
          complaint->verified = true;
          if (in) {
            ++t.complaints_verified;
            if (static_cast<double>((e.at - complaint->at).count()) <= max_issue_ms)
              ++t.complaints_verified_in_time;
          }
        }
        break;
      }
      default:
        break;
    }
  }

  if (delivery) {
    if (!have_sign)
      kpi_detail::fail_entry(c, *delivery, {}, "the case was delivered but has no contract.sign");
    if (delivered_in) {
      t.profit += signed_amount - actual_cost;
      ++t.delivered;
      if (!any_complaint) ++t.delivered_without_complaint;
    }
  }
  if (completed_in) {
    t.actual_cost += actual_cost;
    t.budget_cost += completion_budget;
  }
  return t;
}

BuiltinKpiCalculator::BuiltinKpiCalculator(BuiltinKpi kpi, BuiltinKpiParameters parameters)
    : kpi_(kpi), parameters_(parameters) {}

std::string BuiltinKpiCalculator::id() const {
  return std::string(builtin_kpi_id(kpi_));
}

std::optional<double> BuiltinKpiCalculator::compute(const std::vector<const CaseLedger*>& cases,
                                                    Period period) const {
  BuiltinKpiExtractor extractor(period, parameters_);
  for (const CaseLedger* c : cases) extractor.add(*c);
  return extractor.totals().value(kpi_);
}

UNDERTAKE_END_NAMESPACE

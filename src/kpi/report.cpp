// The KPI report: one pass per case for the built-ins, one JSON view per case for kpi.json KPIs,
// host calculators through compute(); then scores, department scores and bonus coefficients.
#include <boost/json.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "common/display_width.hpp"
#include "kpi/kpi_detail.hpp"
#include "undertake/kpi.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace kpi_detail {

std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::double_:
      return number_text(v.get_double());
    default:
      break;
  }
  std::string text = json::serialize(v);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

std::string number_text(double x) {
  if (!std::isfinite(x)) return std::isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity");
  char buf[64];
  if (x == std::floor(x) && std::fabs(x) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", x == 0 ? 0.0 : x);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.4f", x);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

void fail_entry(const CaseLedger& c, const LedgerEntry& e, std::string_view field,
                std::string why) {
  std::string where = "case " + c.case_id + " seq " + std::to_string(e.seq) + " (" +
                      std::string(event_name(e.event)) + ")";
  if (!field.empty()) {
    where += ": payload.";
    where += field;
  }
  throw Error(ErrorKind::invalid_argument, std::move(where), std::move(why));
}

namespace {

// format_iso8601 without printf (it is most of the cost of a case view otherwise): the same text,
// `YYYY-MM-DDThh:mm:ssZ` with `.fff` only when the milliseconds are not zero.
std::string_view format_at(Timestamp at, char (&buf)[32]) noexcept {
  const auto ms_total = at.time_since_epoch().count();
  std::int64_t days = ms_total / 86'400'000;
  std::int64_t ms = ms_total % 86'400'000;
  if (ms < 0) {
    ms += 86'400'000;
    --days;
  }
  // civil_from_days (H. Hinnant)
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const auto put = [&buf](std::size_t pos, std::int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[pos + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, y, 4);
  buf[4] = '-';
  put(5, m, 2);
  buf[7] = '-';
  put(8, d, 2);
  buf[10] = 'T';
  put(11, ms / 3'600'000, 2);
  buf[13] = ':';
  put(14, ms / 60'000 % 60, 2);
  buf[16] = ':';
  put(17, ms / 1000 % 60, 2);
  std::size_t n = 19;
  if (ms % 1000) {
    buf[19] = '.';
    put(20, ms % 1000, 3);
    n = 23;
  }
  buf[n++] = 'Z';
  return {buf, n};
}

}  // namespace

json::value case_view(const CaseLedger& c, Period period, json::storage_ptr sp) {
  char at[32];
  json::array entries(sp), escalations(sp);
  entries.reserve(c.entries.size());
  for (const LedgerEntry& e : c.entries) {
    json::array state(sp);
    state.reserve(e.state.size());
    for (const auto& s : e.state) state.emplace_back(s);
    json::array roles(sp);
    roles.reserve(e.actor.roles.size());
    for (const auto& r : e.actor.roles) roles.emplace_back(r);
    json::object actor(sp);
    actor.reserve(2);
    actor.emplace("id", e.actor.id);
    actor.emplace("roles", std::move(roles));
    json::object o(sp);
    o.reserve(7);
    o.emplace("seq", e.seq);
    o.emplace("at", format_at(e.at, at));
    o.emplace("event", event_name(e.event));
    o.emplace("actor", std::move(actor));
    o.emplace("payload", e.payload);
    o.emplace("state", std::move(state));
    o.emplace("in_period", period.contains(e.at));
    (e.kind == EntryKind::event ? entries : escalations).push_back(std::move(o));
  }
  json::object range(sp);
  range.emplace("from", format_at(period.from, at));
  range.emplace("until", format_at(period.until, at));
  json::object view(sp);
  view.reserve(5);
  view.emplace("case_id", c.case_id);
  view.emplace("data", c.data);
  view.emplace("entries", std::move(entries));
  view.emplace("escalations", std::move(escalations));
  view.emplace("period", std::move(range));
  return view;
}

}  // namespace kpi_detail

// ---------------------------------------------------------------------------------------------
// Period

Period Period::days(std::string_view first_date, std::string_view last_date) {
  const auto read = [](std::string_view text, const char* where) {
    std::optional<Timestamp> t;
    if (text.size() == 10) t = parse_iso8601(text);
    if (!t)
      throw Error(ErrorKind::invalid_argument, where,
                  "expected a date YYYY-MM-DD, got \"" + std::string(text) + "\"");
    return *t;
  };
  Period p;
  p.from = read(first_date, "period.from");
  p.until = read(last_date, "period.to") + std::chrono::hours(24);
  if (p.until <= p.from)
    throw Error(ErrorKind::invalid_argument, "period.to",
                "the last date " + std::string(last_date) + " is before the first date " +
                    std::string(first_date));
  return p;
}

json::value Period::to_json() const {
  return json::object{{"from", format_iso8601_date(from)},
                      {"to", format_iso8601_date(until - std::chrono::milliseconds(1))},
                      {"until", format_iso8601(until)}};
}

// ---------------------------------------------------------------------------------------------
// Computing

namespace {

using kpi_detail::BuiltinKpiExtractor;
using kpi_detail::BuiltinKpiTotals;
using kpi_detail::CaseWiseKpi;

enum class Source : std::uint8_t { builtin, case_wise, host };

struct Plan {
  Source source = Source::host;
  BuiltinKpi builtin{};
  const CaseWiseKpi* case_wise = nullptr;
  std::size_t slot = 0;  // index into the case-wise sums
};

/// Which KPI is computed how: built-ins in the shared pass (with the parameters of their own
/// calculators), kpi.json KPIs from the case views, the rest by their host calculators.
struct Plans {
  std::vector<Plan> kpis;  ///< parallel to the catalogue's kpis()
  std::vector<const CaseWiseKpi*> case_wise;
  BuiltinKpiParameters parameters;
  bool need_builtin = false;
};

Plans plan_kpis(const KpiCatalogue& catalogue) {
  const auto& defs = catalogue.kpis();
  Plans plans;
  plans.kpis.resize(defs.size());
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const KpiCalculator* calc = catalogue.calculator(defs[i].id);
    if (!calc)
      throw Error(ErrorKind::not_found, "kpi " + defs[i].id,
                  "no calculator is registered for this KPI (marked external in the policy: a "
                  "host must register it with KpiCatalogue::add)");
    Plan& plan = plans.kpis[i];
    if (const auto* b = dynamic_cast<const BuiltinKpiCalculator*>(calc)) {
      plan.source = Source::builtin;
      plan.builtin = b->kpi();
      plans.need_builtin = true;
      if (b->kpi() == BuiltinKpi::sales_contract_timeliness)
        plans.parameters.contract_max_days = b->parameters().contract_max_days;
      if (b->kpi() == BuiltinKpi::quality_issue_timeliness)
        plans.parameters.issue_max_hours = b->parameters().issue_max_hours;
    } else if (const auto* w = dynamic_cast<const CaseWiseKpi*>(calc)) {
      plan.source = Source::case_wise;
      plan.case_wise = w;
      plan.slot = plans.case_wise.size();
      plans.case_wise.push_back(w);
    }
  }
  return plans;
}

/// The built-in totals and case-wise sums over the cases, in one pass.
class CasesPass {
 public:
  CasesPass(const Plans& plans, Period period)
      : plans_(plans),
        period_(period),
        extractor_(period, plans.parameters),
        sums_(plans.case_wise.size()) {
    if (!plans.case_wise.empty()) arena_ = std::make_unique<kpi_detail::ViewArena>();
  }

  /// Adds a case; throws Error for bad data. `atomic`: having added nothing of it then (the
  /// case-wise sums are copied first, which a report that fails on bad data need not do).
  void add(const CaseLedger& c, bool atomic) {
    if (!atomic) {
      if (plans_.need_builtin) totals_ += extractor_.extract(c);
      accumulate(c, sums_);
      return;
    }
    BuiltinKpiTotals one;
    if (plans_.need_builtin) one = extractor_.extract(c);
    if (!plans_.case_wise.empty()) {
      auto next = sums_;
      accumulate(c, next);
      sums_ = std::move(next);
    }
    totals_ += one;
  }

  const BuiltinKpiTotals& totals() const noexcept { return totals_; }
  const std::vector<CaseWiseKpi::Sums>& sums() const noexcept { return sums_; }

 private:
  void accumulate(const CaseLedger& c, std::vector<CaseWiseKpi::Sums>& sums) {
    if (plans_.case_wise.empty()) return;
    {
      const json::value view = kpi_detail::case_view(c, period_, arena_->storage());
      for (std::size_t k = 0; k < plans_.case_wise.size(); ++k)
        plans_.case_wise[k]->accumulate(view, c.case_id, sums[k]);
    }
    arena_->reset();
  }

  const Plans& plans_;
  Period period_;
  BuiltinKpiExtractor extractor_;
  BuiltinKpiTotals totals_;
  std::vector<CaseWiseKpi::Sums> sums_;
  std::unique_ptr<kpi_detail::ViewArena> arena_;
};

/// Runs the pass over the cases. With `skip`, a case with bad data is listed in report.excluded
/// and left out, and `kept` gets the others; without, the first bad case fails the report.
void run_pass(const std::vector<const CaseLedger*>& cases, bool skip, CasesPass& pass,
              KpiReport& report, std::vector<const CaseLedger*>& kept) {
  if (skip) kept.reserve(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const CaseLedger* c = cases[i];
    if (i + 1 < cases.size()) kpi_detail::prefetch_entries(*cases[i + 1]);
    if (!skip) {
      pass.add(*c, false);
      continue;
    }
    try {
      pass.add(*c, true);
      kept.push_back(c);
    } catch (const Error& e) {
      report.excluded.push_back(ExcludedCase{c->case_id, e.where(), e.why()});
    }
  }
}

KpiResult kpi_result(const KpiCatalogue& catalogue, const KpiDefinition& def, const Plan& plan,
                     const CasesPass& pass, const std::vector<const CaseLedger*>& used,
                     Period period) {
  KpiResult r;
  r.id = def.id;
  r.title = def.title;
  r.department = def.department;
  r.unit = def.unit;
  r.direction = def.direction;
  r.target = def.target;
  switch (plan.source) {
    case Source::builtin:
      r.value = pass.totals().value(plan.builtin);
      break;
    case Source::case_wise:
      r.value = plan.case_wise->finish(pass.sums()[plan.slot]);
      break;
    case Source::host:
      r.value = catalogue.calculator(def.id)->compute(used, period);
      break;
  }
  if (r.value && !std::isfinite(*r.value))
    throw Error(ErrorKind::rule_failed, "kpi " + def.id,
                "the calculator gave " + kpi_detail::number_text(*r.value) +
                    "; a KPI without data must be null");
  if (r.value) r.score = catalogue.score(def, *r.value);
  return r;
}

DepartmentResult department_result(const KpiCatalogue& catalogue, const KpiDepartment& dep,
                                   const KpiReport& report) {
  DepartmentResult d;
  d.id = dep.id;
  d.title = dep.title;
  d.weights = dep.weights;
  double weighted = 0, total = 0;
  for (const auto& [id, weight] : dep.weights) {
    const KpiResult* r = report.find(id);
    if (!r || !r->score) continue;
    weighted += weight * *r->score;
    total += weight;
  }
  if (total > 0) {
    d.score = weighted / total;
    d.bonus_coefficient = catalogue.bonus_coefficient(*d.score);
  }
  return d;
}

}  // namespace

KpiReport compute_kpi_report(const KpiCatalogue& catalogue,
                             const std::vector<const CaseLedger*>& cases, Period period,
                             const KpiOptions& options) {
  KpiReport report;
  report.period = period;
  const Plans plans = plan_kpis(catalogue);
  CasesPass pass(plans, period);
  std::vector<const CaseLedger*> kept;
  run_pass(cases, options.skip_bad_cases, pass, report, kept);
  const std::vector<const CaseLedger*>& used = options.skip_bad_cases ? kept : cases;
  report.cases = used.size();
  const auto& defs = catalogue.kpis();
  report.kpis.reserve(defs.size());
  for (std::size_t i = 0; i < defs.size(); ++i)
    report.kpis.push_back(kpi_result(catalogue, defs[i], plans.kpis[i], pass, used, period));
  for (const KpiDepartment& dep : catalogue.departments())
    report.departments.push_back(department_result(catalogue, dep, report));
  return report;
}

KpiReport compute_kpi_report(const KpiCatalogue& catalogue, const std::vector<CaseLedger>& cases,
                             Period period, const KpiOptions& options) {
  std::vector<const CaseLedger*> pointers;
  pointers.reserve(cases.size());
  for (const auto& c : cases) pointers.push_back(&c);
  return compute_kpi_report(catalogue, pointers, period, options);
}

// ---------------------------------------------------------------------------------------------
// Output

const KpiResult* KpiReport::find(std::string_view id) const noexcept {
  for (const auto& k : kpis)
    if (k.id == id) return &k;
  return nullptr;
}

const DepartmentResult* KpiReport::department(std::string_view id) const noexcept {
  for (const auto& d : departments)
    if (d.id == id) return &d;
  return nullptr;
}

namespace {

json::value optional_json(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

json::value KpiReport::to_json() const {
  json::object ks;
  for (const auto& k : kpis) {
    json::object o;
    o.reserve(7);
    o.emplace("title", k.title);
    o.emplace("department", k.department);
    o.emplace("unit", k.unit);
    o.emplace("direction", k.direction == KpiDirection::higher_is_better ? "higher" : "lower");
    o.emplace("value", optional_json(k.value));
    o.emplace("target", optional_json(k.target));
    o.emplace("score", optional_json(k.score));
    ks.emplace(k.id, std::move(o));
  }
  json::object ds;
  for (const auto& d : departments) {
    json::object w;
    for (const auto& [id, weight] : d.weights) w.emplace(id, weight);
    ds.emplace(d.id, json::object{{"title", d.title},
                                  {"score", optional_json(d.score)},
                                  {"bonus_coefficient", optional_json(d.bonus_coefficient)},
                                  {"weights", std::move(w)}});
  }
  json::array ex;
  for (const auto& e : excluded)
    ex.push_back(json::object{{"case_id", e.case_id}, {"where", e.where}, {"why", e.why}});
  json::object out;
  out.emplace("period", period.to_json());
  out.emplace("cases", cases);
  out.emplace("kpis", std::move(ks));
  out.emplace("departments", std::move(ds));
  out.emplace("excluded", std::move(ex));
  return out;
}

namespace {

constexpr std::string_view kNull = "—";

std::string shown(const std::optional<double>& v) {
  return v ? kpi_detail::number_text(*v) : std::string(kNull);
}

std::string shown_score(const std::optional<double>& v) {
  if (!v) return std::string(kNull);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *v);
  return buf;
}

std::string table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right) {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], detail::display_width(row[i]));
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      if (i) line += "  ";
      line += detail::pad(rows[r][i], width[i],
                          right[i] && r > 0 ? detail::Align::right : detail::Align::left);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t i = 0; i < width.size(); ++i) total += width[i] + (i ? 2 : 0);
      out += std::string(total, '-') + "\n";
    }
  }
  return out;
}

}  // namespace

std::string KpiReport::to_text() const {
  std::string out = "KPI report " + format_iso8601_date(period.from) + " to " +
                    format_iso8601_date(period.until - std::chrono::milliseconds(1)) + ", " +
                    std::to_string(cases) + (cases == 1 ? " case" : " cases") + "\n\n";
  std::vector<std::vector<std::string>> rows{{"KPI", "department", "value", "target", "score"}};
  for (const auto& k : kpis)
    rows.push_back({k.id, k.department, shown(k.value), shown(k.target), shown_score(k.score)});
  out += table(rows, {false, false, true, true, true});
  if (!departments.empty()) {
    out += "\n";
    std::vector<std::vector<std::string>> deps{{"department", "score", "bonus coefficient"}};
    for (const auto& d : departments)
      deps.push_back({d.id, shown_score(d.score), shown(d.bonus_coefficient)});
    out += table(deps, {false, true, true});
  }
  if (!excluded.empty()) {
    out += "\nexcluded (bad data):\n";
    for (const auto& e : excluded) out += "  " + e.where + ": " + e.why + "\n";
  }
  return out;
}

std::vector<CaseLedger> case_ledgers_from_json(const json::value& doc, std::string_view where) {
  const std::string w(where);
  std::vector<CaseLedger> out;
  const json::array* list = nullptr;
  std::string prefix = w;
  if (doc.is_array()) {
    list = &doc.get_array();
  } else if (doc.is_object() && doc.get_object().contains("cases")) {
    const json::value& cs = doc.get_object().at("cases");
    if (!cs.is_array())
      throw Error(ErrorKind::invalid_json, w + (w.empty() ? "cases" : ": cases"),
                  "expected an array of case ledgers");
    list = &cs.get_array();
    prefix = w + (w.empty() ? "cases" : ": cases");
  } else if (doc.is_object()) {
    out.push_back(case_ledger_from_json(doc, w));
    return out;
  } else {
    throw Error(ErrorKind::invalid_json, w,
                "expected a case ledger, an array of them or {\"cases\": [...]}");
  }
  out.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i)
    out.push_back(case_ledger_from_json((*list)[i], prefix + "[" + std::to_string(i) + "]"));
  return out;
}

UNDERTAKE_END_NAMESPACE

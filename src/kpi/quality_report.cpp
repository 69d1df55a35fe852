// The quality report (undertake/quality.hpp): pass rates, the Pareto of defect causes, repeat
// causes, rectifications and complaints for a period.
#include "undertake/quality.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "kpi/kpi_detail.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

// Causes named by this many inspections and complaints or more are recurrences to prevent.
constexpr std::uint64_t kRepeatOccurrences = 2;

struct PassTally {
  std::uint64_t count = 0, passed = 0;
  double quantity = 0, quantity_passed = 0;

  json::object to_json() const {
    json::object o{{"count", count}, {"passed", passed}};
    o["pass_rate"] = count ? json::value(static_cast<double>(passed) / count) : json::value();
    o["quantity"] = quantity;
    o["quantity_passed"] = quantity_passed;
    o["yield"] = quantity > 0 ? json::value(quantity_passed / quantity) : json::value();
    return o;
  }
};

struct Cause {
  double count = 0;
  std::uint64_t occurrences = 0;
  std::uint64_t from_inspections = 0, from_complaints = 0;
  std::set<std::string> cases;
};

struct Rework {
  std::uint64_t count = 0;
  double cost = 0, reworked = 0;
  json::object to_json() const {
    return {{"count", count}, {"cost", cost}, {"reworked_quantity", reworked}};
  }
};

double number_or(const json::object& o, std::string_view key, double fallback) {
  double x = fallback;
  if (const json::value* v = o.if_contains(key)) kpi_detail::number_of(*v, x);
  return x;
}

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return {};
  return v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
}

class QualityTally {
 public:
  explicit QualityTally(Period period) : period_(period) {}

  void add(const CaseLedger& c) {
    std::string product = "(no product)";
    if (const json::value* p = c.data.if_contains("product"); p && p->is_object())
      if (const json::value* n = p->get_object().if_contains("name"); n && n->is_string())
        product = std::string(n->get_string());
    std::map<std::string, double> batch_quantity;
    for (const LedgerEntry& e : c.entries) {
      if (e.kind != EntryKind::event) continue;
      if (e.event == EventId::production_report)
        batch_quantity[text_of(e.payload, "batch")] += number_or(e.payload, "quantity", 0);
      if (!period_.contains(e.at)) continue;
      const std::string where = "case " + c.case_id + " seq " + std::to_string(e.seq) + " (" +
                                std::string(event_name(e.event)) + ")";
      switch (e.event) {
        case EventId::prep_incoming_inspection:
        case EventId::production_inspect:
          inspection(c, e, product, batch_quantity, where);
          break;
        case EventId::production_rectify: {
          for (Rework* r : {&rework_, &rework_by_product_[product]}) {
            ++r->count;
            r->cost += number_or(e.payload, "cost", 0);
            r->reworked += number_or(e.payload, "quantity", 0);
          }
          break;
        }
        case EventId::service_complaint:
          ++complaints_;
          ++by_severity_[text_of(e.payload, "severity")];
          break;
        case EventId::service_investigate: {
          const std::string cause = text_of(e.payload, "root_cause");
          if (cause.empty()) break;
          ++by_root_cause_[cause];
          Cause& k = causes_[cause];
          k.count += 1;
          ++k.occurrences;
          ++k.from_complaints;
          k.cases.insert(c.case_id);
          break;
        }
        default:
          break;
      }
    }
  }

  json::value to_json(std::size_t cases) const {
    json::object by_product, by_month;
    for (const auto& [k, t] : by_product_) by_product[k] = t.to_json();
    for (const auto& [k, t] : by_month_) by_month[k] = t.to_json();
    json::object rework = rework_.to_json();
    json::object rework_by_product;
    for (const auto& [k, r] : rework_by_product_) rework_by_product[k] = r.to_json();
    rework["by_product"] = std::move(rework_by_product);
    json::object severity, root_cause;
    for (const auto& [k, n] : by_severity_) severity[k] = n;
    for (const auto& [k, n] : by_root_cause_) root_cause[k] = n;
    auto [pareto, repeats] = pareto_json();
    return json::object{{"period", period_.to_json()},
                        {"cases", cases},
                        {"inspections", json::object{{"total", total_.to_json()},
                                                     {"by_product", by_product},
                                                     {"by_month", by_month}}},
                        {"defects", std::move(pareto)},
                        {"repeat_causes", std::move(repeats)},
                        {"rectifications", std::move(rework)},
                        {"complaints", json::object{{"count", complaints_},
                                                    {"by_severity", std::move(severity)},
                                                    {"by_root_cause", std::move(root_cause)}}}};
  }

 private:
  void inspection(const CaseLedger& c, const LedgerEntry& e, const std::string& product,
                  const std::map<std::string, double>& batch_quantity, const std::string& where) {
    const json::value* p = e.payload.if_contains("passed");
    const bool passed = p && p->is_bool() && p->get_bool();
    double quantity = 0, quantity_passed = 0;
    if (e.event == EventId::production_inspect) {
      auto it = batch_quantity.find(text_of(e.payload, "batch"));
      quantity = it == batch_quantity.end() ? 0 : it->second;
      quantity_passed = number_or(e.payload, "quantity_passed", passed ? quantity : 0);
    }
    const std::string month = format_iso8601(e.at).substr(0, 7);
    for (PassTally* t : {&total_, &by_product_[product], &by_month_[month]}) {
      ++t->count;
      if (passed) ++t->passed;
      t->quantity += quantity;
      t->quantity_passed += quantity_passed;
    }
    const json::value* defects = e.payload.if_contains("defects");
    if (!defects || defects->is_null()) return;
    if (defects->is_string() && !defects->get_string().empty()) {  // one cause
      add_cause(std::string(defects->get_string()), 1, c.case_id);
      return;
    }
    if (!defects->is_array())
      throw Error(ErrorKind::invalid_argument, where + ": payload.defects",
                  "expected a cause or an array of {cause, quantity}");
    for (std::size_t i = 0; i < defects->get_array().size(); ++i) {
      const json::value& d = defects->get_array()[i];
      const json::value* cause = d.is_object() ? d.get_object().if_contains("cause") : nullptr;
      if (!cause || !cause->is_string() || cause->get_string().empty())
        throw Error(ErrorKind::invalid_argument,
                    where + ": payload.defects[" + std::to_string(i) + "].cause",
                    "expected a non-empty string");
      add_cause(std::string(cause->get_string()), number_or(d.get_object(), "quantity", 1),
                c.case_id);
    }
  }

  void add_cause(const std::string& name, double count, const std::string& case_id) {
    Cause& k = causes_[name];
    k.count += count;
    ++k.occurrences;
    ++k.from_inspections;
    k.cases.insert(case_id);
  }

  std::pair<json::array, json::array> pareto_json() const {
    std::vector<std::pair<std::string, const Cause*>> order;
    double total = 0;
    for (const auto& [name, cause] : causes_) {
      order.emplace_back(name, &cause);
      total += cause.count;
    }
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a.second->count > b.second->count;
    });
    json::array pareto, repeats;
    double cumulative = 0;
    for (const auto& [name, cause] : order) {
      cumulative += cause->count;
      const bool repeat = cause->occurrences >= kRepeatOccurrences;
      json::array cases;
      for (const auto& id : cause->cases) cases.emplace_back(id);
      pareto.push_back(
          json::object{{"cause", name},
                       {"count", cause->count},
                       {"share", total > 0 ? cause->count / total : 0.0},
                       {"cumulative_share", total > 0 ? cumulative / total : 0.0},
                       {"occurrences", cause->occurrences},
                       {"sources", json::object{{"inspection", cause->from_inspections},
                                                {"complaint", cause->from_complaints}}},
                       {"cases", std::move(cases)},
                       {"repeat", repeat}});
      if (repeat) repeats.emplace_back(name);
    }
    return {std::move(pareto), std::move(repeats)};
  }

  Period period_;
  PassTally total_;
  std::map<std::string, PassTally> by_product_, by_month_;
  std::map<std::string, Cause> causes_;
  Rework rework_;
  std::map<std::string, Rework> rework_by_product_;
  std::uint64_t complaints_ = 0;
  std::map<std::string, std::uint64_t> by_severity_, by_root_cause_;
};

std::string percent(const json::value& v) {
  if (!v.is_number()) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100 * v.to_number<double>() << " %";
  return s.str();
}

}  // namespace

json::value compute_quality_report(const std::vector<CaseLedger>& cases, Period period) {
  QualityTally tally(period);
  for (const CaseLedger& c : cases) tally.add(c);
  return tally.to_json(cases.size());
}

std::string quality_report_text(const json::value& report) {
  std::ostringstream out;
  const auto& r = report.as_object();
  const auto& p = r.at("period").as_object();
  out << "Quality report " << p.at("from").as_string().c_str() << " .. "
      << p.at("to").as_string().c_str() << " (" << r.at("cases").to_number<std::int64_t>()
      << " cases)\n";
  const auto& insp = r.at("inspections").as_object();
  auto line = [&](const std::string& label, const json::object& t) {
    out << "  " << std::left << std::setw(28) << label << std::right << std::setw(5)
        << t.at("count").to_number<std::int64_t>() << " inspections, " << std::setw(5)
        << t.at("passed").to_number<std::int64_t>() << " passed  " << std::setw(8)
        << percent(t.at("pass_rate")) << "   yield " << percent(t.at("yield")) << "\n";
  };
  out << "Inspections\n";
  line("total", insp.at("total").as_object());
  for (const auto& kv : insp.at("by_product").as_object())
    line(std::string(kv.key()), kv.value().as_object());
  for (const auto& kv : insp.at("by_month").as_object())
    line(std::string(kv.key()), kv.value().as_object());
  out << "Defects by cause (Pareto; * = repeat cause)\n";
  for (const auto& d : r.at("defects").as_array()) {
    const auto& o = d.as_object();
    out << "  " << (o.at("repeat").as_bool() ? "* " : "  ") << std::left << std::setw(30)
        << o.at("cause").as_string().c_str() << std::right << std::setw(8)
        << kpi_detail::number_text(o.at("count").to_number<double>()) << std::setw(9)
        << percent(o.at("share")) << std::setw(9) << percent(o.at("cumulative_share")) << "\n";
  }
  const auto& rw = r.at("rectifications").as_object();
  out << "Rectifications: " << rw.at("count").to_number<std::int64_t>() << ", cost "
      << kpi_detail::number_text(rw.at("cost").to_number<double>()) << ", reworked "
      << kpi_detail::number_text(rw.at("reworked_quantity").to_number<double>()) << "\n";
  const auto& cp = r.at("complaints").as_object();
  out << "Complaints: " << cp.at("count").to_number<std::int64_t>() << "; by severity:";
  for (const auto& kv : cp.at("by_severity").as_object())
    out << " " << std::string(kv.key()) << " " << kv.value().to_number<std::int64_t>();
  out << "; by root cause:";
  for (const auto& kv : cp.at("by_root_cause").as_object())
    out << " " << std::string(kv.key()) << " " << kv.value().to_number<std::int64_t>();
  out << "\n";
  return out.str();
}

UNDERTAKE_END_NAMESPACE

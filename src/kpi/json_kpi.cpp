// KPIs defined in kpi.json: JsonLogic expressions over each case's JSON view, then an aggregate.
#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <utility>

#include "kpi/kpi_detail.hpp"
#include "undertake/jsonlogic.hpp"
#include "undertake/kpi.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace kpi_detail {
namespace {

enum class Aggregate : std::uint8_t { sum, mean, min, max, count, ratio };

constexpr std::string_view kAggregateNames[] = {"sum", "mean", "min", "max", "count", "ratio"};

class JsonKpi final : public CaseWiseKpi {
 public:
  JsonKpi(std::string id, Aggregate aggregate, jsonlogic::Rule value, jsonlogic::Rule numerator,
          jsonlogic::Rule denominator)
      : id_(std::move(id)),
        aggregate_(aggregate),
        value_(std::move(value)),
        numerator_(std::move(numerator)),
        denominator_(std::move(denominator)) {}

  std::string id() const override { return id_; }

  std::optional<double> compute(const std::vector<const CaseLedger*>& cases,
                                Period period) const override {
    Sums sums;
    ViewArena arena;
    for (const CaseLedger* c : cases) {
      {
        const json::value view = case_view(*c, period, arena.storage());
        accumulate(view, c->case_id, sums);
      }
      arena.reset();
    }
    return finish(sums);
  }

  void accumulate(const json::value& view, std::string_view case_id, Sums& s) const override {
    const std::string where = "kpi " + id_ + ": case " + std::string(case_id);
    try {
      if (aggregate_ == Aggregate::ratio) {
        const json::value num = numerator_.evaluate(view);
        const json::value den = denominator_.evaluate(view);
        if (num.is_null() || den.is_null()) return;
        s.numerator += number(num, where, "numerator");
        s.denominator += number(den, where, "denominator");
        ++s.count;
        return;
      }
      const json::value v = value_.evaluate(view);
      if (v.is_null()) return;
      if (aggregate_ == Aggregate::count) {
        ++s.count;
        if (jsonlogic::truthy(v)) ++s.hits;
        return;
      }
      double x = 0;
      if (!number_of(v, x))
        throw Error(ErrorKind::rule_failed, where,
                    "`value` gave " + describe(v) + "; expected a number or null");
      s.sum += x;
      s.min = s.count ? std::min(s.min, x) : x;
      s.max = s.count ? std::max(s.max, x) : x;
      ++s.count;
    } catch (const jsonlogic::RuleError& e) {
      throw Error(ErrorKind::rule_failed, where, e.what());
    } catch (const Error& e) {
      if (e.where().rfind(where, 0) == 0) throw;
      throw Error(e.kind(), where, e.what());
    }
  }

  std::optional<double> finish(const Sums& s) const override {
    if (!s.count) return std::nullopt;
    switch (aggregate_) {
      case Aggregate::sum:
        return s.sum;
      case Aggregate::mean:
        return s.sum / static_cast<double>(s.count);
      case Aggregate::min:
        return s.min;
      case Aggregate::max:
        return s.max;
      case Aggregate::count:
        return static_cast<double>(s.hits);
      case Aggregate::ratio:
        if (s.denominator == 0) return std::nullopt;
        return s.numerator / s.denominator;
    }
    return std::nullopt;
  }

 private:
  static double number(const json::value& v, const std::string& where, const char* which) {
    if (v.is_bool()) return v.get_bool() ? 1.0 : 0.0;
    double x = 0;
    if (!number_of(v, x))
      throw Error(ErrorKind::rule_failed, where,
                  std::string("`") + which + "` gave " + describe(v) +
                      "; expected a number, a boolean or null");
    return x;
  }

  std::string id_;
  Aggregate aggregate_;
  jsonlogic::Rule value_;
  jsonlogic::Rule numerator_;
  jsonlogic::Rule denominator_;
};

}  // namespace

std::shared_ptr<const KpiCalculator> make_json_kpi(std::string id, const json::value& compute,
                                                   std::string_view file,
                                                   const std::string& pointer,
                                                   const jsonlogic::Operators& ops) {
  const std::string prefix = file.empty() ? std::string() : std::string(file) + ": ";
  const auto fail = [&](const std::string& at, std::string why) {
    throw Error(ErrorKind::invalid_policy, prefix + at, std::move(why));
  };
  if (!compute.is_object())
    fail(pointer,
         "expected {\"aggregate\": ..., \"value\": <JsonLogic>} or {\"aggregate\": "
         "\"ratio\", \"numerator\": ..., \"denominator\": ...}");
  const auto& o = compute.get_object();
  for (const auto& kv : o)
    if (kv.key() != "aggregate" && kv.key() != "value" && kv.key() != "numerator" &&
        kv.key() != "denominator" && kv.key() != "description" && kv.key() != "$comment")
      fail(pointer + "/" + std::string(kv.key()),
           "unknown member (expected aggregate, value, numerator, denominator)");
  const json::value* agg = o.if_contains("aggregate");
  if (!agg) fail(pointer + "/aggregate", "missing: sum, mean, min, max, count or ratio");
  std::optional<Aggregate> aggregate;
  for (std::size_t i = 0; i < std::size(kAggregateNames); ++i)
    if (agg->is_string() && agg->get_string() == kAggregateNames[i])
      aggregate = static_cast<Aggregate>(i);
  if (!aggregate)
    fail(pointer + "/aggregate",
         "must be sum, mean, min, max, count or ratio, got " + describe(*agg));

  const auto compile = [&](const char* member) {
    const json::value* logic = o.if_contains(member);
    if (!logic) fail(pointer + "/" + member, "missing: a JsonLogic expression over the case");
    return jsonlogic::Rule::compile(*logic, ops, prefix + pointer + "/" + member);
  };
  jsonlogic::Rule value, numerator, denominator;
  if (*aggregate == Aggregate::ratio) {
    if (o.contains("value"))
      fail(pointer + "/value", "a ratio takes `numerator` and `denominator`, not `value`");
    numerator = compile("numerator");
    denominator = compile("denominator");
  } else {
    for (const char* m : {"numerator", "denominator"})
      if (o.contains(m)) fail(pointer + "/" + m, "only a ratio takes numerator and denominator");
    value = compile("value");
  }
  return std::make_shared<JsonKpi>(std::move(id), *aggregate, std::move(value),
                                   std::move(numerator), std::move(denominator));
}

}  // namespace kpi_detail
UNDERTAKE_END_NAMESPACE

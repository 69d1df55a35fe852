// The C API: KPI reports and KPI calculators written by the host.
#include <memory>
#include <optional>
#include <string>

#include "capi/capi_internal.hpp"
#include "undertake/kpi.hpp"
#include "undertake/policy.hpp"

namespace json = boost::json;

namespace undertake::capi {
namespace {

// A KPI computed by a host callback: it sees the cases' ledgers and the period as JSON.
class HostKpi final : public KpiCalculator {
 public:
  HostKpi(std::string id, ut_kpi_fn fn, void* user_data)
      : id_(std::move(id)), fn_(fn), user_data_(user_data) {}

  std::string id() const override { return id_; }

  std::optional<double> compute(const std::vector<const CaseLedger*>& cases,
                                Period period) const override {
    json::array list;
    list.reserve(cases.size());
    for (const CaseLedger* c : cases) list.push_back(to_json(*c));
    const std::string ledgers = json::serialize(list);
    const std::string range = json::serialize(period.to_json());
    double value = 0;
    int has_value = 0;
    const int rc = fn_(user_data_, ledgers.c_str(), range.c_str(), &value, &has_value);
    if (rc < 0)
      throw Error(ErrorKind::rule_failed, "kpi " + id_,
                  "the host calculator reported an error (" + std::to_string(rc) + ")");
    if (!has_value) return std::nullopt;
    return value;
  }

 private:
  std::string id_;
  ut_kpi_fn fn_;
  void* user_data_;
};

// What a host KPI's definition JSON (ut_engine_register_kpi) changes of the KPI's definition.
KpiDefinitionChanges changes_from_json(const std::string& id, const json::value& v) {
  KpiDefinitionChanges changes;
  if (!v.is_object()) fail(UT_E_INVALID_JSON, "kpi " + id + ": definition: expected a JSON object");
  const json::object& o = v.get_object();
  const auto text = [&](const char* key, std::optional<std::string>& field) {
    if (const json::value* x = o.if_contains(key)) {
      if (!x->is_string())
        fail(UT_E_INVALID_ARGUMENT, "kpi " + id + ": definition." + key + ": expected a string");
      field = std::string(x->get_string());
    }
  };
  text("title", changes.title);
  text("department", changes.department);
  text("unit", changes.unit);
  if (const json::value* x = o.if_contains("direction")) {
    if (*x == "higher")
      changes.direction = KpiDirection::higher_is_better;
    else if (*x == "lower")
      changes.direction = KpiDirection::lower_is_better;
    else
      fail(UT_E_INVALID_ARGUMENT,
           "kpi " + id + ": definition.direction: expected \"higher\" or \"lower\"");
  }
  if (const json::value* x = o.if_contains("target")) {
    if (!x->is_null() && !x->is_number())
      fail(UT_E_INVALID_ARGUMENT, "kpi " + id + ": definition.target: expected a number");
    changes.set_target = true;
    if (x->is_number()) changes.target = x->to_number<double>();
  }
  return changes;
}

}  // namespace

std::vector<CaseLedger> ledgers_arg(const char* ledgers_json, const InputLimits& limits) {
  return report_ledgers_from_json(parse_json(ledgers_json, limits, "ledgers"), "ledgers");
}

KpiRequest kpi_request_arg(const char* period_json, const InputLimits& limits) {
  const json::object period = parse_object(period_json, limits, "period");
  const auto date = [&](const char* key) {
    const json::value* v = period.if_contains(key);
    if (!v || !v->is_string())
      fail(UT_E_INVALID_ARGUMENT,
           std::string("period.") + key + ": expected a date string YYYY-MM-DD");
    return std::string(v->get_string());
  };
  KpiRequest request{Period::days(date("from"), date("to")), KpiOptions{}};
  if (const json::value* skip = period.if_contains("skip_bad_cases"))
    request.options.skip_bad_cases = skip->is_bool() && skip->get_bool();
  return request;
}

json::value kpi_report(EngineState& s, const std::vector<CaseLedger>& cases,
                       const KpiRequest& request) {
  return compute_kpi_report(s.engine.policy()->kpi_catalogue(), cases, request.period,
                            request.options)
      .to_json();
}

}  // namespace undertake::capi

using namespace undertake;
using namespace undertake::capi;

extern "C" {

int ut_engine_register_kpi(ut_engine* e, const char* kpi_id, const char* definition_json,
                           ut_kpi_fn fn, void* user_data) {
  return guarded([&] {
    EngineState& s = engine_arg(e);
    const std::string id(text_arg(kpi_id, "kpi_id"));
    if (!fn) fail(UT_E_INVALID_ARGUMENT, "kpi " + id + ": NULL callback");
    KpiDefinitionChanges changes;
    if (definition_json && *definition_json)
      changes = changes_from_json(id, parse_json(definition_json, s.limits(), "definition"));
    s.engine.add_kpi_calculator(std::make_shared<HostKpi>(id, fn, user_data), std::move(changes));
    return UT_OK;
  });
}

int ut_engine_kpi(ut_engine* e, const char* ledgers_json, const char* period_json,
                  char** report_json) {
  return report_call(
      e, ledgers_json, period_json, report_json,
      [](EngineState& s, const std::vector<CaseLedger>& cases, const KpiRequest& request) {
        CallGuard guard(s);  // host calculators may run
        return kpi_report(s, cases, request);
      });
}

}  // extern "C"

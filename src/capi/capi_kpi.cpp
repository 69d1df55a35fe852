// The C API: KPI reports and KPI calculators written by the host.
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

KpiDefinition definition_from_json(const std::string& id, const json::value& v,
                                   const KpiDefinition* current) {
  KpiDefinition d = current ? *current : KpiDefinition{};
  d.id = id;
  if (d.department.empty()) d.department = id.substr(0, id.find('.'));
  if (d.title.empty()) d.title = id;
  const json::object& o = v.get_object();
  const auto text = [&](const char* key, std::string& field) {
    if (const json::value* x = o.if_contains(key)) {
      if (!x->is_string())
        fail(UT_E_INVALID_ARGUMENT, "kpi " + id + ": definition." + key + ": expected a string");
      field = std::string(x->get_string());
    }
  };
  text("title", d.title);
  text("department", d.department);
  text("unit", d.unit);
  if (const json::value* x = o.if_contains("direction")) {
    if (*x == "higher")
      d.direction = KpiDirection::higher_is_better;
    else if (*x == "lower")
      d.direction = KpiDirection::lower_is_better;
    else
      fail(UT_E_INVALID_ARGUMENT,
           "kpi " + id + ": definition.direction: expected \"higher\" or \"lower\"");
  }
  if (const json::value* x = o.if_contains("target")) {
    if (x->is_null())
      d.target.reset();
    else if (x->is_number())
      d.target = x->to_number<double>();
    else
      fail(UT_E_INVALID_ARGUMENT, "kpi " + id + ": definition.target: expected a number");
  }
  return d;
}

// The catalogue of the engine's current policy with the host's calculators added.
KpiCatalogue catalogue_of(EngineState& s) {
  KpiCatalogue catalogue = s.engine.policy()->kpi_catalogue();  // compiled when it loaded
  std::lock_guard<std::mutex> lock(s.kpi_mutex);
  for (const auto& k : s.kpis) {
    if (k.definition.is_object())
      catalogue.define(definition_from_json(k.id, k.definition, catalogue.find(k.id)));
    catalogue.add(std::make_shared<HostKpi>(k.id, k.fn, k.user_data));
  }
  return catalogue;
}

// Ledgers and snapshots, as an array or {"cases": [...]}, in the CaseLedger JSON form.
json::value as_ledgers(json::value doc) {
  json::array* list = doc.if_array();
  if (!list)
    if (json::object* o = doc.if_object())
      if (json::value* cases = o->if_contains("cases")) list = cases->if_array();
  if (!list) return doc;  // a single ledger: case_ledgers_from_json reads or reports it
  for (json::value& item : *list) {
    json::object* o = item.if_object();
    if (!o) continue;
    const json::value* format = o->if_contains("format");
    if (!format || *format != "undertake.snapshot") continue;
    json::object ledger;
    if (json::value* id = o->if_contains("case_id")) ledger["case_id"] = std::move(*id);
    if (const json::value* p = o->if_contains("policy"))
      if (const json::value* version =
              p->is_object() ? p->get_object().if_contains("version") : nullptr)
        ledger["policy_version"] = *version;
    if (json::value* data = o->if_contains("data")) ledger["data"] = std::move(*data);
    if (json::value* entries = o->if_contains("ledger")) ledger["ledger"] = std::move(*entries);
    item = std::move(ledger);
  }
  return doc;
}

}  // namespace

std::vector<CaseLedger> ledgers_arg(const char* ledgers_json, const InputLimits& limits) {
  return case_ledgers_from_json(as_ledgers(parse_json(ledgers_json, limits, "ledgers")), "ledgers");
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
  const KpiCatalogue catalogue = catalogue_of(s);
  return compute_kpi_report(catalogue, cases, request.period, request.options).to_json();
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
    json::value definition;
    if (definition_json && *definition_json) {
      definition = parse_json(definition_json, s.limits(), "definition");
      if (!definition.is_object())
        fail(UT_E_INVALID_JSON, "kpi " + id + ": definition: expected a JSON object");
      (void)definition_from_json(id, definition, nullptr);  // report a bad definition now
    }
    std::lock_guard<std::mutex> lock(s.kpi_mutex);
    for (auto& k : s.kpis) {
      if (k.id == id) {
        k = KpiRegistration{id, std::move(definition), fn, user_data};
        return UT_OK;
      }
    }
    s.kpis.push_back(KpiRegistration{id, std::move(definition), fn, user_data});
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

// The C API: the reports beside the KPI report — the per-person scorecard (policy §四(二)2,
// undertake/people.hpp) and the quality report (policy §二(七)2, §三(五)4, undertake/quality.hpp).
#include "capi/capi_internal.hpp"
#include "undertake/people.hpp"
#include "undertake/quality.hpp"

using namespace undertake;
using namespace undertake::capi;

namespace {

// A report over `ledgers_json` for the period of `period_json`, as JSON in *report_json.
template <class Report>
int report_call(ut_engine* e, const char* ledgers_json, const char* period_json, char** report_json,
                Report report) {
  reset_out(report_json);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    if (!report_json) fail(UT_E_INVALID_ARGUMENT, "report_json: NULL");
    const InputLimits limits = s.limits();
    const KpiRequest request = kpi_request_arg(period_json, limits);
    const std::vector<CaseLedger> cases = ledgers_arg(ledgers_json, limits);
    *report_json = dup_json(report(s, cases, request.period));
    return UT_OK;
  });
}

}  // namespace

extern "C" {

int ut_engine_kpi_people(ut_engine* e, const char* ledgers_json, const char* period_json,
                         char** report_json) {
  return report_call(e, ledgers_json, period_json, report_json,
                     [](EngineState& s, const std::vector<CaseLedger>& cases, Period period) {
                       CallGuard guard(s);  // the replay calls the host's rules
                       return compute_people_scorecard(s.engine, cases, period).to_json();
                     });
}

int ut_engine_quality(ut_engine* e, const char* ledgers_json, const char* period_json,
                      char** report_json) {
  return report_call(e, ledgers_json, period_json, report_json,
                     [](EngineState&, const std::vector<CaseLedger>& cases, Period period) {
                       return compute_quality_report(cases, period);
                     });
}

}  // extern "C"

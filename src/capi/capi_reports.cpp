// The C API: the reports beside the KPI report — the per-person scorecard (policy §四(二)2,
// undertake/people.hpp) and the quality report (policy §二(七)2, §三(五)4, undertake/quality.hpp).
#include "capi/capi_internal.hpp"
#include "undertake/people.hpp"
#include "undertake/quality.hpp"

using namespace undertake;
using namespace undertake::capi;

extern "C" {

int ut_engine_kpi_people(ut_engine* e, const char* ledgers_json, const char* period_json,
                         char** report_json) {
  return report_call(
      e, ledgers_json, period_json, report_json,
      [](EngineState& s, const std::vector<CaseLedger>& cases, const KpiRequest& request) {
        CallGuard guard(s);  // the replay calls the host's rules
        return compute_people_scorecard(s.engine, cases, request.period).to_json();
      });
}

int ut_engine_quality(ut_engine* e, const char* ledgers_json, const char* period_json,
                      char** report_json) {
  return report_call(
      e, ledgers_json, period_json, report_json,
      [](EngineState&, const std::vector<CaseLedger>& cases, const KpiRequest& request) {
        return compute_quality_report(cases, request.period);
      });
}

}  // extern "C"

// The C API: deadlines and escalation (policy §二 time limits; rules/…/deadlines.json).
#include "capi/capi_internal.hpp"
#include "undertake/deadlines.hpp"

namespace json = boost::json;

using namespace undertake;
using namespace undertake::capi;

extern "C" {

int ut_case_deadlines(ut_case* c, char** deadlines_json) {
  reset_out(deadlines_json);
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!deadlines_json) fail(UT_E_INVALID_ARGUMENT, "deadlines_json: NULL");
    json::array list;
    for (const auto& d : h.kase.deadlines()) list.push_back(d.to_json());
    *deadlines_json = dup_json(list);
    return UT_OK;
  });
}

int ut_case_tick(ut_case* c, const char* now_iso8601, char** result_json) {
  reset_out(result_json);
  return guarded([&] {
    ut_case& h = case_arg(c);
    const Timestamp now = time_arg(now_iso8601, "now");
    CallGuard guard(*h.state);  // escalations notify the listener
    const TickResult result = h.kase.tick(now);
    if (result_json) *result_json = dup_json(result.to_json());
    return UT_OK;
  });
}

}  // extern "C"

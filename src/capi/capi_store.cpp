// The C API: stores (design.md §9) — open, create, load, save, fire, worklists, change feed,
// ticking, KPIs and the audit, each a thin layer over store.hpp.
#include <memory>
#include <string>

#include "capi/capi_internal.hpp"
#include "undertake/store.hpp"

namespace json = boost::json;

namespace undertake::capi {
namespace {

constexpr std::size_t kMaxChanges = 10000;

std::optional<Timestamp> optional_time(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  const auto t = v->is_string() ? parse_iso8601(v->get_string()) : std::nullopt;
  if (!t)
    fail(UT_E_INVALID_ARGUMENT,
         std::string("filter.") + key + ": expected an ISO-8601 date or date-time");
  return t;
}

// `{"stage"?, "open"?: bool, "attention_by"?, "updated_since"?, "limit"?}`; a key of no known
// kind is refused (a misspelt filter would otherwise list every case).
CaseFilter filter_arg(const char* filter_json) {
  const json::object o = parse_object(filter_json, InputLimits{}, "filter", true);
  for (const auto& kv : o) {
    const std::string_view key = kv.key();
    if (key != "stage" && key != "open" && key != "attention_by" && key != "updated_since" &&
        key != "limit")
      fail(UT_E_INVALID_ARGUMENT,
           "filter." + std::string(key) +
               ": unknown (expected stage, open, attention_by, updated_since, limit)");
  }
  CaseFilter filter;
  if (const json::value* v = o.if_contains("stage"); v && !v->is_null()) {
    if (!v->is_string()) fail(UT_E_INVALID_ARGUMENT, "filter.stage: expected a string");
    filter.stage = std::string(v->get_string());
  }
  if (const json::value* v = o.if_contains("open"); v && !v->is_null()) {
    if (!v->is_bool()) fail(UT_E_INVALID_ARGUMENT, "filter.open: expected true or false");
    filter.open_only = v->get_bool();
  }
  filter.attention_by = optional_time(o, "attention_by");
  filter.updated_since = optional_time(o, "updated_since");
  if (const json::value* v = o.if_contains("limit"); v && !v->is_null()) {
    if (!v->is_int64() || v->get_int64() < 0)
      fail(UT_E_INVALID_ARGUMENT, "filter.limit: expected a whole number (0: all)");
    filter.limit = static_cast<std::size_t>(v->get_int64());
  }
  return filter;
}

template <class Produce>
int store_json(ut_store* s, char** out, const char* what, Produce&& produce) {
  reset_out(out);
  return guarded([&] {
    CaseStore& store = store_arg(s);
    if (!out) fail(UT_E_INVALID_ARGUMENT, std::string(what) + ": NULL");
    *out = dup_json(produce(store));
    return UT_OK;
  });
}

// A call on a store and an engine: the engine's gate held (its rules and listener may run).
template <class Produce>
int store_engine_json(ut_store* s, ut_engine* e, char** out, bool out_required, const char* what,
                      Produce&& produce) {
  reset_out(out);
  return guarded([&] {
    CaseStore& store = store_arg(s);
    EngineState& state = engine_arg(e);
    if (!out && out_required) fail(UT_E_INVALID_ARGUMENT, std::string(what) + ": NULL");
    json::value result = produce(store, state);
    if (out) *out = dup_json(result);
    return UT_OK;
  });
}

int inbox(CaseStore& store, EngineState& state, const InboxQuery& query, char** items_json) {
  CallGuard guard(state);  // indexing a migrated case may replay it (the host's rules)
  store.refresh_worklists(state.engine);
  *items_json = dup_json(store.inbox(query).to_json());
  return UT_OK;
}

}  // namespace

CaseStore& store_arg(ut_store* s) {
  if (!s) fail(UT_E_INVALID_ARGUMENT, "store: NULL");
  if (s->magic != kStoreMagic)
    fail(UT_E_INVALID_ARGUMENT, "store: not a live ut_store handle (closed, or of another kind)");
  return *s->store;
}

}  // namespace undertake::capi

using namespace undertake;
using namespace undertake::capi;

extern "C" {

int ut_store_open(const char* uri, ut_store** out) {
  reset_out(out);
  return guarded([&] {
    const std::string text(text_arg(uri, "uri"));
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    auto handle = std::make_unique<ut_store>();
    handle->store = open_store(text);
    *out = handle.release();
    return UT_OK;
  });
}

void ut_store_close(ut_store* s) {
  if (!s || s->magic != kStoreMagic) return;
  s->magic = kDeadMagic;
  delete s;
}

int ut_store_create(ut_store* s, ut_case* c) {
  return guarded([&] {
    CaseStore& store = store_arg(s);
    store.create(case_arg(c).kase);
    return UT_OK;
  });
}

int ut_store_load(ut_store* s, ut_engine* e, const char* case_id, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    const CaseStore& store = store_arg(s);
    EngineState& state = engine_arg(e);
    const std::string_view id = text_arg(case_id, "case_id");
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    CallGuard guard(state);  // a head of an older format is replayed (the host's rules)
    *out = std::make_unique<ut_case>(e->state, load_case(store, state.engine, id)).release();
    return UT_OK;
  });
}

int ut_store_save(ut_store* s, ut_case* c, uint64_t expected_revision) {
  return guarded([&] {
    CaseStore& store = store_arg(s);
    store.save(case_arg(c).kase, expected_revision);
    return UT_OK;
  });
}

int ut_store_fire(ut_store* s, ut_engine* e, const char* case_id, const char* event,
                  const char* actor_json, const char* payload_json, const char* at_iso8601,
                  const char* request_id, char** outcome_json) {
  reset_out(outcome_json);
  return guarded([&] {
    CaseStore& store = store_arg(s);
    EngineState& state = engine_arg(e);
    const InputLimits limits = state.limits();
    const std::string_view id = text_arg(case_id, "case_id");
    const std::string_view name = text_arg(event, "event");
    const Actor actor = actor_arg(actor_json, limits);
    json::object payload = parse_object(payload_json, limits, "payload", true);
    const Timestamp at = time_arg(at_iso8601, "at");
    FireOptions options;
    if (request_id && *request_id)  // NULL or "": no request id
      options.request_id = std::string(text_arg(request_id, "request_id", limits));
    CallGuard guard(state);  // the host's rules and listener run
    const StoredFire r =
        fire_stored(store, state.engine, id, name, actor, std::move(payload), at, options);
    if (outcome_json) *outcome_json = dup_json(r.to_json(id, options.request_id));
    return r.outcome.accepted ? static_cast<int>(UT_OK) : report_refused(r.outcome);
  });
}

int ut_store_list(ut_store* s, const char* filter_json, char** cases_json) {
  return store_json(s, cases_json, "cases_json", [&](const CaseStore& store) {
    json::array list;
    for (const CaseSummary& summary : store.list(filter_arg(filter_json)))
      list.push_back(summary.to_json());
    return list;
  });
}

int ut_store_inbox(ut_store* s, ut_engine* e, const char* actor_json, char** items_json) {
  reset_out(items_json);
  return guarded([&] {
    CaseStore& store = store_arg(s);
    EngineState& state = engine_arg(e);
    if (!items_json) fail(UT_E_INVALID_ARGUMENT, "items_json: NULL");
    InboxQuery query;
    query.actor = actor_arg(actor_json, state.limits());
    return inbox(store, state, query, items_json);
  });
}

int ut_store_inbox_query(ut_store* s, ut_engine* e, const char* query_json, char** items_json) {
  reset_out(items_json);
  return guarded([&] {
    CaseStore& store = store_arg(s);
    EngineState& state = engine_arg(e);
    if (!items_json) fail(UT_E_INVALID_ARGUMENT, "items_json: NULL");
    const InboxQuery query =
        InboxQuery::from_json(parse_json(query_json, state.limits(), "query"), "query");
    return inbox(store, state, query, items_json);
  });
}

int ut_store_ledger(ut_store* s, const char* case_id, char** ledger_json) {
  return store_json(s, ledger_json, "ledger_json", [&](const CaseStore& store) {
    const std::string_view id = text_arg(case_id, "case_id");
    const std::optional<CaseLedger> ledger = store.ledger(id);
    if (!ledger) fail(UT_E_NOT_FOUND, "case " + std::string(id) + ": no such case in the store");
    return to_json(*ledger);
  });
}

int ut_store_changes(ut_store* s, uint64_t after, size_t limit, char** changes_json) {
  return store_json(s, changes_json, "changes_json", [&](const CaseStore& store) {
    if (limit < 1 || limit > kMaxChanges)
      fail(UT_E_INVALID_ARGUMENT,
           "limit: " + std::to_string(limit) + " is not from 1 to " + std::to_string(kMaxChanges));
    json::array list;
    for (const Change& change : store.changes(after, limit)) list.push_back(change.to_json());
    return list;
  });
}

int ut_store_tick(ut_store* s, ut_engine* e, const char* now_iso8601, char** report_json) {
  return store_engine_json(s, e, report_json, false, "report_json",
                           [&](CaseStore& store, EngineState& state) {
                             const Timestamp now = time_arg(now_iso8601, "now");
                             CallGuard guard(state);  // escalations notify the listener
                             return tick_stored(store, state.engine, now).to_json();
                           });
}

int ut_store_kpi(ut_store* s, ut_engine* e, const char* period_json, char** report_json) {
  return store_engine_json(
      s, e, report_json, true, "report_json", [&](const CaseStore& store, EngineState& state) {
        const KpiRequest request = kpi_request_arg(period_json, state.limits());
        CallGuard guard(state);  // host calculators may run
        return kpi_report(state, load_ledgers(store, state.engine), request);
      });
}

int ut_store_verify(ut_store* s, ut_engine* e, const char* case_id, char** report_json) {
  return store_engine_json(s, e, report_json, true, "report_json",
                           [&](const CaseStore& store, EngineState& state) {
                             const std::string_view id = text_arg(case_id, "case_id");
                             CallGuard guard(state);  // the replay calls the host's rules
                             return verify_stored(store, state.engine, id).to_json();
                           });
}

}  // extern "C"

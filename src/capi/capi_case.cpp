// The C API: cases — create, restore, fire, read.
#include <string>

#include "capi/capi_internal.hpp"

namespace json = boost::json;

namespace undertake::capi {
namespace {

// Reserves a case id among the engine's live cases for the duration of an open; the id is
// released again unless commit() hands it the new handle.
class Reservation {
 public:
  Reservation(EngineState& s, std::string id) : s_(s), id_(std::move(id)) {
    std::lock_guard<std::mutex> lock(s_.cases_mutex);
    if (!s_.cases.emplace(id_, nullptr).second)
      fail(UT_E_CONFLICT, "case " + id_ +
                              ": already open on this engine (free it first, or use "
                              "ut_engine_find_case)");
    reserved_ = true;
  }
  ~Reservation() {
    if (!reserved_ || committed_) return;
    std::lock_guard<std::mutex> lock(s_.cases_mutex);
    s_.cases.erase(id_);
  }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;

  void commit(ut_case* c) {
    std::lock_guard<std::mutex> lock(s_.cases_mutex);
    s_.cases[id_] = c;
    committed_ = true;
  }

 private:
  EngineState& s_;
  std::string id_;
  bool reserved_ = false;
  bool committed_ = false;
};

// The case id a snapshot or ledger names (empty when it names none: restore reports that).
std::string named_id(const json::value& doc) {
  if (const auto* o = doc.if_object())
    if (const auto* id = o->if_contains("case_id"); id && id->is_string())
      return std::string(id->get_string());
  return {};
}

template <class Open>
int open_case(ut_engine* e, const char* text, const char* what, ut_case** out, Open&& open) {
  EngineState& s = engine_arg(e);
  if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
  const json::value doc = parse_json(text, s.limits(), what);
  const std::string id = named_id(doc);
  std::optional<Reservation> reservation;
  if (!id.empty()) reservation.emplace(s, id);
  CallGuard guard(s);  // replays call the host's rules
  auto handle = std::make_unique<ut_case>(e->state, open(s.engine, doc));
  if (reservation) reservation->commit(handle.get());
  *out = handle.release();
  return UT_OK;
}

int fire(ut_case* c, const std::uint64_t* expected_revision, const char* event,
         const char* actor_json, const char* payload_json, const char* at_iso8601,
         char** outcome_out) {
  ut_case& h = case_arg(c);
  EngineState& s = *h.state;
  const InputLimits limits = s.limits();
  const std::string_view name = text_arg(event, "event");
  Actor actor = actor_arg(actor_json, limits);
  json::object payload = parse_object(payload_json, limits, "payload", true);
  const Timestamp at = time_arg(at_iso8601, "at");
  CallGuard guard(s);
  if (expected_revision && *expected_revision != h.kase.revision())
    fail(UT_E_CONFLICT, "case " + h.kase.id() + ": expected revision " +
                            std::to_string(*expected_revision) + " but the case is at revision " +
                            std::to_string(h.kase.revision()) + " (reload it)");
  const Outcome outcome = h.kase.fire(name, actor, std::move(payload), at);
  if (outcome_out) *outcome_out = dup_outcome_json(h.kase, outcome);
  return outcome.accepted ? static_cast<int>(UT_OK) : report_refused(outcome);
}

template <class Produce>
int read_json(ut_case* c, char** out, const char* what, Produce&& produce) {
  reset_out(out);
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!out) fail(UT_E_INVALID_ARGUMENT, std::string(what) + ": NULL");
    *out = dup_json(produce(h.kase));
    return UT_OK;
  });
}

}  // namespace
}  // namespace undertake::capi

using namespace undertake;
using namespace undertake::capi;

extern "C" {

int ut_case_create(ut_engine* e, const char* case_id, const char* data_json, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    const std::string id(text_arg(case_id, "case_id"));
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    json::object data = parse_object(data_json, s.limits(), "data");
    Reservation reservation(s, id);
    auto handle = std::make_unique<ut_case>(e->state, s.engine.create_case(id, std::move(data)));
    reservation.commit(handle.get());
    *out = handle.release();
    return UT_OK;
  });
}

int ut_case_restore(ut_engine* e, const char* snapshot_json, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    return open_case(
        e, snapshot_json, "snapshot", out,
        [](const Engine& engine, const json::value& doc) { return engine.restore(doc); });
  });
}

int ut_case_replay(ut_engine* e, const char* ledger_json, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    return open_case(e, ledger_json, "ledger", out,
                     [](const Engine& engine, const json::value& doc) {
                       CaseLedger ledger;
                       try {
                         ledger = case_ledger_from_json(doc, "ledger");
                       } catch (const Error& err) {
                         throw Error(ErrorKind::invalid_snapshot, err.where(), err.why());
                       }
                       return engine.replay(ledger);
                     });
  });
}

int ut_case_verify(ut_engine* e, const char* snapshot_json, char** report_json) {
  reset_out(report_json);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    if (!report_json) fail(UT_E_INVALID_ARGUMENT, "report_json: NULL");
    const json::value doc = parse_json(snapshot_json, s.limits(), "snapshot");
    CallGuard guard(s);  // the replay calls the host's rules
    *report_json = dup_json(s.engine.verify(doc).to_json());
    return UT_OK;
  });
}

int ut_engine_find_case(ut_engine* e, const char* case_id, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    const std::string id(text_arg(case_id, "case_id"));
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    std::lock_guard<std::mutex> lock(s.cases_mutex);
    const auto it = s.cases.find(id);
    if (it == s.cases.end() || !it->second)
      fail(UT_E_NOT_FOUND, "case " + id + ": no such case is open on this engine");
    *out = it->second;
    return UT_OK;
  });
}

void ut_case_free(ut_case* c) {
  if (!c || c->magic != kCaseMagic) return;
  try {
    EngineState& s = *c->state;
    std::lock_guard<std::mutex> lock(s.cases_mutex);
    const auto it = s.cases.find(c->kase.id());
    if (it != s.cases.end() && it->second == c) s.cases.erase(it);
  } catch (...) {
    // a failing mutex leaves a stale registry entry, never a crash
  }
  c->magic = kDeadMagic;
  delete c;
}

int ut_case_fire(ut_case* c, const char* event, const char* actor_json, const char* payload_json,
                 const char* at_iso8601, char** outcome_json) {
  reset_out(outcome_json);
  return guarded(
      [&] { return fire(c, nullptr, event, actor_json, payload_json, at_iso8601, outcome_json); });
}

int ut_case_fire_if_revision(ut_case* c, uint64_t expected_revision, const char* event,
                             const char* actor_json, const char* payload_json,
                             const char* at_iso8601, char** outcome_json) {
  reset_out(outcome_json);
  return guarded([&] {
    return fire(c, &expected_revision, event, actor_json, payload_json, at_iso8601, outcome_json);
  });
}

int ut_case_state(ut_case* c, char** state_json) {
  return read_json(c, state_json, "state_json", [](const Case& k) {
    return json::value{{"case_id", k.id()},
                       {"stage", k.stage()},
                       {"state", json::value_from(k.state())},
                       {"revision", k.revision()},
                       {"policy_version", k.policy_version()}};
  });
}

int ut_case_id(ut_case* c, char** case_id) {
  reset_out(case_id);
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!case_id) fail(UT_E_INVALID_ARGUMENT, "case_id: NULL");
    *case_id = dup_string(h.kase.id());
    return UT_OK;
  });
}

int ut_case_revision(ut_case* c, uint64_t* revision) {
  if (revision) *revision = 0;
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!revision) fail(UT_E_INVALID_ARGUMENT, "revision: NULL");
    *revision = h.kase.revision();
    return UT_OK;
  });
}

int ut_case_snapshot(ut_case* c, char** snapshot_json) {
  return read_json(c, snapshot_json, "snapshot_json", [](const Case& k) { return k.snapshot(); });
}

int ut_case_available(ut_case* c, const char* actor_json, char** events_json) {
  reset_out(events_json);
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!events_json) fail(UT_E_INVALID_ARGUMENT, "events_json: NULL");
    const Actor actor = actor_arg(actor_json, h.state->limits());
    json::array events;
    for (const auto& a : h.kase.available(actor))
      events.push_back(json::object{{"event", a.event}, {"gated", a.gated}});
    *events_json = dup_json(events);
    return UT_OK;
  });
}

int ut_case_ledger(ut_case* c, char** ledger_json) {
  return read_json(c, ledger_json, "ledger_json",
                   [](const Case& k) { return to_json(k.case_ledger()); });
}

int ut_case_record(ut_case* c, char** record_json) {
  return read_json(c, record_json, "record_json",
                   [](const Case& k) { return json::value(k.record()); });
}

int ut_case_risk(ut_case* c, char** risk_json) {
  return read_json(c, risk_json, "risk_json", [](const Case& k) {
    const json::value* risk = k.record().if_contains("risk");
    return risk ? *risk : json::value(json::object{});
  });
}

}  // extern "C"
